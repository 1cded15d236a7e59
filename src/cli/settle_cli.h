/* settle_cli: the settlement's entry points that other subcommands reach by
 * an option (`replay --settlement FY`, `explain --settlement FY --nursery
 * ID`); defined in settle.c beside `kasan settle`. */
#ifndef KASAN_CLI_SETTLE_H
#define KASAN_CLI_SETTLE_H
#include "common.h"

int cli_replay_settlement(const cli_paths *paths, int fy);
int cli_explain_settlement(const cli_paths *paths, int fy, const char *nursery_id);

#endif
