/* overview: the ledger's light read-only questions (kasan/ledger_overview.h):
 * runs of a year without payments, a month's current run id, the event log
 * a page at a time.  One statement each; payloads are looked into with
 * SQLite's json_extract only for the few keys a list shows (their format is
 * ledger_int.h's).  Not here: whole runs with payments (store.c), the log
 * for people with every leaf (events.c), verification (chain.c). */
#include <string.h>

#include "kasan/ledger_overview.h"
#include "ledger_int.h"

/* Grows an arena array of n elements of size sz to hold one more. */
static void *grow(arena *a, void *v, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return v;
    size_t c = *cap ? 2 * *cap : 16;
    void *w = arena_alloc(a, c * sz);
    if (n)
        memcpy(w, v, n * sz);
    *cap = c;
    return w;
}

int ledger_fy_runs(ledger *lg, int fy, arena *a, ledger_run_head **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    rc = ledger_prepare(lg, "SELECT run_id, month, created, actor, total_yen, event_seq,"
                            " supersedes, superseded_by IS NULL FROM runs"
                            " WHERE fiscal_year = ? ORDER BY month, event_seq", &st);
    if (!rc) {
        sqlite3_bind_int(st, 1, fy);
        size_t cap = 0;
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            *out = grow(a, *out, *n, &cap, sizeof **out);
            ledger_run_head *r = &(*out)[(*n)++];
            r->run_id = ledger_col_dup(a, st, 0);
            r->month = ledger_col_dup(a, st, 1);
            r->created = ledger_col_dup(a, st, 2);
            r->actor = ledger_col_dup(a, st, 3);
            r->total_yen = sqlite3_column_int64(st, 4);
            r->event_seq = sqlite3_column_int64(st, 5);
            r->supersedes = ledger_col_dup(a, st, 6);
            r->current = sqlite3_column_int(st, 7) != 0;
        }
        if (step != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "ledger: reading the year's runs");
        sqlite3_finalize(st);
    }
    return ledger_tx_end(lg, rc);
}

int ledger_month_current_id(ledger *lg, const char *month, arena *a, const char **run_id)
{
    *run_id = NULL;
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT run_id FROM runs WHERE month = ? AND superseded_by IS NULL",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, month);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *run_id = ledger_col_dup(a, st, 0);
    else if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading the month's current run");
    sqlite3_finalize(st);
    return rc;
}

int ledger_event_count(ledger *lg, int64_t *n)
{
    *n = 0;
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT count(*) FROM events", &st);
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *n = sqlite3_column_int64(st, 0);
    else
        rc = ledger_sqlite_fail(lg, "ledger: counting events");
    sqlite3_finalize(st);
    return rc;
}

int ledger_event_page(ledger *lg, int64_t offset, int64_t limit, arena *a,
                      ledger_event_head **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    /* a payload that is not JSON (tampered) shows no subject: json_valid first */
    rc = ledger_prepare(
        lg,
        "SELECT seq, time, actor, action, hash,"
        " CASE WHEN json_valid(payload) THEN json_extract(payload, '$.month') END,"
        " CASE WHEN json_valid(payload) THEN coalesce(json_extract(payload, '$.settlement'),"
        "  json_extract(payload, '$.fiscal_year')) END,"
        " CASE WHEN json_valid(payload) AND action = 'refuse'"
        "  THEN json_extract(payload, '$.code') END,"
        " CASE WHEN json_valid(payload) AND action = 'transfer'"
        "  THEN json_extract(payload, '$.file') END"
        " FROM events ORDER BY seq DESC LIMIT ? OFFSET ?",
        &st);
    if (!rc) {
        sqlite3_bind_int64(st, 1, limit);
        sqlite3_bind_int64(st, 2, offset);
        size_t cap = 0;
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            *out = grow(a, *out, *n, &cap, sizeof **out);
            ledger_event_head *e = &(*out)[(*n)++];
            e->seq = sqlite3_column_int64(st, 0);
            e->time = ledger_col_dup(a, st, 1);
            e->actor = ledger_col_dup(a, st, 2);
            e->action = ledger_col_dup(a, st, 3);
            e->hash = ledger_col_dup(a, st, 4);
            e->month = sqlite3_column_type(st, 5) == SQLITE_TEXT ? ledger_col_dup(a, st, 5) : NULL;
            e->fiscal_year = sqlite3_column_type(st, 6) == SQLITE_INTEGER
                                 ? sqlite3_column_int64(st, 6) : 0;
            e->code = sqlite3_column_type(st, 7) == SQLITE_TEXT ? ledger_col_dup(a, st, 7) : NULL;
            e->file = sqlite3_column_type(st, 8) == SQLITE_TEXT ? ledger_col_dup(a, st, 8) : NULL;
        }
        if (step != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "ledger: reading events");
        sqlite3_finalize(st);
    }
    return ledger_tx_end(lg, rc);
}
