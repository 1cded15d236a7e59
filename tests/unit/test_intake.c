/* Unit tests for intake: nurseries.csv, children.csv and nurses.csv into
 * records, and one exact message (column, line, field) per malformed value
 * named in SPEC 1.5. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kasan/intake.h"

static const char *const care_codes[] = {"suction",  "tube_feeding", "urinary_catheter",
                                         "insulin",  "oxygen",       "tracheostomy",
                                         "ventilator", "other"};
static const char *const quals[] = {"nurse", "assistant_nurse", "public_health_nurse",
                                    "midwife"};
static const intake_vocab vocab = {care_codes, 8, NULL, NULL, 0, 0, 0, 0, quals, 4};

#define REG_HEADER                                                                          \
    "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type," \
    "account_number,account_holder\n"
#define PAID "private_licensed" /* the terms' eligible_nursery_kind */

static const char registry_text[] =
    REG_HEADER
    "N1,ひまわり保育園,private_licensed,社会福祉法人ひまわり会,2010-04-01,,みずほ銀行,板橋支店,"
    "ordinary,1234567,ﾋﾏﾜﾘﾎｲｸｴﾝ\n"
    "N-2,区立上板橋保育園,ward_run,板橋区,2000-04-01,2026-03-31,ゆうちょ銀行,〇一八,current,"
    "7654321,イタバシク\n";

static void diag_is(const diag_list *d, size_t i, const char *file, int line, int col,
                    const char *msg)
{
    assert_true(i < d->n);
    assert_string_equal(d->v[i].file, file);
    assert_int_equal(d->v[i].line, line);
    assert_int_equal(d->v[i].col, col);
    assert_string_equal(d->v[i].msg, msg);
}

static void load_registry(registry *reg, arena *a)
{
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        registry_parse("nurseries.csv", registry_text, sizeof registry_text - 1, PAID, a, reg, &d),
        0);
    assert_int_equal(diag_count(&d), 0);
}

static void test_registry(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    assert_int_equal(reg.n, 2);
    assert_string_equal(reg.file, "nurseries.csv");
    const nursery *n = &reg.v[0];
    assert_string_equal(n->id, "N1");
    assert_string_equal(n->name, "ひまわり保育園");
    assert_string_equal(n->kind, "private_licensed");
    assert_string_equal(n->operator_name, "社会福祉法人ひまわり会");
    assert_int_equal(n->active_from, date_from_ymd(2010, 4, 1));
    assert_int_equal(n->active_to, DATE_OPEN);
    assert_string_equal(n->account_type, "ordinary");
    assert_string_equal(n->account_number, "1234567");
    assert_string_equal(n->account_holder, "ﾋﾏﾜﾘﾎｲｸｴﾝ"); /* half-width kept */
    assert_int_equal(n->line, 2);
    n = &reg.v[1];
    assert_string_equal(n->kind, "ward_run");
    assert_int_equal(n->active_to, date_from_ymd(2026, 3, 31));
    assert_string_equal(n->account_type, "current");
    assert_string_equal(n->account_holder, "イタバシク"); /* full-width kept */
    assert_int_equal(registry_find(&reg, "N1", 2), 0);
    assert_int_equal(registry_find(&reg, "N-2", 3), 1);
    assert_int_equal(registry_find(&reg, "N-2X", 3), 1); /* length-delimited */
    assert_ptr_equal(reg.v[1].id, reg.ids[1]); /* the id's one home: the padded array */
    assert_memory_equal(reg.ids[1], "N-2\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 17);
    assert_int_equal(registry_find(&reg, "N", 1), -1);
    assert_int_equal(registry_find(&reg, "N1X", 3), -1);
    assert_int_equal(registry_find(&reg, "N3", 2), -1);
    assert_int_equal(registry_find(NULL, "N1", 2), -1);
    arena_release(&a);
}

/* The same registry written by Excel in CP932: 保育園 = 95 DB 88 E7 89 80,
 * ﾎｲｸ (half-width) = CE B2 B8. */
static void test_registry_cp932(void **state)
{
    (void)state;
    const char text[] = REG_HEADER "N1,\x95\xDB\x88\xE7\x89\x80,private_licensed,op,2010-04-01,,"
                                   "b,br,ordinary,1,\xCE\xB2\xB8\r\n";
    arena a = ARENA_INIT;
    registry reg;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(registry_parse("nurseries.csv", text, sizeof text - 1, PAID, &a, &reg, &d), 0);
    assert_int_equal(reg.n, 1);
    assert_string_equal(reg.v[0].name, "保育園");
    assert_string_equal(reg.v[0].account_holder, "ﾎｲｸ");
    arena_release(&a);
}

/* 1,000 ids: every one found at its position (exercises probing). */
static void test_registry_many(void **state)
{
    (void)state;
    char *text = malloc(200 * 1000 + 200);
    size_t len = (size_t)sprintf(text, REG_HEADER);
    for (int i = 0; i < 1000; i++)
        len += (size_t)sprintf(text + len, "N%05d,n,private_licensed,o,2010-04-01,,b,br,"
                                           "ordinary,1,h\n", i * 7);
    arena a = ARENA_INIT;
    registry reg;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(registry_parse("nurseries.csv", text, len, PAID, &a, &reg, &d), 0);
    assert_int_equal(reg.n, 1000);
    for (int i = 0; i < 1000; i++) {
        char id[16];
        int n = sprintf(id, "N%05d", i * 7);
        assert_int_equal(registry_find(&reg, id, (size_t)n), i);
        n = sprintf(id, "N%05d", i * 7 + 1);
        assert_int_equal(registry_find(&reg, id, (size_t)n), -1);
    }
    free(text);
    arena_release(&a);
}

/* id_ordered: N00001 < N00002 < N00010 by strcmp is in order; swapping the
 * last two (N00010 before N00002) is not, nor is "N9" before "N10" (strcmp,
 * not numeric: '9' > '1'). */
static void test_registry_id_order(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"N00001", "N00002", "N00010"}, {"N00001", "N00010", "N00002"}, {"N1", "N9", "N10"}};
    const bool want[] = {true, false, false};
    for (size_t k = 0; k < 3; k++) {
        char text[1024];
        size_t len = (size_t)sprintf(text, REG_HEADER);
        for (int i = 0; i < 3; i++)
            len += (size_t)sprintf(text + len, "%s,n,private_licensed,o,2010-04-01,,b,br,"
                                               "ordinary,1,h\n", cases[k][i]);
        arena a = ARENA_INIT;
        registry reg;
        diag_list d = DIAG_LIST_INIT;
        assert_int_equal(registry_parse("nurseries.csv", text, len, PAID, &a, &reg, &d), 0);
        assert_int_equal(reg.n, 3);
        assert_int_equal(reg.id_ordered, want[k]);
        arena_release(&a);
    }
}

static void test_registry_malformed(void **state)
{
    (void)state;
    const char text[] =
        REG_HEADER
        "N1,a,private_licensed,o,2010-04-01,,b,br,ordinary,1,h\n"     /* 2 */
        "p-1,a,private_licensed,o,2010-04-01,,b,br,ordinary,1,h\n"    /* 3 */
        "N1,a,ward_run,o,2010-04-01,,b,br,ordinary,1,h\n"             /* 4 */
        "N4,a,public,o,2025-02-30,,b,br,savings,1,h\n"                /* 5 */
        "N5,a,ward_run,o,2025-04-01,2025-03-31,b,br,current,1,h\n";   /* 6 */
    arena a = ARENA_INIT;
    registry reg;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(registry_parse("nurseries.csv", text, sizeof text - 1, PAID, &a, &reg, &d),
                     -1);
    assert_int_equal(d.n, 6);
    diag_is(&d, 0, "nurseries.csv", 3, 1,
            "column 'nursery_id': 'p-1' is not a valid id (1 to 16 characters A-Z, 0-9, '-')");
    diag_is(&d, 1, "nurseries.csv", 4, 1,
            "column 'nursery_id': duplicate id 'N1' (first on line 2)");
    diag_is(&d, 2, "nurseries.csv", 5, 3,
            "column 'kind': 'public' is not one of private_licensed, ward_run");
    diag_is(&d, 3, "nurseries.csv", 5, 5,
            "column 'active_from': '2025-02-30' is not a real date (YYYY-MM-DD)");
    diag_is(&d, 4, "nurseries.csv", 5, 9,
            "column 'account_type': 'savings' is not one of ordinary, current");
    diag_is(&d, 5, "nurseries.csv", 6, 6,
            "column 'active_to': '2025-03-31' is before active_from");
    diag_release(&d);
    arena_release(&a);
}

/* Columns in another order plus an extra one; an unknown nursery parses. */
static void test_children(void **state)
{
    (void)state;
    const char text[] = "child_ref,nursery_id,enrolled_to,care_types,enrolled_from,memo\n"
                        "K1,N1,,suction;ventilator,2025-04-01,note\n"
                        "K2,ZZ9,2025-04-30,,2025-04-10,\n";
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        children_parse("children.csv", text, sizeof text - 1, &reg, &vocab, &a, &c, &d), 0);
    assert_int_equal(diag_count(&d), 0);
    assert_string_equal(c.children_file, "children.csv");
    assert_int_equal(c.n_children, 2);
    const child_line *l = &c.children[0];
    assert_int_equal(l->nursery, 0);
    assert_ptr_equal(l->nursery_id, reg.v[0].id);
    assert_string_equal(l->child_ref, "K1");
    assert_string_equal(l->care_types, "suction;ventilator");
    assert_int_equal(l->care_mask, 1u << 0 | 1u << 6); /* suction = 0, ventilator = 6 */
    assert_int_equal(l->enrolled_from, date_from_ymd(2025, 4, 1));
    assert_int_equal(l->enrolled_to, DATE_OPEN);
    assert_int_equal(l->line, 2);
    l = &c.children[1];
    assert_int_equal(l->nursery, -1); /* the engine rejects it: unknown_nursery */
    assert_string_equal(l->nursery_id, "ZZ9");
    assert_string_equal(l->care_types, ""); /* allowed here: no_care_type later */
    assert_int_equal(l->care_mask, 0);
    assert_int_equal(l->enrolled_from, date_from_ymd(2025, 4, 10));
    assert_int_equal(l->enrolled_to, date_from_ymd(2025, 4, 30));
    assert_int_equal(l->line, 3);
    arena_release(&a);
}

/* Lookups out of registry order, repeated, and unknown (the lookup caches). */
static void test_children_nursery_lookup(void **state)
{
    (void)state;
    const char text[] = "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n"
                        "N-2,K1,other,2025-04-01,\nN1,K2,other,2025-04-01,\n"
                        "N1,K3,other,2025-04-01,\nX,K4,other,2025-04-01,\n"
                        "N-2,K5,other,2025-04-01,\nN1,K6,other,2025-04-01,\n";
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        children_parse("children.csv", text, sizeof text - 1, &reg, &vocab, &a, &c, &d), 0);
    assert_int_equal(c.n_children, 6);
    const int32_t want[] = {1, 0, 0, -1, 1, 0};
    for (size_t i = 0; i < 6; i++) {
        assert_int_equal(c.children[i].nursery, want[i]);
        assert_int_equal(c.children[i].care_mask, 1u << 7); /* other = 7 */
    }
    assert_string_equal(c.children[3].nursery_id, "X");
    arena_release(&a);
}

static void test_children_malformed(void **state)
{
    (void)state;
    const char text[] = "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n"
                        "N1,K1,suction,2025-02-30,\n"            /* 2 */
                        "N1,K2,sucton,2025-04-01,\n"             /* 3 */
                        "p-1,K3,suction,2025-04-01,\n"           /* 4 */
                        "N1,K4,suction,2025-04-10,2025-04-01\n"  /* 5 */
                        "N1,,suction;,2025-04-01,\n"             /* 6 */
                        "N1,K6,\"suction;oxygen\",2025-04-01,\n" /* 7: fine */
                        "N1,K7,suction,,\n";                     /* 8 */
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        children_parse("children.csv", text, sizeof text - 1, &reg, &vocab, &a, &c, &d), -1);
    assert_int_equal(d.n, 7);
    diag_is(&d, 0, "children.csv", 2, 4,
            "column 'enrolled_from': '2025-02-30' is not a real date (YYYY-MM-DD)");
    diag_is(&d, 1, "children.csv", 3, 3,
            "column 'care_types': unknown care type 'sucton' (known: suction, tube_feeding, "
            "urinary_catheter, insulin, oxygen, tracheostomy, ventilator, other)");
    diag_is(&d, 2, "children.csv", 4, 1,
            "column 'nursery_id': 'p-1' is not a valid id (1 to 16 characters A-Z, 0-9, '-')");
    diag_is(&d, 3, "children.csv", 5, 5,
            "column 'enrolled_to': '2025-04-01' is before enrolled_from");
    diag_is(&d, 4, "children.csv", 6, 2, "column 'child_ref': empty (a value is required)");
    diag_is(&d, 5, "children.csv", 6, 3,
            "column 'care_types': empty care type code in 'suction;' (codes are separated by "
            "';')");
    diag_is(&d, 6, "children.csv", 8, 4,
            "column 'enrolled_from': empty (a date YYYY-MM-DD is required)");
    assert_int_equal(c.n_children, 1); /* only the good line is kept */
    assert_string_equal(c.children[0].child_ref, "K6");
    assert_int_equal(c.children[0].care_mask, 1u << 0 | 1u << 4);
    assert_int_equal(c.children[0].line, 7);

    /* the whole printed form */
    char *out = NULL;
    size_t outlen = 0;
    FILE *f = open_memstream(&out, &outlen);
    diag_print(&d, f);
    fclose(f);
    const char first[] = "children.csv:2:4: error: column 'enrolled_from': '2025-02-30' is not "
                         "a real date (YYYY-MM-DD)\n";
    assert_true(outlen > sizeof first - 1);
    assert_memory_equal(out, first, sizeof first - 1);
    free(out);
    diag_release(&d);
    arena_release(&a);
}

static void test_children_missing_column(void **state)
{
    (void)state;
    const char text[] = "nursery_id,child_ref,care_types,enrolled_from\nN1,K1,suction,2025-04-01\n";
    arena a = ARENA_INIT;
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        children_parse("children.csv", text, sizeof text - 1, NULL, &vocab, &a, &c, &d), -1);
    assert_int_equal(d.n, 1);
    diag_is(&d, 0, "children.csv", 1, 0, "missing required column 'enrolled_to'");
    assert_int_equal(c.n_children, 0);
    diag_release(&d);
    arena_release(&a);
}

#define STAFF_HEADER "nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n"

static void test_staff(void **state)
{
    (void)state;
    const char text[] = STAFF_HEADER "N1,S1,nurse,part_time,92.5,250000,\n"
                                     "N1,S2,childcare_worker,full_time,,300000,10000\n"
                                     "ZZ,S3,midwife,full_time,160,0,0\n";
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(staff_parse("nurses.csv", text, sizeof text - 1, &reg, &vocab, &a, &c, &d), 0);
    assert_int_equal(diag_count(&d), 0);
    assert_string_equal(c.staff_file, "nurses.csv");
    assert_int_equal(c.n_staff, 3);
    const staff_line *l = &c.staff[0];
    assert_int_equal(l->nursery, 0);
    assert_string_equal(l->staff_ref, "S1");
    assert_string_equal(l->qualification, "nurse");
    assert_string_equal(l->employment, "part_time");
    assert_true(l->has_hours);
    assert_int_equal(l->hours.n, 185); /* 92.5 = 185/2 */
    assert_int_equal(l->hours.d, 2);
    assert_int_equal(l->salary_cost, 250000);
    assert_int_equal(l->other_income, 0); /* empty = 0 */
    assert_int_equal(l->line, 2);
    l = &c.staff[1];
    assert_string_equal(l->qualification, "childcare_worker"); /* rejected later, not here */
    assert_string_equal(l->employment, "full_time");
    assert_false(l->has_hours);
    assert_int_equal(l->hours.n, 0);
    assert_int_equal(l->hours.d, 1);
    assert_int_equal(l->salary_cost, 300000);
    assert_int_equal(l->other_income, 10000);
    l = &c.staff[2];
    assert_int_equal(l->nursery, -1);
    assert_string_equal(l->nursery_id, "ZZ");
    assert_true(l->has_hours);
    assert_int_equal(l->hours.n, 160);
    assert_int_equal(l->salary_cost, 0);
    assert_int_equal(l->line, 4);
    arena_release(&a);
}

/* Declared columns (SPEC 8.1): read by name into each line's decl[] at the
 * column's slot, empty → the default (or the type's zero), a column of the
 * rule set not declared by these terms keeps slot 0 zero, a column neither
 * built in nor declared ignored; a malformed value names line, column and
 * the column's name, and nothing is kept. */
static const char *training_codes[] = {"basic", "advanced"};
static const char *training_names[] = {"基礎研修", "実践研修"};
static const declared_column staff_decl[] = {
    /* slot 0 is another terms version's column: not declared here */
    {.name = "training", .label = "受講した研修", .type = COL_CODE, .vt = VT_TEXT,
     .def = {.s = ""}, .codes = training_codes, .code_names = training_names, .n_codes = 2,
     .slot = 2},
    {.name = "training_cost", .label = "研修受講費", .type = COL_YEN, .vt = VT_YEN,
     .has_default = true, .def = {.n = {7, 1}}, .slot = 1},
    {.name = "certified", .label = "資格取得日", .type = COL_DATE, .vt = VT_DATE, .required = true,
     .def = {.d = DATE_OPEN}, .slot = 3},
};
static const intake_vocab decl_vocab = {care_codes, 8, NULL, staff_decl, 0, 3, 0, 4, quals, 4};

static void test_staff_declared(void **state)
{
    (void)state;
    const char text[] = "certified,ignored,training_cost," STAFF_HEADER
        "2024-05-01,x,12000,N1,S1,nurse,full_time,,250000,\n"
        ",y,,N1,S2,nurse,full_time,,250000,\n";
    /* training is optional and absent from the header: every line gets its default */
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        staff_parse("nurses.csv", text, sizeof text - 1, &reg, &decl_vocab, &a, &c, &d), -1);
    /* certified is required: its column is there, but line 3 leaves it empty */
    assert_int_equal(d.n, 1);
    diag_is(&d, 0, "nurses.csv", 3, 1, "column 'certified': empty (a value is required)");
    assert_int_equal(c.n_staff, 1);
    const value *v = c.staff[0].decl;
    assert_non_null(v);
    assert_int_equal(v[0].n.n, 0);            /* slot 0: not declared by these terms */
    assert_int_equal(v[1].n.n, 12000);        /* training_cost */
    assert_string_equal(v[2].s, "");          /* training: absent column, no default */
    assert_int_equal(v[3].d, date_from_ymd(2024, 5, 1));
    diag_release(&d);

    static const char with_training[] = "training,certified,training_cost," STAFF_HEADER
             "advanced,2024-05-01,,N1,S1,nurse,full_time,,250000,\n"
             "expert,2024-05-01,-3,N1,S2,nurse,full_time,,250000,\n"
             "basic,2024-13-01,1.5,N1,S3,nurse,full_time,,250000,\n";
    claims c2 = {0};
    assert_int_equal(staff_parse("nurses.csv", with_training, strlen(with_training), &reg,
                                 &decl_vocab, &a, &c2, &d), -1);
    assert_int_equal(d.n, 4);
    diag_is(&d, 0, "nurses.csv", 3, 1,
            "column 'training': unknown code 'expert' (known: basic, advanced)");
    diag_is(&d, 1, "nurses.csv", 3, 3,
            "column 'training_cost': '-3' is negative (a whole yen amount >= 0 is required)");
    /* declared columns are checked in their declared order */
    diag_is(&d, 2, "nurses.csv", 4, 3,
            "column 'training_cost': '1.5' is not a whole yen amount (digits only: no sign, "
            "decimals or separators)");
    diag_is(&d, 3, "nurses.csv", 4, 2, "column 'certified': '2024-13-01' is not a real date "
                                       "(YYYY-MM-DD)");
    assert_int_equal(c2.n_staff, 1);
    v = c2.staff[0].decl;
    assert_string_equal(v[2].s, "advanced");
    assert_ptr_equal(v[2].s, training_codes[1]); /* the rule set's string: no copy */
    assert_int_equal(v[1].n.n, 7);               /* empty → the declared default 7 */
    diag_release(&d);
    arena_release(&a);
}

static void test_declared_required_column(void **state)
{
    (void)state;
    const char text[] = STAFF_HEADER "N1,S1,nurse,full_time,,250000,\n";
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        staff_parse("nurses.csv", text, sizeof text - 1, &reg, &decl_vocab, &a, &c, &d), -1);
    assert_int_equal(d.n, 1);
    diag_is(&d, 0, "nurses.csv", 1, 0, "missing required column 'certified'");
    diag_release(&d);
    arena_release(&a);
}

/* The inline fast paths (repeated dates per column, the month kept per
 * column, whole yen, hours, care_types and qualification tables) give what
 * the full checks give, and refuse what they refuse, with their messages. */
static void test_children_fast_paths(void **state)
{
    (void)state;
    /* 34-byte care_types (past the 32-byte key) twice; the same list last in
     * the text with no newline, where the key is copied, not loaded */
    const char text[] = "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n"
                        "N1,K1,suction;ventilator;oxygen;insulin,2025-02-28,2025-02-28\n" /* 2 */
                        "N1,K2,suction;ventilator;oxygen;insulin,2025-02-28,\n"           /* 3 */
                        "N1,K3,suction;ventilator;oxygen;insulin,2025-02-29,\n"           /* 4 */
                        "N1,K4,other,2024-02-29,2025-02-28\n"                             /* 5 */
                        "N1,K5,suction;ventilator;oxygen;insulin,2025-02-28,2025-02-31\n" /* 6 */
                        "N1,K1,other;suction,2025-02-28,2025-03-01\n"                     /* 7 */
                        "N1,K1,other;suction,2025-02-28,2025-03-01";                      /* 8 */
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        children_parse("children.csv", text, sizeof text - 1, &reg, &vocab, &a, &c, &d), -1);
    assert_int_equal(diag_count(&d), 2);
    /* the month 2025-02 was kept from line 3: its 29th still does not exist */
    diag_is(&d, 0, "children.csv", 4, 4,
            "column 'enrolled_from': '2025-02-29' is not a real date (YYYY-MM-DD)");
    diag_is(&d, 1, "children.csv", 6, 5,
            "column 'enrolled_to': '2025-02-31' is not a real date (YYYY-MM-DD)");
    assert_int_equal(c.n_children, 5); /* lines 2, 3, 5, 7, 8 */
    const uint32_t all4 = 1u << 0 | 1u << 6 | 1u << 4 | 1u << 3; /* suction, ventilator, oxygen, insulin */
    assert_int_equal(c.children[0].care_mask, all4);
    assert_int_equal(c.children[1].care_mask, all4);
    assert_ptr_equal(c.children[0].care_types, c.children[1].care_types); /* checked once */
    assert_string_equal(c.children[0].care_types, "suction;ventilator;oxygen;insulin");
    assert_int_equal(c.children[0].enrolled_from, date_from_ymd(2025, 2, 28));
    assert_int_equal(c.children[0].enrolled_to, date_from_ymd(2025, 2, 28));
    assert_int_equal(c.children[1].enrolled_to, DATE_OPEN);
    assert_int_equal(c.children[2].enrolled_from, date_from_ymd(2024, 2, 29)); /* leap year */
    assert_int_equal(c.children[3].enrolled_to, date_from_ymd(2025, 3, 1));
    /* loaded key (line 7) and copied key (line 8, at the end) find one entry */
    assert_int_equal(c.children[3].care_mask, 1u << 7 | 1u << 0);
    assert_ptr_equal(c.children[3].care_types, c.children[4].care_types);
    /* child_ref hashes: equal refs equal (K1 on lines 2, 7, 8), others apart */
    assert_int_equal(c.children[0].ref_hash, c.children[3].ref_hash);
    assert_int_equal(c.children[0].ref_hash, c.children[4].ref_hash);
    assert_int_not_equal(c.children[0].ref_hash, c.children[1].ref_hash);
    assert_int_not_equal(c.children[1].ref_hash, c.children[2].ref_hash);
    diag_release(&d);
    arena_release(&a);
}

/* Refs of every length 1..40 hash alike when equal wherever they stand
 * (8-byte words and the overlapping last word), and are copied whole. */
static void test_child_ref_hash(void **state)
{
    (void)state;
    char text[4096] = "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n";
    char ref[41];
    for (int pass = 0; pass < 2; pass++)
        for (int n = 1; n <= 40; n++) {
            for (int i = 0; i < n; i++)
                ref[i] = (char)('A' + (i * 7 + n) % 26);
            ref[n] = '\0';
            size_t used = strlen(text);
            snprintf(text + used, sizeof text - used, "N1,%s,other,2025-04-01,\n", ref);
        }
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(children_parse("children.csv", text, strlen(text), &reg, &vocab, &a, &c, &d),
                     0);
    assert_int_equal(c.n_children, 80);
    for (size_t i = 0; i < 40; i++) {
        assert_int_equal(strlen(c.children[i].child_ref), i + 1);
        assert_string_equal(c.children[i].child_ref, c.children[i + 40].child_ref);
        assert_int_equal(c.children[i].ref_hash, c.children[i + 40].ref_hash);
        if (i)
            assert_int_not_equal(c.children[i].ref_hash, c.children[i - 1].ref_hash);
    }
    arena_release(&a);
}

static void test_staff_fast_paths(void **state)
{
    (void)state;
    const char text[] = STAFF_HEADER
        "N1,S1,midwife,part_time,92.50,0012,\n"                 /* 2 */
        "N1,S2,nurse,part_time,0.0,999999999999999999,7\n"     /* 3: 18 digits */
        "N1,S3,childcare_worker,part_time,1.2345,1,0\n"        /* 4 */
        "N1,S4,midwife,part_time,92.,9223372036854775807,\n"   /* 5: bad hours */
        "N1,S5,nurse,full_time,160,9223372036854775808,\n"     /* 6: too large */
        "N1,S6,nurse,full_time,,12a,\n";                       /* 7 */
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(staff_parse("nurses.csv", text, sizeof text - 1, &reg, &vocab, &a, &c, &d), -1);
    assert_int_equal(diag_count(&d), 3);
    diag_is(&d, 0, "nurses.csv", 5, 5, "column 'hours': '92.' is not a number (hours like 92.5)");
    diag_is(&d, 1, "nurses.csv", 6, 6, "column 'salary_cost': '9223372036854775808' is too large");
    diag_is(&d, 2, "nurses.csv", 7, 6,
            "column 'salary_cost': '12a' is not a whole yen amount (digits only: no sign, "
            "decimals or separators)");
    assert_int_equal(c.n_staff, 3);
    const staff_line *l = c.staff;
    assert_int_equal(l[0].qual, 3); /* midwife: quals[3] */
    assert_int_equal(l[0].hours.n, 185); /* 92.50 = 9250/100 = 185/2 */
    assert_int_equal(l[0].hours.d, 2);
    assert_int_equal(l[0].salary_cost, 12);
    assert_int_equal(l[1].qual, 0); /* nurse */
    assert_true(l[1].has_hours);
    assert_int_equal(l[1].hours.n, 0); /* 0.0 = 0/1 */
    assert_int_equal(l[1].hours.d, 1);
    assert_int_equal(l[1].salary_cost, 999999999999999999);
    assert_int_equal(l[1].other_income, 7);
    assert_int_equal(l[2].qual, -1); /* not eligible under these terms */
    assert_string_equal(l[2].qualification, "childcare_worker");
    assert_int_equal(l[2].hours.n, 2469); /* 1.2345 = 12345/10000 = 2469/2000 (num_parse) */
    assert_int_equal(l[2].hours.d, 2000);
    diag_release(&d);
    arena_release(&a);
}

/* Hours past the inline form's 9 + 3 digits go to num_parse, whole
 * (before the fix, 400 digits overflowed the inline accumulator). */
static void test_staff_long_hours(void **state)
{
    (void)state;
    const char text[] = STAFF_HEADER
        "N1,S1,nurse,part_time,1234567890.5,1,\n"                /* 2: 10 digits, fine */
        "N1,S2,nurse,part_time,1234567890123456789012345,1,\n"; /* 3: too many */
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(staff_parse("nurses.csv", text, sizeof text - 1, &reg, &vocab, &a, &c, &d), -1);
    assert_int_equal(diag_count(&d), 1);
    diag_is(&d, 0, "nurses.csv", 3, 5,
            "column 'hours': '1234567890123456789012345' has too many digits");
    assert_int_equal(c.n_staff, 1);
    assert_int_equal(c.staff[0].hours.n, 2469135781); /* 12345678905/10 = 2469135781/2 */
    assert_int_equal(c.staff[0].hours.d, 2);
    diag_release(&d);
    arena_release(&a);
}

static void test_staff_malformed(void **state)
{
    (void)state;
    const char text[] = STAFF_HEADER "N1,S1,nurse,part_time,abc,250000,\n"    /* 2 */
                                     "N1,S2,nurse,part_time,,250000,\n"       /* 3 */
                                     "N1,S3,nurse,contract,10,250000,\n"      /* 4 */
                                     "N1,S4,nurse,full_time,,-5000,\n"        /* 5 */
                                     "N1,S5,nurse,full_time,,\"1,000\",\n"    /* 6 */
                                     "N1,S6,nurse,full_time,-1,250000,12.5\n" /* 7 */
                                     "N1,S7,,full_time,,250000,\n"            /* 8 */
                                     "N1,S8,nurse,full_time,,,\n";            /* 9 */
    arena a = ARENA_INIT;
    registry reg;
    load_registry(&reg, &a);
    claims c = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(staff_parse("nurses.csv", text, sizeof text - 1, &reg, &vocab, &a, &c, &d), -1);
    assert_int_equal(d.n, 9);
    diag_is(&d, 0, "nurses.csv", 2, 5, "column 'hours': 'abc' is not a number (hours like 92.5)");
    diag_is(&d, 1, "nurses.csv", 3, 5,
            "column 'hours': empty, but part_time requires the hours worked in the month");
    diag_is(&d, 2, "nurses.csv", 4, 4,
            "column 'employment': 'contract' is not one of full_time, part_time");
    diag_is(&d, 3, "nurses.csv", 5, 6,
            "column 'salary_cost': '-5000' is negative (a whole yen amount >= 0 is required)");
    diag_is(&d, 4, "nurses.csv", 6, 6,
            "column 'salary_cost': '1,000' is not a whole yen amount (digits only: no sign, "
            "decimals or separators)");
    diag_is(&d, 5, "nurses.csv", 7, 5, "column 'hours': '-1' is negative");
    diag_is(&d, 6, "nurses.csv", 7, 7,
            "column 'other_income': '12.5' is not a whole yen amount (digits only: no sign, "
            "decimals or separators)");
    diag_is(&d, 7, "nurses.csv", 8, 3, "column 'qualification': empty (a value is required)");
    diag_is(&d, 8, "nurses.csv", 9, 6,
            "column 'salary_cost': empty (a whole yen amount is required)");
    assert_int_equal(c.n_staff, 0);
    diag_release(&d);
    arena_release(&a);
}

static void test_yen_and_id_checks(void **state)
{
    (void)state;
    int64_t v = -1;
    assert_true(intake_yen_valid("9223372036854775807", 19, &v));
    assert_int_equal(v, INT64_MAX);
    assert_false(intake_yen_valid("9223372036854775808", 19, &v));
    assert_false(intake_yen_valid("+5", 2, &v));
    assert_false(intake_yen_valid("", 0, &v));
    assert_true(intake_id_valid("ABCDEFGHIJ012-45", 16));
    assert_false(intake_id_valid("ABCDEFGHIJ012-456", 17));
    assert_false(intake_id_valid("n1", 2));
    assert_false(intake_id_valid("", 0));
}

/* SPEC 2: a kind other than the paid one may leave every 振込先 column empty;
 * the paid kind may not, and what is given is checked whatever the kind. */
static void test_registry_bank_by_kind(void **state)
{
    (void)state;
    const char text[] =
        REG_HEADER
        "W1,a,ward_run,o,2010-04-01,,,,,,\n"                        /* 2: fine */
        "W2,a,ward_run,o,2010-04-01,,,,savings,,\n"                 /* 3: given, bad */
        "N1,a,private_licensed,o,2010-04-01,,b,br,,1,h\n"           /* 4: type missing */
        "N2,a,private_licensed,o,2010-04-01,,,br,ordinary,1,\n";    /* 5: two missing */
    arena a = ARENA_INIT;
    registry reg;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(registry_parse("nurseries.csv", text, sizeof text - 1, PAID, &a, &reg, &d),
                     -1);
    assert_int_equal(d.n, 4);
    diag_is(&d, 0, "nurseries.csv", 3, 9,
            "column 'account_type': 'savings' is not one of ordinary, current");
    diag_is(&d, 1, "nurseries.csv", 4, 9,
            "column 'account_type': empty (one of ordinary, current is required)");
    diag_is(&d, 2, "nurseries.csv", 5, 7,
            "column 'bank_name': empty (a private_licensed nursery is paid: its 振込先 is "
            "required)");
    diag_is(&d, 3, "nurseries.csv", 5, 11,
            "column 'account_holder': empty (a private_licensed nursery is paid: its 振込先 is "
            "required)");
    const nursery *w1 = &reg.v[0];
    assert_string_equal(w1->id, "W1");
    assert_null(w1->account_type);
    assert_string_equal(w1->bank_name, "");
    assert_string_equal(w1->account_number, "");
    assert_null(w1->bank_code);
    assert_null(w1->bank_name_kana);
    diag_release(&d);

    /* The paid kind is data: with ward_run paid, the private row may be empty
     * and the ward-run one may not. */
    const char swapped[] = REG_HEADER "N1,a,private_licensed,o,2010-04-01,,,,,,\n"
                                      "W1,a,ward_run,o,2010-04-01,,b,br,,1,h\n";
    assert_int_equal(
        registry_parse("nurseries.csv", swapped, sizeof swapped - 1, "ward_run", &a, &reg, &d), -1);
    assert_int_equal(d.n, 1);
    diag_is(&d, 0, "nurseries.csv", 3, 9,
            "column 'account_type': empty (one of ordinary, current is required)");
    diag_release(&d);
    arena_release(&a);
}

#define REG_HEADER_CODES                                                                    \
    "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type," \
    "account_number,account_holder,bank_code,branch_code,bank_name_kana,branch_name_kana\n"

/* The optional transfer columns reach the record as written. */
static void test_registry_bank_codes(void **state)
{
    (void)state;
    const char text[] =
        REG_HEADER_CODES
        "N1,a,private_licensed,o,2010-04-01,,みずほ銀行,板橋支店,ordinary,1,h,"
        "0001,234,ﾐｽﾞﾎ,イタバシ\n"
        "N2,a,private_licensed,o,2010-04-01,,b,br,ordinary,1,h,"
        "1344,012,スガモシンキン,シムラ　（シテン）\n"
        "N3,a,private_licensed,o,2010-04-01,,b,br,ordinary,1,h,,,,\n"
        "W1,a,ward_run,o,2010-04-01,,,,,,,,,,\n";
    arena a = ARENA_INIT;
    registry reg;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(registry_parse("nurseries.csv", text, sizeof text - 1, PAID, &a, &reg, &d), 0);
    assert_int_equal(reg.n, 4);
    assert_string_equal(reg.v[0].bank_code, "0001");
    assert_string_equal(reg.v[0].branch_code, "234");
    assert_string_equal(reg.v[0].bank_name_kana, "ﾐｽﾞﾎ");
    assert_string_equal(reg.v[0].branch_name_kana, "イタバシ");
    assert_string_equal(reg.v[1].bank_code, "1344");
    assert_string_equal(reg.v[1].branch_code, "012"); /* leading zero kept */
    assert_string_equal(reg.v[1].branch_name_kana, "シムラ　（シテン）");
    for (size_t i = 2; i < 4; i++) {
        assert_null(reg.v[i].bank_code);
        assert_null(reg.v[i].branch_code);
        assert_null(reg.v[i].bank_name_kana);
        assert_null(reg.v[i].branch_name_kana);
    }
    arena_release(&a);
}

/* Malformed codes and names name their line and column, whatever the kind. */
static void test_registry_bank_codes_malformed(void **state)
{
    (void)state;
    const char text[] =
        REG_HEADER_CODES
        "N1,a,private_licensed,o,2010-04-01,,b,br,ordinary,1,h,1,23,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ\n"   /* 2 */
        "N2,a,private_licensed,o,2010-04-01,,b,br,ordinary,1,h,00O1,2345,,\n"      /* 3 */
        "W1,a,ward_run,o,2010-04-01,,,,,,,,,みずほ,Itabashi\n"                     /* 4 */
        "N3,a,private_licensed,o,2010-04-01,,b,br,ordinary,1,h,０００１,,ﾐｽﾞﾎ銀行, \n"; /* 5 */
    arena a = ARENA_INIT;
    registry reg;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(registry_parse("nurseries.csv", text, sizeof text - 1, PAID, &a, &reg, &d),
                     -1);
    assert_int_equal(d.n, 9);
    diag_is(&d, 0, "nurseries.csv", 2, 12,
            "column 'bank_code': '1' is not 4 digits (were leading zeros dropped? keep the "
            "column as text)");
    diag_is(&d, 1, "nurseries.csv", 2, 13,
            "column 'branch_code': '23' is not 3 digits (were leading zeros dropped? keep the "
            "column as text)");
    diag_is(&d, 2, "nurseries.csv", 3, 12, "column 'bank_code': '00O1' is not 4 digits");
    diag_is(&d, 3, "nurseries.csv", 3, 13, "column 'branch_code': '2345' is not 3 digits");
    diag_is(&d, 4, "nurseries.csv", 4, 14,
            "column 'bank_name_kana': 'みずほ' is not katakana: 'み' cannot be written in the "
            "transfer file (katakana, spaces, ー ｰ -, ( ), . , /, A-Z and 0-9 only)");
    diag_is(&d, 5, "nurseries.csv", 4, 15,
            "column 'branch_name_kana': 'Itabashi' is not katakana: 't' cannot be written in "
            "the transfer file (katakana, spaces, ー ｰ -, ( ), . , /, A-Z and 0-9 only)");
    diag_is(&d, 6, "nurseries.csv", 5, 12, "column 'bank_code': '０００１' is not 4 digits");
    diag_is(&d, 7, "nurseries.csv", 5, 14,
            "column 'bank_name_kana': 'ﾐｽﾞﾎ銀行' is not katakana: '銀' cannot be written in "
            "the transfer file (katakana, spaces, ー ｰ -, ( ), . , /, A-Z and 0-9 only)");
    diag_is(&d, 8, "nurseries.csv", 5, 15,
            "column 'branch_name_kana': ' ' has only spaces (leave it empty or give the name)");
    diag_release(&d);
    arena_release(&a);
}

/* The registry alone (kasan forms): an unreadable file is named, and the
 * registry is left empty. */
static void test_load_registry_missing(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    registry reg;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(
        intake_load_registry("/nonexistent/nurseries.csv", "nurseries.csv", PAID, &a, &reg, &d), -1);
    diag_is(&d, 0, "nurseries.csv", 0, 0,
            "cannot read /nonexistent/nurseries.csv: No such file or directory");
    assert_int_equal(reg.n, 0);
    diag_release(&d);
    arena_release(&a);
}

/* Intake reads its own files: a missing data dir names each file it could
 * not read, and nothing is parsed. */
static void test_read_month_missing(void **state)
{
    (void)state;
    arena a = ARENA_INIT;
    input_file in[INPUT_COUNT] = {0};
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(intake_read_month("/nonexistent", (claim_month){2025, 4}, &a, in, &d), -1);
    assert_int_equal(diag_count(&d), 3);
    diag_is(&d, 0, "/nonexistent/nurseries.csv", 0, 0,
            "cannot read input file (No such file or directory)");
    /* a missing claim file says where a month's claims come from */
    const char *claims_msg = "cannot read input file (No such file or directory): the month's "
                             "claims are made from the nurseries' filled forms by kasan intake "
                             "--month 2025-04 FORM.xlsx ... (forms from kasan forms --month "
                             "2025-04)";
    diag_is(&d, 1, "/nonexistent/claims/2025-04/children.csv", 0, 0, claims_msg);
    diag_is(&d, 2, "/nonexistent/claims/2025-04/nurses.csv", 0, 0, claims_msg);
    diag_release(&d);
    arena_release(&a);
}

/* A month's bytes (as a replay hands them back) parsed into records: the
 * missing SHA-256 is computed — that of "" is e3b0c442…b855 (FIPS 180-2). */
/* A shared registry (kasan run --fy) is borrowed only by a month that pays
 * the kind it was parsed for; another kind parses the same bytes again, so
 * the paid kind's 振込先 rule still holds.  Row 2 (N1, private_licensed) has
 * no bank: fine when ward_run is paid, refused when private_licensed is. */
static void test_parse_month_shared_kind(void **state)
{
    (void)state;
    static const char reg_csv[] = REG_HEADER "N1,a,private_licensed,o,2010-04-01,,,,,,\n"
                                             "W1,a,ward_run,o,2010-04-01,,b,br,ordinary,1,h\n";
    static const char ch_csv[] = "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n";
    static const char st_csv[] =
        "nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n";
    input_file in[INPUT_COUNT] = {
        {"nurseries.csv", reg_csv, sizeof reg_csv - 1, ""},
        {"claims/2025-04/children.csv", ch_csv, sizeof ch_csv - 1, ""},
        {"claims/2025-04/nurses.csv", st_csv, sizeof st_csv - 1, ""},
    };
    shared_registry sr;
    memset(&sr, 0, sizeof sr);
    sr.file = in[INPUT_REGISTRY];
    sr.paid_kind = "ward_run";
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(registry_parse(sr.file.name, sr.file.data, sr.file.len, sr.paid_kind, &sr.a,
                                    &sr.reg, &d),
                     0);
    arena a = ARENA_INIT;
    intake_month im;
    assert_int_equal(intake_parse_month(in, &sr, "ward_run", &vocab, &a, &im, &d), 0);
    assert_ptr_equal(im.reg.v, sr.reg.v); /* borrowed */
    assert_int_equal(intake_parse_month(in, &sr, PAID, &vocab, &a, &im, &d), -1);
    assert_int_equal(diag_count(&d), 5); /* bank_name, bank_branch, type, number, holder */
    diag_release(&d);
    arena_release(&a);
    arena_release(&sr.a);
}

static void test_parse_month(void **state)
{
    (void)state;
    static const char reg_csv[] =
        "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,"
        "account_type,account_number,account_holder\n"
        "P1,一,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,1,ｲﾁ\n";
    static const char ch_csv[] = "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n"
                                 "P1,C1,suction,2025-04-01,\nP9,C2,suction,2025-04-01,\n";
    static const char st_csv[] =
        "nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n";
    input_file in[INPUT_COUNT] = {
        {"nurseries.csv", reg_csv, sizeof reg_csv - 1, ""},
        {"claims/2025-04/children.csv", ch_csv, sizeof ch_csv - 1, ""},
        {"claims/2025-04/nurses.csv", st_csv, sizeof st_csv - 1, ""},
    };
    arena a = ARENA_INIT;
    diag_list d = DIAG_LIST_INIT;
    intake_month im;
    assert_int_equal(intake_parse_month(in, NULL, PAID, &vocab, &a, &im, &d), 0);
    assert_int_equal(diag_count(&d), 0);
    assert_int_equal(im.reg.n, 1);
    assert_int_equal(im.cl.n_children, 2);
    assert_int_equal(im.cl.children[0].nursery, 0);
    assert_int_equal(im.cl.children[1].nursery, -1); /* P9 unknown: the engine rejects it */
    assert_int_equal(im.cl.n_staff, 0);
    assert_string_equal(im.files[INPUT_CHILDREN].name, "claims/2025-04/children.csv");
    in[INPUT_STAFF].len = 0;
    assert_int_equal(intake_parse_month(in, NULL, PAID, &vocab, &a, &im, &d), -1); /* no header */
    assert_string_equal(im.files[INPUT_STAFF].sha256,
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    diag_release(&d);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_registry_cp932),
        cmocka_unit_test(test_registry_many),
        cmocka_unit_test(test_registry_id_order),
        cmocka_unit_test(test_registry_malformed),
        cmocka_unit_test(test_registry_bank_by_kind),
        cmocka_unit_test(test_registry_bank_codes),
        cmocka_unit_test(test_registry_bank_codes_malformed),
        cmocka_unit_test(test_children),
        cmocka_unit_test(test_children_nursery_lookup),
        cmocka_unit_test(test_children_malformed),
        cmocka_unit_test(test_children_missing_column),
        cmocka_unit_test(test_staff),
        cmocka_unit_test(test_staff_malformed),
        cmocka_unit_test(test_children_fast_paths),
        cmocka_unit_test(test_child_ref_hash),
        cmocka_unit_test(test_staff_fast_paths),
        cmocka_unit_test(test_staff_long_hours),
        cmocka_unit_test(test_yen_and_id_checks),
        cmocka_unit_test(test_load_registry_missing),
        cmocka_unit_test(test_read_month_missing),
        cmocka_unit_test(test_parse_month),
        cmocka_unit_test(test_staff_declared),
        cmocka_unit_test(test_declared_required_column),
        cmocka_unit_test(test_parse_month_shared_kind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
