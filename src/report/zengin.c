/* zengin: the 全銀協 総合振込 record layout, field by field (SPEC section 7).
 * First every input is checked and every name converted (bank_name); only when
 * nothing is wrong are the four record types laid out.  Not here: choosing
 * who is paid or how much (ledger, command), writing the file (fsutil). */
#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kasan/zengin.h"

enum { NAME_BANK = ZENGIN_BANK_NAME, NAME_HOLDER = ZENGIN_HOLDER_NAME,
       NAME_REQUESTER = ZENGIN_REQUESTER_NAME };
#define AMOUNT_MAX INT64_C(9999999999)    /* 振込金額: 10 digits */
#define TOTAL_MAX INT64_C(999999999999)   /* 合計金額: 12 digits */
#define COUNT_MAX INT64_C(999999)         /* 合計件数: 6 digits */

/* Converted names of one record, in CP932 bytes. */
typedef struct zengin_names {
    char bank[NAME_REQUESTER + 1], branch[NAME_BANK + 1], holder[NAME_REQUESTER + 1];
} zengin_names;

typedef struct checker {
    diag_list *d;
    const char *source;
    const char *who;      /* "payer" or "nursery P001" */
    size_t errors;
} checker;

static void cerr(checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cerr(checker *c, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    diag_error(c->d, c->source, 0, 0, "%s: %s", c->who, msg);
    c->errors++;
}

static bool blank(const char *s) { return !s || !*s; }

/* A code of exactly `width` digits, required. */
static void check_code(checker *c, const char *col, const char *v, size_t width)
{
    if (blank(v))
        cerr(c, "%s is missing", col);
    else if (!bank_digits(v, width, width))
        cerr(c, "%s '%s' must be %zu digits", col, v, width);
}

static void check_digits(checker *c, const char *col, const char *v, size_t max, bool required)
{
    if (blank(v)) {
        if (required)
            cerr(c, "%s is missing", col);
    } else if (!bank_digits(v, 1, max)) {
        cerr(c, "%s '%s' must be 1–%zu digits", col, v, max);
    }
}

static void check_account_type(checker *c, const char *col, zengin_account_type t)
{
    if (t != ZENGIN_ORDINARY && t != ZENGIN_CURRENT)
        cerr(c, "%s must be ordinary (普通) or current (当座)", col);
}

/* Converts a name into out (≤ width bytes + NUL); reports what is wrong. */
static void convert_name(checker *c, const char *col, const char *v, size_t width, bool required,
                         char *out)
{
    out[0] = '\0';
    if (blank(v)) {
        if (required)
            cerr(c, "%s is missing", col);
        return;
    }
    strbuf sb;
    sb_init(&sb);
    char why[200];
    bank_name_status st = bank_name(v, width, &sb, why, sizeof why);
    if (st == BANK_NAME_BAD) {
        cerr(c, "%s '%s': %s", col, v, why);
    } else if (st == BANK_NAME_LONG) {
        cerr(c, "%s '%s' is %zu characters once converted; the field holds %zu (abbreviate it "
             "as the bank does, e.g. ﾌｸ) for 社会福祉法人)", col, v, sb.len, width);
    } else {
        memcpy(out, sb.buf, sb.len + 1);
    }
    sb_release(&sb);
}

static void check_payer(checker *c, const zengin_payer *p, zengin_names *nm)
{
    check_code(c, "requester_code", p->requester_code, 10);
    convert_name(c, "requester_name", p->requester_name, NAME_REQUESTER, true, nm->holder);
    check_code(c, "bank_code", p->bank_code, 4);
    convert_name(c, "bank_name", p->bank_name, NAME_BANK, true, nm->bank);
    check_code(c, "branch_code", p->branch_code, 3);
    convert_name(c, "branch_name", p->branch_name, NAME_BANK, true, nm->branch);
    check_account_type(c, "account_type", p->account_type);
    check_digits(c, "account_number", p->account_number, 7, true);
    int y, m, d;
    date_to_ymd(p->transfer_date, &y, &m, &d);
    if (!date_valid_ymd(y, m, d))
        cerr(c, "the transfer date is not a real date");
}

static void check_transfer(checker *c, const zengin_transfer *t, zengin_names *nm)
{
    check_code(c, "bank_code", t->bank_code, 4);
    convert_name(c, "bank_name_kana", t->bank_name, NAME_BANK, false, nm->bank);
    check_code(c, "branch_code", t->branch_code, 3);
    convert_name(c, "branch_name_kana", t->branch_name, NAME_BANK, false, nm->branch);
    check_account_type(c, "account_type", t->account_type);
    check_digits(c, "account_number", t->account_number, 7, true);
    convert_name(c, "account_holder", t->holder, NAME_HOLDER, true, nm->holder);
    if (t->amount <= 0)
        cerr(c, "amount %lld yen must be above zero", (long long)t->amount);
    else if (t->amount > AMOUNT_MAX)
        cerr(c, "amount %lld yen does not fit the 10 digits of 振込金額", (long long)t->amount);
    check_digits(c, "customer code 1", t->customer_code1, 10, false);
    check_digits(c, "customer code 2", t->customer_code2, 10, false);
}

/* Checks the whole file; fills names[0] (payer) and names[1 + i]. */
static size_t check_all(const zengin_file *f, zengin_names *names, zengin_totals *tot, diag_list *d)
{
    checker c = {.d = d, .source = f->payer_source ? f->payer_source : "payer", .who = "payer"};
    check_payer(&c, f->payer, &names[0]);
    size_t errors = c.errors;
    c.source = f->source ? f->source : "transfers";
    *tot = (zengin_totals){0, 0};
    bool total_ok = true;
    for (size_t i = 0; i < f->n; i++) {
        const zengin_transfer *t = &f->transfers[i];
        char who[96];
        snprintf(who, sizeof who, "nursery %s", blank(t->id) ? "(no id)" : t->id);
        c.who = who;
        c.errors = 0;
        check_transfer(&c, t, &names[1 + i]);
        errors += c.errors;
        if (t->amount > 0 && __builtin_add_overflow(tot->amount, t->amount, &tot->amount))
            total_ok = false;
    }
    tot->count = (int64_t)f->n;
    c.who = "transfer file";
    c.errors = 0;
    if (f->n == 0)
        cerr(&c, "no transfers to write");
    if (tot->count > COUNT_MAX)
        cerr(&c, "%lld transfers do not fit the 6 digits of 合計件数", (long long)tot->count);
    if (!total_ok || tot->amount > TOTAL_MAX)
        cerr(&c, "the total does not fit the 12 digits of 合計金額");
    return errors + c.errors;
}

/* ---- layout: a record is filled left to right, field by field ---- */

typedef struct record {
    char b[ZENGIN_RECORD_LEN];
    size_t pos;
} record;

/* Numeric field: digits right-aligned, zero-filled (NULL = all zeros). */
static void put_num(record *r, size_t width, const char *digits)
{
    size_t n = digits ? strlen(digits) : 0;
    assert(n <= width && r->pos + width <= ZENGIN_RECORD_LEN);
    memset(r->b + r->pos, '0', width - n);
    memcpy(r->b + r->pos + width - n, digits ? digits : "", n);
    r->pos += width;
}

static void put_int(record *r, size_t width, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    put_num(r, width, buf);
}

/* Text field: bytes left-aligned, space-filled. */
static void put_text(record *r, size_t width, const char *s)
{
    size_t n = strlen(s);
    assert(n <= width && r->pos + width <= ZENGIN_RECORD_LEN);
    memcpy(r->b + r->pos, s, n);
    memset(r->b + r->pos + n, ' ', width - n);
    r->pos += width;
}

static void emit(record *r, strbuf *out)
{
    assert(r->pos == ZENGIN_RECORD_LEN);
    sb_add(out, r->b, ZENGIN_RECORD_LEN);
    sb_add(out, "\r\n", 2);
}

static void header_record(const zengin_payer *p, const zengin_names *nm, strbuf *out)
{
    record r = {.pos = 0};
    int y, m, d;
    char mmdd[5];
    date_to_ymd(p->transfer_date, &y, &m, &d);
    snprintf(mmdd, sizeof mmdd, "%02d%02d", m, d);
    put_num(&r, 1, "1");                 /* データ区分: header */
    put_num(&r, 2, "21");                /* 種別コード: 総合振込 */
    put_num(&r, 1, "0");                 /* コード区分: SJIS/JIS */
    put_num(&r, 10, p->requester_code);  /* 依頼人コード */
    put_text(&r, 40, nm->holder);        /* 依頼人名 */
    put_num(&r, 4, mmdd);                /* 振込指定日 */
    put_num(&r, 4, p->bank_code);        /* 仕向銀行番号 */
    put_text(&r, 15, nm->bank);          /* 仕向銀行名 */
    put_num(&r, 3, p->branch_code);      /* 仕向支店番号 */
    put_text(&r, 15, nm->branch);        /* 仕向支店名 */
    put_int(&r, 1, p->account_type);     /* 預金種目 */
    put_num(&r, 7, p->account_number);   /* 口座番号 */
    put_text(&r, 17, "");                /* ダミー */
    emit(&r, out);
}

static void data_record(const zengin_transfer *t, const zengin_names *nm, strbuf *out)
{
    record r = {.pos = 0};
    put_num(&r, 1, "2");                 /* データ区分: data */
    put_num(&r, 4, t->bank_code);        /* 被仕向銀行番号 */
    put_text(&r, 15, nm->bank);          /* 被仕向銀行名 */
    put_num(&r, 3, t->branch_code);      /* 被仕向支店番号 */
    put_text(&r, 15, nm->branch);        /* 被仕向支店名 */
    put_num(&r, 4, "0000");              /* 手形交換所番号 */
    put_int(&r, 1, t->account_type);     /* 預金種目 */
    put_num(&r, 7, t->account_number);   /* 口座番号 */
    put_text(&r, 30, nm->holder);        /* 受取人名 */
    put_int(&r, 10, t->amount);          /* 振込金額 */
    put_num(&r, 1, "0");                 /* 新規コード: その他 */
    put_num(&r, 10, t->customer_code1);  /* 顧客コード1 */
    put_num(&r, 10, t->customer_code2);  /* 顧客コード2 */
    put_num(&r, 1, "7");                 /* 振込指定区分: 電信 */
    put_text(&r, 1, "");                 /* 識別表示: not EDI */
    put_text(&r, 7, "");                 /* ダミー */
    emit(&r, out);
}

static void trailer_and_end(const zengin_totals *tot, strbuf *out)
{
    record r = {.pos = 0};
    put_num(&r, 1, "8");                 /* データ区分: trailer */
    put_int(&r, 6, tot->count);          /* 合計件数 */
    put_int(&r, 12, tot->amount);        /* 合計金額 */
    put_text(&r, 101, "");               /* ダミー */
    emit(&r, out);
    record e = {.pos = 0};
    put_num(&e, 1, "9");                 /* データ区分: end */
    put_text(&e, 119, "");               /* ダミー */
    emit(&e, out);
}

int zengin_write(const zengin_file *f, strbuf *out, zengin_totals *tot, diag_list *d)
{
    assert(f->payer && (f->transfers || f->n == 0));
    zengin_names *names = calloc(f->n + 1, sizeof *names);
    if (!names)
        abort();
    zengin_totals t;
    if (check_all(f, names, &t, d) != 0) {
        free(names);
        return -1;
    }
    sb_grow(out, (f->n + 3) * (ZENGIN_RECORD_LEN + 2));
    header_record(f->payer, &names[0], out);
    for (size_t i = 0; i < f->n; i++)
        data_record(&f->transfers[i], &names[1 + i], out);
    trailer_and_end(&t, out);
    free(names);
    if (tot)
        *tot = t;
    return 0;
}

void zengin_customer_code(const char *id, char out[11])
{
    const char *p = id ? id : "";
    while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))
        p++;
    memset(out, '0', 10);
    out[10] = '\0';
    if (!bank_digits(p, 1, 10))
        return;
    size_t n = strlen(p);
    memcpy(out + 10 - n, p, n);
}
