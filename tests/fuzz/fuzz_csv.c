/* fuzz_csv: bytes → the CSV reader (csv_open, csv_header, csv_next) and the
 * three intake parsers (registry, children, staff) over the same bytes, the
 * claim parsers also with a declared column of every type (SPEC 8.1). */
#include <string.h>

#include "fuzz.h"
#include "kasan/csv.h"
#include "kasan/intake.h"

static const char *const care[] = {"suction", "tube_feeding", "urinary_catheter", "insulin",
                                   "oxygen", "tracheostomy", "ventilator", "other"};

static const char *codes[] = {"basic", "advanced"}, *code_names[] = {"基礎研修", "実践研修"};
/* one declared column of each type, slots out of order (one left unused) */
static const declared_column declared[] = {
    {.name = "c_yen", .label = "円", .type = COL_YEN, .vt = VT_YEN, .required = true, .slot = 6},
    {.name = "c_number", .label = "数", .type = COL_NUMBER, .vt = VT_NUMBER, .slot = 0},
    {.name = "c_days", .label = "日数", .type = COL_DAYS, .vt = VT_DAYS, .slot = 1},
    {.name = "c_date", .label = "日付", .type = COL_DATE, .vt = VT_DATE, .slot = 2},
    {.name = "c_text", .label = "文", .type = COL_TEXT, .vt = VT_TEXT, .def = {.s = ""},
     .has_default = true, .slot = 3},
    {.name = "c_bool", .label = "真偽", .type = COL_BOOL, .vt = VT_BOOL, .slot = 4},
    {.name = "c_code", .label = "研修", .type = COL_CODE, .vt = VT_TEXT, .def = {.s = ""},
     .codes = codes, .code_names = code_names, .n_codes = 2, .slot = 5},
};

int fuzz_csv_one(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    diag_list d = DIAG_LIST_INIT;

    csv_reader r;
    static const csv_column cols[] = {{"nursery_id", true}, {"child_ref", false},
                                      {"care_types", false}, {"enrolled_to", false}};
    int idx[4];
    if (csv_open(&r, "fuzz.csv", s, size, &d) == 0) {
        if (csv_header(&r, cols, 4, idx, &d) == 0) {
            size_t total = 0;
            while (csv_next(&r, &d) == 1)
                for (int i = 0; i < 4; i++)
                    total += csv_get(&r, idx[i]).len;
            (void)total;
            (void)csv_max_records(&r);
        }
        (void)csv_errors(&r);
        csv_close(&r);
    }

    arena a = ARENA_INIT;
    registry fixed, reg;
    intake_vocab vocab = {care, sizeof care / sizeof *care, NULL, NULL, 0, 0, 0, 0, NULL, 0};
    claims cl;
    memset(&fixed, 0, sizeof fixed);
    memset(&reg, 0, sizeof reg);
    if (registry_parse("fixed.csv", fuzz_registry_csv, strlen(fuzz_registry_csv),
                       "private_licensed", &a, &fixed, &d))
        __builtin_trap(); /* the fixed registry must parse */
    if (registry_parse("nurseries.csv", s, size, "private_licensed", &a, &reg, &d) == 0)
        for (size_t i = 0; i < reg.n; i++)
            (void)registry_find(&reg, reg.v[i].id, strlen(reg.v[i].id));
    memset(&cl, 0, sizeof cl);
    (void)children_parse("children.csv", s, size, &fixed, &vocab, &a, &cl, &d);
    memset(&cl, 0, sizeof cl);
    (void)staff_parse("nurses.csv", s, size, &fixed, &vocab, &a, &cl, &d);
    intake_vocab with = {care, sizeof care / sizeof *care, declared, declared, 7, 7, 8, 8,
                         care, 2};
    memset(&cl, 0, sizeof cl);
    (void)children_parse("children.csv", s, size, &fixed, &with, &a, &cl, &d);
    memset(&cl, 0, sizeof cl);
    (void)staff_parse("nurses.csv", s, size, &fixed, &with, &a, &cl, &d);
    for (size_t i = 0; i < cl.n_staff; i++)
        if (!cl.staff[i].decl)
            __builtin_trap(); /* every parsed line has its values */
    arena_release(&a);
    diag_release(&d);
    return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_csv_one(data, size); }
#endif
