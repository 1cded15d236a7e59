/* approve: `kasan approve` — the approval (決裁) of a finalized month,
 * correction or settlement by an operator with the approve role: what is
 * approved is shown first (flow_approve_summary: totals, the budget
 * position, a correction's differences, who drafted it), then the
 * passphrase is asked, then the approval is recorded (flow_approve) and
 * payments.xlsx's approval block filled; or of a grant decision, a
 * 変更交付決定 or an amendment of the budget line (flow_approve_grant).
 * Options and printing only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/flow_sign.h"

#define WHO "kasan approve"

static void usage(FILE *f)
{
    fputs("usage: kasan approve --month YYYY-MM | --settlement YYYY --operator ID [options]\n"
          "       kasan approve --decision YYYY [--nursery ID] --operator ID [options]\n"
          "       kasan approve --budget-amend YYYY --event SEQ --operator ID [options]\n"
          "Approves (決裁) the month's finalized run (or correction), or the fiscal year's\n"
          "finalized settlement: shows what is approved — totals, the budget position, a\n"
          "correction's differences, who drafted it — then asks for your passphrase and\n"
          "records the approval, signed, in the ledger (OUT/ledger.sqlite); a month's\n"
          "payments.xlsx gets its approval block (起案 / 決裁 / 振込).  The drafter of a run\n"
          "never approves it; a transfer file is made only after the approval.\n"
          "--decision approves the fiscal year's grant decision (交付決定), with --nursery\n"
          "that nursery's latest 変更交付決定; --budget-amend an amendment of the line\n"
          "(補正・流用・充用, its event as `kasan budget` lists it).  Once an operators file is\n"
          "in force these commit nothing until approved.\n"
          CLI_SIGNER_HELP
          "  --out DIR              the ledger and outputs (default out/)\n"
          "  --rules DIR            the operators file in force (default rules/)\n"
          "exit 0 approved, 1 usage (nothing finalized, no operators file), 2 wrong\n"
          "passphrase or not a key file, 3 refused (your own draft, already approved, a role\n"
          "you lack, a key that is not yours, a revoked operator, a key file others can\n"
          "read), 5 error\n",
          f);
}

static void print_step(const char *what, const report_signoff *s, const ledger_signoff *l)
{
    if (!l->seq)
        return;
    if (!l->operator_id) {
        printf("  %s: event %lld at %s (unsigned)\n", what, (long long)l->seq, l->time);
        return;
    }
    printf("  %s: %s %s (%s) at %s, key %s (event %lld)\n", what, l->operator_id,
           s && s->name ? s->name : "", s && s->post ? s->post : "", l->time, l->key,
           (long long)l->seq);
}

static void print_month(const flow_approve_res *r)
{
    char y[FLOW_YEN_LEN], y2[FLOW_YEN_LEN], y3[FLOW_YEN_LEN];
    for (size_t i = 0; i < r->run.n_programs; i++)
        printf("  %-26s %14s yen\n", r->run.programs[i].program,
               flow_yen(r->run.programs[i].amount_yen, false, y));
    printf("  %-26s %14s yen  (%zu payment rows, payments digest %s)\n", "month total",
           flow_yen(r->run.total_yen, false, y), r->run.n_payments, r->subject.digest);
    if (r->is_correction) {
        printf("  a correction (修正) of run %s: %s\n", r->run.supersedes,
               r->run.supersede_reason ? r->run.supersede_reason : "");
        printf("  %zu nursery-program rows changed: 追給 %s yen, 返還 %s yen, net %s yen\n",
               r->n_corrections, flow_yen(r->raised_yen, false, y),
               flow_yen(r->lowered_yen, false, y2),
               flow_yen(r->raised_yen - r->lowered_yen, true, y3));
        for (size_t i = 0; i < r->n_corrections; i++) {
            const ledger_correction *c = &r->corrections[i];
            printf("    %-8s %-20s %12s → %12s  (%s)\n", c->nursery_id, c->program,
                   flow_yen(c->paid_yen, false, y), flow_yen(c->corrected_yen, false, y2),
                   flow_yen(c->difference_yen, true, y3));
        }
    }
}

static void print_settlement(const flow_approve_res *r)
{
    char y[FLOW_YEN_LEN], y2[FLOW_YEN_LEN];
    const ledger_settlement *s = &r->settlement;
    printf("  %zu rows over %zu months: 追加交付 %s yen, 返還 %s yen (digest %s)\n", s->n_rows,
           s->n_months, flow_yen(s->additional_yen, false, y),
           flow_yen(s->repayment_yen, false, y2), r->subject.digest);
    if (!r->is_correction)
        return;
    printf("  a correction (修正) of the settlement of event %lld: %s\n",
           (long long)s->supersedes_seq, s->supersede_reason ? s->supersede_reason : "");
    /* its differences: each row whose annual amount changed (or is new),
     * with what the settlement it supersedes had decided and what this one
     * decides on top of it (+ 追加交付, − 返還) */
    char y3[FLOW_YEN_LEN], y4[FLOW_YEN_LEN];
    size_t changed = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        const ledger_settle_row *w = &s->rows[i];
        if (w->corrected && w->annual_yen == w->superseded_annual_yen && !w->difference_yen)
            continue;
        changed++;
        if (w->corrected)
            printf("    %-8s %-20s annual %12s → %12s, decided before %s, now %s yen\n",
                   w->nursery_id, w->program, flow_yen(w->superseded_annual_yen, false, y),
                   flow_yen(w->annual_yen, false, y2),
                   flow_yen(w->settled_before_yen, true, y3),
                   flow_yen(w->difference_yen, true, y4));
        else
            printf("    %-8s %-20s annual %12s (new), now %s yen\n", w->nursery_id, w->program,
                   flow_yen(w->annual_yen, false, y), flow_yen(w->difference_yen, true, y4));
    }
    if (!changed)
        printf("    no row changed\n");
}

static void print_summary(const flow_approve_res *r)
{
    const report_approval *b = r->block;
    printf("kasan approve %s  決裁 of %s %s (%s, event %lld)\n", r->label,
           r->subject.month ? "run" : "settlement", r->subject.run_id, r->subject.drafted_action,
           (long long)r->subject.drafted_seq);
    print_step("drafted (起案)", b ? &b->drafted : NULL, &r->signoffs.drafted);
    print_step("approved (決裁)", b ? &b->approved : NULL, &r->signoffs.approved);
    print_step("paid (振込)", b ? &b->paid : NULL, &r->signoffs.paid);
    if (r->subject.month)
        print_month(r);
    else
        print_settlement(r);
    char y[FLOW_YEN_LEN], y2[FLOW_YEN_LEN], y3[FLOW_YEN_LEN];
    if (r->line_id)
        printf("  budget FY%d %s %s yen: paid so far %s (this included), remaining %s\n",
               r->fiscal_year, r->line_id, flow_yen(r->line_yen, false, y),
               flow_yen(r->paid_yen, false, y2), flow_yen(r->remaining_yen, false, y3));
    else
        printf("  budget FY%d: no budget line recorded; paid so far %s yen\n", r->fiscal_year,
               flow_yen(r->paid_yen, false, y));
    if (r->over_budget_reason)
        printf("  finalized over the budget line on the reason: %s\n", r->over_budget_reason);
    fflush(stdout);
}

/* `--decision FY [--nursery ID]`, `--budget-amend FY --event SEQ`. */
static int approve_grant(cli_paths paths, cli_signer *sg, const char *decision_fy,
                         const char *budget_fy, const char *nursery_id, const char *event)
{
    flow_approve_grant_req rq = {.paths = paths, .nursery_id = nursery_id};
    char *end = NULL;
    if (budget_fy && (!event || (rq.budget_event_seq = strtoll(event, &end, 10)) <= 0 || *end)) {
        fprintf(stderr, WHO ": --budget-amend YYYY needs --event SEQ (the amendment's event, "
                        "as kasan budget lists it)\n");
        return EXIT_USAGE;
    }
    if ((nursery_id && !decision_fy) || (event && !budget_fy)) {
        fprintf(stderr, WHO ": --nursery goes with --decision, --event with --budget-amend\n");
        return EXIT_USAGE;
    }
    if (!cli_parse_fy("approve", decision_fy ? decision_fy : budget_fy, &rq.fiscal_year))
        return EXIT_USAGE;
    char what[96];
    if (budget_fy)
        snprintf(what, sizeof what, "the approval of FY%d's budget amendment (event %s)",
                 rq.fiscal_year, event);
    else if (nursery_id)
        snprintf(what, sizeof what, "the approval of %s's 変更交付決定 (FY%d)", nursery_id,
                 rq.fiscal_year);
    else
        snprintf(what, sizeof what, "the approval of FY%d's grant decision", rq.fiscal_year);
    int rc = cli_signer_load(WHO, sg, what, &rq.actor);
    if (rc != EXIT_OK)
        return rc;
    flow_approve_grant_res res;
    rc = flow_approve_grant(&rq, &res);
    cli_print_notes(WHO, &res.notes);
    if (rc == EXIT_OK) {
        const ledger_pending *p = &res.approved;
        printf("kasan approve FY%d: event %lld (%s%s%s, drafted by %s) approved (決裁) by %s: "
               "event %lld\n", rq.fiscal_year, (long long)p->seq, p->action,
               p->nursery_id ? " of " : "", p->nursery_id ? p->nursery_id : "", p->actor,
               rq.actor.operator_id, (long long)res.event_seq);
        printf("  it counts from now on: kasan budget --fy %d\n", rq.fiscal_year);
        printf("  anchor to keep: %lld:%s\n", (long long)res.event_seq, res.event_hash);
    }
    flow_approve_grant_free(&res);
    return rc;
}

int cmd_approve(int argc, char **argv)
{
    enum { OPT_SETTLE = OPT_FIRST_OWN, OPT_DECISION, OPT_NURSERY, OPT_BUDGET, OPT_EVENT };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, CLI_SIGNER_OPTIONS, {"month", required_argument, 0, OPT_MONTH},
        {"settlement", required_argument, 0, OPT_SETTLE},
        {"decision", required_argument, 0, OPT_DECISION},
        {"nursery", required_argument, 0, OPT_NURSERY},
        {"budget-amend", required_argument, 0, OPT_BUDGET},
        {"event", required_argument, 0, OPT_EVENT}, {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    cli_signer sg = {0};
    const char *month = NULL, *settle_fy = NULL, *decision_fy = NULL, *nursery_id = NULL,
               *budget_fy = NULL, *event = NULL;
    if (!cli_no_passphrase_argument(WHO, argc, argv))
        return EXIT_USAGE;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP: usage(stdout); return EXIT_OK;
        case OPT_MONTH: month = optarg; break;
        case OPT_SETTLE: settle_fy = optarg; break;
        case OPT_DECISION: decision_fy = optarg; break;
        case OPT_NURSERY: nursery_id = optarg; break;
        case OPT_BUDGET: budget_fy = optarg; break;
        case OPT_EVENT: event = optarg; break;
        default:
            if (!cli_common_opt(opt, &paths) && !cli_signer_opt(opt, &sg)) {
                usage(stderr);
                return EXIT_USAGE;
            }
        }
    }
    int subjects = !!month + !!settle_fy + !!decision_fy + !!budget_fy;
    if (cli_no_stray_arg("approve", argc, argv) && subjects == 1 && (decision_fy || budget_fy)) {
        int rc = approve_grant(paths, &sg, decision_fy, budget_fy, nursery_id, event);
        cli_signer_release(&sg);
        return rc;
    }
    if (!cli_no_stray_arg("approve", argc, argv) || subjects != 1 || nursery_id || event) {
        if (subjects != 1 || nursery_id || event)
            fprintf(stderr, WHO ": give one of --month YYYY-MM, --settlement YYYY, --decision "
                            "YYYY [--nursery ID] or --budget-amend YYYY --event SEQ\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    flow_approve_req rq = {.paths = paths};
    if (month ? !cli_parse_month(month, &rq.month)
              : !cli_parse_fy("approve", settle_fy, &rq.settlement_fy))
        return EXIT_USAGE;
    flow_approve_res sum;
    int rc = flow_approve_summary(&rq, &sum);
    cli_print_notes(WHO, &sum.notes);
    if (rc == EXIT_OK)
        print_summary(&sum); /* what is signed, before the passphrase */
    if (rc == EXIT_OK) {
        rq.run_id = sum.subject.run_id;
        rq.digest = sum.subject.digest;
        rq.drafted_seq = sum.subject.drafted_seq;
        char what[96];
        snprintf(what, sizeof what, "the approval of %s", sum.label);
        rc = cli_signer_load(WHO, &sg, what, &rq.actor);
    }
    if (rc == EXIT_OK) {
        flow_approve_res res;
        rc = flow_approve(&rq, &res);
        cli_print_notes(WHO, &res.notes);
        if (rc == EXIT_OK) {
            printf("  approved (決裁) by %s: event %lld\n", rq.actor.operator_id,
                   (long long)res.event_seq);
            printf("  anchor to keep: %lld:%s\n", (long long)res.event_seq, res.event_hash);
            if (res.workbook)
                printf("  approval block written to %s\n", res.workbook);
            if (sum.subject.month)
                printf("  next: the transfer file, by an operator with the pay role who neither "
                       "drafted nor approved it: kasan transfer --month %s --date YYYY-MM-DD "
                       "--operator ID\n", sum.subject.month);
            else
                printf("  next: kasan transfer --settlement %d --date YYYY-MM-DD --operator ID "
                       "(someone else, with the pay role)\n", sum.subject.fiscal_year);
        }
        flow_approve_free(&res);
    }
    cli_signer_release(&sg);
    flow_approve_free(&sum);
    return rc;
}
