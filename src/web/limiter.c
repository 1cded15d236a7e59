/* limiter: failed logins, counted per operator id and per client address
 * (web_int.h gives the numbers).  A login attempt that must wait is refused
 * before the passphrase is looked at, so guessing costs time without
 * holding a server thread in a sleep.  The table is bounded: when it is
 * full the entry whose last failure is oldest (and not locked) makes room.
 * Not here: the login check itself (auth.c), what the page says (pages.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web_int.h"

enum { KEY_MAX = 80 };

struct web_limiter_slot {
    bool used;
    char kind; /* 'i' an operator id, 'a' an address */
    char key[KEY_MAX];
    unsigned failures;
    int64_t last_failure, locked_until;
};

int web_limiter_init(web_limiter *l)
{
    l->slot = calloc(WEB_LIMITER_SLOTS, sizeof *l->slot);
    if (!l->slot)
        return -1;
    if (pthread_mutex_init(&l->m, NULL)) {
        free(l->slot);
        return -1;
    }
    return 0;
}

void web_limiter_release(web_limiter *l)
{
    if (!l->slot)
        return;
    free(l->slot);
    l->slot = NULL;
    pthread_mutex_destroy(&l->m);
}

static int64_t delay_after(unsigned failures)
{
    if (failures == 0)
        return 0;
    if (failures - 1 >= 6) /* 2^6 = 64 > the cap */
        return WEB_DELAY_MAX_S;
    int64_t d = (int64_t)1 << (failures - 1);
    return d < WEB_DELAY_MAX_S ? d : WEB_DELAY_MAX_S;
}

/* Forgets what is old: a lock that is over, failures long ago. */
static void age(web_limiter_slot *s, int64_t now)
{
    if (!s->used)
        return;
    bool lock_over = s->locked_until && s->locked_until <= now;
    bool quiet = !s->locked_until && now - s->last_failure >= WEB_FORGET_S;
    if (lock_over || quiet)
        memset(s, 0, sizeof *s);
}

static web_limiter_slot *find(web_limiter *l, char kind, const char *key, int64_t now)
{
    for (size_t i = 0; i < WEB_LIMITER_SLOTS; i++) {
        web_limiter_slot *s = &l->slot[i];
        age(s, now);
        if (s->used && s->kind == kind && !strncmp(s->key, key, KEY_MAX - 1))
            return s;
    }
    return NULL;
}

static web_limiter_slot *find_or_add(web_limiter *l, char kind, const char *key, int64_t now)
{
    web_limiter_slot *s = find(l, kind, key, now);
    if (s)
        return s;
    web_limiter_slot *victim = NULL;
    for (size_t i = 0; i < WEB_LIMITER_SLOTS && (!victim || victim->used); i++) {
        web_limiter_slot *c = &l->slot[i];
        if (!c->used || (!c->locked_until && (!victim || c->last_failure < victim->last_failure)))
            victim = c;
    }
    if (!victim) /* every slot locked: the oldest failure goes */
        for (size_t i = 0; i < WEB_LIMITER_SLOTS; i++)
            if (!victim || l->slot[i].last_failure < victim->last_failure)
                victim = &l->slot[i];
    memset(victim, 0, sizeof *victim);
    victim->used = true;
    victim->kind = kind;
    snprintf(victim->key, sizeof victim->key, "%s", key);
    return victim;
}

/* What s says of an attempt now; *retry_s raised to its wait. */
static web_limit verdict(const web_limiter_slot *s, int64_t now, int64_t *retry_s)
{
    if (!s)
        return WEB_LIMIT_OK;
    if (s->locked_until > now) {
        if (s->locked_until - now > *retry_s)
            *retry_s = s->locked_until - now;
        return WEB_LIMIT_LOCKED;
    }
    int64_t next = s->last_failure + delay_after(s->failures);
    if (s->failures && now < next) {
        if (next - now > *retry_s)
            *retry_s = next - now;
        return WEB_LIMIT_WAIT;
    }
    return WEB_LIMIT_OK;
}

web_limit web_limiter_check(web_limiter *l, const char *id, const char *addr, int64_t now,
                            int64_t *retry_s)
{
    *retry_s = 0;
    pthread_mutex_lock(&l->m);
    web_limit a = verdict(find(l, 'i', id ? id : "", now), now, retry_s);
    web_limit b = verdict(find(l, 'a', addr ? addr : "", now), now, retry_s);
    pthread_mutex_unlock(&l->m);
    return a > b ? a : b; /* LOCKED over WAIT over OK */
}

void web_limiter_failed(web_limiter *l, const char *id, const char *addr, int64_t now)
{
    static const struct { char kind; unsigned lock_at; } kinds[] = {
        {'i', WEB_LOCK_ID}, {'a', WEB_LOCK_ADDR}};
    pthread_mutex_lock(&l->m);
    for (size_t k = 0; k < 2; k++) {
        const char *key = kinds[k].kind == 'i' ? (id ? id : "") : (addr ? addr : "");
        web_limiter_slot *s = find_or_add(l, kinds[k].kind, key, now);
        if (s->failures < UINT32_MAX)
            s->failures++;
        s->last_failure = now;
        if (s->failures >= kinds[k].lock_at)
            s->locked_until = now + WEB_LOCK_S;
    }
    pthread_mutex_unlock(&l->m);
}

void web_limiter_succeeded(web_limiter *l, const char *id, int64_t now)
{
    pthread_mutex_lock(&l->m);
    web_limiter_slot *s = find(l, 'i', id ? id : "", now);
    if (s && s->locked_until <= now)
        memset(s, 0, sizeof *s);
    pthread_mutex_unlock(&l->m);
}
