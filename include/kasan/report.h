/* report: what a run writes for people and machines — payments.csv,
 * rejections.csv, the section's payments.xlsx and one statement per nursery.
 * Writers read a computed month_run and never change it.  Every file is
 * written under a temporary name and renamed into place (fsutil); on failure
 * the function returns -1, leaves no partial file, and says why in `err`. */
#ifndef KASAN_REPORT_H
#define KASAN_REPORT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/budget.h"
#include "kasan/engine.h"

/* The 予算 sheet lays out a budget_view (kasan/budget.h) whose program
 * amounts are in month_run.programs order. */
_Static_assert(BUDGET_MAX_PROGRAMS >= ENGINE_MAX_PROGRAMS, "budget view holds every program");

/* A correction (修正, SPEC 6.1) as the outputs show it: the run superseded,
 * the operator's reason and the rows (engine_corrections or
 * ledger_corrections), borrowed. */
typedef struct run_correction {
    const char *superseded_run_id;
    const char *reason;
    const ledger_correction *rows;  /* sorted by nursery_id, program */
    size_t n;
    /* What is owed (src/flow/owed.c, issue 21 item 3): transferred when the
     * month had transfer files when the correction was finalized (the
     * events transfer_events); then owed holds, per nursery × program where
     * they differ, what was transferred (paid_yen) against what is due now
     * (corrected_yen): a positive difference is transferred next (追給), a
     * negative one is to be paid back (返還).  Not transferred: every
     * amount of the run is transferred next, and the rows above are the
     * change from the amounts notified before. */
    bool transferred;
    const ledger_correction *owed;  /* sorted by nursery_id, program */
    size_t n_owed;
    const int64_t *transfer_events;
    size_t n_transfer_events;
} run_correction;

/* The approval block (決裁欄) of payments.xlsx: who drafted (起案), approved
 * (決裁) and paid (振込) the run, as the ledger records the signed events
 * and the operators file in force names them (SPEC 10.1); a step not yet
 * taken has name NULL.  Borrowed. */
typedef struct report_signoff {
    const char *name, *post;  /* 氏名, 役職 */
    const char *operator_id;
    date_t day;               /* the event's date (UTC), shown in 和暦 */
} report_signoff;

typedef struct report_approval {
    report_signoff drafted, approved, paid;
} report_approval;

typedef struct run_meta {
    const char *run_id;      /* e.g. "2025-04-20250510T093000Z-1a2b3c4d" */
    const char *created;     /* ISO 8601 UTC time of the run */
    date_t issue_date;       /* 発行日 printed on statements */
    bool finalized;          /* false = 試算 (draft) */
    const char *engine_version;
    const run_correction *correction; /* NULL unless the run corrects (supersedes) one:
                                       * then corrections.csv, the 修正差額 sheet and
                                       * 修正 on the changed nurseries' statements */
    const report_approval *approval;  /* NULL unless signed: the block on 支払一覧 */
    /* 文書番号 (issue 22): the number each document sent carries, by nursery
     * id (sorted; the text of rules_issuer_number).  NULL in a draft: no
     * number is printed. */
    const struct report_docno *docnos;
    size_t n_docnos;
    int reissue;  /* 0 or 1: the month's first run, documents statements/ID.pdf;
                   * N >= 2: its Nth run (a correction), whose documents are
                   * statements/ID-N.pdf, for the changed nurseries only, beside
                   * the ones sent before (kept, never overwritten) */
} run_meta;

/* A document a month's run sends: to whom, which kind, its 文書番号 (NULL
 * until flow gives it one). */
typedef struct report_docno {
    const char *nursery_id;
    const char *kind;     /* "statement" (支払通知書) or "refusal" (不支給決定通知書) */
    const char *number;
} report_docno;

/* The documents run sends under meta, by nursery id: every computed
 * nursery's statement (a correction: only the nurseries whose amount
 * changed), the statements of nurseries a correction brought to 0, and the
 * 不支給決定通知書 of nurseries whose every line was rejected (none in a
 * correction: an unchanged refusal is not sent again).  Fills out[] when
 * not NULL (numbers NULL); returns the count, (size_t)-1 when out of
 * memory. */
size_t report_documents(const month_run *run, const run_meta *meta, report_docno *out);
/* The number of id's document under meta, or NULL. */
const char *report_docno_of(const run_meta *meta, const char *id);
/* The same over any list v[0 .. n) sorted by nursery id (a settlement's). */
const char *report_docno_find(const report_docno *v, size_t n, const char *id);
/* "statements/ID.EXT" or, in a correction, "statements/ID-N.EXT". */
void report_document_file(const run_meta *meta, const char *id, const char *ext, char *buf,
                          size_t size);
/* Whether a statement of computed nursery id is written under meta (all
 * but a correction's unchanged nurseries). */
bool report_statement_sent(const run_meta *meta, const char *id);

int report_payments_csv(const month_run *run, const char *path, char *err, size_t errsz);
int report_rejections_csv(const month_run *run, const char *path, char *err, size_t errsz);
int report_payments_xlsx(const month_run *run, const budget_view *bv, const run_meta *meta,
                         const char *path, char *err, size_t errsz);
int report_statement_xlsx(const month_run *run, const nursery_month *nm, const run_meta *meta,
                          const char *path, char *err, size_t errsz);

/* The documents a nursery receives are PDF (issue 22): A4, Noto Sans CJK JP
 * embedded, text that pdftotext gives back.  The fonts are loaded once per
 * process, by the first document (or report_documents_prepare(): 0, or -1
 * with err when the font is missing).  Pango then keeps a thread of its own
 * in the process: fork writers before the first document, never right
 * after it (a child would inherit locks that thread holds).
 * doc_number: the document's 文書番号 (rules_issuer_number), printed when
 * not NULL.  The issuer printed is the one in force on meta->issue_date. */
int report_documents_prepare(char *err, size_t errsz);
/* 振込予定日 (issue 22), printed on statements and 追加交付 notices: the
 * payer's planned_transfer_day of the month after m (its last day when
 * shorter), moved to the next bank business day of the calendar in force;
 * false when the payer names no day or no calendar covers the date (nothing
 * is promised then). */
bool report_planned_transfer(const rule_set *rs, claim_month m, date_t *out);
/* The statement (支払通知書) of nm, beside its .xlsx (which stays for the
 * section's own use). */
int report_statement_pdf(const month_run *run, const nursery_month *nm, const run_meta *meta,
                         const char *doc_number, const char *path, char *err, size_t errsz);
/* The 不支給決定通知書 of registry nursery n (all of its lines rejected). */
int report_refusal_pdf(const month_run *run, const nursery *n, const run_meta *meta,
                       const char *doc_number, const char *path, char *err, size_t errsz);
/* The nurseries that get a 不支給決定通知書 this month: of the paid kind, with
 * rejected lines, none paid nor computed, not in meta's correction; by id.
 * Fills out[] when not NULL; returns the count. */
size_t report_refused_nurseries(const month_run *run, const run_meta *meta, const nursery **out);
/* Writes each of them as dir/statements/ID.pdf. */
int report_refusal_notices(const month_run *run, const run_meta *meta, const char *dir,
                           char *err, size_t errsz);

/* corrections.csv (SPEC 6.1): month,nursery_id,program,paid_yen,corrected_yen,
 * difference_yen, one row per correction. */
int report_corrections_csv(const month_run *run, const run_correction *c, const char *path,
                           char *err, size_t errsz);
/* The statements of nurseries whose amount changed to 0 (not among
 * run->nurseries): written into dir/statements/ID.xlsx and ID.pdf like the
 * others, showing 返還. */
int report_correction_statements(const month_run *run, const run_meta *meta, const char *dir,
                                 char *err, size_t errsz);

/* The auditor's year (kasan audit report, 監査報告): the fiscal year's events
 * with their payloads, the ledger's verification and each finalized month's
 * replay, as collected by the command; all borrowed. */
typedef struct audit_replay {
    const char *month, *run_id; /* "精算 FY2025" and the settle id for the settlement */
    int result;             /* 0 identical, 1 differs, 2 could not be recomputed */
    const char *detail;     /* what replay printed */
} audit_replay;

/* Signatures as verification found them (src/flow/signatures.c). */
typedef enum audit_sig_result {
    AUDIT_SIG_OK,         /* signed, verified, in a role the operator held */
    AUDIT_SIG_PROBLEM,    /* a problem: verification fails */
    AUDIT_SIG_UNSIGNED,   /* unsigned; with no operators file in force, as before */
} audit_sig_result;

typedef struct audit_sig_event {
    int64_t seq;
    const char *time, *action, *operator_id, *role, *key, *via;
    audit_sig_result result;
    const char *text;     /* "verified", the problem, or "unsigned: no operators file in force" */
} audit_sig_event;

/* One step of a run (起案 / 決裁 / 振込): seq 0 when not taken.  An
 * unsigned step (is_signed false) has the event's actor as operator_id and
 * a note: "unsigned: no operators file in force" (SPEC 10.1: as before
 * operators) or "unsigned" (a problem of its own, said by verification). */
typedef struct audit_sig_step {
    int64_t seq;
    const char *time, *operator_id, *name, *post, *key;
    bool is_signed;
    const char *note;
} audit_sig_step;

typedef struct audit_sig_run {
    const char *month;    /* "2025-04", or NULL for the settlement of fiscal_year */
    const char *grant;    /* else, a grant decision or budget amendment of fiscal_year:
                           * "交付決定", "変更交付決定 P102", "予算の補正"; no 振込 */
    int fiscal_year;
    const char *run_id;
    bool current;         /* not superseded */
    audit_sig_step drafted, approved, paid;
} audit_sig_run;

/* One 返還 receivable of the year's settlement (src/flow/refund.c). */
typedef struct audit_refund {
    const char *nursery_id, *program, *program_title;
    int64_t amount_yen, received_yen, open_yen;
    date_t decided, due;
    bool overdue;
    bool revenue;        /* decided after the year's 出納閉鎖: 雑入 of revenue_fy */
    int revenue_fy;      /* (else 戻入 of the settled year) */
} audit_refund;

typedef struct audit_book {
    int fiscal_year;
    const char *ledger_path, *created;
    const ledger_event *events;
    size_t n_events;
    int verify_problems;    /* problems found by audit verify (-1: not readable) */
    const char *verify_text;/* its report lines */
    ledger_counts counts;   /* what it checked */
    const audit_replay *replays;
    size_t n_replays;
    /* who drafted, approved and paid each run and settlement, and every
     * event's signature (all of the ledger's; the writer shows the year's) */
    const audit_sig_run *runs;
    size_t n_runs;
    const audit_sig_event *sigs;
    size_t n_sigs;
    int sig_problems;       /* -1: not checked */
    /* the 返還 receivables of the year's settlement and what was received */
    const audit_refund *refunds;
    size_t n_refunds;
} audit_book;

/* DIR/audit-FY.xlsx: 事象一覧 (one row per event), 事象の内容 (every payload
 * leaf), 検証 (with each event's signature), アンカー, 再計算, 決裁 (who drafted,
 * approved and paid each run and settlement), 返還 (each receivable, received,
 * open, 延滞); A4 landscape, filters, frozen headers. */
int report_audit_xlsx(const audit_book *b, const char *path, char *err, size_t errsz);

/* One line of a what-if comparison (kasan diff): a nursery × program under
 * rule set A and rule set B (version NULL when the program is not in force). */
typedef struct diff_row {
    const char *nursery_id, *nursery_name, *program;
    const char *program_title;   /* what diff.xlsx shows (the id when NULL) */
    const char *version_a, *version_b;
    int64_t amount_a, amount_b;
} diff_row;

int report_diff_xlsx(claim_month m, const char *rules_a, const char *rules_b,
                     const diff_row *rows, size_t n, const char *path, char *err, size_t errsz);

#endif
