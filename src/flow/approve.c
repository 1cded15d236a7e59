/* approve: the approval (決裁) of a finalized month, correction or settlement
 * (SPEC 10.1, docs/spec/11-operators.md) — what the approver is shown first
 * (the run or settlement, its totals, the fiscal year's budget position, a
 * correction's differences, who drafted it), then the approval recorded
 * under their signature, then the month's payments.xlsx republished with
 * the approval block.  Also that republication, which a transfer file
 * makes too (T5 of the crash protocol, publish.c).  Not here: the checks
 * of the separation of duties (src/ledger/approve_store.c, in the
 * approval's transaction), who the operator is (signer.c), printing
 * (src/cli/approve.c). */
#include "flow_int.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kasan/clock.h"
#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"

/* The fiscal year's budget position as the ledger stands: its current
 * months and its settlement's 追加交付 against the line the runs recorded. */
static int budget_position(ledger *lg, int fy, flow_approve_res *res)
{
    ledger_month_sum *ms;
    size_t n;
    int64_t settled = 0;
    if (ledger_fy_months(lg, fy, &res->a, &ms, &n) != LEDGER_OK ||
        ledger_fy_settled_additional(lg, fy, 0, &settled) != LEDGER_OK)
        return -1;
    res->fiscal_year = fy;
    res->paid_yen = settled;
    for (size_t i = 0; i < n; i++)
        if (__builtin_add_overflow(res->paid_yen, ms[i].total_yen, &res->paid_yen))
            return -1;
    for (size_t i = 0; i < n && !res->line_id; i++) {
        ledger_run r;
        if (res->run.month && !strcmp(ms[i].month, res->run.month) && res->run.budget.line_id) {
            /* the month approved, read already: a run's payments are many */
            res->line_id = res->run.budget.line_id;
            res->line_yen = res->run.budget.line_amount_yen;
        } else if (ledger_month_current(lg, ms[i].month, &res->a, &r) == LEDGER_OK &&
                   r.budget.line_id) {
            res->line_id = r.budget.line_id;
            res->line_yen = r.budget.line_amount_yen;
        }
    }
    if (res->line_id && __builtin_sub_overflow(res->line_yen, res->paid_yen, &res->remaining_yen))
        return -1;
    return 0;
}

static int summary_in(const flow_approve_req *rq, ledger *lg, flow_approve_res *res)
{
    arena *a = &res->a;
    char mon[8];
    month_format(rq->month, mon);
    const char *month = rq->settlement_fy ? NULL : mon;
    res->label = month ? arena_strdup(a, mon)
                       : arena_printf(a, "the settlement of FY%d", rq->settlement_fy);
    int st = ledger_approval_subject_now(lg, month, rq->settlement_fy, a, &res->subject);
    if (st == LEDGER_NOT_FOUND) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s: nothing finalized to approve (%s)", res->label,
                 ledger_errmsg(lg));
        return EXIT_USAGE;
    }
    int fy = rq->settlement_fy ? rq->settlement_fy : month_fiscal_year(rq->month);
    if (st == LEDGER_OK && month) {
        st = ledger_month_current(lg, month, a, &res->run);
        res->is_correction = st == LEDGER_OK && res->run.supersedes;
        if (st == LEDGER_OK && res->is_correction)
            st = ledger_corrections(lg, res->run.run_id, a, &res->corrections,
                                    &res->n_corrections);
        for (size_t i = 0; st == LEDGER_OK && i < res->n_corrections; i++) {
            int64_t d = res->corrections[i].difference_yen;
            if ((d > 0 && __builtin_add_overflow(res->raised_yen, d, &res->raised_yen)) ||
                (d < 0 && __builtin_sub_overflow(res->lowered_yen, d, &res->lowered_yen)))
                st = LEDGER_INVALID;
        }
        res->over_budget_reason = res->run.over_budget_reason;
    } else if (st == LEDGER_OK) {
        st = ledger_settle_current(lg, rq->settlement_fy, a, &res->settlement);
        res->is_correction = st == LEDGER_OK && res->settlement.supersedes_seq;
        res->over_budget_reason = res->settlement.over_budget_reason;
    }
    if (st == LEDGER_OK)
        st = ledger_run_signoffs(lg, month, rq->settlement_fy, res->subject.run_id, a,
                                 &res->signoffs);
    if (st == LEDGER_OK && budget_position(lg, fy, res) != 0)
        st = LEDGER_INVALID;
    if (st != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s: %s", res->label, ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    res->block = flow_signoff_block(lg, month, rq->settlement_fy, res->subject.run_id, a);
    return EXIT_OK;
}

int flow_approve_summary(const flow_approve_req *rq, flow_approve_res *res)
{
    memset(res, 0, sizeof *res);
    ledger *lg = NULL;
    int rc = flow_open_ledger(&rq->paths, &lg, &res->notes);
    if (rc == EXIT_OK)
        rc = summary_in(rq, lg, res);
    ledger_close(lg);
    return rc;
}

/* ---- T5: payments.xlsx with the approval block --------------------------------- */

int flow_signoff_republish(const flow_paths *paths, ledger *lg, claim_month m, arena *keep,
                           const char **written, flow_notes *notes)
{
    char mon[8];
    month_format(m, mon);
    arena a = ARENA_INIT;
    ledger_run r;
    *written = NULL;
    int rc = ledger_month_current(lg, mon, &a, &r) == LEDGER_OK ? EXIT_OK : EXIT_INTERNAL;
    flow_statements how = {1, NULL};
    /* OUT/M level with the ledger first (invariant 7): a rebuild writes the
     * block itself */
    if (rc == EXIT_OK)
        rc = flow_restore_month_in(paths, lg, m, false, &how, notes);
    flow_archived x = {0};
    if (rc == EXIT_OK)
        rc = flow_archive_month(lg, &r, m, paths->rules, &x, notes);
    budget_view bv;
    if (rc == EXIT_OK && !flow_budget_as_finalized(&x.run, lg, &r, &bv, &x.a))
        rc = EXIT_DIFFERENT;
    char *stage = flow_stage_dir(paths->out, mon, (long)getpid(), &a);
    char *file = arena_printf(&a, "%s/payments.xlsx", stage);
    if (rc == EXIT_OK) {
        run_meta meta = {r.run_id, r.created, 0, true, r.engine_version, NULL, NULL,
                         NULL, 0, 0};
        clock_to_jst(r.created, &meta.issue_date, NULL, NULL); /* the day in Japan */
        int ordinal = 1; /* a correction's 支払一覧 says 修正 */
        rc = flow_run_ordinal(lg, mon, r.run_id, &ordinal, notes);
        if (ordinal >= 2)
            meta.reissue = ordinal;
        meta.approval = flow_signoff_block(lg, mon, 0, r.run_id, &x.a);
        run_correction corr = {0};
        if (r.supersedes)
            rc = flow_recorded_correction(lg, &r, &x.run, &x.a, &corr, &meta, notes);
        char err[512] = "";
        if (rc == EXIT_OK && (fs_mkdirs(stage) != 0 ||
                              report_payments_xlsx(&x.run, &bv, &meta, file, err, sizeof err))) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot write %s: %s", file,
                     *err ? err : strerror(errno));
            rc = EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK) {
        int p = flow_publish_file(paths, mon, r.run_id, file, "payments.xlsx");
        if (p < 0) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot replace %s/%s/payments.xlsx: %s", paths->out,
                     mon, strerror(errno));
            rc = EXIT_INTERNAL;
        } else if (p == 0) {
            *written = arena_printf(keep, "%s/%s/payments.xlsx", paths->out, mon);
        }
    }
    if (rc != EXIT_OK)
        flow_say(notes, FLOW_NOTE_SAY, "the approval block of %s/%s/payments.xlsx was not "
                 "updated; the ledger records the step (a rebuild of %s writes the block)",
                 paths->out, mon, mon);
    fs_remove_tree(stage);
    flow_archived_free(&x);
    arena_release(&a);
    return rc;
}

/* ---- the approval ---------------------------------------------------------------- */

static int approve_in(const flow_approve_req *rq, ledger *lg, flow_signer *s,
                      flow_approve_res *res)
{
    int rc = summary_in(rq, lg, res);
    if (rc)
        return rc;
    ledger_approval_subject want = res->subject;
    if (rq->run_id || rq->digest || rq->drafted_seq) { /* what the approver saw */
        want.run_id = rq->run_id;
        want.digest = rq->digest;
        want.drafted_seq = rq->drafted_seq;
    }
    ledger_set_signer(lg, &s->ls);
    ledger_approve_res ar;
    int st = ledger_approve(lg, &want, &ar);
    res->event_seq = ar.event_seq;
    memcpy(res->event_hash, ar.event_hash, sizeof ar.event_hash);
    if (st == LEDGER_DUTY || (st == LEDGER_ALREADY_FINALIZED && ar.refusal_code)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "approval refused: %s", ledger_errmsg(lg));
        /* drafted before an operators file was in force: the way on is a
         * signed re-draft (docs/spec/11-operators.md §11.9) */
        if (ar.refusal_code && !strcmp(ar.refusal_code, "no_signed_draft")) {
            if (want.month)
                flow_say(&res->notes, FLOW_NOTE_SAY, "to approve it, an operator with the draft "
                         "role drafts it again, signed: kasan run --month %s --finalize "
                         "--supersede --reason TEXT --operator DRAFTER", want.month);
            else
                flow_say(&res->notes, FLOW_NOTE_SAY, "to approve it, an operator with the draft "
                         "role drafts it again, signed: kasan settle --fy %d --finalize "
                         "--supersede --reason TEXT --operator DRAFTER", want.fiscal_year);
        }
        flow_refusal_note(&res->notes, lg, ar.event_seq, ar.event_hash);
        return EXIT_REFUSED;
    }
    if (st == LEDGER_BUSY) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "the ledger is busy: %s", ledger_errmsg(lg));
        return EXIT_REFUSED;
    }
    if (st != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot record the approval: %s: %s",
                 ledger_strstatus(st), ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    ledger_set_signer(lg, NULL);
    res->block = flow_signoff_block(lg, want.month, want.fiscal_year, want.run_id, &res->a);
    if (rq->settlement_fy)
        return EXIT_OK; /* settlement.xlsx has no approval block */
    flow_signoff_republish(&rq->paths, lg, rq->month, &res->a, &res->workbook, &res->notes);
    return EXIT_OK; /* the approval stands; a note says what was not republished */
}

int flow_approve(const flow_approve_req *rq, flow_approve_res *res)
{
    memset(res, 0, sizeof *res);
    rule_set ops;
    int rc = flow_load_operators(rq->paths.rules, &ops, &res->notes);
    flow_signer s;
    if (rc == EXIT_OK)
        rc = flow_signer_begin(&ops, &rq->actor, DUTY_APPROVE_RUN, &s, &res->notes);
    if (rc == EXIT_OK && !s.active) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "no operators file (kind: operators) is in force "
                 "in %s: an approval (決裁) is an operator's signed act, and without operators "
                 "kasan works unsigned (a transfer needs no approval then)", rq->paths.rules);
        rc = EXIT_USAGE;
    }
    ledger *lg = NULL;
    if (rc == EXIT_OK)
        rc = flow_open_ledger(&rq->paths, &lg, &res->notes);
    if (rc == EXIT_OK)
        rc = approve_in(rq, lg, &s, res);
    ledger_close(lg);
    rules_free(&ops);
    return rc;
}

void flow_approve_free(flow_approve_res *res)
{
    flow_notes_free(&res->notes);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}
