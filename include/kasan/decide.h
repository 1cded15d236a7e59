/* decide: the grant decision (交付決定, SPEC 10.2; docs/spec/12-grant-decision.md)
 * of a fiscal year computed from the nurseries' applications (交付申請):
 * for each month of the year, the planned lines of that month
 * (applications_month) computed by engine_compute under the rules in force
 * on that month's first day — exactly as a monthly run computes claims —
 * giving per nursery × program × month the planned amount, and per nursery
 * × program the year's sum, the decided amount (交付決定額).  Planned lines
 * the engine rejects (SPEC 1.5) are listed as a month's rejections are.  A
 * 変更交付決定 of one nursery is the same computation on the new
 * applications, compared with its current rows (decide_amend).
 *
 * A decision owns its arena (the applications, rows, rejections, copies of
 * strings) until decide_free(); the rule set and the input bytes are
 * borrowed and must outlive it.  Not here: the budget check of a decision
 * (kasan/budget_ward.h), the ledger, any output. */
#ifndef KASAN_DECIDE_H
#define KASAN_DECIDE_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/applications.h"
#include "kasan/engine.h"

#define DECIDE_MONTHS 12

/* One nursery × program of the year (present when its annual is above 0). */
typedef struct decide_row {
    const char *nursery_id, *program_id;
    const program *rule[DECIDE_MONTHS]; /* the version in force each month it has an
                                         * amount (NULL where month[i] is 0) */
    int64_t month[DECIDE_MONTHS];       /* planned amount, fiscal month order (April 0) */
    int64_t annual;                     /* 交付決定額: the sum of month[] */
} decide_row;

/* A planned line the engine rejected in a month (copied out of the month's run). */
typedef struct decide_rejection {
    claim_month month;
    rejection r;
} decide_rejection;

/* Every nursery with a planned line, decided or not. */
typedef struct decide_nursery {
    const nursery *nursery;            /* in dec->app.reg */
    size_t row0, n_rows;               /* its rows, programs by id */
    size_t *children, n_children;      /* its lines: indexes into app.cl.children … */
    size_t *staff, n_staff;            /* … and app.cl.staff, in file order */
    size_t rej0, n_rej;                /* its rejected planned lines */
    int64_t total;                     /* its decided amount, all programs */
} decide_nursery;

typedef struct decision {
    arena a;
    int fiscal_year;
    const rule_set *rules;
    applications app;
    decide_row *rows;                  /* by nursery_id, then program id */
    size_t n_rows;
    decide_nursery *nurseries;         /* by nursery_id */
    size_t n_nurseries;
    decide_rejection *rejections;      /* by nursery_id, month, file (children first), line */
    size_t n_rejections;
    const char *program_ids[RULES_MAX_PROGRAMS]; /* programs with a row, by id */
    size_t n_programs;
    int64_t program_total[RULES_MAX_PROGRAMS];
    int64_t month_total[DECIDE_MONTHS];
    int64_t total;                     /* the year's decided amount, every nursery */
} decision;

/* Computes fiscal year fy's decision from the applications in[] (nurseries.csv
 * and the two application files, fresh or archived).  Returns 0, or -1 with
 * every problem in d (malformed applications; a month the engine cannot
 * compute; an amount that does not fit in 64-bit yen).  Always decide_free(). */
int decide_compute(const rule_set *rs, int fy, const input_file in[INPUT_COUNT], decision *out,
                   diag_list *d);
void decide_free(decision *dec);

/* The nursery's entry, or NULL when it has no planned line. */
const decide_nursery *decide_nursery_find(const decision *dec, const char *nursery_id);

/* 変更交付決定 of one nursery: per program, its current and amended months and
 * annual amounts and the difference (amended − current). */
typedef struct decide_change {
    const char *program_id;
    int64_t current[DECIDE_MONTHS], amended[DECIDE_MONTHS];
    int64_t current_annual, amended_annual, difference;
} decide_change;

typedef struct decide_amendment {
    const char *nursery_id;
    decide_change changes[RULES_MAX_PROGRAMS]; /* every program either side has, by id */
    size_t n_changes;
    int64_t current_total, amended_total, difference;
} decide_amendment;

/* The amendment of nursery_id: its rows among current[0..n_current) (the
 * decision in force: rows of one or more nurseries; rule[] is not read)
 * against its rows of `amended` (decide_compute on the new applications).
 * A nursery that has no planned line any more is amended to 0 (取消).
 * Returns 0, or -1 with the problem in d: the nursery has no rows on
 * either side, or more than RULES_MAX_PROGRAMS programs, or an overflow. */
int decide_amend(const decide_row *current, size_t n_current, const decision *amended,
                 const char *nursery_id, decide_amendment *out, diag_list *d);

#endif
