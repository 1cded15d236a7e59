/* run: `kasan run` — the options of a month's run (or a fiscal year's), the
 * procedure (flow_month, flow_year: staged, recorded when finalizing, then
 * published), and its summary: what was paid, the budget line, the
 * correction, the event and its anchor, the next steps. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "progress.h"

typedef struct run_opts {
    cli_paths paths;
    const char *month, *fy;
    bool finalize, supersede, no_workbooks, quiet;
    const char *reason, *over_budget_reason, *actor, *issue_date, *over_decision_reason;
    const char *after_settlement_reason;
    int jobs;         /* --jobs: months (and statements) at once; 0 every core */
    cli_signer sg;    /* --operator, --keys, --passphrase-file (finalizing) */
    progress_line months; /* the months' progress line of --fy (cleared before a summary) */
} run_opts;

enum { OPT_FY = OPT_FIRST_OWN, OPT_FINALIZE, OPT_SUPERSEDE, OPT_REASON, OPT_OVER, OPT_NO_WB,
       OPT_ACTOR, OPT_ISSUE, OPT_QUIET, OPT_JOBS, OPT_OVER_DECISION,
       OPT_AFTER_SETTLEMENT };

static void run_usage(void)
{
    printf("usage: kasan run --month YYYY-MM | --fy YYYY [options]\n"
           "Computes the month's payments and writes OUT/YYYY-MM/: payments.csv,\n"
           "rejections.csv, payments.xlsx and statements/NURSERY_ID.xlsx.  A draft (試算)\n"
           "unless --finalize.\n\n"
           "  --month YYYY-MM            the claim month\n"
           "  --fy YYYY                  every month of fiscal year YYYY (April to March)\n"
           "  --data DIR                 input data (default fixtures/sample-ward)\n"
           "  --rules DIR                rule files (default rules)\n"
           "  --out DIR                  outputs and ledger.sqlite (default out)\n"
           "  --no-workbooks             write only payments.csv and rejections.csv\n"
           "  --finalize                 record the month in the ledger as paid\n"
           "  --over-budget-reason TEXT  finalize even over the budget line, or with no\n"
           "                             line for the fiscal year (補正予算・流用)\n"
           "  --over-decision-reason TEXT finalize even paying a nursery beyond its grant\n"
           "                             decision (交付決定; better: kasan decide --amend)\n"
           "  --after-settlement-reason TEXT finalize or correct a month of a fiscal year\n"
           "                             whose settlement is finalized (then correct the\n"
           "                             settlement with it: kasan settle --supersede)\n"
           "  --supersede --reason TEXT  correct (修正) an already finalized month; also\n"
           "                             writes corrections.csv (paid, corrected, difference),\n"
           "                             the 修正差額 sheet and 修正 on changed statements;\n"
           "                             TEXT is printed on every changed nursery's\n"
           "                             statement: do not name other nurseries in it\n"
           "  --actor NAME               who finalizes while no operators file is in force\n"
           "                             (default: login name); then --operator instead:\n"
           CLI_SIGNER_HELP
           "  --issue-date YYYY-MM-DD    date printed on statements (default: today)\n"
           "  --jobs N                   months of --fy (drafts) and statements computed by N\n"
           "                             processes at once (default: every core); outputs\n"
           "                             are the same whatever N; --finalize --fy finalizes\n"
           "                             the months one after another\n"
           "  --quiet                    no summary, no progress line\n"
           "exit: 0 ok, 1 usage, 2 invalid rules or input (nothing written), 3 refused\n"
           "(budget control, no budget line, month already finalized), 5 I/O error\n");
}

static int parse_opts(int argc, char **argv, run_opts *o)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"month", required_argument, 0, OPT_MONTH},
        {"fy", required_argument, 0, OPT_FY},
        {"finalize", no_argument, 0, OPT_FINALIZE},
        {"supersede", no_argument, 0, OPT_SUPERSEDE},
        {"reason", required_argument, 0, OPT_REASON},
        {"over-budget-reason", required_argument, 0, OPT_OVER},
        {"over-decision-reason", required_argument, 0, OPT_OVER_DECISION},
        {"after-settlement-reason", required_argument, 0, OPT_AFTER_SETTLEMENT},
        {"no-workbooks", no_argument, 0, OPT_NO_WB},
        {"actor", required_argument, 0, OPT_ACTOR},
        {"issue-date", required_argument, 0, OPT_ISSUE},
        {"quiet", no_argument, 0, OPT_QUIET},
        {"jobs", required_argument, 0, OPT_JOBS},
        CLI_SIGNER_OPTIONS,
        {0, 0, 0, 0}};
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP: run_usage(); return -2;
        case OPT_MONTH: o->month = optarg; break;
        case OPT_FY: o->fy = optarg; break;
        case OPT_FINALIZE: o->finalize = true; break;
        case OPT_SUPERSEDE: o->supersede = true; break;
        case OPT_REASON: o->reason = optarg; break;
        case OPT_OVER: o->over_budget_reason = optarg; break;
        case OPT_OVER_DECISION: o->over_decision_reason = optarg; break;
        case OPT_AFTER_SETTLEMENT: o->after_settlement_reason = optarg; break;
        case OPT_NO_WB: o->no_workbooks = true; break;
        case OPT_ACTOR: o->actor = optarg; break;
        case OPT_ISSUE: o->issue_date = optarg; break;
        case OPT_QUIET: o->quiet = true; break;
        case OPT_JOBS:
            if (!cli_parse_jobs("run", optarg, &o->jobs))
                return -1;
            break;
        default:
            if (!cli_common_opt(opt, &o->paths) && !cli_signer_opt(opt, &o->sg))
                return -1;
        }
    }
    const char *bad = NULL;
    if (!cli_no_stray_arg("run", argc, argv))
        return -1;
    if (o->sg.id && !o->finalize)
        bad = "--operator signs a finalization: use it with --finalize (a draft is not signed)";
    else if (o->sg.id && o->actor)
        bad = "--actor is not used with --operator: the signed event's actor is the operator";
    if (bad) {
        fprintf(stderr, "kasan run: %s\n", bad);
        return -1;
    }
    if (!o->month == !o->fy)
        bad = "give exactly one of --month YYYY-MM or --fy YYYY";
    else if (o->supersede && !o->finalize)
        bad = "--supersede corrects a finalized month: use it with --finalize";
    else if (o->supersede && (!o->reason || !*o->reason))
        bad = "--supersede needs --reason TEXT (why the month is corrected)";
    else if (o->reason && !o->supersede)
        bad = "--reason goes with --supersede (for budget overrides use --over-budget-reason)";
    else if (o->over_budget_reason && (!o->finalize || !*o->over_budget_reason))
        bad = "--over-budget-reason TEXT goes with --finalize";
    else if (o->over_decision_reason && (!o->finalize || !*o->over_decision_reason))
        bad = "--over-decision-reason TEXT goes with --finalize";
    else if (o->after_settlement_reason && (!o->finalize || !*o->after_settlement_reason))
        bad = "--after-settlement-reason TEXT goes with --finalize";
    if (bad) {
        fprintf(stderr, "kasan run: %s\n", bad);
        return -1;
    }
    return 0;
}

static void print_summary(const run_opts *o, const month_run *run, const budget_view *bv,
                          const char *run_id, const char *dir)
{
    char mon[8], b1[32], b2[32], b3[32], b4[32];
    month_format(run->month, mon);
    printf("kasan run %s  %s  run %s\n", mon, o->finalize ? "確定 finalized" : "試算 draft",
           run_id);
    size_t paid = 0;
    for (size_t i = 0; i < run->n_nurseries; i++)
        paid += run->nurseries[i].total > 0;
    printf("  nurseries paid %zu, children %zu, staff lines %zu, rejected lines %zu\n", paid,
           run->n_distinct_children, run->n_staff, run->n_rejections);
    for (size_t p = 0; p < run->n_programs; p++) {
        flow_yen(run->program_total[p], false, b1);
        printf("  %-17s %-8s %14s yen  %s\n", run->programs[p]->id, run->programs[p]->version, b1,
               run->programs[p]->title);
    }
    flow_yen(run->total, false, b1);
    printf("  %-26s %14s yen\n", "month total", b1);
    if (bv->line_id) {
        flow_yen(bv->line_amount, false, b1);
        flow_yen(bv->paid_before, false, b2);
        flow_yen(bv->remaining, false, b3);
        flow_yen(bv->forecast, false, b4);
        printf("  budget %s %s yen: paid so far %s, remaining after this month %s, "
               "forecast %s\n", bv->line_id, b1, b2, b3, b4);
        if (bv->forecast > bv->line_amount) {
            flow_yen(bv->forecast - bv->line_amount, false, b1);
            printf("  warning: the year-end forecast exceeds the budget line by %s yen\n", b1);
        }
    } else {
        printf("  warning: no budget line covers fiscal year %d\n", bv->fiscal_year);
        if (run->total > 0 && !o->finalize)
            printf("  (finalizing this month will be refused without --over-budget-reason "
                   "TEXT)\n");
        else if (run->total > 0 && o->over_budget_reason)
            printf("  paid without a budget line on the reason given: %s\n",
                   o->over_budget_reason);
    }
    printf("  wrote %s/\n", dir);
}

/* 修正: how many rows changed and what is paid or asked back (SPEC 6.1). */
static void print_correction(const flow_month_res *res)
{
    const run_correction *c = res->meta.correction;
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN];
    printf("  correction of run %s: %zu nursery-program rows changed, 追給 %s yen, 返還 %s yen, "
           "net %s yen (corrections.csv)\n", c->superseded_run_id, c->n,
           flow_yen(res->raised_yen, false, b1), flow_yen(res->lowered_yen, false, b2),
           flow_yen(res->raised_yen - res->lowered_yen, true, b3));
}

static void print_finalized(const ledger_finalize_res *res, const char *mon, const char *final_dir)
{
    printf("  finalized in the ledger: event %lld%s%s\n", (long long)res->event_seq,
           *res->superseded_run_id ? ", supersedes run " : "", res->superseded_run_id);
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN];
    for (size_t i = 0; i < res->n_over_decision && i < LEDGER_OVER_DECISION_MAX; i++)
        printf("  paid beyond the grant decision on the reason given: %s, decided %s yen, "
               "%s yen beyond (event %lld)\n", res->over_decision[i].nursery_id,
               flow_yen(res->over_decision[i].decided_yen, false, b1),
               flow_yen(res->over_decision[i].shortfall_yen, false, b2),
               (long long)res->over_decision_seq);
    if (res->after_settlement_seq)
        printf("  recorded after its fiscal year's settlement (event %lld) on the reason given "
               "(event %lld): correct the settlement with it (kasan settle --finalize "
               "--supersede --reason TEXT)\n", (long long)res->settlement_seq,
               (long long)res->after_settlement_seq);
    /* an anchor kept outside the ledger (with the 決裁文書) catches a log that
     * was rewritten and re-hashed as a whole */
    printf("  anchor to keep with the payment approval: %lld:%s\n"
           "  (check it any time: kasan audit verify --anchor %lld:%s)\n",
           (long long)res->event_seq, res->event_hash, (long long)res->event_seq, res->event_hash);
    /* the monthly routine's next steps (README): statements out, then the bank file */
    printf("  next: send %s/statements/ to the nurseries; the bank file: kasan transfer "
           "--month %s --date YYYY-MM-DD%s\n", final_dir, mon,
           *res->superseded_run_id ? " (only the 追給 if the earlier run was transferred)" : "");
}

/* A month's notes, then (done, not --quiet) its summary. */
static void report(const run_opts *o, const flow_month_res *res, int rc)
{
    cli_print_notes("kasan run", &res->notes);
    if (rc != EXIT_OK || o->quiet)
        return;
    char mon[8];
    month_format(res->run.month, mon);
    print_summary(o, &res->run, &res->budget, res->meta.run_id, res->final_dir);
    if (res->meta.correction)
        print_correction(res);
    if (o->finalize)
        print_finalized(&res->event, mon, res->final_dir);
}

static flow_month_req month_request(const run_opts *o, const rule_set *rs, claim_month m)
{
    return (flow_month_req){.paths = o->paths, .rules = rs, .month = m,
                            .finalize = o->finalize, .supersede = o->supersede,
                            .reason = o->reason, .over_budget_reason = o->over_budget_reason,
                            .over_decision_reason = o->over_decision_reason,
                            .after_settlement_reason = o->after_settlement_reason,
                            .issue_date = o->issue_date, .workbooks = !o->no_workbooks,
                            .actor = {.name = cli_actor(o->actor)}, .stage_pid = (long)getpid(),
                            .jobs = o->jobs};
}

/* ---- the months of --fy ---- */

static void year_done(const flow_month_res *res, int rc, bool in_worker, void *ctx)
{
    run_opts *o = ctx;
    if (!in_worker)
        progress_end(&o->months.p);
    report(o, res, rc);
}

static void year_say(const flow_notes *notes, void *ctx)
{
    (void)ctx;
    cli_print_notes("kasan run", notes);
}

int cmd_run(int argc, char **argv)
{
    run_opts o = {.paths = CLI_PATHS_DEFAULT};
    if (!cli_no_passphrase_argument("kasan run", argc, argv))
        return EXIT_USAGE;
    int p = parse_opts(argc, argv, &o);
    if (p == -2)
        return EXIT_OK;
    if (p != 0)
        return EXIT_USAGE;
    claim_month first;
    int count = 1, fy = 0;
    if (o.month && !cli_parse_month(o.month, &first))
        return EXIT_USAGE;
    if (o.fy) {
        if (!cli_parse_fy("run", o.fy, &fy))
            return EXIT_USAGE;
        first = month_of_fiscal(fy, 0);
        count = 12;
    }
    /* a draft of a future month is a forecast; finalizing one is a typo */
    for (int i = 0; o.finalize && i < count; i++)
        if (!cli_month_begun("run", month_of_fiscal(month_fiscal_year(first),
                                                    month_fiscal_index(first) + i), "finalize"))
            return EXIT_USAGE;
    rule_set rs;
    int rc = cli_load_rules(o.paths.rules, &rs);
    arena_keep_freed_memory(); /* each month reuses the last one's memory */
    progress_line statements;
    flow_month_req mr = month_request(&o, &rs, first);
    if (rc == EXIT_OK && o.finalize) { /* who finalizes: their key (SPEC 10.1) */
        char what[64];
        snprintf(what, sizeof what, "the finalization of %s", o.month ? o.month : o.fy);
        rc = cli_signer_load("kasan run", &o.sg, what, &mr.actor);
    }
    mr.progress = progress_line_init(&statements, o.quiet);
    if (rc == EXIT_OK && count == 1) {
        flow_month_res res;
        rc = flow_month(&mr, &res);
        report(&o, &res, rc);
        flow_month_free(&res);
    } else if (rc == EXIT_OK) {
        flow_year_req yr = {.month = mr, .fiscal_year = fy, .jobs = o.jobs,
                            .months = progress_line_init(&o.months, o.quiet), .done = year_done,
                            .say = year_say, .out = stdout, .err = stderr, .ctx = &o};
        rc = flow_year(&yr);
    }
    cli_signer_release(&o.sg);
    rules_free(&rs);
    return rc;
}
