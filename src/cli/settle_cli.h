/* settle_cli: the settlement's entry points that other subcommands reach by
 * an option (`replay --settlement FY`, `explain --settlement FY --nursery
 * ID`); defined in settle.c beside `kasan settle`. */
#ifndef KASAN_CLI_SETTLE_H
#define KASAN_CLI_SETTLE_H
#include "common.h"

int cli_replay_settlement(const cli_paths *paths, int fy);
/* The same within `kasan audit report`: lg borrowed, the replay said on out,
 * *settle_id (in a) the settlement replayed; -1 when fy has no finalized
 * settlement, else EXIT_OK, EXIT_DIFFERENT or another exit code. */
int cli_replay_settlement_in(ledger *lg, int fy, FILE *out, arena *a, const char **settle_id);
/* `kasan restore --settlement FY`: OUT/settlement-FY rebuilt from the ledger
 * when it is missing or not the current settlement's outputs. */
int cli_restore_settlement(const cli_paths *paths, int fy);
int cli_explain_settlement(const cli_paths *paths, int fy, const char *nursery_id);

#endif
