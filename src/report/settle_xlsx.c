/* settle_xlsx: placeholder */
#include "kasan/report_settle.h"
#include "formats.h"
int report_settlement_xlsx(const settlement *s, const settle_meta *meta, const char *path,
                           char *err, size_t errsz)
{ (void)s; (void)meta; (void)path; (void)err; (void)errsz; return 0; }
int report_settle_notice_xlsx(const settlement *s, size_t first, size_t n, const settle_meta *meta,
                              const char *path, char *err, size_t errsz)
{ (void)s; (void)first; (void)n; (void)meta; (void)path; (void)err; (void)errsz; return 0; }
