/* ledger_refund: the receipts (収納) of 返還 receivables (issue 24,
 * docs/spec/12-grant-decision.md §12.7) as "refund_receipt" events of the
 * hash chain: who recorded what amount from which nursery on which day,
 * against which settlement.  The receivables themselves are the current
 * settlement's 返還 (src/flow/refund.c reads them); what is received is
 * checked there, and again here inside the write transaction against what
 * was read (a receipt or a settlement recorded meanwhile: LEDGER_BUSY). */
#ifndef KASAN_LEDGER_REFUND_H
#define KASAN_LEDGER_REFUND_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/hash.h"
#include "kasan/ledger.h"

typedef struct ledger_refund_receipt {
    int fiscal_year;
    const char *nursery_id;
    int64_t amount_yen;          /* > 0 */
    const char *date;            /* 収納日, YYYY-MM-DD */
    const char *settle_id;       /* the settlement whose 返還 it pays */
    const char *actor;
    /* request only: what the caller read, checked again in the transaction */
    int64_t expect_settlement_seq;
    int64_t expect_received_yen; /* the nursery's receipts of the year so far */
    /* read back only */
    int64_t event_seq;
    const char *time;
} ledger_refund_receipt;

/* Records a receipt: LEDGER_BUSY when the year's current settlement or the
 * nursery's receipts are no longer what the caller read, LEDGER_INVALID for
 * an incomplete request. */
int ledger_refund_receipt_record(ledger *lg, const ledger_refund_receipt *r, int64_t *seq,
                                 char hash[SHA256_HEX_LEN + 1]);
/* The receipts of fiscal year fy (all nurseries), oldest first. */
int ledger_refund_receipts(ledger *lg, int fy, arena *a, ledger_refund_receipt **out, size_t *n);

#endif
