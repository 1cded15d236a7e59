/* load_operators: one operators file (kind: operators, rules/README.md §17)
 * into the rule set: its version and dates, and each operator's id, name,
 * post, roles, public key and validity, every problem reported at its
 * file:line:col.  Checks within the file here; across versions (overlaps,
 * gaps, a key given to two operators in different versions) and the version
 * in force in versions.c.  Not here: keys and signatures (src/core/sign.c),
 * what each role may do (src/core/duty.c). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kasan/operators.h"
#include "rules_int.h"

enum { TEXT_MAX = 120 }; /* bytes of a name or a post */

/* A name or post: one line of at most TEXT_MAX bytes, no control character. */
static const char *get_line(loader *l, const ynode *map, const char *key, const char *id)
{
    const char *s = get_text(l, map, key);
    if (!s)
        return NULL;
    const ynode *n = ymap_get(map, key);
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
            lerr(l, n, "the %s of operator '%s' must be one line without control characters",
                 key, id);
            return NULL;
        }
    if (len > TEXT_MAX) {
        lerr(l, n, "the %s of operator '%s' is %zu bytes; at most %d", key, id, len, TEXT_MAX);
        return NULL;
    }
    return s;
}

static unsigned load_roles(loader *l, const ynode *n, const char *id)
{
    if (n->kind == Y_MAP) {
        lerr(l, n, "roles of operator '%s' are a list such as [draft] or [approve, audit]", id);
        return 0;
    }
    const ynode *one[1] = {n};
    const ynode *const *items = n->kind == Y_SEQ ? (const ynode *const *)n->items : one;
    size_t count = n->kind == Y_SEQ ? n->n : 1;
    unsigned roles = 0;
    bool bad = false;
    for (size_t i = 0; i < count; i++) {
        const ynode *r = items[i];
        duty_role role;
        if (r->kind != Y_SCALAR || !duty_role_parse(r->s, &role)) {
            lerr(l, r, "unknown role '%s' of operator '%s' (draft, approve, pay or audit)",
                 r->kind == Y_SCALAR ? r->s : "?", id);
            bad = true;
        } else if (roles & role) {
            lerr(l, r, "role '%s' appears twice for operator '%s'", r->s, id);
            bad = true;
        } else {
            roles |= role;
        }
    }
    if (!roles && !bad)
        lerr(l, n, "operator '%s' has no role (draft, approve, pay or audit)", id);
    return roles;
}

/* One entry of operators: (errors counted in l). */
static void load_operator(loader *l, const ynode *e, rule_operator *op)
{
    static const char *const keys[] = {"id", "name", "post", "roles", "key", "valid_from",
                                       "valid_to", "note", NULL};
    static const char *const req[] = {"id", "name", "post", "roles", "valid_from", NULL};
    *op = (rule_operator){.line = e->line, .col = e->col, .valid_to = DATE_OPEN};
    const ynode *idn = ymap_get(e, "id");
    const char *id = get_text(l, e, "id");
    if (id && !duty_id_valid(id)) {
        lerr(l, idn, "operator id '%s' must be 1–%d ASCII letters, digits, '_', '-' or '.', "
                     "beginning with a letter or digit", id, DUTY_ID_MAX);
        id = NULL;
    }
    if (idn) {
        op->line = idn->line;
        op->col = idn->col;
    }
    op->id = id;
    /* messages name the operator as written, even by an id refused above */
    const char *who = idn && idn->kind == Y_SCALAR ? idn->s : "?";
    char what[80];
    snprintf(what, sizeof what, "operator '%s'", who);
    check_keys(l, e, keys, req, what);
    op->name = get_line(l, e, "name", who);
    op->post = get_line(l, e, "post", who);
    if (ymap_get(e, "roles"))
        op->roles = load_roles(l, ymap_get(e, "roles"), who);
    const ynode *kn = ymap_get(e, "key");
    char why[SIGN_WHY_MAX];
    if (!kn) {
        lerr(l, idn ? idn : e, "operator '%s' has no key: give the line kasan operator keygen "
                               "printed (key: ed25519:...)", who);
    } else if (kn->kind != Y_SCALAR) {
        lerr(l, kn, "the key of operator '%s' must be one line ed25519:BASE64", who);
    } else if (!sign_public_parse(kn->s, &op->key, why, sizeof why)) {
        lerr(l, kn, "key of operator '%s': %s", who, why);
    } else {
        op->key_line = kn->line;
        op->key_col = kn->col;
        sign_fingerprint(&op->key, op->fingerprint);
    }
    op->valid_from = get_date(l, e, "valid_from", 0);
    op->valid_to = get_date(l, e, "valid_to", DATE_OPEN);
    if (op->valid_to < op->valid_from)
        lerr(l, ymap_get(e, "valid_to"), "valid_to of operator '%s' is before its valid_from",
             who);
}

typedef struct seen {
    const rule_operator *op;
    size_t i;
} seen;

static int cmp_id(const void *a, const void *b)
{
    const seen *x = a, *y = b;
    int c = strcasecmp(x->op->id, y->op->id);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

static int cmp_key(const void *a, const void *b)
{
    const seen *x = a, *y = b;
    int c = memcmp(x->op->key.b, y->op->key.b, SIGN_PUBLIC_BYTES);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Two operators of one file with the same id (ASCII case ignored) or the
 * same key: the later one is the error.  Sorted, not compared pairwise: a
 * file may list thousands. */
static void check_unique(loader *l, const rule_operators *v)
{
    seen *s = malloc((v->n_ops + 1) * sizeof *s);
    if (!s)
        abort();
    size_t n = 0;
    for (size_t i = 0; i < v->n_ops; i++)
        if (v->ops[i].id)
            s[n++] = (seen){&v->ops[i], i};
    qsort(s, n, sizeof *s, cmp_id);
    for (size_t j = 1; j < n; j++) {
        const rule_operator *a = s[j - 1].op, *b = s[j].op;
        if (strcasecmp(a->id, b->id))
            continue;
        if (!strcmp(a->id, b->id))
            diag_error(l->d, l->f->path, b->line, b->col,
                       "operator id '%s' appears twice in this file (also line %d)", b->id,
                       a->line);
        else
            diag_error(l->d, l->f->path, b->line, b->col,
                       "operator id '%s' differs from '%s' (line %d) only in case: one operator, "
                       "one id", b->id, a->id, a->line);
        l->errors++;
    }
    n = 0;
    for (size_t i = 0; i < v->n_ops; i++)
        if (v->ops[i].key_line)
            s[n++] = (seen){&v->ops[i], i};
    qsort(s, n, sizeof *s, cmp_key);
    for (size_t j = 1; j < n; j++) {
        const rule_operator *a = s[j - 1].op, *b = s[j].op;
        if (memcmp(a->key.b, b->key.b, SIGN_PUBLIC_BYTES))
            continue;
        diag_error(l->d, l->f->path, b->key_line, b->key_col,
                   "the key of operator '%s' is also the key of operator '%s' (line %d): each "
                   "operator has a key of their own", b->id ? b->id : "?", a->id ? a->id : "?",
                   a->key_line);
        l->errors++;
    }
    free(s);
}

void load_operators(loader *l, const ynode *root)
{
    static const char *const keys[] = {"kind", "version", "title", "effective_from",
                                       "effective_to", "basis", "operators", "note", NULL};
    static const char *const req[] = {"version", "title", "effective_from", "basis", "operators",
                                      NULL};
    size_t before = diag_count(l->d);
    check_keys(l, root, keys, req, "an operators file");
    rule_set *rs = l->rs;
    rule_operators *all = grow(rs, rs->operators, rs->n_operators, sizeof *all);
    rs->operators = all;
    rule_operators *v = &all[rs->n_operators++];
    v->file = l->f;
    load_names(l, root, &v->version, &v->title, &v->basis);
    load_dates(l, root, &v->effective_from, &v->effective_to, &v->from_line, &v->from_col, true);
    const ynode *list = ymap_get(root, "operators");
    if (list && (list->kind != Y_SEQ || list->n == 0)) {
        lerr(l, list, "operators must be a list of operators (- id: ..., name: ..., post: ..., "
                      "roles: [...], key: ed25519:..., valid_from: ...)");
    } else if (list) {
        v->ops = arena_calloc(&rs->a, list->n, sizeof *v->ops);
        for (size_t i = 0; i < list->n; i++) {
            const ynode *e = list->items[i];
            if (e->kind != Y_MAP)
                lerr(l, e, "each operator is a mapping (id, name, post, roles, key, valid_from)");
            else
                load_operator(l, e, &v->ops[v->n_ops++]);
        }
        check_unique(l, v);
    }
    const ynode *to = ymap_get(root, "effective_to");
    if (to) {
        v->to_line = to->line;
        v->to_col = to->col;
    }
    v->broken = diag_count(l->d) != before;
}
