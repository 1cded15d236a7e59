/* closing: the closing of a fiscal year's accounts (出納閉鎖, SPEC 10.3) —
 * which line pays a settlement's 追加交付 (the year's own until 31 May of
 * the next year, the year it is paid in after: 過年度支出), how a 返還 counts
 * (戻入 of the year when decided by the closing, 雑入 revenue of the year of
 * its due date after), and a 返還 receivable with its receipts.  Dates in,
 * figures out; nothing here reads the ledger or knows a command.  Not here:
 * the five figures and the refusals of the line (ward.c). */
#include "kasan/budget_ward.h"

#include <assert.h>

int budget_fiscal_year_of(date_t d)
{
    int y, m, day;
    date_to_ymd(d, &y, &m, &day);
    return m >= 4 ? y : y - 1;
}

bool budget_additional_charge(int fy, date_t closing, date_t paid, budget_charge *out)
{
    if (paid < date_from_ymd(fy, 4, 1))
        return false;
    bool late = paid > closing;
    *out = (budget_charge){late ? budget_fiscal_year_of(paid) : fy, late};
    assert(!late || out->fiscal_year > fy);
    return true;
}

bool budget_refund_treatment(int fy, date_t closing, date_t decided, date_t due,
                             budget_refund *out)
{
    if (decided < date_from_ymd(fy, 4, 1) || due < decided)
        return false;
    if (decided <= closing)
        *out = (budget_refund){BUDGET_REFUND_RETURN, fy};
    else /* decided after the closing, so due after it too: a later year */
        *out = (budget_refund){BUDGET_REFUND_REVENUE, budget_fiscal_year_of(due)};
    assert(out->kind == BUDGET_REFUND_RETURN || out->fiscal_year > fy);
    return true;
}

const char *budget_receipt_text(budget_receipt r)
{
    switch (r) {
    case BUDGET_RECEIPT_OK: return "recorded";
    case BUDGET_RECEIPT_NOT_POSITIVE: return "a receipt must be above 0 yen";
    case BUDGET_RECEIPT_OVERPAID: return "it is more than what is still due (過納)";
    case BUDGET_RECEIPT_EARLY: return "it is dated before the 返還 was decided";
    }
    return "refused";
}

static void receivable_check(const budget_receivable *r)
{
    assert(r->amount > 0 && r->received >= 0 && r->received <= r->amount);
    assert(r->due >= r->decided);
    (void)r;
}

budget_receipt budget_receipt_apply(budget_receivable *r, int64_t amount, date_t date)
{
    receivable_check(r);
    if (amount <= 0)
        return BUDGET_RECEIPT_NOT_POSITIVE;
    if (date < r->decided)
        return BUDGET_RECEIPT_EARLY;
    if (amount > r->amount - r->received) /* 0 <= received <= amount: no overflow */
        return BUDGET_RECEIPT_OVERPAID;
    r->received += amount;
    receivable_check(r);
    return BUDGET_RECEIPT_OK;
}

int64_t budget_receivable_open(const budget_receivable *r)
{
    receivable_check(r);
    return r->amount - r->received;
}

bool budget_receivable_overdue(const budget_receivable *r, date_t today)
{
    return budget_receivable_open(r) > 0 && today > r->due;
}
