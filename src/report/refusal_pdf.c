/* refusal_pdf: the 不支給決定通知書 of a nursery that claimed in a month and
 * of whose lines none was paid (issue 22: every nursery that claimed gets a
 * document) — each line with the reason, cited as the nursery wrote it
 * (児童・職員番号, the form row), and the 教示.  Which nurseries: those of
 * the registry, of the kind the terms pay, with rejected lines, not among
 * the month's computed nurseries and not among a correction's (they get a
 * corrected statement).  A ward-run nursery (区立) or an id not in the
 * registry gets nothing: the section sees them in 不支給 of payments.xlsx.
 * Written as DIR/statements/ID.pdf: one document per nursery that claimed.
 * Not here: the statements of paid nurseries (statement_pdf.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corrections.h"
#include "formats.h"
#include "kasan/report.h"
#include "letter.h"

int report_refusal_pdf(const month_run *run, const nursery *n, const run_meta *meta,
                       const char *doc_number, const char *path, char *err, size_t errsz)
{
    char ml[64], titles[384] = "", title[512], sub[96], opening[768], footer[160];
    fmt_month_wareki(run->month, ml, sizeof ml);
    for (size_t p = 0; p < run->n_programs; p++) {
        size_t len = strlen(titles);
        snprintf(titles + len, sizeof titles - len, "%s%s", p ? "・" : "", run->programs[p]->title);
    }
    snprintf(title, sizeof title, "%s 不支給決定通知書", titles);
    snprintf(sub, sizeof sub, "（%s分）", ml);
    snprintf(opening, sizeof opening,
             "%s分の%sとして届け出のあった下記の児童・職員については、それぞれ記載の理由により"
             "支給しないことと決定したので通知します。",
             ml, titles);
    snprintf(footer, sizeof footer, "%s　%s分 不支給決定通知書", n->id, ml);
    pdf_doc *d = pdf_new(footer, meta->finalized ? NULL : "試　算");
    if (!d) {
        snprintf(err, errsz, "%s: out of memory", path);
        return -1;
    }
    letter lt = {.issuer = fmt_issuer(run->rules, meta->issue_date), .doc_number = doc_number,
                 .date = meta->issue_date, .nursery_id = n->id, .operator_name = n->operator_name,
                 .nursery_name = n->name, .title = title, .subtitle = sub, .opening = opening,
                 .draft = !meta->finalized};
    letter_head(d, &lt);
    pdf_section(d, "1　支給しない届出と理由");
    report_rejection_table(d, run, n->id);
    pdf_text(d, PDF_SMALL, PDF_LEFT, 0,
             "請求の箇所は、届け出た請求書様式のシートと行（様式によらない届出は届出データの行）"
             "です。内容に誤りがある場合は、訂正した請求書を提出してください。");
    char small[160];
    snprintf(small, sizeof small, "実行ID %s", meta->run_id ? meta->run_id : "");
    letter_close(d, &lt, true, small);
    char date[32];
    letter_pdf_date(meta->issue_date, date);
    pdf_info info = {title, date};
    return pdf_write(d, &info, path, err, errsz);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Whether id is among the month's computed nurseries (sorted by id). */
static bool computed(const month_run *run, const char *id)
{
    size_t lo = 0, hi = run->n_nurseries;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(run->nurseries[mid].nursery->id, id);
        if (c == 0)
            return true;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

size_t report_refused_nurseries(const month_run *run, const run_meta *meta, const nursery **out)
{
    size_t n = 0;
    const char **ids = malloc((run->n_rejections + 1) * sizeof *ids);
    if (!ids)
        return 0;
    for (size_t i = 0; i < run->n_rejections; i++)
        if (run->rejections[i].nursery_id)
            ids[n++] = run->rejections[i].nursery_id;
    qsort(ids, n, sizeof *ids, cmp_str);
    const char *paid = run->terms ? run->terms->eligible_kind : NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && !strcmp(ids[i], ids[i - 1]))
            continue;
        const nursery *reg = fmt_nursery_find(run, ids[i]);
        size_t first;
        if (!reg || !reg->kind || !paid || strcmp(reg->kind, paid) || computed(run, ids[i]) ||
            corr_nursery_rows(meta->correction, ids[i], &first) > 0)
            continue;
        if (out)
            out[k] = reg;
        k++;
    }
    free(ids);
    return k;
}

int report_refusal_notices(const month_run *run, const run_meta *meta, const char *dir,
                           char *err, size_t errsz)
{
    size_t n = meta->correction ? 0 : report_refused_nurseries(run, meta, NULL);
    if (!n) /* a correction sends no unchanged refusal again (report_documents) */
        return 0;
    const nursery **v = malloc(n * sizeof *v);
    if (!v) {
        snprintf(err, errsz, "%s/statements: out of memory", dir);
        return -1;
    }
    report_refused_nurseries(run, meta, v);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char path[4096], file[1024];
        report_document_file(meta, v[i]->id, "pdf", file, sizeof file);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        rc = report_refusal_pdf(run, v[i], meta, report_docno_of(meta, v[i]->id), path, err,
                                errsz);
    }
    free(v);
    return rc;
}
