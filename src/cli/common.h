/* common: what several subcommands share — the usual options, loading the
 * rules and a month with messages, and the run's identity. */
#ifndef KASAN_CLI_COMMON_H
#define KASAN_CLI_COMMON_H
#include <getopt.h>
#include <stdio.h>
#include <stdbool.h>

#include "kasan/cli.h"
#include "kasan/diag.h"
#include "kasan/ledger.h"
#include "kasan/engine.h"
#include "kasan/rules.h"

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
enum { CLI_YEN_LEN = 32 };
/* Whole yen with thousands separators ("1,149,333"), "+" first when sign is
 * set and v >= 0 (differences); returns buf. */
const char *cli_yen(int64_t v, bool sign, char buf[CLI_YEN_LEN]);
/* Shows a procedure's notes (kasan/flow.h) in order: its messages on stderr
 * as "WHO: TEXT" (who: "kasan run"), the program's as "kasan: TEXT", lines
 * as they are, and result lines on stdout. */
void cli_print_notes(const char *who, const flow_notes *n);
/* Loads and checks the rules; prints every problem. EXIT_OK or EXIT_INVALID. */
int cli_load_rules(const char *dir, rule_set *rs);
/* Reads and computes a month; prints problems. EXIT_OK / EXIT_INVALID. */
int cli_compute_month(const cli_paths *paths, const rule_set *rs, claim_month m, month_run *run);
/* The same with the registry parsed once for several months (sr may be NULL). */
int cli_compute_month_shared(const cli_paths *paths, const rule_set *rs, claim_month m,
                             const shared_registry *sr, month_run *run);
/* The ledger role of intake's input file INPUT_*: "registry", "children", "staff". */
_Static_assert(INPUT_REGISTRY == 0 && INPUT_CHILDREN == 1 && INPUT_STAFF == 2 &&
                   LEDGER_ROLE_CHILDREN == LEDGER_ROLE_REGISTRY + 1 &&
                   LEDGER_ROLE_STAFF == LEDGER_ROLE_REGISTRY + 2,
               "inputs and ledger roles in the same order");
static inline const char *cli_input_role(int input)
{
    return ledger_role_name(LEDGER_ROLE_REGISTRY + input);
}
const char *cli_actor(const char *given);
/* After a refusal (exit 3, SPEC 1.4): says on stderr which event recorded it
 * (seq 0: it could not be recorded; lg's message then says why). */
/* An argument no option took (optind < argc): prints "kasan CMD: unexpected
 * argument 'ARG'", with "(a month is given as --month ARG)" when it looks like
 * YYYY-MM; returns false (usage error).  True when there is none. */
bool cli_no_stray_arg(const char *cmd, int argc, char **argv);
/* Opens the ledger at path for reading: EXIT_OK; no ledger there at all is
 * "nothing finalized there yet" (EXIT_USAGE, as a month never finalized);
 * anything else EXIT_INTERNAL, after a message naming cmd and path. */
int cli_open_ledger(const char *cmd, const char *path, struct ledger **lg);
void cli_refusal_note(const char *who, struct ledger *lg, int64_t seq, const char *hash);
/* "2025-04-20250510T093000Z-1a2b3c4d": month, UTC time, and a digest of inputs. */
char *cli_run_id(const month_run *run, const char *created, arena *a);
char *cli_ledger_path(const cli_paths *paths, arena *a);

/* ---- a month's outputs and their recovery (outputs.c, publish.c, archive.c,
 * replay.c, restore.c, transfer_files.c) ---- */
struct ledger;
struct ledger_run;
struct budget_view;
struct run_meta;
/* The file in a staged or published OUT/M that names its run; moved out of
 * OUT/M to the marker OUT/.M.published once OUT/M is in place. */
#define RUN_ID_FILE ".run-id"
/* Writes payments.csv, rejections.csv, (workbooks) payments.xlsx and the
 * statements into dir, then RUN_ID_FILE; 0 or -1 after a message. */
int run_write_outputs(bool workbooks, const month_run *run, const struct budget_view *bv,
                      const struct run_meta *meta, const char *dir);
/* Moves staged outputs to final_dir (OUT/M, OUT/settlement-FY), replacing
 * the previous ones whole but keeping their transfer files and claim forms,
 * then (marker not NULL) the run id to marker; 0 or -1 with errno. */
int restore_publish(const char *stage, const char *final_dir, const char *marker);
/* Loads a run's archived rule files (EXIT_OK, EXIT_INVALID, EXIT_DIFFERENT
 * if corrupt, EXIT_INTERNAL) and its archived inputs. */
int replay_archived_rules(struct ledger *lg, const struct ledger_run *r, rule_set *rs, arena *a);
/* The same from a list of archived files (a run's or a settlement's): those
 * of role "rules"; blob problems on stderr prefixed by who. */
struct ledger_file;
int replay_archived_rule_files(struct ledger *lg, const struct ledger_file *files, size_t n,
                               rule_set *rs, arena *a, const char *who);
int replay_archived_inputs(struct ledger *lg, const struct ledger_run *r,
                           input_file in[INPUT_COUNT], arena *a);
/* Recomputes run r of month m from the ledger alone and writes the
 * comparison with what was paid (and, for a correction, with the recorded
 * differences) to out.  EXIT_OK identical, EXIT_DIFFERENT, or another exit
 * code (problems on stderr).  Touches no output directory. */
int replay_run(struct ledger *lg, const struct ledger_run *r, claim_month m, FILE *out);
/* OUT/.M.published: the run whose outputs OUT/M holds. */
char *restore_marker_path(const cli_paths *paths, const char *mon, arena *a);
int restore_write_run_id(const char *path, const char *run_id);
/* Moves final_dir/RUN_ID_FILE to marker: the publication is complete. */
int restore_mark_published(const char *final_dir, const char *marker);
/* Makes OUT/M hold the month's finalized run if the ledger has one and OUT/M
 * does not (a process killed between the ledger commit and the publication):
 * publishes a dead process's staged copy, or rebuilds the outputs from the
 * ledger's archived rules and inputs.  force: also when OUT/M has no record
 * of its run (outputs older than the marker).  Says what it did on stderr,
 * prefixed by who.  EXIT_OK, or an exit code after a message. */
int restore_month(const cli_paths *paths, struct ledger *lg, claim_month m, const char *who,
                  bool force);
/* Hard-links (or copies) every transfer-*.txt of from_dir into to_dir, so
 * a republished OUT/M or OUT/settlement-FY keeps the transfer files already
 * written (src/cli/transfer_files.c).  0, or -1 with errno. */
int transfer_keep_files(const char *from_dir, const char *to_dir);
/* Writes into dir the month's transfer files from the bytes the ledger kept
 * (kasan restore rebuilding OUT/M).  EXIT_OK, or an exit code after a message. */
int transfer_restore_files(struct ledger *lg, const char *month, const char *dir,
                           const char *who);
/* Removes OUT/.M.staging-PID and OUT/M.old-PID of dead processes. */
void restore_clean_leftovers(const cli_paths *paths, const char *mon, const char *who);

#endif
