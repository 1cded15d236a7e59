/* The flat form of formulas (src/expr/flat.c lowers, eval.c runs): which
 * instructions a formula becomes (int64 where both operands are whole, the
 * rational path where a fraction can arise, fused rounding), the values they
 * compute over hand-built lines, failures with their message and node, and
 * parts of a formula run alone for explain.  Values worked out by hand in
 * the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "../../src/expr/expr_int.h"

/* Program values the formulas below may read. */
static rule_value values[] = {
    {.name = "unit", .kind = RV_PARAM, .type = VT_YEN, .param = {.n = {55000, 1}}},
    {.name = "rate", .kind = RV_PARAM, .type = VT_YEN, .param = {.n = {2301, 1}}},
    /* 999,999,999,999,999,999: times 10 is over int64's 9.22×10^18 */
    {.name = "big", .kind = RV_PARAM, .type = VT_YEN, .param = {.n = {999999999999999999, 1}}},
    /* 461,168,601,842,738,790 days: far beyond any date */
    {.name = "far", .kind = RV_PARAM, .type = VT_DAYS, .param = {.n = {461168601842738790, 1}}},
    {.name = "high", .kind = RV_PARAM, .type = VT_CARE_SET, .param = {.set = 1u << 1}},
    /* line values of the staff lines, in their slot 0 */
    {.name = "pay", .kind = RV_FORMULA, .scope = SCOPE_STAFF, .type = VT_YEN, .slot = 0},
    {.name = "share", .kind = RV_FORMULA, .scope = SCOPE_STAFF, .type = VT_NUMBER, .slot = 0},
    /* a child line value in slot 0 */
    {.name = "factor", .kind = RV_FORMULA, .scope = SCOPE_CHILD, .type = VT_INT, .slot = 0},
};

static expr_binding bind(void *ctx, const char *name)
{
    (void)ctx;
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
        if (!strcmp(values[i].name, name))
            return (expr_binding){BIND_VALUE, &values[i]};
    return (expr_binding){BIND_NONE, NULL};
}

typedef struct fixture {
    arena a;
    diag_list d;
    expr_compiler ec;
} fixture;

static const expr_code *compile(fixture *f, const char *text, rule_scope scope)
{
    expr_src src = {"t.yaml", 1, 1, false, NULL, NULL, false};
    f->ec = (expr_compiler){.a = &f->a, .d = &f->d, .resolve = bind};
    const expr_code *code = expr_compile(&f->ec, text, src, scope);
    if (!code)
        for (size_t i = 0; i < f->d.n; i++)
            print_message("%s\n", f->d.v[i].msg);
    assert_non_null(code);
    return code;
}

static bool has_op(const expr_code *code, xop xo)
{
    for (int i = 0; i < code->flat->n_ins; i++)
        if (code->flat->ins[i].op == xo)
            return true;
    return false;
}

static void done(fixture *f)
{
    diag_release(&f->d);
    arena_release(&f->a);
}

/* Two child lines of a 30-day month: 17 and 30 enrolled days; the second
 * has care type bit 1 (a "high" one). */
static const child_line kid0 = {.child_ref = "C1", .care_mask = 1u << 0};
static const child_line kid1 = {.child_ref = "C2", .care_mask = 1u << 1};
static const child_line *const kids[] = {&kid0, &kid1};
static const int kid_days[] = {17, 30};

/* Two staff lines: 10.25 h (41/4) and 92.5 h (185/2); salaries 100 and 7. */
static const staff_line st0 = {.employment = "part_time", .hours = {41, 4}, .salary_cost = 100};
static const staff_line st1 = {.employment = "part_time", .hours = {185, 2}, .salary_cost = 7};
static const staff_line *const staff[] = {&st0, &st1};

static eval_ctx month_ctx(value *child_slots, value *staff_slots)
{
    return (eval_ctx){.children = kids, .child_days = kid_days, .n_children = 2,
                      .staff = staff, .n_staff = 2, .days_in_month = 30,
                      .child_slots = child_slots, .child_stride = 1,
                      .staff_slots = staff_slots, .staff_stride = 1};
}

/* Day proration of whole yen: unit × days is int64 (yen × days), the
 * division and rounding one fused instruction straight from 935,000 / 30. */
static void test_whole_path(void **state)
{
    (void)state;
    fixture f = {ARENA_INIT, DIAG_LIST_INIT, {0}};
    const expr_code *down = compile(&f, "round_down(unit * enrolled_days / days_in_month)",
                                    SCOPE_CHILD);
    assert_true(has_op(down, X_ROUND_MULDIV_I)); /* product, quotient, rounding: one */
    assert_false(has_op(down, X_MUL_I) || has_op(down, X_ROUND_DIV_I));
    assert_false(has_op(down, X_DIV) || has_op(down, X_MUL));
    value slots[2];
    eval_ctx c = month_ctx(slots, NULL);
    assert_true(expr_eval_lines(down, &c, 0));
    /* 55,000 × 17 = 935,000; / 30 = 31,166.67 → 31,166; 55,000 × 30 / 30 = 55,000 */
    assert_int_equal(slots[0].n.n, 31166);
    assert_int_equal(slots[0].n.d, 1);
    assert_int_equal(slots[1].n.n, 55000);
    const expr_code *half = compile(&f, "round_half_up(unit * enrolled_days / days_in_month)",
                                    SCOPE_CHILD);
    const expr_code *up = compile(&f, "round_up(unit * enrolled_days / days_in_month, 1000)",
                                  SCOPE_CHILD);
    c.cur_child = 0;
    assert_int_equal(expr_eval(half, &c).n.n, 31167); /* .67 rounds up */
    assert_int_equal(expr_eval(up, &c).n.n, 32000);   /* 31.17 thousands → 32 */
    /* the whole month (30 of 30 days) under a unit of 1,000: 55,000 / 1,000 is
     * 55 exactly, so 55,000; a divisor that may fail keeps the two steps */
    c.cur_child = 1;
    assert_int_equal(expr_eval(up, &c).n.n, 55000);
    const expr_code *two = compile(&f, "round_down(unit * enrolled_days / (days_in_month - 1))",
                                   SCOPE_CHILD);
    assert_true(has_op(two, X_MUL_I) && has_op(two, X_ROUND_DIV_I));
    /* 55,000 × 30 = 1,650,000; / 29 = 56,896.55 → 56,896 */
    assert_int_equal(expr_eval(two, &c).n.n, 56896);
    /* rate × enrolled_days / enrolled_days: b == c, the whole-month shortcut
     * on a division by the line's own days: 2,301 × 17 / 17 = 2,301 */
    const expr_code *same = compile(&f, "round_down(rate * enrolled_days / enrolled_days)",
                                    SCOPE_CHILD);
    c.cur_child = 0;
    assert_int_equal(expr_eval(same, &c).n.n, 2301);
    assert_null(c.err_msg);
    done(&f);
}

/* Hours are rationals: rate × hours is unrounded yen, rounded from the
 * unreduced product in one instruction; a further division takes num's
 * general path. */
static void test_rational_path(void **state)
{
    (void)state;
    fixture f = {ARENA_INIT, DIAG_LIST_INIT, {0}};
    const expr_code *pay = compile(&f, "round_down(hours * rate)", SCOPE_STAFF);
    assert_true(has_op(pay, X_ROUND_MUL));
    value slots[2];
    eval_ctx c = month_ctx(NULL, slots);
    assert_true(expr_eval_lines(pay, &c, 0));
    /* 41/4 × 2,301 = 94,341/4 = 23,585.25 → 23,585; 185/2 × 2,301 = 425,685/2 = 212,842.5 → 212,842 */
    assert_int_equal(slots[0].n.n, 23585);
    assert_int_equal(slots[1].n.n, 212842);
    const expr_code *half = compile(&f, "round_half_up(hours * rate)", SCOPE_STAFF);
    c.cur_staff = 1;
    assert_int_equal(expr_eval(half, &c).n.n, 212843); /* .5 rounds away from zero */
    const expr_code *third = compile(&f, "round_down(hours * rate / 3)", SCOPE_STAFF);
    assert_true(has_op(third, X_MUL) && has_op(third, X_DIV) && has_op(third, X_ROUND));
    /* 425,685/2 / 3 = 425,685/6 = 70,947.5 → 70,947 */
    assert_int_equal(expr_eval(third, &c).n.n, 70947);
    const expr_code *frac = compile(&f, "hours * rate / 3", SCOPE_STAFF);
    value v = expr_eval(frac, &c);
    assert_int_equal(v.n.n, 141895); /* 425,685/6 reduced by 3: 141,895/2 */
    assert_int_equal(v.n.d, 2);
    assert_null(c.err_msg);
    done(&f);
}

/* An overflow is an error at its operator, never a wrapped number. */
static void expect_failure(fixture *f, const char *text, const char *msg, int at)
{
    const expr_code *code = compile(f, text, SCOPE_NURSERY);
    eval_ctx c = month_ctx(NULL, NULL);
    expr_eval(code, &c);
    assert_non_null(c.err_msg);
    assert_string_equal(c.err_msg, msg);
    assert_non_null(c.err_node);
    assert_int_equal(c.err_node->op, at);
}

static void test_failures(void **state)
{
    (void)state;
    fixture f = {ARENA_INIT, DIAG_LIST_INIT, {0}};
    /* 999,999,999,999,999,999 × 10 ≈ 10^19 > 9.22×10^18: int64 product */
    expect_failure(&f, "big * 10", "arithmetic overflow", OP_MUL);
    /* the same product under a fused round(x / y): still the product's */
    expect_failure(&f, "round_down(big * 10 / 3)", "arithmetic overflow", OP_MUL);
    /* also where the divisor equals the factor (no division is done) */
    expect_failure(&f, "round_down(big * 10 / 10)", "arithmetic overflow", OP_MUL);
    /* 55,000 × 0 / 0: the fused division's own failure, not 55,000 */
    expect_failure(&f, "round_down(unit * 0 / 0)", "division by zero", OP_DIV);
    /* a fraction: 10^18 × 9.5 = 19×10^18/2 does not fit either */
    expect_failure(&f, "round_down(big * 9.5)", "arithmetic overflow", OP_MUL);
    /* ten times 10^18 by additions: the tenth is over */
    expect_failure(&f, "big + big + big + big + big + big + big + big + big + big",
                   "arithmetic overflow", OP_ADD);
    /* days_in_month - 30 is 0: the fused division's own failure */
    expect_failure(&f, "round_down(unit / (days_in_month - 30))", "division by zero", OP_DIV);
    expect_failure(&f, "unit / (days_in_month - 30)", "division by zero", OP_DIV);
    /* a date beyond range */
    expect_failure(&f, "month_start + far > month_start", "date out of range (an open end date?)",
                   OP_DATE_ADD);
    done(&f);
}

/* Branches not taken are not run: their failures do not happen. */
static void test_short_circuit(void **state)
{
    (void)state;
    fixture f = {ARENA_INIT, DIAG_LIST_INIT, {0}};
    eval_ctx c = month_ctx(NULL, NULL);
    const expr_code *a = compile(&f, "days_in_month < 30 and unit / (days_in_month - 30) > 0",
                                 SCOPE_NURSERY);
    assert_false(expr_eval(a, &c).b);
    const expr_code *o = compile(&f, "days_in_month == 30 or unit / (days_in_month - 30) > 0",
                                 SCOPE_NURSERY);
    assert_true(expr_eval(o, &c).b);
    const expr_code *i = compile(
        &f, "if count(staff) > 5 then round_down(unit / (days_in_month - 30)) else 7 yen",
        SCOPE_NURSERY);
    assert_int_equal(expr_eval(i, &c).n.n, 7);
    assert_null(c.err_msg);
    /* between two constants: a select, per line */
    const expr_code *cat = compile(&f, "if has_any(care_types, high) then \"H\" else \"S\"",
                                   SCOPE_CHILD);
    assert_true(has_op(cat, X_SELECT) && !has_op(cat, X_JF));
    value slots[2];
    c.child_slots = slots;
    c.child_stride = 1;
    assert_true(expr_eval_lines(cat, &c, 0));
    assert_string_equal(slots[0].s, "S");
    assert_string_equal(slots[1].s, "H");
    done(&f);
}

/* explain runs each aggregate of a formula alone through the same code,
 * also one in a branch the formula did not take. */
static void test_parts_run_alone(void **state)
{
    (void)state;
    fixture f = {ARENA_INIT, DIAG_LIST_INIT, {0}};
    const expr_code *code = compile(
        &f, "if count(staff) == 2 then 0 yen "
            "else sum(staff, salary_cost) * count_distinct(children, child_ref)",
        SCOPE_NURSERY);
    eval_ctx c = month_ctx(NULL, NULL);
    assert_int_equal(expr_eval(code, &c).n.n, 0);
    const enode *agg[4];
    assert_int_equal(expr_aggregates(code, agg, 4), 3);
    /* count(staff) = 2; sum of 100 + 7 = 107; two distinct refs */
    const int64_t want[3] = {2, 107, 2};
    for (int k = 0; k < 3; k++) {
        value v = expr_eval_node(agg[k], &c);
        assert_null(c.err_msg);
        assert_int_equal(v.n.n, want[k]);
    }
    /* a min over lines with a filter: the 92.5 h line alone */
    const expr_code *mn = compile(&f, "min(staff where hours > 50, hours)", SCOPE_NURSERY);
    value v = expr_eval(mn, &c);
    assert_int_equal(v.n.n, 185);
    assert_int_equal(v.n.d, 2);
    done(&f);
}

/* sum(staff, pay) and sum(staff, salary_cost) read in place (X_SUM_SLOT,
 * X_SUM_SALARY): an int64 total while the values are whole, num's from the
 * first fraction on, and an overflow an error at the sum. */
static void test_direct_sums(void **state)
{
    (void)state;
    fixture f = {ARENA_INIT, DIAG_LIST_INIT, {0}};
    const expr_code *pay = compile(&f, "sum(staff, pay)", SCOPE_NURSERY);
    const expr_code *share = compile(&f, "sum(staff, share)", SCOPE_NURSERY);
    const expr_code *sal = compile(&f, "sum(staff, salary_cost)", SCOPE_NURSERY);
    assert_true(has_op(pay, X_SUM_SLOT) && has_op(sal, X_SUM_SALARY));
    value slots[2] = {{.n = {4000000000000000000, 1}}, {.n = {1234, 1}}};
    eval_ctx c = month_ctx(NULL, slots);
    /* 4×10^18 + 1,234 = 4,000,000,000,000,001,234; salaries 100 + 7 = 107 */
    assert_int_equal(expr_eval(pay, &c).n.n, 4000000000000001234);
    assert_int_equal(expr_eval(sal, &c).n.n, 107);
    /* whole 3, then 1/2: 7/2 */
    slots[0] = (value){.n = {3, 1}};
    slots[1] = (value){.n = {1, 2}};
    value v = expr_eval(share, &c);
    assert_int_equal(v.n.n, 7);
    assert_int_equal(v.n.d, 2);
    assert_null(c.err_msg);
    /* 5×10^18 twice is over int64's 9.22×10^18 */
    slots[0] = slots[1] = (value){.n = {5000000000000000000, 1}};
    expr_eval(pay, &c);
    assert_string_equal(c.err_msg, "arithmetic overflow");
    assert_int_equal(c.err_node->op, OP_AGG);
    done(&f);
}

static int count_op(const xins *ins, int n, xop xo)
{
    int k = 0;
    for (int i = 0; i < n; i++)
        k += ins[i].op == xo;
    return k;
}

/* Line formulas joined: a slot stored earlier in the code is read from its
 * register (no X_SLOT_C left, also across an if's jumps), days_in_month is
 * loaded once before the lines; the values as formula by formula. */
static void test_joined_tidy(void **state)
{
    (void)state;
    fixture f = {ARENA_INIT, DIAG_LIST_INIT, {0}};
    const expr_code *codes[3] = {
        compile(&f, "if has_any(care_types, high) then 2 else 1", SCOPE_CHILD),
        compile(&f, "round_down(unit * factor * enrolled_days / days_in_month)", SCOPE_CHILD),
        compile(&f, "if factor > 1 then factor * 3 yen else unit", SCOPE_CHILD),
    };
    const int slots[3] = {0, 1, 2};
    const expr_joined *g = expr_join(&f.a, codes, slots, 3);
    assert_non_null(g);
    assert_int_equal(g->n_pre, 1);
    assert_int_equal(g->x.ins[0].op, X_CTX);
    assert_int_equal(count_op(g->x.ins, g->x.n_ins, X_CTX), 1);
    assert_int_equal(count_op(g->x.ins, g->x.n_ins, X_SLOT_C), 0);
    assert_int_equal(count_op(g->x.ins, g->x.n_ins, X_STORE_C), 3);
    value v[6];
    eval_ctx c = month_ctx(v, NULL);
    c.child_stride = 3;
    assert_true(expr_joined_run(g, &c));
    /* line 0 (not high, 17 days): factor 1; 55,000 × 1 × 17 / 30 = 31,166.67 → 31,166;
     * factor 1 is not > 1: unit 55,000 */
    assert_int_equal(v[0].n.n, 1);
    assert_int_equal(v[1].n.n, 31166);
    assert_int_equal(v[2].n.n, 55000);
    /* line 1 (high, 30 of 30 days): factor 2; 110,000 × 30 / 30 = 110,000; 2 × 3 = 6 */
    assert_int_equal(v[3].n.n, 2);
    assert_int_equal(v[4].n.n, 110000);
    assert_int_equal(v[5].n.n, 6);
    assert_null(c.err_msg);
    done(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_path),     cmocka_unit_test(test_rational_path),
        cmocka_unit_test(test_failures),       cmocka_unit_test(test_short_circuit),
        cmocka_unit_test(test_parts_run_alone),
        cmocka_unit_test(test_direct_sums),
        cmocka_unit_test(test_joined_tidy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
