/* replay: the auditor's procedure — a finalized month rebuilt from the
 * files archived in the ledger alone (rules and inputs as they were),
 * recomputed, and compared nursery × program with what was paid; for a
 * correction, its recorded differences against the recomputed ones.  The
 * comparison comes back as result lines.  Not here: loading the archive
 * and walking the rows (archive.c), a settlement's replay (settle.c). */
#include "flow_int.h"

#include <string.h>

/* Every row paid or recomputed, walked together; each difference said. */
static size_t compare(const month_run *run, const ledger_run *r, flow_notes *notes)
{
    size_t diffs = 0, matched = 0;
    flow_paid_walk w;
    const ledger_payment *paid;
    const payment_row *now;
    flow_paid_walk_start(&w, run, r);
    while (flow_paid_walk_next(&w, &paid, &now)) {
        if (paid && now && paid->amount_yen == now->amount &&
            !strcmp(paid->rule_version, now->rule_version)) {
            matched++;
            continue;
        }
        diffs++;
        if (now)
            flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT %s %s: paid %lld (rule %s), "
                     "recomputed %lld (rule %s)", now->nursery_id, now->program_id,
                     (long long)(paid ? paid->amount_yen : 0), paid ? paid->rule_version : "-",
                     (long long)now->amount, now->rule_version);
        else
            flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT %s %s: paid %lld (rule %s), "
                     "recomputed nothing", paid->nursery_id, paid->program,
                     (long long)paid->amount_yen, paid->rule_version);
    }
    if (!flow_paid_walk_end(&w)) {
        flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT payment rows: the ledger's are not in "
                 "nursery and program order");
        diffs++;
    }
    if (run->total != r->total_yen) {
        flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT month total: paid %lld, recomputed %lld",
                 (long long)r->total_yen, (long long)run->total);
        diffs++;
    }
    flow_say(notes, FLOW_NOTE_RESULT, "  %zu payment rows identical, %zu differences", matched,
             diffs);
    return diffs;
}

/* A correction (修正, SPEC 6.1): the differences recorded by run r against
 * those of the recomputed run and the payments of the run r superseded,
 * walked together; says them and returns the number that differ. */
static size_t compare_corrections(ledger *lg, const month_run *run, const ledger_run *r,
                                  arena *a, flow_notes *notes)
{
    ledger_run *runs, *old = NULL;
    size_t n_runs, n_rec, n_now;
    ledger_correction *rec, *now;
    if (ledger_runs(lg, r->month, a, &runs, &n_runs) != LEDGER_OK ||
        ledger_corrections(lg, r->run_id, a, &rec, &n_rec) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT corrections: cannot be read: %s",
                 ledger_errmsg(lg));
        return 1;
    }
    for (size_t i = 0; i < n_runs; i++)
        if (!strcmp(runs[i].run_id, r->supersedes))
            old = &runs[i];
    if (!old || engine_corrections(run, old->payments, old->n_payments, a, &now, &n_now) != 0) {
        flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT corrections: superseded run %s cannot be "
                 "read", r->supersedes);
        return 1;
    }
    flow_say(notes, FLOW_NOTE_RESULT, "  correction (修正) of run %s: %s", r->supersedes,
             r->supersede_reason ? r->supersede_reason : "");
    size_t diffs = 0;
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(rec, n_rec, ledger_correction, nursery_id, program),
                   ROWMERGE_LIST(now, n_now, ledger_correction, nursery_id, program));
    const void *x, *y;
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN];
    while (rowmerge_next(&m, &x, &y)) {
        const ledger_correction *c = x, *k = y;
        bool same = c && k && c->paid_yen == k->paid_yen && c->corrected_yen == k->corrected_yen;
        diffs += !same;
        if (c)
            flow_say(notes, FLOW_NOTE_RESULT, "  %s %s %s: paid %s, corrected %s, difference %s",
                     same ? "correction" : "DIFFERENT correction", c->nursery_id, c->program,
                     flow_yen(c->paid_yen, false, b1), flow_yen(c->corrected_yen, false, b2),
                     flow_yen(c->difference_yen, true, b3));
        else /* recomputed, never recorded */
            flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT correction %s %s: not recorded, "
                     "recomputed paid %s, corrected %s, difference %s", k->nursery_id,
                     k->program, flow_yen(k->paid_yen, false, b1),
                     flow_yen(k->corrected_yen, false, b2), flow_yen(k->difference_yen, true, b3));
    }
    diffs += m.disorder;
    flow_say(notes, FLOW_NOTE_RESULT, "  %zu corrections recorded, %s", n_rec,
             diffs ? "DIFFERENT from the recomputation" : "identical when recomputed");
    return diffs;
}

int flow_replay_run(ledger *lg, const ledger_run *r, claim_month m, flow_notes *notes)
{
    char mon[8];
    month_format(m, mon);
    flow_archived x;
    int rc = flow_archive_month(lg, r, m, NULL, &x, notes);
    if (rc == EXIT_OK) {
        flow_say(notes, FLOW_NOTE_RESULT, "replay %s: run %s finalized %s by %s, from %zu "
                 "archived files", mon, r->run_id, r->created, r->actor, r->n_files);
        size_t diffs = compare(&x.run, r, notes);
        if (r->supersedes)
            diffs += compare_corrections(lg, &x.run, r, &x.a, notes);
        rc = diffs ? EXIT_DIFFERENT : EXIT_OK;
        flow_say(notes, FLOW_NOTE_RESULT, "replay %s: %s", mon,
                 rc == EXIT_OK ? "identical to what was paid" : "DIFFERS from what was paid");
    }
    flow_archived_free(&x);
    return rc;
}

/* ---- kasan replay ------------------------------------------------------------ */

int flow_replay(const flow_replay_req *rq, flow_replay_res *res)
{
    memset(res, 0, sizeof *res);
    if (rq->settlement_fy)
        return flow_settle_replay(&rq->paths, rq->settlement_fy, &res->notes);
    arena a = ARENA_INIT;
    char mon[8];
    month_format(rq->month, mon);
    ledger *lg = NULL;
    int rc = flow_open_ledger(&rq->paths, &lg, &res->notes);
    ledger_run r;
    int st = rc == EXIT_OK ? ledger_month_current(lg, mon, &a, &r) : LEDGER_OK;
    if (rc == EXIT_OK && st != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s has no finalized run in %s", mon,
                 flow_ledger_path(&rq->paths, &a));
        rc = st == LEDGER_NOT_FOUND ? EXIT_USAGE : EXIT_INTERNAL;
    }
    flow_statements how = {rq->jobs, rq->progress};
    if (rc == EXIT_OK)
        rc = flow_restore_month_in(&rq->paths, lg, rq->month, false, &how, &res->notes);
    if (rc == EXIT_OK)
        rc = flow_replay_run(lg, &r, rq->month, &res->notes);
    ledger_close(lg);
    arena_release(&a);
    return rc;
}

void flow_replay_free(flow_replay_res *res) { flow_notes_free(&res->notes); }
