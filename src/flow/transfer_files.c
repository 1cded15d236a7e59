/* transfer_files: a month's bank transfer files written back from the
 * bytes the ledger kept, when its outputs are rebuilt (restore.c).  Not
 * here: keeping them across a republication (publish.c, FLOW_KEEP_TRANSFER_FILES),
 * making a transfer file (transfer.c). */
#include "flow_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/ledger_transfer.h"

int flow_transfer_restore_files(ledger *lg, const char *month, const char *dir,
                                flow_notes *notes)
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
        if (!t[i].month || strcmp(t[i].month, month) || !t[i].file || !t[i].sha256)
            continue;
        const char *base = strrchr(t[i].file, '/');
        char *data;
        size_t len;
        int st = ledger_blob_get(lg, t[i].sha256, &data, &len);
        if (st != LEDGER_OK) {
            flow_say(notes, FLOW_NOTE_SAY, "transfer file %s (event %lld): %s", t[i].file,
                     (long long)t[i].event_seq, ledger_errmsg(lg));
            rc = st == LEDGER_CORRUPT ? EXIT_DIFFERENT : EXIT_INTERNAL;
            break;
        }
        char *path = arena_printf(&a, "%s/%s", dir, base ? base + 1 : t[i].file);
        if (fs_write_atomic(path, data, len) != 0) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot write %s: %s", path, fs_strerror(errno));
            rc = EXIT_INTERNAL;
        }
        free(data);
    }
    arena_release(&a);
    return rc;
}
