/* signoff: who drafted, approved and paid a run, with the names and posts
 * the operators file in force on each step's day gives them — from the
 * ledger alone (its signed events and the operators files it holds), for
 * the approval block of payments.xlsx (finalize writes the 起案 line; a
 * restore, an approval and a transfer write the block as the ledger then
 * stands) and for the approval summary.  Not here: the block's layout
 * (src/report/payments_xlsx.c), reading the events (approve_store.c),
 * republishing the workbook (approve.c, publish.c). */
#include "flow_int.h"

#include <string.h>

#include "kasan/flow_sign.h"

int flow_ledger_operators(ledger *lg, rule_set *rs, diag_list *d, size_t *n_files,
                          const int64_t **first_seq)
{
    arena a = ARENA_INIT;
    ledger_file *f;
    int64_t *first;
    size_t n;
    memset(rs, 0, sizeof *rs);
    if (n_files)
        *n_files = 0;
    if (first_seq)
        *first_seq = NULL;
    int rc = ledger_operators_files(lg, &a, &f, &first, &n);
    if (rc == LEDGER_OK) {
        rule_file *rf = arena_calloc(&a, n + 1, sizeof *rf);
        for (size_t i = 0; i < n; i++)
            rf[i] = (rule_file){arena_printf(&a, "ledger:%s@%.12s", f[i].name, f[i].sha256),
                                f[i].name, f[i].data, f[i].len, ""};
        if (n_files)
            *n_files = n;
        rules_load_operators(rf, n, rs, d); /* rs->files in rf's order */
        if (first_seq) {
            int64_t *keep = arena_calloc(&rs->a, n + 1, sizeof *keep);
            if (n)
                memcpy(keep, first, n * sizeof *keep);
            *first_seq = keep;
        }
    }
    arena_release(&a);
    return rc == LEDGER_OK ? 0 : -1;
}

static void fill(report_signoff *out, const ledger_signoff *s, const rule_set *ops, arena *a)
{
    memset(out, 0, sizeof *out);
    if (!s->seq || !s->operator_id)
        return;
    date_parse_iso(s->time, 10, &out->day);
    const rule_operator *op = rules_operator_at(ops, s->operator_id, out->day);
    out->operator_id = arena_strdup(a, s->operator_id);
    out->name = arena_strdup(a, op ? op->name : s->operator_id);
    out->post = arena_strdup(a, op ? op->post : "");
}

const report_approval *flow_signoff_block(ledger *lg, const char *month, int fiscal_year,
                                          const char *run_id, arena *a)
{
    ledger_signoffs so;
    if (ledger_run_signoffs(lg, month, fiscal_year, run_id, a, &so) != LEDGER_OK ||
        (!so.drafted.operator_id && !so.approved.operator_id && !so.paid.operator_id))
        return NULL;
    rule_set ops;
    diag_list d = DIAG_LIST_INIT;
    flow_ledger_operators(lg, &ops, &d, NULL, NULL); /* problems: audit verify says them */
    diag_release(&d);
    report_approval *b = arena_calloc(a, 1, sizeof *b);
    fill(&b->drafted, &so.drafted, &ops, a);
    fill(&b->approved, &so.approved, &ops, a);
    fill(&b->paid, &so.paid, &ops, a);
    rules_free(&ops);
    return b;
}
