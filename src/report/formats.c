/* formats: the cell formats, cell writers and vocabularies shared by the
 * workbook writers.  Not for computing anything: every amount arrives here
 * already computed as whole yen. */
#include "formats.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/bankday.h"
#include "kasan/report.h"
#include "kasan/clock.h"

/* 発行元: 板橋区 子ども家庭部 保育サービス課, the section that runs kasan
 * (SPEC: users), when the rules name no issuer. */
const char FMT_ISSUER[] = "板橋区 子ども家庭部 保育サービス課";

void fmt_issuer_head(const rule_issuer *is, char *buf, size_t size)
{
    if (is)
        snprintf(buf, size, "%s　%s", is->head_title, is->head_name);
    else
        snprintf(buf, size, "%s", FMT_ISSUER);
}

const rule_issuer *fmt_issuer(const rule_set *rs, date_t day)
{
    return rs ? rules_issuer_in_force(rs, day) : NULL;
}

const char *fmt_issuer_contact(const rule_issuer *is)
{
    return is ? is->contact : FMT_ISSUER;
}

/* Japanese Excel's default UI font; LibreOffice substitutes a CJK font. */
#define FONT "游ゴシック"
#define SHADE 0xDDEBF7
#define GREY 0xF2F2F2

static lxw_format *fmt_new(lxw_workbook *wb, bool border)
{
    lxw_format *f = workbook_add_format(wb);
    format_set_font_name(f, FONT);
    format_set_font_size(f, 10);
    format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
    if (border)
        format_set_border(f, LXW_BORDER_THIN);
    return f;
}

static void formats_init(lxw_workbook *wb, xw_formats *f)
{
    f->title = fmt_new(wb, false);
    format_set_bold(f->title);
    format_set_font_size(f->title, 14);

    f->subtitle = fmt_new(wb, false);
    format_set_bold(f->subtitle);
    format_set_font_size(f->subtitle, 11);

    f->title_c = fmt_new(wb, false);
    format_set_bold(f->title_c);
    format_set_font_size(f->title_c, 15);
    format_set_align(f->title_c, LXW_ALIGN_CENTER);
    f->subtitle_c = fmt_new(wb, false);
    format_set_bold(f->subtitle_c);
    format_set_font_size(f->subtitle_c, 11);
    format_set_align(f->subtitle_c, LXW_ALIGN_CENTER);

    f->header = fmt_new(wb, true);
    format_set_bold(f->header);
    format_set_bg_color(f->header, SHADE);
    format_set_align(f->header, LXW_ALIGN_CENTER);
    format_set_text_wrap(f->header);

    f->text = fmt_new(wb, true);
    f->text_c = fmt_new(wb, true);
    format_set_align(f->text_c, LXW_ALIGN_CENTER);
    f->text_r = fmt_new(wb, true);
    format_set_align(f->text_r, LXW_ALIGN_RIGHT);
    f->plain = fmt_new(wb, false);
    f->plain_r = fmt_new(wb, false);
    format_set_align(f->plain_r, LXW_ALIGN_RIGHT);

    f->note = fmt_new(wb, false);
    format_set_font_size(f->note, 8);
    format_set_font_color(f->note, 0x595959);
    f->note_wrap = fmt_new(wb, false);
    format_set_font_size(f->note_wrap, 8);
    format_set_font_color(f->note_wrap, 0x595959);
    format_set_text_wrap(f->note_wrap);
    format_set_align(f->note_wrap, LXW_ALIGN_VERTICAL_TOP);

    f->draft = fmt_new(wb, false);
    format_set_bold(f->draft);
    format_set_font_size(f->draft, 14);
    format_set_font_color(f->draft, LXW_COLOR_RED);
    format_set_align(f->draft, LXW_ALIGN_RIGHT);
    f->draft_l = fmt_new(wb, false);
    format_set_bold(f->draft_l);
    format_set_font_size(f->draft_l, 12);
    format_set_font_color(f->draft_l, LXW_COLOR_RED);
    f->draft_cell = fmt_new(wb, true);
    format_set_bold(f->draft_cell);
    format_set_font_color(f->draft_cell, LXW_COLOR_RED);
    format_set_align(f->draft_cell, LXW_ALIGN_CENTER);

    f->num = fmt_new(wb, true);
    format_set_num_format(f->num, "#,##0");
    f->yen = fmt_new(wb, true);
    format_set_num_format(f->yen, "#,##0");
    f->yen_total = fmt_new(wb, true);
    format_set_num_format(f->yen_total, "#,##0");
    format_set_bold(f->yen_total);
    format_set_bg_color(f->yen_total, GREY);
    f->yen_warn = fmt_new(wb, true);
    format_set_num_format(f->yen_warn, "#,##0");
    format_set_bold(f->yen_warn);
    format_set_font_color(f->yen_warn, LXW_COLOR_RED);
    f->total_label = fmt_new(wb, true);
    format_set_bold(f->total_label);
    format_set_bg_color(f->total_label, GREY);

    f->syen = fmt_new(wb, true);
    format_set_num_format(f->syen, "#,##0\"円\"");
    f->syen_total = fmt_new(wb, true);
    format_set_num_format(f->syen_total, "#,##0\"円\"");
    format_set_bold(f->syen_total);
    format_set_bg_color(f->syen_total, GREY);
    f->syen_big = fmt_new(wb, false);
    format_set_num_format(f->syen_big, "#,##0\"円\"");
    format_set_bold(f->syen_big);
    format_set_font_size(f->syen_big, 16);
    format_set_bottom(f->syen_big, LXW_BORDER_DOUBLE);
    format_set_align(f->syen_big, LXW_ALIGN_CENTER);
    f->big_label = fmt_new(wb, false);
    format_set_bold(f->big_label);
    format_set_font_size(f->big_label, 12);
    format_set_bottom(f->big_label, LXW_BORDER_DOUBLE);
    format_set_align(f->big_label, LXW_ALIGN_CENTER);

    /* differences (差額): the sign always shown, △ for a negative amount as
     * Japanese accounts write it */
    static const char dnum[] = "+#,##0;\"△\"#,##0;0";
    static const char dsyen[] = "+#,##0\"円\";\"△\"#,##0\"円\";0\"円\"";
    f->dyen = fmt_new(wb, true);
    format_set_num_format(f->dyen, dnum);
    f->dyen_total = fmt_new(wb, true);
    format_set_num_format(f->dyen_total, dnum);
    format_set_bold(f->dyen_total);
    format_set_bg_color(f->dyen_total, GREY);
    f->sdyen = fmt_new(wb, true);
    format_set_num_format(f->sdyen, dsyen);
    f->sdyen_total = fmt_new(wb, true);
    format_set_num_format(f->sdyen_total, dsyen);
    format_set_bold(f->sdyen_total);
    format_set_bg_color(f->sdyen_total, GREY);
    f->plain_wrap = fmt_new(wb, false);
    format_set_text_wrap(f->plain_wrap);
    format_set_align(f->plain_wrap, LXW_ALIGN_VERTICAL_TOP);
    f->wrap = fmt_new(wb, true);
    format_set_text_wrap(f->wrap);
    format_set_align(f->wrap, LXW_ALIGN_VERTICAL_TOP);
    f->mono = fmt_new(wb, true);
    format_set_font_name(f->mono, "Courier New");
    format_set_font_size(f->mono, 7);
    format_set_text_wrap(f->mono);
    format_set_align(f->mono, LXW_ALIGN_VERTICAL_TOP);
}

/* Where libxlsxwriter keeps a small workbook's parts (about ten temporary
 * files each) until it zips them: /dev/shm when it is there, since creating
 * and unlinking files on a disk is most of a statement's cost (issue 16);
 * else the system's temporary directory.  A constant-memory workbook
 * (payments.xlsx, hundreds of MB of rows at national scale) stays on disk. */
static char *xw_small_tmpdir(void)
{
    static int state; /* 0 unknown, 1 /dev/shm, 2 the default */
    if (state == 0)
        state = access("/dev/shm", W_OK | X_OK) == 0 ? 1 : 2;
    return state == 1 ? (char *)"/dev/shm" : NULL;
}

int xw_open(xw *x, const char *path, bool constant_memory, char *err, size_t errsz)
{
    memset(x, 0, sizeof *x);
    if (fs_out_open(&x->out, path, false) != 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        return -1;
    }
    lxw_workbook_options opt = {.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE,
                                .tmpdir = constant_memory ? NULL : xw_small_tmpdir()};
    x->wb = workbook_new_opt(x->out.tmp_path, &opt);
    if (!x->wb) {
        snprintf(err, errsz, "%s: cannot start workbook", path);
        fs_out_abort(&x->out);
        return -1;
    }
    formats_init(x->wb, &x->f);
    return 0;
}

/* libxlsxwriter prints its own "[ERROR][./src/packager.c:…]" lines to
 * stderr (compiled in, no option to turn them off); while it writes the file,
 * fd 2 goes to /dev/null and kasan reports the failure once, by path. */
static int stderr_off(void)
{
    fflush(stderr);
    int saved = dup(2), null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && null >= 0)
        dup2(null, 2);
    if (null >= 0)
        close(null);
    return saved;
}

static void stderr_on(int saved)
{
    if (saved < 0)
        return;
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
}

int xw_close(xw *x, char *err, size_t errsz)
{
    int saved = stderr_off();
    errno = 0;
    lxw_error e = workbook_close(x->wb); /* frees the workbook in every case */
    int sys = errno;
    stderr_on(saved);
    x->wb = NULL;
    if (x->err == LXW_NO_ERROR)
        x->err = e;
    if (x->err != LXW_NO_ERROR && sys && e != LXW_NO_ERROR) {
        snprintf(err, errsz, "%s: %s", x->out.path, strerror(sys)); /* disk full and the like */
        fs_out_abort(&x->out);
        return -1;
    }
    if (x->err != LXW_NO_ERROR) {
        snprintf(err, errsz, "%s: %s", x->out.path, lxw_strerror(x->err));
        fs_out_abort(&x->out);
        return -1;
    }
    char *path = strdup(x->out.path);
    if (fs_out_commit(&x->out) != 0) {
        snprintf(err, errsz, "%s: %s", path ? path : "workbook", strerror(errno));
        free(path);
        return -1;
    }
    free(path);
    return 0;
}

lxw_worksheet *xw_sheet(xw *x, const char *name)
{
    lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
    if (!ws && x->err == LXW_NO_ERROR)
        x->err = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return ws;
}

void xw_check(xw *x, lxw_error e)
{
    if (x->err == LXW_NO_ERROR)
        x->err = e;
}

void xw_text(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f)
{
    if (!ws || x->err != LXW_NO_ERROR)
        return;
    if (!s || !*s) {
        if (f)
            xw_check(x, worksheet_write_blank(ws, r, c, f));
        return;
    }
    /* worksheet_write_string stores a string cell whatever its first
     * character: "=cmd|' /C calc'!A0" is shown, never evaluated. */
    xw_check(x, worksheet_write_string(ws, r, c, s, f));
}

void xw_blank(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_format *f)
{
    if (ws && f && x->err == LXW_NO_ERROR)
        xw_check(x, worksheet_write_blank(ws, r, c, f));
}

void xw_whole(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int64_t v, lxw_format *f)
{
    if (!ws || x->err != LXW_NO_ERROR)
        return;
    /* The one place an amount becomes a double: the xlsx cell type is an
     * IEEE double, which holds every integer below 2^53 (9e15 yen) exactly.
     * Larger values, which no ward pays, are written as text to stay exact. */
    const int64_t exact = (int64_t)1 << 53;
    if (v > -exact && v < exact) {
        xw_check(x, worksheet_write_number(ws, r, c, (double)v, f));
    } else {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRId64, v);
        xw_check(x, worksheet_write_string(ws, r, c, buf, f));
    }
}

void xw_merge(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, lxw_col_t c1, const char *s,
              lxw_format *f)
{
    if (!ws || x->err != LXW_NO_ERROR)
        return;
    if (c1 == c0) {
        xw_text(x, ws, r, c0, s, f);
        return;
    }
    /* merge_range writes its text with worksheet_write_string too. */
    xw_check(x, worksheet_merge_range(ws, r, c0, r, c1, s ? s : "", f));
}

void fmt_date_wareki(date_t d, char *buf, size_t size)
{
    if (!date_format_wareki(d, buf, size))
        date_format_iso(d, buf);
}

void fmt_month_wareki(claim_month m, char *buf, size_t size)
{
    if (!month_format_wareki(m, buf, size))
        month_format(m, buf);
}

void fmt_fy_wareki(int fy, char *buf, size_t size)
{
    if (!fiscal_year_format_wareki(fy, buf, size))
        snprintf(buf, size, "%d年度", fy);
}

void fmt_yen(int64_t v, char *buf, size_t size)
{
    char digits[48];
    num_format_grouped(num_int(v < 0 ? -v : v), digits, sizeof digits);
    snprintf(buf, size, "%s%s円", v < 0 ? "△" : "", digits);
}

void fmt_time_jst(const char *iso_utc, char *buf, size_t size)
{
    date_t d;
    int h, m;
    if (!clock_to_jst(iso_utc, &d, &h, &m)) {
        snprintf(buf, size, "%s", iso_utc ? iso_utc : "");
        return;
    }
    char day[64];
    fmt_date_wareki(d, day, sizeof day);
    snprintf(buf, size, "%s %d時%02d分", day, h, m);
}

void fmt_line_cite(const char *form, int line, char *buf, size_t size)
{
    /* "P002.xlsx:児童!7": the sheet after the last ':', the row after '!' */
    const char *colon = form ? strrchr(form, ':') : NULL;
    const char *bang = colon ? strrchr(colon, '!') : NULL;
    if (bang && bang[1]) {
        snprintf(buf, size, "%.*sシート %s行目", (int)(bang - colon - 1), colon + 1, bang + 1);
        return;
    }
    snprintf(buf, size, "届出データ %d行目", line);
}

void fmt_value_text(const month_run *run, vtype t, value v, bool unit_yen, bool wareki, char *buf,
                    size_t size)
{
    const rule_terms *terms = run->terms;
    switch (t) {
    case VT_YEN:
    case VT_YEN_FRAC:
        num_format_grouped(v.n, buf, size);
        if (unit_yen && strlen(buf) + sizeof "円" <= size)
            strcat(buf, "円");
        return;
    case VT_BOOL:
        snprintf(buf, size, "%s", v.b ? "該当" : "非該当");
        return;
    case VT_DATE:
        if (v.d == DATE_OPEN)
            snprintf(buf, size, "（定めなし）");
        else if (wareki)
            fmt_date_wareki(v.d, buf, size);
        else
            date_format_iso(v.d, buf);
        return;
    case VT_CARE_SET:
        if (terms && terms->care_names) {
            size_t len = 0;
            buf[0] = '\0';
            for (size_t i = 0; i < terms->n_care && i < 32; i++) {
                if (!(v.set & (UINT32_C(1) << i)))
                    continue;
                int n = snprintf(buf + len, size - len, "%s%s", len ? "・" : "",
                                 terms->care_names[i]);
                if (n < 0 || (size_t)n >= size - len)
                    break;
                len += (size_t)n;
            }
            return;
        }
        break;
    default:
        break;
    }
    value_format(t, v, terms ? terms->care_names : NULL, buf, size);
}

void xw_value(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const month_run *run, vtype t,
              value v, lxw_format *yen_fmt, bool wareki)
{
    bool numeric = false;
    switch (t) {
    case VT_YEN:
    case VT_YEN_FRAC:
        if (num_is_int(v.n)) {
            xw_whole(x, ws, r, c, v.n.n, yen_fmt);
            return;
        }
        numeric = true;
        break;
    case VT_INT:
    case VT_NUMBER:
    case VT_DAYS:
        if (num_is_int(v.n)) {
            xw_whole(x, ws, r, c, v.n.n, x->f.num);
            return;
        }
        numeric = true;
        break;
    default:
        break;
    }
    /* Exact fractions ("92.5", "1/3") and everything else as text. */
    char buf[512];
    fmt_value_text(run, t, v, false, wareki, buf, sizeof buf);
    xw_text(x, ws, r, c, buf, numeric ? x->f.text_r : t == VT_BOOL ? x->f.text_c : x->f.text);
}

size_t fmt_labelled(const program *p, rule_scope scope, const rule_value **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_values && n < max; i++) {
        const rule_value *rv = &p->values[i];
        if (!rv->label || rv->kind != RV_FORMULA || rv->scope != scope || rv == p->result)
            continue;
        out[n++] = rv;
    }
    return n;
}

size_t fmt_constants(const program *p, const rule_value **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n_values && n < max; i++)
        if (p->values[i].label && p->values[i].kind != RV_FORMULA)
            out[n++] = &p->values[i];
    return n;
}

const char *fmt_result_label(const program *p)
{
    return p->result && p->result->label ? p->result->label : "支給額";
}

const char *fmt_account_type(const char *code)
{
    if (!code)
        return "";
    if (!strcmp(code, "ordinary"))
        return "普通";
    if (!strcmp(code, "current"))
        return "当座";
    return code;
}

const char *fmt_employment(const char *code)
{
    if (!code)
        return "";
    if (!strcmp(code, "full_time"))
        return "常勤";
    if (!strcmp(code, "part_time"))
        return "非常勤";
    return code;
}

const char *fmt_qualification(const month_run *run, const char *code)
{
    const rule_terms *t = run->terms;
    if (code && t && t->qual_names)
        for (size_t i = 0; i < t->n_qual; i++)
            if (!strcmp(t->qual_codes[i], code))
                return t->qual_names[i];
    return code ? code : "";
}

void fmt_care_names(const month_run *run, const child_line *cl, char *buf, size_t size)
{
    if (run->terms && run->terms->care_names)
        fmt_value_text(run, VT_CARE_SET, (value){.set = cl->care_mask}, false, false, buf, size);
    else
        snprintf(buf, size, "%s", cl->care_types ? cl->care_types : "");
}

const char *fmt_scope_name(rule_scope s)
{
    switch (s) {
    case SCOPE_CHILD:
        return "児童";
    case SCOPE_STAFF:
        return "職員";
    case SCOPE_NURSERY:
        return "施設";
    }
    return "";
}

const nursery *fmt_nursery_find(const month_run *run, const char *id)
{
    if (!id)
        return NULL;
    int32_t pos = -1;
    if (run->reg.index_cap)
        pos = registry_find(&run->reg, id, strlen(id));
    else
        for (size_t i = 0; i < run->reg.n && pos < 0; i++)
            if (!strcmp(run->reg.v[i].id, id))
                pos = (int32_t)i;
    return pos >= 0 ? &run->reg.v[pos] : NULL;
}

const char *fmt_program_title(const month_run *run, const char *id)
{
    for (size_t p = 0; p < run->n_programs; p++)
        if (!strcmp(run->programs[p]->id, id))
            return run->programs[p]->title;
    return id;
}

unsigned xw_note_height(const char *text, size_t chars_per_line, unsigned points_per_line)
{
    size_t chars = 0;
    for (const char *c = text; *c; c++)
        chars += ((unsigned char)*c & 0xC0) != 0x80;
    return points_per_line * (unsigned)(1 + chars / chars_per_line);
}

bool report_planned_transfer(const rule_set *rs, claim_month m, date_t *out)
{
    claim_month next = {m.month == 12 ? m.year + 1 : m.year, m.month == 12 ? 1 : m.month + 1};
    const rule_payer *p = rules_payer_in_force(rs, month_first_day(next));
    if (!p || p->planned_transfer_day < 1)
        return false;
    int dim = date_days_in_month(next.year, next.month);
    date_t d = date_from_ymd(next.year, next.month,
                             p->planned_transfer_day < dim ? p->planned_transfer_day : dim);
    const rule_calendar *cal = rules_calendar_in_force(rs, d);
    if (!cal)
        return false; /* holidays not known: no date promised */
    if (bankday_of(d, cal->holidays, cal->n) != BANKDAY_OPEN)
        d = bankday_next(d, cal->holidays, cal->n);
    if (d > cal->effective_to)
        return false;
    *out = d;
    return true;
}
