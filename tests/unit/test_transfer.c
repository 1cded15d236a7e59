/* transfer: what a transfer file pays (src/report/transfer.c) — per nursery the
 * positive per-program differences over what was paid before, worked out by
 * hand; a lowered program never nets against another's 追給; repeated lines
 * and overflow refused; the Zengin records filled from a registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/report_transfer.h"

static void test_whole_run(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    /* unsorted on purpose: P1 = 20 + 30 = 50, P2 = 100; total 150 */
    transfer_line due[] = {{"P2", "a", 100}, {"P1", "b", 30}, {"P1", "a", 20}};
    transfer_plan p;
    assert_int_equal(transfer_plan_build(due, 3, NULL, 0, &a, &p, &d), 0);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.sums[0].nursery_id, "P1");
    assert_int_equal(p.sums[0].yen, 50);
    assert_string_equal(p.sums[1].nursery_id, "P2");
    assert_int_equal(p.sums[1].yen, 100);
    assert_int_equal(p.total, 150);
    assert_int_equal(p.lowered, 0);
    arena_release(&a);
}

static void test_positive_differences(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    transfer_line due[] = {{"P1", "a", 100}, {"P1", "b", 10}, {"P2", "a", 50}, {"P3", "a", 5}};
    transfer_line base[] = {{"P4", "a", 7}, {"P1", "a", 80}, {"P1", "b", 40}, {"P2", "a", 50}};
    /* P1: a +20, b −30 → 20 transferred (not the net −10); P2: 0 → no record;
     * P3: new, +5; P4: gone, −7.  total 25; lowered 30 + 7 = 37;
     * check: due 165 − paid 177 = −12 = 25 − 37. */
    transfer_plan p;
    assert_int_equal(transfer_plan_build(due, 4, base, 4, &a, &p, &d), 0);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.sums[0].nursery_id, "P1");
    assert_int_equal(p.sums[0].yen, 20);
    assert_string_equal(p.sums[1].nursery_id, "P3");
    assert_int_equal(p.sums[1].yen, 5);
    assert_int_equal(p.total, 25);
    assert_int_equal(p.lowered, 37);
    arena_release(&a);
}

static void test_nothing_due(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    transfer_line due[] = {{"P1", "a", 900}};
    transfer_line base[] = {{"P1", "a", 1000}};
    transfer_plan p;
    assert_int_equal(transfer_plan_build(due, 1, base, 1, &a, &p, &d), 0);
    assert_int_equal(p.n, 0);
    assert_int_equal(p.total, 0);
    assert_int_equal(p.lowered, 100);
    arena_release(&a);
}

static void test_refusals(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    transfer_plan p;
    transfer_line twice[] = {{"P1", "a", 1}, {"P1", "a", 2}};
    assert_int_equal(transfer_plan_build(twice, 2, NULL, 0, &a, &p, &d), -1);
    assert_non_null(strstr(d.v[0].msg, "P1 program a appears twice"));
    transfer_line big[] = {{"P1", "a", INT64_MAX}, {"P1", "b", 1}};
    assert_int_equal(transfer_plan_build(big, 2, NULL, 0, &a, &p, &d), -1);
    assert_non_null(strstr(d.v[1].msg, "overflows"));
    transfer_line neg[] = {{"P1", "a", INT64_MIN}};
    transfer_line one[] = {{"P1", "a", 1}};
    assert_int_equal(transfer_plan_build(neg, 1, one, 1, &a, &p, &d), -1);
    diag_release(&d);
    arena_release(&a);
}

static const char registry_csv[] =
    "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,"
    "account_number,account_holder,bank_code,branch_code,bank_name_kana,branch_name_kana\n"
    "P001,あおば,private_licensed,青葉会,1978-04-01,,三井住友銀行,大山支店,ordinary,1466542,"
    "ｱｵﾊﾞｶｲ,0009,401,ﾐﾂｲｽﾐﾄﾓ,ｵｵﾔﾏ\n"
    "P011,わかば,private_licensed,若葉会,1983-04-01,,巣鴨信用金庫,板橋支店,current,1147278,"
    "ﾜｶﾊﾞｶｲ,1344,453,ｽｶﾞﾓｼﾝｷﾝ,ｲﾀﾊﾞｼ\n";

static void test_records(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    registry reg;
    assert_int_equal(registry_parse("nurseries.csv", registry_csv, sizeof registry_csv - 1,
                                    "private_licensed", &a, &reg, &d), 0);
    transfer_sum s[] = {{"P001", 1000}, {"P011", 613333}};
    transfer_plan p = {s, 2, 614333, 0};
    zengin_transfer *t;
    assert_int_equal(transfer_records(&reg, &p, &a, &t, &d), 0);
    assert_string_equal(t[0].bank_code, "0009");
    assert_string_equal(t[0].branch_name, "ｵｵﾔﾏ");
    assert_int_equal(t[0].account_type, ZENGIN_ORDINARY);
    assert_string_equal(t[0].customer_code1, "0000000001");
    assert_int_equal(t[0].amount, 1000);
    assert_int_equal(t[1].account_type, ZENGIN_CURRENT);
    assert_string_equal(t[1].account_number, "1147278");
    assert_string_equal(t[1].customer_code1, "0000000011");
    assert_int_equal(t[1].amount, 613333);
    transfer_sum gone[] = {{"P999", 5}};
    transfer_plan q = {gone, 1, 5, 0};
    assert_int_equal(transfer_records(&reg, &q, &a, &t, &d), -1);
    assert_non_null(strstr(d.v[0].msg, "P999: paid but not in the registry"));
    diag_release(&d);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_run),
        cmocka_unit_test(test_positive_differences),
        cmocka_unit_test(test_nothing_due),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_records),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
