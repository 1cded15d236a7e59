/* budget_ward: the budget line as the ward's financial accounting system
 * (財務会計システム) keeps it (SPEC 10.3) — the arithmetic only, checked in
 * whole yen, on figures the caller places:
 *
 *   予算現額 current    = 当初予算 initial + 補正 + 流用 (in +, out −) + 予備費充用
 *   負担行為額 committed = the fiscal year's grant decisions (交付決定額)
 *   支出済額 spent      = paid − 戻入 (返還 that reduce the year's expenditure)
 *   未払 unpaid         = committed − spent
 *   執行残 unexecuted   = current − committed
 *
 * with the refusals that guard them (a decision committing more than the
 * 予算現額, an amendment that makes the 予算現額 negative or lower than what
 * is committed, a decision amended below what the nursery was already paid),
 * the closing of the accounts (出納閉鎖, 31 May of FY+1): which fiscal year a
 * 追加交付 paid on a date is charged to (過年度支出 after the closing) and
 * how a 返還 counts (戻入 of the year when decided by the closing, else 雑入
 * revenue of the year its due date falls in), and a 返還 receivable (調定)
 * with its partial receipts (収納).
 *
 * Not here: the monthly execution table and the refusal of a month over the
 * line (kasan/budget.h, which this file's figures feed: a view's line_amount
 * is the 予算現額), reading the ledger or the rule files (cli, ledger,
 * rules), printing (cli, report).  Nothing is allocated; every function is
 * pure.  A function returning bool returns false when a figure does not fit
 * in 64-bit yen, and then writes nothing the caller may use. */
#ifndef KASAN_BUDGET_WARD_H
#define KASAN_BUDGET_WARD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/budget.h"
#include "kasan/date.h"

/* ---- the line as amended -------------------------------------------------- */

typedef enum budget_amend_kind {
    BUDGET_HOSEI, /* 補正予算: by the assembly; + or − (減額補正) */
    BUDGET_RYUYO, /* 流用: between lines of the same 項 by the mayor; + in, − out */
    BUDGET_JUTO,  /* 予備費充用: from the reserve, never negative (地方自治法 §217) */
    BUDGET_AMEND_KINDS
} budget_amend_kind;

/* "補正", "流用", "予備費充用". */
const char *budget_amend_kind_name(budget_amend_kind k);
/* 補正 / 流用 / 充用 (or 予備費充用), or hosei / ryuyo / juto; false otherwise. */
bool budget_amend_kind_parse(const char *s, budget_amend_kind *out);

typedef struct budget_amendment {
    budget_amend_kind kind;
    int64_t amount; /* whole yen, ± (never 0) */
    date_t date;    /* the day it took effect (議決 / 決定) */
} budget_amendment;

/* What the caller knows of a fiscal year's line. */
typedef struct budget_ward_in {
    int64_t initial;                     /* 当初予算: the budget rule file's amount */
    const budget_amendment *amendments;  /* in the order they were made; borrowed */
    size_t n_amendments;
    int64_t committed;                   /* 負担行為額: the year's current decisions */
    int64_t paid;                        /* payments charged to the year (months, and
                                          * 追加交付 per budget_additional_charge) */
    int64_t returned;                    /* 戻入 received into the year's expenditure */
} budget_ward_in;

/* The five figures the ward's system shows per line, and their parts.  The
 * parts always add up (asserted): current = initial + Σ by_kind; spent =
 * paid − returned; unpaid = committed − spent; unexecuted = current −
 * committed.  unpaid < 0 means more was paid than committed (a payment over
 * its decision on an override); unexecuted < 0 cannot follow from accepted
 * decisions and amendments, but is shown, not hidden, if the inputs say so. */
typedef struct budget_ward {
    int64_t initial;                     /* 当初予算 */
    int64_t by_kind[BUDGET_AMEND_KINDS]; /* 補正, 流用 (net), 予備費充用 */
    int64_t current;                     /* 予算現額 */
    int64_t committed;                   /* 負担行為額 (交付決定額) */
    int64_t paid, returned;              /* 支出 before 戻入, and 戻入 */
    int64_t spent;                       /* 支出済額 */
    int64_t unpaid;                      /* 未払 */
    int64_t unexecuted;                  /* 執行残 */
} budget_ward;

bool budget_ward_compute(const budget_ward_in *in, budget_ward *out);

/* The five figures as a month's run sees them (its 予算 sheet), on a
 * budget_view: the caller fills `in` but its paid, and `decided`;
 * budget_view_finish sets in.paid and computes w (ok false when a figure
 * does not fit). */
typedef struct budget_ward_sheet {
    budget_ward_in in;
    bool decided; /* a grant decision was in force */
    bool ok;
    budget_ward w;
} budget_ward_sheet;

/* Why an operation on the line is refused (BUDGET_OK: it is not). */
typedef enum budget_check {
    BUDGET_OK,
    BUDGET_LINE_NEGATIVE,    /* an amendment would make the 予算現額 negative */
    BUDGET_BELOW_COMMITTED,  /* … or lower than the 負担行為額 already committed */
    BUDGET_JUTO_NEGATIVE,    /* a 予備費充用 of a negative amount */
    BUDGET_ZERO_AMOUNT,      /* an amendment of 0 yen */
    BUDGET_OVER_CURRENT,     /* a decision would commit more than the 予算現額 */
    BUDGET_BELOW_PAID,       /* a decision amended below what was already paid */
    BUDGET_OVERFLOW,         /* a figure does not fit in 64-bit yen */
} budget_check;

/* A short English reason for messages ("would make the 予算現額 negative"). */
const char *budget_check_text(budget_check c);

/* An amendment of `amount` (± yen) of `kind` on the line as it stands (w):
 * *after gets the new 予算現額 whether or not it is refused (for the message).
 * Refused: 0 yen, a negative 予備費充用, a 予算現額 below 0, or below the
 * committed amount (money already promised to nurseries cannot be taken
 * away by moving the budget: amend the decisions first). */
budget_check budget_check_amendment(const budget_ward *w, budget_amend_kind kind, int64_t amount,
                                    int64_t *after);

/* A grant decision (交付決定, 変更交付決定) that commits `amount` in place of
 * `replaced` (0 for a first decision; the nursery's current decided amount
 * for an amendment) on the line as it stands (w, whose committed includes
 * `replaced`).  *shortfall gets by how much the 予算現額 would be exceeded
 * (0 when it is not).  A decision that lowers what is committed is never
 * refused for the budget, whatever the line. */
budget_check budget_check_commitment(const budget_ward *w, int64_t replaced, int64_t amount,
                                     int64_t *shortfall);

/* A 変更交付決定 of one nursery to `amended`, which has already been paid
 * `paid` under the decision: refused (BUDGET_BELOW_PAID) when amended <
 * paid, with *short = paid − amended (what would have to be paid back). */
budget_check budget_check_decision_floor(int64_t paid, int64_t amended, int64_t *short_by);

/* A month of a budget view over the line: its cumulative payments (April up
 * to that month) above the view's line_amount (set it to the 予算現額).
 * Never the forecast: a past month is not flagged by what is expected later
 * (the forecast is shown, and judged, on its own line). */
bool budget_month_over_line(const budget_view *bv, int idx, bool *over);

/* ---- 出納閉鎖 and 過年度 (SPEC 10.3) --------------------------------------- */

/* `closing` below is the last day of FY fy's 出納整理期間 (出納閉鎖): the
 * budget rule file's accounts_close, 31 May of fy + 1 by default. */
/* The fiscal year a date falls in (1 April … 31 March). */
int budget_fiscal_year_of(date_t d);

/* Which fiscal year's line a 追加交付 of FY fy's settlement, paid on `paid`,
 * is charged to: fy up to `closing` (the 出納整理期間 pays the
 * year's own obligations), else the fiscal year of `paid` (過年度支出,
 * 地方自治法施行令 §165の8: charged to the budget of the year it is paid
 * in).  False (nothing written) when `paid` is before 1 April of fy: a
 * year's settlement cannot be paid before the year began. */
typedef struct budget_charge {
    int fiscal_year; /* the line that pays it */
    bool prior_year; /* 過年度支出: paid after fy's closing */
} budget_charge;
bool budget_additional_charge(int fy, date_t closing, date_t paid, budget_charge *out);

/* How a 返還 of FY fy decided on `decided` and due on `due` counts:
 * decided on or before `closing` it is 戻入 (a reduction of fy's
 * expenditure); after, it is 雑入, revenue of the fiscal year `due` falls in
 * (never a reduction of the closed year's expenditure).  False when
 * `decided` is before 1 April of fy or `due` before `decided`. */
typedef enum budget_refund_kind {
    BUDGET_REFUND_RETURN,  /* 戻入: reduces fy's 支出済額 */
    BUDGET_REFUND_REVENUE, /* 雑入: revenue (歳入) of a later year */
} budget_refund_kind;
typedef struct budget_refund {
    budget_refund_kind kind;
    int fiscal_year; /* the year whose expenditure it reduces, or whose revenue it is */
} budget_refund;
bool budget_refund_treatment(int fy, date_t closing, date_t decided, date_t due,
                             budget_refund *out);

/* ---- 返還 receivables (調定 and 収納) -------------------------------------- */

/* One 返還 receivable: the amount decided (調定額) on `decided`, due on
 * `due`, and what has been received so far (収納済額).  Invariant (asserted):
 * 0 <= received <= amount. */
typedef struct budget_receivable {
    int64_t amount;
    date_t decided, due;
    int64_t received;
} budget_receivable;

typedef enum budget_receipt {
    BUDGET_RECEIPT_OK,
    BUDGET_RECEIPT_NOT_POSITIVE, /* a receipt of 0 yen or less */
    BUDGET_RECEIPT_OVERPAID,     /* more than what is still open (過納) */
    BUDGET_RECEIPT_EARLY,        /* dated before the receivable was decided */
} budget_receipt;

const char *budget_receipt_text(budget_receipt r);
/* Records a receipt of `amount` on `date` when acceptable (then r is
 * updated); otherwise r is unchanged and the reason is returned. */
budget_receipt budget_receipt_apply(budget_receivable *r, int64_t amount, date_t date);
/* 未収額: amount − received. */
int64_t budget_receivable_open(const budget_receivable *r);
/* Open and `today` after its due day (延滞). */
bool budget_receivable_overdue(const budget_receivable *r, date_t today);

#endif
