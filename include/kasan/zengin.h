/* zengin: the bytes of a Zengin (全銀協) 総合振込 comprehensive transfer file
 * (SPEC section 7): a header (1), one data record (2) per transfer in the
 * order given, a trailer (8) and an end record (9), each 120 bytes + CRLF, in
 * JIS X 0201 as CP932 bytes.  Pure: no files, no ledger, no registry; the
 * `kasan transfer` command fills these structs (the payer from the payer rule
 * in force, one transfer per nursery from the ledger and the registry) and
 * writes the bytes atomically.  Everything is borrowed; nothing is kept.
 *
 * Customer codes (顧客コード1/2, 10 digits each, for the ward's own matching of
 * the bank's results): the command passes zengin_customer_code(nursery_id) as
 * code 1 (P001 → 0000000001) and NULL (zeros) as code 2; 識別表示 is a space,
 * so the two are numeric customer codes, not EDI text. */
#ifndef KASAN_ZENGIN_H
#define KASAN_ZENGIN_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/bank_account.h"
#include "kasan/date.h"
#include "kasan/diag.h"
#include "kasan/strbuf.h"

/* 依頼人 (payer): the ward's 会計管理者 account; names are UTF-8 as written. */
typedef struct zengin_payer {
    const char *requester_code;  /* 依頼人コード: 10 digits */
    const char *requester_name;  /* 依頼人名: ≤ 40 bytes once converted */
    date_t transfer_date;        /* 振込指定日: written MMDD */
    const char *bank_code;       /* 仕向銀行番号: 4 digits */
    const char *bank_name;       /* 仕向銀行名: ≤ 15 bytes once converted */
    const char *branch_code;     /* 仕向支店番号: 3 digits */
    const char *branch_name;     /* 仕向支店名: ≤ 15 bytes once converted */
    zengin_account_type account_type;
    const char *account_number;  /* 口座番号: 1–7 digits, zero-filled to 7 */
} zengin_payer;

/* One transfer (one nursery).  The column names in messages are the
 * registry's: bank_code, bank_name_kana, branch_code, branch_name_kana,
 * account_type, account_number, account_holder. */
typedef struct zengin_transfer {
    const char *id;              /* nursery_id: names the transfer in messages */
    const char *bank_code;       /* 被仕向銀行番号: 4 digits */
    const char *bank_name;       /* 被仕向銀行名: ≤ 15 bytes, NULL/"" = spaces (banks route by code) */
    const char *branch_code;     /* 被仕向支店番号: 3 digits */
    const char *branch_name;     /* 被仕向支店名: ≤ 15 bytes, NULL/"" = spaces */
    zengin_account_type account_type;
    const char *account_number;  /* 1–7 digits */
    const char *holder;          /* 受取人名: ≤ 30 bytes once converted */
    int64_t amount;              /* 振込金額: whole yen, 1 … 9,999,999,999 */
    const char *customer_code1;  /* 顧客コード1: 1–10 digits, NULL = zeros */
    const char *customer_code2;  /* 顧客コード2: likewise */
} zengin_transfer;

typedef struct zengin_file {
    const zengin_payer *payer;
    const char *payer_source;           /* file named in payer problems (the payer rule file) */
    const zengin_transfer *transfers;   /* written in this order (nursery_id order) */
    size_t n;
    const char *source;                 /* file named in transfer problems (the registry) */
} zengin_file;

/* What the trailer (8) says: 合計件数 and 合計金額. */
typedef struct zengin_totals {
    int64_t count, amount;
} zengin_totals;

/* Checks everything first and reports every problem through d (file =
 * payer_source or source, no line; "nursery P001: account_number '12345678'
 * must be 1–7 digits"); returns -1 then, with `out` untouched.  Otherwise
 * appends the whole file to `out`, fills `tot` (may be NULL) and returns 0. */
int zengin_write(const zengin_file *f, strbuf *out, zengin_totals *tot, diag_list *d);

/* Customer code 1 for a nursery id: its trailing digits zero-filled to 10
 * when the id is ASCII letters followed by 1–10 digits (P001 → 0000000001),
 * else all zeros.  out gets 10 digits and a NUL. */
void zengin_customer_code(const char *id, char out[11]);

#endif
