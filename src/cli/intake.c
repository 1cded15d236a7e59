/* intake: `kasan intake --month M FORM.xlsx ...` — its options, and what
 * the procedure (flow_intake: filled claim forms into the month's claim
 * files) wrote. */
#include <stdio.h>

#include "common.h"

enum { OPT_REPLACE = OPT_FIRST_OWN, OPT_CORRECTION };

static int usage_help(void)
{
    printf("usage: kasan intake --month YYYY-MM [--replace [--correction]] [--data DIR] [--rules DIR]\n"
           "                    [--out DIR] FORM.xlsx ...\n"
           "Reads filled claim forms into DATA/claims/YYYY-MM/children.csv and nurses.csv\n"
           "(one file each for all nurseries, a `form` column naming FILE:SHEET!ROW), per\n"
           "nursery: the forms given add or replace exactly their nurseries' lines, and\n"
           "every other line stays as it is.  Forms may come one at a time.  Any problem:\n"
           "every one printed as FORM.xlsx:SHEET!CELL, exit 2, nothing written.\n"
           "  --replace     replace the lines of a nursery that already has some\n"
           "  --correction  also when they are in the claims of the month's finalized run\n"
           "                (the ledger under --out); then kasan run --month M --finalize\n"
           "                --supersede --reason TEXT pays the change (a correction, 修正)\n"
           "exit: 0 written, 1 usage, 2 a problem in a form, the claim files or the rules,\n"
           "3 refused (a nursery already has lines and no --replace; lines of a finalized\n"
           "month and no --correction), 5 I/O error\n");
    return EXIT_OK;
}

int cmd_intake(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"replace", no_argument, 0, OPT_REPLACE},
                                         {"correction", no_argument, 0, OPT_CORRECTION},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    claim_month m = {0, 0};
    bool replace = false, correction = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP)
            return usage_help();
        if (opt == OPT_MONTH) {
            if (!cli_parse_month(optarg, &m))
                return EXIT_USAGE;
        } else if (opt == OPT_REPLACE) {
            replace = true;
        } else if (opt == OPT_CORRECTION) {
            correction = true;
        } else if (!cli_common_opt(opt, &paths)) {
            return EXIT_USAGE;
        }
    }
    if (!m.year || optind == argc) {
        fprintf(stderr, "kasan intake: --month YYYY-MM and at least one FORM.xlsx are required\n");
        return EXIT_USAGE;
    }
    char mon[8];
    month_format(m, mon);
    flow_intake_req rq = {paths, m, replace, (const char *const *)argv + optind,
                          (size_t)(argc - optind), correction};
    flow_intake_res res;
    int rc = flow_intake(&rq, &res);
    cli_print_notes("kasan intake", &res.notes);
    if (rc == EXIT_OK)
        printf("kasan intake %s: %d form%s (%zu added, %zu replaced): %zu children, %zu staff "
               "lines; %zu children, %zu staff lines of other nurseries kept → %s/claims/%s/\n",
               mon, argc - optind, argc - optind == 1 ? "" : "s", res.n_added, res.n_replaced,
               res.n_children, res.n_staff, res.kept_children, res.kept_staff, paths.data, mon);
    flow_intake_free(&res);
    return rc;
}
