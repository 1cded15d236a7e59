/* run: `kasan run` — computes a month (or every month of a fiscal year),
 * writes its outputs into a staging directory, records it in the ledger when
 * finalizing, and only then moves the outputs into place: a refusal or an
 * error leaves the previous outputs and no partial ones. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "jobs.h"
#include "kasan/clock.h"
#include "kasan/fsutil.h"
#include "kasan/ledger.h"
#include "kasan/report.h"

typedef struct run_opts {
    cli_paths paths;
    const char *month, *fy;
    bool finalize, supersede, no_workbooks, quiet;
    const char *reason, *over_budget_reason, *actor, *issue_date;
    int jobs;         /* --jobs: months (and statements) at once */
    long stage_pid;   /* names the staging directories: the parent's pid */
    bool deferred;    /* a worker of --fy: the parent publishes, in month order */
    progress *months; /* the months' progress line of --fy (cleared before a summary) */
} run_opts;

enum { OPT_FY = OPT_FIRST_OWN, OPT_FINALIZE, OPT_SUPERSEDE, OPT_REASON, OPT_OVER, OPT_NO_WB,
       OPT_ACTOR, OPT_ISSUE, OPT_QUIET, OPT_JOBS };

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
           "  --supersede --reason TEXT  correct (修正) an already finalized month; also\n"
           "                             writes corrections.csv (paid, corrected, difference),\n"
           "                             the 修正差額 sheet and 修正 on changed statements;\n"
           "                             TEXT is printed on every changed nursery's\n"
           "                             statement: do not name other nurseries in it\n"
           "  --actor NAME               who finalizes (default: login name)\n"
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
        {"no-workbooks", no_argument, 0, OPT_NO_WB},
        {"actor", required_argument, 0, OPT_ACTOR},
        {"issue-date", required_argument, 0, OPT_ISSUE},
        {"quiet", no_argument, 0, OPT_QUIET},
        {"jobs", required_argument, 0, OPT_JOBS},
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
        case OPT_NO_WB: o->no_workbooks = true; break;
        case OPT_ACTOR: o->actor = optarg; break;
        case OPT_ISSUE: o->issue_date = optarg; break;
        case OPT_QUIET: o->quiet = true; break;
        case OPT_JOBS:
            if (!jobs_parse("run", optarg, &o->jobs))
                return -1;
            break;
        default:
            if (!cli_common_opt(opt, &o->paths))
                return -1;
        }
    }
    const char *bad = NULL;
    if (!cli_no_stray_arg("run", argc, argv))
        return -1;
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
    if (bad) {
        fprintf(stderr, "kasan run: %s\n", bad);
        return -1;
    }
    return 0;
}

/* Places the ledger's finalized months of the FY (amounts by the run's
 * program order, override reasons in a) into the budget view. */
static void place_ledger_months(const month_run *run, ledger *lg, budget_view *bv, arena *a)
{
    ledger_month_sum *ms = NULL;
    size_t n = 0;
    if (lg && ledger_fy_months(lg, bv->fiscal_year, a, &ms, &n) == LEDGER_OK) {
        for (size_t k = 0; k < n; k++) {
            claim_month cm;
            if (!month_parse(ms[k].month, &cm))
                continue;
            int64_t amount[BUDGET_MAX_PROGRAMS] = {0};
            for (size_t j = 0; j < ms[k].n_programs; j++)
                for (size_t p = 0; p < run->n_programs; p++)
                    if (!strcmp(ms[k].programs[j].program, run->programs[p]->id))
                        amount[p] = ms[k].programs[j].amount_yen;
            budget_view_place(bv, cm, false, ms[k].total_yen, amount, run->n_programs);
            if (month_fiscal_year(cm) == bv->fiscal_year)
                bv->months[month_fiscal_index(cm)].override_reason = ms[k].over_budget_reason;
        }
    }
}

/* Fills the budget view from the ledger's finalized months and this run;
 * this month shows `reason` when finalizing it (not a correction) is paid
 * on it as the ledger will decide (budget_decide). */
static bool fill_budget(const month_run *run, ledger *lg, const run_opts *o, budget_view *bv,
                        arena *a)
{
    budget_view_init(bv, month_fiscal_year(run->month), run->budget ? run->budget->line_id : NULL,
                     run->budget ? run->budget->amount : 0);
    place_ledger_months(run, lg, bv, a);
    if (lg && ledger_fy_settled_additional(lg, bv->fiscal_year, 0, &bv->settled_additional))
        bv->settled_additional = 0; /* unreadable: the finalization reads it again */
    budget_view_place(bv, run->month, !o->finalize, run->total, run->program_total,
                      run->n_programs);
    budget_month *self = &bv->months[month_fiscal_index(run->month)];
    self->override_reason = NULL;
    if (!budget_view_finish(bv, run->month))
        return false;
    budget_decision d;
    if (o->finalize && !o->supersede && o->over_budget_reason &&
        budget_decide(bv->line_id != NULL, bv->line_amount, bv->paid_before, bv->this_month, true,
                      &d) &&
        budget_overridden(d.verdict))
        self->override_reason = o->over_budget_reason;
    return true;
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
        cli_yen(run->program_total[p], false, b1);
        printf("  %-17s %-8s %14s yen  %s\n", run->programs[p]->id, run->programs[p]->version, b1,
               run->programs[p]->title);
    }
    cli_yen(run->total, false, b1);
    printf("  %-26s %14s yen\n", "month total", b1);
    if (bv->line_id) {
        cli_yen(bv->line_amount, false, b1);
        cli_yen(bv->paid_before, false, b2);
        cli_yen(bv->remaining, false, b3);
        cli_yen(bv->forecast, false, b4);
        printf("  budget %s %s yen: paid so far %s, remaining after this month %s, "
               "forecast %s\n", bv->line_id, b1, b2, b3, b4);
        if (bv->forecast > bv->line_amount) {
            cli_yen(bv->forecast - bv->line_amount, false, b1);
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

/* A correction (修正, SPEC 6.1): the differences from the month's current run
 * go into the outputs (meta->correction) and the ledger is asked to supersede
 * exactly that run.  No current run: nothing to show, and the ledger refuses. */
static int correction_of(const month_run *run, ledger *lg, const char *reason, arena *a,
                         run_correction *c, run_meta *meta)
{
    char mon[8];
    month_format(run->month, mon);
    ledger_run cur;
    int st = ledger_month_current(lg, mon, a, &cur);
    if (st == LEDGER_NOT_FOUND)
        return EXIT_OK;
    if (st != LEDGER_OK) {
        fprintf(stderr, "kasan run: cannot read the finalized run of %s: %s\n", mon,
                ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    ledger_correction *rows;
    size_t n;
    if (engine_corrections(run, cur.payments, cur.n_payments, a, &rows, &n) != 0) {
        fprintf(stderr, "kasan run: out of memory\n");
        return EXIT_INTERNAL;
    }
    *c = (run_correction){cur.run_id, reason, rows, n};
    meta->correction = c;
    return EXIT_OK;
}

static void fill_ledger_request(const month_run *run, const run_opts *o, const run_meta *meta,
                                arena *a, ledger_finalize_req *rq)
{
    char *mon = arena_alloc(a, 8);
    month_format(run->month, mon);
    rq->month = mon;
    rq->run_id = meta->run_id;
    rq->created = meta->created;
    rq->actor = cli_actor(o->actor);
    rq->engine_version = KASAN_VERSION;
    rq->n_payments = engine_payment_count(run);
    ledger_payment *pay = arena_calloc(a, rq->n_payments + 1, sizeof *pay);
    size_t k = 0;
    for (payment_row r = {0}; engine_payment_next(run, &r);)
        pay[k++] = (ledger_payment){r.nursery_id, r.program_id, r.rule_version, r.amount};
    rq->payments = pay;
    ledger_program_total *pt = arena_calloc(a, run->n_programs + 1, sizeof *pt);
    for (size_t p = 0; p < run->n_programs; p++)
        pt[p] = (ledger_program_total){run->programs[p]->id, run->program_total[p]};
    rq->programs = pt;
    rq->n_programs = run->n_programs;
    rq->total_yen = run->total;
    size_t nf = run->rules->n_files + INPUT_COUNT;
    ledger_file *files = arena_calloc(a, nf, sizeof *files);
    for (size_t i = 0; i < run->rules->n_files; i++) {
        const rule_file *f = &run->rules->files[i];
        files[i] = (ledger_file){ledger_role_name(LEDGER_ROLE_RULES), f->name, f->data, f->len,
                                 f->sha256};
    }
    for (int i = 0; i < INPUT_COUNT; i++) {
        const input_file *f = &run->inputs[i];
        files[run->rules->n_files + (size_t)i] =
            (ledger_file){cli_input_role(i), f->name, f->data, f->len, f->sha256};
    }
    rq->files = files;
    rq->n_files = nf;
    if (run->budget)
        rq->budget = (ledger_budget){run->budget->fiscal_year, run->budget->line_id,
                                     run->budget->amount};
    rq->over_budget_reason = o->over_budget_reason;
    rq->supersede = o->supersede;
    rq->reason = o->reason;
    if (meta->correction) /* the run whose differences the outputs show */
        rq->expect_superseded = meta->correction->superseded_run_id;
}

static int finalize(const run_opts *o, const month_run *run, const run_meta *meta, ledger *lg,
                    ledger_finalize_res *res)
{
    arena a = ARENA_INIT;
    ledger_finalize_req rq = {0};
    fill_ledger_request(run, o, meta, &a, &rq);
    int st = ledger_finalize(lg, &rq, res);
    char b1[32], b2[32], b3[32];
    int rc = EXIT_OK;
    if (st == LEDGER_OVER_BUDGET) {
        cli_yen(res->overrun_yen, false, b1);
        cli_yen(res->fy_paid_after_yen, false, b2);
        cli_yen(rq.budget.line_amount_yen, false, b3);
        fprintf(stderr, "kasan run: finalization refused by budget control: %s would bring the "
                        "fiscal year's paid total to %s yen, %s yen over the %s line of %s yen.\n"
                        "  To pay anyway, give the reason (補正予算・流用): "
                        "--over-budget-reason TEXT\n", rq.month, b2, b1, rq.budget.line_id, b3);
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_NO_BUDGET_LINE) {
        fprintf(stderr, "kasan run: finalization refused: no budget line for FY%d, so %s "
                        "cannot be paid.\n  Add the line to the rules' budget/ directory, or "
                        "to pay anyway give the reason (補正予算・流用): --over-budget-reason "
                        "TEXT\n", month_fiscal_year(run->month), rq.month);
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_ALREADY_FINALIZED && o->supersede) {
        /* another correction became current after this one read the paid run */
        fprintf(stderr, "kasan run: %s\n", ledger_errmsg(lg));
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_ALREADY_FINALIZED) {
        fprintf(stderr, "kasan run: %s is already finalized; a correction is --finalize "
                        "--supersede --reason TEXT\n", rq.month);
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_NOTHING_TO_SUPERSEDE) {
        fprintf(stderr, "kasan run: %s has no finalized run to supersede\n", rq.month);
        rc = EXIT_REFUSED;
    } else if (st == LEDGER_BUSY) {
        fprintf(stderr, "kasan run: the ledger is busy (another finalization?): %s\n",
                ledger_errmsg(lg));
        rc = EXIT_REFUSED;
    } else if (st != LEDGER_OK) {
        fprintf(stderr, "kasan run: cannot record %s in the ledger %s: %s: %s\n", rq.month,
                cli_ledger_path(&o->paths, &a), ledger_strstatus(st), ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_REFUSED && st != LEDGER_BUSY) /* SPEC 1.4: the refusal is in the trail */
        cli_refusal_note("kasan run", lg, res->event_seq, res->event_hash);
    arena_release(&a);
    return rc;
}

/* 修正: how many rows changed and what is paid or asked back (SPEC 6.1). */
static void print_correction(const run_correction *c)
{
    int64_t plus = 0, minus = 0; /* within one month's amounts */
    for (size_t i = 0; i < c->n; i++)
        *(c->rows[i].difference_yen > 0 ? &plus : &minus) += c->rows[i].difference_yen;
    char b1[CLI_YEN_LEN], b2[CLI_YEN_LEN], b3[CLI_YEN_LEN];
    printf("  correction of run %s: %zu nursery-program rows changed, 追給 %s yen, 返還 %s yen, "
           "net %s yen (corrections.csv)\n", c->superseded_run_id, c->n, cli_yen(plus, false, b1),
           cli_yen(-minus, false, b2), cli_yen(plus + minus, true, b3));
}

static void print_finalized(const ledger_finalize_res *res, const char *mon, const char *final_dir)
{
    printf("  finalized in the ledger: event %lld%s%s\n", (long long)res->event_seq,
           *res->superseded_run_id ? ", supersedes run " : "", res->superseded_run_id);
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

/* Draft runs of a finalized month are refused: its outputs are the record. */
static int refuse_if_finalized(ledger *lg, const char *mon)
{
    arena a = ARENA_INIT;
    ledger_run cur;
    int st = lg ? ledger_month_current(lg, mon, &a, &cur) : LEDGER_NOT_FOUND;
    int rc = EXIT_OK;
    if (st == LEDGER_OK) {
        fprintf(stderr, "kasan run: %s is finalized (run %s); its outputs are not overwritten "
                        "by a draft.  Use `kasan replay --month %s` to recompute it, or "
                        "--finalize --supersede --reason TEXT to correct it.\n", mon,
                cur.run_id, mon);
        rc = EXIT_REFUSED;
    }
    arena_release(&a);
    return rc;
}

/* A finalization may have committed while this draft was being written:
 * look again just before publishing (the published marker and the next
 * command's restore close what is left of the window). */
static int recheck_draft(const char *lpath, ledger **lg, const char *mon)
{
    char err[512];
    if (!*lg && fs_exists(lpath) && ledger_open(lpath, false, lg, err, sizeof err) != LEDGER_OK)
        *lg = NULL;
    return refuse_if_finalized(*lg, mon);
}

static int run_month(const run_opts *o, const rule_set *rs, const shared_registry *sr,
                     claim_month m)
{
    char mon[8], created[32];
    month_format(m, mon);
    month_run run;
    int rc = cli_compute_month_shared(&o->paths, rs, m, sr, &run);
    if (rc != EXIT_OK) {
        engine_free(&run);
        return rc;
    }
    arena a = ARENA_INIT;
    char *lpath = cli_ledger_path(&o->paths, &a);
    ledger *lg = NULL;
    char err[512];
    if (fs_mkdirs(o->paths.out) != 0) {
        fprintf(stderr, "kasan run: cannot create output directory %s: %s\n", o->paths.out,
                strerror(errno));
        rc = EXIT_INTERNAL;
    } else if (o->finalize || fs_exists(lpath)) {
        int st = ledger_open(lpath, o->finalize, &lg, err, sizeof err);
        /* a draft beside a ledger a finalization is just creating: none yet */
        if (st == LEDGER_NOT_FOUND && !o->finalize)
            lg = NULL;
        else if (st != LEDGER_OK) {
            fprintf(stderr, "kasan run: cannot open the ledger %s: %s\n", lpath, err);
            rc = EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK && lg)
        rc = restore_month(&o->paths, lg, m, "kasan run", false);
    if (rc == EXIT_OK)
        restore_clean_leftovers(&o->paths, mon, "kasan run");
    if (rc == EXIT_OK && !o->finalize)
        rc = refuse_if_finalized(lg, mon);
    clock_now_iso(created);
    run_meta meta = {cli_run_id(&run, created, &a), created, 0, o->finalize, KASAN_VERSION, NULL};
    run_correction corr = {0};
    if (rc == EXIT_OK && o->finalize && o->supersede && lg)
        rc = correction_of(&run, lg, o->reason, &a, &corr, &meta);
    if (!o->issue_date || !date_parse_iso(o->issue_date, strlen(o->issue_date), &meta.issue_date))
        clock_to_jst(created, &meta.issue_date, NULL, NULL); /* the day in Japan */
    budget_view bv;
    if (!fill_budget(&run, lg, o, &bv, &a) && rc == EXIT_OK) {
        fprintf(stderr, "kasan run: %s: the fiscal year's paid total or forecast does not fit "
                        "in 64-bit yen; check the claims' amounts\n", mon);
        rc = EXIT_INVALID;
    }
    char *final_dir = arena_printf(&a, "%s/%s", o->paths.out, mon);
    char *stage = arena_printf(&a, "%s/.%s.staging-%ld", o->paths.out, mon, o->stage_pid);
    if (rc == EXIT_OK && run_write_outputs(!o->no_workbooks, &run, &bv, &meta, stage) != 0)
        rc = EXIT_INTERNAL;
    ledger_finalize_res fres = {0};
    if (rc == EXIT_OK && o->finalize)
        rc = finalize(o, &run, &meta, lg, &fres);
    if (rc == EXIT_OK && !o->finalize && !o->deferred)
        rc = recheck_draft(lpath, &lg, mon);
    char *marker = restore_marker_path(&o->paths, mon, &a);
    if (rc == EXIT_OK && !o->deferred && restore_publish(stage, final_dir, marker) != 0) {
        fprintf(stderr, "kasan run: cannot move outputs into %s: %s\n", final_dir, strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (rc != EXIT_OK)
        fs_remove_tree(stage);
    else if (!o->quiet) {
        if (o->months)
            progress_end(o->months);
        print_summary(o, &run, &bv, meta.run_id, final_dir);
        if (meta.correction)
            print_correction(meta.correction);
        if (o->finalize)
            print_finalized(&fres, mon, final_dir);
    }
    ledger_close(lg);
    arena_release(&a);
    engine_free(&run);
    return rc;
}

/* ---- the months of --fy side by side (drafts; see jobs.h) ---- */

typedef struct year_ctx {
    run_opts *o;
    const rule_set *rs;
    const shared_registry *sr;
    claim_month first;
} year_ctx;

static claim_month year_month(const year_ctx *y, int i)
{
    return month_of_fiscal(month_fiscal_year(y->first), i);
}

/* In a worker: the month computed and staged, its summary printed (the
 * parent shows it once the month is published). */
static int year_task(int i, void *ctx)
{
    year_ctx *y = ctx;
    y->o->deferred = true;
    y->o->months = NULL;
    jobs_configure_statements(1, true); /* the months already fill the cores */
    return run_month(y->o, y->rs, y->sr, year_month(y, i));
}

/* In the parent, in month order: the last look at the ledger, then the
 * staged month is published; a failed or dropped month's staging goes. */
static int year_finish(int i, int rc, void *ctx)
{
    year_ctx *y = ctx;
    char mon[8];
    month_format(year_month(y, i), mon);
    arena a = ARENA_INIT;
    char *stage = arena_printf(&a, "%s/.%s.staging-%ld", y->o->paths.out, mon, y->o->stage_pid);
    char *final_dir = arena_printf(&a, "%s/%s", y->o->paths.out, mon);
    ledger *lg = NULL;
    if (rc == EXIT_OK)
        rc = recheck_draft(cli_ledger_path(&y->o->paths, &a), &lg, mon);
    if (rc == EXIT_OK &&
        restore_publish(stage, final_dir, restore_marker_path(&y->o->paths, mon, &a)) != 0) {
        fprintf(stderr, "kasan run: cannot move outputs into %s: %s\n", final_dir, strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (rc != EXIT_OK)
        fs_remove_tree(stage);
    ledger_close(lg);
    arena_release(&a);
    return rc < 0 ? EXIT_INTERNAL : rc;
}

static int run_year_parallel(run_opts *o, const rule_set *rs, const shared_registry *sr,
                             claim_month first, progress *pg)
{
    year_ctx y = {o, rs, sr, first};
    return jobs_run_ordered(12, o->jobs, year_task, year_finish, &y, pg);
}

int cmd_run(int argc, char **argv)
{
    run_opts o = {.paths = CLI_PATHS_DEFAULT, .stage_pid = (long)getpid()};
    int p = parse_opts(argc, argv, &o);
    if (p == -2)
        return EXIT_OK;
    if (p != 0)
        return EXIT_USAGE;
    claim_month first;
    int count = 1;
    if (o.month && !cli_parse_month(o.month, &first))
        return EXIT_USAGE;
    if (o.fy) {
        int fy;
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
    shared_registry sr, *srp = NULL;
    if (rc == EXIT_OK && count > 1) {
        /* a fiscal year reads, hashes and parses the registry once */
        diag_list d = DIAG_LIST_INIT;
        const rule_terms *t = rules_terms_in_force(&rs, first); /* the kind paid: data */
        if (shared_registry_load(o.paths.data, t ? t->eligible_kind : NULL, &sr, &d) != 0) {
            diag_print(&d, stderr);
            fprintf(stderr, "kasan run: the registry could not be read; nothing was computed\n");
            rc = EXIT_INVALID;
        }
        diag_release(&d);
        srp = &sr;
    }
    if (o.jobs == 0)
        o.jobs = jobs_default();
    jobs_configure_statements(o.jobs, o.quiet);
    progress months;
    progress_start(&months, o.quiet || count == 1, "months", (size_t)count);
    o.months = &months;
    if (rc == EXIT_OK && count > 1 && o.jobs > 1 && !o.finalize) {
        rc = run_year_parallel(&o, &rs, srp, first, &months);
    } else {
        /* one at a time; finalizing always so, the ledger taking the months in order */
        for (int i = 0; i < count && rc == EXIT_OK; i++) {
            claim_month m = count > 1 ? month_of_fiscal(month_fiscal_year(first), i) : first;
            progress_tick(&months, (size_t)i);
            rc = run_month(&o, &rs, srp, m);
        }
        if (rc == EXIT_OK)
            progress_tick(&months, (size_t)count);
    }
    progress_end(&months);
    if (srp)
        shared_registry_free(srp);
    rules_free(&rs);
    return rc;
}
