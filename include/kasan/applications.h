/* applications: a fiscal year's grant applications (交付申請, SPEC 10.2;
 * docs/spec/12-grant-decision.md) read, checked and cut into month views.
 *
 * DATA/applications/FY/children.csv and nurses.csv hold each nursery's
 * planned lines in the claim files' own columns (SPEC 2, and the columns the
 * terms declare, SPEC 8.1), so that the monthly engine computes each month of
 * the plan unchanged:
 *   - children.csv: a claim line per child, enrolled_from/enrolled_to being
 *     the planned enrolment (a child planned from 2025-10-14 is prorated in
 *     October exactly as a claim would be);
 *   - nurses.csv: a claim line per staff member with the planned monthly
 *     hours, salary_cost and other_income, plus one column of its own,
 *     planned_months: ';'-separated months YYYY-MM or ranges
 *     YYYY-MM..YYYY-MM of the fiscal year (`2025-04..2026-03`,
 *     `2025-04..2025-09;2026-01`).
 * The files are parsed by the claim parser (intake/claims.c) under every
 * terms version in force during the year, so everything a claim file
 * refuses is refused here with the same message; on top of that an unknown
 * nursery, a nursery not active on any day a line is planned for, a child
 * enrolment with no day in the fiscal year and a malformed or out-of-year
 * planned month are errors (`file:line:col: error: column 'name': ...`),
 * all of a file's problems reported, nothing computed.
 *
 * The month view of fiscal month i (applications_month) is what a monthly
 * run would read: the application files with only the records planned for
 * month i — a child whose planned enrolment has a day in the month, a staff
 * line whose planned_months name it — each at its own line number (the
 * others left as blank lines, which CSV readers skip), so a rejection of a
 * planned line names the application file's own line.
 *
 * Not here: computing anything (engine/decide.c), whether a line is paid
 * (the engine's rejections, SPEC 1.5, apply to planned lines as to claims).
 * Everything lives in the caller's arena; the input bytes are borrowed. */
#ifndef KASAN_APPLICATIONS_H
#define KASAN_APPLICATIONS_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/intake.h"
#include "kasan/rules.h"

/* One record of an application file. */
typedef struct application_line {
    int line;           /* physical line where the record starts */
    uint16_t months;    /* bit i: planned in fiscal month i (April 0 … March 11) */
    const char *csv;    /* the record written again as CSV (UTF-8, ending in LF) */
    size_t csv_len;
    int csv_lines;      /* physical lines it spans (more than 1 only with quoted newlines) */
} application_line;

typedef struct application_file {
    const char *name;   /* display name: "applications/2025/children.csv" */
    const char *header; /* the header record written again, ending in LF */
    size_t header_len;
    int header_line;
    application_line *v; /* in file order; v[k] is claims.children[k] (.staff[k]) */
    size_t n;
} application_file;

typedef struct applications {
    int fiscal_year;
    input_file files[INPUT_COUNT]; /* nurseries.csv and the two application files
                                    * (bytes borrowed, SHA-256): what a finalized
                                    * decision archives */
    registry reg;
    const rule_terms *terms;       /* in force on the year's first month that has terms:
                                    * what cl was parsed under */
    claims cl;                     /* the planned lines as claim lines (children,
                                    * staff), for listing on the notices */
    application_file children, staff;
    uint16_t months;               /* months with at least one planned line */
} applications;

/* The column of nurses.csv that only an application has. */
#define APPLICATION_MONTHS_COLUMN "planned_months"

/* Reads DATA/nurseries.csv and DATA/applications/FY/{children,nurses}.csv
 * into the arena with their SHA-256; an unreadable file is reported (a
 * missing application file with a hint on what it should hold). */
int applications_read(const char *data_dir, int fy, arena *a, input_file out[INPUT_COUNT],
                      diag_list *d);
/* Parses and checks the files of fiscal year fy (see the top).  Returns 0,
 * or -1 with every problem in d. */
int applications_parse(const input_file in[INPUT_COUNT], const rule_set *rs, int fy, arena *a,
                       applications *out, diag_list *d);
/* The input files a monthly run of fiscal month idx (0..11) would read for
 * the plan: the registry as read, the two month views (see the top, names
 * the application files', SHA-256 left empty for the engine to compute).
 * Built in the arena. */
void applications_month(const applications *app, int idx, arena *a, input_file out[INPUT_COUNT]);

#endif
