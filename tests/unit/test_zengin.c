/* zengin: exact bytes of each record type (SPEC 7 layout), worked out by hand
 * field by field; and the refusals, all reported at once with nothing written.
 * Expected text is half-width UTF-8 turned into JIS X 0201 by arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/zengin.h"

typedef struct bytes {
    unsigned char b[1024];
    size_t n;
} bytes;

/* Appends half-width UTF-8 as bytes: ASCII as is, EF BD xx → xx, EF BE xx → xx+0x40. */
static void add(bytes *x, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    while (*u) {
        if (*u < 0x80) {
            x->b[x->n++] = *u++;
        } else {
            assert_int_equal(u[0], 0xEF);
            x->b[x->n++] = (unsigned char)(u[1] == 0xBD ? u[2] : u[2] + 0x40);
            u += 3;
        }
    }
}

static void pad(bytes *x, size_t spaces)
{
    memset(x->b + x->n, ' ', spaces);
    x->n += spaces;
}

/* The SPEC 7 sample payer, transfer date 2025-05-23. */
static zengin_payer sample_payer(void)
{
    return (zengin_payer){
        .requester_code = "0000012345", .requester_name = "ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼﾔ",
        .transfer_date = date_from_ymd(2025, 5, 23), .bank_code = "0001", .bank_name = "ﾐｽﾞﾎ",
        .branch_code = "234", .branch_name = "ｲﾀﾊﾞｼ", .account_type = ZENGIN_ORDINARY,
        .account_number = "1234567"};
}

static void test_records(void **state)
{
    (void)state;
    zengin_payer p = sample_payer();
    zengin_transfer t[2] = {
        {.id = "P001", .bank_code = "0009", .bank_name = "ミツイスミトモ", .branch_code = "123",
         .branch_name = "オオヤマ", .account_type = ZENGIN_ORDINARY, .account_number = "1466542",
         .holder = "ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ｱｵﾊﾞｶｲ", .amount = 196290, .customer_code1 = "0000000001"},
        {.id = "P004", .bank_code = "1356", .branch_code = "045",
         .account_type = ZENGIN_CURRENT, .account_number = "47", .holder = "カ）スクスクキッズ",
         .amount = INT64_C(9999999999)},
    };
    zengin_file f = {.payer = &p, .payer_source = "rules/payer/2025-04.yaml", .transfers = t,
                     .n = 2, .source = "data/nurseries.csv"};
    strbuf out;
    sb_init(&out);
    diag_list d = DIAG_LIST_INIT;
    zengin_totals tot;
    assert_int_equal(zengin_write(&f, &out, &tot, &d), 0);
    assert_int_equal(diag_count(&d), 0);
    bytes w = {.n = 0};
    /* header: 1+2+1+10+40+4+4+15+3+15+1+7+17 = 120 */
    add(&w, "1"), add(&w, "21"), add(&w, "0"), add(&w, "0000012345");
    add(&w, "ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼﾔ"), pad(&w, 24); /* 6 + 1 + 9 = 16 bytes */
    add(&w, "0523"), add(&w, "0001");
    add(&w, "ﾐｽﾞﾎ"), pad(&w, 11);             /* 4 bytes */
    add(&w, "234");
    add(&w, "ｲﾀﾊﾞｼ"), pad(&w, 10);            /* 5 bytes */
    add(&w, "1"), add(&w, "1234567"), pad(&w, 17), add(&w, "\r\n");
    assert_int_equal(w.n, 122);
    /* data: 1+4+15+3+15+4+1+7+30+10+1+10+10+1+1+7 = 120 */
    add(&w, "2"), add(&w, "0009");
    add(&w, "ﾐﾂｲｽﾐﾄﾓ"), pad(&w, 8);           /* 7 bytes */
    add(&w, "123");
    add(&w, "ｵｵﾔﾏ"), pad(&w, 11);             /* 4 bytes */
    add(&w, "0000"), add(&w, "1"), add(&w, "1466542");
    add(&w, "ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ ｱｵﾊﾞｶｲ"), pad(&w, 11); /* 12 + 1 + 6 = 19 bytes, ｬ → ﾔ */
    add(&w, "0000196290"), add(&w, "0"), add(&w, "0000000001"), add(&w, "0000000000");
    add(&w, "7"), pad(&w, 1), pad(&w, 7), add(&w, "\r\n");
    assert_int_equal(w.n, 244);
    add(&w, "2"), add(&w, "1356"), pad(&w, 15), add(&w, "045"), pad(&w, 15);
    add(&w, "0000"), add(&w, "2"), add(&w, "0000047");  /* 当座, 47 zero-filled to 7 */
    add(&w, "ｶ)ｽｸｽｸｷﾂｽﾞ"), pad(&w, 20);       /* 10 bytes */
    add(&w, "9999999999"), add(&w, "0"), add(&w, "0000000000"), add(&w, "0000000000");
    add(&w, "7"), pad(&w, 8), add(&w, "\r\n");
    /* trailer: 2 transfers, 196,290 + 9,999,999,999 = 10,000,196,289 */
    add(&w, "8"), add(&w, "000002"), add(&w, "010000196289"), pad(&w, 101), add(&w, "\r\n");
    add(&w, "9"), pad(&w, 119), add(&w, "\r\n");
    assert_int_equal(w.n, 5 * 122);
    assert_int_equal(out.len, w.n);
    for (size_t i = 0; i < w.n; i++)
        if ((unsigned char)out.buf[i] != w.b[i])
            fail_msg("byte %zu (record %zu, column %zu): got 0x%02X, want 0x%02X", i, i / 122 + 1,
                     i % 122 + 1, (unsigned char)out.buf[i], w.b[i]);
    assert_int_equal(tot.count, 2);
    assert_int_equal(tot.amount, INT64_C(10000196289));
    sb_release(&out);
    diag_release(&d);
}

static bool has_msg(const diag_list *d, const char *file, const char *msg)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->v[i].file, file) && !strcmp(d->v[i].msg, msg))
            return true;
    return false;
}

static zengin_transfer good(const char *id, int64_t amount)
{
    return (zengin_transfer){.id = id, .bank_code = "0001", .branch_code = "001",
                             .account_type = ZENGIN_ORDINARY, .account_number = "1",
                             .holder = "ｱ", .amount = amount};
}

static void test_every_problem_at_once(void **state)
{
    (void)state;
    zengin_payer p = sample_payer();
    p.requester_code = "12345";
    zengin_transfer t[6] = {good("P009", 1), good("P010", 1), good("P011", 1), good("P012", 0),
                            good("P013", INT64_C(10000000000)), good("P014", 1)};
    t[1].bank_code = NULL;
    t[1].branch_code = "12";
    t[2].account_number = "12345678";
    t[2].holder = "保育園";
    t[4].bank_code = "12345";
    t[5].holder = "ｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱ"; /* 31 */
    t[5].account_type = (zengin_account_type)3;
    zengin_file f = {.payer = &p, .payer_source = "payer.yaml", .transfers = t, .n = 6,
                     .source = "nurseries.csv"};
    strbuf out;
    sb_init(&out);
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(zengin_write(&f, &out, NULL, &d), -1);
    assert_int_equal(out.len, 0);
    assert_int_equal(diag_count(&d), 10);
    assert_true(has_msg(&d, "payer.yaml", "payer: requester_code '12345' must be 10 digits"));
    assert_true(has_msg(&d, "nurseries.csv", "nursery P010: bank_code is missing"));
    assert_true(has_msg(&d, "nurseries.csv", "nursery P010: branch_code '12' must be 3 digits"));
    assert_true(has_msg(&d, "nurseries.csv",
                        "nursery P011: account_number '12345678' must be 1–7 digits"));
    assert_true(has_msg(&d, "nurseries.csv",
                        "nursery P011: account_holder '保育園': character '保' (U+4FDD) at "
                        "position 1 has no Zengin (JIS X 0201) form"));
    assert_true(has_msg(&d, "nurseries.csv", "nursery P012: amount 0 yen must be above zero"));
    assert_true(has_msg(&d, "nurseries.csv",
                        "nursery P013: amount 10000000000 yen does not fit the 10 digits of 振込金額"));
    assert_true(has_msg(&d, "nurseries.csv", "nursery P013: bank_code '12345' must be 4 digits"));
    assert_true(has_msg(&d, "nurseries.csv",
                        "nursery P014: account_type must be ordinary (普通) or current (当座)"));
    assert_true(has_msg(&d, "nurseries.csv",
                        "nursery P014: account_holder 'ｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱ' is 31 "
                        "characters once converted; the field holds 30 (abbreviate it as the bank "
                        "does, e.g. ﾌｸ) for 社会福祉法人)"));
    sb_release(&out);
    diag_release(&d);
}

static void test_holder_too_long(void **state)
{
    (void)state;
    zengin_payer p = sample_payer();
    zengin_transfer t[2] = {good("P001", 1), good("P002", 1)};
    t[0].holder = "ｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵｱｲｳｴｵ";  /* 30: fits */
    t[1].holder = "アイウエオアイウエオアイウエオアイウエオアイウエオアイウエガ"; /* 29 + ｶﾞ = 31 */
    zengin_file f = {.payer = &p, .transfers = t, .n = 2, .source = "r.csv"};
    strbuf out;
    sb_init(&out);
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(zengin_write(&f, &out, NULL, &d), -1);
    assert_int_equal(diag_count(&d), 1);
    assert_true(has_msg(&d, "r.csv", "nursery P002: account_holder 'アイウエオアイウエオアイウエオアイウエオア"
                                     "イウエオアイウエガ' is 31 characters once converted; the "
                                     "field holds 30 (abbreviate it as the bank does, e.g. ﾌｸ) for "
                                     "社会福祉法人)"));
    sb_release(&out);
    diag_release(&d);
}

/* 合計金額 has 12 digits: 100 × 9,999,999,999 = 999,999,999,900 fits, 101 do not. */
static void test_total_limit(void **state)
{
    (void)state;
    zengin_payer p = sample_payer();
    zengin_transfer t[101];
    for (size_t i = 0; i < 101; i++)
        t[i] = good("P", INT64_C(9999999999));
    zengin_file f = {.payer = &p, .transfers = t, .n = 100, .source = "r.csv"};
    strbuf out;
    sb_init(&out);
    diag_list d = DIAG_LIST_INIT;
    zengin_totals tot;
    assert_int_equal(zengin_write(&f, &out, &tot, &d), 0);
    assert_int_equal(tot.amount, INT64_C(999999999900));
    assert_int_equal(out.len, 103 * 122);
    /* trailer: "8" "000100" "999999999900" */
    assert_memory_equal(out.buf + 101 * 122, "8000100999999999900 ", 20);
    sb_reset(&out);
    f.n = 101;
    assert_int_equal(zengin_write(&f, &out, &tot, &d), -1);
    assert_int_equal(out.len, 0);
    assert_true(has_msg(&d, "r.csv", "transfer file: the total does not fit the 12 digits of 合計金額"));
    diag_release(&d);
    diag_list d2 = DIAG_LIST_INIT;
    f.n = 0;
    assert_int_equal(zengin_write(&f, &out, &tot, &d2), -1);
    assert_true(has_msg(&d2, "r.csv", "transfer file: no transfers to write"));
    sb_release(&out);
    diag_release(&d2);
}

static void test_customer_code(void **state)
{
    (void)state;
    char c[11];
    zengin_customer_code("P001", c);
    assert_string_equal(c, "0000000001");
    zengin_customer_code("N12", c);
    assert_string_equal(c, "0000000012");
    zengin_customer_code("1234567890", c);
    assert_string_equal(c, "1234567890");
    zengin_customer_code("P12345678901", c); /* 11 digits: zeros */
    assert_string_equal(c, "0000000000");
    zengin_customer_code("P-1", c);
    assert_string_equal(c, "0000000000");
    zengin_customer_code("ABC", c);
    assert_string_equal(c, "0000000000");
    zengin_customer_code(NULL, c);
    assert_string_equal(c, "0000000000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_every_problem_at_once),
        cmocka_unit_test(test_holder_too_long),
        cmocka_unit_test(test_total_limit),
        cmocka_unit_test(test_customer_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
