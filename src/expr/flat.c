/* flat: lowers a checked formula tree into its flat code (expr_int.h), once
 * when rules load: constants into registers, operators specialised by the
 * types the checker proved (int64 where both operands are whole), branches
 * into jumps, and round(x / y), round(x * y), round(a * b / c) fused into one
 * instruction.  Every node is mapped to the instructions computing it, so
 * explain can run a part of a formula through the same code.  Also here:
 * joining formulas that run one after another into one code (expr_join),
 * tidied (slots it stores read from their registers, the month's values
 * loaded once); explain and the failure path run the formulas' own codes.
 * Not here: running the code (eval.c), names and types (types.c). */
#include <stdlib.h>
#include <string.h>

#include "expr_int.h"

typedef struct lowerer {
    xins *ins;
    int n_ins, cap_ins;
    value *consts;
    int n_consts, cap_consts;
    int n_temps;
} lowerer;

static int lower(lowerer *L, enode *n, int dst);

/* Whole by type: such values always have d == 1 (value.h, types.c). */
static bool whole(vtype t) { return t == VT_INT || t == VT_DAYS || t == VT_YEN; }

static xcopy copy_kind(vtype t)
{
    return whole(t) ? XC_WHOLE : t == VT_NUMBER || t == VT_YEN_FRAC ? XC_NUM : XC_ANY;
}

static void *grow(void *v, int *cap, size_t size)
{
    *cap = *cap ? *cap * 2 : 16;
    void *w = realloc(v, (size_t)*cap * size);
    if (!w)
        abort();
    return w;
}

static int emit(lowerer *L, xop xo, const enode *n, int dst)
{
    if (L->n_ins == L->cap_ins)
        L->ins = grow(L->ins, &L->cap_ins, sizeof *L->ins);
    L->ins[L->n_ins] = (xins){.op = (uint8_t)xo, .dst = dst, .n = n, .a = -1, .b = -1, .c = -1,
                              .d = -1, .copy = (uint8_t)copy_kind(n->type)};
    return L->n_ins++;
}

/* Temporaries are numbered apart and moved above the constants at the end,
 * so the constants can be counted first. */
enum { TEMP = 1 << 24 };

static int temp(lowerer *L) { return TEMP + L->n_temps++; }

static int constant(lowerer *L, value k)
{
    if (L->n_consts == L->cap_consts)
        L->consts = grow(L->consts, &L->cap_consts, sizeof *L->consts);
    L->consts[L->n_consts] = k;
    return L->n_consts++;
}

static int target(lowerer *L, int dst) { return dst >= 0 ? dst : temp(L); }

/* A value already in register r, wanted in dst (if any). */
static int place(lowerer *L, const enode *n, int r, int dst)
{
    if (dst < 0 || dst == r)
        return r;
    int i = emit(L, X_MOV, n, dst);
    L->ins[i].a = r;
    return dst;
}

static int unary(lowerer *L, xop xo, enode *n, enode *a, int dst)
{
    int ra = lower(L, a, -1), r = target(L, dst);
    int i = emit(L, xo, n, r);
    L->ins[i].a = ra;
    return r;
}

static int binary(lowerer *L, xop xo, enode *n, enode *a, enode *b, int dst)
{
    int ra = lower(L, a, -1), rb = lower(L, b, -1), r = target(L, dst);
    int i = emit(L, xo, n, r);
    L->ins[i].a = ra;
    L->ins[i].b = rb;
    L->ins[i].mode = (uint8_t)n->which;
    return r;
}

static int arith(lowerer *L, enode *n, int dst)
{
    bool ints = whole(n->a->type) && whole(n->b->type);
    xop xo = n->op == OP_ADD   ? (ints ? X_ADD_I : X_ADD)
             : n->op == OP_SUB ? (ints ? X_SUB_I : X_SUB)
             : n->op == OP_MUL ? (ints ? X_MUL_I : X_MUL)
                               : X_DIV;
    return binary(L, xo, n, n->a, n->b, dst);
}

/* A node computed inside its parent's instruction: no register of its own. */
static void fused(enode *n, int at)
{
    n->x_first = n->x_end = at;
    n->x_reg = -1;
}

/* A node whose value cannot fail: computing it before an operator that is
 * written earlier changes no failure. */
static bool cannot_fail(const enode *n)
{
    switch (n->op) {
    case OP_CONST:
    case OP_CTX:
    case OP_SLOT_N:
    case OP_SLOT_C:
    case OP_SLOT_S:
    case OP_FIELD_C:
    case OP_FIELD_S:
    case OP_DECL_C:
    case OP_DECL_S: return true;
    default: return false;
    }
}

/* round(a * b / c) of whole a, b, c whose c cannot fail (so that the
 * product may be checked after c is loaded): day proration. */
static bool is_muldiv(const enode *x)
{
    const enode *m = x->a;
    return x->op == OP_DIV && m->op == OP_MUL && whole(m->a->type) && whole(m->b->type) &&
           whole(x->b->type) && cannot_fail(x->b);
}

/* round(a * b / c): one instruction over three registers, the product and
 * the quotient fused (their nodes kept for their failures). */
static int lower_muldiv(lowerer *L, enode *n, int dst)
{
    enode *x = n->a, *m = x->a;
    int start = L->n_ins;
    int ra = lower(L, m->a, -1), rb = lower(L, m->b, -1), rc = lower(L, x->b, -1);
    int i = emit(L, X_ROUND_MULDIV_I, n, target(L, dst));
    L->ins[i].a = ra;
    L->ins[i].b = rb;
    L->ins[i].c = rc;
    L->ins[i].fused = x;
    L->ins[i].mode = (uint8_t)n->which;
    L->ins[i].imm = n->k.n.n;
    fused(x, start);
    fused(m, start);
    return L->ins[i].dst;
}

/* round(x / y) of whole x and y, round(x * y) with a fraction: one
 * instruction, the operator's node kept for the operator's own failures. */
static int lower_round(lowerer *L, enode *n, int dst)
{
    enode *x = n->a;
    xop xo = X_ROUND;
    if (is_muldiv(x))
        return lower_muldiv(L, n, dst);
    if (x->op == OP_DIV && whole(x->a->type) && whole(x->b->type))
        xo = X_ROUND_DIV_I;
    else if (x->op == OP_MUL && !(whole(x->a->type) && whole(x->b->type)))
        xo = X_ROUND_MUL;
    int i;
    if (xo == X_ROUND) {
        int ra = lower(L, x, -1);
        i = emit(L, xo, n, target(L, dst));
        L->ins[i].a = ra;
    } else {
        int start = L->n_ins;
        int ra = lower(L, x->a, -1), rb = lower(L, x->b, -1);
        i = emit(L, xo, n, target(L, dst));
        L->ins[i].a = ra;
        L->ins[i].b = rb;
        L->ins[i].fused = x;
        fused(x, start);
    }
    L->ins[i].mode = (uint8_t)n->which;
    L->ins[i].imm = n->k.n.n;
    return L->ins[i].dst;
}

/* min/max(a, b, c…) as a chain: best = a; best = op(best, b); … (the tree
 * walker's loop, compared pairwise in the same order). */
static int lower_minmax(lowerer *L, enode *n, int dst)
{
    bool ints = true;
    for (int i = 0; i < n->nargs; i++)
        ints = ints && whole(n->args[i]->type);
    xop xo = n->op == OP_MIN ? (ints ? X_MIN_I : X_MIN) : (ints ? X_MAX_I : X_MAX);
    int best = lower(L, n->args[0], -1);
    if (n->nargs == 1)
        return place(L, n, best, dst);
    int r = target(L, dst);
    for (int k = 1; k < n->nargs; k++) {
        int rk = lower(L, n->args[k], -1);
        int i = emit(L, xo, n, r);
        L->ins[i].a = best;
        L->ins[i].b = rk;
        best = r;
    }
    return r;
}

static bool is_const(const enode *n) { return n->op == OP_CONST || n->op == OP_STR; }

/* if a then b else c: both branches land in the if's register; between two
 * constants, a select without jumps. */
static int lower_if(lowerer *L, enode *n, int dst)
{
    int cond = lower(L, n->a, -1), r = target(L, dst);
    if (is_const(n->b) && is_const(n->c)) {
        int kb = lower(L, n->b, -1), kc = lower(L, n->c, -1);
        int i = emit(L, X_SELECT, n, r);
        L->ins[i].a = cond;
        L->ins[i].b = kb;
        L->ins[i].c = kc;
        return r;
    }
    int jf = emit(L, X_JF, n, -1);
    L->ins[jf].a = cond;
    lower(L, n->b, r);
    int jmp = emit(L, X_JMP, n, -1);
    L->ins[jf].jump = L->n_ins;
    lower(L, n->c, r);
    L->ins[jmp].jump = L->n_ins;
    return r;
}

/* a and b, a or b: b only when a does not decide (as && and ||). */
static int lower_logic(lowerer *L, enode *n, int dst)
{
    int r = target(L, dst);
    lower(L, n->a, r);
    int j = emit(L, n->op == OP_AND ? X_JF : X_JT, n, -1);
    L->ins[j].a = r;
    lower(L, n->b, r);
    L->ins[j].jump = L->n_ins;
    return r;
}

static bool is_body(const enode *b, op o, int which) { return b && b->op == o && b->which == which; }

/* sum(lines, body) with the body read in place: a line value's slot, a
 * staff line's yen column; count(lines) is the number of lines. */
static xop direct_aggregate(const enode *n)
{
    bool staff = n->line_kind == VT_STAFF;
    if (n->b || n->line_kind == VT_MONTHS)
        return X_AGG;
    if (n->which == AGG_COUNT && !n->c)
        return X_COUNT_ALL;
    if (n->which != AGG_SUM)
        return X_AGG;
    if (n->c->op == (staff ? OP_SLOT_S : OP_SLOT_C))
        return X_SUM_SLOT;
    if (staff && is_body(n->c, OP_FIELD_S, FS_SALARY))
        return X_SUM_SALARY;
    if (staff && is_body(n->c, OP_FIELD_S, FS_OTHER))
        return X_SUM_OTHER;
    return X_AGG;
}

/* An aggregate's instruction, then its filter's code and its body's. */
static int lower_aggregate(lowerer *L, enode *n, int dst)
{
    xop xo = n->which == AGG_COUNT_DISTINCT ? X_COUNT_DISTINCT : direct_aggregate(n);
    int r = target(L, dst), i = emit(L, xo, n, r);
    L->ins[i].mode = (uint8_t)n->which;
    L->ins[i].lines = n->line_kind == VT_CHILDREN ? 0 : n->line_kind == VT_STAFF ? 1 : 2;
    if (xo == X_SUM_SLOT) {
        L->ins[i].imm = n->c->slot;
        L->ins[i].copy = (uint8_t)copy_kind(n->c->type); /* the line values' */
        fused(n->c, i);
    } else if (xo == X_SUM_SALARY || xo == X_SUM_OTHER) {
        fused(n->c, i);
    }
    if (xo == X_COUNT_DISTINCT && !n->b && is_body(n->c, OP_FIELD_C, FC_CHILD_REF))
        L->ins[i].imm = 1; /* count_distinct(children, child_ref): refs read in place */
    if (xo == X_AGG || xo == X_COUNT_DISTINCT) { /* lower() may move L->ins: results first */
        int filter = n->b ? lower(L, n->b, -1) : -1, body_at = L->n_ins;
        int body = n->c ? lower(L, n->c, -1) : -1;
        L->ins[i].b = filter;
        L->ins[i].c = body_at;
        L->ins[i].a = body;
        L->ins[i].jump = L->n_ins;
    }
    return r;
}

static xop field_op(const enode *n)
{
    static const xop child[] = {[FC_NURSERY_ID] = X_C_NURSERY_ID, [FC_CHILD_REF] = X_C_CHILD_REF,
                                [FC_CARE_TYPES] = X_C_CARE_TYPES, [FC_FROM] = X_C_FROM,
                                [FC_TO] = X_C_TO, [FC_DAYS] = X_C_DAYS};
    static const xop staff[] = {
        [FS_NURSERY_ID] = X_S_NURSERY_ID, [FS_STAFF_REF] = X_S_STAFF_REF,
        [FS_QUALIFICATION] = X_S_QUALIFICATION, [FS_EMPLOYMENT] = X_S_EMPLOYMENT,
        [FS_HOURS] = X_S_HOURS, [FS_SALARY] = X_S_SALARY, [FS_OTHER] = X_S_OTHER};
    return n->op == OP_FIELD_C ? child[n->which] : staff[n->which];
}

/* A load of a slot, field or month value: one instruction with imm. */
static int load(lowerer *L, xop xo, enode *n, int64_t imm, int dst)
{
    int r = target(L, dst);
    int i = emit(L, xo, n, r);
    L->ins[i].imm = imm;
    return r;
}

static int lower_node(lowerer *L, enode *n, int dst)
{
    switch (n->op) {
    case OP_CONST:
    case OP_STR: return place(L, n, constant(L, n->k), dst);
    case OP_SLOT_N: return load(L, X_SLOT_N, n, n->slot, dst);
    case OP_SLOT_C: return load(L, X_SLOT_C, n, n->slot, dst);
    case OP_SLOT_S: return load(L, X_SLOT_S, n, n->slot, dst);
    case OP_DECL_C: return load(L, X_DECL_C, n, n->slot, dst);
    case OP_DECL_S: return load(L, X_DECL_S, n, n->slot, dst);
    case OP_MONTH_VAL: return load(L, X_MONTH_VAL, n, n->slot, dst);
    case OP_CTX: return load(L, X_CTX, n, n->which, dst);
    case OP_FIELD_C:
    case OP_FIELD_S: return load(L, field_op(n), n, 0, dst);
    case OP_NEG: return unary(L, X_NEG, n, n->a, dst);
    case OP_NOT: return unary(L, X_NOT, n, n->a, dst);
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV: return arith(L, n, dst);
    case OP_AND:
    case OP_OR: return lower_logic(L, n, dst);
    case OP_IF: return lower_if(L, n, dst);
    case OP_CMP_NUM:
        return binary(L, whole(n->a->type) && whole(n->b->type) ? X_CMP_I : X_CMP_NUM, n, n->a,
                      n->b, dst);
    case OP_CMP_DATE: return binary(L, X_CMP_DATE, n, n->a, n->b, dst);
    case OP_CMP_TEXT: return binary(L, X_CMP_TEXT, n, n->a, n->b, dst);
    case OP_CMP_BOOL: return binary(L, X_CMP_BOOL, n, n->a, n->b, dst);
    case OP_CMP_SET: return binary(L, X_CMP_SET, n, n->a, n->b, dst);
    case OP_SET_ANY: return binary(L, X_SET_ANY, n, n->a, n->b, dst);
    case OP_SET_HAS: {
        int r = unary(L, X_SET_HAS, n, n->b, dst); /* n->a is the care type's literal */
        L->ins[L->n_ins - 1].imm = n->k.set;
        return r;
    }
    case OP_ROUND: return lower_round(L, n, dst);
    case OP_MIN:
    case OP_MAX: return lower_minmax(L, n, dst);
    case OP_AGG: return lower_aggregate(L, n, dst);
    case OP_TABLE: {
        int r = unary(L, X_TABLE, n, n->a, dst);
        L->ins[L->n_ins - 1].tab = n->tab;
        return r;
    }
    case OP_DATE_ADD: return binary(L, X_DATE_ADD, n, n->a, n->b, dst);
    case OP_DATE_SUB_DAYS: return binary(L, X_DATE_SUB, n, n->a, n->b, dst);
    case OP_DATE_DIFF: return binary(L, X_DATE_DIFF, n, n->a, n->b, dst);
    case OP_DAYS_IN_MONTH: return unary(L, X_DAYS_IN_MONTH, n, n->a, dst);
    case OP_OVERLAP_DAYS: {
        int r4[4];
        for (int k = 0; k < 4; k++)
            r4[k] = lower(L, n->args[k], -1);
        int r = target(L, dst), i = emit(L, X_OVERLAP_DAYS, n, r);
        L->ins[i].a = r4[0];
        L->ins[i].b = r4[1];
        L->ins[i].c = r4[2];
        L->ins[i].d = r4[3];
        return r;
    }
    default: { /* the parser's own forms never reach here resolved */
        int r = target(L, dst);
        emit(L, X_BAD, n, r);
        return r;
    }
    }
}

/* Lowers n, its value left in dst (>= 0) or in a register of its choosing;
 * records the node's instructions and register. */
static int lower(lowerer *L, enode *n, int dst)
{
    int first = L->n_ins, r = lower_node(L, n, dst);
    n->x_first = first;
    n->x_end = L->n_ins;
    n->x_reg = r;
    return r;
}

static int final_reg(int r, int n_consts) { return r >= TEMP ? r - TEMP + n_consts : r; }

/* The argument nodes that are not also a, b or c (the checker points a, b,
 * c at arguments; an aggregate's arguments are its a, b and c). */
static bool other_arg(const enode *n, int i)
{
    const enode *g = n->args[i];
    return n->op != OP_AGG && g != n->a && g != n->b && g != n->c;
}

/* Nodes no instruction computes (an aggregate's `children`, the literal of
 * "x" in care_types) keep x_reg -1. */
static void unmap(enode *n)
{
    if (!n)
        return;
    n->x_reg = -1;
    unmap(n->a);
    unmap(n->b);
    unmap(n->c);
    for (int i = 0; i < n->nargs; i++)
        if (other_arg(n, i))
            unmap(n->args[i]);
}

/* Gives every node the finished code and its final register numbers. */
static void finish_nodes(enode *n, const xcode *x)
{
    if (!n)
        return;
    n->x = x;
    if (n->x_reg >= 0)
        n->x_reg = final_reg(n->x_reg, x->n_consts);
    finish_nodes(n->a, x);
    finish_nodes(n->b, x);
    finish_nodes(n->c, x);
    for (int i = 0; i < n->nargs; i++)
        if (other_arg(n, i))
            finish_nodes(n->args[i], x);
}

/* Instruction in with final register numbers, jump targets relative to
 * itself (index i), and its handler. */
static xins finish_ins(xins in, int i, int n_consts)
{
    in.dst = in.dst >= 0 ? final_reg(in.dst, n_consts) : in.dst;
    in.a = in.a >= 0 ? final_reg(in.a, n_consts) : in.a;
    in.b = in.b >= 0 ? final_reg(in.b, n_consts) : in.b;
    in.d = in.d >= 0 ? final_reg(in.d, n_consts) : in.d;
    if (exprF_c_is_reg(in.op))
        in.c = final_reg(in.c, n_consts);
    if (in.op == X_JMP || in.op == X_JF || in.op == X_JT || in.op == X_AGG ||
        in.op == X_COUNT_DISTINCT)
        in.jump -= i;
    if (in.op == X_AGG || in.op == X_COUNT_DISTINCT) /* c is the body's start */
        in.c -= i;
    in.fn = exprE_handler((xop)in.op);
    return in;
}

const xcode *exprF_lower(arena *a, enode *root)
{
    lowerer L = {0};
    unmap(root);
    int r = lower(&L, root, -1);
    xcode *x = arena_calloc(a, 1, sizeof *x);
    xins *ins = arena_calloc(a, (size_t)L.n_ins + 1, sizeof *ins);
    value *k = arena_calloc(a, (size_t)L.n_consts + 1, sizeof *k);
    for (int i = 0; i < L.n_ins; i++)
        ins[i] = finish_ins(L.ins[i], i, L.n_consts);
    if (L.n_consts)
        memcpy(k, L.consts, (size_t)L.n_consts * sizeof *k);
    *x = (xcode){.ins = ins, .n_ins = L.n_ins, .consts = k, .n_consts = L.n_consts,
                 .n_regs = L.n_consts + L.n_temps, .result = final_reg(r, L.n_consts),
                 .copy = (uint8_t)copy_kind(root->type)};
    finish_nodes(root, x);
    free(L.ins);
    free(L.consts);
    return x;
}

/* ---- joined formulas (expr_joined) ----------------------------------- */

static bool has_aggregate(const xcode *x)
{
    for (int i = 0; i < x->n_ins; i++)
        if (x->ins[i].op >= X_SUM_SLOT && x->ins[i].op <= X_COUNT_DISTINCT)
            return true;
    return false;
}

static bool joinable(const expr_code *const *codes, size_t n)
{
    if (n < 2)
        return false;
    for (size_t j = 0; j < n; j++)
        if (codes[j]->scope != codes[0]->scope ||
            (codes[j]->scope != SCOPE_NURSERY && has_aggregate(codes[j]->flat)))
            return false;
    return true;
}

/* Where formula j's registers go in the joined code: all constants first
 * (so that a run loads one block), then all temporaries. */
typedef struct moved {
    int consts, temps; /* formula j's first constant and first temporary */
    int n_consts;      /* formula j's own count */
} moved;

static int32_t move_reg(int32_t r, moved m)
{
    return r < 0 ? r : r < m.n_consts ? m.consts + r : m.temps + (r - m.n_consts);
}

static void copy_moved(xins *out, const xcode *x, moved m)
{
    for (int i = 0; i < x->n_ins; i++) {
        xins in = x->ins[i];
        in.dst = move_reg(in.dst, m);
        in.a = move_reg(in.a, m);
        in.b = move_reg(in.b, m);
        in.d = move_reg(in.d, m);
        if (exprF_c_is_reg(in.op))
            in.c = move_reg(in.c, m);
        out[i] = in;
    }
}

/* ---- the joined code tidied: slots it stored read from their registers,
 * the month's values out of the line loop ------------------------------- */

typedef struct tidy {
    xins *ins;
    int n_ins;
    int *rename;   /* per register: the register its readers read instead */
    uint8_t *fate; /* per instruction: KEEP, DROP or HOIST */
} tidy;

enum { KEEP, DROP, HOIST };

static int writers(const tidy *t, int reg)
{
    int w = 0;
    for (int k = 0; k < t->n_ins; k++)
        w += t->ins[k].dst == reg;
    return w;
}

static int32_t renamed(const tidy *t, int32_t r) { return r < 0 ? r : t->rename[r]; }

/* The store a slot load at k reads (one of an earlier formula of this code:
 * same scope, same slot), or -1. */
static int store_read(const tidy *t, int k)
{
    int xo = t->ins[k].op;
    int store = xo == X_SLOT_N   ? X_STORE_N
                : xo == X_SLOT_C ? X_STORE_C
                : xo == X_SLOT_S ? X_STORE_S
                                 : -1;
    for (int j = k - 1; store >= 0 && j >= 0; j--)
        if (t->ins[j].op == store && t->ins[j].imm == t->ins[k].imm)
            return j;
    return -1;
}

/* Decides each instruction's fate.  A load of a slot stored earlier is
 * dropped, its readers reading the stored register (registers of a joined
 * code are never reused, so that one still holds the value); for line code,
 * a month value (X_CTX: the same for every line) is hoisted.  Only where
 * the load's register has no other writer (not an if's shared register). */
static void decide(tidy *t, bool lines)
{
    for (int k = 0; k < t->n_ins; k++) {
        xins *in = &t->ins[k];
        int s = store_read(t, k);
        if (s >= 0 && writers(t, in->dst) == 1) {
            t->fate[k] = DROP;
            t->rename[in->dst] = renamed(t, t->ins[s].a);
        } else if (lines && in->op == X_CTX && writers(t, in->dst) == 1) {
            t->fate[k] = HOIST;
        }
    }
}

/* Where instruction k lands in the per-line part: the first kept one at or
 * after it (a jump to a dropped load lands on what follows). */
static int landing(const tidy *t, const int *at, int k)
{
    while (k < t->n_ins && t->fate[k] != KEEP)
        k++;
    return at[k];
}

/* Lays the instructions out (hoisted ones first, in order; then the kept
 * ones) into out, with readers renamed and relative targets moved;
 * returns how many are hoisted. */
static int lay_out(const tidy *t, xins *out, int *n_out)
{
    int *at = malloc(((size_t)t->n_ins + 1) * sizeof *at), n_pre = 0, n = 0;
    if (!at)
        abort();
    for (int k = 0; k < t->n_ins; k++)
        n_pre += t->fate[k] == HOIST;
    for (int k = 0, h = 0, b = n_pre; k < t->n_ins; k++)
        at[k] = t->fate[k] == HOIST ? h++ : t->fate[k] == KEEP ? b++ : -1;
    for (int k = 0; k < t->n_ins; k++)
        n += t->fate[k] == KEEP;
    at[t->n_ins] = n_pre + n;
    for (int k = 0; k < t->n_ins; k++) {
        if (t->fate[k] == DROP)
            continue;
        xins in = t->ins[k];
        in.a = renamed(t, in.a);
        in.b = renamed(t, in.b);
        in.d = renamed(t, in.d);
        if (exprF_c_is_reg(in.op))
            in.c = renamed(t, in.c);
        bool jumps = in.op == X_JMP || in.op == X_JF || in.op == X_JT;
        bool body = in.op == X_AGG || in.op == X_COUNT_DISTINCT;
        if (jumps || body)
            in.jump = landing(t, at, k + in.jump) - at[k];
        if (body)
            in.c = landing(t, at, k + in.c) - at[k];
        out[at[k]] = in;
    }
    *n_out = n_pre + n;
    free(at);
    return n_pre;
}

/* Tidies g's code in place (it only shrinks). */
static void tidy_joined(expr_joined *g, xins *ins)
{
    tidy t = {ins, g->x.n_ins, malloc(((size_t)g->x.n_regs + 1) * sizeof *t.rename),
              calloc((size_t)g->x.n_ins + 1, 1)};
    xins *out = malloc(((size_t)g->x.n_ins + 1) * sizeof *out);
    if (!t.rename || !t.fate || !out)
        abort();
    for (int r = 0; r < g->x.n_regs; r++)
        t.rename[r] = r;
    decide(&t, g->scope != SCOPE_NURSERY);
    g->n_pre = lay_out(&t, out, &g->x.n_ins);
    memcpy(ins, out, (size_t)g->x.n_ins * sizeof *ins);
    free(out);
    free(t.rename);
    free(t.fate);
}

const expr_joined *expr_join(arena *a, const expr_code *const *codes, const int *slots,
                             size_t n)
{
    if (!joinable(codes, n))
        return NULL;
    int n_ins = 0, n_regs = 0, n_consts = 0;
    for (size_t j = 0; j < n; j++) {
        n_ins += codes[j]->flat->n_ins + 1;
        n_regs += codes[j]->flat->n_regs;
        n_consts += codes[j]->flat->n_consts;
    }
    xins *ins = arena_calloc(a, (size_t)n_ins, sizeof *ins);
    value *init = arena_calloc(a, (size_t)n_consts + 1, sizeof *init);
    int at = 0;
    moved m = {0, n_consts, 0};
    rule_scope scope = codes[0]->scope;
    xop store = scope == SCOPE_NURSERY ? X_STORE_N : scope == SCOPE_CHILD ? X_STORE_C : X_STORE_S;
    for (size_t j = 0; j < n; j++) {
        const xcode *x = codes[j]->flat;
        m.n_consts = x->n_consts;
        copy_moved(ins + at, x, m);
        at += x->n_ins;
        if (x->n_consts)
            memcpy(init + m.consts, x->consts, (size_t)x->n_consts * sizeof *init);
        ins[at] = (xins){.fn = exprE_handler(store), .op = (uint8_t)store, .copy = x->copy,
                         .a = move_reg(x->result, m), .b = -1, .c = -1, .d = -1, .dst = -1,
                         .imm = slots[j], .n = codes[j]->root};
        at++;
        m.consts += x->n_consts;
        m.temps += x->n_regs - x->n_consts;
    }
    expr_joined *g = arena_calloc(a, 1, sizeof *g);
    g->x = (xcode){.ins = ins, .n_ins = n_ins, .consts = init, .n_consts = n_consts,
                   .n_regs = n_regs};
    g->scope = scope;
    tidy_joined(g, ins);
    return g;
}
