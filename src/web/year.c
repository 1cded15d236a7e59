/* year: the pages of the fiscal year — 年度の状況 (each month's step in the
 * monthly routine, 決裁 and by whom, the next step and who may take it:
 * flow_year_status_read)
 * and 予算 (the budget line, each month's payments, cumulative, remaining
 * and forecast, and the chart: flow_budget, the one view `kasan budget`
 * prints).  Neither shows personal data.
 * Not here: the figures (src/flow, src/budget), the chart's geometry
 * (chart.c). */
#include <stdio.h>
#include <string.h>

#include "kasan/flow.h"
#include "kasan/flow_view.h"
#include "web_int.h"

static const char *step_label(flow_step s)
{
    switch (s) {
    case FLOW_STEP_NONE: return "—";
    case FLOW_STEP_INTAKE: return "請求の受付";
    case FLOW_STEP_DRAFT: return "試算";
    case FLOW_STEP_FINALIZE: return "確定（起案）";
    case FLOW_STEP_APPROVE: return "決裁";
    case FLOW_STEP_TRANSFER: return "振込";
    case FLOW_STEP_DONE: return "完了";
    }
    return "?";
}

/* 令和 of a fiscal year, "令和7年度（2025年度）"; the ISO year before 2019. */
static void fy_label(int fy, char buf[64])
{
    if (fy >= 2019)
        snprintf(buf, 64, "令和%d年度（%d年度）", fy - 2018, fy);
    else
        snprintf(buf, 64, "%d年度", fy);
}

/* Links to the fiscal years before and after fy on page path. */
static void fy_nav(web_html *h, const char *path, int fy)
{
    char prev[16], next[16];
    snprintf(prev, sizeof prev, "%d", fy - 1);
    snprintf(next, sizeof next, "%d", fy + 1);
    web_html(h, "<p class=\"fy\"><a href=\"{}?fy={}\">← {}年度</a> <a href=\"{}?fy={}\">{}年度 →</a></p>",
             H_TEXT(path), H_TEXT(prev), H_TEXT(prev), H_TEXT(path), H_TEXT(next), H_TEXT(next));
}

void web_page_year(web_ctx *c)
{
    const web_config *cfg = c->app->cfg;
    flow_year_status_req rq = {{cfg->data_dir, cfg->rules_dir, cfg->out_dir}, 0};
    if (web_query(c->req, "fy") && !web_query_fy(c->req, "fy", &rq.fiscal_year)) {
        web_error_page(c, 400, "年度は 2025 のように西暦4桁で指定してください。");
        return;
    }
    flow_year_status ys;
    int rc = flow_year_status_read(&rq, &ys);
    web_page_begin(c, "年度の状況", "/");
    web_html *h = &c->resp->body;
    char label[64];
    fy_label(ys.fiscal_year, label);
    web_html(h, "<h2>{}</h2>", H_TEXT(label));
    fy_nav(h, "/", ys.fiscal_year);
    web_notes(h, &ys.notes, NULL);
    if (rc == EXIT_OK) {
        web_html_lit(h,
                     "<table class=\"year\"><caption>月ごとの手続き</caption><thead><tr>"
                     "<th scope=\"col\">月</th><th scope=\"col\">請求</th>"
                     "<th scope=\"col\">試算</th><th scope=\"col\">起案（確定）</th>"
                     "<th scope=\"col\">決裁</th><th scope=\"col\">振込</th>"
                     "<th scope=\"col\">次の手続き</th><th scope=\"col\">できる人</th>"
                     "</tr></thead><tbody>");
        for (int i = 0; i < 12; i++) {
            const flow_month_status *m = &ys.months[i];
            char mon[8], ml[32];
            month_format(m->month, mon);
            web_month_label(m->month, ml);
            web_html(h, "<tr><th scope=\"row\"><a href=\"/month?m={}\">{}</a></th><td>{}</td>",
                     H_TEXT(mon), H_TEXT(ml),
                     H_TEXT(m->claims ? "受付済" : m->begun ? "未" : "—"));
            web_html(h, "<td>{}</td>", H_TEXT(m->draft ? "あり" : m->run ? "—" : "未"));
            if (m->run)
                web_html(h, "<td>確定 <span class=\"yen\">{}</span>{}<br><small>{} {}</small></td>",
                         H_YEN(m->run->total_yen), H_TEXT(m->n_runs > 1 ? "（修正あり）" : ""),
                         H_TEXT(m->run->actor), H_TEXT(m->run->created));
            else
                web_html_lit(h, "<td>未</td>");
            if (m->approved)
                web_html(h, "<td>済<br><small>{}</small></td>", H_TEXT(m->approver));
            else if (m->run && !m->signed_draft) /* finalized unsigned: no 決裁 */
                web_html_lit(h, "<td class=\"muted\">不要（署名なし）</td>");
            else
                web_html(h, "<td>{}</td>", H_TEXT(m->run ? "未" : "—"));
            if (m->transfer)
                web_html(h, "<td>済 {}<br><small>{}</small></td>",
                         H_TEXT(m->transfer->transfer_date), H_TEXT(m->transfer->actor));
            else
                web_html(h, "<td>{}</td>",
                         H_TEXT(m->run && m->n_transfers ? "修正分が未" : m->run ? "未" : "—"));
            web_html(h, "<td>{}</td><td>", H_TEXT(step_label(m->next)));
            for (size_t k = 0; k < m->n_who; k++)
                web_html(h, "{}{}", H_TEXT(k ? "、" : ""), H_TEXT(m->who[k]->name));
            if (m->next != FLOW_STEP_NONE && m->next != FLOW_STEP_DONE && !m->n_who)
                web_html_lit(h, "<span class=\"muted\">該当者なし</span>");
            web_html_lit(h, "</td></tr>");
        }
        web_html_lit(h, "</tbody></table>");
        if (ys.approvals)
            web_html_lit(h, "<p class=\"note\">決裁は起案した人以外の決裁の権限を持つ人が、振込は起案・決裁を"
                            "していない振込の権限を持つ人ができます（「できる人」はそれを除いています）。"
                            "<a href=\"/approve\">決裁待ちの月</a></p>");
        else
            web_html_lit(h, "<p class=\"note\">操作者の定めがないため署名も決裁もありません。"
                            "確定した月の次の手続きは振込です。</p>");
    }
    web_page_end(c);
    flow_year_status_free(&ys);
}

void web_page_budget(web_ctx *c)
{
    const web_config *cfg = c->app->cfg;
    flow_budget_req rq = {{cfg->data_dir, cfg->rules_dir, cfg->out_dir}, 0};
    if (web_query(c->req, "fy") && !web_query_fy(c->req, "fy", &rq.fiscal_year)) {
        web_error_page(c, 400, "年度は 2025 のように西暦4桁で指定してください。");
        return;
    }
    flow_budget_res res;
    int rc = flow_budget(&rq, &res);
    web_page_begin(c, "予算", "/budget");
    web_html *h = &c->resp->body;
    web_notes(h, &res.notes, NULL);
    if (rc == EXIT_OK) {
        char label[64];
        fy_label(res.fiscal_year, label);
        web_html(h, "<h2>{}</h2>", H_TEXT(label));
        fy_nav(h, "/budget", res.fiscal_year);
        const budget_view *bv = &res.year.view;
        if (res.line)
            web_html(h, "<p>予算額（{}） <span class=\"yen\">{}</span>、支払済 <span class=\"yen\">{}</span>、"
                        "残額 <span class=\"yen\">{}</span>{}</p>",
                     H_TEXT(res.line->line_id), H_YEN(res.line->amount), H_YEN(res.paid_yen),
                     H_YEN(res.line->amount - res.paid_yen),
                     H_TEXT(res.paid_yen > res.line->amount ? "（予算超過）" : ""));
        else
            web_html(h, "<p class=\"error\">{}年度の予算の定めがありません。支払済 {}</p>",
                     H_INT(res.fiscal_year), H_YEN(res.paid_yen));
        /* the rows first: the chart above the table draws them */
        web_budget_chart ch = {res.fiscal_year, res.line ? res.line->amount : 0, {0}, 0};
        budget_row rows[12];
        int known = 0; /* rows[0..known) computed */
        bool fits = true;
        for (int i = 0; i < 12 && fits; i++) {
            if (!bv->months[i].present) {
                known = i + 1;
                continue;
            }
            fits = budget_row_at(bv, i, &rows[i]);
            if (fits) {
                known = i + 1;
                for (int k = ch.months; k <= i; k++) /* months not finalized carry the sum */
                    ch.cumulative[k] = rows[i].cumulative;
                ch.months = i + 1;
            }
        }
        web_chart_budget(h, &ch);
        web_html_lit(h, "<table class=\"budget\"><caption>月ごとの執行</caption><thead><tr>"
                        "<th scope=\"col\">月</th><th scope=\"col\" class=\"yen\">支払額</th>"
                        "<th scope=\"col\" class=\"yen\">累計</th><th scope=\"col\" class=\"yen\">残額</th>"
                        "<th scope=\"col\" class=\"yen\">年度末見込</th><th scope=\"col\">予算超過の理由</th>"
                        "</tr></thead><tbody>");
        for (int i = 0; i < 12; i++) {
            const budget_month *bm = &bv->months[i];
            char ml[32];
            web_month_label(bm->month, ml);
            if (i >= known) {
                web_html_lit(h, "<tr><td colspan=\"6\" class=\"error\">金額が大きすぎて計算できません。</td></tr>");
                break;
            }
            if (!bm->present) {
                web_html(h, "<tr><th scope=\"row\">{}</th><td colspan=\"5\" class=\"muted\">未確定</td></tr>",
                         H_TEXT(ml));
                continue;
            }
            web_html(h, "<tr><th scope=\"row\">{}</th><td class=\"yen\">{}</td><td class=\"yen\">{}</td>"
                        "<td class=\"yen\">{}</td><td class=\"yen\">{}</td><td>{}</td></tr>",
                     H_TEXT(ml), H_YEN(bm->total), H_YEN(rows[i].cumulative),
                     res.line ? H_YEN(rows[i].remaining) : H_TEXT("—"), H_YEN(rows[i].forecast),
                     H_TEXT(bm->override_reason));
        }
        if (res.settled)
            web_html(h, "<tr><th scope=\"row\">精算</th><td class=\"yen\">{}</td>"
                        "<td colspan=\"4\">追加交付・過年度支出（支払済に含む）。返還 {}（うち出納閉鎖"
                        "までの調定 {} は戻入として支出済額から差し引く）</td></tr>",
                     H_YEN(bv->settled_additional), H_YEN(res.settled_repayment_yen),
                     H_YEN(res.closing.returned_yen));
        web_html_lit(h, "</tbody></table>");
    }
    web_page_end(c);
    flow_budget_free(&res);
}
