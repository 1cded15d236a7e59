/* operators: the operators file (kind: operators, rules/operators/YYYY-MM.yaml,
 * rules/README.md §17) as loaded in a rule_set — who may act on the ward's
 * money, in which roles, under which public key, from when to when.
 *
 * A version is in force from effective_from to effective_to (or the day
 * before the next version), like every rule file, and is archived with each
 * run like every rule file.  An operator is in force on a day when their
 * version is and the day lies in [valid_from, valid_to].  Rotating or
 * revoking a key is a new version: rules_operator_at finds the key in force
 * on an event's date, so an event signed before a rotation verifies under
 * the key it was signed with.  Days are kasan's UTC dates (clock.h).
 *
 * What loading refuses (kasan check, file:line:col): a key used by two
 * operators (in one version or across versions), an unknown or repeated role,
 * an operator with no role or no key, a malformed or weak key (sign.h), two
 * operators whose ids differ at most in ASCII case, valid_to before
 * valid_from, versions that overlap, leave a gap or start on the same day,
 * and a last version that ends (once operators are in force, some version
 * must stay in force: signing never silently stops).
 *
 * Everything is owned by the rule_set's arena. */
#ifndef KASAN_OPERATORS_H
#define KASAN_OPERATORS_H
#include <stdbool.h>
#include <stddef.h>

#include "kasan/date.h"
#include "kasan/duty.h"
#include "kasan/rules.h"
#include "kasan/sign.h"

typedef struct rule_operator {
    const char *id;          /* ASCII (duty_id_valid) */
    const char *name;        /* 氏名, as written (漢字) */
    const char *post;        /* 役職 */
    unsigned roles;          /* duty_role bits, at least one */
    sign_public key;
    char fingerprint[SIGN_FP_LEN + 1];
    date_t valid_from, valid_to; /* valid_to DATE_OPEN when open */
    int line, col;           /* the entry's id, for messages */
    int key_line, key_col;   /* its key */
} rule_operator;

typedef struct rule_operators {
    const char *version, *title, *basis;
    const rule_file *file;
    date_t effective_from, effective_to;
    rule_operator *ops;      /* in file order */
    size_t n_ops;
    int from_line, from_col;
    int to_line, to_col;     /* effective_to's position, 0 when absent */
    bool broken;             /* its file had errors: never in force */
} rule_operators;

/* Loads only operators files (kind: operators) with the checks across their
 * versions, from bytes: the files a ledger holds, for verification.  0, or
 * -1 with every problem in d (a file of another kind is one).  Always
 * rules_free() after. */
int rules_load_operators(const rule_file *files, size_t n, rule_set *rs, diag_list *d);

/* The operators version in force on day, or NULL (before the first: kasan
 * then works unsigned, SPEC 10.1). */
const rule_operators *rules_operators_in_force(const rule_set *rs, date_t day);
/* Operator id (ASCII case ignored) as in force on day — their version in force
 * and day within their validity — with the key in force then; NULL if none. */
const rule_operator *rules_operator_at(const rule_set *rs, const char *id, date_t day);

#endif
