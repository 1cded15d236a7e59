/* decide_words: the grant decision in words (decide_words.c), for the
 * decision's workbooks and notices.  Private to src/report. */
#ifndef KASAN_REPORT_DECIDE_WORDS_H
#define KASAN_REPORT_DECIDE_WORDS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kasan/decide.h"
#include "kasan/schema.h"

enum { DECIDE_MAX_VERSIONS = 12 };

/* The versions of program id in force over the year, as runs of months. */
typedef struct decide_version_run {
    const program *p;
    int from, to; /* fiscal month indexes, inclusive */
} decide_version_run;

/* "令和7年4月" (suffix: "令和7年4月分") of fiscal month idx of fy. */
void decide_month_label(int fy, int idx, bool suffix, char *buf, size_t size);
/* A program's title by id (the version of a month that decided something,
 * else one in force in the year, else the id). */
const char *decide_program_title(const decision *dec, const char *id);
/* The versions of program id in force over the year, as runs of months
 * (at most DECIDE_MAX_VERSIONS). */
size_t decide_version_runs(const decision *dec, const char *id, decide_version_run *out);
/* "医療的ケア児受入加算：令和7年4月分から…まで 2025-04版（…施行）、…" */
void decide_versions_in_words(const decision *dec, const char *id, char *buf, size_t size);
/* The label of a claim column, by its CSV name (the name when unknown). */
const char *decide_schema_label(const schema_file *sf, const char *csv);
/* A code (or ';'-joined codes) by the schema's Japanese names, "・"-joined. */
void decide_code_names(const schema_file *sf, const char *csv, const char *codes, char *buf,
                       size_t size);
/* "4月～9月・1月": a mask of fiscal months as runs. */
void decide_months_text(int fy, uint16_t mask, char *buf, size_t size);

#endif
