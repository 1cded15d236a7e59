/* settle: the year-end settlement (精算, SPEC 6.2) of one fiscal year — who is
 * settled, checking the actuals report against the year's payments, and
 * evaluating each settlement: section per nursery; and the warnings on
 * actuals that may count months the nursery was not active.  Not here:
 * reading the ledger or recomputing months (src/flow/settle.c does both),
 * printing, and any amount, formula or condition of a program (rule files
 * only). */
#include "kasan/settle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/budget.h"
#include "kasan/expr.h"
#include "kasan/rowmerge.h"

const program *settle_program_on(const rule_set *rs, const char *id, date_t day)
{
    for (size_t i = 0; i < rs->n_programs; i++) {
        const program *p = &rs->programs[i];
        if (!p->broken && p->id && !strcmp(p->id, id) && p->effective_from <= day &&
            (p->effective_to == DATE_OPEN || day <= p->effective_to))
            return p;
    }
    return NULL;
}

static int cmp_month_run(const void *a, const void *b)
{
    const month_run *x = *(const month_run *const *)a, *y = *(const month_run *const *)b;
    return month_cmp(x->month, y->month);
}

/* The row of nursery × program, made on first sight (rows stay sorted). */
static settle_row *row_for(settlement *s, size_t *cap, const nursery *n, const program *rule)
{
    size_t i = 0;
    for (; i < s->n_rows; i++) {
        int c = strcmp(s->rows[i].nursery_id, n->id);
        if (!c)
            c = strcmp(s->rows[i].rule->id, rule->id);
        if (!c)
            return &s->rows[i];
        if (c > 0)
            break;
    }
    if (s->n_rows == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        settle_row *v = arena_calloc(&s->a, nc, sizeof *v);
        if (s->n_rows)
            memcpy(v, s->rows, s->n_rows * sizeof *v);
        s->rows = v;
        *cap = nc;
    }
    memmove(&s->rows[i + 1], &s->rows[i], (s->n_rows - i) * sizeof *s->rows);
    s->n_rows++;
    settle_row *r = &s->rows[i];
    memset(r, 0, sizeof *r);
    r->nursery_id = arena_strdup(&s->a, n->id);
    r->nursery_name = arena_strdup(&s->a, n->name ? n->name : "");
    r->nursery_operator = arena_strdup(&s->a, n->operator_name ? n->operator_name : "");
    r->rule = rule;
    int slots = rule->n_slots[SCOPE_NURSERY];
    r->month_vals = arena_calloc(&s->a, (size_t)SETTLE_MONTHS * (size_t)slots + 1, sizeof(value));
    r->values = arena_calloc(&s->a, (size_t)rule->settlement->n_slots[SCOPE_NURSERY] + 1,
                             sizeof(value));
    return r;
}

bool settle_reads(const program *rule, const char *name)
{
    const program *s = rule->settlement;
    for (size_t i = 0; i < s->n_values; i++)
        for (size_t k = 0; k < s->values[i].n_fields; k++)
            if (!strcmp(s->values[i].fields[k], name))
                return true;
    return false;
}

/* Copies month m's nursery values of program p into the row, by the names
 * of the 31 March version (a month paid under an older version may lack a
 * value only if no settlement formula reads it). */
static int add_month(settle_row *r, const month_run *run, size_t p, const nursery_month *nm,
                     diag_list *d)
{
    const program *mp = run->programs[p], *rule = r->rule;
    size_t k = r->n_months++;
    r->month[k] = run->month;
    r->month_version[k] = mp->version;
    r->month_paid[k] = nm->amount[p];
    value *row = r->month_vals + k * (size_t)rule->n_slots[SCOPE_NURSERY];
    for (size_t i = 0; i < rule->n_values; i++) {
        const rule_value *rv = &rule->values[i];
        if (rv->kind != RV_FORMULA || rv->scope != SCOPE_NURSERY)
            continue;
        const rule_value *mv = NULL;
        for (size_t j = 0; j < mp->n_values && !mv; j++)
            if (!strcmp(mp->values[j].name, rv->name) && mp->values[j].kind == RV_FORMULA &&
                mp->values[j].scope == SCOPE_NURSERY && mp->values[j].type == rv->type)
                mv = &mp->values[j];
        if (mv) {
            row[rv->slot] = engine_nursery_value(run, p, nm, mv);
        } else if (settle_reads(rule, rv->name)) {
            char mon[8];
            month_format(run->month, mon);
            diag_error(d, rule->file->path, rv->line, rv->col,
                       "the settlement reads '%s' of each month, but %s was paid under %s %s, "
                       "which has no %s value '%s'", rv->name, mon, mp->id, mp->version,
                       vtype_name(rv->type), rv->name);
            return -1;
        }
    }
    return __builtin_add_overflow(r->paid, nm->amount[p], &r->paid) ? -1 : 0;
}

/* Gathers every nursery × settled program of the months; keeps those paid. */
static int gather(settlement *s, const rule_set *rs, const month_run **runs, size_t n,
                  diag_list *d)
{
    date_t last = date_from_ymd(s->fiscal_year + 1, 3, 31);
    size_t cap = 0;
    for (size_t m = 0; m < n; m++) {
        const month_run *run = runs[m];
        for (size_t p = 0; p < run->n_programs; p++) {
            const program *rule = settle_program_on(rs, run->programs[p]->id, last);
            if (!rule || !rule->settlement)
                continue;
            for (size_t i = 0; i < run->n_nurseries; i++) {
                const nursery_month *nm = &run->nurseries[i];
                settle_row *r = row_for(s, &cap, nm->nursery, rule);
                r->active_from = nm->nursery->active_from; /* the latest month's registry */
                r->active_to = nm->nursery->active_to;
                if (add_month(r, run, p, nm, d))
                    return -1;
            }
        }
    }
    size_t k = 0; /* a nursery never paid under the program is not settled */
    for (size_t i = 0; i < s->n_rows; i++)
        if (s->rows[i].paid > 0)
            s->rows[k++] = s->rows[i];
    s->n_rows = k;
    return 0;
}

/* Every settled row needs its actuals line, and every line a settled row. */
static int match_actuals(settlement *s, const actuals *ac, diag_list *d)
{
    int errors = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        settle_row *r = &s->rows[i];
        r->actual = actuals_find(ac, r->nursery_id, r->rule->id);
        if (!r->actual) {
            diag_error(d, ac->file, 0, 0, "no line for nursery %s, program %s, which was paid "
                       "%lld yen under it in FY%d (a settled program needs its actuals report)",
                       r->nursery_id, r->rule->id, (long long)r->paid, s->fiscal_year);
            errors++;
        }
    }
    for (size_t j = 0; j < ac->n; j++) {
        const actuals_line *l = &ac->v[j];
        bool found = false;
        for (size_t i = 0; i < s->n_rows && !found; i++)
            found = !strcmp(s->rows[i].nursery_id, l->nursery_id) &&
                    !strcmp(s->rows[i].rule->id, l->program);
        if (!found) {
            diag_error(d, ac->file, l->line, 1, "nursery %s was not paid under %s in FY%d "
                       "(a settled program): this line has nothing to settle", l->nursery_id,
                       l->program, s->fiscal_year);
            errors++;
        }
        claim_month first = month_of_fiscal(s->fiscal_year, 0);
        claim_month last = month_of_fiscal(s->fiscal_year, SETTLE_MONTHS - 1);
        if (l->has_period && (month_cmp(l->period_from, first) < 0 ||
                              month_cmp(l->period_to, last) > 0)) {
            char a[8], b[8], c[8], e[8];
            month_format(l->period_from, a), month_format(l->period_to, b);
            month_format(first, c), month_format(last, e);
            diag_error(d, ac->file, l->line, 0, "nursery %s: the period %s..%s is not within "
                       "FY%d (%s..%s)", l->nursery_id, a, b, s->fiscal_year, c, e);
            errors++;
        }
    }
    return errors ? -1 : 0;
}

/* Whether the row's nursery is active on a day of month m (SPEC 1.1). */
static bool active_in(const settle_row *r, claim_month m)
{
    return r->active_from <= month_last_day(m) &&
           (r->active_to == DATE_OPEN || r->active_to >= month_first_day(m));
}

/* The months of the year in which the row's nursery sent claim lines though
 * not active (the engine rejected them: nursery_inactive). */
static uint16_t claimed_inactive(const settle_row *r, const month_run *const *runs, size_t n)
{
    uint16_t months = 0;
    for (size_t m = 0; m < n; m++)
        for (size_t i = 0; i < runs[m]->n_rejections; i++) {
            const rejection *j = &runs[m]->rejections[i];
            if (!strcmp(j->code, "nursery_inactive") && !strcmp(j->nursery_id, r->nursery_id))
                months |= (uint16_t)(1u << month_fiscal_index(runs[m]->month));
        }
    return months;
}

/* A row's actuals may count months the nursery was not active: the months
 * of its period when the line gives one (checked against the registry's
 * active period), else the months it claimed for while inactive. */
static void find_warnings(settlement *s, const month_run *const *runs, size_t n)
{
    s->warnings = arena_calloc(&s->a, s->n_rows + 1, sizeof *s->warnings);
    for (size_t i = 0; i < s->n_rows; i++) {
        const settle_row *r = &s->rows[i];
        settle_warning w = {.row = i};
        if (r->actual->has_period) {
            w.kind = SETTLE_WARN_PERIOD_INACTIVE;
            for (int k = 0; k < SETTLE_MONTHS; k++) {
                claim_month m = month_of_fiscal(s->fiscal_year, k);
                if (month_cmp(m, r->actual->period_from) >= 0 &&
                    month_cmp(m, r->actual->period_to) <= 0 && !active_in(r, m))
                    w.months |= (uint16_t)(1u << k);
            }
        } else {
            w.kind = SETTLE_WARN_CLAIMED_INACTIVE;
            w.months = claimed_inactive(r, runs, n);
        }
        if (w.months)
            s->warnings[s->n_warnings++] = w;
    }
}

void settle_warning_text(const settlement *s, const settle_warning *w, char *buf, size_t size)
{
    const settle_row *r = &s->rows[w->row];
    char months[12 * 9] = "", from[11], to[11] = "";
    size_t k = 0;
    for (int i = 0; i < SETTLE_MONTHS; i++)
        if (w->months & (1u << i)) {
            char mon[8];
            month_format(month_of_fiscal(s->fiscal_year, i), mon);
            k += (size_t)snprintf(months + k, sizeof months - k, "%s%s", k ? ", " : "", mon);
        }
    date_format_iso(r->active_from, from);
    if (r->active_to != DATE_OPEN)
        date_format_iso(r->active_to, to);
    if (w->kind == SETTLE_WARN_PERIOD_INACTIVE)
        snprintf(buf, size, "%s %s: the actuals report's period covers %s, when the nursery was "
                 "not active (%s..%s): no month paid those costs; check that salary_cost and "
                 "other_income leave them out", r->nursery_id, r->rule->id, months, from, to);
    else {
        char salary[32], other[32];
        num_format_grouped(num_int(r->actual->salary_cost), salary, sizeof salary);
        num_format_grouped(num_int(r->actual->other_income), other, sizeof other);
        snprintf(buf, size, "%s %s: claims were sent for %s, when the nursery was not active "
                 "(%s..%s), and the actuals report gives no period: check that salary_cost "
                 "%s yen and other_income %s yen leave those months out, and give the "
                 "report's period_from and period_to", r->nursery_id, r->rule->id, months, from,
                 to, salary, other);
    }
}

/* The settlement: section for one row, formula by formula. */
static int evaluate(settlement *s, settle_row *r, diag_list *d)
{
    const program *sp = r->rule->settlement;
    eval_ctx c = {
        .nursery_slots = r->values,
        .month_vals = r->month_vals,
        .n_months = r->n_months,
        .month_stride = r->rule->n_slots[SCOPE_NURSERY],
        .reported_salary_cost = r->actual->salary_cost,
        .reported_other_income = r->actual->other_income,
    };
    for (size_t k = 0; k < sp->n_order; k++) {
        const rule_value *rv = &sp->values[sp->order[k]];
        r->values[rv->slot] = expr_eval(rv->code, &c);
        if (c.err_msg) {
            diag_error(d, sp->file->path, rv->line, rv->col,
                       "computing settlement value '%s' of %s %s for nursery %s: %s", rv->name,
                       sp->id, sp->version, r->nursery_id, c.err_msg);
            return -1;
        }
    }
    num annual = r->values[sp->result->slot].n;
    if (annual.n < 0) {
        diag_error(d, sp->file->path, sp->result->line, sp->result->col,
                   "the settlement of %s %s gives a negative amount for nursery %s", sp->id,
                   sp->version, r->nursery_id);
        return -1;
    }
    r->annual = annual.n;
    return 0;
}

/* One row's difference and its share of the totals; false on overflow. */
static bool add_row(settlement *s, settle_row *r)
{
    int64_t decided;
    return !(__builtin_add_overflow(r->monthly, r->settled_before, &r->paid) ||
             __builtin_sub_overflow(r->annual, r->paid, &r->difference) ||
             __builtin_add_overflow(s->annual_total, r->annual, &s->annual_total) ||
             __builtin_add_overflow(s->paid_total, r->paid, &s->paid_total) ||
             (r->difference > 0 &&
              __builtin_add_overflow(s->additional_total, r->difference, &s->additional_total)) ||
             (r->difference < 0 &&
              __builtin_sub_overflow(s->repayment_total, r->difference, &s->repayment_total)) ||
             !budget_settle_decided(r->settled_before, r->difference, &decided) ||
             (decided > 0 && __builtin_add_overflow(s->fy_additional, decided, &s->fy_additional)));
}

static int totals(settlement *s, diag_list *d)
{
    s->annual_total = s->paid_total = s->additional_total = s->repayment_total = 0;
    s->fy_additional = 0;
    for (size_t i = 0; i < s->n_rows; i++)
        if (!add_row(s, &s->rows[i])) {
            const program *sp = s->rows[i].rule->settlement;
            diag_error(d, sp->file->path, sp->result->line, sp->result->col,
                       "settlement totals of FY%d overflow at nursery %s", s->fiscal_year,
                       s->rows[i].nursery_id);
            return -1;
        }
    return 0;
}

/* A row's key for the walk: its program is its rule's id. */
typedef struct row_key {
    const char *nursery_id, *program;
    settle_row *row;
} row_key;

int settle_apply_prior(settlement *s, const settle_prior *prior, size_t n, diag_list *d)
{
    s->supersedes = true;
    row_key *keys = arena_calloc(&s->a, s->n_rows + 1, sizeof *keys);
    for (size_t i = 0; i < s->n_rows; i++)
        keys[i] = (row_key){s->rows[i].nursery_id, s->rows[i].rule->id, &s->rows[i]};
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(keys, s->n_rows, row_key, nursery_id, program),
                   ROWMERGE_LIST(prior, n, settle_prior, nursery_id, program));
    const void *x, *y;
    while (rowmerge_next(&m, &x, &y)) {
        if (!x || !y)
            continue; /* a row the prior settlement did not have, or one no longer settled */
        settle_row *r = ((const row_key *)x)->row;
        const settle_prior *p = y;
        r->corrected = true;
        r->prior_annual = p->annual;
        r->prior_difference = p->difference;
        if (!budget_settle_decided(p->settled_before, p->difference, &r->settled_before)) {
            diag_error(d, "ledger", 0, 0, "the superseded settlement's amounts overflow at "
                       "nursery %s", r->nursery_id);
            return -1;
        }
    }
    if (m.disorder) {
        diag_error(d, "ledger", 0, 0, "the superseded settlement's rows are not in nursery and "
                   "program order");
        return -1;
    }
    return totals(s, d);
}

int settle_cap(settlement *s, const settle_cap_row *caps, size_t n, diag_list *d)
{
    row_key *keys = arena_calloc(&s->a, s->n_rows + 1, sizeof *keys);
    for (size_t i = 0; i < s->n_rows; i++)
        keys[i] = (row_key){s->rows[i].nursery_id, s->rows[i].rule->id, &s->rows[i]};
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(keys, s->n_rows, row_key, nursery_id, program),
                   ROWMERGE_LIST(caps, n, settle_cap_row, nursery_id, program));
    const void *x, *y;
    while (rowmerge_next(&m, &x, &y)) {
        if (!x)
            continue; /* decided, not settled (nothing was paid) */
        settle_row *r = ((const row_key *)x)->row;
        int64_t cap = y ? ((const settle_cap_row *)y)->decided : 0;
        if (r->annual > cap) {
            r->capped = true;
            r->computed_annual = r->annual;
            r->annual = cap;
        }
    }
    if (m.disorder) {
        diag_error(d, "ledger", 0, 0, "the grant decision's rows are not in nursery and program "
                   "order");
        return -1;
    }
    return totals(s, d);
}

int settle_compute(const rule_set *rs, int fy, const month_run *const *months, size_t n_months,
                   const actuals *ac, settlement *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    out->fiscal_year = fy;
    out->actuals_file = ac->file;
    if (n_months > SETTLE_MONTHS)
        return -1;
    const month_run *runs[SETTLE_MONTHS];
    memcpy(runs, months, n_months * sizeof *runs);
    qsort(runs, n_months, sizeof *runs, cmp_month_run);
    for (int i = 0; i < SETTLE_MONTHS; i++) {
        claim_month m = month_of_fiscal(fy, i);
        bool have = false;
        for (size_t k = 0; k < n_months; k++)
            have |= month_cmp(runs[k]->month, m) == 0;
        if (!have)
            out->missing[out->n_missing++] = m;
    }
    if (gather(out, rs, runs, n_months, d) || match_actuals(out, ac, d))
        return -1;
    find_warnings(out, runs, n_months);
    for (size_t i = 0; i < out->n_rows; i++) {
        out->rows[i].monthly = out->rows[i].paid;
        if (evaluate(out, &out->rows[i], d))
            return -1;
    }
    return totals(out, d);
}

void settle_free(settlement *s) { arena_release(&s->a); }

value settle_row_value(const settle_row *row, const rule_value *rv)
{
    return row->values[rv->slot];
}

date_t settle_repayment_due(const settle_row *row, date_t issued)
{
    return issued + row->rule->repayment_due_days;
}
