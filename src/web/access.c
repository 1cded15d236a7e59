/* access: the access log of personal data (個人情報・要配慮個人情報): who saw
 * children's care types or bank accounts, what and when.  A page or download
 * that shows them writes its entry first and is not shown if the entry
 * cannot be written.
 *
 * THIS PHASE: the last WEB_ACCESS_KEEP entries in memory (a ring), which the
 * tests read.  NEXT PHASE: a table of the ledger database under OUT, outside
 * the money hash chain, and `kasan audit access --from D --to D` printing
 * it; only this file changes (web_access_log_init opens the table).
 * Not here: deciding what is personal (the pages that show it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

int web_access_log_init(web_access_store *log, const web_config *cfg)
{
    (void)cfg;
    log->ring = calloc(WEB_ACCESS_KEEP, sizeof *log->ring);
    log->written = 0;
    if (!log->ring)
        return -1;
    if (pthread_mutex_init(&log->m, NULL)) {
        free(log->ring);
        log->ring = NULL;
        return -1;
    }
    return 0;
}

void web_access_log_release(web_access_store *log)
{
    if (!log->ring)
        return;
    free(log->ring);
    log->ring = NULL;
    pthread_mutex_destroy(&log->m);
}

int web_access_log(web_access_store *log, const char *operator_id, const char *what,
                   const char *when)
{
    if (!log->ring || !operator_id || !*operator_id || !what || !when)
        return -1;
    pthread_mutex_lock(&log->m);
    web_access *e = &log->ring[log->written % WEB_ACCESS_KEEP];
    snprintf(e->operator_id, sizeof e->operator_id, "%s", operator_id);
    snprintf(e->what, sizeof e->what, "%s", what);
    snprintf(e->when, sizeof e->when, "%s", when);
    log->written++;
    pthread_mutex_unlock(&log->m);
    return 0;
}

size_t web_access_log_read(web_access_store *log, web_access *out, size_t max)
{
    pthread_mutex_lock(&log->m);
    uint64_t kept = log->written < WEB_ACCESS_KEEP ? log->written : WEB_ACCESS_KEEP;
    uint64_t first = log->written - kept;
    size_t n = 0;
    for (uint64_t i = first; i < log->written && n < max; i++)
        out[n++] = log->ring[i % WEB_ACCESS_KEEP];
    pthread_mutex_unlock(&log->m);
    return n;
}
