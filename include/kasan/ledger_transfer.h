/* ledger_transfer: a bank transfer file (全銀協 総合振込, SPEC 7) recorded in
 * the ledger's audit trail — one hash-chained event (action "transfer") whose
 * payload names the file (path under OUT), its SHA-256, what it transfers
 * (the month's run or the settlement, the run it tops up), count, total,
 * transfer date, actor and any reissue reason; and those events read back
 * (kasan transfer numbers its files from them, audit verify checks the files
 * still present).  No table of its own: the schema is unchanged.  Not here:
 * what is transferred (src/report/transfer.c) or the bytes (zengin.c).
 *
 * Ownership and return codes as in kasan/ledger.h. */
#ifndef KASAN_LEDGER_TRANSFER_H
#define KASAN_LEDGER_TRANSFER_H
#include "kasan/ledger.h"

typedef struct ledger_transfer {
    const char *month;          /* "YYYY-MM" of a month's transfer, NULL for a settlement */
    int settlement_fy;          /* FY of a settlement's transfer, 0 for a month */
    const char *run_id;         /* the month's run, or the settlement's settle_id */
    const char *base_run_id;    /* the run (settle_id) transferred before, whose amounts
                                 * this file tops up (追給); NULL if none */
    const char *file;           /* path relative to OUT: "2025-04/transfer-2025-04.txt" */
    const char *sha256;         /* of the file's bytes, hex */
    int64_t count, total_yen;   /* the trailer's 合計件数 and 合計金額 */
    const char *transfer_date;  /* 振込指定日, YYYY-MM-DD */
    const char *actor;
    const char *reissue_reason; /* NULL unless --reissue */
    const char *payer_version;  /* the payer rule's version */
    const char *payer_source;   /* "archived" (with the run) or "rules dir" */
    const void *data;           /* request: the file's bytes, stored as a blob under sha256
                                 * (checked) so the ledger keeps what went to the bank;
                                 * NULL in results (ledger_blob_get) */
    size_t len;
    /* read back only */
    int64_t event_seq;
    const char *time;
    /* "transferred": the file paid what rose over everything transferred
     * before (src/flow/owed.c); NULL in events from before that rule, whose
     * file topped up base_run_id */
    const char *base_kind;
} ledger_transfer;

/* Appends the "transfer" event in one transaction.  LEDGER_ALREADY_FINALIZED
 * when a transfer of the same run (month or settlement) is recorded and no
 * reissue_reason is given; LEDGER_INVALID for an incomplete request, bytes
 * that do not hash to sha256, or a file name already recorded; signed
 * (ledger_sign.h), LEDGER_DUTY unless the run is approved and the signer
 * neither drafted nor approved it.  seq and hash (each may be NULL) get the event's. */
int ledger_transfer_record(ledger *lg, const ledger_transfer *t, int64_t *seq,
                           char hash[SHA256_HEX_LEN + 1]);
/* Every transfer event, oldest first, strings in a. */
int ledger_transfers(ledger *lg, arena *a, ledger_transfer **out, size_t *n);

#endif
