/* explain: how every amount of one nursery-month was reached, as text — for
 * a section staff member on the phone with the nursery: each value with its
 * formula, the values it read, and the rule file, version and legal basis
 * it comes from; the nursery's rejected lines; its total.  `kasan explain`
 * prints this text and the web front-end shows the very same bytes.
 * Not here: computing the month (engine, load.c), printing or markup (the
 * front-ends). */
#include <stdio.h>
#include <string.h>

#include "flow_int.h"
#include "kasan/expr.h"
#include "kasan/flow_view.h"
#include "kasan/schema.h"

static void fmt(const month_run *run, vtype t, value v, char *buf, size_t n)
{
    value_format(t, v, run->terms->care_names, buf, n);
    if (t == VT_YEN || t == VT_YEN_FRAC)
        strncat(buf, " yen", n - strlen(buf) - 1);
}

static void say_param(strbuf *o, const month_run *run, const rule_value *rv)
{
    char buf[256];
    if (rv->kind == RV_TABLE) {
        sb_addf(o, "    %s%s%s (table):", rv->name, rv->label ? " " : "",
                rv->label ? rv->label : "");
        for (size_t i = 0; i < rv->table.n; i++) {
            fmt(run, rv->table.val_type, rv->table.vals[i], buf, sizeof buf);
            sb_addf(o, "%s %s → %s", i ? "," : "", rv->table.keys[i], buf);
        }
        sb_adds(o, "\n");
        return;
    }
    fmt(run, rv->type, rv->param, buf, sizeof buf);
    sb_addf(o, "    %s%s%s = %s\n", rv->name, rv->label ? " " : "", rv->label ? rv->label : "",
            buf);
}

/* A line field or month value a formula read, formatted for people: the
 * language's field table says its type, the engine reads it. */
static void field_text(const month_run *run, rule_scope scope, size_t line, const char *name,
                       char *buf, size_t n)
{
    const expr_field_table *t = run->terms->fields;
    const expr_field *f = expr_field_find(t, EXPR_FIELD_MONTH, name);
    if (!f)
        f = expr_field_find(t, scope == SCOPE_CHILD ? EXPR_FIELD_CHILD : EXPR_FIELD_STAFF, name);
    if (!f) {
        snprintf(buf, n, "?");
        return;
    }
    value_format(f->type, engine_field_value(run, f, line), run->terms->care_names, buf, n);
}

/* The sums and counts over the nursery's lines inside a nursery formula, so
 * "sum(children, child_amount) + addition" shows both terms. */
static void say_aggregates(strbuf *o, const month_run *run, size_t p, const nursery_month *nm,
                           const rule_value *rv, const char *indent)
{
    enum { MAX_AGG = 16 };
    const enode *agg[MAX_AGG];
    size_t n = expr_aggregates(rv->code, agg, MAX_AGG);
    char text[512], shown[MAX_AGG][512], buf[256];
    size_t n_shown = 0;
    for (size_t k = 0; k < n; k++) {
        if (!expr_node_text(rv->code, agg[k], text, sizeof text) || !strcmp(text, rv->formula))
            continue; /* the whole formula: its value is already said */
        bool seen = false;
        for (size_t j = 0; j < n_shown && !seen; j++)
            seen = !strcmp(shown[j], text);
        if (seen)
            continue;
        bool ok;
        value v = engine_eval_node(run, p, nm, agg[k], &ok);
        if (!ok)
            continue;
        fmt(run, expr_node_type(agg[k]), v, buf, sizeof buf);
        sb_addf(o, "%s      %s = %s\n", indent, text, buf);
        memcpy(shown[n_shown++], text, sizeof text);
    }
}

/* One formula value: name, label, value, formula and what it read. */
static void say_formula(strbuf *o, const month_run *run, size_t p, const nursery_month *nm,
                        size_t line, const rule_value *rv, const char *indent)
{
    char buf[256];
    value v = rv->scope == SCOPE_NURSERY ? engine_nursery_value(run, p, nm, rv)
                                         : engine_line_value(run, p, line, rv);
    fmt(run, rv->type, v, buf, sizeof buf);
    sb_addf(o, "%s%s%s%s = %s\n", indent, rv->name, rv->label ? " " : "",
            rv->label ? rv->label : "", buf);
    sb_addf(o, "%s    = %s\n", indent, rv->formula);
    for (size_t k = 0; k < rv->n_fields; k++) {
        if (rv->scope == SCOPE_NURSERY &&
            !expr_field_find(run->terms->fields, EXPR_FIELD_MONTH, rv->fields[k]))
            continue; /* fields inside aggregates: shown per line above */
        field_text(run, rv->scope, line, rv->fields[k], buf, sizeof buf);
        sb_addf(o, "%s      %s = %s\n", indent, rv->fields[k], buf);
    }
    if (rv->scope == SCOPE_NURSERY)
        say_aggregates(o, run, p, nm, rv, indent);
    for (size_t k = 0; k < rv->n_deps; k++) {
        const rule_value *d = rv->deps[k];
        if (d->kind == RV_TABLE || (d->kind == RV_FORMULA && d->scope != SCOPE_NURSERY &&
                                    d->scope != rv->scope))
            continue;
        value dv = d->kind == RV_PARAM             ? d->param
                   : d->scope == SCOPE_NURSERY ? engine_nursery_value(run, p, nm, d)
                                               : engine_line_value(run, p, line, d);
        fmt(run, d->type, dv, buf, sizeof buf);
        sb_addf(o, "%s      %s = %s\n", indent, d->name, buf);
    }
}

/* The declared columns (SPEC 8.1) of an eligible line, under their labels. */
static void say_declared(strbuf *o, const declared_column *cols, size_t n, const value *decl)
{
    char buf[256];
    for (size_t k = 0; k < n; k++) {
        schema_format_value(&cols[k], decl[cols[k].slot], buf, sizeof buf);
        sb_addf(o, "    %s %s = %s\n", cols[k].name, cols[k].label, buf);
    }
}

static void say_child(strbuf *o, const month_run *run, size_t i)
{
    const child_line *c = run->children[i];
    char care[256], from[11], to[16];
    value_format(VT_CARE_SET, (value){.set = c->care_mask}, run->terms->care_names, care,
                 sizeof care);
    date_format_iso(c->enrolled_from, from);
    if (c->enrolled_to == DATE_OPEN)
        snprintf(to, sizeof to, "(enrolled)");
    else
        date_format_iso(c->enrolled_to, to);
    sb_addf(o, "  child %s (%s line %d): %s; enrolled %s to %s; %d of %d days this month\n",
            c->child_ref, run->cl.children_file, c->line, care, from, to, run->child_days[i],
            month_days(run->month));
    say_declared(o, run->terms->child_cols, run->terms->n_child_cols, c->decl);
}

static void say_staff(strbuf *o, const month_run *run, size_t i)
{
    const staff_line *s = run->staff[i];
    char hours[32], sal[32], oth[32];
    num_format(s->hours, hours, sizeof hours);
    flow_yen(s->salary_cost, false, sal);
    flow_yen(s->other_income, false, oth);
    sb_addf(o, "  staff %s (%s line %d): %s, %s%s%s; salary_cost %s yen, other_income %s yen\n",
            s->staff_ref, run->cl.staff_file, s->line, s->qualification, s->employment,
            s->has_hours ? ", hours " : "", s->has_hours ? hours : "", sal, oth);
    say_declared(o, run->terms->staff_cols, run->terms->n_staff_cols, s->decl);
}

static void say_program(strbuf *o, const month_run *run, size_t p, const nursery_month *nm)
{
    const program *pg = run->programs[p];
    char from[11], amount[32];
    date_format_iso(pg->effective_from, from);
    sb_addf(o, "\n%s %s — version %s, in force from %s\n", pg->id, pg->title, pg->version, from);
    sb_addf(o, "  rule file %s (sha256 %.16s…)\n  basis: %s\n", pg->file->path,
            pg->file->sha256, pg->basis);
    sb_adds(o, "  parameters:\n");
    for (size_t k = 0; k < pg->n_values; k++)
        if (pg->values[k].kind != RV_FORMULA)
            say_param(o, run, &pg->values[k]);
    for (size_t i = 0; i < nm->n_children && pg->n_slots[SCOPE_CHILD]; i++) {
        sb_addf(o, "  for child %s:\n", run->children[nm->child0 + i]->child_ref);
        for (size_t k = 0; k < pg->n_order; k++) {
            const rule_value *rv = &pg->values[pg->order[k]];
            if (rv->scope == SCOPE_CHILD)
                say_formula(o, run, p, nm, nm->child0 + i, rv, "    ");
        }
    }
    for (size_t i = 0; i < nm->n_staff && pg->n_slots[SCOPE_STAFF]; i++) {
        sb_addf(o, "  for staff %s:\n", run->staff[nm->staff0 + i]->staff_ref);
        for (size_t k = 0; k < pg->n_order; k++) {
            const rule_value *rv = &pg->values[pg->order[k]];
            if (rv->scope == SCOPE_STAFF)
                say_formula(o, run, p, nm, nm->staff0 + i, rv, "    ");
        }
    }
    sb_adds(o, "  for the nursery:\n");
    for (size_t k = 0; k < pg->n_order; k++) {
        const rule_value *rv = &pg->values[pg->order[k]];
        if (rv->scope == SCOPE_NURSERY)
            say_formula(o, run, p, nm, 0, rv, "    ");
    }
    flow_yen(nm->amount[p], false, amount);
    sb_addf(o, "  ⇒ %s %s: %s yen\n", pg->id, pg->title, amount);
}

const nursery_month *flow_nursery_month(const month_run *run, const char *id)
{
    size_t lo = 0, hi = run->n_nurseries; /* run->nurseries is sorted by id */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(run->nurseries[mid].nursery->id, id);
        if (c == 0)
            return &run->nurseries[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int flow_explain_text(const month_run *run, const char *id, strbuf *o, flow_notes *notes)
{
    int32_t r = registry_find(&run->reg, id, strlen(id));
    char mon[8], total[32];
    month_format(run->month, mon);
    if (r < 0) {
        flow_say(notes, FLOW_NOTE_SAY, "nursery %s is not in %s", id, run->reg.file);
        return EXIT_USAGE;
    }
    const nursery *n = &run->reg.v[r];
    sb_addf(o, "%s %s (%s), %s, claim month %s (%d days)\n", n->id, n->name, n->operator_name,
            n->kind, mon, month_days(run->month));
    sb_addf(o, "terms %s (%s): paid kind %s\n", run->terms->version, run->terms->file->path,
            run->terms->eligible_kind);
    const nursery_month *nm = flow_nursery_month(run, n->id);
    if (nm && nm->nursery != n)
        nm = NULL;
    if (nm) {
        sb_adds(o, "eligible lines:\n");
        for (size_t i = 0; i < nm->n_children; i++)
            say_child(o, run, nm->child0 + i);
        for (size_t i = 0; i < nm->n_staff; i++)
            say_staff(o, run, nm->staff0 + i);
        for (size_t p = 0; p < run->n_programs; p++)
            say_program(o, run, p, nm);
    } else {
        sb_adds(o, "no eligible child line this month: nothing is paid\n");
    }
    bool header = false;
    for (size_t i = 0; i < run->n_rejections; i++) {
        const rejection *rj = &run->rejections[i];
        if (strcmp(rj->nursery_id, id))
            continue;
        if (!header)
            sb_adds(o, "\nrejected lines (不支給):\n");
        header = true;
        sb_addf(o, "  %s line %d, %s: %s — %s\n", rj->file, rj->line, rj->ref, rj->code,
                rj->reason);
    }
    flow_yen(nm ? nm->total : 0, false, total);
    sb_addf(o, "\ntotal for %s in %s: %s yen\n", id, mon, total);
    return EXIT_OK;
}
