/* decide: the grant decision (交付決定) of a fiscal year drafted from the
 * nurseries' applications (docs/spec/12-grant-decision.md): the rules, the
 * applications read and computed month by month (engine/decide.c), the
 * budget line's figures with the decision as 負担行為 (budget/ward.c), and
 * OUT/decisions-FY/ (decisions.csv, rejections.csv, decisions.xlsx,
 * notices/ID.xlsx) written to a staging directory and published whole.
 * A draft (試算) only.  Not here: recording a decision in the ledger or a
 * 変更交付決定 (not built yet), printing (src/cli/decide.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow_int.h"
#include "kasan/clock.h"
#include "kasan/fsutil.h"
#include "kasan/report_decide.h"

static int write_outputs(const decision *dec, const decide_meta *meta, const char *dir,
                         const flow_progress *pg, flow_notes *notes)
{
    char path[4200], err[512] = "";
    /* one syncfs at the end instead of an fsync per notice, as a month's
     * outputs are written (outputs.c) */
    fs_defer_sync(true);
    int rc = fs_mkdirs(dir);
    snprintf(path, sizeof path, "%s/decisions.csv", dir);
    if (rc == 0)
        rc = report_decisions_csv(dec, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/rejections.csv", dir);
    if (rc == 0)
        rc = report_decide_rejections_csv(dec, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/decisions.xlsx", dir);
    if (rc == 0)
        rc = report_decisions_xlsx(dec, meta, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/notices", dir);
    if (rc == 0)
        rc = fs_mkdirs(path);
    if (pg && pg->start)
        pg->start(pg->ctx, "decision notices", dec->n_nurseries);
    for (size_t k = 0; rc == 0 && k < dec->n_nurseries; k++) {
        snprintf(path, sizeof path, "%s/notices/%s.xlsx", dir, dec->nurseries[k].nursery->id);
        rc = report_decide_notice_xlsx(dec, k, meta, path, err, sizeof err);
        if (pg && pg->tick)
            pg->tick(pg->ctx, k + 1);
    }
    if (pg && pg->end)
        pg->end(pg->ctx);
    fs_defer_sync(false);
    if (rc == 0 && fs_sync_dir(dir) != 0) {
        rc = -1;
        snprintf(err, sizeof err, "cannot sync %s: %s", dir, strerror(errno));
    }
    if (rc != 0)
        flow_say(notes, FLOW_NOTE_SAY, "%s", *err ? err : strerror(errno));
    return rc;
}

/* "decide-2025-20250401T090000Z-1a2b3c4d": the year, the time, and a digest
 * of the three input files' SHA-256. */
static char *decide_id(const decision *dec, const char *created, arena *a)
{
    char stamp[32], digest[SHA256_HEX_LEN + 1];
    flow_time_stamp(created, stamp);
    const char *all = arena_printf(a, "%s%s%s", dec->app.files[0].sha256,
                                   dec->app.files[1].sha256, dec->app.files[2].sha256);
    hash_sha256_hex(all, strlen(all), digest);
    return arena_printf(a, "decide-%d-%s-%.8s", dec->fiscal_year, stamp, digest);
}

static int compute(const flow_decide_req *rq, flow_decide_res *res)
{
    int rc = flow_load_rules(rq->paths.rules, &res->rules, &res->notes);
    if (rc != EXIT_OK)
        return rc;
    input_file in[INPUT_COUNT];
    diag_list d = DIAG_LIST_INIT;
    if (applications_read(rq->paths.data, rq->fiscal_year, &res->a, in, &d) != 0 ||
        decide_compute(&res->rules, rq->fiscal_year, in, &res->dec, &d) != 0) {
        flow_say_diags(&res->notes, &d);
        flow_say(&res->notes, FLOW_NOTE_SAY, "%zu problem%s in the applications of FY%d; "
                 "nothing was written", diag_count(&d), diag_count(&d) == 1 ? "" : "s",
                 rq->fiscal_year);
        rc = EXIT_INVALID;
    }
    diag_release(&d);
    return rc;
}

int flow_decide(const flow_decide_req *rq, flow_decide_res *res)
{
    memset(res, 0, sizeof *res);
    res->a = (arena)ARENA_INIT;
    int rc = compute(rq, res);
    if (rc != EXIT_OK)
        return rc;
    clock_now_iso(res->created);
    decide_meta *meta = &res->meta;
    *meta = (decide_meta){.created = res->created, .engine_version = KASAN_VERSION};
    meta->decide_id = decide_id(&res->dec, res->created, &res->a);
    if (!rq->issue_date ||
        !date_parse_iso(rq->issue_date, strlen(rq->issue_date), &meta->issue_date))
        date_parse_iso(res->created, 10, &meta->issue_date);
    meta->budget = rules_budget_for_fy(&res->rules, rq->fiscal_year);
    budget_ward_in in = {meta->budget ? meta->budget->amount : 0, NULL, 0, res->dec.total, 0, 0};
    if (meta->budget && budget_ward_compute(&in, &res->ward))
        meta->ward = &res->ward;
    char *name = arena_printf(&res->a, "decisions-%d", rq->fiscal_year);
    flow_sweep(rq->paths.out, name, &res->notes);
    res->dir = arena_printf(&res->a, "%s/%s", rq->paths.out, name);
    char *stage = flow_stage_dir(rq->paths.out, name, (long)getpid(), &res->a);
    if (write_outputs(&res->dec, meta, stage, rq->progress, &res->notes) != 0)
        rc = EXIT_INTERNAL;
    if (rc == EXIT_OK && flow_publish_dir(stage, res->dir, 0, NULL) != 0) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot move the outputs into %s: %s", res->dir,
                 strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (fs_exists(stage))
        fs_remove_tree(stage);
    return rc;
}

void flow_decide_free(flow_decide_res *res)
{
    decide_free(&res->dec);
    rules_free(&res->rules);
    flow_notes_free(&res->notes);
    arena_release(&res->a);
}
