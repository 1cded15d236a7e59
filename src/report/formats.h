/* formats: what the workbook writers (payments_xlsx, statement_xlsx) share —
 * one set of cell formats, the only ways input text and amounts reach a cell,
 * the labelled values of a program, and opening/closing a workbook under a
 * temporary name — and the texts for people that the PDF documents share
 * with them (和暦, yen, Japan time, vocabularies, where a line was claimed).
 * Private to src/report; not for the CSV writers.
 *
 * Every write goes through an xw: the first libxlsxwriter error is kept and
 * later writes become no-ops, so a writer checks once, at xw_close(). */
#ifndef KASAN_REPORT_FORMATS_H
#define KASAN_REPORT_FORMATS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xlsxwriter.h>

#include "kasan/fsutil.h"
#include "kasan/engine.h"

/* The issuing section printed when no issuer rule file (rules/issuer/,
 * rules/README.md §18) is in force on a document's date. */
extern const char FMT_ISSUER[];
/* The issuer as a document's heading names it ("板橋区長　坂本　健") and its
 * contact, from is (the issuer in force), else the section. */
void fmt_issuer_head(const rule_issuer *is, char *buf, size_t size);
/* The issuer in force on day among rs's files, or NULL (rs may be NULL). */
const rule_issuer *fmt_issuer(const rule_set *rs, date_t day);
const char *fmt_issuer_contact(const rule_issuer *is);

typedef struct xw_formats {
    lxw_format *title;      /* sheet title, large bold */
    lxw_format *subtitle;   /* bold */
    lxw_format *title_c;    /* statement title, centred */
    lxw_format *subtitle_c; /* bold, centred */
    lxw_format *header;     /* table header: bold, shaded, bordered, wrapped */
    lxw_format *text;       /* bordered text cell */
    lxw_format *text_c;     /* bordered, centred */
    lxw_format *text_r;     /* bordered, right-aligned (exact fractions) */
    lxw_format *plain;      /* text without border */
    lxw_format *plain_r;    /* text without border, right-aligned */
    lxw_format *note;       /* small grey text */
    lxw_format *note_wrap;  /* the same, wrapped, top-aligned */
    lxw_format *draft;      /* red bold 試算 mark, right-aligned */
    lxw_format *draft_l;    /* the same, left-aligned */
    lxw_format *draft_cell; /* bordered, centred, red: 試算 in a table */
    lxw_format *num;        /* bordered whole number #,##0 */
    lxw_format *yen;        /* bordered #,##0 */
    lxw_format *yen_total;  /* bordered bold #,##0, shaded */
    lxw_format *yen_warn;   /* bordered bold red #,##0: over the budget line */
    lxw_format *total_label;/* bordered bold, shaded */
    lxw_format *syen;       /* statement: bordered #,##0"円" */
    lxw_format *syen_total; /* statement: bold #,##0"円", shaded */
    lxw_format *syen_big;   /* statement: the amount paid, large */
    lxw_format *big_label;  /* statement: label beside it */
    lxw_format *dyen;       /* bordered difference: +#,##0 / △#,##0 (修正差額) */
    lxw_format *dyen_total; /* the same, bold, shaded */
    lxw_format *sdyen;      /* statement: a difference with 円, +/△ */
    lxw_format *sdyen_total;/* the same, bold, shaded */
    lxw_format *plain_wrap; /* text without border, wrapped, top-aligned */
    lxw_format *wrap;       /* bordered text, wrapped, top-aligned */
    lxw_format *mono;       /* bordered, small monospace: hashes */
} xw_formats;

typedef struct xw {
    lxw_workbook *wb;
    fs_out out;
    lxw_error err;          /* first error; LXW_NO_ERROR while all is well */
    xw_formats f;
} xw;

/* Opens a workbook writing to a temporary name beside `path`. */
int xw_open(xw *x, const char *path, bool constant_memory, char *err, size_t errsz);
/* Closes the workbook; on success renames it into place and returns 0,
 * otherwise removes the temporary file, says why in err and returns -1. */
int xw_close(xw *x, char *err, size_t errsz);
lxw_worksheet *xw_sheet(xw *x, const char *name);

/* Input text (names, refs, paths) always as a string cell, never a formula:
 * a value starting with '=', '+', '-' or '@' stays text.  NULL = blank. */
void xw_text(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s, lxw_format *f);
/* A whole number (yen, days, counts) as a numeric cell. */
void xw_whole(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, int64_t v, lxw_format *f);
void xw_merge(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c0, lxw_col_t c1, const char *s,
              lxw_format *f);
void xw_blank(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_format *f);
/* A program value: whole yen with yen_fmt, whole numbers with f->num, the
 * rest (fractions, text, care sets, dates) as text.  wareki: dates in 和暦. */
void xw_value(xw *x, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const month_run *run, vtype t,
              value v, lxw_format *yen_fmt, bool wareki);
/* Records an error from a libxlsxwriter call made directly. */
void xw_check(xw *x, lxw_error e);

/* Labelled formulas of a program in a scope, in definition order (the
 * program's result left out): the values computed per line or nursery.
 * Returns the count (≤ max). */
size_t fmt_labelled(const program *p, rule_scope scope, const rule_value **out, size_t max);
/* Labelled parameters and tables of a program: rule constants, the same for
 * every nursery (month_*_value covers formulas only). */
size_t fmt_constants(const program *p, const rule_value **out, size_t max);
enum { PAPER_A3 = 8, PAPER_A4 = 9 }; /* Excel's paper codes */

/* 和暦 for people, the one fallback when a date has no era (before 昭和):
 * "令和7年4月1日" else "2025-04-01"; "令和7年4月" else "2025-04";
 * "令和7年度" else "2025年度". */
void fmt_date_wareki(date_t d, char *buf, size_t size);
void fmt_month_wareki(claim_month m, char *buf, size_t size);
void fmt_fy_wareki(int fy, char *buf, size_t size);

/* "1,149,333円" (negative "△1,000円"). */
void fmt_yen(int64_t v, char *buf, size_t size);
/* A UTC time of the clock in Japan time, "令和7年5月10日 18時30分" (the
 * text itself when it is not such a time); its label says 日本時間. */
void fmt_time_jst(const char *iso_utc, char *buf, size_t size);
/* Where a claim line is in what the nursery sent: "児童シート 7行目" when
 * intake read it from a form (form "P002.xlsx:児童!7"), else "届出データ 4行目". */
void fmt_line_cite(const char *form, int line, char *buf, size_t size);

/* A value as text for people: yen "440,000円" (unit_yen) or "440,000",
 * care sets as names joined by "・", booleans 該当/非該当, dates in 和暦
 * (wareki) or ISO. */
void fmt_value_text(const month_run *run, vtype t, value v, bool unit_yen, bool wareki, char *buf,
                    size_t size);
/* The label of the program's result, or "支給額". */
const char *fmt_result_label(const program *p);

/* Row height in whole points for a wrapped note: points_per_line for every
 * chars_per_line UTF-8 characters begun (a Japanese note wraps by characters). */
unsigned xw_note_height(const char *text, size_t chars_per_line, unsigned points_per_line);
/* Input vocabularies shown in Japanese (SPEC 2). */
const char *fmt_account_type(const char *code); /* ordinary → 普通, current → 当座 */
const char *fmt_employment(const char *code);   /* full_time → 常勤, part_time → 非常勤 */
const char *fmt_qualification(const month_run *run, const char *code);
/* Care types of a child line as Japanese names joined by "・". */
void fmt_care_names(const month_run *run, const child_line *cl, char *buf, size_t size);
const char *fmt_scope_name(rule_scope s); /* 児童 / 職員 / 施設 */
/* The registry's nursery with this id, or NULL. */
const nursery *fmt_nursery_find(const month_run *run, const char *id);
/* A program's title by id among the run's programs, else the id itself. */
const char *fmt_program_title(const month_run *run, const char *id);

#endif
