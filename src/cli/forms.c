/* forms: `kasan forms --month M` — its options, and what the procedure
 * (flow_forms: every nursery's claim form of the month) wrote. */
#include <stdio.h>

#include "common.h"
#include "progress.h"

int cmd_forms(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    claim_month m = {0, 0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan forms --month YYYY-MM [--data DIR] [--rules DIR] [--out DIR]\n"
                   "Writes OUT/YYYY-MM/forms/ID.xlsx, the claim form of each nursery of the paid\n"
                   "kind active in the month, prefilled with last month's lines still current.\n"
                   "exit: 0 written, 1 usage, 2 invalid rules or registry (nothing written),\n"
                   "5 I/O error\n");
            return EXIT_OK;
        }
        if (opt == OPT_MONTH) {
            if (!cli_parse_month(optarg, &m))
                return EXIT_USAGE;
        } else if (!cli_common_opt(opt, &paths)) {
            return EXIT_USAGE;
        }
    }
    if (!m.year || optind != argc) {
        fprintf(stderr, "kasan forms: --month YYYY-MM is required (and nothing else)\n");
        return EXIT_USAGE;
    }
    progress_line pl;
    flow_forms_req rq = {paths, m, progress_line_init(&pl, false)};
    flow_forms_res res;
    int rc = flow_forms(&rq, &res);
    cli_print_notes("kasan forms", &res.notes);
    if (rc == EXIT_OK) {
        char mon[8];
        month_format(m, mon);
        printf("kasan forms %s: %zu forms in %s/%s/forms/\n", mon, res.written, paths.out, mon);
    }
    flow_forms_free(&res);
    return rc;
}
