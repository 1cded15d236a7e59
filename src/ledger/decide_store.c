/* decide_store: the grant decision (交付決定), its amendments (変更交付決定)
 * and the budget line's amendments (補正, 流用, 予備費充用) as events
 * (ledger_int.h 8.–10., kasan/ledger_decide.h), the decision in force read
 * back, and the check ledger_finalize makes of a month's payments against
 * it (store.c calls ledger_decision_check_run in its transaction, and
 * ledger_over_decision_event after the run's event).  The payloads' keys
 * are read here and nowhere else.  Not here: computing a decision
 * (src/engine/decide.c), the budget arithmetic (src/budget/ward.c, called
 * here for its verdicts), who may sign (src/flow/signer.c). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"
#include "kasan/budget_ward.h"
#include "kasan/clock.h"
#include "kasan/ledger_decide.h"
#include "kasan/ledger_docs.h"

/* ---- reading ----------------------------------------------------------- */

#define MONTH_COLS                                                                          \
    "json_extract(j.value, '$.months[0]'), json_extract(j.value, '$.months[1]'),"            \
    " json_extract(j.value, '$.months[2]'), json_extract(j.value, '$.months[3]'),"          \
    " json_extract(j.value, '$.months[4]'), json_extract(j.value, '$.months[5]'),"          \
    " json_extract(j.value, '$.months[6]'), json_extract(j.value, '$.months[7]'),"          \
    " json_extract(j.value, '$.months[8]'), json_extract(j.value, '$.months[9]'),"          \
    " json_extract(j.value, '$.months[10]'), json_extract(j.value, '$.months[11]')"

typedef struct rowvec {
    ledger_decide_row *v;
    size_t n, cap;
} rowvec;

static void rowvec_push(rowvec *rv, arena *a, const ledger_decide_row *r)
{
    if (rv->n == rv->cap) {
        size_t cap = rv->cap ? rv->cap * 2 : 64;
        ledger_decide_row *v = arena_calloc(a, cap, sizeof *v);
        if (rv->n)
            memcpy(v, rv->v, rv->n * sizeof *v);
        rv->v = v;
        rv->cap = cap;
    }
    rv->v[rv->n++] = *r;
}

/* The rows of event seq, appended to rv. */
static int event_rows(ledger *lg, int64_t seq, arena *a, rowvec *rv)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT json_extract(j.value, '$.nursery_id'),"
                            " json_extract(j.value, '$.program'),"
                            " json_extract(j.value, '$.annual_yen'), " MONTH_COLS
                            " FROM events e, json_each(e.payload, '$.rows') j WHERE e.seq = ?"
                            " ORDER BY j.key",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_decide_row r = {ledger_col_dup(a, st, 0), ledger_col_dup(a, st, 1), {0},
                               sqlite3_column_int64(st, 2)};
        for (int m = 0; m < LEDGER_DECIDE_MONTHS; m++)
            r.months[m] = sqlite3_column_int64(st, 3 + m);
        if (!r.nursery_id || !r.program)
            rc = ledger_fail(lg, LEDGER_CORRUPT, "ledger: event %lld has a decision row without "
                             "nursery or program", (long long)seq);
        else
            rowvec_push(rv, a, &r);
    }
    if (!rc && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading a grant decision");
    sqlite3_finalize(st);
    return rc;
}

static int cmp_row(const void *x, const void *y)
{
    const ledger_decide_row *a = x, *b = y;
    int c = strcmp(a->nursery_id, b->nursery_id);
    return c ? c : strcmp(a->program, b->program);
}

/* Whether the event of this row counts (SPEC 10.1, docs/spec/12 §12.10):
 * recorded unsigned (no operators file then), or approved (決裁) before
 * event ?2.  A signed decision, amendment or budget amendment awaiting its
 * approval commits nothing yet. */
#define COUNTED                                                                            \
    " (json_extract(e.payload, '$.signer') IS NULL OR EXISTS (SELECT 1 FROM events a"      \
    " WHERE a.action = 'approve' AND a.seq < ?2 AND json_valid(a.payload)"                 \
    " AND json_extract(a.payload, '$.approved_seq') = e.seq))"

/* The decision in force just before event before_seq (0: now), read in the
 * caller's transaction: what was approved (or unsigned), or (all) every
 * decision and amendment recorded. */
static int decision_at(ledger *lg, int fy, int64_t before_seq, bool all, arena *a,
                       ledger_decision *out)
{
    memset(out, 0, sizeof *out);
    out->fiscal_year = fy;
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT e.seq, e.action, json_extract(e.payload, '$.nursery_id'),"
                            " json_extract(e.payload, '$.decide_id'),"
                            " json_extract(e.payload, '$.created') FROM events e"
                            " WHERE e.action IN ('decide', 'decide_amend') AND json_valid(e.payload)"
                            " AND json_extract(e.payload, '$.fiscal_year') = ?1 AND e.seq < ?2"
                            " AND (?3 OR" COUNTED ") ORDER BY e.seq",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    sqlite3_bind_int64(st, 2, before_seq > 0 ? before_seq : INT64_MAX);
    sqlite3_bind_int(st, 3, all);
    rowvec rv = {0};
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        bool amend = !strcmp(ledger_col_text(st, 1), "decide_amend");
        if (!amend) {
            if (out->decide_seq) /* refused by ledger_decide: never two */
                rc = ledger_fail(lg, LEDGER_CORRUPT, "ledger: FY%d decided twice (events %lld "
                                 "and %lld)", fy, (long long)out->decide_seq, (long long)seq);
            out->decide_seq = seq;
            out->decide_id = ledger_col_dup(a, st, 3);
            out->created = ledger_col_dup(a, st, 4);
        } else {
            if (!out->decide_seq) {
                rc = ledger_fail(lg, LEDGER_CORRUPT, "ledger: event %lld amends FY%d's decision "
                                 "before it was made", (long long)seq, fy);
                break;
            }
            const char *id = ledger_col_text(st, 2);
            size_t k = 0; /* the nursery's rows replaced */
            for (size_t i = 0; i < rv.n; i++)
                if (strcmp(rv.v[i].nursery_id, id))
                    rv.v[k++] = rv.v[i];
            rv.n = k;
            out->n_amendments++;
        }
        out->last_seq = seq;
        if (!rc)
            rc = event_rows(lg, seq, a, &rv);
    }
    if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading grant decisions");
    sqlite3_finalize(st);
    if (rc)
        return rc;
    if (!out->decide_seq)
        return LEDGER_NOT_FOUND;
    if (rv.n)
        qsort(rv.v, rv.n, sizeof *rv.v, cmp_row);
    out->rows = rv.v;
    out->n_rows = rv.n;
    for (size_t i = 0; i < rv.n; i++)
        if (__builtin_add_overflow(out->total_yen, rv.v[i].annual_yen, &out->total_yen))
            return ledger_fail(lg, LEDGER_CORRUPT, "ledger: FY%d's decision overflows", fy);
    return LEDGER_OK;
}

static int decision_in(ledger *lg, int fy, arena *a, ledger_decision *out)
{
    return decision_at(lg, fy, 0, false, a, out);
}

int ledger_decision_current(ledger *lg, int fy, arena *a, ledger_decision *out)
{
    return ledger_decision_before(lg, fy, 0, a, out);
}

int ledger_decision_before(ledger *lg, int fy, int64_t before_seq, arena *a,
                           ledger_decision *out)
{
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, decision_at(lg, fy, before_seq, false, a, out));
}

int64_t ledger_decision_nursery(const ledger_decision *d, const char *nursery_id)
{
    int64_t t = 0;
    for (size_t i = 0; i < d->n_rows; i++)
        if (!strcmp(d->rows[i].nursery_id, nursery_id))
            t += d->rows[i].annual_yen; /* the total fits (decision_in), so each part does */
    return t;
}

int ledger_nursery_paid(ledger *lg, int fy, const char *nursery_id, const char *except_month,
                        int64_t *paid)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT COALESCE(SUM(p.amount_yen), 0) FROM payments p"
                            " JOIN runs r ON r.run_id = p.run_id WHERE r.fiscal_year = ?1"
                            " AND r.superseded_by IS NULL AND p.nursery_id = ?2"
                            " AND (?3 IS NULL OR r.month <> ?3)",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    ledger_bind_text(st, 2, nursery_id);
    ledger_bind_text(st, 3, except_month);
    if (sqlite3_step(st) == SQLITE_ROW)
        *paid = sqlite3_column_int64(st, 0);
    else
        rc = ledger_sqlite_fail(lg, "ledger: a nursery's payments");
    sqlite3_finalize(st);
    return rc;
}

/* ---- the budget line's amendments ---------------------------------------- */

static int amendments_in(ledger *lg, int fy, arena *a, ledger_budget_amendment **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT seq, json_extract(payload, '$.kind'),"
                            " json_extract(payload, '$.date'), json_extract(payload, '$.reason'),"
                            " actor, json_extract(payload, '$.amount_yen'), count(*) OVER ()"
                            " FROM events e WHERE action = 'budget_amend' AND json_valid(payload)"
                            " AND json_extract(payload, '$.fiscal_year') = ?1 AND" COUNTED
                            " ORDER BY seq",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    sqlite3_bind_int64(st, 2, INT64_MAX);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 6), sizeof **out);
        ledger_budget_amendment *m = &(*out)[(*n)++];
        m->seq = sqlite3_column_int64(st, 0);
        m->kind = ledger_col_dup(a, st, 1);
        m->date = ledger_col_dup(a, st, 2);
        m->reason = ledger_col_dup(a, st, 3);
        m->actor = ledger_col_dup(a, st, 4);
        m->amount_yen = sqlite3_column_int64(st, 5);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading budget amendments");
    sqlite3_finalize(st);
    return rc;
}

int ledger_budget_amendments(ledger *lg, int fy, arena *a, ledger_budget_amendment **out,
                             size_t *n)
{
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, amendments_in(lg, fy, a, out, n));
}

/* The line as it stands in the transaction: 当初予算 + amendments, and the
 * decision in force as 負担行為 (committed 0 when none). */
static int ward_in(ledger *lg, int fy, int64_t initial, budget_ward *w)
{
    arena a = ARENA_INIT;
    ledger_budget_amendment *am;
    size_t n;
    int rc = amendments_in(lg, fy, &a, &am, &n);
    budget_amendment *v = arena_calloc(&a, n + 1, sizeof *v);
    for (size_t i = 0; !rc && i < n; i++) {
        budget_amend_kind k;
        if (!am[i].kind || !budget_amend_kind_parse(am[i].kind, &k))
            rc = ledger_fail(lg, LEDGER_CORRUPT, "ledger: event %lld: unknown budget amendment",
                             (long long)am[i].seq);
        else
            v[i] = (budget_amendment){k, am[i].amount_yen, 0};
    }
    ledger_decision d;
    int64_t committed = 0;
    if (!rc) {
        int st = decision_in(lg, fy, &a, &d);
        if (st == LEDGER_OK)
            committed = d.total_yen;
        else if (st != LEDGER_NOT_FOUND)
            rc = st;
    }
    budget_ward_in in = {initial, v, n, committed, 0, 0};
    if (!rc && !budget_ward_compute(&in, w))
        rc = ledger_fail(lg, LEDGER_INVALID, "ledger: FY%d's budget figures overflow", fy);
    arena_release(&a);
    return rc;
}

int ledger_budget_current(ledger *lg, int fy, int64_t initial, int64_t *current)
{
    arena a = ARENA_INIT;
    ledger_budget_amendment *am;
    size_t n;
    int rc = amendments_in(lg, fy, &a, &am, &n);
    *current = initial;
    for (size_t i = 0; !rc && i < n; i++)
        if (__builtin_add_overflow(*current, am[i].amount_yen, current))
            rc = ledger_fail(lg, LEDGER_INVALID, "ledger: FY%d's 予算現額 overflows", fy);
    arena_release(&a);
    return rc;
}

/* ---- recording ------------------------------------------------------------ */

static void json_budget(ledger_json *j, const ledger_budget *b)
{
    ledger_json_key(j, "budget");
    if (!b->line_id) {
        ledger_json_text(j, NULL);
        return;
    }
    ledger_json_open(j, '{');
    ledger_json_kv_number(j, "fiscal_year", b->fiscal_year);
    ledger_json_kv_number(j, "line_amount_yen", b->line_amount_yen);
    ledger_json_kv_text(j, "line_id", b->line_id);
    ledger_json_close(j);
}

static void json_rows(ledger_json *j, const ledger_decide_row *rows, size_t n)
{
    ledger_json_key(j, "rows");
    ledger_json_open(j, '[');
    for (size_t i = 0; i < n; i++) {
        ledger_json_open(j, '{');
        ledger_json_kv_number(j, "annual_yen", rows[i].annual_yen);
        ledger_json_key(j, "months");
        ledger_json_open(j, '[');
        for (int m = 0; m < LEDGER_DECIDE_MONTHS; m++)
            ledger_json_number(j, rows[i].months[m]);
        ledger_json_close(j);
        ledger_json_kv_text(j, "nursery_id", rows[i].nursery_id);
        ledger_json_kv_text(j, "program", rows[i].program);
        ledger_json_close(j);
    }
    ledger_json_close(j);
}

/* 8. and 9. of ledger_int.h */
static void decide_payload(strbuf *sb, const ledger_decide_req *req, const ledger_decide_res *res)
{
    bool amend = req->amend_nursery != NULL;
    ledger_json j;
    ledger_json_start(&j, sb);
    ledger_json_open(&j, '{');
    if (amend)
        ledger_json_kv_number(&j, "amended_yen", res->amended_yen);
    json_budget(&j, &req->budget);
    ledger_json_kv_number(&j, "committed_yen", res->committed_after_yen);
    ledger_json_kv_text(&j, "created", req->created);
    ledger_json_kv_number(&j, "current_budget_yen", res->current_budget_yen);
    ledger_json_kv_text(&j, "decide_id", req->decide_id);
    if (amend)
        ledger_json_kv_number(&j, "difference_yen", res->amended_yen - res->previous_yen);
    ledger_documents_put_json(&j, req->documents, req->n_documents);
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
    if (amend) {
        ledger_json_kv_text(&j, "nursery_id", req->amend_nursery);
        ledger_json_kv_number(&j, "paid_yen", res->paid_yen);
        ledger_json_kv_number(&j, "previous_yen", res->previous_yen);
        ledger_json_kv_text(&j, "reason", req->reason);
    }
    json_rows(&j, req->rows, req->n_rows);
    if (!amend)
        ledger_json_kv_number(&j, "total_yen", res->committed_after_yen);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
}

static int check_decide_req(ledger *lg, const ledger_decide_req *req)
{
    int rc = ledger_check_text(lg, "decide_id", req->decide_id);
    if (!rc) rc = ledger_check_text(lg, "actor", req->actor);
    if (!rc) rc = ledger_check_text(lg, "created", req->created);
    if (!rc) rc = ledger_check_text(lg, "engine_version", req->engine_version);
    if (!rc && req->amend_nursery) rc = ledger_check_text(lg, "nursery", req->amend_nursery);
    if (!rc && req->amend_nursery) rc = ledger_check_text(lg, "amendment reason", req->reason);
    if (rc)
        return rc;
    if (req->fiscal_year < 2000 || req->fiscal_year > 9998)
        return ledger_fail(lg, LEDGER_INVALID, "decide: fiscal year %d", req->fiscal_year);
    for (size_t i = 0; i < req->n_rows; i++) {
        const ledger_decide_row *r = &req->rows[i];
        int64_t sum = 0;
        bool over = false;
        for (int m = 0; m < LEDGER_DECIDE_MONTHS; m++)
            over |= r->months[m] < 0 || __builtin_add_overflow(sum, r->months[m], &sum);
        if (!ledger_text_ok(r->nursery_id) || !ledger_text_ok(r->program) || over ||
            sum != r->annual_yen || r->annual_yen <= 0)
            return ledger_fail(lg, LEDGER_INVALID, "decide: row %zu is malformed (its months "
                               "must add up to its annual amount, above 0)", i + 1);
        if (i && cmp_row(&req->rows[i - 1], r) >= 0)
            return ledger_fail(lg, LEDGER_INVALID, "decide: rows out of nursery and program "
                               "order at row %zu", i + 1);
        if (req->amend_nursery && strcmp(r->nursery_id, req->amend_nursery))
            return ledger_fail(lg, LEDGER_INVALID, "decide: an amendment of %s has a row of %s",
                               req->amend_nursery, r->nursery_id);
    }
    for (size_t i = 0; i < req->n_files; i++)
        if (!ledger_text_ok(req->files[i].role) || !ledger_text_ok(req->files[i].name))
            return ledger_fail(lg, LEDGER_INVALID, "decide: file %zu is unnamed", i + 1);
    return LEDGER_OK;
}

static int decide_tx(ledger *lg, const ledger_decide_req *req, ledger_decide_res *res)
{
    arena a = ARENA_INIT;
    ledger_decision cur, every;
    int st = decision_at(lg, req->fiscal_year, 0, true, &a, &every); /* recorded at all */
    int rc = st == LEDGER_NOT_FOUND ? LEDGER_OK : st;
    int cs = rc ? rc : decision_in(lg, req->fiscal_year, &a, &cur); /* in force */
    if (!rc && st == LEDGER_OK && (cs != LEDGER_OK || cur.last_seq != every.last_seq))
        rc = cs != LEDGER_OK && cs != LEDGER_NOT_FOUND
                 ? cs
                 : ledger_fail(lg, LEDGER_AWAITING_APPROVAL, "FY%d's grant decision (event %lld) "
                               "awaits its approval (決裁): kasan approve --decision %d first",
                               req->fiscal_year, (long long)every.last_seq, req->fiscal_year);
    if (st == LEDGER_OK && !rc)
        cur.decide_seq = every.decide_seq;
    bool amend = req->amend_nursery != NULL;
    if (!rc && st == LEDGER_OK && !amend)
        rc = ledger_fail(lg, LEDGER_ALREADY_FINALIZED, "FY%d's grant decision is already "
                         "recorded (event %lld, %s); a 変更交付決定 is --amend --nursery ID "
                         "--reason TEXT", req->fiscal_year, (long long)cur.decide_seq,
                         cur.decide_id);
    if (!rc && st == LEDGER_NOT_FOUND && amend)
        rc = ledger_fail(lg, LEDGER_NOTHING_TO_SUPERSEDE, "FY%d has no grant decision recorded "
                         "to amend: `kasan decide --fy %d --finalize` first", req->fiscal_year,
                         req->fiscal_year);
    budget_ward w;
    if (!rc && !req->budget.line_id)
        rc = ledger_fail(lg, LEDGER_NO_BUDGET_LINE, "no budget line for FY%d: a grant decision "
                         "commits the budget and needs one", req->fiscal_year);
    if (!rc)
        rc = ward_in(lg, req->fiscal_year, req->budget.line_amount_yen, &w);
    int64_t amount = 0;
    for (size_t i = 0; !rc && i < req->n_rows; i++)
        if (__builtin_add_overflow(amount, req->rows[i].annual_yen, &amount))
            rc = ledger_fail(lg, LEDGER_INVALID, "decide: the total overflows");
    if (!rc) {
        res->current_budget_yen = w.current;
        res->committed_before_yen = w.committed;
        res->previous_yen = amend ? ledger_decision_nursery(&cur, req->amend_nursery) : 0;
        res->amended_yen = amount;
    }
    if (!rc && amend)
        rc = ledger_nursery_paid(lg, req->fiscal_year, req->amend_nursery, NULL, &res->paid_yen);
    int64_t short_by;
    if (!rc && amend &&
        budget_check_decision_floor(res->paid_yen, amount, &short_by) != BUDGET_OK)
        rc = ledger_fail(lg, LEDGER_OVER_DECISION, "the 変更交付決定 of %s to %lld yen is below "
                         "the %lld yen it has already been paid in FY%d, by %lld yen (what would "
                         "have to be paid back: a correction of the months comes first)",
                         req->amend_nursery, (long long)amount, (long long)res->paid_yen,
                         req->fiscal_year, (long long)short_by);
    if (!rc) {
        budget_check bc = budget_check_commitment(&w, res->previous_yen, amount,
                                                  &res->shortfall_yen);
        res->committed_after_yen = w.committed - res->previous_yen + amount; /* checked there */
        if (bc == BUDGET_OVERFLOW)
            rc = ledger_fail(lg, LEDGER_INVALID, "decide: the committed total overflows");
        else if (bc != BUDGET_OK)
            rc = ledger_fail(lg, LEDGER_OVER_BUDGET, "the grant decision would commit %lld yen "
                             "of FY%d's line %s, over its 予算現額 of %lld yen by %lld yen: "
                             "raise the line first (kasan budget amend: 補正, 流用 or 充用)",
                             (long long)res->committed_after_yen, req->fiscal_year,
                             req->budget.line_id, (long long)w.current,
                             (long long)res->shortfall_yen);
    }
    for (size_t i = 0; !rc && i < req->n_files; i++)
        rc = ledger_blob_put(lg, &req->files[i]);
    if (!rc)
        rc = ledger_documents_insert(lg, req->fiscal_year, req->decide_id, req->documents,
                                     req->n_documents);
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], now[32];
    if (!rc)
        rc = ledger_chain_head(lg, &seq, prev);
    if (!rc && req->expect_seq > 0 && seq + 1 != req->expect_seq)
        rc = ledger_fail(lg, LEDGER_BUSY, "another event was recorded meanwhile (the notice "
                         "was named for event %lld, the next is %lld); nothing was recorded: "
                         "run again", (long long)req->expect_seq, (long long)(seq + 1));
    if (!rc) {
        strbuf sb;
        sb_init(&sb);
        decide_payload(&sb, req, res);
        clock_now_iso(now);
        rc = ledger_chain_append(lg, seq + 1, prev, now, req->actor,
                                 amend ? "decide_amend" : "decide", sb.buf, res->event_hash);
        sb_release(&sb);
        if (!rc)
            res->event_seq = seq + 1;
    }
    arena_release(&a);
    return rc;
}

int ledger_decide(ledger *lg, const ledger_decide_req *req, ledger_decide_res *res)
{
    memset(res, 0, sizeof *res);
    int rc = check_decide_req(lg, req);
    if (rc)
        return rc;
    if ((rc = ledger_tx_begin(lg, true)))
        return rc;
    rc = ledger_tx_end(lg, decide_tx(lg, req, res));
    if (ledger_refusal_code(rc)) {
        char fy[16];
        snprintf(fy, sizeof fy, "FY%d", req->fiscal_year);
        ledger_refusal r = {fy, req->decide_id, req->actor, ledger_refusal_code(rc), NULL,
                            req->amend_nursery ? "decide_amend" : "decide"};
        rc = ledger_record_refusal(lg, &r, rc, &res->event_seq, res->event_hash);
    }
    return rc;
}

/* 10. of ledger_int.h */
static int budget_amend_tx(ledger *lg, const ledger_budget_amend_req *req,
                           ledger_budget_amend_res *res)
{
    budget_amend_kind kind;
    if (!budget_amend_kind_parse(req->kind, &kind))
        return ledger_fail(lg, LEDGER_INVALID, "budget amend: unknown kind '%s'", req->kind);
    if (!req->budget.line_id)
        return ledger_fail(lg, LEDGER_NO_BUDGET_LINE, "no budget line for FY%d to amend",
                           req->fiscal_year);
    budget_ward w;
    int rc = ward_in(lg, req->fiscal_year, req->budget.line_amount_yen, &w);
    if (rc)
        return rc;
    res->current_before_yen = w.current;
    res->committed_yen = w.committed;
    budget_check bc = budget_check_amendment(&w, kind, req->amount_yen, &res->current_after_yen);
    if (bc == BUDGET_OVERFLOW || bc == BUDGET_ZERO_AMOUNT || bc == BUDGET_JUTO_NEGATIVE)
        return ledger_fail(lg, LEDGER_INVALID, "budget amend: %s", budget_check_text(bc));
    if (bc != BUDGET_OK)
        return ledger_fail(lg, LEDGER_OVER_BUDGET, "the %s of %lld yen would take FY%d's "
                           "予算現額 from %lld to %lld yen: %s (%lld yen)",
                           budget_amend_kind_name(kind), (long long)req->amount_yen,
                           req->fiscal_year, (long long)w.current,
                           (long long)res->current_after_yen, budget_check_text(bc),
                           (long long)w.committed);
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], now[32];
    if ((rc = ledger_chain_head(lg, &seq, prev)))
        return rc;
    strbuf sb;
    sb_init(&sb);
    ledger_json j;
    ledger_json_start(&j, &sb);
    ledger_json_open(&j, '{');
    ledger_json_kv_number(&j, "amount_yen", req->amount_yen);
    json_budget(&j, &req->budget);
    ledger_json_kv_number(&j, "committed_yen", res->committed_yen);
    ledger_json_kv_text(&j, "created", req->created);
    ledger_json_kv_number(&j, "current_after_yen", res->current_after_yen);
    ledger_json_kv_number(&j, "current_before_yen", res->current_before_yen);
    ledger_json_kv_text(&j, "date", req->date);
    ledger_json_kv_number(&j, "fiscal_year", req->fiscal_year);
    ledger_json_kv_text(&j, "kind", budget_amend_kind_name(kind));
    ledger_json_kv_text(&j, "reason", req->reason);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
    clock_now_iso(now);
    rc = ledger_chain_append(lg, seq + 1, prev, now, req->actor, "budget_amend", sb.buf,
                             res->event_hash);
    sb_release(&sb);
    if (!rc)
        res->event_seq = seq + 1;
    return rc;
}

int ledger_budget_amend(ledger *lg, const ledger_budget_amend_req *req,
                        ledger_budget_amend_res *res)
{
    memset(res, 0, sizeof *res);
    int rc = ledger_check_text(lg, "actor", req->actor);
    if (!rc) rc = ledger_check_text(lg, "kind", req->kind);
    if (!rc) rc = ledger_check_text(lg, "reason", req->reason);
    if (!rc) rc = ledger_check_text(lg, "date", req->date);
    if (!rc) rc = ledger_check_text(lg, "created", req->created);
    if (rc)
        return rc;
    if ((rc = ledger_tx_begin(lg, true)))
        return rc;
    rc = ledger_tx_end(lg, budget_amend_tx(lg, req, res));
    if (ledger_refusal_code(rc)) {
        char fy[16];
        snprintf(fy, sizeof fy, "FY%d", req->fiscal_year);
        ledger_refusal r = {fy, NULL, req->actor, ledger_refusal_code(rc), NULL, "budget_amend"};
        rc = ledger_record_refusal(lg, &r, rc, &res->event_seq, res->event_hash);
    }
    return rc;
}

/* ---- a month's payments within the decision ------------------------------ */

int ledger_decision_check_run(ledger *lg, const ledger_finalize_req *req, int fy,
                              ledger_finalize_res *res)
{
    arena a = ARENA_INIT;
    ledger_decision d;
    int st = decision_in(lg, fy, &a, &d);
    int rc = LEDGER_OK;
    if (st == LEDGER_NOT_FOUND) {
        if (req->decision_required && req->total_yen > 0)
            rc = ledger_fail(lg, LEDGER_NO_DECISION,
                             "FY%d has no grant decision (交付決定) recorded, and its budget file "
                             "does not say grant_decision: none: `kasan decide --fy %d "
                             "--finalize` before %s is paid", fy, fy, req->month);
        arena_release(&a);
        return rc;
    }
    if (st != LEDGER_OK) {
        arena_release(&a);
        return st;
    }
    /* the run's payments are in the table already (this transaction): per
     * nursery it pays, this month and the year's other current months, in
     * one pass over the year, by nursery_id as the decision's rows are */
    sqlite3_stmt *q;
    rc = ledger_prepare(lg,
                        "SELECT p.nursery_id,"
                        " SUM(CASE WHEN r.month = ?2 THEN p.amount_yen ELSE 0 END),"
                        " SUM(CASE WHEN r.month <> ?2 THEN p.amount_yen ELSE 0 END)"
                        " FROM payments p JOIN runs r ON r.run_id = p.run_id"
                        " WHERE r.fiscal_year = ?1 AND r.superseded_by IS NULL"
                        " GROUP BY p.nursery_id HAVING SUM(r.month = ?2) > 0"
                        " ORDER BY p.nursery_id",
                        &q);
    if (rc) {
        arena_release(&a);
        return rc;
    }
    sqlite3_bind_int(q, 1, fy);
    ledger_bind_text(q, 2, req->month);
    size_t k = 0; /* the decision's rows, merged by nursery_id */
    int step;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        const char *id = ledger_col_text(q, 0);
        int64_t this_month = sqlite3_column_int64(q, 1), before = sqlite3_column_int64(q, 2);
        while (k < d.n_rows && strcmp(d.rows[k].nursery_id, id) < 0)
            k++;
        int64_t decided = 0, sum;
        for (size_t i = k; i < d.n_rows && !strcmp(d.rows[i].nursery_id, id); i++)
            decided += d.rows[i].annual_yen; /* the total fits (decision_in) */
        if (__builtin_add_overflow(before, this_month, &sum)) {
            rc = ledger_fail(lg, LEDGER_INVALID, "finalize: %s's payments overflow", id);
            break;
        }
        if (sum <= decided)
            continue;
        if (res->n_over_decision < LEDGER_OVER_DECISION_MAX) {
            ledger_over_decision *o = &res->over_decision[res->n_over_decision];
            *o = (ledger_over_decision){.decided_yen = decided, .paid_before_yen = before,
                                        .this_month_yen = this_month,
                                        .shortfall_yen = sum - decided};
            snprintf(o->nursery_id, sizeof o->nursery_id, "%s", id);
        }
        res->n_over_decision++;
    }
    if (!rc && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: payments against the decision");
    sqlite3_finalize(q);
    if (!rc && res->n_over_decision && !req->over_decision_reason) {
        const ledger_over_decision *o = &res->over_decision[0];
        rc = ledger_fail(lg, LEDGER_OVER_DECISION,
                         "%s would pay %s beyond its grant decision (交付決定): decided %lld yen, "
                         "paid so far %lld yen, this month %lld yen: %lld yen beyond it%s",
                         req->month, o->nursery_id, (long long)o->decided_yen,
                         (long long)o->paid_before_yen, (long long)o->this_month_yen,
                         (long long)o->shortfall_yen,
                         res->n_over_decision > 1 ? " (and other nurseries)" : "");
    }
    arena_release(&a);
    return rc;
}

/* 11. of ledger_int.h: the override, after the run's event seq. */
int ledger_over_decision_event(ledger *lg, const ledger_finalize_req *req,
                               ledger_finalize_res *res)
{
    if (!res->n_over_decision)
        return LEDGER_OK;
    if (res->n_over_decision > LEDGER_OVER_DECISION_MAX)
        return ledger_fail(lg, LEDGER_INVALID, "finalize: %zu nurseries beyond their decision "
                           "in one month: more than %d cannot be overridden at once",
                           res->n_over_decision, LEDGER_OVER_DECISION_MAX);
    int rc = ledger_check_text(lg, "over-decision reason", req->over_decision_reason);
    if (rc)
        return rc;
    strbuf sb;
    sb_init(&sb);
    ledger_json j;
    ledger_json_start(&j, &sb);
    ledger_json_open(&j, '{');
    ledger_json_kv_text(&j, "month", req->month);
    ledger_json_key(&j, "nurseries");
    ledger_json_open(&j, '[');
    for (size_t i = 0; i < res->n_over_decision; i++) {
        const ledger_over_decision *o = &res->over_decision[i];
        ledger_json_open(&j, '{');
        ledger_json_kv_number(&j, "decided_yen", o->decided_yen);
        ledger_json_kv_text(&j, "nursery_id", o->nursery_id);
        ledger_json_kv_number(&j, "paid_before_yen", o->paid_before_yen);
        ledger_json_kv_number(&j, "shortfall_yen", o->shortfall_yen);
        ledger_json_kv_number(&j, "this_month_yen", o->this_month_yen);
        ledger_json_close(&j);
    }
    ledger_json_close(&j);
    ledger_json_kv_text(&j, "reason", req->over_decision_reason);
    ledger_json_kv_text(&j, "run_id", req->run_id);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], now[32], hash[SHA256_HEX_LEN + 1];
    rc = ledger_chain_head(lg, &seq, prev);
    clock_now_iso(now);
    if (!rc)
        rc = ledger_chain_append(lg, seq + 1, prev, now, req->actor, "over_decision", sb.buf,
                                 hash);
    sb_release(&sb);
    if (!rc)
        res->over_decision_seq = seq + 1;
    return rc;
}
