/* month: a claim month run — a draft (試算), a finalization (確定) recorded
 * in the ledger under budget control (SPEC 1.4), or a correction (修正, SPEC
 * 6.1) that supersedes the month's run — and the months of a fiscal year,
 * side by side in worker processes for drafts.  The outputs are written to
 * a staging directory, the ledger records the run, and only then are the
 * outputs moved into place (the crash protocol, publish.c): a refusal or an
 * error leaves the previous outputs and no partial ones.
 * Not here: the computation (src/engine), the outputs' bytes (src/report,
 * written by outputs.c), what the ledger checks (src/ledger), bringing
 * OUT/M level with the ledger first (restore.c), the summary a person reads
 * (the front-end prints it from the result). */
#include "flow_int.h"
#include "kasan/ledger_docs.h"

#include <assert.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kasan/clock.h"
#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"

/* Fills the budget view from the ledger's finalized months and this run;
 * this month shows the over-budget reason when finalizing it (not a
 * correction) is paid on it as the ledger will decide (budget_decide). */
static bool fill_budget(const flow_month_req *rq, const month_run *run, ledger *lg,
                        budget_view *bv, arena *a)
{
    /* unreadable: what could be read; the finalization reads the ledger again */
    flow_budget_of_run(run, lg, 0, a, bv);
    budget_view_place(bv, run->month, !rq->finalize, run->total, run->program_total,
                      run->n_programs);
    budget_month *self = &bv->months[month_fiscal_index(run->month)];
    self->override_reason = NULL;
    if (!budget_view_finish(bv, run->month))
        return false;
    budget_decision d;
    if (rq->finalize && !rq->supersede && rq->over_budget_reason &&
        budget_decide(bv->line_id != NULL, bv->line_amount, bv->paid_before, bv->this_month, true,
                      &d) &&
        budget_overridden(d.verdict))
        self->override_reason = rq->over_budget_reason;
    return true;
}

/* A correction (修正, SPEC 6.1): the differences from the month's current run
 * go into the outputs (meta->correction) and the ledger is asked to supersede
 * exactly that run.  No current run: nothing to show, and the ledger refuses. */
static int correction_of(const month_run *run, ledger *lg, const char *reason, arena *a,
                         run_correction *c, run_meta *meta, flow_notes *notes)
{
    char mon[8];
    month_format(run->month, mon);
    ledger_run cur;
    int st = ledger_month_current(lg, mon, a, &cur);
    if (st == LEDGER_NOT_FOUND)
        return EXIT_OK;
    if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot read the finalized run of %s: %s", mon,
                 ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    ledger_correction *rows;
    size_t n;
    if (engine_corrections(run, cur.payments, cur.n_payments, a, &rows, &n) != 0) {
        flow_say(notes, FLOW_NOTE_SAY, "out of memory");
        return EXIT_INTERNAL;
    }
    *c = (run_correction){.superseded_run_id = cur.run_id, .reason = reason, .rows = rows,
                          .n = n};
    meta->correction = c;
    /* what is owed: against what the month's transfer files paid */
    return flow_owed_of_run(lg, run, 0, a, c, notes);
}

/* A correction's 追給 and 返還 in all; false if they do not fit. */
static bool correction_sums(const run_correction *c, int64_t *raised, int64_t *lowered)
{
    *raised = *lowered = 0;
    for (size_t i = 0; i < c->n; i++) {
        int64_t d = c->rows[i].difference_yen;
        if ((d > 0 && __builtin_add_overflow(*raised, d, raised)) ||
            (d < 0 && __builtin_sub_overflow(*lowered, d, lowered)))
            return false;
    }
    return true;
}

static void fill_ledger_request(const flow_month_req *rq, const month_run *run,
                                const run_meta *meta, arena *a, ledger_finalize_req *lr)
{
    char *mon = arena_alloc(a, 8);
    month_format(run->month, mon);
    lr->month = mon;
    lr->run_id = meta->run_id;
    lr->created = meta->created;
    lr->actor = rq->actor.name;
    lr->engine_version = KASAN_VERSION;
    lr->n_payments = engine_payment_count(run);
    ledger_payment *pay = arena_calloc(a, lr->n_payments + 1, sizeof *pay);
    size_t k = 0;
    for (payment_row r = {0}; engine_payment_next(run, &r);) {
        /* the amount paid is the engine's, cell for cell */
        assert(r.amount == run->nurseries[r.nursery].amount[r.program] && r.amount > 0);
        pay[k++] = (ledger_payment){r.nursery_id, r.program_id, r.rule_version, r.amount};
    }
    assert(k == lr->n_payments);
    lr->payments = pay;
    ledger_program_total *pt = arena_calloc(a, run->n_programs + 1, sizeof *pt);
    for (size_t p = 0; p < run->n_programs; p++)
        pt[p] = (ledger_program_total){run->programs[p]->id, run->program_total[p]};
    lr->programs = pt;
    lr->n_programs = run->n_programs;
    lr->total_yen = run->total;
    size_t nf = run->rules->n_files + INPUT_COUNT;
    ledger_file *files = arena_calloc(a, nf, sizeof *files);
    for (size_t i = 0; i < run->rules->n_files; i++) {
        const rule_file *f = &run->rules->files[i];
        files[i] = (ledger_file){ledger_role_name(LEDGER_ROLE_RULES), f->name, f->data, f->len,
                                 f->sha256};
    }
    for (int i = 0; i < INPUT_COUNT; i++) {
        const input_file *f = &run->inputs[i];
        files[run->rules->n_files + (size_t)i] =
            (ledger_file){flow_input_role(i), f->name, f->data, f->len, f->sha256};
    }
    lr->files = files;
    lr->n_files = nf;
    if (run->budget)
        lr->budget = (ledger_budget){run->budget->fiscal_year, run->budget->line_id,
                                     run->budget->amount};
    lr->over_budget_reason = rq->over_budget_reason;
    /* within the grant decision unless the budget file says the year has none */
    lr->decision_required = run->budget && !run->budget->no_grant_decision;
    lr->over_decision_reason = rq->over_decision_reason;
    lr->after_settlement_reason = rq->after_settlement_reason;
    lr->supersede = rq->supersede;
    lr->reason = rq->reason;
    if (meta->correction) { /* the run whose differences the outputs show */
        lr->expect_superseded = meta->correction->superseded_run_id;
        /* and the transfers their "what is owed" is set against (owed.c) */
        lr->owed_transfers = meta->correction->transfer_events;
        lr->n_owed_transfers = meta->correction->n_transfer_events;
    }
}

/* How many times a finalization numbers and writes its documents when
 * another finalization took the numbers meanwhile. */
enum { FINALIZE_ATTEMPTS = 5 };

/* Records the run (T2 of the crash protocol); a refusal says why and how to
 * proceed, and that the refusal itself is in the audit trail. */
static int finalize(const flow_month_req *rq, const flow_signer *sg, const month_run *run,
                    const run_meta *meta, const ledger_document *docs, size_t n_docs,
                    ledger *lg, ledger_finalize_res *res, bool *numbers_taken,
                    flow_notes *notes)
{
    arena a = ARENA_INIT;
    ledger_finalize_req lr = {0};
    fill_ledger_request(rq, run, meta, &a, &lr);
    lr.documents = docs;
    lr.n_documents = n_docs;
    lr.actor = flow_signer_actor(sg, &rq->actor); /* signed: the operator (lg has sg) */
    int st = ledger_finalize(lg, &lr, res);
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN], b4[FLOW_YEN_LEN];
    int rc = EXIT_OK;
    if (st == LEDGER_OVER_BUDGET) {
        flow_say(notes, FLOW_NOTE_SAY, "finalization refused by budget control: %s would bring "
                 "the fiscal year's paid total to %s yen, %s yen over the %s line of %s yen.\n"
                 "  To pay anyway, give the reason (補正予算・流用): --over-budget-reason TEXT",
                 lr.month, flow_yen(res->fy_paid_after_yen, false, b2),
                 flow_yen(res->overrun_yen, false, b1), lr.budget.line_id,
                 /* the 予算現額 the ledger judged by (the line as amended) */
                 flow_yen(res->fy_paid_after_yen - res->overrun_yen, false, b3));
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_NO_BUDGET_LINE) {
        flow_say(notes, FLOW_NOTE_SAY, "finalization refused: no budget line for FY%d, so %s "
                 "cannot be paid.\n  Add the line to the rules' budget/ directory, or to pay "
                 "anyway give the reason (補正予算・流用): --over-budget-reason TEXT",
                 month_fiscal_year(run->month), lr.month);
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_OVER_DECISION) {
        const ledger_over_decision *o = &res->over_decision[0];
        flow_say(notes, FLOW_NOTE_SAY, "finalization refused: %s would pay %s beyond its grant "
                 "decision (交付決定): decided %s yen, paid so far %s yen, this month %s yen, "
                 "%s yen beyond it%s.\n  Amend the decision first (kasan decide --fy %d --amend "
                 "--nursery %s --reason TEXT), or to pay anyway give the reason: "
                 "--over-decision-reason TEXT", lr.month, o->nursery_id,
                 flow_yen(o->decided_yen, false, b1), flow_yen(o->paid_before_yen, false, b2),
                 flow_yen(o->this_month_yen, false, b3),
                 flow_yen(o->shortfall_yen, false, b4),
                 res->n_over_decision > 1 ? " (and other nurseries: see the audit trail)" : "",
                 month_fiscal_year(run->month), o->nursery_id);
        for (size_t i = 1; i < res->n_over_decision && i < LEDGER_OVER_DECISION_MAX; i++) {
            o = &res->over_decision[i];
            flow_say(notes, FLOW_NOTE_LINE, "  also %s: decided %s, paid so far %s, this month "
                     "%s, %s yen beyond", o->nursery_id, flow_yen(o->decided_yen, false, b1),
                     flow_yen(o->paid_before_yen, false, b2),
                     flow_yen(o->this_month_yen, false, b3),
                     flow_yen(o->shortfall_yen, false, b4));
        }
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_SETTLED) {
        flow_say(notes, FLOW_NOTE_SAY, "finalization refused: %s.\n  The settlement rests on "
                 "the months as they were: record this change only together with a corrected "
                 "settlement — give the reason (--after-settlement-reason TEXT), then correct "
                 "the settlement (kasan settle --fy %d --finalize --supersede --reason TEXT)",
                 ledger_errmsg(lg), month_fiscal_year(run->month));
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_NO_DECISION) {
        flow_say(notes, FLOW_NOTE_SAY, "finalization refused: %s", ledger_errmsg(lg));
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_ALREADY_FINALIZED && rq->supersede) {
        /* another correction became current after this one read the paid run */
        flow_say(notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_ALREADY_FINALIZED) {
        flow_say(notes, FLOW_NOTE_SAY, "%s is already finalized; a correction is --finalize "
                 "--supersede --reason TEXT", lr.month);
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_NOTHING_TO_SUPERSEDE) {
        flow_say(notes, FLOW_NOTE_SAY, "%s has no finalized run to supersede", lr.month);
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_BUSY && numbers_taken && n_docs > 0) {
        *numbers_taken = true; /* nothing recorded: the caller numbers and writes again */
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_BUSY) {
        flow_say(notes, FLOW_NOTE_SAY, "the ledger is busy (another finalization?): %s",
                 ledger_errmsg(lg));
        rc = EXIT_REFUSED;
    } else if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot record %s in the ledger %s: %s: %s", lr.month,
                 flow_ledger_path(&rq->paths, &a), ledger_strstatus(st), ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_REFUSED && st != LEDGER_BUSY) /* SPEC 1.4: the refusal is in the trail */
        flow_refusal_note(notes, lg, res->event_seq, res->event_hash);
    arena_release(&a);
    return rc;
}

/* Draft runs of a finalized month are refused: its outputs are the record
 * (invariant 5 of the crash protocol). */
static int refuse_if_finalized(ledger *lg, const char *mon, flow_notes *notes)
{
    arena a = ARENA_INIT;
    ledger_run cur;
    int st = lg ? ledger_month_current(lg, mon, &a, &cur) : LEDGER_NOT_FOUND;
    int rc = EXIT_OK;
    if (st == LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "%s is finalized (run %s); its outputs are not "
                 "overwritten by a draft.  Use `kasan replay --month %s` to recompute it, or "
                 "--finalize --supersede --reason TEXT to correct it.", mon, cur.run_id, mon);
        rc = EXIT_REFUSED;
    }
    arena_release(&a);
    return rc;
}

/* A finalization may have committed while this draft was being written:
 * look again just before publishing (the published marker and the next
 * command's restore close what is left of the window). */
static int recheck_draft(const char *lpath, ledger **lg, const char *mon, flow_notes *notes)
{
    char err[512];
    if (!*lg && fs_exists(lpath) && ledger_open(lpath, false, lg, err, sizeof err) != LEDGER_OK)
        *lg = NULL;
    return refuse_if_finalized(*lg, mon, notes);
}

/* The 起案 line of the approval block: the drafter, today (a finalization
 * writes its outputs before the ledger records it). */
static const report_approval *drafted_block(const flow_signer *sg, arena *a)
{
    if (!sg->active)
        return NULL;
    report_approval *b = arena_calloc(a, 1, sizeof *b);
    b->drafted = (report_signoff){sg->op->name, sg->op->post, sg->op->id, sg->day};
    return b;
}

int flow_month(const flow_month_req *rq, flow_month_res *res)
{
    memset(res, 0, sizeof *res);
    claim_month m = rq->month;
    char mon[8];
    month_format(m, mon);
    /* who finalizes (SPEC 10.1): checked before anything is computed */
    flow_signer sg = {0};
    if (rq->finalize) {
        int src = flow_signer_begin(rq->rules, &rq->actor,
                                    rq->supersede ? DUTY_CORRECT : DUTY_FINALIZE, &sg,
                                    &res->notes);
        if (src != EXIT_OK)
            return src;
    }
    int rc = flow_compute_month(&rq->paths, rq->rules, m, rq->registry, &res->run, &res->notes);
    res->computed = true;
    if (rc != EXIT_OK)
        return rc;
    arena *a = &res->a;
    flow_notes *notes = &res->notes;
    char *lpath = flow_ledger_path(&rq->paths, a);
    ledger *lg = NULL;
    char err[512];
    flow_statements how = {rq->jobs, rq->progress};
    if (fs_mkdirs(rq->paths.out) != 0) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot create output directory %s: %s", rq->paths.out,
                 strerror(errno));
        rc = EXIT_INTERNAL;
    } else if (rq->finalize || fs_exists(lpath)) {
        int st = ledger_open(lpath, rq->finalize, &lg, err, sizeof err);
        /* a draft beside a ledger a finalization is just creating: none yet */
        if (st == LEDGER_NOT_FOUND && !rq->finalize)
            lg = NULL;
        else if (st != LEDGER_OK) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot open the ledger: %s", err);
            rc = EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK && lg)
        rc = flow_restore_month_in(&rq->paths, lg, m, false, &how, notes);
    if (rc == EXIT_OK)
        flow_sweep(rq->paths.out, mon, notes);
    if (rc == EXIT_OK && rq->finalize) /* the role (a refusal is an event); lg signs from here */
        rc = flow_signer_role(&sg, lg, mon, NULL, rq->supersede ? "supersede" : "finalize", notes);
    if (rc == EXIT_OK && !rq->finalize)
        rc = refuse_if_finalized(lg, mon, notes);
    clock_now_iso(res->created);
    res->meta = (run_meta){flow_run_id(&res->run, res->created, a), res->created, 0,
                           rq->finalize, KASAN_VERSION, NULL, drafted_block(&sg, a), NULL, 0, 0};
    if (rc == EXIT_OK && rq->finalize && rq->supersede && lg)
        rc = correction_of(&res->run, lg, rq->reason, a, &res->correction, &res->meta, notes);
    if (rc == EXIT_OK && res->meta.correction &&
        !correction_sums(&res->correction, &res->raised_yen, &res->lowered_yen)) {
        flow_say(notes, FLOW_NOTE_SAY, "%s: the correction's differences do not fit in 64-bit "
                 "yen", mon);
        rc = EXIT_INVALID;
    }
    if (!rq->issue_date ||
        !date_parse_iso(rq->issue_date, strlen(rq->issue_date), &res->meta.issue_date))
        clock_to_jst(res->created, &res->meta.issue_date, NULL, NULL); /* the day in Japan */
    if (!fill_budget(rq, &res->run, lg, &res->budget, a) && rc == EXIT_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "%s: the fiscal year's paid total or forecast does not "
                 "fit in 64-bit yen; check the claims' amounts", mon);
        rc = EXIT_INVALID;
    }
    /* 文書番号 (issue 22): a finalization's documents are numbered before
     * they are written, hashed after, recorded with the run; a correction's
     * get new file names (ID-N.pdf) beside the ones sent before */
    int ordinal = 1;
    if (rc == EXIT_OK && rq->finalize)
        rc = flow_run_ordinal(lg, mon, NULL, &ordinal, notes);
    if (ordinal >= 2)
        res->meta.reissue = ordinal;
    res->final_dir = arena_printf(a, "%s/%s", rq->paths.out, mon);
    char *stage = flow_stage_dir(rq->paths.out, mon, rq->stage_pid, a);
    /* numbered from first: numbers taken meanwhile by another month's
     * finalization of the same fiscal year make the ledger refuse the commit
     * with nothing recorded (never a number twice); the documents are then
     * numbered and written again, a few times, before the clerk is told to
     * run again (two clerks finalizing two months at once both succeed) */
    for (int attempt = 1;; attempt++) {
        int64_t first = 0;
        bool numbers_taken = false;
        if (rc == EXIT_OK && rq->finalize && rq->workbooks)
            rc = flow_docnos_assign(lg, &res->run, &res->meta, &first, a, notes);
        if (rc == EXIT_OK &&
            flow_outputs_write(rq->workbooks, &res->run, &res->budget, &res->meta, stage, &how,
                               notes) != 0)
            rc = EXIT_INTERNAL;
        ledger_document *docs = NULL;
        size_t n_docs = 0;
        if (rc == EXIT_OK && res->meta.docnos)
            rc = flow_docnos_hash(stage, mon, &res->meta, first, a, &docs, &n_docs, notes);
        if (rc == EXIT_OK && rq->finalize) {
            rc = finalize(rq, &sg, &res->run, &res->meta, docs, n_docs, lg, &res->event,
                          attempt < FINALIZE_ATTEMPTS ? &numbers_taken : NULL, notes);
            res->finalized = rc == EXIT_OK;
        }
        if (!numbers_taken)
            break;
        fs_remove_tree(stage);
        rc = EXIT_OK;
    }
    if (rc == EXIT_OK && !rq->finalize && !rq->staged_only)
        rc = recheck_draft(lpath, &lg, mon, notes);
    if (rc == EXIT_OK && !rq->staged_only &&
        flow_publish_dir(stage, res->final_dir,
                         FLOW_KEEP_TRANSFER_FILES | FLOW_KEEP_FORMS |
                             (res->meta.reissue >= 2 ? FLOW_KEEP_SENT : 0),
                         flow_marker_path(&rq->paths, mon, a)) != 0) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot move outputs into %s: %s", res->final_dir,
                 strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (rc != EXIT_OK)
        fs_remove_tree(stage);
    ledger_close(lg);
    return rc;
}

void flow_month_free(flow_month_res *res)
{
    flow_notes_free(&res->notes);
    if (res->computed)
        engine_free(&res->run);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}

/* ---- the months of a fiscal year --------------------------------------------- */

/* In the parent, in month order, for a month a worker staged: the last look
 * at the ledger, then the publication; a failed or dropped month's staging
 * goes. */
static int publish_staged(const flow_paths *paths, claim_month m, long pid, int rc,
                          flow_notes *notes)
{
    char mon[8];
    month_format(m, mon);
    arena a = ARENA_INIT;
    char *stage = flow_stage_dir(paths->out, mon, pid, &a);
    char *final_dir = arena_printf(&a, "%s/%s", paths->out, mon);
    ledger *lg = NULL;
    if (rc == EXIT_OK)
        rc = recheck_draft(flow_ledger_path(paths, &a), &lg, mon, notes);
    if (rc == EXIT_OK &&
        flow_publish_dir(stage, final_dir, FLOW_KEEP_TRANSFER_FILES | FLOW_KEEP_FORMS,
                         flow_marker_path(paths, mon, &a)) != 0) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot move outputs into %s: %s", final_dir,
                 strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (rc != EXIT_OK)
        fs_remove_tree(stage);
    ledger_close(lg);
    arena_release(&a);
    return rc < 0 ? EXIT_INTERNAL : rc;
}

typedef struct year_ctx {
    const flow_year_req *rq;
} year_ctx;

static claim_month year_month(const flow_year_req *rq, int i)
{
    return month_of_fiscal(rq->fiscal_year, i);
}

/* In a worker: the month computed and staged, and reported there (the
 * parent hands the report on once the month is published). */
static int year_task(int i, void *ctx)
{
    const flow_year_req *rq = ((year_ctx *)ctx)->rq;
    flow_month_req mr = rq->month;
    mr.month = year_month(rq, i);
    mr.staged_only = true;
    mr.jobs = 1; /* the months already fill the cores */
    mr.progress = NULL;
    flow_month_res res;
    int rc = flow_month(&mr, &res);
    if (rq->done)
        rq->done(&res, rc, true, rq->ctx);
    flow_month_free(&res);
    return rc;
}

static int year_finish(int i, int rc, void *ctx)
{
    const flow_year_req *rq = ((year_ctx *)ctx)->rq;
    flow_notes notes = {0};
    rc = publish_staged(&rq->month.paths, year_month(rq, i), rq->month.stage_pid, rc, &notes);
    if (rq->say && notes.n)
        rq->say(&notes, rq->ctx);
    flow_notes_free(&notes);
    return rc;
}

int flow_year(const flow_year_req *rq)
{
    claim_month first = month_of_fiscal(rq->fiscal_year, 0);
    shared_registry sr;
    flow_notes notes = {0};
    /* a fiscal year reads, hashes and parses the registry once */
    int rc = flow_load_registry(&rq->month.paths, rq->month.rules, first, &sr, &notes);
    if (rq->say && notes.n)
        rq->say(&notes, rq->ctx);
    flow_notes_free(&notes);
    flow_month_req mr = rq->month;
    mr.registry = &sr;
    flow_year_req with = *rq;
    with.month = mr;
    int jobs = rq->jobs > 0 ? rq->jobs : flow_jobs_default();
    const flow_progress *pg = rq->months;
    if (pg && pg->start)
        pg->start(pg->ctx, "months", 12);
    if (rc == EXIT_OK && jobs > 1 && !mr.finalize) {
        year_ctx y = {&with};
        rc = flow_jobs_ordered(12, jobs, year_task, year_finish, &y, pg, rq->out, rq->err,
                               &notes);
        if (rq->say && notes.n)
            rq->say(&notes, rq->ctx);
        flow_notes_free(&notes);
    } else {
        /* one at a time; finalizing always so, the ledger taking the months in order */
        for (int i = 0; i < 12 && rc == EXIT_OK; i++) {
            if (pg && pg->tick)
                pg->tick(pg->ctx, (size_t)i);
            mr.month = year_month(rq, i);
            flow_month_res res;
            rc = flow_month(&mr, &res);
            if (rq->done)
                rq->done(&res, rc, false, rq->ctx);
            flow_month_free(&res);
        }
        if (rc == EXIT_OK && pg && pg->tick)
            pg->tick(pg->ctx, 12);
    }
    if (pg && pg->end)
        pg->end(pg->ctx);
    shared_registry_free(&sr);
    return rc;
}
