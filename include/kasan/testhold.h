/* testhold: a pause at a named point of a procedure, for tests of races
 * that must interleave two processes exactly (issue 21: a month corrected
 * while a settlement is between reading its months and recording them).
 * KASAN_TEST_HOLD=POINT:SECONDS makes test_hold(POINT) sleep that long;
 * unset (always, outside the tests) it does nothing.  It only waits: it
 * changes no result, so a run under it computes what it would without. */
#ifndef KASAN_TESTHOLD_H
#define KASAN_TESTHOLD_H

void test_hold(const char *point);

#endif
