/* outputs: a month's outputs written into a (staging) directory — the CSVs,
 * payments.xlsx, the statements, corrections.csv, then the run id, then one
 * sync (step T1 of the crash protocol, publish.c).  Not here: computing the
 * month (month.c), moving the directory into place (publish.c), the bytes
 * of each file (src/report). */
#include "flow_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kasan/fsutil.h"

int flow_outputs_write(bool workbooks, const month_run *run, const budget_view *bv,
                       const run_meta *meta, const char *dir, const flow_statements *how,
                       flow_notes *notes)
{
    char err[512] = "", path[4096];
    snprintf(path, sizeof path, "%s", dir);
    /* every file renamed into place without an fsync of its own: one
     * syncfs below makes them all durable (issue 16) */
    fs_defer_sync(true);
    int rc = fs_mkdirs(path);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/payments.csv", dir);
        rc = report_payments_csv(run, path, err, sizeof err);
    }
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/rejections.csv", dir);
        rc = report_rejections_csv(run, path, err, sizeof err);
    }
    if (rc == 0 && workbooks) {
        snprintf(path, sizeof path, "%s/payments.xlsx", dir);
        rc = report_payments_xlsx(run, bv, meta, path, err, sizeof err);
        if (rc == 0) {
            snprintf(path, sizeof path, "%s/statements", dir);
            rc = fs_mkdirs(path);
        }
        if (rc == 0) /* by how->jobs processes */
            rc = flow_jobs_statements(run, meta, dir, how, err, sizeof err);
        if (rc == 0)
            rc = report_correction_statements(run, meta, dir, err, sizeof err);
        if (rc == 0) /* 不支給決定通知書: every nursery that claimed gets a document */
            rc = report_refusal_notices(run, meta, dir, err, sizeof err);
    }
    if (rc == 0 && meta->correction) {
        snprintf(path, sizeof path, "%s/corrections.csv", dir);
        rc = report_corrections_csv(run, meta->correction, path, err, sizeof err);
    }
    /* last: the run id says the directory is complete and whose it is */
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/%s", dir, FLOW_RUN_ID_FILE);
        rc = flow_write_run_id(path, meta->run_id);
    }
    /* durable before anything vouches for the directory: the ledger's
     * commit of a finalization and the publication rename come after this,
     * as they came after each file's fsync before */
    fs_defer_sync(false);
    if (rc == 0) {
        snprintf(path, sizeof path, "%s", dir);
        rc = fs_sync_dir(dir);
    }
    /* the writers' own message when they gave one, else the path and errno */
    if (rc != 0 && *err) /* "PATH: why", or already "cannot write PATH: why" */
        flow_say(notes, FLOW_NOTE_SAY, "%s%s", strncmp(err, "cannot ", 7) ? "cannot write " : "",
                 err);
    else if (rc != 0)
        flow_say(notes, FLOW_NOTE_SAY, "cannot write %s: %s", path, strerror(errno));
    if (rc != 0)
        flow_say(notes, FLOW_NOTE_SAY, "nothing was written (the staged outputs in %s were "
                 "removed)", dir);
    return rc;
}
