/* letter: what every document sent to a nursery has around its body — the
 * letterhead (document number, date, addressee, the ward head and the
 * section as the issuer rule file names them, the title and the opening
 * sentence) and the close (contact, and the 教示 on a notice that decides).
 * Shared by statement_pdf.c, settle_notice_pdf.c and refusal_pdf.c.
 * Private to src/report.  Not here: the body of any document, the PDF
 * layer (pdf.c). */
#ifndef KASAN_REPORT_LETTER_H
#define KASAN_REPORT_LETTER_H
#include <stdbool.h>

#include "kasan/date.h"
#include "kasan/engine.h"
#include "kasan/rules.h"
#include "pdf.h"

typedef struct letter {
    const rule_issuer *issuer;   /* in force on the date; NULL: the section alone */
    const char *doc_number;      /* 文書番号, NULL or "": not printed */
    date_t date;                 /* the document's date (和暦) */
    const char *nursery_id, *operator_name, *nursery_name;
    const char *title;           /* "…支払通知書（修正）" */
    const char *subtitle;        /* "（令和7年4月分）", or NULL */
    const char *opening;         /* the sentence before 記 */
    bool draft;                  /* 試算: a line under the title says so */
} letter;

void letter_head(pdf_doc *d, const letter *lt);
/* Contact, then the 教示 when appeal (a notice of a decision), then a
 * small line (run or settlement id). */
void letter_close(pdf_doc *d, const letter *lt, bool appeal, const char *small);
/* The document's date as pdf_info wants it ("2025-05-10T00:00:00+09:00"). */
void letter_pdf_date(date_t date, char buf[32]);

/* The rejected lines of nursery id in its own terms (区分, 児童・職員番号,
 * 請求の箇所, 理由): the statement's section and the 不支給決定通知書's body
 * (statement_pdf.c). */
void report_rejection_table(pdf_doc *d, const month_run *run, const char *id);

#endif
