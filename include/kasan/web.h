/* web: the section's browser front-end, `kasan serve` (issue 25).  What the
 * command line calls: start a server on one address, read its URL, stop it.
 * Everything else of the web front-end (sessions, CSRF, pages, downloads)
 * is internal to src/web/ (web_int.h); no HTML is built outside src/web/.
 *
 * Ownership: the config's strings are borrowed for the server's lifetime
 * (argv in practice).  web_server_start hands back a server that only
 * web_server_stop releases.  Threads: start and stop from one thread; the
 * caller blocks SIGTERM/SIGINT before start if it wants to sigwait() for
 * them (the server's threads inherit the mask). */
#ifndef KASAN_WEB_H
#define KASAN_WEB_H

#include <stdbool.h>
#include <stddef.h>

/* Bounds of what one request may make the server hold (0 = the default
 * named beside each).  A body over its bound is refused with 413 when its
 * Content-Length says so, and its connection is closed when it gets there
 * without one; nothing of it reaches a page. */
typedef struct web_limits {
    size_t form_bytes;   /* body of an ordinary form (login, an action): 64 KiB */
    size_t upload_bytes; /* body of an upload of claim forms: 32 MiB */
    size_t upload_files; /* files in one upload: 100 */
    size_t file_bytes;   /* one uploaded file: 8 MiB */
    size_t fields;       /* fields of one form, files included: 200 */
    size_t field_bytes;  /* one text field: 8 KiB */
    unsigned sessions;   /* sessions held at once, logged in or not: 1024 */
    unsigned threads;    /* the thread pool: 4 */
    unsigned connections;/* open connections: 256 */
    unsigned timeout_s;  /* an idle or slow connection is closed after: 30 s */
} web_limits;

typedef struct web_config {
    const char *listen;  /* "127.0.0.1:8080", "[::1]:8080", "localhost:8080";
                          * port 0 takes a free one (web_server_url says which) */
    const char *data_dir, *rules_dir, *out_dir;
    const char *keys_dir;              /* operators' keys (issue 23); may be NULL */
    const char *tls_cert, *tls_key;    /* PEM files, both or neither */
    web_limits limits;
} web_config;

typedef enum web_status {
    WEB_OK = 0,
    WEB_EUSAGE,   /* the listen address or the TLS options (exit 1) */
    WEB_EINVALID, /* a TLS certificate or key that cannot be used (exit 2) */
    WEB_EIO,      /* the address cannot be bound, threads, memory (exit 5) */
} web_status;

struct web_server;

/* Checks the config (plain HTTP only on a loopback address: 127.0.0.0/8,
 * ::1; any other needs tls_cert and tls_key; the rules under rules_dir load
 * and an operators file is in force today, else nobody could log in:
 * WEB_EUSAGE, or WEB_EINVALID for rules that do not load), binds, and
 * serves on a pool of threads until web_server_stop.  On failure *out is
 * NULL and err says why in one English sentence naming the option. */
web_status web_server_start(const web_config *cfg, struct web_server **out, char *err,
                            size_t errlen);
/* "http://127.0.0.1:8080/" (the port actually bound). */
const char *web_server_url(const struct web_server *s);
/* Stops accepting connections, lets the requests in progress finish (at most
 * the connection timeout), closes the rest, wipes every session's secrets and
 * frees the server.  Returns the number of requests that had to be cut off
 * (0 after a clean stop). */
unsigned web_server_stop(struct web_server *s);

/* True when text is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x.y.z)
 * or "localhost".  Exposed for the command's help and the tests. */
bool web_is_loopback(const char *host);

#endif
