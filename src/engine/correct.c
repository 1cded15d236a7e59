/* correct: a correction (修正, SPEC 6.1) in figures — the month's payment
 * rows against the rows paid under the run it supersedes, one row per
 * nursery × program whose amount changed (to or from 0 included).  Not here:
 * recording them (the ledger derives the same rows from its own tables,
 * ledger_corrections) and showing them (src/report/corrections.c, payments_csv.c). */
#include <stdlib.h>
#include <string.h>

#include "kasan/engine.h"

typedef struct side {
    const char *nursery_id, *program;
    int64_t paid, corrected;
} side;

static int side_cmp(const void *a, const void *b)
{
    const side *x = a, *y = b;
    int c = strcmp(x->nursery_id, y->nursery_id);
    return c ? c : strcmp(x->program, y->program);
}

int engine_corrections(const month_run *run, const ledger_payment *paid, size_t n_paid, arena *a,
                       ledger_correction **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t n_new = engine_payment_count(run), total = n_new + n_paid;
    side *all = malloc((total + 1) * sizeof *all);
    if (!all)
        return -1;
    size_t k = 0;
    for (payment_row r = {0}; engine_payment_next(run, &r);)
        all[k++] = (side){r.nursery_id, r.program_id, 0, r.amount};
    for (size_t i = 0; i < n_paid; i++)
        all[k++] = (side){paid[i].nursery_id, paid[i].program, paid[i].amount_yen, 0};
    qsort(all, k, sizeof *all, side_cmp);
    ledger_correction *rows = arena_calloc(a, k + 1, sizeof *rows);
    for (size_t i = 0; i < k;) {
        side s = all[i++];
        /* one row a side at most: payment rows are unique per nursery × program */
        while (i < k && side_cmp(&s, &all[i]) == 0) {
            s.paid += all[i].paid;
            s.corrected += all[i].corrected;
            i++;
        }
        if (s.paid == s.corrected)
            continue;
        /* amounts are ≥ 0, so corrected − paid cannot overflow */
        rows[(*n)++] = (ledger_correction){s.nursery_id, s.program, s.paid, s.corrected,
                                           s.corrected - s.paid};
    }
    free(all);
    *out = rows;
    return 0;
}
