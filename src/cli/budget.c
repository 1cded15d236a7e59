/* budget: `kasan budget` — prints the budget execution of a fiscal year
 * (flow_budget: the ledger's finalized months): per month each program, the
 * total, the cumulative paid, what remains of the line and the forecast
 * (SPEC 1.4), and a finalized settlement's 追加交付 (paid against the line)
 * and 返還 (reported, not netted: SPEC 6.2) below the months. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

enum { OPT_FY = OPT_FIRST_OWN };

/* The settlement's line below the months (its 追加交付 is in res->paid_yen). */
static void print_settlement(const flow_budget_res *res)
{
    const ledger_settlement *st = &res->settlement;
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN];
    printf("settlement (精算, event %lld): 追加交付 %s yen paid against the line; 返還 %s yen "
           "(reported, not netted)\n", (long long)st->event_seq,
           flow_yen(st->fy_additional_yen, false, b1), flow_yen(res->settled_repayment_yen, false, b2));
    if (st->supersedes_seq) /* a correction: its own increments, over what was decided */
        printf("  corrected (修正): this correction adds 追加交付 %s yen and 返還 %s yen to "
               "the settlement it supersedes\n", flow_yen(st->additional_yen, false, b1),
               flow_yen(st->repayment_yen, false, b2));
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
        printf(" %12s %12s %12s %12s%s\n", flow_yen(bm->total, false, b),
               flow_yen(br.cumulative, false, c1), bl ? flow_yen(br.remaining, false, c2) : "-",
               flow_yen(br.forecast, false, c3), bl && br.forecast > line ? "  over the line" : "");
    }
    if (res->settled)
        print_settlement(res);
    int64_t paid = res->paid_yen;
    printf("paid in FY%d: %s yen", fy, flow_yen(paid, false, b));
    if (bl)
        printf(", remaining %s yen%s", flow_yen(line - paid, false, b),
               paid > line ? " (OVER the budget line)" : "");
    printf("\n");
}

int cmd_budget(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"fy", required_argument, 0, OPT_FY},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    int fy = 0, opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan budget [--fy YYYY] [--out DIR] [--rules DIR]\n"
                   "Budget execution of the fiscal year from DIR/ledger.sqlite (default: the\n"
                   "latest with a finalized month): per month each program, total,\n"
                   "cumulative, remaining and forecast; below the months a finalized\n"
                   "settlement's 追加交付 (counted as paid) and 返還 (not netted).\n"
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
