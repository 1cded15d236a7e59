/* fsutil: whole-file reads, mkdir -p, temporary-name-then-rename writes, and
 * the leftovers (NAME-PID) of processes that died.  Not here: what a month's
 * outputs are or which of them the ledger vouches for (src/flow/restore.c,
 * publish.c). */
#define _GNU_SOURCE /* syncfs(2) */
#include "kasan/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens path for reading an input: O_NONBLOCK so that a FIFO cannot hang the
 * open, then refuses anything that is not a regular file (a FIFO, a device
 * such as /dev/zero, a directory) and anything over FS_MAX_INPUT_BYTES.  The
 * size fstat tells is returned in *size. */
static int open_input(const char *path, size_t *size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    int e = 0;
    if (fstat(fd, &st) != 0)
        e = errno;
    else if (!S_ISREG(st.st_mode))
        e = S_ISDIR(st.st_mode) ? EISDIR : FS_ENOTREG;
    else if ((uint64_t)st.st_size > FS_MAX_INPUT_BYTES)
        e = EFBIG;
    if (e) {
        close(fd);
        errno = e;
        return -1;
    }
    *size = (size_t)st.st_size;
    return fd;
}

/* Reads exactly size bytes of fd into buf and checks that nothing follows
 * (a file that changed while it was read is an error, not a torn read). */
static int read_exact(int fd, char *buf, size_t size)
{
    size_t n = 0;
    while (n < size) {
        ssize_t got = read(fd, buf + n, size - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        n += (size_t)got;
    }
    char extra;
    if (n != size || read(fd, &extra, 1) != 0) {
        errno = FS_ECHANGED;
        return -1;
    }
    return 0;
}

int fs_read_file(const char *path, char **data, size_t *len)
{
    size_t size;
    int fd = open_input(path, &size);
    if (fd < 0)
        return -1;
    char *buf = malloc(size + 1);
    int rc = buf ? read_exact(fd, buf, size) : -1;
    int saved = buf ? errno : ENOMEM;
    close(fd);
    if (rc != 0) {
        free(buf);
        errno = saved;
        return -1;
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    return 0;
}

int fs_read_file_arena(const char *path, arena *a, char **data, size_t *len)
{
    size_t size;
    int fd = open_input(path, &size);
    if (fd < 0)
        return -1;
    char *buf = arena_alloc_raw(a, size + 1);
    int rc = read_exact(fd, buf, size), saved = errno;
    close(fd);
    if (rc != 0) {
        errno = saved;
        return -1;
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    return 0;
}

const char *fs_strerror(int err)
{
    switch (err) {
    case FS_ENOTREG: return "not a regular file (a FIFO, socket or device)";
    case FS_ECHANGED: return "the file changed while it was read";
    case EFBIG: return "larger than the input limit of 256 MiB";
    default: return strerror(err);
    }
}

bool fs_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int fs_mkdirs(const char *path)
{
    char *p = strdup(path);
    if (!p)
        return -1;
    /* from the second byte (a leading '/' is the root), but never past the
       end of an empty path: --out '' once read one byte beyond it */
    for (char *s = *p ? p + 1 : p; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            free(p);
            return -1;
        }
        *s = '/';
    }
    int rc = mkdir(p, 0777) != 0 && errno != EEXIST ? -1 : 0;
    free(p);
    return rc;
}

static char *tmp_name(const char *path)
{
    size_t n = strlen(path) + 32;
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%s.tmp-%ld", path, (long)getpid());
    return t;
}

int fs_out_open(fs_out *o, const char *path, bool want_file)
{
    memset(o, 0, sizeof *o);
    o->path = strdup(path);
    o->tmp_path = tmp_name(path);
    if (!o->path || !o->tmp_path) {
        fs_out_abort(o);
        errno = ENOMEM;
        return -1;
    }
    if (want_file) {
        o->f = fopen(o->tmp_path, "wb");
        if (!o->f) {
            int e = errno;
            fs_out_abort(o);
            errno = e;
            return -1;
        }
    }
    return 0;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    close(fd);
    return rc;
}

static bool defer_sync;

void fs_defer_sync(bool on)
{
    defer_sync = on;
}

int fs_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = syncfs(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

int fs_out_commit(fs_out *o)
{
    int rc = 0;
    if (o->f) {
        if (fflush(o->f) != 0 || ferror(o->f))
            rc = -1;
        if (fclose(o->f) != 0)
            rc = -1;
        o->f = NULL;
    }
    if (rc == 0 && !defer_sync && fsync_path(o->tmp_path) != 0)
        rc = -1;
    if (rc == 0 && rename(o->tmp_path, o->path) != 0)
        rc = -1;
    int e = errno;
    if (rc != 0)
        unlink(o->tmp_path);
    free(o->path);
    free(o->tmp_path);
    o->path = o->tmp_path = NULL;
    errno = e;
    return rc;
}

void fs_out_abort(fs_out *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp_path)
        unlink(o->tmp_path);
    free(o->path);
    free(o->tmp_path);
    memset(o, 0, sizeof *o);
}

int fs_write_atomic(const char *path, const void *data, size_t len)
{
    fs_out o;
    if (fs_out_open(&o, path, true) != 0)
        return -1;
    if (len && fwrite(data, 1, len, o.f) != len) {
        int e = errno;
        fs_out_abort(&o);
        errno = e;
        return -1;
    }
    return fs_out_commit(&o);
}

int fs_remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d && errno == ENOTDIR)
        return unlink(path); /* a file where a directory was: it goes as well */
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            rc = -1;
            break;
        }
        snprintf(p, n, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
            rc |= fs_remove_tree(p);
        else if (unlink(p) != 0)
            rc = -1;
        free(p);
    }
    closedir(d);
    if (rmdir(path) != 0)
        rc = -1;
    return rc;
}

bool fs_pid_alive(long pid)
{
    if (pid <= 0 || pid != (long)(pid_t)pid)
        return false;
    /* EPERM: it exists but is another user's; only ESRCH says it is gone */
    return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

/* The PID of name if it is prefix followed by digits only, else 0. */
static long leftover_pid(const char *name, const char *prefix)
{
    size_t k = strlen(prefix);
    if (strncmp(name, prefix, k) || !name[k] || strlen(name + k) > 9)
        return 0;
    long pid = 0;
    for (const char *p = name + k; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        pid = pid * 10 + (*p - '0');
    }
    return pid;
}

int fs_each_leftover(const char *dir, const char *prefix, fs_leftover_fn fn, void *ctx)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d))) {
        long pid = leftover_pid(e->d_name, prefix);
        if (!pid)
            continue;
        size_t n = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(n);
        if (!p) {
            rc = -1;
            break;
        }
        snprintf(p, n, "%s/%s", dir, e->d_name);
        if (!fn(p, pid, fs_pid_alive(pid), ctx))
            rc = 1;
        free(p);
    }
    closedir(d);
    return rc < 0 ? -1 : 0;
}

typedef struct removal {
    int removed, failed;
} removal;

static bool remove_if_dead(const char *path, long pid, bool alive, void *ctx)
{
    (void)pid;
    removal *r = ctx;
    if (alive)
        return true;
    struct stat st;
    int rc = lstat(path, &st) == 0 && S_ISDIR(st.st_mode) ? fs_remove_tree(path) : unlink(path);
    if (rc == 0)
        r->removed++;
    else
        r->failed++;
    return true;
}

int fs_remove_dead_leftovers(const char *dir, const char *prefix)
{
    removal r = {0, 0};
    if (fs_each_leftover(dir, prefix, remove_if_dead, &r) != 0 || r.failed)
        return -1;
    return r.removed;
}
