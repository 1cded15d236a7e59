/* rowmerge: the one walk of two nursery × program row lists in key order
 * (see rowmerge.h).  O(n + m) once sorted; rowmerge_sort is a merge sort of
 * row indices, stable, on the caller's key offsets.  Not here: what a pair
 * of rows means. */
#include "kasan/rowmerge.h"

#include <stdlib.h>
#include <string.h>

static const char *key_at(const rowmerge_list *l, size_t i, size_t at)
{
    const char *row = (const char *)l->rows + i * l->size;
    const char *s;
    memcpy(&s, row + at, sizeof s);
    return s;
}

int rowmerge_cmp(const char *nursery_a, const char *program_a, const char *nursery_b,
                 const char *program_b)
{
    int c = strcmp(nursery_a, nursery_b);
    return c ? c : strcmp(program_a, program_b);
}

static int cmp_rows(const rowmerge_list *l, size_t x, size_t y)
{
    return rowmerge_cmp(key_at(l, x, l->nursery_at), key_at(l, x, l->program_at),
                        key_at(l, y, l->nursery_at), key_at(l, y, l->program_at));
}

/* Bottom-up merge sort of the indices idx[0..n) by key, through tmp. */
static void sort_indices(const rowmerge_list *l, size_t *idx, size_t *tmp, size_t n)
{
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                tmp[k++] = cmp_rows(l, idx[j], idx[i]) < 0 ? idx[j++] : idx[i++];
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

void rowmerge_sort(rowmerge_list l)
{
    if (l.n < 2)
        return;
    size_t *idx = malloc(2 * l.n * sizeof *idx);
    char *rows = malloc(l.n * l.size);
    if (!idx || !rows)
        abort(); /* as every allocation failure of kasan (arena, strbuf) */
    for (size_t i = 0; i < l.n; i++)
        idx[i] = i;
    sort_indices(&l, idx, idx + l.n, l.n);
    for (size_t i = 0; i < l.n; i++)
        memcpy(rows + i * l.size, (const char *)l.rows + idx[i] * l.size, l.size);
    memcpy((void *)l.rows, rows, l.n * l.size);
    free(rows);
    free(idx);
}

void rowmerge_start(rowmerge *m, rowmerge_list a, rowmerge_list b)
{
    *m = (rowmerge){a, b, 0, 0, false};
}

/* Row i of l is not after row i - 1: the list is not strictly ascending. */
static bool out_of_order(const rowmerge_list *l, size_t i)
{
    return i > 0 && i < l->n && cmp_rows(l, i - 1, i) >= 0;
}

bool rowmerge_next(rowmerge *m, const void **x, const void **y)
{
    *x = *y = NULL;
    if (m->disorder || out_of_order(&m->a, m->i) || out_of_order(&m->b, m->j)) {
        m->disorder = true;
        return false;
    }
    bool more_a = m->i < m->a.n, more_b = m->j < m->b.n;
    if (!more_a && !more_b)
        return false;
    int c = !more_a ? 1
            : !more_b ? -1
                      : rowmerge_cmp(key_at(&m->a, m->i, m->a.nursery_at),
                                     key_at(&m->a, m->i, m->a.program_at),
                                     key_at(&m->b, m->j, m->b.nursery_at),
                                     key_at(&m->b, m->j, m->b.program_at));
    if (c <= 0)
        *x = (const char *)m->a.rows + m->i++ * m->a.size;
    if (c >= 0)
        *y = (const char *)m->b.rows + m->j++ * m->b.size;
    return true;
}
