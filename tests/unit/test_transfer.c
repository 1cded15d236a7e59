/* transfer: what a transfer file pays (src/flow/transfer_plan.c) — per nursery the
 * positive per-program differences over what was paid before, worked out by
 * hand; a lowered program never nets against another's 追給; repeated lines
 * and overflow refused; the Zengin records filled from a registry; the
 * "transfer" event recorded, refused twice without a reissue reason, read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/hash.h"
#include "kasan/ledger_transfer.h"
#include "kasan/flow.h"

static void test_whole_run(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    /* unsorted on purpose: P1 = 20 + 30 = 50, P2 = 100; total 150 */
    flow_transfer_line due[] = {{"P2", "a", 100}, {"P1", "b", 30}, {"P1", "a", 20}};
    flow_transfer_plan p;
    assert_int_equal(flow_transfer_plan_build(due, 3, NULL, 0, &a, &p, &d), 0);
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
    flow_transfer_line due[] = {{"P1", "a", 100}, {"P1", "b", 10}, {"P2", "a", 50}, {"P3", "a", 5}};
    flow_transfer_line base[] = {{"P4", "a", 7}, {"P1", "a", 80}, {"P1", "b", 40}, {"P2", "a", 50}};
    /* P1: a +20, b −30 → 20 transferred (not the net −10); P2: 0 → no record;
     * P3: new, +5; P4: gone, −7.  total 25; lowered 30 + 7 = 37;
     * check: due 165 − paid 177 = −12 = 25 − 37. */
    flow_transfer_plan p;
    assert_int_equal(flow_transfer_plan_build(due, 4, base, 4, &a, &p, &d), 0);
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
    flow_transfer_line due[] = {{"P1", "a", 900}};
    flow_transfer_line base[] = {{"P1", "a", 1000}};
    flow_transfer_plan p;
    assert_int_equal(flow_transfer_plan_build(due, 1, base, 1, &a, &p, &d), 0);
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
    flow_transfer_plan p;
    flow_transfer_line twice[] = {{"P1", "a", 1}, {"P1", "a", 2}};
    assert_int_equal(flow_transfer_plan_build(twice, 2, NULL, 0, &a, &p, &d), -1);
    assert_non_null(strstr(d.v[0].msg, "P1 program a appears twice"));
    flow_transfer_line big[] = {{"P1", "a", INT64_MAX}, {"P1", "b", 1}};
    assert_int_equal(flow_transfer_plan_build(big, 2, NULL, 0, &a, &p, &d), -1);
    assert_non_null(strstr(d.v[1].msg, "overflows"));
    flow_transfer_line neg[] = {{"P1", "a", INT64_MIN}};
    flow_transfer_line one[] = {{"P1", "a", 1}};
    assert_int_equal(flow_transfer_plan_build(neg, 1, one, 1, &a, &p, &d), -1);
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
    flow_transfer_sum s[] = {{"P001", 1000}, {"P011", 613333}};
    flow_transfer_plan p = {s, 2, 614333, 0};
    zengin_transfer *t;
    assert_int_equal(flow_transfer_records(&reg, &p, &a, &t, &d), 0);
    assert_string_equal(t[0].bank_code, "0009");
    assert_string_equal(t[0].branch_name, "ｵｵﾔﾏ");
    assert_int_equal(t[0].account_type, ZENGIN_ORDINARY);
    assert_string_equal(t[0].customer_code1, "0000000001");
    assert_int_equal(t[0].amount, 1000);
    assert_int_equal(t[1].account_type, ZENGIN_CURRENT);
    assert_string_equal(t[1].account_number, "1147278");
    assert_string_equal(t[1].customer_code1, "0000000011");
    assert_int_equal(t[1].amount, 613333);
    flow_transfer_sum gone[] = {{"P999", 5}};
    flow_transfer_plan q = {gone, 1, 5, 0};
    assert_int_equal(flow_transfer_records(&reg, &q, &a, &t, &d), -1);
    assert_non_null(strstr(d.v[0].msg, "P999: paid but not in the registry"));
    diag_release(&d);
    arena_release(&a);
}

static void test_ledger_events(void **state)
{
    (void)state;
    char dir[] = "/tmp/kasan-transfer-XXXXXX", path[64], err[256], hash[SHA256_HEX_LEN + 1];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/ledger.sqlite", dir);
    ledger *lg;
    assert_int_equal(ledger_open(path, true, &lg, err, sizeof err), LEDGER_OK);
    static const char bytes[] = "1 the file's bytes\r\n";
    char sha[SHA256_HEX_LEN + 1];
    hash_sha256_hex(bytes, sizeof bytes - 1, sha);
    ledger_transfer t = {.month = "2025-04", .run_id = "run-1", .file = "2025-04/transfer-2025-04.txt",
                         .sha256 = sha, .count = 9, .total_yen = 1149333,
                         .transfer_date = "2025-05-23", .actor = "tester",
                         .payer_version = "2025-04", .payer_source = "archived",
                         .data = bytes, .len = sizeof bytes - 1};
    int64_t seq = 0;
    /* bytes that are not the recorded SHA-256's */
    t.len--;
    assert_int_equal(ledger_transfer_record(lg, &t, NULL, NULL), LEDGER_INVALID);
    t.len++;
    assert_int_equal(ledger_transfer_record(lg, &t, &seq, hash), LEDGER_OK);
    assert_int_equal(seq, 1);
    /* the same run again: refused without a reason; the same file name: refused too
     * (two reissues racing for one name: the loser is a refusal, not a fault) */
    t.file = "2025-04/transfer-2025-04-2.txt";
    assert_int_equal(ledger_transfer_record(lg, &t, NULL, NULL), LEDGER_ALREADY_FINALIZED);
    assert_non_null(strstr(ledger_errmsg(lg), "--reissue"));
    t.reissue_reason = "再送";
    t.file = "2025-04/transfer-2025-04.txt";
    assert_int_equal(ledger_transfer_record(lg, &t, NULL, NULL), LEDGER_ALREADY_FINALIZED);
    assert_non_null(strstr(ledger_errmsg(lg), "is already recorded"));
    t.file = "2025-04/transfer-2025-04-2.txt";
    assert_int_equal(ledger_transfer_record(lg, &t, &seq, NULL), LEDGER_OK);
    assert_int_equal(seq, 2);
    /* a settlement of the same run id is another subject */
    ledger_transfer s = t;
    s.month = NULL, s.settlement_fy = 2025, s.reissue_reason = NULL;
    s.file = "settlement-2025/transfer-settlement-2025.txt";
    assert_int_equal(ledger_transfer_record(lg, &s, &seq, NULL), LEDGER_OK);
    s.count = -1;
    assert_int_equal(ledger_transfer_record(lg, &s, NULL, NULL), LEDGER_INVALID);
    arena a = ARENA_INIT;
    ledger_transfer *v;
    size_t n;
    assert_int_equal(ledger_transfers(lg, &a, &v, &n), LEDGER_OK);
    assert_int_equal(n, 3);
    assert_string_equal(v[0].file, "2025-04/transfer-2025-04.txt");
    assert_string_equal(v[0].sha256, sha);
    assert_int_equal(v[0].total_yen, 1149333);
    assert_null(v[0].reissue_reason);
    assert_null(v[0].base_run_id);
    assert_string_equal(v[1].reissue_reason, "再送");
    assert_null(v[2].month);
    assert_int_equal(v[2].settlement_fy, 2025);
    char *back;
    size_t n_back;
    assert_int_equal(ledger_blob_get(lg, sha, &back, &n_back), LEDGER_OK); /* the bytes kept */
    assert_int_equal(n_back, sizeof bytes - 1);
    assert_memory_equal(back, bytes, n_back);
    free(back);
    assert_int_equal(ledger_verify(lg, stderr, NULL), 0);
    arena_release(&a);
    ledger_close(lg);
    assert_int_equal(fs_remove_tree(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_run),
        cmocka_unit_test(test_positive_differences),
        cmocka_unit_test(test_nothing_due),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_ledger_events),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
