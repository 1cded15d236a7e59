/* pdf_direct: the PDF file of a document written by kasan itself, for the
 * common case (issue 22's speed: cairo's per-document work cost three
 * times the xlsx) — pango still shapes and lays out every text; what is
 * drawn (filled and stroked rectangles, lines, laid-out text in a colour)
 * goes into a page content stream here, and the file gets one embedded
 * font: the build's cut-down Noto Sans CJK JP (fonts/subset.py) subset to
 * the document's glyphs by harfbuzz's subsetter (hb-subset, its face
 * preprocessed once a process has written enough documents), as a CID
 * font (CIDFontType0C, Identity-H, the cut font's CIDs), with its widths
 * and a ToUnicode map from pango's clusters, so pdftotext gives the text
 * back.  A document with a glyph from any other font (a character the cut
 * font lacks: the system's full font) or a layout pango would draw
 * otherwise (a hex box, right-to-left, glyph offsets) is not for this
 * writer: pdf.c asks pdfd_layout_ok first and draws such a document with
 * cairo.  Private to src/report.  Geometry is in whole pango units (1/1024
 * point) with y down, as in pdf.c; no amount passes through here. */
#ifndef KASAN_REPORT_PDF_DIRECT_H
#define KASAN_REPORT_PDF_DIRECT_H
#include <stdbool.h>
#include <stdio.h>

#include <pango/pango.h>

/* A4: pango units for the layout, points as written in the files */
#define PDF_PAGE_W 609567 /* 595.28 pt */
#define PDF_PAGE_H 862095 /* 841.89 pt */
#define PDF_PAGE_W_PT 595.28
#define PDF_PAGE_H_PT 841.89

/* A colour, 0–255 a component. */
typedef struct pdf_rgb {
    unsigned char r, g, b;
} pdf_rgb;

/* Ready once per process (after the font map is): false when the cut font
 * (font_file, named family in pango's fonts) cannot be read; every
 * document then goes through cairo. */
bool pdfd_prepare(const char *font_file, const char *family);
void pdfd_release(void);

/* Whether pango would draw run as plain glyphs, all of them known (no
 * right-to-left, offsets, attributes or hex box): shared by both paths. */
bool pdf_run_plain(const PangoGlyphItem *run);
/* Whether every run of l is plain glyphs of the cut font, on the baseline
 * (the answer kept with the layout: layouts are shared across documents). */
bool pdfd_layout_ok(PangoLayout *l);

/* Each run of l with the origin of its baseline, l's origin (top left) at
 * (ox, oy), as pango_renderer_draw_layout places lines and runs (shared by
 * this writer and pdf.c's cairo path); stops when fn returns false. */
typedef bool (*pdf_run_fn)(void *ctx, const char *text, PangoGlyphItem *run, int x, int y);
void pdf_layout_runs(PangoLayout *l, int ox, int oy, pdf_run_fn fn, void *ctx);

typedef struct pdfd pdfd;

pdfd *pdfd_new(void); /* A4 pages */
void pdfd_free(pdfd *w);
void pdfd_page(pdfd *w);  /* starts a page (the first one too) */
void pdfd_rect(pdfd *w, int x, int y, int wd, int h, const pdf_rgb *rgb, bool fill,
               int line_width);
void pdfd_line(pdfd *w, int x0, int y0, int x1, int y1, int line_width);
/* l with its origin (top left, pango's) at (ox, oy), in colour rgb. */
void pdfd_layout(pdfd *w, PangoLayout *l, int ox, int oy, const pdf_rgb *rgb);
/* Writes the whole file to f: 0, or -1 (out of memory, or the font could
 * not be subset) with err.  title/date as pdf_info (date ISO 8601). */
int pdfd_write(pdfd *w, const char *title, const char *date, FILE *f, char *err, size_t errsz);

#endif
