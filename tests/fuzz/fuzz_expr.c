/* fuzz_expr: formula text → a value `fz` of a fixed program, compiled with
 * the rest of the program by rules_load_files; if it compiles, the program
 * is evaluated on the fixed month.  The first input byte chooses where fz
 * lives (byte % 3: values, child_values, staff_values) and the type it
 * declares ((byte / 3) % 6); the rest is the formula, written into the YAML
 * as a double-quoted scalar whose escapes give back exactly those bytes. */
#include <string.h>

#include "fuzz.h"
#include "kasan/csv.h"
#include "kasan/strbuf.h"

static const char program_head[] =
    "program: fz\n"
    "version: \"2025-04\"\n"
    "title: fz\n"
    "effective_from: 2025-04-01\n"
    "basis: fuzz\n"
    "tables:\n"
    "  unit_by_category:\n"
    "    type: yen\n"
    "    rows:\n"
    "      standard: 55000\n"
    "      high: 90000\n"
    "params:\n"
    "  high_care:\n"
    "    type: care types\n"
    "    value: [ventilator, tracheostomy]\n"
    "  threshold:\n"
    "    type: number\n"
    "    value: 3\n"
    "  rate:\n"
    "    type: yen\n"
    "    value: 2300\n"
    "  cap:\n"
    "    type: yen\n"
    "    value: 440000\n"
    "  start:\n"
    "    type: date\n"
    "    value: 2025-04-10\n"
    "  label_text:\n"
    "    type: text\n"
    "    value: high\n"
    "  on:\n"
    "    type: bool\n"
    "    value: true\n"
    "  ratio:\n"
    "    type: number\n"
    "    value: 0.5\n"
    "  grace:\n"
    "    type: days\n"
    "    value: 3\n"
    /* the names the formulas of rules/ read, so their text compiles here */
    "  high_intensity_care_types: {type: care types, value: [ventilator, tracheostomy]}\n"
    "  multi_acceptance_threshold: {type: number, value: 3}\n"
    "  multi_acceptance_addition: {type: yen, value: 30000}\n"
    "  full_time_standard: {type: yen, value: 440000}\n"
    "  hourly_rate: {type: yen, value: 2300}\n"
    "  cap_small: {type: yen, value: 440000}\n"
    "  cap_large: {type: yen, value: 880000}\n"
    "  large_threshold: {type: number, value: 3}\n";

static const char *const sections[3][2] = {
    {"values", "  children_accepted:\n    type: number\n"
               "    formula: count_distinct(children, child_ref)\n"
               "  actual_cost:\n    type: yen\n    formula: sum(staff, salary_cost)\n"
               "  amount:\n    type: yen\n"
               "    formula: sum(children, child_amount) + sum(staff, staff_amount)\n"},
    {"child_values", "  category:\n    type: text\n"
                     "    formula: 'if has_any(care_types, high_care) then \"high\" else "
                     "\"standard\"'\n"
                     "  unit:\n    type: yen\n    formula: unit_by_category[category]\n"
                     "  child_amount:\n    type: yen\n"
                     "    formula: round_down(unit_by_category[category] * enrolled_days / "
                     "days_in_month)\n"},
    {"staff_values", "  staff_amount:\n    type: yen\n"
                     "    formula: >-\n"
                     "      if employment == \"full_time\" then cap\n"
                     "      else min(round_down(hours * rate), cap)\n"},
};
static const char *const types[] = {"yen", "number", "days", "text", "date", "bool"};

/* Appends s as a YAML double-quoted scalar; false if s is not UTF-8 text. */
static bool yaml_quote(strbuf *sb, const char *s, size_t n)
{
    size_t bad;
    if (memchr(s, '\0', n) || !csv_utf8_valid(s, n, &bad))
        return false;
    sb_addc(sb, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            sb_addc(sb, (char)c);
            i++;
        } else if (c < 0x80) {
            sb_addf(sb, "\\x%02x", c);
            i++;
        } else {
            int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
            unsigned cp = c & (0x7fu >> len);
            for (int k = 1; k < len; k++)
                cp = cp << 6 | ((unsigned char)s[i + (size_t)k] & 0x3f);
            sb_addf(sb, "\\U%08x", cp);
            i += (size_t)len;
        }
    }
    sb_addc(sb, '"');
    return true;
}

int fuzz_expr_one(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int where = data[0] % 3, type = (data[0] / 3) % 6;
    strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, program_head);
    for (int i = 0; i < 3; i++) {
        sb_addf(&sb, "%s:\n%s", sections[i][0], sections[i][1]);
        if (i == where) {
            sb_addf(&sb, "  fz:\n    type: %s\n    formula: ", types[type]);
            if (!yaml_quote(&sb, (const char *)data + 1, size - 1)) {
                sb_release(&sb);
                return 0;
            }
            sb_addc(&sb, '\n');
        }
    }
    sb_adds(&sb, "result: amount\n");

    rule_file files[2] = {
        {.path = "terms.yaml", .data = fuzz_terms_yaml, .len = strlen(fuzz_terms_yaml)},
        {.path = "fz.yaml", .data = sb.buf, .len = sb.len},
    };
    rule_set rs;
    diag_list d = DIAG_LIST_INIT;
    memset(&rs, 0, sizeof rs);
    if (rules_load_files(files, 2, &rs, &d) == 0)
        fuzz_compute_months(&rs);
    fuzz_report("rules", &d);
    rules_free(&rs);
    diag_release(&d);
    sb_release(&sb);
    return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_expr_one(data, size); }
#endif
