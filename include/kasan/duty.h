/* duty: who may do what (職務分掌, SPEC 10.1) — the four roles of the
 * operators file, the role each action needs, and the separation rules of
 * 地方自治法 §232の4 / §170 as kasan applies them to one run:
 *
 *   action                                        role needed
 *   run, finalize, correction, settle, intake     draft    起案
 *   approve a run (決裁)                          approve  決裁
 *   make a transfer file                          pay      振込
 *   write an audit checkpoint                     audit    監査
 *
 *   - the approver of a run may not be its drafter;
 *   - a run is approved before its transfer file is made;
 *   - neither its drafter nor its approver may make its transfer file.
 *
 * duty_check is pure: the caller says who acts, with which roles (from the
 * operators file in force), and who drafted and approved the run (from the
 * ledger); it answers with a verdict whose code goes into a refusal event and
 * a plain message for the person.  Ids compare without regard to ASCII case,
 * as the operators file refuses two ids that differ only in case.
 *
 * Not here: which operator holds which roles and keys (operators.h), keys and
 * signatures (sign.h), recording refusals (the ledger). */
#ifndef KASAN_DUTY_H
#define KASAN_DUTY_H
#include <stdbool.h>
#include <stddef.h>

typedef enum duty_role {
    DUTY_DRAFT = 1u << 0,   /* 起案 */
    DUTY_APPROVE = 1u << 1, /* 決裁 */
    DUTY_PAY = 1u << 2,     /* 振込 */
    DUTY_AUDIT = 1u << 3,   /* 監査 */
} duty_role;
#define DUTY_ROLES_ALL (DUTY_DRAFT | DUTY_APPROVE | DUTY_PAY | DUTY_AUDIT)

/* "draft", "approve", "pay", "audit" (the operators file's words). */
const char *duty_role_name(duty_role r);
/* 起案, 決裁, 振込, 監査 */
const char *duty_role_label(duty_role r);
/* A role by its name; false if s names none. */
bool duty_role_parse(const char *s, duty_role *out);

typedef enum duty_action {
    DUTY_RUN,        /* a draft run (試算) */
    DUTY_FINALIZE,   /* 確定 */
    DUTY_CORRECT,    /* 修正 (--supersede) */
    DUTY_SETTLE,     /* 精算 */
    DUTY_INTAKE,     /* claim forms in */
    DUTY_APPROVE_RUN,/* 決裁 of a finalized run, settlement or correction */
    DUTY_TRANSFER,   /* the bank transfer file */
    DUTY_CHECKPOINT, /* a signed chain head */
} duty_action;

duty_role duty_role_for(duty_action a);
const char *duty_action_name(duty_action a); /* "finalize", "approve", "transfer", ... */

typedef enum duty_verdict {
    DUTY_OK = 0,
    DUTY_LACKS_ROLE,    /* "lacks_role": the actor has not the role the action needs */
    DUTY_NO_DRAFTER,    /* "no_signed_draft": the run has no signed drafter to keep apart */
    DUTY_OWN_DRAFT,     /* "own_draft": approving one's own draft */
    DUTY_NOT_APPROVED,  /* "not_approved": a transfer file of a run not approved */
    DUTY_DRAFTER_PAYS,  /* "drafter_pays": the drafter making the transfer file */
    DUTY_APPROVER_PAYS, /* "approver_pays": the approver making the transfer file */
} duty_verdict;

/* The reason code of a refusal ("lacks_role", ...; "ok" for DUTY_OK). */
const char *duty_code(duty_verdict v);

typedef struct duty_request {
    duty_action action;
    const char *actor;    /* the operator acting (id) */
    unsigned roles;       /* their roles in force (duty_role bits) */
    const char *drafter;  /* approve, transfer: who finalized the run, or NULL if unsigned */
    const char *approver; /* transfer: who approved it, or NULL if nobody has */
} duty_request;

/* DUTY_OK, or the first rule broken (role first, then approval, then the
 * separation) with a message for the person in msg (cap bytes, may be 0). */
duty_verdict duty_check(const duty_request *rq, char *msg, size_t cap);

/* Operator ids: 1–32 ASCII letters, digits, '_', '-', '.', beginning with a
 * letter or digit (they name key files: KEYS/ID.pem). */
enum { DUTY_ID_MAX = 32 };
bool duty_id_valid(const char *id);
/* Same operator id, ignoring ASCII case. */
bool duty_id_same(const char *a, const char *b);

#endif
