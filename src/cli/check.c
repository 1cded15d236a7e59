/* check: `kasan check` — loads every rule file and reports every problem. */
#include <stdio.h>

#include "common.h"

int cmd_check(int argc, char **argv)
{
    enum { OPT_VERBOSE = 'v' };
    static const struct option opts[] = {CLI_COMMON_OPTIONS, {"verbose", no_argument, 0, OPT_VERBOSE},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    int verbose = 0;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan check [--rules DIR] [--verbose]\n"
                   "Loads every rule file under DIR (default rules/) and checks it: YAML syntax,\n"
                   "keys, names, types, cycles, overlapping or gapped versions.  Prints\n"
                   "file:line:col: error: message for each problem; exit 0 when clean, 2 if not.\n"
                   "Prints nothing when clean; --verbose then says what was loaded.\n"
                   "--data DIR and --out DIR are accepted, like every command's, and not used.\n");
            return EXIT_OK;
        }
        if (opt == OPT_VERBOSE) {
            verbose = 1;
            continue;
        }
        if (!cli_common_opt(opt, &paths))
            return EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr, "kasan check: unexpected argument '%s'\n", argv[optind]);
        return EXIT_USAGE;
    }
    rule_set rs;
    int rc = cli_load_rules(paths.rules, &rs);
    /* Silent when clean, like a compiler: scripts and CI test the exit code. */
    if (rc == EXIT_OK && verbose) {
        size_t nf = rs.n_files, np = rs.n_programs;
        printf("%s: %zu rule file%s read, %zu program version%s, %zu terms, %zu budget line%s, "
               "%zu payer%s, %zu issuer%s, %zu calendar%s: OK\n",
               paths.rules, nf, nf == 1 ? "" : "s", np, np == 1 ? "" : "s", rs.n_terms,
               rs.n_budgets, rs.n_budgets == 1 ? "" : "s", rs.n_payers, rs.n_payers == 1 ? "" : "s",
               rs.n_issuers, rs.n_issuers == 1 ? "" : "s", rs.n_calendars,
               rs.n_calendars == 1 ? "" : "s");
        if (rs.n_operators) /* kept apart: the line above is unchanged without them */
            printf("%s: %zu operators version%s\n", paths.rules, rs.n_operators,
                   rs.n_operators == 1 ? "" : "s");
    }
    rules_free(&rs);
    return rc;
}
