/* forms: the claim form (請求書様式, SPEC 8.2) of every nursery of the paid
 * kind active in month M, as OUT/M/forms/ID.xlsx, prefilled with the
 * nursery's lines of the previous month that are still enrolled (children)
 * or were placed (staff).  All forms are written into a staging directory
 * and moved into place together (publish.c).  Also what forms and intake
 * both load first (form_setup).
 * Not here: the form's layout (src/report/forms_xlsx.c), reading filled
 * forms back (intake.c, src/intake/forms_read.c). */
#include "flow_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/fsutil.h"

int form_setup_load(const flow_paths *paths, claim_month m, form_setup *fs, flow_notes *notes)
{
    memset(fs, 0, sizeof *fs);
    int rc = flow_load_rules(paths->rules, &fs->rs, notes);
    if (rc != EXIT_OK)
        return rc;
    char mon[8];
    month_format(m, mon);
    fs->terms = rules_terms_in_force(&fs->rs, m);
    if (!fs->terms) {
        flow_say(notes, FLOW_NOTE_SAY, "no terms file in force for %s under %s", mon,
                 paths->rules);
        return EXIT_INVALID;
    }
    schema_build(fs->terms, &fs->a, &fs->schema);
    char *path = arena_printf(&fs->a, "%s/nurseries.csv", paths->data);
    diag_list d = DIAG_LIST_INIT;
    rc = intake_load_registry(path, NULL, fs->terms->eligible_kind, &fs->a, &fs->reg, &d);
    flow_say_diags(notes, &d);
    diag_release(&d);
    return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

void form_setup_free(form_setup *fs)
{
    rules_free(&fs->rs);
    arena_release(&fs->a);
}

/* Last month's claims, if its files exist: 0, or -1 after a note. */
static int load_previous(const flow_paths *paths, claim_month m, form_setup *fs, claims *prev,
                         const rule_terms **prev_terms, flow_notes *notes)
{
    memset(prev, 0, sizeof *prev);
    claim_month p = m.month == 1 ? (claim_month){m.year - 1, 12} : (claim_month){m.year, m.month - 1};
    char mon[8];
    month_format(p, mon);
    flow_claims_recover(paths->data, mon, notes); /* a dead intake's month first */
    char *cp = arena_printf(&fs->a, "%s/claims/%s/children.csv", paths->data, mon);
    char *sp = arena_printf(&fs->a, "%s/claims/%s/nurses.csv", paths->data, mon);
    const rule_terms *t = rules_terms_in_force(&fs->rs, p);
    if (!t)
        t = fs->terms;
    *prev_terms = t;
    intake_vocab vocab = intake_vocab_of(&fs->rs, t);
    diag_list d = DIAG_LIST_INIT;
    int rc = 0;
    input_file f;
    if (fs_exists(cp))
        rc |= intake_read_file(cp, &fs->a, &f, &d) != 0 ||
              children_parse(cp, f.data, f.len, &fs->reg, &vocab, &fs->a, prev, &d) != 0;
    if (fs_exists(sp))
        rc |= intake_read_file(sp, &fs->a, &f, &d) != 0 ||
              staff_parse(sp, f.data, f.len, &fs->reg, &vocab, &fs->a, prev, &d) != 0;
    flow_say_diags(notes, &d);
    diag_release(&d);
    if (rc != 0)
        flow_say(notes, FLOW_NOTE_SAY, "last month's claims (%s) do not read; no form written",
                 mon);
    return rc ? -1 : 0;
}

static bool active_in(const nursery *n, claim_month m)
{
    return n->active_from <= month_last_day(m) && n->active_to >= month_first_day(m);
}

/* The previous month's lines of nursery i still enrolled on M's first day. */
static void prefill_for(const claims *prev, const rule_terms *t, int32_t i, claim_month m,
                        arena *a, forms_prefill *pre)
{
    const child_line **c = arena_calloc(a, prev->n_children + 1, sizeof *c);
    const staff_line **s = arena_calloc(a, prev->n_staff + 1, sizeof *s);
    size_t nc = 0, ns = 0;
    for (size_t k = 0; k < prev->n_children; k++) {
        const child_line *l = &prev->children[k];
        if (l->nursery == i && l->enrolled_to >= month_first_day(m))
            c[nc++] = l;
    }
    for (size_t k = 0; k < prev->n_staff; k++)
        if (prev->staff[k].nursery == i)
            s[ns++] = &prev->staff[k];
    *pre = (forms_prefill){c, nc, s, ns, t->child_cols, t->staff_cols, t->n_child_cols,
                           t->n_staff_cols};
}

static int write_forms(const flow_forms_req *rq, form_setup *fs, const claims *prev,
                       const rule_terms *prev_terms, flow_forms_res *res)
{
    claim_month m = rq->month;
    flow_notes *notes = &res->notes;
    const flow_progress *pg = rq->progress;
    char mon[8];
    month_format(m, mon);
    char *month_dir = arena_printf(&fs->a, "%s/%s", rq->paths.out, mon);
    flow_sweep(month_dir, "forms", notes);
    char *stage = flow_stage_dir(month_dir, "forms", (long)getpid(), &fs->a);
    char *final_dir = arena_printf(&fs->a, "%s/forms", month_dir);
    if (fs_mkdirs(stage) != 0) {
        flow_say(notes, FLOW_NOTE_SAY, "%s: %s", stage, strerror(errno));
        return EXIT_INTERNAL;
    }
    int rc = 0;
    char err[512] = "";
    res->written = 0;
    size_t total = 0;
    for (size_t i = 0; i < fs->reg.n; i++)
        total += !strcmp(fs->reg.v[i].kind, fs->terms->eligible_kind) && active_in(&fs->reg.v[i], m);
    if (pg && pg->start)
        pg->start(pg->ctx, "claim forms", total);
    for (size_t i = 0; rc == 0 && i < fs->reg.n; i++) {
        const nursery *n = &fs->reg.v[i];
        if (strcmp(n->kind, fs->terms->eligible_kind) || !active_in(n, m))
            continue;
        forms_prefill pre;
        prefill_for(prev, prev_terms, (int32_t)i, m, &fs->a, &pre);
        if (pre.n_children > FORMS_LINES || pre.n_staff > FORMS_LINES)
            flow_say(notes, FLOW_NOTE_SAY, "warning: %s had %zu children and %zu staff lines "
                     "last month; a form holds %d of each, the rest are not prefilled", n->id,
                     pre.n_children, pre.n_staff, FORMS_LINES);
        char *path = arena_printf(&fs->a, "%s/%s.xlsx", stage, n->id);
        rc = forms_write_xlsx(&fs->schema, m, n, &pre, NULL, path, err, sizeof err);
        res->written++;
        if (pg && pg->tick)
            pg->tick(pg->ctx, res->written);
    }
    if (pg && pg->end)
        pg->end(pg->ctx);
    if (rc == 0 && flow_publish_dir(stage, final_dir, 0, NULL) != 0) {
        snprintf(err, sizeof err, "%s: %s", final_dir, strerror(errno));
        rc = -1;
    }
    if (rc != 0) {
        fs_remove_tree(stage);
        flow_say(notes, FLOW_NOTE_SAY, "%s; no form written", err);
        return EXIT_INTERNAL;
    }
    res->dir = final_dir;
    return EXIT_OK;
}

int flow_forms(const flow_forms_req *rq, flow_forms_res *res)
{
    memset(res, 0, sizeof *res);
    form_setup fs;
    int rc = form_setup_load(&rq->paths, rq->month, &fs, &res->notes);
    claims prev;
    const rule_terms *prev_terms = NULL;
    if (rc == EXIT_OK &&
        load_previous(&rq->paths, rq->month, &fs, &prev, &prev_terms, &res->notes) != 0)
        rc = EXIT_INVALID;
    if (rc == EXIT_OK)
        rc = write_forms(rq, &fs, &prev, prev_terms, res);
    if (res->dir)
        res->dir = arena_strdup(&res->a, res->dir);
    form_setup_free(&fs);
    return rc;
}

void flow_forms_free(flow_forms_res *res)
{
    flow_notes_free(&res->notes);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}
