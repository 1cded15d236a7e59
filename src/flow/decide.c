/* decide: the grant decision (交付決定) of a fiscal year from the
 * nurseries' applications (docs/spec/12-grant-decision.md): the rules, the
 * applications read and computed month by month (engine/decide.c), the
 * budget line's figures with the decision as 負担行為 (budget/ward.c), and
 * OUT/decisions-FY/ (decisions.csv, rejections.csv, decisions.xlsx,
 * notices/ID.xlsx for the section and notices/ID.pdf as sent, numbered
 * when recorded) written to a staging directory and published whole.
 * A draft (試算); with finalize the decision recorded in the ledger first
 * (a "decide" event, signed once operators exist: src/ledger/decide_store.c
 * refuses it over the 予算現額), then published as 確定; with amend_nursery
 * a 変更交付決定 of one nursery against the decision in force, recorded
 * ("decide_amend") and its notice written.  Not here: approving a decision
 * (approve_grant.c), printing (src/cli/decide.c). */
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "flow_int.h"
#include "kasan/clock.h"
#include "kasan/flow_sign.h"
#include "kasan/ledger_decide.h"
#include "kasan/ledger_docs.h"
#include "kasan/ledger_sign.h"
#include "kasan/fsutil.h"
#include "kasan/report_decide.h"

static int write_outputs(const decision *dec, const decide_meta *meta, const char *dir,
                         const report_docno *docnos, const flow_progress *pg, flow_notes *notes)
{
    char path[4200], err[512] = "";
    /* one syncfs at the end instead of an fsync per notice, as a month's
     * outputs are written (outputs.c) */
    fs_defer_sync(true);
    int rc = fs_mkdirs(dir);
    snprintf(path, sizeof path, "%s/decisions.csv", dir);
    if (rc == 0)
        rc = report_decisions_csv(dec, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/rejections.csv", dir);
    if (rc == 0)
        rc = report_decide_rejections_csv(dec, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/decisions.xlsx", dir);
    if (rc == 0)
        rc = report_decisions_xlsx(dec, meta, path, err, sizeof err);
    snprintf(path, sizeof path, "%s/notices", dir);
    if (rc == 0)
        rc = fs_mkdirs(path);
    if (pg && pg->start)
        pg->start(pg->ctx, "decision notices", dec->n_nurseries);
    for (size_t k = 0; rc == 0 && k < dec->n_nurseries; k++) {
        const char *id = dec->nurseries[k].nursery->id;
        snprintf(path, sizeof path, "%s/notices/%s.xlsx", dir, id);
        rc = report_decide_notice_xlsx(dec, k, meta, path, err, sizeof err);
        snprintf(path, sizeof path, "%s/notices/%s.pdf", dir, id);
        if (rc == 0)
            rc = report_decide_notice_pdf(dec, k, meta, docnos ? docnos[k].number : NULL, path,
                                          err, sizeof err);
        if (pg && pg->tick)
            pg->tick(pg->ctx, k + 1);
    }
    if (pg && pg->end)
        pg->end(pg->ctx);
    fs_defer_sync(false);
    if (rc == 0 && fs_sync_dir(dir) != 0) {
        rc = -1;
        snprintf(err, sizeof err, "cannot sync %s: %s", dir, strerror(errno));
    }
    if (rc != 0)
        flow_say(notes, FLOW_NOTE_SAY, "%s", *err ? err : strerror(errno));
    return rc;
}

/* The 文書番号 of the notices a recorded decision sends, from the next
 * free number of the year: nursery k of the decision gets first + k, an
 * amendment's one notice first.  Recorded with the event (ledger_docs.h):
 * a number taken meanwhile fails its commit, never a reuse. */
static int number_notices(const flow_decide_req *rq, flow_decide_res *res, ledger *lg,
                          report_docno **out, size_t *n, int64_t *first)
{
    const decision *dec = &res->dec;
    if (ledger_documents_next(lg, rq->fiscal_year, first) != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot read the last 文書番号: %s",
                 ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    const rule_issuer *is = rules_issuer_in_force(&res->rules, res->meta.issue_date);
    *n = rq->amend_nursery ? 1 : dec->n_nurseries;
    *out = arena_calloc(&res->a, *n + 1, sizeof **out);
    for (size_t k = 0; k < *n; k++) {
        const char *id = rq->amend_nursery ? rq->amend_nursery : dec->nurseries[k].nursery->id;
        char buf[256];
        if (!is || !rules_issuer_number(is, rq->fiscal_year, (long)(*first + (int64_t)k), buf,
                                        sizeof buf)) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "no 文書番号 for %s: %s; nothing was recorded",
                     id, is ? "the issuer's document_number pattern gives a number too long"
                            : "no issuer (rules/issuer/) in force on the issue date");
            return EXIT_INVALID;
        }
        (*out)[k] = (report_docno){id, rq->amend_nursery ? "amendment_notice" : "decision_notice",
                                   arena_strdup(&res->a, buf)};
    }
    return EXIT_OK;
}

/* The notices' files hashed for the ledger: stage holds them as
 * notices/ID.pdf (a decision) or ID-SEQ.pdf (an amendment), recorded
 * relative to OUT under dir ("decisions-2025"). */
static int hash_notices(const flow_decide_req *rq, flow_decide_res *res, const char *stage,
                        const char *dir, const report_docno *docnos, size_t n, int64_t first,
                        int64_t seq, ledger_document **docs, size_t *n_docs)
{
    char **files = arena_calloc(&res->a, n + 1, sizeof *files);
    for (size_t k = 0; k < n; k++)
        files[k] = rq->amend_nursery
                       ? arena_printf(&res->a, "%s-%lld.pdf", docnos[k].nursery_id, (long long)seq)
                       : arena_printf(&res->a, "notices/%s.pdf", docnos[k].nursery_id);
    return flow_docnos_record(stage, dir, docnos, files, n, first, &res->a, docs, n_docs,
                              &res->notes);
}

/* "decide-2025-20250401T090000Z-1a2b3c4d": the year, the time, and a digest
 * of the three input files' SHA-256. */
static char *decide_id(const decision *dec, const char *created, arena *a)
{
    char stamp[32], digest[SHA256_HEX_LEN + 1];
    flow_time_stamp(created, stamp);
    const char *all = arena_printf(a, "%s%s%s", dec->app.files[0].sha256,
                                   dec->app.files[1].sha256, dec->app.files[2].sha256);
    hash_sha256_hex(all, strlen(all), digest);
    return arena_printf(a, "decide-%d-%s-%.8s", dec->fiscal_year, stamp, digest);
}

static int compute(const flow_decide_req *rq, flow_decide_res *res)
{
    int rc = flow_load_rules(rq->paths.rules, &res->rules, &res->notes);
    if (rc != EXIT_OK)
        return rc;
    input_file in[INPUT_COUNT];
    diag_list d = DIAG_LIST_INIT;
    if (applications_read(rq->paths.data, rq->fiscal_year, &res->a, in, &d) != 0 ||
        decide_compute(&res->rules, rq->fiscal_year, in, &res->dec, &d) != 0) {
        flow_say_diags(&res->notes, &d);
        flow_say(&res->notes, FLOW_NOTE_SAY, "%zu problem%s in the applications of FY%d; "
                 "nothing was written", diag_count(&d), diag_count(&d) == 1 ? "" : "s",
                 rq->fiscal_year);
        rc = EXIT_INVALID;
    }
    diag_release(&d);
    return rc;
}

/* The ledger's rows of the decision (all of it, or amend_nursery's), and
 * the files it rests on: the applications, the registry and the rules. */
static void fill_request(const flow_decide_req *rq, flow_decide_res *res, const char *actor,
                         ledger_decide_req *lr)
{
    const decision *dec = &res->dec;
    arena *a = &res->a;
    ledger_decide_row *rows = arena_calloc(a, dec->n_rows + 1, sizeof *rows);
    size_t n = 0;
    for (size_t i = 0; i < dec->n_rows; i++) {
        const decide_row *r = &dec->rows[i];
        if (rq->amend_nursery && strcmp(r->nursery_id, rq->amend_nursery))
            continue;
        ledger_decide_row *o = &rows[n++];
        *o = (ledger_decide_row){r->nursery_id, r->program_id, {0}, r->annual};
        memcpy(o->months, r->month, sizeof o->months);
    }
    size_t nf = res->rules.n_files + INPUT_COUNT;
    ledger_file *files = arena_calloc(a, nf, sizeof *files);
    for (int i = 0; i < INPUT_COUNT; i++) {
        const input_file *f = &dec->app.files[i];
        files[i] = (ledger_file){flow_input_role(i), f->name, f->data, f->len, f->sha256};
    }
    for (size_t i = 0; i < res->rules.n_files; i++) {
        const rule_file *f = &res->rules.files[i];
        files[INPUT_COUNT + i] = (ledger_file){ledger_role_name(LEDGER_ROLE_RULES), f->name,
                                               f->data, f->len, f->sha256};
    }
    const budget_line *b = res->meta.budget;
    *lr = (ledger_decide_req){
        .fiscal_year = rq->fiscal_year, .decide_id = res->meta.decide_id,
        .created = res->created, .actor = actor, .engine_version = KASAN_VERSION,
        .rows = rows, .n_rows = n, .files = files, .n_files = nf,
        .budget = b ? (ledger_budget){b->fiscal_year, b->line_id, b->amount}
                    : (ledger_budget){0},
        .amend_nursery = rq->amend_nursery, .reason = rq->reason};
}

/* The amendment's difference: the decision in force (ledger) against the
 * nursery's rows computed now. */
static int amendment_of(const flow_decide_req *rq, flow_decide_res *res, ledger *lg)
{
    ledger_decision cur;
    int st = ledger_decision_current(lg, rq->fiscal_year, &res->a, &cur);
    if (st == LEDGER_NOT_FOUND)
        return EXIT_OK; /* the ledger refuses and records it: nothing to amend */
    if (st != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot read FY%d's grant decision: %s",
                 rq->fiscal_year, ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    decide_row *rows = arena_calloc(&res->a, cur.n_rows + 1, sizeof *rows);
    for (size_t i = 0; i < cur.n_rows; i++) {
        rows[i] = (decide_row){.nursery_id = cur.rows[i].nursery_id,
                               .program_id = cur.rows[i].program,
                               .annual = cur.rows[i].annual_yen};
        memcpy(rows[i].month, cur.rows[i].months, sizeof rows[i].month);
    }
    diag_list d = DIAG_LIST_INIT;
    int rc = EXIT_OK;
    if (decide_amend(rows, cur.n_rows, &res->dec, rq->amend_nursery, &res->amendment, &d) != 0) {
        flow_say_diags(&res->notes, &d);
        flow_say(&res->notes, FLOW_NOTE_SAY, "no 変更交付決定 of %s: nothing was recorded",
                 rq->amend_nursery);
        rc = EXIT_INVALID;
    }
    diag_release(&d);
    return rc;
}

static int record(const flow_decide_req *rq, flow_decide_res *res, ledger *lg, const char *actor,
                  const ledger_document *docs, size_t n_docs, int64_t expect_seq)
{
    ledger_decide_req lr;
    fill_request(rq, res, actor, &lr);
    lr.documents = docs;
    lr.n_documents = n_docs;
    lr.expect_seq = expect_seq;
    ledger_decide_res r;
    int st = ledger_decide(lg, &lr, &r);
    res->event_seq = r.event_seq;
    memcpy(res->event_hash, r.event_hash, sizeof r.event_hash);
    res->current_budget_yen = r.current_budget_yen;
    res->committed_before_yen = r.committed_before_yen;
    res->committed_after_yen = r.committed_after_yen;
    res->paid_yen = r.paid_yen;
    if (st == LEDGER_OK) {
        res->recorded = true;
        return EXIT_OK;
    }
    flow_notes *notes = &res->notes;
    switch (st) {
    case LEDGER_OVER_BUDGET:
    case LEDGER_ALREADY_FINALIZED:
    case LEDGER_NOTHING_TO_SUPERSEDE:
    case LEDGER_OVER_DECISION:
    case LEDGER_NO_BUDGET_LINE:
    case LEDGER_AWAITING_APPROVAL:
        flow_say(notes, FLOW_NOTE_SAY, "refused: %s", ledger_errmsg(lg));
        flow_refusal_note(notes, lg, r.event_seq, r.event_hash);
        return EXIT_REFUSED;
    case LEDGER_BUSY:
        flow_say(notes, FLOW_NOTE_SAY, "the ledger is busy: %s", ledger_errmsg(lg));
        return EXIT_REFUSED;
    default:
        flow_say(notes, FLOW_NOTE_SAY, "cannot record the decision: %s: %s",
                 ledger_strstatus(st), ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
}

/* Moves the amendment's notices from stage into dir (never over a file). */
static int publish_amendment(flow_decide_res *res, const char *stage, const char *dir,
                             const char *base)
{
    static const char *const ext[] = {"xlsx", "pdf"};
    for (size_t i = 0; i < 2; i++) {
        char from[4200], to[4200];
        snprintf(from, sizeof from, "%s/%s.%s", stage, base, ext[i]);
        snprintf(to, sizeof to, "%s/%s.%s", dir, base, ext[i]);
        if (fs_exists(to) || rename(from, to) != 0) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "the amendment is recorded (event %lld) but "
                     "its notice could not be moved to %s: %s; it is in %s",
                     (long long)res->event_seq, to, fs_exists(to) ? "a file is there" :
                     strerror(errno), from);
            return EXIT_INTERNAL;
        }
    }
    fs_sync_dir(dir);
    return EXIT_OK;
}

/* A 変更交付決定: its notice (変更交付決定通知書) written first, as
 * OUT/decisions-FY-amendments/ID-SEQ.{xlsx,pdf} in a staging directory, SEQ
 * the event it will be (the ledger refuses the commit when another event
 * came meanwhile), with the next 文書番号; then recorded with the PDF's
 * SHA-256, then moved into place.  A nursery with no planned line any more
 * (取消) gets no notice: said. */
static int amend(const flow_decide_req *rq, flow_decide_res *res, ledger *lg, const char *actor)
{
    const decide_nursery *dn = decide_nursery_find(&res->dec, rq->amend_nursery);
    if (!dn) {
        int rc = record(rq, res, lg, actor, NULL, 0, 0);
        if (rc == EXIT_OK)
            flow_say(&res->notes, FLOW_NOTE_SAY, "warning: %s has no planned line any more "
                     "(取消): no notice was written", rq->amend_nursery);
        return rc;
    }
    int64_t head, first;
    report_docno *docnos;
    size_t n;
    char head_hash[SHA256_HEX_LEN + 1], head_time[32];
    if (ledger_head(lg, &head, head_hash, head_time) != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot read the ledger: %s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    int rc = number_notices(rq, res, lg, &docnos, &n, &first);
    if (rc != EXIT_OK)
        return rc;
    char *name = arena_printf(&res->a, "decisions-%d-amendments", rq->fiscal_year);
    char *dir = arena_printf(&res->a, "%s/%s", rq->paths.out, name);
    flow_sweep(rq->paths.out, name, &res->notes);
    char *stage = flow_stage_dir(rq->paths.out, name, (long)getpid(), &res->a);
    char *base = arena_printf(&res->a, "%s-%lld", rq->amend_nursery, (long long)(head + 1));
    decide_meta meta = res->meta;
    meta.amendment = &res->amendment;
    size_t k = (size_t)(dn - res->dec.nurseries);
    char err[512] = "", *px = arena_printf(&res->a, "%s/%s.xlsx", stage, base),
         *pp = arena_printf(&res->a, "%s/%s.pdf", stage, base);
    if (fs_mkdirs(stage) != 0 || fs_mkdirs(dir) != 0 ||
        report_decide_notice_xlsx(&res->dec, k, &meta, px, err, sizeof err) != 0 ||
        report_decide_notice_pdf(&res->dec, k, &meta, docnos[0].number, pp, err, sizeof err)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot write the notice: %s; nothing was recorded",
                 *err ? err : strerror(errno));
        rc = EXIT_INTERNAL;
    }
    ledger_document *docs = NULL;
    size_t n_docs = 0;
    if (rc == EXIT_OK)
        rc = hash_notices(rq, res, stage, name, docnos, n, first, head + 1, &docs, &n_docs);
    if (rc == EXIT_OK)
        rc = record(rq, res, lg, actor, docs, n_docs, head + 1);
    if (rc == EXIT_OK && (rc = publish_amendment(res, stage, dir, base)) == EXIT_OK)
        res->notice = arena_printf(&res->a, "%s/%s.pdf", dir, base);
    fs_remove_tree(stage);
    return rc;
}

/* A draft after the year's decision is recorded would overwrite the
 * notices sent with 試算 ones: refused (a draft of an undecided year, or
 * under another --out, is fine). */
static int refuse_draft_if_decided(const flow_decide_req *rq, flow_decide_res *res)
{
    const char *lpath = flow_ledger_path(&rq->paths, &res->a);
    if (!fs_exists(lpath))
        return EXIT_OK;
    ledger *lg;
    char err[512];
    if (ledger_open(lpath, false, &lg, err, sizeof err) != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot open the ledger %s: %s", lpath, err);
        return EXIT_INTERNAL;
    }
    arena a = ARENA_INIT;
    ledger_decision cur;
    int st = ledger_decision_current(lg, rq->fiscal_year, &a, &cur), rc = EXIT_OK;
    ledger_pending *pend = NULL;
    size_t n_pend = 0;
    if (st == LEDGER_NOT_FOUND) /* signed, awaiting its 決裁: its notices were sent too */
        st = ledger_pending_grants(lg, rq->fiscal_year, &a, &pend, &n_pend) == LEDGER_OK
                 ? LEDGER_NOT_FOUND : LEDGER_IO;
    for (size_t i = 0; i < n_pend && st == LEDGER_NOT_FOUND; i++)
        if (!strcmp(pend[i].action, "decide")) {
            st = LEDGER_OK;
            cur.decide_seq = pend[i].seq;
            cur.decide_id = "awaiting its approval";
        }
    if (st == LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "refused: FY%d's grant decision is recorded "
                 "(event %lld, %s) and its notices were sent from %s/decisions-%d; a draft "
                 "would overwrite them. Draft into another --out, or change one nursery's "
                 "decision with --amend --nursery ID --reason TEXT", rq->fiscal_year,
                 (long long)cur.decide_seq, cur.decide_id, rq->paths.out, rq->fiscal_year);
        rc = EXIT_REFUSED;
    } else if (st != LEDGER_NOT_FOUND) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot read FY%d's grant decision: %s",
                 rq->fiscal_year, ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    arena_release(&a);
    ledger_close(lg);
    return rc;
}

int flow_decide(const flow_decide_req *rq, flow_decide_res *res)
{
    memset(res, 0, sizeof *res);
    res->a = (arena)ARENA_INIT;
    bool records = rq->finalize || rq->amend_nursery;
    assert(!rq->amend_nursery || (rq->reason && !rq->finalize));
    int rc = compute(rq, res);
    if (rc != EXIT_OK)
        return rc;
    flow_signer sg = {0};
    if (records && (rc = flow_signer_begin(&res->rules, &rq->actor, DUTY_FINALIZE, &sg,
                                           &res->notes)) != EXIT_OK)
        return rc;
    clock_now_iso(res->created);
    decide_meta *meta = &res->meta;
    *meta = (decide_meta){.created = res->created, .engine_version = KASAN_VERSION,
                          .finalized = records};
    meta->decide_id = decide_id(&res->dec, res->created, &res->a);
    if (!rq->issue_date ||
        !date_parse_iso(rq->issue_date, strlen(rq->issue_date), &meta->issue_date))
        date_parse_iso(res->created, 10, &meta->issue_date);
    meta->budget = rules_budget_for_fy(&res->rules, rq->fiscal_year);
    budget_ward_in in = {meta->budget ? meta->budget->amount : 0, NULL, 0, res->dec.total, 0, 0};
    if (meta->budget && budget_ward_compute(&in, &res->ward))
        meta->ward = &res->ward;
    ledger *lg = NULL;
    report_docno *docnos = NULL;
    size_t n_docnos = 0;
    int64_t first = 0;
    if (records) {
        char err[512];
        const char *lpath = flow_ledger_path(&rq->paths, &res->a);
        if (fs_mkdirs(rq->paths.out) != 0 ||
            ledger_open(lpath, true, &lg, err, sizeof err) != LEDGER_OK) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "cannot open the ledger %s: %s", lpath,
                     fs_exists(lpath) ? err : strerror(errno));
            return EXIT_INTERNAL;
        }
        char subject[16];
        snprintf(subject, sizeof subject, "FY%d", rq->fiscal_year);
        rc = flow_signer_role(&sg, lg, subject, meta->decide_id,
                              rq->amend_nursery ? "decide_amend" : "decide", &res->notes);
        if (rc == EXIT_OK && rq->amend_nursery)
            rc = amendment_of(rq, res, lg);
        if (rc == EXIT_OK && rq->amend_nursery) {
            rc = amend(rq, res, lg, flow_signer_actor(&sg, &rq->actor));
            ledger_close(lg);
            return rc;
        }
        if (rc == EXIT_OK)
            rc = number_notices(rq, res, lg, &docnos, &n_docnos, &first);
        if (rc != EXIT_OK) {
            ledger_close(lg);
            return rc;
        }
    } else if ((rc = refuse_draft_if_decided(rq, res)) != EXIT_OK) {
        return rc;
    }
    char *name = arena_printf(&res->a, "decisions-%d", rq->fiscal_year);
    flow_sweep(rq->paths.out, name, &res->notes);
    res->dir = arena_printf(&res->a, "%s/%s", rq->paths.out, name);
    char *stage = flow_stage_dir(rq->paths.out, name, (long)getpid(), &res->a);
    if (write_outputs(&res->dec, meta, stage, docnos, rq->progress, &res->notes) != 0)
        rc = EXIT_INTERNAL;
    ledger_document *docs = NULL;
    size_t n_docs = 0;
    if (rc == EXIT_OK && lg)
        rc = hash_notices(rq, res, stage, name, docnos, n_docnos, first, 0, &docs, &n_docs);
    /* recorded before the outputs are published: a refusal leaves the
     * previous decisions-FY/ as it was */
    if (rc == EXIT_OK && lg)
        rc = record(rq, res, lg, flow_signer_actor(&sg, &rq->actor), docs, n_docs, 0);
    ledger_close(lg);
    if (rc == EXIT_OK && flow_publish_dir(stage, res->dir, 0, NULL) != 0) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot move the outputs into %s: %s", res->dir,
                 strerror(errno));
        rc = EXIT_INTERNAL;
    }
    if (fs_exists(stage))
        fs_remove_tree(stage);
    return rc;
}

void flow_decide_free(flow_decide_res *res)
{
    decide_free(&res->dec);
    rules_free(&res->rules);
    flow_notes_free(&res->notes);
    arena_release(&res->a);
}
