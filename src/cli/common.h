/* common: what several subcommands share — the usual options and their
 * checks, showing a procedure's notes, the rules and a month loaded with
 * their messages shown, and who acts.  Yen for the console: flow_yen. */
#ifndef KASAN_CLI_COMMON_H
#define KASAN_CLI_COMMON_H
#include <getopt.h>
#include <stdio.h>
#include <stdbool.h>

#include "kasan/cli.h"
#include "kasan/flow.h"

typedef flow_paths cli_paths;

#define CLI_PATHS_DEFAULT {"fixtures/sample-ward", "rules", "out"}

/* getopt_long ids for the shared options. */
enum { OPT_DATA = 1000, OPT_RULES, OPT_OUT, OPT_MONTH, OPT_HELP, OPT_FIRST_OWN };

#define CLI_COMMON_OPTIONS                                                          \
    {"data", required_argument, 0, OPT_DATA}, {"rules", required_argument, 0, OPT_RULES}, \
        {"out", required_argument, 0, OPT_OUT}, {"help", no_argument, 0, OPT_HELP}

/* Handles a shared option; false if `opt` is not one. */
bool cli_common_opt(int opt, cli_paths *paths);
bool cli_parse_month(const char *s, claim_month *m);
/* Finalizing or transferring month m before its first day (a typo, not a
 * ledger refusal): prints "kasan CMD: M has not begun (today is D): nothing to
 * WHAT yet" and returns false.  True when m has begun or the clock has no date. */
bool cli_month_begun(const char *cmd, claim_month m, const char *what);
/* --fy YYYY (1900..9998) into *fy; prints "kasan CMD: --fy takes a fiscal
 * year such as 2025 ..." if not.  Every command's fiscal year (run, budget,
 * settle, replay/explain --settlement). */
bool cli_parse_fy(const char *cmd, const char *s, int *fy);
/* Shows a procedure's notes (kasan/flow.h) in order: its messages on stderr
 * as "WHO: TEXT" (who: "kasan run"), the program's as "kasan: TEXT", lines
 * as they are, and result lines on stdout. */
void cli_print_notes(const char *who, const flow_notes *n);
/* Loads and checks the rules (flow_load_rules); prints every problem.
 * EXIT_OK or EXIT_INVALID. */
int cli_load_rules(const char *dir, rule_set *rs);
/* --jobs N (1..FLOW_JOBS_MAX) into *jobs; prints a message if not. */
bool cli_parse_jobs(const char *cmd, const char *s, int *jobs);
/* Reads and computes a month (flow_compute_month); prints problems.
 * EXIT_OK / EXIT_INVALID. */
int cli_compute_month(const cli_paths *paths, const rule_set *rs, claim_month m, month_run *run);
/* Who acts (flow_actor.name): the name given (--actor), else KASAN_ACTOR,
 * else the login name, else USER, else "unknown". */
const char *cli_actor(const char *given);
/* An argument no option took (optind < argc): prints "kasan CMD: unexpected
 * argument 'ARG'", with "(a month is given as --month ARG)" when it looks like
 * YYYY-MM; returns false (usage error).  True when there is none. */
bool cli_no_stray_arg(const char *cmd, int argc, char **argv);

#endif
