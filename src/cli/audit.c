/* audit: `kasan audit verify` checks the ledger's integrity (hash chain,
 * stored files, runs against their events); `kasan audit export` writes the
 * event log as JSON Lines to standard output.  Reads the ledger, never writes. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "kasan/cli.h"
#include "kasan/fsutil.h"
#include "kasan/ledger.h"

static void audit_usage(FILE *f)
{
    fputs("usage: kasan audit verify [--out DIR]\n"
          "       kasan audit export [--out DIR]\n"
          "\n"
          "  verify   recompute the ledger's event hash chain, every stored file's\n"
          "           SHA-256 and every run against its event; exit 4 on any problem\n"
          "  export   write the event log as JSON Lines to standard output\n"
          "\n"
          "  --out DIR   directory holding ledger.sqlite (default out/)\n"
          "  --help      show this help\n",
          f);
}

static int audit_verify(ledger *lg)
{
    ledger_counts c;
    int problems = ledger_verify(lg, stdout, &c);
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
    printf("ledger OK: %lld events, %lld blobs verified\n", (long long)c.events,
           (long long)c.blobs);
    return EXIT_OK;
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

/* Parses [--out DIR] [--help] after the action word; returns -1 to go on,
 * else the exit code. */
static int audit_options(int argc, char **argv, const char **out_dir)
{
    static const struct option opts[] = {
        {"out", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': *out_dir = optarg; break;
        case 'h': audit_usage(stdout); return EXIT_OK;
        default: audit_usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "kasan audit: unexpected argument '%s'\n", argv[optind]);
        audit_usage(stderr);
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
    const char *action = argv[1], *out_dir = "out";
    bool verify = !strcmp(action, "verify");
    if (!verify && strcmp(action, "export") != 0) {
        fprintf(stderr, "kasan audit: unknown action '%s' (verify or export)\n", action);
        audit_usage(stderr);
        return EXIT_USAGE;
    }
    int rc = audit_options(argc - 1, argv + 1, &out_dir);
    if (rc >= 0)
        return rc;
    char path[4096], err[1024];
    if (snprintf(path, sizeof path, "%s/ledger.sqlite", out_dir) >= (int)sizeof path) {
        fputs("kasan audit: --out path too long\n", stderr);
        return EXIT_USAGE;
    }
    ledger *lg;
    int st = ledger_open(path, false, &lg, err, sizeof err);
    if (st == LEDGER_NOT_FOUND && fs_exists(path)) {
        /* an empty ledger (first finalization interrupted) is consistent */
        if (verify)
            printf("ledger OK: empty, nothing finalized\n");
        return EXIT_OK;
    }
    if (st != LEDGER_OK) {
        fprintf(stderr, "kasan audit: %s\n", err);
        return EXIT_INTERNAL;
    }
    rc = verify ? audit_verify(lg) : audit_export(lg);
    ledger_close(lg);
    return rc;
}
