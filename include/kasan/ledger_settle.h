/* ledger_settle: a finalized year-end settlement (精算, SPEC 6.2) in the
 * ledger.  A settlement is recorded as one hash-chained event (action
 * "settle", or "settle_supersede" for a correction) whose payload holds every
 * row, the month runs it settled, and the files it used (the actuals report
 * and the rule files, stored as blobs by SHA-256), so `kasan replay
 * --settlement` needs nothing but the ledger and `audit verify` covers it
 * with the rest of the chain.  No table of its own: the schema is unchanged.
 *
 * Ownership and return codes as in kasan/ledger.h. */
#ifndef KASAN_LEDGER_SETTLE_H
#define KASAN_LEDGER_SETTLE_H
#include "kasan/ledger.h"

typedef struct ledger_settle_row {
    const char *nursery_id, *program, *rule_version;
    int64_t annual_yen, paid_yen, difference_yen;
    /* A correction (settle_supersede) only; recorded when `corrected`: */
    bool corrected;                     /* the superseded settlement had this row */
    int64_t settled_before_yen;         /* net 追加交付/返還 decided before; paid_yen =
                                         * the months' payments + this */
    int64_t superseded_annual_yen, superseded_difference_yen;
} ledger_settle_row;

typedef struct ledger_settle_month {
    const char *month, *run_id;
} ledger_settle_month;

typedef struct ledger_settle_req {
    int fiscal_year;
    const char *settle_id, *created, *actor, *engine_version;
    const ledger_settle_row *rows;
    size_t n_rows;
    const ledger_settle_month *months;  /* the finalized months settled */
    size_t n_months;
    const ledger_file *files;           /* role "actuals" (one) and "rules" */
    size_t n_files;
    int64_t additional_yen, repayment_yen; /* 追加交付 / 返還 totals */
    int64_t fy_additional_yen;          /* the year's 追加交付 as decided now: sum of
                                         * positive settled_before + difference (=
                                         * additional_yen for a first settlement) */
    ledger_budget budget;               /* line_id NULL when none */
    ledger_budget charge;               /* finalized after the year's 出納閉鎖 with
                                         * 追加交付 (additional_yen > 0): the line of
                                         * the year it is paid in (過年度支出; line_id
                                         * NULL: that year has no budget file, refused);
                                         * fiscal_year 0 otherwise */
    const char *over_budget_reason;     /* recorded only when over the line */
    bool supersede;
    const char *reason;                 /* required when supersede */
    const struct ledger_document *documents; /* 文書番号 of the notices (ledger_docs.h) */
    size_t n_documents;
} ledger_settle_req;

typedef struct ledger_settle_res {
    int64_t fy_paid_yen;      /* current month runs of the year */
    int64_t overrun_yen;      /* fy_paid + additional − line, when > 0 */
    int64_t event_seq;
    char event_hash[SHA256_HEX_LEN + 1];
    int64_t superseded_seq;   /* 0 unless a settlement was superseded */
    bool overridden;          /* paid on over_budget_reason (over the line or no line) */
} ledger_settle_res;

typedef struct ledger_settlement {
    int64_t event_seq;
    const char *time, *actor, *action, *settle_id, *created, *engine_version;
    const char *over_budget_reason, *supersede_reason; /* NULL if none */
    int fiscal_year;
    int64_t additional_yen, repayment_yen;
    int64_t fy_additional_yen;  /* as in the request (additional_yen if not recorded) */
    int64_t supersedes_seq;     /* 0 for a first settlement */
    int charged_fiscal_year;    /* finalized after the closing: the year whose line
                                 * pays its additional_yen (過年度支出); else 0 */
    ledger_settle_row *rows;
    size_t n_rows;
    ledger_settle_month *months;
    size_t n_months;
    ledger_file *files;       /* data NULL: fetch with ledger_blob_get */
    size_t n_files;
} ledger_settlement;

/* Records a settlement: LEDGER_ALREADY_FINALIZED when the year has one and
 * supersede was not asked, LEDGER_NOTHING_TO_SUPERSEDE, LEDGER_OVER_BUDGET
 * when the year's paid total plus additional_yen exceeds the line without a
 * reason, LEDGER_NO_BUDGET_LINE, LEDGER_INVALID for a malformed request.  A
 * refusal (all but LEDGER_INVALID) is recorded as a "refuse" event (subject
 * FYnnnn, requested "settle" or "settle_supersede"; ledger_refuse) whose seq
 * and hash go to res->event_seq/event_hash, as ledger_finalize does. */
int ledger_settle_finalize(ledger *lg, const ledger_settle_req *req, ledger_settle_res *res);
/* The current settlement of fiscal year fy; LEDGER_NOT_FOUND if none. */
int ledger_settle_current(ledger *lg, int fy, arena *a, ledger_settlement *out);
/* The settlement recorded as settle_id, current or superseded (kasan transfer
 * tops up a corrected settlement over the one it transferred); LEDGER_NOT_FOUND
 * if none. */
int ledger_settle_get(ledger *lg, const char *settle_id, arena *a, ledger_settlement *out);
/* The settlement recorded by event seq (a correction's supersedes_seq). */
int ledger_settle_at(ledger *lg, int64_t seq, arena *a, ledger_settlement *out);
/* 追加交付 of fiscal year fy's finalized settlement current before event
 * before_seq (0: the current one) into *yen (0 if none): paid against the
 * year's line like a month (SPEC 6.2), but for what settlements finalized
 * after the closing charged to a later year. */
int ledger_fy_settled_additional(ledger *lg, int fy, int64_t before_seq, int64_t *yen);
/* 追加交付 of fiscal year fy's settlements charged to a later year's line
 * (finalized after fy's closing), recorded before event before_seq (0: all). */
int ledger_fy_charged_later(ledger *lg, int fy, int64_t before_seq, int64_t *yen);
/* 追加交付 of earlier years charged to fiscal year fy's line (過年度支出),
 * recorded before event before_seq (0: all). */
int ledger_fy_prior_year_charged(ledger *lg, int fy, int64_t before_seq, int64_t *yen);

#endif
