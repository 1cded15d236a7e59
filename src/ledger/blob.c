/* blob: the ledger's content-addressed file store.  Every rule and input file
 * a finalized run used is stored once under its SHA-256 and linked to the run
 * by role and name, so a replay needs nothing but the ledger.  Reading a blob
 * back re-hashes it; nothing here decides what a file means. */
#include "ledger_int.h"

#include <stdlib.h>
#include <string.h>

static int blob_put(ledger *lg, const ledger_file *f)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "INSERT INTO blobs(sha256, length, data) VALUES (?, ?, ?)"
                            " ON CONFLICT(sha256) DO NOTHING",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, f->sha256);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)f->len);
    /* a NULL pointer would bind SQL NULL; an empty file is an empty blob */
    sqlite3_bind_blob64(st, 3, f->len ? f->data : "", f->len, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: storing a file");
    sqlite3_finalize(st);
    return rc;
}

int ledger_blob_put(ledger *lg, const ledger_file *f) { return blob_put(lg, f); }

int ledger_blob_link(ledger *lg, const char *run_id, const ledger_file *f)
{
    int rc = blob_put(lg, f);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = ledger_prepare(lg, "INSERT INTO run_files(run_id, role, name, sha256) VALUES (?,?,?,?)",
                             &st)))
        return rc;
    ledger_bind_text(st, 1, run_id);
    ledger_bind_text(st, 2, f->role);
    ledger_bind_text(st, 3, f->name);
    ledger_bind_text(st, 4, f->sha256);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: linking a file to the run");
    sqlite3_finalize(st);
    return rc;
}

/* True when the row's bytes hash to its key and match its length. */
static bool blob_row_ok(sqlite3_stmt *st)
{
    const void *data = sqlite3_column_blob(st, 2);
    size_t len = (size_t)sqlite3_column_bytes(st, 2);
    char sha[SHA256_HEX_LEN + 1];
    hash_sha256_hex(data ? data : "", len, sha);
    return strcmp(sha, ledger_col_text(st, 0)) == 0 &&
           sqlite3_column_int64(st, 1) == (sqlite3_int64)len;
}

int ledger_blob_get(ledger *lg, const char *sha256, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT sha256, length, data FROM blobs WHERE sha256 = ?", &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, sha256);
    int step = sqlite3_step(st);
    if (step == SQLITE_DONE) {
        rc = ledger_fail(lg, LEDGER_NOT_FOUND, "ledger: no stored file %s", sha256);
    } else if (step != SQLITE_ROW) {
        rc = ledger_sqlite_fail(lg, "ledger: reading a stored file");
    } else if (!blob_row_ok(st)) {
        rc = ledger_fail(lg, LEDGER_CORRUPT, "blob %s: content does not match its hash", sha256);
    } else {
        size_t n = (size_t)sqlite3_column_bytes(st, 2);
        char *p = malloc(n + 1);
        if (!p) {
            rc = ledger_fail(lg, LEDGER_IO, "ledger: out of memory for %zu bytes", n);
        } else {
            if (n)
                memcpy(p, sqlite3_column_blob(st, 2), n);
            p[n] = '\0';
            *data = p;
            *len = n;
        }
    }
    sqlite3_finalize(st);
    return rc;
}

static int verify_missing(ledger *lg, FILE *report, int *problems)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT f.sha256, f.run_id, f.role, f.name FROM run_files f"
                            " WHERE NOT EXISTS (SELECT 1 FROM blobs b WHERE b.sha256 = f.sha256)"
                            " ORDER BY f.sha256, f.run_id",
                            &st);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ++*problems;
        if (report)
            fprintf(report, "blob %s: missing (file %s %s of run %s)\n", ledger_col_text(st, 0),
                    ledger_col_text(st, 2), ledger_col_text(st, 3), ledger_col_text(st, 1));
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: checking run files");
    sqlite3_finalize(st);
    return rc;
}

int ledger_blob_verify(ledger *lg, FILE *report, int *problems, int64_t *n_blobs)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT sha256, length, data FROM blobs ORDER BY sha256", &st);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ++*n_blobs;
        if (blob_row_ok(st))
            continue;
        ++*problems;
        if (report)
            fprintf(report, "blob %s: content does not match its hash\n", ledger_col_text(st, 0));
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading stored files");
    sqlite3_finalize(st);
    return rc ? rc : verify_missing(lg, report, problems);
}
