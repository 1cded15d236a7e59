/* test_pdf: the PDF layer of the documents (src/report/pdf.c) through
 * kasan's own writer (pdf_direct.c) and through cairo — a table over
 * several pages with its header repeated, every row's text given back by
 * pdftotext, the page count pdfinfo reads, the same bytes when written
 * twice, a character outside the cut-down font sending the document to
 * cairo with its text intact.  Reads back with poppler-utils (installed by
 * scripts/deps.sh); without them the checks that need it are skipped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/report/pdf.h"
#include "kasan/fsutil.h"

static char dir[] = "/tmp/kasan-test-pdfw-XXXXXX";

static bool poppler(void) { return system("command -v pdftotext >/dev/null 2>&1") == 0; }

/* What cmd prints (at most 1 MiB). */
static char *run(const char *fmt, const char *path)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, fmt, path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 20, n = 0, k;
    char *buf = malloc(cap);
    assert_non_null(buf);
    while ((k = fread(buf + n, 1, cap - n - 1, p)) > 0)
        n += k;
    buf[n] = '\0';
    pclose(p);
    return buf;
}

/* The value pdfinfo gives for key ("Pages", "Producer"), trimmed, in out. */
static const char *field(const char *info, const char *key, char *out, size_t size)
{
    out[0] = '\0';
    size_t k = strlen(key);
    for (const char *l = info; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
        if (!strncmp(l, key, k) && l[k] == ':') {
            const char *v = l + k + 1;
            while (*v == ' ')
                v++;
            size_t n = strcspn(v, "\n");
            snprintf(out, size, "%.*s", (int)n, v);
            break;
        }
    return out;
}

static char *path_of(const char *name)
{
    static char buf[4][256];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof buf[i], "%s/%s", dir, name);
    return buf[i];
}

/* A table of n rows of a long form's kind: the header and each row's cells. */
static int write_table(const char *path, int n, const char *name)
{
    pdf_doc *d = pdf_new("試験　表の文書", NULL);
    assert_non_null(d);
    pdf_text(d, PDF_TITLE, PDF_CENTER, 0, "試験の一覧");
    pdf_textf(d, PDF_BODY, PDF_LEFT, 0, "宛先：%s　様", name);
    pdf_section(d, "1　行の一覧");
    static const pdf_col cols[] = {{200, PDF_LEFT}, {500, PDF_LEFT}, {300, PDF_RIGHT}};
    pdf_table(d, cols, 3, PDF_GRID, PDF_CELL);
    const char *h[] = {"見出し番号", "見出し名", "見出し金額"};
    pdf_header(d, h);
    for (int i = 1; i <= n; i++) {
        char a[32], b[64], c[32];
        snprintf(a, sizeof a, "行%d", i);
        snprintf(b, sizeof b, "医療的ケア児受入加算 第%d号", i);
        snprintf(c, sizeof c, "%d,000円", i);
        const char *r[] = {a, b, c};
        pdf_row(d, r, i == n ? PDF_SHADE : 0);
    }
    char err[512] = "";
    pdf_info info = {"試験の一覧", "2025-05-10T00:00:00+09:00"};
    int rc = pdf_write(d, &info, path, err, sizeof err);
    if (rc)
        print_error("%s\n", err);
    return rc;
}

static void test_pages_and_text(void **state)
{
    (void)state;
    const char *p = path_of("table.pdf");
    assert_int_equal(write_table(p, 150, "あおば保育園"), 0);
    int pages = pdf_last_pages();
    assert_true(pages >= 3); /* 150 rows of 7 pt: more than two A4 pages */
    if (!poppler())
        return;
    char *info = run("pdfinfo '%s' 2>&1", p);
    char v[256], want[32];
    snprintf(want, sizeof want, "%d", pages);
    assert_string_equal(field(info, "Pages", v, sizeof v), want);
    assert_string_equal(field(info, "Producer", v, sizeof v), "kasan"); /* kasan's own writer */
    assert_string_equal(field(info, "Title", v, sizeof v), "試験の一覧");
    assert_string_equal(field(info, "Page size", v, sizeof v), "595.28 x 841.89 pts (A4)");
    assert_null(strstr(info, "Error"));
    free(info);
    char *fonts = run("pdffonts '%s' 2>&1", p);
    assert_non_null(strstr(fonts, "NotoSansCJKjp-Regular"));
    assert_non_null(strstr(fonts, "CID Type 0C"));
    free(fonts);
    char *t = run("pdftotext -layout '%s' - 2>&1", p);
    for (int i = 1; i <= 150; i++) { /* every row, its three cells */
        char row[128];
        snprintf(row, sizeof row, "行%d ", i);
        assert_non_null(strstr(t, row));
        snprintf(row, sizeof row, "医療的ケア児受入加算 第%d号", i);
        assert_non_null(strstr(t, row));
        snprintf(row, sizeof row, "%d,000円", i);
        assert_non_null(strstr(t, row));
    }
    assert_non_null(strstr(t, "宛先：あおば保育園"));
    free(t);
    /* the header on every page */
    for (int pg = 1; pg <= pages; pg++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "pdftotext -f %d -l %d -layout '%%s' - 2>&1", pg, pg);
        char *tp = run(cmd, p);
        assert_non_null(strstr(tp, "見出し番号"));
        char foot[64]; /* "2 / 3": poppler drops a narrow space */
        snprintf(foot, sizeof foot, "%d/%d", pg, pages);
        size_t k = 0;
        for (size_t i = 0; tp[i]; i++)
            if (tp[i] != ' ')
                tp[k++] = tp[i];
        tp[k] = '\0';
        assert_non_null(strstr(tp, foot));
        free(tp);
    }
}

static void test_same_bytes(void **state)
{
    (void)state;
    const char *a = path_of("a.pdf"), *b = path_of("b.pdf");
    assert_int_equal(write_table(a, 40, "そら保育園"), 0);
    assert_int_equal(write_table(b, 40, "そら保育園"), 0);
    char *da, *db;
    size_t la, lb;
    assert_int_equal(fs_read_file(a, &da, &la), 0);
    assert_int_equal(fs_read_file(b, &db, &lb), 0);
    assert_int_equal(la, lb);
    assert_memory_equal(da, db, la);
    free(da);
    free(db);
}

/* 𠮷 is outside CP932, so outside the cut-down font: the document goes
 * through cairo, with the system's font for that character. */
static void test_outside_the_cut_font(void **state)
{
    (void)state;
    const char *p = path_of("kichi.pdf");
    assert_int_equal(write_table(p, 3, "𠮷野保育園"), 0);
    if (!poppler())
        return;
    char *info = run("pdfinfo '%s' 2>&1", p);
    char v[256];
    assert_int_equal(strncmp(field(info, "Producer", v, sizeof v), "cairo", 5), 0);
    free(info);
    char *t = run("pdftotext -layout '%s' - 2>&1", p);
    assert_non_null(strstr(t, "宛先：𠮷野保育園"));
    assert_non_null(strstr(t, "3,000円"));
    free(t);
}

static void test_write_error(void **state)
{
    (void)state;
    const char *p = path_of("missing/t.pdf");
    pdf_doc *d = pdf_new("試験", NULL);
    pdf_text(d, PDF_BODY, PDF_LEFT, 0, "本文");
    char err[512] = "";
    assert_int_equal(pdf_write(d, NULL, p, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing/t.pdf"));
    assert_false(fs_exists(p));
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    if (getenv("KEEP_PDF_TEST")) return 0;
    return fs_remove_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_and_text),
        cmocka_unit_test(test_same_bytes),
        cmocka_unit_test(test_outside_the_cut_font),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
