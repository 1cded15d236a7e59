/* audit: the auditor's pages — 監査 (the ledger's verification on request,
 * with every signature, the checkpoints and the auditor's form that writes
 * one, and who did what: the event log a page at a time) and
 * the access log of personal data for the audit role (the same entries
 * `kasan audit access` prints).  Read-only: verifying writes nothing.
 * Not here: the verification itself (flow_audit, src/ledger/chain.c), the
 * access log's table (src/ledger/access.c). */
#include <stdio.h>
#include <string.h>

#include "kasan/flow.h"
#include "kasan/flow_view.h"
#include "web_int.h"

enum { EVENTS_PER_PAGE = 100 };

static const char *action_ja(const char *a)
{
    static const struct {
        const char *action, *ja;
    } names[] = {
        {"finalize", "確定"},      {"supersede", "修正"},        {"refuse", "拒否"},
        {"transfer", "振込データ"}, {"settle", "精算の確定"},    {"settle_supersede", "精算の修正"},
        {"approve", "決裁"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(a, names[i].action))
            return names[i].ja;
    return a;
}

/* The checkpoints written to OUT (checkpoint-SEQ.txt) and, for the audit
 * role, the form that writes one more (flow_checkpoint, signed with the
 * session's key). */
static void checkpoints(web_ctx *c)
{
    web_html *h = &c->resp->body;
    web_html_lit(h, "<h2>チェックポイント</h2><p>監査の権限を持つ人が署名した連鎖の先頭（台帳の番号とハッシュ）です。"
                    "台帳の外に保管し、<code>kasan audit verify --checkpoint ファイル</code> で台帳がそれを"
                    "含んだまま伸びていることを確かめます。</p>");
    char **names = NULL;
    size_t n = 0, shown = 0;
    if (web_download_list(c->app->cfg->out_dir, "", &names, &n) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (strncmp(names[i], "checkpoint-", 11) || !strstr(names[i], ".txt"))
                continue;
            if (!shown++)
                web_html_lit(h, "<ul>");
            web_html(h, "<li><a href=\"/download/{}\" download>{}</a></li>", H_TEXT(names[i]),
                     H_TEXT(names[i]));
        }
        web_download_list_free(names, n);
    }
    if (shown)
        web_html_lit(h, "</ul>");
    else
        web_html_lit(h, "<p class=\"muted\">出力フォルダにチェックポイントはありません。</p>");
    if (web_has_role(c, DUTY_AUDIT)) {
        web_html_lit(h, "<form method=\"post\" action=\"/audit/checkpoint\">");
        web_csrf_field(c);
        web_html_lit(h, "<p><button type=\"submit\">いまの連鎖の先頭に署名してチェックポイントを作る</button></p></form>");
    }
}

void web_page_audit(web_ctx *c)
{
    const web_config *cfg = c->app->cfg;
    web_page_begin(c, "監査", "/audit");
    web_html *h = &c->resp->body;
    web_html_lit(h, "<h2>台帳の検証</h2>");
    const char *verify = web_query(c->req, "verify");
    if (verify && !strcmp(verify, "1")) {
        flow_audit_req rq = {cfg->out_dir, FLOW_AUDIT_VERIFY, NULL, 0, 0, NULL, NULL};
        flow_audit_res res;
        int rc = flow_audit(&rq, &res);
        web_html(h, "<p class=\"{}\" role=\"status\">{}</p>",
                 H_TEXT(rc == EXIT_OK ? "status final" : "error"),
                 H_TEXT(rc == EXIT_OK ? "問題はありません（ハッシュの連鎖、保存されたファイル、各実行、振込データ、"
                                       "各操作者の署名・権限・職務の分離）。"
                        : rc == EXIT_DIFFERENT ? "問題が見つかりました。"
                        : rc == EXIT_USAGE ? "台帳はまだありません。"
                                           : "検証できませんでした。"));
        web_notes(h, &res.notes, NULL);
        flow_audit_free(&res);
    } else
        web_html_lit(h, "<form method=\"get\" action=\"/audit\"><input type=\"hidden\" name=\"verify\" value=\"1\">"
                        "<p>ハッシュの連鎖、保存されたファイル、各実行と出力フォルダの振込データ、"
                        "署名（その日に有効な鍵・権限・起案と決裁と振込の分離）を検算します"
                        "（kasan audit verify と同じ）。</p><p><button type=\"submit\">台帳を検証する</button></p></form>");
    checkpoints(c);
    if (web_has_role(c, DUTY_AUDIT))
        web_html_lit(h, "<p><a href=\"/audit/access\">個人情報の閲覧記録</a></p>");
    web_html_lit(h, "<h2>だれが何をしたか</h2>");
    web_pager pg = web_pager_make(0, EVENTS_PER_PAGE, NULL);
    flow_events_view ev;
    /* the page first (its number is only known with the count): read the count, then the page */
    int rc = flow_events_read(cfg->out_dir, 0, 0, &ev);
    if (rc == EXIT_OK) {
        pg = web_pager_make((size_t)ev.total, EVENTS_PER_PAGE, c->req->query_page);
        flow_events_free(&ev);
        rc = flow_events_read(cfg->out_dir, (int64_t)pg.first, EVENTS_PER_PAGE, &ev);
    }
    web_notes(h, &ev.notes, NULL);
    if (rc == EXIT_OK && ev.n) {
        web_html_lit(h, "<table class=\"events\"><thead><tr><th scope=\"col\">番号</th>"
                        "<th scope=\"col\">時刻（UTC）</th><th scope=\"col\">操作者</th>"
                        "<th scope=\"col\">操作</th><th scope=\"col\">対象</th><th scope=\"col\">詳細</th>"
                        "</tr></thead><tbody>");
        for (size_t i = 0; i < ev.n; i++) {
            const ledger_event_head *e = &ev.v[i];
            char subject[32] = "";
            if (e->month)
                snprintf(subject, sizeof subject, "%s", e->month);
            else if (e->fiscal_year)
                snprintf(subject, sizeof subject, "%lld年度", (long long)e->fiscal_year);
            web_html(h, "<tr><td class=\"yen\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>"
                        "<td>{}</td></tr>",
                     H_INT(e->seq), H_TEXT(e->time), H_TEXT(e->actor), H_TEXT(action_ja(e->action)),
                     H_TEXT(subject), H_TEXT(e->code ? e->code : e->file));
        }
        web_html_lit(h, "</tbody></table>");
        web_html_pager(h, &pg, "/audit?");
    } else if (rc == EXIT_OK)
        web_html_lit(h, "<p>記録はまだありません。</p>");
    web_page_end(c);
    flow_events_free(&ev);
}

void web_page_access(web_ctx *c)
{
    if (!web_has_role(c, DUTY_AUDIT)) {
        web_error_page(c, 403, "閲覧記録を見るには監査の権限が必要です。");
        return;
    }
    flow_access_req rq = {.out = c->app->cfg->out_dir};
    const char *from = web_query(c->req, "from"), *to = web_query(c->req, "to");
    bool asked = from && to;
    if (asked && (!date_parse_iso(from, strlen(from), &rq.from) ||
                  !date_parse_iso(to, strlen(to), &rq.to) || rq.to < rq.from)) {
        web_error_page(c, 400, "期間は 2025-05-01 のような日付で、開始日から終了日の順に指定してください。");
        return;
    }
    web_page_begin(c, "個人情報の閲覧記録", "/audit");
    web_html *h = &c->resp->body;
    web_html_lit(h, "<form method=\"get\" action=\"/audit/access\"><p>"
                    "<label for=\"from\">開始日</label> <input id=\"from\" name=\"from\" type=\"date\" required> "
                    "<label for=\"to\">終了日</label> <input id=\"to\" name=\"to\" type=\"date\" required> "
                    "<button type=\"submit\">表示する</button></p></form>"
                    "<p class=\"note\">kasan audit access --from 開始日 --to 終了日 と同じ記録です（日付はUTC）。</p>");
    if (asked) {
        flow_access_res res;
        int rc = flow_access_read(&rq, &res);
        web_notes(h, &res.notes, NULL);
        if (rc == EXIT_OK) {
            web_html(h, "<p>{} 件</p>", H_INT(res.n));
            web_html_lit(h, "<table class=\"access\"><thead><tr><th scope=\"col\">時刻（UTC）</th>"
                            "<th scope=\"col\">操作者</th><th scope=\"col\">経路</th>"
                            "<th scope=\"col\">閲覧したもの</th></tr></thead><tbody>");
            size_t shown = res.n > 1000 ? 1000 : res.n; /* the newest thousand */
            for (size_t i = res.n - shown; i < res.n; i++)
                web_html(h, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                         H_TEXT(res.v[i].time), H_TEXT(res.v[i].operator_id), H_TEXT(res.v[i].via),
                         H_TEXT(res.v[i].what));
            web_html_lit(h, "</tbody></table>");
            if (shown < res.n)
                web_html_lit(h, "<p class=\"note\">新しい1000件を表示しています。すべては kasan audit access で。</p>");
        }
        flow_access_free(&res);
    }
    web_page_end(c);
}
