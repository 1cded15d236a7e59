/* rules_int: what the files of src/rules share: a small YAML tree with
 * positions (yaml.c), and the loaders' helpers. */
#ifndef KASAN_RULES_INT_H
#define KASAN_RULES_INT_H
#include "kasan/rules.h"

typedef enum ykind { Y_SCALAR, Y_SEQ, Y_MAP } ykind;

typedef struct ynode ynode;
struct ynode {
    ykind kind;
    const char *s;      /* Y_SCALAR text */
    size_t len;
    bool plain;         /* unquoted scalar */
    bool block;         /* literal/folded block scalar (| or >) */
    int line, col;      /* 1-based start */
    size_t start, end;  /* byte offsets of the node in the file */
    ynode **items;      /* Y_SEQ: items; Y_MAP: key, value, key, value ... */
    size_t n;           /* number of items (Y_MAP: pairs × 2) */
};

enum { YAML_MAX_DEPTH = 64, YAML_MAX_NODES = 100000 };

/* Parses one YAML document; NULL after reporting (aliases and anchors are
 * refused: rule files have no use for them and they invite alias bombs). */
ynode *yaml_tree(const char *file, const char *data, size_t len, arena *a, diag_list *d);
const ynode *ymap_get(const ynode *map, const char *key);

/* ---- what the loaders of one kind each (load.c, load_*.c) share -------- */

typedef struct loader {
    rule_set *rs;
    const rule_file *f;
    diag_list *d;
    size_t errors;
} loader;

/* A problem at node n (its file:line:col), counted in l->errors. */
void lerr(loader *l, const ynode *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Every key of map one of allowed (NULL-terminated), each of required there. */
void check_keys(loader *l, const ynode *map, const char *const *allowed,
                const char *const *required, const char *what);
/* A single value (NULL after reporting otherwise, or when n is NULL). */
const char *scalar(loader *l, const ynode *n, const char *key);
/* map's key as a non-empty single value, or NULL (reported if not absent). */
const char *get_text(loader *l, const ynode *map, const char *key);
/* map's key as a real YYYY-MM-DD date; absent when missing or bad. */
date_t get_date(loader *l, const ynode *map, const char *key, date_t absent);
/* version, title and basis: what every rule file says of itself. */
void load_names(loader *l, const ynode *root, const char **version, const char **title,
                const char **basis);
/* effective_from / effective_to (open when absent) and effective_from's
 * position (line/col may be NULL); ordered: effective_to not before it. */
void load_dates(loader *l, const ynode *root, date_t *from, date_t *to, int *line, int *col,
                bool ordered);
/* rs's array of n elements of size, one longer (the new last zeroed). */
void *grow(rule_set *rs, const void *old, size_t n, size_t size);

/* One loader per kind besides load.c's (program, terms, budget, payer). */
void load_operators(loader *l, const ynode *root);
/* Operators versions against each other (versions.c). */
void rules_check_operators(rule_set *rs, diag_list *d);
void load_issuer(loader *l, const ynode *root);
void load_calendar(loader *l, const ynode *root);

/* Loads one file's top-level mapping into the rule set (rules_load_dir). */
int rules_load_one(rule_set *rs, const rule_file *f, const ynode *root, diag_list *d);
/* Whole-set checks after every file loaded: versions, gaps, overlaps. */
void rules_check_versions(rule_set *rs, diag_list *d);
/* A literal of a declared type (params, table rows; load.c).  Care types
 * are parsed at compile time, when the vocabulary is known. */
bool rules_parse_literal(rule_set *rs, const rule_file *f, diag_list *d, const ynode *n, vtype t,
                         value *out);
/* Compiles the formulas of every program (after terms are known). */
void rules_compile_all(rule_set *rs, diag_list *d);

#endif
