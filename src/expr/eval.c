/* eval: runs a formula's flat code (flat.c) for one nursery-month and, for
 * line values, each line — the one evaluator: the run, settlement and
 * explain all go through xrun, each instruction's handler calling the
 * next.  Arithmetic is exact and checked: int64 where the types make both
 * operands whole, num's rationals elsewhere.  The first failure is kept in
 * the context with its node and stops the run.  Not here: turning trees
 * into code (flat.c). */
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

/* Failures are rare: kept out of line, so that the handlers' fast paths
 * need no saved registers. */
static bool fail(eval_ctx *c, const enode *n, num_status st, const char *msg)
    __attribute__((cold, noinline));
static bool num_fail(eval_ctx *c, const enode *n, num_status st) __attribute__((cold, noinline));

static bool fail(eval_ctx *c, const enode *n, num_status st, const char *msg)
{
    if (!c->err && !c->err_msg) {
        c->err = st;
        c->err_msg = msg;
        c->err_node = n;
    }
    return false;
}

static bool num_fail(eval_ctx *c, const enode *n, num_status st)
{
    return fail(c, n, st, num_strerror(st));
}

static value child_field(int which, const eval_ctx *c, size_t line)
{
    const child_line *l = c->children[line];
    switch (which) {
    case FC_NURSERY_ID: return (value){.s = l->nursery_id};
    case FC_CHILD_REF: return (value){.s = l->child_ref};
    case FC_CARE_TYPES: return (value){.set = l->care_mask};
    case FC_FROM: return (value){.d = l->enrolled_from};
    case FC_TO: return (value){.d = l->enrolled_to};
    default: return (value){.n = num_int(c->child_days[line])};
    }
}

static value staff_field(int which, const eval_ctx *c, size_t line)
{
    const staff_line *l = c->staff[line];
    switch (which) {
    case FS_NURSERY_ID: return (value){.s = l->nursery_id};
    case FS_STAFF_REF: return (value){.s = l->staff_ref};
    case FS_QUALIFICATION: return (value){.s = l->qualification};
    case FS_EMPLOYMENT: return (value){.s = l->employment};
    case FS_HOURS: return (value){.n = l->hours};
    case FS_SALARY: return (value){.n = num_int(l->salary_cost)};
    default: return (value){.n = num_int(l->other_income)};
    }
}

static value context(int which, const eval_ctx *c)
{
    switch (which) {
    case CTX_DAYS_IN_MONTH: return (value){.n = num_int(c->days_in_month)};
    case CTX_MONTH_START: return (value){.d = c->month_start};
    case CTX_MONTH_END: return (value){.d = c->month_end};
    case CTX_REPORTED_SALARY: return (value){.n = num_int(c->reported_salary_cost)};
    case CTX_REPORTED_OTHER: return (value){.n = num_int(c->reported_other_income)};
    default: return (value){.n = num_int(0)}; /* lines are only read by aggregates */
    }
}

value expr_field_value(const expr_field *f, const eval_ctx *ctx, size_t line)
{
    if (f->decl)
        return f->kind == EXPR_FIELD_CHILD ? ctx->children[line]->decl[f->which]
                                           : ctx->staff[line]->decl[f->which];
    if (f->kind == EXPR_FIELD_CHILD)
        return child_field(f->which, ctx, line);
    if (f->kind == EXPR_FIELD_STAFF)
        return staff_field(f->which, ctx, line);
    return context(f->which, ctx);
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

static int cmp_i64(int64_t a, int64_t b) { return (a > b) - (a < b); }

/* num_cmp, with whole numbers compared without the call and its 128-bit
 * products. */
static inline int cmp_num(num a, num b)
{
    if (a.d == 1 && b.d == 1)
        return cmp_i64(a.n, b.n);
    return num_cmp(a, b);
}

/* strcmp's sign, inline: formula texts are short (codes, refs, table keys). */
static inline int cmp_text(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x && *x == *y)
        x++, y++;
    return (*x > *y) - (*x < *y);
}

/* Checked whole arithmetic (as num_add/num_sub/num_mul on whole nums):
 * false on overflow.  INT64_MIN is no num (num.h). */
static inline bool add_i(int64_t a, int64_t b, int64_t *r)
{
    return !__builtin_add_overflow(a, b, r) && *r != INT64_MIN;
}
static inline bool sub_i(int64_t a, int64_t b, int64_t *r)
{
    return !__builtin_sub_overflow(a, b, r) && *r != INT64_MIN;
}
static inline bool mul_i(int64_t a, int64_t b, int64_t *r)
{
    return !__builtin_mul_overflow(a, b, r) && *r != INT64_MIN;
}

/* A general arithmetic instruction: whole operands without a call, the
 * rest through num. */
static bool arith(const xins *i, num a, num b, eval_ctx *c, value *o)
{
    int64_t w;
    if (a.d == 1 && b.d == 1 && i->op != X_DIV &&
        (i->op == X_ADD ? add_i(a.n, b.n, &w) : i->op == X_SUB ? sub_i(a.n, b.n, &w)
                                                               : mul_i(a.n, b.n, &w))) {
        o->n = num_int(w);
        return true;
    }
    num_status st = i->op == X_ADD   ? num_add(a, b, &o->n)
                    : i->op == X_SUB ? num_sub(a, b, &o->n)
                    : i->op == X_MUL ? num_mul(a, b, &o->n)
                                     : num_div(a, b, &o->n);
    return st == NUM_OK || num_fail(c, i->n, st);
}

/* The quotient p / q (q > 0) rounded to a multiple of unit: num_round's
 * arithmetic on a fraction that need not be reduced.  False when it needs
 * the general path (an overflow on the way, which that path reports). */
static bool round_frac(int64_t p, int64_t q, int64_t unit, round_mode mode, int64_t *out)
{
    int64_t den;
    if (q <= 0 || unit <= 0 || __builtin_mul_overflow(q, unit, &den))
        return false;
    int64_t quo = p / den, rem = p % den;
    if (rem != 0) {
        uint64_t mag = (uint64_t)(rem < 0 ? -rem : rem);
        if (mode == ROUND_UP || (mode == ROUND_HALF_UP && 2 * mag >= (uint64_t)den))
            quo += p < 0 ? -1 : 1;
    }
    return mul_i(quo, unit, out);
}

/* round(x / y) of whole x and y (days pro rata), rounded straight from x and
 * y; round(x * y) from the unreduced product.  The same value as the operator
 * then num_round, which run instead when this cannot (a zero divisor, an
 * overflow) so that failures keep their message and node. */
static bool round_fused(const xins *i, num x, num y, eval_ctx *c, value *o)
{
    /* round(a * b / c) (X_ROUND_MULDIV_I) arrives here with x = a * b */
    round_mode mode = (round_mode)i->mode;
    int64_t p, q, w;
    if (i->op != X_ROUND_MUL) {
        p = y.n < 0 ? -x.n : x.n; /* x / y = p / |y|; num excludes INT64_MIN */
        q = y.n < 0 ? -y.n : y.n;
        if (q != 0 && round_frac(p, q, i->imm, mode, &w)) {
            o->n = num_int(w);
            return true;
        }
    } else if (mul_i(x.n, y.n, &p) && !__builtin_mul_overflow(x.d, y.d, &q) &&
               round_frac(p, q, i->imm, mode, &w)) {
        o->n = num_int(w);
        return true;
    }
    num r;
    num_status st = i->op != X_ROUND_MUL ? num_div(x, y, &r) : num_mul(x, y, &r);
    if (st != NUM_OK)
        return num_fail(c, i->fused, st);
    st = num_round(r, i->imm, mode, &o->n);
    return st == NUM_OK || num_fail(c, i->n, st);
}

/* round(a * b / c) of whole a, b, c (day proration: unit * enrolled_days /
 * days_in_month): the product checked as its own instruction would (an
 * overflow is its failure; c cannot fail, flat.c), then as round(x / y).
 * Where b == c (a whole month) the quotient is a exactly: no division. */
static bool round_muldiv(const xins *i, int64_t a, int64_t b, int64_t q, eval_ctx *c, value *o)
{
    int64_t p;
    if (!mul_i(a, b, &p))
        return num_fail(c, i->fused->a, NUM_OVERFLOW);
    if (b == q && q != 0 && i->imm == 1) { /* whole already: any mode keeps it */
        o->n = num_int(a);
        return true;
    }
    return round_fused(i, num_int(p), num_int(q), c, o);
}

static bool table_lookup(const xins *i, const char *key, eval_ctx *c, value *o)
{
    const rule_table *t = i->tab;
    for (size_t k = 0; k < t->n; k++)
        if (!cmp_text(t->keys[k], key)) {
            *o = t->vals[k];
            return true;
        }
    return fail(c, i->n, NUM_OK, "no row for this key in the table");
}

static bool date_add(const xins *i, date_t d, int64_t k, eval_ctx *c, value *o)
{
    int64_t r;
    bool over = i->op == X_DATE_ADD ? __builtin_add_overflow((int64_t)d, k, &r)
                                    : __builtin_sub_overflow((int64_t)d, k, &r);
    if (over || d == DATE_OPEN || r < -3000000 || r > 3000000)
        return fail(c, i->n, NUM_OVERFLOW, "date out of range (an open end date?)");
    o->d = (date_t)r;
    return true;
}

/* A value copied by its kind (xcopy, expr_int.h): numbers by the
 * numerator when whole, so that the copy reads only what one store wrote. */
static inline value copied(uint8_t kind, const value *a)
{
    if (kind == XC_WHOLE || (kind == XC_NUM && a->n.d == 1))
        return (value){.n = num_int(a->n.n)};
    return *a;
}

/* ---- aggregates ------------------------------------------------------ */

static bool xrun(const xins *from, const xins *to, value *r, eval_ctx *c);

static size_t *line_cursor(const xins *i, eval_ctx *c, size_t *nlines)
{
    *nlines = i->lines == 0 ? c->n_children : i->lines == 1 ? c->n_staff : c->n_months;
    return i->lines == 0 ? &c->cur_child : i->lines == 1 ? &c->cur_staff : &c->cur_month;
}

/* Adds x to *acc: whole yen without a call, else num_add. */
static inline bool accumulate(num *acc, num x, const xins *i, eval_ctx *c)
{
    int64_t w;
    if (acc->d == 1 && x.d == 1 && add_i(acc->n, x.n, &w)) {
        acc->n = w;
        return true;
    }
    num_status st = num_add(*acc, x, acc);
    return st == NUM_OK || num_fail(c, i->n, st);
}

/* Line k's value for sum_direct. */
static inline num direct_value(const xins *i, const eval_ctx *c, const value *v, size_t stride,
                               size_t k)
{
    if (i->op == X_SUM_SLOT)
        return copied(i->copy, &v[k * stride]).n;
    const staff_line *l = c->staff[k];
    return num_int(i->op == X_SUM_SALARY ? l->salary_cost : l->other_income);
}

/* sum(lines, line value) and sum(staff, salary_cost / other_income): read
 * in place, no body code run.  The total is kept as an int64 while the
 * values are whole and written by the numerator: a num kept in memory as
 * two halves and read back whole stalls the load (xcopy, expr_int.h).  A
 * fraction or an overflow goes on through accumulate (and num). */
static bool sum_direct(const xins *i, eval_ctx *c, value *o)
{
    bool kids = i->lines == 0;
    size_t n = kids ? c->n_children : c->n_staff, stride = 0, k = 0;
    const value *v = NULL;
    if (i->op == X_SUM_SLOT) {
        stride = (size_t)(kids ? c->child_stride : c->staff_stride);
        v = (kids ? c->child_slots : c->staff_slots) + i->imm;
    }
    int64_t sum = 0, w;
    for (; k < n; k++) {
        num x = direct_value(i, c, v, stride, k);
        if (x.d != 1 || !add_i(sum, x.n, &w))
            break;
        sum = w;
    }
    if (k == n) {
        o->n = num_int(sum);
        return true;
    }
    num acc = num_int(sum);
    for (; k < n; k++)
        if (!accumulate(&acc, direct_value(i, c, v, stride, k), i, c))
            return false;
    o->n = acc;
    return true;
}

/* sum, count, any, all, min, max over lines: per line the filter's code
 * [pc + 1, c), then the body's [c, jump). */
static bool aggregate(const xins *i, value *r, eval_ctx *c, value *o)
{
    const xins *filter = i + 1, *body = i + i->c, *end = i + i->jump;
    size_t nlines, *cur = line_cursor(i, c, &nlines), saved = *cur;
    num acc = num_int(0);
    bool flag = i->mode == AGG_ALL, first = true, ok = true;
    int64_t count = 0;
    for (size_t k = 0; k < nlines && ok; k++) {
        *cur = k;
        if (i->b >= 0 && !(ok = xrun(filter, body, r, c)))
            break;
        if (i->b >= 0 && !r[i->b].b)
            continue;
        count++;
        if (i->mode == AGG_COUNT)
            continue;
        if (!(ok = xrun(body, end, r, c)))
            break;
        value v = r[i->a];
        if (i->mode == AGG_ANY && v.b) {
            flag = true;
            break;
        }
        if (i->mode == AGG_ALL && !v.b) {
            flag = false;
            break;
        }
        if (i->mode == AGG_SUM) {
            ok = accumulate(&acc, v.n, i, c);
        } else if (i->mode == AGG_MIN || i->mode == AGG_MAX) {
            int cmp = cmp_num(v.n, acc);
            if (first || (i->mode == AGG_MIN ? cmp < 0 : cmp > 0))
                acc = v.n;
            first = false;
        }
    }
    *cur = saved;
    if (i->mode == AGG_ANY || i->mode == AGG_ALL)
        *o = (value){.b = flag};
    else if (i->mode == AGG_COUNT)
        *o = (value){.n = num_int(count)};
    else
        *o = (value){.n = acc};
    return ok;
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

/* Distinct count of sorted texts or dates: runs. */
static size_t distinct_sorted(const char **texts, date_t *days, size_t k)
{
    size_t distinct = 0;
    for (size_t i = 0; i < k; i++)
        if (i == 0 || (days ? days[i - 1] != days[i] : strcmp(texts[i - 1], texts[i]) != 0))
            distinct++;
    return distinct;
}

/* count_distinct(lines [where f], body) of a text or date body: collect the
 * kept lines' values, then count (a nursery's few texts pairwise, else
 * sorted).  imm 1: count_distinct(children, child_ref), refs read in place. */
static bool count_distinct(const xins *i, value *r, eval_ctx *c, value *o)
{
    const xins *filter = i + 1, *body = i + i->c, *end = i + i->jump;
    bool dates = i->n->c->type == VT_DATE, refs = i->imm == 1, ok = true;
    size_t nlines, *cur = line_cursor(i, c, &nlines), saved = *cur, k = 0;
    if (refs && c->child_keys && nlines <= 64) {
        o->n = num_int((int64_t)distinct_small_keys(c->child_keys, nlines));
        return true;
    }
    const char *text_small[64], **texts = text_small;
    date_t date_small[64], *days = date_small;
    if (nlines > 64 && !(dates ? (void *)(days = malloc(nlines * sizeof *days))
                               : (void *)(texts = malloc(nlines * sizeof *texts))))
        abort();
    for (size_t l = 0; l < nlines && ok; l++) {
        if (refs) {
            texts[k++] = c->children[l]->child_ref;
            continue;
        }
        *cur = l;
        if (i->b >= 0 && (!(ok = xrun(filter, body, r, c)) || !r[i->b].b))
            continue;
        if (!(ok = xrun(body, end, r, c)))
            break;
        if (dates)
            days[k++] = r[i->a].d;
        else
            texts[k++] = r[i->a].s;
    }
    *cur = saved;
    size_t distinct;
    if (!dates && texts == text_small) {
        distinct = distinct_small_texts(texts, k);
    } else {
        if (dates)
            qsort(days, k, sizeof *days, cmp_date_p);
        else
            qsort(texts, k, sizeof *texts, cmp_str);
        distinct = distinct_sorted(texts, dates ? days : NULL, k);
    }
    if (texts != text_small)
        free(texts);
    if (days != date_small)
        free(days);
    o->n = num_int((int64_t)distinct);
    return ok;
}

/* ---- the handlers ------------------------------------------------------ */

#define A (r[i->a])
#define B (r[i->b])
#define O (r[i->dst])
#define CHILD (c->children[c->cur_child])
#define STAFF (c->staff[c->cur_staff])
#define SET(...) (O = (value){__VA_ARGS__})
#define H(name) static bool name(const xins *i, const xins *end, value *r, eval_ctx *c)
/* On to the next instruction, or done at end. */
#define NEXT                                                                                       \
    do {                                                                                           \
        if (++i == end)                                                                            \
            return true;                                                                           \
        return i->fn(i, end, r, c);                                                                \
    } while (0)
#define GOTO(target)                                                                               \
    do {                                                                                           \
        i = (target);                                                                              \
        if (i == end)                                                                              \
            return true;                                                                           \
        return i->fn(i, end, r, c);                                                                \
    } while (0)
/* A value computed by an expression that may fail: on (and NEXT) or out. */
#define CHECKED(ok)                                                                                \
    do {                                                                                           \
        if (!(ok))                                                                                 \
            return false;                                                                          \
        NEXT;                                                                                      \
    } while (0)

H(h_mov) { O = copied(i->copy, &A); NEXT; }
H(h_jmp) { GOTO(i + i->jump); }
H(h_jf) { GOTO(A.b ? i + 1 : i + i->jump); }
H(h_jt) { GOTO(A.b ? i + i->jump : i + 1); }
H(h_bad) { (void)end, (void)r; return fail(c, i->n, NUM_OK, "internal: unresolved formula node"); }
H(h_slot_n) { O = copied(i->copy, &c->nursery_slots[i->imm]); NEXT; }
H(h_slot_c)
{
    O = copied(i->copy, &c->child_slots[c->cur_child * (size_t)c->child_stride + (size_t)i->imm]);
    NEXT;
}
H(h_slot_s)
{
    O = copied(i->copy, &c->staff_slots[c->cur_staff * (size_t)c->staff_stride + (size_t)i->imm]);
    NEXT;
}
H(h_decl_c) { O = CHILD->decl[i->imm]; NEXT; }
H(h_decl_s) { O = STAFF->decl[i->imm]; NEXT; }
H(h_month_val) { O = c->month_vals[c->cur_month * (size_t)c->month_stride + (size_t)i->imm]; NEXT; }
H(h_ctx) { O = context((int)i->imm, c); NEXT; }
H(h_c_nursery_id) { SET(.s = CHILD->nursery_id); NEXT; }
H(h_c_child_ref) { SET(.s = CHILD->child_ref); NEXT; }
H(h_c_care_types) { SET(.set = CHILD->care_mask); NEXT; }
H(h_c_from) { SET(.d = CHILD->enrolled_from); NEXT; }
H(h_c_to) { SET(.d = CHILD->enrolled_to); NEXT; }
H(h_c_days) { SET(.n = num_int(c->child_days[c->cur_child])); NEXT; }
H(h_s_nursery_id) { SET(.s = STAFF->nursery_id); NEXT; }
H(h_s_staff_ref) { SET(.s = STAFF->staff_ref); NEXT; }
H(h_s_qualification) { SET(.s = STAFF->qualification); NEXT; }
H(h_s_employment) { SET(.s = STAFF->employment); NEXT; }
H(h_s_hours) { SET(.n = STAFF->hours); NEXT; }
H(h_s_salary) { SET(.n = num_int(STAFF->salary_cost)); NEXT; }
H(h_s_other) { SET(.n = num_int(STAFF->other_income)); NEXT; }
H(h_neg) { SET(.n = (num){-A.n.n, A.n.d}); NEXT; } /* num excludes INT64_MIN */

/* Whole by type: int64, an overflow is the same failure num reports. */
#define INT_OP(name, fn)                                                                           \
    H(name)                                                                                        \
    {                                                                                              \
        int64_t w;                                                                                 \
        if (!fn(A.n.n, B.n.n, &w))                                                                 \
            return num_fail(c, i->n, NUM_OVERFLOW);                                                \
        SET(.n = num_int(w));                                                                      \
        NEXT;                                                                                      \
    }
INT_OP(h_add_i, add_i)
INT_OP(h_sub_i, sub_i)
INT_OP(h_mul_i, mul_i)
#undef INT_OP

H(h_arith) { CHECKED(arith(i, A.n, B.n, c, &O)); }
H(h_round)
{
    num_status st = num_round(A.n, i->imm, (round_mode)i->mode, &O.n);
    CHECKED(st == NUM_OK || num_fail(c, i->n, st));
}
H(h_round_fused) { CHECKED(round_fused(i, A.n, B.n, c, &O)); }
H(h_round_muldiv) { CHECKED(round_muldiv(i, A.n.n, B.n.n, r[i->c].n.n, c, &O)); }
H(h_min_i) { SET(.n = num_int(B.n.n < A.n.n ? B.n.n : A.n.n)); NEXT; }
H(h_max_i) { SET(.n = num_int(B.n.n > A.n.n ? B.n.n : A.n.n)); NEXT; }
H(h_min) { O = copied(XC_NUM, cmp_num(B.n, A.n) < 0 ? &B : &A); NEXT; }
H(h_max) { O = copied(XC_NUM, cmp_num(B.n, A.n) > 0 ? &B : &A); NEXT; }
H(h_cmp_i) { SET(.b = relation(i->mode, cmp_i64(A.n.n, B.n.n))); NEXT; }
H(h_cmp_num) { SET(.b = relation(i->mode, cmp_num(A.n, B.n))); NEXT; }
H(h_cmp_date) { SET(.b = relation(i->mode, cmp_i64(A.d, B.d))); NEXT; }
H(h_cmp_text) { SET(.b = relation(i->mode, cmp_text(A.s, B.s))); NEXT; }
H(h_cmp_bool) { SET(.b = relation(i->mode, A.b != B.b)); NEXT; }
H(h_cmp_set) { SET(.b = relation(i->mode, A.set != B.set)); NEXT; }
H(h_set_has) { SET(.b = (A.set & (uint32_t)i->imm) != 0); NEXT; }
H(h_set_any) { SET(.b = (A.set & B.set) != 0); NEXT; }
H(h_not) { SET(.b = !A.b); NEXT; }
H(h_select) { O = copied(i->copy, A.b ? &B : &r[i->c]); NEXT; }
H(h_table) { CHECKED(table_lookup(i, A.s, c, &O)); }
H(h_date_add) { CHECKED(date_add(i, A.d, B.n.n, c, &O)); }
H(h_date_diff)
{
    if (A.d == DATE_OPEN || B.d == DATE_OPEN)
        return fail(c, i->n, NUM_OVERFLOW, "days to an open end date");
    SET(.n = num_int((int64_t)A.d - B.d));
    NEXT;
}
H(h_days_in_month)
{
    int y, m, d;
    if (A.d == DATE_OPEN)
        return fail(c, i->n, NUM_OK, "days_in_month of an open end date");
    date_to_ymd(A.d, &y, &m, &d);
    SET(.n = num_int(date_days_in_month(y, m)));
    NEXT;
}
H(h_overlap_days)
{
    SET(.n = num_int(date_overlap_days(A.d, B.d, r[i->c].d, r[i->d].d)));
    NEXT;
}
H(h_sum_direct) { CHECKED(sum_direct(i, c, &O)); }
H(h_count_all)
{
    SET(.n = num_int((int64_t)(i->lines == 0 ? c->n_children : c->n_staff)));
    NEXT;
}
/* An aggregate continues after its filter's and body's code. */
H(h_agg)
{
    if (!aggregate(i, r, c, &O))
        return false;
    GOTO(i + i->jump);
}
/* Joined formulas (expr_joined): a value into its slot. */
H(h_store_n)
{
    c->nursery_slots[i->imm] = copied(i->copy, &A);
    NEXT;
}
H(h_store_c)
{
    value *s = &c->child_slots[c->cur_child * (size_t)c->child_stride + (size_t)i->imm];
    *s = copied(i->copy, &A);
    NEXT;
}
H(h_store_s)
{
    value *s = &c->staff_slots[c->cur_staff * (size_t)c->staff_stride + (size_t)i->imm];
    *s = copied(i->copy, &A);
    NEXT;
}
H(h_count_distinct)
{
    if (!count_distinct(i, r, c, &O))
        return false;
    GOTO(i + i->jump);
}

#undef A
#undef B
#undef O
#undef CHILD
#undef STAFF
#undef SET
#undef H
#undef NEXT
#undef GOTO
#undef CHECKED

xfn *exprE_handler(xop xo)
{
    static xfn *const table[] = {
        [X_MOV] = h_mov, [X_JMP] = h_jmp, [X_JF] = h_jf, [X_JT] = h_jt, [X_BAD] = h_bad,
        [X_SLOT_N] = h_slot_n, [X_SLOT_C] = h_slot_c, [X_SLOT_S] = h_slot_s,
        [X_DECL_C] = h_decl_c, [X_DECL_S] = h_decl_s, [X_MONTH_VAL] = h_month_val,
        [X_CTX] = h_ctx, [X_C_NURSERY_ID] = h_c_nursery_id, [X_C_CHILD_REF] = h_c_child_ref,
        [X_C_CARE_TYPES] = h_c_care_types, [X_C_FROM] = h_c_from, [X_C_TO] = h_c_to,
        [X_C_DAYS] = h_c_days, [X_S_NURSERY_ID] = h_s_nursery_id,
        [X_S_STAFF_REF] = h_s_staff_ref, [X_S_QUALIFICATION] = h_s_qualification,
        [X_S_EMPLOYMENT] = h_s_employment, [X_S_HOURS] = h_s_hours, [X_S_SALARY] = h_s_salary,
        [X_S_OTHER] = h_s_other, [X_NEG] = h_neg, [X_ADD_I] = h_add_i, [X_SUB_I] = h_sub_i,
        [X_MUL_I] = h_mul_i, [X_ADD] = h_arith, [X_SUB] = h_arith, [X_MUL] = h_arith,
        [X_DIV] = h_arith, [X_ROUND] = h_round, [X_ROUND_DIV_I] = h_round_fused,
        [X_ROUND_MUL] = h_round_fused, [X_ROUND_MULDIV_I] = h_round_muldiv,
        [X_MIN_I] = h_min_i, [X_MAX_I] = h_max_i,
        [X_MIN] = h_min, [X_MAX] = h_max, [X_CMP_I] = h_cmp_i, [X_CMP_NUM] = h_cmp_num,
        [X_CMP_DATE] = h_cmp_date, [X_CMP_TEXT] = h_cmp_text, [X_CMP_BOOL] = h_cmp_bool,
        [X_CMP_SET] = h_cmp_set, [X_SET_HAS] = h_set_has, [X_SET_ANY] = h_set_any,
        [X_NOT] = h_not, [X_SELECT] = h_select, [X_TABLE] = h_table, [X_DATE_ADD] = h_date_add,
        [X_DATE_SUB] = h_date_add, [X_DATE_DIFF] = h_date_diff,
        [X_DAYS_IN_MONTH] = h_days_in_month, [X_OVERLAP_DAYS] = h_overlap_days,
        [X_SUM_SLOT] = h_sum_direct, [X_SUM_SALARY] = h_sum_direct,
        [X_SUM_OTHER] = h_sum_direct, [X_COUNT_ALL] = h_count_all, [X_AGG] = h_agg,
        [X_COUNT_DISTINCT] = h_count_distinct, [X_STORE_N] = h_store_n, [X_STORE_C] = h_store_c, [X_STORE_S] = h_store_s,
    };
    return table[xo];
}

/* Runs instructions [from, to) over registers r; false after a failure. */
static bool xrun(const xins *from, const xins *to, value *r, eval_ctx *c)
{
    return from == to || from->fn(from, to, r, c);
}

/* ---- entry points ------------------------------------------------------ */

enum { SMALL_REGS = 64 };

/* A register file for x with its constants loaded: small ones on the
 * caller's stack (small), others on the heap (free with regs_done). */
static value *regs_for(const xcode *x, value *small)
{
    value *r = small;
    if (x->n_regs > SMALL_REGS && !(r = malloc((size_t)x->n_regs * sizeof *r)))
        abort();
    for (int k = 0; k < x->n_consts; k++) /* a few: no memcpy call */
        r[k] = x->consts[k];
    return r;
}

static void regs_done(value *r, const value *small)
{
    if (r != small)
        free(r);
}

static const value failed = {.n = {0, 1}};

/* The formula's value from its register. */
static inline value result(const expr_code *code, const value *r)
{
    return copied(code->flat->copy, &r[code->flat->result]);
}

value expr_eval(const expr_code *code, eval_ctx *ctx)
{
    const xcode *x = code->flat;
    value small[SMALL_REGS], *r = regs_for(x, small);
    value v = xrun(x->ins, x->ins + x->n_ins, r, ctx) ? result(code, r) : failed;
    regs_done(r, small);
    return v;
}

bool expr_eval_lines(const expr_code *code, eval_ctx *ctx, int slot)
{
    const xcode *x = code->flat;
    value small[SMALL_REGS], *r = regs_for(x, small);
    bool kids = code->scope == SCOPE_CHILD, ok = true;
    size_t n = kids ? ctx->n_children : ctx->n_staff, *cur = kids ? &ctx->cur_child : &ctx->cur_staff;
    size_t stride = (size_t)(kids ? ctx->child_stride : ctx->staff_stride);
    value *out = (kids ? ctx->child_slots : ctx->staff_slots) + slot;
    for (*cur = 0; *cur < n && ok; ++*cur)
        if ((ok = xrun(x->ins, x->ins + x->n_ins, r, ctx)))
            out[*cur * stride] = result(code, r);
    regs_done(r, small);
    return ok;
}

bool expr_joined_run(const expr_joined *g, eval_ctx *ctx)
{
    const xcode *x = &g->x;
    value small[SMALL_REGS], *r = regs_for(x, small);
    bool kids = g->scope == SCOPE_CHILD, ok = true;
    if (g->scope == SCOPE_NURSERY) {
        ok = xrun(x->ins, x->ins + x->n_ins, r, ctx);
        regs_done(r, small);
        return ok;
    }
    size_t n = kids ? ctx->n_children : ctx->n_staff, *cur = kids ? &ctx->cur_child : &ctx->cur_staff;
    const xins *body = x->ins + g->n_pre, *end = x->ins + x->n_ins;
    ok = xrun(x->ins, body, r, ctx); /* the month's values: once (cannot fail) */
    for (*cur = 0; *cur < n && ok; ++*cur)
        ok = xrun(body, end, r, ctx);
    regs_done(r, small);
    return ok;
}

value expr_eval_node(const enode *n, eval_ctx *ctx)
{
    const xcode *x = n->x;
    if (!x || n->x_reg < 0) {
        fail(ctx, n, NUM_OK, "internal: a part of a formula that is not computed alone");
        return failed;
    }
    value small[SMALL_REGS], *r = regs_for(x, small);
    value v = xrun(x->ins + n->x_first, x->ins + n->x_end, r, ctx) ? r[n->x_reg] : failed;
    regs_done(r, small);
    return v;
}

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
