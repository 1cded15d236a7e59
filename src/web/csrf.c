/* csrf: the random tokens of the web front-end — session ids and the
 * per-session CSRF token every POST carries — and their comparison in
 * constant time.  256 bits from OpenSSL's RAND_bytes, as 64 lowercase hex
 * digits (a cookie and a form field need no further encoding).  Not here:
 * which token belongs to which session (session.c), when a POST is checked
 * (app.c). */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>

#include "web_int.h"

bool web_token_new(char out[WEB_TOKEN_HEX + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[WEB_TOKEN_BYTES];
    if (RAND_bytes(raw, sizeof raw) != 1) {
        out[0] = '\0';
        return false;
    }
    for (size_t i = 0; i < sizeof raw; i++) {
        out[2 * i] = hex[raw[i] >> 4];
        out[2 * i + 1] = hex[raw[i] & 15];
    }
    out[WEB_TOKEN_HEX] = '\0';
    OPENSSL_cleanse(raw, sizeof raw);
    return true;
}

bool web_token_wellformed(const char *s)
{
    if (!s)
        return false;
    size_t i = 0;
    for (; s[i] && i <= WEB_TOKEN_HEX; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return i == WEB_TOKEN_HEX;
}

bool web_token_equal(const char *expected, const char *given)
{
    if (!expected || !given || strnlen(expected, WEB_TOKEN_HEX + 1) != WEB_TOKEN_HEX)
        return false;
    /* The length is public (always 64): comparing it first tells nothing. */
    if (strnlen(given, WEB_TOKEN_HEX + 1) != WEB_TOKEN_HEX)
        return false;
    return CRYPTO_memcmp(expected, given, WEB_TOKEN_HEX) == 0;
}
