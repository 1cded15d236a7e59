/* claims: a month's children.csv and nurses.csv (SPEC 2) into child_line and
 * staff_line records, with the columns the terms in force declare (SPEC 8.1)
 * read into each line's decl[] (one arena block per file, slots resolved
 * once per file).  Only the form of each value is checked here; whether a
 * line is paid (known nursery, eligible qualification, ...) is the engine's,
 * which the parse helps with facts taken from the vocabulary passed in (the
 * qualification's index, a hash of child_ref).  A national month is ~190,000
 * lines, so the per-field work avoids library calls on short values. */
#include "intake_int.h"
#include "kasan/rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* Reads one record into line (every field written); false if a field was
 * malformed. */
typedef bool (*record_fn)(intake_rec *rec, void *line, void *ctx, arena *a);

enum { MAX_BUILTIN = 8, MAX_COLS = MAX_BUILTIN + DECLARED_MAX };

/* A file's columns: the built-in ones, then the declared ones in force. */
typedef struct file_cols {
    csv_column v[MAX_COLS];
    size_t n, n_builtin;
    const declared_column *decl; /* decl[k - n_builtin] is column k */
    int slots;                   /* values per line's decl[] */
} file_cols;

static void file_cols_init(file_cols *fc, const csv_column *builtin, size_t n,
                           const declared_column *decl, size_t n_decl, int slots)
{
    memcpy(fc->v, builtin, n * sizeof *builtin);
    for (size_t i = 0; i < n_decl; i++)
        fc->v[n + i] = (csv_column){decl[i].name, decl[i].required};
    fc->n = n + n_decl;
    fc->n_builtin = n;
    fc->decl = decl;
    fc->slots = slots;
}

/* The loop both files share: header, then every record through fn into an
 * arena array of elements of the given size; each record's declared values
 * go to its own decl[] in one block for the file. */
static int parse_records(const char *name, const char *data, size_t len, const file_cols *fc,
                         size_t size, record_fn fn, void *ctx, arena *a,
                         void **v, size_t *n, diag_list *d)
{
    csv_reader r;
    int idx[MAX_COLS];
    *v = NULL;
    *n = 0;
    if (csv_open(&r, name, data, len, d) < 0)
        return -1;
    int status = csv_header(&r, fc->v, fc->n, idx, d);
    if (status == 0) {
        size_t max = csv_max_records(&r), slots = (size_t)fc->slots, bytes, decl_n;
        if (__builtin_mul_overflow(max, size, &bytes) || __builtin_mul_overflow(max, slots, &decl_n) ||
            decl_n > SIZE_MAX / sizeof(value))
            abort();
        /* not zeroed (megabytes a month): fn writes every field of its
         * record's slot, and decl_read zeroes the record's decl[] */
        char *base = arena_alloc_raw(a, bytes + size);
        value *decl = slots ? arena_alloc_raw(a, (decl_n + slots) * sizeof *decl) : NULL;
        intake_rec rec = {.csv = &r, .cols = fc->v, .idx = idx, .d = d};
        int rc;
        while ((rc = csv_next(&r, d)) == 1) {
            rec.errors = 0;
            rec.decl = decl ? decl + *n * slots : NULL;
            if (fn(&rec, base + *n * size, ctx, a))
                (*n)++;
            else
                status = -1;
        }
        if (rc < 0 || csv_errors(&r))
            status = -1;
        *v = base;
    }
    csv_close(&r);
    return status;
}

/* ---- short strings ----------------------------------------------------- */

/* Whether a[0..n) equals b[0..n), n <= 16 (ids, refs), with word compares
 * that read no byte outside either range. */
static inline bool short_equal(const char *a, const char *b, size_t n)
{
    uint64_t x0, x1, y0, y1;
    if (n >= 8) {
        memcpy(&x0, a, 8), memcpy(&y0, b, 8);
        memcpy(&x1, a + n - 8, 8), memcpy(&y1, b + n - 8, 8);
        return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    if (n >= 4) { /* "N00001": two overlapping half words */
        uint32_t u0, u1, v0, v1;
        memcpy(&u0, a, 4), memcpy(&v0, b, 4);
        memcpy(&u1, a + n - 4, 4), memcpy(&v1, b + n - 4, 4);
        return ((u0 ^ v0) | (u1 ^ v1)) == 0;
    }
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i])
            return false;
    return true;
}

/* Copies s[0..n) to d, n <= 16, with word moves that read and write no
 * byte outside either range. */
static inline void short_copy(char *d, const char *s, size_t n)
{
    if (n >= 8) {
        uint64_t w0, w1;
        memcpy(&w0, s, 8), memcpy(&w1, s + n - 8, 8);
        memcpy(d, &w0, 8), memcpy(d + n - 8, &w1, 8);
    } else if (n >= 4) {
        uint32_t w0, w1;
        memcpy(&w0, s, 4), memcpy(&w1, s + n - 4, 4);
        memcpy(d, &w0, 4), memcpy(d + n - 4, &w1, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    }
}

/* The record strings of a file (refs, unknown ids): copied one after the
 * other into arena chunks, NUL-terminated, instead of one allocation each. */
typedef struct str_pool {
    char *p;
    size_t left;
} str_pool;

enum { STR_CHUNK = 64 * 1024 };

static const char *pool_copy(str_pool *pl, arena *a, const char *s, size_t n)
{
    if (pl->left < n + 1) {
        pl->left = n + 1 > STR_CHUNK ? n + 1 : STR_CHUNK;
        pl->p = arena_alloc_raw(a, pl->left);
    }
    char *out = pl->p;
    if (n <= 16)
        short_copy(out, s, n); /* no memcpy call for a ref */
    else
        memcpy(out, s, n);
    out[n] = '\0';
    pl->p += n + 1;
    pl->left -= n + 1;
    return out;
}

/* A hash of s[0..n) (a child_ref) for the engine's duplicate check: the same
 * for the same bytes, well mixed in every bit. */
static uint32_t ref_hash(const char *s, size_t n)
{
    uint64_t h = n * 0x9E3779B97F4A7C15ull, w = 0;
    size_t i = 0;
    for (; i + 8 < n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
        h ^= h >> 31;
    }
    if (n >= 8) {
        memcpy(&w, s + n - 8, 8); /* the last word, overlapping the one before */
    } else {
        w = 0;
        for (size_t k = 0; k < n; k++)
            w = w << 8 | (unsigned char)s[k];
    }
    h = (h ^ w) * 0x94D049BB133111EBull;
    h ^= h >> 32;
    h *= 0xBF58476D1CE4E5B9ull;
    return (uint32_t)(h ^ h >> 29);
}

/* A field's distinct values seen so far (care_types, qualification): a month
 * has a few hundred, so each is checked and copied once, with what it
 * stands for.  A slot keeps its value's first and last eight bytes (the
 * bytes themselves when shorter), which decide equality up to 16 bytes;
 * longer values compare their middle too. */
typedef struct seen_value {
    uint64_t head, tail; /* seen_key of s */
    const char *s;       /* in the arena; NULL: free slot */
    uint32_t len;
    uint32_t what;       /* care_types: the care mask; qualification: qual + 1 */
} seen_value;

enum { SEEN_MAX = 1024 }; /* 2^10 (seen_slot); filled to 3/4 at most */

typedef struct seen_table {
    seen_value v[SEEN_MAX];
    size_t n;
} seen_table;

/* The first and last eight bytes of f (overlapping when shorter than 16),
 * or four, or the bytes one by one: loads of fixed size only. */
static inline void seen_key(csv_field f, uint64_t *head, uint64_t *tail)
{
    uint64_t a = 0, b = 0;
    if (f.len >= 8) {
        memcpy(&a, f.p, 8), memcpy(&b, f.p + f.len - 8, 8);
    } else if (f.len >= 4) {
        uint32_t x, y;
        memcpy(&x, f.p, 4), memcpy(&y, f.p + f.len - 4, 4);
        a = x, b = y;
    } else {
        for (size_t k = 0; k < f.len; k++)
            a = a << 8 | (unsigned char)f.p[k];
    }
    *head = a, *tail = b;
}

/* The value's slot: its entry, or the free slot where it would go. */
static seen_value *seen_slot(seen_table *t, csv_field f)
{
    uint64_t a, b;
    seen_key(f, &a, &b);
    uint64_t h = ((a ^ f.len) * 0x9E3779B97F4A7C15ull ^ b) * 0xC2B2AE3D27D4EB4Full;
    for (size_t i = h >> 54;; i = (i + 1) & (SEEN_MAX - 1)) { /* the top 10 bits */
        seen_value *e = &t->v[i];
        if (!e->s)
            return e;
        if (e->head == a && e->tail == b && e->len == f.len &&
            (f.len <= 16 || (f.len <= 32 ? short_equal(e->s + 8, f.p + 8, f.len - 16)
                                         : memcmp(e->s, f.p, f.len) == 0)))
            return e;
    }
}

/* A copy of f for a new value, added to the free slot e (unless the table
 * is full: then the value is simply checked again when it recurs). */
static const char *seen_add(seen_table *t, seen_value *e, arena *a, csv_field f, uint32_t what)
{
    const char *s = arena_strndup(a, f.p, f.len);
    if (t->n < SEEN_MAX / 4 * 3 && f.len <= UINT32_MAX) {
        seen_key(f, &e->head, &e->tail);
        e->s = s, e->len = (uint32_t)f.len, e->what = what;
        t->n++;
    }
    return s;
}

/* Claim lines come grouped by nursery, so most lookups repeat the last one. */
typedef struct nursery_cache {
    const registry *reg;
    char id[16];
    size_t len; /* 0: nothing cached */
    int32_t pos;
    const char *str;
} nursery_cache;

/* nursery_id of a claim line: well-formed, then looked up (absent is fine).
 * Lines come in registry order, so the next nursery is tried first (an id
 * found in the registry is well-formed). */
static void nursery_ref(intake_rec *rec, int k, nursery_cache *c, str_pool *pl, arena *a,
                        int32_t *pos, const char **id)
{
    csv_field f = intake_field(rec, k);
    if (c->len && f.len == c->len && short_equal(f.p, c->id, f.len)) {
        *pos = c->pos, *id = c->str;
        return;
    }
    const registry *reg = c->reg;
    size_t next = c->len ? (size_t)c->pos + 1 : 0;
    if (reg && reg->ids && next < reg->n && f.len >= 1 && f.len <= 16 &&
        short_equal(reg->ids[next], f.p, f.len) && reg->ids[next][f.len] == '\0') {
        *pos = (int32_t)next;
        *id = reg->ids[next];
    } else if (intake_id(rec, k)) {
        *pos = registry_find(reg, f.p, f.len);
        *id = *pos >= 0 ? reg->v[*pos].id : pool_copy(pl, a, f.p, f.len);
    } else {
        *pos = -1, *id = NULL;
        return;
    }
    short_copy(c->id, f.p, f.len); /* a valid id has at most 16 bytes */
    c->len = f.len, c->pos = *pos, c->str = *id;
}

/* A required text field (child_ref, staff_ref) copied into the pool. */
static const char *ref_read(intake_rec *rec, int k, str_pool *pl, arena *a)
{
    csv_field f = intake_field(rec, k);
    if (f.len == 0) {
        intake_bad(rec, k, "empty (a value is required)");
        return NULL;
    }
    return pool_copy(pl, a, f.p, f.len);
}

/* ---- declared columns (SPEC 8.1) --------------------------------------- */

/* A decimal >= 0 of field k (f); example is put after "is not a number". */
static bool decimal_read(intake_rec *rec, int k, csv_field f, const char *example, num *out)
{
    char show[INTAKE_SHOW_MAX];
    num_status st = num_parse(f.p, f.len, out);
    if (st == NUM_TOO_LONG)
        intake_bad(rec, k, "%s has too many digits", intake_show(show, f));
    else if (st != NUM_OK)
        intake_bad(rec, k, "%s is not a number%s", intake_show(show, f), example);
    else if (out->n < 0)
        intake_bad(rec, k, "%s is negative", intake_show(show, f));
    else
        return true;
    return false;
}

/* A whole number >= 0 (yen, days) or a decimal >= 0 (number). */
static bool decl_num(intake_rec *rec, int k, const declared_column *c, csv_field f, value *out)
{
    char show[INTAKE_SHOW_MAX];
    if (c->type == COL_YEN) {
        int64_t y;
        if (!intake_yen(rec, k, false, &y))
            return false;
        out->n = num_int(y);
        return true;
    }
    num v;
    if (!decimal_read(rec, k, f, "", &v))
        return false;
    if (c->type == COL_DAYS && (!num_is_int(v) || v.n > 31)) {
        intake_bad(rec, k, "%s is not a whole number of days 0-31", intake_show(show, f));
        return false;
    }
    out->n = v;
    return true;
}

static bool decl_code(intake_rec *rec, int k, const declared_column *c, csv_field f, value *out)
{
    for (size_t i = 0; i < c->n_codes; i++)
        if (strlen(c->codes[i]) == f.len && memcmp(c->codes[i], f.p, f.len) == 0) {
            out->s = c->codes[i];
            return true;
        }
    char show[INTAKE_SHOW_MAX], list[512] = "";
    for (size_t i = 0; i < c->n_codes; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", c->codes[i]);
    }
    intake_bad(rec, k, "unknown code %s (known: %s)", intake_show(show, f), list);
    return false;
}

/* One declared value of the record into out, by the column's type. */
static void decl_value(intake_rec *rec, int k, const declared_column *c, arena *a, value *out)
{
    csv_field f = intake_field(rec, k);
    char show[INTAKE_SHOW_MAX];
    if (f.len == 0) {
        if (c->required && !c->has_default)
            intake_bad(rec, k, "empty (a value is required)");
        *out = c->def;
        return;
    }
    switch (c->type) {
    case COL_DATE: (void)intake_date(rec, k, false, &out->d); return;
    case COL_CODE: (void)decl_code(rec, k, c, f, out); return;
    case COL_BOOL:
        if (f.len == 4 && !memcmp(f.p, "true", 4))
            out->b = true;
        else if (f.len == 5 && !memcmp(f.p, "false", 5))
            out->b = false;
        else
            intake_bad(rec, k, "%s is not true or false", intake_show(show, f));
        return;
    case COL_TEXT:
        if (f.len > 200 || memchr(f.p, '\n', f.len) || memchr(f.p, '\r', f.len))
            intake_bad(rec, k, "%s is not one line of at most 200 bytes", intake_show(show, f));
        else
            out->s = arena_strndup(a, f.p, f.len);
        return;
    default: (void)decl_num(rec, k, c, f, out); return;
    }
}

/* Every declared column of the file into the record's decl[]; slots of
 * columns the terms in force do not declare keep their zero value. */
static void decl_read(intake_rec *rec, const file_cols *fc, arena *a, const value **out)
{
    *out = rec->decl;
    if (!rec->decl)
        return;
    memset(rec->decl, 0, (size_t)fc->slots * sizeof *rec->decl);
    for (size_t i = fc->n_builtin; i < fc->n; i++) {
        const declared_column *c = &fc->decl[i - fc->n_builtin];
        decl_value(rec, (int)i, c, a, &rec->decl[c->slot]);
    }
}

/* The form column, when the file has one and the line a value: copied once
 * (a file written by hand has no such column: nothing is done per line). */
static const char *form_read(intake_rec *rec, int k, arena *a)
{
    if (rec->idx[k] < 0)
        return NULL;
    csv_field f = intake_field(rec, k);
    return f.len ? arena_strndup(a, f.p, f.len) : NULL;
}

/* ---- children.csv ------------------------------------------------------ */

enum { C_ID, C_REF, C_CARE, C_FROM, C_TO, C_FORM, C_NCOLS };

/* form: where intake read the line (SPEC 8.2), "P002.xlsx:児童!7"; optional,
 * so a file written by hand keeps its five columns. */
static const csv_column children_cols[C_NCOLS] = {
    {"nursery_id", true},    {"child_ref", true},   {"care_types", true},
    {"enrolled_from", true}, {"enrolled_to", true}, {"form", false},
};

typedef struct children_ctx {
    nursery_cache nursery;
    const intake_vocab *vocab;
    file_cols cols;
    str_pool pool;
    seen_table care; /* care_types values: what = the care mask */
} children_ctx;

static int care_code(const intake_vocab *vocab, const char *s, size_t len)
{
    for (size_t i = 0; i < vocab->n_care_types; i++)
        if (strlen(vocab->care_types[i]) == len && memcmp(vocab->care_types[i], s, len) == 0)
            return (int)i;
    return -1;
}

static void care_unknown(intake_rec *rec, const intake_vocab *vocab, csv_field code)
{
    char show[INTAKE_SHOW_MAX], list[512] = "";
    for (size_t i = 0; i < vocab->n_care_types; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", vocab->care_types[i]);
    }
    if (code.len == 0)
        intake_bad(rec, C_CARE, "empty care type code in %s (codes are separated by ';')",
                   intake_show(show, intake_field(rec, C_CARE)));
    else
        intake_bad(rec, C_CARE, "unknown care type %s (known: %s)", intake_show(show, code),
                   list);
}

/* care_types: ';'-separated vocabulary codes; empty is allowed (no_care_type). */
static bool care_read(intake_rec *rec, const intake_vocab *vocab, uint32_t *mask)
{
    csv_field f = intake_field(rec, C_CARE);
    bool ok = true;
    *mask = 0;
    if (f.len == 0)
        return true;
    for (const char *s = f.p, *end = f.p + f.len;; s++) {
        const char *e = memchr(s, ';', (size_t)(end - s));
        if (!e)
            e = end;
        int code = care_code(vocab, s, (size_t)(e - s));
        if (code < 0) {
            care_unknown(rec, vocab, (csv_field){s, (size_t)(e - s)});
            ok = false;
        } else {
            *mask |= 1u << code;
        }
        if (e == end)
            return ok;
        s = e;
    }
}

/* care_types into l, through the table of values already seen. */
static void care_types_read(intake_rec *rec, children_ctx *ctx, arena *a, child_line *l)
{
    csv_field f = intake_field(rec, C_CARE);
    seen_value *e = seen_slot(&ctx->care, f);
    if (e->s) {
        l->care_types = e->s, l->care_mask = e->what;
        return;
    }
    l->care_types = NULL;
    if (care_read(rec, ctx->vocab, &l->care_mask))
        l->care_types = seen_add(&ctx->care, e, a, f, l->care_mask);
}

static bool child_read(intake_rec *rec, void *line, void *vctx, arena *a)
{
    children_ctx *ctx = vctx;
    child_line *l = line;
    l->line = rec->csv->rec_line;
    nursery_ref(rec, C_ID, &ctx->nursery, &ctx->pool, a, &l->nursery, &l->nursery_id);
    csv_field ref = intake_field(rec, C_REF);
    l->child_ref = ref_read(rec, C_REF, &ctx->pool, a);
    l->ref_hash = ref_hash(ref.p, ref.len);
    care_types_read(rec, ctx, a, l);
    bool from_ok = intake_date(rec, C_FROM, false, &l->enrolled_from);
    bool to_ok = intake_date(rec, C_TO, true, &l->enrolled_to);
    if (from_ok && to_ok && l->enrolled_to < l->enrolled_from) {
        char show[INTAKE_SHOW_MAX];
        intake_bad(rec, C_TO, "%s is before enrolled_from",
                   intake_show(show, intake_field(rec, C_TO)));
    }
    l->form = form_read(rec, C_FORM, a);
    decl_read(rec, &ctx->cols, a, &l->decl);
    return rec->errors == 0; /* a bad line's slot is simply reused by the next */
}

int children_parse(const char *name, const char *data, size_t len, const registry *reg,
                   const intake_vocab *vocab, arena *a, claims *out, diag_list *d)
{
    if (vocab->n_care_types > 32) {
        diag_error(d, name, 0, 0, "more than 32 care type codes in the rules");
        return -1;
    }
    children_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        abort();
    ctx->nursery.reg = reg;
    ctx->vocab = vocab;
    file_cols_init(&ctx->cols, children_cols, C_NCOLS, vocab->child_cols, vocab->n_child_cols,
                   vocab->child_slots);
    void *v;
    out->children_file = arena_strdup(a, name);
    int rc = parse_records(out->children_file, data, len, &ctx->cols, sizeof(child_line),
                           child_read, ctx, a, &v, &out->n_children, d);
    out->children = v;
    free(ctx);
    return rc;
}

/* ---- nurses.csv -------------------------------------------------------- */

enum { S_ID, S_REF, S_QUAL, S_EMPLOYMENT, S_HOURS, S_SALARY, S_OTHER, S_FORM, S_NCOLS };

static const csv_column staff_cols[S_NCOLS] = {
    {"nursery_id", true},    {"staff_ref", true}, {"qualification", true},
    {"employment", true},    {"hours", true},     {"salary_cost", true},
    {"other_income", true},  {"form", false},
};

enum { FULL_TIME, PART_TIME };
static const char *const employments[] = {"full_time", "part_time"};

/* Hours as most are written, "160" or "92.5": up to 9 digits, then at most
 * 3 after a '.', as the reduced fraction num_parse gives (a num is reduced,
 * so equal values are equal structs); false for any other form, which
 * num_parse then reads or reports. */
static bool hours_fast(const char *s, size_t len, num *out)
{
    int64_t n = 0, d = 1;
    size_t i = 0, ip = 0, fp = 0;
    for (; i < len && ip <= 9 && s[i] >= '0' && s[i] <= '9'; i++, ip++)
        n = n * 10 + (s[i] - '0');
    if (i < len && ip <= 9 && s[i] == '.')
        for (i++; i < len && fp <= 3 && s[i] >= '0' && s[i] <= '9'; i++, fp++)
            n = n * 10 + (s[i] - '0'), d *= 10;
    /* at most 14 digits were taken: n < 10^14 */
    if (i != len || ip == 0 || ip > 9 || fp > 3 || (fp == 0 && s[len - 1] == '.'))
        return false;
    if (n == 0)
        d = 1;
    while (d > 1 && n % 2 == 0 && d % 2 == 0)
        n /= 2, d /= 2;
    while (d > 1 && n % 5 == 0 && d % 5 == 0)
        n /= 5, d /= 5;
    *out = (num){n, d};
    return true;
}

/* hours: a decimal >= 0, required for part_time. */
static void hours_read(intake_rec *rec, int employment, staff_line *l)
{
    csv_field f = intake_field(rec, S_HOURS);
    l->hours = num_int(0);
    if (f.len == 0) {
        if (employment == PART_TIME)
            intake_bad(rec, S_HOURS, "empty, but part_time requires the hours worked in the "
                                     "month");
        return;
    }
    if (hours_fast(f.p, f.len, &l->hours)) {
        l->has_hours = true;
        return;
    }
    num h;
    if (decimal_read(rec, S_HOURS, f, " (hours like 92.5)", &h))
        l->hours = h, l->has_hours = true;
}

typedef struct staff_ctx {
    nursery_cache nursery;
    const intake_vocab *vocab;
    file_cols cols;
    str_pool pool;
    seen_table quals; /* qualification values: what = index among the eligible + 1 */
} staff_ctx;

/* qualification: any text (the engine rejects one the terms do not list),
 * with its index among the eligible ones of the vocabulary. */
static void qual_read(intake_rec *rec, staff_ctx *ctx, arena *a, staff_line *l)
{
    csv_field f = intake_field(rec, S_QUAL);
    seen_value *e = seen_slot(&ctx->quals, f);
    if (e->s) {
        l->qualification = e->s, l->qual = (int32_t)e->what - 1;
        return;
    }
    if (f.len == 0) {
        intake_bad(rec, S_QUAL, "empty (a value is required)");
        return;
    }
    l->qual = -1;
    for (size_t i = 0; i < ctx->vocab->n_quals && l->qual < 0; i++)
        if (strlen(ctx->vocab->quals[i]) == f.len && !memcmp(ctx->vocab->quals[i], f.p, f.len))
            l->qual = (int32_t)i;
    l->qualification = seen_add(&ctx->quals, e, a, f, (uint32_t)(l->qual + 1));
}

/* employment: one of employments[], the common spellings compared inline. */
static int employment_read(intake_rec *rec)
{
    csv_field f = intake_field(rec, S_EMPLOYMENT);
    if (f.len == 9 && memcmp(f.p, "full_time", 9) == 0)
        return FULL_TIME;
    if (f.len == 9 && memcmp(f.p, "part_time", 9) == 0)
        return PART_TIME;
    return intake_choice(rec, S_EMPLOYMENT, employments, 2); /* reports the others */
}

static bool staff_read(intake_rec *rec, void *line, void *vctx, arena *a)
{
    staff_ctx *ctx = vctx;
    staff_line *l = line;
    l->line = rec->csv->rec_line;
    nursery_ref(rec, S_ID, &ctx->nursery, &ctx->pool, a, &l->nursery, &l->nursery_id);
    l->staff_ref = ref_read(rec, S_REF, &ctx->pool, a);
    qual_read(rec, ctx, a, l);
    int employment = employment_read(rec);
    l->employment = employment >= 0 ? employments[employment] : NULL;
    l->has_hours = false;
    hours_read(rec, employment, l);
    intake_yen(rec, S_SALARY, false, &l->salary_cost);
    intake_yen(rec, S_OTHER, true, &l->other_income);
    l->form = form_read(rec, S_FORM, a);
    decl_read(rec, &ctx->cols, a, &l->decl);
    return rec->errors == 0; /* a bad line's slot is simply reused by the next */
}

int staff_parse(const char *name, const char *data, size_t len, const registry *reg,
                const intake_vocab *vocab, arena *a, claims *out, diag_list *d)
{
    staff_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        abort();
    ctx->nursery.reg = reg;
    ctx->vocab = vocab;
    file_cols_init(&ctx->cols, staff_cols, S_NCOLS, vocab->staff_cols, vocab->n_staff_cols,
                   vocab->staff_slots);
    void *v;
    out->staff_file = arena_strdup(a, name);
    int rc = parse_records(out->staff_file, data, len, &ctx->cols, sizeof(staff_line),
                           staff_read, ctx, a, &v, &out->n_staff, d);
    out->staff = v;
    free(ctx);
    return rc;
}

intake_vocab intake_vocab_of(const rule_set *rs, const rule_terms *t)
{
    return (intake_vocab){t->care_codes, t->n_care, t->child_cols, t->staff_cols,
                          t->n_child_cols, t->n_staff_cols, rs->n_decl_slots[0],
                          rs->n_decl_slots[1], t->qual_codes, t->n_qual};
}
