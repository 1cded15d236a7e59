/* xlsx_read: the cells of an .xlsx workbook, read with libzip and expat, with
 * every size bounded (include/kasan/xlsx.h lists the limits).  Entries are
 * streamed through expat in 16 KB pieces, so memory follows the cells kept,
 * not the file; a DOCTYPE stops the parse before any entity exists.  A
 * formula is its saved result; one saved without a result is kept as such
 * (XLSX_FORMULA), never as an empty cell.  The workbook's date system (1900
 * or 1904) goes with each sheet read.
 * Not here: unzip or XML parsing of our own, evaluating formulas, styles,
 * what a claim form means. */
#include "kasan/xlsx.h"

#include <errno.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zip.h>

#include "kasan/strbuf.h"

const xlsx_limits XLSX_DEFAULT_LIMITS = {
    .max_file = (size_t)16 << 20,
    .max_entry = (size_t)32 << 20,
    .max_total = (size_t)64 << 20,
    .max_ratio = 100,
    .max_rows = 65536,
    .max_cells = 200000,
    .max_depth = 64,
};

#define XLSX_MAX_SHEETS 256
#define XLSX_MAX_TEXT ((size_t)1 << 16) /* bytes of one string (Excel: 32,767 chars) */
#define XLSX_MAX_COL 16384u             /* XFD */
#define XLSX_RATIO_FLOOR ((size_t)1 << 20)

struct xlsx_book {
    xlsx_limits lim;
    char *data;
    size_t len;
    zip_t *za;
    size_t total;              /* uncompressed bytes read so far */
    arena a;                   /* names, paths, shared strings */
    const char **names, **paths;
    size_t n_sheets;
    const char *sst_path;      /* NULL = none */
    const char **sst;
    size_t n_sst;
    bool sst_loaded;
    bool date1904;             /* <workbookPr date1904="1">: serials count from 1904 */
};

/* ------------------------------------------------------------ messages */

static void say(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *err, size_t errsz, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
}

/* ------------------------------------------------------------ XML plumbing */

/* What every handler context starts with. */
typedef struct xp {
    xlsx_book *b;
    XML_Parser p;
    int depth;
    bool failed;
    char *err;
    size_t errsz;
    const char *entry;
} xp;

static void xp_fail(xp *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void xp_fail(xp *x, const char *fmt, ...)
{
    if (x->failed)
        return;
    x->failed = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->err, x->errsz, fmt, ap);
    va_end(ap);
    XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sys,
                               const XML_Char *pub, int has_internal)
{
    xp *x = ud;
    xp_fail(x, "%s: has a DOCTYPE declaration (refused: no entities are read)", x->entry);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int len, const XML_Char *base, const XML_Char *sys,
                              const XML_Char *pub, const XML_Char *notation)
{
    xp *x = ud;
    xp_fail(x, "%s: declares an entity (refused)", x->entry);
}

/* Depth bookkeeping shared by every start/end handler; false = stop. */
static bool xp_enter(xp *x)
{
    if (x->failed)
        return false;
    if (++x->depth > x->b->lim.max_depth) {
        xp_fail(x, "%s: XML nested deeper than %d elements (refused)", x->entry,
                x->b->lim.max_depth);
        return false;
    }
    return true;
}

/* "x:row" → "row". */
static const char *local(const char *qname)
{
    const char *c = strrchr(qname, ':');
    return c ? c + 1 : qname;
}

static const char *attr(const XML_Char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2)
        if (!strcmp(local(atts[i]), name))
            return atts[i + 1];
    return NULL;
}

static int entry_index(xlsx_book *b, const char *name)
{
    zip_int64_t i = zip_name_locate(b->za, name, 0);
    return i < 0 || i > INT32_MAX ? -1 : (int)i;
}

/* Opens entry `name` after checking its declared sizes against the limits;
 * its compressed size in *comp.  NULL after saying why. */
static zip_file_t *entry_open(xp *x, const char *name, size_t *comp)
{
    xlsx_book *b = x->b;
    const xlsx_limits *L = &b->lim;
    int idx = entry_index(b, name);
    if (idx < 0) {
        say(x->err, x->errsz, "not an xlsx workbook: no %s inside", name);
        return NULL;
    }
    zip_stat_t zs;
    zip_stat_init(&zs);
    if (zip_stat_index(b->za, (zip_uint64_t)idx, 0, &zs) != 0) {
        say(x->err, x->errsz, "%s: unreadable zip entry", name);
        return NULL;
    }
    *comp = (zs.valid & ZIP_STAT_COMP_SIZE) ? (size_t)zs.comp_size : 0;
    size_t size = (zs.valid & ZIP_STAT_SIZE) ? (size_t)zs.size : 0;
    if (size > L->max_entry) {
        say(x->err, x->errsz, "%s: %zu bytes uncompressed, more than the %zu allowed (refused)",
            name, size, L->max_entry);
        return NULL;
    }
    if (size > XLSX_RATIO_FLOOR && size / (*comp ? *comp : 1) > L->max_ratio) {
        say(x->err, x->errsz,
            "%s: inflates %zu bytes to %zu, more than %zu times (a zip bomb? refused)", name,
            *comp, size, L->max_ratio);
        return NULL;
    }
    zip_file_t *zf = zip_fopen_index(b->za, (zip_uint64_t)idx, 0);
    if (!zf)
        say(x->err, x->errsz, "%s: cannot read the zip entry (%s)", name, zip_strerror(b->za));
    return zf;
}

/* Feeds the entry to the parser 16 KB at a time, counting what it really
 * inflates to (the declared sizes may lie).  0 or -1 after saying why. */
static int entry_stream(xp *x, zip_file_t *zf, size_t comp)
{
    xlsx_book *b = x->b;
    const xlsx_limits *L = &b->lim;
    char buf[16384];
    size_t read = 0;
    for (;;) {
        zip_int64_t n = zip_fread(zf, buf, sizeof buf);
        if (n < 0) {
            say(x->err, x->errsz, "%s: damaged zip entry (%s)", x->entry, zip_file_strerror(zf));
            return -1;
        }
        read += (size_t)n;
        b->total += (size_t)n;
        if (read > L->max_entry || b->total > L->max_total ||
            (read > XLSX_RATIO_FLOOR && read / (comp ? comp : 1) > L->max_ratio)) {
            say(x->err, x->errsz,
                "%s: inflates beyond the limits (%zu bytes from %zu compressed; a zip bomb? "
                "refused)",
                x->entry, read, comp);
            return -1;
        }
        if (XML_Parse(x->p, buf, (int)n, n == 0) != XML_STATUS_OK) {
            if (!x->failed)
                say(x->err, x->errsz, "%s:%lu:%lu: not well-formed XML (%s)", x->entry,
                    (unsigned long)XML_GetCurrentLineNumber(x->p),
                    (unsigned long)XML_GetCurrentColumnNumber(x->p) + 1,
                    XML_ErrorString(XML_GetErrorCode(x->p)));
            return -1;
        }
        if (x->failed)
            return -1;
        if (n == 0)
            return 0;
    }
}

/* Streams entry `name` through a parser with these handlers (user data x).
 * No DOCTYPE, so no entity, is ever accepted. */
static int xp_run(xp *x, const char *name, XML_StartElementHandler st, XML_EndElementHandler en,
                  XML_CharacterDataHandler chars)
{
    x->entry = name;
    size_t comp = 0;
    zip_file_t *zf = entry_open(x, name, &comp);
    if (!zf)
        return -1;
    x->p = XML_ParserCreate("UTF-8");
    if (!x->p)
        abort();
    XML_SetUserData(x->p, x);
    XML_SetElementHandler(x->p, st, en);
    XML_SetCharacterDataHandler(x->p, chars);
    XML_SetStartDoctypeDeclHandler(x->p, on_doctype);
    XML_SetEntityDeclHandler(x->p, on_entity);
    XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
    int rc = entry_stream(x, zf, comp);
    XML_ParserFree(x->p);
    x->p = NULL;
    zip_fclose(zf);
    return rc;
}

/* A bounded text accumulator for <t> and <v>. */
typedef struct text_acc {
    strbuf sb;
    bool on;
} text_acc;

static void acc_chars(xp *x, text_acc *t, const XML_Char *s, int len)
{
    if (!t->on || x->failed)
        return;
    if (t->sb.len + (size_t)len > XLSX_MAX_TEXT) {
        xp_fail(x, "%s: a string longer than %zu bytes (refused)", x->entry, XLSX_MAX_TEXT);
        return;
    }
    sb_add(&t->sb, s, (size_t)len);
}

/* ------------------------------------------------------------ workbook + rels */

typedef struct wb_ctx {
    xp x;
    const char **names, **rids;
    size_t n;
    bool date1904;
} wb_ctx;

/* An xsd:boolean attribute: "1" or "true". */
static bool attr_true(const XML_Char **atts, const char *name)
{
    const char *v = attr(atts, name);
    return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

static void XMLCALL wb_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    wb_ctx *c = ud;
    if (!xp_enter(&c->x))
        return;
    if (!strcmp(local(el), "workbookPr"))
        c->date1904 = attr_true(atts, "date1904");
    if (strcmp(local(el), "sheet"))
        return;
    const char *name = attr(atts, "name"), *rid = attr(atts, "id");
    if (!name || !rid) {
        xp_fail(&c->x, "%s: a <sheet> without name or r:id", c->x.entry);
        return;
    }
    if (c->n == XLSX_MAX_SHEETS) {
        xp_fail(&c->x, "%s: more than %d sheets (refused)", c->x.entry, XLSX_MAX_SHEETS);
        return;
    }
    c->names[c->n] = arena_strdup(&c->x.b->a, name);
    c->rids[c->n++] = arena_strdup(&c->x.b->a, rid);
}

static void XMLCALL any_end(void *ud, const XML_Char *el)
{
    ((xp *)ud)->depth--;
}

typedef struct rel_ctx {
    xp x;
    const char **ids, **targets;
    bool *is_sst;
    size_t n;
} rel_ctx;

static void XMLCALL rel_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    rel_ctx *c = ud;
    if (!xp_enter(&c->x) || strcmp(local(el), "Relationship"))
        return;
    const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type");
    if (!id || !target || c->n == XLSX_MAX_SHEETS * 2)
        return;
    size_t tl = type ? strlen(type) : 0;
    c->is_sst[c->n] = tl >= 14 && !strcmp(type + tl - 14, "/sharedStrings");
    c->ids[c->n] = arena_strdup(&c->x.b->a, id);
    c->targets[c->n++] = arena_strdup(&c->x.b->a, target);
}

/* A relationship target of xl/workbook.xml as a zip entry name. */
static const char *entry_path(xlsx_book *b, const char *target)
{
    if (target[0] == '/')
        return arena_strdup(&b->a, target + 1);
    return arena_printf(&b->a, "xl/%s", target);
}

static int book_index(xlsx_book *b, char *err, size_t errsz)
{
    wb_ctx w = {.x = {.b = b, .err = err, .errsz = errsz}};
    w.names = arena_calloc(&b->a, XLSX_MAX_SHEETS, sizeof *w.names);
    w.rids = arena_calloc(&b->a, XLSX_MAX_SHEETS, sizeof *w.rids);
    if (xp_run(&w.x, "xl/workbook.xml", wb_start, any_end, NULL) != 0)
        return -1;
    rel_ctx r = {.x = {.b = b, .err = err, .errsz = errsz}};
    r.ids = arena_calloc(&b->a, XLSX_MAX_SHEETS * 2, sizeof *r.ids);
    r.targets = arena_calloc(&b->a, XLSX_MAX_SHEETS * 2, sizeof *r.targets);
    r.is_sst = arena_calloc(&b->a, XLSX_MAX_SHEETS * 2, sizeof *r.is_sst);
    if (xp_run(&r.x, "xl/_rels/workbook.xml.rels", rel_start, any_end, NULL) != 0)
        return -1;
    b->names = w.names;
    b->n_sheets = w.n;
    b->date1904 = w.date1904;
    b->paths = arena_calloc(&b->a, w.n ? w.n : 1, sizeof *b->paths);
    for (size_t i = 0; i < w.n; i++) {
        for (size_t k = 0; k < r.n && !b->paths[i]; k++)
            if (!strcmp(r.ids[k], w.rids[i]))
                b->paths[i] = entry_path(b, r.targets[k]);
        if (!b->paths[i]) {
            say(err, errsz, "xl/workbook.xml: sheet '%s' has no relationship '%s'", w.names[i],
                w.rids[i]);
            return -1;
        }
    }
    for (size_t k = 0; k < r.n; k++)
        if (r.is_sst[k])
            b->sst_path = entry_path(b, r.targets[k]);
    if (!b->sst_path && entry_index(b, "xl/sharedStrings.xml") >= 0)
        b->sst_path = "xl/sharedStrings.xml";
    return 0;
}

/* ------------------------------------------------------------ shared strings */

typedef struct sst_ctx {
    xp x;
    text_acc t;
    int in_si, in_rph;
    const char **v;
    size_t n, cap;
} sst_ctx;

static void XMLCALL sst_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    sst_ctx *c = ud;
    if (!xp_enter(&c->x))
        return;
    const char *l = local(el);
    if (!strcmp(l, "si")) {
        c->in_si = 1;
        sb_reset(&c->t.sb);
    } else if (!strcmp(l, "rPh")) {
        c->in_rph++; /* phonetic reading (ふりがな): not part of the value */
    } else if (!strcmp(l, "t")) {
        c->t.on = c->in_si && !c->in_rph;
    }
}

static void XMLCALL sst_end(void *ud, const XML_Char *el)
{
    sst_ctx *c = ud;
    c->x.depth--;
    if (c->x.failed)
        return;
    const char *l = local(el);
    if (!strcmp(l, "t")) {
        c->t.on = false;
    } else if (!strcmp(l, "rPh")) {
        c->in_rph--;
    } else if (!strcmp(l, "si") && c->in_si) {
        c->in_si = 0;
        if (c->n >= c->x.b->lim.max_cells) {
            xp_fail(&c->x, "%s: more than %zu shared strings (refused)", c->x.entry,
                    c->x.b->lim.max_cells);
            return;
        }
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 256;
            c->v = realloc(c->v, c->cap * sizeof *c->v);
            if (!c->v)
                abort();
        }
        c->v[c->n++] = arena_strndup(&c->x.b->a, c->t.sb.buf, c->t.sb.len);
    }
}

static void XMLCALL sst_chars(void *ud, const XML_Char *s, int len)
{
    sst_ctx *c = ud;
    acc_chars(&c->x, &c->t, s, len);
}

static int sst_load(xlsx_book *b, char *err, size_t errsz)
{
    if (b->sst_loaded || !b->sst_path)
        return 0;
    sst_ctx c = {.x = {.b = b, .err = err, .errsz = errsz}};
    sb_init(&c.t.sb);
    int rc = xp_run(&c.x, b->sst_path, sst_start, sst_end, sst_chars);
    if (rc == 0) {
        b->sst = arena_calloc(&b->a, c.n ? c.n : 1, sizeof *b->sst);
        if (c.n)
            memcpy(b->sst, c.v, c.n * sizeof *c.v);
        b->n_sst = c.n;
        b->sst_loaded = true;
    }
    free(c.v);
    sb_release(&c.t.sb);
    return rc;
}

/* ------------------------------------------------------------ sheets */

typedef struct sheet_ctx {
    xp x;
    arena *out;
    text_acc t;
    text_acc f;            /* the cell's formula (<f>), for a cell saved without its result */
    uint32_t row, col;     /* current row; column of the last cell */
    bool in_cell, in_v, in_is, has_value, has_formula;
    int in_rph;
    char type[12];
    xlsx_cell cur;
    xlsx_cell *v;
    size_t n, cap;
    bool protected_;
} sheet_ctx;

/* "B7" → (7, 2); false if malformed. */
static bool parse_ref(const char *s, uint32_t *row, uint32_t *col)
{
    uint32_t c = 0, r = 0;
    const char *p = s;
    while (*p >= 'A' && *p <= 'Z' && c <= XLSX_MAX_COL)
        c = c * 26 + (uint32_t)(*p++ - 'A' + 1);
    if (p == s || c > XLSX_MAX_COL)
        return false;
    const char *d = p;
    while (*p >= '0' && *p <= '9' && r <= 1048576)
        r = r * 10 + (uint32_t)(*p++ - '0');
    if (p == d || *p || r == 0 || r > 1048576)
        return false;
    *row = r;
    *col = c;
    return true;
}

static bool parse_row_no(const char *s, uint32_t *out)
{
    uint32_t r = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || r > 1048576)
            return false;
        r = r * 10 + (uint32_t)(*s - '0');
    }
    if (r == 0 || r > 1048576)
        return false;
    *out = r;
    return true;
}

static bool row_ok(sheet_ctx *c, uint32_t r)
{
    if (r > c->x.b->lim.max_rows) {
        xp_fail(&c->x, "%s: row %u is beyond the %u rows a form may have (refused)", c->x.entry,
                r, c->x.b->lim.max_rows);
        return false;
    }
    return true;
}

static void cell_start(sheet_ctx *c, const XML_Char **atts)
{
    const char *r = attr(atts, "r"), *t = attr(atts, "t");
    uint32_t row = c->row ? c->row : 1, col = c->col + 1;
    if (r && !parse_ref(r, &row, &col)) {
        xp_fail(&c->x, "%s: bad cell reference '%.20s'", c->x.entry, r);
        return;
    }
    if (col > XLSX_MAX_COL || !row_ok(c, row))
        return;
    c->row = row;
    c->col = col;
    c->in_cell = true;
    c->has_value = c->has_formula = false;
    snprintf(c->type, sizeof c->type, "%s", t ? t : "n");
    memset(&c->cur, 0, sizeof c->cur);
    c->cur.row = row;
    c->cur.col = col;
    sb_reset(&c->t.sb);
}

static void XMLCALL sheet_start(void *ud, const XML_Char *el, const XML_Char **atts)
{
    sheet_ctx *c = ud;
    if (!xp_enter(&c->x))
        return;
    const char *l = local(el);
    if (!strcmp(l, "row")) {
        const char *r = attr(atts, "r");
        uint32_t n = c->row + 1;
        if (r && !parse_row_no(r, &n)) {
            xp_fail(&c->x, "%s: bad row number '%.20s'", c->x.entry, r);
            return;
        }
        if (row_ok(c, n)) {
            c->row = n;
            c->col = 0;
        }
    } else if (!strcmp(l, "c")) {
        cell_start(c, atts);
    } else if (c->in_cell && !strcmp(l, "v")) {
        c->in_v = true;
        c->t.on = true;
        sb_reset(&c->t.sb);
    } else if (c->in_cell && !strcmp(l, "f")) {
        c->has_formula = true;
        c->f.on = true;
        sb_reset(&c->f.sb);
    } else if (c->in_cell && !strcmp(l, "is")) {
        c->in_is = true;
        sb_reset(&c->t.sb);
    } else if (c->in_is && !strcmp(l, "rPh")) {
        c->in_rph++;
    } else if (c->in_is && !strcmp(l, "t")) {
        c->t.on = !c->in_rph;
    } else if (!strcmp(l, "sheetProtection")) {
        c->protected_ = attr_true(atts, "sheet");
    }
}

/* Whether the finished cell is a formula saved without its result: no <v>,
 * or an empty one that is not an empty string result (t="str"). */
static bool formula_unsaved(const sheet_ctx *c)
{
    return c->has_formula && (!c->has_value || (!c->t.sb.len && strcmp(c->type, "str")));
}

/* The value of the finished cell, resolved against the shared strings. */
static void cell_finish(sheet_ctx *c)
{
    xlsx_book *b = c->x.b;
    const char *text = c->t.sb.buf;
    xlsx_kind kind = XLSX_NUMBER;
    char *formula = NULL;
    if (formula_unsaved(c)) {
        formula = arena_printf(c->out, "=%s", c->f.sb.buf);
        text = formula;
        kind = XLSX_FORMULA;
    } else if (!strcmp(c->type, "s")) {
        char *end;
        errno = 0;
        unsigned long i = strtoul(text, &end, 10);
        if (end == text || *end || errno || i >= b->n_sst) {
            xlsx_ref(c->cur.row, c->cur.col, c->cur.ref);
            xp_fail(&c->x, "%s: cell %s refers to shared string '%.20s', which does not exist",
                    c->x.entry, c->cur.ref, text);
            return;
        }
        text = b->sst[i];
        kind = XLSX_TEXT;
    } else if (!strcmp(c->type, "inlineStr") || !strcmp(c->type, "str") ||
               !strcmp(c->type, "d")) { /* d: an ISO 8601 date, as text */
        kind = XLSX_TEXT;
    } else if (!strcmp(c->type, "b")) {
        kind = XLSX_BOOL;
    } else if (!strcmp(c->type, "e")) {
        kind = XLSX_ERROR;
    }
    if (c->n >= b->lim.max_cells) {
        xp_fail(&c->x, "%s: more than %zu cells with a value (refused)", c->x.entry,
                b->lim.max_cells);
        return;
    }
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->v = realloc(c->v, c->cap * sizeof *c->v);
        if (!c->v)
            abort();
    }
    c->cur.kind = kind;
    c->cur.text = formula ? formula : arena_strdup(c->out, text); /* outlives the book */
    xlsx_ref(c->cur.row, c->cur.col, c->cur.ref);
    c->v[c->n++] = c->cur;
}

static void XMLCALL sheet_end(void *ud, const XML_Char *el)
{
    sheet_ctx *c = ud;
    c->x.depth--;
    if (c->x.failed)
        return;
    const char *l = local(el);
    if (!strcmp(l, "c") && c->in_cell) {
        c->in_cell = c->in_v = c->in_is = false;
        c->in_rph = 0;
        c->t.on = c->f.on = false;
        if (c->has_value || c->has_formula)
            cell_finish(c);
    } else if (!strcmp(l, "v") && c->in_v) {
        c->in_v = false;
        c->t.on = false;
        c->has_value = true;
    } else if (!strcmp(l, "is") && c->in_is) {
        c->in_is = false;
        c->has_value = true;
        c->t.on = false;
    } else if (!strcmp(l, "rPh") && c->in_rph) {
        c->in_rph--;
    } else if (!strcmp(l, "t") && c->in_is) {
        c->t.on = false;
    } else if (!strcmp(l, "f")) {
        c->f.on = false;
    }
}

static void XMLCALL sheet_chars(void *ud, const XML_Char *s, int len)
{
    sheet_ctx *c = ud;
    acc_chars(&c->x, &c->t, s, len);
    acc_chars(&c->x, &c->f, s, len);
}

int xlsx_sheet_read(xlsx_book *b, size_t i, arena *a, xlsx_sheet *out, char *err, size_t errsz)
{
    memset(out, 0, sizeof *out);
    if (i >= b->n_sheets) {
        say(err, errsz, "no sheet %zu", i);
        return -1;
    }
    if (sst_load(b, err, errsz) != 0)
        return -1;
    sheet_ctx c = {.x = {.b = b, .err = err, .errsz = errsz}, .out = a};
    sb_init(&c.t.sb);
    sb_init(&c.f.sb);
    int rc = xp_run(&c.x, b->paths[i], sheet_start, sheet_end, sheet_chars);
    if (rc == 0) {
        out->cells = arena_calloc(a, c.n ? c.n : 1, sizeof *out->cells);
        if (c.n)
            memcpy(out->cells, c.v, c.n * sizeof *c.v);
        out->n = c.n;
        out->name = arena_strdup(a, b->names[i]);
        out->protected_ = c.protected_;
        out->date1904 = b->date1904;
    }
    free(c.v);
    sb_release(&c.t.sb);
    sb_release(&c.f.sb);
    return rc;
}

/* ------------------------------------------------------------ opening */

int xlsx_open_mem(const void *data, size_t len, const xlsx_limits *lim, xlsx_book **out,
                  char *err, size_t errsz)
{
    *out = NULL;
    const xlsx_limits *L = lim ? lim : &XLSX_DEFAULT_LIMITS;
    if (len > L->max_file) {
        say(err, errsz, "%zu bytes, larger than the %zu a claim form may be (refused)", len,
            L->max_file);
        return -1;
    }
    xlsx_book *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    b->lim = *L;
    b->data = malloc(len ? len : 1);
    if (!b->data)
        abort();
    if (len)
        memcpy(b->data, data, len);
    b->len = len;
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(b->data, len, 0, &ze);
    if (src)
        b->za = zip_open_from_source(src, ZIP_RDONLY, &ze);
    if (!b->za) {
        static const unsigned char ole[4] = {0xD0, 0xCF, 0x11, 0xE0}; /* Excel 97-2003 */
        if (len >= 4 && !memcmp(data, ole, 4))
            say(err, errsz, "not an xlsx workbook: an Excel 97-2003 (.xls) file; open it in "
                            "Excel and save it as Excel ブック (*.xlsx)");
        else
            say(err, errsz, "not an xlsx workbook (not a zip file: %s)",
                zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        xlsx_close(b);
        return -1;
    }
    zip_error_fini(&ze);
    if (book_index(b, err, errsz) != 0) {
        xlsx_close(b);
        return -1;
    }
    *out = b;
    return 0;
}

int xlsx_open_file(const char *path, const xlsx_limits *lim, xlsx_book **out, char *err,
                   size_t errsz)
{
    *out = NULL;
    const xlsx_limits *L = lim ? lim : &XLSX_DEFAULT_LIMITS;
    struct stat st;
    if (stat(path, &st) != 0) {
        say(err, errsz, "cannot read: %s", strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        say(err, errsz, "not a regular file");
        return -1;
    }
    if ((uint64_t)st.st_size > L->max_file) {
        say(err, errsz, "%llu bytes, larger than the %zu a claim form may be (refused)",
            (unsigned long long)st.st_size, L->max_file);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        say(err, errsz, "cannot read: %s", strerror(errno));
        return -1;
    }
    size_t cap = (size_t)st.st_size + 1, n;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    n = fread(buf, 1, cap, f);
    bool bad = ferror(f) || n == cap; /* grew while read: refuse */
    fclose(f);
    if (bad) {
        free(buf);
        say(err, errsz, "cannot read the whole file");
        return -1;
    }
    int rc = xlsx_open_mem(buf, n, lim, out, err, errsz);
    free(buf);
    return rc;
}

void xlsx_close(xlsx_book *b)
{
    if (!b)
        return;
    if (b->za)
        zip_discard(b->za);
    free(b->data);
    arena_release(&b->a);
    free(b);
}

size_t xlsx_sheet_count(const xlsx_book *b) { return b->n_sheets; }

const char *xlsx_sheet_name(const xlsx_book *b, size_t i)
{
    return i < b->n_sheets ? b->names[i] : NULL;
}

long xlsx_sheet_find(const xlsx_book *b, const char *name)
{
    for (size_t i = 0; i < b->n_sheets; i++)
        if (!strcmp(b->names[i], name))
            return (long)i;
    return -1;
}

/* ------------------------------------------------------------ helpers */

void xlsx_ref(uint32_t row, uint32_t col, char buf[16])
{
    char letters[8];
    int n = 0;
    while (col > 0 && n < 7) {
        col--;
        letters[n++] = (char)('A' + col % 26);
        col /= 26;
    }
    int k = 0;
    while (n > 0)
        buf[k++] = letters[--n];
    snprintf(buf + k, (size_t)(16 - k), "%u", row);
}

bool xlsx_serial_date(const char *text, bool date1904, date_t *out)
{
    const char *p = text;
    long n = 0;
    if (*p < '0' || *p > '9')
        return false;
    while (*p >= '0' && *p <= '9') {
        if (n > 3000000)
            return false;
        n = n * 10 + (*p++ - '0');
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return false;
    if (date1904) { /* 0 is 1904-01-01; no 1900-02-29 in this system */
        if (n > 2957003)
            return false;
        *out = date_from_ymd(1904, 1, 1) + (date_t)n;
        return true;
    }
    if (n < 1 || n == 60 || n > 2958465)
        return false;
    /* Excel counts 1900-02-29 (serial 60), a day that never was: serials
     * after it are one ahead of the real calendar. */
    if (n > 60)
        n--;
    *out = date_from_ymd(1899, 12, 31) + (date_t)n;
    return true;
}
