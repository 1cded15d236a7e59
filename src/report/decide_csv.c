/* decide_csv: decisions.csv and the rejected planned lines' rejections.csv of
 * a grant decision (formats in include/kasan/report_decide.h).  Ids are
 * [A-Z0-9-] and program ids [a-z0-9_]: nothing to quote in decisions.csv;
 * rejections carry input text (refs, file names), quoted as RFC 4180 asks.
 * Not here: the monthly payments.csv and rejections.csv (payments_csv.c,
 * whose quoting this file's put_field repeats for one column set). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/report_decide.h"
#include "kasan/strbuf.h"

static int write_out(strbuf *sb, const char *path, char *err, size_t errsz)
{
    int rc = fs_write_atomic(path, sb->buf, sb->len);
    if (rc != 0)
        snprintf(err, errsz, "cannot write %s: %s", path, strerror(errno));
    sb_release(sb);
    return rc;
}

int report_decisions_csv(const decision *dec, const char *path, char *err, size_t errsz)
{
    strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, "fiscal_year,nursery_id,program,month,rule_version,decided_yen\n");
    for (size_t i = 0; i < dec->n_rows; i++) {
        const decide_row *r = &dec->rows[i];
        for (int m = 0; m < DECIDE_MONTHS; m++) {
            if (r->month[m] <= 0)
                continue;
            char mon[8];
            month_format(month_of_fiscal(dec->fiscal_year, m), mon);
            sb_addf(&sb, "%d,%s,%s,%s,%s,%lld\n", dec->fiscal_year, r->nursery_id,
                    r->program_id, mon, r->rule[m]->version, (long long)r->month[m]);
        }
    }
    return write_out(&sb, path, err, errsz);
}

/* s as one CSV field: quoted when it holds a comma, a quote or a line break. */
static void put_field(strbuf *sb, const char *s)
{
    if (!s)
        return;
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

int report_decide_rejections_csv(const decision *dec, const char *path, char *err, size_t errsz)
{
    strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, "month,file,line,nursery_id,ref,reason_code,reason\n");
    for (size_t i = 0; i < dec->n_rejections; i++) {
        const decide_rejection *k = &dec->rejections[i];
        char mon[8];
        month_format(k->month, mon);
        sb_addf(&sb, "%s,", mon);
        put_field(&sb, k->r.file);
        sb_addf(&sb, ",%d,", k->r.line);
        put_field(&sb, k->r.nursery_id);
        sb_addc(&sb, ',');
        put_field(&sb, k->r.ref);
        sb_addc(&sb, ',');
        put_field(&sb, k->r.code);
        sb_addc(&sb, ',');
        put_field(&sb, k->r.reason);
        sb_addc(&sb, '\n');
    }
    return write_out(&sb, path, err, errsz);
}
