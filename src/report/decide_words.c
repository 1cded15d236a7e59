/* decide_words: the grant decision in words, shared by its workbooks
 * (decide_xlsx.c) and its PDF notices (decide_pdf.c) — months and programs
 * by their Japanese names, the versions of a program in force over the
 * year, the claim schema's labels and code names.  Private to src/report. */
#include <stdio.h>
#include <string.h>

#include "decide_words.h"
#include "formats.h"

const char *const decide_conditions[] = {
    "(1) 補助金は、毎月の請求に基づき概算払により交付する。各月の支払額の累計は、交付決定額を"
    "超えることができない。",
    "(2) 医療的ケア児の受入れ又は看護師等の配置の計画に変更があるときは、あらかじめ変更交付申請"
    "を行うこと。変更交付決定により交付決定額を変更する。",
    "(3) 年度終了後、実績報告を提出すること。実績報告に基づき交付額を確定し、既に交付した額が"
    "確定した額を超えるときは、その超える額の返還を求める。",
    "(4) 各月の額は、申請のあった計画の当該月分について、その月の初日に施行されている規則により"
    "算定した額である。",
    NULL,
};

void decide_month_label(int fy, int idx, bool suffix, char *buf, size_t size)
{
    fmt_month_wareki(month_of_fiscal(fy, idx), buf, size);
    if (suffix)
        strncat(buf, "分", size - strlen(buf) - 1);
}

/* A program's title by id: the version of any month that decided something,
 * else the version in force in any month of the year, else the id. */
const char *decide_program_title(const decision *dec, const char *id)
{
    for (size_t i = 0; i < dec->n_rows; i++)
        if (!strcmp(dec->rows[i].program_id, id))
            for (int m = 0; m < DECIDE_MONTHS; m++)
                if (dec->rows[i].rule[m])
                    return dec->rows[i].rule[m]->title;
    for (int m = 0; m < DECIDE_MONTHS; m++) {
        const program *p = rules_program_in_force(dec->rules, id, month_of_fiscal(dec->fiscal_year, m));
        if (p)
            return p->title;
    }
    return id;
}


size_t decide_version_runs(const decision *dec, const char *id, decide_version_run *out)
{
    size_t n = 0;
    for (int m = 0; m < DECIDE_MONTHS; m++) {
        const program *p = rules_program_in_force(dec->rules, id, month_of_fiscal(dec->fiscal_year, m));
        if (!p)
            continue;
        if (n && out[n - 1].p == p && out[n - 1].to == m - 1)
            out[n - 1].to = m;
        else if (n < DECIDE_MAX_VERSIONS)
            out[n++] = (decide_version_run){p, m, m};
    }
    return n;
}

/* "医療的ケア児受入加算：令和7年4月分から令和7年9月分まで 2025-04版（令和7年4月1日施行）、…" */
void decide_versions_in_words(const decision *dec, const char *id, char *buf, size_t size)
{
    decide_version_run v[DECIDE_MAX_VERSIONS];
    size_t n = decide_version_runs(dec, id, v), len;
    len = (size_t)snprintf(buf, size, "%s：", decide_program_title(dec, id));
    for (size_t i = 0; i < n && len < size; i++) {
        char a[64], b[64], from[64];
        decide_month_label(dec->fiscal_year, v[i].from, true, a, sizeof a);
        decide_month_label(dec->fiscal_year, v[i].to, true, b, sizeof b);
        fmt_date_wareki(v[i].p->effective_from, from, sizeof from);
        if (v[i].from == v[i].to)
            len += (size_t)snprintf(buf + len, size - len, "%s%sは%s版（%s施行）", i ? "、" : "",
                                    a, v[i].p->version, from);
        else
            len += (size_t)snprintf(buf + len, size - len, "%s%sから%sまで%s版（%s施行）",
                                    i ? "、" : "", a, b, v[i].p->version, from);
    }
    if (len < size)
        snprintf(buf + len, size - len, "%s", n ? "" : "当年度に施行の版はありません");
}

static const schema_column *column(const schema_file *sf, const char *csv)
{
    for (size_t i = 0; i < sf->n_cols; i++)
        if (!strcmp(sf->cols[i].csv, csv))
            return &sf->cols[i];
    return NULL;
}

const char *decide_schema_label(const schema_file *sf, const char *csv)
{
    const schema_column *c = column(sf, csv);
    return c ? c->label : csv;
}

/* A code (or ';'-joined codes) by the schema's Japanese names, "・"-joined. */
void decide_code_names(const schema_file *sf, const char *csv, const char *codes, char *buf,
                       size_t size)
{
    const schema_column *c = column(sf, csv);
    size_t len = 0;
    buf[0] = '\0';
    for (const char *s = codes ? codes : ""; *s && len < size;) {
        const char *e = strchr(s, ';');
        size_t k = e ? (size_t)(e - s) : strlen(s);
        char code[64];
        snprintf(code, sizeof code, "%.*s", (int)k, s);
        const schema_code *sc = c ? schema_find_code(c, code) : NULL;
        len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? "・" : "",
                                sc ? sc->name : code);
        s += k + (e != NULL);
    }
}

/* "4月～9月・1月": the planned months as runs, months only (the year is in the title). */
void decide_months_text(int fy, uint16_t mask, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < DECIDE_MONTHS && len < size; i++) {
        if (!(mask & (1u << i)))
            continue;
        int j = i;
        while (j + 1 < DECIDE_MONTHS && (mask & (1u << (j + 1))))
            j++;
        int a = month_of_fiscal(fy, i).month, b = month_of_fiscal(fy, j).month;
        len += (size_t)(i == j ? snprintf(buf + len, size - len, "%s%d月", len ? "・" : "", a)
                               : snprintf(buf + len, size - len, "%s%d月～%d月", len ? "・" : "",
                                          a, b));
        i = j;
    }
}


static bool same_rejection(const decide_rejection *a, const decide_rejection *b)
{
    return a->r.kind == b->r.kind && a->r.line == b->r.line && !strcmp(a->r.code, b->r.code);
}

bool decide_next_rejection(const decision *dec, const decide_nursery *dn, size_t *i,
                           const decide_rejection **r, char months[128])
{
    const decide_rejection *v = &dec->rejections[dn->rej0];
    for (; *i < dn->n_rej; ++*i) {
        bool shown = false; /* an earlier rejection of the same line and reason */
        for (size_t j = 0; j < *i && !shown; j++)
            shown = same_rejection(&v[j], &v[*i]);
        if (shown)
            continue;
        *r = &v[*i];
        uint16_t mask = 0;
        for (size_t j = *i; j < dn->n_rej; j++)
            if (same_rejection(&v[j], &v[*i]))
                mask |= (uint16_t)(1u << month_fiscal_index(v[j].month));
        decide_months_text(dec->fiscal_year, mask, months, 128);
        ++*i;
        return true;
    }
    return false;
}

void decide_child_words(const schema_file *sc, const child_line *cl, decide_child_text *out)
{
    decide_code_names(sc, "care_types", cl->care_types, out->care, sizeof out->care);
    if (!out->care[0])
        snprintf(out->care, sizeof out->care, "（記載なし）");
    char a[64], b[64];
    fmt_date_wareki(cl->enrolled_from, a, sizeof a);
    if (cl->enrolled_to == DATE_OPEN)
        snprintf(b, sizeof b, "（在籍中）");
    else
        fmt_date_wareki(cl->enrolled_to, b, sizeof b);
    snprintf(out->span, sizeof out->span, "%s～%s", a, b);
}

void decide_staff_words(const schema_file *ss, const decision *dec, size_t k,
                        decide_staff_text *out)
{
    const staff_line *sl = &dec->app.cl.staff[k];
    decide_code_names(ss, "qualification", sl->qualification, out->qualification,
                      sizeof out->qualification);
    decide_code_names(ss, "employment", sl->employment, out->employment, sizeof out->employment);
    if (sl->has_hours)
        num_format(sl->hours, out->hours, sizeof out->hours);
    else
        out->hours[0] = '\0';
    decide_months_text(dec->fiscal_year, dec->app.staff.v[k].months, out->months,
                       sizeof out->months);
}

void decide_program_titles(const decision *dec, const decide_nursery *dn, char *buf, size_t size)
{
    buf[0] = '\0';
    const decide_row *rows = &dec->rows[dn->row0];
    for (size_t i = 0; i < dn->n_rows; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", i ? "・" : "",
                 decide_program_title(dec, rows[i].program_id));
    }
    if (dn->n_rows)
        return;
    const char *ids[RULES_MAX_PROGRAMS];
    size_t np = rules_program_ids(dec->rules, ids, RULES_MAX_PROGRAMS);
    for (size_t i = 0; i < np; i++) {
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s", i ? "・" : "", decide_program_title(dec, ids[i]));
    }
}

const char *decide_notice_kind(bool amendment, bool none)
{
    return amendment ? "変更交付決定通知書" : none ? "不交付決定通知書" : "交付決定通知書";
}

void decide_opening(const char *fy, const char *titles, bool amendment, bool none, char *buf,
                    size_t size)
{
    snprintf(buf, size,
             amendment ? "%sの%sについて交付決定した補助金の額を、変更交付申請により下記のとおり"
                         "変更することに決定したので通知します。"
             : none ? "%sの%sについて交付申請のあった補助金は、下記の理由により交付しないことに"
                      "決定したので通知します。"
                    : "%sの%sについて交付申請のあった補助金は、下記のとおり交付することに決定した"
                      "ので通知します。",
             fy, titles);
}

size_t decide_distinct_versions(const decision *dec, const char *id,
                                const program *out[DECIDE_MAX_VERSIONS])
{
    decide_version_run v[DECIDE_MAX_VERSIONS];
    size_t nv = decide_version_runs(dec, id, v), n = 0;
    for (size_t k = 0; k < nv; k++) {
        bool again = false;
        for (size_t j = 0; j < n; j++)
            again |= out[j] == v[k].p;
        if (!again)
            out[n++] = v[k].p;
    }
    return n;
}
