/* transfer_files: a month's bank transfer files across its republication —
 * kept from the previous OUT/M, or written back from the bytes the ledger
 * kept.  Not here: making a transfer file (transfer.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "kasan/fsutil.h"
#include "kasan/ledger.h"
#include "kasan/ledger_transfer.h"

int transfer_keep_files(const char *from_dir, const char *to_dir)
{
    DIR *dir = opendir(from_dir);
    if (!dir)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1; /* nothing to keep */
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir)) != NULL) {
        size_t n = strlen(e->d_name);
        if (strncmp(e->d_name, "transfer-", 9) || n < 13 || strcmp(e->d_name + n - 4, ".txt"))
            continue;
        char from[4400], to[4400];
        snprintf(from, sizeof from, "%s/%s", from_dir, e->d_name);
        snprintf(to, sizeof to, "%s/%s", to_dir, e->d_name);
        struct stat st;
        if (lstat(from, &st) != 0 || !S_ISREG(st.st_mode) || fs_exists(to))
            continue;
        if (link(from, to) != 0) { /* a file system without hard links: copy */
            char *data;
            size_t len;
            rc = fs_read_file(from, &data, &len);
            if (rc == 0) {
                rc = fs_write_atomic(to, data, len);
                free(data);
            }
        }
    }
    int saved = errno;
    closedir(dir);
    errno = saved;
    return rc;
}

int transfer_restore_files(ledger *lg, const char *month, const char *dir, const char *who)
{
    arena a = ARENA_INIT;
    ledger_transfer *t;
    size_t n;
    int rc = EXIT_OK;
    if (ledger_transfers(lg, &a, &t, &n) != LEDGER_OK) {
        fprintf(stderr, "%s: %s\n", who, ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
        n = 0;
    }
    for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
        if (!t[i].month || strcmp(t[i].month, month) || !t[i].file || !t[i].sha256)
            continue;
        const char *base = strrchr(t[i].file, '/');
        char *data;
        size_t len;
        int st = ledger_blob_get(lg, t[i].sha256, &data, &len);
        if (st != LEDGER_OK) {
            fprintf(stderr, "%s: transfer file %s (event %lld): %s\n", who, t[i].file,
                    (long long)t[i].event_seq, ledger_errmsg(lg));
            rc = st == LEDGER_CORRUPT ? EXIT_DIFFERENT : EXIT_INTERNAL;
            break;
        }
        char *path = arena_printf(&a, "%s/%s", dir, base ? base + 1 : t[i].file);
        if (fs_write_atomic(path, data, len) != 0) {
            fprintf(stderr, "%s: cannot write %s: %s\n", who, path, fs_strerror(errno));
            rc = EXIT_INTERNAL;
        }
        free(data);
    }
    arena_release(&a);
    return rc;
}
