/* versions: how the versions of one program (and of the terms, the payer,
 * the operators file, the issuer, the bank calendar) follow each other, and
 * which one is in force.  A version without effective_to ends the day before
 * the next one starts; an explicit end that overlaps the next version, or
 * leaves days uncovered before it, is an error.  Run before formulas compile. */
#include <stdlib.h>
#include <string.h>

#include "kasan/operators.h"
#include "rules_int.h"

static int cmp_program(const void *a, const void *b)
{
    const program *x = a, *y = b;
    int c = strcmp(x->id ? x->id : "", y->id ? y->id : "");
    return c ? c : (x->effective_from > y->effective_from) - (x->effective_from < y->effective_from);
}

static int cmp_terms(const void *a, const void *b)
{
    const rule_terms *x = a, *y = b;
    return (x->effective_from > y->effective_from) - (x->effective_from < y->effective_from);
}

/* Checks that `next` follows `prev` without overlap or gap; fills an open end. */
static void follow(diag_list *d, const char *what, const char *id, date_t *prev_to, date_t prev_from,
                   const char *prev_path, date_t next_from, const char *path, int line, int col)
{
    char a[11], b[11];
    if (*prev_to == DATE_OPEN)
        *prev_to = next_from - 1;
    if (prev_from == next_from) {
        date_format_iso(next_from, a);
        diag_error(d, path, line, col, "two versions of %s '%s' both start on %s (the other is %s)",
                   what, id, a, prev_path);
    } else if (*prev_to >= next_from) {
        date_format_iso(*prev_to, a);
        date_format_iso(next_from, b);
        diag_error(d, path, line, col,
                   "versions of %s '%s' overlap: %s runs to %s but this version starts on %s",
                   what, id, prev_path, a, b);
    } else if (*prev_to + 1 < next_from) {
        date_format_iso(*prev_to + 1, a);
        date_format_iso(next_from - 1, b);
        diag_error(d, path, line, col, "no version of %s '%s' covers %s to %s (gap before this "
                   "version)", what, id, a, b);
    }
}

static void check_programs(rule_set *rs, diag_list *d)
{
    if (rs->n_programs > 1) /* programs is NULL when there are none */
        qsort(rs->programs, rs->n_programs, sizeof *rs->programs, cmp_program);
    size_t ids = 0;
    const char *last_id = NULL;
    for (size_t i = 0; i < rs->n_programs; i++) {
        const program *p = &rs->programs[i];
        if (p->broken)
            continue;
        bool new_id = !last_id || strcmp(last_id, p->id);
        last_id = p->id;
        if (new_id && ++ids == RULES_MAX_PROGRAMS + 1)
            diag_error(d, p->file->path, 1, 1, "more than %d programs: '%s' cannot be computed",
                       RULES_MAX_PROGRAMS, p->id);
        for (size_t k = 0; k < i; k++)
            if (!rs->programs[k].broken && !strcmp(rs->programs[k].id, p->id) &&
                !strcmp(rs->programs[k].version, p->version))
                diag_error(d, p->file->path, p->from_line, p->from_col,
                           "program '%s' has version '%s' twice (also %s)", p->id, p->version,
                           rs->programs[k].file->path);
    }
    for (size_t i = 1; i < rs->n_programs; i++) {
        program *prev = &rs->programs[i - 1], *p = &rs->programs[i];
        if (prev->broken || p->broken || strcmp(prev->id, p->id))
            continue;
        follow(d, "program", p->id, &prev->effective_to, prev->effective_from, prev->file->path,
               p->effective_from, p->file->path, p->from_line, p->from_col);
    }
}

/* Care types are append-only across terms versions, so a care set's bits
 * mean the same thing under every version. */
static void check_vocabulary(const rule_terms *prev, const rule_terms *t, diag_list *d)
{
    for (size_t i = 0; i < prev->n_care; i++)
        if (i >= t->n_care || strcmp(prev->care_codes[i], t->care_codes[i])) {
            diag_error(d, t->file->path, t->from_line, t->from_col,
                       "care_types must keep the codes of %s in the same order and add new ones "
                       "at the end ('%s' is missing or moved)", prev->file->path,
                       prev->care_codes[i]);
            return;
        }
}

static void check_terms(rule_set *rs, diag_list *d)
{
    if (rs->n_terms > 1)
        qsort(rs->terms, rs->n_terms, sizeof *rs->terms, cmp_terms);
    for (size_t i = 1; i < rs->n_terms; i++) {
        rule_terms *prev = &rs->terms[i - 1], *t = &rs->terms[i];
        if (prev->broken || t->broken)
            continue;
        follow(d, "terms", "terms", &prev->effective_to, prev->effective_from, prev->file->path,
               t->effective_from, t->file->path, t->from_line, t->from_col);
        check_vocabulary(prev, t, d);
    }
}

static int cmp_payer(const void *a, const void *b)
{
    const rule_payer *x = a, *y = b;
    return (x->effective_from > y->effective_from) - (x->effective_from < y->effective_from);
}

/* Payer accounts follow each other like terms versions (none at all is fine:
 * only a transfer needs one, and it says so). */
static void check_payers(rule_set *rs, diag_list *d)
{
    if (rs->n_payers > 1)
        qsort(rs->payers, rs->n_payers, sizeof *rs->payers, cmp_payer);
    for (size_t i = 1; i < rs->n_payers; i++) {
        rule_payer *prev = &rs->payers[i - 1], *p = &rs->payers[i];
        if (prev->broken || p->broken)
            continue;
        follow(d, "payer", "payer", &prev->effective_to, prev->effective_from, prev->file->path,
               p->effective_from, p->file->path, p->from_line, p->from_col);
    }
}

static int cmp_issuer(const void *a, const void *b)
{
    const rule_issuer *x = a, *y = b;
    return (x->effective_from > y->effective_from) - (x->effective_from < y->effective_from);
}

static int cmp_calendar(const void *a, const void *b)
{
    const rule_calendar *x = a, *y = b;
    return (x->effective_from > y->effective_from) - (x->effective_from < y->effective_from);
}

/* Issuers and calendars follow each other like payers (none at all is
 * fine: documents then name only the section; a transfer date then cannot
 * be checked, and the transfer says so). */
static void check_issuers_calendars(rule_set *rs, diag_list *d)
{
    if (rs->n_issuers > 1)
        qsort(rs->issuers, rs->n_issuers, sizeof *rs->issuers, cmp_issuer);
    for (size_t i = 1; i < rs->n_issuers; i++) {
        rule_issuer *prev = &rs->issuers[i - 1], *p = &rs->issuers[i];
        if (!prev->broken && !p->broken)
            follow(d, "issuer", "issuer", &prev->effective_to, prev->effective_from,
                   prev->file->path, p->effective_from, p->file->path, p->from_line, p->from_col);
    }
    if (rs->n_calendars > 1)
        qsort(rs->calendars, rs->n_calendars, sizeof *rs->calendars, cmp_calendar);
    for (size_t i = 1; i < rs->n_calendars; i++) {
        rule_calendar *prev = &rs->calendars[i - 1], *c = &rs->calendars[i];
        if (!prev->broken && !c->broken)
            follow(d, "calendar", "calendar", &prev->effective_to, prev->effective_from,
                   prev->file->path, c->effective_from, c->file->path, c->from_line, c->from_col);
    }
}

static void check_budgets(rule_set *rs, diag_list *d)
{
    for (size_t i = 0; i < rs->n_budgets; i++)
        for (size_t j = 0; j < i; j++)
            if (rs->budgets[i].fiscal_year == rs->budgets[j].fiscal_year)
                diag_error(d, rs->budgets[i].file->path, 1, 1,
                           "fiscal year %d has two budget lines (also %s)",
                           rs->budgets[i].fiscal_year, rs->budgets[j].file->path);
}

static int cmp_operators(const void *a, const void *b)
{
    const rule_operators *x = a, *y = b;
    return (x->effective_from > y->effective_from) - (x->effective_from < y->effective_from);
}

typedef struct op_at {
    const rule_operators *v;
    const rule_operator *op;
    size_t order; /* version index, then entry */
} op_at;

static int cmp_op_key(const void *a, const void *b)
{
    const op_at *x = a, *y = b;
    int c = memcmp(x->op->key.b, y->op->key.b, SIGN_PUBLIC_BYTES);
    return c ? c : (x->order > y->order) - (x->order < y->order);
}

/* Operators versions follow each other like payer versions; the last may
 * not end (signing never silently stops); and one key is one operator's in
 * every version (a rotation gives the same id a new key, never another id
 * an old one).  Keys repeated inside one file are load_operators.c's. */
void rules_check_operators(rule_set *rs, diag_list *d)
{
    if (rs->n_operators > 1)
        qsort(rs->operators, rs->n_operators, sizeof *rs->operators, cmp_operators);
    size_t total = 0;
    for (size_t i = 0; i < rs->n_operators; i++) {
        rule_operators *v = &rs->operators[i], *prev = i ? &rs->operators[i - 1] : NULL;
        if (v->broken)
            continue;
        total += v->n_ops;
        if (prev && !prev->broken)
            follow(d, "kind", "operators", &prev->effective_to, prev->effective_from,
                   prev->file->path, v->effective_from, v->file->path, v->from_line, v->from_col);
    }
    const rule_operators *last = rs->n_operators ? &rs->operators[rs->n_operators - 1] : NULL;
    if (last && !last->broken && last->effective_to != DATE_OPEN)
        diag_error(d, last->file->path, last->to_line, last->to_col,
                   "the last operators version may not end (effective_to): once operators are "
                   "in force, money events are signed; a new version replaces this one");
    op_at *all = malloc((total + 1) * sizeof *all);
    if (!all)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < rs->n_operators; i++)
        for (size_t j = 0; !rs->operators[i].broken && j < rs->operators[i].n_ops; j++) {
            all[n] = (op_at){&rs->operators[i], &rs->operators[i].ops[j], n};
            n++;
        }
    qsort(all, n, sizeof *all, cmp_op_key);
    for (size_t k = 1; k < n; k++) {
        const op_at *a = &all[k - 1], *b = &all[k];
        if (memcmp(a->op->key.b, b->op->key.b, SIGN_PUBLIC_BYTES) || a->v == b->v ||
            duty_id_same(a->op->id, b->op->id))
            continue;
        diag_error(d, b->v->file->path, b->op->key_line, b->op->key_col,
                   "the key of operator '%s' is operator '%s''s in %s: each operator has a key "
                   "of their own, in every version", b->op->id, a->op->id, a->v->file->path);
    }
    free(all);
}

void rules_check_versions(rule_set *rs, diag_list *d)
{
    if (rs->n_terms == 0)
        diag_error(d, rs->n_files ? rs->files[0].path : "rules", 0, 0,
                   "no terms file (kind: terms): care types and eligibility are undefined");
    check_programs(rs, d);
    check_terms(rs, d);
    check_budgets(rs, d);
    check_payers(rs, d);
    rules_check_operators(rs, d);
    check_issuers_calendars(rs, d);
}

/* ---- selection: the version in force --------------------------------- */

static bool covers(date_t from, date_t to, date_t day) { return day >= from && day <= to; }

const program *rules_program_in_force(const rule_set *rs, const char *id, claim_month m)
{
    date_t day = month_first_day(m);
    for (size_t i = 0; i < rs->n_programs; i++) {
        const program *p = &rs->programs[i];
        if (!strcmp(p->id, id) && covers(p->effective_from, p->effective_to, day))
            return p;
    }
    return NULL;
}

const rule_terms *rules_terms_in_force(const rule_set *rs, claim_month m)
{
    date_t day = month_first_day(m);
    for (size_t i = 0; i < rs->n_terms; i++)
        if (covers(rs->terms[i].effective_from, rs->terms[i].effective_to, day))
            return &rs->terms[i];
    return NULL;
}

const budget_line *rules_budget_for_fy(const rule_set *rs, int fiscal_year)
{
    for (size_t i = 0; i < rs->n_budgets; i++)
        if (rs->budgets[i].fiscal_year == fiscal_year)
            return &rs->budgets[i];
    return NULL;
}

date_t rules_accounts_close(const rule_set *rs, int fiscal_year)
{
    const budget_line *b = rules_budget_for_fy(rs, fiscal_year);
    return b ? b->accounts_close : date_from_ymd(fiscal_year + 1, 5, 31); /* load's default */
}

const rule_payer *rules_payer_in_force(const rule_set *rs, date_t day)
{
    for (size_t i = 0; i < rs->n_payers; i++)
        if (!rs->payers[i].broken &&
            covers(rs->payers[i].effective_from, rs->payers[i].effective_to, day))
            return &rs->payers[i];
    return NULL;
}

const rule_operators *rules_operators_in_force(const rule_set *rs, date_t day)
{
    for (size_t i = 0; i < rs->n_operators; i++)
        if (!rs->operators[i].broken &&
            covers(rs->operators[i].effective_from, rs->operators[i].effective_to, day))
            return &rs->operators[i];
    return NULL;
}

const rule_operator *rules_operator_at(const rule_set *rs, const char *id, date_t day)
{
    const rule_operators *v = rules_operators_in_force(rs, day);
    for (size_t i = 0; v && i < v->n_ops; i++)
        if (duty_id_same(v->ops[i].id, id) && covers(v->ops[i].valid_from, v->ops[i].valid_to, day))
            return &v->ops[i];
    return NULL;
}

const rule_issuer *rules_issuer_in_force(const rule_set *rs, date_t day)
{
    for (size_t i = 0; i < rs->n_issuers; i++)
        if (!rs->issuers[i].broken &&
            covers(rs->issuers[i].effective_from, rs->issuers[i].effective_to, day))
            return &rs->issuers[i];
    return NULL;
}

const rule_calendar *rules_calendar_in_force(const rule_set *rs, date_t day)
{
    for (size_t i = 0; i < rs->n_calendars; i++)
        if (!rs->calendars[i].broken &&
            covers(rs->calendars[i].effective_from, rs->calendars[i].effective_to, day))
            return &rs->calendars[i];
    return NULL;
}

size_t rules_program_ids(const rule_set *rs, const char **ids, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < rs->n_programs; i++) {
        const char *id = rs->programs[i].id;
        bool seen = false;
        for (size_t j = 0; j < n; j++)
            seen |= !strcmp(ids[j], id);
        if (seen || n == max)
            continue;
        size_t k = n++;
        while (k > 0 && strcmp(ids[k - 1], id) > 0) {
            ids[k] = ids[k - 1];
            k--;
        }
        ids[k] = id;
    }
    return n;
}
