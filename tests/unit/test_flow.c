/* test_flow: the procedures of src/flow that were only testable end to end
 * — the budget year read from a ledger built here (the default year; the
 * view as of an event), which earlier transfer a new file tops up, and a
 * settlement compared with the one recorded.  Amounts worked out by hand in
 * the comments.  (The row merge they walk with: test_rowmerge.c.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/flow/flow_int.h"
#include "kasan/fsutil.h"
#include "kasan/hash.h"

/* ---- a ledger built from finalize requests ------------------------------- */

typedef struct tdir {
    char dir[64];
    flow_paths paths;
} tdir;

static void tdir_make(tdir *t)
{
    snprintf(t->dir, sizeof t->dir, "/tmp/kasan-flow-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    t->paths = (flow_paths){t->dir, "/nonexistent-rules", t->dir};
}

static ledger *open_new(const tdir *t)
{
    ledger *lg;
    char err[512], path[128];
    snprintf(path, sizeof path, "%s/ledger.sqlite", t->dir);
    if (ledger_open(path, true, &lg, err, sizeof err) != LEDGER_OK)
        fail_msg("ledger_open: %s", err);
    return lg;
}

static const char rules_yaml[] = "program: acceptance_addon\n";

/* One run of month: P001 pays `yen` under acceptance_addon (the budget line
 * of its fiscal year: 16,444,000), superseding the current run if any. */
static void finalize(ledger *lg, const char *month, const char *run_id, int64_t yen,
                     const char *supersede_reason, const char *over_reason)
{
    claim_month m;
    assert_true(month_parse(month, &m));
    char sha[SHA256_HEX_LEN + 1];
    hash_sha256_hex(rules_yaml, strlen(rules_yaml), sha);
    ledger_file f = {"rules", "acceptance_addon.yaml", rules_yaml, strlen(rules_yaml), sha};
    ledger_payment pay = {"P001", "acceptance_addon", "2025-04", yen};
    ledger_program_total prog = {"acceptance_addon", yen};
    ledger_finalize_req rq = {.month = month, .run_id = run_id, .created = "2026-04-10T09:00:00Z",
                              .actor = "test", .engine_version = "0.1.0", .payments = &pay,
                              .n_payments = 1, .programs = &prog, .n_programs = 1,
                              .total_yen = yen, .files = &f, .n_files = 1,
                              .budget = {month_fiscal_year(m), "line", 16444000},
                              .over_budget_reason = over_reason,
                              .supersede = supersede_reason != NULL,
                              .reason = supersede_reason,
                              /* r3 corrects April after the settlement (issue 21 item 4) */
                              .after_settlement_reason = "精算も修正する"};
    ledger_finalize_res res;
    if (ledger_finalize(lg, &rq, &res) != LEDGER_OK)
        fail_msg("finalize %s: %s", run_id, ledger_errmsg(lg));
}

/* ---- the budget year --------------------------------------------------------- */

/* Finalized months in FY2024 and FY2025: `kasan budget` without --fy shows
 * FY2025, the latest (it showed FY2024: 2025 was both the default and the
 * mark of "not found yet" in a loop from 2100 down). */
static void test_budget_default_year(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_new(&t);
    finalize(lg, "2024-06", "r-2024-06", 1000, NULL, NULL);  /* FY2024 */
    finalize(lg, "2025-04", "r-2025-04", 2000, NULL, NULL);  /* FY2025 */
    finalize(lg, "2024-07", "r-2024-07", 3000, NULL, NULL);  /* FY2024, finalized last */
    int fy;
    assert_int_equal(ledger_fy_latest(lg, &fy), LEDGER_OK);
    assert_int_equal(fy, 2025);
    ledger_close(lg);
    flow_budget_req rq = {t.paths, 0};
    flow_budget_res res;
    assert_int_equal(flow_budget(&rq, &res), EXIT_OK);
    assert_int_equal(res.fiscal_year, 2025);
    assert_int_equal(res.paid_yen, 2000); /* April 2025 alone */
    assert_true(res.year.view.months[0].present);
    flow_budget_free(&res);
    assert_int_equal(fs_remove_tree(t.dir), 0);
}

/* The settlement of FY2025 recorded: P001 annual 3,500 against 3,000 paid,
 * 追加交付 500 (paid against the line, SPEC 6.2). */
static void settle(ledger *lg)
{
    static const char actuals_csv[] = "nursery_id,program\nP001,acceptance_addon\n";
    char sha_a[SHA256_HEX_LEN + 1], sha_r[SHA256_HEX_LEN + 1];
    hash_sha256_hex(actuals_csv, strlen(actuals_csv), sha_a);
    hash_sha256_hex(rules_yaml, strlen(rules_yaml), sha_r);
    ledger_file files[] = {{"actuals", "settlement/2025/actuals.csv", actuals_csv, strlen(actuals_csv),
                            sha_a},
                           {"rules", "acceptance_addon.yaml", rules_yaml, strlen(rules_yaml),
                            sha_r}};
    ledger_settle_row row = {"P001", "acceptance_addon", "2025-04", 3500, 3000, 500, false,
                             0, 0, 0};
    ledger_settle_month months[] = {{"2025-04", "r1"}, {"2025-05", "r2"}};
    ledger_settle_req rq = {.fiscal_year = 2025, .settle_id = "settle-2025-x",
                            .created = "2026-04-10T09:00:00Z", .actor = "test",
                            .engine_version = "0.1.0", .rows = &row, .n_rows = 1,
                            .months = months, .n_months = 2, .files = files, .n_files = 2,
                            .additional_yen = 500, .fy_additional_yen = 500,
                            .budget = {2025, "line", 16444000}};
    ledger_settle_res res;
    if (ledger_settle_finalize(lg, &rq, &res) != LEDGER_OK)
        fail_msg("settle: %s", ledger_errmsg(lg));
}

/* The view of FY2025 now and as it stood just before events of the past:
 *   event 1  2025-04 r1   1,000
 *   event 2  2025-05 r2   2,000
 *   event 3  the settlement: 追加交付 500
 *   event 4  2025-04 r3   1,500 (a correction of r1)
 *   event 5  2025-06 r4   4,000
 * Just before event 4 (the view r3 was finalized on): April is r1's 1,000,
 * May 2,000, June absent, 追加交付 500; paid 1,000 + 2,000 + 500 = 3,500.
 * Just before event 2: April 1,000 alone, no settlement yet; paid 1,000.
 * Now: 1,500 + 2,000 + 4,000 + 500 = 8,000. */
static void test_budget_as_of_event(void **state)
{
    (void)state;
    tdir t;
    tdir_make(&t);
    ledger *lg = open_new(&t);
    finalize(lg, "2025-04", "r1", 1000, NULL, NULL);
    finalize(lg, "2025-05", "r2", 2000, NULL, NULL);
    settle(lg);
    finalize(lg, "2025-04", "r3", 1500, "訂正", NULL);
    finalize(lg, "2025-06", "r4", 4000, NULL, NULL);
    arena a = ARENA_INIT;
    flow_budget_year y;
    int64_t paid;
    const char *ids[] = {"acceptance_addon"};
    flow_budget_year_req rq = {lg, 2025, "line", 16444000, ids, 1, 4, &a};
    assert_int_equal(flow_budget_year_read(&rq, &y), LEDGER_OK);
    assert_int_equal(y.view.months[0].total, 1000);         /* April: r1, not r3 */
    assert_int_equal(y.view.months[0].program_amount[0], 1000);
    assert_int_equal(y.view.months[1].total, 2000);         /* May */
    assert_false(y.view.months[2].present);                 /* June: later */
    assert_int_equal(y.view.settled_additional, 500);
    assert_true(budget_paid(&y.view, &paid));
    assert_int_equal(paid, 3500);

    rq.before_seq = 2;
    assert_int_equal(flow_budget_year_read(&rq, &y), LEDGER_OK);
    assert_true(y.view.months[0].present);
    assert_false(y.view.months[1].present);
    assert_int_equal(y.view.settled_additional, 0);
    assert_true(budget_paid(&y.view, &paid));
    assert_int_equal(paid, 1000);

    rq.before_seq = 0; /* now; the columns from the ledger's months */
    rq.programs = NULL;
    rq.n_programs = 0;
    assert_int_equal(flow_budget_year_read(&rq, &y), LEDGER_OK);
    assert_int_equal(y.n_programs, 1);
    assert_string_equal(y.programs[0], "acceptance_addon");
    assert_int_equal(y.view.months[0].total, 1500);
    assert_int_equal(y.view.months[2].total, 4000);
    assert_true(budget_paid(&y.view, &paid));
    assert_int_equal(paid, 8000);
    arena_release(&a);
    ledger_close(lg);
    assert_int_equal(fs_remove_tree(t.dir), 0);
}

/* ---- which earlier transfer was paid ----------------------------------------- */

/* Transfers recorded, oldest first: May's run m1, June's j1, May's
 * correction m2 (its 追給), the settlement s1 of FY2025, May's m1 again
 * (a reissue).  A new file of May's run m3 tops up over the latest transfer
 * of another May run: m1's reissue (event 5), not m2's; May has 3 files.
 * A second file of m2 finds it done, over m1.  The settlement's s2 tops up
 * s1; a month's file never counts for the settlement or the other way. */
static void test_transfer_paid_before(void **state)
{
    (void)state;
    ledger_transfer t[] = {
        {.month = "2025-05", .run_id = "m1", .event_seq = 1},
        {.month = "2025-06", .run_id = "j1", .event_seq = 2},
        {.month = "2025-05", .run_id = "m2", .event_seq = 3},
        {.settlement_fy = 2025, .run_id = "s1", .event_seq = 4},
        {.month = "2025-05", .run_id = "m1", .event_seq = 5},
    };
    bool done;
    size_t files;
    const ledger_transfer *b = flow_transfer_paid_before("2025-05", 0, "m3", t, 5, &done, &files);
    assert_ptr_equal(b, &t[4]);
    assert_false(done);
    assert_int_equal(files, 3);
    b = flow_transfer_paid_before("2025-05", 0, "m2", t, 5, &done, &files);
    assert_ptr_equal(b, &t[4]); /* m1's reissue came after m2's file */
    assert_true(done);
    b = flow_transfer_paid_before(NULL, 2025, "s2", t, 5, &done, &files);
    assert_ptr_equal(b, &t[3]);
    assert_false(done);
    assert_int_equal(files, 1);
    b = flow_transfer_paid_before(NULL, 2025, "s1", t, 5, &done, &files);
    assert_null(b);
    assert_true(done);
    b = flow_transfer_paid_before("2025-07", 0, "x", t, 5, &done, &files);
    assert_null(b);
    assert_int_equal(files, 0);
    b = flow_transfer_paid_before(NULL, 2024, "s0", t, 5, &done, &files);
    assert_null(b); /* another year's settlement, and no month, counts */
    assert_int_equal(files, 0);
}

/* ---- a settlement against the one recorded ----------------------------------- */

static bool says(const flow_notes *n, const char *text)
{
    for (size_t i = 0; i < n->n; i++)
        if (n->v[i].kind == FLOW_NOTE_RESULT && !strcmp(n->v[i].text, text))
            return true;
    return false;
}

/* Recomputed: P001/A annual 5,000,000 paid 5,100,000 (返還 100,000), P002/A
 * 2,775,000 paid 2,773,000 (追加交付 2,000), P003/B 10 paid 10.  Recorded:
 * P001/A the same, P002/A annual 2,774,000 (difference 1,000), and P004/A
 * never recomputed.  So: P001 identical; P002 another amount; P003 recorded
 * nothing; P004 recomputed nothing — 1 identical, 3 differences. */
static void test_settle_compare(void **state)
{
    (void)state;
    program a = {.id = "A", .version = "2025-04"}, b = {.id = "B", .version = "2025-04"};
    settle_row rows[] = {
        {.nursery_id = "P001", .rule = &a, .annual = 5000000, .paid = 5100000,
         .difference = -100000},
        {.nursery_id = "P002", .rule = &a, .annual = 2775000, .paid = 2773000, .difference = 2000},
        {.nursery_id = "P003", .rule = &b, .annual = 10, .paid = 10, .difference = 0},
    };
    settlement st = {.rows = rows, .n_rows = 3};
    ledger_settle_row rec_rows[] = {
        {"P001", "A", "2025-04", 5000000, 5100000, -100000, false, 0, 0, 0},
        {"P002", "A", "2025-04", 2774000, 2773000, 1000, false, 0, 0, 0},
        {"P004", "A", "2025-04", 7, 7, 0, false, 0, 0, 0},
    };
    ledger_settlement rec = {.rows = rec_rows, .n_rows = 3};
    flow_notes n = {0};
    assert_int_equal(flow_settle_compare(&st, &rec, &n), 3);
    assert_true(says(&n, "  DIFFERENT P002 A: recorded another amount, recomputed annual 2775000 "
                         "paid 2773000 difference 2000 (rule 2025-04)"));
    assert_true(says(&n, "  DIFFERENT P003 B: recorded nothing, recomputed annual 10 paid 10 "
                         "difference 0 (rule 2025-04)"));
    assert_true(says(&n, "  DIFFERENT P004 A: recorded annual 7, recomputed nothing"));
    assert_true(says(&n, "  1 settlement rows identical, 3 differences"));
    assert_int_equal(n.n, 4); /* P001 is not named */
    flow_notes_free(&n);

    /* the same rows recorded: identical; a rule version differing is a difference */
    rec_rows[1] = (ledger_settle_row){"P002", "A", "2025-04", 2775000, 2773000, 2000, false,
                                      0, 0, 0};
    rec_rows[2] = (ledger_settle_row){"P003", "B", "2025-04", 10, 10, 0, false, 0, 0, 0};
    assert_int_equal(flow_settle_compare(&st, &rec, &n), 0);
    assert_true(says(&n, "  3 settlement rows identical, 0 differences"));
    flow_notes_free(&n);
    rec_rows[2].rule_version = "2025-10";
    assert_int_equal(flow_settle_compare(&st, &rec, &n), 1);
    flow_notes_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_default_year),
        cmocka_unit_test(test_budget_as_of_event),
        cmocka_unit_test(test_transfer_paid_before),
        cmocka_unit_test(test_settle_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
