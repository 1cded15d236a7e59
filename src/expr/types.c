/* types: resolves every name of a parsed formula (program value, line field,
 * month context, function) and checks types, rewriting nodes in place into
 * their executable form (slots, fields, constants, typed operators).  The
 * money rules live here: yen × a fraction or yen ÷ anything is "unrounded
 * yen", which only round_down/round_up/round_half_up turn back into yen. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "expr_int.h"

typedef struct checker {
    expr_compiler *c;
    const char *text;
    rule_scope scope;  /* scope of the value being defined */
    vtype line;        /* line kind in context: VT_CHILDREN, VT_STAFF or VT_NONE */
    bool ok;
} checker;

static bool check(checker *k, enode *n);

static void terr(checker *k, const enode *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void terr(checker *k, const enode *n, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line, col;
    exprP_pos(n->src, k->text, n->off, &line, &col);
    diag_error(k->c->d, n->src->file, line, col, "formula: %s", msg);
    k->ok = false;
}

static bool is_num(vtype t)
{
    return t == VT_INT || t == VT_NUMBER || t == VT_DAYS || t == VT_YEN || t == VT_YEN_FRAC;
}
static bool is_yen(vtype t) { return t == VT_YEN || t == VT_YEN_FRAC; }

/* Type of a + b (also of if-branches, min/max, comparisons); VT_NONE if none. */
static vtype unify(vtype a, vtype b)
{
    if (a == b)
        return a;
    if (a == VT_INT && is_num(b))
        return b;
    if (b == VT_INT && is_num(a))
        return a;
    if (is_yen(a) && is_yen(b))
        return VT_YEN_FRAC;
    if ((a == VT_NUMBER && b == VT_DAYS) || (a == VT_DAYS && b == VT_NUMBER))
        return VT_NUMBER;
    return VT_NONE;
}

static vtype mul_type(vtype a, vtype b)
{
    if (is_yen(a) && is_yen(b))
        return VT_NONE;
    if (is_yen(b)) {
        vtype t = a;
        a = b;
        b = t;
    }
    if (a == VT_YEN)
        return b == VT_INT || b == VT_DAYS ? VT_YEN : VT_YEN_FRAC;
    if (a == VT_YEN_FRAC)
        return VT_YEN_FRAC;
    if (a == VT_INT && b == VT_INT)
        return VT_INT;
    if ((a == VT_INT && b == VT_DAYS) || (a == VT_DAYS && b == VT_INT))
        return VT_DAYS;
    return VT_NUMBER;
}

static vtype div_type(vtype a, vtype b)
{
    if (is_yen(b))
        return is_yen(a) ? VT_NUMBER : VT_NONE;
    return is_yen(a) ? VT_YEN_FRAC : VT_NUMBER;
}

static bool want(checker *k, enode *n, bool cond, const char *what)
{
    if (!cond)
        terr(k, n, "expected %s, found %s", what, vtype_name(n->type));
    return cond;
}

/* ---- names ---------------------------------------------------------- */

static void add_dep(expr_compiler *c, const rule_value *rv)
{
    for (size_t i = 0; i < c->n_deps; i++)
        if (c->deps[i] == rv)
            return;
    if (c->n_deps == c->cap_deps) {
        size_t cap = c->cap_deps ? c->cap_deps * 2 : 8;
        const rule_value **v = arena_calloc(c->a, cap, sizeof *v);
        if (c->n_deps)
            memcpy(v, c->deps, c->n_deps * sizeof *v);
        c->deps = v;
        c->cap_deps = cap;
    }
    c->deps[c->n_deps++] = rv;
}

static void add_field(expr_compiler *c, const char *name)
{
    for (size_t i = 0; i < c->n_fields; i++)
        if (!strcmp(c->fields[i], name))
            return;
    if (c->n_fields == c->cap_fields) {
        size_t cap = c->cap_fields ? c->cap_fields * 2 : 8;
        const char **v = arena_calloc(c->a, cap, sizeof *v);
        if (c->n_fields)
            memcpy(v, c->fields, c->n_fields * sizeof *v);
        c->fields = v;
        c->cap_fields = cap;
    }
    c->fields[c->n_fields++] = name;
}

static bool resolve_field(checker *k, enode *n)
{
    if (k->line != VT_CHILDREN && k->line != VT_STAFF)
        return false;
    const expr_field *f = expr_field_find(
        k->c->field_table, k->line == VT_CHILDREN ? EXPR_FIELD_CHILD : EXPR_FIELD_STAFF, n->name);
    if (!f)
        return false;
    bool child = f->kind == EXPR_FIELD_CHILD;
    if (f->decl)
        n->op = child ? OP_DECL_C : OP_DECL_S, n->slot = f->which;
    else
        n->op = child ? OP_FIELD_C : OP_FIELD_S;
    n->which = f->which;
    n->type = f->type;
    add_field(k->c, f->name);
    return true;
}

static bool resolve_value(checker *k, enode *n, const rule_value *rv)
{
    add_dep(k->c, rv);
    n->rv = rv;
    n->type = rv->type;
    if (rv->kind == RV_PARAM) {
        n->op = OP_CONST;
        n->k = rv->param;
        return true;
    }
    if (rv->kind == RV_TABLE) {
        terr(k, n, "'%s' is a table: look a row up with %s[key]", n->name, n->name);
        return false;
    }
    n->slot = rv->slot;
    if (rv->scope == SCOPE_NURSERY) {
        n->op = OP_SLOT_N;
        return true;
    }
    vtype need = rv->scope == SCOPE_CHILD ? VT_CHILDREN : VT_STAFF;
    if (k->line != need) {
        terr(k, n, "'%s' is a value of each %s line; use it inside sum(%s, ...) or another "
                   "aggregate", n->name, need == VT_CHILDREN ? "child" : "staff",
             need == VT_CHILDREN ? "children" : "staff");
        return false;
    }
    n->op = rv->scope == SCOPE_CHILD ? OP_SLOT_C : OP_SLOT_S;
    return true;
}

/* Settlement names: 1 resolved, 0 not one of them, -1 reported. */
static int check_settle_name(checker *k, enode *n)
{
    expr_compiler *c = k->c;
    expr_binding mb = c->resolve_month ? c->resolve_month(c->resolve_month_ctx, n->name)
                                       : (expr_binding){BIND_NONE, NULL};
    if (k->line == VT_MONTHS && mb.kind == BIND_VALUE) {
        n->op = OP_MONTH_VAL;
        n->slot = mb.rv->slot;
        n->rv = mb.rv;
        n->type = mb.rv->type;
        add_field(c, mb.rv->name);
        return 1;
    }
    const expr_field *f = expr_field_find(k->c->field_table, EXPR_FIELD_SETTLE, n->name);
    if (f) {
        if (!c->settlement) {
            terr(k, n, "'%s' can only be used in a settlement formula", n->name);
            return -1;
        }
        n->op = OP_CTX;
        n->which = f->which;
        n->type = f->type;
        if (n->type != VT_MONTHS)
            add_field(c, f->name);
        return 1;
    }
    if (mb.kind == BIND_VALUE) {
        terr(k, n, "'%s' is a value of each month: use it inside sum(months, ...) or another "
                   "aggregate", n->name);
        return -1;
    }
    if (c->settlement && c->resolve(c->resolve_ctx, n->name).kind != BIND_VALUE &&
        expr_field_find(k->c->field_table, EXPR_FIELD_MONTH, n->name)) {
        terr(k, n, "'%s' is a name of a claim month; a settlement formula reads months "
                   "and the actuals report", n->name);
        return -1;
    }
    return 0;
}

static bool check_name(checker *k, enode *n)
{
    if (resolve_field(k, n))
        return true;
    int s = check_settle_name(k, n);
    if (s)
        return s > 0;
    expr_binding b = k->c->resolve(k->c->resolve_ctx, n->name);
    if (b.kind == BIND_VALUE)
        return resolve_value(k, n, b.rv);
    const expr_field *f = expr_field_find(k->c->field_table, EXPR_FIELD_MONTH, n->name);
    if (f) {
        n->op = OP_CTX;
        n->which = f->which;
        n->type = f->type;
        if (n->type != VT_CHILDREN && n->type != VT_STAFF)
            add_field(k->c, f->name);
        return true;
    }
    if (expr_field_find(k->c->field_table, EXPR_FIELD_CHILD, n->name) && k->line != VT_CHILDREN) {
        terr(k, n, "'%s' is a field of a child line: use it in a child value or inside "
                   "sum(children, ...)", n->name);
        return false;
    }
    if (expr_field_find(k->c->field_table, EXPR_FIELD_STAFF, n->name)) {
        terr(k, n, "'%s' is a field of a staff line: use it in a staff value or inside "
                   "sum(staff, ...)", n->name);
        return false;
    }
    const char *hint = k->c->unknown_hint ? k->c->unknown_hint(k->c->hint_ctx, n->name) : NULL;
    terr(k, n, "unknown name '%s'%s", n->name,
         k->line == VT_MONTHS ? " (not a nursery value under values: of this program's months)"
         : hint               ? hint
                              : "");
    return false;
}

/* ---- operators ------------------------------------------------------ */

static bool check_arith(checker *k, enode *n)
{
    vtype a = n->a->type, b = n->b->type, t = VT_NONE;
    if (n->op == OP_ADD || n->op == OP_SUB) {
        if (a == VT_DATE && (b == VT_DAYS || b == VT_INT)) {
            n->op = n->op == OP_ADD ? OP_DATE_ADD : OP_DATE_SUB_DAYS;
            n->type = VT_DATE;
            return true;
        }
        if (n->op == OP_SUB && a == VT_DATE && b == VT_DATE) {
            n->op = OP_DATE_DIFF;
            n->type = VT_DAYS;
            return true;
        }
        if (is_num(a) && is_num(b))
            t = unify(a, b);
    } else if (is_num(a) && is_num(b)) {
        t = n->op == OP_MUL ? mul_type(a, b) : div_type(a, b);
    }
    if (t == VT_NONE) {
        static const char *verb[] = {[OP_ADD] = "add", [OP_SUB] = "subtract",
                                     [OP_MUL] = "multiply", [OP_DIV] = "divide"};
        terr(k, n, "cannot %s %s and %s", verb[n->op], vtype_name(a), vtype_name(b));
        return false;
    }
    n->type = t;
    return true;
}

/* A text literal compared with a declared code column (training == "basic")
 * must be one of its codes or "" (an empty cell): a typo would never match. */
static bool code_literal_ok(checker *k, const enode *field, const enode *lit)
{
    if ((field->op != OP_DECL_C && field->op != OP_DECL_S) || lit->op != OP_STR || !*lit->k.s)
        return true;
    const expr_field *f = expr_field_find(
        k->c->field_table, field->op == OP_DECL_C ? EXPR_FIELD_CHILD : EXPR_FIELD_STAFF,
        field->name);
    if (!f || !f->decl || f->decl->type != COL_CODE)
        return true;
    char list[256] = "";
    for (size_t i = 0; i < f->decl->n_codes; i++) {
        if (!strcmp(f->decl->codes[i], lit->k.s))
            return true;
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", f->decl->codes[i]);
    }
    terr(k, lit, "\"%s\" is not a code of the column '%s' (%s)", lit->k.s, f->name, list);
    return false;
}

static bool check_cmp(checker *k, enode *n)
{
    vtype a = n->a->type, b = n->b->type;
    int rel = n->op; /* OP_EQ … OP_GE, kept in which */
    n->which = rel;
    n->type = VT_BOOL;
    if (is_num(a) && is_num(b) && unify(a, b) != VT_NONE)
        n->op = OP_CMP_NUM;
    else if (a == VT_DATE && b == VT_DATE)
        n->op = OP_CMP_DATE;
    else if (a == VT_TEXT && b == VT_TEXT) {
        if (!code_literal_ok(k, n->a, n->b) || !code_literal_ok(k, n->b, n->a))
            return false;
        n->op = OP_CMP_TEXT;
    }
    else if (a == VT_BOOL && b == VT_BOOL && (rel == OP_EQ || rel == OP_NE))
        n->op = OP_CMP_BOOL;
    else if (a == VT_CARE_SET && b == VT_CARE_SET && (rel == OP_EQ || rel == OP_NE))
        n->op = OP_CMP_SET;
    else {
        terr(k, n, "cannot compare %s with %s", vtype_name(a), vtype_name(b));
        return false;
    }
    return true;
}

static int care_index(checker *k, const char *code)
{
    for (size_t i = 0; i < k->c->n_care; i++)
        if (!strcmp(k->c->care_codes[i], code))
            return (int)i;
    return -1;
}

static bool check_in(checker *k, enode *n)
{
    n->type = VT_BOOL;
    if (n->b->type != VT_CARE_SET || n->a->type != VT_TEXT) {
        terr(k, n, "'in' tests a care type text in a set of care types, not %s in %s",
             vtype_name(n->a->type), vtype_name(n->b->type));
        return false;
    }
    int bit = n->a->op == OP_STR ? care_index(k, n->a->name) : -1;
    if (n->a->op != OP_STR) {
        terr(k, n->a, "write the care type as text, such as \"ventilator\" in care_types");
        return false;
    }
    if (bit < 0) {
        terr(k, n->a, "unknown care type \"%s\"", n->a->name);
        return false;
    }
    n->op = OP_SET_HAS;
    n->k.set = 1u << bit;
    return true;
}

static bool check_if(checker *k, enode *n)
{
    if (!want(k, n->a, n->a->type == VT_BOOL, "a condition (yes/no)"))
        return false;
    vtype t = n->b->type == n->c->type ? n->b->type : unify(n->b->type, n->c->type);
    if (t == VT_NONE) {
        terr(k, n, "the two branches differ: %s and %s", vtype_name(n->b->type),
             vtype_name(n->c->type));
        return false;
    }
    n->type = t;
    return true;
}

static bool check_index(checker *k, enode *n)
{
    enode *t = n->a;
    expr_binding b = t->op == OP_NAME ? k->c->resolve(k->c->resolve_ctx, t->name)
                                      : (expr_binding){BIND_NONE, NULL};
    if (b.kind != BIND_VALUE || b.rv->kind != RV_TABLE) {
        terr(k, t, "only a table can be indexed with [ ]");
        return false;
    }
    add_dep(k->c, b.rv);
    if (!check(k, n->b))
        return false;
    if (!want(k, n->b, n->b->type == b.rv->table.key_type, vtype_name(b.rv->table.key_type)))
        return false;
    n->op = OP_TABLE;
    n->tab = &b.rv->table;
    n->rv = b.rv;
    n->type = b.rv->table.val_type;
    n->a = n->b;
    n->b = NULL;
    return true;
}

/* ---- functions ------------------------------------------------------ */

static bool argc_is(checker *k, enode *n, int lo, int hi)
{
    if (n->nargs >= lo && n->nargs <= hi)
        return true;
    if (lo == hi)
        terr(k, n, "%s() takes %d argument%s, not %d", n->name, lo, lo == 1 ? "" : "s", n->nargs);
    else
        terr(k, n, "%s() takes %d to %d arguments, not %d", n->name, lo, hi, n->nargs);
    return false;
}

static bool check_round(checker *k, enode *n, round_mode mode)
{
    if (!argc_is(k, n, 1, 2) || !check(k, n->args[0]))
        return false;
    enode *x = n->args[0];
    if (!want(k, x, is_num(x->type), "yen or a number"))
        return false;
    n->k.n = num_int(1);
    if (n->nargs == 2) {
        enode *u = n->args[1];
        if (!check(k, u))
            return false;
        bool lit = u->op == OP_NUM || u->op == OP_CONST;
        if (!lit || !is_num(u->type) || !num_is_int(u->k.n) || u->k.n.n <= 0) {
            terr(k, u, "the rounding unit must be a whole number above zero, such as 1000");
            return false;
        }
        n->k.n = u->k.n;
    }
    n->op = OP_ROUND;
    n->which = mode;
    n->a = x;
    n->type = is_yen(x->type) ? VT_YEN : x->type == VT_INT ? VT_INT : x->type;
    return true;
}

static bool check_minmax(checker *k, enode *n, bool is_min)
{
    if (n->nargs < 1)
        return argc_is(k, n, 1, EXPR_MAX_ARGS);
    vtype t = VT_INT;
    for (int i = 0; i < n->nargs; i++) {
        if (!check(k, n->args[i]))
            return false;
        vtype u = n->args[i]->type;
        vtype r = is_num(u) ? unify(t, u) : VT_NONE;
        if (r == VT_NONE) {
            terr(k, n->args[i], "%s() of %s and %s", n->name, vtype_name(t), vtype_name(u));
            return false;
        }
        t = r;
    }
    n->op = is_min ? OP_MIN : OP_MAX;
    n->type = t;
    return true;
}

static bool check_aggregate(checker *k, enode *n, int which)
{
    int lo = which == AGG_COUNT ? 1 : 2, hi = 2;
    if (!argc_is(k, n, lo, hi))
        return false;
    enode *lines = n->args[0], *filter = NULL;
    if (lines->op == OP_WHERE) {
        filter = lines->b;
        lines = lines->a;
    }
    if (!check(k, lines))
        return false;
    if (lines->type != VT_CHILDREN && lines->type != VT_STAFF && lines->type != VT_MONTHS) {
        terr(k, lines, "%s() needs lines (children%s) first, not %s", n->name,
             k->c->settlement ? ", staff or months" : " or staff",
             vtype_name(lines->type));
        return false;
    }
    vtype outer = k->line;
    k->line = lines->type;
    bool ok = true;
    if (filter && check(k, filter))
        ok = want(k, filter, filter->type == VT_BOOL, "a condition after 'where'");
    else if (filter)
        ok = false;
    enode *body = n->nargs == 2 ? n->args[1] : NULL;
    if (ok && body && check(k, body)) {
        if (which == AGG_COUNT && body->type == VT_BOOL) {
            /* count(lines, condition) is count(lines where condition) */
            filter = filter ? filter : body;
            body = NULL;
        } else if (which == AGG_ANY || which == AGG_ALL) {
            ok = want(k, body, body->type == VT_BOOL, "a condition");
        } else if (which == AGG_COUNT_DISTINCT) {
            ok = want(k, body, body->type == VT_TEXT || body->type == VT_DATE, "text or a date");
        } else if (which == AGG_COUNT) {
            ok = want(k, body, false, "a condition");
        } else {
            ok = want(k, body, is_num(body->type), "yen or a number");
        }
    } else if (body) {
        ok = false;
    }
    k->line = outer;
    if (!ok)
        return false;
    n->op = OP_AGG;
    n->which = which;
    n->line_kind = lines->type;
    n->a = lines;
    n->b = filter;
    n->c = body;
    if (which == AGG_ANY || which == AGG_ALL)
        n->type = VT_BOOL;
    else if (which == AGG_COUNT || which == AGG_COUNT_DISTINCT)
        n->type = VT_NUMBER;
    else
        n->type = body->type;
    return true;
}

static bool check_call(checker *k, enode *n)
{
    static const struct {
        const char *name;
        int agg;
    } aggs[] = {{"sum", AGG_SUM}, {"count", AGG_COUNT}, {"any", AGG_ANY}, {"all", AGG_ALL},
                {"count_distinct", AGG_COUNT_DISTINCT}};
    for (size_t i = 0; i < sizeof aggs / sizeof aggs[0]; i++)
        if (!strcmp(n->name, aggs[i].name))
            return check_aggregate(k, n, aggs[i].agg);
    if (!strcmp(n->name, "round_down"))
        return check_round(k, n, ROUND_DOWN);
    if (!strcmp(n->name, "round_up"))
        return check_round(k, n, ROUND_UP);
    if (!strcmp(n->name, "round_half_up"))
        return check_round(k, n, ROUND_HALF_UP);
    bool is_min = !strcmp(n->name, "min");
    if (is_min || !strcmp(n->name, "max")) {
        /* min(lines, value) is the aggregate; min(a, b, ...) the plain one */
        if (n->nargs == 2 && (n->args[0]->op == OP_WHERE ||
                              (n->args[0]->op == OP_NAME && (!strcmp(n->args[0]->name, "children") ||
                                                             !strcmp(n->args[0]->name, "staff") ||
                                                             !strcmp(n->args[0]->name, "months")))))
            return check_aggregate(k, n, is_min ? AGG_MIN : AGG_MAX);
        return check_minmax(k, n, is_min);
    }
    for (int i = 0; i < n->nargs; i++)
        if (!check(k, n->args[i]))
            return false;
    if (!strcmp(n->name, "has_any")) {
        if (!argc_is(k, n, 2, 2) ||
            !want(k, n->args[0], n->args[0]->type == VT_CARE_SET, "care types") ||
            !want(k, n->args[1], n->args[1]->type == VT_CARE_SET, "care types"))
            return false;
        n->op = OP_SET_ANY;
        n->type = VT_BOOL;
        n->a = n->args[0];
        n->b = n->args[1];
        return true;
    }
    if (!strcmp(n->name, "days_in_month")) {
        if (!argc_is(k, n, 1, 1) || !want(k, n->args[0], n->args[0]->type == VT_DATE, "a date"))
            return false;
        n->op = OP_DAYS_IN_MONTH;
        n->type = VT_DAYS;
        n->a = n->args[0];
        return true;
    }
    if (!strcmp(n->name, "overlap_days")) {
        if (!argc_is(k, n, 4, 4))
            return false;
        for (int i = 0; i < 4; i++)
            if (!want(k, n->args[i], n->args[i]->type == VT_DATE, "a date"))
                return false;
        n->op = OP_OVERLAP_DAYS;
        n->type = VT_DAYS;
        return true;
    }
    if (!strcmp(n->name, "date")) {
        enode *s = n->nargs == 1 ? n->args[0] : NULL;
        date_t d;
        if (!argc_is(k, n, 1, 1))
            return false;
        if (s->op != OP_STR || !date_parse_iso(s->name, s->name_len, &d)) {
            terr(k, n, "date() takes a real date as text, such as date(\"2025-10-01\")");
            return false;
        }
        n->op = OP_CONST;
        n->k.d = d;
        n->type = VT_DATE;
        return true;
    }
    terr(k, n, "unknown function '%s'", n->name);
    return false;
}

static bool check(checker *k, enode *n)
{
    switch (n->op) {
    case OP_NUM:
    case OP_BOOL:
        n->op = OP_CONST;
        return true;
    case OP_STR:
        n->k.s = n->name;
        return true;
    case OP_NAME: return check_name(k, n);
    case OP_CALL: return check_call(k, n);
    case OP_INDEX: return check_index(k, n);
    case OP_WHERE:
        terr(k, n, "'where' filters lines inside sum(), count(), any() or all()");
        return false;
    case OP_NEG:
        if (!check(k, n->a) || !want(k, n->a, is_num(n->a->type), "yen or a number"))
            return false;
        n->type = n->a->type;
        return true;
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV: return check(k, n->a) && check(k, n->b) && check_arith(k, n);
    case OP_EQ:
    case OP_NE:
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE: return check(k, n->a) && check(k, n->b) && check_cmp(k, n);
    case OP_IN: return check(k, n->a) && check(k, n->b) && check_in(k, n);
    case OP_AND:
    case OP_OR:
        if (!check(k, n->a) || !check(k, n->b) ||
            !want(k, n->a, n->a->type == VT_BOOL, "a condition (yes/no)") ||
            !want(k, n->b, n->b->type == VT_BOOL, "a condition (yes/no)"))
            return false;
        n->type = VT_BOOL;
        return true;
    case OP_NOT:
        if (!check(k, n->a) || !want(k, n->a, n->a->type == VT_BOOL, "a condition (yes/no)"))
            return false;
        n->type = VT_BOOL;
        return true;
    case OP_IF: return check(k, n->a) && check(k, n->b) && check(k, n->c) && check_if(k, n);
    default: return true; /* already resolved */
    }
}

bool exprT_check(expr_compiler *c, enode *root, rule_scope scope, const char *text)
{
    checker k = {.c = c, .text = text, .scope = scope, .ok = true};
    k.line = scope == SCOPE_CHILD ? VT_CHILDREN : scope == SCOPE_STAFF ? VT_STAFF : VT_NONE;
    return check(&k, root) && k.ok;
}

expr_code *expr_compile(expr_compiler *c, const char *text, expr_src src, rule_scope scope)
{
    expr_src *s = arena_alloc(c->a, sizeof *s);
    *s = src;
    enode *root = exprP_parse(text, s, c->a, c->d);
    if (!root || !exprT_check(c, root, scope, text))
        return NULL;
    expr_code *code = arena_alloc(c->a, sizeof *code);
    code->root = root;
    code->flat = exprF_lower(c->a, root);
    code->type = root->type;
    code->scope = scope;
    code->text = text;
    return code;
}
