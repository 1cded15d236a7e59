/* budget: `kasan budget` — budget execution of a fiscal year from the
 * ledger's finalized months: per month each program, the total, the
 * cumulative paid, what remains of the line and the forecast (SPEC 1.4),
 * and a finalized settlement's 追加交付 (paid against the line) and 返還
 * (reported, not netted: SPEC 6.2) below the months. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/ledger.h"
#include "kasan/ledger_settle.h"
#include "kasan/report.h"

enum { OPT_FY = OPT_FIRST_OWN };

static size_t program_columns(const ledger_month_sum *ms, size_t n, const char **ids, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < ms[i].n_programs; j++) {
            bool seen = false;
            for (size_t x = 0; x < k; x++)
                seen |= !strcmp(ids[x], ms[i].programs[j].program);
            if (!seen && k < max)
                ids[k++] = ms[i].programs[j].program;
        }
    return k;
}

/* The ledger's months of FY fy in a budget view, program amounts by ids[]. */
static void place_months(budget_view *bv, const ledger_month_sum *ms, size_t n, const char **ids,
                         size_t np)
{
    for (size_t k = 0; k < n; k++) {
        claim_month cm;
        if (!month_parse(ms[k].month, &cm))
            continue;
        int64_t amount[BUDGET_MAX_PROGRAMS] = {0};
        for (size_t p = 0; p < np; p++)
            for (size_t j = 0; j < ms[k].n_programs; j++)
                if (!strcmp(ms[k].programs[j].program, ids[p]))
                    amount[p] = ms[k].programs[j].amount_yen;
        budget_view_place(bv, cm, false, ms[k].total_yen, amount, np);
    }
}

/* The settlement's line below the months; its 追加交付 joins the paid total. */
static void print_settlement(const ledger_settlement *st, int64_t *paid)
{
    char b1[CLI_YEN_LEN], b2[CLI_YEN_LEN];
    int64_t repay = 0; /* the year's 返還 as decided now (a correction's rows count
                        * what the settlements before them decided) */
    for (size_t i = 0; i < st->n_rows; i++) {
        int64_t d;
        if (budget_settle_decided(st->rows[i].settled_before_yen, st->rows[i].difference_yen,
                                  &d) &&
            d < 0 && __builtin_sub_overflow(repay, d, &repay))
            repay = INT64_MAX;
    }
    printf("settlement (精算, event %lld): 追加交付 %s yen paid against the line; 返還 %s yen "
           "(reported, not netted)\n", (long long)st->event_seq,
           cli_yen(st->fy_additional_yen, false, b1), cli_yen(repay, false, b2));
    if (st->supersedes_seq) /* a correction: its own increments, over what was decided */
        printf("  corrected (修正): this correction adds 追加交付 %s yen and 返還 %s yen to "
               "the settlement it supersedes\n", cli_yen(st->additional_yen, false, b1),
               cli_yen(st->repayment_yen, false, b2));
    if (__builtin_add_overflow(*paid, st->fy_additional_yen, paid))
        *paid = INT64_MAX;
}

static void print_table(int fy, const budget_line *bl, const char *rules_dir,
                        const ledger_month_sum *ms, size_t n, const ledger_settlement *st)
{
    const char *ids[ENGINE_MAX_PROGRAMS];
    size_t np = program_columns(ms, n, ids, ENGINE_MAX_PROGRAMS);
    budget_view bv;
    budget_view_init(&bv, fy, bl ? bl->line_id : NULL, bl ? bl->amount : 0);
    place_months(&bv, ms, n, ids, np);
    bv.settled_additional = st ? st->fy_additional_yen : 0;
    int64_t line = bv.line_amount;
    budget_row br = {0, line, 0};
    char b[CLI_YEN_LEN];
    printf("budget execution FY%d", fy);
    if (bl)
        printf(" — line %s: %s yen", bl->line_id, cli_yen(line, false, b));
    else /* without a line "remaining" would read as line 0 */
        printf(" — no budget line for FY%d under %s: remaining not shown (--rules DIR)", fy,
               rules_dir);
    printf("\n%-8s", "month");
    for (size_t p = 0; p < np; p++)
        printf(" %16.16s", ids[p]);
    printf(" %12s %12s %12s %12s\n", "total", "cumulative", "remaining", "forecast");
    for (int i = 0; i < 12; i++) {
        const budget_month *bm = &bv.months[i];
        char mon[8];
        month_format(bm->month, mon);
        printf("%-8s", mon);
        if (!bm->present) {
            printf("  (not finalized)\n");
            continue;
        }
        for (size_t p = 0; p < np; p++)
            printf(" %16s", cli_yen(bm->program_amount[p], false, b));
        if (!budget_row_at(&bv, i, &br)) {
            printf("  (amounts do not fit in 64-bit yen)\n");
            return;
        }
        char c1[CLI_YEN_LEN], c2[CLI_YEN_LEN], c3[CLI_YEN_LEN];
        printf(" %12s %12s %12s %12s%s\n", cli_yen(bm->total, false, b),
               cli_yen(br.cumulative, false, c1), bl ? cli_yen(br.remaining, false, c2) : "-",
               cli_yen(br.forecast, false, c3), bl && br.forecast > line ? "  over the line" : "");
    }
    int64_t paid = br.cumulative;
    if (st)
        print_settlement(st, &paid);
    printf("paid in FY%d: %s yen", fy, cli_yen(paid, false, b));
    if (bl)
        printf(", remaining %s yen%s", cli_yen(line - paid, false, b),
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
                   "Budget execution of the fiscal year from DIR/ledger.sqlite: per month each\n"
                   "program, total, cumulative, remaining and forecast; below the months a\n"
                   "finalized settlement's 追加交付 (counted as paid) and 返還 (not netted).\n"
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
    arena a = ARENA_INIT;
    ledger *lg = NULL;
    char *lpath = cli_ledger_path(&paths, &a);
    int rc = cli_open_ledger("budget", lpath, &lg);
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    diag_list d = DIAG_LIST_INIT;
    bool have_rules = rc == EXIT_OK && rules_load_dir(paths.rules, &rs, &d) == 0;
    if (rc == EXIT_OK && !have_rules)
        fprintf(stderr, "kasan budget: the rules under %s do not load (%zu problem%s; kasan "
                        "check --rules %s): the budget line is not known\n", paths.rules,
                diag_count(&d), diag_count(&d) == 1 ? "" : "s", paths.rules);
    diag_release(&d);
    ledger_month_sum *ms = NULL;
    size_t n = 0;
    if (rc == EXIT_OK) {
        if (!fy) {
            /* default: the fiscal year of the latest finalized month, else 2025 */
            fy = 2025;
            for (int y = 2100; y >= 2000 && fy == 2025; y--)
                if (ledger_fy_months(lg, y, &a, &ms, &n) == LEDGER_OK && n)
                    fy = y;
        }
        if (ledger_fy_months(lg, fy, &a, &ms, &n) != LEDGER_OK) {
            fprintf(stderr, "kasan budget: %s\n", ledger_errmsg(lg));
            rc = EXIT_INTERNAL;
        } else {
            ledger_settlement st;
            int ss = ledger_settle_current(lg, fy, &a, &st);
            if (ss != LEDGER_OK && ss != LEDGER_NOT_FOUND) {
                fprintf(stderr, "kasan budget: %s\n", ledger_errmsg(lg));
                rc = EXIT_INTERNAL;
            } else {
                print_table(fy, have_rules ? rules_budget_for_fy(&rs, fy) : NULL, paths.rules,
                            ms, n, ss == LEDGER_OK ? &st : NULL);
            }
        }
    }
    rules_free(&rs);
    ledger_close(lg);
    arena_release(&a);
    return rc;
}
