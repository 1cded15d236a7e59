/* kana: UTF-8 names → Zengin bytes, through one table (kana_table below,
 * its katakana block kept apart in code point order: kana_katakana).
 * Each character is looked up; a rule keeps it, replaces it, or shifts it to
 * another code point that is looked up again (hiragana → katakana, full-width
 * ASCII → ASCII, a–z → A–Z).  The half-width UTF-8 result becomes CP932 bytes
 * through iconv.  Not here: field widths, padding, records (src/report/zengin.c). */
#include <assert.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kasan/kana.h"

/* One rule: a single character (`from`) or a code point range (lo..hi), and
 * what becomes of it: `to` (UTF-8), or kept as is (to NULL, shift 0), or
 * looked up again as cp + shift. */
typedef struct kana_rule {
    const char *from;
    uint32_t lo, hi;
    const char *to;
    int32_t shift;
} kana_rule;

#define KEEP(lo, hi) {NULL, (lo), (hi), NULL, 0}
#define FOLD(lo, hi, d) {NULL, (lo), (hi), NULL, (d)}
#define TO(f, t) {(f), 0, 0, (t), 0}

static const kana_rule kana_table[] = {
    /* already Zengin: kept as written (so ｶ) (ｶ ﾌｸ) ｼﾔ) pass unchanged) */
    KEEP(' ', ' '), KEEP('(', ')'), KEEP(',', '/'), /* , - . / */
    KEEP('0', '9'), KEEP('A', 'Z'),
    KEEP(0xFF66, 0xFF66),                      /* ｦ */
    KEEP(0xFF71, 0xFF9F),                      /* ｱ … ﾝ ﾞ ﾟ */
    /* folds: looked up again after the shift */
    FOLD('a', 'z', 'A' - 'a'),                 /* lower → upper case */
    FOLD(0xFF01, 0xFF5E, 0x21 - 0xFF01),       /* full-width ASCII ！…～ → ! … ~ */
    FOLD(0x3041, 0x3096, 0x30A1 - 0x3041),     /* hiragana ぁ…ゖ → katakana ァ…ヶ */
    /* half-width small kana, 長音 and 中黒 */
    TO("ｧ", "ｱ"), TO("ｨ", "ｲ"), TO("ｩ", "ｳ"), TO("ｪ", "ｴ"), TO("ｫ", "ｵ"),
    TO("ｬ", "ﾔ"), TO("ｭ", "ﾕ"), TO("ｮ", "ﾖ"), TO("ｯ", "ﾂ"),
    TO("ｰ", "-"), TO("･", "."),
    /* full-width space, dashes, 中黒, (han)dakuten spacing and combining */
    TO("\u3000", " "), TO("ー", "-"), TO("\u2010", "-"), TO("\u2212", "-"),
    TO("・", "."), TO("゛", "ﾞ"), TO("゜", "ﾟ"), TO("\u3099", "ﾞ"), TO("\u309A", "ﾟ"),
};

/* Full-width katakana ァ (U+30A1) … ヶ (U+30F6), in code point order: the
 * rule of cp is kana_katakana[cp - 0x30A1] (kana_lookup asserts it), so the
 * most common characters of a holder are found without a search. */
#define KATAKANA_FIRST 0x30A1
#define KATAKANA_LAST 0x30F6
static const kana_rule kana_katakana[] = {
    TO("ァ", "ｱ"), TO("ア", "ｱ"), TO("ィ", "ｲ"), TO("イ", "ｲ"), TO("ゥ", "ｳ"),
    TO("ウ", "ｳ"), TO("ェ", "ｴ"), TO("エ", "ｴ"), TO("ォ", "ｵ"), TO("オ", "ｵ"),
    TO("カ", "ｶ"), TO("ガ", "ｶﾞ"), TO("キ", "ｷ"), TO("ギ", "ｷﾞ"), TO("ク", "ｸ"),
    TO("グ", "ｸﾞ"), TO("ケ", "ｹ"), TO("ゲ", "ｹﾞ"), TO("コ", "ｺ"), TO("ゴ", "ｺﾞ"),
    TO("サ", "ｻ"), TO("ザ", "ｻﾞ"), TO("シ", "ｼ"), TO("ジ", "ｼﾞ"), TO("ス", "ｽ"),
    TO("ズ", "ｽﾞ"), TO("セ", "ｾ"), TO("ゼ", "ｾﾞ"), TO("ソ", "ｿ"), TO("ゾ", "ｿﾞ"),
    TO("タ", "ﾀ"), TO("ダ", "ﾀﾞ"), TO("チ", "ﾁ"), TO("ヂ", "ﾁﾞ"), TO("ッ", "ﾂ"),
    TO("ツ", "ﾂ"), TO("ヅ", "ﾂﾞ"), TO("テ", "ﾃ"), TO("デ", "ﾃﾞ"), TO("ト", "ﾄ"),
    TO("ド", "ﾄﾞ"), TO("ナ", "ﾅ"), TO("ニ", "ﾆ"), TO("ヌ", "ﾇ"), TO("ネ", "ﾈ"),
    TO("ノ", "ﾉ"), TO("ハ", "ﾊ"), TO("バ", "ﾊﾞ"), TO("パ", "ﾊﾟ"), TO("ヒ", "ﾋ"),
    TO("ビ", "ﾋﾞ"), TO("ピ", "ﾋﾟ"), TO("フ", "ﾌ"), TO("ブ", "ﾌﾞ"), TO("プ", "ﾌﾟ"),
    TO("ヘ", "ﾍ"), TO("ベ", "ﾍﾞ"), TO("ペ", "ﾍﾟ"), TO("ホ", "ﾎ"), TO("ボ", "ﾎﾞ"),
    TO("ポ", "ﾎﾟ"), TO("マ", "ﾏ"), TO("ミ", "ﾐ"), TO("ム", "ﾑ"), TO("メ", "ﾒ"),
    TO("モ", "ﾓ"), TO("ャ", "ﾔ"), TO("ヤ", "ﾔ"), TO("ュ", "ﾕ"), TO("ユ", "ﾕ"),
    TO("ョ", "ﾖ"), TO("ヨ", "ﾖ"), TO("ラ", "ﾗ"), TO("リ", "ﾘ"), TO("ル", "ﾙ"),
    TO("レ", "ﾚ"), TO("ロ", "ﾛ"), TO("ヮ", "ﾜ"), TO("ワ", "ﾜ"), TO("ヰ", "ｲ"),
    TO("ヱ", "ｴ"), TO("ヲ", "ｦ"), TO("ン", "ﾝ"), TO("ヴ", "ｳﾞ"), TO("ヵ", "ｶ"),
    TO("ヶ", "ｹ"),
};
_Static_assert(sizeof kana_katakana / sizeof kana_katakana[0] == KATAKANA_LAST - KATAKANA_FIRST + 1,
               "one rule per katakana code point");

/* Decodes one strict UTF-8 character; returns its length, 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n = s[0] < 0x80 ? 1 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2 : s[0] >= 0xE0 && s[0] < 0xF0 ? 3
             : s[0] >= 0xF0 && s[0] < 0xF5 ? 4 : 0;
    if (n == 0 || n > avail)
        return 0;
    uint32_t c = n == 1 ? s[0] : s[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = c << 6 | (s[i] & 0x3F);
    }
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

static void utf8_encode(uint32_t cp, char out[5])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        out[1] = 0;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        out[2] = 0;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        out[3] = 0;
    } else {
        out[0] = (char)(0xF0 | cp >> 18);
        out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[3] = (char)(0x80 | (cp & 0x3F));
        out[4] = 0;
    }
}

/* Each `from` is one character: compared as its UTF-8 bytes (decoding every
 * rule's `from` per character made a registry of 30,000 full-width holders
 * take 0.15 s to check). */
static const kana_rule *kana_lookup(uint32_t cp)
{
    char u[5];
    utf8_encode(cp, u);
    if (cp >= KATAKANA_FIRST && cp <= KATAKANA_LAST) {
        const kana_rule *r = &kana_katakana[cp - KATAKANA_FIRST];
        assert(!strcmp(r->from, u));
        return r;
    }
    for (size_t i = 0; i < sizeof kana_table / sizeof kana_table[0]; i++) {
        const kana_rule *r = &kana_table[i];
        if (r->from ? !strcmp(r->from, u) : cp >= r->lo && cp <= r->hi)
            return r;
    }
    return NULL;
}

/* The half-width UTF-8 form of one character, or false when it has none. */
static bool kana_convert_char(uint32_t cp, strbuf *out)
{
    for (int hops = 0; hops < 4; hops++) { /* a fold chain is at most 2 long */
        const kana_rule *r = kana_lookup(cp);
        if (!r)
            return false;
        if (r->to) {
            sb_adds(out, r->to);
            return true;
        }
        if (r->shift == 0) {
            char u[5];
            utf8_encode(cp, u);
            sb_adds(out, u);
            return true;
        }
        cp = (uint32_t)((int32_t)cp + r->shift);
    }
    return false;
}

bool kana_is_zengin_byte(unsigned char c)
{
    return c == ' ' || c == '(' || c == ')' || (c >= ',' && c <= '/') || (c >= '0' && c <= '9') ||
           (c >= 'A' && c <= 'Z') || c == 0xA6 || (c >= 0xB1 && c <= 0xDF);
}

/* UTF-8 half-width text → CP932 bytes appended to out; false without a converter. */
static kana_status kana_to_cp932(const char *u, size_t len, strbuf *out)
{
    iconv_t cd = iconv_open("CP932", "UTF-8");
    if (cd == (iconv_t)-1)
        return KANA_NO_ICONV;
    sb_grow(out, len + 1); /* every allowed character is one CP932 byte, ≤ its UTF-8 */
    char *ip = (char *)u, *op = out->buf + out->len;
    size_t il = len, ol = len + 1;
    size_t r = iconv(cd, &ip, &il, &op, &ol);
    iconv_close(cd);
    size_t n = (size_t)(op - (out->buf + out->len)), chars = 0;
    for (size_t i = 0; i < len; i++)
        chars += ((unsigned char)u[i] & 0xC0) != 0x80;
    bool ok = r != (size_t)-1 && il == 0 && n == chars;
    for (size_t i = 0; ok && i < n; i++)
        ok = kana_is_zengin_byte((unsigned char)out->buf[out->len + i]);
    if (!ok) { /* cannot happen: the table yields only convertible characters */
        out->buf[out->len] = '\0';
        return KANA_NO_ICONV;
    }
    out->len += n;
    out->buf[out->len] = '\0';
    return KANA_OK;
}

/* The half-width UTF-8 form of the `len` bytes at `in` into half, through
 * the table; err says why not. */
static kana_status kana_half(const char *in, size_t len, strbuf *half, kana_error *err)
{
    memset(err, 0, sizeof *err);
    size_t pos = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode((const unsigned char *)in + i, len - i, &cp);
        err->pos = ++pos;
        if (n == 0)
            return KANA_BAD_UTF8;
        if (!kana_convert_char(cp, half)) {
            err->cp = cp;
            utf8_encode(cp, err->ch);
            return KANA_BAD_CHAR;
        }
        i += n;
    }
    err->pos = 0;
    return KANA_OK;
}

kana_status kana_to_zengin(const char *in, size_t len, strbuf *out, kana_error *err)
{
    kana_error scratch;
    if (!err)
        err = &scratch;
    strbuf half;
    sb_init(&half);
    kana_status st = kana_half(in, len, &half, err);
    if (st == KANA_OK)
        st = kana_to_cp932(half.buf, half.len, out);
    sb_release(&half);
    return st;
}

/* The characters of in when every one is one the table keeps as written
 * (the KEEP rules: space ( ) , - . / 0-9 A-Z ｦ ｱ-ﾟ), else SIZE_MAX: what most
 * registries hold, counted without a lookup per character. */
static size_t kept_chars(const char *in, size_t len)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t n = 0;
    for (size_t i = 0; i < len; n++) {
        unsigned char c = s[i];
        if (c < 0x80 && kana_is_zengin_byte(c)) {
            i++;
        } else if (c == 0xEF && i + 2 < len &&
                   ((s[i + 1] == 0xBD && (s[i + 2] == 0xA6 || (s[i + 2] >= 0xB1 &&
                                                                s[i + 2] <= 0xBF))) ||
                    (s[i + 1] == 0xBE && s[i + 2] >= 0x80 && s[i + 2] <= 0x9F))) {
            i += 3; /* U+FF66, U+FF71..FF7F, U+FF80..FF9F */
        } else {
            return SIZE_MAX;
        }
    }
    return n;
}

kana_status kana_zengin_size(const char *in, size_t len, size_t *bytes, kana_error *err)
{
    kana_error scratch;
    if (!err)
        err = &scratch;
    size_t n = kept_chars(in, len);
    if (n != SIZE_MAX) {
        memset(err, 0, sizeof *err);
        *bytes = n;
        return KANA_OK;
    }
    strbuf half;
    sb_init(&half);
    kana_status st = kana_half(in, len, &half, err);
    *bytes = 0;
    for (size_t i = 0; st == KANA_OK && i < half.len; i++) /* one byte a character */
        *bytes += ((unsigned char)half.buf[i] & 0xC0) != 0x80;
    sb_release(&half);
    return st;
}

void kana_error_format(kana_status st, const kana_error *err, char *buf, size_t size)
{
    switch (st) {
    case KANA_OK: snprintf(buf, size, "no error"); break;
    case KANA_BAD_CHAR:
        if (err->cp < 0x20 || err->cp == 0x7F)
            snprintf(buf, size, "control character U+%04X at position %zu has no Zengin "
                     "(JIS X 0201) form", (unsigned)err->cp, err->pos);
        else
            snprintf(buf, size, "character '%s' (U+%04X) at position %zu has no Zengin "
                     "(JIS X 0201) form", err->ch, (unsigned)err->cp, err->pos);
        break;
    case KANA_BAD_UTF8:
        snprintf(buf, size, "invalid UTF-8 at character position %zu", err->pos);
        break;
    case KANA_NO_ICONV: snprintf(buf, size, "iconv cannot write CP932 on this system"); break;
    }
}
