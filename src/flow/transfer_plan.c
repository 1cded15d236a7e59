/* transfer_plan: what a transfer file pays — money arithmetic, not a
 * report: per nursery the sum over its programs of the positive part of
 * (due − paid before), so a correction's file carries only its 追給 and a
 * lowered program (返還) is not netted against another's 追給 — and the
 * Zengin records of those nurseries from a registry, and the payer from a
 * payer rule.  Pure: no files, no ledger.  Not here: the record bytes
 * (src/report/zengin.c), gathering the lines from the ledger and writing
 * the file (transfer.c). */
#include "flow_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>


/* A copy of v sorted by nursery × program. */
static flow_transfer_line *sorted_copy(const flow_transfer_line *v, size_t n, arena *a)
{
    flow_transfer_line *c = arena_calloc(a, n + 1, sizeof *c);
    if (n)
        memcpy(c, v, n * sizeof *c);
    rowmerge_sort(ROWMERGE_LIST(c, n, flow_transfer_line, nursery_id, program));
    return c;
}

static int repeated(const flow_transfer_line *v, size_t n, const char *what, diag_list *d)
{
    for (size_t i = 1; i < n; i++)
        if (!rowmerge_cmp(v[i - 1].nursery_id, v[i - 1].program, v[i].nursery_id, v[i].program)) {
            diag_error(d, "transfer", 0, 0, "%s: nursery %s program %s appears twice", what,
                       v[i].nursery_id, v[i].program);
            return -1;
        }
    return 0;
}

/* Appends yen to the plan's last nursery or opens a new one. */
static int add_sum(flow_transfer_plan *p, const char *nid, int64_t yen, diag_list *d)
{
    if (!p->n || strcmp(p->sums[p->n - 1].nursery_id, nid))
        p->sums[p->n++] = (flow_transfer_sum){nid, 0};
    if (__builtin_add_overflow(p->sums[p->n - 1].yen, yen, &p->sums[p->n - 1].yen) ||
        __builtin_add_overflow(p->total, yen, &p->total)) {
        diag_error(d, "transfer", 0, 0, "nursery %s: the amount overflows", nid);
        return -1;
    }
    return 0;
}

#ifndef NDEBUG
/* The plan's total is the sum of its rows, and each row pays something. */
static bool plan_adds_up(const flow_transfer_plan *p)
{
    int64_t sum = 0;
    for (size_t i = 0; i < p->n; i++)
        if (p->sums[i].yen <= 0 || __builtin_add_overflow(sum, p->sums[i].yen, &sum))
            return false;
    return sum == p->total && p->lowered >= 0;
}
#endif

int flow_transfer_plan_build(const flow_transfer_line *due, size_t n_due, const flow_transfer_line *base,
                        size_t n_base, arena *a, flow_transfer_plan *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    flow_transfer_line *u = sorted_copy(due, n_due, a), *b = sorted_copy(base, n_base, a);
    if (repeated(u, n_due, "due", d) || repeated(b, n_base, "paid before", d))
        return -1;
    out->sums = arena_calloc(a, n_due + 1, sizeof *out->sums);
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(b, n_base, flow_transfer_line, nursery_id, program),
                   ROWMERGE_LIST(u, n_due, flow_transfer_line, nursery_id, program));
    const void *x, *y;
    while (rowmerge_next(&m, &x, &y)) {
        const flow_transfer_line *before = x, *now = y;
        int64_t diff;
        if (__builtin_sub_overflow(now ? now->yen : 0, before ? before->yen : 0, &diff) ||
            (diff < 0 && __builtin_sub_overflow(out->lowered, diff, &out->lowered))) {
            diag_error(d, "transfer", 0, 0, "nursery %s: the amount overflows",
                       (now ? now : before)->nursery_id);
            return -1;
        }
        /* paid before and nothing (or less) due now: lowered, not transferred */
        if (diff > 0 && add_sum(out, (now ? now : before)->nursery_id, diff, d))
            return -1;
    }
    assert(!m.disorder); /* both sides sorted above, repeats refused */
    /* a nursery whose every difference was ≤ 0 never opened a sum */
    assert(plan_adds_up(out));
    return 0;
}

int flow_transfer_records(const registry *reg, const flow_transfer_plan *p, arena *a,
                     zengin_transfer **out, diag_list *d)
{
    *out = arena_calloc(a, p->n + 1, sizeof **out);
    int rc = 0;
    for (size_t i = 0; i < p->n; i++) {
        const char *id = p->sums[i].nursery_id;
        int32_t k = registry_find(reg, id, strlen(id));
        if (k < 0) {
            diag_error(d, reg->file, 0, 0, "nursery %s: paid but not in the registry", id);
            rc = -1;
            continue;
        }
        const nursery *n = &reg->v[k];
        char *code = arena_alloc(a, 11);
        zengin_customer_code(id, code);
        (*out)[i] = (zengin_transfer){n->id, n->bank_code, n->bank_name_kana, n->branch_code,
                                      n->branch_name_kana, bank_account_type(n->account_type),
                                      n->account_number, n->account_holder, p->sums[i].yen,
                                      code, NULL};
    }
    return rc;
}

zengin_payer flow_transfer_payer(const rule_payer *rp, date_t day)
{
    return (zengin_payer){rp->requester_code, rp->requester_name, day, rp->bank_code,
                          rp->bank_name, rp->branch_code, rp->branch_name, rp->account_type,
                          rp->account_number};
}
