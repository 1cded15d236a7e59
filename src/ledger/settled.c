/* settled: a settlement and the months it rests on (issue 21 item 4).
 *  - A settlement is recorded only if the months it read are, inside its
 *    own write transaction, exactly the fiscal year's current runs
 *    (LEDGER_STALE otherwise: a month finalized or corrected meanwhile).
 *  - A month finalized or corrected after its fiscal year's settlement is
 *    refused (LEDGER_SETTLED) unless a reason is given; the override is an
 *    "after_settlement" event after the run's, and the settlement is then
 *    to be corrected with it.
 *  - ledger_verify: each settlement event's months must have been the
 *    current runs when it was recorded.
 * Not here: the settlement's figures (settle_store.c), the months (store.c). */
#include <assert.h>
#include <string.h>

#include "kasan/clock.h"
#include "ledger_int.h"

/* The current run of each month of fy whose run was recorded before event
 * before (0: now), one "MONTH=RUN" line each in month order. */
static int current_runs(ledger *lg, int fy, int64_t before, strbuf *out)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(
        lg,
        "SELECT r.month, r.run_id FROM runs r WHERE r.fiscal_year = ?1"
        " AND (?2 = 0 OR r.event_seq < ?2)"
        " AND r.event_seq = (SELECT MAX(x.event_seq) FROM runs x WHERE x.month = r.month"
        "  AND (?2 = 0 OR x.event_seq < ?2))"
        " ORDER BY r.month",
        &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    sqlite3_bind_int64(st, 2, before);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        sb_addf(out, "%s=%s\n", ledger_col_text(st, 0), ledger_col_text(st, 1));
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading the fiscal year's runs");
    sqlite3_finalize(st);
    return rc;
}

/* The months of a settlement as current_runs writes them. */
static void months_text(const ledger_settle_month *m, size_t n, strbuf *out)
{
    /* in month order: the request lists them so (flow/settle.c, by fiscal index) */
    for (size_t i = 0; i < n; i++)
        sb_addf(out, "%s=%s\n", m[i].month, m[i].run_id);
}

/* The first line where a and b differ, for the message. */
static void first_difference(const char *a, const char *b, char *out, size_t size)
{
    size_t i = 0;
    while (a[i] && a[i] == b[i])
        i++;
    while (i && a[i - 1] != '\n')
        i--;
    size_t la = strcspn(a + i, "\n"), lb = strcspn(b + i, "\n");
    snprintf(out, size, "the settlement read %.*s, the ledger now holds %.*s", (int)la,
             *(a + i) ? a + i : "(nothing)", (int)lb, *(b + i) ? b + i : "(nothing)");
    if (!la)
        snprintf(out, size, "the ledger now holds %.*s, which the settlement did not read",
                 (int)lb, b + i);
}

int ledger_settle_months_current(ledger *lg, const ledger_settle_req *req)
{
    strbuf read, now;
    sb_init(&read);
    sb_init(&now);
    months_text(req->months, req->n_months, &read);
    int rc = current_runs(lg, req->fiscal_year, 0, &now);
    const char *a = read.buf ? read.buf : "", *b = now.buf ? now.buf : "";
    if (!rc && strcmp(a, b)) {
        char why[400];
        first_difference(a, b, why, sizeof why);
        rc = ledger_fail(lg, LEDGER_STALE, "a month of FY%d changed while its settlement was "
                         "computed (%s); nothing was recorded: compute the settlement again",
                         req->fiscal_year, why);
    }
    sb_release(&read);
    sb_release(&now);
    return rc;
}

int ledger_settled_check(ledger *lg, const ledger_finalize_req *req, int fy,
                         ledger_finalize_res *res)
{
    int64_t seq;
    int rc = ledger_settle_current_seq(lg, fy, &seq);
    if (rc || !seq)
        return rc;
    res->settlement_seq = seq;
    if (req->after_settlement_reason)
        return ledger_check_text(lg, "after-settlement reason", req->after_settlement_reason);
    return ledger_fail(lg, LEDGER_SETTLED,
                       "FY%d's settlement is finalized (event %lld) on the months as they were: "
                       "a change to %s now changes what it rests on", fy, (long long)seq,
                       req->month);
}

int ledger_after_settlement_event(ledger *lg, const ledger_finalize_req *req,
                                  ledger_finalize_res *res)
{
    if (!res->settlement_seq)
        return LEDGER_OK;
    strbuf sb;
    sb_init(&sb);
    ledger_json j;
    ledger_json_start(&j, &sb);
    ledger_json_open(&j, '{');
    ledger_json_kv_text(&j, "month", req->month);
    ledger_json_kv_text(&j, "reason", req->after_settlement_reason);
    ledger_json_kv_text(&j, "run_id", req->run_id);
    ledger_json_kv_number(&j, "settlement_event", res->settlement_seq);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], now[32], hash[SHA256_HEX_LEN + 1];
    int rc = ledger_chain_head(lg, &seq, prev);
    clock_now_iso(now);
    if (!rc)
        rc = ledger_chain_append(lg, seq + 1, prev, now, req->actor, "after_settlement", sb.buf,
                                 hash);
    sb_release(&sb);
    if (!rc)
        res->after_settlement_seq = seq + 1;
    return rc;
}

/* The months a settlement event names, as current_runs writes them. */
static int event_months(ledger *lg, int64_t seq, strbuf *out)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT json_extract(m.value, '$.month'),"
                                " json_extract(m.value, '$.run_id')"
                                " FROM events e, json_each(e.payload, '$.months') m"
                                " WHERE e.seq = ? ORDER BY 1", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        sb_addf(out, "%s=%s\n", ledger_col_text(st, 0), ledger_col_text(st, 1));
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading a settlement's months");
    sqlite3_finalize(st);
    return rc;
}

int ledger_verify_settlements(ledger *lg, FILE *report, int *problems)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT seq, json_extract(payload, '$.fiscal_year') FROM events"
                                " WHERE action IN ('settle', 'settle_supersede')"
                                " AND json_valid(payload) ORDER BY seq", &st);
    if (rc)
        return rc;
    int step = SQLITE_DONE;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        int fy = sqlite3_column_int(st, 1);
        strbuf read, then;
        sb_init(&read);
        sb_init(&then);
        rc = event_months(lg, seq, &read);
        if (!rc)
            rc = current_runs(lg, fy, seq, &then);
        const char *x = read.buf ? read.buf : "", *y = then.buf ? then.buf : "";
        if (!rc && strcmp(x, y)) {
            char why[400];
            first_difference(x, y, why, sizeof why);
            ++*problems;
            if (report)
                fprintf(report, "event %lld: the settlement of FY%d does not rest on the months' "
                        "current runs when it was recorded (%s)\n", (long long)seq, fy, why);
        }
        sb_release(&read);
        sb_release(&then);
    }
    if (!rc && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading the settlements");
    sqlite3_finalize(st);
    return rc;
}
