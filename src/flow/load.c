/* load: what most procedures start from — the rules, a month's inputs read
 * and computed, the registry read once for a year — each with the notes a
 * person needs when it fails; and a run's identity.  Not here: reading the
 * files themselves (src/intake), loading rule files (src/rules), the
 * computation (src/engine). */
#include "flow_int.h"

#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kasan/strbuf.h"

int flow_load_rules(const char *dir, rule_set *rs, flow_notes *notes)
{
    diag_list d = DIAG_LIST_INIT;
    int rc = rules_load_dir(dir, rs, &d);
    flow_say_diags(notes, &d);
    size_t n = diag_count(&d);
    diag_release(&d);
    if (rc != 0) {
        flow_say(notes, FLOW_NOTE_KASAN, "%zu problem%s in the rules under %s (%zu rule file%s "
                 "read); nothing was computed", n, n == 1 ? "" : "s", dir, rs->n_read,
                 rs->n_read == 1 ? "" : "s");
        return EXIT_INVALID;
    }
    return EXIT_OK;
}

int flow_compute_month(const flow_paths *paths, const rule_set *rs, claim_month m,
                       const shared_registry *sr, month_run *run, flow_notes *notes)
{
    diag_list d = DIAG_LIST_INIT;
    arena bytes = ARENA_INIT;
    input_file in[INPUT_COUNT] = {0};
    char mon_s[8];
    month_format(m, mon_s);
    flow_claims_recover(paths->data, mon_s, notes); /* a dead intake's month first */
    int rc = sr ? intake_read_claims(paths->data, m, &bytes, in, &d)
                : intake_read_month(paths->data, m, &bytes, in, &d);
    if (rc == 0)
        rc = engine_compute_shared(rs, m, in, sr, run, &d);
    else
        memset(run, 0, sizeof *run);
    run->input_bytes = bytes; /* the run borrows the bytes; engine_free releases them */
    flow_say_diags(notes, &d);
    diag_release(&d);
    if (rc != 0) {
        char mon[8];
        month_format(m, mon);
        flow_say(notes, FLOW_NOTE_KASAN, "%s was not computed; nothing was written", mon);
        return EXIT_INVALID;
    }
    return EXIT_OK;
}

int flow_load_registry(const flow_paths *paths, const rule_set *rs, claim_month first,
                       shared_registry *sr, flow_notes *notes)
{
    diag_list d = DIAG_LIST_INIT;
    const rule_terms *t = rules_terms_in_force(rs, first); /* the kind paid: data */
    int rc = EXIT_OK;
    if (shared_registry_load(paths->data, t ? t->eligible_kind : NULL, sr, &d) != 0) {
        flow_say_diags(notes, &d);
        flow_say(notes, FLOW_NOTE_SAY, "the registry could not be read; nothing was computed");
        rc = EXIT_INVALID;
    }
    diag_release(&d);
    return rc;
}

void flow_time_stamp(const char *created, char stamp[32])
{
    size_t k = 0;
    for (const char *p = created; *p && k < 31; p++)
        if (*p != '-' && *p != ':')
            stamp[k++] = *p;
    stamp[k] = '\0';
}

char *flow_run_id(const month_run *run, const char *created, arena *a)
{
    strbuf sb;
    sb_init(&sb);
    for (size_t i = 0; i < run->rules->n_files; i++)
        sb_adds(&sb, run->rules->files[i].sha256);
    for (int i = 0; i < INPUT_COUNT; i++)
        sb_adds(&sb, run->inputs[i].sha256);
    sb_adds(&sb, created);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* two runs in one second differ */
    sb_addf(&sb, "|%lld.%09ld|%ld", (long long)ts.tv_sec, ts.tv_nsec, (long)getpid());
    char h[SHA256_HEX_LEN + 1];
    hash_sha256_hex(sb.buf, sb.len, h);
    sb_release(&sb);
    char mon[8], stamp[32];
    month_format(run->month, mon);
    flow_time_stamp(created, stamp);
    return arena_printf(a, "%s-%s-%.8s", mon, stamp, h);
}
