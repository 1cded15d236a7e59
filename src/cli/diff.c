/* diff: `kasan diff` — what-if: one month's claims under two rule sets,
 * nursery by nursery and program by program, printed and in OUT/M/diff.xlsx. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/fsutil.h"
#include "kasan/report.h"

enum { OPT_RULES_A = OPT_FIRST_OWN, OPT_RULES_B };

typedef struct side {
    rule_set rs;
    month_run run;
} side;

static int64_t amount_of(const month_run *run, const char *nid, const char *prog,
                         const char **version)
{
    *version = NULL;
    for (size_t p = 0; p < run->n_programs; p++) {
        if (strcmp(run->programs[p]->id, prog))
            continue;
        *version = run->programs[p]->version;
        for (size_t i = 0; i < run->n_nurseries; i++)
            if (!strcmp(run->nurseries[i].nursery->id, nid))
                return run->nurseries[i].amount[p];
    }
    return 0;
}

static bool have_row(const diff_row *rows, size_t n, const char *nid, const char *prog)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].nursery_id, nid) && !strcmp(rows[i].program, prog))
            return true;
    return false;
}

static int cmp_row(const void *a, const void *b)
{
    const diff_row *x = a, *y = b;
    int c = strcmp(x->nursery_id, y->nursery_id);
    return c ? c : strcmp(x->program, y->program);
}

/* Rows for every nursery × program paid under either rule set. */
static size_t build_rows(const month_run *a, const month_run *b, diff_row *rows)
{
    size_t n = 0;
    const month_run *sides[2] = {a, b};
    for (int s = 0; s < 2; s++)
        for (payment_row r = {0}; engine_payment_next(sides[s], &r);) {
            if (have_row(rows, n, r.nursery_id, r.program_id))
                continue;
            diff_row *d = &rows[n++];
            d->nursery_id = r.nursery_id;
            d->nursery_name = r.nursery_name;
            d->program = r.program_id;
            d->program_title = sides[s]->programs[r.program]->title;
            d->amount_a = amount_of(a, d->nursery_id, d->program, &d->version_a);
            d->amount_b = amount_of(b, d->nursery_id, d->program, &d->version_b);
        }
    qsort(rows, n, sizeof *rows, cmp_row);
    return n;
}

static void print_row(const char *id, const char *prog, const char *va, int64_t a, const char *vb,
                      int64_t b)
{
    char s1[CLI_YEN_LEN], s2[CLI_YEN_LEN], s3[CLI_YEN_LEN];
    printf("%-10s %-18s %10s %12s %10s %12s %12s\n", id, prog, va, cli_yen(a, false, s1), vb,
           cli_yen(b, false, s2), cli_yen(b - a, true, s3));
}

static void print_rows(const diff_row *rows, size_t n)
{
    int64_t ta = 0, tb = 0;
    printf("%-10s %-18s %10s %12s %10s %12s %12s\n", "nursery", "program", "version A",
           "amount A", "version B", "amount B", "B - A");
    for (size_t i = 0; i < n; i++) {
        const diff_row *d = &rows[i];
        print_row(d->nursery_id, d->program, d->version_a ? d->version_a : "-", d->amount_a,
                  d->version_b ? d->version_b : "-", d->amount_b);
        ta += d->amount_a;
        tb += d->amount_b;
    }
    print_row("total", "", "", ta, "", tb);
}

static int diff(const cli_paths *paths, claim_month m, const char *ra, const char *rb)
{
    side a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    int rc = cli_load_rules(ra, &a.rs);
    if (rc == EXIT_OK)
        rc = cli_load_rules(rb, &b.rs);
    if (rc == EXIT_OK)
        rc = cli_compute_month(paths, &a.rs, m, &a.run);
    if (rc == EXIT_OK)
        rc = cli_compute_month(paths, &b.rs, m, &b.run);
    if (rc == EXIT_OK) {
        size_t cap = (a.run.n_nurseries + b.run.n_nurseries) * ENGINE_MAX_PROGRAMS + 1;
        diff_row *rows = calloc(cap, sizeof *rows);
        if (!rows)
            abort();
        size_t n = build_rows(&a.run, &b.run, rows);
        char mon[8], dir[4096], path[4200], err[512];
        month_format(m, mon);
        printf("kasan diff %s: rules A = %s, rules B = %s\n", mon, ra, rb);
        print_rows(rows, n);
        snprintf(dir, sizeof dir, "%s/%s", paths->out, mon);
        snprintf(path, sizeof path, "%s/diff.xlsx", dir);
        if (fs_mkdirs(dir) != 0) {
            fprintf(stderr, "kasan diff: cannot create output directory %s: %s\n", dir,
                    strerror(errno));
            rc = EXIT_INTERNAL;
        } else if (report_diff_xlsx(m, ra, rb, rows, n, path, err, sizeof err) != 0) {
            fprintf(stderr, "kasan diff: cannot write %s\n", err); /* err names the path */
            rc = EXIT_INTERNAL;
        } else {
            printf("wrote %s\n", path);
        }
        free(rows);
    }
    engine_free(&a.run);
    engine_free(&b.run);
    rules_free(&a.rs);
    rules_free(&b.rs);
    return rc;
}

int cmd_diff(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"rules-a", required_argument, 0, OPT_RULES_A},
                                         {"rules-b", required_argument, 0, OPT_RULES_B},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    const char *month = NULL, *ra = NULL, *rb = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan diff --month YYYY-MM --rules-a DIR --rules-b DIR [--data DIR] "
                   "[--out DIR]\nThe same month's claims under two rule sets: per nursery and "
                   "program the two\namounts and the difference, with totals; also "
                   "OUT/YYYY-MM/diff.xlsx.\n"
                   "exit: 0 written, 1 usage, 2 invalid rules or input, 5 I/O error\n");
            return EXIT_OK;
        }
        if (opt == OPT_MONTH)
            month = optarg;
        else if (opt == OPT_RULES_A)
            ra = optarg;
        else if (opt == OPT_RULES_B)
            rb = optarg;
        else if (!cli_common_opt(opt, &paths))
            return EXIT_USAGE;
    }
    if (!cli_no_stray_arg("diff", argc, argv))
        return EXIT_USAGE;
    claim_month m;
    if (!month || !ra || !rb) {
        fprintf(stderr, "kasan diff: --month, --rules-a and --rules-b are required\n");
        return EXIT_USAGE;
    }
    if (!cli_parse_month(month, &m))
        return EXIT_USAGE;
    return diff(&paths, m, ra, rb);
}
