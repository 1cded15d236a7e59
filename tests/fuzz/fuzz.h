/* fuzz: the bodies of the libFuzzer targets, shared with the replay test.
 * Each fuzz_X_one() feeds one input to the module's entry points and returns
 * 0; a bug shows as a sanitizer report, a crash or a leak, never as a return
 * value.  fuzz_common.c holds the fixed rule files and claim CSVs the targets
 * evaluate against (a tiny month: 2025-04 and 2025-10). */
#ifndef KASAN_FUZZ_H
#define KASAN_FUZZ_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/engine.h"
#include "kasan/rules.h"

int fuzz_csv_one(const uint8_t *data, size_t size);
int fuzz_rules_one(const uint8_t *data, size_t size);
int fuzz_expr_one(const uint8_t *data, size_t size);
int fuzz_ledger_one(const uint8_t *data, size_t size);
int fuzz_xlsx_one(const uint8_t *data, size_t size);

/* The fixed inputs (NUL-terminated). */
extern const char fuzz_terms_yaml[];
extern const char fuzz_registry_csv[];
extern const char fuzz_children_csv[];
extern const char fuzz_staff_csv[];

/* Computes 2025-04 and 2025-10 over the fixed CSVs with rs (a rule set that
 * loaded without errors) and releases everything. */
void fuzz_compute_months(const rule_set *rs);

/* Prints d to stderr when FUZZ_VERBOSE is set (to see why seeds fail). */
void fuzz_report(const char *what, const diag_list *d);

/* The prototype libFuzzer calls (defined by each target under FUZZ_LIBFUZZER). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
