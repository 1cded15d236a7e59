/* budget: the budget execution of a run's fiscal year (SPEC 1.4) derived
 * from the months the caller placed from the ledger and this run's month.
 * Not for deciding whether a finalization is refused: the CLI does that
 * with these numbers. */
#include <string.h>

#include "kasan/report.h"

bool budget_forecast(int64_t paid_before, int64_t month_total, int idx, int64_t *out)
{
    int64_t rest; /* months left including this one: April (index 0) → 12, March → 1 */
    return !__builtin_mul_overflow(month_total, (int64_t)(12 - idx), &rest) &&
           !__builtin_add_overflow(paid_before, rest, out);
}

bool budget_view_finish(budget_view *bv, const month_run *run)
{
    int fy = month_fiscal_year(run->month);
    int idx = month_fiscal_index(run->month);
    bv->fiscal_year = fy;
    if (!bv->line_id && run->budget) {
        bv->line_id = run->budget->line_id;
        bv->line_amount = run->budget->amount;
    }
    for (int i = 0; i < 12; i++)
        bv->months[i].month = month_of_fiscal(fy, i);

    /* This run's month: kept as placed when the ledger already holds it
     * (the caller finalized it), otherwise shown as this run's draft. */
    budget_month *cur = &bv->months[idx];
    if (!cur->present) {
        cur->present = true;
        cur->draft = true;
        memset(cur->program_amount, 0, sizeof cur->program_amount);
        for (size_t p = 0; p < run->n_programs && p < MONTH_MAX_PROGRAMS; p++)
            cur->program_amount[p] = run->program_total[p];
        cur->total = run->total;
    }

    bool over = false;
    bv->paid_before = 0;
    for (int i = 0; i < 12; i++)
        if (i != idx && bv->months[i].present && !bv->months[i].draft)
            over |= __builtin_add_overflow(bv->paid_before, bv->months[i].total, &bv->paid_before);
    bv->this_month = run->total;
    int64_t left;
    over |= __builtin_sub_overflow(bv->line_amount, bv->paid_before, &left) ||
            __builtin_sub_overflow(left, bv->this_month, &bv->remaining);
    over |= !budget_forecast(bv->paid_before, bv->this_month, idx, &bv->forecast);
    return !over;
}
