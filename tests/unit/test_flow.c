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
                              .reason = supersede_reason};
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_default_year),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
