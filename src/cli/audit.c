/* audit: `kasan audit verify` checks the ledger's integrity (hash chain,
 * stored files, runs against their events); `kasan audit export` writes the
 * event log as JSON Lines to standard output; `kasan audit report --fy Y`
 * writes OUT/audit-Y.xlsx, the auditor's year (events, verification, anchors,
 * replays; the workbook itself is src/report/audit_xlsx.c).  Reads the
 * ledger, never writes it. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "../flow/flow_int.h" /* until the audit report moves to src/flow */
#include "kasan/clock.h"
#include "kasan/fsutil.h"
#include "kasan/hash.h"
#include "kasan/ledger.h"
#include "kasan/ledger_transfer.h"
#include "kasan/report.h"

static void audit_usage(FILE *f)
{
    fputs("usage: kasan audit verify [--out DIR] [--anchor SEQ:SHA256 ...]\n"
          "       kasan audit export [--out DIR]\n"
          "       kasan audit report --fy YYYY [--out DIR]\n"
          "\n"
          "  verify   recompute the ledger's event hash chain, every stored file's\n"
          "           SHA-256, every run against its event, and each transfer file still\n"
          "           under DIR against its recorded SHA-256; exit 4 on any problem.\n"
          "           Prints the last event's hash: write it down outside the ledger\n"
          "  export   write the event log as JSON Lines to standard output\n"
          "  report   write DIR/audit-YYYY.xlsx for auditors: every event of fiscal year\n"
          "           YYYY (one row each, with reasons, corrections' differences, files\n"
          "           and their SHA-256), the verification, the anchors of each\n"
          "           finalization and the replay of each finalized month and of the\n"
          "           year's finalized settlement; exit 4 when the verification or a\n"
          "           replay found a difference (the workbook says so)\n"
          "\n"
          "  --out DIR            directory holding ledger.sqlite (default out/)\n"
          "  --data DIR, --rules DIR  accepted like every command's, not used (the\n"
          "                       ledger holds the files each finalized month used)\n"
          "  --anchor SEQ:SHA256  an event hash written down earlier (kasan run --finalize\n"
          "                       and audit verify print them); it must still be event\n"
          "                       SEQ's hash, so a rewritten and re-hashed log is caught\n"
          "  --help               show this help\n"
          "exit: 0 OK, 1 usage or no ledger under --out (verify with --anchor: 4),\n"
          "4 a problem found, 5 I/O error\n",
          f);
}

enum { MAX_ANCHORS = 64 };

typedef struct audit_opts {
    const char *out_dir;
    const char *fy;
    ledger_anchor anchors[MAX_ANCHORS];
    size_t n_anchors;
} audit_opts;

/* "SEQ:HASH": SEQ a positive integer, HASH 64 lowercase hex digits. */
static bool parse_anchor(const char *s, ledger_anchor *an)
{
    char *end;
    errno = 0;
    long long seq = strtoll(s, &end, 10);
    if (errno || seq <= 0 || end == s || *end != ':' || strlen(end + 1) != SHA256_HEX_LEN)
        return false;
    for (const char *h = end + 1; *h; h++)
        if (!((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f')))
            return false;
    an->seq = seq;
    memcpy(an->hash, end + 1, SHA256_HEX_LEN + 1);
    return true;
}

/* Each transfer file recorded in the ledger that is still under OUT against
 * its recorded SHA-256: a changed file is a problem; a missing one (moved to
 * the bank's upload folder, archived elsewhere) is reported, not counted.
 * Returns the number of problems, or -1 if the ledger could not be read. */
static int verify_transfer_files(ledger *lg, const char *out_dir, int64_t *checked)
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
        char *path = arena_printf(&a, "%s/%s", out_dir, t[i].file ? t[i].file : "?"), *data;
        size_t len;
        if (fs_read_file(path, &data, &len) != 0) {
            printf("transfer file %s (event %lld): not present under %s (%s), not checked\n",
                   t[i].file, (long long)t[i].event_seq, out_dir, fs_strerror(errno));
            continue;
        }
        char sha[SHA256_HEX_LEN + 1];
        hash_sha256_hex(data, len, sha);
        free(data);
        ++*checked;
        if (!t[i].sha256 || strcmp(sha, t[i].sha256)) {
            printf("transfer file %s (event %lld): SHA-256 %s differs from the recorded %s "
                   "(the file was changed after it was written)\n",
                   t[i].file, (long long)t[i].event_seq, sha, t[i].sha256 ? t[i].sha256 : "-");
            problems++;
        }
    }
    arena_release(&a);
    return problems;
}

static int audit_verify(ledger *lg, const audit_opts *o)
{
    ledger_counts c;
    int problems = ledger_verify(lg, stdout, &c);
    int64_t n_transfer = 0;
    int transfer_problems = problems < 0 ? 0 : verify_transfer_files(lg, o->out_dir, &n_transfer);
    if (transfer_problems < 0)
        problems = -1;
    else if (problems >= 0)
        problems += transfer_problems;
    int anchor_problems = problems < 0 ? 0 : ledger_verify_anchors(lg, o->anchors, o->n_anchors,
                                                                    stdout);
    if (anchor_problems < 0)
        problems = -1;
    else
        problems += anchor_problems;
    if (problems < 0) {
        fprintf(stderr, "kasan audit: %s\n", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    if (problems > 0) {
        printf("ledger FAILED verification: %d problem%s (%lld events, %lld blobs, %lld runs "
               "checked)\n",
               problems, problems == 1 ? "" : "s", (long long)c.events, (long long)c.blobs,
               (long long)c.runs);
        return EXIT_DIFFERENT;
    }
    printf("ledger OK: %lld events, %lld blobs verified", (long long)c.events, (long long)c.blobs);
    if (n_transfer)
        printf(", %lld transfer file%s", (long long)n_transfer, n_transfer == 1 ? "" : "s");
    if (o->n_anchors)
        printf(", %zu anchor%s matched", o->n_anchors, o->n_anchors == 1 ? "" : "s");
    printf("\nlast event: --anchor %lld:%s\n", (long long)c.head_seq, c.head_hash);
    return EXIT_OK;
}

/* Text written to a memory stream (the verify report, a replay). */
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

/* The year's finalized settlement (精算), if any, replayed as one more row
 * after the months (kasan replay --settlement). */
/* A replay's result lines into the workbook's text, its messages to stderr. */
static char *replay_text(const flow_notes *notes, arena *a)
{
    memtext t;
    if (!mem_open(&t))
        return arena_strdup(a, "");
    for (size_t k = 0; k < notes->n; k++)
        if (notes->v[k].kind == FLOW_NOTE_RESULT)
            fprintf(t.f, "%s\n", notes->v[k].text);
    flow_notes others = {0};
    for (size_t k = 0; k < notes->n; k++)
        if (notes->v[k].kind != FLOW_NOTE_RESULT)
            flow_say(&others, notes->v[k].kind, "%s", notes->v[k].text);
    cli_print_notes("kasan audit", &others);
    flow_notes_free(&others);
    return mem_close(&t, a);
}

/* The year's finalized settlement (精算), if any, replayed as one more row
 * after the months (kasan replay --settlement). */
static int report_settlement(ledger *lg, int fy, arena *a, audit_replay *rows, size_t *n)
{
    const char *id;
    flow_notes notes = {0};
    int rc = flow_settle_replay_in(lg, fy, &notes, a, &id);
    char *detail = replay_text(&notes, a);
    flow_notes_free(&notes);
    if (rc < 0)
        return 0; /* no finalized settlement: no row */
    audit_replay *rp = &rows[(*n)++];
    rp->month = arena_printf(a, "精算 FY%d", fy);
    rp->run_id = id ? id : "-";
    rp->result = rc == EXIT_OK ? 0 : rc == EXIT_DIFFERENT ? 1 : 2;
    rp->detail = detail;
    return 0;
}

/* Each finalized month of the year replayed from the ledger alone, then its
 * finalized settlement. */
static int report_replays(ledger *lg, int fy, arena *a, audit_replay **out, size_t *n)
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
        flow_notes notes = {0};
        int rc = flow_replay_run(lg, &r, m, &notes);
        audit_replay *rp = &(*out)[(*n)++];
        rp->month = ms[i].month;
        rp->run_id = ms[i].run_id;
        rp->result = rc == EXIT_OK ? 0 : rc == EXIT_DIFFERENT ? 1 : 2;
        rp->detail = replay_text(&notes, a);
        flow_notes_free(&notes);
    }
    return report_settlement(lg, fy, a, *out, n);
}

static int audit_report(ledger *lg, const char *lpath, const audit_opts *o)
{
    int fy;
    if (!cli_parse_fy("audit", o->fy, &fy))
        return EXIT_USAGE;
    arena a = ARENA_INIT;
    char created[32], err[1024];
    clock_now_iso(created);
    audit_book b = {.fiscal_year = fy, .ledger_path = lpath, .created = created};
    ledger_event *ev;
    memtext t;
    int rc = EXIT_OK;
    if (ledger_events_fy(lg, fy, &a, &ev, &b.n_events) != LEDGER_OK || !mem_open(&t)) {
        fprintf(stderr, "kasan audit: %s\n", ledger_errmsg(lg));
        arena_release(&a);
        return EXIT_INTERNAL;
    }
    b.events = ev;
    b.verify_problems = ledger_verify(lg, t.f, &b.counts);
    b.verify_text = mem_close(&t, &a);
    audit_replay *rp = NULL;
    if (b.verify_problems < 0 || report_replays(lg, fy, &a, &rp, &b.n_replays) != 0) {
        fprintf(stderr, "kasan audit: %s\n", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    b.replays = rp;
    char *path = arena_printf(&a, "%s/audit-%d.xlsx", o->out_dir, fy);
    if (rc == EXIT_OK && report_audit_xlsx(&b, path, err, sizeof err) != 0) {
        fprintf(stderr, "kasan audit: cannot write %s\n", err);
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK) {
        size_t differ = 0;
        for (size_t i = 0; i < b.n_replays; i++)
            differ += rp[i].result != 0;
        bool settled = b.n_replays && !strncmp(rp[b.n_replays - 1].month, "精算", 6);
        printf("wrote %s: %zu events of FY%d, verification %s, %zu finalized months%s replayed "
               "(%zu identical)\n", path, b.n_events, fy,
               b.verify_problems ? "FAILED" : "OK", b.n_replays - settled,
               settled ? " and the settlement" : "", b.n_replays - differ);
        if (b.verify_problems || differ)
            rc = EXIT_DIFFERENT;
    }
    arena_release(&a);
    return rc;
}

static int audit_export(ledger *lg)
{
    int rc = ledger_export_jsonl(lg, stdout);
    if (rc != LEDGER_OK) {
        fprintf(stderr, "kasan audit: %s\n", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

/* Parses [--out DIR] [--anchor A]... [--help] after the action word, and
 * --data / --rules, which every command takes (SPEC 3) and audit ignores;
 * returns -1 to go on, else the exit code. */
static int audit_options(int argc, char **argv, bool verify, bool report, audit_opts *o)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},
        {"data", required_argument, NULL, 'D'},
        {"rules", required_argument, NULL, 'R'},
        {"anchor", required_argument, NULL, 'a'},
        {"fy", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': o->out_dir = optarg; break;
        case 'D':
        case 'R': break; /* the same three options for every command */
        case 'f': o->fy = optarg; break;
        case 'a':
            if (!verify) {
                fputs("kasan audit: --anchor goes with verify\n", stderr);
                return EXIT_USAGE;
            }
            if (o->n_anchors == MAX_ANCHORS || !parse_anchor(optarg, &o->anchors[o->n_anchors])) {
                fprintf(stderr, "kasan audit: --anchor '%s': expected SEQ:SHA256 (an event number, "
                                "a colon and 64 lowercase hex digits; at most %d anchors)\n",
                        optarg, MAX_ANCHORS);
                return EXIT_USAGE;
            }
            o->n_anchors++;
            break;
        case 'h': audit_usage(stdout); return EXIT_OK;
        default: audit_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "kasan audit: unexpected argument '%s'\n", argv[optind]);
        audit_usage(stderr);
        return EXIT_USAGE;
    }
    if (report != (o->fy != NULL)) {
        fputs(report ? "kasan audit: report needs --fy YYYY\n"
                     : "kasan audit: --fy goes with report\n", stderr);
        return EXIT_USAGE;
    }
    return -1;
}

int cmd_audit(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        audit_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *action = argv[1];
    audit_opts o = {.out_dir = "out"};
    bool verify = !strcmp(action, "verify"), report = !strcmp(action, "report");
    if (!verify && !report && strcmp(action, "export") != 0) {
        fprintf(stderr, "kasan audit: unknown action '%s' (verify, export or report)\n", action);
        audit_usage(stderr);
        return EXIT_USAGE;
    }
    int rc = audit_options(argc - 1, argv + 1, verify, report, &o);
    if (rc >= 0)
        return rc;
    char path[4096], err[1024];
    if (snprintf(path, sizeof path, "%s/ledger.sqlite", o.out_dir) >= (int)sizeof path) {
        fputs("kasan audit: --out path too long\n", stderr);
        return EXIT_USAGE;
    }
    ledger *lg;
    int st = ledger_open(path, false, &lg, err, sizeof err);
    if (st == LEDGER_NOT_FOUND && fs_exists(path)) {
        /* an empty ledger (first finalization interrupted) is consistent,
         * unless an anchor says events existed */
        if (verify && o.n_anchors) {
            printf("event %lld: gone, but an anchor was recorded for it (the ledger is empty)\n"
                   "ledger FAILED verification\n", (long long)o.anchors[0].seq);
            return EXIT_DIFFERENT;
        }
        if (verify)
            printf("ledger OK: empty, nothing finalized\n");
        return EXIT_OK;
    }
    if (st == LEDGER_NOT_FOUND) { /* no ledger file at all */
        if (verify && o.n_anchors) { /* events were anchored: the ledger is gone */
            printf("event %lld: an anchor was recorded for it, but there is no ledger at %s\n"
                   "ledger FAILED verification\n", (long long)o.anchors[0].seq, path);
            return EXIT_DIFFERENT;
        }
        fprintf(stderr, "kasan audit: no ledger at %s: nothing has been finalized there yet "
                        "(is --out the right directory?)\n", path);
        return EXIT_USAGE;
    }
    if (st != LEDGER_OK) {
        fprintf(stderr, "kasan audit: %s\n", err);
        return EXIT_INTERNAL;
    }
    rc = verify ? audit_verify(lg, &o) : report ? audit_report(lg, path, &o) : audit_export(lg);
    ledger_close(lg);
    return rc;
}
