/* refund_store: include/kasan/ledger_refund.h.  Payload keys in byte order:
 * amount_yen, date, fiscal_year, nursery_id, settle_id. */
#include "kasan/ledger_refund.h"

#include <assert.h>
#include <string.h>

#include "kasan/clock.h"
#include "ledger_int.h"

static int64_t scalar(ledger *lg, const char *sql, int fy, const char *text, int *rc)
{
    sqlite3_stmt *st;
    int64_t v = 0;
    if ((*rc = ledger_prepare(lg, sql, &st)))
        return 0;
    sqlite3_bind_int(st, 1, fy);
    if (text)
        ledger_bind_text(st, 2, text);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        *rc = ledger_sqlite_fail(lg, "ledger: reading receipts");
    sqlite3_finalize(st);
    return v;
}

static int receipt_tx(ledger *lg, const ledger_refund_receipt *r, int64_t *seq_out,
                      char hash_out[SHA256_HEX_LEN + 1])
{
    int64_t settled;
    int rc = ledger_settle_current_seq(lg, r->fiscal_year, &settled);
    if (rc)
        return rc;
    int64_t received = scalar(lg, "SELECT COALESCE(SUM(json_extract(payload, '$.amount_yen')), 0)"
                                  " FROM events WHERE action = 'refund_receipt' AND json_valid(payload)"
                                  " AND json_extract(payload, '$.fiscal_year') = ?1"
                                  " AND json_extract(payload, '$.nursery_id') = ?2",
                              r->fiscal_year, r->nursery_id, &rc);
    if (rc)
        return rc;
    if (settled != r->expect_settlement_seq || received != r->expect_received_yen)
        return ledger_fail(lg, LEDGER_BUSY, "a settlement or a receipt of FY%d was recorded "
                           "meanwhile; nothing was recorded: run again", r->fiscal_year);
    strbuf sb;
    sb_init(&sb);
    ledger_json j;
    ledger_json_start(&j, &sb);
    ledger_json_open(&j, '{');
    ledger_json_kv_number(&j, "amount_yen", r->amount_yen);
    ledger_json_kv_text(&j, "date", r->date);
    ledger_json_kv_number(&j, "fiscal_year", r->fiscal_year);
    ledger_json_kv_text(&j, "nursery_id", r->nursery_id);
    ledger_json_kv_text(&j, "settle_id", r->settle_id);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], now[32], hash[SHA256_HEX_LEN + 1];
    rc = ledger_chain_head(lg, &seq, prev);
    clock_now_iso(now);
    if (!rc)
        rc = ledger_chain_append(lg, seq + 1, prev, now, r->actor, "refund_receipt", sb.buf, hash);
    sb_release(&sb);
    if (!rc) {
        *seq_out = seq + 1;
        memcpy(hash_out, hash, sizeof hash);
    }
    return rc;
}

int ledger_refund_receipt_record(ledger *lg, const ledger_refund_receipt *r, int64_t *seq,
                                 char hash[SHA256_HEX_LEN + 1])
{
    if (r->amount_yen <= 0 || !ledger_text_ok(r->nursery_id) || !ledger_text_ok(r->date) ||
        !ledger_text_ok(r->settle_id) || !ledger_text_ok(r->actor))
        return ledger_fail(lg, LEDGER_INVALID, "refund receipt: the request is incomplete");
    int rc = ledger_tx_begin(lg, true);
    if (rc)
        return rc;
    return ledger_tx_end(lg, receipt_tx(lg, r, seq, hash));
}

static int read_all(ledger *lg, int fy, arena *a, ledger_refund_receipt **out, size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT seq, time, actor, json_extract(payload, '$.nursery_id'),"
                                " json_extract(payload, '$.amount_yen'),"
                                " json_extract(payload, '$.date'),"
                                " json_extract(payload, '$.settle_id'), count(*) OVER ()"
                                " FROM events WHERE action = 'refund_receipt' AND json_valid(payload)"
                                " AND json_extract(payload, '$.fiscal_year') = ? ORDER BY seq", &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 7) + 1, sizeof **out);
        (*out)[(*n)++] = (ledger_refund_receipt){
            .fiscal_year = fy, .nursery_id = ledger_col_dup(a, st, 3),
            .amount_yen = sqlite3_column_int64(st, 4), .date = ledger_col_dup(a, st, 5),
            .settle_id = ledger_col_dup(a, st, 6), .actor = ledger_col_dup(a, st, 2),
            .event_seq = sqlite3_column_int64(st, 0), .time = ledger_col_dup(a, st, 1)};
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading receipts");
    sqlite3_finalize(st);
    return rc;
}

int ledger_refund_receipts(ledger *lg, int fy, arena *a, ledger_refund_receipt **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, read_all(lg, fy, a, out, n));
}
