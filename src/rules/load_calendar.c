/* load_calendar: `kind: calendar` rule files (rules/README.md §19) — the
 * national holidays (国民の祝日, 振替休日, 国民の休日) of the period a file
 * covers, with the source they were taken from, for bank business days
 * (kasan/bankday.h).  A holiday's name is looked up here too.  Not here:
 * weekends and the year end (core/bankday.c), which version covers a day
 * (versions.c), refusing a transfer date (the transfer command). */
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

typedef struct dated {
    date_t d;
    const char *name;
    const ynode *at;
} dated;

static int cmp_dated(const void *a, const void *b)
{
    const dated *x = a, *y = b;
    return (x->d > y->d) - (x->d < y->d);
}

/* holidays: {YYYY-MM-DD: 名称, ...}, each a real date inside the period,
 * none twice; kept sorted. */
static void load_holidays(loader *l, const ynode *root, rule_calendar *c)
{
    const ynode *m = ymap_get(root, "holidays");
    if (!m)
        return;
    if (m->kind != Y_MAP) {
        lerr(l, m, "'holidays' must be a mapping of dates (YYYY-MM-DD) to the holidays' names");
        return;
    }
    size_t n = m->n / 2, k = 0;
    dated *v = arena_calloc(&l->rs->a, n + 1, sizeof *v);
    for (size_t i = 0; i < n; i++) {
        const ynode *key = m->items[2 * i], *val = m->items[2 * i + 1];
        const char *s = scalar(l, key, "holidays");
        const char *name = scalar(l, val, "holidays");
        date_t d;
        if (!s || !name)
            continue;
        if (!date_parse_iso(s, strlen(s), &d)) {
            lerr(l, key, "holiday '%s' is not a real date written YYYY-MM-DD", s);
            continue;
        }
        if (!*name || strchr(name, '\n')) {
            lerr(l, val, "holiday %s needs its name on one line (元日, 成人の日, 振替休日, …)", s);
            continue;
        }
        if (d < c->effective_from || d > c->effective_to) {
            lerr(l, key, "holiday %s is outside the period this calendar covers "
                         "(effective_from to effective_to)", s);
            continue;
        }
        v[k++] = (dated){d, name, key};
    }
    if (k > 1)
        qsort(v, k, sizeof *v, cmp_dated); /* stable enough: equal dates are an error */
    c->holidays = arena_calloc(&l->rs->a, k + 1, sizeof *c->holidays);
    c->names = arena_calloc(&l->rs->a, k + 1, sizeof *c->names);
    for (size_t i = 0; i < k; i++) {
        if (c->n && c->holidays[c->n - 1] == v[i].d) {
            char iso[11];
            date_format_iso(v[i].d, iso);
            lerr(l, v[i].at, "holiday %s appears twice", iso);
            continue;
        }
        c->holidays[c->n] = v[i].d;
        c->names[c->n++] = v[i].name;
    }
}

void load_calendar(loader *l, const ynode *root)
{
    static const char *const keys[] = {"kind", "version", "title", "effective_from",
                                       "effective_to", "basis", "holidays", "note", NULL};
    static const char *const req[] = {"version", "title", "effective_from", "effective_to",
                                      "basis", "holidays", NULL};
    check_keys(l, root, keys, req, "a calendar file");
    rule_set *rs = l->rs;
    rule_calendar *v = grow(rs, rs->calendars, rs->n_calendars, sizeof *v);
    rs->calendars = v;
    rule_calendar *c = &v[rs->n_calendars++];
    c->file = l->f;
    load_names(l, root, &c->version, &c->title, &c->basis);
    load_dates(l, root, &c->effective_from, &c->effective_to, &c->from_line, &c->from_col, true);
    if (c->effective_to != DATE_OPEN && c->effective_to - c->effective_from > 5 * 366)
        lerr(l, ymap_get(root, "effective_to"), "a calendar covers at most five years: the "
             "holidays of later years are not known yet");
    if (ymap_get(root, "effective_to") && ymap_get(root, "effective_from"))
        load_holidays(l, root, c);
}

const char *rules_calendar_holiday(const rule_calendar *cal, date_t day)
{
    size_t lo = 0, hi = cal ? cal->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cal->holidays[mid] < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return cal && lo < cal->n && cal->holidays[lo] == day ? cal->names[lo] : NULL;
}
