/* num: checked exact rationals over int64 with 128-bit intermediates. */
#include "kasan/num.h"

#include <stdio.h>
#include <string.h>

__extension__ typedef __int128 i128;

static i128 gcd128(i128 a, i128 b)
{
    if (a < 0)
        a = -a;
    if (b < 0)
        b = -b;
    while (b) {
        i128 t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* Binary gcd (Stein): shifts and subtractions instead of hardware division,
 * which made Euclid's loop the evaluator's largest cost. */
static int64_t gcd64(int64_t a, int64_t b)
{
    uint64_t x = (uint64_t)(a < 0 ? -a : a), y = (uint64_t)(b < 0 ? -b : b);
    if (x == 0 || y == 0)
        return (int64_t)(x | y);
    int shift = __builtin_ctzll(x | y);
    x >>= __builtin_ctzll(x);
    do {
        y >>= __builtin_ctzll(y);
        if (x > y) {
            uint64_t t = x;
            x = y;
            y = t;
        }
        y -= x;
    } while (y);
    return (int64_t)(x << shift);
}

/* Reduces n/d into out.  The 64-bit path avoids 128-bit division, which is
 * a library call and dominated evaluation when every value went through it. */
static num_status num_make(i128 n, i128 d, num *out)
{
    if (d == 0)
        return NUM_DIV_ZERO;
    if (d < 0) {
        n = -n;
        d = -d;
    }
    if (n > -INT64_MAX && n < INT64_MAX && d < INT64_MAX) {
        int64_t n64 = (int64_t)n, d64 = (int64_t)d;
        if (d64 != 1) {
            int64_t g = gcd64(n64, d64);
            if (g > 1) {
                n64 /= g;
                d64 /= g;
            }
        }
        out->n = n64;
        out->d = d64;
        return NUM_OK;
    }
    if (d != 1) {
        i128 g = gcd128(n, d);
        if (g > 1) {
            n /= g;
            d /= g;
        }
    }
    if (n > INT64_MAX || n < -INT64_MAX || d > INT64_MAX)
        return NUM_OVERFLOW;
    out->n = (int64_t)n;
    out->d = (int64_t)d;
    return NUM_OK;
}

num_status num_add(num a, num b, num *out)
{
    if (a.d == 1 && b.d == 1) {
        int64_t r;
        if (__builtin_add_overflow(a.n, b.n, &r) || r == INT64_MIN)
            return NUM_OVERFLOW;
        *out = num_int(r);
        return NUM_OK;
    }
    return num_make((i128)a.n * b.d + (i128)b.n * a.d, (i128)a.d * b.d, out);
}

num_status num_neg(num a, num *out)
{
    out->n = -a.n; /* INT64_MIN never occurs: num_make and num_add exclude it */
    out->d = a.d;
    return NUM_OK;
}

num_status num_sub(num a, num b, num *out)
{
    num nb;
    num_neg(b, &nb);
    return num_add(a, nb, out);
}

num_status num_mul(num a, num b, num *out)
{
    if (a.d == 1 && b.d == 1) {
        int64_t r;
        if (__builtin_mul_overflow(a.n, b.n, &r) || r == INT64_MIN)
            return NUM_OVERFLOW;
        *out = num_int(r);
        return NUM_OK;
    }
    return num_make((i128)a.n * b.n, (i128)a.d * b.d, out);
}

num_status num_div(num a, num b, num *out)
{
    if (b.n == 0)
        return NUM_DIV_ZERO;
    return num_make((i128)a.n * b.d, (i128)a.d * b.n, out);
}

int num_cmp(num a, num b)
{
    i128 l = (i128)a.n * b.d, r = (i128)b.n * a.d;
    return (l > r) - (l < r);
}

num_status num_round(num a, int64_t unit, round_mode mode, num *out)
{
    if (unit <= 0)
        return NUM_DIV_ZERO;
    /* a / unit = n / (d*unit) = q + rem/den, truncated toward zero */
    int64_t den64;
    if (!__builtin_mul_overflow(a.d, unit, &den64)) {
        int64_t q = a.n / den64, rem = a.n % den64;
        if (rem != 0) {
            uint64_t mag = (uint64_t)(rem < 0 ? -rem : rem);
            bool away = mode == ROUND_UP || (mode == ROUND_HALF_UP && 2 * mag >= (uint64_t)den64);
            if (away)
                q += a.n < 0 ? -1 : 1;
        }
        int64_t r;
        if (__builtin_mul_overflow(q, unit, &r) || r == INT64_MIN)
            return NUM_OVERFLOW;
        *out = num_int(r);
        return NUM_OK;
    }
    i128 den = (i128)a.d * unit;
    i128 q = (i128)a.n / den, rem = (i128)a.n % den;
    if (rem != 0) {
        i128 mag = rem < 0 ? -rem : rem;
        int away = 0;
        if (mode == ROUND_UP)
            away = 1;
        else if (mode == ROUND_HALF_UP)
            away = 2 * mag >= den;
        if (away)
            q += a.n < 0 ? -1 : 1;
    }
    return num_make(q * unit, 1, out);
}

num_status num_parse(const char *s, size_t len, num *out)
{
    size_t i = 0;
    bool neg = false;
    if (i < len && s[i] == '-') {
        neg = true;
        i++;
    }
    i128 n = 0, d = 1;
    size_t digits = 0, frac = 0;
    bool dot = false;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '.' && !dot) {
            dot = true;
            continue;
        }
        if (c < '0' || c > '9')
            return NUM_SYNTAX;
        if (n || c != '0')
            digits++;
        if (digits > 18 || (dot && ++frac > 18))
            return NUM_TOO_LONG;
        n = n * 10 + (c - '0');
        if (dot)
            d *= 10;
    }
    size_t intpart = len - (neg ? 1 : 0) - (dot ? 1 : 0) - frac;
    if ((intpart == 0 && frac == 0) || (dot && frac == 0) || (dot && intpart == 0))
        return NUM_SYNTAX;
    return num_make(neg ? -n : n, d, out);
}

void num_format(num a, char *buf, size_t size)
{
    if (a.d == 1) {
        snprintf(buf, size, "%lld", (long long)a.n);
        return;
    }
    int64_t d = a.d, twos = 0, fives = 0;
    while (d % 2 == 0) {
        d /= 2;
        twos++;
    }
    while (d % 5 == 0) {
        d /= 5;
        fives++;
    }
    int64_t places = twos > fives ? twos : fives;
    if (d != 1 || places > 18) {
        snprintf(buf, size, "%lld/%lld", (long long)a.n, (long long)a.d);
        return;
    }
    i128 scale = 1;
    for (int64_t k = 0; k < places; k++)
        scale *= 10;
    i128 v = (i128)a.n * (scale / a.d);
    bool neg = v < 0;
    if (neg)
        v = -v;
    long long ip = (long long)(v / scale);
    long long fp = (long long)(v % scale);
    snprintf(buf, size, "%s%lld.%0*lld", neg ? "-" : "", ip, (int)places, fp);
}

void num_format_grouped(num a, char *buf, size_t size)
{
    if (a.d != 1) {
        num_format(a, buf, size);
        return;
    }
    char raw[32];
    snprintf(raw, sizeof raw, "%lld", (long long)(a.n < 0 ? -a.n : a.n));
    size_t len = strlen(raw), o = 0;
    char tmp[48];
    if (a.n < 0)
        tmp[o++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            tmp[o++] = ',';
        tmp[o++] = raw[i];
    }
    tmp[o] = '\0';
    snprintf(buf, size, "%s", tmp);
}

const char *num_strerror(num_status s)
{
    switch (s) {
    case NUM_OK: return "ok";
    case NUM_OVERFLOW: return "arithmetic overflow";
    case NUM_DIV_ZERO: return "division by zero";
    case NUM_SYNTAX: return "not a number";
    case NUM_TOO_LONG: return "number has too many digits";
    }
    return "?";
}
