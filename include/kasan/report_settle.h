/* report_settle: what `kasan settle` writes under OUT/settlement-FY/ —
 * settlement.csv (machine-readable), settlement.xlsx (精算一覧 and 検証) and
 * one notice per nursery (交付額確定通知書): notices/ID.pdf sent, ID.xlsx kept.  Writers read a computed
 * settlement and never change it; each file is written under a temporary name
 * and renamed into place, and on failure returns -1 with the reason in err. */
#ifndef KASAN_REPORT_SETTLE_H
#define KASAN_REPORT_SETTLE_H
#include <stdbool.h>
#include <stddef.h>

#include "kasan/settle.h"

typedef struct settle_meta {
    const char *settle_id;     /* e.g. "settle-2025-20260610T093000Z-1a2b3c4d" */
    const char *created;       /* ISO 8601 UTC */
    date_t issue_date;         /* 通知日: printed on notices; 返還期限 counts from it */
    bool finalized;            /* false = 試算 (draft) */
    const char *engine_version;
    const rule_set *rules;     /* the settlement's rule files (検証) */
    const char *actuals_name, *actuals_sha256;
    const char *const *month_runs; /* run id of each settled month, by fiscal index; NULL = none */
    const char *supersede_reason;  /* a correction (修正, s->supersedes): its reason */
    /* 文書番号 of each notice sent, by nursery id (kasan/report.h); NULL in a
     * draft: none printed */
    const struct report_docno *docnos;
    size_t n_docnos;
    date_t accounts_close;     /* the year's 出納閉鎖 (0: not said) */
    int charged_fiscal_year;   /* finalized (or, a draft, if finalized now) after it:
                                * the year whose line pays the 追加交付 (過年度支出) */
    int reissue; /* 0 or 1: a first settlement, notices/ID.pdf; N >= 2: the
                  * year's Nth (a correction): notices/ID-N.pdf, for the changed
                  * nurseries only, beside the ones sent before */
} settle_meta;

/* Whether the nursery of s->rows[first .. first + n) gets a notice: every
 * one in a first settlement; in a correction (s->supersedes) only one whose
 * rows changed (no "差額 0円" notice to an unchanged nursery). */
bool report_settle_notice_sent(const settlement *s, size_t first, size_t n);
/* "notices/ID.EXT" or, in a correction, "notices/ID-N.EXT". */
void report_settle_notice_file(const settle_meta *meta, const char *id, const char *ext,
                               char *buf, size_t size);

int report_settlement_csv(const settlement *s, const char *path, char *err, size_t errsz);
int report_settlement_xlsx(const settlement *s, const settle_meta *meta, const char *path,
                           char *err, size_t errsz);
/* The notice of the nursery whose rows are s->rows[first .. first + n). */
int report_settle_notice_xlsx(const settlement *s, size_t first, size_t n, const settle_meta *meta,
                              const char *path, char *err, size_t errsz);
/* The same notice as the nursery receives it: PDF (kasan/report.h on PDF
 * documents); doc_number: its 文書番号, printed when not NULL. */
int report_settle_notice_pdf(const settlement *s, size_t first, size_t n, const settle_meta *meta,
                             const char *doc_number, const char *path, char *err, size_t errsz);

#endif
