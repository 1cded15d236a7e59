/* date: calendar arithmetic (days-from-civil), claim months and 和暦. */
#include "kasan/date.h"

#include <stdio.h>
#include <string.h>

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int date_days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool date_valid_ymd(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= date_days_in_month(y, m);
}

/* Howard Hinnant's days_from_civil.  Callers pass a valid date
 * (date_valid_ymd): a year far outside 1..9999 would overflow int. */
date_t date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_to_ymd(date_t t, int *y, int *m, int *d)
{
    int z = t + 719468;
    int era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = z - era * 146097;
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, int *v)
{
    int r = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        r = r * 10 + (s[i] - '0');
    }
    *v = r;
    return true;
}

bool date_parse_iso(const char *s, size_t len, date_t *out)
{
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        !digits(s + 8, 2, &d) || !date_valid_ymd(y, m, d))
        return false;
    *out = date_from_ymd(y, m, d);
    return true;
}

void date_format_iso(date_t t, char buf[11])
{
    int y, m, d;
    date_to_ymd(t, &y, &m, &d);
    char tmp[32]; /* wide enough for any int, then cut to the 10 ISO bytes */
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    memcpy(buf, tmp, 10);
    buf[10] = '\0';
}

bool month_parse(const char *s, claim_month *out)
{
    int y, m;
    if (strlen(s) != 7 || s[4] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) || y < 1 ||
        m < 1 || m > 12)
        return false;
    out->year = y;
    out->month = m;
    return true;
}

void month_format(claim_month m, char buf[8])
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%04d-%02d", m.year % 10000, m.month % 100);
    memcpy(buf, tmp, 7);
    buf[7] = '\0';
}

date_t month_first_day(claim_month m) { return date_from_ymd(m.year, m.month, 1); }

date_t month_last_day(claim_month m)
{
    return date_from_ymd(m.year, m.month, date_days_in_month(m.year, m.month));
}

int month_days(claim_month m) { return date_days_in_month(m.year, m.month); }

int month_fiscal_year(claim_month m) { return m.month >= 4 ? m.year : m.year - 1; }

int month_fiscal_index(claim_month m) { return (m.month + 8) % 12; }

claim_month month_of_fiscal(int fy, int index)
{
    int mo = 4 + index;
    return mo > 12 ? (claim_month){fy + 1, mo - 12} : (claim_month){fy, mo};
}

int month_cmp(claim_month a, claim_month b)
{
    int x = a.year * 12 + a.month, y = b.year * 12 + b.month;
    return (x > y) - (x < y);
}

int date_overlap_days(date_t from, date_t to, date_t lo, date_t hi)
{
    date_t a = from > lo ? from : lo;
    date_t b = to < hi ? to : hi;
    return a <= b ? (int)(b - a) + 1 : 0;
}

typedef struct era {
    const char *name;
    int y, m, d; /* first day */
} era;

static const era eras[] = {
    {"令和", 2019, 5, 1},
    {"平成", 1989, 1, 8},
    {"昭和", 1926, 12, 25},
};

static const era *era_of(date_t t)
{
    for (size_t i = 0; i < sizeof eras / sizeof eras[0]; i++)
        if (t >= date_from_ymd(eras[i].y, eras[i].m, eras[i].d))
            return &eras[i];
    return NULL;
}

static void era_year(const era *e, int y, char *buf, size_t size)
{
    int n = y - e->y + 1;
    if (n == 1)
        snprintf(buf, size, "%s元年", e->name);
    else
        snprintf(buf, size, "%s%d年", e->name, n);
}

bool date_format_wareki(date_t t, char *buf, size_t size)
{
    int y, m, d;
    date_to_ymd(t, &y, &m, &d);
    const era *e = era_of(t);
    if (!e) {
        date_format_iso(t, buf);
        return false;
    }
    char ys[32];
    era_year(e, y, ys, sizeof ys);
    snprintf(buf, size, "%s%d月%d日", ys, m, d);
    return true;
}

bool month_format_wareki(claim_month cm, char *buf, size_t size)
{
    const era *e = era_of(month_first_day(cm));
    if (!e) {
        snprintf(buf, size, "%04d-%02d", cm.year, cm.month);
        return false;
    }
    char ys[32];
    era_year(e, cm.year, ys, sizeof ys);
    snprintf(buf, size, "%s%d月", ys, cm.month);
    return true;
}

bool fiscal_year_format_wareki(int fy, char *buf, size_t size)
{
    const era *e = era_of(date_from_ymd(fy, 4, 1));
    if (!e) {
        snprintf(buf, size, "%d年度", fy);
        return false;
    }
    char ys[32];
    era_year(e, fy, ys, sizeof ys);
    snprintf(buf, size, "%s度", ys);
    return true;
}

int date_wareki_year(date_t t)
{
    int y, m, d;
    date_to_ymd(t, &y, &m, &d);
    const era *e = era_of(t);
    return e ? y - e->y + 1 : 0;
}

int date_weekday(date_t t)
{
    /* 1970-01-01 was a Thursday (4); t may be negative */
    int w = (int)((t % 7 + 7 + 4) % 7);
    return w;
}
