/* corrections (private to src/report): what a correction (修正, SPEC 6.1)
 * adds to a month's workbooks — the 修正差額 sheet of payments.xlsx and a
 * nursery's own rows for its statement.  The CSV and the extra statements
 * are public (kasan/report.h). */
#ifndef KASAN_REPORT_CORRECTIONS_H
#define KASAN_REPORT_CORRECTIONS_H
#include "formats.h"
#include "kasan/report.h"

/* Adds the 修正差額 sheet when meta->correction is set (constant_memory:
 * rows in order). */
void corr_sheet(xw *x, const month_run *run, const run_meta *meta);
/* The range [*first, *first + return) of c->rows that belong to nursery id
 * (rows are sorted by nursery_id); 0 when its amount did not change. */
size_t corr_nursery_rows(const run_correction *c, const char *id, size_t *first);
/* What a nursery's correction means in money, against what was transferred
 * (issue 21 item 3; c->owed): the sentence under its 修正の内容.  diff is
 * the correction's difference for the nursery, total its corrected amount. */
void corr_owed_sentence(const run_correction *c, const char *id, int64_t diff, int64_t total,
                        char *buf, size_t size);

#endif
