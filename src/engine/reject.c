/* reject: SPEC 1.5 — which claim lines are not paid, and why.  Checks apply
 * in the SPEC's order and a line gets the first reason that applies;
 * duplicate_child compares only child lines that passed the earlier checks,
 * by the days each would actually be paid for. */
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static void reject(month_run *run, size_t *cap, const char *file, int line, const char *nursery_id,
                   const char *ref, const char *code, rule_scope kind)
{
    if (run->n_rejections == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        rejection *v = arena_calloc(&run->a, c, sizeof *v);
        if (run->n_rejections)
            memcpy(v, run->rejections, run->n_rejections * sizeof *v);
        run->rejections = v;
        *cap = c;
    }
    run->rejections[run->n_rejections++] = (rejection){
        file, line, nursery_id, ref, code, rules_reason_text(run->terms, code), kind};
}

/* The first nursery-level reason that applies, or NULL. */
static const char *nursery_reason(const month_run *run, int32_t idx)
{
    if (idx < 0)
        return "unknown_nursery";
    const nursery *n = &run->reg.v[idx];
    if (strcmp(n->kind, run->terms->eligible_kind))
        return "ward_run";
    if (!date_overlap_days(n->active_from, n->active_to, month_first_day(run->month),
                           month_last_day(run->month)))
        return "nursery_inactive";
    return NULL;
}

typedef struct paid_span {
    const char *ref;
    date_t lo, hi;
    size_t line;
} paid_span;

static int cmp_span(const void *a, const void *b)
{
    const paid_span *x = a, *y = b;
    int c = strcmp(x->ref, y->ref);
    return c ? c : (x->lo > y->lo) - (x->lo < y->lo);
}

/* Marks every line whose paid days overlap another line of the same child. */
static void find_duplicates(month_run *run, eligibility *el, bool *dup)
{
    const claims *cl = &run->cl;
    paid_span *s = malloc((cl->n_children + 1) * sizeof *s);
    if (!s)
        abort();
    size_t n = 0;
    date_t m0 = month_first_day(run->month), m1 = month_last_day(run->month);
    for (size_t i = 0; i < cl->n_children; i++) {
        if (!el->child_ok[i])
            continue;
        const child_line *c = &cl->children[i];
        const nursery *nu = &run->reg.v[c->nursery];
        date_t lo = c->enrolled_from, hi = c->enrolled_to;
        lo = lo > nu->active_from ? lo : nu->active_from;
        lo = lo > m0 ? lo : m0;
        hi = hi < nu->active_to ? hi : nu->active_to;
        hi = hi < m1 ? hi : m1;
        s[n++] = (paid_span){c->child_ref, lo, hi, i};
    }
    qsort(s, n, sizeof *s, cmp_span);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && !strcmp(s[j].ref, s[i].ref))
            j++;
        /* sorted by start: a line overlaps an earlier one iff it starts before
         * the latest end seen so far in the group */
        date_t reach = s[i].hi;
        size_t reach_line = i;
        for (size_t k = i + 1; k < j; k++) {
            if (s[k].lo <= reach) {
                dup[s[k].line] = true;
                dup[s[reach_line].line] = true;
            }
            if (s[k].hi > reach) {
                reach = s[k].hi;
                reach_line = k;
            }
        }
        i = j;
    }
    free(s);
}

static bool qualification_ok(const rule_terms *t, const char *q)
{
    for (size_t i = 0; i < t->n_qual; i++)
        if (!strcmp(t->qual_codes[i], q))
            return true;
    return false;
}

void engine_eligibility(month_run *run, eligibility *el)
{
    const claims *cl = &run->cl;
    size_t cap = 0;
    date_t m0 = month_first_day(run->month), m1 = month_last_day(run->month);
    const char **why = calloc(cl->n_children + 1, sizeof *why);
    bool *dup = calloc(cl->n_children + 1, sizeof *dup);
    if (!why || !dup)
        abort();
    for (size_t i = 0; i < cl->n_children; i++) {
        const child_line *c = &cl->children[i];
        why[i] = nursery_reason(run, c->nursery);
        if (!why[i] && !c->care_mask)
            why[i] = "no_care_type";
        if (!why[i]) {
            const nursery *n = &run->reg.v[c->nursery];
            date_t lo = n->active_from > m0 ? n->active_from : m0;
            date_t hi = n->active_to < m1 ? n->active_to : m1;
            el->child_days_all[i] = date_overlap_days(c->enrolled_from, c->enrolled_to, lo, hi);
            if (!el->child_days_all[i])
                why[i] = "no_enrolled_day";
        }
        el->child_ok[i] = !why[i];
    }
    find_duplicates(run, el, dup);
    bool *has_child = calloc(run->reg.n + 1, sizeof *has_child);
    if (!has_child)
        abort();
    for (size_t i = 0; i < cl->n_children; i++) {
        if (dup[i]) {
            why[i] = "duplicate_child";
            el->child_ok[i] = false;
        }
        if (why[i])
            reject(run, &cap, cl->children_file, cl->children[i].line, cl->children[i].nursery_id,
                   cl->children[i].child_ref, why[i], SCOPE_CHILD);
        else
            has_child[cl->children[i].nursery] = true;
    }
    for (size_t i = 0; i < cl->n_staff; i++) {
        const staff_line *s = &cl->staff[i];
        const char *r = nursery_reason(run, s->nursery);
        if (!r && !qualification_ok(run->terms, s->qualification))
            r = "ineligible_qualification";
        if (!r && !has_child[s->nursery])
            r = "no_eligible_child";
        el->staff_ok[i] = !r;
        if (r)
            reject(run, &cap, cl->staff_file, s->line, s->nursery_id, s->staff_ref, r, SCOPE_STAFF);
    }
    free(has_child);
    free(dup);
    free(why);
}
