/* decide: `kasan decide --fy YYYY [--finalize | --amend --nursery ID
 * --reason T]` — the grant decision (交付決定) of a fiscal year from the
 * nurseries' applications (docs/spec/12-grant-decision.md): parses the
 * options, loads the operator's key when one is named, calls flow_decide
 * (src/flow/decide.c) and prints its summary: a draft (試算), the decision
 * recorded (--finalize), or a 変更交付決定 with its difference (--amend). */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "progress.h"

enum { OPT_FY = OPT_FIRST_OWN, OPT_ISSUE, OPT_QUIET, OPT_FINALIZE, OPT_AMEND, OPT_NURSERY,
       OPT_REASON, OPT_ACTOR };

typedef struct decide_opts {
    int fy;
    const char *issue_date;
    bool quiet, finalize, amend;
    const char *nursery, *reason, *actor;
    cli_signer sg;
} decide_opts;

static void print_summary(const decision *dec, const decide_meta *meta)
{
    char b[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN];
    printf("kasan decide FY%d  %s  %s\n", dec->fiscal_year,
           meta->finalized ? "確定 finalized" : "試算 draft", meta->decide_id);
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
        printf("  note: the budget file of FY%d says grant_decision: none: months may be paid "
               "before a decision is recorded; once one is, they are paid within it\n",
               dec->fiscal_year);
}

static void print_amendment(const flow_decide_res *res)
{
    const decide_amendment *am = &res->amendment;
    char b[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN];
    printf("kasan decide FY%d  変更交付決定 of %s  %s\n", res->dec.fiscal_year, am->nursery_id,
           res->meta.decide_id);
    for (size_t i = 0; i < am->n_changes; i++) {
        const decide_change *c = &am->changes[i];
        printf("  %-18s %14s → %14s yen  (%s)\n", c->program_id,
               flow_yen(c->current_annual, false, b), flow_yen(c->amended_annual, false, b2),
               flow_yen(c->difference, true, b3));
    }
    printf("  %-18s %14s → %14s yen  (%s)\n", "total", flow_yen(am->current_total, false, b),
           flow_yen(am->amended_total, false, b2), flow_yen(am->difference, true, b3));
    printf("  paid to %s so far in FY%d: %s yen\n", am->nursery_id, res->dec.fiscal_year,
           flow_yen(res->paid_yen, false, b));
}

static void print_recorded(const flow_decide_res *res)
{
    char b[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN];
    printf("  recorded: event %lld; 予算現額 %s, 負担行為額 %s → %s yen\n",
           (long long)res->event_seq, flow_yen(res->current_budget_yen, false, b),
           flow_yen(res->committed_before_yen, false, b2),
           flow_yen(res->committed_after_yen, false, b3));
    printf("  anchor to keep: %lld:%s\n", (long long)res->event_seq, res->event_hash);
}

static int decide(const cli_paths *paths, decide_opts *o)
{
    progress_line pl;
    flow_decide_req rq = {*paths, o->fy, o->issue_date, progress_line_init(&pl, o->quiet),
                          o->finalize, o->amend ? o->nursery : NULL, o->reason,
                          {.name = cli_actor(o->actor)}};
    int rc = EXIT_OK;
    if (o->finalize || o->amend) {
        char what[96];
        snprintf(what, sizeof what, "the grant decision of FY%d", o->fy);
        rc = cli_signer_load("kasan decide", &o->sg, what, &rq.actor);
        if (rc != EXIT_OK)
            return rc;
    }
    flow_decide_res res;
    rc = flow_decide(&rq, &res);
    cli_print_notes("kasan decide", &res.notes);
    if (rc == EXIT_OK && o->amend) {
        print_amendment(&res);
        print_recorded(&res);
        if (res.notice)
            printf("  wrote %s (変更交付決定通知書)\n", res.notice);
    } else if (rc == EXIT_OK) {
        print_summary(&res.dec, &res.meta);
        if (res.recorded)
            print_recorded(&res);
        printf("  wrote %s/\n", res.dir);
    }
    flow_decide_free(&res);
    cli_signer_release(&o->sg);
    return rc;
}

int cmd_decide(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"fy", required_argument, 0, OPT_FY},
        {"issue-date", required_argument, 0, OPT_ISSUE},
        {"quiet", no_argument, 0, OPT_QUIET},
        {"finalize", no_argument, 0, OPT_FINALIZE},
        {"amend", no_argument, 0, OPT_AMEND},
        {"nursery", required_argument, 0, OPT_NURSERY},
        {"reason", required_argument, 0, OPT_REASON},
        {"actor", required_argument, 0, OPT_ACTOR},
        CLI_SIGNER_OPTIONS,
        {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    decide_opts o = {0};
    const char *fy = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP:
            printf("usage: kasan decide --fy YYYY [--finalize | --amend --nursery ID --reason TEXT]\n"
                   "                    [--issue-date YYYY-MM-DD] [--quiet] [--actor NAME | --operator ID]\n"
                   "                    [--data DIR] [--rules DIR] [--out DIR]\n"
                   "Grant decision (交付決定) of the fiscal year from the nurseries' applications\n"
                   "(交付申請) in DATA/applications/YYYY/children.csv and nurses.csv: each month's\n"
                   "planned lines computed like a month's claims, under the rules in force that\n"
                   "month; per nursery and program the months and the year (交付決定額), checked\n"
                   "against the budget line.  Writes OUT/decisions-YYYY/ (decisions.csv,\n"
                   "rejections.csv, decisions.xlsx, notices/ID.pdf 交付決定通知書 as sent and\n"
                   "notices/ID.xlsx for the section, dated --issue-date, default today).\n"
                   "Without --finalize a draft (試算): nothing is recorded; refused once the\n"
                   "year's decision is recorded in this --out (it would overwrite the notices).\n"
                   "  --finalize    record the decision in the ledger (a drafted event, signed\n"
                   "                once an operators file is in force), each notice with the\n"
                   "                year's next 文書番号, recorded with its SHA-256; refused\n"
                   "                over the 予算現額 or when the year is decided already\n"
                   "  --amend --nursery ID --reason TEXT\n"
                   "                変更交付決定 of one nursery from its applications as they are\n"
                   "                now: recorded with the difference, refused below what it was\n"
                   "                paid or over the 予算現額; notice written to\n"
                   "                OUT/decisions-YYYY-amendments/ID-EVENT.pdf (and .xlsx)\n"
                   CLI_SIGNER_HELP
                   "exit: 0 ok, 1 usage, 2 invalid rules or applications (nothing written),\n"
                   "3 refused (recorded in the audit trail), 5 internal or I/O error\n");
            return EXIT_OK;
        case OPT_FY: fy = optarg; break;
        case OPT_ISSUE: o.issue_date = optarg; break;
        case OPT_QUIET: o.quiet = true; break;
        case OPT_FINALIZE: o.finalize = true; break;
        case OPT_AMEND: o.amend = true; break;
        case OPT_NURSERY: o.nursery = optarg; break;
        case OPT_REASON: o.reason = optarg; break;
        case OPT_ACTOR: o.actor = optarg; break;
        default:
            if (!cli_common_opt(opt, &paths) && !cli_signer_opt(opt, &o.sg))
                return EXIT_USAGE;
        }
    }
    if (!cli_no_stray_arg("decide", argc, argv) ||
        !cli_no_passphrase_argument("kasan decide", argc, argv))
        return EXIT_USAGE;
    const char *bad = o.finalize && o.amend ? "--finalize and --amend are two different things"
                      : o.amend && (!o.nursery || !*o.nursery)
                          ? "--amend needs --nursery ID"
                      : o.amend && (!o.reason || !*o.reason)
                          ? "--amend needs --reason TEXT (why the decision changes)"
                      : !o.amend && (o.nursery || o.reason)
                          ? "--nursery and --reason go with --amend"
                      : !o.finalize && !o.amend && (o.sg.id || o.actor)
                          ? "a draft signs nothing: --operator and --actor go with --finalize "
                            "or --amend"
                      : o.sg.id && o.actor ? "--actor is not used with --operator"
                                           : NULL;
    if (bad) {
        fprintf(stderr, "kasan decide: %s\n", bad);
        return EXIT_USAGE;
    }
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
