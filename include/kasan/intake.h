/* intake: the SPEC section 2 input files turned into typed records.
 *
 * Parsing works on bytes (so a replay can parse the copies archived in the
 * ledger) under a display name used in messages; the *_load_file wrappers
 * read from disk.  All strings and arrays live in the caller's arena.  A
 * malformed file (SPEC 1.5: bad date, not-a-number, negative yen, unknown care
 * type code, unknown employment, missing required column, part_time without
 * hours, bad id) is reported through diag as `file:line:col: error: column
 * 'name': ...` and the loader returns -1; every problem of the file is
 * reported, not only the first.  Business rejections are NOT made here: an
 * unknown nursery id or a qualification outside the eligible list parses
 * fine (the engine rejects it). */
#ifndef KASAN_INTAKE_H
#define KASAN_INTAKE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/csv.h"
#include "kasan/date.h"
#include "kasan/diag.h"
#include "kasan/num.h"

typedef struct nursery {
    const char *id, *name, *kind, *operator_name;
    date_t active_from, active_to; /* active_to DATE_OPEN when empty */
    /* 振込先: "" when left empty (account_type NULL), which only a kind other
     * than the paid one may do */
    const char *bank_name, *bank_branch, *account_type, *account_number, *account_holder;
    /* for the transfer file (SPEC 7), NULL when empty or the column is absent:
     * 金融機関コード (4 digits), 支店コード (3 digits), names in katakana */
    const char *bank_code, *branch_code, *bank_name_kana, *branch_name_kana;
    int line;
} nursery;

typedef struct registry {
    const char *file;   /* display name */
    nursery *v;         /* in file order */
    size_t n;
    uint32_t *index;    /* open-addressing hash of ids → position+1 */
    size_t index_cap;
} registry;

/* Position of the nursery with this id, or -1. */
int32_t registry_find(const registry *r, const char *id, size_t len);

typedef struct child_line {
    int32_t nursery;           /* registry position, -1 if unknown */
    const char *nursery_id, *child_ref;
    const char *care_types;    /* as written, e.g. "suction;ventilator" */
    uint32_t care_mask;        /* bit i set = vocabulary care type i */
    date_t enrolled_from, enrolled_to; /* enrolled_to DATE_OPEN when empty */
    int line;                  /* physical line where the record starts */
} child_line;

typedef struct staff_line {
    int32_t nursery;
    const char *nursery_id, *staff_ref, *qualification, *employment;
    bool has_hours;
    num hours;                 /* 0 when empty */
    int64_t salary_cost, other_income; /* whole yen, >= 0 */
    int line;
} staff_line;

typedef struct claims {
    const char *children_file, *staff_file; /* display names */
    child_line *children;
    size_t n_children;
    staff_line *staff;
    size_t n_staff;
} claims;

/* What the intake must know from the rules in force: the care type codes (a
 * line's care_mask bit i is codes[i]).  At most 32 codes. */
typedef struct intake_vocab {
    const char *const *care_types;
    size_t n_care_types;
} intake_vocab;

/* paid_kind: the registry kind that is paid (the terms' eligible_nursery_kind),
 * whose 振込先 columns are required; other kinds may leave them empty.  NULL
 * requires them of every nursery. */
int registry_parse(const char *name, const char *data, size_t len, const char *paid_kind,
                   arena *a, registry *out, diag_list *d);
int children_parse(const char *name, const char *data, size_t len, const registry *reg,
                   const intake_vocab *vocab, arena *a, claims *out, diag_list *d);
int staff_parse(const char *name, const char *data, size_t len, const registry *reg, arena *a,
                claims *out, diag_list *d);

/* The same, reading the file at path (name is the display name for messages;
 * NULL = path).  An unreadable file is reported through diag. */
int registry_load_file(const char *path, const char *name, const char *paid_kind, arena *a,
                       registry *out, diag_list *d);
int children_load_file(const char *path, const char *name, const registry *reg,
                       const intake_vocab *vocab, arena *a, claims *out, diag_list *d);
int staff_load_file(const char *path, const char *name, const registry *reg, arena *a,
                    claims *out, diag_list *d);

/* Whether s is a nursery id: [A-Z0-9-]{1,16}. */
bool intake_id_valid(const char *s, size_t len);
/* Whole yen: digits only (no sign, decimals or separators), fits int64. */
bool intake_yen_valid(const char *s, size_t len, int64_t *out);

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
/* Strict ISO date; empty gives DATE_OPEN when optional. */
bool intake_date(intake_rec *rec, int k, bool optional, date_t *out);
/* Whole yen >= 0; empty gives 0 when optional. */
bool intake_yen(intake_rec *rec, int k, bool optional, int64_t *out);
/* Which of choices[0..n) the field is (stored as the static string), or -1. */
int intake_choice(intake_rec *rec, int k, const char *const *choices, size_t n);

#endif
