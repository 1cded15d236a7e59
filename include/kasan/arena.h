/* arena: bump allocation for everything that lives as long as a loaded rule
 * set or a run.  Memory is released all at once with arena_release(); there is
 * no per-object free.  Allocation failure aborts (a run cannot proceed without
 * memory, and callers stay free of OOM branches on the hot path). */
#ifndef KASAN_ARENA_H
#define KASAN_ARENA_H
#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t total; /* bytes handed out, for limits and reporting */
} arena;

#define ARENA_INIT {0, 0}

void *arena_alloc(arena *a, size_t size);          /* zeroed, 16-byte aligned */
void *arena_calloc(arena *a, size_t n, size_t size); /* checks n*size overflow */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_release(arena *a);

#endif
