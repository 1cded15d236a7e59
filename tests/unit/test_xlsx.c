/* Unit tests for the xlsx reader: workbooks written by libxlsxwriter (shared
 * strings, numbers, dates, gaps, extra sheets), hand-made zips for what
 * LibreOffice and others write (inline strings, prefixed XML, ふりがな), and
 * one refusal per limit (DOCTYPE, depth, rows, cells, zip bomb, file size,
 * not a zip, a missing part, a dangling shared string). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "kasan/fsutil.h"
#include "kasan/xlsx.h"

static char tmpdir[] = "/tmp/kasan-test-xlsx.XXXXXX";

static int setup(void **state)
{
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    return fs_remove_tree(tmpdir);
}

static const char *tmp_path(const char *name)
{
    static char buf[256];
    snprintf(buf, sizeof buf, "%s/%s", tmpdir, name);
    return buf;
}

/* ------------------------------------------------------------ hand-made zips */

#define CT "[Content_Types].xml"
static const char wb_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"児童\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels_xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://x/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://x/sharedStrings\" Target=\"/xl/strings.xml\"/>"
    "</Relationships>";

/* Writes a zip of (name, content) pairs, content NULL-terminated list;
 * deflated unless stored. */
static const char *make_zip(const char *file, const char *const *entries, size_t n)
{
    const char *path = tmp_path(file);
    char pbuf[256];
    snprintf(pbuf, sizeof pbuf, "%s", path);
    int ze;
    zip_t *z = zip_open(pbuf, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    for (size_t i = 0; i < n; i++) {
        zip_source_t *s = zip_source_buffer(z, entries[2 * i + 1], strlen(entries[2 * i + 1]), 0);
        assert_non_null(s);
        assert_true(zip_file_add(z, entries[2 * i], s, ZIP_FL_OVERWRITE) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    static char out[256];
    snprintf(out, sizeof out, "%s", pbuf);
    return out;
}

/* A one-sheet workbook whose sheet XML (and optionally strings) is given. */
static const char *sheet_zip(const char *file, const char *sheet, const char *sst)
{
    const char *e[] = {CT, "<Types/>", "xl/workbook.xml", wb_xml, "xl/_rels/workbook.xml.rels",
                       rels_xml, "xl/worksheets/sheet1.xml", sheet, "xl/strings.xml",
                       sst ? sst : "<sst/>"};
    return make_zip(file, e, 5);
}

static int open_err(const char *path, const xlsx_limits *lim, char *err, size_t errsz)
{
    xlsx_book *b;
    if (xlsx_open_file(path, lim, &b, err, errsz) != 0)
        return -1;
    arena a = ARENA_INIT;
    xlsx_sheet s;
    int rc = 0;
    for (size_t i = 0; i < xlsx_sheet_count(b) && rc == 0; i++)
        rc = xlsx_sheet_read(b, i, &a, &s, err, errsz);
    arena_release(&a);
    xlsx_close(b);
    return rc;
}

static void assert_refused(const char *path, const xlsx_limits *lim, const char *needle)
{
    char err[512] = "";
    assert_int_equal(open_err(path, lim, err, sizeof err), -1);
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
}

static const xlsx_cell *cell_at(const xlsx_sheet *s, const char *ref)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->cells[i].ref, ref))
            return &s->cells[i];
    return NULL;
}

/* ------------------------------------------------------------ tests */

/* What libxlsxwriter writes: shared strings, numbers, a date serial, a gap
 * of empty rows, three sheets in order. */
static void test_xlsxwriter_book(void **state)
{
    const char *path = tmp_path("w.xlsx");
    char p[256];
    snprintf(p, sizeof p, "%s", path);
    lxw_workbook *wb = workbook_new(p);
    lxw_worksheet *a = workbook_add_worksheet(wb, "説明");
    lxw_worksheet *c = workbook_add_worksheet(wb, "児童");
    workbook_add_worksheet(wb, "extra");
    worksheet_write_string(a, 0, 0, "記入方法", NULL);
    worksheet_write_string(c, 0, 0, "施設番号", NULL);
    worksheet_write_string(c, 6, 1, "C0001", NULL);   /* B7 after five empty rows */
    worksheet_write_number(c, 6, 2, 92.5, NULL);      /* C7 */
    worksheet_write_number(c, 6, 3, 440000, NULL);    /* D7 */
    lxw_datetime d = {2025, 5, 1, 0, 0, 0};
    lxw_format *df = workbook_add_format(wb);
    format_set_num_format(df, "yyyy/mm/dd");
    worksheet_write_datetime(c, 6, 4, &d, df);        /* E7 = serial 45778 */
    worksheet_write_string(c, 6, 27, "AB", NULL);     /* AB7 */
    assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

    xlsx_book *b;
    char err[256];
    assert_int_equal(xlsx_open_file(path, NULL, &b, err, sizeof err), 0);
    assert_int_equal(xlsx_sheet_count(b), 3);
    assert_string_equal(xlsx_sheet_name(b, 0), "説明");
    assert_string_equal(xlsx_sheet_name(b, 1), "児童");
    assert_string_equal(xlsx_sheet_name(b, 2), "extra");
    assert_int_equal(xlsx_sheet_find(b, "児童"), 1);
    assert_int_equal(xlsx_sheet_find(b, "職員"), -1);
    arena ar = ARENA_INIT;
    xlsx_sheet s;
    assert_int_equal(xlsx_sheet_read(b, 1, &ar, &s, err, sizeof err), 0);
    xlsx_close(b); /* the cells outlive the book */
    assert_string_equal(s.name, "児童");
    assert_int_equal(s.n, 6);
    assert_string_equal(s.cells[0].ref, "A1");
    assert_string_equal(s.cells[0].text, "施設番号");
    assert_int_equal(s.cells[0].kind, XLSX_TEXT);
    const xlsx_cell *x = cell_at(&s, "B7");
    assert_non_null(x);
    assert_int_equal(x->row, 7);
    assert_int_equal(x->col, 2);
    assert_string_equal(x->text, "C0001");
    x = cell_at(&s, "C7");
    assert_int_equal(x->kind, XLSX_NUMBER);
    assert_string_equal(x->text, "92.5");
    assert_string_equal(cell_at(&s, "D7")->text, "440000");
    x = cell_at(&s, "E7");
    assert_string_equal(x->text, "45778");
    date_t dt;
    assert_false(s.date1904);
    assert_true(xlsx_serial_date(x->text, s.date1904, &dt));
    assert_int_equal(dt, date_from_ymd(2025, 5, 1));
    assert_int_equal(cell_at(&s, "AB7")->col, 28); /* A..Z = 26, AA 27, AB 28 */
    arena_release(&ar);
}

/* LibreOffice-style inline strings, prefixed elements, a ふりがな run that
 * is not part of the value, a cell without r (after B2 → C2), booleans and
 * formula string results. */
static void test_inline_and_prefixed(void **state)
{
    const char *sheet =
        "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<x:sheetData><x:row r=\"2\">"
        "<x:c r=\"B2\" t=\"inlineStr\"><x:is><x:r><x:t>喀痰</x:t></x:r><x:r><x:t>吸引</x:t></x:r>"
        "<x:rPh sb=\"0\" eb=\"2\"><x:t>カクタン</x:t></x:rPh></x:is></x:c>"
        "<x:c t=\"b\"><x:v>1</x:v></x:c>"
        "<x:c r=\"D2\" t=\"str\"><x:f>A1&amp;\"x\"</x:f><x:v>a&amp;b</x:v></x:c>"
        "<x:c r=\"E2\" t=\"s\"><x:v>0</x:v></x:c>"
        "<x:c r=\"F2\" s=\"3\"/>"
        "<x:c r=\"G2\" t=\"d\"><x:v>2025-05-01T00:00:00</x:v></x:c>"
        "</x:row></x:sheetData><x:sheetProtection sheet=\"1\"/></x:worksheet>";
    const char *sst = "<sst><si><r><t>看護</t></r><r><t>師</t></r><rPh><t>カンゴシ</t></rPh></si></sst>";
    const char *path = sheet_zip("inline.xlsx", sheet, sst);
    xlsx_book *b;
    char err[256];
    assert_int_equal(xlsx_open_file(path, NULL, &b, err, sizeof err), 0);
    arena ar = ARENA_INIT;
    xlsx_sheet s;
    assert_int_equal(xlsx_sheet_read(b, 0, &ar, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 5); /* F2 has no value */
    assert_true(s.protected_);
    assert_string_equal(s.cells[0].text, "喀痰吸引");
    assert_int_equal(s.cells[0].kind, XLSX_TEXT);
    assert_string_equal(s.cells[1].ref, "C2");
    assert_int_equal(s.cells[1].kind, XLSX_BOOL);
    assert_string_equal(s.cells[2].text, "a&b");
    assert_int_equal(s.cells[2].kind, XLSX_TEXT);
    assert_string_equal(s.cells[3].text, "看護師");
    assert_string_equal(s.cells[4].ref, "G2");
    assert_int_equal(s.cells[4].kind, XLSX_TEXT); /* an ISO date cell */
    assert_string_equal(s.cells[4].text, "2025-05-01T00:00:00");
    arena_release(&ar);
    xlsx_close(b);
}

/* 1900 date system: 1 = 1900-01-01, 59 = 1900-02-28, 60 = Excel's
 * 1900-02-29 (refused), 61 = 1900-03-01; 45658 = 2025-01-01 (the known
 * anchor), so 45778 = 45658 + 31 + 28 + 31 + 30 = 2025-05-01. */
static void test_serial_date(void **state)
{
    date_t d;
    assert_true(xlsx_serial_date("1", false, &d));
    assert_int_equal(d, date_from_ymd(1900, 1, 1));
    assert_true(xlsx_serial_date("59", false, &d));
    assert_int_equal(d, date_from_ymd(1900, 2, 28));
    assert_false(xlsx_serial_date("60", false, &d));
    assert_true(xlsx_serial_date("61", false, &d));
    assert_int_equal(d, date_from_ymd(1900, 3, 1));
    assert_true(xlsx_serial_date("45658", false, &d));
    assert_int_equal(d, date_from_ymd(2025, 1, 1));
    assert_true(xlsx_serial_date("45778.75", false, &d));
    assert_int_equal(d, date_from_ymd(2025, 5, 1));
    assert_false(xlsx_serial_date("0", false, &d));
    assert_false(xlsx_serial_date("-3", false, &d));
    assert_false(xlsx_serial_date("4.5E+4", false, &d));
    assert_false(xlsx_serial_date("2958466", false, &d));
    assert_false(xlsx_serial_date("", false, &d));
    /* 1904 date system: 0 = 1904-01-01, no 1900-02-29; the same day is 1,462
     * less (45658 − 1462 = 44196 is 2025-01-01), 2957003 = 9999-12-31 */
    assert_true(xlsx_serial_date("0", true, &d));
    assert_int_equal(d, date_from_ymd(1904, 1, 1));
    assert_true(xlsx_serial_date("44196", true, &d));
    assert_int_equal(d, date_from_ymd(2025, 1, 1));
    assert_true(xlsx_serial_date("60", true, &d));
    assert_int_equal(d, date_from_ymd(1904, 3, 1)); /* 1904 is a leap year: 31 + 29 */
    assert_true(xlsx_serial_date("2957003", true, &d));
    assert_int_equal(d, date_from_ymd(9999, 12, 31));
    assert_false(xlsx_serial_date("2957004", true, &d));
    assert_false(xlsx_serial_date("-1", true, &d));
    char ref[16];
    xlsx_ref(1048576, 16384, ref);
    assert_string_equal(ref, "XFD1048576");
}

/* Formulas: a saved result is the value (number, string, even an empty
 * string); a formula saved without one — openpyxl writes <v></v> or no <v> —
 * is XLSX_FORMULA with its text, never an empty cell (the bug: 寄付金
 * "=20000" read as empty, so as 0).  And the workbook's 1904 date system
 * goes with each sheet. */
static void test_formulas_and_1904(void **state)
{
    static const char wb1904[] =
        "<workbook xmlns:r=\"r\"><workbookPr date1904=\"true\"/>"
        "<sheets><sheet name=\"児童\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    const char *sheet =
        "<worksheet><sheetData><row r=\"6\">"
        "<c r=\"A6\"><f>20000</f><v>20000</v></c>"
        "<c r=\"B6\"><f>20000</f><v></v></c>"
        "<c r=\"C6\"><f>DATE(2025,10,15)</f></c>"
        "<c r=\"D6\" t=\"str\"><f>IF(A6=0,\"x\",\"\")</f><v></v></c>"
        "<c r=\"E6\" t=\"str\"><f>\"○\"</f><v>○</v></c>"
        "<c r=\"F6\"><f t=\"shared\" si=\"0\"/></c>"
        "<c r=\"G6\"><v>44483</v></c>"
        "</row></sheetData></worksheet>";
    const char *e[] = {CT, "<Types/>", "xl/workbook.xml", wb1904, "xl/_rels/workbook.xml.rels",
                       rels_xml, "xl/worksheets/sheet1.xml", sheet, "xl/strings.xml", "<sst/>"};
    const char *path = make_zip("formulas.xlsx", e, 5);
    xlsx_book *b;
    char err[256];
    assert_int_equal(xlsx_open_file(path, NULL, &b, err, sizeof err), 0);
    arena ar = ARENA_INIT;
    xlsx_sheet s;
    assert_int_equal(xlsx_sheet_read(b, 0, &ar, &s, err, sizeof err), 0);
    xlsx_close(b);
    assert_true(s.date1904);
    assert_int_equal(s.n, 7);
    assert_int_equal(cell_at(&s, "A6")->kind, XLSX_NUMBER);
    assert_string_equal(cell_at(&s, "A6")->text, "20000");
    assert_int_equal(cell_at(&s, "B6")->kind, XLSX_FORMULA);
    assert_string_equal(cell_at(&s, "B6")->text, "=20000");
    assert_int_equal(cell_at(&s, "C6")->kind, XLSX_FORMULA);
    assert_string_equal(cell_at(&s, "C6")->text, "=DATE(2025,10,15)");
    assert_int_equal(cell_at(&s, "D6")->kind, XLSX_TEXT); /* an empty string result */
    assert_string_equal(cell_at(&s, "D6")->text, "");
    assert_string_equal(cell_at(&s, "E6")->text, "○");
    assert_int_equal(cell_at(&s, "F6")->kind, XLSX_FORMULA);
    assert_string_equal(cell_at(&s, "F6")->text, "=");
    /* 44483 in the 1904 system: 44196 is 2025-01-01, + 287 = 2025-10-15 */
    date_t d;
    assert_true(xlsx_serial_date(cell_at(&s, "G6")->text, s.date1904, &d));
    assert_int_equal(d, date_from_ymd(2025, 10, 15));
    arena_release(&ar);
}

static void test_doctype_refused(void **state)
{
    /* billion laughs and XXE both need a DOCTYPE: refused before any entity */
    const char *laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                         "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>"
                         "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&lol2;</t></is>"
                         "</c></row></sheetData></worksheet>";
    assert_refused(sheet_zip("laughs.xlsx", laughs, NULL), NULL, "DOCTYPE");
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY x SYSTEM "
                      "\"file:///etc/passwd\">]><sst><si><t>&x;</t></si></sst>";
    assert_refused(sheet_zip("xxe.xlsx", "<worksheet/>", xxe), NULL, "DOCTYPE");
}

static void test_depth_refused(void **state)
{
    char sheet[4096] = "<worksheet>";
    for (int i = 0; i < 100; i++)
        strcat(sheet, "<a>");
    for (int i = 0; i < 100; i++)
        strcat(sheet, "</a>");
    strcat(sheet, "</worksheet>");
    assert_refused(sheet_zip("deep.xlsx", sheet, NULL), NULL, "nested deeper than 64");
}

static void test_rows_and_cells_refused(void **state)
{
    /* A row numbered 1,048,576 (the last Excel row) stops the read at once. */
    assert_refused(sheet_zip("lastrow.xlsx",
                             "<worksheet><sheetData><row r=\"1048576\"><c><v>1</v></c></row>"
                             "</sheetData></worksheet>",
                             NULL),
                   NULL, "row 1048576 is beyond the 65536 rows");
    /* Rows without numbers count from 1: the 11th is refused at max_rows 10. */
    char sheet[4096] = "<worksheet><sheetData>";
    for (int i = 0; i < 11; i++)
        strcat(sheet, "<row><c><v>1</v></c></row>");
    strcat(sheet, "</sheetData></worksheet>");
    xlsx_limits lim = XLSX_DEFAULT_LIMITS;
    lim.max_rows = 10;
    assert_refused(sheet_zip("rows.xlsx", sheet, NULL), &lim, "row 11 is beyond the 10 rows");
    lim = XLSX_DEFAULT_LIMITS;
    lim.max_cells = 10; /* 11 cells, each in its own row */
    assert_refused(sheet_zip("cells.xlsx", sheet, NULL), &lim, "more than 10 cells");
}

static void test_zip_bomb_refused(void **state)
{
    /* 4 MB of one repeated row deflates about 1000-fold: more than 100. */
    size_t n = (size_t)4 << 20;
    char *big = malloc(n + 64);
    assert_non_null(big);
    strcpy(big, "<worksheet><sheetData>");
    size_t len = strlen(big);
    while (len + 40 < n) {
        memcpy(big + len, "<row><c><v>1</v></c></row>", 26);
        len += 26;
    }
    strcpy(big + len, "</sheetData></worksheet>");
    assert_refused(sheet_zip("bomb.xlsx", big, NULL), NULL, "zip bomb");
    /* The same sheet under a total of 1 MB: refused while reading. */
    xlsx_limits lim = XLSX_DEFAULT_LIMITS;
    lim.max_ratio = 1000000;
    lim.max_entry = (size_t)1 << 20;
    assert_refused(sheet_zip("bomb2.xlsx", big, NULL), &lim, "more than the 1048576 allowed");
    free(big);
}

static void test_not_a_form_refused(void **state)
{
    xlsx_limits lim = XLSX_DEFAULT_LIMITS;
    lim.max_file = 100;
    assert_refused(sheet_zip("small.xlsx", "<worksheet/>", NULL), &lim,
                   "larger than the 100 a claim form may be");
    const char *p = tmp_path("text.xlsx");
    char path[256];
    snprintf(path, sizeof path, "%s", p);
    assert_int_equal(fs_write_atomic(path, "a,b\n1,2\n", 8), 0);
    assert_refused(path, NULL, "not a zip file");
    const char *e[] = {"hello.txt", "hi"};
    assert_refused(make_zip("nowb.xlsx", e, 1), NULL, "no xl/workbook.xml");
    assert_refused(sheet_zip("dangling.xlsx",
                             "<worksheet><sheetData><row><c t=\"s\"><v>7</v></c></row>"
                             "</sheetData></worksheet>",
                             NULL),
                   NULL, "cell A1 refers to shared string '7', which does not exist");
    assert_refused(sheet_zip("broken.xlsx", "<worksheet><sheetData>", NULL), NULL,
                   "not well-formed XML");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_xlsxwriter_book),
        cmocka_unit_test(test_inline_and_prefixed),
        cmocka_unit_test(test_serial_date),
        cmocka_unit_test(test_formulas_and_1904),
        cmocka_unit_test(test_doctype_refused),
        cmocka_unit_test(test_depth_refused),
        cmocka_unit_test(test_rows_and_cells_refused),
        cmocka_unit_test(test_zip_bomb_refused),
        cmocka_unit_test(test_not_a_form_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
