/* report_decide: what `kasan decide` writes under OUT/decisions-FY/ for a
 * computed grant decision (交付決定, docs/spec/12-grant-decision.md):
 *   decisions.csv    machine-readable, UTF-8, LF: a header row, then one row
 *                    per nursery × program × month with an amount above 0,
 *                    sorted by nursery_id, program, month:
 *                    fiscal_year,nursery_id,program,month,rule_version,decided_yen
 *                    (a nursery × program's 交付決定額 is the sum of its rows);
 *   rejections.csv   the rejected planned lines, in the format of a month's
 *                    rejections.csv (month,file,line,nursery_id,ref,reason_code,reason);
 *   decisions.xlsx   the section's list: 交付決定一覧 (per nursery and program,
 *                    month by month and the year), 不支給, 予算, 検証;
 *   notices/ID.xlsx  the 交付決定通知書 of one nursery (Japanese, 和暦, amounts
 *                    #,##0"円", the planned lines it rests on, the rules' basis
 *                    in words, no formula text), for the section;
 *   notices/ID.pdf   the same notice as the nursery receives it, with its
 *                    文書番号 once the decision is recorded.
 * Writers read a decision and never change it; each file is written under a
 * temporary name and renamed into place; on failure -1 with the reason in err. */
#ifndef KASAN_REPORT_DECIDE_H
#define KASAN_REPORT_DECIDE_H
#include <stdbool.h>
#include <stddef.h>

#include "kasan/budget_ward.h"
#include "kasan/decide.h"

typedef struct decide_meta {
    const char *decide_id;     /* "decide-2025-20250401T090000Z-1a2b3c4d" */
    const char *created;       /* ISO 8601 UTC */
    date_t issue_date;         /* 通知日 (交付決定の日) printed on the notices */
    bool finalized;            /* false = 試算 (draft) */
    const char *engine_version;
    const budget_line *budget; /* the fiscal year's line, or NULL */
    const budget_ward *ward;   /* its figures with this decision as 負担行為, or NULL */
    /* a 変更交付決定: the notice is the 変更交付決定通知書 of amendment's
     * nursery, with the amounts before and after and the difference */
    const decide_amendment *amendment;
} decide_meta;

int report_decisions_csv(const decision *dec, const char *path, char *err, size_t errsz);
int report_decide_rejections_csv(const decision *dec, const char *path, char *err, size_t errsz);
int report_decisions_xlsx(const decision *dec, const decide_meta *meta, const char *path,
                          char *err, size_t errsz);
/* The notice of dec->nurseries[k]. */
int report_decide_notice_xlsx(const decision *dec, size_t k, const decide_meta *meta,
                              const char *path, char *err, size_t errsz);
/* The same notice as PDF, the one the nursery receives (A4, Noto Sans CJK
 * JP embedded), with its 文書番号 (NULL: a draft, none). */
int report_decide_notice_pdf(const decision *dec, size_t k, const decide_meta *meta,
                             const char *doc_number, const char *path, char *err, size_t errsz);

#endif
