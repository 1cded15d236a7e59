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

#include "kasan/budget.h"
#include "kasan/diag.h"
#include "kasan/ledger.h"
#include "kasan/ledger_settle.h"
#include "kasan/rules.h"

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

/* Who acts, in every request that moves money.  Today the name given with
 * --actor (else KASAN_ACTOR, else the login name), recorded as the event's
 * actor; the one struct that later carries an operator's identity and
 * signature, and the front-end the request came through. */
typedef struct flow_actor {
    const char *name;
} flow_actor;

/* A note: one thing a person should read, in the order it arose. */
typedef enum flow_note_kind {
    FLOW_NOTE_SAY,    /* the procedure's own message (a terminal shows "kasan CMD: TEXT") */
    FLOW_NOTE_KASAN,  /* a message about the program's inputs as a whole ("kasan: TEXT") */
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
/* Appends every note of from to to (from is emptied). */
void flow_notes_move(flow_notes *to, flow_notes *from);
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
    int fiscal_year;           /* 0: the default year */
} flow_budget_req;

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
    arena a;
} flow_budget_res;

int flow_budget(const flow_budget_req *rq, flow_budget_res *res);
void flow_budget_free(flow_budget_res *res);

/* ---- the ledger and rules, for every procedure ------------------------------ */

/* OUT/ledger.sqlite, in a. */
char *flow_ledger_path(const flow_paths *paths, arena *a);
/* Opens the ledger under paths->out to read it: EXIT_OK; none there at all
 * is "nothing finalized there yet" (EXIT_USAGE, as a month never
 * finalized); anything else EXIT_INTERNAL.  Says why in notes. */
int flow_open_ledger(const flow_paths *paths, ledger **lg, flow_notes *notes);

#endif
