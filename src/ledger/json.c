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
