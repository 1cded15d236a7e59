/* reject: SPEC 1.5 — which claim lines are not paid, and why.  Checks apply
 * in the SPEC's order and a line gets the first reason that applies;
 * duplicate_child compares only child lines that passed the earlier checks,
 * by the days each would actually be paid for.  The intake parsed the lines
 * for run->terms and left facts to compare as integers (staff_line.qual,
 * child_line.ref_hash); the decisions are all made here. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine_int.h"

static void reject(month_run *run, size_t *cap, const char *file, int line, const char *nursery_id,
                   const char *ref, const char *code, rule_scope kind, const char *form)
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
        file, line, nursery_id, ref, code, rules_reason_text(run->terms, code), kind, form};
}

/* SPEC 1.5 codes of the line-level reasons, in the order they apply (the
 * nursery-level ones first); 0 = none applies. */
enum { R_NONE, R_UNKNOWN, R_WARD, R_INACTIVE, R_NO_CARE, R_NO_DAY, R_DUPLICATE };
static const char *const reason_codes[] = {
    NULL, "unknown_nursery", "ward_run", "nursery_inactive", "no_care_type", "no_enrolled_day",
    "duplicate_child",
};

/* An eligible child line's paid days, linked to the other lines of its
 * child_ref (spans are made in line order). */
typedef struct paid_span {
    date_t lo, hi;
    uint32_t line;
    uint32_t next;   /* next span of the same child_ref, or NONE */
    int32_t nursery; /* so that the last pass need not read the line again */
} paid_span;

enum { PREFETCH_AHEAD = 16 };
#define NONE UINT32_MAX /* not an enum: ISO C enumerators must fit an int (clang -Wpedantic) */

/* Claim lines come grouped by nursery: remembering the last answer saves
 * most of the work of a national month; the month's bounds and the registry
 * kind string found equal to the paid kind are kept too (a registry's kinds
 * are a few shared strings, so a pointer compare nearly always decides). */
typedef struct reason_cache {
    int32_t idx; /* INT32_MIN: empty */
    uint8_t reason;
    date_t m0, m1;
    const char *paid_kind; /* a nursery's kind string equal to eligible_kind, or NULL */
} reason_cache;

static reason_cache reason_cache_of(const month_run *run)
{
    return (reason_cache){INT32_MIN, R_NONE, month_first_day(run->month),
                          month_last_day(run->month), NULL};
}

/* The first nursery-level reason that applies, or R_NONE. */
static uint8_t nursery_reason_uncached(const month_run *run, int32_t idx, reason_cache *c)
{
    if (idx < 0)
        return R_UNKNOWN;
    const nursery *n = &run->reg.v[idx];
    if (n->kind != c->paid_kind) {
        if (strcmp(n->kind, run->terms->eligible_kind))
            return R_WARD;
        c->paid_kind = n->kind;
    }
    if (!date_overlap_days(n->active_from, n->active_to, c->m0, c->m1))
        return R_INACTIVE;
    return R_NONE;
}

static uint8_t nursery_reason(const month_run *run, int32_t idx, reason_cache *c)
{
    if (c->idx != idx) {
        c->idx = idx;
        c->reason = nursery_reason_uncached(run, idx, c);
    }
    return c->reason;
}

/* child_refs of the eligible lines: an open-addressing table whose slot
 * holds a group's first span and its ref's hash (child_line.ref_hash, taken
 * by the intake), so that probing past other refs rarely touches their
 * lines and strings.  A group is nearly always one line. */
typedef struct ref_table {
    struct ref_slot {
        uint32_t first, tag;
    } *v;
    size_t mask;
} ref_table;

/* Adds eligible line i as span n of its child_ref's group; returns the
 * group's first span (n for a new group). */
static uint32_t ref_group(ref_table *t, paid_span *s, const claims *cl, size_t i, uint32_t n)
{
    const child_line *c = &cl->children[i];
    size_t h = (size_t)c->ref_hash & t->mask;
    while (t->v[h].first != NONE &&
           (t->v[h].tag != c->ref_hash ||
            strcmp(cl->children[s[t->v[h].first].line].child_ref, c->child_ref)))
        h = (h + 1) & t->mask;
    if (t->v[h].first == NONE) {
        t->v[h] = (struct ref_slot){n, c->ref_hash};
        return n;
    }
    uint32_t g = t->v[h].first;
    s[n].next = s[g].next;
    s[g].next = n;
    return g;
}

/* Marks (dup[span]) every span whose paid days overlap another span of the
 * same child, and counts the distinct children left with a paid line.
 * Groups larger than one are rare and checked pair by pair, which marks
 * exactly the lines that overlap another.  key[line] is the line's group. */
static size_t mark_duplicates(const paid_span *s, size_t n, const uint32_t *key, bool *dup)
{
    size_t distinct = 0;
    for (size_t g = 0; g < n; g++) {
        if (key[s[g].line] != g)
            continue; /* not the first span of its group */
        for (uint32_t a = (uint32_t)g; a != NONE; a = s[a].next)
            for (uint32_t b = s[a].next; b != NONE; b = s[b].next)
                if (s[a].lo <= s[b].hi && s[b].lo <= s[a].hi)
                    dup[a] = dup[b] = true;
        bool paid = false;
        for (uint32_t a = (uint32_t)g; a != NONE && !paid; a = s[a].next)
            paid = !dup[a];
        distinct += paid;
    }
    return distinct;
}

/* The first line-level reason of child line c (R_NONE: eligible so far),
 * with its paid span when eligible. */
static uint8_t child_reason(const month_run *run, const child_line *c, reason_cache *rc,
                            paid_span *span, int *days)
{
    date_t m0 = rc->m0, m1 = rc->m1;
    uint8_t why = nursery_reason(run, c->nursery, rc);
    if (why)
        return why;
    if (!c->care_mask)
        return R_NO_CARE;
    const nursery *n = &run->reg.v[c->nursery];
    date_t lo = n->active_from > m0 ? n->active_from : m0;
    date_t hi = n->active_to < m1 ? n->active_to : m1;
    *days = date_overlap_days(c->enrolled_from, c->enrolled_to, lo, hi);
    if (!*days)
        return R_NO_DAY;
    lo = c->enrolled_from > lo ? c->enrolled_from : lo;
    hi = c->enrolled_to < hi ? c->enrolled_to : hi;
    *span = (paid_span){lo, hi, 0, NONE, c->nursery};
    return R_NONE;
}

/* Inserts the duplicate_child rejections of the spans marked in dup among
 * the child rejections made from index `from` on (all in line order), keeping
 * line order. */
static void merge_duplicates(month_run *run, size_t *cap, size_t from, const paid_span *s,
                             size_t n, const bool *dup, size_t n_dup)
{
    const claims *cl = &run->cl;
    size_t total = run->n_rejections + n_dup, k = 0;
    rejection *v = arena_calloc(&run->a, total + 1, sizeof *v), *out = v + from;
    if (from)
        memcpy(v, run->rejections, from * sizeof *v);
    const char *text = rules_reason_text(run->terms, reason_codes[R_DUPLICATE]);
    for (size_t r = from; r < run->n_rejections || k < n; ) {
        while (k < n && !dup[k])
            k++;
        const child_line *c = k < n ? &cl->children[s[k].line] : NULL;
        if (r < run->n_rejections && (!c || run->rejections[r].line < c->line)) {
            *out++ = run->rejections[r++];
        } else if (c) {
            *out++ = (rejection){cl->children_file, c->line, c->nursery_id, c->child_ref,
                                 reason_codes[R_DUPLICATE], text, SCOPE_CHILD, c->form};
            k++;
        }
    }
    run->rejections = v;
    run->n_rejections = total;
    *cap = total + 1;
}

/* Child lines: one pass for the line-level reasons (rejecting the lines
 * they catch while the line is at hand), grouping the eligible lines by
 * child_ref as it goes; then duplicate_child, its rejections merged in line
 * order.  Returns the nurseries left with an eligible child (calloc'd, by
 * registry position). */
static bool *eligible_children(month_run *run, eligibility *el, size_t *cap)
{
    const claims *cl = &run->cl;
    size_t nc = cl->n_children, tcap = 16, from = run->n_rejections;
    while (tcap < 2 * nc)
        tcap *= 2;
    paid_span *s = malloc((nc + 1) * sizeof *s);
    bool *dup = calloc(nc + 1, sizeof *dup); /* by span */
    ref_table t = {malloc(tcap * sizeof *t.v), tcap - 1};
    bool *has_child = calloc(run->reg.n + 1, sizeof *has_child);
    if (!s || !dup || !t.v || !has_child || nc >= NONE)
        abort();
    memset(t.v, 0xFF, tcap * sizeof *t.v);
    reason_cache rc = reason_cache_of(run);
    uint32_t n = 0;
    for (size_t i = 0; i < nc; i++) {
        /* the table is megabytes and every probe a cache miss: fetch the
         * slot of the line PREFETCH_AHEAD on now, so the misses overlap */
        if (i + PREFETCH_AHEAD < nc)
            __builtin_prefetch(&t.v[cl->children[i + PREFETCH_AHEAD].ref_hash & t.mask]);
        const child_line *c = &cl->children[i];
        uint8_t why = child_reason(run, c, &rc, &s[n], &el->child_days_all[i]);
        el->child_ok[i] = !why;
        if (why) {
            reject(run, cap, cl->children_file, c->line, c->nursery_id, c->child_ref,
                   reason_codes[why], SCOPE_CHILD, c->form);
            continue;
        }
        s[n].line = (uint32_t)i;
        el->child_key_all[i] = ref_group(&t, s, cl, i, n);
        n++;
    }
    free(t.v);
    el->n_distinct_children = mark_duplicates(s, n, el->child_key_all, dup);
    size_t n_dup = 0;
    for (size_t k = 0; k < n; k++) {
        if (dup[k]) {
            el->child_ok[s[k].line] = false;
            n_dup++;
        } else {
            has_child[s[k].nursery] = true;
        }
    }
    if (n_dup)
        merge_duplicates(run, cap, from, s, n, dup, n_dup);
    free(dup);
    free(s);
    return has_child;
}

void engine_eligibility(month_run *run, eligibility *el)
{
    const claims *cl = &run->cl;
    size_t cap = 0;
    bool *has_child = eligible_children(run, el, &cap);
    reason_cache rc = reason_cache_of(run);
    for (size_t i = 0; i < cl->n_staff; i++) {
        const staff_line *s = &cl->staff[i];
        const char *r = reason_codes[nursery_reason(run, s->nursery, &rc)];
        if (!r && s->qual < 0) /* not among run->terms' qualifications (the intake's vocab) */
            r = "ineligible_qualification";
        if (!r && !has_child[s->nursery])
            r = "no_eligible_child";
        el->staff_ok[i] = !r;
        if (r)
            reject(run, &cap, cl->staff_file, s->line, s->nursery_id, s->staff_ref, r, SCOPE_STAFF,
                   s->form);
    }
    free(has_child);
}
