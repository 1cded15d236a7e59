/* claim_line: the records of a month's claim lines (SPEC 2.2, 2.3) — what
 * an intake path produces and what the formula language and the engine
 * read — and the declared claim columns (SPEC 8.1) a terms file adds to
 * them.  Plain data, so that expr does not depend on intake or rules.  Not
 * here: parsing (kasan/intake.h), loading declarations (rules/load.c). */
#ifndef KASAN_CLAIM_LINE_H
#define KASAN_CLAIM_LINE_H
#include <stdbool.h>
#include <stdint.h>

#include "kasan/date.h"
#include "kasan/num.h"
#include "kasan/value.h"

/* Types a declared column may have (rules/README.md §8a).  A code column
 * reads in formulas as text (its code); the others as the vtype of the same
 * name. */
typedef enum column_type {
    COL_YEN, COL_NUMBER, COL_DAYS, COL_DATE, COL_TEXT, COL_BOOL, COL_CODE
} column_type;

enum { DECLARED_MAX = 32 }; /* declared columns per claim file and terms version */

/* A declared column of children.csv (child_columns:) or nurses.csv
 * (staff_columns:).  `slot` is the column's index in a line's decl[]: given
 * once per rule set to each (file, name), so every terms version that
 * declares the name puts its values at the same place and a compiled
 * formula reads them with no lookup. */
typedef struct declared_column {
    const char *name;          /* CSV header and formula name: training_cost */
    const char *label;         /* Japanese: 研修受講費 */
    column_type type;
    vtype vt;                  /* as formulas read it */
    bool required;             /* the header must have it */
    bool has_default;
    value def;                 /* an empty cell (or an absent optional column) */
    const char **codes, **code_names; /* COL_CODE: code → 日本語名 */
    size_t n_codes;
    int slot;
    int line, col;             /* where it is declared */
} declared_column;

typedef struct child_line {
    int32_t nursery;           /* registry position, -1 if unknown */
    uint32_t ref_hash;         /* a hash of child_ref (equal refs, equal hashes),
                                * taken while parsing for the duplicate check */
    const char *nursery_id, *child_ref;
    const char *care_types;    /* as written, e.g. "suction;ventilator" */
    uint32_t care_mask;        /* bit i set = vocabulary care type i */
    date_t enrolled_from, enrolled_to; /* enrolled_to DATE_OPEN when empty */
    int line;                  /* physical line where the record starts */
    const char *form;          /* the form and row intake read it from
                                * ("P002.xlsx:児童!7"), NULL if none */
    const value *decl;         /* declared columns by slot; NULL when the rule
                                * set declares none for children.csv */
} child_line;

typedef struct staff_line {
    int32_t nursery;
    int32_t qual;              /* qualification's index among the eligible ones
                                * of the terms the line was parsed for
                                * (intake_vocab), -1 if not among them */
    const char *nursery_id, *staff_ref, *qualification, *employment;
    bool has_hours;
    num hours;                 /* 0 when empty */
    int64_t salary_cost, other_income; /* whole yen, >= 0 */
    int line;
    const char *form;          /* as child_line.form */
    const value *decl;         /* as child_line.decl, for nurses.csv */
} staff_line;

#endif
