/* transfer: the bank transfer file (全銀協 総合振込, SPEC 7) of a finalized
 * month or settlement, from the ledger alone — what is due (the recorded
 * run's payments, or what the settlement decided), which earlier transfer of
 * the same subject was paid and so is the base, the payer and the registry
 * from the archive, the file's name, and the order write (temporary name) →
 * record ("transfer" event) → rename.  Not here: the plan's arithmetic
 * (transfer_plan.c), the record bytes (src/report/zengin.c), the event
 * (src/ledger/transfer_store.c), the files kept across a republication
 * (publish.c) or written back by a restore (transfer_files.c). */
#include "flow_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/bankday.h"
#include "kasan/budget_ward.h"
#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"
#include "kasan/ledger_transfer.h"
#include "kasan/strbuf.h"

/* What one request transfers, gathered from the ledger. */
typedef struct subject {
    const char *label;          /* "2025-04", "the settlement of FY2025" */
    const char *month;          /* NULL for a settlement */
    int fy;                     /* settlement only */
    const char *run_id, *created;
    const char *dir, *stem;     /* "2025-04", "transfer-2025-04" */
    const ledger_file *files;   /* the rule files (and the registry) to read */
    size_t n_files;
    const ledger_file *registry;
    claim_month terms_month;    /* the terms that say which registry kind is paid */
    flow_transfer_line *due, *base;
    size_t n_due, n_base;
    const char *base_run_id;    /* the run transferred before, NULL if none */
    int64_t due_total, base_total; /* the ledger's stored totals */
    bool charged_later;         /* a settlement finalized after its closing (過年度支出) */
} subject;

typedef struct ctx {
    const flow_transfer_req *rq;
    flow_transfer_res *res;
    flow_notes *notes;
    ledger *lg;
    arena *a;
    subject s;
    rule_set rs, now;
    rule_set ops;               /* the operators files under --rules */
    flow_signer sg;             /* who makes the file (SPEC 10.1) */
} ctx;

/* ---- gathering from the ledger ------------------------------------------ */

/* The subject as the audit trail names it: "2025-05" or "FY2025". */
static const char *subject_name(const subject *s, arena *a)
{
    return s->month ? s->month : arena_printf(a, "FY%d", s->fy);
}

/* A refused transfer (exit 3): said and, SPEC 1.4, recorded as a "refuse"
 * event of the subject (the month, or FYnnnn for a settlement). */
__attribute__((format(printf, 6, 7)))
static int refused(ctx *c, const char *what, const char *run_id, const char *code,
                   const char *requested, const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    flow_say(c->notes, FLOW_NOTE_SAY, "%s", why);
    ledger_refusal r = {what, run_id, flow_signer_actor(&c->sg, &c->rq->actor), code, why,
                        requested};
    int64_t seq = 0;
    char hash[SHA256_HEX_LEN + 1] = "";
    if (ledger_refuse(c->lg, &r, &seq, hash) != LEDGER_OK)
        seq = 0;
    flow_refusal_note(c->notes, c->lg, seq, hash);
    return EXIT_REFUSED;
}

const ledger_transfer *flow_transfer_paid_before(const char *month, int fy, const char *run_id,
                                                 const ledger_transfer *t, size_t n,
                                                 bool *current_done, size_t *n_files)
{
    const ledger_transfer *base = NULL;
    *current_done = false;
    *n_files = 0;
    for (size_t i = 0; i < n; i++) {
        bool same = month ? t[i].month && !strcmp(t[i].month, month)
                          : !t[i].month && t[i].settlement_fy == fy;
        if (!same)
            continue;
        ++*n_files;
        if (!strcmp(t[i].run_id, run_id))
            *current_done = true;
        else
            base = &t[i]; /* the events come oldest first: the latest wins */
    }
    return base;
}

static int run_by_id(ctx *c, const char *month, const char *run_id, ledger_run *out)
{
    ledger_run *runs;
    size_t n;
    int st = ledger_runs(c->lg, month, c->a, &runs, &n);
    if (st != LEDGER_OK) {
        flow_say(c->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(c->lg));
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(runs[i].run_id, run_id)) {
            *out = runs[i];
            return EXIT_OK;
        }
    flow_say(c->notes, FLOW_NOTE_SAY, "the ledger holds no run %s of %s", run_id, month);
    return EXIT_INTERNAL;
}

/* A month with no run in the ledger and no outputs in OUT/M either: a typo,
 * said but not an event of the trail (those are refused transfers of real
 * runs, SPEC 1.4).  False when the month has a run or a draft. */
static bool never_run(ctx *c, const char *mon)
{
    ledger_run *runs;
    size_t n = 0;
    if (ledger_runs(c->lg, mon, c->a, &runs, &n) != LEDGER_OK || n > 0)
        return false;
    if (flow_month_has_outputs(&c->rq->paths, mon, c->a))
        return false; /* a draft: refused, and recorded */
    flow_say(c->notes, FLOW_NOTE_SAY, "%s has never been finalized (no run of it in the "
             "ledger, no draft in %s/%s); check the month, or run and finalize it first", mon,
             c->rq->paths.out, mon);
    return true;
}

static int gather_month(ctx *c)
{
    char mon[8];
    month_format(c->rq->month, mon);
    ledger_run r;
    int st = ledger_month_current(c->lg, mon, c->a, &r);
    if (st == LEDGER_NOT_FOUND && never_run(c, mon))
        return EXIT_REFUSED;
    if (st == LEDGER_NOT_FOUND)
        return refused(c, mon, NULL, "not_finalized", "transfer", "%s is not finalized (a draft "
                       "is never transferred); finalize it with kasan run --finalize first",
                       mon);
    if (st != LEDGER_OK) {
        flow_say(c->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(c->lg));
        return EXIT_INTERNAL;
    }
    c->s = (subject){.label = arena_strdup(c->a, mon), .month = arena_strdup(c->a, mon),
                     .run_id = r.run_id, .created = r.created, .dir = arena_strdup(c->a, mon),
                     .stem = arena_printf(c->a, "transfer-%s", mon), .files = r.files,
                     .n_files = r.n_files,
                     .terms_month = c->rq->month, .due_total = r.total_yen};
    c->s.registry = flow_archive_role(&r, LEDGER_ROLE_REGISTRY);
    c->s.due = flow_lines_of_run(&r, c->a, &c->s.n_due);
    return EXIT_OK;
}

/* The base: what the subject's transfer files paid before (owed.c), the
 * run's own files left out (a reissue is planned over what came before). */
static int gather_base(ctx *c)
{
    flow_owed o;
    int rc = flow_owed_transferred(c->lg, c->s.month, c->s.fy, c->s.run_id, 0, c->a, &o,
                                   c->notes);
    if (rc)
        return rc;
    c->s.base = o.paid;
    c->s.n_base = o.n_paid;
    c->s.base_total = o.paid_total;
    c->s.base_run_id = o.last_run_id;
    return EXIT_OK;
}

/* A settlement: rows and rules from its event, the registry from the run of
 * the last month it settled (the newest bank details it was finalized with). */
static int gather_settlement(ctx *c)
{
    int fy = c->rq->settlement_fy;
    ledger_settlement st;
    int rc = ledger_settle_current(c->lg, fy, c->a, &st);
    if (rc == LEDGER_NOT_FOUND) {
        char subj[16];
        snprintf(subj, sizeof subj, "FY%d", fy);
        return refused(c, subj, NULL, "not_finalized", "transfer", "FY%d has no finalized "
                       "settlement (kasan settle --fy %d --finalize first)", fy, fy);
    }
    if (rc != LEDGER_OK || !st.n_months) {
        flow_say(c->notes, FLOW_NOTE_SAY, "%s",
                 rc ? ledger_errmsg(c->lg) : "the settlement names no month");
        return EXIT_INTERNAL;
    }
    const ledger_settle_month *last = &st.months[0];
    for (size_t i = 1; i < st.n_months; i++)
        if (strcmp(st.months[i].month, last->month) > 0)
            last = &st.months[i];
    ledger_run r;
    if ((rc = run_by_id(c, last->month, last->run_id, &r)))
        return rc;
    c->s = (subject){.label = arena_printf(c->a, "the settlement of FY%d", fy), .fy = fy,
                     .run_id = st.settle_id, .created = st.created,
                     .dir = arena_printf(c->a, "settlement-%d", fy),
                     .stem = arena_printf(c->a, "transfer-settlement-%d", fy),
                     .files = st.files, .n_files = st.n_files,
                     .due_total = st.fy_additional_yen,
                     .charged_later = st.charged_fiscal_year != 0};
    c->s.registry = flow_archive_role(&r, LEDGER_ROLE_REGISTRY);
    month_parse(last->month, &c->s.terms_month);
    c->s.due = flow_lines_of_settlement(&st, c->a, &c->s.n_due);
    return EXIT_OK;
}

static int gather(ctx *c, size_t *n_files)
{
    ledger_transfer *all;
    size_t n_all;
    int rc = c->rq->settlement_fy ? gather_settlement(c) : gather_month(c);
    if (rc)
        return rc;
    if (ledger_transfers(c->lg, c->a, &all, &n_all) != LEDGER_OK) {
        flow_say(c->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(c->lg));
        return EXIT_INTERNAL;
    }
    bool done;
    const ledger_transfer *base = flow_transfer_paid_before(c->s.month, c->s.fy, c->s.run_id,
                                                            all, n_all, &done, n_files);
    if (done && !c->rq->reissue)
        return refused(c, subject_name(&c->s, c->a), c->s.run_id, "already_transferred",
                       "transfer", "%s (run %s) already has a transfer file; a second one needs "
                       "--reissue --reason TEXT", c->s.label, c->s.run_id);
    (void)base; /* the base is what was transferred, not one run (owed.c) */
    return gather_base(c);
}

/* ---- the payer and the registry ----------------------------------------- */

/* The payer in force on the day: from the rules archived with the run, else
 * (a run finalized before payer files existed) from the rules dir. */
static int payer_for(ctx *c, const rule_payer **out, const char **source)
{
    const flow_paths *paths = &c->rq->paths;
    int rc = c->rs.n_files ? EXIT_OK
                           : flow_archive_rules(c->lg, c->s.files, c->s.n_files, &c->rs, c->a,
                                                c->notes);
    if (rc)
        return rc;
    *out = rules_payer_in_force(&c->rs, c->rq->day);
    *source = "archived";
    if (*out)
        return EXIT_OK;
    if (!c->now.n_files && (rc = flow_load_rules(paths->rules, &c->now, c->notes)))
        return rc;
    *out = rules_payer_in_force(&c->now, c->rq->day);
    *source = "rules dir";
    if (*out) {
        flow_say(c->notes, FLOW_NOTE_SAY, "note: the rules archived with %s have no payer in "
                 "force on the transfer date; using %s from %s", c->s.label, (*out)->file->name,
                 paths->rules);
        return EXIT_OK;
    }
    char iso[11];
    date_format_iso(c->rq->day, iso);
    flow_say(c->notes, FLOW_NOTE_SAY, "no payer (rules/payer/, kind: payer) is in force on %s, "
             "neither archived with %s nor in %s", iso, c->s.label, paths->rules);
    return EXIT_INVALID;
}

static int archived_registry(ctx *c, registry *reg)
{
    if (!c->s.registry) {
        flow_say(c->notes, FLOW_NOTE_SAY, "the ledger holds no registry for %s", c->s.label);
        return EXIT_INTERNAL;
    }
    const char *data;
    size_t len;
    int rc = flow_archive_file(c->lg, c->s.registry, c->a, &data, &len, c->notes);
    if (rc)
        return rc;
    const rule_terms *t = rules_terms_in_force(&c->rs, c->s.terms_month);
    diag_list d = DIAG_LIST_INIT;
    char *name = arena_printf(c->a, "ledger:%s", c->s.registry->name);
    rc = registry_parse(name, data, len, t ? t->eligible_kind : NULL, c->a, reg, &d)
             ? EXIT_INTERNAL : EXIT_OK;
    flow_say_diags(c->notes, &d);
    diag_release(&d);
    return rc;
}

/* ---- the file ------------------------------------------------------------ */

/* OUT/DIR/STEM.txt for the subject's first file, then STEM-2.txt, -3, …:
 * the number of files recorded so far, past any file already on disk.  The
 * temporary files of dead processes that wrote them are swept first. */
static const char *file_name(ctx *c, size_t n_files, const char **rel)
{
    const char *out = c->rq->paths.out;
    char *dir = arena_printf(c->a, "%s/%s", out, c->s.dir);
    for (size_t k = 1; k <= n_files + 1; k++)
        flow_sweep_prefix(dir, k == 1 ? arena_printf(c->a, "%s.txt.tmp-", c->s.stem)
                                      : arena_printf(c->a, "%s-%zu.txt.tmp-", c->s.stem, k),
                          c->notes);
    for (size_t k = n_files + 1;; k++) {
        *rel = k == 1 ? arena_printf(c->a, "%s/%s.txt", c->s.dir, c->s.stem)
                      : arena_printf(c->a, "%s/%s-%zu.txt", c->s.dir, c->s.stem, k);
        const char *path = arena_printf(c->a, "%s/%s", out, *rel);
        if (!fs_exists(path))
            return path;
    }
}

/* The trailer against the ledger: the plan's sums, and due − base from the
 * ledger's stored totals once the lowered (not transferred) part is put back. */
static int check_totals(ctx *c, const flow_transfer_plan *p, const zengin_totals *tot)
{
    int64_t want, got;
    if (tot->count != (int64_t)p->n || tot->amount != p->total ||
        __builtin_sub_overflow(c->s.due_total, c->s.base_total, &want) ||
        __builtin_sub_overflow(p->total, p->lowered, &got) || got != want) {
        flow_say(c->notes, FLOW_NOTE_SAY, "internal error: the trailer (%lld transfers, %lld "
                 "yen) does not match the ledger's totals for %s (due %lld, paid before %lld, "
                 "lowered %lld); nothing written", (long long)tot->count,
                 (long long)tot->amount, c->s.label, (long long)c->s.due_total,
                 (long long)c->s.base_total, (long long)p->lowered);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

/* Validates and lays out the file: EXIT_INVALID with every problem listed. */
static int build_file(ctx *c, const registry *reg, const rule_payer *rp,
                      const flow_transfer_plan *p, strbuf *out, zengin_totals *tot)
{
    diag_list d = DIAG_LIST_INIT;
    zengin_transfer *t;
    zengin_payer payer = flow_transfer_payer(rp, c->rq->day);
    int rc = flow_transfer_records(reg, p, c->a, &t, &d);
    zengin_file f = {&payer, rp->file->path, t, p->n, reg->file};
    if (!rc)
        rc = zengin_write(&f, out, tot, &d);
    flow_say_diags(c->notes, &d);
    diag_release(&d);
    if (rc) {
        flow_say(c->notes, FLOW_NOTE_SAY, "%s: bank details incomplete or not convertible; "
                 "nothing written.  The file uses the registry archived with run %s: correct "
                 "nurseries.csv and finalize a correction (kasan run --finalize --supersede) to "
                 "transfer with the new details", c->s.label, c->s.run_id);
        return EXIT_INVALID;
    }
    return check_totals(c, p, tot);
}

/* Writes the bytes under a temporary name, records the event, then renames:
 * a refused or failed record leaves no file.  A crash between the record and
 * the rename leaves an event whose file is missing (audit verify says so;
 * kasan restore --month writes it back). */
static int write_and_record(ctx *c, const char *path, const strbuf *bytes,
                            const ledger_transfer *t, int64_t *seq, char hash[SHA256_HEX_LEN + 1])
{
    fs_out o;
    char *dir = strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash)
        *slash = '\0';
    int bad = !dir || (slash && fs_mkdirs(dir)) || fs_out_open(&o, path, true);
    free(dir);
    if (bad || fwrite(bytes->buf, 1, bytes->len, o.f) != bytes->len) {
        flow_say(c->notes, FLOW_NOTE_SAY, "cannot write %s: %s", path, fs_strerror(errno));
        if (!bad)
            fs_out_abort(&o);
        return EXIT_INTERNAL;
    }
    int st = ledger_transfer_record(c->lg, t, seq, hash);
    if (st == LEDGER_ALREADY_FINALIZED) { /* another transfer recorded in between */
        fs_out_abort(&o);
        char subj[16];
        if (!t->month)
            snprintf(subj, sizeof subj, "FY%d", t->settlement_fy);
        return refused(c, t->month ? t->month : subj, t->run_id, "already_transferred",
                       "transfer", "%s; nothing written", ledger_errmsg(c->lg));
    }
    if (st == LEDGER_DUTY) { /* the ledger's own check of the separation (approve_store.c) */
        fs_out_abort(&o);
        char subj[16];
        if (!t->month)
            snprintf(subj, sizeof subj, "FY%d", t->settlement_fy);
        return refused(c, t->month ? t->month : subj, t->run_id, "duty", "transfer",
                       "%s; nothing written", ledger_errmsg(c->lg));
    }
    if (st != LEDGER_OK) {
        fs_out_abort(&o);
        flow_say(c->notes, FLOW_NOTE_SAY, "%s; nothing written", ledger_errmsg(c->lg));
        return EXIT_INTERNAL;
    }
    if (fs_out_commit(&o)) {
        /* the month's folder replaced meanwhile (a correction publishing it):
         * the event is recorded, so its bytes go into the folder as it is now */
        int why = errno;
        char *dir2 = strdup(path), *cut = dir2 ? strrchr(dir2, '/') : NULL;
        if (cut)
            *cut = '\0';
        bool again = why == ENOENT && dir2 && (!cut || fs_mkdirs(dir2) == 0) &&
                     fs_write_atomic(path, bytes->buf, bytes->len) == 0;
        free(dir2);
        if (!again) {
            flow_say(c->notes, FLOW_NOTE_SAY, "recorded (event %lld) but cannot rename into %s: "
                     "%s; kasan restore --month writes it back from the ledger",
                     (long long)*seq, path, fs_strerror(why));
            return EXIT_INTERNAL;
        }
    }
    return EXIT_OK;
}

/* ---- who makes the file (SPEC 10.1) ------------------------------------------ */

/* The operator in force with their key and the pay role, before anything
 * is read: from here on every event of the request is theirs (signed),
 * refusals included. */
static int transfer_who(ctx *c)
{
    int rc = flow_load_operators(c->rq->paths.rules, &c->ops, c->notes);
    if (!rc)
        rc = flow_signer_begin(&c->ops, &c->rq->actor, DUTY_TRANSFER, &c->sg, c->notes);
    if (rc || !c->sg.active)
        return rc;
    char mon[8], fy[16];
    month_format(c->rq->month, mon);
    snprintf(fy, sizeof fy, "FY%d", c->rq->settlement_fy);
    return flow_signer_role(&c->sg, c->lg, c->rq->settlement_fy ? fy : mon, NULL, "transfer",
                            c->notes);
}

/* The run's steps: approved (決裁) first, and by neither its drafter nor
 * its approver; a run drafted by a signing operator is never transferred
 * unsigned.  A refusal is an event. */
static int transfer_duty(ctx *c)
{
    ledger_signoffs so;
    if (ledger_run_signoffs(c->lg, c->s.month, c->s.fy, c->s.run_id, c->a, &so) != LEDGER_OK) {
        flow_say(c->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(c->lg));
        return EXIT_INTERNAL;
    }
    if (!c->sg.active) {
        if (!so.drafted.operator_id)
            return EXIT_OK; /* unsigned, as before SPEC 10.1 */
        flow_say(c->notes, FLOW_NOTE_SAY, "%s (run %s) was drafted by operator %s under a "
                 "signature: its transfer file is signed too.  Give --operator ID (or "
                 "KASAN_OPERATOR) with your key; nothing written", c->s.label, c->s.run_id,
                 so.drafted.operator_id);
        return EXIT_REFUSED;
    }
    char why[512];
    duty_request dr = {DUTY_TRANSFER, c->sg.op->id, c->sg.op->roles, so.drafted.operator_id,
                       so.approved.operator_id};
    duty_verdict v = duty_check(&dr, why, sizeof why);
    if (v == DUTY_OK)
        return EXIT_OK;
    if (v == DUTY_NOT_APPROVED) {
        char what[64];
        if (c->s.month)
            snprintf(what, sizeof what, "--month %s", c->s.month);
        else
            snprintf(what, sizeof what, "--settlement %d", c->s.fy);
        return refused(c, subject_name(&c->s, c->a), c->s.run_id, duty_code(v), "transfer",
                       "%s (run %s): %s.  Missing: the approval (決裁) — kasan approve %s "
                       "--operator APPROVER; nothing written", c->s.label, c->s.run_id, why,
                       what);
    }
    return refused(c, subject_name(&c->s, c->a), c->s.run_id, duty_code(v), "transfer",
                   "%s (run %s): %s; nothing written", c->s.label, c->s.run_id, why);
}

/* ---- the procedure ------------------------------------------------------- */

/* The transfer date: a real date, not before the day the run was finalized. */
static int check_date(ctx *c)
{
    date_t fin;
    if (c->s.created && strlen(c->s.created) >= 10 && date_parse_iso(c->s.created, 10, &fin) &&
        c->rq->day < fin) {
        flow_say(c->notes, FLOW_NOTE_SAY, "--date %s is before %s was finalized (%.10s)",
                 c->rq->date, c->s.label, c->s.created);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The transfer date must be a bank business day (SPEC 10.4): the calendar
 * in force on it among the rules archived with the run, else in --rules
 * (read quietly: a date no calendar covers is refused all the same). */
static int check_bank_day(ctx *c)
{
    int rc = flow_archive_rules(c->lg, c->s.files, c->s.n_files, &c->rs, c->a, c->notes);
    const rule_calendar *cal = rc ? NULL : rules_calendar_in_force(&c->rs, c->rq->day);
    diag_list d = DIAG_LIST_INIT;
    if (!rc && !cal && rules_load_dir(c->rq->paths.rules, &c->now, &d) == 0)
        cal = rules_calendar_in_force(&c->now, c->rq->day);
    diag_release(&d);
    if (rc)
        return rc;
    if (!cal) {
        flow_say(c->notes, FLOW_NOTE_SAY, "--date %s cannot be checked: no bank calendar "
                 "(rules/calendar/, kind: calendar) covers it, neither archived with %s nor in "
                 "%s; add the year's national holidays", c->rq->date, c->s.label,
                 c->rq->paths.rules);
        return EXIT_USAGE;
    }
    bankday_status st = bankday_of(c->rq->day, cal->holidays, cal->n);
    if (st == BANKDAY_OPEN)
        return EXIT_OK;
    char next[11];
    date_format_iso(bankday_next(c->rq->day, cal->holidays, cal->n), next);
    const char *name = st == BANKDAY_HOLIDAY ? rules_calendar_holiday(cal, c->rq->day) : NULL;
    flow_say(c->notes, FLOW_NOTE_SAY, "--date %s is not a bank business day (%s%s%s); the next "
             "business day is %s", c->rq->date, bankday_reason(st), name ? "：" : "",
             name ? name : "", next);
    return EXIT_USAGE;
}

/* A settlement decided by its year's 出納閉鎖 but paid after it: said, not
 * refused — kasan counts its 追加交付 in the closed year (the day it was
 * finalized), the ward's accounts as 過年度支出 of the year paid in. */
static void note_after_closing(ctx *c)
{
    if (!c->s.fy || c->s.charged_later)
        return;
    date_t close = rules_accounts_close(&c->rs, c->s.fy);
    if (c->rq->day <= close)
        return;
    char d[11];
    date_format_iso(close, d);
    flow_say(c->notes, FLOW_NOTE_SAY, "note: --date %s is after FY%d's 出納閉鎖 (%s): paid then, "
             "the 追加交付 is 過年度支出 of FY%d in the ward's accounts, while kasan's budget "
             "counts it in FY%d, whose settlement was finalized by the closing; pay by %s to keep "
             "them alike", c->rq->date, c->s.fy, d, budget_fiscal_year_of(c->rq->day), c->s.fy, d);
}

static int transfer(ctx *c)
{
    size_t n_files;
    int rc = transfer_who(c);
    if (!rc)
        rc = gather(c, &n_files);
    if (!rc)
        rc = transfer_duty(c);
    if (!rc)
        rc = check_date(c);
    if (!rc)
        rc = check_bank_day(c);
    if (!rc)
        note_after_closing(c);
    /* OUT/M lost or half published: put the finalized outputs back first, so
     * the transfer file does not stand alone in a directory that hides it */
    flow_statements how = {0, c->rq->progress};
    if (!rc && c->s.month)
        rc = flow_restore_month_in(&c->rq->paths, c->lg, c->rq->month, false, &how, c->notes);
    flow_transfer_plan p = {0};
    diag_list d = DIAG_LIST_INIT;
    if (!rc && flow_transfer_plan_build(c->s.due, c->s.n_due, c->s.base, c->s.n_base, c->a, &p,
                                        &d))
        rc = EXIT_INTERNAL;
    flow_say_diags(c->notes, &d);
    diag_release(&d);
    c->res->label = c->s.label;
    c->res->base_run_id = c->s.base_run_id;
    if (!rc && !p.n) {
        c->res->nothing = true;
        return EXIT_OK;
    }
    const rule_payer *rp = NULL;
    const char *payer_src = NULL;
    registry reg;
    if (!rc)
        rc = payer_for(c, &rp, &payer_src);
    if (!rc)
        rc = archived_registry(c, &reg);
    strbuf bytes;
    sb_init(&bytes);
    zengin_totals tot;
    if (!rc)
        rc = build_file(c, &reg, rp, &p, &bytes, &tot);
    if (!rc) {
        const char *rel, *path = file_name(c, n_files, &rel);
        hash_sha256_hex(bytes.buf, bytes.len, c->res->sha256);
        ledger_transfer t = {c->s.month, c->s.fy, c->s.run_id, c->s.base_run_id, rel,
                             c->res->sha256, tot.count, tot.amount, c->rq->date,
                             flow_signer_actor(&c->sg, &c->rq->actor),
                             c->rq->reissue ? c->rq->reason : NULL,
                             rp->version, payer_src, bytes.buf, bytes.len, 0, NULL,
                             FLOW_BASE_TRANSFERRED};
        rc = write_and_record(c, path, &bytes, &t, &c->res->event_seq, c->res->event_hash);
        if (!rc) {
            c->res->path = path;
            c->res->count = tot.count;
            c->res->amount_yen = tot.amount;
        }
        const char *workbook; /* T5: the 振込 line of payments.xlsx's approval block */
        if (!rc && c->sg.active && c->s.month) {
            ledger_set_signer(c->lg, NULL);
            flow_signoff_republish(&c->rq->paths, c->lg, c->rq->month, c->a, &workbook,
                                   c->notes);
        }
    }
    sb_release(&bytes);
    return rc;
}

int flow_transfer(const flow_transfer_req *rq, flow_transfer_res *res)
{
    memset(res, 0, sizeof *res);
    ctx c = {.rq = rq, .res = res, .notes = &res->notes, .a = &res->a};
    char err[512];
    char *lpath = flow_ledger_path(&rq->paths, &res->a);
    int rc, st = ledger_open(lpath, false, &c.lg, err, sizeof err);
    if (st == LEDGER_NOT_FOUND) {
        flow_say(c.notes, FLOW_NOTE_SAY, "nothing is finalized (no ledger at %s); a draft is "
                 "never transferred", lpath);
        rc = EXIT_REFUSED;
    } else if (st != LEDGER_OK) {
        flow_say(c.notes, FLOW_NOTE_SAY, "cannot open the ledger: %s", err);
        rc = EXIT_INTERNAL;
    } else {
        rc = transfer(&c);
    }
    rules_free(&c.rs);
    rules_free(&c.now);
    rules_free(&c.ops);
    ledger_close(c.lg);
    return rc;
}

void flow_transfer_free(flow_transfer_res *res)
{
    flow_notes_free(&res->notes);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}
