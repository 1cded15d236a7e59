/* test_rowmerge: the one walk of two nursery × program row lists in key
 * order (kasan/rowmerge.h) — pairs, rows on one side only, byte order of
 * the keys, sorting, and a list out of order stopping the walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kasan/rowmerge.h"

typedef struct paid {
    int64_t yen;
    const char *nursery, *program; /* keys not first: offsets are the list's */
} paid;

typedef struct due {
    const char *program, *nursery;
    int64_t yen;
} due;

static void test_pairs(void **state)
{
    (void)state;
    /* a: P001/A, P001/B, P003/A;  b: P001/B, P002/A, P003/A, P004/B
     * walk: P001/A (a only), P001/B (both), P002/A (b only), P003/A (both),
     * P004/B (b only) */
    paid a[] = {{10, "P001", "A"}, {20, "P001", "B"}, {30, "P003", "A"}};
    due b[] = {{"B", "P001", 21}, {"A", "P002", 5}, {"A", "P003", 30}, {"B", "P004", 7}};
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(a, 3, paid, nursery, program),
                   ROWMERGE_LIST(b, 4, due, nursery, program));
    const void *x, *y;
    const paid *wx[5];
    const due *wy[5];
    int n = 0;
    while (rowmerge_next(&m, &x, &y)) {
        assert_true(n < 5);
        wx[n] = x;
        wy[n++] = y;
    }
    assert_int_equal(n, 5);
    assert_false(m.disorder);
    assert_ptr_equal(wx[0], &a[0]);
    assert_null(wy[0]);
    assert_ptr_equal(wx[1], &a[1]);
    assert_ptr_equal(wy[1], &b[0]);
    assert_null(wx[2]);
    assert_ptr_equal(wy[2], &b[1]);
    assert_ptr_equal(wx[3], &a[2]);
    assert_ptr_equal(wy[3], &b[2]);
    assert_null(wx[4]);
    assert_ptr_equal(wy[4], &b[3]);
}

static void test_empty_sides(void **state)
{
    (void)state;
    paid a[] = {{1, "P1", "A"}};
    rowmerge m;
    const void *x, *y;
    rowmerge_start(&m, ROWMERGE_LIST(a, 0, paid, nursery, program),
                   ROWMERGE_LIST(a, 0, paid, nursery, program));
    assert_false(rowmerge_next(&m, &x, &y));
    rowmerge_start(&m, ROWMERGE_LIST(a, 0, paid, nursery, program),
                   ROWMERGE_LIST(a, 1, paid, nursery, program));
    assert_true(rowmerge_next(&m, &x, &y));
    assert_null(x);
    assert_ptr_equal(y, &a[0]);
    assert_false(rowmerge_next(&m, &x, &y));
    assert_false(m.disorder);
}

/* Byte order, not a locale's or a number's: "P10" < "P2", "Z" < "a", and a
 * UTF-8 id after every ASCII one. */
static void test_byte_order(void **state)
{
    (void)state;
    assert_true(rowmerge_cmp("P10", "A", "P2", "A") < 0);
    assert_true(rowmerge_cmp("P1", "Z", "P1", "a") < 0);
    assert_true(rowmerge_cmp("Pz", "A", "保育", "A") < 0);
    assert_true(rowmerge_cmp("P1", "B", "P1", "B") == 0);
    assert_true(rowmerge_cmp("P1", "B", "P1", "A") > 0);
}

static void test_sort(void **state)
{
    (void)state;
    /* sorted: P1/A(4) P1/B(2) P10/A(3) P2/A(1) — and the two P1/A rows of
     * equal key keep their order (stable): 4 before 5 */
    paid v[] = {{1, "P2", "A"}, {2, "P1", "B"}, {3, "P10", "A"}, {4, "P1", "A"}, {5, "P1", "A"}};
    rowmerge_sort(ROWMERGE_LIST(v, 5, paid, nursery, program));
    int64_t want[] = {4, 5, 2, 3, 1};
    for (int i = 0; i < 5; i++)
        assert_int_equal(v[i].yen, want[i]);
}

/* A list out of order (or with a key twice) stops the walk at that row. */
static void test_disorder(void **state)
{
    (void)state;
    paid a[] = {{1, "P1", "A"}, {2, "P3", "A"}, {3, "P2", "A"}};
    paid b[] = {{1, "P1", "A"}, {2, "P1", "A"}};
    rowmerge m;
    const void *x, *y;
    int n = 0;
    rowmerge_start(&m, ROWMERGE_LIST(a, 3, paid, nursery, program),
                   ROWMERGE_LIST(a, 0, paid, nursery, program));
    while (rowmerge_next(&m, &x, &y))
        n++;
    assert_int_equal(n, 2); /* P1/A, P3/A, then P2/A is out of order */
    assert_true(m.disorder);
    rowmerge_start(&m, ROWMERGE_LIST(a, 1, paid, nursery, program),
                   ROWMERGE_LIST(b, 2, paid, nursery, program));
    assert_true(rowmerge_next(&m, &x, &y)); /* P1/A both */
    assert_false(rowmerge_next(&m, &x, &y)); /* b's P1/A again */
    assert_true(m.disorder);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs),       cmocka_unit_test(test_empty_sides),
        cmocka_unit_test(test_byte_order),  cmocka_unit_test(test_sort),
        cmocka_unit_test(test_disorder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
