/* main: kasan's entry point — picks the subcommand and exits with its code.
 * Argument parsing of each subcommand lives in src/cli/. */
#include <stdio.h>
#include <string.h>

#include "kasan/cli.h"

static const struct {
    const char *name;
    int (*fn)(int, char **);
    const char *help;
} commands[] = {
    {"check", cmd_check, "check every rule file statically"},
    {"run", cmd_run, "compute a month (or a fiscal year) and write its outputs"},
    {"explain", cmd_explain, "show how every amount of one nursery-month was reached"},
    {"replay", cmd_replay, "recompute a finalized month from the ledger and compare"},
    {"diff", cmd_diff, "the same month's claims under two rule sets"},
    {"budget", cmd_budget, "budget execution of a fiscal year"},
    {"refund", cmd_refund, "返還 receivables of a settlement and their receipts"},
    {"audit", cmd_audit, "verify the ledger (audit verify) or export its log (audit export)"},
    {"restore", cmd_restore, "put a finalized month's outputs back from the ledger"},
    {"settle", cmd_settle, "year-end settlement (精算) of a fiscal year: 追加交付 / 返還"},
    {"transfer", cmd_transfer, "the bank transfer file (全銀協 総合振込) of a finalized month"},
    {"forms", cmd_forms, "write the nurseries' Excel claim forms of a month"},
    {"intake", cmd_intake, "read filled claim forms into the month's claim files"},
    {"decide", cmd_decide, "grant decision (交付決定) of a fiscal year from the applications"},
    {"operator", cmd_operator, "an operator's signing key (operator keygen)"},
    {"approve", cmd_approve, "approve (決裁) a finalized month or settlement, signed"},
    {"serve", cmd_serve, "the section's web front-end in a browser (HTTP on loopback, else HTTPS)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: kasan COMMAND [OPTIONS]   (kasan COMMAND --help for its options)\n\n"
               "Computes the ward's monthly payments for medical-care children in private\n"
               "licensed nurseries (医療的ケア児受入加算・看護師等配置補助).\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(f, "\ncommon options, accepted by every command: --data DIR (fixtures/sample-ward/),\n"
               "--rules DIR (rules/), --out DIR (out/)\n"
               "exit codes: 0 ok, 1 usage, 2 invalid rules or input, "
               "3 refused, 4 difference found, 5 internal or I/O error\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("kasan %s\n", KASAN_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    if (argv[1][0] == '-') { /* kasan --out DIR budget */
        fprintf(stderr, "kasan: '%s' before the command: options go after the command "
                        "(kasan COMMAND %s ...)\n", argv[1], argv[1]);
        usage(stderr);
        return EXIT_USAGE;
    }
    fprintf(stderr, "kasan: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
