/* statement_pdf: the 支払通知書 a nursery receives for a month, as PDF
 * (SPEC 4) — letterhead, the amount, each program's breakdown with the
 * nursery's lines (cited by form row when intake read them from a form),
 * the labelled values with their plain-Japanese descriptions and the rule's
 * constants, the nursery's rejected lines, 振込先, and after a correction
 * 修正 with 既支払額 / 修正後の額 / 差額.  One A4 page up to 20 children and
 * 10 staff lines.  A program none of whose lines the nursery claimed is left
 * out.  Formulas and identifiers are never printed.
 *
 * Only nm's ranges of the run and the rejections carrying nm's id are read:
 * no other nursery's data can reach the file.  Not here: the workbook
 * version for the section (statement_xlsx.c), the PDF layer (pdf.c). */
#include <stdio.h>
#include <string.h>

#include "corrections.h"
#include "formats.h"
#include "kasan/report.h"
#include "kasan/schema.h"
#include "letter.h"

#define MAX_LABELS 32

/* Whether the nursery has lines the program reads, or an amount from it. */
static bool program_shown(const month_run *run, const nursery_month *nm, size_t p)
{
    const rule_value *rv[1];
    const program *pg = run->programs[p];
    return nm->amount[p] != 0 || (fmt_labelled(pg, SCOPE_CHILD, rv, 1) && nm->n_children) ||
           (fmt_labelled(pg, SCOPE_STAFF, rv, 1) && nm->n_staff);
}

static const rule_terms *decl_terms(const month_run *run)
{
    static const rule_terms none;
    return run->terms ? run->terms : &none;
}

/* Whether any of the nursery's lines came from a form: then the tables
 * cite its rows. */
static bool from_forms(const month_run *run, const nursery_month *nm)
{
    for (size_t i = nm->child0; i < nm->child0 + nm->n_children; i++)
        if (run->children[i]->form)
            return true;
    for (size_t i = nm->staff0; i < nm->staff0 + nm->n_staff; i++)
        if (run->staff[i]->form)
            return true;
    return false;
}

/* The row number of a form citation ("P002.xlsx:児童!7" → "7"), or "". */
static const char *form_row(const char *form)
{
    const char *bang = form ? strrchr(form, '!') : NULL;
    return bang ? bang + 1 : "";
}

/* Shares of the page (thousandths) for a line table: the first columns
 * fixed, the rest (declared columns and values) equal. */
static size_t line_cols(pdf_col *cols, const unsigned *fixed, size_t nf, size_t nv)
{
    unsigned used = 0;
    for (size_t i = 0; i < nf; i++) {
        cols[i] = (pdf_col){fixed[i], i == 0 ? PDF_LEFT : PDF_RIGHT};
        used += fixed[i];
    }
    for (size_t j = 0; j < nv; j++)
        cols[nf + j] = (pdf_col){(unsigned)((1000 - used) / nv), PDF_RIGHT};
    return nf + nv;
}

/* Amounts and numbers to the right, words centred. */
static pdf_align value_align(vtype t)
{
    return t == VT_TEXT || t == VT_BOOL || t == VT_CARE_SET || t == VT_DATE ? PDF_CENTER : PDF_RIGHT;
}

static void declared_text(const declared_column *dc, value v, char *buf, size_t size)
{
    if ((dc->type == COL_YEN) && num_is_int(v.n)) {
        fmt_yen(v.n.n, buf, size);
        return;
    }
    schema_format_value(dc, v, buf, size);
}

/* The children of the nursery under program p: 児童番号, (様式の行),
 * 在籍日数, the declared columns, the program's labelled child values. */
static void child_table(pdf_doc *d, const month_run *run, const nursery_month *nm, size_t p,
                        bool forms)
{
    const rule_value *rv[MAX_LABELS];
    size_t nv = fmt_labelled(run->programs[p], SCOPE_CHILD, rv, MAX_LABELS);
    const rule_terms *t = decl_terms(run);
    size_t nd = t->n_child_cols;
    if (nv == 0 || nm->n_children == 0 || nd + nv + 3 > PDF_MAX_COLS)
        return;
    pdf_col cols[PDF_MAX_COLS];
    const unsigned fixed_f[] = {120, 90, 130}, fixed[] = {140, 140};
    size_t nf = forms ? 3 : 2;
    size_t n = line_cols(cols, forms ? fixed_f : fixed, nf, nd + nv);
    for (size_t j = 0; j < nd; j++)
        cols[nf + j].align = value_align(t->child_cols[j].vt);
    for (size_t j = 0; j < nv; j++)
        cols[nf + nd + j].align = value_align(rv[j]->type);
    if (forms)
        cols[1].align = PDF_CENTER;
    pdf_table(d, cols, n, PDF_GRID, PDF_CELL);
    const char *h[PDF_MAX_COLS];
    size_t k = 0;
    h[k++] = "児童番号";
    if (forms)
        h[k++] = "様式の行";
    h[k++] = "在籍日数";
    for (size_t j = 0; j < nd; j++)
        h[k++] = t->child_cols[j].label;
    for (size_t j = 0; j < nv; j++)
        h[k++] = rv[j]->label;
    pdf_header(d, h);
    char buf[PDF_MAX_COLS][128];
    const int mdays = month_days(run->month);
    for (size_t i = nm->child0; i < nm->child0 + nm->n_children; i++) {
        const child_line *cl = run->children[i];
        const char *c[PDF_MAX_COLS];
        k = 0;
        c[k++] = cl->child_ref;
        if (forms)
            c[k++] = form_row(cl->form);
        snprintf(buf[k], sizeof buf[k], "%d日／%d日", run->child_days[i], mdays);
        c[k] = buf[k];
        k++;
        for (size_t j = 0; j < nd; j++, k++) {
            const declared_column *dc = &t->child_cols[j];
            declared_text(dc, cl->decl[dc->slot], buf[k], sizeof buf[k]);
            c[k] = buf[k];
        }
        for (size_t j = 0; j < nv; j++, k++) {
            fmt_value_text(run, rv[j]->type, engine_line_value(run, p, i, rv[j]), true, true,
                           buf[k], sizeof buf[k]);
            c[k] = buf[k];
        }
        pdf_row(d, c, 0);
    }
}

static void staff_table(pdf_doc *d, const month_run *run, const nursery_month *nm, size_t p,
                        bool forms)
{
    const rule_value *rv[MAX_LABELS];
    size_t nv = fmt_labelled(run->programs[p], SCOPE_STAFF, rv, MAX_LABELS);
    const rule_terms *t = decl_terms(run);
    size_t nd = t->n_staff_cols;
    if (nv == 0 || nm->n_staff == 0 || nd + nv + 7 > PDF_MAX_COLS)
        return;
    pdf_col cols[PDF_MAX_COLS];
    const unsigned fixed_f[] = {100, 80, 100, 80, 100, 120, 120},
                   fixed[] = {110, 110, 90, 110, 130, 130};
    size_t nf = forms ? 7 : 6;
    size_t n = line_cols(cols, forms ? fixed_f : fixed, nf, nd + nv);
    for (size_t c = 1; c < (forms ? 4u : 3u); c++)
        cols[c].align = PDF_CENTER; /* 様式の行, 資格, 雇用形態 */
    for (size_t j = 0; j < nd; j++)
        cols[nf + j].align = value_align(t->staff_cols[j].vt);
    for (size_t j = 0; j < nv; j++)
        cols[nf + nd + j].align = value_align(rv[j]->type);
    pdf_table(d, cols, n, PDF_GRID, PDF_CELL);
    const char *h[PDF_MAX_COLS];
    size_t k = 0;
    h[k++] = "職員番号";
    if (forms)
        h[k++] = "様式の行";
    h[k++] = "資格";
    h[k++] = "雇用形態";
    h[k++] = "勤務時間";
    h[k++] = "対象経費";
    h[k++] = "寄付金その他の収入";
    for (size_t j = 0; j < nd; j++)
        h[k++] = t->staff_cols[j].label;
    for (size_t j = 0; j < nv; j++)
        h[k++] = rv[j]->label;
    pdf_header(d, h);
    char buf[PDF_MAX_COLS][128];
    for (size_t i = nm->staff0; i < nm->staff0 + nm->n_staff; i++) {
        const staff_line *sl = run->staff[i];
        const char *c[PDF_MAX_COLS];
        k = 0;
        c[k++] = sl->staff_ref;
        if (forms)
            c[k++] = form_row(sl->form);
        c[k++] = fmt_qualification(run, sl->qualification);
        c[k++] = fmt_employment(sl->employment);
        buf[k][0] = '\0';
        if (sl->has_hours) {
            char h1[64];
            num_format(sl->hours, h1, sizeof h1); /* exact: "92.5" */
            snprintf(buf[k], sizeof buf[k], "%s時間", h1);
        }
        c[k] = buf[k];
        k++;
        fmt_yen(sl->salary_cost, buf[k], sizeof buf[k]);
        c[k] = buf[k];
        k++;
        fmt_yen(sl->other_income, buf[k], sizeof buf[k]);
        c[k] = buf[k];
        k++;
        for (size_t j = 0; j < nd; j++, k++) {
            const declared_column *dc = &t->staff_cols[j];
            declared_text(dc, sl->decl[dc->slot], buf[k], sizeof buf[k]);
            c[k] = buf[k];
        }
        for (size_t j = 0; j < nv; j++, k++) {
            fmt_value_text(run, rv[j]->type, engine_line_value(run, p, i, rv[j]), true, true,
                           buf[k], sizeof buf[k]);
            c[k] = buf[k];
        }
        pdf_row(d, c, 0);
    }
}

/* The nursery's own values, then the program's result (shaded): labels over
 * values, six to a table. */
static void nursery_values(pdf_doc *d, const month_run *run, const nursery_month *nm, size_t p)
{
    const program *pg = run->programs[p];
    const rule_value *rv[MAX_LABELS];
    size_t nv = fmt_labelled(pg, SCOPE_NURSERY, rv, MAX_LABELS - 1);
    rv[nv++] = NULL; /* the result */
    enum { PER = 6 };
    for (size_t j0 = 0; j0 < nv; j0 += PER) {
        size_t n = nv - j0 < PER ? nv - j0 : PER;
        bool last = j0 + n == nv;
        pdf_col cols[PER];
        for (size_t c = 0; c < n; c++)
            cols[c] = (pdf_col){1000 / PER, rv[j0 + c] ? value_align(rv[j0 + c]->type) : PDF_RIGHT};
        pdf_table(d, cols, n, PDF_GRID | (last ? PDF_SHADE_LAST : 0), PDF_CELL);
        const char *h[PER], *v[PER];
        char buf[PER][128];
        for (size_t c = 0; c < n; c++) {
            const rule_value *r = rv[j0 + c];
            h[c] = r ? r->label : fmt_result_label(pg);
            if (r)
                fmt_value_text(run, r->type, engine_nursery_value(run, p, nm, r), true, true,
                               buf[c], sizeof buf[c]);
            else
                fmt_yen(nm->amount[p], buf[c], sizeof buf[c]);
            v[c] = buf[c];
        }
        pdf_header(d, h);
        pdf_row(d, v, 0);
    }
}

/* What a nursery needs to redo the arithmetic, in words: each labelled
 * value with its description, then the rule's constants. */
static void program_notes(pdf_doc *d, const month_run *run, size_t p)
{
    const program *pg = run->programs[p];
    char buf[4096], v[256], from[64];
    size_t len = 0;
    buf[0] = '\0';
    for (rule_scope s = SCOPE_NURSERY; s <= SCOPE_STAFF; s++) {
        const rule_value *rv[MAX_LABELS];
        size_t n = fmt_labelled(pg, s, rv, MAX_LABELS);
        for (size_t j = 0; j < n && len < sizeof buf; j++)
            if (rv[j]->description)
                len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s：%s", len ? "／" : "",
                                        rv[j]->label, rv[j]->description);
    }
    if (pg->result && pg->result->description && len < sizeof buf)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s：%s", len ? "／" : "",
                                fmt_result_label(pg), pg->result->description);
    fmt_date_wareki(pg->effective_from, from, sizeof from);
    if (len < sizeof buf)
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s適用規則：%s（%s版、%s施行）",
                                len ? "。" : "", pg->title, pg->version, from);
    const rule_value *rv[MAX_LABELS];
    size_t n = fmt_constants(pg, rv, MAX_LABELS);
    for (size_t j = 0; j < n && len < sizeof buf; j++) {
        if (rv[j]->kind == RV_TABLE) {
            const rule_table *t = &rv[j]->table;
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", j ? "／" : "　",
                                    rv[j]->label);
            for (size_t k = 0; k < t->n && len < sizeof buf; k++) {
                fmt_value_text(run, t->val_type, t->vals[k], true, true, v, sizeof v);
                len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s %s", k ? "、" : " ",
                                        t->keys[k], v);
            }
            continue;
        }
        fmt_value_text(run, rv[j]->type, rv[j]->param, true, true, v, sizeof v);
        len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s %s", j ? "／" : "　",
                                rv[j]->label, v);
    }
    pdf_text(d, PDF_SMALL, PDF_LEFT, 0, buf);
}

static void program_section(pdf_doc *d, const month_run *run, const nursery_month *nm, size_t p,
                            int sec, bool forms)
{
    const program *pg = run->programs[p];
    char buf[512];
    snprintf(buf, sizeof buf, "%d　%sの内訳", sec, pg->title);
    pdf_section(d, buf);
    child_table(d, run, nm, p, forms);
    staff_table(d, run, nm, p, forms);
    nursery_values(d, run, nm, p);
    program_notes(d, run, p);
}

/* The amount, its breakdown by program and where it is paid. */
static void summary(pdf_doc *d, const month_run *run, const nursery_month *nm, bool corrected)
{
    char yen[64];
    static const pdf_col big[] = {{300, PDF_CENTER}, {350, PDF_RIGHT}};
    pdf_table(d, big, 2, 0, PDF_LARGE);
    fmt_yen(nm->total, yen, sizeof yen);
    const char *b[] = {corrected ? "修正後の支払金額" : "支払金額", yen};
    pdf_row(d, b, PDF_UNDERLINE);
    pdf_gap(d, 6);
    static const pdf_col cols[] = {{450, PDF_LEFT}, {250, PDF_RIGHT}};
    pdf_table(d, cols, 2, PDF_GRID, PDF_CELL);
    const char *h[] = {"事業", "金額"};
    pdf_header(d, h);
    for (size_t p = 0; p < run->n_programs; p++) {
        if (!program_shown(run, nm, p))
            continue;
        fmt_yen(nm->amount[p], yen, sizeof yen);
        const char *r[] = {run->programs[p]->title, yen};
        pdf_row(d, r, 0);
    }
    fmt_yen(nm->total, yen, sizeof yen);
    const char *t[] = {"合計", yen};
    pdf_row(d, t, PDF_SHADE);
    /* 振込先: the nursery's account as registered */
    const nursery *n = nm->nursery;
    static const pdf_col bank[] = {{100, PDF_CENTER}, {350, PDF_LEFT}, {200, PDF_LEFT},
                                   {350, PDF_LEFT}};
    pdf_gap(d, 3);
    pdf_table(d, bank, 4, PDF_GRID, PDF_CELL);
    char where[256], account[128], holder[256];
    snprintf(where, sizeof where, "%s　%s", n->bank_name ? n->bank_name : "",
             n->bank_branch ? n->bank_branch : "");
    snprintf(account, sizeof account, "%s　%s", fmt_account_type(n->account_type),
             n->account_number ? n->account_number : "");
    snprintf(holder, sizeof holder, "口座名義　%s", n->account_holder ? n->account_holder : "");
    const char *r[] = {"振込先", where, account, holder};
    pdf_row(d, r, 0);
    date_t when; /* 振込予定日 (issue 22): from the payer's rule and the bank calendar */
    if (nm->total > 0 && report_planned_transfer(run->rules, run->month, &when)) {
        char day[64], line[160];
        fmt_date_wareki(when, day, sizeof day);
        snprintf(line, sizeof line, "振込予定日　%s", day);
        pdf_gap(d, 2);
        pdf_text(d, PDF_BODY, PDF_LEFT, 0, line);
    }
}

/* 修正の内容 (SPEC 6.1): per program changed, 既支払額 / 修正後の額 / 差額 and
 * 追給 or 返還, their total, what follows from it, and the reason. */
static void correction(pdf_doc *d, const month_run *run, const run_correction *c, size_t first,
                       size_t n, int64_t total, int sec)
{
    char buf[1200];
    snprintf(buf, sizeof buf, "%d　修正の内容", sec);
    pdf_section(d, buf);
    static const pdf_col cols[] = {{300, PDF_LEFT},  {170, PDF_RIGHT}, {170, PDF_RIGHT},
                                   {170, PDF_RIGHT}, {120, PDF_CENTER}};
    pdf_table(d, cols, 5, PDF_GRID, PDF_CELL);
    const char *h[] = {"事業", "既支払額", "修正後の額", "差額", "追給／返還"};
    pdf_header(d, h);
    int64_t paid = 0, now = 0, diff = 0; /* within one month's amounts: no overflow */
    char a[64], b[64], e[64];
    for (size_t i = first; i < first + n; i++) {
        const ledger_correction *r = &c->rows[i];
        fmt_yen(r->paid_yen, a, sizeof a);
        fmt_yen(r->corrected_yen, b, sizeof b);
        fmt_yen(r->difference_yen, e, sizeof e);
        const char *row[] = {fmt_program_title(run, r->program), a, b, e,
                             r->difference_yen > 0 ? "追給" : r->difference_yen < 0 ? "返還" : ""};
        pdf_row(d, row, 0);
        paid += r->paid_yen;
        now += r->corrected_yen;
        diff += r->difference_yen;
    }
    fmt_yen(paid, a, sizeof a);
    fmt_yen(now, b, sizeof b);
    fmt_yen(diff, e, sizeof e);
    const char *t[] = {"合計", a, b, e, diff > 0 ? "追給" : diff < 0 ? "返還" : ""};
    pdf_row(d, t, PDF_SHADE);
    corr_owed_sentence(c, c->rows[first].nursery_id, diff, total, buf, sizeof buf);
    pdf_text(d, PDF_BODY, PDF_LEFT, 0, buf);
    pdf_textf(d, PDF_BODY, PDF_LEFT, 0, "修正の理由：%s", c->reason ? c->reason : "");
}

/* The nursery's lines not paid, in its own terms: 児童・職員番号, the form
 * row (or the line of the data it sent), the reason. */
static void rejections(pdf_doc *d, const month_run *run, const char *id, int sec)
{
    size_t n = 0;
    for (size_t i = 0; i < run->n_rejections; i++)
        n += run->rejections[i].nursery_id && !strcmp(run->rejections[i].nursery_id, id);
    if (!n)
        return;
    char buf[128];
    snprintf(buf, sizeof buf, "%d　支給対象とならなかった届出", sec);
    pdf_section(d, buf);
    report_rejection_table(d, run, id);
}

void report_rejection_table(pdf_doc *d, const month_run *run, const char *id)
{
    static const pdf_col cols[] = {{80, PDF_CENTER}, {160, PDF_LEFT}, {200, PDF_LEFT},
                                   {560, PDF_LEFT}};
    pdf_table(d, cols, 4, PDF_GRID, PDF_CELL);
    const char *h[] = {"区分", "児童・職員番号", "請求の箇所", "理由"};
    pdf_header(d, h);
    for (size_t i = 0; i < run->n_rejections; i++) {
        const rejection *rj = &run->rejections[i];
        if (!rj->nursery_id || strcmp(rj->nursery_id, id))
            continue;
        char where[128];
        fmt_line_cite(rj->form, rj->line, where, sizeof where);
        const char *r[] = {fmt_scope_name(rj->kind), rj->ref, where, rj->reason};
        pdf_row(d, r, 0);
    }
}

int report_statement_pdf(const month_run *run, const nursery_month *nm, const run_meta *meta,
                         const char *doc_number, const char *path, char *err, size_t errsz)
{
    const nursery *n = nm->nursery;
    char ml[64], titles[384] = "", title[512], sub[96], opening[768], footer[160];
    size_t first, n_corr = corr_nursery_rows(meta->correction, n->id, &first);
    bool corrected = n_corr > 0;
    fmt_month_wareki(run->month, ml, sizeof ml);
    for (size_t p = 0; p < run->n_programs; p++) {
        size_t len = strlen(titles);
        snprintf(titles + len, sizeof titles - len, "%s%s", p ? "・" : "", run->programs[p]->title);
    }
    snprintf(title, sizeof title, "%s 支払通知書%s", titles, corrected ? "（修正）" : "");
    snprintf(sub, sizeof sub, "（%s分）", ml);
    if (corrected)
        snprintf(opening, sizeof opening, "%s分の%sの支払額を、下記のとおり修正します。", ml,
                 titles);
    else
        snprintf(opening, sizeof opening, "%s分の%sについて、下記のとおり支払います。", ml, titles);
    snprintf(footer, sizeof footer, "%s　%s分 支払通知書%s", n->id, ml, corrected ? "（修正）" : "");
    pdf_doc *d = pdf_new(footer, meta->finalized ? NULL : "試　算");
    if (!d) {
        snprintf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    letter lt = {.issuer = fmt_issuer(run->rules, meta->issue_date), .doc_number = doc_number,
                 .date = meta->issue_date, .nursery_id = n->id, .operator_name = n->operator_name,
                 .nursery_name = n->name, .title = title, .subtitle = sub, .opening = opening,
                 .draft = !meta->finalized};
    letter_head(d, &lt);
    summary(d, run, nm, corrected);
    int sec = 0;
    if (corrected)
        correction(d, run, meta->correction, first, n_corr, nm->total, ++sec);
    bool forms = from_forms(run, nm);
    for (size_t p = 0; p < run->n_programs; p++)
        if (program_shown(run, nm, p))
            program_section(d, run, nm, p, ++sec, forms);
    rejections(d, run, n->id, sec + 1); /* a section only when it has lines */
    char small[160];
    snprintf(small, sizeof small, "実行ID %s", meta->run_id ? meta->run_id : "");
    letter_close(d, &lt, false, small);
    char date[32];
    letter_pdf_date(meta->issue_date, date);
    pdf_info info = {title, date};
    return pdf_write(d, &info, path, err, errsz);
}
