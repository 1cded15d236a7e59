/* statement_xlsx: the 支払通知書 sent to one nursery for a month (SPEC 4) —
 * addressee, issuing section, the amount, each program's breakdown from its
 * labelled values (with the terms' declared columns of each line, SPEC 8.1),
 * the nursery's own rejected lines, 振込先 and the rule
 * versions applied, on one A4 portrait page width; after a correction, also
 * the statements of nurseries no longer paid (report_correction_statements).
 *
 * Only nm's ranges of the run and the rejections carrying nm's id are read:
 * no other nursery's data can reach the file. */
#include <stdio.h>
#include <string.h>

#include "corrections.h"
#include "formats.h"
#include "kasan/report.h"
#include "kasan/schema.h"

#define MAX_LABELS 64

typedef struct stmt {
    xw *x;
    lxw_worksheet *ws;
    const month_run *run;
    const nursery_month *nm;
    lxw_col_t nc;   /* columns used by the page */
    lxw_row_t r;    /* next row */
} stmt;

/* A thin empty row between blocks: keeps most statements on one page. */
static void spacer(stmt *s)
{
    worksheet_set_row(s->ws, s->r, 7, NULL);
    s->r++;
}

static void section(stmt *s, const char *title)
{
    spacer(s);
    worksheet_set_row(s->ws, s->r, 20, NULL);
    xw_merge(s->x, s->ws, s->r, 0, s->nc - 1, title, s->x->f.subtitle);
    s->r++;
}

/* A label spanning columns 0..2 and its value in column 3. */
static void kv_text(stmt *s, const char *label, const char *v)
{
    xw_merge(s->x, s->ws, s->r, 0, 2, label, s->x->f.header);
    xw_merge(s->x, s->ws, s->r, 3, s->nc - 1, v, s->x->f.text);
    s->r++;
}

static void days_text(stmt *s, lxw_col_t c, int days, int mdays)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%d日／%d日", days, mdays);
    xw_text(s->x, s->ws, s->r, c, buf, s->x->f.text_c);
}

/* The rule version and its constants (unit prices, caps) under a program's
 * breakdown, so the nursery can redo the arithmetic. */
static void rule_note(stmt *s, const program *pg)
{
    char buf[2048], from[64], v[256];
    fmt_date_wareki(pg->effective_from, from, sizeof from);
    int len = snprintf(buf, sizeof buf, "適用規則：%s（%s版、%s施行）", pg->title, pg->version, from);
    const rule_value *rv[MAX_LABELS];
    size_t n = fmt_constants(pg, rv, MAX_LABELS);
    for (size_t j = 0; j < n && len > 0 && (size_t)len < sizeof buf; j++) {
        if (rv[j]->kind == RV_TABLE) {
            const rule_table *t = &rv[j]->table;
            len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%s", j ? "／" : "　",
                            rv[j]->label);
            for (size_t k = 0; k < t->n && (size_t)len < sizeof buf; k++) {
                fmt_value_text(s->run, t->val_type, t->vals[k], true, true, v, sizeof v);
                len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%s %s", k ? "、" : " ",
                                t->keys[k], v);
            }
            continue;
        }
        fmt_value_text(s->run, rv[j]->type, rv[j]->param, true, true, v, sizeof v);
        len += snprintf(buf + len, sizeof buf - (size_t)len, "%s%s %s", j ? "／" : "　",
                        rv[j]->label, v);
    }
    /* Roughly 60 characters a line at this width: give the note its lines. */
    worksheet_set_row(s->ws, s->r, xw_note_height(buf, 55, 12), NULL);
    xw_merge(s->x, s->ws, s->r, 0, s->nc - 1, buf, s->x->f.note_wrap);
    s->r++;
}

/* The terms whose declared columns (SPEC 8.1) the lines carry; none when a
 * run has no terms (tests that build a run by hand). */
static const rule_terms *decl_terms(const month_run *run)
{
    static const rule_terms none;
    return run->terms ? run->terms : &none;
}

/* The declared columns (SPEC 8.1) of one line, by their labels, from
 * column c: what the nursery wrote, so it can check the breakdown. */
static void declared_header(stmt *s, lxw_col_t c, const declared_column *cols, size_t n)
{
    for (size_t k = 0; k < n; k++)
        xw_text(s->x, s->ws, s->r, (lxw_col_t)(c + k), cols[k].label, s->x->f.header);
}

static void declared_values(stmt *s, lxw_col_t c, const declared_column *cols, size_t n,
                            const value *decl)
{
    char buf[256];
    for (size_t k = 0; k < n; k++) {
        const declared_column *dc = &cols[k];
        lxw_col_t at = (lxw_col_t)(c + k);
        value v = decl[dc->slot];
        if ((dc->type == COL_YEN || dc->type == COL_DAYS) && num_is_int(v.n)) {
            xw_whole(s->x, s->ws, s->r, at, v.n.n, dc->type == COL_YEN ? s->x->f.syen
                                                                       : s->x->f.num);
            continue;
        }
        schema_format_value(dc, v, buf, sizeof buf);
        xw_text(s->x, s->ws, s->r, at, buf, s->x->f.text);
    }
}

/* Whether the nursery has lines the program reads, or an amount from it: a
 * program it claimed nothing under gets no section (issue 22). */
static bool program_shown(const month_run *run, const nursery_month *nm, size_t p)
{
    const rule_value *rv[1];
    const program *pg = run->programs[p];
    return nm->amount[p] != 0 || (fmt_labelled(pg, SCOPE_CHILD, rv, 1) && nm->n_children) ||
           (fmt_labelled(pg, SCOPE_STAFF, rv, 1) && nm->n_staff);
}

static void program_section(stmt *s, size_t p, int sec)
{
    xw *x = s->x;
    xw_formats *f = &x->f;
    const month_run *run = s->run;
    const nursery_month *nm = s->nm;
    const program *pg = run->programs[p];
    char buf[512];
    snprintf(buf, sizeof buf, "%d　%sの内訳", sec, pg->title);
    section(s, buf);

    const rule_value *rv[MAX_LABELS];
    size_t n = fmt_labelled(pg, SCOPE_CHILD, rv, MAX_LABELS);
    if (n > 0 && nm->n_children > 0) {
        const int mdays = month_days(run->month);
        const rule_terms *t = decl_terms(run);
        const lxw_col_t cv = (lxw_col_t)(2 + t->n_child_cols);
        xw_text(x, s->ws, s->r, 0, "児童番号", f->header);
        xw_text(x, s->ws, s->r, 1, "在籍日数／月日数", f->header);
        declared_header(s, 2, t->child_cols, t->n_child_cols);
        for (size_t j = 0; j < n; j++)
            xw_text(x, s->ws, s->r, (lxw_col_t)(cv + j), rv[j]->label, f->header);
        worksheet_set_row(s->ws, s->r, 30, NULL);
        s->r++;
        for (size_t i = nm->child0; i < nm->child0 + nm->n_children; i++, s->r++) {
            xw_text(x, s->ws, s->r, 0, run->children[i]->child_ref, f->text);
            days_text(s, 1, run->child_days[i], mdays);
            declared_values(s, 2, t->child_cols, t->n_child_cols, run->children[i]->decl);
            for (size_t j = 0; j < n; j++)
                xw_value(x, s->ws, s->r, (lxw_col_t)(cv + j), run, rv[j]->type,
                         engine_line_value(run, p, i, rv[j]), f->syen, true);
        }
        spacer(s);
    }

    n = fmt_labelled(pg, SCOPE_STAFF, rv, MAX_LABELS);
    if (n > 0 && nm->n_staff > 0) {
        static const char *const hdr[] = {"職員番号", "資格", "雇用形態", "勤務時間",
                                          "対象経費", "寄付金その他の収入"};
        const rule_terms *t = decl_terms(run);
        const lxw_col_t cv = (lxw_col_t)(6 + t->n_staff_cols);
        for (lxw_col_t c = 0; c < 6; c++)
            xw_text(x, s->ws, s->r, c, hdr[c], f->header);
        declared_header(s, 6, t->staff_cols, t->n_staff_cols);
        for (size_t j = 0; j < n; j++)
            xw_text(x, s->ws, s->r, (lxw_col_t)(cv + j), rv[j]->label, f->header);
        worksheet_set_row(s->ws, s->r, 30, NULL);
        s->r++;
        for (size_t i = nm->staff0; i < nm->staff0 + nm->n_staff; i++, s->r++) {
            const staff_line *sl = run->staff[i];
            xw_text(x, s->ws, s->r, 0, sl->staff_ref, f->text);
            xw_text(x, s->ws, s->r, 1, fmt_qualification(run, sl->qualification), f->text);
            xw_text(x, s->ws, s->r, 2, fmt_employment(sl->employment), f->text_c);
            if (sl->has_hours) {
                char h[64], ht[80];
                num_format(sl->hours, h, sizeof h); /* exact: "92.5" */
                snprintf(ht, sizeof ht, "%s時間", h);
                xw_text(x, s->ws, s->r, 3, ht, f->text_r);
            } else {
                xw_blank(x, s->ws, s->r, 3, f->text);
            }
            xw_whole(x, s->ws, s->r, 4, sl->salary_cost, f->syen);
            xw_whole(x, s->ws, s->r, 5, sl->other_income, f->syen);
            declared_values(s, 6, t->staff_cols, t->n_staff_cols, sl->decl);
            for (size_t j = 0; j < n; j++)
                xw_value(x, s->ws, s->r, (lxw_col_t)(cv + j), run, rv[j]->type,
                         engine_line_value(run, p, i, rv[j]), f->syen, true);
        }
        spacer(s);
    }

    n = fmt_labelled(pg, SCOPE_NURSERY, rv, MAX_LABELS);
    for (size_t j = 0; j < n; j++, s->r++) {
        xw_merge(x, s->ws, s->r, 0, 2, rv[j]->label, f->header);
        xw_value(x, s->ws, s->r, 3, run, rv[j]->type, engine_nursery_value(run, p, nm, rv[j]),
                 f->syen, true);
    }
    xw_merge(x, s->ws, s->r, 0, 2, fmt_result_label(pg), f->total_label);
    xw_whole(x, s->ws, s->r, 3, nm->amount[p], f->syen_total);
    s->r++;
    rule_note(s, pg);
}

static void rejections_section(stmt *s, int sec)
{
    xw *x = s->x;
    xw_formats *f = &x->f;
    const char *id = s->nm->nursery->id;
    size_t n = 0;
    for (size_t i = 0; i < s->run->n_rejections; i++)
        if (s->run->rejections[i].nursery_id && !strcmp(s->run->rejections[i].nursery_id, id))
            n++;
    if (n == 0)
        return;
    char buf[128];
    snprintf(buf, sizeof buf, "%d　支給対象とならなかった届出", sec);
    section(s, buf);
    xw_text(x, s->ws, s->r, 0, "区分", f->header);
    xw_text(x, s->ws, s->r, 1, "児童・職員番号", f->header);
    xw_text(x, s->ws, s->r, 2, "請求の箇所", f->header);
    xw_merge(x, s->ws, s->r, 3, s->nc - 1, "理由", f->header);
    s->r++;
    for (size_t i = 0; i < s->run->n_rejections; i++) {
        const rejection *rj = &s->run->rejections[i];
        if (!rj->nursery_id || strcmp(rj->nursery_id, id))
            continue;
        /* where the nursery wrote it: the form's sheet and row when intake
         * read it from a form, else the line of the data */
        char where[128];
        fmt_line_cite(rj->form, rj->line, where, sizeof where);
        xw_text(x, s->ws, s->r, 0, fmt_scope_name(rj->kind), f->text_c);
        xw_text(x, s->ws, s->r, 1, rj->ref, f->text);
        xw_text(x, s->ws, s->r, 2, where, f->text);
        xw_merge(x, s->ws, s->r, 3, s->nc - 1, rj->reason, f->text);
        s->r++;
    }
}

static lxw_col_t page_columns(const month_run *run)
{
    size_t nc = 7;
    for (size_t p = 0; p < run->n_programs; p++) {
        const rule_value *rv[MAX_LABELS];
        size_t c = 2 + decl_terms(run)->n_child_cols +
                   fmt_labelled(run->programs[p], SCOPE_CHILD, rv, MAX_LABELS);
        size_t st = 6 + decl_terms(run)->n_staff_cols +
                    fmt_labelled(run->programs[p], SCOPE_STAFF, rv, MAX_LABELS);
        if (c > nc)
            nc = c;
        if (st > nc)
            nc = st;
    }
    return (lxw_col_t)nc;
}

/* Rows 0–14: date and draft mark, addressee, issuer, title, the sentence
 * and the amount paid.  ml is the month in 和暦. */
static void statement_heading(stmt *s, const run_meta *meta, const char *ml)
{
    xw *x = s->x;
    lxw_worksheet *ws = s->ws;
    xw_formats *f = &x->f;
    const nursery *n = s->nm->nursery;
    const month_run *run = s->run;
    const lxw_col_t last = s->nc - 1;
    char buf[512], date[64], titles[384];
    size_t first;
    bool corrected = corr_nursery_rows(meta->correction, n->id, &first) > 0; /* 修正 */
    fmt_date_wareki(meta->issue_date, date, sizeof date);
    titles[0] = '\0';
    for (size_t p = 0; p < run->n_programs; p++) {
        size_t len = strlen(titles);
        snprintf(titles + len, sizeof titles - len, "%s%s", p ? "・" : "", run->programs[p]->title);
    }

    if (!meta->finalized)
        xw_merge(x, ws, 0, 0, 3, "【試算】確定前の金額です", f->draft_l);
    xw_merge(x, ws, 0, last - 2, last, date, f->plain_r);
    snprintf(buf, sizeof buf, "施設番号 %s", n->id);
    xw_merge(x, ws, 1, last - 2, last, buf, f->plain_r);
    xw_merge(x, ws, 3, 0, 4, n->operator_name, f->subtitle);
    worksheet_set_row(ws, 4, 20, NULL);
    snprintf(buf, sizeof buf, "%s　様", n->name ? n->name : "");
    xw_merge(x, ws, 4, 0, 4, buf, f->subtitle);
    char head[256];
    fmt_issuer_head(fmt_issuer(run->rules, meta->issue_date), head, sizeof head);
    xw_merge(x, ws, 6, last - 3, last, head, f->plain_r);

    snprintf(buf, sizeof buf, "%s　支払通知書%s", titles, corrected ? "（修正）" : "");
    worksheet_set_row(ws, 8, 26, NULL);
    xw_merge(x, ws, 8, 0, last, buf, f->title_c);
    snprintf(buf, sizeof buf, "（%s分）", ml);
    xw_merge(x, ws, 9, 0, last, buf, f->subtitle_c);
    if (corrected)
        snprintf(buf, sizeof buf, "%s分の%sの支払額を、下記のとおり修正します。", ml, titles);
    else
        snprintf(buf, sizeof buf, "%s分の%sについて、下記のとおり支払います。", ml, titles);
    static const lxw_row_t gaps[] = {2, 5, 7, 10, 13, 15}; /* empty rows of the heading */
    for (size_t i = 0; i < sizeof gaps / sizeof gaps[0]; i++)
        worksheet_set_row(ws, gaps[i], 8, NULL);
    worksheet_set_row(ws, 11, 24, NULL);
    xw_merge(x, ws, 11, 0, last, buf, f->plain);
    xw_merge(x, ws, 12, 0, last, "記", f->subtitle_c);

    worksheet_set_row(ws, 14, 28, NULL);
    xw_merge(x, ws, 14, 1, 2, corrected ? "修正後の支払金額" : "支払金額", f->big_label);
    xw_merge(x, ws, 14, 3, 5, "", f->syen_big);
    xw_whole(x, ws, 14, 3, s->nm->total, f->syen_big);
}

/* Section 1: the amount of each program and the total. */
static void statement_summary(stmt *s)
{
    xw *x = s->x;
    xw_formats *f = &x->f;
    s->r = 16;
    section(s, "1　支払金額の内訳");
    xw_merge(x, s->ws, s->r, 0, 2, "事業", f->header);
    xw_text(x, s->ws, s->r, 3, "金額", f->header);
    s->r++;
    for (size_t p = 0; p < s->run->n_programs; p++) {
        if (!program_shown(s->run, s->nm, p))
            continue;
        xw_merge(x, s->ws, s->r, 0, 2, s->run->programs[p]->title, f->text);
        xw_whole(x, s->ws, s->r, 3, s->nm->amount[p], f->syen);
        s->r++;
    }
    xw_merge(x, s->ws, s->r, 0, 2, "合計", f->total_label);
    xw_whole(x, s->ws, s->r, 3, s->nm->total, f->syen_total);
    s->r++;
}

/* 修正の内容 (SPEC 6.1): per program changed, 既支払額 / 修正後の額 / 差額 and
 * 追給 or 返還, their total, what follows from it, and the reason. */
static void statement_correction(stmt *s, const run_correction *c, size_t first, size_t n,
                                 int sec)
{
    xw *x = s->x;
    xw_formats *f = &x->f;
    const lxw_col_t last = s->nc - 1;
    char buf[1024];
    snprintf(buf, sizeof buf, "%d　修正の内容", sec);
    section(s, buf);
    static const char *const hdr[] = {"既支払額", "修正後の額", "差額"};
    xw_merge(x, s->ws, s->r, 0, 2, "事業", f->header);
    for (lxw_col_t k = 0; k < 3; k++)
        xw_text(x, s->ws, s->r, 3 + k, hdr[k], f->header);
    xw_text(x, s->ws, s->r, 6, "追給／返還", f->header);
    s->r++;
    int64_t paid = 0, now = 0, diff = 0; /* within one month's amounts: no overflow */
    for (size_t i = first; i < first + n; i++, s->r++) {
        const ledger_correction *r = &c->rows[i];
        xw_merge(x, s->ws, s->r, 0, 2, fmt_program_title(s->run, r->program), f->text);
        xw_whole(x, s->ws, s->r, 3, r->paid_yen, f->syen);
        xw_whole(x, s->ws, s->r, 4, r->corrected_yen, f->syen);
        xw_whole(x, s->ws, s->r, 5, r->difference_yen, f->sdyen);
        xw_text(x, s->ws, s->r, 6,
                r->difference_yen > 0 ? "追給" : r->difference_yen < 0 ? "返還" : "", f->text_c);
        paid += r->paid_yen;
        now += r->corrected_yen;
        diff += r->difference_yen;
    }
    xw_merge(x, s->ws, s->r, 0, 2, "合計", f->total_label);
    xw_whole(x, s->ws, s->r, 3, paid, f->syen_total);
    xw_whole(x, s->ws, s->r, 4, now, f->syen_total);
    xw_whole(x, s->ws, s->r, 5, diff, f->sdyen_total);
    xw_text(x, s->ws, s->r, 6, diff > 0 ? "追給" : diff < 0 ? "返還" : "", f->total_label);
    s->r++;
    corr_owed_sentence(c, c->rows[first].nursery_id, diff, s->nm->total, buf, sizeof buf);
    spacer(s);
    worksheet_set_row(s->ws, s->r, 18, NULL);
    xw_merge(x, s->ws, s->r++, 0, last, buf, f->subtitle);
    snprintf(buf, sizeof buf, "修正の理由：%s", c->reason ? c->reason : "");
    /* about 60 characters a line at this width, as rule_note */
    worksheet_set_row(s->ws, s->r, xw_note_height(buf, 55, 14), NULL);
    xw_merge(x, s->ws, s->r++, 0, last, buf, f->plain_wrap);
}

/* 振込先: the nursery's bank account as registered. */
static void statement_bank(stmt *s, int sec)
{
    const nursery *n = s->nm->nursery;
    char buf[64];
    snprintf(buf, sizeof buf, "%d　振込先", sec);
    section(s, buf);
    kv_text(s, "金融機関", n->bank_name);
    kv_text(s, "支店", n->bank_branch);
    kv_text(s, "預金種別", fmt_account_type(n->account_type));
    kv_text(s, "口座番号", n->account_number);
    kv_text(s, "口座名義", n->account_holder);
}

/* 適用した規則: each program's version and the day it took effect. */
static void statement_rules(stmt *s, int sec)
{
    xw *x = s->x;
    xw_formats *f = &x->f;
    char buf[64];
    snprintf(buf, sizeof buf, "%d　適用した規則", sec);
    section(s, buf);
    xw_merge(x, s->ws, s->r, 0, 2, "事業", f->header);
    xw_text(x, s->ws, s->r, 3, "版", f->header);
    xw_merge(x, s->ws, s->r, 4, 5, "施行日", f->header);
    s->r++;
    for (size_t p = 0; p < s->run->n_programs; p++, s->r++) {
        const program *pg = s->run->programs[p];
        char from[64];
        fmt_date_wareki(pg->effective_from, from, sizeof from);
        xw_merge(x, s->ws, s->r, 0, 2, pg->title, f->text);
        xw_text(x, s->ws, s->r, 3, pg->version, f->text_c);
        xw_merge(x, s->ws, s->r, 4, 5, from, f->text_c);
    }
}

/* Contact and run id under the sections, then the page: A4 portrait, one
 * page wide, the nursery and month in the footer. */
static void statement_close(stmt *s, const run_meta *meta, const char *ml)
{
    xw *x = s->x;
    lxw_worksheet *ws = s->ws;
    const lxw_col_t last = s->nc - 1;
    char buf[512];
    s->r++;
    snprintf(buf, sizeof buf, "お問い合わせ先：%s",
             fmt_issuer_contact(fmt_issuer(s->run->rules, meta->issue_date)));
    xw_merge(x, ws, s->r++, 0, last, buf, x->f.plain);
    snprintf(buf, sizeof buf, "実行ID %s", meta->run_id ? meta->run_id : "");
    xw_merge(x, ws, s->r++, 0, last, buf, x->f.note);

    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_portrait(ws);
    worksheet_set_margins(ws, 0.6, 0.6, 0.8, 0.7);
    worksheet_center_horizontally(ws);
    xw_check(x, worksheet_print_area(ws, 0, 0, s->r - 1, last));
    /* one page up to 20 children and 10 staff lines (and a correction's
     * block, and rejected lines): a little smaller rather than a second
     * page holding only the contact line; beyond that, as many pages as it
     * takes at full size */
    worksheet_fit_to_pages(ws, 1, s->nm->n_children <= 20 && s->nm->n_staff <= 10 ? 1 : 0);
    /* The id is [A-Z0-9-] (SPEC 2), so it cannot inject header codes. */
    snprintf(buf, sizeof buf, "&L&8%s %s分&C&P / &N", s->nm->nursery->id, ml);
    xw_check(x, worksheet_set_footer(ws, buf));
    if (!meta->finalized)
        xw_check(x, worksheet_set_header(ws, "&C&\"-,Bold\"&24&KFF0000試　算"));
}

int report_statement_xlsx(const month_run *run, const nursery_month *nm, const run_meta *meta,
                          const char *path, char *err, size_t errsz)
{
    xw x;
    if (xw_open(&x, path, false, err, errsz) != 0)
        return -1;
    lxw_worksheet *ws = xw_sheet(&x, "支払通知書");
    if (!ws)
        return xw_close(&x, err, errsz);
    stmt s = {.x = &x, .ws = ws, .run = run, .nm = nm, .nc = page_columns(run), .r = 0};
    worksheet_set_column(ws, 0, s.nc - 1, 13, NULL);
    worksheet_gridlines(ws, LXW_HIDE_ALL_GRIDLINES);
    char ml[64];
    fmt_month_wareki(run->month, ml, sizeof ml);

    statement_heading(&s, meta, ml);
    statement_summary(&s);
    int sec = 1;
    size_t first, n_corr = corr_nursery_rows(meta->correction, nm->nursery->id, &first);
    if (n_corr)
        statement_correction(&s, meta->correction, first, n_corr, ++sec);
    for (size_t p = 0; p < run->n_programs; p++)
        if (program_shown(run, nm, p))
            program_section(&s, p, ++sec);
    size_t before = s.r;
    rejections_section(&s, sec + 1);
    if (s.r != before)
        sec++;
    statement_bank(&s, ++sec);
    statement_rules(&s, ++sec);
    statement_close(&s, meta, ml);
    return xw_close(&x, err, errsz);
}

int report_correction_statements(const month_run *run, const run_meta *meta, const char *dir,
                                 char *err, size_t errsz)
{
    const run_correction *c = meta->correction;
    for (size_t i = 0; c && i < c->n; i++) {
        const char *id = c->rows[i].nursery_id;
        if (i > 0 && !strcmp(c->rows[i - 1].nursery_id, id))
            continue;
        bool computed = false;
        for (size_t k = 0; k < run->n_nurseries && !computed; k++)
            computed = !strcmp(run->nurseries[k].nursery->id, id);
        if (computed)
            continue;
        /* paid before, nothing now: a statement of zeros with the 返還; a
         * nursery gone from the registry keeps its id as its name */
        const nursery *reg = fmt_nursery_find(run, id);
        nursery gone = {.id = id, .name = id, .operator_name = "", .bank_name = "",
                        .bank_branch = "", .account_number = "", .account_holder = ""};
        int64_t nothing[ENGINE_MAX_PROGRAMS] = {0};
        value *no_slots[ENGINE_MAX_PROGRAMS] = {0};
        nursery_month nm = {.nursery = reg ? reg : &gone, .amount = nothing, .values = no_slots};
        char path[4096], file[1024];
        report_document_file(meta, id, "xlsx", file, sizeof file);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        if (report_statement_xlsx(run, &nm, meta, path, err, errsz) != 0)
            return -1;
        report_document_file(meta, id, "pdf", file, sizeof file);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        if (report_statement_pdf(run, &nm, meta, report_docno_of(meta, id), path, err, errsz) != 0)
            return -1;
    }
    return 0;
}
