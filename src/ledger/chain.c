/* chain: the ledger's append-only event log.  Each event's hash is SHA-256
 * over a canonical JSON of (seq, time, actor, action, payload, prev_hash), so
 * an edit, deletion or reordering breaks the chain; ledger_verify recomputes
 * it and checks every run against the payload its event recorded.  Not here:
 * SQL schema and transactions (store.c), file contents (blob.c). */
#include "ledger_int.h"

#include <stdarg.h>
#include <string.h>

/* ---- canonical JSON ---------------------------------------------------- */

void ledger_json_str(strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sb_addc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sb_adds(sb, "\\\""); break;
        case '\\': sb_adds(sb, "\\\\"); break;
        case '\b': sb_adds(sb, "\\b"); break;
        case '\f': sb_adds(sb, "\\f"); break;
        case '\n': sb_adds(sb, "\\n"); break;
        case '\r': sb_adds(sb, "\\r"); break;
        case '\t': sb_adds(sb, "\\t"); break;
        default:
            if (*p < 0x20) {
                char u[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
                sb_adds(sb, u);
            } else {
                sb_addc(sb, (char)*p);
            }
        }
    }
    sb_addc(sb, '"');
}

void ledger_json_int(strbuf *sb, int64_t v) { sb_addf(sb, "%lld", (long long)v); }

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
bool ledger_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, n, min;
        if (c < 0x80) { p++; continue; }
        if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; c &= 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; c &= 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; c &= 0x07; }
        else return false;
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            c = (c << 6) | (p[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

/* ---- events ------------------------------------------------------------ */

/* The hashed form, reproducible in Python as
 *   json.dumps({"action":..., "actor":..., "payload": payload_text,
 *               "prev_hash":..., "seq":..., "time":...}, sort_keys=True,
 *              separators=(",", ":"), ensure_ascii=False).encode()
 * with the payload embedded as a string, so any byte of it counts. */
void ledger_event_hash(int64_t seq, const char *time, const char *actor, const char *action,
                       const char *payload, const char *prev_hash, char out[SHA256_HEX_LEN + 1])
{
    strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, "{\"action\":");
    ledger_json_str(&sb, action);
    sb_adds(&sb, ",\"actor\":");
    ledger_json_str(&sb, actor);
    sb_adds(&sb, ",\"payload\":");
    ledger_json_str(&sb, payload);
    sb_adds(&sb, ",\"prev_hash\":");
    ledger_json_str(&sb, prev_hash);
    sb_adds(&sb, ",\"seq\":");
    ledger_json_int(&sb, seq);
    sb_adds(&sb, ",\"time\":");
    ledger_json_str(&sb, time);
    sb_addc(&sb, '}');
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

int ledger_chain_append(ledger *lg, int64_t seq, const char *prev_hash, const char *time,
                        const char *actor, const char *action, const char *payload,
                        char hash[SHA256_HEX_LEN + 1])
{
    ledger_event_hash(seq, time, actor, action, payload, prev_hash, hash);
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
        sb_addc(&sb, '[');
        for (int i = 0; i < 3; i++) {
            ledger_json_str(&sb, ledger_col_text(st, i));
            sb_addc(&sb, ',');
        }
        ledger_json_int(&sb, sqlite3_column_int64(st, 3));
        sb_adds(&sb, "]\n");
        ++*count;
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading payments");
    sqlite3_finalize(st);
    hash_sha256_hex(sb.buf, sb.len, out);
    sb_release(&sb);
    return rc;
}

/* "key":value pairs of a run's text/int columns, in the order given. */
static void add_key(strbuf *sb, const char *key)
{
    if (sb->len && sb->buf[sb->len - 1] != '{')
        sb_addc(sb, ',');
    ledger_json_str(sb, key);
    sb_addc(sb, ':');
}

static void add_text_col(strbuf *sb, const char *key, sqlite3_stmt *st, int i)
{
    add_key(sb, key);
    if (sqlite3_column_type(st, i) == SQLITE_NULL)
        sb_adds(sb, "null");
    else
        ledger_json_str(sb, ledger_col_text(st, i));
}

static void add_int_col(strbuf *sb, const char *key, sqlite3_stmt *st, int i)
{
    add_key(sb, key);
    ledger_json_int(sb, sqlite3_column_int64(st, i));
}

static int add_files(ledger *lg, const char *run_id, strbuf *sb)
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
    add_key(sb, "files");
    sb_addc(sb, '[');
    int step;
    for (int n = 0; (step = sqlite3_step(st)) == SQLITE_ROW; n++) {
        sb_adds(sb, n ? ",{" : "{");
        add_int_col(sb, "bytes", st, 0);
        add_text_col(sb, "name", st, 1);
        add_text_col(sb, "role", st, 2);
        add_text_col(sb, "sha256", st, 3);
        sb_addc(sb, '}');
    }
    sb_addc(sb, ']');
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading run files");
    sqlite3_finalize(st);
    return rc;
}

static int add_program_totals(ledger *lg, const char *run_id, strbuf *sb)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT program, amount_yen FROM run_programs WHERE run_id = ?"
                            " ORDER BY program",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, run_id);
    add_key(sb, "program_totals");
    sb_addc(sb, '{');
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW)
        add_int_col(sb, ledger_col_text(st, 0), st, 1);
    sb_addc(sb, '}');
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading program totals");
    sqlite3_finalize(st);
    return rc;
}

static int add_payments(ledger *lg, const char *run_id, strbuf *sb)
{
    char digest[SHA256_HEX_LEN + 1];
    int64_t count;
    int rc = ledger_payments_digest(lg, run_id, digest, &count);
    add_key(sb, "payments");
    sb_adds(sb, "{\"count\":");
    ledger_json_int(sb, count);
    sb_adds(sb, ",\"sha256\":");
    ledger_json_str(sb, digest);
    sb_addc(sb, '}');
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
static int add_corrections(ledger *lg, const char *run_id, strbuf *sb)
{
    sqlite3_stmt *st;
    int rc = ledger_corrections_stmt(lg, run_id, &st);
    if (rc)
        return rc;
    add_key(sb, "corrections");
    sb_addc(sb, '[');
    int step;
    for (int n = 0; (step = sqlite3_step(st)) == SQLITE_ROW; n++) {
        int64_t paid = sqlite3_column_int64(st, 2), now = sqlite3_column_int64(st, 3);
        sb_adds(sb, n ? ",{" : "{");
        add_int_col(sb, "corrected_yen", st, 3);
        add_key(sb, "difference_yen");
        ledger_json_int(sb, now - paid); /* both in [0, INT64_MAX]: no overflow */
        add_text_col(sb, "nursery_id", st, 0);
        add_int_col(sb, "paid_yen", st, 2);
        add_text_col(sb, "program", st, 1);
        sb_addc(sb, '}');
    }
    sb_addc(sb, ']');
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading corrections");
    sqlite3_finalize(st);
    return rc;
}

/* Keys in byte order; columns of the SELECT below. */
enum { P_ACTOR, P_BFY, P_BLINE, P_BYEN, P_CREATED, P_ENGINE, P_FY, P_PAID, P_MONTH,
       P_OVERRUN, P_OBREASON, P_RUN, P_SREASON, P_SUPERSEDES, P_TOTAL };

static void add_nested(strbuf *sb, sqlite3_stmt *st)
{
    add_key(sb, "budget");
    if (sqlite3_column_type(st, P_BLINE) == SQLITE_NULL) {
        sb_adds(sb, "null");
    } else {
        sb_addc(sb, '{');
        add_int_col(sb, "fiscal_year", st, P_BFY);
        add_int_col(sb, "line_amount_yen", st, P_BYEN);
        add_text_col(sb, "line_id", st, P_BLINE);
        sb_addc(sb, '}');
    }
}

static int run_payload_row(ledger *lg, sqlite3_stmt *st, bool legacy, strbuf *sb)
{
    const char *run_id = ledger_col_text(st, P_RUN);
    sb_addc(sb, '{');
    add_text_col(sb, "actor", st, P_ACTOR);
    add_nested(sb, st);
    add_text_col(sb, "created", st, P_CREATED);
    add_text_col(sb, "engine_version", st, P_ENGINE);
    int rc = add_files(lg, run_id, sb);
    add_int_col(sb, "fiscal_year", st, P_FY);
    add_int_col(sb, "fy_paid_yen", st, P_PAID);
    add_text_col(sb, "month", st, P_MONTH);
    add_key(sb, "over_budget_override");
    if (sqlite3_column_type(st, P_OBREASON) == SQLITE_NULL) {
        sb_adds(sb, "null");
    } else {
        sb_addc(sb, '{');
        add_int_col(sb, "overrun_yen", st, P_OVERRUN);
        add_text_col(sb, "reason", st, P_OBREASON);
        sb_addc(sb, '}');
    }
    if (!rc)
        rc = add_payments(lg, run_id, sb);
    if (!rc)
        rc = add_program_totals(lg, run_id, sb);
    add_text_col(sb, "run_id", st, P_RUN);
    add_key(sb, "supersede");
    if (sqlite3_column_type(st, P_SUPERSEDES) == SQLITE_NULL) {
        sb_adds(sb, "null");
    } else {
        sb_addc(sb, '{');
        if (!rc && !legacy)
            rc = add_corrections(lg, run_id, sb);
        add_text_col(sb, "reason", st, P_SREASON);
        add_text_col(sb, "superseded_run_id", st, P_SUPERSEDES);
        sb_addc(sb, '}');
    }
    add_int_col(sb, "total_yen", st, P_TOTAL);
    sb_addc(sb, '}');
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
    if (step == SQLITE_ROW)
        rc = run_payload_row(lg, st, legacy, out);
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
    strbuf sb;
    sb_init(&sb);
    rc = ledger_run_payload(lg, run, sqlite3_column_int(st, V_LEGACY), &sb);
    if (!rc && (strcmp(sb.buf, ledger_col_text(st, V_PAYLOAD)) != 0 ||
                strcmp(ledger_col_text(st, V_EACTOR), ledger_col_text(st, V_RACTOR)) != 0))
        problem(report, problems,
                "event %lld: run %s's record (run row, program totals or files) does not match "
                "the event", seq, run);
    sb_release(&sb);
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
    sb_adds(sb, "{\"action\":");
    ledger_json_str(sb, ledger_col_text(st, 3));
    sb_adds(sb, ",\"actor\":");
    ledger_json_str(sb, ledger_col_text(st, 2));
    sb_adds(sb, ",\"hash\":");
    ledger_json_str(sb, ledger_col_text(st, 6));
    sb_adds(sb, ",\"payload\":");
    if (sqlite3_column_int(st, 7))
        sb_adds(sb, ledger_col_text(st, 4));
    else /* not JSON (tampered): keep the line parseable */
        ledger_json_str(sb, ledger_col_text(st, 4));
    sb_adds(sb, ",\"prev_hash\":");
    ledger_json_str(sb, ledger_col_text(st, 5));
    sb_adds(sb, ",\"seq\":");
    ledger_json_int(sb, sqlite3_column_int64(st, 0));
    sb_adds(sb, ",\"time\":");
    ledger_json_str(sb, ledger_col_text(st, 1));
    sb_adds(sb, "}\n");
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
