/* fuzz_common: the fixed rule terms and the tiny claim month that the rules
 * and expr targets evaluate their programs against.  The CSVs hold one line
 * for each rejection reason of SPEC 1.5 so that every engine path runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

const char fuzz_terms_yaml[] =
    "kind: terms\n"
    "version: \"2025-04\"\n"
    "title: terms\n"
    "effective_from: 2025-04-01\n"
    "basis: fuzz\n"
    "care_types:\n"
    "  suction: a\n"
    "  tube_feeding: b\n"
    "  urinary_catheter: c\n"
    "  insulin: d\n"
    "  oxygen: e\n"
    "  tracheostomy: f\n"
    "  ventilator: g\n"
    "  other: h\n"
    "eligible_nursery_kind: private_licensed\n"
    "eligible_qualifications:\n"
    "  nurse: a\n"
    "  assistant_nurse: b\n"
    "  public_health_nurse: c\n"
    "  midwife: d\n"
    "rejection_reasons:\n"
    "  unknown_nursery: a\n"
    "  ward_run: b\n"
    "  nursery_inactive: c\n"
    "  no_care_type: d\n"
    "  no_enrolled_day: e\n"
    "  duplicate_child: f\n"
    "  ineligible_qualification: g\n"
    "  no_eligible_child: h\n";

const char fuzz_registry_csv[] =
    "nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,"
    "account_number,account_holder\n"
    "P001,A,private_licensed,X,2000-04-01,,B,C,ordinary,1234567,H\n"
    "P002,B,private_licensed,X,2000-04-01,2025-10-15,B,C,current,7654321,H\n"
    "P003,C,private_licensed,X,2026-04-01,,B,C,ordinary,1111111,H\n"
    "W001,W,ward_run,X,2000-04-01,,B,C,ordinary,2222222,H\n";

const char fuzz_children_csv[] =
    "nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n"
    "P001,C1,suction;ventilator,2024-04-01,\n"
    "P001,C2,tube_feeding,2025-04-10,2025-10-20\n"
    "P001,C3,oxygen,2024-04-01,\n"
    "P002,C4,insulin;tracheostomy,2024-04-01,\n"
    "P002,C5,,2024-04-01,\n"
    "P002,C8,other,2030-04-01,\n"
    "P003,C9,other,2024-04-01,\n"
    "W001,C6,suction,2024-04-01,\n"
    "P009,C7,suction,2024-04-01,\n"
    "P002,C1,suction,2024-04-01,\n";

const char fuzz_staff_csv[] =
    "nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n"
    "P001,S1,nurse,full_time,160,383000,20000\n"
    "P001,S2,assistant_nurse,part_time,66.25,122562,\n"
    "P001,S3,childcare_worker,full_time,,265000,\n"
    "P002,S4,midwife,part_time,10,50000,60000\n"
    "P003,S5,nurse,full_time,,300000,\n"
    "P009,S6,nurse,full_time,,300000,\n";

void fuzz_report(const char *what, const diag_list *d)
{
    if (!getenv("FUZZ_VERBOSE"))
        return;
    fprintf(stderr, "== %s: %zu problems\n", what, diag_count(d));
    diag_print(d, stderr);
}

void fuzz_compute_months(const rule_set *rs)
{
    input_file in[INPUT_COUNT] = {
        {.name = "nurseries.csv", .data = fuzz_registry_csv, .len = strlen(fuzz_registry_csv)},
        {.name = "children.csv", .data = fuzz_children_csv, .len = strlen(fuzz_children_csv)},
        {.name = "nurses.csv", .data = fuzz_staff_csv, .len = strlen(fuzz_staff_csv)},
    };
    static const claim_month months[] = {{2025, 4}, {2025, 10}};
    for (size_t i = 0; i < sizeof months / sizeof *months; i++) {
        month_run run;
        diag_list d = DIAG_LIST_INIT;
        memset(&run, 0, sizeof run);
        if (engine_compute(rs, months[i], in, &run, &d) == 0)
            (void)engine_payment_count(&run);
        fuzz_report("month", &d);
        engine_free(&run);
        diag_release(&d);
    }
}
