/* sign: an event signed as it is appended (ledger_int.h 6., ledger_sign.h).
 * ledger_chain_append calls in twice while the handle has a signer: before
 * the row, to check the signer against the event and give the payload its
 * signer object (and store the operators file it names as a blob); after
 * the row, to sign the event's content, check the signature right away and
 * store it beside the event.  Not here: who may sign (src/flow/signer.c,
 * from the operators file), the separation of one run's steps
 * (approve_store.c), verification against the operators in force
 * (src/flow/signatures.c), Ed25519 itself (src/core/sign.c). */
#include <assert.h>
#include <string.h>

#include "ledger_int.h"
#include "kasan/duty.h"

void ledger_set_signer(ledger *lg, const ledger_signer *s) { lg->signer = s; }

/* Event kinds and the role their signer uses (SPEC 10.1): what a run, a
 * settlement and their corrections are drafted with, approved with, paid
 * with.  An event kind added later that commits or moves money gets its
 * line here (a grant decision or a budget amendment is drafted: draft). */
static const struct {
    const char *action;
    unsigned role;
} action_roles[] = {
    {"finalize", DUTY_DRAFT},         {"supersede", DUTY_DRAFT},
    {"settle", DUTY_DRAFT},           {"settle_supersede", DUTY_DRAFT},
    {"approve", DUTY_APPROVE},        {"transfer", DUTY_PAY},
    {"decide", DUTY_DRAFT},           {"decide_amend", DUTY_DRAFT},
    {"budget_amend", DUTY_DRAFT},     {"over_decision", DUTY_DRAFT},
    {"after_settlement", DUTY_DRAFT}, {"refund_receipt", DUTY_PAY},
};

unsigned ledger_action_role(const char *action)
{
    for (size_t i = 0; i < sizeof action_roles / sizeof action_roles[0]; i++)
        if (!strcmp(action_roles[i].action, action))
            return action_roles[i].role;
    return 0;
}

static bool id_text(const char *s) { return s && *s && ledger_utf8_valid(s); }

int ledger_sign_payload(ledger *lg, const char *actor, const char *action, const char *payload,
                        strbuf *out)
{
    const ledger_signer *s = lg->signer;
    duty_role role;
    if (!s->key || !id_text(s->operator_id) || !duty_id_valid(s->operator_id) || !s->role ||
        !duty_role_parse(s->role, &role) || !s->via ||
        (strcmp(s->via, "cli") && strcmp(s->via, "web")) || !id_text(s->operators_name) ||
        !s->operators_data || !s->operators_sha256 ||
        strlen(s->operators_sha256) != SHA256_HEX_LEN)
        return ledger_fail(lg, LEDGER_INVALID, "signing: the signer is incomplete");
    /* a signed event is the operator's: its actor is their id */
    if (!actor || strcmp(actor, s->operator_id))
        return ledger_fail(lg, LEDGER_INVALID, "signing: the event's actor '%s' is not the "
                           "signing operator '%s'", actor ? actor : "", s->operator_id);
    unsigned need = ledger_action_role(action);
    if (need && need != (unsigned)role)
        return ledger_fail(lg, LEDGER_INVALID, "signing: a '%s' event is signed in the %s role, "
                           "not %s", action, duty_role_name((duty_role)need), s->role);
    /* a refusal records an attempt, whatever the roles; anything else is
     * done in a role the operator holds */
    if (strcmp(action, "refuse") && !(s->roles & (unsigned)role))
        return ledger_fail(lg, LEDGER_DUTY, "operator %s has not the %s role (%s)",
                           s->operator_id, s->role, duty_role_label(role));
    ledger_file f = {"operators", s->operators_name, s->operators_data, s->operators_len,
                     s->operators_sha256};
    char sha[SHA256_HEX_LEN + 1];
    hash_sha256_hex(s->operators_data, s->operators_len, sha);
    if (strcmp(sha, s->operators_sha256))
        return ledger_fail(lg, LEDGER_INVALID, "signing: %s does not match its SHA-256",
                           s->operators_name);
    int rc = ledger_blob_put(lg, &f);
    if (rc)
        return rc;
    sign_public pub;
    char fp[SIGN_FP_LEN + 1];
    sign_key_public(s->key, &pub);
    sign_fingerprint(&pub, fp);
    strbuf obj;
    sb_init(&obj);
    ledger_json j;
    ledger_json_start(&j, &obj);
    ledger_json_open(&j, '{');
    ledger_json_kv_text(&j, "key", fp);
    ledger_json_kv_text(&j, "operator", s->operator_id);
    ledger_json_kv_text(&j, "operators_file", s->operators_name);
    ledger_json_kv_text(&j, "operators_sha256", s->operators_sha256);
    ledger_json_kv_text(&j, "role", s->role);
    ledger_json_kv_text(&j, "via", s->via);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
    bool put = ledger_json_put(payload, "signer", obj.buf, out);
    sb_release(&obj);
    /* every payload builder writes an object without "signer" */
    assert(put);
    return put ? LEDGER_OK : ledger_fail(lg, LEDGER_INVALID, "signing: payload not an object");
}

int ledger_sign_store(ledger *lg, int64_t seq, const char *content, size_t len)
{
    const ledger_signer *s = lg->signer;
    uint8_t sig[SIGN_SIG_BYTES];
    if (sign_bytes(s->key, "event", content, len, sig) != SIGN_OK)
        return ledger_fail(lg, LEDGER_IO, "signing: libcrypto could not sign event %lld",
                           (long long)seq);
    /* STYLE: a signature verifies right after it is made */
    sign_public pub;
    sign_key_public(s->key, &pub);
    bool good = sign_verify(&pub, "event", content, len, sig);
    assert(good);
    if (!good)
        return ledger_fail(lg, LEDGER_IO, "signing: the signature of event %lld does not verify",
                           (long long)seq);
    char text[SIGN_SIG_TEXT_LEN + 1];
    sign_sig_text(sig, text);
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "INSERT INTO signatures(seq, sig) VALUES (?, ?)", &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    ledger_bind_text(st, 2, text);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: storing the signature");
    sqlite3_finalize(st);
    return rc;
}
