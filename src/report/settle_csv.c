/* settle_csv: settlement.csv (SPEC 6.2), UTF-8, LF, one row per settled
 * nursery × program: fiscal_year,nursery_id,program,rule_version,annual_yen,
 * paid_yen,difference_yen (difference = annual − paid; negative is 返還). */
#include <errno.h>
#include <string.h>

#include "kasan/fsutil.h"
#include "kasan/report_settle.h"
#include "kasan/strbuf.h"

int report_settlement_csv(const settlement *s, const char *path, char *err, size_t errsz)
{
    strbuf sb;
    sb_init(&sb);
    sb_adds(&sb, "fiscal_year,nursery_id,program,rule_version,annual_yen,paid_yen,"
                 "difference_yen\n");
    for (size_t i = 0; i < s->n_rows; i++) {
        const settle_row *r = &s->rows[i];
        /* ids are [A-Z0-9-] and program ids [a-z0-9_]: nothing to quote */
        sb_addf(&sb, "%d,%s,%s,%s,%lld,%lld,%lld\n", s->fiscal_year, r->nursery_id, r->rule->id,
                r->rule->version, (long long)r->annual, (long long)r->paid,
                (long long)r->difference);
    }
    int rc = fs_write_atomic(path, sb.buf, sb.len);
    if (rc != 0)
        snprintf(err, errsz, "cannot write %s: %s", path, strerror(errno));
    sb_release(&sb);
    return rc;
}
