/* serve: `kasan serve` — parses the options, starts the web front-end of
 * src/web/ and waits for SIGTERM or SIGINT, then stops it cleanly (the
 * requests in progress finish).  Everything the server does is in
 * src/web/; this file builds no HTML. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kasan/web.h"

enum { OPT_LISTEN = OPT_FIRST_OWN, OPT_KEYS, OPT_TLS_CERT, OPT_TLS_KEY };

static void usage(FILE *f)
{
    fprintf(f,
            "usage: kasan serve [--listen HOST:PORT] [--data DIR] [--rules DIR] [--out DIR]\n"
            "                   [--keys DIR] [--tls-cert FILE --tls-key FILE]\n\n"
            "Serves the section's web front-end (年度の状況, 予算, 月次, 精算, 監査,\n"
            "ダウンロード) until SIGTERM or Ctrl-C; requests in progress finish first.\n"
            "Operators log in with their id and their key's passphrase: an operators\n"
            "file must be in force under --rules (rules/README.md §17), else exit 1.\n\n"
            "  --listen HOST:PORT  address to listen on (127.0.0.1:8080; [::1]:8080;\n"
            "                      port 0 picks a free one, printed at start)\n"
            "  --keys DIR          the operators' keys ($KASAN_KEYS, else ~/.kasan/keys)\n"
            "  --tls-cert FILE     PEM certificate, with --tls-key FILE (mode 0600):\n"
            "                      HTTPS; required on any address that is not loopback\n"
            "                      (plain HTTP is served only on 127.0.0.0/8 and ::1)\n");
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        CLI_COMMON_OPTIONS,
        {"listen", required_argument, 0, OPT_LISTEN},
        {"keys", required_argument, 0, OPT_KEYS},
        {"tls-cert", required_argument, 0, OPT_TLS_CERT},
        {"tls-key", required_argument, 0, OPT_TLS_KEY},
        {0, 0, 0, 0},
    };
    cli_paths paths = CLI_PATHS_DEFAULT;
    web_config cfg = {0};
    cfg.listen = "127.0.0.1:8080";
    int opt;
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (cli_common_opt(opt, &paths))
            continue;
        switch (opt) {
        case OPT_LISTEN: cfg.listen = optarg; break;
        case OPT_KEYS: cfg.keys_dir = optarg; break;
        case OPT_TLS_CERT: cfg.tls_cert = optarg; break;
        case OPT_TLS_KEY: cfg.tls_key = optarg; break;
        case OPT_HELP: usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (!cli_no_stray_arg("serve", argc, argv))
        return EXIT_USAGE;
    cfg.data_dir = paths.data;
    cfg.rules_dir = paths.rules;
    cfg.out_dir = paths.out;
    char keys[4096];
    if (!cfg.keys_dir) { /* issue 23's default */
        const char *env = getenv("KASAN_KEYS"), *home = getenv("HOME");
        if (env && *env)
            cfg.keys_dir = env;
        else if (home && *home) {
            snprintf(keys, sizeof keys, "%s/.kasan/keys", home);
            cfg.keys_dir = keys;
        }
    }

    /* The server's threads inherit this mask, so only sigwait sees them. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct web_server *srv;
    char err[512];
    web_status st = web_server_start(&cfg, &srv, err, sizeof err);
    if (st != WEB_OK) {
        fprintf(stderr, "kasan serve: %s\n", err);
        return st == WEB_EUSAGE ? EXIT_USAGE : st == WEB_EINVALID ? EXIT_INVALID : EXIT_INTERNAL;
    }
    printf("kasan serve: listening on %s\n", web_server_url(srv));
    fflush(stdout);
    fprintf(stderr, "kasan serve: data %s, rules %s, out %s; stop with Ctrl-C or SIGTERM\n",
            cfg.data_dir, cfg.rules_dir, cfg.out_dir);
    int sig = 0;
    sigwait(&stop, &sig);
    fprintf(stderr, "kasan serve: %s: finishing the requests in progress\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    unsigned cut = web_server_stop(srv);
    if (cut)
        fprintf(stderr, "kasan serve: stopped; %u request(s) did not finish in time\n", cut);
    else
        fprintf(stderr, "kasan serve: stopped\n");
    return EXIT_OK;
}
