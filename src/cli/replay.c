/* replay: `kasan replay` — the auditor's command: its options, and the
 * comparison the procedure makes (flow_replay: a month, or the settlement
 * with --settlement FY) printed. */
#include <stdio.h>

#include "common.h"
#include "progress.h"

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"settlement", required_argument, 0, OPT_FIRST_OWN},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    const char *month = NULL, *settlement_fy = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan replay --month YYYY-MM [--out DIR]\n"
                   "       kasan replay --settlement YYYY [--out DIR]   (year-end settlement)\n"
                   "Recomputes a finalized month from the rule and input files archived in\n"
                   "DIR/ledger.sqlite (whatever rules/ and the data dir hold now) and compares\n"
                   "with what was paid.  exit 0 identical, 1 usage or not finalized (no ledger\n"
                   "under --out yet), 4 different, 5 I/O error.\n");
            return EXIT_OK;
        }
        if (opt == OPT_MONTH)
            month = optarg;
        else if (opt == OPT_FIRST_OWN)
            settlement_fy = optarg;
        else if (!cli_common_opt(opt, &paths))
            return EXIT_USAGE;
    }
    if (!cli_no_stray_arg("replay", argc, argv))
        return EXIT_USAGE;
    if (settlement_fy && month) {
        fprintf(stderr, "kasan replay: give one of --month YYYY-MM or --settlement YYYY\n");
        return EXIT_USAGE;
    }
    int fy = 0;
    if (settlement_fy && !cli_parse_fy("replay", settlement_fy, &fy))
        return EXIT_USAGE;
    claim_month m = {0, 0};
    if (!month && !fy) {
        fprintf(stderr, "kasan replay: --month YYYY-MM is required\n");
        return EXIT_USAGE;
    }
    if (month && !cli_parse_month(month, &m))
        return EXIT_USAGE;
    progress_line pl;
    flow_replay_req rq = {paths, m, fy, 0, progress_line_init(&pl, false)};
    flow_replay_res res;
    int rc = flow_replay(&rq, &res);
    cli_print_notes("kasan replay", &res.notes);
    flow_replay_free(&res);
    return rc;
}
