/* ledger_overview: light questions to the ledger for pages that are read
 * often and must stay fast however large a month is (the web front-end's
 * year and audit pages): the runs of a fiscal year without their payments,
 * the current run id of a month, and the event log a page at a time with
 * each event's subject, without flattening payloads.  Read-only.
 *
 * Ownership and return codes as in kasan/ledger.h. */
#ifndef KASAN_LEDGER_OVERVIEW_H
#define KASAN_LEDGER_OVERVIEW_H
#include <stdbool.h>
#include <stdint.h>

#include "kasan/ledger.h"

/* A run of a month, without payments or files. */
typedef struct ledger_run_head {
    const char *run_id, *month, *created, *actor;
    int64_t total_yen, event_seq;
    const char *supersedes;       /* NULL unless a correction */
    bool current;                 /* not superseded */
} ledger_run_head;

/* Every run of fiscal year fy's months, superseded ones included, by month
 * then by event. */
int ledger_fy_runs(ledger *lg, int fy, arena *a, ledger_run_head **out, size_t *n);
/* The current run id of month ("YYYY-MM") into a, or NULL when it has none
 * (LEDGER_OK either way). */
int ledger_month_current_id(ledger *lg, const char *month, arena *a, const char **run_id);

/* An event as a list shows it. */
typedef struct ledger_event_head {
    int64_t seq;
    const char *time, *actor, *action, *hash;
    const char *month;       /* payload.month, or NULL */
    int64_t fiscal_year;     /* payload.settlement, else payload.fiscal_year; 0 if none */
    const char *code;        /* payload.code of a refusal, or NULL */
    const char *file;        /* payload.file of a transfer, or NULL */
} ledger_event_head;

/* How many events there are, and up to limit of them newest first from the
 * offset-th newest (0: the last event). */
int ledger_event_count(ledger *lg, int64_t *n);
int ledger_event_page(ledger *lg, int64_t offset, int64_t limit, arena *a,
                      ledger_event_head **out, size_t *n);

#endif
