/* rules: the subsidy programs as loaded from YAML under rules/.
 *
 * A rule_set owns everything it loaded (one arena): every version of every
 * program, the shared terms (care type vocabulary, eligibility, rejection
 * reasons), the budget lines and the payer account (依頼人), each with its
 * file, line numbers, and the file's bytes and SHA-256 (for the ledger).  Loading checks everything
 * statically and reports every problem as file:line:col through diag;
 * a rule_set that loaded without errors evaluates without type errors.
 * See rules/README.md for the file format and the formula language. */
#ifndef KASAN_RULES_H
#define KASAN_RULES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/bank_account.h"
#include "kasan/claim_line.h"
#include "kasan/date.h"
#include "kasan/diag.h"
#include "kasan/hash.h"
#include "kasan/rule_value.h"
#include "kasan/value.h"

/* Distinct program ids a rule set may hold (a month computes them all). */
#define RULES_MAX_PROGRAMS 16

typedef struct rule_file {
    const char *path;         /* as named to the loader (display) */
    const char *name;         /* relative to the rules directory (archived name) */
    const char *data;         /* the exact bytes loaded */
    size_t len;
    char sha256[SHA256_HEX_LEN + 1];
} rule_file;

typedef struct program {
    const char *id, *version, *title, *basis;
    const rule_file *file;
    date_t effective_from, effective_to; /* effective_to DATE_OPEN when open */
    rule_value *values;
    size_t n_values;
    size_t *order;            /* formula evaluation order (indices into values) */
    size_t n_order;
    int n_slots[3];           /* formula slots per rule_scope */
    const rule_value *result; /* the nursery's amount: a SCOPE_NURSERY yen formula */
    const void *result_node;  /* loader's private */
    int from_line, from_col;  /* position of effective_from, for messages */
    bool broken;              /* its file had errors: skipped by later checks */
    /* 精算 (year-end settlement, SPEC 6.2): the version's settlement: section,
     * or NULL.  Its values, order, slots and result form a program of their
     * own (same id, version and file); its formulas read the parent's params
     * and tables, `months` and the actuals fields (rules/README.md §15). */
    struct program *settlement;
    int repayment_due_days;   /* 返還期限: days after the notice's date */
} program;

/* Shared terms: vocabulary and eligibility used by intake and the engine. */
typedef struct rule_terms {
    const char *version, *title, *basis;
    const rule_file *file;
    date_t effective_from, effective_to;
    const char **care_codes, **care_names; /* vocabulary; bit i of a care set */
    size_t n_care;
    const char *eligible_kind;             /* registry kind that may be paid */
    const char **qual_codes, **qual_names; /* eligible staff qualifications */
    size_t n_qual;
    const char **reason_codes, **reason_texts; /* SPEC 1.5 codes → Japanese */
    size_t n_reasons;
    /* declared claim columns (SPEC 8.1) of this version, in file order */
    declared_column *child_cols, *staff_cols;
    size_t n_child_cols, n_staff_cols;
    /* the language's field table in force with these terms: built-in fields
     * and these declared columns (expr.h), built once after loading */
    const struct expr_field_table *fields;
    int from_line, from_col;
    bool broken;
} rule_terms;

typedef struct budget_line {
    const char *version, *title, *basis, *line_id;
    const rule_file *file;
    int fiscal_year;
    int64_t amount;
    date_t effective_from, effective_to;
    bool no_grant_decision;   /* grant_decision: none — the year is paid without
                               * grant decisions (交付決定, docs/spec/12) */
    date_t accounts_close;    /* 出納閉鎖: the last day the year's own accounts
                               * pay and take back (default 31 May of FY+1) */
} budget_line;

/* 依頼人: the account the ward pays from, for the Zengin transfer file (SPEC 7).
 * Codes and names are kept as written; load checked that the codes have their
 * digits and that the names convert (kana.h) and fit their fields (bank_account.h). */
typedef struct rule_payer {
    const char *version, *title, *basis;
    const rule_file *file;
    date_t effective_from, effective_to;
    const char *requester_code;    /* 依頼人コード: 10 digits */
    const char *requester_name;    /* 依頼人名 */
    const char *bank_code, *bank_name;     /* 仕向銀行: 4 digits, name */
    const char *branch_code, *branch_name; /* 仕向支店: 3 digits, name */
    zengin_account_type account_type;      /* ordinary 普通 → 1, current 当座 → 2 */
    const char *account_number;    /* 1–7 digits */
    int planned_transfer_day;      /* 振込予定日: this day of the month after the month
                                    * paid (a settlement: after its notice's month),
                                    * the next bank business day when closed; 0 =
                                    * not printed (rules/README.md §16) */
    int from_line, from_col;
    bool broken;
} rule_payer;

/* 発行者: who issues the documents a nursery receives (rules/README.md §17):
 * the ward head in whose name they go out, the section, its contact, the
 * pattern of the document number (文書番号) and the 教示 printed on notices
 * that decide something (a settlement, a 不支給).  Texts as written. */
typedef struct rule_issuer {
    const char *version, *title, *basis;
    const rule_file *file;
    date_t effective_from, effective_to;
    const char *head_title;       /* 板橋区長 */
    const char *head_name;        /* the ward head's name */
    const char *section;          /* 板橋区 子ども家庭部 保育サービス課 */
    const char *contact;          /* お問い合わせ先: section, telephone */
    const char *document_number;  /* "{y}板子保第{n}号": {n} the number, {y} the 和暦 year of
                                   * the fiscal year (checked: {n} once, nothing else in braces) */
    const char *appeal_notice;    /* 教示: 審査請求 and 取消訴訟, one paragraph a line */
    int from_line, from_col;
    bool broken;
} rule_issuer;

/* 銀行休業日の暦: the national holidays (国民の祝日, 振替休日, 国民の休日) of
 * the period a calendar file covers (rules/README.md §18); weekends and
 * 12/31–1/3 are kasan/bankday.h's, not listed. */
typedef struct rule_calendar {
    const char *version, *title, *basis;  /* basis: the source (内閣府「国民の祝日について」) */
    const rule_file *file;
    date_t effective_from, effective_to;  /* the period covered: both required */
    date_t *holidays;                     /* sorted, no repeats, inside the period */
    const char **names;                   /* 元日, 成人の日, … */
    size_t n;
    int from_line, from_col;
    bool broken;
} rule_calendar;

typedef struct rule_set {
    arena a;
    rule_file *files;
    size_t n_files;
    size_t n_read;            /* files read from disk, also when loading failed */
    program *programs;        /* every version of every program, by id then date */
    size_t n_programs;
    rule_terms *terms;
    size_t n_terms;
    budget_line *budgets;
    size_t n_budgets;
    rule_payer *payers;       /* by effective_from; none is fine until a transfer */
    size_t n_payers;
    struct rule_operators *operators; /* by effective_from (operators.h); none: unsigned */
    size_t n_operators;
    rule_issuer *issuers;     /* by effective_from; none: documents name only the section */
    size_t n_issuers;
    rule_calendar *calendars; /* by effective_from; none: no transfer date can be checked */
    size_t n_calendars;
    /* declared columns' slots over every terms version: a line's decl[]
     * holds this many values ([0] children.csv, [1] nurses.csv) */
    int n_decl_slots[2];
} rule_set;

/* Loads and checks every *.yaml under dir (recursively, in sorted order).
 * Returns 0, or -1 with every problem in d.  Always rules_free() after. */
int rules_load_dir(const char *dir, rule_set *rs, diag_list *d);
/* Same from bytes already in memory (a replay's archived copies). */
int rules_load_files(const rule_file *files, size_t n, rule_set *rs, diag_list *d);
void rules_free(rule_set *rs);

/* Version in force on the first day of the month, or NULL. */
const program *rules_program_in_force(const rule_set *rs, const char *id, claim_month m);
const rule_terms *rules_terms_in_force(const rule_set *rs, claim_month m);
const budget_line *rules_budget_for_fy(const rule_set *rs, int fiscal_year);
/* The year's 出納閉鎖: its budget file's accounts_close, or 31 May of the
 * next year (地方自治法 §235の5) when the year has no budget file. */
date_t rules_accounts_close(const rule_set *rs, int fiscal_year);
/* The payer account in force on `day` (the transfer date), or NULL. */
const rule_payer *rules_payer_in_force(const rule_set *rs, date_t day);
/* The issuer in force on `day` (the document's date), or NULL. */
const rule_issuer *rules_issuer_in_force(const rule_set *rs, date_t day);
/* The document number (文書番号) n of fiscal year fy under the issuer's
 * pattern: "7板子保第12号".  False (buf "") if it does not fit. */
bool rules_issuer_number(const rule_issuer *is, int fy, long n, char *buf, size_t size);
/* The calendar covering `day`, or NULL. */
const rule_calendar *rules_calendar_in_force(const rule_set *rs, date_t day);
/* The holiday's name if `day` is a national holiday of cal, else NULL. */
const char *rules_calendar_holiday(const rule_calendar *cal, date_t day);

/* Distinct program ids, sorted; returns the count (≤ max). */
size_t rules_program_ids(const rule_set *rs, const char **ids, size_t max);
/* The reason text for a rejection code (the code itself if unknown). */
const char *rules_reason_text(const rule_terms *t, const char *code);

#endif
