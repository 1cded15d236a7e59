/* settle: `kasan settle --fy FY` — the year-end settlement (精算, SPEC 6.2).
 * Recomputes the year's finalized months from the ledger's archived inputs
 * and rules, checks them against what was paid, reads the actuals report,
 * settles every nursery under the rules in force on 31 March, writes the
 * outputs to a staging directory, records a --finalize in the ledger, and
 * only then moves the outputs into place.  Also `replay --settlement` and
 * `explain --settlement`.  Not here: any settlement formula (rule files),
 * the computation itself (src/engine/settle.c), or the writers (src/report). */
#include "settle_cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/clock.h"
#include "progress.h"
#include "kasan/expr.h"
#include "kasan/fsutil.h"
#include "kasan/ledger.h"
#include "kasan/ledger_settle.h"
#include "kasan/report_settle.h"
#include "kasan/settle.h"
#include "kasan/strbuf.h"

/* What a settlement is computed from. */
typedef struct settle_src {
    arena a;
    ledger *lg;
    rule_set month_rules[SETTLE_MONTHS];  /* each month's archived rules */
    month_run runs[SETTLE_MONTHS];
    const month_run *run_ptr[SETTLE_MONTHS];
    const char *run_id[SETTLE_MONTHS];    /* by fiscal index; NULL = not finalized */
    size_t n_months;
    input_file actuals_file;
    actuals ac;
} settle_src;

static void src_free(settle_src *s)
{
    for (size_t i = 0; i < s->n_months; i++) {
        engine_free(&s->runs[i]);
        rules_free(&s->month_rules[i]);
    }
    ledger_close(s->lg);
    arena_release(&s->a);
}

/* ---- the year's months from the ledger -------------------------------- */

static int blob(settle_src *s, const ledger_file *f, const char **data, size_t *len)
{
    char *p;
    int st = ledger_blob_get(s->lg, f->sha256, &p, len);
    if (st != LEDGER_OK) {
        fprintf(stderr, "kasan: archived %s: %s\n", f->name, ledger_errmsg(s->lg));
        return st == LEDGER_CORRUPT || st == LEDGER_NOT_FOUND ? EXIT_DIFFERENT : EXIT_INTERNAL;
    }
    *data = arena_strndup(&s->a, p, *len);
    free(p);
    return EXIT_OK;
}

/* Loads the archived files of role "rules" into rs (replay.c's loader). */
static int archived_rules(settle_src *s, const ledger_file *files, size_t n, rule_set *rs)
{
    int rc = replay_archived_rule_files(s->lg, files, n, rs, &s->a, "kasan settle");
    return rc == EXIT_INVALID ? EXIT_DIFFERENT : rc;
}

/* Each recomputed payment must be what the ledger says was paid. */
static int check_paid(const month_run *run, const ledger_run *r)
{
    size_t rows = 0;
    for (size_t i = 0; i < run->n_nurseries; i++)
        for (size_t p = 0; p < run->n_programs; p++) {
            const nursery_month *nm = &run->nurseries[i];
            if (nm->amount[p] <= 0)
                continue;
            rows++;
            bool same = false;
            for (size_t k = 0; k < r->n_payments && !same; k++)
                same = !strcmp(r->payments[k].nursery_id, nm->nursery->id) &&
                       !strcmp(r->payments[k].program, run->programs[p]->id) &&
                       r->payments[k].amount_yen == nm->amount[p];
            if (!same) {
                fprintf(stderr, "kasan: %s recomputes %s %s differently from what was paid "
                                "(run kasan replay --month %s)\n", r->month, nm->nursery->id,
                        run->programs[p]->id, r->month);
                return EXIT_DIFFERENT;
            }
        }
    if (rows != r->n_payments) {
        fprintf(stderr, "kasan: %s recomputes %zu payment rows, the ledger holds %zu\n", r->month,
                rows, r->n_payments);
        return EXIT_DIFFERENT;
    }
    return EXIT_OK;
}

/* One finalized month: its run (run_id, or the current one when NULL),
 * recomputed from the files archived with it. */
static int load_month(settle_src *s, const char *month, const char *run_id)
{
    ledger_run *runs, *r = NULL;
    size_t n;
    int st = ledger_runs(s->lg, month, &s->a, &runs, &n);
    for (size_t i = 0; st == LEDGER_OK && i < n; i++)
        if (run_id ? !strcmp(runs[i].run_id, run_id) : !runs[i].superseded_by)
            r = &runs[i];
    if (st != LEDGER_OK || !r) {
        fprintf(stderr, "kasan: the ledger has no run %s of %s\n", run_id ? run_id : "", month);
        return st == LEDGER_OK ? EXIT_DIFFERENT : EXIT_INTERNAL;
    }
    size_t k = s->n_months;
    int rc = archived_rules(s, r->files, r->n_files, &s->month_rules[k]);
    static const char *roles[INPUT_COUNT] = {"registry", "children", "staff"};
    input_file in[INPUT_COUNT] = {0};
    for (int j = 0; rc == EXIT_OK && j < INPUT_COUNT; j++) {
        const ledger_file *f = NULL;
        for (size_t i = 0; i < r->n_files; i++)
            if (!strcmp(r->files[i].role, roles[j]))
                f = &r->files[i];
        if (!f) {
            fprintf(stderr, "kasan: the ledger holds no %s file for run %s\n", roles[j], r->run_id);
            rc = EXIT_DIFFERENT;
            break;
        }
        in[j].name = f->name;
        rc = blob(s, f, &in[j].data, &in[j].len);
    }
    claim_month m;
    month_parse(month, &m);
    diag_list d = DIAG_LIST_INIT;
    if (rc == EXIT_OK && engine_compute(&s->month_rules[k], m, in, &s->runs[k], &d) != 0)
        rc = EXIT_DIFFERENT;
    diag_print(&d, stderr);
    diag_release(&d);
    s->n_months++; /* freed whatever happened */
    if (rc == EXIT_OK)
        rc = check_paid(&s->runs[k], r);
    s->run_ptr[k] = &s->runs[k];
    s->run_id[month_fiscal_index(m)] = r->run_id;
    return rc;
}

static int open_ledger(settle_src *s, const cli_paths *paths)
{
    char err[512], *path = cli_ledger_path(paths, &s->a);
    int st = ledger_open(path, false, &s->lg, err, sizeof err);
    if (st == LEDGER_OK)
        return EXIT_OK;
    fprintf(stderr, "kasan: cannot open the ledger: %s%s\n", err,
            st == LEDGER_NOT_FOUND ? " (no month has been finalized)" : "");
    return st == LEDGER_NOT_FOUND ? EXIT_INVALID : EXIT_INTERNAL;
}

/* The current runs of the fiscal year's months, recomputed. */
static int load_year(settle_src *s, int fy)
{
    ledger_month_sum *ms;
    size_t n;
    if (ledger_fy_months(s->lg, fy, &s->a, &ms, &n) != LEDGER_OK) {
        fprintf(stderr, "kasan: ledger: %s\n", ledger_errmsg(s->lg));
        return EXIT_INTERNAL;
    }
    if (n == 0) {
        fprintf(stderr, "kasan: no month of FY%d is finalized: nothing to settle\n", fy);
        return EXIT_INVALID;
    }
    for (size_t i = 0; i < n && i < SETTLE_MONTHS; i++) {
        int rc = load_month(s, ms[i].month, ms[i].run_id);
        if (rc)
            return rc;
    }
    return EXIT_OK;
}

static int parse_actuals(settle_src *s)
{
    diag_list d = DIAG_LIST_INIT;
    int rc = actuals_parse(s->actuals_file.name, s->actuals_file.data, s->actuals_file.len, &s->a,
                           &s->ac, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

static int read_actuals(settle_src *s, const cli_paths *paths, int fy)
{
    input_file *f = &s->actuals_file;
    f->name = arena_printf(&s->a, "settlement/%d/actuals.csv", fy);
    char *path = arena_printf(&s->a, "%s/%s", paths->data, f->name), *data;
    if (fs_read_file_arena(path, &s->a, &data, &f->len) != 0) {
        fprintf(stderr, "%s: error: cannot read the actuals report (実績報告): %s\n", path,
                strerror(errno));
        return EXIT_INVALID;
    }
    f->data = data;
    hash_sha256_hex(f->data, f->len, f->sha256);
    return parse_actuals(s);
}

/* After a failed computation: the months of the year not finalized, since a
 * nursery paid only in them is not yet "paid in FY" for the actuals check. */
static void print_unfinalized(const settle_src *s, int fy)
{
    int n = 0;
    for (int i = 0; i < SETTLE_MONTHS; i++)
        n += s->run_id[i] == NULL;
    if (!n)
        return;
    fprintf(stderr, "  %d month%s of FY%d not finalized, so not counted:", n, n == 1 ? "" : "s",
            fy);
    for (int i = 0; i < SETTLE_MONTHS; i++)
        if (!s->run_id[i])
            fprintf(stderr, " %04d-%02d", i < 9 ? fy : fy + 1, (i + 3) % 12 + 1);
    fprintf(stderr, "\n  finalize them first (kasan run --month M --finalize)\n");
}

static int compute(settle_src *s, const rule_set *rs, int fy, settlement *out)
{
    diag_list d = DIAG_LIST_INIT;
    int rc = settle_compute(rs, fy, s->run_ptr, s->n_months, &s->ac, out, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    if (rc != 0) {
        fprintf(stderr, "kasan: the settlement of FY%d was not computed; nothing was written\n",
                fy);
        print_unfinalized(s, fy); /* the usual cause of "was not paid" mid-year */
    }
    return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

/* Months of the year, from the ledger, then the actuals: both commands. */
static int prepare(settle_src *s, const cli_paths *paths, const rule_set *rs, int fy,
                   settlement *out)
{
    int rc = open_ledger(s, paths);
    if (!rc)
        rc = load_year(s, fy);
    if (!rc)
        rc = read_actuals(s, paths, fy);
    if (!rc)
        rc = compute(s, rs, fy, out);
    return rc;
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

/* ---- kasan settle ------------------------------------------------------- */

typedef struct settle_opts {
    int fy;
    bool finalize, supersede;
    const char *over_budget_reason, *reason, *actor, *issue_date;
} settle_opts;

static void print_summary(const settlement *st, bool finalized)
{
    char b1[CLI_YEN_LEN], b2[CLI_YEN_LEN], b3[CLI_YEN_LEN];
    printf("kasan settle FY%d  %s  %zu nursery × program rows\n", st->fiscal_year,
           finalized ? "確定 finalized" : "試算 draft", st->n_rows);
    print_missing(st);
    for (size_t i = 0; i < st->n_rows; i++) {
        const settle_row *r = &st->rows[i];
        printf("  %-8s %-17s %-8s annual %12s  paid %12s  %s %s\n", r->nursery_id, r->rule->id,
               r->rule->version, cli_yen(r->annual, false, b1), cli_yen(r->paid, false, b2),
               r->difference > 0 ? "追加交付" : r->difference < 0 ? "返還" : "差額なし",
               cli_yen(r->difference < 0 ? -r->difference : r->difference, false, b3));
    }
    printf("  total 追加交付 %s yen, 返還 %s yen\n", cli_yen(st->additional_total, false, b1),
           cli_yen(st->repayment_total, false, b2));
}

static int write_outputs(const settlement *st, const settle_meta *meta, const char *dir)
{
    char path[4200], err[512] = "";
    int rc = fs_mkdirs(dir);
    snprintf(path, sizeof path, "%s/settlement.csv", dir);
    if (rc == 0)
        rc = report_settlement_csv(st, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/settlement.xlsx", dir);
    if (rc == 0)
        rc = report_settlement_xlsx(st, meta, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/notices", dir);
    if (rc == 0)
        rc = fs_mkdirs(path);
    size_t total = 0, done = 0; /* nurseries: runs of rows of one id */
    for (size_t i = 0; i < st->n_rows; i++)
        total += i == 0 || strcmp(st->rows[i].nursery_id, st->rows[i - 1].nursery_id);
    progress pg;
    progress_start(&pg, false, "settlement notices", total);
    for (size_t i = 0, n; rc == 0 && i < st->n_rows; i += n) {
        const char *id = st->rows[i].nursery_id;
        for (n = 1; i + n < st->n_rows && !strcmp(st->rows[i + n].nursery_id, id);)
            n++;
        snprintf(path, sizeof path, "%s/notices/%s.xlsx", dir, st->rows[i].nursery_id);
        rc = report_settle_notice_xlsx(st, i, n, meta, path, err, sizeof err);
        snprintf(path, sizeof path, "%s/notices/%s.pdf", dir, st->rows[i].nursery_id);
        if (rc == 0) /* the PDF the nursery receives (issue 22) */
            rc = report_settle_notice_pdf(st, i, n, meta, NULL, path, err, sizeof err);
        progress_tick(&pg, ++done);
    }
    progress_end(&pg);
    if (rc != 0)
        fprintf(stderr, "kasan settle: %s\n", *err ? err : strerror(errno));
    return rc;
}

static char *settle_id(int fy, const char *created, const input_file *af, arena *a)
{
    char stamp[32];
    size_t k = 0;
    for (const char *p = created; *p && k < sizeof stamp - 1; p++)
        if (*p != '-' && *p != ':')
            stamp[k++] = *p;
    stamp[k] = '\0';
    return arena_printf(a, "settle-%d-%s-%.8s", fy, stamp, af->sha256);
}

static void fill_request(const settlement *st, const settle_opts *o, const settle_meta *meta,
                         const settle_src *s, const rule_set *rs, arena *a, ledger_settle_req *rq)
{
    rq->fiscal_year = st->fiscal_year;
    rq->settle_id = meta->settle_id;
    rq->created = meta->created;
    rq->actor = cli_actor(o->actor);
    rq->engine_version = KASAN_VERSION;
    ledger_settle_row *rows = arena_calloc(a, st->n_rows + 1, sizeof *rows);
    for (size_t i = 0; i < st->n_rows; i++) {
        const settle_row *r = &st->rows[i];
        rows[i] = (ledger_settle_row){r->nursery_id, r->rule->id, r->rule->version, r->annual,
                                      r->paid, r->difference, r->corrected, r->settled_before,
                                      r->prior_annual, r->prior_difference};
    }
    rq->rows = rows;
    rq->n_rows = st->n_rows;
    ledger_settle_month *ms = arena_calloc(a, SETTLE_MONTHS, sizeof *ms);
    for (int i = 0; i < SETTLE_MONTHS; i++)
        if (s->run_id[i]) {
            char *mon = arena_alloc(a, 8);
            month_format(month_of_fiscal(st->fiscal_year, i), mon);
            ms[rq->n_months++] = (ledger_settle_month){mon, s->run_id[i]};
        }
    rq->months = ms;
    ledger_file *files = arena_calloc(a, rs->n_files + 1, sizeof *files);
    files[0] = (ledger_file){"actuals", s->actuals_file.name, s->actuals_file.data,
                             s->actuals_file.len, s->actuals_file.sha256};
    for (size_t i = 0; i < rs->n_files; i++)
        files[i + 1] = (ledger_file){"rules", rs->files[i].name, rs->files[i].data,
                                     rs->files[i].len, rs->files[i].sha256};
    rq->files = files;
    rq->n_files = rs->n_files + 1;
    const budget_line *b = rules_budget_for_fy(rs, st->fiscal_year);
    if (b)
        rq->budget = (ledger_budget){b->fiscal_year, b->line_id, b->amount};
    rq->additional_yen = st->additional_total;
    rq->repayment_yen = st->repayment_total;
    rq->fy_additional_yen = st->fy_additional;
    rq->over_budget_reason = o->over_budget_reason;
    rq->supersede = o->supersede;
    rq->reason = o->reason;
}

/* The refusal over the line, with the figures as the run's (1,234 yen). */
static void print_over_budget(const settlement *st, const ledger_settle_req *rq,
                              const ledger_settle_res *res)
{
    char b1[CLI_YEN_LEN], b2[CLI_YEN_LEN], b3[CLI_YEN_LEN], b4[CLI_YEN_LEN];
    int64_t after = rq->budget.line_amount_yen + res->overrun_yen;
    fprintf(stderr, "kasan settle: finalization refused by budget control: the 追加交付 of %s "
                    "yen would bring FY%d's paid total to %s yen, %s yen over the %s line of "
                    "%s yen.\n  To pay the 追加交付 anyway, give the reason (補正予算・流用): "
                    "--over-budget-reason TEXT\n",
            cli_yen(rq->fy_additional_yen, false, b1), st->fiscal_year, cli_yen(after, false, b2),
            cli_yen(res->overrun_yen, false, b3), rq->budget.line_id,
            cli_yen(rq->budget.line_amount_yen, false, b4));
}

/* Records the settlement (nothing printed on success: the caller prints the
 * summary, then the event from *res); a refusal is printed here. */
static int finalize(const settlement *st, const settle_opts *o, const settle_meta *meta,
                    settle_src *s, const rule_set *rs, ledger_settle_res *res_out)
{
    arena a = ARENA_INIT;
    ledger_settle_req rq = {0};
    ledger_settle_res res = {0};
    fill_request(st, o, meta, s, rs, &a, &rq);
    int status = ledger_settle_finalize(s->lg, &rq, &res), rc = EXIT_OK;
    if (status == LEDGER_OK) {
        *res_out = res;
    } else if (status == LEDGER_OVER_BUDGET) {
        print_over_budget(st, &rq, &res);
        rc = EXIT_REFUSED;
    } else if (status == LEDGER_NO_BUDGET_LINE) {
        fprintf(stderr, "kasan settle: refused: %s\n  To pay the 追加交付 anyway, give the "
                        "reason: --over-budget-reason TEXT\n", ledger_errmsg(s->lg));
        rc = EXIT_REFUSED;
    } else if (status == LEDGER_ALREADY_FINALIZED || status == LEDGER_NOTHING_TO_SUPERSEDE ||
               status == LEDGER_BUSY) {
        fprintf(stderr, "kasan settle: refused: %s\n", ledger_errmsg(s->lg));
        rc = EXIT_REFUSED;
    } else {
        fprintf(stderr, "kasan settle: ledger: %s: %s\n", ledger_strstatus(status),
                ledger_errmsg(s->lg));
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_REFUSED && status != LEDGER_BUSY) /* SPEC 1.4: the refusal is in the trail */
        cli_refusal_note("kasan settle", s->lg, res.event_seq, res.event_hash);
    arena_release(&a);
    return rc;
}

/* Makes st a correction of the settlement recorded as event seq (or of the
 * current one when seq is 0): rows count what it already decided (SPEC 6.1). */
static int apply_prior(ledger *lg, int fy, int64_t seq, settlement *st)
{
    arena a = ARENA_INIT;
    ledger_settlement cur;
    int status = seq ? ledger_settle_at(lg, seq, &a, &cur)
                     : ledger_settle_current(lg, fy, &a, &cur);
    if (status == LEDGER_NOT_FOUND && !seq) { /* the ledger refuses: nothing to supersede */
        arena_release(&a);
        return EXIT_OK;
    }
    if (status != LEDGER_OK) {
        fprintf(stderr, "kasan settle: ledger: %s\n", ledger_errmsg(lg));
        arena_release(&a);
        return seq ? EXIT_DIFFERENT : EXIT_INTERNAL;
    }
    settle_prior *p = arena_calloc(&a, cur.n_rows + 1, sizeof *p);
    for (size_t i = 0; i < cur.n_rows; i++)
        p[i] = (settle_prior){cur.rows[i].nursery_id, cur.rows[i].program,
                              cur.rows[i].annual_yen, cur.rows[i].difference_yen,
                              cur.rows[i].settled_before_yen};
    diag_list d = DIAG_LIST_INIT;
    int rc = settle_apply_prior(st, p, cur.n_rows, &d) ? EXIT_INVALID : EXIT_OK;
    diag_print(&d, stderr);
    diag_release(&d);
    arena_release(&a);
    return rc;
}

/* A draft never replaces a finalized settlement's outputs (they are the record). */
static int refuse_draft_if_final(settle_src *s, int fy)
{
    arena a = ARENA_INIT;
    ledger_settlement cur;
    int st = ledger_settle_current(s->lg, fy, &a, &cur);
    arena_release(&a);
    if (st == LEDGER_NOT_FOUND)
        return EXIT_OK;
    if (st != LEDGER_OK) {
        fprintf(stderr, "kasan settle: ledger: %s\n", ledger_errmsg(s->lg));
        return EXIT_INTERNAL;
    }
    fprintf(stderr, "kasan settle: the settlement of FY%d is finalized; its outputs are the "
                    "record and a draft would replace them (a correction is --finalize "
                    "--supersede --reason TEXT)\n", fy);
    return EXIT_REFUSED;
}

static int settle(const cli_paths *paths, const settle_opts *o)
{
    rule_set rs;
    settle_src s = {0};
    settlement st = {0};
    arena a = ARENA_INIT;
    int rc = cli_load_rules(paths->rules, &rs);
    if (rc == EXIT_OK)
        rc = prepare(&s, paths, &rs, o->fy, &st);
    if (rc == EXIT_OK && !o->finalize)
        rc = refuse_draft_if_final(&s, o->fy);
    if (rc == EXIT_OK && o->supersede)
        rc = apply_prior(s.lg, o->fy, 0, &st);
    char created[32];
    clock_now_iso(created);
    settle_meta meta = {.created = created, .finalized = o->finalize,
                        .engine_version = KASAN_VERSION, .rules = &rs,
                        .actuals_name = s.actuals_file.name,
                        .actuals_sha256 = s.actuals_file.sha256, .month_runs = s.run_id,
                        .supersede_reason = o->reason};
    if (rc == EXIT_OK) {
        meta.settle_id = settle_id(o->fy, created, &s.actuals_file, &a);
        if (!o->issue_date ||
            !date_parse_iso(o->issue_date, strlen(o->issue_date), &meta.issue_date))
            clock_to_jst(created, &meta.issue_date, NULL, NULL); /* the day in Japan */
    }
    char *dir = arena_printf(&a, "%s/settlement-%d", paths->out, o->fy);
    char *stage = arena_printf(&a, "%s/.settlement-%d.stage-%ld", paths->out, o->fy,
                               (long)getpid());
    if (rc == EXIT_OK && write_outputs(&st, &meta, stage) != 0)
        rc = EXIT_INTERNAL;
    ledger_settle_res res = {0};
    if (rc == EXIT_OK && o->finalize) /* a refusal prints no 確定 summary */
        rc = finalize(&st, o, &meta, &s, &rs, &res);
    if (rc == EXIT_OK) {
        print_summary(&st, o->finalize);
        if (!o->finalize && st.additional_total > 0 && !rules_budget_for_fy(&rs, o->fy))
            printf("  warning: no budget line covers fiscal year %d: finalizing the 追加交付 "
                   "needs --over-budget-reason TEXT (SPEC 1.4)\n", o->fy);
        if (o->finalize) {
            printf("  finalized in the ledger: event %lld%s\n", (long long)res.event_seq,
                   res.superseded_seq ? " (supersedes the earlier settlement)" : "");
            printf("  anchor to keep with the approval: %lld:%s\n", (long long)res.event_seq,
                   res.event_hash);
        }
    }
    if (rc == EXIT_OK && restore_publish(stage, dir, NULL) != 0) {
        fprintf(stderr, "kasan settle: cannot move the outputs into %s: %s\n", dir,
                strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK)
        printf("  wrote %s/\n", dir);
    if (fs_exists(stage))
        fs_remove_tree(stage);
    settle_free(&st);
    src_free(&s);
    rules_free(&rs);
    arena_release(&a);
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
        {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    settle_opts o = {0};
    const char *fy = NULL;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP:
            printf("usage: kasan settle --fy YYYY [--finalize [--over-budget-reason TEXT]\n"
                   "                    [--supersede --reason TEXT]] [--issue-date YYYY-MM-DD]\n"
                   "                    [--actor NAME] [--data DIR] [--rules DIR] [--out DIR]\n"
                   "Year-end settlement (精算, 交付額の確定): each nursery's annual amount under\n"
                   "the settlement: section of the rules in force on 31 March, from the year's\n"
                   "finalized months (recomputed from the ledger) and DATA/settlement/YYYY/\n"
                   "actuals.csv, against what was paid: 追加交付 or 返還.  Writes OUT/\n"
                   "settlement-YYYY/ (settlement.csv, settlement.xlsx, notices/ID.xlsx); a\n"
                   "draft (試算) unless --finalize, which records it in the ledger.\n"
                   "exit: 0 ok, 1 usage, 2 invalid rules or input (nothing written), 3 refused,\n"
                   "4 a finalized month no longer recomputes as paid, 5 internal error\n");
            return EXIT_OK;
        case OPT_FY: fy = optarg; break;
        case OPT_FINALIZE: o.finalize = true; break;
        case OPT_OVER: o.over_budget_reason = optarg; break;
        case OPT_SUPERSEDE: o.supersede = true; break;
        case OPT_REASON: o.reason = optarg; break;
        case OPT_ACTOR: o.actor = optarg; break;
        case OPT_ISSUE: o.issue_date = optarg; break;
        default:
            if (!cli_common_opt(opt, &paths))
                return EXIT_USAGE;
        }
    }
    if (!cli_no_stray_arg("settle", argc, argv))
        return EXIT_USAGE;
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

/* ---- kasan replay --settlement ------------------------------------------ */

static size_t compare_rows(const settlement *st, const ledger_settlement *rec, FILE *out)
{
    size_t diffs = 0, same = 0;
    for (size_t i = 0; i < st->n_rows; i++) {
        const settle_row *r = &st->rows[i];
        const ledger_settle_row *l = NULL;
        for (size_t k = 0; k < rec->n_rows && !l; k++)
            if (!strcmp(rec->rows[k].nursery_id, r->nursery_id) &&
                !strcmp(rec->rows[k].program, r->rule->id))
                l = &rec->rows[k];
        if (!l || strcmp(l->rule_version, r->rule->version) || l->annual_yen != r->annual ||
            l->paid_yen != r->paid || l->difference_yen != r->difference ||
            l->corrected != r->corrected || l->settled_before_yen != r->settled_before ||
            l->superseded_annual_yen != r->prior_annual ||
            l->superseded_difference_yen != r->prior_difference) {
            fprintf(out, "  DIFFERENT %s %s: recorded %s, recomputed annual %lld paid %lld "
                   "difference %lld (rule %s)\n", r->nursery_id, r->rule->id,
                   l ? "another amount" : "nothing", (long long)r->annual, (long long)r->paid,
                   (long long)r->difference, r->rule->version);
            diffs++;
        } else {
            same++;
        }
    }
    for (size_t k = 0; k < rec->n_rows; k++) {
        bool found = false;
        for (size_t i = 0; i < st->n_rows && !found; i++)
            found = !strcmp(rec->rows[k].nursery_id, st->rows[i].nursery_id) &&
                    !strcmp(rec->rows[k].program, st->rows[i].rule->id);
        if (!found) {
            fprintf(out, "  DIFFERENT %s %s: recorded annual %lld, recomputed nothing\n",
                   rec->rows[k].nursery_id, rec->rows[k].program,
                   (long long)rec->rows[k].annual_yen);
            diffs++;
        }
    }
    fprintf(out, "  %zu settlement rows identical, %zu differences\n", same, diffs);
    return diffs;
}

static int replay_load(settle_src *s, const ledger_settlement *rec, rule_set *rs)
{
    for (size_t i = 0; i < rec->n_months; i++) {
        int rc = load_month(s, rec->months[i].month, rec->months[i].run_id);
        if (rc)
            return rc;
    }
    int rc = archived_rules(s, rec->files, rec->n_files, rs);
    for (size_t i = 0; rc == EXIT_OK && i < rec->n_files; i++)
        if (!strcmp(rec->files[i].role, "actuals")) {
            s->actuals_file.name = rec->files[i].name;
            rc = blob(s, &rec->files[i], &s->actuals_file.data, &s->actuals_file.len);
            if (rc == EXIT_OK && parse_actuals(s) != EXIT_OK)
                rc = EXIT_DIFFERENT;
        }
    return rc;
}

/* The settlement rec recomputed from the ledger alone into *st (rules into
 * *rs, both to free by the caller). */
static int recompute(settle_src *s, const ledger_settlement *rec, rule_set *rs, settlement *st)
{
    int rc = replay_load(s, rec, rs);
    if (rc == EXIT_OK) {
        diag_list d = DIAG_LIST_INIT;
        if (settle_compute(rs, rec->fiscal_year, s->run_ptr, s->n_months, &s->ac, st, &d) != 0)
            rc = EXIT_DIFFERENT;
        diag_print(&d, stderr);
        diag_release(&d);
    }
    if (rc == EXIT_OK && rec->supersedes_seq) /* a correction: over what it superseded */
        rc = apply_prior(s->lg, rec->fiscal_year, rec->supersedes_seq, st);
    return rc;
}

/* The replay of fy's current settlement from s->lg, said on out; EXIT_USAGE
 * (said on stderr) when fy has none.  *id: the replayed settle id. */
static int replay_settlement(settle_src *s, int fy, FILE *out, const char **id)
{
    settlement st = {0};
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    ledger_settlement rec;
    int rc = EXIT_OK, status = ledger_settle_current(s->lg, fy, &s->a, &rec);
    if (status != LEDGER_OK) {
        fprintf(stderr, "kasan replay: %s\n", ledger_errmsg(s->lg));
        return status == LEDGER_NOT_FOUND ? EXIT_USAGE : EXIT_INTERNAL;
    }
    *id = rec.settle_id;
    rc = recompute(s, &rec, &rs, &st);
    if (rc == EXIT_OK) {
        fprintf(out, "replay settlement FY%d: %s finalized %s by %s (event %lld), %zu months, "
                "from %zu archived files\n", fy, rec.settle_id, rec.created, rec.actor,
                (long long)rec.event_seq, rec.n_months, rec.n_files);
        rc = compare_rows(&st, &rec, out) ? EXIT_DIFFERENT : EXIT_OK;
        if (rc == EXIT_OK && (st.additional_total != rec.additional_yen ||
                              st.repayment_total != rec.repayment_yen ||
                              st.fy_additional != rec.fy_additional_yen)) {
            fprintf(out, "  DIFFERENT totals\n");
            rc = EXIT_DIFFERENT;
        }
        fprintf(out, "replay settlement FY%d: %s\n", fy,
                rc == EXIT_OK ? "identical to what was recorded"
                              : "DIFFERS from what was recorded");
    }
    settle_free(&st);
    rules_free(&rs);
    return rc;
}

int cli_replay_settlement(const cli_paths *paths, int fy)
{
    settle_src s = {0};
    const char *id = NULL;
    int rc = open_ledger(&s, paths);
    if (rc == EXIT_INVALID)
        rc = EXIT_USAGE; /* no ledger: nothing finalized to replay (as replay --month) */
    if (rc == EXIT_OK)
        rc = replay_settlement(&s, fy, stdout, &id);
    src_free(&s);
    return rc;
}

int cli_replay_settlement_in(ledger *lg, int fy, FILE *out, arena *a, const char **settle_id)
{
    settle_src s = {.lg = lg};
    const char *id = NULL;
    ledger_settlement rec;
    int status = ledger_settle_current(lg, fy, &s.a, &rec);
    int rc = status == LEDGER_NOT_FOUND ? -1
             : status != LEDGER_OK      ? EXIT_INTERNAL
                                        : replay_settlement(&s, fy, out, &id);
    *settle_id = id ? arena_strdup(a, id) : NULL;
    s.lg = NULL; /* borrowed */
    src_free(&s);
    return rc;
}

/* ---- kasan restore --settlement ----------------------------------------- */

/* True when dir already holds what the stage holds: the same settlement.csv,
 * a settlement.xlsx and the notices. */
static bool holds_same(const char *dir, const char *stage, arena *a)
{
    char *mine = NULL, *theirs = NULL;
    size_t n_mine = 0, n_theirs = 0;
    if (!fs_exists(arena_printf(a, "%s/settlement.xlsx", dir)) ||
        !fs_is_dir(arena_printf(a, "%s/notices", dir)))
        return false;
    if (fs_read_file(arena_printf(a, "%s/settlement.csv", stage), &mine, &n_mine) != 0)
        return false;
    bool same = fs_read_file(arena_printf(a, "%s/settlement.csv", dir), &theirs, &n_theirs) == 0;
    same = same && n_mine == n_theirs && !memcmp(mine, theirs, n_mine);
    free(theirs);
    free(mine);
    return same;
}

/* The meta of the recorded settlement, as its finalization wrote it (通知日:
 * the finalization's date; an --issue-date given then is not recorded). */
static void recorded_meta(const ledger_settlement *rec, const rule_set *rs, arena *a,
                          settle_meta *meta)
{
    const char **runs = arena_calloc(a, SETTLE_MONTHS, sizeof *runs);
    for (size_t i = 0; i < rec->n_months; i++) {
        claim_month m;
        if (month_parse(rec->months[i].month, &m))
            runs[month_fiscal_index(m)] = rec->months[i].run_id;
    }
    *meta = (settle_meta){.settle_id = rec->settle_id, .created = rec->created,
                          .finalized = true, .engine_version = rec->engine_version,
                          .rules = rs, .month_runs = runs,
                          .supersede_reason = rec->supersede_reason};
    for (size_t i = 0; i < rec->n_files; i++)
        if (!strcmp(rec->files[i].role, "actuals")) {
            meta->actuals_name = rec->files[i].name;
            meta->actuals_sha256 = rec->files[i].sha256;
        }
    if (!clock_to_jst(rec->created, &meta->issue_date, NULL, NULL)) /* the day in Japan */
        meta->issue_date = 0;
}

static int republish(settle_src *s, const cli_paths *paths, const ledger_settlement *rec)
{
    settlement st = {0};
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    int fy = rec->fiscal_year, rc = recompute(s, rec, &rs, &st);
    if (rc == EXIT_OK && compare_rows(&st, rec, stdout)) {
        fprintf(stderr, "kasan restore: the settlement of FY%d no longer computes as recorded; "
                        "nothing written (see kasan replay --settlement %d)\n", fy, fy);
        rc = EXIT_DIFFERENT;
    }
    settle_meta meta;
    recorded_meta(rec, &rs, &s->a, &meta);
    char *dir = arena_printf(&s->a, "%s/settlement-%d", paths->out, fy);
    char *stage = arena_printf(&s->a, "%s/.settlement-%d.stage-%ld", paths->out, fy,
                               (long)getpid());
    if (rc == EXIT_OK && write_outputs(&st, &meta, stage) != 0)
        rc = EXIT_INTERNAL;
    if (rc == EXIT_OK && holds_same(dir, stage, &s->a)) {
        printf("%s holds the finalized settlement %s; nothing to restore\n", dir, rec->settle_id);
    } else if (rc == EXIT_OK && restore_publish(stage, dir, NULL) != 0) {
        fprintf(stderr, "kasan restore: cannot move the outputs into %s: %s\n", dir,
                strerror(errno));
        rc = EXIT_INTERNAL;
    } else if (rc == EXIT_OK) {
        printf("restored %s/ from the ledger: settlement %s (event %lld)\n", dir,
               rec->settle_id, (long long)rec->event_seq);
    }
    if (fs_exists(stage))
        fs_remove_tree(stage);
    settle_free(&st);
    rules_free(&rs);
    return rc;
}

int cli_restore_settlement(const cli_paths *paths, int fy)
{
    settle_src s = {0};
    ledger_settlement rec;
    int rc = open_ledger(&s, paths);
    if (rc == EXIT_INVALID)
        rc = EXIT_USAGE;
    if (rc == EXIT_OK) {
        int status = ledger_settle_current(s.lg, fy, &s.a, &rec);
        if (status != LEDGER_OK) {
            fprintf(stderr, "kasan restore: FY%d: %s\n", fy,
                    status == LEDGER_NOT_FOUND ? "no finalized settlement in the ledger"
                                               : ledger_errmsg(s.lg));
            rc = status == LEDGER_NOT_FOUND ? EXIT_USAGE : EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK)
        rc = republish(&s, paths, &rec);
    src_free(&s);
    return rc;
}

/* ---- kasan explain --settlement ----------------------------------------- */

static void explain_months(const settle_row *r)
{
    const program *rule = r->rule;
    const rule_value *read[16];
    size_t n = 0;
    for (size_t i = 0; i < rule->n_values && n < 16; i++) {
        const rule_value *rv = &rule->values[i];
        bool used = false;
        for (size_t k = 0; k < rule->settlement->n_values && !used; k++)
            for (size_t f = 0; f < rule->settlement->values[k].n_fields && !used; f++)
                used = !strcmp(rule->settlement->values[k].fields[f], rv->name);
        if (used && rv->kind == RV_FORMULA && rv->scope == SCOPE_NURSERY)
            read[n++] = rv;
    }
    printf("  months (finalized, current runs):\n");
    for (size_t m = 0; m < r->n_months; m++) {
        char mon[8], paid[CLI_YEN_LEN];
        month_format(r->month[m], mon);
        printf("    %s  rule %-8s paid %12s yen", mon, r->month_version[m],
               cli_yen(r->month_paid[m], false, paid));
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
    char b1[CLI_YEN_LEN], b2[CLI_YEN_LEN];
    printf("\n%s %s — settlement of version %s, in force on 31 March\n", sp->id, sp->title,
           sp->version);
    printf("  basis: %s\n", sp->basis);
    explain_months(r);
    printf("  actuals report (実績報告) line %d: reported_salary_cost = %s yen, "
           "reported_other_income = %s yen\n", r->actual->line,
           cli_yen(r->actual->salary_cost, false, b1), cli_yen(r->actual->other_income, false, b2));
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
               cli_yen(r->settled_before > 0 ? r->settled_before : -r->settled_before, false,
                       b1));
    printf("  ⇒ annual %s yen, paid %s yen: ", cli_yen(r->annual, false, b1),
           cli_yen(r->paid, false, b2));
    if (r->difference > 0)
        printf("追加交付 %s yen\n", cli_yen(r->difference, false, b1));
    else if (r->difference < 0)
        printf("返還 %s yen, due %d days after the notice (repayment_due_days)\n",
               cli_yen(-r->difference, false, b1), r->rule->repayment_due_days);
    else
        printf("no difference\n");
}

int cli_explain_settlement(const cli_paths *paths, int fy, const char *nursery_id)
{
    rule_set rs;
    settle_src s = {0};
    settlement st = {0};
    int rc = cli_load_rules(paths->rules, &rs);
    if (rc == EXIT_OK)
        rc = prepare(&s, paths, &rs, fy, &st);
    size_t shown = 0;
    arena a = ARENA_INIT;
    ledger_settlement cur;
    int64_t final_seq = 0; /* a finalized settlement: explain what a correction decides */
    if (rc == EXIT_OK && ledger_settle_current(s.lg, fy, &a, &cur) == LEDGER_OK) {
        final_seq = cur.event_seq;
        rc = apply_prior(s.lg, fy, final_seq, &st);
    }
    arena_release(&a);
    if (rc == EXIT_OK) {
        printf("settlement FY%d (精算) for nursery %s\n", fy, nursery_id);
        if (final_seq)
            printf("  FY%d's settlement is finalized (event %lld): paid below counts what it "
                   "decided, so the difference is what a correction (--supersede) would "
                   "add\n", fy, (long long)final_seq);
        print_missing(&st);
        for (size_t i = 0; i < st.n_rows; i++)
            if (!strcmp(st.rows[i].nursery_id, nursery_id)) {
                if (!shown)
                    printf("  %s\n", st.rows[i].nursery_name);
                explain_row(&st.rows[i]);
                shown++;
            }
        if (!shown)
            printf("  %s was not paid under a settled program in FY%d: nothing to settle\n",
                   nursery_id, fy);
    }
    settle_free(&st);
    src_free(&s);
    rules_free(&rs);
    return rc;
}
