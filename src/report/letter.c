/* letter: the letterhead and close of the documents sent to nurseries (see
 * letter.h).  The issuer is data (rules/issuer/, rules/README.md §18); with
 * none in force a document names the section only, never a made-up head. */
#include "letter.h"

#include <stdio.h>
#include <string.h>

#include "formats.h"

void letter_pdf_date(date_t date, char buf[32])
{
    char iso[11];
    date_format_iso(date, iso);
    snprintf(buf, 32, "%sT00:00:00+09:00", iso);
}

void letter_head(pdf_doc *d, const letter *lt)
{
    const rule_issuer *is = lt->issuer;
    char date[64], id[64];
    fmt_date_wareki(lt->date, date, sizeof date);
    snprintf(id, sizeof id, "施設番号 %s", lt->nursery_id);
    /* right: number, date and the nursery's number; left: the addressee */
    static const pdf_col two[] = {{620, PDF_LEFT}, {380, PDF_RIGHT}};
    char to[512];
    snprintf(to, sizeof to, "%s　様", lt->nursery_name ? lt->nursery_name : "");
    if (lt->doc_number && *lt->doc_number) {
        pdf_table(d, two, 2, 0, PDF_BODY);
        const char *r0[] = {NULL, lt->doc_number};
        pdf_row(d, r0, 0);
    }
    pdf_table(d, two, 2, 0, PDF_SECTION);
    const char *r1[] = {lt->operator_name, date};
    pdf_row(d, r1, 0);
    const char *r2[] = {to, id};
    pdf_row(d, r2, 0);
    pdf_gap(d, 4);
    if (is) {
        pdf_textf(d, PDF_SECTION, PDF_RIGHT, 0, "%s　%s", is->head_title, is->head_name);
        pdf_textf(d, PDF_SMALL, PDF_RIGHT, 0, "（担当　%s）", is->section);
    } else { /* no issuer file in force: the section alone */
        pdf_text(d, PDF_SECTION, PDF_RIGHT, 0, FMT_ISSUER);
    }
    pdf_gap(d, 6);
    pdf_text(d, PDF_TITLE, PDF_CENTER, 0, lt->title);
    if (lt->subtitle)
        pdf_text(d, PDF_SECTION, PDF_CENTER, 0, lt->subtitle);
    if (lt->draft)
        pdf_text(d, PDF_BODY, PDF_CENTER, 0, "【試算】確定前の金額です。支払の通知ではありません。");
    pdf_gap(d, 5);
    if (lt->opening) {
        pdf_text(d, PDF_BODY, PDF_LEFT, 0, lt->opening);
        pdf_gap(d, 3);
    }
    pdf_text(d, PDF_BODY, PDF_CENTER, 0, "記");
}

void letter_close(pdf_doc *d, const letter *lt, bool appeal, const char *small)
{
    const rule_issuer *is = lt->issuer;
    pdf_gap(d, 8);
    pdf_textf(d, PDF_BODY, PDF_LEFT, 0, "お問い合わせ先：%s", fmt_issuer_contact(is));
    if (appeal && is && is->appeal_notice) {
        pdf_gap(d, 6);
        pdf_text(d, PDF_BODY, PDF_LEFT, PDF_KEEP, "（教示）");
        pdf_text(d, PDF_CELL, PDF_LEFT, 0, is->appeal_notice);
    }
    if (small && *small) {
        pdf_gap(d, 3);
        pdf_text(d, PDF_SMALL, PDF_LEFT, 0, small);
    }
}
