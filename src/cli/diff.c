/* diff: `kasan diff` — what-if: its options, and the table of one month's
 * claims under two rule sets that the procedure (flow_diff) computed and
 * wrote to OUT/M/diff.xlsx. */
#include <stdio.h>

#include "common.h"

enum { OPT_RULES_A = OPT_FIRST_OWN, OPT_RULES_B };

static void print_row(const char *id, const char *prog, const char *va, int64_t a, const char *vb,
                      int64_t b)
{
    char s1[FLOW_YEN_LEN], s2[FLOW_YEN_LEN], s3[FLOW_YEN_LEN];
    printf("%-10s %-18s %10s %12s %10s %12s %12s\n", id, prog, va, flow_yen(a, false, s1), vb,
           flow_yen(b, false, s2), flow_yen(b - a, true, s3));
}

static void print_rows(const flow_diff_res *res)
{
    printf("%-10s %-18s %10s %12s %10s %12s %12s\n", "nursery", "program", "version A",
           "amount A", "version B", "amount B", "B - A");
    for (size_t i = 0; i < res->n; i++) {
        const diff_row *d = &res->rows[i];
        print_row(d->nursery_id, d->program, d->version_a ? d->version_a : "-", d->amount_a,
                  d->version_b ? d->version_b : "-", d->amount_b);
    }
    print_row("total", "", "", res->total_a, "", res->total_b);
}

static int diff(const cli_paths *paths, claim_month m, const char *ra, const char *rb)
{
    flow_diff_req rq = {*paths, m, ra, rb};
    flow_diff_res res;
    int rc = flow_diff(&rq, &res);
    cli_print_notes("kasan diff", &res.notes);
    if (res.rows) { /* computed: the table, even if the workbook could not be written */
        char mon[8];
        month_format(m, mon);
        printf("kasan diff %s: rules A = %s, rules B = %s\n", mon, ra, rb);
        print_rows(&res);
    }
    if (rc == EXIT_OK)
        printf("wrote %s\n", res.path);
    flow_diff_free(&res);
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
