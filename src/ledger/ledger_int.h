/* ledger_int: what the ledger's files share and nothing outside src/ledger
 * may call — the handle, SQLite error mapping, canonical JSON and the event
 * payloads' format (described once, below), and the per-file entry points
 * (db.c: SQLite errors, statements and transactions;
 * json.c: canonical JSON, and the description of every event payload below;
 * store.c: schema and recorded runs; chain.c: the event log, run payloads
 * and verification; blob.c: content-addressed files; refuse.c: refusals;
 * settle_store.c: the settlement, and what a year has paid against its
 * line; transfer_store.c: transfer events; events.c: the log for people;
 * sign.c: signing an event as it is appended; approve_store.c: approvals
 * and who signed what; decide_store.c: the grant decision, its
 * amendments, the budget line's amendments and a month's payments within
 * the decision).
 * Calls run store.c → settle_store.c → transfer_store.c → approve_store.c
 * → refuse.c → chain.c → sign.c → blob.c → db.c, never back up; every file
 * may use json.c. */
#ifndef KASAN_LEDGER_INT_H
#define KASAN_LEDGER_INT_H
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "kasan/ledger.h"
#include "kasan/ledger_settle.h"
#include "kasan/ledger_sign.h"
#include "kasan/strbuf.h"

struct ledger {
    sqlite3 *db;
    char err[512];
    const ledger_signer *signer; /* every event appended is signed by it (sign.c) */
};

/* db.c */
/* Sets lg->err from fmt and returns code. */
int ledger_fail(ledger *lg, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Non-empty strict UTF-8 text; LEDGER_INVALID "finalize: WHAT is missing or
 * not UTF-8" if not. */
bool ledger_text_ok(const char *s);
int ledger_check_text(ledger *lg, const char *what, const char *s);

/* refuse.c */
/* The refusal code of a finalize or settle status ("over_budget",
 * "already_finalized", "nothing_to_supersede", "no_budget_line"), NULL if the
 * status is no refusal (success, a malformed request, a busy or broken ledger). */
const char *ledger_refusal_code(int status);
/* SPEC 1.4: records r (its reason is lg's error message, the text the
 * operator is shown) as a "refuse" event into seq/hash; returns status.  The
 * refusal stands even if it cannot be recorded: seq is 0 then and lg's error
 * message says so too. */
int ledger_record_refusal(ledger *lg, ledger_refusal *r, int status, int64_t *seq,
                          char hash[SHA256_HEX_LEN + 1]);

/* db.c, continued */
/* Maps SQLite's last error on lg->db to a ledger_status, with its message
 * after `what`.  Call before finalizing the failed statement. */
int ledger_sqlite_fail(ledger *lg, const char *what);
int ledger_prepare(ledger *lg, const char *sql, sqlite3_stmt **st);
int ledger_exec(ledger *lg, const char *sql); /* constant SQL only */
/* BEGIN IMMEDIATE (write) or BEGIN; ledger_tx_end commits when rc is
 * LEDGER_OK, else rolls back, and returns the final status. */
int ledger_tx_begin(ledger *lg, bool write);
int ledger_tx_end(ledger *lg, int rc);
/* Binds text or NULL (s == NULL). */
void ledger_bind_text(sqlite3_stmt *st, int i, const char *s);
/* A text column as a C string; "" for NULL (never NULL). */
const char *ledger_col_text(sqlite3_stmt *st, int i);
/* A text column copied into a (NULL stays NULL). */
char *ledger_col_dup(arena *a, sqlite3_stmt *st, int i);
/* settle_store.c: what fiscal year fy has paid against its line (SPEC 1.4, 6.2),
 * read in the caller's transaction — the one definition the budget checks
 * of a month (store.c) and of a settlement (settle_store.c) share: the
 * current runs of its months other than except_month (NULL: every month),
 * the 追加交付 its current settlement decided but for what was charged to a
 * later year, and earlier years' 追加交付 charged to it (過年度支出).  LEDGER_INVALID if the sum does not fit. */
typedef struct ledger_paid {
    int64_t months_yen, settled_yen, total_yen;
    int64_t prior_year_yen; /* earlier years' 追加交付 charged to this year (過年度) */
} ledger_paid;
int ledger_fy_paid(ledger *lg, int fy, const char *except_month, ledger_paid *out);

/* ---- json.c: the one canonical-JSON writer ---------------------------
 *
 * EVENTS AND THEIR PAYLOADS.  The event log (table events) is the record;
 * each row holds seq, time (ISO 8601 UTC), actor, action, payload (a JSON
 * object as text), prev_hash and hash.  Every byte of the payload is hashed,
 * so its exact form is part of the format, and it is written by one writer
 * (ledger_json below): no spaces, keys of every object in byte order, strings
 * as UTF-8 with only '"', '\\' and controls below 0x20 escaped, integers in
 * decimal, absent values as null.  Python's json.dumps(v, sort_keys=True,
 * ensure_ascii=False, separators=(',', ':')) writes the same bytes, which is
 * how an auditor rebuilds them.  Types below: s string, i integer, ? or null.
 *
 * 1. The hash (chain.c, ledger_event_hash): SHA-256, hex, of the object
 *      {action:s, actor:s, payload:s (the payload text as a string),
 *       prev_hash:s, seq:i, time:s}
 *    prev_hash is the previous event's hash, 64 zeros for event 1.
 *
 * 2. "finalize" and "supersede" (chain.c, ledger_run_payload) — a run; the
 *    payload is rebuilt from the run's rows by ledger_verify and must match:
 *      {actor:s, budget:{fiscal_year:i, line_amount_yen:i, line_id:s}?,
 *       created:s, engine_version:s,
 *       files:[{bytes:i (-1 if the blob is missing), name:s, role:s,
 *               sha256:s}] (by role, then name),
 *       fiscal_year:i, fy_paid_yen:i, month:s "YYYY-MM",
 *       over_budget_override:{overrun_yen:i, reason:s}?,
 *       payments:{count:i, sha256:s (the payments digest, 5.)},
 *       program_totals:{PROGRAM_ID:i, ...} (keys: the program ids),
 *       run_id:s,
 *       supersede:{corrections:[{corrected_yen:i, difference_yen:i,
 *                                nursery_id:s, paid_yen:i, program:s}],
 *                  reason:s, superseded_run_id:s}?,
 *       total_yen:i}
 *    supersede.corrections is absent from supersede events written before
 *    corrections were recorded (ledger_verify rebuilds those without it).
 *
 * 3. "refuse" (store.c, ledger_refuse) — a refused finalization, settlement
 *    or transfer file:
 *      {code:s, month:s | fiscal_year:i (the subject: one of the two),
 *       reason:s, requested:s, run_id:s?}
 *
 * 4. "settle" and "settle_supersede" (settle_store.c) — a year-end
 *    settlement, read back with SQLite's json_extract by settle_store.c
 *    alone (ledger_settle_*, ledger_fy_paid):
 *      {additional_yen:i, created:s,
 *       documents:[...]? (as in 2.: the notices' 文書番号, kind
 *                  "settlement_notice"),
 *       engine_version:s,
 *       files:[{name:s, role:s "actuals"|"rules", sha256:s}],
 *       fiscal_year:i, fy_additional_yen:i (settle_supersede only; a first
 *       settlement's is its additional_yen), fy_paid_yen:i,
 *       months:[{month:s, run_id:s}], over_budget_reason:s?, overrun_yen:i,
 *       repayment_yen:i,
 *       rows:[{annual_yen:i, difference_yen:i, nursery_id:s, paid_yen:i,
 *              program:s, rule_version:s, and when the row corrects one:
 *              settled_before_yen:i, superseded_annual_yen:i,
 *              superseded_difference_yen:i}] (by nursery_id, then program),
 *       settle_id:s, supersede_reason:s?, supersedes_seq:i?}
 *
 * 5. "transfer" (transfer_store.c) — a bank transfer file:
 *      {actor:s, base_run_id:s?, count:i, file:s, month:s?, payer_source:s,
 *       payer_version:s, reissue_reason:s?, run_id:s, settlement:i?,
 *       sha256:s, total_yen:i, transfer_date:s}
 *    The signed event's signature covers sha256: the file's bytes.
 *
 * 6. "signer" (sign.c, ledger_sign_payload) — in every payload above and
 *    below appended while a signer is set (schema 2; never in an event
 *    written without one), put at its place among the payload's keys:
 *      signer:{key:s (the fingerprint, sign_fingerprint), operator:s (the
 *              event's actor), operators_file:s, operators_sha256:s (the
 *              operators file checked against, stored as a blob), role:s
 *              (duty_role_name of the role used), via:s "cli"|"web"}
 *    The signature (signatures.sig: sign_sig_text, 88 characters) is
 *    Ed25519 over "kasan-sig-v1" 0x00 "event" 0x00 and the exact bytes of
 *    1. (ledger_event_content), so it covers the previous event's hash, the
 *    number, time, action, actor and every byte of the payload, the signer
 *    object included.  A run's payload rebuilt by verification (2.) is
 *    compared with the stored one once the stored signer object is put back
 *    in it (ledger_json_take / ledger_json_put).
 *
 * 7. "approve" (approve_store.c, ledger_approve) — 決裁 of a drafted event,
 *    always signed (role approve):
 *      {approved_action:s, approved_hash:s, approved_seq:i (the event that
 *       recorded the run or settlement), digest:s (a run's payments digest,
 *       or ledger_settlement_digest of the settlement's event),
 *       fiscal_year:i? (a settlement), month:s? (a run), run_id:s (the run
 *       id, or the settle id)}
 *
 * 8. "decide" (decide_store.c, ledger_decide) — a fiscal year's grant
 *    decision (交付決定, docs/spec/12-grant-decision.md), drafted (role draft):
 *      {budget:{fiscal_year:i, line_amount_yen:i, line_id:s}, committed_yen:i
 *       (負担行為額 after it), created:s, current_budget_yen:i (予算現額 then),
 *       decide_id:s, engine_version:s,
 *       files:[{name:s, role:s "registry"|"children"|"staff"|"rules", sha256:s}],
 *       fiscal_year:i,
 *       rows:[{annual_yen:i, months:[i × 12, April first], nursery_id:s,
 *              program:s}] (by nursery_id, then program; annual_yen = Σ months),
 *       total_yen:i}
 *
 * 9. "decide_amend" (decide_store.c) — a 変更交付決定 of one nursery: its new
 *    rows replace its rows of the decision in force (none: amended to 0):
 *      {amended_yen:i, budget:{…}, committed_yen:i, created:s,
 *       current_budget_yen:i, decide_id:s, difference_yen:i (amended −
 *       previous), engine_version:s, files:[…], fiscal_year:i, nursery_id:s,
 *       paid_yen:i (paid to it so far), previous_yen:i, reason:s, rows:[…]}
 *
 * 10. "budget_amend" (decide_store.c, ledger_budget_amend) — 補正, 流用 or
 *    予備費充用 of a fiscal year's line:
 *      {amount_yen:i (±), budget:{…}, committed_yen:i, created:s,
 *       current_after_yen:i, current_before_yen:i, date:s "YYYY-MM-DD",
 *       fiscal_year:i, kind:s "補正"|"流用"|"予備費充用", reason:s}
 *
 * 11. "over_decision" (decide_store.c) — right after a finalize or
 *    supersede event that pays nurseries beyond their decision on
 *    over_decision_reason:
 *      {month:s, nurseries:[{decided_yen:i, nursery_id:s, paid_before_yen:i,
 *       shortfall_yen:i, this_month_yen:i}], reason:s, run_id:s}
 *
 * The payments digest (chain.c, ledger_payments_digest) is SHA-256 over the
 * run's payment rows, one array per line ["nursery_id","program",
 * "rule_version",amount_yen] + "\n", by nursery_id then program.  The
 * export (ledger_export_jsonl) writes one object per event per line:
 * {action, actor, hash, payload (the object itself, or its text as a string
 * when it is not a JSON object), prev_hash, seq, time}. */
enum { LEDGER_JSON_DEPTH = 8 };
typedef struct ledger_json {
    strbuf *sb;
    int depth;                        /* containers open */
    char kind[LEDGER_JSON_DEPTH];     /* '{' or '[' */
    bool empty[LEDGER_JSON_DEPTH];    /* nothing written in it yet */
    char last[LEDGER_JSON_DEPTH][128]; /* an object's last key */
    bool sorted;                      /* every object's keys came in byte order */
} ledger_json;

/* Writes into sb (appending).  A value goes at the top, after a key, or as
 * the next element of an array (the writer puts the commas). */
void ledger_json_start(ledger_json *j, strbuf *sb);
void ledger_json_open(ledger_json *j, char kind); /* '{' or '[' */
void ledger_json_close(ledger_json *j);
void ledger_json_key(ledger_json *j, const char *key);
void ledger_json_text(ledger_json *j, const char *s); /* NULL: null */
void ledger_json_number(ledger_json *j, int64_t v);
void ledger_json_raw(ledger_json *j, const char *json); /* already JSON */
void ledger_json_kv_text(ledger_json *j, const char *key, const char *s);
void ledger_json_kv_number(ledger_json *j, const char *key, int64_t v);
/* Every container closed and every object's keys in byte order: what a
 * builder whose keys are all its own asserts at the end. */
bool ledger_json_done(const ledger_json *j);
bool ledger_utf8_valid(const char *s);

/* A member of a canonical object (this writer's output) put at its place
 * among the keys (false if obj is not such an object or already has key),
 * or taken out (false if absent): without gets obj without it, value (may
 * be NULL) its value's text.  Both append. */
bool ledger_json_put(const char *obj, const char *key, const char *value, strbuf *out);
bool ledger_json_take(const char *obj, const char *key, strbuf *without, strbuf *value);

/* chain.c */
#define LEDGER_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"
/* The bytes an event's hash covers (1. above), appended to out; what its
 * signature covers too. */
void ledger_event_content(int64_t seq, const char *time, const char *actor, const char *action,
                          const char *payload, const char *prev_hash, strbuf *out);
void ledger_event_hash(int64_t seq, const char *time, const char *actor, const char *action,
                       const char *payload, const char *prev_hash, char out[SHA256_HEX_LEN + 1]);
/* Last event's seq and hash (0 and 64 zeros when the log is empty). */
int ledger_chain_head(ledger *lg, int64_t *seq, char hash[SHA256_HEX_LEN + 1]);
/* Appends an event; its hash goes to out_hash. */
int ledger_chain_append(ledger *lg, int64_t seq, const char *prev_hash, const char *time,
                        const char *actor, const char *action, const char *payload,
                        char out_hash[SHA256_HEX_LEN + 1]);
/* The canonical finalize/supersede payload of a recorded run, built from its
 * rows (so ledger_verify can rebuild it and compare).  legacy: without
 * supersede.corrections, as supersede events were written before
 * corrections were recorded (verify rebuilds such events that way). */
int ledger_run_payload(ledger *lg, const char *run_id, bool legacy, strbuf *out);

/* documents.c: the 文書番号 of run_id's documents, inserted inside the
 * caller's write transaction (n = 0: nothing); numbers below the next free
 * one, or taken, fail with LEDGER_BUSY.  ledger_documents_json adds the
 * key "documents" (by number) to j when run_id has any, nothing else. */
struct ledger_document;
int ledger_documents_insert(ledger *lg, int fy, const char *run_id,
                            const struct ledger_document *d, size_t n);
int ledger_documents_json(ledger *lg, const char *run_id, ledger_json *j);
/* The key "documents" with d[0..n) as ledger_documents_json writes them
 * (n = 0: nothing), for a payload built before the rows are inserted. */
void ledger_documents_put_json(ledger_json *j, const struct ledger_document *d, size_t n);
/* owed_base.c: inside a correction's finalization, the transfer events its
 * "what is owed" was set against (LEDGER_BUSY when the month's transfer
 * events are no longer exactly those), and supersede.owed_base of its
 * payload (nothing for a run without a row). */
int ledger_owed_base_insert(ledger *lg, const char *run_id, const char *month,
                            const int64_t *events, size_t n);
int ledger_owed_base_json(ledger *lg, const char *run_id, ledger_json *j);
/* settled.c (issue 21 item 4): inside a settlement's transaction, its
 * months are the fiscal year's current runs (else LEDGER_STALE); inside a
 * month's, no settlement of its year is finalized unless the request gives
 * after_settlement_reason (else LEDGER_SETTLED), recorded as an
 * "after_settlement" event after the run's; verify: each settlement rested
 * on the current runs when it was recorded. */
int ledger_settle_months_current(ledger *lg, const struct ledger_settle_req *req);
/* settle_store.c: the event of fiscal year fy's current settlement, 0 if none. */
int ledger_settle_current_seq(ledger *lg, int fy, int64_t *seq);
int ledger_settled_check(ledger *lg, const ledger_finalize_req *req, int fy,
                         ledger_finalize_res *res);
int ledger_after_settlement_event(ledger *lg, const ledger_finalize_req *req,
                                  ledger_finalize_res *res);
int ledger_verify_settlements(ledger *lg, FILE *report, int *problems);
/* The corrections of a superseding run (ledger_corrections' rows), one
 * statement: columns nursery_id, program, paid, corrected, row count; the
 * caller steps and finalizes it. */
int ledger_corrections_stmt(ledger *lg, const char *run_id, sqlite3_stmt **st);
/* SHA-256 over the run's payment rows, one canonical JSON array per line
 * ["nursery_id","program","rule_version",amount]\n sorted by nursery_id,
 * program (byte order). */
int ledger_payments_digest(ledger *lg, const char *run_id, char out[SHA256_HEX_LEN + 1],
                           int64_t *count);

/* sign.c: while lg->signer is set, ledger_chain_append has payload signed:
 * ledger_sign_payload checks the signer against the event (actor, the role
 * the action needs and holds), stores the operators file and appends the
 * payload with its signer object (6.) to out; after the event row,
 * ledger_sign_store signs content (1.), checks the signature, and stores it. */
int ledger_sign_payload(ledger *lg, const char *actor, const char *action, const char *payload,
                        strbuf *out);
int ledger_sign_store(ledger *lg, int64_t seq, const char *content, size_t len);

/* approve_store.c: the steps of run_id read in the caller's transaction
 * (ledger_run_signoffs without its own). */
int ledger_signoffs_in(ledger *lg, const char *month, int fiscal_year, const char *run_id,
                       arena *a, ledger_signoffs *out);
/* transfer_store.c's check, in its transaction: a signed transfer file of
 * run_id (month, or settlement fiscal_year) is made only after the run is
 * approved, by a payer who neither drafted nor approved it (LEDGER_DUTY
 * with the duty_code in *code); LEDGER_OK when no signer is set. */
int ledger_duty_transfer(ledger *lg, const char *month, int fiscal_year, const char *run_id,
                         const char **code);

/* decide_store.c, called by store.c's finalize in its transaction: the
 * run's payments (inserted) against the decision in force of fiscal year fy
 * (res->over_decision; LEDGER_OVER_DECISION without over_decision_reason,
 * LEDGER_NO_DECISION when none is recorded and req->decision_required), and
 * after the run's event, the "over_decision" event of an override. */
int ledger_decision_check_run(ledger *lg, const ledger_finalize_req *req, int fy,
                              ledger_finalize_res *res);
int ledger_over_decision_event(ledger *lg, const ledger_finalize_req *req,
                               ledger_finalize_res *res);
/* The 予算現額 of fy's line in the caller's transaction: the budget rule
 * file's amount (initial) plus the year's "budget_amend" events — what the
 * budget checks of a month (store.c) and a settlement (settle_store.c)
 * hold the year's payments to. */
int ledger_budget_current(ledger *lg, int fy, int64_t initial, int64_t *current);

/* blob.c */
/* Stores f's bytes once under their SHA-256 and links them to run_id. */
int ledger_blob_link(ledger *lg, const char *run_id, const ledger_file *f);
/* Stores f's bytes once under their SHA-256, linked to no run (a settlement
 * names its files in its event). */
int ledger_blob_put(ledger *lg, const ledger_file *f);
/* Re-hashes every blob and checks every run file has its blob; writes
 * problems to report, adds them to *problems, counts blobs in *n_blobs. */
int ledger_blob_verify(ledger *lg, FILE *report, int *problems, int64_t *n_blobs);

#endif
