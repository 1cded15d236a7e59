/* approve_grant: the approval (決裁) of a fiscal year's grant decision
 * (交付決定), a nursery's 変更交付決定, or an amendment of the budget line
 * (docs/spec/12 §12.10) — an operator with the approve role who did not
 * draft it signs an "approve" event naming the event as recorded.  Until
 * then, once an operators file is in force, the event commits nothing
 * (src/ledger/decide_store.c counts approved or unsigned events only).
 * Not here: the separation of duties kept in the ledger's transaction
 * (src/ledger/approve_store.c), printing (src/cli/approve.c). */
#include "flow_int.h"

#include <string.h>

#include "kasan/flow_sign.h"

/* The event the request names among those awaiting approval. */
static const ledger_pending *target(const flow_approve_grant_req *rq, const ledger_pending *p,
                                    size_t n)
{
    const ledger_pending *found = NULL;
    for (size_t i = 0; i < n; i++) {
        const ledger_pending *x = &p[i];
        if (rq->budget_event_seq ? x->seq == rq->budget_event_seq &&
                                       !strcmp(x->action, "budget_amend")
            : rq->nursery_id ? !strcmp(x->action, "decide_amend") && x->nursery_id &&
                                   !strcmp(x->nursery_id, rq->nursery_id)
                             : !strcmp(x->action, "decide"))
            found = x; /* the latest */
    }
    return found;
}

static void say_nothing(const flow_approve_grant_req *rq, flow_notes *notes)
{
    if (rq->budget_event_seq)
        flow_say(notes, FLOW_NOTE_SAY, "event %lld is no amendment of FY%d's line awaiting "
                 "approval (kasan budget --fy %d lists what awaits it)",
                 (long long)rq->budget_event_seq, rq->fiscal_year, rq->fiscal_year);
    else if (rq->nursery_id)
        flow_say(notes, FLOW_NOTE_SAY, "no 変更交付決定 of %s in FY%d awaits approval",
                 rq->nursery_id, rq->fiscal_year);
    else
        flow_say(notes, FLOW_NOTE_SAY, "FY%d's grant decision does not await approval (not "
                 "recorded, recorded unsigned, or approved already)", rq->fiscal_year);
}

static int approve_in(const flow_approve_grant_req *rq, ledger *lg, flow_signer *s,
                      flow_approve_grant_res *res)
{
    ledger_pending *p;
    size_t n;
    if (ledger_pending_grants(lg, rq->fiscal_year, &res->a, &p, &n) != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    const ledger_pending *t = target(rq, p, n);
    if (!t) {
        say_nothing(rq, &res->notes);
        return EXIT_USAGE;
    }
    res->approved = *t;
    ledger_set_signer(lg, &s->ls);
    ledger_approve_res ar;
    int st = ledger_approve_grant(lg, t->seq, &ar);
    ledger_set_signer(lg, NULL);
    res->event_seq = ar.event_seq;
    memcpy(res->event_hash, ar.event_hash, sizeof ar.event_hash);
    if (st == LEDGER_DUTY || (st == LEDGER_ALREADY_FINALIZED && ar.refusal_code)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "approval refused: %s", ledger_errmsg(lg));
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
    return EXIT_OK;
}

int flow_approve_grant(const flow_approve_grant_req *rq, flow_approve_grant_res *res)
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
                 "a decision or amendment counts as recorded", rq->paths.rules);
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

void flow_approve_grant_free(flow_approve_grant_res *res)
{
    flow_notes_free(&res->notes);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}
