/* owed_base: which transfer files a correction's "what is owed" was set
 * against (issue 21 item 3) — a row per correction, written inside its
 * finalization's transaction after checking that the month's transfer
 * events are still exactly those (a transfer recorded meanwhile refuses the
 * commit with LEDGER_BUSY: the statements would be out of date), and put
 * into the supersede event's payload as supersede.owed_base, so
 * ledger_verify rebuilds the same payload.  The DDL is idempotent and run
 * by the first correction that records one: a ledger from before needs no
 * schema change, and its supersede events carry no owed_base.
 * Not here: what is owed (src/flow/owed.c), the events (chain.c). */
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"

static const char *const owed_sql[] = {
    "CREATE TABLE IF NOT EXISTS owed_bases("
    " run_id TEXT PRIMARY KEY, transfer_events TEXT NOT NULL) STRICT",
    "CREATE TRIGGER IF NOT EXISTS owed_bases_no_update BEFORE UPDATE ON owed_bases"
    " BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS owed_bases_no_delete BEFORE DELETE ON owed_bases"
    " BEGIN SELECT RAISE(ABORT, 'ledger rows are append-only'); END",
    NULL,
};

/* The month's transfer events now, as "2,5" ("" for none). */
static int month_transfers(ledger *lg, const char *month, strbuf *out)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT seq FROM events WHERE action = 'transfer'"
                                " AND json_valid(payload)"
                                " AND json_extract(payload, '$.month') = ? ORDER BY seq", &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, month);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        sb_addf(out, "%s%lld", out->len ? "," : "", (long long)sqlite3_column_int64(st, 0));
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading the month's transfers");
    sqlite3_finalize(st);
    return rc;
}

int ledger_owed_base_insert(ledger *lg, const char *run_id, const char *month,
                            const int64_t *events, size_t n)
{
    strbuf want, now;
    sb_init(&want);
    sb_init(&now);
    for (size_t i = 0; i < n; i++)
        sb_addf(&want, "%s%lld", i ? "," : "", (long long)events[i]);
    int rc = month_transfers(lg, month, &now);
    if (!rc && strcmp(now.buf ? now.buf : "", want.buf ? want.buf : ""))
        rc = ledger_fail(lg, LEDGER_BUSY, "a transfer of %s was recorded while this correction "
                         "was computed (its statements say what is owed against the transfers "
                         "before it); nothing was recorded: run again", month);
    for (size_t i = 0; !rc && owed_sql[i]; i++)
        rc = ledger_exec(lg, owed_sql[i]);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = ledger_prepare(lg, "INSERT INTO owed_bases(run_id, transfer_events) VALUES (?, ?)",
                            &st);
    if (!rc) {
        ledger_bind_text(st, 1, run_id);
        ledger_bind_text(st, 2, want.buf ? want.buf : "");
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "ledger: recording what a correction is set against");
    }
    sqlite3_finalize(st);
    sb_release(&want);
    sb_release(&now);
    return rc;
}

static int table_exists(ledger *lg, bool *yes)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                                " AND name = 'owed_bases'", &st);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    *yes = step == SQLITE_ROW;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: looking for the owed_bases table");
    sqlite3_finalize(st);
    return rc;
}

int ledger_owed_base_json(ledger *lg, const char *run_id, ledger_json *j)
{
    bool yes;
    int rc = table_exists(lg, &yes);
    if (rc || !yes)
        return rc;
    sqlite3_stmt *st;
    if ((rc = ledger_prepare(lg, "SELECT transfer_events FROM owed_bases WHERE run_id = ?", &st)))
        return rc;
    ledger_bind_text(st, 1, run_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) { /* only corrections recorded since carry the key */
        const char *ev = ledger_col_text(st, 0);
        ledger_json_key(j, "owed_base");
        ledger_json_open(j, '{');
        /* "transferred": against what these transfer files paid; "none":
         * nothing transferred, the whole corrected amount is owed */
        ledger_json_kv_text(j, "kind", *ev ? "transferred" : "none");
        ledger_json_key(j, "transfer_events");
        ledger_json_open(j, '[');
        for (const char *p = ev; *p;) {
            char *end;
            long long seq = strtoll(p, &end, 10);
            if (end == p) /* written by ledger_owed_base_insert: cannot happen */
                break;
            ledger_json_number(j, seq);
            p = *end == ',' ? end + 1 : end;
        }
        ledger_json_close(j);
        ledger_json_close(j);
    } else if (step != SQLITE_DONE) {
        rc = ledger_sqlite_fail(lg, "ledger: reading what a correction is set against");
    }
    sqlite3_finalize(st);
    return rc;
}
