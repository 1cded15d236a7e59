/* restore: OUT/M brought level with the ledger — the check every run,
 * replay and transfer of a month makes first, and `kasan restore --month`.
 * A process killed between the ledger commit and moving its staged outputs
 * into place leaves the ledger ahead of OUT/M; this puts the finalized
 * outputs back, by the states of the crash protocol (publish.c): the
 * marker alone, the dead process's staging directory, or a rebuild from
 * the ledger's archive.  Not here: writing outputs (outputs.c), moving them
 * into place and the markers (publish.c), the archived files (archive.c),
 * the transfer files (transfer_files.c), a settlement's outputs (settle.c,
 * flow_settle_restore, which `kasan restore --settlement` reaches here). */
#include "flow_int.h"
#include "kasan/clock.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"

static bool file_says(const char *path, const char *run_id)
{
    char *id = flow_read_run_id(path);
    bool same = id && !strcmp(id, run_id);
    free(id);
    return same;
}

/* A staging directory (of any process) holding a complete copy of run_id. */
typedef struct staged {
    const char *run_id;
    char *path;
    long pid;
    bool alive;
} staged;

static bool find_staged(const char *path, long pid, bool alive, void *ctx)
{
    staged *s = ctx;
    char idf[4200];
    snprintf(idf, sizeof idf, "%s/%s", path, FLOW_RUN_ID_FILE);
    if (!file_says(idf, s->run_id))
        return true;
    s->path = strdup(path);
    s->pid = pid;
    s->alive = alive;
    return false;
}

/* The budget view as the finalizing run saw it: each other month of the
 * fiscal year by its run current before this one's event, and the
 * settlement current then. */
bool flow_budget_as_finalized(const month_run *run, ledger *lg, const ledger_run *r,
                              budget_view *bv, arena *keep)
{
    if (flow_budget_of_run(run, lg, r->event_seq, keep, bv) != LEDGER_OK)
        return false;
    budget_view_place(bv, run->month, false, run->total, run->program_total, run->n_programs);
    bv->months[month_fiscal_index(run->month)].override_reason = r->over_budget_reason;
    return budget_view_finish(bv, run->month);
}

/* The correction recorded by run r (SPEC 6.1) for its outputs. */
int flow_recorded_correction(ledger *lg, const ledger_run *r, const month_run *run, arena *a,
                             run_correction *c, run_meta *meta, flow_notes *notes)
{
    ledger_correction *rows;
    size_t n;
    if (ledger_corrections(lg, r->run_id, a, &rows, &n) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "run %s: cannot read its corrections: %s", r->run_id,
                 ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    *c = (run_correction){.superseded_run_id = r->supersedes, .reason = r->supersede_reason,
                          .rows = rows, .n = n};
    meta->correction = c;
    /* what was owed as the transfers stood when it was finalized */
    return flow_owed_of_run(lg, run, r->event_seq, a, c, notes);
}

/* Recomputes run r from the ledger alone and writes it, as finalized, into
 * stage: the run id, time and issue date (the day of the run) are the
 * recorded ones, so the files carry the same values as when it was paid. */
static int rebuild(ledger *lg, const ledger_run *r, claim_month m, const char *stage,
                   const char *rules_dir, const flow_statements *how, int *lost,
                   flow_notes *notes)
{
    flow_archived x;
    int rc = flow_archive_month(lg, r, m, rules_dir, &x, notes);
    budget_view bv;
    if (rc == EXIT_OK && !flow_budget_as_finalized(&x.run, lg, r, &bv, &x.a)) {
        flow_say(notes, FLOW_NOTE_SAY, "run %s: the budget view does not fit in 64-bit yen",
                 r->run_id);
        rc = EXIT_DIFFERENT;
    }
    if (rc == EXIT_OK) {
        run_meta meta = {r->run_id, r->created, 0, true, r->engine_version, NULL, NULL,
                         NULL, 0, 0};
        clock_to_jst(r->created, &meta.issue_date, NULL, NULL); /* the day in Japan */
        int ordinal = 1;
        rc = flow_run_ordinal(lg, r->month, r->run_id, &ordinal, notes);
        if (ordinal >= 2)
            meta.reissue = ordinal;
        /* the approval block as the ledger stands (起案, 決裁, 振込) */
        meta.approval = flow_signoff_block(lg, r->month, 0, r->run_id, &x.a);
        run_correction corr = {0};
        if (r->supersedes) /* a correction: its differences as the ledger recorded them */
            rc = flow_recorded_correction(lg, r, &x.run, &x.a, &corr, &meta, notes);
        if (rc == EXIT_OK) /* the 文書番号 each document was sent with */
            rc = flow_docnos_recorded(lg, r->run_id, &x.run, &meta, &x.a, notes);
        if (rc == EXIT_OK && flow_outputs_write(true, &x.run, &bv, &meta, stage, how, notes) != 0)
            rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK) /* the bank transfer files of the month, from the ledger */
        rc = flow_transfer_restore_files(lg, r->month, 0, stage, false, lost, notes);
    if (rc == EXIT_OK && x.run.total != r->total_yen) {
        flow_say(notes, FLOW_NOTE_SAY, "run %s recomputes to a different total; see kasan "
                 "replay", r->run_id);
        rc = EXIT_DIFFERENT;
    }
    if (rc != EXIT_OK)
        fs_remove_tree(stage);
    flow_archived_free(&x);
    return rc;
}

/* Where the finalized outputs come from, in order of fidelity: OUT/M itself
 * (only its marker was not moved: S3), a dead process's staging copy (the
 * very bytes that were finalized: S2), or a rebuild from the ledger (S4). */
static int put_back(const flow_paths *paths, ledger *lg, const ledger_run *r, claim_month m,
                    const flow_statements *how, int *lost, arena *a, flow_notes *notes)
{
    const char *mon = r->month, *marker = flow_marker_path(paths, mon, a);
    char *final_dir = arena_printf(a, "%s/%s", paths->out, mon);
    if (file_says(arena_printf(a, "%s/%s", final_dir, FLOW_RUN_ID_FILE), r->run_id)) {
        if (flow_mark_published(final_dir, marker) != 0) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot record %s as published in %s: %s", final_dir,
                     marker, strerror(errno));
            return EXIT_INTERNAL;
        }
        flow_say(notes, FLOW_NOTE_SAY, "%s holds finalized run %s; its publication was "
                 "interrupted and is now complete", final_dir, r->run_id);
        return EXIT_OK;
    }
    staged s = {r->run_id, NULL, 0, false};
    fs_each_leftover(paths->out, arena_printf(a, ".%s.staging-", mon), find_staged, &s);
    if (s.path && s.alive) { /* S5 */
        flow_say(notes, FLOW_NOTE_SAY, "finalized run %s of %s is being published by process "
                 "%ld; %s is left to it", r->run_id, mon, s.pid, final_dir);
        free(s.path);
        return EXIT_OK;
    }
    const char *from = "the staged copy of the process that finalized it";
    char *src = s.path;
    if (!src) {
        src = strdup(flow_stage_dir(paths->out, mon, (long)getpid(), a));
        from = "the ledger (archived rules and inputs)";
        fs_remove_tree(src);
        int rc = rebuild(lg, r, m, src, paths->rules, how, lost, notes);
        if (rc != EXIT_OK) {
            flow_say(notes, FLOW_NOTE_SAY, "the finalized outputs of %s (run %s) could not be "
                     "rebuilt", mon, r->run_id);
            free(src);
            return rc;
        }
    }
    int rc = EXIT_OK;
    unsigned keep = FLOW_KEEP_TRANSFER_FILES | FLOW_KEEP_FORMS |
                    (r->supersedes ? FLOW_KEEP_SENT : 0); /* what was sent before stays */
    if (flow_publish_dir(src, final_dir, keep, marker) != 0) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot move the finalized outputs of %s from %s into "
                 "%s: %s", mon, src, final_dir, strerror(errno));
        rc = EXIT_INTERNAL;
    } else {
        flow_say(notes, FLOW_NOTE_SAY, "%s did not hold finalized run %s (its outputs were "
                 "lost, or the finalization was interrupted before moving them into place); "
                 "restored them from %s", final_dir, r->run_id, from);
    }
    free(src);
    return rc;
}

int flow_restore_month_in(const flow_paths *paths, ledger *lg, claim_month m, bool force,
                          const flow_statements *how, flow_notes *notes)
{
    arena a = ARENA_INIT;
    char mon[8];
    month_format(m, mon);
    ledger_run r;
    int st = ledger_month_current(lg, mon, &a, &r), rc = EXIT_OK;
    if (st != LEDGER_OK) {
        if (st != LEDGER_NOT_FOUND || force) {
            flow_say(notes, FLOW_NOTE_SAY, "%s: %s", mon,
                     st == LEDGER_NOT_FOUND ? "no finalized run in the ledger"
                                            : ledger_errmsg(lg));
            rc = st == LEDGER_NOT_FOUND ? EXIT_USAGE : EXIT_INTERNAL;
        }
        arena_release(&a);
        return rc;
    }
    char *final_dir = arena_printf(&a, "%s/%s", paths->out, mon);
    char *published = flow_read_run_id(flow_marker_path(paths, mon, &a));
    bool current = published && !strcmp(published, r.run_id) && fs_is_dir(final_dir);
    /* outputs from before the marker existed: trusted unless asked */
    bool unmarked = !published && fs_is_dir(final_dir) &&
                    !fs_exists(arena_printf(&a, "%s/%s", final_dir, FLOW_RUN_ID_FILE));
    free(published);
    int lost = 0;
    if (current || (unmarked && !force)) {
        /* asked (kasan restore): a recorded transfer file missing, as a
         * crash after its event leaves it, is written back; unasked, a
         * missing one may have gone to the bank's upload folder */
        if (force)
            rc = flow_transfer_restore_files(lg, mon, 0, final_dir, true, &lost, notes);
        if (force && rc == EXIT_OK && !lost)
            flow_say(notes, FLOW_NOTE_RESULT, "%s holds finalized run %s and its transfer "
                     "files; nothing to restore", final_dir, r.run_id);
    } else {
        rc = put_back(paths, lg, &r, m, how, &lost, &a, notes);
    }
    if (rc == EXIT_OK && lost) /* the rest is restored; the ledger is damaged */
        rc = EXIT_DIFFERENT;
    arena_release(&a);
    return rc;
}

/* ---- kasan restore ------------------------------------------------------------ */

int flow_restore(const flow_restore_req *rq, flow_restore_res *res)
{
    memset(res, 0, sizeof *res);
    if (rq->settlement_fy)
        return flow_settle_restore(&rq->paths, rq->settlement_fy, rq->progress, &res->notes);
    char mon[8];
    month_format(rq->month, mon);
    ledger *lg = NULL;
    int rc = flow_open_ledger(&rq->paths, &lg, &res->notes);
    flow_statements how = {rq->jobs, rq->progress};
    if (rc == EXIT_OK)
        rc = flow_restore_month_in(&rq->paths, lg, rq->month, true, &how, &res->notes);
    if (rc == EXIT_OK)
        flow_sweep(rq->paths.out, mon, &res->notes);
    ledger_close(lg);
    return rc;
}

void flow_restore_free(flow_restore_res *res) { flow_notes_free(&res->notes); }
