/* test_signed: signed events and the separation of duties at the ledger
 * level (issue 23, ledger_sign.h) — every event appended under a signer
 * carries the signer object and a signature over its hashed content that
 * verifies under the signer's key and no other; the signer must be the
 * event's actor and hold the role the kind needs; an approval is refused to
 * the drafter, to an unsigned draft, twice, and when what was shown is no
 * longer current; a signed transfer file is refused before the approval
 * and to the drafter and the approver; refusals are signed events; the
 * canonical JSON's member put/take; a version-1 ledger upgraded on open.
 * Keys: RFC 8032's public test vectors (nobody's), from their seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "kasan/duty.h"
#include "kasan/fsutil.h"
#include "kasan/hash.h"
#include "kasan/ledger.h"
#include "kasan/ledger_sign.h"
#include "kasan/ledger_transfer.h"
#include "kasan/sign.h"
#include "../../src/ledger/ledger_int.h"

/* ---- fixtures ---------------------------------------------------------- */

/* RFC 8032 7.1 TEST 1, 2, 3 seeds: test keys, nobody's. */
static const char *const seeds[3] = {
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"};

static sign_key *test_key(int i)
{
    uint8_t seed[32];
    for (int k = 0; k < 32; k++) {
        unsigned v;
        sscanf(seeds[i] + 2 * k, "%2x", &v);
        seed[k] = (uint8_t)v;
    }
    sign_key *key;
    assert_int_equal(sign_key_from_seed(seed, &key), SIGN_OK);
    return key;
}

/* The ledger only stores the operators file's bytes and names their hash;
 * what they say is checked above it (src/flow). */
static const char operators_yaml[] = "kind: operators\nversion: \"2025-04\"\n";
static char operators_sha[SHA256_HEX_LEN + 1];

typedef struct world {
    char dir[64], path[128];
    ledger *lg;
    sign_key *key[3];           /* tanaka, sato, suzuki */
    ledger_signer s[3];
} world;

static ledger_signer signer(const char *id, const char *role, unsigned roles, const sign_key *k)
{
    return (ledger_signer){id, role, roles, "cli", k, "operators/2025-04.yaml", operators_yaml,
                           sizeof operators_yaml - 1, operators_sha};
}

static int setup(void **state)
{
    world *w = calloc(1, sizeof *w);
    snprintf(w->dir, sizeof w->dir, "/tmp/kasan-signed-XXXXXX");
    assert_non_null(mkdtemp(w->dir));
    snprintf(w->path, sizeof w->path, "%s/ledger.sqlite", w->dir);
    char err[256];
    assert_int_equal(ledger_open(w->path, true, &w->lg, err, sizeof err), LEDGER_OK);
    hash_sha256_hex(operators_yaml, sizeof operators_yaml - 1, operators_sha);
    for (int i = 0; i < 3; i++)
        w->key[i] = test_key(i);
    w->s[0] = signer("tanaka", "draft", DUTY_DRAFT | DUTY_PAY, w->key[0]);
    w->s[1] = signer("sato", "approve", DUTY_APPROVE | DUTY_PAY, w->key[1]);
    w->s[2] = signer("suzuki", "pay", DUTY_PAY, w->key[2]);
    *state = w;
    return 0;
}

static int teardown(void **state)
{
    world *w = *state;
    ledger_close(w->lg);
    for (int i = 0; i < 3; i++)
        sign_key_free(w->key[i]);
    assert_int_equal(fs_remove_tree(w->dir), 0);
    free(w);
    return 0;
}

/* A month of two payments: 100,000 + 440,000 = 540,000. */
typedef struct month {
    ledger_payment pay[2];
    ledger_program_total prog[2];
    ledger_file file;
    char sha[SHA256_HEX_LEN + 1];
    ledger_finalize_req req;
} month;

static void month_init(month *m, const char *mon, const char *run_id, const char *actor)
{
    static const char rules[] = "kind: program\n";
    memset(m, 0, sizeof *m);
    m->pay[0] = (ledger_payment){"P001", "acceptance_addon", "2025-04", 100000};
    m->pay[1] = (ledger_payment){"P001", "nurse_placement", "2025-04", 440000};
    m->prog[0] = (ledger_program_total){"acceptance_addon", 100000};
    m->prog[1] = (ledger_program_total){"nurse_placement", 440000};
    hash_sha256_hex(rules, sizeof rules - 1, m->sha);
    m->file = (ledger_file){"rules", "acceptance_addon/2025-04.yaml", rules, sizeof rules - 1, m->sha};
    m->req = (ledger_finalize_req){.month = mon, .run_id = run_id, .created = "2025-05-10T09:30:00Z",
                                   .actor = actor, .engine_version = "0.1.0", .payments = m->pay,
                                   .n_payments = 2, .programs = m->prog, .n_programs = 2,
                                   .total_yen = 540000, .files = &m->file, .n_files = 1,
                                   .over_budget_reason = "テスト"};
}

static int finalize_as(world *w, int who, const char *mon, const char *run_id)
{
    month m;
    month_init(&m, mon, run_id, who < 0 ? "clerk" : w->s[who].operator_id);
    ledger_set_signer(w->lg, who < 0 ? NULL : &w->s[who]);
    ledger_finalize_res res;
    int rc = ledger_finalize(w->lg, &m.req, &res);
    ledger_set_signer(w->lg, NULL);
    return rc;
}

static int approve_as(world *w, int who, const char *mon, ledger_approve_res *res)
{
    arena a = ARENA_INIT;
    ledger_approval_subject subj;
    int rc = ledger_approval_subject_now(w->lg, mon, 0, &a, &subj);
    if (rc == LEDGER_OK) {
        ledger_set_signer(w->lg, &w->s[who]);
        rc = ledger_approve(w->lg, &subj, res);
        ledger_set_signer(w->lg, NULL);
    }
    arena_release(&a);
    return rc;
}

static int transfer_as(world *w, int who, const char *mon, const char *run_id, const char *file)
{
    static const char bytes[] = "1 the file's bytes\r\n";
    char sha[SHA256_HEX_LEN + 1];
    hash_sha256_hex(bytes, sizeof bytes - 1, sha);
    ledger_signer s = w->s[who];
    s.role = "pay";
    ledger_transfer t = {.month = mon, .run_id = run_id, .file = file, .sha256 = sha,
                         .count = 1, .total_yen = 540000, .transfer_date = "2025-05-23",
                         .actor = s.operator_id, .payer_version = "2025-04",
                         .payer_source = "archived", .data = bytes, .len = sizeof bytes - 1};
    ledger_set_signer(w->lg, &s);
    int rc = ledger_transfer_record(w->lg, &t, NULL, NULL);
    ledger_set_signer(w->lg, NULL);
    return rc;
}

static const ledger_signed *event_at(ledger_signed *ev, size_t n, int64_t seq)
{
    for (size_t i = 0; i < n; i++)
        if (ev[i].seq == seq)
            return &ev[i];
    fail_msg("no event %lld", (long long)seq);
    return NULL;
}

/* ---- signing ------------------------------------------------------------- */

/* A signed finalization: the signer object in the payload, the signature
 * stored and verifying under tanaka's key only, over exactly the hashed
 * bytes (one byte of them changed: no longer); the chain verifies. */
static void test_signed_event(void **state)
{
    world *w = *state;
    assert_int_equal(finalize_as(w, 0, "2025-04", "run-04"), LEDGER_OK);
    arena a = ARENA_INIT;
    ledger_signed *ev;
    size_t n;
    assert_int_equal(ledger_signed_events(w->lg, &a, &ev, &n), LEDGER_OK);
    assert_int_equal(n, 1);
    const ledger_signed *e = &ev[0];
    assert_string_equal(e->actor, "tanaka");
    assert_true(e->has_signer);
    assert_string_equal(e->operator_id, "tanaka");
    assert_string_equal(e->role, "draft");
    assert_string_equal(e->via, "cli");
    assert_string_equal(e->operators_sha256, operators_sha);
    sign_public pub[3];
    char fp[SIGN_FP_LEN + 1];
    for (int i = 0; i < 3; i++)
        sign_key_public(w->key[i], &pub[i]);
    sign_fingerprint(&pub[0], fp);
    assert_string_equal(e->key, fp);
    assert_non_null(e->signature);
    uint8_t sig[SIGN_SIG_BYTES];
    assert_true(sign_sig_parse(e->signature, sig));
    assert_true(sign_verify(&pub[0], "event", e->content, e->content_len, sig));
    assert_false(sign_verify(&pub[1], "event", e->content, e->content_len, sig));
    assert_false(sign_verify(&pub[0], "checkpoint", e->content, e->content_len, sig));
    char *changed = strdup(e->content);
    changed[e->content_len / 2] ^= 1;
    assert_false(sign_verify(&pub[0], "event", changed, e->content_len, sig));
    free(changed);
    /* the content is what the hash covers: SHA-256 of it is the stored hash */
    char h[SHA256_HEX_LEN + 1];
    hash_sha256_hex(e->content, e->content_len, h);
    assert_string_equal(h, e->hash);
    /* the signer object sits among the payload's keys in byte order */
    assert_non_null(strstr(e->payload, "\"run_id\":\"run-04\",\"signer\":{\"key\":\"SHA256:"));
    /* the run rebuilt from its rows still matches the signed payload */
    assert_int_equal(ledger_verify(w->lg, NULL, NULL), 0);
    /* the operators file is in the ledger, by its hash */
    ledger_file *of;
    int64_t *first;
    size_t nof;
    assert_int_equal(ledger_operators_files(w->lg, &a, &of, &first, &nof), LEDGER_OK);
    assert_int_equal(nof, 1);
    assert_string_equal(of[0].sha256, operators_sha);
    assert_true(first[0] >= 1 && first[0] <= e->seq); /* known from the event that signed */
    arena_release(&a);
}

/* The signer is the actor and holds the role the kind needs. */
static void test_signer_checked(void **state)
{
    world *w = *state;
    month m;
    month_init(&m, "2025-05", "run-05", "someone-else");
    ledger_finalize_res res;
    ledger_set_signer(w->lg, &w->s[0]);
    assert_int_equal(ledger_finalize(w->lg, &m.req, &res), LEDGER_INVALID);
    assert_non_null(strstr(ledger_errmsg(w->lg), "not the signing operator"));
    /* finalize in the approve role: refused as a malformed request */
    ledger_signer wrong = w->s[1];
    m.req.actor = "sato";
    ledger_set_signer(w->lg, &wrong);
    assert_int_equal(ledger_finalize(w->lg, &m.req, &res), LEDGER_INVALID);
    /* the draft role named but not held: refused by the duty rules */
    wrong.role = "draft";
    assert_int_equal(ledger_finalize(w->lg, &m.req, &res), LEDGER_DUTY);
    ledger_set_signer(w->lg, NULL);
    /* nothing recorded */
    arena a = ARENA_INIT;
    ledger_run *runs;
    size_t n;
    assert_int_equal(ledger_runs(w->lg, "2025-05", &a, &runs, &n), LEDGER_OK);
    assert_int_equal(n, 0);
    arena_release(&a);
}

/* ---- the separation of duties ---------------------------------------------- */

static void test_approval_rules(void **state)
{
    world *w = *state;
    ledger_approve_res ar;
    /* nothing finalized yet */
    assert_int_equal(approve_as(w, 1, "2025-04", &ar), LEDGER_NOT_FOUND);
    assert_int_equal(finalize_as(w, 0, "2025-04", "run-04"), LEDGER_OK);
    /* tanaka, given the approve role too, may not approve their own draft */
    w->s[0].roles |= DUTY_APPROVE;
    w->s[0].role = "approve";
    assert_int_equal(approve_as(w, 0, "2025-04", &ar), LEDGER_DUTY);
    assert_string_equal(ar.refusal_code, "own_draft");
    assert_true(ar.event_seq > 1);
    /* the refusal is an event, signed by tanaka */
    arena a = ARENA_INIT;
    ledger_signed *ev;
    size_t n;
    assert_int_equal(ledger_signed_events(w->lg, &a, &ev, &n), LEDGER_OK);
    const ledger_signed *r = event_at(ev, n, ar.event_seq);
    assert_string_equal(r->action, "refuse");
    assert_string_equal(r->requested, "approve");
    assert_string_equal(r->operator_id, "tanaka");
    assert_non_null(r->signature);
    /* sato approves; the approve event names the drafted event and digest */
    assert_int_equal(approve_as(w, 1, "2025-04", &ar), LEDGER_OK);
    assert_int_equal(ledger_signed_events(w->lg, &a, &ev, &n), LEDGER_OK);
    const ledger_signed *ap = event_at(ev, n, ar.event_seq);
    assert_string_equal(ap->action, "approve");
    assert_int_equal(ap->approved_seq, 1);
    assert_string_equal(ap->approved_hash, event_at(ev, n, 1)->hash);
    assert_string_equal(ap->digest, event_at(ev, n, 1)->payments_sha256);
    assert_string_equal(ap->run_id, "run-04");
    ledger_signoffs so;
    assert_int_equal(ledger_run_signoffs(w->lg, "2025-04", 0, "run-04", &a, &so), LEDGER_OK);
    assert_string_equal(so.drafted.operator_id, "tanaka");
    assert_string_equal(so.approved.operator_id, "sato");
    assert_int_equal(so.paid.seq, 0);
    /* twice: refused */
    assert_int_equal(approve_as(w, 1, "2025-04", &ar), LEDGER_ALREADY_FINALIZED);
    assert_string_equal(ar.refusal_code, "already_approved");
    /* what was shown is no longer what is current: refused */
    ledger_approval_subject stale;
    assert_int_equal(ledger_approval_subject_now(w->lg, "2025-04", 0, &a, &stale), LEDGER_OK);
    stale.digest = "0000000000000000000000000000000000000000000000000000000000000000";
    ledger_set_signer(w->lg, &w->s[1]);
    assert_int_equal(ledger_approve(w->lg, &stale, &ar), LEDGER_ALREADY_FINALIZED);
    assert_string_equal(ar.refusal_code, "not_current");
    /* unsigned approvals do not exist */
    ledger_set_signer(w->lg, NULL);
    assert_int_equal(ledger_approve(w->lg, &stale, &ar), LEDGER_INVALID);
    /* an unsigned draft cannot be told apart from its approver */
    assert_int_equal(finalize_as(w, -1, "2025-06", "run-06"), LEDGER_OK);
    assert_int_equal(approve_as(w, 1, "2025-06", &ar), LEDGER_DUTY);
    assert_string_equal(ar.refusal_code, "no_signed_draft");
    arena_release(&a);
}

static void test_transfer_rules(void **state)
{
    world *w = *state;
    ledger_approve_res ar;
    assert_int_equal(finalize_as(w, 0, "2025-04", "run-04"), LEDGER_OK);
    /* before the approval: refused, whoever asks */
    assert_int_equal(transfer_as(w, 2, "2025-04", "run-04", "2025-04/t.txt"), LEDGER_DUTY);
    assert_non_null(strstr(ledger_errmsg(w->lg), "not been approved"));
    assert_int_equal(approve_as(w, 1, "2025-04", &ar), LEDGER_OK);
    /* the drafter (holding pay too) and the approver (holding pay too): refused */
    assert_int_equal(transfer_as(w, 0, "2025-04", "run-04", "2025-04/t.txt"), LEDGER_DUTY);
    assert_non_null(strstr(ledger_errmsg(w->lg), "drafted"));
    assert_int_equal(transfer_as(w, 1, "2025-04", "run-04", "2025-04/t.txt"), LEDGER_DUTY);
    assert_non_null(strstr(ledger_errmsg(w->lg), "approved this run"));
    /* a third person with the pay role */
    assert_int_equal(transfer_as(w, 2, "2025-04", "run-04", "2025-04/t.txt"), LEDGER_OK);
    arena a = ARENA_INIT;
    ledger_signoffs so;
    assert_int_equal(ledger_run_signoffs(w->lg, "2025-04", 0, "run-04", &a, &so), LEDGER_OK);
    assert_string_equal(so.paid.operator_id, "suzuki");
    assert_string_equal(so.paid.role, "pay");
    /* unsigned transfers are not the ledger's to refuse (no operators in
     * force: src/flow decides) */
    assert_int_equal(finalize_as(w, -1, "2025-06", "run-06"), LEDGER_OK);
    static const char bytes[] = "x\r\n";
    char sha[SHA256_HEX_LEN + 1];
    hash_sha256_hex(bytes, 3, sha);
    ledger_transfer t = {.month = "2025-06", .run_id = "run-06", .file = "2025-06/t.txt",
                         .sha256 = sha, .count = 1, .total_yen = 540000,
                         .transfer_date = "2025-07-23", .actor = "clerk",
                         .payer_version = "2025-04", .payer_source = "archived", .data = bytes,
                         .len = 3};
    assert_int_equal(ledger_transfer_record(w->lg, &t, NULL, NULL), LEDGER_OK);
    assert_int_equal(ledger_verify(w->lg, NULL, NULL), 0);
    arena_release(&a);
}

/* ---- canonical JSON: a member put in and taken out ------------------------- */

static void test_json_member(void **state)
{
    (void)state;
    /* every place among the keys, and the empty object */
    static const struct {
        const char *obj, *want;
    } cases[] = {
        {"{}", "{\"m\":{\"k\":1}}"},
        {"{\"a\":1}", "{\"a\":1,\"m\":{\"k\":1}}"},
        {"{\"z\":\"}\"}", "{\"m\":{\"k\":1},\"z\":\"}\"}"},
        {"{\"a\":[1,{\"m\":2}],\"n\":\"\\\"x,\"}",
         "{\"a\":[1,{\"m\":2}],\"m\":{\"k\":1},\"n\":\"\\\"x,\"}"},
        {"{\"l\":null,\"ma\":true}", "{\"l\":null,\"m\":{\"k\":1},\"ma\":true}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strbuf put, back, value;
        sb_init(&put);
        sb_init(&back);
        sb_init(&value);
        assert_true(ledger_json_put(cases[i].obj, "m", "{\"k\":1}", &put));
        assert_string_equal(put.buf, cases[i].want);
        assert_true(ledger_json_take(put.buf, "m", &back, &value));
        assert_string_equal(back.buf, cases[i].obj);
        assert_string_equal(value.buf, "{\"k\":1}");
        sb_release(&put);
        sb_release(&back);
        sb_release(&value);
    }
    strbuf sb;
    sb_init(&sb);
    /* a key there already, not an object, a key absent */
    assert_false(ledger_json_put("{\"m\":1}", "m", "2", &sb));
    assert_false(ledger_json_put("[1]", "m", "2", &sb));
    assert_false(ledger_json_take("{\"a\":1}", "m", &sb, NULL));
    /* a nested "m" is not the object's own */
    assert_false(ledger_json_take("{\"a\":{\"m\":1}}", "m", &sb, NULL));
    sb_release(&sb);
}

/* ---- a ledger from before signatures ----------------------------------------- */

static void test_upgrade_v1(void **state)
{
    world *w = *state;
    assert_int_equal(finalize_as(w, -1, "2025-04", "run-04"), LEDGER_OK);
    ledger_close(w->lg);
    w->lg = NULL;
    /* as schema 1 had it: no signatures table, version 1 */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(w->path, &db), SQLITE_OK);
    char hash_before[65];
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT hash FROM events WHERE seq = 1", -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(hash_before, sizeof hash_before, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(db,
                                  "DROP TRIGGER signatures_no_update; DROP TRIGGER signatures_no_delete;"
                                  " DROP TABLE signatures; DROP TRIGGER meta_no_update;"
                                  " UPDATE meta SET value = '1' WHERE key = 'schema_version';"
                                  " CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta BEGIN"
                                  " SELECT RAISE(ABORT, 'ledger meta are append-only'); END;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    char err[256];
    int orc = ledger_open(w->path, false, &w->lg, err, sizeof err);
    if (orc != LEDGER_OK)
        fail_msg("%s", err);
    assert_int_equal(ledger_verify(w->lg, NULL, NULL), 0);
    arena a = ARENA_INIT;
    ledger_signed *ev;
    size_t n;
    assert_int_equal(ledger_signed_events(w->lg, &a, &ev, &n), LEDGER_OK);
    assert_int_equal(n, 1);
    assert_string_equal(ev[0].hash, hash_before); /* nothing recorded changed */
    assert_null(ev[0].signature);
    arena_release(&a);
    /* upgraded: a signed event can now be stored, and the meta row says 2 */
    assert_int_equal(finalize_as(w, 0, "2025-05", "run-05"), LEDGER_OK);
    assert_int_equal(sqlite3_open(w->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'schema_version'",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "2");
    sqlite3_finalize(st);
    /* the upgrade keeps meta append-only */
    assert_int_not_equal(sqlite3_exec(db, "UPDATE meta SET value = '3' WHERE key = 'schema_version'",
                                      NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_signed_event, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signer_checked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_approval_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transfer_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upgrade_v1, setup, teardown),
        cmocka_unit_test(test_json_member),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
