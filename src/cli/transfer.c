/* transfer: `kasan transfer` — the options of the bank transfer file (全銀協
 * 総合振込, SPEC 7) of a finalized month or settlement, the procedure
 * (flow_transfer: from the ledger alone, written, recorded, renamed), and
 * what it wrote.  Not here: any of the procedure (src/flow/transfer.c,
 * transfer_plan.c), the bytes (src/report/zengin.c). */
#include <stdio.h>
#include <string.h>

#include "common.h"
#include "progress.h"

#define WHO "kasan transfer"

typedef struct transfer_opts {
    const char *month, *settlement, *date, *reason, *actor;
    bool reissue;
    cli_signer sg;
} transfer_opts;

static void usage(FILE *f)
{
    fputs("usage: kasan transfer --month YYYY-MM --date YYYY-MM-DD [--reissue --reason TEXT]\n"
          "       kasan transfer --settlement YYYY --date YYYY-MM-DD [--reissue --reason TEXT]\n"
          "Writes the bank transfer file (全銀協 総合振込) of a finalized month to\n"
          "OUT/M/transfer-M.txt, or of a finalized settlement's 追加交付 to\n"
          "OUT/settlement-YYYY/transfer-settlement-YYYY.txt, from the ledger alone (the\n"
          "registry and rules archived with the run), and records its SHA-256 in the\n"
          "audit trail.  After a correction, --month again transfers only the positive\n"
          "differences to transfer-M-2.txt (-3, …).\n"
          "  --date YYYY-MM-DD   振込指定日: a bank business day (not a weekend, 12/31-1/3 or a\n"
          "                      national holiday of rules/calendar/), not before the finalization\n"
          "  --reissue --reason TEXT  a second file for the same run (a new name)\n"
          "  --actor NAME        who writes it while no operators file is in force\n"
          "                      (default: login name); then an operator with the pay role\n"
          "                      who neither drafted nor approved the run:\n"
          CLI_SIGNER_HELP
          "  --out DIR           ledger and outputs (default out/); --rules DIR is read only\n"
          "                      when the run archived no payer in force on the date\n"
          "exit 0 written (or nothing to transfer), 1 usage, 2 invalid bank details,\n"
          "3 refused: not finalized, already transferred, not approved (決裁), by its\n"
          "drafter or approver, a role you lack, a key not yours; 5 error\n",
          f);
}

static int parse(int argc, char **argv, cli_paths *paths, transfer_opts *o)
{
    enum { OPT_SETTLE = OPT_FIRST_OWN, OPT_DATE, OPT_REISSUE, OPT_REASON, OPT_ACTOR };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"month", required_argument, 0, OPT_MONTH},
        {"settlement", required_argument, 0, OPT_SETTLE}, {"date", required_argument, 0, OPT_DATE},
        {"reissue", no_argument, 0, OPT_REISSUE}, {"reason", required_argument, 0, OPT_REASON},
        {"actor", required_argument, 0, OPT_ACTOR}, CLI_SIGNER_OPTIONS, {0, 0, 0, 0}};
    if (!cli_no_passphrase_argument(WHO, argc, argv))
        return EXIT_USAGE;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP: usage(stdout); return EXIT_OK;
        case OPT_MONTH: o->month = optarg; break;
        case OPT_SETTLE: o->settlement = optarg; break;
        case OPT_DATE: o->date = optarg; break;
        case OPT_REISSUE: o->reissue = true; break;
        case OPT_REASON: o->reason = optarg; break;
        case OPT_ACTOR: o->actor = optarg; break;
        default:
            if (!cli_common_opt(opt, paths) && !cli_signer_opt(opt, &o->sg)) {
                usage(stderr);
                return EXIT_USAGE;
            }
        }
    }
    if (!cli_no_stray_arg("transfer", argc, argv)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *bad = !o->month == !o->settlement ? "give one of --month or --settlement"
                      : !o->date ? "--date YYYY-MM-DD is required"
                      : o->reissue != (o->reason && *o->reason) ? "--reissue goes with --reason TEXT"
                      : o->sg.id && o->actor ? "--actor is not used with --operator"
                      : NULL;
    if (bad) {
        fprintf(stderr, WHO ": %s\n", bad);
        usage(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

int cmd_transfer(int argc, char **argv)
{
    cli_paths paths = CLI_PATHS_DEFAULT;
    transfer_opts o = {0};
    int rc = parse(argc, argv, &paths, &o);
    if (rc >= 0)
        return rc;
    progress_line pl;
    flow_transfer_req rq = {.paths = paths, .date = o.date, .reissue = o.reissue,
                            .reason = o.reason, .actor = {.name = cli_actor(o.actor)},
                            .progress = progress_line_init(&pl, false)};
    if (o.month ? !cli_parse_month(o.month, &rq.month)
                : !cli_parse_fy("transfer", o.settlement, &rq.settlement_fy))
        return EXIT_USAGE;
    if (o.month && !cli_month_begun("transfer", rq.month, "transfer"))
        return EXIT_USAGE;
    if (!date_parse_iso(o.date, strlen(o.date), &rq.day)) {
        fprintf(stderr, WHO ": --date '%s' is not a real date YYYY-MM-DD\n", o.date);
        return EXIT_USAGE;
    }
    char what[64];
    snprintf(what, sizeof what, "the transfer file of %s", o.month ? o.month : o.settlement);
    if ((rc = cli_signer_load(WHO, &o.sg, what, &rq.actor)) != EXIT_OK)
        return rc;
    flow_transfer_res res;
    rc = flow_transfer(&rq, &res);
    cli_signer_release(&o.sg);
    cli_print_notes(WHO, &res.notes);
    char yen[FLOW_YEN_LEN];
    if (rc == EXIT_OK && res.nothing)
        printf("%s: nothing to transfer (no positive difference over run %s)\n", res.label,
               res.base_run_id ? res.base_run_id : "-");
    else if (rc == EXIT_OK)
        printf("%s: wrote %s: %lld transfer%s, %s yen, 振込指定日 %s (event %lld, sha256 %s)\n",
               res.label, res.path, (long long)res.count, res.count == 1 ? "" : "s",
               flow_yen(res.amount_yen, false, yen), o.date, (long long)res.event_seq,
               res.sha256);
    /* as a finalization's: kept apart from the ledger, it catches the
     * transfer event deleted (the log cut back to before it) */
    if (rc == EXIT_OK && !res.nothing)
        printf("  anchor to keep with the transfer: %lld:%s\n"
               "  (check it any time: kasan audit verify --anchor %lld:%s)\n",
               (long long)res.event_seq, res.event_hash, (long long)res.event_seq, res.event_hash);
    flow_transfer_free(&res);
    return rc;
}
