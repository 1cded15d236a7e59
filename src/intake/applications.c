/* applications: a fiscal year's grant applications (交付申請) — read from
 * DATA/applications/FY/, parsed by the claim parser under each terms version
 * of the year, checked for what only a plan can get wrong (a nursery not in
 * the registry or closed on every planned day, a planned enrolment or month
 * outside the fiscal year), and cut into month views the engine computes
 * like a month's claims.  See include/kasan/applications.h for the format.
 * Not here: the field checks of the claim columns (claims.c, registry.c),
 * computing the plan (engine/decide.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake_int.h"
#include "kasan/applications.h"
#include "kasan/fsutil.h"
#include "kasan/strbuf.h"

/* ---- reading ------------------------------------------------------------- */

static int read_one(const char *data_dir, const char *name, const char *hint, arena *a,
                    input_file *out, diag_list *d)
{
    char *path = arena_printf(a, "%s/%s", data_dir, name), *data;
    memset(out, 0, sizeof *out);
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

int applications_read(const char *data_dir, int fy, arena *a, input_file out[INPUT_COUNT],
                      diag_list *d)
{
    const char *hint = arena_printf(a, ": the grant applications (交付申請) of FY%d are "
                                       "applications/%d/children.csv and nurses.csv, the claim "
                                       "columns with the planned lines (docs/spec/12-grant-"
                                       "decision.md)", fy, fy);
    int rc = read_one(data_dir, "nurseries.csv", NULL, a, &out[INPUT_REGISTRY], d);
    rc |= read_one(data_dir, arena_printf(a, "applications/%d/children.csv", fy), hint, a,
                   &out[INPUT_CHILDREN], d);
    rc |= read_one(data_dir, arena_printf(a, "applications/%d/nurses.csv", fy), hint, a,
                   &out[INPUT_STAFF], d);
    return rc ? -1 : 0;
}

/* ---- the records written again ------------------------------------------- */

/* The reader's current record as one CSV record ending in LF: a field is
 * quoted when it holds a comma, a quote or a line break.  *lines gets the
 * physical lines it spans. */
static const char *record_text(const csv_reader *r, strbuf *sb, arena *a, size_t *len, int *lines)
{
    sb_reset(sb);
    *lines = 1;
    for (size_t i = 0; i < r->nf; i++) {
        csv_field f = r->f[i];
        if (i)
            sb_addc(sb, ',');
        bool quote = false;
        for (size_t k = 0; k < f.len; k++) {
            char c = f.p[k];
            quote |= c == ',' || c == '"' || c == '\n' || c == '\r';
            *lines += c == '\n';
        }
        if (!quote) {
            sb_add(sb, f.p, f.len);
            continue;
        }
        sb_addc(sb, '"');
        for (size_t k = 0; k < f.len; k++) {
            if (f.p[k] == '"')
                sb_addc(sb, '"');
            sb_addc(sb, f.p[k]);
        }
        sb_addc(sb, '"');
    }
    sb_addc(sb, '\n');
    *len = sb->len;
    return arena_strndup(a, sb->buf, sb->len);
}

/* ---- checks only a plan needs -------------------------------------------- */

typedef struct plan_ctx {
    applications *app;
    date_t fy_first, fy_last;
} plan_ctx;

static void date_text(date_t t, char buf[16])
{
    if (t == DATE_OPEN)
        snprintf(buf, 16, "(open)");
    else
        date_format_iso(t, buf);
}

static date_t later(date_t a, date_t b) { return a > b ? a : b; }
static date_t earlier(date_t a, date_t b) { return a < b ? a : b; }

static void unknown_nursery(intake_rec *rec, int k)
{
    char show[INTAKE_SHOW_MAX];
    intake_bad(rec, k, "unknown nursery %s (not in nurseries.csv)",
               intake_show(show, intake_field(rec, k)));
}

static bool active_between(const nursery *n, date_t from, date_t to)
{
    return later(from, n->active_from) <= earlier(to, n->active_to);
}

/* A nursery closed on every day a line is planned for (`planned` says
 * which), at nursery_id (column k). */
static void inactive(intake_rec *rec, int k, const nursery *n, const char *planned)
{
    char af[16], at[16];
    date_text(n->active_from, af);
    date_text(n->active_to, at);
    intake_bad(rec, k, "nursery %s is not active on any day this line is planned for (%s; "
                       "active %s to %s)", n->id, planned, af, at);
}

enum { AC_ID, AC_FROM, AC_TO, AC_NCOLS };
static const csv_column child_cols[AC_NCOLS] = {
    {"nursery_id", true}, {"enrolled_from", true}, {"enrolled_to", true}};

static void check_child(intake_rec *rec, size_t k, application_line *l, plan_ctx *c)
{
    const applications *app = c->app;
    const child_line *cl = &app->cl.children[k];
    char a[16], b[16];
    if (cl->enrolled_from > c->fy_last || cl->enrolled_to < c->fy_first) {
        date_text(cl->enrolled_from, a);
        date_text(cl->enrolled_to, b);
        bool after = cl->enrolled_from > c->fy_last;
        intake_bad(rec, after ? AC_FROM : AC_TO, "the planned enrolment %s to %s has no day in "
                   "FY%d (%d-04-01 to %d-03-31)", a, b, app->fiscal_year, app->fiscal_year,
                   app->fiscal_year + 1);
        if (cl->nursery < 0)
            unknown_nursery(rec, AC_ID);
        return;
    }
    date_t from = later(cl->enrolled_from, c->fy_first), to = earlier(cl->enrolled_to, c->fy_last);
    for (int i = 0; i < 12; i++) {
        claim_month m = month_of_fiscal(app->fiscal_year, i);
        if (from <= month_last_day(m) && month_first_day(m) <= to)
            l->months |= (uint16_t)(1u << i);
    }
    if (cl->nursery < 0) {
        unknown_nursery(rec, AC_ID);
    } else if (!active_between(&app->reg.v[cl->nursery], from, to)) {
        char planned[48];
        date_text(from, a);
        date_text(to, b);
        snprintf(planned, sizeof planned, "%s to %s", a, b);
        inactive(rec, AC_ID, &app->reg.v[cl->nursery], planned);
    }
}

enum { AS_ID, AS_MONTHS, AS_NCOLS };
static const csv_column staff_cols[AS_NCOLS] = {
    {"nursery_id", true}, {APPLICATION_MONTHS_COLUMN, true}};

/* One item of planned_months: YYYY-MM or YYYY-MM..YYYY-MM of the fiscal
 * year, into *mask; false after an error at the column. */
static bool month_item(intake_rec *rec, const char *s, size_t len, int fy, uint16_t *mask)
{
    char lo[8], hi[8], show[INTAKE_SHOW_MAX];
    csv_field item = {s, len};
    claim_month a, b;
    bool range = len == 16 && s[7] == '.' && s[8] == '.';
    if (len != 7 && !range) {
        intake_bad(rec, AS_MONTHS, "%s is not a month YYYY-MM or a range YYYY-MM..YYYY-MM",
                   intake_show(show, item));
        return false;
    }
    memcpy(lo, s, 7), lo[7] = '\0';
    memcpy(hi, range ? s + 9 : s, 7), hi[7] = '\0';
    if (!month_parse(lo, &a) || !month_parse(hi, &b)) {
        intake_bad(rec, AS_MONTHS, "%s is not a month YYYY-MM or a range YYYY-MM..YYYY-MM",
                   intake_show(show, item));
        return false;
    }
    if (month_fiscal_year(a) != fy || month_fiscal_year(b) != fy) {
        intake_bad(rec, AS_MONTHS, "%s is not in FY%d (%d-04..%d-03)", intake_show(show, item),
                   fy, fy, fy + 1);
        return false;
    }
    if (month_cmp(a, b) > 0) {
        intake_bad(rec, AS_MONTHS, "%s ends before it begins", intake_show(show, item));
        return false;
    }
    for (int i = month_fiscal_index(a); i <= month_fiscal_index(b); i++) {
        if (*mask & (1u << i)) {
            char mon[8];
            month_format(month_of_fiscal(fy, i), mon);
            intake_bad(rec, AS_MONTHS, "%s is planned twice", mon);
            return false;
        }
        *mask |= (uint16_t)(1u << i);
    }
    return true;
}

static void check_staff(intake_rec *rec, size_t k, application_line *l, plan_ctx *c)
{
    const applications *app = c->app;
    const staff_line *sl = &app->cl.staff[k];
    csv_field f = intake_field(rec, AS_MONTHS);
    if (sl->nursery < 0)
        unknown_nursery(rec, AS_ID);
    if (f.len == 0) {
        intake_bad(rec, AS_MONTHS, "empty (a value is required: the months the line is "
                                   "planned for, e.g. %d-04..%d-03)", app->fiscal_year,
                   app->fiscal_year + 1);
        return;
    }
    uint16_t mask = 0;
    bool ok = true;
    for (const char *s = f.p, *end = f.p + f.len; ok; s++) {
        const char *e = memchr(s, ';', (size_t)(end - s));
        if (!e)
            e = end;
        ok = month_item(rec, s, (size_t)(e - s), app->fiscal_year, &mask);
        if (e == end)
            break;
        s = e;
    }
    if (!ok || sl->nursery < 0)
        return;
    l->months = mask;
    const nursery *n = &app->reg.v[sl->nursery];
    bool active = false;
    for (int i = 0; i < 12 && !active; i++) {
        claim_month m = month_of_fiscal(app->fiscal_year, i);
        active = (mask & (1u << i)) && active_between(n, month_first_day(m), month_last_day(m));
    }
    if (!active) {
        char show[INTAKE_SHOW_MAX], planned[80];
        snprintf(planned, sizeof planned, "planned_months %s", intake_show(show, f));
        inactive(rec, AS_ID, n, planned);
    }
}

typedef void (*check_fn)(intake_rec *rec, size_t k, application_line *l, plan_ctx *c);

/* The file read once more as plain records: each written again for the
 * month views, and checked by fn against the parsed claim line of the same
 * index (the claim parse accepted the file, so the records correspond). */
static int plan_pass(const input_file *f, const csv_column *cols, size_t ncols, size_t n_parsed,
                     check_fn fn, plan_ctx *c, arena *a, application_file *out, diag_list *d)
{
    csv_reader r;
    int idx[4];
    strbuf sb;
    sb_init(&sb);
    memset(out, 0, sizeof *out);
    out->name = f->name;
    int rc = csv_open(&r, f->name, f->data, f->len, d);
    if (rc == 0 && csv_header(&r, cols, ncols, idx, d) != 0)
        rc = -1;
    if (rc == 0) {
        int lines;
        out->header = record_text(&r, &sb, a, &out->header_len, &lines);
        out->header_line = r.rec_line;
        out->v = arena_calloc(a, n_parsed + 1, sizeof *out->v);
        intake_rec rec = {.csv = &r, .cols = cols, .idx = idx, .d = d};
        int next;
        while ((next = csv_next(&r, d)) == 1) {
            if (out->n == n_parsed) { /* cannot happen after a clean claim parse */
                rc = -1;
                break;
            }
            application_line *l = &out->v[out->n];
            l->line = r.rec_line;
            l->csv = record_text(&r, &sb, a, &l->csv_len, &l->csv_lines);
            rec.errors = 0;
            fn(&rec, out->n, l, c);
            if (rec.errors)
                rc = -1;
            out->n++;
        }
        if (next < 0 || csv_errors(&r) || out->n != n_parsed)
            rc = -1;
    }
    csv_close(&r);
    sb_release(&sb);
    return rc;
}

/* ---- parsing -------------------------------------------------------------- */

int applications_parse(const input_file in[INPUT_COUNT], const rule_set *rs, int fy, arena *a,
                       applications *out, diag_list *d)
{
    memset(out, 0, sizeof *out);
    out->fiscal_year = fy;
    for (int i = 0; i < INPUT_COUNT; i++) {
        out->files[i] = in[i];
        out->files[i].name = arena_strdup(a, in[i].name);
        if (!out->files[i].sha256[0])
            hash_sha256_hex(in[i].data, in[i].len, out->files[i].sha256);
    }
    /* the terms versions in force during the year, each once */
    const rule_terms *terms[12];
    size_t nt = 0;
    for (int i = 0; i < 12; i++) {
        const rule_terms *t = rules_terms_in_force(rs, month_of_fiscal(fy, i));
        bool seen = !t;
        for (size_t k = 0; k < nt && !seen; k++)
            seen = terms[k] == t;
        if (!seen)
            terms[nt++] = t;
    }
    if (!nt) {
        diag_error(d, "rules", 0, 0, "no terms version is in force in FY%d (%d-04 to %d-03)", fy,
                   fy, fy + 1);
        return -1;
    }
    out->terms = terms[0];
    const input_file *f = out->files;
    if (registry_parse(f[0].name, f[0].data, f[0].len, terms[0]->eligible_kind, a, &out->reg,
                       d) != 0)
        return -1;
    /* everything a claim file refuses, under each terms version of the year
     * (a declared column may be required by one of them only); the first
     * version's parse is kept, a later one is only a check */
    for (size_t k = 0; k < nt; k++) {
        intake_vocab vocab = intake_vocab_of(rs, terms[k]);
        claims cl;
        memset(&cl, 0, sizeof cl);
        int rc = children_parse(f[1].name, f[1].data, f[1].len, &out->reg, &vocab, a, &cl, d);
        rc |= staff_parse(f[2].name, f[2].data, f[2].len, &out->reg, &vocab, a, &cl, d);
        if (rc)
            return -1;
        if (k == 0)
            out->cl = cl;
    }
    plan_ctx c = {out, date_from_ymd(fy, 4, 1), date_from_ymd(fy + 1, 3, 31)};
    int rc = plan_pass(&f[1], child_cols, AC_NCOLS, out->cl.n_children, check_child, &c, a,
                       &out->children, d);
    rc |= plan_pass(&f[2], staff_cols, AS_NCOLS, out->cl.n_staff, check_staff, &c, a,
                    &out->staff, d);
    for (size_t i = 0; i < out->children.n; i++)
        out->months |= out->children.v[i].months;
    for (size_t i = 0; i < out->staff.n; i++)
        out->months |= out->staff.v[i].months;
    return rc ? -1 : 0;
}

/* ---- month views ----------------------------------------------------------- */

static void pad_to(strbuf *sb, int *cur, int line)
{
    for (; *cur < line; ++*cur)
        sb_addc(sb, '\n');
}

static input_file month_view(const application_file *af, int idx, arena *a)
{
    strbuf sb;
    sb_init(&sb);
    int cur = 1;
    pad_to(&sb, &cur, af->header_line);
    sb_add(&sb, af->header, af->header_len);
    for (size_t k = 0; k < af->header_len; k++)
        cur += af->header[k] == '\n';
    for (size_t i = 0; i < af->n; i++) {
        const application_line *l = &af->v[i];
        if (!(l->months & (1u << idx)))
            continue;
        /* a record spans as many lines written again as it did */
        pad_to(&sb, &cur, l->line);
        if (cur != l->line)
            abort(); /* records come in line order and never grow: a bug */
        sb_add(&sb, l->csv, l->csv_len);
        cur += l->csv_lines;
    }
    input_file f = {.name = af->name, .len = sb.len};
    f.data = arena_strndup(a, sb.buf ? sb.buf : "", sb.len);
    sb_release(&sb);
    return f;
}

void applications_month(const applications *app, int idx, arena *a, input_file out[INPUT_COUNT])
{
    out[INPUT_REGISTRY] = app->files[INPUT_REGISTRY];
    out[INPUT_CHILDREN] = month_view(&app->children, idx, a);
    out[INPUT_STAFF] = month_view(&app->staff, idx, a);
}
