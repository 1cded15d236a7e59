/* claim_line: the records of a month's claim lines (SPEC 2.2, 2.3) — what
 * an intake path produces and what the formula language and the engine
 * read.  Plain data, so that expr does not depend on intake.  Not here:
 * parsing (kasan/intake.h). */
#ifndef KASAN_CLAIM_LINE_H
#define KASAN_CLAIM_LINE_H
#include <stdbool.h>
#include <stdint.h>

#include "kasan/date.h"
#include "kasan/num.h"

typedef struct child_line {
    int32_t nursery;           /* registry position, -1 if unknown */
    const char *nursery_id, *child_ref;
    const char *care_types;    /* as written, e.g. "suction;ventilator" */
    uint32_t care_mask;        /* bit i set = vocabulary care type i */
    date_t enrolled_from, enrolled_to; /* enrolled_to DATE_OPEN when empty */
    int line;                  /* physical line where the record starts */
} child_line;

typedef struct staff_line {
    int32_t nursery;
    const char *nursery_id, *staff_ref, *qualification, *employment;
    bool has_hours;
    num hours;                 /* 0 when empty */
    int64_t salary_cost, other_income; /* whole yen, >= 0 */
    int line;
} staff_line;

#endif
