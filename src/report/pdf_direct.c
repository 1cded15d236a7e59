/* pdf_direct: kasan's own PDF writer for the documents' common case (see
 * pdf_direct.h).  The file: catalog, pages, info; one Type0 font
 * (Identity-H) over a CIDFontType0 whose program is the cut font subset to
 * the document's glyphs (FontFile3/CIDFontType0C); its widths (/W, default
 * 1000) and a ToUnicode CMap; per page a content stream, deflated.  A
 * content stream draws in PDF's coordinates (y up): each point here is
 * converted as it is written.  Written in memory, then once to the file;
 * the same document gives the same bytes (no clock, no random id). */
#include "pdf_direct.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>
#include <hb.h>
#include <pango/pangofc-font.h>
#include <zlib.h>

#include "kasan/hash.h"

/* Documents a process writes before it preprocesses the font for the
 * subsetter: preprocessing takes about 0.3 s and makes each subset about
 * ten times cheaper (1.1 → 0.1 ms), worth it only for a long run. */

#define PDF_ZLEVEL 1
enum { PREPROCESS_AFTER = 200 };
enum { MAX_FONTS = 32 }; /* PangoFonts seen (a style's size each) */

static struct {
    bool ready;
    hb_face_t *face;     /* the cut font */
    hb_face_t *pre;      /* preprocessed for the subsetter, or NULL */
    hb_set_t *drop;      /* every table but CFF, head and maxp */
    unsigned n_glyphs, upem;
    uint16_t *cid;       /* gid → CID (the CFF charset) */
    int32_t *adv;        /* gid → advance, 1/1000 em */
    int bbox[4], ascent, descent, cap_height;
    size_t docs;
    struct known_font {
        PangoFont *font;
        bool ours;
    } fonts[MAX_FONTS];
    size_t n_fonts;
    const char *family;  /* the cut font's family name */
    /* per document, reset after each: glyph in use and its text */
    uint8_t *used;
    uint32_t *list;
    size_t n_list;
    int32_t *uni;        /* gid → offset in unitext, -1 none */
    char *unitext;
    size_t n_unitext, cap_unitext;
} F;

/* ---- a growable byte buffer ------------------------------------------------ */

typedef struct buf {
    char *p;
    size_t n, cap;
    bool failed;
} buf;

static bool reserve(buf *b, size_t more)
{
    if (b->failed)
        return false;
    if (b->n + more <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->n + more)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static void put(buf *b, const void *s, size_t n)
{
    if (reserve(b, n)) {
        memcpy(b->p + b->n, s, n);
        b->n += n;
    }
}

static void puts_(buf *b, const char *s) { put(b, s, strlen(s)); }

static void putf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* n / d rounded half away from zero (d > 0). */
static long long div_round(long long n, long long d)
{
    return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
}

/* Pango units (1/1024 pt) in hundredths of a point, as the files say them. */
static long long hundredths(long long pu) { return div_round(pu * 100, PANGO_SCALE); }

#define PAGE_H_HUNDREDTHS 84189 /* 841.89 pt: the content's y runs up from the foot */

/* A number given in hundredths, without printf (the content streams'
 * numbers are most of their bytes): "12.5", "-3", "841.89". */
static void put_h(buf *b, long long c)
{
    char tmp[32], *e = tmp + sizeof tmp, *s = e;
    bool neg = c < 0;
    if (neg)
        c = -c;
    int frac = (int)(c % 100);
    long long whole = c / 100;
    if (frac) {
        if (frac % 10) {
            *--s = (char)('0' + frac % 10);
            *--s = (char)('0' + frac / 10);
        } else {
            *--s = (char)('0' + frac / 10);
        }
        *--s = '.';
    }
    do {
        *--s = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (neg)
        *--s = '-';
    *--s = ' ';
    put(b, s, (size_t)(e - s));
}

static void put_hex4(buf *b, unsigned v)
{
    static const char hx[] = "0123456789ABCDEF";
    char t[4] = {hx[(v >> 12) & 15], hx[(v >> 8) & 15], hx[(v >> 4) & 15], hx[v & 15]};
    put(b, t, 4);
}

/* ---- the cut font, once per process ------------------------------------- */

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* An INDEX at p: its count and where its data ends; false when malformed. */
static bool cff_index(const uint8_t *d, size_t len, size_t at, size_t *count, size_t *first,
                      size_t *end)
{
    if (at + 2 > len)
        return false;
    *count = be16(d + at);
    if (*count == 0) {
        *first = *end = at + 2;
        return true;
    }
    if (at + 3 > len)
        return false;
    unsigned os = d[at + 2];
    size_t offs = at + 3, data = offs + (*count + 1) * os - 1;
    if (os < 1 || os > 4 || offs + (*count + 1) * os > len)
        return false;
    size_t last = 0, f = 0;
    for (unsigned k = 0; k < os; k++) {
        f = f << 8 | d[offs + k];
        last = last << 8 | d[offs + *count * os + k];
    }
    *first = data + f;
    *end = data + last;
    return *end <= len;
}

/* The Top DICT's charset offset (operator 15). */
static bool cff_charset_offset(const uint8_t *d, size_t s, size_t e, size_t *out)
{
    long stack[48];
    size_t n = 0;
    for (size_t i = s; i < e;) {
        unsigned b0 = d[i];
        if (b0 == 28 && i + 3 <= e) {
            stack[n < 48 ? n++ : 47] = (int16_t)be16(d + i + 1);
            i += 3;
        } else if (b0 == 29 && i + 5 <= e) {
            stack[n < 48 ? n++ : 47] =
                (int32_t)((uint32_t)d[i + 1] << 24 | (uint32_t)d[i + 2] << 16 | be16(d + i + 3));
            i += 5;
        } else if (b0 == 30) { /* a real: nibbles up to 0xf */
            for (i++; i < e && (d[i] & 0x0f) != 0x0f && (d[i] >> 4) != 0x0f; i++)
                ;
            i++;
            stack[n < 48 ? n++ : 47] = 0;
        } else if (b0 >= 32 && b0 <= 246) {
            stack[n < 48 ? n++ : 47] = (long)b0 - 139;
            i++;
        } else if (b0 >= 247 && b0 <= 250 && i + 2 <= e) {
            stack[n < 48 ? n++ : 47] = ((long)b0 - 247) * 256 + d[i + 1] + 108;
            i += 2;
        } else if (b0 >= 251 && b0 <= 254 && i + 2 <= e) {
            stack[n < 48 ? n++ : 47] = -((long)b0 - 251) * 256 - d[i + 1] - 108;
            i += 2;
        } else { /* an operator */
            if (b0 == 15 && n) {
                *out = (size_t)stack[n - 1];
                return true;
            }
            i += b0 == 12 ? 2 : 1;
            n = 0;
        }
    }
    return false;
}

/* F.cid from the CFF charset (formats 0, 1, 2; .notdef is CID 0). */
static bool read_charset(void)
{
    hb_blob_t *blob = hb_face_reference_table(F.face, HB_TAG('C', 'F', 'F', ' '));
    unsigned len;
    const uint8_t *d = (const uint8_t *)hb_blob_get_data(blob, &len);
    size_t count, s, e, at;
    bool ok = d && len > 4;
    ok = ok && cff_index(d, len, d[2], &count, &s, &e);      /* Name */
    ok = ok && cff_index(d, len, e, &count, &s, &e) && count; /* Top DICT */
    size_t cs = 0;
    ok = ok && cff_charset_offset(d, s, e, &cs) && cs > 2 && cs < len;
    if (ok) {
        unsigned fmt = d[cs];
        at = cs + 1;
        F.cid[0] = 0;
        for (unsigned g = 1; ok && g < F.n_glyphs;) {
            if (fmt == 0) {
                ok = at + 2 <= len;
                if (ok)
                    F.cid[g++] = (uint16_t)be16(d + at);
                at += 2;
            } else {
                size_t w = fmt == 1 ? 3 : 4;
                ok = (fmt == 1 || fmt == 2) && at + w <= len;
                if (!ok)
                    break;
                unsigned first = be16(d + at), left = fmt == 1 ? d[at + 2] : be16(d + at + 2);
                for (unsigned k = 0; k <= left && g < F.n_glyphs; k++)
                    F.cid[g++] = (uint16_t)(first + k);
                at += w;
            }
        }
    }
    hb_blob_destroy(blob);
    return ok;
}

static int16_t head_i16(const uint8_t *h, size_t off) { return (int16_t)be16(h + off); }

static bool read_metrics(void)
{
    F.upem = hb_face_get_upem(F.face);
    hb_font_t *font = hb_font_create(F.face);
    hb_font_set_scale(font, 1000, 1000); /* advances in 1/1000 em: PDF's glyph space */
    for (unsigned g = 0; g < F.n_glyphs; g++)
        F.adv[g] = hb_font_get_glyph_h_advance(font, g);
    hb_position_t v;
    F.ascent = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v) ? v : 880;
    F.descent =
        hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v) ? v : -120;
    F.cap_height = hb_ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v) ? v : 733;
    hb_font_destroy(font);
    hb_blob_t *blob = hb_face_reference_table(F.face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned len;
    const uint8_t *h = (const uint8_t *)hb_blob_get_data(blob, &len);
    bool ok = h && len >= 54 && F.upem;
    for (int k = 0; ok && k < 4; k++)
        F.bbox[k] = head_i16(h, 36 + 2 * (size_t)k) * 1000 / (int)F.upem;
    hb_blob_destroy(blob);
    return ok;
}

void pdfd_release(void)
{
    if (F.pre)
        hb_face_destroy(F.pre);
    if (F.face)
        hb_face_destroy(F.face);
    if (F.drop)
        hb_set_destroy(F.drop);
    for (size_t i = 0; i < F.n_fonts; i++)
        g_object_unref(F.fonts[i].font);
    free(F.cid);
    free(F.adv);
    free(F.used);
    free(F.list);
    free(F.uni);
    free(F.unitext);
    memset(&F, 0, sizeof F);
}

bool pdfd_prepare(const char *font_file, const char *family)
{
    if (F.ready)
        return true;
    if (!font_file)
        return false;
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(font_file);
    if (!blob)
        return false;
    F.face = hb_face_create(blob, 0);
    hb_blob_destroy(blob);
    F.n_glyphs = hb_face_get_glyph_count(F.face);
    F.family = family;
    F.cid = calloc(F.n_glyphs + 1, sizeof *F.cid);
    F.adv = calloc(F.n_glyphs + 1, sizeof *F.adv);
    F.used = calloc(F.n_glyphs + 1, 1);
    F.list = calloc(F.n_glyphs + 1, sizeof *F.list);
    F.uni = malloc((F.n_glyphs + 1) * sizeof *F.uni);
    F.drop = hb_set_create();
    bool ok = F.n_glyphs > 1 && F.n_glyphs <= 65535 && F.cid && F.adv && F.used && F.list &&
              F.uni && read_charset() && read_metrics();
    if (ok) {
        for (unsigned g = 0; g <= F.n_glyphs; g++)
            F.uni[g] = -1;
        hb_tag_t tags[64];
        unsigned n = 64;
        hb_face_get_table_tags(F.face, 0, &n, tags);
        for (unsigned i = 0; i < n; i++)
            if (tags[i] != HB_TAG('C', 'F', 'F', ' ') && tags[i] != HB_TAG('h', 'e', 'a', 'd') &&
                tags[i] != HB_TAG('m', 'a', 'x', 'p'))
                hb_set_add(F.drop, tags[i]);
    }
    if (!ok) {
        pdfd_release();
        return false;
    }
    F.ready = true;
    return true;
}

/* Whether font is the cut font (by its family; remembered per font). */
static bool ours(PangoFont *font)
{
    for (size_t i = 0; i < F.n_fonts; i++)
        if (F.fonts[i].font == font)
            return F.fonts[i].ours;
    PangoFontDescription *d = pango_font_describe(font);
    const char *fam = d ? pango_font_description_get_family(d) : NULL;
    bool yes = fam && F.family && !strcmp(fam, F.family);
    if (d)
        pango_font_description_free(d);
    if (F.n_fonts < MAX_FONTS)
        F.fonts[F.n_fonts++] = (struct known_font){g_object_ref(font), yes};
    return yes;
}

bool pdf_run_plain(const PangoGlyphItem *run)
{
    if ((run->item->analysis.level & 1) || run->y_offset || run->start_x_offset ||
        run->end_x_offset || run->item->analysis.extra_attrs)
        return false;
    for (int i = 0; i < run->glyphs->num_glyphs; i++) {
        PangoGlyph gl = run->glyphs->glyphs[i].glyph;
        if ((gl & PANGO_GLYPH_UNKNOWN_FLAG) && gl != (0x20 | PANGO_GLYPH_UNKNOWN_FLAG))
            return false;
    }
    return true;
}

/* A run kasan's writer shows: plain, in the cut font, every glyph of it on
 * the baseline. */
static bool run_ours(const PangoGlyphItem *run)
{
    if (!pdf_run_plain(run) || !ours(run->item->analysis.font))
        return false;
    for (int i = 0; i < run->glyphs->num_glyphs; i++) {
        const PangoGlyphInfo *gi = &run->glyphs->glyphs[i];
        if (gi->geometry.y_offset || (!(gi->glyph & PANGO_GLYPH_UNKNOWN_FLAG) &&
                                      gi->glyph != PANGO_GLYPH_EMPTY && gi->glyph >= F.n_glyphs))
            return false;
    }
    return true;
}

bool pdfd_layout_ok(PangoLayout *l)
{
    if (!F.ready)
        return false;
    static GQuark known; /* 1 yes, 2 no */
    if (!known)
        known = g_quark_from_static_string("kasan-pdfd-ok");
    int memo = GPOINTER_TO_INT(g_object_get_qdata(G_OBJECT(l), known));
    if (memo)
        return memo == 1;
    bool ok = true;
    for (GSList *li = pango_layout_get_lines_readonly(l); ok && li; li = li->next)
        for (GSList *r = ((PangoLayoutLine *)li->data)->runs; ok && r; r = r->next)
            ok = run_ours(r->data);
    g_object_set_qdata(G_OBJECT(l), known, GINT_TO_POINTER(ok ? 1 : 2));
    return ok;
}

/* ---- a document ----------------------------------------------------------- */

struct pdfd {
    buf *pages;
    size_t np, cap_p;
    bool failed;
    /* the page's graphics state as written so far: a change only is written */
    pdf_rgb fill;
    int size;           /* pango units */
    long long tc;       /* hundredths of a point */
    bool has_fill, has_size, has_tc;
};

pdfd *pdfd_new(void) { return calloc(1, sizeof(pdfd)); }

/* A length and a point of the page as the content stream writes them. */
static void put_len(buf *b, long long pu) { put_h(b, hundredths(pu)); }
static void put_xy(buf *b, long long x, long long y)
{
    put_len(b, x);
    put_h(b, PAGE_H_HUNDREDTHS - hundredths(y));
}

/* The glyphs noted for the document forgotten (F's per-document arrays). */
static void forget_glyphs(void)
{
    for (size_t i = 0; i < F.n_list; i++) {
        F.used[F.list[i]] = 0;
        F.uni[F.list[i]] = -1;
    }
    F.n_list = 0;
    F.n_unitext = 0;
}

void pdfd_free(pdfd *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->np; i++)
        free(w->pages[i].p);
    free(w->pages);
    free(w);
    forget_glyphs();
}

void pdfd_page(pdfd *w)
{
    if (w->np == w->cap_p) {
        size_t cap = w->cap_p ? w->cap_p * 2 : 4;
        buf *p = realloc(w->pages, cap * sizeof *p);
        if (!p) {
            w->failed = true;
            return;
        }
        w->pages = p;
        w->cap_p = cap;
    }
    w->pages[w->np++] = (buf){0};
    w->has_fill = w->has_size = w->has_tc = false; /* a new content stream */
}

static buf *page(pdfd *w) { return w->np ? &w->pages[w->np - 1] : NULL; }

static void put_rgb(buf *b, const pdf_rgb *c, const char *op)
{
    put_h(b, div_round(c->r * 100, 255));
    put_h(b, div_round(c->g * 100, 255));
    put_h(b, div_round(c->b * 100, 255));
    putf(b, " %s\n", op);
}

/* The fill colour, written when it changes. */
static void set_fill(pdfd *w, buf *b, const pdf_rgb *rgb)
{
    if (w->has_fill && w->fill.r == rgb->r && w->fill.g == rgb->g && w->fill.b == rgb->b)
        return;
    w->fill = *rgb;
    w->has_fill = true;
    put_rgb(b, rgb, "rg");
}

void pdfd_rect(pdfd *w, int x, int y, int wd, int h, const pdf_rgb *rgb, bool fill,
               int line_width)
{
    buf *b = page(w);
    if (!b)
        return;
    if (fill) {
        set_fill(w, b, rgb);
    } else {
        put_rgb(b, rgb, "RG");
        put_len(b, line_width);
        puts_(b, " w");
    }
    put_xy(b, x, (long long)y + h); /* its lower left corner */
    put_len(b, wd);
    put_len(b, h);
    puts_(b, fill ? " re f\n" : " re S\n");
}

void pdfd_line(pdfd *w, int x0, int y0, int x1, int y1, int line_width)
{
    buf *b = page(w);
    if (!b)
        return;
    puts_(b, "0 0 0 RG");
    put_len(b, line_width);
    puts_(b, " w");
    put_xy(b, x0, y0);
    puts_(b, " m");
    put_xy(b, x1, y1);
    puts_(b, " l S\n");
}

/* Notes gid for the font subset, with its text (the first cluster it
 * shows) for the ToUnicode map. */
static void note_glyph(pdfd *w, unsigned gid, const char *text, size_t len)
{
    if (!F.used[gid]) {
        F.used[gid] = 1;
        F.list[F.n_list++] = gid;
    }
    if (F.uni[gid] >= 0 || !len)
        return;
    if (F.n_unitext + len + 1 > F.cap_unitext) {
        size_t cap = F.cap_unitext ? F.cap_unitext * 2 : 4096;
        while (cap < F.n_unitext + len + 1)
            cap *= 2;
        char *p = realloc(F.unitext, cap);
        if (!p) {
            w->failed = true;
            return;
        }
        F.unitext = p;
        F.cap_unitext = cap;
    }
    F.uni[gid] = (int32_t)F.n_unitext;
    memcpy(F.unitext + F.n_unitext, text, len);
    F.n_unitext += len;
    F.unitext[F.n_unitext++] = '\0';
}

/* One run at (x, y) (its baseline's origin) in a TJ: each glyph where
 * pango puts it.  Pango rounds advances (a 9.5 pt em is 10 pt): the
 * difference of the run's first glyph becomes the character spacing (Tc),
 * so that most glyphs need no adjustment; where another differs (a
 * proportional digit, kerning) a TJ adjustment moves the pen.  Positions
 * are kept in pango units × 1000 (a width is 1/1000 em of a size in pango
 * units): exact integers, adjustments in the TJ's 1/1000 em. */
static void show_run(pdfd *w, buf *b, const char *text, PangoGlyphItem *run, int x, int y,
                     int size)
{
    const PangoGlyphString *gs = run->glyphs;
    /* the text of each glyph: its cluster's, on the cluster's first glyph */
    PangoGlyphItemIter it;
    for (gboolean more = pango_glyph_item_iter_init_start(&it, run, text); more;
         more = pango_glyph_item_iter_next_cluster(&it))
        for (int i = it.start_glyph; i < it.end_glyph; i++) {
            PangoGlyph gl = gs->glyphs[i].glyph;
            if (gl == PANGO_GLYPH_EMPTY || (gl & PANGO_GLYPH_UNKNOWN_FLAG))
                continue;
            bool first = i == it.start_glyph;
            note_glyph(w, gl, text + it.start_index,
                       first ? (size_t)(it.end_index - it.start_index) : 0);
        }
    long long tc = 0; /* hundredths of a point, as written */
    for (int i = 0; i < gs->num_glyphs; i++) {
        PangoGlyph gl = gs->glyphs[i].glyph;
        if (gl != PANGO_GLYPH_EMPTY && !(gl & PANGO_GLYPH_UNKNOWN_FLAG)) {
            long long diff = (long long)gs->glyphs[i].geometry.width * 1000 -
                             (long long)F.adv[gl] * size;
            tc = div_round(diff * 100, (long long)PANGO_SCALE * 1000);
            break;
        }
    }
    if (!w->has_tc || tc != w->tc) {
        w->tc = tc;
        w->has_tc = true;
        put_h(b, tc);
        puts_(b, " Tc");
    }
    puts_(b, " 1 0 0 1");
    put_xy(b, x, y);
    puts_(b, " Tm [<");
    /* a hundredth of a point is PANGO_SCALE × 1000 / 100 = 10,240 of these units */
    const long long tc_units = tc * PANGO_SCALE * 10;
    long long pen = 0; /* from x, pango units × 1000 */
    int xp = 0;
    for (int i = 0; i < gs->num_glyphs; i++) {
        const PangoGlyphInfo *gi = &gs->glyphs[i];
        PangoGlyph gl = gi->glyph;
        long long at = (long long)(xp + gi->geometry.x_offset) * 1000;
        xp += gi->geometry.width;
        if (gl == PANGO_GLYPH_EMPTY || (gl & PANGO_GLYPH_UNKNOWN_FLAG))
            continue;
        long long adj = div_round(pen - at, size);
        if (adj) {
            putf(b, ">%lld<", adj);
            pen -= adj * size;
        }
        put_hex4(b, F.cid[gl]);
        pen += (long long)F.adv[gl] * size + tc_units;
    }
    puts_(b, ">] TJ\n");
}

void pdf_layout_runs(PangoLayout *l, int ox, int oy, pdf_run_fn fn, void *ctx)
{
    const char *text = pango_layout_get_text(l);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    bool more = true;
    do {
        PangoRectangle lr;
        pango_layout_iter_get_line_extents(it, NULL, &lr);
        int baseline = pango_layout_iter_get_baseline(it), x_off = 0;
        for (GSList *r = pango_layout_iter_get_line_readonly(it)->runs; more && r; r = r->next) {
            PangoGlyphItem *run = r->data;
            more = fn(ctx, text, run, ox + lr.x + x_off, oy + baseline);
            x_off += pango_glyph_string_get_width(run->glyphs);
        }
    } while (more && pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
}

typedef struct run_ctx {
    pdfd *w;
    buf *b;
    int size;
} run_ctx;

static bool run_into(void *ctx, const char *text, PangoGlyphItem *run, int x, int y)
{
    run_ctx *c = ctx;
    show_run(c->w, c->b, text, run, x, y, c->size);
    return true;
}

void pdfd_layout(pdfd *w, PangoLayout *l, int ox, int oy, const pdf_rgb *rgb)
{
    buf *b = page(w);
    if (!b)
        return;
    int size = pango_font_description_get_size(pango_layout_get_font_description(l));
    set_fill(w, b, rgb);
    puts_(b, "BT");
    if (!w->has_size || w->size != size) {
        w->size = size;
        w->has_size = true;
        puts_(b, " /F1");
        put_len(b, size);
        puts_(b, " Tf");
    }
    puts_(b, "\n");
    run_ctx c = {w, b, size};
    pdf_layout_runs(l, ox, oy, run_into, &c);
    puts_(b, "ET\n");
}

/* ---- the file ------------------------------------------------------------ */

/* UTF-8 → UTF-16BE hex (surrogate pairs above the BMP). */
static void put_utf16_hex(buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
        for (; more && (*p & 0xC0) == 0x80; more--)
            c = c << 6 | (*p++ & 0x3F);
        if (c >= 0x10000) {
            c -= 0x10000;
            put_hex4(b, 0xD800 | (c >> 10));
            put_hex4(b, 0xDC00 | (c & 0x3FF));
        } else {
            put_hex4(b, c);
        }
    }
}

static int cmp_cid(const void *a, const void *b)
{
    unsigned x = F.cid[*(const uint32_t *)a], y = F.cid[*(const uint32_t *)b];
    return (x > y) - (x < y);
}

/* The cut font subset to the document's glyphs: the CFF table's bytes (a
 * blob to destroy), or NULL. */
static hb_blob_t *subset_cff(void)
{
    if (!F.pre && F.docs >= PREPROCESS_AFTER)
        F.pre = hb_subset_preprocess(F.face);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in)
        return NULL;
    hb_set_t *gs = hb_subset_input_glyph_set(in);
    hb_set_add(gs, 0);
    for (size_t i = 0; i < F.n_list; i++)
        hb_set_add(gs, F.list[i]);
    hb_set_clear(hb_subset_input_unicode_set(in));
    hb_set_union(hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG), F.drop);
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NOTDEF_OUTLINE);
    hb_face_t *r = hb_subset_or_fail(F.pre ? F.pre : F.face, in);
    hb_subset_input_destroy(in);
    if (!r)
        return NULL;
    hb_blob_t *cff = hb_face_reference_table(r, HB_TAG('C', 'F', 'F', ' '));
    hb_face_destroy(r);
    if (!hb_blob_get_length(cff)) {
        hb_blob_destroy(cff);
        return NULL;
    }
    return cff;
}

typedef struct file {
    buf b;
    size_t *off;        /* object offsets, by number (1 …) */
} file;

static void obj(file *f, size_t no)
{
    f->off[no] = f->b.n;
    putf(&f->b, "%zu 0 obj\n", no);
}

/* A stream object; deflated when z. */
static bool stream(file *f, size_t no, const char *dict, const void *data, size_t len, bool z)
{
    obj(f, no);
    if (!z) {
        putf(&f->b, "<< %s/Length %zu >>\nstream\n", dict, len);
        put(&f->b, data, len);
    } else {
        uLongf out = compressBound((uLong)len);
        if (!reserve(&f->b, out + 128))
            return false;
        char *hold = malloc(out);
        if (!hold || compress2((Bytef *)hold, &out, data, (uLong)len, PDF_ZLEVEL) != Z_OK) {
            free(hold);
            return false;
        }
        putf(&f->b, "<< %s/Filter /FlateDecode /Length %lu >>\nstream\n", dict,
             (unsigned long)out);
        put(&f->b, hold, out);
        free(hold);
    }
    puts_(&f->b, "\nendstream\nendobj\n");
    return true;
}

static void tounicode(buf *t)
{
    puts_(t, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
             "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
             "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
             "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    size_t n = 0;
    for (size_t i = 0; i < F.n_list; i++)
        n += F.uni[F.list[i]] >= 0;
    for (size_t i = 0, done = 0; i < F.n_list; i++) {
        uint32_t g = F.list[i];
        if (F.uni[g] < 0)
            continue;
        if (done % 100 == 0)
            putf(t, "%zu beginbfchar\n", n - done < 100 ? n - done : 100);
        put(t, "<", 1);
        put_hex4(t, F.cid[g]);
        puts_(t, "> <");
        put_utf16_hex(t, F.unitext + F.uni[g]);
        puts_(t, ">\n");
        if (++done % 100 == 0 || done == n)
            puts_(t, "endbfchar\n");
    }
    puts_(t, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
}

/* "D:20250510000000+09'00'" from "2025-05-10T00:00:00+09:00". */
static void pdf_date(const char *iso, char out[32])
{
    char d[32] = "";
    size_t k = 0;
    for (const char *p = iso; *p && k < 14; p++)
        if (*p >= '0' && *p <= '9')
            d[k++] = *p;
    d[k] = '\0';
    const char *tz = strlen(iso) >= 25 ? iso + 19 : "Z";
    if (*tz == '+' || *tz == '-')
        snprintf(out, 32, "D:%s%c%.2s'%.2s'", d, *tz, tz + 1, tz + 4);
    else
        snprintf(out, 32, "D:%sZ", d);
}

int pdfd_write(pdfd *w, const char *title, const char *date, FILE *out, char *err, size_t errsz)
{
    file f = {0};
    int rc = -1;
    hb_blob_t *cff = NULL;
    buf t = {0};
    F.docs++;
    if (w->failed || !w->np)
        goto fail;
    for (size_t i = 0; i < w->np; i++)
        if (w->pages[i].failed)
            goto fail;
    qsort(F.list, F.n_list, sizeof *F.list, cmp_cid);
    if (!(cff = subset_cff())) {
        snprintf(err, errsz, "the font could not be subset (harfbuzz)");
        return -1;
    }
    /* the subset's name: a tag of its glyphs, as PDF wants for a subset */
    char tag[7], hex[SHA256_HEX_LEN + 1];
    hash_sha256_hex((const char *)F.list, F.n_list * sizeof *F.list, hex);
    for (int i = 0; i < 6; i++)
        tag[i] = (char)('A' + (unsigned char)hex[i] % 26);
    tag[6] = '\0';
    enum { CATALOG = 1, PAGES, INFO, FONT, CIDFONT, DESC, TOUNI, PROGRAM, FIRST_PAGE };
    size_t n_obj = FIRST_PAGE + 2 * w->np;
    if (!(f.off = calloc(n_obj + 1, sizeof *f.off)))
        goto fail;
    put(&f.b, "%PDF-1.5\n%\xE2\xE3\xCF\xD3\n", 15);
    obj(&f, CATALOG);
    puts_(&f.b, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
    obj(&f, PAGES);
    puts_(&f.b, "<< /Type /Pages /Kids [");
    for (size_t i = 0; i < w->np; i++)
        putf(&f.b, "%s%zu 0 R", i ? " " : "", FIRST_PAGE + 2 * i);
    putf(&f.b, "] /Count %zu >>\nendobj\n", w->np);
    obj(&f, INFO);
    char pd[32];
    pdf_date(date ? date : "", pd);
    puts_(&f.b, "<< /Title <FEFF");
    put_utf16_hex(&f.b, title ? title : "");
    putf(&f.b, "> /Creator (kasan) /Producer (kasan) /CreationDate (%s) /ModDate (%s) >>\n"
               "endobj\n", pd, pd);
    obj(&f, FONT);
    putf(&f.b, "<< /Type /Font /Subtype /Type0 /BaseFont /%s+NotoSansCJKjp-Regular /Encoding "
               "/Identity-H /DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>\nendobj\n",
         tag, CIDFONT, TOUNI);
    obj(&f, CIDFONT);
    putf(&f.b, "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /%s+NotoSansCJKjp-Regular "
               "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
               "/FontDescriptor %d 0 R /DW 1000 /W [", tag, DESC);
    for (size_t i = 0; i < F.n_list; i++) /* by CID: the widths other than 1000 */
        if (F.adv[F.list[i]] != 1000)
            putf(&f.b, " %u [%d]", F.cid[F.list[i]], (int)F.adv[F.list[i]]);
    puts_(&f.b, " ] >>\nendobj\n");
    obj(&f, DESC);
    putf(&f.b, "<< /Type /FontDescriptor /FontName /%s+NotoSansCJKjp-Regular /Flags 4 "
               "/FontBBox [%d %d %d %d] /ItalicAngle 0 /Ascent %d /Descent %d /CapHeight %d "
               "/StemV 80 /FontFile3 %d 0 R >>\nendobj\n",
         tag, F.bbox[0], F.bbox[1], F.bbox[2], F.bbox[3], F.ascent, F.descent, F.cap_height,
         PROGRAM);
    tounicode(&t);
    unsigned cff_len;
    const char *cff_data = hb_blob_get_data(cff, &cff_len);
    if (t.failed || !stream(&f, TOUNI, "", t.p, t.n, true) ||
        !stream(&f, PROGRAM, "/Subtype /CIDFontType0C ", cff_data, cff_len, false))
        goto fail;
    for (size_t i = 0; i < w->np; i++) {
        size_t po = FIRST_PAGE + 2 * i;
        obj(&f, po);
        /* A4: PDF_PAGE_W_PT × PDF_PAGE_H_PT */
        putf(&f.b, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 %d 0 R >> >> /Contents %zu 0 R >>\nendobj\n",
             FONT, po + 1);
        if (!stream(&f, po + 1, "", w->pages[i].p, w->pages[i].n, true))
            goto fail;
    }
    size_t xref = f.b.n;
    putf(&f.b, "xref\n0 %zu\n0000000000 65535 f \n", n_obj);
    for (size_t i = 1; i < n_obj; i++)
        putf(&f.b, "%010zu 00000 n \n", f.off[i]);
    putf(&f.b, "trailer\n<< /Size %zu /Root 1 0 R /Info 3 0 R >>\nstartxref\n%zu\n%%%%EOF\n",
         n_obj, xref);
    if (f.b.failed)
        goto fail;
    if (fwrite(f.b.p, 1, f.b.n, out) != f.b.n) {
        snprintf(err, errsz, "%s", strerror(errno));
        goto done;
    }
    rc = 0;
    goto done;
fail:
    snprintf(err, errsz, "out of memory");
done:
    if (cff)
        hb_blob_destroy(cff);
    free(f.off);
    free(f.b.p);
    free(t.p);
    return rc;
}
