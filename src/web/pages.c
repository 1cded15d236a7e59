/* pages: the frame of every page of `kasan serve` — the routes table, the
 * layout (header with the operator and logout, the section's navigation,
 * <main>), the login and logout, the downloads, the style sheet, and the
 * small helpers the section's pages share (notes, month labels, roles, the
 * CSRF field).  Japanese, plain HTML and CSS, no JavaScript; every control
 * is a link, a button or a field, reachable with Tab, and a skip link leads
 * to the main content.
 * Not here: the section's pages (year.c, month.c, settle.c, audit.c) and
 * actions (actions.c), checks every request passes (app.c), markup helpers
 * (html.c, chart.c), reading files (download.c). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/flow.h"
#include "web_int.h"

static const struct {
    const char *path, *label;
} nav[] = {
    {"/", "年度の状況"}, {"/budget", "予算"},     {"/month", "月次"},
    {"/settlement", "精算"}, {"/audit", "監査"}, {"/downloads", "ダウンロード"},
};

void web_page_begin(web_ctx *c, const char *title, const char *current)
{
    web_html *h = &c->resp->body;
    web_html(h,
             "<!DOCTYPE html><html lang=\"ja\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             "<title>{} — kasan</title><link rel=\"stylesheet\" href=\"/static/style.css\">"
             "</head><body><a class=\"skip\" href=\"#main\">本文へ移動</a><header>"
             "<p class=\"app\">医療的ケア児受入加算・看護師等配置補助</p>",
             H_TEXT(title));
    if (c->have_session && c->s.logged_in) {
        char roles[64];
        web_html(h,
                 "<p class=\"who\">{}（{}）<span class=\"roles\">{} 権限：{}</span></p>"
                 "<form class=\"logout\" method=\"post\" action=\"/logout\">"
                 "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
                 "<button type=\"submit\">ログアウト</button></form>",
                 H_TEXT(c->s.op.name), H_TEXT(c->s.op.id), H_TEXT(c->s.op.post),
                 H_TEXT(web_roles_ja(c->s.op.roles, roles)), H_TEXT(c->s.csrf));
    }
    web_html_lit(h, "</header>");
    if (c->have_session && c->s.logged_in) {
        web_html_lit(h, "<nav aria-label=\"メニュー\"><ul>");
        for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
            if (current && !strcmp(current, nav[i].path))
                web_html(h, "<li><a href=\"{}\" aria-current=\"page\">{}</a></li>",
                         H_TEXT(nav[i].path), H_TEXT(nav[i].label));
            else
                web_html(h, "<li><a href=\"{}\">{}</a></li>", H_TEXT(nav[i].path),
                         H_TEXT(nav[i].label));
        }
        web_html_lit(h, "</ul></nav>");
    }
    web_html(h, "<main id=\"main\" tabindex=\"-1\"><h1>{}</h1>", H_TEXT(title));
}

void web_page_end(web_ctx *c)
{
    web_html_lit(&c->resp->body, "</main></body></html>");
}

/* ------------------------------------------------------------ login, logout */

void web_login_page(web_ctx *c, int status, const char *message, const char *id)
{
    web_response *r = c->resp;
    r->status = status;
    sb_reset(&r->body.sb);
    web_page_begin(c, "ログイン", NULL);
    web_html *h = &r->body;
    if (message && *message)
        web_html(h, "<p class=\"error\" role=\"alert\">{}</p>", H_TEXT(message));
    bool have_id = id && *id;
    web_html(h,
             "<form class=\"login\" method=\"post\" action=\"/login\">"
             "<input type=\"hidden\" name=\"csrf\" value=\"{}\">"
             "<p><label for=\"id\">職員ID</label>"
             "<input id=\"id\" name=\"id\" value=\"{}\" autocomplete=\"username\" required{} "
             "maxlength=\"63\" spellcheck=\"false\"></p>"
             "<p><label for=\"passphrase\">鍵のパスフレーズ</label>"
             "<input id=\"passphrase\" name=\"passphrase\" type=\"password\" "
             "autocomplete=\"current-password\" required{} maxlength=\"1024\"></p>"
             "<p><button type=\"submit\">ログイン</button></p></form>",
             H_TEXT(c->s.csrf), H_TEXT(have_id ? id : ""), H_TEXT(have_id ? "" : " autofocus"),
             H_TEXT(have_id ? " autofocus" : ""));
    web_page_end(c);
}

static void get_login(web_ctx *c)
{
    if (c->have_session && c->s.logged_in) {
        web_redirect(c->resp, "/");
        return;
    }
    if (!c->have_session) { /* the login form's own session, for its CSRF token */
        web_sess st = web_session_open_anon(&c->app->sessions, c->req->now, &c->s);
        if (st != WEB_SESS_OK) {
            web_error_page(c, 503, "ログインしている人が多すぎます。しばらくしてからもう一度お試しください。");
            return;
        }
        c->have_session = true;
        web_set_session_cookie(c, c->s.id);
    }
    web_login_page(c, 200, NULL, NULL);
}

static bool printable_ascii(const char *s, size_t max)
{
    size_t n = strnlen(s, max + 1);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
            return false;
    return true;
}

static void post_login(web_ctx *c)
{
    web_app *app = c->app;
    const char *id = web_form_value(c->req->form, "id");
    const char *pass = web_form_value(c->req->form, "passphrase");
    if (!id || !pass || !printable_ascii(id, WEB_ID_MAX - 1) || !*pass ||
        strlen(pass) > WEB_PASS_MAX) {
        web_login_page(c, 400, "職員IDとパスフレーズを入力してください。", NULL);
        return;
    }
    int64_t retry = 0;
    web_limit lim = web_limiter_check(&app->limiter, id, c->req->addr, c->req->now, &retry);
    if (lim != WEB_LIMIT_OK) {
        char msg[256];
        if (lim == WEB_LIMIT_LOCKED)
            snprintf(msg, sizeof msg, "ログインの失敗が続いたため、ロックしています。約%lld分後にもう一度お試しください。",
                     (long long)((retry + 59) / 60));
        else
            snprintf(msg, sizeof msg, "ログインの失敗が続いたため、%lld秒待ってからもう一度お試しください。",
                     (long long)retry);
        web_login_page(c, 429, msg, id);
        return;
    }
    web_operator op;
    struct web_key *key = NULL;
    char why[512];
    web_auth a = web_auth_login(&app->auth, id, pass, &op, &key, why, sizeof why);
    if (a != WEB_AUTH_OK) /* why, for the keeper of the server: never on the page */
        fprintf(stderr, "kasan serve: login of '%s' refused: %s\n", id, why);
    if (a == WEB_AUTH_ERROR) {
        web_login_page(c, 500, "鍵または操作者ファイルを読めないため、ログインできません。管理者に連絡してください。", id);
        return;
    }
    if (a == WEB_AUTH_WRONG_KEY) {
        web_limiter_failed(&app->limiter, id, c->req->addr, c->req->now);
        web_login_page(c, 403, "この鍵は、操作者ファイルに登録されたあなたの公開鍵と対になっていません。管理者に連絡してください。", id);
        return;
    }
    if (a == WEB_AUTH_DENIED) {
        web_limiter_failed(&app->limiter, id, c->req->addr, c->req->now);
        web_login_page(c, 401, "職員IDまたはパスフレーズが違います。", id);
        return;
    }
    web_limiter_succeeded(&app->limiter, id, c->req->now);
    web_session_view fresh;
    web_sess st = web_session_login(&app->sessions, c->s.id, c->req->now, &op, key, &fresh);
    if (st != WEB_SESS_OK) {
        c->have_session = false;
        web_error_page(c, 503, "ログインしている人が多すぎます。しばらくしてからもう一度お試しください。");
        return;
    }
    c->s = fresh;
    web_set_session_cookie(c, fresh.id);
    web_redirect(c->resp, "/");
}

static void post_logout(web_ctx *c)
{
    web_session_end(&c->app->sessions, c->s.id);
    c->have_session = false;
    web_clear_session_cookie(c);
    web_redirect(c->resp, "/login");
}

/* ------------------------------------------------------------ what the pages share */

void web_notes(web_html *h, const flow_notes *n, const char *strip)
{
    if (!n || !n->n)
        return;
    size_t cut = strip ? strlen(strip) : 0;
    web_html_lit(h, "<div class=\"notes\">");
    for (size_t i = 0; i < n->n; i++) {
        const char *t = n->v[i].text;
        strbuf sb; /* the text with every occurrence of strip cut out */
        sb_init(&sb);
        for (const char *p = t; *p;) {
            const char *hit = cut ? strstr(p, strip) : NULL;
            if (!hit) {
                sb_adds(&sb, p);
                break;
            }
            sb_add(&sb, p, (size_t)(hit - p));
            p = hit + cut;
        }
        if (n->v[i].kind == FLOW_NOTE_SAY || n->v[i].kind == FLOW_NOTE_KASAN)
            web_html(h, "<p class=\"note\">{}</p>", H_TEXT(sb.buf));
        else
            web_html(h, "<pre>{}</pre>", H_TEXT(sb.buf));
        sb_release(&sb);
    }
    web_html_lit(h, "</div>");
}

void web_month_label(claim_month m, char buf[32])
{
    snprintf(buf, 32, "%d年%d月", m.year, m.month);
}

bool web_has_role(const web_ctx *c, unsigned role)
{
    return c->have_session && c->s.logged_in && (c->s.op.roles & role);
}

void web_csrf_field(web_ctx *c)
{
    web_html(&c->resp->body, "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
             H_TEXT(c->s.csrf));
}

/* ------------------------------------------------------------ downloads */

enum { LIST_PER_PAGE = 100 };

static void get_downloads(web_ctx *c)
{
    const char *dir = c->req->query_dir ? c->req->query_dir : "";
    char **names;
    size_t n;
    if (web_download_list(c->app->cfg->out_dir, dir, &names, &n)) {
        if (*dir || errno != ENOENT) {
            web_error_page(c, 404, "そのフォルダはありません。");
            return;
        }
        names = NULL; /* no OUT yet: nothing to download */
        n = 0;
    }
    /* the transfer files only for those who may pay (振込) */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        if (web_download_roles(names[i]) & ~c->s.op.roles)
            free(names[i]);
        else
            names[kept++] = names[i];
    }
    web_page_begin(c, "ダウンロード", "/downloads");
    web_html *h = &c->resp->body;
    web_html_lit(h, "<p class=\"crumbs\"><a href=\"/downloads\">出力フォルダ</a>");
    for (const char *p = dir; *p;) {
        size_t len = strcspn(p, "/");
        char prefix[256], part[160];
        snprintf(prefix, sizeof prefix, "%.*s", (int)(p - dir + (ptrdiff_t)len), dir);
        snprintf(part, sizeof part, "%.*s", (int)len, p);
        web_html(h, " / <a href=\"/downloads?dir={}\">{}</a>", H_TEXT(prefix), H_TEXT(part));
        p += len + (p[len] == '/');
    }
    web_html_lit(h, "</p>");
    web_pager pg = web_pager_make(kept, LIST_PER_PAGE, c->req->query_page);
    if (kept == 0)
        web_html_lit(h, "<p>ダウンロードできるファイルはありません。</p>");
    else {
        web_html_lit(h, "<table class=\"files\"><thead><tr><th scope=\"col\">名前</th>"
                        "<th scope=\"col\">種類</th></tr></thead><tbody>");
        for (size_t i = pg.first; i < pg.first + pg.count; i++) {
            const char *name = names[i];
            size_t len = strlen(name);
            char rel[300];
            snprintf(rel, sizeof rel, "%s%s%.*s", dir, *dir ? "/" : "",
                     (int)(len - (name[len - 1] == '/')), name);
            if (name[len - 1] == '/')
                web_html(h, "<tr><td><a href=\"/downloads?dir={}\">{}</a></td><td>フォルダ</td></tr>",
                         H_TEXT(rel), H_TEXT(name));
            else
                web_html(h, "<tr><td><a href=\"/download/{}\" download>{}</a></td><td>{}</td></tr>",
                         H_TEXT(rel), H_TEXT(name),
                         H_TEXT(strstr(name, ".xlsx") ? "Excel" :
                                strstr(name, ".csv") ? "CSV" :
                                strstr(name, ".pdf") ? "PDF" : "データ"));
        }
        web_html_lit(h, "</tbody></table>");
        char base[300];
        if (*dir)
            snprintf(base, sizeof base, "/downloads?dir=%s&", dir);
        else
            snprintf(base, sizeof base, "/downloads?");
        web_html_pager(h, &pg, base);
    }
    web_page_end(c);
    web_download_list_free(names, kept);
}

static void get_download(web_ctx *c)
{
    const char *rel = c->req->path + strlen("/download/");
    web_download dl;
    web_dl st = web_download_open(c->app->cfg->out_dir, rel, &dl);
    if (st == WEB_DL_BAD_PATH || st == WEB_DL_NOT_FOUND) {
        web_error_page(c, 404, "そのファイルはありません。");
        return;
    }
    if (st != WEB_DL_OK) {
        web_error_page(c, 500, "ファイルを読めませんでした。");
        return;
    }
    if (web_download_roles(rel) & ~c->s.op.roles) {
        close(dl.fd);
        web_error_page(c, 403, "このファイルには振込の権限が必要です。");
        return;
    }
    /* statements, workbooks, forms and transfer files hold bank accounts
     * and children's care: logged before they are served */
    char what[320];
    snprintf(what, sizeof what, "download %s", rel);
    if (web_access_log(c, what)) {
        close(dl.fd);
        web_error_page(c, 500, "閲覧の記録を書けないため、表示できません。");
        return;
    }
    c->resp->fd = dl.fd;
    c->resp->fd_size = dl.size;
    c->resp->content_type = dl.content_type;
    snprintf(c->resp->disposition, sizeof c->resp->disposition, "%s", dl.disposition);
}

/* ------------------------------------------------------------ the style sheet */

#define STYLE_CSS \
    ":root{--ink:#1a1a1a;--muted:#555;--line:#bbb;--accent:#0b4f8a;--bad:#a40000;" \
    "--budget:#b00020;--paid:#0b4f8a;--bg:#fff;--band:#eef3f8}\n" \
    "*{box-sizing:border-box}\n" \
    "body{margin:0;color:var(--ink);background:var(--bg);font:16px/1.6 \"Noto Sans CJK JP\"," \
    "\"Hiragino Sans\",\"Yu Gothic\",\"Meiryo\",sans-serif}\n" \
    "a{color:var(--accent)}\n" \
    ":focus-visible{outline:3px solid #f5a623;outline-offset:2px}\n" \
    ".skip{position:absolute;left:-9999px;top:0;background:#fff;padding:.5em}\n" \
    ".skip:focus{left:.5em}\n" \
    "header{display:flex;flex-wrap:wrap;gap:1em;align-items:center;padding:.5em 1em;" \
    "background:var(--band);border-bottom:1px solid var(--line)}\n" \
    "header p{margin:0}.app{font-weight:bold}.who{margin-left:auto!important}\n" \
    ".roles{margin-left:.75em;color:var(--muted)}\n" \
    "nav ul{display:flex;flex-wrap:wrap;gap:.25em 1.5em;list-style:none;margin:0;padding:.5em 1em;" \
    "border-bottom:1px solid var(--line)}\n" \
    "nav a[aria-current=page]{font-weight:bold;color:var(--ink);text-decoration:none}\n" \
    "main{padding:1em;max-width:72em}\n" \
    "h1{font-size:1.5em;margin:.25em 0 .75em}\n" \
    ".error{color:var(--bad);font-weight:bold}\n.note{color:var(--muted)}\n" \
    "form.login p{display:flex;flex-direction:column;max-width:24em}\n" \
    "input,button{font:inherit;padding:.3em .5em}\n" \
    "button{cursor:pointer}\n" \
    "table{border-collapse:collapse}th,td{border:1px solid var(--line);padding:.25em .75em;" \
    "text-align:left}td.yen,th.yen{text-align:right;font-variant-numeric:tabular-nums}\n" \
    ".pager ul{display:flex;gap:1em;list-style:none;padding:0}\n" \
    "svg.chart{max-width:100%;height:auto}\n" \
    "svg .grid{stroke:#ddd}svg .axis{font-size:12px;fill:var(--muted)}\n" \
    "svg .budget{stroke:var(--budget);stroke-width:2;stroke-dasharray:6 4}\n" \
    "svg .budget-label{font-size:12px;fill:var(--budget)}\n" \
    "svg polyline.paid{stroke:var(--paid);stroke-width:2}svg circle.paid{fill:var(--paid)}\n" \
    "h2{font-size:1.2em;margin:1.25em 0 .5em}h3{font-size:1em;margin:.25em 0}\n" \
    "caption{text-align:left;font-weight:bold;padding:.25em 0}\n" \
    ".yen{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n" \
    ".muted{color:var(--muted)}.status{padding:.5em .75em;border-left:4px solid var(--line)}\n" \
    ".status.final{border-color:var(--paid)}.status.draft{border-color:#f5a623}\n" \
    ".notes p,.notes pre{margin:.25em 0}.notes pre,pre.explain{white-space:pre-wrap;" \
    "font:14px/1.5 \"Noto Sans Mono CJK JP\",monospace;background:#f6f6f6;padding:.5em}\n" \
    ".actions{display:flex;flex-wrap:wrap;gap:1em}.action{border:1px solid var(--line);" \
    "padding:.5em 1em;min-width:16em;max-width:28em}\n" \
    ".action input:not([type=checkbox]):not([type=hidden]){display:block;width:100%}\n" \
    "nav.months ul{display:flex;flex-wrap:wrap;gap:.25em 1em;list-style:none;padding:0}\n" \
    "nav.months a[aria-current=page]{font-weight:bold;color:var(--ink)}\n"

static void get_style(web_ctx *c)
{
    c->resp->content_type = "text/css; charset=utf-8";
    c->resp->cacheable = true;
    web_html_lit(&c->resp->body, STYLE_CSS);
}

/* ------------------------------------------------------------ the routes */

const web_route web_routes[] = {
    {"GET", "/static/style.css", WEB_R_PUBLIC, get_style},
    {"GET", "/login", WEB_R_PUBLIC, get_login},
    {"POST", "/login", WEB_R_PUBLIC, post_login},
    {"POST", "/logout", 0, post_logout},
    {"GET", "/", 0, web_page_year},
    {"GET", "/budget", 0, web_page_budget},
    {"GET", "/month", 0, web_page_month},
    {"GET", "/month/nursery", 0, web_page_nursery},
    {"GET", "/month/rejections", 0, web_page_rejections},
    {"GET", "/month/corrections", 0, web_page_corrections},
    {"GET", "/settlement", 0, web_page_settlement},
    {"GET", "/audit", 0, web_page_audit},
    {"GET", "/audit/access", 0, web_page_access},
    {"GET", "/approve", 0, web_page_approve},
    {"GET", "/downloads", 0, get_downloads},
    {"GET", "/download/", WEB_R_PREFIX, get_download},
    /* the money actions (actions.c): CSRF, the role, then the procedure under the write lock */
    {"POST", "/month/intake", WEB_R_WRITE | WEB_R_UPLOAD, web_action_intake},
    {"POST", "/month/forms", WEB_R_WRITE, web_action_forms},
    {"POST", "/month/run", WEB_R_WRITE, web_action_run},
    {"POST", "/month/finalize", WEB_R_WRITE, web_action_finalize},
    {"POST", "/month/correct", WEB_R_WRITE, web_action_correct},
    {"POST", "/month/transfer", WEB_R_WRITE, web_action_transfer},
    {"POST", "/settlement/run", WEB_R_WRITE, web_action_settle},
    {"POST", "/settlement/transfer", WEB_R_WRITE, web_action_settle_transfer},
    {"POST", "/month/approve", WEB_R_WRITE, web_action_approve},
    {"POST", "/settlement/approve", WEB_R_WRITE, web_action_settle_approve},
    {"POST", "/audit/checkpoint", WEB_R_WRITE, web_action_checkpoint},
};
const size_t web_n_routes = sizeof web_routes / sizeof web_routes[0];
