/* diag: the one place problems are reported.  Every message reads
 * `file:line:col: error: message` (col 0 is left out), the form editors and CI
 * understand.  A diag_list collects problems so `kasan check` and the intake can
 * report all of a file's errors, not just the first.  Copies its strings. */
#ifndef KASAN_DIAG_H
#define KASAN_DIAG_H
#include <stdio.h>
#include <stddef.h>

typedef struct diag {
    char *file;
    int line, col;
    char *msg;
} diag;

typedef struct diag_list {
    diag *v;
    size_t n, cap;
    size_t limit;    /* 0 = default (200); further errors are counted, not kept */
    size_t dropped;
} diag_list;

#define DIAG_LIST_INIT {0, 0, 0, 0, 0}

void diag_error(diag_list *d, const char *file, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
size_t diag_count(const diag_list *d);  /* kept + dropped */
void diag_print(const diag_list *d, FILE *out);
void diag_release(diag_list *d);

#endif
