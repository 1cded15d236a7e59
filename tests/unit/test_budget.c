/* test_budget: the budget module (SPEC 1.4) — the running table of
 * `kasan budget` and the 予算 sheet, and the refusal decision of a
 * finalization.  Figures worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kasan/budget.h"

static void test_rows(void **state)
{
    (void)state;
    budget_view bv;
    budget_view_init(&bv, 2025, "R7-kasan", 16444000);
    int64_t april[] = {638333, 511000};
    budget_view_place(&bv, (claim_month){2025, 4}, false, 1149333, april, 2);
    budget_view_place(&bv, (claim_month){2025, 6}, false, 1191000, NULL, 0);
    budget_view_place(&bv, (claim_month){2024, 6}, false, 999, NULL, 0); /* not FY2025 */
    assert_int_equal(bv.months[2].month.month, 6);
    assert_false(bv.months[1].present);
    budget_row r;
    assert_true(budget_row_at(&bv, 0, &r));
    assert_int_equal(r.cumulative, 1149333);
    assert_int_equal(r.remaining, 15294667);  /* 16,444,000 − 1,149,333 */
    /* June is finalized: 1,191,000 + 1,149,333 × (1 + 10 later months not
     * finalized: May, Jul–Mar) = 1,191,000 + 12,642,663 */
    assert_int_equal(r.forecast, 13833663);
    assert_true(budget_row_at(&bv, 2, &r));   /* May absent: counts nothing */
    assert_int_equal(r.cumulative, 2340333);  /* 1,149,333 + 1,191,000 */
    assert_int_equal(r.remaining, 14103667);
    assert_int_equal(r.forecast, 13059333);   /* 1,149,333 + 1,191,000 × 10 (Jun–Mar) */

    assert_true(budget_view_finish(&bv, (claim_month){2025, 6}));
    assert_int_equal(bv.paid_before, 1149333);
    assert_int_equal(bv.this_month, 1191000);

    budget_view_place(&bv, (claim_month){2025, 7}, false, INT64_MAX, NULL, 0);
    assert_false(budget_row_at(&bv, 3, &r)); /* 2,340,333 + INT64_MAX overflows */
}

static void test_decide(void **state)
{
    (void)state;
    budget_decision d;
    /* 15,000,000 + 1,444,000 = 16,444,000: exactly the line, within */
    assert_true(budget_decide(true, 16444000, 15000000, 1444000, false, &d));
    assert_int_equal(d.verdict, BUDGET_WITHIN);
    assert_int_equal(d.paid_after, 16444000);
    assert_int_equal(d.overrun, 0);
    /* one yen more: refused, overrun 1 */
    assert_true(budget_decide(true, 16444000, 15000000, 1444001, false, &d));
    assert_int_equal(d.verdict, BUDGET_REFUSED);
    assert_int_equal(d.overrun, 1);
    assert_true(budget_decide(true, 16444000, 15000000, 1444001, true, &d));
    assert_int_equal(d.verdict, BUDGET_OVER_OVERRIDDEN);
    assert_int_equal(d.overrun, 1);
    /* no line: paying anything is refused unless overridden (SPEC 1.4) */
    assert_true(budget_decide(false, 0, 15000000, 1444001, false, &d));
    assert_int_equal(d.verdict, BUDGET_NO_LINE_REFUSED);
    assert_true(budget_refused(d.verdict));
    assert_true(budget_decide(false, 0, 15000000, 1444001, true, &d));
    assert_int_equal(d.verdict, BUDGET_NO_LINE_OVERRIDDEN);
    assert_true(budget_overridden(d.verdict));
    assert_int_equal(d.overrun, 0);
    /* a correction lowering a month of a year already over its line: 16,657,077
     * paid, May 1,191,000 corrected to 1,141,000 → 15,466,077 + 1,141,000 =
     * 16,607,077, 163,077 over, but it pays 50,000 less: not refused */
    assert_true(budget_decide_replacing(true, 16444000, 15466077, 1141000, 1191000, false, &d));
    assert_int_equal(d.verdict, BUDGET_WITHIN);
    assert_int_equal(d.overrun, 163077);
    /* one that raises it (1,191,001) is refused as any month */
    assert_true(budget_decide_replacing(true, 16444000, 15466077, 1191001, 1191000, false, &d));
    assert_int_equal(d.verdict, BUDGET_REFUSED);
    assert_int_equal(d.overrun, 213078);
    /* no line: a correction that pays no more is not refused either */
    assert_true(budget_decide_replacing(false, 0, 0, 1000, 1000, false, &d));
    assert_int_equal(d.verdict, BUDGET_WITHIN);
    /* nothing to pay (a settlement with only 返還): nothing to refuse */
    assert_true(budget_decide(false, 0, 15000000, 0, false, &d));
    assert_int_equal(d.verdict, BUDGET_WITHIN);
    assert_false(budget_decide(true, 16444000, INT64_MAX, 1, false, &d));
}

static void test_forecast(void **state)
{
    (void)state;
    int64_t f;
    budget_view bv;
    budget_view_init(&bv, 2025, "R7-kasan", 16444000);
    budget_view_place(&bv, (claim_month){2025, 4}, true, 1149333, NULL, 0); /* April draft */
    assert_true(budget_forecast(&bv, 0, &f));
    assert_int_equal(f, 13791996); /* nothing finalized: 1,149,333 × 12 */
    /* April … February finalized at 1,000,000 each, then May corrected to
     * 2,000,000: the other finalized months (Apr, Jun–Feb: 10 × 1,000,000)
     * + 2,000,000 + 2,000,000 × 1 (March, not finalized) = 14,000,000.
     * The old "as if May began the year" figure was 10,000,000 + 2,000,000 × 11. */
    budget_view_init(&bv, 2025, "R7-kasan", 16444000);
    for (int i = 0; i < 11; i++)
        budget_view_place(&bv, month_of_fiscal(2025, i), false, 1000000, NULL, 0);
    budget_view_place(&bv, (claim_month){2025, 5}, false, 2000000, NULL, 0);
    assert_true(budget_view_finish(&bv, (claim_month){2025, 5}));
    assert_int_equal(bv.paid_before, 10000000);
    assert_int_equal(bv.forecast, 14000000);
    /* a settled 追加交付 of 300,000 counts as paid */
    bv.settled_additional = 300000;
    assert_true(budget_view_finish(&bv, (claim_month){2025, 5}));
    assert_int_equal(bv.paid_before, 10300000);
    assert_int_equal(bv.remaining, 4144000); /* 16,444,000 − 10,300,000 − 2,000,000 */
    assert_int_equal(bv.forecast, 14300000);
    /* March finalized too, no later month left: 11,000,000 + 300,000 + May */
    budget_view_place(&bv, (claim_month){2026, 3}, false, 1000000, NULL, 0);
    assert_true(budget_forecast(&bv, 1, &f));
    assert_int_equal(f, 13300000); /* 10,000,000 + 1,000,000 + 300,000 + 2,000,000 */
    budget_view_init(&bv, 2025, NULL, 0);
    budget_view_place(&bv, (claim_month){2025, 4}, true, INT64_MAX / 2, NULL, 0);
    assert_false(budget_forecast(&bv, 0, &f));
}

/* What the year paid against its line: the finalized months and the
 * settlement's 追加交付, never a draft. */
static void test_paid(void **state)
{
    (void)state;
    budget_view bv;
    budget_view_init(&bv, 2025, "R7-kasan", 16444000);
    budget_view_place(&bv, (claim_month){2025, 4}, false, 1149333, NULL, 0);
    budget_view_place(&bv, (claim_month){2025, 5}, false, 1191000, NULL, 0);
    budget_view_place(&bv, (claim_month){2025, 6}, true, 500000, NULL, 0); /* a draft */
    bv.settled_additional = 3000;
    int64_t paid;
    assert_true(budget_paid(&bv, &paid));
    assert_int_equal(paid, 2343333); /* 1,149,333 + 1,191,000 + 3,000 */
    /* finishing May (finalized): paid before = April + 3,000 = 1,152,333, and
     * paid before + this month = what is paid */
    assert_true(budget_view_finish(&bv, (claim_month){2025, 5}));
    assert_int_equal(bv.paid_before, 1152333);
    assert_int_equal(bv.paid_before + bv.this_month, paid);
    assert_int_equal(bv.remaining, 14100667); /* 16,444,000 − 2,343,333 */
    bv.settled_additional = INT64_MAX;
    assert_false(budget_paid(&bv, &paid));
}

/* README's corrected settlement: P002 had 追加交付 1,000 decided, the
 * correction adds 2,000: 3,000 decided in all; P001 had 返還 180,000, the
 * correction 100,000 more: −280,000. */
static void test_settle_decided(void **state)
{
    (void)state;
    int64_t d;
    assert_true(budget_settle_decided(1000, 2000, &d));
    assert_int_equal(d, 3000);
    assert_true(budget_settle_decided(-180000, -100000, &d));
    assert_int_equal(d, -280000);
    assert_true(budget_settle_decided(0, 1000, &d)); /* a first settlement */
    assert_int_equal(d, 1000);
    assert_false(budget_settle_decided(INT64_MAX, 1, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_decide),
        cmocka_unit_test(test_forecast),
        cmocka_unit_test(test_paid),
        cmocka_unit_test(test_settle_decided),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
