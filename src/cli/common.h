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

/* getopt_long ids for the shared options (and the signer's, signer.c). */
enum { OPT_SIGN_OPERATOR = 900, OPT_SIGN_KEYS, OPT_SIGN_PASSFILE };
enum { OPT_DATA = 1000, OPT_RULES, OPT_OUT, OPT_MONTH, OPT_HELP, OPT_FIRST_OWN };

#define CLI_COMMON_OPTIONS                                                          \
    {"data", required_argument, 0, OPT_DATA}, {"rules", required_argument, 0, OPT_RULES}, \
        {"out", required_argument, 0, OPT_OUT}, {"help", no_argument, 0, OPT_HELP}

/* Handles a shared option; false if `opt` is not one, or (said on stderr) an
 * --out that cli_out_fits refuses. */
bool cli_common_opt(int opt, cli_paths *paths);
/* --out holds the ledger: a directory whose ledger SQLite could not open is
 * a bad command line (exit 1), said with the reason first before any work
 * (issue 21 item 11: finalize once exited 5 with the path said twice and the
 * reason cut off).  False after the message. */
bool cli_out_fits(const char *out);
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

/* ---- who acts: the operator and their key (signer.c) ---- */

/* --operator ID, --keys DIR, --passphrase-file FILE (SPEC 10.1). */
#define CLI_SIGNER_OPTIONS                                                                  \
    {"operator", required_argument, 0, OPT_SIGN_OPERATOR},                                 \
        {"keys", required_argument, 0, OPT_SIGN_KEYS},                                     \
        {"passphrase-file", required_argument, 0, OPT_SIGN_PASSFILE}
#define CLI_SIGNER_HELP                                                                     \
    "  --operator ID          sign as operator ID of the operators file (default\n"         \
    "                         $KASAN_OPERATOR); needed once an operators file is in force\n" \
    "  --keys DIR             where ID.pem is (default $KASAN_KEYS, else ~/.kasan/keys)\n"  \
    "  --passphrase-file F    the key's passphrase from F (mode 0600); otherwise it is\n"   \
    "                         asked on the terminal without echo, never as an argument\n"

struct sign_key;
typedef struct cli_signer {
    const char *id, *keys, *passfile;   /* as given */
    struct sign_key *key;               /* loaded (cli_signer_release wipes it) */
} cli_signer;

/* Handles a signer option; false if `opt` is not one. */
bool cli_signer_opt(int opt, cli_signer *s);
/* The operator named: --operator, else KASAN_OPERATOR, else NULL. */
const char *cli_signer_id(const cli_signer *s);
/* An option that getopt_long would take as an abbreviation of
 * --passphrase-file (--passphrase, --pass) would read a file named after
 * the secret: refused without repeating it (false). */
bool cli_no_passphrase_argument(const char *who, int argc, char **argv);
/* With an operator named: their key from KEYS/ID.pem under the passphrase
 * (file, else asked on the terminal: "... to sign WHAT"), into actor
 * (operator_id, key, via "cli", name).  EXIT_OK also when nobody is named
 * (actor unchanged); otherwise the exit code after a message (a wrong
 * passphrase, a key file others may read, none there). */
int cli_signer_load(const char *who, cli_signer *s, const char *what, flow_actor *actor);
void cli_signer_release(cli_signer *s);
/* The exit code of a key or passphrase problem. */
int cli_sign_exit(int st);

#endif
