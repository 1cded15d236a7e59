/* audit: the auditor's procedures on the ledger, which they read and never
 * write — verify (the hash chain, stored files, runs against their events,
 * the anchors written down outside, and each transfer file still under OUT
 * against its recorded SHA-256), export (the event log as JSON Lines), and
 * the year's report (every event, the verification and the replay of each
 * finalized month and of the settlement, for OUT/audit-FY.xlsx).  The
 * verification's lines and the replays come back as text.
 * Not here: the checks themselves (src/ledger/chain.c, blob.c; the
 * signatures signatures.c, a checkpoint checkpoint.c), a replay (replay.c,
 * settle.c), the workbook (src/report/audit_xlsx.c). */
#include "flow_int.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/clock.h"
#include "kasan/flow_refund.h"
#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"

/* Text a ledger function writes to a stream, kept in memory. */
typedef struct memtext {
    FILE *f;
    char *buf;
    size_t len;
} memtext;

static bool mem_open(memtext *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    return m->f != NULL;
}

static char *mem_close(memtext *m, arena *a)
{
    fclose(m->f);
    char *s = arena_strdup(a, m->buf ? m->buf : "");
    free(m->buf);
    return s;
}

/* Each line of text as a result line. */
static void say_lines(flow_notes *notes, const char *text)
{
    while (*text) {
        size_t k = strcspn(text, "\n");
        flow_say(notes, FLOW_NOTE_RESULT, "%.*s", (int)k, text);
        text += k + (text[k] == '\n');
    }
}

/* A transfer event's bytes are in the ledger (what restore writes back and
 * what the file under OUT is checked against): true, or false said. */
static bool transfer_bytes_kept(ledger *lg, const ledger_transfer *t, flow_notes *notes)
{
    char *data = NULL;
    size_t len;
    int st = t->sha256 ? ledger_blob_get(lg, t->sha256, &data, &len) : LEDGER_NOT_FOUND;
    free(data);
    if (st == LEDGER_OK)
        return true;
    flow_say(notes, FLOW_NOTE_RESULT, "transfer file %s (event %lld): its bytes (SHA-256 %s) are "
             "not in the ledger%s: it cannot be restored or checked", t->file ? t->file : "?",
             (long long)t->event_seq, t->sha256 ? t->sha256 : "-",
             st == LEDGER_CORRUPT ? " as recorded" : "");
    return false;
}

/* Each transfer event's bytes kept in the ledger, and each transfer file
 * still under OUT against its recorded SHA-256: bytes gone or a changed
 * file is a problem; a missing file (moved to the bank's upload folder,
 * archived elsewhere) is reported, not counted.  Returns the number of
 * problems, or -1 if the ledger could not be read. */
/* A name kasan gives a transfer file: transfer-….txt (not a temporary). */
static bool transfer_name(const char *name)
{
    size_t n = strlen(name);
    return !strncmp(name, "transfer-", 9) && n > 13 && !strcmp(name + n - 4, ".txt");
}

/* A folder of OUT that holds transfer files: a month or a settlement. */
static bool transfer_folder(const char *name)
{
    claim_month m;
    return month_parse(name, &m) || (!strncmp(name, "settlement-", 11) && strlen(name) == 15);
}

/* Transfer files under OUT that no transfer event records (an event cut
 * from the end of the log leaves its file behind): each one a problem. */
static int unrecorded_transfer_files(const char *out_dir, const ledger_transfer *t, size_t n,
                                     arena *a, flow_notes *notes)
{
    int problems = 0;
    DIR *top = opendir(out_dir);
    for (struct dirent *d; top && (d = readdir(top));) {
        if (!transfer_folder(d->d_name))
            continue;
        DIR *sub = opendir(arena_printf(a, "%s/%s", out_dir, d->d_name));
        for (struct dirent *f; sub && (f = readdir(sub));) {
            if (!transfer_name(f->d_name))
                continue;
            char *rel = arena_printf(a, "%s/%s", d->d_name, f->d_name);
            bool known = false;
            for (size_t i = 0; i < n && !known; i++)
                known = t[i].file && !strcmp(t[i].file, rel);
            if (!known) {
                flow_say(notes, FLOW_NOTE_RESULT, "transfer file %s: under %s, but no transfer "
                         "event records it (an event deleted from the log?)", rel, out_dir);
                problems++;
            }
        }
        if (sub)
            closedir(sub);
    }
    if (top)
        closedir(top);
    return problems;
}

static int verify_transfer_files(ledger *lg, const char *out_dir, int64_t *checked,
                                 flow_notes *notes)
{
    arena a = ARENA_INIT;
    ledger_transfer *t;
    size_t n;
    int problems = 0;
    *checked = 0;
    if (ledger_transfers(lg, &a, &t, &n) != LEDGER_OK) {
        arena_release(&a);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!transfer_bytes_kept(lg, &t[i], notes))
            problems++;
        char *path = arena_printf(&a, "%s/%s", out_dir, t[i].file ? t[i].file : "?"), *data;
        size_t len;
        if (fs_read_file(path, &data, &len) != 0) {
            flow_say(notes, FLOW_NOTE_RESULT, "transfer file %s (event %lld): not present under "
                     "%s (%s), not checked", t[i].file, (long long)t[i].event_seq, out_dir,
                     fs_strerror(errno));
            continue;
        }
        char sha[SHA256_HEX_LEN + 1];
        hash_sha256_hex(data, len, sha);
        free(data);
        ++*checked;
        if (!t[i].sha256 || strcmp(sha, t[i].sha256)) {
            flow_say(notes, FLOW_NOTE_RESULT, "transfer file %s (event %lld): SHA-256 %s differs "
                     "from the recorded %s (the file was changed after it was written)",
                     t[i].file, (long long)t[i].event_seq, sha, t[i].sha256 ? t[i].sha256 : "-");
            problems++;
        }
    }
    problems += unrecorded_transfer_files(out_dir, t, n, &a, notes);
    arena_release(&a);
    return problems;
}

static int verify(ledger *lg, const flow_audit_req *rq, flow_notes *notes)
{
    ledger_counts c;
    arena a = ARENA_INIT;
    memtext t;
    int problems = -1;
    if (mem_open(&t)) {
        problems = ledger_verify(lg, t.f, &c);
        say_lines(notes, mem_close(&t, &a));
    }
    int64_t n_transfer = 0;
    int transfer_problems =
        problems < 0 ? 0 : verify_transfer_files(lg, rq->out, &n_transfer, notes);
    if (transfer_problems < 0)
        problems = -1;
    else if (problems >= 0)
        problems += transfer_problems;
    int anchor_problems = 0;
    if (problems >= 0 && mem_open(&t)) {
        anchor_problems = ledger_verify_anchors(lg, rq->anchors, rq->n_anchors, t.f);
        say_lines(notes, mem_close(&t, &a));
    }
    if (anchor_problems < 0)
        problems = -1;
    else
        problems += anchor_problems;
    /* every signature, role and separation rule (SPEC 10.1), then a checkpoint */
    flow_signatures sigs = {0};
    int sig_problems = problems < 0 ? 0 : flow_signatures_verify(lg, &a, &sigs, notes);
    int cp_problems = problems < 0 || sig_problems < 0 || !rq->checkpoint
                          ? 0 : flow_checkpoint_verify(lg, rq->checkpoint, notes);
    if (sig_problems < 0 || cp_problems < 0)
        problems = -1;
    else if (problems >= 0)
        problems += sig_problems + cp_problems;
    arena_release(&a);
    if (problems < 0) {
        flow_say(notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    if (problems > 0) {
        flow_say(notes, FLOW_NOTE_RESULT, "ledger FAILED verification: %d problem%s (%lld "
                 "events, %lld blobs, %lld runs checked)", problems, problems == 1 ? "" : "s",
                 (long long)c.events, (long long)c.blobs, (long long)c.runs);
        return EXIT_DIFFERENT;
    }
    char files[64] = "", anchors[64] = "";
    if (n_transfer)
        snprintf(files, sizeof files, ", %lld transfer file%s", (long long)n_transfer,
                 n_transfer == 1 ? "" : "s");
    if (rq->n_anchors)
        snprintf(anchors, sizeof anchors, ", %zu anchor%s matched", rq->n_anchors,
                 rq->n_anchors == 1 ? "" : "s");
    flow_say(notes, FLOW_NOTE_RESULT, "ledger OK: %lld events, %lld blobs verified%s%s",
             (long long)c.events, (long long)c.blobs, files, anchors);
    if (sigs.n_signed)
        flow_say(notes, FLOW_NOTE_RESULT, "signatures OK: %zu signed events verified under the "
                 "keys in force (%zu operators file%s held), roles and the separation of duties "
                 "kept; %zu unsigned (before an operators file was in force)", sigs.n_signed,
                 sigs.n_operators_files, sigs.n_operators_files == 1 ? "" : "s",
                 sigs.n_unsigned);
    else
        flow_say(notes, FLOW_NOTE_RESULT, "unsigned: no operators file in force (no event is "
                 "signed)");
    flow_say(notes, FLOW_NOTE_RESULT, "last event: --anchor %lld:%s", (long long)c.head_seq,
             c.head_hash);
    return EXIT_OK;
}

/* ---- the report ----------------------------------------------------------------- */

/* A replay's result lines as the workbook's text; its other notes stay. */
static char *replay_text(flow_notes *from, flow_notes *notes, arena *a)
{
    memtext t;
    char *text = NULL;
    if (mem_open(&t)) {
        for (size_t k = 0; k < from->n; k++)
            if (from->v[k].kind == FLOW_NOTE_RESULT)
                fprintf(t.f, "%s\n", from->v[k].text);
        text = mem_close(&t, a);
    }
    for (size_t k = 0; k < from->n; k++)
        if (from->v[k].kind != FLOW_NOTE_RESULT)
            flow_say(notes, from->v[k].kind, "%s", from->v[k].text);
    flow_notes_free(from);
    return text ? text : arena_strdup(a, "");
}

/* The year's finalized settlement (精算), if any, replayed as one more row
 * after the months (kasan replay --settlement). */
static void report_settlement(ledger *lg, int fy, arena *a, audit_replay *rows, size_t *n,
                              flow_notes *notes)
{
    const char *id;
    flow_notes replay = {0};
    int rc = flow_settle_replay_in(lg, fy, &replay, a, &id);
    char *detail = replay_text(&replay, notes, a);
    if (rc < 0)
        return; /* no finalized settlement: no row */
    audit_replay *rp = &rows[(*n)++];
    rp->month = arena_printf(a, "精算 FY%d", fy);
    rp->run_id = id ? id : "-";
    rp->result = rc == EXIT_OK ? 0 : rc == EXIT_DIFFERENT ? 1 : 2;
    rp->detail = detail;
}

/* Each finalized month of the year replayed from the ledger alone, then its
 * finalized settlement. */
static int report_replays(ledger *lg, int fy, arena *a, audit_replay **out, size_t *n,
                          flow_notes *notes)
{
    ledger_month_sum *ms;
    size_t nm;
    if (ledger_fy_months(lg, fy, a, &ms, &nm) != LEDGER_OK)
        return -1;
    *out = arena_calloc(a, nm + 1, sizeof **out);
    *n = 0;
    for (size_t i = 0; i < nm; i++) {
        claim_month m;
        ledger_run r;
        if (!month_parse(ms[i].month, &m) || ledger_month_current(lg, ms[i].month, a, &r))
            return -1;
        flow_notes replay = {0};
        int rc = flow_replay_run(lg, &r, m, &replay);
        audit_replay *rp = &(*out)[(*n)++];
        rp->month = ms[i].month;
        rp->run_id = ms[i].run_id;
        rp->result = rc == EXIT_OK ? 0 : rc == EXIT_DIFFERENT ? 1 : 2;
        rp->detail = replay_text(&replay, notes, a);
    }
    report_settlement(lg, fy, a, *out, n, notes);
    return 0;
}

static int report(ledger *lg, const char *lpath, const flow_audit_req *rq, flow_audit_res *res)
{
    int fy = rq->fiscal_year;
    arena *a = &res->a;
    char created[32], err[1024];
    clock_now_iso(created);
    audit_book b = {.fiscal_year = fy, .ledger_path = lpath, .created = created};
    ledger_event *ev;
    memtext t;
    if (ledger_events_fy(lg, fy, a, &ev, &b.n_events) != LEDGER_OK || !mem_open(&t)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    b.events = ev;
    b.verify_problems = ledger_verify(lg, t.f, &b.counts);
    b.verify_text = mem_close(&t, a);
    audit_replay *rp = NULL;
    int rc = EXIT_OK;
    if (b.verify_problems < 0 ||
        report_replays(lg, fy, a, &rp, &b.n_replays, &res->notes) != 0) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    b.replays = rp;
    flow_signatures sigs = {0};
    flow_notes sig_lines = {0}; /* the problems are in the verification's sheet */
    if (rc == EXIT_OK) {
        b.sig_problems = flow_signatures_verify(lg, a, &sigs, &sig_lines);
        if (b.sig_problems < 0)
            rc = EXIT_INTERNAL;
        for (size_t k = 0; k < sig_lines.n && b.sig_problems > 0; k++)
            b.verify_text = arena_printf(a, "%s%s\n", b.verify_text, sig_lines.v[k].text);
    }
    flow_notes_free(&sig_lines);
    b.runs = sigs.runs;
    b.n_runs = sigs.n_runs;
    b.sigs = sigs.events;
    b.n_sigs = sigs.n_events;
    flow_refund_res refunds = {0}; /* the 返還 sheet: none without a settlement */
    int rr = rc == EXIT_OK ? flow_refund_read(lg, fy, &refunds) : EXIT_USAGE;
    if (rr == EXIT_OK) {
        audit_refund *v = arena_calloc(a, refunds.n + 1, sizeof *v);
        for (size_t i = 0; i < refunds.n; i++) {
            const flow_receivable *f = &refunds.rows[i];
            v[i] = (audit_refund){arena_strdup(a, f->nursery_id), arena_strdup(a, f->program),
                                  f->program_title ? arena_strdup(a, f->program_title) : NULL,
                                  f->amount_yen, f->received_yen, f->open_yen, f->decided,
                                  f->due, f->overdue,
                                  f->treatment.kind == BUDGET_REFUND_REVENUE,
                                  f->treatment.fiscal_year};
        }
        b.refunds = v;
        b.n_refunds = refunds.n;
    } else if (rr != EXIT_USAGE) {
        rc = rr;
        flow_say(&res->notes, FLOW_NOTE_SAY, "the 返還 receivables cannot be read");
    }
    flow_refund_free(&refunds);
    char *path = arena_printf(a, "%s/audit-%d.xlsx", rq->out, fy);
    if (rc == EXIT_OK && report_audit_xlsx(&b, path, err, sizeof err) != 0) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "cannot write %s", err);
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK) {
        res->path = path;
        res->n_events = b.n_events;
        res->verify_failed = b.verify_problems != 0 || b.sig_problems != 0;
        res->settled = b.n_replays && !strncmp(rp[b.n_replays - 1].month, "精算", 6);
        res->n_months = b.n_replays - res->settled;
        for (size_t i = 0; i < b.n_replays; i++)
            res->n_identical += rp[i].result == 0;
        if (res->verify_failed || res->n_identical != b.n_replays)
            rc = EXIT_DIFFERENT;
    }
    return rc;
}

/* ---- kasan audit ---------------------------------------------------------------- */

int flow_audit(const flow_audit_req *rq, flow_audit_res *res)
{
    memset(res, 0, sizeof *res);
    flow_notes *notes = &res->notes;
    char path[4096], err[1024];
    if (snprintf(path, sizeof path, "%s/ledger.sqlite", rq->out) >= (int)sizeof path) {
        flow_say(notes, FLOW_NOTE_SAY, "--out path too long");
        return EXIT_USAGE;
    }
    bool verifying = rq->action == FLOW_AUDIT_VERIFY;
    ledger *lg;
    int st = ledger_open(path, false, &lg, err, sizeof err);
    if (st == LEDGER_NOT_FOUND && fs_exists(path)) {
        /* an empty ledger (first finalization interrupted) is consistent,
         * unless an anchor says events existed */
        if (verifying && rq->n_anchors) {
            flow_say(notes, FLOW_NOTE_RESULT, "event %lld: gone, but an anchor was recorded for "
                     "it (the ledger is empty)\nledger FAILED verification",
                     (long long)rq->anchors[0].seq);
            return EXIT_DIFFERENT;
        }
        if (verifying)
            flow_say(notes, FLOW_NOTE_RESULT, "ledger OK: empty, nothing finalized");
        return EXIT_OK;
    }
    if (st == LEDGER_NOT_FOUND) { /* no ledger file at all */
        if (verifying && rq->n_anchors) { /* events were anchored: the ledger is gone */
            flow_say(notes, FLOW_NOTE_RESULT, "event %lld: an anchor was recorded for it, but "
                     "there is no ledger at %s\nledger FAILED verification",
                     (long long)rq->anchors[0].seq, path);
            return EXIT_DIFFERENT;
        }
        flow_say(notes, FLOW_NOTE_SAY, "no ledger at %s: nothing has been finalized there yet "
                 "(is --out the right directory?)", path);
        return EXIT_USAGE;
    }
    if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot open the ledger: %s", err);
        return EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    if (verifying)
        rc = verify(lg, rq, notes);
    else if (rq->action == FLOW_AUDIT_REPORT)
        rc = report(lg, path, rq, res);
    else if (ledger_export_jsonl(lg, rq->export_to) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    ledger_close(lg);
    return rc;
}

void flow_audit_free(flow_audit_res *res)
{
    flow_notes_free(&res->notes);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}
