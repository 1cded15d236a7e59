/* engine_int: shared between the engine's files. */
#ifndef KASAN_ENGINE_INT_H
#define KASAN_ENGINE_INT_H
#include "kasan/engine.h"

/* Applies SPEC 1.5 in order to every line; fills run->rejections and marks
 * eligible lines (child_ok / staff_ok), with enrolled days in child_days_all
 * and the number of distinct child_refs among the eligible lines. */
typedef struct eligibility {
    bool *child_ok, *staff_ok;
    int *child_days_all;
    uint32_t *child_key_all; /* of each eligible line: its child_ref's group in the duplicate table */
    size_t n_distinct_children;
} eligibility;

void engine_eligibility(month_run *run, eligibility *el);

#endif
