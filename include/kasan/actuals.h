/* actuals: the annual actuals report (実績報告) of a fiscal year,
 * DATA/settlement/FY/actuals.csv (SPEC 6.2), read through the csv reader and
 * the intake field checks.  Columns nursery_id, program, salary_cost,
 * other_income (empty = 0), and optionally period_from, period_to (YYYY-MM,
 * both or neither: the months the report covers, its 対象期間).  Only the
 * form of each line is checked here (ids, yen, months, one line per nursery
 * and program); whether a line belongs to a paid nursery, and its period to
 * the year and to the nursery's active months, is the settlement engine's
 * (kasan/settle.h). */
#ifndef KASAN_ACTUALS_H
#define KASAN_ACTUALS_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/date.h"
#include "kasan/diag.h"

typedef struct actuals_line {
    int line;                  /* physical line in the file */
    const char *nursery_id;    /* in the arena */
    const char *program;
    int64_t salary_cost;       /* 対象経費の実支出額, annual yen */
    int64_t other_income;      /* 寄付金その他の収入額, annual yen (empty = 0) */
    bool has_period;           /* period_from and period_to given */
    claim_month period_from, period_to; /* 対象期間, from <= to (when has_period) */
} actuals_line;

typedef struct actuals {
    const char *file;          /* display name, e.g. "settlement/2025/actuals.csv" */
    actuals_line *v;
    size_t n;
} actuals;

/* Parses the file's bytes (borrowed) into a (strings in arena a).  Every
 * malformed value and every repeated nursery × program line is reported as
 * name:line:col; returns 0, or -1 with the problems in d. */
int actuals_parse(const char *name, const char *data, size_t len, arena *a, actuals *out,
                  diag_list *d);
/* The line of nursery × program, or NULL. */
const actuals_line *actuals_find(const actuals *ac, const char *nursery_id, const char *program);

#endif
