/* actor: who acts — whether an operator in force may take an action (the
 * role duty.h gives it), and whether a month has begun — checked before a
 * procedure is called, so a refusal here records nothing.  The operators
 * file in force today is the one rules_operators_in_force finds under the
 * rules loaded for the action.  Not here: the separation rules of one run
 * and signatures (issue 23: the event-append point), the roles themselves
 * (src/core/duty.c), the operators file (src/rules). */
#include "flow_int.h"

#include "kasan/clock.h"
#include "kasan/flow_view.h"

int flow_actor_may(const rule_set *rs, const flow_actor *actor, duty_action a,
                   flow_notes *notes)
{
    date_t today;
    if (!clock_today(&today)) {
        flow_say(notes, FLOW_NOTE_SAY, "the clock gives no date: who may act cannot be told");
        return EXIT_REFUSED;
    }
    if (!actor->operator_id || !rules_operators_in_force(rs, today)) {
        flow_say(notes, FLOW_NOTE_SAY, "no operators file is in force today: nobody may act "
                 "through a front-end that needs operators");
        return EXIT_REFUSED;
    }
    const rule_operator *op = rules_operator_at(rs, actor->operator_id, today);
    if (!op) {
        flow_say(notes, FLOW_NOTE_SAY, "operator %s is not in force today in the operators "
                 "file", actor->operator_id);
        return EXIT_REFUSED;
    }
    char msg[512];
    duty_request dr = {.action = a, .actor = op->id, .roles = op->roles};
    /* only the role: the drafter and approver of a run are the ledger's to
     * tell (issue 23), so a verdict about them is not this check's */
    if (duty_check(&dr, msg, sizeof msg) == DUTY_LACKS_ROLE) {
        flow_say(notes, FLOW_NOTE_SAY, "%s", msg);
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}

bool flow_month_begun(claim_month m, const char *what, flow_notes *notes)
{
    date_t today;
    if (!clock_today(&today) || month_first_day(m) <= today)
        return true;
    char mon[8], day[11];
    month_format(m, mon);
    date_format_iso(today, day);
    flow_say(notes, FLOW_NOTE_SAY, "%s has not begun (today is %s): nothing to %s yet", mon, day,
             what);
    return false;
}
