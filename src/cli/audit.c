/* audit: `kasan audit verify | export | report` — the options of the
 * auditor's commands, the procedure (flow_audit: reads the ledger, never
 * writes it), and what it found: the verification's lines, the export on
 * standard output, the report's summary (the workbook itself is
 * src/report/audit_xlsx.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/flow_view.h"

static void audit_usage(FILE *f)
{
    fputs("usage: kasan audit verify [--out DIR] [--anchor SEQ:SHA256 ...]\n"
          "       kasan audit export [--out DIR]\n"
          "       kasan audit report --fy YYYY [--out DIR]\n"
          "       kasan audit access --from YYYY-MM-DD --to YYYY-MM-DD [--out DIR]\n"
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
          "  access   print the access log of personal data (children's care types, bank\n"
          "           accounts) kept in the ledger database outside the hash chain: one\n"
          "           line per page or download shown, TIME OPERATOR VIA WHAT, tab\n"
          "           separated, for the days --from .. --to (both included, UTC)\n"
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
    const char *from, *to;
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

/* Parses [--out DIR] [--anchor A]... [--help] after the action word, and
 * --data / --rules, which every command takes (SPEC 3) and audit ignores;
 * returns -1 to go on, else the exit code. */
static int audit_options(int argc, char **argv, bool verify, bool report, bool access,
                         audit_opts *o)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},
        {"data", required_argument, NULL, 'D'},
        {"rules", required_argument, NULL, 'R'},
        {"anchor", required_argument, NULL, 'a'},
        {"fy", required_argument, NULL, 'f'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
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
        case 'F': o->from = optarg; break;
        case 'T': o->to = optarg; break;
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
    if (!access && (o->from || o->to)) {
        fputs("kasan audit: --from and --to go with access\n", stderr);
        return EXIT_USAGE;
    }
    if (report != (o->fy != NULL)) {
        fputs(report ? "kasan audit: report needs --fy YYYY\n"
                     : "kasan audit: --fy goes with report\n", stderr);
        return EXIT_USAGE;
    }
    return -1;
}

/* "--from D": a real date YYYY-MM-DD into *d; prints why not. */
static bool parse_day(const char *opt, const char *s, date_t *d)
{
    if (s && date_parse_iso(s, strlen(s), d))
        return true;
    if (s)
        fprintf(stderr, "kasan audit: %s '%s' is not a real date YYYY-MM-DD\n", opt, s);
    else
        fprintf(stderr, "kasan audit: access needs --from YYYY-MM-DD and --to YYYY-MM-DD\n");
    return false;
}

/* kasan audit access: the entries of the days asked, one line each. */
static int audit_access(const audit_opts *o)
{
    flow_access_req rq = {.out = o->out_dir};
    if (!parse_day("--from", o->from, &rq.from) || !parse_day("--to", o->to, &rq.to))
        return EXIT_USAGE;
    if (rq.to < rq.from) {
        fprintf(stderr, "kasan audit: --to %s is before --from %s\n", o->to, o->from);
        return EXIT_USAGE;
    }
    flow_access_res res;
    int rc = flow_access_read(&rq, &res);
    cli_print_notes("kasan audit", &res.notes);
    for (size_t i = 0; rc == EXIT_OK && i < res.n; i++)
        printf("%s\t%s\t%s\t%s\n", res.v[i].time, res.v[i].operator_id, res.v[i].via,
               res.v[i].what);
    flow_access_free(&res);
    return rc;
}

int cmd_audit(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        audit_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : EXIT_OK;
    }
    const char *action = argv[1];
    audit_opts o = {.out_dir = "out"};
    bool verify = !strcmp(action, "verify"), report = !strcmp(action, "report"),
         access = !strcmp(action, "access");
    if (!verify && !report && !access && strcmp(action, "export") != 0) {
        fprintf(stderr, "kasan audit: unknown action '%s' (verify, export, report or access)\n",
                action);
        audit_usage(stderr);
        return EXIT_USAGE;
    }
    int rc = audit_options(argc - 1, argv + 1, verify, report, access, &o);
    if (rc >= 0)
        return rc;
    if (access)
        return audit_access(&o);
    flow_audit_req rq = {o.out_dir, verify ? FLOW_AUDIT_VERIFY
                                    : report ? FLOW_AUDIT_REPORT : FLOW_AUDIT_EXPORT,
                         o.anchors, o.n_anchors, 0, stdout};
    if (report && !cli_parse_fy("audit", o.fy, &rq.fiscal_year))
        return EXIT_USAGE;
    flow_audit_res res;
    rc = flow_audit(&rq, &res);
    cli_print_notes("kasan audit", &res.notes);
    if (res.path)
        printf("wrote %s: %zu events of FY%d, verification %s, %zu finalized months%s replayed "
               "(%zu identical)\n", res.path, res.n_events, rq.fiscal_year,
               res.verify_failed ? "FAILED" : "OK", res.n_months,
               res.settled ? " and the settlement" : "", res.n_identical);
    flow_audit_free(&res);
    return rc;
}
