/* year_status: the fiscal year at a glance — for each month, where it
 * stands in the monthly routine (claims in, 試算, 確定・起案, 決裁, 振込), the
 * next step and the operators in force who may take it.  Read from what is
 * cheap to read however large a month is: a few stat(2) calls per month,
 * the year's runs without their payments (ledger_fy_runs), the transfer
 * events, who signed each current run (ledger_run_signoffs: 起案, 決裁),
 * and the operators file in force today.  Who may take the next step keeps
 * the separation of duties as duty_check does: 決裁 not by the run's
 * drafter, its transfer file by neither its drafter nor its approver.
 * Not here: any change (the procedures), the roles (src/core/duty.c). */
#include "flow_int.h"

#include <stdlib.h>
#include <string.h>

#include "kasan/clock.h"
#include "kasan/flow_view.h"
#include "kasan/fsutil.h"
#include "kasan/ledger_sign.h"

unsigned flow_step_role(flow_step s)
{
    switch (s) {
    case FLOW_STEP_INTAKE: return duty_role_for(DUTY_INTAKE);
    case FLOW_STEP_DRAFT: return duty_role_for(DUTY_RUN);
    case FLOW_STEP_FINALIZE: return duty_role_for(DUTY_FINALIZE);
    case FLOW_STEP_APPROVE: return duty_role_for(DUTY_APPROVE_RUN);
    case FLOW_STEP_TRANSFER: return duty_role_for(DUTY_TRANSFER);
    case FLOW_STEP_NONE:
    case FLOW_STEP_DONE: break;
    }
    return 0;
}

static flow_step next_step(const flow_month_status *m)
{
    if (m->run) {
        if (m->transfer)
            return FLOW_STEP_DONE;
        /* a signed draft is approved before its transfer file (transfer.c's
         * transfer_duty); an unsigned one, from before the operators, is not */
        return m->signed_draft && !m->approved ? FLOW_STEP_APPROVE : FLOW_STEP_TRANSFER;
    }
    if (m->draft)
        return FLOW_STEP_FINALIZE;
    if (m->claims)
        return FLOW_STEP_DRAFT;
    return m->begun ? FLOW_STEP_INTAKE : FLOW_STEP_NONE;
}

/* Whether op is kept from m's next step by the separation of duties. */
static bool kept_apart(const flow_month_status *m, const rule_operator *op)
{
    if (m->next == FLOW_STEP_APPROVE)
        return m->drafter && duty_id_same(op->id, m->drafter);
    if (m->next == FLOW_STEP_TRANSFER && m->signed_draft)
        return (m->drafter && duty_id_same(op->id, m->drafter)) ||
               (m->approver && duty_id_same(op->id, m->approver));
    return false;
}

/* The operators in force on day with a role of roles, into m->who. */
static void who_may(flow_month_status *m, const rule_set *rs, date_t day, unsigned roles,
                    arena *a)
{
    const rule_operators *v = roles ? rules_operators_in_force(rs, day) : NULL;
    if (!v)
        return;
    m->who = arena_alloc(a, (v->n_ops ? v->n_ops : 1) * sizeof *m->who);
    for (size_t i = 0; i < v->n_ops; i++) {
        const rule_operator *op = &v->ops[i];
        if ((op->roles & roles) && op->valid_from <= day &&
            (op->valid_to == DATE_OPEN || day <= op->valid_to) && !kept_apart(m, op))
            m->who[m->n_who++] = op;
    }
}

/* Who finalized m's current run and who approved it (ledger_sign.h). */
static int signoffs(ledger *lg, flow_month_status *m, const char *mon, arena *a)
{
    ledger_signoffs so;
    if (ledger_run_signoffs(lg, mon, 0, m->run->run_id, a, &so) != LEDGER_OK)
        return -1;
    m->drafter = so.drafted.operator_id;
    m->signed_draft = m->drafter != NULL;
    m->approved = so.approved.seq != 0;
    m->approver = so.approved.operator_id;
    return 0;
}

int flow_year_status_read(const flow_year_status_req *rq, flow_year_status *out)
{
    memset(out, 0, sizeof *out);
    flow_notes *notes = &out->notes;
    arena *a = &out->a;
    ledger *lg = NULL;
    char err[512];
    int st = ledger_open(flow_ledger_path(&rq->paths, a), false, &lg, err, sizeof err);
    if (st != LEDGER_OK && st != LEDGER_NOT_FOUND) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot open the ledger: %s", err);
        return EXIT_INTERNAL;
    }
    int fy = out->fiscal_year = rq->fiscal_year ? rq->fiscal_year : flow_fy_default(lg);
    ledger_run_head *runs = NULL;
    ledger_transfer *tr = NULL;
    size_t n_runs = 0, n_tr = 0;
    if (lg && (ledger_fy_runs(lg, fy, a, &runs, &n_runs) != LEDGER_OK ||
               ledger_transfers(lg, a, &tr, &n_tr) != LEDGER_OK)) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot read the ledger: %s", ledger_errmsg(lg));
        ledger_close(lg);
        return EXIT_INTERNAL;
    }
    diag_list d = DIAG_LIST_INIT;
    bool have_rules = rules_load_dir(rq->paths.rules, &out->rules, &d) == 0;
    if (!have_rules)
        flow_say(notes, FLOW_NOTE_SAY, "the rules under %s do not load (kasan check --rules %s): "
                 "who may act is not known", rq->paths.rules, rq->paths.rules);
    diag_release(&d);
    date_t today = 0;
    bool dated = clock_today(&today);
    out->approvals = have_rules && dated && rules_operators_in_force(&out->rules, today);
    int rc = EXIT_OK;
    for (int i = 0; i < 12; i++) {
        flow_month_status *m = &out->months[i];
        m->month = month_of_fiscal(fy, i);
        char mon[8];
        month_format(m->month, mon);
        m->begun = !dated || month_first_day(m->month) <= today;
        m->claims = fs_exists(arena_printf(a, "%s/claims/%s/children.csv", rq->paths.data, mon));
        for (size_t k = 0; k < n_runs; k++)
            if (!strcmp(runs[k].month, mon)) {
                m->n_runs++;
                if (runs[k].current)
                    m->run = &runs[k];
            }
        if (m->run && signoffs(lg, m, mon, a) != 0) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot read who signed %s: %s", mon,
                     ledger_errmsg(lg));
            rc = EXIT_INTERNAL;
            break;
        }
        out->approvals |= m->signed_draft;
        for (size_t k = 0; k < n_tr; k++)
            if (tr[k].month && !strcmp(tr[k].month, mon)) {
                m->n_transfers++;
                if (m->run && tr[k].run_id && !strcmp(tr[k].run_id, m->run->run_id))
                    m->transfer = &tr[k]; /* oldest first: the latest wins */
            }
        if (flow_month_has_outputs(&rq->paths, mon, a)) {
            char *published = flow_read_run_id(flow_marker_path(&rq->paths, mon, a));
            m->draft = !m->run || !published || strcmp(published, m->run->run_id) != 0;
            free(published);
        }
        m->next = next_step(m);
        if (have_rules && dated)
            who_may(m, &out->rules, today, flow_step_role(m->next), a);
    }
    ledger_close(lg);
    return rc;
}

void flow_year_status_free(flow_year_status *ys)
{
    flow_notes_free(&ys->notes);
    rules_free(&ys->rules);
    arena_release(&ys->a);
}
