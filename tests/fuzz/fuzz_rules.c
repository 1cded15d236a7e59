/* fuzz_rules: bytes → rule files → rules_load_files, beside a fixed valid
 * terms file so that programs compile; a rule set that loads is then
 * evaluated on the fixed month.  The input may hold up to four files
 * separated by a line "---8<---" (so version checks across files run). */
#include <string.h>

#include "fuzz.h"

#define SEP "\n---8<---\n"
enum { MAX_FILES = 4 };

/* The first separator in [s, end), or NULL (memmem is a GNU extension). */
static const char *find_sep(const char *s, const char *end)
{
    size_t k = strlen(SEP);
    for (; (size_t)(end - s) >= k; s++)
        if (*s == '\n' && !memcmp(s, SEP, k))
            return s;
    return NULL;
}

int fuzz_rules_one(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data, *end = s + size;
    rule_file files[MAX_FILES + 1];
    static const char *const names[MAX_FILES] = {"a.yaml", "b.yaml", "c.yaml", "d.yaml"};
    size_t n = 0;
    memset(files, 0, sizeof files);
    files[n++] = (rule_file){.path = "terms.yaml", .data = fuzz_terms_yaml,
                             .len = strlen(fuzz_terms_yaml)};
    while (n <= MAX_FILES) {
        const char *sep = n < MAX_FILES ? find_sep(s, end) : NULL;
        const char *stop = sep ? sep : end;
        files[n] = (rule_file){.path = names[n - 1], .data = s, .len = (size_t)(stop - s)};
        n++;
        if (!sep)
            break;
        s = sep + strlen(SEP);
    }
    rule_set rs;
    diag_list d = DIAG_LIST_INIT;
    memset(&rs, 0, sizeof rs);
    if (rules_load_files(files, n, &rs, &d) == 0)
        fuzz_compute_months(&rs);
    fuzz_report("rules", &d);
    rules_free(&rs);
    diag_release(&d);
    return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_rules_one(data, size); }
#endif
