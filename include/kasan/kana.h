/* kana: a holder, bank or branch name (UTF-8, as the registry or a rule file
 * writes it) → the bytes a Zengin (全銀協) transfer file allows: JIS X 0201
 * half-width katakana, upper-case A–Z, 0–9, space and ( ) , - . /, written as
 * CP932 single bytes.  One table drives the conversion (SPEC section 7):
 *   full-width katakana → half-width, voiced/semi-voiced as two bytes (ガ → ｶﾞ),
 *   small kana → large (ャュョッァィゥェォヮヵヶ and ｬｭｮｯｧｨｩｪｫ), ヴ → ｳﾞ,
 *   ー ｰ － ‐ − → -, ・ ･ → . (中黒 as a full stop, as banks do),
 *   full-width letters, digits, space, （）,．／ → half-width, a–z → A–Z,
 *   hiragana → the same katakana (ほいく → ﾎｲｸ: exact, so accepted),
 *   ヰ ヱ → ｲ ｴ (their modern reading; JIS X 0201 has neither),
 *   combining or spacing (han)dakuten (U+3099/309A, ゛゜) → ﾞ ﾟ,
 *   half-width input that is already allowed is kept as written, so the
 *   legal-entity abbreviations (ｶ) (ｶ ﾌｸ) ｼﾔ)) pass unchanged.
 * Anything else (kanji, other symbols such as & or 「」, ヷ–ヺ, control
 * characters, emoji, invalid UTF-8) is refused, naming the character and its
 * position.  Nothing is trimmed or shortened here: field widths are the
 * Zengin writer's business (src/report/zengin.c). */
#ifndef KASAN_KANA_H
#define KASAN_KANA_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/strbuf.h"

typedef enum kana_status {
    KANA_OK,
    KANA_BAD_CHAR,  /* a character with no Zengin form: see err */
    KANA_BAD_UTF8,  /* the input is not UTF-8: err->pos is the bad byte's character position */
    KANA_NO_ICONV,  /* iconv has no UTF-8 → CP932 converter */
} kana_status;

typedef struct kana_error {
    size_t pos;   /* 1-based character position in the input */
    uint32_t cp;  /* the refused character (KANA_BAD_CHAR) */
    char ch[5];   /* … as UTF-8, NUL-terminated */
} kana_error;

/* Appends the Zengin bytes of the `len` bytes at `in` to `out`.  On any
 * status but KANA_OK, `out` is left as it was and `err` (may be NULL) says why. */
kana_status kana_to_zengin(const char *in, size_t len, strbuf *out, kana_error *err);

/* The bytes the same conversion would append (one a character), without
 * writing them or opening iconv: for checking a name where it is read (the
 * registry's holders), cheaply enough for 30,000 of them.  The status and err
 * are kana_to_zengin's (never KANA_NO_ICONV). */
kana_status kana_zengin_size(const char *in, size_t len, size_t *bytes, kana_error *err);

/* One line naming the problem: "character '漢' (U+6F22) at position 3 has no
 * Zengin (JIS X 0201) form".  Never fails; truncates to size. */
void kana_error_format(kana_status st, const kana_error *err, char *buf, size_t size);

/* True for the bytes a Zengin record may hold (the set above, as CP932). */
bool kana_is_zengin_byte(unsigned char c);

#endif
