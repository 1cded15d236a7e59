/* ward: the budget line as the ward keeps it (SPEC 10.3) — 予算現額 from the
 * 当初予算 and its amendments, the five figures, the refusals of an
 * amendment, a commitment and a decision amended below what was paid, and
 * the month flag against the line (never the forecast).  Whole yen, every
 * step checked.  Not here: the monthly execution table (budget.c), the
 * closing of the accounts and receivables (closing.c), reading or printing
 * anything. */
#include "kasan/budget_ward.h"

#include <assert.h>
#include <string.h>

static const char *const kind_names[BUDGET_AMEND_KINDS] = {"補正", "流用", "予備費充用"};

const char *budget_amend_kind_name(budget_amend_kind k)
{
    assert(k >= 0 && k < BUDGET_AMEND_KINDS);
    return kind_names[k];
}

bool budget_amend_kind_parse(const char *s, budget_amend_kind *out)
{
    static const struct {
        const char *word;
        budget_amend_kind kind;
    } words[] = {
        {"補正", BUDGET_HOSEI}, {"hosei", BUDGET_HOSEI}, {"流用", BUDGET_RYUYO},
        {"ryuyo", BUDGET_RYUYO}, {"充用", BUDGET_JUTO}, {"予備費充用", BUDGET_JUTO},
        {"juto", BUDGET_JUTO},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(s, words[i].word)) {
            *out = words[i].kind;
            return true;
        }
    return false;
}

bool budget_ward_compute(const budget_ward_in *in, budget_ward *out)
{
    budget_ward w = {.initial = in->initial, .committed = in->committed, .paid = in->paid,
                     .returned = in->returned};
    bool over = false;
    w.current = in->initial;
    for (size_t i = 0; i < in->n_amendments; i++) {
        const budget_amendment *am = &in->amendments[i];
        assert(am->kind >= 0 && am->kind < BUDGET_AMEND_KINDS);
        over |= __builtin_add_overflow(w.by_kind[am->kind], am->amount, &w.by_kind[am->kind]);
        over |= __builtin_add_overflow(w.current, am->amount, &w.current);
    }
    over |= __builtin_sub_overflow(w.paid, w.returned, &w.spent);
    over |= __builtin_sub_overflow(w.committed, w.spent, &w.unpaid);
    over |= __builtin_sub_overflow(w.current, w.committed, &w.unexecuted);
    if (over)
        return false;
    /* the parts add up: the sums by kind are the amendments; 予算現額 splits
     * into 負担行為 + 執行残, and 負担行為 into 支出済 + 未払 */
    assert(w.current - w.initial ==
           w.by_kind[BUDGET_HOSEI] + w.by_kind[BUDGET_RYUYO] + w.by_kind[BUDGET_JUTO]);
    assert(w.committed + w.unexecuted == w.current);
    assert(w.spent + w.unpaid == w.committed);
    *out = w;
    return true;
}

const char *budget_check_text(budget_check c)
{
    switch (c) {
    case BUDGET_OK: return "accepted";
    case BUDGET_LINE_NEGATIVE: return "it would make the 予算現額 negative";
    case BUDGET_BELOW_COMMITTED:
        return "it would take the 予算現額 below the 負担行為額 (decisions already made)";
    case BUDGET_JUTO_NEGATIVE: return "a 予備費充用 only adds to a line";
    case BUDGET_ZERO_AMOUNT: return "an amendment of 0 yen changes nothing";
    case BUDGET_OVER_CURRENT: return "it would commit more than the 予算現額";
    case BUDGET_BELOW_PAID: return "it is below what the nursery has already been paid";
    case BUDGET_OVERFLOW: return "a figure does not fit in 64-bit yen";
    }
    return "refused";
}

budget_check budget_check_amendment(const budget_ward *w, budget_amend_kind kind, int64_t amount,
                                    int64_t *after)
{
    assert(kind >= 0 && kind < BUDGET_AMEND_KINDS);
    if (__builtin_add_overflow(w->current, amount, after))
        return BUDGET_OVERFLOW;
    if (amount == 0)
        return BUDGET_ZERO_AMOUNT;
    if (kind == BUDGET_JUTO && amount < 0)
        return BUDGET_JUTO_NEGATIVE;
    if (amount > 0)
        return BUDGET_OK; /* raising a line can never break it */
    if (*after < 0)
        return BUDGET_LINE_NEGATIVE;
    if (*after < w->committed)
        return BUDGET_BELOW_COMMITTED;
    return BUDGET_OK;
}

budget_check budget_check_commitment(const budget_ward *w, int64_t replaced, int64_t amount,
                                     int64_t *shortfall)
{
    assert(replaced >= 0 && amount >= 0);
    int64_t others, after;
    *shortfall = 0;
    if (__builtin_sub_overflow(w->committed, replaced, &others) ||
        __builtin_add_overflow(others, amount, &after))
        return BUDGET_OVERFLOW;
    if (amount <= replaced || after <= w->current)
        return BUDGET_OK; /* lowering a commitment is never refused for the budget */
    if (__builtin_sub_overflow(after, w->current, shortfall))
        return BUDGET_OVERFLOW;
    return BUDGET_OVER_CURRENT;
}

budget_check budget_check_decision_floor(int64_t paid, int64_t amended, int64_t *short_by)
{
    assert(paid >= 0 && amended >= 0);
    *short_by = 0;
    if (amended >= paid)
        return BUDGET_OK;
    *short_by = paid - amended; /* both ≥ 0: cannot overflow */
    return BUDGET_BELOW_PAID;
}

bool budget_month_over_line(const budget_view *bv, int idx, bool *over)
{
    assert(idx >= 0 && idx < 12);
    budget_row r;
    if (!budget_row_at(bv, idx, &r))
        return false;
    *over = r.cumulative > bv->line_amount; /* no line: line_amount 0, anything paid is over */
    return true;
}
