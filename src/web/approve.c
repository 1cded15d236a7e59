/* approve: what the approver (決裁) is shown on the web — the summary that
 * flow_approve_summary returns and `kasan approve` prints before it asks
 * the passphrase (the run or settlement, who drafted, approved and paid it,
 * its totals, a correction's differences, the fiscal year's budget
 * position), then the form that approves exactly that: its run id, digest
 * and drafting event go back with the POST, so the ledger refuses an
 * approval of something that is no longer current (approve_store.c).  Also
 * the 決裁 page: the months of the year waiting for an approval.
 * Shown on a finalized month's page and on the settlement page, to an
 * operator with the approve role only (the summary reads the run's payments
 * from the ledger: other operators' pages do not pay for it), and kept as
 * rendered (cache.c's fragments) until the ledger records another event.
 * Not here: the POST itself (actions.c: web_action_approve), who may
 * approve and the refusals (src/flow/approve.c, the ledger), printing for
 * the command line (src/cli/approve.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/flow.h"
#include "kasan/flow_sign.h"
#include "kasan/flow_view.h"
#include "web_int.h"

enum { CORRECTIONS_SHOWN = 100 };

/* One step of the run: who (name, post from the operators file in force
 * that day), when, with which key and through which front-end. */
static void step_row(web_html *h, const char *what, const report_signoff *s,
                     const ledger_signoff *l)
{
    web_html(h, "<tr><th scope=\"row\">{}</th>", H_TEXT(what));
    if (!l->seq)
        web_html_lit(h, "<td class=\"muted\">未</td></tr>");
    else if (!l->operator_id)
        web_html(h, "<td>署名なし（台帳の番号 {}、{}）</td></tr>", H_INT(l->seq), H_TEXT(l->time));
    else
        web_html(h, "<td>{} {}（{}）{}<br><small>台帳の番号 {}・鍵 <code>{}</code>・{}</small></td></tr>",
                 H_TEXT(l->operator_id), H_TEXT(s && s->name ? s->name : ""),
                 H_TEXT(s && s->post ? s->post : ""), H_TEXT(l->time), H_INT(l->seq),
                 H_TEXT(l->key), H_TEXT(l->via && !strcmp(l->via, "web") ? "ウェブ" : "コマンド"));
}

static void month_rows(web_html *h, const flow_approve_res *r)
{
    for (size_t i = 0; i < r->run.n_programs; i++)
        web_html(h, "<tr><th scope=\"row\">{}</th><td class=\"yen\">{}</td></tr>",
                 H_TEXT(r->run.programs[i].program), H_YEN(r->run.programs[i].amount_yen));
    web_html(h, "<tr><th scope=\"row\">月の合計</th><td class=\"yen\">{}</td></tr>"
                "<tr><th scope=\"row\">支払の行</th><td class=\"yen\">{}</td></tr>",
             H_YEN(r->run.total_yen), H_INT(r->run.n_payments));
    if (r->is_correction) {
        web_html(h, "<tr><th scope=\"row\">修正</th><td>実行 <code>{}</code> の修正。理由：{}</td></tr>"
                    "<tr><th scope=\"row\">修正の差額</th><td>{} 行：追給 {}、返還 {}、差引 {}</td></tr>",
                 H_TEXT(r->run.supersedes), H_TEXT(r->run.supersede_reason),
                 H_INT(r->n_corrections), H_YEN(r->raised_yen), H_YEN(r->lowered_yen),
                 H_YEN(r->raised_yen - r->lowered_yen));
    }
}

static void settlement_rows(web_html *h, const flow_approve_res *r)
{
    const ledger_settlement *s = &r->settlement;
    web_html(h, "<tr><th scope=\"row\">精算の行</th><td>{} 行（{} か月）</td></tr>"
                "<tr><th scope=\"row\">追加交付</th><td class=\"yen\">{}</td></tr>"
                "<tr><th scope=\"row\">返還</th><td class=\"yen\">{}</td></tr>",
             H_INT(s->n_rows), H_INT(s->n_months), H_YEN(s->additional_yen),
             H_YEN(s->repayment_yen));
    if (r->is_correction)
        web_html(h, "<tr><th scope=\"row\">修正</th><td>台帳の番号 {} の精算の修正。理由：{}</td></tr>",
                 H_INT(s->supersedes_seq), H_TEXT(s->supersede_reason));
}

/* A correction's differences, the first CORRECTIONS_SHOWN of them. */
static void correction_table(web_html *h, const flow_approve_res *r)
{
    if (!r->is_correction || !r->n_corrections)
        return;
    size_t shown = r->n_corrections < CORRECTIONS_SHOWN ? r->n_corrections : CORRECTIONS_SHOWN;
    web_corrections_head(h, "修正による差額", true);
    for (size_t i = 0; i < shown; i++)
        web_correction_row(h, &r->corrections[i], true, NULL);
    web_html_lit(h, "</tbody></table>");
    if (shown < r->n_corrections)
        web_html(h, "<p><a href=\"/month/corrections?m={}\">すべての差額（{}行）</a></p>",
                 H_TEXT(r->subject.month), H_INT(r->n_corrections));
}

void web_approve_summary(web_html *h, const flow_approve_res *r)
{
    const report_approval *b = r->block;
    web_html(h, "<table class=\"summary approve\"><caption>{}の決裁の対象</caption><tbody>"
                "<tr><th scope=\"row\">{}</th><td><code>{}</code>（{}、台帳の番号 {}）</td></tr>"
                "<tr><th scope=\"row\">ダイジェスト</th><td><code>{}</code></td></tr>",
             H_TEXT(r->label), H_TEXT(r->subject.month ? "実行" : "精算"), H_TEXT(r->subject.run_id),
             H_TEXT(r->subject.drafted_action), H_INT(r->subject.drafted_seq),
             H_TEXT(r->subject.digest));
    step_row(h, "起案", b ? &b->drafted : NULL, &r->signoffs.drafted);
    step_row(h, "決裁", b ? &b->approved : NULL, &r->signoffs.approved);
    step_row(h, "振込", b ? &b->paid : NULL, &r->signoffs.paid);
    if (r->subject.month)
        month_rows(h, r);
    else
        settlement_rows(h, r);
    if (r->line_id)
        web_html(h, "<tr><th scope=\"row\">予算（{}年度）</th><td>{} {}：支払済 {}（この分を含む）、残額 {}{}</td></tr>",
                 H_INT(r->fiscal_year), H_TEXT(r->line_id), H_YEN(r->line_yen), H_YEN(r->paid_yen),
                 H_YEN(r->remaining_yen), H_TEXT(r->remaining_yen < 0 ? "（予算超過）" : ""));
    else
        web_html(h, "<tr><th scope=\"row\">予算（{}年度）</th><td>予算の記録なし。支払済 {}</td></tr>",
                 H_INT(r->fiscal_year), H_YEN(r->paid_yen));
    if (r->over_budget_reason)
        web_html(h, "<tr><th scope=\"row\">予算超過の理由</th><td>{}</td></tr>",
                 H_TEXT(r->over_budget_reason));
    web_html_lit(h, "</tbody></table>");
    correction_table(h, r);
}

/* The section's body for the operator c->s.op.id, without the CSRF field
 * of its form: *mark is where that goes (SIZE_MAX: no form).  EXIT_OK when
 * the summary was read. */
static int section_body(web_ctx *c, web_html *h, claim_month m, int settlement_fy, size_t *mark)
{
    const web_config *cfg = c->app->cfg;
    flow_approve_req rq = {.paths = {cfg->data_dir, cfg->rules_dir, cfg->out_dir},
                           .month = m, .settlement_fy = settlement_fy};
    flow_approve_res r;
    int rc = flow_approve_summary(&rq, &r);
    *mark = SIZE_MAX;
    web_notes(h, &r.notes, NULL);
    if (rc == EXIT_OK) {
        web_html_lit(h, "<p>決裁するのは次の内容です（kasan approve が表示するものと同じ）。</p>");
        web_approve_summary(h, &r);
        const char *drafter = r.signoffs.drafted.operator_id;
        if (r.signoffs.approved.seq)
            web_html(h, "<p class=\"status final\">決裁済みです（{}、台帳の番号 {}）。</p>",
                     H_TEXT(r.signoffs.approved.operator_id), H_INT(r.signoffs.approved.seq));
        else {
            if (drafter && duty_id_same(drafter, c->s.op.id))
                web_html_lit(h, "<p class=\"error\">これはご自身の起案です。起案した人は決裁できません"
                                "（送信しても拒否され、拒否が台帳に記録されます）。</p>");
            web_html(h, "<form method=\"post\" action=\"{}\">",
                     H_TEXT(settlement_fy ? "/settlement/approve" : "/month/approve"));
            *mark = h->sb.len;
            if (settlement_fy)
                web_html(h, "<input type=\"hidden\" name=\"fy\" value=\"{}\">", H_INT(settlement_fy));
            else
                web_html(h, "<input type=\"hidden\" name=\"month\" value=\"{}\">",
                         H_TEXT(r.subject.month));
            web_html(h, "<input type=\"hidden\" name=\"run_id\" value=\"{}\">"
                        "<input type=\"hidden\" name=\"digest\" value=\"{}\">"
                        "<input type=\"hidden\" name=\"drafted_seq\" value=\"{}\">"
                        "<p><button type=\"submit\">上の内容を決裁する（署名して台帳に記録）</button></p></form>",
                     H_TEXT(r.subject.run_id), H_TEXT(r.subject.digest),
                     H_INT(r.subject.drafted_seq));
        }
    }
    flow_approve_free(&r);
    return rc;
}

void web_approve_section(web_ctx *c, claim_month m, int settlement_fy)
{
    web_html *h = &c->resp->body;
    web_html_lit(h, "<section class=\"approve\" aria-labelledby=\"approve-h\"><h2 id=\"approve-h\">決裁</h2>");
    if (!web_has_role(c, DUTY_APPROVE)) {
        web_html_lit(h, "<p class=\"muted\">決裁の権限が必要です（状況は年度の状況のページに）。</p></section>");
        return;
    }
    /* The summary reads the run's every payment (its digest): kept by what it
     * depends on — the subject, the operator it was shown to (their own
     * draft or not) and the chain head, which any event recorded since moves */
    char key[256] = "", mon[8];
    month_format(m, mon);
    flow_events_view head;
    if (flow_events_read(c->app->cfg->out_dir, 0, 1, &head) == EXIT_OK && head.n == 1)
        snprintf(key, sizeof key, "approve|%s|%d|%s|%lld|%s", settlement_fy ? "" : mon,
                 settlement_fy, c->s.op.id, (long long)head.v[0].seq, head.v[0].hash);
    flow_events_free(&head);
    size_t mark = SIZE_MAX;
    char *kept = *key ? web_fragment_get(c->app, key, &mark) : NULL;
    web_html body;
    web_html_init(&body);
    if (!kept && section_body(c, &body, m, settlement_fy, &mark) == EXIT_OK && *key)
        web_fragment_put(c->app, key, web_html_str(&body), mark);
    const char *text = kept ? kept : web_html_str(&body);
    size_t len = strlen(text);
    /* markup this file rendered (escaped as it was made), the CSRF field of
     * this session at its mark */
    web_html_lit_(h, text, mark < len ? mark : len);
    if (mark < len) {
        web_csrf_field(c);
        web_html_lit_(h, text + mark, len - mark);
    }
    web_html_lit(h, "</section>");
    free(kept);
    web_html_release(&body);
}

void web_page_approve(web_ctx *c)
{
    const web_config *cfg = c->app->cfg;
    flow_year_status_req rq = {{cfg->data_dir, cfg->rules_dir, cfg->out_dir}, 0};
    if (web_query(c->req, "fy") && !web_query_fy(c->req, "fy", &rq.fiscal_year)) {
        web_error_page(c, 400, "年度は 2025 のように西暦4桁で指定してください。");
        return;
    }
    flow_year_status ys;
    int rc = flow_year_status_read(&rq, &ys);
    web_page_begin(c, "決裁", NULL);
    web_html *h = &c->resp->body;
    web_notes(h, &ys.notes, NULL);
    web_html_lit(h, "<p>決裁は、確定（起案）した月・修正・精算を、起案とは別の、決裁の権限を持つ人が"
                    "内容を確かめて署名するものです。振込データは決裁のあとにだけ作れます。</p>");
    if (rc == EXIT_OK) {
        size_t n = 0;
        web_html(h, "<h2>{}年度の決裁待ち</h2><ul>", H_INT(ys.fiscal_year));
        for (int i = 0; i < 12; i++) {
            const flow_month_status *m = &ys.months[i];
            if (m->next != FLOW_STEP_APPROVE)
                continue;
            char mon[8], ml[32];
            month_format(m->month, mon);
            web_month_label(m->month, ml);
            web_html(h, "<li><a href=\"/month?m={}#approve-h\">{}</a>（起案 {}）</li>", H_TEXT(mon),
                     H_TEXT(ml), H_TEXT(m->drafter));
            n++;
        }
        web_html_lit(h, "</ul>");
        if (!n)
            web_html_lit(h, "<p>決裁を待っている月はありません。</p>");
        web_html(h, "<p>精算の決裁は<a href=\"/settlement?fy={}\">精算のページ</a>で。</p>",
                 H_INT(ys.fiscal_year));
    }
    web_page_end(c);
    flow_year_status_free(&ys);
}
