/* csv: RFC 4180 records and encoding detection; see include/kasan/csv.h.
 * A record that is one physical line without a quote (nearly all of them) is
 * split in place by a tight loop; anything quoted goes through a small state
 * machine.  Not for writing CSV, and knows nothing of what columns mean. */
#include "kasan/csv.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum {
    CSV_BAD = 2,   /* record reported and skipped */
    CSV_BLANK = 3, /* empty physical line, skipped */
};

/* ---- encoding ---------------------------------------------------------- */

/* Length of the UTF-8 sequence at s[0..avail), or 0 if it is malformed. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 2, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 3, cp = c & 0x07;
    } else {
        return 0;
    }
    if (avail <= n)
        return 0;
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[k] & 0x3F);
    }
    if (n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)))
        return 0;
    if (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))
        return 0;
    return n + 1;
}

/* Whether c is a C0 control other than tab, CR and LF (NUL included).  Such
 * a byte is never text a person typed into a claim: a NUL would cut a C
 * string short downstream, so the whole file is malformed. */
static inline bool bad_control(unsigned c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

/* The set bits of x < 2^16, without __builtin_popcount (a library call
 * when the target has no POPCNT instruction, as the x86-64 baseline). */
static inline size_t bits16(unsigned x)
{
    x = x - ((x >> 1) & 0x5555);
    x = (x & 0x3333) + ((x >> 2) & 0x3333);
    x = (x + (x >> 4)) & 0x0F0F;
    return (x + (x >> 8)) & 0x1F;
}

/* Moves i over plain text (ASCII without a control byte other than tab, CR
 * and LF) up to the first other byte, adding the '\n's passed to *nl; the
 * last 15 bytes or fewer are left to the caller.  Stopping on the byte
 * itself, not the start of its block, matters for mixed text (the
 * registry's Japanese names between ASCII ids and dates): the caller would
 * otherwise step through the ASCII before it one byte at a time. */
static size_t plain_run(const unsigned char *s, size_t i, size_t len, size_t *nl)
{
#if defined(__SSE2__) && defined(__x86_64__)
    const __m128i lf = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    const __m128i lim = _mm_set1_epi8(0x20), tab = _mm_set1_epi8('\t'), cr = _mm_set1_epi8('\r');
    for (;;) {
        __m128i acc = zero; /* per-byte counts, summed before they can wrap */
        int k = 0;
        for (; k < 255 && i + 16 <= len; k++, i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i is_lf = _mm_cmpeq_epi8(v, lf);
            /* signed: bytes >= 0x80 are negative, so "low" takes them in too,
             * and the sign bit of v flags them anyway */
            __m128i low = _mm_cmplt_epi8(v, lim);
            __m128i ok = _mm_or_si128(is_lf, _mm_or_si128(_mm_cmpeq_epi8(v, tab),
                                                          _mm_cmpeq_epi8(v, cr)));
            unsigned other = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_andnot_si128(ok, low)));
            if (other) { /* the plain bytes before the first other one */
                unsigned before = (1u << __builtin_ctz(other)) - 1;
                *nl += bits16((unsigned)_mm_movemask_epi8(is_lf) & before);
                i += (size_t)__builtin_ctz(other);
                break;
            }
            acc = _mm_sub_epi8(acc, is_lf);
        }
        __m128i sum = _mm_sad_epu8(acc, zero);
        *nl += (size_t)_mm_cvtsi128_si64(sum) +
               (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(sum, sum));
        if (k < 255)
            return i;
    }
#else
    (void)s, (void)len, (void)nl;
    return i;
#endif
}

/* One pass over the text: whether it is UTF-8 (if not, *bad gets the offset
 * of the first offending byte), its '\n' count, and the offset of its first
 * control byte (bad_control) in *control, or len if none. */
static bool text_scan(const char *data, size_t len, size_t *bad, size_t *newlines,
                      size_t *control)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0, nl = 0, ctl = len;
    while (i < len) {
        i = plain_run(s, i, len, &nl);
        if (i >= len)
            break;
        if (s[i] < 0x80) {
            nl += s[i] == '\n';
            if (ctl == len && bad_control(s[i]))
                ctl = i;
            i++;
            continue;
        }
        do { /* a run of multi-byte characters (Japanese text) without going back
              * to plain_run for each */
            /* three bytes (U+0800..U+FFFF, no surrogate): nearly all Japanese */
            unsigned c = s[i];
            if ((c & 0xF0) == 0xE0 && len - i > 2 && (s[i + 1] & 0xC0) == 0x80 &&
                (s[i + 2] & 0xC0) == 0x80 && (c != 0xE0 || s[i + 1] >= 0xA0) &&
                (c != 0xED || s[i + 1] < 0xA0)) { /* kana, kanji: utf8_seq inline */
                i += 3;
                continue;
            }
            size_t n = utf8_seq(s + i, len - i);
            if (!n) {
                *bad = i;
                return false;
            }
            i += n;
        } while (i < len && s[i] >= 0x80);
    }
    *newlines = nl;
    *control = ctl;
    return true;
}

bool csv_utf8_valid(const char *data, size_t len, size_t *bad)
{
    size_t nl, ctl, where = 0;
    bool ok = text_scan(data, len, &where, &nl, &ctl);
    if (!ok && bad)
        *bad = where;
    return ok;
}

static size_t count_newlines(const char *p, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += p[i] == '\n';
    return n;
}

static int line_of_offset(const char *data, size_t off)
{
    int line = 1;
    const char *p = data, *end = data + off;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        line++;
        p++;
    }
    return line;
}

/* CP932 → UTF-8 into a malloc'd NUL-terminated buffer.  0, -1 with *bad set
 * at an invalid byte, or -2 when iconv has no CP932 converter. */
static int from_cp932(const char *in, size_t len, char **out, size_t *out_len, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", "CP932");
    if (cd == (iconv_t)-1)
        return -2;
    size_t cap = len + len / 2 + 16; /* kanji 2→3 bytes; half-width kana 1→3 grows */
    char *buf = malloc(cap);
    if (!buf)
        abort();
    char *ip = (char *)in, *op = buf;
    size_t il = len, ol = cap - 1;
    int rc = 0;
    while (il > 0 && iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
        if (errno != E2BIG) { /* EILSEQ, or EINVAL for a truncated pair */
            *bad = (size_t)(ip - in);
            rc = -1;
            break;
        }
        size_t used = (size_t)(op - buf);
        cap *= 2;
        buf = realloc(buf, cap);
        if (!buf)
            abort();
        op = buf + used;
        ol = cap - 1 - used;
    }
    iconv_close(cd);
    if (rc) {
        free(buf);
        return rc;
    }
    *op = '\0';
    *out = buf;
    *out_len = (size_t)(op - buf);
    return 0;
}

static void report_encoding(const char *name, const char *data, size_t len, size_t bad8,
                            size_t bad932, diag_list *d)
{
    size_t worst = bad932 > bad8 ? bad932 : bad8; /* the likelier intended encoding */
    unsigned char b8 = (unsigned char)data[bad8];
    unsigned char b932 = bad932 < len ? (unsigned char)data[bad932] : 0;
    diag_error(d, name, line_of_offset(data, worst), 0,
               "text is neither UTF-8 nor CP932 (Shift_JIS): invalid UTF-8 byte 0x%02X at "
               "byte offset %zu (line %d), invalid CP932 byte 0x%02X at byte offset %zu "
               "(line %d)",
               b8, bad8, line_of_offset(data, bad8), b932, bad932,
               line_of_offset(data, bad932));
}

/* Offset of the first control byte (bad_control), or len: for a CP932 file,
 * whose converted text text_scan has not seen. */
static size_t find_control(const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *)data;
    size_t i = 0;
#if defined(__SSE2__) && defined(__x86_64__)
    const __m128i lim = _mm_set1_epi8(0x20), sign = _mm_set1_epi8((char)0x80);
    const __m128i tab = _mm_set1_epi8('\t'), lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    for (; i + 16 <= len; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* unsigned v < 0x20 as a signed compare of both sides biased by 0x80 */
        __m128i low = _mm_cmplt_epi8(_mm_xor_si128(v, sign), _mm_xor_si128(lim, sign));
        __m128i ok = _mm_or_si128(_mm_cmpeq_epi8(v, tab),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr)));
        if (_mm_movemask_epi8(_mm_andnot_si128(ok, low)))
            break;
    }
#endif
    for (; i < len; i++)
        if (bad_control(s[i]))
            return i;
    return len;
}

/* Reports a control byte at off of the (UTF-8) text: line and character
 * column, both 1-based. */
static void report_control(const char *name, const char *data, size_t off, diag_list *d)
{
    size_t start = off;
    while (start > 0 && data[start - 1] != '\n')
        start--;
    int col = 1;
    for (size_t k = start; k < off; k++)
        col += ((unsigned char)data[k] & 0xC0) != 0x80; /* count characters, not bytes */
    unsigned char c = (unsigned char)data[off];
    diag_error(d, name, line_of_offset(data, off), col,
               "control character 0x%02X%s in the text: the file is malformed (only tab, CR "
               "and LF are allowed)", c, c == 0 ? " (NUL)" : "");
}

/* The text after decoding must hold no control byte (bad_control); off is
 * where the first one is in r->data, or r->len. */
static int check_controls(csv_reader *r, size_t off, diag_list *d)
{
    if (off == r->len)
        return 0;
    report_control(r->name, r->data, off, d);
    free(r->converted); /* callers do not csv_close() a reader that failed to open */
    r->converted = NULL;
    r->data = NULL;
    r->len = 0;
    r->errors++;
    r->stopped = true;
    return -1;
}

int csv_open(csv_reader *r, const char *name, const char *data, size_t len, diag_list *d)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->line = 1;
    size_t bad8 = 0, bad932 = 0, control;
    if (text_scan(data, len, &bad8, &r->newlines, &control)) {
        r->encoding = CSV_UTF8;
        if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
            r->encoding = CSV_UTF8_BOM;
            data += 3, len -= 3, control -= 3; /* the BOM holds no control byte */
        }
        r->data = data;
        r->len = len;
        return check_controls(r, control, d);
    }
    int rc = from_cp932(data, len, &r->converted, &r->len, &bad932);
    if (rc == 0) {
        r->encoding = CSV_CP932;
        r->data = r->converted;
        r->newlines = count_newlines(r->data, r->len);
        return check_controls(r, find_control(r->data, r->len), d);
    }
    if (rc == -2)
        diag_error(d, name, line_of_offset(data, bad8), 0,
                   "invalid UTF-8 byte at byte offset %zu, and no CP932 converter: %s", bad8,
                   strerror(errno));
    else
        report_encoding(name, data, len, bad8, bad932, d);
    r->errors++;
    r->stopped = true;
    return -1;
}

/* ---- records ----------------------------------------------------------- */

static int csv_stop(csv_reader *r)
{
    r->errors++;
    r->stopped = true;
    return -1;
}

static bool csv_grow(csv_reader *r, diag_list *d)
{
    if (r->f_cap == CSV_MAX_FIELDS) {
        diag_error(d, r->name, r->rec_line, 0, "record has more than %d fields", CSV_MAX_FIELDS);
        return false;
    }
    size_t cap = r->f_cap ? r->f_cap * 2 : 64;
    r->f_cap = cap < CSV_MAX_FIELDS ? cap : CSV_MAX_FIELDS;
    r->f = realloc(r->f, r->f_cap * sizeof *r->f);
    if (!r->f)
        abort();
    return true;
}

static inline bool csv_push(csv_reader *r, diag_list *d, const char *p, size_t len)
{
    if (r->nf == r->f_cap && !csv_grow(r, d))
        return false;
    r->f[r->nf++] = (csv_field){p, len};
    return true;
}

/* Skips the rest of the physical line at p after a bad record. */
static int csv_skip_line(csv_reader *r, const char *p, int line)
{
    const char *end = r->data + r->len;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    r->pos = nl ? (size_t)(nl + 1 - r->data) : r->len;
    r->line = line + 1;
    r->errors++;
    return CSV_BAD;
}

static int csv_too_long(csv_reader *r, diag_list *d, bool in_quote)
{
    diag_error(d, r->name, r->rec_line, 0, "record is longer than %zu bytes%s", CSV_MAX_LINE,
               in_quote ? " (a quoted field not closed?)" : "");
    return csv_stop(r);
}

/* A quoted field whose opening quote is at *pp; sets the field slice and
 * moves *pp past the closing quote.  Doubled quotes are collapsed into
 * r->unquoted.  Returns 1, or -1 after a fatal error. */
static int csv_quoted(csv_reader *r, diag_list *d, const char **pp, const char *lim, int *line,
                      csv_field *out)
{
    const char *p = *pp + 1, *q0 = p, *end = r->data + r->len;
    char *dst = NULL;
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(lim - p));
        if (!q) {
            if (lim < end)
                return csv_too_long(r, d, true);
            diag_error(d, r->name, *line, (int)r->nf + 1, "quoted field is never closed");
            return csv_stop(r);
        }
        for (const char *n = p; (n = memchr(n, '\n', (size_t)(q - n))) != NULL; n++)
            ++*line;
        if (q + 1 < end && q[1] == '"') { /* "" stands for one quote */
            if (!r->unquoted && !(r->unquoted = malloc(CSV_MAX_LINE + 2)))
                abort();
            if (!dst)
                dst = r->unquoted + r->unquoted_len;
            memcpy(r->unquoted + r->unquoted_len, p, (size_t)(q + 1 - p));
            r->unquoted_len += (size_t)(q + 1 - p);
            p = q + 2;
            continue;
        }
        if (dst) {
            memcpy(r->unquoted + r->unquoted_len, p, (size_t)(q - p));
            r->unquoted_len += (size_t)(q - p);
            *out = (csv_field){dst, (size_t)(r->unquoted + r->unquoted_len - dst)};
        } else {
            *out = (csv_field){q0, (size_t)(q - q0)};
        }
        *pp = q + 1;
        return 1;
    }
}

/* Whether p starts a record terminator ("\n", "\r\n", or the end). */
static bool at_eol(const char *p, const char *end)
{
    return p == end || *p == '\n' || (*p == '\r' && (p + 1 == end || p[1] == '\n'));
}

/* The general record: quoted fields, possibly over several physical lines. */
static int csv_record_quoted(csv_reader *r, diag_list *d)
{
    const char *start = r->data + r->pos, *end = r->data + r->len, *p = start;
    const char *lim = (size_t)(end - start) > CSV_MAX_LINE ? start + CSV_MAX_LINE + 1 : end;
    int line = r->line;
    r->nf = 0;
    r->unquoted_len = 0;
    for (;;) {
        csv_field f;
        if (p >= lim && lim < end)
            return csv_too_long(r, d, false);
        if (p < lim && *p == '"') {
            if (csv_quoted(r, d, &p, lim, &line, &f) < 0)
                return -1;
            if (p < end && !at_eol(p, end) && *p != ',') {
                diag_error(d, r->name, r->rec_line, (int)r->nf + 1,
                           "unexpected character after a closing quote (write \"\" for a "
                           "quote inside a quoted field)");
                return csv_skip_line(r, p, line);
            }
        } else {
            const char *s = p;
            while (p < lim && *p != ',' && *p != '\n' && *p != '"')
                p++;
            if (p < lim && *p == '"') {
                diag_error(d, r->name, r->rec_line, (int)r->nf + 1,
                           "quote inside an unquoted field (quote the whole field and "
                           "double the quote)");
                return csv_skip_line(r, p, line);
            }
            if (p == lim && lim < end)
                return csv_too_long(r, d, false);
            size_t n = (size_t)(p - s);
            if (n && s[n - 1] == '\r' && (p == end || *p == '\n'))
                n--;
            f = (csv_field){s, n};
        }
        if (!csv_push(r, d, f.p, f.len))
            return csv_stop(r);
        if (p < end && *p == ',') {
            p++;
            continue;
        }
        if (p < end && *p == '\r')
            p++;
        if (p < end) { /* '\n' */
            p++;
            line++;
        }
        break;
    }
    r->pos = (size_t)(p - r->data);
    r->line = line;
    return 1;
}

/* Bytes that end an unquoted field or send the record to the quoted path. */
static const unsigned char csv_special[256] = {[','] = 1, ['\n'] = 1, ['"'] = 1};

/* Bit i of the result set when b[i] is ',', '\n' or '"'; b has 64 bytes. */
#if defined(__SSE2__)
static inline uint64_t csv_block_mask(const char *b)
{
    const __m128i comma = _mm_set1_epi8(','), nl = _mm_set1_epi8('\n'), quote = _mm_set1_epi8('"');
    uint64_t m = 0;
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(b + 16 * i));
        __m128i e = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, comma), _mm_cmpeq_epi8(v, nl)),
                                 _mm_cmpeq_epi8(v, quote));
        m |= (uint64_t)(uint16_t)_mm_movemask_epi8(e) << (16 * i);
    }
    return m;
}
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* 0x80 in each byte of w equal to c, exactly (no false positives). */
static inline uint64_t bytes_equal(uint64_t w, unsigned char c)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
    uint64_t v = w ^ (0x0101010101010101ull * c);
    return ~(((v & low7) + low7) | v | low7);
}

static inline uint64_t csv_block_mask(const char *b)
{
    uint64_t m = 0;
    for (int i = 0; i < 8; i++) {
        uint64_t w;
        memcpy(&w, b + 8 * i, 8);
        uint64_t x = bytes_equal(w, ',') | bytes_equal(w, '\n') | bytes_equal(w, '"');
        m |= (((x >> 7) * 0x0102040810204080ull) >> 56) << (8 * i); /* gather the 0x80s */
    }
    return m;
}
#else
static inline uint64_t csv_block_mask(const char *b)
{
    uint64_t m = 0;
    for (int i = 0; i < 64; i++)
        m |= (uint64_t)csv_special[(unsigned char)b[i]] << i;
    return m;
}
#endif

/* Where the special bytes of the record being split are: the bits of the
 * current 64-byte block not yet consumed, and the offset of the next block. */
typedef struct csv_scan {
    const char *blk;
    uint64_t m;
    size_t next;
} csv_scan;

/* The next ',', '\n' or '"' at or after s, or the end of the data.  Specials
 * are consumed in order, so s never lies before a pending bit. */
static inline const char *csv_special_next(const csv_reader *r, csv_scan *sc, const char *s)
{
    while (!sc->m) {
        if (r->len - sc->next < 64) { /* the tail: byte by byte */
            const char *c = s, *end = r->data + r->len;
            while (c < end && !csv_special[(unsigned char)*c])
                c++;
            return c;
        }
        sc->blk = r->data + sc->next;
        sc->next += 64;
        sc->m = csv_block_mask(sc->blk);
    }
    const char *c = sc->blk + __builtin_ctzll(sc->m);
    sc->m &= sc->m - 1;
    return c;
}

/* One record at r->pos: 1, 0 at the end, CSV_BAD, CSV_BLANK or -1.  One pass
 * over the bytes; a quote anywhere restarts the record in csv_record_quoted. */
static int csv_record(csv_reader *r, diag_list *d)
{
    const char *p = r->data + r->pos, *end = r->data + r->len;
    if (p >= end)
        return 0;
    r->rec_line = r->line;
    r->nf = 0;
    csv_scan sc = {NULL, 0, r->pos};
    for (const char *s = p;;) {
        const char *c = csv_special_next(r, &sc, s);
        if (c < end && *c == '"')
            return csv_record_quoted(r, d);
        if ((size_t)(c - p) > CSV_MAX_LINE) {
            diag_error(d, r->name, r->line, 0, "line is longer than %zu bytes", CSV_MAX_LINE);
            return csv_stop(r);
        }
        size_t n = (size_t)(c - s);
        bool eol = c == end || *c == '\n';
        if (eol && n && s[n - 1] == '\r')
            n--;
        if (eol && r->nf == 0 && n == 0) { /* blank line */
            r->pos = c < end ? (size_t)(c + 1 - r->data) : r->len;
            r->line++;
            return CSV_BLANK;
        }
        if (!csv_push(r, d, s, n))
            return csv_stop(r);
        if (eol) {
            r->pos = c < end ? (size_t)(c + 1 - r->data) : r->len;
            r->line++;
            return 1;
        }
        s = c + 1;
    }
}

int csv_next(csv_reader *r, diag_list *d)
{
    for (;;) {
        if (r->stopped)
            return -1;
        int rc = csv_record(r, d);
        if (rc == CSV_BAD || rc == CSV_BLANK)
            continue;
        if (rc != 1)
            return rc;
        if (r->n_header && r->nf != r->n_header) {
            diag_error(d, r->name, r->rec_line, 0, "record has %zu fields but the header has %zu",
                       r->nf, r->n_header);
            r->errors++;
            continue;
        }
        return 1;
    }
}

/* ---- header ------------------------------------------------------------ */

static int csv_find_column(csv_reader *r, const char *name, diag_list *d)
{
    size_t n = strlen(name);
    int found = -1;
    for (size_t i = 0; i < r->nf; i++) {
        if (r->f[i].len != n || memcmp(r->f[i].p, name, n) != 0)
            continue;
        if (found >= 0) {
            diag_error(d, r->name, r->rec_line, (int)i + 1,
                       "column '%s' appears twice in the header (fields %d and %zu)", name,
                       found + 1, i + 1);
            r->errors++;
            return -2;
        }
        found = (int)i;
    }
    return found;
}

int csv_header(csv_reader *r, const csv_column *cols, size_t n, int *idx, diag_list *d)
{
    r->n_header = 0;
    size_t before = r->errors;
    int rc = csv_next(r, d);
    if (rc < 0)
        return -1;
    if (r->errors > before) { /* a broken header would misname every column */
        r->stopped = true;
        return -1;
    }
    if (rc == 0) {
        diag_error(d, r->name, 0, 0, "empty file: a header row naming the columns is required");
        r->errors++;
        return -1;
    }
    int status = 0;
    for (size_t i = 0; i < n; i++) {
        idx[i] = csv_find_column(r, cols[i].name, d);
        if (idx[i] == -2) {
            status = -1;
        } else if (idx[i] < 0 && cols[i].required) {
            diag_error(d, r->name, r->rec_line, 0, "missing required column '%s'", cols[i].name);
            r->errors++;
            status = -1;
        }
    }
    r->n_header = r->nf;
    return status;
}

size_t csv_max_records(const csv_reader *r)
{
    size_t done = (size_t)r->line - 1; /* newlines already passed */
    return done < r->newlines ? r->newlines - done + 1 : 1;
}

size_t csv_errors(const csv_reader *r) { return r->errors; }

void csv_close(csv_reader *r)
{
    free(r->converted);
    free(r->unquoted);
    free(r->f);
    memset(r, 0, sizeof *r);
}
