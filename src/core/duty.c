/* duty: roles, the role each action needs, and the separation rules of one
 * run (the table is in include/kasan/duty.h).  Pure: no I/O, no clock.  Not
 * here: the operators file (src/rules/load_operators.c), signatures (sign.c). */
#include "kasan/duty.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
    duty_role role;
    const char *name, *label;
} roles[] = {
    {DUTY_DRAFT, "draft", "起案"},
    {DUTY_APPROVE, "approve", "決裁"},
    {DUTY_PAY, "pay", "振込"},
    {DUTY_AUDIT, "audit", "監査"},
};

const char *duty_role_name(duty_role r)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].role == r)
            return roles[i].name;
    return "?";
}

const char *duty_role_label(duty_role r)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].role == r)
            return roles[i].label;
    return "?";
}

bool duty_role_parse(const char *s, duty_role *out)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (!strcmp(s, roles[i].name)) {
            *out = roles[i].role;
            return true;
        }
    return false;
}

static const struct {
    duty_action action;
    duty_role role;
    const char *name, *what; /* what: the action in a sentence */
} actions[] = {
    {DUTY_RUN, DUTY_DRAFT, "run", "running a month"},
    {DUTY_FINALIZE, DUTY_DRAFT, "finalize", "finalizing a month"},
    {DUTY_CORRECT, DUTY_DRAFT, "correct", "a correction (修正)"},
    {DUTY_SETTLE, DUTY_DRAFT, "settle", "a settlement (精算)"},
    {DUTY_INTAKE, DUTY_DRAFT, "intake", "reading claim forms in"},
    {DUTY_APPROVE_RUN, DUTY_APPROVE, "approve", "approving a run (決裁)"},
    {DUTY_TRANSFER, DUTY_PAY, "transfer", "making a transfer file (振込)"},
    {DUTY_CHECKPOINT, DUTY_AUDIT, "checkpoint", "writing an audit checkpoint"},
};

static size_t action_index(duty_action a)
{
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (actions[i].action == a)
            return i;
    assert(!"unknown duty_action");
    return 0;
}

duty_role duty_role_for(duty_action a) { return actions[action_index(a)].role; }

const char *duty_action_name(duty_action a) { return actions[action_index(a)].name; }

const char *duty_code(duty_verdict v)
{
    switch (v) {
    case DUTY_OK: return "ok";
    case DUTY_LACKS_ROLE: return "lacks_role";
    case DUTY_NO_DRAFTER: return "no_signed_draft";
    case DUTY_OWN_DRAFT: return "own_draft";
    case DUTY_NOT_APPROVED: return "not_approved";
    case DUTY_DRAFTER_PAYS: return "drafter_pays";
    case DUTY_APPROVER_PAYS: return "approver_pays";
    }
    return "?";
}

bool duty_id_same(const char *a, const char *b) { return a && b && !strcasecmp(a, b); }

bool duty_id_valid(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > DUTY_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.')))
            return false;
    }
    return true;
}

#define SAY(...) (cap ? (void)snprintf(msg, cap, __VA_ARGS__) : (void)0)

duty_verdict duty_check(const duty_request *rq, char *msg, size_t cap)
{
    assert(rq->actor);
    size_t ai = action_index(rq->action);
    duty_role need = actions[ai].role;
    if (cap)
        msg[0] = '\0';
    if (!(rq->roles & need)) {
        SAY("operator %s has not the %s role (%s) that %s needs", rq->actor,
            duty_role_name(need), duty_role_label(need), actions[ai].what);
        return DUTY_LACKS_ROLE;
    }
    if (rq->action == DUTY_APPROVE_RUN) {
        if (!rq->drafter) {
            SAY("the run was not finalized by a signing operator: who drafted it cannot be told "
                "apart from %s, so it cannot be approved", rq->actor);
            return DUTY_NO_DRAFTER;
        }
        if (duty_id_same(rq->drafter, rq->actor)) {
            SAY("%s drafted (finalized) this run: its approval (決裁) must be someone else's",
                rq->actor);
            return DUTY_OWN_DRAFT;
        }
    }
    if (rq->action == DUTY_TRANSFER) {
        if (!rq->approver) {
            SAY("the run has not been approved (決裁): a transfer file is made only after an "
                "operator with the approve role approves it");
            return DUTY_NOT_APPROVED;
        }
        if (!rq->drafter) {
            SAY("the run was not finalized by a signing operator: who drafted it cannot be told "
                "apart from %s", rq->actor);
            return DUTY_NO_DRAFTER;
        }
        if (duty_id_same(rq->drafter, rq->actor)) {
            SAY("%s drafted (finalized) this run: its transfer file (振込) must be made by "
                "someone who neither drafted nor approved it", rq->actor);
            return DUTY_DRAFTER_PAYS;
        }
        if (duty_id_same(rq->approver, rq->actor)) {
            SAY("%s approved this run: its transfer file (振込) must be made by someone who "
                "neither drafted nor approved it", rq->actor);
            return DUTY_APPROVER_PAYS;
        }
    }
    return DUTY_OK;
}
