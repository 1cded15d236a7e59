/* cache: the months the pages read.  A month page, a nursery's explanation
 * and the rejections all read one flow_month_view; computing it costs a
 * whole month (for a 30,000-nursery month, its inputs from the ledger's
 * archive and the engine), so it is computed once per stamp and kept:
 *   - a finalized month's stamp is its current run id, and that run never
 *     changes: the view stays right until a correction makes another run
 *     current (a new stamp);
 *   - a draft's stamp digests its input and rule files' identities, so an
 *     intake or an edited rule file gives a new stamp.
 * Each request asks for the stamp first (a few stat calls and one ledger
 * query) and takes the kept view when it matches.  At most WEB_CACHE_MONTHS
 * views are kept, the least recently used given up first; a view is freed
 * only when no request holds it (a reference count under the mutex).  One
 * view is computed at a time (the compute lock), so fifty readers of a
 * cold month compute it once, not fifty times.
 * Also the fragments: a part of a page computed from the ledger alone (the
 * approval summary of approve.c), kept by a key that names everything it
 * depends on — the ledger's chain head among it, so any event recorded
 * since gives a new key — at most WEB_FRAGMENTS of them, the least
 * recently used given up first.  A fragment is handed out as a copy.
 * Not here: what a view holds (src/flow/month_view.c). */
#include <stdlib.h>
#include <string.h>

#include "kasan/flow_view.h"
#include "web_int.h"

struct web_month_ref {
    flow_month_view view;
    int rc;
    unsigned refs;    /* requests holding it, + 1 while kept */
    bool kept;
    uint64_t used;    /* the tick of its last use */
};

typedef struct web_fragment {
    char *key, *html;
    size_t mark;
    uint64_t used;
} web_fragment;

typedef struct web_cache {
    pthread_mutex_t m;       /* the table and the reference counts, the fragments */
    pthread_mutex_t compute; /* one view computed at a time */
    web_month_ref *kept[WEB_CACHE_MONTHS];
    web_fragment frag[WEB_FRAGMENTS];
    uint64_t tick;
    unsigned computed;
} web_cache;

int web_cache_init(web_app *app)
{
    web_cache *c = calloc(1, sizeof *c);
    if (!c)
        return -1;
    pthread_mutex_init(&c->m, NULL);
    pthread_mutex_init(&c->compute, NULL);
    app->cache = c;
    return 0;
}

static void ref_free(web_month_ref *r)
{
    flow_month_view_free(&r->view);
    free(r);
}

/* Drops one reference (c->m held); frees r when it was the last. */
static void unref(web_month_ref *r)
{
    if (--r->refs == 0)
        ref_free(r);
}

void web_cache_release(web_app *app)
{
    web_cache *c = app->cache;
    if (!c)
        return;
    for (size_t i = 0; i < WEB_CACHE_MONTHS; i++)
        if (c->kept[i])
            unref(c->kept[i]);
    for (size_t i = 0; i < WEB_FRAGMENTS; i++) {
        free(c->frag[i].key);
        free(c->frag[i].html);
    }
    pthread_mutex_destroy(&c->compute);
    pthread_mutex_destroy(&c->m);
    free(c);
    app->cache = NULL;
}

/* The kept view of this stamp, referenced; NULL if none (c->m held). */
static web_month_ref *find(web_cache *c, const char *stamp)
{
    for (size_t i = 0; i < WEB_CACHE_MONTHS; i++)
        if (c->kept[i] && !strcmp(c->kept[i]->view.stamp, stamp)) {
            c->kept[i]->refs++;
            c->kept[i]->used = ++c->tick;
            return c->kept[i];
        }
    return NULL;
}

/* Keeps r in place of the same month's older view, else of the least
 * recently used one (c->m held). */
static void keep(web_cache *c, web_month_ref *r)
{
    size_t slot = WEB_CACHE_MONTHS;
    for (size_t i = 0; i < WEB_CACHE_MONTHS && slot == WEB_CACHE_MONTHS; i++)
        if (c->kept[i] && c->kept[i]->view.month.year == r->view.month.year &&
            c->kept[i]->view.month.month == r->view.month.month)
            slot = i;
    for (size_t i = 0; i < WEB_CACHE_MONTHS && slot == WEB_CACHE_MONTHS; i++)
        if (!c->kept[i])
            slot = i;
    if (slot == WEB_CACHE_MONTHS) {
        slot = 0;
        for (size_t i = 1; i < WEB_CACHE_MONTHS; i++)
            if (c->kept[i]->used < c->kept[slot]->used)
                slot = i;
    }
    if (c->kept[slot]) {
        c->kept[slot]->kept = false;
        unref(c->kept[slot]);
    }
    r->kept = true;
    r->refs++;
    r->used = ++c->tick;
    c->kept[slot] = r;
}

web_month_ref *web_month_get(web_app *app, claim_month m, int *rc)
{
    web_cache *c = app->cache;
    flow_month_view_req rq = {{app->cfg->data_dir, app->cfg->rules_dir, app->cfg->out_dir}, m};
    char stamp[FLOW_STAMP_LEN];
    flow_notes notes = {0};
    *rc = flow_month_view_stamp(&rq, stamp, &notes);
    flow_notes_free(&notes);
    web_month_ref *r = NULL;
    if (*rc == EXIT_OK) {
        pthread_mutex_lock(&c->m);
        r = find(c, stamp);
        pthread_mutex_unlock(&c->m);
        if (r)
            return r;
        pthread_mutex_lock(&c->compute);
        pthread_mutex_lock(&c->m);
        r = find(c, stamp); /* computed by another request meanwhile */
        pthread_mutex_unlock(&c->m);
        if (r) {
            pthread_mutex_unlock(&c->compute);
            return r;
        }
    } else
        pthread_mutex_lock(&c->compute);
    r = calloc(1, sizeof *r);
    if (!r)
        abort();
    r->rc = *rc = flow_month_view_open(&rq, &r->view);
    r->refs = 1;
    pthread_mutex_lock(&c->m);
    c->computed++;
    if (r->rc == EXIT_OK && r->view.run)
        keep(c, r);
    pthread_mutex_unlock(&c->m);
    pthread_mutex_unlock(&c->compute);
    return r;
}

const flow_month_view *web_month_view(const web_month_ref *ref)
{
    return &ref->view;
}

void web_month_put(web_app *app, web_month_ref *ref)
{
    if (!ref)
        return;
    pthread_mutex_lock(&app->cache->m);
    unref(ref);
    pthread_mutex_unlock(&app->cache->m);
}

unsigned web_cache_computed(web_app *app)
{
    pthread_mutex_lock(&app->cache->m);
    unsigned n = app->cache->computed;
    pthread_mutex_unlock(&app->cache->m);
    return n;
}

/* ------------------------------------------------------------ fragments */

char *web_fragment_get(web_app *app, const char *key, size_t *mark)
{
    web_cache *c = app->cache;
    char *out = NULL;
    pthread_mutex_lock(&c->m);
    for (size_t i = 0; i < WEB_FRAGMENTS && !out; i++)
        if (c->frag[i].key && !strcmp(c->frag[i].key, key)) {
            out = strdup(c->frag[i].html);
            *mark = c->frag[i].mark;
            c->frag[i].used = ++c->tick;
        }
    pthread_mutex_unlock(&c->m);
    return out;
}

void web_fragment_put(web_app *app, const char *key, const char *html, size_t mark)
{
    web_cache *c = app->cache;
    char *k = strdup(key), *h = strdup(html);
    if (!k || !h) { /* not kept: computed again next time */
        free(k);
        free(h);
        return;
    }
    pthread_mutex_lock(&c->m);
    size_t slot = 0;
    for (size_t i = 0; i < WEB_FRAGMENTS; i++) {
        if (c->frag[i].key && !strcmp(c->frag[i].key, key)) { /* two computed it at once */
            slot = i;
            break;
        }
        if (!c->frag[i].key || c->frag[i].used < c->frag[slot].used)
            slot = i;
        if (!c->frag[i].key)
            break;
    }
    free(c->frag[slot].key);
    free(c->frag[slot].html);
    c->frag[slot] = (web_fragment){k, h, mark, ++c->tick};
    pthread_mutex_unlock(&c->m);
}
