/* publish: moving a staged directory into place whole — a month's outputs,
 * a settlement's, the claim forms of a month, the claim files intake makes —
 * with one staging-name scheme and one sweep of what dead processes left.
 * Not here: writing what is staged (outputs.c, settle.c, forms.c,
 * intake.c), deciding whether to restore (restore.c).
 *
 * NOTES ON THE DESIGN: the crash protocol of a finalized month
 *
 * A finalization writes the month's outputs, records the run in the ledger
 * and moves the outputs into place.  A process may die between any two
 * steps, and two processes may work on one month at once; the files below
 * and the ledger must then still tell which run OUT/M holds, and the next
 * command must be able to finish the job.  Names, for month M, process PID:
 *
 *   OUT/.M.staging-PID    the outputs being written (flow_stage_dir)
 *   OUT/M                 the published outputs
 *   OUT/M.old-PID         the previous outputs, during the swap
 *   OUT/M/.run-id         the run id, written last into the staging directory
 *   OUT/.M.published      the marker: the run whose outputs OUT/M holds
 *
 * The transitions, in order, and the function that makes each:
 *
 *   T1 stage    flow_outputs_write (outputs.c): every file to a temporary
 *               name and renamed into OUT/.M.staging-PID, .run-id last,
 *               then one syncfs of the directory (fs_sync_dir).
 *   T2 commit   ledger_finalize (month.c, finalize): one SQLite transaction,
 *               synchronous=FULL.  A refusal commits only its "refuse" event.
 *   T3 swap     flow_publish_dir: the transfer files of OUT/M hard-linked
 *               into the staging directory, OUT/M renamed to OUT/M.old-PID,
 *               the staging directory renamed to OUT/M, OUT/M.old-PID/forms
 *               moved back into OUT/M.
 *   T4 mark     flow_mark_published: OUT/M/.run-id renamed to
 *               OUT/.M.published; then OUT/M.old-PID is removed.
 *
 * Invariants:
 *
 *   1. OUT/M is always a whole directory: one rename puts it in place, and
 *      what is renamed was complete and durable before (T1 ends with the
 *      sync).  Nothing else writes into OUT/M but a transfer file, forms/
 *      and diff.xlsx, each with its own atomic rename.
 *   2. A staging directory that holds .run-id is complete and durable: the
 *      run id is written last, before the sync, and names its run.
 *   3. The ledger commits a run (T2) only after its staged outputs are
 *      durable (T1), so the bytes of every finalized run exist on disk from
 *      the moment it is paid: in the staging directory, then in OUT/M.
 *   4. OUT/.M.published names the run OUT/M holds, or an earlier one while
 *      T3..T4 are under way; it never names a run whose outputs are not in
 *      OUT/M.  A month whose marker (or OUT/M/.run-id) is not the ledger's
 *      current run is behind the ledger.
 *   5. A draft never replaces a finalized month: refused when the ledger
 *      has a run (month.c, before T1) and looked for again just before T3.
 *   6. A leftover (.M.staging-PID, M.old-PID, or a temporary file's
 *      NAME.tmp-PID) belongs to PID; only those of dead processes are
 *      removed (flow_sweep), so a live publication is never disturbed.
 *   7. Every command that reads or writes month M's outputs (run, replay,
 *      transfer, restore) first brings OUT/M level with the ledger
 *      (restore.c, flow_restore_month_in); so the ledger is ahead of OUT/M
 *      only between T2 and T4 of a live process, or until the next command.
 *
 * What restore does after a crash (restore.c), by the state left behind:
 *
 *   S1 died before T2: the ledger has no new run.  OUT/M is the previous
 *      outputs (invariant 1); the staging directory is swept (flow_sweep).
 *   S2 died between T2 and T3, or within T3 before the second rename (OUT/M
 *      is missing, OUT/M.old-PID holds the previous outputs): the dead
 *      process's staging directory holds .run-id = the ledger's run; it is
 *      published as it is (T3, T4): the very bytes that were finalized.
 *   S3 died between T3 and T4: OUT/M/.run-id is the ledger's run; only the
 *      marker is moved (T4) — "its publication was interrupted and is now
 *      complete".
 *   S4 outputs lost (OUT/M deleted, or no staging copy): rebuilt from the
 *      ledger's archived rules and inputs (archive.c) into a new staging
 *      directory with the recorded run id, time, issue date, budget view as
 *      of the run's event, corrections and transfer files, then T3, T4.
 *   S5 a live process's staging directory holds the run: left to it.
 *   OUT/M older than the markers (no marker, no .run-id) is trusted unless
 *   `kasan restore` is asked for the month.
 *
 * The other kinds use the same scheme without the marker: a settlement
 * (OUT/.settlement-FY.staging-PID → OUT/settlement-FY; after a crash
 * between its ledger commit and T3, `kasan restore --settlement FY`
 * rebuilds it), the claim forms (OUT/M/.forms.staging-PID → OUT/M/forms),
 * and intake's claim files (DATA/claims/.M.staging-PID → DATA/claims/M,
 * keeping the month's other files; after a crash, flow_claims_recover below).
 * A transfer file is one file: written
 * to its temporary name, recorded in the ledger, then renamed (transfer.c);
 * a crash after the record leaves the event without its file, which
 * `kasan audit verify` reports and `kasan restore --month` writes back.
 *
 * T5 sign: once an approval (決裁) or a transfer file is recorded, the
 * month's payments.xlsx is written anew with the approval block as the
 * ledger then stands, into the staging directory, synced, and renamed over
 * OUT/M/payments.xlsx while OUT/.M.published still names the run
 * (flow_publish_file): one rename, so OUT/M stays whole (invariant 1) and
 * a newer run's outputs are never given an older run's workbook.  The
 * statements sent to the nurseries are not touched.  A crash before the
 * rename leaves the previous block; the ledger is the record, and a
 * rebuild (S4) writes the block from it. */
#include "flow_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kasan/fsutil.h"

char *flow_stage_dir(const char *parent, const char *name, long pid, arena *a)
{
    return arena_printf(a, "%s/.%s.staging-%ld", parent, name, pid);
}

char *flow_marker_path(const flow_paths *paths, const char *mon, arena *a)
{
    return arena_printf(a, "%s/.%s.published", paths->out, mon);
}

bool flow_month_has_outputs(const flow_paths *paths, const char *mon, arena *a)
{
    return fs_exists(flow_marker_path(paths, mon, a)) ||
           fs_exists(arena_printf(a, "%s/%s/payments.csv", paths->out, mon));
}

int flow_write_run_id(const char *path, const char *run_id)
{
    char line[256];
    int n = snprintf(line, sizeof line, "%s\n", run_id);
    return fs_write_atomic(path, line, (size_t)n);
}

char *flow_read_run_id(const char *path)
{
    char *data;
    size_t len;
    if (fs_read_file(path, &data, &len) != 0)
        return NULL;
    while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        data[--len] = '\0';
    return data;
}

int flow_mark_published(const char *final_dir, const char *marker)
{
    char inside[4200];
    snprintf(inside, sizeof inside, "%s/%s", final_dir, FLOW_RUN_ID_FILE);
    if (rename(inside, marker) == 0)
        return 0;
    /* another run of the month saw the publication half done and finished it */
    return errno == ENOENT && fs_exists(marker) ? 0 : -1;
}

/* Which entries of the previous directory the new one keeps. */
static bool kept(unsigned keep, const char *name)
{
    size_t n = strlen(name);
    if (keep & FLOW_KEEP_SENT) /* statements/: every document sent before */
        return name[0] != '.';
    if (keep & FLOW_KEEP_TRANSFER_FILES) /* transfer-*.txt: what went to the bank */
        return !strncmp(name, "transfer-", 9) && n >= 13 && !strcmp(name + n - 4, ".txt");
    return (keep & FLOW_KEEP_OTHERS) && name[0] != '.';
}

/* Hard-links (or copies) into stage the entries of old that keep names
 * and stage does not have; 0, or -1 with errno. */
static int keep_entries(const char *old, const char *stage, unsigned keep)
{
    DIR *dir = opendir(old);
    if (!dir)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1; /* nothing to keep */
    int rc = 0;
    struct dirent *e;
    while (rc == 0 && (e = readdir(dir)) != NULL) {
        if (!kept(keep, e->d_name))
            continue;
        char from[4400], to[4400];
        snprintf(from, sizeof from, "%s/%s", old, e->d_name);
        snprintf(to, sizeof to, "%s/%s", stage, e->d_name);
        struct stat st;
        if (lstat(from, &st) != 0 || fs_exists(to) ||
            ((keep & (FLOW_KEEP_TRANSFER_FILES | FLOW_KEEP_SENT)) && !S_ISREG(st.st_mode)))
            continue;
        if (link(from, to) == 0)
            continue;
        if (!(keep & (FLOW_KEEP_TRANSFER_FILES | FLOW_KEEP_SENT))) {
            rc = -1; /* the claim files' neighbours: linked, or nothing is written */
            break;
        }
        char *data; /* a file system without hard links: copy */
        size_t len;
        rc = fs_read_file(from, &data, &len);
        if (rc == 0) {
            rc = fs_write_atomic(to, data, len);
            free(data);
        }
    }
    int saved = errno;
    closedir(dir);
    errno = saved;
    return rc;
}

int flow_publish_dir(const char *stage, const char *final_dir, unsigned keep, const char *marker)
{
    char old[4200];
    snprintf(old, sizeof old, "%s.old-%ld", final_dir, (long)getpid());
    bool had = fs_exists(final_dir);
    if (had && (keep & (FLOW_KEEP_TRANSFER_FILES | FLOW_KEEP_OTHERS)) &&
        keep_entries(final_dir, stage, keep & ~(unsigned)FLOW_KEEP_SENT) != 0)
        return -1;
    static const char *const sent[] = {"statements", "notices"}; /* a month's, a settlement's */
    for (size_t i = 0; had && (keep & FLOW_KEEP_SENT) && i < 2; i++) {
        char from[4300], to[4300]; /* a correction keeps what was sent */
        snprintf(from, sizeof from, "%s/%s", final_dir, sent[i]);
        snprintf(to, sizeof to, "%s/%s", stage, sent[i]);
        if (fs_is_dir(from) && (fs_mkdirs(to) != 0 || keep_entries(from, to, FLOW_KEEP_SENT) != 0))
            return -1;
    }
    if (had && rename(final_dir, old) != 0)
        return -1;
    if (rename(stage, final_dir) != 0) {
        int saved = errno;
        if (had)
            rename(old, final_dir);
        errno = saved;
        return -1;
    }
    if (had && (keep & FLOW_KEEP_FORMS)) {
        /* the claim forms (kasan forms, SPEC 8.2) are not a run's output:
         * they stay in OUT/M/forms across runs */
        char forms_old[4300], forms_new[4300];
        snprintf(forms_old, sizeof forms_old, "%s/forms", old);
        snprintf(forms_new, sizeof forms_new, "%s/forms", final_dir);
        if (fs_is_dir(forms_old) && !fs_exists(forms_new))
            rename(forms_old, forms_new);
    }
    int rc = marker ? flow_mark_published(final_dir, marker) : 0;
    if (had)
        fs_remove_tree(old);
    return rc;
}

int flow_publish_file(const flow_paths *paths, const char *mon, const char *run_id,
                      const char *staged, const char *name)
{
    arena a = ARENA_INIT;
    char *published = flow_read_run_id(flow_marker_path(paths, mon, &a));
    char *final_dir = arena_printf(&a, "%s/%s", paths->out, mon);
    int rc = 1;
    if (published && !strcmp(published, run_id) && fs_is_dir(final_dir))
        rc = rename(staged, arena_printf(&a, "%s/%s", final_dir, name)) == 0 &&
                     fs_sync_dir(final_dir) == 0
                 ? 0
                 : -1;
    free(published);
    arena_release(&a);
    return rc;
}

void flow_sweep_prefix(const char *parent, const char *prefix, flow_notes *notes)
{
    if (fs_remove_dead_leftovers(parent, prefix) < 0)
        flow_say(notes, FLOW_NOTE_SAY, "warning: could not remove every leftover %s/%s* of a "
                 "process that died: %s", parent, prefix, strerror(errno));
}

void flow_sweep(const char *parent, const char *name, flow_notes *notes)
{
    char staging[300], old[300];
    snprintf(staging, sizeof staging, ".%s.staging-", name);
    snprintf(old, sizeof old, "%s.old-", name);
    if (fs_remove_dead_leftovers(parent, staging) < 0 ||
        fs_remove_dead_leftovers(parent, old) < 0)
        flow_say(notes, FLOW_NOTE_SAY, "warning: could not remove every leftover %s/%s* or %s* "
                 "of a process that died: %s", parent, staging, old, strerror(errno));
}

/* ---- intake's claim files after a crash (issue 21 item 6) -----------------
 * intake moves DATA/claims/.M.staging-PID to DATA/claims/M with
 * flow_publish_dir: the staging directory is complete (each file synced by
 * fs_write_atomic, the month's other files linked in) before M is renamed to
 * M.old-PID, and the staging directory is renamed to M next.  A process
 * killed between the two renames leaves no M, and the sweep that follows
 * would remove the only copies.  So, when M is missing and a dead process
 * left M.old-PID (or .M.old-PID, the name used before):
 *   C1 its staging directory is there too: the intake had passed every check
 *      and its files are whole, so it is completed (staging → M);
 *   C2 no staging directory: the previous claim files are put back.
 * Only then are the dead processes' leftovers swept. */
typedef struct claims_orphan {
    long pid;
    char path[4400];
} claims_orphan;

static bool find_dead_old(const char *path, long pid, bool alive, void *ctx)
{
    claims_orphan *o = ctx;
    if (alive || !fs_is_dir(path))
        return true;
    o->pid = pid;
    snprintf(o->path, sizeof o->path, "%s", path);
    return false; /* the first one found */
}

void flow_claims_recover(const char *data_dir, const char *mon, flow_notes *notes)
{
    char claims_dir[4200], final_dir[4300], prefix[64], hidden[64];
    snprintf(claims_dir, sizeof claims_dir, "%s/claims", data_dir);
    snprintf(final_dir, sizeof final_dir, "%s/%s", claims_dir, mon);
    snprintf(prefix, sizeof prefix, "%s.old-", mon);
    snprintf(hidden, sizeof hidden, ".%s.old-", mon);
    if (!fs_exists(final_dir)) {
        claims_orphan o = {0};
        fs_each_leftover(claims_dir, prefix, find_dead_old, &o);
        if (!o.pid)
            fs_each_leftover(claims_dir, hidden, find_dead_old, &o);
        if (o.pid) {
            arena a = ARENA_INIT;
            char *stage = flow_stage_dir(claims_dir, mon, o.pid, &a);
            bool complete = fs_is_dir(stage);
            if (rename(complete ? stage : o.path, final_dir) == 0 && fs_sync_dir(claims_dir) == 0)
                flow_say(notes, FLOW_NOTE_KASAN, "%s: an intake (process %ld) died while moving "
                         "the month's claim files into place; %s", final_dir, o.pid,
                         complete ? "its new claim files, whole and checked, are now in place "
                                    "(completed)"
                                  : "the previous claim files are back in place (restored)");
            else
                flow_say(notes, FLOW_NOTE_KASAN, "warning: %s is missing and could not be put "
                         "back from %s: %s", final_dir, complete ? stage : o.path,
                         strerror(errno));
            arena_release(&a);
        }
    }
    if (fs_exists(final_dir)) { /* never sweep the only copy away */
        flow_sweep(claims_dir, mon, notes);
        flow_sweep_prefix(claims_dir, hidden, notes);
    }
}
