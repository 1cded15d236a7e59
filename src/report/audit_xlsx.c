/* audit_xlsx: the auditor's year (監査報告, kasan audit report) — one row per
 * event of the fiscal year (事象一覧) read from its payload whatever its kind,
 * every payload leaf (事象の内容), the ledger's verification with each
 * event's signature (検証), the anchors of each finalization (アンカー), the
 * replay of each finalized month and of the year's finalized settlement
 * (再計算), and who drafted, approved and paid each (決裁).  For auditors who do
 * not use a shell: filters, frozen headers, A4 landscape.  Times in Japan
 * time (the ledger keeps UTC); kasan's own refusal reasons and replay lines
 * said in Japanese (the operators' reasons as they wrote them).  Not here:
 * collecting any of it (src/cli/audit.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"
#include "kasan/num.h"
#include "kasan/report.h"
#include "kasan/strbuf.h"

/* The kinds of event kasan writes today, in Japanese; any other kind is
 * shown by its stored name, so a new kind needs no change here. */
static const struct {
    const char *action, *ja;
} KINDS[] = {
    {"finalize", "確定"},          {"supersede", "修正（再確定）"},
    {"refuse", "確定の拒否"},      {"settle", "精算の確定"},
    {"settle_supersede", "精算の修正"}, {"transfer", "振込ファイル"},
    {"approve", "決裁"},
};

static const char *kind_ja(const ledger_event *e)
{
    const char *action = e->action;
    /* a refusal says what was refused (payload.requested) */
    const char *req = !strcmp(action, "refuse") ? ledger_event_leaf(e, "requested") : NULL;
    if (req && !strcmp(req, "transfer"))
        return "振込ファイルの拒否";
    if (req && (!strcmp(req, "settle") || !strcmp(req, "settle_supersede")))
        return "精算の確定の拒否";
    if (req && !strcmp(req, "approve"))
        return "決裁の拒否";
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (!strcmp(KINDS[i].action, action))
            return KINDS[i].ja;
    return "その他";
}

/* Finalizations: the events whose anchor the operator was shown. */
static bool is_finalization(const char *action)
{
    return !strcmp(action, "finalize") || !strcmp(action, "supersede") ||
           !strcmp(action, "settle") || !strcmp(action, "settle_supersede");
}

static void print_setup(xw *x, lxw_worksheet *ws, lxw_row_t header, lxw_row_t last_row,
                        lxw_col_t last_col)
{
    xw_check(x, worksheet_autofilter(ws, header, 0, last_row > header ? last_row : header,
                                     last_col));
    worksheet_freeze_panes(ws, header + 1, 0);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    worksheet_set_margins(ws, 0.4, 0.4, 0.6, 0.6);
    xw_check(x, worksheet_repeat_rows(ws, header, header));
    worksheet_set_footer(ws, "&C&P / &N");
}

static void title_rows(xw *x, lxw_worksheet *ws, const audit_book *b, const char *what)
{
    char fy[64], buf[1024];
    fmt_fy_wareki(b->fiscal_year, fy, sizeof fy);
    snprintf(buf, sizeof buf, "%s（%d年度）監査報告 — %s", fy, b->fiscal_year, what);
    worksheet_set_row(ws, 0, 22, NULL);
    xw_text(x, ws, 0, 0, buf, x->f.title);
    /* the ledger by its name (under --out), not this machine's path */
    const char *slash = b->ledger_path ? strrchr(b->ledger_path, '/') : NULL;
    char jst[128];
    fmt_time_jst(b->created, jst, sizeof jst);
    snprintf(buf, sizeof buf, "台帳 %s　作成 %s（日本時間。台帳の時刻は UTC で記録）",
             slash ? slash + 1 : b->ledger_path ? b->ledger_path : "", jst);
    xw_text(x, ws, 1, 0, buf, x->f.note);
}

static void headers(xw *x, lxw_worksheet *ws, lxw_row_t r, const char *const *h, size_t n,
                    const unsigned *width)
{
    worksheet_set_row(ws, r, 28, NULL);
    for (size_t c = 0; c < n; c++) {
        worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, width[c], NULL);
        xw_text(x, ws, r, (lxw_col_t)c, h[c], x->f.header);
    }
}

/* "2025-05", "精算 2025年度", or "" */
static void target(const ledger_event *e, char *buf, size_t size)
{
    if (e->month)
        snprintf(buf, size, "%s", e->month);
    else if (e->settlement_fy)
        snprintf(buf, size, "精算 %d年度", e->settlement_fy);
    else
        buf[0] = '\0';
}

static const char *last_segment(const char *key)
{
    const char *dot = strrchr(key, '.');
    return dot ? dot + 1 : key;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static void yen_text(const char *v, bool sign, strbuf *sb);

static void yen_ll(long long v, strbuf *sb)
{
    char n[32];
    snprintf(n, sizeof n, "%lld", v);
    yen_text(n, false, sb);
    sb_adds(sb, "円");
}

static void fy_ja(int fy, strbuf *sb)
{
    char buf[64];
    fmt_fy_wareki(fy, buf, sizeof buf);
    sb_adds(sb, buf);
}

/* A refusal's reason as the ledger recorded it (kasan's English message,
 * src/ledger/store.c, settle_store.c, src/cli/transfer.c) said in Japanese
 * by its code, with the figures the message holds; a message of another
 * form is kept as recorded after the code's meaning. */
static void refusal_ja(const char *code, const char *text, strbuf *sb)
{
    int fy;
    long long a, b, c, d;
    char id[128], what[128];
    if (!strcmp(code, "over_budget")) {
        if (sscanf(text, "FY%d paid total would be %lld yen, over budget line %127[^ ] (%lld yen) by "
                         "%lld yen", &fy, &a, id, &b, &c) == 5) {
            fy_ja(fy, sb);
            sb_adds(sb, "の支払累計が");
            yen_ll(a, sb);
            sb_addf(sb, "となり、予算事業 %s の予算額", id);
            yen_ll(b, sb);
            sb_adds(sb, "を");
            yen_ll(c, sb);
            sb_adds(sb, "超えるため（確定には補正予算・流用の理由が必要）");
            return;
        }
        if (sscanf(text, "FY%d paid %lld yen plus 追加交付 %lld yen would be over budget line "
                         "%127[^ ] (%lld yen) by %lld yen", &fy, &a, &b, id, &c, &d) == 6) {
            fy_ja(fy, sb);
            sb_adds(sb, "の支払済額");
            yen_ll(a, sb);
            sb_adds(sb, "に追加交付");
            yen_ll(b, sb);
            sb_addf(sb, "を加えると、予算事業 %s の予算額", id);
            yen_ll(c, sb);
            sb_adds(sb, "を");
            yen_ll(d, sb);
            sb_adds(sb, "超えるため（確定には補正予算・流用の理由が必要）");
            return;
        }
        sb_adds(sb, "予算額を超えるため");
    } else if (!strcmp(code, "no_budget_line")) {
        if (sscanf(text, "no budget line for FY%d", &fy) == 1) {
            fy_ja(fy, sb);
            sb_adds(sb, "の予算事業の定め（rules/budget/）がないため（確定には理由が必要）");
            return;
        }
        sb_adds(sb, "年度の予算事業の定めがないため");
    } else if (!strcmp(code, "already_finalized")) {
        if (sscanf(text, "month %127s is already finalized", what) == 1) {
            sb_addf(sb, "%s は既に確定しているため（修正には --supersede と理由が必要）", what);
            return;
        }
        if (sscanf(text, "the settlement of FY%d is already finalized", &fy) == 1) {
            fy_ja(fy, sb);
            sb_adds(sb, "の精算は既に確定しているため（修正には --supersede と理由が必要）");
            return;
        }
        sb_adds(sb, "既に確定しているため");
    } else if (!strcmp(code, "nothing_to_supersede")) {
        sb_adds(sb, "修正の対象となる確定がないため");
    } else if (!strcmp(code, "not_finalized")) {
        sb_adds(sb, "確定していないため（試算は振込ファイルにしない）");
        return;
    } else if (!strcmp(code, "already_transferred")) {
        sb_adds(sb, "既に振込ファイルを作成済みのため（再発行には --reissue と理由が必要）");
        return;
    } else {
        sb_adds(sb, "その他");
    }
    sb_addf(sb, "（記録：%s）", text);
}

/* Every reason of the event (a leaf whose name ends in "reason"), labelled. */
static void reasons(const ledger_event *e, strbuf *sb)
{
    for (size_t i = 0; i < e->n_leaves; i++) {
        const char *k = e->leaves[i].key, *seg = last_segment(k);
        if (!ends_with(seg, "reason"))
            continue;
        const char *label = k;
        if (!strcmp(k, "supersede.reason") || !strcmp(k, "supersede_reason"))
            label = "修正の理由";
        else if (!strcmp(k, "over_budget_override.reason") || !strcmp(k, "over_budget_reason"))
            label = "予算超過の理由";
        else if (!strcmp(k, "reissue_reason"))
            label = "再発行の理由";
        else if (!strcmp(k, "reason") && !strcmp(e->action, "refuse"))
            label = "拒否の理由";
        if (sb->len)
            sb_addc(sb, '\n');
        const char *code = !strcmp(k, "reason") ? ledger_event_leaf(e, "code") : NULL;
        if (code && !strcmp(e->action, "refuse")) { /* kasan's own words: said in Japanese */
            sb_addf(sb, "%s：", label);
            refusal_ja(code, e->leaves[i].value, sb);
            continue;
        }
        sb_addf(sb, "%s：%s", label, e->leaves[i].value); /* the operator's own words */
    }
}

static void yen_text(const char *v, bool sign, strbuf *sb)
{
    char *end;
    long long n = strtoll(v, &end, 10);
    if (*end) {
        sb_adds(sb, v);
        return;
    }
    char digits[48];
    num_format_grouped(num_int(n < 0 ? -n : n), digits, sizeof digits);
    sb_adds(sb, n < 0 ? "△" : sign && n > 0 ? "+" : "");
    sb_adds(sb, digits);
}

/* Each object of the payload with a difference_yen (a correction's rows, a
 * settlement's rows): "P011 nurse_placement 499,000 → 366,000 差額 △133,000". */
static void differences(const ledger_event *e, strbuf *sb)
{
    for (size_t i = 0; i < e->n_leaves; i++) {
        const char *k = e->leaves[i].key, *seg = last_segment(k);
        if (strcmp(seg, "difference_yen") != 0)
            continue;
        size_t plen = (size_t)(seg - k); /* "supersede.corrections[0]." */
        char key[512];
        const char *f[4] = {"nursery_id", "program", "paid_yen", NULL};
        const char *v[4] = {NULL, NULL, NULL, NULL};
        for (int j = 0; j < 3; j++) {
            snprintf(key, sizeof key, "%.*s%s", (int)plen, k, f[j]);
            v[j] = ledger_event_leaf(e, key);
        }
        snprintf(key, sizeof key, "%.*scorrected_yen", (int)plen, k);
        v[3] = ledger_event_leaf(e, key);
        if (!v[3]) {
            snprintf(key, sizeof key, "%.*sannual_yen", (int)plen, k);
            v[3] = ledger_event_leaf(e, key);
        }
        if (sb->len)
            sb_addc(sb, '\n');
        sb_addf(sb, "%s %s ", v[0] ? v[0] : "", v[1] ? v[1] : "");
        if (v[2] && v[3]) {
            yen_text(v[2], false, sb);
            sb_adds(sb, " → ");
            yen_text(v[3], false, sb);
            sb_adds(sb, " ");
        }
        sb_adds(sb, "差額 ");
        yen_text(e->leaves[i].value, true, sb);
    }
}

/* Lines a wrapped cell of `cols` character widths takes: a full-width
 * character (3-byte UTF-8) counts two. */
static size_t wrapped_lines(const char *s, size_t cols)
{
    size_t n = 0, w = 0;
    for (;; s++) {
        if (*s == '\n' || !*s) {
            n += w ? (w + cols - 1) / cols : 1;
            w = 0;
            if (!*s)
                return n;
            continue;
        }
        unsigned char c = (unsigned char)*s;
        if (c < 0x80)
            w++;
        else if (c >= 0xE0)
            w += 2;
    }
}

enum { EV_HEADER = 3, EV_COLS = 12 };

static void event_row(xw *x, lxw_worksheet *ws, lxw_row_t r, const ledger_event *e, strbuf *sb)
{
    xw_formats *f = &x->f;
    char buf[64];
    xw_whole(x, ws, r, 0, e->seq, f->num);
    char jst[128];
    fmt_time_jst(e->time, jst, sizeof jst);
    xw_text(x, ws, r, 1, jst, f->wrap);
    xw_text(x, ws, r, 2, e->actor, f->text);
    char kind[256];
    snprintf(kind, sizeof kind, "%s\n%s", kind_ja(e), e->action);
    xw_text(x, ws, r, 3, kind, f->wrap);
    target(e, buf, sizeof buf);
    xw_text(x, ws, r, 4, buf, f->text);
    const char *run = ledger_event_leaf(e, "run_id");
    xw_text(x, ws, r, 5, run ? run : ledger_event_leaf(e, "settle_id"), f->wrap);
    const char *total = ledger_event_leaf(e, "total_yen");
    char *end = NULL;
    long long t = total ? strtoll(total, &end, 10) : 0;
    if (total && !*end)
        xw_whole(x, ws, r, 6, t, f->yen);
    else
        xw_blank(x, ws, r, 6, f->text);
    sb_reset(sb);
    reasons(e, sb);
    xw_text(x, ws, r, 7, sb->len ? sb->buf : NULL, f->wrap);
    size_t lines = sb->len ? wrapped_lines(sb->buf, 36) : 1;
    sb_reset(sb);
    differences(e, sb);
    xw_text(x, ws, r, 8, sb->len ? sb->buf : NULL, f->wrap);
    size_t dl = sb->len ? wrapped_lines(sb->buf, 38) : 1;
    if (dl > lines)
        lines = dl;
    const char *file = ledger_event_leaf(e, "file");
    xw_text(x, ws, r, 9, file, f->wrap);
    xw_text(x, ws, r, 10, file ? ledger_event_leaf(e, "sha256") : NULL, f->mono);
    xw_text(x, ws, r, 11, e->hash, f->mono);
    if (lines < 3)
        lines = 3; /* the hashes take three lines */
    worksheet_set_row(ws, r, 11 * (unsigned)(lines > 36 ? 36 : lines) + 2, NULL);
}

static void sheet_events(xw *x, const audit_book *b)
{
    lxw_worksheet *ws = xw_sheet(x, "事象一覧");
    if (!ws)
        return;
    static const char *const h[EV_COLS] = {
        "番号\nseq", "日時（日本時間）", "実行者\nactor", "種別 kind", "対象月・精算\nmonth",
        "実行ID run", "金額（円）\ntotal", "理由 reason", "修正差額 differences",
        "ファイル file", "ファイルのSHA-256", "事象のハッシュ hash"};
    static const unsigned w[EV_COLS] = {5, 21, 8, 13, 10, 16, 11, 34, 36, 14, 17, 17};
    title_rows(x, ws, b, "台帳の事象一覧（1行1事象）");
    headers(x, ws, EV_HEADER, h, EV_COLS, w);
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < b->n_events; i++)
        event_row(x, ws, (lxw_row_t)(EV_HEADER + 1 + i), &b->events[i], &sb);
    sb_release(&sb);
    print_setup(x, ws, EV_HEADER, (lxw_row_t)(EV_HEADER + b->n_events), EV_COLS - 1);
}

static void sheet_leaves(xw *x, const audit_book *b)
{
    lxw_worksheet *ws = xw_sheet(x, "事象の内容");
    if (!ws)
        return;
    static const char *const h[] = {"番号 seq", "種別", "kind", "項目 key", "値 value"};
    static const unsigned w[] = {7, 13, 14, 44, 80};
    title_rows(x, ws, b, "各事象の記録内容（項目ごと）");
    headers(x, ws, EV_HEADER, h, 5, w);
    lxw_row_t r = EV_HEADER + 1;
    for (size_t i = 0; i < b->n_events; i++) {
        const ledger_event *e = &b->events[i];
        for (size_t k = 0; k < e->n_leaves; k++, r++) {
            xw_whole(x, ws, r, 0, e->seq, x->f.num);
            xw_text(x, ws, r, 1, kind_ja(e), x->f.text);
            xw_text(x, ws, r, 2, e->action, x->f.text);
            xw_text(x, ws, r, 3, e->leaves[k].key, x->f.text);
            xw_text(x, ws, r, 4, e->leaves[k].value, x->f.text);
        }
    }
    print_setup(x, ws, EV_HEADER, r - 1, 4);
}

static bool event_in_year(const audit_book *b, int64_t seq)
{
    for (size_t i = 0; i < b->n_events; i++)
        if (b->events[i].seq == seq)
            return true;
    return false;
}

/* The signatures (SPEC 10.1): the result, then one row per event of the
 * year with its signer and what verification found. */
static lxw_row_t verify_signatures(xw *x, lxw_worksheet *ws, const audit_book *b, lxw_row_t r)
{
    size_t n_signed = 0;
    for (size_t i = 0; i < b->n_sigs; i++)
        n_signed += b->sigs[i].operator_id != NULL;
    char buf[512];
    xw_text(x, ws, r, 0, "署名の検証", x->f.text);
    if (b->sig_problems < 0)
        snprintf(buf, sizeof buf, "検証できません（台帳を読めない）");
    else if (b->sig_problems > 0)
        snprintf(buf, sizeof buf, "異常 FAILED：署名・役割・職務分掌に%d件の問題", b->sig_problems);
    else if (n_signed == 0)
        snprintf(buf, sizeof buf, "unsigned: no operators file in force（操作者ファイルが適用されて"
                 "おらず、署名された事象はありません）");
    else
        snprintf(buf, sizeof buf, "正常 OK：署名%zu件を、各事象の日に有効な操作者の鍵で確認し、"
                 "役割と職務分掌（起案・決裁・振込は別の者）も確認しました", n_signed);
    xw_text(x, ws, r++, 1, buf, b->sig_problems ? x->f.draft_cell : x->f.text);
    for (size_t i = 0; i < b->n_sigs; i++) {
        const audit_sig_event *e = &b->sigs[i];
        if (!event_in_year(b, e->seq))
            continue;
        snprintf(buf, sizeof buf, "署名 事象%lld（%s）", (long long)e->seq, e->action);
        xw_text(x, ws, r, 0, buf, x->f.text);
        if (e->result == AUDIT_SIG_UNSIGNED || !e->operator_id)
            snprintf(buf, sizeof buf, "%s", e->text);
        else
            snprintf(buf, sizeof buf, "%s%s — %s（%s）%s via %s", e->result == AUDIT_SIG_OK ?
                     "検証済 " : "異常 ", e->text, e->operator_id, e->role ? e->role : "?",
                     e->key ? e->key : "?", e->via ? e->via : "?");
        xw_text(x, ws, r++, 1, buf, e->result == AUDIT_SIG_PROBLEM ? x->f.draft_cell : x->f.text);
    }
    return r;
}

static void sheet_verify(xw *x, const audit_book *b)
{
    lxw_worksheet *ws = xw_sheet(x, "検証");
    if (!ws)
        return;
    static const char *const h[] = {"項目", "結果"};
    static const unsigned w[] = {30, 110};
    title_rows(x, ws, b, "台帳の検証（kasan audit verify）");
    headers(x, ws, EV_HEADER, h, 2, w);
    char buf[256];
    lxw_row_t r = EV_HEADER + 1;
    xw_text(x, ws, r, 0, "検証結果", x->f.text);
    if (b->verify_problems < 0)
        snprintf(buf, sizeof buf, "検証できません（台帳を読めない）");
    else if (b->verify_problems == 0)
        snprintf(buf, sizeof buf, "正常 OK：改ざんは見つかりませんでした");
    else
        snprintf(buf, sizeof buf, "異常 FAILED：%d件の問題", b->verify_problems);
    xw_text(x, ws, r++, 1, buf, b->verify_problems ? x->f.draft_cell : x->f.text);
    static const char *const what[] = {"検証した事象の数", "検証したファイルの数",
                                       "検証した確定の数"};
    const int64_t n[] = {b->counts.events, b->counts.blobs, b->counts.runs};
    for (int k = 0; k < 3; k++, r++) {
        xw_text(x, ws, r, 0, what[k], x->f.text);
        xw_whole(x, ws, r, 1, n[k], x->f.num);
    }
    xw_text(x, ws, r, 0, "最後の事象のアンカー", x->f.text);
    snprintf(buf, sizeof buf, "%lld:%s", (long long)b->counts.head_seq, b->counts.head_hash);
    xw_text(x, ws, r++, 1, buf, x->f.mono);
    r = verify_signatures(x, ws, b, r);
    const char *p = b->verify_text ? b->verify_text : "";
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(len < 1000 ? len : 1000), p);
        xw_text(x, ws, r, 0, "問題", x->f.text);
        xw_text(x, ws, r++, 1, line, x->f.text);
        p += len + (nl != NULL);
    }
    print_setup(x, ws, EV_HEADER, r - 1, 1);
}

static void sheet_anchors(xw *x, const audit_book *b)
{
    lxw_worksheet *ws = xw_sheet(x, "アンカー");
    if (!ws)
        return;
    static const char *const h[] = {"番号 seq", "種別", "kind", "対象月・精算", "日時（日本時間）",
                                    "アンカー SEQ:SHA256（確定時に表示されたもの）"};
    static const unsigned w[] = {7, 13, 14, 12, 30, 80};
    title_rows(x, ws, b, "確定ごとのアンカー（audit verify --anchor で照合）");
    headers(x, ws, EV_HEADER, h, 6, w);
    lxw_row_t r = EV_HEADER + 1;
    char buf[128];
    for (size_t i = 0; i < b->n_events; i++) {
        const ledger_event *e = &b->events[i];
        if (!is_finalization(e->action))
            continue;
        xw_whole(x, ws, r, 0, e->seq, x->f.num);
        xw_text(x, ws, r, 1, kind_ja(e), x->f.text);
        xw_text(x, ws, r, 2, e->action, x->f.text);
        target(e, buf, sizeof buf);
        xw_text(x, ws, r, 3, buf, x->f.text);
        char jst[128];
        fmt_time_jst(e->time, jst, sizeof jst);
        xw_text(x, ws, r, 4, jst, x->f.text);
        snprintf(buf, sizeof buf, "%lld:%s", (long long)e->seq, e->hash);
        xw_text(x, ws, r++, 5, buf, x->f.mono);
    }
    print_setup(x, ws, EV_HEADER, r - 1, 5);
}

/* One line that `kasan replay` printed (src/cli/replay.c, settle.c), in
 * Japanese; a line of another form is kept as printed. */
static void replay_line_ja(const char *line, strbuf *sb)
{
    char m[64], run[128], when[64], who[128], p[64], r1[64];
    size_t n1, n2;
    long long a, b;
    int fy;
    if (sscanf(line, "replay %63[^:]: run %127s finalized %63s by %127[^,], from %zu archived "
                     "files", m, run, when, who, &n1) == 5) {
        char jst[128];
        fmt_time_jst(when, jst, sizeof jst);
        sb_addf(sb, "%s：実行 %s（%s に %s が確定）を台帳の %zu 個のファイルから再計算", m, run,
                jst, who, n1);
    } else if (sscanf(line, " %zu payment rows identical, %zu differences", &n1, &n2) == 2) {
        sb_addf(sb, "支払明細 %zu 行が一致、相違 %zu 件", n1, n2);
    } else if (sscanf(line, " %zu settlement rows identical, %zu differences", &n1, &n2) == 2) {
        sb_addf(sb, "精算の行 %zu 行が一致、相違 %zu 件", n1, n2);
    } else if (sscanf(line, " %zu corrections recorded", &n1) == 1) {
        sb_addf(sb, "修正差額 %zu 行を記録、%s", n1,
                strstr(line, "DIFFERENT") ? "再計算と相違あり" : "再計算と一致");
    } else if (sscanf(line, " DIFFERENT %63s %63[^:]: paid %lld (rule %63[^)]), recomputed %lld",
                      m, p, &a, r1, &b) == 5) {
        sb_addf(sb, "相違：%s %s 支払 ", m, p);
        yen_ll(a, sb);
        sb_addf(sb, "（規則 %s）、再計算 ", r1);
        yen_ll(b, sb);
    } else if (strstr(line, ": identical to what was paid") || strstr(line, ": identical to what was recorded")) {
        sb_adds(sb, "結果：記録と一致");
    } else if (strstr(line, ": DIFFERS from what was")) {
        sb_adds(sb, "結果：記録と相違");
    } else if (sscanf(line, "replay settlement FY%d: %127s finalized %63s by %127[^ ]", &fy, run,
                      when, who) == 4) {
        char jst[128];
        fmt_time_jst(when, jst, sizeof jst);
        fy_ja(fy, sb);
        sb_addf(sb, "の精算 %s（%s に %s が確定）を台帳から再計算", run, jst, who);
    } else {
        sb_adds(sb, line);
    }
}

static void replay_ja(const char *detail, strbuf *sb)
{
    for (const char *p = detail ? detail : ""; *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line - 1 ? len : sizeof line - 1), p);
        if (*line) {
            if (sb->len)
                sb_addc(sb, '\n');
            replay_line_ja(line, sb);
        }
        p += len + (nl != NULL);
    }
}

static void sheet_replays(xw *x, const audit_book *b)
{
    lxw_worksheet *ws = xw_sheet(x, "再計算");
    if (!ws)
        return;
    static const char *const h[] = {"対象月", "実行ID", "再計算の結果", "内容"};
    static const unsigned w[] = {10, 32, 22, 90};
    title_rows(x, ws, b, "確定した各月と精算の再計算（kasan replay）");
    headers(x, ws, EV_HEADER, h, 4, w);
    static const char *const res[] = {"一致", "相違", "再計算できない"};
    strbuf sb;
    sb_init(&sb);
    lxw_row_t r = EV_HEADER + 1;
    for (size_t i = 0; i < b->n_replays; i++, r++) {
        const audit_replay *rp = &b->replays[i];
        xw_text(x, ws, r, 0, rp->month, x->f.text);
        xw_text(x, ws, r, 1, rp->run_id, x->f.text);
        xw_text(x, ws, r, 2, res[rp->result < 0 || rp->result > 2 ? 2 : rp->result],
                rp->result ? x->f.draft_cell : x->f.text_c);
        sb_reset(&sb);
        replay_ja(rp->detail, &sb);
        xw_text(x, ws, r, 3, sb.len ? sb.buf : NULL, x->f.wrap);
        size_t lines = sb.len ? wrapped_lines(sb.buf, 95) : 1;
        if (lines > 1)
            worksheet_set_row(ws, r, 13 * (unsigned)(lines > 30 ? 30 : lines), NULL);
    }
    sb_release(&sb);
    print_setup(x, ws, EV_HEADER, r - 1, 3);
}

/* "田中 花子（tanaka）\n保育サービス課長", the time and the key of one step. */
static void step_cells(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c,
                       const audit_sig_step *s, const char *missing)
{
    char who[512];
    if (!s->seq) {
        xw_text(x, ws, r, c, missing, x->f.wrap);
        xw_blank(x, ws, r, c + 1, x->f.text);
        xw_blank(x, ws, r, c + 2, x->f.mono);
        return;
    }
    if (s->name)
        snprintf(who, sizeof who, "%s（%s）\n%s", s->name, s->operator_id, s->post ? s->post : "");
    else
        snprintf(who, sizeof who, "%s（署名なし）", s->operator_id ? s->operator_id : "?");
    snprintf(who + strlen(who), sizeof who - strlen(who), "\n事象%lld", (long long)s->seq);
    xw_text(x, ws, r, c, who, x->f.wrap);
    xw_text(x, ws, r, c + 1, s->time, x->f.text);
    /* an unsigned step: in place of a key, why (SPEC 10.1, 11.9) */
    if (s->is_signed)
        xw_text(x, ws, r, c + 2, s->key, x->f.mono);
    else
        xw_text(x, ws, r, c + 2, s->note ? s->note : "unsigned", x->f.wrap);
}

/* A run drafted unsigned while no operators file was in force needed no
 * 決裁 and no signed 振込 (kasan worked as before): the empty steps say so. */
static bool before_operators(const audit_sig_run *run)
{
    return run->drafted.seq && !run->drafted.is_signed && run->drafted.note &&
           !strcmp(run->drafted.note, "unsigned: no operators file in force");
}

/* 決裁: per month (run) and settlement of the year, who drafted (起案),
 * approved (決裁) and paid (振込) it, with key fingerprints and times. */
static void sheet_signoffs(xw *x, const audit_book *b)
{
    lxw_worksheet *ws = xw_sheet(x, "決裁");
    if (!ws)
        return;
    static const char *const h[] = {"対象月・精算", "実行ID run", "現行", "起案 drafted",
                                    "起案の日時 (UTC)", "起案の鍵", "決裁 approved",
                                    "決裁の日時 (UTC)", "決裁の鍵", "振込 paid",
                                    "振込の日時 (UTC)", "振込の鍵"};
    static const unsigned w[] = {11, 24, 6, 24, 19, 22, 24, 19, 22, 24, 19, 22};
    title_rows(x, ws, b, "起案・決裁・振込（署名した操作者、鍵の指紋、日時）");
    headers(x, ws, EV_HEADER, h, 12, w);
    lxw_row_t r = EV_HEADER + 1;
    for (size_t i = 0; i < b->n_runs; i++) {
        const audit_sig_run *run = &b->runs[i];
        claim_month m;
        int fy = run->month && month_parse(run->month, &m) ? month_fiscal_year(m)
                                                           : run->fiscal_year;
        if (fy != b->fiscal_year)
            continue;
        char subject[64];
        if (run->month)
            snprintf(subject, sizeof subject, "%s", run->month);
        else if (run->grant)
            snprintf(subject, sizeof subject, "%s", run->grant);
        else
            snprintf(subject, sizeof subject, "精算 %d年度", run->fiscal_year);
        xw_text(x, ws, r, 0, subject, x->f.text);
        xw_text(x, ws, r, 1, run->run_id, x->f.wrap);
        xw_text(x, ws, r, 2, run->current ? "現行" : "修正済", x->f.text_c);
        step_cells(x, ws, r, 3, &run->drafted, "（未起案）");
        bool before = before_operators(run);
        step_cells(x, ws, r, 6, &run->approved,
                   before ? "（決裁なし）unsigned: no operators file in force" : "（未決裁）");
        step_cells(x, ws, r, 9, &run->paid,
                   run->grant ? "（振込なし）" : before ? "（未作成）unsigned: no operators file in force"
                                                     : "（未作成）");
        worksheet_set_row(ws, r++, 48, NULL);
    }
    print_setup(x, ws, EV_HEADER, r - 1, 11);
}

/* 返還: each receivable of the year's settlement (調定), what was received
 * (収納) and what is open, 延滞 when open after its due date; the totals. */
static void sheet_refunds(xw *x, const audit_book *b)
{
    lxw_worksheet *ws = xw_sheet(x, "返還");
    if (!ws)
        return;
    static const char *const h[] = {"施設番号", "事業", "調定額", "調定日", "返還期限",
                                    "収納済額", "未収額", "延滞", "区分"};
    static const unsigned w[] = {10, 24, 14, 16, 16, 14, 14, 8, 22};
    title_rows(x, ws, b, "返還金の調定と収納（精算で決まった返還、収納済額、未収額）");
    headers(x, ws, EV_HEADER, h, 9, w);
    lxw_row_t r = EV_HEADER + 1;
    int64_t t[3] = {0, 0, 0}; /* within one settlement's 返還: no overflow */
    for (size_t i = 0; i < b->n_refunds; i++, r++) {
        const audit_refund *f = &b->refunds[i];
        char d1[64], d2[64];
        fmt_date_wareki(f->decided, d1, sizeof d1);
        fmt_date_wareki(f->due, d2, sizeof d2);
        xw_text(x, ws, r, 0, f->nursery_id, x->f.text);
        xw_text(x, ws, r, 1, f->program_title ? f->program_title : f->program, x->f.text);
        xw_whole(x, ws, r, 2, f->amount_yen, x->f.yen);
        xw_text(x, ws, r, 3, d1, x->f.text);
        xw_text(x, ws, r, 4, d2, x->f.text);
        xw_whole(x, ws, r, 5, f->received_yen, x->f.yen);
        xw_whole(x, ws, r, 6, f->open_yen, x->f.yen);
        xw_text(x, ws, r, 7, f->overdue ? "延滞" : "", x->f.text_c);
        char kind[96], fy[48]; /* 出納閉鎖 までの調定は歳出の戻入、後は雑入 (§12.6) */
        fmt_fy_wareki(f->revenue ? f->revenue_fy : b->fiscal_year, fy, sizeof fy);
        snprintf(kind, sizeof kind, f->revenue ? "雑入（%s歳入）" : "戻入（%s歳出）", fy);
        xw_text(x, ws, r, 8, kind, x->f.text);
        t[0] += f->amount_yen;
        t[1] += f->received_yen;
        t[2] += f->open_yen;
    }
    if (!b->n_refunds)
        xw_text(x, ws, r++, 0, "精算で決まった返還はありません。", x->f.text);
    else {
        xw_text(x, ws, r, 0, "合計", x->f.text);
        xw_whole(x, ws, r, 2, t[0], x->f.yen);
        xw_whole(x, ws, r, 5, t[1], x->f.yen);
        xw_whole(x, ws, r++, 6, t[2], x->f.yen);
        r++;
        xw_text(x, ws, r++, 0, "区分: 出納閉鎖までに調定した返還は当該年度の歳出から戻入し、"
                "その後に調定した返還は返還期限の属する年度の雑入（歳入）とする。", x->f.text);
    }
    print_setup(x, ws, EV_HEADER, r - 1, 8);
}

int report_audit_xlsx(const audit_book *b, const char *path, char *err, size_t errsz)
{
    xw x;
    if (xw_open(&x, path, false, err, errsz) != 0)
        return -1;
    sheet_events(&x, b);
    sheet_leaves(&x, b);
    sheet_verify(&x, b);
    sheet_anchors(&x, b);
    sheet_replays(&x, b);
    sheet_signoffs(&x, b);
    sheet_refunds(&x, b);
    return xw_close(&x, err, errsz);
}
