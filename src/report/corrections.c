/* corrections: a correction (修正, SPEC 6.1) in the month's workbooks — the
 * 修正差額 sheet of payments.xlsx and a nursery's own correction rows
 * (corr_nursery_rows).  Not here: the 修正 block of a statement and the
 * statements of nurseries no longer paid (statement_xlsx.c), corrections.csv
 * (payments_csv.c), the figures (src/engine/correct.c) and their record (the
 * ledger). */
#include "corrections.h"

#include <stdio.h>
#include <string.h>

size_t corr_nursery_rows(const run_correction *c, const char *id, size_t *first)
{
    size_t i = 0, n = 0;
    while (c && i < c->n && strcmp(c->rows[i].nursery_id, id) != 0)
        i++;
    while (c && i + n < c->n && !strcmp(c->rows[i + n].nursery_id, id))
        n++;
    *first = i;
    return n;
}

/* The range of rows (sorted by nursery) that belong to nursery id. */
static size_t rows_of(const ledger_correction *rows, size_t n, const char *id, size_t *first)
{
    size_t i = 0, k = 0;
    while (i < n && strcmp(rows[i].nursery_id, id) != 0)
        i++;
    while (i + k < n && !strcmp(rows[i + k].nursery_id, id))
        k++;
    *first = i;
    return k;
}

void corr_owed_sentence(const run_correction *c, const char *id, int64_t diff, int64_t total,
                        char *buf, size_t size)
{
    char up_s[48], down_s[48];
    if (!c->transferred) { /* nothing paid yet: the corrected amount is what is paid */
        fmt_yen(total, up_s, sizeof up_s);
        if (total > 0)
            snprintf(buf, size, "この月の支払はまだ振り込まれていないため、修正後の支払金額 %sを"
                     "振り込みます（差額の追給・返還はありません）。", up_s);
        else
            snprintf(buf, size, "この月の支払はまだ振り込まれていないため、振込も返還もありません。");
        return;
    }
    int64_t up = 0, down = 0; /* one nursery's programs: within a month's amounts */
    size_t first, n = rows_of(c->owed, c->n_owed, id, &first);
    for (size_t i = first; i < first + n; i++) {
        int64_t d = c->owed[i].difference_yen;
        if ((d > 0 && __builtin_add_overflow(up, d, &up)) ||
            (d < 0 && __builtin_sub_overflow(down, d, &down)))
            up = down = 0; /* cannot happen: amounts are a month's */
    }
    fmt_yen(up, up_s, sizeof up_s);
    fmt_yen(down, down_s, sizeof down_s);
    if (up && down)
        snprintf(buf, size, "振込済みの額に対し、%sを追給し、%sの返還をお願いします（事業ごとに精算し、"
                 "相殺しません。返還の方法は別途通知します）。", up_s, down_s);
    else if (up)
        snprintf(buf, size, "振込済みの額との差額 %sを追給します。", up_s);
    else if (down)
        snprintf(buf, size, "振込済みの額との差額 %sの返還をお願いします（返還の方法は別途通知します）。",
                 down_s);
    else if (diff > 0) /* back to what was transferred: an earlier 返還 is withdrawn */
        snprintf(buf, size, "振込済みの額と同じ額となるため、追給も返還もありません"
                 "（先の通知でお願いした返還は不要となりました）。");
    else
        snprintf(buf, size, "振込済みの額と同じ額のため、追給も返還もありません。");
}

static const char *diff_word(int64_t d) { return d > 0 ? "追給" : d < 0 ? "返還" : ""; }

/* Totals in order: paid, corrected, difference, 追給 sum, 返還 sum (positive).
 * Each is a sum of int64 amounts of one month: checked all the same. */
static bool corr_totals(const run_correction *c, int64_t t[5])
{
    memset(t, 0, 5 * sizeof *t);
    for (size_t i = 0; i < c->n; i++) {
        const ledger_correction *r = &c->rows[i];
        if (__builtin_add_overflow(t[0], r->paid_yen, &t[0]) ||
            __builtin_add_overflow(t[1], r->corrected_yen, &t[1]) ||
            __builtin_add_overflow(t[2], r->difference_yen, &t[2]) ||
            (r->difference_yen > 0 && __builtin_add_overflow(t[3], r->difference_yen, &t[3])) ||
            (r->difference_yen < 0 && __builtin_sub_overflow(t[4], r->difference_yen, &t[4])))
            return false;
    }
    return true;
}

enum { CS_HEADER = 3 }; /* the header row of 修正差額 */

void corr_sheet(xw *x, const month_run *run, const run_meta *meta)
{
    const run_correction *c = meta->correction;
    if (!c)
        return;
    lxw_worksheet *ws = xw_sheet(x, "修正差額");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    static const char *const hdr[] = {"施設番号", "施設名", "事業", "既支払額",
                                      "修正後",   "差額",   "追給/返還"};
    static const unsigned width[] = {10, 28, 26, 14, 14, 14, 10};
    for (lxw_col_t k = 0; k < 7; k++)
        worksheet_set_column(ws, k, k, width[k], NULL);
    int64_t t[5];
    if (!corr_totals(c, t)) {
        xw_check(x, LXW_ERROR_PARAMETER_VALIDATION); /* a month's sum beyond int64 */
        return;
    }
    char ml[64], buf[1024];
    fmt_month_wareki(run->month, ml, sizeof ml);
    snprintf(buf, sizeof buf, "%s分 修正差額（既支払額と修正後の額）", ml);
    worksheet_set_row(ws, 0, 24, NULL);
    xw_text(x, ws, 0, 0, buf, f->title);
    snprintf(buf, sizeof buf, "修正の理由：%s", c->reason ? c->reason : "");
    xw_text(x, ws, 1, 0, buf, f->plain);
    snprintf(buf, sizeof buf, "修正前の実行ID %s　修正後の実行ID %s",
             c->superseded_run_id ? c->superseded_run_id : "", meta->run_id ? meta->run_id : "");
    xw_text(x, ws, 2, 0, buf, f->note);
    worksheet_set_row(ws, CS_HEADER, 20, NULL);
    for (lxw_col_t k = 0; k < 7; k++)
        xw_text(x, ws, CS_HEADER, k, hdr[k], f->header);
    /* constant_memory: the filter and print setup before the rows */
    xw_check(x, worksheet_autofilter(ws, CS_HEADER, 0, (lxw_row_t)(CS_HEADER + c->n), 6));
    worksheet_freeze_panes(ws, CS_HEADER + 1, 0);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    xw_check(x, worksheet_repeat_rows(ws, CS_HEADER, CS_HEADER));
    worksheet_set_footer(ws, "&C&P / &N");
    lxw_row_t r = CS_HEADER + 1;
    for (size_t i = 0; i < c->n; i++, r++) {
        const ledger_correction *row = &c->rows[i];
        const nursery *n = fmt_nursery_find(run, row->nursery_id);
        xw_text(x, ws, r, 0, row->nursery_id, f->text);
        xw_text(x, ws, r, 1, n ? n->name : "", f->text);
        xw_text(x, ws, r, 2, fmt_program_title(run, row->program), f->text);
        xw_whole(x, ws, r, 3, row->paid_yen, f->yen);
        xw_whole(x, ws, r, 4, row->corrected_yen, f->yen);
        xw_whole(x, ws, r, 5, row->difference_yen, f->dyen);
        xw_text(x, ws, r, 6, diff_word(row->difference_yen), f->text_c);
    }
    static const char *const label[] = {"合計", "追給の計", "返還の計"};
    for (int k = 0; k < 3; k++, r++) {
        xw_text(x, ws, r, 0, label[k], f->total_label);
        for (lxw_col_t col = 1; col < 3; col++)
            xw_blank(x, ws, r, col, f->total_label);
        if (k == 0) {
            xw_whole(x, ws, r, 3, t[0], f->yen_total);
            xw_whole(x, ws, r, 4, t[1], f->yen_total);
            xw_whole(x, ws, r, 5, t[2], f->dyen_total);
        } else {
            xw_blank(x, ws, r, 3, f->total_label);
            xw_blank(x, ws, r, 4, f->total_label);
            xw_whole(x, ws, r, 5, t[2 + k], f->yen_total); /* 返還 as a positive amount */
        }
        xw_text(x, ws, r, 6, k == 0 ? diff_word(t[2]) : k == 1 ? "追給" : "返還",
                f->total_label);
    }
}
