/* payments_xlsx: the section's workbook for a month (SPEC 4) — 支払一覧 (with
 * the approval block 決裁欄 of a signed run), 明細, 不支給, 予算 and 検証.  Columns come from the programs in force and
 * their labelled values, so a program added in rules/ appears without a
 * change here.  Amounts are the run's whole yen; nothing is computed but
 * sums of them.
 *
 * Written in constant_memory mode so tens of thousands of lines keep memory
 * flat: every sheet is written strictly row by row, top to bottom, and no
 * sheet merges cells.  Freeze panes, column widths, print setup and the chart
 * are sheet settings and work in that mode; the autofilter does too, but
 * libxlsxwriter refuses a range whose last row is already flushed, so each
 * sheet counts its rows first and sets the filter before writing them. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corrections.h"
#include "formats.h"
#include "kasan/budget_ward.h"
#include "kasan/report.h"
#include "kasan/schema.h"

/* Set before the sheet's rows are written (constant_memory: see top).  A
 * draft's every page says 試算 so no printed page passes for a payment. */
static void sheet_print_setup(xw *x, lxw_worksheet *ws, uint8_t paper, bool one_page, bool draft,
                              lxw_row_t header_row)
{
    worksheet_set_paper(ws, paper);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, one_page ? 1 : 0);
    xw_check(x, worksheet_repeat_rows(ws, header_row, header_row));
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_set_header(ws, draft ? "&R&\"-,Bold\"&14&KFF0000試算" : "");
    worksheet_set_footer(ws, "&C&P / &N");
}

/* ---- 支払一覧 ---------------------------------------------------------- */

/* 決裁欄: who drafted (起案), approved (決裁) and paid (振込) the run, from the
 * ledger's signed events (SPEC 10.1): name, post and date in 和暦, below the
 * totals; a step not yet taken says so.  Rows are written in order
 * (constant_memory). */
static void approval_block(xw *x, lxw_worksheet *ws, lxw_row_t r, const report_approval *ap)
{
    xw_formats *f = &x->f;
    xw_text(x, ws, r++, 0, "決裁欄", f->subtitle);
    static const char *const hdr[] = {"区分", "氏名", "役職", "日付"};
    for (lxw_col_t c = 0; c < 4; c++)
        xw_text(x, ws, r, c, hdr[c], f->header);
    r++;
    const struct {
        const char *label, *missing;
        const report_signoff *s;
    } steps[] = {{"起案", "（未起案）", &ap->drafted},
                 {"決裁", "（未決裁）", &ap->approved},
                 {"振込", "（振込ファイル未作成）", &ap->paid}};
    for (size_t i = 0; i < 3; i++, r++) {
        const report_signoff *s = steps[i].s;
        xw_text(x, ws, r, 0, steps[i].label, f->text_c);
        xw_text(x, ws, r, 1, s->name ? s->name : steps[i].missing, f->text);
        xw_text(x, ws, r, 2, s->name ? s->post : "", f->text);
        char day[64] = "";
        if (s->name)
            fmt_date_wareki(s->day, day, sizeof day);
        xw_text(x, ws, r, 3, day, f->text_c);
    }
}

static void sheet_list(xw *x, const month_run *run, const run_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "支払一覧");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    const lxw_col_t np = (lxw_col_t)run->n_programs;
    const lxw_col_t c_prog = 3, c_total = c_prog + np, c_bank = c_total + 1;
    const lxw_col_t last = c_bank + 6; /* + 金融機関コード, 支店コード (SPEC 7) */

    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 28, NULL);
    worksheet_set_column(ws, 2, 2, 26, NULL);
    worksheet_set_column(ws, c_prog, c_total, 16, NULL);
    worksheet_set_column(ws, c_bank, c_bank, 16, NULL);
    worksheet_set_column(ws, c_bank + 1, c_bank + 1, 14, NULL);
    worksheet_set_column(ws, c_bank + 2, c_bank + 2, 6, NULL);
    worksheet_set_column(ws, c_bank + 3, c_bank + 3, 10, NULL);
    worksheet_set_column(ws, c_bank + 4, c_bank + 4, 34, NULL);
    worksheet_set_column(ws, c_bank + 5, c_bank + 6, 10, NULL);

    char ml[64], title[512];
    fmt_month_wareki(run->month, ml, sizeof ml);
    if (meta->correction && meta->reissue >= 2) /* which run it replaces (issue 22) */
        snprintf(title, sizeof title, "%s分 支払一覧（修正） 第%d回確定：第%d回確定（%s）に代わるもの",
                 ml, meta->reissue, meta->reissue - 1, meta->correction->superseded_run_id);
    else if (meta->correction)
        snprintf(title, sizeof title, "%s分 支払一覧（修正）：確定（%s）に代わるもの", ml,
                 meta->correction->superseded_run_id);
    else
        snprintf(title, sizeof title, "%s分 支払一覧%s", ml,
                 meta->finalized ? "（確定）" : "（試算）");
    worksheet_set_row(ws, 0, 24, NULL);
    xw_text(x, ws, 0, 0, title, f->title);

    static const char *const bank_hdr[] = {"金融機関", "支店", "種別", "口座番号", "口座名義",
                                           "金融機関コード", "支店コード"};
    worksheet_set_row(ws, 1, 30, NULL);
    xw_text(x, ws, 1, 0, "施設番号", f->header);
    xw_text(x, ws, 1, 1, "施設名", f->header);
    xw_text(x, ws, 1, 2, "運営法人", f->header);
    for (lxw_col_t p = 0; p < np; p++)
        xw_text(x, ws, 1, c_prog + p, run->programs[p]->title, f->header);
    xw_text(x, ws, 1, c_total, "合計", f->header);
    for (lxw_col_t i = 0; i < 7; i++)
        xw_text(x, ws, 1, c_bank + i, bank_hdr[i], f->header);

    size_t paid = 0;
    for (size_t i = 0; i < run->n_nurseries; i++)
        paid += run->nurseries[i].total > 0;
    xw_check(x, worksheet_autofilter(ws, 1, 0, (lxw_row_t)(1 + paid), last));
    worksheet_freeze_panes(ws, 2, 2);
    sheet_print_setup(x, ws, PAPER_A4, false, !meta->finalized, 1);

    int64_t sum[ENGINE_MAX_PROGRAMS] = {0}, total = 0;
    lxw_row_t r = 2;
    for (size_t i = 0; i < run->n_nurseries; i++) {
        const nursery_month *nm = &run->nurseries[i];
        if (nm->total <= 0)
            continue;
        const nursery *n = nm->nursery;
        xw_text(x, ws, r, 0, n->id, f->text);
        xw_text(x, ws, r, 1, n->name, f->text);
        xw_text(x, ws, r, 2, n->operator_name, f->text);
        for (lxw_col_t p = 0; p < np; p++) {
            xw_whole(x, ws, r, c_prog + p, nm->amount[p], f->yen);
            sum[p] += nm->amount[p];
        }
        xw_whole(x, ws, r, c_total, nm->total, f->yen);
        total += nm->total;
        xw_text(x, ws, r, c_bank, n->bank_name, f->text);
        xw_text(x, ws, r, c_bank + 1, n->bank_branch, f->text);
        xw_text(x, ws, r, c_bank + 2, fmt_account_type(n->account_type), f->text_c);
        xw_text(x, ws, r, c_bank + 3, n->account_number, f->text);
        xw_text(x, ws, r, c_bank + 4, n->account_holder, f->text);
        xw_text(x, ws, r, c_bank + 5, n->bank_code, f->text_c); /* blank where the registry */
        xw_text(x, ws, r, c_bank + 6, n->branch_code, f->text_c); /* has no code */
        r++;
    }

    /* Totals are the sums of the rows above, written as values (not SUM
     * formulas) so the sheet states exactly what payments.csv pays. */
    char lbl[64];
    snprintf(lbl, sizeof lbl, "合計（%zu施設）", paid);
    xw_text(x, ws, r, 0, lbl, f->total_label);
    xw_blank(x, ws, r, 1, f->total_label);
    xw_blank(x, ws, r, 2, f->total_label);
    for (lxw_col_t p = 0; p < np; p++)
        xw_whole(x, ws, r, c_prog + p, sum[p], f->yen_total);
    xw_whole(x, ws, r, c_total, total, f->yen_total);
    for (lxw_col_t i = 0; i < 7; i++)
        xw_blank(x, ws, r, c_bank + i, f->total_label);
    if (meta->finalized && meta->approval)
        approval_block(x, ws, r + 2, meta->approval);

    worksheet_activate(ws);
}

/* ---- 明細 -------------------------------------------------------------- */

/* The terms whose declared columns (SPEC 8.1) the lines carry; none when a
 * run has no terms (tests that build a run by hand). */
static const rule_terms *decl_terms(const month_run *run)
{
    static const rule_terms none;
    return run->terms ? run->terms : &none;
}


typedef struct detail_col {
    size_t p;
    const rule_value *rv;
    char header[160];
} detail_col;

enum {
    D_KIND, D_ID, D_NAME, D_REF, D_LINE, D_PROG, D_VER, D_CARE, D_DAYS, D_MDAYS, D_QUAL, D_EMP,
    D_HOURS, D_COST, D_INCOME, D_FIXED
};

/* Every labelled value of every program, in program then definition order;
 * a label used twice gets the program and/or scope to tell them apart. */
static detail_col *detail_columns(const month_run *run, size_t *n_out)
{
    size_t cap = 0;
    for (size_t p = 0; p < run->n_programs; p++)
        cap += run->programs[p]->n_values;
    detail_col *cols = calloc(cap ? cap : 1, sizeof *cols);
    if (!cols)
        return NULL;
    size_t n = 0;
    for (size_t p = 0; p < run->n_programs; p++) {
        const program *pg = run->programs[p];
        for (rule_scope s = SCOPE_NURSERY; s <= SCOPE_STAFF; s++) {
            const rule_value *rv[256];
            size_t k = fmt_labelled(pg, s, rv, 256);
            for (size_t i = 0; i < k; i++)
                cols[n++] = (detail_col){.p = p, .rv = rv[i]};
        }
    }
    for (size_t i = 0; i < n; i++) {
        bool other_prog = false, same_prog = false;
        for (size_t j = 0; j < n; j++) {
            if (j == i || strcmp(cols[i].rv->label, cols[j].rv->label))
                continue;
            if (cols[j].p != cols[i].p)
                other_prog = true;
            else
                same_prog = true;
        }
        const char *title = run->programs[cols[i].p]->title;
        const char *scope = fmt_scope_name(cols[i].rv->scope);
        if (other_prog && same_prog)
            snprintf(cols[i].header, sizeof cols[i].header, "%s（%s・%s）", cols[i].rv->label, title,
                     scope);
        else if (other_prog)
            snprintf(cols[i].header, sizeof cols[i].header, "%s（%s）", cols[i].rv->label, title);
        else if (same_prog)
            snprintf(cols[i].header, sizeof cols[i].header, "%s（%s）", cols[i].rv->label, scope);
        else
            snprintf(cols[i].header, sizeof cols[i].header, "%s", cols[i].rv->label);
    }
    *n_out = n;
    return cols;
}

static bool program_has_scope(const month_run *run, size_t p, rule_scope s)
{
    const rule_value *rv[1];
    return fmt_labelled(run->programs[p], s, rv, 1) > 0;
}

/* Rows of 明細 below its header: one per line and program that labels
 * values of the line's scope (at least one per line), one per nursery and
 * program. */
static size_t detail_rows(const month_run *run)
{
    size_t pc = 0, ps = 0;
    for (size_t p = 0; p < run->n_programs; p++) {
        pc += program_has_scope(run, p, SCOPE_CHILD);
        ps += program_has_scope(run, p, SCOPE_STAFF);
    }
    size_t n = 0;
    for (size_t k = 0; k < run->n_nurseries; k++)
        n += run->nurseries[k].n_children * (pc ? pc : 1) +
             run->nurseries[k].n_staff * (ps ? ps : 1) + run->n_programs;
    return n;
}

static void hours_cell(xw *x, lxw_worksheet *ws, lxw_row_t r, const staff_line *sl)
{
    if (!sl->has_hours) {
        xw_blank(x, ws, r, D_HOURS, x->f.text);
    } else if (num_is_int(sl->hours)) {
        xw_whole(x, ws, r, D_HOURS, sl->hours.n, x->f.num);
    } else {
        char buf[64];
        num_format(sl->hours, buf, sizeof buf); /* exact: "92.5" */
        xw_text(x, ws, r, D_HOURS, buf, x->f.text_r);
    }
}

/* The columns shared by every row of 明細, blank-bordered where unused. */
static void detail_row_start(xw *x, lxw_worksheet *ws, lxw_row_t r, rule_scope kind,
                             const nursery *n, const char *ref, int line, const program *pg,
                             lxw_col_t ncols)
{
    for (lxw_col_t c = 0; c < ncols; c++)
        xw_blank(x, ws, r, c, x->f.text);
    xw_text(x, ws, r, D_KIND, fmt_scope_name(kind), x->f.text_c);
    xw_text(x, ws, r, D_ID, n->id, x->f.text);
    xw_text(x, ws, r, D_NAME, n->name, x->f.text);
    xw_text(x, ws, r, D_REF, ref, x->f.text);
    if (line > 0)
        xw_whole(x, ws, r, D_LINE, line, x->f.num);
    if (pg) { /* the title, as every sheet a person reads names a program */
        xw_text(x, ws, r, D_PROG, pg->title, x->f.text);
        xw_text(x, ws, r, D_VER, pg->version, x->f.text_c);
    }
}

/* What the row writers of 明細 share. */
typedef struct detail_ctx {
    xw *x;
    lxw_worksheet *ws;
    const month_run *run;
    const detail_col *cols;
    size_t nc;
    lxw_col_t c_amount, ncols;
    lxw_col_t c_values;   /* first program value column: after the declared ones */
} detail_ctx;

/* The declared columns (SPEC 8.1) of the terms in force, right after the
 * fixed ones: children.csv's, then nurses.csv's. */
static size_t detail_declared(const month_run *run)
{
    return decl_terms(run)->n_child_cols + decl_terms(run)->n_staff_cols;
}

/* A declared column's value of a line, under its label. */
static void declared_cell(const detail_ctx *d, lxw_row_t r, lxw_col_t c,
                          const declared_column *dc, value v)
{
    xw_formats *f = &d->x->f;
    bool numeric = dc->type == COL_YEN || dc->type == COL_DAYS || dc->type == COL_NUMBER;
    if (numeric && num_is_int(v.n)) { /* a fractional number stays exact, as text */
        xw_whole(d->x, d->ws, r, c, v.n.n, dc->type == COL_YEN ? f->yen : f->num);
        return;
    }
    char buf[256];
    schema_format_value(dc, v, buf, sizeof buf);
    xw_text(d->x, d->ws, r, c, buf, dc->type == COL_NUMBER ? f->text_r : f->text);
}

enum { DETAIL_HEADER_ROW = 1 }; /* under the sheet's title */
/* widths of the fixed columns, characters: narrow, 医療的ケア wraps */
static const uint8_t detail_fixed_w[D_FIXED] = {5, 8, 20, 8, 5, 14, 7, 16, 6, 5, 8, 6, 7, 9, 9};

/* The fixed columns, then one per labelled value, then 支給額. */
static void detail_header(const detail_ctx *d)
{
    const lxw_row_t h = DETAIL_HEADER_ROW;
    static const char *const fixed_hdr[D_FIXED] = {
        "区分", "施設番号", "施設名", "参照番号", "入力行", "制度", "規則版", "医療的ケア",
        "在籍日数", "月日数", "資格", "雇用形態", "勤務時間", "対象経費", "その他収入"};
    xw *x = d->x;
    lxw_worksheet *ws = d->ws;
    worksheet_set_row(ws, h, 42, NULL); /* labels with a program name wrap */
    for (lxw_col_t c = 0; c < D_FIXED; c++) {
        worksheet_set_column(ws, c, c, detail_fixed_w[c], NULL);
        xw_text(x, ws, h, c, fixed_hdr[c], x->f.header);
    }
    worksheet_set_column(ws, D_FIXED, d->c_amount, 10, NULL);
    const rule_terms *t = decl_terms(d->run);
    for (size_t k = 0; k < t->n_child_cols; k++)
        xw_text(x, ws, h, (lxw_col_t)(D_FIXED + k), t->child_cols[k].label, x->f.header);
    for (size_t k = 0; k < t->n_staff_cols; k++)
        xw_text(x, ws, h, (lxw_col_t)(D_FIXED + t->n_child_cols + k), t->staff_cols[k].label,
                x->f.header);
    for (size_t j = 0; j < d->nc; j++)
        xw_text(x, ws, h, (lxw_col_t)(d->c_values + j), d->cols[j].header, x->f.header);
    xw_text(x, ws, h, d->c_amount, "支給額", x->f.header);
}

/* Program p's labelled values of line `line` (scope s) in row r. */
static void detail_line_values(const detail_ctx *d, lxw_row_t r, size_t p, rule_scope s,
                               size_t line)
{
    for (size_t j = 0; j < d->nc; j++)
        if (d->cols[j].p == p && d->cols[j].rv->scope == s)
            xw_value(d->x, d->ws, r, (lxw_col_t)(d->c_values + j), d->run, d->cols[j].rv->type,
                     engine_line_value(d->run, p, line, d->cols[j].rv), d->x->f.yen, false);
}

/* Child line i: one row per program labelling child values (at least one). */
static lxw_row_t detail_child(const detail_ctx *d, lxw_row_t r, const nursery *n, size_t i)
{
    const month_run *run = d->run;
    xw_formats *f = &d->x->f;
    const child_line *cl = run->children[i];
    char care[512];
    fmt_care_names(run, cl, care, sizeof care);
    /* 医療的ケア wraps in its column (about 7 full-width characters a line):
     * the row tall enough for all of it (set before the row's cells:
     * constant_memory) */
    size_t chars = 0;
    for (const char *c = care; *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    unsigned height = chars > 7 ? 13 * (unsigned)((chars + 6) / 7) : 0;
    bool any = false;
    for (size_t p = 0; p <= run->n_programs; p++) {
        bool last_try = p == run->n_programs;
        if (last_try ? any : !program_has_scope(run, p, SCOPE_CHILD))
            continue;
        const program *pg = last_try ? NULL : run->programs[p];
        if (height)
            worksheet_set_row(d->ws, r, height, NULL);
        detail_row_start(d->x, d->ws, r, SCOPE_CHILD, n, cl->child_ref, cl->line, pg, d->ncols);
        xw_text(d->x, d->ws, r, D_CARE, care, f->wrap); /* wrapped, never cut */
        xw_whole(d->x, d->ws, r, D_DAYS, run->child_days[i], f->num);
        xw_whole(d->x, d->ws, r, D_MDAYS, month_days(run->month), f->num);
        for (size_t k = 0; k < decl_terms(run)->n_child_cols; k++) {
            const declared_column *dc = &decl_terms(run)->child_cols[k];
            declared_cell(d, r, (lxw_col_t)(D_FIXED + k), dc, cl->decl[dc->slot]);
        }
        if (pg)
            detail_line_values(d, r, p, SCOPE_CHILD, i);
        r++;
        any = true;
    }
    return r;
}

/* Staff line i: one row per program labelling staff values (at least one). */
static lxw_row_t detail_staff(const detail_ctx *d, lxw_row_t r, const nursery *n, size_t i)
{
    const month_run *run = d->run;
    xw_formats *f = &d->x->f;
    const staff_line *sl = run->staff[i];
    bool any = false;
    for (size_t p = 0; p <= run->n_programs; p++) {
        bool last_try = p == run->n_programs;
        if (last_try ? any : !program_has_scope(run, p, SCOPE_STAFF))
            continue;
        const program *pg = last_try ? NULL : run->programs[p];
        detail_row_start(d->x, d->ws, r, SCOPE_STAFF, n, sl->staff_ref, sl->line, pg, d->ncols);
        xw_text(d->x, d->ws, r, D_QUAL, fmt_qualification(run, sl->qualification), f->text);
        xw_text(d->x, d->ws, r, D_EMP, fmt_employment(sl->employment), f->text_c);
        hours_cell(d->x, d->ws, r, sl);
        xw_whole(d->x, d->ws, r, D_COST, sl->salary_cost, f->yen);
        xw_whole(d->x, d->ws, r, D_INCOME, sl->other_income, f->yen);
        for (size_t k = 0; k < decl_terms(run)->n_staff_cols; k++) {
            const declared_column *dc = &decl_terms(run)->staff_cols[k];
            declared_cell(d, r, (lxw_col_t)(D_FIXED + decl_terms(run)->n_child_cols + k), dc,
                          sl->decl[dc->slot]);
        }
        if (pg)
            detail_line_values(d, r, p, SCOPE_STAFF, i);
        r++;
        any = true;
    }
    return r;
}

/* The nursery's own values and amount, one row per program. */
static lxw_row_t detail_nursery(const detail_ctx *d, lxw_row_t r, const nursery_month *nm)
{
    const month_run *run = d->run;
    for (size_t p = 0; p < run->n_programs; p++, r++) {
        detail_row_start(d->x, d->ws, r, SCOPE_NURSERY, nm->nursery, NULL, 0, run->programs[p],
                         d->ncols);
        for (size_t j = 0; j < d->nc; j++)
            if (d->cols[j].p == p && d->cols[j].rv->scope == SCOPE_NURSERY)
                xw_value(d->x, d->ws, r, (lxw_col_t)(d->c_values + j), run, d->cols[j].rv->type,
                         engine_nursery_value(run, p, nm, d->cols[j].rv), d->x->f.yen, false);
        xw_whole(d->x, d->ws, r, d->c_amount, nm->amount[p], d->x->f.yen);
    }
    return r;
}

/* Hundredths of a point a column of w characters takes on paper (Excel's
 * 7-pixel digit plus 5 pixels of margin, 0.75 pt a pixel). */
static long col_width_h(long w) { return (w * 7 + 5) * 75; }

/* 明細 on A4 landscape, split sensibly: the fixed columns on one page, the
 * declared columns and the values on the next, both with 区分 … 参照番号
 * and the header repeated; one print scale so that each part fits the
 * page's width (a fit-to-width would let Excel drop the break). */
static void detail_print_setup(xw *x, lxw_worksheet *ws, const detail_ctx *d, bool draft)
{
    long repeat = 0, first = 0, second = 0;
    for (int c = 0; c < D_FIXED; c++) {
        if (c <= D_REF)
            repeat += col_width_h(detail_fixed_w[c]);
        else
            first += col_width_h(detail_fixed_w[c]);
    }
    second = col_width_h(10) * (long)(d->c_amount - D_FIXED + 1);
    const long page = 78408; /* A4 landscape less the margins: (11.69 − 0.8) × 72 pt, hundredths */
    long widest = repeat + (first > second ? first : second);
    /* 70 %: LibreOffice and Excel lay the Japanese font out wider than the
     * digit width the columns are measured in */
    int scale = (int)(70 * page / widest);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    worksheet_set_print_scale(ws, (uint16_t)(scale > 100 ? 100 : scale < 10 ? 10 : scale));
    xw_check(x, worksheet_repeat_rows(ws, DETAIL_HEADER_ROW, DETAIL_HEADER_ROW));
    xw_check(x, worksheet_repeat_columns(ws, 0, D_REF));
    static lxw_col_t breaks[] = {D_FIXED, 0};
    xw_check(x, worksheet_set_v_pagebreaks(ws, breaks));
    worksheet_set_header(ws, draft ? "&R&\"-,Bold\"&14&KFF0000試算" : "");
    worksheet_set_footer(ws, "&C&P / &N");
}

/* 明細: every line and nursery of the month with every labelled value. */
static void sheet_detail(xw *x, const month_run *run, const run_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "明細");
    if (!ws)
        return;
    size_t nc = 0;
    detail_col *cols = detail_columns(run, &nc);
    if (!cols) {
        xw_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    const lxw_col_t c_values = (lxw_col_t)(D_FIXED + detail_declared(run));
    const lxw_col_t c_amount = (lxw_col_t)(c_values + nc);
    const detail_ctx d = {x, ws, run, cols, nc, c_amount, c_amount + 1, c_values};
    char ml[64], title[256];
    fmt_month_wareki(run->month, ml, sizeof ml);
    snprintf(title, sizeof title, "%s分 明細（請求の各行と算定した値）%s", ml,
             meta->finalized ? "（確定）" : "（試算）");
    worksheet_set_row(ws, 0, 22, NULL);
    xw_text(x, ws, 0, 0, title, x->f.title);
    detail_header(&d);
    lxw_row_t rows = (lxw_row_t)detail_rows(run);
    xw_check(x, worksheet_autofilter(ws, DETAIL_HEADER_ROW, 0, DETAIL_HEADER_ROW + rows, c_amount));
    worksheet_freeze_panes(ws, DETAIL_HEADER_ROW + 1, 4);
    detail_print_setup(x, ws, &d, !meta->finalized);

    lxw_row_t r = DETAIL_HEADER_ROW + 1;
    for (size_t k = 0; k < run->n_nurseries; k++) {
        const nursery_month *nm = &run->nurseries[k];
        for (size_t i = nm->child0; i < nm->child0 + nm->n_children; i++)
            r = detail_child(&d, r, nm->nursery, i);
        for (size_t i = nm->staff0; i < nm->staff0 + nm->n_staff; i++)
            r = detail_staff(&d, r, nm->nursery, i);
        r = detail_nursery(&d, r, nm);
    }
    assert(r == DETAIL_HEADER_ROW + rows + 1);
    free(cols);
}

/* ---- 不支給 ------------------------------------------------------------ */

static const char *nursery_name(const month_run *run, const char *id)
{
    const nursery *n = fmt_nursery_find(run, id); /* the one registry lookup of src/report */
    return n ? n->name : NULL;
}

/* 不支給: every line not paid, the reason in Japanese; the SPEC 1.5 code in
 * a narrow last column for machines (rejections.csv has it too). */
static void sheet_rejections(xw *x, const month_run *run, const run_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "不支給");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    enum { NC = 8, H = 1 }; /* columns; the header's row, under the title */
    static const char *const hdr[NC] = {"入力ファイル", "行", "施設番号", "施設名", "参照番号",
                                        "請求書様式（シート!行）", "理由", "コード"};
    static const uint8_t w[NC] = {24, 5, 8, 22, 9, 20, 50, 10}; /* characters */
    char ml[64], title[256];
    fmt_month_wareki(run->month, ml, sizeof ml);
    snprintf(title, sizeof title, "%s分 不支給（支給対象とならなかった請求の行）%s", ml,
             meta->finalized ? "（確定）" : "（試算）");
    worksheet_set_row(ws, 0, 22, NULL);
    xw_text(x, ws, 0, 0, title, f->title);
    worksheet_set_row(ws, H, 30, NULL);
    for (lxw_col_t c = 0; c < NC; c++) {
        worksheet_set_column(ws, c, c, w[c], NULL);
        xw_text(x, ws, H, c, hdr[c], f->header);
    }
    xw_check(x, worksheet_autofilter(ws, H, 0, H + (lxw_row_t)run->n_rejections, NC - 1));
    worksheet_freeze_panes(ws, H + 1, 0);
    sheet_print_setup(x, ws, PAPER_A4, false, !meta->finalized, H);
    lxw_row_t r = H + 1;
    for (size_t i = 0; i < run->n_rejections; i++, r++) {
        const rejection *rj = &run->rejections[i];
        xw_text(x, ws, r, 0, rj->file, f->text);
        xw_whole(x, ws, r, 1, rj->line, f->num);
        xw_text(x, ws, r, 2, rj->nursery_id, f->text);
        const char *name = nursery_name(run, rj->nursery_id);
        if (name)
            xw_text(x, ws, r, 3, name, f->text);
        else
            xw_blank(x, ws, r, 3, f->text);
        xw_text(x, ws, r, 4, rj->ref, f->text);
        /* "P002.xlsx:児童!7" names the file the section received */
        xw_text(x, ws, r, 5, rj->form ? rj->form : "", f->text);
        xw_text(x, ws, r, 6, rj->reason, f->wrap);
        xw_text(x, ws, r, 7, rj->code, f->note_wrap);
    }
    if (run->n_rejections == 0)
        xw_text(x, ws, H + 1, 0, "不支給となった行はありません。", f->plain);
}

/* ---- 予算 -------------------------------------------------------------- */

/* Columns of the 予算 sheet's monthly table: month, state, one per program,
 * then total, cumulative, the line, what remains of it and the reason a
 * month was paid over the line (予算超過の理由: 補正予算・流用). */
typedef struct budget_cols {
    lxw_col_t np, total, cum, line, rem, why;
    lxw_row_t head; /* header row of the monthly table */
} budget_cols;

enum { BUDGET_WARD_ROW = 9 }; /* the ward's figures, below the summary */

/* Rows 1–7: the line, paid so far, this month, remaining, forecast. */
static void budget_summary(xw *x, lxw_worksheet *ws, const month_run *run, const budget_view *bv,
                           const run_meta *meta)
{
    xw_formats *f = &x->f;
    char ml[64], buf[256];
    fmt_month_wareki(run->month, ml, sizeof ml);
    int idx = month_fiscal_index(run->month);
    bool line = bv->line_id != NULL;
    xw_text(x, ws, 1, 0, "予算事業", f->header);
    xw_text(x, ws, 1, 1, line ? bv->line_id : "（予算事業の定めなし）", f->text);
    const struct {
        const char *label;
        int64_t v;
    } sum[] = {
        {"予算額", bv->line_amount},
        {bv->settled_additional ? "既支払額（確定済みの月・精算の追加交付）"
                                : "既支払額（確定済みの月）",
         bv->paid_before},
        {NULL, bv->this_month},
        {"残額", bv->remaining},
        {"年度末見込", bv->forecast},
    };
    for (lxw_row_t i = 0; i < 5; i++) {
        const char *label = sum[i].label;
        if (!label) {
            snprintf(buf, sizeof buf, "今月分（%s・%s）", ml, meta->finalized ? "確定" : "試算");
            label = buf;
        }
        xw_text(x, ws, 2 + i, 0, label, f->header);
        /* Red when the remaining or the forecast breaks the line. */
        bool over = line && ((i == 3 && sum[i].v < 0) || (i == 4 && sum[i].v > bv->line_amount));
        if (line || i == 1 || i == 2)
            xw_whole(x, ws, 2 + i, 1, sum[i].v, over ? f->yen_warn : f->yen);
        else
            xw_text(x, ws, 2 + i, 1, "—", f->text_c);
    }
    int later = budget_later_open(bv, idx);
    if (later == 11 - idx) /* no later month finalized: the months left */
        snprintf(buf, sizeof buf,
                 "年度末見込 = 既支払額 + 今月分 × 残り月数（今月を含む%dか月）。"
                 "残額 = 予算額 − 既支払額 − 今月分。",
                 12 - idx);
    else /* a correction: later months are already paid (SPEC 1.4) */
        snprintf(buf, sizeof buf,
                 "年度末見込 = 既支払額（今月以外の確定済みの月）+ 今月分 × "
                 "（1 + 未確定の後の月数%dか月）。残額 = 予算額 − 既支払額 − 今月分。",
                 later);
    xw_text(x, ws, 7, 0, buf, f->note);
}

static void budget_table_header(xw *x, lxw_worksheet *ws, const month_run *run,
                                const budget_cols *c)
{
    xw_formats *f = &x->f;
    const lxw_row_t h = c->head;
    worksheet_set_row(ws, h, 30, NULL);
    xw_text(x, ws, h, 0, "月", f->header);
    xw_text(x, ws, h, 1, "状態", f->header);
    for (lxw_col_t p = 0; p < c->np; p++)
        xw_text(x, ws, h, 2 + p, run->programs[p]->title, f->header);
    xw_text(x, ws, h, c->total, "合計", f->header);
    xw_text(x, ws, h, c->cum, "累計支払額", f->header);
    xw_text(x, ws, h, c->line, "予算額", f->header);
    xw_text(x, ws, h, c->rem, "残額", f->header);
    xw_text(x, ws, h, c->why, "予算超過の理由", f->header);
}

/* Month i (April 0) of the table: finalized, this run's draft, or not yet. */
static void budget_table_row(xw *x, lxw_worksheet *ws, const budget_view *bv,
                             const budget_cols *c, int i)
{
    xw_formats *f = &x->f;
    const budget_month *bm = &bv->months[i];
    bool line = bv->line_id != NULL;
    lxw_row_t r = c->head + 1 + (lxw_row_t)i;
    if (bm->present && bm->override_reason) /* the reason wraps: its lines all shown */
        worksheet_set_row(ws, r, xw_note_height(bm->override_reason, 24, 14), NULL);
    budget_row br = {0};
    budget_row_at(bv, i, &br); /* fits: the run checked the year's total */
    char buf[64];
    fmt_month_wareki(bm->month, buf, sizeof buf);
    xw_text(x, ws, r, 0, buf, f->text);
    if (!bm->present) {
        xw_text(x, ws, r, 1, "—", f->text_c);
        for (lxw_col_t col = 2; col < c->line; col++)
            xw_blank(x, ws, r, col, f->text);
    } else {
        xw_text(x, ws, r, 1, bm->draft ? "試算" : "確定", bm->draft ? f->draft_cell : f->text_c);
        for (lxw_col_t p = 0; p < c->np; p++)
            xw_whole(x, ws, r, 2 + p, bm->program_amount[p], f->yen);
        xw_whole(x, ws, r, c->total, bm->total, f->yen);
        xw_whole(x, ws, r, c->cum, br.cumulative, f->yen);
    }
    if (line)
        xw_whole(x, ws, r, c->line, bv->line_amount, f->yen);
    else
        xw_blank(x, ws, r, c->line, f->text);
    if (line && bm->present)
        xw_whole(x, ws, r, c->rem, br.remaining, f->yen);
    else
        xw_blank(x, ws, r, c->rem, f->text);
    if (bm->present && bm->override_reason)
        xw_text(x, ws, r, c->why, bm->override_reason, f->wrap);
    else
        xw_blank(x, ws, r, c->why, f->text);
}

/* The cumulative paid against the line, month by month, below the table. */
static void budget_chart(xw *x, lxw_worksheet *ws, const char *fy, bool line,
                         const budget_cols *c)
{
    const lxw_row_t h = c->head;
    lxw_chart *ch = workbook_add_chart(x->wb, LXW_CHART_LINE);
    if (!ch) {
        xw_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED);
        return;
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s 累計支払額と予算額", fy);
    chart_title_set_name(ch, buf);
    lxw_chart_series *s = chart_add_series(ch, NULL, NULL);
    chart_series_set_categories(s, "予算", h + 1, 0, h + 12, 0);
    chart_series_set_values(s, "予算", h + 1, c->cum, h + 12, c->cum);
    chart_series_set_name(s, "累計支払額");
    chart_series_set_marker_type(s, LXW_CHART_MARKER_CIRCLE);
    if (line) {
        lxw_chart_series *b = chart_add_series(ch, NULL, NULL);
        chart_series_set_categories(b, "予算", h + 1, 0, h + 12, 0);
        chart_series_set_values(b, "予算", h + 1, c->line, h + 12, c->line);
        chart_series_set_name(b, "予算額");
        lxw_chart_line red = {.color = LXW_COLOR_RED, .dash_type = LXW_CHART_LINE_DASH_DASH,
                              .width = 2};
        chart_series_set_line(b, &red);
    }
    chart_axis_set_num_format(ch->y_axis, "#,##0");
    chart_axis_set_min(ch->y_axis, 0);
    chart_legend_set_position(ch, LXW_CHART_LEGEND_BOTTOM);
    lxw_chart_options co = {.x_scale = 2.0, .y_scale = 1.4};
    xw_check(x, worksheet_insert_chart_opt(ws, h + 14, 0, ch, &co));
}

/* The rows budget_ward_block takes (with the blank row after it). */
static lxw_row_t budget_ward_rows(const budget_view *bv)
{
    if (!bv || !bv->ward || !bv->ward->ok)
        return 0;
    return (lxw_row_t)(2 + bv->ward->in.n_amendments + 5 + 1);
}

/* The line as the ward's financial accounting system keeps it at this run
 * (issue 24, kasan/budget_ward.h): 当初予算, each amendment, 予算現額,
 * 負担行為額, 支出済額, 未払, 執行残, from row r. */
static void budget_ward_block(xw *x, lxw_worksheet *ws, const budget_view *bv, lxw_row_t r)
{
    lxw_row_t end = r + budget_ward_rows(bv);
    const budget_ward_sheet *ws_ = bv->ward;
    if (r == end)
        return;
    const budget_ward *w = &ws_->w;
    xw_formats *f = &x->f;
    char buf[160], d[64];
    xw_text(x, ws, r++, 0, "予算の現況（財務会計システムの5項目、この月を含む）", f->subtitle);
    xw_text(x, ws, r, 0, "当初予算", f->header);
    xw_whole(x, ws, r++, 1, w->initial, f->yen);
    for (size_t i = 0; i < ws_->in.n_amendments; i++) {
        const budget_amendment *am = &ws_->in.amendments[i];
        fmt_date_wareki(am->date, d, sizeof d);
        snprintf(buf, sizeof buf, "%s", budget_amend_kind_name(am->kind));
        xw_text(x, ws, r, 0, buf, f->header);
        xw_whole(x, ws, r, 1, am->amount, f->yen);
        xw_text(x, ws, r++, 2, d, f->note);
    }
    const struct {
        const char *label, *how;
        int64_t v;
        bool warn;
    } rows[] = {
        {"予算現額", "当初予算 + 補正 + 流用 + 予備費充用", w->current, false},
        {"負担行為額", ws_->decided ? "交付決定額（変更交付決定を含む）と過年度支出"
                                    : "交付決定の記録なし（過年度支出のみ）",
         w->committed, false},
        {"支出済額", w->returned ? "支出 − 戻入" : "確定済みの月・精算の追加交付", w->spent,
         false},
        {"未払", "負担行為額 − 支出済額", w->unpaid, w->unpaid < 0},
        {"執行残", "予算現額 − 負担行為額", w->unexecuted, w->unexecuted < 0},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++, r++) {
        xw_text(x, ws, r, 0, rows[i].label, f->header);
        xw_whole(x, ws, r, 1, rows[i].v, rows[i].warn ? f->yen_warn : f->yen);
        xw_text(x, ws, r, 2, rows[i].how, f->note);
    }
    assert(r + 1 == end);
}

/* 予算: the budget execution of the run's fiscal year (kasan/budget.h). */
static void sheet_budget(xw *x, const month_run *run, const budget_view *bv, const run_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "予算");
    if (!ws)
        return;
    const lxw_col_t np = (lxw_col_t)run->n_programs;
    budget_cols c = {np, 2 + np, 3 + np, 4 + np, 5 + np, 6 + np,
                     BUDGET_WARD_ROW + budget_ward_rows(bv)};
    worksheet_set_column(ws, 0, 0, 24, NULL);
    worksheet_set_column(ws, 1, c.rem, 14, NULL);
    worksheet_set_column(ws, c.why, c.why, 40, NULL);
    sheet_print_setup(x, ws, PAPER_A4, true, !meta->finalized, c.head);

    char fy[32], title[256];
    fmt_fy_wareki(bv ? bv->fiscal_year : month_fiscal_year(run->month), fy, sizeof fy);
    char ml[64];
    fmt_month_wareki(run->month, ml, sizeof ml);
    snprintf(title, sizeof title, "%s 予算執行状況（%s分の%s時点）", fy, ml,
             meta->finalized ? "確定" : "試算");
    worksheet_set_row(ws, 0, 24, NULL);
    xw_text(x, ws, 0, 0, title, x->f.title);
    if (!bv) {
        xw_text(x, ws, 1, 0, "予算執行の情報がありません。", x->f.plain);
        return;
    }
    budget_summary(x, ws, run, bv, meta);
    budget_ward_block(x, ws, bv, BUDGET_WARD_ROW); /* rows in order: constant_memory */
    budget_table_header(x, ws, run, &c);
    for (int i = 0; i < 12; i++)
        budget_table_row(x, ws, bv, &c, i);
    budget_chart(x, ws, fy, bv->line_id != NULL, &c);
}

/* ---- 検証 -------------------------------------------------------------- */

/* A titled section of 検証: a blank row, the title, the column headers;
 * returns the first row of its body. */
static lxw_row_t verify_section(xw *x, lxw_worksheet *ws, lxw_row_t r, const char *title,
                                const char *const *cols, lxw_col_t n)
{
    r++;
    xw_text(x, ws, r++, 0, title, x->f.subtitle);
    for (lxw_col_t c = 0; c < n; c++)
        xw_text(x, ws, r, c, cols[c], x->f.header);
    return r + 1;
}

/* The run itself: id, time, engine, draft or final, month. */
static lxw_row_t verify_run(xw *x, lxw_worksheet *ws, const month_run *run, const run_meta *meta)
{
    xw_formats *f = &x->f;
    char ml[64], mon[8], buf[256], title[128], jst[128];
    month_format(run->month, mon);
    fmt_month_wareki(run->month, ml, sizeof ml);
    snprintf(buf, sizeof buf, "%s（%s）", mon, ml);
    snprintf(title, sizeof title, "%s分 検証情報", ml);
    fmt_time_jst(meta->created, jst, sizeof jst);
    lxw_row_t r = 0;
    worksheet_set_row(ws, r, 24, NULL);
    xw_text(x, ws, r++, 0, title, f->title);
    const char *kv[][2] = {
        {"実行ID", meta->run_id},
        {"実行日時（日本時間）", jst},
        {"実行日時（UTC、台帳の記録）", meta->created},
        {"エンジン版", meta->engine_version},
        {"区分", meta->finalized ? "確定" : "試算"},
        {"対象月", buf},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++, r++) {
        xw_text(x, ws, r, 0, kv[i][0], f->header);
        xw_text(x, ws, r, 1, kv[i][1], f->text);
    }
    return r;
}

static lxw_row_t verify_programs(xw *x, lxw_worksheet *ws, const month_run *run, lxw_row_t r)
{
    xw_formats *f = &x->f;
    static const char *const ph[] = {"制度", "名称", "版", "施行日", "規則ファイル（規則の場所から）"};
    r = verify_section(x, ws, r, "適用した規則", ph, 5);
    for (size_t p = 0; p < run->n_programs; p++, r++) {
        const program *pg = run->programs[p];
        char from[11];
        date_format_iso(pg->effective_from, from);
        xw_text(x, ws, r, 0, pg->id, f->text);
        xw_text(x, ws, r, 1, pg->title, f->text);
        xw_text(x, ws, r, 2, pg->version, f->text_c);
        xw_text(x, ws, r, 3, from, f->text_c);
        xw_text(x, ws, r, 4, pg->file ? pg->file->name : NULL, f->text);
    }
    return r;
}

/* Every labelled parameter, and every row of a labelled table. */
static lxw_row_t verify_constants(xw *x, lxw_worksheet *ws, const month_run *run, lxw_row_t r)
{
    xw_formats *f = &x->f;
    static const char *const ch[] = {"制度", "名称", "値"};
    r = verify_section(x, ws, r, "規則の定数（単価・上限額など）", ch, 3);
    for (size_t p = 0; p < run->n_programs; p++) {
        const rule_value *rv[256];
        size_t n = fmt_constants(run->programs[p], rv, 256);
        for (size_t j = 0; j < n; j++) {
            if (rv[j]->kind == RV_PARAM) {
                xw_text(x, ws, r, 0, run->programs[p]->title, f->text);
                xw_text(x, ws, r, 1, rv[j]->label, f->text);
                xw_value(x, ws, r, 2, run, rv[j]->type, rv[j]->param, f->yen, false);
                r++;
                continue;
            }
            const rule_table *t = &rv[j]->table;
            for (size_t k = 0; k < t->n; k++, r++) {
                char name[256];
                snprintf(name, sizeof name, "%s［%s］", rv[j]->label, t->keys[k]);
                xw_text(x, ws, r, 0, run->programs[p]->title, f->text);
                xw_text(x, ws, r, 1, name, f->text);
                xw_value(x, ws, r, 2, run, t->val_type, t->vals[k], f->yen, false);
            }
        }
    }
    return r;
}

/* One file the run read: name, SHA-256, bytes. */
static void verify_file(xw *x, lxw_worksheet *ws, lxw_row_t r, const char *name,
                        const char *sha256, size_t len)
{
    xw_text(x, ws, r, 0, name, x->f.text);
    xw_text(x, ws, r, 1, sha256, x->f.text);
    xw_whole(x, ws, r, 2, (int64_t)len, x->f.num);
}

static lxw_row_t verify_files(xw *x, lxw_worksheet *ws, const month_run *run, lxw_row_t r)
{
    /* names relative to the rules and data directories: what the ledger
     * archives, the same on every machine */
    static const char *const rh[] = {"ファイル（規則の場所から）", "SHA-256", "バイト数"};
    r = verify_section(x, ws, r, "規則ファイル", rh, 3);
    for (size_t i = 0; run->rules && i < run->rules->n_files; i++, r++) {
        const rule_file *rf = &run->rules->files[i];
        verify_file(x, ws, r, rf->name, rf->sha256, rf->len);
    }
    static const char *const ih[] = {"ファイル（データの場所から）", "SHA-256", "バイト数"};
    r = verify_section(x, ws, r, "入力ファイル", ih, 3);
    for (size_t i = 0; i < INPUT_COUNT; i++) {
        const input_file *in = &run->inputs[i];
        if (in->name)
            verify_file(x, ws, r++, in->name, in->sha256, in->len);
    }
    return r;
}

/* 検証: what an auditor needs to recompute the run — its identity, the rule
 * versions and constants applied, and every file read with its SHA-256. */
static void sheet_verify(xw *x, const month_run *run, const run_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "検証");
    if (!ws)
        return;
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 1, 1, 70, NULL);
    worksheet_set_column(ws, 2, 3, 14, NULL);
    worksheet_set_column(ws, 4, 4, 34, NULL);
    lxw_row_t r = verify_run(x, ws, run, meta);
    r = verify_programs(x, ws, run, r);
    r = verify_constants(x, ws, run, r);
    verify_files(x, ws, run, r);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_header(ws, meta->finalized ? "" : "&R&\"-,Bold\"&14&KFF0000試算");
    worksheet_set_footer(ws, "&C&P / &N");
}

int report_payments_xlsx(const month_run *run, const budget_view *bv, const run_meta *meta,
                         const char *path, char *err, size_t errsz)
{
    xw x;
    if (xw_open(&x, path, true, err, errsz) != 0)
        return -1;
    sheet_list(&x, run, meta);
    corr_sheet(&x, run, meta); /* a correction's 修正差額 (SPEC 6.1), else nothing */
    sheet_detail(&x, run, meta);
    sheet_rejections(&x, run, meta);
    sheet_budget(&x, run, bv, meta);
    sheet_verify(&x, run, meta);
    return xw_close(&x, err, errsz);
}
