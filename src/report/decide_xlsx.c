/* decide_xlsx: the grant decision's workbooks (docs/spec/12-grant-decision.md)
 * — decisions.xlsx for the section (交付決定一覧: per nursery and program,
 * month by month and the year, with the totals; 不支給: the planned lines the
 * rules reject; 予算: the line's figures with this decision as 負担行為; 検証:
 * ids, the application files' and rule files' SHA-256) and the
 * 交付決定通知書 sent to one nursery (the decided amount, its months, the
 * planned lines it rests on with the claim schema's labels, the planned
 * lines not decided, the conditions of the grant and each rule's basis in
 * words), A4 portrait, 和暦, amounts #,##0"円", laid out like the
 * settlement notices.  A notice reads only its nursery's rows, lines and
 * rejections: no other nursery's data can reach it; no formula text is
 * printed (a decision is explained by its basis, not by the rule language).
 * Not here: computing the decision (engine/decide.c), the CSV files
 * (decide_csv.c). */
#include <stdio.h>
#include <string.h>

#include "decide_words.h"
#include "formats.h"
#include "kasan/report_decide.h"
#include "kasan/schema.h"

/* ---- decisions.xlsx: 交付決定一覧 -------------------------------------------- */

static void sheet_list(xw *x, const decision *dec, const decide_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "交付決定一覧");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    const lxw_col_t c0 = 3, c_year = c0 + DECIDE_MONTHS;
    char fy[64], buf[512];
    fmt_fy_wareki(dec->fiscal_year, fy, sizeof fy);
    worksheet_set_row(ws, 0, 24, NULL);
    snprintf(buf, sizeof buf, "%s 交付決定一覧（医療的ケア児受入加算等）", fy);
    xw_text(x, ws, 0, 0, buf, f->title);
    if (!meta->finalized)
        xw_text(x, ws, 0, c_year, "試算", f->draft);
    snprintf(buf, sizeof buf, "決定ID %s", meta->decide_id ? meta->decide_id : "");
    xw_text(x, ws, 1, 0, buf, f->note);

    lxw_row_t r = 3;
    static const char *const head[] = {"施設番号", "施設名", "事業"};
    for (lxw_col_t c = 0; c < 3; c++)
        xw_text(x, ws, r, c, head[c], f->header);
    for (int m = 0; m < DECIDE_MONTHS; m++) {
        int mon = month_of_fiscal(dec->fiscal_year, m).month;
        snprintf(buf, sizeof buf, "%d月", mon);
        xw_text(x, ws, r, (lxw_col_t)(c0 + m), buf, f->header);
    }
    xw_text(x, ws, r, c_year, "交付決定額（年額）", f->header);
    worksheet_set_row(ws, r, 32, NULL);
    r++;
    for (size_t i = 0; i < dec->n_rows; i++, r++) {
        const decide_row *row = &dec->rows[i];
        const decide_nursery *dn = decide_nursery_find(dec, row->nursery_id);
        xw_text(x, ws, r, 0, row->nursery_id, f->text);
        xw_text(x, ws, r, 1, dn ? dn->nursery->name : "", f->text);
        xw_text(x, ws, r, 2, decide_program_title(dec, row->program_id), f->text);
        for (int m = 0; m < DECIDE_MONTHS; m++)
            xw_whole(x, ws, r, (lxw_col_t)(c0 + m), row->month[m], f->yen);
        xw_whole(x, ws, r, c_year, row->annual, f->yen_total);
    }
    for (size_t p = 0; p < dec->n_programs; p++, r++) { /* 事業別合計 */
        snprintf(buf, sizeof buf, "%s 計", decide_program_title(dec, dec->program_ids[p]));
        xw_merge(x, ws, r, 0, 2, buf, f->total_label);
        for (int m = 0; m < DECIDE_MONTHS; m++) {
            int64_t sum = 0;
            for (size_t i = 0; i < dec->n_rows; i++)
                if (!strcmp(dec->rows[i].program_id, dec->program_ids[p]))
                    sum += dec->rows[i].month[m]; /* ≤ month_total: fits */
            xw_whole(x, ws, r, (lxw_col_t)(c0 + m), sum, f->yen_total);
        }
        xw_whole(x, ws, r, c_year, dec->program_total[p], f->yen_total);
    }
    xw_merge(x, ws, r, 0, 2, "合計", f->total_label);
    for (int m = 0; m < DECIDE_MONTHS; m++)
        xw_whole(x, ws, r, (lxw_col_t)(c0 + m), dec->month_total[m], f->yen_total);
    xw_whole(x, ws, r, c_year, dec->total, f->yen_total);
    r += 2;
    size_t decided = 0;
    for (size_t k = 0; k < dec->n_nurseries; k++)
        decided += dec->nurseries[k].total > 0;
    snprintf(buf, sizeof buf, "交付申請のあった施設 %zu（うち交付決定 %zu 施設・%zu 件）。各月の額は、"
                              "申請された計画の当該月分を、その月の初日に施行の規則により算定した額。",
             dec->n_nurseries, decided, dec->n_rows);
    xw_text(x, ws, r++, 0, buf, f->note);
    for (size_t p = 0; p < dec->n_programs; p++) {
        char words[1024];
        decide_versions_in_words(dec, dec->program_ids[p], words, sizeof words);
        xw_text(x, ws, r++, 0, words, f->note);
    }

    worksheet_set_column(ws, 0, 0, 9, NULL);
    worksheet_set_column(ws, 1, 1, 22, NULL);
    worksheet_set_column(ws, 2, 2, 18, NULL);
    worksheet_set_column(ws, c0, c0 + DECIDE_MONTHS - 1, 10, NULL);
    worksheet_set_column(ws, c_year, c_year, 14, NULL);
    worksheet_freeze_panes(ws, 4, 3);
    if (dec->n_rows)
        xw_check(x, worksheet_autofilter(ws, 3, 0, (lxw_row_t)(3 + dec->n_rows), c_year));
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    xw_check(x, worksheet_repeat_rows(ws, 3, 3));
    worksheet_set_header(ws, meta->finalized ? "" : "&R&\"-,Bold\"&14&KFF0000試算");
    worksheet_set_footer(ws, "&C&P / &N");
}

/* ---- decisions.xlsx: 不支給 ---------------------------------------------- */

static void sheet_rejections(xw *x, const decision *dec)
{
    lxw_worksheet *ws = xw_sheet(x, "不支給");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    xw_text(x, ws, 0, 0, "交付決定の対象とならない計画（不支給事由）", f->title);
    static const char *const head[] = {"月", "施設番号", "施設名", "ファイル", "行",
                                       "児童・職員番号", "事由コード", "事由"};
    lxw_row_t r = 2;
    for (lxw_col_t c = 0; c < 8; c++)
        xw_text(x, ws, r, c, head[c], f->header);
    r++;
    for (size_t i = 0; i < dec->n_rejections; i++, r++) {
        const decide_rejection *k = &dec->rejections[i];
        const decide_nursery *dn = decide_nursery_find(dec, k->r.nursery_id);
        char mon[64];
        fmt_month_wareki(k->month, mon, sizeof mon);
        xw_text(x, ws, r, 0, mon, f->text);
        xw_text(x, ws, r, 1, k->r.nursery_id, f->text);
        xw_text(x, ws, r, 2, dn ? dn->nursery->name : "", f->text);
        xw_text(x, ws, r, 3, k->r.file, f->text);
        xw_whole(x, ws, r, 4, k->r.line, f->num);
        xw_text(x, ws, r, 5, k->r.ref, f->text);
        xw_text(x, ws, r, 6, k->r.code, f->text);
        xw_text(x, ws, r, 7, k->r.reason, f->text);
    }
    if (!dec->n_rejections)
        xw_text(x, ws, r, 0, "該当なし", f->plain);
    worksheet_set_column(ws, 0, 0, 14, NULL);
    worksheet_set_column(ws, 1, 1, 9, NULL);
    worksheet_set_column(ws, 2, 2, 22, NULL);
    worksheet_set_column(ws, 3, 3, 30, NULL);
    worksheet_set_column(ws, 4, 4, 6, NULL);
    worksheet_set_column(ws, 5, 6, 16, NULL);
    worksheet_set_column(ws, 7, 7, 50, NULL);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
}

/* ---- decisions.xlsx: 予算 -------------------------------------------------- */

static void sheet_budget(xw *x, const decision *dec, const decide_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "予算");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    char fy[64], buf[512];
    fmt_fy_wareki(dec->fiscal_year, fy, sizeof fy);
    snprintf(buf, sizeof buf, "%s 予算と交付決定（負担行為）", fy);
    xw_text(x, ws, 0, 0, buf, f->title);
    worksheet_set_column(ws, 0, 0, 34, NULL);
    worksheet_set_column(ws, 1, 1, 18, NULL);
    if (!meta->budget || !meta->ward) {
        snprintf(buf, sizeof buf, "%d年度の予算ファイルがありません（rules/budget/）。予算のない"
                                  "年度の交付決定は確定できません。", dec->fiscal_year);
        xw_text(x, ws, 2, 0, buf, f->draft_l);
        return;
    }
    const budget_ward *w = meta->ward;
    snprintf(buf, sizeof buf, "予算科目 %s　%s", meta->budget->line_id, meta->budget->title);
    xw_text(x, ws, 1, 0, buf, f->note);
    struct {
        const char *label;
        int64_t v;
        bool total;
    } lines[] = {
        {"当初予算", w->initial, false},
        {"補正予算", w->by_kind[BUDGET_HOSEI], false},
        {"流用（増は正、減は負）", w->by_kind[BUDGET_RYUYO], false},
        {"予備費充用", w->by_kind[BUDGET_JUTO], false},
        {"予算現額", w->current, true},
        {"交付決定額（負担行為額）", w->committed, false},
        {"執行残（予算現額 − 負担行為額）", w->unexecuted, true},
    };
    lxw_row_t r = 3;
    xw_text(x, ws, r, 0, "項目", f->header);
    xw_text(x, ws, r, 1, "金額（円）", f->header);
    r++;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++, r++) {
        xw_text(x, ws, r, 0, lines[i].label, lines[i].total ? f->total_label : f->text);
        bool warn = lines[i].v < 0;
        xw_whole(x, ws, r, 1, lines[i].v, warn ? f->yen_warn : lines[i].total ? f->yen_total : f->yen);
    }
    r++;
    if (w->unexecuted < 0) {
        char over[32];
        num_format_grouped(num_int(-w->unexecuted), over, sizeof over);
        snprintf(buf, sizeof buf, "交付決定額が予算現額を %s 円超えています。確定には補正予算・流用・"
                                  "予備費充用により予算現額を増やすか、決定額を見直す必要があります。",
                 over);
        xw_text(x, ws, r, 0, buf, f->draft_l);
    } else {
        xw_text(x, ws, r, 0, "交付決定額は予算現額の範囲内です。", f->plain);
    }
    xw_text(x, ws, r + 1, 0, "支出済額・未払額は確定した各月の支払から kasan budget が示します。",
            f->note);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_portrait(ws);
}

/* ---- decisions.xlsx: 検証 -------------------------------------------------- */

static void sheet_verify(xw *x, const decision *dec, const decide_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "検証");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 1, 1, 70, NULL);
    worksheet_set_column(ws, 2, 3, 14, NULL);
    char fy[64], fyv[96];
    fmt_fy_wareki(dec->fiscal_year, fy, sizeof fy);
    snprintf(fyv, sizeof fyv, "%d（%s）", dec->fiscal_year, fy);
    lxw_row_t r = 0;
    worksheet_set_row(ws, r, 24, NULL);
    xw_text(x, ws, r++, 0, "検証情報", f->title);
    const char *kv[][2] = {
        {"決定ID", meta->decide_id},
        {"実行日時（UTC）", meta->created},
        {"エンジン版", meta->engine_version},
        {"区分", meta->finalized ? "確定" : "試算"},
        {"年度", fyv},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++, r++) {
        xw_text(x, ws, r, 0, kv[i][0], f->header);
        xw_text(x, ws, r, 1, kv[i][1], f->text);
    }
    r++;
    xw_text(x, ws, r++, 0, "交付申請と施設台帳（SHA-256）", f->subtitle);
    xw_text(x, ws, r, 0, "ファイル", f->header);
    xw_text(x, ws, r, 1, "SHA-256", f->header);
    r++;
    for (int i = 0; i < INPUT_COUNT; i++, r++) {
        xw_text(x, ws, r, 0, dec->app.files[i].name, f->text);
        xw_text(x, ws, r, 1, dec->app.files[i].sha256, f->text);
    }
    r++;
    xw_text(x, ws, r++, 0, "規則ファイル（SHA-256）", f->subtitle);
    xw_text(x, ws, r, 0, "ファイル", f->header);
    xw_text(x, ws, r, 1, "SHA-256", f->header);
    r++;
    for (size_t i = 0; i < dec->rules->n_files; i++, r++) {
        xw_text(x, ws, r, 0, dec->rules->files[i].name, f->text);
        xw_text(x, ws, r, 1, dec->rules->files[i].sha256, f->text);
    }
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
}

int report_decisions_xlsx(const decision *dec, const decide_meta *meta, const char *path,
                          char *err, size_t errsz)
{
    xw x;
    if (xw_open(&x, path, false, err, errsz) != 0)
        return -1;
    sheet_list(&x, dec, meta);
    sheet_rejections(&x, dec);
    sheet_budget(&x, dec, meta);
    sheet_verify(&x, dec, meta);
    return xw_close(&x, err, errsz);
}

/* ---- notices/ID.xlsx: 交付決定通知書 ---------------------------------------- */

enum { NC = 7 }; /* columns of the notice page */

typedef struct notice {
    xw *x;
    lxw_worksheet *ws;
    lxw_row_t r;
    lxw_format *body;      /* wrapped body text without border */
    lxw_format *cell_wrap; /* bordered, wrapped, small */
    const decision *dec;
    const decide_nursery *dn;
    const claim_schema *schema;
} notice;

static void spacer(notice *n)
{
    worksheet_set_row(n->ws, n->r, 7, NULL);
    n->r++;
}

static void section(notice *n, const char *title)
{
    spacer(n);
    worksheet_set_row(n->ws, n->r, 20, NULL);
    xw_merge(n->x, n->ws, n->r, 0, NC - 1, title, n->x->f.subtitle);
    n->r++;
}

/* Wrapped text over the page width, given rows for its length. */
static void para(notice *n, const char *text, lxw_format *fmt, size_t chars_per_line)
{
    worksheet_set_row(n->ws, n->r, xw_note_height(text, chars_per_line, 14), NULL);
    xw_merge(n->x, n->ws, n->r, 0, NC - 1, text, fmt);
    n->r++;
}

static void heading(notice *n, const decide_meta *meta, const char *titles)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    lxw_worksheet *ws = n->ws;
    const lxw_col_t last = NC - 1;
    const nursery *nu = n->dn->nursery;
    char buf[768], date[64], fy[64];
    fmt_date_wareki(meta->issue_date, date, sizeof date);
    fmt_fy_wareki(n->dec->fiscal_year, fy, sizeof fy);
    bool none = n->dn->total == 0; /* every planned line rejected: 不交付決定 */
    const decide_amendment *am = meta->amendment;
    if (!meta->finalized)
        xw_merge(x, ws, 0, 0, 3, "【試算】決定前の金額です", f->draft_l);
    xw_merge(x, ws, 0, last - 2, last, date, f->plain_r);
    snprintf(buf, sizeof buf, "施設番号 %s", nu->id);
    xw_merge(x, ws, 1, last - 2, last, buf, f->plain_r);
    xw_merge(x, ws, 3, 0, 4, nu->operator_name ? nu->operator_name : "", f->subtitle);
    worksheet_set_row(ws, 4, 20, NULL);
    snprintf(buf, sizeof buf, "%s　様", nu->name ? nu->name : "");
    xw_merge(x, ws, 4, 0, 4, buf, f->subtitle);
    xw_merge(x, ws, 6, last - 3, last, FMT_ISSUER, f->plain_r);
    worksheet_set_row(ws, 8, 26, NULL);
    snprintf(buf, sizeof buf, "%s　%s　%s", fy, titles, decide_notice_kind(am != NULL, none));
    xw_merge(x, ws, 8, 0, last, buf, f->title_c);
    worksheet_set_row(ws, 10, 40, NULL);
    decide_opening(fy, titles, am != NULL, none, buf, sizeof buf);
    xw_merge(x, ws, 10, 0, last, buf, n->body);
    xw_merge(x, ws, 11, 0, last, "記", f->subtitle_c);
    static const lxw_row_t gaps[] = {2, 5, 7, 9, 12};
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++)
        worksheet_set_row(ws, gaps[i], 8, NULL);
    n->r = 13;
    worksheet_set_row(ws, n->r, 28, NULL);
    xw_merge(x, ws, n->r, 0, 2, am ? "変更後の交付決定額" : "交付決定額", f->big_label);
    xw_merge(x, ws, n->r, 3, 5, "", f->syen_big);
    xw_whole(x, ws, n->r, 3, n->dn->total, f->syen_big);
    n->r++;
}

/* 変更の内容: per program the decided amount before and after the
 * 変更交付決定 and the difference (after − before). */
static void amendment_table(notice *n, const decide_amendment *am, int *sec)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    char buf[256];
    snprintf(buf, sizeof buf, "%d　変更の内容", ++*sec);
    section(n, buf);
    xw_merge(x, n->ws, n->r, 0, 2, "事業", f->header);
    xw_text(x, n->ws, n->r, 3, "変更前", f->header);
    xw_text(x, n->ws, n->r, 4, "変更後", f->header);
    xw_merge(x, n->ws, n->r, 5, 6, "増減", f->header);
    n->r++;
    for (size_t i = 0; i < am->n_changes; i++, n->r++) {
        const decide_change *c = &am->changes[i];
        xw_merge(x, n->ws, n->r, 0, 2, decide_program_title(n->dec, c->program_id), f->text);
        xw_whole(x, n->ws, n->r, 3, c->current_annual, f->syen);
        xw_whole(x, n->ws, n->r, 4, c->amended_annual, f->syen);
        xw_merge(x, n->ws, n->r, 5, 6, "", f->syen);
        xw_whole(x, n->ws, n->r, 5, c->difference, f->syen);
    }
    xw_merge(x, n->ws, n->r, 0, 2, "合計", f->total_label);
    xw_whole(x, n->ws, n->r, 3, am->current_total, f->syen_total);
    xw_whole(x, n->ws, n->r, 4, am->amended_total, f->syen_total);
    xw_merge(x, n->ws, n->r, 5, 6, "", f->syen_total);
    xw_whole(x, n->ws, n->r, 5, am->difference, f->syen_total);
    n->r++;
}

/* 1 交付決定額の内訳 and 2 月別の内訳 */
static void amounts(notice *n, int *sec)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    const decision *dec = n->dec;
    const decide_row *rows = &dec->rows[n->dn->row0];
    size_t nr = n->dn->n_rows;
    char buf[256];
    snprintf(buf, sizeof buf, "%d　交付決定額の内訳", ++*sec);
    section(n, buf);
    xw_merge(x, n->ws, n->r, 0, 3, "事業", f->header);
    xw_merge(x, n->ws, n->r, 4, 5, "交付決定額（年額）", f->header);
    n->r++;
    for (size_t i = 0; i < nr; i++, n->r++) {
        xw_merge(x, n->ws, n->r, 0, 3, decide_program_title(dec, rows[i].program_id), f->text);
        xw_merge(x, n->ws, n->r, 4, 5, "", f->syen);
        xw_whole(x, n->ws, n->r, 4, rows[i].annual, f->syen);
    }
    xw_merge(x, n->ws, n->r, 0, 3, "合計", f->total_label);
    xw_merge(x, n->ws, n->r, 4, 5, "", f->syen_total);
    xw_whole(x, n->ws, n->r, 4, n->dn->total, f->syen_total);
    n->r++;
    if (!nr)
        return;

    snprintf(buf, sizeof buf, "%d　月別の内訳（概算払の限度）", ++*sec);
    section(n, buf);
    /* month (2 columns), one column per program (up to 4), 計 */
    size_t shown = nr < 4 ? nr : 4;
    lxw_col_t c_sum = (lxw_col_t)(2 + shown);
    xw_merge(x, n->ws, n->r, 0, 1, "月", f->header);
    for (size_t i = 0; i < shown; i++)
        xw_text(x, n->ws, n->r, (lxw_col_t)(2 + i), decide_program_title(dec, rows[i].program_id),
                f->header);
    xw_text(x, n->ws, n->r, c_sum, "計", f->header);
    worksheet_set_row(n->ws, n->r, 30, NULL);
    n->r++;
    for (int m = 0; m < DECIDE_MONTHS; m++, n->r++) {
        char ml[64];
        decide_month_label(dec->fiscal_year, m, true, ml, sizeof ml);
        xw_merge(x, n->ws, n->r, 0, 1, ml, f->text);
        int64_t sum = 0;
        for (size_t i = 0; i < nr; i++) {
            if (i < shown)
                xw_whole(x, n->ws, n->r, (lxw_col_t)(2 + i), rows[i].month[m], f->syen);
            sum += rows[i].month[m]; /* ≤ the nursery's total: fits */
        }
        xw_whole(x, n->ws, n->r, c_sum, sum, f->syen);
    }
    xw_merge(x, n->ws, n->r, 0, 1, "年額", f->total_label);
    for (size_t i = 0; i < shown; i++)
        xw_whole(x, n->ws, n->r, (lxw_col_t)(2 + i), rows[i].annual, f->syen_total);
    xw_whole(x, n->ws, n->r, c_sum, n->dn->total, f->syen_total);
    n->r++;
}

/* 3 算定の基礎: the planned lines, labelled by the claim schema. */
static void basis_lines(notice *n, int *sec)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    const decision *dec = n->dec;
    const applications *app = &dec->app;
    const schema_file *sc = &n->schema->files[SCHEMA_CHILDREN];
    const schema_file *ss = &n->schema->files[SCHEMA_STAFF];
    char buf[512];
    snprintf(buf, sizeof buf, "%d　算定の基礎（交付申請の内容）", ++*sec);
    section(n, buf);
    if (n->dn->n_children) {
        xw_merge(x, n->ws, n->r, 0, 1, decide_schema_label(sc, "child_ref"), f->header);
        xw_merge(x, n->ws, n->r, 2, 4, decide_schema_label(sc, "care_types"), f->header);
        snprintf(buf, sizeof buf, "%s～%s（予定）", decide_schema_label(sc, "enrolled_from"), decide_schema_label(sc, "enrolled_to"));
        xw_merge(x, n->ws, n->r, 5, 6, buf, f->header);
        n->r++;
        for (size_t i = 0; i < n->dn->n_children; i++, n->r++) {
            const child_line *cl = &app->cl.children[n->dn->children[i]];
            decide_child_text t;
            decide_child_words(sc, cl, &t);
            xw_merge(x, n->ws, n->r, 0, 1, cl->child_ref, f->text);
            xw_merge(x, n->ws, n->r, 2, 4, t.care, f->text);
            xw_merge(x, n->ws, n->r, 5, 6, t.span, f->text);
        }
    }
    if (n->dn->n_staff) {
        if (n->dn->n_children)
            spacer(n);
        static const char *const cols[] = {"staff_ref", "qualification", "employment", "hours",
                                           "salary_cost", "other_income"};
        for (lxw_col_t c = 0; c < 6; c++)
            xw_text(x, n->ws, n->r, c, decide_schema_label(ss, cols[c]), f->header);
        xw_text(x, n->ws, n->r, 6, "予定月", f->header);
        worksheet_set_row(n->ws, n->r, 30, NULL);
        n->r++;
        for (size_t i = 0; i < n->dn->n_staff; i++, n->r++) {
            size_t k = n->dn->staff[i];
            const staff_line *sl = &app->cl.staff[k];
            decide_staff_text t;
            decide_staff_words(ss, dec, k, &t);
            xw_text(x, n->ws, n->r, 0, sl->staff_ref, f->text);
            xw_text(x, n->ws, n->r, 1, t.qualification, f->text);
            xw_text(x, n->ws, n->r, 2, t.employment, f->text_c);
            xw_text(x, n->ws, n->r, 3, t.hours, f->text_r);
            xw_whole(x, n->ws, n->r, 4, sl->salary_cost, f->syen);
            xw_whole(x, n->ws, n->r, 5, sl->other_income, f->syen);
            xw_text(x, n->ws, n->r, 6, t.months, n->cell_wrap);
        }
        para(n, "勤務時間・対象経費・寄付金その他の収入額は1か月あたりの予定。", f->note_wrap, 60);
    }
}

/* 4 交付の対象としない計画: this nursery's rejected planned lines, one row
 * per line and reason with the months it was rejected in ("7月～3月"). */
static void rejected(notice *n, int *sec)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    if (!n->dn->n_rej)
        return;
    char buf[256];
    snprintf(buf, sizeof buf, "%d　交付の対象としない計画", ++*sec);
    section(n, buf);
    xw_merge(x, n->ws, n->r, 0, 1, "月", f->header);
    xw_text(x, n->ws, n->r, 2, "児童・職員番号", f->header);
    xw_merge(x, n->ws, n->r, 3, NC - 1, "理由", f->header);
    n->r++;
    size_t i = 0;
    const decide_rejection *v;
    char ml[128];
    while (decide_next_rejection(n->dec, n->dn, &i, &v, ml)) {
        worksheet_set_row(n->ws, n->r, xw_note_height(v->r.reason, 30, 14), NULL);
        xw_merge(x, n->ws, n->r, 0, 1, ml, f->text);
        xw_text(x, n->ws, n->r, 2, v->r.ref, f->text);
        xw_merge(x, n->ws, n->r, 3, NC - 1, v->r.reason, n->cell_wrap);
        n->r++;
    }
}

/* 5 交付の条件 and 6 根拠: the rules in words. */
static void conditions(notice *n, int *sec)
{
    xw_formats *f = &n->x->f;
    const decision *dec = n->dec;
    char buf[4096];
    snprintf(buf, sizeof buf, "%d　交付の条件", ++*sec);
    section(n, buf);
    for (size_t i = 0; decide_conditions[i]; i++)
        para(n, decide_conditions[i], n->body, 36);

    snprintf(buf, sizeof buf, "%d　適用する規則と根拠", ++*sec);
    section(n, buf);
    const decide_row *rows = &dec->rows[n->dn->row0];
    for (size_t i = 0; i < n->dn->n_rows; i++) {
        decide_versions_in_words(dec, rows[i].program_id, buf, sizeof buf);
        para(n, buf, n->body, 36);
        const program *v[DECIDE_MAX_VERSIONS];
        size_t nv = decide_distinct_versions(dec, rows[i].program_id, v);
        for (size_t k = 0; k < nv; k++) {
            snprintf(buf, sizeof buf, "根拠（%s版）：%s", v[k]->version, v[k]->basis);
            para(n, buf, f->note_wrap, 60);
        }
    }
}

int report_decide_notice_xlsx(const decision *dec, size_t k, const decide_meta *meta,
                              const char *path, char *err, size_t errsz)
{
    xw x;
    if (xw_open(&x, path, false, err, errsz) != 0)
        return -1;
    const decide_nursery *dn = &dec->nurseries[k];
    lxw_worksheet *ws = xw_sheet(&x, dn->total ? "交付決定通知書" : "不交付決定通知書");
    if (!ws)
        return xw_close(&x, err, errsz);
    arena a = ARENA_INIT;
    claim_schema schema;
    schema_build(dec->app.terms, &a, &schema);
    notice n = {.x = &x, .ws = ws, .dec = dec, .dn = dn, .schema = &schema};
    n.body = workbook_add_format(x.wb);
    format_set_text_wrap(n.body);
    format_set_font_name(n.body, "游ゴシック"); /* as formats.c's cells */
    format_set_align(n.body, LXW_ALIGN_VERTICAL_TOP);
    n.cell_wrap = workbook_add_format(x.wb);
    format_set_border(n.cell_wrap, LXW_BORDER_THIN);
    format_set_text_wrap(n.cell_wrap);
    format_set_font_size(n.cell_wrap, 9);
    format_set_font_name(n.cell_wrap, "游ゴシック");
    format_set_align(n.cell_wrap, LXW_ALIGN_VERTICAL_CENTER);
    worksheet_set_column(ws, 0, NC - 1, 13, NULL);
    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);

    char titles[384];
    decide_program_titles(dec, dn, titles, sizeof titles);
    heading(&n, meta, titles);
    int sec = 0;
    if (meta->amendment)
        amendment_table(&n, meta->amendment, &sec);
    amounts(&n, &sec);
    basis_lines(&n, &sec);
    rejected(&n, &sec);
    if (dn->n_rows)
        conditions(&n, &sec);
    spacer(&n);
    char buf[512];
    snprintf(buf, sizeof buf, "お問い合わせ先：%s", FMT_ISSUER);
    xw_merge(&x, ws, n.r++, 0, NC - 1, buf, x.f.plain);
    snprintf(buf, sizeof buf, "決定ID %s", meta->decide_id ? meta->decide_id : "");
    xw_merge(&x, ws, n.r++, 0, NC - 1, buf, x.f.note);

    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_portrait(ws);
    worksheet_set_margins(ws, 0.6, 0.6, 0.8, 0.7);
    worksheet_center_horizontally(ws);
    xw_check(&x, worksheet_print_area(ws, 0, 0, n.r - 1, NC - 1));
    worksheet_fit_to_pages(ws, 1, 0);
    char fy[64];
    fmt_fy_wareki(dec->fiscal_year, fy, sizeof fy);
    /* the id is [A-Z0-9-] (SPEC 2): it cannot inject header codes */
    snprintf(buf, sizeof buf, "&L&8%s %s %s&C&P / &N", dn->nursery->id, fy,
             meta->amendment ? "変更交付決定" : "交付決定");
    xw_check(&x, worksheet_set_footer(ws, buf));
    if (!meta->finalized)
        xw_check(&x, worksheet_set_header(ws, "&C&\"-,Bold\"&24&KFF0000試　算"));
    int rc = xw_close(&x, err, errsz);
    arena_release(&a);
    return rc;
}
