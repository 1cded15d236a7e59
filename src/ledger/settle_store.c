/* settle: recording and reading back a year-end settlement (精算) — one
 * hash-chained event whose canonical JSON payload holds everything a replay
 * needs (rows, month runs, files by SHA-256), the files as blobs, and the
 * budget check of 追加交付 against the year's line; and what a fiscal year
 * has paid against its line (ledger_fy_paid: its months' current runs and
 * its settlement's 追加交付), the one definition both budget checks use.
 * Reading uses SQLite's JSON functions on the stored payload: its keys are
 * read here and nowhere else.  Not here: what a settlement means
 * (src/engine/settle.c) and the chain's verification (chain.c covers every
 * event, this one included). */
#include "kasan/ledger_settle.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"
#include "kasan/ledger_docs.h"
#include "kasan/budget.h"
#include "kasan/clock.h"
#include "kasan/rowmerge.h"

static int check_req(ledger *lg, const ledger_settle_req *req)
{
    if (req->fiscal_year < 1900 || req->fiscal_year > 9998 || !ledger_text_ok(req->settle_id) ||
        !ledger_text_ok(req->created) || !ledger_text_ok(req->actor) || !ledger_text_ok(req->engine_version) ||
        (req->supersede && !ledger_text_ok(req->reason)) ||
        (req->over_budget_reason && !ledger_text_ok(req->over_budget_reason)))
        return ledger_fail(lg, LEDGER_INVALID, "settle: the request is incomplete or not UTF-8");
    int64_t add = 0, rep = 0, fy_add = 0;
    for (size_t i = 0; i < req->n_rows; i++) {
        const ledger_settle_row *r = &req->rows[i];
        int64_t diff;
        if (!ledger_text_ok(r->nursery_id) || !ledger_text_ok(r->program) || !ledger_text_ok(r->rule_version) ||
            r->annual_yen < 0 || r->paid_yen < 0 ||
            __builtin_sub_overflow(r->annual_yen, r->paid_yen, &diff) || diff != r->difference_yen)
            return ledger_fail(lg, LEDGER_INVALID, "settle: row %zu is malformed", i + 1);
        if (r->corrected && !req->supersede)
            return ledger_fail(lg, LEDGER_INVALID, "settle: row %zu corrects nothing", i + 1);
        int64_t decided = 0;
        if ((diff > 0 && __builtin_add_overflow(add, diff, &add)) ||
            (diff < 0 && __builtin_sub_overflow(rep, diff, &rep)) ||
            !budget_settle_decided(r->settled_before_yen, diff, &decided) ||
            (decided > 0 && __builtin_add_overflow(fy_add, decided, &fy_add)))
            return ledger_fail(lg, LEDGER_INVALID, "settle: totals overflow");
    }
    if (add != req->additional_yen || rep != req->repayment_yen || fy_add != req->fy_additional_yen)
        return ledger_fail(lg, LEDGER_INVALID, "settle: totals do not add up to the rows");
    size_t n_actuals = 0;
    for (size_t i = 0; i < req->n_files; i++) {
        const ledger_file *f = &req->files[i];
        char sha[SHA256_HEX_LEN + 1];
        if (!f->role || (strcmp(f->role, "actuals") && strcmp(f->role, "rules")) ||
            !ledger_text_ok(f->name) || !f->sha256 || (f->len && !f->data))
            return ledger_fail(lg, LEDGER_INVALID, "settle: file %zu is malformed", i + 1);
        n_actuals += !strcmp(f->role, "actuals");
        hash_sha256_hex(f->len ? f->data : "", f->len, sha);
        if (strcmp(sha, f->sha256))
            return ledger_fail(lg, LEDGER_INVALID, "settle: %s: bytes do not match SHA-256 %s",
                               f->name, f->sha256);
    }
    if (n_actuals != 1)
        return ledger_fail(lg, LEDGER_INVALID, "settle: one actuals file is required");
    return LEDGER_OK;
}

/* The payload of ledger_int.h's description, 4. */
static void payload(strbuf *sb, const ledger_settle_req *req, const ledger_settle_res *res,
                    bool over)
{
    ledger_json j;
    ledger_json_start(&j, sb);
    ledger_json_open(&j, '{');
    ledger_json_kv_number(&j, "additional_yen", req->additional_yen);
    if (req->charge.fiscal_year) { /* 過年度支出: the later year's line pays it */
        ledger_json_kv_number(&j, "charged_additional_yen", req->additional_yen);
        ledger_json_kv_number(&j, "charged_fiscal_year", req->charge.fiscal_year);
    }
    ledger_json_kv_text(&j, "created", req->created);
    ledger_documents_put_json(&j, req->documents, req->n_documents); /* issue 22 */
    ledger_json_kv_text(&j, "engine_version", req->engine_version);
    ledger_json_key(&j, "files");
    ledger_json_open(&j, '[');
    for (size_t i = 0; i < req->n_files; i++) {
        ledger_json_open(&j, '{');
        ledger_json_kv_text(&j, "name", req->files[i].name);
        ledger_json_kv_text(&j, "role", req->files[i].role);
        ledger_json_kv_text(&j, "sha256", req->files[i].sha256);
        ledger_json_close(&j);
    }
    ledger_json_close(&j);
    ledger_json_kv_number(&j, "fiscal_year", req->fiscal_year);
    if (req->supersede) /* a first settlement's is its additional_yen */
        ledger_json_kv_number(&j, "fy_additional_yen", req->fy_additional_yen);
    ledger_json_kv_number(&j, "fy_paid_yen", res->fy_paid_yen);
    ledger_json_key(&j, "months");
    ledger_json_open(&j, '[');
    for (size_t i = 0; i < req->n_months; i++) {
        ledger_json_open(&j, '{');
        ledger_json_kv_text(&j, "month", req->months[i].month);
        ledger_json_kv_text(&j, "run_id", req->months[i].run_id);
        ledger_json_close(&j);
    }
    ledger_json_close(&j);
    ledger_json_kv_text(&j, "over_budget_reason", over ? req->over_budget_reason : NULL);
    ledger_json_kv_number(&j, "overrun_yen", over ? res->overrun_yen : 0);
    ledger_json_kv_number(&j, "repayment_yen", req->repayment_yen);
    ledger_json_key(&j, "rows");
    ledger_json_open(&j, '[');
    for (size_t i = 0; i < req->n_rows; i++) {
        const ledger_settle_row *r = &req->rows[i];
        ledger_json_open(&j, '{');
        ledger_json_kv_number(&j, "annual_yen", r->annual_yen);
        ledger_json_kv_number(&j, "difference_yen", r->difference_yen);
        ledger_json_kv_text(&j, "nursery_id", r->nursery_id);
        ledger_json_kv_number(&j, "paid_yen", r->paid_yen);
        ledger_json_kv_text(&j, "program", r->program);
        ledger_json_kv_text(&j, "rule_version", r->rule_version);
        if (r->corrected) {
            ledger_json_kv_number(&j, "settled_before_yen", r->settled_before_yen);
            ledger_json_kv_number(&j, "superseded_annual_yen", r->superseded_annual_yen);
            ledger_json_kv_number(&j, "superseded_difference_yen", r->superseded_difference_yen);
        }
        ledger_json_close(&j);
    }
    ledger_json_close(&j);
    ledger_json_kv_text(&j, "settle_id", req->settle_id);
    ledger_json_kv_text(&j, "supersede_reason", req->supersede ? req->reason : NULL);
    ledger_json_key(&j, "supersedes_seq");
    if (res->superseded_seq)
        ledger_json_number(&j, res->superseded_seq);
    else
        ledger_json_text(&j, NULL);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
}

#define CURRENT_SQL                                                                         \
    " FROM events WHERE action IN ('settle', 'settle_supersede') AND json_valid(payload)"    \
    " AND json_extract(payload, '$.fiscal_year') = ? ORDER BY seq DESC LIMIT 1"

/* The sum of one number per row of `sql` (bound: ?1 an int, ?2 a seq bound). */
static int sum_of(ledger *lg, const char *sql, int key, int64_t before_seq, int64_t *yen)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, sql, &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, key);
    sqlite3_bind_int64(st, 2, before_seq > 0 ? before_seq : INT64_MAX);
    int step = sqlite3_step(st);
    *yen = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading settlements");
    sqlite3_finalize(st);
    return rc;
}

/* 追加交付 charged to a later year's line (過年度支出): every settlement of
 * the chain that was finalized after the closing recorded its own. */
#define CHARGED_SQL                                                                         \
    "SELECT COALESCE(SUM(json_extract(payload, '$.charged_additional_yen')), 0) FROM events" \
    " WHERE action IN ('settle', 'settle_supersede') AND json_valid(payload) AND seq < ?2"  \
    " AND json_extract(payload, '$.charged_fiscal_year') IS NOT NULL"

int ledger_fy_settled_additional(ledger *lg, int fy, int64_t before_seq, int64_t *yen)
{
    int64_t decided, later;
    int rc = sum_of(lg,
                    "SELECT coalesce(json_extract(payload, '$.fy_additional_yen'),"
                    " json_extract(payload, '$.additional_yen')) FROM events"
                    " WHERE action IN ('settle', 'settle_supersede')"
                    " AND json_valid(payload) AND json_extract(payload, '$.fiscal_year') = ?1"
                    " AND seq < ?2 ORDER BY seq DESC LIMIT 1",
                    fy, before_seq, &decided);
    if (!rc)
        rc = ledger_fy_charged_later(lg, fy, before_seq, &later);
    if (!rc && __builtin_sub_overflow(decided, later, yen))
        rc = ledger_fail(lg, LEDGER_INVALID, "ledger: FY%d's 追加交付 overflows", fy);
    return rc;
}

int ledger_fy_charged_later(ledger *lg, int fy, int64_t before_seq, int64_t *yen)
{
    return sum_of(lg, CHARGED_SQL " AND json_extract(payload, '$.fiscal_year') = ?1", fy,
                  before_seq, yen);
}

int ledger_fy_prior_year_charged(ledger *lg, int fy, int64_t before_seq, int64_t *yen)
{
    return sum_of(lg, CHARGED_SQL " AND json_extract(payload, '$.charged_fiscal_year') = ?1", fy,
                  before_seq, yen);
}

int ledger_settle_current_seq(ledger *lg, int fy, int64_t *seq)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT seq" CURRENT_SQL, &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    int step = sqlite3_step(st);
    *seq = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading settlements");
    sqlite3_finalize(st);
    return rc;
}

/* The current runs' total of fiscal year fy other than except_month's. */
static int fy_runs_paid(ledger *lg, int fy, const char *except_month, int64_t *paid)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT COALESCE(SUM(total_yen), 0) FROM runs"
                            " WHERE fiscal_year = ?1 AND (?2 IS NULL OR month <> ?2)"
                            " AND superseded_by IS NULL",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    ledger_bind_text(st, 2, except_month);
    if (sqlite3_step(st) == SQLITE_ROW)
        *paid = sqlite3_column_int64(st, 0);
    else
        rc = ledger_sqlite_fail(lg, "ledger: fiscal-year total");
    sqlite3_finalize(st);
    return rc;
}

int ledger_fy_paid(ledger *lg, int fy, const char *except_month, ledger_paid *out)
{
    memset(out, 0, sizeof *out);
    int rc = fy_runs_paid(lg, fy, except_month, &out->months_yen);
    if (!rc)
        rc = ledger_fy_settled_additional(lg, fy, 0, &out->settled_yen);
    if (!rc)
        rc = ledger_fy_prior_year_charged(lg, fy, 0, &out->prior_year_yen);
    if (!rc && (__builtin_add_overflow(out->months_yen, out->settled_yen, &out->total_yen) ||
                __builtin_add_overflow(out->total_yen, out->prior_year_yen, &out->total_yen)))
        rc = ledger_fail(lg, LEDGER_INVALID, "finalize: fiscal-year total overflows");
    return rc;
}

/* 追加交付 counts against the year's line (SPEC 6.2); 返還 is not netted.
 * The verdict is budget_decide_replacing's, as for a month: a corrected
 * settlement that pays no more 追加交付 than the one it replaces is not refused. */
/* A settlement finalized after its year's closing (出納閉鎖) pays its
 * 追加交付 from the line of the year it is paid in (過年度支出): that line
 * must exist (no reason overrides a missing budget: the money has no line
 * to come from), and it is held to that line as a month of that year is. */
static int prior_year_check(ledger *lg, const ledger_settle_req *req, ledger_settle_res *res)
{
    const ledger_budget *c = &req->charge;
    if (!c->line_id)
        return ledger_fail(lg, LEDGER_NO_BUDGET_LINE,
                           "the 追加交付 of %lld yen is paid after FY%d's 出納閉鎖, so it is "
                           "過年度支出 of FY%d, and the rules have no budget line for FY%d: add "
                           "FY%d's budget file (rules/budget/), then settle again",
                           (long long)req->additional_yen, req->fiscal_year, c->fiscal_year,
                           c->fiscal_year, c->fiscal_year);
    ledger_paid paid;
    int64_t line = c->line_amount_yen;
    int rc = ledger_fy_paid(lg, c->fiscal_year, NULL, &paid);
    if (!rc)
        rc = ledger_budget_current(lg, c->fiscal_year, line, &line);
    if (rc)
        return rc;
    budget_decision bd;
    if (!budget_decide_replacing(true, line, paid.total_yen, req->additional_yen, 0,
                                 req->over_budget_reason != NULL, &bd))
        return ledger_fail(lg, LEDGER_INVALID, "settle: fiscal-year total overflows");
    res->overrun_yen = bd.overrun;
    res->overridden = budget_overridden(bd.verdict);
    if (!budget_refused(bd.verdict))
        return LEDGER_OK;
    return ledger_fail(lg, LEDGER_OVER_BUDGET,
                       "FY%d paid %lld yen plus FY%d's 追加交付 %lld yen (過年度支出) would be "
                       "over budget line %s (%lld yen) by %lld yen; finalizing needs an "
                       "over-budget reason", c->fiscal_year, (long long)paid.total_yen,
                       req->fiscal_year, (long long)req->additional_yen, c->line_id,
                       (long long)line, (long long)res->overrun_yen);
}

static int budget_check(ledger *lg, const ledger_settle_req *req, ledger_settle_res *res)
{
    ledger_paid paid; /* a first settlement replaces none: settled_yen is 0 then */
    int rc = ledger_fy_paid(lg, req->fiscal_year, NULL, &paid);
    if (rc)
        return rc;
    res->fy_paid_yen = paid.months_yen;
    if (req->charge.fiscal_year) /* nothing new is charged to the closed year */
        return prior_year_check(lg, req, res);
    int64_t replaced = req->supersede ? paid.settled_yen : 0;
    int64_t line = req->budget.line_amount_yen; /* as amended (issue 24) */
    if (req->budget.line_id && (rc = ledger_budget_current(lg, req->fiscal_year, line, &line)))
        return rc;
    budget_decision bd;
    if (!budget_decide_replacing(req->budget.line_id != NULL, line,
                                 res->fy_paid_yen, req->fy_additional_yen, replaced,
                                 req->over_budget_reason != NULL, &bd))
        return ledger_fail(lg, LEDGER_INVALID, "settle: fiscal-year total overflows");
    res->overrun_yen = bd.overrun;
    res->overridden = budget_overridden(bd.verdict);
    if (bd.verdict == BUDGET_NO_LINE_REFUSED)
        return ledger_fail(lg, LEDGER_NO_BUDGET_LINE,
                           "no budget line for FY%d: paying the 追加交付 of %lld yen needs an "
                           "over-budget reason (補正予算・流用)",
                           req->fiscal_year, (long long)req->fy_additional_yen);
    if (!budget_refused(bd.verdict))
        return LEDGER_OK;
    return ledger_fail(lg, LEDGER_OVER_BUDGET,
                       "FY%d paid %lld yen plus 追加交付 %lld yen would be over budget line %s "
                       "(%lld yen) by %lld yen; finalizing needs an over-budget reason",
                       req->fiscal_year, (long long)res->fy_paid_yen,
                       (long long)req->fy_additional_yen, req->budget.line_id,
                       (long long)line, (long long)res->overrun_yen);
}

static int read_settlement(ledger *lg, int64_t seq, arena *a, ledger_settlement *out);

/* A correction's rows must carry what the settlement it supersedes decided
 * (it may have changed since the caller read it). */
static int check_prior(ledger *lg, const ledger_settle_req *req, int64_t prior_seq)
{
    arena a = ARENA_INIT;
    ledger_settlement p;
    memset(&p, 0, sizeof p);
    int rc = read_settlement(lg, prior_seq, &a, &p);
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(req->rows, req->n_rows, ledger_settle_row, nursery_id, program),
                   ROWMERGE_LIST(p.rows, p.n_rows, ledger_settle_row, nursery_id, program));
    const void *x, *y;
    while (!rc && rowmerge_next(&m, &x, &y)) {
        const ledger_settle_row *r = x, *q = y;
        if (!r)
            continue; /* a row no longer settled */
        int64_t decided = 0;
        bool ok = q ? r->corrected && r->superseded_annual_yen == q->annual_yen &&
                          r->superseded_difference_yen == q->difference_yen &&
                          budget_settle_decided(q->settled_before_yen, q->difference_yen,
                                                &decided) &&
                          decided == r->settled_before_yen
                    : !r->corrected && r->settled_before_yen == 0;
        if (!ok)
            rc = ledger_fail(lg, LEDGER_INVALID, "settle: row %s %s does not match the "
                             "settlement it supersedes (event %lld); settle again",
                             r->nursery_id, r->program, (long long)prior_seq);
    }
    if (!rc && m.disorder)
        rc = ledger_fail(lg, LEDGER_INVALID, "settle: rows are not in nursery and program order, "
                         "or the settlement of event %lld's are not", (long long)prior_seq);
    arena_release(&a);
    return rc;
}

static int settle_tx(ledger *lg, const ledger_settle_req *req, ledger_settle_res *res)
{
    int rc = ledger_settle_current_seq(lg, req->fiscal_year, &res->superseded_seq);
    if (rc)
        return rc;
    if (res->superseded_seq && !req->supersede)
        return ledger_fail(lg, LEDGER_ALREADY_FINALIZED,
                           "the settlement of FY%d is already finalized (event %lld); a "
                           "correction needs --supersede --reason", req->fiscal_year,
                           (long long)res->superseded_seq);
    if (!res->superseded_seq && req->supersede)
        return ledger_fail(lg, LEDGER_NOTHING_TO_SUPERSEDE,
                           "FY%d has no finalized settlement to supersede", req->fiscal_year);
    if (req->supersede && (rc = check_prior(lg, req, res->superseded_seq)))
        return rc;
    if ((rc = ledger_settle_months_current(lg, req))) /* no month changed meanwhile */
        return rc;
    if ((rc = budget_check(lg, req, res)))
        return rc;
    for (size_t i = 0; i < req->n_files; i++)
        if ((rc = ledger_blob_put(lg, &req->files[i])))
            return rc;
    if ((rc = ledger_documents_insert(lg, req->fiscal_year, req->settle_id, req->documents,
                                      req->n_documents)))
        return rc;
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], now[32];
    if ((rc = ledger_chain_head(lg, &seq, prev)))
        return rc;
    strbuf sb;
    sb_init(&sb);
    payload(&sb, req, res, res->overridden);
    clock_now_iso(now);
    rc = ledger_chain_append(lg, seq + 1, prev, now, req->actor,
                             req->supersede ? "settle_supersede" : "settle", sb.buf,
                             res->event_hash);
    sb_release(&sb);
    if (!rc)
        res->event_seq = seq + 1;
    return rc;
}

int ledger_settle_finalize(ledger *lg, const ledger_settle_req *req, ledger_settle_res *res)
{
    memset(res, 0, sizeof *res);
    int rc = check_req(lg, req);
    if (rc)
        return rc;
    if ((rc = ledger_tx_begin(lg, true)))
        return rc;
    rc = ledger_tx_end(lg, settle_tx(lg, req, res));
    if (ledger_refusal_code(rc)) {
        /* SPEC 1.4: a refused finalization is itself an event of the trail */
        char fy[16];
        snprintf(fy, sizeof fy, "FY%d", req->fiscal_year);
        ledger_refusal r = {fy, req->settle_id, req->actor, ledger_refusal_code(rc), NULL,
                            req->supersede ? "settle_supersede" : "settle"};
        rc = ledger_record_refusal(lg, &r, rc, &res->event_seq, res->event_hash);
    }
    return rc;
}

/* ---- reading back ------------------------------------------------------ */

static int read_header(ledger *lg, int64_t seq, arena *a, ledger_settlement *out)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT time, actor, action, json_extract(payload, '$.settle_id'),"
                            " json_extract(payload, '$.created'),"
                            " json_extract(payload, '$.engine_version'),"
                            " json_extract(payload, '$.over_budget_reason'),"
                            " json_extract(payload, '$.supersede_reason'),"
                            " json_extract(payload, '$.fiscal_year'),"
                            " json_extract(payload, '$.additional_yen'),"
                            " json_extract(payload, '$.repayment_yen'),"
                            " coalesce(json_extract(payload, '$.fy_additional_yen'),"
                            " json_extract(payload, '$.additional_yen')),"
                            " json_extract(payload, '$.supersedes_seq'),"
                            " coalesce(json_extract(payload, '$.charged_fiscal_year'), 0)"
                            " FROM events WHERE seq = ?",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    if (sqlite3_step(st) == SQLITE_ROW) {
        out->event_seq = seq;
        out->time = ledger_col_dup(a, st, 0);
        out->actor = ledger_col_dup(a, st, 1);
        out->action = ledger_col_dup(a, st, 2);
        out->settle_id = ledger_col_dup(a, st, 3);
        out->created = ledger_col_dup(a, st, 4);
        out->engine_version = ledger_col_dup(a, st, 5);
        out->over_budget_reason = ledger_col_dup(a, st, 6);
        out->supersede_reason = ledger_col_dup(a, st, 7);
        out->fiscal_year = sqlite3_column_int(st, 8);
        out->additional_yen = sqlite3_column_int64(st, 9);
        out->repayment_yen = sqlite3_column_int64(st, 10);
        out->fy_additional_yen = sqlite3_column_int64(st, 11);
        out->supersedes_seq = sqlite3_column_int64(st, 12);
        out->charged_fiscal_year = sqlite3_column_int(st, 13);
    } else {
        rc = ledger_sqlite_fail(lg, "ledger: reading the settlement");
    }
    sqlite3_finalize(st);
    return rc;
}

/* One array of the payload, with these keys of each element, as text. */
static int read_array(ledger *lg, int64_t seq, const char *path, const char *const *keys,
                      int nkeys, arena *a, const char ***cells, size_t *n)
{
    char sql[512];
    int o = snprintf(sql, sizeof sql, "SELECT count(*) OVER ()");
    for (int k = 0; k < nkeys; k++)
        o += snprintf(sql + o, sizeof sql - (size_t)o, ", json_extract(j.value, '$.%s')", keys[k]);
    snprintf(sql + o, sizeof sql - (size_t)o,
             " FROM events e, json_each(e.payload, '%s') j WHERE e.seq = ? ORDER BY j.key", path);
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, sql, &st), step;
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    *cells = NULL;
    *n = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*cells)
            *cells = arena_calloc(a, (size_t)sqlite3_column_int64(st, 0) * (size_t)nkeys + 1,
                                  sizeof **cells);
        for (int k = 0; k < nkeys; k++)
            (*cells)[*n * (size_t)nkeys + (size_t)k] = arena_strdup(a, ledger_col_text(st, k + 1));
        ++*n;
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading the settlement");
    sqlite3_finalize(st);
    return rc;
}

static int read_body(ledger *lg, int64_t seq, arena *a, ledger_settlement *out)
{
    static const char *const row_keys[] = {"nursery_id", "program", "rule_version",
                                           "annual_yen", "paid_yen", "difference_yen",
                                           "settled_before_yen", "superseded_annual_yen",
                                           "superseded_difference_yen"};
    static const char *const month_keys[] = {"month", "run_id"};
    static const char *const file_keys[] = {"role", "name", "sha256"};
    const char **c;
    size_t n;
    int rc = read_array(lg, seq, "$.rows", row_keys, 9, a, &c, &n);
    if (rc)
        return rc;
    out->rows = arena_calloc(a, n + 1, sizeof *out->rows);
    for (size_t i = 0; i < n; i++, c += 9)
        out->rows[out->n_rows++] = (ledger_settle_row){
            c[0], c[1], c[2], strtoll(c[3], NULL, 10), strtoll(c[4], NULL, 10),
            strtoll(c[5], NULL, 10), *c[7] != '\0', strtoll(c[6], NULL, 10),
            strtoll(c[7], NULL, 10), strtoll(c[8], NULL, 10)};
    if ((rc = read_array(lg, seq, "$.months", month_keys, 2, a, &c, &n)))
        return rc;
    out->months = arena_calloc(a, n + 1, sizeof *out->months);
    for (size_t i = 0; i < n; i++, c += 2)
        out->months[out->n_months++] = (ledger_settle_month){c[0], c[1]};
    if ((rc = read_array(lg, seq, "$.files", file_keys, 3, a, &c, &n)))
        return rc;
    out->files = arena_calloc(a, n + 1, sizeof *out->files);
    for (size_t i = 0; i < n; i++, c += 3)
        out->files[out->n_files++] = (ledger_file){.role = c[0], .name = c[1], .sha256 = c[2]};
    return LEDGER_OK;
}

/* The settlement recorded by event seq: its header, then its rows. */
static int read_settlement(ledger *lg, int64_t seq, arena *a, ledger_settlement *out)
{
    int rc = read_header(lg, seq, a, out);
    return rc ? rc : read_body(lg, seq, a, out);
}

int ledger_settle_current(ledger *lg, int fy, arena *a, ledger_settlement *out)
{
    memset(out, 0, sizeof *out);
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    int64_t seq = 0;
    rc = ledger_settle_current_seq(lg, fy, &seq);
    if (!rc && !seq)
        rc = ledger_fail(lg, LEDGER_NOT_FOUND, "FY%d has no finalized settlement", fy);
    if (!rc)
        rc = read_settlement(lg, seq, a, out);
    return ledger_tx_end(lg, rc);
}

static int seq_of_id(ledger *lg, const char *settle_id, int64_t *seq)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT seq FROM events WHERE action IN ('settle', "
                                "'settle_supersede') AND json_valid(payload) AND "
                                "json_extract(payload, '$.settle_id') = ? ORDER BY seq DESC "
                                "LIMIT 1", &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, settle_id);
    int step = sqlite3_step(st);
    *seq = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading settlements");
    sqlite3_finalize(st);
    return rc;
}

int ledger_settle_get(ledger *lg, const char *settle_id, arena *a, ledger_settlement *out)
{
    memset(out, 0, sizeof *out);
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    int64_t seq = 0;
    rc = seq_of_id(lg, settle_id, &seq);
    if (!rc && !seq)
        rc = ledger_fail(lg, LEDGER_NOT_FOUND, "no settlement %s", settle_id);
    if (!rc)
        rc = read_settlement(lg, seq, a, out);
    return ledger_tx_end(lg, rc);
}

int ledger_settle_at(ledger *lg, int64_t seq, arena *a, ledger_settlement *out)
{
    memset(out, 0, sizeof *out);
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    rc = read_header(lg, seq, a, out);
    if (!rc && (!out->action || strncmp(out->action, "settle", 6)))
        rc = ledger_fail(lg, LEDGER_NOT_FOUND, "event %lld is not a settlement", (long long)seq);
    if (!rc)
        rc = read_body(lg, seq, a, out);
    return ledger_tx_end(lg, rc);
}
