/* chain: the ledger's append-only event log.  Each event's hash is SHA-256
 * over a canonical JSON of (seq, time, actor, action, payload, prev_hash), so
 * an edit, deletion or reordering breaks the chain; ledger_verify recomputes
 * it and checks every run against the payload its event recorded.  Every
 * event is appended here, and signed here when the handle has a signer
 * (sign.c does the signing).  Not here: SQL schema and transactions
 * (store.c), file contents (blob.c), writing JSON (json.c; the payloads are
 * described in ledger_int.h), checking signatures against the operators in
 * force (src/flow/signatures.c). */
#include "ledger_int.h"

#include <assert.h>
#include <stdarg.h>
#include <string.h>

/* ---- events ------------------------------------------------------------ */

static int chain_insert(ledger *lg, int64_t seq, const char *prev_hash, const char *time,
                        const char *actor, const char *action, const char *payload,
                        const char hash[SHA256_HEX_LEN + 1]);

/* The hashed form, reproducible in Python as
 *   json.dumps({"action":..., "actor":..., "payload": payload_text,
 *               "prev_hash":..., "seq":..., "time":...}, sort_keys=True,
 *              separators=(",", ":"), ensure_ascii=False).encode()
 * with the payload embedded as a string, so any byte of it counts. */
void ledger_event_content(int64_t seq, const char *time, const char *actor, const char *action,
                          const char *payload, const char *prev_hash, strbuf *out)
{
    ledger_json j;
    ledger_json_start(&j, out);
    ledger_json_open(&j, '{');
    ledger_json_kv_text(&j, "action", action);
    ledger_json_kv_text(&j, "actor", actor);
    ledger_json_kv_text(&j, "payload", payload);
    ledger_json_kv_text(&j, "prev_hash", prev_hash);
    ledger_json_kv_number(&j, "seq", seq);
    ledger_json_kv_text(&j, "time", time);
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
}

void ledger_event_hash(int64_t seq, const char *time, const char *actor, const char *action,
                       const char *payload, const char *prev_hash, char out[SHA256_HEX_LEN + 1])
{
    strbuf sb;
    sb_init(&sb);
    ledger_event_content(seq, time, actor, action, payload, prev_hash, &sb);
    hash_sha256_hex(sb.buf, sb.len, out);
    sb_release(&sb);
}

int ledger_chain_head(ledger *lg, int64_t *seq, char hash[SHA256_HEX_LEN + 1])
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1", &st);
    if (rc)
        return rc;
    *seq = 0;
    snprintf(hash, SHA256_HEX_LEN + 1, "%s", LEDGER_ZERO_HASH);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        *seq = sqlite3_column_int64(st, 0);
        snprintf(hash, SHA256_HEX_LEN + 1, "%s", ledger_col_text(st, 1));
    } else if (step != SQLITE_DONE) {
        rc = ledger_sqlite_fail(lg, "ledger: reading the last event");
    }
    sqlite3_finalize(st);
    return rc;
}

/* The one place an event is appended: with a signer on the handle its
 * payload gets the signer object first and its signature is stored after
 * the row (sign.c), in the caller's transaction. */
int ledger_chain_append(ledger *lg, int64_t seq, const char *prev_hash, const char *time,
                        const char *actor, const char *action, const char *payload,
                        char hash[SHA256_HEX_LEN + 1])
{
    strbuf signed_payload, content;
    sb_init(&signed_payload);
    sb_init(&content);
    int rc = LEDGER_OK;
    if (lg->signer) {
        rc = ledger_sign_payload(lg, actor, action, payload, &signed_payload);
        payload = signed_payload.buf;
    }
    if (!rc) {
        ledger_event_content(seq, time, actor, action, payload, prev_hash, &content);
        hash_sha256_hex(content.buf, content.len, hash);
        rc = chain_insert(lg, seq, prev_hash, time, actor, action, payload, hash);
    }
    if (!rc && lg->signer)
        rc = ledger_sign_store(lg, seq, content.buf, content.len);
    sb_release(&signed_payload);
    sb_release(&content);
    return rc;
}

static int chain_insert(ledger *lg, int64_t seq, const char *prev_hash, const char *time,
                        const char *actor, const char *action, const char *payload,
                        const char hash[SHA256_HEX_LEN + 1])
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "INSERT INTO events(seq, time, actor, action, payload, prev_hash, hash)"
                            " VALUES (?,?,?,?,?,?,?)",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, seq);
    ledger_bind_text(st, 2, time);
    ledger_bind_text(st, 3, actor);
    ledger_bind_text(st, 4, action);
    ledger_bind_text(st, 5, payload);
    ledger_bind_text(st, 6, prev_hash);
    ledger_bind_text(st, 7, hash);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: appending the event");
    sqlite3_finalize(st);
    return rc;
}

/* ---- run payloads ------------------------------------------------------ */

int ledger_payments_digest(ledger *lg, const char *run_id, char out[SHA256_HEX_LEN + 1],
                           int64_t *count)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT nursery_id, program, rule_version, amount_yen FROM payments"
                            " WHERE run_id = ? ORDER BY nursery_id, program",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, run_id);
    strbuf sb;
    sb_init(&sb);
    int step;
    *count = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_json j;
        ledger_json_start(&j, &sb);
        ledger_json_open(&j, '[');
        for (int i = 0; i < 3; i++)
            ledger_json_text(&j, ledger_col_text(st, i));
        ledger_json_number(&j, sqlite3_column_int64(st, 3));
        ledger_json_close(&j);
        sb_addc(&sb, '\n');
        ++*count;
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading payments");
    sqlite3_finalize(st);
    hash_sha256_hex(sb.buf, sb.len, out);
    sb_release(&sb);
    return rc;
}

/* A run's text or integer column as a value (SQL NULL: null). */
static void kv_text_col(ledger_json *j, const char *key, sqlite3_stmt *st, int i)
{
    ledger_json_kv_text(j, key,
                        sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : ledger_col_text(st, i));
}

static void kv_int_col(ledger_json *j, const char *key, sqlite3_stmt *st, int i)
{
    ledger_json_kv_number(j, key, sqlite3_column_int64(st, i));
}

static int add_files(ledger *lg, const char *run_id, ledger_json *j)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT COALESCE(b.length, -1), f.name, f.role, f.sha256"
                            " FROM run_files f LEFT JOIN blobs b ON b.sha256 = f.sha256"
                            " WHERE f.run_id = ? ORDER BY f.role, f.name",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, run_id);
    ledger_json_key(j, "files");
    ledger_json_open(j, '[');
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        ledger_json_open(j, '{');
        kv_int_col(j, "bytes", st, 0);
        kv_text_col(j, "name", st, 1);
        kv_text_col(j, "role", st, 2);
        kv_text_col(j, "sha256", st, 3);
        ledger_json_close(j);
    }
    ledger_json_close(j);
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading run files");
    sqlite3_finalize(st);
    return rc;
}

static int add_program_totals(ledger *lg, const char *run_id, ledger_json *j)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT program, amount_yen FROM run_programs WHERE run_id = ?"
                            " ORDER BY program",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, run_id);
    ledger_json_key(j, "program_totals");
    ledger_json_open(j, '{'); /* keys: the program ids, in ORDER BY's byte order */
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        kv_int_col(j, ledger_col_text(st, 0), st, 1);
    ledger_json_close(j);
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading program totals");
    sqlite3_finalize(st);
    return rc;
}

static int add_payments(ledger *lg, const char *run_id, ledger_json *j)
{
    char digest[SHA256_HEX_LEN + 1];
    int64_t count;
    int rc = ledger_payments_digest(lg, run_id, digest, &count);
    ledger_json_key(j, "payments");
    ledger_json_open(j, '{');
    ledger_json_kv_number(j, "count", count);
    ledger_json_kv_text(j, "sha256", digest);
    ledger_json_close(j);
    return rc;
}

int ledger_corrections_stmt(ledger *lg, const char *run_id, sqlite3_stmt **st)
{
    /* one row per nursery × program paid by either run, kept when the amounts
     * differ; a row missing from a run is 0 (payments holds amounts > 0) */
    int rc = ledger_prepare(lg,
                            "SELECT p.nursery_id, p.program,"
                            " SUM(CASE WHEN p.run_id = r.supersedes THEN p.amount_yen ELSE 0 END)"
                            " AS paid,"
                            " SUM(CASE WHEN p.run_id = r.run_id THEN p.amount_yen ELSE 0 END)"
                            " AS corrected, count(*) OVER ()"
                            " FROM runs r JOIN payments p ON p.run_id IN (r.run_id, r.supersedes)"
                            " WHERE r.run_id = ?1 AND r.supersedes IS NOT NULL"
                            " GROUP BY p.nursery_id, p.program HAVING paid <> corrected"
                            " ORDER BY p.nursery_id, p.program",
                            st);
    if (!rc)
        ledger_bind_text(*st, 1, run_id);
    return rc;
}

/* supersede.corrections: [{corrected_yen, difference_yen, nursery_id,
 * paid_yen, program}, ...] in the order of ledger_corrections_stmt. */
static int add_corrections(ledger *lg, const char *run_id, ledger_json *j)
{
    sqlite3_stmt *st;
    int rc = ledger_corrections_stmt(lg, run_id, &st);
    if (rc)
        return rc;
    ledger_json_key(j, "corrections");
    ledger_json_open(j, '[');
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t paid = sqlite3_column_int64(st, 2), now = sqlite3_column_int64(st, 3);
        ledger_json_open(j, '{');
        kv_int_col(j, "corrected_yen", st, 3);
        /* both in [0, INT64_MAX]: no overflow */
        ledger_json_kv_number(j, "difference_yen", now - paid);
        kv_text_col(j, "nursery_id", st, 0);
        kv_int_col(j, "paid_yen", st, 2);
        kv_text_col(j, "program", st, 1);
        ledger_json_close(j);
    }
    ledger_json_close(j);
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading corrections");
    sqlite3_finalize(st);
    return rc;
}

/* Keys in byte order; columns of the SELECT below. */
enum { P_ACTOR, P_BFY, P_BLINE, P_BYEN, P_CREATED, P_ENGINE, P_FY, P_PAID, P_MONTH,
       P_OVERRUN, P_OBREASON, P_RUN, P_SREASON, P_SUPERSEDES, P_TOTAL };

static void add_budget(ledger_json *j, sqlite3_stmt *st)
{
    ledger_json_key(j, "budget");
    if (sqlite3_column_type(st, P_BLINE) == SQLITE_NULL) {
        ledger_json_text(j, NULL);
    } else {
        ledger_json_open(j, '{');
        kv_int_col(j, "fiscal_year", st, P_BFY);
        kv_int_col(j, "line_amount_yen", st, P_BYEN);
        kv_text_col(j, "line_id", st, P_BLINE);
        ledger_json_close(j);
    }
}

/* The payload of ledger_int.h's description, 2. */
static int run_payload_row(ledger *lg, sqlite3_stmt *st, bool legacy, ledger_json *j)
{
    const char *run_id = ledger_col_text(st, P_RUN);
    ledger_json_open(j, '{');
    kv_text_col(j, "actor", st, P_ACTOR);
    add_budget(j, st);
    kv_text_col(j, "created", st, P_CREATED);
    int rc = ledger_documents_json(lg, run_id, j);
    kv_text_col(j, "engine_version", st, P_ENGINE);
    if (!rc)
        rc = add_files(lg, run_id, j);
    kv_int_col(j, "fiscal_year", st, P_FY);
    kv_int_col(j, "fy_paid_yen", st, P_PAID);
    kv_text_col(j, "month", st, P_MONTH);
    ledger_json_key(j, "over_budget_override");
    if (sqlite3_column_type(st, P_OBREASON) == SQLITE_NULL) {
        ledger_json_text(j, NULL);
    } else {
        ledger_json_open(j, '{');
        kv_int_col(j, "overrun_yen", st, P_OVERRUN);
        kv_text_col(j, "reason", st, P_OBREASON);
        ledger_json_close(j);
    }
    if (!rc)
        rc = add_payments(lg, run_id, j);
    if (!rc)
        rc = add_program_totals(lg, run_id, j);
    kv_text_col(j, "run_id", st, P_RUN);
    ledger_json_key(j, "supersede");
    if (sqlite3_column_type(st, P_SUPERSEDES) == SQLITE_NULL) {
        ledger_json_text(j, NULL);
    } else {
        ledger_json_open(j, '{');
        if (!rc && !legacy)
            rc = add_corrections(lg, run_id, j);
        if (!rc && !legacy)
            rc = ledger_owed_base_json(lg, run_id, j);
        kv_text_col(j, "reason", st, P_SREASON);
        kv_text_col(j, "superseded_run_id", st, P_SUPERSEDES);
        ledger_json_close(j);
    }
    kv_int_col(j, "total_yen", st, P_TOTAL);
    ledger_json_close(j);
    return rc;
}

int ledger_run_payload(ledger *lg, const char *run_id, bool legacy, strbuf *out)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT actor, budget_fiscal_year, budget_line_id, budget_line_yen,"
                            " created, engine_version, fiscal_year, fy_paid_yen, month,"
                            " overrun_yen, over_budget_reason, run_id, supersede_reason,"
                            " supersedes, total_yen FROM runs WHERE run_id = ?",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, run_id);
    int step = sqlite3_step(st);
    ledger_json j;
    ledger_json_start(&j, out);
    if (step == SQLITE_ROW)
        rc = run_payload_row(lg, st, legacy, &j);
    else if (step == SQLITE_DONE)
        rc = ledger_fail(lg, LEDGER_NOT_FOUND, "ledger: no run %s", run_id);
    else
        rc = ledger_sqlite_fail(lg, "ledger: reading the run");
    sqlite3_finalize(st);
    return rc;
}

/* ---- verification ------------------------------------------------------ */

static void problem(FILE *report, int *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(FILE *report, int *n, const char *fmt, ...)
{
    ++*n;
    if (!report)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(report, fmt, ap);
    va_end(ap);
    fputc('\n', report);
}

/* Each event against its own hash and its predecessor's; a break is
 * reported once, then the chain continues from the stored hash. */
static int verify_chain(ledger *lg, FILE *report, int *problems, ledger_counts *c)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT seq, time, actor, action, payload, prev_hash, hash"
                            " FROM events ORDER BY seq",
                            &st);
    if (rc)
        return rc;
    char expect_prev[SHA256_HEX_LEN + 1] = LEDGER_ZERO_HASH, hash[SHA256_HEX_LEN + 1];
    int64_t last = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        const char *stored = ledger_col_text(st, 6);
        c->events++;
        if (strcmp(ledger_col_text(st, 5), expect_prev) != 0)
            problem(report, problems,
                    "event %lld: previous-hash link broken (event deleted, inserted or reordered)",
                    (long long)seq);
        else if (seq != last + 1)
            problem(report, problems, "event %lld: sequence gap after event %lld",
                    (long long)seq, (long long)last);
        ledger_event_hash(seq, ledger_col_text(st, 1), ledger_col_text(st, 2),
                          ledger_col_text(st, 3), ledger_col_text(st, 4), ledger_col_text(st, 5),
                          hash);
        if (strcmp(hash, stored) != 0)
            problem(report, problems, "event %lld: hash mismatch (payload or fields edited)",
                    (long long)seq);
        snprintf(expect_prev, sizeof expect_prev, "%s", stored);
        last = seq;
    }
    c->head_seq = last;
    snprintf(c->head_hash, sizeof c->head_hash, "%s", expect_prev);
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading events");
    sqlite3_finalize(st);
    return rc;
}

/* The stored payload's signer object put into the rebuilt one, into with;
 * false when the stored payload has none. */
static bool signer_put_back(const char *stored, const char *rebuilt, strbuf *with)
{
    strbuf rest, value;
    sb_init(&rest);
    sb_init(&value);
    bool ok = ledger_json_take(stored, "signer", &rest, &value) &&
              ledger_json_put(rebuilt, "signer", value.buf, with);
    sb_release(&rest);
    sb_release(&value);
    return ok;
}

enum { V_RUN, V_SEQ, V_HAS_EVENT, V_ACTION, V_EACTOR, V_RACTOR, V_PAYLOAD, V_PRUN, V_PSHA,
       V_IS_SUPERSEDE, V_LEGACY };

/* One run against the event that recorded it. */
static int verify_run_row(ledger *lg, sqlite3_stmt *st, FILE *report, int *problems)
{
    const char *run = ledger_col_text(st, V_RUN);
    long long seq = sqlite3_column_int64(st, V_SEQ);
    const char *want = sqlite3_column_int(st, V_IS_SUPERSEDE) ? "supersede" : "finalize";
    if (!sqlite3_column_int(st, V_HAS_EVENT)) {
        problem(report, problems, "event %lld: missing, but run %s was recorded by it (event deleted)",
                seq, run);
        return LEDGER_OK;
    }
    if (strcmp(ledger_col_text(st, V_ACTION), want) != 0 ||
        strcmp(ledger_col_text(st, V_PRUN), run) != 0) {
        problem(report, problems, "event %lld: does not record run %s (events or runs altered)",
                seq, run);
        return LEDGER_OK;
    }
    char digest[SHA256_HEX_LEN + 1];
    int64_t count;
    int rc = ledger_payments_digest(lg, run, digest, &count);
    if (rc)
        return rc;
    if (strcmp(digest, ledger_col_text(st, V_PSHA)) != 0) {
        problem(report, problems,
                "event %lld: payments of run %s do not match the digest recorded in the event "
                "(payment row edited, added or deleted)", seq, run);
        return LEDGER_OK;
    }
    strbuf sb, with;
    sb_init(&sb);
    sb_init(&with);
    rc = ledger_run_payload(lg, run, sqlite3_column_int(st, V_LEGACY), &sb);
    const char *stored = ledger_col_text(st, V_PAYLOAD), *rebuilt = sb.buf;
    if (!rc && signer_put_back(stored, sb.buf, &with)) /* a signed event (ledger_int.h, 6.) */
        rebuilt = with.buf;
    if (!rc && (strcmp(rebuilt, stored) != 0 ||
                strcmp(ledger_col_text(st, V_EACTOR), ledger_col_text(st, V_RACTOR)) != 0))
        problem(report, problems,
                "event %lld: run %s's record (run row, program totals or files) does not match "
                "the event", seq, run);
    sb_release(&sb);
    sb_release(&with);
    return rc;
}

static int verify_runs(ledger *lg, FILE *report, int *problems, int64_t *n_runs)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(
        lg,
        "SELECT r.run_id, r.event_seq, e.seq IS NOT NULL, e.action, e.actor, r.actor, e.payload,"
        " CASE WHEN json_valid(e.payload) THEN json_extract(e.payload, '$.run_id') END,"
        " CASE WHEN json_valid(e.payload) THEN json_extract(e.payload, '$.payments.sha256') END,"
        " r.supersedes IS NOT NULL,"
        /* a supersede event written before corrections were recorded */
        " r.supersedes IS NOT NULL AND json_valid(e.payload)"
        "  AND json_type(e.payload, '$.supersede.corrections') IS NULL"
        " FROM runs r LEFT JOIN events e ON e.seq = r.event_seq ORDER BY r.event_seq",
        &st);
    if (rc)
        return rc;
    int step;
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        ++*n_runs;
        rc = verify_run_row(lg, st, report, problems);
    }
    if (!rc && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading runs");
    sqlite3_finalize(st);
    return rc;
}

/* Events recording a run that is gone, and supersession marks that do not
 * match the run that claims to supersede. */
static int verify_links(ledger *lg, FILE *report, int *problems)
{
    static const char *const sql[] = {
        "SELECT e.seq, CASE WHEN json_valid(e.payload)"
        " THEN json_extract(e.payload, '$.run_id') END, '' FROM events e"
        " WHERE e.action IN ('finalize', 'supersede')"
        " AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.event_seq = e.seq)",
        "SELECT a.event_seq, a.run_id, a.superseded_by FROM runs a WHERE a.superseded_by IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM runs b WHERE b.run_id = a.superseded_by"
        " AND b.supersedes = a.run_id)",
        "SELECT b.event_seq, b.run_id, b.supersedes FROM runs b WHERE b.supersedes IS NOT NULL"
        " AND NOT EXISTS (SELECT 1 FROM runs a WHERE a.run_id = b.supersedes"
        " AND a.superseded_by = b.run_id)",
    };
    static const char *const msg[] = {
        "event %lld: records run %s, which is missing from the runs (run deleted)",
        "event %lld: run %s is marked superseded by %s, which does not supersede it",
        "event %lld: run %s supersedes %s, which is not marked superseded",
    };
    int rc = LEDGER_OK;
    for (int q = 0; !rc && q < 3; q++) {
        sqlite3_stmt *st;
        if ((rc = ledger_prepare(lg, sql[q], &st)))
            return rc;
        int step;
        while ((step = sqlite3_step(st)) == SQLITE_ROW)
            problem(report, problems, msg[q], (long long)sqlite3_column_int64(st, 0),
                    ledger_col_text(st, 1), ledger_col_text(st, 2));
        if (step != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "ledger: checking run links");
        sqlite3_finalize(st);
    }
    return rc;
}

int ledger_verify(ledger *lg, FILE *report, ledger_counts *counts)
{
    ledger_counts c = {0, 0, 0, 0, LEDGER_ZERO_HASH};
    int problems = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return -1;
    rc = verify_chain(lg, report, &problems, &c);
    if (!rc)
        rc = verify_runs(lg, report, &problems, &c.runs);
    if (!rc)
        rc = verify_links(lg, report, &problems);
    if (!rc)
        rc = ledger_blob_verify(lg, report, &problems, &c.blobs);
    if (!rc) /* each settlement on the months' runs of its time (issue 21 item 4) */
        rc = ledger_verify_settlements(lg, report, &problems);
    rc = ledger_tx_end(lg, rc);
    if (counts)
        *counts = c;
    return rc ? -1 : problems;
}

int ledger_verify_anchors(ledger *lg, const ledger_anchor *anchors, size_t n, FILE *report)
{
    sqlite3_stmt *st;
    if (ledger_prepare(lg, "SELECT hash FROM events WHERE seq = ?", &st))
        return -1;
    int problems = 0, rc = LEDGER_OK;
    for (size_t i = 0; i < n && !rc; i++) {
        const ledger_anchor *an = &anchors[i];
        sqlite3_reset(st);
        sqlite3_bind_int64(st, 1, an->seq);
        int step = sqlite3_step(st);
        if (step == SQLITE_DONE)
            problem(report, &problems, "event %lld: gone, but anchor %lld:%s was recorded for it",
                    (long long)an->seq, (long long)an->seq, an->hash);
        else if (step != SQLITE_ROW)
            rc = ledger_sqlite_fail(lg, "ledger: reading an anchored event");
        else if (strcmp(ledger_col_text(st, 0), an->hash) != 0)
            problem(report, &problems,
                    "event %lld: hash %s differs from the recorded anchor %s (the event log "
                    "was rewritten after the anchor was taken)",
                    (long long)an->seq, ledger_col_text(st, 0), an->hash);
    }
    sqlite3_finalize(st);
    return rc ? -1 : problems;
}

/* ---- export ------------------------------------------------------------ */

static void export_row(sqlite3_stmt *st, strbuf *sb)
{
    sb_reset(sb);
    ledger_json j;
    ledger_json_start(&j, sb);
    ledger_json_open(&j, '{');
    ledger_json_kv_text(&j, "action", ledger_col_text(st, 3));
    ledger_json_kv_text(&j, "actor", ledger_col_text(st, 2));
    ledger_json_kv_text(&j, "hash", ledger_col_text(st, 6));
    ledger_json_key(&j, "payload");
    if (sqlite3_column_int(st, 7))
        ledger_json_raw(&j, ledger_col_text(st, 4));
    else /* not JSON (tampered): keep the line parseable */
        ledger_json_text(&j, ledger_col_text(st, 4));
    ledger_json_kv_text(&j, "prev_hash", ledger_col_text(st, 5));
    ledger_json_kv_number(&j, "seq", sqlite3_column_int64(st, 0));
    ledger_json_kv_text(&j, "time", ledger_col_text(st, 1));
    ledger_json_close(&j);
    assert(ledger_json_done(&j));
    sb_addc(sb, '\n');
}

int ledger_export_jsonl(ledger *lg, FILE *out)
{
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if ((rc = ledger_prepare(lg,
                             "SELECT seq, time, actor, action, payload, prev_hash, hash,"
                             " CASE WHEN json_valid(payload) THEN json_type(payload) = 'object' ELSE 0 END"
                             " FROM events ORDER BY seq",
                             &st)))
        return ledger_tx_end(lg, rc);
    strbuf sb;
    sb_init(&sb);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        export_row(st, &sb);
        fwrite(sb.buf, 1, sb.len, out);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading events");
    sqlite3_finalize(st);
    sb_release(&sb);
    if (!rc && (fflush(out) != 0 || ferror(out)))
        rc = ledger_fail(lg, LEDGER_IO, "export: write error");
    return ledger_tx_end(lg, rc);
}
