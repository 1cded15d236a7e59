/* month_view: a month as a front-end shows it — the nurseries' payments,
 * the rejected lines, a correction's differences, and each nursery's
 * explanation (explain.c) — computed once into a result a front-end may
 * keep:
 *   - a finalized month is its current run recomputed from the ledger's
 *     archive alone (flow_archive_month), so what is shown is what was paid
 *     (replay proves the two equal); it never changes, and its stamp is its
 *     run id;
 *   - any other month is computed from DATA as a draft would be, without
 *     writing anything; its stamp is a digest of the input and rule files'
 *     identities, so a changed file gives another stamp.
 * Not here: writing outputs (month.c), markup, the cache itself (the
 * front-end keeps views by stamp). */
#include "flow_int.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kasan/flow_view.h"

struct flow_month_view_own {
    flow_archived x;       /* finalized */
    bool have_x;
    rule_set rules;        /* draft */
    month_run run;
    bool have_rules, have_run;
};

/* "path dev ino size mtime\n" of a file, or "path -\n" when there is none. */
static void stat_line(strbuf *sb, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        sb_addf(sb, "%s -\n", path);
        return;
    }
    sb_addf(sb, "%s %llu %llu %lld %lld.%09ld\n", path, (unsigned long long)st.st_dev,
            (unsigned long long)st.st_ino, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
            (long)st.st_mtim.tv_nsec);
}

/* Every entry under dir, sorted, recursively (the rules loader reads them
 * all); the directories' own identities too, so an added file shows. */
static void stat_tree(strbuf *sb, const char *dir, int depth)
{
    stat_line(sb, dir);
    struct dirent **names;
    int n = depth > 8 ? -1 : scandir(dir, &names, NULL, alphasort);
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        if (nm[0] != '.') {
            size_t len = strlen(dir) + strlen(nm) + 2;
            char *p = malloc(len);
            if (!p)
                abort();
            snprintf(p, len, "%s/%s", dir, nm);
            struct stat st;
            if (stat(p, &st) == 0 && S_ISDIR(st.st_mode))
                stat_tree(sb, p, depth + 1);
            else
                stat_line(sb, p);
            free(p);
        }
        free(names[i]);
    }
    if (n >= 0)
        free(names);
}

/* The current run id of the month, or NULL (no ledger, none): st the
 * ledger's status. */
static int current_id(const flow_month_view_req *rq, arena *a, const char **run_id,
                      flow_notes *notes)
{
    *run_id = NULL;
    ledger *lg;
    char err[512], mon[8];
    month_format(rq->month, mon);
    int st = ledger_open(flow_ledger_path(&rq->paths, a), false, &lg, err, sizeof err);
    if (st == LEDGER_NOT_FOUND)
        return EXIT_OK;
    if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot open the ledger: %s", err);
        return EXIT_INTERNAL;
    }
    int rc = EXIT_OK;
    if (ledger_month_current_id(lg, mon, a, run_id) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot read the ledger: %s", ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    ledger_close(lg);
    return rc;
}

int flow_month_view_stamp(const flow_month_view_req *rq, char stamp[FLOW_STAMP_LEN],
                          flow_notes *notes)
{
    arena a = ARENA_INIT;
    const char *run_id;
    int rc = current_id(rq, &a, &run_id, notes);
    if (rc == EXIT_OK && run_id)
        snprintf(stamp, FLOW_STAMP_LEN, "run:%s", run_id);
    else if (rc == EXIT_OK) {
        char mon[8], hex[SHA256_HEX_LEN + 1];
        month_format(rq->month, mon);
        strbuf sb;
        sb_init(&sb);
        stat_line(&sb, arena_printf(&a, "%s/nurseries.csv", rq->paths.data));
        stat_line(&sb, arena_printf(&a, "%s/claims/%s/children.csv", rq->paths.data, mon));
        stat_line(&sb, arena_printf(&a, "%s/claims/%s/nurses.csv", rq->paths.data, mon));
        stat_tree(&sb, rq->paths.rules, 0);
        hash_sha256_hex(sb.buf, sb.len, hex);
        sb_release(&sb);
        snprintf(stamp, FLOW_STAMP_LEN, "data:%s:%s", mon, hex);
    }
    arena_release(&a);
    return rc;
}

int flow_month_view_open(const flow_month_view_req *rq, flow_month_view *v)
{
    memset(v, 0, sizeof *v);
    v->month = rq->month;
    v->own = calloc(1, sizeof *v->own);
    if (!v->own)
        abort();
    struct flow_month_view_own *own = v->own;
    char mon[8];
    month_format(rq->month, mon);
    int rc = flow_month_view_stamp(rq, v->stamp, &v->notes);
    if (rc != EXIT_OK)
        return rc;
    if (!strncmp(v->stamp, "run:", 4)) {
        ledger *lg;
        rc = flow_open_ledger(&rq->paths, &lg, &v->notes);
        if (rc != EXIT_OK)
            return rc;
        ledger_run r;
        int st = ledger_month_current(lg, mon, &v->a, &r);
        if (st != LEDGER_OK || strcmp(r.run_id, v->stamp + 4) != 0) {
            /* a correction recorded since the stamp was taken: take the new one */
            if (st == LEDGER_OK)
                snprintf(v->stamp, sizeof v->stamp, "run:%s", r.run_id);
            else {
                flow_say(&v->notes, FLOW_NOTE_SAY, "cannot read %s's run: %s", mon,
                         ledger_errmsg(lg));
                ledger_close(lg);
                return EXIT_INTERNAL;
            }
        }
        v->finalized = true;
        v->run_id = r.run_id;
        v->created = r.created;
        v->actor = r.actor;
        v->supersedes = r.supersedes;
        v->supersede_reason = r.supersede_reason;
        rc = flow_archive_month(lg, &r, rq->month, rq->paths.rules, &own->x, &v->notes);
        own->have_x = true;
        if (rc == EXIT_OK)
            v->run = &own->x.run;
        if (rc == EXIT_OK && r.supersedes &&
            ledger_corrections(lg, r.run_id, &v->a, &v->corrections, &v->n_corrections) !=
                LEDGER_OK) {
            flow_say(&v->notes, FLOW_NOTE_SAY, "cannot read the corrections: %s",
                     ledger_errmsg(lg));
            rc = EXIT_INTERNAL;
        }
        ledger_close(lg);
        return rc;
    }
    rc = flow_load_rules(rq->paths.rules, &own->rules, &v->notes);
    own->have_rules = true;
    if (rc == EXIT_OK) {
        rc = flow_compute_month(&rq->paths, &own->rules, rq->month, NULL, &own->run, &v->notes);
        own->have_run = true;
        if (rc == EXIT_OK)
            v->run = &own->run;
    }
    return rc;
}

void flow_month_view_free(flow_month_view *v)
{
    if (v->own) {
        if (v->own->have_x)
            flow_archived_free(&v->own->x);
        if (v->own->have_run)
            engine_free(&v->own->run);
        if (v->own->have_rules)
            rules_free(&v->own->rules);
        free(v->own);
    }
    flow_notes_free(&v->notes);
    arena_release(&v->a);
    memset(v, 0, sizeof *v);
}
