/* strbuf: a growable NUL-terminated byte buffer (after git's strbuf).
 * Pair every sb_init() with sb_release(); sb_detach() hands the bytes to the
 * caller (free() them).  Allocation failure aborts. */
#ifndef KASAN_STRBUF_H
#define KASAN_STRBUF_H
#include <stddef.h>

typedef struct strbuf {
    char *buf; /* always NUL-terminated, never NULL after sb_init */
    size_t len, cap;
} strbuf;

void sb_init(strbuf *sb);
void sb_release(strbuf *sb);
void sb_reset(strbuf *sb);
void sb_grow(strbuf *sb, size_t extra);
void sb_add(strbuf *sb, const void *data, size_t n);
void sb_adds(strbuf *sb, const char *s);
void sb_addc(strbuf *sb, char c);
void sb_addf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_detach(strbuf *sb, size_t *len);

#endif
