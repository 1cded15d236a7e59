/* evalbench: formula evaluation alone, for the benchmark.  Reads one month's
 * inputs into memory once, then computes the month REPS times with
 * engine_compute(), taking the evaluation time the engine reports
 * (month_run.eval_ns: formulas only, not parsing, eligibility or grouping).
 *   evalbench RULES DATA YYYY-MM REPS
 * Prints "lines N" (eligible child + staff lines, as the ZEN peer counts
 * them), "eval_s MEDIAN", "lines_per_s N" and "compute_s MEDIAN" (the whole
 * engine_compute, inputs already in memory). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "kasan/engine.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t median(uint64_t *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_u64);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    claim_month m;
    int reps = argc == 5 ? atoi(argv[4]) : 0;
    if (reps < 1 || !month_parse(argv[3], &m)) {
        fprintf(stderr, "usage: evalbench RULES DATA YYYY-MM REPS\n");
        return 1;
    }
    arena_keep_freed_memory(); /* as `kasan run` does */
    diag_list d = DIAG_LIST_INIT;
    rule_set rs;
    arena a = ARENA_INIT;
    input_file in[INPUT_COUNT] = {0};
    if (rules_load_dir(argv[1], &rs, &d) != 0 || intake_read_month(argv[2], m, &a, in, &d) != 0) {
        diag_print(&d, stderr);
        return 1;
    }
    uint64_t *eval = calloc((size_t)reps, sizeof *eval), *whole = calloc((size_t)reps, sizeof *whole);
    size_t lines = 0;
    for (int i = 0; i < reps; i++) {
        month_run run;
        uint64_t t = now_ns();
        if (engine_compute(&rs, m, in, &run, &d) != 0) {
            diag_print(&d, stderr);
            return 1;
        }
        whole[i] = now_ns() - t;
        eval[i] = run.eval_ns;
        lines = run.n_children + run.n_staff;
        engine_free(&run);
    }
    uint64_t e = median(eval, reps), w = median(whole, reps);
    printf("lines %zu\neval_s %.6f\nlines_per_s %.0f\ncompute_s %.6f\n", lines, (double)e * 1e-9,
           (double)lines / ((double)e * 1e-9), (double)w * 1e-9);
    free(eval);
    free(whole);
    arena_release(&a);
    rules_free(&rs);
    diag_release(&d);
    return 0;
}
