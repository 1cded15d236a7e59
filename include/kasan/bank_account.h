/* bank_account: what a Japanese bank account is made of, as the Zengin (全銀協)
 * record layout fixes it: the account type codes, the widths of the name
 * fields and the digit-string codes.  Core level: the payer rule (rules), the
 * registry's holders (intake) and the transfer writer (report/zengin.c) all
 * check against it.  Not here: kana
 * conversion (kana.h) and the records themselves (zengin.h). */
#ifndef KASAN_BANK_ACCOUNT_H
#define KASAN_BANK_ACCOUNT_H
#include <stdbool.h>
#include <stddef.h>

#include "kasan/strbuf.h"

enum {
    ZENGIN_RECORD_LEN = 120,     /* bytes, before CRLF */
    ZENGIN_REQUESTER_NAME = 40,  /* 依頼人名 field width, bytes */
    ZENGIN_HOLDER_NAME = 30,     /* 受取人名 */
    ZENGIN_BANK_NAME = 15,       /* 銀行名, 支店名 */
};

/* 預金種目: account type */
typedef enum zengin_account_type { ZENGIN_ORDINARY = 1 /* 普通 */, ZENGIN_CURRENT = 2 /* 当座 */ } zengin_account_type;

/* "ordinary" → ZENGIN_ORDINARY, "current" → ZENGIN_CURRENT, anything else
 * (NULL too) → 0, which the caller reports. */
zengin_account_type bank_account_type(const char *s);

/* Whether s is `min`–`max` ASCII digits and nothing else (bank, branch,
 * requester codes and account numbers keep their leading zeros as text). */
bool bank_digits(const char *s, size_t min, size_t max);

/* A name (bank, branch, holder, requester) as the half-width kana its field
 * holds (kana.h), appended to out (initialized by the caller):
 * BANK_NAME_OK; BANK_NAME_BAD when it does not convert (why gets the reason);
 * BANK_NAME_LONG when it converts to more than width bytes (out->len says
 * how many). */
typedef enum { BANK_NAME_OK, BANK_NAME_BAD, BANK_NAME_LONG } bank_name_status;
bank_name_status bank_name(const char *s, size_t width, strbuf *out, char *why, size_t whysz);
/* The same verdict without the bytes (kana_zengin_size): *bytes gets the
 * converted length when it converts.  The registry checks its holders with
 * it, so a name the transfer file cannot write stops the run that would pay
 * it, not the transfer after the month is finalized. */
bank_name_status bank_name_check(const char *s, size_t len, size_t width, size_t *bytes,
                                 char *why, size_t whysz);

#endif
