/* bank_account: the checks every bank account field goes through, shared by
 * the payer rule loader, the registry and the Zengin writer
 * (include/kasan/bank_account.h).
 * Not here: messages (each caller names its own file and column). */
#include <string.h>

#include "kasan/bank_account.h"
#include "kasan/kana.h"

zengin_account_type bank_account_type(const char *s)
{
    if (s && !strcmp(s, "ordinary"))
        return ZENGIN_ORDINARY;
    if (s && !strcmp(s, "current"))
        return ZENGIN_CURRENT;
    return (zengin_account_type)0;
}

bool bank_digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bank_name_status bank_name(const char *s, size_t width, strbuf *out, char *why, size_t whysz)
{
    kana_error e;
    kana_status st = kana_to_zengin(s, strlen(s), out, &e);
    if (st != KANA_OK) {
        kana_error_format(st, &e, why, whysz);
        return BANK_NAME_BAD;
    }
    return out->len > width ? BANK_NAME_LONG : BANK_NAME_OK;
}

bank_name_status bank_name_check(const char *s, size_t len, size_t width, size_t *bytes,
                                 char *why, size_t whysz)
{
    kana_error e;
    kana_status st = kana_zengin_size(s, len, bytes, &e);
    if (st != KANA_OK) {
        kana_error_format(st, &e, why, whysz);
        return BANK_NAME_BAD;
    }
    return *bytes > width ? BANK_NAME_LONG : BANK_NAME_OK;
}
