/* diff: what-if — one month's claims under two rule sets, nursery by
 * nursery and program by program (the two runs' payment rows walked
 * together, rowmerge), with totals, and OUT/M/diff.xlsx.  Not here: the
 * computation (src/engine), the workbook (src/report/diff_xlsx.c), the
 * table a person reads (the front-end prints the rows). */
#include "flow_int.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/fsutil.h"

/* The version of program prog in force under run's rules, NULL if none. */
static const char *version_of(const month_run *run, const char *prog)
{
    for (size_t p = 0; p < run->n_programs; p++)
        if (!strcmp(run->programs[p]->id, prog))
            return run->programs[p]->version;
    return NULL;
}

/* The run's payment rows (in nursery × program order, as the engine gives them). */
static payment_row *rows_of(const month_run *run, size_t *n)
{
    payment_row *v = calloc(engine_payment_count(run) + 1, sizeof *v);
    if (!v)
        abort();
    *n = 0;
    for (payment_row r = {0}; engine_payment_next(run, &r);)
        v[(*n)++] = r;
    return v;
}

/* Rows for every nursery × program paid under either rule set: the two
 * runs' payment rows walked together (a row one side does not pay is 0
 * there, under that side's version of the program if it has one). */
static size_t build_rows(const month_run *a, const month_run *b, diff_row *rows)
{
    size_t na, nb, n = 0;
    payment_row *ra = rows_of(a, &na), *rb = rows_of(b, &nb);
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(ra, na, payment_row, nursery_id, program_id),
                   ROWMERGE_LIST(rb, nb, payment_row, nursery_id, program_id));
    const void *x, *y;
    while (rowmerge_next(&m, &x, &y)) {
        const payment_row *pa = x, *pb = y, *key = pa ? pa : pb;
        const month_run *side = pa ? a : b;
        rows[n++] = (diff_row){.nursery_id = key->nursery_id, .nursery_name = key->nursery_name,
                               .program = key->program_id,
                               .program_title = side->programs[key->program]->title,
                               .version_a = version_of(a, key->program_id),
                               .version_b = version_of(b, key->program_id),
                               .amount_a = pa ? pa->amount : 0, .amount_b = pb ? pb->amount : 0};
    }
    assert(!m.disorder); /* the engine's rows are in key order */
    free(ra);
    free(rb);
    return n;
}

int flow_diff(const flow_diff_req *rq, flow_diff_res *res)
{
    memset(res, 0, sizeof *res);
    int rc = flow_load_rules(rq->rules_a, &res->rules_a, &res->notes);
    if (rc == EXIT_OK)
        rc = flow_load_rules(rq->rules_b, &res->rules_b, &res->notes);
    if (rc == EXIT_OK) {
        rc = flow_compute_month(&rq->paths, &res->rules_a, rq->month, NULL, &res->run_a,
                                &res->notes);
        res->computed_a = true;
    }
    if (rc == EXIT_OK) {
        rc = flow_compute_month(&rq->paths, &res->rules_b, rq->month, NULL, &res->run_b,
                                &res->notes);
        res->computed_b = true;
    }
    if (rc != EXIT_OK)
        return rc;
    size_t cap = engine_payment_count(&res->run_a) + engine_payment_count(&res->run_b) + 1;
    res->rows = calloc(cap, sizeof *res->rows);
    if (!res->rows)
        abort();
    res->n = build_rows(&res->run_a, &res->run_b, res->rows);
    for (size_t i = 0; i < res->n; i++)
        if (__builtin_add_overflow(res->total_a, res->rows[i].amount_a, &res->total_a) ||
            __builtin_add_overflow(res->total_b, res->rows[i].amount_b, &res->total_b))
            res->total_a = res->total_b = INT64_MAX; /* not reached: a month fits */
    char mon[8], err[512];
    month_format(rq->month, mon);
    char *dir = arena_printf(&res->a, "%s/%s", rq->paths.out, mon);
    char *path = arena_printf(&res->a, "%s/diff.xlsx", dir);
    if (fs_mkdirs(dir) != 0) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot create output directory %s: %s", dir,
                 strerror(errno));
        rc = EXIT_INTERNAL;
    } else if (report_diff_xlsx(rq->month, rq->rules_a, rq->rules_b, res->rows, res->n, path, err,
                                sizeof err) != 0) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot write %s", err); /* err names the path */
        rc = EXIT_INTERNAL;
    } else {
        res->path = path;
    }
    return rc;
}

void flow_diff_free(flow_diff_res *res)
{
    free(res->rows);
    if (res->computed_a)
        engine_free(&res->run_a);
    if (res->computed_b)
        engine_free(&res->run_b);
    rules_free(&res->rules_a);
    rules_free(&res->rules_b);
    flow_notes_free(&res->notes);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}
