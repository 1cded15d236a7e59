/* duty: the role each action needs and the separation rules (SPEC 10.1,
 * include/kasan/duty.h), each refusal with its code and a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/duty.h"

static void test_roles(void **state)
{
    (void)state;
    duty_role r;
    assert_true(duty_role_parse("draft", &r) && r == DUTY_DRAFT);
    assert_true(duty_role_parse("approve", &r) && r == DUTY_APPROVE);
    assert_true(duty_role_parse("pay", &r) && r == DUTY_PAY);
    assert_true(duty_role_parse("audit", &r) && r == DUTY_AUDIT);
    assert_false(duty_role_parse("Draft", &r));
    assert_false(duty_role_parse("admin", &r));
    assert_false(duty_role_parse("", &r));
    assert_string_equal(duty_role_name(DUTY_APPROVE), "approve");
    assert_string_equal(duty_role_label(DUTY_APPROVE), "決裁");
    assert_string_equal(duty_role_label(DUTY_PAY), "振込");
    /* SPEC 10.1: draft for runs, finalizations, corrections, settlements and
     * intake; approve for 決裁; pay for transfer files; audit for checkpoints */
    assert_int_equal(duty_role_for(DUTY_RUN), DUTY_DRAFT);
    assert_int_equal(duty_role_for(DUTY_FINALIZE), DUTY_DRAFT);
    assert_int_equal(duty_role_for(DUTY_CORRECT), DUTY_DRAFT);
    assert_int_equal(duty_role_for(DUTY_SETTLE), DUTY_DRAFT);
    assert_int_equal(duty_role_for(DUTY_INTAKE), DUTY_DRAFT);
    assert_int_equal(duty_role_for(DUTY_APPROVE_RUN), DUTY_APPROVE);
    assert_int_equal(duty_role_for(DUTY_TRANSFER), DUTY_PAY);
    assert_int_equal(duty_role_for(DUTY_CHECKPOINT), DUTY_AUDIT);
}

static duty_verdict check(duty_action a, const char *actor, unsigned roles, const char *drafter,
                          const char *approver, char *msg)
{
    duty_request rq = {a, actor, roles, drafter, approver};
    duty_verdict v = duty_check(&rq, msg, 300);
    if (v == DUTY_OK)
        assert_string_equal(msg, "");
    else
        assert_true(strlen(msg) > 20);
    return v;
}

static void test_each_action_needs_its_role(void **state)
{
    (void)state;
    char msg[300];
    const duty_action drafting[] = {DUTY_RUN, DUTY_FINALIZE, DUTY_CORRECT, DUTY_SETTLE,
                                    DUTY_INTAKE};
    for (size_t i = 0; i < sizeof drafting / sizeof drafting[0]; i++) {
        assert_int_equal(check(drafting[i], "tanaka", DUTY_DRAFT, NULL, NULL, msg), DUTY_OK);
        assert_int_equal(check(drafting[i], "sato", DUTY_APPROVE | DUTY_PAY | DUTY_AUDIT, NULL,
                               NULL, msg), DUTY_LACKS_ROLE);
        assert_non_null(strstr(msg, "draft"));
    }
    assert_int_equal(check(DUTY_APPROVE_RUN, "tanaka", DUTY_DRAFT | DUTY_PAY | DUTY_AUDIT,
                           "sato", NULL, msg), DUTY_LACKS_ROLE);
    assert_non_null(strstr(msg, "approve"));
    assert_int_equal(check(DUTY_TRANSFER, "suzuki", DUTY_DRAFT | DUTY_APPROVE | DUTY_AUDIT,
                           "tanaka", "sato", msg), DUTY_LACKS_ROLE);
    assert_non_null(strstr(msg, "pay"));
    assert_int_equal(check(DUTY_CHECKPOINT, "kato", DUTY_DRAFT | DUTY_APPROVE | DUTY_PAY, NULL,
                           NULL, msg), DUTY_LACKS_ROLE);
    assert_int_equal(check(DUTY_CHECKPOINT, "kato", DUTY_AUDIT, NULL, NULL, msg), DUTY_OK);
    assert_int_equal(check(DUTY_FINALIZE, "nobody", 0, NULL, NULL, msg), DUTY_LACKS_ROLE);
    assert_string_equal(duty_code(DUTY_LACKS_ROLE), "lacks_role");
}

/* tanaka drafts, sato approves, suzuki pays: the one order that passes. */
static void test_three_people(void **state)
{
    (void)state;
    char msg[300];
    assert_int_equal(check(DUTY_APPROVE_RUN, "sato", DUTY_APPROVE, "tanaka", NULL, msg), DUTY_OK);
    assert_int_equal(check(DUTY_TRANSFER, "suzuki", DUTY_PAY, "tanaka", "sato", msg), DUTY_OK);
}

static void test_approver_not_drafter(void **state)
{
    (void)state;
    char msg[300];
    /* holding both roles does not let one approve one's own draft */
    assert_int_equal(check(DUTY_APPROVE_RUN, "tanaka", DUTY_DRAFT | DUTY_APPROVE, "tanaka", NULL,
                           msg), DUTY_OWN_DRAFT);
    assert_non_null(strstr(msg, "tanaka drafted"));
    assert_string_equal(duty_code(DUTY_OWN_DRAFT), "own_draft");
    /* nor by writing the id in another case */
    assert_int_equal(check(DUTY_APPROVE_RUN, "Tanaka", DUTY_APPROVE, "tanaka", NULL, msg),
                     DUTY_OWN_DRAFT);
    /* a run nobody signed cannot show who drafted it */
    assert_int_equal(check(DUTY_APPROVE_RUN, "sato", DUTY_APPROVE, NULL, NULL, msg),
                     DUTY_NO_DRAFTER);
    assert_string_equal(duty_code(DUTY_NO_DRAFTER), "no_signed_draft");
}

static void test_transfer_separation(void **state)
{
    (void)state;
    char msg[300];
    unsigned all = DUTY_ROLES_ALL;
    /* not approved yet: refused whoever asks */
    assert_int_equal(check(DUTY_TRANSFER, "suzuki", DUTY_PAY, "tanaka", NULL, msg),
                     DUTY_NOT_APPROVED);
    assert_non_null(strstr(msg, "not been approved"));
    assert_string_equal(duty_code(DUTY_NOT_APPROVED), "not_approved");
    /* the drafter, with every role */
    assert_int_equal(check(DUTY_TRANSFER, "tanaka", all, "tanaka", "sato", msg),
                     DUTY_DRAFTER_PAYS);
    assert_non_null(strstr(msg, "tanaka drafted"));
    assert_string_equal(duty_code(DUTY_DRAFTER_PAYS), "drafter_pays");
    /* the approver, with every role */
    assert_int_equal(check(DUTY_TRANSFER, "sato", all, "tanaka", "sato", msg),
                     DUTY_APPROVER_PAYS);
    assert_non_null(strstr(msg, "sato approved"));
    assert_string_equal(duty_code(DUTY_APPROVER_PAYS), "approver_pays");
    assert_int_equal(check(DUTY_TRANSFER, "SATO", DUTY_PAY, "tanaka", "sato", msg),
                     DUTY_APPROVER_PAYS);
    /* an approved run whose draft was not signed */
    assert_int_equal(check(DUTY_TRANSFER, "suzuki", DUTY_PAY, NULL, "sato", msg),
                     DUTY_NO_DRAFTER);
    /* the role is checked first: a drafter without pay hears about the role */
    assert_int_equal(check(DUTY_TRANSFER, "tanaka", DUTY_DRAFT, "tanaka", "sato", msg),
                     DUTY_LACKS_ROLE);
    /* no message buffer is fine */
    duty_request rq = {DUTY_TRANSFER, "sato", DUTY_PAY, "tanaka", "sato"};
    assert_int_equal(duty_check(&rq, NULL, 0), DUTY_APPROVER_PAYS);
}

static void test_ids(void **state)
{
    (void)state;
    assert_true(duty_id_valid("tanaka"));
    assert_true(duty_id_valid("E12345"));
    assert_true(duty_id_valid("t.tanaka-2_b"));
    assert_true(duty_id_valid("a2345678901234567890123456789012")); /* 32 */
    assert_false(duty_id_valid("a23456789012345678901234567890123")); /* 33 */
    assert_false(duty_id_valid(""));
    assert_false(duty_id_valid(".tanaka"));
    assert_false(duty_id_valid("-tanaka"));
    assert_false(duty_id_valid("../tanaka"));
    assert_false(duty_id_valid("a/b"));
    assert_false(duty_id_valid("ta naka"));
    assert_false(duty_id_valid("田中"));
    assert_true(duty_id_same("Tanaka", "tanaka"));
    assert_false(duty_id_same("tanaka", "tanaka2"));
    assert_false(duty_id_same(NULL, "tanaka"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roles),
        cmocka_unit_test(test_each_action_needs_its_role),
        cmocka_unit_test(test_three_people),
        cmocka_unit_test(test_approver_not_drafter),
        cmocka_unit_test(test_transfer_separation),
        cmocka_unit_test(test_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
