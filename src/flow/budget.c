/* budget: the budget year (予算執行, SPEC 1.4) read from the ledger — the
 * one view of a fiscal year that the run's summary and 予算 sheet, a
 * restored month's 予算 sheet (as the ledger stood when it was finalized)
 * and `kasan budget` are built on.  Not here: the arithmetic on the view
 * (src/budget/budget.c), what the ledger records (src/ledger), laying it
 * out (report, cli). */
#include "flow_int.h"

#include <string.h>

#include "kasan/budget_ward.h"
#include "kasan/clock.h"
#include "kasan/ledger_decide.h"
#include "kasan/ledger_settle.h"

/* The programs of the ledger's months, in order of first appearance. */
static size_t ledger_programs(const ledger_month_sum *ms, size_t n, const char **ids, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < ms[i].n_programs; j++) {
            bool seen = false;
            for (size_t x = 0; x < k; x++)
                seen |= !strcmp(ids[x], ms[i].programs[j].program);
            if (!seen && k < max)
                ids[k++] = ms[i].programs[j].program;
        }
    return k;
}

int flow_budget_year_read(const flow_budget_year_req *rq, flow_budget_year *out)
{
    memset(out, 0, sizeof *out);
    budget_view *bv = &out->view;
    budget_view_init(bv, rq->fiscal_year, rq->line_id, rq->line_amount);
    ledger_month_sum *ms = NULL;
    size_t n = 0;
    int st = ledger_fy_months_before(rq->lg, rq->fiscal_year, rq->before_seq, rq->a, &ms, &n);
    if (st != LEDGER_OK)
        n = 0;
    if (rq->programs) {
        out->n_programs = rq->n_programs < BUDGET_MAX_PROGRAMS ? rq->n_programs
                                                              : BUDGET_MAX_PROGRAMS;
        memcpy(out->programs, rq->programs, out->n_programs * sizeof *out->programs);
    } else {
        out->n_programs = ledger_programs(ms, n, out->programs, BUDGET_MAX_PROGRAMS);
    }
    for (size_t k = 0; k < n; k++) {
        claim_month cm;
        if (!month_parse(ms[k].month, &cm) || month_fiscal_year(cm) != bv->fiscal_year)
            continue;
        int64_t amount[BUDGET_MAX_PROGRAMS] = {0};
        for (size_t p = 0; p < out->n_programs; p++)
            for (size_t j = 0; j < ms[k].n_programs; j++)
                if (!strcmp(ms[k].programs[j].program, out->programs[p]))
                    amount[p] = ms[k].programs[j].amount_yen;
        budget_view_place(bv, cm, false, ms[k].total_yen, amount, out->n_programs);
        bv->months[month_fiscal_index(cm)].override_reason = ms[k].over_budget_reason;
    }
    int64_t prior = 0;
    int sst = ledger_fy_settled_additional(rq->lg, rq->fiscal_year, rq->before_seq,
                                           &bv->settled_additional);
    if (sst == LEDGER_OK)
        sst = ledger_fy_prior_year_charged(rq->lg, rq->fiscal_year, rq->before_seq, &prior);
    if (sst != LEDGER_OK || __builtin_add_overflow(bv->settled_additional, prior,
                                                   &bv->settled_additional))
        bv->settled_additional = 0;
    return st != LEDGER_OK ? st : sst;
}

/* 戻入 of the year as of event before_seq (0: now): its settlement's 返還
 * decided by the closing, when that settlement was recorded before it. */
static int64_t returned_before(ledger *lg, const rule_set *rs, int fy, int64_t before_seq,
                               arena *a)
{
    ledger_settlement st;
    flow_budget_closing c;
    if (ledger_settle_current(lg, fy, a, &st) != LEDGER_OK ||
        (before_seq > 0 && st.event_seq >= before_seq) ||
        flow_budget_closing_read(lg, rs, fy, &c) != EXIT_OK)
        return 0;
    return c.returned_yen;
}

/* The line as the ward keeps it at the run (its 予算 sheet): the
 * amendments and the decision recorded before event before_seq (0: now);
 * the view's line becomes the 予算現額. */
static void ward_of_run(const month_run *run, ledger *lg, int64_t before_seq, arena *a,
                        budget_view *bv)
{
    ledger_budget_amendment *am;
    size_t n;
    int fy = bv->fiscal_year;
    if (!run->budget || ledger_budget_amendments(lg, fy, a, &am, &n) != LEDGER_OK)
        return;
    budget_ward_sheet *ws = arena_calloc(a, 1, sizeof *ws);
    budget_amendment *v = arena_calloc(a, n + 1, sizeof *v);
    size_t k = 0;
    int64_t current = run->budget->amount;
    for (size_t i = 0; i < n; i++) {
        if (before_seq > 0 && am[i].seq >= before_seq)
            continue;
        budget_amend_kind kind = BUDGET_HOSEI;
        budget_amend_kind_parse(am[i].kind, &kind); /* the ledger wrote it */
        date_t d = 0;
        date_parse_iso(am[i].date, strlen(am[i].date), &d);
        v[k++] = (budget_amendment){kind, am[i].amount_yen, d};
        if (__builtin_add_overflow(current, am[i].amount_yen, &current))
            return;
    }
    ledger_decision dec = {0};
    int ds = ledger_decision_before(lg, fy, before_seq, a, &dec);
    if (ds != LEDGER_OK && ds != LEDGER_NOT_FOUND)
        return;
    int64_t prior = 0, committed = ds == LEDGER_OK ? dec.total_yen : 0;
    if (ledger_fy_prior_year_charged(lg, fy, before_seq, &prior) != LEDGER_OK ||
        __builtin_add_overflow(committed, prior, &committed))
        return;
    ws->in = (budget_ward_in){run->budget->amount, v, k, committed, 0,
                              returned_before(lg, run->rules, fy, before_seq, a)};
    ws->decided = ds == LEDGER_OK;
    bv->ward = ws;
    bv->line_amount = current; /* the months are judged against the line as amended */
}

int flow_budget_of_run(const month_run *run, ledger *lg, int64_t before_seq, arena *a,
                       budget_view *bv)
{
    const char *ids[ENGINE_MAX_PROGRAMS];
    for (size_t p = 0; p < run->n_programs; p++)
        ids[p] = run->programs[p]->id;
    flow_budget_year y;
    flow_budget_year_req rq = {lg, month_fiscal_year(run->month),
                               run->budget ? run->budget->line_id : NULL,
                               run->budget ? run->budget->amount : 0, ids, run->n_programs,
                               before_seq, a};
    int st = LEDGER_OK;
    if (lg)
        st = flow_budget_year_read(&rq, &y);
    else
        budget_view_init(&y.view, rq.fiscal_year, rq.line_id, rq.line_amount);
    *bv = y.view;
    if (lg && st == LEDGER_OK)
        ward_of_run(run, lg, before_seq, a, bv);
    return st;
}

/* ---- kasan budget ---------------------------------------------------------- */

/* 返還 as decided now, summed over the settlement's rows (a correction's
 * rows count what the settlements before them decided); INT64_MAX if it
 * does not fit. */
static int64_t repayment(const ledger_settlement *st)
{
    int64_t repay = 0;
    for (size_t i = 0; i < st->n_rows; i++) {
        int64_t d;
        if (budget_settle_decided(st->rows[i].settled_before_yen, st->rows[i].difference_yen,
                                  &d) &&
            d < 0 && __builtin_sub_overflow(repay, d, &repay))
            repay = INT64_MAX;
    }
    return repay;
}

int flow_fy_default(ledger *lg)
{
    int fy = 0;
    date_t today;
    int y, m, d;
    if (lg && ledger_fy_latest(lg, &fy) == LEDGER_OK && fy)
        return fy;
    if (!clock_today(&today))
        return 0;
    date_to_ymd(today, &y, &m, &d);
    return month_fiscal_year((claim_month){y, m});
}

int flow_budget(const flow_budget_req *rq, flow_budget_res *res)
{
    memset(res, 0, sizeof *res);
    ledger *lg = NULL;
    int rc = flow_open_ledger(&rq->paths, &lg, &res->notes);
    if (rc != EXIT_OK)
        return rc;
    diag_list d = DIAG_LIST_INIT;
    bool have_rules = rules_load_dir(rq->paths.rules, &res->rules, &d) == 0;
    if (!have_rules)
        flow_say(&res->notes, FLOW_NOTE_SAY, "the rules under %s do not load (%zu problem%s; "
                 "kasan check --rules %s): the budget line is not known", rq->paths.rules,
                 diag_count(&d), diag_count(&d) == 1 ? "" : "s", rq->paths.rules);
    diag_release(&d);
    int fy = rq->fiscal_year ? rq->fiscal_year : flow_fy_default(lg);
    res->fiscal_year = fy;
    res->line = have_rules ? rules_budget_for_fy(&res->rules, fy) : NULL;
    flow_budget_year_req yr = {lg, fy, res->line ? res->line->line_id : NULL,
                               res->line ? res->line->amount : 0, NULL, 0, 0, &res->a};
    int ss = LEDGER_OK;
    if (flow_budget_year_read(&yr, &res->year) != LEDGER_OK ||
        ((ss = ledger_settle_current(lg, fy, &res->a, &res->settlement)) != LEDGER_OK &&
         ss != LEDGER_NOT_FOUND)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    } else {
        res->settled = ss == LEDGER_OK;
        res->settled_repayment_yen = res->settled ? repayment(&res->settlement) : 0;
        if (!budget_paid(&res->year.view, &res->paid_yen))
            res->paid_yen = INT64_MAX;
        else
            rc = flow_budget_ward(lg, res);
    }
    ledger_close(lg);
    return rc;
}

void flow_budget_free(flow_budget_res *res)
{
    flow_notes_free(&res->notes);
    rules_free(&res->rules);
    arena_release(&res->a);
}
