/* forms_xlsx: one nursery's claim form for a month (請求書様式, SPEC 8.2) in
 * the layout of include/kasan/forms.h — an instructions sheet (記入方法), a
 * sheet per claim file with the schema's labels, drop-down lists for every
 * code list (from a hidden sheet), date and number validation, the nursery
 * and the month locked, last month's lines prefilled; A4 landscape with the
 * headers repeated on every page.
 * Not here: which nurseries get a form or what is prefilled (cli/forms.c),
 * reading forms back (intake/forms_read.c). */
#include <stdio.h>
#include <string.h>

#include "formats.h"
#include "kasan/forms.h"

#define LISTS_SHEET "選択肢" /* hidden: the code lists' names */

typedef struct form_fmt {
    lxw_format *in_text, *in_date, *in_yen, *in_num, *in_mark; /* unlocked input cells */
    lxw_format *locked_id;  /* the nursery id and name: bold, locked */
    lxw_format *month;      /* the month: the same, shown in 和暦 */
    lxw_format *band;       /* the header rows of a code set's members */
    lxw_format *wrap, *wrap_b; /* instructions: wrapped text, without and with border */
} form_fmt;

typedef struct form {
    xw x;
    form_fmt ff;
    const claim_schema *s;
    claim_month m;
    const nursery *n;
    lxw_worksheet *lists;
    lxw_col_t list_col;     /* next free column of the lists sheet */
    char mon[8], wareki[32];
} form;

static lxw_format *input_fmt(lxw_workbook *wb, const char *num_format, bool center)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_font_name(f, "游ゴシック");
    format_set_font_size(f, 10);
    format_set_border(f, LXW_BORDER_THIN);
    format_set_bg_color(f, 0xFFF2CC);
    format_set_unlocked(f);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (center)
        format_set_align(f, LXW_ALIGN_CENTER);
    if (num_format)
        format_set_num_format(f, num_format);
    return f;
}

static void fmt_init(form *fm)
{
    lxw_workbook *wb = fm->x.wb;
    fm->ff.in_text = input_fmt(wb, "@", false);
    fm->ff.in_date = input_fmt(wb, "yyyy/mm/dd", true);
    fm->ff.in_yen = input_fmt(wb, "#,##0", false);
    fm->ff.in_num = input_fmt(wb, "0.0#", false);
    fm->ff.in_mark = input_fmt(wb, NULL, true);
    fm->ff.locked_id = workbook_add_format(wb);
    format_set_font_name(fm->ff.locked_id, "游ゴシック");
    format_set_font_size(fm->ff.locked_id, 11);
    format_set_bold(fm->ff.locked_id);
    format_set_border(fm->ff.locked_id, LXW_BORDER_THIN);
    format_set_align(fm->ff.locked_id, LXW_ALIGN_VERTICAL_CENTER);
    fm->ff.month = workbook_add_format(wb);
    format_set_font_name(fm->ff.month, "游ゴシック");
    format_set_font_size(fm->ff.month, 11);
    format_set_bold(fm->ff.month);
    format_set_border(fm->ff.month, LXW_BORDER_THIN);
    format_set_align(fm->ff.month, LXW_ALIGN_VERTICAL_CENTER);
    /* numbers have no business here (;;;); text shows as "令和7年5月" */
    char shown[64];
    snprintf(shown, sizeof shown, ";;;\"%s\"", fm->wareki);
    format_set_num_format(fm->ff.month, shown);
    fm->ff.band = workbook_add_format(wb);
    format_set_font_name(fm->ff.band, "游ゴシック");
    format_set_font_size(fm->ff.band, 9);
    format_set_bold(fm->ff.band);
    format_set_border(fm->ff.band, LXW_BORDER_THIN);
    format_set_bg_color(fm->ff.band, 0xDDEBF7);
    format_set_align(fm->ff.band, LXW_ALIGN_CENTER);
    format_set_align(fm->ff.band, LXW_ALIGN_VERTICAL_CENTER);
    format_set_text_wrap(fm->ff.band);
    for (int b = 0; b < 2; b++) {
        lxw_format *f = workbook_add_format(wb);
        format_set_font_name(f, "游ゴシック");
        format_set_font_size(f, 10);
        format_set_text_wrap(f);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        if (b)
            format_set_border(f, LXW_BORDER_THIN);
        *(b ? &fm->ff.wrap_b : &fm->ff.wrap) = f;
    }
}

static lxw_format *input_for(const form *fm, const schema_column *c)
{
    switch (c->type) {
    case SCHEMA_DATE: return fm->ff.in_date;
    case SCHEMA_YEN:
    case SCHEMA_DAYS: return fm->ff.in_yen;
    case SCHEMA_BOOL: return fm->ff.in_mark;
    case SCHEMA_NUMBER: return fm->ff.in_num;
    case SCHEMA_CODE_SET: return fm->ff.in_mark;
    default: return fm->ff.in_text;
    }
}

/* ------------------------------------------------------------ validation */

static void validate(form *fm, lxw_worksheet *ws, lxw_col_t c, lxw_data_validation *v,
                     const schema_column *col, const char *error)
{
    v->input_title = (char *)col->label;
    v->input_message = (char *)col->hint;
    v->error_title = (char *)"入力できない値です";
    v->error_message = (char *)error;
    xw_check(&fm->x, worksheet_data_validation_range(ws, FORMS_FIRST_ROW - 1, c,
                                                     FORMS_LAST_ROW - 1, c, v));
}

/* The code list's Japanese names in a column of the hidden sheet; returns
 * the range formula for a list validation. */
static void list_range(form *fm, const schema_column *col, char *buf, size_t size)
{
    lxw_col_t lc = fm->list_col++;
    xw_text(&fm->x, fm->lists, 0, lc, col->label, NULL);
    for (size_t i = 0; i < col->n_codes; i++)
        xw_text(&fm->x, fm->lists, (lxw_row_t)(i + 1), lc, col->codes[i].name, NULL);
    char ref[8];
    lxw_col_to_name(ref, lc, LXW_FALSE);
    snprintf(buf, size, "='%s'!$%s$2:$%s$%zu", LISTS_SHEET, ref, ref, col->n_codes + 1);
}

static void column_validation(form *fm, lxw_worksheet *ws, const schema_column *col,
                              lxw_col_t c0)
{
    lxw_data_validation v = {0};
    char formula[96];
    static char *mark[] = {"○", NULL};
    switch (col->type) {
    case SCHEMA_CODE_SET:
        v.validate = LXW_VALIDATION_TYPE_LIST;
        v.value_list = mark;
        for (size_t i = 0; i < col->n_codes; i++) {
            lxw_data_validation w = v;
            validate(fm, ws, c0 + (lxw_col_t)i, &w, col, "「○」を選ぶか空欄にしてください。");
        }
        return;
    case SCHEMA_CODE: {
        /* The names inline when Excel allows it (255 bytes with the commas;
         * libxlsxwriter 1.1.4 counts bytes), else a range of the lists sheet. */
        char *names[65];
        size_t bytes = 0, n = col->n_codes < 64 ? col->n_codes : 64;
        for (size_t i = 0; i < n; i++) {
            names[i] = (char *)col->codes[i].name;
            bytes += strlen(names[i]) + 1;
        }
        names[n] = NULL;
        list_range(fm, col, formula, sizeof formula); /* also there for reference */
        if (n == col->n_codes && bytes <= 255) {
            v.validate = LXW_VALIDATION_TYPE_LIST;
            v.value_list = names;
        } else {
            v.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
            v.value_formula = formula;
        }
        validate(fm, ws, c0, &v, col, "一覧から選んでください。");
        return;
    }
    case SCHEMA_DATE:
        v.validate = LXW_VALIDATION_TYPE_DATE;
        v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        v.minimum_datetime = (lxw_datetime){1990, 1, 1, 0, 0, 0};
        v.maximum_datetime = (lxw_datetime){2099, 12, 31, 0, 0, 0};
        validate(fm, ws, c0, &v, col, "日付を 2025/4/1 のように入力してください。");
        return;
    case SCHEMA_YEN:
        v.validate = LXW_VALIDATION_TYPE_INTEGER;
        v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
        validate(fm, ws, c0, &v, col, "0 以上の整数（円）を入力してください。");
        return;
    case SCHEMA_NUMBER:
        v.validate = LXW_VALIDATION_TYPE_DECIMAL;
        v.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
        validate(fm, ws, c0, &v, col, "0 以上の数を入力してください（例 92.5）。");
        return;
    case SCHEMA_DAYS:
        v.validate = LXW_VALIDATION_TYPE_INTEGER;
        v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        v.minimum_number = 0;
        v.maximum_number = 31;
        validate(fm, ws, c0, &v, col, "0 から 31 までの日数を入力してください。");
        return;
    case SCHEMA_BOOL: {
        static char *yes_no[] = {"はい", "いいえ", NULL};
        v.validate = LXW_VALIDATION_TYPE_LIST;
        v.value_list = yes_no;
        validate(fm, ws, c0, &v, col, "「はい」か「いいえ」を選んでください。");
        return;
    }
    case SCHEMA_TEXT:
        v.validate = LXW_VALIDATION_TYPE_LENGTH;
        v.criteria = LXW_VALIDATION_CRITERIA_LESS_THAN_OR_EQUAL_TO;
        v.value_number = 200;
        validate(fm, ws, c0, &v, col, "200 文字以内で入力してください。");
        return;
    case SCHEMA_ID:
        v.validate = LXW_VALIDATION_TYPE_LENGTH;
        v.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
        v.minimum_number = 1;
        v.maximum_number = 32;
        validate(fm, ws, c0, &v, col, "32 文字以内で入力してください。");
        return;
    }
}

/* ------------------------------------------------------------ a claim sheet */

static void identity_rows(form *fm, lxw_worksheet *ws, const schema_file *f, lxw_col_t last)
{
    xw *x = &fm->x;
    char buf[256];
    snprintf(buf, sizeof buf, "%s 請求明細（%s分）", f->title, fm->wareki);
    worksheet_set_row(ws, 0, 24, NULL);
    xw_merge(x, ws, 0, 0, last, buf, x->f.title);
    worksheet_set_row(ws, FORMS_ID_ROW - 1, 20, NULL);
    lxw_row_t r = FORMS_ID_ROW - 1;
    xw_text(x, ws, r, 0, "施設番号", x->f.header);
    xw_text(x, ws, r, 1, fm->n->id, fm->ff.locked_id);
    xw_text(x, ws, r, 2, "請求月", x->f.header);
    /* The cell holds the month as intake reads it ("2025-05"); its number
     * format's text section shows it in 和暦, as the title says it */
    xw_text(x, ws, r, 3, fm->mon, fm->ff.month);
    xw_text(x, ws, r, 4, "施設名", x->f.header);
    /* the name may be long: it spans the rest of the row */
    if (last > 5)
        xw_merge(x, ws, r, 5, last, fm->n->name, fm->ff.locked_id);
    else
        xw_text(x, ws, r, 5, fm->n->name, fm->ff.locked_id);
    xw_merge(x, ws, 2, 0, last,
             "黄色の欄（6行目から）に1行ずつ記入してください。施設番号・施設名・請求月と見出しは"
             "変更できません。",
             x->f.note);
}

static void header_rows(form *fm, lxw_worksheet *ws, const schema_file *f)
{
    xw *x = &fm->x;
    lxw_row_t h = FORMS_HEAD_ROW - 1;
    worksheet_set_row(ws, h, 20, NULL);
    worksheet_set_row(ws, h + 1, 30, NULL);
    for (size_t k = 0; k < f->n_cols; k++) {
        const schema_column *c = &f->cols[k];
        lxw_col_t c0 = (lxw_col_t)(forms_first_col(f, k) - 1);
        if (c->type == SCHEMA_CODE_SET) {
            lxw_col_t c1 = c0 + (lxw_col_t)c->n_codes - 1;
            xw_merge(x, ws, h, c0, c1, c->label, x->f.header);
            for (size_t i = 0; i < c->n_codes; i++) {
                xw_text(x, ws, h + 1, c0 + (lxw_col_t)i, c->codes[i].name, fm->ff.band);
                worksheet_set_column(ws, c0 + (lxw_col_t)i, c0 + (lxw_col_t)i, 8, NULL);
            }
        } else {
            xw_check(x, worksheet_merge_range(ws, h, c0, h + 1, c0, "", x->f.header));
            xw_text(x, ws, h, c0, c->label, x->f.header);
            int width = c->type == SCHEMA_DATE ? 12 : c->type == SCHEMA_ID ? 11 : 14;
            if (c->type == SCHEMA_YEN || c->type == SCHEMA_CODE)
                width = 16;
            worksheet_set_column(ws, c0, c0, width, NULL);
        }
    }
}

static void blank_lines(form *fm, lxw_worksheet *ws, const schema_file *f)
{
    for (size_t k = 0; k < f->n_cols; k++) {
        const schema_column *c = &f->cols[k];
        lxw_col_t c0 = (lxw_col_t)(forms_first_col(f, k) - 1);
        size_t w = c->type == SCHEMA_CODE_SET ? c->n_codes : 1;
        for (lxw_row_t r = FORMS_FIRST_ROW - 1; r < FORMS_LAST_ROW; r++)
            for (size_t i = 0; i < w; i++)
                xw_blank(&fm->x, ws, r, c0 + (lxw_col_t)i, input_for(fm, c));
        column_validation(fm, ws, c, c0);
    }
}

static void put_date(form *fm, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, date_t d)
{
    if (d == DATE_OPEN)
        return;
    int y, m, dd;
    date_to_ymd(d, &y, &m, &dd);
    lxw_datetime dt = {y, m, dd, 0, 0, 0};
    xw_check(&fm->x, worksheet_write_datetime(ws, r, c, &dt, fm->ff.in_date));
}

static const char *code_name(const schema_file *f, const char *csv, const char *code)
{
    for (size_t k = 0; k < f->n_cols; k++)
        if (!strcmp(f->cols[k].csv, csv))
            for (size_t i = 0; i < f->cols[k].n_codes; i++)
                if (!strcmp(f->cols[k].codes[i].code, code))
                    return f->cols[k].codes[i].name;
    return code; /* not in this month's list: the nursery sees the code and must choose */
}

/* The declared column (SPEC 8.1) of last month's terms named like c, or NULL. */
static const declared_column *prev_column(const schema_column *c, const declared_column *cols,
                                          size_t n)
{
    for (size_t i = 0; c->declared && i < n; i++)
        if (!strcmp(cols[i].name, c->csv))
            return &cols[i];
    return NULL;
}

/* A declared value as the form's reader takes it back: whole numbers as
 * numbers, dates as dates, the rest (a code by its name, はい/いいえ, text,
 * a fraction in decimals) as text; an empty text or code and an open date
 * leave the cell blank. */
static void put_declared(form *fm, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0,
                         const schema_column *c, const declared_column *dc, value v)
{
    bool numeric = dc->type == COL_YEN || dc->type == COL_NUMBER || dc->type == COL_DAYS;
    if (numeric && num_is_int(v.n)) {
        xw_whole(&fm->x, ws, r, c0, v.n.n, input_for(fm, c));
        return;
    }
    if (dc->type == COL_DATE) {
        put_date(fm, ws, r, c0, v.d);
        return;
    }
    if ((dc->type == COL_TEXT || dc->type == COL_CODE) && (!v.s || !*v.s))
        return;
    char buf[512];
    schema_format_value(dc, v, buf, sizeof buf);
    xw_text(&fm->x, ws, r, c0, buf, numeric ? input_for(fm, c) : fm->ff.in_text);
}

/* Every declared column of line decl[] that last month's terms declared too,
 * except amounts (yen, number, days): like the built-in hours and salary they
 * are the month's own facts, and one carried over unnoticed would be claimed
 * twice. */
static void prefill_declared(form *fm, lxw_worksheet *ws, lxw_row_t r, const schema_file *f,
                             const value *decl, const declared_column *cols, size_t n)
{
    for (size_t k = 0; decl && k < f->n_cols; k++) {
        const declared_column *dc = prev_column(&f->cols[k], cols, n);
        if (dc && dc->type != COL_YEN && dc->type != COL_NUMBER && dc->type != COL_DAYS)
            put_declared(fm, ws, r, (lxw_col_t)(forms_first_col(f, k) - 1), &f->cols[k], dc,
                         decl[dc->slot]);
    }
}

/* Last month's lines: the built-in columns that say who (refs, dates, care,
 * qualification, employment; not hours or amounts) and the declared ones. */
static void prefill_children(form *fm, lxw_worksheet *ws, const forms_prefill *pre)
{
    const schema_file *f = &fm->s->files[SCHEMA_CHILDREN];
    for (size_t i = 0; i < pre->n_children && i < FORMS_LINES; i++) {
        const child_line *l = pre->children[i];
        lxw_row_t r = (lxw_row_t)(FORMS_FIRST_ROW - 1 + i);
        for (size_t k = 0; k < f->n_cols; k++) {
            const schema_column *c = &f->cols[k];
            lxw_col_t c0 = (lxw_col_t)(forms_first_col(f, k) - 1);
            if (!strcmp(c->csv, "child_ref"))
                xw_text(&fm->x, ws, r, c0, l->child_ref, fm->ff.in_text);
            else if (!strcmp(c->csv, "enrolled_from"))
                put_date(fm, ws, r, c0, l->enrolled_from);
            else if (!strcmp(c->csv, "enrolled_to"))
                put_date(fm, ws, r, c0, l->enrolled_to);
            else if (!strcmp(c->csv, "care_types"))
                for (size_t j = 0; j < c->n_codes; j++) {
                    /* bit j of care_mask is vocabulary code j, the list's order */
                    if (j < 32 && (l->care_mask >> j) & 1u)
                        xw_text(&fm->x, ws, r, c0 + (lxw_col_t)j, "○", fm->ff.in_mark);
                }
        }
        prefill_declared(fm, ws, r, f, l->decl, pre->child_cols, pre->n_child_cols);
    }
}

static void prefill_staff(form *fm, lxw_worksheet *ws, const forms_prefill *pre)
{
    const schema_file *f = &fm->s->files[SCHEMA_STAFF];
    for (size_t i = 0; i < pre->n_staff && i < FORMS_LINES; i++) {
        const staff_line *l = pre->staff[i];
        lxw_row_t r = (lxw_row_t)(FORMS_FIRST_ROW - 1 + i);
        for (size_t k = 0; k < f->n_cols; k++) {
            const schema_column *c = &f->cols[k];
            lxw_col_t c0 = (lxw_col_t)(forms_first_col(f, k) - 1);
            if (!strcmp(c->csv, "staff_ref"))
                xw_text(&fm->x, ws, r, c0, l->staff_ref, fm->ff.in_text);
            else if (!strcmp(c->csv, "qualification"))
                xw_text(&fm->x, ws, r, c0, code_name(f, c->csv, l->qualification),
                        fm->ff.in_text);
            else if (!strcmp(c->csv, "employment"))
                xw_text(&fm->x, ws, r, c0, code_name(f, c->csv, l->employment), fm->ff.in_text);
        }
        prefill_declared(fm, ws, r, f, l->decl, pre->staff_cols, pre->n_staff_cols);
    }
}

static void page_setup(form *fm, lxw_worksheet *ws, lxw_col_t last)
{
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 1); /* FORMS_LINES lines: one page per sheet */
    xw_check(&fm->x, worksheet_repeat_rows(ws, 0, FORMS_HEAD_ROW));
    xw_check(&fm->x, worksheet_print_area(ws, 0, 0, FORMS_LAST_ROW - 1, last));
    worksheet_freeze_panes(ws, FORMS_FIRST_ROW - 1, 0);
    lxw_protection prot = {0};
    worksheet_protect(ws, NULL, &prot);
}

static void claim_sheet(form *fm, lxw_worksheet *ws, schema_file_id id, const forms_prefill *pre)
{
    const schema_file *f = &fm->s->files[id];
    lxw_col_t last = (lxw_col_t)(forms_width(f) > 6 ? forms_width(f) - 1 : 5);
    worksheet_set_column(ws, 0, 5, 12, NULL);
    header_rows(fm, ws, f);
    if (last == 5)
        worksheet_set_column(ws, 5, 5, 26, NULL); /* room for the nursery's name */
    identity_rows(fm, ws, f, last);
    blank_lines(fm, ws, f);
    if (id == SCHEMA_CHILDREN)
        prefill_children(fm, ws, pre);
    else
        prefill_staff(fm, ws, pre);
    page_setup(fm, ws, last);
}

/* ------------------------------------------------------------ instructions */

static void instructions(form *fm, lxw_worksheet *ws, const char *issuer)
{
    xw *x = &fm->x;
    char buf[512];
    worksheet_set_column(ws, 0, 0, 30, NULL);
    worksheet_set_column(ws, 1, 1, 52, NULL);
    worksheet_set_column(ws, 2, 2, 52, NULL);
    snprintf(buf, sizeof buf, "医療的ケア児受入加算等 請求書（%s分）", fm->wareki);
    worksheet_set_row(ws, 0, 26, NULL);
    xw_merge(x, ws, 0, 0, 2, buf, x->f.title);
    snprintf(buf, sizeof buf, "%s　%s", fm->n->id, fm->n->name);
    xw_merge(x, ws, 1, 0, 2, buf, x->f.subtitle);
    static const char *const steps[] = {
        "1　「児童」シートに、当月に在籍する医療的ケア児を1人1行で記入してください。",
        "2　「職員」シートに、当月に配置した看護師等を1人1行で記入してください。",
        ("3　前月の請求から、在籍中の児童と職員をあらかじめ記入してあります。内容を確認し、"
         "退園・退職した人の行は消してください。"),
        "4　黄色の欄だけ入力できます。一覧のある欄は▼から選んでください。氏名は書かないでください。",
        "5　施設番号・施設名・請求月は変更できません。別の月・別の施設の様式は使えません。",
    };
    lxw_row_t r = 3;
    for (size_t i = 0; i < sizeof steps / sizeof *steps; i++, r++) {
        worksheet_set_row(ws, r, 28, NULL);
        xw_merge(x, ws, r, 0, 2, steps[i], fm->ff.wrap);
    }
    r++;
    xw_text(x, ws, r, 0, "項目", x->f.header);
    xw_text(x, ws, r, 1, "記入のしかた", x->f.header);
    xw_text(x, ws, r, 2, "選べる値", x->f.header);
    r++;
    for (int f = 0; f < SCHEMA_FILES; f++) {
        const schema_file *sf = &fm->s->files[f];
        for (size_t k = 0; k < sf->n_cols; k++, r++) {
            const schema_column *c = &sf->cols[k];
            snprintf(buf, sizeof buf, "%s：%s%s", sf->sheet, c->label, c->required ? "（必須）" : "");
            worksheet_set_row(ws, r, c->n_codes > 4 ? 40 : 20, NULL);
            xw_text(x, ws, r, 0, buf, fm->ff.wrap_b);
            xw_text(x, ws, r, 1, c->hint, fm->ff.wrap_b);
            size_t k2 = 0;
            buf[0] = '\0';
            for (size_t i = 0; i < c->n_codes && k2 < sizeof buf; i++)
                k2 += (size_t)snprintf(buf + k2, sizeof buf - k2, "%s%s", i ? "、" : "",
                                       c->codes[i].name);
            xw_text(x, ws, r, 2, buf, fm->ff.wrap_b);
        }
    }
    r++;
    snprintf(buf, sizeof buf, "提出先・お問い合わせ先：%s（記入した請求書をこのファイルのまま"
                              "電子メールで送ってください）", issuer);
    xw_merge(x, ws, r, 0, 2, buf, x->f.subtitle);
    worksheet_set_paper(ws, PAPER_A4);
    worksheet_set_landscape(ws);
    worksheet_fit_to_pages(ws, 1, 0);
    lxw_protection prot = {0};
    worksheet_protect(ws, NULL, &prot);
}

int forms_write_xlsx(const claim_schema *s, claim_month m, const nursery *n,
                     const forms_prefill *pre, const char *issuer, const char *path, char *err,
                     size_t errsz)
{
    form fm = {.s = s, .m = m, .n = n};
    if (!issuer)
        issuer = FMT_ISSUER;
    month_format(m, fm.mon);
    if (!month_format_wareki(m, fm.wareki, sizeof fm.wareki))
        snprintf(fm.wareki, sizeof fm.wareki, "%s", fm.mon);
    if (xw_open(&fm.x, path, false, err, errsz) != 0)
        return -1;
    fmt_init(&fm);
    /* Sheets in the order a nursery reads them; all exist before any is
     * filled, since the claim sheets write their lists into the last one. */
    lxw_worksheet *guide = xw_sheet(&fm.x, "記入方法");
    lxw_worksheet *sheets[SCHEMA_FILES];
    for (int f = 0; f < SCHEMA_FILES; f++)
        sheets[f] = xw_sheet(&fm.x, s->files[f].sheet);
    fm.lists = xw_sheet(&fm.x, LISTS_SHEET);
    if (guide && fm.lists && sheets[0] && sheets[1]) {
        worksheet_hide(fm.lists);
        instructions(&fm, guide, issuer);
        for (int f = 0; f < SCHEMA_FILES; f++)
            claim_sheet(&fm, sheets[f], (schema_file_id)f, pre);
        worksheet_activate(guide);
    }
    return xw_close(&fm.x, err, errsz);
}
