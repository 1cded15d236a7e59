/* files: intake's own files — a month's input set (nurseries.csv and
 * claims/YYYY-MM/{children,nurses}.csv) read from the data dir and hashed,
 * and a set of bytes (fresh or archived in the ledger) parsed into the
 * records the engine computes on.  Not here: the CSV grammar (csv.c) and
 * the field checks (registry.c, claims.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "intake_int.h"
#include "kasan/fsutil.h"

/* hint: what to do when the file does not exist (NULL: nothing to add). */
static int read_input(const char *data_dir, const char *name, const char *hint, arena *a,
                      input_file *out, diag_list *d)
{
    char *path = arena_printf(a, "%s/%s", data_dir, name);
    char *data;
    if (fs_read_file_arena(path, a, &data, &out->len) != 0) {
        int e = errno;
        diag_error(d, path, 0, 0, "cannot read input file (%s)%s", fs_strerror(e),
                   e == ENOENT && hint ? hint : "");
        return -1;
    }
    out->name = name;
    out->data = data;
    hash_sha256_hex(data, out->len, out->sha256);
    return 0;
}

int intake_read_claims(const char *data_dir, claim_month m, arena *a, input_file out[INPUT_COUNT],
                       diag_list *d)
{
    char mon[8];
    month_format(m, mon);
    const char *hint = arena_printf(a, ": the month's claims are made from the nurseries' "
                                       "filled forms by kasan intake --month %s FORM.xlsx ... "
                                       "(forms from kasan forms --month %s)", mon, mon);
    int rc = read_input(data_dir, arena_printf(a, "claims/%s/children.csv", mon), hint, a,
                        &out[INPUT_CHILDREN], d);
    rc |= read_input(data_dir, arena_printf(a, "claims/%s/nurses.csv", mon), hint, a,
                     &out[INPUT_STAFF], d);
    return rc ? -1 : 0;
}

int intake_read_month(const char *data_dir, claim_month m, arena *a, input_file out[INPUT_COUNT],
                      diag_list *d)
{
    int rc = read_input(data_dir, "nurseries.csv", NULL, a, &out[INPUT_REGISTRY], d);
    rc |= intake_read_claims(data_dir, m, a, out, d);
    return rc ? -1 : 0;
}

int shared_registry_load(const char *data_dir, const char *paid_kind, shared_registry *sr,
                         diag_list *d)
{
    memset(sr, 0, sizeof *sr);
    if (read_input(data_dir, "nurseries.csv", NULL, &sr->a, &sr->file, d) != 0)
        return -1;
    sr->paid_kind = paid_kind ? arena_strdup(&sr->a, paid_kind) : NULL;
    return registry_parse(sr->file.name, sr->file.data, sr->file.len, sr->paid_kind, &sr->a,
                          &sr->reg, d);
}

int intake_read_file(const char *path, arena *a, input_file *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    char *data;
    if (fs_read_file_arena(path, a, &data, &out->len) != 0) {
        diag_error(d, path, 0, 0, "cannot read %s: %s", path, fs_strerror(errno));
        return -1;
    }
    out->name = path;
    out->data = data;
    hash_sha256_hex(data, out->len, out->sha256);
    return 0;
}

int intake_load_registry(const char *path, const char *name, const char *paid_kind, arena *a,
                         registry *out, diag_list *d)
{
    char *data;
    size_t len;
    if (fs_read_file(path, &data, &len) < 0) {
        diag_error(d, name ? name : path, 0, 0, "cannot read %s: %s", path, fs_strerror(errno));
        memset(out, 0, sizeof *out);
        return -1;
    }
    int rc = registry_parse(name ? name : path, data, len, paid_kind, a, out, d);
    free(data);
    return rc;
}

void shared_registry_free(shared_registry *sr)
{
    arena_release(&sr->a);
    memset(sr, 0, sizeof *sr);
}

int intake_parse_month(const input_file in[INPUT_COUNT], const shared_registry *sr,
                       const char *paid_kind, const intake_vocab *vocab, arena *a,
                       intake_month *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    for (int i = 0; i < INPUT_COUNT; i++) {
        input_file *f = &out->files[i];
        *f = i == INPUT_REGISTRY && sr ? sr->file : in[i];
        f->name = arena_strdup(a, f->name);
        if (!f->sha256[0])
            hash_sha256_hex(f->data, f->len, f->sha256);
    }
    const input_file *f = out->files;
    if (sr && sr->paid_kind && paid_kind && !strcmp(sr->paid_kind, paid_kind))
        out->reg = sr->reg; /* borrowed, parsed once for the whole run */
    else if (registry_parse(f[0].name, f[0].data, f[0].len, paid_kind, a, &out->reg, d) != 0)
        return -1; /* (a shared registry read for another paid kind is parsed again) */
    int rc = children_parse(f[1].name, f[1].data, f[1].len, &out->reg, vocab, a, &out->cl, d);
    rc |= staff_parse(f[2].name, f[2].data, f[2].len, &out->reg, vocab, a, &out->cl, d);
    return rc ? -1 : 0;
}
