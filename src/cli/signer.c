/* signer: who acts, for every command that writes a money event (run
 * --finalize, settle --finalize, transfer, approve, audit checkpoint) — the
 * options --operator / --keys / --passphrase-file, the passphrase asked on
 * the terminal without echo (or read from a mode-0600 file), the operator's
 * key loaded from KEYS/ID.pem, and the flow_actor that carries it to the
 * procedure.  The checks (the operator in force, the key theirs, the role)
 * are the procedure's (src/flow/signer.c): the web front-end calls the same
 * procedures with a key it decrypted at login.  Not here: the key file's
 * format and permissions (src/core/sign_file.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/duty.h"
#include "kasan/fsutil.h"
#include "kasan/sign.h"

bool cli_signer_opt(int opt, cli_signer *s)
{
    switch (opt) {
    case OPT_SIGN_OPERATOR: s->id = optarg; return true;
    case OPT_SIGN_KEYS: s->keys = optarg; return true;
    case OPT_SIGN_PASSFILE: s->passfile = optarg; return true;
    default: return false;
    }
}

bool cli_no_passphrase_argument(const char *who, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--"))
            break;
        if (strncmp(a, "--pass", 6) || !strcmp(a, "--passphrase-file") ||
            !strncmp(a, "--passphrase-file=", 18))
            continue;
        fprintf(stderr, "%s: a passphrase is never given on the command line: answer on the "
                        "terminal, or give --passphrase-file FILE (mode 0600)\n", who);
        return false;
    }
    return true;
}

int cli_sign_exit(int st)
{
    switch (st) {
    case SIGN_OK: return EXIT_OK;
    case SIGN_ERR_USAGE: return EXIT_USAGE;
    case SIGN_ERR_EXISTS:
    case SIGN_ERR_MODE: return EXIT_REFUSED;
    case SIGN_ERR_PASSPHRASE:
    case SIGN_ERR_FORMAT: return EXIT_INVALID;
    case SIGN_ERR_IO:
    case SIGN_ERR_CRYPTO: return EXIT_INTERNAL;
    }
    return EXIT_INTERNAL;
}

const char *cli_signer_id(const cli_signer *s)
{
    const char *id = s->id ? s->id : getenv("KASAN_OPERATOR");
    return id && *id ? id : NULL;
}

int cli_signer_load(const char *who, cli_signer *s, const char *what, flow_actor *actor)
{
    const char *id = cli_signer_id(s);
    if (!id)
        return EXIT_OK; /* nobody named: the procedure decides whether that may be */
    if (!duty_id_valid(id)) {
        fprintf(stderr, "%s: '%s' is not an operator id (ASCII letters, digits, _ - ., at most "
                        "%d)\n", who, id, DUTY_ID_MAX);
        return EXIT_USAGE;
    }
    char why[SIGN_WHY_MAX];
    char *dir = sign_keys_dir(s->keys, why, sizeof why);
    if (!dir) {
        fprintf(stderr, "%s: %s\n", who, why);
        return EXIT_USAGE;
    }
    char *path = sign_key_path(dir, id);
    free(dir);
    if (!fs_exists(path)) {
        fprintf(stderr, "%s: no key file %s for operator %s (make one with kasan operator keygen "
                        "--id %s, or give --keys DIR); nothing was done\n", who, path, id, id);
        free(path);
        return EXIT_USAGE;
    }
    sign_secret pass;
    char prompt[4300];
    snprintf(prompt, sizeof prompt, "Passphrase of %s's key (%s) to sign %s: ", id, path, what);
    sign_status st = s->passfile ? sign_passphrase_file(s->passfile, &pass, why, sizeof why)
                                 : sign_passphrase_ask(prompt, false, &pass, why, sizeof why);
    if (st == SIGN_OK)
        st = sign_key_load(path, &pass, &s->key, why, sizeof why);
    sign_secret_wipe(&pass);
    free(path);
    if (st != SIGN_OK) {
        fprintf(stderr, "%s: %s; nothing was done\n", who, why);
        return cli_sign_exit(st);
    }
    actor->operator_id = id;
    actor->key = s->key;
    actor->via = "cli";
    actor->name = id;
    return EXIT_OK;
}

void cli_signer_release(cli_signer *s)
{
    sign_key_free(s->key); /* wipes */
    s->key = NULL;
}
