/* payments_csv: the machine-readable outputs of SPEC 4 — payments.csv and
 * rejections.csv, and a correction's corrections.csv (SPEC 6.1) (UTF-8, LF,
 * RFC 4180 quoting where a field needs it). */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/report.h"
#include "kasan/rowmerge.h"
#include "kasan/strbuf.h"

/* Appends without a call when the buffer has room (these two files write
 * a few bytes at a time, ~100,000 rows a month). */
static inline void put_n(strbuf *sb, const char *p, size_t n)
{
    if (sb->len + n < sb->cap) {
        memcpy(sb->buf + sb->len, p, n);
        sb->len += n;
        sb->buf[sb->len] = '\0';
    } else {
        sb_add(sb, p, n);
    }
}

static inline void put_c(strbuf *sb, char c)
{
    if (sb->len + 1 < sb->cap) {
        sb->buf[sb->len++] = c;
        sb->buf[sb->len] = '\0';
    } else {
        sb_addc(sb, c);
    }
}

static void csv_put_quoted(strbuf *sb, const char *s)
{
    put_c(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            put_c(sb, '"');
        put_c(sb, *s);
    }
    put_c(sb, '"');
}

/* What a byte is to a CSV field: 1 ends the string, 2 needs quoting. */
static const unsigned char csv_byte[256] = {[0] = 1, [','] = 2, ['"'] = 2, ['\r'] = 2, ['\n'] = 2};

/* The length of s if it can be written as is, else -1 (it needs quoting).
 * Inline: most fields are a few bytes, for which strcspn's call and setup
 * cost more than the scan (a tenth of writing payments.csv). */
static inline ptrdiff_t csv_plain_len(const char *s)
{
    size_t n = 0;
    while (!csv_byte[(unsigned char)s[n]])
        n++;
    return csv_byte[(unsigned char)s[n]] == 1 ? (ptrdiff_t)n : -1;
}

static void csv_put(strbuf *sb, const char *s)
{
    ptrdiff_t n = csv_plain_len(s);
    if (n >= 0)
        put_n(sb, s, (size_t)n);
    else
        csv_put_quoted(sb, s);
}

/* The last string a column wrote: program, version, file name and reason
 * repeat row after row (the same pointer), and so does a nursery's id over
 * its programs' rows, so they are scanned once. */
typedef struct put_cache {
    const char *s;
    ptrdiff_t len; /* -1: needs quoting */
} put_cache;

static void csv_put_same(strbuf *sb, const char *s, put_cache *pc)
{
    if (s != pc->s) {
        pc->s = s;
        pc->len = csv_plain_len(s);
    }
    if (pc->len >= 0)
        put_n(sb, s, (size_t)pc->len);
    else
        csv_put_quoted(sb, s);
}

/* A decimal integer, two digits a step; sb_addf's printf machinery was a
 * tenth of a dense national year's time for these two tiny formats. */
static void put_int(strbuf *sb, long long v)
{
    static const char pairs[201] = "00010203040506070809101112131415161718192021222324"
                                   "25262728293031323334353637383940414243444546474849"
                                   "50515253545556575859606162636465666768697071727374"
                                   "75767778798081828384858687888990919293949596979899";
    char buf[24], *p = buf + sizeof buf;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    for (; u >= 100; u /= 100) {
        p -= 2;
        memcpy(p, pairs + 2 * (u % 100), 2);
    }
    if (u >= 10) {
        p -= 2;
        memcpy(p, pairs + 2 * u, 2);
    } else {
        *--p = (char)('0' + u);
    }
    if (v < 0)
        *--p = '-';
    put_n(sb, p, (size_t)(buf + sizeof buf - p));
}

/* A CSV being written to its temporary name: rows gather in sb and go to
 * the file CSV_CHUNK bytes at a time, so that the buffer stays in the cache
 * (a dense month's payments.csv is 2.6 MB: one buffer for all of it missed
 * the cache on every line it wrote, and was paged in for each process). */
enum { CSV_CHUNK = 64 * 1024 };
typedef struct csv_out {
    strbuf sb;
    fs_out o;
    int err; /* the first errno met, 0 if none */
} csv_out;

static void csv_begin(csv_out *w, const char *path, const char *header)
{
    sb_init(&w->sb);
    sb_grow(&w->sb, CSV_CHUNK + 4096); /* a chunk and the row that ends it */
    sb_adds(&w->sb, header);
    w->err = fs_out_open(&w->o, path, true) != 0 ? errno : 0;
}

static void csv_flush(csv_out *w)
{
    if (!w->err && w->sb.len && fwrite(w->sb.buf, 1, w->sb.len, w->o.f) != w->sb.len)
        w->err = errno ? errno : EIO;
    sb_reset(&w->sb);
}

/* After each row: the chunk goes out when full. */
static inline void csv_row_done(csv_out *w)
{
    if (w->sb.len >= CSV_CHUNK)
        csv_flush(w);
}

/* The file renamed into place (fs_out_commit), or removed on any failure. */
static int csv_end(csv_out *w, const char *path, char *err, size_t errsz)
{
    csv_flush(w);
    if (!w->err && fs_out_commit(&w->o) != 0)
        w->err = errno;
    else if (w->err)
        fs_out_abort(&w->o);
    sb_release(&w->sb);
    if (w->err)
        snprintf(err, errsz, "cannot write %s: %s", path, strerror(w->err));
    errno = w->err;
    return w->err ? -1 : 0;
}

/* ",PROGRAM,RULE_VERSION," of each program, written once: every row of a
 * program repeats them. */
typedef struct program_cells {
    strbuf sb;
    size_t at[ENGINE_MAX_PROGRAMS + 1]; /* program p is sb.buf[at[p] .. at[p + 1]) */
} program_cells;

static void program_cells_init(program_cells *pc, const month_run *run)
{
    sb_init(&pc->sb);
    for (size_t p = 0; p < run->n_programs; p++) {
        pc->at[p] = pc->sb.len;
        put_c(&pc->sb, ',');
        csv_put(&pc->sb, run->programs[p]->id);
        put_c(&pc->sb, ',');
        csv_put(&pc->sb, run->programs[p]->version);
        put_c(&pc->sb, ',');
    }
    pc->at[run->n_programs] = pc->sb.len;
}

int report_payments_csv(const month_run *run, const char *path, char *err, size_t errsz)
{
    csv_out w;
    csv_begin(&w, path, "month,nursery_id,program,rule_version,amount_yen\n");
    strbuf *sb = &w.sb;
    char mon[8];
    month_format(run->month, mon);
    program_cells pc;
    program_cells_init(&pc, run);
    put_cache id = {0};
    for (payment_row r = {0}; engine_payment_next(run, &r);) {
        put_n(sb, mon, 7);
        put_c(sb, ',');
        csv_put_same(sb, r.nursery_id, &id);
        put_n(sb, pc.sb.buf + pc.at[r.program], pc.at[r.program + 1] - pc.at[r.program]);
        put_int(sb, (long long)r.amount);
        put_c(sb, '\n');
        csv_row_done(&w);
    }
    sb_release(&pc.sb);
    return csv_end(&w, path, err, errsz);
}

/* The strings a rejection row reads, asked for a few rows ahead: they lie
 * wherever their claim lines were parsed, out of every cache by now. */
static void prefetch_rejection(const month_run *run, size_t i)
{
    enum { AHEAD = 8 };
    if (i + AHEAD < run->n_rejections) {
        __builtin_prefetch(run->rejections[i + AHEAD].nursery_id);
        __builtin_prefetch(run->rejections[i + AHEAD].ref);
    }
}

int report_rejections_csv(const month_run *run, const char *path, char *err, size_t errsz)
{
    csv_out w;
    csv_begin(&w, path, "month,file,line,nursery_id,ref,reason_code,reason\n");
    strbuf *sb = &w.sb;
    char mon[8];
    month_format(run->month, mon);
    put_cache file = {0}, code = {0}, reason = {0};
    for (size_t i = 0; i < run->n_rejections; i++) {
        const rejection *r = &run->rejections[i];
        prefetch_rejection(run, i);
        put_n(sb, mon, 7);
        put_c(sb, ',');
        csv_put_same(sb, r->file, &file);
        put_c(sb, ',');
        put_int(sb, r->line);
        put_c(sb, ',');
        csv_put(sb, r->nursery_id);
        put_c(sb, ',');
        csv_put(sb, r->ref);
        put_c(sb, ',');
        csv_put_same(sb, r->code, &code);
        put_c(sb, ',');
        csv_put_same(sb, r->reason, &reason);
        put_c(sb, '\n');
        csv_row_done(&w);
    }
    return csv_end(&w, path, err, errsz);
}

int report_corrections_csv(const month_run *run, const run_correction *c, const char *path,
                           char *err, size_t errsz)
{
    csv_out w;
    /* SPEC 6.1's columns, then what is owed (issue 21 item 3): what the
     * month's transfer files paid and corrected − that (0 and the whole
     * amount before any transfer) — the transfer file pays its positive
     * part; a negative one is 返還 */
    csv_begin(&w, path, "month,nursery_id,program,paid_yen,corrected_yen,difference_yen,"
                        "transferred_yen,owed_yen\n");
    strbuf *sb = &w.sb;
    char mon[8];
    month_format(run->month, mon);
    size_t k = 0; /* c->owed, walked with c->rows: both sorted by nursery, program */
    for (size_t i = 0; i < c->n; i++) {
        const ledger_correction *r = &c->rows[i];
        while (k < c->n_owed && rowmerge_cmp(c->owed[k].nursery_id, c->owed[k].program,
                                             r->nursery_id, r->program) < 0)
            k++;
        bool differs = k < c->n_owed && !rowmerge_cmp(c->owed[k].nursery_id, c->owed[k].program,
                                                      r->nursery_id, r->program);
        int64_t sent = !c->transferred ? 0 : differs ? c->owed[k].paid_yen : r->corrected_yen;
        put_n(sb, mon, 7);
        put_c(sb, ',');
        csv_put(sb, r->nursery_id);
        put_c(sb, ',');
        csv_put(sb, r->program);
        put_c(sb, ',');
        put_int(sb, (long long)r->paid_yen);
        put_c(sb, ',');
        put_int(sb, (long long)r->corrected_yen);
        put_c(sb, ',');
        put_int(sb, (long long)r->difference_yen);
        put_c(sb, ',');
        put_int(sb, (long long)sent);
        put_c(sb, ',');
        put_int(sb, (long long)(r->corrected_yen - sent)); /* both ≥ 0: no overflow */
        put_c(sb, '\n');
        csv_row_done(&w);
    }
    return csv_end(&w, path, err, errsz);
}
