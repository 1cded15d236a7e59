/* ledger_access: the access log of personal data (個人情報・要配慮個人情報) in
 * the ledger database — who was shown children's care types or nurseries'
 * bank accounts, what and when (issue 25).  A table of its own, access_log,
 * outside the money hash chain: an entry is no event, is not hashed, and
 * `kasan audit verify` does not read it.  Its rows are append-only (triggers
 * refuse UPDATE and DELETE, as for the ledger's own tables).
 *
 * The table is created on first use with CREATE ... IF NOT EXISTS, whatever
 * the ledger's schema version (LEDGER_SCHEMA_VERSION is not read or
 * changed): a ledger of any version gains it the first time someone is
 * shown personal data, and a ledger without it simply has no entries.
 *
 * Ownership and return codes as in kasan/ledger.h. */
#ifndef KASAN_LEDGER_ACCESS_H
#define KASAN_LEDGER_ACCESS_H
#include <stdint.h>

#include "kasan/ledger.h"

typedef struct ledger_access {
    const char *time;        /* ISO 8601 UTC, "2025-05-12T09:30:00Z" (clock_now_iso) */
    const char *operator_id; /* who was shown it */
    const char *via;         /* the front-end: "web" */
    const char *what;        /* "explain 2025-04 P011", "download 2025-04/statements/P011.xlsx" */
    int64_t id;              /* read back: the entry's number, in order of writing */
} ledger_access;

/* Appends one entry in its own transaction (the table created first if
 * absent).  LEDGER_INVALID when a field is missing or not UTF-8. */
int ledger_access_record(ledger *lg, const ledger_access *e);
/* The entries whose time lies in [from, to) (ISO text compared as text;
 * either NULL: unbounded), oldest first, strings in a.  None when the table
 * does not exist. */
int ledger_access_read(ledger *lg, const char *from, const char *to, arena *a,
                       ledger_access **out, size_t *n);

#endif
