/* replay: `kasan replay` — the auditor's command.  Rebuilds a finalized month
 * from the files archived in the ledger alone (rules and inputs as they were),
 * recomputes it, and compares nursery by nursery with what was paid. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "settle_cli.h"
#include "kasan/ledger.h"

static int64_t paid_amount(const ledger_run *r, const char *nid, const char *prog,
                           const char **version)
{
    for (size_t i = 0; i < r->n_payments; i++)
        if (!strcmp(r->payments[i].nursery_id, nid) && !strcmp(r->payments[i].program, prog)) {
            *version = r->payments[i].rule_version;
            return r->payments[i].amount_yen;
        }
    *version = NULL;
    return 0;
}

/* Compares every recomputed row with the ledger and every ledger row with
 * the recomputation; prints each difference. */
static size_t compare(const month_run *run, const ledger_run *r, FILE *out)
{
    size_t diffs = 0, matched = 0;
    for (size_t i = 0; i < run->n_nurseries; i++)
        for (size_t p = 0; p < run->n_programs; p++) {
            const nursery_month *nm = &run->nurseries[i];
            const char *ver;
            int64_t paid = paid_amount(r, nm->nursery->id, run->programs[p]->id, &ver);
            payment_row row;
            if (!engine_payment_at(run, i, p, &row) && !ver)
                continue;
            if (paid != nm->amount[p] || !ver || strcmp(ver, run->programs[p]->version)) {
                fprintf(out, "  DIFFERENT %s %s: paid %lld (rule %s), recomputed %lld (rule %s)\n",
                       nm->nursery->id, run->programs[p]->id, (long long)paid, ver ? ver : "-",
                       (long long)nm->amount[p], run->programs[p]->version);
                diffs++;
            } else {
                matched++;
            }
        }
    for (size_t i = 0; i < r->n_payments; i++) {
        const ledger_payment *lp = &r->payments[i];
        bool found = false;
        for (size_t k = 0; k < run->n_nurseries && !found; k++)
            for (size_t p = 0; p < run->n_programs && !found; p++)
                found = !strcmp(run->nurseries[k].nursery->id, lp->nursery_id) &&
                        !strcmp(run->programs[p]->id, lp->program) &&
                        engine_payment_at(run, k, p, &(payment_row){0});
        if (!found) {
            fprintf(out, "  DIFFERENT %s %s: paid %lld (rule %s), recomputed nothing\n", lp->nursery_id,
                   lp->program, (long long)lp->amount_yen, lp->rule_version);
            diffs++;
        }
    }
    if (run->total != r->total_yen) {
        fprintf(out, "  DIFFERENT month total: paid %lld, recomputed %lld\n", (long long)r->total_yen,
               (long long)run->total);
        diffs++;
    }
    fprintf(out, "  %zu payment rows identical, %zu differences\n", matched, diffs);
    return diffs;
}

/* A correction (修正, SPEC 6.1): the differences recorded by run r against
 * those of the recomputed run and the payments of the run r superseded;
 * prints them and returns the number of rows that differ. */
static size_t compare_corrections(ledger *lg, const month_run *run, const ledger_run *r,
                                  arena *a, FILE *out)
{
    ledger_run *runs, *old = NULL;
    size_t n_runs, n_rec, n_now;
    ledger_correction *rec, *now;
    if (ledger_runs(lg, r->month, a, &runs, &n_runs) != LEDGER_OK ||
        ledger_corrections(lg, r->run_id, a, &rec, &n_rec) != LEDGER_OK) {
        fprintf(out, "  DIFFERENT corrections: cannot be read: %s\n", ledger_errmsg(lg));
        return 1;
    }
    for (size_t i = 0; i < n_runs; i++)
        if (!strcmp(runs[i].run_id, r->supersedes))
            old = &runs[i];
    if (!old || engine_corrections(run, old->payments, old->n_payments, a, &now, &n_now) != 0) {
        fprintf(out, "  DIFFERENT corrections: superseded run %s cannot be read\n", r->supersedes);
        return 1;
    }
    fprintf(out, "  correction (修正) of run %s: %s\n", r->supersedes,
           r->supersede_reason ? r->supersede_reason : "");
    size_t diffs = n_rec != n_now;
    for (size_t i = 0; i < n_rec; i++) {
        const ledger_correction *c = &rec[i], *k = i < n_now ? &now[i] : NULL;
        char b1[CLI_YEN_LEN], b2[CLI_YEN_LEN], b3[CLI_YEN_LEN];
        bool same = k && !strcmp(c->nursery_id, k->nursery_id) && !strcmp(c->program, k->program) &&
                    c->paid_yen == k->paid_yen && c->corrected_yen == k->corrected_yen;
        diffs += !same;
        fprintf(out, "  %s %s %s: paid %s, corrected %s, difference %s\n",
               same ? "correction" : "DIFFERENT correction", c->nursery_id, c->program,
               cli_yen(c->paid_yen, false, b1), cli_yen(c->corrected_yen, false, b2),
               cli_yen(c->difference_yen, true, b3));
    }
    fprintf(out, "  %zu corrections recorded, %s\n", n_rec,
           diffs ? "DIFFERENT from the recomputation" : "identical when recomputed");
    return diffs;
}

int replay_run(ledger *lg, const ledger_run *r, claim_month m, FILE *out)
{
    arena a = ARENA_INIT;
    char mon[8];
    month_format(m, mon);
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    input_file in[INPUT_COUNT] = {0};
    int rc = replay_archived_rules(lg, r, &rs, &a);
    if (rc == EXIT_OK)
        rc = replay_archived_inputs(lg, r, in, &a);
    month_run run;
    memset(&run, 0, sizeof run);
    if (rc == EXIT_OK) {
        diag_list d = DIAG_LIST_INIT;
        if (engine_compute(&rs, m, in, &run, &d) != 0)
            rc = EXIT_DIFFERENT; /* archived inputs that no longer compute */
        diag_print(&d, stderr);
        diag_release(&d);
    }
    if (rc == EXIT_OK) {
        fprintf(out, "replay %s: run %s finalized %s by %s, from %zu archived files\n", mon,
                r->run_id, r->created, r->actor, r->n_files);
        size_t diffs = compare(&run, r, out);
        if (r->supersedes)
            diffs += compare_corrections(lg, &run, r, &a, out);
        rc = diffs ? EXIT_DIFFERENT : EXIT_OK;
        fprintf(out, "replay %s: %s\n", mon, rc == EXIT_OK ? "identical to what was paid"
                                                          : "DIFFERS from what was paid");
    }
    engine_free(&run);
    rules_free(&rs);
    arena_release(&a);
    return rc;
}

static int replay(const cli_paths *paths, claim_month m)
{
    arena a = ARENA_INIT;
    char mon[8];
    month_format(m, mon);
    ledger *lg = NULL;
    char *lpath = cli_ledger_path(paths, &a);
    int orc = cli_open_ledger("replay", lpath, &lg);
    if (orc != EXIT_OK) {
        arena_release(&a);
        return orc;
    }
    ledger_run r;
    int st = ledger_month_current(lg, mon, &a, &r), rc = EXIT_OK;
    if (st != LEDGER_OK) {
        fprintf(stderr, "kasan replay: %s has no finalized run in %s\n", mon, lpath);
        rc = st == LEDGER_NOT_FOUND ? EXIT_USAGE : EXIT_INTERNAL;
    }
    if (rc == EXIT_OK)
        rc = restore_month(paths, lg, m, "kasan replay", false);
    if (rc == EXIT_OK)
        rc = replay_run(lg, &r, m, stdout);
    ledger_close(lg);
    arena_release(&a);
    return rc;
}

int cmd_replay(int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"settlement", required_argument, 0, OPT_FIRST_OWN},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    const char *month = NULL, *settlement_fy = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan replay --month YYYY-MM [--out DIR]\n"
                   "       kasan replay --settlement YYYY [--out DIR]   (year-end settlement)\n"
                   "Recomputes a finalized month from the rule and input files archived in\n"
                   "DIR/ledger.sqlite (whatever rules/ and the data dir hold now) and compares\n"
                   "with what was paid.  exit 0 identical, 1 usage or not finalized (no ledger\n"
                   "under --out yet), 4 different, 5 I/O error.\n");
            return EXIT_OK;
        }
        if (opt == OPT_MONTH)
            month = optarg;
        else if (opt == OPT_FIRST_OWN)
            settlement_fy = optarg;
        else if (!cli_common_opt(opt, &paths))
            return EXIT_USAGE;
    }
    if (!cli_no_stray_arg("replay", argc, argv))
        return EXIT_USAGE;
    if (settlement_fy && month) {
        fprintf(stderr, "kasan replay: give one of --month YYYY-MM or --settlement YYYY\n");
        return EXIT_USAGE;
    }
    int fy;
    if (settlement_fy)
        return cli_parse_fy("replay", settlement_fy, &fy) ? cli_replay_settlement(&paths, fy) : EXIT_USAGE;
    claim_month m;
    if (!month) {
        fprintf(stderr, "kasan replay: --month YYYY-MM is required\n");
        return EXIT_USAGE;
    }
    if (!cli_parse_month(month, &m))
        return EXIT_USAGE;
    return replay(&paths, m);
}
