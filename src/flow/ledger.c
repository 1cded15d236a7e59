/* ledger: the ledger as every procedure opens it — under OUT, with the
 * messages a person needs when it is not there.  Not here: what the
 * ledger records (src/ledger). */
#include "kasan/flow.h"

char *flow_ledger_path(const flow_paths *paths, arena *a)
{
    return arena_printf(a, "%s/ledger.sqlite", paths->out);
}

int flow_open_ledger(const flow_paths *paths, ledger **lg, flow_notes *notes)
{
    arena a = ARENA_INIT;
    char err[512], *path = flow_ledger_path(paths, &a);
    int st = ledger_open(path, false, lg, err, sizeof err), rc = EXIT_OK;
    if (st == LEDGER_NOT_FOUND) {
        flow_say(notes, FLOW_NOTE_SAY, "no ledger at %s: nothing has been finalized there yet "
                 "(kasan run --month M --finalize; or is --out the wrong directory?)", path);
        rc = EXIT_USAGE;
    } else if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot open the ledger: %s", err);
        rc = EXIT_INTERNAL;
    }
    arena_release(&a);
    return rc;
}
