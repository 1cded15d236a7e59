/* forms: the nurseries' Excel claim forms (請求書様式, SPEC 8.2) — the layout
 * both sides agree on, the writer (src/report/forms_xlsx.c) and the reader
 * (src/intake/forms_read.c).
 *
 * A form has an instructions sheet (記入方法), one sheet per claim file of the
 * schema (児童, 職員) and a hidden sheet of drop-down lists.  On each claim
 * sheet (rows and columns 1-based as Excel shows them):
 *   row 1  title;  row 2  A 施設番号 | B id | C 請求月 | D YYYY-MM | E 施設名 | F name
 *   row 3  a note; rows 4-5 the column headers (a code set spans one column per
 *   code: row 4 its label, row 5 each code's name; other columns: row 4);
 *   rows 6 .. 6+FORMS_LINES-1 the lines, one per child or staff member.
 * Rows 1-5 are locked (the sheet is protected); the line cells are not.
 *
 * Reading checks every cell and reports each problem through diag as
 * `FORM.xlsx:SHEET!CELL: error: message`; nothing is kept from a read that
 * reported anything.  Ownership: results live in the caller's arena.
 *
 * What a cell may hold, read alike wherever it stands:
 *   numbers  as numbers or text, full-width digits too; a comma only between
 *            thousands of yen (381,000, ３８１，０００円), never in hours or
 *            days, where 68,25 is refused rather than read as 6,825;
 *   dates    serials of the workbook's date system (1900 or 1904), or text
 *            2025-04-01, 2025/4/1, 2025年4月1日;
 *   ticks    one set for a code set's columns (care types) and for はい/いいえ
 *            columns alike —
 *              yes: ○ 〇 ◯ ● ◎ ✓ ✔ ☑ レ はい 有 1 TRUE (and a TRUE cell),
 *              no:  empty, × ✕ いいえ 無 0 FALSE (and a FALSE cell);
 *            x X ｘ Ｘ ✗ ✘ ☒ are refused: a tick in some hands, × (no) in
 *            others, and a guess either way pays the wrong amount;
 *   formulas by the result saved with them; one saved without its result
 *            (what openpyxl writes) is refused, as kasan evaluates none.
 * Across a line: a child needs a care type ticked, 在籍終了日 may not be
 * before 在籍開始日, 非常勤 needs its hours — checked in the form's terms, so
 * the claim files written from it always read back. */
#ifndef KASAN_FORMS_H
#define KASAN_FORMS_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/date.h"
#include "kasan/diag.h"
#include "kasan/intake.h"
#include "kasan/schema.h"
#include "kasan/strbuf.h"

#define FORMS_ID_ROW 2
#define FORMS_HEAD_ROW 4
#define FORMS_FIRST_ROW 6
#define FORMS_LINES 30 /* one printed page; a nursery claims for a few */
#define FORMS_LAST_ROW (FORMS_FIRST_ROW + FORMS_LINES - 1)

/* Sheet columns of schema column k (a code set takes n_codes, others 1);
 * the first sheet column is 1 (A). */
uint32_t forms_first_col(const schema_file *f, size_t k);
uint32_t forms_width(const schema_file *f); /* sheet columns in all */

/* ------------------------------------------------------------ writing */

/* The lines a form starts with (last month's, still enrolled or placed),
 * and the declared columns (SPEC 8.1) of the terms those lines were read
 * with: a column of this month's form that they declare too (same name) is
 * prefilled from the line's decl[]; one they do not declare starts empty. */
typedef struct forms_prefill {
    const child_line *const *children;
    size_t n_children;
    const staff_line *const *staff;
    size_t n_staff;
    const declared_column *child_cols, *staff_cols;
    size_t n_child_cols, n_staff_cols;
} forms_prefill;

/* Writes the form of nursery n for month m to path (temporary name, then
 * rename).  issuer: the section the forms go back to (NULL: the one the
 * statements name).  0, or -1 with err. */
int forms_write_xlsx(const claim_schema *s, claim_month m, const nursery *n,
                     const forms_prefill *pre, const char *issuer, const char *path, char *err,
                     size_t errsz);

/* ------------------------------------------------------------ reading */

typedef struct forms_line {
    const char *nursery_id;
    const char *form;       /* "P002.xlsx:児童!7": file (base name), sheet, row */
    const char *file;       /* the path as given, for ordering messages */
    uint32_t row;
    const char **values;    /* one CSV value per schema column ("" = empty) */
} forms_line;

typedef struct forms_result {
    forms_line *lines[SCHEMA_FILES];
    size_t n[SCHEMA_FILES];
    const char **nurseries; /* the nursery of each form read, sorted (byte order); a
                             * form with no line names its nursery too */
    size_t n_nurseries;
} forms_result;

/* Reads the forms at paths[0..n) for month m against the registry.  Returns
 * 0, or -1 with every problem of every form in d. */
int forms_read(const claim_schema *s, claim_month m, const registry *reg,
               const char *const *paths, size_t n, arena *a, forms_result *out, diag_list *d);
/* The claim file f as CSV (UTF-8, LF): nursery_id, the schema's columns and
 * `form`, lines sorted by nursery id, then form row. */
void forms_csv(const claim_schema *s, schema_file_id f, const forms_result *r, strbuf *out);

#endif
