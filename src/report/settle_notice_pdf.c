/* settle_notice_pdf: the 交付額確定通知書 a nursery receives after the year
 * (SPEC 6.2), as PDF — letterhead and the amount due either way (追加交付 or
 * 返還, never netted across programs), then per settled program the months
 * paid (概算払), the annual computation in words (each settlement value's
 * label, amount and description: never its formula or a name of the rules),
 * the actuals report, 交付確定額 / 既交付額 / 追加交付額 or 返還額 with its
 * 返還期限, 修正 after a correction, the rule and its basis; then the contact
 * and the 教示.  Written as OUT/settlement-FY/notices/ID.pdf beside the
 * .xlsx, which stays for the section.  A notice reads only the rows it is
 * given: no other nursery's data can reach it.  Not here: the workbook
 * (settle_xlsx.c), the PDF layer (pdf.c). */
#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "kasan/report.h"
#include "kasan/report_settle.h"
#include "letter.h"

static const month_run no_run; /* value formatting without a month (no care sets) */

/* Whether a correction changes the row: its amount, or money either way
 * (the same test as settlement.xlsx's 修正差額). */
static bool row_changed(const settle_row *row)
{
    return !row->corrected || row->annual != row->prior_annual || row->difference != 0;
}

static const char *due_word(int64_t diff)
{
    return diff > 0 ? "追加交付額" : diff < 0 ? "返還額" : "差額";
}

static void months_table(pdf_doc *d, const settle_row *row)
{
    static const pdf_col cols[] = {{300, PDF_LEFT}, {200, PDF_CENTER}, {250, PDF_RIGHT}};
    pdf_table(d, cols, 3, PDF_GRID, PDF_CELL);
    const char *h[] = {"月", "適用した規則の版", "支払額（概算払）"};
    pdf_header(d, h);
    char ml[64], yen[64];
    for (size_t m = 0; m < row->n_months; m++) {
        fmt_month_wareki(row->month[m], ml, sizeof ml);
        strncat(ml, "分", sizeof ml - strlen(ml) - 1);
        fmt_yen(row->month_paid[m], yen, sizeof yen);
        const char *r[] = {ml, row->month_version[m], yen};
        pdf_row(d, r, 0);
    }
    if (row->settled_before) { /* a correction: the earlier settlement's money too */
        fmt_yen(row->monthly, yen, sizeof yen);
        const char *a[] = {"概算払（合計）", NULL, yen};
        pdf_row(d, a, 0);
        fmt_yen(row->settled_before, yen, sizeof yen);
        const char *b[] = {row->settled_before > 0 ? "既確定の追加交付額" : "既確定の返還額（控除）",
                           NULL, yen};
        pdf_row(d, b, 0);
    }
    fmt_yen(row->paid, yen, sizeof yen);
    const char *t[] = {"既交付額（合計）", NULL, yen};
    pdf_row(d, t, PDF_SHADE);
}

/* Each labelled settlement value in evaluation order: label, amount, and
 * what it is in words; the result shaded. */
static void computation(pdf_doc *d, const settle_row *row)
{
    const program *sp = row->rule->settlement;
    static const pdf_col cols[] = {{300, PDF_LEFT}, {180, PDF_RIGHT}, {520, PDF_LEFT}};
    pdf_table(d, cols, 3, PDF_GRID, PDF_CELL);
    const char *h[] = {"項目", "金額", "算定方法"};
    pdf_header(d, h);
    char v[128];
    for (size_t k = 0; k < sp->n_order; k++) {
        const rule_value *rv = &sp->values[sp->order[k]];
        if (!rv->label)
            continue;
        fmt_value_text(&no_run, rv->type, settle_row_value(row, rv), true, true, v, sizeof v);
        const char *r[] = {rv->label, v, rv->description};
        pdf_row(d, r, rv == sp->result ? PDF_SHADE : 0);
    }
    char salary[64], other[64];
    fmt_yen(row->actual->salary_cost, salary, sizeof salary);
    fmt_yen(row->actual->other_income, other, sizeof other);
    pdf_textf(d, PDF_SMALL, PDF_LEFT, 0,
              "実績報告：対象経費の実支出額 %s、寄付金その他の収入額 %s", salary, other);
}

static void settlement_block(pdf_doc *d, const settle_row *row, date_t issued,
                             const rule_set *rs)
{
    static const pdf_col cols[] = {{300, PDF_LEFT}, {250, PDF_RIGHT}};
    pdf_table(d, cols, 2, PDF_GRID, PDF_BODY);
    char a[64];
    fmt_yen(row->annual, a, sizeof a);
    const char *r1[] = {"交付確定額", a};
    pdf_row(d, r1, 0);
    fmt_yen(row->paid, a, sizeof a);
    const char *r2[] = {"既交付額", a};
    pdf_row(d, r2, 0);
    fmt_yen(row->difference < 0 ? -row->difference : row->difference, a, sizeof a);
    const char *r3[] = {due_word(row->difference), a};
    pdf_row(d, r3, PDF_SHADE);
    if (row->difference < 0) {
        char due[64];
        fmt_date_wareki(settle_repayment_due(row, issued), due, sizeof due);
        pdf_textf(d, PDF_BODY, PDF_LEFT, 0, "返還期限：%s（この通知の日から%d日以内）", due,
                  row->rule->repayment_due_days);
        pdf_text(d, PDF_SMALL, PDF_LEFT, 0, "返還の方法（納付書）は別途お送りします。");
    } else if (row->difference > 0) {
        pdf_text(d, PDF_SMALL, PDF_LEFT, 0, "追加交付額は、届出の口座に振り込みます。");
        int y, m, dd; /* 振込予定日 (issue 22): the month after the notice's */
        date_to_ymd(issued, &y, &m, &dd);
        date_t when;
        if (rs && report_planned_transfer(rs, (claim_month){y, m}, &when)) {
            char day[64];
            fmt_date_wareki(when, day, sizeof day);
            pdf_textf(d, PDF_BODY, PDF_LEFT, 0, "振込予定日：%s", day);
        }
    }
}

/* 修正 (SPEC 6.1): what was decided, what is decided now, the difference. */
static void correction_block(pdf_doc *d, const settle_row *row, const char *reason)
{
    static const pdf_col cols[] = {{300, PDF_LEFT}, {250, PDF_RIGHT}};
    pdf_table(d, cols, 2, PDF_GRID, PDF_BODY);
    char a[64], label[64];
    fmt_yen(row->prior_annual, a, sizeof a);
    const char *r1[] = {"既確定の交付額", a};
    pdf_row(d, r1, 0);
    fmt_yen(row->annual, a, sizeof a);
    const char *r2[] = {"修正後の交付額", a};
    pdf_row(d, r2, 0);
    snprintf(label, sizeof label, "差額（%s）", row->difference > 0   ? "追加交付"
                                               : row->difference < 0 ? "返還"
                                                                     : "なし");
    fmt_yen(row->difference < 0 ? -row->difference : row->difference, a, sizeof a);
    const char *r3[] = {label, a};
    pdf_row(d, r3, PDF_SHADE);
    pdf_textf(d, PDF_BODY, PDF_LEFT, 0, "修正の理由：%s", reason ? reason : "");
}

static void rule_note(pdf_doc *d, const settle_row *row)
{
    const program *sp = row->rule->settlement;
    char from[64];
    fmt_date_wareki(sp->effective_from, from, sizeof from);
    pdf_textf(d, PDF_SMALL, PDF_LEFT, 0, "適用規則：%s（%s版、%s施行。年度末3月31日に施行の版）",
              sp->title, sp->version, from);
    pdf_textf(d, PDF_SMALL, PDF_LEFT, 0, "根拠：%s", sp->basis);
}

int report_settle_notice_pdf(const settlement *s, size_t first, size_t nr, const settle_meta *meta,
                             const char *doc_number, const char *path, char *err, size_t errsz)
{
    const settle_row *rows = &s->rows[first];
    char fy[64], titles[384] = "", title[512], opening[768], footer[160];
    fmt_fy_wareki(s->fiscal_year, fy, sizeof fy);
    bool changed = false;
    for (size_t i = 0; i < nr; i++) {
        size_t len = strlen(titles);
        snprintf(titles + len, sizeof titles - len, "%s%s", i ? "・" : "",
                 rows[i].rule->settlement->title);
        changed |= s->supersedes && row_changed(&rows[i]);
    }
    snprintf(title, sizeof title, "%s %s 交付額確定通知書%s", fy, titles, changed ? "（修正）" : "");
    if (changed)
        snprintf(opening, sizeof opening,
                 "%sの%sについて、先に確定した交付額を下記のとおり修正したので通知します。"
                 "差額のみを追加交付し、又は返還を求めます。",
                 fy, titles);
    else
        snprintf(opening, sizeof opening,
                 "%sの%sについて、実績報告に基づき交付額を下記のとおり確定したので通知します。",
                 fy, titles);
    snprintf(footer, sizeof footer, "%s　%s 交付額確定通知書%s", rows->nursery_id, fy,
             changed ? "（修正）" : "");
    pdf_doc *d = pdf_new(footer, meta->finalized ? NULL : "試　算");
    if (!d) {
        snprintf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    letter lt = {.issuer = fmt_issuer(meta->rules, meta->issue_date), .doc_number = doc_number,
                 .date = meta->issue_date, .nursery_id = rows->nursery_id,
                 .operator_name = rows->nursery_operator, .nursery_name = rows->nursery_name,
                 .title = title, .opening = opening, .draft = !meta->finalized};
    letter_head(d, &lt);

    /* the amount due either way, large: 追加交付 and 返還 are never netted
     * across programs */
    static const pdf_col big[] = {{420, PDF_CENTER}, {350, PDF_RIGHT}};
    pdf_table(d, big, 2, 0, PDF_LARGE);
    for (size_t i = 0; i < nr; i++) {
        char label[256], yen[64];
        snprintf(label, sizeof label, "%s%s", nr > 1 ? rows[i].rule->settlement->title : "",
                 due_word(rows[i].difference));
        fmt_yen(rows[i].difference < 0 ? -rows[i].difference : rows[i].difference, yen,
                sizeof yen);
        const char *r[] = {label, yen};
        pdf_row(d, r, PDF_UNDERLINE);
    }
    int sec = 0;
    char buf[512];
    for (size_t i = 0; i < nr; i++) {
        const char *t = rows[i].rule->settlement->title;
        snprintf(buf, sizeof buf, "%d　%s：概算払の状況", ++sec, t);
        pdf_section(d, buf);
        months_table(d, &rows[i]);
        snprintf(buf, sizeof buf, "%d　%s：交付額の算定", ++sec, t);
        pdf_section(d, buf);
        computation(d, &rows[i]);
        snprintf(buf, sizeof buf, "%d　%s：精算", ++sec, t);
        pdf_section(d, buf);
        settlement_block(d, &rows[i], meta->issue_date, meta->rules);
        if (s->supersedes && row_changed(&rows[i])) {
            snprintf(buf, sizeof buf, "%d　%s：修正", ++sec, t);
            pdf_section(d, buf);
            correction_block(d, &rows[i], meta->supersede_reason);
        }
        rule_note(d, &rows[i]);
    }
    char small[160];
    snprintf(small, sizeof small, "精算ID %s", meta->settle_id ? meta->settle_id : "");
    letter_close(d, &lt, true, small);
    char date[32];
    letter_pdf_date(meta->issue_date, date);
    pdf_info info = {title, date};
    return pdf_write(d, &info, path, err, errsz);
}
