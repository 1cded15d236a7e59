/* month: one claim month computed — eligibility, rejections (SPEC 1.5) and
 * every program in force evaluated per nursery.  This is what the reports,
 * the ledger and `explain` read; nothing in it is written by them.
 *
 * A month_run owns its arena: registry and claims records, eligible lines,
 * values and rejections all live there until month_free().  Programs and
 * terms are borrowed from the rule_set, which must outlive the run.  The
 * input bytes are borrowed too (copying 13 MB a month twice showed in the
 * profile): keep them until month_free(), or hand the arena holding them to
 * the run as run->input_bytes, which month_free() releases. */
#ifndef KASAN_MONTH_H
#define KASAN_MONTH_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/diag.h"
#include "kasan/intake.h"
#include "kasan/rules.h"

#define MONTH_MAX_PROGRAMS RULES_MAX_PROGRAMS

/* An input file of the run: its display name (path relative to the data
 * dir, e.g. "claims/2025-04/children.csv"), bytes and SHA-256. */
typedef struct input_file {
    const char *name;
    const char *data;
    size_t len;
    char sha256[SHA256_HEX_LEN + 1];
} input_file;

enum { INPUT_REGISTRY, INPUT_CHILDREN, INPUT_STAFF, INPUT_COUNT };

typedef struct rejection {
    const char *file;        /* display name, e.g. "claims/2025-04/children.csv" */
    int line;
    const char *nursery_id;
    const char *ref;         /* child_ref or staff_ref */
    const char *code;        /* SPEC 1.5 code, e.g. "duplicate_child" */
    const char *reason;      /* Japanese text from the terms */
    rule_scope kind;         /* SCOPE_CHILD or SCOPE_STAFF */
} rejection;

/* One paid-or-considered nursery: every nursery with at least one eligible
 * child line (only those can be paid under SPEC 1). */
typedef struct nursery_month {
    const nursery *nursery;
    size_t child0, n_children; /* range in month_run.children */
    size_t staff0, n_staff;    /* range in month_run.staff */
    int64_t amount[MONTH_MAX_PROGRAMS]; /* per program, whole yen */
    int64_t total;
    value *values[MONTH_MAX_PROGRAMS];  /* nursery-scope formula slots */
} nursery_month;

typedef struct month_run {
    arena a;
    claim_month month;
    const rule_set *rules;
    const rule_terms *terms;
    const budget_line *budget;            /* NULL if no line covers the FY */
    const program *programs[MONTH_MAX_PROGRAMS]; /* in force, sorted by id */
    size_t n_programs;
    input_file inputs[INPUT_COUNT];
    registry reg;
    claims cl;
    const child_line **children;          /* eligible, grouped by nursery */
    int *child_days;                      /* enrolled days of each */
    size_t n_children;
    const staff_line **staff;             /* valid, grouped by nursery */
    size_t n_staff;
    value *child_values[MONTH_MAX_PROGRAMS]; /* [line * n_slots[CHILD] + slot] */
    value *staff_values[MONTH_MAX_PROGRAMS];
    nursery_month *nurseries;             /* sorted by nursery id */
    size_t n_nurseries;
    rejection *rejections;                /* children file order, then staff */
    size_t n_rejections;
    size_t n_distinct_children;           /* distinct eligible child_refs */
    int64_t program_total[MONTH_MAX_PROGRAMS];
    int64_t total;
    uint64_t eval_ns;                     /* wall time of formula evaluation (tests/bench) */
    arena input_bytes;                    /* optional owner of inputs[].data, see top */
} month_run;

/* Reads DATA/nurseries.csv and DATA/claims/YYYY-MM/{children,nurses}.csv
 * into the arena, SHA-256 included. */
int month_read_inputs(const char *data_dir, claim_month m, arena *a, input_file out[INPUT_COUNT],
                      diag_list *d);
/* Computes the month from inputs already in memory (fresh or archived),
 * borrowing their bytes; an input whose sha256 is empty gets it computed.
 * Returns 0, or -1 with problems in d (malformed input, no rule in force,
 * arithmetic overflow).  Always month_free() after. */
int month_compute(const rule_set *rs, claim_month m, const input_file in[INPUT_COUNT],
                  month_run *run, diag_list *d);
void month_free(month_run *run);

/* The registry read, hashed and parsed once for the months of one run
 * (kasan run --fy): month_compute_shared borrows it instead of parsing
 * in[INPUT_REGISTRY], so it must outlive those months.  It is parsed for
 * paid_kind (see registry_parse); a month whose terms pay another kind
 * parses the same bytes again. */
typedef struct shared_registry {
    arena a;
    input_file file;
    const char *paid_kind;
    registry reg;
} shared_registry;

int shared_registry_load(const char *data_dir, const char *paid_kind, shared_registry *sr,
                         diag_list *d);
void shared_registry_free(shared_registry *sr);
/* Reads only DATA/claims/YYYY-MM/{children,nurses}.csv into out[1..2]. */
int month_read_claims(const char *data_dir, claim_month m, arena *a, input_file out[INPUT_COUNT],
                      diag_list *d);
int month_compute_shared(const rule_set *rs, claim_month m, const input_file in[INPUT_COUNT],
                         const shared_registry *sr, month_run *run, diag_list *d);

/* A formula value of program p for nursery nm (SCOPE_NURSERY) or for
 * eligible line i of the run (SCOPE_CHILD / SCOPE_STAFF). */
value month_nursery_value(const month_run *run, size_t p, const nursery_month *nm,
                          const rule_value *rv);
value month_line_value(const month_run *run, size_t p, size_t line, const rule_value *rv);
struct enode; /* kasan/expr.h */
/* A node of one of program p's nursery formulas (an aggregate, for explain)
 * evaluated again for nursery nm; *ok false if evaluation failed. */
value month_eval_node(const month_run *run, size_t p, const nursery_month *nm,
                      const struct enode *n, bool *ok);
/* The month's payment rows count (nursery × program with amount > 0). */
size_t month_payment_count(const month_run *run);

#endif
