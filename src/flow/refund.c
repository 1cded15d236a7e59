/* refund: 返還 receivables and their receipts (include/kasan/flow_refund.h).
 * Not here: the arithmetic of a receipt (src/budget/closing.c), the events
 * (src/ledger/refund_store.c), printing (src/cli/refund.c). */
#include "flow_int.h"

#include <stdlib.h>
#include <string.h>

#include "kasan/budget.h"
#include "kasan/budget_ward.h"
#include "kasan/clock.h"
#include "kasan/flow_refund.h"
#include "kasan/flow_sign.h"
#include "kasan/ledger_refund.h"
#include "kasan/ledger_settle.h"

/* The latest fiscal year up to this one with a settlement: 0 if none. */
static int latest_settled(ledger *lg, arena *a)
{
    date_t today;
    if (!clock_today(&today))
        return 0;
    for (int fy = budget_fiscal_year_of(today); fy > budget_fiscal_year_of(today) - 6; fy--) {
        ledger_settlement s;
        if (ledger_settle_current(lg, fy, a, &s) == LEDGER_OK)
            return fy;
    }
    return 0;
}

/* The program as the settlement used it: the version the rules it archived
 * have in force on 31 March; NULL if none. */
static const struct program *settled_program(const rule_set *rs, int fy, const char *program_id)
{
    claim_month march = {fy + 1, 3};
    return rules_program_in_force(rs, program_id, march);
}

/* Its 返還期限 in days after the notice. */
static int due_days(const struct program *p)
{
    if (!p)
        return 0;
    return p->settlement && p->settlement->repayment_due_days ? p->settlement->repayment_due_days
                                                              : p->repayment_due_days;
}

static int by_nursery_due(const void *x, const void *y)
{
    const flow_receivable *a = x, *b = y;
    int c = strcmp(a->nursery_id, b->nursery_id);
    if (c)
        return c;
    if (a->due != b->due)
        return a->due < b->due ? -1 : 1;
    return strcmp(a->program, b->program);
}

/* The settlements of the year's chain, oldest first, the current last. */
enum { CHAIN_MAX = 64 };
static int chain_of(ledger *lg, const ledger_settlement *cur, arena *a, ledger_settlement **out,
                    size_t *n)
{
    ledger_settlement *v = arena_calloc(a, CHAIN_MAX, sizeof *v); /* newest first */
    size_t k = 0;
    v[k++] = *cur;
    for (; v[k - 1].supersedes_seq && k < CHAIN_MAX; k++)
        if (ledger_settle_at(lg, v[k - 1].supersedes_seq, a, &v[k]) != LEDGER_OK)
            return -1;
    for (size_t i = 0; i < k / 2; i++) {
        ledger_settlement t = v[i];
        v[i] = v[k - 1 - i];
        v[k - 1 - i] = t;
    }
    *out = v;
    *n = k;
    return 0;
}

static int row_cmp(const void *key, const void *elem)
{
    const ledger_settle_row *k = key, *r = elem;
    int c = strcmp(k->nursery_id, r->nursery_id);
    return c ? c : strcmp(k->program, r->program);
}

/* The 返還 the settlement decided on the row of `key` (0 if none). */
static int64_t refund_in(const ledger_settlement *s, const ledger_settle_row *key)
{
    const ledger_settle_row *r = bsearch(key, s->rows, s->n_rows, sizeof *s->rows, row_cmp);
    int64_t net;
    if (!r || !budget_settle_decided(r->settled_before_yen, r->difference_yen, &net) || net >= 0)
        return 0;
    return -net;
}

/* One 返還 decided by a settlement of the chain: a first settlement's, or
 * what a correction added (its own 調定, decided on its own day); a
 * correction that lowers a 返還 cancels the newest first. */
typedef struct refund_layer {
    int64_t amount;
    size_t at; /* index in the chain */
} refund_layer;

static size_t layers_of(const ledger_settlement *v, size_t n, const ledger_settle_row *key,
                        refund_layer *out)
{
    size_t k = 0;
    int64_t before = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t now = refund_in(&v[i], key);
        if (now > before) {
            out[k++] = (refund_layer){now - before, i};
        } else {
            for (int64_t cut = before - now; cut > 0 && k > 0;) {
                int64_t take = cut < out[k - 1].amount ? cut : out[k - 1].amount;
                out[k - 1].amount -= take;
                cut -= take;
                if (!out[k - 1].amount)
                    k--;
            }
        }
        before = now;
    }
    return k;
}

/* The chain's 返還 rows as receivables, not yet received, each with how the
 * budget counts it (戻入 or 雑入, by the day it was decided). */
static int receivables(ledger *lg, const ledger_settlement *s, flow_refund_res *res)
{
    int rc = flow_archive_rules(lg, s->files, s->n_files, &res->rules, &res->a, &res->notes);
    if (rc)
        return rc;
    ledger_settlement *v = NULL;
    size_t n = 0;
    if (chain_of(lg, s, &res->a, &v, &n)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    date_t *decided = arena_calloc(&res->a, n, sizeof *decided);
    for (size_t i = 0; i < n; i++)
        if (!clock_to_jst(v[i].created, &decided[i], NULL, NULL)) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "settlement %s: its time '%s' is not readable",
                     v[i].settle_id, v[i].created ? v[i].created : "");
            return EXIT_INTERNAL;
        }
    date_t closing = rules_accounts_close(&res->rules, s->fiscal_year);
    size_t cap = 0;
    for (size_t i = 0; i < s->n_rows; i++)
        cap += refund_in(s, &s->rows[i]) > 0 ? n : 0;
    res->rows = arena_calloc(&res->a, cap + 1, sizeof *res->rows);
    refund_layer *ly = arena_calloc(&res->a, n, sizeof *ly);
    for (size_t i = 0; i < s->n_rows; i++) {
        const ledger_settle_row *r = &s->rows[i];
        if (!refund_in(s, r))
            continue;
        const struct program *p = settled_program(&res->rules, s->fiscal_year, r->program);
        size_t k = layers_of(v, n, r, ly);
        for (size_t j = 0; j < k; j++) {
            flow_receivable *f = &res->rows[res->n++];
            *f = (flow_receivable){
                .nursery_id = r->nursery_id, .program = r->program,
                .program_title = p ? p->title : NULL, .amount_yen = ly[j].amount,
                .open_yen = ly[j].amount, .decided = decided[ly[j].at],
                .due = decided[ly[j].at] + due_days(p), .settle_id = v[ly[j].at].settle_id};
            if (!budget_refund_treatment(s->fiscal_year, closing, f->decided, f->due,
                                         &f->treatment))
                f->treatment = (budget_refund){BUDGET_REFUND_RETURN, s->fiscal_year};
        }
    }
    qsort(res->rows, res->n, sizeof *res->rows, by_nursery_due);
    return EXIT_OK;
}

/* One nursery's receipts paid into its receivables, oldest due date first. */
static void allocate(flow_refund_res *res, const char *nursery_id, int64_t received)
{
    for (size_t i = 0; i < res->n && received > 0; i++) {
        flow_receivable *r = &res->rows[i];
        if (strcmp(r->nursery_id, nursery_id))
            continue;
        int64_t take = received < r->open_yen ? received : r->open_yen;
        r->received_yen += take;
        r->open_yen -= take;
        received -= take;
    }
}

/* The nursery's receipts so far (the expectation a new receipt is recorded on). */
static int64_t received_by(const ledger_refund_receipt *v, size_t n, const char *nursery_id)
{
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i].nursery_id, nursery_id))
            sum += v[i].amount_yen; /* each ≤ a receivable: bounded by the settlement */
    return sum;
}

static int read_year(ledger *lg, flow_refund_res *res, ledger_settlement *s,
                     ledger_refund_receipt **rcpt, size_t *n_rcpt)
{
    int st = ledger_settle_current(lg, res->fiscal_year, &res->a, s);
    if (st == LEDGER_NOT_FOUND) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "FY%d has no finalized settlement: no 返還 is "
                 "decided yet", res->fiscal_year);
        return EXIT_USAGE;
    }
    if (st != LEDGER_OK || ledger_refund_receipts(lg, res->fiscal_year, &res->a, rcpt, n_rcpt)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    res->settle_id = s->settle_id;
    int rc = receivables(lg, s, res);
    if (rc)
        return rc;
    for (size_t i = 0; i < res->n; i++) /* each nursery once: its first row */
        if (!i || strcmp(res->rows[i - 1].nursery_id, res->rows[i].nursery_id))
            allocate(res, res->rows[i].nursery_id,
                     received_by(*rcpt, *n_rcpt, res->rows[i].nursery_id));
    return EXIT_OK;
}

static void totals(flow_refund_res *res)
{
    date_t today = 0;
    clock_today(&today);
    for (size_t i = 0; i < res->n; i++) {
        flow_receivable *r = &res->rows[i];
        budget_receivable b = {r->amount_yen, r->decided, r->due, r->received_yen};
        r->overdue = budget_receivable_overdue(&b, today);
        res->amount_yen += r->amount_yen;
        res->received_yen += r->received_yen;
        res->open_yen += r->open_yen;
    }
}

/* A receipt checked against the nursery's receivables as one (§12.7). */
static int check_receipt(const flow_refund_req *rq, flow_refund_res *res, date_t day)
{
    budget_receivable all = {0, 0, 0, 0};
    bool any = false;
    for (size_t i = 0; i < res->n; i++) {
        const flow_receivable *r = &res->rows[i];
        if (strcmp(r->nursery_id, rq->nursery_id))
            continue;
        all.amount += r->amount_yen;
        all.received += r->received_yen;
        if (!any || r->decided < all.decided) /* dated before every 返還: early */
            all.decided = r->decided;
        if (r->due > all.due)
            all.due = r->due;
        any = true;
    }
    if (!any) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s has no 返還 decided by FY%d's settlement: "
                 "nothing to receive", rq->nursery_id, res->fiscal_year);
        return EXIT_INVALID;
    }
    budget_receipt why = budget_receipt_apply(&all, rq->amount_yen, day);
    if (why == BUDGET_RECEIPT_OK)
        return EXIT_OK;
    char b1[FLOW_YEN_LEN], b2[FLOW_YEN_LEN], d1[11], d2[11];
    date_format_iso(day, d1);
    date_format_iso(all.decided, d2);
    if (why == BUDGET_RECEIPT_OVERPAID)
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s: a receipt of %s yen is more than the %s yen "
                 "still open (過納); nothing recorded", rq->nursery_id,
                 flow_yen(rq->amount_yen, false, b1),
                 flow_yen(all.amount - all.received, false, b2));
    else if (why == BUDGET_RECEIPT_EARLY)
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s: a receipt dated %s is before the settlement "
                 "decided the 返還 (%s); nothing recorded", rq->nursery_id, d1, d2);
    else
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s: %s; nothing recorded", rq->nursery_id,
                 budget_receipt_text(why));
    return EXIT_INVALID;
}

static int receive(const flow_refund_req *rq, ledger *lg, const ledger_settlement *s,
                   const ledger_refund_receipt *rcpt, size_t n_rcpt, flow_refund_res *res)
{
    date_t day;
    if (!rq->date || !date_parse_iso(rq->date, strlen(rq->date), &day)) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "--date takes the day received, YYYY-MM-DD");
        return EXIT_USAGE;
    }
    int rc = check_receipt(rq, res, day);
    flow_signer sg;
    rule_set now = {0};
    if (rc == EXIT_OK && (rc = flow_load_rules(rq->paths.rules, &now, &res->notes)) == EXIT_OK)
        rc = flow_signer_begin(&now, &rq->actor, DUTY_TRANSFER, &sg, &res->notes);
    char subject[16];
    snprintf(subject, sizeof subject, "FY%d", res->fiscal_year);
    if (rc == EXIT_OK)
        rc = flow_signer_role(&sg, lg, subject, NULL, "refund_receipt", &res->notes);
    if (rc == EXIT_OK) {
        ledger_refund_receipt r = {
            .fiscal_year = res->fiscal_year, .nursery_id = rq->nursery_id,
            .amount_yen = rq->amount_yen, .date = rq->date, .settle_id = s->settle_id,
            .actor = flow_signer_actor(&sg, &rq->actor), .expect_settlement_seq = s->event_seq,
            .expect_received_yen = received_by(rcpt, n_rcpt, rq->nursery_id)};
        int st = ledger_refund_receipt_record(lg, &r, &res->event_seq, res->event_hash);
        if (st != LEDGER_OK) {
            flow_say(&res->notes, FLOW_NOTE_SAY, "cannot record the receipt: %s",
                     ledger_errmsg(lg));
            rc = st == LEDGER_BUSY ? EXIT_REFUSED : EXIT_INTERNAL;
        } else {
            allocate(res, rq->nursery_id, rq->amount_yen);
        }
    }
    rules_free(&now);
    return rc;
}

int flow_refund_read(ledger *lg, int fy, flow_refund_res *res)
{
    memset(res, 0, sizeof *res);
    res->fiscal_year = fy;
    ledger_settlement s;
    ledger_refund_receipt *rcpt = NULL;
    size_t n_rcpt = 0;
    int rc = read_year(lg, res, &s, &rcpt, &n_rcpt);
    if (rc == EXIT_OK)
        totals(res);
    return rc;
}

int flow_refund(const flow_refund_req *rq, flow_refund_res *res)
{
    memset(res, 0, sizeof *res);
    ledger *lg = NULL;
    int rc = flow_open_ledger(&rq->paths, &lg, &res->notes);
    if (rc)
        return rc;
    res->fiscal_year = rq->fiscal_year ? rq->fiscal_year : latest_settled(lg, &res->a);
    ledger_settlement s;
    ledger_refund_receipt *rcpt = NULL;
    size_t n_rcpt = 0;
    if (!res->fiscal_year) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "no fiscal year has a finalized settlement: no "
                 "返還 is decided yet (or give --fy)");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK)
        rc = read_year(lg, res, &s, &rcpt, &n_rcpt);
    if (rc == EXIT_OK && rq->receive)
        rc = receive(rq, lg, &s, rcpt, n_rcpt, res);
    if (rc == EXIT_OK)
        totals(res);
    ledger_close(lg);
    return rc;
}

void flow_refund_free(flow_refund_res *res)
{
    flow_notes_free(&res->notes);
    rules_free(&res->rules);
    arena_release(&res->a);
}
