/* test_report: the workbook writers on a month_run built by hand — two
 * programs with labelled values, three nurseries (one paid nothing), two
 * rejections and a nursery name that a spreadsheet would take for a formula.
 * Checks that the files land under their names with no temporary left, that
 * a write into a missing directory fails leaving nothing, and the budget
 * arithmetic of SPEC 1.4.  Set KASAN_REPORT_KEEP=DIR to keep the workbooks
 * (DIR/2025-04/...) for tests/e2e/check_workbooks.py and render_workbooks.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/fsutil.h"
#include "kasan/report.h"

static value yen(int64_t v) { return (value){.n = num_int(v)}; }
static value text(const char *s) { return (value){.s = s}; }

/* Program A (child scope): 区分 (text), 単価, 日割額 (yen); nursery: an
 * internal count and the result 加算額.  Program B (staff scope): 基準額 per
 * staff line, and nursery 基準額 and the result — the label 基準額 used twice
 * in one program. */
static rule_value a_values[] = {
    {.name = "kubun", .label = "区分", .kind = RV_FORMULA, .scope = SCOPE_CHILD, .type = VT_TEXT, .slot = 0},
    {.name = "unit", .label = "単価", .kind = RV_FORMULA, .scope = SCOPE_CHILD, .type = VT_YEN, .slot = 1},
    {.name = "daily", .label = "日割額", .kind = RV_FORMULA, .scope = SCOPE_CHILD, .type = VT_YEN, .slot = 2},
    {.name = "count", .label = NULL, .kind = RV_FORMULA, .scope = SCOPE_NURSERY, .type = VT_INT, .slot = 0},
    {.name = "amount", .label = "加算額", .kind = RV_FORMULA, .scope = SCOPE_NURSERY, .type = VT_YEN, .slot = 1},
};
static rule_value b_values[] = {
    {.name = "std", .label = "基準額", .kind = RV_FORMULA, .scope = SCOPE_STAFF, .type = VT_YEN, .slot = 0},
    {.name = "nstd", .label = "基準額", .kind = RV_FORMULA, .scope = SCOPE_NURSERY, .type = VT_YEN, .slot = 0},
    {.name = "amount", .label = "補助額", .kind = RV_FORMULA, .scope = SCOPE_NURSERY, .type = VT_YEN, .slot = 1},
};
static rule_file files[] = {
    {.path = "rules/acceptance_addon/2025-04.yaml", .sha256 = "aa00000000000000000000000000000000000000000000000000000000000000"},
    {.path = "rules/nurse_placement/2025-04.yaml", .sha256 = "bb00000000000000000000000000000000000000000000000000000000000000"},
};
static program progs[2];
static rule_set rules;
static budget_line line = {.version = "2025", .title = "私立認可保育所での医療的ケア児受入加算事業",
                           .line_id = "R7-kasan", .fiscal_year = 2025, .amount = 16444000};

static nursery reg[4] = {
    {.id = "N1", .name = "=cmd|' /C calc'!A0", .kind = "private_licensed", .operator_name = "+社会福祉法人テスト会",
     .bank_name = "テスト銀行", .bank_branch = "本店", .account_type = "ordinary", .account_number = "0012345",
     .account_holder = "ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾃｽﾄｶｲ"},
    {.id = "N2", .name = "みどり保育園", .kind = "private_licensed", .operator_name = "株式会社みどり",
     .bank_name = "板橋信用金庫", .bank_branch = "大山支店", .account_type = "current", .account_number = "7654321",
     .account_holder = "カ）ミドリ"},
    {.id = "N3", .name = "そら保育園", .kind = "private_licensed", .operator_name = "社会福祉法人そら",
     .bank_name = "テスト銀行", .bank_branch = "志村支店", .account_type = "ordinary", .account_number = "1111111",
     .account_holder = "ｿﾗ"},
    {.id = "W1", .name = "区立ゆりの木保育園", .kind = "ward_run", .operator_name = "板橋区"},
};
static child_line children[] = {
    {.nursery = 0, .nursery_id = "N1", .child_ref = "C0001", .care_types = "suction", .line = 2},
    {.nursery = 0, .nursery_id = "N1", .child_ref = "@C0002", .care_types = "ventilator", .line = 3},
    {.nursery = 1, .nursery_id = "N2", .child_ref = "C0003", .care_types = "suction", .line = 4},
    {.nursery = 2, .nursery_id = "N3", .child_ref = "C0004", .care_types = "oxygen", .line = 6},
};
static staff_line staff[] = {
    {.nursery = 1, .nursery_id = "N2", .staff_ref = "S0001", .qualification = "nurse", .employment = "part_time",
     .has_hours = true, .hours = {185, 2}, .salary_cost = 250000, .other_income = 10000, .line = 2},
};
static const child_line *child_ptrs[4];
static const staff_line *staff_ptrs[1];
static int child_days[4] = {30, 30, 15, 0};
/* A: 区分, 単価, 日割額 per child.  50,000 × 15 ÷ 30 = 25,000 for C0003. */
static value a_child[4 * 3];
static value b_staff[1];
static value a_nurs[3][2], b_nurs[3][2];
static nursery_month nms[3];
static int64_t amounts[3 * 2]; /* [nursery * 2 + program], as the engine lays them out */
static value *nursery_values[3 * 2];
static rejection rejs[] = {
    {.file = "claims/2025-04/children.csv", .line = 5, .nursery_id = "N2", .ref = "C0003",
     .code = "duplicate_child", .reason = "同一児童の在籍期間が重複しています", .kind = SCOPE_CHILD},
    {.file = "claims/2025-04/children.csv", .line = 7, .nursery_id = "W1", .ref = "C0009",
     .code = "ward_run", .reason = "区立保育園は対象外です", .kind = SCOPE_CHILD},
};
static month_run run;

static void build_run(void)
{
    progs[0] = (program){.id = "acceptance_addon", .version = "2025-04", .title = "医療的ケア児受入加算",
                         .file = &files[0], .effective_from = date_from_ymd(2025, 4, 1),
                         .effective_to = DATE_OPEN, .values = a_values, .n_values = 5,
                         .n_slots = {2, 3, 0}, .result = &a_values[4]};
    progs[1] = (program){.id = "nurse_placement", .version = "2025-04", .title = "看護師等配置補助",
                         .file = &files[1], .effective_from = date_from_ymd(2025, 4, 1),
                         .effective_to = DATE_OPEN, .values = b_values, .n_values = 3,
                         .n_slots = {2, 0, 1}, .result = &b_values[2]};
    rules = (rule_set){.files = files, .n_files = 2, .programs = progs, .n_programs = 2};

    memset(&run, 0, sizeof run);
    run.month = (claim_month){2025, 4};
    run.rules = &rules;
    run.budget = &line;
    run.programs[0] = &progs[0];
    run.programs[1] = &progs[1];
    run.n_programs = 2;
    const char *names[INPUT_COUNT] = {"nurseries.csv", "claims/2025-04/children.csv",
                                      "claims/2025-04/nurses.csv"};
    for (int i = 0; i < INPUT_COUNT; i++) {
        run.inputs[i] = (input_file){.name = names[i], .data = names[i], .len = strlen(names[i])};
        hash_sha256_hex(names[i], strlen(names[i]), run.inputs[i].sha256);
    }
    run.reg = (registry){.file = "nurseries.csv", .v = reg, .n = 4};

    for (int i = 0; i < 4; i++)
        child_ptrs[i] = &children[i];
    staff_ptrs[0] = &staff[0];
    run.children = child_ptrs;
    run.child_days = child_days;
    run.n_children = 4;
    run.staff = staff_ptrs;
    run.n_staff = 1;

    const char *kubun[] = {"標準", "高度", "標準", "標準"};
    const int64_t unit[] = {50000, 80000, 50000, 50000};
    const int64_t daily[] = {50000, 80000, 25000, 0};
    for (int i = 0; i < 4; i++) {
        a_child[i * 3 + 0] = text(kubun[i]);
        a_child[i * 3 + 1] = yen(unit[i]);
        a_child[i * 3 + 2] = yen(daily[i]);
    }
    b_staff[0] = yen(212750); /* 92.5 h × 2,300 */
    run.child_values[0] = a_child;
    run.staff_values[1] = b_staff;

    /* N1: A = 50,000 + 80,000; N2: A = 25,000, B = min(212,750, 250,000,
     * 250,000 − 10,000) = 212,750 → 212,000 (千円未満切り捨て); N3: nothing. */
    const int64_t a[] = {130000, 25000, 0}, b[] = {0, 212000, 0};
    for (int k = 0; k < 3; k++) {
        a_nurs[k][0] = (value){.n = num_int(k == 0 ? 2 : 1)};
        a_nurs[k][1] = yen(a[k]);
        b_nurs[k][0] = yen(k == 1 ? 212750 : 0);
        b_nurs[k][1] = yen(b[k]);
        amounts[k * 2] = a[k];
        amounts[k * 2 + 1] = b[k];
        nursery_values[k * 2] = a_nurs[k];
        nursery_values[k * 2 + 1] = b_nurs[k];
        nms[k] = (nursery_month){.nursery = &reg[k], .amount = &amounts[k * 2],
                                 .total = a[k] + b[k], .values = &nursery_values[k * 2]};
    }
    nms[0].child0 = 0, nms[0].n_children = 2;
    nms[1].child0 = 2, nms[1].n_children = 1, nms[1].staff0 = 0, nms[1].n_staff = 1;
    nms[2].child0 = 3, nms[2].n_children = 1, nms[2].staff0 = 1;
    run.nurseries = nms;
    run.n_nurseries = 3;
    run.amounts = amounts;
    run.nursery_values = nursery_values;
    run.rejections = rejs;
    run.n_rejections = 2;
    run.program_total[0] = 155000;
    run.program_total[1] = 212000;
    run.total = 367000;
}

static const run_meta meta_draft = {.run_id = "2025-04-20250510T093000Z-1a2b3c4d",
                                    .created = "2025-05-10T09:30:00Z",
                                    .finalized = false,
                                    .engine_version = "0.1.0-test"};

static char *path_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* Fails if any file under dir has ".tmp" in its name. */
static void assert_no_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        assert_null(strstr(e->d_name, ".tmp"));
        char *sub = path_join(dir, e->d_name);
        if (fs_is_dir(sub))
            assert_no_tmp(sub);
        free(sub);
    }
    closedir(d);
}

/* The run's fiscal year with only the run's month, as a draft. */
static void draft_view(budget_view *bv)
{
    budget_view_init(bv, month_fiscal_year(run.month), run.budget->line_id, run.budget->amount);
    budget_view_place(bv, run.month, true, run.total, run.program_total, run.n_programs);
    assert_true(budget_view_finish(bv, run.month));
}

static void test_budget_view(void **state)
{
    (void)state;
    build_run();
    run.month = (claim_month){2025, 6};
    budget_view bv;
    budget_view_init(&bv, 2025, run.budget->line_id, run.budget->amount);
    int64_t april[] = {800000, 200000};
    budget_view_place(&bv, (claim_month){2025, 4}, false, 1000000, april, 2);
    budget_view_place(&bv, (claim_month){2025, 5}, false, 900000, NULL, 0);
    budget_view_place(&bv, run.month, true, run.total, run.program_total, run.n_programs);
    assert_true(budget_view_finish(&bv, run.month));
    assert_int_equal(bv.fiscal_year, 2025);
    assert_string_equal(bv.line_id, "R7-kasan");
    assert_int_equal(bv.line_amount, 16444000);
    assert_int_equal(bv.paid_before, 1900000);     /* April + May */
    assert_int_equal(bv.this_month, 367000);
    assert_int_equal(bv.remaining, 14177000);      /* 16,444,000 − 1,900,000 − 367,000 */
    assert_int_equal(bv.forecast, 5570000);        /* 1,900,000 + 367,000 × 10 (Jun–Mar) */
    assert_true(bv.months[2].present && bv.months[2].draft);
    assert_int_equal(bv.months[2].program_amount[1], 212000);
    assert_int_equal(bv.months[11].month.year, 2026);
    assert_int_equal(bv.months[11].month.month, 3);

    /* March: one month left, this one. */
    run.month = (claim_month){2026, 3};
    draft_view(&bv);
    assert_int_equal(bv.paid_before, 0);
    assert_int_equal(bv.forecast, 367000);
}

static void test_write_workbooks(void **state)
{
    (void)state;
    build_run();
    const char *keep = getenv("KASAN_REPORT_KEEP");
    char tmpl[] = "/tmp/kasan-test-report-XXXXXX";
    const char *base = keep ? keep : mkdtemp(tmpl);
    assert_non_null(base);
    char *dir = path_join(base, "2025-04");
    char *sdir = path_join(dir, "statements");
    assert_int_equal(fs_mkdirs(sdir), 0);

    budget_view bv;
    draft_view(&bv);
    run_meta meta = meta_draft;
    meta.issue_date = date_from_ymd(2025, 5, 10);

    char err[512] = "";
    char *xlsx = path_join(dir, "payments.xlsx");
    int rc = report_payments_xlsx(&run, &bv, &meta, xlsx, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_true(fs_exists(xlsx));
    for (size_t k = 0; k < run.n_nurseries; k++) {
        if (nms[k].total <= 0)
            continue;
        char name[64];
        snprintf(name, sizeof name, "%s.xlsx", nms[k].nursery->id);
        char *sp = path_join(sdir, name);
        rc = report_statement_xlsx(&run, &nms[k], &meta, sp, err, sizeof err);
        if (rc != 0)
            print_error("%s\n", err);
        assert_int_equal(rc, 0);
        assert_true(fs_exists(sp));
        free(sp);
    }
    assert_no_tmp(dir);
    if (!keep) {
        assert_int_equal(fs_remove_tree(base), 0);
    }
    free(xlsx);
    free(sdir);
    free(dir);
}

/* The text pdftotext gives back of a PDF, or NULL when poppler-utils is
 * not installed (scripts/deps.sh installs it for the tests). */
static char *pdf_text(const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "pdftotext -layout '%s' - 2>/dev/null", path);
    FILE *p = popen(cmd, "r");
    if (!p)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t k;
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0)
        n += k;
    buf[n] = '\0';
    int st = pclose(p);
    if (st != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Whether text has needle once the spaces of the layout (ASCII and
 * full-width) and line ends are taken out of both. */
static bool has_text(const char *text, const char *needle)
{
    char *a = malloc(strlen(text) + 1), *b = malloc(strlen(needle) + 1);
    assert_non_null(a);
    assert_non_null(b);
    const char *src[2] = {text, needle};
    char *dst[2] = {a, b};
    for (int i = 0; i < 2; i++) {
        char *o = dst[i];
        for (const char *c = src[i]; *c;) {
            if (*c == ' ' || *c == '\n') {
                c++;
                continue;
            }
            if (!strncmp(c, "\u3000", 3)) {
                c += 3;
                continue;
            }
            *o++ = *c++;
        }
        *o = '\0';
    }
    bool found = strstr(a, b) != NULL;
    free(a);
    free(b);
    return found;
}

/* The statement and the 不支給決定通知書 as PDF: the document number and
 * the issuer printed when given, the amounts, one page, and the nursery's
 * own data only.  N2 (A 25,000 + B 212,000 = 237,000, worked out in
 * build_run) is paid; W1's line was rejected but W1 is ward-run: no notice;
 * an issuer in force prints its head, and its number pattern lays out
 * "7板子保第12号" for FY2025 (令和7年度). */
static void test_pdf_documents(void **state)
{
    (void)state;
    build_run();
    rule_issuer is = {.version = "2025-04", .title = "発行者", .basis = "要綱",
                      .effective_from = date_from_ymd(2025, 4, 1), .effective_to = DATE_OPEN,
                      .head_title = "板橋区長", .head_name = "試験　太郎",
                      .section = "保育サービス課", .contact = "保育サービス課 電話 03-0000-0000",
                      .document_number = "{y}板子保第{n}号", .appeal_notice = "1　審査請求の教示"};
    rules.issuers = &is;
    rules.n_issuers = 1;
    char tmpl[] = "/tmp/kasan-test-pdf-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    char err[512] = "";
    run_meta meta = meta_draft;
    meta.finalized = true;
    meta.issue_date = date_from_ymd(2025, 5, 10);
    char number[64];
    assert_true(rules_issuer_number(&is, month_fiscal_year(run.month), 12, number, sizeof number));
    char *st = path_join(tmpl, "N2.pdf");
    int rc = report_statement_pdf(&run, &nms[1], &meta, number, st, err, sizeof err);
    if (rc != 0)
        print_error("%s\n", err);
    assert_int_equal(rc, 0);
    assert_no_tmp(tmpl);
    char *t = pdf_text(st);
    bool poppler = system("command -v pdftotext >/dev/null 2>&1") == 0;
    assert_true(t != NULL || !poppler); /* read back wherever it can be */
    if (t) {
        assert_true(has_text(t, "7板子保第12号"));
        assert_true(has_text(t, "板橋区長　試験　太郎"));
        assert_true(has_text(t, "令和7年5月10日"));
        assert_true(has_text(t, "（令和7年4月分）"));
        assert_true(has_text(t, "支払金額 237,000円"));
        assert_true(has_text(t, "医療的ケア児受入加算 25,000円"));
        assert_true(has_text(t, "看護師等配置補助 212,000円"));
        assert_true(has_text(t, "S0001"));
        assert_true(has_text(t, "92.5時間"));
        assert_false(has_text(t, "試算"));
        /* nothing of N1 or N3: their refs and names */
        assert_false(has_text(t, "C0001"));
        assert_false(has_text(t, "C0004"));
        assert_false(has_text(t, "そら保育園"));
        free(t);
    }
    /* without a number, none printed; a draft says 試算 */
    char *st2 = path_join(tmpl, "N1.pdf");
    assert_int_equal(report_statement_pdf(&run, &nms[0], &meta_draft, NULL, st2, err, sizeof err),
                     0);
    t = pdf_text(st2);
    if (t) {
        assert_false(has_text(t, "板子保第"));
        assert_true(has_text(t, "試"));
        assert_true(has_text(t, "【試算】"));
        /* the name a spreadsheet would take for a formula, as text */
        assert_true(has_text(t, "=cmd|' /C calc'!A0"));
        free(t);
    }
    /* W1 (ward-run) rejected: no 不支給 notice; N3 is computed (a child
     * with no day): none either */
    assert_int_equal(report_refused_nurseries(&run, &meta, NULL), 0);
    /* a write into a missing directory: -1, nothing left */
    char *bad = path_join(tmpl, "missing/N2.pdf");
    assert_int_equal(report_statement_pdf(&run, &nms[1], &meta, NULL, bad, err, sizeof err), -1);
    assert_non_null(strstr(err, "N2.pdf"));
    assert_false(fs_exists(bad));
    rules.issuers = NULL;
    rules.n_issuers = 0;
    assert_int_equal(fs_remove_tree(tmpl), 0);
    free(bad);
    free(st2);
    free(st);
}

static void test_write_fails_cleanly(void **state)
{
    (void)state;
    build_run();
    char tmpl[] = "/tmp/kasan-test-report-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    /* A directory that does not exist: works even when the tests run as root,
     * whom permission bits would not stop. */
    char *missing = path_join(tmpl, "missing");
    char *xlsx = path_join(missing, "payments.xlsx");
    char *st = path_join(missing, "N1.xlsx");
    budget_view bv;
    draft_view(&bv);
    char err[512] = "";
    assert_int_equal(report_payments_xlsx(&run, &bv, &meta_draft, xlsx, err, sizeof err), -1);
    assert_non_null(strstr(err, "payments.xlsx"));
    assert_false(fs_exists(xlsx));
    err[0] = '\0';
    assert_int_equal(report_statement_xlsx(&run, &nms[0], &meta_draft, st, err, sizeof err), -1);
    assert_true(err[0] != '\0');
    assert_false(fs_exists(st));
    assert_false(fs_exists(missing));
    assert_no_tmp(tmpl);
    assert_int_equal(fs_remove_tree(tmpl), 0);
    free(st);
    free(xlsx);
    free(missing);
}


/* A correction (修正, SPEC 6.1) against this run (N1 A 130,000; N2 A 25,000,
 * B 212,000; N3 nothing).  Paid under the superseded run: N1 A 130,000, N2 B
 * 220,000, N3 A 10,000, N9 A 40,000 (N9 no longer in the registry).  Rows,
 * by nursery then program:
 *   N2 acceptance_addon        0 →  25,000   +25,000 (newly paid)
 *   N2 nurse_placement   220,000 → 212,000    −8,000
 *   N3 acceptance_addon   10,000 →       0   −10,000 (computed, pays 0)
 *   N9 acceptance_addon   40,000 →       0   −40,000 (gone altogether)
 * N1 is unchanged: no row. */
static void test_corrections(void **state)
{
    (void)state;
    build_run();
    const ledger_payment paid[] = {{"N1", "acceptance_addon", "2025-04", 130000},
                                   {"N2", "nurse_placement", "2025-04", 220000},
                                   {"N3", "acceptance_addon", "2025-04", 10000},
                                   {"N9", "acceptance_addon", "2025-04", 40000}};
    arena a = ARENA_INIT;
    ledger_correction *c;
    size_t n;
    assert_int_equal(engine_corrections(&run, paid, 4, &a, &c, &n), 0);
    assert_int_equal(n, 4);
    char tmpl[] = "/tmp/kasan-test-corr-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    run_correction rc = {.superseded_run_id = "2025-04-old", .reason = "=cmd|' /C calc'!A0", .rows = c, .n = n};
    run_meta meta = meta_draft;
    meta.finalized = true;
    meta.correction = &rc;
    char *csv = path_join(tmpl, "corrections.csv"), err[512] = "";
    assert_int_equal(report_corrections_csv(&run, &rc, csv, err, sizeof err), 0);
    char *data;
    size_t len;
    assert_int_equal(fs_read_file(csv, &data, &len), 0);
    /* nothing transferred yet: 0 transferred, the whole corrected amount owed */
    assert_string_equal(data, "month,nursery_id,program,paid_yen,corrected_yen,difference_yen,"
                              "transferred_yen,owed_yen\n"
                              "2025-04,N2,acceptance_addon,0,25000,25000,0,25000\n"
                              "2025-04,N2,nurse_placement,220000,212000,-8000,0,212000\n"
                              "2025-04,N3,acceptance_addon,10000,0,-10000,0,0\n"
                              "2025-04,N9,acceptance_addon,40000,0,-40000,0,0\n");
    free(data);
    /* transferred: N2 B 215,000 (a run between paid 215,000 and was then
     * corrected to the 220,000 above), N3 A 10,000, N9 A 40,000; the owed
     * rows (transferred → now, where they differ): N2 A 0 → 25,000, N2 B
     * 215,000 → 212,000, N3 A 10,000 → 0, N9 A 40,000 → 0.  So N2 B owes
     * −3,000 (not −8,000 against the run replaced) */
    const ledger_correction owed[] = {{"N2", "acceptance_addon", 0, 25000, 25000},
                                      {"N2", "nurse_placement", 215000, 212000, -3000},
                                      {"N3", "acceptance_addon", 10000, 0, -10000},
                                      {"N9", "acceptance_addon", 40000, 0, -40000}};
    rc.transferred = true;
    rc.owed = owed;
    rc.n_owed = 4;
    assert_int_equal(report_corrections_csv(&run, &rc, csv, err, sizeof err), 0);
    assert_int_equal(fs_read_file(csv, &data, &len), 0);
    assert_string_equal(data, "month,nursery_id,program,paid_yen,corrected_yen,difference_yen,"
                              "transferred_yen,owed_yen\n"
                              "2025-04,N2,acceptance_addon,0,25000,25000,0,25000\n"
                              "2025-04,N2,nurse_placement,220000,212000,-8000,215000,-3000\n"
                              "2025-04,N3,acceptance_addon,10000,0,-10000,10000,-10000\n"
                              "2025-04,N9,acceptance_addon,40000,0,-40000,40000,-40000\n");
    free(data);
    rc.transferred = false;
    rc.owed = NULL;
    rc.n_owed = 0;
    /* only N9 lacks a computed nursery: its statement is the one added */
    char *sdir = path_join(tmpl, "statements");
    assert_int_equal(fs_mkdirs(sdir), 0);
    assert_int_equal(report_correction_statements(&run, &meta, tmpl, err, sizeof err), 0);
    char *n9 = path_join(sdir, "N9.xlsx"), *n3 = path_join(sdir, "N3.xlsx");
    assert_true(fs_exists(n9));
    assert_false(fs_exists(n3));
    char *xlsx = path_join(tmpl, "payments.xlsx");
    budget_view bv;
    draft_view(&bv);
    assert_int_equal(report_payments_xlsx(&run, &bv, &meta, xlsx, err, sizeof err), 0);
    assert_int_equal(report_statement_xlsx(&run, &nms[1], &meta, n3, err, sizeof err), 0);
    assert_no_tmp(tmpl);
    assert_int_equal(fs_remove_tree(tmpl), 0);
    free(xlsx);
    free(n3);
    free(n9);
    free(sdir);
    free(csv);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_budget_view),
        cmocka_unit_test(test_write_workbooks),
        cmocka_unit_test(test_write_fails_cleanly),
        cmocka_unit_test(test_pdf_documents),
        cmocka_unit_test(test_corrections),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
