/* signer: who acts on the ward's money (SPEC 10.1) — the operator given by
 * the front-end checked against the operators file in force today: that
 * they are in force, that the key the front-end loaded is theirs, and that
 * they hold the role the action needs (a refusal recorded, signed); then
 * the ledger_signer every event of the procedure is signed with.  Also the
 * operators files alone under a rules directory, for the procedures that
 * read no other rule.  Not here: asking for a passphrase or loading a key
 * file (the front-end: src/cli/signer.c, src/web/auth.c), the separation of
 * one run's steps (src/ledger/approve_store.c, duty.c), signing itself
 * (src/ledger/sign.c). */
#include "flow_int.h"

#include <assert.h>
#include <string.h>

#include "kasan/clock.h"
#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"

static date_t today(void)
{
    date_t d;
    if (!clock_today(&d)) {
        char now[32];
        clock_now_iso(now);
        date_parse_iso(now, 10, &d);
    }
    return d;
}

/* Why id is not in force on day: revoked (listed earlier, not now), not yet
 * or no longer valid, or never listed. */
static void not_in_force(const rule_set *rs, const rule_operators *v, const char *id, date_t day,
                         flow_notes *notes)
{
    char iso[11], from[11], to[11];
    date_format_iso(day, iso);
    for (size_t i = 0; i < v->n_ops; i++)
        if (duty_id_same(v->ops[i].id, id)) {
            date_format_iso(v->ops[i].valid_from, from);
            if (v->ops[i].valid_to != DATE_OPEN)
                date_format_iso(v->ops[i].valid_to, to);
            else
                snprintf(to, sizeof to, "-");
            flow_say(notes, FLOW_NOTE_SAY, "operator %s may act from %s to %s in %s, not on %s: "
                     "nothing was done", id, from, to, v->file->name, iso);
            return;
        }
    for (size_t k = 0; k < rs->n_operators; k++)
        for (size_t i = 0; i < rs->operators[k].n_ops; i++)
            if (duty_id_same(rs->operators[k].ops[i].id, id)) {
                flow_say(notes, FLOW_NOTE_SAY, "operator %s is not in the operators file in "
                         "force on %s (%s): revoked, so their key is no longer accepted; "
                         "nothing was done", id, iso, v->file->name);
                return;
            }
    flow_say(notes, FLOW_NOTE_SAY, "no operator %s in the operators file in force on %s (%s): "
             "nothing was done", id, iso, v->file->name);
}

int flow_signer_begin(const rule_set *rs, const flow_actor *actor, duty_action action,
                      flow_signer *s, flow_notes *notes)
{
    memset(s, 0, sizeof *s);
    s->action = action;
    s->day = today();
    const rule_operators *v = rules_operators_in_force(rs, s->day);
    const char *id = actor->operator_id;
    char iso[11];
    date_format_iso(s->day, iso);
    if (!v && !id)
        return EXIT_OK; /* no operators file in force: unsigned, as before SPEC 10.1 */
    if (!v) {
        flow_say(notes, FLOW_NOTE_SAY, "no operators file (kind: operators) is in force on %s in "
                 "the rules: --operator %s cannot be checked.  Without one kasan works unsigned: "
                 "leave out --operator (and KASAN_OPERATOR)", iso, id);
        return EXIT_USAGE;
    }
    if (!id || !actor->key) {
        flow_say(notes, FLOW_NOTE_SAY, "an operators file is in force (%s, version %s): %s is "
                 "signed by an operator.  Give --operator ID (or KASAN_OPERATOR) with your key; "
                 "nothing was done", v->file->name, v->version, duty_action_name(action));
        return EXIT_REFUSED;
    }
    const rule_operator *op = rules_operator_at(rs, id, s->day);
    if (!op) {
        not_in_force(rs, v, id, s->day, notes);
        return EXIT_REFUSED;
    }
    sign_public pub;
    char fp[SIGN_FP_LEN + 1];
    sign_key_public(actor->key, &pub);
    if (!sign_public_equal(&pub, &op->key)) {
        sign_fingerprint(&pub, fp);
        flow_say(notes, FLOW_NOTE_SAY, "the key loaded (%s) is not operator %s's: %s lists %s "
                 "for them; nothing was done", fp, op->id, v->file->name, op->fingerprint);
        return EXIT_REFUSED;
    }
    const char *via = actor->via ? actor->via : "cli";
    if (strcmp(via, "cli") && strcmp(via, "web")) {
        flow_say(notes, FLOW_NOTE_SAY, "internal error: front-end '%s'", via);
        return EXIT_INTERNAL;
    }
    s->active = true;
    s->op = op;
    s->version = v;
    s->ls = (ledger_signer){
        .operator_id = op->id,
        .role = duty_role_name(duty_role_for(action)),
        .roles = op->roles,
        .via = via,
        .key = actor->key,
        .operators_name = v->file->name,
        .operators_data = v->file->data,
        .operators_len = v->file->len,
        .operators_sha256 = v->file->sha256,
    };
    return EXIT_OK;
}

int flow_signer_role(const flow_signer *s, ledger *lg, const char *subject, const char *run_id,
                     const char *requested, flow_notes *notes)
{
    if (!s->active)
        return EXIT_OK;
    ledger_set_signer(lg, &s->ls);
    duty_role need = duty_role_for(s->action);
    if (s->op->roles & need)
        return EXIT_OK;
    char why[512];
    duty_request dr = {s->action, s->op->id, s->op->roles, NULL, NULL};
    duty_verdict v = duty_check(&dr, why, sizeof why);
    assert(v == DUTY_LACKS_ROLE);
    flow_say(notes, FLOW_NOTE_SAY, "%s (%s lists their roles); nothing was done", why,
             s->version->file->name);
    ledger_refusal r = {subject, run_id, s->op->id, duty_code(v), why, requested};
    int64_t seq = 0;
    char hash[SHA256_HEX_LEN + 1] = "";
    if (ledger_refuse(lg, &r, &seq, hash) != LEDGER_OK)
        seq = 0;
    flow_refusal_note(notes, lg, seq, hash);
    return EXIT_REFUSED;
}

const char *flow_signer_actor(const flow_signer *s, const flow_actor *actor)
{
    return s->active ? s->op->id : actor->name;
}

int flow_load_operators(const char *dir, rule_set *rs, flow_notes *notes)
{
    memset(rs, 0, sizeof *rs);
    if (!dir || !fs_is_dir(dir))
        return EXIT_OK; /* no rules there: no operators file in force */
    rule_set all;
    diag_list ignored = DIAG_LIST_INIT;
    rules_load_dir(dir, &all, &ignored); /* other rule files' problems are not ours here */
    diag_release(&ignored);
    rule_file *files = arena_calloc(&all.a, all.n_operators + 1, sizeof *files);
    size_t n = 0;
    for (size_t i = 0; i < all.n_operators; i++)
        files[n++] = *all.operators[i].file;
    diag_list d = DIAG_LIST_INIT;
    int rc = n && rules_load_operators(files, n, rs, &d) != 0 ? EXIT_INVALID : EXIT_OK;
    flow_say_diags(notes, &d);
    diag_release(&d);
    if (rc)
        flow_say(notes, FLOW_NOTE_KASAN, "the operators files under %s have problems (kasan "
                 "check); nothing was done", dir);
    rules_free(&all);
    return rc;
}
