/* rules, kinds issuer and calendar, and core/bankday: the document number
 * laid out from the issuer's pattern, the issuer and the calendar in force,
 * and bank business days (SPEC 10.4) with the next one, worked out by hand
 * from the 2025–2027 calendars. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/bankday.h"
#include "kasan/report.h"
#include "kasan/rules.h"

static const char terms[] =
    "kind: terms\nversion: \"2025-04\"\ntitle: t\neffective_from: 2025-04-01\nbasis: b\n"
    "care_types:\n  suction: 喀痰吸引\neligible_nursery_kind: private_licensed\n"
    "eligible_qualifications:\n  nurse: 看護師\nrejection_reasons:\n"
    "  unknown_nursery: a\n  ward_run: a\n  nursery_inactive: a\n  no_care_type: a\n"
    "  no_enrolled_day: a\n  duplicate_child: a\n  ineligible_qualification: a\n"
    "  no_eligible_child: a\n";

static const char issuer[] =
    "kind: issuer\nversion: \"2025-04\"\ntitle: t\neffective_from: 2025-04-01\nbasis: b\n"
    "head_title: 板橋区長\nhead_name: 坂本　健\nsection: 保育サービス課\ncontact: 電話\n"
    "document_number: \"{y}板子保第{n}号\"\nappeal_notice: |-\n  1　審査請求\n  2　取消訴訟\n";

static const char calendar[] =
    "kind: calendar\nversion: \"2025-01\"\ntitle: t\neffective_from: 2025-01-01\n"
    "effective_to: 2027-03-31\nbasis: 内閣府「国民の祝日について」\nholidays:\n"
    "  2026-03-20: 春分の日\n  2025-05-05: こどもの日\n  2025-05-06: 休日（振替休日）\n"
    "  2026-01-01: 元日\n  2026-09-21: 敬老の日\n  2026-09-22: 休日（国民の休日）\n"
    "  2026-09-23: 秋分の日\n";

static const char payer[] =
    "kind: payer\nversion: \"2025-04\"\ntitle: t\neffective_from: 2025-04-01\nbasis: b\n"
    "requester_code: \"0000012345\"\nrequester_name: ｲﾀﾊﾞｼｸ\nbank_code: \"0001\"\n"
    "bank_name: ﾐｽﾞﾎ\nbranch_code: \"234\"\nbranch_name: ｲﾀﾊﾞｼ\naccount_type: ordinary\n"
    "account_number: \"1234567\"\nplanned_transfer_day: 20\n";

static void load(rule_set *rs)
{
    rule_file files[4] = {{.path = "terms.yaml", .data = terms, .len = sizeof terms - 1},
                          {.path = "issuer/2025-04.yaml", .data = issuer, .len = sizeof issuer - 1},
                          {.path = "calendar/2025-01.yaml", .data = calendar,
                           .len = sizeof calendar - 1},
                          {.path = "payer/2025-04.yaml", .data = payer, .len = sizeof payer - 1}};
    memset(rs, 0, sizeof *rs);
    diag_list d = DIAG_LIST_INIT;
    int rc = rules_load_files(files, 4, rs, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    assert_int_equal(rc, 0);
}

static void test_issuer(void **state)
{
    (void)state;
    rule_set rs;
    load(&rs);
    assert_null(rules_issuer_in_force(&rs, date_from_ymd(2025, 3, 31)));
    const rule_issuer *is = rules_issuer_in_force(&rs, date_from_ymd(2026, 6, 1));
    assert_non_null(is);
    assert_string_equal(is->head_title, "板橋区長");
    assert_string_equal(is->appeal_notice, "1　審査請求\n2　取消訴訟");
    char buf[64];
    /* FY2025 begins 2025-04-01 = 令和7年 → {y} 7 */
    assert_true(rules_issuer_number(is, 2025, 12, buf, sizeof buf));
    assert_string_equal(buf, "7板子保第12号");
    /* FY2026 → 令和8 */
    assert_true(rules_issuer_number(is, 2026, 1, buf, sizeof buf));
    assert_string_equal(buf, "8板子保第1号");
    /* "7板子保第123456号" is 5 + 1 + 9 + 6 + 3 + 1 = 22 bytes: a 22-byte buffer
     * cannot hold it with its NUL, and nothing is left half-written */
    assert_false(rules_issuer_number(is, 2025, 123456, buf, 22));
    assert_string_equal(buf, "");
    assert_true(rules_issuer_number(is, 2025, 123456, buf, 23));
    assert_string_equal(buf, "7板子保第123456号");
    rules_free(&rs);
}

static void test_calendar(void **state)
{
    (void)state;
    rule_set rs;
    load(&rs);
    const rule_calendar *c = rules_calendar_in_force(&rs, date_from_ymd(2026, 3, 20));
    assert_non_null(c);
    assert_int_equal(c->n, 7);
    /* sorted although written out of order */
    assert_int_equal(c->holidays[0], date_from_ymd(2025, 5, 5));
    assert_string_equal(rules_calendar_holiday(c, date_from_ymd(2026, 3, 20)), "春分の日");
    assert_null(rules_calendar_holiday(c, date_from_ymd(2026, 3, 19)));
    assert_null(rules_calendar_in_force(&rs, date_from_ymd(2027, 4, 1)));
    assert_null(rules_calendar_in_force(&rs, date_from_ymd(2024, 12, 31)));

    const date_t *h = c->holidays;
    size_t n = c->n;
    /* 2025-09-20 is a Saturday, 2025-09-21 a Sunday → Monday 22 */
    assert_int_equal(bankday_of(date_from_ymd(2025, 9, 20), h, n), BANKDAY_SATURDAY);
    assert_int_equal(bankday_of(date_from_ymd(2025, 9, 21), h, n), BANKDAY_SUNDAY);
    assert_int_equal(bankday_next(date_from_ymd(2025, 9, 20), h, n), date_from_ymd(2025, 9, 22));
    assert_int_equal(bankday_of(date_from_ymd(2025, 9, 22), h, n), BANKDAY_OPEN);
    /* 春分の日 2026-03-20 (Friday) → Monday 23 */
    assert_int_equal(bankday_of(date_from_ymd(2026, 3, 20), h, n), BANKDAY_HOLIDAY);
    assert_int_equal(bankday_next(date_from_ymd(2026, 3, 20), h, n), date_from_ymd(2026, 3, 23));
    /* 5/5 (Mon) and 5/6 (Tue) holidays → Wednesday 7 */
    assert_int_equal(bankday_next(date_from_ymd(2025, 5, 5), h, n), date_from_ymd(2025, 5, 7));
    /* シルバーウィーク 2026: 9/19 Sat … 9/23 Wed → Thursday 24 */
    assert_int_equal(bankday_next(date_from_ymd(2026, 9, 18), h, n), date_from_ymd(2026, 9, 24));
    /* 12/31 (Wed) and 1/2 (Fri) are the year end; 1/1 a holiday too; 1/3–4 the
     * weekend → Monday 2026-01-05 */
    assert_int_equal(bankday_of(date_from_ymd(2025, 12, 31), h, n), BANKDAY_YEAR_END);
    assert_int_equal(bankday_of(date_from_ymd(2026, 1, 2), h, n), BANKDAY_YEAR_END);
    assert_int_equal(bankday_next(date_from_ymd(2025, 12, 30), h, n), date_from_ymd(2026, 1, 5));
    /* 12/30 itself is open (a Tuesday) */
    assert_int_equal(bankday_of(date_from_ymd(2025, 12, 30), h, n), BANKDAY_OPEN);
    /* weekdays: 1970-01-01 Thursday, 2025-04-01 Tuesday, 1969-12-31 Wednesday */
    assert_int_equal(date_weekday(0), 4);
    assert_int_equal(date_weekday(date_from_ymd(2025, 4, 1)), 2);
    assert_int_equal(date_weekday(-1), 3);
    assert_string_equal(bankday_reason(BANKDAY_YEAR_END), "年末年始（12月31日～1月3日）");
    rules_free(&rs);
}

/* 振込予定日: the 20th of the month after, or the next bank business day
 * (dates worked out on a calendar). */
static void test_planned_transfer(void **state)
{
    (void)state;
    rule_set rs;
    load(&rs);
    date_t d;
    /* April 2025 → 2025-05-20, a Tuesday */
    assert_true(report_planned_transfer(&rs, (claim_month){2025, 4}, &d));
    assert_int_equal(d, date_from_ymd(2025, 5, 20));
    /* August → 2025-09-20 is a Saturday, 21 a Sunday → Monday 22 */
    assert_true(report_planned_transfer(&rs, (claim_month){2025, 8}, &d));
    assert_int_equal(d, date_from_ymd(2025, 9, 22));
    /* February 2026 → 2026-03-20 is 春分の日 (Friday), then a weekend → Monday 23 */
    assert_true(report_planned_transfer(&rs, (claim_month){2026, 2}, &d));
    assert_int_equal(d, date_from_ymd(2026, 3, 23));
    /* December 2026 → 2027-01-20, a Wednesday (the year turns) */
    assert_true(report_planned_transfer(&rs, (claim_month){2026, 12}, &d));
    assert_int_equal(d, date_from_ymd(2027, 1, 20));
    /* March 2027 → April 2027: no calendar covers it, nothing promised */
    assert_false(report_planned_transfer(&rs, (claim_month){2027, 3}, &d));
    rules_free(&rs);
    /* a day that is not one of a month: refused at the file's line */
    static const char bad[] =
        "kind: payer\nversion: \"2025-04\"\ntitle: t\neffective_from: 2025-04-01\nbasis: b\n"
        "requester_code: \"0000012345\"\nrequester_name: ｲﾀﾊﾞｼｸ\nbank_code: \"0001\"\n"
        "bank_name: ﾐｽﾞﾎ\nbranch_code: \"234\"\nbranch_name: ｲﾀﾊﾞｼ\naccount_type: ordinary\n"
        "account_number: \"1234567\"\nplanned_transfer_day: 32\n";
    rule_file f = {.path = "payer/2025-04.yaml", .data = bad, .len = sizeof bad - 1};
    memset(&rs, 0, sizeof rs);
    diag_list dl = DIAG_LIST_INIT;
    assert_int_not_equal(rules_load_files(&f, 1, &rs, &dl), 0);
    assert_true(diag_count(&dl) >= 1);
    assert_int_equal(dl.v[0].line, 14);
    assert_non_null(strstr(dl.v[0].msg, "planned_transfer_day must be a day"));
    diag_release(&dl);
    rules_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issuer),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_planned_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
