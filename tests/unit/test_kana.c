/* kana: holder names as nurseries write them → Zengin bytes (SPEC 7).
 * Expected values are half-width UTF-8 literals worked out by hand from the
 * SPEC's rules; want_bytes() turns them into JIS X 0201 by arithmetic
 * (U+FF61…U+FF9F → 0xA1…0xDF), independently of iconv and of kana.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/kana.h"

/* Half-width UTF-8 → the bytes it must become: ASCII as is; EF BD xx is
 * U+FF40+(xx-0x80) → byte xx; EF BE xx is U+FF80+(xx-0x80) → byte xx+0x40. */
static size_t want_bytes(const char *s, unsigned char *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = 0;
    while (*u) {
        if (*u < 0x80) {
            out[n++] = *u++;
        } else {
            assert_int_equal(u[0], 0xEF);
            assert_true(u[1] == 0xBD || u[1] == 0xBE);
            out[n++] = (unsigned char)(u[1] == 0xBD ? u[2] : u[2] + 0x40);
            u += 3;
        }
    }
    return n;
}

static void expect(const char *in, const char *want)
{
    unsigned char w[256];
    size_t wn = want_bytes(want, w);
    strbuf out;
    sb_init(&out);
    kana_error e;
    kana_status st = kana_to_zengin(in, strlen(in), &out, &e);
    if (st != KANA_OK) {
        char msg[200];
        kana_error_format(st, &e, msg, sizeof msg);
        print_error("'%s': %s\n", in, msg);
    }
    assert_int_equal(st, KANA_OK);
    assert_int_equal(out.len, wn);
    assert_memory_equal(out.buf, w, wn);
    sb_release(&out);
}

/* 社会福祉法人 / 学校法人 / 株式会社 names, full-width with 全角 spaces or as the
 * registry already holds them in half-width. */
static void test_legal_entity_names(void **state)
{
    (void)state;
    /* small ャ → ﾔ, ジ → ｼﾞ, 全角スペース → space */
    expect("シャカイフクシホウジン　コウメイカイ", "ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ ｺｳﾒｲｶｲ");
    expect("ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ｱｵﾊﾞｶｲ", "ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ ｱｵﾊﾞｶｲ");
    expect("ｶﾞｯｺｳﾎｳｼﾞﾝ ﾄｷﾜｶﾞｸｴﾝ", "ｶﾞﾂｺｳﾎｳｼﾞﾝ ﾄｷﾜｶﾞｸｴﾝ");
    expect("カブシキガイシャ　スクスクキッズ", "ｶﾌﾞｼｷｶﾞｲｼﾔ ｽｸｽｸｷﾂｽﾞ");
    expect("ガッコウホウジン　ニコニコガクエン", "ｶﾞﾂｺｳﾎｳｼﾞﾝ ﾆｺﾆｺｶﾞｸｴﾝ");
    expect("イタバシク　カイケイカンリシャ", "ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼﾔ");
    expect("ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼﾔ", "ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼﾔ");
    expect("マツモト　ユウコ", "ﾏﾂﾓﾄ ﾕｳｺ");
}

/* 法人略語 kept as written; full-width parentheses become ( ) */
static void test_abbreviations(void **state)
{
    (void)state;
    expect("カ）スクスクキッズ", "ｶ)ｽｸｽｸｷﾂｽﾞ");
    expect("スクスクキッズ（カ", "ｽｸｽｸｷﾂｽﾞ(ｶ");
    expect("ﾌｸ)ｿﾖｶｾﾞｶｲ", "ﾌｸ)ｿﾖｶｾﾞｶｲ");
    expect("（フク）ワカバカイ", "(ﾌｸ)ﾜｶﾊﾞｶｲ");
    expect("シャ）ミライ", "ｼﾔ)ﾐﾗｲ");
    expect("ｼﾔ)ﾐﾗｲ", "ｼﾔ)ﾐﾗｲ");
    expect("イ）ケンコウカイ", "ｲ)ｹﾝｺｳｶｲ");
    expect("ｻﾞｲ)ﾎｲｸｼﾝｺｳｶｲ", "ｻﾞｲ)ﾎｲｸｼﾝｺｳｶｲ");
}

/* 濁点・半濁点 as separate bytes; small kana → large; ヴ → ｳﾞ */
static void test_voiced_and_small(void **state)
{
    (void)state;
    expect("ソヨカゼ", "ｿﾖｶｾﾞ");                     /* SPEC 7's example */
    expect("ｷｭｳ", "ｷﾕｳ");                           /* SPEC 7's example */
    expect("キュウ", "ｷﾕｳ");
    expect("ヴィレッジホイクエン", "ｳﾞｲﾚﾂｼﾞﾎｲｸｴﾝ");
    expect("ポプラホイクエン", "ﾎﾟﾌﾟﾗﾎｲｸｴﾝ");
    expect("ヂヅ", "ﾁﾞﾂﾞ");
    expect("ショウワ・キッズ", "ｼﾖｳﾜ.ｷﾂｽﾞ");          /* 中黒 → . */
    expect("ｧｨｩｪｫｬｭｮｯ", "ｱｲｳｴｵﾔﾕﾖﾂ");
    expect("ァィゥェォャュョッヮヵヶ", "ｱｲｳｴｵﾔﾕﾖﾂﾜｶｹ");
    expect("ヲ", "ｦ");
    /* decomposed (NFD, as macOS writes) and spacing marks: カ+U+3099, ハ+゜ */
    expect("カ\u3099ッコウ", "ｶﾞﾂｺｳ");
    expect("ハ゜ン", "ﾊﾟﾝ");
}

/* 長音 and dashes → -, full-width digits/letters → half-width, a–z → A–Z */
static void test_long_vowel_digits_letters(void **state)
{
    (void)state;
    expect("ドリーム", "ﾄﾞﾘ-ﾑ");
    expect("ﾄﾞﾘｰﾑ", "ﾄﾞﾘ-ﾑ");
    expect("ドリ－ム", "ﾄﾞﾘ-ﾑ");                     /* U+FF0D full-width hyphen-minus */
    expect("チョコレート", "ﾁﾖｺﾚ-ﾄ");
    expect("ダイ２ヒカリホイクエン", "ﾀﾞｲ2ﾋｶﾘﾎｲｸｴﾝ");
    expect("１２３ー４５", "123-45");
    expect("ＡＢＣキッズ", "ABCｷﾂｽﾞ");
    expect("abc kids", "ABC KIDS");
    expect("ａｂｃ", "ABC");
    expect("Sakura Hoikuen", "SAKURA HOIKUEN");
    expect("Ａ．Ｂ，Ｃ／Ｄ", "A.B,C/D");
    expect("", "");
}

/* Mappings this module chose (kana.h): hiragana → katakana, ヰ ヱ → ｲ ｴ */
static void test_documented_choices(void **state)
{
    (void)state;
    expect("ほいくえん", "ﾎｲｸｴﾝ");
    expect("がっこう", "ｶﾞﾂｺｳ");
    expect("ヱビス", "ｴﾋﾞｽ");
    expect("ヰド", "ｲﾄﾞ");
}

static void refuse(const char *in, kana_status want, size_t pos, uint32_t cp)
{
    strbuf out;
    sb_init(&out);
    sb_adds(&out, "X");
    kana_error e;
    assert_int_equal(kana_to_zengin(in, strlen(in), &out, &e), want);
    assert_int_equal(e.pos, pos);
    if (want == KANA_BAD_CHAR)
        assert_int_equal(e.cp, cp);
    assert_string_equal(out.buf, "X"); /* nothing appended */
    assert_int_equal(out.len, 1);
    sb_release(&out);
}

static void test_refusals(void **state)
{
    (void)state;
    refuse("社会福祉法人", KANA_BAD_CHAR, 1, 0x793E);      /* 社 */
    refuse("ソヨカゼ保育園", KANA_BAD_CHAR, 5, 0x4FDD);    /* 保, 5th character */
    refuse("ｻｸﾗ&ｷｯｽﾞ", KANA_BAD_CHAR, 4, '&');
    refuse("ｻｸﾗ\xF0\x9F\x8C\xB8", KANA_BAD_CHAR, 4, 0x1F338); /* 🌸 */
    refuse("「ｻｸﾗ」", KANA_BAD_CHAR, 1, 0x300C);
    refuse("ヷ", KANA_BAD_CHAR, 1, 0x30F7);
    refuse("ｻｸﾗ\t", KANA_BAD_CHAR, 4, '\t');
    refuse("～", KANA_BAD_CHAR, 1, 0xFF5E);   /* folds to ~, which Zengin lacks */
    refuse("ｶ)ｻｸﾗ｡", KANA_BAD_CHAR, 6, 0xFF61);
    refuse("ｻｸﾗ~", KANA_BAD_CHAR, 4, '~');
    refuse("\xFF", KANA_BAD_UTF8, 1, 0);
    refuse("ｱ\xE3\x82", KANA_BAD_UTF8, 2, 0);  /* truncated sequence */
    refuse("\xC0\xA0", KANA_BAD_UTF8, 1, 0);   /* overlong space */
}

static void test_error_message(void **state)
{
    (void)state;
    strbuf out;
    sb_init(&out);
    kana_error e;
    char msg[200];
    kana_status st = kana_to_zengin("ｿﾖｶｾﾞ園", strlen("ｿﾖｶｾﾞ園"), &out, &e);
    kana_error_format(st, &e, msg, sizeof msg);
    assert_string_equal(msg, "character '園' (U+5712) at position 6 has no Zengin (JIS X 0201) form");
    sb_release(&out);
}

static void test_zengin_bytes(void **state)
{
    (void)state;
    assert_true(kana_is_zengin_byte(' ') && kana_is_zengin_byte('(') && kana_is_zengin_byte('/'));
    assert_true(kana_is_zengin_byte(0xA6) && kana_is_zengin_byte(0xB1) && kana_is_zengin_byte(0xDF));
    assert_false(kana_is_zengin_byte('a') || kana_is_zengin_byte('&') || kana_is_zengin_byte('+'));
    assert_false(kana_is_zengin_byte(0xA1) || kana_is_zengin_byte(0xA7) || kana_is_zengin_byte(0xB0));
    assert_false(kana_is_zengin_byte(0xE0) || kana_is_zengin_byte('\r') || kana_is_zengin_byte(0x7E));
}

/* kana_zengin_size (the registry's check) says what kana_to_zengin would
 * write, through its fast path (already half-width) and through the table. */
static void test_size_matches_conversion(void **state)
{
    static const char *const names[] = {
        "ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ ｱｵﾊﾞｶｲ", "ｶ) ﾐﾗｲ", "ABC-123 (./,)", "ｦ",            /* kept as is */
        "シャカイフクシホウジン　アオバカイ", "ほいくえん", "Ｋａｋｕ care", "ｯｬｰ･", /* converted */
        "ヴァイオリン", "ガ\u3099", "",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        strbuf sb;
        sb_init(&sb);
        size_t n = 99;
        assert_int_equal(kana_to_zengin(names[i], strlen(names[i]), &sb, NULL), KANA_OK);
        assert_int_equal(kana_zengin_size(names[i], strlen(names[i]), &n, NULL), KANA_OK);
        assert_int_equal(n, sb.len);
        sb_release(&sb);
    }
    /* ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ: ジ is two bytes (ｼﾞ) */
    size_t n;
    assert_int_equal(kana_zengin_size("シャカイフクシホウジン", strlen("シャカイフクシホウジン"), &n, NULL),
                     KANA_OK);
    assert_int_equal(n, 12);
    kana_error e;
    assert_int_equal(kana_zengin_size("ｱｲ社", strlen("ｱｲ社"), &n, &e), KANA_BAD_CHAR);
    assert_int_equal(e.pos, 3);
    assert_int_equal(e.cp, 0x793E);
    assert_int_equal(kana_zengin_size("ｱ\xff", 4, &n, &e), KANA_BAD_UTF8);
    assert_int_equal(kana_zengin_size("ｱa+", strlen("ｱa+"), &n, &e), KANA_BAD_CHAR);
    assert_int_equal(e.cp, '+');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_legal_entity_names),
        cmocka_unit_test(test_abbreviations),
        cmocka_unit_test(test_voiced_and_small),
        cmocka_unit_test(test_long_vowel_digits_letters),
        cmocka_unit_test(test_documented_choices),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_error_message),
        cmocka_unit_test(test_zengin_bytes),
        cmocka_unit_test(test_size_matches_conversion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
