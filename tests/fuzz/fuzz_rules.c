/* fuzz_rules: bytes → rule files → rules_load_files, beside a fixed valid
 * terms file so that programs compile; a rule set that loads is then
 * evaluated on the fixed month.  The input may hold up to four files
 * separated by a line "---8<---" (so version checks across files run).
 * The same files also go through rules_load_operators, the path on which
 * audit verify reads the operators files a ledger holds (anything may be
 * stored there), and the operators in force are asked for on the days
 * around every version and validity boundary (issue 23). */
#include <string.h>

#include "fuzz.h"
#include "kasan/operators.h"

/* Who is in force on day d: the version and each listed id (and one in
 * another case, as ids compare without regard to it). */
static void ask_day(const rule_set *rs, date_t d)
{
    const rule_operators *v = rules_operators_in_force(rs, d);
    if (!v)
        return;
    for (size_t i = 0; i < v->n_ops; i++) {
        const rule_operator *op = rules_operator_at(rs, v->ops[i].id, d);
        if (op) {
            char line[SIGN_LINE_LEN + 1];
            sign_public_line(&op->key, line);
        }
        char up[DUTY_ID_MAX + 2];
        size_t n = strlen(v->ops[i].id);
        if (n <= DUTY_ID_MAX) {
            for (size_t k = 0; k <= n; k++)
                up[k] = v->ops[i].id[k] >= 'a' && v->ops[i].id[k] <= 'z'
                            ? (char)(v->ops[i].id[k] - 32) : v->ops[i].id[k];
            (void)rules_operator_at(rs, up, d);
        }
    }
    (void)rules_operator_at(rs, "nobody", d);
}

/* The days on and either side of from and to (DATE_OPEN and days before
 * 1970 left out, no arithmetic on them). */
static size_t around(date_t from, date_t to, date_t out[4])
{
    size_t n = 0;
    date_t ends[2] = {from, to};
    for (int k = 0; k < 2; k++) {
        date_t d = ends[k];
        if (d <= 0 || d == DATE_OPEN)
            continue;
        out[n++] = k == 0 ? d - 1 : d + (d < DATE_OPEN - 1);
        out[n++] = d;
    }
    return n;
}

static void ask_operators(const rule_set *rs)
{
    for (size_t k = 0; k < rs->n_operators; k++) {
        const rule_operators *v = &rs->operators[k];
        date_t days[4];
        size_t nd = around(v->effective_from, v->effective_to, days);
        for (size_t i = 0; i < nd; i++)
            ask_day(rs, days[i]);
        for (size_t i = 0; i < v->n_ops && i < 16; i++) {
            const rule_operator *op = &v->ops[i];
            nd = around(op->valid_from, op->valid_to, days);
            for (size_t j = 0; j < nd; j++)
                (void)rules_operator_at(rs, op->id, days[j]);
        }
    }
}

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
    if (rules_load_files(files, n, &rs, &d) == 0) {
        fuzz_compute_months(&rs);
        ask_operators(&rs);
    }
    fuzz_report("rules", &d);
    rules_free(&rs);
    diag_release(&d);
    /* the ledger's path: the input's files as operators files alone */
    rule_set ops;
    diag_list d2 = DIAG_LIST_INIT;
    memset(&ops, 0, sizeof ops);
    if (rules_load_operators(files + 1, n - 1, &ops, &d2) == 0)
        ask_operators(&ops);
    fuzz_report("operators", &d2);
    rules_free(&ops);
    diag_release(&d2);
    return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fuzz_rules_one(data, size); }
#endif
