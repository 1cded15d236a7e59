/* settle_cli: the settlement's entry points that other subcommands reach by
 * an option (`replay --settlement FY`, `explain --settlement FY --nursery
 * ID`); defined in settle.c beside `kasan settle`. */
#ifndef KASAN_CLI_SETTLE_H
#define KASAN_CLI_SETTLE_H
#include "common.h"

/* "2025" → 2025; false (after a message) if not a fiscal year (1990..9000).
 * Kept apart from common.c's cli_parse_fy (1900..9998, another message)
 * so the settlement's messages stay as they were; to be folded into it. */
bool cli_parse_settle_fy(const char *s, int *fy);
int cli_replay_settlement(const cli_paths *paths, int fy);
int cli_explain_settlement(const cli_paths *paths, int fy, const char *nursery_id);

#endif
