/* intake: filled claim forms into DATA/claims/M/children.csv and nurses.csv
 * (SPEC 8.2): one file each for all nurseries, every line carrying its form
 * and row in a `form` column.  Forms arrive one by one, so intake works per
 * nursery (issue 21 item 13): the forms given add or replace exactly their
 * nurseries' lines, every other line of the files is kept byte for byte
 * (src/intake/claims_merge.c).  A nursery that already has lines is
 * replaced only with replace; one whose lines are in the claims of the
 * month's finalized run only with correction (the change is then paid by
 * `kasan run --finalize --supersede`, SPEC 6.1).  Any problem in any form,
 * or in the claim files kept: all of them said, exit 2, nothing written.
 * The month's directory is staged and moved into place whole (publish.c),
 * keeping its other files.
 * Not here: reading cells (src/intake/forms_read.c, xlsx_read.c), what the
 * form looks like (forms.c, src/report/forms_xlsx.c), merging the lines
 * (claims_merge.c). */
#include "flow_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/claims_merge.h"
#include "kasan/fsutil.h"
#include "kasan/strbuf.h"

/* A claim file of the month: as it is on disk (data NULL: none), as made
 * from the forms, and as it will be written. */
typedef struct claim_file {
    const char *path;   /* DATA/claims/M/NAME */
    char *old;
    size_t old_len;
    size_t *old_count;  /* per nursery given: its lines in old */
    size_t *fin_count;  /* per nursery given: its lines in the finalized run's file */
    strbuf fresh, merged;
    claims_merge_stats st;
} claim_file;

/* Both claim files read through the claim parsers under the names given;
 * problems said in notes.  -1 if any. */
static int check_csv(form_setup *fs, const char *ch_name, const char *ch, size_t ch_len,
                     const char *st_name, const char *st, size_t st_len, flow_notes *notes)
{
    intake_vocab vocab = intake_vocab_of(&fs->rs, fs->terms);
    claims cl;
    memset(&cl, 0, sizeof cl);
    diag_list d = DIAG_LIST_INIT;
    int rc = 0;
    if (ch)
        rc |= children_parse(ch_name, ch, ch_len, &fs->reg, &vocab, &fs->a, &cl, &d);
    if (st)
        rc |= staff_parse(st_name, st, st_len, &fs->reg, &vocab, &fs->a, &cl, &d);
    flow_say_diags(notes, &d);
    diag_release(&d);
    return rc ? -1 : 0;
}

static int publish_claims(const flow_paths *paths, claim_month m, form_setup *fs,
                          const claim_file cf[SCHEMA_FILES], flow_notes *notes)
{
    char mon[8];
    month_format(m, mon);
    char *claims_dir = arena_printf(&fs->a, "%s/claims", paths->data);
    char *final_dir = arena_printf(&fs->a, "%s/%s", claims_dir, mon);
    char *stage = flow_stage_dir(claims_dir, mon, (long)getpid(), &fs->a);
    int rc = fs_mkdirs(stage);
    for (int f = 0; f < SCHEMA_FILES && rc == 0; f++)
        rc = fs_write_atomic(arena_printf(&fs->a, "%s/%s", stage, fs->schema.files[f].csv),
                             cf[f].merged.buf, cf[f].merged.len);
    /* the month's other files (not written anew) stay */
    if (rc == 0)
        rc = flow_publish_dir(stage, final_dir, FLOW_KEEP_OTHERS, NULL);
    if (rc != 0) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot write %s: %s; nothing written", final_dir,
                 strerror(errno));
        fs_remove_tree(stage);
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

/* The lines of each nursery given in the claims of the month's finalized
 * run (fin_count), when the ledger under OUT has one; *run_id then names it. */
static int finalized_counts(const flow_paths *paths, const char *mon, const forms_result *fr,
                            claim_file cf[SCHEMA_FILES], arena *a, const char **run_id,
                            flow_notes *notes)
{
    *run_id = NULL;
    char err[512], *path = flow_ledger_path(paths, a);
    ledger *lg = NULL;
    int st = ledger_open(path, false, &lg, err, sizeof err);
    if (st == LEDGER_NOT_FOUND)
        return EXIT_OK; /* nothing finalized there */
    if (st != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot open the ledger to see whether %s is "
                 "finalized: %s; nothing written", mon, err);
        return EXIT_INTERNAL;
    }
    ledger_run r;
    int rc = EXIT_OK;
    st = ledger_month_current(lg, mon, a, &r);
    if (st == LEDGER_OK) {
        *run_id = r.run_id;
        for (int f = 0; f < SCHEMA_FILES && rc == EXIT_OK; f++) {
            const ledger_file *lf = flow_archive_role(&r, LEDGER_ROLE_CHILDREN + f);
            const char *data;
            size_t len;
            if (!lf)
                continue;
            rc = flow_archive_file(lg, lf, a, &data, &len, notes);
            diag_list d = DIAG_LIST_INIT;
            if (rc == EXIT_OK &&
                claims_count_lines(lf->name, data, len, fr->nurseries, fr->n_nurseries,
                                   cf[f].fin_count, &d) != 0) {
                flow_say_diags(notes, &d);
                flow_say(notes, FLOW_NOTE_SAY, "the finalized run %s's claim file does not "
                         "read; nothing written", r.run_id);
                rc = EXIT_DIFFERENT;
            }
            diag_release(&d);
        }
    } else if (st != LEDGER_NOT_FOUND) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot read the ledger %s: %s; nothing written", path,
                 ledger_errmsg(lg));
        rc = EXIT_INTERNAL;
    }
    ledger_close(lg);
    return rc;
}

/* The month's claim files as they are, checked, and each given nursery's
 * lines in them. */
static int read_existing(const flow_intake_req *rq, form_setup *fs, const char *mon,
                         const forms_result *fr, claim_file cf[SCHEMA_FILES], flow_notes *notes)
{
    for (int f = 0; f < SCHEMA_FILES; f++) {
        cf[f].path = arena_printf(&fs->a, "%s/claims/%s/%s", rq->paths.data, mon,
                                  fs->schema.files[f].csv);
        if (!fs_exists(cf[f].path))
            continue;
        if (fs_read_file_arena(cf[f].path, &fs->a, &cf[f].old, &cf[f].old_len) != 0) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot read %s: %s; nothing written", cf[f].path,
                     strerror(errno));
            return EXIT_INTERNAL;
        }
    }
    const claim_file *ch = &cf[SCHEMA_CHILDREN], *st = &cf[SCHEMA_STAFF];
    if (check_csv(fs, ch->path, ch->old, ch->old_len, st->path, st->old, st->old_len, notes)) {
        flow_say(notes, FLOW_NOTE_SAY, "the month's claim files have problems (above): intake "
                 "keeps every other nursery's lines as they are, so correct them first; "
                 "nothing written");
        return EXIT_INVALID;
    }
    for (int f = 0; f < SCHEMA_FILES; f++) {
        diag_list d = DIAG_LIST_INIT;
        int bad = cf[f].old && claims_count_lines(cf[f].path, cf[f].old, cf[f].old_len,
                                                  fr->nurseries, fr->n_nurseries,
                                                  cf[f].old_count, &d) != 0;
        flow_say_diags(notes, &d);
        diag_release(&d);
        if (bad) {
            flow_say(notes, FLOW_NOTE_SAY, "nothing written");
            return EXIT_INVALID;
        }
    }
    return EXIT_OK;
}

/* Which nurseries given already have lines (or lines in the finalized
 * claims): refused unless replace (correction). */
static int may_replace(const flow_intake_req *rq, const char *mon, const forms_result *fr,
                       const claim_file cf[SCHEMA_FILES], const char *fin_run, flow_notes *notes)
{
    strbuf have, fin;
    sb_init(&have);
    sb_init(&fin);
    for (size_t i = 0; i < fr->n_nurseries; i++) {
        size_t c = cf[SCHEMA_CHILDREN].old_count[i], s = cf[SCHEMA_STAFF].old_count[i];
        if (c + s)
            sb_addf(&have, "%s%s (%zu children, %zu staff lines)", have.len ? ", " : "",
                    fr->nurseries[i], c, s);
        if (cf[SCHEMA_CHILDREN].fin_count[i] + cf[SCHEMA_STAFF].fin_count[i])
            sb_addf(&fin, "%s%s", fin.len ? ", " : "", fr->nurseries[i]);
    }
    int rc = EXIT_OK;
    if (fin.len && !rq->correction) {
        flow_say(notes, FLOW_NOTE_SAY, "%s is finalized (run %s) and its claims hold lines of "
                 "%s: a change to them is a correction (修正); nothing written.\n  To correct: "
                 "kasan intake --month %s --replace --correction FORM.xlsx ..., then kasan run "
                 "--month %s --finalize --supersede --reason TEXT",
                 mon, fin_run, fin.buf, mon, mon);
        rc = EXIT_REFUSED;
    } else if (have.len && !rq->replace) {
        flow_say(notes, FLOW_NOTE_SAY, "the claims of %s already hold %s; nothing written.\n  "
                 "--replace replaces those nurseries' lines with their forms' (only theirs: "
                 "every other nursery's lines stay)", mon, have.buf);
        rc = EXIT_REFUSED;
    }
    sb_release(&have);
    sb_release(&fin);
    return rc;
}

/* Result lines: each nursery given, added or replaced, and what stayed. */
static void say_result(const char *mon, const forms_result *fr, const claim_file cf[SCHEMA_FILES],
                       const char *fin_run, flow_intake_res *res)
{
    for (size_t i = 0; i < fr->n_nurseries; i++) {
        const char *id = fr->nurseries[i];
        size_t now[SCHEMA_FILES] = {0};
        for (int f = 0; f < SCHEMA_FILES; f++)
            for (size_t k = 0; k < fr->n[f]; k++)
                now[f] += !strcmp(fr->lines[f][k].nursery_id, id);
        size_t c = cf[SCHEMA_CHILDREN].old_count[i], s = cf[SCHEMA_STAFF].old_count[i];
        if (c + s) {
            res->n_replaced++;
            flow_say(&res->notes, FLOW_NOTE_RESULT, "replaced %s: %zu children, %zu staff lines "
                     "(were %zu, %zu)", id, now[SCHEMA_CHILDREN], now[SCHEMA_STAFF], c, s);
        } else {
            res->n_added++;
            flow_say(&res->notes, FLOW_NOTE_RESULT, "added %s: %zu children, %zu staff lines",
                     id, now[SCHEMA_CHILDREN], now[SCHEMA_STAFF]);
        }
    }
    res->kept_children = cf[SCHEMA_CHILDREN].st.kept;
    res->kept_staff = cf[SCHEMA_STAFF].st.kept;
    for (int f = 0; f < SCHEMA_FILES; f++)
        if (cf[f].st.new_columns)
            flow_say(&res->notes, FLOW_NOTE_RESULT, "%s gains the column%s %s (empty in the %zu "
                     "lines not read from a form; their values unchanged)", cf[f].path,
                     cf[f].st.new_columns == 1 ? "" : "s", cf[f].st.new_column_names,
                     cf[f].st.kept);
    if (fin_run)
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s is finalized (run %s): the changed claims are "
                 "paid only by a correction: kasan run --month %s --finalize --supersede "
                 "--reason TEXT", mon, fin_run, mon);
}

int flow_intake(const flow_intake_req *rq, flow_intake_res *res)
{
    memset(res, 0, sizeof *res);
    claim_month m = rq->month;
    char mon[8];
    month_format(m, mon);
    form_setup fs;
    int rc = form_setup_load(&rq->paths, m, &fs, &res->notes);
    if (rc == EXIT_OK) /* what a dead intake left: completed or put back, then swept */
        flow_claims_recover(rq->paths.data, mon, &res->notes);
    forms_result fr;
    memset(&fr, 0, sizeof fr);
    diag_list d = DIAG_LIST_INIT;
    if (rc == EXIT_OK &&
        forms_read(&fs.schema, m, &fs.reg, rq->forms, rq->n_forms, &fs.a, &fr, &d) != 0) {
        flow_say_diags(&res->notes, &d);
        size_t n = diag_count(&d);
        flow_say(&res->notes, FLOW_NOTE_SAY, "%zu problem%s in the forms; nothing written", n,
                 n == 1 ? "" : "s");
        rc = EXIT_INVALID;
    }
    diag_release(&d);
    claim_file cf[SCHEMA_FILES];
    memset(cf, 0, sizeof cf);
    for (int f = 0; f < SCHEMA_FILES; f++) {
        sb_init(&cf[f].fresh);
        sb_init(&cf[f].merged);
        if (rc == EXIT_OK) {
            size_t n = fr.n_nurseries ? fr.n_nurseries : 1;
            cf[f].old_count = arena_calloc(&fs.a, n, sizeof *cf[f].old_count);
            cf[f].fin_count = arena_calloc(&fs.a, n, sizeof *cf[f].fin_count);
            forms_csv(&fs.schema, (schema_file_id)f, &fr, &cf[f].fresh);
        }
    }
    claim_file *ch = &cf[SCHEMA_CHILDREN], *st = &cf[SCHEMA_STAFF];
    if (rc == EXIT_OK && check_csv(&fs, "children.csv", ch->fresh.buf, ch->fresh.len,
                                   "nurses.csv", st->fresh.buf, st->fresh.len, &res->notes)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "internal: the claim files made from the forms "
                 "do not read back; nothing written");
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK)
        rc = read_existing(rq, &fs, mon, &fr, cf, &res->notes);
    const char *fin_run = NULL;
    if (rc == EXIT_OK)
        rc = finalized_counts(&rq->paths, mon, &fr, cf, &fs.a, &fin_run, &res->notes);
    if (rc == EXIT_OK)
        rc = may_replace(rq, mon, &fr, cf, fin_run, &res->notes);
    for (int f = 0; f < SCHEMA_FILES && rc == EXIT_OK; f++) {
        diag_list md = DIAG_LIST_INIT;
        if (claims_merge(cf[f].path, cf[f].old, cf[f].old_len, cf[f].fresh.buf, cf[f].fresh.len,
                         fr.nurseries, fr.n_nurseries, &cf[f].merged, &cf[f].st, &md) != 0) {
            flow_say_diags(&res->notes, &md);
            flow_say(&res->notes, FLOW_NOTE_SAY, "nothing written");
            rc = EXIT_INVALID;
        }
        diag_release(&md);
    }
    if (rc == EXIT_OK && check_csv(&fs, "children.csv", ch->merged.buf, ch->merged.len,
                                   "nurses.csv", st->merged.buf, st->merged.len, &res->notes)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "internal: the merged claim files do not read "
                 "back; nothing written");
        rc = EXIT_INTERNAL;
    }
    if (rc == EXIT_OK)
        rc = publish_claims(&rq->paths, m, &fs, cf, &res->notes);
    if (rc == EXIT_OK) {
        res->n_children = fr.n[SCHEMA_CHILDREN];
        res->n_staff = fr.n[SCHEMA_STAFF];
        say_result(mon, &fr, cf, fin_run, res);
    }
    for (int f = 0; f < SCHEMA_FILES; f++) {
        sb_release(&cf[f].fresh);
        sb_release(&cf[f].merged);
    }
    form_setup_free(&fs);
    return rc;
}

void flow_intake_free(flow_intake_res *res)
{
    flow_notes_free(&res->notes);
    memset(res, 0, sizeof *res);
}
