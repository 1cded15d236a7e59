/* access: the access log of personal data (個人情報・要配慮個人情報) — an
 * entry written before children's care types or bank accounts are shown,
 * and the entries of a period read back for an auditor (`kasan audit
 * access`).  The table is the ledger's (src/ledger/access.c), outside the
 * money hash chain.  Not here: deciding what is personal (the front-end
 * that shows it), printing. */
#include "flow_int.h"

#include <string.h>

#include "kasan/clock.h"
#include "kasan/flow_view.h"

int flow_access_record(const char *out_dir, const char *operator_id, const char *via,
                       const char *what, flow_notes *notes)
{
    arena a = ARENA_INIT;
    flow_paths paths = {.out = out_dir};
    char err[512], when[32], *path = flow_ledger_path(&paths, &a);
    clock_now_iso(when);
    ledger *lg;
    int rc = EXIT_OK, st = ledger_open(path, true, &lg, err, sizeof err);
    if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot open the ledger for the access log: %s", err);
        rc = EXIT_INTERNAL;
    } else {
        ledger_access e = {.time = when, .operator_id = operator_id, .via = via, .what = what};
        if (ledger_access_record(lg, &e) != LEDGER_OK) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot write the access log: %s", ledger_errmsg(lg));
            rc = EXIT_INTERNAL;
        }
        ledger_close(lg);
    }
    arena_release(&a);
    return rc;
}

int flow_access_read(const flow_access_req *rq, flow_access_res *res)
{
    memset(res, 0, sizeof *res);
    res->a = (arena)ARENA_INIT;
    flow_paths paths = {.out = rq->out};
    ledger *lg;
    int rc = flow_open_ledger(&paths, &lg, &res->notes);
    if (rc != EXIT_OK)
        return rc;
    /* [from 00:00:00Z, the day after to) as ISO text: times compare as text */
    char from[11], to[11];
    date_format_iso(rq->from, from);
    date_format_iso(rq->to + 1, to);
    if (ledger_access_read(lg, arena_printf(&res->a, "%sT00:00:00Z", from),
                           arena_printf(&res->a, "%sT00:00:00Z", to), &res->a, &res->v,
                           &res->n) != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot read the access log: %s", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    ledger_close(lg);
    return rc;
}

void flow_access_free(flow_access_res *res)
{
    flow_notes_free(&res->notes);
    arena_release(&res->a);
}
