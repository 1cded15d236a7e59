/* fsutil: reading whole files and writing them atomically.  Every output
 * file of kasan is written to a temporary name in the same directory, flushed,
 * and renamed into place, so a failure leaves the previous file or nothing,
 * never a partial one.  Functions return 0 on success or -1 with errno set. */
#ifndef KASAN_FSUTIL_H
#define KASAN_FSUTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kasan/arena.h"

/* Inputs are read whole, and only from regular files of at most this size: a
 * FIFO, a device (/dev/zero) or a directory is refused without blocking or
 * reading (errno FS_ENOTREG or EISDIR), a larger file with EFBIG. */
#define FS_MAX_INPUT_BYTES ((uint64_t)256 << 20)
enum { FS_ENOTREG = 10001, FS_ECHANGED = 10002 }; /* errno values of our own */
/* strerror() that also knows FS_ENOTREG, FS_ECHANGED and the input limit. */
const char *fs_strerror(int err);

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
/* Many files into one staging directory (a month's CSVs, workbooks, its
 * 30,000 statements and its run id): while deferred, fs_out_commit renames
 * without an fsync per file, and the writer calls fs_sync_dir once at the
 * end, before anything vouches for the directory (a ledger commit, the
 * publication rename): one syncfs(2) instead of an fsync(2) per file
 * (issue 16).  Process-wide; worker processes inherit it. */
void fs_defer_sync(bool on);
/* Makes everything written on dir's file system durable; 0 or -1 (errno). */
int fs_sync_dir(const char *dir);

/* Removes a directory tree (used to clear a draft's stale statements). */
int fs_remove_tree(const char *path);

/* Leftovers: work files and directories named PREFIX + PID (a run's
 * ".2025-05.staging-4242", "2025-05.old-4242").  A process killed before it
 * cleaned up leaves them behind; only those of dead processes may go. */
bool fs_pid_alive(long pid); /* kill(pid, 0): false only for ESRCH */
/* Calls fn(path, pid, alive, ctx) for each entry of dir named prefix+PID,
 * until fn returns false.  0, or -1 if dir cannot be listed (absent is 0). */
typedef bool (*fs_leftover_fn)(const char *path, long pid, bool alive, void *ctx);
int fs_each_leftover(const char *dir, const char *prefix, fs_leftover_fn fn, void *ctx);
/* Removes the leftovers of dead processes; returns how many, or -1. */
int fs_remove_dead_leftovers(const char *dir, const char *prefix);

#endif
