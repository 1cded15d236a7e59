/* refuse: refusals recorded in the audit trail (SPEC 1.4) — a "refuse"
 * event for a finalization, a settlement or a transfer file refused, and
 * the refusal code of a ledger status.  Not here: deciding to refuse (the
 * budget checks in store.c and settle_store.c; the flow's own refusals),
 * the chain itself (chain.c). */
#include "ledger_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/clock.h"
#include "kasan/date.h"

static bool code_valid(const char *c)
{
    if (!c || !*c)
        return false;
    for (; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
            return false;
    return true;
}

static int refusal_tx(ledger *lg, const ledger_refusal *r, const char *payload, int64_t *seq_out,
                      char hash_out[SHA256_HEX_LEN + 1])
{
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], now[32], hash[SHA256_HEX_LEN + 1];
    int rc = ledger_chain_head(lg, &seq, prev);
    if (rc)
        return rc;
    clock_now_iso(now);
    rc = ledger_chain_append(lg, ++seq, prev, now, r->actor, "refuse", payload, hash);
    if (!rc && seq_out)
        *seq_out = seq;
    if (!rc && hash_out)
        memcpy(hash_out, hash, sizeof hash);
    return rc;
}

/* "2025-05" → "month":"2025-05"; "FY2025" → "fiscal_year":2025. */
static bool subject_json(const char *subject, ledger_json *j)
{
    claim_month m;
    if (subject && month_parse(subject, &m)) {
        ledger_json_kv_text(j, "month", subject);
        return true;
    }
    if (!subject || strncmp(subject, "FY", 2) != 0 || strlen(subject) != 6)
        return false;
    for (int i = 2; i < 6; i++)
        if (subject[i] < '0' || subject[i] > '9')
            return false;
    ledger_json_kv_number(j, "fiscal_year", atoi(subject + 2));
    return true;
}

int ledger_refuse(ledger *lg, const ledger_refusal *r, int64_t *seq,
                  char hash[SHA256_HEX_LEN + 1])
{
    const char *requested = r->requested ? r->requested : "finalize";
    if (!code_valid(r->code))
        return ledger_fail(lg, LEDGER_INVALID, "refusal: code must be lower-case letters and '_'");
    if (!code_valid(requested))
        return ledger_fail(lg, LEDGER_INVALID,
                           "refusal: requested must be lower-case letters and '_'");
    int rc = ledger_check_text(lg, "actor", r->actor);
    if (!rc) rc = ledger_check_text(lg, "refusal reason", r->reason);
    if (!rc && r->run_id) rc = ledger_check_text(lg, "run_id", r->run_id);
    if (rc)
        return rc;
    /* the payload of ledger_int.h's description, 3. */
    strbuf p;
    sb_init(&p);
    ledger_json j;
    ledger_json_start(&j, &p);
    ledger_json_open(&j, '{');
    ledger_json_kv_text(&j, "code", r->code);
    if (!subject_json(r->subject, &j)) {
        sb_release(&p);
        return ledger_fail(lg, LEDGER_INVALID, "refusal: subject must be YYYY-MM or FYYYYY");
    }
    ledger_json_kv_text(&j, "reason", r->reason);
    ledger_json_kv_text(&j, "requested", requested);
    ledger_json_kv_text(&j, "run_id", r->run_id);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
    if (!(rc = ledger_tx_begin(lg, true)))
        rc = ledger_tx_end(lg, refusal_tx(lg, r, p.buf, seq, hash));
    sb_release(&p);
    return rc;
}

/* The refusal code of a finalize status, NULL if the status is no refusal
 * (success, a malformed request, a busy or broken ledger). */
const char *ledger_refusal_code(int status)
{
    switch (status) {
    case LEDGER_ALREADY_FINALIZED: return "already_finalized";
    case LEDGER_NOTHING_TO_SUPERSEDE: return "nothing_to_supersede";
    case LEDGER_OVER_BUDGET: return "over_budget";
    case LEDGER_NO_BUDGET_LINE: return "no_budget_line";
    case LEDGER_OVER_DECISION: return "over_decision";
    case LEDGER_NO_DECISION: return "no_decision";
    case LEDGER_STALE: return "months_changed";
    case LEDGER_SETTLED: return "after_settlement";
    case LEDGER_AWAITING_APPROVAL: return "awaiting_approval";
    default: return NULL;
    }
}

int ledger_record_refusal(ledger *lg, ledger_refusal *r, int status, int64_t *seq,
                          char hash[SHA256_HEX_LEN + 1])
{
    char why[sizeof lg->err];
    snprintf(why, sizeof why, "%s", lg->err);
    r->reason = why;
    if (ledger_refuse(lg, r, seq, hash) == LEDGER_OK) {
        snprintf(lg->err, sizeof lg->err, "%s", why);
        return status;
    }
    char failed[sizeof lg->err];
    snprintf(failed, sizeof failed, "%s", lg->err);
    *seq = 0;
    hash[0] = '\0';
    return ledger_fail(lg, status, "%.200s (and the refusal could not be recorded in the audit "
                                   "trail: %.200s)", why, failed);
}

