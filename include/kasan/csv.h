/* csv: an RFC 4180 reader over a byte buffer, for the SPEC section 2 inputs.
 *
 * csv_open() detects the encoding (valid UTF-8, BOM optional → used as is;
 * otherwise the whole buffer is converted from CP932 with iconv), then
 * csv_header() reads the header row and finds the wanted columns by name in
 * any order (extra columns are ignored), and csv_next() yields one record at a
 * time.  Fields are (pointer, length) slices, not NUL-terminated, valid until
 * the next csv_next(); they point into the input (or the converted copy)
 * unless a quoted field held a doubled quote, in which case they point into a
 * reusable buffer of the reader.  Nothing is allocated per record or field.
 *
 * Errors go to diag as `name:line:col: error: ...` where line is the physical
 * line the record starts on (quoted fields may hold newlines) and col is the
 * 1-based field number.  A bad record (field count differing from the header,
 * a stray quote) is reported and skipped, and reading goes on; an unterminated
 * quote, a line or record longer than CSV_MAX_LINE bytes, or more than
 * CSV_MAX_FIELDS fields stop the reading (csv_next returns -1).  Blank lines
 * are skipped (Python's csv module does the same).  csv_errors() counts every
 * error the reader reported. */
#ifndef KASAN_CSV_H
#define KASAN_CSV_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/diag.h"

#define CSV_MAX_LINE ((size_t)1 << 20) /* bytes of one physical line or one record */
#define CSV_MAX_FIELDS 4096            /* fields of one record */

typedef enum csv_encoding {
    CSV_UTF8,
    CSV_UTF8_BOM,
    CSV_CP932, /* converted to UTF-8 on open */
} csv_encoding;

typedef struct csv_field {
    const char *p; /* not NUL-terminated */
    size_t len;
} csv_field;

/* A column the caller wants; an absent optional column reads as empty. */
typedef struct csv_column {
    const char *name;
    bool required;
} csv_column;

typedef struct csv_reader {
    const char *name;       /* display name, borrowed */
    const char *data;       /* UTF-8 text without BOM */
    size_t len, pos;
    size_t newlines;        /* '\n' bytes in data */
    int line;               /* physical line of data[pos] */
    int rec_line;           /* physical line where the current record starts */
    csv_encoding encoding;
    char *converted;        /* malloc'd UTF-8 copy of CP932 input, or NULL */
    char *unquoted;         /* CSV_MAX_LINE bytes, made on first need */
    size_t unquoted_len;
    csv_field *f;           /* fields of the current record */
    size_t nf, f_cap;
    size_t n_header;        /* fields per record, 0 before the header */
    size_t errors;
    bool stopped;           /* a fatal error was reported */
} csv_reader;

/* Prepares r over data (borrowed: it must outlive the reader).  Returns 0, or
 * -1 after reporting text that is neither UTF-8 nor CP932. */
int csv_open(csv_reader *r, const char *name, const char *data, size_t len, diag_list *d);
/* Reads the header row.  idx[i] receives the 0-based field position of
 * cols[i], or -1 for an absent optional column.  Reports a missing required
 * column, a duplicated wanted column and an empty file; returns 0 or -1. */
int csv_header(csv_reader *r, const csv_column *cols, size_t n, int *idx, diag_list *d);
/* Next record: 1 (fields in r->f[0 .. r->nf-1], line in r->rec_line), 0 at the
 * end, -1 after a fatal error. */
int csv_next(csv_reader *r, diag_list *d);
/* An upper bound on the records still to come (newlines left + 1). */
size_t csv_max_records(const csv_reader *r);
size_t csv_errors(const csv_reader *r);
void csv_close(csv_reader *r);

/* Field at position idx (from csv_header), empty for -1. */
static inline csv_field csv_get(const csv_reader *r, int idx)
{
    if (idx < 0 || (size_t)idx >= r->nf)
        return (csv_field){"", 0};
    return r->f[idx];
}

/* Whether data[0..len) is well-formed UTF-8 (no overlongs, no surrogates);
 * if not, *bad gets the offset of the first offending byte. */
bool csv_utf8_valid(const char *data, size_t len, size_t *bad);

#endif
