/* explain: `kasan explain` — the options, the month computed from DATA,
 * and the text of every amount of one nursery-month and how it was reached
 * (flow_explain_text in src/flow/explain.c builds it, so the web front-end
 * shows the same bytes); --settlement's is settle.c's. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "settle_cli.h"
#include "kasan/flow_view.h"

enum { OPT_NURSERY = OPT_FIRST_OWN };

int cmd_explain(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"nursery", required_argument, 0, OPT_NURSERY},
                                         {"settlement", required_argument, 0, OPT_NURSERY + 1},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    const char *month = NULL, *id = NULL, *settlement_fy = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan explain --month YYYY-MM --nursery ID [--data DIR] [--rules DIR]\n"
                   "Prints how every amount of that nursery-month was reached: each value,\n"
                   "its formula, the values it read, and the rule version and basis.\n"
                   "       kasan explain --settlement YYYY --nursery ID   (year-end settlement)\n"
                   "exit: 0 shown, 1 usage or a nursery not in the registry, 2 invalid rules\n"
                   "or input, 5 I/O error\n");
            return EXIT_OK;
        }
        if (opt == OPT_MONTH)
            month = optarg;
        else if (opt == OPT_NURSERY)
            id = optarg;
        else if (opt == OPT_NURSERY + 1)
            settlement_fy = optarg;
        else if (!cli_common_opt(opt, &paths))
            return EXIT_USAGE;
    }
    if (!cli_no_stray_arg("explain", argc, argv))
        return EXIT_USAGE;
    if (settlement_fy && month) {
        fprintf(stderr, "kasan explain: give one of --month YYYY-MM or --settlement YYYY\n");
        return EXIT_USAGE;
    }
    int fy;
    if (settlement_fy && id && !month)
        return cli_parse_fy("explain", settlement_fy, &fy) ? cli_explain_settlement(&paths, fy, id)
                                                : EXIT_USAGE;
    claim_month m;
    if (!month || !id) {
        fprintf(stderr, "kasan explain: --month YYYY-MM and --nursery ID are required\n");
        return EXIT_USAGE;
    }
    if (!cli_parse_month(month, &m))
        return EXIT_USAGE;
    rule_set rs;
    int rc = cli_load_rules(paths.rules, &rs);
    month_run run;
    memset(&run, 0, sizeof run);
    if (rc == EXIT_OK)
        rc = cli_compute_month(&paths, &rs, m, &run);
    if (rc == EXIT_OK) {
        strbuf text;
        sb_init(&text);
        flow_notes n = {0};
        rc = flow_explain_text(&run, id, &text, &n);
        cli_print_notes("kasan explain", &n);
        fputs(text.buf, stdout);
        flow_notes_free(&n);
        sb_release(&text);
    }
    engine_free(&run);
    rules_free(&rs);
    return rc;
}
