/* rowmerge: two lists of nursery × program rows walked together in key
 * order — nursery_id, then program, both in byte order (strcmp; SQLite's
 * ORDER BY on the ledger's text columns is the same order).  The one pairing
 * of rows by that key: corrections (engine/correct.c), a replay against what
 * was paid and the settlement's checks (src/flow), the diff of two rule sets
 * and the transfer plan all walk their two sides with it, each side once.
 *
 * Each list is borrowed for the walk, sorted by the key with every key once
 * (rowmerge_sort sorts one).  A row out of that order stops the walk and
 * sets `disorder`: a caller that sorted its rows asserts it never happens,
 * one that reads rows it did not write (a ledger payload) refuses them.
 * Not here: what a pair means (the callers). */
#ifndef KASAN_ROWMERGE_H
#define KASAN_ROWMERGE_H
#include <stdbool.h>
#include <stddef.h>

/* rows[0..n), each `size` bytes, with the two keys (const char *) at
 * nursery_at and program_at. */
typedef struct rowmerge_list {
    const void *rows;
    size_t n, size;
    size_t nursery_at, program_at;
} rowmerge_list;

/* ROWMERGE_LIST(v, n, ledger_payment, nursery_id, program) */
#define ROWMERGE_LIST(rows, n, type, nursery_field, program_field)                      \
    ((rowmerge_list){(rows), (n), sizeof(type), offsetof(type, nursery_field),          \
                     offsetof(type, program_field)})

typedef struct rowmerge {
    rowmerge_list a, b;
    size_t i, j;   /* the next row of each list */
    bool disorder; /* a list was not strictly ascending: the walk stopped there */
} rowmerge;

/* Byte order of (nursery, program): <0, 0, >0 as strcmp. */
int rowmerge_cmp(const char *nursery_a, const char *program_a, const char *nursery_b,
                 const char *program_b);
/* Sorts a list in place by its key (stable for equal keys). */
void rowmerge_sort(rowmerge_list l);
void rowmerge_start(rowmerge *m, rowmerge_list a, rowmerge_list b);
/* The next key present in either list: *x is its row of a (NULL when a has
 * none), *y its row of b.  False when both lists are done, or at a row out
 * of order (m->disorder set; nothing after it is paired). */
bool rowmerge_next(rowmerge *m, const void **x, const void **y);

#endif
