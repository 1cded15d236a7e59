/* diff_xlsx: OUT/M/diff.xlsx — the what-if comparison of one month's claims
 * under two rule sets, nursery by nursery (programs by their titles), with
 * totals; A4 landscape, one page wide. */
#include <stdio.h>

#include "formats.h"
#include "kasan/report.h"

static void diff_header(xw *x, lxw_worksheet *ws, lxw_row_t r)
{
    static const char *cols[] = {"施設番号", "施設名", "事業", "規則A 版", "金額A（円）",
                                 "規則B 版", "金額B（円）", "差額 B−A（円）"};
    for (lxw_col_t c = 0; c < 8; c++)
        xw_text(x, ws, r, c, cols[c], x->f.header);
}

int report_diff_xlsx(claim_month m, const char *rules_a, const char *rules_b,
                     const diff_row *rows, size_t n, const char *path, char *err, size_t errsz)
{
    xw x;
    if (xw_open(&x, path, false, err, errsz) != 0)
        return -1;
    lxw_worksheet *ws = xw_sheet(&x, "比較");
    char mon[32], title[128];
    fmt_month_wareki(m, mon, sizeof mon);
    snprintf(title, sizeof title, "規則比較（%s分）", mon);
    xw_text(&x, ws, 0, 0, title, x.f.title);
    xw_text(&x, ws, 1, 0, "規則A", x.f.plain);
    xw_text(&x, ws, 1, 1, rules_a, x.f.plain);
    xw_text(&x, ws, 2, 0, "規則B", x.f.plain);
    xw_text(&x, ws, 2, 1, rules_b, x.f.plain);
    lxw_row_t r = 4;
    diff_header(&x, ws, r++);
    int64_t ta = 0, tb = 0;
    for (size_t i = 0; i < n; i++, r++) {
        const diff_row *d = &rows[i];
        xw_text(&x, ws, r, 0, d->nursery_id, x.f.text);
        xw_text(&x, ws, r, 1, d->nursery_name, x.f.text);
        xw_text(&x, ws, r, 2, d->program_title ? d->program_title : d->program, x.f.text);
        xw_text(&x, ws, r, 3, d->version_a ? d->version_a : "-", x.f.text_c);
        xw_whole(&x, ws, r, 4, d->amount_a, x.f.yen);
        xw_text(&x, ws, r, 5, d->version_b ? d->version_b : "-", x.f.text_c);
        xw_whole(&x, ws, r, 6, d->amount_b, x.f.yen);
        xw_whole(&x, ws, r, 7, d->amount_b - d->amount_a, x.f.yen);
        ta += d->amount_a;
        tb += d->amount_b;
    }
    xw_merge(&x, ws, r, 0, 3, "合計", x.f.total_label);
    xw_whole(&x, ws, r, 4, ta, x.f.yen_total);
    xw_blank(&x, ws, r, 5, x.f.total_label);
    xw_whole(&x, ws, r, 6, tb, x.f.yen_total);
    xw_whole(&x, ws, r, 7, tb - ta, x.f.yen_total);
    xw_check(&x, worksheet_set_column(ws, 0, 0, 12, NULL));
    xw_check(&x, worksheet_set_column(ws, 1, 1, 30, NULL));
    xw_check(&x, worksheet_set_column(ws, 2, 2, 18, NULL));
    xw_check(&x, worksheet_set_column(ws, 3, 7, 14, NULL));
    worksheet_freeze_panes(ws, 5, 0);
    xw_check(&x, worksheet_autofilter(ws, 4, 0, (lxw_row_t)(4 + n), 7));
    /* A4 landscape, every column on the page's width, the header on each page */
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_fit_to_pages(ws, 1, 0);
    xw_check(&x, worksheet_repeat_rows(ws, 4, 4));
    worksheet_set_footer(ws, "&C&P / &N");
    return xw_close(&x, err, errsz);
}
