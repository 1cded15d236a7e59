/* web_int: what the files of src/web/ share.  One request goes down:
 *
 *   server.c   libmicrohttpd: sockets, threads, TLS, bodies read whole and
 *              bounded (form.c), graceful stop; the only file that includes
 *              microhttpd.h
 *   app.c      one request as plain structs: Host, Origin, session, CSRF,
 *              the write lock, the route; the security headers
 *   pages.c    the routes table, the layout, login and logout, downloads,
 *              the style sheet; the section's pages: year.c (年度の状況,
 *              予算), month.c (月次: payments, explanations, rejections,
 *              corrections), settle.c (精算), audit.c (監査, the access log,
 *              checkpoints), approve.c (決裁: the summary shown first and
 *              its form); actions.c the money actions (POST, under the
 *              write lock)
 *   cache.c    the months a page reads, computed once per stamp
 *   html.c     escaping and templates; chart.c the inline-SVG budget chart
 *   download.c files under OUT/ by relative path
 *   session.c  sessions; csrf.c random tokens and their comparison;
 *   limiter.c  failed logins; auth.c the login with the operator's key;
 *   access.c   the access log of personal data
 *
 * Every page and action calls the procedures of src/flow/ (kasan/flow.h,
 * kasan/flow_view.h) and nothing below them; no HTML is built outside this
 * directory.  Everything below server.c is tested without a socket
 * (tests/unit/test_web.c).  Not here: the ward's procedures (src/flow/),
 * operators and their keys (src/core/sign.c, src/rules), the separation of
 * duties (the ledger's, at the event-append point: src/ledger/approve_store.c). */
#ifndef KASAN_WEB_INT_H
#define KASAN_WEB_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/date.h"
#include "kasan/duty.h"
#include "kasan/strbuf.h"
#include "kasan/web.h"

/* ------------------------------------------------------------ tokens (csrf.c)
 * Session ids and CSRF tokens: 256 random bits (OpenSSL RAND_bytes) as 64
 * lowercase hex digits. */
enum { WEB_TOKEN_BYTES = 32, WEB_TOKEN_HEX = 2 * WEB_TOKEN_BYTES };
/* False when the generator fails (then nothing may be issued). */
bool web_token_new(char out[WEB_TOKEN_HEX + 1]);
/* Exactly 64 lowercase hex digits. */
bool web_token_wellformed(const char *s);
/* given equals expected, compared in time independent of where they differ
 * (CRYPTO_memcmp); NULL, empty or of another length is false.  expected
 * must be well-formed. */
bool web_token_equal(const char *expected, const char *given);

/* ------------------------------------------------------------ login (auth.c)
 * The roles of SPEC 10.1: the operators file's, duty.h's bits. */
enum web_role {
    WEB_ROLE_DRAFT = DUTY_DRAFT,     /* 起案 */
    WEB_ROLE_APPROVE = DUTY_APPROVE, /* 決裁 */
    WEB_ROLE_PAY = DUTY_PAY,         /* 振込 */
    WEB_ROLE_AUDIT = DUTY_AUDIT,     /* 監査 */
};
enum { WEB_ID_MAX = 64, WEB_NAME_MAX = 128, WEB_PASS_MAX = 1024 };

typedef struct web_operator {
    char id[WEB_ID_MAX];     /* the operators file's id, as written there */
    char name[WEB_NAME_MAX]; /* 氏名, shown in the header */
    char post[WEB_NAME_MAX]; /* 役職 */
    unsigned roles;          /* enum web_role bits, as in force at login */
} web_operator;

/* The operator's decrypted signing key (a sign_key), held by the session
 * until logout or expiry.  Opaque; web_key_free wipes it and frees it. */
struct web_key;
struct sign_key;

typedef enum web_auth {
    WEB_AUTH_OK,
    WEB_AUTH_DENIED,    /* unknown id, not in force, no key file, wrong passphrase: one answer */
    WEB_AUTH_WRONG_KEY, /* the passphrase opens a key that is not the operator's */
    WEB_AUTH_ERROR,     /* rules or keys that cannot be read (why says so, for the log) */
} web_auth;

/* What logins need beyond the config: a decoy encrypted key, so that an id
 * with no key costs one scrypt decryption like a wrong passphrase. */
typedef struct web_auth_ctx {
    const web_config *cfg;
    char *decoy_pem;
    size_t decoy_len;
} web_auth_ctx;

/* At start: the rules load and an operators file is in force today, and
 * there is a keys directory; else WEB_EINVALID (rules) or WEB_EUSAGE with
 * one sentence in err. */
web_status web_auth_check_operators(const web_config *cfg, char *err, size_t errlen);
int web_auth_init(web_auth_ctx *ac, const web_config *cfg);
void web_auth_release(web_auth_ctx *ac);
/* The login check (auth.c's header says what it checks).  On WEB_AUTH_OK
 * fills *op and hands over *key. */
web_auth web_auth_login(const web_auth_ctx *ac, const char *id, const char *passphrase,
                        web_operator *op, struct web_key **key, char *why, size_t whylen);
void web_key_free(struct web_key *key);
/* A decrypted key as a session holds it (taken: freed on failure, NULL). */
struct web_key *web_key_from(struct sign_key *k);
/* The signing key inside (flow_actor.key), borrowed. */
const struct sign_key *web_key_sign(const struct web_key *key);
/* Keys wiped since the process began (tests check that logout wipes). */
unsigned web_key_wipes(void);
/* "起案・決裁" for the header; buf of 64 bytes. */
const char *web_roles_ja(unsigned roles, char buf[64]);

/* ------------------------------------------------------------ sessions (session.c) */
enum {
    WEB_IDLE_S = 15 * 60,     /* a session unused this long is over */
    WEB_LIFETIME_S = 12 * 3600 /* and any session after this long */
};

/* A copy of a session's public part, so a page never holds the table lock. */
typedef struct web_session_view {
    bool logged_in;
    char id[WEB_TOKEN_HEX + 1];
    char csrf[WEB_TOKEN_HEX + 1];
    web_operator op; /* logged in only */
} web_session_view;

typedef struct web_session web_session;
typedef struct web_sessions {
    pthread_mutex_t m;
    web_session *slot;
    unsigned max;
} web_sessions;

typedef enum web_sess {
    WEB_SESS_OK,
    WEB_SESS_FULL,   /* every slot holds a logged-in session */
    WEB_SESS_NORAND, /* the random generator failed */
} web_sess;

int web_sessions_init(web_sessions *t, unsigned max);
/* Ends every session, wiping keys (those still held are wiped on release). */
void web_sessions_release(web_sessions *t);
/* A new anonymous session (for the login form and its CSRF token); when the
 * table is full the least recently used anonymous session makes room. */
web_sess web_session_open_anon(web_sessions *t, int64_t now, web_session_view *out);
/* The live session with this id, touched; false if none, expired (then
 * wiped) or ended. */
bool web_session_find(web_sessions *t, const char *id, int64_t now, web_session_view *out);
/* Login: ends the session anon_id (NULL allowed) and opens a NEW one with a
 * new id and a new CSRF token, so an id known before login never becomes a
 * logged-in one (no fixation).  Takes key in every case (freed on failure). */
web_sess web_session_login(web_sessions *t, const char *anon_id, int64_t now,
                           const web_operator *op, struct web_key *key, web_session_view *out);
/* Logout: ends it and wipes its key and tokens; false if there was none. */
bool web_session_end(web_sessions *t, const char *id);
/* Ends the expired sessions; returns how many. */
size_t web_sessions_sweep(web_sessions *t, int64_t now);
/* The session's key for a money action (flow_actor.key; issue 23 signs with it): held
 * until web_session_key_release, so a logout meanwhile wipes it only after
 * the action.  NULL if the session is not live and logged in. */
struct web_key *web_session_key_hold(web_sessions *t, const char *id, int64_t now);
void web_session_key_release(web_sessions *t, struct web_key *key);
/* Sessions held now (live or ended with a held key). */
unsigned web_sessions_count(web_sessions *t);

/* ------------------------------------------------------------ failed logins (limiter.c)
 * Counted per operator id and per client address.  After n failures in a
 * row the next attempt waits 2^(n-1) s (at most WEB_DELAY_MAX_S); at
 * WEB_LOCK_ID failures for an id, or WEB_LOCK_ADDR from an address, it is
 * locked for WEB_LOCK_S.  A count is forgotten WEB_FORGET_S after its last
 * failure; a success clears the id's count (not the address's, so one good
 * account does not reset guessing at others). */
enum {
    WEB_DELAY_MAX_S = 60,
    WEB_LOCK_ID = 10,
    WEB_LOCK_ADDR = 30,
    WEB_LOCK_S = 15 * 60,
    WEB_FORGET_S = 15 * 60,
    WEB_LIMITER_SLOTS = 4096,
};
typedef enum web_limit { WEB_LIMIT_OK, WEB_LIMIT_WAIT, WEB_LIMIT_LOCKED } web_limit;
typedef struct web_limiter_slot web_limiter_slot;
typedef struct web_limiter {
    pthread_mutex_t m;
    web_limiter_slot *slot; /* WEB_LIMITER_SLOTS */
} web_limiter;

int web_limiter_init(web_limiter *l);
void web_limiter_release(web_limiter *l);
/* May this attempt go ahead?  If not, *retry_s says when. */
web_limit web_limiter_check(web_limiter *l, const char *id, const char *addr, int64_t now,
                            int64_t *retry_s);
void web_limiter_failed(web_limiter *l, const char *id, const char *addr, int64_t now);
void web_limiter_succeeded(web_limiter *l, const char *id, int64_t now);

/* ------------------------------------------------------------ request bodies (form.c) */
typedef struct web_field {
    char *name, *filename; /* filename NULL for a text field */
    char *data;            /* NUL-terminated (files may hold NULs: use len) */
    size_t len, cap;
} web_field;

typedef enum web_form_status {
    WEB_FORM_OK,
    WEB_FORM_TOO_MANY_FIELDS,
    WEB_FORM_FIELD_TOO_LONG,
    WEB_FORM_TOO_MANY_FILES,
    WEB_FORM_FILE_TOO_LARGE,
    WEB_FORM_NO_FILES_HERE, /* a file sent to a form that takes none */
} web_form_status;

typedef struct web_form {
    web_field *f;
    size_t n, cap, files;
    web_limits lim;   /* with the defaults filled in */
    bool files_allowed;
    web_form_status st; /* the first bound crossed; nothing more is kept */
} web_form;

void web_form_init(web_form *form, const web_limits *lim, bool files_allowed);
/* One piece of a field as the body parser hands it over: off == 0 starts a
 * field, off > 0 continues the last one.  Returns the form's status. */
web_form_status web_form_feed(web_form *form, const char *name, const char *filename,
                              const char *data, size_t off, size_t len);
/* The value of a text field sent exactly once; NULL if absent, repeated
 * or a file. */
const char *web_form_value(const web_form *form, const char *name);
/* Wipes every value (passphrases pass through here) and frees. */
void web_form_release(web_form *form);
/* The limits with 0 replaced by the defaults of web.h. */
web_limits web_limits_resolve(const web_limits *given);

/* ------------------------------------------------------------ HTML (html.c)
 * A page is built in a web_html, which only this module's functions write:
 * literal markup must be a string literal in the code, and every value
 * passes through an argument that says what it is, so text is escaped
 * unless it is already a web_html.  A nursery called "<script>" is shown as
 * &lt;script&gt;. */
typedef struct web_html {
    strbuf sb;
} web_html;

enum web_harg_kind { WEB_HA_TEXT, WEB_HA_INT, WEB_HA_YEN, WEB_HA_HTML };
typedef struct web_harg {
    enum web_harg_kind kind;
    const char *s; /* TEXT: any text (NULL shows nothing); HTML: markup */
    int64_t i;     /* INT, YEN */
} web_harg;

#define H_TEXT(s) ((web_harg){WEB_HA_TEXT, (s), 0})
#define H_INT(n) ((web_harg){WEB_HA_INT, NULL, (int64_t)(n)})
/* whole yen with digit groups and 円: "1,234,567円" */
#define H_YEN(n) ((web_harg){WEB_HA_YEN, NULL, (int64_t)(n)})
/* another fragment, already HTML: only a web_html pointer is accepted */
#define H_HTML(h) ((web_harg){WEB_HA_HTML, web_html_str(h), 0})

void web_html_init(web_html *h);
void web_html_release(web_html *h);
const char *web_html_str(const web_html *h);
/* Appends the template tmpl (a string literal) with each "{}" replaced by
 * the next argument, escaped as its kind says ("{{" is a literal "{").
 * The count of "{}" must equal the count of arguments (asserted). */
#define web_html(h, tmpl, ...)                                                       \
    web_html_fmt_((h), "" tmpl "", (const web_harg[]){__VA_ARGS__},                  \
                  sizeof((const web_harg[]){__VA_ARGS__}) / sizeof(web_harg))
/* Appends literal markup (a string literal). */
#define web_html_lit(h, lit) web_html_lit_((h), "" lit "", sizeof(lit) - 1)
void web_html_fmt_(web_html *h, const char *tmpl, const web_harg *args, size_t n);
void web_html_lit_(web_html *h, const char *lit, size_t n);
/* Appends text escaped for an HTML text node or a quoted attribute:
 * & < > " ' become entities; C0 controls other than tab, LF, CR and DEL are
 * dropped. */
void web_html_text(web_html *h, const char *s);
void web_html_text_n(web_html *h, const char *s, size_t n);
/* The string escaped, appended to a plain strbuf (the tests, error bodies). */
void web_escape(strbuf *sb, const char *s, size_t n);

/* Pagination of a long list: page is 1-based.  page_param is the raw
 * ?page= value (NULL, junk or out of range gives page 1 or the last). */
typedef struct web_pager {
    size_t total, per_page, page, pages;
    size_t first, count; /* the rows of this page: [first, first + count) */
} web_pager;
web_pager web_pager_make(size_t total, size_t per_page, const char *page_param);
/* The links to the first, previous, next and last pages, base being the
 * path and query before "page=" ("/downloads?" or "/downloads?dir=2025-04&"),
 * escaped here.  Nothing when there is one page. */
void web_html_pager(web_html *h, const web_pager *p, const char *base);

/* ------------------------------------------------------------ chart (chart.c) */
typedef struct web_budget_chart {
    int fy;                 /* fiscal year: April fy .. March fy+1 */
    int64_t line_yen;       /* 予算額; 0 when the year has no line */
    int64_t cumulative[12]; /* paid by the end of each month, April first */
    int months;             /* how many of cumulative[] are known (0..12) */
} web_budget_chart;
/* Geometry of the chart, in SVG user units (viewBox 0 0 W H). */
enum {
    WEB_CHART_W = 640, WEB_CHART_H = 320,
    WEB_CHART_LEFT = 96, WEB_CHART_RIGHT = 16, WEB_CHART_TOP = 16, WEB_CHART_BOTTOM = 40,
    WEB_CHART_TICKS = 4, /* horizontal grid lines above zero */
};
/* The scale's top: the smallest 1, 2 or 5 × 10^k × WEB_CHART_TICKS at or
 * above the larger of the line and the last cumulative amount (at least
 * WEB_CHART_TICKS yen). */
int64_t web_chart_top(const web_budget_chart *c);
/* y of an amount for that top (amount clamped to 0..top): integer
 * arithmetic, rounded down. */
int web_chart_y(int64_t yen, int64_t top);
/* x of month i (0 = April) at the middle of its twelfth of the plot. */
int web_chart_x(int i);
/* Appends <svg> with the budget line, the cumulative payments and a title
 * and description for screen readers. */
void web_chart_budget(web_html *h, const web_budget_chart *c);

/* ------------------------------------------------------------ downloads (download.c) */
typedef enum web_dl {
    WEB_DL_OK,
    WEB_DL_BAD_PATH,  /* not a path kasan could have written: traversal, encoding, ... */
    WEB_DL_NOT_FOUND, /* no such file, or a symlink, or not a regular file */
    WEB_DL_IO,
} web_dl;

typedef struct web_download {
    int fd;                   /* open for reading; the caller closes it */
    uint64_t size;
    const char *content_type; /* by the extension */
    char disposition[320];    /* attachment; filename="..." */
} web_download;

/* Syntax only: 1..3 components of [A-Za-z0-9_.-], none empty or starting
 * with '.', separated by single '/', not absolute, an extension kasan
 * writes (csv, xlsx, txt, pdf, jsonl).  Everything else, "%2e%2e", "%2f",
 * "\\", NUL, non-ASCII included, is refused. */
bool web_download_path_ok(const char *rel);
/* Opens OUT/rel for a download: the syntax above, then each directory
 * opened below OUT without following a symlink (O_NOFOLLOW), the file a
 * regular one.  dl->fd is -1 unless WEB_DL_OK. */
web_dl web_download_open(const char *out_dir, const char *rel, web_download *dl);
/* The roles one of them needs beyond being logged in: the transfer files
 * (bank accounts, money moving) need WEB_ROLE_PAY. */
unsigned web_download_roles(const char *rel);
/* The downloadable names in OUT/dir (dir "" = OUT itself), sorted: files
 * that pass web_download_path_ok and subdirectories (with a trailing '/').
 * A malloc'd array of malloc'd strings; free with web_download_list_free.
 * 0 or -1 (errno). */
int web_download_list(const char *out_dir, const char *dir, char ***names, size_t *n);
void web_download_list_free(char **names, size_t n);

/* ------------------------------------------------------------ one request (app.c) */
enum { WEB_ARGS_MAX = 16 };
typedef struct web_arg {
    const char *name, *value; /* as sent, not %-decoded */
} web_arg;

typedef struct web_request {
    const char *method;  /* "GET", "HEAD", "POST" */
    const char *path;    /* as sent, not %-decoded */
    const char *query_page, *query_dir; /* raw ?page= and ?dir= values, or NULL */
    web_arg args[WEB_ARGS_MAX];         /* every query argument (the first WEB_ARGS_MAX) */
    size_t n_args;
    const char *cookie;  /* the session cookie's value, or NULL */
    const char *host, *origin, *sec_fetch_site; /* headers, or NULL */
    const char *addr;    /* the client's address */
    int64_t now;         /* monotonic seconds */
    web_form *form;      /* POST: the body read whole; NULL otherwise */
} web_request;

typedef struct web_response {
    int status;
    const char *content_type;
    web_html body;
    int fd;              /* a file instead of body (downloads), or -1 */
    uint64_t fd_size;
    char set_cookie[256];
    char location[256];
    char disposition[320];
    bool cacheable;      /* only the style sheet; pages are no-store */
    bool close;          /* Connection: close (the server is stopping) */
} web_response;

void web_response_init(web_response *r);
void web_response_release(web_response *r);

typedef struct web_app web_app;

/* Per request, after app.c has checked what it checks. */
typedef struct web_ctx {
    web_app *app;
    const web_request *req;
    web_response *resp;
    web_session_view s; /* found, or anonymous on public routes */
    bool have_session;
} web_ctx;

enum web_route_flags {
    WEB_R_PUBLIC = 1u << 0, /* no login needed (login, style sheet) */
    WEB_R_WRITE = 1u << 1,  /* a money action: runs under the write lock */
    WEB_R_UPLOAD = 1u << 2, /* takes files (multipart), bounded by the upload limits */
    WEB_R_PREFIX = 1u << 3, /* path is a prefix ("/download/") */
};

typedef struct web_route {
    const char *method; /* "GET" (HEAD too) or "POST" */
    const char *path;
    unsigned flags;
    void (*fn)(web_ctx *);
} web_route;

struct web_app {
    const web_config *cfg;
    web_limits lim;
    bool tls;
    char origin[200];       /* "http://127.0.0.1:8080": a POST's Origin must be it */
    char hosts[4][160];     /* Host values accepted without TLS (DNS rebinding) */
    size_t n_hosts;
    const web_route *routes;
    size_t n_routes;
    web_sessions sessions;
    web_limiter limiter;
    web_auth_ctx auth;
    struct web_cache *cache;    /* cache.c */
    pthread_mutex_t write_lock; /* money actions, one at a time */
    atomic_bool stopping;       /* set by web_server_stop: Connection: close */
};

/* The routes of pages.c. */
extern const web_route web_routes[];
extern const size_t web_n_routes;

/* port is the one bound; host the listen host as given ("127.0.0.1"). */
int web_app_init(web_app *app, const web_config *cfg, bool tls, const char *host, unsigned port);
void web_app_release(web_app *app);
/* The route for method and path; NULL if none (then *path_known says
 * whether another method has it: 405 rather than 404). */
const web_route *web_route_find(const web_app *app, const char *method, const char *path,
                                bool *path_known);
/* Answers one request into resp (which the caller initialized). */
void web_handle(web_app *app, const web_request *req, web_response *resp);
/* Calls add(name, value) for every header of the response: the security
 * headers first, then content type, cache, cookie, location, disposition. */
void web_response_headers(const web_app *app, const web_response *resp,
                          void (*add)(void *ctx, const char *name, const char *value),
                          void *ctx);
/* The session cookie's name: "__Host-kasan" under TLS, "kasan" without. */
const char *web_cookie_name(const web_app *app);
/* Set-Cookie for the session id (HttpOnly, SameSite=Strict, Path=/, and
 * Secure under TLS), or one that clears it. */
void web_set_session_cookie(web_ctx *c, const char *id);
void web_clear_session_cookie(web_ctx *c);
/* A page for a status (403, 404, 413, ...) with a Japanese message. */
void web_error_page(web_ctx *c, int status, const char *message);
/* The same for a request refused before it reached web_handle (a body too
 * large for its Content-Length, a body that cannot be parsed). */
void web_refuse(web_app *app, web_response *resp, int status, const char *message);
/* 303 See Other to a local path (a literal of the code). */
void web_redirect(web_response *resp, const char *path);

/* ------------------------------------------------------------ pages (pages.c) */
/* Starts a page: doctype, head, header with the operator and logout,
 * navigation (current marks where we are: "/", "/budget", ...), <main>. */
void web_page_begin(web_ctx *c, const char *title, const char *current);
void web_page_end(web_ctx *c);
/* The login page, with message (NULL: none) and the id tried (NULL: empty;
 * the cursor then goes to the passphrase). */
void web_login_page(web_ctx *c, int status, const char *message, const char *id);

/* ------------------------------------------------------------ query arguments (app.c) */
/* The raw value of query argument name sent exactly once, or NULL. */
const char *web_query(const web_request *req, const char *name);
/* ?NAME=YYYY-MM: true with *m when present and a real month. */
bool web_query_month(const web_request *req, const char *name, claim_month *m);
/* ?NAME=YYYY (1900..9998): true with *fy. */
bool web_query_fy(const web_request *req, const char *name, int *fy);
/* An id kasan writes (a nursery, an operator): 1..64 of [A-Za-z0-9_.-]. */
bool web_id_ok(const char *s);

/* ------------------------------------------------------------ personal data (access.c)
 * Every page view or download that shows children's care types or bank
 * accounts is logged before it is shown (flow_access_record: a table of the
 * ledger database, outside the hash chain; `kasan audit access` prints it);
 * a page whose entry cannot be written is not shown. */
/* 0, or -1 when the entry could not be written (then show nothing). */
int web_access_log(web_ctx *c, const char *what);

/* ------------------------------------------------------------ months read (cache.c)
 * A page of a month reads a flow_month_view: computed once per stamp
 * (flow_month_view_stamp: a finalized month's run id, a draft's input
 * files), kept for the next pages (at most WEB_CACHE_MONTHS, least recently
 * used out), one computed at a time so that many readers of a cold month
 * compute it once.  A view in use is never freed under its reader. */
enum { WEB_CACHE_MONTHS = 3 };
struct flow_month_view;
typedef struct web_month_ref web_month_ref;
int web_cache_init(web_app *app);
void web_cache_release(web_app *app);
/* The view of month m (its ->run NULL when it could not be computed: its
 * notes say why; *rc the exit code), to be given back with web_month_put. */
web_month_ref *web_month_get(web_app *app, claim_month m, int *rc);
const struct flow_month_view *web_month_view(const web_month_ref *ref);
void web_month_put(web_app *app, web_month_ref *ref);
/* Views computed since start (tests: a second page does not recompute). */
unsigned web_cache_computed(web_app *app);
/* Fragments of pages read from the ledger alone, kept by a key naming all
 * they depend on (the chain head among it); mark is the caller's offset
 * into the fragment (where the request's own part goes). */
enum { WEB_FRAGMENTS = 8 };
/* A malloc'd copy of the fragment kept under key, with its mark; NULL if none. */
char *web_fragment_get(web_app *app, const char *key, size_t *mark);
void web_fragment_put(web_app *app, const char *key, const char *html, size_t mark);

/* ------------------------------------------------------------ the section's pages */
struct flow_notes;
/* A procedure's notes as paragraphs (messages) and preformatted lines
 * (diagnostics, result lines); strip (may be NULL) is cut from the front of
 * every line it begins (an upload's temporary directory). */
void web_notes(web_html *h, const struct flow_notes *n, const char *strip);
/* "2025年4月" */
void web_month_label(claim_month m, char buf[32]);
/* A correction's differences as a table: its head (with the nursery column
 * unless for one nursery), one row (the nursery linked to its explanation
 * of month mon when mon is given), its end. */
void web_corrections_head(web_html *h, const char *caption, bool nursery_column);
struct ledger_correction; /* kasan/ledger.h */
void web_correction_row(web_html *h, const struct ledger_correction *k, bool nursery_column,
                        const char *mon);
/* Whether the session's operator has role (a duty_role bit). */
bool web_has_role(const web_ctx *c, unsigned role);
/* The hidden CSRF field of a form. */
void web_csrf_field(web_ctx *c);

void web_page_year(web_ctx *c);        /* GET / */
void web_page_budget(web_ctx *c);      /* GET /budget */
void web_page_month(web_ctx *c);       /* GET /month */
void web_page_nursery(web_ctx *c);     /* GET /month/nursery */
void web_page_rejections(web_ctx *c);  /* GET /month/rejections */
void web_page_corrections(web_ctx *c); /* GET /month/corrections */
void web_page_settlement(web_ctx *c);  /* GET /settlement */
void web_page_audit(web_ctx *c);       /* GET /audit */
void web_page_access(web_ctx *c);      /* GET /audit/access */
void web_page_approve(web_ctx *c);     /* GET /approve: the months waiting for 決裁 */
/* 決裁 (approve.c): on a finalized month's page (settlement_fy 0) or the
 * settlement page, for the approve role, what flow_approve_summary returns
 * and the form that approves exactly it; the role named for others. */
void web_approve_section(web_ctx *c, claim_month m, int settlement_fy);
struct flow_approve_res;
/* The summary of an approval (also the result page of the POST). */
void web_approve_summary(web_html *h, const struct flow_approve_res *r);
/* The money actions (actions.c), each POST under the write lock. */
void web_action_intake(web_ctx *c);
void web_action_forms(web_ctx *c);
void web_action_run(web_ctx *c);
void web_action_finalize(web_ctx *c);
void web_action_correct(web_ctx *c);
void web_action_transfer(web_ctx *c);
void web_action_settle(web_ctx *c);
void web_action_settle_transfer(web_ctx *c);
void web_action_approve(web_ctx *c);        /* POST /month/approve */
void web_action_settle_approve(web_ctx *c); /* POST /settlement/approve */
void web_action_checkpoint(web_ctx *c);     /* POST /audit/checkpoint (audit role) */

#endif
