/* ledger_sign: signed events, approvals (決裁) and who signed what (issue 23,
 * SPEC 10.1, docs/spec/11-operators.md).
 *
 * Signing happens at the one place events are appended (chain.c through
 * src/ledger/sign.c): while a signer is set on the handle, every event
 * appended — whatever its kind, a refusal included — gets the "signer"
 * object in its payload (the operator, the role used, the key's
 * fingerprint, the operators file it was checked against, the front-end)
 * and an Ed25519 signature over the event's hashed content, which includes
 * the previous event's hash; the signature is stored beside the event
 * (table signatures) and checked right after it is made.  The operators
 * file is stored as a blob by its SHA-256 with the first event that names
 * it, so verification needs the ledger alone.  Unsigned events are written
 * exactly as before (ledgers of schema 1 open, are upgraded, and verify).
 *
 * The ledger also keeps the separation of duties (duty.h) inside its
 * transactions: an approval is refused to the drafter of what it approves
 * (ledger_approve), and a signed transfer file to anyone but a payer who
 * neither drafted nor approved an approved run (transfer_store.c) —
 * LEDGER_DUTY, recorded as a refusal.  Who may act at all (the operators
 * file in force, the key that is theirs, their roles) is decided above the
 * ledger (src/flow/signer.c), which fills the signer; the ledger checks
 * that a signer signs with the key it names and holds the role it uses.
 *
 * Not here: keys and signatures themselves (sign.h), the operators file
 * (operators.h), checking signatures against the operators in force and the
 * separation of a whole ledger (src/flow/signatures.c: it needs the rules),
 * the event payloads' format (src/ledger/ledger_int.h, 6 and 7).
 *
 * Ownership and return codes as in kasan/ledger.h. */
#ifndef KASAN_LEDGER_SIGN_H
#define KASAN_LEDGER_SIGN_H
#include "kasan/ledger.h"
#include "kasan/sign.h"

/* Who signs the events appended on a handle.  Borrowed: it must outlive
 * every append until ledger_set_signer(lg, NULL) or ledger_close. */
typedef struct ledger_signer {
    const char *operator_id;      /* the events' actor */
    const char *role;             /* the role used: duty_role_name ("draft", ...) */
    unsigned roles;               /* every role the operator holds today (duty bits) */
    const char *via;              /* "cli" or "web" */
    const sign_key *key;          /* the operator's key (the front-end's) */
    /* the operators file in force that the operator was checked against: */
    const char *operators_name;   /* its name under the rules ("operators/2025-04.yaml") */
    const char *operators_data;
    size_t operators_len;
    const char *operators_sha256;
} ledger_signer;

/* Every event appended on lg from now on is signed by s (NULL: unsigned). */
void ledger_set_signer(ledger *lg, const ledger_signer *s);

/* ---- approval (決裁) --------------------------------------------------------
 * An "approve" event approves one drafted event: the event that recorded a
 * month's current run (finalize or supersede) or a fiscal year's current
 * settlement (settle or settle_supersede).  It names that event (seq,
 * action, hash), the run id (settle id) and its digest: a run's payments
 * digest, a settlement's SHA-256 of its event's payload — what the approver
 * was shown (ledger_approval_subject), checked again in the transaction. */
typedef struct ledger_approval_subject {
    const char *month;        /* "YYYY-MM": the month's current run; or NULL and */
    int fiscal_year;          /* the fiscal year's current settlement */
    const char *run_id;       /* the run id / settle id */
    const char *digest;       /* its digest (hex) */
    int64_t drafted_seq;      /* the event that recorded it */
    const char *drafted_action;
    const char *drafted_hash;
} ledger_approval_subject;

/* The subject an approval of month (or, month NULL, of fiscal_year's
 * settlement) would approve now, strings in a; LEDGER_NOT_FOUND if there is
 * no finalized run (settlement). */
int ledger_approval_subject_now(ledger *lg, const char *month, int fiscal_year, arena *a,
                                ledger_approval_subject *out);

typedef struct ledger_approve_res {
    int64_t event_seq;        /* the approval, or the refusal recorded (0: none) */
    char event_hash[SHA256_HEX_LEN + 1];
    const char *refusal_code; /* set when refused: "own_draft", "no_signed_draft",
                               * "lacks_role", "already_approved", "not_current" */
    int fiscal_year;          /* ledger_approve_grant: the event's fiscal year */
} ledger_approve_res;

/* Records the approval of subject (as ledger_approval_subject_now gave it)
 * under the handle's signer (required: LEDGER_INVALID without one), in one
 * transaction: LEDGER_DUTY when the signer lacks the approve role, drafted
 * the run, or the run was not drafted by a signing operator;
 * LEDGER_ALREADY_FINALIZED when the event is approved already or what was
 * shown is no longer current (another run or settlement, another digest).
 * A refusal is recorded as a signed "refuse" event (ledger_refuse), its
 * code in res->refusal_code; the message is ledger_errmsg's. */
int ledger_approve(ledger *lg, const ledger_approval_subject *subject, ledger_approve_res *res);

/* A grant decision (decide), its amendment (decide_amend) or an amendment
 * of the line (budget_amend) signed and not yet approved (決裁): while an
 * operators file is in force it does not count (budget figures, budget
 * control, payments within the decision) until it is. */
typedef struct ledger_pending {
    int64_t seq;
    const char *action, *actor, *hash;
    const char *nursery_id;  /* decide_amend: whose decision; else NULL */
    int64_t amount_yen;      /* budget_amend: its amount; else 0 */
    int fiscal_year;
} ledger_pending;
/* What of fy awaits approval, oldest first, strings in a. */
int ledger_pending_grants(ledger *lg, int fy, arena *a, ledger_pending **out, size_t *n);
/* Approves event seq (a decide, decide_amend or budget_amend) under the
 * handle's signer (required): refused, and the refusal recorded, when the
 * event is unsigned, approved already, or the signer drafted it or lacks
 * the approve role (duty_check); LEDGER_NOT_FOUND when seq is no such event. */
int ledger_approve_grant(ledger *lg, int64_t seq, ledger_approve_res *res);

/* ---- who signed what ---------------------------------------------------------- */

/* One signed step of a run: who, when, under which key (operator_id NULL:
 * the event is unsigned; seq 0: no such event). */
typedef struct ledger_signoff {
    int64_t seq;
    const char *time, *action, *operator_id, *role, *key, *via;
} ledger_signoff;

/* The steps of one run (a month's run, or a settlement by its settle id):
 * the event that recorded it (起案), its approval (決裁), its latest
 * transfer file (振込).  Strings in a. */
typedef struct ledger_signoffs {
    ledger_signoff drafted, approved, paid;
} ledger_signoffs;

/* month: the run's month, or NULL for a settlement of fiscal_year. */
int ledger_run_signoffs(ledger *lg, const char *month, int fiscal_year, const char *run_id,
                        arena *a, ledger_signoffs *out);

/* Every event as verification reads it, oldest first: its fields, the
 * exact bytes its hash and signature cover, its stored signature and the
 * payload's signer object, and what the separation rules need. */
typedef struct ledger_signed {
    int64_t seq;
    const char *time, *actor, *action, *hash;
    const char *payload;          /* as stored */
    const char *content;          /* the bytes hashed and signed (ledger_event_content) */
    size_t content_len;
    const char *signature;        /* stored beside the event; NULL: none */
    bool has_signer;              /* payload.signer present (and an object) */
    const char *operator_id, *role, *key, *via, *operators_file, *operators_sha256;
    /* the subject */
    const char *month;            /* payload.month */
    int fiscal_year;              /* payload.fiscal_year, else payload.settlement */
    const char *run_id;           /* payload.run_id, else settle_id, else decide_id */
    const char *nursery_id;       /* payload.nursery_id (a 変更交付決定's) */
    const char *kind;             /* payload.kind (a budget amendment's: 補正, 流用, 充用) */
    const char *payments_sha256;  /* a run's payload.payments.sha256 */
    /* an approval's */
    int64_t approved_seq;
    const char *approved_hash, *digest;
    /* a refusal's (what was refused) */
    const char *requested;
} ledger_signed;

int ledger_signed_events(ledger *lg, arena *a, ledger_signed **out, size_t *n);

/* The operators files the ledger holds: every file a signed event names
 * (payload.signer.operators_sha256) and every operators/ file archived with
 * a run or a settlement, each once (by SHA-256), bytes in a
 * (NUL-terminated), and in first_seq[i] the first event that brought file
 * i into the ledger (what the ledger knew when).  A named file whose blob
 * is missing is left out (verification says so). */
int ledger_operators_files(ledger *lg, arena *a, ledger_file **out, int64_t **first_seq,
                           size_t *n);

/* The role (duty bits) an event of this action is signed in: finalize,
 * supersede, settle and settle_supersede are drafted (draft), approve is
 * approve, transfer is pay; 0 for a kind with no fixed role (a refusal: the
 * role of what was refused).  The money events: those with a role. */
unsigned ledger_action_role(const char *action);

/* The last event: seq, hash and time (0, 64 zeros, "" when empty). */
int ledger_head(ledger *lg, int64_t *seq, char hash[SHA256_HEX_LEN + 1], char time[32]);

/* The digest an approval of a settlement signs: SHA-256 of its event's
 * payload text. */
void ledger_settlement_digest(const char *payload, char out[SHA256_HEX_LEN + 1]);

#endif
