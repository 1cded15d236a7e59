/* rules, kind: operators — loading, the version and the operator in force
 * on a day, a rotated key (an old signature verifies under the key in force
 * when it was made, not under its successor), and the checks across versions.
 * Keys are RFC 8032 §7.1's test vectors (their private halves are public:
 * test keys only) and one generated here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/operators.h"

static const char terms[] =
    "kind: terms\nversion: \"2025-04\"\ntitle: t\neffective_from: 2025-04-01\nbasis: b\n"
    "care_types:\n  suction: 喀痰吸引\neligible_nursery_kind: private_licensed\n"
    "eligible_qualifications:\n  nurse: 看護師\nrejection_reasons:\n"
    "  unknown_nursery: a\n  ward_run: a\n  nursery_inactive: a\n  no_care_type: a\n"
    "  no_enrolled_day: a\n  duplicate_child: a\n  ineligible_qualification: a\n"
    "  no_eligible_child: a\n";

/* RFC 8032 TEST 1, 2, 3 public keys as lines (Python base64) and seeds */
#define K1 "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define K2 "ed25519:PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw="
#define K3 "ed25519:/FHNjmIYoaONpH7QAjDwWAgW7RO6MwOsXeuRFUiQgCU="
static const char seed1[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

static void hex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* 2025-04: tanaka drafts (K1), sato approves and audits (K2), suzuki pays
 * (K3) until 30 June.  2025-10: tanaka's key rotated to `new_key`, sato
 * gone (revoked), suzuki not back. */
static const char v1[] =
    "kind: operators\nversion: \"2025-04\"\ntitle: 保育サービス課 操作者\n"
    "effective_from: 2025-04-01\nbasis: 板橋区事務分掌規則\noperators:\n"
    "  - id: tanaka\n    name: 田中 花子\n    post: 給付係 主事\n    roles: [draft]\n"
    "    key: " K1 "\n    valid_from: 2025-04-01\n"
    "  - id: sato\n    name: 佐藤 一郎\n    post: 保育サービス課長\n    roles: [approve, audit]\n"
    "    key: " K2 "\n    valid_from: 2025-04-01\n"
    "  - id: suzuki\n    name: 鈴木 三郎\n    post: 会計管理者\n    roles: pay\n"
    "    key: " K3 "\n    valid_from: 2025-04-01\n    valid_to: 2025-06-30\n";

static char v2[1024];

typedef struct loaded {
    rule_set rs;
    diag_list d;
    int rc;
} loaded;

static void load(loaded *l, const char *a, const char *b)
{
    rule_file files[3] = {{.path = "terms.yaml", .data = terms, .len = sizeof terms - 1},
                          {.path = "operators/2025-04.yaml", .data = a, .len = strlen(a)},
                          {.path = "operators/2025-10.yaml", .data = b, .len = b ? strlen(b) : 0}};
    memset(l, 0, sizeof *l);
    l->d = (diag_list)DIAG_LIST_INIT;
    l->rc = rules_load_files(files, b ? 3 : 2, &l->rs, &l->d);
}

static void unload(loaded *l)
{
    rules_free(&l->rs);
    diag_release(&l->d);
}

static bool has_diag(const loaded *l, const char *file, int line, int col, const char *part)
{
    for (size_t i = 0; i < l->d.n; i++)
        if (!strcmp(l->d.v[i].file, file) && l->d.v[i].line == line && l->d.v[i].col == col &&
            strstr(l->d.v[i].msg, part))
            return true;
    diag_print(&l->d, stderr);
    return false;
}

static void test_in_force_and_rotation(void **state)
{
    (void)state;
    sign_key *old_key, *new_key;
    uint8_t seed[32];
    hex(seed1, seed, 32);
    assert_int_equal(sign_key_from_seed(seed, &old_key), SIGN_OK);
    assert_int_equal(sign_generate(&new_key), SIGN_OK);
    sign_public new_pub;
    sign_key_public(new_key, &new_pub);
    char new_line[SIGN_LINE_LEN + 1];
    sign_public_line(&new_pub, new_line);
    snprintf(v2, sizeof v2,
             "kind: operators\nversion: \"2025-10\"\ntitle: t\neffective_from: 2025-10-01\n"
             "basis: b\noperators:\n"
             "  - id: tanaka\n    name: 田中 花子\n    post: 給付係 主事\n    roles: [draft, pay]\n"
             "    key: %s\n    valid_from: 2025-04-01\n", new_line);
    loaded l;
    load(&l, v1, v2);
    diag_print(&l.d, stderr);
    assert_int_equal(l.rc, 0);
    assert_int_equal(l.rs.n_operators, 2);

    /* the version in force */
    assert_null(rules_operators_in_force(&l.rs, date_from_ymd(2025, 3, 31)));
    const rule_operators *v = rules_operators_in_force(&l.rs, date_from_ymd(2025, 4, 1));
    assert_non_null(v);
    assert_string_equal(v->version, "2025-04");
    assert_int_equal(v->effective_to, date_from_ymd(2025, 9, 30)); /* the day before 2025-10 */
    assert_int_equal(v->n_ops, 3);
    assert_string_equal(v->ops[1].name, "佐藤 一郎");
    assert_string_equal(v->ops[1].post, "保育サービス課長");
    assert_int_equal(v->ops[1].roles, DUTY_APPROVE | DUTY_AUDIT);
    assert_int_equal(v->ops[2].roles, DUTY_PAY);
    assert_int_equal(v->ops[2].valid_to, date_from_ymd(2025, 6, 30));
    /* the fingerprint ssh-keygen -lf gives RFC TEST 1's key */
    assert_string_equal(v->ops[0].fingerprint, "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8");
    assert_string_equal(rules_operators_in_force(&l.rs, date_from_ymd(2026, 3, 31))->version,
                        "2025-10");

    /* an operator on a day: validity and revocation */
    assert_non_null(rules_operator_at(&l.rs, "suzuki", date_from_ymd(2025, 6, 30)));
    assert_null(rules_operator_at(&l.rs, "suzuki", date_from_ymd(2025, 7, 1)));
    assert_non_null(rules_operator_at(&l.rs, "sato", date_from_ymd(2025, 9, 30)));
    assert_null(rules_operator_at(&l.rs, "sato", date_from_ymd(2025, 10, 1)));
    assert_null(rules_operator_at(&l.rs, "tanaka", date_from_ymd(2025, 3, 31)));
    assert_null(rules_operator_at(&l.rs, "nobody", date_from_ymd(2025, 5, 1)));
    const rule_operator *t = rules_operator_at(&l.rs, "TANAKA", date_from_ymd(2025, 5, 1));
    assert_non_null(t);
    assert_string_equal(t->id, "tanaka");

    /* rotation: what tanaka signed in May verifies under the key in force
     * in May, not under October's; what the new key signs only under it */
    const char event[] = "{\"action\":\"finalize\",\"seq\":7}";
    uint8_t sig_old[64], sig_new[64];
    assert_int_equal(sign_bytes(old_key, "event", event, sizeof event - 1, sig_old), SIGN_OK);
    assert_int_equal(sign_bytes(new_key, "event", event, sizeof event - 1, sig_new), SIGN_OK);
    const rule_operator *may = rules_operator_at(&l.rs, "tanaka", date_from_ymd(2025, 5, 10));
    const rule_operator *oct = rules_operator_at(&l.rs, "tanaka", date_from_ymd(2025, 10, 5));
    assert_non_null(may);
    assert_non_null(oct);
    assert_string_equal(may->fingerprint, "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8");
    assert_true(sign_public_equal(&oct->key, &new_pub));
    assert_int_equal(oct->roles, DUTY_DRAFT | DUTY_PAY);
    assert_true(sign_verify(&may->key, "event", event, sizeof event - 1, sig_old));
    assert_false(sign_verify(&oct->key, "event", event, sizeof event - 1, sig_old));
    assert_true(sign_verify(&oct->key, "event", event, sizeof event - 1, sig_new));
    assert_false(sign_verify(&may->key, "event", event, sizeof event - 1, sig_new));
    /* sato's key (another operator) verifies none of tanaka's */
    const rule_operator *sato = rules_operator_at(&l.rs, "sato", date_from_ymd(2025, 5, 10));
    assert_false(sign_verify(&sato->key, "event", event, sizeof event - 1, sig_old));

    sign_key_free(old_key);
    sign_key_free(new_key);
    unload(&l);
}

/* One of the 2025-04 keys given to another operator in 2025-10. */
static void test_key_of_another_operator_across_versions(void **state)
{
    (void)state;
    static const char b[] =
        "kind: operators\nversion: \"2025-10\"\ntitle: t\neffective_from: 2025-10-01\n"
        "basis: b\noperators:\n"
        "  - id: tanaka\n    name: n\n    post: p\n    roles: [draft]\n    key: " K1 "\n"
        "    valid_from: 2025-04-01\n"
        "  - id: kato\n    name: n\n    post: p\n    roles: [approve]\n    key: " K2 "\n"
        "    valid_from: 2025-10-01\n";
    loaded l;
    load(&l, v1, b);
    assert_int_equal(l.rc, -1);
    /* line 17 col 10: kato's key, sato's in 2025-04 */
    assert_true(has_diag(&l, "operators/2025-10.yaml", 17, 10,
                         "the key of operator 'kato' is operator 'sato''s in operators/2025-04.yaml"));
    assert_int_equal(l.d.n, 1); /* tanaka keeping K1 is no error */
    unload(&l);
}

static void test_versions(void **state)
{
    (void)state;
    loaded l;
    /* 2025-04 runs to 2025-12-31 explicitly; 2025-10 starts inside it */
    char a[2048];
    const char *basis = strstr(v1, "basis:");
    snprintf(a, sizeof a, "%.*seffective_to: 2025-12-31\n%s", (int)(basis - v1), v1, basis);
    assert_non_null(strstr(a, "effective_from: 2025-04-01\neffective_to: 2025-12-31\n"));
    static const char b[] =
        "kind: operators\nversion: \"2025-10\"\ntitle: t\neffective_from: 2025-10-01\n"
        "basis: b\noperators:\n"
        "  - id: tanaka\n    name: n\n    post: p\n    roles: [draft]\n    key: " K1 "\n"
        "    valid_from: 2025-04-01\n";
    load(&l, a, b);
    assert_int_equal(l.rc, -1);
    assert_true(has_diag(&l, "operators/2025-10.yaml", 4, 17, "overlap"));
    unload(&l);

    /* the same start */
    char c[2048];
    snprintf(c, sizeof c, "%s", b);
    memcpy(strstr(c, "2025-10-01"), "2025-04-01", 10);
    load(&l, v1, c);
    assert_true(has_diag(&l, "operators/2025-10.yaml", 4, 17, "both start on 2025-04-01"));
    unload(&l);

    /* the last version may not end */
    char e[2048];
    snprintf(e, sizeof e, "%seffective_to: 2026-03-31\n", b);
    load(&l, v1, e);
    assert_int_equal(l.rc, -1);
    assert_true(has_diag(&l, "operators/2025-10.yaml", 13, 15, "the last operators version may "
                                                              "not end"));
    unload(&l);

    /* one version alone that ends */
    load(&l, a, NULL);
    assert_true(has_diag(&l, "operators/2025-04.yaml", 5, 15, "may not end"));
    unload(&l);
}

/* A broken version between two good ones: its own errors only, no gap
 * reported around it (it is skipped, as broken payer versions are). */
static void test_broken_middle_version(void **state)
{
    (void)state;
    static const char mid[] =
        "kind: operators\nversion: \"2025-10\"\ntitle: t\neffective_from: 2025-10-01\n"
        "basis: b\noperators:\n"
        "  - id: tanaka\n    name: n\n    post: p\n    roles: [boss]\n    key: " K1 "\n"
        "    valid_from: 2025-04-01\n";
    static const char late[] =
        "kind: operators\nversion: \"2026-01\"\ntitle: t\neffective_from: 2026-01-01\n"
        "basis: b\noperators:\n"
        "  - id: tanaka\n    name: n\n    post: p\n    roles: [draft]\n    key: " K1 "\n"
        "    valid_from: 2025-04-01\n";
    rule_file files[4] = {{.path = "terms.yaml", .data = terms, .len = sizeof terms - 1},
                          {.path = "o/2025-04.yaml", .data = v1, .len = sizeof v1 - 1},
                          {.path = "o/2025-10.yaml", .data = mid, .len = sizeof mid - 1},
                          {.path = "o/2026-01.yaml", .data = late, .len = sizeof late - 1}};
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(rules_load_files(files, 4, &rs, &d), -1);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.v[0].file, "o/2025-10.yaml");
    assert_int_equal(d.v[0].line, 10);
    assert_int_equal(d.v[0].col, 13);
    assert_non_null(strstr(d.v[0].msg, "unknown role 'boss'"));
    rules_free(&rs);
    diag_release(&d);
}

/* A key written twice in one file, an id twice, and the messages' places. */
static void test_within_one_file(void **state)
{
    (void)state;
    static const char a[] =
        "kind: operators\nversion: \"2025-04\"\ntitle: t\neffective_from: 2025-04-01\n"
        "basis: b\noperators:\n"
        "  - id: tanaka\n    name: n\n    post: p\n    roles: [draft]\n    key: " K1 "\n"
        "    valid_from: 2025-04-01\n"
        "  - id: sato\n    name: n\n    post: p\n    roles: [approve]\n    key: " K1 "\n"
        "    valid_from: 2025-04-01\n"
        "  - id: tanaka\n    name: n\n    post: p\n    roles: [pay]\n    key: " K3 "\n"
        "    valid_from: 2025-04-01\n";
    loaded l;
    load(&l, a, NULL);
    assert_int_equal(l.rc, -1);
    assert_true(has_diag(&l, "operators/2025-04.yaml", 17, 10,
                         "the key of operator 'sato' is also the key of operator 'tanaka' (line 11)"));
    assert_true(has_diag(&l, "operators/2025-04.yaml", 19, 9,
                         "operator id 'tanaka' appears twice in this file (also line 7)"));
    assert_int_equal(l.d.n, 2);
    /* a broken file is never in force */
    assert_null(rules_operators_in_force(&l.rs, date_from_ymd(2025, 5, 1)));
    unload(&l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_force_and_rotation),
        cmocka_unit_test(test_key_of_another_operator_across_versions),
        cmocka_unit_test(test_versions),
        cmocka_unit_test(test_within_one_file),
        cmocka_unit_test(test_broken_middle_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
