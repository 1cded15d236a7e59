/* report: what a run writes for people and machines — payments.csv,
 * rejections.csv, the section's payments.xlsx and one statement per nursery.
 * Writers read a computed month_run and never change it.  Every file is
 * written under a temporary name and renamed into place (fsutil); on failure
 * the function returns -1, leaves no partial file, and says why in `err`. */
#ifndef KASAN_REPORT_H
#define KASAN_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/month.h"

/* Budget execution of one fiscal year as known at this run: months already
 * finalized in the ledger, plus (when not finalized) this run's draft. */
typedef struct budget_month {
    claim_month month;
    bool present;            /* finalized, or this run's draft */
    bool draft;              /* this run, not (yet) in the ledger */
    int64_t program_amount[MONTH_MAX_PROGRAMS]; /* by month_run.programs order */
    int64_t total;
} budget_month;

typedef struct budget_view {
    int fiscal_year;
    const char *line_id;     /* e.g. "R7-kasan"; NULL when no budget line */
    int64_t line_amount;     /* 16,444,000 for FY2025 */
    budget_month months[12]; /* April … March */
    int64_t paid_before;     /* finalized months of the FY other than this one */
    int64_t this_month;      /* this run's total */
    int64_t remaining;       /* line − paid_before − this_month */
    int64_t forecast;        /* paid_before + this_month × months left incl. this */
} budget_view;

/* Fills months[] from ledger rows already placed by the caller and derives
 * paid_before, remaining and forecast for run->month (SPEC 1.4).  False if
 * one of them does not fit in 64-bit yen (absurd amounts: an error). */
bool budget_view_finish(budget_view *bv, const month_run *run);
/* SPEC 1.4's year-end forecast for the month of fiscal index idx (April 0):
 * paid_before + month_total × the months left including this one.  False
 * if it does not fit in 64-bit yen. */
bool budget_forecast(int64_t paid_before, int64_t month_total, int idx, int64_t *out);

typedef struct run_meta {
    const char *run_id;      /* e.g. "2025-04-20250510T093000Z-1a2b3c4d" */
    const char *created;     /* ISO 8601 UTC time of the run */
    date_t issue_date;       /* 発行日 printed on statements */
    bool finalized;          /* false = 試算 (draft) */
    const char *engine_version;
} run_meta;

int report_payments_csv(const month_run *run, const char *path, char *err, size_t errsz);
int report_rejections_csv(const month_run *run, const char *path, char *err, size_t errsz);
int report_payments_xlsx(const month_run *run, const budget_view *bv, const run_meta *meta,
                         const char *path, char *err, size_t errsz);
int report_statement_xlsx(const month_run *run, const nursery_month *nm, const run_meta *meta,
                          const char *path, char *err, size_t errsz);

/* One line of a what-if comparison (kasan diff): a nursery × program under
 * rule set A and rule set B (version NULL when the program is not in force). */
typedef struct diff_row {
    const char *nursery_id, *nursery_name, *program;
    const char *version_a, *version_b;
    int64_t amount_a, amount_b;
} diff_row;

int report_diff_xlsx(claim_month m, const char *rules_a, const char *rules_b,
                     const diff_row *rows, size_t n, const char *path, char *err, size_t errsz);

#endif
