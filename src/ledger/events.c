/* events: the event log read back for people (kasan audit report) — each
 * event of a fiscal year with its payload flattened into key/value leaves by
 * SQLite's json_tree, whatever its kind, so a kind added later shows without
 * a change here.  Not here: hashing and verification (chain.c), what a kind
 * means (the report names the kinds it knows). */
#include <stdlib.h>
#include <string.h>

#include "ledger_int.h"
#include "kasan/date.h"

/* The fiscal year an event is about: its month's, else its settlement's or
 * fiscal year's (a settlement, a transfer of a settlement); 0 if none. */
static int event_fy(const ledger_event *e)
{
    claim_month m;
    if (e->month && month_parse(e->month, &m))
        return month_fiscal_year(m);
    return e->settlement_fy;
}

static int load_leaves(ledger *lg, arena *a, ledger_event *ev, size_t n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(lg,
                            /* json_tree quotes a key with other than letters and digits
                             * ($."fiscal_year"); the reader wants fiscal_year */
                            "SELECT e.seq, replace(substr(t.fullkey, 3), '\"', ''), t.atom"
                            " FROM events e,"
                            " json_tree(e.payload) t WHERE json_valid(e.payload)"
                            " AND t.type NOT IN ('object', 'array', 'null')"
                            " ORDER BY e.seq, t.id",
                            &st);
    if (rc)
        return rc;
    size_t k = 0;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(st, 0);
        while (k < n && ev[k].seq < seq)
            k++;
        if (k == n || ev[k].seq != seq)
            continue; /* an event of another year */
        ledger_event *e = &ev[k];
        if (e->n_leaves == e->cap_leaves) {
            size_t cap = e->cap_leaves ? 2 * e->cap_leaves : 16;
            ledger_leaf *nl = arena_calloc(a, cap, sizeof *nl);
            if (e->n_leaves)
                memcpy(nl, e->leaves, e->n_leaves * sizeof *nl);
            e->leaves = nl;
            e->cap_leaves = cap;
        }
        e->leaves[e->n_leaves].key = arena_strdup(a, ledger_col_text(st, 1));
        e->leaves[e->n_leaves++].value = arena_strdup(a, ledger_col_text(st, 2));
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading event payloads");
    sqlite3_finalize(st);
    return rc;
}

static int load_events(ledger *lg, int fy, arena *a, ledger_event **out, size_t *n)
{
    sqlite3_stmt *st;
    int rc = ledger_prepare(
        lg,
        "SELECT seq, time, actor, action, hash, payload, json_valid(payload),"
        " CASE WHEN json_valid(payload) THEN json_extract(payload, '$.month') END,"
        " CASE WHEN json_valid(payload) THEN COALESCE(json_extract(payload, '$.settlement'),"
        "  json_extract(payload, '$.fiscal_year')) END,"
        " count(*) OVER () FROM events ORDER BY seq",
        &st);
    if (rc)
        return rc;
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        if (!*out)
            *out = arena_calloc(a, (size_t)sqlite3_column_int64(st, 9), sizeof **out);
        ledger_event e = {0};
        e.seq = sqlite3_column_int64(st, 0);
        e.month = sqlite3_column_type(st, 7) == SQLITE_TEXT ? ledger_col_text(st, 7) : NULL;
        e.settlement_fy = sqlite3_column_type(st, 8) == SQLITE_INTEGER ? sqlite3_column_int(st, 8)
                                                                       : 0;
        int efy = event_fy(&e);
        if (efy && efy != fy)
            continue;
        e.month = e.month ? arena_strdup(a, e.month) : NULL;
        e.time = arena_strdup(a, ledger_col_text(st, 1));
        e.actor = arena_strdup(a, ledger_col_text(st, 2));
        e.action = arena_strdup(a, ledger_col_text(st, 3));
        e.hash = arena_strdup(a, ledger_col_text(st, 4));
        if (!sqlite3_column_int(st, 6)) { /* not JSON (tampered): shown as it is */
            e.leaves = arena_calloc(a, 1, sizeof *e.leaves);
            e.leaves[0] = (ledger_leaf){"payload", arena_strdup(a, ledger_col_text(st, 5))};
            e.n_leaves = e.cap_leaves = 1;
        }
        (*out)[(*n)++] = e;
    }
    if (step != SQLITE_DONE)
        rc = ledger_sqlite_fail(lg, "ledger: reading events");
    sqlite3_finalize(st);
    return rc ? rc : load_leaves(lg, a, *out, *n);
}

int ledger_events_fy(ledger *lg, int fy, arena *a, ledger_event **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    int rc = ledger_tx_begin(lg, false);
    if (rc)
        return rc;
    return ledger_tx_end(lg, load_events(lg, fy, a, out, n));
}

const char *ledger_event_leaf(const ledger_event *e, const char *key)
{
    for (size_t i = 0; i < e->n_leaves; i++)
        if (!strcmp(e->leaves[i].key, key))
            return e->leaves[i].value;
    return NULL;
}
