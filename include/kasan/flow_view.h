/* flow_view: what a front-end needs beside the procedures of flow.h to show
 * the ward's year and let people act on it (the web front-end's pages,
 * issue 25; `kasan explain` and `kasan audit access` print two of them):
 *   - views, read-only: the year at a glance (each month's step, the next
 *     one and who may take it), a month as computed (its finalized run
 *     recomputed from the ledger's archive, or a draft from DATA) with the
 *     text of `kasan explain`, the settlement recorded, the event log a page
 *     at a time;
 *   - the access log of personal data (written, and read for an auditor);
 *   - who acts: whether an operator in force may take an action (duty.h's
 *     roles), and whether a month has begun.
 * The same contract as flow.h: a request, an exit code (enum kasan_exit),
 * a result that owns what it holds until its *_free, notes for a person.
 * No markup and no printing here.
 *
 * Not here: the procedures that write (flow.h), the arithmetic (engine,
 * budget), the ledger's records (src/ledger). */
#ifndef KASAN_FLOW_VIEW_H
#define KASAN_FLOW_VIEW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/duty.h"
#include "kasan/flow.h"
#include "kasan/ledger_access.h"
#include "kasan/ledger_overview.h"
#include "kasan/ledger_settle.h"
#include "kasan/ledger_transfer.h"
#include "kasan/operators.h"
#include "kasan/strbuf.h"

/* ---- who acts (actor.c) --------------------------------------------------- */

/* Whether actor->operator_id, as the operators file in force today under rs
 * gives them, may take action a: EXIT_OK, or EXIT_REFUSED with the reason
 * as a note — duty_check's message for a role they lack (the command
 * line's words), or that no operators file or no such operator is in force.
 * Only the role is judged here: the separation rules of one run (決裁 by
 * another, a transfer after approval) are the event-append point's (issue
 * 23).  Nothing is recorded: the action was not attempted. */
int flow_actor_may(const rule_set *rs, const flow_actor *actor, duty_action a,
                   flow_notes *notes);
/* Finalizing or transferring month m before its first day is a typo, not a
 * ledger refusal: false after the note "M has not begun (today is D):
 * nothing to WHAT yet".  True when m has begun or the clock has no date. */
bool flow_month_begun(claim_month m, const char *what, flow_notes *notes);

/* ---- the year at a glance (year_status.c) ---------------------------------- */

typedef enum flow_step {
    FLOW_STEP_NONE,     /* nothing to do yet: the month has not begun */
    FLOW_STEP_INTAKE,   /* 請求の受付: claim forms in (draft role) */
    FLOW_STEP_DRAFT,    /* 試算 (draft role) */
    FLOW_STEP_FINALIZE, /* 確定・起案 (draft role) */
    FLOW_STEP_APPROVE,  /* 決裁 (approve role, not the drafter): a signed run */
    FLOW_STEP_TRANSFER, /* 振込: the transfer file (pay role) */
    FLOW_STEP_DONE,     /* the current run is transferred */
} flow_step;

/* The role a step needs (0 for NONE and DONE). */
unsigned flow_step_role(flow_step s);

typedef struct flow_month_status {
    claim_month month;
    bool begun;                       /* its first day is today or earlier */
    bool claims;                      /* DATA/claims/M/children.csv is there */
    bool draft;                       /* OUT/M holds outputs that are not the current run's */
    const ledger_run_head *run;       /* the current run (finalized), or NULL */
    size_t n_runs;                    /* runs of the month, superseded ones included */
    bool signed_draft;                /* the current run was finalized under a signature:
                                       * it needs 決裁 before its transfer file */
    bool approved;                    /* 決裁 of the current run recorded */
    const char *drafter, *approver;   /* their operator ids (NULL: unsigned, none yet) */
    const ledger_transfer *transfer;  /* the latest transfer file of the current run, or NULL */
    size_t n_transfers;               /* transfer files of the month, any run */
    flow_step next;
    const rule_operator **who;        /* operators in force today who may take next (with
                                       * its role, and for 決裁 and 振込 not the run's
                                       * drafter or approver: the separation of duties) */
    size_t n_who;
} flow_month_status;

typedef struct flow_year_status_req {
    flow_paths paths;
    int fiscal_year;                  /* 0: the latest with a finalized month, else today's */
} flow_year_status_req;

typedef struct flow_year_status {
    flow_notes notes;
    int fiscal_year;
    flow_month_status months[12];     /* April first */
    bool approvals;                   /* 決裁 applies: an operators file is in force today
                                       * or a run of the year was signed (else the year is
                                       * unsigned and next goes from FINALIZE to TRANSFER) */
    rule_set rules;                   /* the operators in force point into it */
    arena a;
} flow_year_status;

/* EXIT_OK (with notes when the rules or the ledger could not be read: what
 * could be said is said), or EXIT_INTERNAL. */
int flow_year_status_read(const flow_year_status_req *rq, flow_year_status *out);
void flow_year_status_free(flow_year_status *ys);

/* ---- a month as computed, and its explanation (month_view.c, explain.c) ---- */

typedef struct flow_month_view_req {
    flow_paths paths;
    claim_month month;
} flow_month_view_req;

enum { FLOW_STAMP_LEN = 160 };

typedef struct flow_month_view {
    flow_notes notes;
    claim_month month;
    char stamp[FLOW_STAMP_LEN];       /* flow_month_view_stamp's, at computing */
    bool finalized;                   /* run: the ledger's current run, recomputed from the
                                       * archive (what was paid); else a draft from DATA */
    const char *run_id, *created, *actor; /* finalized only */
    const char *supersedes, *supersede_reason; /* a correction's */
    const month_run *run;             /* NULL when not computed (notes say why) */
    ledger_correction *corrections;   /* a finalized correction's, by nursery and program */
    size_t n_corrections;
    /* owned */
    struct flow_month_view_own *own;
    arena a;
} flow_month_view;

/* What the view of month m would be computed from, in a few stat(2) calls
 * and one ledger query: "run:RUN_ID" for a finalized month (it never
 * changes), else "data:" and a digest of the month's input files' and the
 * rule files' identities (device, inode, size, modification time).  Two
 * equal stamps give equal views: what a front-end may cache on. */
int flow_month_view_stamp(const flow_month_view_req *rq, char stamp[FLOW_STAMP_LEN],
                          flow_notes *notes);
/* Computes the view: EXIT_OK, EXIT_INVALID (rules or inputs that do not
 * load: notes), EXIT_DIFFERENT (an archive that no longer recomputes), or
 * EXIT_INTERNAL. */
int flow_month_view_open(const flow_month_view_req *rq, flow_month_view *v);
void flow_month_view_free(flow_month_view *v);

/* The nursery month of id in run (run->nurseries is sorted by id), or NULL. */
const nursery_month *flow_nursery_month(const month_run *run, const char *id);
/* `kasan explain`'s text for nursery id of run, appended to out: EXIT_OK, or
 * EXIT_USAGE with a note when the registry has no such nursery. */
int flow_explain_text(const month_run *run, const char *id, strbuf *out, flow_notes *notes);

/* ---- the settlement and the event log as recorded (views.c) ---------------- */

/* The fiscal year a page shows when none is asked: the latest with a
 * finalized month in the ledger under paths->out, else today's (`kasan
 * budget`'s default). */
int flow_fiscal_year_default(const flow_paths *paths);

typedef struct flow_settle_view {
    flow_notes notes;
    int fiscal_year;
    bool finalized;                   /* st holds the year's current settlement */
    ledger_settlement st;
    arena a;
} flow_settle_view;

/* EXIT_OK (finalized or not), EXIT_INTERNAL. */
int flow_settle_view_read(const flow_paths *paths, int fy, flow_settle_view *v);
void flow_settle_view_free(flow_settle_view *v);

typedef struct flow_events_view {
    flow_notes notes;
    int64_t total;                    /* events in the log */
    ledger_event_head *v;             /* newest first */
    size_t n;
    arena a;
} flow_events_view;

/* Events [offset, offset + limit) counted from the newest; no ledger is an
 * empty log (EXIT_OK). */
int flow_events_read(const char *out_dir, int64_t offset, int64_t limit, flow_events_view *v);
void flow_events_free(flow_events_view *v);

/* ---- the access log of personal data (access.c) ----------------------------- */

/* One entry (now, by clock_now_iso) in OUT/ledger.sqlite, the ledger
 * created if there is none yet: EXIT_OK, or EXIT_INTERNAL with a note —
 * then the personal data must not be shown. */
int flow_access_record(const char *out_dir, const char *operator_id, const char *via,
                       const char *what, flow_notes *notes);

typedef struct flow_access_req {
    const char *out;
    date_t from, to;                  /* days, both included (UTC, as every kasan date) */
} flow_access_req;

typedef struct flow_access_res {
    flow_notes notes;
    ledger_access *v;                 /* oldest first */
    size_t n;
    arena a;
} flow_access_res;

/* `kasan audit access`: the entries of [from, to]; no ledger: EXIT_USAGE. */
int flow_access_read(const flow_access_req *rq, flow_access_res *res);
void flow_access_free(flow_access_res *res);

#endif
