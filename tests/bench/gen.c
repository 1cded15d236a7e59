/* kasan-gen: SPEC section 2 input data at any scale, for the benchmark.
 * Deterministic from --seed (its own PRNG, no libc rand), so two runs with the
 * same arguments write the same bytes.  Shaped like the peers' gen.py: a few
 * ward-run nurseries, ~1% closing mid-year, a stable roster per claiming
 * nursery, and a small share of lines meant to be rejected (SPEC 1.5).
 *
 *   kasan-gen --seed 1 --nurseries 30000 [--dense] --months 2025-04..2026-03
 *             [--applications] --out DIR
 *
 * Normal mode: ~5% of nurseries claim 1–5 children; --dense: every nursery
 * claims 3–8 children and 1–3 staff (throughput tests).  --applications also
 * writes DIR/applications/FY/ (the first month's fiscal year): the rosters as
 * grant applications (docs/spec/12), children at their enrolment, staff all
 * year at fixed monthly figures; drawn from no random number, so the claims
 * are the same bytes with or without it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kasan/date.h"

static const char *const care[] = {"suction", "tube_feeding", "urinary_catheter", "insulin",
                                   "oxygen", "tracheostomy", "ventilator", "other"};
static const char *const qual[] = {"nurse", "nurse", "nurse", "assistant_nurse",
                                   "public_health_nurse", "midwife"};
static const char *const emp[] = {"full_time", "part_time", "part_time"};
static const char *const frac[] = {"0", "5", "25"};

/* splitmix64: tiny, fast, and the same on every platform. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
static uint32_t rng_below(uint32_t n) { return (uint32_t)((rng_next() >> 32) * n >> 32); }
static int rng_range(int lo, int hi) { return lo + (int)rng_below((uint32_t)(hi - lo + 1)); }
/* True with probability per_100k / 100000. */
static bool rng_chance(uint32_t per_100k) { return rng_below(100000) < per_100k; }

typedef struct kid {
    char ref[12];
    char types[96];
    date_t from, to; /* to DATE_OPEN when still enrolled */
} kid;

typedef struct staff {
    char ref[24];
    const char *qual, *emp;
} staff;

typedef struct roster {
    int nursery; /* 1-based number: N00001 */
    int n_kids, n_staff;
    kid kids[8];
    staff staff[3];
} roster;

static void usage(void)
{
    fprintf(stderr, "usage: kasan-gen --seed N --nurseries N [--dense] "
                    "--months YYYY-MM..YYYY-MM [--applications] --out DIR\n");
    exit(1);
}

static FILE *open_out(const char *dir, const char *name)
{
    char path[4096];
    FILE *f = NULL;
    if (snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path)
        f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "kasan-gen: cannot write %s: %s\n", path, strerror(errno));
        exit(1);
    }
    static char buf[1 << 16];
    setvbuf(f, buf, _IOFBF, sizeof buf); /* only one file is written at a time per buffer */
    return f;
}

static void close_out(FILE *f)
{
    if (fclose(f) != 0) {
        fprintf(stderr, "kasan-gen: write failed: %s\n", strerror(errno));
        exit(1);
    }
}

static void mkdir_p(const char *path)
{
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "kasan-gen: cannot create %s: %s\n", path, strerror(errno));
        exit(1);
    }
}

/* closes[i] (nursery i + 1) is set for a nursery that closes on 2025-12-31. */
static void write_registry(const char *out, int n, bool *closes)
{
    FILE *f = open_out(out, "nurseries.csv");
    fputs("nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,"
          "account_type,account_number,account_holder\n", f);
    for (int i = 1; i <= n; i++) {
        bool ward = rng_chance(4000); /* 4% ward-run: their lines are rejected as ward_run */
        const char *to = rng_chance(1000) ? "2025-12-31" : ""; /* closes: nursery_inactive */
        closes[i - 1] = *to != '\0';
        fprintf(f, "N%05d,保育園N%05d,%s,社会福祉法人N%05d,2010-04-01,%s,みずほ銀行,板橋支店,"
                   "ordinary,%07u,ﾎｲｸｴﾝN%05d\n", i, i,
                ward ? "ward_run" : "private_licensed", i, to, rng_below(10000000), i);
    }
    close_out(f);
}

/* k distinct care types, in random order, ';'-joined. */
static void pick_types(char *buf, size_t size)
{
    static const int kcount[] = {1, 1, 2, 3};
    int k = kcount[rng_below(4)], idx[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    buf[0] = '\0';
    for (int j = 0; j < k; j++) {
        int r = j + (int)rng_below((uint32_t)(8 - j));
        int t = idx[j];
        idx[j] = idx[r], idx[r] = t;
        size_t used = strlen(buf);
        snprintf(buf + used, size - used, "%s%s", j ? ";" : "", care[idx[j]]);
    }
}

static void make_roster(roster *r, int nursery, bool dense, int *serial)
{
    r->nursery = nursery;
    r->n_kids = dense ? rng_range(3, 8) : rng_range(1, 5);
    date_t fy0 = date_from_ymd(2025, 4, 1);
    for (int k = 0; k < r->n_kids; k++) {
        kid *c = &r->kids[k];
        ++*serial;
        snprintf(c->ref, sizeof c->ref, "K%07d", *serial);
        c->from = fy0 + (rng_below(4) == 3 ? (date_t)rng_below(330) : 0);
        c->to = rng_chance(30000) ? c->from + rng_range(30, 499) : DATE_OPEN;
        pick_types(c->types, sizeof c->types);
    }
    r->n_staff = rng_range(1, 3);
    for (int j = 0; j < r->n_staff; j++) {
        staff *s = &r->staff[j];
        snprintf(s->ref, sizeof s->ref, "S%07d%d", *serial, j);
        s->qual = qual[rng_below(6)];
        s->emp = emp[rng_below(3)];
    }
}

static void write_date(FILE *f, date_t d)
{
    char buf[11];
    if (d != DATE_OPEN) {
        date_format_iso(d, buf);
        fputs(buf, f);
    }
}

static void write_month(const char *out, claim_month m, const roster *rs, int n_claim)
{
    char mon[8], dir[4096];
    month_format(m, mon);
    if (snprintf(dir, sizeof dir, "%s/claims/%s", out, mon) >= (int)sizeof dir)
        usage();
    mkdir_p(dir);
    date_t m0 = month_first_day(m), m1 = month_last_day(m);
    FILE *fc = open_out(dir, "children.csv");
    fputs("nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n", fc);
    for (int i = 0; i < n_claim; i++) {
        const roster *r = &rs[i];
        const kid *first_live = NULL;
        for (int k = 0; k < r->n_kids; k++) {
            const kid *c = &r->kids[k];
            if (c->from > m1 || c->to < m0)
                continue;
            first_live = first_live ? first_live : c;
            const char *types = rng_chance(500) ? "" : c->types; /* no_care_type */
            fprintf(fc, "N%05d,%s,%s,", r->nursery, c->ref, types);
            write_date(fc, c->from);
            fputc(',', fc);
            write_date(fc, c->to);
            fputc('\n', fc);
        }
        if (rng_chance(200)) /* unknown_nursery */
            fprintf(fc, "X%05d,UN%05d,suction,2025-04-01,\n", r->nursery, r->nursery);
        if (first_live && rng_chance(200)) { /* duplicate_child at another nursery */
            fprintf(fc, "N%05d,%s,oxygen,", rs[rng_below((uint32_t)n_claim)].nursery,
                    first_live->ref);
            write_date(fc, m0);
            fputs(",\n", fc);
        }
    }
    close_out(fc);
    FILE *fs = open_out(dir, "nurses.csv");
    fputs("nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n", fs);
    for (int i = 0; i < n_claim; i++) {
        const roster *r = &rs[i];
        for (int j = 0; j < r->n_staff; j++) {
            const staff *s = &r->staff[j];
            const char *q = rng_chance(300) ? "childcare_worker" : s->qual; /* ineligible */
            fprintf(fs, "N%05d,%s,%s,%s,", r->nursery, s->ref, q, s->emp);
            if (strcmp(s->emp, "part_time") == 0)
                fprintf(fs, "%d.%s", rng_range(20, 199), frac[rng_below(3)]);
            fprintf(fs, ",%d,", rng_range(150000, 559999));
            if (rng_chance(15000))
                fprintf(fs, "%d", rng_range(0, 59999));
            fputc('\n', fs);
        }
    }
    close_out(fs);
}

/* The rosters as the fiscal year's applications (交付申請); a child due to
 * start after its nursery closes is not applied for (kasan refuses a line
 * planned only for days the nursery is closed). */
static void write_applications(const char *out, int fy, const roster *rs, int n_claim,
                               const bool *closes)
{
    char dir[4096];
    if (snprintf(dir, sizeof dir, "%s/applications", out) >= (int)sizeof dir)
        usage();
    mkdir_p(dir);
    if (snprintf(dir, sizeof dir, "%s/applications/%d", out, fy) >= (int)sizeof dir)
        usage();
    mkdir_p(dir);
    FILE *fc = open_out(dir, "children.csv");
    fputs("nursery_id,child_ref,care_types,enrolled_from,enrolled_to\n", fc);
    for (int i = 0; i < n_claim; i++)
        for (int k = 0; k < rs[i].n_kids; k++) {
            const kid *c = &rs[i].kids[k];
            if (closes[rs[i].nursery - 1] && c->from > date_from_ymd(2025, 12, 31))
                continue;
            fprintf(fc, "N%05d,%s,%s,", rs[i].nursery, c->ref, c->types);
            write_date(fc, c->from);
            fputc(',', fc);
            write_date(fc, c->to);
            fputc('\n', fc);
        }
    close_out(fc);
    FILE *fs = open_out(dir, "nurses.csv");
    fputs("nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income,"
          "planned_months\n", fs);
    for (int i = 0; i < n_claim; i++)
        for (int j = 0; j < rs[i].n_staff; j++) {
            const staff *st = &rs[i].staff[j];
            bool part = strcmp(st->emp, "part_time") == 0;
            fprintf(fs, "N%05d,%s,%s,%s,%s,%d,,%d-04..%d-03\n", rs[i].nursery, st->ref, st->qual,
                    st->emp, part ? "120" : "", part ? 276000 : 420000, fy, fy + 1);
        }
    close_out(fs);
}

static bool parse_months(const char *s, claim_month *a, claim_month *b)
{
    char lo[8], hi[8];
    const char *dots = strstr(s, "..");
    if (!dots || dots - s != 7 || strlen(dots + 2) != 7)
        return false;
    memcpy(lo, s, 7), lo[7] = '\0';
    memcpy(hi, dots + 2, 8);
    return month_parse(lo, a) && month_parse(hi, b) && month_cmp(*a, *b) <= 0;
}

int main(int argc, char **argv)
{
    long seed = 1, n = 40;
    bool dense = false, applications = false;
    const char *months = "2025-04..2026-03", *out = NULL;
    for (int i = 1; i < argc; i++) {
        bool more = i + 1 < argc;
        if (!strcmp(argv[i], "--seed") && more)
            seed = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--nurseries") && more)
            n = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dense"))
            dense = true;
        else if (!strcmp(argv[i], "--applications"))
            applications = true;
        else if (!strcmp(argv[i], "--months") && more)
            months = argv[++i];
        else if (!strcmp(argv[i], "--out") && more)
            out = argv[++i];
        else
            usage();
    }
    claim_month m, last;
    if (!out || n < 1 || n > 99999 || !parse_months(months, &m, &last))
        usage();
    rng_state = (uint64_t)seed;
    roster *rs = calloc((size_t)n, sizeof *rs);
    bool *closes = calloc((size_t)n, sizeof *closes);
    if (!rs || !closes)
        return 1;
    char claims[4096];
    if (snprintf(claims, sizeof claims, "%s/claims", out) >= (int)sizeof claims)
        usage();
    mkdir_p(out);
    mkdir_p(claims);
    write_registry(out, (int)n, closes);
    int n_claim = 0, serial = 0;
    for (int i = 1; i <= n; i++)
        if (dense || rng_chance(5000))
            make_roster(&rs[n_claim++], i, dense, &serial);
    int fy = month_fiscal_year(m);
    for (; month_cmp(m, last) <= 0; m = (claim_month){m.year + m.month / 12, m.month % 12 + 1})
        write_month(out, m, rs, n_claim);
    if (applications)
        write_applications(out, fy, rs, n_claim, closes);
    free(rs);
    free(closes);
    return 0;
}
