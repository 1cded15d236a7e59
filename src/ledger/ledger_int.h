/* ledger_int: what the ledger's files share and nothing outside src/ledger
 * may call — the handle, SQLite error mapping, canonical JSON, and the
 * per-file entry points (db.c: SQLite errors, statements and transactions;
 * store.c: schema and recorded runs; chain.c: the event log, run payloads
 * and verification; blob.c: content-addressed files).  Calls run
 * store.c → chain.c → blob.c → db.c, never back up. */
#ifndef KASAN_LEDGER_INT_H
#define KASAN_LEDGER_INT_H
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kasan/ledger.h"
#include "kasan/strbuf.h"

struct ledger {
    sqlite3 *db;
    char err[512];
};

/* db.c */
/* Sets lg->err from fmt and returns code. */
int ledger_fail(ledger *lg, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The refusal code of a finalize or settle status ("over_budget",
 * "already_finalized", "nothing_to_supersede", "no_budget_line"), NULL if the
 * status is no refusal (success, a malformed request, a busy or broken ledger). */
const char *ledger_refusal_code(int status);
/* SPEC 1.4: records r (its reason is lg's error message, the text the
 * operator is shown) as a "refuse" event into seq/hash; returns status.  The
 * refusal stands even if it cannot be recorded: seq is 0 then and lg's error
 * message says so too. */
int ledger_record_refusal(ledger *lg, ledger_refusal *r, int status, int64_t *seq,
                          char hash[SHA256_HEX_LEN + 1]);
/* Maps SQLite's last error on lg->db to a ledger_status, with its message
 * after `what`.  Call before finalizing the failed statement. */
int ledger_sqlite_fail(ledger *lg, const char *what);
int ledger_prepare(ledger *lg, const char *sql, sqlite3_stmt **st);
int ledger_exec(ledger *lg, const char *sql); /* constant SQL only */
/* BEGIN IMMEDIATE (write) or BEGIN; ledger_tx_end commits when rc is
 * LEDGER_OK, else rolls back, and returns the final status. */
int ledger_tx_begin(ledger *lg, bool write);
int ledger_tx_end(ledger *lg, int rc);
/* Binds text or NULL (s == NULL). */
void ledger_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A text column as a C string; "" for NULL (never NULL). */
const char *ledger_col_text(sqlite3_stmt *st, int i);
/* A text column copied into a (NULL stays NULL). */
char *ledger_col_dup(arena *a, sqlite3_stmt *st, int i);
/* What the current runs of fiscal year fy paid, other than month
 * except_month's (NULL: every month); read in the caller's transaction. */
int ledger_fy_runs_paid(ledger *lg, int fy, const char *except_month, int64_t *paid);

/* Canonical JSON (sorted keys are the caller's duty): strings are written
 * UTF-8 as is, escaping only '"', '\\' and controls below 0x20 — exactly
 * Python's json.dumps(..., ensure_ascii=False, separators=(',', ':')). */
void ledger_json_str(strbuf *sb, const char *s);
void ledger_json_int(strbuf *sb, int64_t v);
bool ledger_utf8_valid(const char *s);

/* chain.c */
#define LEDGER_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
void ledger_event_hash(int64_t seq, const char *time, const char *actor, const char *action,
                       const char *payload, const char *prev_hash, char out[SHA256_HEX_LEN + 1]);
/* Last event's seq and hash (0 and 64 zeros when the log is empty). */
int ledger_chain_head(ledger *lg, int64_t *seq, char hash[SHA256_HEX_LEN + 1]);
/* Appends an event; its hash goes to out_hash. */
int ledger_chain_append(ledger *lg, int64_t seq, const char *prev_hash, const char *time,
                        const char *actor, const char *action, const char *payload,
                        char out_hash[SHA256_HEX_LEN + 1]);
/* The canonical finalize/supersede payload of a recorded run, built from its
 * rows (so ledger_verify can rebuild it and compare).  legacy: without
 * supersede.corrections, as supersede events were written before
 * corrections were recorded (verify rebuilds such events that way). */
int ledger_run_payload(ledger *lg, const char *run_id, bool legacy, strbuf *out);
/* The corrections of a superseding run (ledger_corrections' rows), one
 * statement: columns nursery_id, program, paid, corrected, row count; the
 * caller steps and finalizes it. */
int ledger_corrections_stmt(ledger *lg, const char *run_id, sqlite3_stmt **st);
/* SHA-256 over the run's payment rows, one canonical JSON array per line
 * ["nursery_id","program","rule_version",amount]\n sorted by nursery_id,
 * program (byte order). */
int ledger_payments_digest(ledger *lg, const char *run_id, char out[SHA256_HEX_LEN + 1],
                           int64_t *count);

/* blob.c */
/* Stores f's bytes once under their SHA-256 and links them to run_id. */
int ledger_blob_link(ledger *lg, const char *run_id, const ledger_file *f);
/* Stores f's bytes once under their SHA-256, linked to no run (a settlement
 * names its files in its event). */
int ledger_blob_put(ledger *lg, const ledger_file *f);
/* Re-hashes every blob and checks every run file has its blob; writes
 * problems to report, adds them to *problems, counts blobs in *n_blobs. */
int ledger_blob_verify(ledger *lg, FILE *report, int *problems, int64_t *n_blobs);

#endif
