/* bankday: whether a day is a bank business day (see kasan/bankday.h).
 * Not here: which holidays there are (a calendar rule file) or what a
 * refused transfer date prints (the transfer command). */
#include "kasan/bankday.h"

#include <assert.h>

static bool is_holiday(date_t d, const date_t *h, size_t n)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        assert(mid + 1 >= n || h[mid] < h[mid + 1]); /* sorted, no repeats */
        if (h[mid] < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && h[lo] == d;
}

bankday_status bankday_of(date_t d, const date_t *holidays, size_t n)
{
    int w = date_weekday(d);
    if (w == 6)
        return BANKDAY_SATURDAY;
    if (w == 0)
        return BANKDAY_SUNDAY;
    int y, m, day;
    date_to_ymd(d, &y, &m, &day);
    if ((m == 12 && day == 31) || (m == 1 && day <= 3))
        return BANKDAY_YEAR_END;
    return is_holiday(d, holidays, n) ? BANKDAY_HOLIDAY : BANKDAY_OPEN;
}

date_t bankday_next(date_t d, const date_t *holidays, size_t n)
{
    /* at most a weekend plus the year end plus a few holidays: the longest
     * run of closed days (ゴールデンウィーク, 年末年始) is under two weeks */
    do
        d++;
    while (bankday_of(d, holidays, n) != BANKDAY_OPEN);
    return d;
}

const char *bankday_reason(bankday_status s)
{
    switch (s) {
    case BANKDAY_OPEN: return "";
    case BANKDAY_SATURDAY: return "土曜日";
    case BANKDAY_SUNDAY: return "日曜日";
    case BANKDAY_YEAR_END: return "年末年始（12月31日～1月3日）";
    case BANKDAY_HOLIDAY: return "国民の祝日";
    }
    return "";
}
