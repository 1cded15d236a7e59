/* settle: the page of the year-end settlement (精算, SPEC 6.2) — the
 * settlement as finalized in the ledger (its totals and rows, a page at a
 * time) and, by role, its actions: a draft, finalizing, a correction, and
 * the transfer file of its 追加交付.  Rows are nurseries' amounts, not
 * personal data.  Its 決裁 is approve.c's.  Not here: computing a
 * settlement (src/flow/settle.c), the actions (actions.c). */
#include <stdio.h>
#include <string.h>

#include "kasan/flow.h"
#include "kasan/flow_view.h"
#include "kasan/fsutil.h"
#include "web_int.h"

enum { ROWS_PER_PAGE = 100 };

static bool form_head(web_ctx *c, const char *title, duty_action a, const char *action, int fy)
{
    web_html *h = &c->resp->body;
    unsigned role = duty_role_for(a);
    web_html(h, "<section class=\"action\"><h3>{}</h3>", H_TEXT(title));
    if (!web_has_role(c, role)) {
        web_html(h, "<p class=\"muted\">{}の権限が必要です。</p></section>",
                 H_TEXT(duty_role_label(role)));
        return false;
    }
    web_html(h, "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"fy\" value=\"{}\">",
             H_TEXT(action), H_INT(fy));
    web_csrf_field(c);
    return true;
}

void web_page_settlement(web_ctx *c)
{
    const web_config *cfg = c->app->cfg;
    flow_paths paths = {cfg->data_dir, cfg->rules_dir, cfg->out_dir};
    int fy;
    if (web_query(c->req, "fy")) {
        if (!web_query_fy(c->req, "fy", &fy)) {
            web_error_page(c, 400, "年度は 2025 のように西暦4桁で指定してください。");
            return;
        }
    } else
        fy = flow_fiscal_year_default(&paths);
    flow_settle_view v;
    int rc = flow_settle_view_read(&paths, fy, &v);
    char title[64];
    snprintf(title, sizeof title, "精算 — %d年度", fy);
    web_page_begin(c, title, "/settlement");
    web_html *h = &c->resp->body;
    web_html(h, "<p class=\"fy\"><a href=\"/settlement?fy={}\">← {}年度</a> "
                "<a href=\"/settlement?fy={}\">{}年度 →</a></p>",
             H_INT(fy - 1), H_INT(fy - 1), H_INT(fy + 1), H_INT(fy + 1));
    web_notes(h, &v.notes, NULL);
    if (rc == EXIT_OK && v.finalized) {
        const ledger_settlement *st = &v.st;
        web_html(h, "<p class=\"status final\">確定済み：精算 <code>{}</code>（{}、{}、台帳の番号 {}）{}</p>",
                 H_TEXT(st->settle_id), H_TEXT(st->actor), H_TEXT(st->time), H_INT(st->event_seq),
                 H_TEXT(st->supersedes_seq ? "（修正）" : ""));
        if (st->supersede_reason)
            web_html(h, "<p>修正の理由：{}</p>", H_TEXT(st->supersede_reason));
        web_html(h, "<table class=\"summary\"><tbody><tr><th scope=\"row\">追加交付</th><td class=\"yen\">{}</td></tr>"
                    "<tr><th scope=\"row\">返還</th><td class=\"yen\">{}</td></tr>"
                    "<tr><th scope=\"row\">年度の追加交付（現在の決定）</th><td class=\"yen\">{}</td></tr>"
                    "</tbody></table>",
                 H_YEN(st->additional_yen), H_YEN(st->repayment_yen), H_YEN(st->fy_additional_yen));
        web_pager pg = web_pager_make(st->n_rows, ROWS_PER_PAGE, c->req->query_page);
        web_html_lit(h, "<table class=\"settlement\"><thead><tr><th scope=\"col\">施設番号</th>"
                        "<th scope=\"col\">事業</th><th scope=\"col\" class=\"yen\">交付確定額</th>"
                        "<th scope=\"col\" class=\"yen\">既交付額</th><th scope=\"col\" class=\"yen\">差額</th>"
                        "</tr></thead><tbody>");
        for (size_t i = pg.first; i < pg.first + pg.count; i++) {
            const ledger_settle_row *r = &st->rows[i];
            web_html(h, "<tr><td>{}</td><td>{}</td><td class=\"yen\">{}</td><td class=\"yen\">{}</td>"
                        "<td class=\"yen\">{}</td></tr>",
                     H_TEXT(r->nursery_id), H_TEXT(r->program), H_YEN(r->annual_yen),
                     H_YEN(r->paid_yen), H_YEN(r->difference_yen));
        }
        web_html_lit(h, "</tbody></table>");
        char base[64];
        snprintf(base, sizeof base, "/settlement?fy=%d&", fy);
        web_html_pager(h, &pg, base);
    } else if (rc == EXIT_OK) {
        web_html_lit(h, "<p class=\"status draft\">この年度の精算は確定していません。</p>");
        char dir[4200];
        snprintf(dir, sizeof dir, "%s/settlement-%d/settlement.csv", cfg->out_dir, fy);
        if (fs_exists(dir))
            web_html(h, "<p>直近の試算の出力：<a href=\"/downloads?dir=settlement-{}\">settlement-{}</a></p>",
                     H_INT(fy), H_INT(fy));
    }
    if (rc == EXIT_OK && v.finalized)
        web_approve_section(c, (claim_month){0, 0}, fy); /* 決裁 first (approve.c) */
    web_html_lit(h, "<h2>手続き</h2><div class=\"actions\">");
    if (form_head(c, v.finalized ? "精算の修正" : "精算（試算・確定）", DUTY_SETTLE, "/settlement/run",
                  fy)) {
        if (v.finalized)
            web_html_lit(h, "<input type=\"hidden\" name=\"step\" value=\"correct\">"
                            "<p><label for=\"reason\">修正の理由</label>"
                            "<input id=\"reason\" name=\"reason\" required maxlength=\"500\"></p>");
        web_html_lit(h, "<p><label for=\"over\">予算を超える場合の理由（通常は空欄）</label>"
                        "<input id=\"over\" name=\"over_budget_reason\" maxlength=\"500\"></p>");
        if (v.finalized)
            web_html_lit(h, "<p><button type=\"submit\">修正して記録する</button></p>");
        else
            web_html_lit(h, "<p><button type=\"submit\" name=\"step\" value=\"draft\">試算する</button> "
                            "<button type=\"submit\" name=\"step\" value=\"finalize\">確定して記録する</button></p>");
        web_html_lit(h, "</form></section>");
    }
    if (v.finalized && form_head(c, "追加交付の振込", DUTY_TRANSFER, "/settlement/transfer", fy))
        web_html_lit(h, "<p><label for=\"date\">振込指定日</label>"
                        "<input id=\"date\" name=\"date\" type=\"date\" required></p>"
                        "<p><button type=\"submit\">振込データを作成する</button></p></form></section>");
    web_html_lit(h, "</div>");
    web_page_end(c);
    flow_settle_view_free(&v);
}
