/* schema: the built-in columns of children.csv and nurses.csv (SPEC 2) with
 * their Japanese labels, and the code lists assembled from the terms in
 * force.  The one home of the claim files' shape; see include/kasan/schema.h.
 * The formula language's field table (src/expr/fields.c) names the same
 * columns for formulas; kept apart, checked to agree (test_forms).  The
 * terms' declared columns (SPEC 8.1) are appended after the built-in ones.
 * Not here: checking declarations (rules/load.c), reading values (claims.c). */
#include "kasan/schema.h"

#include <stdio.h>
#include <string.h>

/* Employment (雇用形態): fixed by SPEC 2, not a program's choice. */
static const schema_code employments[] = {
    {"full_time", "常勤"},
    {"part_time", "非常勤"},
};

/* Qualifications a nursery may report that no program pays for (SPEC 1.3:
 * "other qualifications are rejected lines"); the paid ones come first, from
 * the terms file. */
static const schema_code unpaid_qualifications[] = {
    {"childcare_worker", "保育士"},
    {"other", "その他"},
};

typedef struct builtin {
    const char *csv, *label, *hint;
    schema_type type;
    bool required;
    int list; /* 0 none, 1 care types, 2 qualifications, 3 employment */
} builtin;

static const builtin children_cols[] = {
    {"child_ref", "児童番号", "区が通知した児童の番号（氏名は書かないでください）", SCHEMA_ID,
     true, 0},
    {"care_types", "医療的ケアの種類",
     "行っている医療的ケアの欄に「○」を選んでください（複数可、1つ以上。✓ も可、該当しない欄は空欄）",
     SCHEMA_CODE_SET, true, 1},
    {"enrolled_from", "在籍開始日", "入園した日（例 2025/4/1）", SCHEMA_DATE, true, 0},
    {"enrolled_to", "在籍終了日", "退園した日。在籍中は空欄", SCHEMA_DATE, false, 0},
};

static const builtin staff_cols[] = {
    {"staff_ref", "職員番号", "施設で付けた職員の番号（氏名は書かないでください）", SCHEMA_ID,
     true, 0},
    {"qualification", "資格", "一覧から選んでください", SCHEMA_CODE, true, 2},
    {"employment", "雇用形態", "常勤・非常勤を選んでください", SCHEMA_CODE, true, 3},
    {"hours", "勤務時間（月）", "当月の勤務時間。非常勤は必須（例 92.5）", SCHEMA_NUMBER, false, 0},
    {"salary_cost", "対象経費（円）", "当月に支出した給与等の額（円、整数）", SCHEMA_YEN, true, 0},
    {"other_income", "寄付金その他の収入額（円）", "ない場合は空欄または 0", SCHEMA_YEN, false, 0},
};

static schema_code *terms_codes(arena *a, const char **codes, const char **names, size_t n,
                                const schema_code *extra, size_t n_extra, size_t *out_n)
{
    schema_code *v = arena_calloc(a, n + n_extra + 1, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (schema_code){codes[i], names && names[i] ? names[i] : codes[i]};
    for (size_t i = 0; i < n_extra; i++)
        v[n + i] = extra[i];
    *out_n = n + n_extra;
    return v;
}

static const schema_type declared_types[] = {
    [COL_YEN] = SCHEMA_YEN,   [COL_NUMBER] = SCHEMA_NUMBER, [COL_DAYS] = SCHEMA_DAYS,
    [COL_DATE] = SCHEMA_DATE, [COL_TEXT] = SCHEMA_TEXT,     [COL_BOOL] = SCHEMA_BOOL,
    [COL_CODE] = SCHEMA_CODE,
};

static void add_declared(schema_file *f, const declared_column *d, size_t n, arena *a)
{
    for (size_t i = 0; i < n; i++) {
        schema_column *c = &f->cols[f->n_cols++];
        size_t k = 0;
        schema_code *codes = d[i].n_codes
            ? terms_codes(a, (const char **)d[i].codes, (const char **)d[i].code_names,
                          d[i].n_codes, NULL, 0, &k)
            : NULL;
        *c = (schema_column){d[i].name, d[i].label,
                             d[i].required ? "必須の項目です" : "該当する場合に記入してください",
                             declared_types[d[i].type], d[i].required && !d[i].has_default,
                             codes, k, true}; /* an empty cell takes the default, as in a CSV */
    }
}

void schema_format_value(const declared_column *c, value v, char *buf, size_t size)
{
    switch (c->type) {
    case COL_BOOL: snprintf(buf, size, "%s", v.b ? "はい" : "いいえ"); return;
    case COL_DATE:
        if (v.d == DATE_OPEN) {
            snprintf(buf, size, "%s", "");
            return;
        }
        break;
    case COL_CODE:
        for (size_t i = 0; i < c->n_codes; i++)
            if (c->codes[i] == v.s || !strcmp(c->codes[i], v.s)) {
                snprintf(buf, size, "%s", c->code_names[i]);
                return;
            }
        snprintf(buf, size, "%s", v.s ? v.s : "");
        return;
    default: break;
    }
    value_format(c->vt, v, NULL, buf, size);
}

static void build_file(schema_file *f, const builtin *b, size_t n, size_t n_decl,
                       const rule_terms *t, arena *a)
{
    f->cols = arena_calloc(a, n + n_decl, sizeof *f->cols);
    f->n_cols = n;
    for (size_t i = 0; i < n; i++) {
        schema_column *c = &f->cols[i];
        *c = (schema_column){b[i].csv, b[i].label, b[i].hint, b[i].type, b[i].required,
                             NULL, 0, false};
        size_t k = 0;
        switch (b[i].list) {
        case 1:
            c->codes = terms_codes(a, t->care_codes, t->care_names, t->n_care, NULL, 0, &k);
            break;
        case 2: {
            /* an unpaid code the terms made eligible is listed once */
            schema_code extra[2];
            size_t ne = 0;
            for (size_t u = 0; u < 2; u++) {
                bool dup = false;
                for (size_t q = 0; q < t->n_qual; q++)
                    dup |= !strcmp(t->qual_codes[q], unpaid_qualifications[u].code);
                if (!dup)
                    extra[ne++] = unpaid_qualifications[u];
            }
            c->codes = terms_codes(a, t->qual_codes, t->qual_names, t->n_qual, extra, ne, &k);
            break;
        }
        case 3:
            c->codes = employments;
            k = sizeof employments / sizeof *employments;
            break;
        default:
            break;
        }
        c->n_codes = k;
    }
}

void schema_build(const rule_terms *t, arena *a, claim_schema *out)
{
    out->files[SCHEMA_CHILDREN] = (schema_file){"children.csv", "児童", "医療的ケア児", NULL, 0};
    out->files[SCHEMA_STAFF] = (schema_file){"nurses.csv", "職員", "看護師等", NULL, 0};
    build_file(&out->files[SCHEMA_CHILDREN], children_cols,
               sizeof children_cols / sizeof *children_cols, t->n_child_cols, t, a);
    build_file(&out->files[SCHEMA_STAFF], staff_cols, sizeof staff_cols / sizeof *staff_cols,
               t->n_staff_cols, t, a);
    add_declared(&out->files[SCHEMA_CHILDREN], t->child_cols, t->n_child_cols, a);
    add_declared(&out->files[SCHEMA_STAFF], t->staff_cols, t->n_staff_cols, a);
}

const schema_code *schema_find_code(const schema_column *c, const char *s)
{
    for (size_t i = 0; i < c->n_codes; i++)
        if (!strcmp(c->codes[i].code, s) || !strcmp(c->codes[i].name, s))
            return &c->codes[i];
    return NULL;
}
