/* testhold: include/kasan/testhold.h. */
#include "kasan/testhold.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void test_hold(const char *point)
{
    const char *v = getenv("KASAN_TEST_HOLD");
    size_t n = strlen(point);
    if (!v || strncmp(v, point, n) || v[n] != ':')
        return;
    long s = strtol(v + n + 1, NULL, 10);
    if (s > 0 && s <= 60) /* a test's pause, never a hang */
        sleep((unsigned)s);
}
