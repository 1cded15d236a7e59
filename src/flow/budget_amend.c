/* budget_amend: the budget line as the ward keeps it (issue 24,
 * docs/spec/12-grant-decision.md §12.5) — a 補正, 流用 or 予備費充用
 * recorded (kasan budget amend), and the five figures of `kasan budget`
 * (予算現額, 負担行為額, 支出済額, 未払, 執行残) from the budget rule file,
 * the ledger's amendments, its decision in force and what the year paid.
 * Not here: the arithmetic and its refusals (src/budget/ward.c), the
 * events (src/ledger/decide_store.c), the closing's figures
 * (src/flow/budget_close.c), printing (src/cli). */
#include "flow_int.h"

#include <errno.h>
#include <string.h>

#include "kasan/clock.h"
#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"
#include "kasan/ledger_decide.h"

int flow_budget_ward(ledger *lg, flow_budget_res *res)
{
    if (!res->line)
        return EXIT_OK;
    int st = ledger_budget_amendments(lg, res->fiscal_year, &res->a, &res->amendments,
                                      &res->n_amendments);
    ledger_decision d = {0};
    int ds = st == LEDGER_OK ? ledger_decision_current(lg, res->fiscal_year, &res->a, &d) : st;
    if (st != LEDGER_OK || (ds != LEDGER_OK && ds != LEDGER_NOT_FOUND)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    res->decided = ds == LEDGER_OK;
    if (ledger_pending_grants(lg, res->fiscal_year, &res->a, &res->pending, &res->n_pending) !=
            LEDGER_OK ||
        flow_budget_closing_read(lg, &res->rules, res->fiscal_year, &res->closing) != EXIT_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    budget_amendment *v = arena_calloc(&res->a, res->n_amendments + 1, sizeof *v);
    for (size_t i = 0; i < res->n_amendments; i++) {
        budget_amend_kind k = BUDGET_HOSEI;
        budget_amend_kind_parse(res->amendments[i].kind, &k); /* the ledger wrote it */
        v[i] = (budget_amendment){k, res->amendments[i].amount_yen, 0};
    }
    /* 過年度支出 paid from this line is a commitment of this year too */
    int64_t committed = res->decided ? d.total_yen : 0;
    bool fits = !__builtin_add_overflow(committed, res->closing.prior_year_in_yen, &committed);
    budget_ward_in in = {res->line->amount, v, res->n_amendments, committed, res->paid_yen,
                         res->closing.returned_yen};
    res->has_ward = fits && res->paid_yen != INT64_MAX && budget_ward_compute(&in, &res->ward);
    if (res->has_ward) /* the months are judged against the line as amended */
        res->year.view.line_amount = res->ward.current;
    return EXIT_OK;
}

int flow_budget_amend(const flow_budget_amend_req *rq, flow_budget_amend_res *res)
{
    memset(res, 0, sizeof *res);
    int rc = flow_load_rules(rq->paths.rules, &res->rules, &res->notes);
    if (rc != EXIT_OK)
        return rc;
    budget_amend_kind kind;
    if (!budget_amend_kind_parse(rq->kind, &kind)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "--kind takes 補正, 流用 or 充用 (予備費充用), not "
                 "'%s'", rq->kind);
        return EXIT_USAGE;
    }
    if (rq->amount_yen == 0 || (kind == BUDGET_JUTO && rq->amount_yen < 0)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", rq->amount_yen == 0
                 ? "an amendment of 0 yen changes nothing"
                 : "a 予備費充用 only adds to a line (a negative amount is a 補正 or 流用)");
        return EXIT_USAGE;
    }
    const budget_line *bl = rules_budget_for_fy(&res->rules, rq->fiscal_year);
    flow_signer sg;
    if ((rc = flow_signer_begin(&res->rules, &rq->actor, DUTY_FINALIZE, &sg, &res->notes)) !=
        EXIT_OK)
        return rc;
    char now[32], today[11];
    clock_now_iso(now);
    snprintf(today, sizeof today, "%.10s", now);
    date_t dd;
    if (rq->date && !date_parse_iso(rq->date, strlen(rq->date), &dd)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "--date takes YYYY-MM-DD");
        return EXIT_USAGE;
    }
    ledger *lg = NULL;
    char err[512];
    const char *lpath = flow_ledger_path(&rq->paths, &res->a);
    if (fs_mkdirs(rq->paths.out) != 0 || ledger_open(lpath, true, &lg, err, sizeof err)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot open the ledger %s: %s", lpath,
                 fs_exists(lpath) ? err : strerror(errno));
        return EXIT_INTERNAL;
    }
    char subject[16];
    snprintf(subject, sizeof subject, "FY%d", rq->fiscal_year);
    rc = flow_signer_role(&sg, lg, subject, NULL, "budget_amend", &res->notes);
    if (rc == EXIT_OK) {
        ledger_budget_amend_req lr = {
            rq->fiscal_year, flow_signer_actor(&sg, &rq->actor), now, budget_amend_kind_name(kind),
            rq->amount_yen, rq->date ? rq->date : today, rq->reason,
            bl ? (ledger_budget){bl->fiscal_year, bl->line_id, bl->amount} : (ledger_budget){0}};
        ledger_budget_amend_res r;
        int st = ledger_budget_amend(lg, &lr, &r);
        res->event_seq = r.event_seq;
        memcpy(res->event_hash, r.event_hash, sizeof r.event_hash);
        res->current_before_yen = r.current_before_yen;
        res->current_after_yen = r.current_after_yen;
        res->committed_yen = r.committed_yen;
        if (st == LEDGER_OVER_BUDGET || st == LEDGER_NO_BUDGET_LINE) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "refused: %s", ledger_errmsg(lg));
            flow_refusal_note(&res->notes, lg, r.event_seq, r.event_hash);
            rc = EXIT_REFUSED;
        } else if (st != LEDGER_OK) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "cannot record the amendment: %s: %s",
                     ledger_strstatus(st), ledger_errmsg(lg));
            rc = st == LEDGER_BUSY ? EXIT_REFUSED : EXIT_INTERNAL;
        }
    }
    ledger_close(lg);
    return rc;
}

void flow_budget_amend_free(flow_budget_amend_res *res)
{
    flow_notes_free(&res->notes);
    rules_free(&res->rules);
    arena_release(&res->a);
}
