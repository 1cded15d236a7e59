/* transfer: which nurseries a transfer file pays and how much (positive
 * differences per nursery × program, summed per nursery), and their Zengin
 * records from the registry.  Not here: the record bytes (zengin.c), the
 * ledger and files (src/cli/transfer.c). */
#include "kasan/report_transfer.h"

#include <stdlib.h>
#include <string.h>

static int line_cmp(const void *a, const void *b)
{
    const transfer_line *x = a, *y = b;
    int c = strcmp(x->nursery_id, y->nursery_id);
    return c ? c : strcmp(x->program, y->program);
}

static transfer_line *sorted_copy(const transfer_line *v, size_t n, arena *a)
{
    transfer_line *c = arena_calloc(a, n + 1, sizeof *c);
    if (n)
        memcpy(c, v, n * sizeof *c);
    qsort(c, n, sizeof *c, line_cmp);
    return c;
}

static int repeated(const transfer_line *v, size_t n, const char *what, diag_list *d)
{
    for (size_t i = 1; i < n; i++)
        if (!line_cmp(&v[i - 1], &v[i])) {
            diag_error(d, "transfer", 0, 0, "%s: nursery %s program %s appears twice", what,
                       v[i].nursery_id, v[i].program);
            return -1;
        }
    return 0;
}

/* Appends yen to the plan's last nursery or opens a new one. */
static int add_sum(transfer_plan *p, const char *nid, int64_t yen, diag_list *d)
{
    if (!p->n || strcmp(p->sums[p->n - 1].nursery_id, nid))
        p->sums[p->n++] = (transfer_sum){nid, 0};
    if (__builtin_add_overflow(p->sums[p->n - 1].yen, yen, &p->sums[p->n - 1].yen) ||
        __builtin_add_overflow(p->total, yen, &p->total)) {
        diag_error(d, "transfer", 0, 0, "nursery %s: the amount overflows", nid);
        return -1;
    }
    return 0;
}

int transfer_plan_build(const transfer_line *due, size_t n_due, const transfer_line *base,
                        size_t n_base, arena *a, transfer_plan *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    transfer_line *u = sorted_copy(due, n_due, a), *b = sorted_copy(base, n_base, a);
    if (repeated(u, n_due, "due", d) || repeated(b, n_base, "paid before", d))
        return -1;
    out->sums = arena_calloc(a, n_due + 1, sizeof *out->sums);
    size_t j = 0;
    for (size_t i = 0; i < n_due; i++) {
        int c = 1;
        while (j < n_base && (c = line_cmp(&b[j], &u[i])) < 0)
            out->lowered += b[j++].yen; /* paid before, nothing due now */
        int64_t before = c == 0 ? b[j++].yen : 0, diff;
        if (__builtin_sub_overflow(u[i].yen, before, &diff)) {
            diag_error(d, "transfer", 0, 0, "nursery %s: the amount overflows", u[i].nursery_id);
            return -1;
        }
        if (diff < 0)
            out->lowered -= diff;
        else if (diff > 0 && add_sum(out, u[i].nursery_id, diff, d))
            return -1;
    }
    for (; j < n_base; j++)
        out->lowered += b[j].yen;
    /* a nursery whose every difference was ≤ 0 never opened a sum */
    return 0;
}

int transfer_records(const registry *reg, const transfer_plan *p, arena *a,
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

zengin_payer transfer_payer(const rule_payer *rp, date_t day)
{
    return (zengin_payer){rp->requester_code, rp->requester_name, day, rp->bank_code,
                          rp->bank_name, rp->branch_code, rp->branch_name, rp->account_type,
                          rp->account_number};
}
