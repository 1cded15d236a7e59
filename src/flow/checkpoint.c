/* checkpoint: the auditor's signed checkpoint of the chain head (kasan audit
 * checkpoint, audit verify --checkpoint) — a small text file to keep
 * outside the ledger, in the manner of a transparency log's checkpoint:
 * the last event's number and hash and the time, signed by an operator
 * with the audit role (sign.h's design note, context "checkpoint").
 * Whoever later rewrites the log, even re-hashing every event, cannot make
 * it extend a checkpoint they did not sign.  The auditor never writes the
 * ledger: a refused checkpoint is said, not recorded.  Not here: the
 * format's description (include/kasan/flow_sign.h), who the operator is
 * (signer.c), the event hashes (src/ledger/chain.c). */
#include "flow_int.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kasan/clock.h"
#include "kasan/flow_sign.h"
#include "kasan/fsutil.h"

enum { CHECKPOINT_MAX = 1024 };

/* The signed lines: everything above "signature ". */
static void signed_text(char *out, size_t cap, int64_t seq, const char *hash, const char *time,
                        const char *op, const char *key)
{
    snprintf(out, cap, "kasan checkpoint\nseq %lld\nhash %s\ntime %s\noperator %s\nkey %s\n",
             (long long)seq, hash, time, op, key);
}

/* Written once: O_EXCL, synced; nothing left on failure. */
static int write_new(const char *path, const char *text, flow_notes *notes)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot write %s: %s%s", path, strerror(errno),
                 errno == EEXIST ? " (a checkpoint is never overwritten)" : "");
        return errno == EEXIST ? EXIT_REFUSED : EXIT_INTERNAL;
    }
    size_t len = strlen(text);
    bool ok = write(fd, text, len) == (ssize_t)len && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(path);
        flow_say(notes, FLOW_NOTE_SAY, "cannot write %s: %s", path, strerror(e));
        return EXIT_INTERNAL;
    }
    return EXIT_OK;
}

static int checkpoint_in(const flow_checkpoint_req *rq, const flow_signer *s, ledger *lg,
                         flow_checkpoint_res *res)
{
    if (ledger_head(lg, &res->seq, res->hash, res->time) != LEDGER_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    if (!res->seq) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "the ledger has no event yet: nothing to "
                 "checkpoint");
        return EXIT_USAGE;
    }
    clock_now_iso(res->time); /* when the auditor attests the head */
    sign_public pub;
    char fp[SIGN_FP_LEN + 1], text[CHECKPOINT_MAX], sig_text[SIGN_SIG_TEXT_LEN + 1];
    sign_key_public(s->ls.key, &pub);
    sign_fingerprint(&pub, fp);
    signed_text(text, sizeof text, res->seq, res->hash, res->time, s->op->id, fp);
    uint8_t sig[SIGN_SIG_BYTES];
    if (sign_bytes(s->ls.key, "checkpoint", text, strlen(text), sig) != SIGN_OK) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "libcrypto could not sign the checkpoint");
        return EXIT_INTERNAL;
    }
    assert(sign_verify(&pub, "checkpoint", text, strlen(text), sig));
    sign_sig_text(sig, sig_text);
    size_t n = strlen(text);
    snprintf(text + n, sizeof text - n, "signature %s\n", sig_text);
    res->path = rq->to ? arena_strdup(&res->a, rq->to)
                       : arena_printf(&res->a, "%s/checkpoint-%lld.txt", rq->paths.out,
                                      (long long)res->seq);
    return write_new(res->path, text, &res->notes);
}

int flow_checkpoint(const flow_checkpoint_req *rq, flow_checkpoint_res *res)
{
    memset(res, 0, sizeof *res);
    rule_set ops;
    flow_signer s;
    int rc = flow_load_operators(rq->paths.rules, &ops, &res->notes);
    if (rc == EXIT_OK)
        rc = flow_signer_begin(&ops, &rq->actor, DUTY_CHECKPOINT, &s, &res->notes);
    if (rc == EXIT_OK && !s.active) {
        flow_say(&res->notes, FLOW_NOTE_SAY, "no operators file (kind: operators) is in force "
                 "in %s: a checkpoint is signed by an operator with the audit role", rq->paths.rules);
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK && !(s.op->roles & DUTY_AUDIT)) {
        char why[512];
        duty_request dr = {DUTY_CHECKPOINT, s.op->id, s.op->roles, NULL, NULL};
        duty_check(&dr, why, sizeof why);
        flow_say(&res->notes, FLOW_NOTE_SAY, "%s (%s); nothing was written", why,
                 s.version->file->name);
        rc = EXIT_REFUSED;
    }
    ledger *lg = NULL;
    if (rc == EXIT_OK)
        rc = flow_open_ledger(&rq->paths, &lg, &res->notes);
    if (rc == EXIT_OK)
        rc = checkpoint_in(rq, &s, lg, res);
    ledger_close(lg);
    rules_free(&ops);
    return rc;
}

void flow_checkpoint_free(flow_checkpoint_res *res)
{
    flow_notes_free(&res->notes);
    arena_release(&res->a);
    memset(res, 0, sizeof *res);
}

/* ---- verification ------------------------------------------------------------- */

typedef struct parsed {
    int64_t seq;
    char hash[SHA256_HEX_LEN + 1], time[32], op[DUTY_ID_MAX + 1], key[SIGN_FP_LEN + 1];
    char sig[SIGN_SIG_TEXT_LEN + 1];
} parsed;

static bool hex64(const char *s)
{
    if (strlen(s) != SHA256_HEX_LEN)
        return false;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return false;
    return true;
}

/* "NAME VALUE" as line k of text, VALUE at most cap - 1 bytes. */
static bool field(char **text, const char *name, char *out, size_t cap)
{
    size_t n = strlen(name);
    char *nl = strchr(*text, '\n');
    if (!nl || strncmp(*text, name, n) || (*text)[n] != ' ')
        return false;
    size_t len = (size_t)(nl - (*text + n + 1));
    if (len == 0 || len >= cap)
        return false;
    memcpy(out, *text + n + 1, len);
    out[len] = '\0';
    *text = nl + 1;
    return true;
}

/* Strict: the seven lines exactly as flow_checkpoint writes them. */
static bool parse(char *text, parsed *p, size_t *signed_len)
{
    char *t = text, seq[24];
    if (strncmp(t, "kasan checkpoint\n", 17))
        return false;
    t += 17;
    if (!field(&t, "seq", seq, sizeof seq) || !field(&t, "hash", p->hash, sizeof p->hash) ||
        !field(&t, "time", p->time, sizeof p->time) || !field(&t, "operator", p->op, sizeof p->op) ||
        !field(&t, "key", p->key, sizeof p->key))
        return false;
    *signed_len = (size_t)(t - text);
    if (!field(&t, "signature", p->sig, sizeof p->sig) || *t)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(seq, &end, 10);
    p->seq = v;
    date_t d;
    return !errno && !*end && v > 0 && seq[0] != '0' && hex64(p->hash) &&
           strlen(p->time) >= 10 && date_parse_iso(p->time, 10, &d) && duty_id_valid(p->op);
}

__attribute__((format(printf, 4, 5)))
static void cp_problem(flow_notes *notes, int *n, const char *path, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    ++*n;
    flow_say(notes, FLOW_NOTE_RESULT, "checkpoint %s: %s", path, why);
}

int flow_checkpoint_verify(ledger *lg, const char *path, flow_notes *notes)
{
    char *data = NULL;
    size_t len = 0;
    int problems = 0;
    if (fs_read_file(path, &data, &len) != 0) {
        cp_problem(notes, &problems, path, "cannot read it: %s", fs_strerror(errno));
        return problems;
    }
    parsed p;
    size_t signed_len = 0;
    if (len > CHECKPOINT_MAX || memchr(data, '\0', len) || !parse(data, &p, &signed_len)) {
        cp_problem(notes, &problems, path, "not a kasan checkpoint (seven lines: kasan "
                   "checkpoint, seq, hash, time, operator, key, signature)");
        free(data);
        return problems;
    }
    rule_set ops;
    diag_list d = DIAG_LIST_INIT;
    if (flow_ledger_operators(lg, &ops, &d, NULL, NULL) != 0) {
        diag_release(&d);
        free(data);
        return -1;
    }
    diag_release(&d); /* the operators files' problems are flow_signatures_verify's to say */
    date_t day;
    date_parse_iso(p.time, 10, &day);
    const rule_operator *op = rules_operator_at(&ops, p.op, day);
    uint8_t sig[SIGN_SIG_BYTES];
    if (!op)
        cp_problem(notes, &problems, path, "operator %s was not in force on %.10s in the "
                   "operators files the ledger holds", p.op, p.time);
    else if (strcmp(op->fingerprint, p.key))
        cp_problem(notes, &problems, path, "signed as key %s, but operator %s's key in force on "
                   "%.10s is %s", p.key, p.op, p.time, op->fingerprint);
    else if (!sign_sig_parse(p.sig, sig) ||
             !sign_verify(&op->key, "checkpoint", data, signed_len, sig))
        cp_problem(notes, &problems, path, "the signature does not verify under operator %s's "
                   "key %s (the checkpoint was altered)", p.op, op->fingerprint);
    else if (!(op->roles & DUTY_AUDIT))
        cp_problem(notes, &problems, path, "operator %s did not hold the audit role (監査) on "
                   "%.10s", p.op, p.time);
    rules_free(&ops);
    /* the ledger still extends it: its event seq has the hash it had */
    ledger_anchor an = {p.seq, ""};
    snprintf(an.hash, sizeof an.hash, "%s", p.hash);
    char *buf = NULL;
    size_t blen = 0;
    FILE *f = open_memstream(&buf, &blen);
    int anchored = f ? ledger_verify_anchors(lg, &an, 1, f) : -1;
    if (f)
        fclose(f);
    if (anchored > 0) {
        buf[strcspn(buf, "\n")] = '\0';
        cp_problem(notes, &problems, path, "the ledger does not extend it: %s", buf);
    }
    free(buf);
    free(data);
    if (anchored < 0)
        return -1;
    if (!problems)
        flow_say(notes, FLOW_NOTE_RESULT, "checkpoint %s: event %lld with hash %s, signed by %s "
                 "(%s) at %s: the ledger extends it", path, (long long)p.seq, p.hash, p.op,
                 p.key, p.time);
    return problems;
}
