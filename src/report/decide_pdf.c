/* decide_pdf: the 交付決定通知書 (or 不交付決定通知書, or 変更交付決定通知書)
 * a nursery receives, as PDF (issue 22: what leaves the ward is PDF; the
 * .xlsx stays for the section) — letterhead with its 文書番号, the amount
 * decided, for an amendment the amounts before and after and the
 * difference, the amount per program and per month, the planned lines it
 * rests on in the claim schema's labels, the lines not decided with their
 * reasons, the conditions of the grant, the rules applied and their basis
 * in words, the contact and the 教示.  The same content as the workbook
 * notice (decide_xlsx.c), the words shared through decide_words.c.  A
 * notice reads only its nursery's rows, lines and rejections.
 * Not here: the decision (engine/decide.c), the PDF layer (pdf.c). */
#include <stdio.h>
#include <string.h>

#include "decide_words.h"
#include "formats.h"
#include "kasan/report_decide.h"
#include "letter.h"

typedef struct notice {
    pdf_doc *d;
    const decision *dec;
    const decide_nursery *dn;
    const claim_schema *schema;
    int sec;
} notice;

static void section(notice *n, const char *title)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%d　%s", ++n->sec, title);
    pdf_section(n->d, buf);
}

static void amendment_table(notice *n, const decide_amendment *am)
{
    section(n, "変更の内容");
    static const pdf_col cols[] = {
        {370, PDF_LEFT}, {210, PDF_RIGHT}, {210, PDF_RIGHT}, {210, PDF_RIGHT}};
    pdf_table(n->d, cols, 4, PDF_GRID, PDF_CELL);
    const char *h[] = {"事業", "変更前", "変更後", "増減"};
    pdf_header(n->d, h);
    char a[64], b[64], c[64];
    for (size_t i = 0; i < am->n_changes; i++) {
        const decide_change *ch = &am->changes[i];
        fmt_yen(ch->current_annual, a, sizeof a);
        fmt_yen(ch->amended_annual, b, sizeof b);
        fmt_yen(ch->difference, c, sizeof c);
        const char *r[] = {decide_program_title(n->dec, ch->program_id), a, b, c};
        pdf_row(n->d, r, 0);
    }
    fmt_yen(am->current_total, a, sizeof a);
    fmt_yen(am->amended_total, b, sizeof b);
    fmt_yen(am->difference, c, sizeof c);
    const char *t[] = {"合計", a, b, c};
    pdf_row(n->d, t, PDF_SHADE);
}

/* 交付決定額の内訳: the year's amount per program. */
static void by_program(notice *n)
{
    const decision *dec = n->dec;
    const decide_row *rows = &dec->rows[n->dn->row0];
    size_t nr = n->dn->n_rows;
    char yen[64];
    section(n, "交付決定額の内訳");
    static const pdf_col two[] = {{550, PDF_LEFT}, {300, PDF_RIGHT}};
    pdf_table(n->d, two, 2, PDF_GRID, PDF_CELL);
    const char *h[] = {"事業", "交付決定額（年額）"};
    pdf_header(n->d, h);
    for (size_t i = 0; i < nr; i++) {
        fmt_yen(rows[i].annual, yen, sizeof yen);
        const char *r[] = {decide_program_title(dec, rows[i].program_id), yen};
        pdf_row(n->d, r, 0);
    }
    fmt_yen(n->dn->total, yen, sizeof yen);
    const char *t[] = {"合計", yen};
    pdf_row(n->d, t, PDF_SHADE);
}

/* 月別の内訳: the limit of each month's 概算払, per program (up to four
 * columns; 計 counts them all). */
static void by_month(notice *n)
{
    const decision *dec = n->dec;
    const decide_row *rows = &dec->rows[n->dn->row0];
    size_t nr = n->dn->n_rows;
    if (!nr)
        return;
    section(n, "月別の内訳（概算払の限度）");
    enum { SHOWN_MAX = 4 }; /* a program column each, then 計 */
    size_t shown = nr < SHOWN_MAX ? nr : SHOWN_MAX;
    pdf_col cols[SHOWN_MAX + 2] = {{220, PDF_LEFT}};
    const char *head[SHOWN_MAX + 2] = {"月"};
    for (size_t i = 0; i < shown; i++) {
        cols[1 + i] = (pdf_col){(unsigned)(600 / (shown + 1)), PDF_RIGHT};
        head[1 + i] = decide_program_title(dec, rows[i].program_id);
    }
    cols[1 + shown] = (pdf_col){(unsigned)(600 / (shown + 1)), PDF_RIGHT};
    head[1 + shown] = "計";
    pdf_table(n->d, cols, shown + 2, PDF_GRID, PDF_CELL);
    pdf_header(n->d, head);
    char cell[SHOWN_MAX + 1][64], ml[64];
    const char *r[SHOWN_MAX + 2];
    for (int m = 0; m < DECIDE_MONTHS; m++) {
        decide_month_label(dec->fiscal_year, m, true, ml, sizeof ml);
        r[0] = ml;
        int64_t sum = 0;
        for (size_t i = 0; i < nr; i++) {
            if (i < shown) {
                fmt_yen(rows[i].month[m], cell[i], sizeof cell[i]);
                r[1 + i] = cell[i];
            }
            sum += rows[i].month[m]; /* ≤ the nursery's total: fits */
        }
        fmt_yen(sum, cell[shown], sizeof cell[shown]);
        r[1 + shown] = cell[shown];
        pdf_row(n->d, r, 0);
    }
    r[0] = "年額";
    for (size_t i = 0; i < shown; i++) {
        fmt_yen(rows[i].annual, cell[i], sizeof cell[i]);
        r[1 + i] = cell[i];
    }
    fmt_yen(n->dn->total, cell[shown], sizeof cell[shown]);
    r[1 + shown] = cell[shown];
    pdf_row(n->d, r, PDF_SHADE);
}

/* 算定の基礎: the planned lines, labelled by the claim schema. */
static void basis_lines(notice *n)
{
    const decision *dec = n->dec;
    const applications *app = &dec->app;
    const schema_file *sc = &n->schema->files[SCHEMA_CHILDREN];
    const schema_file *ss = &n->schema->files[SCHEMA_STAFF];
    char buf[512];
    section(n, "算定の基礎（交付申請の内容）");
    if (n->dn->n_children) {
        static const pdf_col cols[] = {{180, PDF_LEFT}, {420, PDF_LEFT}, {400, PDF_LEFT}};
        pdf_table(n->d, cols, 3, PDF_GRID, PDF_CELL);
        snprintf(buf, sizeof buf, "%s～%s（予定）", decide_schema_label(sc, "enrolled_from"),
                 decide_schema_label(sc, "enrolled_to"));
        const char *h[] = {decide_schema_label(sc, "child_ref"),
                           decide_schema_label(sc, "care_types"), buf};
        pdf_header(n->d, h);
        for (size_t i = 0; i < n->dn->n_children; i++) {
            const child_line *cl = &app->cl.children[n->dn->children[i]];
            decide_child_text t;
            decide_child_words(sc, cl, &t);
            const char *r[] = {cl->child_ref, t.care, t.span};
            pdf_row(n->d, r, 0);
        }
    }
    if (n->dn->n_staff) {
        if (n->dn->n_children)
            pdf_gap(n->d, 4);
        static const pdf_col cols[] = {{120, PDF_LEFT},  {170, PDF_LEFT},  {100, PDF_CENTER},
                                       {90, PDF_RIGHT}, {150, PDF_RIGHT}, {150, PDF_RIGHT},
                                       {220, PDF_LEFT}};
        pdf_table(n->d, cols, 7, PDF_GRID, PDF_CELL);
        const char *h[] = {decide_schema_label(ss, "staff_ref"),
                           decide_schema_label(ss, "qualification"),
                           decide_schema_label(ss, "employment"),
                           decide_schema_label(ss, "hours"),
                           decide_schema_label(ss, "salary_cost"),
                           decide_schema_label(ss, "other_income"),
                           "予定月"};
        pdf_header(n->d, h);
        for (size_t i = 0; i < n->dn->n_staff; i++) {
            size_t k = n->dn->staff[i];
            const staff_line *sl = &app->cl.staff[k];
            decide_staff_text t;
            decide_staff_words(ss, dec, k, &t);
            char sal[64], oth[64];
            fmt_yen(sl->salary_cost, sal, sizeof sal);
            fmt_yen(sl->other_income, oth, sizeof oth);
            const char *r[] = {sl->staff_ref, t.qualification, t.employment, t.hours, sal, oth,
                               t.months};
            pdf_row(n->d, r, 0);
        }
        pdf_text(n->d, PDF_SMALL, PDF_LEFT, 0,
                 "勤務時間・対象経費・寄付金その他の収入額は1か月あたりの予定。");
    }
}

/* 交付の対象としない計画: one row per rejected line and reason, with the
 * months it was rejected in. */
static void rejected(notice *n)
{
    if (!n->dn->n_rej)
        return;
    section(n, "交付の対象としない計画");
    static const pdf_col cols[] = {{200, PDF_LEFT}, {180, PDF_LEFT}, {620, PDF_LEFT}};
    pdf_table(n->d, cols, 3, PDF_GRID, PDF_CELL);
    const char *h[] = {"月", "児童・職員番号", "理由"};
    pdf_header(n->d, h);
    size_t i = 0;
    const decide_rejection *v;
    char ml[128];
    while (decide_next_rejection(n->dec, n->dn, &i, &v, ml)) {
        const char *r[] = {ml, v->r.ref, v->r.reason};
        pdf_row(n->d, r, 0);
    }
}

/* 交付の条件, then the rules applied and their basis in words. */
static void conditions(notice *n)
{
    section(n, "交付の条件");
    for (size_t i = 0; decide_conditions[i]; i++)
        pdf_text(n->d, PDF_SMALL, PDF_LEFT, 0, decide_conditions[i]);
    section(n, "適用する規則と根拠");
    const decision *dec = n->dec;
    const decide_row *rows = &dec->rows[n->dn->row0];
    char buf[4096];
    for (size_t i = 0; i < n->dn->n_rows; i++) {
        decide_versions_in_words(dec, rows[i].program_id, buf, sizeof buf);
        pdf_text(n->d, PDF_SMALL, PDF_LEFT, 0, buf);
        const program *v[DECIDE_MAX_VERSIONS];
        size_t nv = decide_distinct_versions(dec, rows[i].program_id, v);
        for (size_t k = 0; k < nv; k++)
            pdf_textf(n->d, PDF_SMALL, PDF_LEFT, 0, "根拠（%s版）：%s", v[k]->version, v[k]->basis);
    }
}

int report_decide_notice_pdf(const decision *dec, size_t k, const decide_meta *meta,
                             const char *doc_number, const char *path, char *err, size_t errsz)
{
    const decide_nursery *dn = &dec->nurseries[k];
    const nursery *nu = dn->nursery;
    const decide_amendment *am = meta->amendment;
    bool none = dn->total == 0; /* every planned line rejected: 不交付決定 */
    const char *kind = decide_notice_kind(am != NULL, none);
    char fy[64], titles[384], title[640], opening[1024], footer[256];
    fmt_fy_wareki(dec->fiscal_year, fy, sizeof fy);
    decide_program_titles(dec, dn, titles, sizeof titles);
    snprintf(title, sizeof title, "%s %s %s", fy, titles, kind);
    decide_opening(fy, titles, am != NULL, none, opening, sizeof opening);
    /* the decision's id in the footer, not a line of its own: a notice
     * with rejected lines still fits one page */
    snprintf(footer, sizeof footer, "%s　%s %s　決定ID %s", nu->id, fy, kind,
             meta->decide_id ? meta->decide_id : "");
    pdf_doc *d = pdf_new(footer, meta->finalized ? NULL : "試　算");
    if (!d) {
        snprintf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    letter lt = {.issuer = fmt_issuer(dec->rules, meta->issue_date), .doc_number = doc_number,
                 .date = meta->issue_date, .nursery_id = nu->id,
                 .operator_name = nu->operator_name, .nursery_name = nu->name, .title = title,
                 .opening = opening, .draft = !meta->finalized};
    letter_head(d, &lt);
    static const pdf_col big[] = {{420, PDF_CENTER}, {350, PDF_RIGHT}};
    pdf_table(d, big, 2, 0, PDF_LARGE);
    char yen[64];
    fmt_yen(dn->total, yen, sizeof yen);
    const char *r[] = {am ? "変更後の交付決定額" : "交付決定額", yen};
    pdf_row(d, r, PDF_UNDERLINE);

    arena a = ARENA_INIT;
    claim_schema schema;
    schema_build(dec->app.terms, &a, &schema);
    notice n = {.d = d, .dec = dec, .dn = dn, .schema = &schema};
    if (am) /* 変更の内容 shows the amounts per program after the change */
        amendment_table(&n, am);
    else
        by_program(&n);
    by_month(&n);
    basis_lines(&n);
    rejected(&n);
    if (dn->n_rows)
        conditions(&n);
    letter_close(d, &lt, true, NULL);
    char date[32];
    letter_pdf_date(meta->issue_date, date);
    pdf_info info = {title, date};
    int rc = pdf_write(d, &info, path, err, errsz);
    arena_release(&a);
    return rc;
}
