/* docnos: the 文書番号 of a month's documents (issue 22) — given before the
 * documents are written (the next free numbers of the fiscal year, in
 * nursery-id order, over the documents src/report says the run sends),
 * hashed after (T1), recorded by the finalization (T2, ledger
 * documents.c), and read back when the outputs are rebuilt, so a rebuilt
 * document carries the number it was sent with.  Also the run's ordinal
 * (run_meta.reissue): a correction's documents get new file names.
 * Not here: who gets a document (report_documents), the number's text
 * (rules_issuer_number), the settlement's notices (settle.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flow_int.h"
#include "kasan/fsutil.h"
#include "kasan/hash.h"
#include "kasan/ledger_docs.h"

/* meta->docnos for run: the documents it sends, numbered from next (or by
 * the recorded rows when rec is not NULL); false when the issuer's pattern
 * does not give a number (said in notes). */
static bool number(const month_run *run, run_meta *meta, int64_t next,
                   const ledger_document *rec, size_t n_rec, arena *a, flow_notes *notes)
{
    size_t n = report_documents(run, meta, NULL);
    report_docno *v = arena_calloc(a, n + 1, sizeof *v);
    if (n == (size_t)-1 || report_documents(run, meta, v) != n) {
        flow_say(notes, FLOW_NOTE_SAY, "out of memory listing the documents");
        return false;
    }
    int fy = month_fiscal_year(run->month);
    const rule_issuer *is = rules_issuer_in_force(run->rules, meta->issue_date);
    for (size_t i = 0; i < n; i++) {
        int64_t no = next + (int64_t)i;
        if (rec) { /* the number it was sent with, by nursery */
            no = 0;
            for (size_t k = 0; k < n_rec && !no; k++)
                if (!strcmp(rec[k].nursery_id, v[i].nursery_id))
                    no = rec[k].number;
            if (!no)
                continue; /* not numbered when finalized (a ledger from before numbers) */
        }
        char buf[256];
        if (!is || !rules_issuer_number(is, fy, (long)no, buf, sizeof buf)) {
            flow_say(notes, FLOW_NOTE_SAY, "no 文書番号 for %s: %s", v[i].nursery_id,
                     is ? "the issuer's document_number pattern gives a number too long"
                        : "no issuer (rules/issuer/) in force on the issue date");
            return false;
        }
        v[i].number = arena_strdup(a, buf);
    }
    meta->docnos = v;
    meta->n_docnos = n;
    return true;
}

int flow_docnos_assign(ledger *lg, const month_run *run, run_meta *meta, int64_t *first,
                       arena *a, flow_notes *notes)
{
    int64_t next;
    int fy = month_fiscal_year(run->month);
    if (ledger_documents_next(lg, fy, &next) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "cannot read the last 文書番号: %s", ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    *first = next;
    return number(run, meta, next, NULL, 0, a, notes) ? EXIT_OK : EXIT_INVALID;
}

int flow_docnos_recorded(ledger *lg, const char *run_id, const month_run *run, run_meta *meta,
                         arena *a, flow_notes *notes)
{
    ledger_document *rec;
    size_t n;
    if (ledger_documents_of(lg, run_id, a, &rec, &n) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "run %s: cannot read its 文書番号: %s", run_id,
                 ledger_errmsg(lg));
        return EXIT_INTERNAL;
    }
    return number(run, meta, 0, rec, n, a, notes) ? EXIT_OK : EXIT_INVALID;
}

int flow_docnos_record(const char *stage, const char *dir, const report_docno *docnos,
                       char *const *files, size_t n_docs, int64_t first_number, arena *a,
                       ledger_document **out, size_t *n, flow_notes *notes)
{
    *out = arena_calloc(a, n_docs + 1, sizeof **out);
    *n = 0;
    for (size_t i = 0; i < n_docs; i++) {
        char path[4200], hex[SHA256_HEX_LEN + 1];
        snprintf(path, sizeof path, "%s/%s", stage, files[i]);
        char *data;
        size_t len;
        if (fs_read_file(path, &data, &len) != 0) {
            flow_say(notes, FLOW_NOTE_SAY, "cannot read %s to record its 文書番号", path);
            return EXIT_INTERNAL;
        }
        hash_sha256_hex(data, len, hex);
        free(data);
        (*out)[*n] = (ledger_document){first_number + (int64_t)*n, docnos[i].nursery_id,
                                       docnos[i].kind, arena_printf(a, "%s/%s", dir, files[i]),
                                       arena_strdup(a, hex)};
        ++*n;
    }
    return EXIT_OK;
}

int flow_docnos_hash(const char *stage, const char *mon, const run_meta *meta,
                     int64_t first_number, arena *a, ledger_document **out, size_t *n,
                     flow_notes *notes)
{
    char **files = arena_calloc(a, meta->n_docnos + 1, sizeof *files);
    for (size_t i = 0; i < meta->n_docnos; i++) {
        char file[1024];
        report_document_file(meta, meta->docnos[i].nursery_id, "pdf", file, sizeof file);
        files[i] = arena_strdup(a, file);
    }
    return flow_docnos_record(stage, mon, meta->docnos, files, meta->n_docnos, first_number, a,
                              out, n, notes);
}

int flow_run_ordinal(ledger *lg, const char *mon, const char *run_id, int *ordinal,
                     flow_notes *notes)
{
    arena a = ARENA_INIT;
    ledger_run *runs;
    size_t n = 0;
    *ordinal = 1;
    if (lg && ledger_runs(lg, mon, &a, &runs, &n) != LEDGER_OK) {
        flow_say(notes, FLOW_NOTE_SAY, "%s: cannot read its runs: %s", mon, ledger_errmsg(lg));
        arena_release(&a);
        return EXIT_INTERNAL;
    }
    *ordinal = (int)n + 1;
    for (size_t i = 0; run_id && i < n; i++) /* runs in the order they were made */
        if (!strcmp(runs[i].run_id, run_id))
            *ordinal = (int)i + 1;
    arena_release(&a);
    return EXIT_OK;
}
