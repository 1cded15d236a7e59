/* server: `kasan serve` on libmicrohttpd — the socket, the thread pool, TLS,
 * request bodies, and a clean stop.  The only file of kasan that includes
 * microhttpd.h: it turns each request into a web_request, lets app.c answer
 * it, and sends the web_response back.
 *
 * Notes on the design:
 *   1. Plain HTTP only on a loopback address; any other needs --tls-cert
 *      and --tls-key, checked before anything is bound (web_server_start);
 *      so is an operators file in force (auth.c): without one nobody could
 *      log in, and the server does not start.
 *   2. Paths and query values reach app.c as sent: the unescape callback
 *      leaves %-escapes alone, so a download path is judged on its bytes
 *      (download.c) and "%2e%2e" is never turned into "..".  Form bodies
 *      are decoded by libmicrohttpd's post processor.
 *   3. A body is read whole, within its bounds, before the page runs: a
 *      Content-Length over the bound is answered 413 at once; a body that
 *      gets there without one closes the connection; fields and files are
 *      bounded by form.c.  A money action takes the write lock only then,
 *      so a slow client holds a connection (closed after the idle timeout),
 *      never the lock.
 *   4. web_server_stop: stop accepting (MHD_quiesce_daemon, then shutdown(2)
 *      of the listening socket so the kernel stops completing handshakes for
 *      it), wait until no request is in progress (counted from its first
 *      call to its completion), at most the connection timeout, then stop
 *      the daemon and wipe the sessions.
 * Not here: what a request may do (app.c), signals (the command, which
 * blocks SIGTERM and SIGINT and waits for them). */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kasan/fsutil.h"
#include "web_int.h"

struct web_server {
    web_app app;
    web_config cfg; /* a copy; its strings are the caller's */
    struct MHD_Daemon *d;
    int listen_fd;
    char url[200];
    char *cert_pem, *key_pem;
    size_t key_len;
    pthread_mutex_t m;
    pthread_cond_t changed; /* in_flight fell, or stopping was set */
    unsigned in_flight;
    bool stopping;
    pthread_t sweeper;
    bool sweeper_started;
    char start_err[256]; /* what libmicrohttpd said while starting */
    atomic_bool started;
};

/* One request's state between the calls of the access handler. */
typedef struct request_state {
    struct web_server *s;
    bool post, bad_body;
    size_t limit, got;
    struct MHD_PostProcessor *pp;
    web_form form;
} request_state;

static int64_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec;
}

bool web_is_loopback(const char *host)
{
    if (!host)
        return false;
    if (!strcasecmp(host, "localhost"))
        return true;
    struct in_addr a4;
    struct in6_addr a6;
    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1) {
        if (IN6_IS_ADDR_LOOPBACK(&a6))
            return true;
        return IN6_IS_ADDR_V4MAPPED(&a6) && a6.s6_addr[12] == 127;
    }
    return false;
}

/* "HOST:PORT" or "[V6]:PORT" into host (without brackets) and port. */
static bool split_listen(const char *listen, char *host, size_t hostlen, unsigned *port)
{
    const char *colon;
    size_t hl;
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':')
            return false;
        hl = (size_t)(close - listen - 1);
        listen++;
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon || strchr(listen, ':') != colon)
            return false;
        hl = (size_t)(colon - listen);
    }
    if (hl == 0 || hl >= hostlen)
        return false;
    memcpy(host, listen, hl);
    host[hl] = '\0';
    const char *p = colon + 1;
    if (!*p || strlen(p) > 5)
        return false;
    unsigned v = 0;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned)(*p - '0');
    }
    if (v > 65535)
        return false;
    *port = v;
    return true;
}

static void say(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ requests */

static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls;
    (void)c;
    return strlen(s);
}

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size)
{
    (void)kind;
    (void)content_type;
    (void)transfer_encoding;
    request_state *rs = cls;
    return web_form_feed(&rs->form, key, filename, data, (size_t)off, size) == WEB_FORM_OK
               ? MHD_YES
               : MHD_NO;
}

typedef struct header_sink {
    struct MHD_Response *r;
} header_sink;

static void add_header(void *ctx, const char *name, const char *value)
{
    header_sink *h = ctx;
    MHD_add_response_header(h->r, name, value);
}

static void free_body(void *p)
{
    free(p);
}

/* Sends resp; consumes its fd or body. */
static enum MHD_Result send_response(struct web_server *s, struct MHD_Connection *c,
                                     web_response *resp)
{
    struct MHD_Response *r;
    if (resp->fd >= 0) {
        r = MHD_create_response_from_fd((size_t)resp->fd_size, resp->fd);
        if (!r)
            close(resp->fd);
        resp->fd = -1;
    } else {
        size_t len;
        char *body = sb_detach(&resp->body.sb, &len);
        r = MHD_create_response_from_buffer_with_free_callback(len, body, free_body);
        if (!r)
            free(body);
    }
    if (!r)
        return MHD_NO;
    header_sink h = {r};
    web_response_headers(&s->app, resp, add_header, &h);
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result refuse(struct web_server *s, struct MHD_Connection *c, int status,
                              const char *message)
{
    web_response resp;
    web_response_init(&resp);
    web_refuse(&s->app, &resp, status, message);
    enum MHD_Result rc = send_response(s, c, &resp);
    web_response_release(&resp);
    return rc;
}

static const char *header(struct MHD_Connection *c, const char *name)
{
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* The first call of a request: count it, decide its body's bound, and
 * refuse at once a body that says it is too large. */
static enum MHD_Result begin(struct web_server *s, struct MHD_Connection *c, const char *url,
                             const char *method, void **con_cls)
{
    request_state *rs = calloc(1, sizeof *rs);
    if (!rs)
        return MHD_NO;
    rs->s = s;
    *con_cls = rs;
    pthread_mutex_lock(&s->m);
    s->in_flight++;
    pthread_mutex_unlock(&s->m);
    rs->post = !strcmp(method, "POST");
    bool known;
    const web_route *route = web_route_find(&s->app, method, url, &known);
    bool upload = route && (route->flags & WEB_R_UPLOAD);
    rs->limit = !rs->post ? 0 : upload ? s->app.lim.upload_bytes : s->app.lim.form_bytes;
    const char *cl = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(cl, &end, 10);
        if (errno || *end || n > rs->limit)
            return refuse(s, c, 413, "送信されたデータが大きすぎます。");
    }
    if (rs->post) {
        web_form_init(&rs->form, &s->app.lim, upload);
        /* NULL for a body that is neither urlencoded nor multipart: the form
         * stays empty, so the POST fails its CSRF check */
        rs->pp = MHD_create_post_processor(c, 16 * 1024, post_field, rs);
    }
    return MHD_YES;
}

/* Collects the query arguments, as sent, into a web_request. */
static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    (void)kind;
    web_request *req = cls;
    if (req->n_args < WEB_ARGS_MAX)
        req->args[req->n_args++] = (web_arg){key, value};
    return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **con_cls)
{
    (void)version;
    struct web_server *s = cls;
    request_state *rs = *con_cls;
    if (!rs)
        return begin(s, c, url, method, con_cls);
    if (*upload_size) {
        if (*upload_size > rs->limit - rs->got)
            return MHD_NO; /* past the bound without a Content-Length: close */
        rs->got += *upload_size;
        if (rs->pp && !rs->bad_body &&
            MHD_post_process(rs->pp, upload_data, *upload_size) != MHD_YES)
            rs->bad_body = true; /* a bound of form.c, or a body that does not parse */
        *upload_size = 0;
        return MHD_YES;
    }
    if (rs->pp) { /* flushes the last field */
        MHD_destroy_post_processor(rs->pp);
        rs->pp = NULL;
    }
    if (rs->bad_body && rs->form.st == WEB_FORM_OK)
        return refuse(s, c, 400, "フォームの内容を読めませんでした。");
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[INET6_ADDRSTRLEN] = "?";
    if (ci && ci->client_addr) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, addr,
                      sizeof addr);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                      addr, sizeof addr);
    }
    web_request req = {
        .method = method,
        .path = url,
        .query_page = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "page"),
        .query_dir = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "dir"),
        .cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, web_cookie_name(&s->app)),
        .host = header(c, MHD_HTTP_HEADER_HOST),
        .origin = header(c, "Origin"),
        .sec_fetch_site = header(c, "Sec-Fetch-Site"),
        .addr = addr,
        .now = mono_now(),
        .form = rs->post ? &rs->form : NULL,
    };
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_arg, &req);
    web_response resp;
    web_response_init(&resp);
    web_handle(&s->app, &req, &resp);
    enum MHD_Result rc = send_response(s, c, &resp);
    web_response_release(&resp);
    return rc;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)c;
    (void)toe;
    struct web_server *s = cls;
    request_state *rs = *con_cls;
    if (!rs)
        return;
    if (rs->pp)
        MHD_destroy_post_processor(rs->pp);
    web_form_release(&rs->form);
    free(rs);
    *con_cls = NULL;
    pthread_mutex_lock(&s->m);
    s->in_flight--;
    pthread_cond_broadcast(&s->changed);
    pthread_mutex_unlock(&s->m);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    struct web_server *s = cls;
    if (atomic_load(&s->started))
        return; /* a client's broken TLS handshake is not the operator's business */
    size_t n = strlen(s->start_err);
    if (n + 2 < sizeof s->start_err)
        vsnprintf(s->start_err + n, sizeof s->start_err - n, fmt, ap);
}

/* Ends expired sessions every half minute, so an idle operator's key is
 * wiped on time even if nobody comes back. */
static void *sweep(void *arg)
{
    struct web_server *s = arg;
    pthread_mutex_lock(&s->m);
    while (!s->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += 30;
        while (!s->stopping && pthread_cond_timedwait(&s->changed, &s->m, &until) != ETIMEDOUT)
            ; /* woken by a request's end: not yet time */
        if (s->stopping)
            break;
        pthread_mutex_unlock(&s->m);
        web_sessions_sweep(&s->app.sessions, mono_now());
        pthread_mutex_lock(&s->m);
    }
    pthread_mutex_unlock(&s->m);
    return NULL;
}

/* ------------------------------------------------------------ start and stop */

/* Reads a PEM file for TLS; the key only if nobody else may read it. */
static int no_password(char *buf, int size, int rwflag, void *u)
{
    (void)buf;
    (void)size;
    (void)rwflag;
    (void)u;
    return -1;
}

static web_status read_pem(const char *opt, const char *path, bool secret, char **out,
                           size_t *len, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st)) {
        say(err, errlen, "%s %s: %s", opt, path, strerror(errno));
        return WEB_EINVALID;
    }
    if (secret && (st.st_mode & 077)) {
        say(err, errlen, "%s %s is readable by others: chmod 600 %s", opt, path, path);
        return WEB_EINVALID;
    }
    if (fs_read_file(path, out, len)) {
        say(err, errlen, "%s %s: %s", opt, path, fs_strerror(errno));
        return WEB_EINVALID;
    }
    return WEB_OK;
}

/* The certificate and key parse, and belong together (OpenSSL): a bad pair
 * is named here, before libmicrohttpd and GnuTLS see it. */
static web_status check_pair(const web_config *cfg, const char *cert, size_t cert_len,
                             const char *key, size_t key_len, char *err, size_t errlen)
{
    web_status st = WEB_OK;
    BIO *cb = BIO_new_mem_buf(cert, (int)cert_len), *kb = BIO_new_mem_buf(key, (int)key_len);
    X509 *x = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    /* no passphrase callback: an encrypted key fails instead of prompting */
    EVP_PKEY *k = x && kb ? PEM_read_bio_PrivateKey(kb, NULL, no_password, NULL) : NULL;
    if (!x) {
        say(err, errlen, "--tls-cert %s: not a PEM certificate", cfg->tls_cert);
        st = WEB_EINVALID;
    } else if (!k) {
        say(err, errlen, "--tls-key %s: not an unencrypted PEM private key", cfg->tls_key);
        st = WEB_EINVALID;
    } else if (X509_check_private_key(x, k) != 1) {
        say(err, errlen, "--tls-key %s is not the key of --tls-cert %s", cfg->tls_key,
            cfg->tls_cert);
        st = WEB_EINVALID;
    }
    ERR_clear_error();
    EVP_PKEY_free(k);
    X509_free(x);
    BIO_free(kb);
    BIO_free(cb);
    return st;
}

static void free_server(struct web_server *s)
{
    if (s->key_pem) {
        OPENSSL_cleanse(s->key_pem, s->key_len);
        free(s->key_pem);
    }
    free(s->cert_pem);
    pthread_cond_destroy(&s->changed);
    pthread_mutex_destroy(&s->m);
    free(s);
}

static int bind_listen(const char *host, unsigned port, bool *v6, unsigned *bound, char *err,
                       size_t errlen, const char *where)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    const char *h = !strcasecmp(host, "localhost") ? "127.0.0.1" : host;
    struct sockaddr_in *a4 = (struct sockaddr_in *)(void *)&ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)(void *)&ss;
    if (inet_pton(AF_INET, h, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        sl = sizeof *a4;
        *v6 = false;
    } else if (inet_pton(AF_INET6, h, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        sl = sizeof *a6;
        *v6 = true;
    } else {
        say(err, errlen, "--listen %s: the host must be an IP address or localhost", where);
        return -2;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        say(err, errlen, "--listen %s: %s", where, strerror(errno));
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (*v6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, sl) || listen(fd, 128)) {
        say(err, errlen, "cannot listen on %s: %s", where, strerror(errno));
        close(fd);
        return -1;
    }
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        *bound = ntohs(*v6 ? a6->sin6_port : a4->sin_port);
    return fd;
}

web_status web_server_start(const web_config *cfg, struct web_server **out, char *err,
                            size_t errlen)
{
    *out = NULL;
    err[0] = '\0';
    const char *where = cfg->listen ? cfg->listen : "127.0.0.1:8080";
    char host[128];
    unsigned port;
    if (!split_listen(where, host, sizeof host, &port)) {
        say(err, errlen, "--listen %s: expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080",
            where);
        return WEB_EUSAGE;
    }
    if (!cfg->tls_cert != !cfg->tls_key) {
        say(err, errlen, "--tls-cert and --tls-key go together");
        return WEB_EUSAGE;
    }
    bool tls = cfg->tls_cert != NULL;
    if (!tls && !web_is_loopback(host)) {
        say(err, errlen,
            "--listen %s is not a loopback address: plain HTTP is served only on 127.0.0.0/8 "
            "or ::1; give --tls-cert FILE and --tls-key FILE to serve HTTPS on %s",
            where, host);
        return WEB_EUSAGE;
    }
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
        say(err, errlen, "this libmicrohttpd was built without TLS: --tls-cert cannot be used");
        return WEB_EIO;
    }
    struct web_server *s = calloc(1, sizeof *s);
    if (!s) {
        say(err, errlen, "out of memory");
        return WEB_EIO;
    }
    pthread_mutex_init(&s->m, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->changed, &ca);
    pthread_condattr_destroy(&ca);
    s->cfg = *cfg;
    s->cfg.listen = where;
    s->listen_fd = -1;
    web_status st = WEB_OK;
    size_t cert_len;
    if (tls && ((st = read_pem("--tls-cert", cfg->tls_cert, false, &s->cert_pem, &cert_len, err,
                               errlen)) ||
                (st = read_pem("--tls-key", cfg->tls_key, true, &s->key_pem, &s->key_len, err,
                               errlen)) ||
                (st = check_pair(cfg, s->cert_pem, cert_len, s->key_pem, s->key_len, err,
                                 errlen)))) {
        free_server(s);
        return st;
    }
    if ((st = web_auth_check_operators(cfg, err, errlen)) != WEB_OK) {
        free_server(s);
        return st;
    }
    bool v6 = false;
    unsigned bound = port;
    s->listen_fd = bind_listen(host, port, &v6, &bound, err, errlen, where);
    if (s->listen_fd < 0) {
        st = s->listen_fd == -2 ? WEB_EUSAGE : WEB_EIO;
        free_server(s);
        return st;
    }
    if (web_app_init(&s->app, &s->cfg, tls, host, bound)) {
        say(err, errlen, "out of memory");
        close(s->listen_fd);
        free_server(s);
        return WEB_EIO;
    }
    const web_limits *lim = &s->app.lim;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_AUTO |
                     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0) | (tls ? MHD_USE_TLS : 0);
    struct MHD_OptionItem tls_opts[] = {
        {MHD_OPTION_HTTPS_MEM_CERT, 0, s->cert_pem},
        {MHD_OPTION_HTTPS_MEM_KEY, 0, s->key_pem},
        {MHD_OPTION_HTTPS_PRIORITIES, 0, (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
        {MHD_OPTION_END, 0, NULL},
    };
    if (!tls)
        tls_opts[0].option = MHD_OPTION_END;
    s->d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, s,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, s, /* first, or MHD prints its own */
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket)s->listen_fd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)lim->threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)lim->connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)lim->timeout_s,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
        MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
        MHD_OPTION_ARRAY, tls_opts,
        MHD_OPTION_END);
    if (!s->d) {
        if (tls)
            say(err, errlen, "the TLS certificate or key was refused (%s, %s)%s%s",
                cfg->tls_cert, cfg->tls_key, s->start_err[0] ? ": " : "", s->start_err);
        else
            say(err, errlen, "the server could not start on %s%s%s", where,
                s->start_err[0] ? ": " : "", s->start_err);
        size_t n = strlen(err);
        while (n && (err[n - 1] == '\n' || err[n - 1] == '.'))
            err[--n] = '\0';
        web_app_release(&s->app);
        close(s->listen_fd);
        free_server(s);
        return tls ? WEB_EINVALID : WEB_EIO;
    }
    atomic_store(&s->started, true);
    if (pthread_create(&s->sweeper, NULL, sweep, s) == 0)
        s->sweeper_started = true;
    if (v6)
        snprintf(s->url, sizeof s->url, "%s://[%s]:%u/", tls ? "https" : "http", host, bound);
    else
        snprintf(s->url, sizeof s->url, "%s://%s:%u/", tls ? "https" : "http", host, bound);
    *out = s;
    return WEB_OK;
}

const char *web_server_url(const struct web_server *s)
{
    return s->url;
}

unsigned web_server_stop(struct web_server *s)
{
    atomic_store(&s->app.stopping, true);
    MHD_socket ls = MHD_quiesce_daemon(s->d);
    if (ls != MHD_INVALID_SOCKET) /* stop listening now (Linux: new connections are
                                   * reset); the fd stays open until the daemon ends */
        shutdown(ls, SHUT_RDWR);
    pthread_mutex_lock(&s->m);
    s->stopping = true;
    pthread_cond_broadcast(&s->changed);
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += s->app.lim.timeout_s;
    while (s->in_flight > 0 &&
           pthread_cond_timedwait(&s->changed, &s->m, &until) != ETIMEDOUT)
        ;
    unsigned cut = s->in_flight;
    pthread_mutex_unlock(&s->m);
    if (s->sweeper_started)
        pthread_join(s->sweeper, NULL);
    MHD_stop_daemon(s->d);
    if (ls != MHD_INVALID_SOCKET) /* quiesced: ours to close; else the daemon closed it */
        close(ls);
    web_app_release(&s->app);
    free_server(s);
    return cut;
}
