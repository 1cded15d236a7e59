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

/* The programs a notice is of, "・"-joined: those decided for dn, else every
 * program of the year (a 不交付決定 names what was applied for). */
void decide_program_titles(const decision *dec, const decide_nursery *dn, char *buf, size_t size);
/* "変更交付決定通知書", "不交付決定通知書" (nothing decided) or "交付決定通知書". */
const char *decide_notice_kind(bool amendment, bool none);
/* The notice's sentence before 記. */
void decide_opening(const char *fy, const char *titles, bool amendment, bool none, char *buf,
                    size_t size);

/* The conditions of the grant printed on every 交付決定通知書, NULL-ended. */
extern const char *const decide_conditions[];

/* "令和7年4月" (suffix: "令和7年4月分") of fiscal month idx of fy. */
void decide_month_label(int fy, int idx, bool suffix, char *buf, size_t size);
/* A program's title by id (the version of a month that decided something,
 * else one in force in the year, else the id). */
const char *decide_program_title(const decision *dec, const char *id);
/* The versions of program id in force over the year, as runs of months
 * (at most DECIDE_MAX_VERSIONS). */
size_t decide_version_runs(const decision *dec, const char *id, decide_version_run *out);
/* The versions of program id in force over the year, each once, in order
 * (their basis is printed once a version). */
size_t decide_distinct_versions(const decision *dec, const char *id,
                                const program *out[DECIDE_MAX_VERSIONS]);
/* "医療的ケア児受入加算：令和7年4月分から…まで 2025-04版（…施行）、…" */
void decide_versions_in_words(const decision *dec, const char *id, char *buf, size_t size);
/* The label of a claim column, by its CSV name (the name when unknown). */
const char *decide_schema_label(const schema_file *sf, const char *csv);
/* A code (or ';'-joined codes) by the schema's Japanese names, "・"-joined. */
void decide_code_names(const schema_file *sf, const char *csv, const char *codes, char *buf,
                       size_t size);
/* The next of nursery dn's rejected planned lines, one per line and reason
 * (the first of them, in *r) with the months it was rejected in, in words
 * ("7月～3月"); *i starts at 0.  False after the last. */
bool decide_next_rejection(const decision *dec, const decide_nursery *dn, size_t *i,
                           const decide_rejection **r, char months[128]);
/* A planned child line in words: its care types by name ("（記載なし）"
 * when none) and its enrolment ("令和6年4月1日～（在籍中）"). */
typedef struct decide_child_text {
    char care[256], span[160];
} decide_child_text;
void decide_child_words(const schema_file *sc, const child_line *cl, decide_child_text *out);

/* A planned staff line (app->cl.staff[k]) in words: qualification and
 * employment by name, hours ("" when none), the planned months. */
typedef struct decide_staff_text {
    char qualification[128], employment[64], hours[32], months[128];
} decide_staff_text;
void decide_staff_words(const schema_file *ss, const decision *dec, size_t k,
                        decide_staff_text *out);

/* "4月～9月・1月": a mask of fiscal months as runs. */
void decide_months_text(int fy, uint16_t mask, char *buf, size_t size);

#endif
