/* month: the pages of one claim month — 月次 (the month's status, its
 * actions by role, the nurseries' payments a page at a time), a nursery's
 * explanation (the very text of `kasan explain`, with its corrections), the
 * rejected lines, and a correction's differences.  Every page reads one
 * flow_month_view from the cache (cache.c): a finalized month as its run
 * was paid (recomputed from the ledger's archive), any other as a draft
 * from DATA now.
 * Personal data: a nursery's explanation (children's care types) and the
 * rejected lines (children's references and reasons) are written to the
 * access log before they are shown; the payments table (nurseries' amounts)
 * is not personal.
 * Not here: the actions themselves (actions.c), the approval's summary and
 * form (approve.c), computing the month (src/flow/month_view.c). */
#include <stdio.h>
#include <string.h>

#include "kasan/flow.h"
#include "kasan/flow_view.h"
#include "web_int.h"

enum { ROWS_PER_PAGE = 100 };

/* ?m= of a month page, or an error page (false). */
static bool month_arg(web_ctx *c, claim_month *m)
{
    if (web_query_month(c->req, "m", m))
        return true;
    web_error_page(c, 400, "月は 2025-04 のように指定してください。");
    return false;
}

/* The months of m's fiscal year as links, m marked. */
static void month_nav(web_html *h, claim_month m, const char *path)
{
    int fy = month_fiscal_year(m);
    web_html_lit(h, "<nav class=\"months\" aria-label=\"月\"><ul>");
    for (int i = 0; i < 12; i++) {
        claim_month x = month_of_fiscal(fy, i);
        char mon[8];
        month_format(x, mon);
        web_html(h, "<li><a href=\"{}?m={}\"{}>{}月</a></li>", H_TEXT(path), H_TEXT(mon),
                 H_TEXT(x.month == m.month && x.year == m.year ? " aria-current=\"page\"" : ""),
                 H_INT(x.month));
    }
    web_html_lit(h, "</ul></nav>");
}

/* Where the month's figures come from. */
static void view_status(web_html *h, const flow_month_view *v)
{
    if (v->finalized) {
        web_html(h, "<p class=\"status final\">確定済み：実行 <code>{}</code>（{}、{}）。"
                    "表示は台帳に保存された入力からの再計算で、支払った額と同じです。</p>",
                 H_TEXT(v->run_id), H_TEXT(v->actor), H_TEXT(v->created));
        if (v->supersedes)
            web_html(h, "<p>修正：実行 <code>{}</code> を修正。理由：{}</p>", H_TEXT(v->supersedes),
                     H_TEXT(v->supersede_reason));
    } else
        web_html_lit(h, "<p class=\"status draft\">未確定：データフォルダの現在の請求から計算した試算です"
                        "（何も記録していません）。</p>");
}

/* A form of one action: its title, the role it needs, and whether this
 * operator has it (else the role is named and the form left out). */
static bool action_head(web_ctx *c, const char *title, duty_action a)
{
    web_html *h = &c->resp->body;
    unsigned role = duty_role_for(a);
    web_html(h, "<section class=\"action\"><h3>{}</h3>", H_TEXT(title));
    if (!web_has_role(c, role)) {
        web_html(h, "<p class=\"muted\">{}の権限が必要です。</p></section>",
                 H_TEXT(duty_role_label(role)));
        return false;
    }
    return true;
}

static void actions(web_ctx *c, claim_month m, const flow_month_view *v)
{
    web_html *h = &c->resp->body;
    char mon[8];
    month_format(m, mon);
    web_html_lit(h, "<h2>手続き</h2><div class=\"actions\">");
    if (action_head(c, "請求書の受付", DUTY_INTAKE)) {
        web_html(h, "<form method=\"post\" action=\"/month/intake\" enctype=\"multipart/form-data\">"
                    "<input type=\"hidden\" name=\"month\" value=\"{}\">", H_TEXT(mon));
        web_csrf_field(c);
        web_html_lit(h, "<p><label for=\"forms\">記入済みの請求書（.xlsx、複数可）</label>"
                        "<input id=\"forms\" name=\"forms\" type=\"file\" multiple "
                        "accept=\".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\" required></p>"
                        "<p><input id=\"replace\" name=\"replace\" type=\"checkbox\" value=\"1\">"
                        "<label for=\"replace\">受付済みの請求を置き換える</label></p>");
        if (v->finalized) /* the forms of a correction (修正) replace the paid claims */
            web_html_lit(h, "<p><input id=\"correction\" name=\"correction\" type=\"checkbox\" value=\"1\">"
                            "<label for=\"correction\">確定済みの月の修正として置き換える"
                            "（受付後に「修正」で支払に反映します）</label></p>");
        web_html_lit(h, "<p><button type=\"submit\">受け付ける</button></p></form></section>");
    }
    if (action_head(c, "請求書様式の作成", DUTY_INTAKE)) {
        web_html(h, "<form method=\"post\" action=\"/month/forms\">"
                    "<input type=\"hidden\" name=\"month\" value=\"{}\">", H_TEXT(mon));
        web_csrf_field(c);
        web_html(h, "<p>各保育所に送る請求書（前月の記入を引き継ぎます）。作成後は"
                    "<a href=\"/downloads?dir={}/forms\">ダウンロード</a>から。</p>"
                    "<p><button type=\"submit\">様式を作成する</button></p></form></section>",
                 H_TEXT(mon));
    }
    if (!v->finalized) {
        if (action_head(c, "試算", DUTY_RUN)) {
            web_html(h, "<form method=\"post\" action=\"/month/run\">"
                        "<input type=\"hidden\" name=\"month\" value=\"{}\">", H_TEXT(mon));
            web_csrf_field(c);
            web_html_lit(h, "<p>支払一覧と支払通知書を出力フォルダに書きます（記録はしません）。</p>"
                            "<p><button type=\"submit\">試算する</button></p></form></section>");
        }
        if (action_head(c, "確定（起案）", DUTY_FINALIZE)) {
            web_html(h, "<form method=\"post\" action=\"/month/finalize\">"
                        "<input type=\"hidden\" name=\"month\" value=\"{}\">", H_TEXT(mon));
            web_csrf_field(c);
            web_html_lit(h, "<p><label for=\"over\">予算を超える場合の理由（補正予算・流用。通常は空欄）</label>"
                            "<input id=\"over\" name=\"over_budget_reason\" maxlength=\"500\"></p>"
                            "<p><label for=\"overd\">交付決定額を超えて支払う場合の理由（変更交付決定の前。通常は空欄）</label>"
                            "<input id=\"overd\" name=\"over_decision_reason\" maxlength=\"500\"></p>"
                            "<p><button type=\"submit\">確定して台帳に記録する</button></p></form></section>");
        }
    } else {
        if (action_head(c, "修正", DUTY_CORRECT)) {
            web_html(h, "<form method=\"post\" action=\"/month/correct\">"
                        "<input type=\"hidden\" name=\"month\" value=\"{}\">", H_TEXT(mon));
            web_csrf_field(c);
            web_html_lit(h, "<p><label for=\"reason\">修正の理由（変更のあった各保育所の通知書に印字されます）</label>"
                            "<input id=\"reason\" name=\"reason\" required maxlength=\"500\"></p>"
                            "<p><label for=\"over2\">予算を超える場合の理由（通常は空欄）</label>"
                            "<input id=\"over2\" name=\"over_budget_reason\" maxlength=\"500\"></p>"
                            "<p><label for=\"overd2\">交付決定額を超えて支払う場合の理由（変更交付決定の前。通常は空欄）</label>"
                            "<input id=\"overd2\" name=\"over_decision_reason\" maxlength=\"500\"></p>"
                            "<p><label for=\"aftset\">年度の精算の確定後に修正する場合の理由（精算も修正します。通常は空欄）</label>"
                            "<input id=\"aftset\" name=\"after_settlement_reason\" maxlength=\"500\"></p>"
                            "<p><button type=\"submit\">修正して記録する</button></p></form></section>");
        }
        if (action_head(c, "振込", DUTY_TRANSFER)) {
            web_html(h, "<form method=\"post\" action=\"/month/transfer\">"
                        "<input type=\"hidden\" name=\"month\" value=\"{}\">", H_TEXT(mon));
            web_csrf_field(c);
            web_html_lit(h, "<p><label for=\"date\">振込指定日</label>"
                            "<input id=\"date\" name=\"date\" type=\"date\" required></p>"
                            "<p><button type=\"submit\">振込データを作成する</button></p></form></section>");
        }
    }
    web_html_lit(h, "</div>");
}

/* The payments of v's month, a page of nurseries at a time. */
static void payments(web_ctx *c, claim_month m, const month_run *run)
{
    web_html *h = &c->resp->body;
    char mon[8], base[64];
    month_format(m, mon);
    size_t paid = 0;
    for (size_t i = 0; i < run->n_nurseries; i++)
        paid += run->nurseries[i].total > 0;
    web_html_lit(h, "<h2>支払</h2><table class=\"summary\"><tbody>");
    for (size_t p = 0; p < run->n_programs; p++)
        web_html(h, "<tr><th scope=\"row\">{}（{} 版{}）</th><td class=\"yen\">{}</td></tr>",
                 H_TEXT(run->programs[p]->title), H_TEXT(run->programs[p]->id),
                 H_TEXT(run->programs[p]->version), H_YEN(run->program_total[p]));
    web_html(h, "<tr><th scope=\"row\">月の合計</th><td class=\"yen\">{}</td></tr>"
                "<tr><th scope=\"row\">支払のある保育所</th><td class=\"yen\">{}</td></tr>"
                "<tr><th scope=\"row\">不支給の行</th><td class=\"yen\"><a href=\"/month/rejections?m={}\">{}</a></td></tr>"
                "</tbody></table>",
             H_YEN(run->total), H_INT(paid), H_TEXT(mon), H_INT(run->n_rejections));
    web_pager pg = web_pager_make(run->n_nurseries, ROWS_PER_PAGE, c->req->query_page);
    web_html_lit(h, "<table class=\"payments\"><caption>保育所ごとの支払額</caption><thead><tr>"
                    "<th scope=\"col\">施設番号</th><th scope=\"col\">施設名</th>");
    for (size_t p = 0; p < run->n_programs; p++)
        web_html(h, "<th scope=\"col\" class=\"yen\">{}</th>", H_TEXT(run->programs[p]->title));
    web_html_lit(h, "<th scope=\"col\" class=\"yen\">合計</th></tr></thead><tbody>");
    for (size_t i = pg.first; i < pg.first + pg.count; i++) {
        const nursery_month *nm = &run->nurseries[i];
        web_html(h, "<tr><td><a href=\"/month/nursery?m={}&amp;n={}\">{}</a></td><td>{}</td>",
                 H_TEXT(mon), H_TEXT(nm->nursery->id), H_TEXT(nm->nursery->id),
                 H_TEXT(nm->nursery->name));
        for (size_t p = 0; p < run->n_programs; p++)
            web_html(h, "<td class=\"yen\">{}</td>", H_YEN(nm->amount[p]));
        web_html(h, "<td class=\"yen\">{}</td></tr>", H_YEN(nm->total));
    }
    web_html_lit(h, "</tbody></table>");
    snprintf(base, sizeof base, "/month?m=%s&", mon);
    web_html_pager(h, &pg, base);
}

/* Without ?m=: the months of the current fiscal year to choose from. */
static void choose_month(web_ctx *c)
{
    const web_config *cfg = c->app->cfg;
    flow_year_status_req rq = {{cfg->data_dir, cfg->rules_dir, cfg->out_dir}, 0};
    flow_year_status ys;
    flow_year_status_read(&rq, &ys);
    web_page_begin(c, "月次", "/month");
    web_html *h = &c->resp->body;
    web_notes(h, &ys.notes, NULL);
    web_html(h, "<p>{}年度の月を選んでください。</p>", H_INT(ys.fiscal_year));
    month_nav(h, month_of_fiscal(ys.fiscal_year ? ys.fiscal_year : 2025, 0), "/month");
    web_page_end(c);
    flow_year_status_free(&ys);
}

void web_page_month(web_ctx *c)
{
    if (!web_query(c->req, "m")) {
        choose_month(c);
        return;
    }
    claim_month m;
    if (!month_arg(c, &m))
        return;
    int rc;
    web_month_ref *ref = web_month_get(c->app, m, &rc);
    const flow_month_view *v = web_month_view(ref);
    char title[64], ml[32];
    web_month_label(m, ml);
    snprintf(title, sizeof title, "月次 — %s", ml);
    web_page_begin(c, title, "/month");
    web_html *h = &c->resp->body;
    month_nav(h, m, "/month");
    if (v->run)
        view_status(h, v);
    else
        web_html_lit(h, "<p class=\"error\">この月は計算できませんでした。</p>");
    web_notes(h, &v->notes, NULL);
    if (v->finalized && v->n_corrections) {
        char mon[8];
        month_format(m, mon);
        web_html(h, "<p><a href=\"/month/corrections?m={}\">修正による差額（{}件）</a></p>",
                 H_TEXT(mon), H_INT(v->n_corrections));
    }
    if (v->finalized)
        web_approve_section(c, m, 0); /* 決裁: what is approved, first (approve.c) */
    actions(c, m, v);
    if (v->run)
        payments(c, m, v->run);
    web_page_end(c);
    web_month_put(c->app, ref);
}

void web_page_nursery(web_ctx *c)
{
    claim_month m;
    if (!month_arg(c, &m))
        return;
    const char *id = web_query(c->req, "n");
    if (!web_id_ok(id)) {
        web_error_page(c, 404, "その保育所はありません。");
        return;
    }
    int rc;
    web_month_ref *ref = web_month_get(c->app, m, &rc);
    const flow_month_view *v = web_month_view(ref);
    char mon[8], what[128];
    month_format(m, mon);
    strbuf text;
    sb_init(&text);
    flow_notes notes = {0};
    int erc = v->run ? flow_explain_text(v->run, id, &text, &notes) : EXIT_INVALID;
    if (erc == EXIT_USAGE) {
        web_error_page(c, 404, "その保育所はこの月の名簿にありません。");
        goto done;
    }
    /* the explanation shows children's care types: logged first */
    snprintf(what, sizeof what, "explain %s %s", mon, id);
    if (erc == EXIT_OK && web_access_log(c, what)) {
        web_error_page(c, 500, "閲覧の記録を書けないため、表示できません。");
        goto done;
    }
    char title[160], ml[32];
    web_month_label(m, ml);
    const nursery_month *nm = v->run ? flow_nursery_month(v->run, id) : NULL;
    int32_t r = v->run ? registry_find(&v->run->reg, id, strlen(id)) : -1;
    snprintf(title, sizeof title, "%s — %s %s", ml, id, r >= 0 ? v->run->reg.v[r].name : "");
    web_page_begin(c, title, "/month");
    web_html *h = &c->resp->body;
    web_html(h, "<p><a href=\"/month?m={}\">{}の支払一覧へ</a></p>", H_TEXT(mon), H_TEXT(ml));
    if (v->run)
        view_status(h, v);
    web_notes(h, &v->notes, NULL);
    web_notes(h, &notes, NULL);
    if (erc == EXIT_OK) {
        web_html(h, "<p>この月の合計 <span class=\"yen\">{}</span></p>", H_YEN(nm ? nm->total : 0));
        bool head = false;
        for (size_t i = 0; i < v->n_corrections; i++) {
            const ledger_correction *k = &v->corrections[i];
            if (strcmp(k->nursery_id, id))
                continue;
            if (!head)
                web_corrections_head(h, "修正による差額", false);
            head = true;
            web_correction_row(h, k, false, NULL);
        }
        if (head)
            web_html_lit(h, "</tbody></table>");
        web_html(h, "<h2>算定の説明</h2><pre class=\"explain\">{}</pre>", H_TEXT(text.buf));
    }
    web_page_end(c);
done:
    flow_notes_free(&notes);
    sb_release(&text);
    web_month_put(c->app, ref);
}

void web_page_rejections(web_ctx *c)
{
    claim_month m;
    if (!month_arg(c, &m))
        return;
    int rc;
    web_month_ref *ref = web_month_get(c->app, m, &rc);
    const flow_month_view *v = web_month_view(ref);
    const month_run *run = v->run;
    char mon[8], ml[32], title[64], base[64], what[128];
    month_format(m, mon);
    web_month_label(m, ml);
    web_pager pg = web_pager_make(run ? run->n_rejections : 0, ROWS_PER_PAGE, c->req->query_page);
    /* children's references and the reasons of their lines: logged first */
    snprintf(what, sizeof what, "rejections %s page %zu", mon, pg.page);
    if (run && web_access_log(c, what)) {
        web_error_page(c, 500, "閲覧の記録を書けないため、表示できません。");
        web_month_put(c->app, ref);
        return;
    }
    snprintf(title, sizeof title, "不支給 — %s", ml);
    web_page_begin(c, title, "/month");
    web_html *h = &c->resp->body;
    web_html(h, "<p><a href=\"/month?m={}\">{}の支払一覧へ</a></p>", H_TEXT(mon), H_TEXT(ml));
    web_notes(h, &v->notes, NULL);
    if (run && run->n_rejections) {
        web_html_lit(h, "<table class=\"rejections\"><thead><tr><th scope=\"col\">施設番号</th>"
                        "<th scope=\"col\">ファイル・行</th><th scope=\"col\">参照</th>"
                        "<th scope=\"col\">理由</th><th scope=\"col\">コード</th></tr></thead><tbody>");
        for (size_t i = pg.first; i < pg.first + pg.count; i++) {
            const rejection *rj = &run->rejections[i];
            web_html(h, "<tr><td><a href=\"/month/nursery?m={}&amp;n={}\">{}</a></td><td>{}:{}</td>"
                        "<td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                     H_TEXT(mon), H_TEXT(rj->nursery_id), H_TEXT(rj->nursery_id), H_TEXT(rj->file),
                     H_INT(rj->line), H_TEXT(rj->ref), H_TEXT(rj->reason), H_TEXT(rj->code));
        }
        web_html_lit(h, "</tbody></table>");
        snprintf(base, sizeof base, "/month/rejections?m=%s&", mon);
        web_html_pager(h, &pg, base);
    } else if (run)
        web_html_lit(h, "<p>不支給の行はありません。</p>");
    web_page_end(c);
    web_month_put(c->app, ref);
}

/* 修正前の額: the amount of the run the correction replaced (what was
 * notified; what was transferred is the transfer plan's business). */
void web_corrections_head(web_html *h, const char *caption, bool nursery_column)
{
    web_html_lit(h, "<table class=\"corrections\">");
    if (caption)
        web_html(h, "<caption>{}</caption>", H_TEXT(caption));
    web_html_lit(h, "<thead><tr>");
    if (nursery_column)
        web_html_lit(h, "<th scope=\"col\">施設番号</th>");
    web_html_lit(h, "<th scope=\"col\">事業</th><th scope=\"col\" class=\"yen\">修正前の額</th>"
                    "<th scope=\"col\" class=\"yen\">修正後の額</th><th scope=\"col\" class=\"yen\">差額</th>"
                    "</tr></thead><tbody>");
}

void web_correction_row(web_html *h, const ledger_correction *k, bool nursery_column,
                        const char *mon)
{
    web_html_lit(h, "<tr>");
    if (nursery_column && mon)
        web_html(h, "<td><a href=\"/month/nursery?m={}&amp;n={}\">{}</a></td>", H_TEXT(mon),
                 H_TEXT(k->nursery_id), H_TEXT(k->nursery_id));
    else if (nursery_column)
        web_html(h, "<td>{}</td>", H_TEXT(k->nursery_id));
    web_html(h, "<td>{}</td><td class=\"yen\">{}</td><td class=\"yen\">{}</td><td class=\"yen\">{}</td></tr>",
             H_TEXT(k->program), H_YEN(k->paid_yen), H_YEN(k->corrected_yen), H_YEN(k->difference_yen));
}

void web_page_corrections(web_ctx *c)
{
    claim_month m;
    if (!month_arg(c, &m))
        return;
    int rc;
    web_month_ref *ref = web_month_get(c->app, m, &rc);
    const flow_month_view *v = web_month_view(ref);
    char mon[8], ml[32], title[64], base[64];
    month_format(m, mon);
    web_month_label(m, ml);
    snprintf(title, sizeof title, "修正による差額 — %s", ml);
    web_page_begin(c, title, "/month");
    web_html *h = &c->resp->body;
    web_html(h, "<p><a href=\"/month?m={}\">{}の支払一覧へ</a></p>", H_TEXT(mon), H_TEXT(ml));
    web_notes(h, &v->notes, NULL);
    if (v->n_corrections) {
        web_html(h, "<p>実行 <code>{}</code> を修正。理由：{}</p>", H_TEXT(v->supersedes),
                 H_TEXT(v->supersede_reason));
        web_pager pg = web_pager_make(v->n_corrections, ROWS_PER_PAGE, c->req->query_page);
        web_corrections_head(h, NULL, true);
        for (size_t i = pg.first; i < pg.first + pg.count; i++)
            web_correction_row(h, &v->corrections[i], true, mon);
        web_html_lit(h, "</tbody></table>");
        snprintf(base, sizeof base, "/month/corrections?m=%s&", mon);
        web_html_pager(h, &pg, base);
    } else
        web_html_lit(h, "<p>この月の現在の実行は修正ではありません。</p>");
    web_page_end(c);
    web_month_put(c->app, ref);
}
