/* Unit tests for csv: RFC 4180 quoting, line endings, encodings (BOM, CP932),
 * columns by name, and the errors and limits of the reader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kasan/csv.h"

/* Asserts that field k of the current record is exactly s. */
static void field_is(const csv_reader *r, int k, const char *s)
{
    csv_field f = csv_get(r, k);
    assert_int_equal(f.len, strlen(s));
    assert_memory_equal(f.p, s, f.len);
}

static void diag_is(const diag_list *d, size_t i, int line, int col, const char *msg)
{
    assert_true(i < d->n);
    assert_string_equal(d->v[i].file, "t.csv");
    assert_int_equal(d->v[i].line, line);
    assert_int_equal(d->v[i].col, col);
    assert_string_equal(d->v[i].msg, msg);
}

static const csv_column ab_cols[] = {{"a", true}, {"b", true}};

/* Opens text and reads the header for columns a and b. */
static void open_ab(csv_reader *r, const char *text, size_t len, int idx[2], diag_list *d)
{
    assert_int_equal(csv_open(r, "t.csv", text, len, d), 0);
    assert_int_equal(csv_header(r, ab_cols, 2, idx, d), 0);
}

static void test_plain(void **state)
{
    (void)state;
    const char text[] = "a,b\nx,y\n,z\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(r.encoding, CSV_UTF8);
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(r.rec_line, 2);
    field_is(&r, idx[0], "x");
    field_is(&r, idx[1], "y");
    assert_int_equal(csv_max_records(&r), 2); /* the ",z" line and a possible last one */
    assert_ptr_equal(r.f[0].p, text + 4); /* a slice of the input, not a copy */
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(r.rec_line, 3);
    field_is(&r, idx[0], "");
    field_is(&r, idx[1], "z");
    assert_int_equal(csv_next(&r, &d), 0);
    assert_int_equal(diag_count(&d), 0);
    csv_close(&r);
}

/* Comma, doubled quote and newline inside quoted fields; the record after a
 * two-line record starts on physical line 4. */
static void test_quoting(void **state)
{
    (void)state;
    const char text[] = "a,b\n"
                        "\"x,1\",\"say \"\"hi\"\"\"\n"
                        "\"two\nlines\",\"\"\n"
                        "p,\"q\"\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(r.rec_line, 2);
    field_is(&r, idx[0], "x,1");
    field_is(&r, idx[1], "say \"hi\"");
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(r.rec_line, 3);
    field_is(&r, idx[0], "two\nlines");
    field_is(&r, idx[1], "");
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(r.rec_line, 5);
    field_is(&r, idx[0], "p");
    field_is(&r, idx[1], "q");
    assert_int_equal(csv_next(&r, &d), 0);
    assert_int_equal(diag_count(&d), 0);
    csv_close(&r);
}

static void test_crlf_and_last_line(void **state)
{
    (void)state;
    const char text[] = "a,b\r\nx,y\r\n\"q\",\"r\"\r\nlast,z"; /* no final newline */
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(csv_next(&r, &d), 1);
    field_is(&r, idx[0], "x");
    field_is(&r, idx[1], "y");
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(r.rec_line, 3);
    field_is(&r, idx[0], "q");
    field_is(&r, idx[1], "r");
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(r.rec_line, 4);
    field_is(&r, idx[0], "last");
    field_is(&r, idx[1], "z");
    assert_int_equal(csv_next(&r, &d), 0);
    assert_int_equal(diag_count(&d), 0);
    csv_close(&r);
}

static void test_bom(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF" "a,b\n1,2\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(r.encoding, CSV_UTF8_BOM);
    assert_int_equal(idx[0], 0); /* "a", not "\uFEFFa" */
    assert_int_equal(csv_next(&r, &d), 1);
    field_is(&r, idx[0], "1");
    csv_close(&r);
}

/* 保育園 is 95 DB 88 E7 89 80 in CP932; ｱｲｳ (half-width) is B1 B2 B3 and must
 * stay half-width: U+FF71 U+FF72 U+FF73. */
static void test_cp932(void **state)
{
    (void)state;
    const char text[] = "a,b\n\x95\xDB\x88\xE7\x89\x80,\xB1\xB2\xB3\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(r.encoding, CSV_CP932);
    assert_int_equal(csv_next(&r, &d), 1);
    field_is(&r, idx[0], "保育園");
    field_is(&r, idx[1], "\xEF\xBD\xB1\xEF\xBD\xB2\xEF\xBD\xB3");
    field_is(&r, idx[1], "ｱｲｳ");
    csv_close(&r);
}

static void test_full_width_utf8_kept(void **state)
{
    (void)state;
    const char text[] = "a,b\nアイウ,ｱｲｳ\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(r.encoding, CSV_UTF8);
    assert_int_equal(csv_next(&r, &d), 1);
    field_is(&r, idx[0], "アイウ");
    field_is(&r, idx[1], "ｱｲｳ");
    csv_close(&r);
}

/* 0x80 is neither a UTF-8 lead byte nor a CP932 character. */
static void test_bad_encoding(void **state)
{
    (void)state;
    const char text[] = "a,b\nx,y\n\x80z,1\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(csv_open(&r, "t.csv", text, sizeof text - 1, &d), -1);
    diag_is(&d, 0, 3, 0,
            "text is neither UTF-8 nor CP932 (Shift_JIS): invalid UTF-8 byte 0x80 at byte "
            "offset 8 (line 3), invalid CP932 byte 0x80 at byte offset 8 (line 3)");
    csv_close(&r);
    diag_release(&d);
}

static void test_columns_by_name(void **state)
{
    (void)state;
    const char text[] = "extra,b,more,a\n1,2,3,4\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(idx[0], 3);
    assert_int_equal(idx[1], 1);
    assert_int_equal(csv_next(&r, &d), 1);
    field_is(&r, idx[0], "4");
    field_is(&r, idx[1], "2");
    csv_close(&r);
}

static void test_missing_and_optional_column(void **state)
{
    (void)state;
    const char text[] = "a,x\n1,2\n";
    const csv_column cols[] = {{"a", true}, {"hours", true}, {"note", false}};
    int idx[3];
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(csv_open(&r, "t.csv", text, sizeof text - 1, &d), 0);
    assert_int_equal(csv_header(&r, cols, 3, idx, &d), -1);
    assert_int_equal(d.n, 1);
    diag_is(&d, 0, 1, 0, "missing required column 'hours'");
    assert_int_equal(idx[2], -1);
    assert_int_equal(csv_next(&r, &d), 1);
    field_is(&r, idx[2], ""); /* an absent optional column reads as empty */
    csv_close(&r);
    diag_release(&d);
}

static void test_duplicate_header_column(void **state)
{
    (void)state;
    const char text[] = "a,b,a\n1,2,3\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    assert_int_equal(csv_open(&r, "t.csv", text, sizeof text - 1, &d), 0);
    assert_int_equal(csv_header(&r, ab_cols, 2, idx, &d), -1);
    diag_is(&d, 0, 1, 3, "column 'a' appears twice in the header (fields 1 and 3)");
    csv_close(&r);
    diag_release(&d);
}

static void test_empty_file(void **state)
{
    (void)state;
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    assert_int_equal(csv_open(&r, "t.csv", "\n\n", 2, &d), 0);
    assert_int_equal(csv_header(&r, ab_cols, 2, idx, &d), -1);
    diag_is(&d, 0, 0, 0, "empty file: a header row naming the columns is required");
    csv_close(&r);
    diag_release(&d);
}

/* Wrong field counts and stray quotes are reported with their line; reading
 * goes on, and blank lines (middle and end) are skipped. */
static void test_bad_records_reported_and_skipped(void **state)
{
    (void)state;
    const char text[] = "a,b\n"
                        "1,2,3\n"      /* line 2: too many */
                        "1\n"          /* line 3: too few */
                        "\n"           /* line 4: blank */
                        "x\"y,2\n"     /* line 5: stray quote */
                        "\"x\"y,2\n"   /* line 6: text after closing quote */
                        "ok,1\n"
                        "\n\r\n\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(r.rec_line, 7);
    field_is(&r, idx[0], "ok");
    assert_int_equal(csv_next(&r, &d), 0);
    assert_int_equal(d.n, 4);
    assert_int_equal(csv_errors(&r), 4);
    diag_is(&d, 0, 2, 0, "record has 3 fields but the header has 2");
    diag_is(&d, 1, 3, 0, "record has 1 fields but the header has 2");
    diag_is(&d, 2, 5, 1,
            "quote inside an unquoted field (quote the whole field and double the quote)");
    diag_is(&d, 3, 6, 1,
            "unexpected character after a closing quote (write \"\" for a quote inside a "
            "quoted field)");
    csv_close(&r);
    diag_release(&d);
}

static void test_unterminated_quote(void **state)
{
    (void)state;
    const char text[] = "a,b\n1,2\n3,\"open\nmore\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, sizeof text - 1, idx, &d);
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(csv_next(&r, &d), -1);
    diag_is(&d, 0, 3, 2, "quoted field is never closed");
    assert_int_equal(csv_next(&r, &d), -1); /* stays stopped */
    csv_close(&r);
    diag_release(&d);
}

/* A physical line of 1 MiB + 1 byte is refused; one of exactly 1 MiB is not. */
static void test_long_line_limit(void **state)
{
    (void)state;
    size_t n = CSV_MAX_LINE + 1;
    char *text = malloc(4 + n + 1 + 4 + CSV_MAX_LINE + 1);
    memcpy(text, "a,b\n", 4);
    memset(text + 4, 'x', n);
    text[4 + 1] = ',';
    text[4 + n] = '\n';
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, 4 + n + 1, idx, &d);
    assert_int_equal(csv_next(&r, &d), -1);
    diag_is(&d, 0, 2, 0, "line is longer than 1048576 bytes");
    csv_close(&r);
    diag_release(&d);

    open_ab(&r, text, 4 + n - 1, idx, &d); /* the same line, 1 MiB long */
    assert_int_equal(csv_next(&r, &d), 1);
    assert_int_equal(csv_get(&r, idx[1]).len, CSV_MAX_LINE - 2);
    csv_close(&r);

    /* a quoted record over many short lines that never closes within 1 MiB */
    size_t len = 4;
    memcpy(text, "a,b\n", 4);
    text[len++] = '"';
    while (len < 4 + CSV_MAX_LINE + 100) {
        memcpy(text + len, "xxxxxxx\n", 8);
        len += 8;
    }
    open_ab(&r, text, len, idx, &d);
    assert_int_equal(csv_next(&r, &d), -1);
    diag_is(&d, 0, 2, 0, "record is longer than 1048576 bytes (a quoted field not closed?)");
    csv_close(&r);
    diag_release(&d);
    free(text);
}

static void test_field_count_limit(void **state)
{
    (void)state;
    size_t fields = CSV_MAX_FIELDS + 1;
    char *text = malloc(4 + 2 * fields + 1);
    memcpy(text, "a,b\n", 4);
    for (size_t i = 0; i < fields; i++)
        memcpy(text + 4 + 2 * i, "1,", 2);
    text[4 + 2 * fields - 1] = '\n';
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, 4 + 2 * fields, idx, &d);
    assert_int_equal(csv_next(&r, &d), -1);
    diag_is(&d, 0, 2, 0, "record has more than 4096 fields");
    csv_close(&r);
    diag_release(&d);
    free(text);
}

static void test_utf8_validation(void **state)
{
    (void)state;
    size_t bad = 0;
    assert_true(csv_utf8_valid("plain ascii text, long enough", 29, &bad));
    assert_true(csv_utf8_valid("\xF0\x9F\x98\x80", 4, &bad));      /* U+1F600 */
    assert_false(csv_utf8_valid("ab\xC0\xAF", 4, &bad));           /* overlong '/' */
    assert_int_equal(bad, 2);
    assert_false(csv_utf8_valid("abcdefgh\xED\xA0\x80", 11, &bad)); /* surrogate */
    assert_int_equal(bad, 8);
    assert_false(csv_utf8_valid("\xE4\xBF", 2, &bad));              /* truncated */
    assert_int_equal(bad, 0);
}

/* Reference for a 3-byte sequence (SPEC 2: UTF-8 as RFC 3629): lead E0-EF,
 * two continuation bytes, code point >= U+0800 and not a surrogate. */
static bool three_byte_ok(unsigned a, unsigned b, unsigned c)
{
    if ((b & 0xC0) != 0x80 || (c & 0xC0) != 0x80)
        return false;
    unsigned cp = (a & 0x0F) << 12 | (b & 0x3F) << 6 | (c & 0x3F);
    return cp >= 0x800 && (cp < 0xD800 || cp > 0xDFFF);
}

/* Every lead E0-EF with every pair of following bytes, in a run of Japanese
 * text after ASCII (the scan's inline kana/kanji path), agrees with the
 * reference; a bad one is reported at its lead byte (offset 5, after "ab" and
 * U+3042).  E0 A0 80 (U+0800) passes, E0 9F BF (overlong) and ED A0 80
 * (surrogate) fail.  A lead two bytes before the end is cut short. */
static void test_utf8_three_byte(void **state)
{
    (void)state;
    char text[9] = "ab\xE3\x81\x82";
    size_t fails = 0;
    for (unsigned a = 0xE0; a <= 0xEF; a++) {
        for (unsigned b = 0; b < 256; b++) {
            for (unsigned c = 0; c < 256; c++) {
                text[5] = (char)a, text[6] = (char)b, text[7] = (char)c, text[8] = 'z';
                size_t bad = 99;
                bool ok = csv_utf8_valid(text, 9, &bad);
                bool want = three_byte_ok(a, b, c);
                if (ok != want || (!ok && bad != 5))
                    fails++;
            }
        }
    }
    assert_int_equal(fails, 0);
    size_t bad = 0;
    assert_true(csv_utf8_valid("ab\xE0\xA0\x80z", 6, &bad));
    assert_false(csv_utf8_valid("ab\xE0\x9F\xBFz", 6, &bad));
    assert_int_equal(bad, 2);
    assert_false(csv_utf8_valid("ab\xED\xA0\x80z", 6, &bad));
    assert_int_equal(bad, 2);
    assert_false(csv_utf8_valid("ab\xE3\x81", 4, &bad));
    assert_int_equal(bad, 2);
}

/* Newlines in 16-byte blocks that also hold Japanese text are all counted:
 * 30 records "y..y,\xE3\x81\x82\n" (p = 0..29 'y's, so the characters fall
 * at every offset of a block) after the header: csv_max_records after the
 * header is the 30 newlines left + 1 = 31, and 30 records are read. */
static void test_newlines_mixed_text(void **state)
{
    (void)state;
    char text[4 + 30 * (30 + 5)];
    size_t len = 0;
    memcpy(text, "a,b\n", 4), len = 4;
    for (int p = 0; p < 30; p++) {
        memset(text + len, 'y', (size_t)p), len += (size_t)p;
        memcpy(text + len, ",\xE3\x81\x82\n", 5), len += 5;
    }
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    int idx[2];
    open_ab(&r, text, len, idx, &d);
    assert_int_equal(csv_max_records(&r), 31);
    int n = 0;
    while (csv_next(&r, &d) == 1)
        n++;
    assert_int_equal(n, 30);
    assert_int_equal(diag_count(&d), 0);
    csv_close(&r);
    diag_release(&d);
}

/* Every C0 control other than tab, CR and LF, at every position of a 40-byte
 * text (so both the 16-byte block scan and the byte tail meet it), is refused
 * at open with its line and character column; tab, CR and LF are not. */
static void test_control_bytes(void **state)
{
    (void)state;
    char text[41];
    for (int c = 0; c < 0x20; c++) {
        for (size_t at = 0; at < 40; at++) {
            /* "a,b\n" then "x,yyyy...": line 2 starts at offset 4 */
            memcpy(text, "a,b\nx,yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy\n", 40);
            if (at == 3)
                continue; /* the newline that makes line 2 */
            text[at] = (char)c;
            csv_reader r;
            diag_list d = DIAG_LIST_INIT;
            int rc = csv_open(&r, "t.csv", text, 40, &d);
            if (c == '\t' || c == '\n' || c == '\r') {
                assert_int_equal(rc, 0);
                csv_close(&r);
            } else {
                assert_int_equal(rc, -1);
                int line = at < 4 ? 1 : 2, col = at < 4 ? (int)at + 1 : (int)at - 3;
                char msg[160];
                snprintf(msg, sizeof msg, "control character 0x%02X%s in the text: the file is "
                         "malformed (only tab, CR and LF are allowed)", c, c ? "" : " (NUL)");
                diag_is(&d, 0, line, col, msg);
                assert_int_equal(csv_errors(&r), 1);
            }
            diag_release(&d);
        }
    }
}

/* With a BOM the control byte is still placed in the text after it (one
 * scan over the whole input finds it, the BOM is then set aside). */
static void test_control_after_bom(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF" "a,b\nx\x01y,z\n";
    csv_reader r;
    diag_list d = DIAG_LIST_INIT;
    assert_int_equal(csv_open(&r, "t.csv", text, sizeof text - 1, &d), -1);
    diag_is(&d, 0, 2, 2, "control character 0x01 in the text: the file is malformed (only tab, "
                         "CR and LF are allowed)");
    diag_release(&d);
}

/* The column counts characters: after "P002,大山" (5 + 2 characters, 11
 * bytes) a NUL is at column 8; in a CP932 file the check runs on the
 * converted text (大山 is 4 bytes there) and gives the same column. */
static void test_control_column_in_characters(void **state)
{
    (void)state;
    const char utf8[] = "a,b\nP002,\xe5\xa4\xa7\xe5\xb1\xb1\x00x,y\n";
    const char cp932[] = "a,b\nP002,\x91\xe5\x8e\x52\x00x,y\n";
    const struct { const char *t; size_t n; } cases[] = {{utf8, sizeof utf8 - 1},
                                                          {cp932, sizeof cp932 - 1}};
    for (size_t i = 0; i < 2; i++) {
        csv_reader r;
        diag_list d = DIAG_LIST_INIT;
        assert_int_equal(csv_open(&r, "t.csv", cases[i].t, cases[i].n, &d), -1);
        diag_is(&d, 0, 2, 8, "control character 0x00 (NUL) in the text: the file is malformed "
                             "(only tab, CR and LF are allowed)");
        diag_release(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_quoting),
        cmocka_unit_test(test_crlf_and_last_line),
        cmocka_unit_test(test_bom),
        cmocka_unit_test(test_cp932),
        cmocka_unit_test(test_full_width_utf8_kept),
        cmocka_unit_test(test_bad_encoding),
        cmocka_unit_test(test_columns_by_name),
        cmocka_unit_test(test_missing_and_optional_column),
        cmocka_unit_test(test_duplicate_header_column),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_bad_records_reported_and_skipped),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_long_line_limit),
        cmocka_unit_test(test_field_count_limit),
        cmocka_unit_test(test_utf8_validation),
        cmocka_unit_test(test_utf8_three_byte),
        cmocka_unit_test(test_newlines_mixed_text),
        cmocka_unit_test(test_control_bytes),
        cmocka_unit_test(test_control_after_bom),
        cmocka_unit_test(test_control_column_in_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
