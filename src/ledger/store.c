/* store: the ledger's SQLite file — schema, opening, recording a finalized
 * month (ledger_finalize; its budget check on ledger_fy_paid) and reading
 * runs back.  Not here: the event chain and its verification (chain.c),
 * file contents (blob.c), SQLite errors, statements and transactions
 * (db.c), JSON (json.c), refusals (refuse.c), what a fiscal year has paid
 * against its line and the settlement (settle_store.c).  The only hashing
 * here is checking that a request's files match their SHA-256
 * (check_files). */
#include "ledger_int.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/budget.h"
#include "kasan/clock.h"
#include "kasan/date.h"
#include "kasan/fsutil.h"

/* Version 2 (version 1 without the signatures table; upgraded on open,
 * upgrade_sql).  Triggers make recorded rows append-only and keep one current
 * run per month whatever SQL is run against the file: a new run of a month
 * must name the current one in `supersedes`, and inserting it marks the old
 * run superseded_by (the only update a run ever takes). */
static const char *const schema_sql[] = {
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
    "CREATE TABLE events("
    " seq INTEGER PRIMARY KEY, time TEXT NOT NULL, actor TEXT NOT NULL,"
    " action TEXT NOT NULL, payload TEXT NOT NULL,"
    " prev_hash TEXT NOT NULL, hash TEXT NOT NULL) STRICT",
    "CREATE TABLE runs("
    " run_id TEXT PRIMARY KEY, month TEXT NOT NULL, fiscal_year INTEGER NOT NULL,"
    " created TEXT NOT NULL, actor TEXT NOT NULL, engine_version TEXT NOT NULL,"
    " total_yen INTEGER NOT NULL, fy_paid_yen INTEGER NOT NULL,"
    " budget_fiscal_year INTEGER, budget_line_id TEXT, budget_line_yen INTEGER,"
    " over_budget_reason TEXT, overrun_yen INTEGER NOT NULL DEFAULT 0,"
    " supersedes TEXT UNIQUE REFERENCES runs(run_id), supersede_reason TEXT,"
    " superseded_by TEXT UNIQUE REFERENCES runs(run_id),"
    " event_seq INTEGER NOT NULL UNIQUE"
    "  REFERENCES events(seq) DEFERRABLE INITIALLY DEFERRED) STRICT",
    "CREATE INDEX runs_month ON runs(month)",
    "CREATE INDEX runs_fiscal_year ON runs(fiscal_year)",
    "CREATE TABLE run_programs("
    " run_id TEXT NOT NULL REFERENCES runs(run_id), program TEXT NOT NULL,"
    " amount_yen INTEGER NOT NULL, PRIMARY KEY(run_id, program)) STRICT",
    "CREATE TABLE payments("
    " run_id TEXT NOT NULL REFERENCES runs(run_id), nursery_id TEXT NOT NULL,"
    " program TEXT NOT NULL, rule_version TEXT NOT NULL, amount_yen INTEGER NOT NULL,"
    " PRIMARY KEY(run_id, nursery_id, program)) STRICT",
    "CREATE TABLE blobs("
    " sha256 TEXT PRIMARY KEY, length INTEGER NOT NULL, data BLOB NOT NULL) STRICT",
    "CREATE TABLE run_files("
    " run_id TEXT NOT NULL REFERENCES runs(run_id),"
    " role TEXT NOT NULL CHECK(role IN ('rules','registry','children','staff')),"
    " name TEXT NOT NULL, sha256 TEXT NOT NULL REFERENCES blobs(sha256),"
    " PRIMARY KEY(run_id, role, name)) STRICT",
#define FREEZE(t)                                                                          \
    "CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t                                   \
    " BEGIN SELECT RAISE(ABORT, 'ledger " t " are append-only'); END",                     \
    "CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t                                   \
    " BEGIN SELECT RAISE(ABORT, 'ledger " t " are append-only'); END"
    FREEZE("meta"), FREEZE("events"), FREEZE("run_programs"), FREEZE("payments"),
    FREEZE("blobs"), FREEZE("run_files"),
    "CREATE TRIGGER runs_no_update BEFORE UPDATE OF run_id, month, fiscal_year, created,"
    " actor, engine_version, total_yen, fy_paid_yen, budget_fiscal_year, budget_line_id,"
    " budget_line_yen, over_budget_reason, overrun_yen, supersedes, supersede_reason,"
    " event_seq ON runs BEGIN SELECT RAISE(ABORT, 'ledger runs are append-only'); END",
    "CREATE TRIGGER runs_one_current BEFORE INSERT ON runs"
    " WHEN NEW.superseded_by IS NOT NULL"
    "  OR EXISTS (SELECT 1 FROM runs WHERE month = NEW.month AND superseded_by IS NULL"
    "   AND run_id IS NOT NEW.supersedes)"
    "  OR (NEW.supersedes IS NOT NULL AND NOT EXISTS (SELECT 1 FROM runs"
    "   WHERE run_id = NEW.supersedes AND month = NEW.month AND superseded_by IS NULL))"
    " BEGIN SELECT RAISE(ABORT, 'a month has one current run; a new run must supersede it');"
    " END",
    "CREATE TRIGGER runs_mark_superseded AFTER INSERT ON runs WHEN NEW.supersedes IS NOT NULL"
    " BEGIN UPDATE runs SET superseded_by = NEW.run_id WHERE run_id = NEW.supersedes; END",
    "CREATE TRIGGER runs_supersede_once BEFORE UPDATE OF superseded_by ON runs"
    " WHEN OLD.superseded_by IS NOT NULL OR NEW.superseded_by IS NULL"
    "  OR NOT EXISTS (SELECT 1 FROM runs WHERE run_id = NEW.superseded_by"
    "   AND supersedes = OLD.run_id)"
    " BEGIN SELECT RAISE(ABORT, 'only the run that supersedes a run marks it, once'); END",
    "CREATE TRIGGER runs_no_delete BEFORE DELETE ON runs"
    " BEGIN SELECT RAISE(ABORT, 'ledger runs are append-only'); END",
#define SIGNATURES_SQL                                                                     \
    "CREATE TABLE signatures("                                                             \
    " seq INTEGER PRIMARY KEY REFERENCES events(seq), sig TEXT NOT NULL) STRICT",          \
        FREEZE("signatures")
    SIGNATURES_SQL,
    NULL,
};

/* Version 1 → 2: the signatures of signed events (ledger_sign.h).  The
 * version in meta is the one row a schema change updates, its trigger
 * lifted for that moment, in the same transaction. */
static const char *const upgrade_sql[] = {
    SIGNATURES_SQL,
    "DROP TRIGGER IF EXISTS meta_no_update",
    "UPDATE meta SET value = '2' WHERE key = 'schema_version'",
    "CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta"
    " BEGIN SELECT RAISE(ABORT, 'ledger meta are append-only'); END",
    NULL,
};
#undef SIGNATURES_SQL
#undef FREEZE

/* ---- opening ----------------------------------------------------------- */

/* journal_mode=WAL needs a moment without other connections mid-change; the
 * busy handler does not cover it, so retry until the busy timeout. */
static int set_wal(ledger *lg)
{
    for (int waited = 0;; waited += 10) {
        sqlite3_stmt *st;
        int rc = ledger_prepare(lg, "PRAGMA journal_mode=WAL", &st);
        if (rc)
            return rc;
        int step = sqlite3_step(st);
        bool wal = step == SQLITE_ROW && strcmp(ledger_col_text(st, 0), "wal") == 0;
        if (step != SQLITE_ROW && (step & 0xff) != SQLITE_BUSY) {
            rc = ledger_sqlite_fail(lg, "ledger: journal_mode=WAL");
            sqlite3_finalize(st);
            return rc;
        }
        sqlite3_finalize(st);
        if (wal)
            return LEDGER_OK;
        if (step == SQLITE_ROW)
            return ledger_fail(lg, LEDGER_IO, "ledger: cannot switch to WAL journal mode");
        if (waited >= LEDGER_BUSY_TIMEOUT_MS)
            return ledger_fail(lg, LEDGER_BUSY, "ledger: busy while enabling WAL");
        sqlite3_sleep(10);
    }
}

static int meta_put(ledger *lg, const char *key, const char *value)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "INSERT INTO meta(key, value) VALUES (?, ?)", &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, key);
    ledger_bind_text(st, 2, value);
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: writing meta");
    sqlite3_finalize(st);
    return rc;
}

static int schema_create(ledger *lg)
{
    char now[32], ver[16];
    clock_now_iso(now);
    snprintf(ver, sizeof ver, "%d", LEDGER_SCHEMA_VERSION);
    int rc = LEDGER_OK;
    for (size_t i = 0; !rc && schema_sql[i]; i++)
        rc = ledger_exec(lg, schema_sql[i]);
    if (!rc)
        rc = meta_put(lg, "schema_version", ver);
    if (!rc)
        rc = meta_put(lg, "created", now);
    if (!rc)
        rc = meta_put(lg, "application", "kasan");
    return rc;
}

/* A version-1 ledger (before signed events) made version 2, under the write
 * lock; nothing recorded changes (the events, their hashes and payloads
 * stay as they are). */
static int schema_upgrade(ledger *lg)
{
    int rc = ledger_tx_begin(lg, true);
    if (rc)
        return rc;
    sqlite3_stmt *st;
    if (!(rc = ledger_prepare(lg, "SELECT value FROM meta WHERE key = 'schema_version'", &st))) {
        bool still = sqlite3_step(st) == SQLITE_ROW && atoi(ledger_col_text(st, 0)) == 1;
        sqlite3_finalize(st);
        for (size_t i = 0; still && !rc && upgrade_sql[i]; i++) /* else: another opener did */
            rc = ledger_exec(lg, upgrade_sql[i]);
        if (!rc && still)
            rc = meta_put(lg, "upgraded_to_2", "signatures");
    }
    return ledger_tx_end(lg, rc);
}

enum { SCHEMA_OLD = -1 }; /* schema_check: version 1, to upgrade */

/* Creates the schema if the file has none; checks its version otherwise. */
static int schema_check(ledger *lg, bool create)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT (SELECT count(*) FROM sqlite_schema),"
                            " (SELECT count(*) FROM sqlite_schema WHERE name = 'meta')",
                            &st);
    if (rc)
        return rc;
    if (sqlite3_step(st) != SQLITE_ROW) {
        rc = ledger_sqlite_fail(lg, "ledger: reading schema");
        sqlite3_finalize(st);
        return rc;
    }
    int64_t n_objects = sqlite3_column_int64(st, 0), has_meta = sqlite3_column_int64(st, 1);
    sqlite3_finalize(st);
    if (n_objects == 0 && create)
        return schema_create(lg);
    if (n_objects == 0) /* a first finalization interrupted before its commit */
        return ledger_fail(lg, LEDGER_NOT_FOUND, "the ledger is empty: nothing was finalized");
    if (!has_meta)
        return ledger_fail(lg, LEDGER_CORRUPT, "not a kasan ledger (no meta table)");
    rc = ledger_prepare(lg, "SELECT value FROM meta WHERE key = 'schema_version'", &st);
    if (rc)
        return rc;
    int step = sqlite3_step(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading schema version");
    else if (step == SQLITE_DONE)
        rc = ledger_fail(lg, LEDGER_CORRUPT, "not a kasan ledger (no schema version)");
    else if (atoi(ledger_col_text(st, 0)) == 1 && !strcmp(ledger_col_text(st, 0), "1"))
        rc = SCHEMA_OLD;
    else if (atoi(ledger_col_text(st, 0)) != LEDGER_SCHEMA_VERSION)
        rc = ledger_fail(lg, LEDGER_CORRUPT, "ledger schema version %s; this kasan reads %d",
                         ledger_col_text(st, 0), LEDGER_SCHEMA_VERSION);
    sqlite3_finalize(st);
    return rc;
}

static int open_setup(ledger *lg, bool create)
{
    sqlite3_busy_timeout(lg->db, LEDGER_BUSY_TIMEOUT_MS);
    int rc = ledger_exec(lg, "PRAGMA foreign_keys=ON");
    if (!rc)
        rc = set_wal(lg);
    if (!rc)
        rc = ledger_exec(lg, "PRAGMA synchronous=FULL");
    /* creating takes the write lock so two first openers cannot both create;
     * a reader (audit verify) never waits for a writer */
    if (!rc)
        rc = ledger_tx_begin(lg, create);
    if (!rc) {
        int check = schema_check(lg, create);
        rc = ledger_tx_end(lg, check == SCHEMA_OLD ? LEDGER_OK : check);
        if (!rc && check == SCHEMA_OLD)
            rc = schema_upgrade(lg);
    }
    return rc;
}

/* SQLite's unix VFS takes a full path of at most mxPathname bytes (512),
 * and names the journal PATH-journal: the ledger's own path gets 8 less. */
enum { JOURNAL_SUFFIX = 8 /* strlen("-journal") */ };

bool ledger_path_fits(const char *path, size_t *full, size_t *max)
{
    size_t n = strlen(path);
    if (path[0] != '/') { /* SQLite puts the working directory before it */
        char cwd[4096];
        n += getcwd(cwd, sizeof cwd) ? strlen(cwd) + 1 : sizeof cwd;
    }
    sqlite3_vfs *vfs = sqlite3_vfs_find(NULL);
    size_t mx = vfs && vfs->mxPathname > JOURNAL_SUFFIX ? (size_t)vfs->mxPathname - JOURNAL_SUFFIX
                                                        : 0;
    if (full)
        *full = n;
    if (max)
        *max = mx;
    return n <= mx;
}

int ledger_open(const char *path, bool create, ledger **out, char *err, size_t errsz)
{
    *out = NULL;
    size_t full, max;
    if (!ledger_path_fits(path, &full, &max)) {
        /* the reason first: a long path must not push it out of err */
        snprintf(err, errsz, "its full path would be %zu bytes, more than the %zu SQLite can "
                 "open; choose a shorter --out directory (the ledger: %s)", full, max, path);
        return LEDGER_INVALID;
    }
    if (!create && !fs_exists(path)) {
        snprintf(err, errsz, "no ledger at %s", path);
        return LEDGER_NOT_FOUND;
    }
    ledger *lg = calloc(1, sizeof *lg);
    if (!lg) {
        snprintf(err, errsz, "out of memory");
        return LEDGER_IO;
    }
    int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
    int rc;
    if (sqlite3_open_v2(path, &lg->db, flags, NULL) != SQLITE_OK)
        rc = ledger_sqlite_fail(lg, "SQLite");
    else
        rc = open_setup(lg, create);
    if (rc) {
        snprintf(err, errsz, "%s (the ledger: %s)", lg->err, path);
        ledger_close(lg);
        return rc;
    }
    *out = lg;
    return LEDGER_OK;
}

void ledger_close(ledger *lg)
{
    if (!lg)
        return;
    sqlite3_close(lg->db); /* every statement is finalized by its user */
    free(lg);
}

/* ---- finalize: checking the request ------------------------------------ */


static int check_payments(ledger *lg, const ledger_finalize_req *req)
{
    for (size_t i = 0; i < req->n_payments; i++) {
        const ledger_payment *p = &req->payments[i];
        if (!ledger_text_ok(p->nursery_id) || !ledger_text_ok(p->program) ||
            !ledger_text_ok(p->rule_version) || p->amount_yen < 0)
            return ledger_fail(lg, LEDGER_INVALID, "finalize: payment row %zu is malformed",
                               i + 1);
    }
    int64_t sum = 0;
    size_t matched = 0;
    for (size_t k = 0; k < req->n_programs; k++) {
        const ledger_program_total *pt = &req->programs[k];
        int64_t s = 0;
        if (ledger_check_text(lg, "program id", pt->program))
            return LEDGER_INVALID;
        for (size_t i = 0; i < req->n_payments; i++) {
            if (strcmp(req->payments[i].program, pt->program) != 0)
                continue;
            matched++;
            if (__builtin_add_overflow(s, req->payments[i].amount_yen, &s))
                return ledger_fail(lg, LEDGER_INVALID, "finalize: %s total overflows",
                                   pt->program);
        }
        if (s != pt->amount_yen)
            return ledger_fail(lg, LEDGER_INVALID,
                               "finalize: %s payments add up to %lld yen, total says %lld",
                               pt->program, (long long)s, (long long)pt->amount_yen);
        if (__builtin_add_overflow(sum, s, &sum))
            return ledger_fail(lg, LEDGER_INVALID, "finalize: month total overflows");
    }
    if (matched != req->n_payments)
        return ledger_fail(lg, LEDGER_INVALID, "finalize: a payment names a program without a total");
    if (sum != req->total_yen)
        return ledger_fail(lg, LEDGER_INVALID,
                           "finalize: program totals add up to %lld yen, month total says %lld",
                           (long long)sum, (long long)req->total_yen);
    return LEDGER_OK;
}

static const char *const role_names[LEDGER_ROLE_COUNT] = {"rules", "registry", "children",
                                                           "staff"};

/* The schema's CHECK on run_files.role spells the same names (schema_sql). */
const char *ledger_role_name(int role)
{
    return role >= 0 && role < LEDGER_ROLE_COUNT ? role_names[role] : "";
}

static bool role_known(const char *r)
{
    for (int i = 0; r && i < LEDGER_ROLE_COUNT; i++)
        if (!strcmp(r, role_names[i]))
            return true;
    return false;
}

static int check_files(ledger *lg, const ledger_finalize_req *req)
{
    for (size_t i = 0; i < req->n_files; i++) {
        const ledger_file *f = &req->files[i];
        char sha[SHA256_HEX_LEN + 1];
        if (!role_known(f->role) || !ledger_text_ok(f->name) || !f->sha256 ||
            (f->len && !f->data))
            return ledger_fail(lg, LEDGER_INVALID, "finalize: file %zu is malformed", i + 1);
        hash_sha256_hex(f->len ? f->data : "", f->len, sha);
        if (strcmp(sha, f->sha256) != 0)
            return ledger_fail(lg, LEDGER_INVALID,
                               "finalize: %s: bytes do not match SHA-256 %s (file changed?)",
                               f->name, f->sha256);
    }
    return LEDGER_OK;
}

static int check_request(ledger *lg, const ledger_finalize_req *req, int *fy)
{
    claim_month m;
    if (!req->month || !month_parse(req->month, &m))
        return ledger_fail(lg, LEDGER_INVALID, "finalize: month must be YYYY-MM");
    *fy = month_fiscal_year(m);
    int rc = ledger_check_text(lg, "run_id", req->run_id);
    if (!rc) rc = ledger_check_text(lg, "created time", req->created);
    if (!rc) rc = ledger_check_text(lg, "actor", req->actor);
    if (!rc) rc = ledger_check_text(lg, "engine version", req->engine_version);
    if (!rc && req->supersede) rc = ledger_check_text(lg, "supersede reason", req->reason);
    if (!rc && req->over_budget_reason)
        rc = ledger_check_text(lg, "over-budget reason", req->over_budget_reason);
    if (!rc && req->over_decision_reason)
        rc = ledger_check_text(lg, "over-decision reason", req->over_decision_reason);
    if (rc)
        return rc;
    if (strlen(req->run_id) >= sizeof ((ledger_finalize_res *)0)->superseded_run_id)
        return ledger_fail(lg, LEDGER_INVALID, "finalize: run_id too long");
    if (req->budget.line_id && (req->budget.fiscal_year != *fy || req->budget.line_amount_yen < 0 ||
                                !ledger_utf8_valid(req->budget.line_id)))
        return ledger_fail(lg, LEDGER_INVALID, "finalize: budget line does not fit FY%d", *fy);
    rc = check_payments(lg, req);
    return rc ? rc : check_files(lg, req);
}

/* ---- finalize: the transaction ----------------------------------------- */

/* Current run of month into id (size idsz); "" if none. */
static int current_run_id(ledger *lg, const char *month, char *id, size_t idsz)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "SELECT run_id FROM runs WHERE month = ? AND superseded_by IS NULL",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, month);
    int step = sqlite3_step(st);
    id[0] = '\0';
    if (step == SQLITE_ROW)
        snprintf(id, idsz, "%s", ledger_col_text(st, 0));
    else if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading current run");
    sqlite3_finalize(st);
    return rc;
}

/* SPEC 1.4: refuse a month that takes the FY over its line, unless
 * overridden; the decision is the budget module's, on the other months' paid
 * total read inside this transaction. */
static int budget_check(ledger *lg, const ledger_finalize_req *req, int fy,
                        ledger_finalize_res *res)
{
    ledger_paid other, all;
    int rc = ledger_fy_paid(lg, fy, req->month, &other);
    int64_t before = other.total_yen;
    res->fy_paid_before_yen = before;
    if (!rc)
        rc = ledger_fy_paid(lg, fy, NULL, &all);
    if (rc)
        return rc;
    /* what the month's current run paid (0 unless this is a correction) */
    int64_t replaced = all.months_yen - other.months_yen;
    /* the line as amended (補正, 流用, 予備費充用: issue 24) */
    int64_t line = req->budget.line_amount_yen;
    if (req->budget.line_id && (rc = ledger_budget_current(lg, fy, line, &line)))
        return rc;
    budget_decision bd;
    if (!budget_decide_replacing(req->budget.line_id != NULL, line,
                                 before, req->total_yen, replaced,
                                 req->over_budget_reason != NULL, &bd))
        return ledger_fail(lg, LEDGER_INVALID, "finalize: fiscal-year total overflows");
    res->fy_paid_after_yen = bd.paid_after;
    res->overrun_yen = bd.overrun;
    res->overridden = budget_overridden(bd.verdict);
    if (bd.verdict == BUDGET_NO_LINE_REFUSED)
        return ledger_fail(lg, LEDGER_NO_BUDGET_LINE,
                           "no budget line for FY%d: paying %s (%lld yen) needs an "
                           "over-budget reason (補正予算・流用)",
                           fy, req->month, (long long)req->total_yen);
    if (!budget_refused(bd.verdict))
        return LEDGER_OK;
    return ledger_fail(lg, LEDGER_OVER_BUDGET,
                       "FY%d paid total would be %lld yen, over budget line %s (%lld yen) by "
                       "%lld yen; finalizing needs an over-budget reason (補正予算・流用)",
                       fy, (long long)res->fy_paid_after_yen, req->budget.line_id,
                       (long long)line, (long long)res->overrun_yen);
}

static int step_done(ledger *lg, sqlite3_stmt *st, const char *what)
{
    int rc = LEDGER_OK;
    if (sqlite3_step(st) != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, what);
    sqlite3_finalize(st);
    return rc;
}

static int insert_run(ledger *lg, const ledger_finalize_req *req, int fy, const char *old_id,
                      const ledger_finalize_res *res, int64_t seq)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "INSERT INTO runs(run_id, month, fiscal_year, created, actor,"
                            " engine_version, total_yen, fy_paid_yen, budget_fiscal_year,"
                            " budget_line_id, budget_line_yen, over_budget_reason, overrun_yen,"
                            " supersedes, supersede_reason, event_seq)"
                            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                            &st);
    if (rc)
        return rc;
    bool budget = req->budget.line_id != NULL, over = res->overridden;
    ledger_bind_text(st, 1, req->run_id);
    ledger_bind_text(st, 2, req->month);
    sqlite3_bind_int(st, 3, fy);
    ledger_bind_text(st, 4, req->created);
    ledger_bind_text(st, 5, req->actor);
    ledger_bind_text(st, 6, req->engine_version);
    sqlite3_bind_int64(st, 7, req->total_yen);
    sqlite3_bind_int64(st, 8, res->fy_paid_after_yen);
    if (budget) {
        sqlite3_bind_int(st, 9, req->budget.fiscal_year);
        ledger_bind_text(st, 10, req->budget.line_id);
        sqlite3_bind_int64(st, 11, req->budget.line_amount_yen);
    }
    /* A reason given while within budget overrides nothing: not recorded. */
    ledger_bind_text(st, 12, over ? req->over_budget_reason : NULL);
    sqlite3_bind_int64(st, 13, over ? res->overrun_yen : 0);
    ledger_bind_text(st, 14, old_id[0] ? old_id : NULL);
    ledger_bind_text(st, 15, old_id[0] ? req->reason : NULL);
    sqlite3_bind_int64(st, 16, seq);
    return step_done(lg, st, "ledger: recording the run");
}

static int insert_programs(ledger *lg, const ledger_finalize_req *req)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg, "INSERT INTO run_programs(run_id, program, amount_yen) VALUES (?,?,?)",
                            &st);
    for (size_t i = 0; !rc && i < req->n_programs; i++) {
        sqlite3_reset(st);
        ledger_bind_text(st, 1, req->run_id);
        ledger_bind_text(st, 2, req->programs[i].program);
        sqlite3_bind_int64(st, 3, req->programs[i].amount_yen);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "ledger: recording program totals");
    }
    sqlite3_finalize(st);
    return rc;
}

static int insert_payments(ledger *lg, const ledger_finalize_req *req)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "INSERT INTO payments(run_id, nursery_id, program, rule_version,"
                            " amount_yen) VALUES (?,?,?,?,?)",
                            &st);
    for (size_t i = 0; !rc && i < req->n_payments; i++) {
        const ledger_payment *p = &req->payments[i];
        sqlite3_reset(st);
        ledger_bind_text(st, 1, req->run_id);
        ledger_bind_text(st, 2, p->nursery_id);
        ledger_bind_text(st, 3, p->program);
        ledger_bind_text(st, 4, p->rule_version);
        sqlite3_bind_int64(st, 5, p->amount_yen);
        if (sqlite3_step(st) != SQLITE_DONE)
            rc = ledger_sqlite_fail(lg, "ledger: recording payments");
    }
    sqlite3_finalize(st);
    return rc;
}

static int finalize_tx(ledger *lg, const ledger_finalize_req *req, int fy,
                       ledger_finalize_res *res)
{
    char old_id[sizeof res->superseded_run_id];
    int rc = current_run_id(lg, req->month, old_id, sizeof old_id);
    if (rc)
        return rc;
    if (old_id[0] && !req->supersede)
        return ledger_fail(lg, LEDGER_ALREADY_FINALIZED,
                           "month %s is already finalized (run %s); a correction needs "
                           "--supersede --reason", req->month, old_id);
    if (!old_id[0] && req->supersede)
        return ledger_fail(lg, LEDGER_NOTHING_TO_SUPERSEDE,
                           "month %s has no finalized run to supersede", req->month);
    if (req->supersede && req->expect_superseded && strcmp(old_id, req->expect_superseded))
        return ledger_fail(lg, LEDGER_ALREADY_FINALIZED,
                           "month %s: run %s became current while this correction was computed "
                           "against run %s; compute the correction again", req->month, old_id,
                           req->expect_superseded);
    if ((rc = budget_check(lg, req, fy, res)))
        return rc;
    int64_t seq;
    char prev[SHA256_HEX_LEN + 1], now[32];
    if ((rc = ledger_chain_head(lg, &seq, prev)))
        return rc;
    seq++;
    /* inserting the run marks old_id superseded (trigger runs_mark_superseded) */
    if ((rc = insert_run(lg, req, fy, old_id, res, seq)) || (rc = insert_programs(lg, req)) ||
        (rc = insert_payments(lg, req)))
        return rc;
    for (size_t i = 0; i < req->n_files; i++)
        if ((rc = ledger_blob_link(lg, req->run_id, &req->files[i])))
            return rc;
    /* within the grant decision (issue 24): on the payments just inserted */
    if ((rc = ledger_decision_check_run(lg, req, fy, res)))
        return rc;
    if ((rc = ledger_documents_insert(lg, fy, req->run_id, req->documents, req->n_documents)))
        return rc;
    if ((rc = ledger_settled_check(lg, req, fy, res))) /* the year already settled */
        return rc;
    if (old_id[0] &&
        (rc = ledger_owed_base_insert(lg, req->run_id, req->month, req->owed_transfers,
                                      req->n_owed_transfers)))
        return rc;
    strbuf payload;
    sb_init(&payload);
    rc = ledger_run_payload(lg, req->run_id, false, &payload);
    clock_now_iso(now);
    char hash[SHA256_HEX_LEN + 1];
    if (!rc)
        rc = ledger_chain_append(lg, seq, prev, now, req->actor,
                                 old_id[0] ? "supersede" : "finalize", payload.buf, hash);
    sb_release(&payload);
    if (!rc && res->n_over_decision) /* paid beyond a decision on its reason */
        rc = ledger_over_decision_event(lg, req, res);
    if (!rc && res->settlement_seq) /* changed after the year's settlement, on its reason */
        rc = ledger_after_settlement_event(lg, req, res);
    if (!rc) {
        res->event_seq = seq;
        memcpy(res->event_hash, hash, sizeof hash);
        memcpy(res->superseded_run_id, old_id, sizeof old_id);
    }
    return rc;
}

int ledger_finalize(ledger *lg, const ledger_finalize_req *req, ledger_finalize_res *res)
{
    memset(res, 0, sizeof *res);
    int fy = 0, rc = check_request(lg, req, &fy);
    if (rc)
        return rc;
    if ((rc = ledger_tx_begin(lg, true)))
        return rc;
    rc = ledger_tx_end(lg, finalize_tx(lg, req, fy, res));
    if (ledger_refusal_code(rc)) {
        /* SPEC 1.4: a refused finalization is itself an event of the trail */
        ledger_refusal r = {req->month, req->run_id, req->actor, ledger_refusal_code(rc), NULL,
                            req->supersede ? "supersede" : "finalize"};
        ledger_record_refusal(lg, &r, rc, &res->event_seq, res->event_hash);
    }
    return rc;
}

/* ---- queries ----------------------------------------------------------- */

static int load_programs(ledger *lg, const char *run_id, arena *a, ledger_program_total **out,
                         size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT program, amount_yen, count(*) OVER () FROM run_programs"
                            " WHERE run_id = ? ORDER BY program",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, run_id);
    *out = NULL;
    *n = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 2), sizeof **out);
        (*out)[*n].program = ledger_col_dup(a, st, 0);
        (*out)[(*n)++].amount_yen = sqlite3_column_int64(st, 1);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading program totals");
    sqlite3_finalize(st);
    return rc;
}

static int load_payments(ledger *lg, ledger_run *r, arena *a)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT nursery_id, program, rule_version, amount_yen,"
                            " count(*) OVER () FROM payments WHERE run_id = ?"
                            " ORDER BY nursery_id, program",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, r->run_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!r->payments)
            r->payments = arena_calloc(a, (size_t)sqlite3_column_int64(st, 4), sizeof *r->payments);
        ledger_payment *p = &r->payments[r->n_payments++];
        p->nursery_id = ledger_col_dup(a, st, 0);
        p->program = ledger_col_dup(a, st, 1);
        p->rule_version = ledger_col_dup(a, st, 2);
        p->amount_yen = sqlite3_column_int64(st, 3);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading payments");
    sqlite3_finalize(st);
    return rc;
}

static int load_files(ledger *lg, ledger_run *r, arena *a)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            "SELECT f.role, f.name, f.sha256, b.length, count(*) OVER ()"
                            " FROM run_files f LEFT JOIN blobs b ON b.sha256 = f.sha256"
                            " WHERE f.run_id = ? ORDER BY f.role, f.name",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, r->run_id);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!r->files)
            r->files = arena_calloc(a, (size_t)sqlite3_column_int64(st, 4), sizeof *r->files);
        ledger_file *f = &r->files[r->n_files++];
        f->role = ledger_col_dup(a, st, 0);
        f->name = ledger_col_dup(a, st, 1);
        f->sha256 = ledger_col_dup(a, st, 2);
        f->len = (size_t)sqlite3_column_int64(st, 3);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading run files");
    sqlite3_finalize(st);
    return rc;
}

#define RUN_COLUMNS                                                                          \
    "run_id, month, created, actor, engine_version, over_budget_reason, overrun_yen,"       \
    " supersedes, supersede_reason, superseded_by, total_yen, fy_paid_yen, event_seq,"      \
    " budget_fiscal_year, budget_line_id, budget_line_yen"

static void run_from_row(sqlite3_stmt *st, arena *a, ledger_run *r)
{
    memset(r, 0, sizeof *r);
    r->run_id = ledger_col_dup(a, st, 0);
    r->month = ledger_col_dup(a, st, 1);
    r->created = ledger_col_dup(a, st, 2);
    r->actor = ledger_col_dup(a, st, 3);
    r->engine_version = ledger_col_dup(a, st, 4);
    r->over_budget_reason = ledger_col_dup(a, st, 5);
    r->overrun_yen = sqlite3_column_int64(st, 6);
    r->supersedes = ledger_col_dup(a, st, 7);
    r->supersede_reason = ledger_col_dup(a, st, 8);
    r->superseded_by = ledger_col_dup(a, st, 9);
    r->total_yen = sqlite3_column_int64(st, 10);
    r->fy_paid_yen = sqlite3_column_int64(st, 11);
    r->event_seq = sqlite3_column_int64(st, 12);
    r->budget.fiscal_year = sqlite3_column_int(st, 13);
    r->budget.line_id = ledger_col_dup(a, st, 14);
    r->budget.line_amount_yen = sqlite3_column_int64(st, 15);
}

static int load_details(ledger *lg, ledger_run *r, arena *a)
{
    int rc = load_programs(lg, r->run_id, a, &r->programs, &r->n_programs);
    if (!rc)
        rc = load_payments(lg, r, a);
    if (!rc)
        rc = load_files(lg, r, a);
    return rc;
}

/* Runs of month (only the current one if current_only), oldest first. */
static int load_runs(ledger *lg, const char *month, bool current_only, arena *a,
                     ledger_run **out, size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            current_only
                                ? "SELECT " RUN_COLUMNS ", count(*) OVER () FROM runs"
                                  " WHERE month = ? AND superseded_by IS NULL ORDER BY event_seq"
                                : "SELECT " RUN_COLUMNS ", count(*) OVER () FROM runs"
                                  " WHERE month = ? ORDER BY event_seq",
                            &st);
    if (rc)
        return rc;
    ledger_bind_text(st, 1, month);
    *out = NULL;
    *n = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 16), sizeof **out);
        run_from_row(st, a, &(*out)[(*n)++]);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading runs");
    sqlite3_finalize(st);
    for (size_t i = 0; !rc && i < *n; i++)
        rc = load_details(lg, &(*out)[i], a);
    return rc;
}

int ledger_runs(ledger *lg, const char *month, arena *a, ledger_run **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, load_runs(lg, month, false, a, out, n));
}

int ledger_month_current(ledger *lg, const char *month, arena *a, ledger_run *out)
{
    memset(out, 0, sizeof *out);
    ledger_run *runs;
    size_t n;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    rc = ledger_tx_end(lg, load_runs(lg, month, true, a, &runs, &n));
    if (rc)
        return rc;
    if (n == 0)
        return ledger_fail(lg, LEDGER_NOT_FOUND, "month %s has no finalized run", month);
    *out = runs[0];
    return LEDGER_OK;
}

/* Each month's current run (before_seq 0), or its latest run recorded
 * before event before_seq (a month's runs supersede one another in event
 * order, so the current one is its latest). */
static int load_fy(ledger *lg, int fy, int64_t before_seq, arena *a, ledger_month_sum **out,
                   size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            before_seq
                                ? "SELECT month, run_id, total_yen, count(*) OVER (),"
                                  " over_budget_reason FROM runs r"
                                  " WHERE fiscal_year = ?1 AND event_seq < ?2"
                                  " AND NOT EXISTS (SELECT 1 FROM runs s WHERE s.month = r.month"
                                  "  AND s.event_seq < ?2 AND s.event_seq > r.event_seq)"
                                  " ORDER BY month"
                                : "SELECT month, run_id, total_yen, count(*) OVER (),"
                                  " over_budget_reason FROM runs"
                                  " WHERE fiscal_year = ?1 AND superseded_by IS NULL"
                                  " ORDER BY month",
                            &st);
    if (rc)
        return rc;
    sqlite3_bind_int(st, 1, fy);
    if (before_seq)
        sqlite3_bind_int64(st, 2, before_seq);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 3), sizeof **out);
        ledger_month_sum *m = &(*out)[(*n)++];
        m->month = ledger_col_dup(a, st, 0);
        m->run_id = ledger_col_dup(a, st, 1);
        m->total_yen = sqlite3_column_int64(st, 2);
        m->over_budget_reason = ledger_col_dup(a, st, 4);
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading the fiscal year");
    sqlite3_finalize(st);
    for (size_t i = 0; !rc && i < *n; i++)
        rc = load_programs(lg, (*out)[i].run_id, a, &(*out)[i].programs, &(*out)[i].n_programs);
    return rc;
}

static int load_corrections(ledger *lg, const char *run_id, arena *a, ledger_correction **out,
                            size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_corrections_stmt(lg, run_id, &st);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 4), sizeof **out);
        ledger_correction *c = &(*out)[(*n)++];
        c->nursery_id = ledger_col_dup(a, st, 0);
        c->program = ledger_col_dup(a, st, 1);
        c->paid_yen = sqlite3_column_int64(st, 2);
        c->corrected_yen = sqlite3_column_int64(st, 3);
        c->difference_yen = c->corrected_yen - c->paid_yen; /* both ≥ 0: no overflow */
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading corrections");
    sqlite3_finalize(st);
    return rc;
}

int ledger_corrections(ledger *lg, const char *run_id, arena *a, ledger_correction **out,
                       size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, load_corrections(lg, run_id, a, out, n));
}

int ledger_fy_latest(ledger *lg, int *fy)
{
    sqlite3_stmt *st;
    *fy = 0;
    int rc = ledger_prepare(lg, "SELECT COALESCE(MAX(fiscal_year), 0) FROM runs", &st);
    if (rc)
        return rc;
    if (sqlite3_step(st) == SQLITE_ROW)
        *fy = sqlite3_column_int(st, 0);
    else
        rc = ledger_sqlite_fail(lg, "ledger: the latest fiscal year");
    sqlite3_finalize(st);
    return rc;
}

int ledger_fy_months(ledger *lg, int fy, arena *a, ledger_month_sum **out, size_t *n)
{
    return ledger_fy_months_before(lg, fy, 0, a, out, n);
}

int ledger_fy_months_before(ledger *lg, int fy, int64_t before_seq, arena *a,
                            ledger_month_sum **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, load_fy(lg, fy, before_seq, a, out, n));
}
