/* rules, kind: payer — loading, the version in force on a transfer date, and
 * that the loaded fields are what the Zengin writer takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/rules.h"

static const char terms[] =
    "kind: terms\nversion: \"2025-04\"\ntitle: t\neffective_from: 2025-04-01\nbasis: b\n"
    "care_types:\n  suction: 喀痰吸引\neligible_nursery_kind: private_licensed\n"
    "eligible_qualifications:\n  nurse: 看護師\nrejection_reasons:\n"
    "  unknown_nursery: a\n  ward_run: a\n  nursery_inactive: a\n  no_care_type: a\n"
    "  no_enrolled_day: a\n  duplicate_child: a\n  ineligible_qualification: a\n"
    "  no_eligible_child: a\n";

/* The SPEC 7 sample, then a 当座 account from October written in full-width. */
static const char payer_apr[] =
    "kind: payer\nversion: \"2025-04\"\ntitle: 板橋区会計管理者 支払口座\n"
    "effective_from: 2025-04-01\nbasis: 板橋区会計事務規則\nrequester_code: \"0000012345\"\n"
    "requester_name: ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼﾔ\nbank_code: \"0001\"\nbank_name: ﾐｽﾞﾎ\n"
    "branch_code: \"234\"\nbranch_name: ｲﾀﾊﾞｼ\naccount_type: ordinary\n"
    "account_number: \"1234567\"\n";
static const char payer_oct[] =
    "kind: payer\nversion: \"2025-10\"\ntitle: t\neffective_from: 2025-10-01\nbasis: b\n"
    "requester_code: \"0000012345\"\nrequester_name: イタバシク　カイケイカンリシャ\n"
    "bank_code: \"0009\"\nbank_name: ミツイスミトモ\nbranch_code: \"045\"\n"
    "branch_name: イタバシ\naccount_type: current\naccount_number: \"89\"\n";

static void test_payer_in_force(void **state)
{
    (void)state;
    rule_file files[3] = {{.path = "terms.yaml", .data = terms, .len = sizeof terms - 1},
                          {.path = "payer/2025-10.yaml", .data = payer_oct, .len = sizeof payer_oct - 1},
                          {.path = "payer/2025-04.yaml", .data = payer_apr, .len = sizeof payer_apr - 1}};
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    diag_list d = DIAG_LIST_INIT;
    int rc = rules_load_files(files, 3, &rs, &d);
    diag_print(&d, stderr);
    assert_int_equal(rc, 0);
    assert_int_equal(rs.n_payers, 2);
    assert_null(rules_payer_in_force(&rs, date_from_ymd(2025, 3, 31)));
    const rule_payer *p = rules_payer_in_force(&rs, date_from_ymd(2025, 9, 30));
    assert_non_null(p);
    assert_string_equal(p->version, "2025-04");
    /* its open end became the day before the October version */
    assert_int_equal(p->effective_to, date_from_ymd(2025, 9, 30));
    assert_string_equal(p->requester_code, "0000012345");
    assert_string_equal(p->requester_name, "ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼﾔ");
    assert_string_equal(p->bank_code, "0001");
    assert_string_equal(p->branch_name, "ｲﾀﾊﾞｼ");
    assert_int_equal(p->account_type, ZENGIN_ORDINARY);
    assert_string_equal(p->account_number, "1234567");
    p = rules_payer_in_force(&rs, date_from_ymd(2025, 10, 1));
    assert_non_null(p);
    assert_string_equal(p->version, "2025-10");
    assert_int_equal(p->account_type, ZENGIN_CURRENT);
    assert_string_equal(p->bank_name, "ミツイスミトモ"); /* as written; converted when written out */
    assert_string_equal(p->account_number, "89");
    assert_string_equal(p->file->name, "payer/2025-10.yaml");
    rules_free(&rs);
    diag_release(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_payer_in_force),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
