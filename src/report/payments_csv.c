/* payments_csv: the machine-readable outputs of SPEC 4 — payments.csv and
 * rejections.csv, and a correction's corrections.csv (SPEC 6.1) (UTF-8, LF,
 * RFC 4180 quoting where a field needs it). */
#include <errno.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/report.h"
#include "kasan/strbuf.h"

static void csv_put(strbuf *sb, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        sb_adds(sb, s);
        return;
    }
    sb_addc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            sb_addc(sb, '"');
        sb_addc(sb, *s);
    }
    sb_addc(sb, '"');
}

/* A decimal integer; sb_addf's printf machinery was a tenth of a dense
 * national year's time for these two tiny formats. */
static void put_int(strbuf *sb, long long v)
{
    char buf[24], *p = buf + sizeof buf;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    sb_add(sb, p, (size_t)(buf + sizeof buf - p));
}

static int write_out(strbuf *sb, const char *path, char *err, size_t errsz)
{
    int rc = fs_write_atomic(path, sb->buf, sb->len);
    if (rc != 0)
        snprintf(err, errsz, "cannot write %s: %s", path, strerror(errno));
    sb_release(sb);
    return rc;
}

int report_payments_csv(const month_run *run, const char *path, char *err, size_t errsz)
{
    strbuf sb;
    sb_init(&sb);
    sb_grow(&sb, 64 * (engine_payment_count(run) + 1));
    sb_adds(&sb, "month,nursery_id,program,rule_version,amount_yen\n");
    char mon[8];
    month_format(run->month, mon);
    for (payment_row r = {0}; engine_payment_next(run, &r);) {
        sb_add(&sb, mon, 7);
        sb_addc(&sb, ',');
        csv_put(&sb, r.nursery_id);
        sb_addc(&sb, ',');
        csv_put(&sb, r.program_id);
        sb_addc(&sb, ',');
        csv_put(&sb, r.rule_version);
        sb_addc(&sb, ',');
        put_int(&sb, (long long)r.amount);
        sb_addc(&sb, '\n');
    }
    return write_out(&sb, path, err, errsz);
}

int report_rejections_csv(const month_run *run, const char *path, char *err, size_t errsz)
{
    strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, "month,file,line,nursery_id,ref,reason_code,reason\n");
    char mon[8];
    month_format(run->month, mon);
    for (size_t i = 0; i < run->n_rejections; i++) {
        const rejection *r = &run->rejections[i];
        sb_add(&sb, mon, 7);
        sb_addc(&sb, ',');
        csv_put(&sb, r->file);
        sb_addc(&sb, ',');
        put_int(&sb, r->line);
        sb_addc(&sb, ',');
        csv_put(&sb, r->nursery_id);
        sb_addc(&sb, ',');
        csv_put(&sb, r->ref);
        sb_addc(&sb, ',');
        csv_put(&sb, r->code);
        sb_addc(&sb, ',');
        csv_put(&sb, r->reason);
        sb_addc(&sb, '\n');
    }
    return write_out(&sb, path, err, errsz);
}

int report_corrections_csv(const month_run *run, const run_correction *c, const char *path,
                           char *err, size_t errsz)
{
    strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, "month,nursery_id,program,paid_yen,corrected_yen,difference_yen\n");
    char mon[8];
    month_format(run->month, mon);
    for (size_t i = 0; i < c->n; i++) {
        const ledger_correction *r = &c->rows[i];
        sb_add(&sb, mon, 7);
        sb_addc(&sb, ',');
        csv_put(&sb, r->nursery_id);
        sb_addc(&sb, ',');
        csv_put(&sb, r->program);
        sb_addc(&sb, ',');
        put_int(&sb, (long long)r->paid_yen);
        sb_addc(&sb, ',');
        put_int(&sb, (long long)r->corrected_yen);
        sb_addc(&sb, ',');
        put_int(&sb, (long long)r->difference_yen);
        sb_addc(&sb, '\n');
    }
    return write_out(&sb, path, err, errsz);
}
