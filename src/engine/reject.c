/* reject: SPEC 1.5 — which claim lines are not paid, and why.  Checks apply
 * in the SPEC's order and a line gets the first reason that applies;
 * duplicate_child compares only child lines that passed the earlier checks,
 * by the days each would actually be paid for. */
#include <stdint.h>
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
static const char *nursery_reason_uncached(const month_run *run, int32_t idx)
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
    uint32_t line;
    uint32_t next; /* next span of the same child_ref, or NONE */
    bool head;     /* first span of its child_ref */
} paid_span;

enum { PREFETCH_AHEAD = 16 };
#define NONE UINT32_MAX /* not an enum: ISO C enumerators must fit an int (clang -Wpedantic) */

/* Claim lines come grouped by nursery: remembering the last answer saves
 * most of the string compares (kind) of a national month. */
typedef struct reason_cache {
    int32_t idx; /* INT32_MIN: empty */
    const char *reason;
} reason_cache;

static const char *nursery_reason(const month_run *run, int32_t idx, reason_cache *c)
{
    if (c->idx != idx) {
        c->idx = idx;
        c->reason = nursery_reason_uncached(run, idx);
    }
    return c->reason;
}

/* Marks every line whose paid days overlap another line of the same child,
 * and counts the distinct children left with a paid line.  Lines are grouped
 * by child_ref through a hash table (sorting 190,000 refs by strcmp was a
 * tenth of a national month); a group is nearly always one line, and the
 * rare larger ones are checked pair by pair, which marks exactly the lines
 * that overlap another. */
static size_t find_duplicates(month_run *run, eligibility *el, bool *dup)
{
    const claims *cl = &run->cl;
    size_t cap = 16;
    while (cap < 2 * cl->n_children)
        cap *= 2;
    paid_span *s = malloc((cl->n_children + 1) * sizeof *s);
    /* table slot: a group's first span, and its ref's hash so that probing
     * past other refs rarely touches their spans and strings */
    struct slot {
        uint32_t first, tag;
    } *first = malloc(cap * sizeof *first);
    if (!s || !first || cl->n_children >= NONE)
        abort();
    memset(first, 0xFF, cap * sizeof *first);
    size_t n = 0;
    date_t m0 = month_first_day(run->month), m1 = month_last_day(run->month);
    /* The table is megabytes and every probe a cache miss: fetch the slot
     * of the line PREFETCH_AHEAD lines on (its ref hashed by the intake)
     * while inserting this one, so the misses overlap. */
    for (size_t i = 0; i < cl->n_children; i++) {
        if (i + PREFETCH_AHEAD < cl->n_children)
            __builtin_prefetch(&first[cl->children[i + PREFETCH_AHEAD].ref_hash & (cap - 1)]);
        if (!el->child_ok[i])
            continue;
        const child_line *c = &cl->children[i];
        const nursery *nu = &run->reg.v[c->nursery];
        date_t lo = c->enrolled_from, hi = c->enrolled_to;
        lo = lo > nu->active_from ? lo : nu->active_from;
        lo = lo > m0 ? lo : m0;
        hi = hi < nu->active_to ? hi : nu->active_to;
        hi = hi < m1 ? hi : m1;
        s[n] = (paid_span){c->child_ref, lo, hi, (uint32_t)i, NONE, false};
        uint32_t tag = c->ref_hash;
        size_t h = (size_t)tag & (cap - 1);
        while (first[h].first != NONE &&
               (first[h].tag != tag || strcmp(s[first[h].first].ref, c->child_ref)))
            h = (h + 1) & (cap - 1);
        el->child_key_all[i] = first[h].first == NONE ? (uint32_t)n : first[h].first;
        if (first[h].first == NONE) {
            first[h] = (struct slot){(uint32_t)n, tag};
            s[n].head = true;
        } else {
            s[n].next = s[first[h].first].next;
            s[first[h].first].next = (uint32_t)n;
        }
        n++;
    }
    free(first);
    size_t distinct = 0;
    for (size_t g = 0; g < n; g++) {
        if (!s[g].head)
            continue;
        for (uint32_t a = (uint32_t)g; a != NONE; a = s[a].next)
            for (uint32_t b = s[a].next; b != NONE; b = s[b].next)
                if (s[a].lo <= s[b].hi && s[b].lo <= s[a].hi)
                    dup[s[a].line] = dup[s[b].line] = true;
        bool paid = false;
        for (uint32_t a = (uint32_t)g; a != NONE && !paid; a = s[a].next)
            paid = !dup[s[a].line];
        distinct += paid;
    }
    free(s);
    return distinct;
}

void engine_eligibility(month_run *run, eligibility *el)
{
    const claims *cl = &run->cl;
    size_t cap = 0;
    date_t m0 = month_first_day(run->month), m1 = month_last_day(run->month);
    const char **why = malloc((cl->n_children + 1) * sizeof *why); /* each line set below */
    bool *dup = calloc(cl->n_children + 1, sizeof *dup);
    if (!why || !dup)
        abort();
    reason_cache rc = {INT32_MIN, NULL};
    for (size_t i = 0; i < cl->n_children; i++) {
        const child_line *c = &cl->children[i];
        why[i] = nursery_reason(run, c->nursery, &rc);
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
    el->n_distinct_children = find_duplicates(run, el, dup);
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
        const char *r = nursery_reason(run, s->nursery, &rc);
        if (!r && s->qual < 0) /* not one of run->terms' qualifications (the intake's vocabulary) */
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
