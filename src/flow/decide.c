/* decide: the grant decision (交付決定) of a fiscal year from the
 * nurseries' applications (docs/spec/12-grant-decision.md): the rules, the
 * applications read and computed month by month (engine/decide.c), the
 * budget line's figures with the decision as 負担行為 (budget/ward.c), and
 * OUT/decisions-FY/ (decisions.csv, rejections.csv, decisions.xlsx,
 * notices/ID.xlsx) written to a staging directory and published whole.
 * A draft (試算); with finalize the decision recorded in the ledger first
 * (a "decide" event, signed once operators exist: src/ledger/decide_store.c
 * refuses it over the 予算現額), then published as 確定; with amend_nursery
 * a 変更交付決定 of one nursery against the decision in force, recorded
 * ("decide_amend") and its notice written.  Not here: approving a decision
 * (決裁 of decisions is not built), printing (src/cli/decide.c). */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow_int.h"
#include "kasan/clock.h"
#include "kasan/flow_sign.h"
#include "kasan/ledger_decide.h"
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

/* The ledger's rows of the decision (all of it, or amend_nursery's), and
 * the files it rests on: the applications, the registry and the rules. */
static void fill_request(const flow_decide_req *rq, flow_decide_res *res, const char *actor,
                         ledger_decide_req *lr)
{
    const decision *dec = &res->dec;
    arena *a = &res->a;
    ledger_decide_row *rows = arena_calloc(a, dec->n_rows + 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < dec->n_rows; i++) {
        const decide_row *r = &dec->rows[i];
        if (rq->amend_nursery && strcmp(r->nursery_id, rq->amend_nursery))
            continue;
        ledger_decide_row *o = &rows[n++];
        *o = (ledger_decide_row){r->nursery_id, r->program_id, {0}, r->annual};
        memcpy(o->months, r->month, sizeof o->months);
    }
    size_t nf = res->rules.n_files + INPUT_COUNT;
    ledger_file *files = arena_calloc(a, nf, sizeof *files);
    for (int i = 0; i < INPUT_COUNT; i++) {
        const input_file *f = &dec->app.files[i];
        files[i] = (ledger_file){flow_input_role(i), f->name, f->data, f->len, f->sha256};
    }
    for (size_t i = 0; i < res->rules.n_files; i++) {
        const rule_file *f = &res->rules.files[i];
        files[INPUT_COUNT + i] = (ledger_file){ledger_role_name(LEDGER_ROLE_RULES), f->name,
                                               f->data, f->len, f->sha256};
    }
    const budget_line *b = res->meta.budget;
    *lr = (ledger_decide_req){
        .fiscal_year = rq->fiscal_year, .decide_id = res->meta.decide_id,
        .created = res->created, .actor = actor, .engine_version = KASAN_VERSION,
        .rows = rows, .n_rows = n, .files = files, .n_files = nf,
        .budget = b ? (ledger_budget){b->fiscal_year, b->line_id, b->amount}
                    : (ledger_budget){0},
        .amend_nursery = rq->amend_nursery, .reason = rq->reason};
}

/* The amendment's difference: the decision in force (ledger) against the
 * nursery's rows computed now. */
static int amendment_of(const flow_decide_req *rq, flow_decide_res *res, ledger *lg)
{
    ledger_decision cur;
    int st = ledger_decision_current(lg, rq->fiscal_year, &res->a, &cur);
    if (st == LEDGER_NOT_FOUND)
        return EXIT_OK; /* the ledger refuses and records it: nothing to amend */
    if (st != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot read FY%d's grant decision: %s",
                 rq->fiscal_year, ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    decide_row *rows = arena_calloc(&res->a, cur.n_rows + 1, sizeof *rows);
    for (size_t i = 0; i < cur.n_rows; i++) {
        rows[i] = (decide_row){.nursery_id = cur.rows[i].nursery_id,
                               .program_id = cur.rows[i].program,
                               .annual = cur.rows[i].annual_yen};
        memcpy(rows[i].month, cur.rows[i].months, sizeof rows[i].month);
    }
    diag_list d = DIAG_LIST_INIT;
    int rc = EXIT_OK;
    if (decide_amend(rows, cur.n_rows, &res->dec, rq->amend_nursery, &res->amendment, &d) != 0) {
        flow_say_diags(&res->notes, &d);
        flow_say(&res->notes, FLOW_NOTE_SAY, "no 変更交付決定 of %s: nothing was recorded",
                 rq->amend_nursery);
        rc = EXIT_INVALID;
    }
    diag_release(&d);
    return rc;
}

static int record(const flow_decide_req *rq, flow_decide_res *res, ledger *lg, const char *actor)
{
    ledger_decide_req lr;
    fill_request(rq, res, actor, &lr);
    ledger_decide_res r;
    int st = ledger_decide(lg, &lr, &r);
    res->event_seq = r.event_seq;
    memcpy(res->event_hash, r.event_hash, sizeof r.event_hash);
    res->current_budget_yen = r.current_budget_yen;
    res->committed_before_yen = r.committed_before_yen;
    res->committed_after_yen = r.committed_after_yen;
    res->paid_yen = r.paid_yen;
    if (st == LEDGER_OK) {
        res->recorded = true;
        return EXIT_OK;
    }
    flow_notes *notes = &res->notes;
    switch (st) {
    case LEDGER_OVER_BUDGET:
    case LEDGER_ALREADY_FINALIZED:
    case LEDGER_NOTHING_TO_SUPERSEDE:
    case LEDGER_OVER_DECISION:
    case LEDGER_NO_BUDGET_LINE:
    case LEDGER_AWAITING_APPROVAL:
        flow_say(notes, FLOW_NOTE_SAY, "refused: %s", ledger_errmsg(lg));
        flow_refusal_note(notes, lg, r.event_seq, r.event_hash);
        return EXIT_REFUSED;
    case LEDGER_BUSY:
        flow_say(notes, FLOW_NOTE_SAY, "the ledger is busy: %s", ledger_errmsg(lg));
        return EXIT_REFUSED;
    default:
        flow_say(notes, FLOW_NOTE_SAY, "cannot record the decision: %s: %s",
                 ledger_strstatus(st), ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
}

/* The 変更交付決定通知書, after the amendment is recorded:
 * OUT/decisions-FY-amendments/ID-SEQ.xlsx (a nursery with no planned line
 * any more, 取消, gets none: said). */
static int write_amendment_notice(const flow_decide_req *rq, flow_decide_res *res)
{
    const decide_nursery *dn = decide_nursery_find(&res->dec, rq->amend_nursery);
    if (!dn) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "warning: %s has no planned line any more "
                 "(取消): no notice was written", rq->amend_nursery);
        return EXIT_OK;
    }
    char *dir = arena_printf(&res->a, "%s/decisions-%d-amendments", rq->paths.out,
                             rq->fiscal_year);
    char err[512] = "";
    res->notice = arena_printf(&res->a, "%s/%s-%lld.xlsx", dir, rq->amend_nursery,
                               (long long)res->event_seq);
    decide_meta meta = res->meta;
    meta.amendment = &res->amendment;
    if (fs_mkdirs(dir) != 0 ||
        report_decide_notice_xlsx(&res->dec, (size_t)(dn - res->dec.nurseries), &meta,
                                  res->notice, err, sizeof err) != 0) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "the amendment is recorded (event %lld) but its "
                 "notice could not be written: %s", (long long)res->event_seq,
                 *err ? err : strerror(errno));
        res->notice = NULL;
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

int flow_decide(const flow_decide_req *rq, flow_decide_res *res)
{
    memset(res, 0, sizeof *res);
    res->a = (arena)ARENA_INIT;
    bool records = rq->finalize || rq->amend_nursery;
    assert(!rq->amend_nursery || (rq->reason && !rq->finalize));
    int rc = compute(rq, res);
    if (rc != EXIT_OK)
        return rc;
    flow_signer sg = {0};
    if (records && (rc = flow_signer_begin(&res->rules, &rq->actor, DUTY_FINALIZE, &sg,
                                           &res->notes)) != EXIT_OK)
        return rc;
    clock_now_iso(res->created);
    decide_meta *meta = &res->meta;
    *meta = (decide_meta){.created = res->created, .engine_version = KASAN_VERSION,
                          .finalized = records};
    meta->decide_id = decide_id(&res->dec, res->created, &res->a);
    if (!rq->issue_date ||
        !date_parse_iso(rq->issue_date, strlen(rq->issue_date), &meta->issue_date))
        date_parse_iso(res->created, 10, &meta->issue_date);
    meta->budget = rules_budget_for_fy(&res->rules, rq->fiscal_year);
    budget_ward_in in = {meta->budget ? meta->budget->amount : 0, NULL, 0, res->dec.total, 0, 0};
    if (meta->budget && budget_ward_compute(&in, &res->ward))
        meta->ward = &res->ward;
    ledger *lg = NULL;
    if (records) {
        char err[512];
        const char *lpath = flow_ledger_path(&rq->paths, &res->a);
        if (fs_mkdirs(rq->paths.out) != 0 ||
            ledger_open(lpath, true, &lg, err, sizeof err) != LEDGER_OK) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "cannot open the ledger %s: %s", lpath,
                     fs_exists(lpath) ? err : strerror(errno));
            return EXIT_INTERNAL;
        }
        char subject[16];
        snprintf(subject, sizeof subject, "FY%d", rq->fiscal_year);
        rc = flow_signer_role(&sg, lg, subject, meta->decide_id,
                              rq->amend_nursery ? "decide_amend" : "decide", &res->notes);
        if (rc == EXIT_OK && rq->amend_nursery)
            rc = amendment_of(rq, res, lg);
        if (rc == EXIT_OK && rq->amend_nursery) {
            rc = record(rq, res, lg, flow_signer_actor(&sg, &rq->actor));
            if (rc == EXIT_OK)
                rc = write_amendment_notice(rq, res);
            ledger_close(lg);
            return rc;
        }
        if (rc != EXIT_OK) {
            ledger_close(lg);
            return rc;
        }
    }
    char *name = arena_printf(&res->a, "decisions-%d", rq->fiscal_year);
    flow_sweep(rq->paths.out, name, &res->notes);
    res->dir = arena_printf(&res->a, "%s/%s", rq->paths.out, name);
    char *stage = flow_stage_dir(rq->paths.out, name, (long)getpid(), &res->a);
    if (write_outputs(&res->dec, meta, stage, rq->progress, &res->notes) != 0)
        rc = EXIT_INTERNAL;
    /* recorded before the outputs are published: a refusal leaves the
     * previous decisions-FY/ as it was */
    if (rc == EXIT_OK && lg)
        rc = record(rq, res, lg, flow_signer_actor(&sg, &rq->actor));
    ledger_close(lg);
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
