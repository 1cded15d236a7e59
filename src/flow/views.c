/* views: what the ledger records, read for a front-end's page — the year's
 * settlement as finalized, and the event log a page at a time (newest
 * first, with each event's subject).  Read-only; no ledger is "nothing
 * recorded yet", not an error.  Not here: computing a settlement
 * (settle.c), verifying the log (audit.c). */
#include "flow_int.h"

#include <string.h>

#include "kasan/flow_view.h"

/* The ledger under out to read, or *lg NULL when there is none yet. */
static int open_if_any(const char *out, ledger **lg, arena *a, flow_notes *notes)
{
    flow_paths paths = {.out = out};
    char err[512];
    int st = ledger_open(flow_ledger_path(&paths, a), false, lg, err, sizeof err);
    if (st == LEDGER_NOT_FOUND) {
        *lg = NULL;
        return EXIT_OK;
    }
    if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot open the ledger: %s", err);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

int flow_fiscal_year_default(const flow_paths *paths)
{
    arena a = ARENA_INIT;
    flow_notes notes = {0};
    ledger *lg = NULL;
    int fy = open_if_any(paths->out, &lg, &a, &notes) == EXIT_OK ? flow_fy_default(lg) : 0;
    if (!fy)
        fy = flow_fy_default(NULL);
    ledger_close(lg);
    flow_notes_free(&notes);
    arena_release(&a);
    return fy;
}

int flow_settle_view_read(const flow_paths *paths, int fy, flow_settle_view *v)
{
    memset(v, 0, sizeof *v);
    v->fiscal_year = fy;
    ledger *lg;
    int rc = open_if_any(paths->out, &lg, &v->a, &v->notes);
    if (rc != EXIT_OK || !lg)
        return rc;
    int st = ledger_settle_current(lg, fy, &v->a, &v->st);
    if (st == LEDGER_OK)
        v->finalized = true;
    else if (st != LEDGER_NOT_FOUND) {
        flow_say(&v->notes, FLOW_NOTE_SAY, "cannot read the settlement: %s", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    ledger_close(lg);
    return rc;
}

void flow_settle_view_free(flow_settle_view *v)
{
    flow_notes_free(&v->notes);
    arena_release(&v->a);
}

int flow_events_read(const char *out_dir, int64_t offset, int64_t limit, flow_events_view *v)
{
    memset(v, 0, sizeof *v);
    ledger *lg;
    int rc = open_if_any(out_dir, &lg, &v->a, &v->notes);
    if (rc != EXIT_OK || !lg)
        return rc;
    if (ledger_event_count(lg, &v->total) != LEDGER_OK ||
        ledger_event_page(lg, offset, limit, &v->a, &v->v, &v->n) != LEDGER_OK) {
        flow_say(&v->notes, FLOW_NOTE_SAY, "cannot read the event log: %s", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    ledger_close(lg);
    return rc;
}

void flow_events_free(flow_events_view *v)
{
    flow_notes_free(&v->notes);
    arena_release(&v->a);
}
