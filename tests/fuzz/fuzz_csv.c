/* fuzz_csv: bytes → the CSV reader (csv_open, csv_header, csv_next) and the
 * three intake parsers (registry, children, staff) over the same bytes. */
#include <string.h>

#include "fuzz.h"
#include "kasan/csv.h"
#include "kasan/intake.h"

static const char *const care[] = {"suction", "tube_feeding", "urinary_catheter", "insulin",
                                   "oxygen", "tracheostomy", "ventilator", "other"};

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
    intake_vocab vocab = {care, sizeof care / sizeof *care, NULL, NULL, 0, 0, 0, 0};
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
    arena_release(&a);
    diag_release(&d);
    return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_csv_one(data, size); }
#endif
