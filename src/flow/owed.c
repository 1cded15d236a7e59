/* owed: what is owed on a month (or a settlement's 追加交付) — one
 * definition (issue 21 item 3) for the transfer plan, a correction's
 * statements and corrections.csv: per nursery × program, what is due now
 * against what was actually transferred.
 *
 * What was transferred (T) is rebuilt from the transfer events, oldest
 * first: each paid, per program, the positive part of its run's amount over
 * its base — T as it stood (events marked base_kind "transferred", from
 * this rule on), or the run it names as base_run_id (events before it) —
 * so T is exactly what the files paid.  A reissue re-sends a run's file
 * and pays nothing more.  A lowered program is 返還, never a negative
 * transfer, so T never falls (refunds received are not tracked for months).
 * Not here: the plan's sums and the file (transfer_plan.c, transfer.c), the
 * differences from run to run that the ledger records (engine/correct.c). */
#include "flow_int.h"

#include <stdlib.h>
#include <string.h>

#include "kasan/budget.h"
#include "kasan/ledger_transfer.h"
#include "kasan/rowmerge.h"

flow_transfer_line *flow_lines_of_run(const ledger_run *r, arena *a, size_t *n)
{
    flow_transfer_line *v = arena_calloc(a, r->n_payments + 1, sizeof *v);
    for (size_t i = 0; i < r->n_payments; i++)
        v[i] = (flow_transfer_line){r->payments[i].nursery_id, r->payments[i].program,
                                    r->payments[i].amount_yen};
    *n = r->n_payments;
    return v;
}

flow_transfer_line *flow_lines_of_settlement(const ledger_settlement *s, arena *a, size_t *n)
{
    flow_transfer_line *v = arena_calloc(a, s->n_rows + 1, sizeof *v);
    *n = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        int64_t yen; /* overflow refused when recorded (ledger_settle_finalize) */
        if (budget_settle_decided(s->rows[i].settled_before_yen, s->rows[i].difference_yen,
                                  &yen) &&
            yen > 0)
            v[(*n)++] = (flow_transfer_line){s->rows[i].nursery_id, s->rows[i].program, yen};
    }
    return v;
}

static flow_transfer_line *sorted(const flow_transfer_line *v, size_t n, arena *a)
{
    flow_transfer_line *c = arena_calloc(a, n + 1, sizeof *c);
    if (n)
        memcpy(c, v, n * sizeof *c);
    rowmerge_sort(ROWMERGE_LIST(c, n, flow_transfer_line, nursery_id, program));
    return c;
}

/* T + (due − base)⁺ per key, all three sorted; false on overflow or disorder. */
static bool add_rise(flow_owed *o, const flow_transfer_line *due, size_t n_due,
                     const flow_transfer_line *base, size_t n_base, arena *a)
{
    flow_transfer_line *rise = arena_calloc(a, n_due + 1, sizeof *rise);
    size_t n_rise = 0;
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(base, n_base, flow_transfer_line, nursery_id, program),
                   ROWMERGE_LIST(due, n_due, flow_transfer_line, nursery_id, program));
    const void *x, *y;
    while (rowmerge_next(&m, &x, &y)) {
        const flow_transfer_line *b = x, *d = y;
        int64_t diff;
        if (__builtin_sub_overflow(d ? d->yen : 0, b ? b->yen : 0, &diff))
            return false;
        if (d && diff > 0)
            rise[n_rise++] = (flow_transfer_line){d->nursery_id, d->program, diff};
    }
    if (m.disorder)
        return false;
    flow_transfer_line *t = arena_calloc(a, o->n_paid + n_rise + 1, sizeof *t);
    size_t n_t = 0;
    rowmerge_start(&m, ROWMERGE_LIST(o->paid, o->n_paid, flow_transfer_line, nursery_id, program),
                   ROWMERGE_LIST(rise, n_rise, flow_transfer_line, nursery_id, program));
    while (rowmerge_next(&m, &x, &y)) {
        const flow_transfer_line *p = x, *r = y, *k = p ? p : r;
        t[n_t] = (flow_transfer_line){k->nursery_id, k->program, 0};
        if (__builtin_add_overflow(p ? p->yen : 0, r ? r->yen : 0, &t[n_t].yen) ||
            __builtin_add_overflow(o->paid_total, r ? r->yen : 0, &o->paid_total))
            return false;
        n_t++;
    }
    o->paid = t;
    o->n_paid = n_t;
    return !m.disorder;
}

/* The lines of a month's run or a settlement, sorted; NULL after a note. */
static flow_transfer_line *lines_of(ledger *lg, const char *month, const ledger_run *runs,
                                    size_t n_runs, const char *id, arena *a, size_t *n,
                                    flow_notes *notes)
{
    if (month) {
        for (size_t i = 0; i < n_runs; i++)
            if (!strcmp(runs[i].run_id, id)) {
                flow_transfer_line *v = flow_lines_of_run(&runs[i], a, n);
                return sorted(v, *n, a);
            }
        flow_say(notes, FLOW_NOTE_SAY, "the ledger holds no run %s of %s", id, month);
        return NULL;
    }
    ledger_settlement s;
    if (ledger_settle_get(lg, id, a, &s) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return NULL;
    }
    flow_transfer_line *v = flow_lines_of_settlement(&s, a, n);
    return sorted(v, *n, a);
}

static bool counted(const flow_owed *o, const char *run_id)
{
    for (size_t i = 0; i < o->n_runs; i++)
        if (!strcmp(o->runs[i], run_id))
            return true;
    return false;
}

static bool of_subject(const ledger_transfer *t, const char *month, int fy)
{
    return month ? t->month && !strcmp(t->month, month) : !t->month && t->settlement_fy == fy;
}

int flow_owed_transferred(ledger *lg, const char *month, int fy, const char *except_run,
                          int64_t before_seq, arena *a, flow_owed *o, flow_notes *notes)
{
    memset(o, 0, sizeof *o);
    ledger_transfer *t;
    size_t n;
    ledger_run *runs = NULL;
    size_t n_runs = 0;
    if (ledger_transfers(lg, a, &t, &n) != LEDGER_OK ||
        (month && ledger_runs(lg, month, a, &runs, &n_runs) != LEDGER_OK)) {
        flow_say(notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    o->runs = arena_calloc(a, n + 1, sizeof *o->runs);
    o->events = arena_calloc(a, n + 1, sizeof *o->events);
    for (size_t i = 0; i < n; i++) {
        if (!of_subject(&t[i], month, fy) || (before_seq && t[i].event_seq >= before_seq) ||
            (except_run && !strcmp(t[i].run_id, except_run)))
            continue;
        o->events[o->n_events++] = t[i].event_seq;
        o->last_run_id = t[i].run_id;
        if (counted(o, t[i].run_id)) /* a reissue: the same payment sent again */
            continue;
        o->runs[o->n_runs++] = t[i].run_id;
        size_t n_due, n_base = 0;
        const flow_transfer_line *due = lines_of(lg, month, runs, n_runs, t[i].run_id, a, &n_due,
                                                 notes), *base = o->paid;
        n_base = o->n_paid;
        bool since = t[i].base_kind && !strcmp(t[i].base_kind, FLOW_BASE_TRANSFERRED);
        if (!since) { /* before this rule: the file topped up the run it names */
            n_base = 0;
            base = t[i].base_run_id ? lines_of(lg, month, runs, n_runs, t[i].base_run_id, a,
                                               &n_base, notes)
                                    : NULL;
            if (t[i].base_run_id && !base)
                return EXIT_INTERNAL;
        }
        if (!due)
            return EXIT_INTERNAL;
        if (!add_rise(o, due, n_due, base, n_base, a)) {
            flow_say(notes, FLOW_NOTE_SAY, "transfer event %lld: what was transferred does not "
                     "fit in 64-bit yen, or its lines are out of order",
                     (long long)t[i].event_seq);
            return EXIT_INTERNAL;
        }
    }
    o->transferred = o->n_events > 0;
    return EXIT_OK;
}

/* The transferred lines as ledger payment rows (for engine_corrections). */
static ledger_payment *as_payments(const flow_owed *o, arena *a)
{
    ledger_payment *p = arena_calloc(a, o->n_paid + 1, sizeof *p);
    for (size_t i = 0; i < o->n_paid; i++)
        p[i] = (ledger_payment){o->paid[i].nursery_id, o->paid[i].program, NULL, o->paid[i].yen};
    return p;
}

int flow_owed_of_run(ledger *lg, const month_run *run, int64_t before_seq, arena *a,
                     run_correction *c, flow_notes *notes)
{
    char mon[8];
    month_format(run->month, mon);
    flow_owed o;
    int rc = flow_owed_transferred(lg, mon, 0, NULL, before_seq, a, &o, notes);
    if (rc)
        return rc;
    c->transferred = o.transferred;
    c->transfer_events = o.events;
    c->n_transfer_events = o.n_events;
    if (!o.transferred)
        return EXIT_OK;
    ledger_correction *rows;
    size_t n;
    if (engine_corrections(run, as_payments(&o, a), o.n_paid, a, &rows, &n) != 0) {
        flow_say(notes, FLOW_NOTE_SAY, "what was transferred for %s cannot be set against the "
                 "run", mon);
        return EXIT_INTERNAL;
    }
    c->owed = rows;
    c->n_owed = n;
    return EXIT_OK;
}
