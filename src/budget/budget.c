/* budget: budget execution of a fiscal year (SPEC 1.4), computed once for
 * the run's summary, the ledger's refusal, the 予算 sheet and `kasan budget`.
 * Also what a settlement row has decided in all (budget_settle_decided),
 * which the engine, the ledger's checks and the budget view all count.
 * Not here: reading the ledger (flow, ledger) or laying figures out (report). */
#include "kasan/budget.h"
#include "kasan/budget_ward.h"

#include <assert.h>
#include <string.h>

void budget_view_init(budget_view *bv, int fiscal_year, const char *line_id, int64_t line_amount)
{
    memset(bv, 0, sizeof *bv);
    bv->fiscal_year = fiscal_year;
    bv->line_id = line_id;
    bv->line_amount = line_amount;
    for (int i = 0; i < 12; i++)
        bv->months[i].month = month_of_fiscal(fiscal_year, i);
}

void budget_view_place(budget_view *bv, claim_month m, bool draft, int64_t total,
                       const int64_t *program_amount, size_t n_programs)
{
    if (month_fiscal_year(m) != bv->fiscal_year)
        return;
    budget_month *bm = &bv->months[month_fiscal_index(m)];
    bm->present = true;
    bm->draft = draft;
    bm->total = total;
    for (size_t p = 0; p < n_programs && p < BUDGET_MAX_PROGRAMS; p++)
        bm->program_amount[p] = program_amount[p];
}

static bool finalized(const budget_month *bm)
{
    return bm->present && !bm->draft;
}

int budget_later_open(const budget_view *bv, int idx)
{
    int later = 0;
    for (int i = idx + 1; i < 12; i++)
        later += !finalized(&bv->months[i]);
    return later;
}

bool budget_forecast(const budget_view *bv, int idx, int64_t *out)
{
    int64_t sum = bv->settled_additional, rest;
    for (int i = 0; i < 12; i++)
        if (i != idx && finalized(&bv->months[i]) &&
            __builtin_add_overflow(sum, bv->months[i].total, &sum))
            return false;
    int64_t this_month = bv->months[idx].present ? bv->months[idx].total : 0;
    int64_t times = 1 + budget_later_open(bv, idx);
    return !__builtin_mul_overflow(this_month, times, &rest) &&
           !__builtin_add_overflow(sum, rest, out);
}

/* settled_additional + the finalized months but month idx (-1: none). */
static bool paid_but(const budget_view *bv, int idx, int64_t *out)
{
    *out = bv->settled_additional;
    for (int i = 0; i < 12; i++)
        if (i != idx && finalized(&bv->months[i]) &&
            __builtin_add_overflow(*out, bv->months[i].total, out))
            return false;
    return true;
}

bool budget_paid(const budget_view *bv, int64_t *out) { return paid_but(bv, -1, out); }

bool budget_view_finish(budget_view *bv, claim_month m)
{
    int idx = month_fiscal_index(m);
    bool over = !paid_but(bv, idx, &bv->paid_before);
    bv->this_month = bv->months[idx].total;
    int64_t left;
    over |= __builtin_sub_overflow(bv->line_amount, bv->paid_before, &left) ||
            __builtin_sub_overflow(left, bv->this_month, &bv->remaining);
    over |= !budget_forecast(bv, idx, &bv->forecast);
    if (bv->ward) { /* the ward's figures with this month paid */
        budget_ward_sheet *ws = bv->ward;
        ws->ok = !over && !__builtin_add_overflow(bv->paid_before, bv->this_month, &ws->in.paid) &&
                 budget_ward_compute(&ws->in, &ws->w);
    }
#ifndef NDEBUG
    /* the parts add up: paid before + this month + remaining = the line, and
     * with this month finalized, paid before + this month is what is paid */
    int64_t all = 0;
    assert(over || bv->remaining + bv->this_month + bv->paid_before == bv->line_amount);
    assert(over || !finalized(&bv->months[idx]) || !budget_paid(bv, &all) ||
           all == bv->paid_before + bv->this_month);
#endif
    return !over;
}

bool budget_settle_decided(int64_t settled_before, int64_t difference, int64_t *decided)
{
    return !__builtin_add_overflow(settled_before, difference, decided);
}

bool budget_row_at(const budget_view *bv, int idx, budget_row *out)
{
    int64_t before = 0;
    for (int i = 0; i < idx; i++)
        if (bv->months[i].present && __builtin_add_overflow(before, bv->months[i].total, &before))
            return false;
    int64_t total = bv->months[idx].present ? bv->months[idx].total : 0;
    return budget_forecast(bv, idx, &out->forecast) &&
           !__builtin_add_overflow(before, total, &out->cumulative) &&
           !__builtin_sub_overflow(bv->line_amount, out->cumulative, &out->remaining);
}

bool budget_decide_replacing(bool has_line, int64_t line_amount, int64_t paid_before,
                             int64_t this_month, int64_t replaced, bool override,
                             budget_decision *out)
{
    memset(out, 0, sizeof *out);
    out->paid_before = paid_before;
    if (__builtin_add_overflow(paid_before, this_month, &out->paid_after))
        return false;
    bool pays_more = this_month > replaced; /* a lowering correction pays nothing new */
    if (!has_line) {
        if (this_month > 0 && pays_more) /* SPEC 1.4: no appropriation, no payment */
            out->verdict = override ? BUDGET_NO_LINE_OVERRIDDEN : BUDGET_NO_LINE_REFUSED;
        return true;
    }
    if (out->paid_after <= line_amount)
        return true;
    out->overrun = out->paid_after - line_amount;
    if (pays_more)
        out->verdict = override ? BUDGET_OVER_OVERRIDDEN : BUDGET_REFUSED;
    return true;
}

bool budget_decide(bool has_line, int64_t line_amount, int64_t paid_before, int64_t this_month,
                   bool override, budget_decision *out)
{
    return budget_decide_replacing(has_line, line_amount, paid_before, this_month, 0, override,
                                   out);
}
