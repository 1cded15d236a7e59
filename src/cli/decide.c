/* decide: `kasan decide --fy YYYY` — the grant decision (交付決定) of a fiscal
 * year drafted from the nurseries' applications (docs/spec/12-grant-decision.md):
 * parses the options, calls flow_decide (src/flow/decide.c) and prints its
 * summary.  A draft (試算) only: recording a decision in the ledger
 * (--finalize) and the 変更交付決定 (--amend) are not offered yet. */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "progress.h"

enum { OPT_FY = OPT_FIRST_OWN, OPT_ISSUE, OPT_QUIET };

typedef struct decide_opts {
    int fy;
    const char *issue_date;
    bool quiet;
} decide_opts;

static void print_summary(const decision *dec, const decide_meta *meta)
{
    char b[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN];
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
        printf("  %-18s %14s yen  %s\n", dec->program_ids[p], flow_yen(dec->program_total[p], false, b),
               title);
    }
    printf("  decided total      %14s yen\n", flow_yen(dec->total, false, b));
    const budget_ward *w = meta->ward;
    if (!meta->budget || !w) {
        printf("  warning: no budget line covers FY%d (rules/budget/): a decision of a year "
               "without a budget cannot be finalized\n", dec->fiscal_year);
        return;
    }
    printf("  budget %s: 予算現額 %s, decided (負担行為) %s, 執行残 %s%s\n", meta->budget->line_id,
           flow_yen(w->current, false, b), flow_yen(w->committed, false, b2),
           flow_yen(w->unexecuted, false, b3),
           w->unexecuted < 0 ? "  OVER the 予算現額: finalizing it would be refused "
                               "(補正, 流用 or 予備費充用 first)" : "");
    if (meta->budget->no_grant_decision)
        printf("  warning: the budget file of FY%d says grant_decision: none: the year is paid "
               "without decisions; remove the key to pay it within them\n", dec->fiscal_year);
}

static int decide(const cli_paths *paths, const decide_opts *o)
{
    progress_line pl;
    flow_decide_req rq = {*paths, o->fy, o->issue_date, progress_line_init(&pl, o->quiet)};
    flow_decide_res res;
    int rc = flow_decide(&rq, &res);
    cli_print_notes("kasan decide", &res.notes);
    if (rc == EXIT_OK) {
        print_summary(&res.dec, &res.meta);
        printf("  wrote %s/\n", res.dir);
    }
    flow_decide_free(&res);
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
