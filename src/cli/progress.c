/* progress: the one progress line of long commands on a terminal (see
 * progress.h).  Rate-limited with a monotonic clock; a line that is not a
 * TTY (a file, a pipe, CI) never gets a byte of it.  Not here: counting. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

enum { PROGRESS_EVERY_MS = 100 };

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 12345 → "12,345" */
static void grouped(size_t v, char *buf, size_t n)
{
    char raw[32];
    int len = snprintf(raw, sizeof raw, "%zu", v);
    size_t k = 0;
    for (int i = 0; i < len && k + 2 < n; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[k++] = ',';
        buf[k++] = raw[i];
    }
    buf[k] = '\0';
}

int progress_format(char *buf, size_t n, const char *what, size_t done, size_t total)
{
    char d[32], t[32];
    grouped(done, d, sizeof d);
    grouped(total, t, sizeof t);
    return snprintf(buf, n, "%s %s/%s", what, d, t);
}

void progress_start(progress *p, bool quiet, const char *what, size_t total)
{
    memset(p, 0, sizeof *p);
    p->on = !quiet && isatty(STDERR_FILENO);
    p->what = what;
    p->total = total;
    p->last_ms = -1;
}

void progress_tick(progress *p, size_t done)
{
    if (!p->on)
        return;
    long long t = now_ms();
    if (p->last_ms >= 0 && (done == p->shown_done ||
                            (done != p->total && t - p->last_ms < PROGRESS_EVERY_MS)))
        return;
    p->shown_done = done;
    p->last_ms = t;
    char line[160];
    int len = progress_format(line, sizeof line, p->what, done, p->total);
    if (len < 0)
        return;
    fprintf(stderr, "\r%s", line);
    fflush(stderr);
    if ((size_t)len > p->shown_len)
        p->shown_len = (size_t)len;
}

void progress_end(progress *p)
{
    if (!p->on || p->last_ms < 0)
        return;
    fprintf(stderr, "\r%*s\r", (int)p->shown_len, "");
    fflush(stderr);
    p->last_ms = -1;
}

static void line_start(void *ctx, const char *what, size_t total)
{
    progress_line *l = ctx;
    progress_start(&l->p, l->quiet, what, total);
}

static void line_tick(void *ctx, size_t done) { progress_tick(&((progress_line *)ctx)->p, done); }

static void line_end(void *ctx) { progress_end(&((progress_line *)ctx)->p); }

const flow_progress *progress_line_init(progress_line *l, bool quiet)
{
    progress_start(&l->p, true, "", 0); /* nothing drawn before the procedure starts it */
    l->quiet = quiet;
    l->cb = (flow_progress){line_start, line_tick, line_end, l};
    return &l->cb;
}
