/* common: the options, notes and loading the subcommands share (common.h). */
#include "common.h"
#include "kasan/flow_view.h"

#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kasan/clock.h"

bool cli_out_fits(const char *out)
{
    /* an empty --out, or one naming something that is not a directory, is
     * a usage mistake (exit 1), said before SQLite's "unable to open" */
    struct stat st;
    if (!*out) {
        fputs("kasan: --out is empty: give the output directory (default out)\n", stderr);
        return false;
    }
    if (stat(out, &st) == 0 && !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "kasan: --out %s is not a directory: give the output directory (its "
                "ledger.sqlite and the months' outputs go under it)\n", out);
        return false;
    }
    char path[8192];
    size_t full, max;
    snprintf(path, sizeof path, "%s/ledger.sqlite", out);
    if (ledger_path_fits(path, &full, &max))
        return true;
    fprintf(stderr, "kasan: --out is too long: the ledger's full path would be %zu bytes, "
            "more than the %zu SQLite can open; choose a shorter directory (--out %s)\n",
            full, max, out);
    return false;
}

bool cli_common_opt(int opt, cli_paths *paths)
{
    switch (opt) {
    case OPT_DATA: paths->data = optarg; return true;
    case OPT_RULES: paths->rules = optarg; return true;
    case OPT_OUT: return cli_out_fits(optarg) && (paths->out = optarg);
    default: return false;
    }
}

bool cli_parse_fy(const char *cmd, const char *s, int *fy)
{
    char *end;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || *end || end == s || v < 1900 || v > 9998) { /* the rules' fiscal_year range */
        fprintf(stderr, "kasan %s: --fy takes a fiscal year such as 2025 (令和7年度), not '%s'\n",
                cmd, s ? s : "");
        return false;
    }
    *fy = (int)v;
    return true;
}

bool cli_parse_jobs(const char *cmd, const char *s, int *jobs)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > FLOW_JOBS_MAX) {
        fprintf(stderr, "kasan %s: --jobs takes a number of processes from 1 to %d, not '%s'\n",
                cmd, FLOW_JOBS_MAX, s);
        return false;
    }
    *jobs = (int)v;
    return true;
}

bool cli_parse_month(const char *s, claim_month *m)
{
    if (month_parse(s, m))
        return true;
    fprintf(stderr, "kasan: --month must be YYYY-MM, not '%s'\n", s);
    return false;
}

bool cli_month_begun(const char *cmd, claim_month m, const char *what)
{
    flow_notes n = {0};
    bool begun = flow_month_begun(m, what, &n);
    char who[64];
    snprintf(who, sizeof who, "kasan %s", cmd);
    cli_print_notes(who, &n);
    flow_notes_free(&n);
    return begun;
}

int cli_load_rules(const char *dir, rule_set *rs)
{
    flow_notes n = {0};
    int rc = flow_load_rules(dir, rs, &n);
    cli_print_notes("kasan", &n);
    flow_notes_free(&n);
    return rc;
}

int cli_compute_month(const cli_paths *paths, const rule_set *rs, claim_month m, month_run *run)
{
    flow_notes n = {0};
    int rc = flow_compute_month(paths, rs, m, NULL, run, &n);
    cli_print_notes("kasan", &n);
    flow_notes_free(&n);
    return rc;
}

bool cli_no_stray_arg(const char *cmd, int argc, char **argv)
{
    if (optind >= argc)
        return true;
    const char *a = argv[optind];
    claim_month m;
    bool month = isdigit((unsigned char)a[0]) && month_parse(a, &m);
    fprintf(stderr, "kasan %s: unexpected argument '%s'", cmd, a);
    if (month)
        fprintf(stderr, " (a month is given as --month %s)", a);
    fputc('\n', stderr);
    return false;
}

const char *cli_actor(const char *given)
{
    if (given && *given)
        return given;
    const char *u = getenv("KASAN_ACTOR");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name)
        return pw->pw_name;
    u = getenv("USER");
    return u && *u ? u : "unknown";
}

void cli_print_notes(const char *who, const flow_notes *n)
{
    for (size_t i = 0; i < n->n; i++) {
        const flow_note *e = &n->v[i];
        switch (e->kind) {
        case FLOW_NOTE_SAY: fprintf(stderr, "%s: %s\n", who, e->text); break;
        case FLOW_NOTE_KASAN: fprintf(stderr, "kasan: %s\n", e->text); break;
        case FLOW_NOTE_LINE: fprintf(stderr, "%s\n", e->text); break;
        case FLOW_NOTE_RESULT: printf("%s\n", e->text); break;
        }
    }
}
