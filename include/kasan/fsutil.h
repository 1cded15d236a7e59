/* fsutil: reading whole files and writing them atomically.  Every output
 * file of kasan is written to a temporary name in the same directory, flushed,
 * and renamed into place, so a failure leaves the previous file or nothing,
 * never a partial one.  Functions return 0 on success or -1 with errno set. */
#ifndef KASAN_FSUTIL_H
#define KASAN_FSUTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "kasan/arena.h"

/* Reads a whole file into malloc'd memory (NUL-terminated; free() it). */
int fs_read_file(const char *path, char **data, size_t *len);
/* The same into the arena, with no intermediate copy (NUL-terminated). */
int fs_read_file_arena(const char *path, arena *a, char **data, size_t *len);
int fs_mkdirs(const char *path);                  /* mkdir -p */
bool fs_is_dir(const char *path);
bool fs_exists(const char *path);
int fs_write_atomic(const char *path, const void *data, size_t len);

/* An output being written: fopen'd at a temporary name; fs_commit renames it
 * into place, fs_abort removes it.  tmp_path is also usable by libraries that
 * want a file name (libxlsxwriter). */
typedef struct fs_out {
    char *path, *tmp_path;
    FILE *f;
} fs_out;
int fs_out_open(fs_out *o, const char *path, bool want_file);
int fs_out_commit(fs_out *o);
void fs_out_abort(fs_out *o);

/* Removes a directory tree (used to clear a draft's stale statements). */
int fs_remove_tree(const char *path);

#endif
