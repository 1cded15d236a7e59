/* expr: the formula language of rule files (see rules/README.md).
 *
 * Stages, one file each: lex.c (exprL_) → parse.c (exprP_, an AST in the
 * rule set's arena) → types.c (exprT_: resolves every name to a slot, field
 * or constant and checks types) → flat.c (exprF_: lowers the tree into a
 * flat instruction array) → eval.c (expr_eval runs it).
 * Compiling happens once when rules load; evaluation does no parsing and no
 * name lookup.  Errors are reported through diag with the file position of
 * the offending token inside the YAML file. */
#ifndef KASAN_EXPR_H
#define KASAN_EXPR_H
#include <stdbool.h>
#include <stddef.h>

#include "kasan/arena.h"
#include "kasan/diag.h"
#include "kasan/claim_line.h"
#include "kasan/rule_value.h"
#include "kasan/value.h"

typedef struct enode enode;

/* Where a formula's source sits, for messages: file, and the line/column of
 * the formula's first character (a block scalar's text is on later lines). */
typedef struct expr_src {
    const char *file;
    int line, col;
    bool folded;        /* text came from a block scalar (| or >) */
    const char *origin; /* the scalar's first byte in the file (may be NULL) */
    const char *origin_end;
    bool quoted;        /* origin is an opening quote */
} expr_src;

/* What a name inside a formula can mean, as told by the rules loader. */
typedef struct expr_binding {
    enum { BIND_NONE, BIND_VALUE } kind;
    const rule_value *rv;
} expr_binding;
typedef expr_binding (*expr_resolver)(void *ctx, const char *name);

typedef struct expr_compiler {
    arena *a;
    diag_list *d;
    expr_resolver resolve;
    void *resolve_ctx;
    const char *const *care_codes; /* vocabulary for "ventilator" in care_types */
    size_t n_care;
    const struct expr_field_table *field_table; /* NULL = built-in only */
    /* optional: more words for an unknown name (a column that another terms
     * version declares), appended to the message; NULL or "" for none */
    const char *(*unknown_hint)(void *ctx, const char *name);
    void *hint_ctx;
    /* filled by expr_compile: the program values this formula reads */
    const rule_value **deps;
    size_t n_deps, cap_deps;
    /* ... and the line fields and month values it reads, by name */
    const char **fields;
    size_t n_fields, cap_fields;
    /* Settlement formulas (精算, SPEC 6.2) only: `months` and the actuals
     * fields are names, and inside an aggregate over months resolve_month
     * names the program's monthly nursery values (NULL elsewhere). */
    bool settlement;
    expr_resolver resolve_month;
    void *resolve_month_ctx;
} expr_compiler;

typedef struct expr_code {
    enode *root;
    const struct xcode *flat; /* the instructions evaluation runs (src/expr/flat.c) */
    vtype type;
    rule_scope scope;
    const char *text;
} expr_code;

/* Parses and type-checks `text` for a value in `scope`.  Returns NULL after
 * reporting problems through c->d. */
expr_code *expr_compile(expr_compiler *c, const char *text, expr_src src, rule_scope scope);

/* Everything evaluation reads for one nursery-month.  Line slots are laid out
 * [line * stride + slot], lines indexed from the nursery's first line. */
typedef struct eval_ctx {
    value *nursery_slots;
    value *child_slots, *staff_slots;
    int child_stride, staff_stride;
    const child_line *const *children;
    const int *child_days;
    const uint32_t *child_keys; /* optional: equal iff child_refs equal (NULL: compare texts) */
    size_t n_children;
    const staff_line *const *staff;
    size_t n_staff;
    size_t cur_child, cur_staff; /* the line a line-scope formula is on */
    int days_in_month;
    date_t month_start, month_end;
    /* settlement only: per month, the monthly program's values indexed like
     * its rule values ([month * month_stride + value index]), and the
     * actuals report's yen fields */
    const value *month_vals;
    size_t n_months, cur_month;
    int month_stride;
    int64_t reported_salary_cost, reported_other_income;
    /* first error: status and the node where it happened */
    num_status err;
    const char *err_msg;
    const enode *err_node;
} eval_ctx;

/* The language's field table (fields.c): what a formula reads besides
 * program values — the fields of a child or staff line (built-in ones and
 * the columns the terms in force declare, SPEC 8.1), the month's values
 * (readable at every scope; children and staff are the line collections
 * aggregates run over), and the names of settlement formulas only (SPEC
 * 6.2: the year's months, the actuals report fields).  A table is built
 * once per terms version when rules load (rule_terms.fields) and is the one
 * table the type checker, the evaluator and explain use. */
typedef enum expr_field_kind {
    EXPR_FIELD_CHILD,
    EXPR_FIELD_STAFF,
    EXPR_FIELD_MONTH,
    EXPR_FIELD_SETTLE
} expr_field_kind;
typedef struct expr_field {
    const char *name;
    expr_field_kind kind;
    vtype type;
    int which;               /* the evaluator's index within its kind */
    const declared_column *decl; /* a declared column (which = its slot), or NULL */
} expr_field;
typedef struct expr_field_table {
    const expr_field *v;
    size_t n;
} expr_field_table;

/* Built-in entries followed by the declared columns, in a. */
const expr_field_table *expr_fields_build(arena *a, const declared_column *child, size_t n_child,
                                          const declared_column *staff, size_t n_staff);
/* The entry of that kind named name in t (NULL = built-in), or NULL. */
const expr_field *expr_field_find(const expr_field_table *t, expr_field_kind kind,
                                  const char *name);
/* True for names the language itself gives meaning to (a built-in entry):
 * a program value or a declared column may not take such a name. */
bool expr_is_reserved_name(const char *name);
/* Field f as a formula reads it: of line `line` of ctx's children or staff
 * (cur_child / cur_staff), or the month's value. */
value expr_field_value(const expr_field *f, const eval_ctx *ctx, size_t line);

/* Evaluates a formula for the nursery-month (and the current lines). */
value expr_eval(const expr_code *code, eval_ctx *ctx);
/* Evaluates a line formula (child or staff scope) for each of ctx's lines
 * of its kind in turn, into that line's `slot`.  False after the first
 * failure (in ctx). */
bool expr_eval_lines(const expr_code *code, eval_ctx *ctx, int slot);
/* For explain: the aggregates (sum, count, ...) of a formula, outermost
 * ones only, in source order; at most max go to out.  Returns how many. */
size_t expr_aggregates(const expr_code *code, const enode **out, size_t max);
vtype expr_node_type(const enode *n);
/* Evaluates one node of a compiled formula (an aggregate: nursery scope). */
value expr_eval_node(const enode *n, eval_ctx *ctx);

/* Formulas that follow one another in dependency order, of one scope:
 * their flat codes joined, each followed by the store into its slot, so
 * that one run computes them all — nursery formulas once, line formulas
 * once per line (then none may hold an aggregate, which would read other
 * lines).  Built per month by the engine. */
typedef struct expr_joined expr_joined;
/* NULL when the formulas cannot be joined (fewer than 2, mixed scopes, an
 * aggregate in a line formula). */
const expr_joined *expr_join(arena *a, const expr_code *const *codes, const int *slots,
                             size_t n);
/* Runs the joined formulas (for each line of ctx); false after a failure.
 * For line formulas that failure may be another than evaluating them one
 * after another would meet first: callers wanting that one run them so. */
bool expr_joined_run(const expr_joined *g, eval_ctx *ctx);
/* The node's source text, e.g. "sum(staff, other_income)", into buf; false
 * if it does not fit. */
bool expr_node_text(const expr_code *code, const enode *n, char *buf, size_t size);
/* Position of an error node, for messages after a failed evaluation. */
void expr_node_pos(const enode *n, int *line, int *col);

#endif
