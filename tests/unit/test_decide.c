/* test_decide: the grant applications (交付申請) and the decision computed
 * from them (交付決定, docs/spec/12-grant-decision.md).
 *   - the reader: every problem only a plan can have, at its line:col, and
 *     what the claim parser refuses, refused the same way;
 *   - the month views: only the lines planned for the month, each at its
 *     own line number, quoted fields and line breaks kept;
 *   - the worked example of tests/e2e/decide-data (three nurseries across
 *     the October amendment of Program A, SPEC 1.2), under the repository's
 *     rules/, every amount worked out by hand below;
 *   - the 変更交付決定 of one nursery (tests/e2e/decide-data-amended).
 * KASAN_SRCDIR (set by meson) names the repository. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kasan/applications.h"
#include "kasan/decide.h"
#include "kasan/rules.h"

static const char *srcdir(void)
{
    const char *s = getenv("KASAN_SRCDIR");
    return s ? s : ".";
}

static void load_rules(rule_set *rs)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/rules", srcdir());
    diag_list d = DIAG_LIST_INIT;
    int rc = rules_load_dir(dir, rs, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    assert_int_equal(rc, 0);
}

#define REG "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch," \
            "account_type,account_number,account_holder\n"                            \
            "P001,あ,private_licensed,法人,2000-04-01,,銀行,支店,ordinary,1234567,ｱ\n"  \
            "P002,い,private_licensed,法人,2000-04-01,2025-03-31,銀行,支店,ordinary,1234567,ｲ\n" \
            "P003,う,private_licensed,法人,2025-07-01,,銀行,支店,ordinary,1234567,ｳ\n"
#define KIDS_HEADER "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n"
#define STAFF_HEADER "nursery_id,staff_ref,qualification,employment,hours,salary_cost," \
                     "other_income,planned_months\n"

static int parse(const rule_set *rs, const char *kids, const char *staff, arena *a,
                 applications *app, diag_list *d)
{
    static const char reg[] = REG;
    input_file in[INPUT_COUNT] = {
        {.name = "nurseries.csv", .data = reg, .len = sizeof reg - 1},
        {.name = "applications/2025/children.csv", .data = kids, .len = strlen(kids)},
        {.name = "applications/2025/nurses.csv", .data = staff, .len = strlen(staff)},
    };
    return applications_parse(in, rs, 2025, a, app, d);
}

/* d holds, in order, the (line, col, message part) triples. */
typedef struct want {
    int line, col;
    const char *part;
} want;

static void expect_diags(const diag_list *d, const want *w, size_t n)
{
    for (size_t i = 0; i < d->n; i++)
        fprintf(stderr, "  got %s:%d:%d: %s\n", d->v[i].file, d->v[i].line, d->v[i].col,
                d->v[i].msg);
    assert_int_equal(diag_count(d), n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(d->v[i].line, w[i].line);
        assert_int_equal(d->v[i].col, w[i].col);
        if (!strstr(d->v[i].msg, w[i].part))
            fail_msg("message %zu '%s' lacks '%s'", i, d->v[i].msg, w[i].part);
    }
}

static void test_plan_errors(void **state)
{
    (void)state;
    rule_set rs;
    load_rules(&rs);
    static const char kids[] =
        KIDS_HEADER
        "P001,C1,suction,2025-04-01,\n"              /* 2: fine */
        "P999,C2,suction,2025-04-01,\n"              /* 3: unknown nursery */
        "P001,C3,suction,2026-04-01,\n"              /* 4: begins after the year */
        "P001,C4,suction,2023-04-01,2025-03-31\n"    /* 5: ended before it */
        "P002,C5,suction,2024-04-01,\n"              /* 6: P002 closed 2025-03-31 */
        "P003,C6,suction,2025-04-01,2025-06-30\n"    /* 7: P003 opens 2025-07-01 */
        "P003,C7,suction,2025-04-01,2025-07-01\n";   /* 8: one day open: fine */
    static const char staff[] =
        STAFF_HEADER
        "P001,S1,nurse,full_time,,400000,,2025-04..2026-03\n"  /* 2: fine */
        "P001,S2,nurse,full_time,,400000,,2026-04\n"           /* 3: FY2026 */
        "P001,S3,nurse,full_time,,400000,,2025-13\n"           /* 4: not a month */
        "P001,S4,nurse,full_time,,400000,,2025-10..2025-04\n"  /* 5: backwards */
        "P001,S5,nurse,full_time,,400000,,2025-04;2025-04..2025-06\n" /* 6: twice */
        "P001,S6,nurse,full_time,,400000,,\n"                  /* 7: empty */
        "P003,S7,nurse,full_time,,400000,,2025-04..2025-06\n"  /* 8: P003 not open yet */
        "P999,S8,nurse,full_time,,400000,,2025-04\n"           /* 9: unknown nursery */
        "P003,S9,nurse,full_time,,400000,,2025-06;2025-07\n";  /* 10: July is open: fine */
    arena a = ARENA_INIT;
    applications app;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(parse(&rs, kids, staff, &a, &app, &d), -1);
    const want w[] = {
        {3, 1, "column 'nursery_id': unknown nursery 'P999' (not in nurseries.csv)"},
        {4, 4, "column 'enrolled_from': the planned enrolment 2026-04-01 to (open) has no day "
               "in FY2025 (2025-04-01 to 2026-03-31)"},
        {5, 5, "column 'enrolled_to': the planned enrolment 2023-04-01 to 2025-03-31 has no day"},
        {6, 1, "nursery P002 is not active on any day this line is planned for (2025-04-01 to "
               "2026-03-31; active 2000-04-01 to 2025-03-31)"},
        {7, 1, "nursery P003 is not active on any day this line is planned for (2025-04-01 to "
               "2025-06-30; active 2025-07-01 to (open))"},
        {3, 8, "column 'planned_months': '2026-04' is not in FY2025 (2025-04..2026-03)"},
        {4, 8, "'2025-13' is not a month YYYY-MM or a range YYYY-MM..YYYY-MM"},
        {5, 8, "'2025-10..2025-04' ends before it begins"},
        {6, 8, "2025-04 is planned twice"},
        {7, 8, "empty (a value is required: the months the line is planned for, e.g. "
               "2025-04..2026-03)"},
        {8, 1, "nursery P003 is not active on any day this line is planned for "
               "(planned_months '2025-04..2025-06'; active 2025-07-01 to (open))"},
        {9, 1, "unknown nursery 'P999'"},
    };
    expect_diags(&d, w, sizeof w / sizeof w[0]);
    assert_string_equal(d.v[0].file, "applications/2025/children.csv");
    assert_string_equal(d.v[5].file, "applications/2025/nurses.csv");
    diag_release(&d);
    arena_release(&a);
    rules_free(&rs);
}

/* What the claim parser refuses is refused with its own message, and a
 * nurses.csv without planned_months is refused at its header. */
static void test_claim_errors(void **state)
{
    (void)state;
    rule_set rs;
    load_rules(&rs);
    arena a = ARENA_INIT;
    applications app;
    diag_list d = DIAG_LIST_INIT;
    static const char kids[] = KIDS_HEADER "P001,C1,suction;gills,2025-04-31,\n";
    static const char staff[] = STAFF_HEADER "P001,S1,nurse,part_time,,400000,-1,2025-04\n";
    assert_int_equal(parse(&rs, kids, staff, &a, &app, &d), -1);
    const want w[] = {
        {2, 3, "unknown care type 'gills'"},
        {2, 4, "column 'enrolled_from'"},
        {2, 5, "part_time requires the hours"},
        {2, 7, "column 'other_income'"},
    };
    expect_diags(&d, w, sizeof w / sizeof w[0]);
    diag_release(&d);

    static const char ok_kids[] = KIDS_HEADER "P001,C1,suction,2025-04-01,\n";
    static const char no_months[] =
        "nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n"
        "P001,S1,nurse,full_time,,400000,\n";
    assert_int_equal(parse(&rs, ok_kids, no_months, &a, &app, &d), -1);
    const want w2[] = {{1, 0, "missing required column 'planned_months'"}};
    expect_diags(&d, w2, 1);
    diag_release(&d);
    arena_release(&a);
    rules_free(&rs);
}

static void test_month_views(void **state)
{
    (void)state;
    rule_set rs;
    load_rules(&rs);
    /* line 3 is a record spanning lines 3–4 (a quoted line break), line 5
     * has a quoted comma and a doubled quote; C9 begins in October */
    static const char kids[] =
        KIDS_HEADER
        "P001,C1,suction,2025-04-01,2025-04-30\n"
        "P001,\"C\n2\",oxygen,2025-04-15,\n"
        "P001,\"C,\"\"3\",insulin,2025-04-01,\n"
        "P001,C9,other,2025-10-01,\n";
    static const char staff[] =
        STAFF_HEADER "P001,S1,nurse,full_time,,400000,,2025-05..2025-06;2025-10\n";
    arena a = ARENA_INIT;
    applications app;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(parse(&rs, kids, staff, &a, &app, &d), 0);
    assert_int_equal(app.children.n, 4);
    assert_int_equal(app.children.v[1].line, 3);
    assert_int_equal(app.children.v[1].csv_lines, 2);
    assert_int_equal(app.children.v[2].line, 5);
    /* C1 April only (bit 0); C9 October–March (bits 6–11: 0xFC0); S1
     * May, June and October (bits 1, 2, 6) */
    assert_int_equal(app.children.v[0].months, 0x001);
    assert_int_equal(app.children.v[3].months, 0xFC0);
    assert_int_equal(app.staff.v[0].months, (1 << 1) | (1 << 2) | (1 << 6));
    input_file in[INPUT_COUNT];
    applications_month(&app, 0, &a, in);
    assert_string_equal(in[INPUT_CHILDREN].data,
                        KIDS_HEADER
                        "P001,C1,suction,2025-04-01,2025-04-30\n"
                        "P001,\"C\n2\",oxygen,2025-04-15,\n"
                        "P001,\"C,\"\"3\",insulin,2025-04-01,\n");
    assert_string_equal(in[INPUT_STAFF].data, STAFF_HEADER);
    assert_string_equal(in[INPUT_CHILDREN].name, "applications/2025/children.csv");
    applications_month(&app, 6, &a, in); /* October: C1 gone, C9 at its line 6 */
    assert_string_equal(in[INPUT_CHILDREN].data,
                        KIDS_HEADER "\n"
                        "P001,\"C\n2\",oxygen,2025-04-15,\n"
                        "P001,\"C,\"\"3\",insulin,2025-04-01,\n"
                        "P001,C9,other,2025-10-01,\n");
    assert_string_equal(in[INPUT_STAFF].data,
                        STAFF_HEADER "P001,S1,nurse,full_time,,400000,,2025-05..2025-06;2025-10\n");
    assert_int_equal(app.months, 0xFFF);

    /* the same file as Excel may save it, with a BOM and CRLF line ends:
     * the views are the records again, in UTF-8 with LF, at the same lines */
    static const char bom_crlf[] =
        "\xEF\xBB\xBF" "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\r\n"
        "P001,C1,suction,2025-04-01,2025-04-30\r\n"
        "P001,C9,other,2025-10-01,\r\n";
    assert_int_equal(parse(&rs, bom_crlf, staff, &a, &app, &d), 0);
    applications_month(&app, 6, &a, in);
    assert_string_equal(in[INPUT_CHILDREN].data,
                        KIDS_HEADER "\n" "P001,C9,other,2025-10-01,\n");
    assert_int_equal(app.children.v[1].line, 3);
    diag_release(&d);
    arena_release(&a);
    rules_free(&rs);
}

static void decide_dir(const rule_set *rs, const char *sub, arena *a, decision *dec)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/e2e/%s", srcdir(), sub);
    input_file in[INPUT_COUNT];
    diag_list d = DIAG_LIST_INIT;
    int rc = applications_read(dir, 2025, a, in, &d);
    if (rc == 0)
        rc = decide_compute(rs, 2025, in, dec, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    assert_int_equal(rc, 0);
}

static const decide_row *row_of(const decision *dec, const char *id, const char *prog)
{
    for (size_t i = 0; i < dec->n_rows; i++)
        if (!strcmp(dec->rows[i].nursery_id, id) &&
            !strcmp(dec->rows[i].program_id, prog))
            return &dec->rows[i];
    return NULL;
}

/* The worked example (docs/spec/12-grant-decision.md §12.6), SPEC 1.2/1.3:
 * A 2025-04: 50,000 standard, 80,000 high (ventilator/tracheostomy);
 * A 2025-10: 55,000 / 90,000, +30,000 with 3 or more children;
 * B: full-time 440,000, part-time hours × 2,300; cap 440,000 (1–2
 * children) or 880,000; round_down(min(基準額, 実支出額, 差引額), 1000). */
static void test_worked_example(void **state)
{
    (void)state;
    rule_set rs;
    load_rules(&rs);
    arena a = ARENA_INIT;
    decision dec;
    decide_dir(&rs, "decide-data", &a, &dec);
    assert_int_equal(dec.n_nurseries, 3);
    assert_int_equal(dec.n_rows, 6);
    assert_int_equal(dec.n_programs, 2);
    assert_string_equal(dec.program_ids[0], "acceptance_addon");
    assert_string_equal(dec.program_ids[1], "nurse_placement");

    /* P101: K001 suction (standard), K002 ventilator (high), all year.
     * Apr–Sep 50,000 + 80,000 = 130,000; Oct–Mar 55,000 + 90,000 = 145,000
     * (2 children: no addition) → 6 × 130,000 + 6 × 145,000 = 1,650,000 */
    const decide_row *r = row_of(&dec, "P101", "acceptance_addon");
    assert_non_null(r);
    assert_int_equal(r->month[0], 130000);
    assert_int_equal(r->month[5], 130000);
    assert_int_equal(r->month[6], 145000);
    assert_int_equal(r->annual, 1650000);
    assert_string_equal(r->rule[5]->version, "2025-04");
    assert_string_equal(r->rule[6]->version, "2025-10");
    /* S001 full-time: 基準額 440,000, 実支出額 = 差引額 400,000 → 400,000 × 12 */
    r = row_of(&dec, "P101", "nurse_placement");
    assert_int_equal(r->month[0], 400000);
    assert_int_equal(r->annual, 4800000);

    /* P102: K003 tube_feeding, K004 oxygen all year; K005 tracheostomy from
     * 2025-10-14.  Apr–Sep 2 × 50,000 = 100,000 → 600,000.
     * October: 55,000 + 55,000 + round_down(90,000 × 18 / 31) [14–31 Oct:
     * 18 days; 1,620,000 / 31 = 52,258.06] = 52,258, + 30,000 (3 children)
     * = 192,258.  Nov–Mar 55,000 + 55,000 + 90,000 + 30,000 = 230,000 × 5
     * = 1,150,000.  A = 600,000 + 192,258 + 1,150,000 = 1,942,258 */
    r = row_of(&dec, "P102", "acceptance_addon");
    assert_int_equal(r->month[0], 100000);
    assert_int_equal(r->month[6], 192258);
    assert_int_equal(r->month[7], 230000);
    assert_int_equal(r->annual, 1942258);
    /* S002 part-time, planned Oct–Mar: 100.5 h × 2,300 = 231,150; 実支出額
     * 240,000; 差引額 240,000 − 10,000 = 230,000 → 230,000 × 6 = 1,380,000 */
    r = row_of(&dec, "P102", "nurse_placement");
    assert_int_equal(r->month[5], 0);
    assert_null(r->rule[5]);
    assert_int_equal(r->month[6], 230000);
    assert_int_equal(r->annual, 1380000);

    /* P103 opens 2025-07-01: K006 insulin from then: Jul–Sep 3 × 50,000 +
     * Oct–Mar 6 × 55,000 = 150,000 + 330,000 = 480,000.  S004 nurse:
     * min(440,000, 450,000, 450,000 − 100,000) = 350,000 × 9 = 3,150,000;
     * S003 childcare_worker is rejected (ineligible_qualification) each of
     * its 9 planned months */
    assert_int_equal(row_of(&dec, "P103", "acceptance_addon")->annual, 480000);
    assert_int_equal(row_of(&dec, "P103", "acceptance_addon")->month[2], 0);
    assert_int_equal(row_of(&dec, "P103", "nurse_placement")->annual, 3150000);
    const decide_nursery *n = decide_nursery_find(&dec, "P103");
    assert_non_null(n);
    assert_int_equal(n->n_rej, 9);
    const decide_rejection *rj = &dec.rejections[n->rej0];
    assert_string_equal(rj->r.code, "ineligible_qualification");
    assert_string_equal(rj->r.ref, "S003");
    assert_int_equal(rj->r.line, 4);
    assert_string_equal(rj->r.file, "applications/2025/nurses.csv");
    assert_int_equal(rj->month.month, 7);
    assert_int_equal(dec.rejections[n->rej0 + 8].month.month, 3);
    assert_int_equal(dec.n_rejections, 9);
    assert_int_equal(n->total, 3630000);             /* 480,000 + 3,150,000 */
    assert_int_equal(n->n_children, 1);
    assert_int_equal(n->n_staff, 2);

    /* months: Apr–Jun 530,000 + 100,000 = 630,000; Jul–Sep + 400,000 =
     * 1,030,000; Oct 545,000 + 422,258 + 405,000 = 1,372,258; Nov–Mar
     * 545,000 + 460,000 + 405,000 = 1,410,000 */
    assert_int_equal(dec.month_total[0], 630000);
    assert_int_equal(dec.month_total[3], 1030000);
    assert_int_equal(dec.month_total[6], 1372258);
    assert_int_equal(dec.month_total[11], 1410000);
    /* A 1,650,000 + 1,942,258 + 480,000 = 4,072,258; B 4,800,000 +
     * 1,380,000 + 3,150,000 = 9,330,000; together 13,402,258 */
    assert_int_equal(dec.program_total[0], 4072258);
    assert_int_equal(dec.program_total[1], 9330000);
    assert_int_equal(dec.total, 13402258);
    assert_null(decide_nursery_find(&dec, "W101"));
    decide_free(&dec);
    arena_release(&a);
    rules_free(&rs);
}

/* P102's K005 starts on 1 December instead of 14 October: October and
 * November have 2 children (110,000 each, no addition), December–March
 * 230,000: A = 600,000 + 2 × 110,000 + 4 × 230,000 = 1,740,000, −202,258
 * against 1,942,258; B unchanged (the 440,000 cap of Oct/Nov is above
 * 231,150). */
static void test_amendment(void **state)
{
    (void)state;
    rule_set rs;
    load_rules(&rs);
    arena a = ARENA_INIT;
    decision cur, amd;
    decide_dir(&rs, "decide-data", &a, &cur);
    decide_dir(&rs, "decide-data-amended", &a, &amd);
    decide_amendment am;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(decide_amend(cur.rows, cur.n_rows, &amd, "P102", &am, &d), 0);
    assert_int_equal(am.n_changes, 2);
    assert_string_equal(am.changes[0].program_id, "acceptance_addon");
    assert_int_equal(am.changes[0].current_annual, 1942258);
    assert_int_equal(am.changes[0].amended_annual, 1740000);
    assert_int_equal(am.changes[0].difference, -202258);
    assert_int_equal(am.changes[0].current[6], 192258);
    assert_int_equal(am.changes[0].amended[6], 110000);
    assert_int_equal(am.changes[1].difference, 0);
    assert_int_equal(am.current_total, 3322258);     /* 1,942,258 + 1,380,000 */
    assert_int_equal(am.amended_total, 3120000);     /* 1,740,000 + 1,380,000 */
    assert_int_equal(am.difference, -202258);
    /* a nursery amended away (no rows in the new decision): 取消 to 0 */
    assert_int_equal(decide_amend(cur.rows, cur.n_rows, &amd, "P101", &am, &d), 0);
    assert_int_equal(am.difference, 0);
    decide_row gone = cur.rows[0];
    gone.nursery_id = "P104";
    assert_int_equal(decide_amend(&gone, 1, &amd, "P104", &am, &d), 0);
    assert_int_equal(am.current_total, 1650000);
    assert_int_equal(am.amended_total, 0);
    assert_int_equal(am.difference, -1650000);
    assert_int_equal(decide_amend(cur.rows, cur.n_rows, &amd, "P999", &am, &d), -1);
    assert_non_null(strstr(d.v[0].msg, "neither a decision nor an application"));
    diag_release(&d);
    decide_free(&cur);
    decide_free(&amd);
    arena_release(&a);
    rules_free(&rs);
}


/* Declared claim columns (SPEC 8.1) are columns of the applications too: a
 * terms version that requires staff column training_cost refuses a
 * nurses.csv without it, and a program reading it decides from the planned
 * value (12,000 a month × April–June = 36,000). */
static const char declared_terms[] =
    "kind: terms\n"
    "version: \"2025-04\"\n"
    "title: 共通定義\n"
    "effective_from: 2025-04-01\n"
    "basis: 要綱\n"
    "care_types:\n"
    "  suction: 喀痰吸引\n"
    "eligible_nursery_kind: private_licensed\n"
    "eligible_qualifications:\n"
    "  nurse: 看護師\n"
    "staff_columns:\n"
    "  training_cost:\n"
    "    label: 研修受講費\n"
    "    type: yen\n"
    "    required: true\n"
    "rejection_reasons:\n"
    "  unknown_nursery: a\n"
    "  ward_run: b\n"
    "  nursery_inactive: c\n"
    "  no_care_type: d\n"
    "  no_enrolled_day: e\n"
    "  duplicate_child: f\n"
    "  ineligible_qualification: g\n"
    "  no_eligible_child: h\n";
static const char training_program[] =
    "program: training\n"
    "version: \"2025-04\"\n"
    "title: 研修受講補助\n"
    "effective_from: 2025-04-01\n"
    "basis: 要綱\n"
    "values:\n"
    "  amount:\n"
    "    label: 補助額\n"
    "    type: yen\n"
    "    formula: sum(staff, training_cost)\n"
    "result: amount\n";

static void test_declared_columns(void **state)
{
    (void)state;
    rule_file f[2] = {
        {.path = "terms.yaml", .name = "terms.yaml", .data = declared_terms,
         .len = sizeof declared_terms - 1},
        {.path = "t.yaml", .name = "t.yaml", .data = training_program,
         .len = sizeof training_program - 1},
    };
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    diag_list d = DIAG_LIST_INIT;
    int rc = rules_load_files(f, 2, &rs, &d);
    diag_print(&d, stderr);
    assert_int_equal(rc, 0);
    static const char reg[] = REG;
    static const char kids[] = KIDS_HEADER "P001,C1,suction,2025-04-01,\n";
    static const char without[] = STAFF_HEADER "P001,S1,nurse,full_time,,400000,,2025-04\n";
    static const char with[] =
        "nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income,"
        "training_cost,planned_months\n"
        "P001,S1,nurse,full_time,,400000,,12000,2025-04..2025-06\n";
    input_file in[INPUT_COUNT] = {
        {.name = "nurseries.csv", .data = reg, .len = sizeof reg - 1},
        {.name = "applications/2025/children.csv", .data = kids, .len = sizeof kids - 1},
        {.name = "applications/2025/nurses.csv", .data = without, .len = sizeof without - 1},
    };
    decision dec;
    assert_int_equal(decide_compute(&rs, 2025, in, &dec, &d), -1);
    const want w[] = {{1, 0, "missing required column 'training_cost'"}};
    expect_diags(&d, w, 1);
    decide_free(&dec);
    diag_release(&d);
    in[INPUT_STAFF].data = with;
    in[INPUT_STAFF].len = sizeof with - 1;
    assert_int_equal(decide_compute(&rs, 2025, in, &dec, &d), 0);
    assert_int_equal(dec.n_rows, 1);
    assert_int_equal(dec.rows[0].month[0], 12000);
    assert_int_equal(dec.rows[0].month[3], 0);
    assert_int_equal(dec.rows[0].annual, 36000);
    decide_free(&dec);
    diag_release(&d);
    rules_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_errors),
        cmocka_unit_test(test_claim_errors),
        cmocka_unit_test(test_month_views),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_amendment),
        cmocka_unit_test(test_declared_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
