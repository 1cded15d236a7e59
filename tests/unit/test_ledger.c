/* test_ledger: the ledger and audit trail (SPEC 5) — finalize/refuse,
 * supersede, budget control (SPEC 1.4), content-addressed files, the hash
 * chain against raw-SQL tampering, JSONL export, two processes racing for one
 * month, and a finalizing process killed at random points. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "kasan/arena.h"
#include "kasan/cli.h"
#include "kasan/fsutil.h"
#include "kasan/hash.h"
#include "kasan/ledger.h"
#include "kasan/ledger_docs.h"

/* ---- fixtures ---------------------------------------------------------- */

typedef struct tdir {
    char dir[64];
    char path[128]; /* DIR/ledger.sqlite */
} tdir;

static void tdir_make(tdir *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/kasan-ledger-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/ledger.sqlite", t->dir);
}

static void tdir_remove(tdir *t) { assert_int_equal(fs_remove_tree(t->dir), 0); }

static ledger *open_ok(const tdir *t)
{
    ledger *lg;
    char err[512];
    int rc = ledger_open(t->path, true, &lg, err, sizeof err);
    if (rc != LEDGER_OK)
        fail_msg("ledger_open: %s", err);
    return lg;
}

/* A small month:  P001 A 100,000 + P001 B 440,000 + P002 A 50,000
 * → acceptance_addon 150,000, nurse_placement 440,000, total 590,000.
 * The registry and rules files are the same every month; the claims differ. */
typedef struct sample {
    char month[8], run_id[64], children[64], staff[64], children_name[64], staff_name[64];
    ledger_payment pay[3];
    ledger_program_total prog[2];
    ledger_file files[4];
    char sha[4][SHA256_HEX_LEN + 1];
    ledger_finalize_req req;
} sample;

static const char rules_yaml[] = "program: acceptance_addon\nversion: 2025-04\nunit: 50000\n";
static const char registry_csv[] = "nursery_id,name,kind\nP001,ひまわり保育園,private_licensed\n";

static void sample_init(sample *s, const char *month, const char *run_id)
{
    memset(s, 0, sizeof *s);
    snprintf(s->month, sizeof s->month, "%s", month);
    snprintf(s->run_id, sizeof s->run_id, "%s", run_id);
    snprintf(s->children, sizeof s->children, "nursery_id,child_ref\nP001,C-%s\n", month);
    snprintf(s->staff, sizeof s->staff, "nursery_id,staff_ref\nP001,S-%s\n", month);
    snprintf(s->children_name, sizeof s->children_name, "claims/%s/children.csv", month);
    snprintf(s->staff_name, sizeof s->staff_name, "claims/%s/nurses.csv", month);
    s->pay[0] = (ledger_payment){"P001", "acceptance_addon", "2025-04", 100000};
    s->pay[1] = (ledger_payment){"P001", "nurse_placement", "2025-04", 440000};
    s->pay[2] = (ledger_payment){"P002", "acceptance_addon", "2025-04", 50000};
    s->prog[0] = (ledger_program_total){"acceptance_addon", 150000};
    s->prog[1] = (ledger_program_total){"nurse_placement", 440000};
    const char *role[4] = {"rules", "registry", "children", "staff"};
    const char *name[4] = {"rules/acceptance_addon-2025-04.yaml", "nurseries.csv",
                           s->children_name, s->staff_name};
    const char *data[4] = {rules_yaml, registry_csv, s->children, s->staff};
    for (int i = 0; i < 4; i++) {
        hash_sha256_hex(data[i], strlen(data[i]), s->sha[i]);
        s->files[i] = (ledger_file){role[i], name[i], data[i], strlen(data[i]), s->sha[i]};
    }
    s->req = (ledger_finalize_req){
        .month = s->month, .run_id = s->run_id, .created = "2025-05-10T09:30:00Z",
        .actor = "hoiku-01", .engine_version = "0.1.0", .payments = s->pay, .n_payments = 3,
        .programs = s->prog, .n_programs = 2, .total_yen = 590000, .files = s->files,
        .n_files = 4, .budget = {2025, "R7-kasan", 16444000},
    };
}

/* Runs SQL on the file with a plain sqlite3 connection: the auditor's shell,
 * or a tamperer's.  Returns the SQLite result code. */
static int raw_exec(const tdir *t, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

/* First column of the first row as an integer, or a string into buf. */
static int64_t raw_int(const tdir *t, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void raw_text(const tdir *t, const char *sql, char *buf, size_t size)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* ledger_verify into a string (free() it); returns the problem count. */
static int verify_report(ledger *lg, char **report, ledger_counts *c)
{
    size_t len;
    FILE *f = open_memstream(report, &len);
    assert_non_null(f);
    int n = ledger_verify(lg, f, c);
    fclose(f);
    return n;
}

static void finalize_ok(ledger *lg, const ledger_finalize_req *req, ledger_finalize_res *res)
{
    int rc = ledger_finalize(lg, req, res);
    if (rc != LEDGER_OK)
        fail_msg("finalize %s: %s", req->run_id, ledger_errmsg(lg));
}

/* ---- finalize, refuse, supersede --------------------------------------- */

static void test_open_errors(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg;
    char err[512];
    assert_int_equal(ledger_open(t.path, false, &lg, err, sizeof err), LEDGER_NOT_FOUND);
    assert_null(lg);
    assert_non_null(strstr(err, "no ledger"));
    assert_int_equal(fs_write_atomic(t.path, "not a database, just text\n", 26), 0);
    assert_int_equal(ledger_open(t.path, true, &lg, err, sizeof err), LEDGER_CORRUPT);
    assert_null(lg);
    /* a path SQLite cannot open (issue 21 item 11): 512 bytes of SQLite's
     * file layer less 8 for "-journal" = 504; 505 refused with the reason
     * first, the path said once, even in a 512-byte buffer */
    char longp[600];
    memset(longp, 'x', sizeof longp);
    longp[0] = '/';
    for (size_t i = 200; i < 505; i += 200)
        longp[i] = '/';
    longp[505] = '\0';
    size_t full, max;
    assert_false(ledger_path_fits(longp, &full, &max));
    assert_int_equal(full, 505);
    assert_int_equal(max, 504);
    longp[504] = '\0';
    assert_true(ledger_path_fits(longp, NULL, NULL));
    longp[504] = 'x';
    assert_int_equal(ledger_open(longp, true, &lg, err, sizeof err), LEDGER_INVALID);
    assert_null(lg);
    assert_true(strncmp(err, "its full path would be 505 bytes, more than the 504", 51) == 0);
    assert_non_null(strstr(err, "(the ledger: /xxx"));
    tdir_remove(&t);
}

static void test_finalize_then_refuse(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s;
    sample_init(&s, "2025-04", "2025-04-run1");
    ledger_finalize_res res;
    finalize_ok(lg, &s.req, &res);
    assert_int_equal(res.event_seq, 1);
    assert_int_equal(res.fy_paid_before_yen, 0);
    assert_int_equal(res.fy_paid_after_yen, 590000);
    assert_int_equal(res.overrun_yen, 0);
    assert_string_equal(res.superseded_run_id, "");

    /* the same month again, even with another run id: refused, nothing written */
    snprintf(s.run_id, sizeof s.run_id, "2025-04-run2");
    assert_int_equal(ledger_finalize(lg, &s.req, &res), LEDGER_ALREADY_FINALIZED);
    assert_non_null(strstr(ledger_errmsg(lg), "2025-04-run1"));
    /* a supersede of a month never finalized: refused */
    sample s5;
    sample_init(&s5, "2025-05", "2025-05-run1");
    s5.req.supersede = true;
    s5.req.reason = "修正";
    assert_int_equal(ledger_finalize(lg, &s5.req, &res), LEDGER_NOTHING_TO_SUPERSEDE);
    /* totals that do not add up, and a file whose bytes changed: invalid */
    s5.req.supersede = false;
    s5.req.total_yen = 590001;
    assert_int_equal(ledger_finalize(lg, &s5.req, &res), LEDGER_INVALID);
    s5.req.total_yen = 590000;
    s5.files[2].len--;
    assert_int_equal(ledger_finalize(lg, &s5.req, &res), LEDGER_INVALID);
    /* the two refusals are events of the trail (SPEC 1.4), the invalid
     * requests are not: 1 finalize + 2 refuse */
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM events"), 3);
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM events WHERE action = 'refuse'"), 2);
    char buf[512];
    raw_text(&t, "SELECT actor || ' ' || json_extract(payload, '$.month') || ' ' ||"
                 " json_extract(payload, '$.code') || ' ' || json_extract(payload, '$.run_id')"
                 " || ' ' || json_extract(payload, '$.requested') FROM events WHERE seq = 2",
             buf, sizeof buf);
    assert_string_equal(buf, "hoiku-01 2025-04 already_finalized 2025-04-run2 finalize");
    raw_text(&t, "SELECT json_extract(payload, '$.reason') FROM events WHERE seq = 2", buf,
             sizeof buf);
    assert_string_equal(buf, "month 2025-04 is already finalized (run 2025-04-run1); a "
                             "correction needs --supersede --reason");
    raw_text(&t, "SELECT json_extract(payload, '$.code') || ' ' ||"
                 " json_extract(payload, '$.requested') FROM events WHERE seq = 3",
             buf, sizeof buf);
    assert_string_equal(buf, "nothing_to_supersede supersede");
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM runs"), 1); /* no payments */
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM payments"), 3);
    assert_int_equal(ledger_verify(lg, NULL, NULL), 0);

    arena a = ARENA_INIT;
    ledger_run r;
    assert_int_equal(ledger_month_current(lg, "2025-04", &a, &r), LEDGER_OK);
    assert_string_equal(r.run_id, "2025-04-run1");
    assert_string_equal(r.actor, "hoiku-01");
    assert_int_equal(r.total_yen, 590000);
    assert_int_equal(r.n_payments, 3);
    assert_string_equal(r.payments[1].program, "nurse_placement");
    assert_int_equal(r.payments[1].amount_yen, 440000);
    assert_int_equal(r.n_programs, 2);
    assert_int_equal(r.n_files, 4);
    assert_string_equal(r.files[0].role, "children"); /* sorted by role */
    assert_null(r.superseded_by);
    assert_null(r.over_budget_reason);
    assert_int_equal(ledger_month_current(lg, "2025-05", &a, &r), LEDGER_NOT_FOUND);
    char *data;
    size_t len;
    assert_int_equal(ledger_blob_get(lg, s.sha[1], &data, &len), LEDGER_OK);
    assert_int_equal(len, strlen(registry_csv));
    assert_memory_equal(data, registry_csv, len);
    free(data);
    arena_release(&a);
    ledger_close(lg);

    /* the triggers refuse edits through SQL */
    assert_int_equal(raw_exec(&t, "UPDATE payments SET amount_yen = 1"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(&t, "DELETE FROM events"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(&t, "UPDATE runs SET total_yen = 1"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(&t, "UPDATE runs SET superseded_by = run_id"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(&t, "INSERT INTO runs(run_id, month, fiscal_year, created, actor,"
                                  " engine_version, total_yen, fy_paid_yen, event_seq) VALUES"
                                  " ('forged', '2025-04', 2025, '', '', '', 0, 0, 99)"),
                     SQLITE_CONSTRAINT); /* a second current run of the month */
    assert_int_equal(raw_exec(&t, "DELETE FROM blobs"), SQLITE_CONSTRAINT);
    tdir_remove(&t);
}

static void test_supersede(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s1, s2;
    sample_init(&s1, "2025-04", "2025-04-run1");
    sample_init(&s2, "2025-04", "2025-04-run2");
    ledger_finalize_res res;
    finalize_ok(lg, &s1.req, &res);
    /* the correction pays P002 60,000 instead of 50,000: A 160,000, total 600,000 */
    s2.pay[2].amount_yen = 60000;
    s2.prog[0].amount_yen = 160000;
    s2.req.total_yen = 600000;
    s2.req.supersede = true;
    assert_int_equal(ledger_finalize(lg, &s2.req, &res), LEDGER_INVALID); /* no reason */
    s2.req.reason = "P002 の在籍日数を訂正";
    finalize_ok(lg, &s2.req, &res);
    assert_string_equal(res.superseded_run_id, "2025-04-run1");
    assert_int_equal(res.event_seq, 2);
    assert_int_equal(res.fy_paid_after_yen, 600000); /* the old run no longer counts */

    arena a = ARENA_INIT;
    ledger_run *runs;
    size_t n;
    assert_int_equal(ledger_runs(lg, "2025-04", &a, &runs, &n), LEDGER_OK);
    assert_int_equal(n, 2);
    assert_string_equal(runs[0].run_id, "2025-04-run1");
    assert_string_equal(runs[0].superseded_by, "2025-04-run2");
    assert_int_equal(runs[0].n_payments, 3); /* kept in the trail */
    assert_string_equal(runs[1].supersedes, "2025-04-run1");
    assert_string_equal(runs[1].supersede_reason, "P002 の在籍日数を訂正");
    assert_null(runs[1].superseded_by);
    ledger_run cur;
    assert_int_equal(ledger_month_current(lg, "2025-04", &a, &cur), LEDGER_OK);
    assert_string_equal(cur.run_id, "2025-04-run2");
    ledger_month_sum *ms;
    assert_int_equal(ledger_fy_months(lg, 2025, &a, &ms, &n), LEDGER_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ms[0].total_yen, 600000);
    assert_string_equal(ms[0].programs[0].program, "acceptance_addon");
    assert_int_equal(ms[0].programs[0].amount_yen, 160000);
    assert_int_equal(ledger_fy_months(lg, 2026, &a, &ms, &n), LEDGER_OK);
    assert_int_equal(n, 0);
    arena_release(&a);
    char action[32];
    raw_text(&t, "SELECT action FROM events WHERE seq = 2", action, sizeof action);
    assert_string_equal(action, "supersede");
    assert_int_equal(ledger_verify(lg, NULL, NULL), 0);
    ledger_close(lg);
    tdir_remove(&t);
}

/* SPEC 1.4 with a line of 1,000,000: April 590,000 fits; May would make
 * 590,000 + 590,000 = 1,180,000, over by 180,000. */
/* SPEC 1.4: a fiscal year without a budget line pays nothing unless a reason
 * is given; the refusal is an event with code no_budget_line, the override's
 * reason is in the finalize event. */
static void test_no_budget_line(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s;
    sample_init(&s, "2026-04", "2026-04-run1");
    s.req.budget = (ledger_budget){0};
    ledger_finalize_res res;
    assert_int_equal(ledger_finalize(lg, &s.req, &res), LEDGER_NO_BUDGET_LINE);
    assert_non_null(strstr(ledger_errmsg(lg), "no budget line for FY2026"));
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM runs"), 0);
    assert_int_equal(res.event_seq, 1);
    char why[512];
    raw_text(&t, "SELECT json_extract(payload, '$.code') || ' ' || json_extract(payload,"
                 " '$.month') FROM events WHERE seq = 1 AND action = 'refuse'", why, sizeof why);
    assert_string_equal(why, "no_budget_line 2026-04");

    s.req.over_budget_reason = "予備費充用 (決裁 R8-7)";
    finalize_ok(lg, &s.req, &res);
    assert_true(res.overridden);
    assert_int_equal(res.overrun_yen, 0);
    raw_text(&t,
             "SELECT json_extract(payload, '$.over_budget_override.reason') FROM events"
             " WHERE action = 'finalize'", why, sizeof why);
    assert_string_equal(why, "予備費充用 (決裁 R8-7)");
    assert_int_equal(ledger_verify(lg, NULL, NULL), 0);
    ledger_close(lg);
    tdir_remove(&t);
}

static void test_over_budget(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s4, s5, s4b;
    sample_init(&s4, "2025-04", "2025-04-run1");
    sample_init(&s5, "2025-05", "2025-05-run1");
    s4.req.budget.line_amount_yen = s5.req.budget.line_amount_yen = 1000000;
    ledger_finalize_res res;
    finalize_ok(lg, &s4.req, &res);
    assert_int_equal(ledger_finalize(lg, &s5.req, &res), LEDGER_OVER_BUDGET);
    assert_int_equal(res.fy_paid_before_yen, 590000);
    assert_int_equal(res.fy_paid_after_yen, 1180000);
    assert_int_equal(res.overrun_yen, 180000);
    assert_non_null(strstr(ledger_errmsg(lg), "180000"));
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM runs"), 1);
    /* the refusal is event 2, with the overrun in its reason */
    assert_int_equal(res.event_seq, 2);
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM events WHERE action = 'refuse'"), 1);
    char why[512];
    raw_text(&t, "SELECT json_extract(payload, '$.code') || ': ' || json_extract(payload,"
                 " '$.reason') FROM events WHERE seq = 2", why, sizeof why);
    assert_string_equal(why, "over_budget: FY2025 paid total would be 1180000 yen, over budget "
                             "line R7-kasan (1000000 yen) by 180000 yen; finalizing needs an "
                             "over-budget reason (補正予算・流用)");

    const char *reason = "補正予算第2号で流用 \"承認済\"\n\t(決裁 R7-123)";
    s5.req.over_budget_reason = reason;
    finalize_ok(lg, &s5.req, &res);
    assert_int_equal(res.overrun_yen, 180000);
    arena a = ARENA_INIT;
    ledger_run r;
    assert_int_equal(ledger_month_current(lg, "2025-05", &a, &r), LEDGER_OK);
    assert_string_equal(r.over_budget_reason, reason);
    assert_int_equal(r.overrun_yen, 180000);
    arena_release(&a);
    char buf[256];
    raw_text(&t,
             "SELECT json_extract(payload, '$.over_budget_override.reason') FROM events"
             " WHERE json_extract(payload, '$.month') = '2025-05' AND action = 'finalize'",
             buf, sizeof buf);
    assert_string_equal(buf, reason);

    /* superseding April with 300,000 (A 0 + B 300,000): 590,000 + 300,000
     * = 890,000 fits, because the superseded April run no longer counts */
    sample_init(&s4b, "2025-04", "2025-04-run2");
    s4b.pay[0].amount_yen = 0;
    s4b.pay[1].amount_yen = 300000;
    s4b.pay[2].amount_yen = 0;
    s4b.prog[0].amount_yen = 0;
    s4b.prog[1].amount_yen = 300000;
    s4b.req.total_yen = 300000;
    s4b.req.budget.line_amount_yen = 1000000;
    s4b.req.supersede = true;
    s4b.req.reason = "訂正";
    finalize_ok(lg, &s4b.req, &res);
    assert_int_equal(res.fy_paid_after_yen, 890000);
    assert_int_equal(ledger_verify(lg, NULL, NULL), 0);
    ledger_close(lg);
    tdir_remove(&t);
}

static void test_blob_stored_once(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s4, s5;
    sample_init(&s4, "2025-04", "2025-04-run1");
    sample_init(&s5, "2025-05", "2025-05-run1");
    ledger_finalize_res res;
    finalize_ok(lg, &s4.req, &res);
    finalize_ok(lg, &s5.req, &res);
    /* rules + registry shared, 2 claims files each: 2 + 2 + 2 = 6 blobs, 8 links */
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM blobs"), 6);
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM run_files"), 8);
    char *data;
    size_t len;
    assert_int_equal(ledger_blob_get(lg, s5.sha[0], &data, &len), LEDGER_OK);
    assert_string_equal(data, rules_yaml);
    free(data);
    assert_int_equal(ledger_blob_get(lg, "0000000000000000000000000000000000000000000000000000000000000000", &data, &len), LEDGER_NOT_FOUND);
    assert_null(data);
    ledger_counts c;
    assert_int_equal(ledger_verify(lg, NULL, &c), 0);
    assert_int_equal(c.events, 2);
    assert_int_equal(c.blobs, 6);
    assert_int_equal(c.runs, 2);
    /* the head is the last finalization's event; anchors check stored hashes */
    assert_int_equal(c.head_seq, 2);
    assert_int_equal(res.event_seq, 2);
    assert_string_equal(c.head_hash, res.event_hash);
    assert_int_equal(strlen(res.event_hash), SHA256_HEX_LEN);
    ledger_anchor an[2] = {{.seq = 2}, {.seq = 3}};
    memcpy(an[0].hash, res.event_hash, sizeof an[0].hash);
    memcpy(an[1].hash, res.event_hash, sizeof an[1].hash);
    assert_int_equal(ledger_verify_anchors(lg, an, 1, NULL), 0);
    assert_int_equal(ledger_verify_anchors(lg, an, 2, NULL), 1); /* event 3 does not exist */
    an[0].hash[0] = an[0].hash[0] == '0' ? '1' : '0';
    assert_int_equal(ledger_verify_anchors(lg, an, 1, NULL), 1);
    ledger_close(lg);
    tdir_remove(&t);
}

/* ---- tampering --------------------------------------------------------- */

/* Three events: April, May, and an April correction. */
static void three_events(const tdir *t, sample *s4)
{
    ledger *lg = open_ok(t);
    sample s5, s4b;
    sample_init(s4, "2025-04", "2025-04-run1");
    sample_init(&s5, "2025-05", "2025-05-run1");
    sample_init(&s4b, "2025-04", "2025-04-run2");
    s4b.req.supersede = true;
    s4b.req.reason = "再計算";
    ledger_finalize_res res;
    finalize_ok(lg, &s4->req, &res);
    finalize_ok(lg, &s5.req, &res);
    finalize_ok(lg, &s4b.req, &res);
    char *rep;
    assert_int_equal(verify_report(lg, &rep, NULL), 0);
    assert_string_equal(rep, "");
    free(rep);
    ledger_close(lg);
}

#define DROP_TRIGGERS                                                                      \
    "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete;"                        \
    "DROP TRIGGER payments_no_update; DROP TRIGGER payments_no_delete;"                    \
    "DROP TRIGGER blobs_no_update;"

/* Tampers with raw SQL, then expects verify to find problems, each of
 * `expect` (NULL-terminated) appearing in the report. */
static void tamper_case(const char *sql, int min_problems, ...)
{
    tdir t;
    tdir_make(&t);
    sample s4;
    three_events(&t, &s4);
    assert_int_equal(raw_exec(&t, DROP_TRIGGERS), SQLITE_OK);
    assert_int_equal(raw_exec(&t, sql), SQLITE_OK);
    ledger *lg = open_ok(&t);
    char *rep;
    int n = verify_report(lg, &rep, NULL);
    print_message("-- %s\n", sql); /* cmd_audit below prints the report */
    assert_true(n >= min_problems);
    va_list ap;
    va_start(ap, min_problems);
    for (const char *want; (want = va_arg(ap, const char *));)
        if (!strstr(rep, want))
            fail_msg("report lacks '%s'", want);
    va_end(ap);
    free(rep);
    assert_int_equal(cmd_audit(4, (char *[]){"audit", "verify", "--out", t.dir, NULL}),
                     EXIT_DIFFERENT);
    ledger_close(lg);
    tdir_remove(&t);
}

/* ledger_refuse, the general form for refusals decided outside the ledger
 * (SPEC 1.4 "no budget line"): a "refuse" event on the chain, no run. */
static void test_refuse_event(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s4;
    sample_init(&s4, "2025-04", "2025-04-run1");
    ledger_finalize_res res;
    finalize_ok(lg, &s4.req, &res);
    ledger_refusal r = {"2026-04", "2026-04-run1", "hoiku-02", "no_budget_line",
                        "no budget line for FY2026", NULL};
    int64_t seq = 0;
    char hash[SHA256_HEX_LEN + 1] = "";
    assert_int_equal(ledger_refuse(lg, &r, &seq, hash), LEDGER_OK);
    assert_int_equal(seq, 2);
    char buf[512];
    raw_text(&t, "SELECT hash FROM events WHERE seq = 2", buf, sizeof buf);
    assert_string_equal(buf, hash);
    raw_text(&t, "SELECT action || '|' || actor || '|' || payload FROM events WHERE seq = 2", buf,
             sizeof buf);
    assert_string_equal(buf, "refuse|hoiku-02|{\"code\":\"no_budget_line\",\"month\":\"2026-04\","
                             "\"reason\":\"no budget line for FY2026\",\"requested\":\"finalize\","
                             "\"run_id\":\"2026-04-run1\"}");
    /* malformed refusals are not recorded */
    ledger_refusal bad = r;
    bad.code = "No-Budget";
    assert_int_equal(ledger_refuse(lg, &bad, NULL, NULL), LEDGER_INVALID);
    bad = r;
    bad.subject = "2026-4";
    assert_int_equal(ledger_refuse(lg, &bad, NULL, NULL), LEDGER_INVALID);
    bad = r;
    bad.reason = "";
    assert_int_equal(ledger_refuse(lg, &bad, NULL, NULL), LEDGER_INVALID);
    bad = r;
    bad.actor = NULL;
    assert_int_equal(ledger_refuse(lg, &bad, NULL, NULL), LEDGER_INVALID);
    bad = r;
    bad.run_id = NULL; /* a refusal before any run: run_id null */
    assert_int_equal(ledger_refuse(lg, &bad, &seq, NULL), LEDGER_OK);
    assert_int_equal(seq, 3);
    assert_int_equal(raw_int(&t, "SELECT json_type(payload, '$.run_id') = 'null' FROM events"
                                 " WHERE seq = 3"), 1);
    /* a settlement's or a transfer's refusal: subject FYnnnn → fiscal_year */
    ledger_refusal fy = {"FY2025", NULL, "hoiku-02", "not_finalized", "FY2025 has no settlement",
                         "transfer"};
    assert_int_equal(ledger_refuse(lg, &fy, &seq, NULL), LEDGER_OK);
    assert_int_equal(seq, 4);
    raw_text(&t, "SELECT payload FROM events WHERE seq = 4", buf, sizeof buf);
    assert_string_equal(buf, "{\"code\":\"not_finalized\",\"fiscal_year\":2025,"
                             "\"reason\":\"FY2025 has no settlement\",\"requested\":\"transfer\","
                             "\"run_id\":null}");
    bad = fy;
    bad.subject = "FY25";
    assert_int_equal(ledger_refuse(lg, &bad, NULL, NULL), LEDGER_INVALID);
    bad = fy;
    bad.requested = "Transfer";
    assert_int_equal(ledger_refuse(lg, &bad, NULL, NULL), LEDGER_INVALID);
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM events"), 4);
    assert_int_equal(raw_int(&t, "SELECT count(*) FROM runs"), 1);
    ledger_counts c;
    assert_int_equal(ledger_verify(lg, NULL, &c), 0);
    assert_int_equal(c.events, 4);
    assert_int_equal(c.runs, 1);
    ledger_close(lg);

    /* the refusal's reason or actor edited: verify finds it */
    assert_int_equal(raw_exec(&t, DROP_TRIGGERS "UPDATE events SET payload = replace(payload,"
                                  " 'FY2026', 'FY2027') WHERE seq = 2"), SQLITE_OK);
    lg = open_ok(&t);
    char *rep;
    assert_int_equal(verify_report(lg, &rep, NULL), 1);
    assert_non_null(strstr(rep, "event 2: hash mismatch"));
    free(rep);
    ledger_close(lg);
    assert_int_equal(cmd_audit(4, (char *[]){"audit", "verify", "--out", t.dir, NULL}),
                     EXIT_DIFFERENT);
    tdir_remove(&t);
}

static void test_tamper_payload(void **state)
{
    (void)state;
    tamper_case("UPDATE events SET payload = replace(payload, '590000', '59000') WHERE seq = 2", 1,
                "event 2: hash mismatch (payload or fields edited)", (char *)NULL);
}

static void test_tamper_actor(void **state)
{
    (void)state;
    tamper_case("UPDATE events SET actor = 'someone-else' WHERE seq = 1", 1,
                "event 1: hash mismatch", (char *)NULL);
}

static void test_tamper_delete_event(void **state)
{
    (void)state;
    tamper_case("DELETE FROM events WHERE seq = 2", 2,
                "event 3: previous-hash link broken (event deleted, inserted or reordered)",
                "event 2: missing, but run 2025-05-run1", (char *)NULL);
}

static void test_tamper_delete_last_event(void **state)
{
    (void)state;
    /* the chain alone cannot see a truncated tail; the run it recorded can */
    tamper_case("DELETE FROM events WHERE seq = 3", 1, "event 3: missing, but run 2025-04-run2",
                (char *)NULL);
}

static void test_tamper_swap_events(void **state)
{
    (void)state;
    tamper_case("UPDATE events SET seq = -seq WHERE seq IN (2, 3);"
                "UPDATE events SET seq = 5 + seq WHERE seq < 0",
                3, "event 2: hash mismatch", "event 2: previous-hash link broken",
                "event 3: hash mismatch", (char *)NULL);
}

static void test_tamper_blob(void **state)
{
    (void)state;
    sample s;
    sample_init(&s, "2025-05", "x");
    char sql[512], want[128];
    snprintf(sql, sizeof sql, "UPDATE blobs SET data = CAST('P001,C-9999' AS BLOB) WHERE sha256 = '%s'",
             s.sha[2]);
    snprintf(want, sizeof want, "blob %s: content does not match its hash", s.sha[2]);
    tamper_case(sql, 1, want, (char *)NULL);
}

static void test_tamper_payment(void **state)
{
    (void)state;
    tamper_case("UPDATE payments SET amount_yen = 500000 WHERE run_id = '2025-05-run1'"
                " AND nursery_id = 'P002'",
                1, "event 2: payments of run 2025-05-run1 do not match", (char *)NULL);
}

static void test_tamper_payment_exactly_one(void **state)
{
    (void)state;
    /* a doctored amount is one problem, and the chain itself stays intact */
    tdir t;
    tdir_make(&t);
    sample s4;
    three_events(&t, &s4);
    assert_int_equal(raw_exec(&t, DROP_TRIGGERS "DELETE FROM payments WHERE run_id = "
                                                "'2025-04-run1' AND nursery_id = 'P002'"),
                     SQLITE_OK);
    ledger *lg = open_ok(&t);
    char *rep;
    /* a doctored amount of a superseded run is one problem for its own event,
     * and one for the correction that superseded it: the differences
     * recorded in event 3 (supersede.corrections) no longer follow */
    assert_int_equal(verify_report(lg, &rep, NULL), 2);
    assert_non_null(strstr(rep, "event 1: payments of run 2025-04-run1"));
    assert_non_null(strstr(rep, "event 3: run 2025-04-run2's record"));
    free(rep);
    ledger_close(lg);
    tdir_remove(&t);
}

static void test_blob_get_detects_tamper(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    sample s4;
    three_events(&t, &s4);
    char sql[512];
    snprintf(sql, sizeof sql, DROP_TRIGGERS "UPDATE blobs SET data = zeroblob(3) WHERE sha256 = '%s'",
             s4.sha[0]);
    assert_int_equal(raw_exec(&t, sql), SQLITE_OK);
    ledger *lg = open_ok(&t);
    char *data;
    size_t len;
    assert_int_equal(ledger_blob_get(lg, s4.sha[0], &data, &len), LEDGER_CORRUPT);
    assert_null(data);
    ledger_close(lg);
    tdir_remove(&t);
}


/* ---- corrections (修正, SPEC 6.1) ---------------------------------------- */

/* The chain's event hash (src/ledger/ledger_int.h): a test re-hashes an
 * event as an older kasan wrote it. */
void ledger_event_hash(int64_t seq, const char *time, const char *actor, const char *action,
                       const char *payload, const char *prev_hash, char out[SHA256_HEX_LEN + 1]);

/* run1 pays P001 A 100,000 + B 440,000 and P002 A 50,000 (sample_init);
 * run2 corrects it: P001 A 100,000 (same), P001 B 366,000, P003 A 25,806,
 * nothing for P002.  Corrections, by nursery then program:
 *   P001 nurse_placement   440,000 → 366,000   366,000 − 440,000 = −74,000
 *   P002 acceptance_addon   50,000 →       0         0 −  50,000 = −50,000
 *   P003 acceptance_addon        0 →  25,806    25,806 −       0 = +25,806
 * (P001 acceptance_addon is unchanged: no row). */
static void correction_sample(sample *s2)
{
    sample_init(s2, "2025-04", "2025-04-run2");
    s2->pay[1].amount_yen = 366000;
    s2->pay[2] = (ledger_payment){"P003", "acceptance_addon", "2025-04", 25806};
    s2->prog[0].amount_yen = 125806; /* 100,000 + 25,806 */
    s2->prog[1].amount_yen = 366000;
    s2->req.total_yen = 491806;      /* 125,806 + 366,000 */
    s2->req.supersede = true;
    s2->req.reason = "職員の届出誤り";
}

/* 文書番号 (issue 22): recorded with the run, numbered on from the highest
 * of the fiscal year, never given twice: a finalization whose first number
 * was taken meanwhile fails (BUSY), nothing of it recorded; the table
 * refuses any change; the payload carries the numbers and verify rebuilds it. */
static void test_document_numbers(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    int64_t next = 0;
    assert_int_equal(ledger_documents_next(lg, 2025, &next), LEDGER_OK);
    assert_int_equal(next, 1); /* none given yet */
    const char *h = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    ledger_document d4[] = {{1, "P001", "statement", "2025-04/statements/P001.pdf", h},
                            {2, "P002", "refusal", "2025-04/statements/P002.pdf", h}};
    sample s;
    sample_init(&s, "2025-04", "2025-04-run1");
    s.req.documents = d4;
    s.req.n_documents = 2;
    ledger_finalize_res res;
    finalize_ok(lg, &s.req, &res);
    assert_int_equal(ledger_documents_next(lg, 2025, &next), LEDGER_OK);
    assert_int_equal(next, 3); /* 1 + the highest given, 2 */
    assert_int_equal(ledger_documents_next(lg, 2026, &next), LEDGER_OK);
    assert_int_equal(next, 1); /* another fiscal year counts from 1 */
    /* May numbered from 2 (as if read before April's commit): refused */
    ledger_document d5[] = {{2, "P003", "statement", "2025-05/statements/P003.pdf", h}};
    sample s5;
    sample_init(&s5, "2025-05", "2025-05-run1");
    s5.req.documents = d5;
    s5.req.n_documents = 1;
    assert_int_equal(ledger_finalize(lg, &s5.req, &res), LEDGER_BUSY);
    assert_non_null(strstr(ledger_errmsg(lg), "run again"));
    ledger_run cur;
    arena a = ARENA_INIT;
    assert_int_equal(ledger_month_current(lg, "2025-05", &a, &cur), LEDGER_NOT_FOUND);
    d5[0].number = 3; /* numbered right: recorded */
    finalize_ok(lg, &s5.req, &res);
    ledger_document *got;
    size_t n;
    assert_int_equal(ledger_documents_of(lg, "2025-04-run1", &a, &got, &n), LEDGER_OK);
    assert_int_equal(n, 2);
    assert_int_equal(got[1].number, 2);
    assert_string_equal(got[1].kind, "refusal");
    assert_int_equal(ledger_documents_of(lg, "2025-05-run1", &a, &got, &n), LEDGER_OK);
    assert_int_equal(n, 1);
    assert_int_equal(got[0].number, 3);
    assert_string_equal(got[0].nursery_id, "P003");
    /* never changed, never deleted */
    assert_int_not_equal(raw_exec(&t, "UPDATE documents SET number = 9 WHERE number = 3"),
                         SQLITE_OK);
    assert_int_not_equal(raw_exec(&t, "DELETE FROM documents"), SQLITE_OK);
    assert_int_equal(raw_int(&t, "SELECT COUNT(*) FROM documents"), 3);
    /* the payload holds them, and verify rebuilds it */
    assert_int_equal(ledger_verify(lg, NULL, NULL), 0);
    arena_release(&a);
    ledger_close(lg);
    tdir_remove(&t);
}

static void test_corrections_recorded(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s1, s2;
    sample_init(&s1, "2025-04", "2025-04-run1");
    correction_sample(&s2);
    ledger_finalize_res res;
    finalize_ok(lg, &s1.req, &res);
    /* computed against another run than the current one: refused, recorded */
    s2.req.expect_superseded = "2025-04-run0";
    assert_int_equal(ledger_finalize(lg, &s2.req, &res), LEDGER_ALREADY_FINALIZED);
    assert_int_equal(res.event_seq, 2);
    s2.req.expect_superseded = "2025-04-run1";
    finalize_ok(lg, &s2.req, &res);
    assert_int_equal(res.event_seq, 3);
    arena a = ARENA_INIT;
    ledger_correction *c;
    size_t n;
    assert_int_equal(ledger_corrections(lg, "2025-04-run2", &a, &c, &n), LEDGER_OK);
    assert_int_equal(n, 3);
    assert_string_equal(c[0].nursery_id, "P001");
    assert_string_equal(c[0].program, "nurse_placement");
    assert_int_equal(c[0].paid_yen, 440000);
    assert_int_equal(c[0].corrected_yen, 366000);
    assert_int_equal(c[0].difference_yen, -74000);
    assert_string_equal(c[1].nursery_id, "P002");
    assert_int_equal(c[1].corrected_yen, 0);
    assert_int_equal(c[1].difference_yen, -50000);
    assert_string_equal(c[2].nursery_id, "P003");
    assert_int_equal(c[2].paid_yen, 0);
    assert_int_equal(c[2].difference_yen, 25806);
    /* a first finalization corrects nothing */
    assert_int_equal(ledger_corrections(lg, "2025-04-run1", &a, &c, &n), LEDGER_OK);
    assert_int_equal(n, 0);
    arena_release(&a);
    ledger_close(lg);
    /* the same rows are in the event's payload, for replay and export */
    assert_int_equal(raw_int(&t, "SELECT json_array_length(payload, '$.supersede.corrections')"
                                 " FROM events WHERE seq = 3"), 3);
    assert_int_equal(raw_int(&t, "SELECT json_extract(payload,"
                                 " '$.supersede.corrections[1].difference_yen')"
                                 " FROM events WHERE seq = 3"), -50000);
    tdir_remove(&t);
}

/* A supersede event written before corrections were recorded (no
 * supersede.corrections) still verifies; with them removed but the hash
 * left, it does not. */
static void test_corrections_legacy_event(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s1, s2;
    sample_init(&s1, "2025-04", "2025-04-run1");
    correction_sample(&s2);
    ledger_finalize_res res;
    finalize_ok(lg, &s1.req, &res);
    finalize_ok(lg, &s2.req, &res);
    ledger_close(lg);
    char payload[8192], time[64], prev[80], sql[16384], hash[SHA256_HEX_LEN + 1];
    /* (an event from before corrections were recorded predates owed_base too) */
    raw_text(&t, "SELECT json_remove(payload, '$.supersede.corrections',"
                 " '$.supersede.owed_base') FROM events WHERE seq = 2", payload, sizeof payload);
    raw_text(&t, "SELECT time FROM events WHERE seq = 2", time, sizeof time);
    raw_text(&t, "SELECT prev_hash FROM events WHERE seq = 2", prev, sizeof prev);
    ledger_event_hash(2, time, "hoiku-01", "supersede", payload, prev, hash);
    snprintf(sql, sizeof sql, DROP_TRIGGERS "UPDATE events SET payload = '%s', hash = '%s'"
                              " WHERE seq = 2", payload, hash);
    assert_int_equal(raw_exec(&t, sql), SQLITE_OK);
    lg = open_ok(&t);
    char *rep;
    assert_int_equal(verify_report(lg, &rep, NULL), 0);
    free(rep);
    ledger_close(lg);
    snprintf(sql, sizeof sql, "UPDATE events SET hash = '%064d' WHERE seq = 2", 7);
    assert_int_equal(raw_exec(&t, sql), SQLITE_OK);
    lg = open_ok(&t);
    assert_int_equal(verify_report(lg, &rep, NULL), 1);
    free(rep);
    ledger_close(lg);
    tdir_remove(&t);
}

/* ---- CLI and export ---------------------------------------------------- */

static void test_audit_cli(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    assert_int_equal(cmd_audit(4, (char *[]){"audit", "verify", "--out", t.dir, NULL}),
                     EXIT_USAGE); /* no ledger yet: nothing finalized there (not an I/O error) */
    sample s4;
    three_events(&t, &s4);
    assert_int_equal(cmd_audit(4, (char *[]){"audit", "verify", "--out", t.dir, NULL}), EXIT_OK);
    assert_int_equal(cmd_audit(2, (char *[]){"audit", "--help", NULL}), EXIT_OK);
    assert_int_equal(cmd_audit(2, (char *[]){"audit", "frobnicate", NULL}), EXIT_USAGE);
    assert_int_equal(cmd_audit(3, (char *[]){"audit", "verify", "extra", NULL}), EXIT_USAGE);
    assert_int_equal(raw_exec(&t, DROP_TRIGGERS "UPDATE events SET time = 'x' WHERE seq = 1"),
                     SQLITE_OK);
    assert_int_equal(cmd_audit(4, (char *[]){"audit", "verify", "--out", t.dir, NULL}),
                     EXIT_DIFFERENT);
    tdir_remove(&t);
}

/* A hand-written structural check of one JSON text: strings closed with
 * valid escapes, brackets balanced, nothing after the value. */
static bool json_line_ok(const char *p, const char *end)
{
    int depth = 0;
    bool in_str = false;
    for (; p < end; p++) {
        if (in_str) {
            if ((unsigned char)*p < 0x20)
                return false;
            if (*p == '\\') {
                p++;
                if (p >= end || !strchr("\"\\/bfnrtu", *p))
                    return false;
            } else if (*p == '"') {
                in_str = false;
            }
        } else if (*p == '"') {
            in_str = true;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (--depth < 0)
                return false;
            if (depth == 0)
                return p + 1 == end;
        }
    }
    return false;
}

/* Python re-derives every hash from the export alone, with the documented
 * canonical form: the payload re-serialized, then the event object. */
static const char py_check[] =
    "import hashlib, json, sys\n"
    "def canon(v):\n"
    "    return json.dumps(v, sort_keys=True, separators=(',', ':'), ensure_ascii=False)\n"
    "prev = '0' * 64\n"
    "n = 0\n"
    "for line in sys.stdin:\n"
    "    e = json.loads(line)\n"
    "    ev = {k: e[k] for k in ('seq', 'time', 'actor', 'action', 'prev_hash')}\n"
    "    ev['payload'] = canon(e['payload'])\n"
    "    h = hashlib.sha256(canon(ev).encode('utf-8')).hexdigest()\n"
    "    assert e['prev_hash'] == prev and e['hash'] == h, e['seq']\n"
    "    prev = h\n"
    "    n += 1\n"
    "assert n == int(sys.argv[1]), n\n";

static void test_export_jsonl(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_ok(&t);
    sample s4, s5;
    sample_init(&s4, "2025-04", "2025-04-run1");
    sample_init(&s5, "2025-05", "2025-05-run1");
    s4.req.actor = "担当者 \"A\"\\\x01";
    s5.req.budget.line_amount_yen = 1000000;
    s5.req.over_budget_reason = "補正予算\n\t第2号 \x7f";
    ledger_finalize_res res;
    finalize_ok(lg, &s4.req, &res);
    finalize_ok(lg, &s5.req, &res);
    char *buf;
    size_t len;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(ledger_export_jsonl(lg, f), LEDGER_OK);
    fclose(f);
    int lines = 0;
    for (char *p = buf, *nl; (nl = strchr(p, '\n')); p = nl + 1, lines++) {
        assert_true(json_line_ok(p, nl));
        assert_memory_equal(p, "{\"action\":\"finalize\",\"actor\":", 29);
    }
    assert_int_equal(lines, 2);
    assert_non_null(strstr(buf, "\"actor\":\"担当者 \\\"A\\\"\\\\\\u0001\""));
    assert_non_null(strstr(buf, "\"reason\":\"補正予算\\n\\t第2号 \x7f\""));

    char script[160], cmd[400];
    snprintf(script, sizeof script, "%s/check.py", t.dir);
    assert_int_equal(fs_write_atomic(script, py_check, strlen(py_check)), 0);
    if (system("command -v python3 >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd, "python3 %s 2", script);
        FILE *py = popen(cmd, "w");
        assert_non_null(py);
        fwrite(buf, 1, len, py);
        assert_int_equal(pclose(py), 0);
    } else {
        print_message("python3 not found: export checked by hand only\n");
    }
    free(buf);
    ledger_close(lg);
    tdir_remove(&t);
}

/* ---- processes --------------------------------------------------------- */

/* Two processes wait on one pipe, then both open a fresh ledger and
 * finalize the same month: exactly one must win, the other be refused. */
static int race_child(const tdir *t, int barrier, const char *run_id)
{
    char c;
    if (read(barrier, &c, 1) != 0)
        return 100;
    ledger *lg;
    char err[512];
    int rc = ledger_open(t->path, true, &lg, err, sizeof err);
    if (rc) {
        fprintf(stderr, "child open: %s\n", err);
        return 50 + rc;
    }
    sample s;
    sample_init(&s, "2025-04", run_id);
    ledger_finalize_res res;
    rc = ledger_finalize(lg, &s.req, &res);
    if (rc != LEDGER_OK && rc != LEDGER_ALREADY_FINALIZED)
        fprintf(stderr, "child finalize: %s\n", ledger_errmsg(lg));
    ledger_close(lg);
    return rc;
}

static void test_concurrent_finalize(void **state)
{
    (void)state;
    for (int trial = 0; trial < 25; trial++) {
        tdir t;
        tdir_make(&t);
        int fd[2];
        assert_int_equal(pipe(fd), 0);
        pid_t pid[2];
        for (int k = 0; k < 2; k++) {
            pid[k] = fork();
            assert_true(pid[k] >= 0);
            if (pid[k] == 0) {
                close(fd[1]);
                _exit(race_child(&t, fd[0], k ? "run-b" : "run-a"));
            }
        }
        close(fd[0]);
        close(fd[1]); /* releases both at once */
        int ok = 0, refused = 0;
        for (int k = 0; k < 2; k++) {
            int st;
            assert_int_equal(waitpid(pid[k], &st, 0), pid[k]);
            assert_true(WIFEXITED(st));
            ok += WEXITSTATUS(st) == LEDGER_OK;
            refused += WEXITSTATUS(st) == LEDGER_ALREADY_FINALIZED;
        }
        if (ok != 1 || refused != 1)
            fail_msg("trial %d: %d succeeded, %d refused", trial, ok, refused);
        ledger *lg = open_ok(&t);
        ledger_counts c;
        assert_int_equal(ledger_verify(lg, NULL, &c), 0);
        assert_int_equal(c.events, 2); /* the finalization and the refusal */
        assert_int_equal(raw_int(&t, "SELECT count(*) FROM events WHERE action = 'refuse'"), 1);
        ledger_close(lg);
        tdir_remove(&t);
    }
}

/* A month of n payment rows (nursery N000001… × acceptance_addon, 1,000 yen
 * each), total n × 1,000. */
typedef struct big {
    arena a;
    sample s;
    ledger_payment *pay;
} big;

static void big_init(big *b, size_t n, const char *run_id)
{
    b->a = (arena)ARENA_INIT;
    sample_init(&b->s, "2025-05", run_id);
    b->pay = arena_calloc(&b->a, n, sizeof *b->pay);
    for (size_t i = 0; i < n; i++)
        b->pay[i] = (ledger_payment){arena_printf(&b->a, "N%07zu", i), "acceptance_addon",
                                     "2025-04", 1000};
    b->s.prog[0].amount_yen = (int64_t)n * 1000;
    b->s.req.n_programs = 1;
    b->s.req.payments = b->pay;
    b->s.req.n_payments = n;
    b->s.req.total_yen = (int64_t)n * 1000;
    b->s.req.budget.line_id = NULL; /* no line: paid only on a reason (SPEC 1.4) */
    b->s.req.over_budget_reason = "test: a big month without a line";
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A ledger with April finalized, so the crashed May sits on a chain. */
static void crash_base(const tdir *t)
{
    ledger *lg = open_ok(t);
    sample s4;
    sample_init(&s4, "2025-04", "2025-04-run1");
    ledger_finalize_res res;
    finalize_ok(lg, &s4.req, &res);
    ledger_close(lg);
}

/* The child's job: open the ledger and finalize the big month.  Frees
 * what it holds before _exit, so valgrind's leak check passes the child. */
static void crash_child(const tdir *t, big *b)
{
    ledger *lg;
    char err[512];
    ledger_finalize_res res;
    int code = 2;
    if (ledger_open(t->path, true, &lg, err, sizeof err) == LEDGER_OK) {
        code = ledger_finalize(lg, &b->s.req, &res) == LEDGER_OK ? 0 : 1;
        ledger_close(lg);
    }
    arena_release(&b->a);
    _exit(code);
}

/* Seconds from fork to the exit of a child doing the whole job unkilled
 * (fork included: under ASan it is not free). */
static double crash_job_time(size_t n)
{
    tdir t;
    tdir_make(&t);
    crash_base(&t);
    big b;
    big_init(&b, n, "2025-05-run1");
    double t0 = now_s();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        crash_child(&t, &b);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    double dt = now_s() - t0;
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    arena_release(&b.a);
    tdir_remove(&t);
    return dt;
}

/* After a kill: the chain is clean and May is all there or not at all;
 * finalizing (or superseding) May again then works.  Returns 1 if complete. */
static int crash_check(const tdir *t, big *b)
{
    ledger *lg = open_ok(t);
    char *rep;
    int problems = verify_report(lg, &rep, NULL);
    if (problems != 0)
        fail_msg("verify after kill: %s", rep);
    free(rep);
    arena a = ARENA_INIT;
    ledger_run r;
    int rc = ledger_month_current(lg, "2025-05", &a, &r);
    assert_true(rc == LEDGER_OK || rc == LEDGER_NOT_FOUND);
    int complete = rc == LEDGER_OK;
    if (complete) {
        assert_int_equal(r.n_payments, b->s.req.n_payments);
        assert_int_equal(r.n_files, 4);
        assert_int_equal(raw_int(t, "SELECT count(*) FROM events"), 2);
    } else {
        assert_int_equal(raw_int(t, "SELECT count(*) FROM events"), 1);
        assert_int_equal(raw_int(t, "SELECT count(*) FROM payments"), 3);
    }
    arena_release(&a);
    snprintf(b->s.run_id, sizeof b->s.run_id, "2025-05-again");
    b->s.req.supersede = complete;
    b->s.req.reason = complete ? "再確定" : NULL;
    ledger_finalize_res res;
    finalize_ok(lg, &b->s.req, &res);
    assert_int_equal(ledger_verify(lg, NULL, NULL), 0);
    ledger_close(lg);
    return complete;
}

static void test_crash_during_finalize(void **state)
{
    (void)state;
    /* grow the month until the child's job takes ~80 ms, so the kills land
     * throughout it (opening, inserting rows, committing) */
    size_t n = 5000;
    double job = crash_job_time(n);
    while (job < 0.08 && n < 800000) {
        n *= 2;
        job = crash_job_time(n);
    }
    enum { TRIALS = 24 };
    int complete = 0;
    for (int i = 0; i < TRIALS; i++) {
        tdir t;
        tdir_make(&t);
        crash_base(&t);
        big b;
        big_init(&b, n, "2025-05-run1");
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0)
            crash_child(&t, &b);
        /* delays spread over 0 … 1.2 × the job */
        double delay = job * 1.2 * i / (TRIALS - 1);
        struct timespec ts = {(time_t)delay, (long)((delay - (time_t)delay) * 1e9)};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) == 0));
        complete += crash_check(&t, &b);
        arena_release(&b.a);
        tdir_remove(&t);
    }
    print_message("crash test: %zu rows, job %.0f ms, %d of %d kills left May complete\n", n,
                  job * 1000, complete, TRIALS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_finalize_then_refuse),
        cmocka_unit_test(test_supersede),
        cmocka_unit_test(test_over_budget),
        cmocka_unit_test(test_no_budget_line),
        cmocka_unit_test(test_refuse_event),
        cmocka_unit_test(test_blob_stored_once),
        cmocka_unit_test(test_tamper_payload),
        cmocka_unit_test(test_tamper_actor),
        cmocka_unit_test(test_tamper_delete_event),
        cmocka_unit_test(test_tamper_delete_last_event),
        cmocka_unit_test(test_tamper_swap_events),
        cmocka_unit_test(test_tamper_blob),
        cmocka_unit_test(test_tamper_payment),
        cmocka_unit_test(test_tamper_payment_exactly_one),
        cmocka_unit_test(test_blob_get_detects_tamper),
        cmocka_unit_test(test_document_numbers),
        cmocka_unit_test(test_corrections_recorded),
        cmocka_unit_test(test_corrections_legacy_event),
        cmocka_unit_test(test_audit_cli),
        cmocka_unit_test(test_export_jsonl),
        cmocka_unit_test(test_concurrent_finalize),
        cmocka_unit_test(test_crash_during_finalize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
