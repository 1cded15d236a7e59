/* json: the ledger's one canonical-JSON writer — every event payload, the
 * hashed form of an event, the export's lines and the payments digest are
 * written through it, so the bytes that are hashed come from one place.
 * Canonical: no spaces, keys of an object in byte order (the writer keeps
 * track; the payload builders assert it), strings UTF-8 as they are with
 * only '"', '\\' and controls escaped, integers in decimal — exactly
 * Python's json.dumps(..., sort_keys=True, ensure_ascii=False,
 * separators=(',', ':')).  The payloads' keys and types are described once,
 * in ledger_int.h.  Not here: what a payload holds (store.c, chain.c,
 * settle_store.c, transfer_store.c), hashing (chain.c). */
#include "ledger_int.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

static void put_string(strbuf *sb, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    sb_addc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': sb_adds(sb, "\\\""); break;
        case '\\': sb_adds(sb, "\\\\"); break;
        case '\b': sb_adds(sb, "\\b"); break;
        case '\f': sb_adds(sb, "\\f"); break;
        case '\n': sb_adds(sb, "\\n"); break;
        case '\r': sb_adds(sb, "\\r"); break;
        case '\t': sb_adds(sb, "\\t"); break;
        default:
            if (*p < 0x20) {
                char u[7] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15], 0};
                sb_adds(sb, u);
            } else {
                sb_addc(sb, (char)*p);
            }
        }
    }
    sb_addc(sb, '"');
}

void ledger_json_start(ledger_json *j, strbuf *sb)
{
    memset(j, 0, sizeof *j);
    j->sb = sb;
    j->sorted = true;
}

/* Before a value: the comma between two elements of an array. */
static void before_value(ledger_json *j)
{
    if (j->depth == 0 || j->kind[j->depth - 1] != '[')
        return; /* top level, or after an object's key */
    if (!j->empty[j->depth - 1])
        sb_addc(j->sb, ',');
    j->empty[j->depth - 1] = false;
}

void ledger_json_open(ledger_json *j, char kind)
{
    assert(kind == '{' || kind == '[');
    assert(j->depth < LEDGER_JSON_DEPTH);
    before_value(j);
    sb_addc(j->sb, kind);
    j->kind[j->depth] = kind;
    j->empty[j->depth] = true;
    j->last[j->depth][0] = '\0';
    j->depth++;
}

void ledger_json_close(ledger_json *j)
{
    assert(j->depth > 0);
    j->depth--;
    sb_addc(j->sb, j->kind[j->depth] == '{' ? '}' : ']');
}

void ledger_json_key(ledger_json *j, const char *key)
{
    assert(j->depth > 0 && j->kind[j->depth - 1] == '{');
    int d = j->depth - 1;
    if (!j->empty[d]) {
        sb_addc(j->sb, ',');
        if (strcmp(j->last[d], key) >= 0)
            j->sorted = false; /* the builder asserts, or the keys were data */
    }
    j->empty[d] = false;
    snprintf(j->last[d], sizeof j->last[d], "%s", key);
    put_string(j->sb, key);
    sb_addc(j->sb, ':');
}

void ledger_json_text(ledger_json *j, const char *s)
{
    before_value(j);
    if (s)
        put_string(j->sb, s);
    else
        sb_adds(j->sb, "null");
}

void ledger_json_number(ledger_json *j, int64_t v)
{
    before_value(j);
    sb_addf(j->sb, "%lld", (long long)v);
}

void ledger_json_raw(ledger_json *j, const char *json)
{
    before_value(j);
    sb_adds(j->sb, json);
}

void ledger_json_kv_text(ledger_json *j, const char *key, const char *s)
{
    ledger_json_key(j, key);
    ledger_json_text(j, s);
}

void ledger_json_kv_number(ledger_json *j, const char *key, int64_t v)
{
    ledger_json_key(j, key);
    ledger_json_number(j, v);
}

bool ledger_json_done(const ledger_json *j) { return j->depth == 0 && j->sorted; }

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
bool ledger_utf8_valid(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p, n, min;
        if (c < 0x80) { p++; continue; }
        if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; c &= 0x1f; }
        else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; c &= 0x0f; }
        else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; c &= 0x07; }
        else return false;
        for (unsigned i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            c = (c << 6) | (p[i] & 0x3f);
        }
        if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

/* ---- a key of a canonical object, put in or taken out -----------------
 * Signing adds the "signer" object to a payload that its builder wrote
 * without it (src/ledger/sign.c), and verification takes it out again to
 * compare a rebuilt payload (chain.c).  Both work on this writer's output
 * only: no spaces, keys in byte order, so a key's place is found by
 * comparing it with the object's top-level keys as they are written. */

/* Index just past the string starting at s[i] == '"'. */
static size_t skip_string(const char *s, size_t i)
{
    for (i++; s[i] && s[i] != '"'; i++)
        if (s[i] == '\\' && s[i + 1])
            i++;
    return s[i] ? i + 1 : i;
}

/* Index just past the value starting at s[i]. */
static size_t skip_value(const char *s, size_t i)
{
    if (s[i] == '"')
        return skip_string(s, i);
    if (s[i] != '{' && s[i] != '[') {
        while (s[i] && s[i] != ',' && s[i] != '}' && s[i] != ']')
            i++;
        return i;
    }
    int depth = 0;
    while (s[i]) {
        if (s[i] == '"') {
            i = skip_string(s, i);
            continue;
        }
        if (s[i] == '{' || s[i] == '[')
            depth++;
        else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
            return i + 1;
        i++;
    }
    return i;
}

/* Walks the top-level members of obj: for each, the key's span (without
 * quotes) and the member's span [start, end) (key to value's end).  Returns
 * false when obj is not an object this writer could have written. */
typedef struct member {
    size_t start, end, key, key_len;
} member;

static bool next_member(const char *obj, size_t *i, member *m)
{
    if (obj[*i] == ',')
        ++*i;
    if (obj[*i] != '"')
        return false;
    m->start = *i;
    size_t k = skip_string(obj, *i);
    m->key = *i + 1;
    m->key_len = k - *i - 2;
    if (obj[k] != ':')
        return false;
    m->end = skip_value(obj, k + 1);
    *i = m->end;
    return m->end > k + 1;
}

static int key_cmp(const char *obj, const member *m, const char *key)
{
    size_t n = strlen(key);
    int c = strncmp(obj + m->key, key, m->key_len < n ? m->key_len : n);
    return c ? c : (m->key_len > n) - (m->key_len < n);
}

bool ledger_json_put(const char *obj, const char *key, const char *value, strbuf *out)
{
    size_t len = strlen(obj), i = 1, at = 0;
    if (len < 2 || obj[0] != '{' || obj[len - 1] != '}')
        return false;
    bool empty = len == 2;
    member m;
    while (i < len - 1) {
        if (!next_member(obj, &i, &m))
            return false;
        int c = key_cmp(obj, &m, key);
        if (c == 0)
            return false; /* the key is there already */
        if (c > 0) {
            at = m.start;
            break;
        }
    }
    if (!at) { /* after every key: before the closing brace */
        sb_add(out, obj, len - 1);
        if (!empty)
            sb_addc(out, ',');
        put_string(out, key);
        sb_addc(out, ':');
        sb_adds(out, value);
        sb_addc(out, '}');
        return true;
    }
    sb_add(out, obj, at);
    put_string(out, key);
    sb_addc(out, ':');
    sb_adds(out, value);
    sb_addc(out, ',');
    sb_adds(out, obj + at);
    return true;
}

bool ledger_json_take(const char *obj, const char *key, strbuf *without, strbuf *value)
{
    size_t len = strlen(obj), i = 1;
    if (len < 2 || obj[0] != '{' || obj[len - 1] != '}')
        return false;
    member m;
    bool first = true;
    while (i < len - 1) {
        if (!next_member(obj, &i, &m))
            return false;
        if (key_cmp(obj, &m, key) == 0) {
            size_t vstart = m.start + m.key_len + 3; /* past "key": */
            if (value)
                sb_add(value, obj + vstart, m.end - vstart);
            /* drop the member and one comma: the one before it, or after
             * it when it is the first */
            size_t from = first ? m.start : m.start - 1;
            size_t to = first && obj[m.end] == ',' ? m.end + 1 : m.end;
            sb_add(without, obj, from);
            sb_adds(without, obj + to);
            return true;
        }
        first = false;
    }
    return false;
}
