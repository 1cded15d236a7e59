/* flow: the ward's procedures on the ledger and the output tree, below every
 * front-end (src/cli/ today, a web server later): a month run (draft,
 * finalize, correction), restoring outputs from the ledger, replay, the
 * year-end settlement, the bank transfer file, the claim forms and their
 * intake, the budget year, the auditor's year, and publishing a directory.
 *
 * Each procedure takes a request struct and returns a status — one of the
 * exit codes below (SPEC 3), the same for every front-end — and fills a
 * result struct.  It never prints and never parses options.  Whatever a
 * person should read (a refusal and how to proceed, "restored OUT/M from
 * the ledger", a warning, a replay's comparison) comes back as notes in the
 * result, in the order they arose, for the front-end to show; progress on a
 * terminal reaches a procedure only as an optional callback in its request.
 * Every request that moves money (a finalization, a correction, a
 * settlement, a transfer file) carries one flow_actor: who acts.
 *
 * Ownership: requests are borrowed for the call.  A result owns what it
 * holds (notes, computed months, settlements, strings) until its
 * flow_*_free(), which is safe on a zeroed result and after any status.
 * A ledger handle in a request is borrowed; a procedure that opens the
 * ledger itself closes it before returning.
 *
 * Not here: option parsing, --help and printing (src/cli/), the arithmetic
 * of a month or a settlement (src/engine/), the bytes of an output
 * (src/report/), the ledger's records (src/ledger/). */
#ifndef KASAN_FLOW_H
#define KASAN_FLOW_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kasan/budget.h"
#include "kasan/budget_ward.h"
#include "kasan/decide.h"
#include "kasan/diag.h"
#include "kasan/engine.h"
#include "kasan/ledger.h"
#include "kasan/ledger_settle.h"
#include "kasan/report.h"
#include "kasan/report_decide.h"
#include "kasan/report_settle.h"
#include "kasan/rules.h"
#include "kasan/settle.h"
#include "kasan/zengin.h"

/* ---- status --------------------------------------------------------------
 * What a procedure returns, and what the command line exits with. */
enum kasan_exit {
    EXIT_OK = 0,
    EXIT_USAGE = 1,     /* bad command line, or nothing there to act on */
    EXIT_INVALID = 2,   /* invalid rules or input data; nothing written */
    EXIT_REFUSED = 3,   /* budget control, or month already finalized */
    EXIT_DIFFERENT = 4, /* replay or audit verification found a difference */
    EXIT_INTERNAL = 5,  /* internal or I/O error */
};

/* ---- what every procedure shares ----------------------------------------- */

/* The three directories of SPEC 3: inputs, rule files, outputs and ledger. */
typedef struct flow_paths {
    const char *data, *rules, *out;
} flow_paths;

/* Who acts, in every request that moves money.  name: the name given with
 * --actor (else KASAN_ACTOR, else the login name), recorded as the event's
 * actor while no operators file is in force.  Once one is (issue 23), the
 * operator: their id, their decrypted key (borrowed from the front-end,
 * which asked for the passphrase and wipes it), and the front-end the
 * request came through ("cli" or "web"), recorded in the signed event. */
struct sign_key;
typedef struct flow_actor {
    const char *name;
    const char *operator_id;     /* NULL: none given */
    const struct sign_key *key;  /* the operator's key, or NULL */
    const char *via;             /* "cli", "web"; NULL: "cli" */
} flow_actor;

/* A note: one thing a person should read, in the order it arose. */
typedef enum flow_note_kind {
    FLOW_NOTE_SAY,    /* the procedure's own message (a terminal shows "kasan CMD: TEXT") */
    FLOW_NOTE_KASAN,  /* a message not tied to the one command: the rules, a month's
                       * inputs, the settlement's sources ("kasan: TEXT") */
    FLOW_NOTE_LINE,   /* a line that stands alone: a diagnostic "file:line:col: error: …",
                       * or the continuation of the message before it */
    FLOW_NOTE_RESULT, /* a line of the result itself (a replay's comparison): what a
                       * terminal shows on standard output */
} flow_note_kind;

typedef struct flow_note {
    flow_note_kind kind;
    char *text; /* may hold more than one line ("…\n  To pay anyway, …") */
} flow_note;

typedef struct flow_notes {
    flow_note *v;
    size_t n, cap;
} flow_notes;

void flow_say(flow_notes *n, flow_note_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Each problem of d as a FLOW_NOTE_LINE "file:line:col: error: message"
 * (and "kasan: N further errors not shown" when some were dropped). */
void flow_say_diags(flow_notes *n, const diag_list *d);
void flow_notes_free(flow_notes *n);

/* Optional progress of long work (statements, notices, claim forms, the
 * months of a year): start, then done counts, then end before anything
 * else is shown.  NULL members or a NULL pointer: none. */
typedef struct flow_progress {
    void (*start)(void *ctx, const char *what, size_t total);
    void (*tick)(void *ctx, size_t done);
    void (*end)(void *ctx);
    void *ctx;
} flow_progress;

/* The most worker processes a procedure runs at once (--jobs). */
enum { FLOW_JOBS_MAX = 256 };

enum { FLOW_YEN_LEN = 32 };
/* Whole yen with thousands separators ("1,149,333"), "+" first when sign is
 * set and v >= 0 (differences); returns buf. */
const char *flow_yen(int64_t v, bool sign, char buf[FLOW_YEN_LEN]);

/* ---- the budget year (予算執行, SPEC 1.4) ------------------------------------
 * The one view of a fiscal year built from the ledger: each month's run
 * (current, or as it stood just before an event: the view a finalization
 * was made on), its program amounts in the caller's column order, the
 * reasons months were paid over the line, and the settlement's 追加交付.
 * The arithmetic on it is src/budget's. */
typedef struct flow_budget_year_req {
    ledger *lg;
    int fiscal_year;
    const char *line_id;               /* the budget line; NULL: none */
    int64_t line_amount;
    const char *const *programs;       /* amount columns; NULL: the ledger months'
                                        * programs in order of first appearance */
    size_t n_programs;
    int64_t before_seq;                /* 0: as the ledger stands now */
    arena *a;                          /* override reasons and program ids, copied */
} flow_budget_year_req;

typedef struct flow_budget_year {
    budget_view view;                           /* months placed, not finished */
    const char *programs[BUDGET_MAX_PROGRAMS];  /* its columns */
    size_t n_programs;
} flow_budget_year;

/* LEDGER_OK, or the ledger's status (what could be read is placed). */
int flow_budget_year_read(const flow_budget_year_req *rq, flow_budget_year *out);

/* `kasan budget`: the year's view from OUT/ledger.sqlite, its line from the
 * rules (a warning note when they do not load: no line then), and the
 * year's finalized settlement if any. */
typedef struct flow_budget_req {
    flow_paths paths;
    int fiscal_year;           /* 0: the latest fiscal year with a finalized month (one
                                * query); none yet: today's */
} flow_budget_req;

/* The year's accounts around its closing (出納閉鎖, docs/spec/12 §12.6):
 * what moved between years and how its 返還 count (src/flow/budget_close.c). */
typedef struct flow_budget_closing {
    date_t accounts_close;          /* the year's 出納閉鎖 */
    bool closed;                    /* today is after it */
    int64_t charged_out_yen;        /* its 追加交付 paid from later years' lines (過年度支出) */
    int64_t prior_year_in_yen;      /* earlier years' 追加交付 paid from this line */
    int64_t returned_yen;           /* 戻入: its 返還 decided by the closing */
    int64_t revenue_out_yen;        /* its 返還 decided after: 雑入 of later years */
    int64_t revenue_in_yen;         /* earlier years' 返還 that are this year's 雑入 */
    int64_t revenue_in_received_yen; /* … and received so far */
} flow_budget_closing;

typedef struct flow_budget_res {
    flow_notes notes;
    int fiscal_year;
    const budget_line *line;   /* NULL: no line (or the rules did not load) */
    flow_budget_year year;     /* view.settled_additional: the settlement's 追加交付 */
    bool settled;              /* the year has a finalized settlement: */
    ledger_settlement settlement;
    int64_t settled_repayment_yen; /* its 返還 as decided now (reported, not netted) */
    int64_t paid_yen;          /* paid against the line: months + 追加交付 (budget_paid;
                                * INT64_MAX if it does not fit) */
    rule_set rules;
    /* the line as the ward keeps it (issue 24, src/flow/budget_amend.c):
     * 当初予算, its amendments, 予算現額, 負担行為額 (the decision in force),
     * 支出済額 (支出 − 戻入), 未払, 執行残; 過年度支出 paid from this line
     * counts in its 負担行為額 and 支出済額 (closing) */
    flow_budget_closing closing;
    struct ledger_pending *pending; /* signed, awaiting approval (決裁): not counted */
    size_t n_pending;
    bool has_ward;             /* the year has a line and the figures fit */
    budget_ward ward;
    struct ledger_budget_amendment *amendments;
    size_t n_amendments;
    bool decided;              /* a grant decision is recorded */
    arena a;
} flow_budget_res;

int flow_budget(const flow_budget_req *rq, flow_budget_res *res);
void flow_budget_free(flow_budget_res *res);

/* `kasan budget amend`: a 補正, 流用 or 予備費充用 of a fiscal year's line
 * recorded as a drafted "budget_amend" event (signed once operators exist),
 * refused (EXIT_REFUSED, recorded) when it makes the 予算現額 negative or
 * lower than what the decisions commit; 0 yen or a negative 予備費充用 is
 * EXIT_USAGE (nothing recorded). */
typedef struct flow_budget_amend_req {
    flow_paths paths;
    int fiscal_year;
    const char *kind;          /* 補正 | 流用 | 充用 (予備費充用) */
    int64_t amount_yen;        /* ± */
    const char *date;          /* YYYY-MM-DD it took effect; NULL: today */
    const char *reason;
    flow_actor actor;
} flow_budget_amend_req;

typedef struct flow_budget_amend_res {
    flow_notes notes;
    int64_t event_seq;
    char event_hash[SHA256_HEX_LEN + 1];
    int64_t current_before_yen, current_after_yen, committed_yen;
    rule_set rules;
    arena a;
} flow_budget_amend_res;

int flow_budget_amend(const flow_budget_amend_req *rq, flow_budget_amend_res *res);
void flow_budget_amend_free(flow_budget_amend_res *res);
/* The ward's figures of res (called by flow_budget once the year is read). */
int flow_budget_ward(ledger *lg, flow_budget_res *res);

/* ---- the ledger, the rules and a month's inputs, for every procedure -------- */

/* Loads and checks the rules under dir; every problem in notes.  EXIT_OK or
 * EXIT_INVALID.  Always rules_free() after. */
int flow_load_rules(const char *dir, rule_set *rs, flow_notes *notes);
/* Reads month m's inputs under paths->data and computes them (sr: the
 * registry read once for a year, or NULL); problems in notes.  EXIT_OK or
 * EXIT_INVALID.  Always engine_free() after. */
int flow_compute_month(const flow_paths *paths, const rule_set *rs, claim_month m,
                       const shared_registry *sr, month_run *run, flow_notes *notes);

/* OUT/ledger.sqlite, in a. */
char *flow_ledger_path(const flow_paths *paths, arena *a);
/* Opens the ledger under paths->out to read it: EXIT_OK; none there at all
 * is "nothing finalized there yet" (EXIT_USAGE, as a month never
 * finalized); anything else EXIT_INTERNAL.  Says why in notes. */
int flow_open_ledger(const flow_paths *paths, ledger **lg, flow_notes *notes);

/* ---- a month: draft, finalization, correction (SPEC 3, 6.1) ----------------
 * Computes month m, brings OUT/M level with the ledger first, writes the
 * outputs into OUT/.M.staging-PID, records a finalization (budget control,
 * SPEC 1.4; a correction supersedes the month's run and shows its
 * differences), and moves the outputs into OUT/M (the crash protocol:
 * src/flow/publish.c).  A refusal or an error leaves the previous outputs. */
typedef struct flow_month_req {
    flow_paths paths;
    const rule_set *rules;             /* loaded (flow_load_rules) */
    const shared_registry *registry;   /* read once for a year; NULL: the month's own */
    claim_month month;
    bool finalize;
    bool supersede;                    /* a correction (with finalize) */
    const char *reason;                /* the correction's reason */
    const char *over_budget_reason;    /* finalize over the line, or with none */
    const char *issue_date;            /* YYYY-MM-DD on statements; NULL: the run's day */
    bool workbooks;                    /* payments.xlsx and statements, not only the CSVs */
    flow_actor actor;
    long stage_pid;                    /* names the staging directory */
    bool staged_only;                  /* stage, do not publish (flow_year's workers) */
    int jobs;                          /* statement writers; 0: every core */
    const flow_progress *progress;     /* of the statements */
    /* finalize paying nurseries beyond their grant decision (交付決定): the
     * override recorded in an "over_decision" event (issue 24) */
    const char *over_decision_reason;
    /* finalize or correct a month whose fiscal year's settlement is
     * finalized: the override recorded in an "after_settlement" event
     * (issue 21 item 4); the settlement is then to be corrected with it */
    const char *after_settlement_reason;
} flow_month_req;

typedef struct flow_month_res {
    flow_notes notes;
    month_run run;                     /* the month computed (when computed) */
    bool computed;
    budget_view budget;                /* the year with this month, as its 予算 sheet shows */
    run_meta meta;                     /* run id, time, issue date, correction */
    run_correction correction;         /* meta.correction points here for a correction */
    int64_t raised_yen, lowered_yen;   /* its 追給 and 返還 in all (sums of the positive
                                        * and of minus the negative differences) */
    const char *final_dir;             /* OUT/M */
    bool finalized;                    /* recorded: */
    ledger_finalize_res event;         /* the event, its anchor, the run it superseded */
    char created[32];
    arena a;
} flow_month_res;

int flow_month(const flow_month_req *rq, flow_month_res *res);
void flow_month_free(flow_month_res *res);

/* Every month of a fiscal year, April to March, each as flow_month with
 * rq->month as the template.  Drafts run `jobs` months at once in worker
 * processes, published in month order; finalizing goes one month after
 * another.  The first failure stops the year. */
typedef struct flow_year_req {
    flow_month_req month;              /* .month and .registry are set for each month */
    int fiscal_year;
    int jobs;                          /* months at once (drafts); 0: every core */
    const flow_progress *months;       /* progress of the months */
    /* Each month's result, in month order: in the process that ran it (a
     * worker's output on out/err is handed on once the month is published,
     * so a front-end prints there as anywhere) */
    void (*done)(const flow_month_res *res, int rc, bool in_worker, void *ctx);
    /* Notes of the year itself (the registry, publishing a worker's month) */
    void (*say)(const flow_notes *notes, void *ctx);
    FILE *out, *err;                   /* where the workers' output goes */
    void *ctx;
} flow_year_req;

int flow_year(const flow_year_req *rq);

/* ---- restore and replay of a month (SPEC 5) ---------------------------------- */

/* `kasan restore --month`: OUT/M made to hold the month's finalized run as
 * the ledger records it, from a dead process's staged copy or rebuilt from
 * the ledger's archive ("nothing to restore" as a result line when it
 * does); then the month's leftovers swept. */
typedef struct flow_restore_req {
    flow_paths paths;                  /* rules: only the display paths of the 検証 sheet */
    claim_month month;
    int settlement_fy;                 /* instead of month: OUT/settlement-FY republished
                                        * from the ledger's finalized settlement when it is
                                        * missing or not that settlement's outputs */
    int jobs;
    const flow_progress *progress;
} flow_restore_req;

typedef struct flow_restore_res {
    flow_notes notes;
} flow_restore_res;

int flow_restore(const flow_restore_req *rq, flow_restore_res *res);
void flow_restore_free(flow_restore_res *res);

/* `kasan replay`: the month's current run recomputed from the ledger alone
 * and compared with what was paid, as result lines; EXIT_OK identical,
 * EXIT_DIFFERENT, EXIT_USAGE when the month was never finalized.  OUT/M is
 * brought level with the ledger first.  Or the fiscal year's finalized
 * settlement (a correction over the one it superseded). */
typedef struct flow_replay_req {
    flow_paths paths;
    claim_month month;
    int settlement_fy;                 /* instead of month */
    int jobs;
    const flow_progress *progress;
} flow_replay_req;

typedef struct flow_replay_res {
    flow_notes notes;
} flow_replay_res;

int flow_replay(const flow_replay_req *rq, flow_replay_res *res);
void flow_replay_free(flow_replay_res *res);

/* ---- the year-end settlement (精算, SPEC 6.2) ----------------------------------
 * `kasan settle`: the year's finalized months recomputed from the ledger and
 * checked against what was paid, DATA/settlement/FY/actuals.csv read, every
 * nursery settled under the rules in force on 31 March; a correction
 * (supersede) counts what the settlements before it decided; outputs staged,
 * a finalization recorded (budget control on its 追加交付), then
 * OUT/settlement-FY published.  A draft of a finalized year is refused. */
typedef struct flow_settle_req {
    flow_paths paths;
    int fiscal_year;
    bool finalize, supersede;
    const char *reason;                /* the correction's */
    const char *over_budget_reason;
    const char *issue_date;            /* 通知日 YYYY-MM-DD; NULL: today */
    flow_actor actor;
    const flow_progress *progress;     /* of the notices */
} flow_settle_req;

typedef struct flow_settle_res {
    flow_notes notes;
    settlement st;                     /* computed */
    bool decided;                      /* computed and, finalizing, recorded: the summary */
    bool no_budget_line;               /* a draft with 追加交付 no line covers */
    ledger_settle_res event;           /* the event recorded (finalize) */
    const char *dir;                   /* OUT/settlement-FY */
    int64_t final_seq;                 /* explain: the year's finalized settlement's event,
                                        * whose decisions count as paid; 0 if none */
    settle_meta meta;
    char created[32];
    rule_set rules;                    /* the rules in force (the rows point into them) */
    struct settle_src *src;            /* the months and actuals the rows point into */
    arena a;
} flow_settle_res;

int flow_settle(const flow_settle_req *rq, flow_settle_res *res);
/* `kasan explain --settlement`: the settlement computed as a draft would
 * be (only paths and fiscal_year are read), over the year's finalized
 * settlement if there is one: its difference is what a correction adds. */
int flow_settle_explain(const flow_settle_req *rq, flow_settle_res *res);
void flow_settle_free(flow_settle_res *res);

/* ---- the grant decision (交付決定, docs/spec/12-grant-decision.md) -------------
 * `kasan decide --fy FY`: the year's applications computed month by month
 * under the rules in force each month, the budget line's figures with the
 * decision as 負担行為, and OUT/decisions-FY/ published whole.  A draft. */
typedef struct flow_decide_req {
    flow_paths paths;
    int fiscal_year;
    const char *issue_date;            /* 通知日 YYYY-MM-DD; NULL: today */
    const flow_progress *progress;     /* of the notices */
    /* --finalize: the decision recorded in the ledger (a drafted "decide"
     * event, signed once operators exist), refused over the 予算現額 or when
     * the year is decided already; OUT/decisions-FY/ published as 確定 */
    bool finalize;
    /* --amend: a 変更交付決定 of amend_nursery from the applications as they
     * are now, recorded with reason ("decide_amend"), refused below what the
     * nursery was paid or over the 予算現額; its notice (the difference per
     * program) written to OUT/decisions-FY-amendments/ID-SEQ.pdf (and
     * .xlsx), numbered and recorded with the event */
    const char *amend_nursery, *reason;
    flow_actor actor;
} flow_decide_req;

typedef struct flow_decide_res {
    flow_notes notes;
    decision dec;                      /* computed */
    decide_meta meta;                  /* its id, dates, budget line and figures */
    budget_ward ward;                  /* meta.ward points here when the year has a line */
    const char *dir;                   /* OUT/decisions-FY */
    char created[32];
    rule_set rules;                    /* the decision points into them */
    /* recorded (--finalize, --amend): the ledger's figures and the event */
    bool recorded;
    decide_amendment amendment;        /* --amend: the difference per program */
    const char *notice;                /* --amend: the notice written */
    int64_t event_seq;
    char event_hash[SHA256_HEX_LEN + 1];
    int64_t current_budget_yen, committed_before_yen, committed_after_yen, paid_yen;
    arena a;
} flow_decide_res;

int flow_decide(const flow_decide_req *rq, flow_decide_res *res);
void flow_decide_free(flow_decide_res *res);

/* ---- the bank transfer file (全銀協 総合振込, SPEC 7) ------------------------------
 * What a transfer file pays: per nursery, the sum over its programs of the
 * positive part of (due − base) — due what the run (or settlement)
 * transferred now owes, base what an earlier transfer of the same month
 * (settlement) already paid — so a correction's file carries only its 追給;
 * a lowered program (返還) is not netted against another program's 追給.
 * Then the Zengin records of those nurseries from a registry, and the payer
 * from a payer rule.  Pure arithmetic (src/flow/transfer_plan.c). */

/* One amount of a nursery × program (borrowed strings). */
typedef struct flow_transfer_line {
    const char *nursery_id, *program;
    int64_t yen;
} flow_transfer_line;

/* One nursery's transfer. */
typedef struct flow_transfer_sum {
    const char *nursery_id;
    int64_t yen;
} flow_transfer_sum;

typedef struct flow_transfer_plan {
    flow_transfer_sum *sums; /* nurseries with yen > 0, in nursery_id byte order */
    size_t n;
    int64_t total;           /* Σ sums: the trailer's 合計金額 */
    int64_t lowered;         /* Σ (base − due) where due < base: not transferred (返還) */
} flow_transfer_plan;

/* Builds the plan (base may be empty: the whole of due).  Returns -1 after a
 * message in d if a sum overflows or a line is repeated. */
int flow_transfer_plan_build(const flow_transfer_line *due, size_t n_due,
                             const flow_transfer_line *base, size_t n_base, arena *a,
                             flow_transfer_plan *out, diag_list *d);
/* One Zengin transfer per planned nursery, its bank details from reg; a
 * nursery missing from reg is reported (file reg->file) and -1 returned.
 * Everything else is zengin_write's to check. */
int flow_transfer_records(const registry *reg, const flow_transfer_plan *p, arena *a,
                          zengin_transfer **out, diag_list *d);
/* The payer record of a payer rule for a transfer date. */
zengin_payer flow_transfer_payer(const rule_payer *rp, date_t day);

/* `kasan transfer`: the file of a finalized month (or settlement's 追加交付)
 * from the ledger alone — amounts from the recorded run (after a
 * correction, only what rose over the run transferred before), bank
 * details from the registry archived with it, the payer from the rules
 * archived with it (else the rules directory, with a note).  Written to
 * OUT/M/transfer-M.txt (then -2, -3, …: never overwritten) under a
 * temporary name, recorded as a "transfer" event, then renamed.  A refused
 * transfer (a draft, a second file without a reissue) is recorded too. */
typedef struct flow_transfer_req {
    flow_paths paths;                  /* rules: the payer's fallback */
    claim_month month;                 /* a month's file, or */
    int settlement_fy;                 /* a settlement's */
    date_t day;                        /* 振込指定日 */
    const char *date;                  /* the same as given, YYYY-MM-DD */
    bool reissue;                      /* a second file for the same run, on: */
    const char *reason;
    flow_actor actor;
    const flow_progress *progress;     /* a month's outputs rebuilt first (restore) */
} flow_transfer_req;

typedef struct flow_transfer_res {
    flow_notes notes;
    const char *label;                 /* "2025-05", "the settlement of FY2025" */
    bool nothing;                      /* no positive difference: no file, EXIT_OK */
    const char *base_run_id;           /* the run transferred before, NULL if none */
    const char *path;                  /* the file written */
    int64_t count, amount_yen;         /* its trailer */
    int64_t event_seq;
    char event_hash[SHA256_HEX_LEN + 1]; /* the event's: the anchor to keep */
    char sha256[SHA256_HEX_LEN + 1];
    arena a;
} flow_transfer_res;

int flow_transfer(const flow_transfer_req *rq, flow_transfer_res *res);
void flow_transfer_free(flow_transfer_res *res);

/* ---- claim forms and their intake (SPEC 8.2) ------------------------------------
 * `kasan forms`: the claim form of every nursery of the paid kind active in
 * the month, OUT/M/forms/ID.xlsx, prefilled with last month's lines still
 * current; all of them moved into place together. */
typedef struct flow_forms_req {
    flow_paths paths;
    claim_month month;
    const flow_progress *progress;
} flow_forms_req;

typedef struct flow_forms_res {
    flow_notes notes;
    size_t written;
    const char *dir;                   /* OUT/M/forms */
    arena a;
} flow_forms_res;

int flow_forms(const flow_forms_req *rq, flow_forms_res *res);
void flow_forms_free(flow_forms_res *res);

/* `kasan intake`: filled forms into DATA/claims/M/children.csv and
 * nurses.csv, per nursery: the forms given add or replace exactly their
 * nurseries' lines, every other line kept byte for byte.  Any problem in
 * any form (or in the claim files kept): every one said, EXIT_INVALID,
 * nothing written.  A nursery that already has lines is replaced only with
 * replace, one in the claims of the month's finalized run only with
 * correction as well (else EXIT_REFUSED, nothing written).  The result
 * lines name each nursery added or replaced. */
typedef struct flow_intake_req {
    flow_paths paths;
    claim_month month;
    bool replace;
    const char *const *forms;          /* the .xlsx files */
    size_t n_forms;
    bool correction;                   /* may replace lines of a finalized run's claims */
} flow_intake_req;

typedef struct flow_intake_res {
    flow_notes notes;
    size_t n_children, n_staff;        /* lines written from the forms */
    size_t n_added, n_replaced;        /* nurseries */
    size_t kept_children, kept_staff;  /* other nurseries' lines kept */
} flow_intake_res;

int flow_intake(const flow_intake_req *rq, flow_intake_res *res);
void flow_intake_free(flow_intake_res *res);

/* ---- what-if: two rule sets (SPEC 3) -------------------------------------------
 * `kasan diff`: the month's claims under two rule sets, one row per nursery
 * × program paid under either (0 where a side pays nothing, under that
 * side's version of the program if it has one), with totals; also
 * OUT/M/diff.xlsx. */
typedef struct flow_diff_req {
    flow_paths paths;                  /* rules: not read */
    claim_month month;
    const char *rules_a, *rules_b;     /* the two rule directories */
} flow_diff_req;

typedef struct flow_diff_res {
    flow_notes notes;
    diff_row *rows;                    /* by nursery, then program; NULL if not computed */
    size_t n;
    int64_t total_a, total_b;
    const char *path;                  /* the workbook written */
    rule_set rules_a, rules_b;
    month_run run_a, run_b;
    bool computed_a, computed_b;
    arena a;
} flow_diff_res;

int flow_diff(const flow_diff_req *rq, flow_diff_res *res);
void flow_diff_free(flow_diff_res *res);

/* ---- the auditor (SPEC 5) -------------------------------------------------------
 * `kasan audit`: verify the ledger under OUT (chain, stored files, runs,
 * anchors, the transfer files still under OUT, every signature with its
 * role and the separation of duties, a checkpoint: kasan/flow_sign.h) —
 * its lines as result notes,
 * EXIT_DIFFERENT on any problem; export the event log as JSON Lines to
 * export_to; or write OUT/audit-FY.xlsx (every event of the year, the
 * verification, the replay of each finalized month and of the settlement),
 * EXIT_DIFFERENT when the verification or a replay found a difference.  No
 * ledger: EXIT_USAGE (verify with anchors: EXIT_DIFFERENT). */
typedef enum flow_audit_action {
    FLOW_AUDIT_VERIFY,
    FLOW_AUDIT_EXPORT,
    FLOW_AUDIT_REPORT,
} flow_audit_action;

typedef struct flow_audit_req {
    const char *out;                   /* the directory holding ledger.sqlite */
    flow_audit_action action;
    const ledger_anchor *anchors;      /* verify: event hashes written down earlier */
    size_t n_anchors;
    int fiscal_year;                   /* report */
    FILE *export_to;                   /* export */
    const char *checkpoint;            /* verify: a signed checkpoint file the ledger must
                                        * still extend (kasan audit checkpoint) */
} flow_audit_req;

typedef struct flow_audit_res {
    flow_notes notes;
    const char *path;                  /* report: the workbook written */
    size_t n_events, n_months, n_identical; /* report: events, months replayed, identical
                                             * replays (the settlement's included) */
    bool settled, verify_failed;       /* report: the settlement replayed too; problems */
    arena a;
} flow_audit_res;

int flow_audit(const flow_audit_req *rq, flow_audit_res *res);
void flow_audit_free(flow_audit_res *res);

#endif
