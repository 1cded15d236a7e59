/* budget: budget execution of one fiscal year (予算執行, SPEC 1.4), the one
 * home of its arithmetic: paid so far, this month, remaining, the year-end
 * forecast, the running table and the refusal of a finalization over the
 * line.  Checked whole-yen arithmetic on figures the caller places; reading
 * the ledger is the caller's (flow, ledger), printing is report's and cli's. */
#ifndef KASAN_BUDGET_H
#define KASAN_BUDGET_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/date.h"

#define BUDGET_MAX_PROGRAMS 16 /* at least RULES_MAX_PROGRAMS (static_assert in engine.h) */

typedef struct budget_month {
    claim_month month;
    bool present;            /* finalized, or this run's draft */
    bool draft;              /* this run, not (yet) in the ledger */
    int64_t program_amount[BUDGET_MAX_PROGRAMS]; /* by the caller's program order */
    int64_t total;
    const char *override_reason; /* finalized over the line (or with none) on this
                                  * reason (補正予算・流用); NULL if not; borrowed */
} budget_month;

/* One fiscal year as known at a run: months finalized in the ledger, plus
 * (when not finalized) this run's draft. */
typedef struct budget_view {
    int fiscal_year;
    const char *line_id;     /* e.g. "R7-kasan"; NULL when no budget line */
    int64_t line_amount;     /* 16,444,000 for FY2025; 0 when no line */
    budget_month months[12]; /* April … March */
    int64_t settled_additional; /* 追加交付 paid against the line like a month (SPEC
                                 * 6.2): the FY's finalized settlement's (0 if none)
                                 * but what later lines pay, and earlier years'
                                 * paid from this line (過年度支出, docs/spec/12 §12.6) */
    int64_t paid_before;     /* finalized months of the FY other than this one,
                              * plus settled_additional */
    int64_t this_month;      /* this run's total */
    int64_t remaining;       /* line − paid_before − this_month */
    int64_t forecast;        /* budget_forecast(bv, index) */
    /* The line as the ward keeps it at this run (issue 24; NULL when the
     * year has no line or it is not known): budget_view_finish sets its
     * paid (paid_before + this_month) and computes its five figures. */
    struct budget_ward_sheet *ward;
} budget_view;

/* An empty year: months[] labelled April … March, none present. */
void budget_view_init(budget_view *bv, int fiscal_year, const char *line_id, int64_t line_amount);
/* Places month m's figures (program_amount[0..n_programs), n ≤ BUDGET_MAX_PROGRAMS);
 * ignored if m is outside the view's fiscal year. */
void budget_view_place(budget_view *bv, claim_month m, bool draft, int64_t total,
                       const int64_t *program_amount, size_t n_programs);
/* Derives paid_before, this_month, remaining and forecast for month m, whose
 * figures are already placed.  False if one does not fit in 64-bit yen. */
bool budget_view_finish(budget_view *bv, claim_month m);
/* What the year has paid against its line (SPEC 1.4, 6.2): every finalized
 * month plus settled_additional.  False if it does not fit in 64-bit yen.
 * (The ledger's own check, inside its transaction, is ledger_fy_paid.) */
bool budget_paid(const budget_view *bv, int64_t *out);

/* What a settlement row has decided in all (SPEC 6.1, 6.2): the net
 * 追加交付 (+) / 返還 (−) the settlements before it decided plus its own
 * difference.  The year's 追加交付 is the sum of the positive ones (paid
 * against the line), its 返還 the sum of the negative ones (not netted).
 * False if it does not fit in 64-bit yen. */
bool budget_settle_decided(int64_t settled_before, int64_t difference, int64_t *decided);

/* SPEC 1.4's year-end forecast (年度末見込) for the month of fiscal index idx
 * (April 0): the finalized months other than idx (and settled_additional) +
 * month idx's total + that total × the later months not finalized.  So a
 * correction of May made after February forecasts from what is paid, not as
 * if May began the year.  False if it does not fit in 64-bit yen. */
bool budget_forecast(const budget_view *bv, int idx, int64_t *out);
/* The later months of the fiscal year (after index idx) not finalized. */
int budget_later_open(const budget_view *bv, int idx);

/* Row idx of the year's table: cumulative = the present months' totals
 * April … idx; remaining = line − cumulative; forecast = budget_forecast(bv,
 * idx).  False if a figure does not fit in 64-bit yen. */
typedef struct budget_row {
    int64_t cumulative, remaining, forecast;
} budget_row;
bool budget_row_at(const budget_view *bv, int idx, budget_row *out);

/* Budget control of a finalization (SPEC 1.4): the month's total (or a
 * settlement's 追加交付) on top of what the fiscal year's other months paid.
 * Over the line it is refused unless overridden (補正予算・流用); without a
 * line, paying anything (this_month > 0) is refused unless overridden. */
typedef enum budget_verdict {
    BUDGET_WITHIN,
    BUDGET_OVER_OVERRIDDEN,
    BUDGET_REFUSED,
    BUDGET_NO_LINE_OVERRIDDEN, /* no line, paid on the operator's reason */
    BUDGET_NO_LINE_REFUSED,    /* no line, no reason: "no budget line for FYyyyy" */
} budget_verdict;
typedef struct budget_decision {
    int64_t paid_before, paid_after; /* the FY's paid total without / with this month */
    int64_t overrun;                 /* paid_after − line when over the line, else 0 */
    budget_verdict verdict;
} budget_decision;
static inline bool budget_refused(budget_verdict v)
{
    return v == BUDGET_REFUSED || v == BUDGET_NO_LINE_REFUSED;
}
static inline bool budget_overridden(budget_verdict v)
{
    return v == BUDGET_OVER_OVERRIDDEN || v == BUDGET_NO_LINE_OVERRIDDEN;
}
/* False if paid_after does not fit in 64-bit yen (nothing decided). */
bool budget_decide(bool has_line, int64_t line_amount, int64_t paid_before, int64_t this_month,
                   bool override, budget_decision *out);
/* The same for a correction (修正) that replaces a run which paid `replaced`
 * (not in paid_before): one that pays no more than it replaces does not take
 * the year further over its line and is never refused, whatever the year's
 * total (budget_decide is this with replaced 0). */
bool budget_decide_replacing(bool has_line, int64_t line_amount, int64_t paid_before,
                             int64_t this_month, int64_t replaced, bool override,
                             budget_decision *out);

#endif
