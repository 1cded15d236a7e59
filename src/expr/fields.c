/* fields: the language's field table — every name a formula reads besides
 * program values: the fields of a child or staff line and the month's values
 * (SPEC 1, rules/README.md), and the names only a settlement formula reads
 * (SPEC 6.2).  The type checker resolves names here, the
 * evaluator reads by `which`, explain formats by `type`.  Not here: reading
 * a value (eval.c, expr_field_value). */
#include <string.h>

#include "expr_int.h"

static const expr_field builtin[] = {
    {"nursery_id", EXPR_FIELD_CHILD, VT_TEXT, FC_NURSERY_ID},
    {"child_ref", EXPR_FIELD_CHILD, VT_TEXT, FC_CHILD_REF},
    {"care_types", EXPR_FIELD_CHILD, VT_CARE_SET, FC_CARE_TYPES},
    {"enrolled_from", EXPR_FIELD_CHILD, VT_DATE, FC_FROM},
    {"enrolled_to", EXPR_FIELD_CHILD, VT_DATE, FC_TO},
    {"enrolled_days", EXPR_FIELD_CHILD, VT_DAYS, FC_DAYS},
    {"nursery_id", EXPR_FIELD_STAFF, VT_TEXT, FS_NURSERY_ID},
    {"staff_ref", EXPR_FIELD_STAFF, VT_TEXT, FS_STAFF_REF},
    {"qualification", EXPR_FIELD_STAFF, VT_TEXT, FS_QUALIFICATION},
    {"employment", EXPR_FIELD_STAFF, VT_TEXT, FS_EMPLOYMENT},
    {"hours", EXPR_FIELD_STAFF, VT_NUMBER, FS_HOURS},
    {"salary_cost", EXPR_FIELD_STAFF, VT_YEN, FS_SALARY},
    {"other_income", EXPR_FIELD_STAFF, VT_YEN, FS_OTHER},
    {"days_in_month", EXPR_FIELD_MONTH, VT_DAYS, CTX_DAYS_IN_MONTH},
    {"month_start", EXPR_FIELD_MONTH, VT_DATE, CTX_MONTH_START},
    {"month_end", EXPR_FIELD_MONTH, VT_DATE, CTX_MONTH_END},
    {"children", EXPR_FIELD_MONTH, VT_CHILDREN, CTX_CHILDREN},
    {"staff", EXPR_FIELD_MONTH, VT_STAFF, CTX_STAFF},
    /* settlement only: the year's months and the actuals report (実績報告)
     * fields, prefixed so they never read as the staff line fields
     * salary_cost and other_income of a month */
    {"months", EXPR_FIELD_SETTLE, VT_MONTHS, CTX_MONTHS},
    {"reported_salary_cost", EXPR_FIELD_SETTLE, VT_YEN, CTX_REPORTED_SALARY},
    {"reported_other_income", EXPR_FIELD_SETTLE, VT_YEN, CTX_REPORTED_OTHER},
};

const expr_field *expr_field_find(expr_field_kind kind, const char *name)
{
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (builtin[i].kind == kind && !strcmp(builtin[i].name, name))
            return &builtin[i];
    return NULL;
}

bool expr_is_reserved_name(const char *name)
{
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++)
        if (!strcmp(name, builtin[i].name))
            return true;
    return false;
}
