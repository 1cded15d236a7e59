/* documents: the 文書番号 table (include/kasan/ledger_docs.h says what and
 * why).  Its DDL is idempotent (IF NOT EXISTS) and run by the first
 * finalization that records a document, so a ledger from before needs no
 * schema change; a ledger without the table has given no number.  Rows are
 * inserted only inside a finalization's transaction (store.c,
 * settle_store.c), before its event's payload is built from them
 * (ledger_documents_json), so ledger_verify rebuilds the same payload.
 * Not here: the events (chain.c), what a document says (src/report). */
#include <string.h>

#include "kasan/ledger_docs.h"
#include "ledger_int.h"

static const char *const docs_sql[] = {
    "CREATE TABLE IF NOT EXISTS documents("
    " fiscal_year INTEGER NOT NULL, number INTEGER NOT NULL CHECK (number > 0),"
    " run_id TEXT NOT NULL, nursery_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " file TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " PRIMARY KEY (fiscal_year, number)) STRICT",
    "CREATE INDEX IF NOT EXISTS documents_run ON documents(run_id)",
    "CREATE TRIGGER IF NOT EXISTS documents_no_update BEFORE UPDATE ON documents"
    " BEGIN SELECT RAISE(ABORT, 'a document number is never changed'); END",
    "CREATE TRIGGER IF NOT EXISTS documents_no_delete BEFORE DELETE ON documents"
    " BEGIN SELECT RAISE(ABORT, 'a document number is never deleted'); END",
    NULL,
};

static int table_exists(ledger *lg, bool *yes)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                                " AND name = 'documents'", &st);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    *yes = step == SQLITE_ROW;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: looking for the documents table");
    sqlite3_finalize(st);
    return rc;
}

static int next_in_tx(ledger *lg, int fy, int64_t *next)
{
    bool yes;
    int rc = table_exists(lg, &yes);
    *next = 1;
    if (rc || !yes)
        return rc;
    sqlite3_stmt *st;
    if ((rc = ledger_prepare(lg, "SELECT COALESCE(MAX(number), 0) + 1 FROM documents"
                                 " WHERE fiscal_year = ?", &st)))
        return rc;
    sqlite3_bind_int(st, 1, fy);
    if (sqlite3_step(st) == SQLITE_ROW)
        *next = sqlite3_column_int64(st, 0);
    else
        rc = ledger_sqlite_fail(lg, "ledger: reading the last document number");
    sqlite3_finalize(st);
    return rc;
}

int ledger_documents_next(ledger *lg, int fy, int64_t *next)
{
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, next_in_tx(lg, fy, next));
}

int ledger_documents_insert(ledger *lg, int fy, const char *run_id, const ledger_document *d,
                            size_t n)
{
    if (!n)
        return LEDGER_OK;
    int rc = LEDGER_OK;
    for (size_t i = 0; !rc && docs_sql[i]; i++)
        rc = ledger_exec(lg, docs_sql[i]);
    int64_t next = 0;
    if (!rc)
        rc = next_in_tx(lg, fy, &next);
    if (!rc && d[0].number < next)
        return ledger_fail(lg, LEDGER_BUSY,
                           "文書番号 %lld of FY%d was given meanwhile by another finalization "
                           "(the next free one is %lld); nothing was recorded: run again",
                           (long long)d[0].number, fy, (long long)next);
    sqlite3_stmt *st = NULL;
    if (!rc)
        rc = ledger_prepare(lg, "INSERT INTO documents(fiscal_year, number, run_id, nursery_id,"
                                " kind, file, sha256) VALUES (?, ?, ?, ?, ?, ?, ?)", &st);
    for (size_t i = 0; !rc && i < n; i++) {
        if (!ledger_text_ok(d[i].nursery_id) || !ledger_text_ok(d[i].kind) ||
            !ledger_text_ok(d[i].file) || !d[i].sha256 || strlen(d[i].sha256) != SHA256_HEX_LEN ||
            d[i].number < 1) {
            rc = ledger_fail(lg, LEDGER_INVALID, "document %zu: number, nursery, kind, file and "
                             "sha256 are required", i);
            break;
        }
        sqlite3_reset(st);
        sqlite3_bind_int(st, 1, fy);
        sqlite3_bind_int64(st, 2, d[i].number);
        ledger_bind_text(st, 3, run_id);
        ledger_bind_text(st, 4, d[i].nursery_id);
        ledger_bind_text(st, 5, d[i].kind);
        ledger_bind_text(st, 6, d[i].file);
        ledger_bind_text(st, 7, d[i].sha256);
        int step = sqlite3_step(st);
        if (step == SQLITE_CONSTRAINT)
            rc = ledger_fail(lg, LEDGER_BUSY, "文書番号 %lld of FY%d is already given; nothing "
                             "was recorded: run again", (long long)d[i].number, fy);
        else if (step != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "ledger: recording a document number");
    }
    sqlite3_finalize(st);
    return rc;
}

int ledger_documents_json(ledger *lg, const char *run_id, ledger_json *j)
{
    bool yes;
    int rc = table_exists(lg, &yes);
    if (rc || !yes)
        return rc;
    sqlite3_stmt *st;
    if ((rc = ledger_prepare(lg, "SELECT file, kind, number, nursery_id, sha256 FROM documents"
                                 " WHERE run_id = ? ORDER BY number", &st)))
        return rc;
    ledger_bind_text(st, 1, run_id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) { /* only runs with documents carry the key */
        ledger_json_key(j, "documents");
        ledger_json_open(j, '[');
        for (; step == SQLITE_ROW; step = sqlite3_step(st)) {
            ledger_json_open(j, '{');
            ledger_json_kv_text(j, "file", ledger_col_text(st, 0));
            ledger_json_kv_text(j, "kind", ledger_col_text(st, 1));
            ledger_json_kv_number(j, "number", sqlite3_column_int64(st, 2));
            ledger_json_kv_text(j, "nursery_id", ledger_col_text(st, 3));
            ledger_json_kv_text(j, "sha256", ledger_col_text(st, 4));
            ledger_json_close(j);
        }
        ledger_json_close(j);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading document numbers");
    sqlite3_finalize(st);
    return rc;
}

void ledger_documents_put_json(ledger_json *j, const ledger_document *d, size_t n)
{
    if (!n)
        return;
    ledger_json_key(j, "documents");
    ledger_json_open(j, '[');
    for (size_t i = 0; i < n; i++) {
        ledger_json_open(j, '{');
        ledger_json_kv_text(j, "file", d[i].file);
        ledger_json_kv_text(j, "kind", d[i].kind);
        ledger_json_kv_number(j, "number", d[i].number);
        ledger_json_kv_text(j, "nursery_id", d[i].nursery_id);
        ledger_json_kv_text(j, "sha256", d[i].sha256);
        ledger_json_close(j);
    }
    ledger_json_close(j);
}

int ledger_documents_of(ledger *lg, const char *run_id, arena *a, ledger_document **out,
                        size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    bool yes;
    rc = table_exists(lg, &yes);
    sqlite3_stmt *st = NULL;
    if (!rc && yes)
        rc = ledger_prepare(lg, "SELECT number, nursery_id, kind, file, sha256 FROM documents"
                                " WHERE run_id = ? ORDER BY number", &st);
    if (!rc && yes) {
        ledger_bind_text(st, 1, run_id);
        size_t cap = 0;
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW) {
            if (*n == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                ledger_document *v = arena_calloc(a, ncap, sizeof *v);
                if (*n)
                    memcpy(v, *out, *n * sizeof *v);
                *out = v;
                cap = ncap;
            }
            (*out)[(*n)++] = (ledger_document){sqlite3_column_int64(st, 0),
                                               ledger_col_dup(a, st, 1), ledger_col_dup(a, st, 2),
                                               ledger_col_dup(a, st, 3), ledger_col_dup(a, st, 4)};
        }
        if (step != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "ledger: reading document numbers");
    }
    sqlite3_finalize(st);
    return ledger_tx_end(lg, rc);
}
