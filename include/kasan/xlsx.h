/* xlsx: reading the cells of an .xlsx workbook (Office Open XML) as Excel and
 * LibreOffice save it — zip container through libzip, XML through expat.
 *
 * A workbook is opened from a path or from bytes; xlsx_sheet_read() gives one
 * sheet's non-empty cells in document order as (row, col, kind, text, ref).
 * Shared strings and inline strings come out as XLSX_TEXT; numbers as the
 * digits written in the file (XLSX_NUMBER, never a double); a date is a number
 * (a serial of the workbook's date system, 1900 or 1904: xlsx_sheet.date1904
 * and xlsx_serial_date) or text, as the program that saved it chose.
 * Formulas are not evaluated: the result the program saved with one is the
 * cell's value; a formula saved without its result (openpyxl and other
 * libraries write them so) is XLSX_FORMULA, whose value nobody can know —
 * never an empty cell.  Not here: styles, number formats, what the cells
 * mean (src/intake/forms_read.c knows the claim forms).
 *
 * Hostile files are refused in bounded time and memory, with a message in
 * err: a file larger than max_file, an entry or the sum of entries read
 * beyond max_entry / max_total uncompressed bytes, an entry that inflates
 * more than max_ratio times (zip bomb), more than max_rows rows or max_cells
 * cells in a sheet, XML nested deeper than max_depth, and any DOCTYPE (so no
 * entity, internal or external, is ever expanded: XXE, billion laughs).
 *
 * Ownership: an xlsx_book owns its bytes and sheet list (xlsx_close); a
 * sheet's cells and texts live in the caller's arena. */
#ifndef KASAN_XLSX_H
#define KASAN_XLSX_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/date.h"

typedef struct xlsx_limits {
    size_t max_file;   /* bytes of the .xlsx file */
    size_t max_entry;  /* uncompressed bytes of one zip entry read */
    size_t max_total;  /* uncompressed bytes of all entries read */
    size_t max_ratio;  /* uncompressed / compressed, for entries over 1 MB */
    uint32_t max_rows; /* highest row number of a sheet */
    size_t max_cells;  /* cells with a value in a sheet */
    int max_depth;     /* XML element nesting */
} xlsx_limits;

/* 16 MB file, 32 MB entry, 64 MB in all, ratio 100, 65,536 rows, 200,000
 * cells, depth 64: a claim form is a few tens of kilobytes. */
extern const xlsx_limits XLSX_DEFAULT_LIMITS;

typedef enum xlsx_kind {
    XLSX_TEXT,   /* shared string, inline string, a formula's string result, or an
                  * ISO 8601 date cell (t="d": "2025-05-01T00:00:00") */
    XLSX_NUMBER, /* the number as written: "12", "92.5", "4.5E-2" */
    XLSX_BOOL,   /* "0" or "1" */
    XLSX_ERROR,  /* "#N/A", "#VALUE!" ... */
    XLSX_FORMULA, /* a formula saved without its result: text is "=" and the
                   * formula ("=20000"); its value is unknown */
} xlsx_kind;

typedef struct xlsx_cell {
    uint32_t row, col;   /* 1-based: B7 is row 7, col 2 */
    xlsx_kind kind;
    const char *text;    /* NUL-terminated UTF-8 */
    char ref[16];        /* "B7" */
} xlsx_cell;

typedef struct xlsx_sheet {
    const char *name;
    xlsx_cell *cells;    /* in document order (rows ascending as written) */
    size_t n;
    bool protected_;     /* has <sheetProtection sheet="1"> */
    bool date1904;       /* the workbook's date system is 1904 (<workbookPr
                          * date1904="1">, Excel for Mac once): read its date
                          * serials with xlsx_serial_date(text, true, ...) */
} xlsx_sheet;

typedef struct xlsx_book xlsx_book;

/* Opens a workbook.  lim NULL = XLSX_DEFAULT_LIMITS.  Returns 0, or -1 with
 * a message in err (without the file name: the caller prefixes it). */
int xlsx_open_file(const char *path, const xlsx_limits *lim, xlsx_book **out, char *err,
                   size_t errsz);
/* The same over bytes (copied). */
int xlsx_open_mem(const void *data, size_t len, const xlsx_limits *lim, xlsx_book **out,
                  char *err, size_t errsz);
void xlsx_close(xlsx_book *b);

/* Sheets in workbook order. */
size_t xlsx_sheet_count(const xlsx_book *b);
const char *xlsx_sheet_name(const xlsx_book *b, size_t i);
/* Index of the sheet with that name, or -1. */
long xlsx_sheet_find(const xlsx_book *b, const char *name);
/* Reads sheet i into out (cells and texts in a).  0, or -1 with err. */
int xlsx_sheet_read(xlsx_book *b, size_t i, arena *a, xlsx_sheet *out, char *err, size_t errsz);

/* "B7" for (7, 2); buf of 16 bytes. */
void xlsx_ref(uint32_t row, uint32_t col, char buf[16]);
/* A date serial ("45778", "45778.5": the day part counts) → date.  In the
 * 1900 date system 1 is 1900-01-01; serial 60 is Excel's non-existent
 * 1900-02-29 and is refused, as are serials before 1 or after 2958465
 * (9999-12-31).  In the 1904 system (date1904) 0 is 1904-01-01 and the
 * last is 2957003 (9999-12-31), so one day reads 1,462 apart in the two.
 * False when text is not such a number. */
bool xlsx_serial_date(const char *text, bool date1904, date_t *out);

#endif
