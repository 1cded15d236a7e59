/* kasan refund: 返還 receivables — the list (--list [--overdue]) and a
 * receipt (--received); parsing and printing only (src/flow/refund.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/flow_refund.h"

#define WHO "kasan refund"

enum { OPT_FY = OPT_FIRST_OWN, OPT_LIST, OPT_OVERDUE, OPT_RECEIVED, OPT_NURSERY, OPT_AMOUNT,
       OPT_DATE, OPT_ACTOR };

static void usage(void)
{
    printf("usage: kasan refund --list [--overdue] [--fy YYYY] [--out DIR]\n"
           "       kasan refund --received --nursery ID --amount N --date YYYY-MM-DD\n"
           "                    [--fy YYYY] [--actor NAME | --operator ID] [--out DIR] [--rules DIR]\n"
           "返還 receivables (調定) of a fiscal year's settlement and their receipts (収納).\n"
           "  --list       each 返還: nursery, program, amount, decided, due date (返還期限),\n"
           "               received, still open, 延滞 when open after its due date\n"
           "  --overdue    only those\n"
           "  --received   records a receipt of N yen from the nursery on the day given (an\n"
           "               event of the audit trail, in the pay role); partial receipts are\n"
           "               allowed; more than is open (過納), or a day before the settlement\n"
           "               decided the 返還, is refused (exit 2), nothing recorded\n"
           "  --fy YYYY    the fiscal year (default: the latest with a settlement)\n"
           CLI_SIGNER_HELP
           "exit: 0 ok, 1 usage or no settlement, 2 a receipt refused, 3 busy (run again),\n"
           "5 I/O error\n");
}

static bool whole_yen(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v <= 0 || *s < '0' || *s > '9')
        return false;
    *out = v;
    return true;
}

static void print_list(const flow_refund_res *res, bool overdue_only)
{
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN], d1[11], d2[11];
    printf("返還 receivables of FY%d (settlement %s)\n", res->fiscal_year, res->settle_id);
    printf("  %-8s %-18s %12s %10s %10s %12s %12s\n", "nursery", "program", "調定額", "調定日",
           "返還期限", "収納済額", "未収額");
    size_t shown = 0;
    for (size_t i = 0; i < res->n; i++) {
        const flow_receivable *r = &res->rows[i];
        if (overdue_only && !r->overdue)
            continue;
        date_format_iso(r->decided, d1);
        date_format_iso(r->due, d2);
        printf("  %-8s %-18s %12s %10s %10s %12s %12s%s\n", r->nursery_id, r->program,
               flow_yen(r->amount_yen, false, b1), d1, d2, flow_yen(r->received_yen, false, b2),
               flow_yen(r->open_yen, false, b3), r->overdue ? "  延滞" : "");
        shown++;
    }
    if (!shown)
        printf("  (%s)\n", overdue_only ? "nothing overdue" : "no 返還 was decided");
    printf("  total: 調定額 %s yen, 収納済額 %s yen, 未収額 %s yen\n",
           flow_yen(res->amount_yen, false, b1), flow_yen(res->received_yen, false, b2),
           flow_yen(res->open_yen, false, b3));
}

int cmd_refund(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS, CLI_SIGNER_OPTIONS,
                                         {"fy", required_argument, 0, OPT_FY},
                                         {"list", no_argument, 0, OPT_LIST},
                                         {"overdue", no_argument, 0, OPT_OVERDUE},
                                         {"received", no_argument, 0, OPT_RECEIVED},
                                         {"nursery", required_argument, 0, OPT_NURSERY},
                                         {"amount", required_argument, 0, OPT_AMOUNT},
                                         {"date", required_argument, 0, OPT_DATE},
                                         {"actor", required_argument, 0, OPT_ACTOR},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    cli_signer sg = {0};
    flow_refund_req rq = {0};
    const char *fy = NULL, *amount = NULL, *actor = NULL;
    bool list = false;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP: usage(); return EXIT_OK;
        case OPT_FY: fy = optarg; break;
        case OPT_LIST: list = true; break;
        case OPT_OVERDUE: rq.overdue_only = true; break;
        case OPT_RECEIVED: rq.receive = true; break;
        case OPT_NURSERY: rq.nursery_id = optarg; break;
        case OPT_AMOUNT: amount = optarg; break;
        case OPT_DATE: rq.date = optarg; break;
        case OPT_ACTOR: actor = optarg; break;
        default:
            if (!cli_common_opt(opt, &paths) && !cli_signer_opt(opt, &sg))
                return EXIT_USAGE;
        }
    }
    if (!cli_no_stray_arg("refund", argc, argv) ||
        !cli_no_passphrase_argument(WHO, argc, argv))
        return EXIT_USAGE;
    const char *bad = list == rq.receive ? "give --list or --received"
                      : rq.overdue_only && !list ? "--overdue goes with --list"
                      : rq.receive && !rq.nursery_id ? "--received needs --nursery ID"
                      : rq.receive && (!amount || !whole_yen(amount, &rq.amount_yen))
                          ? "--received needs --amount N (whole yen, above 0)"
                      : rq.receive && !rq.date ? "--received needs --date YYYY-MM-DD"
                      : !rq.receive && (rq.nursery_id || amount || rq.date)
                          ? "--nursery, --amount and --date go with --received"
                      : sg.id && actor ? "--actor is not used with --operator"
                                       : NULL;
    if (bad) {
        fprintf(stderr, WHO ": %s\n", bad);
        return EXIT_USAGE;
    }
    if (fy && !cli_parse_fy("refund", fy, &rq.fiscal_year))
        return EXIT_USAGE;
    rq.paths = paths;
    rq.actor = (flow_actor){.name = cli_actor(actor)};
    int rc = EXIT_OK;
    if (rq.receive) {
        char what[96];
        snprintf(what, sizeof what, "the receipt of %s's 返還", rq.nursery_id);
        if ((rc = cli_signer_load(WHO, &sg, what, &rq.actor)) != EXIT_OK)
            return rc;
    }
    flow_refund_res res;
    rc = flow_refund(&rq, &res);
    cli_print_notes(WHO, &res.notes);
    if (rc == EXIT_OK && rq.receive) {
        char b[FLOW_YEN_LEN];
        printf("kasan refund FY%d: %s received %s yen on %s (event %lld)\n", res.fiscal_year,
               rq.nursery_id, flow_yen(rq.amount_yen, false, b), rq.date,
               (long long)res.event_seq);
        printf("  anchor to keep: %lld:%s\n", (long long)res.event_seq, res.event_hash);
    }
    if (rc == EXIT_OK)
        print_list(&res, rq.overdue_only);
    flow_refund_free(&res);
    cli_signer_release(&sg);
    return rc;
}
