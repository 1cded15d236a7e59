/* test_budget_ward: the budget line as the ward keeps it (SPEC 10.3) — the
 * five figures from the 当初予算 and its amendments, the refusals of an
 * amendment, a commitment and a decision amended below what was paid, the
 * month flag against the line (never the forecast), 出納閉鎖 and 過年度, and
 * a 返還 receivable with partial receipts.  Every figure worked out by hand
 * in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kasan/budget_ward.h"

static date_t day(int y, int m, int d) { return date_from_ymd(y, m, d); }

static void test_figures(void **state)
{
    (void)state;
    /* 当初 16,444,000; 流用 +300,000 in and −50,000 out, 補正 +1,000,000,
     * 予備費充用 +200,000 */
    const budget_amendment am[] = {
        {BUDGET_RYUYO, 300000, 0}, {BUDGET_HOSEI, 1000000, 0}, {BUDGET_RYUYO, -50000, 0},
        {BUDGET_JUTO, 200000, 0},
    };
    budget_ward_in in = {16444000, am, 4, 16200000, 15056077, 180000};
    budget_ward w;
    assert_true(budget_ward_compute(&in, &w));
    assert_int_equal(w.by_kind[BUDGET_HOSEI], 1000000);
    assert_int_equal(w.by_kind[BUDGET_RYUYO], 250000);   /* 300,000 − 50,000 */
    assert_int_equal(w.by_kind[BUDGET_JUTO], 200000);
    /* 16,444,000 + 1,000,000 + 250,000 + 200,000 = 17,894,000 */
    assert_int_equal(w.current, 17894000);
    assert_int_equal(w.committed, 16200000);
    assert_int_equal(w.spent, 14876077);      /* 15,056,077 − 180,000 戻入 */
    assert_int_equal(w.unpaid, 1323923);      /* 16,200,000 − 14,876,077 */
    assert_int_equal(w.unexecuted, 1694000);  /* 17,894,000 − 16,200,000 */

    /* no amendments: 予算現額 is the 当初予算; paid over the decisions shows
     * as a negative 未払, not hidden */
    budget_ward_in plain = {16444000, NULL, 0, 100, 250, 0};
    assert_true(budget_ward_compute(&plain, &w));
    assert_int_equal(w.current, 16444000);
    assert_int_equal(w.unpaid, -150);         /* 100 − 250 */
    assert_int_equal(w.unexecuted, 16443900); /* 16,444,000 − 100 */

    const budget_amendment huge[] = {{BUDGET_HOSEI, INT64_MAX, 0}};
    budget_ward_in over = {16444000, huge, 1, 0, 0, 0};
    assert_false(budget_ward_compute(&over, &w)); /* 16,444,000 + INT64_MAX */
}

static void test_kinds(void **state)
{
    (void)state;
    budget_amend_kind k;
    assert_true(budget_amend_kind_parse("流用", &k));
    assert_int_equal(k, BUDGET_RYUYO);
    assert_true(budget_amend_kind_parse("充用", &k));
    assert_int_equal(k, BUDGET_JUTO);
    assert_true(budget_amend_kind_parse("予備費充用", &k));
    assert_int_equal(k, BUDGET_JUTO);
    assert_true(budget_amend_kind_parse("hosei", &k));
    assert_int_equal(k, BUDGET_HOSEI);
    assert_false(budget_amend_kind_parse("補填", &k));
    assert_false(budget_amend_kind_parse("", &k));
    assert_string_equal(budget_amend_kind_name(BUDGET_JUTO), "予備費充用");
}

static void test_amendment_checks(void **state)
{
    (void)state;
    budget_ward_in in = {16444000, NULL, 0, 16200000, 0, 0};
    budget_ward w;
    assert_true(budget_ward_compute(&in, &w));
    int64_t after;
    /* 流用 out 244,000: 16,444,000 − 244,000 = 16,200,000 = committed: allowed */
    assert_int_equal(budget_check_amendment(&w, BUDGET_RYUYO, -244000, &after), BUDGET_OK);
    assert_int_equal(after, 16200000);
    /* one yen more would leave 16,199,999 < 16,200,000 committed */
    assert_int_equal(budget_check_amendment(&w, BUDGET_RYUYO, -244001, &after),
                     BUDGET_BELOW_COMMITTED);
    assert_int_equal(after, 16199999);
    assert_int_equal(budget_check_amendment(&w, BUDGET_HOSEI, 500000, &after), BUDGET_OK);
    assert_int_equal(after, 16944000);
    assert_int_equal(budget_check_amendment(&w, BUDGET_JUTO, -1, &after), BUDGET_JUTO_NEGATIVE);
    assert_int_equal(budget_check_amendment(&w, BUDGET_HOSEI, 0, &after), BUDGET_ZERO_AMOUNT);
    /* nothing committed: a 減額補正 of 16,444,001 leaves −1 */
    budget_ward_in none = {16444000, NULL, 0, 0, 0, 0};
    assert_true(budget_ward_compute(&none, &w));
    assert_int_equal(budget_check_amendment(&w, BUDGET_HOSEI, -16444001, &after),
                     BUDGET_LINE_NEGATIVE);
    assert_int_equal(after, -1);
    assert_int_equal(budget_check_amendment(&w, BUDGET_HOSEI, -16444000, &after), BUDGET_OK);
    assert_int_equal(after, 0);
    assert_int_equal(budget_check_amendment(&w, BUDGET_HOSEI, INT64_MAX, &after),
                     BUDGET_OVERFLOW);
}

static void test_commitment_checks(void **state)
{
    (void)state;
    budget_ward_in in = {16444000, NULL, 0, 16200000, 0, 0};
    budget_ward w;
    assert_true(budget_ward_compute(&in, &w));
    int64_t short_by;
    /* a new decision of 244,000: 16,200,000 + 244,000 = 16,444,000, exactly the line */
    assert_int_equal(budget_check_commitment(&w, 0, 244000, &short_by), BUDGET_OK);
    assert_int_equal(short_by, 0);
    assert_int_equal(budget_check_commitment(&w, 0, 244001, &short_by), BUDGET_OVER_CURRENT);
    assert_int_equal(short_by, 1);
    /* 変更交付決定 of a nursery from 1,650,000 to 2,160,000: 16,200,000 −
     * 1,650,000 + 2,160,000 = 16,710,000, 266,000 over 16,444,000 */
    assert_int_equal(budget_check_commitment(&w, 1650000, 2160000, &short_by),
                     BUDGET_OVER_CURRENT);
    assert_int_equal(short_by, 266000);
    /* after a 流用 of +266,000 the same amendment fits exactly */
    const budget_amendment am[] = {{BUDGET_RYUYO, 266000, 0}};
    budget_ward_in in2 = {16444000, am, 1, 16200000, 0, 0};
    assert_true(budget_ward_compute(&in2, &w));
    assert_int_equal(budget_check_commitment(&w, 1650000, 2160000, &short_by), BUDGET_OK);
    /* a year already committed over its line: lowering a decision is allowed */
    budget_ward_in over = {16444000, NULL, 0, 17000000, 0, 0};
    assert_true(budget_ward_compute(&over, &w));
    assert_int_equal(w.unexecuted, -556000); /* 16,444,000 − 17,000,000, shown as is */
    assert_int_equal(budget_check_commitment(&w, 2160000, 1650000, &short_by), BUDGET_OK);
    assert_int_equal(budget_check_commitment(&w, 1650000, 1650001, &short_by),
                     BUDGET_OVER_CURRENT);
    assert_int_equal(short_by, 556001); /* 17,000,001 − 16,444,000 */
}

static void test_decision_floor(void **state)
{
    (void)state;
    int64_t short_by;
    /* paid Apr–Dec 1,470,000; amended to 1,400,000 → 70,000 below */
    assert_int_equal(budget_check_decision_floor(1470000, 1400000, &short_by), BUDGET_BELOW_PAID);
    assert_int_equal(short_by, 70000);
    assert_int_equal(budget_check_decision_floor(1470000, 1470000, &short_by), BUDGET_OK);
    assert_int_equal(short_by, 0);
}

static void test_month_flag(void **state)
{
    (void)state;
    /* The sample ward's totals (fixtures/sample-ward/README.md): through
     * February 15,056,077, March 1,601,000 → 16,657,077. */
    budget_view bv;
    budget_view_init(&bv, 2025, "R7-kasan", 16444000);
    budget_view_place(&bv, (claim_month){2025, 4}, false, 15056077, NULL, 0);
    budget_view_place(&bv, (claim_month){2026, 3}, false, 1601000, NULL, 0);
    /* a draft of May projected over the year: forecast 15,056,077 + 1,601,000
     * + 2,000,000 × (1 + 9 open months Jun–Feb) = 36,657,077 */
    budget_view_place(&bv, (claim_month){2025, 5}, true, 2000000, NULL, 0);
    int64_t fc;
    assert_true(budget_forecast(&bv, 1, &fc));
    assert_int_equal(fc, 36657077);
    bool over;
    /* April: cumulative 15,056,077 ≤ 16,444,000 — not flagged by the forecast */
    assert_true(budget_month_over_line(&bv, 0, &over));
    assert_false(over);
    /* March: 15,056,077 + 2,000,000 + 1,601,000 = 18,657,077 > 16,444,000 */
    assert_true(budget_month_over_line(&bv, 11, &over));
    assert_true(over);
    /* with a 流用 of +2,213,077 the 予算現額 is 18,657,077: exactly reached */
    bv.line_amount = 16444000 + 2213077;
    assert_true(budget_month_over_line(&bv, 11, &over));
    assert_false(over);
}

static void test_closing(void **state)
{
    (void)state;
    date_t close = day(2026, 5, 31); /* the default accounts_close */
    assert_int_equal(budget_fiscal_year_of(day(2026, 3, 31)), 2025);
    assert_int_equal(budget_fiscal_year_of(day(2026, 4, 1)), 2026);
    budget_charge c;
    /* a 追加交付 of FY2025 paid on 20 May 2026: within 出納整理期間, FY2025 */
    assert_true(budget_additional_charge(2025, close, day(2026, 5, 20), &c));
    assert_int_equal(c.fiscal_year, 2025);
    assert_false(c.prior_year);
    assert_true(budget_additional_charge(2025, close, day(2026, 5, 31), &c)); /* the closing day */
    assert_int_equal(c.fiscal_year, 2025);
    /* paid on 10 June 2026: 過年度支出 from FY2026's line */
    assert_true(budget_additional_charge(2025, close, day(2026, 6, 10), &c));
    assert_int_equal(c.fiscal_year, 2026);
    assert_true(c.prior_year);
    assert_true(budget_additional_charge(2025, close, day(2026, 6, 1), &c));
    assert_int_equal(c.fiscal_year, 2026);
    assert_true(budget_additional_charge(2025, close, day(2027, 4, 2), &c)); /* two years on */
    assert_int_equal(c.fiscal_year, 2027);
    assert_true(budget_additional_charge(2025, close, day(2025, 4, 1), &c)); /* odd, but the year's */
    assert_int_equal(c.fiscal_year, 2025);
    assert_false(budget_additional_charge(2025, close, day(2025, 3, 31), &c));
    /* a budget file whose accounts_close is 15 June 2026: 10 June is still FY2025's */
    assert_true(budget_additional_charge(2025, day(2026, 6, 15), day(2026, 6, 10), &c));
    assert_int_equal(c.fiscal_year, 2025);
    assert_false(c.prior_year);

    budget_refund r;
    /* decided 20 May 2026, due 30 days later (19 June): 戻入 of FY2025 */
    assert_true(budget_refund_treatment(2025, close, day(2026, 5, 20), day(2026, 6, 19), &r));
    assert_int_equal(r.kind, BUDGET_REFUND_RETURN);
    assert_int_equal(r.fiscal_year, 2025);
    assert_true(budget_refund_treatment(2025, close, day(2026, 5, 31), day(2026, 6, 30), &r));
    assert_int_equal(r.kind, BUDGET_REFUND_RETURN);
    /* decided 10 June 2026, due 10 July 2026: 雑入 of FY2026 */
    assert_true(budget_refund_treatment(2025, close, day(2026, 6, 10), day(2026, 7, 10), &r));
    assert_int_equal(r.kind, BUDGET_REFUND_REVENUE);
    assert_int_equal(r.fiscal_year, 2026);
    /* decided 20 March 2027 (a late correction), due 19 April 2027: FY2027's revenue */
    assert_true(budget_refund_treatment(2025, close, day(2027, 3, 20), day(2027, 4, 19), &r));
    assert_int_equal(r.kind, BUDGET_REFUND_REVENUE);
    assert_int_equal(r.fiscal_year, 2027);
    assert_true(budget_refund_treatment(2025, day(2026, 6, 15), day(2026, 6, 10), day(2026, 7, 10),
                                        &r));
    assert_int_equal(r.kind, BUDGET_REFUND_RETURN);
    assert_false(budget_refund_treatment(2025, close, day(2026, 6, 10), day(2026, 6, 9), &r));
    assert_false(budget_refund_treatment(2025, close, day(2025, 3, 1), day(2025, 4, 1), &r));
}

static void test_receivable(void **state)
{
    (void)state;
    /* 返還 180,000 decided 20 May 2026, due 19 June 2026 */
    budget_receivable r = {180000, day(2026, 5, 20), day(2026, 6, 19), 0};
    assert_int_equal(budget_receipt_apply(&r, 100000, day(2026, 5, 19)), BUDGET_RECEIPT_EARLY);
    assert_int_equal(budget_receipt_apply(&r, 0, day(2026, 6, 1)), BUDGET_RECEIPT_NOT_POSITIVE);
    assert_int_equal(budget_receipt_apply(&r, -5, day(2026, 6, 1)), BUDGET_RECEIPT_NOT_POSITIVE);
    assert_int_equal(budget_receivable_open(&r), 180000); /* refusals change nothing */
    assert_int_equal(budget_receipt_apply(&r, 180001, day(2026, 6, 1)), BUDGET_RECEIPT_OVERPAID);
    /* partial: 100,000 on 1 June → 80,000 open */
    assert_int_equal(budget_receipt_apply(&r, 100000, day(2026, 6, 1)), BUDGET_RECEIPT_OK);
    assert_int_equal(budget_receivable_open(&r), 80000);
    assert_false(budget_receivable_overdue(&r, day(2026, 6, 19))); /* the due day itself */
    assert_true(budget_receivable_overdue(&r, day(2026, 6, 20)));
    assert_int_equal(budget_receipt_apply(&r, 80001, day(2026, 6, 25)), BUDGET_RECEIPT_OVERPAID);
    /* the rest, late, on 25 June (the day it was decided is allowed too) */
    assert_int_equal(budget_receipt_apply(&r, 80000, day(2026, 6, 25)), BUDGET_RECEIPT_OK);
    assert_int_equal(budget_receivable_open(&r), 0);
    assert_false(budget_receivable_overdue(&r, day(2026, 7, 1)));
    assert_int_equal(budget_receipt_apply(&r, 1, day(2026, 7, 1)), BUDGET_RECEIPT_OVERPAID);
    budget_receivable same_day = {5000, day(2026, 5, 20), day(2026, 5, 20), 0};
    assert_int_equal(budget_receipt_apply(&same_day, 5000, day(2026, 5, 20)), BUDGET_RECEIPT_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures),
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_amendment_checks),
        cmocka_unit_test(test_commitment_checks),
        cmocka_unit_test(test_decision_floor),
        cmocka_unit_test(test_month_flag),
        cmocka_unit_test(test_closing),
        cmocka_unit_test(test_receivable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
