/* docbench: a month's statements written as .xlsx and as PDF side by side,
 * for the benchmark (issue 22: the PDF statements of a 30,000-nursery month,
 * on both cores, in no more time than its xlsx statements).  Computes the
 * month once, then REPS times in turn: every statement as .xlsx, every
 * statement as PDF, each by JOBS processes writing interleaved slices (as
 * `kasan run` does), into a fresh directory; prints the median wall time of
 * each and their ratio.  Each writer process loads the fonts once, as in
 * `kasan run` (pango keeps a thread: a process must not fork while it works).
 *   docbench RULES DATA YYYY-MM OUTDIR JOBS REPS [LIMIT]
 * LIMIT: only the first LIMIT nurseries (a quick look).  DOCBENCH_ONLY=pdf
 * or xlsx writes one kind only (for a profile). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kasan/engine.h"
#include "kasan/fsutil.h"
#include "kasan/report.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double median_s(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return (n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2) * 1e-9;
}

/* Statements k, k + jobs, … of the first `limit` nurseries; 0 or 1. */
static int slice(const month_run *run, const run_meta *meta, const char *dir, bool pdf, int k,
                 int jobs, size_t limit)
{
    char path[4096], err[512];
    for (size_t i = (size_t)k; i < limit; i += (size_t)jobs) {
        const nursery_month *nm = &run->nurseries[i];
        snprintf(path, sizeof path, "%s/%s.%s", dir, nm->nursery->id, pdf ? "pdf" : "xlsx");
        int rc = pdf ? report_statement_pdf(run, nm, meta, NULL, path, err, sizeof err)
                     : report_statement_xlsx(run, nm, meta, path, err, sizeof err);
        if (rc != 0) {
            fprintf(stderr, "docbench: %s\n", err);
            return 1;
        }
    }
    return 0;
}

/* Wall time of writing every statement by `jobs` processes. */
static uint64_t write_all(const month_run *run, const run_meta *meta, const char *dir, bool pdf,
                          int jobs, size_t limit)
{
    fs_remove_tree(dir);
    if (fs_mkdirs(dir) != 0) {
        perror(dir);
        exit(1);
    }
    uint64_t t = now_ns();
    pid_t pid[64];
    for (int k = 1; k < jobs; k++)
        if ((pid[k] = fork()) == 0)
            _exit(slice(run, meta, dir, pdf, k, jobs, limit));
    int bad = slice(run, meta, dir, pdf, 0, jobs, limit);
    for (int k = 1; k < jobs; k++) {
        int st;
        bad |= waitpid(pid[k], &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st);
    }
    fs_sync_dir(dir);
    uint64_t dt = now_ns() - t;
    if (bad)
        exit(1);
    return dt;
}

int main(int argc, char **argv)
{
    claim_month m;
    int jobs = argc >= 7 ? atoi(argv[5]) : 0, reps = argc >= 7 ? atoi(argv[6]) : 0;
    if (argc < 7 || !month_parse(argv[3], &m) || jobs < 1 || jobs > 64 || reps < 1) {
        fprintf(stderr, "usage: docbench RULES DATA YYYY-MM OUTDIR JOBS REPS [LIMIT]\n");
        return 1;
    }
    arena_keep_freed_memory(); /* as `kasan run` does */
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
    size_t limit = argc >= 8 ? (size_t)atol(argv[7]) : run.n_nurseries;
    if (limit > run.n_nurseries)
        limit = run.n_nurseries;
    run_meta meta = {.run_id = "2025-04-20250510T093000Z-bench", .created = "2025-05-10T09:30:00Z",
                     .issue_date = date_from_ymd(2025, 5, 10), .finalized = true,
                     .engine_version = KASAN_VERSION};
    fs_defer_sync(true); /* as run_write_outputs: one syncfs for the directory */
    uint64_t *tx = calloc((size_t)reps, sizeof *tx), *tp = calloc((size_t)reps, sizeof *tp);
    char dx[4096], dp[4096];
    snprintf(dx, sizeof dx, "%s/xlsx", argv[4]);
    snprintf(dp, sizeof dp, "%s/pdf", argv[4]);
    const char *only = getenv("DOCBENCH_ONLY"); /* "pdf" or "xlsx": one kind (profiling) */
    for (int i = 0; i < reps; i++) { /* in turn, so that a drift of the machine touches both */
        tx[i] = only && !strcmp(only, "pdf") ? 1 : write_all(&run, &meta, dx, false, jobs, limit);
        tp[i] = only && !strcmp(only, "xlsx") ? 1 : write_all(&run, &meta, dp, true, jobs, limit);
        fprintf(stderr, "rep %d: xlsx %.2f s, pdf %.2f s\n", i + 1, (double)tx[i] * 1e-9,
                (double)tp[i] * 1e-9);
    }
    double x = median_s(tx, reps), p = median_s(tp, reps);
    printf("statements %zu\njobs %d\nxlsx_s %.3f\npdf_s %.3f\npdf_over_xlsx %.2f\n", limit, jobs, x,
           p, p / x);
    free(tx);
    free(tp);
    engine_free(&run);
    arena_release(&a);
    rules_free(&rs);
    diag_release(&d);
    return 0;
}
