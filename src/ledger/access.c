/* access: the access log of personal data, a table of the ledger database
 * outside the hash chain (include/kasan/ledger_access.h says what and why).
 * Its DDL lives here, apart from the schema of store.c, and is idempotent
 * (IF NOT EXISTS), so it needs no schema version and survives any change of
 * it.  Not here: deciding what is personal (the pages that show it), the
 * events (chain.c). */
#include <stdlib.h>
#include <string.h>

#include "kasan/ledger_access.h"
#include "ledger_int.h"

static const char *const access_sql[] = {
    "CREATE TABLE IF NOT EXISTS access_log("
    " id INTEGER PRIMARY KEY, time TEXT NOT NULL, operator TEXT NOT NULL,"
    " via TEXT NOT NULL, what TEXT NOT NULL) STRICT",
    "CREATE INDEX IF NOT EXISTS access_log_time ON access_log(time)",
    "CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON access_log"
    " BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON access_log"
    " BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END",
    NULL,
};

int ledger_access_record(ledger *lg, const ledger_access *e)
{
    if (!ledger_text_ok(e->time) || !ledger_text_ok(e->operator_id) || !ledger_text_ok(e->via) ||
        !ledger_text_ok(e->what))
        return ledger_fail(lg, LEDGER_INVALID,
                           "access log: time, operator, via and what must be UTF-8 text");
    int rc = ledger_tx_begin(lg, true);
    if (rc)
        return rc;
    for (size_t i = 0; !rc && access_sql[i]; i++)
        rc = ledger_exec(lg, access_sql[i]);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = ledger_prepare(lg, "INSERT INTO access_log(time, operator, via, what)"
                                " VALUES (?, ?, ?, ?)", &st);
    if (!rc) {
        ledger_bind_text(st, 1, e->time);
        ledger_bind_text(st, 2, e->operator_id);
        ledger_bind_text(st, 3, e->via);
        ledger_bind_text(st, 4, e->what);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "access log: writing an entry");
    }
    sqlite3_finalize(st);
    return ledger_tx_end(lg, rc);
}

int ledger_access_read(ledger *lg, const char *from, const char *to, arena *a,
                       ledger_access **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    sqlite3_stmt *st = NULL;
    rc = ledger_prepare(lg, "SELECT count(*) FROM sqlite_schema"
                            " WHERE type = 'table' AND name = 'access_log'", &st);
    bool present = false;
    if (!rc) {
        if (sqlite3_step(st) == SQLITE_ROW)
            present = sqlite3_column_int(st, 0) > 0;
        else
            rc = ledger_sqlite_fail(lg, "access log: reading the schema");
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!rc && present)
        rc = ledger_prepare(lg, "SELECT id, time, operator, via, what FROM access_log"
                                " WHERE (?1 IS NULL OR time >= ?1) AND (?2 IS NULL OR time < ?2)"
                                " ORDER BY id", &st);
    size_t cap = 0;
    if (!rc && present) {
        ledger_bind_text(st, 1, from);
        ledger_bind_text(st, 2, to);
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            if (*n == cap) {
                size_t c = cap ? 2 * cap : 64;
                ledger_access *v = arena_alloc(a, c * sizeof *v);
                if (*n)
                    memcpy(v, *out, *n * sizeof *v);
                *out = v;
                cap = c;
            }
            ledger_access *e = &(*out)[(*n)++];
            e->id = sqlite3_column_int64(st, 0);
            e->time = ledger_col_dup(a, st, 1);
            e->operator_id = ledger_col_dup(a, st, 2);
            e->via = ledger_col_dup(a, st, 3);
            e->what = ledger_col_dup(a, st, 4);
        }
        if (step != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "access log: reading");
    }
    sqlite3_finalize(st);
    return ledger_tx_end(lg, rc);
}
