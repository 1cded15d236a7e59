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
#include <xlsxwriter.h>

#include "kasan/expr.h"
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
    assert_int_equal(registry_parse("nurseries.csv", REG, strlen(REG), "private_licensed", &f->a, &f->reg, &d), 0);
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
    forms_prefill pre = {cs, 1, ss, with_staff ? 1 : 0, NULL, NULL, 0, 0};
    char err[256];
    assert_int_equal(forms_write_xlsx(&f->s, m, &f->reg.v[0], &pre, "保育サービス課", path, err,
                                      sizeof err),
                     0);
    return path;
}

/* The claim schema (what a claim file holds) and the formula language's
 * field table (src/expr/fields.c) are kept apart but must not contradict:
 * every column of children.csv / nurses.csv is a field of a child / staff
 * line under the same name, of the matching type. */
static vtype schema_vtype(schema_type t)
{
    switch (t) {
    case SCHEMA_ID: case SCHEMA_CODE: case SCHEMA_TEXT: return VT_TEXT;
    case SCHEMA_CODE_SET: return VT_CARE_SET;
    case SCHEMA_DATE: return VT_DATE;
    case SCHEMA_YEN: return VT_YEN;
    case SCHEMA_NUMBER: return VT_NUMBER;
    case SCHEMA_DAYS: return VT_DAYS;
    case SCHEMA_BOOL: return VT_BOOL;
    }
    return VT_TEXT;
}

static void test_schema_matches_fields(void **state)
{
    (void)state;
    rule_terms t = terms();
    arena a = ARENA_INIT;
    claim_schema s;
    schema_build(&t, &a, &s);
    const expr_field_kind kind[SCHEMA_FILES] = {EXPR_FIELD_CHILD, EXPR_FIELD_STAFF};
    size_t checked = 0;
    for (int f = 0; f < SCHEMA_FILES; f++)
        for (size_t i = 0; i < s.files[f].n_cols; i++) {
            const schema_column *c = &s.files[f].cols[i];
            const expr_field *x = expr_field_find(t.fields, kind[f], c->csv);
            if (!x)
                fail_msg("%s column %s is no field of its line", s.files[f].csv, c->csv);
            assert_int_equal(x->type, schema_vtype(c->type));
            checked++;
        }
    assert_int_equal(checked, 10); /* 4 child columns + 6 staff columns */
    arena_release(&a);
}

/* The same with declared columns (SPEC 8.1): schema_build appends them after
 * the built-in ones, the field table built from the same terms has each as a
 * line field of the matching type, and a required column with a default is
 * optional on the form (an empty cell takes the default, as in a CSV). */
static void test_schema_declared_columns(void **state)
{
    (void)state;
    static const char *codes[] = {"basic", "advanced"}, *names[] = {"基礎研修", "実践研修"};
    declared_column child[] = {{.name = "transport", .label = "送迎の有無", .type = COL_BOOL,
                                .vt = VT_BOOL, .slot = 0}};
    declared_column staff[] = {
        {.name = "training", .label = "受講した研修", .type = COL_CODE, .vt = VT_TEXT,
         .codes = codes, .code_names = names, .n_codes = 2, .slot = 0},
        {.name = "training_cost", .label = "研修受講費", .type = COL_YEN, .vt = VT_YEN,
         .required = true, .has_default = true, .slot = 1},
        {.name = "visits", .label = "訪問日数", .type = COL_DAYS, .vt = VT_DAYS, .required = true,
         .slot = 2}};
    rule_terms t = terms();
    t.child_cols = child, t.n_child_cols = 1;
    t.staff_cols = staff, t.n_staff_cols = 3;
    arena a = ARENA_INIT;
    t.fields = expr_fields_build(&a, child, 1, staff, 3);
    claim_schema s;
    schema_build(&t, &a, &s);
    assert_int_equal(s.files[SCHEMA_CHILDREN].n_cols, 5);
    assert_int_equal(s.files[SCHEMA_STAFF].n_cols, 9);
    const schema_column *c = &s.files[SCHEMA_STAFF].cols[6];
    assert_string_equal(c->csv, "training");
    assert_string_equal(c->label, "受講した研修");
    assert_int_equal(c->type, SCHEMA_CODE);
    assert_true(c->declared);
    assert_int_equal(c->n_codes, 2);
    assert_string_equal(c->codes[1].name, "実践研修");
    assert_false(s.files[SCHEMA_STAFF].cols[7].required); /* default 0 fills it */
    assert_true(s.files[SCHEMA_STAFF].cols[8].required);
    assert_int_equal(s.files[SCHEMA_CHILDREN].cols[4].type, SCHEMA_BOOL);
    const expr_field_kind kind[SCHEMA_FILES] = {EXPR_FIELD_CHILD, EXPR_FIELD_STAFF};
    for (int f = 0; f < SCHEMA_FILES; f++)
        for (size_t i = 0; i < s.files[f].n_cols; i++) {
            const schema_column *col = &s.files[f].cols[i];
            const expr_field *x = expr_field_find(t.fields, kind[f], col->csv);
            if (!x)
                fail_msg("%s column %s is no field of its line", s.files[f].csv, col->csv);
            assert_int_equal(x->type, schema_vtype(col->type));
            assert_true((x->decl != NULL) == col->declared);
        }
    /* the declared staff column is no child field, and the built-in table lacks it */
    assert_null(expr_field_find(t.fields, EXPR_FIELD_CHILD, "training"));
    assert_null(expr_field_find(NULL, EXPR_FIELD_STAFF, "training"));
    assert_int_equal(expr_field_find(t.fields, EXPR_FIELD_STAFF, "training_cost")->which, 1);
    arena_release(&a);
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

/* Columns appended after the built-in ones, as declared columns (SPEC 8.1)
 * will be: the form gets their headers and validation, the reader their
 * values in the CSV, in order, without other changes. */
static void append(schema_file *f, arena *a, const schema_column *extra, size_t n)
{
    schema_column *v = arena_calloc(a, f->n_cols + n, sizeof *v);
    memcpy(v, f->cols, f->n_cols * sizeof *v);
    memcpy(v + f->n_cols, extra, n * sizeof *v);
    f->cols = v;
    f->n_cols += n;
}

static void test_declared_columns(void **state)
{
    fixture f;
    fixture_init(&f);
    static const schema_code courses[] = {{"basic", "基礎研修"}, {"advanced", "実践研修"}};
    const schema_column child_extra[] = {
        {"note", "備考", "自由記入", SCHEMA_TEXT, false, NULL, 0, true},
        {"transport", "送迎の有無", "はい・いいえ", SCHEMA_BOOL, false, NULL, 0, true},
    };
    const schema_column staff_extra[] = {
        {"training", "受講した研修", "一覧から", SCHEMA_CODE, false, courses, 2, true},
        {"training_cost", "研修受講費", "円", SCHEMA_YEN, true, NULL, 0, true},
        {"training_days", "研修日数", "日", SCHEMA_DAYS, false, NULL, 0, true},
    };
    append(&f.s.files[SCHEMA_CHILDREN], &f.a, child_extra, 2);
    append(&f.s.files[SCHEMA_STAFF], &f.a, staff_extra, 3);
    claim_month m = {2025, 5};
    const char *path = write_form(&f, m, false);
    forms_result r;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(forms_read(&f.s, m, &f.reg, &path, 1, &f.a, &r, &d), 0);
    strbuf sb;
    sb_init(&sb);
    forms_csv(&f.s, SCHEMA_CHILDREN, &r, &sb);
    assert_string_equal(sb.buf,
                        "nursery_id,child_ref,care_types,enrolled_from,enrolled_to,note,transport,form\n"
                        "N1,C1,ventilator,2025-04-01,,,,N1.xlsx:児童!6\n");
    sb_release(&sb);
    /* the prefilled staff line: salary_cost (E6) and the required declared
     * training_cost (A ref .. F other_income, G training, H training_cost) */
    path = write_form(&f, m, true);
    assert_int_equal(forms_read(&f.s, m, &f.reg, &path, 1, &f.a, &r, &d), -1);
    assert_int_equal(diag_count(&d), 2);
    char want[512];
    snprintf(want, sizeof want, "%s:職員!H6", path);
    assert_string_equal(d.v[1].file, want);
    assert_string_equal(d.v[1].msg, "研修受講費 is empty");
    diag_release(&d);
    arena_release(&f.a);
}

/* A form made cell by cell (as a nursery's Excel would save it): row 2 and
 * the headers from the schema, then the given cells of one line in row 6 of
 * each sheet — text, or numbers when `num` is set. */
typedef struct hand_cell {
    const char *sheet, *ref, *text;
    double num;
    bool is_num, is_bool;
} hand_cell;

static void hand_form(const fixture *f, const char *path, const hand_cell *cells, size_t n)
{
    lxw_workbook *wb = workbook_new(path);
    for (int k = 0; k < SCHEMA_FILES; k++) {
        const schema_file *sf = &f->s.files[k];
        lxw_worksheet *ws = workbook_add_worksheet(wb, sf->sheet);
        const char *id_row[] = {"施設番号", "N1", "請求月", "2025-05", "施設名", "ひまわり保育園"};
        for (int c = 0; c < 6; c++)
            worksheet_write_string(ws, 1, (lxw_col_t)c, id_row[c], NULL);
        for (size_t i = 0; i < sf->n_cols; i++) {
            lxw_col_t c0 = (lxw_col_t)(forms_first_col(sf, i) - 1);
            worksheet_write_string(ws, 3, c0, sf->cols[i].label, NULL);
            if (sf->cols[i].type == SCHEMA_CODE_SET)
                for (size_t j = 0; j < sf->cols[i].n_codes; j++)
                    worksheet_write_string(ws, 4, c0 + (lxw_col_t)j, sf->cols[i].codes[j].name, NULL);
        }
        for (size_t i = 0; i < n; i++) {
            if (strcmp(cells[i].sheet, sf->sheet))
                continue;
            lxw_row_t r = lxw_name_to_row(cells[i].ref);
            lxw_col_t c = lxw_name_to_col(cells[i].ref);
            if (cells[i].is_bool)
                worksheet_write_boolean(ws, r, c, cells[i].num != 0, NULL);
            else if (cells[i].is_num)
                worksheet_write_number(ws, r, c, cells[i].num, NULL);
            else
                worksheet_write_string(ws, r, c, cells[i].text, NULL);
        }
    }
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
}

/* Values as nurseries type them: numbers as numbers or text (full-width,
 * commas between thousands, 円, an exponent), dates as serials or text
 * (2025/4/1, 2025年4月1日, full-width), codes by name or code, ticks of the one
 * set (forms.h) in care types and yes/no cells alike; declared types text,
 * bool, days. */
static void test_values_as_typed(void **state)
{
    fixture f;
    fixture_init(&f);
    const schema_column child_extra[] = {
        {"note", "備考", "", SCHEMA_TEXT, false, NULL, 0, true},
        {"transport", "送迎の有無", "", SCHEMA_BOOL, false, NULL, 0, true},
        {"days", "利用日数", "", SCHEMA_DAYS, false, NULL, 0, true},
    };
    append(&f.s.files[SCHEMA_CHILDREN], &f.a, child_extra, 3);
    char path[256];
    snprintf(path, sizeof path, "%s/hand.xlsx", tmpdir);
    /* 児童: A ref, B-C care, D from, E to, F note, G transport, H days
     * 職員: A ref, B qual, C employment, D hours, E salary, F other */
    const hand_cell cells[] = {
        {"児童", "A6", "C1", 0, false, false},
        {"児童", "B6", "○", 0, false, false},
        {"児童", "C6", "〇", 0, false, false},
        {"児童", "D6", "２０２５年４月１日", 0, false, false},
        {"児童", "E6", NULL, 45808, true, false}, /* 45778 + 30 = 2025-05-31 */
        {"児童", "F6", "a,\"b\"", 0, false, false},
        {"児童", "G6", NULL, 1, false, true},
        {"児童", "H6", "１２", 0, false, false},
        {"児童", "A7", "C2", 0, false, false},
        {"児童", "B7", "✓", 0, false, false},
        {"児童", "C7", "×", 0, false, false},      /* not ticked */
        {"児童", "D7", "2025/4/1", 0, false, false},
        {"児童", "G7", "いいえ", 0, false, false},
        {"児童", "A8", "C3", 0, false, false},
        {"児童", "B8", NULL, 1, false, true},      /* a TRUE cell ticks */
        {"児童", "C8", "レ", 0, false, false},
        {"児童", "D8", "2025-04-01", 0, false, false},
        {"児童", "E8", "2025-04-01", 0, false, false}, /* one day */
        {"児童", "G8", "✔", 0, false, false},      /* a tick is yes here too */
        {"職員", "A6", "S1", 0, false, false},
        {"職員", "B6", "看護師", 0, false, false},
        {"職員", "C6", "part_time", 0, false, false},
        {"職員", "D6", "9.25E+1", 0, false, false},
        {"職員", "E6", "３８６，０００円", 0, false, false},
        {"職員", "F6", NULL, 20000, true, false},
        {"職員", "A7", "S2", 0, false, false},
        {"職員", "B7", "看護師", 0, false, false},
        {"職員", "C7", "常勤", 0, false, false},
        {"職員", "E7", "1,234,567", 0, false, false},
        {"職員", "F7", "0", 0, false, false},
    };
    hand_form(&f, path, cells, sizeof cells / sizeof *cells);
    const char *p = path;
    forms_result r;
    diag_list d = DIAG_LIST_INIT;
    int rc = forms_read(&f.s, (claim_month){2025, 5}, &f.reg, &p, 1, &f.a, &r, &d);
    diag_print(&d, stdout);
    assert_int_equal(rc, 0);
    strbuf sb;
    sb_init(&sb);
    forms_csv(&f.s, SCHEMA_CHILDREN, &r, &sb);
    assert_string_equal(sb.buf, "nursery_id,child_ref,care_types,enrolled_from,enrolled_to,note,"
                                "transport,days,form\n"
                                "N1,C1,suction;ventilator,2025-04-01,2025-05-31,\"a,\"\"b\"\"\",true,12,"
                                "hand.xlsx:児童!6\n"
                                "N1,C2,suction,2025-04-01,,,false,,hand.xlsx:児童!7\n"
                                "N1,C3,suction;ventilator,2025-04-01,2025-04-01,,true,,"
                                "hand.xlsx:児童!8\n");
    sb_reset(&sb);
    forms_csv(&f.s, SCHEMA_STAFF, &r, &sb);
    assert_string_equal(sb.buf, "nursery_id,staff_ref,qualification,employment,hours,salary_cost,"
                                "other_income,form\n"
                                "N1,S1,nurse,part_time,92.5,386000,20000,hand.xlsx:職員!6\n"
                                "N1,S2,nurse,full_time,,1234567,0,hand.xlsx:職員!7\n");
    sb_release(&sb);
    diag_release(&d);
    arena_release(&f.a);
}

/* And what they must not type: each problem named by its cell — a comma
 * anywhere but between thousands of yen (68,25 hours were read as 6,825), an
 * ambiguous tick, a child with none, 在籍終了日 before 在籍開始日 (it passed
 * here and failed the claim files: an internal error, exit 5). */
static void test_bad_values(void **state)
{
    fixture f;
    fixture_init(&f);
    const schema_column child_extra[] = {
        {"transport", "送迎の有無", "", SCHEMA_BOOL, false, NULL, 0, true},
        {"days", "利用日数", "", SCHEMA_DAYS, false, NULL, 0, true},
    };
    append(&f.s.files[SCHEMA_CHILDREN], &f.a, child_extra, 2);
    char path[256];
    snprintf(path, sizeof path, "%s/bad.xlsx", tmpdir);
    const hand_cell cells[] = {
        {"児童", "A6", "C1", 0, false, false},
        {"児童", "B6", "○", 0, false, false},
        {"児童", "C6", "x", 0, false, false},        /* a tick, or ×? */
        {"児童", "D6", NULL, 60, true, false},       /* Excel's 1900-02-29 */
        {"児童", "E6", "2025-02-30", 0, false, false},
        {"児童", "F6", "たぶん", 0, false, false},
        {"児童", "G6", "32", 0, false, false},
        {"児童", "A40", "C9", 0, false, false},      /* below the 30 lines */
        {"児童", "A8", "C3", 0, false, false},       /* no care type */
        {"児童", "D8", "2025/5/1", 0, false, false},
        {"児童", "A9", "C4", 0, false, false},
        {"児童", "C9", "○", 0, false, false},
        {"児童", "D9", "2025/5/1", 0, false, false},
        {"児童", "E9", "2025/4/30", 0, false, false},
        {"職員", "A6", "S1", 0, false, false},
        {"職員", "B6", "nurse", 0, false, false},
        {"職員", "C6", "常勤", 0, false, false},
        {"職員", "D6", "-3", 0, false, false},
        {"職員", "E6", NULL, 1, false, true},        /* TRUE in a yen cell */
        {"職員", "G7", "memo", 0, false, false},     /* right of A-F */
        {"職員", "A7", "S2", 0, false, false},
        {"職員", "B7", "nurse", 0, false, false},
        {"職員", "C7", "part_time", 0, false, false},
        {"職員", "D7", "68,25", 0, false, false},
        {"職員", "E7", "38,1000", 0, false, false},
        {"職員", "F7", "1,000", 0, false, false},    /* in its place */
    };
    hand_form(&f, path, cells, sizeof cells / sizeof *cells);
    const char *p = path;
    forms_result r;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(forms_read(&f.s, (claim_month){2025, 5}, &f.reg, &p, 1, &f.a, &r, &d), -1);
    static const char *const want[][2] = {
        {"児童!A40", "a value below the form's 30 lines (rows 6-35)"},
        {"職員!G7", "a value right of the form's columns (A-F)"},
        {"児童!C6", "人工呼吸器の管理: 'x' is a tick to some and × (no) to others: mark with ○, "
                    "or leave the cell empty for no"},
        {"児童!D6", "在籍開始日: '60' is not a date (like 2025/4/1)"},
        {"児童!E6", "在籍終了日: '2025-02-30' is not a date (like 2025/4/1)"},
        {"児童!F6", "送迎の有無: 'たぶん' is neither はい nor いいえ"},
        {"児童!G6", "利用日数: '32' is not a number of days (0-31)"},
        {"児童!B8", "医療的ケアの種類: none ticked (tick at least one with ○)"},
        {"児童!E9", "在籍終了日: 2025-04-30 is before 在籍開始日 (2025-05-01)"},
        {"職員!D6", "勤務時間（月）: '-3' is not a number >= 0"},
        {"職員!E6", "対象経費（円）: a TRUE/FALSE cell, not a value"},
        {"職員!D7", "勤務時間（月）: '68,25' has a comma: decimals are written with a point "
                    "(68.25), and only yen may group thousands"},
        {"職員!E7", "対象経費（円）: '38,1000' has a comma out of place (commas only between "
                    "thousands: 381,000)"},
    };
    assert_int_equal(diag_count(&d), sizeof want / sizeof *want);
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char file[512];
        snprintf(file, sizeof file, "%s:%s", path, want[i][0]);
        assert_string_equal(d.v[i].file, file);
        assert_string_equal(d.v[i].msg, want[i][1]);
    }
    diag_release(&d);
    arena_release(&f.a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_schema_matches_fields),
        cmocka_unit_test(test_schema_declared_columns),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_problems_named_by_cell),
        cmocka_unit_test(test_declared_columns),
        cmocka_unit_test(test_values_as_typed),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
