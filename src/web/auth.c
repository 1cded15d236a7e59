/* auth: the login of the web front-end — "login = your key" (issue 25, 23).
 *
 * An operator logs in with their operator id and the passphrase of their
 * key.  The operators file in force today under --rules (rules/README.md
 * §17) says who they are (name, post, roles) and which public key is
 * theirs; KEYS/ID.pem under --keys is decrypted with the passphrase
 * (sign_key_load: refused when others may read it) and must be that public
 * key's private half.  The decrypted key is handed to the session, which
 * holds it until logout or expiry and wipes it then (web_key_free); money
 * actions lend it to the procedures as flow_actor.key.
 *
 * What a guesser learns: an unknown id, an operator not in force, a
 * missing key file and a wrong passphrase all answer WEB_AUTH_DENIED after
 * the same work — the rules loaded, then one scrypt decryption (a decoy
 * key, encrypted at start under a random passphrase nobody knows, stands
 * in for a key that is not there).  Only a right passphrase for a key that
 * is not the operator's says so (WEB_AUTH_WRONG_KEY): its holder knows the
 * passphrase already.  Why a login failed goes to the server's log.
 *
 * The server does not start without an operators file in force
 * (web_auth_check_operators).  Not here: counting failures (limiter.c), the
 * session (session.c), the roles' meaning (src/core/duty.c). */
#include <openssl/crypto.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/clock.h"
#include "kasan/duty.h"
#include "kasan/flow.h"
#include "kasan/operators.h"
#include "kasan/sign.h"
#include "web_int.h"

struct web_key {
    sign_key *k;
};

static atomic_uint key_wipes;

void web_key_free(struct web_key *key)
{
    if (!key)
        return;
    sign_key_free(key->k); /* wipes */
    OPENSSL_cleanse(key, sizeof *key);
    free(key);
    atomic_fetch_add(&key_wipes, 1);
}

unsigned web_key_wipes(void)
{
    return atomic_load(&key_wipes);
}

struct web_key *web_key_from(struct sign_key *k)
{
    struct web_key *key = calloc(1, sizeof *key);
    if (!key) {
        sign_key_free(k);
        return NULL;
    }
    key->k = k;
    return key;
}

const struct sign_key *web_key_sign(const struct web_key *key)
{
    return key ? key->k : NULL;
}

const char *web_roles_ja(unsigned bits, char buf[64])
{
    static const duty_role all[] = {DUTY_DRAFT, DUTY_APPROVE, DUTY_PAY, DUTY_AUDIT};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (bits & all[i]) {
            if (buf[0])
                strcat(buf, "・");
            strcat(buf, duty_role_label(all[i]));
        }
    if (!buf[0])
        strcpy(buf, "なし");
    return buf;
}

/* ------------------------------------------------------------ at start */

web_status web_auth_check_operators(const web_config *cfg, char *err, size_t errlen)
{
    rule_set rs;
    flow_notes notes = {0};
    const char *dir = cfg->rules_dir ? cfg->rules_dir : "rules";
    int rc = flow_load_rules(dir, &rs, &notes);
    web_status st = WEB_OK;
    date_t today;
    if (rc != EXIT_OK) {
        snprintf(err, errlen, "%s (kasan check --rules %s says which)",
                 notes.n ? notes.v[notes.n - 1].text : "the rules do not load", dir);
        st = WEB_EINVALID;
    } else if (!clock_today(&today) || !rules_operators_in_force(&rs, today)) {
        snprintf(err, errlen, "no operators file is in force today under %s: the web front-end "
                 "needs operators, who log in with their own keys (kasan operator keygen --id "
                 "ID; their lines in %s/operators/YYYY-MM.yaml, rules/README.md §17)", dir, dir);
        st = WEB_EUSAGE;
    } else if (!cfg->keys_dir) {
        snprintf(err, errlen, "no keys directory (--keys DIR, $KASAN_KEYS or ~/.kasan/keys): "
                 "nobody could log in");
        st = WEB_EUSAGE;
    }
    flow_notes_free(&notes);
    rules_free(&rs);
    return st;
}

int web_auth_init(web_auth_ctx *ac, const web_config *cfg)
{
    memset(ac, 0, sizeof *ac);
    ac->cfg = cfg;
    sign_key *k = NULL;
    sign_secret pass;
    memset(&pass, 0, sizeof pass);
    char tok[WEB_TOKEN_HEX + 1];
    if (!web_token_new(tok) || sign_generate(&k) != SIGN_OK)
        return -1;
    memcpy(pass.s, tok, WEB_TOKEN_HEX);
    pass.len = WEB_TOKEN_HEX;
    OPENSSL_cleanse(tok, sizeof tok);
    sign_status st = sign_key_encrypt_pem(k, &pass, &ac->decoy_pem, &ac->decoy_len);
    sign_secret_wipe(&pass);
    sign_key_free(k);
    return st == SIGN_OK ? 0 : -1;
}

void web_auth_release(web_auth_ctx *ac)
{
    free(ac->decoy_pem);
    memset(ac, 0, sizeof *ac);
}

/* The decryption a real key would cost, for an id that has none. */
static void decoy_work(const web_auth_ctx *ac, const sign_secret *pass)
{
    sign_key *k = NULL;
    char detail[200];
    if (ac->decoy_pem &&
        sign_key_decrypt_pem(ac->decoy_pem, ac->decoy_len, pass, &k, detail, sizeof detail) ==
            SIGN_OK)
        sign_key_free(k); /* a random 256-bit passphrase: never */
}

web_auth web_auth_login(const web_auth_ctx *ac, const char *id, const char *passphrase,
                        web_operator *op, struct web_key **key, char *why, size_t whylen)
{
    *key = NULL;
    why[0] = '\0';
    const web_config *cfg = ac->cfg;
    size_t plen = strnlen(passphrase, SIGN_PASS_MAX + 1);
    if (plen > SIGN_PASS_MAX)
        plen = SIGN_PASS_MAX; /* the form allows no more (WEB_PASS_MAX) */
    sign_secret pass;
    memcpy(pass.s, passphrase, plen);
    pass.s[plen] = '\0';
    pass.len = plen;

    rule_set rs;
    flow_notes notes = {0};
    const char *dir = cfg->rules_dir ? cfg->rules_dir : "rules";
    int lrc = flow_load_rules(dir, &rs, &notes);
    flow_notes_free(&notes);
    web_auth rc = WEB_AUTH_DENIED;
    date_t today;
    const rule_operator *ro = NULL;
    if (lrc != EXIT_OK) {
        snprintf(why, whylen, "the rules under %s do not load (kasan check)", dir);
        rc = WEB_AUTH_ERROR;
    } else if (!clock_today(&today)) {
        snprintf(why, whylen, "the clock gives no date");
        rc = WEB_AUTH_ERROR;
    } else if (!rules_operators_in_force(&rs, today)) {
        snprintf(why, whylen, "no operators file is in force today under %s", dir);
        rc = WEB_AUTH_ERROR;
    } else if (!duty_id_valid(id) || !(ro = rules_operator_at(&rs, id, today))) {
        snprintf(why, whylen, "'%s' is no operator in force today", id);
    }
    if (rc == WEB_AUTH_ERROR || !ro) {
        decoy_work(ac, &pass);
        sign_secret_wipe(&pass);
        rules_free(&rs);
        return rc;
    }
    char *path = sign_key_path(cfg->keys_dir, ro->id);
    sign_key *k = NULL;
    char detail[SIGN_WHY_MAX];
    sign_status st = sign_key_load(path, &pass, &k, detail, sizeof detail);
    if (st == SIGN_ERR_IO) { /* no key file: the same work as a wrong passphrase */
        decoy_work(ac, &pass);
        snprintf(why, whylen, "%s", detail);
    } else if (st == SIGN_ERR_PASSPHRASE) {
        snprintf(why, whylen, "%s", detail);
    } else if (st != SIGN_OK) {
        snprintf(why, whylen, "%s", detail);
        rc = WEB_AUTH_ERROR; /* readable by others, not a key file: the keeper's to fix */
    } else {
        sign_public pub;
        sign_key_public(k, &pub);
        if (!sign_public_equal(&pub, &ro->key)) {
            char fp[SIGN_FP_LEN + 1];
            sign_fingerprint(&pub, fp);
            snprintf(why, whylen, "%s (%s) is not the key of operator %s in the operators file "
                     "in force (%s)", path, fp, ro->id, ro->fingerprint);
            rc = WEB_AUTH_WRONG_KEY;
        } else if (!(*key = web_key_from(k))) {
            k = NULL; /* freed by web_key_from */
            snprintf(why, whylen, "out of memory");
            rc = WEB_AUTH_ERROR;
        } else {
            k = NULL;
            memset(op, 0, sizeof *op);
            snprintf(op->id, sizeof op->id, "%s", ro->id);
            snprintf(op->name, sizeof op->name, "%s", ro->name ? ro->name : ro->id);
            snprintf(op->post, sizeof op->post, "%s", ro->post ? ro->post : "");
            op->roles = ro->roles;
            rc = WEB_AUTH_OK;
        }
    }
    sign_key_free(k);
    free(path);
    sign_secret_wipe(&pass);
    rules_free(&rs);
    return rc;
}
