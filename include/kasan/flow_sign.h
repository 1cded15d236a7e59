/* flow_sign: the procedures of who acts (issue 23, SPEC 10.1,
 * docs/spec/11-operators.md) below every front-end — the operator checked
 * against the operators file in force (their key, their roles), the
 * approval (決裁) of a finalized month or settlement with the summary shown
 * first, the auditor's signed checkpoint of the chain head, and the check
 * of every signature, role and separation rule of a ledger.
 *
 * A front-end loads the operator's key (the command line asks the
 * passphrase; the web server decrypted it at login) and passes it in the
 * request's flow_actor; these procedures never ask, never print, and never
 * keep the key beyond the call.  Every money procedure (flow_month
 * finalizing, flow_settle finalizing, flow_transfer, flow_approve) calls
 * flow_signer_begin first: with no operators file in force and no operator
 * given it works unsigned, as before; once an operators file is in force an
 * unsigned money event is refused.
 *
 * Ownership and notes as in kasan/flow.h. */
#ifndef KASAN_FLOW_SIGN_H
#define KASAN_FLOW_SIGN_H
#include "kasan/duty.h"
#include "kasan/flow.h"
#include "kasan/ledger_sign.h"
#include "kasan/operators.h"

/* ---- who signs (src/flow/signer.c) ------------------------------------------- */

typedef struct flow_signer {
    bool active;                     /* signing: an operators file in force, an operator */
    ledger_signer ls;                /* set on the ledger handle (ledger_set_signer) */
    const rule_operator *op;         /* the operator as in force today (in the rule set) */
    const rule_operators *version;   /* the operators version in force today */
    duty_action action;
    date_t day;                      /* today (UTC) */
} flow_signer;

/* Who acts for action, on the operators of rs in force today (borrowed:
 * rs and actor->key outlive the signer).  EXIT_OK inactive when no
 * operators version is in force and no operator is given (unsigned);
 * EXIT_USAGE for an operator given while none is in force; EXIT_REFUSED
 * (nothing recorded) when one is in force and no operator or key is given,
 * the operator is not in force today (unknown, revoked, not yet or no
 * longer valid), or the key is not the one the operators file lists for
 * them.  Says why in notes.  Roles are flow_signer_role's. */
int flow_signer_begin(const rule_set *rs, const flow_actor *actor, duty_action action,
                      flow_signer *s, flow_notes *notes);
/* The role the action needs: EXIT_OK, or (the operator lacks it) the refusal
 * said, recorded on lg as a signed "refuse" event of subject ("YYYY-MM" or
 * "FYnnnn", run_id may be NULL, requested: what was asked), EXIT_REFUSED.
 * Leaves s set on lg.  EXIT_OK at once when s is inactive. */
int flow_signer_role(const flow_signer *s, ledger *lg, const char *subject, const char *run_id,
                     const char *requested, flow_notes *notes);
/* The event's actor: the operator's id when signing, else the name given. */
const char *flow_signer_actor(const flow_signer *s, const flow_actor *actor);

/* Only the operators files under dir (rules_load_operators), for the
 * procedures that need no other rule: none there (or no dir) is an empty
 * set; a broken operators file is EXIT_INVALID after its diagnostics.
 * Always rules_free() after. */
int flow_load_operators(const char *dir, rule_set *rs, flow_notes *notes);

/* ---- the approval block: who drafted, approved, paid (src/flow/signoff.c) --- */

/* A run's steps with the names and posts of the operators file in force on
 * each step's day (from the ledger's archived operators files), for the
 * workbook's approval block (report_approval) and the approval summary.
 * NULL when nothing of the run is signed. */
const report_approval *flow_signoff_block(ledger *lg, const char *month, int fiscal_year,
                                          const char *run_id, arena *a);

/* ---- approval (決裁, src/flow/approve.c) -------------------------------------- */

typedef struct flow_approve_req {
    flow_paths paths;                  /* rules: the operators file; out: the ledger */
    claim_month month;                 /* a month's current run, or */
    int settlement_fy;                 /* a fiscal year's current settlement */
    flow_actor actor;                  /* flow_approve: the approver and their key */
    /* flow_approve: what flow_approve_summary showed the approver (all three,
     * or none: then what is current is approved) */
    const char *run_id, *digest;
    int64_t drafted_seq;
} flow_approve_req;

typedef struct flow_approve_res {
    flow_notes notes;
    const char *label;                 /* "2025-04", "the settlement of FY2025" */
    ledger_approval_subject subject;   /* what is approved */
    const report_approval *block;      /* who drafted it (and approved, paid), or NULL */
    ledger_signoffs signoffs;
    /* a month: the run */
    ledger_run run;
    bool is_correction;
    ledger_correction *corrections;    /* a correction's differences */
    size_t n_corrections;
    int64_t raised_yen, lowered_yen;   /* 追給 and 返還 in all */
    /* a settlement */
    ledger_settlement settlement;
    /* the budget position of the fiscal year as the ledger stands */
    int fiscal_year;
    const char *line_id;               /* NULL: no budget line recorded */
    int64_t line_yen, paid_yen, remaining_yen; /* paid: current months + 追加交付 */
    const char *over_budget_reason;    /* finalized over the line on it, or NULL */
    /* flow_approve: the event */
    int64_t event_seq;
    char event_hash[SHA256_HEX_LEN + 1];
    const char *workbook;              /* OUT/M/payments.xlsx republished, or NULL */
    arena a;
} flow_approve_res;

/* What an approval of the month (settlement) would sign, with the totals,
 * the budget position and a correction's differences, read from the ledger
 * alone: EXIT_OK; EXIT_USAGE when there is nothing finalized to approve. */
int flow_approve_summary(const flow_approve_req *rq, flow_approve_res *res);
/* The summary again, then the approval recorded under the actor's
 * signature (always signed: an operator with the approve role who did not
 * draft it; refusals recorded) and, for a month, OUT/M/payments.xlsx
 * republished with the approval block.  EXIT_REFUSED for a refusal. */
int flow_approve(const flow_approve_req *rq, flow_approve_res *res);
void flow_approve_free(flow_approve_res *res);

/* `kasan approve --decision FY [--nursery ID]` and `--budget-amend FY
 * --event SEQ` (src/flow/approve_grant.c): the approval (決裁) of the
 * year's grant decision, of a nursery's latest 変更交付決定, or of an
 * amendment of the line, signed by an operator with the approve role who
 * did not draft it.  EXIT_USAGE when nothing such awaits approval (or no
 * operators file is in force), EXIT_REFUSED for a refusal (recorded). */
typedef struct flow_approve_grant_req {
    flow_paths paths;
    int fiscal_year;
    const char *nursery_id;            /* a 変更交付決定 of this nursery */
    int64_t budget_event_seq;          /* an amendment of the line (budget_amend) */
    flow_actor actor;
} flow_approve_grant_req;

typedef struct flow_approve_grant_res {
    flow_notes notes;
    ledger_pending approved;           /* the event approved */
    int64_t event_seq;                 /* the approval (or the refusal recorded) */
    char event_hash[SHA256_HEX_LEN + 1];
    arena a;
} flow_approve_grant_res;

int flow_approve_grant(const flow_approve_grant_req *rq, flow_approve_grant_res *res);
void flow_approve_grant_free(flow_approve_grant_res *res);

/* ---- every signature of a ledger (src/flow/signatures.c) ---------------------- */

typedef struct flow_signatures {
    audit_sig_event *events;         /* every event, oldest first (report.h) */
    size_t n_events;
    audit_sig_run *runs;             /* every run and settlement, in event order */
    size_t n_runs;
    size_t n_signed, n_unsigned;
    int problems;                    /* problem lines said */
    size_t n_operators_files;        /* held by the ledger */
} flow_signatures;

/* Checks every event's signature against the key in force for its
 * operator on the event's day (the operators files the ledger holds), the
 * role used, and the separation rules (an approval not by the drafter and
 * of a signed draft, a transfer file only after the approval and not by
 * the drafter or approver); an unsigned money event while an operators
 * file was in force is a problem.  Each problem is a result line "event N:
 * why".  Returns the number of problems, or -1 when the ledger could not
 * be read (its message in notes). */
int flow_signatures_verify(ledger *lg, arena *a, flow_signatures *out, flow_notes *notes);

/* ---- the auditor's checkpoint (src/flow/checkpoint.c) -------------------------
 * A small text file to keep outside the ledger, like a transparency log's
 * checkpoint: the chain head signed by an operator with the audit role.
 *     kasan checkpoint
 *     seq N
 *     hash H
 *     time T
 *     operator ID
 *     key SHA256:...
 *     signature BASE64          (over the lines above, context "checkpoint")
 */
typedef struct flow_checkpoint_req {
    flow_paths paths;                  /* rules: the operators file; out: the ledger */
    flow_actor actor;
    const char *to;                    /* the file to write; NULL: OUT/checkpoint-SEQ.txt */
} flow_checkpoint_req;

typedef struct flow_checkpoint_res {
    flow_notes notes;
    const char *path;
    int64_t seq;
    char hash[SHA256_HEX_LEN + 1];
    char time[32];
    arena a;
} flow_checkpoint_res;

/* Writes the checkpoint (never over an existing file): EXIT_OK; EXIT_USAGE
 * with no operators file in force; EXIT_REFUSED for an operator without the
 * audit role (nothing recorded: the auditor never writes the ledger). */
int flow_checkpoint(const flow_checkpoint_req *rq, flow_checkpoint_res *res);
void flow_checkpoint_free(flow_checkpoint_res *res);
/* Checks a checkpoint file against lg: its signature by an operator with
 * the audit role in force on its day (the ledger's operators files), and
 * that the ledger still holds its event with its hash (the log extends
 * it).  Each problem a result line; returns their number, -1 when the
 * ledger could not be read. */
int flow_checkpoint_verify(ledger *lg, const char *path, flow_notes *notes);

#endif
