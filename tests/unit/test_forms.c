/* Unit tests for the claim schema and the claim forms: the schema built from
 * a terms file (columns in order, code lists from the terms plus the built-in
 * ones, each code once), the sheet columns a code set takes, and a form
 * written by forms_write_xlsx read back by forms_read — the prefilled line
 * as CSV, an empty required amount named by its cell, a form of another month. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kasan/forms.h"
#include "kasan/fsutil.h"

static char tmpdir[] = "/tmp/kasan-test-forms.XXXXXX";

static int setup(void **state) { return mkdtemp(tmpdir) ? 0 : -1; }
static int teardown(void **state) { return fs_remove_tree(tmpdir); }

static const char *care_codes[] = {"suction", "ventilator"};
static const char *care_names[] = {"喀痰吸引", "人工呼吸器の管理"};
/* childcare_worker made eligible here: the built-in unpaid list must not
 * repeat it */
static const char *qual_codes[] = {"nurse", "childcare_worker"};
static const char *qual_names[] = {"看護師", "保育士（対象）"};

static rule_terms terms(void)
{
    rule_terms t;
    memset(&t, 0, sizeof t);
    t.care_codes = care_codes;
    t.care_names = care_names;
    t.n_care = 2;
    t.qual_codes = qual_codes;
    t.qual_names = qual_names;
    t.n_qual = 2;
    t.eligible_kind = "private_licensed";
    return t;
}

static void test_schema(void **state)
{
    rule_terms t = terms();
    arena a = ARENA_INIT;
    claim_schema s;
    schema_build(&t, &a, &s);
    const schema_file *c = &s.files[SCHEMA_CHILDREN], *st = &s.files[SCHEMA_STAFF];
    assert_string_equal(c->csv, "children.csv");
    assert_string_equal(c->sheet, "児童");
    assert_int_equal(c->n_cols, 4);
    const char *want_c[] = {"child_ref", "care_types", "enrolled_from", "enrolled_to"};
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(c->cols[i].csv, want_c[i]);
    assert_int_equal(c->cols[1].type, SCHEMA_CODE_SET);
    assert_int_equal(c->cols[1].n_codes, 2);
    assert_string_equal(c->cols[1].codes[1].name, "人工呼吸器の管理");
    /* A child_ref | B-C two care marks | D from | E to */
    assert_int_equal(forms_first_col(c, 0), 1);
    assert_int_equal(forms_first_col(c, 2), 4);
    assert_int_equal(forms_width(c), 5);
    assert_string_equal(st->sheet, "職員");
    assert_int_equal(st->n_cols, 6);
    const schema_column *q = &st->cols[1];
    assert_string_equal(q->csv, "qualification");
    /* nurse, childcare_worker (from the terms), other (built in): 3, not 4 */
    assert_int_equal(q->n_codes, 3);
    assert_string_equal(q->codes[1].name, "保育士（対象）");
    assert_string_equal(q->codes[2].code, "other");
    assert_ptr_equal(schema_find_code(q, "看護師"), &q->codes[0]);
    assert_ptr_equal(schema_find_code(q, "nurse"), &q->codes[0]);
    assert_null(schema_find_code(q, "看護士"));
    assert_string_equal(schema_find_code(&st->cols[2], "非常勤")->code, "part_time");
    arena_release(&a);
}

#define REG                                                                                   \
    "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type," \
    "account_number,account_holder\n"                                                         \
    "N1,ひまわり保育園,private_licensed,法人,2010-04-01,,銀行,支店,ordinary,1234567,ﾋﾏﾜﾘ\n"

typedef struct fixture {
    arena a;
    claim_schema s;
    registry reg;
    rule_terms t;
    child_line child;
    staff_line staff;
} fixture;

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof *f);
    f->t = terms();
    schema_build(&f->t, &f->a, &f->s);
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(registry_parse("nurseries.csv", REG, strlen(REG), &f->a, &f->reg, &d), 0);
    diag_release(&d);
    f->child = (child_line){.nursery = 0, .nursery_id = "N1", .child_ref = "C1",
                            .care_mask = 2u, /* bit 1 = ventilator */
                            .enrolled_from = date_from_ymd(2025, 4, 1), .enrolled_to = DATE_OPEN};
    f->staff = (staff_line){.nursery = 0, .nursery_id = "N1", .staff_ref = "S1",
                            .qualification = "nurse", .employment = "full_time"};
}

static const char *write_form(fixture *f, claim_month m, bool with_staff)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/N1.xlsx", tmpdir);
    const child_line *cs[] = {&f->child};
    const staff_line *ss[] = {&f->staff};
    forms_prefill pre = {cs, 1, ss, with_staff ? 1 : 0};
    char err[256];
    assert_int_equal(forms_write_xlsx(&f->s, m, &f->reg.v[0], &pre, "保育サービス課", path, err,
                                      sizeof err),
                     0);
    return path;
}

static void test_round_trip(void **state)
{
    fixture f;
    fixture_init(&f);
    claim_month m = {2025, 5};
    const char *path = write_form(&f, m, false);
    forms_result r;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(forms_read(&f.s, m, &f.reg, &path, 1, &f.a, &r, &d), 0);
    assert_int_equal(diag_count(&d), 0);
    assert_int_equal(r.n[SCHEMA_CHILDREN], 1);
    assert_int_equal(r.n[SCHEMA_STAFF], 0);
    strbuf sb;
    sb_init(&sb);
    forms_csv(&f.s, SCHEMA_CHILDREN, &r, &sb);
    assert_string_equal(sb.buf, "nursery_id,child_ref,care_types,enrolled_from,enrolled_to,form\n"
                                "N1,C1,ventilator,2025-04-01,,N1.xlsx:児童!6\n");
    sb_reset(&sb);
    forms_csv(&f.s, SCHEMA_STAFF, &r, &sb);
    assert_string_equal(sb.buf, "nursery_id,staff_ref,qualification,employment,hours,salary_cost,"
                                "other_income,form\n");
    sb_release(&sb);
    diag_release(&d);
    arena_release(&f.a);
}

static void test_problems_named_by_cell(void **state)
{
    fixture f;
    fixture_init(&f);
    /* the prefilled staff line has no 対象経費: E6 of 職員 (A ref, B qual,
     * C employment, D hours, E salary_cost) */
    const char *path = write_form(&f, (claim_month){2025, 5}, true);
    forms_result r;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(forms_read(&f.s, (claim_month){2025, 5}, &f.reg, &path, 1, &f.a, &r, &d), -1);
    assert_int_equal(diag_count(&d), 1);
    char want[512];
    snprintf(want, sizeof want, "%s:職員!E6", path);
    assert_string_equal(d.v[0].file, want);
    assert_string_equal(d.v[0].msg, "対象経費（円） is empty");
    assert_int_equal(r.n[SCHEMA_CHILDREN], 0); /* nothing kept from a bad read */
    diag_release(&d);

    /* read as June: both claim sheets name their month cell D2 */
    path = write_form(&f, (claim_month){2025, 5}, false);
    assert_int_equal(forms_read(&f.s, (claim_month){2025, 6}, &f.reg, &path, 1, &f.a, &r, &d), -1);
    assert_int_equal(diag_count(&d), 2);
    snprintf(want, sizeof want, "%s:児童!D2", path);
    assert_string_equal(d.v[0].file, want);
    assert_string_equal(d.v[0].msg, "the form is for '2025-05', not 2025-06");
    snprintf(want, sizeof want, "%s:職員!D2", path);
    assert_string_equal(d.v[1].file, want);
    diag_release(&d);
    arena_release(&f.a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_problems_named_by_cell),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
