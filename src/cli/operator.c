/* operator: `kasan operator keygen` — makes an operator's Ed25519 key pair:
 * KEYS/ID.pem encrypted under a passphrase asked on the terminal (or read
 * from --passphrase-file), and prints the public key line for the operators
 * file (rules/README.md §17).  Options and printing only: the work is
 * sign_keygen (src/core/sign_file.c).  Not here: the operators file, loading
 * a key to sign events (signer.c, shared by the commands that sign). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/sign.h"

#define WHO "kasan operator keygen"

static void usage(FILE *f)
{
    fputs("usage: kasan operator keygen --id ID [--keys DIR] [--passphrase-file FILE]\n"
          "Makes an Ed25519 key pair for operator ID: writes KEYS/ID.pem (mode 0600, the\n"
          "private key encrypted under your passphrase: PKCS#8, scrypt, AES-256) and prints\n"
          "the public key line (ed25519:...) to put as the operator's key: in the operators\n"
          "file (rules/operators/YYYY-MM.yaml).  An existing key file is never overwritten.\n"
          "  --id ID       the operator id of the operators file (ASCII letters, digits, _ - .)\n"
          "  --keys DIR    where keys live (default $KASAN_KEYS, else ~/.kasan/keys; mode 0700)\n"
          "  --passphrase-file FILE  read the passphrase from FILE's first line (mode 0600;\n"
          "                for scripts and tests); otherwise it is asked on the terminal,\n"
          "                twice, without echo.  Never give a passphrase as an argument.\n"
          "--data, --rules and --out are accepted, like every command's, and not used.\n"
          "exit 0 written, 1 usage (bad id, passphrase too short or not the same twice),\n"
          "3 refused (the key file exists, a key directory or passphrase file others can\n"
          "read), 5 error\n",
          f);
}

static int keygen(int argc, char **argv)
{
    enum { OPT_ID = OPT_FIRST_OWN, OPT_KEYS, OPT_PASSFILE };
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS, {"id", required_argument, 0, OPT_ID},
        {"keys", required_argument, 0, OPT_KEYS},
        {"passphrase-file", required_argument, 0, OPT_PASSFILE}, {0, 0, 0, 0}};
    cli_paths paths = CLI_PATHS_DEFAULT;
    const char *id = NULL, *keys = NULL, *passfile = NULL;
    if (!cli_no_passphrase_argument(WHO, argc, argv))
        return EXIT_USAGE;
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case OPT_HELP: usage(stdout); return EXIT_OK;
        case OPT_ID: id = optarg; break;
        case OPT_KEYS: keys = optarg; break;
        case OPT_PASSFILE: passfile = optarg; break;
        default:
            if (!cli_common_opt(opt, &paths)) {
                usage(stderr);
                return EXIT_USAGE;
            }
        }
    }
    if (!cli_no_stray_arg("operator keygen", argc, argv)) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (!id) {
        fprintf(stderr, WHO ": --id ID is required\n");
        usage(stderr);
        return EXIT_USAGE;
    }
    char why[SIGN_WHY_MAX];
    char *dir = sign_keys_dir(keys, why, sizeof why);
    if (!dir) {
        fprintf(stderr, WHO ": %s\n", why);
        return EXIT_USAGE;
    }
    sign_keygen_request rq = {.keys_dir = dir, .id = id};
    sign_secret pass;
    sign_keygen_result res;
    /* what would be refused is said before a passphrase is typed in vain */
    sign_status st = sign_keygen_check(&rq, why, sizeof why);
    if (st == SIGN_OK) {
        char prompt[160];
        snprintf(prompt, sizeof prompt, "Passphrase for %s's new key (at least %d characters): ",
                 id, SIGN_PASS_MIN);
        st = passfile ? sign_passphrase_file(passfile, &pass, why, sizeof why)
                      : sign_passphrase_ask(prompt, true, &pass, why, sizeof why);
        if (st == SIGN_OK)
            st = sign_keygen(&rq, &pass, &res, why, sizeof why);
        sign_secret_wipe(&pass);
    }
    free(dir);
    if (st != SIGN_OK) {
        fprintf(stderr, WHO ": %s\n", why);
        return cli_sign_exit(st);
    }
    printf("%s\n", res.line);
    fflush(stdout);
    fprintf(stderr,
            WHO ": wrote %s (Ed25519, fingerprint %s)\n"
            "Put the line above as operator %s's key: in the operators file "
            "(rules/operators/YYYY-MM.yaml).\nKeep the passphrase to yourself; kasan never "
            "stores it, and a lost passphrase means a new key.\n",
            res.path, res.fingerprint, id);
    sign_keygen_result_release(&res);
    return EXIT_OK;
}

int cmd_operator(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "keygen"))
        return keygen(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        usage(stdout);
        return EXIT_OK;
    }
    fprintf(stderr, "kasan operator: %s\n",
            argc < 2 ? "which one? (kasan operator keygen --id ID)" : "unknown subcommand");
    usage(stderr);
    return EXIT_USAGE;
}
