/* flow_refund: 返還 receivables (調定 and 収納, issue 24,
 * docs/spec/12-grant-decision.md §12.7) — `kasan refund --list` and
 * `kasan refund --received`.  A receivable is a row of the fiscal year's
 * current settlement that decides a 返還 (its net 追加交付/返還 below 0) —
 * one per settlement of the chain that added to it (a correction's added
 * 返還 is its own, decided on its day; one that lowers cancels the newest
 * first): the amount, the day it was decided (that settlement's
 * finalization, in Japan), how the budget counts it (戻入 when decided by
 * the year's 出納閉鎖, else 雑入 of the year of its due date), its due date (返還期限: that day + the program's
 * repayment_due_days, as on the notice) and what was received.  Receipts
 * are "refund_receipt" events, signed in the pay role once an operators
 * file is in force; a nursery's receipts pay its receivables oldest due
 * date first. */
#ifndef KASAN_FLOW_REFUND_H
#define KASAN_FLOW_REFUND_H
#include "kasan/budget_ward.h"
#include "kasan/flow.h"

typedef struct flow_receivable {
    const char *nursery_id, *program, *program_title;
    int64_t amount_yen, received_yen, open_yen;
    date_t decided, due;
    const char *settle_id;             /* the settlement of the chain that decided it */
    budget_refund treatment;           /* 戻入 of the year, or 雑入 of a later one */
    bool overdue;                      /* open after its due date (延滞) */
} flow_receivable;

typedef struct flow_refund_req {
    flow_paths paths;
    int fiscal_year;                   /* 0: the latest fiscal year with a settlement */
    bool overdue_only;                 /* --list --overdue */
    bool receive;                      /* --received: record a receipt */
    const char *nursery_id;
    int64_t amount_yen;
    const char *date;                  /* 収納日 YYYY-MM-DD */
    flow_actor actor;
} flow_refund_req;

typedef struct flow_refund_res {
    flow_notes notes;
    int fiscal_year;
    const char *settle_id;
    flow_receivable *rows;             /* by nursery, then due date, then program */
    size_t n;
    int64_t amount_yen, received_yen, open_yen; /* of every row (not only those listed) */
    int64_t event_seq;                 /* the receipt recorded */
    char event_hash[SHA256_HEX_LEN + 1];
    rule_set rules;
    arena a;
} flow_refund_res;

int flow_refund(const flow_refund_req *rq, flow_refund_res *res);
void flow_refund_free(flow_refund_res *res);

#endif
