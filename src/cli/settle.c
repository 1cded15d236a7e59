/* settle: `kasan settle --fy FY` — the options of the year-end settlement
 * (精算, SPEC 6.2), the procedure (flow_settle: months recomputed from the
 * ledger, actuals, every nursery settled, staged, recorded, published), and
 * its summary; also what `kasan explain --settlement` prints of one
 * nursery.  Not here: any of the procedure (src/flow/settle.c), any
 * settlement formula (rule files). */
#include "settle_cli.h"

#include <stdio.h>
#include <string.h>

#include "progress.h"
#include "kasan/expr.h"

/* The settlement's warnings (kasan/settle.h), of one nursery or (NULL) all,
 * as FILE:LINE: warning: on stderr. */
static void print_warnings(const settlement *st, const char *nursery_id)
{
    for (size_t i = 0; i < st->n_warnings; i++) {
        const settle_row *r = &st->rows[st->warnings[i].row];
        char msg[1024];
        if (nursery_id && strcmp(r->nursery_id, nursery_id))
            continue;
        settle_warning_text(st, &st->warnings[i], msg, sizeof msg);
        fprintf(stderr, "%s:%d: warning: %s\n", st->actuals_file, r->actual->line, msg);
    }
}

static void print_missing(const settlement *st)
{
    if (!st->n_missing)
        return;
    printf("  not finalized (not counted):");
    for (size_t i = 0; i < st->n_missing; i++) {
        char mon[8];
        month_format(st->missing[i], mon);
        printf(" %s", mon);
    }
    printf("\n");
}

typedef struct settle_opts {
    int fy;
    bool finalize, supersede;
    const char *over_budget_reason, *reason, *actor, *issue_date;
    cli_signer sg;  /* --operator, --keys, --passphrase-file (finalizing) */
} settle_opts;

static void print_summary(const settlement *st, bool finalized)
{
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN];
    printf("kasan settle FY%d  %s  %zu nursery × program rows\n", st->fiscal_year,
           finalized ? "確定 finalized" : "試算 draft", st->n_rows);
    print_missing(st);
    print_warnings(st, NULL);
    for (size_t i = 0; i < st->n_rows; i++) {
        const settle_row *r = &st->rows[i];
        printf("  %-8s %-17s %-8s annual %12s  paid %12s  %s %s\n", r->nursery_id, r->rule->id,
               r->rule->version, flow_yen(r->annual, false, b1), flow_yen(r->paid, false, b2),
               r->difference > 0 ? "追加交付" : r->difference < 0 ? "返還" : "差額なし",
               flow_yen(r->difference < 0 ? -r->difference : r->difference, false, b3));
    }
    printf("  total 追加交付 %s yen, 返還 %s yen\n", flow_yen(st->additional_total, false, b1),
           flow_yen(st->repayment_total, false, b2));
}

static int settle(const cli_paths *paths, settle_opts *o)
{
    progress_line pl;
    flow_settle_req rq = {*paths, o->fy, o->finalize, o->supersede, o->reason,
                          o->over_budget_reason, o->issue_date, {.name = cli_actor(o->actor)},
                          progress_line_init(&pl, false)};
    char what[64];
    snprintf(what, sizeof what, "the settlement of FY%d", o->fy);
    int rc = o->finalize ? cli_signer_load("kasan settle", &o->sg, what, &rq.actor) : EXIT_OK;
    if (rc != EXIT_OK)
        return rc;
    flow_settle_res res;
    rc = flow_settle(&rq, &res);
    cli_signer_release(&o->sg);
    cli_print_notes("kasan settle", &res.notes);
    if (res.decided) { /* a refusal prints no 確定 summary */
        print_summary(&res.st, o->finalize);
        if (res.no_budget_line)
            printf("  warning: no budget line covers fiscal year %d: finalizing the 追加交付 "
                   "needs --over-budget-reason TEXT (SPEC 1.4)\n", o->fy);
        if (o->finalize) {
            printf("  finalized in the ledger: event %lld%s\n", (long long)res.event.event_seq,
                   res.event.superseded_seq ? " (supersedes the earlier settlement)" : "");
            printf("  anchor to keep with the approval: %lld:%s\n",
                   (long long)res.event.event_seq, res.event.event_hash);
        }
    }
    if (rc == EXIT_OK)
        printf("  wrote %s/\n", res.dir);
    flow_settle_free(&res);
    return rc;
}

enum { OPT_FY = OPT_FIRST_OWN, OPT_FINALIZE, OPT_OVER, OPT_SUPERSEDE, OPT_REASON, OPT_ACTOR,
       OPT_ISSUE };

int cmd_settle(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"fy", required_argument, 0, OPT_FY},
        {"finalize", no_argument, 0, OPT_FINALIZE},
        {"over-budget-reason", required_argument, 0, OPT_OVER},
        {"supersede", no_argument, 0, OPT_SUPERSEDE},
        {"reason", required_argument, 0, OPT_REASON},
        {"actor", required_argument, 0, OPT_ACTOR},
        {"issue-date", required_argument, 0, OPT_ISSUE},
        CLI_SIGNER_OPTIONS,
        {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    settle_opts o = {0};
    const char *fy = NULL;
    if (!cli_no_passphrase_argument("kasan settle", argc, argv))
        return EXIT_USAGE;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP:
            printf("usage: kasan settle --fy YYYY [--finalize [--over-budget-reason TEXT]\n"
                   "                    [--supersede --reason TEXT]] [--issue-date YYYY-MM-DD]\n"
                   "                    [--actor NAME | --operator ID] [--data DIR] [--rules DIR]\n"
                   "                    [--out DIR]\n"
                   "Year-end settlement (精算, 交付額の確定): each nursery's annual amount under\n"
                   "the settlement: section of the rules in force on 31 March, from the year's\n"
                   "finalized months (recomputed from the ledger) and DATA/settlement/YYYY/\n"
                   "actuals.csv, against what was paid: 追加交付 or 返還.  Writes OUT/\n"
                   "settlement-YYYY/ (settlement.csv, settlement.xlsx, notices/ID.xlsx); a\n"
                   "draft (試算) unless --finalize, which records it in the ledger.\n"
                   "exit: 0 ok, 1 usage, 2 invalid rules or input (nothing written), 3 refused,\n"
                   "4 a finalized month no longer recomputes as paid, 5 internal error\n"
                   "Once an operators file is in force, --finalize is signed:\n"
                   CLI_SIGNER_HELP);
            return EXIT_OK;
        case OPT_FY: fy = optarg; break;
        case OPT_FINALIZE: o.finalize = true; break;
        case OPT_OVER: o.over_budget_reason = optarg; break;
        case OPT_SUPERSEDE: o.supersede = true; break;
        case OPT_REASON: o.reason = optarg; break;
        case OPT_ACTOR: o.actor = optarg; break;
        case OPT_ISSUE: o.issue_date = optarg; break;
        default:
            if (!cli_common_opt(opt, &paths) && !cli_signer_opt(opt, &o.sg))
                return EXIT_USAGE;
        }
    }
    if (!cli_no_stray_arg("settle", argc, argv))
        return EXIT_USAGE;
    if (o.sg.id && (!o.finalize || o.actor)) {
        fprintf(stderr, "kasan settle: %s\n", o.actor ? "--actor is not used with --operator"
                        : "--operator signs a finalization: use it with --finalize");
        return EXIT_USAGE;
    }
    if (!fy) {
        fprintf(stderr, "kasan settle: --fy YYYY is required\n");
        return EXIT_USAGE;
    }
    if (!cli_parse_fy("settle", fy, &o.fy))
        return EXIT_USAGE;
    if ((o.supersede || o.over_budget_reason) && !o.finalize) {
        fprintf(stderr, "kasan settle: --supersede and --over-budget-reason go with --finalize\n");
        return EXIT_USAGE;
    }
    if (o.supersede != (o.reason != NULL)) {
        fprintf(stderr, "kasan settle: --supersede needs --reason TEXT (and --reason needs "
                        "--supersede)\n");
        return EXIT_USAGE;
    }
    date_t d;
    if (o.issue_date && !date_parse_iso(o.issue_date, strlen(o.issue_date), &d)) {
        fprintf(stderr, "kasan settle: --issue-date takes YYYY-MM-DD\n");
        return EXIT_USAGE;
    }
    return settle(&paths, &o);
}

/* ---- kasan explain --settlement ----------------------------------------- */

static void explain_months(const settle_row *r)
{
    const program *rule = r->rule;
    const rule_value *read[16];
    size_t n = 0;
    for (size_t i = 0; i < rule->n_values && n < 16; i++) {
        const rule_value *rv = &rule->values[i];
        if (rv->kind == RV_FORMULA && rv->scope == SCOPE_NURSERY && settle_reads(rule, rv->name))
            read[n++] = rv;
    }
    printf("  months (finalized, current runs):\n");
    for (size_t m = 0; m < r->n_months; m++) {
        char mon[8], paid[FLOW_YEN_LEN];
        month_format(r->month[m], mon);
        printf("    %s  rule %-8s paid %12s yen", mon, r->month_version[m],
               flow_yen(r->month_paid[m], false, paid));
        for (size_t k = 0; k < n; k++) {
            char buf[64];
            size_t at = m * (size_t)rule->n_slots[SCOPE_NURSERY] + (size_t)read[k]->slot;
            value_format(read[k]->type, r->month_vals[at], NULL, buf, sizeof buf);
            printf("  %s %s%s", read[k]->name, buf, read[k]->type == VT_YEN ? " yen" : "");
        }
        printf("\n");
    }
}

static void explain_row(const settle_row *r)
{
    const program *sp = r->rule->settlement;
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN];
    printf("\n%s %s — settlement of version %s, in force on 31 March\n", sp->id, sp->title,
           sp->version);
    printf("  basis: %s\n", sp->basis);
    explain_months(r);
    printf("  actuals report (実績報告) line %d: reported_salary_cost = %s yen, "
           "reported_other_income = %s yen\n", r->actual->line,
           flow_yen(r->actual->salary_cost, false, b1), flow_yen(r->actual->other_income, false, b2));
    printf("  for the year:\n");
    for (size_t k = 0; k < sp->n_order; k++) {
        const rule_value *rv = &sp->values[sp->order[k]];
        char buf[64];
        value_format(rv->type, r->values[rv->slot], NULL, buf, sizeof buf);
        printf("    %s%s%s = %s%s\n        = %s\n", rv->name, rv->label ? " " : "",
               rv->label ? rv->label : "", buf, rv->type == VT_YEN ? " yen" : "", rv->formula);
    }
    if (r->settled_before)
        printf("  decided by the finalized settlement(s): %s %s yen (counted as paid)\n",
               r->settled_before > 0 ? "追加交付" : "返還",
               flow_yen(r->settled_before > 0 ? r->settled_before : -r->settled_before, false,
                       b1));
    printf("  ⇒ annual %s yen, paid %s yen: ", flow_yen(r->annual, false, b1),
           flow_yen(r->paid, false, b2));
    if (r->difference > 0)
        printf("追加交付 %s yen\n", flow_yen(r->difference, false, b1));
    else if (r->difference < 0)
        printf("返還 %s yen, due %d days after the notice (repayment_due_days)\n",
               flow_yen(-r->difference, false, b1), r->rule->repayment_due_days);
    else
        printf("no difference\n");
}

int cli_explain_settlement(const cli_paths *paths, int fy, const char *nursery_id)
{
    flow_settle_req rq = {.paths = *paths, .fiscal_year = fy};
    flow_settle_res res;
    int rc = flow_settle_explain(&rq, &res);
    cli_print_notes("kasan explain", &res.notes);
    size_t shown = 0;
    const settlement *st = &res.st;
    if (rc == EXIT_OK) {
        printf("settlement FY%d (精算) for nursery %s\n", fy, nursery_id);
        if (res.final_seq)
            printf("  FY%d's settlement is finalized (event %lld): paid below counts what it "
                   "decided, so the difference is what a correction (--supersede) would "
                   "add\n", fy, (long long)res.final_seq);
        print_missing(st);
        print_warnings(st, nursery_id);
        for (size_t i = 0; i < st->n_rows; i++)
            if (!strcmp(st->rows[i].nursery_id, nursery_id)) {
                if (!shown)
                    printf("  %s\n", st->rows[i].nursery_name);
                explain_row(&st->rows[i]);
                shown++;
            }
        if (!shown)
            printf("  %s was not paid under a settled program in FY%d: nothing to settle\n",
                   nursery_id, fy);
    }
    flow_settle_free(&res);
    return rc;
}
