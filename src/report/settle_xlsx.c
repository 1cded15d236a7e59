/* settle_xlsx: the settlement's workbooks (SPEC 6.2) — settlement.xlsx for
 * the section (精算一覧 with totals, 修正差額 for a correction: 既確定額 /
 * 修正後 / 差額, 検証 with rule and file hashes) and the
 * 交付額確定通知書 sent to one nursery (its months and amounts paid, the annual
 * computation line by line with its rule and basis, 追加交付額 or 返還額 and
 * 返還期限, and for a correction 修正: 既確定の交付額 / 修正後 / 差額 and the
 * reason), A4 portrait, 和暦, laid out like the monthly statements.
 * Columns come from the labelled values of each settlement: section, so a
 * program's settlement changes in rules/ only.  A notice reads only the rows
 * it is given: no other nursery's data can reach it. */
#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "kasan/report_settle.h"

#define MAX_LABELS 32

static const month_run no_run; /* value formatting without a month (no care sets) */

static void wareki_date(date_t d, char *buf, size_t size)
{
    if (!date_format_wareki(d, buf, size))
        date_format_iso(d, buf);
}

static void fy_label(int fy, char *buf, size_t size)
{
    if (!fiscal_year_format_wareki(fy, buf, size))
        snprintf(buf, size, "%d年度", fy);
}

/* ---- settlement.xlsx: 精算一覧 ----------------------------------------- */

/* The value columns: labelled settlement values of the first row's rule
 * (the rows of another program fill the columns whose label they share). */
static size_t value_columns(const settlement *s, const rule_value **rv)
{
    return s->n_rows ? fmt_labelled(s->rows[0].rule->settlement, SCOPE_NURSERY, rv, MAX_LABELS)
                     : 0;
}

static const rule_value *by_label(const program *sp, const char *label)
{
    for (size_t i = 0; i < sp->n_values; i++)
        if (sp->values[i].label && !strcmp(sp->values[i].label, label))
            return &sp->values[i];
    return NULL;
}

/* Which budget pays the 追加交付 and how the 返還 count (出納閉鎖,
 * docs/spec/12 §12.6): the year's own until its closing, after it 過年度支出
 * of the year paid in and 雑入 of the year due in. */
static void budget_note(xw *x, lxw_worksheet *ws, lxw_row_t r, const settlement *s,
                        const settle_meta *meta)
{
    char fy[48], later[48], close[64], buf[512];
    fmt_fy_wareki(s->fiscal_year, fy, sizeof fy);
    if (!meta->accounts_close) {
        xw_text(x, ws, r, 0, "追加交付額は予算の執行に含む。返還額は相殺せず、別に返還を求める。",
                x->f.note);
        return;
    }
    fmt_date_wareki(meta->accounts_close, close, sizeof close);
    if (meta->charged_fiscal_year) {
        fmt_fy_wareki(meta->charged_fiscal_year, later, sizeof later);
        snprintf(buf, sizeof buf, "追加交付額は%s出納閉鎖（%s）後の支払のため、%s予算から過年度支出"
                 "とする。返還額は相殺せず別に返還を求め、出納閉鎖後の調定は返還期限の属する年度の雑入とする。",
                 fy, close, later);
    } else {
        snprintf(buf, sizeof buf, "追加交付額は%s予算の執行に含む。返還額は相殺せず別に返還を求め、"
                 "出納閉鎖（%s）までの調定は%s歳出の戻入とする。", fy, close, fy);
    }
    xw_text(x, ws, r, 0, buf, x->f.note);
}

static void sheet_list(xw *x, const settlement *s, const settle_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "精算一覧");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    const rule_value *rv[MAX_LABELS];
    size_t nv = value_columns(s, rv);
    lxw_col_t c_annual = (lxw_col_t)(4 + nv), last = c_annual + 3;
    char fy[64], buf[256];
    fy_label(s->fiscal_year, fy, sizeof fy);
    worksheet_set_row(ws, 0, 24, NULL);
    snprintf(buf, sizeof buf, "%s 交付額確定（精算）一覧", fy);
    xw_text(x, ws, 0, 0, buf, f->title);
    if (!meta->finalized)
        xw_text(x, ws, 0, last, "試算", f->draft);
    snprintf(buf, sizeof buf, "精算ID %s", meta->settle_id ? meta->settle_id : "");
    xw_text(x, ws, 1, 0, buf, f->note);

    lxw_row_t r = 3;
    static const char *const head[] = {"施設番号", "施設名", "事業", "版"};
    for (lxw_col_t c = 0; c < 4; c++)
        xw_text(x, ws, r, c, head[c], f->header);
    for (size_t j = 0; j < nv; j++)
        xw_text(x, ws, r, (lxw_col_t)(4 + j), rv[j]->label, f->header);
    static const char *const tail[] = {"交付確定額", "既交付額（概算払）", "追加交付額", "返還額"};
    for (lxw_col_t c = 0; c < 4; c++)
        xw_text(x, ws, r, c_annual + c, tail[c], f->header);
    if (s->supersedes) /* a correction: paid counts what was settled before */
        xw_text(x, ws, r, c_annual + 1, "既交付額（概算払＋既確定の精算）", f->header);
    if (s->n_rows)
        xw_text(x, ws, r, c_annual, fmt_result_label(s->rows[0].rule->settlement), f->header);
    worksheet_set_row(ws, r, 32, NULL);
    r++;
    for (size_t i = 0; i < s->n_rows; i++, r++) {
        const settle_row *row = &s->rows[i];
        const program *sp = row->rule->settlement;
        xw_text(x, ws, r, 0, row->nursery_id, f->text);
        xw_text(x, ws, r, 1, row->nursery_name, f->text);
        xw_text(x, ws, r, 2, sp->title, f->text);
        xw_text(x, ws, r, 3, sp->version, f->text_c);
        for (size_t j = 0; j < nv; j++) {
            const rule_value *v = by_label(sp, rv[j]->label);
            if (v)
                xw_value(x, ws, r, (lxw_col_t)(4 + j), &no_run, v->type,
                         settle_row_value(row, v), f->yen, true);
            else
                xw_blank(x, ws, r, (lxw_col_t)(4 + j), f->text);
        }
        xw_whole(x, ws, r, c_annual, row->annual, f->yen);
        xw_whole(x, ws, r, c_annual + 1, row->paid, f->yen);
        xw_whole(x, ws, r, c_annual + 2, row->difference > 0 ? row->difference : 0, f->yen);
        xw_whole(x, ws, r, c_annual + 3, row->difference < 0 ? -row->difference : 0, f->yen);
    }
    xw_text(x, ws, r, 0, "合計", f->total_label);
    for (lxw_col_t c = 1; c < c_annual; c++)
        xw_blank(x, ws, r, c, f->total_label);
    xw_whole(x, ws, r, c_annual, s->annual_total, f->yen_total);
    xw_whole(x, ws, r, c_annual + 1, s->paid_total, f->yen_total);
    xw_whole(x, ws, r, c_annual + 2, s->additional_total, f->yen_total);
    xw_whole(x, ws, r, c_annual + 3, s->repayment_total, f->yen_total);
    r += 2;
    if (s->n_missing) {
        size_t len = (size_t)snprintf(buf, sizeof buf, "確定していない月（精算に含まない）：");
        for (size_t i = 0; i < s->n_missing && len < sizeof buf; i++) {
            char ml[64];
            if (!month_format_wareki(s->missing[i], ml, sizeof ml))
                month_format(s->missing[i], ml);
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", i ? "、" : "", ml);
        }
        xw_text(x, ws, r++, 0, buf, f->draft_l);
    }
    budget_note(x, ws, r, s, meta);

    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 22, NULL);
    worksheet_set_column(ws, 2, 2, 18, NULL);
    worksheet_set_column(ws, 3, 3, 9, NULL);
    worksheet_set_column(ws, 4, last, 15, NULL);
    worksheet_freeze_panes(ws, 4, 2);
    if (s->n_rows)
        xw_check(x, worksheet_autofilter(ws, 3, 0, (lxw_row_t)(3 + s->n_rows), last));
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    xw_check(x, worksheet_repeat_rows(ws, 3, 3));
    worksheet_set_header(ws, meta->finalized ? "" : "&R&\"-,Bold\"&14&KFF0000試算");
    worksheet_set_footer(ws, "&C&P / &N");
}

/* ---- settlement.xlsx: 修正差額 (a correction only) ----------------------- */

/* Whether a correction changes the row: its amount, or money either way. */
static bool row_changed(const settle_row *row)
{
    return !row->corrected || row->annual != row->prior_annual || row->difference != 0;
}

static void sheet_corrections(xw *x, const settlement *s, const settle_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "修正差額");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    char fy[64], buf[512];
    fy_label(s->fiscal_year, fy, sizeof fy);
    snprintf(buf, sizeof buf, "%s 精算の修正差額", fy);
    xw_text(x, ws, 0, 0, buf, f->title);
    snprintf(buf, sizeof buf, "修正の理由：%s", meta->supersede_reason ? meta->supersede_reason : "");
    xw_text(x, ws, 1, 0, buf, f->note);
    static const char *const head[] = {"施設番号", "施設名", "事業", "既確定額（交付確定額）",
                                       "既確定の追加交付(+)・返還(−)", "修正後（交付確定額）",
                                       "差額", "追加交付額", "返還額"};
    lxw_row_t r = 3;
    for (lxw_col_t c = 0; c < 9; c++)
        xw_text(x, ws, r, c, head[c], f->header);
    worksheet_set_row(ws, r, 32, NULL);
    r++;
    for (size_t i = 0; i < s->n_rows; i++) {
        const settle_row *row = &s->rows[i];
        if (!row_changed(row))
            continue;
        xw_text(x, ws, r, 0, row->nursery_id, f->text);
        xw_text(x, ws, r, 1, row->nursery_name, f->text);
        xw_text(x, ws, r, 2, row->rule->settlement->title, f->text);
        xw_whole(x, ws, r, 3, row->prior_annual, f->yen);
        xw_whole(x, ws, r, 4, row->settled_before, f->yen);
        xw_whole(x, ws, r, 5, row->annual, f->yen);
        xw_whole(x, ws, r, 6, row->difference, f->yen);
        xw_whole(x, ws, r, 7, row->difference > 0 ? row->difference : 0, f->yen);
        xw_whole(x, ws, r, 8, row->difference < 0 ? -row->difference : 0, f->yen);
        r++;
    }
    xw_text(x, ws, r, 0, "合計", f->total_label);
    for (lxw_col_t c = 1; c < 7; c++)
        xw_blank(x, ws, r, c, f->total_label);
    xw_whole(x, ws, r, 7, s->additional_total, f->yen_total);
    xw_whole(x, ws, r, 8, s->repayment_total, f->yen_total);
    r += 2;
    xw_text(x, ws, r, 0, "差額 = 修正後の交付確定額 − （概算払の合計 ＋ 既に確定した追加交付・返還）。"
                         "既に確定した追加交付・返還はそのまま有効で、差額だけを追加交付又は返還する。",
            f->note);
    worksheet_set_column(ws, 0, 0, 10, NULL);
    worksheet_set_column(ws, 1, 1, 22, NULL);
    worksheet_set_column(ws, 2, 2, 18, NULL);
    worksheet_set_column(ws, 3, 8, 16, NULL);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
}

/* ---- settlement.xlsx: 検証 --------------------------------------------- */

static void sheet_verify(xw *x, const settlement *s, const settle_meta *meta)
{
    lxw_worksheet *ws = xw_sheet(x, "検証");
    if (!ws)
        return;
    xw_formats *f = &x->f;
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 1, 1, 70, NULL);
    worksheet_set_column(ws, 2, 3, 14, NULL);
    char fy[64], fyv[96], jst[128], title[128];
    fy_label(s->fiscal_year, fy, sizeof fy);
    snprintf(fyv, sizeof fyv, "%d（%s）", s->fiscal_year, fy);
    fmt_time_jst(meta->created, jst, sizeof jst);
    snprintf(title, sizeof title, "%s 精算 検証情報", fy);
    lxw_row_t r = 0;
    worksheet_set_row(ws, r, 24, NULL);
    xw_text(x, ws, r++, 0, title, f->title);
    const char *kv[][2] = {
        {"精算ID", meta->settle_id},
        {"実行日時（日本時間）", jst},
        {"実行日時（UTC、台帳の記録）", meta->created},
        {"エンジン版", meta->engine_version},
        {"区分", meta->finalized ? "確定" : "試算"},
        {"年度", fyv},
        {"実績報告ファイル", meta->actuals_name},
        {"実績報告 SHA-256", meta->actuals_sha256},
    };
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++, r++) {
        xw_text(x, ws, r, 0, kv[i][0], f->header);
        xw_text(x, ws, r, 1, kv[i][1], f->text);
    }

    r++;
    xw_text(x, ws, r++, 0, "精算した月（確定した実行）", f->subtitle);
    xw_text(x, ws, r, 0, "月", f->header);
    xw_text(x, ws, r, 1, "実行ID", f->header);
    r++;
    for (int i = 0; i < SETTLE_MONTHS; i++, r++) {
        char mon[8];
        month_format(month_of_fiscal(s->fiscal_year, i), mon);
        xw_text(x, ws, r, 0, mon, f->text);
        const char *id = meta->month_runs ? meta->month_runs[i] : NULL;
        xw_text(x, ws, r, 1, id ? id : "（確定していない：精算に含まない）", id ? f->text : f->draft_cell);
    }

    r++;
    xw_text(x, ws, r++, 0, "精算に用いた規則（3月31日に施行）", f->subtitle);
    static const char *const ph[] = {"事業", "規則ファイル", "版", "施行日"};
    for (lxw_col_t c = 0; c < 4; c++)
        xw_text(x, ws, r, c, ph[c], f->header);
    r++;
    for (size_t i = 0; i < s->n_rows; i++) {
        const program *p = s->rows[i].rule;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = s->rows[k].rule == p;
        if (seen)
            continue;
        char from[16];
        date_format_iso(p->effective_from, from);
        xw_text(x, ws, r, 0, p->title, f->text);
        xw_text(x, ws, r, 1, p->file->name, f->text);
        xw_text(x, ws, r, 2, p->version, f->text_c);
        xw_text(x, ws, r, 3, from, f->text_c);
        r++;
    }
    r++;
    xw_text(x, ws, r++, 0, "規則ファイル（SHA-256）", f->subtitle);
    xw_text(x, ws, r, 0, "ファイル", f->header);
    xw_text(x, ws, r, 1, "SHA-256", f->header);
    r++;
    for (size_t i = 0; meta->rules && i < meta->rules->n_files; i++, r++) {
        xw_text(x, ws, r, 0, meta->rules->files[i].name, f->text);
        xw_text(x, ws, r, 1, meta->rules->files[i].sha256, f->text);
    }
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
}

int report_settlement_xlsx(const settlement *s, const settle_meta *meta, const char *path,
                           char *err, size_t errsz)
{
    xw x;
    if (xw_open(&x, path, false, err, errsz) != 0)
        return -1;
    sheet_list(&x, s, meta);
    if (s->supersedes)
        sheet_corrections(&x, s, meta);
    sheet_verify(&x, s, meta);
    return xw_close(&x, err, errsz);
}

/* ---- notices/ID.xlsx: 交付額確定通知書 ---------------------------------- */

enum { NC = 7 }; /* columns of the notice page */

typedef struct notice {
    xw *x;
    lxw_worksheet *ws;
    lxw_row_t r;
    lxw_format *formula; /* bordered, wrapped, small: a rule's formula text */
    lxw_format *formula_plain; /* wrapped body text without border */
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

/* A wrapped note over the page width, given rows for its length. */
static void note(notice *n, const char *text)
{
    worksheet_set_row(n->ws, n->r, xw_note_height(text, 50, 12), NULL);
    xw_merge(n->x, n->ws, n->r, 0, NC - 1, text, n->x->f.note_wrap);
    n->r++;
}

/* The months of the year and what each paid under the program. */
static void months_table(notice *n, const settle_row *row)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    xw_merge(x, n->ws, n->r, 0, 1, "月", f->header);
    xw_merge(x, n->ws, n->r, 2, 3, "適用した規則の版", f->header);
    xw_merge(x, n->ws, n->r, 4, 5, "支払額（概算払）", f->header);
    n->r++;
    for (size_t m = 0; m < row->n_months; m++, n->r++) {
        char ml[64];
        if (!month_format_wareki(row->month[m], ml, sizeof ml))
            month_format(row->month[m], ml);
        strncat(ml, "分", sizeof ml - strlen(ml) - 1);
        xw_merge(x, n->ws, n->r, 0, 1, ml, f->text);
        xw_merge(x, n->ws, n->r, 2, 3, row->month_version[m], f->text_c);
        xw_merge(x, n->ws, n->r, 4, 5, "", f->syen);
        xw_whole(x, n->ws, n->r, 4, row->month_paid[m], f->syen);
    }
    if (row->settled_before) { /* a correction: the earlier settlement's money too */
        xw_merge(x, n->ws, n->r, 0, 3, "概算払（合計）", f->header);
        xw_merge(x, n->ws, n->r, 4, 5, "", f->syen);
        xw_whole(x, n->ws, n->r, 4, row->monthly, f->syen);
        n->r++;
        xw_merge(x, n->ws, n->r, 0, 3, row->settled_before > 0 ? "既確定の追加交付額"
                                                               : "既確定の返還額（控除）",
                 f->header);
        xw_merge(x, n->ws, n->r, 4, 5, "", f->syen);
        xw_whole(x, n->ws, n->r, 4, row->settled_before, f->syen);
        n->r++;
    }
    xw_merge(x, n->ws, n->r, 0, 3, "既交付額（合計）", f->total_label);
    xw_merge(x, n->ws, n->r, 4, 5, "", f->syen_total);
    xw_whole(x, n->ws, n->r, 4, row->paid, f->syen_total);
    n->r++;
}

/* The annual computation: each settlement value with its label, amount and
 * description (plain Japanese from the rules), in evaluation order, then the
 * result. */
static void computation(notice *n, const settle_row *row)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    const program *sp = row->rule->settlement;
    xw_merge(x, n->ws, n->r, 0, 2, "項目", f->header);
    xw_text(x, n->ws, n->r, 3, "金額", f->header);
    xw_merge(x, n->ws, n->r, 4, NC - 1, "算定方法", f->header);
    n->r++;
    for (size_t k = 0; k < sp->n_order; k++) {
        const rule_value *rv = &sp->values[sp->order[k]];
        if (!rv->label)
            continue;
        bool result = rv == sp->result;
        worksheet_set_row(n->ws, n->r, 26, NULL); /* room for a formula on two lines */
        xw_merge(x, n->ws, n->r, 0, 2, rv->label, result ? f->total_label : f->header);
        xw_value(x, n->ws, n->r, 3, &no_run, rv->type, settle_row_value(row, rv),
                 result ? f->syen_total : f->syen, true);
        /* in words, from the rule's description: never the formula */
        xw_merge(x, n->ws, n->r, 4, NC - 1, rv->description ? rv->description : "", n->formula);
        n->r++;
    }
    char buf[256], salary[32], other[32];
    num_format_grouped(num_int(row->actual->salary_cost), salary, sizeof salary);
    num_format_grouped(num_int(row->actual->other_income), other, sizeof other);
    snprintf(buf, sizeof buf, "実績報告：対象経費の実支出額 %s円、寄付金その他の収入額 %s円", salary,
             other);
    note(n, buf);
}

/* One label over the first three columns, one whole-yen amount beside it. */
static void amount_line(notice *n, const char *label, lxw_format *label_fmt, int64_t v,
                        lxw_format *v_fmt)
{
    xw_merge(n->x, n->ws, n->r, 0, 2, label, label_fmt);
    xw_whole(n->x, n->ws, n->r, 3, v, v_fmt);
    n->r++;
}

static void settlement_block(notice *n, const settle_row *row, date_t issued)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    amount_line(n, "交付確定額", f->header, row->annual, f->syen);
    amount_line(n, "既交付額", f->header, row->paid, f->syen);
    const char *what = row->difference > 0 ? "追加交付額" : row->difference < 0 ? "返還額" : "差額";
    amount_line(n, what, f->total_label,
                row->difference < 0 ? -row->difference : row->difference, f->syen_total);
    if (row->difference < 0) {
        char due[64], buf[160];
        wareki_date(settle_repayment_due(row, issued), due, sizeof due);
        xw_merge(x, n->ws, n->r, 0, 2, "返還期限", f->header);
        snprintf(buf, sizeof buf, "%s（通知の日から%d日）", due, row->rule->repayment_due_days);
        xw_merge(x, n->ws, n->r, 3, NC - 1, buf, f->text);
        n->r++;
    }
}

/* 修正 (SPEC 6.1): what was decided, what is decided now, the difference. */
static void correction_block(notice *n, const settle_row *row, const char *reason)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    amount_line(n, "既確定の交付額", f->header, row->prior_annual, f->syen);
    amount_line(n, "修正後の交付額", f->header, row->annual, f->syen);
    char buf[600];
    snprintf(buf, sizeof buf, "差額（%s）", row->difference > 0   ? "追加交付"
                                           : row->difference < 0 ? "返還"
                                                                 : "なし");
    amount_line(n, buf, f->total_label,
                row->difference < 0 ? -row->difference : row->difference, f->syen_total);
    snprintf(buf, sizeof buf, "修正の理由：%s", reason ? reason : "");
    note(n, buf);
}

static void rule_block(notice *n, const settle_row *row)
{
    char from[64], buf[4096];
    const program *sp = row->rule->settlement;
    wareki_date(sp->effective_from, from, sizeof from);
    snprintf(buf, sizeof buf, "適用規則：%s（%s版、%s施行、年度末3月31日に施行の版）", sp->title,
             sp->version, from);
    note(n, buf);
    snprintf(buf, sizeof buf, "根拠：%s", sp->basis);
    note(n, buf);
}

static void heading(notice *n, const settlement *s, const settle_row *first, size_t nr,
                    const settle_meta *meta)
{
    xw *x = n->x;
    xw_formats *f = &x->f;
    lxw_worksheet *ws = n->ws;
    const lxw_col_t last = NC - 1;
    char buf[512], date[64], fy[64], titles[384] = "";
    wareki_date(meta->issue_date, date, sizeof date);
    fy_label(s->fiscal_year, fy, sizeof fy);
    for (size_t i = 0; i < nr; i++) {
        size_t len = strlen(titles);
        snprintf(titles + len, sizeof titles - len, "%s%s", i ? "・" : "",
                 first[i].rule->settlement->title);
    }
    if (!meta->finalized)
        xw_merge(x, ws, 0, 0, 3, "【試算】確定前の金額です", f->draft_l);
    xw_merge(x, ws, 0, last - 2, last, date, f->plain_r);
    snprintf(buf, sizeof buf, "施設番号 %s", first->nursery_id);
    xw_merge(x, ws, 1, last - 2, last, buf, f->plain_r);
    xw_merge(x, ws, 3, 0, 4, first->nursery_operator, f->subtitle);
    worksheet_set_row(ws, 4, 20, NULL);
    snprintf(buf, sizeof buf, "%s　様", first->nursery_name);
    xw_merge(x, ws, 4, 0, 4, buf, f->subtitle);
    char head[256];
    fmt_issuer_head(fmt_issuer(meta->rules, meta->issue_date), head, sizeof head);
    xw_merge(x, ws, 6, last - 3, last, head, f->plain_r);
    worksheet_set_row(ws, 8, 26, NULL);
    bool changed = false;
    for (size_t i = 0; s->supersedes && i < nr; i++)
        changed |= row_changed(&first[i]);
    snprintf(buf, sizeof buf, "%s　%s　交付額確定通知書%s", fy, titles, changed ? "（修正）" : "");
    xw_merge(x, ws, 8, 0, last, buf, f->title_c);
    worksheet_set_row(ws, 10, 36, NULL);
    snprintf(buf, sizeof buf, changed ? "%sの%sについて、先に確定した交付額を下記のとおり修正"
                                        "したので通知します。差額のみを追加交付又は返還します。"
                                      : "%sの%sについて、実績報告に基づき交付額を下記のとおり確定した"
                                        "ので通知します。", fy, titles);
    xw_merge(x, ws, 10, 0, last, buf, n->formula_plain);
    xw_merge(x, ws, 11, 0, last, "記", f->subtitle_c);
    static const lxw_row_t gaps[] = {2, 5, 7, 9, 12};
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++)
        worksheet_set_row(ws, gaps[i], 8, NULL);

    /* The amount due either way, large: 追加交付 and 返還 are never netted
     * across programs. */
    n->r = 13;
    for (size_t i = 0; i < nr; i++, n->r++) {
        const settle_row *row = &first[i];
        const char *what = row->difference > 0 ? "追加交付額" : row->difference < 0 ? "返還額"
                                                                                : "差額";
        worksheet_set_row(ws, n->r, 28, NULL);
        snprintf(buf, sizeof buf, "%s%s", nr > 1 ? row->rule->settlement->title : "", what);
        xw_merge(x, ws, n->r, 0, 2, buf, f->big_label);
        xw_merge(x, ws, n->r, 3, 5, "", f->syen_big);
        xw_whole(x, ws, n->r, 3, row->difference < 0 ? -row->difference : row->difference,
                 f->syen_big);
    }
}

int report_settle_notice_xlsx(const settlement *s, size_t first, size_t nr, const settle_meta *meta,
                              const char *path, char *err, size_t errsz)
{
    xw x;
    if (xw_open(&x, path, false, err, errsz) != 0)
        return -1;
    lxw_worksheet *ws = xw_sheet(&x, "交付額確定通知書");
    if (!ws)
        return xw_close(&x, err, errsz);
    const settle_row *rows = &s->rows[first];
    notice n = {.x = &x, .ws = ws, .r = 0};
    n.formula = workbook_add_format(x.wb);
    format_set_border(n.formula, LXW_BORDER_THIN);
    format_set_text_wrap(n.formula);
    format_set_font_size(n.formula, 9);
    format_set_font_name(n.formula, "游ゴシック"); /* as formats.c's cells */
    format_set_align(n.formula, LXW_ALIGN_VERTICAL_CENTER);
    n.formula_plain = workbook_add_format(x.wb);
    format_set_text_wrap(n.formula_plain);
    format_set_font_name(n.formula_plain, "游ゴシック");
    format_set_align(n.formula_plain, LXW_ALIGN_VERTICAL_TOP);
    worksheet_set_column(ws, 0, NC - 1, 13, NULL);
    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
    heading(&n, s, rows, nr, meta);
    int sec = 0;
    char buf[512];
    for (size_t i = 0; i < nr; i++) {
        const char *title = rows[i].rule->settlement->title;
        snprintf(buf, sizeof buf, "%d　%s：概算払の状況", ++sec, title);
        section(&n, buf);
        months_table(&n, &rows[i]);
        snprintf(buf, sizeof buf, "%d　%s：交付額の算定", ++sec, title);
        section(&n, buf);
        computation(&n, &rows[i]);
        snprintf(buf, sizeof buf, "%d　%s：精算", ++sec, title);
        section(&n, buf);
        settlement_block(&n, &rows[i], meta->issue_date);
        if (s->supersedes && row_changed(&rows[i])) {
            snprintf(buf, sizeof buf, "%d　%s：修正", ++sec, title);
            section(&n, buf);
            correction_block(&n, &rows[i], meta->supersede_reason);
        }
        rule_block(&n, &rows[i]);
    }
    spacer(&n);
    snprintf(buf, sizeof buf, "お問い合わせ先：%s",
             fmt_issuer_contact(fmt_issuer(meta->rules, meta->issue_date)));
    xw_merge(&x, ws, n.r++, 0, NC - 1, buf, x.f.plain);
    snprintf(buf, sizeof buf, "精算ID %s", meta->settle_id ? meta->settle_id : "");
    xw_merge(&x, ws, n.r++, 0, NC - 1, buf, x.f.note);

    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_portrait(ws);
    worksheet_set_margins(ws, 0.6, 0.6, 0.8, 0.7);
    worksheet_center_horizontally(ws);
    xw_check(&x, worksheet_print_area(ws, 0, 0, n.r - 1, NC - 1));
    worksheet_fit_to_pages(ws, 1, 0);
    char fy[64];
    fy_label(s->fiscal_year, fy, sizeof fy);
    /* The id is [A-Z0-9-] (SPEC 2), so it cannot inject header codes. */
    snprintf(buf, sizeof buf, "&L&8%s %s 交付額確定&C&P / &N", rows->nursery_id, fy);
    xw_check(&x, worksheet_set_footer(ws, buf));
    if (!meta->finalized)
        xw_check(&x, worksheet_set_header(ws, "&C&\"-,Bold\"&24&KFF0000試　算"));
    return xw_close(&x, err, errsz);
}
