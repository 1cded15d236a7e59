/* rule_value: a named value of a program (parameter, table or formula) —
 * what the rules loader builds from a rule file and what a name inside a
 * formula is bound to.  Plain data shared by rules (which fills it) and expr
 * (which reads it while compiling and evaluating), so that neither header
 * includes the other.  Not here: loading (kasan/rules.h), compiling
 * (kasan/expr.h). */
#ifndef KASAN_RULE_VALUE_H
#define KASAN_RULE_VALUE_H
#include <stddef.h>

#include "kasan/value.h"

struct expr_code; /* compiled formula, kasan/expr.h */

typedef enum rule_scope {
    SCOPE_NURSERY, /* one value per nursery-month */
    SCOPE_CHILD,   /* one value per eligible child line */
    SCOPE_STAFF,   /* one value per valid staff line */
} rule_scope;

/* A named value of a program: a parameter, a table or a formula. */
typedef enum rule_value_kind { RV_PARAM, RV_TABLE, RV_FORMULA } rule_value_kind;

typedef struct rule_table {
    size_t n;
    const char **keys;
    value *vals;
    vtype key_type, val_type;
} rule_table;

typedef struct rule_value {
    const char *name;
    const char *label;        /* Japanese label for workbooks/explain; NULL = internal */
    const char *description;  /* plain Japanese for notices ("各月の基準額の合計"), or NULL:
                               * what a nursery reads instead of the formula */
    const char *formula;      /* source text (RV_FORMULA) */
    rule_value_kind kind;
    rule_scope scope;
    vtype type;
    value param;              /* RV_PARAM */
    rule_table table;         /* RV_TABLE */
    struct expr_code *code;   /* RV_FORMULA, compiled */
    int slot;                 /* index among its scope's formula slots */
    int line, col;            /* where it is defined */
    const struct rule_value **deps; /* program values the formula reads */
    size_t n_deps;
    const char **fields;      /* line fields and month values it reads */
    size_t n_fields;
    const void *yaml;         /* loader's private: the definition's node */
} rule_value;

#endif
