/* settle_cli: what `kasan explain --settlement FY --nursery ID` prints of
 * the settlement; defined in settle.c beside `kasan settle`. */
#ifndef KASAN_CLI_SETTLE_H
#define KASAN_CLI_SETTLE_H
#include "common.h"

int cli_explain_settlement(const cli_paths *paths, int fy, const char *nursery_id);

#endif
