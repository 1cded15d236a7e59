/* publish: moving a month's (or a settlement's) staged outputs into place —
 * the atomic rename, the published marker OUT/.M.published and its run id,
 * and the leftovers of a process that died.  Not here: writing the outputs
 * (outputs.c), deciding whether to restore (restore.c). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "kasan/fsutil.h"

char *restore_marker_path(const cli_paths *paths, const char *mon, arena *a)
{
    return arena_printf(a, "%s/.%s.published", paths->out, mon);
}

int restore_write_run_id(const char *path, const char *run_id)
{
    char line[256];
    int n = snprintf(line, sizeof line, "%s\n", run_id);
    return fs_write_atomic(path, line, (size_t)n);
}

int restore_mark_published(const char *final_dir, const char *marker)
{
    char inside[4200];
    snprintf(inside, sizeof inside, "%s/%s", final_dir, RUN_ID_FILE);
    if (rename(inside, marker) == 0)
        return 0;
    /* another run of the month saw the publication half done and finished it */
    return errno == ENOENT && fs_exists(marker) ? 0 : -1;
}

int restore_publish(const char *stage, const char *final_dir, const char *marker)
{
    char old[4200];
    snprintf(old, sizeof old, "%s.old-%ld", final_dir, (long)getpid());
    bool had = fs_exists(final_dir);
    if (had && transfer_keep_files(final_dir, stage) != 0) /* bank transfer files stay */
        return -1;
    if (had && rename(final_dir, old) != 0)
        return -1;
    if (rename(stage, final_dir) != 0) {
        if (had)
            rename(old, final_dir);
        return -1;
    }
    if (had) {
        /* the claim forms (kasan forms, SPEC 8.2) are not a run's output:
         * they stay in OUT/M/forms across runs */
        char forms_old[4300], forms_new[4300];
        snprintf(forms_old, sizeof forms_old, "%s/forms", old);
        snprintf(forms_new, sizeof forms_new, "%s/forms", final_dir);
        if (fs_is_dir(forms_old) && !fs_exists(forms_new))
            rename(forms_old, forms_new);
    }
    int rc = marker ? restore_mark_published(final_dir, marker) : 0;
    if (had)
        fs_remove_tree(old);
    return rc;
}

void restore_clean_leftovers(const cli_paths *paths, const char *mon, const char *who)
{
    char staging[64], old[64];
    snprintf(staging, sizeof staging, ".%s.staging-", mon);
    snprintf(old, sizeof old, "%s.old-", mon);
    if (fs_remove_dead_leftovers(paths->out, staging) < 0 ||
        fs_remove_dead_leftovers(paths->out, old) < 0)
        fprintf(stderr, "%s: warning: could not remove every leftover %s/%s* or %s* of a "
                        "process that died: %s\n", who, paths->out, staging, old, strerror(errno));
}
