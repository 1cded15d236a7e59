/* decide: `kasan decide --fy YYYY` — the grant decision (交付決定) of a fiscal
 * year drafted from the nurseries' applications (docs/spec/12-grant-decision.md):
 * parses the options, calls decide_compute (engine/decide.c), takes the
 * budget line's figures with the decision as 負担行為 (budget/ward.c), writes
 * OUT/decisions-FY/ (decisions.csv, rejections.csv, decisions.xlsx,
 * notices/ID.xlsx) to a staging directory moved into place whole, and
 * prints a summary.  A draft (試算) only: recording a decision in the ledger
 * (--finalize) and the 変更交付決定 (--amend) are not offered yet. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "progress.h"
#include "kasan/budget_ward.h"
#include "kasan/clock.h"
#include "kasan/decide.h"
#include "kasan/fsutil.h"
#include "kasan/report_decide.h"

enum { OPT_FY = OPT_FIRST_OWN, OPT_ISSUE, OPT_QUIET };

typedef struct decide_opts {
    int fy;
    const char *issue_date;
    bool quiet;
} decide_opts;

static int write_outputs(const decision *dec, const decide_meta *meta, bool quiet, const char *dir)
{
    char path[4200], err[512] = "";
    /* one syncfs at the end instead of an fsync per notice, as a month's
     * outputs are written (src/cli/outputs.c) */
    fs_defer_sync(true);
    int rc = fs_mkdirs(dir);
    snprintf(path, sizeof path, "%s/decisions.csv", dir);
    if (rc == 0)
        rc = report_decisions_csv(dec, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/rejections.csv", dir);
    if (rc == 0)
        rc = report_decide_rejections_csv(dec, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/decisions.xlsx", dir);
    if (rc == 0)
        rc = report_decisions_xlsx(dec, meta, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/notices", dir);
    if (rc == 0)
        rc = fs_mkdirs(path);
    progress pg;
    progress_start(&pg, quiet, "decision notices", dec->n_nurseries);
    for (size_t k = 0; rc == 0 && k < dec->n_nurseries; k++) {
        snprintf(path, sizeof path, "%s/notices/%s.xlsx", dir, dec->nurseries[k].nursery->id);
        rc = report_decide_notice_xlsx(dec, k, meta, path, err, sizeof err);
        progress_tick(&pg, k + 1);
    }
    progress_end(&pg);
    fs_defer_sync(false);
    if (rc == 0 && fs_sync_dir(dir) != 0) {
        rc = -1;
        snprintf(err, sizeof err, "cannot sync %s: %s", dir, strerror(errno));
    }
    if (rc != 0)
        fprintf(stderr, "kasan decide: %s\n", *err ? err : strerror(errno));
    return rc;
}

/* "decide-2025-20250401T090000Z-1a2b3c4d": the year, the time, and a digest
 * of the three input files' SHA-256. */
static char *decide_id(const decision *dec, const char *created, arena *a)
{
    char stamp[32], digest[SHA256_HEX_LEN + 1];
    size_t k = 0;
    for (const char *p = created; *p && k < sizeof stamp - 1; p++)
        if (*p != '-' && *p != ':')
            stamp[k++] = *p;
    stamp[k] = '\0';
    const char *all = arena_printf(a, "%s%s%s", dec->app.files[0].sha256,
                                   dec->app.files[1].sha256, dec->app.files[2].sha256);
    hash_sha256_hex(all, strlen(all), digest);
    return arena_printf(a, "decide-%d-%s-%.8s", dec->fiscal_year, stamp, digest);
}

static void print_summary(const decision *dec, const decide_meta *meta)
{
    char b[CLI_YEN_LEN], b2[CLI_YEN_LEN], b3[CLI_YEN_LEN];
    printf("kasan decide FY%d  試算 draft  %s\n", dec->fiscal_year, meta->decide_id);
    size_t decided = 0;
    for (size_t k = 0; k < dec->n_nurseries; k++)
        decided += dec->nurseries[k].total > 0;
    printf("  applications: %zu nurseries (%zu decided), children %zu lines, staff %zu lines, "
           "rejected planned line-months %zu\n", dec->n_nurseries, decided,
           dec->app.cl.n_children, dec->app.cl.n_staff, dec->n_rejections);
    for (size_t p = 0; p < dec->n_programs; p++) {
        const char *title = dec->program_ids[p];
        for (size_t i = 0; i < dec->n_rows && title == dec->program_ids[p]; i++)
            for (int m = 0; m < DECIDE_MONTHS; m++)
                if (dec->rows[i].program_id == dec->program_ids[p] && dec->rows[i].rule[m]) {
                    title = dec->rows[i].rule[m]->title;
                    break;
                }
        printf("  %-18s %14s yen  %s\n", dec->program_ids[p], cli_yen(dec->program_total[p], false, b),
               title);
    }
    printf("  decided total      %14s yen\n", cli_yen(dec->total, false, b));
    const budget_ward *w = meta->ward;
    if (!meta->budget || !w) {
        printf("  warning: no budget line covers FY%d (rules/budget/): a decision of a year "
               "without a budget cannot be finalized\n", dec->fiscal_year);
        return;
    }
    printf("  budget %s: 予算現額 %s, decided (負担行為) %s, 執行残 %s%s\n", meta->budget->line_id,
           cli_yen(w->current, false, b), cli_yen(w->committed, false, b2),
           cli_yen(w->unexecuted, false, b3),
           w->unexecuted < 0 ? "  OVER the 予算現額: finalizing it would be refused "
                               "(補正, 流用 or 予備費充用 first)" : "");
    if (meta->budget->no_grant_decision)
        printf("  warning: the budget file of FY%d says grant_decision: none: the year is paid "
               "without decisions; remove the key to pay it within them\n", dec->fiscal_year);
}

static int decide(const cli_paths *paths, const decide_opts *o)
{
    rule_set rs;
    decision dec;
    memset(&dec, 0, sizeof dec);
    arena a = ARENA_INIT;
    char dirname[32];
    snprintf(dirname, sizeof dirname, "decisions-%d", o->fy);
    int rc = cli_load_rules(paths->rules, &rs);
    if (rc == EXIT_OK) {
        input_file in[INPUT_COUNT];
        diag_list d = DIAG_LIST_INIT;
        if (applications_read(paths->data, o->fy, &a, in, &d) != 0 ||
            decide_compute(&rs, o->fy, in, &dec, &d) != 0) {
            diag_print(&d, stderr);
            fprintf(stderr, "kasan decide: %zu problem%s in the applications of FY%d; nothing "
                            "was written\n", diag_count(&d), diag_count(&d) == 1 ? "" : "s", o->fy);
            rc = EXIT_INVALID;
        }
        diag_release(&d);
    }
    char created[32];
    clock_now_iso(created);
    decide_meta meta = {.created = created, .engine_version = KASAN_VERSION};
    budget_ward w;
    if (rc == EXIT_OK) {
        meta.decide_id = decide_id(&dec, created, &a);
        if (!o->issue_date ||
            !date_parse_iso(o->issue_date, strlen(o->issue_date), &meta.issue_date))
            date_parse_iso(created, 10, &meta.issue_date);
        meta.budget = rules_budget_for_fy(&rs, o->fy);
        budget_ward_in in = {meta.budget ? meta.budget->amount : 0, NULL, 0, dec.total, 0, 0};
        if (meta.budget && budget_ward_compute(&in, &w))
            meta.ward = &w;
        restore_clean_leftovers(paths, dirname, "kasan decide");
    }
    char *dir = arena_printf(&a, "%s/%s", paths->out, dirname);
    char *stage = arena_printf(&a, "%s/.%s.staging-%ld", paths->out, dirname, (long)getpid());
    if (rc == EXIT_OK && write_outputs(&dec, &meta, o->quiet, stage) != 0)
        rc = EXIT_INTERNAL;
    if (rc == EXIT_OK && restore_publish(stage, dir, NULL) != 0) {
        fprintf(stderr, "kasan decide: cannot move the outputs into %s: %s\n", dir,
                strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK) {
        print_summary(&dec, &meta);
        printf("  wrote %s/\n", dir);
    }
    if (fs_exists(stage))
        fs_remove_tree(stage);
    decide_free(&dec);
    rules_free(&rs);
    arena_release(&a);
    return rc;
}

int cmd_decide(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"fy", required_argument, 0, OPT_FY},
        {"issue-date", required_argument, 0, OPT_ISSUE},
        {"quiet", no_argument, 0, OPT_QUIET},
        {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    decide_opts o = {0};
    const char *fy = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP:
            printf("usage: kasan decide --fy YYYY [--issue-date YYYY-MM-DD] [--quiet]\n"
                   "                    [--data DIR] [--rules DIR] [--out DIR]\n"
                   "Grant decision (交付決定) of the fiscal year from the nurseries' applications\n"
                   "(交付申請) in DATA/applications/YYYY/children.csv and nurses.csv: each month's\n"
                   "planned lines computed like a month's claims, under the rules in force that\n"
                   "month; per nursery and program the months and the year (交付決定額), checked\n"
                   "against the budget line.  Writes OUT/decisions-YYYY/ (decisions.csv,\n"
                   "rejections.csv, decisions.xlsx, notices/ID.xlsx 交付決定通知書 dated\n"
                   "--issue-date, default today).  A draft (試算): nothing is recorded.\n"
                   "exit: 0 ok, 1 usage, 2 invalid rules or applications (nothing written),\n"
                   "5 internal or I/O error\n");
            return EXIT_OK;
        case OPT_FY: fy = optarg; break;
        case OPT_ISSUE: o.issue_date = optarg; break;
        case OPT_QUIET: o.quiet = true; break;
        default:
            if (!cli_common_opt(opt, &paths))
                return EXIT_USAGE;
        }
    }
    if (!cli_no_stray_arg("decide", argc, argv))
        return EXIT_USAGE;
    if (!fy) {
        fprintf(stderr, "kasan decide: --fy YYYY is required\n");
        return EXIT_USAGE;
    }
    if (!cli_parse_fy("decide", fy, &o.fy))
        return EXIT_USAGE;
    date_t d;
    if (o.issue_date && !date_parse_iso(o.issue_date, strlen(o.issue_date), &d)) {
        fprintf(stderr, "kasan decide: --issue-date takes YYYY-MM-DD\n");
        return EXIT_USAGE;
    }
    return decide(&paths, &o);
}
