/* intake_int: shared between intake's parsers (registry.c, claims.c) — the
 * record being read and the field checks that report `column 'name': ...`.
 * Not for other modules: they get typed records from kasan/intake.h. */
#ifndef KASAN_INTAKE_INT_H
#define KASAN_INTAKE_INT_H
#include "kasan/csv.h"
#include "kasan/intake.h"

#include <string.h>

/* A month a column's dates fell in: its first day and length. */
typedef struct intake_month_seen {
    int ym;                 /* year * 16 + month, or 0 for none */
    int days;
    date_t first;
} intake_month_seen;

enum { INTAKE_MONTHS = 32 }; /* months kept per column: two and a half years */

/* The last date read in a column, and the months seen (see intake_date). */
typedef struct intake_date_cache {
    char text[10];          /* empty (text[0] == 0) until a date was read */
    date_t value;
    intake_month_seen months[INTAKE_MONTHS]; /* by (year * 12 + month) % 32 */
} intake_date_cache;

/* Field checks shared by the parsers (defined in registry.c).  An intake_rec
 * is the current record of a reader with its wanted columns; column k is an
 * index into cols.  Each check reports `column 'name': ...` at the record's
 * line and the field's column, counts it in errors, and returns false. */
typedef struct intake_rec {
    const csv_reader *csv;
    const csv_column *cols;
    const int *idx;         /* positions from csv_header */
    diag_list *d;
    int errors;             /* of the current record */
    value *decl;            /* claim files: the record's declared values, or NULL */
    /* the last date intake_date read in each column (k % 4): a column's
     * dates repeat (most children enrolled from the month's first day), so
     * a repeat is one compare */
    intake_date_cache dates[4];
} intake_rec;

enum { INTAKE_SHOW_MAX = 64 };
/* 'value' for a message, cut at 40 bytes (on a UTF-8 boundary) with "...". */
const char *intake_show(char buf[INTAKE_SHOW_MAX], csv_field f);
static inline csv_field intake_field(const intake_rec *rec, int k)
{
    return csv_get(rec->csv, rec->idx[k]);
}
void intake_bad(intake_rec *rec, int k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Copies the field into the arena; required = must not be empty. */
bool intake_text(intake_rec *rec, int k, bool required, arena *a, const char **out);
bool intake_id(intake_rec *rec, int k);
/* Strict ISO date (date_parse_iso); empty gives DATE_OPEN when optional. */
bool intake_date_read(intake_rec *rec, int k, bool optional, date_t *out);
static inline bool intake_date(intake_rec *rec, int k, bool optional, date_t *out)
{
    csv_field f = intake_field(rec, k);
    const char *last = rec->dates[k & 3].text;
    if (f.len == 0 && optional) {
        *out = DATE_OPEN;
        return true;
    }
    if (f.len == 10 && memcmp(f.p, last, 8) == 0 && memcmp(f.p + 8, last + 8, 2) == 0) {
        *out = rec->dates[k & 3].value; /* the text of the date read last in the column */
        return true;
    }
    return intake_date_read(rec, k, optional, out);
}
/* Whole yen >= 0; empty gives 0 when optional. */
bool intake_yen_read(intake_rec *rec, int k, bool optional, int64_t *out);
static inline bool intake_yen(intake_rec *rec, int k, bool optional, int64_t *out)
{
    csv_field f = intake_field(rec, k);
    if (f.len == 0 && optional) {
        *out = 0;
        return true;
    }
    if (f.len >= 1 && f.len <= 18) { /* digits only: cannot overflow an int64 */
        int64_t v = 0;
        unsigned bad = 0;
        for (size_t i = 0; i < f.len; i++) {
            unsigned c = (unsigned)(unsigned char)f.p[i] - '0';
            bad |= c > 9;
            v = v * 10 + (int64_t)(c & 15);
        }
        if (!bad) {
            *out = v;
            return true;
        }
    }
    return intake_yen_read(rec, k, optional, out); /* long, or not digits: the full check */
}
/* Which of choices[0..n) the field is (stored as the static string), or -1. */
int intake_choice(intake_rec *rec, int k, const char *const *choices, size_t n);

#endif
