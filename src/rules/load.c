/* load: one rule file's YAML tree → a program version, the shared terms, a
 * budget line or the payer account in the rule set (the issuer and the bank
 * calendar have loaders of their own: load_issuer.c, load_calendar.c, which
 * share the helpers of rules_int.h).  Checks keys (missing, unknown), names and
 * literal values here; formulas are compiled later (compile.c), once every
 * file is loaded and the care type vocabulary is known. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/bank_account.h"
#include "kasan/expr.h"
#include "rules_int.h"

void lerr(loader *l, const ynode *n, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(l->d, l->f->path, n ? n->line : 0, n ? n->col : 0, "%s", msg);
    l->errors++;
}

typedef struct key_pos {
    const char *s;
    size_t i;
} key_pos;

static int cmp_key_pos(const void *a, const void *b)
{
    const key_pos *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Every key of `map` must be one of `allowed`; each of `required` present.
 * Repeated keys are found by sorting (a map may hold tens of thousands of
 * keys: comparing each with every earlier one took seconds). */
void check_keys(loader *l, const ynode *map, const char *const *allowed,
                       const char *const *required, const char *what)
{
    size_t n = map->n / 2, nk = 0;
    key_pos *keys = malloc((n + 1) * sizeof *keys);
    bool *twice = calloc(n + 1, sizeof *twice);
    if (!keys || !twice)
        abort();
    for (size_t i = 0; i < n; i++)
        if (map->items[2 * i]->kind == Y_SCALAR)
            keys[nk++] = (key_pos){map->items[2 * i]->s, i};
    if (nk > 1)
        qsort(keys, nk, sizeof *keys, cmp_key_pos);
    for (size_t j = 1; j < nk; j++)
        twice[keys[j].i] = !strcmp(keys[j - 1].s, keys[j].s);
    for (size_t i = 0; i + 1 < map->n; i += 2) {
        const ynode *k = map->items[i];
        bool ok = false;
        for (size_t j = 0; allowed[j]; j++)
            ok |= k->kind == Y_SCALAR && !strcmp(k->s, allowed[j]);
        if (twice[i / 2]) {
            lerr(l, k, "key '%s' appears twice in %s", k->s, what);
            ok = true;
        }
        if (!ok)
            lerr(l, k, "unknown key '%s' in %s", k->kind == Y_SCALAR ? k->s : "?", what);
    }
    free(keys);
    free(twice);
    for (size_t j = 0; required && required[j]; j++)
        if (!ymap_get(map, required[j]))
            lerr(l, map, "missing key '%s' in %s", required[j], what);
}

const char *scalar(loader *l, const ynode *n, const char *key)
{
    if (!n)
        return NULL;
    if (n->kind != Y_SCALAR) {
        lerr(l, n, "'%s' must be a single value", key);
        return NULL;
    }
    return n->s;
}

const char *get_text(loader *l, const ynode *map, const char *key)
{
    const char *s = scalar(l, ymap_get(map, key), key);
    if (s && !*s) {
        lerr(l, ymap_get(map, key), "'%s' must not be empty", key);
        return NULL;
    }
    return s;
}

date_t get_date(loader *l, const ynode *map, const char *key, date_t absent)
{
    const ynode *n = ymap_get(map, key);
    const char *s = scalar(l, n, key);
    date_t d;
    if (!s)
        return absent;
    if (!date_parse_iso(s, strlen(s), &d)) {
        lerr(l, n, "'%s' must be a real date written YYYY-MM-DD, not '%s'", key, s);
        return absent;
    }
    return d;
}

static void node_pos(const ynode *n, const ynode *fallback, int *line, int *col)
{
    if (!n)
        n = fallback;
    *line = n->line;
    *col = n->col;
}

static bool is_identifier(const char *s)
{
    if (!(*s >= 'a' && *s <= 'z') && *s != '_')
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* Declared type names of the language. */
static vtype parse_type(loader *l, const ynode *n)
{
    static const struct {
        const char *name;
        vtype t;
    } types[] = {{"yen", VT_YEN},   {"number", VT_NUMBER}, {"days", VT_DAYS},
                 {"text", VT_TEXT}, {"date", VT_DATE},     {"bool", VT_BOOL},
                 {"care types", VT_CARE_SET}};
    const char *s = scalar(l, n, "type");
    if (!s)
        return VT_NONE;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (!strcmp(s, types[i].name))
            return types[i].t;
    lerr(l, n, "unknown type '%s' (yen, number, days, text, date, bool, care types)", s);
    return VT_NONE;
}

/* A literal of a declared type (params, table rows).  Care types are parsed
 * at compile time, when the vocabulary is known. */
bool rules_parse_literal(rule_set *rs, const rule_file *f, diag_list *d, const ynode *n, vtype t,
                         value *out)
{
    loader l = {.rs = rs, .f = f, .d = d};
    const char *s = scalar(&l, n, "value");
    if (!s)
        return false;
    size_t len = strlen(s);
    num v;
    switch (t) {
    case VT_YEN:
    case VT_DAYS:
    case VT_NUMBER: {
        char buf[64];
        size_t k = 0;
        for (size_t i = 0; i < len && k < sizeof buf - 1; i++)
            if (s[i] != '_' && s[i] != ',')
                buf[k++] = s[i];
        num_status st = num_parse(buf, k, &v);
        if (st != NUM_OK || len >= sizeof buf) {
            lerr(&l, n, "'%s' is not a %s (%s)", s, vtype_name(t), num_strerror(st));
            return false;
        }
        if (t != VT_NUMBER && !num_is_int(v)) {
            lerr(&l, n, "'%s' must be a whole number of %s", s, vtype_name(t));
            return false;
        }
        out->n = v;
        return true;
    }
    case VT_TEXT: out->s = s; return true;
    case VT_BOOL:
        if (strcmp(s, "true") && strcmp(s, "false")) {
            lerr(&l, n, "'%s' is not true or false", s);
            return false;
        }
        out->b = !strcmp(s, "true");
        return true;
    case VT_DATE:
        if (!date_parse_iso(s, len, &out->d)) {
            lerr(&l, n, "'%s' is not a real date (YYYY-MM-DD)", s);
            return false;
        }
        return true;
    default: lerr(&l, n, "values of type %s cannot be written here", vtype_name(t)); return false;
    }
}

static rule_value *new_values(program *p, size_t extra, arena *a)
{
    rule_value *v = arena_calloc(a, p->n_values + extra, sizeof *v);
    if (p->n_values)
        memcpy(v, p->values, p->n_values * sizeof *v);
    p->values = v;
    return v;
}

static bool name_taken(const program *p, const char *name)
{
    for (size_t i = 0; i < p->n_values; i++)
        if (!strcmp(p->values[i].name, name))
            return true;
    return false;
}

/* One section of named values: params, tables, values, child_values, … */
static void load_section(loader *l, program *p, const ynode *sec, rule_value_kind kind,
                         rule_scope scope, const char *secname)
{
    if (!sec)
        return;
    if (sec->kind != Y_MAP) {
        lerr(l, sec, "'%s' must be a mapping of names to definitions", secname);
        return;
    }
    rule_value *vals = new_values(p, sec->n / 2, &l->rs->a);
    for (size_t i = 0; i + 1 < sec->n; i += 2) {
        const ynode *k = sec->items[i], *def = sec->items[i + 1];
        if (k->kind != Y_SCALAR || !is_identifier(k->s)) {
            lerr(l, k, "'%s' is not a valid name (lower case letters, digits and _)",
                 k->kind == Y_SCALAR ? k->s : "?");
            continue;
        }
        if (expr_is_reserved_name(k->s) || name_taken(p, k->s)) {
            lerr(l, k, "the name '%s' is already used%s", k->s,
                 expr_is_reserved_name(k->s) ? " by the language (a line field or month value)"
                                             : " in this program");
            continue;
        }
        if (def->kind != Y_MAP) {
            lerr(l, def, "'%s' must be a mapping with type and %s", k->s,
                 kind == RV_FORMULA ? "formula" : kind == RV_TABLE ? "rows" : "value");
            continue;
        }
        static const char *const param_keys[] = {"type", "value", "label", "description", "note",
                                                 NULL};
        static const char *const param_req[] = {"type", "value", NULL};
        static const char *const table_keys[] = {"type", "key", "rows", "label", "description",
                                                 "note", NULL};
        static const char *const table_req[] = {"type", "rows", NULL};
        static const char *const formula_keys[] = {"type", "formula", "label", "description",
                                                   "note", NULL};
        static const char *const formula_req[] = {"type", "formula", NULL};
        char what[128];
        snprintf(what, sizeof what, "the definition of '%s'", k->s);
        check_keys(l, def, kind == RV_PARAM ? param_keys : kind == RV_TABLE ? table_keys : formula_keys,
                   kind == RV_PARAM ? param_req : kind == RV_TABLE ? table_req : formula_req, what);
        rule_value *rv = &vals[p->n_values++];
        rv->name = k->s;
        rv->kind = kind;
        rv->scope = scope;
        rv->line = k->line;
        rv->col = k->col;
        rv->label = scalar(l, ymap_get(def, "label"), "label");
        rv->description = ymap_get(def, "description") ? get_text(l, def, "description") : NULL;
        if (rv->description && !rv->label)
            lerr(l, ymap_get(def, "description"), "'%s' has a description but no label: a "
                 "description is printed beside its label", k->s);
        rv->type = ymap_get(def, "type") ? parse_type(l, ymap_get(def, "type")) : VT_NONE;
        rv->yaml = def;
        if (kind == RV_FORMULA)
            rv->formula = scalar(l, ymap_get(def, "formula"), "formula");
    }
}

/* The settlement: section (精算, SPEC 6.2) as a program of its own whose
 * names may not repeat the version's; compiled with it (compile.c). */
static void load_settlement(loader *l, program *p, const ynode *sec)
{
    if (!sec)
        return;
    if (sec->kind != Y_MAP) {
        lerr(l, sec, "'settlement' must be a mapping with values, result and repayment_due_days");
        return;
    }
    static const char *const keys[] = {"values", "result", "repayment_due_days", "basis", "note",
                                       NULL};
    static const char *const req[] = {"values", "result", "repayment_due_days", NULL};
    check_keys(l, sec, keys, req, "the settlement section");
    program *s = arena_calloc(&l->rs->a, 1, sizeof *s);
    *s = (program){.id = p->id, .version = p->version, .title = p->title, .file = p->file,
                   .effective_from = p->effective_from, .effective_to = p->effective_to};
    s->basis = ymap_get(sec, "basis") ? get_text(l, sec, "basis") : p->basis;
    load_section(l, s, ymap_get(sec, "values"), RV_FORMULA, SCOPE_NURSERY, "settlement values");
    for (size_t i = 0; i < s->n_values; i++)
        if (name_taken(p, s->values[i].name)) {
            diag_error(l->d, l->f->path, s->values[i].line, s->values[i].col,
                       "the name '%s' is already used in this program (settlement values need "
                       "names of their own)", s->values[i].name);
            l->errors++;
        }
    s->result_node = ymap_get(sec, "result");
    const ynode *due = ymap_get(sec, "repayment_due_days");
    value v;
    if (due && rules_parse_literal(l->rs, l->f, l->d, due, VT_DAYS, &v)) {
        if (v.n.n < 1 || v.n.n > 3650)
            lerr(l, due, "repayment_due_days must be between 1 and 3650 days");
        else
            p->repayment_due_days = (int)v.n.n;
    } else if (due) {
        l->errors++;
    }
    p->settlement = s;
}

/* rs's array of n elements of `size`, one longer (the new last is zeroed). */
void *grow(rule_set *rs, const void *old, size_t n, size_t size)
{
    void *v = arena_calloc(&rs->a, n + 1, size);
    if (n)
        memcpy(v, old, n * size);
    return v;
}

/* What every rule file says of itself: version, title and basis. */
void load_names(loader *l, const ynode *root, const char **version, const char **title,
                       const char **basis)
{
    *version = get_text(l, root, "version");
    *title = get_text(l, root, "title");
    *basis = get_text(l, root, "basis");
}

/* effective_from and effective_to (open when absent); line/col (may be NULL)
 * get effective_from's position; ordered: effective_to may not come first. */
void load_dates(loader *l, const ynode *root, date_t *from, date_t *to, int *line,
                       int *col, bool ordered)
{
    *from = get_date(l, root, "effective_from", 0);
    *to = get_date(l, root, "effective_to", DATE_OPEN);
    if (line)
        node_pos(ymap_get(root, "effective_from"), root, line, col);
    if (ordered && *to < *from)
        lerr(l, ymap_get(root, "effective_to"), "effective_to is before effective_from");
}

static void load_program(loader *l, const ynode *root)
{
    static const char *const keys[] = {"kind", "program", "version", "title", "effective_from",
                                       "effective_to", "basis", "params", "tables", "values",
                                       "child_values", "staff_values", "result", "note",
                                       "settlement", NULL};
    static const char *const req[] = {"program", "version", "title", "effective_from", "basis",
                                      "result", NULL};
    check_keys(l, root, keys, req, "a program file");
    rule_set *rs = l->rs;
    program *v = grow(rs, rs->programs, rs->n_programs, sizeof *v);
    rs->programs = v;
    program *p = &v[rs->n_programs++];
    p->file = l->f;
    p->id = get_text(l, root, "program");
    if (p->id && !is_identifier(p->id))
        lerr(l, ymap_get(root, "program"), "program id '%s' must be lower case letters, digits "
                                           "and _", p->id);
    load_names(l, root, &p->version, &p->title, &p->basis);
    load_dates(l, root, &p->effective_from, &p->effective_to, &p->from_line, &p->from_col, true);
    load_section(l, p, ymap_get(root, "params"), RV_PARAM, SCOPE_NURSERY, "params");
    load_section(l, p, ymap_get(root, "tables"), RV_TABLE, SCOPE_NURSERY, "tables");
    load_section(l, p, ymap_get(root, "child_values"), RV_FORMULA, SCOPE_CHILD, "child_values");
    load_section(l, p, ymap_get(root, "staff_values"), RV_FORMULA, SCOPE_STAFF, "staff_values");
    load_section(l, p, ymap_get(root, "values"), RV_FORMULA, SCOPE_NURSERY, "values");
    p->result_node = ymap_get(root, "result");
    load_settlement(l, p, ymap_get(root, "settlement"));
}

/* A mapping of codes to Japanese names (care types, qualifications, …). */
static size_t load_code_map(loader *l, const ynode *root, const char *key, const char ***codes,
                            const char ***names)
{
    const ynode *m = ymap_get(root, key);
    if (!m)
        return 0;
    if (m->kind != Y_MAP || m->n == 0) {
        lerr(l, m, "'%s' must be a non-empty mapping of codes to names", key);
        return 0;
    }
    size_t n = m->n / 2;
    *codes = arena_calloc(&l->rs->a, n, sizeof **codes);
    *names = arena_calloc(&l->rs->a, n, sizeof **names);
    for (size_t i = 0; i < n; i++) {
        const ynode *k = m->items[2 * i], *v = m->items[2 * i + 1];
        (*codes)[i] = scalar(l, k, key);
        (*names)[i] = scalar(l, v, key);
        if ((*codes)[i] && !is_identifier((*codes)[i]))
            lerr(l, k, "code '%s' must be lower case letters, digits and _", (*codes)[i]);
        for (size_t j = 0; j < i && (*codes)[i]; j++)
            if ((*codes)[j] && !strcmp((*codes)[j], (*codes)[i]))
                lerr(l, k, "code '%s' appears twice in %s", (*codes)[i], key);
    }
    return n;
}

/* ---- declared claim columns (SPEC 8.1) -------------------------------- */

static const struct {
    const char *name;
    column_type t;
    vtype vt;
} column_types[] = {{"yen", COL_YEN, VT_YEN},       {"number", COL_NUMBER, VT_NUMBER},
                    {"days", COL_DAYS, VT_DAYS},    {"date", COL_DATE, VT_DATE},
                    {"text", COL_TEXT, VT_TEXT},    {"bool", COL_BOOL, VT_BOOL},
                    {"code", COL_CODE, VT_TEXT}};

static bool column_type_of(loader *l, const ynode *n, declared_column *c)
{
    const char *s = scalar(l, n, "type");
    if (!s)
        return false;
    for (size_t i = 0; i < sizeof column_types / sizeof column_types[0]; i++)
        if (!strcmp(s, column_types[i].name)) {
            c->type = column_types[i].t;
            c->vt = column_types[i].vt;
            return true;
        }
    lerr(l, n, "unknown column type '%s' (yen, number, days, date, text, bool, code)", s);
    return false;
}

/* default: a literal of the column's type, as an empty cell reads. */
static void column_default(loader *l, const ynode *n, declared_column *c)
{
    if (c->type == COL_CODE) {
        const char *s = scalar(l, n, "default");
        for (size_t i = 0; s && i < c->n_codes; i++)
            if (!strcmp(s, c->codes[i])) {
                c->def.s = c->codes[i];
                c->has_default = true;
                return;
            }
        if (s)
            lerr(l, n, "default '%s' of column '%s' is not one of its codes", s, c->name);
        return;
    }
    if (!rules_parse_literal(l->rs, l->f, l->d, n, c->vt, &c->def)) {
        l->errors++;
        return;
    }
    if (c->type == COL_TEXT && (strlen(c->def.s) > 200 || strchr(c->def.s, '\n')))
        lerr(l, n, "default of column '%s' must be one line of at most 200 bytes", c->name);
    else if ((c->vt == VT_YEN || c->vt == VT_NUMBER || c->vt == VT_DAYS) && c->def.n.n < 0)
        lerr(l, n, "default of column '%s' must not be negative", c->name);
    else if (c->type == COL_DAYS && c->def.n.n > 31)
        lerr(l, n, "default of column '%s' must be 0–31 days", c->name);
    else
        c->has_default = true;
}

/* The value of an empty cell when no default is declared. */
static value column_zero(const declared_column *c)
{
    if (c->type == COL_DATE)
        return (value){.d = DATE_OPEN};
    if (c->type == COL_TEXT || c->type == COL_CODE)
        return (value){.s = ""};
    if (c->type == COL_BOOL)
        return (value){.b = false};
    return (value){.n = num_int(0)};
}

static bool load_column(loader *l, const ynode *k, const ynode *def, declared_column *c)
{
    static const char *const keys[] = {"label", "type", "codes", "required", "default", "note",
                                       NULL};
    static const char *const req[] = {"label", "type", NULL};
    char what[128];
    snprintf(what, sizeof what, "the column '%s'", k->s);
    size_t before = l->errors;
    check_keys(l, def, keys, req, what);
    *c = (declared_column){.name = k->s, .line = k->line, .col = k->col};
    c->label = get_text(l, def, "label");
    const ynode *tn = ymap_get(def, "type"), *codes = ymap_get(def, "codes");
    bool typed = tn && column_type_of(l, tn, c);
    if (typed && c->type == COL_CODE && !codes)
        lerr(l, tn, "column '%s' of type code needs codes: {code: 日本語名, ...}", c->name);
    if (typed && c->type != COL_CODE && codes)
        lerr(l, codes, "codes are only for a column of type code");
    if (typed && c->type == COL_CODE && codes)
        c->n_codes = load_code_map(l, def, "codes", &c->codes, &c->code_names);
    const ynode *rq = ymap_get(def, "required");
    if (rq) {
        value b;
        if (rules_parse_literal(l->rs, l->f, l->d, rq, VT_BOOL, &b))
            c->required = b.b;
        else
            l->errors++;
    }
    if (typed && ymap_get(def, "default") && (c->type != COL_CODE || c->n_codes))
        column_default(l, ymap_get(def, "default"), c);
    if (!c->has_default)
        c->def = column_zero(c);
    return l->errors == before;
}

static bool column_name_ok(loader *l, const ynode *k, const declared_column *other,
                           size_t n_other)
{
    if (k->kind != Y_SCALAR || !is_identifier(k->s)) {
        lerr(l, k, "'%s' is not a valid column name (lower case letters, digits and _)",
             k->kind == Y_SCALAR ? k->s : "?");
        return false;
    }
    if (expr_is_reserved_name(k->s)) {
        lerr(l, k, "the column name '%s' is already used by the language (a built-in column, "
                   "line field or month value)", k->s);
        return false;
    }
    if (!strcmp(k->s, "form")) {
        lerr(l, k, "the column name 'form' is kasan's own: intake writes there the form and "
                   "row each line was read from");
        return false;
    }
    for (size_t i = 0; i < n_other; i++)
        if (!strcmp(other[i].name, k->s)) {
            lerr(l, k, "the column name '%s' is declared in both child_columns and "
                       "staff_columns", k->s);
            return false;
        }
    return true;
}

/* child_columns: / staff_columns: of a terms file. */
static size_t load_columns(loader *l, const ynode *root, const char *key,
                           const declared_column *other, size_t n_other, declared_column **out)
{
    const ynode *m = ymap_get(root, key);
    if (!m)
        return 0;
    if (m->kind != Y_MAP) {
        lerr(l, m, "'%s' must be a mapping of column names to definitions", key);
        return 0;
    }
    if (m->n / 2 > DECLARED_MAX) {
        lerr(l, m, "at most %d columns in %s", DECLARED_MAX, key);
        return 0;
    }
    declared_column *v = arena_calloc(&l->rs->a, m->n / 2 + 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i + 1 < m->n; i += 2) {
        const ynode *k = m->items[i], *def = m->items[i + 1];
        if (!column_name_ok(l, k, other, n_other))
            continue;
        if (def->kind != Y_MAP) {
            lerr(l, def, "column '%s' must be a mapping with label and type", k->s);
            continue;
        }
        bool twice = false;
        for (size_t j = 0; j < n; j++)
            twice |= !strcmp(v[j].name, k->s);
        if (twice) {
            lerr(l, k, "column '%s' appears twice in %s", k->s, key);
            continue;
        }
        load_column(l, k, def, &v[n++]);
    }
    *out = v;
    return n;
}

static void load_terms(loader *l, const ynode *root)
{
    static const char *const keys[] = {"kind", "version", "title", "effective_from",
                                       "effective_to", "basis", "care_types",
                                       "eligible_nursery_kind", "eligible_qualifications",
                                       "rejection_reasons", "child_columns", "staff_columns",
                                       "note", NULL};
    static const char *const req[] = {"version", "title", "effective_from", "basis", "care_types",
                                      "eligible_nursery_kind", "eligible_qualifications",
                                      "rejection_reasons", NULL};
    check_keys(l, root, keys, req, "a terms file");
    rule_set *rs = l->rs;
    rule_terms *v = grow(rs, rs->terms, rs->n_terms, sizeof *v);
    rs->terms = v;
    rule_terms *t = &v[rs->n_terms++];
    t->file = l->f;
    load_names(l, root, &t->version, &t->title, &t->basis);
    load_dates(l, root, &t->effective_from, &t->effective_to, &t->from_line, &t->from_col, false);
    t->eligible_kind = get_text(l, root, "eligible_nursery_kind");
    t->n_care = load_code_map(l, root, "care_types", &t->care_codes, &t->care_names);
    if (t->n_care > 32)
        lerr(l, ymap_get(root, "care_types"), "at most 32 care types");
    t->n_qual = load_code_map(l, root, "eligible_qualifications", &t->qual_codes, &t->qual_names);
    t->n_reasons = load_code_map(l, root, "rejection_reasons", &t->reason_codes, &t->reason_texts);
    static const char *const needed[] = {"unknown_nursery", "ward_run", "nursery_inactive",
                                         "no_care_type", "no_enrolled_day", "duplicate_child",
                                         "ineligible_qualification", "no_eligible_child", NULL};
    const ynode *rr = ymap_get(root, "rejection_reasons");
    for (size_t i = 0; needed[i] && rr && t->n_reasons; i++)
        if (!ymap_get(rr, needed[i]))
            lerr(l, rr, "rejection_reasons has no text for '%s'", needed[i]);
    t->n_child_cols = load_columns(l, root, "child_columns", NULL, 0, &t->child_cols);
    t->n_staff_cols = load_columns(l, root, "staff_columns", t->child_cols, t->n_child_cols,
                                   &t->staff_cols);
}

/* accounts_close: the last day of the year's 出納整理期間 (出納閉鎖; 31 May of
 * the next year by 地方自治法 §235の5 when the key is absent).  After it a
 * 追加交付 is 過年度支出 of the year it is paid in and a 返還 is 雑入. */
static void load_accounts_close(loader *l, const ynode *root, budget_line *b)
{
    if (!b->fiscal_year)
        return;
    b->accounts_close = get_date(l, root, "accounts_close", date_from_ymd(b->fiscal_year + 1, 5, 31));
    if (b->accounts_close < date_from_ymd(b->fiscal_year + 1, 4, 1) ||
        b->accounts_close > date_from_ymd(b->fiscal_year + 2, 3, 31))
        lerr(l, ymap_get(root, "accounts_close"), "accounts_close (出納閉鎖) falls in the year after "
             "the fiscal year's end: from 1 April %d to 31 March %d", b->fiscal_year + 1,
             b->fiscal_year + 2);
}

static void load_budget(loader *l, const ynode *root)
{
    static const char *const keys[] = {"kind", "version", "title", "effective_from",
                                       "effective_to", "basis", "fiscal_year", "line",
                                       "amount", "note", "grant_decision", "accounts_close", NULL};
    static const char *const req[] = {"version", "title", "effective_from", "effective_to",
                                      "basis", "fiscal_year", "line", "amount", NULL};
    check_keys(l, root, keys, req, "a budget file");
    rule_set *rs = l->rs;
    budget_line *v = grow(rs, rs->budgets, rs->n_budgets, sizeof *v);
    rs->budgets = v;
    budget_line *b = &v[rs->n_budgets++];
    b->file = l->f;
    load_names(l, root, &b->version, &b->title, &b->basis);
    b->line_id = get_text(l, root, "line");
    load_dates(l, root, &b->effective_from, &b->effective_to, NULL, NULL, false);
    value fy, amount;
    if (ymap_get(root, "fiscal_year") &&
        rules_parse_literal(rs, l->f, l->d, ymap_get(root, "fiscal_year"), VT_DAYS, &fy)) {
        if (fy.n.n < 1900 || fy.n.n > 9998) /* its March must be a date too */
            lerr(l, ymap_get(root, "fiscal_year"), "fiscal_year must be a year such as 2025");
        else
            b->fiscal_year = (int)fy.n.n;
    } else if (ymap_get(root, "fiscal_year")) {
        l->errors++;
    }
    if (ymap_get(root, "amount") &&
        rules_parse_literal(rs, l->f, l->d, ymap_get(root, "amount"), VT_YEN, &amount)) {
        if (amount.n.n <= 0)
            lerr(l, ymap_get(root, "amount"), "the budget amount must be above zero");
        b->amount = amount.n.n;
    } else if (ymap_get(root, "amount")) {
        l->errors++;
    }
    /* grant_decision: none — a year paid without grant decisions (交付決定) */
    const char *gd = ymap_get(root, "grant_decision") ? get_text(l, root, "grant_decision") : NULL;
    if (gd && strcmp(gd, "none") != 0)
        lerr(l, ymap_get(root, "grant_decision"), "grant_decision takes only 'none' (the year is "
                                                  "paid without grant decisions); leave the key "
                                                  "out when the year has decisions");
    b->no_grant_decision = gd && !strcmp(gd, "none");
    if (b->fiscal_year && (b->effective_from != date_from_ymd(b->fiscal_year, 4, 1) ||
                           b->effective_to != date_from_ymd(b->fiscal_year + 1, 3, 31)))
        lerr(l, root, "a budget line runs from 1 April to 31 March of its fiscal_year");
    load_accounts_close(l, root, b);
}

/* A code of `min`–`max` ASCII digits (quoted in YAML, so leading zeros stay). */
static const char *get_digits(loader *l, const ynode *root, const char *key, size_t min, size_t max,
                              const char *what)
{
    const char *s = get_text(l, root, key);
    if (!s)
        return NULL;
    if (bank_digits(s, min, max))
        return s;
    if (min == max)
        lerr(l, ymap_get(root, key), "%s must be %zu digits (%s), not '%s'", key, min, what, s);
    else
        lerr(l, ymap_get(root, key), "%s must be %zu–%zu digits (%s), not '%s'", key, min, max,
             what, s);
    return NULL;
}

/* A name the transfer file will carry: it must convert (kana.h) and fit. */
static const char *get_kana_name(loader *l, const ynode *root, const char *key, size_t width)
{
    const char *s = get_text(l, root, key);
    if (!s)
        return NULL;
    strbuf sb;
    sb_init(&sb);
    char why[200];
    bank_name_status st = bank_name(s, width, &sb, why, sizeof why);
    if (st == BANK_NAME_BAD) {
        lerr(l, ymap_get(root, key), "%s: %s; write it in katakana as the bank registers it", key,
             why);
        s = NULL;
    } else if (st == BANK_NAME_LONG) {
        lerr(l, ymap_get(root, key), "%s is %zu characters once converted to half-width; the "
             "transfer file holds %zu", key, sb.len, width);
        s = NULL;
    }
    sb_release(&sb);
    return s;
}

static void load_payer(loader *l, const ynode *root)
{
    static const char *const keys[] = {"kind", "version", "title", "effective_from", "effective_to",
                                       "basis", "requester_code", "requester_name", "bank_code",
                                       "bank_name", "branch_code", "branch_name", "account_type",
                                       "account_number", "planned_transfer_day", "note", NULL};
    static const char *const req[] = {"version", "title", "effective_from", "basis",
                                      "requester_code", "requester_name", "bank_code", "bank_name",
                                      "branch_code", "branch_name", "account_type",
                                      "account_number", NULL};
    check_keys(l, root, keys, req, "a payer file");
    rule_set *rs = l->rs;
    rule_payer *v = grow(rs, rs->payers, rs->n_payers, sizeof *v);
    rs->payers = v;
    rule_payer *p = &v[rs->n_payers++];
    p->file = l->f;
    load_names(l, root, &p->version, &p->title, &p->basis);
    load_dates(l, root, &p->effective_from, &p->effective_to, &p->from_line, &p->from_col, true);
    p->requester_code = get_digits(l, root, "requester_code", 10, 10, "依頼人コード");
    p->requester_name = get_kana_name(l, root, "requester_name", ZENGIN_REQUESTER_NAME);
    p->bank_code = get_digits(l, root, "bank_code", 4, 4, "銀行番号");
    p->bank_name = get_kana_name(l, root, "bank_name", ZENGIN_BANK_NAME);
    p->branch_code = get_digits(l, root, "branch_code", 3, 3, "支店番号");
    p->branch_name = get_kana_name(l, root, "branch_name", ZENGIN_BANK_NAME);
    p->account_number = get_digits(l, root, "account_number", 1, 7, "口座番号");
    const char *t = get_text(l, root, "account_type");
    p->account_type = bank_account_type(t);
    if (t && !p->account_type)
        lerr(l, ymap_get(root, "account_type"), "account_type must be ordinary (普通) or current "
             "(当座), not '%s'", t);
    const char *day = ymap_get(root, "planned_transfer_day") ? get_text(l, root,
                                                                       "planned_transfer_day")
                                                             : NULL;
    if (day) { /* 振込予定日: a day of the month, 1–31 */
        char *end;
        long dn = strtol(day, &end, 10);
        if (*day < '0' || *day > '9' || *end || dn < 1 || dn > 31)
            lerr(l, ymap_get(root, "planned_transfer_day"), "planned_transfer_day must be a day "
                 "of the month, 1 to 31 (振込予定日), not '%s'", day);
        else
            p->planned_transfer_day = (int)dn;
    }
}

int rules_load_one(rule_set *rs, const rule_file *f, const ynode *root, diag_list *d)
{
    loader l = {.rs = rs, .f = f, .d = d};
    const char *kind = scalar(&l, ymap_get(root, "kind"), "kind");
    size_t before = diag_count(d);
    if (!kind || !strcmp(kind, "program")) {
        load_program(&l, root);
        rs->programs[rs->n_programs - 1].broken = diag_count(d) != before;
    } else if (!strcmp(kind, "terms")) {
        load_terms(&l, root);
        rs->terms[rs->n_terms - 1].broken = diag_count(d) != before;
    } else if (!strcmp(kind, "budget")) {
        load_budget(&l, root);
    } else if (!strcmp(kind, "payer")) {
        load_payer(&l, root);
        rs->payers[rs->n_payers - 1].broken = diag_count(d) != before;
    } else if (!strcmp(kind, "operators")) {
        load_operators(&l, root);
    } else if (!strcmp(kind, "issuer")) {
        load_issuer(&l, root);
        rs->issuers[rs->n_issuers - 1].broken = diag_count(d) != before;
    } else if (!strcmp(kind, "calendar")) {
        load_calendar(&l, root);
        rs->calendars[rs->n_calendars - 1].broken = diag_count(d) != before;
    } else {
        lerr(&l, ymap_get(root, "kind"), "unknown kind '%s' (program, terms, budget, payer, "
             "operators, issuer or calendar)", kind);
    }
    return l.errors ? -1 : 0;
}
