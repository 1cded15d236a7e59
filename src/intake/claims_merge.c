/* claims_merge: some nurseries' lines of a claim file replaced, every other
 * line kept byte for byte; see include/kasan/claims_merge.h.  Works on the
 * raw bytes of each record as the CSV reader found them (from where the
 * reader stood before the record to where it stands after), so quoting,
 * spacing and line endings of kept lines are never rewritten.
 * Not here: reading or checking what a line says (claims.c). */
#include "kasan/claims_merge.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/csv.h"

static bool field_is(csv_field f, const char *s)
{
    size_t n = strlen(s);
    return f.len == n && memcmp(f.p, s, n) == 0;
}

/* -1 when f is not among ids, else its index. */
static int id_index(csv_field f, const char *const *ids, size_t n_ids)
{
    for (size_t i = 0; i < n_ids; i++)
        if (field_is(f, ids[i]))
            return (int)i;
    return -1;
}

/* byte order of field f against s, as strcmp */
static int field_cmp(csv_field f, const char *s)
{
    size_t n = strlen(s), m = f.len < n ? f.len : n;
    int c = memcmp(f.p, s, m);
    if (c)
        return c;
    return f.len < n ? -1 : f.len > n;
}

static int open_with_id(csv_reader *r, const char *name, const char *data, size_t len, int *idx,
                        diag_list *d)
{
    static const csv_column id_col = {"nursery_id", true};
    if (csv_open(r, name, data, len, d) != 0)
        return -1;
    return csv_header(r, &id_col, 1, idx, d);
}

int claims_count_lines(const char *name, const char *data, size_t len, const char *const *ids,
                       size_t n_ids, size_t *counts, diag_list *d)
{
    memset(counts, 0, n_ids * sizeof *counts);
    csv_reader r;
    int idx, rc = open_with_id(&r, name, data, len, &idx, d);
    while (rc == 0) {
        int got = csv_next(&r, d);
        if (got <= 0) {
            rc = got;
            break;
        }
        int k = id_index(csv_get(&r, idx), ids, n_ids);
        if (k >= 0)
            counts[k]++;
    }
    if (rc == 0 && csv_errors(&r))
        rc = -1;
    csv_close(&r);
    return rc;
}

static void csv_cell(strbuf *sb, const char *v, size_t n)
{
    if (!memchr(v, ',', n) && !memchr(v, '"', n) && !memchr(v, '\n', n) && !memchr(v, '\r', n)) {
        sb_add(sb, v, n);
        return;
    }
    sb_addc(sb, '"');
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '"')
            sb_addc(sb, '"');
        sb_addc(sb, v[i]);
    }
    sb_addc(sb, '"');
}

/* A fresh line rendered in the output's columns, with its nursery. */
typedef struct fresh_line {
    char *id;
    char *text; /* without line ending */
} fresh_line;

typedef struct fresh_set {
    fresh_line *v;
    size_t n;
    char **cols; /* fresh header names */
    size_t n_cols;
} fresh_set;

static void fresh_free(fresh_set *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].id);
        free(fs->v[i].text);
    }
    for (size_t i = 0; i < fs->n_cols; i++)
        free(fs->cols[i]);
    free(fs->v);
    free(fs->cols);
    memset(fs, 0, sizeof *fs);
}

/* The fresh file's header names and its lines in the output columns out_cols
 * (names; the fresh value of each, or empty). */
static int fresh_read(const char *name, const char *data, size_t len, const char *const *ids,
                      size_t n_ids, char *const *out_cols, size_t n_out, fresh_set *fs,
                      diag_list *d)
{
    csv_reader r;
    int idx, rc = open_with_id(&r, name, data, len, &idx, d);
    int *map = NULL;
    if (rc == 0) {
        map = malloc((n_out ? n_out : 1) * sizeof *map);
        for (size_t j = 0; j < n_out; j++) {
            map[j] = -1;
            for (size_t k = 0; k < r.nf; k++)
                if (field_is(r.f[k], out_cols[j]))
                    map[j] = (int)k;
        }
    }
    strbuf sb;
    sb_init(&sb);
    while (rc == 0) {
        int got = csv_next(&r, d);
        if (got <= 0) {
            rc = got;
            break;
        }
        csv_field id = csv_get(&r, idx);
        if (id_index(id, ids, n_ids) < 0) {
            diag_error(d, name, r.rec_line, idx + 1, "internal: a line of a nursery not given");
            rc = -1;
            break;
        }
        sb_reset(&sb);
        for (size_t j = 0; j < n_out; j++) {
            if (j)
                sb_addc(&sb, ',');
            csv_field f = csv_get(&r, map[j]);
            csv_cell(&sb, f.p, f.len);
        }
        fs->v = realloc(fs->v, (fs->n + 1) * sizeof *fs->v);
        fs->v[fs->n].id = strndup(id.p, id.len);
        fs->v[fs->n].text = strdup(sb.buf);
        fs->n++;
    }
    if (rc == 0 && csv_errors(&r))
        rc = -1;
    sb_release(&sb);
    free(map);
    csv_close(&r);
    return rc;
}

/* The header names of a CSV (the first record), malloc'd; -1 after d. */
static int header_names(const char *name, const char *data, size_t len, char ***names, size_t *n,
                        diag_list *d)
{
    csv_reader r;
    int idx, rc = open_with_id(&r, name, data, len, &idx, d);
    *names = NULL, *n = 0;
    if (rc == 0) {
        *names = calloc(r.nf ? r.nf : 1, sizeof **names);
        for (size_t k = 0; k < r.nf; k++)
            (*names)[k] = strndup(r.f[k].p, r.f[k].len);
        *n = r.nf;
    }
    csv_close(&r);
    return rc;
}

static void names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

/* Length of the line ending that closes span s[0..n): 2, 1 or 0. */
static size_t eol_len(const char *s, size_t n)
{
    if (n >= 2 && s[n - 2] == '\r' && s[n - 1] == '\n')
        return 2;
    return n >= 1 && s[n - 1] == '\n' ? 1 : 0;
}

/* Writes span s[0..n) with `extra` empty cells before its line ending; a
 * span without one gets eol when more follows (*open says one is owed). */
static void put_span(strbuf *out, const char *s, size_t n, size_t extra, bool *open)
{
    size_t e = eol_len(s, n);
    sb_add(out, s, n - e);
    for (size_t i = 0; i < extra; i++)
        sb_addc(out, ',');
    sb_add(out, s + n - e, e);
    *open = e == 0;
}

static void put_fresh(strbuf *out, const fresh_line *l, const char *eol, bool *open)
{
    if (*open)
        sb_adds(out, eol);
    sb_adds(out, l->text);
    sb_adds(out, eol);
    *open = false;
}

int claims_merge(const char *name, const char *old, size_t old_len, const char *fresh,
                 size_t fresh_len, const char *const *ids, size_t n_ids, strbuf *out,
                 claims_merge_stats *st, diag_list *d)
{
    memset(st, 0, sizeof *st);
    if (!old) {
        fresh_set fs = {0};
        char **cols;
        size_t n_cols;
        int rc = header_names(name, fresh, fresh_len, &cols, &n_cols, d);
        if (rc == 0)
            rc = fresh_read(name, fresh, fresh_len, ids, n_ids, cols, n_cols, &fs, d);
        if (rc == 0) {
            sb_add(out, fresh, fresh_len);
            st->added = fs.n;
        }
        names_free(cols, n_cols);
        fresh_free(&fs);
        return rc;
    }
    csv_reader r;
    int idx, rc = open_with_id(&r, name, old, old_len, &idx, d);
    if (rc == 0 && r.encoding == CSV_CP932) {
        diag_error(d, name, 0, 0, "the file is in Shift_JIS (CP932): intake adds lines only to "
                   "a UTF-8 file, whose other lines stay as they are; save it as UTF-8 first");
        rc = -1;
    }
    if (rc != 0) {
        csv_close(&r);
        return -1;
    }
    /* the output's columns: the old header's, then the fresh ones it lacks */
    char **fcols;
    size_t n_fcols;
    if (header_names(name, fresh, fresh_len, &fcols, &n_fcols, d) != 0) {
        csv_close(&r);
        return -1;
    }
    size_t n_old_cols = r.nf, n_out = n_old_cols;
    char **out_cols = calloc(n_old_cols + n_fcols, sizeof *out_cols);
    for (size_t k = 0; k < n_old_cols; k++)
        out_cols[k] = strndup(r.f[k].p, r.f[k].len);
    for (size_t k = 0; k < n_fcols; k++) {
        bool have = false;
        for (size_t j = 0; j < n_old_cols && !have; j++)
            have = !strcmp(out_cols[j], fcols[k]);
        if (!have) {
            out_cols[n_out++] = strdup(fcols[k]);
            size_t used = strlen(st->new_column_names);
            snprintf(st->new_column_names + used, sizeof st->new_column_names - used, "%s%s",
                     used ? ", " : "", fcols[k]);
        }
    }
    st->new_columns = n_out - n_old_cols;
    fresh_set fs = {0};
    rc = fresh_read(name, fresh, fresh_len, ids, n_ids, out_cols, n_out, &fs, d);

    /* the bytes before the data (a BOM), the header with the new columns */
    const char *base = r.data;
    assert(base >= old && base <= old + old_len);
    size_t header_end = r.pos;
    const char *eol = eol_len(base, header_end) == 2 ? "\r\n" : "\n";
    bool open = false;
    if (rc == 0) {
        sb_add(out, old, (size_t)(base - old));
        size_t e = eol_len(base, header_end);
        sb_add(out, base, header_end - e);
        for (size_t k = n_old_cols; k < n_out; k++) {
            sb_addc(out, ',');
            sb_adds(out, out_cols[k]);
        }
        sb_add(out, base + header_end - e, e);
        open = e == 0;
    }
    size_t next = 0; /* the first fresh line not yet written */
    size_t start = r.pos;
    while (rc == 0) {
        int got = csv_next(&r, d);
        if (got < 0) {
            rc = -1;
            break;
        }
        if (got == 0)
            break;
        size_t end = r.pos;
        csv_field id = csv_get(&r, idx);
        if (id_index(id, ids, n_ids) >= 0) {
            st->removed++;
        } else {
            while (next < fs.n && field_cmp(id, fs.v[next].id) > 0)
                put_fresh(out, &fs.v[next++], eol, &open);
            if (open)
                sb_adds(out, eol);
            put_span(out, base + start, end - start, st->new_columns, &open);
            st->kept++;
        }
        start = end;
    }
    if (rc == 0 && csv_errors(&r))
        rc = -1;
    if (rc == 0) {
        while (next < fs.n)
            put_fresh(out, &fs.v[next++], eol, &open);
        sb_add(out, base + start, r.len - start); /* blank lines after the last record */
        st->added = fs.n;
    }
    fresh_free(&fs);
    names_free(out_cols, n_out);
    names_free(fcols, n_fcols);
    csv_close(&r);
    return rc;
}
