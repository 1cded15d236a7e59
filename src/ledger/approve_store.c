/* approve_store: approvals (決裁) recorded as "approve" events (ledger_int.h
 * 7.), the separation of duties kept inside the ledger's transactions (an
 * approval is never the drafter's; a signed transfer file only of an
 * approved run and only by someone who neither drafted nor approved it),
 * and who signed what read back: the steps of one run, every event with
 * the bytes its signature covers, the operators files the ledger holds,
 * the chain's head.  Reading uses SQLite's JSON functions on the payloads'
 * signer objects and the approve events' keys: those keys are read here
 * and nowhere else.  Not here: signing (sign.c), the duty rules themselves
 * (src/core/duty.c), verification against the operators in force
 * (src/flow/signatures.c). */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"
#include "kasan/clock.h"
#include "kasan/duty.h"

#define SIGNER(col, key)                                                                   \
    " CASE WHEN json_valid(" col ") THEN json_extract(" col ", '$.signer." key "') END"

/* ---- the steps of a run ------------------------------------------------- */

enum { S_SEQ, S_TIME, S_ACTION, S_OP, S_ROLE, S_KEY, S_VIA, S_N };
#define SIGNOFF_COLS                                                                       \
    "e.seq, e.time, e.action," SIGNER("e.payload", "operator") "," SIGNER("e.payload", "role") \
    "," SIGNER("e.payload", "key") "," SIGNER("e.payload", "via")

static int one_signoff(ledger *lg, const char *sql, const char *t1, const char *t2, int64_t n3,
                       bool use3, arena *a, ledger_signoff *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, sql, &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, t1);
    ledger_bind_text(st, 2, t2);
    if (use3)
        sqlite3_bind_int64(st, 3, n3);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->seq = sqlite3_column_int64(st, S_SEQ);
        out->time = ledger_col_dup(a, st, S_TIME);
        out->action = ledger_col_dup(a, st, S_ACTION);
        out->operator_id = ledger_col_dup(a, st, S_OP);
        out->role = ledger_col_dup(a, st, S_ROLE);
        out->key = ledger_col_dup(a, st, S_KEY);
        out->via = ledger_col_dup(a, st, S_VIA);
    } else if (step != SQLITE_DONE) {
        rc = ledger_sqlite_fail(lg, "ledger: reading who signed");
    }
    sqlite3_finalize(st);
    return rc;
}

int ledger_signoffs_in(ledger *lg, const char *month, int fiscal_year, const char *run_id,
                       arena *a, ledger_signoffs *out)
{
    memset(out, 0, sizeof *out);
    char fy[16];
    snprintf(fy, sizeof fy, "%d", fiscal_year);
    int rc = month
                 ? one_signoff(lg, "SELECT " SIGNOFF_COLS " FROM runs r JOIN events e"
                                   " ON e.seq = r.event_seq WHERE r.run_id = ?1 AND r.month = ?2",
                               run_id, month, 0, false, a, &out->drafted)
                 : one_signoff(lg, "SELECT " SIGNOFF_COLS " FROM events e"
                                   " WHERE e.action IN ('settle', 'settle_supersede')"
                                   " AND json_valid(e.payload)"
                                   " AND json_extract(e.payload, '$.settle_id') = ?1"
                                   " AND json_extract(e.payload, '$.fiscal_year') = CAST(?2 AS INTEGER)"
                                   " ORDER BY e.seq DESC LIMIT 1",
                               run_id, fy, 0, false, a, &out->drafted);
    if (!rc && out->drafted.seq)
        rc = one_signoff(lg, "SELECT " SIGNOFF_COLS " FROM events e WHERE e.action = 'approve'"
                             " AND json_valid(e.payload)"
                             " AND json_extract(e.payload, '$.run_id') = ?1"
                             " AND json_extract(e.payload, '$.approved_seq') = ?3"
                             " ORDER BY e.seq DESC LIMIT 1",
                         run_id, NULL, out->drafted.seq, true, a, &out->approved);
    if (!rc)
        rc = month ? one_signoff(lg, "SELECT " SIGNOFF_COLS " FROM events e"
                                     " WHERE e.action = 'transfer' AND json_valid(e.payload)"
                                     " AND json_extract(e.payload, '$.run_id') = ?1"
                                     " AND json_extract(e.payload, '$.month') = ?2"
                                     " ORDER BY e.seq DESC LIMIT 1",
                                 run_id, month, 0, false, a, &out->paid)
                   : one_signoff(lg, "SELECT " SIGNOFF_COLS " FROM events e"
                                     " WHERE e.action = 'transfer' AND json_valid(e.payload)"
                                     " AND json_extract(e.payload, '$.run_id') = ?1"
                                     " AND json_extract(e.payload, '$.settlement')"
                                     "  = CAST(?2 AS INTEGER) ORDER BY e.seq DESC LIMIT 1",
                                 run_id, fy, 0, false, a, &out->paid);
    return rc;
}

int ledger_run_signoffs(ledger *lg, const char *month, int fiscal_year, const char *run_id,
                        arena *a, ledger_signoffs *out)
{
    memset(out, 0, sizeof *out);
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, ledger_signoffs_in(lg, month, fiscal_year, run_id, a, out));
}

/* ---- the separation of a transfer file ------------------------------------- */

int ledger_duty_transfer(ledger *lg, const char *month, int fiscal_year, const char *run_id,
                         const char **code)
{
    *code = NULL;
    if (!lg->signer)
        return LEDGER_OK;
    arena a = ARENA_INIT;
    ledger_signoffs so;
    int rc = ledger_signoffs_in(lg, month, fiscal_year, run_id, &a, &so);
    if (!rc) {
        duty_request dr = {DUTY_TRANSFER, lg->signer->operator_id, lg->signer->roles,
                           so.drafted.operator_id, so.approved.operator_id};
        char msg[512];
        duty_verdict v = duty_check(&dr, msg, sizeof msg);
        if (v != DUTY_OK) {
            *code = duty_code(v);
            rc = ledger_fail(lg, LEDGER_DUTY, "%s", msg);
        }
    }
    arena_release(&a);
    return rc;
}

/* ---- approval ------------------------------------------------------------- */

void ledger_settlement_digest(const char *payload, char out[SHA256_HEX_LEN + 1])
{
    hash_sha256_hex(payload, strlen(payload), out);
}

static int subject_in(ledger *lg, const char *month, int fiscal_year, arena *a,
                      ledger_approval_subject *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    int rc = ledger_prepare(
        lg,
        month ? "SELECT r.run_id, e.seq, e.action, e.hash, e.payload FROM runs r"
                " JOIN events e ON e.seq = r.event_seq"
                " WHERE r.month = ?1 AND r.superseded_by IS NULL"
              : "SELECT json_extract(e.payload, '$.settle_id'), e.seq, e.action, e.hash,"
                " e.payload FROM events e WHERE e.action IN ('settle', 'settle_supersede')"
                " AND json_valid(e.payload) AND json_extract(e.payload, '$.fiscal_year') = ?2"
                " ORDER BY e.seq DESC LIMIT 1",
        &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, month);
    sqlite3_bind_int(st, 2, fiscal_year);
    int step = sqlite3_step(st);
    char digest[SHA256_HEX_LEN + 1];
    if (step == SQLITE_ROW) {
        out->month = month ? arena_strdup(a, month) : NULL;
        out->fiscal_year = fiscal_year;
        out->run_id = ledger_col_dup(a, st, 0);
        out->drafted_seq = sqlite3_column_int64(st, 1);
        out->drafted_action = ledger_col_dup(a, st, 2);
        out->drafted_hash = ledger_col_dup(a, st, 3);
        ledger_settlement_digest(ledger_col_text(st, 4), digest);
    } else if (step == SQLITE_DONE) {
        rc = month ? ledger_fail(lg, LEDGER_NOT_FOUND, "%s has no finalized run", month)
                   : ledger_fail(lg, LEDGER_NOT_FOUND, "FY%d has no finalized settlement",
                                 fiscal_year);
    } else {
        rc = ledger_sqlite_fail(lg, "ledger: reading what is approved");
    }
    sqlite3_finalize(st);
    if (!rc && month) {
        int64_t count;
        rc = ledger_payments_digest(lg, out->run_id, digest, &count);
    }
    if (!rc)
        out->digest = arena_strdup(a, digest);
    return rc;
}

int ledger_approval_subject_now(ledger *lg, const char *month, int fiscal_year, arena *a,
                                ledger_approval_subject *out)
{
    memset(out, 0, sizeof *out);
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, subject_in(lg, month, fiscal_year, a, out));
}

/* The payload of ledger_int.h's description, 7. */
static void approve_payload(strbuf *sb, const ledger_approval_subject *s)
{
    ledger_json j;
    ledger_json_start(&j, sb);
    ledger_json_open(&j, '{');
    ledger_json_kv_text(&j, "approved_action", s->drafted_action);
    ledger_json_kv_text(&j, "approved_hash", s->drafted_hash);
    ledger_json_kv_number(&j, "approved_seq", s->drafted_seq);
    ledger_json_kv_text(&j, "digest", s->digest);
    if (!s->month)
        ledger_json_kv_number(&j, "fiscal_year", s->fiscal_year);
    ledger_json_kv_text(&j, "month", s->month);
    ledger_json_kv_text(&j, "run_id", s->run_id);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
}

static bool same(const char *a, const char *b) { return a && b && !strcmp(a, b); }

static int approve_tx(ledger *lg, const ledger_approval_subject *want, ledger_approve_res *res)
{
    arena a = ARENA_INIT;
    ledger_approval_subject now;
    ledger_signoffs so;
    int rc = subject_in(lg, want->month, want->fiscal_year, &a, &now);
    const char *what = want->month ? want->month : "the settlement";
    if (!rc && (!same(now.run_id, want->run_id) || !same(now.digest, want->digest) ||
                now.drafted_seq != want->drafted_seq)) {
        res->refusal_code = "not_current";
        rc = ledger_fail(lg, LEDGER_ALREADY_FINALIZED,
                         "%s: what was shown (run %s) is no longer current (run %s, event %lld); "
                         "look at it again before approving", what, want->run_id, now.run_id,
                         (long long)now.drafted_seq);
    }
    if (!rc)
        rc = ledger_signoffs_in(lg, want->month, want->fiscal_year, now.run_id, &a, &so);
    if (!rc && so.approved.seq) {
        res->refusal_code = "already_approved";
        rc = ledger_fail(lg, LEDGER_ALREADY_FINALIZED, "run %s is already approved by %s "
                         "(event %lld)", now.run_id, so.approved.operator_id ? so.approved.operator_id
                                                                             : "?",
                         (long long)so.approved.seq);
    }
    if (!rc) {
        duty_request dr = {DUTY_APPROVE_RUN, lg->signer->operator_id, lg->signer->roles,
                           so.drafted.operator_id, NULL};
        char msg[512];
        duty_verdict v = duty_check(&dr, msg, sizeof msg);
        if (v != DUTY_OK) {
            res->refusal_code = duty_code(v);
            rc = ledger_fail(lg, LEDGER_DUTY, "%s", msg);
        }
    }
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], tm[32];
    if (!rc)
        rc = ledger_chain_head(lg, &seq, prev);
    if (!rc) {
        strbuf sb;
        sb_init(&sb);
        approve_payload(&sb, &now);
        clock_now_iso(tm);
        rc = ledger_chain_append(lg, ++seq, prev, tm, lg->signer->operator_id, "approve", sb.buf,
                                 res->event_hash);
        sb_release(&sb);
        if (!rc)
            res->event_seq = seq;
    }
    arena_release(&a);
    return rc;
}

int ledger_approve(ledger *lg, const ledger_approval_subject *subject, ledger_approve_res *res)
{
    memset(res, 0, sizeof *res);
    if (!lg->signer)
        return ledger_fail(lg, LEDGER_INVALID, "approve: an approval is signed (no signer)");
    if (!subject->run_id || !subject->digest || (!subject->month && !subject->fiscal_year))
        return ledger_fail(lg, LEDGER_INVALID, "approve: what is approved is incomplete");
    int rc = ledger_tx_begin(lg, true);
    if (rc)
        return rc;
    rc = ledger_tx_end(lg, approve_tx(lg, subject, res));
    if (res->refusal_code && (rc == LEDGER_DUTY || rc == LEDGER_ALREADY_FINALIZED)) {
        char subj[16];
        snprintf(subj, sizeof subj, "FY%d", subject->fiscal_year);
        ledger_refusal r = {subject->month ? subject->month : subj, subject->run_id,
                            lg->signer->operator_id, res->refusal_code, NULL, "approve"};
        rc = ledger_record_refusal(lg, &r, rc, &res->event_seq, res->event_hash);
    } else {
        res->refusal_code = NULL;
    }
    return rc;
}

/* ---- every event, for verification ---------------------------------------- */

enum { E_SEQ, E_TIME, E_ACTOR, E_ACTION, E_HASH, E_PAYLOAD, E_PREV, E_SIG, E_HAS, E_OP, E_ROLE,
       E_KEY, E_VIA, E_OFILE, E_OSHA, E_MONTH, E_FY, E_RUN, E_ASEQ, E_AHASH, E_DIGEST, E_REQ,
       E_PSHA, E_NURSERY, E_KIND, E_N };

static const char *text_or_null(arena *a, sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_TEXT ? ledger_col_dup(a, st, i) : NULL;
}

static void signed_row(sqlite3_stmt *st, arena *a, ledger_signed *e)
{
    memset(e, 0, sizeof *e);
    e->seq = sqlite3_column_int64(st, E_SEQ);
    e->time = ledger_col_dup(a, st, E_TIME);
    e->actor = ledger_col_dup(a, st, E_ACTOR);
    e->action = ledger_col_dup(a, st, E_ACTION);
    e->hash = ledger_col_dup(a, st, E_HASH);
    strbuf sb;
    sb_init(&sb);
    ledger_event_content(e->seq, e->time, e->actor, e->action, ledger_col_text(st, E_PAYLOAD),
                         ledger_col_text(st, E_PREV), &sb);
    e->payload = ledger_col_dup(a, st, E_PAYLOAD);
    e->content = arena_strndup(a, sb.buf, sb.len);
    e->content_len = sb.len;
    sb_release(&sb);
    e->signature = text_or_null(a, st, E_SIG);
    e->has_signer = sqlite3_column_int(st, E_HAS);
    e->operator_id = text_or_null(a, st, E_OP);
    e->role = text_or_null(a, st, E_ROLE);
    e->key = text_or_null(a, st, E_KEY);
    e->via = text_or_null(a, st, E_VIA);
    e->operators_file = text_or_null(a, st, E_OFILE);
    e->operators_sha256 = text_or_null(a, st, E_OSHA);
    e->month = text_or_null(a, st, E_MONTH);
    e->fiscal_year = sqlite3_column_int(st, E_FY);
    e->run_id = text_or_null(a, st, E_RUN);
    e->approved_seq = sqlite3_column_int64(st, E_ASEQ);
    e->approved_hash = text_or_null(a, st, E_AHASH);
    e->digest = text_or_null(a, st, E_DIGEST);
    e->requested = text_or_null(a, st, E_REQ);
    e->payments_sha256 = text_or_null(a, st, E_PSHA);
    e->nursery_id = text_or_null(a, st, E_NURSERY);
    e->kind = text_or_null(a, st, E_KIND);
}

#define FIELD(key) " CASE WHEN json_valid(e.payload) THEN json_extract(e.payload, '$." key "') END"

static int signed_all(ledger *lg, arena *a, ledger_signed **out, size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(
        lg,
        "SELECT e.seq, e.time, e.actor, e.action, e.hash, e.payload, e.prev_hash, s.sig,"
        " CASE WHEN json_valid(e.payload) THEN json_type(e.payload, '$.signer') = 'object'"
        "  ELSE 0 END," SIGNER("e.payload", "operator") "," SIGNER("e.payload", "role") ","
        SIGNER("e.payload", "key") "," SIGNER("e.payload", "via") ","
        SIGNER("e.payload", "operators_file") "," SIGNER("e.payload", "operators_sha256") ","
        FIELD("month") ", COALESCE(" FIELD("fiscal_year") "," FIELD("settlement") "),"
        " COALESCE(" FIELD("run_id") "," FIELD("settle_id") "," FIELD("decide_id") "),"
        FIELD("approved_seq") ","
        FIELD("approved_hash") "," FIELD("digest") "," FIELD("requested") ","
        FIELD("payments.sha256") "," FIELD("nursery_id") "," FIELD("kind") ", count(*) OVER ()"
        " FROM events e LEFT JOIN signatures s ON s.seq = e.seq ORDER BY e.seq",
        &st);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, E_N) + 1, sizeof **out);
        signed_row(st, a, &(*out)[(*n)++]);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading events and signatures");
    sqlite3_finalize(st);
    return rc;
}

int ledger_signed_events(ledger *lg, arena *a, ledger_signed **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, signed_all(lg, a, out, n));
}

/* ---- the operators files held ------------------------------------------- */

static int operators_all(ledger *lg, arena *a, ledger_file **out, int64_t **first, size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(
        lg,
        "SELECT sha, MIN(name), MIN(seq), count(*) OVER () FROM ("
        " SELECT" SIGNER("payload", "operators_sha256") " AS sha,"
        SIGNER("payload", "operators_file") " AS name, seq FROM events"
        " UNION ALL SELECT f.sha256, f.name, r.event_seq FROM run_files f"
        "  JOIN runs r ON r.run_id = f.run_id WHERE f.role = 'rules'"
        "  AND f.name LIKE 'operators/%'"
        " UNION ALL SELECT json_extract(j.value, '$.sha256'), json_extract(j.value, '$.name'),"
        "  e.seq FROM events e, json_each(e.payload, '$.files') j"
        "  WHERE e.action IN ('settle', 'settle_supersede') AND json_valid(e.payload)"
        "  AND json_extract(j.value, '$.role') = 'rules'"
        "  AND json_extract(j.value, '$.name') LIKE 'operators/%')"
        " WHERE sha IS NOT NULL GROUP BY sha ORDER BY MIN(name), sha",
        &st);
    if (rc)
        return rc;
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out) {
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 3) + 1, sizeof **out);
            *first = arena_calloc(a, (size_t)sqlite3_column_int64(st, 3) + 1, sizeof **first);
        }
        char *data;
        size_t len;
        int got = ledger_blob_get(lg, ledger_col_text(st, 0), &data, &len);
        if (got == LEDGER_NOT_FOUND || got == LEDGER_CORRUPT)
            continue; /* verification names the event whose file is missing */
        if (got) {
            rc = got;
            break;
        }
        (*first)[*n] = sqlite3_column_int64(st, 2);
        ledger_file *f = &(*out)[(*n)++];
        f->role = "rules";
        f->name = ledger_col_dup(a, st, 1);
        f->sha256 = ledger_col_dup(a, st, 0);
        f->data = arena_strndup(a, data, len);
        f->len = len;
        free(data);
    }
    if (!rc && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading the operators files");
    sqlite3_finalize(st);
    return rc;
}

int ledger_operators_files(ledger *lg, arena *a, ledger_file **out, int64_t **first_seq,
                           size_t *n)
{
    *out = NULL;
    *first_seq = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, operators_all(lg, a, out, first_seq, n));
}

int ledger_head(ledger *lg, int64_t *seq, char hash[SHA256_HEX_LEN + 1], char time[32])
{
    *seq = 0;
    snprintf(hash, SHA256_HEX_LEN + 1, "%s", LEDGER_ZERO_HASH);
    time[0] = '\0';
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if (!(rc = ledger_prepare(lg, "SELECT seq, hash, time FROM events ORDER BY seq DESC LIMIT 1",
                              &st))) {
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW) {
            *seq = sqlite3_column_int64(st, 0);
            snprintf(hash, SHA256_HEX_LEN + 1, "%s", ledger_col_text(st, 1));
            snprintf(time, 32, "%s", ledger_col_text(st, 2));
        } else if (step != SQLITE_DONE) {
            rc = ledger_sqlite_fail(lg, "ledger: reading the last event");
        }
        sqlite3_finalize(st);
    }
    return ledger_tx_end(lg, rc);
}

/* ---- the approval of a grant decision or a budget amendment ---------------- */

/* Whether event e (an alias) counts: unsigned (no operators when it was
 * recorded) or approved before event ?N.  decide_store.c's counting. */
#define GRANT_ACTIONS "('decide', 'decide_amend', 'budget_amend')"

static int pending_in(ledger *lg, int fy, arena *a, ledger_pending **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT e.seq, e.action, e.actor, e.hash,"
                            " json_extract(e.payload, '$.nursery_id'),"
                            " json_extract(e.payload, '$.amount_yen'), count(*) OVER ()"
                            " FROM events e WHERE e.action IN " GRANT_ACTIONS
                            " AND json_valid(e.payload) AND json_extract(e.payload, '$.fiscal_year') = ?1"
                            " AND json_extract(e.payload, '$.signer') IS NOT NULL"
                            " AND NOT EXISTS (SELECT 1 FROM events a WHERE a.action = 'approve'"
                            " AND json_valid(a.payload)"
                            " AND json_extract(a.payload, '$.approved_seq') = e.seq) ORDER BY e.seq",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 6), sizeof **out);
        ledger_pending *p = &(*out)[(*n)++];
        p->seq = sqlite3_column_int64(st, 0);
        p->action = ledger_col_dup(a, st, 1);
        p->actor = ledger_col_dup(a, st, 2);
        p->hash = ledger_col_dup(a, st, 3);
        p->nursery_id = text_or_null(a, st, 4);
        p->amount_yen = sqlite3_column_int64(st, 5);
        p->fiscal_year = fy;
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading what awaits approval");
    sqlite3_finalize(st);
    return rc;
}

int ledger_pending_grants(ledger *lg, int fy, arena *a, ledger_pending **out, size_t *n)
{
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, pending_in(lg, fy, a, out, n));
}

/* Event seq as it stands: its action, hash, drafter, fiscal year and id. */
static int grant_event(ledger *lg, int64_t seq, arena *a, ledger_approval_subject *s,
                       const char **drafter)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT action, hash, json_extract(payload, '$.signer.operator'),"
                            " json_extract(payload, '$.fiscal_year'),"
                            " json_extract(payload, '$.decide_id') FROM events"
                            " WHERE seq = ?1 AND action IN " GRANT_ACTIONS " AND json_valid(payload)",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        s->drafted_seq = seq;
        s->drafted_action = ledger_col_dup(a, st, 0);
        s->drafted_hash = ledger_col_dup(a, st, 1);
        *drafter = text_or_null(a, st, 2);
        s->fiscal_year = sqlite3_column_int(st, 3);
        s->run_id = text_or_null(a, st, 4);
        s->digest = s->drafted_hash; /* what is approved: the event as recorded */
    } else if (step == SQLITE_DONE) {
        rc = ledger_fail(lg, LEDGER_NOT_FOUND, "event %lld is no grant decision, amendment of "
                         "one or budget amendment", (long long)seq);
    } else {
        rc = ledger_sqlite_fail(lg, "ledger: reading the event to approve");
    }
    sqlite3_finalize(st);
    return rc;
}

static int approve_grant_tx(ledger *lg, int64_t seq, ledger_approve_res *res)
{
    arena a = ARENA_INIT;
    ledger_approval_subject s = {0};
    const char *drafter = NULL;
    int rc = grant_event(lg, seq, &a, &s, &drafter);
    int64_t before = 0;
    if (!rc && !drafter) {
        res->refusal_code = "no_signed_draft";
        rc = ledger_fail(lg, LEDGER_DUTY, "event %lld was recorded unsigned (no operators file "
                         "in force then): it counts as it is, with no approval to give",
                         (long long)seq);
    }
    if (!rc) {
        sqlite3_stmt *st;
        rc = ledger_prepare(lg, "SELECT seq FROM events WHERE action = 'approve'"
                                " AND json_valid(payload)"
                                " AND json_extract(payload, '$.approved_seq') = ?1", &st);
        if (!rc) {
            sqlite3_bind_int64(st, 1, seq);
            if (sqlite3_step(st) == SQLITE_ROW)
                before = sqlite3_column_int64(st, 0);
            sqlite3_finalize(st);
        }
    }
    if (!rc && before) {
        res->refusal_code = "already_approved";
        rc = ledger_fail(lg, LEDGER_ALREADY_FINALIZED, "event %lld is already approved (event "
                         "%lld)", (long long)seq, (long long)before);
    }
    if (!rc) {
        duty_request dr = {DUTY_APPROVE_RUN, lg->signer->operator_id, lg->signer->roles,
                           drafter, NULL};
        char msg[512];
        duty_verdict v = duty_check(&dr, msg, sizeof msg);
        if (v != DUTY_OK) {
            res->refusal_code = duty_code(v);
            rc = ledger_fail(lg, LEDGER_DUTY, "%s", msg);
        }
    }
    int64_t head;
    char prev[SHA256_HEX_LEN + 1], tm[32];
    if (!rc)
        rc = ledger_chain_head(lg, &head, prev);
    if (!rc) {
        strbuf sb;
        sb_init(&sb);
        approve_payload(&sb, &s);
        clock_now_iso(tm);
        rc = ledger_chain_append(lg, ++head, prev, tm, lg->signer->operator_id, "approve", sb.buf,
                                 res->event_hash);
        sb_release(&sb);
        if (!rc)
            res->event_seq = head;
    }
    res->fiscal_year = s.fiscal_year;
    arena_release(&a);
    return rc;
}

int ledger_approve_grant(ledger *lg, int64_t seq, ledger_approve_res *res)
{
    memset(res, 0, sizeof *res);
    if (!lg->signer)
        return ledger_fail(lg, LEDGER_INVALID, "approve: an approval is signed (no signer)");
    int rc = ledger_tx_begin(lg, true);
    if (rc)
        return rc;
    rc = ledger_tx_end(lg, approve_grant_tx(lg, seq, res));
    if (res->refusal_code && (rc == LEDGER_DUTY || rc == LEDGER_ALREADY_FINALIZED)) {
        char subj[16];
        snprintf(subj, sizeof subj, "FY%d", res->fiscal_year);
        ledger_refusal r = {subj, NULL, lg->signer->operator_id, res->refusal_code, NULL,
                            "approve"};
        rc = ledger_record_refusal(lg, &r, rc, &res->event_seq, res->event_hash);
    } else {
        res->refusal_code = NULL;
    }
    return rc;
}
