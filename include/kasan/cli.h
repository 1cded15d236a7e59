/* cli: the subcommands of the kasan binary (SPEC 3).  Each cmd_* parses its
 * own options (getopt_long, argv[0] is the subcommand name), calls the
 * procedure (kasan/flow.h), prints what it says in English to stderr and
 * its result to stdout, and returns the procedure's exit code (enum
 * kasan_exit, flow.h); only main() calls exit(). */
#ifndef KASAN_CLI_H
#define KASAN_CLI_H
#include "kasan/flow.h"


int cmd_check(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_budget(int argc, char **argv);
int cmd_refund(int argc, char **argv); /* src/cli/refund.c: 返還 receivables */
int cmd_audit(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_settle(int argc, char **argv); /* src/cli/settle.c: year-end settlement */
int cmd_transfer(int argc, char **argv); /* src/cli/transfer.c: the bank transfer file */
int cmd_forms(int argc, char **argv);
int cmd_intake(int argc, char **argv);
int cmd_decide(int argc, char **argv); /* src/cli/decide.c: grant decision (交付決定) */
int cmd_operator(int argc, char **argv); /* src/cli/operator.c: operators' keys */
int cmd_serve(int argc, char **argv); /* src/cli/serve.c: the web front-end (src/web) */
int cmd_approve(int argc, char **argv); /* src/cli/approve.c: 決裁 of a run or settlement */

#endif
