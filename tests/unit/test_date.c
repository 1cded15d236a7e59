/* Calendar, claim months, fiscal years and 和暦. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/date.h"

static date_t d(const char *s)
{
    date_t t;
    assert_true(date_parse_iso(s, strlen(s), &t));
    return t;
}

static void test_parse_real_dates_only(void **state)
{
    (void)state;
    date_t t;
    assert_false(date_parse_iso("2025-02-30", 10, &t));
    assert_false(date_parse_iso("2025-2-3", 8, &t));
    assert_true(date_parse_iso("2024-02-29", 10, &t));
    assert_false(date_parse_iso("2025-02-29", 10, &t));
    char buf[11];
    date_format_iso(d("2026-03-31"), buf);
    assert_string_equal(buf, "2026-03-31");
    assert_int_equal(d("1970-01-02"), 1);
}

static void test_days_and_overlap(void **state)
{
    (void)state;
    assert_int_equal(date_days_in_month(2026, 2), 28);
    assert_int_equal(date_days_in_month(2024, 2), 29);
    assert_int_equal(date_days_in_month(2025, 4), 30);
    assert_int_equal(date_days_in_month(2025, 5), 31);
    /* enrolled 2025-04-14 .. open, month April: 14..30 = 17 days */
    assert_int_equal(date_overlap_days(d("2025-04-14"), DATE_OPEN, d("2025-04-01"), d("2025-04-30")), 17);
    assert_int_equal(date_overlap_days(d("2025-05-01"), DATE_OPEN, d("2025-04-01"), d("2025-04-30")), 0);
}

static void test_fiscal(void **state)
{
    (void)state;
    claim_month m;
    assert_true(month_parse("2026-03", &m));
    assert_int_equal(month_fiscal_year(m), 2025);
    assert_int_equal(month_fiscal_index(m), 11);
    assert_true(month_parse("2025-04", &m));
    assert_int_equal(month_fiscal_index(m), 0);
    claim_month j = month_of_fiscal(2025, 9);
    assert_int_equal(j.year, 2026);
    assert_int_equal(j.month, 1);
    assert_false(month_parse("2025-13", &m));
    assert_false(month_parse("2025-4", &m));
}

static void test_wareki(void **state)
{
    (void)state;
    char buf[64];
    date_format_wareki(d("2025-05-10"), buf, sizeof buf);
    assert_string_equal(buf, "令和7年5月10日");
    date_format_wareki(d("2019-04-30"), buf, sizeof buf);
    assert_string_equal(buf, "平成31年4月30日");
    date_format_wareki(d("2019-05-01"), buf, sizeof buf);
    assert_string_equal(buf, "令和元年5月1日");
    date_format_wareki(d("2020-01-01"), buf, sizeof buf);
    assert_string_equal(buf, "令和2年1月1日");
    date_format_wareki(d("1989-01-08"), buf, sizeof buf);
    assert_string_equal(buf, "平成元年1月8日");
    date_format_wareki(d("1989-01-07"), buf, sizeof buf);
    assert_string_equal(buf, "昭和64年1月7日");
    claim_month m = {2025, 4};
    month_format_wareki(m, buf, sizeof buf);
    assert_string_equal(buf, "令和7年4月");
    fiscal_year_format_wareki(2025, buf, sizeof buf);
    assert_string_equal(buf, "令和7年度");
    fiscal_year_format_wareki(2019, buf, sizeof buf);
    assert_string_equal(buf, "平成31年度");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_real_dates_only),
        cmocka_unit_test(test_days_and_overlap),
        cmocka_unit_test(test_fiscal),
        cmocka_unit_test(test_wareki),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
