/* ledger_decide: the grant decision (交付決定) and the budget line's
 * amendments in the ledger (issue 24, docs/spec/12-grant-decision.md).
 *
 * A fiscal year's decision is one hash-chained event ("decide") whose
 * payload holds every nursery × program's months and 交付決定額 and the
 * files it was computed from (applications, registry, rules: blobs by
 * SHA-256); each 変更交付決定 of one nursery is a "decide_amend" event with
 * that nursery's new rows, its reason and the difference.  The decision in
 * force is the "decide" event with every later amendment applied (a
 * nursery's rows replaced by its latest amendment's).  A budget amendment
 * (補正, 流用, 予備費充用) is a "budget_amend" event; the 予算現額 is the
 * budget rule file's amount plus the year's amendments.  No table of its
 * own: the schema is unchanged, payloads are read with SQLite's JSON
 * functions here alone (their format: src/ledger/ledger_int.h, 8.–10.).
 *
 * What the ledger keeps inside its transactions: a decision (or an
 * amendment raising one) that would commit more than the 予算現額 is refused
 * (LEDGER_OVER_BUDGET), a year decided twice (LEDGER_ALREADY_FINALIZED), an
 * amendment without a decision (LEDGER_NOTHING_TO_SUPERSEDE), a decision
 * amended below what the nursery was already paid (LEDGER_OVER_DECISION),
 * a budget amendment that makes the 予算現額 negative or lower than what is
 * committed (LEDGER_OVER_BUDGET); and, through ledger_finalize, a month
 * paying a nursery beyond its remaining decided amount (LEDGER_OVER_DECISION
 * unless over_decision_reason, then an "over_decision" event follows the
 * run's) or a month of a year without decision that needs one
 * (LEDGER_NO_DECISION).  Each refusal is a "refuse" event.
 *
 * Not here: computing a decision (kasan/decide.h), the budget arithmetic
 * and its refusals' reasons (kasan/budget_ward.h, used here), who may sign
 * (src/flow/signer.c).  Ownership and return codes as in kasan/ledger.h. */
#ifndef KASAN_LEDGER_DECIDE_H
#define KASAN_LEDGER_DECIDE_H
#include "kasan/ledger.h"

#define LEDGER_DECIDE_MONTHS 12

/* One nursery × program of a decision: its planned months (fiscal order,
 * April first) and their sum, the 交付決定額. */
typedef struct ledger_decide_row {
    const char *nursery_id, *program;
    int64_t months[LEDGER_DECIDE_MONTHS];
    int64_t annual_yen;
} ledger_decide_row;

typedef struct ledger_decide_req {
    int fiscal_year;
    const char *decide_id, *created, *actor, *engine_version;
    const ledger_decide_row *rows;   /* by nursery_id, then program; an amendment: only
                                      * amend_nursery's (none: 取消, amended to 0) */
    size_t n_rows;
    const ledger_file *files;        /* the applications, registry and rules (blobs) */
    size_t n_files;
    ledger_budget budget;            /* the year's budget line (line_id NULL: none) */
    const char *amend_nursery;       /* NULL: the year's decision; else a 変更交付決定 */
    const char *reason;              /* required with amend_nursery */
    /* the notices sent, by 文書番号 (ledger_docs.h), inserted in the event's
     * transaction and listed in its payload */
    const struct ledger_document *documents;
    size_t n_documents;
    /* > 0: the seq the event must get (an amendment's notice is named by
     * it, written before it is recorded); another event meanwhile fails
     * the commit (LEDGER_BUSY, "run again") */
    int64_t expect_seq;
} ledger_decide_req;

typedef struct ledger_decide_res {
    int64_t event_seq;               /* the decision, or the refusal recorded */
    char event_hash[SHA256_HEX_LEN + 1];
    int64_t current_budget_yen;      /* 予算現額 */
    int64_t committed_before_yen, committed_after_yen; /* 負担行為額 */
    int64_t shortfall_yen;           /* over the 予算現額 (LEDGER_OVER_BUDGET) */
    int64_t previous_yen, amended_yen; /* an amendment: the nursery before and after */
    int64_t paid_yen;                /* an amendment: what the nursery was paid so far */
} ledger_decide_res;

/* Records a decision or an amendment (checks above, refusals recorded). */
int ledger_decide(ledger *lg, const ledger_decide_req *req, ledger_decide_res *res);

/* The decision in force for fiscal year fy (the decide event with every
 * later amendment applied); rows by nursery_id, then program, strings in a.
 * LEDGER_NOT_FOUND when the year has none. */
typedef struct ledger_decision {
    int fiscal_year;
    int64_t decide_seq, last_seq;    /* the decide event, and the last that changed it */
    const char *decide_id, *created;
    ledger_decide_row *rows;
    size_t n_rows;
    size_t n_amendments;
    int64_t total_yen;
} ledger_decision;
int ledger_decision_current(ledger *lg, int fy, arena *a, ledger_decision *out);
/* The same as the ledger stood just before event before_seq (0: now): what
 * a settlement recorded as that event was capped by. */
int ledger_decision_before(ledger *lg, int fy, int64_t before_seq, arena *a,
                           ledger_decision *out);

/* A nursery's decided amount (all programs) in d; 0 when it has no row. */
int64_t ledger_decision_nursery(const ledger_decision *d, const char *nursery_id);

/* What the current month runs of fiscal year fy paid nursery_id, except
 * except_month's (NULL: every month). */
int ledger_nursery_paid(ledger *lg, int fy, const char *nursery_id, const char *except_month,
                        int64_t *paid);

/* ---- the budget line's amendments (補正, 流用, 予備費充用) ----------------- */

typedef struct ledger_budget_amend_req {
    int fiscal_year;
    const char *actor, *created;
    const char *kind;                /* "補正", "流用" or "予備費充用" */
    int64_t amount_yen;              /* ± (never 0) */
    const char *date;                /* YYYY-MM-DD: the day it took effect */
    const char *reason;
    ledger_budget budget;            /* the year's line (the budget rule file) */
} ledger_budget_amend_req;

typedef struct ledger_budget_amend_res {
    int64_t event_seq;
    char event_hash[SHA256_HEX_LEN + 1];
    int64_t current_before_yen, current_after_yen, committed_yen;
} ledger_budget_amend_res;

int ledger_budget_amend(ledger *lg, const ledger_budget_amend_req *req,
                        ledger_budget_amend_res *res);

typedef struct ledger_budget_amendment {
    int64_t seq;
    const char *kind, *date, *reason, *actor;
    int64_t amount_yen;
} ledger_budget_amendment;

/* The amendments of fy's line, oldest first, strings in a. */
int ledger_budget_amendments(ledger *lg, int fy, arena *a, ledger_budget_amendment **out,
                             size_t *n);

#endif
