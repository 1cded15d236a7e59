/* forms_read: filled claim forms (include/kasan/forms.h) back into claim
 * lines — every cell checked against the schema (codes by code or Japanese
 * name, dates as serials or text, numbers as numbers or text), the locked
 * identity and header cells against the registry and the month, and each
 * nursery read once.  Every problem is reported as FORM:SHEET!CELL.
 * Not here: opening zips or XML (xlsx_read.c), writing files (cli/intake.c). */
#include "kasan/forms.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/num.h"
#include "kasan/xlsx.h"

uint32_t forms_first_col(const schema_file *f, size_t k)
{
    uint32_t c = 1;
    for (size_t i = 0; i < k && i < f->n_cols; i++)
        c += f->cols[i].type == SCHEMA_CODE_SET ? (uint32_t)f->cols[i].n_codes : 1;
    return c;
}

uint32_t forms_width(const schema_file *f) { return forms_first_col(f, f->n_cols) - 1; }

/* ------------------------------------------------------------ one sheet */

typedef struct sheet_rd {
    const char *path, *base, *sheet;
    const xlsx_cell **grid; /* [row-1][col-1] for the form's rows and columns */
    uint32_t rows, cols;
    uint32_t width;         /* columns of the lines */
    diag_list *d;
    arena *a;
    int errors;
} sheet_rd;

static void bad(sheet_rd *r, uint32_t row, uint32_t col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void bad(sheet_rd *r, uint32_t row, uint32_t col, const char *fmt, ...)
{
    char ref[16], where[1024], msg[900];
    xlsx_ref(row, col, ref);
    snprintf(where, sizeof where, "%s:%s!%s", r->path, r->sheet, ref);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(r->d, where, 0, 0, "%s", msg);
    r->errors++;
}

static const xlsx_cell *at(const sheet_rd *r, uint32_t row, uint32_t col)
{
    if (row < 1 || col < 1 || row > r->rows || col > r->cols)
        return NULL;
    return r->grid[(size_t)(row - 1) * r->cols + (col - 1)];
}

/* The cell's text with ASCII and ideographic spaces trimmed, into buf. */
static const char *trimmed(const xlsx_cell *c, char *buf, size_t size)
{
    buf[0] = '\0';
    if (!c)
        return buf;
    const char *s = c->text, *e = s + strlen(s);
    for (;;) {
        if (s < e && (*s == ' ' || *s == '\t'))
            s++;
        else if (e - s >= 3 && !memcmp(s, "\xe3\x80\x80", 3))
            s += 3;
        else
            break;
    }
    for (;;) {
        if (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
            e--;
        else if (e - s >= 3 && !memcmp(e - 3, "\xe3\x80\x80", 3))
            e -= 3;
        else
            break;
    }
    size_t n = (size_t)(e - s) < size - 1 ? (size_t)(e - s) : size - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return buf;
}

/* A cell's text as shown in a message: quoted, cut at 40 bytes. */
static const char *shown(const char *s, char buf[64])
{
    size_t n = strlen(s);
    if (n <= 40) {
        snprintf(buf, 64, "'%s'", s);
        return buf;
    }
    n = 40;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    snprintf(buf, 64, "'%.*s...'", (int)n, s);
    return buf;
}

/* ------------------------------------------------------------ values */

/* "92.5", "4.5E+1", "386,000" → an exact decimal; false if not a number
 * (a sign is refused: every amount and count of a claim is >= 0). */
static bool decimal(const char *s, num *out)
{
    char buf[64];
    size_t k = 0;
    const char *p = s;
    for (; *p && *p != 'E' && *p != 'e'; p++) {
        if (*p == ',')
            continue;
        if (k + 1 >= sizeof buf)
            return false;
        buf[k++] = *p;
    }
    buf[k] = '\0';
    if (!k || buf[0] == '-' || buf[0] == '+' || num_parse(buf, k, out) != NUM_OK)
        return false;
    if (!*p)
        return true;
    p++;
    int sign = 1, e = 0;
    if (*p == '+' || *p == '-')
        sign = *p++ == '-' ? -1 : 1;
    if (!*p)
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9' || e > 30)
            return false;
        e = e * 10 + (*p - '0');
    }
    for (int i = 0; i < e; i++) {
        num_status st = sign > 0 ? num_mul(*out, num_int(10), out) : num_div(*out, num_int(10), out);
        if (st != NUM_OK)
            return false;
    }
    return true;
}

/* Full-width digits and ．，／－ (typed with the Japanese IME on) as ASCII,
 * for reading numbers and dates typed as text. */
static void ascii_digits(const char *s, char *out, size_t size)
{
    size_t k = 0;
    while (*s && k + 1 < size) {
        const unsigned char *u = (const unsigned char *)s;
        if (u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x8C && u[2] <= 0x99) {
            out[k++] = (char)(u[2] - 0x8C + ','); /* U+FF0C..FF19 → ',' .. '9' */
            s += 3;
        } else {
            out[k++] = *s++;
        }
    }
    out[k] = '\0';
}

/* A date: a 1900-system serial (number cell) or text 2025-05-01, 2025/5/1
 * or 2025年5月1日. */
static bool date_value(const xlsx_cell *c, const char *text, date_t *out)
{
    if (c->kind == XLSX_NUMBER)
        return xlsx_serial_date(text, out);
    char t[64];
    ascii_digits(text, t, sizeof t);
    size_t n = strlen(t);
    if (n == 19 && t[10] == 'T' && !strcmp(t + 11, "00:00:00"))
        n = 10; /* an ISO 8601 date cell (t="d") at midnight */
    if (date_parse_iso(t, n, out))
        return true;
    int y, m, d, used = -1;
    if ((sscanf(t, "%4d/%2d/%2d%n", &y, &m, &d, &used) == 3 ||
         sscanf(t, "%4d年%2d月%2d日%n", &y, &m, &d, &used) == 3) &&
        used > 0 && !t[used] && date_valid_ymd(y, m, d)) {
        *out = date_from_ymd(y, m, d);
        return true;
    }
    return false;
}

static bool mark_value(const char *t, bool *on)
{
    static const char *const yes[] = {"○", "〇", "◯", "●", "✓", "✔", "1", "TRUE", "true", "はい"};
    *on = false;
    if (!*t)
        return true;
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        if (!strcmp(t, yes[i]))
            return *on = true;
    return false;
}

static void list_names(const schema_column *col, char *buf, size_t size)
{
    size_t k = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < col->n_codes && k < size; i++)
        k += (size_t)snprintf(buf + k, size - k, "%s%s", i ? "、" : "", col->codes[i].name);
}

/* One cell being turned into a CSV value. */
typedef struct cellv {
    sheet_rd *r;
    const schema_column *col;
    const xlsx_cell *c;
    uint32_t row, c0;
    char *t;        /* the trimmed text (writable: 円 is cut off) */
} cellv;

/* Reports "LABEL: 'text' why" at the cell; returns NULL for the caller. */
static const char *refuse(const cellv *v, const char *why)
{
    char sh[64];
    bad(v->r, v->row, v->c0, "%s: %s %s", v->col->label, shown(v->t, sh), why);
    return NULL;
}

/* One ○ column per code: the marked codes joined by ';' in list order. */
static const char *v_code_set(sheet_rd *r, const schema_column *col, uint32_t row, uint32_t c0)
{
    char t[64], sh[64];
    strbuf sb;
    sb_init(&sb);
    bool ok = true;
    for (size_t i = 0; i < col->n_codes; i++) {
        bool on;
        if (!mark_value(trimmed(at(r, row, c0 + (uint32_t)i), t, sizeof t), &on)) {
            bad(r, row, c0 + (uint32_t)i, "%s: %s is not a mark (choose ○ or leave empty)",
                col->codes[i].name, shown(t, sh));
            ok = false;
        } else if (on) {
            if (sb.len)
                sb_addc(&sb, ';');
            sb_adds(&sb, col->codes[i].code);
        }
    }
    const char *out = ok ? arena_strdup(r->a, sb.buf) : NULL;
    sb_release(&sb);
    return out;
}

/* Text of at most max bytes without control characters (and, for an id,
 * without ';'). */
static const char *v_text(const cellv *v, size_t max, bool id)
{
    for (const char *p = v->t; *p; p++)
        if ((unsigned char)*p < 0x20 || (id && *p == ';'))
            return refuse(v, id ? "has a control character or ';'"
                                : "has a line break or control character");
    if (strlen(v->t) > max)
        return refuse(v, id ? "is longer than 32 bytes" : "is longer than 200 bytes");
    return arena_strdup(v->r->a, v->t);
}

static const char *v_code(const cellv *v)
{
    const schema_code *sc = schema_find_code(v->col, v->t);
    if (sc)
        return sc->code;
    char names[512], why[600];
    list_names(v->col, names, sizeof names);
    snprintf(why, sizeof why, "is not in the list (%s)", names);
    return refuse(v, why);
}

static const char *v_date(const cellv *v)
{
    date_t dt;
    if (!date_value(v->c, v->t, &dt))
        return refuse(v, "is not a date (like 2025/4/1)");
    char iso[11];
    date_format_iso(dt, iso);
    return arena_strdup(v->r->a, iso);
}

/* Yen (whole, "386,000円" allowed as text) or a decimal number (hours). */
static const char *v_amount(const cellv *v, bool yen)
{
    size_t n = strlen(v->t);
    if (yen && n > 3 && !strcmp(v->t + n - 3, "円"))
        v->t[n - 3] = '\0';
    num x;
    char a[128], out[64];
    ascii_digits(v->t, a, sizeof a);
    if (!decimal(a, &x))
        return refuse(v, "is not a number >= 0");
    if (yen && !num_is_int(x))
        return refuse(v, "is not whole yen");
    num_format(x, out, sizeof out);
    if (strchr(out, '/'))
        return refuse(v, "is not a decimal number");
    return arena_strdup(v->r->a, out);
}

static const char *v_days(const cellv *v)
{
    num x;
    char a[64];
    ascii_digits(v->t, a, sizeof a);
    if (!decimal(a, &x) || !num_is_int(x) || x.n > 31)
        return refuse(v, "is not a number of days (0-31)");
    return arena_printf(v->r->a, "%lld", (long long)x.n);
}

static const char *v_bool(const cellv *v)
{
    static const char *const yes[] = {"はい", "true", "TRUE", "1", "○", "有"};
    static const char *const no[] = {"いいえ", "false", "FALSE", "0", "×", "無"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
        if (!strcmp(v->t, yes[i]))
            return "true";
        if (!strcmp(v->t, no[i]))
            return "false";
    }
    return refuse(v, "is neither はい nor いいえ");
}

/* The CSV value of a schema column in this row; NULL after reporting. */
static const char *cell_value(sheet_rd *r, const schema_column *col, uint32_t row, uint32_t c0)
{
    if (col->type == SCHEMA_CODE_SET)
        return v_code_set(r, col, row, c0);
    char t[1024];
    cellv v = {r, col, at(r, row, c0), row, c0, t};
    trimmed(v.c, t, sizeof t);
    if (!*t) {
        if (col->required) {
            bad(r, row, c0, "%s is empty", col->label);
            return NULL;
        }
        return "";
    }
    if (v.c->kind == XLSX_ERROR)
        return refuse(&v, "is an Excel error, not a value");
    if (v.c->kind == XLSX_BOOL && col->type != SCHEMA_BOOL) {
        bad(r, row, c0, "%s: a TRUE/FALSE cell, not a value", col->label);
        return NULL;
    }
    switch (col->type) {
    case SCHEMA_ID: return v_text(&v, 32, true);
    case SCHEMA_TEXT: return v_text(&v, 200, false);
    case SCHEMA_CODE: return v_code(&v);
    case SCHEMA_DATE: return v_date(&v);
    case SCHEMA_YEN: return v_amount(&v, true);
    case SCHEMA_NUMBER: return v_amount(&v, false);
    case SCHEMA_DAYS: return v_days(&v);
    case SCHEMA_BOOL: return v_bool(&v);
    case SCHEMA_CODE_SET: break; /* above */
    }
    return NULL;
}

/* ------------------------------------------------------------ identity */

static bool label_is(sheet_rd *r, uint32_t row, uint32_t col, const char *want, bool report)
{
    char t[256];
    trimmed(at(r, row, col), t, sizeof t);
    if (!strcmp(t, want))
        return true;
    if (report)
        bad(r, row, col, "locked cell changed: '%s' expected here", want);
    return false;
}

/* Checks row 2 and the headers; returns the nursery (registry position) or
 * -1 after reporting. */
static int32_t identity(sheet_rd *r, const schema_file *f, claim_month m, const registry *reg)
{
    char t[256], sh[64], mon[8];
    if (!label_is(r, FORMS_ID_ROW, 1, "施設番号", false)) {
        bad(r, FORMS_ID_ROW, 1, "not a claim form of kasan (no 施設番号 here)");
        return -1;
    }
    label_is(r, FORMS_ID_ROW, 3, "請求月", true);
    label_is(r, FORMS_ID_ROW, 5, "施設名", true);
    month_format(m, mon);
    trimmed(at(r, FORMS_ID_ROW, 4), t, sizeof t);
    if (strcmp(t, mon))
        bad(r, FORMS_ID_ROW, 4, "the form is for %s, not %s", shown(t, sh), mon);
    for (size_t k = 0; k < f->n_cols; k++) {
        const schema_column *c = &f->cols[k];
        uint32_t c0 = forms_first_col(f, k);
        label_is(r, FORMS_HEAD_ROW, c0, c->label, true);
        if (c->type == SCHEMA_CODE_SET)
            for (size_t i = 0; i < c->n_codes; i++)
                label_is(r, FORMS_HEAD_ROW + 1, c0 + (uint32_t)i, c->codes[i].name, true);
    }
    trimmed(at(r, FORMS_ID_ROW, 2), t, sizeof t);
    int32_t pos = registry_find(reg, t, strlen(t));
    if (pos < 0) {
        bad(r, FORMS_ID_ROW, 2, "nursery %s is not in the registry", shown(t, sh));
        return -1;
    }
    char name[512];
    trimmed(at(r, FORMS_ID_ROW, 6), name, sizeof name);
    if (strcmp(name, reg->v[pos].name))
        bad(r, FORMS_ID_ROW, 6, "locked cell changed: the registry names %s '%s', not %s",
            reg->v[pos].id, reg->v[pos].name, shown(name, sh));
    return pos;
}

/* ------------------------------------------------------------ a form */

typedef struct seen {
    const char *id, *path;
} seen;

typedef struct reader {
    const claim_schema *s;
    claim_month m;
    const registry *reg;
    arena *a;
    diag_list *d;
    forms_line *v[SCHEMA_FILES];
    size_t n[SCHEMA_FILES], cap[SCHEMA_FILES];
    seen *seen;
    size_t n_seen;
    int errors;
} reader;

static void push_line(reader *rd, schema_file_id f, forms_line l)
{
    if (rd->n[f] == rd->cap[f]) {
        rd->cap[f] = rd->cap[f] ? rd->cap[f] * 2 : 64;
        rd->v[f] = realloc(rd->v[f], rd->cap[f] * sizeof *rd->v[f]);
        if (!rd->v[f])
            abort();
    }
    rd->v[f][rd->n[f]++] = l;
}

static void grid_fill(sheet_rd *r, const xlsx_sheet *sh)
{
    r->rows = FORMS_LAST_ROW;
    r->grid = arena_calloc(r->a, (size_t)r->rows * r->cols, sizeof *r->grid);
    for (size_t i = 0; i < sh->n; i++) {
        const xlsx_cell *c = &sh->cells[i];
        if (c->row > FORMS_LAST_ROW && c->text[0]) {
            bad(r, c->row, c->col, "a value below the form's %d lines (rows %d-%d)",
                FORMS_LINES, FORMS_FIRST_ROW, FORMS_LAST_ROW);
            continue;
        }
        if (c->col > r->width && c->row >= FORMS_FIRST_ROW && c->text[0]) {
            char last[16];
            xlsx_ref(1, r->width, last);
            last[strlen(last) - 1] = '\0';
            bad(r, c->row, c->col, "a value right of the form's columns (A-%s)", last);
            continue;
        }
        if (c->col <= r->cols && c->row <= r->rows)
            r->grid[(size_t)(c->row - 1) * r->cols + (c->col - 1)] = c;
    }
}

/* One claim sheet of the form; the nursery id it names in *form_nursery. */
static void read_sheet(reader *rd, xlsx_book *b, const char *path, const char *base,
                       schema_file_id fid, int32_t *form_nursery)
{
    const schema_file *f = &rd->s->files[fid];
    sheet_rd r = {.path = path, .base = base, .sheet = f->sheet, .d = rd->d, .a = rd->a};
    long idx = xlsx_sheet_find(b, f->sheet);
    if (idx < 0) {
        diag_error(rd->d, path, 0, 0, "not a claim form of kasan: no sheet '%s'", f->sheet);
        rd->errors++;
        *form_nursery = -1;
        return;
    }
    xlsx_sheet sh;
    char err[512];
    if (xlsx_sheet_read(b, (size_t)idx, rd->a, &sh, err, sizeof err) != 0) {
        diag_error(rd->d, path, 0, 0, "sheet %s: %s", f->sheet, err);
        rd->errors++;
        *form_nursery = -1;
        return;
    }
    r.width = forms_width(f);
    r.cols = r.width > 6 ? r.width : 6; /* row 2 spans A-F */
    grid_fill(&r, &sh);
    int32_t pos = identity(&r, f, rd->m, rd->reg);
    if (*form_nursery == -2)
        *form_nursery = pos;
    else if (pos >= 0 && *form_nursery >= 0 && pos != *form_nursery)
        bad(&r, FORMS_ID_ROW, 2, "names %s, but the form's other sheet names %s",
            rd->reg->v[pos].id, rd->reg->v[*form_nursery].id);
    int emp = -1, hours = -1;
    for (size_t k = 0; k < f->n_cols; k++) {
        if (!strcmp(f->cols[k].csv, "employment"))
            emp = (int)k;
        if (!strcmp(f->cols[k].csv, "hours"))
            hours = (int)k;
    }
    for (uint32_t row = FORMS_FIRST_ROW; pos >= 0 && row <= FORMS_LAST_ROW; row++) {
        bool any = false;
        for (uint32_t c = 1; c <= r.cols && !any; c++) {
            char t[8];
            any = *trimmed(at(&r, row, c), t, sizeof t) != '\0';
        }
        if (!any)
            continue;
        forms_line l = {.nursery_id = rd->reg->v[pos].id, .file = path, .row = row};
        l.values = arena_calloc(rd->a, f->n_cols, sizeof *l.values);
        int before = r.errors;
        for (size_t k = 0; k < f->n_cols; k++)
            l.values[k] = cell_value(&r, &f->cols[k], row, forms_first_col(f, k));
        /* SPEC 1.5: part_time without hours is malformed */
        if (emp >= 0 && hours >= 0 && l.values[emp] && l.values[hours] &&
            !strcmp(l.values[emp], "part_time") && !*l.values[hours])
            bad(&r, row, forms_first_col(f, (size_t)hours),
                "%s is empty, but 非常勤 (part_time) needs the hours worked",
                f->cols[hours].label);
        if (r.errors == before) {
            l.form = arena_printf(rd->a, "%s:%s!%u", base, f->sheet, row);
            push_line(rd, fid, l);
        }
    }
    rd->errors += r.errors;
}

static void read_form(reader *rd, const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    xlsx_book *b;
    char err[512];
    if (xlsx_open_file(path, NULL, &b, err, sizeof err) != 0) {
        diag_error(rd->d, path, 0, 0, "%s", err);
        rd->errors++;
        return;
    }
    int32_t pos = -2;
    for (int f = 0; f < SCHEMA_FILES; f++)
        read_sheet(rd, b, path, base, (schema_file_id)f, &pos);
    xlsx_close(b);
    if (pos < 0)
        return;
    const char *id = rd->reg->v[pos].id;
    for (size_t i = 0; i < rd->n_seen; i++)
        if (!strcmp(rd->seen[i].id, id)) {
            char where[1024];
            snprintf(where, sizeof where, "%s:%s!B%d", path, rd->s->files[0].sheet, FORMS_ID_ROW);
            diag_error(rd->d, where, 0, 0, "nursery %s again: its form was already read from %s",
                       id, rd->seen[i].path);
            rd->errors++;
            return;
        }
    rd->seen[rd->n_seen++] = (seen){id, path};
}

static int line_cmp(const void *pa, const void *pb)
{
    const forms_line *a = pa, *b = pb;
    int c = strcmp(a->nursery_id, b->nursery_id);
    if (c)
        return c;
    return a->row < b->row ? -1 : a->row > b->row;
}

int forms_read(const claim_schema *s, claim_month m, const registry *reg,
               const char *const *paths, size_t n, arena *a, forms_result *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    reader rd = {.s = s, .m = m, .reg = reg, .a = a, .d = d};
    rd.seen = arena_calloc(a, n ? n : 1, sizeof *rd.seen);
    for (size_t i = 0; i < n; i++)
        read_form(&rd, paths[i]);
    for (int f = 0; f < SCHEMA_FILES; f++) {
        if (rd.errors == 0 && rd.n[f]) {
            /* one nursery per form, so (nursery, row) orders every line */
            qsort(rd.v[f], rd.n[f], sizeof *rd.v[f], line_cmp);
            out->lines[f] = arena_calloc(a, rd.n[f], sizeof *out->lines[f]);
            memcpy(out->lines[f], rd.v[f], rd.n[f] * sizeof *rd.v[f]);
            out->n[f] = rd.n[f];
        }
        free(rd.v[f]);
    }
    return rd.errors ? -1 : 0;
}

/* ------------------------------------------------------------ CSV */

static void csv_cell(strbuf *sb, const char *v)
{
    if (!strpbrk(v, ",\"\n\r")) {
        sb_adds(sb, v);
        return;
    }
    sb_addc(sb, '"');
    for (; *v; v++) {
        if (*v == '"')
            sb_addc(sb, '"');
        sb_addc(sb, *v);
    }
    sb_addc(sb, '"');
}

void forms_csv(const claim_schema *s, schema_file_id f, const forms_result *r, strbuf *out)
{
    const schema_file *sf = &s->files[f];
    sb_adds(out, "nursery_id");
    for (size_t k = 0; k < sf->n_cols; k++) {
        sb_addc(out, ',');
        sb_adds(out, sf->cols[k].csv);
    }
    sb_adds(out, ",form\n");
    for (size_t i = 0; i < r->n[f]; i++) {
        const forms_line *l = &r->lines[f][i];
        csv_cell(out, l->nursery_id);
        for (size_t k = 0; k < sf->n_cols; k++) {
            sb_addc(out, ',');
            csv_cell(out, l->values[k]);
        }
        sb_addc(out, ',');
        csv_cell(out, l->form);
        sb_addc(out, '\n');
    }
}
