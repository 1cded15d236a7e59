/* audit: `kasan audit verify | export | report | checkpoint | access` — the options
 * of the auditor's commands, the procedures (flow_audit: reads the ledger,
 * never writes it; flow_checkpoint: the chain head signed into a file), and
 * what they found: the verification's lines, the export on standard output,
 * the report's summary (the workbook itself is src/report/audit_xlsx.c). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/flow_sign.h"
#include "kasan/flow_view.h"

static void audit_usage(FILE *f)
{
    fputs("usage: kasan audit verify [--out DIR] [--anchor SEQ:SHA256 ...] [--checkpoint FILE]\n"
          "       kasan audit export [--out DIR]\n"
          "       kasan audit report --fy YYYY [--out DIR]\n"
          "       kasan audit checkpoint --operator ID [--to FILE] [--out DIR] [--rules DIR]\n"
          "       kasan audit access --from YYYY-MM-DD --to YYYY-MM-DD [--out DIR]\n"
          "\n"
          "  verify   recompute the ledger's event hash chain, every stored file's\n"
          "           SHA-256, every run against its event, each transfer file still\n"
          "           under DIR against its recorded SHA-256, and every signature against\n"
          "           the key in force for its operator on the event's day, the role used\n"
          "           and the separation of duties (from the ledger alone); exit 4 on any\n"
          "           problem, naming the event.  Prints the last event's hash: write it\n"
          "           down outside the ledger\n"
          "  checkpoint  write the chain head (event number, hash, time) signed by an\n"
          "           operator with the audit role to FILE (default DIR/checkpoint-SEQ.txt,\n"
          "           never overwritten): keep it outside the ledger\n"
          "  access   print the access log of personal data (children's care types, bank\n"
          "           accounts) kept in the ledger database outside the hash chain: one\n"
          "           line per page or download shown, TIME OPERATOR VIA WHAT, tab\n"
          "           separated, for the days --from .. --to (both included, UTC)\n"
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
          "  --checkpoint FILE    verify: a checkpoint written earlier: its signature, and\n"
          "                       that the ledger still extends it\n"
          CLI_SIGNER_HELP
          "  --help               show this help\n"
          "exit: 0 OK, 1 usage or no ledger under --out (verify with --anchor: 4),\n"
          "4 a problem found, 5 I/O error\n",
          f);
}

enum { MAX_ANCHORS = 64 };

typedef struct audit_opts {
    const char *out_dir, *rules_dir;
    const char *fy;
    const char *checkpoint, *to; /* --to: checkpoint's FILE, or access's last day */
    const char *from;
    cli_signer sg;
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
static int audit_options(int argc, char **argv, bool verify, bool report, bool checkpoint,
                         bool access, audit_opts *o)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},
        {"data", required_argument, NULL, 'D'},
        {"rules", required_argument, NULL, 'R'},
        {"anchor", required_argument, NULL, 'a'},
        {"fy", required_argument, NULL, 'f'},
        {"checkpoint", required_argument, NULL, 'c'},
        {"to", required_argument, NULL, 't'},
        {"from", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'},
        CLI_SIGNER_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (!cli_out_fits(optarg))
                return EXIT_USAGE;
            o->out_dir = optarg;
            break;
        case 'D': break; /* the same three options for every command */
        case 'R': o->rules_dir = optarg; break;
        case 'f': o->fy = optarg; break;
        case 'c':
            if (!verify) {
                fputs("kasan audit: --checkpoint goes with verify\n", stderr);
                return EXIT_USAGE;
            }
            o->checkpoint = optarg;
            break;
        case 't':
            if (!checkpoint && !access) {
                fputs("kasan audit: --to goes with checkpoint or access\n", stderr);
                return EXIT_USAGE;
            }
            o->to = optarg;
            break;
        case 'F':
            if (!access) {
                fputs("kasan audit: --from goes with access\n", stderr);
                return EXIT_USAGE;
            }
            o->from = optarg;
            break;
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
        default:
            if (checkpoint && cli_signer_opt(c, &o->sg))
                break;
            audit_usage(stderr);
            return EXIT_USAGE;
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

/* kasan audit checkpoint: the auditor's key, then the signed head. */
static int checkpoint(audit_opts *o)
{
    flow_checkpoint_req rq = {.paths = {NULL, o->rules_dir ? o->rules_dir : "rules", o->out_dir},
                              .to = o->to};
    int rc = cli_signer_load("kasan audit checkpoint", &o->sg, "a checkpoint of the ledger",
                             &rq.actor);
    if (rc != EXIT_OK)
        return rc;
    flow_checkpoint_res res;
    rc = flow_checkpoint(&rq, &res);
    cli_signer_release(&o->sg);
    cli_print_notes("kasan audit checkpoint", &res.notes);
    if (rc == EXIT_OK)
        printf("wrote %s: event %lld, hash %s, at %s, signed by %s\n"
               "keep it outside the ledger; check it any time: kasan audit verify --checkpoint "
               "%s\n", res.path, (long long)res.seq, res.hash, res.time, rq.actor.operator_id,
               res.path);
    flow_checkpoint_free(&res);
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
    bool verify = !strcmp(action, "verify"), report = !strcmp(action, "report");
    bool cp = !strcmp(action, "checkpoint"), access = !strcmp(action, "access");
    if (!verify && !report && !cp && !access && strcmp(action, "export") != 0) {
        fprintf(stderr, "kasan audit: unknown action '%s' (verify, export, report, checkpoint "
                        "or access)\n", action);
        audit_usage(stderr);
        return EXIT_USAGE;
    }
    if (cp && !cli_no_passphrase_argument("kasan audit", argc, argv))
        return EXIT_USAGE;
    int rc = audit_options(argc - 1, argv + 1, verify, report, cp, access, &o);
    if (rc >= 0)
        return rc;
    if (cp)
        return checkpoint(&o);
    if (access)
        return audit_access(&o);
    flow_audit_req rq = {o.out_dir, verify ? FLOW_AUDIT_VERIFY
                                    : report ? FLOW_AUDIT_REPORT : FLOW_AUDIT_EXPORT,
                         o.anchors, o.n_anchors, 0, stdout, o.checkpoint};
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
