/* fields: the language's field table — every name a formula reads besides
 * program values: the fields of a child or staff line and the month's values
 * (SPEC 1, rules/README.md), and the names only a settlement formula reads
 * (SPEC 6.2), then the columns a terms version declares (SPEC 8.1), built
 * into one table per terms version at load time.  The type checker resolves
 * names here, the evaluator reads by `which` (a declared column: its slot),
 * explain formats by `type`.  Not here: reading a value (eval.c,
 * expr_field_value), checking declarations (rules/load.c). */
#include <string.h>

#include "expr_int.h"

static const expr_field builtin[] = {
    {"nursery_id", EXPR_FIELD_CHILD, VT_TEXT, FC_NURSERY_ID, NULL},
    {"child_ref", EXPR_FIELD_CHILD, VT_TEXT, FC_CHILD_REF, NULL},
    {"care_types", EXPR_FIELD_CHILD, VT_CARE_SET, FC_CARE_TYPES, NULL},
    {"enrolled_from", EXPR_FIELD_CHILD, VT_DATE, FC_FROM, NULL},
    {"enrolled_to", EXPR_FIELD_CHILD, VT_DATE, FC_TO, NULL},
    {"enrolled_days", EXPR_FIELD_CHILD, VT_DAYS, FC_DAYS, NULL},
    {"nursery_id", EXPR_FIELD_STAFF, VT_TEXT, FS_NURSERY_ID, NULL},
    {"staff_ref", EXPR_FIELD_STAFF, VT_TEXT, FS_STAFF_REF, NULL},
    {"qualification", EXPR_FIELD_STAFF, VT_TEXT, FS_QUALIFICATION, NULL},
    {"employment", EXPR_FIELD_STAFF, VT_TEXT, FS_EMPLOYMENT, NULL},
    {"hours", EXPR_FIELD_STAFF, VT_NUMBER, FS_HOURS, NULL},
    {"salary_cost", EXPR_FIELD_STAFF, VT_YEN, FS_SALARY, NULL},
    {"other_income", EXPR_FIELD_STAFF, VT_YEN, FS_OTHER, NULL},
    {"days_in_month", EXPR_FIELD_MONTH, VT_DAYS, CTX_DAYS_IN_MONTH, NULL},
    {"month_start", EXPR_FIELD_MONTH, VT_DATE, CTX_MONTH_START, NULL},
    {"month_end", EXPR_FIELD_MONTH, VT_DATE, CTX_MONTH_END, NULL},
    {"children", EXPR_FIELD_MONTH, VT_CHILDREN, CTX_CHILDREN, NULL},
    {"staff", EXPR_FIELD_MONTH, VT_STAFF, CTX_STAFF, NULL},
    /* settlement only: the year's months and the actuals report (実績報告)
     * fields, prefixed so they never read as the staff line fields
     * salary_cost and other_income of a month */
    {"months", EXPR_FIELD_SETTLE, VT_MONTHS, CTX_MONTHS, NULL},
    {"reported_salary_cost", EXPR_FIELD_SETTLE, VT_YEN, CTX_REPORTED_SALARY, NULL},
    {"reported_other_income", EXPR_FIELD_SETTLE, VT_YEN, CTX_REPORTED_OTHER, NULL},
};

#define N_BUILTIN (sizeof builtin / sizeof builtin[0])

static const expr_field_table builtin_table = {builtin, N_BUILTIN};

static void add_declared(expr_field *out, const declared_column *c, expr_field_kind kind)
{
    *out = (expr_field){c->name, kind, c->vt, c->slot, c};
}

const expr_field_table *expr_fields_build(arena *a, const declared_column *child, size_t n_child,
                                          const declared_column *staff, size_t n_staff)
{
    expr_field *v = arena_calloc(a, N_BUILTIN + n_child + n_staff, sizeof *v);
    memcpy(v, builtin, sizeof builtin);
    size_t n = N_BUILTIN;
    for (size_t i = 0; i < n_child; i++)
        add_declared(&v[n++], &child[i], EXPR_FIELD_CHILD);
    for (size_t i = 0; i < n_staff; i++)
        add_declared(&v[n++], &staff[i], EXPR_FIELD_STAFF);
    expr_field_table *t = arena_calloc(a, 1, sizeof *t);
    *t = (expr_field_table){v, n};
    return t;
}

/* Linear: tens of entries, searched only while formulas compile. */
const expr_field *expr_field_find(const expr_field_table *t, expr_field_kind kind,
                                  const char *name)
{
    if (!t)
        t = &builtin_table;
    for (size_t i = 0; i < t->n; i++)
        if (t->v[i].kind == kind && !strcmp(t->v[i].name, name))
            return &t->v[i];
    return NULL;
}

bool expr_is_reserved_name(const char *name)
{
    for (size_t i = 0; i < N_BUILTIN; i++)
        if (!strcmp(name, builtin[i].name))
            return true;
    return false;
}
