/* report_transfer: what a bank transfer file (全銀協 総合振込, SPEC 7) pays —
 * per nursery, the sum over its programs of the positive part of (due − base):
 * due is what the run (or settlement) transferred now owes, base what an
 * earlier transfer of the same month (settlement) already paid, so a
 * correction's file carries only its 追給; a lowered program (返還) is not
 * netted against another program's 追給.  Then the Zengin records of those
 * nurseries from a registry, and the payer from a payer rule.  Pure: no
 * files, no ledger (kasan transfer, src/cli/transfer.c, gathers the lines). */
#ifndef KASAN_REPORT_TRANSFER_H
#define KASAN_REPORT_TRANSFER_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/diag.h"
#include "kasan/intake.h"
#include "kasan/rules.h"
#include "kasan/zengin.h"

/* One amount of a nursery × program (borrowed strings). */
typedef struct transfer_line {
    const char *nursery_id, *program;
    int64_t yen;
} transfer_line;

/* One nursery's transfer. */
typedef struct transfer_sum {
    const char *nursery_id;
    int64_t yen;
} transfer_sum;

typedef struct transfer_plan {
    transfer_sum *sums;   /* nurseries with yen > 0, in nursery_id byte order */
    size_t n;
    int64_t total;        /* Σ sums: the trailer's 合計金額 */
    int64_t lowered;      /* Σ (base − due) where due < base: not transferred (返還) */
} transfer_plan;

/* Builds the plan (base may be empty: the whole of due).  Returns -1 after a
 * message in d if a sum overflows or a line is repeated. */
int transfer_plan_build(const transfer_line *due, size_t n_due, const transfer_line *base,
                        size_t n_base, arena *a, transfer_plan *out, diag_list *d);

/* One Zengin transfer per planned nursery, its bank details from reg; a
 * nursery missing from reg is reported (file reg->file) and -1 returned.
 * Everything else is zengin_write's to check. */
int transfer_records(const registry *reg, const transfer_plan *p, arena *a,
                     zengin_transfer **out, diag_list *d);

/* The payer record of a payer rule for a transfer date. */
zengin_payer transfer_payer(const rule_payer *rp, date_t day);

#endif
