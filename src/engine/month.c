/* month: one claim month from input bytes to payments — choose the rules in
 * force, parse, apply SPEC 1.5, group eligible lines by nursery and evaluate
 * every program's formulas per nursery in dependency order. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine_int.h"
#include "kasan/expr.h"

/* Programs in force for the month, sorted by id; a program whose versions
 * all start later or ended earlier simply does not apply. */
static int choose_rules(month_run *run, diag_list *d)
{
    char mon[8];
    month_format(run->month, mon);
    run->terms = rules_terms_in_force(run->rules, run->month);
    if (!run->terms) {
        diag_error(d, "rules", 0, 0, "no terms version is in force on %s-01", mon);
        return -1;
    }
    const char *ids[ENGINE_MAX_PROGRAMS];
    size_t n = rules_program_ids(run->rules, ids, ENGINE_MAX_PROGRAMS);
    for (size_t i = 0; i < n; i++) {
        const program *p = rules_program_in_force(run->rules, ids[i], run->month);
        if (p)
            run->programs[run->n_programs++] = p;
    }
    if (run->n_programs == 0) {
        diag_error(d, "rules", 0, 0, "no program is in force on %s-01", mon);
        return -1;
    }
    run->budget = rules_budget_for_fy(run->rules, month_fiscal_year(run->month));
    return 0;
}

static int parse_inputs(month_run *run, const input_file in[INPUT_COUNT],
                        const shared_registry *sr, diag_list *d)
{
    intake_vocab vocab = intake_vocab_of(run->rules, run->terms);
    intake_month im;
    int rc = intake_parse_month(in, sr, run->terms->eligible_kind, &vocab, &run->a, &im, d);
    memcpy(run->inputs, im.files, sizeof run->inputs); /* bytes borrowed: see engine.h */
    run->reg = im.reg;
    run->cl = im.cl;
    return rc;
}

typedef struct id_pos {
    const char *id;
    int32_t pos;
} id_pos;

static int cmp_id_pos(const void *a, const void *b)
{
    return strcmp(((const id_pos *)a)->id, ((const id_pos *)b)->id);
}

static bool ids_sorted(const id_pos *v, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (strcmp(v[i - 1].id, v[i].id) > 0)
            return false;
    return true;
}

/* Each eligible line's registry position (-1 for the others) and how many
 * lines each nursery has: the one pass over the line records (tens of
 * bytes apart) that grouping needs; the placement reads this compact copy. */
static size_t count_children(const claims *cl, const bool *ok, size_t *per_nursery, int32_t *pos)
{
    size_t kept = 0;
    for (size_t i = 0; i < cl->n_children; i++) {
        int32_t r = cl->children[i].nursery;
        pos[i] = ok[i] ? r : -1;
        if (ok[i]) {
            per_nursery[r]++;
            kept++;
        }
    }
    return kept;
}

static size_t count_staff(const claims *cl, const bool *ok, size_t *per_nursery, int32_t *pos)
{
    size_t kept = 0;
    for (size_t i = 0; i < cl->n_staff; i++) {
        int32_t r = cl->staff[i].nursery;
        pos[i] = ok[i] ? r : -1;
        if (ok[i]) {
            per_nursery[r]++;
            kept++;
        }
    }
    return kept;
}

/* The nurseries with an eligible child line, sorted by id, each with its
 * ranges and its rows of the compact amount and slot arrays. */
static void place_nurseries(month_run *run, size_t *nc, size_t *ns)
{
    size_t nreg = run->reg.n, np = run->n_programs, nn = 0;
    id_pos *order = malloc((nreg + 1) * sizeof *order);
    if (!order)
        abort();
    for (size_t i = 0; i < nreg; i++)
        if (nc[i])
            order[nn++] = (id_pos){NULL, (int32_t)i};
    /* registries usually list nurseries by id: known from the parse (and then
     * no record is read here), else checked */
    if (!run->reg.id_ordered) {
        for (size_t k = 0; k < nn; k++)
            order[k].id = run->reg.v[order[k].pos].id;
        if (!ids_sorted(order, nn))
            qsort(order, nn, sizeof *order, cmp_id_pos);
    }
    run->nurseries = arena_alloc_raw(&run->a, (nn + 1) * sizeof *run->nurseries);
    run->n_nurseries = nn;
    run->amounts = arena_calloc(&run->a, nn * np + 1, sizeof *run->amounts);
    run->nursery_values = arena_calloc(&run->a, nn * np + 1, sizeof *run->nursery_values);
    /* nc/ns become each nursery's next free position */
    size_t c0 = 0, s0 = 0;
    for (size_t k = 0; k < nn; k++) {
        int32_t r = order[k].pos;
        run->nurseries[k] = (nursery_month){
            .nursery = &run->reg.v[r],
            .child0 = c0, .n_children = nc[r],
            .staff0 = s0, .n_staff = ns[r],
            .amount = run->amounts + k * np,
            .values = run->nursery_values + k * np,
        };
        c0 += nc[r];
        s0 += ns[r];
        nc[r] = run->nurseries[k].child0;
        ns[r] = run->nurseries[k].staff0;
    }
    free(order);
}

/* Groups eligible lines by nursery (nurseries sorted by id), each
 * nursery's lines in file order: a counting sort on the registry position. */
static void group_lines(month_run *run, const eligibility *el)
{
    const claims *cl = &run->cl;
    size_t nreg = run->reg.n;
    size_t *nc = calloc(nreg + 1, sizeof *nc), *ns = calloc(nreg + 1, sizeof *ns);
    int32_t *cpos = malloc((cl->n_children + 1) * sizeof *cpos);
    int32_t *spos = malloc((cl->n_staff + 1) * sizeof *spos);
    if (!nc || !ns || !cpos || !spos)
        abort();
    run->n_children = count_children(cl, el->child_ok, nc, cpos);
    run->n_staff = count_staff(cl, el->staff_ok, ns, spos);
    place_nurseries(run, nc, ns);
    run->children = arena_alloc_raw(&run->a, (run->n_children + 1) * sizeof *run->children);
    run->child_days = arena_alloc_raw(&run->a, (run->n_children + 1) * sizeof *run->child_days);
    run->child_keys = arena_alloc_raw(&run->a, (run->n_children + 1) * sizeof *run->child_keys);
    run->staff = arena_alloc_raw(&run->a, (run->n_staff + 1) * sizeof *run->staff);
    for (size_t i = 0; i < cl->n_children; i++)
        if (cpos[i] >= 0) {
            size_t at = nc[cpos[i]]++;
            run->children[at] = &cl->children[i];
            run->child_days[at] = el->child_days_all[i];
            run->child_keys[at] = el->child_key_all[i];
        }
    for (size_t i = 0; i < cl->n_staff; i++)
        if (spos[i] >= 0)
            run->staff[ns[spos[i]]++] = &cl->staff[i];
    free(nc);
    free(ns);
    free(cpos);
    free(spos);
}

/* What evaluation reads for any nursery of the month: the month's values. */
static eval_ctx month_ctx(const month_run *run)
{
    return (eval_ctx){
        .days_in_month = month_days(run->month),
        .month_start = month_first_day(run->month),
        .month_end = month_last_day(run->month),
    };
}

/* Points c (a month_ctx) at what evaluation reads for program p and nursery
 * nm: set in place, since evaluation runs once per nursery and program. */
static void nursery_ctx(const month_run *run, size_t p, const nursery_month *nm, eval_ctx *c)
{
    const program *pg = run->programs[p];
    c->nursery_slots = nm->values[p];
    c->child_slots = run->child_values[p] + nm->child0 * (size_t)pg->n_slots[SCOPE_CHILD];
    c->staff_slots = run->staff_values[p] + nm->staff0 * (size_t)pg->n_slots[SCOPE_STAFF];
    c->child_stride = pg->n_slots[SCOPE_CHILD];
    c->staff_stride = pg->n_slots[SCOPE_STAFF];
    c->children = run->children + nm->child0;
    c->child_days = run->child_days + nm->child0;
    c->child_keys = run->child_keys + nm->child0;
    c->n_children = nm->n_children;
    c->staff = run->staff + nm->staff0;
    c->n_staff = nm->n_staff;
}

/* A program's formulas in dependency order, as evaluation walks them:
 * order[k0..k1), either one formula (k1 = k0 + 1) or formulas of one scope
 * joined to run together (expr_joined). */
enum { MAX_JOINED = 16 }; /* line formulas joined into one step at most */

typedef struct eval_step {
    size_t k0, k1;
    const expr_joined *joined;
} eval_step;

static const rule_value *ordered(const program *pg, size_t k) { return &pg->values[pg->order[k]]; }

/* The steps of program pg (at most n_order, in steps); returns how many. */
static size_t plan_steps(month_run *run, const program *pg, eval_step *steps)
{
    size_t n = 0;
    for (size_t k = 0; k < pg->n_order;) {
        rule_scope scope = ordered(pg, k)->scope;
        size_t end = k + 1;
        while (end < pg->n_order && ordered(pg, end)->scope == scope)
            end++;
        const expr_code *codes[MAX_JOINED];
        int slots[MAX_JOINED];
        size_t m = end - k < MAX_JOINED ? end - k : MAX_JOINED;
        for (size_t j = 0; j < m; j++) {
            codes[j] = ordered(pg, k + j)->code;
            slots[j] = ordered(pg, k + j)->slot;
        }
        const expr_joined *g = expr_join(&run->a, codes, slots, m);
        steps[n++] = (eval_step){k, g ? k + m : k + 1, g};
        k = g ? k + m : k + 1;
    }
    return n;
}

/* Evaluates formula order[k] of program p for the nursery in c. */
static void eval_one(const program *pg, size_t k, eval_ctx *c)
{
    const rule_value *rv = ordered(pg, k);
    if (rv->scope == SCOPE_NURSERY)
        c->nursery_slots[rv->slot] = expr_eval(rv->code, c);
    else
        expr_eval_lines(rv->code, c, rv->slot);
}

/* Evaluates program p for one nursery: each formula in dependency order,
 * a line formula once per line of its kind (joined ones together).  A
 * failure is reported as evaluating one formula after another meets it
 * first: a joined step that fails is run again formula by formula. */
static int eval_nursery(month_run *run, eval_ctx *c, size_t p, const eval_step *steps,
                        size_t n_steps, nursery_month *nm, diag_list *d)
{
    const program *pg = run->programs[p];
    nursery_ctx(run, p, nm, c);
    for (size_t s = 0; s < n_steps; s++) {
        if (steps[s].joined && expr_joined_run(steps[s].joined, c))
            continue;
        c->err = NUM_OK;
        c->err_msg = NULL;
        c->err_node = NULL;
        for (size_t k = steps[s].k0; k < steps[s].k1; k++) {
            eval_one(pg, k, c);
            if (c->err_msg) {
                const rule_value *rv = ordered(pg, k);
                diag_error(d, pg->file->path, rv->line, rv->col,
                           "computing '%s' of %s %s for nursery %s: %s", rv->name, pg->id,
                           pg->version, nm->nursery->id, c->err_msg);
                return -1;
            }
        }
    }
    num amount = c->nursery_slots[pg->result->slot].n;
    if (amount.n < 0) {
        diag_error(d, pg->file->path, pg->result->line, pg->result->col,
                   "%s %s gives a negative amount for nursery %s", pg->id, pg->version,
                   nm->nursery->id);
        return -1;
    }
    nm->amount[p] = amount.n;
    return 0;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static value *value_array(month_run *run, size_t lines, int slots)
{
    size_t n;
    if (__builtin_mul_overflow(lines, (size_t)slots, &n) || n + 1 > SIZE_MAX / sizeof(value))
        abort();
    return arena_alloc_raw(&run->a, (n + 1) * sizeof(value));
}

static int evaluate(month_run *run, diag_list *d)
{
    eval_ctx month = month_ctx(run);
    for (size_t p = 0; p < run->n_programs; p++) {
        const program *pg = run->programs[p];
        eval_step *steps = malloc((pg->n_order + 1) * sizeof *steps);
        if (!steps)
            abort();
        size_t n_steps = plan_steps(run, pg, steps);
        /* not zeroed: eval_nursery writes every slot of every line before
         * anything reads it (dependency order), and a failure stops the run */
        run->child_values[p] = value_array(run, run->n_children, pg->n_slots[SCOPE_CHILD]);
        run->staff_values[p] = value_array(run, run->n_staff, pg->n_slots[SCOPE_STAFF]);
        value *slots = value_array(run, run->n_nurseries, pg->n_slots[SCOPE_NURSERY]);
        for (size_t i = 0; i < run->n_nurseries; i++) {
            nursery_month *nm = &run->nurseries[i];
            nm->values[p] = slots + i * (size_t)pg->n_slots[SCOPE_NURSERY];
            if (eval_nursery(run, &month, p, steps, n_steps, nm, d) != 0) {
                free(steps);
                return -1;
            }
            if (__builtin_add_overflow(nm->total, nm->amount[p], &nm->total) ||
                __builtin_add_overflow(run->program_total[p], nm->amount[p], &run->program_total[p]) ||
                __builtin_add_overflow(run->total, nm->amount[p], &run->total)) {
                diag_error(d, pg->file->path, 0, 0, "total of %s overflows", pg->id);
                free(steps);
                return -1;
            }
        }
        free(steps);
    }
    return 0;
}

int engine_compute(const rule_set *rs, claim_month m, const input_file in[INPUT_COUNT],
                   month_run *run, diag_list *d)
{
    return engine_compute_shared(rs, m, in, NULL, run, d);
}

int engine_compute_shared(const rule_set *rs, claim_month m, const input_file in[INPUT_COUNT],
                          const shared_registry *sr, month_run *run, diag_list *d)
{
    memset(run, 0, sizeof *run);
    run->month = m;
    run->rules = rs;
    if (choose_rules(run, d) != 0 || parse_inputs(run, in, sr, d) != 0)
        return -1;
    /* not zeroed: engine_eligibility sets every line's ok flag, and the days
     * of every line it passes (the only ones read) */
    eligibility el = {
        .child_ok = malloc((run->cl.n_children + 1) * sizeof(bool)),
        .staff_ok = malloc((run->cl.n_staff + 1) * sizeof(bool)),
        .child_days_all = malloc((run->cl.n_children + 1) * sizeof(int)),
        .child_key_all = malloc((run->cl.n_children + 1) * sizeof(uint32_t)),
    };
    if (!el.child_ok || !el.staff_ok || !el.child_days_all || !el.child_key_all)
        abort();
    engine_eligibility(run, &el);
    group_lines(run, &el);
    free(el.child_ok);
    free(el.staff_ok);
    free(el.child_days_all);
    free(el.child_key_all);
    run->n_distinct_children = el.n_distinct_children;
    uint64_t t0 = now_ns();
    int rc = evaluate(run, d);
    run->eval_ns = now_ns() - t0;
    return rc;
}

void engine_free(month_run *run)
{
    arena_release(&run->a);
    arena_release(&run->input_bytes);
    memset(run, 0, sizeof *run);
}

value engine_nursery_value(const month_run *run, size_t p, const nursery_month *nm,
                           const rule_value *rv)
{
    (void)run;
    if (rv->kind == RV_PARAM) /* constants have no slot */
        return rv->param;
    return nm->values[p][rv->slot];
}

value engine_line_value(const month_run *run, size_t p, size_t line, const rule_value *rv)
{
    const program *pg = run->programs[p];
    if (rv->scope == SCOPE_CHILD)
        return run->child_values[p][line * (size_t)pg->n_slots[SCOPE_CHILD] + (size_t)rv->slot];
    return run->staff_values[p][line * (size_t)pg->n_slots[SCOPE_STAFF] + (size_t)rv->slot];
}

value engine_field_value(const month_run *run, const expr_field *f, size_t line)
{
    eval_ctx c = month_ctx(run);
    c.children = run->children;
    c.child_days = run->child_days;
    c.n_children = run->n_children;
    c.staff = run->staff;
    c.n_staff = run->n_staff;
    return expr_field_value(f, &c, line);
}

value engine_eval_node(const month_run *run, size_t p, const nursery_month *nm,
                       const struct enode *n, bool *ok)
{
    eval_ctx c = month_ctx(run);
    nursery_ctx(run, p, nm, &c);
    value v = expr_eval_node(n, &c);
    *ok = !c.err_msg;
    return v;
}

bool engine_payment_at(const month_run *run, size_t i, size_t p, payment_row *row)
{
    int64_t amount = run->amounts[i * run->n_programs + p];
    if (amount <= 0)
        return false;
    const nursery *n = run->nurseries[i].nursery;
    row->nursery = i;
    row->program = p;
    row->nursery_id = n->id;
    row->nursery_name = n->name;
    row->program_id = run->programs[p]->id;
    row->rule_version = run->programs[p]->version;
    row->amount = amount;
    return true;
}

/* The registry record and the id of the nursery `ahead` rows on, asked
 * for before they are read: payments.csv reads one nursery's after
 * another, and in a dense month they are out of every cache by then. */
static void prefetch_nursery(const month_run *run, size_t i)
{
    enum { AHEAD = 8 };
    if (i + 2 * AHEAD < run->n_nurseries)
        __builtin_prefetch(run->nurseries[i + 2 * AHEAD].nursery);
    if (i + AHEAD < run->n_nurseries)
        __builtin_prefetch(run->nurseries[i + AHEAD].nursery->id);
}

/* Walks the compact amounts cell by cell, the cursor a (nursery, program)
 * pair so that no cell costs a division. */
bool engine_payment_next(const month_run *run, payment_row *row)
{
    size_t np = run->n_programs;
    while (np && row->next_nursery < run->n_nurseries) {
        size_t i = row->next_nursery, p = row->next_program;
        if (p == 0)
            prefetch_nursery(run, i);
        if (++row->next_program == np) {
            row->next_program = 0;
            row->next_nursery++;
        }
        if (engine_payment_at(run, i, p, row))
            return true;
    }
    return false;
}

size_t engine_payment_count(const month_run *run)
{
    size_t n = 0, cells = run->n_nurseries * run->n_programs;
    for (size_t c = 0; c < cells; c++)
        n += run->amounts[c] > 0;
    return n;
}
