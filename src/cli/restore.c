/* restore: `kasan restore`, and the check every run and replay makes first —
 * OUT/M must hold the month's finalized run once the ledger records one.  A
 * process killed between the ledger commit and moving its staged outputs into
 * place leaves the ledger ahead of OUT/M; this puts the finalized outputs back
 * (from the dead process's staging directory, else rebuilt from the ledger's
 * archived rules and inputs).  Not here: writing outputs (outputs.c),
 * moving them into place and the markers (publish.c), the archived files
 * (archive.c), the transfer files (transfer_files.c), the comparison with
 * what was paid (replay.c), leftovers by name (fsutil). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "settle_cli.h"
#include "kasan/clock.h"
#include "kasan/fsutil.h"
#include "kasan/ledger.h"
#include "kasan/report.h"

/* The run id a marker or RUN_ID_FILE holds (malloc'd), or NULL. */
static char *read_run_id(const char *path)
{
    char *data;
    size_t len;
    if (fs_read_file(path, &data, &len) != 0)
        return NULL;
    while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        data[--len] = '\0';
    return data;
}

static bool file_says(const char *path, const char *run_id)
{
    char *id = read_run_id(path);
    bool same = id && !strcmp(id, run_id);
    free(id);
    return same;
}

/* A staging directory (of any process) holding a complete copy of run_id. */
typedef struct staged {
    const char *run_id;
    char *path;
    long pid;
    bool alive;
} staged;

static bool find_staged(const char *path, long pid, bool alive, void *ctx)
{
    staged *s = ctx;
    char idf[4200];
    snprintf(idf, sizeof idf, "%s/%s", path, RUN_ID_FILE);
    if (!file_says(idf, s->run_id))
        return true;
    s->path = strdup(path);
    s->pid = pid;
    s->alive = alive;
    return false;
}

/* The budget view as the finalizing run saw it: each other month of the
 * fiscal year by its run current before this one's event, and the
 * settlement current then. */
static bool budget_as_finalized(const month_run *run, ledger *lg, const ledger_run *r,
                                budget_view *bv, arena *keep)
{
    budget_view_init(bv, month_fiscal_year(run->month), run->budget ? run->budget->line_id : NULL,
                     run->budget ? run->budget->amount : 0);
    arena a = ARENA_INIT;
    int self = month_fiscal_index(run->month);
    for (int i = 0; i < 12; i++) {
        claim_month m = month_of_fiscal(bv->fiscal_year, i);
        char mon[8];
        month_format(m, mon);
        ledger_run *runs = NULL, *then = NULL;
        size_t n = 0;
        if (i == self || ledger_runs(lg, mon, &a, &runs, &n) != LEDGER_OK)
            continue;
        for (size_t k = 0; k < n; k++)
            if (runs[k].event_seq < r->event_seq && (!then || runs[k].event_seq > then->event_seq))
                then = &runs[k];
        if (!then)
            continue;
        int64_t amount[BUDGET_MAX_PROGRAMS] = {0};
        for (size_t j = 0; j < then->n_programs; j++)
            for (size_t p = 0; p < run->n_programs; p++)
                if (!strcmp(then->programs[j].program, run->programs[p]->id))
                    amount[p] = then->programs[j].amount_yen;
        budget_view_place(bv, m, false, then->total_yen, amount, run->n_programs);
        if (then->over_budget_reason)
            bv->months[i].override_reason = arena_strdup(keep, then->over_budget_reason);
    }
    arena_release(&a);
    /* and the settlement's 追加交付, if one was finalized before it */
    if (ledger_fy_settled_additional(lg, bv->fiscal_year, r->event_seq, &bv->settled_additional))
        return false;
    budget_view_place(bv, run->month, false, run->total, run->program_total, run->n_programs);
    bv->months[month_fiscal_index(run->month)].override_reason = r->over_budget_reason;
    return budget_view_finish(bv, run->month);
}

/* The rule files' display paths (検証 sheet) as the finalizing run showed
 * them: under the rules directory this command was given, not "ledger:". */
static void show_rules_under(rule_set *rs, const char *rules_dir)
{
    for (size_t i = 0; i < rs->n_files; i++)
        rs->files[i].path = arena_printf(&rs->a, "%s/%s", rules_dir, rs->files[i].name);
}

/* The correction recorded by run r (SPEC 6.1) for its outputs. */
static int restore_correction(ledger *lg, const ledger_run *r, arena *a, run_correction *c,
                              run_meta *meta, const char *who)
{
    ledger_correction *rows;
    size_t n;
    if (ledger_corrections(lg, r->run_id, a, &rows, &n) != LEDGER_OK) {
        fprintf(stderr, "%s: run %s: cannot read its corrections: %s\n", who, r->run_id,
                ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    *c = (run_correction){r->supersedes, r->supersede_reason, rows, n};
    meta->correction = c;
    return EXIT_OK;
}

/* Recomputes run r from the ledger alone and writes it, as finalized, into
 * stage: the run id, time and issue date (the day of the run) are the
 * recorded ones, so the files carry the same values as when it was paid. */
static int rebuild(ledger *lg, const ledger_run *r, claim_month m, const char *stage,
                   const char *rules_dir, const char *who)
{
    arena a = ARENA_INIT;
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    input_file in[INPUT_COUNT] = {0};
    month_run run;
    memset(&run, 0, sizeof run);
    int rc = replay_archived_rules(lg, r, &rs, &a);
    if (rc == EXIT_OK)
        rc = replay_archived_inputs(lg, r, in, &a);
    if (rc == EXIT_OK)
        show_rules_under(&rs, rules_dir);
    if (rc == EXIT_OK) {
        diag_list d = DIAG_LIST_INIT;
        if (engine_compute(&rs, m, in, &run, &d) != 0)
            rc = EXIT_DIFFERENT;
        diag_print(&d, stderr);
        diag_release(&d);
    }
    budget_view bv;
    if (rc == EXIT_OK && !budget_as_finalized(&run, lg, r, &bv, &a)) {
        fprintf(stderr, "%s: run %s: the budget view does not fit in 64-bit yen\n", who,
                r->run_id);
        rc = EXIT_DIFFERENT;
    }
    if (rc == EXIT_OK) {
        run_meta meta = {r->run_id, r->created, 0, true, r->engine_version, NULL};
        clock_to_jst(r->created, &meta.issue_date, NULL, NULL); /* the day in Japan */
        run_correction corr = {0};
        if (r->supersedes) /* a correction: its differences as the ledger recorded them */
            rc = restore_correction(lg, r, &a, &corr, &meta, who);
        if (rc == EXIT_OK && run_write_outputs(true, &run, &bv, &meta, stage) != 0)
            rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK) /* the bank transfer files of the month, from the ledger */
        rc = transfer_restore_files(lg, r->month, stage, who);
    if (rc == EXIT_OK && run.total != r->total_yen) {
        fprintf(stderr, "%s: run %s recomputes to a different total; see kasan replay\n", who,
                r->run_id);
        rc = EXIT_DIFFERENT;
    }
    if (rc != EXIT_OK)
        fs_remove_tree(stage);
    engine_free(&run);
    rules_free(&rs);
    arena_release(&a);
    return rc;
}

/* Where the finalized outputs come from, in order of fidelity: OUT/M itself
 * (only its marker was not moved), a dead process's staging copy (the very
 * bytes that were finalized), or a rebuild from the ledger. */
static int put_back(const cli_paths *paths, ledger *lg, const ledger_run *r, claim_month m,
                    const char *who, arena *a)
{
    const char *mon = r->month, *marker = restore_marker_path(paths, mon, a);
    char *final_dir = arena_printf(a, "%s/%s", paths->out, mon);
    if (file_says(arena_printf(a, "%s/%s", final_dir, RUN_ID_FILE), r->run_id)) {
        if (restore_mark_published(final_dir, marker) != 0) {
            fprintf(stderr, "%s: cannot record %s as published in %s: %s\n", who, final_dir,
                    marker, strerror(errno));
            return EXIT_INTERNAL;
        }
        fprintf(stderr, "%s: %s holds finalized run %s; its publication was interrupted and "
                        "is now complete\n", who, final_dir, r->run_id);
        return EXIT_OK;
    }
    staged s = {r->run_id, NULL, 0, false};
    fs_each_leftover(paths->out, arena_printf(a, ".%s.staging-", mon), find_staged, &s);
    if (s.path && s.alive) {
        fprintf(stderr, "%s: finalized run %s of %s is being published by process %ld; "
                        "%s is left to it\n", who, r->run_id, mon, s.pid, final_dir);
        free(s.path);
        return EXIT_OK;
    }
    const char *from = "the staged copy of the process that finalized it";
    char *src = s.path;
    if (!src) {
        src = strdup(arena_printf(a, "%s/.%s.staging-%ld", paths->out, mon, (long)getpid()));
        from = "the ledger (archived rules and inputs)";
        fs_remove_tree(src);
        int rc = rebuild(lg, r, m, src, paths->rules, who);
        if (rc != EXIT_OK) {
            fprintf(stderr, "%s: the finalized outputs of %s (run %s) could not be rebuilt\n",
                    who, mon, r->run_id);
            free(src);
            return rc;
        }
    }
    int rc = EXIT_OK;
    if (restore_publish(src, final_dir, marker) != 0) {
        fprintf(stderr, "%s: cannot move the finalized outputs of %s from %s into %s: %s\n", who,
                mon, src, final_dir, strerror(errno));
        rc = EXIT_INTERNAL;
    } else {
        fprintf(stderr, "%s: %s did not hold finalized run %s (its outputs were lost, or the "
                        "finalization was interrupted before moving them into place); "
                        "restored them from %s\n", who, final_dir,
                r->run_id, from);
    }
    free(src);
    return rc;
}

int restore_month(const cli_paths *paths, ledger *lg, claim_month m, const char *who, bool force)
{
    arena a = ARENA_INIT;
    char mon[8];
    month_format(m, mon);
    ledger_run r;
    int st = ledger_month_current(lg, mon, &a, &r), rc = EXIT_OK;
    if (st != LEDGER_OK) {
        if (st != LEDGER_NOT_FOUND || force) {
            fprintf(stderr, "%s: %s: %s\n", who, mon,
                    st == LEDGER_NOT_FOUND ? "no finalized run in the ledger" : ledger_errmsg(lg));
            rc = st == LEDGER_NOT_FOUND ? EXIT_USAGE : EXIT_INTERNAL;
        }
        arena_release(&a);
        return rc;
    }
    char *final_dir = arena_printf(&a, "%s/%s", paths->out, mon);
    char *published = read_run_id(restore_marker_path(paths, mon, &a));
    bool current = published && !strcmp(published, r.run_id) && fs_is_dir(final_dir);
    /* outputs from before the marker existed: trusted unless asked */
    bool unmarked = !published && fs_is_dir(final_dir) &&
                    !fs_exists(arena_printf(&a, "%s/%s", final_dir, RUN_ID_FILE));
    free(published);
    if (current || (unmarked && !force)) {
        if (force)
            printf("%s holds finalized run %s; nothing to restore\n", final_dir, r.run_id);
    } else {
        rc = put_back(paths, lg, &r, m, who, &a);
    }
    arena_release(&a);
    return rc;
}

int cmd_restore(int argc, char **argv)
{
    enum { OPT_SETTLEMENT = OPT_FIRST_OWN };
    static const struct option opts[] = {CLI_COMMON_OPTIONS,
                                         {"month", required_argument, 0, OPT_MONTH},
                                         {"settlement", required_argument, 0, OPT_SETTLEMENT},
                                         {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    const char *month = NULL, *settlement = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt == OPT_HELP) {
            printf("usage: kasan restore --month YYYY-MM | --settlement FY [--out DIR]\n"
                   "                     [--rules DIR]\n"
                   "Makes DIR/YYYY-MM hold the month's finalized run as the ledger records it\n"
                   "(after a crash between finalizing and writing the outputs, or outputs\n"
                   "that were lost): from the staged copy the finalizing process left, or\n"
                   "rebuilt from the rule and input files archived in DIR/ledger.sqlite.\n"
                   "Every run and replay of the month does the same check first.  --rules\n"
                   "only names the rule files in the 検証 sheet as the finalizing run did;\n"
                   "the rules themselves come from the ledger.\n"
                   "--settlement FY republishes DIR/settlement-FY (settlement.csv and .xlsx,\n"
                   "notices) from the ledger's finalized settlement when it is missing or\n"
                   "not that settlement's outputs.\n"
                   "exit: 0 ok, 1 usage or no finalized run, 4 archived files that no longer\n"
                   "compute, 5 I/O error\n");
            return EXIT_OK;
        }
        if (opt == OPT_MONTH)
            month = optarg;
        else if (opt == OPT_SETTLEMENT)
            settlement = optarg;
        else if (!cli_common_opt(opt, &paths))
            return EXIT_USAGE;
    }
    claim_month m;
    if (!month == !settlement || optind < argc) {
        fprintf(stderr, "kasan restore: --month YYYY-MM or --settlement FY is required (one, "
                        "and nothing else)\n");
        return EXIT_USAGE;
    }
    if (settlement) {
        int fy;
        return cli_parse_fy("restore", settlement, &fy) ? cli_restore_settlement(&paths, fy)
                                                        : EXIT_USAGE;
    }
    if (!cli_parse_month(month, &m))
        return EXIT_USAGE;
    char mon[8];
    month_format(m, mon);
    arena a = ARENA_INIT;
    char *lpath = cli_ledger_path(&paths, &a);
    ledger *lg = NULL;
    int rc = cli_open_ledger("restore", lpath, &lg);
    if (rc == EXIT_OK)
        rc = restore_month(&paths, lg, m, "kasan restore", true);
    if (rc == EXIT_OK)
        restore_clean_leftovers(&paths, mon, "kasan restore");
    ledger_close(lg);
    arena_release(&a);
    return rc;
}
