/* forms: `kasan forms --month M` — the claim form (請求書様式, SPEC 8.2) of
 * every nursery of the paid kind active in M, as OUT/M/forms/ID.xlsx,
 * prefilled with the nursery's lines of the previous month that are still
 * enrolled (children) or were placed (staff).  All forms are written into a
 * staging directory and renamed into place together.
 * Not here: the form's layout (report/forms_xlsx.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "forms_setup.h"
#include "progress.h"
#include "kasan/fsutil.h"

int form_setup_load(const cli_paths *paths, claim_month m, const char *cmd, form_setup *fs)
{
    memset(fs, 0, sizeof *fs);
    int rc = cli_load_rules(paths->rules, &fs->rs);
    if (rc != EXIT_OK)
        return rc;
    char mon[8];
    month_format(m, mon);
    fs->terms = rules_terms_in_force(&fs->rs, m);
    if (!fs->terms) {
        fprintf(stderr, "kasan %s: no terms file in force for %s under %s\n", cmd, mon,
                paths->rules);
        return EXIT_INVALID;
    }
    schema_build(fs->terms, &fs->a, &fs->schema);
    char *path = arena_printf(&fs->a, "%s/nurseries.csv", paths->data);
    diag_list d = DIAG_LIST_INIT;
    rc = intake_load_registry(path, NULL, fs->terms->eligible_kind, &fs->a, &fs->reg, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

void form_setup_free(form_setup *fs)
{
    rules_free(&fs->rs);
    arena_release(&fs->a);
}

/* Last month's claims, if its files exist: 0, or -1 after printing why. */
static int load_previous(const cli_paths *paths, claim_month m, form_setup *fs, claims *prev,
                         const rule_terms **prev_terms)
{
    memset(prev, 0, sizeof *prev);
    claim_month p = m.month == 1 ? (claim_month){m.year - 1, 12} : (claim_month){m.year, m.month - 1};
    char mon[8];
    month_format(p, mon);
    char *cp = arena_printf(&fs->a, "%s/claims/%s/children.csv", paths->data, mon);
    char *sp = arena_printf(&fs->a, "%s/claims/%s/nurses.csv", paths->data, mon);
    const rule_terms *t = rules_terms_in_force(&fs->rs, p);
    if (!t)
        t = fs->terms;
    *prev_terms = t;
    intake_vocab vocab = intake_vocab_of(&fs->rs, t);
    diag_list d = DIAG_LIST_INIT;
    int rc = 0;
    input_file f;
    if (fs_exists(cp))
        rc |= intake_read_file(cp, &fs->a, &f, &d) != 0 ||
              children_parse(cp, f.data, f.len, &fs->reg, &vocab, &fs->a, prev, &d) != 0;
    if (fs_exists(sp))
        rc |= intake_read_file(sp, &fs->a, &f, &d) != 0 ||
              staff_parse(sp, f.data, f.len, &fs->reg, &vocab, &fs->a, prev, &d) != 0;
    diag_print(&d, stderr);
    diag_release(&d);
    if (rc != 0)
        fprintf(stderr, "kasan forms: last month's claims (%s) do not read; no form written\n",
                mon);
    return rc ? -1 : 0;
}

static bool active_in(const nursery *n, claim_month m)
{
    return n->active_from <= month_last_day(m) && n->active_to >= month_first_day(m);
}

/* The previous month's lines of nursery i still enrolled on M's first day. */
static void prefill_for(const claims *prev, const rule_terms *t, int32_t i, claim_month m,
                        arena *a, forms_prefill *pre)
{
    const child_line **c = arena_calloc(a, prev->n_children + 1, sizeof *c);
    const staff_line **s = arena_calloc(a, prev->n_staff + 1, sizeof *s);
    size_t nc = 0, ns = 0;
    for (size_t k = 0; k < prev->n_children; k++) {
        const child_line *l = &prev->children[k];
        if (l->nursery == i && l->enrolled_to >= month_first_day(m))
            c[nc++] = l;
    }
    for (size_t k = 0; k < prev->n_staff; k++)
        if (prev->staff[k].nursery == i)
            s[ns++] = &prev->staff[k];
    *pre = (forms_prefill){c, nc, s, ns, t->child_cols, t->staff_cols, t->n_child_cols,
                           t->n_staff_cols};
}

static int write_forms(const cli_paths *paths, claim_month m, form_setup *fs, const claims *prev,
                       const rule_terms *prev_terms, size_t *written)
{
    char mon[8];
    month_format(m, mon);
    char *stage = arena_printf(&fs->a, "%s/%s/.forms.staging-%ld", paths->out, mon, (long)getpid());
    char *final_dir = arena_printf(&fs->a, "%s/%s/forms", paths->out, mon);
    if (fs_mkdirs(stage) != 0) {
        fprintf(stderr, "kasan forms: %s: %s\n", stage, strerror(errno));
        return EXIT_INTERNAL;
    }
    int rc = 0;
    char err[512] = "";
    *written = 0;
    size_t total = 0;
    for (size_t i = 0; i < fs->reg.n; i++)
        total += !strcmp(fs->reg.v[i].kind, fs->terms->eligible_kind) && active_in(&fs->reg.v[i], m);
    progress pg;
    progress_start(&pg, false, "claim forms", total);
    for (size_t i = 0; rc == 0 && i < fs->reg.n; i++) {
        const nursery *n = &fs->reg.v[i];
        if (strcmp(n->kind, fs->terms->eligible_kind) || !active_in(n, m))
            continue;
        forms_prefill pre;
        prefill_for(prev, prev_terms, (int32_t)i, m, &fs->a, &pre);
        if (pre.n_children > FORMS_LINES || pre.n_staff > FORMS_LINES) {
            progress_end(&pg); /* the warning starts on a clean line */
            fprintf(stderr, "kasan forms: warning: %s had %zu children and %zu staff lines last "
                            "month; a form holds %d of each, the rest are not prefilled\n",
                    n->id, pre.n_children, pre.n_staff, FORMS_LINES);
        }
        char *path = arena_printf(&fs->a, "%s/%s.xlsx", stage, n->id);
        rc = forms_write_xlsx(&fs->schema, m, n, &pre, NULL, path, err, sizeof err);
        (*written)++;
        progress_tick(&pg, *written);
    }
    progress_end(&pg);
    if (rc == 0) {
        char *old = arena_printf(&fs->a, "%s.old-%ld", final_dir, (long)getpid());
        bool had = fs_exists(final_dir);
        if ((had && rename(final_dir, old) != 0) || rename(stage, final_dir) != 0) {
            snprintf(err, sizeof err, "%s: %s", final_dir, strerror(errno));
            if (had)
                rename(old, final_dir);
            rc = -1;
        } else if (had) {
            fs_remove_tree(old);
        }
    }
    if (rc != 0) {
        fs_remove_tree(stage);
        fprintf(stderr, "kasan forms: %s; no form written\n", err);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

int cmd_forms(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    claim_month m = {0, 0};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan forms --month YYYY-MM [--data DIR] [--rules DIR] [--out DIR]\n"
                   "Writes OUT/YYYY-MM/forms/ID.xlsx, the claim form of each nursery of the paid\n"
                   "kind active in the month, prefilled with last month's lines still current.\n"
                   "exit: 0 written, 1 usage, 2 invalid rules or registry (nothing written),\n"
                   "5 I/O error\n");
            return EXIT_OK;
        }
        if (opt == OPT_MONTH) {
            if (!cli_parse_month(optarg, &m))
                return EXIT_USAGE;
        } else if (!cli_common_opt(opt, &paths)) {
            return EXIT_USAGE;
        }
    }
    if (!m.year || optind != argc) {
        fprintf(stderr, "kasan forms: --month YYYY-MM is required (and nothing else)\n");
        return EXIT_USAGE;
    }
    form_setup fs;
    int rc = form_setup_load(&paths, m, "forms", &fs);
    claims prev;
    const rule_terms *prev_terms = NULL;
    if (rc == EXIT_OK && load_previous(&paths, m, &fs, &prev, &prev_terms) != 0)
        rc = EXIT_INVALID;
    size_t n = 0;
    if (rc == EXIT_OK)
        rc = write_forms(&paths, m, &fs, &prev, prev_terms, &n);
    if (rc == EXIT_OK) {
        char mon[8];
        month_format(m, mon);
        printf("kasan forms %s: %zu forms in %s/%s/forms/\n", mon, n, paths.out, mon);
    }
    form_setup_free(&fs);
    return rc;
}
