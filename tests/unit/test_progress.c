/* test_progress: the progress line's text (src/cli/progress.c) and that it
 * draws nothing when stderr is not a terminal (the e2e test progress.sh
 * covers the terminal itself). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../../src/cli/progress.h"

static void test_format_groups_thousands(void **state)
{
    (void)state;
    char buf[80];
    /* 12000 → "12,000"; 30000 → "30,000" */
    assert_int_equal(progress_format(buf, sizeof buf, "statements", 12000, 30000), 24);
    assert_string_equal(buf, "statements 12,000/30,000");
    progress_format(buf, sizeof buf, "months", 3, 12);
    assert_string_equal(buf, "months 3/12");
    /* 999 has no comma, 1000 one, 1234567 two */
    progress_format(buf, sizeof buf, "x", 999, 1234567);
    assert_string_equal(buf, "x 999/1,234,567");
    progress_format(buf, sizeof buf, "x", 1000, 100000);
    assert_string_equal(buf, "x 1,000/100,000");
    progress_format(buf, sizeof buf, "x", 0, 0);
    assert_string_equal(buf, "x 0/0");
}

/* stderr to a file: not on, and ticks write nothing */
static void test_off_without_a_terminal(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    fflush(stderr);
    int saved = dup(2);
    dup2(fileno(f), 2);
    progress p;
    progress_start(&p, false, "statements", 10);
    bool on = p.on;
    for (size_t i = 0; i <= 10; i++)
        progress_tick(&p, i);
    progress_end(&p);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    assert_false(on);
    assert_int_equal(ftell(f), 0);
    fclose(f);
    progress_start(&p, true, "months", 12); /* --quiet */
    assert_false(p.on);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_groups_thousands),
        cmocka_unit_test(test_off_without_a_terminal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
