/* download: files under OUT/ served by their path relative to it — the
 * statements, workbooks, CSVs, notices and transfer files kasan wrote.  A
 * path is accepted only in the shape kasan writes (1 to 3 components of
 * [A-Za-z0-9_.-], none starting with '.', a known extension), checked on
 * the bytes as sent: the server does not %-decode paths, so "%2e%2e",
 * "%2f", double encodings, "\\", NUL and absolute paths are refused by the
 * syntax alone.  Then every directory is opened below OUT with O_NOFOLLOW
 * and the file must be a regular file with one link: a symlink or a hard
 * link leading out of OUT is not followed.  Not here: who may download
 * (app.c asks for a session, pages.c for the roles of web_download_roles),
 * the access log (pages.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "web_int.h"

enum { MAX_DEPTH = 3, COMPONENT_MAX = 128, PATH_MAX_BYTES = 255 };

static const struct {
    const char *ext, *type;
} types[] = {
    {".csv", "text/csv; charset=utf-8"},
    {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    {".txt", "application/octet-stream"}, /* Zengin transfer files: bytes for the bank */
    {".pdf", "application/pdf"},
    {".jsonl", "application/x-ndjson"},
};

static const char *type_of(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        size_t e = strlen(types[i].ext);
        if (n > e && !strcmp(name + n - e, types[i].ext))
            return types[i].type;
    }
    return NULL;
}

static bool component_ok(const char *s, size_t n)
{
    if (n == 0 || n > COMPONENT_MAX || s[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* rel as 1..MAX_DEPTH good components ("" allowed when empty_ok: OUT). */
static bool components_ok(const char *rel, bool empty_ok)
{
    if (!rel)
        return false;
    size_t len = strnlen(rel, PATH_MAX_BYTES + 1);
    if (len == 0)
        return empty_ok;
    if (len > PATH_MAX_BYTES)
        return false;
    int depth = 0;
    for (const char *p = rel;;) {
        size_t n = strcspn(p, "/");
        if (!component_ok(p, n) || ++depth > MAX_DEPTH)
            return false;
        if (!p[n])
            return true;
        p += n + 1; /* a trailing '/' leaves an empty component: refused */
    }
}

bool web_download_path_ok(const char *rel)
{
    if (!components_ok(rel, false))
        return false;
    const char *base = strrchr(rel, '/');
    return type_of(base ? base + 1 : rel) != NULL;
}

unsigned web_download_roles(const char *rel)
{
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    return !strncmp(base, "transfer-", 9) ? WEB_ROLE_PAY : 0;
}

/* Opens the directory rel (its components checked) below out_dir without
 * following symlinks; -1 with errno. */
static int open_dir_below(const char *out_dir, const char *rel, size_t rel_len)
{
    int dfd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const char *p = rel, *end = rel + rel_len;
    while (dfd >= 0 && p < end) {
        size_t n = strcspn(p, "/");
        if (p + n > end)
            n = (size_t)(end - p);
        char comp[COMPONENT_MAX + 1];
        memcpy(comp, p, n);
        comp[n] = '\0';
        int next = openat(dfd, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int e = errno;
        close(dfd);
        errno = e;
        dfd = next;
        p += n + 1;
    }
    return dfd;
}

web_dl web_download_open(const char *out_dir, const char *rel, web_download *dl)
{
    memset(dl, 0, sizeof *dl);
    dl->fd = -1;
    if (!web_download_path_ok(rel))
        return WEB_DL_BAD_PATH;
    const char *slash = strrchr(rel, '/');
    const char *name = slash ? slash + 1 : rel;
    int dfd = open_dir_below(out_dir, rel, slash ? (size_t)(slash - rel) : 0);
    if (dfd < 0)
        return errno == ENOENT || errno == ELOOP || errno == ENOTDIR ? WEB_DL_NOT_FOUND
                                                                    : WEB_DL_IO;
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    int e = errno;
    close(dfd);
    if (fd < 0)
        return e == ENOENT || e == ELOOP || e == ENOTDIR || e == ENXIO ? WEB_DL_NOT_FOUND
                                                                        : WEB_DL_IO;
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        close(fd);
        return WEB_DL_NOT_FOUND;
    }
    dl->fd = fd;
    dl->size = (uint64_t)st.st_size;
    dl->content_type = type_of(name);
    snprintf(dl->disposition, sizeof dl->disposition, "attachment; filename=\"%s\"", name);
    return WEB_DL_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int web_download_list(const char *out_dir, const char *dir, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    if (!components_ok(dir, true)) {
        errno = ENOENT;
        return -1;
    }
    int dfd = open_dir_below(out_dir, dir, strlen(dir));
    if (dfd < 0)
        return -1;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    size_t cap = 0;
    char **v = NULL;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (!component_ok(e->d_name, strlen(e->d_name)))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
            continue;
        bool is_dir = S_ISDIR(st.st_mode);
        if (!is_dir && !(S_ISREG(st.st_mode) && type_of(e->d_name)))
            continue;
        if (*n == cap) {
            cap = cap ? 2 * cap : 64;
            char **nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                rc = -1;
                break;
            }
            v = nv;
        }
        size_t len = strlen(e->d_name);
        if (!(v[*n] = malloc(len + 2))) {
            rc = -1;
            break;
        }
        memcpy(v[*n], e->d_name, len);
        v[*n][len] = is_dir ? '/' : '\0';
        v[*n][len + 1] = '\0';
        (*n)++;
    }
    closedir(d);
    if (rc) {
        web_download_list_free(v, *n);
        *n = 0;
        errno = ENOMEM;
        return -1;
    }
    if (*n)
        qsort(v, *n, sizeof *v, by_name);
    *names = v;
    return 0;
}

void web_download_list_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}
