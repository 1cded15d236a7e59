/* session: the sessions of the web front-end, in one table behind one mutex.
 * A session is anonymous (the login form and its CSRF token) or logged in
 * (an operator, their roles and decrypted key).  Ids and CSRF tokens are
 * fresh random tokens (csrf.c); a login always opens a NEW session and ends
 * the anonymous one, so an id an attacker planted before login is worth
 * nothing after it (fixation).  A session unused for WEB_IDLE_S, or older
 * than WEB_LIFETIME_S, is over; ending one wipes its tokens and its key.
 *
 * Invariants (asserted):
 *   1. a slot is used, or all zero;
 *   2. an ended slot has no id and keeps only a key still held (holds > 0);
 *   3. only a logged-in slot has a key.
 *
 * Not here: the cookie (app.c), the login check (auth.c), how many failed
 * logins were tried (limiter.c). */
#include <assert.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

struct web_session {
    bool used, ended, logged_in;
    char id[WEB_TOKEN_HEX + 1];
    char csrf[WEB_TOKEN_HEX + 1];
    web_operator op;
    struct web_key *key;
    unsigned holds; /* money actions using the key now */
    int64_t created, last_seen;
};

int web_sessions_init(web_sessions *t, unsigned max)
{
    assert(max > 0);
    t->slot = calloc(max, sizeof *t->slot);
    if (!t->slot)
        return -1;
    t->max = max;
    if (pthread_mutex_init(&t->m, NULL)) {
        free(t->slot);
        return -1;
    }
    return 0;
}

static void wipe(web_session *s)
{
    if (s->key)
        web_key_free(s->key);
    OPENSSL_cleanse(s, sizeof *s);
}

/* Ends s: gone at once, or (its key held by an action) unfindable now and
 * wiped at the last release. */
static void end(web_session *s)
{
    assert(s->used);
    if (s->holds == 0) {
        wipe(s);
        return;
    }
    s->ended = true;
    OPENSSL_cleanse(s->id, sizeof s->id);
    OPENSSL_cleanse(s->csrf, sizeof s->csrf);
}

static bool expired(const web_session *s, int64_t now)
{
    return now - s->last_seen >= WEB_IDLE_S || now - s->created >= WEB_LIFETIME_S;
}

void web_sessions_release(web_sessions *t)
{
    if (!t->slot)
        return;
    for (unsigned i = 0; i < t->max; i++)
        if (t->slot[i].used)
            wipe(&t->slot[i]);
    free(t->slot);
    t->slot = NULL;
    pthread_mutex_destroy(&t->m);
}

/* The invariants of the file's header comment. */
static void slot_ok(const web_session *s)
{
    (void)s;
    assert(s->used || (!s->ended && !s->logged_in && !s->key && !s->holds && !s->id[0]));
    assert(!s->ended || (s->holds > 0 && s->key && !s->id[0]));
    assert(!s->key || s->logged_in);
}

/* The live slot of id, compared in constant time against every slot (a
 * lookup's time says nothing of how much of an id was right). */
static web_session *find(web_sessions *t, const char *id)
{
    if (!web_token_wellformed(id))
        return NULL;
    web_session *hit = NULL;
    for (unsigned i = 0; i < t->max; i++) {
        web_session *s = &t->slot[i];
        slot_ok(s);
        if (s->used && !s->ended && CRYPTO_memcmp(s->id, id, WEB_TOKEN_HEX) == 0)
            hit = s;
    }
    return hit;
}

/* A slot for a new session: a free one, else an expired one, else the least
 * recently used anonymous one; NULL when all are live logged-in sessions. */
static web_session *take_slot(web_sessions *t, int64_t now)
{
    web_session *lru = NULL;
    for (unsigned i = 0; i < t->max; i++) {
        web_session *s = &t->slot[i];
        if (!s->used)
            return s;
        if (!s->ended && expired(s, now)) {
            end(s);
            if (!s->used)
                return s;
            continue;
        }
        if (!s->ended && !s->logged_in && (!lru || s->last_seen < lru->last_seen))
            lru = s;
    }
    if (lru)
        wipe(lru);
    return lru;
}

static void view(const web_session *s, web_session_view *out)
{
    memset(out, 0, sizeof *out);
    out->logged_in = s->logged_in;
    memcpy(out->id, s->id, sizeof out->id);
    memcpy(out->csrf, s->csrf, sizeof out->csrf);
    if (s->logged_in)
        out->op = s->op;
}

/* Fills a taken slot with fresh tokens; false when the generator fails. */
static bool fill(web_sessions *t, web_session *s, int64_t now)
{
    assert(!s->used);
    char id[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1];
    do {
        if (!web_token_new(id) || !web_token_new(csrf)) {
            OPENSSL_cleanse(id, sizeof id);
            return false;
        }
    } while (find(t, id)); /* 2^-256, but a duplicate id would be a merge */
    memcpy(s->id, id, sizeof id);
    memcpy(s->csrf, csrf, sizeof csrf);
    OPENSSL_cleanse(id, sizeof id);
    OPENSSL_cleanse(csrf, sizeof csrf);
    s->used = true;
    s->created = s->last_seen = now;
    return true;
}

web_sess web_session_open_anon(web_sessions *t, int64_t now, web_session_view *out)
{
    pthread_mutex_lock(&t->m);
    web_sess rc = WEB_SESS_OK;
    web_session *s = take_slot(t, now);
    if (!s)
        rc = WEB_SESS_FULL;
    else if (!fill(t, s, now))
        rc = WEB_SESS_NORAND;
    else
        view(s, out);
    pthread_mutex_unlock(&t->m);
    return rc;
}

bool web_session_find(web_sessions *t, const char *id, int64_t now, web_session_view *out)
{
    pthread_mutex_lock(&t->m);
    web_session *s = find(t, id);
    if (s && expired(s, now)) {
        end(s);
        s = NULL;
    }
    if (s) {
        s->last_seen = now;
        view(s, out);
    }
    pthread_mutex_unlock(&t->m);
    return s != NULL;
}

web_sess web_session_login(web_sessions *t, const char *anon_id, int64_t now,
                           const web_operator *op, struct web_key *key, web_session_view *out)
{
    pthread_mutex_lock(&t->m);
    web_session *old = anon_id ? find(t, anon_id) : NULL;
    if (old)
        end(old); /* the id used before login is never the one after it */
    web_sess rc = WEB_SESS_OK;
    web_session *s = take_slot(t, now);
    if (!s)
        rc = WEB_SESS_FULL;
    else if (!fill(t, s, now))
        rc = WEB_SESS_NORAND;
    if (rc != WEB_SESS_OK) {
        pthread_mutex_unlock(&t->m);
        if (key)
            web_key_free(key);
        return rc;
    }
    s->logged_in = true;
    s->op = *op;
    s->key = key;
    view(s, out);
    pthread_mutex_unlock(&t->m);
    return rc;
}

bool web_session_end(web_sessions *t, const char *id)
{
    pthread_mutex_lock(&t->m);
    web_session *s = find(t, id);
    if (s)
        end(s);
    pthread_mutex_unlock(&t->m);
    return s != NULL;
}

size_t web_sessions_sweep(web_sessions *t, int64_t now)
{
    size_t n = 0;
    pthread_mutex_lock(&t->m);
    for (unsigned i = 0; i < t->max; i++) {
        web_session *s = &t->slot[i];
        if (s->used && !s->ended && expired(s, now)) {
            end(s);
            n++;
        }
    }
    pthread_mutex_unlock(&t->m);
    return n;
}

struct web_key *web_session_key_hold(web_sessions *t, const char *id, int64_t now)
{
    pthread_mutex_lock(&t->m);
    web_session *s = find(t, id);
    if (s && expired(s, now)) {
        end(s);
        s = NULL;
    }
    struct web_key *key = NULL;
    if (s && s->logged_in && s->key) {
        s->holds++;
        s->last_seen = now;
        key = s->key;
    }
    pthread_mutex_unlock(&t->m);
    return key;
}

void web_session_key_release(web_sessions *t, struct web_key *key)
{
    if (!key)
        return;
    pthread_mutex_lock(&t->m);
    for (unsigned i = 0; i < t->max; i++) {
        web_session *s = &t->slot[i];
        if (s->used && s->key == key) {
            assert(s->holds > 0 && s->logged_in);
            if (--s->holds == 0 && s->ended)
                wipe(s);
            break;
        }
    }
    pthread_mutex_unlock(&t->m);
}

unsigned web_sessions_count(web_sessions *t)
{
    unsigned n = 0;
    pthread_mutex_lock(&t->m);
    for (unsigned i = 0; i < t->max; i++)
        n += t->slot[i].used;
    pthread_mutex_unlock(&t->m);
    return n;
}
