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

/* Japan has kept +09:00 all year since 1952 (no summer time): adding nine
 * hours is the whole conversion. */
bool clock_to_jst(const char *iso_utc, date_t *day, int *hour, int *minute)
{
    int h = 0, mi = 0;
    date_t d;
    if (!iso_utc || strlen(iso_utc) < 10 || !date_parse_iso(iso_utc, 10, &d))
        return false;
    if (strlen(iso_utc) >= 16 && iso_utc[10] == 'T' && sscanf(iso_utc + 11, "%2d:%2d", &h, &mi) != 2)
        return false;
    if (h < 0 || h > 23 || mi < 0 || mi > 59)
        return false;
    h += 9;
    if (h >= 24)
        h -= 24, d++;
    *day = d;
    if (hour)
        *hour = h;
    if (minute)
        *minute = mi;
    return true;
}
