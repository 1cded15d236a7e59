/* actuals: DATA/settlement/FY/actuals.csv (実績報告, SPEC 6.2) into
 * actuals_line records, validated like every input (file:line:col, all
 * problems at once).  Which nurseries must have a line is not decided here:
 * that needs the ledger's payments (src/engine/settle.c). */
#include "kasan/actuals.h"

#include <string.h>

#include "kasan/csv.h"
#include "kasan/intake.h"
#include "intake_int.h"

enum { A_ID, A_PROGRAM, A_SALARY, A_OTHER, A_NCOLS };

static const csv_column actuals_cols[A_NCOLS] = {
    {"nursery_id", true}, {"program", true}, {"salary_cost", true}, {"other_income", false},
};

static bool read_line(intake_rec *rec, actuals_line *l, arena *a)
{
    l->line = rec->csv->rec_line;
    if (intake_id(rec, A_ID))
        intake_text(rec, A_ID, true, a, &l->nursery_id);
    intake_text(rec, A_PROGRAM, true, a, &l->program);
    intake_yen(rec, A_SALARY, false, &l->salary_cost);
    intake_yen(rec, A_OTHER, true, &l->other_income);
    return rec->errors == 0;
}

/* A nursery × program reported twice: each later line names the first. */
static int check_duplicates(const actuals *ac, diag_list *d)
{
    int errors = 0;
    for (size_t i = 0; i < ac->n; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(ac->v[i].nursery_id, ac->v[j].nursery_id) &&
                !strcmp(ac->v[i].program, ac->v[j].program)) {
                diag_error(d, ac->file, ac->v[i].line, 1,
                           "duplicate line: nursery %s, program %s is already reported on "
                           "line %d", ac->v[i].nursery_id, ac->v[i].program, ac->v[j].line);
                errors++;
                break;
            }
    return errors;
}

int actuals_parse(const char *name, const char *data, size_t len, arena *a, actuals *out,
                  diag_list *d)
{
    csv_reader r;
    int idx[A_NCOLS];
    memset(out, 0, sizeof *out);
    out->file = arena_strdup(a, name);
    if (csv_open(&r, out->file, data, len, d) < 0)
        return -1;
    int status = csv_header(&r, actuals_cols, A_NCOLS, idx, d), rc = 0;
    if (status == 0) {
        out->v = arena_calloc(a, csv_max_records(&r), sizeof *out->v);
        intake_rec rec = {.csv = &r, .cols = actuals_cols, .idx = idx, .d = d};
        while ((rc = csv_next(&r, d)) == 1) {
            rec.errors = 0;
            if (read_line(&rec, &out->v[out->n], a))
                out->n++;
            else
                status = -1;
        }
        if (rc < 0 || csv_errors(&r))
            status = -1;
    }
    csv_close(&r);
    if (check_duplicates(out, d))
        status = -1;
    return status;
}

const actuals_line *actuals_find(const actuals *ac, const char *nursery_id, const char *program)
{
    for (size_t i = 0; i < ac->n; i++)
        if (!strcmp(ac->v[i].nursery_id, nursery_id) && !strcmp(ac->v[i].program, program))
            return &ac->v[i];
    return NULL;
}
