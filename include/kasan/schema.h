/* schema: the one table of what a claim file holds (SPEC 2, 8.2) — for
 * children.csv (sheet 児童) and nurses.csv (sheet 職員), each column in
 * order with its CSV name, Japanese label, type and, for a code list, the
 * codes with their Japanese names.  The claim forms are written from it
 * (report/forms_xlsx.c) and read back through it (intake/forms_read.c).
 *
 * A schema is built for a month from the terms in force: care types and the
 * eligible qualifications take their codes and names from the terms file;
 * the rest of the vocabulary (employment, qualifications that are claimed
 * but not paid) is built in here.  The built-in columns come first; the
 * columns the terms file declares (SPEC 8.1, child_columns/staff_columns)
 * follow them, so writers and readers that loop over the columns need no
 * change.  Not here: parsing CSV (intake/claims.c), any
 * amount or condition of a program (rules/).
 *
 * Ownership: everything lives in the arena given to schema_build; strings
 * from the terms are borrowed (the rule_set must outlive the schema). */
#ifndef KASAN_SCHEMA_H
#define KASAN_SCHEMA_H
#include <stdbool.h>
#include <stddef.h>

#include "kasan/arena.h"
#include "kasan/rules.h"

typedef enum schema_type {
    SCHEMA_ID,       /* a pseudonymous reference: 1-32 bytes, no control characters */
    SCHEMA_CODE,     /* one code of the list */
    SCHEMA_CODE_SET, /* ';'-joined codes; on a form, one ○ column per code */
    SCHEMA_DATE,     /* ISO date in the CSV */
    SCHEMA_YEN,      /* whole yen >= 0 */
    SCHEMA_NUMBER,   /* a decimal >= 0 (hours: 92.5) */
    /* only declared columns (SPEC 8.1) have these */
    SCHEMA_DAYS,     /* whole days 0-31 */
    SCHEMA_TEXT,     /* free text, at most 200 bytes, one line */
    SCHEMA_BOOL,     /* "true" / "false" in the CSV; はい / いいえ on a form */
} schema_type;

typedef struct schema_code {
    const char *code; /* as in the CSV: "suction" */
    const char *name; /* Japanese: 喀痰吸引 */
} schema_code;

typedef struct schema_column {
    const char *csv;    /* column name in the CSV: "care_types" */
    const char *label;  /* Japanese header on the form: 医療的ケアの種類 */
    const char *hint;   /* how to fill it, for the instructions sheet */
    schema_type type;
    bool required;
    const schema_code *codes; /* SCHEMA_CODE / SCHEMA_CODE_SET */
    size_t n_codes;
    bool declared;      /* from the terms file (SPEC 8.1), not built in */
} schema_column;

typedef enum schema_file_id { SCHEMA_CHILDREN, SCHEMA_STAFF, SCHEMA_FILES } schema_file_id;

typedef struct schema_file {
    const char *csv;    /* "children.csv" */
    const char *sheet;  /* 児童 */
    const char *title;  /* 医療的ケア児 */
    schema_column *cols; /* nursery_id is implied (the form's nursery) and not listed */
    size_t n_cols;
} schema_file;

typedef struct claim_schema {
    schema_file files[SCHEMA_FILES];
} claim_schema;

/* The schema in force with terms t (not NULL).  Always succeeds. */
void schema_build(const rule_terms *t, arena *a, claim_schema *out);
/* A declared column's value of a line for people (明細, statement,
 * explain): yen grouped, a code by its Japanese name, a bool as はい/いいえ,
 * an empty date as "". */
void schema_format_value(const declared_column *c, value v, char *buf, size_t size);
/* The code whose code or Japanese name is s (trimmed by the caller), or NULL. */
const schema_code *schema_find_code(const schema_column *c, const char *s);

#endif
