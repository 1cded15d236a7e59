/* set: a whole rule tree — finding the files, loading them, checking
 * versions against each other, and choosing the version in force. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/operators.h"
#include "rules_int.h"

typedef struct pathlist {
    char **v;
    size_t n, cap;
} pathlist;

static int cmp_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (!p)
        abort();
    snprintf(p, n, "%s%s%s", a, *a && *b ? "/" : "", b);
    return p;
}

static bool is_rule_name(const char *name)
{
    return ends_with(name, ".yaml") || ends_with(name, ".yml");
}

/* A subdirectory that cannot be listed may hide rule files: an error, never
 * a silent skip (nor is anything named *.yaml that is not a file: reading it
 * in rules_load_dir reports it with its path). */
static int collect(const char *root, const char *rel, pathlist *out, int depth, diag_list *dg)
{
    char *dir = join(root, rel);
    DIR *d = depth > 16 ? NULL : opendir(dir);
    if (!d) {
        diag_error(dg, dir, 0, 0, "cannot read the rules directory: %s",
                   depth > 16 ? "nested more than 16 deep" : strerror(errno));
        free(dir);
        return -1;
    }
    free(dir);
    int rc = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = join(rel, e->d_name), *full = join(root, sub);
        if (!is_rule_name(e->d_name) && fs_is_dir(full)) {
            rc |= collect(root, sub, out, depth + 1, dg);
            free(sub);
        } else if (is_rule_name(e->d_name)) {
            if (out->n == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 16;
                out->v = realloc(out->v, out->cap * sizeof *out->v);
                if (!out->v)
                    abort();
            }
            out->v[out->n++] = sub;
        } else {
            free(sub);
        }
        free(full);
    }
    closedir(d);
    return rc;
}

int rules_load_dir(const char *dir, rule_set *rs, diag_list *d)
{
    memset(rs, 0, sizeof *rs);
    if (!fs_is_dir(dir)) {
        diag_error(d, dir, 0, 0, "rules directory not found");
        return -1;
    }
    pathlist pl = {0};
    int rc = collect(dir, "", &pl, 0, d);
    qsort(pl.v, pl.n, sizeof *pl.v, cmp_path);
    rule_file *files = calloc(pl.n + 1, sizeof *files);
    char **bufs = calloc(pl.n + 1, sizeof *bufs);
    size_t n = 0;
    for (size_t i = 0; i < pl.n; i++) {
        size_t flen = strlen(dir) + strlen(pl.v[i]) + 2;
        char *full = malloc(flen);
        snprintf(full, flen, "%s/%s", dir, pl.v[i]);
        if (fs_read_file(full, &bufs[n], &files[n].len) != 0) {
            diag_error(d, full, 0, 0, "cannot read rule file: %s", fs_strerror(errno));
            free(full);
            rc = -1;
            continue;
        }
        files[n].path = full;
        files[n].name = pl.v[i];
        files[n].data = bufs[n];
        n++;
    }
    rs->n_read = n;
    if (n == 0 && rc == 0) {
        diag_error(d, dir, 0, 0, "no rule files (*.yaml) found");
        rc = -1;
    }
    int r2 = rc ? -1 : rules_load_files(files, n, rs, d);
    for (size_t i = 0; i < n; i++) {
        free((char *)files[i].path);
        free(bufs[i]);
    }
    for (size_t i = 0; i < pl.n; i++)
        free(pl.v[i]);
    free(pl.v);
    free(files);
    free(bufs);
    return r2;
}

/* A NUL byte at off: file:line:col (character column) like every other
 * problem of a rule file. */
static void report_nul(const rule_file *f, size_t off, diag_list *d)
{
    int line = 1, col = 1;
    for (size_t k = 0; k < off; k++) {
        if (f->data[k] == '\n')
            line++, col = 1;
        else
            col += ((unsigned char)f->data[k] & 0xC0) != 0x80;
    }
    diag_error(d, f->path, line, col, "rule file contains a NUL byte");
}

int rules_load_files(const rule_file *in, size_t n, rule_set *rs, diag_list *d)
{
    size_t before = diag_count(d);
    rs->files = arena_calloc(&rs->a, n + 1, sizeof *rs->files);
    for (size_t i = 0; i < n; i++) {
        rule_file *f = &rs->files[rs->n_files++];
        f->path = arena_strdup(&rs->a, in[i].path);
        f->name = arena_strdup(&rs->a, in[i].name ? in[i].name : in[i].path);
        f->data = arena_strndup(&rs->a, in[i].data, in[i].len);
        f->len = in[i].len;
        hash_sha256_hex(f->data, f->len, f->sha256);
        const char *nul = memchr(f->data, '\0', f->len);
        if (nul) {
            report_nul(f, (size_t)(nul - f->data), d);
            continue;
        }
        ynode *root = yaml_tree(f->path, f->data, f->len, &rs->a, d);
        if (!root) {
            if (diag_count(d) == before)
                diag_error(d, f->path, 1, 1, "empty rule file");
            continue;
        }
        rules_load_one(rs, f, root, d);
    }
    /* later checks skip the items whose file had errors, so one broken file
     * does not hide the problems of the others */
    rules_check_versions(rs, d);
    rules_compile_all(rs, d);
    return diag_count(d) == before ? 0 : -1;
}

/* Only the operators files among files, with their checks across versions
 * (operators.h): what verification loads from the ledger, where the other
 * rule files are not needed and may be absent. */
int rules_load_operators(const rule_file *in, size_t n, rule_set *rs, diag_list *d)
{
    memset(rs, 0, sizeof *rs);
    size_t before = diag_count(d);
    rs->files = arena_calloc(&rs->a, n + 1, sizeof *rs->files);
    for (size_t i = 0; i < n; i++) {
        rule_file *f = &rs->files[rs->n_files++];
        f->path = arena_strdup(&rs->a, in[i].path);
        f->name = arena_strdup(&rs->a, in[i].name ? in[i].name : in[i].path);
        f->data = arena_strndup(&rs->a, in[i].data, in[i].len);
        f->len = in[i].len;
        hash_sha256_hex(f->data, f->len, f->sha256);
        if (memchr(f->data, '\0', f->len)) {
            report_nul(f, (size_t)((const char *)memchr(f->data, '\0', f->len) - f->data), d);
            continue;
        }
        ynode *root = yaml_tree(f->path, f->data, f->len, &rs->a, d);
        const ynode *kind = root ? ymap_get(root, "kind") : NULL;
        if (!root || !kind || kind->kind != Y_SCALAR || strcmp(kind->s, "operators")) {
            diag_error(d, f->path, 1, 1, "not an operators file (kind: operators)");
            continue;
        }
        rules_load_one(rs, f, root, d);
    }
    rules_check_operators(rs, d);
    return diag_count(d) == before ? 0 : -1;
}

void rules_free(rule_set *rs)
{
    arena_release(&rs->a);
    memset(rs, 0, sizeof *rs);
}

const char *rules_reason_text(const rule_terms *t, const char *code)
{
    for (size_t i = 0; t && i < t->n_reasons; i++)
        if (!strcmp(t->reason_codes[i], code))
            return t->reason_texts[i];
    return code;
}
