/* clock: the current UTC time for run ids, statements' default issue date
 * and ledger events, pinned by KASAN_NOW.  Not here: durations measured for
 * the benchmark (CLOCK_MONOTONIC where they are taken). */
#include "kasan/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void clock_now_iso(char buf[32])
{
    const char *fixed = getenv("KASAN_NOW"); /* tests pin the clock */
    if (fixed && *fixed) {
        snprintf(buf, 32, "%s", fixed);
        return;
    }
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool clock_today(date_t *out)
{
    char now[32];
    clock_now_iso(now);
    return strlen(now) >= 10 && date_parse_iso(now, 10, out);
}
