/* engine: one claim month computed — eligibility, rejections (SPEC 1.5) and
 * every program in force evaluated per nursery.  This is what the reports,
 * the ledger and `explain` read; nothing in it is written by them.
 *
 * A month_run owns its arena: registry and claims records, eligible lines,
 * values and rejections all live there until engine_free().  Programs and
 * terms are borrowed from the rule_set, which must outlive the run.  The
 * input bytes are borrowed too (copying 13 MB a month twice showed in the
 * profile): keep them until engine_free(), or hand the arena holding them to
 * the run as run->input_bytes, which engine_free() releases. */
#ifndef KASAN_ENGINE_H
#define KASAN_ENGINE_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/diag.h"
#include "kasan/intake.h"
#include "kasan/ledger.h"
#include "kasan/rules.h"

#define ENGINE_MAX_PROGRAMS RULES_MAX_PROGRAMS

typedef struct rejection {
    const char *file;        /* display name, e.g. "claims/2025-04/children.csv" */
    int line;
    const char *nursery_id;
    const char *ref;         /* child_ref or staff_ref */
    const char *code;        /* SPEC 1.5 code, e.g. "duplicate_child" */
    const char *reason;      /* Japanese text from the terms */
    rule_scope kind;         /* SCOPE_CHILD or SCOPE_STAFF */
    const char *form;        /* the line's form and row ("P002.xlsx:児童!7"), or NULL */
} rejection;

/* One paid-or-considered nursery: every nursery with at least one eligible
 * child line (only those can be paid under SPEC 1). */
typedef struct nursery_month {
    const nursery *nursery;
    size_t child0, n_children; /* range in month_run.children */
    size_t staff0, n_staff;    /* range in month_run.staff */
    int64_t *amount;  /* [program], whole yen: this nursery's row of month_run.amounts */
    int64_t total;
    value **values;   /* [program]: nursery-scope formula slots (row of nursery_values) */
} nursery_month;

typedef struct month_run {
    arena a;
    claim_month month;
    const rule_set *rules;
    const rule_terms *terms;
    const budget_line *budget;            /* NULL if no line covers the FY */
    const program *programs[ENGINE_MAX_PROGRAMS]; /* in force, sorted by id */
    size_t n_programs;
    input_file inputs[INPUT_COUNT];
    registry reg;
    claims cl;
    const child_line **children;          /* eligible, grouped by nursery */
    int *child_days;                      /* enrolled days of each */
    uint32_t *child_keys;                 /* equal iff the child_refs are equal */
    size_t n_children;
    const staff_line **staff;             /* valid, grouped by nursery */
    size_t n_staff;
    value *child_values[ENGINE_MAX_PROGRAMS]; /* [line * n_slots[CHILD] + slot] */
    value *staff_values[ENGINE_MAX_PROGRAMS];
    nursery_month *nurseries;             /* sorted by nursery id */
    size_t n_nurseries;
    /* [nursery * n_programs + program], the nurseries' rows: compact, so
     * that the passes over every payment row (payments.csv, the ledger's
     * rows, their count) walk n_programs words a nursery, not its record */
    int64_t *amounts;
    value **nursery_values;
    rejection *rejections;                /* children file order, then staff */
    size_t n_rejections;
    size_t n_distinct_children;           /* distinct eligible child_refs */
    int64_t program_total[ENGINE_MAX_PROGRAMS];
    int64_t total;
    uint64_t eval_ns;                     /* wall time of formula evaluation (tests/bench) */
    arena input_bytes;                    /* optional owner of inputs[].data, see top */
} month_run;

/* Computes the month from inputs already in memory (fresh or archived),
 * borrowing their bytes; an input whose sha256 is empty gets it computed.
 * Returns 0, or -1 with problems in d (malformed input, no rule in force,
 * arithmetic overflow).  Always engine_free() after. */
int engine_compute(const rule_set *rs, claim_month m, const input_file in[INPUT_COUNT],
                   month_run *run, diag_list *d);
void engine_free(month_run *run);

/* The same with the registry parsed once for several months (kasan run --fy,
 * see shared_registry in kasan/intake.h). */
int engine_compute_shared(const rule_set *rs, claim_month m, const input_file in[INPUT_COUNT],
                          const shared_registry *sr, month_run *run, diag_list *d);

/* A formula value of program p for nursery nm (SCOPE_NURSERY) or for
 * eligible line i of the run (SCOPE_CHILD / SCOPE_STAFF). */
value engine_nursery_value(const month_run *run, size_t p, const nursery_month *nm,
                           const rule_value *rv);
value engine_line_value(const month_run *run, size_t p, size_t line, const rule_value *rv);
struct expr_field; /* kasan/expr.h */
/* Field f (the language's field table) of eligible line `line` of the run
 * (ignored for month values), as a formula reads it: for explain. */
value engine_field_value(const month_run *run, const struct expr_field *f, size_t line);
struct enode; /* kasan/expr.h */
/* A node of one of program p's nursery formulas (an aggregate, for explain)
 * evaluated again for nursery nm; *ok false if evaluation failed. */
value engine_eval_node(const month_run *run, size_t p, const nursery_month *nm,
                       const struct enode *n, bool *ok);
/* A payment row (支払明細): one nursery × program of the month with an amount
 * above zero — what payments.csv lists, the ledger records, and replay and
 * diff compare.  Built here only; the strings are borrowed from the run. */
typedef struct payment_row {
    size_t nursery, program;       /* indexes in run->nurseries, run->programs */
    const char *nursery_id, *nursery_name, *program_id, *rule_version;
    int64_t amount;                /* whole yen, > 0 */
    size_t next_nursery, next_program; /* engine_payment_next's cursor */
} payment_row;

/* Nursery i × program p as a payment row; false (row untouched) if it pays nothing. */
bool engine_payment_at(const month_run *run, size_t i, size_t p, payment_row *row);
/* The month's payment rows in order (nurseries by id, then programs by id):
 *   payment_row r = {0}; while (engine_payment_next(run, &r)) …              */
bool engine_payment_next(const month_run *run, payment_row *row);
/* The month's payment rows count. */
size_t engine_payment_count(const month_run *run);

/* A correction (修正, SPEC 6.1) in figures: the run's payment rows against
 * paid[] (the payment rows of the run it supersedes), one row per nursery ×
 * program whose amount differs, sorted by nursery_id then program (byte
 * order, as the ledger sorts them; paid[] must come in that order).  Rows
 * live in arena a; their strings are borrowed from the run and from paid[].
 * 0, or -1 when out of memory or paid[] is not in that order. */
int engine_corrections(const month_run *run, const ledger_payment *paid, size_t n_paid, arena *a,
                       ledger_correction **out, size_t *n);

#endif
