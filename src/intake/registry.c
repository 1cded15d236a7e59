/* registry: nurseries.csv (SPEC 2) into nursery records with a hash index by
 * id, and the field checks (ids, dates, yen, fixed lists) that every intake
 * parser shares.  The 振込先 columns are required of the paid kind only (the
 * caller says which, from the terms); where given they are checked whatever
 * the kind, the holder as the transfer file will convert it.  Business
 * checks (ward_run, inactive) are the engine's. */
#include "intake_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/bank_account.h"

/* ---- field checks ------------------------------------------------------ */

bool intake_id_valid(const char *s, size_t len)
{
    if (len < 1 || len > 16)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    }
    return true;
}

bool intake_yen_valid(const char *s, size_t len, int64_t *out)
{
    if (len == 0)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, s[i] - '0', &v))
            return false;
    }
    *out = v;
    return true;
}

const char *intake_show(char buf[INTAKE_SHOW_MAX], csv_field f)
{
    size_t n = f.len;
    if (n > 40) {
        n = 40;
        while (n > 0 && ((unsigned char)f.p[n] & 0xC0) == 0x80) /* not inside a character */
            n--;
    }
    snprintf(buf, INTAKE_SHOW_MAX, "'%.*s%s'", (int)n, f.p, n < f.len ? "..." : "");
    return buf;
}

void intake_bad(intake_rec *rec, int k, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(rec->d, rec->csv->name, rec->csv->rec_line, rec->idx[k] + 1, "column '%s': %s",
               rec->cols[k].name, msg);
    rec->errors++;
}

bool intake_text(intake_rec *rec, int k, bool required, arena *a, const char **out)
{
    csv_field f = intake_field(rec, k);
    if (required && f.len == 0) {
        intake_bad(rec, k, "empty (a value is required)");
        return false;
    }
    *out = arena_strndup(a, f.p, f.len);
    return true;
}

bool intake_id(intake_rec *rec, int k)
{
    csv_field f = intake_field(rec, k);
    char show[INTAKE_SHOW_MAX];
    if (f.len == 0)
        intake_bad(rec, k, "empty (an id of 1 to 16 characters A-Z, 0-9, '-' is required)");
    else if (!intake_id_valid(f.p, f.len))
        intake_bad(rec, k, "%s is not a valid id (1 to 16 characters A-Z, 0-9, '-')",
                   intake_show(show, f));
    else
        return true;
    return false;
}

/* A date as Japanese Excel writes it in a CSV (2025/4/14): the ISO form it
 * should have been into iso (for the message), else false. */
static bool slash_date(csv_field f, char iso[11])
{
    char buf[16];
    if (f.len >= sizeof buf)
        return false;
    memcpy(buf, f.p, f.len);
    buf[f.len] = '\0';
    unsigned y, m, d;
    char tail;
    date_t dt;
    if (sscanf(buf, "%4u/%2u/%2u%c", &y, &m, &d, &tail) != 3 || y < 1000)
        return false;
    snprintf(iso, 11, "%04u-%02u-%02u", y % 10000, m % 100, d % 100);
    return date_parse_iso(iso, 10, &dt);
}

/* date_parse_iso of a 10-byte field, with the column's months kept:
 * YYYY-MM-DD naming a real day of years 1..9999. */
static bool iso_date(intake_rec *rec, int k, const char *s, date_t *out)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned y0 = u[0] - '0', y1 = u[1] - '0', y2 = u[2] - '0', y3 = u[3] - '0';
    unsigned m0 = u[5] - '0', m1 = u[6] - '0', d0 = u[8] - '0', d1 = u[9] - '0';
    if (s[4] != '-' || s[7] != '-' || (y0 > 9) | (y1 > 9) | (y2 > 9) | (y3 > 9) | (m0 > 9) |
                                          (m1 > 9) | (d0 > 9) | (d1 > 9))
        return false; /* (a byte below '0' wraps to a large unsigned) */
    int y = (int)(y0 * 1000 + y1 * 100 + y2 * 10 + y3), m = (int)(m0 * 10 + m1);
    int d = (int)(d0 * 10 + d1);
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    intake_month_seen *c = &rec->dates[k & 3].months[(unsigned)(y * 12 + m) % INTAKE_MONTHS];
    if (c->ym != y * 16 + m) {
        c->ym = y * 16 + m;
        c->days = date_days_in_month(y, m);
        c->first = date_from_ymd(y, m, 1);
    }
    if (d > c->days)
        return false;
    *out = c->first + d - 1;
    return true;
}

bool intake_date_read(intake_rec *rec, int k, bool optional, date_t *out)
{
    csv_field f = intake_field(rec, k);
    char show[INTAKE_SHOW_MAX];
    if (f.len == 0 && optional) {
        *out = DATE_OPEN;
        return true;
    }
    if (f.len == 10 && iso_date(rec, k, f.p, out)) {
        memcpy(rec->dates[k & 3].text, f.p, 10); /* for intake_date */
        rec->dates[k & 3].value = *out;
        return true;
    }
    if (f.len == 0)
        intake_bad(rec, k, "empty (a date YYYY-MM-DD is required)");
    else if (!date_parse_iso(f.p, f.len, out)) {
        char iso[11];
        if (slash_date(f, iso))
            intake_bad(rec, k, "%s must be written YYYY-MM-DD (%s): Excel writes dates with "
                               "slashes unless the column is formatted yyyy-mm-dd before "
                               "saving as CSV", intake_show(show, f), iso);
        else
            intake_bad(rec, k, "%s is not a real date (YYYY-MM-DD)", intake_show(show, f));
    }
    else
        return true;
    return false;
}

bool intake_yen_read(intake_rec *rec, int k, bool optional, int64_t *out)
{
    csv_field f = intake_field(rec, k);
    char show[INTAKE_SHOW_MAX];
    if (f.len == 0 && optional) {
        *out = 0;
        return true;
    }
    if (intake_yen_valid(f.p, f.len, out))
        return true;
    size_t digits = 0;
    while (digits < f.len && f.p[digits] >= '0' && f.p[digits] <= '9')
        digits++;
    if (f.len == 0)
        intake_bad(rec, k, "empty (a whole yen amount is required)");
    else if (f.p[0] == '-')
        intake_bad(rec, k, "%s is negative (a whole yen amount >= 0 is required)",
                   intake_show(show, f));
    else if (digits == f.len)
        intake_bad(rec, k, "%s is too large", intake_show(show, f));
    else
        intake_bad(rec, k, "%s is not a whole yen amount (digits only: no sign, decimals or "
                           "separators)", intake_show(show, f));
    return false;
}

int intake_choice(intake_rec *rec, int k, const char *const *choices, size_t n)
{
    csv_field f = intake_field(rec, k);
    for (size_t i = 0; i < n; i++)
        if (strlen(choices[i]) == f.len && memcmp(choices[i], f.p, f.len) == 0)
            return (int)i;
    char show[INTAKE_SHOW_MAX], list[256] = "";
    for (size_t i = 0; i < n; i++) {
        size_t used = strlen(list);
        snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", choices[i]);
    }
    if (f.len == 0)
        intake_bad(rec, k, "empty (one of %s is required)", list);
    else
        intake_bad(rec, k, "%s is not one of %s", intake_show(show, f), list);
    return -1;
}

/* ---- the id index ------------------------------------------------------ */

static uint32_t id_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* Whether the NUL-terminated id equals s[0..len). */
static bool id_equal(const char *id, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (id[i] != s[i] || id[i] == '\0')
            return false;
    return id[len] == '\0';
}

/* An index entry holds the id's hash in its high half and the position + 1
 * in its low half (0: a free slot), so a probe that meets another id is
 * told apart by the hash, without reading that nursery's id from memory. */
static inline uint64_t index_entry(uint32_t hash, size_t pos)
{
    return (uint64_t)hash << 32 | (uint32_t)(pos + 1);
}

int32_t registry_find(const registry *r, const char *id, size_t len)
{
    if (!r || !r->index_cap || len == 0 || len > 16)
        return -1;
    size_t mask = r->index_cap - 1;
    uint32_t hash = id_hash(id, len);
    for (size_t h = hash & mask;; h = (h + 1) & mask) {
        uint64_t e = r->index[h];
        if (!e)
            return -1;
        uint32_t pos = (uint32_t)e - 1;
        if ((uint32_t)(e >> 32) == hash && id_equal(r->v[pos].id, id, len))
            return (int32_t)pos;
    }
}

/* Adds r->v[pos] to the index; returns the position already holding its id,
 * or -1. */
static int32_t registry_insert(registry *r, size_t pos)
{
    const char *id = r->v[pos].id;
    size_t len = strlen(id), mask = r->index_cap - 1;
    uint32_t hash = id_hash(id, len);
    for (size_t h = hash & mask;; h = (h + 1) & mask) {
        uint64_t e = r->index[h];
        if (!e) {
            r->index[h] = index_entry(hash, pos);
            return -1;
        }
        uint32_t at = (uint32_t)e - 1;
        if ((uint32_t)(e >> 32) == hash && id_equal(r->v[at].id, id, len))
            return (int32_t)at;
    }
}

/* ---- nurseries.csv ----------------------------------------------------- */

enum { R_ID, R_NAME, R_KIND, R_OPERATOR, R_FROM, R_TO, R_BANK, R_BRANCH, R_ACCT_TYPE,
       R_ACCT_NUMBER, R_HOLDER, R_BANK_CODE, R_BRANCH_CODE, R_BANK_KANA, R_BRANCH_KANA,
       R_NCOLS };

static const csv_column registry_cols[R_NCOLS] = {
    {"nursery_id", true},  {"name", true},         {"kind", true},
    {"operator", true},    {"active_from", true},  {"active_to", true},
    {"bank_name", true},   {"bank_branch", true},  {"account_type", true},
    {"account_number", true}, {"account_holder", true},
    {"bank_code", false},  {"branch_code", false}, /* optional columns (SPEC 2) */
    {"bank_name_kana", false}, {"branch_name_kana", false},
};

static const char *const kinds[] = {"private_licensed", "ward_run"};
static const char *const account_types[] = {"ordinary", "current"}; /* 普通 / 当座 */

/* A 振込先 text column: required for a nursery of the paid kind, which the
 * transfer needs; another kind may leave it empty. */
static void bank_text(intake_rec *rec, int k, const nursery *n, bool paid, arena *a,
                      const char **out)
{
    if (paid && intake_field(rec, k).len == 0) {
        intake_bad(rec, k, "empty (a %s nursery is paid: its 振込先 is required)", n->kind);
        *out = NULL;
        return;
    }
    intake_text(rec, k, false, a, out);
}

/* account_holder, when given: what the transfer file's 受取人名 can carry
 * (SPEC 7) — the transfer's own conversion (core/kana.c) and width
 * (bank_account.h).  Checked here, when the registry is read, so that a
 * holder the bank file cannot write stops the run that would pay it; found
 * only by `kasan transfer`, it needed a correction of a finalized month. */
static void bank_holder(intake_rec *rec, int k)
{
    csv_field f = intake_field(rec, k);
    if (f.len == 0)
        return;
    char show[INTAKE_SHOW_MAX], why[200];
    size_t bytes = 0;
    switch (bank_name_check(f.p, f.len, ZENGIN_HOLDER_NAME, &bytes, why, sizeof why)) {
    case BANK_NAME_OK: return;
    case BANK_NAME_BAD:
        intake_bad(rec, k, "%s cannot be written in the bank transfer file: %s (write the holder "
                           "in katakana, as the bank's records have it)", intake_show(show, f), why);
        return;
    case BANK_NAME_LONG:
        intake_bad(rec, k, "%s is %zu characters in the bank transfer file's half-width kana; its "
                           "受取人名 holds %d (abbreviate as the bank does, e.g. ﾌｸ) for "
                           "社会福祉法人)", intake_show(show, f), bytes, ZENGIN_HOLDER_NAME);
        return;
    }
}

/* An optional code of exactly `want` ASCII digits (金融機関コード, 支店コード);
 * NULL when empty.  Leading zeros matter, so "1" is not "0001". */
static void bank_code_field(intake_rec *rec, int k, size_t want, arena *a, const char **out)
{
    csv_field f = intake_field(rec, k);
    *out = NULL;
    if (f.len == 0)
        return;
    size_t digits = 0;
    while (digits < f.len && f.p[digits] >= '0' && f.p[digits] <= '9')
        digits++;
    char show[INTAKE_SHOW_MAX];
    if (digits == f.len && f.len == want)
        *out = arena_strndup(a, f.p, f.len);
    else if (digits == f.len && f.len < want)
        intake_bad(rec, k, "%s is not %zu digits (were leading zeros dropped? keep the column as "
                           "text)", intake_show(show, f), want);
    else
        intake_bad(rec, k, "%s is not %zu digits", intake_show(show, f), want);
}

/* The code point at s[*i] (advancing *i), or -1 if not UTF-8 (csv.c has
 * already checked the file, so this is only a guard). */
static int32_t next_cp(const char *s, size_t len, size_t *i)
{
    const unsigned char *p = (const unsigned char *)s + *i;
    size_t left = len - *i, n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : 2;
    if (n > left)
        return -1;
    int32_t c = n == 1 ? *p : n == 2 ? *p & 0x1F : n == 3 ? *p & 0x0F : *p & 0x07;
    for (size_t j = 1; j < n; j++)
        c = (c << 6) | (p[j] & 0x3F);
    *i += n;
    return c;
}

/* Whether c may stand in a katakana name: what the transfer file (SPEC 7)
 * can carry after its conversion — full-width katakana ァ..ヶ (small ones
 * included) and ー, half-width katakana ｦ..ﾟ (ｰ ﾞ ﾟ included), spaces
 * (half and full width), '-', parentheses ( ) （ ） for the legal-entity
 * abbreviations (ｶ) (ｶ ｼﾔ)), '.', ',', '/', and upper-case letters and digits
 * (half or full width).  Not hiragana, kanji, lower case or other symbols. */
static bool kana_char(int32_t c)
{
    return (c >= 0x30A1 && c <= 0x30F6) || c == 0x30FC || (c >= 0xFF66 && c <= 0xFF9F) ||
           c == ' ' || c == 0x3000 || c == '-' || c == '(' || c == ')' || c == 0xFF08 ||
           c == 0xFF09 || c == '.' || c == ',' || c == '/' || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c >= 0xFF21 && c <= 0xFF3A) ||
           (c >= 0xFF10 && c <= 0xFF19);
}

/* An optional katakana name (bank_name_kana, branch_name_kana); NULL when
 * empty.  A value of spaces only is no name. */
static void bank_kana(intake_rec *rec, int k, arena *a, const char **out)
{
    csv_field f = intake_field(rec, k);
    *out = NULL;
    if (f.len == 0)
        return;
    char show[INTAKE_SHOW_MAX];
    bool blank = true;
    for (size_t i = 0; i < f.len;) {
        size_t at = i;
        int32_t c = next_cp(f.p, f.len, &i);
        if (c < 0 || !kana_char(c)) {
            intake_bad(rec, k, "%s is not katakana: '%.*s' cannot be written in the transfer "
                               "file (katakana, spaces, ー ｰ -, ( ), . , /, A-Z and 0-9 only)",
                       intake_show(show, f), (int)(c < 0 ? f.len - at : i - at), f.p + at);
            return;
        }
        blank = blank && (c == ' ' || c == 0x3000);
    }
    if (blank)
        intake_bad(rec, k, "%s has only spaces (leave it empty or give the name)",
                   intake_show(show, f));
    else
        *out = arena_strndup(a, f.p, f.len);
}

/* Checks one record into *n; false if any field was malformed.  paid_kind:
 * the kind whose 振込先 columns are required (NULL: every kind). */
static bool nursery_read(intake_rec *rec, const char *paid_kind, arena *a, nursery *n)
{
    *n = (nursery){0};
    rec->errors = 0;
    n->line = rec->csv->rec_line;
    if (intake_id(rec, R_ID))
        intake_text(rec, R_ID, true, a, &n->id);
    intake_text(rec, R_NAME, false, a, &n->name);
    int kind = intake_choice(rec, R_KIND, kinds, 2);
    n->kind = kind >= 0 ? kinds[kind] : NULL;
    intake_text(rec, R_OPERATOR, false, a, &n->operator_name);
    bool from_ok = intake_date(rec, R_FROM, false, &n->active_from);
    bool to_ok = intake_date(rec, R_TO, true, &n->active_to);
    if (from_ok && to_ok && n->active_to < n->active_from) {
        char show[INTAKE_SHOW_MAX];
        intake_bad(rec, R_TO, "%s is before active_from",
                   intake_show(show, intake_field(rec, R_TO)));
    }
    /* 振込先 only the paid kind must give; a malformed kind was reported already */
    bool paid = n->kind && (!paid_kind || !strcmp(n->kind, paid_kind));
    bank_text(rec, R_BANK, n, paid, a, &n->bank_name);
    bank_text(rec, R_BRANCH, n, paid, a, &n->bank_branch);
    if (paid || intake_field(rec, R_ACCT_TYPE).len) {
        int acct = intake_choice(rec, R_ACCT_TYPE, account_types, 2);
        n->account_type = acct >= 0 ? account_types[acct] : NULL;
    }
    bank_text(rec, R_ACCT_NUMBER, n, paid, a, &n->account_number);
    bank_text(rec, R_HOLDER, n, paid, a, &n->account_holder);
    bank_holder(rec, R_HOLDER);
    bank_code_field(rec, R_BANK_CODE, 4, a, &n->bank_code);
    bank_code_field(rec, R_BRANCH_CODE, 3, a, &n->branch_code);
    bank_kana(rec, R_BANK_KANA, a, &n->bank_name_kana);
    bank_kana(rec, R_BRANCH_KANA, a, &n->branch_name_kana);
    return rec->errors == 0;
}

static void registry_index_init(registry *r, size_t max, arena *a)
{
    size_t cap = 16;
    while (cap < 2 * max)
        cap *= 2;
    r->index_cap = cap;
    r->index = arena_calloc(a, cap, sizeof *r->index);
}

int registry_parse(const char *name, const char *data, size_t len, const char *paid_kind,
                   arena *a, registry *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    out->file = arena_strdup(a, name);
    csv_reader r;
    int idx[R_NCOLS];
    if (csv_open(&r, out->file, data, len, d) < 0)
        return -1;
    int status = csv_header(&r, registry_cols, R_NCOLS, idx, d);
    if (status == 0) {
        size_t max = csv_max_records(&r);
        out->v = arena_calloc(a, max, sizeof *out->v);
        registry_index_init(out, max, a);
        intake_rec rec = {.csv = &r, .cols = registry_cols, .idx = idx, .d = d};
        int rc;
        while ((rc = csv_next(&r, d)) == 1) {
            nursery *n = &out->v[out->n];
            if (!nursery_read(&rec, paid_kind, a, n))
                status = -1;
            if (!n->id)
                continue; /* no valid id: cannot be indexed */
            int32_t first = registry_insert(out, out->n);
            if (first >= 0) {
                intake_bad(&rec, R_ID, "duplicate id '%s' (first on line %d)", n->id,
                           out->v[first].line);
                status = -1;
                continue;
            }
            out->n++;
        }
        if (rc < 0 || csv_errors(&r))
            status = -1;
        out->ids = arena_calloc(a, out->n + 1, sizeof *out->ids);
        for (size_t i = 0; i < out->n; i++) { /* the id's one home from now on */
            memcpy(out->ids[i], out->v[i].id, strlen(out->v[i].id)); /* at most 16 bytes */
            out->v[i].id = out->ids[i];
        }
        out->id_ordered = true; /* each month groups nurseries in id order */
        for (size_t i = 1; i < out->n && out->id_ordered; i++)
            out->id_ordered = strcmp(out->v[i - 1].id, out->v[i].id) < 0;
    }
    csv_close(&r);
    return status;
}
