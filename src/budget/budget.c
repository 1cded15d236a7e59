/* budget: budget execution of a fiscal year (SPEC 1.4), computed once for
 * the run's summary, the ledger's refusal, the 予算 sheet and `kasan budget`.
 * Not here: reading the ledger (cli, ledger) or laying figures out (report). */
#include "kasan/budget.h"

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

bool budget_forecast(int64_t paid_before, int64_t month_total, int idx, int64_t *out)
{
    int64_t rest; /* months left including this one: April (index 0) → 12, March → 1 */
    return !__builtin_mul_overflow(month_total, (int64_t)(12 - idx), &rest) &&
           !__builtin_add_overflow(paid_before, rest, out);
}

bool budget_view_finish(budget_view *bv, claim_month m)
{
    int idx = month_fiscal_index(m);
    bool over = false;
    bv->paid_before = 0;
    for (int i = 0; i < 12; i++)
        if (i != idx && bv->months[i].present && !bv->months[i].draft)
            over |= __builtin_add_overflow(bv->paid_before, bv->months[i].total, &bv->paid_before);
    bv->this_month = bv->months[idx].total;
    int64_t left;
    over |= __builtin_sub_overflow(bv->line_amount, bv->paid_before, &left) ||
            __builtin_sub_overflow(left, bv->this_month, &bv->remaining);
    over |= !budget_forecast(bv->paid_before, bv->this_month, idx, &bv->forecast);
    return !over;
}

bool budget_row_at(const budget_view *bv, int idx, budget_row *out)
{
    int64_t before = 0;
    for (int i = 0; i < idx; i++)
        if (bv->months[i].present && __builtin_add_overflow(before, bv->months[i].total, &before))
            return false;
    int64_t total = bv->months[idx].present ? bv->months[idx].total : 0;
    return budget_forecast(before, total, idx, &out->forecast) &&
           !__builtin_add_overflow(before, total, &out->cumulative) &&
           !__builtin_sub_overflow(bv->line_amount, out->cumulative, &out->remaining);
}

bool budget_decide(bool has_line, int64_t line_amount, int64_t paid_before, int64_t this_month,
                   bool override, budget_decision *out)
{
    memset(out, 0, sizeof *out);
    out->paid_before = paid_before;
    if (__builtin_add_overflow(paid_before, this_month, &out->paid_after))
        return false;
    if (!has_line || out->paid_after <= line_amount)
        return true;
    out->overrun = out->paid_after - line_amount;
    out->verdict = override ? BUDGET_OVER_OVERRIDDEN : BUDGET_REFUSED;
    return true;
}
