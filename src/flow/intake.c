/* intake: filled claim forms into DATA/claims/M/children.csv and nurses.csv
 * (SPEC 8.2): one file each for all nurseries, every line carrying its form
 * and row in a `form` column.  Any problem in any form: all of them said,
 * exit 2, nothing written.  Existing claim files of M are replaced only
 * with replace; the month's directory is staged and moved into place whole
 * (publish.c), keeping its other files.
 * Not here: reading cells (src/intake/forms_read.c, xlsx_read.c), what the
 * form looks like (forms.c, src/report/forms_xlsx.c). */
#include "flow_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/fsutil.h"
#include "kasan/strbuf.h"

/* The CSVs must read back through the claim parsers, or nothing is written. */
static int check_csv(form_setup *fs, const strbuf *ch, const strbuf *st, flow_notes *notes)
{
    intake_vocab vocab = intake_vocab_of(&fs->rs, fs->terms);
    claims cl;
    memset(&cl, 0, sizeof cl);
    diag_list d = DIAG_LIST_INIT;
    int rc = children_parse("children.csv", ch->buf, ch->len, &fs->reg, &vocab, &fs->a, &cl, &d);
    rc |= staff_parse("nurses.csv", st->buf, st->len, &fs->reg, &vocab, &fs->a, &cl, &d);
    flow_say_diags(notes, &d);
    diag_release(&d);
    return rc ? -1 : 0;
}

static int publish_claims(const flow_paths *paths, claim_month m, form_setup *fs,
                          const strbuf *ch, const strbuf *st, flow_notes *notes)
{
    char mon[8];
    month_format(m, mon);
    char *claims_dir = arena_printf(&fs->a, "%s/claims", paths->data);
    char *final_dir = arena_printf(&fs->a, "%s/%s", claims_dir, mon);
    char *stage = flow_stage_dir(claims_dir, mon, (long)getpid(), &fs->a);
    int rc = fs_mkdirs(stage);
    if (rc == 0)
        rc = fs_write_atomic(arena_printf(&fs->a, "%s/children.csv", stage), ch->buf, ch->len);
    if (rc == 0)
        rc = fs_write_atomic(arena_printf(&fs->a, "%s/nurses.csv", stage), st->buf, st->len);
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

int flow_intake(const flow_intake_req *rq, flow_intake_res *res)
{
    memset(res, 0, sizeof *res);
    claim_month m = rq->month;
    char mon[8];
    month_format(m, mon);
    form_setup fs;
    int rc = form_setup_load(&rq->paths, m, &fs, &res->notes);
    if (rc == EXIT_OK) { /* what dead processes left, also under the name used before */
        char *claims_dir = arena_printf(&fs.a, "%s/claims", rq->paths.data);
        flow_sweep(claims_dir, mon, &res->notes);
        flow_sweep_prefix(claims_dir, arena_printf(&fs.a, ".%s.old-", mon), &res->notes);
    }
    if (rc == EXIT_OK && !rq->replace) {
        for (int f = 0; f < SCHEMA_FILES && rc == EXIT_OK; f++) {
            char *p = arena_printf(&fs.a, "%s/claims/%s/%s", rq->paths.data, mon,
                                   fs.schema.files[f].csv);
            if (fs_exists(p)) {
                flow_say(&res->notes, FLOW_NOTE_SAY, "%s exists (nothing written); --replace "
                         "writes the month's claim files anew from the forms given alone, so "
                         "give every nursery's form of the month with it", p);
                rc = EXIT_REFUSED;
            }
        }
    }
    forms_result fr;
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
    strbuf ch, st;
    sb_init(&ch);
    sb_init(&st);
    if (rc == EXIT_OK) {
        forms_csv(&fs.schema, SCHEMA_CHILDREN, &fr, &ch);
        forms_csv(&fs.schema, SCHEMA_STAFF, &fr, &st);
        if (check_csv(&fs, &ch, &st, &res->notes) != 0) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "internal: the claim files made from the forms "
                     "do not read back; nothing written");
            rc = EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_OK)
        rc = publish_claims(&rq->paths, m, &fs, &ch, &st, &res->notes);
    if (rc == EXIT_OK) {
        res->n_children = fr.n[SCHEMA_CHILDREN];
        res->n_staff = fr.n[SCHEMA_STAFF];
    }
    sb_release(&ch);
    sb_release(&st);
    form_setup_free(&fs);
    return rc;
}

void flow_intake_free(flow_intake_res *res)
{
    flow_notes_free(&res->notes);
    memset(res, 0, sizeof *res);
}
