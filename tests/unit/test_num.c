/* Exact money: checked arithmetic, explicit rounding, parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/num.h"

static num parse(const char *s)
{
    num v;
    assert_int_equal(num_parse(s, strlen(s), &v), NUM_OK);
    return v;
}

static void test_prorate_rounds_down(void **state)
{
    (void)state;
    /* 50,000 × 17 / 30 = 28,333.33… → 28,333 */
    num a, b, r;
    assert_int_equal(num_mul(num_int(50000), num_int(17), &a), NUM_OK);
    assert_int_equal(num_div(a, num_int(30), &b), NUM_OK);
    assert_false(num_is_int(b));
    assert_int_equal(num_round(b, 1, ROUND_DOWN, &r), NUM_OK);
    assert_int_equal(r.n, 28333);
    assert_int_equal(num_round(b, 1, ROUND_UP, &r), NUM_OK);
    assert_int_equal(r.n, 28334);
    assert_int_equal(num_round(b, 1, ROUND_HALF_UP, &r), NUM_OK);
    assert_int_equal(r.n, 28333);
}

static void test_thousand_unit(void **state)
{
    (void)state;
    num r;
    /* 千円未満切り捨て: 485,999 → 485,000; half-up at 500 → up */
    assert_int_equal(num_round(num_int(485999), 1000, ROUND_DOWN, &r), NUM_OK);
    assert_int_equal(r.n, 485000);
    assert_int_equal(num_round(num_int(485500), 1000, ROUND_HALF_UP, &r), NUM_OK);
    assert_int_equal(r.n, 486000);
    assert_int_equal(num_round(num_int(485499), 1000, ROUND_HALF_UP, &r), NUM_OK);
    assert_int_equal(r.n, 485000);
    /* toward zero for negatives */
    assert_int_equal(num_round(num_int(-1500), 1000, ROUND_DOWN, &r), NUM_OK);
    assert_int_equal(r.n, -1000);
}

static void test_decimal_hours(void **state)
{
    (void)state;
    /* 92.5 h × 2,300 = 212,750 exactly; 40.75 × 2,300 = 93,725 */
    num r;
    assert_int_equal(num_mul(parse("92.5"), num_int(2300), &r), NUM_OK);
    assert_true(num_is_int(r));
    assert_int_equal(r.n, 212750);
    assert_int_equal(num_mul(parse("40.75"), num_int(2300), &r), NUM_OK);
    assert_int_equal(r.n, 93725);
    /* 0.1 + 0.2 == 0.3 exactly */
    num s;
    assert_int_equal(num_add(parse("0.1"), parse("0.2"), &s), NUM_OK);
    assert_int_equal(num_cmp(s, parse("0.3")), 0);
}

static void test_overflow_is_error(void **state)
{
    (void)state;
    num r;
    assert_int_equal(num_mul(num_int(INT64_MAX / 2), num_int(3), &r), NUM_OVERFLOW);
    assert_int_equal(num_add(num_int(INT64_MAX), num_int(1), &r), NUM_OVERFLOW);
    assert_int_equal(num_div(num_int(1), num_int(0), &r), NUM_DIV_ZERO);
}

static void test_parse_rejects(void **state)
{
    (void)state;
    num v;
    assert_int_equal(num_parse("abc", 3, &v), NUM_SYNTAX);
    assert_int_equal(num_parse("1.", 2, &v), NUM_SYNTAX);
    assert_int_equal(num_parse(".5", 2, &v), NUM_SYNTAX);
    assert_int_equal(num_parse("", 0, &v), NUM_SYNTAX);
    assert_int_equal(num_parse("1e5", 3, &v), NUM_SYNTAX);
    const char *big = "1234567890123456789012";
    assert_int_equal(num_parse(big, strlen(big), &v), NUM_TOO_LONG);
}

static void test_format(void **state)
{
    (void)state;
    char buf[64];
    num_format(parse("92.50"), buf, sizeof buf);
    assert_string_equal(buf, "92.5");
    num_format_grouped(num_int(16444000), buf, sizeof buf);
    assert_string_equal(buf, "16,444,000");
    num third;
    num_div(num_int(1), num_int(3), &third);
    num_format(third, buf, sizeof buf);
    assert_string_equal(buf, "1/3");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prorate_rounds_down), cmocka_unit_test(test_thousand_unit),
        cmocka_unit_test(test_decimal_hours),       cmocka_unit_test(test_overflow_is_error),
        cmocka_unit_test(test_parse_rejects),       cmocka_unit_test(test_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
