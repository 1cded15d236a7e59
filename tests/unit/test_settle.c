/* Unit tests for the settlement (精算, SPEC 6.2): the actuals report's
 * intake (values, malformed fields at line:col, repeated lines), compiling a
 * settlement: section (months aggregates, the version's params), and
 * settle_compute over two computed months with hand-worked amounts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kasan/actuals.h"
#include "kasan/engine.h"
#include "kasan/rules.h"
#include "kasan/settle.h"

static const char terms_yaml[] =
    "# Shared terms: what the claims may say and who may be paid (SPEC 1.1, 1.5).\n"
    "kind: terms\n"
    "version: \"2025-04\"\n"
    "title: 共通定義（医療的ケアの種類・対象施設・対象職種・不支給事由）\n"
    "effective_from: 2025-04-01\n"
    "basis: >-\n"
    "  板橋区私立認可保育所医療的ケア児受入加算等実施要綱 第2条（定義）、第3条（対象施設）、\n"
    "  第7条（対象職員）及び第9条（不支給）\n"
    "care_types:\n"
    "  suction: 喀痰吸引\n"
    "  tube_feeding: 経管栄養\n"
    "  urinary_catheter: 導尿\n"
    "  insulin: インスリン注射\n"
    "  oxygen: 酸素療法\n"
    "  tracheostomy: 気管切開部の管理\n"
    "  ventilator: 人工呼吸器の管理\n"
    "  other: その他\n"
    "eligible_nursery_kind: private_licensed\n"
    "eligible_qualifications:\n"
    "  nurse: 看護師\n"
    "  assistant_nurse: 准看護師\n"
    "  public_health_nurse: 保健師\n"
    "  midwife: 助産師\n"
    "rejection_reasons:\n"
    "  unknown_nursery: 施設台帳に登録のない施設番号です\n"
    "  ward_run: 区立保育園は対象外です（区の負担で受け入れています）\n"
    "  nursery_inactive: 当該月に施設の事業期間がありません\n"
    "  no_care_type: 医療的ケアの種類が記載されていません\n"
    "  no_enrolled_day: 当該月の在籍日がありません\n"
    "  duplicate_child: 同一児童が在籍期間の重なる複数の請求に記載されています（要確認）\n"
    "  ineligible_qualification: 対象職種（看護師・准看護師・保健師・助産師）ではありません\n"
    "  no_eligible_child: 当該月に対象となる医療的ケア児がいない施設の職員です\n";

/* A program like B with a settlement that reads a param (the crash of
 * 2026-11-30: a param among a settlement value's dependencies was indexed
 * as one of its own values) and every kind of months aggregate. */
static const char program_yaml[] =
    "program: b\n"
    "version: \"2025-04\"\n"
    "title: 配置補助\n"
    "effective_from: 2025-04-01\n"
    "basis: 要綱\n"
    "params:\n"
    "  monthly_cap:\n"
    "    type: yen\n"
    "    value: 300000\n"
    "values:\n"
    "  standard_amount:\n"
    "    type: yen\n"
    "    formula: min(sum(staff, salary_cost), monthly_cap)\n"
    "  amount:\n"
    "    type: yen\n"
    "    formula: round_down(standard_amount, 1000)\n"
    "result: amount\n"
    "settlement:\n"
    "  repayment_due_days: 20\n"
    "  values:\n"
    "    annual_standard:\n"
    "      label: 基準額（年額）\n"
    "      type: yen\n"
    "      formula: >-\n"
    "        min(sum(months, standard_amount),\n"
    "            sum(months where amount > 0 yen, monthly_cap))\n"
    "    paid_months:\n"
    "      type: number\n"
    "      formula: count(months)\n"
    "    net:\n"
    "      type: yen\n"
    "      formula: max(reported_salary_cost - reported_other_income, 0 yen)\n"
    "    annual:\n"
    "      type: yen\n"
    "      formula: round_down(min(annual_standard, net), 1000)\n"
    "  result: annual\n";

static void load_rules(rule_set *rs)
{
    rule_file f[2] = {
        {.path = "terms.yaml", .name = "terms.yaml", .data = terms_yaml,
         .len = sizeof terms_yaml - 1},
        {.path = "b.yaml", .name = "b.yaml", .data = program_yaml, .len = sizeof program_yaml - 1},
    };
    diag_list d = DIAG_LIST_INIT;
    memset(rs, 0, sizeof *rs);
    int rc = rules_load_files(f, 2, rs, &d);
    diag_print(&d, stderr);
    assert_int_equal(rc, 0);
    diag_release(&d);
}

static void test_compile_settlement(void **state)
{
    (void)state;
    rule_set rs;
    load_rules(&rs);
    assert_int_equal(rs.n_programs, 1);
    const program *p = &rs.programs[0];
    assert_non_null(p->settlement);
    assert_int_equal(p->repayment_due_days, 20);
    assert_int_equal(p->settlement->n_values, 4);
    assert_int_equal(p->settlement->n_order, 4); /* every value ordered, no cycle */
    const program *sp = p->settlement;
    for (size_t i = 0; i < sp->n_values; i++) /* the order's dependencies are its own */
        for (size_t k = 0; k < sp->values[i].n_deps; k++)
            assert_true(sp->values[i].deps[k] >= sp->values &&
                        sp->values[i].deps[k] < sp->values + sp->n_values);
    assert_string_equal(p->settlement->result->name, "annual");
    assert_ptr_equal(settle_program_on(&rs, "b", date_from_ymd(2026, 3, 31)), p);
    rules_free(&rs);
}

#define ACT_HEADER "nursery_id,program,salary_cost,other_income\n"
#define ACT_HEADER_P "nursery_id,program,salary_cost,other_income,period_from,period_to\n"

static void test_actuals_ok(void **state)
{
    (void)state;
    static const char text[] = ACT_HEADER "P001,b,5300000,200000\nP002,b,2778000,\n";
    arena a = ARENA_INIT;
    actuals ac;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(actuals_parse("actuals.csv", text, sizeof text - 1, &a, &ac, &d), 0);
    assert_int_equal(ac.n, 2);
    assert_string_equal(ac.v[1].nursery_id, "P002");
    assert_int_equal(ac.v[0].salary_cost, 5300000);
    assert_int_equal(ac.v[0].other_income, 200000);
    assert_int_equal(ac.v[1].other_income, 0); /* empty = 0 */
    assert_int_equal(ac.v[1].line, 3);
    assert_ptr_equal(actuals_find(&ac, "P002", "b"), &ac.v[1]);
    assert_null(actuals_find(&ac, "P002", "a"));
    arena_release(&a);
}

/* period_from, period_to: both or neither, months, in order. */
static void test_actuals_period(void **state)
{
    (void)state;
    static const char text[] = ACT_HEADER_P "P001,b,5,0,2025-04,2025-09\nP002,b,5,0,,\n"
                                            "P003,b,5,0,2025-04,\nP004,b,5,0,2025-4,2025-09\n"
                                            "P005,b,5,0,2025-10,2025-09\n";
    arena a = ARENA_INIT;
    actuals ac;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(actuals_parse("actuals.csv", text, sizeof text - 1, &a, &ac, &d), -1);
    assert_int_equal(ac.n, 2);
    assert_true(ac.v[0].has_period);
    assert_int_equal(ac.v[0].period_from.month, 4);
    assert_int_equal(ac.v[0].period_to.month, 9);
    assert_false(ac.v[1].has_period);
    assert_int_equal(diag_count(&d), 3);
    assert_int_equal(d.v[0].line, 4);
    assert_int_equal(d.v[0].col, 6);
    assert_non_null(strstr(d.v[0].msg, "column 'period_to': empty, but period_from is given"));
    assert_int_equal(d.v[1].col, 5);
    assert_non_null(strstr(d.v[1].msg, "'2025-4' is not a month (YYYY-MM)"));
    assert_int_equal(d.v[2].line, 6);
    assert_non_null(strstr(d.v[2].msg, "'2025-09' is before period_from"));
    diag_release(&d);
    arena_release(&a);
}

static void test_actuals_errors(void **state)
{
    (void)state;
    static const char text[] =
        ACT_HEADER "P001,b,5,0\nP002,b,-5,0\nP003,b,12ab,\np3,b,1,1\nP001,b,1,1\n";
    arena a = ARENA_INIT;
    actuals ac;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(actuals_parse("actuals.csv", text, sizeof text - 1, &a, &ac, &d), -1);
    assert_int_equal(diag_count(&d), 4);
    /* negative salary_cost: line 3, column 3 */
    assert_int_equal(d.v[0].line, 3);
    assert_int_equal(d.v[0].col, 3);
    assert_non_null(strstr(d.v[0].msg, "column 'salary_cost': '-5' is negative"));
    assert_int_equal(d.v[1].line, 4);
    assert_int_equal(d.v[1].col, 3);
    assert_non_null(strstr(d.v[1].msg, "not a whole yen amount"));
    assert_int_equal(d.v[2].line, 5); /* a lower-case id */
    assert_int_equal(d.v[2].col, 1);
    assert_int_equal(d.v[3].line, 6); /* the repeat of line 2's nursery × program */
    assert_string_equal(d.v[3].msg, "duplicate line: nursery P001, program b is already "
                                    "reported on line 2");
    diag_release(&d);
    arena_release(&a);
}

#define REG "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch," \
            "account_type,account_number,account_holder\n"                            \
            "P001,あ,private_licensed,法人,2000-04-01,,銀行,支店,ordinary,1234567,ｱ\n"  \
            "P002,い,private_licensed,法人,2000-04-01,,銀行,支店,ordinary,1234567,ｲ\n"
#define KIDS "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n" \
             "P001,C1,suction,2024-04-01,\nP002,C2,suction,2024-04-01,\n"
#define STAFF_HEADER \
    "nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n"

static void compute_month_reg(const rule_set *rs, int mon, const char *reg, const char *staff,
                              month_run *run)
{
    static const char kids[] = KIDS;
    input_file in[INPUT_COUNT] = {
        {.name = "nurseries.csv", .data = reg, .len = strlen(reg)},
        {.name = "children.csv", .data = kids, .len = sizeof kids - 1},
        {.name = "nurses.csv", .data = staff, .len = strlen(staff)},
    };
    diag_list d = DIAG_LIST_INIT;
    int rc = engine_compute(rs, (claim_month){2025, mon}, in, run, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    assert_int_equal(rc, 0);
}

static void compute_month(const rule_set *rs, int mon, const char *staff, month_run *run)
{
    static const char reg[] = REG, kids[] = KIDS;
    input_file in[INPUT_COUNT] = {
        {.name = "nurseries.csv", .data = reg, .len = sizeof reg - 1},
        {.name = "children.csv", .data = kids, .len = sizeof kids - 1},
        {.name = "nurses.csv", .data = staff, .len = strlen(staff)},
    };
    diag_list d = DIAG_LIST_INIT;
    claim_month m = {2025, mon};
    int rc = engine_compute(rs, m, in, run, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    assert_int_equal(rc, 0);
}

static void test_settle_compute(void **state)
{
    (void)state;
    rule_set rs;
    load_rules(&rs);
    month_run runs[2];
    /* April: P001 staff 320,000 → standard min(320,000, 300,000) = 300,000,
     * amount 300,000; P002 staff 150,500 → 150,500, amount 150,000.
     * May: P001 280,000 → 280,000 / 280,000; P002 nothing claimed → no B. */
    compute_month(&rs, 4, STAFF_HEADER "P001,S1,nurse,full_time,,320000,\n"
                                       "P002,S2,nurse,full_time,,150500,\n", &runs[0]);
    compute_month(&rs, 5, STAFF_HEADER "P001,S1,nurse,full_time,,280000,\n", &runs[1]);
    const month_run *mp[2] = {&runs[1], &runs[0]}; /* any order */
    static const char text[] = ACT_HEADER "P001,b,610000,5000\nP002,b,150500,\n";
    arena a = ARENA_INIT;
    actuals ac;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(actuals_parse("actuals.csv", text, sizeof text - 1, &a, &ac, &d), 0);
    settlement s;
    int rc = settle_compute(&rs, 2025, mp, 2, &ac, &s, &d);
    diag_print(&d, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(s.n_missing, 10); /* June … March */
    assert_int_equal(s.n_rows, 2);
    /* P001: annual_standard = min(300,000 + 280,000, 300,000 × 2 months paid)
     * = 580,000; net = 610,000 − 5,000 = 605,000; annual = round_down(
     * min(580,000, 605,000), 1000) = 580,000; paid 300,000 + 280,000 =
     * 580,000 → 0. */
    assert_string_equal(s.rows[0].nursery_id, "P001");
    assert_int_equal(s.rows[0].n_months, 2);
    assert_int_equal(s.rows[0].annual, 580000);
    assert_int_equal(s.rows[0].paid, 580000);
    assert_int_equal(s.rows[0].difference, 0);
    /* P002 appears in May with no staff (amount 0): count(months) = 2 but one
     * paid.  annual_standard = min(150,500 + 0, 300,000 × 1) = 150,500; net
     * 150,500; annual = 150,000; paid 150,000 → 0.  With other_income 1,000
     * it would be round_down(149,500, 1000) = 149,000 → 返還 1,000 (below). */
    assert_int_equal(s.rows[1].n_months, 2);
    assert_int_equal(s.rows[1].annual, 150000);
    assert_int_equal(s.rows[1].difference, 0);
    assert_int_equal(s.additional_total, 0);
    assert_int_equal(s.repayment_total, 0);
    settle_free(&s);

    static const char text2[] = ACT_HEADER "P001,b,610000,5000\nP002,b,150500,1000\n";
    assert_int_equal(actuals_parse("actuals.csv", text2, sizeof text2 - 1, &a, &ac, &d), 0);
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), 0);
    assert_int_equal(s.rows[1].annual, 149000);
    assert_int_equal(s.rows[1].difference, -1000);
    assert_int_equal(s.repayment_total, 1000);
    /* 返還期限: 2026-06-10 + 20 days = 2026-06-30 */
    assert_int_equal(settle_repayment_due(&s.rows[1], date_from_ymd(2026, 6, 10)),
                     date_from_ymd(2026, 6, 30));
    settle_free(&s);

    /* Missing P002 and an extra P009: both listed, nothing computed. */
    static const char text3[] = ACT_HEADER "P001,b,610000,5000\nP009,b,1,\n";
    assert_int_equal(actuals_parse("actuals.csv", text3, sizeof text3 - 1, &a, &ac, &d), 0);
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), -1);
    assert_int_equal(diag_count(&d), 2);
    assert_non_null(strstr(d.v[0].msg, "no line for nursery P002, program b"));
    assert_int_equal(d.v[1].line, 3);
    assert_non_null(strstr(d.v[1].msg, "nursery P009 was not paid under b"));
    settle_free(&s);
    diag_release(&d);
    arena_release(&a);
    engine_free(&runs[0]);
    engine_free(&runs[1]);
    rules_free(&rs);
}

/* The 交付確定額 capped by the grant decision (issue 24, docs/spec/12): the
 * months of test_settle_compute, P001's annual 580,000 and P002's 150,000
 * (paid 580,000 and 150,000). */
static void test_settle_cap(void **state)
{
    (void)state;
    rule_set rs;
    load_rules(&rs);
    month_run runs[2];
    compute_month(&rs, 4, STAFF_HEADER "P001,S1,nurse,full_time,,320000,\n"
                                       "P002,S2,nurse,full_time,,150500,\n", &runs[0]);
    compute_month(&rs, 5, STAFF_HEADER "P001,S1,nurse,full_time,,280000,\n", &runs[1]);
    const month_run *mp[2] = {&runs[0], &runs[1]};
    static const char text[] = ACT_HEADER "P001,b,610000,5000\nP002,b,150500,\n";
    arena a = ARENA_INIT;
    actuals ac;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(actuals_parse("actuals.csv", text, sizeof text - 1, &a, &ac, &d), 0);
    settlement s;
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), 0);
    /* P001 decided 570,000: annual min(580,000, 570,000) = 570,000, paid
     * 580,000 → 返還 10,000.  P002 decided 200,000: 150,000 stays, not capped. */
    static const settle_cap_row caps[] = {{"P001", "b", 570000}, {"P002", "b", 200000}};
    assert_int_equal(settle_cap(&s, caps, 2, &d), 0);
    assert_true(s.rows[0].capped);
    assert_int_equal(s.rows[0].computed_annual, 580000);
    assert_int_equal(s.rows[0].annual, 570000);
    assert_int_equal(s.rows[0].difference, -10000);
    assert_false(s.rows[1].capped);
    assert_int_equal(s.rows[1].annual, 150000);
    /* totals recomputed: annual 570,000 + 150,000 = 720,000; 返還 10,000 */
    assert_int_equal(s.annual_total, 720000);
    assert_int_equal(s.repayment_total, 10000);
    assert_int_equal(s.additional_total, 0);
    settle_free(&s);

    /* P002 with no decided row: its cap is 0, the whole 150,000 returned;
     * caps out of order are refused */
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), 0);
    static const settle_cap_row only_p001[] = {{"P001", "b", 600000}};
    assert_int_equal(settle_cap(&s, only_p001, 1, &d), 0);
    assert_false(s.rows[0].capped);
    assert_int_equal(s.rows[1].annual, 0);
    assert_int_equal(s.rows[1].difference, -150000);
    settle_free(&s);
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), 0);
    static const settle_cap_row disorder[] = {{"P002", "b", 1}, {"P001", "b", 1}};
    assert_int_equal(settle_cap(&s, disorder, 2, &d), -1);
    assert_non_null(strstr(d.v[diag_count(&d) - 1].msg, "not in nursery and program order"));
    settle_free(&s);
    diag_release(&d);
    arena_release(&a);
    engine_free(&runs[0]);
    engine_free(&runs[1]);
    rules_free(&rs);
}

/* Actuals that may count months the nursery was not active (issue 21, item
 * 12): P002 closes on 2025-04-30 but sends May's lines too (rejected,
 * nursery_inactive).  Without a period the warning names May from those
 * claims; with a period, the period's months are checked against the active
 * period; a period outside the year is an error. */
static void test_settle_warnings(void **state)
{
    (void)state;
    static const char reg[] =
        "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,"
        "account_type,account_number,account_holder\n"
        "P001,あ,private_licensed,法人,2000-04-01,,銀行,支店,ordinary,1234567,ｱ\n"
        "P002,い,private_licensed,法人,2000-04-01,2025-04-30,銀行,支店,ordinary,1234567,ｲ\n";
    rule_set rs;
    load_rules(&rs);
    month_run runs[2];
    compute_month_reg(&rs, 4, reg, STAFF_HEADER "P001,S1,nurse,full_time,,320000,\n"
                                                "P002,S2,nurse,full_time,,150500,\n", &runs[0]);
    compute_month_reg(&rs, 5, reg, STAFF_HEADER "P001,S1,nurse,full_time,,280000,\n"
                                                "P002,S2,nurse,full_time,,150500,\n", &runs[1]);
    const month_run *mp[2] = {&runs[0], &runs[1]};
    arena a = ARENA_INIT;
    actuals ac;
    diag_list d = DIAG_LIST_INIT;
    settlement s;
    /* no period: P002 claimed for May (its child and staff lines rejected) */
    static const char t1[] = ACT_HEADER "P001,b,610000,5000\nP002,b,301000,\n";
    assert_int_equal(actuals_parse("actuals.csv", t1, sizeof t1 - 1, &a, &ac, &d), 0);
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), 0);
    assert_int_equal(s.n_warnings, 1);
    assert_int_equal(s.warnings[0].kind, SETTLE_WARN_CLAIMED_INACTIVE);
    assert_string_equal(s.rows[s.warnings[0].row].nursery_id, "P002");
    assert_int_equal(s.warnings[0].months, 1u << 1); /* May: fiscal month 1 */
    assert_int_equal(s.rows[1].active_to, date_from_ymd(2025, 4, 30));
    char msg[1024];
    settle_warning_text(&s, &s.warnings[0], msg, sizeof msg);
    assert_string_equal(msg, "P002 b: claims were sent for 2025-05, when the nursery was not "
                             "active (2000-04-01..2025-04-30), and the actuals report gives no "
                             "period: check that salary_cost 301,000 yen and other_income 0 yen "
                             "leave those months out, and give the report's period_from and "
                             "period_to");
    assert_string_equal(s.actuals_file, "actuals.csv");
    settle_free(&s);
    /* a period that covers April and May: May was not active */
    static const char t2[] = ACT_HEADER_P "P001,b,610000,5000,2025-04,2026-03\n"
                                          "P002,b,301000,,2025-04,2025-05\n";
    assert_int_equal(actuals_parse("actuals.csv", t2, sizeof t2 - 1, &a, &ac, &d), 0);
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), 0);
    assert_int_equal(s.n_warnings, 1);
    assert_int_equal(s.warnings[0].kind, SETTLE_WARN_PERIOD_INACTIVE);
    assert_int_equal(s.warnings[0].months, 1u << 1);
    settle_warning_text(&s, &s.warnings[0], msg, sizeof msg);
    assert_non_null(strstr(msg, "P002 b: the actuals report's period covers 2025-05, when the "
                                "nursery was not active (2000-04-01..2025-04-30)"));
    settle_free(&s);
    /* April alone: nothing to say, though May's lines were sent */
    static const char t3[] = ACT_HEADER_P "P001,b,610000,5000,2025-04,2025-05\n"
                                          "P002,b,150500,,2025-04,2025-04\n";
    assert_int_equal(actuals_parse("actuals.csv", t3, sizeof t3 - 1, &a, &ac, &d), 0);
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), 0);
    assert_int_equal(s.n_warnings, 0);
    settle_free(&s);
    /* a period from March 2025: outside FY2025 */
    static const char t4[] = ACT_HEADER_P "P001,b,610000,5000,2025-03,2025-05\n"
                                          "P002,b,150500,,2025-04,2025-04\n";
    assert_int_equal(actuals_parse("actuals.csv", t4, sizeof t4 - 1, &a, &ac, &d), 0);
    assert_int_equal(settle_compute(&rs, 2025, mp, 2, &ac, &s, &d), -1);
    assert_int_equal(diag_count(&d), 1);
    assert_int_equal(d.v[0].line, 2);
    assert_string_equal(d.v[0].msg, "nursery P001: the period 2025-03..2025-05 is not within "
                                    "FY2025 (2025-04..2026-03)");
    settle_free(&s);
    diag_release(&d);
    arena_release(&a);
    engine_free(&runs[0]);
    engine_free(&runs[1]);
    rules_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compile_settlement),
        cmocka_unit_test(test_actuals_ok),
        cmocka_unit_test(test_actuals_errors),
        cmocka_unit_test(test_settle_compute),
        cmocka_unit_test(test_settle_cap),
        cmocka_unit_test(test_settle_warnings),
        cmocka_unit_test(test_actuals_period),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
