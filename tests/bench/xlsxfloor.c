/* xlsxfloor: how fast payments.xlsx could possibly be written — the floor the
 * benchmark compares report_payments_xlsx() against.  Computes one month with
 * libkasan (not timed), then times, REPS times each:
 *   - report_payments_xlsx() itself;
 *   - a bare libxlsxwriter loop (constant_memory, as the report) writing the
 *     same cells of the three big sheets — 支払一覧 (one row per paid
 *     nursery), 明細 (one row per line × program with labelled values, one
 *     per nursery × program) and 不支給 (one row per rejection) — each cell
 *     once, with one format, and none of the report's layout work.
 * The small 予算 and 検証 sheets (a few dozen cells) are left out.
 *   xlsxfloor RULES DATA YYYY-MM REPS OUTDIR
 * Prints "report_s MEDIAN" and "floor_s MEDIAN".
 *   xlsxfloor --statements N OUTDIR [TMPDIR]
 * The statements' floor (issue 16): one process writing N minimal one-sheet
 * workbooks (a title and a dozen cells each) with libxlsxwriter's temporary
 * files in TMPDIR (default: the system's); prints "statements_floor_s TOTAL". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xlsxwriter.h>

#include "kasan/engine.h"
#include "kasan/report.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Labelled formula values of program p in scope s (the 明細 value columns). */
static size_t labelled(const program *pg, rule_scope s)
{
    size_t n = 0;
    for (size_t i = 0; i < pg->n_values; i++) {
        const rule_value *rv = &pg->values[i];
        n += rv->label && rv->kind == RV_FORMULA && rv->scope == s && rv != pg->result;
    }
    return n;
}

enum { FIXED = 15 }; /* 明細's fixed columns, as in payments_xlsx.c */

static void floor_detail_row(lxw_worksheet *ws, lxw_row_t r, lxw_col_t ncols, const char *kind,
                             const nursery *n, const char *ref, int line, const program *pg,
                             lxw_format *f)
{
    worksheet_write_string(ws, r, 0, kind, f);
    worksheet_write_string(ws, r, 1, n->id, f);
    worksheet_write_string(ws, r, 2, n->name, f);
    if (ref)
        worksheet_write_string(ws, r, 3, ref, f);
    else
        worksheet_write_blank(ws, r, 3, f);
    worksheet_write_number(ws, r, 4, line, f);
    worksheet_write_string(ws, r, 5, pg ? pg->id : "", f);
    worksheet_write_string(ws, r, 6, pg ? pg->version : "", f);
    for (lxw_col_t c = 7; c < ncols; c++) /* the kind's own cells, values, amount */
        worksheet_write_number(ws, r, c, (double)(r + c), f);
}

static void floor_write(const month_run *run, const char *path)
{
    lxw_workbook_options opt = {.constant_memory = LXW_TRUE};
    lxw_workbook *wb = workbook_new_opt(path, &opt);
    lxw_format *f = workbook_add_format(wb);
    format_set_num_format(f, "#,##0");
    size_t np = run->n_programs, nc = 0;
    for (size_t p = 0; p < np; p++)
        for (rule_scope s = SCOPE_NURSERY; s <= SCOPE_STAFF; s++)
            nc += labelled(run->programs[p], s);

    lxw_worksheet *ws = workbook_add_worksheet(wb, "支払一覧");
    lxw_row_t r = 2;
    for (size_t i = 0; i < run->n_nurseries; i++) {
        const nursery_month *nm = &run->nurseries[i];
        if (nm->total <= 0)
            continue;
        const nursery *n = nm->nursery;
        lxw_col_t c = 0;
        worksheet_write_string(ws, r, c++, n->id, f);
        worksheet_write_string(ws, r, c++, n->name, f);
        worksheet_write_string(ws, r, c++, n->operator_name, f);
        for (size_t p = 0; p < np; p++)
            worksheet_write_number(ws, r, c++, (double)nm->amount[p], f);
        worksheet_write_number(ws, r, c++, (double)nm->total, f);
        worksheet_write_string(ws, r, c++, n->bank_name, f);
        worksheet_write_string(ws, r, c++, n->bank_branch, f);
        worksheet_write_string(ws, r, c++, "普通", f);
        worksheet_write_string(ws, r, c++, n->account_number, f);
        worksheet_write_string(ws, r, c++, n->account_holder, f);
        r++;
    }

    ws = workbook_add_worksheet(wb, "明細");
    lxw_col_t ncols = (lxw_col_t)(FIXED + nc + 1);
    r = 1;
    for (size_t k = 0; k < run->n_nurseries; k++) {
        const nursery_month *nm = &run->nurseries[k];
        for (size_t i = nm->child0; i < nm->child0 + nm->n_children; i++)
            for (size_t p = 0; p < np; p++)
                if (labelled(run->programs[p], SCOPE_CHILD))
                    floor_detail_row(ws, r++, ncols, "児童", nm->nursery,
                                     run->children[i]->child_ref, run->children[i]->line,
                                     run->programs[p], f);
        for (size_t i = nm->staff0; i < nm->staff0 + nm->n_staff; i++)
            for (size_t p = 0; p < np; p++)
                if (labelled(run->programs[p], SCOPE_STAFF))
                    floor_detail_row(ws, r++, ncols, "職員", nm->nursery, run->staff[i]->staff_ref,
                                     run->staff[i]->line, run->programs[p], f);
        for (size_t p = 0; p < np; p++)
            floor_detail_row(ws, r++, ncols, "施設", nm->nursery, NULL, 0, run->programs[p], f);
    }

    ws = workbook_add_worksheet(wb, "不支給");
    for (size_t i = 0; i < run->n_rejections; i++) {
        const rejection *rj = &run->rejections[i];
        r = (lxw_row_t)(i + 1);
        worksheet_write_string(ws, r, 0, rj->file, f);
        worksheet_write_number(ws, r, 1, rj->line, f);
        worksheet_write_string(ws, r, 2, rj->nursery_id, f);
        worksheet_write_blank(ws, r, 3, f);
        worksheet_write_string(ws, r, 4, rj->ref, f);
        worksheet_write_string(ws, r, 5, rj->code, f);
        worksheet_write_string(ws, r, 6, rj->reason, f);
    }
    if (workbook_close(wb) != LXW_NO_ERROR) {
        fprintf(stderr, "xlsxfloor: cannot write %s\n", path);
        exit(1);
    }
}

/* N minimal workbooks, one after another: what any statement costs. */
static int statements_floor(int n, const char *dir, const char *tmpdir)
{
    char path[4096];
    double t = now_s();
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/S%06d.xlsx", dir, i);
        lxw_workbook_options opt = {.tmpdir = (char *)tmpdir};
        lxw_workbook *wb = workbook_new_opt(path, &opt);
        lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "支払通知書") : NULL;
        if (!ws)
            return 1;
        worksheet_write_string(ws, 0, 0, "支払通知書", NULL);
        for (lxw_row_t r = 2; r < 14; r++)
            worksheet_write_number(ws, r, 1, (double)(r * 1000 + i), NULL);
        if (workbook_close(wb) != LXW_NO_ERROR) {
            fprintf(stderr, "xlsxfloor: cannot write %s\n", path);
            return 1;
        }
    }
    printf("statements_floor_s %.4f\n", now_s() - t);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "--statements"))
        return statements_floor(atoi(argv[2]), argv[3], argc > 4 ? argv[4] : NULL);
    claim_month m;
    int reps = argc == 6 ? atoi(argv[4]) : 0;
    if (reps < 1 || !month_parse(argv[3], &m)) {
        fprintf(stderr, "usage: xlsxfloor RULES DATA YYYY-MM REPS OUTDIR\n");
        return 1;
    }
    diag_list d = DIAG_LIST_INIT;
    rule_set rs;
    arena a = ARENA_INIT;
    input_file in[INPUT_COUNT] = {0};
    month_run run;
    if (rules_load_dir(argv[1], &rs, &d) != 0 || intake_read_month(argv[2], m, &a, in, &d) != 0 ||
        engine_compute(&rs, m, in, &run, &d) != 0) {
        diag_print(&d, stderr);
        return 1;
    }
    budget_view bv;
    budget_view_init(&bv, month_fiscal_year(m), run.budget ? run.budget->line_id : NULL,
                     run.budget ? run.budget->amount : 0);
    budget_view_place(&bv, m, true, run.total, run.program_total, run.n_programs);
    budget_view_finish(&bv, m);
    run_meta meta = {"bench", "2025-01-01T00:00:00Z", 0, false, "bench", NULL, NULL, NULL, 0, 0};
    char path[4096], err[512];
    double *rep = calloc((size_t)reps, sizeof *rep), *flo = calloc((size_t)reps, sizeof *flo);
    for (int i = 0; i < reps; i++) {
        snprintf(path, sizeof path, "%s/payments.xlsx", argv[5]);
        double t = now_s();
        if (report_payments_xlsx(&run, &bv, &meta, path, err, sizeof err) != 0) {
            fprintf(stderr, "xlsxfloor: %s\n", err);
            return 1;
        }
        rep[i] = now_s() - t;
        snprintf(path, sizeof path, "%s/floor.xlsx", argv[5]);
        t = now_s();
        floor_write(&run, path);
        flo[i] = now_s() - t;
    }
    printf("report_s %.4f\nfloor_s %.4f\n", median(rep, reps), median(flo, reps));
    free(rep);
    free(flo);
    engine_free(&run);
    arena_release(&a);
    rules_free(&rs);
    diag_release(&d);
    return 0;
}
