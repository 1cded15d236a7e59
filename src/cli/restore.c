/* restore: `kasan restore` — its options, and what the procedure says
 * (flow_restore: a month's outputs, or a settlement's with --settlement FY). */
#include <stdio.h>

#include "common.h"
#include "progress.h"

int cmd_restore(int argc, char **argv)
{
    enum { OPT_SETTLEMENT = OPT_FIRST_OWN };
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"settlement", required_argument, 0, OPT_SETTLEMENT},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    const char *month = NULL, *settle_fy = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan restore --month YYYY-MM | --settlement FY [--out DIR]\n"
                   "                     [--rules DIR]\n"
                   "Makes DIR/YYYY-MM hold the month's finalized run as the ledger records it\n"
                   "(after a crash between finalizing and writing the outputs, or outputs\n"
                   "that were lost): from the staged copy the finalizing process left, or\n"
                   "rebuilt from the rule and input files archived in DIR/ledger.sqlite.\n"
                   "Every run and replay of the month does the same check first.  --rules\n"
                   "only names the rule files in the 検証 sheet as the finalizing run did;\n"
                   "the rules themselves come from the ledger.\n"
                   "--settlement FY republishes DIR/settlement-FY (settlement.csv and .xlsx,\n"
                   "notices) from the ledger's finalized settlement when it is missing or\n"
                   "not that settlement's outputs.\n"
                   "exit: 0 ok, 1 usage or no finalized run, 4 archived files that no longer\n"
                   "compute, 5 I/O error\n");
            return EXIT_OK;
        }
        if (opt == OPT_MONTH)
            month = optarg;
        else if (opt == OPT_SETTLEMENT)
            settle_fy = optarg;
        else if (!cli_common_opt(opt, &paths))
            return EXIT_USAGE;
    }
    claim_month m;
    if (!month == !settle_fy || optind < argc) {
        fprintf(stderr, "kasan restore: --month YYYY-MM or --settlement FY is required (one, "
                        "and nothing else)\n");
        return EXIT_USAGE;
    }
    int fy = 0;
    if (settle_fy ? !cli_parse_fy("restore", settle_fy, &fy) : !cli_parse_month(month, &m))
        return EXIT_USAGE;
    progress_line pl;
    flow_restore_req rq = {paths, m, fy, 0, progress_line_init(&pl, false)};
    flow_restore_res res;
    int rc = flow_restore(&rq, &res);
    cli_print_notes("kasan restore", &res.notes);
    flow_restore_free(&res);
    return rc;
}
