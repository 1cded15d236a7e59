/* budget_close: a fiscal year's accounts around its closing (出納閉鎖,
 * docs/spec/12 §12.6) as `kasan budget` shows them — the 追加交付 its
 * settlements charged to later years' lines and the earlier years' charged
 * to it (過年度支出, recorded by the settlement events), and how the 返還
 * of its settlement chain count: 戻入 when decided by the closing, 雑入 of
 * the year of the due date after (the receivables of src/flow/refund.c).
 * Not here: the date arithmetic (src/budget/closing.c), the five figures
 * (flow_budget_ward), printing (src/cli/budget.c). */
#include "flow_int.h"

#include <string.h>

#include "kasan/budget_ward.h"
#include "kasan/clock.h"
#include "kasan/flow_refund.h"
#include "kasan/ledger_settle.h"

/* How many earlier years' 返還 may fall due in a year as 雑入: a 返還 is
 * due within a year of being decided, decided within a year or two of its
 * year's end. */
enum { REVENUE_YEARS_BACK = 3 };

static bool add(int64_t *sum, int64_t v)
{
    return !__builtin_add_overflow(*sum, v, sum);
}

/* The receivables of year fy's chain, counted into c for year `as_of`. */
static int count_refunds(ledger *lg, int fy, int as_of, flow_budget_closing *c)
{
    flow_refund_res r;
    int rc = flow_refund_read(lg, fy, &r);
    if (rc == EXIT_USAGE) /* no settlement: no 返還 decided */
        rc = EXIT_OK;
    bool ok = true;
    for (size_t i = 0; rc == EXIT_OK && i < r.n; i++) {
        const flow_receivable *f = &r.rows[i];
        bool revenue = f->treatment.kind == BUDGET_REFUND_REVENUE;
        if (fy == as_of)
            ok &= add(revenue ? &c->revenue_out_yen : &c->returned_yen, f->amount_yen);
        else if (revenue && f->treatment.fiscal_year == as_of)
            ok &= add(&c->revenue_in_yen, f->amount_yen) &&
                  add(&c->revenue_in_received_yen, f->received_yen);
    }
    flow_refund_free(&r);
    return rc != EXIT_OK ? rc : ok ? EXIT_OK : EXIT_INTERNAL;
}

int flow_budget_closing_read(ledger *lg, const rule_set *rs, int fy, flow_budget_closing *c)
{
    memset(c, 0, sizeof *c);
    c->accounts_close = rules_accounts_close(rs, fy);
    char now[32];
    date_t today;
    clock_now_iso(now);
    c->closed = clock_to_jst(now, &today, NULL, NULL) && today > c->accounts_close;
    if (ledger_fy_charged_later(lg, fy, 0, &c->charged_out_yen) != LEDGER_OK ||
        ledger_fy_prior_year_charged(lg, fy, 0, &c->prior_year_in_yen) != LEDGER_OK)
        return EXIT_INTERNAL;
    int rc = EXIT_OK;
    for (int y = fy; rc == EXIT_OK && y >= fy - REVENUE_YEARS_BACK; y--)
        rc = count_refunds(lg, y, fy, c);
    return rc;
}
