/* intake: the SPEC section 2 input files turned into typed records.
 *
 * Parsing works on bytes (so a replay can parse the copies archived in the
 * ledger) under a display name used in messages; files.c reads a month's
 * files from disk.  All strings and arrays live in the caller's arena.  A
 * malformed file (SPEC 1.5: bad date, not-a-number, negative yen, unknown care
 * type code, unknown employment, missing required column, part_time without
 * hours, bad id) is reported through diag as `file:line:col: error: column
 * 'name': ...` and the loader returns -1; every problem of the file is
 * reported, not only the first.  Business rejections are NOT made here: an
 * unknown nursery id or a qualification outside the eligible list parses
 * fine (the engine rejects it); the parse only records, from the vocabulary
 * it is given, facts the engine compares cheaply (a qualification's index
 * among the eligible ones, a hash of child_ref). */
#ifndef KASAN_INTAKE_H
#define KASAN_INTAKE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/claim_line.h"
#include "kasan/csv.h"
#include "kasan/date.h"
#include "kasan/diag.h"
#include "kasan/hash.h"
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
    char (*ids)[17];    /* the ids padded with NULs to 17 bytes, in one array
                         * (v[i].id points to ids[i]; NULL if none): claim
                         * lines meet ids in registry order, so looking at the
                         * next one reads memory in order */
    uint64_t *index;    /* open-addressing hash of ids: hash << 32 | position+1 */
    size_t index_cap;
    bool id_ordered;    /* v is sorted by id (strcmp): checked once by registry_parse */
} registry;

/* Position of the nursery with this id, or -1. */
int32_t registry_find(const registry *r, const char *id, size_t len);

typedef struct claims {
    const char *children_file, *staff_file; /* display names */
    child_line *children;
    size_t n_children;
    staff_line *staff;
    size_t n_staff;
} claims;

/* What the intake must know from the rules in force: the care type codes (a
 * line's care_mask bit i is codes[i], at most 32 codes), the declared
 * columns (SPEC 8.1) of the terms in force with the size of a line's decl[]
 * (the rule set's slot count; 0 = no decl[]), and the eligible
 * qualifications (a staff line's qual is an index into them, so the engine
 * compares integers).  Everything is borrowed. */
typedef struct intake_vocab {
    const char *const *care_types;
    size_t n_care_types;
    const declared_column *child_cols, *staff_cols;
    size_t n_child_cols, n_staff_cols;
    int child_slots, staff_slots;
    const char *const *quals;
    size_t n_quals;
} intake_vocab;

/* The vocabulary of terms t (in force for the month) of rule set rs
 * (kasan/rules.h). */
struct rule_set;
struct rule_terms;
intake_vocab intake_vocab_of(const struct rule_set *rs, const struct rule_terms *t);

/* paid_kind: the registry kind that is paid (the terms' eligible_nursery_kind),
 * whose 振込先 columns are required; other kinds may leave them empty.  NULL
 * requires them of every nursery. */
int registry_parse(const char *name, const char *data, size_t len, const char *paid_kind,
                   arena *a, registry *out, diag_list *d);
int children_parse(const char *name, const char *data, size_t len, const registry *reg,
                   const intake_vocab *vocab, arena *a, claims *out, diag_list *d);
int staff_parse(const char *name, const char *data, size_t len, const registry *reg,
                const intake_vocab *vocab, arena *a, claims *out, diag_list *d);

/* Reads and parses the registry at path (name is the display name for
 * messages; NULL = path), for paid_kind as registry_parse.  An unreadable
 * file is reported through diag.  For tools that need only the registry
 * (kasan forms). */
int intake_load_registry(const char *path, const char *name, const char *paid_kind, arena *a,
                         registry *out, diag_list *d);

/* Whether s is a nursery id: [A-Z0-9-]{1,16}. */
bool intake_id_valid(const char *s, size_t len);
/* Whole yen: digits only (no sign, decimals or separators), fits int64. */
bool intake_yen_valid(const char *s, size_t len, int64_t *out);

/* ---- a month's input files (files.c) ------------------------------------
 * Intake owns its files: it reads them from the data dir, hashes them and
 * parses them.  An input_file is one file of the set: its display name (path
 * relative to the data dir, e.g. "claims/2025-04/children.csv"), bytes and
 * SHA-256 (what the ledger archives and a replay hands back). */
typedef struct input_file {
    const char *name;
    const char *data;
    size_t len;
    char sha256[SHA256_HEX_LEN + 1];
} input_file;

enum { INPUT_REGISTRY, INPUT_CHILDREN, INPUT_STAFF, INPUT_COUNT };

/* Reads DATA/nurseries.csv and DATA/claims/YYYY-MM/{children,nurses}.csv
 * into the arena, SHA-256 included; an unreadable file is reported. */
int intake_read_month(const char *data_dir, claim_month m, arena *a, input_file out[INPUT_COUNT],
                      diag_list *d);
/* Reads one file at path into the arena, SHA-256 included (name = path);
 * an unreadable file is reported. */
int intake_read_file(const char *path, arena *a, input_file *out, diag_list *d);
/* Reads only DATA/claims/YYYY-MM/{children,nurses}.csv into out[1..2]. */
int intake_read_claims(const char *data_dir, claim_month m, arena *a, input_file out[INPUT_COUNT],
                       diag_list *d);

/* The registry read, hashed and parsed once for the months of one run
 * (kasan run --fy): intake_parse_month borrows it instead of parsing
 * in[INPUT_REGISTRY], so it must outlive those months.  It is parsed for
 * paid_kind (see registry_parse); a month whose terms pay another kind
 * parses the same bytes again. */
typedef struct shared_registry {
    arena a;
    input_file file;
    const char *paid_kind;
    registry reg;
} shared_registry;

int shared_registry_load(const char *data_dir, const char *paid_kind, shared_registry *sr,
                         diag_list *d);
void shared_registry_free(shared_registry *sr);

/* A month's input as records: what an intake path (the CSV files today, the
 * xlsx claim forms later) hands the engine.  files[] are the bytes the
 * records came from, kept for hashing, archiving and messages. */
typedef struct intake_month {
    input_file files[INPUT_COUNT];
    registry reg;
    claims cl;
} intake_month;

/* Parses a month's files (fresh or archived; bytes borrowed, names copied
 * into a, a missing sha256 computed) for paid_kind (the terms'
 * eligible_kind, see registry_parse), borrowing sr's registry when sr is not
 * NULL and was parsed for the same kind.  Returns 0, or -1 with every
 * problem of the files in d. */
int intake_parse_month(const input_file in[INPUT_COUNT], const shared_registry *sr,
                       const char *paid_kind, const intake_vocab *vocab, arena *a,
                       intake_month *out, diag_list *d);

#endif
