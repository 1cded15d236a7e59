/* intake: `kasan intake --month M FORM.xlsx ...` — filled claim forms into
 * DATA/claims/M/children.csv and nurses.csv (SPEC 8.2): one file each for
 * all nurseries, every line carrying its form and row in a `form` column.
 * Any problem in any form: all of them printed, exit 2, nothing written.
 * Existing claim files of M are replaced only with --replace; the month's
 * directory is staged and renamed into place whole.
 * Not here: reading cells (intake/forms_read.c, intake/xlsx_read.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>

#include "forms_setup.h"
#include "kasan/fsutil.h"
#include "kasan/strbuf.h"

enum { OPT_REPLACE = OPT_FIRST_OWN };

/* The CSVs must read back through the claim parsers, or nothing is written. */
static int check_csv(form_setup *fs, const strbuf *ch, const strbuf *st)
{
    intake_vocab vocab = intake_vocab_of(&fs->rs, fs->terms);
    claims cl;
    memset(&cl, 0, sizeof cl);
    diag_list d = DIAG_LIST_INIT;
    int rc = children_parse("children.csv", ch->buf, ch->len, &fs->reg, &vocab, &fs->a, &cl, &d);
    rc |= staff_parse("nurses.csv", st->buf, st->len, &fs->reg, &vocab, &fs->a, &cl, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    return rc ? -1 : 0;
}

/* Hard-links the files of old (other than the two claim files) into stage,
 * so --replace keeps whatever else the month's directory holds. */
static int keep_others(const char *old, const char *stage, arena *a)
{
    DIR *dir = opendir(old);
    if (!dir)
        return 0;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(dir))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "children.csv") ||
            !strcmp(e->d_name, "nurses.csv"))
            continue;
        rc = link(arena_printf(a, "%s/%s", old, e->d_name),
                  arena_printf(a, "%s/%s", stage, e->d_name));
    }
    closedir(dir);
    return rc;
}

static int publish_claims(const cli_paths *paths, claim_month m, form_setup *fs, const strbuf *ch,
                          const strbuf *st)
{
    char mon[8];
    month_format(m, mon);
    char *claims_dir = arena_printf(&fs->a, "%s/claims", paths->data);
    char *final_dir = arena_printf(&fs->a, "%s/%s", claims_dir, mon);
    char *stage = arena_printf(&fs->a, "%s/.%s.staging-%ld", claims_dir, mon, (long)getpid());
    char *old = arena_printf(&fs->a, "%s/.%s.old-%ld", claims_dir, mon, (long)getpid());
    bool had = fs_exists(final_dir);
    int rc = fs_mkdirs(stage);
    if (rc == 0)
        rc = fs_write_atomic(arena_printf(&fs->a, "%s/children.csv", stage), ch->buf, ch->len);
    if (rc == 0)
        rc = fs_write_atomic(arena_printf(&fs->a, "%s/nurses.csv", stage), st->buf, st->len);
    if (rc == 0 && had)
        rc = keep_others(final_dir, stage, &fs->a);
    if (rc == 0 && had)
        rc = rename(final_dir, old);
    if (rc == 0 && rename(stage, final_dir) != 0) {
        int saved = errno;
        if (had)
            rename(old, final_dir);
        errno = saved;
        rc = -1;
    }
    if (rc != 0) {
        fprintf(stderr, "kasan intake: cannot write %s: %s; nothing written\n", final_dir,
                strerror(errno));
        fs_remove_tree(stage);
        return EXIT_INTERNAL;
    }
    if (had)
        fs_remove_tree(old);
    return EXIT_OK;
}

static int usage_help(void)
{
    printf("usage: kasan intake --month YYYY-MM [--replace] [--data DIR] [--rules DIR] FORM.xlsx ...\n"
           "Reads filled claim forms and writes DATA/claims/YYYY-MM/children.csv and nurses.csv\n"
           "(one file each for all nurseries, a `form` column naming FILE:SHEET!ROW).  Any\n"
           "problem: every one printed as FORM.xlsx:SHEET!CELL, exit 2, nothing written.\n"
           "Existing claim files of the month are replaced only with --replace, and\n"
           "replaced whole (not merged): give every nursery's form of the month at once.\n"
           "exit: 0 written, 1 usage, 2 a problem in a form or the rules, 3 claim files\n"
           "exist (no --replace), 5 I/O error\n");
    return EXIT_OK;
}

int cmd_intake(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"replace", no_argument, 0, OPT_REPLACE},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    claim_month m = {0, 0};
    bool replace = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP)
            return usage_help();
        if (opt == OPT_MONTH) {
            if (!cli_parse_month(optarg, &m))
                return EXIT_USAGE;
        } else if (opt == OPT_REPLACE) {
            replace = true;
        } else if (!cli_common_opt(opt, &paths)) {
            return EXIT_USAGE;
        }
    }
    if (!m.year || optind == argc) {
        fprintf(stderr, "kasan intake: --month YYYY-MM and at least one FORM.xlsx are required\n");
        return EXIT_USAGE;
    }
    char mon[8];
    month_format(m, mon);
    form_setup fs;
    int rc = form_setup_load(&paths, m, "intake", &fs);
    if (rc == EXIT_OK && !replace) {
        for (int f = 0; f < SCHEMA_FILES && rc == EXIT_OK; f++) {
            char *p = arena_printf(&fs.a, "%s/claims/%s/%s", paths.data, mon, fs.schema.files[f].csv);
            if (fs_exists(p)) {
                fprintf(stderr, "kasan intake: %s exists (nothing written); --replace writes "
                                "the month's claim files anew from the forms given alone, so "
                                "give every nursery's form of the month with it\n", p);
                rc = EXIT_REFUSED;
            }
        }
    }
    forms_result res;
    diag_list d = DIAG_LIST_INIT;
    if (rc == EXIT_OK &&
        forms_read(&fs.schema, m, &fs.reg, (const char *const *)argv + optind,
                   (size_t)(argc - optind), &fs.a, &res, &d) != 0) {
        diag_print(&d, stderr);
        size_t n = diag_count(&d);
        fprintf(stderr, "kasan intake: %zu problem%s in the forms; nothing written\n", n,
                n == 1 ? "" : "s");
        rc = EXIT_INVALID;
    }
    diag_release(&d);
    strbuf ch, st;
    sb_init(&ch);
    sb_init(&st);
    if (rc == EXIT_OK) {
        forms_csv(&fs.schema, SCHEMA_CHILDREN, &res, &ch);
        forms_csv(&fs.schema, SCHEMA_STAFF, &res, &st);
        if (check_csv(&fs, &ch, &st) != 0) {
            fprintf(stderr, "kasan intake: internal: the claim files made from the forms do not "
                            "read back; nothing written\n");
            rc = EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK)
        rc = publish_claims(&paths, m, &fs, &ch, &st);
    if (rc == EXIT_OK)
        printf("kasan intake %s: %d forms, %zu children, %zu staff lines → %s/claims/%s/\n", mon,
               argc - optind, res.n[SCHEMA_CHILDREN], res.n[SCHEMA_STAFF], paths.data, mon);
    sb_release(&ch);
    sb_release(&st);
    form_setup_free(&fs);
    return rc;
}
