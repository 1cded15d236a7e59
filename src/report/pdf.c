/* pdf: blocks, pagination and drawing of the documents that leave the ward
 * (see pdf.h).  One font map (the build's cut-down Noto Sans CJK JP first,
 * fonts/subset.py, then the system's for what it lacks), one pango context,
 * one font description per style and a cache of laid-out texts for the
 * whole process; a document holds references to its layouts and owns its
 * blocks.  The PDF's creation date is the document's own date, so the same
 * document written twice is the same bytes.
 *
 * Not here: what a document says (the *_pdf.c writers), workbooks. */
#include "pdf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pango/pangofc-fontmap.h>
#include <unistd.h>

#include "kasan_fonts.h" /* where the build put the documents' font (fonts/) */

#include "kasan/fsutil.h"
#include "kasan/report.h"

/* A4 in points, and the page's frame */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN_X 45.0
#define MARGIN_TOP 32.0
#define MARGIN_BOTTOM 36.0  /* the footer sits in it */
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define PAD_X 3.0           /* inside a cell */
#define PAD_Y 1.0
#define FONT_FAMILY "Noto Sans CJK JP"
#define FONT_SUBSET "Noto Sans CJK JP kasan" /* fonts/subset.py */
/* Lines closer than the font's own 1.448 em (Noto Sans CJK's ascent and
 * descent): 1.2 em from baseline to baseline, the first baseline 0.96 em
 * below the top of its line — CJK glyphs sit within about −0.88 … +0.12 em
 * of the baseline, so nothing touches. */
#define LINE_EM 1.2
#define BASELINE_EM 0.96

/* The only floating point here is page geometry (points, font sizes), the
 * unit of cairo's and pango's APIs.  No amount passes through it: every
 * yen reaches this file as text formatted by integer code (report/formats.c),
 * so a layout can move a line, never change a number. */
static const double style_size[PDF_STYLES] = {9.0, 7.0, 6.0, 9.5, 14.0, 13.0};

/* ---- the process's fonts ------------------------------------------------ */

static struct {
    bool ready;
    PangoFontMap *map;
    PangoContext *ctx;
    PangoFontDescription *font[PDF_STYLES];
    int last_pages;
} g;

/* The cut-down font of fonts/subset.py: KASAN_FONT_FILE when set (tests,
 * the benchmark), else the installed one, else the build tree's; NULL when
 * there is none (then the system's full font, slower and larger). */
static const char *subset_file(void)
{
    const char *env = getenv("KASAN_FONT_FILE");
    if (env && *env)
        return access(env, R_OK) == 0 ? env : NULL;
    static const char *const where[] = {KASAN_FONT_INSTALLED, KASAN_FONT_BUILT};
    for (size_t i = 0; i < sizeof where / sizeof where[0]; i++)
        if (*where[i] && access(where[i], R_OK) == 0)
            return where[i];
    return NULL;
}

static void cache_free(void);

/* At exit: what this file keeps for the process (layouts, fonts, the font
 * map) given back, so that a leak checker sees only real leaks.  What the
 * libraries keep inside (fontconfig's caches, pango's and harfbuzz's font
 * data: a few kilobytes a process, some unreachable) only FcFini() would
 * free, and it asserts while pango still holds fonts: tests/lsan.supp and
 * tests/valgrind.supp name those libraries. */
static void pdf_release(void)
{
    cache_free();
    for (int s = 0; s < PDF_STYLES; s++)
        if (g.font[s])
            pango_font_description_free(g.font[s]);
    if (g.ctx)
        g_object_unref(g.ctx);
    if (g.map)
        g_object_unref(g.map);
    memset(&g, 0, sizeof g);
}

static gboolean count_font(PangoFontset *fs, PangoFont *font, gpointer data)
{
    (void)fs, (void)font, (void)data;
    return FALSE; /* on to the next: every font of the set loaded */
}

int pdf_prepare(char *err, size_t errsz)
{
    if (g.ready)
        return 0;
    /* the system's fonts and ours, in a configuration of this process */
    FcConfig *fc = FcInitLoadConfigAndFonts();
    const char *file = subset_file();
    bool subset = fc && file && FcConfigAppFontAddFile(fc, (const FcChar8 *)file);
    g.map = fc ? pango_cairo_font_map_new() : NULL;
    if (!g.map) {
        snprintf(err, errsz, "cannot load fonts (fontconfig)");
        if (fc)
            FcConfigDestroy(fc);
        return -1;
    }
    pango_fc_font_map_set_config(PANGO_FC_FONT_MAP(g.map), fc);
    FcConfigDestroy(fc); /* the font map holds its reference */
    /* 72 dpi: a font size in points is a size in PDF units; no hinting, so
     * that widths are those of the outlines whatever the output */
    pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(g.map), 72.0);
    g.ctx = pango_font_map_create_context(g.map);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(g.ctx, fo);
    cairo_font_options_destroy(fo);
    pango_context_set_language(g.ctx, pango_language_from_string("ja"));
    for (int s = 0; s < PDF_STYLES; s++) {
        g.font[s] = pango_font_description_new();
        /* ours first; a character it lacks from the full font */
        pango_font_description_set_family_static(g.font[s], subset ? FONT_SUBSET "," FONT_FAMILY
                                                                   : FONT_FAMILY);
        pango_font_description_set_absolute_size(g.font[s], style_size[s] * PANGO_SCALE);
    }
    /* Every style's fonts resolved now, their fallbacks included: pango
     * asks fontconfig on a thread of its own (FcFontSort for each new font
     * pattern) and this waits for the answers, so that the thread is idle
     * from here on — a process forked while it works would inherit the
     * locks it holds. */
    for (int s = 0; s < PDF_STYLES; s++) {
        PangoFontset *fs = pango_font_map_load_fontset(g.map, g.ctx, g.font[s],
                                                       pango_context_get_language(g.ctx));
        if (fs) {
            pango_fontset_foreach(fs, count_font, NULL);
            g_object_unref(fs);
        }
    }
    /* The font the text will really be set in: pango falls back to any
     * font silently, and a document must not go out in another one. */
    PangoFont *f = pango_font_map_load_font(g.map, g.ctx, g.font[PDF_BODY]);
    PangoFontDescription *got = f ? pango_font_describe(f) : NULL;
    const char *family = got ? pango_font_description_get_family(got) : NULL;
    bool ok = family && (!strcmp(family, FONT_FAMILY) || (subset && !strcmp(family, FONT_SUBSET)));
    if (!ok)
        snprintf(err, errsz, "the font %s is not installed (Debian: fonts-noto-cjk); found %s",
                 FONT_FAMILY, family ? family : "no font");
    if (got)
        pango_font_description_free(got);
    if (f)
        g_object_unref(f);
    if (!ok)
        return -1;
    g.ready = true;
    atexit(pdf_release);
    return 0;
}

int pdf_last_pages(void) { return g.last_pages; }

int report_documents_prepare(char *err, size_t errsz) { return pdf_prepare(err, errsz); }

/* ---- blocks ------------------------------------------------------------- */

typedef enum block_kind { B_TEXT, B_GAP, B_ROW, B_SECTION } block_kind;

typedef struct table {
    pdf_col cols[PDF_MAX_COLS];
    size_t n;
    unsigned flags;
    pdf_style style;
    long header;        /* block index of its header row, -1 if none */
} table;

typedef struct block {
    block_kind kind;
    unsigned flags;
    double h;           /* height on the page */
    long table;         /* B_ROW: its table */
    bool header;        /* B_ROW: the table's header row */
    size_t cell0, n;    /* layouts[cell0 .. cell0 + n) */
    pdf_align align;    /* B_TEXT */
} block;

struct pdf_doc {
    const char *footer, *mark;
    block *b;
    size_t nb, cap_b;
    PangoLayout **lay;  /* NULL for an empty cell */
    size_t nl, cap_l;
    table *t;
    size_t nt, cap_t;
    bool failed;        /* out of memory on the way, or no font: pdf_write says so */
    char why[256];      /* the font's problem, when there was one */
};

static bool grow_array(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return true;
    size_t c = *cap ? *cap * 2 : 32;
    void *p = realloc(*v, c * size);
    if (!p)
        return false;
    *v = p;
    *cap = c;
    return true;
}

pdf_doc *pdf_new(const char *footer, const char *mark)
{
    pdf_doc *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->footer = footer;
    d->mark = mark;
    /* the layouts are made as blocks are added: the fonts first */
    if (!g.ready && pdf_prepare(d->why, sizeof d->why) != 0)
        d->failed = true;
    return d;
}

void pdf_free(pdf_doc *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->nl; i++)
        if (d->lay[i])
            g_object_unref(d->lay[i]);
    free(d->lay);
    free(d->b);
    free(d->t);
    free(d);
}

static block *new_block(pdf_doc *d, block_kind k)
{
    if (d->failed || !grow_array((void **)&d->b, &d->cap_b, d->nb, sizeof *d->b)) {
        d->failed = true;
        return NULL;
    }
    block *b = &d->b[d->nb++];
    *b = (block){.kind = k, .table = -1, .cell0 = d->nl};
    return b;
}

static double layout_size(PangoLayout *l)
{
    return pango_font_description_get_size(pango_layout_get_font_description(l)) /
           (double)PANGO_SCALE;
}

/* The height a layout takes: its lines LINE_EM apart. */
static double text_height(PangoLayout *l)
{
    return pango_layout_get_line_count(l) * LINE_EM * layout_size(l);
}

/* ---- laid-out texts, kept for the next documents ------------------------
 * Most of a document's texts come again in the next one: headers, labels,
 * "30日／30日", "50,000円", the paragraphs on each program's rules.  Shaping
 * is most of pango's cost, so a layout is made once per process for each
 * (text, style, width, alignment) and shared, read-only, by every document
 * that uses it (each holds a reference).  At LAYOUT_CACHE entries the cache
 * is emptied and starts again: bounded memory whatever the month. */
enum { LAYOUT_CACHE = 1 << 13 }; /* slots: a power of two, at most half used */

typedef struct cached {
    char *text;
    unsigned key;        /* style, alignment, width */
    PangoLayout *l;
} cached;

static struct {
    cached *v;
    size_t n;
} cache;

static uint64_t hash_text(const char *t, unsigned key)
{
    uint64_t h = 1469598103934665603u ^ key;
    for (; *t; t++)
        h = (h ^ (unsigned char)*t) * 1099511628211u;
    return h;
}

static void cache_clear(void)
{
    for (size_t i = 0; cache.v && i < LAYOUT_CACHE; i++)
        if (cache.v[i].l) {
            g_object_unref(cache.v[i].l);
            free(cache.v[i].text);
            cache.v[i] = (cached){0};
        }
    cache.n = 0;
}

/* The cache's slots too (at exit). */
static void cache_free(void)
{
    cache_clear();
    free(cache.v);
    cache.v = NULL;
}

static PangoLayout *layout_new(const char *text, pdf_style s, double w, pdf_align a)
{
    PangoLayout *l = pango_layout_new(g.ctx);
    pango_layout_set_font_description(l, g.font[s]);
    pango_layout_set_width(l, (int)(w * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    /* the spacing factor multiplies the font's line height (1.448 em) */
    pango_layout_set_line_spacing(l, (float)(LINE_EM / 1.448));
    pango_layout_set_alignment(l, a == PDF_CENTER  ? PANGO_ALIGN_CENTER
                                  : a == PDF_RIGHT ? PANGO_ALIGN_RIGHT
                                                   : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, text, -1);
    return l;
}

/* A new reference to the layout of text (cached, see above), or NULL when
 * out of memory. */
static PangoLayout *layout_get(const char *text, pdf_style s, double w, pdf_align a)
{
    unsigned key = (unsigned)s | (unsigned)a << 4 | (unsigned)(w * 16.0) << 6;
    if (!cache.v && !(cache.v = calloc(LAYOUT_CACHE, sizeof *cache.v)))
        return NULL;
    uint64_t h = hash_text(text, key);
    size_t i = (size_t)h & (LAYOUT_CACHE - 1);
    for (; cache.v[i].l; i = (i + 1) & (LAYOUT_CACHE - 1))
        if (cache.v[i].key == key && !strcmp(cache.v[i].text, text))
            return g_object_ref(cache.v[i].l);
    if (cache.n >= LAYOUT_CACHE / 2) {
        cache_clear();
        i = (size_t)h & (LAYOUT_CACHE - 1);
    }
    char *copy = strdup(text);
    if (!copy)
        return NULL;
    PangoLayout *l = layout_new(text, s, w, a);
    cache.v[i] = (cached){copy, key, l};
    cache.n++;
    return g_object_ref(l);
}

/* A layout of text in style s wrapped at width w (points); NULL text or ""
 * keeps an empty slot.  Returns its height in points (0 for an empty one). */
static double add_layout(pdf_doc *d, const char *text, pdf_style s, double w, pdf_align a)
{
    if (d->failed || !grow_array((void **)&d->lay, &d->cap_l, d->nl, sizeof *d->lay)) {
        d->failed = true;
        return 0;
    }
    if (!text || !*text) {
        d->lay[d->nl++] = NULL;
        return 0;
    }
    PangoLayout *l = layout_get(text, s, w, a);
    if (!l) {
        d->failed = true;
        return 0;
    }
    d->lay[d->nl++] = l;
    return text_height(l);
}

void pdf_text(pdf_doc *d, pdf_style s, pdf_align a, unsigned flags, const char *text)
{
    block *b = new_block(d, B_TEXT);
    if (!b)
        return;
    b->flags = flags;
    b->align = a;
    b->n = 1;
    double h = add_layout(d, text, s, CONTENT_W, a);
    b = &d->b[d->nb - 1]; /* add_layout does not move blocks, but stay plain */
    b->h = h > 0 ? h + 1.0 : style_size[s] * LINE_EM;
}

void pdf_textf(pdf_doc *d, pdf_style s, pdf_align a, unsigned flags, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    pdf_text(d, s, a, flags, buf);
}

void pdf_gap(pdf_doc *d, double points)
{
    block *b = new_block(d, B_GAP);
    if (b)
        b->h = points;
}

void pdf_section(pdf_doc *d, const char *title)
{
    pdf_gap(d, 4.0);
    block *b = new_block(d, B_SECTION);
    if (!b)
        return;
    b->flags = PDF_KEEP;
    b->n = 1;
    double h = add_layout(d, title, PDF_SECTION, CONTENT_W - 2 * PAD_X, PDF_LEFT);
    d->b[d->nb - 1].h = h + 2 * PAD_Y + 1.5;
}

void pdf_table(pdf_doc *d, const pdf_col *cols, size_t n, unsigned flags, pdf_style cell)
{
    if (d->failed || n == 0 || n > PDF_MAX_COLS ||
        !grow_array((void **)&d->t, &d->cap_t, d->nt, sizeof *d->t)) {
        d->failed = true;
        return;
    }
    table *t = &d->t[d->nt++];
    *t = (table){.n = n, .flags = flags, .style = cell, .header = -1};
    memcpy(t->cols, cols, n * sizeof *cols);
}

static void row(pdf_doc *d, const char *const *cells, unsigned flags, bool header)
{
    if (d->failed || d->nt == 0) {
        d->failed = true;
        return;
    }
    long ti = (long)d->nt - 1;
    block *b = new_block(d, B_ROW);
    if (!b)
        return;
    b->flags = flags;
    b->table = ti;
    b->header = header;
    size_t bi = d->nb - 1;
    const table *t = &d->t[ti];
    double h = 0;
    for (size_t c = 0; c < t->n; c++) {
        double ch = add_layout(d, cells[c], t->style, t->cols[c].width * CONTENT_W - 2 * PAD_X,
                               header ? PDF_CENTER : t->cols[c].align);
        if (ch > h)
            h = ch;
    }
    if (h == 0)
        h = style_size[t->style] * LINE_EM;
    d->b[bi].n = t->n;
    d->b[bi].h = h + 2 * PAD_Y;
    if (header)
        d->t[ti].header = (long)bi;
}

void pdf_header(pdf_doc *d, const char *const *cells) { row(d, cells, PDF_KEEP, true); }

void pdf_row(pdf_doc *d, const char *const *cells, unsigned flags) { row(d, cells, flags, false); }

/* ---- pagination --------------------------------------------------------- */

typedef struct placed {
    size_t block;
    double y;
    int page;
} placed;

/* Where every block goes: a list of (block, y, page), header rows repeated
 * after a break inside their table.  Returns the number of pages. */
static int paginate(const pdf_doc *d, placed *out, size_t *n_out)
{
    const double top = MARGIN_TOP, bottom = PAGE_H - MARGIN_BOTTOM;
    double y = top;
    int page = 0;
    size_t n = 0;
    for (size_t i = 0; i < d->nb; i++) {
        const block *b = &d->b[i];
        double need = b->h;
        /* a kept block takes the next one with it (a title and its table's
         * header and first row: the header keeps too) */
        for (size_t k = i; k + 1 < d->nb && (d->b[k].flags & PDF_KEEP); k++)
            need += d->b[k + 1].h;
        if (need > bottom - top)
            need = b->h; /* a chain longer than a page breaks where it must */
        if (y + need > bottom && y > top) {
            page++;
            y = top;
            if (b->kind == B_GAP)
                continue; /* no gap at the top of a page */
            const table *t = b->kind == B_ROW ? &d->t[b->table] : NULL;
            if (t && !b->header && t->header >= 0) {
                out[n++] = (placed){(size_t)t->header, y, page};
                y += d->b[t->header].h;
            }
        }
        out[n++] = (placed){i, y, page};
        y += b->h;
    }
    *n_out = n;
    return page + 1;
}

/* ---- drawing ------------------------------------------------------------ */

/* Draws l with the top of its first line at y (see LINE_EM). */
static void show(cairo_t *cr, PangoLayout *l, double x, double y)
{
    double base = pango_layout_get_baseline(l) / (double)PANGO_SCALE;
    cairo_move_to(cr, x, y + BASELINE_EM * layout_size(l) - base);
    pango_cairo_show_layout(cr, l);
}

static double layout_h(PangoLayout *l) { return text_height(l); }

static void draw_row(cairo_t *cr, const pdf_doc *d, const block *b, double y)
{
    const table *t = &d->t[b->table];
    bool grid = t->flags & PDF_GRID;
    double x = MARGIN_X;
    for (size_t c = 0; c < t->n; c++) {
        double w = t->cols[c].width * CONTENT_W;
        if (b->header && grid)
            cairo_set_source_rgb(cr, 0xDD / 255.0, 0xEB / 255.0, 0xF7 / 255.0);
        bool shade = (b->flags & PDF_SHADE) ||
                     (!b->header && (t->flags & PDF_SHADE_LAST) && c + 1 == t->n);
        if ((b->header && grid) || shade) {
            if (shade)
                cairo_set_source_rgb(cr, 0xE6 / 255.0, 0xE6 / 255.0, 0xE6 / 255.0);
            cairo_rectangle(cr, x, y, w, b->h);
            cairo_fill(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        if (grid) {
            cairo_set_line_width(cr, 0.5);
            cairo_rectangle(cr, x, y, w, b->h);
            cairo_stroke(cr);
        }
        PangoLayout *l = d->lay[b->cell0 + c];
        if (l)
            show(cr, l, x + PAD_X, y + (b->h - layout_h(l)) / 2);
        x += w;
    }
    if (b->flags & PDF_UNDERLINE) {
        cairo_set_line_width(cr, 0.6);
        for (int k = 0; k < 2; k++) {
            cairo_move_to(cr, MARGIN_X, y + b->h + 0.5 + 1.6 * k);
            cairo_line_to(cr, x, y + b->h + 0.5 + 1.6 * k);
        }
        cairo_stroke(cr);
    }
}

static void draw_block(cairo_t *cr, const pdf_doc *d, const block *b, double y)
{
    PangoLayout *l = b->n ? d->lay[b->cell0] : NULL;
    switch (b->kind) {
    case B_GAP: return;
    case B_TEXT:
        if (l)
            show(cr, l, MARGIN_X, y);
        return;
    case B_SECTION:
        cairo_set_source_rgb(cr, 0xE8 / 255.0, 0xE8 / 255.0, 0xE8 / 255.0);
        cairo_rectangle(cr, MARGIN_X, y, CONTENT_W, b->h - 1.5);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        if (l)
            show(cr, l, MARGIN_X + PAD_X, y + PAD_Y);
        return;
    case B_ROW: draw_row(cr, d, b, y); return;
    }
}

/* The foot of a page: the document's line on the left, "i / n" on the right;
 * the draft mark at the top. */
static void furniture(cairo_t *cr, const pdf_doc *d, int page, int pages)
{
    PangoLayout *l = pango_layout_new(g.ctx);
    pango_layout_set_font_description(l, g.font[PDF_SMALL]);
    cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
    if (d->footer) {
        pango_layout_set_text(l, d->footer, -1);
        show(cr, l, MARGIN_X, PAGE_H - MARGIN_BOTTOM + 14);
    }
    char pg[32];
    snprintf(pg, sizeof pg, "%d / %d", page + 1, pages);
    pango_layout_set_width(l, (int)(CONTENT_W * PANGO_SCALE));
    pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
    pango_layout_set_text(l, pg, -1);
    show(cr, l, MARGIN_X, PAGE_H - MARGIN_BOTTOM + 14);
    if (d->mark) {
        pango_layout_set_font_description(l, g.font[PDF_TITLE]);
        pango_layout_set_text(l, d->mark, -1);
        cairo_set_source_rgb(cr, 0.85, 0, 0);
        show(cr, l, MARGIN_X, 10);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    g_object_unref(l);
}

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int len)
{
    FILE *f = closure;
    return fwrite(data, 1, len, f) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

int pdf_write(pdf_doc *d, const pdf_info *info, const char *path, char *err, size_t errsz)
{
    placed *pl = NULL;
    fs_out o;
    bool opened = false;
    int rc = -1;
    if (d->failed) {
        snprintf(err, errsz, "%s: %s", path, *d->why ? d->why : "out of memory");
        goto done;
    }
    pl = malloc((2 * d->nb + 1) * sizeof *pl); /* each block, and a header per page at most */
    if (!pl) {
        snprintf(err, errsz, "%s: out of memory", path);
        goto done;
    }
    size_t np;
    int pages = paginate(d, pl, &np);
    if (fs_out_open(&o, path, true) != 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        goto done;
    }
    opened = true;
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_out, o.f, PAGE_W, PAGE_H);
    if (info && info->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, info->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kasan");
    if (info && info->date) {
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, info->date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, info->date);
    }
    cairo_t *cr = cairo_create(s);
    size_t k = 0;
    for (int p = 0; p < pages; p++) {
        for (; k < np && pl[k].page == p; k++)
            draw_block(cr, d, &d->b[pl[k].block], pl[k].y);
        furniture(cr, d, p, pages);
        cairo_show_page(cr);
    }
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS || fflush(o.f) != 0 || ferror(o.f)) {
        snprintf(err, errsz, "%s: %s", path,
                 st != CAIRO_STATUS_SUCCESS ? cairo_status_to_string(st) : strerror(errno));
        goto done;
    }
    opened = false;
    if (fs_out_commit(&o) != 0) {
        snprintf(err, errsz, "%s: %s", path, strerror(errno));
        goto done;
    }
    g.last_pages = pages;
    rc = 0;
done:
    if (opened)
        fs_out_abort(&o);
    free(pl);
    pdf_free(d);
    return rc;
}
