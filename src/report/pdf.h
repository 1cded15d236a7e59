/* pdf: the small PDF layer of the documents that leave the ward (支払通知書,
 * 交付額確定通知書, 不支給決定通知書) — A4 portrait pages of text and simple
 * tables in Noto Sans CJK JP (fonts-noto-cjk), embedded, laid out by pango
 * and drawn by cairo.  Every string is real text: pdftotext gives back each
 * amount and name.  Private to src/report.
 *
 * A document is built as a list of blocks (a paragraph, a gap, a table row)
 * and laid out only when written: pdf_write() breaks it into pages (a table
 * row never splits; its table's header row is repeated at the top of the
 * next page; a block marked PDF_KEEP stays with the one after it), then
 * draws each page with its footer ("… 1 / 2") and the draft mark, and
 * renames the file into place: through kasan's own writer (pdf_direct.c)
 * when every text is in the build's cut-down font, else through cairo.
 * The font map and its fonts are loaded once
 * per process (pdf_prepare, by the first document), not per document; pango
 * keeps a thread for it, so a writer process is forked before its first
 * document, not just after (pdf_prepare waits until that thread is idle).
 *
 * Not here: what a document says (statement_pdf.c, settle_notice_pdf.c,
 * refusal_pdf.c), the workbooks (formats.c). */
#ifndef KASAN_REPORT_PDF_H
#define KASAN_REPORT_PDF_H
#include <stdbool.h>
#include <stddef.h>

typedef enum pdf_style {
    PDF_BODY,    /* 9 pt: sentences */
    PDF_CELL,    /* 7 pt: table cells */
    PDF_SMALL,   /* 6 pt: notes, the rules applied */
    PDF_SECTION, /* 9.5 pt: a section's title, the addressee */
    PDF_TITLE,   /* 14 pt: the document's title */
    PDF_LARGE,   /* 13 pt: the amount paid */
    PDF_STYLES
} pdf_style;

typedef enum pdf_align { PDF_LEFT, PDF_CENTER, PDF_RIGHT } pdf_align;

/* A table column: its share of the page's width in thousandths (the shares
 * of a table add up to at most 1000) and its alignment. */
typedef struct pdf_col {
    unsigned permille;
    pdf_align align;
} pdf_col;

enum {
    PDF_GRID = 1,   /* pdf_table: cells framed (else plain text in columns) */
    PDF_SHADE = 2,  /* pdf_row: a total, shaded */
    PDF_KEEP = 4,   /* pdf_text, pdf_row: stays on the page of the next block */
    PDF_UNDERLINE = 8, /* pdf_row: two rules under the row (the amount paid) */
    PDF_SHADE_LAST = 16, /* pdf_table: its last column shaded (a result) */
};

enum { PDF_MAX_COLS = 16 };

typedef struct pdf_doc pdf_doc;

/* Loads the font map and checks that Noto Sans CJK JP is there; once per
 * process (later calls return at once).  0, or -1 with err. */
int pdf_prepare(char *err, size_t errsz);

/* A new document; footer: the text at the foot of every page, left of the
 * page number (borrowed until pdf_write); mark: printed in red at the top
 * of every page (試算), or NULL.  NULL when out of memory. */
pdf_doc *pdf_new(const char *footer, const char *mark);
void pdf_free(pdf_doc *d);

/* A paragraph over the page's width, wrapped; flags: PDF_KEEP. */
void pdf_text(pdf_doc *d, pdf_style s, pdf_align a, unsigned flags, const char *text);
void pdf_textf(pdf_doc *d, pdf_style s, pdf_align a, unsigned flags, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void pdf_gap(pdf_doc *d, int points);
/* A section's title: shaded band, kept with what follows. */
void pdf_section(pdf_doc *d, const char *title);

/* Starts a table of n columns (n ≤ PDF_MAX_COLS) whose rows follow;
 * flags: PDF_GRID.  cell: the style of its cells (PDF_CELL, PDF_BODY, …). */
void pdf_table(pdf_doc *d, const pdf_col *cols, size_t n, unsigned flags, pdf_style cell);
/* The header row of the current table (shaded, centred), repeated on the
 * next page when the table breaks. */
void pdf_header(pdf_doc *d, const char *const *cells);
/* A row of the current table: n cells, NULL or "" empty; flags PDF_SHADE,
 * PDF_KEEP, PDF_UNDERLINE. */
void pdf_row(pdf_doc *d, const char *const *cells, unsigned flags);

/* Document information: title, and the date it bears (an ISO 8601 time,
 * "2025-05-10T00:00:00+09:00"), written as its creation date so that the
 * same document written twice is the same bytes. */
typedef struct pdf_info {
    const char *title;
    const char *date;
} pdf_info;

/* Lays out, draws and writes the document to path (a temporary name, then
 * renamed); 0, or -1 with err and no file.  The document is freed either way. */
int pdf_write(pdf_doc *d, const pdf_info *info, const char *path, char *err, size_t errsz);

/* Pages of the last pdf_write (for the tests and the writers' asserts). */
int pdf_last_pages(void);

#endif
