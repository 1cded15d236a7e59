/* budget: `kasan budget` — prints the budget execution of a fiscal year
 * (flow_budget: the ledger's finalized months): per month each program, the
 * total, the cumulative paid, what remains of the line (予算現額) and the
 * forecast (SPEC 1.4), a finalized settlement's 追加交付 (paid against the
 * line, or a later one's after the closing) and 返還 below the months, the
 * year's accounts around its closing (過年度支出, 戻入, 雑入), and the
 * line as the ward keeps it (当初予算, amendments, 予算現額, 負担行為額,
 * 支出済額, 未払, 執行残; issue 24).  `kasan budget amend` records a 補正,
 * 流用 or 予備費充用 (flow_budget_amend). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/ledger_decide.h"
#include "kasan/ledger_sign.h"

enum { OPT_FY = OPT_FIRST_OWN };

/* The settlement's line below the months (its 追加交付 is in res->paid_yen). */
static void print_settlement(const flow_budget_res *res)
{
    const ledger_settlement *st = &res->settlement;
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN];
    const flow_budget_closing *c = &res->closing;
    printf("settlement (精算, event %lld): 追加交付 %s yen", (long long)st->event_seq,
           flow_yen(st->fy_additional_yen, false, b1));
    if (c->charged_out_yen)
        printf(" (%s yen of it paid from later years' lines: 過年度支出)",
               flow_yen(c->charged_out_yen, false, b2));
    printf("; 返還 %s yen\n", flow_yen(res->settled_repayment_yen, false, b2));
    if (st->supersedes_seq) /* a correction: its own increments, over what was decided */
        printf("  corrected (修正): this correction adds 追加交付 %s yen and 返還 %s yen to "
               "the settlement it supersedes\n", flow_yen(st->additional_yen, false, b1),
               flow_yen(st->repayment_yen, false, b2));
}

/* The year's accounts around its closing (出納閉鎖, §12.6): what moved
 * between years, and how the 返還 count. */
static void print_closing(const flow_budget_res *res)
{
    const flow_budget_closing *c = &res->closing;
    char d[11], b[FLOW_YEN_LEN], b2[FLOW_YEN_LEN];
    date_format_iso(c->accounts_close, d);
    printf("accounts of FY%d: 出納閉鎖 %s%s\n", res->fiscal_year, d,
           c->closed ? " (closed)" : " (open)");
    if (c->charged_out_yen)
        printf("  追加交付 paid from later years' lines (過年度支出 there) %14s yen\n",
               flow_yen(c->charged_out_yen, false, b));
    if (c->prior_year_in_yen)
        printf("  earlier years' 追加交付 paid from this line (過年度支出) %14s yen\n",
               flow_yen(c->prior_year_in_yen, false, b));
    if (c->returned_yen)
        printf("  戻入: 返還 decided by the closing, off 支出済額    %14s yen\n",
               flow_yen(c->returned_yen, false, b));
    if (c->revenue_out_yen)
        printf("  返還 decided after the closing (雑入 of a later year) %14s yen\n",
               flow_yen(c->revenue_out_yen, false, b));
    if (c->revenue_in_yen)
        printf("  雑入: earlier years' 返還 due this year            %14s yen, received %s yen\n",
               flow_yen(c->revenue_in_yen, false, b), flow_yen(c->revenue_in_received_yen, false, b2));
}

/* The five figures of the ward's financial accounting system (§12.5). */
static void print_ward(const flow_budget_res *res)
{
    const budget_ward *w = &res->ward;
    char b[FLOW_YEN_LEN], b2[FLOW_YEN_LEN];
    printf("the line as the ward keeps it (%s):\n", res->line->line_id);
    printf("  当初予算   %16s yen\n", flow_yen(w->initial, false, b));
    for (size_t i = 0; i < res->n_amendments; i++) {
        const ledger_budget_amendment *am = &res->amendments[i];
        printf("  %-10s %16s yen  %s, event %lld: %s\n", am->kind,
               flow_yen(am->amount_yen, true, b), am->date, (long long)am->seq, am->reason);
    }
    printf("  予算現額   %16s yen\n", flow_yen(w->current, false, b));
    printf("  負担行為額 %16s yen  %s\n", flow_yen(w->committed, false, b),
           res->decided ? "(the grant decisions in force)" : "(no grant decision recorded)");
    printf("  支出済額   %16s yen", flow_yen(w->spent, false, b));
    if (w->returned)
        printf("  (支出 %s − 戻入 %s)", flow_yen(w->paid, false, b),
               flow_yen(w->returned, false, b2));
    printf("\n");
    printf("  未払       %16s yen  (負担行為額 − 支出済額)%s\n", flow_yen(w->unpaid, false, b),
           w->unpaid < 0 ? "  paid beyond the decisions" : "");
    printf("  執行残     %16s yen  (予算現額 − 負担行為額)%s\n",
           flow_yen(w->unexecuted, false, b2), w->unexecuted < 0 ? "  OVER the 予算現額" : "");
    if (res->n_pending)
        printf("awaiting approval (未決裁; not counted above until approved):\n");
    for (size_t i = 0; i < res->n_pending; i++) {
        const ledger_pending *p = &res->pending[i];
        printf("  event %lld  ", (long long)p->seq);
        if (!strcmp(p->action, "budget_amend"))
            printf("budget amendment %s yen, drafted by %s  (kasan approve --budget-amend %d "
                   "--event %lld)\n", flow_yen(p->amount_yen, true, b), p->actor,
                   res->fiscal_year, (long long)p->seq);
        else if (p->nursery_id)
            printf("変更交付決定 of %s, drafted by %s  (kasan approve --decision %d --nursery %s)\n",
                   p->nursery_id, p->actor, res->fiscal_year, p->nursery_id);
        else
            printf("grant decision (交付決定), drafted by %s  (kasan approve --decision %d)\n",
                   p->actor, res->fiscal_year);
    }
}

static void print_table(const flow_budget_res *res, const char *rules_dir)
{
    int fy = res->fiscal_year;
    const budget_line *bl = res->line;
    const budget_view *bv = &res->year.view;
    size_t np = res->year.n_programs;
    int64_t line = bv->line_amount;
    budget_row br = {0, line, 0};
    char b[FLOW_YEN_LEN];
    printf("budget execution FY%d", fy);
    if (bl)
        printf(" — line %s: %s yen", bl->line_id, flow_yen(line, false, b));
    else /* without a line "remaining" would read as line 0 */
        printf(" — no budget line for FY%d under %s: remaining not shown (--rules DIR)", fy,
               rules_dir);
    printf("\n%-8s", "month");
    for (size_t p = 0; p < np; p++)
        printf(" %16.16s", res->year.programs[p]);
    printf(" %12s %12s %12s %12s\n", "total", "cumulative", "remaining", "forecast");
    for (int i = 0; i < 12; i++) {
        const budget_month *bm = &bv->months[i];
        char mon[8];
        month_format(bm->month, mon);
        printf("%-8s", mon);
        if (!bm->present) {
            printf("  (not finalized)\n");
            continue;
        }
        for (size_t p = 0; p < np; p++)
            printf(" %16s", flow_yen(bm->program_amount[p], false, b));
        if (!budget_row_at(bv, i, &br)) {
            printf("  (amounts do not fit in 64-bit yen)\n");
            return;
        }
        char c1[FLOW_YEN_LEN], c2[FLOW_YEN_LEN], c3[FLOW_YEN_LEN];
        /* a month is over the line by what was paid up to it, never by the
         * forecast (docs/spec/12 §12.5): the forecast is judged below */
        printf(" %12s %12s %12s %12s%s\n", flow_yen(bm->total, false, b),
               flow_yen(br.cumulative, false, c1), bl ? flow_yen(br.remaining, false, c2) : "-",
               flow_yen(br.forecast, false, c3), bl && br.cumulative > line ? "  over the line" : "");
    }
    char f1[FLOW_YEN_LEN], f2[FLOW_YEN_LEN];
    if (bl && br.forecast > line)
        printf("forecast: the year-end forecast %s yen is over the 予算現額 %s yen\n",
               flow_yen(br.forecast, false, f1), flow_yen(line, false, f2));
    if (res->settled)
        print_settlement(res);
    int64_t paid = res->paid_yen;
    printf("paid in FY%d: %s yen", fy, flow_yen(paid, false, b));
    if (bl)
        printf(", remaining %s yen%s", flow_yen(line - paid, false, b),
               paid > line ? " (OVER the budget line)" : "");
    printf("\n");
    if (res->has_ward) {
        print_closing(res);
        print_ward(res);
    }
}

enum { OPT_KIND = OPT_FIRST_OWN + 1, OPT_AMOUNT, OPT_REASON, OPT_DATE, OPT_ACTOR };

/* "+500000", "-80000", "500000": whole yen, a sign allowed. */
static bool parse_amount(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || (*s != '+' && *s != '-' && (*s < '0' || *s > '9')))
        return false;
    *out = v;
    return true;
}

static int cmd_budget_amend(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, CLI_SIGNER_OPTIONS,
                                         {"fy", required_argument, 0, OPT_FY},
                                         {"kind", required_argument, 0, OPT_KIND},
                                         {"amount", required_argument, 0, OPT_AMOUNT},
                                         {"reason", required_argument, 0, OPT_REASON},
                                         {"date", required_argument, 0, OPT_DATE},
                                         {"actor", required_argument, 0, OPT_ACTOR},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    cli_signer sg = {0};
    flow_budget_amend_req rq = {0};
    const char *fy = NULL, *amount = NULL, *actor = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP:
            printf("usage: kasan budget amend --fy YYYY --kind 補正|流用|充用 --amount ±N\n"
                   "                          --reason TEXT [--date YYYY-MM-DD]\n"
                   "                          [--actor NAME | --operator ID] [--out DIR] [--rules DIR]\n"
                   "Records an amendment of the fiscal year's budget line in the ledger: 補正\n"
                   "(補正予算, + or −), 流用 (+ in, − out), 充用 (予備費充用, + only).  The\n"
                   "予算現額 is the budget file's amount plus the amendments; months,\n"
                   "settlements and grant decisions are held to it.  Refused (exit 3, recorded)\n"
                   "when it would make the 予算現額 negative or lower than the decisions commit.\n"
                   CLI_SIGNER_HELP
                   "exit: 0 recorded, 1 usage, 2 invalid rules, 3 refused, 5 I/O error\n");
            return EXIT_OK;
        case OPT_FY: fy = optarg; break;
        case OPT_KIND: rq.kind = optarg; break;
        case OPT_AMOUNT: amount = optarg; break;
        case OPT_REASON: rq.reason = optarg; break;
        case OPT_DATE: rq.date = optarg; break;
        case OPT_ACTOR: actor = optarg; break;
        default:
            if (!cli_common_opt(opt, &paths) && !cli_signer_opt(opt, &sg))
                return EXIT_USAGE;
        }
    }
    if (!cli_no_stray_arg("budget amend", argc, argv) ||
        !cli_no_passphrase_argument("kasan budget amend", argc, argv))
        return EXIT_USAGE;
    const char *bad = !fy ? "--fy YYYY is required"
                      : !rq.kind ? "--kind 補正|流用|充用 is required"
                      : !amount ? "--amount ±N (whole yen) is required"
                      : !parse_amount(amount, &rq.amount_yen)
                          ? "--amount takes whole yen with an optional sign (+500000, -80000)"
                      : !rq.reason || !*rq.reason ? "--reason TEXT is required"
                      : sg.id && actor ? "--actor is not used with --operator"
                                       : NULL;
    if (bad) {
        fprintf(stderr, "kasan budget amend: %s\n", bad);
        return EXIT_USAGE;
    }
    if (!cli_parse_fy("budget amend", fy, &rq.fiscal_year))
        return EXIT_USAGE;
    rq.paths = paths;
    rq.actor = (flow_actor){.name = cli_actor(actor)};
    char what[64];
    snprintf(what, sizeof what, "the budget amendment of FY%d", rq.fiscal_year);
    int rc = cli_signer_load("kasan budget amend", &sg, what, &rq.actor);
    if (rc != EXIT_OK)
        return rc;
    flow_budget_amend_res res;
    rc = flow_budget_amend(&rq, &res);
    cli_print_notes("kasan budget amend", &res.notes);
    if (rc == EXIT_OK) {
        char b[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN];
        printf("kasan budget amend FY%d: %s %s yen recorded (event %lld)\n", rq.fiscal_year,
               rq.kind, flow_yen(rq.amount_yen, true, b), (long long)res.event_seq);
        printf("  予算現額 %s → %s yen; 負担行為額 %s yen\n",
               flow_yen(res.current_before_yen, false, b), flow_yen(res.current_after_yen, false, b2),
               flow_yen(res.committed_yen, false, b3));
        printf("  anchor to keep: %lld:%s\n", (long long)res.event_seq, res.event_hash);
    }
    flow_budget_amend_free(&res);
    cli_signer_release(&sg);
    return rc;
}

int cmd_budget(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "amend"))
        return cmd_budget_amend(argc - 1, argv + 1);
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"fy", required_argument, 0, OPT_FY},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    int fy = 0, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan budget [--fy YYYY] [--out DIR] [--rules DIR]\n"
                   "       kasan budget amend --fy YYYY --kind 補正|流用|充用 --amount ±N --reason T\n"
                   "Budget execution of the fiscal year from DIR/ledger.sqlite (default: the\n"
                   "latest with a finalized month): per month each program, total,\n"
                   "cumulative, remaining and forecast; below the months a finalized\n"
                   "settlement's 追加交付 (counted as paid) and 返還; the year's accounts\n"
                   "around its 出納閉鎖 (過年度支出 from or to other years' lines, 戻入,\n"
                   "雑入); then the line as the ward keeps it: 当初予算, each amendment,\n"
                   "予算現額, 負担行為額 (the grant decisions and 過年度支出), 支出済額\n"
                   "(支出 − 戻入), 未払 and 執行残.\n"
                   "exit: 0 shown, 1 usage or no ledger under --out yet, 5 I/O error\n");
            return EXIT_OK;
        }
        if (opt == OPT_FY) {
            if (!cli_parse_fy("budget", optarg, &fy))
                return EXIT_USAGE;
        } else if (!cli_common_opt(opt, &paths)) {
            return EXIT_USAGE;
        }
    }
    if (!cli_no_stray_arg("budget", argc, argv))
        return EXIT_USAGE;
    flow_budget_req rq = {paths, fy};
    flow_budget_res res;
    int rc = flow_budget(&rq, &res);
    cli_print_notes("kasan budget", &res.notes);
    if (rc == EXIT_OK)
        print_table(&res, paths.rules);
    flow_budget_free(&res);
    return rc;
}
