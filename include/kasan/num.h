/* num: the one exact number type of kasan.  A num is a reduced rational
 * n/d with d > 0 and both parts in int64; whole yen are nums with d == 1.
 * Every operation is checked: it returns NUM_OK or a failure (overflow,
 * division by zero) and never wraps.  Nothing here rounds implicitly:
 * num_round() is the only way from a fraction to a whole amount, and it takes
 * an explicit mode and unit.  Values are plain structs passed by value. */
#ifndef KASAN_NUM_H
#define KASAN_NUM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct num {
    int64_t n, d;
} num;

typedef enum num_status {
    NUM_OK = 0,
    NUM_OVERFLOW,
    NUM_DIV_ZERO,
    NUM_SYNTAX,   /* num_parse: not a number */
    NUM_TOO_LONG, /* num_parse: more digits than an int64 holds */
} num_status;

typedef enum round_mode {
    ROUND_DOWN,    /* toward zero: the SPEC's 切り捨て */
    ROUND_UP,      /* away from zero: 切り上げ */
    ROUND_HALF_UP, /* to nearest, halves away from zero: 四捨五入 */
} round_mode;

static inline num num_int(int64_t v) { return (num){v, 1}; }
static inline bool num_is_int(num a) { return a.d == 1; }

num_status num_add(num a, num b, num *out);
num_status num_sub(num a, num b, num *out);
num_status num_mul(num a, num b, num *out);
num_status num_div(num a, num b, num *out);
num_status num_neg(num a, num *out);
int num_cmp(num a, num b); /* -1, 0, 1; exact */
/* Nearest multiple of `unit` (> 0) by `mode`, e.g. unit 1000 for 千円未満切り捨て. */
num_status num_round(num a, int64_t unit, round_mode mode, num *out);

/* Parses an optional '-', digits, and an optional '.' with digits ("92.5").
 * No exponent, no spaces, no thousands separators. */
num_status num_parse(const char *s, size_t len, num *out);
/* Writes an integer as "123", a terminating fraction as "92.5", otherwise "1/3". */
void num_format(num a, char *buf, size_t size);
/* Integer with thousands separators: "1,234,567"; fractions as num_format. */
void num_format_grouped(num a, char *buf, size_t size);
const char *num_strerror(num_status s);

#endif
