/* bankday: bank business days (銀行営業日, SPEC 10.4) — a transfer date
 * (振込指定日) must be one: not a Saturday or Sunday, not 31 December –
 * 3 January, not a national holiday.  The holidays are data (a calendar
 * rule file, rules/README.md §18), handed in here as a sorted array of
 * days; this module knows only the calendar's shape.  Not here: loading
 * the calendar or choosing the one in force (rules), refusing a date (the
 * transfer command). */
#ifndef KASAN_BANKDAY_H
#define KASAN_BANKDAY_H
#include <stdbool.h>
#include <stddef.h>

#include "kasan/date.h"

typedef enum bankday_status {
    BANKDAY_OPEN,      /* a business day */
    BANKDAY_SATURDAY,
    BANKDAY_SUNDAY,
    BANKDAY_YEAR_END,  /* 12/31 – 1/3 (年末年始) */
    BANKDAY_HOLIDAY,   /* a national holiday of the list */
} bankday_status;

/* Whether d is a business day, given the national holidays (sorted
 * ascending, no repeats; the caller's list must cover d).  A weekend day
 * that is also a holiday is reported as the weekend day. */
bankday_status bankday_of(date_t d, const date_t *holidays, size_t n);
/* The first business day after d (d itself excluded) under the same list. */
date_t bankday_next(date_t d, const date_t *holidays, size_t n);
/* 土曜日 / 日曜日 / 年末年始（12月31日～1月3日） / 国民の祝日; "" for BANKDAY_OPEN. */
const char *bankday_reason(bankday_status s);

#endif
