/* value: the typed values of the formula language.
 *
 * Types are static: the type checker knows every expression's type, so a
 * value carries no tag at run time; whoever holds a value holds its vtype
 * beside it.  A value is 16 bytes, passed by value, owning nothing: text
 * points into the rule set's or the run's arena.  Money is a num: VT_YEN is
 * always whole (d == 1); VT_YEN_FRAC is yen that may hold a fraction and must
 * go through round_down/round_up/round_half_up before it can be a VT_YEN. */
#ifndef KASAN_VALUE_H
#define KASAN_VALUE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/date.h"
#include "kasan/num.h"

typedef enum vtype {
    VT_NONE = 0,
    VT_INT,       /* integer literal: becomes yen, days or number as context wants */
    VT_NUMBER,    /* exact rational: 92.5 hours, a ratio */
    VT_DAYS,      /* a whole count of days */
    VT_YEN,       /* whole yen */
    VT_YEN_FRAC,  /* unrounded yen */
    VT_BOOL,
    VT_TEXT,
    VT_DATE,
    VT_CARE_SET,  /* a set of care type codes (bit i = vocabulary entry i) */
    VT_CHILDREN,  /* the nursery-month's eligible child lines */
    VT_STAFF,     /* the nursery-month's valid staff lines */
    VT_MONTHS,    /* settlement: the nursery's finalized months of the year */
} vtype;

typedef union value {
    num n;          /* VT_INT, VT_NUMBER, VT_DAYS, VT_YEN, VT_YEN_FRAC */
    date_t d;       /* VT_DATE (DATE_OPEN for an open end) */
    bool b;         /* VT_BOOL */
    const char *s;  /* VT_TEXT */
    uint32_t set;   /* VT_CARE_SET */
} value;

const char *vtype_name(vtype t); /* "yen", "unrounded yen", "date", ... */
/* Formats for people: yen grouped "1,234,567", numbers "92.5", dates ISO,
 * booleans "yes"/"no".  `care_names` (may be NULL) names the set's bits. */
void value_format(vtype t, value v, const char *const *care_names, char *buf, size_t size);

#endif
