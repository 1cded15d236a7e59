/* settle: the year-end settlement (精算, SPEC 6.2) as procedures — the
 * year's finalized months recomputed from the ledger's archive and checked
 * against what was paid (archive.c), the actuals report read, every nursery
 * settled under the rules in force on 31 March (src/engine/settle.c), a
 * correction made to count what the settlements before it decided (SPEC
 * 6.1), the outputs staged, a finalization recorded under budget control,
 * and only then the outputs moved into place (publish.c).  Also the
 * settlement's replay, its restore and what explain shows.
 * Not here: any settlement formula (rule files), the computation itself
 * (src/engine/settle.c), the writers (src/report), the summary a person
 * reads (the front-end prints it from the result). */
#include "flow_int.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/budget_ward.h"
#include "kasan/clock.h"
#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"
#include "kasan/hash.h"
#include "kasan/ledger_decide.h"
#include "kasan/ledger_docs.h"
#include "kasan/report.h"
#include "kasan/report_settle.h"
#include "kasan/testhold.h"

/* What a settlement is computed from. */
typedef struct settle_src {
    arena a;
    ledger *lg;
    bool borrowed;                             /* lg is the caller's */
    flow_archived months[SETTLE_MONTHS];       /* each month's run recomputed */
    const month_run *run_ptr[SETTLE_MONTHS];
    const char *run_id[SETTLE_MONTHS];         /* by fiscal index; NULL = not finalized */
    size_t n_months;
    input_file actuals_file;
    actuals ac;
    flow_notes *notes;
} settle_src;

static void src_free(settle_src *s)
{
    for (size_t i = 0; i < s->n_months; i++)
        flow_archived_free(&s->months[i]);
    if (!s->borrowed)
        ledger_close(s->lg);
    arena_release(&s->a);
}

/* ---- the year's months from the ledger ----------------------------------- */

/* Each recomputed payment must be what the ledger says was paid; the first
 * that is not, in nursery × program order, is named. */
static int check_paid(const month_run *run, const ledger_run *r, flow_notes *notes)
{
    size_t rows = 0;
    flow_paid_walk w;
    const ledger_payment *paid;
    const payment_row *now;
    int rc = EXIT_OK;
    flow_paid_walk_start(&w, run, r);
    while (rc == EXIT_OK && flow_paid_walk_next(&w, &paid, &now)) {
        if (!now)
            continue; /* paid, recomputed nothing: counted below */
        rows++;
        if (!paid || paid->amount_yen != now->amount) {
            flow_say(notes, FLOW_NOTE_KASAN, "%s recomputes %s %s differently from what was "
                     "paid (run kasan replay --month %s)", r->month, now->nursery_id,
                     now->program_id, r->month);
            rc = EXIT_DIFFERENT;
        }
    }
    if (!flow_paid_walk_end(&w) && rc == EXIT_OK) {
        flow_say(notes, FLOW_NOTE_KASAN, "%s: the ledger's payment rows are not in nursery and "
                 "program order", r->month);
        rc = EXIT_DIFFERENT;
    }
    if (rc == EXIT_OK && rows != r->n_payments) {
        flow_say(notes, FLOW_NOTE_KASAN, "%s recomputes %zu payment rows, the ledger holds %zu",
                 r->month, rows, r->n_payments);
        rc = EXIT_DIFFERENT;
    }
    return rc;
}

/* One finalized month: its run (run_id, or the current one when NULL),
 * recomputed from the files archived with it and checked against what was
 * paid.  Rules that no longer load are a difference here. */
static int load_month(settle_src *s, const char *month, const char *run_id)
{
    ledger_run *runs, *r = NULL;
    size_t n;
    int st = ledger_runs(s->lg, month, &s->a, &runs, &n);
    for (size_t i = 0; st == LEDGER_OK && i < n; i++)
        if (run_id ? !strcmp(runs[i].run_id, run_id) : !runs[i].superseded_by)
            r = &runs[i];
    if (st != LEDGER_OK || !r) {
        flow_say(s->notes, FLOW_NOTE_KASAN, "the ledger has no run %s of %s",
                 run_id ? run_id : "", month);
        return st == LEDGER_OK ? EXIT_DIFFERENT : EXIT_INTERNAL;
    }
    claim_month m;
    month_parse(month, &m);
    size_t k = s->n_months++; /* freed whatever happens */
    int rc = flow_archive_month(s->lg, r, m, NULL, &s->months[k], s->notes);
    if (rc == EXIT_INVALID)
        rc = EXIT_DIFFERENT;
    if (rc == EXIT_OK)
        rc = check_paid(&s->months[k].run, r, s->notes);
    s->run_ptr[k] = &s->months[k].run;
    s->run_id[month_fiscal_index(m)] = r->run_id;
    return rc;
}

static int open_ledger(settle_src *s, const flow_paths *paths)
{
    char err[512], *path = flow_ledger_path(paths, &s->a);
    int st = ledger_open(path, false, &s->lg, err, sizeof err);
    if (st == LEDGER_OK)
        return EXIT_OK;
    flow_say(s->notes, FLOW_NOTE_KASAN, "cannot open the ledger: %s%s", err,
             st == LEDGER_NOT_FOUND ? " (no month has been finalized)" : "");
    return st == LEDGER_NOT_FOUND ? EXIT_INVALID : EXIT_INTERNAL;
}

/* The current runs of the fiscal year's months, recomputed. */
static int load_year(settle_src *s, int fy)
{
    ledger_month_sum *ms;
    size_t n;
    if (ledger_fy_months(s->lg, fy, &s->a, &ms, &n) != LEDGER_OK) {
        flow_say(s->notes, FLOW_NOTE_KASAN, "ledger: %s", ledger_errmsg(s->lg));
        return EXIT_INTERNAL;
    }
    if (n == 0) {
        flow_say(s->notes, FLOW_NOTE_KASAN, "no month of FY%d is finalized: nothing to settle",
                 fy);
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
    flow_say_diags(s->notes, &d);
    diag_release(&d);
    return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

static int read_actuals(settle_src *s, const flow_paths *paths, int fy)
{
    input_file *f = &s->actuals_file;
    f->name = arena_printf(&s->a, "settlement/%d/actuals.csv", fy);
    char *path = arena_printf(&s->a, "%s/%s", paths->data, f->name), *data;
    if (fs_read_file_arena(path, &s->a, &data, &f->len) != 0) {
        flow_say(s->notes, FLOW_NOTE_LINE, "%s: error: cannot read the actuals report (実績報告): "
                 "%s", path, strerror(errno));
        return EXIT_INVALID;
    }
    f->data = data;
    hash_sha256_hex(f->data, f->len, f->sha256);
    return parse_actuals(s);
}

/* After a failed computation: the months of the year not finalized, since a
 * nursery paid only in them is not yet "paid in FY" for the actuals check. */
static void say_unfinalized(const settle_src *s, int fy)
{
    int n = 0;
    for (int i = 0; i < SETTLE_MONTHS; i++)
        n += s->run_id[i] == NULL;
    if (!n)
        return;
    char list[SETTLE_MONTHS * 8 + 1] = "";
    for (int i = 0; i < SETTLE_MONTHS; i++)
        if (!s->run_id[i]) {
            char mon[8];
            month_format(month_of_fiscal(fy, i), mon);
            strcat(list, " ");
            strcat(list, mon);
        }
    flow_say(s->notes, FLOW_NOTE_LINE, "  %d month%s of FY%d not finalized, so not counted:%s\n"
             "  finalize them first (kasan run --month M --finalize)", n, n == 1 ? "" : "s", fy,
             list);
}

static int compute(settle_src *s, const rule_set *rs, int fy, settlement *out)
{
    diag_list d = DIAG_LIST_INIT;
    int rc = settle_compute(rs, fy, s->run_ptr, s->n_months, &s->ac, out, &d);
    flow_say_diags(s->notes, &d);
    diag_release(&d);
    if (rc != 0) {
        flow_say(s->notes, FLOW_NOTE_KASAN, "the settlement of FY%d was not computed; nothing "
                 "was written", fy);
        say_unfinalized(s, fy); /* the usual cause of "was not paid" mid-year */
    }
    return rc == 0 ? EXIT_OK : EXIT_INVALID;
}

/* The 交付確定額 capped by the grant decision in force just before event
 * before_seq (0: now), when the year has one (docs/spec/12): each capped
 * row said. */
static int cap_by_decision(settle_src *s, int fy, int64_t before_seq, settlement *st, bool say)
{
    ledger_decision dec;
    int status = ledger_decision_before(s->lg, fy, before_seq, &s->a, &dec);
    if (status == LEDGER_NOT_FOUND)
        return EXIT_OK;
    if (status != LEDGER_OK) {
        flow_say(s->notes, FLOW_NOTE_SAY, "ledger: %s", ledger_errmsg(s->lg));
        return EXIT_INTERNAL;
    }
    settle_cap_row *caps = arena_calloc(&s->a, dec.n_rows + 1, sizeof *caps);
    for (size_t i = 0; i < dec.n_rows; i++)
        caps[i] = (settle_cap_row){dec.rows[i].nursery_id, dec.rows[i].program,
                                   dec.rows[i].annual_yen};
    diag_list d = DIAG_LIST_INIT;
    int rc = settle_cap(st, caps, dec.n_rows, &d) ? EXIT_INVALID : EXIT_OK;
    flow_say_diags(s->notes, &d);
    diag_release(&d);
    for (size_t i = 0; say && rc == EXIT_OK && i < st->n_rows; i++)
        if (st->rows[i].capped)
            flow_say(s->notes, FLOW_NOTE_SAY, "warning: %s %s: the settlement gives %lld yen, "
                     "capped at its grant decision (交付決定額) of %lld yen", st->rows[i].nursery_id,
                     st->rows[i].rule->id, (long long)st->rows[i].computed_annual,
                     (long long)st->rows[i].annual);
    return rc;
}

/* Months of the year, from the ledger, then the actuals: settle and explain. */
static int prepare(settle_src *s, const flow_paths *paths, const rule_set *rs, int fy,
                   settlement *out)
{
    int rc = open_ledger(s, paths);
    if (!rc)
        rc = load_year(s, fy);
    if (!rc)
        rc = read_actuals(s, paths, fy);
    if (!rc)
        rc = compute(s, rs, fy, out);
    if (!rc)
        rc = cap_by_decision(s, fy, 0, out, true);
    return rc;
}

/* Makes st a correction of the settlement recorded as event seq (or of the
 * current one when seq is 0): rows count what it already decided (SPEC 6.1). */
static int apply_prior(ledger *lg, int fy, int64_t seq, settlement *st, flow_notes *notes)
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
        flow_say(notes, FLOW_NOTE_SAY, "ledger: %s", ledger_errmsg(lg));
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
    flow_say_diags(notes, &d);
    diag_release(&d);
    arena_release(&a);
    return rc;
}

/* ---- 文書番号 (issue 22) ------------------------------------------------------- */

/* The year's ordinal of the settlement superseding seq (0: the first):
 * 1 + the settlements it follows. */
static int settle_ordinal(ledger *lg, int64_t seq, int *ordinal, flow_notes *notes)
{
    arena a = ARENA_INIT;
    *ordinal = 1;
    while (seq) {
        ledger_settlement rec;
        if (ledger_settle_at(lg, seq, &a, &rec) != LEDGER_OK) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot read the settlement of event %lld: %s",
                     (long long)seq, ledger_errmsg(lg));
            arena_release(&a);
            return EXIT_INTERNAL;
        }
        ++*ordinal;
        assert(rec.supersedes_seq < seq);
        seq = rec.supersedes_seq;
    }
    arena_release(&a);
    return EXIT_OK;
}

/* meta->docnos: the notices st sends, by nursery id, numbered from first
 * (rec NULL) or as recorded in rec[0 .. n_rec). */
static int number_notices(const settlement *st, settle_meta *meta, int64_t first,
                          const ledger_document *rec, size_t n_rec, arena *a, flow_notes *notes)
{
    report_docno *v = arena_calloc(a, st->n_rows + 1, sizeof *v);
    size_t k = 0;
    const rule_issuer *is = rules_issuer_in_force(meta->rules, meta->issue_date);
    for (size_t i = 0, n; i < st->n_rows; i += n) {
        const char *id = st->rows[i].nursery_id;
        for (n = 1; i + n < st->n_rows && !strcmp(st->rows[i + n].nursery_id, id);)
            n++;
        if (!report_settle_notice_sent(st, i, n))
            continue;
        int64_t no = first + (int64_t)k;
        if (rec) {
            no = 0;
            for (size_t j = 0; j < n_rec && !no; j++)
                if (!strcmp(rec[j].nursery_id, id))
                    no = rec[j].number;
            if (!no)
                continue; /* finalized before numbers */
        }
        char buf[256];
        if (!is || !rules_issuer_number(is, st->fiscal_year, (long)no, buf, sizeof buf)) {
            flow_say(notes, FLOW_NOTE_SAY, "no 文書番号 for %s: %s", id,
                     is ? "the issuer's document_number pattern gives a number too long"
                        : "no issuer (rules/issuer/) in force on the issue date");
            return EXIT_INVALID;
        }
        v[k++] = (report_docno){id, "settlement_notice", arena_strdup(a, buf)};
    }
    meta->docnos = v;
    meta->n_docnos = k;
    return EXIT_OK;
}

/* The notices numbered in meta as staged under stage, with their SHA-256. */
static int hash_notices(const char *stage, const char *name, const settle_meta *meta,
                        int64_t first, arena *a, ledger_document **out, size_t *n,
                        flow_notes *notes)
{
    char **files = arena_calloc(a, meta->n_docnos + 1, sizeof *files);
    for (size_t i = 0; i < meta->n_docnos; i++) {
        char file[1024];
        report_settle_notice_file(meta, meta->docnos[i].nursery_id, "pdf", file, sizeof file);
        files[i] = arena_strdup(a, file);
    }
    return flow_docnos_record(stage, name, meta->docnos, files, meta->n_docnos, first, a, out, n,
                              notes);
}

/* ---- outputs --------------------------------------------------------------- */

static int write_outputs(const settlement *st, const settle_meta *meta, const char *dir,
                         const flow_progress *pg, flow_notes *notes)
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
    if (pg && pg->start)
        pg->start(pg->ctx, "settlement notices", total);
    for (size_t i = 0, n; rc == 0 && i < st->n_rows; i += n) {
        const char *id = st->rows[i].nursery_id;
        for (n = 1; i + n < st->n_rows && !strcmp(st->rows[i + n].nursery_id, id);)
            n++;
        char file[1024];
        if (report_settle_notice_sent(st, i, n)) { /* a correction: the changed ones only */
            report_settle_notice_file(meta, id, "xlsx", file, sizeof file);
            snprintf(path, sizeof path, "%s/%s", dir, file);
            rc = report_settle_notice_xlsx(st, i, n, meta, path, err, sizeof err);
            report_settle_notice_file(meta, id, "pdf", file, sizeof file);
            snprintf(path, sizeof path, "%s/%s", dir, file);
            if (rc == 0) /* the PDF the nursery receives (issue 22) */
                rc = report_settle_notice_pdf(st, i, n, meta,
                                              report_docno_find(meta->docnos, meta->n_docnos, id),
                                              path, err, sizeof err);
        }
        if (pg && pg->tick)
            pg->tick(pg->ctx, ++done);
    }
    if (pg && pg->end)
        pg->end(pg->ctx);
    if (rc != 0)
        flow_say(notes, FLOW_NOTE_SAY, "%s", *err ? err : strerror(errno));
    return rc;
}

/* OUT/settlement-FY, and the sweep of what dead processes left beside it
 * (also under the staging name used before the one scheme: .NAME.stage-PID). */
static char *settlement_dir(const flow_paths *paths, int fy, arena *a, flow_notes *notes)
{
    char *name = arena_printf(a, "settlement-%d", fy);
    flow_sweep(paths->out, name, notes);
    flow_sweep_prefix(paths->out, arena_printf(a, ".%s.stage-", name), notes);
    return arena_printf(a, "%s/%s", paths->out, name);
}

/* ---- kasan settle -------------------------------------------------------------- */

static void fill_request(const flow_settle_req *rq, const settlement *st, const settle_meta *meta,
                         const settle_src *s, const rule_set *rs, arena *a, ledger_settle_req *lr)
{
    lr->fiscal_year = st->fiscal_year;
    lr->settle_id = meta->settle_id;
    lr->created = meta->created;
    lr->actor = rq->actor.name;
    lr->engine_version = KASAN_VERSION;
    ledger_settle_row *rows = arena_calloc(a, st->n_rows + 1, sizeof *rows);
    for (size_t i = 0; i < st->n_rows; i++) {
        const settle_row *r = &st->rows[i];
        rows[i] = (ledger_settle_row){r->nursery_id, r->rule->id, r->rule->version, r->annual,
                                      r->paid, r->difference, r->corrected, r->settled_before,
                                      r->prior_annual, r->prior_difference};
    }
    lr->rows = rows;
    lr->n_rows = st->n_rows;
    ledger_settle_month *ms = arena_calloc(a, SETTLE_MONTHS, sizeof *ms);
    for (int i = 0; i < SETTLE_MONTHS; i++)
        if (s->run_id[i]) {
            char *mon = arena_alloc(a, 8);
            month_format(month_of_fiscal(st->fiscal_year, i), mon);
            ms[lr->n_months++] = (ledger_settle_month){mon, s->run_id[i]};
        }
    lr->months = ms;
    ledger_file *files = arena_calloc(a, rs->n_files + 1, sizeof *files);
    files[0] = (ledger_file){"actuals", s->actuals_file.name, s->actuals_file.data,
                             s->actuals_file.len, s->actuals_file.sha256};
    for (size_t i = 0; i < rs->n_files; i++)
        files[i + 1] = (ledger_file){"rules", rs->files[i].name, rs->files[i].data,
                                     rs->files[i].len, rs->files[i].sha256};
    lr->files = files;
    lr->n_files = rs->n_files + 1;
    const budget_line *b = rules_budget_for_fy(rs, st->fiscal_year);
    if (b)
        lr->budget = (ledger_budget){b->fiscal_year, b->line_id, b->amount};
    if (meta->charged_fiscal_year) { /* finalized after the closing: 過年度支出 */
        const budget_line *cb = rules_budget_for_fy(rs, meta->charged_fiscal_year);
        lr->charge = (ledger_budget){meta->charged_fiscal_year, cb ? cb->line_id : NULL,
                                     cb ? cb->amount : 0};
    }
    lr->additional_yen = st->additional_total;
    lr->repayment_yen = st->repayment_total;
    lr->fy_additional_yen = st->fy_additional;
    lr->over_budget_reason = rq->over_budget_reason;
    lr->supersede = rq->supersede;
    lr->reason = rq->reason;
}

/* The year's 出納閉鎖 and, when the settlement is made after it with
 * 追加交付, the year that pays it (the workbook's note). */
static void charge_of(const settlement *st, const rule_set *rs, settle_meta *meta)
{
    date_t today;
    budget_charge c;
    meta->accounts_close = rules_accounts_close(rs, st->fiscal_year);
    if (st->additional_total > 0 && clock_to_jst(meta->created, &today, NULL, NULL) &&
        budget_additional_charge(st->fiscal_year, meta->accounts_close, today, &c) &&
        c.prior_year)
        meta->charged_fiscal_year = c.fiscal_year;
}

/* A draft after the year's 出納閉鎖 says which line its 追加交付 would be
 * charged to if finalized today (過年度支出), and that it would be refused
 * while that year has no budget file. */
static void say_prior_year(const settlement *st, const settle_meta *meta, const rule_set *rs,
                           flow_notes *notes)
{
    char b[FLOW_YEN_LEN], d[11];
    int later = meta->charged_fiscal_year;
    if (!later)
        return;
    date_format_iso(meta->accounts_close, d);
    flow_say(notes, FLOW_NOTE_SAY, "FY%d's accounts closed on %s (出納閉鎖): finalized now, the "
             "追加交付 of %s yen is 過年度支出 of FY%d%s", st->fiscal_year, d,
             flow_yen(st->additional_total, false, b), later,
             rules_budget_for_fy(rs, later) ? ", held to that year's line"
             : ", which has no budget file under the rules: finalizing would be refused");
}

/* A settlement after the closing refused for the later year's line. */
static void say_late_refusal(flow_notes *notes, const ledger_settle_req *lr, int status,
                             int64_t overrun, const rule_set *rs)
{
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], d[11];
    int fy = lr->fiscal_year, later = lr->charge.fiscal_year;
    date_format_iso(rules_accounts_close(rs, fy), d);
    if (status == LEDGER_NO_BUDGET_LINE)
        flow_say(notes, FLOW_NOTE_SAY, "refused: the 追加交付 of %s yen is paid after FY%d's "
                 "出納閉鎖 (%s), so it is 過年度支出 of FY%d, and the rules have no budget line for "
                 "FY%d: add FY%d's budget file (rules/budget/), then settle again",
                 flow_yen(lr->additional_yen, false, b1), fy, d, later, later, later);
    else
        flow_say(notes, FLOW_NOTE_SAY, "finalization refused by budget control: the 追加交付 of "
                 "%s yen is paid after FY%d's 出納閉鎖 (%s): as 過年度支出 of FY%d it would take "
                 "FY%d's paid total over its line %s by %s yen.\n  To pay it anyway, give the "
                 "reason (補正予算・流用): --over-budget-reason TEXT",
                 flow_yen(lr->additional_yen, false, b1), fy, d, later, later,
                 lr->charge.line_id, flow_yen(overrun, false, b2));
}

/* Records the settlement; a refusal says why and how to proceed. */
static int finalize(const flow_settle_req *rq, const flow_signer *sg, const settlement *st,
                    const settle_meta *meta, const ledger_document *docs, size_t n_docs,
                    settle_src *s, const rule_set *rs, ledger_settle_res *res_out)
{
    arena a = ARENA_INIT;
    ledger_settle_req lr = {0};
    ledger_settle_res res = {0};
    fill_request(rq, st, meta, s, rs, &a, &lr);
    lr.documents = docs;
    lr.n_documents = n_docs;
    lr.actor = flow_signer_actor(sg, &rq->actor); /* signed: the operator (s->lg has sg) */
    test_hold("settle-record"); /* races tests: a month corrected just now (testhold.h) */
    int status = ledger_settle_finalize(s->lg, &lr, &res), rc = EXIT_OK;
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], b3[FLOW_YEN_LEN], b4[FLOW_YEN_LEN];
    if (status == LEDGER_OK) {
        *res_out = res;
    } else if ((status == LEDGER_OVER_BUDGET || status == LEDGER_NO_BUDGET_LINE) &&
               lr.charge.fiscal_year) {
        say_late_refusal(s->notes, &lr, status, res.overrun_yen, rs);
        rc = EXIT_REFUSED;
    } else if (status == LEDGER_OVER_BUDGET) { /* the figures as the run's (1,234 yen) */
        int64_t after = lr.budget.line_amount_yen + res.overrun_yen;
        flow_say(s->notes, FLOW_NOTE_SAY, "finalization refused by budget control: the 追加交付 "
                 "of %s yen would bring FY%d's paid total to %s yen, %s yen over the %s line of "
                 "%s yen.\n  To pay the 追加交付 anyway, give the reason (補正予算・流用): "
                 "--over-budget-reason TEXT", flow_yen(lr.fy_additional_yen, false, b1),
                 st->fiscal_year, flow_yen(after, false, b2), flow_yen(res.overrun_yen, false, b3),
                 lr.budget.line_id, flow_yen(lr.budget.line_amount_yen, false, b4));
        rc = EXIT_REFUSED;
    } else if (status == LEDGER_NO_BUDGET_LINE) {
        flow_say(s->notes, FLOW_NOTE_SAY, "refused: %s\n  To pay the 追加交付 anyway, give the "
                 "reason: --over-budget-reason TEXT", ledger_errmsg(s->lg));
        rc = EXIT_REFUSED;
    } else if (status == LEDGER_ALREADY_FINALIZED || status == LEDGER_NOTHING_TO_SUPERSEDE ||
               status == LEDGER_BUSY || status == LEDGER_STALE) {
        flow_say(s->notes, FLOW_NOTE_SAY, "refused: %s", ledger_errmsg(s->lg));
        rc = EXIT_REFUSED;
    } else {
        flow_say(s->notes, FLOW_NOTE_SAY, "ledger: %s: %s", ledger_strstatus(status),
                 ledger_errmsg(s->lg));
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_REFUSED && status != LEDGER_BUSY) /* SPEC 1.4: the refusal is in the trail */
        flow_refusal_note(s->notes, s->lg, res.event_seq, res.event_hash);
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
        flow_say(s->notes, FLOW_NOTE_SAY, "ledger: %s", ledger_errmsg(s->lg));
        return EXIT_INTERNAL;
    }
    flow_say(s->notes, FLOW_NOTE_SAY, "the settlement of FY%d is finalized; its outputs are "
             "the record and a draft would replace them (a correction is --finalize "
             "--supersede --reason TEXT)", fy);
    return EXIT_REFUSED;
}

/* The rules in force under paths->rules and the year computed from the
 * ledger and the actuals: what settle and explain start from. */
static int begin(const flow_settle_req *rq, flow_settle_res *res)
{
    memset(res, 0, sizeof *res);
    settle_src *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->notes = &res->notes;
    res->src = s;
    int rc = flow_load_rules(rq->paths.rules, &res->rules, &res->notes);
    return rc == EXIT_OK ? prepare(s, &rq->paths, &res->rules, rq->fiscal_year, &res->st) : rc;
}

int flow_settle(const flow_settle_req *rq, flow_settle_res *res)
{
    int rc = begin(rq, res);
    settle_src *s = res->src;
    /* who finalizes (SPEC 10.1), on the rules in force; the role refused as an event */
    flow_signer sg = {0};
    if (rc == EXIT_OK && rq->finalize)
        rc = flow_signer_begin(&res->rules, &rq->actor, DUTY_SETTLE, &sg, &res->notes);
    if (rc == EXIT_OK && rq->finalize) {
        char fy[16];
        snprintf(fy, sizeof fy, "FY%d", rq->fiscal_year);
        rc = flow_signer_role(&sg, s->lg, fy, NULL, rq->supersede ? "settle_supersede" : "settle",
                              &res->notes);
    }
    if (rc == EXIT_OK && !rq->finalize)
        rc = refuse_draft_if_final(s, rq->fiscal_year);
    if (rc == EXIT_OK && rq->supersede)
        rc = apply_prior(s->lg, rq->fiscal_year, 0, &res->st, &res->notes);
    clock_now_iso(res->created);
    res->meta = (settle_meta){.created = res->created, .finalized = rq->finalize,
                              .engine_version = KASAN_VERSION, .rules = &res->rules,
                              .actuals_name = s->actuals_file.name,
                              .actuals_sha256 = s->actuals_file.sha256, .month_runs = s->run_id,
                              .supersede_reason = rq->reason};
    if (rc == EXIT_OK) {
        char stamp[32];
        flow_time_stamp(res->created, stamp);
        res->meta.settle_id = arena_printf(&res->a, "settle-%d-%s-%.8s", rq->fiscal_year, stamp,
                                           s->actuals_file.sha256);
        if (!rq->issue_date ||
            !date_parse_iso(rq->issue_date, strlen(rq->issue_date), &res->meta.issue_date))
            clock_to_jst(res->created, &res->meta.issue_date, NULL, NULL); /* the day in Japan */
        charge_of(&res->st, &res->rules, &res->meta);
    }
    res->dir = settlement_dir(&rq->paths, rq->fiscal_year, &res->a, &res->notes);
    char *stage = flow_stage_dir(rq->paths.out, arena_printf(&res->a, "settlement-%d",
                                                             rq->fiscal_year),
                                 (long)getpid(), &res->a);
    /* 文書番号: the notices a finalization sends, numbered before they are
     * written, hashed after, recorded with the settlement; a correction's
     * under new names (ID-N.pdf), for the changed nurseries only */
    int64_t first = 0;
    if (rc == EXIT_OK && rq->finalize) {
        ledger_settlement cur;
        int ordinal = 1;
        int status = ledger_settle_current(s->lg, rq->fiscal_year, &res->a, &cur);
        if (status == LEDGER_OK) /* this one supersedes the current */
            rc = settle_ordinal(s->lg, cur.event_seq, &ordinal, &res->notes);
        else if (status != LEDGER_OK && status != LEDGER_NOT_FOUND) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "FY%d: %s", rq->fiscal_year,
                     ledger_errmsg(s->lg));
            rc = EXIT_INTERNAL;
        }
        if (ordinal >= 2)
            res->meta.reissue = ordinal;
        if (rc == EXIT_OK && ledger_documents_next(s->lg, rq->fiscal_year, &first) != LEDGER_OK) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "cannot read the last 文書番号: %s",
                     ledger_errmsg(s->lg));
            rc = EXIT_INTERNAL;
        }
        if (rc == EXIT_OK)
            rc = number_notices(&res->st, &res->meta, first, NULL, 0, &res->a, &res->notes);
    }
    if (rc == EXIT_OK && write_outputs(&res->st, &res->meta, stage, rq->progress, &res->notes))
        rc = EXIT_INTERNAL;
    ledger_document *docs = NULL;
    size_t n_docs = 0;
    if (rc == EXIT_OK && rq->finalize)
        rc = hash_notices(stage, arena_printf(&res->a, "settlement-%d", rq->fiscal_year),
                          &res->meta, first, &res->a, &docs, &n_docs, &res->notes);
    if (rc == EXIT_OK && rq->finalize) /* a refusal shows no 確定 summary */
        rc = finalize(rq, &sg, &res->st, &res->meta, docs, n_docs, s, &res->rules, &res->event);
    res->decided = rc == EXIT_OK;
    res->no_budget_line = res->decided && !rq->finalize && res->st.additional_total > 0 &&
                          !rules_budget_for_fy(&res->rules, rq->fiscal_year);
    if (res->decided && !rq->finalize)
        say_prior_year(&res->st, &res->meta, &res->rules, &res->notes);
    unsigned keep = FLOW_KEEP_TRANSFER_FILES | (res->meta.reissue >= 2 ? FLOW_KEEP_SENT : 0);
    if (rc == EXIT_OK && flow_publish_dir(stage, res->dir, keep, NULL) != 0) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot move the outputs into %s: %s", res->dir,
                 strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (fs_exists(stage))
        fs_remove_tree(stage);
    return rc;
}

void flow_settle_free(flow_settle_res *res)
{
    settle_free(&res->st);
    if (res->src) {
        src_free(res->src);
        free(res->src);
    }
    rules_free(&res->rules);
    flow_notes_free(&res->notes);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}

/* ---- the settlement against what was recorded -------------------------------- */

/* A settlement row's key: its program is its rule's id. */
typedef struct row_key {
    const char *nursery_id, *program;
    const settle_row *row;
} row_key;

size_t flow_settle_compare(const settlement *st, const ledger_settlement *rec, flow_notes *notes)
{
    size_t diffs = 0, same = 0;
    row_key *keys = calloc(st->n_rows + 1, sizeof *keys);
    if (!keys)
        abort();
    for (size_t i = 0; i < st->n_rows; i++)
        keys[i] = (row_key){st->rows[i].nursery_id, st->rows[i].rule->id, &st->rows[i]};
    rowmerge m;
    rowmerge_start(&m, ROWMERGE_LIST(keys, st->n_rows, row_key, nursery_id, program),
                   ROWMERGE_LIST(rec->rows, rec->n_rows, ledger_settle_row, nursery_id, program));
    const void *x, *y;
    while (rowmerge_next(&m, &x, &y)) {
        const settle_row *r = x ? ((const row_key *)x)->row : NULL;
        const ledger_settle_row *l = y;
        if (!r) {
            flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT %s %s: recorded annual %lld, "
                     "recomputed nothing", l->nursery_id, l->program, (long long)l->annual_yen);
            diffs++;
        } else if (!l || strcmp(l->rule_version, r->rule->version) ||
                   l->annual_yen != r->annual || l->paid_yen != r->paid ||
                   l->difference_yen != r->difference || l->corrected != r->corrected ||
                   l->settled_before_yen != r->settled_before ||
                   l->superseded_annual_yen != r->prior_annual ||
                   l->superseded_difference_yen != r->prior_difference) {
            flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT %s %s: recorded %s, recomputed annual "
                     "%lld paid %lld difference %lld (rule %s)", r->nursery_id, r->rule->id,
                     l ? "another amount" : "nothing", (long long)r->annual, (long long)r->paid,
                     (long long)r->difference, r->rule->version);
            diffs++;
        } else {
            same++;
        }
    }
    if (m.disorder) { /* the recorded rows are the ledger's; ours come sorted */
        flow_say(notes, FLOW_NOTE_RESULT, "  DIFFERENT settlement rows: the recorded ones are "
                 "not in nursery and program order");
        diffs++;
    }
    free(keys);
    flow_say(notes, FLOW_NOTE_RESULT, "  %zu settlement rows identical, %zu differences", same,
             diffs);
    return diffs;
}

/* ---- replay and restore of a finalized settlement ---------------------------- */

static int replay_load(settle_src *s, const ledger_settlement *rec, rule_set *rs)
{
    for (size_t i = 0; i < rec->n_months; i++) {
        int rc = load_month(s, rec->months[i].month, rec->months[i].run_id);
        if (rc)
            return rc;
    }
    int rc = flow_archive_rules(s->lg, rec->files, rec->n_files, rs, &s->a, s->notes);
    if (rc == EXIT_INVALID)
        rc = EXIT_DIFFERENT;
    for (size_t i = 0; rc == EXIT_OK && i < rec->n_files; i++)
        if (!strcmp(rec->files[i].role, "actuals")) {
            s->actuals_file.name = rec->files[i].name;
            rc = flow_archive_file(s->lg, &rec->files[i], &s->a, &s->actuals_file.data,
                                   &s->actuals_file.len, s->notes);
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
        flow_say_diags(s->notes, &d);
        diag_release(&d);
    }
    if (rc == EXIT_OK) /* capped by the decision as it stood then */
        rc = cap_by_decision(s, rec->fiscal_year, rec->event_seq, st, false);
    if (rc == EXIT_OK && rec->supersedes_seq) /* a correction: over what it superseded */
        rc = apply_prior(s->lg, rec->fiscal_year, rec->supersedes_seq, st, s->notes);
    return rc;
}

/* The replay of fy's current settlement from s->lg, as result lines;
 * EXIT_USAGE when fy has none.  *id: the replayed settle id. */
static int replay_settlement(settle_src *s, int fy, const char **id)
{
    settlement st = {0};
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    ledger_settlement rec;
    int rc = EXIT_OK, status = ledger_settle_current(s->lg, fy, &s->a, &rec);
    if (status != LEDGER_OK) {
        flow_say(s->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(s->lg));
        return status == LEDGER_NOT_FOUND ? EXIT_USAGE : EXIT_INTERNAL;
    }
    *id = rec.settle_id;
    rc = recompute(s, &rec, &rs, &st);
    if (rc == EXIT_OK) {
        flow_say(s->notes, FLOW_NOTE_RESULT, "replay settlement FY%d: %s finalized %s by %s "
                 "(event %lld), %zu months, from %zu archived files", fy, rec.settle_id,
                 rec.created, rec.actor, (long long)rec.event_seq, rec.n_months, rec.n_files);
        rc = flow_settle_compare(&st, &rec, s->notes) ? EXIT_DIFFERENT : EXIT_OK;
        if (rc == EXIT_OK && (st.additional_total != rec.additional_yen ||
                              st.repayment_total != rec.repayment_yen ||
                              st.fy_additional != rec.fy_additional_yen)) {
            flow_say(s->notes, FLOW_NOTE_RESULT, "  DIFFERENT totals");
            rc = EXIT_DIFFERENT;
        }
        flow_say(s->notes, FLOW_NOTE_RESULT, "replay settlement FY%d: %s", fy,
                 rc == EXIT_OK ? "identical to what was recorded"
                               : "DIFFERS from what was recorded");
    }
    settle_free(&st);
    rules_free(&rs);
    return rc;
}

int flow_settle_replay(const flow_paths *paths, int fy, flow_notes *notes)
{
    settle_src s = {.notes = notes};
    const char *id = NULL;
    int rc = open_ledger(&s, paths);
    if (rc == EXIT_INVALID)
        rc = EXIT_USAGE; /* no ledger: nothing finalized to replay (as replay --month) */
    if (rc == EXIT_OK)
        rc = replay_settlement(&s, fy, &id);
    src_free(&s);
    return rc;
}

int flow_settle_replay_in(ledger *lg, int fy, flow_notes *notes, arena *a,
                          const char **settle_id)
{
    settle_src s = {.lg = lg, .borrowed = true, .notes = notes};
    const char *id = NULL;
    ledger_settlement rec;
    int status = ledger_settle_current(lg, fy, &s.a, &rec);
    int rc = status == LEDGER_NOT_FOUND ? -1
             : status != LEDGER_OK      ? EXIT_INTERNAL
                                        : replay_settlement(&s, fy, &id);
    *settle_id = id ? arena_strdup(a, id) : NULL;
    src_free(&s);
    return rc;
}

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

static int republish(settle_src *s, const flow_paths *paths, const ledger_settlement *rec,
                     const flow_progress *pg)
{
    settlement st = {0};
    rule_set rs;
    memset(&rs, 0, sizeof rs);
    int fy = rec->fiscal_year, rc = recompute(s, rec, &rs, &st);
    if (rc == EXIT_OK && flow_settle_compare(&st, rec, s->notes)) {
        flow_say(s->notes, FLOW_NOTE_SAY, "the settlement of FY%d no longer computes as "
                 "recorded; nothing written (see kasan replay --settlement %d)", fy, fy);
        rc = EXIT_DIFFERENT;
    }
    settle_meta meta;
    recorded_meta(rec, &rs, &s->a, &meta);
    ledger_document *nos = NULL; /* the 文書番号 each notice was sent with */
    size_t n_nos = 0;
    int ordinal = 1;
    if (rc == EXIT_OK && ledger_documents_of(s->lg, rec->settle_id, &s->a, &nos, &n_nos)) {
        flow_say(s->notes, FLOW_NOTE_SAY, "settlement %s: cannot read its 文書番号: %s",
                 rec->settle_id, ledger_errmsg(s->lg));
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK)
        rc = settle_ordinal(s->lg, rec->supersedes_seq, &ordinal, s->notes);
    if (ordinal >= 2)
        meta.reissue = ordinal;
    if (rc == EXIT_OK)
        rc = number_notices(&st, &meta, 0, nos, n_nos, &s->a, s->notes);
    char *dir = settlement_dir(paths, fy, &s->a, s->notes);
    char *stage = flow_stage_dir(paths->out, arena_printf(&s->a, "settlement-%d", fy),
                                 (long)getpid(), &s->a);
    if (rc == EXIT_OK && write_outputs(&st, &meta, stage, pg, s->notes) != 0)
        rc = EXIT_INTERNAL;
    if (rc == EXIT_OK && holds_same(dir, stage, &s->a)) {
        flow_say(s->notes, FLOW_NOTE_RESULT, "%s holds the finalized settlement %s; nothing to "
                 "restore", dir, rec->settle_id);
    } else if (rc == EXIT_OK &&
               flow_publish_dir(stage, dir, FLOW_KEEP_TRANSFER_FILES |
                                                (meta.reissue >= 2 ? FLOW_KEEP_SENT : 0),
                                NULL) != 0) {
        flow_say(s->notes, FLOW_NOTE_SAY, "cannot move the outputs into %s: %s", dir,
                 strerror(errno));
        rc = EXIT_INTERNAL;
    } else if (rc == EXIT_OK) {
        flow_say(s->notes, FLOW_NOTE_RESULT, "restored %s/ from the ledger: settlement %s "
                 "(event %lld)", dir, rec->settle_id, (long long)rec->event_seq);
    }
    if (fs_exists(stage))
        fs_remove_tree(stage);
    int lost = 0; /* and its transfer files, any missing written back */
    if (rc == EXIT_OK && dir)
        rc = flow_transfer_restore_files(s->lg, NULL, fy, dir, true, &lost, s->notes);
    if (rc == EXIT_OK && lost)
        rc = EXIT_DIFFERENT;
    settle_free(&st);
    rules_free(&rs);
    return rc;
}

int flow_settle_restore(const flow_paths *paths, int fy, const flow_progress *pg,
                        flow_notes *notes)
{
    settle_src s = {.notes = notes};
    ledger_settlement rec;
    int rc = open_ledger(&s, paths);
    if (rc == EXIT_INVALID)
        rc = EXIT_USAGE;
    if (rc == EXIT_OK) {
        int status = ledger_settle_current(s.lg, fy, &s.a, &rec);
        if (status != LEDGER_OK) {
            flow_say(notes, FLOW_NOTE_SAY, "FY%d: %s", fy,
                     status == LEDGER_NOT_FOUND ? "no finalized settlement in the ledger"
                                                : ledger_errmsg(s.lg));
            rc = status == LEDGER_NOT_FOUND ? EXIT_USAGE : EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK)
        rc = republish(&s, paths, &rec, pg);
    src_free(&s);
    return rc;
}

/* ---- kasan explain --settlement ------------------------------------------------ */

int flow_settle_explain(const flow_settle_req *rq, flow_settle_res *res)
{
    int rc = begin(rq, res);
    settle_src *s = res->src;
    arena a = ARENA_INIT;
    ledger_settlement cur;
    /* a finalized settlement: explain what a correction decides */
    if (rc == EXIT_OK && ledger_settle_current(s->lg, rq->fiscal_year, &a, &cur) == LEDGER_OK) {
        res->final_seq = cur.event_seq;
        rc = apply_prior(s->lg, rq->fiscal_year, res->final_seq, &res->st, &res->notes);
    }
    arena_release(&a);
    return rc;
}
