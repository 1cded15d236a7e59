/* intake: `kasan intake --month M FORM.xlsx ...` — its options, and what
 * the procedure (flow_intake: filled claim forms into the month's claim
 * files) wrote. */
#include <stdio.h>

#include "common.h"

enum { OPT_REPLACE = OPT_FIRST_OWN };

static int usage_help(void)
{
    printf("usage: kasan intake --month YYYY-MM [--replace] [--data DIR] [--rules DIR] FORM.xlsx ...\n"
           "Reads filled claim forms and writes DATA/claims/YYYY-MM/children.csv and nurses.csv\n"
           "(one file each for all nurseries, a `form` column naming FILE:SHEET!ROW).  Any\n"
           "problem: every one printed as FORM.xlsx:SHEET!CELL, exit 2, nothing written.\n"
           "Existing claim files of the month are replaced only with --replace, and\n"
           "replaced whole (not merged): give every nursery's form of the month at once.\n"
           "exit: 0 written, 1 usage, 2 a problem in a form or the rules, 3 claim files\n"
           "exist (no --replace), 5 I/O error\n");
    return EXIT_OK;
}

int cmd_intake(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"replace", no_argument, 0, OPT_REPLACE},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    claim_month m = {0, 0};
    bool replace = false;
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
                          (size_t)(argc - optind)};
    flow_intake_res res;
    int rc = flow_intake(&rq, &res);
    cli_print_notes("kasan intake", &res.notes);
    if (rc == EXIT_OK)
        printf("kasan intake %s: %d forms, %zu children, %zu staff lines → %s/claims/%s/\n", mon,
               argc - optind, res.n_children, res.n_staff, paths.data, mon);
    flow_intake_free(&res);
    return rc;
}
