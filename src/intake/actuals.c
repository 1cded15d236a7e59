/* actuals: DATA/settlement/FY/actuals.csv (実績報告, SPEC 6.2) into
 * actuals_line records, validated like every input (file:line:col, all
 * problems at once).  Which nurseries must have a line is not decided here:
 * that needs the ledger's payments (src/engine/settle.c). */
#include "kasan/actuals.h"

#include <string.h>

#include "kasan/csv.h"
#include "kasan/intake.h"
#include "intake_int.h"

enum { A_ID, A_PROGRAM, A_SALARY, A_OTHER, A_FROM, A_TO, A_NCOLS };

static const csv_column actuals_cols[A_NCOLS] = {
    {"nursery_id", true},    {"program", true},     {"salary_cost", true},
    {"other_income", false}, {"period_from", false}, {"period_to", false},
};

/* A YYYY-MM field into *m; false after reporting (empty is reported by the
 * caller, which knows whether the other end was given). */
static bool month_field(intake_rec *rec, int k, claim_month *m)
{
    csv_field f = intake_field(rec, k);
    char buf[8], show[INTAKE_SHOW_MAX];
    if (f.len == 7) {
        memcpy(buf, f.p, 7);
        buf[7] = '\0';
        if (month_parse(buf, m))
            return true;
    }
    intake_bad(rec, k, "%s is not a month (YYYY-MM)", intake_show(show, f));
    return false;
}

/* period_from, period_to: both or neither, from <= to. */
static void period_read(intake_rec *rec, actuals_line *l)
{
    bool from = intake_field(rec, A_FROM).len > 0, to = intake_field(rec, A_TO).len > 0;
    l->has_period = false;
    if (!from && !to)
        return;
    if (from != to) {
        intake_bad(rec, from ? A_TO : A_FROM, "empty, but %s is given (the report's period "
                   "needs both ends, or neither)", from ? "period_from" : "period_to");
        return;
    }
    bool ok = month_field(rec, A_FROM, &l->period_from);
    ok = month_field(rec, A_TO, &l->period_to) && ok;
    if (ok && month_cmp(l->period_to, l->period_from) < 0) {
        char show[INTAKE_SHOW_MAX];
        intake_bad(rec, A_TO, "%s is before period_from", intake_show(show, intake_field(rec, A_TO)));
        ok = false;
    }
    l->has_period = ok;
}

static bool read_line(intake_rec *rec, actuals_line *l, arena *a)
{
    l->line = rec->csv->rec_line;
    if (intake_id(rec, A_ID))
        intake_text(rec, A_ID, true, a, &l->nursery_id);
    intake_text(rec, A_PROGRAM, true, a, &l->program);
    intake_yen(rec, A_SALARY, false, &l->salary_cost);
    intake_yen(rec, A_OTHER, true, &l->other_income);
    period_read(rec, l);
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
