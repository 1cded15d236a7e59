/* ledger: the ledger and audit trail of finalized months (SPEC 5), one SQLite
 * file (OUT/ledger.sqlite) that auditors can open with the sqlite3 shell.  It
 * holds every finalized run with its payments, the files it used stored by
 * content (SHA-256), and an append-only, hash-chained event log.
 *
 * Concurrency and crashes: every change is one SQLite `BEGIN IMMEDIATE`
 * transaction (WAL, synchronous=FULL, busy timeout 10 s); there are no lock
 * files.  A process killed at any point leaves either the whole finalization
 * or none of it.  Triggers refuse UPDATE and DELETE on recorded rows; the one
 * permitted change is marking a run superseded, once.
 *
 * Ownership: a `ledger` is opened with ledger_open() and released with
 * ledger_close().  Functions that return records allocate every string and
 * array of the result in the caller's arena (valid until arena_release());
 * ledger_blob_get() returns malloc'd bytes (free() them).  Request structs are
 * borrowed for the duration of the call only.
 *
 * Return codes: every function returning `int` returns a ledger_status.  On a
 * code other than LEDGER_OK, ledger_errmsg() says why in English, including
 * SQLite's own message where SQLite failed.  Codes:
 *   LEDGER_OK                    success
 *   LEDGER_ALREADY_FINALIZED     the month has a current run and supersede was not asked
 *   LEDGER_NOTHING_TO_SUPERSEDE  supersede asked but the month has no current run
 *   LEDGER_OVER_BUDGET           the fiscal year's paid total would exceed the budget line
 *                                and no over_budget_reason was given (overrun in the result)
 *   LEDGER_NO_BUDGET_LINE        the fiscal year has no budget line, something is to be paid
 *                                and no over_budget_reason was given (SPEC 1.4)
 *   LEDGER_NOT_FOUND             no ledger file, or a file without schema (ledger_open
 *                                without create), no current run of the month, or no such blob
 *   LEDGER_INVALID               the request is inconsistent (bad month, totals that do not
 *                                add up, a file whose bytes do not match its SHA-256,
 *                                text that is not UTF-8) or a constraint refused it
 *   LEDGER_BUSY                  another process held the ledger beyond the busy timeout
 *   LEDGER_CORRUPT               not a kasan ledger, an unknown schema version, or stored
 *                                content that does not match its hash
 *   LEDGER_IO                    any other SQLite or file-system failure
 *   LEDGER_DUTY                  the separation of duties refuses a signed event: an
 *                                approval by the run's drafter, a transfer file of a run
 *                                not approved or by its drafter or approver, a role the
 *                                signer lacks (kasan/ledger_sign.h)
 *   LEDGER_OVER_DECISION         a month pays a nursery beyond its grant decision (交付決定)
 *                                and no over_decision_reason was given, or a decision is
 *                                amended below what was paid (kasan/ledger_decide.h)
 *   LEDGER_NO_DECISION           the month's fiscal year is paid within decisions
 *                                (decision_required) and has none recorded
 *
 * Schema (version 2): meta(key, value); runs; run_programs; payments; blobs;
 * run_files; events; signatures (seq, sig: an event's signature, beside it;
 * version 2 added it, and a version-1 ledger is upgraded when opened).  See
 * src/ledger/store.c for the DDL.  Event actions: "finalize" and
 * "supersede" (each records a run; a supersede payload's "supersede" object
 * lists the corrections: paid / corrected / difference per nursery and
 * program), "refuse" (a refused finalization, no run), "settle",
 * "settle_supersede", "transfer", "approve"; signed events: ledger_sign.h. */
#ifndef KASAN_LEDGER_H
#define KASAN_LEDGER_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kasan/arena.h"
#include "kasan/hash.h"

#define LEDGER_SCHEMA_VERSION 2
#define LEDGER_BUSY_TIMEOUT_MS 10000

typedef enum ledger_status {
    LEDGER_OK = 0,
    LEDGER_ALREADY_FINALIZED,
    LEDGER_NOTHING_TO_SUPERSEDE,
    LEDGER_OVER_BUDGET,
    LEDGER_NOT_FOUND,
    LEDGER_INVALID,
    LEDGER_BUSY,
    LEDGER_CORRUPT,
    LEDGER_IO,
    LEDGER_NO_BUDGET_LINE, /* the earlier codes keep their values */
    LEDGER_DUTY,
    LEDGER_OVER_DECISION,  /* beyond a nursery's grant decision (kasan/ledger_decide.h) */
    LEDGER_NO_DECISION,    /* a year paid within decisions has none recorded */
    LEDGER_STALE,          /* a settlement's months changed while it was computed */
    LEDGER_SETTLED,        /* a month changed after its year's settlement (issue 21) */
    LEDGER_AWAITING_APPROVAL, /* a grant decision or its amendment awaits its 決裁 */
} ledger_status;

typedef struct ledger ledger;

/* One payment row: a nursery × program with its amount (SPEC 4 payments.csv). */
typedef struct ledger_payment {
    const char *nursery_id;
    const char *program;
    const char *rule_version;
    int64_t amount_yen;
} ledger_payment;

/* A program's total of the month (programs in force, even if zero). */
typedef struct ledger_program_total {
    const char *program;
    int64_t amount_yen;
} ledger_program_total;

/* A file a run used.  role: "rules" | "registry" | "children" | "staff";
 * name: display path (e.g. "claims/2025-04/children.csv").  In a request,
 * data/len are the bytes and sha256 their hex digest (checked); in query
 * results data is NULL (fetch the bytes with ledger_blob_get). */
/* What a stored file is to its run (run_files.role): the rule files, or one
 * of a month's inputs, in intake's INPUT_* order.  ledger_role_name gives
 * the stored text ("rules", "registry", "children", "staff"). */
enum { LEDGER_ROLE_RULES, LEDGER_ROLE_REGISTRY, LEDGER_ROLE_CHILDREN, LEDGER_ROLE_STAFF,
       LEDGER_ROLE_COUNT };
const char *ledger_role_name(int role);

typedef struct ledger_file {
    const char *role;
    const char *name;
    const void *data;
    size_t len;
    const char *sha256;
} ledger_file;

/* The budget line of the month's fiscal year (SPEC 1.4); line_id NULL = none. */
typedef struct ledger_budget {
    int fiscal_year;
    const char *line_id;
    int64_t line_amount_yen;
} ledger_budget;

/* A nursery a month run pays beyond its grant decision: decided (交付決定額,
 * all programs), paid by the year's other months, this month, and
 * shortfall = paid_before + this_month − decided (> 0). */
enum { LEDGER_OVER_DECISION_MAX = 8 };
typedef struct ledger_over_decision {
    char nursery_id[64];
    int64_t decided_yen, paid_before_yen, this_month_yen, shortfall_yen;
} ledger_over_decision;

typedef struct ledger_finalize_req {
    const char *month;           /* "YYYY-MM" */
    const char *run_id;
    const char *created;         /* ISO 8601 UTC time of the run */
    const char *actor;           /* operator (login name) */
    const char *engine_version;
    const ledger_payment *payments;
    size_t n_payments;
    const ledger_program_total *programs; /* must add up to total_yen */
    size_t n_programs;
    int64_t total_yen;
    const ledger_file *files;
    size_t n_files;
    ledger_budget budget;        /* line_id NULL when no budget line applies */
    const char *over_budget_reason; /* NULL if none: 補正予算・流用; recorded only
                                     * when the month does go over the line */
    bool supersede;              /* a correction (修正) of the current run */
    const char *reason;          /* required when supersede */
    bool decision_required;      /* the year is paid within its grant decisions (its budget
                                  * file does not say grant_decision: none): refused
                                  * (LEDGER_NO_DECISION) when none is recorded.  A year with a
                                  * recorded decision is always paid within it. */
    const char *over_decision_reason; /* NULL if none: pays the nurseries beyond their
                                       * decision anyway, recorded in an "over_decision"
                                       * event after the run's */
    const char *expect_superseded; /* supersede: the run the correction was computed
                                    * against (its differences are in the outputs);
                                    * refused (LEDGER_ALREADY_FINALIZED) when another
                                    * run became current meanwhile.  NULL: not checked */
    const struct ledger_document *documents; /* the 文書番号 the run's documents carry
                                              * (kasan/ledger_docs.h), numbers ascending
                                              * from ledger_documents_next; n 0: none */
    size_t n_documents;
    /* supersede: the month's transfer events the correction's "what is
     * owed" was set against (src/flow/owed.c; n 0: none, nothing was
     * transferred), recorded as supersede.owed_base; a transfer recorded
     * meanwhile refuses the commit (LEDGER_BUSY) */
    const int64_t *owed_transfers;
    size_t n_owed_transfers;
    /* a month finalized or corrected after its fiscal year's settlement is
     * refused (LEDGER_SETTLED) unless this reason is given: then recorded
     * in an "after_settlement" event after the run's */
    const char *after_settlement_reason;
} ledger_finalize_req;

typedef struct ledger_finalize_res {
    int64_t fy_paid_before_yen;  /* current runs of the FY's other months */
    int64_t fy_paid_after_yen;   /* + this run */
    int64_t overrun_yen;         /* fy_paid_after − line amount when > 0, else 0 */
    int64_t event_seq;           /* the audit event appended: the finalization (LEDGER_OK),
                                  * or the refusal event of a refused one (see
                                  * ledger_finalize); 0 if none */
    char event_hash[SHA256_HEX_LEN + 1]; /* its hash: the anchor to write down outside the
                                          * ledger */
    char superseded_run_id[128]; /* "" unless a run was superseded */
    bool overridden;             /* paid on over_budget_reason (over the line or no line) */
    /* the nurseries this run pays beyond their grant decision (交付決定): the
     * refusal (LEDGER_OVER_DECISION) or, paid on over_decision_reason, the
     * "over_decision" event over_decision_seq; the first LEDGER_OVER_DECISION_MAX kept */
    ledger_over_decision over_decision[LEDGER_OVER_DECISION_MAX];
    size_t n_over_decision;      /* every such nursery (may exceed the array) */
    int64_t over_decision_seq;
    int64_t settlement_seq;       /* the year's finalized settlement, 0 if none */
    int64_t after_settlement_seq; /* the "after_settlement" event of the override, 0 if none */
} ledger_finalize_res;

/* A recorded run, as read back. */
typedef struct ledger_run {
    const char *run_id, *month, *created, *actor, *engine_version;
    const char *over_budget_reason;  /* NULL if none */
    int64_t overrun_yen;             /* 0 unless overridden */
    const char *supersedes;          /* run this one corrected, or NULL */
    const char *supersede_reason;    /* NULL unless supersedes */
    const char *superseded_by;       /* NULL = current run of its month */
    int64_t total_yen;
    int64_t fy_paid_yen;             /* FY paid total when finalized, incl. this */
    int64_t event_seq;
    ledger_budget budget;
    ledger_program_total *programs;
    size_t n_programs;
    ledger_payment *payments;        /* sorted by nursery_id, program */
    size_t n_payments;
    ledger_file *files;              /* sorted by role, name; data NULL */
    size_t n_files;
} ledger_run;

/* A correction (修正, SPEC 6.1): one nursery × program whose amount differs
 * between a superseded run and the run that supersedes it.  paid_yen is what
 * the superseded run paid (0 if it paid nothing), corrected_yen the new
 * amount (0 if nothing any more), difference_yen = corrected − paid (差額:
 * 追給 when positive, 返還 when negative). */
typedef struct ledger_correction {
    const char *nursery_id, *program;
    int64_t paid_yen, corrected_yen, difference_yen;
} ledger_correction;

/* A month of a fiscal year that has a current run (budget execution). */
typedef struct ledger_month_sum {
    const char *month;
    const char *run_id;
    ledger_program_total *programs;
    size_t n_programs;
    int64_t total_yen;
    const char *over_budget_reason; /* finalized over the line on it; NULL if not */
} ledger_month_sum;

typedef struct ledger_counts {
    int64_t events, blobs, runs;
    int64_t head_seq;                   /* the last event (0 if none) */
    char head_hash[SHA256_HEX_LEN + 1]; /* its stored hash (64 zeros if none) */
} ledger_counts;

/* An anchor: an event's hash written down outside the ledger (the finalize
 * summary prints it).  The chain alone cannot show that someone rewrote every
 * event and recomputed every hash; an anchor can. */
typedef struct ledger_anchor {
    int64_t seq;
    char hash[SHA256_HEX_LEN + 1];
} ledger_anchor;

/* Opens (and with create, creates) the ledger at path: WAL, synchronous=FULL,
 * foreign keys, busy timeout; creates the schema if absent.  Without create a
 * missing file is LEDGER_NOT_FOUND.  On failure *out is NULL and err says why. */
int ledger_open(const char *path, bool create, ledger **out, char *err, size_t errsz);
/* Whether SQLite can open a ledger at path: its full path (the working
 * directory put before a relative one) within what SQLite's file layer
 * takes, less the journal's suffix.  *full and *max (each may be NULL)
 * receive both.  ledger_open refuses a path that does not fit
 * (LEDGER_INVALID, the reason first in err); front-ends check --out with
 * it to refuse the command line at once. */
bool ledger_path_fits(const char *path, size_t *full, size_t *max);
void ledger_close(ledger *lg); /* NULL is fine */
const char *ledger_errmsg(const ledger *lg);
const char *ledger_strstatus(int status);

/* Records a finalized month in one transaction (see the codes above).  res
 * is filled for LEDGER_OK and LEDGER_OVER_BUDGET.  A refusal
 * (LEDGER_ALREADY_FINALIZED, LEDGER_NOTHING_TO_SUPERSEDE, LEDGER_OVER_BUDGET,
 * LEDGER_NO_BUDGET_LINE)
 * writes nothing of the run but is itself recorded, with ledger_refuse(), as
 * a "refuse" event whose reason is ledger_errmsg()'s text; its seq and hash go
 * to res->event_seq/event_hash (event_seq 0 if it could not be recorded, which
 * ledger_errmsg() then says; the status is still the refusal). */
int ledger_finalize(ledger *lg, const ledger_finalize_req *req, ledger_finalize_res *res);

/* A finalization refused (SPEC 1.4: over the budget, already finalized, no
 * budget line, ...), for the audit trail: who, what was refused (a month, a
 * settlement, a transfer file), which run, and why.  No payments. */
typedef struct ledger_refusal {
    const char *subject; /* what was refused: a month "YYYY-MM" (a month's run or its
                          * transfer file) or a fiscal year "FY2025" (its settlement or
                          * the settlement's transfer file) */
    const char *run_id;  /* the refused run (its outputs are not kept), or NULL */
    const char *actor;   /* operator (login name) */
    const char *code;    /* short reason code, [a-z_]+: "over_budget", "already_finalized",
                          * "nothing_to_supersede", "no_budget_line", "not_finalized",
                          * "already_transferred", ... */
    const char *reason;  /* the text the operator was shown */
    const char *requested; /* what was asked, [a-z_]+: "finalize" (NULL), "supersede",
                            * "settle", "settle_supersede", "transfer" */
} ledger_refusal;

/* Appends a "refuse" event in its own transaction, time = now; for refusals
 * decided outside ledger_finalize and ledger_settle_finalize.  Its payload:
 * {code, month: "YYYY-MM" | fiscal_year: 2025 (the subject), reason,
 * requested, run_id}.  seq and hash (each may be NULL) receive the event's
 * number and hash. */
int ledger_refuse(ledger *lg, const ledger_refusal *r, int64_t *seq,
                  char hash[SHA256_HEX_LEN + 1]);

/* Current run of each month of fiscal year fy (April first); months without
 * one are left out. */
int ledger_fy_months(ledger *lg, int fy, arena *a, ledger_month_sum **out, size_t *n);
/* The same as the ledger stood just before event before_seq: each month's
 * latest run recorded by an earlier event (the budget view a run was
 * finalized on). */
int ledger_fy_months_before(ledger *lg, int fy, int64_t before_seq, arena *a,
                            ledger_month_sum **out, size_t *n);
/* The latest fiscal year that has a finalized month into *fy, 0 if none:
 * one query over the runs. */
int ledger_fy_latest(ledger *lg, int *fy);
/* The current run of month, with payments and files; LEDGER_NOT_FOUND if none. */
int ledger_month_current(ledger *lg, const char *month, arena *a, ledger_run *out);
/* Every run of month, superseded ones included, oldest first. */
int ledger_runs(ledger *lg, const char *month, arena *a, ledger_run **out, size_t *n);
/* The corrections recorded by run run_id (a superseding run): its payments
 * against the run it superseded, sorted by nursery_id then program (byte
 * order); n = 0 for a run that supersedes nothing.  The same rows are in the
 * "supersede" event's payload (supersede.corrections). */
int ledger_corrections(ledger *lg, const char *run_id, arena *a, ledger_correction **out,
                       size_t *n);
/* A stored file's bytes (malloc'd, NUL-terminated beyond len); re-hashes them
 * and returns LEDGER_CORRUPT on mismatch. */
int ledger_blob_get(ledger *lg, const char *sha256, char **data, size_t *len);

/* Recomputes the event chain, every blob's hash, and every run against its
 * event; writes one line per problem to report (naming the event, run or blob)
 * and returns the number of problems, or -1 if the ledger could not be read
 * (ledger_errmsg).  counts, if not NULL, receives what was checked. */
int ledger_verify(ledger *lg, FILE *report, ledger_counts *counts);
/* Checks each anchor against the stored hash of its event; one report line
 * per anchor that does not match (or whose event is gone).  Returns the
 * number of such anchors, or -1 if the ledger could not be read. */
int ledger_verify_anchors(ledger *lg, const ledger_anchor *anchors, size_t n, FILE *report);
/* The event log as JSON Lines: seq, time, actor, action, payload (an object),
 * prev_hash, hash; keys sorted.  Returns a ledger_status. */
int ledger_export_jsonl(ledger *lg, FILE *out);

/* An event as people read it (kasan audit report): its fields and its
 * payload flattened into leaves, whatever the kind.  key is the leaf's path
 * in the payload without "$." ("supersede.corrections[0].paid_yen"); value
 * its text (numbers in decimal); null leaves are left out.  A payload that
 * is not JSON (tampered) is one leaf "payload" with the stored text. */
typedef struct ledger_leaf {
    const char *key, *value;
} ledger_leaf;

typedef struct ledger_event {
    int64_t seq;
    const char *time, *actor, *action, *hash;
    const char *month;       /* payload.month, NULL if none */
    int settlement_fy;       /* payload.settlement, else payload.fiscal_year; 0 if none */
    ledger_leaf *leaves;     /* in payload order */
    size_t n_leaves, cap_leaves;
} ledger_event;

/* The events of fiscal year fy, oldest first: those whose month falls in it,
 * or whose settlement / fiscal_year is fy, and those about no year at all. */
int ledger_events_fy(ledger *lg, int fy, arena *a, ledger_event **out, size_t *n);
/* The value of leaf key of e, or NULL. */
const char *ledger_event_leaf(const ledger_event *e, const char *key);

#endif
