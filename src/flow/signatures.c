/* signatures: every signature of a ledger checked by the auditor (kasan
 * audit verify, the audit report) from the ledger alone — each event's
 * signature against the key in force for its operator on the event's day
 * under the operators files the ledger holds (rules_operator_at: a rotated
 * key still verifies the events signed before the rotation), the role
 * used, and the separation rules of each run (an approval not by its
 * drafter and of a signed draft; a transfer file only after the approval,
 * not by the drafter or approver); a money event left unsigned while an
 * operators file was in force is a problem too.  It also collects, per run
 * and settlement, who drafted, approved and paid it.  Not here: the chain
 * and the runs against their events (src/ledger/chain.c), reading the
 * events (src/ledger/approve_store.c), the workbook (src/report/audit_xlsx.c). */
#include "flow_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/budget_ward.h"
#include "kasan/duty.h"
#include "kasan/flow_sign.h"

/* A drafted event (a run or a settlement recorded) and its later steps. */
typedef struct drafted {
    const ledger_signed *e;
    const char *digest;       /* what an approval of it signs */
    const ledger_signed *approved, *paid;
    size_t run;               /* its index in out->runs */
} drafted;

typedef struct check {
    const rule_set *ops;
    const int64_t *first_seq;  /* the event that brought each of ops->files in */
    flow_signatures *out;
    flow_notes *notes;
    arena *a;
    drafted *d;
    size_t n_d;
    drafted *g;                /* grant decisions, their amendments, budget amendments */
    size_t n_g;
    bool ops_failed;
} check;

__attribute__((format(printf, 3, 4)))
static void problem(check *c, audit_sig_event *ev, const char *fmt, ...)
{
    char why[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    c->out->problems++;
    flow_say(c->notes, FLOW_NOTE_RESULT, "event %lld: %s", (long long)ev->seq, why);
    if (ev->result != AUDIT_SIG_PROBLEM) /* the first problem is the event's text */
        ev->text = arena_strdup(c->a, why);
    ev->result = AUDIT_SIG_PROBLEM;
}

static bool is_drafted(const char *action)
{
    return !strcmp(action, "finalize") || !strcmp(action, "supersede") ||
           !strcmp(action, "settle") || !strcmp(action, "settle_supersede");
}

/* Approved like a run, but with no run of months or settlement (issue 24). */
static bool is_grant(const char *action)
{
    return !strcmp(action, "decide") || !strcmp(action, "decide_amend") ||
           !strcmp(action, "budget_amend");
}

static bool same_id(const char *a, const char *b) { return duty_id_same(a, b); }

static date_t day_of(const char *time)
{
    date_t d = 0;
    if (time && strlen(time) >= 10)
        date_parse_iso(time, 10, &d);
    return d;
}

/* The signature itself: signer object and signature both there, the actor
 * the operator, the operator in force with this key, the bytes signed. */
static void check_signature(check *c, const ledger_signed *e, audit_sig_event *ev, date_t day,
                            const rule_operator **op_out)
{
    char iso[11];
    date_format_iso(day, iso);
    *op_out = NULL;
    if (!e->signature) {
        problem(c, ev, "its payload names operator %s as signer but no signature is stored "
                "(signature removed)", e->operator_id ? e->operator_id : "?");
        return;
    }
    if (!e->has_signer || !e->operator_id || !e->key || !e->role) {
        problem(c, ev, "a signature is stored but the payload has no complete signer object");
        return;
    }
    uint8_t sig[SIGN_SIG_BYTES];
    if (!sign_sig_parse(e->signature, sig)) {
        problem(c, ev, "its stored signature is malformed");
        return;
    }
    if (strcmp(e->actor, e->operator_id))
        problem(c, ev, "its actor %s is not its signing operator %s", e->actor, e->operator_id);
    const rule_operator *op = rules_operator_at(c->ops, e->operator_id, day);
    if (!op) {
        problem(c, ev, "operator %s was not in force on %s in the operators files the ledger "
                "holds (revoked, not yet appointed, or not listed)%s", e->operator_id, iso,
                c->ops_failed ? "; they have problems, see above" : "");
        return;
    }
    *op_out = op;
    if (strcmp(op->fingerprint, e->key))
        problem(c, ev, "signed as key %s, but operator %s's key in force on %s is %s (%s)",
                e->key, e->operator_id, iso, op->fingerprint,
                c->ops->operators ? rules_operators_in_force(c->ops, day)->file->name : "?");
    else if (!sign_verify(&op->key, "event", e->content, e->content_len, sig))
        problem(c, ev, "the signature does not verify under operator %s's key %s (the event or "
                "its signature was altered)", e->operator_id, op->fingerprint);
    bool known = false;
    for (size_t i = 0; i < c->ops->n_files; i++)
        known |= !strcmp(c->ops->files[i].sha256, e->operators_sha256 ? e->operators_sha256 : "");
    if (!known)
        problem(c, ev, "the operators file it was signed under (%s, SHA-256 %s) is not in the "
                "ledger", e->operators_file ? e->operators_file : "?",
                e->operators_sha256 ? e->operators_sha256 : "?");
}

/* The role used: the one the action needs, and held by the operator then. */
static void check_role(check *c, const ledger_signed *e, audit_sig_event *ev,
                       const rule_operator *op, date_t day)
{
    duty_role used;
    if (!duty_role_parse(e->role, &used)) {
        problem(c, ev, "unknown role '%s'", e->role);
        return;
    }
    unsigned need = ledger_action_role(e->action);
    if (need && need != (unsigned)used)
        problem(c, ev, "a '%s' event is signed in the %s role, not %s", e->action,
                duty_role_name((duty_role)need), e->role);
    char iso[11];
    date_format_iso(day, iso);
    if (op && strcmp(e->action, "refuse") && !(op->roles & (unsigned)used))
        problem(c, ev, "operator %s did not hold the %s role (%s) on %s", op->id, e->role,
                duty_role_label(used), iso);
}

static drafted *drafted_at(check *c, int64_t seq)
{
    for (size_t i = 0; i < c->n_d; i++)
        if (c->d[i].e->seq == seq)
            return &c->d[i];
    return NULL;
}

/* The latest drafted event of a subject recording run_id. */
static drafted *drafted_of(check *c, const ledger_signed *e)
{
    for (size_t i = c->n_d; i-- > 0;) {
        const ledger_signed *x = c->d[i].e;
        bool subject = e->month ? x->month && !strcmp(x->month, e->month)
                                : !x->month && x->fiscal_year == e->fiscal_year;
        if (subject && x->run_id && e->run_id && !strcmp(x->run_id, e->run_id))
            return &c->d[i];
    }
    return NULL;
}

/* SPEC 10.1 on one run: the approver is not the drafter, and approves a
 * signed draft as it was recorded; the transfer file comes after the
 * approval, from someone else. */
static drafted *grant_at(check *c, int64_t seq)
{
    for (size_t i = 0; i < c->n_g; i++)
        if (c->g[i].e->seq == seq)
            return &c->g[i];
    return NULL;
}

/* An approval of a grant decision or budget amendment: it names the event as
 * recorded (hash), a signed one, not approved before, not by its drafter. */
static void check_grant_approval(check *c, const ledger_signed *e, audit_sig_event *ev,
                                 drafted *g)
{
    if (!e->approved_hash || strcmp(e->approved_hash, g->e->hash))
        problem(c, ev, "does not name event %lld as it was recorded (hash)",
                (long long)e->approved_seq);
    if (!g->e->operator_id)
        problem(c, ev, "approves event %lld, which no operator signed", (long long)g->e->seq);
    else if (same_id(g->e->operator_id, e->operator_id))
        problem(c, ev, "approved by %s, who drafted it (event %lld): the approver is never its "
                "drafter", e->operator_id, (long long)g->e->seq);
    if (g->approved)
        problem(c, ev, "event %lld was approved before (event %lld)", (long long)g->e->seq,
                (long long)g->approved->seq);
    else
        g->approved = e;
}

static void check_separation(check *c, const ledger_signed *e, audit_sig_event *ev)
{
    if (!strcmp(e->action, "approve")) {
        drafted *d = drafted_at(c, e->approved_seq), *g = d ? NULL : grant_at(c, e->approved_seq);
        if (g) {
            check_grant_approval(c, e, ev, g);
            return;
        }
        if (!d) {
            problem(c, ev, "approves event %lld, which records no run or settlement",
                    (long long)e->approved_seq);
            return;
        }
        if (!e->approved_hash || strcmp(e->approved_hash, d->e->hash) ||
            !e->run_id || !d->e->run_id || strcmp(e->run_id, d->e->run_id) || !e->digest ||
            !d->digest || strcmp(e->digest, d->digest))
            problem(c, ev, "does not name event %lld as it was recorded (hash, run or digest)",
                    (long long)e->approved_seq);
        if (!d->e->operator_id)
            problem(c, ev, "approves event %lld, which no operator signed", (long long)d->e->seq);
        else if (same_id(d->e->operator_id, e->operator_id))
            problem(c, ev, "approved by %s, who drafted it (event %lld): the approver of a run "
                    "is never its drafter", e->operator_id, (long long)d->e->seq);
        if (d->approved)
            problem(c, ev, "event %lld was approved before (event %lld)", (long long)d->e->seq,
                    (long long)d->approved->seq);
        else
            d->approved = e;
        return;
    }
    if (!strcmp(e->action, "transfer")) {
        drafted *d = drafted_of(c, e);
        if (!d) {
            problem(c, ev, "a transfer file of run %s, which the ledger does not record",
                    e->run_id ? e->run_id : "?");
            return;
        }
        d->paid = e;
        if (!d->approved)
            problem(c, ev, "a transfer file of run %s before its approval (決裁)", e->run_id);
        if (d->e->operator_id && same_id(d->e->operator_id, e->operator_id))
            problem(c, ev, "made by %s, who drafted run %s", e->operator_id, e->run_id);
        if (d->approved && d->approved->operator_id &&
            same_id(d->approved->operator_id, e->operator_id))
            problem(c, ev, "made by %s, who approved run %s", e->operator_id, e->run_id);
    }
}

/* An unsigned approval or transfer still takes its place among its run's
 * steps (the 決裁 sheet shows a transfer file made before any operators
 * file as the run's 振込, unsigned); nothing of the separation is checked
 * for it: there is no signer to keep apart. */
static void link_unsigned(check *c, const ledger_signed *e)
{
    if (!strcmp(e->action, "approve")) {
        drafted *d = drafted_at(c, e->approved_seq);
        if (d && !d->approved)
            d->approved = e;
    } else if (!strcmp(e->action, "transfer")) {
        drafted *d = drafted_of(c, e);
        if (d)
            d->paid = e;
    }
}

static const rule_operators *known_in_force(const check *c, date_t day, int64_t seq);

static void step_of(check *c, audit_sig_step *st, const ledger_signed *e)
{
    memset(st, 0, sizeof *st);
    if (!e)
        return;
    st->seq = e->seq;
    st->time = e->time;
    st->operator_id = e->operator_id ? e->operator_id : e->actor;
    st->key = e->key;
    st->is_signed = e->operator_id != NULL;
    if (!st->is_signed)
        st->note = known_in_force(c, day_of(e->time), e->seq)
                       ? "unsigned" : "unsigned: no operators file in force";
    const rule_operator *op =
        e->operator_id ? rules_operator_at(c->ops, e->operator_id, day_of(e->time)) : NULL;
    st->name = op ? op->name : NULL;
    st->post = op ? op->post : NULL;
}

/* The operators version in force on day that the ledger already held at
 * event seq (archived with a run, or named by a signed event, up to it): an
 * unsigned money event then ignored it.  A file adopted later with an
 * earlier effective_from does not make older unsigned events wrong. */
static const rule_operators *known_in_force(const check *c, date_t day, int64_t seq)
{
    const rule_operators *v = rules_operators_in_force(c->ops, day);
    if (!v)
        return NULL;
    size_t i = (size_t)(v->file - c->ops->files);
    return i < c->ops->n_files && c->first_seq[i] <= seq ? v : NULL;
}

static void one_event(check *c, const ledger_signed *e, audit_sig_event *ev)
{
    *ev = (audit_sig_event){e->seq, e->time, e->action, e->operator_id, e->role, e->key, e->via,
                           AUDIT_SIG_OK, "verified"};
    date_t day = day_of(e->time);
    const rule_operators *v = known_in_force(c, day, e->seq);
    bool money = ledger_action_role(e->action) != 0;
    if (is_drafted(e->action)) {
        drafted *d = &c->d[c->n_d++];
        *d = (drafted){e, NULL, NULL, NULL, 0};
        if (!strcmp(e->action, "settle") || !strcmp(e->action, "settle_supersede")) {
            char dg[SHA256_HEX_LEN + 1];
            ledger_settlement_digest(e->payload, dg);
            d->digest = arena_strdup(c->a, dg);
        } else {
            d->digest = e->payments_sha256;
        }
    }
    if (is_grant(e->action))
        c->g[c->n_g++] = (drafted){e, NULL, NULL, NULL, 0};
    if (!e->signature && !e->has_signer) {
        c->out->n_unsigned++;
        ev->operator_id = NULL;
        if (money && v) {
            char iso[11];
            date_format_iso(day, iso);
            problem(c, ev, "an unsigned '%s' while operators file %s (version %s) was in force "
                    "on %s: once an operators file is in force, money events are signed "
                    "(signature removed?)", e->action, v->file->name, v->version, iso);
        } else {
            ev->result = AUDIT_SIG_UNSIGNED;
            ev->text = v ? "unsigned" : "unsigned: no operators file in force";
        }
        link_unsigned(c, e);
        return;
    }
    c->out->n_signed++;
    const rule_operator *op;
    check_signature(c, e, ev, day, &op);
    if (e->role)
        check_role(c, e, ev, op, day);
    check_separation(c, e, ev);
}

/* What a grant event is, in the words of the 決裁 sheet. */
static const char *grant_label(check *c, const ledger_signed *e)
{
    if (!strcmp(e->action, "decide"))
        return "交付決定";
    if (!strcmp(e->action, "decide_amend"))
        return arena_printf(c->a, "変更交付決定 %s", e->nursery_id ? e->nursery_id : "");
    budget_amend_kind k;
    return arena_printf(c->a, "予算の%s", e->kind && budget_amend_kind_parse(e->kind, &k)
                                              ? budget_amend_kind_name(k) : "補正等");
}

static int cmp_run_seq(const void *a, const void *b)
{
    int64_t x = ((const audit_sig_run *)a)->drafted.seq, y = ((const audit_sig_run *)b)->drafted.seq;
    return (x > y) - (x < y);
}

static void collect_runs(check *c)
{
    flow_signatures *out = c->out;
    out->runs = arena_calloc(c->a, c->n_d + c->n_g + 1, sizeof *out->runs);
    for (size_t i = 0; i < c->n_d; i++) {
        const drafted *d = &c->d[i];
        audit_sig_run *r = &out->runs[out->n_runs++];
        r->month = d->e->month;
        r->fiscal_year = d->e->fiscal_year;
        r->run_id = d->e->run_id;
        r->current = true;
        for (size_t k = i + 1; k < c->n_d; k++) {
            const ledger_signed *x = c->d[k].e;
            if (d->e->month ? x->month && !strcmp(x->month, d->e->month)
                            : !x->month && x->fiscal_year == d->e->fiscal_year)
                r->current = false;
        }
        step_of(c, &r->drafted, d->e);
        step_of(c, &r->approved, d->approved);
        step_of(c, &r->paid, d->paid);
    }
    for (size_t i = 0; i < c->n_g; i++) { /* approved like a run, never paid by a file */
        const drafted *g = &c->g[i];
        audit_sig_run *r = &out->runs[out->n_runs++];
        r->grant = grant_label(c, g->e);
        r->fiscal_year = g->e->fiscal_year;
        r->run_id = g->e->run_id;
        r->current = true;
        step_of(c, &r->drafted, g->e);
        step_of(c, &r->approved, g->approved);
    }
    qsort(out->runs, out->n_runs, sizeof *out->runs, cmp_run_seq); /* in event order */
}

int flow_signatures_verify(ledger *lg, arena *a, flow_signatures *out, flow_notes *notes)
{
    memset(out, 0, sizeof *out);
    ledger_signed *ev;
    size_t n;
    if (ledger_signed_events(lg, a, &ev, &n) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return -1;
    }
    rule_set ops;
    diag_list d = DIAG_LIST_INIT;
    const int64_t *first_seq;
    if (flow_ledger_operators(lg, &ops, &d, &out->n_operators_files, &first_seq) != 0) {
        diag_release(&d);
        rules_free(&ops);
        flow_say(notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return -1;
    }
    check c = {&ops, first_seq, out, notes, a, arena_calloc(a, n + 1, sizeof *c.d), 0,
               arena_calloc(a, n + 1, sizeof *c.g), 0, diag_count(&d) > 0};
    for (size_t i = 0; i < d.n; i++) { /* operators files that do not load: a problem each */
        out->problems++;
        flow_say(notes, FLOW_NOTE_RESULT, "%s:%d:%d: %s (an operators file the ledger holds)",
                 d.v[i].file, d.v[i].line, d.v[i].col, d.v[i].msg);
    }
    diag_release(&d);
    out->events = arena_calloc(a, n + 1, sizeof *out->events);
    out->n_events = n;
    for (size_t i = 0; i < n; i++)
        one_event(&c, &ev[i], &out->events[i]);
    collect_runs(&c);
    /* the names in the runs' steps point into ops: copy them */
    for (size_t i = 0; i < out->n_runs; i++) {
        audit_sig_step *st[3] = {&out->runs[i].drafted, &out->runs[i].approved, &out->runs[i].paid};
        for (int k = 0; k < 3; k++) {
            st[k]->name = st[k]->name ? arena_strdup(a, st[k]->name) : NULL;
            st[k]->post = st[k]->post ? arena_strdup(a, st[k]->post) : NULL;
        }
    }
    rules_free(&ops);
    return out->problems;
}
