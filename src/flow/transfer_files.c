/* transfer_files: the bank transfer files the ledger recorded — of a month
 * or of a fiscal year's settlement — written back from the bytes it kept,
 * when outputs are rebuilt or `kasan restore` finds one missing (a process
 * killed after the ledger commit and before the rename leaves the event
 * with no file, or only its temporary).  A file whose bytes are gone from
 * the ledger cannot be written back: it is said and counted, and everything
 * else is restored all the same (audit verify fails on it).  Not here:
 * keeping them across a republication (publish.c, FLOW_KEEP_TRANSFER_FILES),
 * making a transfer file (transfer.c). */
#include "flow_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/ledger_transfer.h"

static bool of_subject(const ledger_transfer *t, const char *month, int settlement_fy)
{
    if (!t->file || !t->sha256)
        return false;
    return month ? t->month && !strcmp(t->month, month)
                 : !t->month && t->settlement_fy == settlement_fy;
}

/* One recorded file into dir (its last path component): 1 written, 0 left
 * as it was, -1 its bytes gone (said), -2 a fault (said). */
static int restore_one(ledger *lg, const ledger_transfer *t, const char *dir, bool only_missing,
                       arena *a, flow_notes *notes)
{
    const char *slash = strrchr(t->file, '/'), *base = slash ? slash + 1 : t->file;
    char *path = arena_printf(a, "%s/%s", dir, base);
    /* the temporary of a process killed before its rename: never the file */
    flow_sweep_prefix(dir, arena_printf(a, "%s.tmp-", base), notes);
    if (only_missing && fs_exists(path))
        return 0;
    char *data;
    size_t len;
    int st = ledger_blob_get(lg, t->sha256, &data, &len);
    if (st == LEDGER_NOT_FOUND || st == LEDGER_CORRUPT) {
        flow_say(notes, FLOW_NOTE_SAY, "transfer file %s (event %lld) cannot be restored: %s "
                 "(kasan audit verify)", t->file, (long long)t->event_seq,
                 st == LEDGER_NOT_FOUND ? "its bytes are gone from the ledger"
                                        : "its stored bytes do not match their SHA-256");
        return -1;
    }
    if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "transfer file %s (event %lld): %s", t->file,
                 (long long)t->event_seq, ledger_errmsg(lg));
        return -2;
    }
    int rc = fs_write_atomic(path, data, len) != 0 ? -2 : 1;
    if (rc < 0)
        flow_say(notes, FLOW_NOTE_SAY, "cannot write %s: %s", path, fs_strerror(errno));
    free(data);
    return rc;
}

int flow_transfer_restore_files(ledger *lg, const char *month, int settlement_fy, const char *dir,
                                bool only_missing, int *lost, flow_notes *notes)
{
    arena a = ARENA_INIT;
    ledger_transfer *t;
    size_t n;
    int rc = EXIT_OK;
    if (ledger_transfers(lg, &a, &t, &n) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
        n = 0;
    }
    for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
        if (!of_subject(&t[i], month, settlement_fy))
            continue;
        int done = restore_one(lg, &t[i], dir, only_missing, &a, notes);
        if (done == -1)
            ++*lost;
        else if (done == -2)
            rc = EXIT_INTERNAL;
        else if (done == 1 && only_missing)
            flow_say(notes, FLOW_NOTE_RESULT, "restored transfer file %s (event %lld) from the "
                     "ledger, byte-identical (SHA-256 %s)", t[i].file, (long long)t[i].event_seq,
                     t[i].sha256);
    }
    arena_release(&a);
    return rc;
}
