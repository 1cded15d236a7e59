/* replay: feeds every saved fuzz input to the same entry points the
 * libFuzzer targets use, in a normal build: the seed corpus
 * (corpus/TARGET/) and every input that once crashed (regressions/TARGET/).
 * Usage: fuzz_replay DIR (the tests/fuzz source directory).  Exits 1 if a
 * directory is missing; a bug itself shows as a crash or a sanitizer report
 * (scripts/test also runs this under ASan + UBSan). */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kasan/fsutil.h"

typedef int (*fuzz_fn)(const uint8_t *, size_t);

static const struct {
    const char *name;
    fuzz_fn fn;
} targets[] = {
    {"csv", fuzz_csv_one},
    {"rules", fuzz_rules_one},
    {"expr", fuzz_expr_one},
    {"ledger", fuzz_ledger_one},
    {"xlsx", fuzz_xlsx_one},
};

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs fn on each file of dir in sorted order; returns the count or -1. */
static long replay_dir(const char *dir, fuzz_fn fn, bool must_exist)
{
    DIR *d = opendir(dir);
    if (!d) {
        if (must_exist)
            fprintf(stderr, "fuzz_replay: cannot open %s\n", dir);
        return must_exist ? -1 : 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_name);
    long done = 0;
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(plen), *data;
        size_t len;
        snprintf(path, plen, "%s/%s", dir, names[i]);
        if (fs_read_file(path, &data, &len) == 0) {
            fn((const uint8_t *)data, len);
            free(data);
            done++;
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return done;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz_replay TESTS_FUZZ_DIR\n");
        return 1;
    }
    int rc = 0;
    for (size_t t = 0; t < sizeof targets / sizeof *targets; t++) {
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/corpus/%s", argv[1], targets[t].name);
        long seeds = replay_dir(dir, targets[t].fn, true);
        snprintf(dir, sizeof dir, "%s/regressions/%s", argv[1], targets[t].name);
        long regs = replay_dir(dir, targets[t].fn, false);
        if (seeds < 0)
            rc = 1;
        printf("%-7s %ld seeds, %ld regressions: ok\n", targets[t].name, seeds < 0 ? 0 : seeds,
               regs);
    }
    return rc;
}
