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
/* Not zeroed: for arrays and strings the caller fills at once (zeroing what
 * is overwritten next was a tenth of a national month's time). */
void *arena_alloc_raw(arena *a, size_t size);
void *arena_calloc(arena *a, size_t n, size_t size); /* checks n*size overflow */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_release(arena *a);
/* Asks malloc to keep freed memory for reuse rather than return it to the
 * system, so a process computing month after month (run --fy, benchmarks)
 * reuses one month's pages for the next instead of faulting fresh zeroed
 * pages in each time.  Peak memory is unchanged.  glibc only; else a no-op. */
void arena_keep_freed_memory(void);

#endif
