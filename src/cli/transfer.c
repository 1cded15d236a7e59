/* transfer: `kasan transfer` — the bank transfer file (全銀協 総合振込, SPEC 7)
 * of a finalized month or settlement, from the ledger alone: amounts from the
 * recorded run (only the positive differences after a correction), bank
 * details from the registry archived with that run, the payer from the rules
 * archived with it.  Writes OUT/M/transfer-M.txt (then -2, -3, …: a file is
 * never overwritten) and records it as a "transfer" event.  What is paid is
 * src/report/transfer.c's; the bytes src/report/zengin.c's. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "kasan/bankday.h"
#include "kasan/fsutil.h"
#include "kasan/ledger_settle.h"
#include "kasan/ledger_transfer.h"
#include "kasan/report_transfer.h"

#define WHO "kasan transfer"

typedef struct transfer_opts {
    const char *month, *settlement, *date, *reason, *actor;
    bool reissue;
} transfer_opts;

/* What one invocation transfers, gathered from the ledger. */
typedef struct subject {
    const char *label;          /* "2025-04", "the settlement of FY2025" */
    const char *month;          /* NULL for a settlement */
    int fy;                     /* settlement only */
    const char *run_id, *created;
    const char *dir, *stem;     /* "2025-04", "transfer-2025-04" */
    ledger_run archive;         /* files: the rule files (and the registry) to read */
    const ledger_file *registry;
    claim_month terms_month;    /* the terms that say which registry kind is paid */
    transfer_line *due, *base;
    size_t n_due, n_base;
    const char *base_run_id;    /* the run transferred before, NULL if none */
    int64_t due_total, base_total; /* the ledger's stored totals */
} subject;

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
          "  --actor NAME        who writes it (default: login name)\n"
          "  --out DIR           ledger and outputs (default out/); --rules DIR is read only\n"
          "                      when the run archived no payer in force on the date\n"
          "exit 0 written (or nothing to transfer), 1 usage, 2 invalid bank details,\n"
          "3 not finalized / already transferred, 5 error\n",
          f);
}

static int parse(int argc, char **argv, cli_paths *paths, transfer_opts *o)
{
    enum { OPT_SETTLE = OPT_FIRST_OWN, OPT_DATE, OPT_REISSUE, OPT_REASON, OPT_ACTOR };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"month", required_argument, 0, OPT_MONTH},
        {"settlement", required_argument, 0, OPT_SETTLE}, {"date", required_argument, 0, OPT_DATE},
        {"reissue", no_argument, 0, OPT_REISSUE}, {"reason", required_argument, 0, OPT_REASON},
        {"actor", required_argument, 0, OPT_ACTOR}, {0, 0, 0, 0}};
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
            if (!cli_common_opt(opt, paths)) {
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
                      : NULL;
    if (bad) {
        fprintf(stderr, WHO ": %s\n", bad);
        usage(stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* ---- gathering from the ledger ------------------------------------------ */

/* The subject as the audit trail names it: "2025-05" or "FY2025". */
static const char *subject_name(const subject *s, arena *a)
{
    return s->month ? s->month : arena_printf(a, "FY%d", s->fy);
}

/* A refused transfer (exit 3): said on stderr and, SPEC 1.4, recorded as a
 * "refuse" event of the subject (the month, or FYnnnn for a settlement). */
__attribute__((format(printf, 6, 7)))
static int refused(ledger *lg, const char *what, const char *run_id, const char *actor,
                   const char *code, const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    fprintf(stderr, WHO ": %s\n", why);
    ledger_refusal r = {what, run_id, actor, code, why, "transfer"};
    int64_t seq = 0;
    char hash[SHA256_HEX_LEN + 1] = "";
    if (ledger_refuse(lg, &r, &seq, hash) != LEDGER_OK)
        seq = 0;
    cli_refusal_note(WHO, lg, seq, hash);
    return EXIT_REFUSED;
}

static transfer_line *lines_of_run(const ledger_run *r, arena *a, size_t *n)
{
    transfer_line *v = arena_calloc(a, r->n_payments + 1, sizeof *v);
    for (size_t i = 0; i < r->n_payments; i++)
        v[i] = (transfer_line){r->payments[i].nursery_id, r->payments[i].program,
                               r->payments[i].amount_yen};
    *n = r->n_payments;
    return v;
}

/* 追加交付 as the settlement decided it, counting the settlements it
 * corrects (a first settlement: its positive differences).  Over a base
 * transferred before, the plan pays only the rise; a fall is 返還, never a
 * negative transfer. */
static transfer_line *lines_of_settlement(const ledger_settlement *s, arena *a, size_t *n)
{
    transfer_line *v = arena_calloc(a, s->n_rows + 1, sizeof *v);
    *n = 0;
    for (size_t i = 0; i < s->n_rows; i++) {
        int64_t yen = ledger_settle_row_decided_additional(&s->rows[i]);
        if (yen > 0)
            v[(*n)++] = (transfer_line){s->rows[i].nursery_id, s->rows[i].program, yen};
    }
    return v;
}

/* The latest transfer of the subject whose run is not the current one (the
 * run already paid), and whether the current run has one already. */
static const ledger_transfer *transferred_before(const subject *s, const ledger_transfer *t,
                                                 size_t n, bool *current_done, size_t *n_files)
{
    const ledger_transfer *base = NULL;
    *current_done = false;
    *n_files = 0;
    for (size_t i = 0; i < n; i++) {
        bool same = s->month ? t[i].month && !strcmp(t[i].month, s->month)
                             : !t[i].month && t[i].settlement_fy == s->fy;
        if (!same)
            continue;
        ++*n_files;
        if (!strcmp(t[i].run_id, s->run_id))
            *current_done = true;
        else
            base = &t[i];
    }
    return base;
}

static const ledger_file *role_file(const ledger_run *r, const char *role)
{
    for (size_t i = 0; i < r->n_files; i++)
        if (!strcmp(r->files[i].role, role))
            return &r->files[i];
    return NULL;
}

static int run_by_id(ledger *lg, const char *month, const char *run_id, arena *a, ledger_run *out)
{
    ledger_run *runs;
    size_t n;
    int st = ledger_runs(lg, month, a, &runs, &n);
    if (st != LEDGER_OK) {
        fprintf(stderr, WHO ": %s\n", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++)
        if (!strcmp(runs[i].run_id, run_id)) {
            *out = runs[i];
            return EXIT_OK;
        }
    fprintf(stderr, WHO ": the ledger holds no run %s of %s\n", run_id, month);
    return EXIT_INTERNAL;
}

/* A month with no run in the ledger and no draft in OUT/M either: a typo,
 * said but not an event of the trail (those are refused transfers of real
 * runs, SPEC 1.4).  False when the month has a run or a draft. */
static bool never_run(ledger *lg, const cli_paths *paths, const char *mon, arena *a)
{
    ledger_run *runs;
    size_t n = 0;
    if (ledger_runs(lg, mon, a, &runs, &n) != LEDGER_OK || n > 0)
        return false;
    if (fs_exists(arena_printf(a, "%s/%s/payments.csv", paths->out, mon)))
        return false; /* a draft: refused, and recorded */
    fprintf(stderr, WHO ": %s has never been finalized (no run of it in the ledger, no draft in "
                    "%s/%s); check the month, or run and finalize it first\n", mon, paths->out,
            mon);
    return true;
}

static int gather_month(ledger *lg, const cli_paths *paths, claim_month m, const char *actor,
                        arena *a, subject *s)
{
    char mon[8];
    month_format(m, mon);
    ledger_run r;
    int st = ledger_month_current(lg, mon, a, &r);
    if (st == LEDGER_NOT_FOUND && never_run(lg, paths, mon, a))
        return EXIT_REFUSED;
    if (st == LEDGER_NOT_FOUND)
        return refused(lg, mon, NULL, actor, "not_finalized", "%s is not finalized (a draft is "
                       "never transferred); finalize it with kasan run --finalize first", mon);
    if (st != LEDGER_OK) {
        fprintf(stderr, WHO ": %s\n", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    *s = (subject){.label = arena_strdup(a, mon), .month = arena_strdup(a, mon),
                   .run_id = r.run_id, .created = r.created, .dir = arena_strdup(a, mon),
                   .stem = arena_printf(a, "transfer-%s", mon), .archive = r,
                   .registry = role_file(&r, ledger_role_name(LEDGER_ROLE_REGISTRY)),
                   .terms_month = m, .due_total = r.total_yen};
    s->due = lines_of_run(&r, a, &s->n_due);
    return EXIT_OK;
}

/* The month's base: the payments of the run transferred before. */
static int gather_month_base(ledger *lg, const ledger_transfer *base, arena *a, subject *s)
{
    if (!base)
        return EXIT_OK;
    ledger_run b;
    int rc = run_by_id(lg, s->month, base->run_id, a, &b);
    if (rc)
        return rc;
    s->base = lines_of_run(&b, a, &s->n_base);
    s->base_total = b.total_yen;
    s->base_run_id = b.run_id;
    return EXIT_OK;
}

/* A corrected settlement's base: the 追加交付 of the settlement transferred
 * before (a settlement is corrected by a new one; both stay in the ledger). */
static int gather_settlement_base(ledger *lg, const ledger_transfer *base, arena *a, subject *s)
{
    if (!base)
        return EXIT_OK;
    ledger_settlement b;
    if (ledger_settle_get(lg, base->run_id, a, &b) != LEDGER_OK) {
        fprintf(stderr, WHO ": %s\n", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    s->base = lines_of_settlement(&b, a, &s->n_base);
    s->base_total = b.fy_additional_yen;
    s->base_run_id = b.settle_id;
    return EXIT_OK;
}

/* A settlement: rows and rules from its event, the registry from the run of
 * the last month it settled (the newest bank details it was finalized with). */
static int gather_settlement(ledger *lg, int fy, const char *actor, arena *a, subject *s)
{
    ledger_settlement st;
    int rc = ledger_settle_current(lg, fy, a, &st);
    if (rc == LEDGER_NOT_FOUND) {
        char subj[16];
        snprintf(subj, sizeof subj, "FY%d", fy);
        return refused(lg, subj, NULL, actor, "not_finalized", "FY%d has no finalized "
                       "settlement (kasan settle --fy %d --finalize first)", fy, fy);
    }
    if (rc != LEDGER_OK || !st.n_months) {
        fprintf(stderr, WHO ": %s\n", rc ? ledger_errmsg(lg) : "the settlement names no month");
        return EXIT_INTERNAL;
    }
    const ledger_settle_month *last = &st.months[0];
    for (size_t i = 1; i < st.n_months; i++)
        if (strcmp(st.months[i].month, last->month) > 0)
            last = &st.months[i];
    ledger_run r;
    if ((rc = run_by_id(lg, last->month, last->run_id, a, &r)))
        return rc;
    *s = (subject){.label = arena_printf(a, "the settlement of FY%d", fy), .fy = fy,
                   .run_id = st.settle_id, .created = st.created,
                   .dir = arena_printf(a, "settlement-%d", fy),
                   .stem = arena_printf(a, "transfer-settlement-%d", fy),
                   .archive = {.run_id = st.settle_id, .files = st.files, .n_files = st.n_files},
                   .registry = role_file(&r, ledger_role_name(LEDGER_ROLE_REGISTRY)),
                   .due_total = st.fy_additional_yen};
    month_parse(last->month, &s->terms_month);
    s->due = lines_of_settlement(&st, a, &s->n_due);
    return EXIT_OK;
}

/* ---- the payer and the registry ----------------------------------------- */

/* The payer in force on the day: from the rules archived with the run, else
 * (a run finalized before payer files existed) from the rules dir. */
static int payer_for(ledger *lg, const subject *s, const cli_paths *paths, date_t day, arena *a,
                     rule_set *rs, rule_set *now, const rule_payer **out, const char **source)
{
    int rc = rs->n_files ? EXIT_OK : replay_archived_rules(lg, &s->archive, rs, a);
    if (rc)
        return rc;
    *out = rules_payer_in_force(rs, day);
    *source = "archived";
    if (*out)
        return EXIT_OK;
    if (!now->n_files && (rc = cli_load_rules(paths->rules, now)))
        return rc;
    *out = rules_payer_in_force(now, day);
    *source = "rules dir";
    if (*out) {
        fprintf(stderr, WHO ": note: the rules archived with %s have no payer in force on the "
                        "transfer date; using %s from %s\n", s->label, (*out)->file->name,
                paths->rules);
        return EXIT_OK;
    }
    char iso[11];
    date_format_iso(day, iso);
    fprintf(stderr, WHO ": no payer (rules/payer/, kind: payer) is in force on %s, neither "
                    "archived with %s nor in %s\n", iso, s->label, paths->rules);
    return EXIT_INVALID;
}

static int archived_registry(ledger *lg, const subject *s, const rule_set *rs, arena *a,
                             registry *reg)
{
    if (!s->registry) {
        fprintf(stderr, WHO ": the ledger holds no registry for %s\n", s->label);
        return EXIT_INTERNAL;
    }
    char *data;
    size_t len;
    int st = ledger_blob_get(lg, s->registry->sha256, &data, &len);
    if (st != LEDGER_OK) {
        fprintf(stderr, WHO ": archived %s: %s\n", s->registry->name, ledger_errmsg(lg));
        return st == LEDGER_CORRUPT ? EXIT_DIFFERENT : EXIT_INTERNAL;
    }
    const rule_terms *t = rules_terms_in_force(rs, s->terms_month);
    diag_list d = DIAG_LIST_INIT;
    char *name = arena_printf(a, "ledger:%s", s->registry->name);
    int rc = registry_parse(name, arena_strndup(a, data, len), len, t ? t->eligible_kind : NULL,
                            a, reg, &d) ? EXIT_INTERNAL : EXIT_OK;
    free(data);
    diag_print(&d, stderr);
    diag_release(&d);
    return rc;
}

/* ---- the file ------------------------------------------------------------ */

/* OUT/DIR/STEM.txt for the subject's first file, then STEM-2.txt, -3, …:
 * the number of files recorded so far, past any file already on disk. */
static const char *file_name(const cli_paths *paths, const subject *s, size_t n_files, arena *a,
                             const char **rel)
{
    for (size_t k = n_files + 1;; k++) {
        *rel = k == 1 ? arena_printf(a, "%s/%s.txt", s->dir, s->stem)
                      : arena_printf(a, "%s/%s-%zu.txt", s->dir, s->stem, k);
        const char *path = arena_printf(a, "%s/%s", paths->out, *rel);
        if (!fs_exists(path))
            return path;
    }
}

/* The trailer against the ledger: the plan's sums, and due − base from the
 * ledger's stored totals once the lowered (not transferred) part is put back. */
static int check_totals(const subject *s, const transfer_plan *p, const zengin_totals *tot)
{
    int64_t want, got;
    if (tot->count != (int64_t)p->n || tot->amount != p->total ||
        __builtin_sub_overflow(s->due_total, s->base_total, &want) ||
        __builtin_sub_overflow(p->total, p->lowered, &got) || got != want) {
        fprintf(stderr, WHO ": internal error: the trailer (%lld transfers, %lld yen) does not "
                        "match the ledger's totals for %s (due %lld, paid before %lld, "
                        "lowered %lld); nothing written\n",
                (long long)tot->count, (long long)tot->amount, s->label,
                (long long)s->due_total, (long long)s->base_total, (long long)p->lowered);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

/* Validates and lays out the file: EXIT_INVALID with every problem listed. */
static int build_file(const subject *s, const registry *reg, const rule_payer *rp, date_t day,
                      const transfer_plan *p, arena *a, strbuf *out, zengin_totals *tot)
{
    diag_list d = DIAG_LIST_INIT;
    zengin_transfer *t;
    zengin_payer payer = transfer_payer(rp, day);
    int rc = transfer_records(reg, p, a, &t, &d);
    zengin_file f = {&payer, rp->file->path, t, p->n, reg->file};
    if (!rc)
        rc = zengin_write(&f, out, tot, &d);
    diag_print(&d, stderr);
    diag_release(&d);
    if (rc) {
        fprintf(stderr, WHO ": %s: bank details incomplete or not convertible; nothing "
                        "written.  The file uses the registry archived with run %s: correct "
                        "nurseries.csv and finalize a correction (kasan run --finalize "
                        "--supersede) to transfer with the new details\n", s->label, s->run_id);
        return EXIT_INVALID;
    }
    return check_totals(s, p, tot);
}

/* Writes the bytes under a temporary name, records the event, then renames:
 * a refused or failed record leaves no file.  A crash between the record and
 * the rename leaves an event whose file is missing (audit verify says so). */
static int write_and_record(ledger *lg, const char *path, const strbuf *bytes,
                            const ledger_transfer *t, int64_t *seq)
{
    fs_out o;
    char *dir = strdup(path);
    char *slash = dir ? strrchr(dir, '/') : NULL;
    if (slash)
        *slash = '\0';
    int bad = !dir || (slash && fs_mkdirs(dir)) || fs_out_open(&o, path, true);
    free(dir);
    if (bad || fwrite(bytes->buf, 1, bytes->len, o.f) != bytes->len) {
        fprintf(stderr, WHO ": cannot write %s: %s\n", path, fs_strerror(errno));
        if (!bad)
            fs_out_abort(&o);
        return EXIT_INTERNAL;
    }
    int st = ledger_transfer_record(lg, t, seq, NULL);
    if (st == LEDGER_ALREADY_FINALIZED) { /* another transfer recorded in between */
        fs_out_abort(&o);
        char subj[16];
        if (!t->month)
            snprintf(subj, sizeof subj, "FY%d", t->settlement_fy);
        return refused(lg, t->month ? t->month : subj, t->run_id, t->actor,
                       "already_transferred", "%s; nothing written", ledger_errmsg(lg));
    }
    if (st != LEDGER_OK) {
        fs_out_abort(&o);
        fprintf(stderr, WHO ": %s; nothing written\n", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    if (fs_out_commit(&o)) {
        fprintf(stderr, WHO ": recorded (event %lld) but cannot rename into %s: %s\n",
                (long long)*seq, path, fs_strerror(errno));
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

/* ---- the command --------------------------------------------------------- */

typedef struct ctx {
    const cli_paths *paths;
    const transfer_opts *o;
    date_t day;
    claim_month m;              /* --month, or */
    int fy;                     /* --settlement */
    ledger *lg;
    arena a;
    subject s;
    rule_set rs, now;
} ctx;

static int gather(ctx *c, size_t *n_files)
{
    ledger_transfer *all;
    size_t n_all;
    const char *actor = cli_actor(c->o->actor);
    int rc = c->o->month ? gather_month(c->lg, c->paths, c->m, actor, &c->a, &c->s)
                         : gather_settlement(c->lg, c->fy, actor, &c->a, &c->s);
    if (rc)
        return rc;
    if (ledger_transfers(c->lg, &c->a, &all, &n_all) != LEDGER_OK) {
        fprintf(stderr, WHO ": %s\n", ledger_errmsg(c->lg));
        return EXIT_INTERNAL;
    }
    bool done;
    const ledger_transfer *base = transferred_before(&c->s, all, n_all, &done, n_files);
    if (done && !c->o->reissue)
        return refused(c->lg, subject_name(&c->s, &c->a), c->s.run_id, actor,
                       "already_transferred", "%s (run %s) already has a transfer file; a "
                       "second one needs --reissue --reason TEXT", c->s.label, c->s.run_id);
    return c->s.month ? gather_month_base(c->lg, base, &c->a, &c->s)
                      : gather_settlement_base(c->lg, base, &c->a, &c->s);
}

/* The transfer date: a real date, not before the day the run was finalized. */
static int check_date(const ctx *c)
{
    date_t fin;
    if (c->s.created && strlen(c->s.created) >= 10 && date_parse_iso(c->s.created, 10, &fin) &&
        c->day < fin) {
        fprintf(stderr, WHO ": --date %s is before %s was finalized (%.10s)\n", c->o->date,
                c->s.label, c->s.created);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The transfer date must be a bank business day (SPEC 10.4): the calendar
 * in force on it among the rules archived with the run, else in --rules
 * (read quietly: a date no calendar covers is refused all the same). */
static int check_bank_day(ctx *c)
{
    int rc = replay_archived_rules(c->lg, &c->s.archive, &c->rs, &c->a);
    const rule_calendar *cal = rc ? NULL : rules_calendar_in_force(&c->rs, c->day);
    diag_list d = DIAG_LIST_INIT;
    if (!rc && !cal && rules_load_dir(c->paths->rules, &c->now, &d) == 0)
        cal = rules_calendar_in_force(&c->now, c->day);
    diag_release(&d);
    if (rc)
        return rc;
    if (!cal) {
        fprintf(stderr, WHO ": --date %s cannot be checked: no bank calendar (rules/calendar/, "
                        "kind: calendar) covers it, neither archived with %s nor in %s; add the "
                        "year's national holidays\n", c->o->date, c->s.label, c->paths->rules);
        return EXIT_USAGE;
    }
    bankday_status st = bankday_of(c->day, cal->holidays, cal->n);
    if (st == BANKDAY_OPEN)
        return EXIT_OK;
    char next[11];
    date_format_iso(bankday_next(c->day, cal->holidays, cal->n), next);
    const char *name = st == BANKDAY_HOLIDAY ? rules_calendar_holiday(cal, c->day) : NULL;
    fprintf(stderr, WHO ": --date %s is not a bank business day (%s%s%s); the next business day "
                    "is %s\n", c->o->date, bankday_reason(st), name ? "：" : "", name ? name : "",
            next);
    return EXIT_USAGE;
}

static int transfer(ctx *c)
{
    size_t n_files;
    int rc = gather(c, &n_files);
    if (!rc)
        rc = check_date(c);
    if (!rc)
        rc = check_bank_day(c);
    /* OUT/M lost or half published: put the finalized outputs back first, so
     * the transfer file does not stand alone in a directory that hides it */
    if (!rc && c->s.month)
        rc = restore_month(c->paths, c->lg, c->m, WHO, false);
    transfer_plan p = {0};
    diag_list d = DIAG_LIST_INIT;
    if (!rc && transfer_plan_build(c->s.due, c->s.n_due, c->s.base, c->s.n_base, &c->a, &p, &d))
        rc = EXIT_INTERNAL;
    diag_print(&d, stderr);
    diag_release(&d);
    if (!rc && !p.n) {
        printf("%s: nothing to transfer (no positive difference over run %s)\n", c->s.label,
               c->s.base_run_id ? c->s.base_run_id : "-");
        return EXIT_OK;
    }
    const rule_payer *rp = NULL;
    const char *payer_src = NULL;
    registry reg;
    if (!rc)
        rc = payer_for(c->lg, &c->s, c->paths, c->day, &c->a, &c->rs, &c->now, &rp, &payer_src);
    if (!rc)
        rc = archived_registry(c->lg, &c->s, &c->rs, &c->a, &reg);
    strbuf bytes;
    sb_init(&bytes);
    zengin_totals tot;
    if (!rc)
        rc = build_file(&c->s, &reg, rp, c->day, &p, &c->a, &bytes, &tot);
    if (!rc) {
        const char *rel, *path = file_name(c->paths, &c->s, n_files, &c->a, &rel);
        char sha[SHA256_HEX_LEN + 1];
        hash_sha256_hex(bytes.buf, bytes.len, sha);
        ledger_transfer t = {c->s.month, c->s.fy, c->s.run_id, c->s.base_run_id, rel, sha,
                             tot.count, tot.amount, c->o->date, cli_actor(c->o->actor),
                             c->o->reissue ? c->o->reason : NULL, rp->version, payer_src,
                             bytes.buf, bytes.len, 0, NULL};
        int64_t seq = 0;
        char yen[CLI_YEN_LEN];
        rc = write_and_record(c->lg, path, &bytes, &t, &seq);
        if (!rc)
            printf("%s: wrote %s: %lld transfer%s, %s yen, 振込指定日 %s (event %lld, sha256 "
                   "%s)\n", c->s.label, path, (long long)tot.count, tot.count == 1 ? "" : "s",
                   cli_yen(tot.amount, false, yen), c->o->date, (long long)seq, sha);
    }
    sb_release(&bytes);
    return rc;
}

int cmd_transfer(int argc, char **argv)
{
    cli_paths paths = CLI_PATHS_DEFAULT;
    transfer_opts o = {0};
    int rc = parse(argc, argv, &paths, &o);
    if (rc >= 0)
        return rc;
    ctx c = {.paths = &paths, .o = &o, .a = ARENA_INIT};
    if (o.month ? !cli_parse_month(o.month, &c.m) : !cli_parse_fy("transfer", o.settlement, &c.fy))
        return EXIT_USAGE;
    if (o.month && !cli_month_begun("transfer", c.m, "transfer"))
        return EXIT_USAGE;
    if (!date_parse_iso(o.date, strlen(o.date), &c.day)) {
        fprintf(stderr, WHO ": --date '%s' is not a real date YYYY-MM-DD\n", o.date);
        return EXIT_USAGE;
    }
    char err[512];
    char *lpath = cli_ledger_path(&paths, &c.a);
    int st = ledger_open(lpath, false, &c.lg, err, sizeof err);
    if (st == LEDGER_NOT_FOUND) {
        fprintf(stderr, WHO ": nothing is finalized (no ledger at %s); a draft is never "
                        "transferred\n", lpath);
        rc = EXIT_REFUSED;
    } else if (st != LEDGER_OK) {
        fprintf(stderr, WHO ": cannot open the ledger %s: %s\n", lpath, err);
        rc = EXIT_INTERNAL;
    } else {
        rc = transfer(&c);
    }
    rules_free(&c.rs);
    rules_free(&c.now);
    ledger_close(c.lg);
    arena_release(&c.a);
    return rc;
}
