/* transfer_store: a transfer file recorded as a "transfer" event of the hash
 * chain (canonical JSON payload, keys in byte order) with its bytes stored as
 * a blob (linked to no run, like a settlement's files), and the transfer events
 * read back with SQLite's JSON functions.  Not here: the chain's verification
 * (chain.c covers every event) or checking the files on disk (kasan audit). */
#include "kasan/ledger_transfer.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"
#include "kasan/clock.h"
#include "kasan/date.h"
#include "kasan/hash.h"

static bool text_ok(const char *s) { return s && *s && ledger_utf8_valid(s); }

static int check_req(ledger *lg, const ledger_transfer *t)
{
    claim_month m;
    bool subject = t->month ? month_parse(t->month, &m) && !t->settlement_fy
                            : t->settlement_fy >= 1900 && t->settlement_fy <= 9998;
    if (!subject || !text_ok(t->run_id) || !text_ok(t->file) || !t->sha256 ||
        strlen(t->sha256) != SHA256_HEX_LEN || !text_ok(t->transfer_date) ||
        !text_ok(t->actor) || !text_ok(t->payer_version) || !text_ok(t->payer_source) ||
        t->count < 0 || t->total_yen < 0 || (t->base_run_id && !text_ok(t->base_run_id)) ||
        (t->reissue_reason && !text_ok(t->reissue_reason)))
        return ledger_fail(lg, LEDGER_INVALID, "transfer: the request is incomplete or not UTF-8");
    char sha[SHA256_HEX_LEN + 1];
    hash_sha256_hex(t->data ? t->data : "", t->data ? t->len : 0, sha);
    if (!t->data || strcmp(sha, t->sha256))
        return ledger_fail(lg, LEDGER_INVALID, "transfer: the file's bytes do not match its SHA-256");
    return LEDGER_OK;
}

/* The payload of ledger_int.h's description, 5. */
static void payload(strbuf *sb, const ledger_transfer *t)
{
    ledger_json j;
    ledger_json_start(&j, sb);
    ledger_json_open(&j, '{');
    ledger_json_kv_text(&j, "actor", t->actor);
    ledger_json_kv_text(&j, "base_kind", t->base_kind);
    ledger_json_kv_text(&j, "base_run_id", t->base_run_id);
    ledger_json_kv_number(&j, "count", t->count);
    ledger_json_kv_text(&j, "file", t->file);
    ledger_json_kv_text(&j, "month", t->month);
    ledger_json_kv_text(&j, "payer_source", t->payer_source);
    ledger_json_kv_text(&j, "payer_version", t->payer_version);
    ledger_json_kv_text(&j, "reissue_reason", t->reissue_reason);
    ledger_json_kv_text(&j, "run_id", t->run_id);
    ledger_json_key(&j, "settlement");
    if (t->settlement_fy)
        ledger_json_number(&j, t->settlement_fy);
    else
        ledger_json_text(&j, NULL);
    ledger_json_kv_text(&j, "sha256", t->sha256);
    ledger_json_kv_number(&j, "total_yen", t->total_yen);
    ledger_json_kv_text(&j, "transfer_date", t->transfer_date);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
}

/* 0 when no earlier transfer event matches: the same run (month or
 * settlement), or the same file name. */
static int earlier(ledger *lg, const ledger_transfer *t, int64_t *same_run, int64_t *same_file)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(
        lg,
        "SELECT COALESCE(MAX(CASE WHEN json_extract(payload, '$.run_id') = ?1"
        "  AND (json_extract(payload, '$.month') IS ?2"
        "       AND json_extract(payload, '$.settlement') IS ?3) THEN seq END), 0),"
        " COALESCE(MAX(CASE WHEN json_extract(payload, '$.file') = ?4 THEN seq END), 0)"
        " FROM events WHERE action = 'transfer' AND json_valid(payload)",
        &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, t->run_id);
    ledger_bind_text(st, 2, t->month);
    if (t->settlement_fy)
        sqlite3_bind_int(st, 3, t->settlement_fy);
    else
        sqlite3_bind_null(st, 3);
    ledger_bind_text(st, 4, t->file);
    if (sqlite3_step(st) == SQLITE_ROW) {
        *same_run = sqlite3_column_int64(st, 0);
        *same_file = sqlite3_column_int64(st, 1);
    } else {
        rc = ledger_sqlite_fail(lg, "ledger: reading transfers");
    }
    sqlite3_finalize(st);
    return rc;
}

static int transfer_tx(ledger *lg, const ledger_transfer *t, int64_t *seq_out,
                       char hash_out[SHA256_HEX_LEN + 1])
{
    int64_t same_run = 0, same_file = 0, seq;
    int rc = earlier(lg, t, &same_run, &same_file);
    if (rc)
        return rc;
    /* the run first: two transfers of one run racing both name the same
     * file, and the loser's is a refusal (exit 3, recorded), not a fault */
    if (same_run && !t->reissue_reason)
        return ledger_fail(lg, LEDGER_ALREADY_FINALIZED,
                           "run %s already has a transfer file (event %lld); a second one needs "
                           "--reissue --reason TEXT", t->run_id, (long long)same_run);
    if (same_file)
        return ledger_fail(lg, LEDGER_ALREADY_FINALIZED,
                           "transfer file %s is already recorded (event %lld)", t->file,
                           (long long)same_file);
    const char *duty; /* signed: approved, and by someone else (approve_store.c) */
    if ((rc = ledger_duty_transfer(lg, t->month, t->settlement_fy, t->run_id, &duty)))
        return rc;
    ledger_file f = {"transfer", t->file, t->data, t->len, t->sha256};
    if ((rc = ledger_blob_put(lg, &f)))
        return rc;
    char prev[SHA256_HEX_LEN + 1], now[32], hash[SHA256_HEX_LEN + 1];
    if ((rc = ledger_chain_head(lg, &seq, prev)))
        return rc;
    strbuf sb;
    sb_init(&sb);
    payload(&sb, t);
    clock_now_iso(now);
    rc = ledger_chain_append(lg, ++seq, prev, now, t->actor, "transfer", sb.buf, hash);
    sb_release(&sb);
    if (!rc && seq_out)
        *seq_out = seq;
    if (!rc && hash_out)
        memcpy(hash_out, hash, sizeof hash);
    return rc;
}

int ledger_transfer_record(ledger *lg, const ledger_transfer *t, int64_t *seq,
                           char hash[SHA256_HEX_LEN + 1])
{
    int rc = check_req(lg, t);
    if (rc)
        return rc;
    if ((rc = ledger_tx_begin(lg, true)))
        return rc;
    return ledger_tx_end(lg, transfer_tx(lg, t, seq, hash));
}

/* ---- reading back ------------------------------------------------------ */

enum { T_SEQ, T_TIME, T_ACTOR, T_MONTH, T_FY, T_RUN, T_BASE, T_FILE, T_SHA, T_COUNT, T_TOTAL,
       T_DATE, T_REISSUE, T_PVER, T_PSRC, T_N, T_BASE_KIND };

static void read_row(sqlite3_stmt *st, arena *a, ledger_transfer *t)
{
    *t = (ledger_transfer){
        .event_seq = sqlite3_column_int64(st, T_SEQ),
        .time = ledger_col_dup(a, st, T_TIME),
        .actor = ledger_col_dup(a, st, T_ACTOR),
        .month = ledger_col_dup(a, st, T_MONTH),
        .settlement_fy = sqlite3_column_int(st, T_FY),
        .run_id = ledger_col_dup(a, st, T_RUN),
        .base_run_id = ledger_col_dup(a, st, T_BASE),
        .file = ledger_col_dup(a, st, T_FILE),
        .sha256 = ledger_col_dup(a, st, T_SHA),
        .count = sqlite3_column_int64(st, T_COUNT),
        .total_yen = sqlite3_column_int64(st, T_TOTAL),
        .transfer_date = ledger_col_dup(a, st, T_DATE),
        .reissue_reason = ledger_col_dup(a, st, T_REISSUE),
        .payer_version = ledger_col_dup(a, st, T_PVER),
        .payer_source = ledger_col_dup(a, st, T_PSRC),
        .base_kind = ledger_col_dup(a, st, T_BASE_KIND),
    };
}

static int read_all(ledger *lg, arena *a, ledger_transfer **out, size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(
        lg,
        "SELECT seq, time, actor, json_extract(payload, '$.month'),"
        " json_extract(payload, '$.settlement'), json_extract(payload, '$.run_id'),"
        " json_extract(payload, '$.base_run_id'), json_extract(payload, '$.file'),"
        " json_extract(payload, '$.sha256'), json_extract(payload, '$.count'),"
        " json_extract(payload, '$.total_yen'), json_extract(payload, '$.transfer_date'),"
        " json_extract(payload, '$.reissue_reason'), json_extract(payload, '$.payer_version'),"
        " json_extract(payload, '$.payer_source'), count(*) OVER (),"
        " json_extract(payload, '$.base_kind')"
        " FROM events WHERE action = 'transfer' AND json_valid(payload) ORDER BY seq",
        &st);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, T_N) + 1, sizeof **out);
        read_row(st, a, &(*out)[(*n)++]);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading transfers");
    sqlite3_finalize(st);
    return rc;
}

int ledger_transfers(ledger *lg, arena *a, ledger_transfer **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, read_all(lg, a, out, n));
}
