/* archive: the one reload of what the ledger archived — a run's (or a
 * settlement's) rule files, a run's inputs and any stored file, a finalized
 * month recomputed from them, and that recomputation walked against what
 * the ledger says was paid (nursery × program, rowmerge).  Replay, restore,
 * the settlement and the transfer file all read the archive here.  Not
 * here: what a difference means to each of them (replay.c prints it,
 * settle.c refuses, restore.c compares totals), writing outputs
 * (outputs.c). */
#include "flow_int.h"

#include <stdlib.h>
#include <string.h>

#include "kasan/rowmerge.h"

/* A blob's status as an exit code: stored content that is damaged or gone
 * is a difference from what was finalized; anything else an I/O error. */
static int blob_exit(int status)
{
    return status == LEDGER_CORRUPT || status == LEDGER_NOT_FOUND ? EXIT_DIFFERENT
                                                                   : EXIT_INTERNAL;
}

int flow_archive_file(ledger *lg, const ledger_file *f, arena *a, const char **data, size_t *len,
                      flow_notes *notes)
{
    char *p;
    int st = ledger_blob_get(lg, f->sha256, &p, len);
    if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "archived %s: %s", f->name, ledger_errmsg(lg));
        return blob_exit(st);
    }
    *data = arena_strndup(a, p, *len);
    free(p);
    return EXIT_OK;
}

int flow_archive_rules(ledger *lg, const ledger_file *files, size_t n, rule_set *rs, arena *a,
                       flow_notes *notes)
{
    memset(rs, 0, sizeof *rs);
    size_t k = 0;
    rule_file *rf = arena_calloc(a, n + 1, sizeof *rf);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(files[i].role, ledger_role_name(LEDGER_ROLE_RULES)))
            continue;
        char *data;
        size_t len;
        int st = ledger_blob_get(lg, files[i].sha256, &data, &len);
        if (st != LEDGER_OK) {
            flow_say(notes, FLOW_NOTE_SAY, "archived rule file %s: %s", files[i].name,
                     ledger_errmsg(lg));
            return blob_exit(st);
        }
        rf[k].path = arena_printf(a, "ledger:%s", files[i].name);
        rf[k].name = files[i].name;
        rf[k].data = arena_strndup(a, data, len);
        rf[k].len = len;
        k++;
        free(data);
    }
    diag_list d = DIAG_LIST_INIT;
    int rc = rules_load_files(rf, k, rs, &d);
    flow_say_diags(notes, &d);
    diag_release(&d);
    return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

const ledger_file *flow_archive_role(const ledger_run *r, int role)
{
    const ledger_file *f = NULL; /* the last of the role, as files come sorted by name */
    for (size_t i = 0; i < r->n_files; i++)
        if (!strcmp(r->files[i].role, ledger_role_name(role)))
            f = &r->files[i];
    return f;
}

int flow_archive_inputs(ledger *lg, const ledger_run *r, input_file in[INPUT_COUNT], arena *a,
                        flow_notes *notes)
{
    for (int k = 0; k < INPUT_COUNT; k++) {
        const ledger_file *f = flow_archive_role(r, LEDGER_ROLE_REGISTRY + k);
        if (!f) {
            flow_say(notes, FLOW_NOTE_SAY, "the ledger holds no %s file for run %s",
                     flow_input_role(k), r->run_id);
            return EXIT_DIFFERENT;
        }
        in[k].name = f->name;
        int rc = flow_archive_file(lg, f, a, &in[k].data, &in[k].len, notes);
        if (rc != EXIT_OK)
            return rc;
    }
    return EXIT_OK;
}

int flow_archive_month(ledger *lg, const ledger_run *r, claim_month m, const char *rules_dir,
                       flow_archived *out, flow_notes *notes)
{
    memset(out, 0, sizeof *out);
    input_file in[INPUT_COUNT] = {0};
    int rc = flow_archive_rules(lg, r->files, r->n_files, &out->rules, &out->a, notes);
    if (rc == EXIT_OK)
        rc = flow_archive_inputs(lg, r, in, &out->a, notes);
    if (rc == EXIT_OK && rules_dir) /* the 検証 sheet's paths, as the finalizing run showed them */
        for (size_t i = 0; i < out->rules.n_files; i++)
            out->rules.files[i].path = arena_printf(&out->rules.a, "%s/%s", rules_dir,
                                                    out->rules.files[i].name);
    if (rc == EXIT_OK) {
        diag_list d = DIAG_LIST_INIT;
        if (engine_compute(&out->rules, m, in, &out->run, &d) != 0)
            rc = EXIT_DIFFERENT; /* archived inputs that no longer compute */
        out->computed = true;
        flow_say_diags(notes, &d);
        diag_release(&d);
    }
    return rc;
}

void flow_archived_free(flow_archived *x)
{
    if (x->computed)
        engine_free(&x->run);
    rules_free(&x->rules);
    arena_release(&x->a);
    memset(x, 0, sizeof *x);
}

/* ---- the recomputation against what was paid --------------------------- */

void flow_paid_walk_start(flow_paid_walk *w, const month_run *run, const ledger_run *r)
{
    size_t n = engine_payment_count(run);
    w->now = calloc(n + 1, sizeof *w->now);
    if (!w->now)
        abort();
    w->n_now = 0;
    for (payment_row p = {0}; engine_payment_next(run, &p);)
        w->now[w->n_now++] = p;
    rowmerge_start(&w->m, ROWMERGE_LIST(r->payments, r->n_payments, ledger_payment, nursery_id,
                                        program),
                   ROWMERGE_LIST(w->now, w->n_now, payment_row, nursery_id, program_id));
}

bool flow_paid_walk_next(flow_paid_walk *w, const ledger_payment **paid, const payment_row **now)
{
    const void *x, *y;
    bool more = rowmerge_next(&w->m, &x, &y);
    *paid = x;
    *now = y;
    return more;
}

bool flow_paid_walk_end(flow_paid_walk *w)
{
    free(w->now);
    w->now = NULL;
    return !w->m.disorder;
}
