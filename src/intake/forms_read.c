/* forms_read: filled claim forms (include/kasan/forms.h) back into claim
 * lines — every cell checked against the schema (codes by code or Japanese
 * name, dates as serials of the workbook's date system or as text, numbers
 * as numbers or text, a comma only between thousands of yen, ticks from the
 * one set forms.h lists, a formula only by its saved result), the checks the
 * claim files make across a line (在籍終了日 not before 在籍開始日, a care type
 * ticked) in the form's terms, the locked identity cells against the
 * registry (the nursery most of them name; a cell that disagrees is the one
 * changed) and the header cells against the month, and each nursery read
 * once.  Every problem is reported as FORM:SHEET!CELL.
 * Not here: opening zips or XML (xlsx_read.c), writing files (cli/intake.c). */
#include "kasan/forms.h"

#include <assert.h>
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
    bool date1904;          /* the workbook's date serials count from 1904 */
    diag_list *d;
    arena *a;
    int errors;
} sheet_rd;

/* What a formula saved without its result is told (xlsx.h XLSX_FORMULA):
 * kasan does not evaluate formulas, and an empty or guessed value would pay
 * the wrong amount. */
#define UNSAVED_FORMULA                                                                       \
    "is a formula saved without its result (計算式の結果が保存されていません: 値を入力してください)"

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

/* Whether the commas of s stand between thousands: 1-3 digits, then groups
 * of exactly three, each after a comma, up to a '.' or the end ("381,000",
 * "1,234,567.5"; not "38,1000", "68,25" or ",500"). */
static bool thousands(const char *s)
{
    size_t lead = 0;
    while (s[lead] >= '0' && s[lead] <= '9')
        lead++;
    if (lead < 1 || lead > 3 || s[lead] != ',')
        return false;
    s += lead;
    while (*s == ',') {
        for (int i = 1; i <= 3; i++)
            if (s[i] < '0' || s[i] > '9')
                return false;
        s += 4;
    }
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++)
            ;
    return !*s;
}

/* "92.5", "4.5E+1", "386,000" → an exact decimal; false if not a number
 * (a sign is refused: every amount and count of a claim is >= 0).  A comma
 * only with `grouped` and only between thousands (thousands()): read
 * anywhere else, '68,25' hours became 6,825. */
static bool decimal(const char *s, bool grouped, num *out)
{
    char buf[64];
    size_t k = 0;
    const char *p = s;
    if (strchr(s, ',') && (!grouped || !thousands(s)))
        return false;
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

/* A date: a serial of the workbook's date system (number cell) or text
 * 2025-05-01, 2025/5/1 or 2025年5月1日. */
static bool date_value(const xlsx_cell *c, const char *text, bool date1904, date_t *out)
{
    if (c->kind == XLSX_NUMBER)
        return xlsx_serial_date(text, date1904, out);
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

/* A tick (forms.h: one set for the code sets' columns and the はい/いいえ
 * columns alike). */
typedef enum tick { TICK_NO, TICK_YES, TICK_AMBIGUOUS, TICK_UNKNOWN } tick;

static bool among(const char *t, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(t, v[i]))
            return true;
    return false;
}

static tick tick_of(const char *t)
{
    static const char *const yes[] = {"○", "〇", "◯", "●", "◎", "✓", "✔", "☑", "レ", "ﾚ",
                                      "はい", "有", "1", "TRUE", "true"};
    static const char *const no[] = {"", "×", "✕", "いいえ", "無", "0", "FALSE", "false"};
    /* a tick in some hands, × (no) in others: neither is guessed */
    static const char *const either[] = {"x", "X", "ｘ", "Ｘ", "✗", "✘", "☒"};
    if (among(t, yes, sizeof yes / sizeof *yes))
        return TICK_YES;
    if (among(t, no, sizeof no / sizeof *no))
        return TICK_NO;
    return among(t, either, sizeof either / sizeof *either) ? TICK_AMBIGUOUS : TICK_UNKNOWN;
}

#define TICK_AMBIGUOUS_WHY                                                                     \
    "is a tick to some and × (no) to others: mark with ○, or leave the cell empty for no"

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

/* One ○ column per code: the ticked codes joined by ';' in list order; a
 * required set (care types) needs one ticked. */
static const char *v_code_set(sheet_rd *r, const schema_column *col, uint32_t row, uint32_t c0)
{
    char t[64], sh[64];
    strbuf sb;
    sb_init(&sb);
    bool ok = true;
    for (size_t i = 0; i < col->n_codes; i++) {
        const xlsx_cell *c = at(r, row, c0 + (uint32_t)i);
        trimmed(c, t, sizeof t);
        bool unsaved = c && c->kind == XLSX_FORMULA;
        tick k = unsaved ? TICK_UNKNOWN : tick_of(t);
        if (k == TICK_YES) {
            if (sb.len)
                sb_addc(&sb, ';');
            sb_adds(&sb, col->codes[i].code);
        } else if (k != TICK_NO) {
            bad(r, row, c0 + (uint32_t)i, "%s: %s %s", col->codes[i].name, shown(t, sh),
                unsaved                ? UNSAVED_FORMULA
                : k == TICK_AMBIGUOUS ? TICK_AMBIGUOUS_WHY
                                      : "is not a mark (choose ○ or leave empty)");
            ok = false;
        }
    }
    if (ok && !sb.len && col->required) {
        bad(r, row, c0, "%s: none ticked (tick at least one with ○)", col->label);
        ok = false;
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
    if (!date_value(v->c, v->t, v->r->date1904, &dt))
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
    if (!decimal(a, yen, &x))
        return refuse(v, !strchr(a, ',') ? "is not a number >= 0"
                         : yen ? "has a comma out of place (commas only between thousands: "
                                 "381,000)"
                               : "has a comma: decimals are written with a point (68.25), and "
                                 "only yen may group thousands");
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
    if (!decimal(a, false, &x) || !num_is_int(x) || x.n > 31)
        return refuse(v, "is not a number of days (0-31)");
    return arena_printf(v->r->a, "%lld", (long long)x.n);
}

static const char *v_bool(const cellv *v)
{
    switch (tick_of(v->t)) {
    case TICK_YES: return "true";
    case TICK_NO: return "false";
    case TICK_AMBIGUOUS: return refuse(v, TICK_AMBIGUOUS_WHY);
    case TICK_UNKNOWN: break;
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
    if (v.c->kind == XLSX_FORMULA)
        return refuse(&v, UNSAVED_FORMULA);
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

/* Row 2's labels and month and the column headers of one claim sheet. */
static void headers(sheet_rd *r, const schema_file *f, claim_month m)
{
    char t[256], sh[64], mon[8];
    label_is(r, FORMS_ID_ROW, 3, "請求月", true);
    label_is(r, FORMS_ID_ROW, 5, "施設名", true);
    month_format(m, mon);
    const xlsx_cell *mc = at(r, FORMS_ID_ROW, 4);
    trimmed(mc, t, sizeof t);
    if (mc && mc->kind == XLSX_FORMULA)
        bad(r, FORMS_ID_ROW, 4, "請求月: %s " UNSAVED_FORMULA, shown(t, sh));
    else if (strcmp(t, mon))
        bad(r, FORMS_ID_ROW, 4, "the form is for %s, not %s", shown(t, sh), mon);
    for (size_t k = 0; k < f->n_cols; k++) {
        const schema_column *c = &f->cols[k];
        uint32_t c0 = forms_first_col(f, k);
        label_is(r, FORMS_HEAD_ROW, c0, c->label, true);
        if (c->type == SCHEMA_CODE_SET)
            for (size_t i = 0; i < c->n_codes; i++)
                label_is(r, FORMS_HEAD_ROW + 1, c0 + (uint32_t)i, c->codes[i].name, true);
    }
}

/* The first nursery of the registry named exactly `name`, or -1. */
static int32_t registry_named(const registry *reg, const char *name)
{
    for (size_t i = 0; *name && i < reg->n; i++)
        if (reg->v[i].name && !strcmp(reg->v[i].name, name))
            return (int32_t)i;
    return -1;
}

/* The nursery a form is for.  Its locked identity cells — 施設番号 (B2) and
 * 施設名 (F2) of each claim sheet — each name a registry nursery or none; the
 * form is the nursery's that most of them name (a tie goes to the first
 * sheet's 施設番号), and a cell that names another is the one that was
 * changed, reported as such: a changed 児童!B2 is blamed, not the untouched
 * cells around it, nor the form of the nursery it now names.  Returns the
 * registry position, or -1 after reporting when no cell names a nursery. */
static int32_t form_nursery(sheet_rd *const *sh, size_t n, const registry *reg)
{
    char id[SCHEMA_FILES][256], name[SCHEMA_FILES][512], show[64];
    int32_t cand[2 * SCHEMA_FILES];
    size_t n_cand = 0;
    assert(n <= SCHEMA_FILES);
    for (size_t k = 0; k < n; k++) {
        trimmed(at(sh[k], FORMS_ID_ROW, 2), id[k], sizeof id[k]);
        trimmed(at(sh[k], FORMS_ID_ROW, 6), name[k], sizeof name[k]);
        cand[n_cand++] = registry_find(reg, id[k], strlen(id[k]));
    }
    for (size_t k = 0; k < n; k++)
        cand[n_cand++] = registry_named(reg, name[k]);
    int32_t best = -1;
    int best_votes = 0;
    for (size_t c = 0; c < n_cand; c++) {
        if (cand[c] < 0)
            continue;
        const nursery *nu = &reg->v[cand[c]];
        int votes = 0;
        for (size_t k = 0; k < n; k++)
            votes += !strcmp(id[k], nu->id) + !strcmp(name[k], nu->name ? nu->name : "");
        if (votes > best_votes)
            best = cand[c], best_votes = votes;
    }
    const char *bid = best >= 0 ? reg->v[best].id : "";
    const char *bname = best >= 0 && reg->v[best].name ? reg->v[best].name : "";
    for (size_t k = 0; k < n; k++) {
        const xlsx_cell *c = at(sh[k], FORMS_ID_ROW, 2);
        if (best >= 0 && !strcmp(id[k], bid))
            continue;
        if (c && c->kind == XLSX_FORMULA)
            bad(sh[k], FORMS_ID_ROW, 2, "施設番号: %s " UNSAVED_FORMULA, shown(id[k], show));
        else if (best < 0)
            bad(sh[k], FORMS_ID_ROW, 2, "nursery %s is not in the registry", shown(id[k], show));
        else if (registry_find(reg, id[k], strlen(id[k])) < 0)
            bad(sh[k], FORMS_ID_ROW, 2, "nursery %s is not in the registry (locked cell changed: "
                "this form is %s's, %s)", shown(id[k], show), bid, bname);
        else
            bad(sh[k], FORMS_ID_ROW, 2, "locked cell changed: this form is %s's (%s), not %s",
                bid, bname, shown(id[k], show));
    }
    for (size_t k = 0; best >= 0 && k < n; k++)
        if (strcmp(name[k], bname))
            bad(sh[k], FORMS_ID_ROW, 6, "locked cell changed: the registry names %s '%s', not %s",
                bid, bname, shown(name[k], show));
    return best;
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

/* Claim sheet fid of the form into r (its cells in rd's arena); false after
 * reporting when the workbook has no such sheet or it cannot be read. */
static bool load_sheet(reader *rd, xlsx_book *b, const char *path, const char *base,
                       schema_file_id fid, sheet_rd *r)
{
    const schema_file *f = &rd->s->files[fid];
    *r = (sheet_rd){.path = path, .base = base, .sheet = f->sheet, .d = rd->d, .a = rd->a};
    long idx = xlsx_sheet_find(b, f->sheet);
    if (idx < 0) {
        diag_error(rd->d, path, 0, 0, "not a claim form of kasan: no sheet '%s'", f->sheet);
        rd->errors++;
        return false;
    }
    xlsx_sheet sh;
    char err[512];
    if (xlsx_sheet_read(b, (size_t)idx, rd->a, &sh, err, sizeof err) != 0) {
        diag_error(rd->d, path, 0, 0, "sheet %s: %s", f->sheet, err);
        rd->errors++;
        return false;
    }
    r->width = forms_width(f);
    r->cols = r->width > 6 ? r->width : 6; /* row 2 spans A-F */
    r->date1904 = sh.date1904;
    grid_fill(r, &sh);
    return true;
}

static int column_of(const schema_file *f, const char *csv)
{
    for (size_t k = 0; k < f->n_cols; k++)
        if (!strcmp(f->cols[k].csv, csv))
            return (int)k;
    return -1;
}

/* What the claim files check across one line (SPEC 1.5 and intake/claims.c),
 * checked here in the form's terms so that every refusal names its cell:
 * part_time without hours, 在籍終了日 before 在籍開始日. */
static void line_checks(sheet_rd *r, const schema_file *f, const forms_line *l)
{
    int emp = column_of(f, "employment"), hours = column_of(f, "hours");
    int from = column_of(f, "enrolled_from"), to = column_of(f, "enrolled_to");
    if (emp >= 0 && hours >= 0 && l->values[emp] && l->values[hours] &&
        !strcmp(l->values[emp], "part_time") && !*l->values[hours])
        bad(r, l->row, forms_first_col(f, (size_t)hours),
            "%s is empty, but 非常勤 (part_time) needs the hours worked", f->cols[hours].label);
    /* both ISO dates (or an empty enrolled_to: still enrolled), so the text order is the date
     * order */
    if (from >= 0 && to >= 0 && l->values[from] && l->values[to] && *l->values[to] &&
        strcmp(l->values[to], l->values[from]) < 0)
        bad(r, l->row, forms_first_col(f, (size_t)to), "%s: %s is before %s (%s)",
            f->cols[to].label, l->values[to], f->cols[from].label, l->values[from]);
}

/* The lines of claim sheet fid, as nursery pos's. */
static void read_lines(reader *rd, sheet_rd *r, schema_file_id fid, int32_t pos)
{
    const schema_file *f = &rd->s->files[fid];
    for (uint32_t row = FORMS_FIRST_ROW; row <= FORMS_LAST_ROW; row++) {
        bool any = false;
        for (uint32_t c = 1; c <= r->cols && !any; c++) {
            char t[8];
            any = *trimmed(at(r, row, c), t, sizeof t) != '\0';
        }
        if (!any)
            continue;
        forms_line l = {.nursery_id = rd->reg->v[pos].id, .file = r->path, .row = row};
        l.values = arena_calloc(rd->a, f->n_cols, sizeof *l.values);
        int before = r->errors;
        for (size_t k = 0; k < f->n_cols; k++)
            l.values[k] = cell_value(r, &f->cols[k], row, forms_first_col(f, k));
        line_checks(r, f, &l);
        if (r->errors == before) {
            l.form = arena_printf(rd->a, "%s:%s!%u", r->base, f->sheet, row);
            push_line(rd, fid, l);
        }
    }
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
    sheet_rd sh[SCHEMA_FILES], *forms[SCHEMA_FILES];
    size_t n = 0;
    for (int f = 0; f < SCHEMA_FILES; f++) {
        if (!load_sheet(rd, b, path, base, (schema_file_id)f, &sh[f]))
            continue;
        if (label_is(&sh[f], FORMS_ID_ROW, 1, "施設番号", false))
            forms[n++] = &sh[f];
        else
            bad(&sh[f], FORMS_ID_ROW, 1, "not a claim form of kasan (no 施設番号 here)");
    }
    xlsx_close(b); /* the cells are in rd->a */
    int32_t pos = n ? form_nursery(forms, n, rd->reg) : -1;
    for (size_t k = 0; k < n; k++) {
        schema_file_id fid = (schema_file_id)(forms[k] - sh);
        headers(forms[k], &rd->s->files[fid], rd->m);
        if (pos >= 0)
            read_lines(rd, forms[k], fid, pos);
    }
    for (int f = 0; f < SCHEMA_FILES; f++)
        rd->errors += sh[f].errors;
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

static int id_cmp(const void *pa, const void *pb)
{
    return strcmp(*(const char *const *)pa, *(const char *const *)pb);
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
    if (rd.errors == 0 && rd.n_seen) {
        out->nurseries = arena_calloc(a, rd.n_seen, sizeof *out->nurseries);
        for (size_t i = 0; i < rd.n_seen; i++)
            out->nurseries[i] = rd.seen[i].id;
        qsort(out->nurseries, rd.n_seen, sizeof *out->nurseries, id_cmp);
        out->n_nurseries = rd.n_seen;
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
