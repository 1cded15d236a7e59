/* db: the ledger's SQLite plumbing shared by store.c, chain.c and blob.c —
 * error mapping to ledger_status, statements, bindings and transactions.
 * The bottom of the ledger: it calls none of the other ledger files.  Not
 * here: the schema and what is recorded (store.c), hashing (chain.c, blob.c). */
#include <stdarg.h>
#include <stdio.h>

#include "ledger_int.h"

/* ---- errors and statement helpers ------------------------------------- */

int ledger_fail(ledger *lg, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(lg->err, sizeof lg->err, fmt, ap);
    va_end(ap);
    return code;
}

static int status_of_sqlite(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK: return LEDGER_OK;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return LEDGER_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return LEDGER_CORRUPT;
    case SQLITE_CONSTRAINT: return LEDGER_INVALID;
    case SQLITE_CANTOPEN: return LEDGER_IO;
    default: return LEDGER_IO;
    }
}

bool ledger_text_ok(const char *s) { return s && *s && ledger_utf8_valid(s); }

int ledger_check_text(ledger *lg, const char *what, const char *s)
{
    if (!ledger_text_ok(s))
        return ledger_fail(lg, LEDGER_INVALID, "finalize: %s is missing or not UTF-8", what);
    return LEDGER_OK;
}

int ledger_sqlite_fail(ledger *lg, const char *what)
{
    int rc = sqlite3_errcode(lg->db);
    int code = status_of_sqlite(rc);
    if (code == LEDGER_OK)
        code = LEDGER_IO; /* called on a failure SQLite did not record */
    return ledger_fail(lg, code, "%s: %s", what, sqlite3_errmsg(lg->db));
}

int ledger_prepare(ledger *lg, const char *sql, sqlite3_stmt **st)
{
    if (sqlite3_prepare_v2(lg->db, sql, -1, st, NULL) != SQLITE_OK) {
        *st = NULL;
        return ledger_sqlite_fail(lg, "ledger query");
    }
    return LEDGER_OK;
}

int ledger_exec(ledger *lg, const char *sql)
{
    if (sqlite3_exec(lg->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return ledger_sqlite_fail(lg, "ledger");
    return LEDGER_OK;
}

void ledger_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

const char *ledger_col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st, i);
    return s ? (const char *)s : "";
}

char *ledger_col_dup(arena *a, sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        return NULL;
    return arena_strdup(a, ledger_col_text(st, i));
}

const char *ledger_errmsg(const ledger *lg) { return lg ? lg->err : "no ledger"; }

const char *ledger_strstatus(int status)
{
    switch (status) {
    case LEDGER_OK: return "ok";
    case LEDGER_ALREADY_FINALIZED: return "month already finalized";
    case LEDGER_NOTHING_TO_SUPERSEDE: return "nothing to supersede";
    case LEDGER_OVER_BUDGET: return "over budget";
    case LEDGER_NOT_FOUND: return "not found";
    case LEDGER_INVALID: return "invalid request";
    case LEDGER_BUSY: return "ledger busy";
    case LEDGER_CORRUPT: return "ledger corrupt";
    case LEDGER_IO: return "ledger I/O error";
    case LEDGER_NO_BUDGET_LINE: return "no budget line";
    case LEDGER_DUTY: return "refused by the separation of duties";
    case LEDGER_OVER_DECISION: return "beyond the grant decision";
    case LEDGER_NO_DECISION: return "no grant decision";
    case LEDGER_STALE: return "a month changed meanwhile";
    case LEDGER_SETTLED: return "the fiscal year is settled";
    case LEDGER_AWAITING_APPROVAL: return "awaiting approval";
    default: return "unknown ledger status";
    }
}

/* ---- transactions ------------------------------------------------------ */

int ledger_tx_begin(ledger *lg, bool write)
{
    int rc = sqlite3_exec(lg->db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL);
    if (rc == SQLITE_BUSY)
        return ledger_fail(lg, LEDGER_BUSY,
                           "ledger is in use by another kasan process (waited %d s): %s",
                           LEDGER_BUSY_TIMEOUT_MS / 1000, sqlite3_errmsg(lg->db));
    if (rc != SQLITE_OK)
        return ledger_sqlite_fail(lg, "ledger: begin transaction");
    return LEDGER_OK;
}

/* Commits when rc is LEDGER_OK, else rolls back; returns the final status. */
int ledger_tx_end(ledger *lg, int rc)
{
    if (rc == LEDGER_OK && sqlite3_exec(lg->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        rc = ledger_sqlite_fail(lg, "ledger: commit");
    if (rc != LEDGER_OK && !sqlite3_get_autocommit(lg->db))
        sqlite3_exec(lg->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}
