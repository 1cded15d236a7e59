/* clock: the one wall clock of kasan — run times, ledger event times.
 * KASAN_NOW (any text, e.g. 2025-05-10T09:30:00Z) pins it, so tests and the
 * output comparison get the same times on every run. */
#ifndef KASAN_CLOCK_H
#define KASAN_CLOCK_H

#include <stdbool.h>

#include "kasan/date.h"

/* The current UTC time as "YYYY-MM-DDTHH:MM:SSZ", or KASAN_NOW when set. */
void clock_now_iso(char buf[32]);
/* Today's date by that clock; false when KASAN_NOW does not begin with a
 * date YYYY-MM-DD. */
bool clock_today(date_t *out);
/* A UTC time of the clock ("2025-05-10T15:30:00Z") in Japan time (+09:00):
 * what documents print (the ledger keeps UTC).  The date alone ("YYYY-MM-DD")
 * is read as midnight UTC.  False if iso_utc is not such a time. */
bool clock_to_jst(const char *iso_utc, date_t *day, int *hour, int *minute);

#endif
