/* decide: a fiscal year's grant decision (交付決定) computed month by month
 * from the applications — each month's planned lines through engine_compute
 * under the rules in force that month, the amounts gathered per nursery ×
 * program × month, the rejected planned lines kept with their month — and
 * the 変更交付決定 of one nursery as the difference between two computations.
 * Not here: reading or checking the application files (intake/applications.c),
 * any amount or condition of a program (rules/), the budget (budget/), the
 * ledger or an output. */
#include "kasan/decide.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* What the months leave behind: per registry position × program (ids of the
 * rule set) × month, the amount, and per program × month the version. */
typedef struct gather {
    const char *ids[RULES_MAX_PROGRAMS];
    size_t np;
    int64_t *cell;                       /* [(pos * np + p) * 12 + month] */
    const program *version[RULES_MAX_PROGRAMS][DECIDE_MONTHS];
    decide_rejection *rej;
    size_t n_rej, cap_rej;
} gather;

static size_t program_index(const gather *g, const char *id)
{
    for (size_t p = 0; p < g->np; p++)
        if (!strcmp(g->ids[p], id))
            return p;
    abort(); /* every program in force is one of the rule set's ids */
}

static void keep_rejection(decision *dec, gather *g, claim_month m, const rejection *r)
{
    if (g->n_rej == g->cap_rej) {
        size_t cap = g->cap_rej ? g->cap_rej * 2 : 64;
        decide_rejection *v = arena_calloc(&dec->a, cap, sizeof *v);
        if (g->n_rej)
            memcpy(v, g->rej, g->n_rej * sizeof *v);
        g->rej = v;
        g->cap_rej = cap;
    }
    decide_rejection *k = &g->rej[g->n_rej++];
    k->month = m;
    k->r = *r;
    k->r.file = arena_strdup(&dec->a, r->file);
    k->r.nursery_id = r->nursery_id ? arena_strdup(&dec->a, r->nursery_id) : NULL;
    k->r.ref = r->ref ? arena_strdup(&dec->a, r->ref) : NULL;
    k->r.code = arena_strdup(&dec->a, r->code);
    k->r.reason = arena_strdup(&dec->a, r->reason);
}

/* Fiscal month idx of the plan computed like a month's claims. */
static int compute_month(decision *dec, gather *g, int idx, diag_list *d)
{
    claim_month m = month_of_fiscal(dec->fiscal_year, idx);
    arena views = ARENA_INIT;
    input_file in[INPUT_COUNT];
    applications_month(&dec->app, idx, &views, in);
    month_run run;
    int rc = engine_compute(dec->rules, m, in, &run, d);
    if (rc == 0) {
        /* run.reg is the same registry bytes parsed again: same positions */
        assert(run.reg.n == dec->app.reg.n);
        for (size_t p = 0; p < run.n_programs; p++) {
            size_t gp = program_index(g, run.programs[p]->id);
            g->version[gp][idx] = run.programs[p];
            for (size_t k = 0; k < run.n_nurseries; k++) {
                size_t pos = (size_t)(run.nurseries[k].nursery - run.reg.v);
                g->cell[(pos * g->np + gp) * DECIDE_MONTHS + (size_t)idx] =
                    run.nurseries[k].amount[p];
            }
        }
        for (size_t i = 0; i < run.n_rejections; i++)
            keep_rejection(dec, g, m, &run.rejections[i]);
    }
    engine_free(&run);
    arena_release(&views);
    return rc;
}

typedef struct id_pos {
    const char *id;
    size_t pos;
} id_pos;

static int cmp_id_pos(const void *a, const void *b)
{
    return strcmp(((const id_pos *)a)->id, ((const id_pos *)b)->id);
}

static int cmp_rejection(const void *a, const void *b)
{
    const decide_rejection *x = a, *y = b;
    int c = strcmp(x->r.nursery_id ? x->r.nursery_id : "", y->r.nursery_id ? y->r.nursery_id : "");
    if (!c)
        c = month_cmp(x->month, y->month);
    if (!c)
        c = (x->r.kind == SCOPE_STAFF) - (y->r.kind == SCOPE_STAFF);
    if (!c)
        c = (x->r.line > y->r.line) - (x->r.line < y->r.line);
    return c;
}

/* The nurseries with a planned line, by id, each with its lines. */
static void place_nurseries(decision *dec)
{
    const applications *app = &dec->app;
    size_t nreg = app->reg.n;
    size_t *nc = arena_calloc(&dec->a, nreg + 1, sizeof *nc);
    size_t *ns = arena_calloc(&dec->a, nreg + 1, sizeof *ns);
    for (size_t i = 0; i < app->cl.n_children; i++)
        nc[app->cl.children[i].nursery]++;
    for (size_t i = 0; i < app->cl.n_staff; i++)
        ns[app->cl.staff[i].nursery]++;
    id_pos *order = arena_calloc(&dec->a, nreg + 1, sizeof *order);
    size_t n = 0;
    for (size_t pos = 0; pos < nreg; pos++)
        if (nc[pos] || ns[pos])
            order[n++] = (id_pos){app->reg.v[pos].id, pos};
    qsort(order, n, sizeof *order, cmp_id_pos);
    dec->nurseries = arena_calloc(&dec->a, n + 1, sizeof *dec->nurseries);
    dec->n_nurseries = n;
    size_t *at = arena_calloc(&dec->a, nreg + 1, sizeof *at); /* position → entry */
    for (size_t k = 0; k < n; k++) {
        decide_nursery *dn = &dec->nurseries[k];
        size_t pos = order[k].pos;
        dn->nursery = &app->reg.v[pos];
        dn->children = arena_calloc(&dec->a, nc[pos] + 1, sizeof *dn->children);
        dn->staff = arena_calloc(&dec->a, ns[pos] + 1, sizeof *dn->staff);
        at[pos] = k;
    }
    for (size_t i = 0; i < app->cl.n_children; i++) {
        decide_nursery *dn = &dec->nurseries[at[app->cl.children[i].nursery]];
        dn->children[dn->n_children++] = i;
    }
    for (size_t i = 0; i < app->cl.n_staff; i++) {
        decide_nursery *dn = &dec->nurseries[at[app->cl.staff[i].nursery]];
        dn->staff[dn->n_staff++] = i;
    }
}

/* Rows, totals and each nursery's ranges from the gathered cells.  -1 when
 * a sum does not fit in 64-bit yen. */
static int make_rows(decision *dec, gather *g, diag_list *d)
{
    size_t cap = dec->n_nurseries * g->np + 1;
    dec->rows = arena_calloc(&dec->a, cap, sizeof *dec->rows);
    bool used[RULES_MAX_PROGRAMS] = {false};
    for (size_t k = 0; k < dec->n_nurseries; k++) {
        decide_nursery *dn = &dec->nurseries[k];
        size_t pos = (size_t)(dn->nursery - dec->app.reg.v);
        dn->row0 = dec->n_rows;
        for (size_t p = 0; p < g->np; p++) { /* ids come sorted from the rule set */
            const int64_t *cell = &g->cell[(pos * g->np + p) * DECIDE_MONTHS];
            decide_row r = {.nursery_id = dn->nursery->id, .program_id = g->ids[p]};
            bool over = false;
            for (int i = 0; i < DECIDE_MONTHS; i++) {
                r.month[i] = cell[i];
                r.rule[i] = cell[i] ? g->version[p][i] : NULL;
                over |= __builtin_add_overflow(r.annual, cell[i], &r.annual);
                over |= __builtin_add_overflow(dec->month_total[i], cell[i], &dec->month_total[i]);
            }
            over |= __builtin_add_overflow(dn->total, r.annual, &dn->total);
            over |= __builtin_add_overflow(dec->total, r.annual, &dec->total);
            if (over) {
                diag_error(d, dec->app.files[INPUT_CHILDREN].name, 0, 0,
                           "the decided amounts of %s do not fit in 64-bit yen", dn->nursery->id);
                return -1;
            }
            if (r.annual > 0) {
                dec->rows[dec->n_rows++] = r;
                used[p] = true;
            }
        }
        dn->n_rows = dec->n_rows - dn->row0;
    }
    for (size_t p = 0; p < g->np; p++) {
        if (!used[p])
            continue;
        size_t q = dec->n_programs++;
        dec->program_ids[q] = g->ids[p];
        for (size_t i = 0; i < dec->n_rows; i++)
            if (dec->rows[i].program_id == g->ids[p] &&
                __builtin_add_overflow(dec->program_total[q], dec->rows[i].annual,
                                       &dec->program_total[q]))
                return -1; /* cannot happen: the grand total fitted */
    }
    return 0;
}

static void place_rejections(decision *dec, gather *g)
{
    if (g->n_rej) /* none: g->rej is NULL, which qsort may not be given */
        qsort(g->rej, g->n_rej, sizeof *g->rej, cmp_rejection);
    dec->rejections = g->rej;
    dec->n_rejections = g->n_rej;
    for (size_t k = 0, i = 0; k < dec->n_nurseries; k++) {
        decide_nursery *dn = &dec->nurseries[k];
        /* rejections of nurseries without an entry (none: every planned
         * line's nursery has one) would sort between them */
        while (i < g->n_rej && strcmp(g->rej[i].r.nursery_id, dn->nursery->id) < 0)
            i++;
        dn->rej0 = i;
        while (i < g->n_rej && !strcmp(g->rej[i].r.nursery_id, dn->nursery->id))
            i++;
        dn->n_rej = i - dn->rej0;
    }
}

int decide_compute(const rule_set *rs, int fy, const input_file in[INPUT_COUNT], decision *out,
                   diag_list *d)
{
    memset(out, 0, sizeof *out);
    out->fiscal_year = fy;
    out->rules = rs;
    if (applications_parse(in, rs, fy, &out->a, &out->app, d) != 0)
        return -1;
    gather g;
    memset(&g, 0, sizeof g);
    g.np = rules_program_ids(rs, g.ids, RULES_MAX_PROGRAMS);
    size_t cells;
    if (__builtin_mul_overflow(out->app.reg.n + 1, g.np * DECIDE_MONTHS, &cells))
        abort();
    g.cell = arena_calloc(&out->a, cells, sizeof *g.cell);
    for (int i = 0; i < DECIDE_MONTHS; i++)
        if ((out->app.months & (1u << i)) && compute_month(out, &g, i, d) != 0)
            return -1;
    place_nurseries(out);
    if (make_rows(out, &g, d) != 0)
        return -1;
    place_rejections(out, &g);
    return 0;
}

void decide_free(decision *dec)
{
    arena_release(&dec->a);
    memset(dec, 0, sizeof *dec);
}

const decide_nursery *decide_nursery_find(const decision *dec, const char *nursery_id)
{
    size_t lo = 0, hi = dec->n_nurseries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(dec->nurseries[mid].nursery->id, nursery_id);
        if (!c)
            return &dec->nurseries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The change for program id, made on first sight (kept sorted by id). */
static decide_change *change_for(decide_amendment *am, const char *id)
{
    size_t i = 0;
    for (; i < am->n_changes; i++) {
        int c = strcmp(am->changes[i].program_id, id);
        if (!c)
            return &am->changes[i];
        if (c > 0)
            break;
    }
    if (am->n_changes == RULES_MAX_PROGRAMS)
        return NULL;
    memmove(&am->changes[i + 1], &am->changes[i], (am->n_changes - i) * sizeof *am->changes);
    am->n_changes++;
    memset(&am->changes[i], 0, sizeof am->changes[i]);
    am->changes[i].program_id = id;
    return &am->changes[i];
}

int decide_amend(const decide_row *current, size_t n_current, const decision *amended,
                 const char *nursery_id, decide_amendment *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    out->nursery_id = nursery_id;
    bool seen = false, over = false;
    for (int side = 0; side < 2; side++) {
        const decide_row *rows = side ? amended->rows : current;
        size_t n = side ? amended->n_rows : n_current;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(rows[i].nursery_id, nursery_id) != 0)
                continue;
            seen = true;
            decide_change *c = change_for(out, rows[i].program_id);
            if (!c) {
                diag_error(d, nursery_id, 0, 0, "more than %d programs", RULES_MAX_PROGRAMS);
                return -1;
            }
            memcpy(side ? c->amended : c->current, rows[i].month, sizeof rows[i].month);
            over |= __builtin_add_overflow(side ? c->amended_annual : c->current_annual,
                                           rows[i].annual,
                                           side ? &c->amended_annual : &c->current_annual);
        }
    }
    if (!seen && !decide_nursery_find(amended, nursery_id)) {
        diag_error(d, nursery_id, 0, 0, "nursery %s has neither a decision nor an application "
                                        "in FY%d", nursery_id, amended->fiscal_year);
        return -1;
    }
    for (size_t i = 0; i < out->n_changes; i++) {
        decide_change *c = &out->changes[i];
        over |= __builtin_sub_overflow(c->amended_annual, c->current_annual, &c->difference);
        over |= __builtin_add_overflow(out->current_total, c->current_annual, &out->current_total);
        over |= __builtin_add_overflow(out->amended_total, c->amended_annual, &out->amended_total);
    }
    over |= __builtin_sub_overflow(out->amended_total, out->current_total, &out->difference);
    if (over) {
        diag_error(d, nursery_id, 0, 0, "the amounts of the amendment do not fit in 64-bit yen");
        return -1;
    }
    return 0;
}
