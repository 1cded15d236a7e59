/* settle: the year-end settlement (精算, 交付額の確定; SPEC 6.2) of a fiscal
 * year, computed from that year's finalized months (already recomputed by
 * the caller, from the ledger's archived inputs and rules) and the actuals
 * report.  Every formula is the settlement: section of the program version in
 * force on 31 March; nothing of a program's settlement is in C.
 *
 * A settlement owns its arena (rows, settlement slot values, copies of ids
 * and names) until settle_free().  The rule set that holds the settlement
 * versions and the actuals are borrowed and must outlive it; the month runs
 * are only read during settle_compute(). */
#ifndef KASAN_SETTLE_H
#define KASAN_SETTLE_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/actuals.h"
#include "kasan/arena.h"
#include "kasan/diag.h"
#include "kasan/engine.h"
#include "kasan/rules.h"

#define SETTLE_MONTHS 12

/* One nursery × settled program of the year. */
typedef struct settle_row {
    const char *nursery_id, *nursery_name;  /* in the settlement's arena */
    const char *nursery_operator;           /* 運営法人名 */
    const program *rule;                    /* version in force on 31 March; its
                                             * ->settlement holds the formulas */
    size_t n_months;                        /* finalized months with this nursery */
    claim_month month[SETTLE_MONTHS];
    const char *month_version[SETTLE_MONTHS]; /* rule version each month was paid under */
    int64_t month_paid[SETTLE_MONTHS];      /* that program's amount of the month */
    const actuals_line *actual;             /* its line of the actuals report */
    date_t active_from, active_to;          /* the nursery's active period, as the
                                             * registry of the last finalized month
                                             * with this nursery gives it */
    value *values;                          /* rule->settlement slots */
    value *month_vals;                      /* [month * rule->n_slots[SCOPE_NURSERY] +
                                             * slot]: each month's nursery values by the
                                             * 31 March version's slots (matched by name) */
    int64_t annual;                         /* 交付確定額: the settlement's result */
    int64_t monthly;                        /* sum of month_paid */
    int64_t paid;                           /* 既交付額: monthly + settled_before */
    int64_t difference;                     /* annual − paid: > 0 追加交付, < 0 返還 */
    /* A correction (修正, SPEC 6.1) of a finalized settlement: */
    bool corrected;                         /* the superseded settlement had this row */
    int64_t settled_before;                 /* 既確定: net 追加交付 (+) / 返還 (−) that
                                             * earlier settlements decided; 0 if none */
    int64_t prior_annual, prior_difference; /* the superseded row's annual, difference */
    /* Capped by the grant decision (settle_cap, issue 24): annual is the
     * decided amount, computed_annual what the settlement's formulas gave. */
    bool capped;
    int64_t computed_annual;
} settle_row;

/* A nursery × program's decided amount (交付決定額), the cap of its 交付確定額. */
typedef struct settle_cap_row {
    const char *nursery_id, *program;
    int64_t decided;
} settle_cap_row;

/* What the settlement cannot decide alone and the section must look at:
 * the actuals report may count costs of months in which the nursery was
 * not active, which no month paid and the subsidy does not cover (the sample
 * ward's P023 closed on 2025-09-30 and reported October too: 追加交付 34,000
 * instead of 3,000).  Computed into the settlement; the command prints them
 * (settle_warning_text); not recorded in the ledger. */
typedef enum settle_warning_kind {
    SETTLE_WARN_PERIOD_INACTIVE,  /* the line's period (period_from..period_to)
                                   * covers months the nursery was not active */
    SETTLE_WARN_CLAIMED_INACTIVE, /* the line gives no period, and the nursery sent
                                   * claim lines for months it was not active
                                   * (rejected nursery_inactive): their costs may
                                   * be in the report */
} settle_warning_kind;

typedef struct settle_warning {
    settle_warning_kind kind;
    size_t row;                   /* index in settlement.rows */
    uint16_t months;              /* bit i: month i of the fiscal year (April = 0) */
} settle_warning;

/* A row of the settlement being superseded (from the ledger). */
typedef struct settle_prior {
    const char *nursery_id, *program;
    int64_t annual, difference, settled_before;
} settle_prior;

typedef struct settlement {
    arena a;
    int fiscal_year;
    settle_row *rows;               /* sorted by nursery_id, then program */
    size_t n_rows;
    claim_month missing[SETTLE_MONTHS]; /* months of the year with no finalized run */
    size_t n_missing;
    int64_t annual_total, paid_total;
    int64_t additional_total;       /* 追加交付額の合計 (sum of positive differences) */
    int64_t repayment_total;        /* 返還額の合計 (sum of −negative differences) */
    bool supersedes;                /* a correction: settle_apply_prior() was applied */
    int64_t fy_additional;          /* the year's 追加交付 as decided now: sum of
                                     * positive (settled_before + difference); equals
                                     * additional_total for a first settlement */
    settle_warning *warnings;       /* in row order */
    size_t n_warnings;
    const char *actuals_file;       /* the actuals' display name (borrowed), for
                                     * FILE:LINE of a warning (row.actual->line) */
} settlement;

/* The version of program `id` in force on date `day`, or NULL. */
const program *settle_program_on(const rule_set *rs, const char *id, date_t day);

/* Settles fiscal year fy.  months: the year's finalized months (current runs,
 * any order, at most 12).  Every nursery paid (amount > 0 in some month)
 * under a program whose version in force on 31 March has a settlement: is
 * settled; the actuals must have exactly one line for each such nursery and
 * program and none for any other, and a line's period must lie within the
 * fiscal year.  Returns 0 (with the warnings above in out->warnings), or -1
 * with every problem in d (missing and extra actuals lines all listed;
 * arithmetic errors named by rule file, value and nursery).  Always
 * settle_free() after. */
int settle_compute(const rule_set *rs, int fy, const month_run *const *months, size_t n_months,
                   const actuals *ac, settlement *out, diag_list *d);
void settle_free(settlement *s);

/* Makes s a correction of the settlement whose rows are prior (in nursery ×
 * program order, as the ledger records them): each row that
 * prior also has counts what prior already decided (its settled_before +
 * difference) as paid, so the difference becomes the increment (new annual −
 * prior annual when the months are unchanged).  Recomputes the totals.
 * Returns 0, or -1 (overflow, or prior out of order) with the problem in d. */
int settle_apply_prior(settlement *s, const settle_prior *prior, size_t n, diag_list *d);

/* The 交付確定額 may not exceed the decided amount (docs/spec/12): each row
 * whose annual is above its cap (caps in nursery × program order; a row
 * without one has a cap of 0: nothing was decided for it) gets the cap as
 * its annual (capped, computed_annual keeps the formulas' result).
 * Recomputes the totals.  Call before settle_apply_prior.  Returns 0, or -1
 * (overflow, caps out of order) with the problem in d. */
int settle_cap(settlement *s, const settle_cap_row *caps, size_t n, diag_list *d);

/* Warning w as one line: "P023 nurse_placement: ..." naming the months, the
 * nursery's active period and what to check (the caller adds where:
 * s->actuals_file and w's row's actual->line).  Truncates to size. */
void settle_warning_text(const settlement *s, const settle_warning *w, char *buf, size_t size);

/* Whether a settlement formula of rule (its ->settlement) reads the monthly
 * value `name` (a month lacking it is then an error; explain shows it). */
bool settle_reads(const program *rule, const char *name);
/* A settlement value of a row (for explain and the workbooks). */
value settle_row_value(const settle_row *row, const rule_value *rv);
/* 返還期限: `issued` + the version's repayment_due_days. */
date_t settle_repayment_due(const settle_row *row, date_t issued);

#endif
