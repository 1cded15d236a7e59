/* ledger_docs: the 文書番号 of the documents a finalization sends (issue 22).
 * Every statement, 不支給 notice and settlement notice sent gets the next
 * number of its fiscal year; the number, the nursery, the file and the
 * document's SHA-256 are recorded in the finalization's own transaction
 * (table documents, key fiscal_year + number: a number is never given
 * twice, never changed, never deleted) and in its event's payload
 * ("documents", ledger_int.h 2.), so an auditor can match a paper to the
 * ledger.  Not here: which nurseries get a document (src/report), the
 * number's text (rules_issuer_number), writing the files (src/flow). */
#ifndef KASAN_LEDGER_DOCS_H
#define KASAN_LEDGER_DOCS_H
#include <stddef.h>
#include <stdint.h>

#include "kasan/arena.h"
#include "kasan/ledger.h"

typedef struct ledger_document {
    int64_t number;          /* 1, 2, ... within the fiscal year */
    const char *nursery_id;
    const char *kind;        /* [a-z_]+: "statement", "refusal", "settlement_notice" */
    const char *file;        /* relative to OUT: "2025-04/statements/P001.pdf" */
    const char *sha256;      /* hex of the file's bytes */
} ledger_document;

/* The next free number of fiscal year fy: 1 + the highest given (1 when
 * none).  Numbers taken meanwhile by another finalization make that
 * finalization's commit fail (LEDGER_BUSY, "run again"), never a reuse. */
int ledger_documents_next(ledger *lg, int fy, int64_t *next);
/* The documents recorded with run_id (a month's run or a settlement's id),
 * by number. */
int ledger_documents_of(ledger *lg, const char *run_id, arena *a, ledger_document **out,
                        size_t *n);
#endif
