/* load_issuer: `kind: issuer` rule files (rules/README.md §18) — who issues
 * the documents a nursery receives: the ward head's title and name, the
 * section and its contact, the document number's pattern (文書番号) and the
 * 教示 of notices — and the document number laid out from that pattern.
 * Not here: allocating numbers (the ledger), printing documents (report),
 * which version is in force (versions.c). */
#include <stdio.h>
#include <string.h>

#include "rules_int.h"

enum {
    ISSUER_LINE_MAX = 200,     /* bytes of a one-line text (title, name, section, contact) */
    ISSUER_NOTICE_MAX = 4000,  /* bytes of the 教示 */
    ISSUER_NUMBER_MAX = 100,   /* bytes of the pattern */
};

/* A one-line text of at most ISSUER_LINE_MAX bytes. */
static const char *one_line(loader *l, const ynode *root, const char *key)
{
    const char *s = get_text(l, root, key);
    if (!s)
        return NULL;
    if (strchr(s, '\n') || strlen(s) > ISSUER_LINE_MAX) {
        lerr(l, ymap_get(root, key), "%s must be one line of at most %d bytes", key,
             ISSUER_LINE_MAX);
        return NULL;
    }
    return s;
}

/* The pattern: text with {n} (the number) exactly once and optionally {y}
 * (the fiscal year's 和暦 year); any other brace is an error. */
static const char *number_pattern(loader *l, const ynode *root)
{
    const char *s = one_line(l, root, "document_number");
    if (!s)
        return NULL;
    const ynode *n = ymap_get(root, "document_number");
    int count = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '{') {
            if (!strncmp(p, "{n}", 3)) {
                count++;
                p += 2;
                continue;
            }
            if (!strncmp(p, "{y}", 3)) {
                p += 2;
                continue;
            }
            lerr(l, n, "document_number: only {n} (the number) and {y} (the fiscal year's "
                       "和暦 year) may stand in braces, not '%.8s'", p);
            return NULL;
        }
        if (*p == '}') {
            lerr(l, n, "document_number: a '}' without its '{'");
            return NULL;
        }
    }
    if (count != 1) {
        lerr(l, n, "document_number must hold {n}, the number, exactly once (it holds it %d "
                   "times): e.g. \"{y}板子保第{n}号\"", count);
        return NULL;
    }
    if (strlen(s) > ISSUER_NUMBER_MAX) {
        lerr(l, n, "document_number is longer than %d bytes", ISSUER_NUMBER_MAX);
        return NULL;
    }
    return s;
}

void load_issuer(loader *l, const ynode *root)
{
    static const char *const keys[] = {"kind", "version", "title", "effective_from",
                                       "effective_to", "basis", "head_title", "head_name",
                                       "section", "contact", "document_number", "appeal_notice",
                                       "note", NULL};
    static const char *const req[] = {"version", "title", "effective_from", "basis",
                                      "head_title", "head_name", "section", "contact",
                                      "document_number", "appeal_notice", NULL};
    check_keys(l, root, keys, req, "an issuer file");
    rule_set *rs = l->rs;
    rule_issuer *v = grow(rs, rs->issuers, rs->n_issuers, sizeof *v);
    rs->issuers = v;
    rule_issuer *is = &v[rs->n_issuers++];
    is->file = l->f;
    load_names(l, root, &is->version, &is->title, &is->basis);
    load_dates(l, root, &is->effective_from, &is->effective_to, &is->from_line, &is->from_col,
               true);
    is->head_title = one_line(l, root, "head_title");
    is->head_name = one_line(l, root, "head_name");
    is->section = one_line(l, root, "section");
    is->contact = one_line(l, root, "contact");
    is->document_number = number_pattern(l, root);
    is->appeal_notice = get_text(l, root, "appeal_notice");
    if (is->appeal_notice && strlen(is->appeal_notice) > ISSUER_NOTICE_MAX) {
        lerr(l, ymap_get(root, "appeal_notice"), "appeal_notice is longer than %d bytes",
             ISSUER_NOTICE_MAX);
        is->appeal_notice = NULL;
    }
}

bool rules_issuer_number(const rule_issuer *is, int fy, long n, char *buf, size_t size)
{
    size_t o = 0;
    if (size == 0)
        return false;
    buf[0] = '\0';
    if (!is || !is->document_number)
        return false;
    int y = date_wareki_year(date_from_ymd(fy, 4, 1));
    for (const char *p = is->document_number; *p; p++) {
        char digits[32];
        const char *put = NULL;
        if (!strncmp(p, "{n}", 3))
            snprintf(digits, sizeof digits, "%ld", n), put = digits, p += 2;
        else if (!strncmp(p, "{y}", 3))
            snprintf(digits, sizeof digits, "%d", y > 0 ? y : fy), put = digits, p += 2;
        size_t len = put ? strlen(put) : 1;
        if (o + len >= size) {
            buf[0] = '\0';
            return false;
        }
        memcpy(buf + o, put ? put : p, len);
        o += len;
    }
    buf[o] = '\0';
    return true;
}
