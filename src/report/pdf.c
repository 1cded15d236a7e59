/* pdf: blocks, pagination and drawing of the documents that leave the ward
 * (see pdf.h).  One font map (the build's cut-down Noto Sans CJK JP first,
 * fonts/subset.py, then the system's for what it lacks), one pango context,
 * one font description per style and a cache of laid-out texts for the
 * whole process; a document holds references to its layouts and owns its
 * blocks.  A document whose every text is set in the cut font alone is
 * drawn into kasan's own writer (pdf_direct.c: cairo's per-document work
 * cost three times the xlsx statement); any other through cairo, where a
 * page's black text is shown at once, per font, when the page is done
 * (cairo's cost is per text operation more than per glyph).  KASAN_PDF_CAIRO
 * set: every document through cairo (the benchmark's baseline).  The PDF's
 * creation date is the document's own date, so the same document written
 * twice is the same bytes.
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
#include "pdf_direct.h"

#include "kasan/fsutil.h"
#include "kasan/report.h"

/* Page geometry is whole pango units (1/1024 point, PANGO_SCALE), pango's
 * own integer unit: no floating point in kasan's layout arithmetic.  PT(n)
 * is n points, PT_H(n) n hundredths of a point.  A4 and the page's frame: */
#define PT(n) ((n) * PANGO_SCALE)
#define PT_H(n) (((n) * PANGO_SCALE + 50) / 100)
#define PAGE_W PDF_PAGE_W
#define PAGE_H PDF_PAGE_H
#define MARGIN_X PT(45)
#define MARGIN_TOP PT(32)
#define MARGIN_BOTTOM PT(36)  /* the footer sits in it */
#define CONTENT_W (PAGE_W - 2 * MARGIN_X)
#define PAD_X PT(3)           /* inside a cell */
#define PAD_Y PT(1)
#define FONT_FAMILY "Noto Sans CJK JP"
#define FONT_SUBSET "Noto Sans CJK JP kasan" /* fonts/subset.py */
/* Lines closer than the font's own 1.448 em (Noto Sans CJK's ascent and
 * descent): 1.2 em from baseline to baseline, the first baseline 0.96 em
 * below the top of its line — CJK glyphs sit within about −0.88 … +0.12 em
 * of the baseline, so nothing touches. */
#define LINE_OF(size) ((size) * 6 / 5)        /* 1.2 em */
#define BASELINE_OF(size) ((size) * 24 / 25)  /* 0.96 em */
/* pango's line spacing factor: 1.2 em over the font's 1.448 em */
#define LINE_SPACING 0.82873f
/* No amount passes through the geometry: every yen reaches this file as
 * text formatted by integer code (report/formats.c), so a layout can move
 * a line, never change a number.  Cairo's API takes points as C doubles:
 * pango_units_to_double() at each call (U()). */
#define U(v) pango_units_to_double(v)
#define SECTION_GAP PT_H(150) /* under a section's band */

static const int style_size[PDF_STYLES] = {PT(9), PT(7), PT(6), PT_H(950), PT(14), PT(13)};

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
static void batches_free(void);

static void pdf_release(void)
{
    cache_free();
    batches_free();
    pdfd_release();
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
        pango_font_description_set_absolute_size(g.font[s], style_size[s]);
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
    /* kasan's own writer for the documents set in the cut font alone */
    if (subset && !getenv("KASAN_PDF_CAIRO"))
        pdfd_prepare(file, FONT_SUBSET);
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
    int h;              /* height on the page, pango units */
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

static int layout_size(PangoLayout *l)
{
    return pango_font_description_get_size(pango_layout_get_font_description(l));
}

/* The height a layout takes: its lines 1.2 em apart. */
static int text_height(PangoLayout *l)
{
    return pango_layout_get_line_count(l) * LINE_OF(layout_size(l));
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

static PangoLayout *layout_new(const char *text, pdf_style s, int w, pdf_align a)
{
    PangoLayout *l = pango_layout_new(g.ctx);
    pango_layout_set_font_description(l, g.font[s]);
    pango_layout_set_width(l, w);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    /* the spacing factor multiplies the font's line height (1.448 em) */
    pango_layout_set_line_spacing(l, LINE_SPACING);
    pango_layout_set_alignment(l, a == PDF_CENTER  ? PANGO_ALIGN_CENTER
                                  : a == PDF_RIGHT ? PANGO_ALIGN_RIGHT
                                                   : PANGO_ALIGN_LEFT);
    pango_layout_set_text(l, text, -1);
    return l;
}

/* A new reference to the layout of text (cached, see above), or NULL when
 * out of memory. */
static PangoLayout *layout_get(const char *text, pdf_style s, int w, pdf_align a)
{
    unsigned key = (unsigned)s | (unsigned)a << 4 | (unsigned)(w / 64) << 6; /* 1/16 pt */
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
static int add_layout(pdf_doc *d, const char *text, pdf_style s, int w, pdf_align a)
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
    int h = add_layout(d, text, s, CONTENT_W, a);
    b = &d->b[d->nb - 1]; /* add_layout does not move blocks, but stay plain */
    b->h = h > 0 ? h + PT(1) : LINE_OF(style_size[s]);
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

void pdf_gap(pdf_doc *d, int points)
{
    block *b = new_block(d, B_GAP);
    if (b)
        b->h = PT(points);
}

void pdf_section(pdf_doc *d, const char *title)
{
    pdf_gap(d, 4);
    block *b = new_block(d, B_SECTION);
    if (!b)
        return;
    b->flags = PDF_KEEP;
    b->n = 1;
    int h = add_layout(d, title, PDF_SECTION, CONTENT_W - 2 * PAD_X, PDF_LEFT);
    d->b[d->nb - 1].h = h + 2 * PAD_Y + SECTION_GAP;
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

/* A column's width on the page. */
static int col_width(const pdf_col *c) { return (int)((long)c->permille * CONTENT_W / 1000); }

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
    int h = 0;
    for (size_t c = 0; c < t->n; c++) {
        int ch = add_layout(d, cells[c], t->style, col_width(&t->cols[c]) - 2 * PAD_X,
                            header ? PDF_CENTER : t->cols[c].align);
        if (ch > h)
            h = ch;
    }
    if (h == 0)
        h = LINE_OF(style_size[t->style]);
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
    int y;
    int page;
} placed;

/* Where every block goes: a list of (block, y, page), header rows repeated
 * after a break inside their table.  Returns the number of pages. */
static int paginate(const pdf_doc *d, placed *out, size_t *n_out)
{
    const int top = MARGIN_TOP, bottom = PAGE_H - MARGIN_BOTTOM;
    int y = top;
    int page = 0;
    size_t n = 0;
    for (size_t i = 0; i < d->nb; i++) {
        const block *b = &d->b[i];
        int need = b->h;
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

/* ---- a page's text, shown at once ---------------------------------------
 * pango_cairo_show_layout costs cairo one text operation per run, and each
 * is recorded, analysed and replayed by its PDF surface (about 9 µs, more
 * than the glyphs it shows): a statement has some 150 cells.  So the black
 * text of a page is gathered instead, per font, glyph by glyph where
 * pango's cairo renderer would put it (pango_renderer_draw_layout and
 * pango_cairo_renderer_show_text_glyphs, pango 1.50: the same arithmetic,
 * so the same positions), with the clusters that map glyphs to text (what
 * pdftotext gives back), and shown with one cairo_show_text_glyphs per font
 * when the page is done.  A layout pango would draw otherwise (a hex box
 * for a missing character, right-to-left text, letter spacing) is drawn by
 * pango itself. */
typedef struct glyph_batch {
    cairo_scaled_font_t *font; /* a reference */
    cairo_glyph_t *g;
    size_t ng, cap_g;
    cairo_text_cluster_t *c;
    size_t nc, cap_c;
    char *text;
    size_t nt, cap_t;
} glyph_batch;

enum { BATCHES = 8 }; /* fonts on a page: a style's size each, and fallbacks */

static struct {
    glyph_batch b[BATCHES];
    size_t n;
    bool failed;  /* out of memory: pdf_write says so */
} text_batches;

static void show_batches(cairo_t *cr);

/* The batch of font's glyphs; when BATCHES fonts are gathered already,
 * they are shown first (the blocks they belong to are drawn: what comes
 * after cannot cover them). */
static glyph_batch *batch_of(cairo_t *cr, PangoFont *font)
{
    cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(font));
    if (!sf)
        return NULL;
    for (size_t i = 0; i < text_batches.n; i++)
        if (text_batches.b[i].font == sf)
            return &text_batches.b[i];
    if (text_batches.n == BATCHES)
        show_batches(cr);
    glyph_batch *b = &text_batches.b[text_batches.n++];
    b->font = cairo_scaled_font_reference(sf);
    return b;
}

/* Whether pango would draw l as plain glyphs, all of them known. */
static bool plain_glyphs(PangoLayout *l)
{
    for (GSList *li = pango_layout_get_lines_readonly(l); li; li = li->next)
        for (GSList *r = ((PangoLayoutLine *)li->data)->runs; r; r = r->next)
            if (!pdf_run_plain(r->data))
                return false;
    return true;
}

/* One run of glyphs at (x, y), the origin of its baseline (pango units
 * added to points as pango's renderer adds them); false when out of memory. */
static bool batch_run(cairo_t *cr, const char *text, PangoGlyphItem *run, int bx, int by)
{
    glyph_batch *b = batch_of(cr, run->item->analysis.font);
    const PangoGlyphString *gs = run->glyphs;
    if (!b)
        return false;
    int xp = 0;
    for (int i = 0; i < gs->num_glyphs; i++) {
        const PangoGlyphInfo *gi = &gs->glyphs[i];
        if (gi->glyph != PANGO_GLYPH_EMPTY && !(gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG)) {
            if (!grow_array((void **)&b->g, &b->cap_g, b->ng, sizeof *b->g))
                return false;
            b->g[b->ng++] = (cairo_glyph_t){gi->glyph, U(bx + xp + gi->geometry.x_offset),
                                            U(by + gi->geometry.y_offset)};
        }
        xp += gi->geometry.width;
    }
    PangoGlyphItemIter it;
    for (gboolean more = pango_glyph_item_iter_init_start(&it, run, text); more;
         more = pango_glyph_item_iter_next_cluster(&it)) {
        int n = it.end_glyph - it.start_glyph;
        for (int i = it.start_glyph; i < it.end_glyph; i++)
            if (gs->glyphs[i].glyph == PANGO_GLYPH_EMPTY ||
                (gs->glyphs[i].glyph & PANGO_GLYPH_UNKNOWN_FLAG))
                n--;
        if (!grow_array((void **)&b->c, &b->cap_c, b->nc, sizeof *b->c))
            return false;
        b->c[b->nc++] = (cairo_text_cluster_t){it.end_index - it.start_index, n};
    }
    size_t len = (size_t)run->item->length;
    while (b->nt + len >= b->cap_t) {
        size_t cap = b->cap_t ? b->cap_t * 2 : 1024;
        char *t = realloc(b->text, cap);
        if (!t)
            return false;
        b->text = t;
        b->cap_t = cap;
    }
    memcpy(b->text + b->nt, text + run->item->offset, len);
    b->nt += len;
    return true;
}

static bool batch_into(void *cr, const char *text, PangoGlyphItem *run, int x, int y)
{
    if (!batch_run(cr, text, run, x, y))
        text_batches.failed = true;
    return !text_batches.failed;
}

/* l's glyphs with its origin (top left) at (ox, oy), as
 * pango_renderer_draw_layout places lines and runs. */
static void batch_layout(cairo_t *cr, PangoLayout *l, int ox, int oy)
{
    if (!text_batches.failed)
        pdf_layout_runs(l, ox, oy, batch_into, cr);
}

/* The page's gathered text, in black, and the batches emptied. */
static void show_batches(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (size_t i = 0; i < text_batches.n; i++) {
        glyph_batch *b = &text_batches.b[i];
        if (b->ng || b->nt) {
            cairo_set_scaled_font(cr, b->font);
            cairo_show_text_glyphs(cr, b->text, (int)b->nt, b->g, (int)b->ng, b->c, (int)b->nc,
                                   0);
        }
        cairo_scaled_font_destroy(b->font);
        b->font = NULL;
        b->ng = b->nc = b->nt = 0;
    }
    text_batches.n = 0;
}

/* At exit (pdf_release): the batches' buffers. */
static void batches_free(void)
{
    for (size_t i = 0; i < BATCHES; i++) {
        glyph_batch *b = &text_batches.b[i];
        if (b->font)
            cairo_scaled_font_destroy(b->font);
        free(b->g);
        free(b->c);
        free(b->text);
    }
    memset(&text_batches, 0, sizeof text_batches);
}

/* Where l's origin goes for the top of its first line at y (see LINE_OF). */
static int origin_y(PangoLayout *l, int y)
{
    return y + BASELINE_OF(layout_size(l)) - pango_layout_get_baseline(l);
}

/* Draws l now, in the current colour. */
static void show_now(cairo_t *cr, PangoLayout *l, int x, int y)
{
    cairo_move_to(cr, U(x), U(origin_y(l, y)));
    pango_cairo_show_layout(cr, l);
}

/* Draws l, in black, with the top of its first line at y: gathered for the
 * end of the page (above), or now. */
static void show(cairo_t *cr, PangoLayout *l, int x, int y)
{
    if (plain_glyphs(l)) {
        batch_layout(cr, l, x, origin_y(l, y));
    } else {
        cairo_set_source_rgb(cr, 0, 0, 0);
        show_now(cr, l, x, y);
    }
}

static int layout_h(PangoLayout *l) { return text_height(l); }

/* What a page is drawn on: cairo's PDF surface, or kasan's own writer
 * (pdf_direct.c) when every text of the document is in the cut font. */
typedef struct canvas {
    cairo_t *cr;
    pdfd *w;
} canvas;

static const pdf_rgb BLACK = {0, 0, 0};

static void set_rgb(cairo_t *cr, const pdf_rgb *c)
{
    cairo_set_source_rgb(cr, c->r / 255.0, c->g / 255.0, c->b / 255.0);
}

static void cv_rect(canvas *cv, int x, int y, int w, int h, const pdf_rgb *rgb, bool fill,
                    int line_width)
{
    if (cv->w) {
        pdfd_rect(cv->w, x, y, w, h, rgb, fill, line_width);
        return;
    }
    set_rgb(cv->cr, rgb);
    cairo_rectangle(cv->cr, U(x), U(y), U(w), U(h));
    if (fill) {
        cairo_fill(cv->cr);
    } else {
        cairo_set_line_width(cv->cr, U(line_width));
        cairo_stroke(cv->cr);
    }
}

static void cv_line(canvas *cv, int x0, int y0, int x1, int y1, int line_width)
{
    if (cv->w) {
        pdfd_line(cv->w, x0, y0, x1, y1, line_width);
        return;
    }
    set_rgb(cv->cr, &BLACK);
    cairo_set_line_width(cv->cr, U(line_width));
    cairo_move_to(cv->cr, U(x0), U(y0));
    cairo_line_to(cv->cr, U(x1), U(y1));
    cairo_stroke(cv->cr);
}

/* l with the top of its first line at y, in colour rgb (black text on
 * cairo gathered for the end of the page, see show()). */
static void cv_text(canvas *cv, PangoLayout *l, int x, int y, const pdf_rgb *rgb)
{
    if (cv->w) {
        pdfd_layout(cv->w, l, x, origin_y(l, y), rgb);
    } else if (rgb == &BLACK) {
        show(cv->cr, l, x, y);
    } else {
        set_rgb(cv->cr, rgb);
        show_now(cv->cr, l, x, y);
    }
}

static void draw_row(canvas *cv, const pdf_doc *d, const block *b, int y)
{
    static const pdf_rgb head = {0xDD, 0xEB, 0xF7}, shaded = {0xE6, 0xE6, 0xE6};
    const table *t = &d->t[b->table];
    bool grid = t->flags & PDF_GRID;
    int x = MARGIN_X;
    for (size_t c = 0; c < t->n; c++) {
        int w = col_width(&t->cols[c]);
        bool shade = (b->flags & PDF_SHADE) ||
                     (!b->header && (t->flags & PDF_SHADE_LAST) && c + 1 == t->n);
        if (shade || (b->header && grid))
            cv_rect(cv, x, y, w, b->h, shade ? &shaded : &head, true, 0);
        if (grid)
            cv_rect(cv, x, y, w, b->h, &BLACK, false, PT_H(50));
        PangoLayout *l = d->lay[b->cell0 + c];
        if (l)
            cv_text(cv, l, x + PAD_X, y + (b->h - layout_h(l)) / 2, &BLACK);
        x += w;
    }
    if (b->flags & PDF_UNDERLINE) /* two rules, 0.6 pt, 1.6 pt apart */
        for (int k = 0; k < 2; k++) {
            int ly = y + b->h + PT_H(50 + 160 * k);
            cv_line(cv, MARGIN_X, ly, x, ly, PT_H(60));
        }
}

static void draw_block(canvas *cv, const pdf_doc *d, const block *b, int y)
{
    static const pdf_rgb band = {0xE8, 0xE8, 0xE8};
    PangoLayout *l = b->n ? d->lay[b->cell0] : NULL;
    switch (b->kind) {
    case B_GAP: return;
    case B_TEXT:
        if (l)
            cv_text(cv, l, MARGIN_X, y, &BLACK);
        return;
    case B_SECTION:
        cv_rect(cv, MARGIN_X, y, CONTENT_W, b->h - SECTION_GAP, &band, true, 0);
        if (l)
            cv_text(cv, l, MARGIN_X + PAD_X, y + PAD_Y, &BLACK);
        return;
    case B_ROW: draw_row(cv, d, b, y); return;
    }
}

/* The foot of a page: the document's line on the left, "i / n" on the right;
 * the draft mark at the top.  Layouts from the cache (the same in every
 * document of a run). */
static void furniture(canvas *cv, const pdf_doc *d, int page, int pages)
{
    static const pdf_rgb grey = {89, 89, 89}, red = {217, 0, 0}; /* 0.35, 0.85 */
    const int foot = PAGE_H - MARGIN_BOTTOM + PT(14);
    PangoLayout *l;
    if (d->footer && (l = layout_get(d->footer, PDF_SMALL, CONTENT_W, PDF_LEFT))) {
        cv_text(cv, l, MARGIN_X, foot, &grey);
        g_object_unref(l);
    }
    char pg[32];
    snprintf(pg, sizeof pg, "%d / %d", page + 1, pages);
    if ((l = layout_get(pg, PDF_SMALL, CONTENT_W, PDF_RIGHT))) {
        cv_text(cv, l, MARGIN_X, foot, &grey);
        g_object_unref(l);
    }
    if (d->mark && (l = layout_get(d->mark, PDF_TITLE, CONTENT_W, PDF_LEFT))) {
        cv_text(cv, l, MARGIN_X, PT(10), &red);
        g_object_unref(l);
    }
}

/* Whether the whole document can go through kasan's own writer: every
 * text in the cut font, plainly (pdf_direct.h). */
static bool direct_ok(const pdf_doc *d)
{
    for (size_t i = 0; i < d->nl; i++)
        if (d->lay[i] && !pdfd_layout_ok(d->lay[i]))
            return false;
    const char *extra[] = {d->footer, d->mark};
    for (size_t i = 0; i < 2; i++) {
        if (!extra[i])
            continue;
        PangoLayout *l = layout_get(extra[i], i ? PDF_TITLE : PDF_SMALL, CONTENT_W, PDF_LEFT);
        bool ok = l && pdfd_layout_ok(l);
        if (l)
            g_object_unref(l);
        if (!ok)
            return false;
    }
    return true;
}

/* The document through kasan's own writer; 0, or -1 with err. */
static int write_direct(pdf_doc *d, const placed *pl, size_t np, int pages, const pdf_info *info,
                        FILE *f, char *err, size_t errsz)
{
    canvas cv = {NULL, pdfd_new()};
    if (!cv.w) {
        snprintf(err, errsz, "out of memory");
        return -1;
    }
    size_t k = 0;
    for (int p = 0; p < pages; p++) {
        pdfd_page(cv.w);
        for (; k < np && pl[k].page == p; k++)
            draw_block(&cv, d, &d->b[pl[k].block], pl[k].y);
        furniture(&cv, d, p, pages);
    }
    int rc = pdfd_write(cv.w, info ? info->title : NULL, info ? info->date : NULL, f, err, errsz);
    pdfd_free(cv.w);
    return rc;
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
    if (direct_ok(d)) {
        char why[256] = "";
        if (write_direct(d, pl, np, pages, info, o.f, why, sizeof why) != 0 || fflush(o.f) != 0 ||
            ferror(o.f)) {
            snprintf(err, errsz, "%s: %s", path, *why ? why : strerror(errno));
            goto done;
        }
        goto commit;
    }
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(write_out, o.f, PDF_PAGE_W_PT,
                                                             PDF_PAGE_H_PT);
    if (info && info->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, info->title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kasan");
    if (info && info->date) {
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, info->date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, info->date);
    }
    cairo_t *cr = cairo_create(s);
    canvas cv = {cr, NULL};
    size_t k = 0;
    for (int p = 0; p < pages; p++) {
        for (; k < np && pl[k].page == p; k++)
            draw_block(&cv, d, &d->b[pl[k].block], pl[k].y);
        show_batches(cr);
        furniture(&cv, d, p, pages);
        cairo_show_page(cr);
    }
    cairo_status_t st = cairo_status(cr);
    if (text_batches.failed && st == CAIRO_STATUS_SUCCESS)
        st = CAIRO_STATUS_NO_MEMORY;
    text_batches.failed = false;
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
commit:
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
