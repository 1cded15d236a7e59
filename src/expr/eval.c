/* eval: runs a resolved formula tree for one nursery-month (and, for line
 * values, one line).  Arithmetic is exact and checked; the first failure is
 * kept in the context with its node and evaluation unwinds with zeros. */
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

static value ev(const enode *n, eval_ctx *c);
static value (*const ev_table[OP_DATE_OF + 1])(const enode *, eval_ctx *); /* below */

/* A node's operand: constants and formula slots (about half of all nodes
 * met) are read in place, without a call and a jump-table dispatch; the
 * rest goes through ev.  The same values either way. */
static inline value evl(const enode *n, eval_ctx *c)
{
    if (n->op == OP_CONST || n->op == OP_STR)
        return n->k;
    if (n->op == OP_SLOT_C)
        return c->child_slots[c->cur_child * (size_t)c->child_stride + (size_t)n->slot];
    if (n->op == OP_SLOT_N)
        return c->nursery_slots[n->slot];
    return ev_table[n->op](n, c);
}

static value fail(eval_ctx *c, const enode *n, num_status st, const char *msg)
{
    if (!c->err && !c->err_msg) {
        c->err = st;
        c->err_msg = msg;
        c->err_node = n;
    }
    return (value){.n = {0, 1}};
}

static value numop(eval_ctx *c, const enode *n, num_status st, num r)
{
    if (st != NUM_OK)
        return fail(c, n, st, num_strerror(st));
    return (value){.n = r};
}

static value child_field(const enode *n, eval_ctx *c)
{
    const child_line *l = c->children[c->cur_child];
    switch (n->which) {
    case FC_NURSERY_ID: return (value){.s = l->nursery_id};
    case FC_CHILD_REF: return (value){.s = l->child_ref};
    case FC_CARE_TYPES: return (value){.set = l->care_mask};
    case FC_FROM: return (value){.d = l->enrolled_from};
    case FC_TO: return (value){.d = l->enrolled_to};
    default: return (value){.n = num_int(c->child_days[c->cur_child])};
    }
}

static value staff_field(const enode *n, eval_ctx *c)
{
    const staff_line *l = c->staff[c->cur_staff];
    switch (n->which) {
    case FS_NURSERY_ID: return (value){.s = l->nursery_id};
    case FS_STAFF_REF: return (value){.s = l->staff_ref};
    case FS_QUALIFICATION: return (value){.s = l->qualification};
    case FS_EMPLOYMENT: return (value){.s = l->employment};
    case FS_HOURS: return (value){.n = l->hours};
    case FS_SALARY: return (value){.n = num_int(l->salary_cost)};
    default: return (value){.n = num_int(l->other_income)};
    }
}

static value context(const enode *n, eval_ctx *c)
{
    switch (n->which) {
    case CTX_DAYS_IN_MONTH: return (value){.n = num_int(c->days_in_month)};
    case CTX_MONTH_START: return (value){.d = c->month_start};
    case CTX_MONTH_END: return (value){.d = c->month_end};
    case CTX_REPORTED_SALARY: return (value){.n = num_int(c->reported_salary_cost)};
    case CTX_REPORTED_OTHER: return (value){.n = num_int(c->reported_other_income)};
    default: return (value){.n = num_int(0)}; /* lines are only read by OP_AGG */
    }
}

value expr_field_value(const expr_field *f, const eval_ctx *ctx, size_t line)
{
    eval_ctx c = *ctx;
    enode n = {.which = f->which};
    if (f->decl)
        return f->kind == EXPR_FIELD_CHILD ? ctx->children[line]->decl[f->which]
                                           : ctx->staff[line]->decl[f->which];
    if (f->kind == EXPR_FIELD_CHILD) {
        c.cur_child = line;
        return child_field(&n, &c);
    }
    if (f->kind == EXPR_FIELD_STAFF) {
        c.cur_staff = line;
        return staff_field(&n, &c);
    }
    return context(&n, &c);
}

static bool relation(int rel, int cmp)
{
    switch (rel) {
    case OP_EQ: return cmp == 0;
    case OP_NE: return cmp != 0;
    case OP_LT: return cmp < 0;
    case OP_LE: return cmp <= 0;
    case OP_GT: return cmp > 0;
    default: return cmp >= 0;
    }
}

static int cmp_date(date_t a, date_t b) { return (a > b) - (a < b); }

/* num_cmp, with whole numbers compared without the call and its 128-bit
 * products. */
static inline int cmp_num(num a, num b)
{
    if (a.d == 1 && b.d == 1)
        return (a.n > b.n) - (a.n < b.n);
    return num_cmp(a, b);
}

static value arith(const enode *n, eval_ctx *c)
{
    value a = evl(n->a, c), b = evl(n->b, c);
    num r = {0, 1};
    num_status st;
    if (a.n.d == 1 && b.n.d == 1 && n->op != OP_DIV) { /* whole yen: no call; as num_add etc. */
        int64_t w;
        bool over = n->op == OP_ADD   ? __builtin_add_overflow(a.n.n, b.n.n, &w)
                    : n->op == OP_SUB ? __builtin_sub_overflow(a.n.n, b.n.n, &w)
                                      : __builtin_mul_overflow(a.n.n, b.n.n, &w);
        if (!over && w != INT64_MIN)
            return (value){.n = num_int(w)};
    }
    switch (n->op) {
    case OP_ADD: st = num_add(a.n, b.n, &r); break;
    case OP_SUB: st = num_sub(a.n, b.n, &r); break;
    case OP_MUL: st = num_mul(a.n, b.n, &r); break;
    default: st = num_div(a.n, b.n, &r); break;
    }
    return numop(c, n, st, r);
}

/* round(x / y) with whole x and y (days pro rata): the quotient is rounded
 * straight from x and y, without reducing the fraction first; the same
 * value as num_div then num_round.  False (nothing done) when a fraction,
 * a zero divisor or an overflow needs the general path and its message. */
static bool round_int_div(const enode *n, eval_ctx *c, num *out)
{
    const enode *dv = n->a;
    num x = evl(dv->a, c).n, y = evl(dv->b, c).n;
    int64_t unit = n->k.n.n, den;
    if (c->err_node || x.d != 1 || y.d != 1 || y.n == 0 || unit <= 0 ||
        __builtin_mul_overflow(y.n < 0 ? -y.n : y.n, unit, &den))
        return false;
    int64_t num_ = y.n < 0 ? -x.n : x.n; /* x / y = num_ / |y| */
    int64_t q = num_ / den, rem = num_ % den;
    if (rem != 0) {
        uint64_t mag = (uint64_t)(rem < 0 ? -rem : rem);
        round_mode mode = (round_mode)n->which;
        if (mode == ROUND_UP || (mode == ROUND_HALF_UP && 2 * mag >= (uint64_t)den))
            q += num_ < 0 ? -1 : 1;
    }
    int64_t r;
    if (__builtin_mul_overflow(q, unit, &r) || r == INT64_MIN)
        return false;
    *out = num_int(r);
    return true;
}

static value table_lookup(const enode *n, eval_ctx *c)
{
    value key = evl(n->a, c);
    const rule_table *t = n->tab;
    for (size_t i = 0; i < t->n; i++) /* first bytes differ for most keys: skip strcmp */
        if (t->keys[i][0] == key.s[0] && !strcmp(t->keys[i], key.s))
            return t->vals[i];
    return fail(c, n, NUM_OK, "no row for this key in the table");
}

static value minmax(const enode *n, eval_ctx *c)
{
    value best = evl(n->args[0], c);
    for (int i = 1; i < n->nargs; i++) {
        value v = evl(n->args[i], c);
        int cmp = cmp_num(v.n, best.n);
        if (n->op == OP_MIN ? cmp < 0 : cmp > 0)
            best = v;
    }
    return best;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_date_p(const void *a, const void *b)
{
    date_t x = *(const date_t *)a, y = *(const date_t *)b;
    return (x > y) - (x < y);
}

/* Distinct texts among a nursery's few keys: each compared with the ones
 * before it, by a 64-bit hash first (refs share long prefixes, so strcmp
 * is only reached for a real repeat or a collision). */
static size_t distinct_small_texts(const char *const *v, size_t n)
{
    uint64_t h[64];
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x = 14695981039346656037ull; /* FNV-1a */
        for (const char *p = v[i]; *p; p++)
            x = (x ^ (unsigned char)*p) * 1099511628211ull;
        h[i] = x;
        size_t j = 0;
        while (j < i && (h[j] != x || strcmp(v[j], v[i])))
            j++;
        distinct += j == i;
    }
    return distinct;
}

/* Distinct child_refs of a nursery's lines by the month's child keys
 * (equal iff the refs are equal): integers compared, no text touched. */
static size_t distinct_small_keys(const uint32_t *k, size_t n)
{
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (j < i && k[j] != k[i])
            j++;
        distinct += j == i;
    }
    return distinct;
}

/* Distinct count of a text or date body over the lines kept by the filter:
 * collect, sort, count runs. */
static value count_distinct(const enode *n, eval_ctx *c, size_t nlines, size_t *cur)
{
    bool dates = n->c->type == VT_DATE;
    size_t saved = *cur, k = 0;
    const char *text_small[64];
    date_t date_small[64];
    const char **texts = text_small;
    date_t *days = date_small;
    if (nlines > 64 && !(dates ? (void *)(days = malloc(nlines * sizeof *days))
                               : (void *)(texts = malloc(nlines * sizeof *texts))))
        abort();
    bool refs = !n->b && n->c->op == OP_FIELD_C && n->c->which == FC_CHILD_REF;
    if (refs && c->child_keys && nlines <= 64)
        return (value){.n = num_int((int64_t)distinct_small_keys(c->child_keys, nlines))};
    for (size_t i = 0; i < nlines; i++) {
        if (refs) { /* count_distinct(children, child_ref): read in place */
            texts[k++] = c->children[i]->child_ref;
            continue;
        }
        *cur = i;
        if (n->b && !evl(n->b, c).b)
            continue;
        value v = evl(n->c, c);
        if (dates)
            days[k++] = v.d;
        else
            texts[k++] = v.s;
    }
    *cur = saved;
    if (!dates && texts == text_small) /* a nursery's few lines: no sort, no qsort call */
        return (value){.n = num_int((int64_t)distinct_small_texts(texts, k))};
    if (dates)
        qsort(days, k, sizeof *days, cmp_date_p);
    else
        qsort(texts, k, sizeof *texts, cmp_str);
    size_t distinct = 0;
    for (size_t i = 0; i < k; i++)
        if (i == 0 || (dates ? days[i - 1] != days[i] : strcmp(texts[i - 1], texts[i]) != 0))
            distinct++;
    if (texts != text_small)
        free(texts);
    if (days != date_small)
        free(days);
    return (value){.n = num_int((int64_t)distinct)};
}

/* Where a line value sits when the body of sum() is a bare line formula or
 * a number field: NULL for any other body. */
static const value *line_slot(const enode *b, const eval_ctx *c, bool kids, size_t *stride)
{
    if (kids && b->op == OP_SLOT_C) {
        *stride = (size_t)c->child_stride;
        return c->child_slots + b->slot;
    }
    if (!kids && b->op == OP_SLOT_S) {
        *stride = (size_t)c->staff_stride;
        return c->staff_slots + b->slot;
    }
    return NULL;
}

/* sum(lines, body) without a filter: the body is read in place when it is a
 * slot or a staff yen column (the common cases), else evaluated per line as
 * aggregate() does.
 * Integer yen are added without a call; the first failure stops it. */
static value sum_direct(const enode *n, eval_ctx *c, size_t nlines, bool kids)
{
    size_t stride = 0, *cur = kids ? &c->cur_child : &c->cur_staff, saved = *cur;
    const value *v = line_slot(n->c, c, kids, &stride);
    int yen_field = !kids && n->c->op == OP_FIELD_S &&
                            (n->c->which == FS_SALARY || n->c->which == FS_OTHER)
                        ? n->c->which
                        : -1; /* a staff line's whole-yen column, read in place */
    num acc = num_int(0);
    for (size_t i = 0; i < nlines && !c->err_node; i++) {
        num x;
        if (v) {
            x = v[i * stride].n;
        } else if (yen_field >= 0) {
            const staff_line *l = c->staff[i];
            x = num_int(yen_field == FS_SALARY ? l->salary_cost : l->other_income);
        } else {
            *cur = i;
            x = ev(n->c, c).n;
        }
        int64_t r;
        if (acc.d == 1 && x.d == 1 && !__builtin_add_overflow(acc.n, x.n, &r) && r != INT64_MIN) {
            acc.n = r;
            continue;
        }
        num_status st = num_add(acc, x, &acc);
        if (st != NUM_OK)
            fail(c, n, st, num_strerror(st));
    }
    *cur = saved;
    return (value){.n = acc};
}

static value aggregate(const enode *n, eval_ctx *c)
{
    bool kids = n->line_kind == VT_CHILDREN, months = n->line_kind == VT_MONTHS;
    size_t nlines = months ? c->n_months : kids ? c->n_children : c->n_staff;
    size_t *cur = months ? &c->cur_month : kids ? &c->cur_child : &c->cur_staff;
    if (n->which == AGG_COUNT_DISTINCT)
        return count_distinct(n, c, nlines, cur);
    if (n->which == AGG_SUM && !n->b && !months)
        return sum_direct(n, c, nlines, kids);
    size_t saved = *cur;
    num acc = num_int(0);
    bool flag = n->which == AGG_ALL, first = true;
    int64_t count = 0;
    for (size_t i = 0; i < nlines && !c->err_node; i++) {
        *cur = i;
        if (n->b && !evl(n->b, c).b)
            continue;
        count++;
        if (n->which == AGG_COUNT)
            continue;
        value v = evl(n->c, c);
        if (n->which == AGG_ANY && v.b) {
            flag = true;
            break;
        }
        if (n->which == AGG_ALL && !v.b) {
            flag = false;
            break;
        }
        if (n->which == AGG_SUM) {
            num_status st = num_add(acc, v.n, &acc);
            if (st != NUM_OK)
                fail(c, n, st, num_strerror(st));
        } else if (n->which == AGG_MIN || n->which == AGG_MAX) {
            int cmp = cmp_num(v.n, acc);
            if (first || (n->which == AGG_MIN ? cmp < 0 : cmp > 0))
                acc = v.n;
            first = false;
        }
    }
    *cur = saved;
    if (n->which == AGG_ANY || n->which == AGG_ALL)
        return (value){.b = flag};
    if (n->which == AGG_COUNT)
        return (value){.n = num_int(count)};
    return (value){.n = acc};
}

/* ---- one function per operation, called through a table ---------------
 * Every operand is fetched at its own call site (evl), so the processor
 * predicts each parent's indirect call separately instead of one shared
 * switch jump mispredicting across all nodes. */

#define EV(name) static value name(const enode *n, eval_ctx *c)

EV(op_const) { (void)c; return n->k; }
EV(op_slot_n) { return c->nursery_slots[n->slot]; }
EV(op_slot_c) { return c->child_slots[c->cur_child * (size_t)c->child_stride + (size_t)n->slot]; }
EV(op_slot_s) { return c->staff_slots[c->cur_staff * (size_t)c->staff_stride + (size_t)n->slot]; }
EV(op_field_c) { return child_field(n, c); }
EV(op_field_s) { return staff_field(n, c); }
EV(op_decl_c) { return c->children[c->cur_child]->decl[n->slot]; }
EV(op_decl_s) { return c->staff[c->cur_staff]->decl[n->slot]; }
EV(op_month_val) { return c->month_vals[c->cur_month * (size_t)c->month_stride + (size_t)n->slot]; }
EV(op_ctx) { return context(n, c); }

EV(op_neg)
{
    value v = evl(n->a, c);
    v.n.n = -v.n.n; /* |n| <= INT64_MAX always: num excludes INT64_MIN */
    return v;
}

EV(op_date_add)
{
    int64_t d = evl(n->a, c).d, k = evl(n->b, c).n.n, r;
    bool over = n->op == OP_DATE_ADD ? __builtin_add_overflow(d, k, &r)
                                     : __builtin_sub_overflow(d, k, &r);
    if (over || d == DATE_OPEN || r < -3000000 || r > 3000000)
        return fail(c, n, NUM_OVERFLOW, "date out of range (an open end date?)");
    return (value){.d = (date_t)r};
}

EV(op_date_diff)
{
    date_t a = evl(n->a, c).d, b = evl(n->b, c).d;
    if (a == DATE_OPEN || b == DATE_OPEN)
        return fail(c, n, NUM_OVERFLOW, "days to an open end date");
    return (value){.n = num_int((int64_t)a - b)};
}

EV(op_cmp_num) { return (value){.b = relation(n->which, cmp_num(evl(n->a, c).n, evl(n->b, c).n))}; }
EV(op_cmp_date) { return (value){.b = relation(n->which, cmp_date(evl(n->a, c).d, evl(n->b, c).d))}; }
EV(op_cmp_text) { return (value){.b = relation(n->which, strcmp(evl(n->a, c).s, evl(n->b, c).s))}; }
EV(op_cmp_bool) { return (value){.b = relation(n->which, evl(n->a, c).b != evl(n->b, c).b)}; }
EV(op_cmp_set) { return (value){.b = relation(n->which, evl(n->a, c).set != evl(n->b, c).set)}; }
EV(op_set_has) { return (value){.b = (evl(n->b, c).set & n->k.set) != 0}; }
EV(op_set_any) { return (value){.b = (evl(n->a, c).set & evl(n->b, c).set) != 0}; }
EV(op_and) { return (value){.b = evl(n->a, c).b && evl(n->b, c).b}; }
EV(op_or) { return (value){.b = evl(n->a, c).b || evl(n->b, c).b}; }
EV(op_not) { return (value){.b = !evl(n->a, c).b}; }
EV(op_if) { return evl(n->a, c).b ? evl(n->b, c) : evl(n->c, c); }

EV(op_round)
{
    num r;
    if (n->a->op == OP_DIV && round_int_div(n, c, &r))
        return (value){.n = r};
    return numop(c, n, num_round(evl(n->a, c).n, n->k.n.n, (round_mode)n->which, &r), r);
}

EV(op_days_in_month)
{
    int y, m, d;
    date_t t = evl(n->a, c).d;
    if (t == DATE_OPEN)
        return fail(c, n, NUM_OK, "days_in_month of an open end date");
    date_to_ymd(t, &y, &m, &d);
    return (value){.n = num_int(date_days_in_month(y, m))};
}

EV(op_overlap_days)
{
    return (value){.n = num_int(date_overlap_days(evl(n->args[0], c).d, evl(n->args[1], c).d,
                                                  evl(n->args[2], c).d, evl(n->args[3], c).d))};
}

EV(op_bad) { return fail(c, n, NUM_OK, "internal: unresolved formula node"); }

#undef EV

/* Indexed by op; the parser's own forms never reach evaluation resolved. */
static value (*const ev_table[OP_DATE_OF + 1])(const enode *, eval_ctx *) = {
    [OP_NUM] = op_bad, [OP_STR] = op_const, [OP_BOOL] = op_bad, [OP_NAME] = op_bad,
    [OP_CALL] = op_bad, [OP_INDEX] = op_bad, [OP_WHERE] = op_bad,
    [OP_NEG] = op_neg, [OP_ADD] = arith, [OP_SUB] = arith, [OP_MUL] = arith, [OP_DIV] = arith,
    [OP_EQ] = op_bad, [OP_NE] = op_bad, [OP_LT] = op_bad, [OP_LE] = op_bad, [OP_GT] = op_bad,
    [OP_GE] = op_bad, [OP_IN] = op_bad,
    [OP_AND] = op_and, [OP_OR] = op_or, [OP_NOT] = op_not, [OP_IF] = op_if,
    [OP_CONST] = op_const, [OP_SLOT_N] = op_slot_n, [OP_SLOT_C] = op_slot_c,
    [OP_SLOT_S] = op_slot_s, [OP_FIELD_C] = op_field_c, [OP_FIELD_S] = op_field_s,
    [OP_DECL_C] = op_decl_c, [OP_DECL_S] = op_decl_s, [OP_MONTH_VAL] = op_month_val,
    [OP_CTX] = op_ctx, [OP_DATE_ADD] = op_date_add, [OP_DATE_SUB_DAYS] = op_date_add,
    [OP_DATE_DIFF] = op_date_diff, [OP_CMP_NUM] = op_cmp_num, [OP_CMP_DATE] = op_cmp_date,
    [OP_CMP_TEXT] = op_cmp_text, [OP_CMP_BOOL] = op_cmp_bool, [OP_CMP_SET] = op_cmp_set,
    [OP_SET_HAS] = op_set_has, [OP_SET_ANY] = op_set_any, [OP_ROUND] = op_round,
    [OP_MIN] = minmax, [OP_MAX] = minmax, [OP_AGG] = aggregate, [OP_TABLE] = table_lookup,
    [OP_DAYS_IN_MONTH] = op_days_in_month, [OP_OVERLAP_DAYS] = op_overlap_days,
    [OP_DATE_OF] = op_bad,
};

static value ev(const enode *n, eval_ctx *c) { return ev_table[n->op](n, c); }

value expr_eval(const expr_code *code, eval_ctx *ctx) { return ev(code->root, ctx); }

void expr_node_pos(const enode *n, int *line, int *col)
{
    *line = n->src->line;
    *col = n->src->col;
}

/* ---- for explain: the aggregates inside a formula ---------------------- */

static void collect_aggregates(const enode *n, const enode **out, size_t max, size_t *k)
{
    if (!n)
        return;
    if (n->op == OP_AGG) { /* its own lines are explained per line */
        if (*k < max)
            out[*k] = n;
        ++*k;
        return;
    }
    collect_aggregates(n->a, out, max, k);
    collect_aggregates(n->b, out, max, k);
    collect_aggregates(n->c, out, max, k);
    for (int i = 0; i < n->nargs; i++)
        collect_aggregates(n->args[i], out, max, k);
}

size_t expr_aggregates(const expr_code *code, const enode **out, size_t max)
{
    size_t k = 0;
    collect_aggregates(code->root, out, max, &k);
    return k < max ? k : max;
}

vtype expr_node_type(const enode *n) { return n->type; }

value expr_eval_node(const enode *n, eval_ctx *ctx) { return ev(n, ctx); }

bool expr_node_text(const expr_code *code, const enode *n, char *buf, size_t size)
{
    const char *s = code->text + n->off, *p = strchr(s, '(');
    int depth = 0;
    for (; p && *p; p++) {
        if (*p == '"') { /* a string literal may hold parentheses */
            p = strchr(p + 1, '"');
            if (!p)
                return false;
        } else if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth == 0) {
            size_t len = (size_t)(p + 1 - s);
            if (len >= size)
                return false;
            memcpy(buf, s, len);
            buf[len] = '\0';
            return true;
        }
    }
    return false;
}
