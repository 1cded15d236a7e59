/* docnos: which documents a month's run sends, their file names and their
 * 文書番号 as flow gave them (include/kasan/report.h, report_documents).
 * One home for "who gets a document": the statement writers (jobs.c via
 * report_statement_sent, report_correction_statements,
 * report_refusal_notices) and the numbering (flow/month.c) ask here.  Not
 * here: the number's text (rules_issuer_number), recording it (ledger
 * documents.c), what a document says (statement_pdf.c, refusal_pdf.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corrections.h"
#include "formats.h"
#include "kasan/report.h"
#include "kasan/report_settle.h"

bool report_statement_sent(const run_meta *meta, const char *id)
{
    size_t first;
    return !meta->correction || corr_nursery_rows(meta->correction, id, &first) > 0;
}

static int cmp_doc(const void *a, const void *b)
{
    return strcmp(((const report_docno *)a)->nursery_id, ((const report_docno *)b)->nursery_id);
}

size_t report_documents(const month_run *run, const run_meta *meta, report_docno *out)
{
    size_t k = 0;
    for (size_t i = 0; i < run->n_nurseries; i++) {
        const char *id = run->nurseries[i].nursery->id;
        if (!report_statement_sent(meta, id))
            continue;
        if (out)
            out[k] = (report_docno){id, "statement", NULL};
        k++;
    }
    const run_correction *c = meta->correction;
    for (size_t i = 0; c && i < c->n; i++) { /* brought to 0: not computed */
        const char *id = c->rows[i].nursery_id;
        if (i > 0 && !strcmp(c->rows[i - 1].nursery_id, id))
            continue;
        bool computed = false;
        for (size_t j = 0; j < run->n_nurseries && !computed; j++)
            computed = !strcmp(run->nurseries[j].nursery->id, id);
        if (computed)
            continue;
        if (out)
            out[k] = (report_docno){id, "statement", NULL};
        k++;
    }
    if (!c) {
        size_t n = report_refused_nurseries(run, meta, NULL);
        const nursery **v = n && out ? malloc(n * sizeof *v) : NULL;
        if (n && out && !v)
            return (size_t)-1;
        if (v)
            report_refused_nurseries(run, meta, v);
        for (size_t i = 0; i < n; i++) {
            if (out && v)
                out[k] = (report_docno){v[i]->id, "refusal", NULL};
            k++;
        }
        free(v);
    }
    if (out)
        qsort(out, k, sizeof *out, cmp_doc);
    return k;
}

const char *report_docno_of(const run_meta *meta, const char *id)
{
    return report_docno_find(meta->docnos, meta->n_docnos, id);
}

const char *report_docno_find(const report_docno *v, size_t n, const char *id)
{
    size_t lo = 0, hi = v ? n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(v[mid].nursery_id, id);
        if (c == 0)
            return v[mid].number;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

void report_document_file(const run_meta *meta, const char *id, const char *ext, char *buf,
                          size_t size)
{
    if (meta->reissue >= 2)
        snprintf(buf, size, "statements/%s-%d.%s", id, meta->reissue, ext);
    else
        snprintf(buf, size, "statements/%s.%s", id, ext);
}

bool report_settle_notice_sent(const settlement *s, size_t first, size_t n)
{
    if (!s->supersedes)
        return true;
    for (size_t i = first; i < first + n; i++) { /* as settlement.xlsx's 修正差額 */
        const settle_row *r = &s->rows[i];
        if (!r->corrected || r->annual != r->prior_annual || r->difference != 0)
            return true;
    }
    return false;
}

void report_settle_notice_file(const settle_meta *meta, const char *id, const char *ext,
                               char *buf, size_t size)
{
    if (meta->reissue >= 2)
        snprintf(buf, size, "notices/%s-%d.%s", id, meta->reissue, ext);
    else
        snprintf(buf, size, "notices/%s.%s", id, ext);
}
