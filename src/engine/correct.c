/* correct: a correction (修正, SPEC 6.1) in figures — the month's payment
 * rows against the rows paid under the run it supersedes, one row per
 * nursery × program whose amount changed (to or from 0 included), walked
 * together in key order (rowmerge).  Not here: recording them (the ledger
 * derives the same rows from its own tables, ledger_corrections) and
 * showing them (src/report/corrections.c, payments_csv.c). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/engine.h"
#include "kasan/rowmerge.h"

int engine_corrections(const month_run *run, const ledger_payment *paid, size_t n_paid, arena *a,
                       ledger_correction **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t n_new = engine_payment_count(run), k = 0;
    ledger_payment *now = malloc((n_new + 1) * sizeof *now);
    if (!now)
        return -1;
    for (payment_row r = {0}; engine_payment_next(run, &r);)
        now[k++] = (ledger_payment){r.nursery_id, r.program_id, r.rule_version, r.amount};
    assert(k == n_new);
    ledger_correction *rows = arena_calloc(a, n_new + n_paid + 1, sizeof *rows);
    rowmerge m; /* the ledger's rows come sorted (ORDER BY), the engine's too */
    rowmerge_start(&m, ROWMERGE_LIST(paid, n_paid, ledger_payment, nursery_id, program),
                   ROWMERGE_LIST(now, n_new, ledger_payment, nursery_id, program));
    const void *x, *y;
    while (rowmerge_next(&m, &x, &y)) {
        const ledger_payment *before = x, *after = y, *key = after ? after : before;
        int64_t was = before ? before->amount_yen : 0, is = after ? after->amount_yen : 0;
        if (was == is)
            continue;
        /* amounts are ≥ 0, so corrected − paid cannot overflow */
        rows[(*n)++] = (ledger_correction){key->nursery_id, key->program, was, is, is - was};
    }
    free(now);
    if (m.disorder) { /* paid rows not in key order: not the ledger's */
        *n = 0;
        return -1;
    }
    *out = rows;
    return 0;
}
