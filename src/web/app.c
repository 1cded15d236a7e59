/* app: one request of the web front-end, from plain structs to a response,
 * checked in this order before any page runs:
 *   1. Host: without TLS only the names of the address listened on (a DNS
 *      rebinding page on another name gets 421);
 *   2. the route (404, 405);
 *   3. the session from the cookie; a page that needs a login sends a GET
 *      without one to the login page and refuses a POST (403);
 *   4. a POST: same Origin and not a cross-site fetch (403), a body within
 *      its bounds (413), and the session's CSRF token in the field "csrf",
 *      compared in constant time (403 and nothing done);
 *   5. a money action runs under the write lock, its body already read
 *      whole (server.c), so a slow client never holds the lock.
 * Every response gets the security headers of web_response_headers.
 * Not here: sockets and bodies (server.c), what pages show (pages.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web_int.h"

void web_response_init(web_response *r)
{
    memset(r, 0, sizeof *r);
    r->status = 200;
    r->content_type = "text/html; charset=utf-8";
    web_html_init(&r->body);
    r->fd = -1;
}

void web_response_release(web_response *r)
{
    web_html_release(&r->body);
}

int web_app_init(web_app *app, const web_config *cfg, bool tls, const char *host, unsigned port)
{
    memset(app, 0, sizeof *app);
    atomic_init(&app->stopping, false);
    app->cfg = cfg;
    app->lim = web_limits_resolve(&cfg->limits);
    app->tls = tls;
    app->routes = web_routes;
    app->n_routes = web_n_routes;
    bool v6 = strchr(host, ':') != NULL;
    char (*h)[160] = app->hosts;
    if (v6)
        snprintf(h[app->n_hosts++], sizeof h[0], "[%s]:%u", host, port);
    else
        snprintf(h[app->n_hosts++], sizeof h[0], "%s:%u", host, port);
    if (!strcasecmp(host, "localhost")) {
        snprintf(h[app->n_hosts++], sizeof h[0], "127.0.0.1:%u", port);
        snprintf(h[app->n_hosts++], sizeof h[0], "[::1]:%u", port);
    } else if (web_is_loopback(host))
        snprintf(h[app->n_hosts++], sizeof h[0], "localhost:%u", port);
    snprintf(app->origin, sizeof app->origin, "%s://%s", tls ? "https" : "http", h[0]);
    if (web_sessions_init(&app->sessions, app->lim.sessions))
        return -1;
    if (web_limiter_init(&app->limiter)) {
        web_sessions_release(&app->sessions);
        return -1;
    }
    if (web_auth_init(&app->auth, cfg)) {
        web_limiter_release(&app->limiter);
        web_sessions_release(&app->sessions);
        return -1;
    }
    if (web_cache_init(app)) {
        web_auth_release(&app->auth);
        web_limiter_release(&app->limiter);
        web_sessions_release(&app->sessions);
        return -1;
    }
    pthread_mutex_init(&app->write_lock, NULL);
    return 0;
}

void web_app_release(web_app *app)
{
    web_sessions_release(&app->sessions);
    web_limiter_release(&app->limiter);
    web_auth_release(&app->auth);
    web_cache_release(app);
    pthread_mutex_destroy(&app->write_lock);
}

const char *web_query(const web_request *req, const char *name)
{
    const char *v = NULL;
    for (size_t i = 0; i < req->n_args; i++)
        if (req->args[i].name && !strcmp(req->args[i].name, name)) {
            if (v)
                return NULL; /* sent twice: neither */
            v = req->args[i].value ? req->args[i].value : "";
        }
    return v;
}

bool web_query_month(const web_request *req, const char *name, claim_month *m)
{
    const char *v = web_query(req, name);
    return v && month_parse(v, m) && m->year >= 1900 && m->year <= 9998;
}

bool web_query_fy(const web_request *req, const char *name, int *fy)
{
    const char *v = web_query(req, name);
    if (!v || strlen(v) != 4)
        return false;
    int y = 0;
    for (int i = 0; i < 4; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        y = y * 10 + (v[i] - '0');
    }
    if (y < 1900 || y > 9998)
        return false;
    *fy = y;
    return true;
}

bool web_id_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-' || ch == '.'))
            return false;
    }
    return s[0] != '.';
}

const web_route *web_route_find(const web_app *app, const char *method, const char *path,
                                bool *path_known)
{
    *path_known = false;
    if (!strcmp(method, "HEAD"))
        method = "GET";
    for (size_t i = 0; i < app->n_routes; i++) {
        const web_route *r = &app->routes[i];
        bool match = r->flags & WEB_R_PREFIX ? !strncmp(path, r->path, strlen(r->path))
                                             : !strcmp(path, r->path);
        if (!match)
            continue;
        *path_known = true;
        if (!strcmp(method, r->method))
            return r;
    }
    return NULL;
}

const char *web_cookie_name(const web_app *app)
{
    /* __Host-: the browser keeps it only if Secure, Path=/ and no Domain */
    return app->tls ? "__Host-kasan" : "kasan";
}

void web_set_session_cookie(web_ctx *c, const char *id)
{
    snprintf(c->resp->set_cookie, sizeof c->resp->set_cookie,
             "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", web_cookie_name(c->app), id,
             c->app->tls ? "; Secure" : "");
}

void web_clear_session_cookie(web_ctx *c)
{
    snprintf(c->resp->set_cookie, sizeof c->resp->set_cookie,
             "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", web_cookie_name(c->app),
             c->app->tls ? "; Secure" : "");
}

void web_redirect(web_response *resp, const char *path)
{
    resp->status = 303;
    snprintf(resp->location, sizeof resp->location, "%s", path);
    web_html_lit(&resp->body, "");
}

static const char *status_title(int status)
{
    switch (status) {
    case 400: return "リクエストが正しくありません";
    case 403: return "この操作はできません";
    case 404: return "見つかりません";
    case 405: return "この方法では使えません";
    case 413: return "送信されたデータが大きすぎます";
    case 421: return "このアドレスでは使えません";
    case 429: return "しばらくお待ちください";
    case 503: return "混み合っています";
    default: return "サーバーの内部エラー";
    }
}

void web_error_page(web_ctx *c, int status, const char *message)
{
    web_response *r = c->resp;
    r->status = status;
    r->fd = -1;
    sb_reset(&r->body.sb);
    r->content_type = "text/html; charset=utf-8";
    const char *title = status_title(status);
    if (c->have_session && c->s.logged_in) {
        web_page_begin(c, title, NULL);
        web_html(&r->body, "<p class=\"error\" role=\"alert\">{}</p>", H_TEXT(message));
        web_page_end(c);
        return;
    }
    web_html(&r->body,
             "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<title>{} — kasan</title><link rel=\"stylesheet\" href=\"/static/style.css\">"
             "</head><body><main id=\"main\"><h1>{}</h1>"
             "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/login\">ログイン画面へ</a></p>"
             "</main></body></html>",
             H_TEXT(title), H_TEXT(title), H_TEXT(message));
}

void web_refuse(web_app *app, web_response *resp, int status, const char *message)
{
    web_ctx c = {app, NULL, resp, {0}, false};
    resp->close = true;
    web_error_page(&c, status, message);
}

static bool host_ok(const web_app *app, const char *host)
{
    if (app->tls) /* a rebinding name fails the certificate */
        return true;
    if (!host)
        return false;
    for (size_t i = 0; i < app->n_hosts; i++)
        if (!strcasecmp(host, app->hosts[i]))
            return true;
    return false;
}

/* A POST from our own pages: Origin (when sent) is this server's, and the
 * browser's Sec-Fetch-Site (when sent) says same-origin. */
static bool same_origin(const web_app *app, const web_request *req)
{
    if (req->sec_fetch_site && strcmp(req->sec_fetch_site, "same-origin") &&
        strcmp(req->sec_fetch_site, "none"))
        return false;
    if (!req->origin)
        return true;
    if (!req->host)
        return false;
    const char *scheme = app->tls ? "https://" : "http://";
    size_t n = strlen(scheme);
    return !strncasecmp(req->origin, scheme, n) && !strcasecmp(req->origin + n, req->host);
}

static const char *form_problem(web_form_status st)
{
    switch (st) {
    case WEB_FORM_TOO_MANY_FIELDS: return "項目が多すぎます。";
    case WEB_FORM_FIELD_TOO_LONG: return "入力が長すぎます。";
    case WEB_FORM_TOO_MANY_FILES: return "一度に送れるファイルの数を超えています。";
    case WEB_FORM_FILE_TOO_LARGE: return "ファイルが大きすぎます。";
    case WEB_FORM_NO_FILES_HERE: return "この画面ではファイルを受け付けません。";
    case WEB_FORM_OK: break;
    }
    return "";
}

void web_handle(web_app *app, const web_request *req, web_response *resp)
{
    web_ctx c = {app, req, resp, {0}, false};
    resp->close = atomic_load(&app->stopping);
    if (!host_ok(app, req->host)) {
        web_error_page(&c, 421, "このサーバーには、起動したときのアドレスで接続してください。");
        return;
    }
    bool known = false;
    const web_route *r = web_route_find(app, req->method, req->path, &known);
    if (!r) {
        web_error_page(&c, known ? 405 : 404,
                       known ? "この画面はこの方法では使えません。" : "そのページはありません。");
        return;
    }
    c.have_session = req->cookie &&
                     web_session_find(&app->sessions, req->cookie, req->now, &c.s);
    bool post = !strcmp(r->method, "POST");
    if (!(r->flags & WEB_R_PUBLIC) && !(c.have_session && c.s.logged_in)) {
        if (!post) {
            web_redirect(resp, "/login");
            return;
        }
        web_error_page(&c, 403, "ログインしていないため、操作は行われませんでした。");
        return;
    }
    if (post) {
        if (!same_origin(app, req)) {
            web_error_page(&c, 403, "別のサイトからの送信は受け付けません。操作は行われませんでした。");
            return;
        }
        if (!req->form) {
            web_error_page(&c, 400, "フォームの内容がありません。");
            return;
        }
        if (req->form->st != WEB_FORM_OK) {
            web_error_page(&c, 413, form_problem(req->form->st));
            return;
        }
        if (!c.have_session || !web_token_equal(c.s.csrf, web_form_value(req->form, "csrf"))) {
            web_error_page(&c, 403,
                           "フォームの確認用の値が正しくないか、期限が切れています。"
                           "操作は行われませんでした。画面を開き直してください。");
            return;
        }
    }
    if (r->flags & WEB_R_WRITE)
        pthread_mutex_lock(&app->write_lock);
    r->fn(&c);
    if (r->flags & WEB_R_WRITE)
        pthread_mutex_unlock(&app->write_lock);
}

void web_response_headers(const web_app *app, const web_response *resp,
                          void (*add)(void *ctx, const char *name, const char *value), void *ctx)
{
    add(ctx, "Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'");
    add(ctx, "X-Content-Type-Options", "nosniff");
    add(ctx, "X-Frame-Options", "DENY");
    /* same-origin, not no-referrer: under no-referrer a browser sends
     * "Origin: null" with our own forms, which the Origin check refuses */
    add(ctx, "Referrer-Policy", "same-origin");
    add(ctx, "Cross-Origin-Opener-Policy", "same-origin");
    add(ctx, "Cross-Origin-Resource-Policy", "same-origin");
    if (app->tls)
        add(ctx, "Strict-Transport-Security", "max-age=31536000");
    add(ctx, "Content-Type", resp->content_type);
    add(ctx, "Cache-Control", resp->cacheable ? "private, max-age=3600" : "no-store");
    if (resp->set_cookie[0])
        add(ctx, "Set-Cookie", resp->set_cookie);
    if (resp->location[0])
        add(ctx, "Location", resp->location);
    if (resp->disposition[0])
        add(ctx, "Content-Disposition", resp->disposition);
    if (resp->close)
        add(ctx, "Connection", "close");
}
