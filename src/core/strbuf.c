/* strbuf: growable byte buffer; see include/kasan/strbuf.h. */
#include "kasan/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char sb_empty[1];

void sb_init(strbuf *sb)
{
    sb->buf = sb_empty;
    sb->len = sb->cap = 0;
}

void sb_release(strbuf *sb)
{
    if (sb->cap)
        free(sb->buf);
    sb_init(sb);
}

void sb_reset(strbuf *sb)
{
    sb->len = 0;
    if (sb->cap)
        sb->buf[0] = '\0';
}

void sb_grow(strbuf *sb, size_t extra)
{
    if (sb->cap && sb->len + extra < sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap <= sb->len + extra) {
        if (cap > ((size_t)-1) / 2) {
            fputs("kasan: out of memory\n", stderr);
            abort();
        }
        cap *= 2;
    }
    char *p = realloc(sb->cap ? sb->buf : NULL, cap);
    if (!p) {
        fputs("kasan: out of memory\n", stderr);
        abort();
    }
    if (!sb->cap)
        p[0] = '\0';
    sb->buf = p;
    sb->cap = cap;
}

void sb_add(strbuf *sb, const void *data, size_t n)
{
    sb_grow(sb, n);
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void sb_adds(strbuf *sb, const char *s) { sb_add(sb, s, strlen(s)); }

void sb_addc(strbuf *sb, char c) { sb_add(sb, &c, 1); }

void sb_addf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char probe[1];
    int n = vsnprintf(probe, sizeof probe, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    sb_grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

char *sb_detach(strbuf *sb, size_t *len)
{
    if (!sb->cap)
        sb_grow(sb, 0);
    char *p = sb->buf;
    if (len)
        *len = sb->len;
    sb->buf = sb_empty;
    sb->len = sb->cap = 0;
    return p;
}
