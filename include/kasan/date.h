/* date: the proleptic Gregorian calendar as day numbers, claim months, fiscal
 * years (1 April – 31 March) and 和暦 (Japanese era) formatting.  A date_t is
 * the number of days since 1970-01-01; DATE_OPEN stands for an empty
 * "until" date (still enrolled, still active) and compares after every date. */
#ifndef KASAN_DATE_H
#define KASAN_DATE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int32_t date_t;
#define DATE_OPEN INT32_MAX

typedef struct claim_month {
    int year, month; /* month 1..12 */
} claim_month;

bool date_valid_ymd(int y, int m, int d);
date_t date_from_ymd(int y, int m, int d); /* caller ensures validity */
void date_to_ymd(date_t t, int *y, int *m, int *d);
int date_days_in_month(int y, int m);
/* Strict "YYYY-MM-DD" naming a real day; false otherwise. */
bool date_parse_iso(const char *s, size_t len, date_t *out);
void date_format_iso(date_t t, char buf[11]);

/* Strict "YYYY-MM". */
bool month_parse(const char *s, claim_month *out);
void month_format(claim_month m, char buf[8]);
date_t month_first_day(claim_month m);
date_t month_last_day(claim_month m);
int month_days(claim_month m);
int month_fiscal_year(claim_month m);       /* 2025 for 2025-04 … 2026-03 */
int month_fiscal_index(claim_month m);      /* 0 for April … 11 for March */
claim_month month_of_fiscal(int fy, int index);
int month_cmp(claim_month a, claim_month b);
/* Days of [from, to] (to may be DATE_OPEN) falling inside [lo, hi]; 0 if none. */
int date_overlap_days(date_t from, date_t to, date_t lo, date_t hi);

/* 和暦: "令和7年5月10日"; "令和元年5月1日" for the era's first year;
 * 令和 from 2019-05-01, 平成 from 1989-01-08, 昭和 from 1926-12-25.
 * Returns false (and writes the ISO date) before 昭和. */
bool date_format_wareki(date_t t, char *buf, size_t size);
/* "令和7年4月" for a claim month (era of the month's first day). */
bool month_format_wareki(claim_month m, char *buf, size_t size);
/* "令和7年度" for a fiscal year (era of its 1 April). */
bool fiscal_year_format_wareki(int fy, char *buf, size_t size);
/* The year of t in its era (7 for 2025-04-01, 1 for 2019-05-01), 0 before 昭和. */
int date_wareki_year(date_t t);
/* Day of the week: 0 Sunday, 1 Monday, … 6 Saturday. */
int date_weekday(date_t t);

#endif
