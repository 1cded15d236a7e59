/* actions: the money actions of the web front-end — claim forms in
 * (upload), claim forms out, a draft run, finalizing, a correction, the
 * approval (決裁) of a month or a settlement, the transfer file, the
 * settlement and its transfer file, and the auditor's checkpoint.  Each is a POST that
 * app.c has already checked (session, Origin, CSRF, bounds) and runs under
 * the write lock, so web actions happen one at a time; a command line run
 * at the same moment is kept apart by the ledger's own locking and the
 * per-process staging names, as two commands are.
 *
 * Every action, in this order:
 *   1. reads and checks its fields (400 without doing anything);
 *   2. loads the rules and asks flow_actor_may whether the operator, as
 *      the operators file in force today gives them, has the role the
 *      action needs (duty.h): refused with 403 and the command line's
 *      message, before anything is attempted — no event is recorded;
 *   3. calls the same procedure as the command line (src/flow) with a
 *      flow_actor filled from the session: name and operator_id the
 *      operator's id, key the session's decrypted key (held for the call,
 *      so a logout meanwhile wipes it only after), via "web";
 *   4. shows the procedure's notes and result, with the status its exit
 *      code maps to.
 * The separation rules of one run (決裁 by someone else, no transfer before
 * 決裁 or by its drafter or approver) and the signatures are the
 * event-append point's (src/ledger/approve_store.c), which these calls
 * reach through flow_actor.  The approval skips step 2: flow_approve itself
 * refuses a role the operator lacks or their own draft and records the
 * refusal as an event, exactly as `kasan approve` does; it approves only
 * the run id, digest and drafting event the form carried (what the
 * approver was shown), so a run corrected meanwhile is refused, recorded.
 * Not here: the procedures (src/flow), request checks (app.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kasan/flow.h"
#include "kasan/flow_sign.h"
#include "kasan/flow_view.h"
#include "web_int.h"

/* What every action holds while it runs. */
typedef struct act {
    web_ctx *c;
    const char *title;
    flow_paths paths;
    rule_set rules;
    bool have_rules;
    struct web_key *key;
    flow_actor actor;
} act;

/* An exit code as an HTTP status. */
static int status_of(int rc)
{
    switch (rc) {
    case EXIT_OK: return 200;
    case EXIT_USAGE: return 400;
    case EXIT_INVALID: return 422;
    case EXIT_REFUSED: return 409;
    default: return 500;
    }
}

static const char *outcome(int rc)
{
    switch (rc) {
    case EXIT_OK: return "完了しました。";
    case EXIT_USAGE: return "この操作は行えませんでした。";
    case EXIT_INVALID: return "入力またはルールに誤りがあるため、何も書き込んでいません。";
    case EXIT_REFUSED: return "拒否されました（理由は下のとおりです）。";
    case EXIT_DIFFERENT: return "台帳の記録と一致しないものがあります。";
    default: return "内部エラーが起きました。";
    }
}

/* Starts the result page of the action: its outcome and notes. */
static void page(act *a, int rc, const flow_notes *notes, const char *strip)
{
    web_ctx *c = a->c;
    c->resp->status = status_of(rc);
    web_page_begin(c, a->title, NULL);
    web_html(&c->resp->body, "<p class=\"{}\" role=\"status\">{}</p>",
             H_TEXT(rc == EXIT_OK ? "status final" : "error"), H_TEXT(outcome(rc)));
    web_notes(&c->resp->body, notes, strip);
}

/* Steps 2 and 3's preparation: the rules, the role (unless what is NULL:
 * the procedure checks it and records a refusal), the key.  False after a
 * page said why (nothing attempted). */
static void act_end(act *a);

/* On false the action is over: its page said why, and the rules and the
 * key it took are given back here (callers just return). */
static bool act_open(act *a, web_ctx *c, const char *title, const duty_action *what)
{
    memset(a, 0, sizeof *a);
    a->c = c;
    a->title = title;
    const web_config *cfg = c->app->cfg;
    a->paths = (flow_paths){cfg->data_dir, cfg->rules_dir, cfg->out_dir};
    flow_notes notes = {0};
    int rc = flow_load_rules(cfg->rules_dir, &a->rules, &notes);
    a->have_rules = true;
    a->actor = (flow_actor){.name = c->s.op.id, .operator_id = c->s.op.id, .via = "web"};
    if (rc == EXIT_OK && what)
        rc = flow_actor_may(&a->rules, &a->actor, *what, &notes);
    if (rc == EXIT_OK) {
        a->key = web_session_key_hold(&c->app->sessions, c->s.id, c->req->now);
        if (!a->key) { /* ended meanwhile (logout in another tab) */
            flow_say(&notes, FLOW_NOTE_SAY, "the session ended: log in again");
            rc = EXIT_REFUSED;
        }
        a->actor.key = web_key_sign(a->key);
    }
    if (rc != EXIT_OK) {
        page(a, rc, &notes, NULL);
        if (rc == EXIT_REFUSED)
            c->resp->status = 403;
        web_page_end(c);
        act_end(a);
    }
    flow_notes_free(&notes);
    return rc == EXIT_OK;
}

static bool act_begin(act *a, web_ctx *c, const char *title, duty_action what)
{
    return act_open(a, c, title, &what);
}

static void act_end(act *a)
{
    web_session_key_release(&a->c->app->sessions, a->key);
    a->key = NULL;
    if (a->have_rules)
        rules_free(&a->rules);
    a->have_rules = false;
}

/* A field that must be there, else a 400 page (NULL). */
static const char *need(web_ctx *c, const char *name, const char *what)
{
    const char *v = web_form_value(c->req->form, name);
    if (v && *v)
        return v;
    char msg[200];
    snprintf(msg, sizeof msg, "%sを入力してください。", what);
    web_error_page(c, 400, msg);
    return NULL;
}

/* A field given and not empty, or NULL. */
static const char *given(web_ctx *c, const char *name)
{
    const char *v = web_form_value(c->req->form, name);
    return v && *v ? v : NULL;
}

static bool month_field(web_ctx *c, claim_month *m)
{
    const char *v = need(c, "month", "月");
    if (!v)
        return false;
    if (!month_parse(v, m) || m->year < 1900 || m->year > 9998) {
        web_error_page(c, 400, "月は 2025-04 のように指定してください。");
        return false;
    }
    return true;
}

static bool fy_field(web_ctx *c, int *fy)
{
    const char *v = need(c, "fy", "年度");
    char *end;
    long y = v ? strtol(v, &end, 10) : 0;
    if (v && (*end || y < 1900 || y > 9998)) {
        web_error_page(c, 400, "年度は 2025 のように西暦4桁で指定してください。");
        return false;
    }
    *fy = (int)y;
    return v != NULL;
}

static bool date_field(web_ctx *c, date_t *d, const char **text)
{
    const char *v = need(c, "date", "振込指定日");
    if (v && !date_parse_iso(v, strlen(v), d)) {
        web_error_page(c, 400, "振込指定日は 2025-05-20 のような実在の日付で指定してください。");
        return false;
    }
    *text = v;
    return v != NULL;
}

/* A month's result: its totals, and for a finalization the event and its anchor. */
static void month_summary(act *a, const flow_month_res *res, bool finalize)
{
    web_html *h = &a->c->resp->body;
    const month_run *run = &res->run;
    char mon[8];
    month_format(run->month, mon);
    web_html(h, "<table class=\"summary\"><tbody><tr><th scope=\"row\">実行</th><td><code>{}</code></td></tr>",
             H_TEXT(res->meta.run_id));
    for (size_t p = 0; p < run->n_programs; p++)
        web_html(h, "<tr><th scope=\"row\">{}</th><td class=\"yen\">{}</td></tr>",
                 H_TEXT(run->programs[p]->title), H_YEN(run->program_total[p]));
    web_html(h, "<tr><th scope=\"row\">月の合計</th><td class=\"yen\">{}</td></tr>", H_YEN(run->total));
    if (res->meta.correction)
        web_html(h, "<tr><th scope=\"row\">修正の差額</th><td>追給 {}、返還 {}（{}件）</td></tr>",
                 H_YEN(res->raised_yen), H_YEN(res->lowered_yen), H_INT(res->meta.correction->n));
    for (size_t i = 0; finalize && res->finalized && i < res->event.n_over_decision &&
                       i < LEDGER_OVER_DECISION_MAX; i++) {
        const ledger_over_decision *o = &res->event.over_decision[i];
        web_html(h, "<tr><th scope=\"row\">交付決定額を超える支払</th><td>{}：決定額 {}、超過 {}"
                    "（理由を記録、番号 {}）</td></tr>",
                 H_TEXT(o->nursery_id), H_YEN(o->decided_yen), H_YEN(o->shortfall_yen),
                 H_INT(res->event.over_decision_seq));
    }
    if (finalize && res->finalized)
        web_html(h, "<tr><th scope=\"row\">台帳の記録</th><td>番号 {}</td></tr>"
                    "<tr><th scope=\"row\">決裁文書に控えるアンカー</th><td><code>{}:{}</code></td></tr>",
                 H_INT(res->event.event_seq), H_INT(res->event.event_seq),
                 H_TEXT(res->event.event_hash));
    web_html(h, "</tbody></table><p><a href=\"/month?m={}\">{}の月次へ</a> ・ "
                "<a href=\"/downloads?dir={}\">出力のダウンロード</a></p>",
             H_TEXT(mon), H_TEXT(mon), H_TEXT(mon));
}

/* Draft, finalization, correction: one procedure, flow_month. */
static void month_action(web_ctx *c, const char *title, duty_action what)
{
    claim_month m;
    if (!month_field(c, &m))
        return;
    bool finalize = what != DUTY_RUN, supersede = what == DUTY_CORRECT;
    const char *reason = NULL;
    if (supersede && !(reason = need(c, "reason", "修正の理由")))
        return;
    act a;
    if (!act_begin(&a, c, title, what))
        return;
    flow_notes pre = {0};
    if (finalize && !flow_month_begun(m, "finalize", &pre)) {
        page(&a, EXIT_USAGE, &pre, NULL);
        web_page_end(c);
        flow_notes_free(&pre);
        act_end(&a);
        return;
    }
    flow_notes_free(&pre);
    flow_month_req rq = {.paths = a.paths, .rules = &a.rules, .month = m, .finalize = finalize,
                         .supersede = supersede, .reason = reason,
                         .over_budget_reason = given(c, "over_budget_reason"),
                         .over_decision_reason = finalize ? given(c, "over_decision_reason") : NULL,
                         .after_settlement_reason =
                             finalize ? given(c, "after_settlement_reason") : NULL,
                         .workbooks = true, .actor = a.actor, .stage_pid = (long)getpid(),
                         /* statements in this process: no fork() from a threaded server */
                         .jobs = 1};
    flow_month_res res;
    int rc = flow_month(&rq, &res);
    page(&a, rc, &res.notes, NULL);
    if (rc == EXIT_OK)
        month_summary(&a, &res, finalize);
    web_page_end(c);
    flow_month_free(&res);
    act_end(&a);
}

void web_action_run(web_ctx *c)
{
    month_action(c, "試算", DUTY_RUN);
}

void web_action_finalize(web_ctx *c)
{
    month_action(c, "確定（起案）", DUTY_FINALIZE);
}

void web_action_correct(web_ctx *c)
{
    month_action(c, "修正", DUTY_CORRECT);
}

void web_action_forms(web_ctx *c)
{
    claim_month m;
    if (!month_field(c, &m))
        return;
    act a;
    if (!act_begin(&a, c, "請求書様式の作成", DUTY_INTAKE))
        return;
    flow_forms_req rq = {a.paths, m, NULL};
    flow_forms_res res;
    int rc = flow_forms(&rq, &res);
    page(&a, rc, &res.notes, NULL);
    if (rc == EXIT_OK) {
        char mon[8];
        month_format(m, mon);
        web_html(&c->resp->body, "<p>{} 通の請求書を作成しました：<a href=\"/downloads?dir={}/forms\">ダウンロード</a></p>",
                 H_INT(res.written), H_TEXT(mon));
    }
    web_page_end(c);
    flow_forms_free(&res);
    act_end(&a);
}

/* ------------------------------------------------------------ uploads */

/* The name an uploaded file is kept under in the private directory: its
 * last path component, without control characters, backslashes or leading
 * dots, at most 120 bytes, ending in .xlsx (any case); NULL if none is left
 * or it is no .xlsx. */
static char *upload_name(const char *filename)
{
    const char *base = filename;
    for (const char *p = filename; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    while (*base == '.')
        base++;
    char out[128];
    size_t n = 0;
    for (const char *p = base; *p && n < 120; p++) {
        unsigned char ch = (unsigned char)*p;
        out[n++] = ch < 0x20 || ch == 0x7f ? '_' : (char)ch;
    }
    out[n] = '\0';
    if (n < 6 || strcasecmp(out + n - 5, ".xlsx") != 0)
        return NULL;
    return strdup(out);
}

void web_action_intake(web_ctx *c)
{
    claim_month m;
    if (!month_field(c, &m))
        return;
    const web_form *form = c->req->form;
    size_t n_files = 0;
    for (size_t i = 0; i < form->n; i++)
        if (form->f[i].filename && form->f[i].filename[0])
            n_files++;
    if (!n_files) {
        web_error_page(c, 400, "記入済みの請求書（.xlsx）を選んでください。");
        return;
    }
    act a;
    if (!act_begin(&a, c, "請求書の受付", DUTY_INTAKE))
        return;
    char dir[] = "/tmp/kasan-upload-XXXXXX"; /* mkdtemp: mode 0700, ours alone */
    const char *tmp = getenv("TMPDIR");
    char dirbuf[4096];
    snprintf(dirbuf, sizeof dirbuf, "%s/kasan-upload-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *d = mkdtemp(strlen(dirbuf) < sizeof dirbuf - 1 ? dirbuf : dir);
    flow_notes pre = {0};
    char **paths = calloc(n_files, sizeof *paths);
    size_t k = 0;
    int rc = d && paths ? EXIT_OK : EXIT_INTERNAL;
    if (rc != EXIT_OK)
        flow_say(&pre, FLOW_NOTE_SAY, "cannot make a private directory for the upload: %s",
                 strerror(errno));
    for (size_t i = 0; rc == EXIT_OK && i < form->n; i++) {
        const web_field *f = &form->f[i];
        if (!f->filename || !f->filename[0])
            continue;
        char *name = upload_name(f->filename);
        if (!name) {
            flow_say(&pre, FLOW_NOTE_SAY, "%s: only filled claim forms (.xlsx) are taken",
                     f->filename);
            rc = EXIT_INVALID;
            break;
        }
        size_t len = strlen(d) + strlen(name) + 24;
        paths[k] = malloc(len);
        snprintf(paths[k], len, "%s/%s", d, name);
        for (int dup = 2; access(paths[k], F_OK) == 0; dup++) /* two forms of one name */
            snprintf(paths[k], len, "%s/%d-%s", d, dup, name);
        free(name);
        int fd = open(paths[k], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        bool ok = fd >= 0 && write(fd, f->data, f->len) == (ssize_t)f->len;
        if (fd >= 0 && close(fd) != 0)
            ok = false;
        k++;
        if (!ok) {
            flow_say(&pre, FLOW_NOTE_SAY, "cannot keep the upload %s: %s", f->filename,
                     strerror(errno));
            rc = EXIT_INTERNAL;
        }
    }
    char mon[8], what[128], strip[4200];
    month_format(m, mon);
    snprintf(strip, sizeof strip, "%s/", d ? d : "");
    if (rc == EXIT_OK) {
        /* the forms' cells name children and their care: logged before any is shown */
        snprintf(what, sizeof what, "intake %s: %zu form%s", mon, k, k == 1 ? "" : "s");
        if (web_access_log(c, what)) {
            flow_say(&pre, FLOW_NOTE_SAY, "the access log cannot be written: nothing was read");
            rc = EXIT_INTERNAL;
        }
    }
    if (rc != EXIT_OK) {
        page(&a, rc, &pre, strip);
    } else {
        /* a correction's forms replace the lines of the finalized run's claims:
         * the box implies replacing (the command line's --replace --correction) */
        bool correction = given(c, "correction") != NULL;
        flow_intake_req rq = {a.paths, m, correction || given(c, "replace") != NULL,
                              (const char *const *)paths, k, correction};
        flow_intake_res res;
        rc = flow_intake(&rq, &res);
        page(&a, rc, &res.notes, strip);
        if (rc == EXIT_OK)
            web_html(&c->resp->body, "<p>{} 通の請求書から、児童 {} 行・職員 {} 行を受け付けました。"
                                     "<a href=\"/month?m={}\">{}の月次へ</a></p>",
                     H_INT(k), H_INT(res.n_children), H_INT(res.n_staff), H_TEXT(mon), H_TEXT(mon));
        else if (rc == EXIT_REFUSED)
            web_html_lit(&c->resp->body, "<p>置き換えるときは「受付済みの請求を置き換える」を、"
                                         "確定済みの月の請求を修正するときは「確定済みの月の修正として置き換える」を"
                                         "選んでください。</p>");
        flow_intake_free(&res);
    }
    web_page_end(c);
    for (size_t i = 0; i < k; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
    free(paths);
    if (d)
        rmdir(d);
    flow_notes_free(&pre);
    act_end(&a);
}

/* ------------------------------------------------------------ transfer files */

static void transfer_result(act *a, int rc, const flow_transfer_res *res, const char *date)
{
    page(a, rc, &res->notes, NULL);
    web_html *h = &a->c->resp->body;
    if (rc == EXIT_OK && res->nothing)
        web_html(h, "<p>{}：振り込むものはありません（以前の振込を上回る差額がありません）。</p>",
                 H_TEXT(res->label));
    else if (rc == EXIT_OK) {
        const char *rel = res->path;
        size_t n = strlen(a->paths.out);
        if (!strncmp(rel, a->paths.out, n) && rel[n] == '/')
            rel += n + 1;
        web_html(h, "<table class=\"summary\"><tbody><tr><th scope=\"row\">振込データ</th>"
                    "<td><a href=\"/download/{}\" download>{}</a></td></tr>"
                    "<tr><th scope=\"row\">件数</th><td class=\"yen\">{}</td></tr>"
                    "<tr><th scope=\"row\">合計金額</th><td class=\"yen\">{}</td></tr>"
                    "<tr><th scope=\"row\">振込指定日</th><td>{}</td></tr>"
                    "<tr><th scope=\"row\">台帳の記録</th><td>番号 {}（SHA-256 <code>{}</code>）</td></tr>"
                    "<tr><th scope=\"row\">控えるアンカー</th><td><code>{}:{}</code></td></tr>"
                    "</tbody></table>",
                 H_TEXT(rel), H_TEXT(rel), H_INT(res->count), H_YEN(res->amount_yen), H_TEXT(date),
                 H_INT(res->event_seq), H_TEXT(res->sha256), H_INT(res->event_seq),
                 H_TEXT(res->event_hash));
    }
}

void web_action_transfer(web_ctx *c)
{
    claim_month m;
    date_t day;
    const char *date;
    if (!month_field(c, &m) || !date_field(c, &day, &date))
        return;
    act a;
    if (!act_begin(&a, c, "振込データの作成", DUTY_TRANSFER))
        return;
    flow_notes pre = {0};
    if (!flow_month_begun(m, "transfer", &pre)) {
        page(&a, EXIT_USAGE, &pre, NULL);
        web_page_end(c);
    } else {
        flow_transfer_req rq = {.paths = a.paths, .month = m, .day = day, .date = date,
                                .actor = a.actor};
        flow_transfer_res res;
        int rc = flow_transfer(&rq, &res);
        transfer_result(&a, rc, &res, date);
        web_page_end(c);
        flow_transfer_free(&res);
    }
    flow_notes_free(&pre);
    act_end(&a);
}

void web_action_settle_transfer(web_ctx *c)
{
    int fy;
    date_t day;
    const char *date;
    if (!fy_field(c, &fy) || !date_field(c, &day, &date))
        return;
    act a;
    if (!act_begin(&a, c, "追加交付の振込データの作成", DUTY_TRANSFER))
        return;
    flow_transfer_req rq = {.paths = a.paths, .settlement_fy = fy, .day = day, .date = date,
                            .actor = a.actor};
    flow_transfer_res res;
    int rc = flow_transfer(&rq, &res);
    transfer_result(&a, rc, &res, date);
    web_page_end(c);
    flow_transfer_free(&res);
    act_end(&a);
}

/* ------------------------------------------------------------ the settlement */

void web_action_settle(web_ctx *c)
{
    int fy;
    if (!fy_field(c, &fy))
        return;
    const char *step = given(c, "step");
    bool finalize, supersede = false;
    if (step && !strcmp(step, "draft"))
        finalize = false;
    else if (step && !strcmp(step, "finalize"))
        finalize = true;
    else if (step && !strcmp(step, "correct"))
        finalize = supersede = true;
    else {
        web_error_page(c, 400, "試算・確定・修正のどれかを選んでください。");
        return;
    }
    const char *reason = NULL;
    if (supersede && !(reason = need(c, "reason", "修正の理由")))
        return;
    act a;
    if (!act_begin(&a, c, supersede ? "精算の修正" : finalize ? "精算の確定" : "精算の試算",
                   DUTY_SETTLE))
        return;
    flow_settle_req rq = {.paths = a.paths, .fiscal_year = fy, .finalize = finalize,
                          .supersede = supersede, .reason = reason,
                          .over_budget_reason = given(c, "over_budget_reason"),
                          .actor = a.actor};
    flow_settle_res res;
    int rc = flow_settle(&rq, &res);
    page(&a, rc, &res.notes, NULL);
    web_html *h = &c->resp->body;
    if (rc == EXIT_OK && res.decided) {
        web_html(h, "<table class=\"summary\"><tbody><tr><th scope=\"row\">交付確定額の合計</th><td class=\"yen\">{}</td></tr>"
                    "<tr><th scope=\"row\">既交付額の合計</th><td class=\"yen\">{}</td></tr>"
                    "<tr><th scope=\"row\">追加交付</th><td class=\"yen\">{}</td></tr>"
                    "<tr><th scope=\"row\">返還</th><td class=\"yen\">{}</td></tr>",
                 H_YEN(res.st.annual_total), H_YEN(res.st.paid_total),
                 H_YEN(res.st.additional_total), H_YEN(res.st.repayment_total));
        if (finalize)
            web_html(h, "<tr><th scope=\"row\">台帳の記録</th><td>番号 {}（<code>{}:{}</code>）</td></tr>",
                     H_INT(res.event.event_seq), H_INT(res.event.event_seq),
                     H_TEXT(res.event.event_hash));
        web_html(h, "</tbody></table><p><a href=\"/settlement?fy={}\">精算の画面へ</a> ・ "
                    "<a href=\"/downloads?dir=settlement-{}\">出力のダウンロード</a></p>",
                 H_INT(fy), H_INT(fy));
    }
    web_page_end(c);
    flow_settle_free(&res);
    act_end(&a);
}

/* ------------------------------------------------------------ 決裁 */

/* What the approver was shown, from the form: the run (or settle) id, the
 * digest and the drafting event's number, all three; else a 400 page. */
static bool shown_fields(web_ctx *c, flow_approve_req *rq)
{
    const char *run = given(c, "run_id"), *digest = given(c, "digest");
    const char *seq = given(c, "drafted_seq");
    char *end = NULL;
    long long n = seq ? strtoll(seq, &end, 10) : 0;
    if (!web_id_ok(run) || !web_token_wellformed(digest) || !seq || *end || n <= 0) {
        web_error_page(c, 400, "決裁する内容（実行・ダイジェスト・台帳の番号）が送られていません。"
                               "月次または精算のページを開き直して、表示された内容を決裁してください。");
        return false;
    }
    rq->run_id = run;
    rq->digest = digest;
    rq->drafted_seq = n;
    return true;
}

static void approve_action(web_ctx *c, bool of_settlement)
{
    flow_approve_req rq = {0};
    if (of_settlement ? !fy_field(c, &rq.settlement_fy) : !month_field(c, &rq.month))
        return;
    if (!shown_fields(c, &rq))
        return;
    act a;
    if (!act_open(&a, c, of_settlement ? "精算の決裁" : "決裁", NULL))
        return;
    rq.paths = a.paths;
    rq.actor = a.actor;
    flow_approve_res res;
    int rc = flow_approve(&rq, &res);
    page(&a, rc, &res.notes, NULL);
    web_html *h = &c->resp->body;
    if (rc == EXIT_REFUSED) {
        /* a role the operator lacks or their own draft: forbidden; something
         * no longer current or already approved: a conflict */
        const char *drafter = res.signoffs.drafted.operator_id;
        if (!web_has_role(c, DUTY_APPROVE) || (drafter && duty_id_same(drafter, c->s.op.id)))
            c->resp->status = 403;
    }
    if (rc == EXIT_OK) {
        web_html(h, "<table class=\"summary\"><tbody><tr><th scope=\"row\">決裁</th><td>{}（台帳の番号 {}）</td></tr>"
                    "<tr><th scope=\"row\">決裁文書に控えるアンカー</th><td><code>{}:{}</code></td></tr>",
                 H_TEXT(c->s.op.id), H_INT(res.event_seq), H_INT(res.event_seq),
                 H_TEXT(res.event_hash));
        if (res.workbook)
            web_html_lit(h, "<tr><th scope=\"row\">支払一覧</th><td>決裁欄を記入しました（payments.xlsx）</td></tr>");
        web_html_lit(h, "</tbody></table><p>次は振込です：振込の権限を持ち、起案も決裁もしていない人が"
                        "振込データを作成します。</p>");
    }
    if (res.subject.run_id)
        web_approve_summary(h, &res);
    if (of_settlement)
        web_html(h, "<p><a href=\"/settlement?fy={}\">精算の画面へ</a></p>", H_INT(rq.settlement_fy));
    else {
        char mon[8];
        month_format(rq.month, mon);
        web_html(h, "<p><a href=\"/month?m={}\">{}の月次へ</a></p>", H_TEXT(mon), H_TEXT(mon));
    }
    web_page_end(c);
    flow_approve_free(&res);
    act_end(&a);
}

void web_action_approve(web_ctx *c)
{
    approve_action(c, false);
}

void web_action_settle_approve(web_ctx *c)
{
    approve_action(c, true);
}

/* ------------------------------------------------------------ the auditor's checkpoint */

void web_action_checkpoint(web_ctx *c)
{
    act a;
    if (!act_begin(&a, c, "チェックポイントの作成", DUTY_CHECKPOINT))
        return;
    flow_checkpoint_req rq = {.paths = a.paths, .actor = a.actor, .to = NULL};
    flow_checkpoint_res res;
    int rc = flow_checkpoint(&rq, &res);
    page(&a, rc, &res.notes, NULL);
    if (rc == EXIT_OK) {
        const char *rel = res.path;
        size_t n = strlen(a.paths.out);
        if (!strncmp(rel, a.paths.out, n) && rel[n] == '/')
            rel += n + 1;
        web_html(&c->resp->body,
                 "<table class=\"summary\"><tbody><tr><th scope=\"row\">ファイル</th>"
                 "<td><a href=\"/download/{}\" download>{}</a></td></tr>"
                 "<tr><th scope=\"row\">台帳の番号</th><td>{}</td></tr>"
                 "<tr><th scope=\"row\">ハッシュ</th><td><code>{}</code></td></tr>"
                 "<tr><th scope=\"row\">時刻</th><td>{}</td></tr></tbody></table>"
                 "<p>台帳の外（別の媒体）に保管してください。確かめるには "
                 "<code>kasan audit verify --checkpoint {}</code>。</p>"
                 "<p><a href=\"/audit\">監査の画面へ</a></p>",
                 H_TEXT(rel), H_TEXT(rel), H_INT(res.seq), H_TEXT(res.hash), H_TEXT(res.time),
                 H_TEXT(res.path));
    }
    web_page_end(c);
    flow_checkpoint_free(&res);
    act_end(&a);
}
