/* compile: a loaded program's literals and formulas → typed constants and
 * compiled code, then the evaluation order of its formulas (dependencies
 * first; a cycle is an error).  Runs after every file is loaded, because
 * care types are checked against the terms in force when a version starts. */
#include <stdlib.h>
#include <string.h>

#include "kasan/expr.h"
#include "rules_int.h"

typedef struct compiler {
    rule_set *rs;
    program *p;
    const rule_terms *terms;
    diag_list *d;
    const program *parent; /* compiling p = parent->settlement (精算) */
} compiler;

static expr_binding resolve(void *ctx, const char *name)
{
    program *p = ctx;
    for (size_t i = 0; i < p->n_values; i++)
        if (!strcmp(p->values[i].name, name) && p->values[i].type != VT_NONE)
            return (expr_binding){BIND_VALUE, &p->values[i]};
    return (expr_binding){BIND_NONE, NULL};
}

/* A settlement formula's names: its own values, then the version's params
 * and tables (its monthly formulas are read through `months` only). */
static expr_binding resolve_settle(void *ctx, const char *name)
{
    const compiler *c = ctx;
    expr_binding b = resolve(c->p, name);
    if (b.kind == BIND_VALUE)
        return b;
    b = resolve((void *)c->parent, name);
    return b.kind == BIND_VALUE && b.rv->kind != RV_FORMULA ? b : (expr_binding){BIND_NONE, NULL};
}

/* Inside an aggregate over months: the version's monthly nursery values. */
static expr_binding resolve_month(void *ctx, const char *name)
{
    expr_binding b = resolve(ctx, name);
    return b.kind == BIND_VALUE && b.rv->kind == RV_FORMULA && b.rv->scope == SCOPE_NURSERY
               ? b : (expr_binding){BIND_NONE, NULL};
}

static bool care_set(compiler *c, const ynode *n, value *out)
{
    out->set = 0;
    if (n->kind != Y_SEQ) {
        diag_error(c->d, c->p->file->path, n->line, n->col,
                   "care types are written as a list, such as [ventilator, tracheostomy]");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        const ynode *it = n->items[i];
        size_t j = 0;
        while (it->kind == Y_SCALAR && j < c->terms->n_care && strcmp(c->terms->care_codes[j], it->s))
            j++;
        if (it->kind != Y_SCALAR || j == c->terms->n_care) {
            diag_error(c->d, c->p->file->path, it->line, it->col, "unknown care type '%s'",
                       it->kind == Y_SCALAR ? it->s : "?");
            ok = false;
            continue;
        }
        out->set |= 1u << j;
    }
    return ok;
}

static bool literal(compiler *c, const ynode *n, vtype t, value *out)
{
    if (t == VT_CARE_SET)
        return care_set(c, n, out);
    return rules_parse_literal(c->rs, c->p->file, c->d, n, t, out);
}

static void compile_table(compiler *c, rule_value *rv)
{
    const ynode *def = rv->yaml, *rows = ymap_get(def, "rows"), *key = ymap_get(def, "key");
    rule_table *t = &rv->table;
    t->key_type = VT_TEXT;
    t->val_type = rv->type;
    if (key && (key->kind != Y_SCALAR || strcmp(key->s, "text")))
        diag_error(c->d, c->p->file->path, key->line, key->col, "table keys are text");
    if (!rows || rows->kind != Y_MAP || rows->n == 0) {
        diag_error(c->d, c->p->file->path, rv->line, rv->col,
                   "table '%s' needs rows: a mapping of keys to values", rv->name);
        return;
    }
    t->n = rows->n / 2;
    t->keys = arena_calloc(&c->rs->a, t->n, sizeof *t->keys);
    t->vals = arena_calloc(&c->rs->a, t->n, sizeof *t->vals);
    for (size_t i = 0; i < t->n; i++) {
        const ynode *k = rows->items[2 * i];
        t->keys[i] = k->kind == Y_SCALAR ? k->s : "";
        literal(c, rows->items[2 * i + 1], rv->type, &t->vals[i]);
    }
}

/* A formula's type must fit the type it declares; unrounded yen never fits yen. */
static bool fits(vtype declared, vtype actual)
{
    if (declared == actual)
        return true;
    switch (declared) {
    case VT_YEN: return actual == VT_INT;
    case VT_DAYS: return actual == VT_INT;
    case VT_NUMBER: return actual == VT_INT || actual == VT_DAYS;
    default: return false;
    }
}

/* The column declared under name in table t (children's first, then
 * staff's), or NULL when t declares none by that name. */
static const expr_field *declared_field(const expr_field_table *t, const char *name)
{
    const expr_field *f = expr_field_find(t, EXPR_FIELD_CHILD, name);
    if (!f || !f->decl)
        f = expr_field_find(t, EXPR_FIELD_STAFF, name);
    return f && f->decl ? f : NULL;
}

/* An unknown name that another terms version declares as a column: say so,
 * and when those terms are in force. */
static const char *column_hint(void *ctx, const char *name)
{
    const compiler *c = ctx;
    for (size_t i = 0; i < c->rs->n_terms; i++) {
        const rule_terms *t = &c->rs->terms[i];
        const expr_field *f = declared_field(t->fields, name);
        if (!f || t == c->terms)
            continue;
        char from[11], own[11];
        date_format_iso(t->effective_from, from);
        date_format_iso(c->p->effective_from, own);
        return arena_printf(&c->rs->a, " (a column declared by the terms %s, in force from %s; "
                            "this version starts %s under the terms %s)",
                            t->version ? t->version : "?", from, own,
                            c->terms->version ? c->terms->version : "?");
    }
    return NULL;
}

static void compile_formula(compiler *c, rule_value *rv)
{
    if (!rv->formula)
        return;
    const ynode *fn = ymap_get(rv->yaml, "formula");
    expr_compiler ec = {.a = &c->rs->a, .d = c->d, .resolve = resolve, .resolve_ctx = c->p,
                        .care_codes = c->terms->care_codes, .n_care = c->terms->n_care,
                        .field_table = c->terms->fields, .unknown_hint = column_hint,
                        .hint_ctx = c};
    if (c->parent) {
        ec.resolve = resolve_settle;
        ec.resolve_ctx = c;
        ec.settlement = true;
        ec.resolve_month = resolve_month;
        ec.resolve_month_ctx = (void *)c->parent;
    }
    expr_src src = {c->p->file->path, fn->line, fn->col, fn->block, NULL, NULL, false};
    if (fn->end <= c->p->file->len && fn->start < fn->end) {
        src.origin = c->p->file->data + fn->start;
        src.origin_end = c->p->file->data + fn->end;
        src.quoted = !fn->plain && !fn->block;
    } else if (!fn->plain && !fn->block) {
        src.col++; /* skip the opening quote */
    }
    rv->code = expr_compile(&ec, rv->formula, src, rv->scope);
    rv->deps = ec.deps;
    rv->n_deps = ec.n_deps;
    rv->fields = ec.fields;
    rv->n_fields = ec.n_fields;
    if (!rv->code || rv->type == VT_NONE)
        return;
    if (!fits(rv->type, rv->code->type)) {
        if (rv->type == VT_YEN && rv->code->type == VT_YEN_FRAC)
            diag_error(c->d, c->p->file->path, fn->line, fn->col,
                       "'%s' is declared yen but its formula gives unrounded yen (a fraction "
                       "of a yen is possible): wrap it in round_down(...), round_up(...) or "
                       "round_half_up(...)", rv->name);
        else
            diag_error(c->d, c->p->file->path, fn->line, fn->col,
                       "'%s' is declared %s but its formula gives %s", rv->name,
                       vtype_name(rv->type), vtype_name(rv->code->type));
        rv->code = NULL;
    }
}

/* Depth-first topological order; mark 1 = on the path, 2 = done.  `path`
 * holds the values being visited, so a cycle is named by its members only. */
typedef struct topo {
    compiler *c;
    char *mark;
    size_t *order, n;
    const rule_value **path;
    size_t depth;
    bool cycle;
} topo;

/* Names the cycle that closes at rv: the first member with the whole loop,
 * then each other member at its own definition. */
static void report_cycle(topo *t, const rule_value *rv)
{
    size_t from = t->depth;
    while (from > 0 && t->path[from - 1] != rv)
        from--;
    from = from ? from - 1 : 0;
    char names[1024] = "";
    size_t o = 0;
    for (size_t i = from; i < t->depth && o < sizeof names; i++) {
        int w = snprintf(names + o, sizeof names - o, "%s → ", t->path[i]->name);
        o += w > 0 ? (size_t)w : 0;
    }
    if (o < sizeof names)
        snprintf(names + o, sizeof names - o, "%s", rv->name);
    diag_error(t->c->d, t->c->p->file->path, rv->line, rv->col,
               "'%s' depends on itself through a cycle of formulas: %s", rv->name, names);
    for (size_t i = from + 1; i < t->depth; i++)
        diag_error(t->c->d, t->c->p->file->path, t->path[i]->line, t->path[i]->col,
                   "  ... '%s' is in that cycle", t->path[i]->name);
    t->cycle = true;
}

static void visit(topo *t, const rule_value *rv)
{
    size_t i = (size_t)(rv - t->c->p->values);
    if (t->mark[i] == 2 || rv->kind != RV_FORMULA || t->cycle)
        return;
    if (t->mark[i] == 1) {
        report_cycle(t, rv);
        return;
    }
    t->mark[i] = 1;
    t->path[t->depth++] = rv;
    for (size_t k = 0; k < rv->n_deps && !t->cycle; k++)
        visit(t, rv->deps[k]);
    t->depth--;
    t->mark[i] = 2;
    t->order[t->n++] = i;
}

static void order_formulas(compiler *c)
{
    program *p = c->p;
    topo t = {.c = c};
    t.mark = arena_calloc(&c->rs->a, p->n_values + 1, 1);
    t.path = arena_calloc(&c->rs->a, p->n_values + 1, sizeof *t.path);
    t.order = arena_calloc(&c->rs->a, p->n_values + 1, sizeof *t.order);
    for (size_t i = 0; i < p->n_values && !t.cycle; i++)
        visit(&t, &p->values[i]);
    p->order = t.order;
    p->n_order = t.n;
}

static void find_result(compiler *c)
{
    program *p = c->p;
    const ynode *r = p->result_node;
    if (!r)
        return;
    if (r->kind == Y_SCALAR)
        for (size_t i = 0; i < p->n_values; i++)
            if (!strcmp(p->values[i].name, r->s))
                p->result = &p->values[i];
    if (!p->result) {
        diag_error(c->d, p->file->path, r->line, r->col, "result '%s' is not a value of this "
                   "program", r->kind == Y_SCALAR ? r->s : "?");
        return;
    }
    if (p->result->scope != SCOPE_NURSERY || p->result->type != VT_YEN ||
        p->result->kind != RV_FORMULA) {
        diag_error(c->d, p->file->path, r->line, r->col,
                   "result '%s' must be a nursery value (under values:) of type yen", r->s);
        p->result = NULL;
    }
}

/* The settlement section: its own slots, formulas, order and result. */
static void compile_settlement(const compiler *pc)
{
    program *s = pc->p->settlement;
    compiler c = {.rs = pc->rs, .p = s, .terms = pc->terms, .d = pc->d, .parent = pc->p};
    int slots = 0;
    for (size_t i = 0; i < s->n_values; i++)
        s->values[i].slot = slots++;
    s->n_slots[SCOPE_NURSERY] = slots;
    for (size_t i = 0; i < s->n_values; i++)
        if (s->values[i].type != VT_NONE)
            compile_formula(&c, &s->values[i]);
    /* The parent's params and tables are constants: ordering follows only
     * the settlement's own values (visit() indexes them). */
    for (size_t i = 0; i < s->n_values; i++) {
        rule_value *rv = &s->values[i];
        size_t k = 0;
        for (size_t j = 0; j < rv->n_deps; j++)
            if (rv->deps[j] >= s->values && rv->deps[j] < s->values + s->n_values)
                rv->deps[k++] = rv->deps[j];
        rv->n_deps = k;
    }
    order_formulas(&c);
    find_result(&c);
}

/* ---- declared columns meet program versions ----------------------------
 * A program version is compiled with the field table of the terms in force
 * on its effective_from.  Every other terms version in force during the
 * program version's period must declare the columns its formulas read, of
 * the same type, and no declared column of any of them may share a name
 * with one of its values. */

static bool overlaps(const program *p, const rule_terms *t)
{
    return t->effective_from <= p->effective_to && p->effective_from <= t->effective_to;
}

static void check_value_names(const compiler *c, const rule_terms *t)
{
    const program *p = c->p;
    for (size_t i = 0; i < p->n_values; i++) {
        const rule_value *rv = &p->values[i];
        const expr_field *f = declared_field(t->fields, rv->name);
        if (f)
            diag_error(c->d, p->file->path, rv->line, rv->col,
                       "the name '%s' is a column declared by the terms %s (%s:%d:%d); a value "
                       "needs a name of its own", rv->name, t->version ? t->version : "?",
                       t->file->path, f->decl->line, f->decl->col);
    }
}

static void check_columns_in(const compiler *c, const rule_terms *t)
{
    const program *p = c->p;
    for (size_t i = 0; i < p->n_values; i++) {
        const rule_value *rv = &p->values[i];
        for (size_t k = 0; k < rv->n_fields; k++) {
            const expr_field *f = declared_field(c->terms->fields, rv->fields[k]);
            if (!f)
                continue;
            const expr_field *g = expr_field_find(t->fields, f->kind, f->name);
            if (g && g->decl && g->type == f->type)
                continue;
            const ynode *fn = ymap_get(rv->yaml, "formula");
            char from[11];
            date_format_iso(t->effective_from, from);
            diag_error(c->d, p->file->path, fn ? fn->line : rv->line, fn ? fn->col : rv->col,
                       "'%s' reads the column '%s', which the terms %s (in force from %s, "
                       "during this version) %s", rv->name, f->name,
                       t->version ? t->version : "?", from,
                       g && g->decl ? "declares with another type" : "do not declare");
        }
    }
}

static void check_declared(const compiler *c)
{
    if (!c->rs->n_decl_slots[0] && !c->rs->n_decl_slots[1])
        return; /* no terms version declares a column */
    for (size_t i = 0; i < c->rs->n_terms; i++) {
        const rule_terms *t = &c->rs->terms[i];
        if (!overlaps(c->p, t))
            continue;
        check_value_names(c, t);
        if (t != c->terms)
            check_columns_in(c, t);
    }
}

static void compile_program(rule_set *rs, program *p, diag_list *d)
{
    compiler c = {.rs = rs, .p = p, .d = d};
    claim_month m;
    int y, mo, dd;
    date_to_ymd(p->effective_from, &y, &mo, &dd);
    m.year = y;
    m.month = mo;
    c.terms = rules_terms_in_force(rs, m);
    if (!c.terms) {
        diag_error(d, p->file->path, 1, 1, "no terms file (kind: terms) is in force on this "
                   "program's effective_from; care types cannot be checked");
        return;
    }
    int slots[3] = {0, 0, 0};
    for (size_t i = 0; i < p->n_values; i++) {
        rule_value *rv = &p->values[i];
        if (rv->kind == RV_FORMULA)
            rv->slot = slots[rv->scope]++;
    }
    memcpy(p->n_slots, slots, sizeof slots);
    for (size_t i = 0; i < p->n_values; i++) {
        rule_value *rv = &p->values[i];
        if (rv->type == VT_NONE)
            continue;
        if (rv->kind == RV_PARAM)
            literal(&c, ymap_get(rv->yaml, "value"), rv->type, &rv->param);
        else if (rv->kind == RV_TABLE)
            compile_table(&c, rv);
    }
    for (size_t i = 0; i < p->n_values; i++)
        if (p->values[i].kind == RV_FORMULA && p->values[i].type != VT_NONE)
            compile_formula(&c, &p->values[i]);
    order_formulas(&c);
    find_result(&c);
    check_declared(&c);
    if (p->settlement)
        compile_settlement(&c);
}

/* The column of file (0 children, 1 staff) named name that a terms version
 * before rs->terms[i] declares (the first such), with its version in *u; or
 * NULL. */
static const declared_column *earlier_column(const rule_set *rs, size_t i, int file,
                                             const char *name, const rule_terms **u)
{
    for (size_t j = 0; j < i; j++) {
        *u = &rs->terms[j];
        const declared_column *uc = file ? (*u)->staff_cols : (*u)->child_cols;
        size_t un = file ? (*u)->n_staff_cols : (*u)->n_child_cols;
        for (size_t m = 0; m < un; m++)
            if (!strcmp(uc[m].name, name))
                return &uc[m];
    }
    return NULL;
}

/* Gives each declared (file, name) one slot over the whole rule set, so a
 * line's decl[] has the same layout whichever terms version is in force; a
 * name keeps its type across versions.  Then each version's field table. */
static void assign_slots(rule_set *rs, diag_list *d)
{
    for (size_t i = 0; i < rs->n_terms; i++) {
        rule_terms *t = &rs->terms[i];
        for (int file = 0; file < 2; file++) {
            declared_column *cols = file ? t->staff_cols : t->child_cols;
            size_t n = file ? t->n_staff_cols : t->n_child_cols;
            for (size_t k = 0; k < n; k++) {
                const rule_terms *u = NULL;
                const declared_column *same = earlier_column(rs, i, file, cols[k].name, &u);
                if (!same) {
                    cols[k].slot = rs->n_decl_slots[file]++;
                    continue;
                }
                cols[k].slot = same->slot;
                if (same->vt != cols[k].vt)
                    diag_error(d, t->file->path, cols[k].line, cols[k].col,
                               "column '%s' is declared %s here but %s in %s:%d:%d; a declared "
                               "column keeps its type across terms versions", cols[k].name,
                               vtype_name(cols[k].vt), vtype_name(same->vt), u->file->path,
                               same->line, same->col);
            }
        }
        t->fields = expr_fields_build(&rs->a, t->child_cols, t->n_child_cols, t->staff_cols,
                                      t->n_staff_cols);
    }
}

void rules_compile_all(rule_set *rs, diag_list *d)
{
    for (size_t i = 0; i < rs->n_terms; i++)
        if (rs->terms[i].broken)
            return; /* care types unknown: formulas cannot be checked */
    size_t before = diag_count(d);
    assign_slots(rs, d);
    if (diag_count(d) != before)
        return;
    for (size_t i = 0; i < rs->n_programs; i++)
        if (!rs->programs[i].broken)
            compile_program(rs, &rs->programs[i], d);
}
