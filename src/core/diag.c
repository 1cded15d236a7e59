/* diag: collects and prints `file:line:col: error: message` problems. */
#include "kasan/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { DIAG_DEFAULT_LIMIT = 200 };

static char *diag_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p)
        abort();
    return memcpy(p, s, n);
}

void diag_error(diag_list *d, const char *file, int line, int col, const char *fmt, ...)
{
    size_t limit = d->limit ? d->limit : DIAG_DEFAULT_LIMIT;
    if (d->n >= limit) {
        d->dropped++;
        return;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->v = realloc(d->v, d->cap * sizeof *d->v);
        if (!d->v)
            abort();
    }
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag *e = &d->v[d->n++];
    e->file = diag_strdup(file ? file : "<input>");
    e->line = line;
    e->col = col;
    e->msg = diag_strdup(buf);
}

size_t diag_count(const diag_list *d) { return d->n + d->dropped; }

void diag_print(const diag_list *d, FILE *out)
{
    for (size_t i = 0; i < d->n; i++) {
        const diag *e = &d->v[i];
        if (e->line > 0 && e->col > 0)
            fprintf(out, "%s:%d:%d: error: %s\n", e->file, e->line, e->col, e->msg);
        else if (e->line > 0)
            fprintf(out, "%s:%d: error: %s\n", e->file, e->line, e->msg);
        else
            fprintf(out, "%s: error: %s\n", e->file, e->msg);
    }
    if (d->dropped)
        fprintf(out, "kasan: %zu further errors not shown\n", d->dropped);
}

void diag_release(diag_list *d)
{
    for (size_t i = 0; i < d->n; i++) {
        free(d->v[i].file);
        free(d->v[i].msg);
    }
    free(d->v);
    d->v = NULL;
    d->n = d->cap = d->dropped = 0;
}
