/* test_web: the web front-end below the socket (src/web/, issue 25) —
 * escaping and templates, CSRF tokens and their comparison, sessions
 * (expiry, fixation, keys wiped), the failed-login limiter, request bodies
 * within bounds, download paths (traversal, encodings, symlinks, hard
 * links), pagination, the chart's integer geometry, and whole requests
 * through web_handle: no session, wrong or missing CSRF token, a foreign
 * Origin or Host, the write lock, the access log, the security headers.
 * Each security case tries to break the claim it tests.
 * (tests/e2e/serve.sh drives the real server; tests/web/ a real browser.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../src/web/web_int.h"
#include "kasan/flow_sign.h"
#include "kasan/flow_view.h"
#include "kasan/ledger.h"
#include "kasan/ledger_sign.h"
#include "kasan/fsutil.h"
#include "kasan/sign.h"

/* ------------------------------------------------------------ helpers */

static char *escaped(const char *s)
{
    strbuf sb;
    sb_init(&sb);
    web_escape(&sb, s, strlen(s));
    return sb_detach(&sb, NULL);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    chmod(path, mode);
}

static char *tmpdir(void)
{
    char tmpl[] = "/tmp/kasan-test-web.XXXXXX";
    char *d = mkdtemp(tmpl);
    assert_non_null(d);
    return strdup(d);
}

/* ------------------------------------------------------------ escaping and templates */

static void test_escape(void **state)
{
    (void)state;
    char *e = escaped("<script>alert(\"x\")&'</script>");
    assert_string_equal(e, "&lt;script&gt;alert(&quot;x&quot;)&amp;&#39;&lt;/script&gt;");
    free(e);
    /* C0 controls and DEL dropped; tab, LF, CR and UTF-8 kept */
    e = escaped("a\x01" "b\x1b[31m\x7f\tc\nd\r保育園");
    assert_string_equal(e, "ab[31m\tc\nd\r保育園");
    free(e);
    e = escaped("");
    assert_string_equal(e, "");
    free(e);
}

static void test_template(void **state)
{
    (void)state;
    web_html h, inner;
    web_html_init(&h);
    web_html_init(&inner);
    /* a nursery called <script> is text, never markup */
    web_html(&inner, "<b>{}</b>", H_TEXT("<script>alert(1)</script>"));
    assert_string_equal(web_html_str(&inner), "<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>");
    /* 1,234,567 yen grouped by three; -1,000; an HTML fragment is not escaped twice */
    web_html(&h, "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>{{}", H_YEN(1234567),
             H_YEN(-1000), H_INT(-42), H_HTML(&inner));
    assert_string_equal(web_html_str(&h),
                        "<td>1,234,567円</td><td>-1,000円</td><td>-42</td>"
                        "<td><b>&lt;script&gt;alert(1)&lt;/script&gt;</b></td>{}");
    sb_reset(&h.sb);
    /* an attribute: the quote cannot be closed by the value */
    web_html(&h, "<a href=\"/downloads?dir={}\">", H_TEXT("x\" onmouseover=\"alert(1)"));
    assert_string_equal(web_html_str(&h),
                        "<a href=\"/downloads?dir=x&quot; onmouseover=&quot;alert(1)\">");
    sb_reset(&h.sb);
    web_html(&h, "[{}]", H_TEXT(NULL));
    assert_string_equal(web_html_str(&h), "[]");
    sb_reset(&h.sb);
    web_html(&h, "{}", H_YEN(INT64_MIN)); /* no overflow in the grouping */
    assert_string_equal(web_html_str(&h), "-9223372036854775808円");
    web_html_release(&h);
    web_html_release(&inner);
}

/* ------------------------------------------------------------ tokens */

static void test_tokens(void **state)
{
    (void)state;
    char a[WEB_TOKEN_HEX + 1], b[WEB_TOKEN_HEX + 1];
    assert_true(web_token_new(a));
    assert_true(web_token_new(b));
    assert_true(web_token_wellformed(a));
    assert_int_equal(strlen(a), 64); /* 256 bits as hex */
    assert_string_not_equal(a, b);
    assert_true(web_token_equal(a, a));
    assert_false(web_token_equal(a, b));
    char c[WEB_TOKEN_HEX + 2];
    strcpy(c, a);
    c[63] = c[63] == '0' ? '1' : '0'; /* the last digit only */
    assert_false(web_token_equal(a, c));
    c[63] = a[63];
    assert_true(web_token_equal(a, c));
    c[63] = '\0'; /* a prefix */
    assert_false(web_token_equal(a, c));
    strcpy(c, a);
    strcat(c, "0"); /* longer */
    assert_false(web_token_equal(a, c));
    assert_false(web_token_equal(a, NULL));
    assert_false(web_token_equal(a, ""));
    /* upper case is another token (and not one we issue) */
    char up[WEB_TOKEN_HEX + 1] = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";
    assert_false(web_token_wellformed(up));
    assert_false(web_token_equal("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff", up));
    assert_false(web_token_wellformed("xyz"));
    assert_false(web_token_wellformed(NULL));
}

/* ------------------------------------------------------------ sessions */

static web_operator op_named(const char *id, unsigned roles)
{
    web_operator op;
    memset(&op, 0, sizeof op);
    snprintf(op.id, sizeof op.id, "%s", id);
    snprintf(op.name, sizeof op.name, "職員%s", id);
    op.roles = roles;
    return op;
}

/* A session's key: a fresh Ed25519 key (the real type web_key_free wipes). */
static struct web_key *test_key(void)
{
    sign_key *k = NULL;
    assert_int_equal(sign_generate(&k), SIGN_OK);
    struct web_key *wk = web_key_from(k);
    assert_non_null(wk);
    return wk;
}

/* ------------------------------------------------------------ a ward with operators */

static void run(const char *cmd)
{
    if (system(cmd) != 0)
        fail_msg("%s failed", cmd);
}

/* KEYS/ID.pem for a new key under pass (mode 0600); its public key line in line. */
static void write_key(const char *keys, const char *id, const char *pass,
                      char line[SIGN_LINE_LEN + 1])
{
    sign_key *k = NULL;
    assert_int_equal(sign_generate(&k), SIGN_OK);
    sign_secret s;
    memset(&s, 0, sizeof s);
    snprintf(s.s, sizeof s.s, "%s", pass);
    s.len = strlen(pass);
    char *pem;
    size_t len;
    assert_int_equal(sign_key_encrypt_pem(k, &s, &pem, &len), SIGN_OK);
    sign_public pub;
    sign_key_public(k, &pub);
    sign_public_line(&pub, line);
    sign_key_free(k);
    char path[600];
    snprintf(path, sizeof path, "%s/%s.pem", keys, id);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, pem, len), (ssize_t)len);
    close(fd);
    free(pem);
}

/* root/rules: the repository's rules and an operators file in force from
 * 2025-04-01 (KASAN_NOW is 2025-05-12): clerk (draft, a name with
 * <script>), payer (pay), auditor (audit), approver (approve), chief
 * (draft and approve); root/keys: their keys. */
static void make_operators(const char *root)
{
    const char *src = getenv("KASAN_SRCDIR");
    assert_non_null(src);
    char cmd[2000], keys[600], ops[700];
    snprintf(cmd, sizeof cmd, "cp -r '%s/rules' '%s/rules' && mkdir -m 700 '%s/keys' && "
             "mkdir '%s/rules/operators'", src, root, root, root);
    run(cmd);
    snprintf(keys, sizeof keys, "%s/keys", root);
    char lc[SIGN_LINE_LEN + 1], lp[SIGN_LINE_LEN + 1], la[SIGN_LINE_LEN + 1];
    char lv[SIGN_LINE_LEN + 1], lh[SIGN_LINE_LEN + 1];
    write_key(keys, "clerk", "correct horse", lc);
    write_key(keys, "payer", "battery staple", lp);
    write_key(keys, "auditor", "auditor passphrase", la);
    write_key(keys, "approver", "approver passphrase", lv);
    write_key(keys, "chief", "chief passphrase", lh);
    snprintf(ops, sizeof ops, "%s/rules/operators/2025-04.yaml", root);
    char yaml[3000];
    snprintf(yaml, sizeof yaml,
             "kind: operators\nversion: \"2025-04\"\ntitle: 操作者\neffective_from: 2025-04-01\n"
             "basis: 事務分掌規則\noperators:\n"
             "  - id: clerk\n    name: \"<script>alert(1)</script>\"\n    post: 主事\n"
             "    roles: [draft]\n    key: %s\n    valid_from: 2025-04-01\n"
             "  - id: payer\n    name: 会計管理者\n    post: 会計管理者\n"
             "    roles: [pay]\n    key: %s\n    valid_from: 2025-04-01\n"
             "  - id: auditor\n    name: 監査 委員\n    post: 監査委員事務局\n"
             "    roles: [audit]\n    key: %s\n    valid_from: 2025-04-01\n"
             "  - id: approver\n    name: 決裁 課長\n    post: 保育サービス課長\n"
             "    roles: [approve]\n    key: %s\n    valid_from: 2025-04-01\n"
             "  - id: chief\n    name: 係長 兼務\n    post: 給付係長\n"
             "    roles: [draft, approve]\n    key: %s\n    valid_from: 2025-04-01\n",
             lc, lp, la, lv, lh);
    write_file(ops, yaml, 0644);
}

static void remove_tree(char *d)
{
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d);
    run(cmd);
    free(d);
}

static void test_session_expiry(void **state)
{
    (void)state;
    web_sessions t;
    assert_int_equal(web_sessions_init(&t, 8), 0);
    web_session_view v, f;
    assert_int_equal(web_session_open_anon(&t, 1000, &v), WEB_SESS_OK);
    assert_false(v.logged_in);
    /* idle 15 min = 900 s: used at 1899 (899 s idle) it lives, and that use
     * moves the deadline to 1899 + 900 = 2799 */
    assert_true(web_session_find(&t, v.id, 1899, &f));
    assert_string_equal(f.csrf, v.csrf);
    assert_true(web_session_find(&t, v.id, 2798, &f));
    assert_false(web_session_find(&t, v.id, 2798 + 900, &f)); /* 900 s idle: over */
    assert_false(web_session_find(&t, v.id, 2798 + 901, &f)); /* and stays over */
    assert_int_equal(web_sessions_count(&t), 0);
    /* a session used every 10 minutes still ends after 12 hours */
    assert_int_equal(web_session_open_anon(&t, 0, &v), WEB_SESS_OK);
    int64_t now = 0;
    for (; now + 600 < WEB_LIFETIME_S; now += 600)
        assert_true(web_session_find(&t, v.id, now + 600, &f));
    assert_false(web_session_find(&t, v.id, WEB_LIFETIME_S, &f));
    /* sweep ends the idle ones without anybody coming back */
    assert_int_equal(web_session_open_anon(&t, 5000, &v), WEB_SESS_OK);
    assert_int_equal(web_sessions_sweep(&t, 5000 + 899), 0);
    assert_int_equal(web_sessions_sweep(&t, 5000 + 900), 1);
    assert_int_equal(web_sessions_count(&t), 0);
    web_sessions_release(&t);
}

static void test_session_fixation(void **state)
{
    (void)state;
    web_sessions t;
    assert_int_equal(web_sessions_init(&t, 8), 0);
    web_session_view anon, in, f;
    assert_int_equal(web_session_open_anon(&t, 10, &anon), WEB_SESS_OK);
    web_operator op = op_named("k1", WEB_ROLE_DRAFT);
    assert_int_equal(web_session_login(&t, anon.id, 20, &op, test_key(), &in), WEB_SESS_OK);
    /* a new id and a new CSRF token; the id from before login is dead */
    assert_true(in.logged_in);
    assert_string_not_equal(in.id, anon.id);
    assert_string_not_equal(in.csrf, anon.csrf);
    assert_false(web_session_find(&t, anon.id, 21, &f));
    assert_true(web_session_find(&t, in.id, 21, &f));
    assert_true(f.logged_in);
    assert_string_equal(f.op.id, "k1");
    /* an id the attacker made up (well-formed, never issued) is not adopted */
    const char *planted = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    web_session_view in2;
    assert_int_equal(web_session_login(&t, planted, 30, &op, test_key(), &in2), WEB_SESS_OK);
    assert_string_not_equal(in2.id, planted);
    assert_false(web_session_find(&t, planted, 31, &f));
    web_sessions_release(&t);
}

static void test_session_keys_wiped(void **state)
{
    (void)state;
    web_sessions t;
    assert_int_equal(web_sessions_init(&t, 4), 0);
    web_session_view s;
    web_operator op = op_named("k1", WEB_ROLE_DRAFT);
    /* logout wipes the key */
    assert_int_equal(web_session_login(&t, NULL, 0, &op, test_key(), &s), WEB_SESS_OK);
    unsigned w = web_key_wipes();
    assert_true(web_session_end(&t, s.id));
    assert_int_equal(web_key_wipes(), w + 1);
    assert_false(web_session_end(&t, s.id)); /* once */
    /* a key held by a money action outlives the logout until released */
    assert_int_equal(web_session_login(&t, NULL, 0, &op, test_key(), &s), WEB_SESS_OK);
    struct web_key *k = web_session_key_hold(&t, s.id, 1);
    assert_non_null(k);
    w = web_key_wipes();
    assert_true(web_session_end(&t, s.id));
    assert_int_equal(web_key_wipes(), w);           /* still in use */
    web_session_view f;
    assert_false(web_session_find(&t, s.id, 2, &f)); /* but the session is gone */
    assert_null(web_session_key_hold(&t, s.id, 2));
    web_session_key_release(&t, k);
    assert_int_equal(web_key_wipes(), w + 1);
    assert_int_equal(web_sessions_count(&t), 0);
    /* expiry wipes too */
    assert_int_equal(web_session_login(&t, NULL, 0, &op, test_key(), &s), WEB_SESS_OK);
    w = web_key_wipes();
    assert_int_equal(web_sessions_sweep(&t, WEB_IDLE_S), 1);
    assert_int_equal(web_key_wipes(), w + 1);
    /* an anonymous session has no key to hold */
    assert_int_equal(web_session_open_anon(&t, 0, &s), WEB_SESS_OK);
    assert_null(web_session_key_hold(&t, s.id, 1));
    web_sessions_release(&t);
}

static void test_session_table_full(void **state)
{
    (void)state;
    web_sessions t;
    assert_int_equal(web_sessions_init(&t, 2), 0);
    web_session_view a, b, c, f;
    web_operator op = op_named("k1", WEB_ROLE_DRAFT);
    /* anonymous sessions make room, least recently used first */
    assert_int_equal(web_session_open_anon(&t, 1, &a), WEB_SESS_OK);
    assert_int_equal(web_session_open_anon(&t, 2, &b), WEB_SESS_OK);
    assert_int_equal(web_session_open_anon(&t, 3, &c), WEB_SESS_OK);
    assert_false(web_session_find(&t, a.id, 4, &f));
    assert_true(web_session_find(&t, b.id, 4, &f));
    /* a flood of anonymous visitors never pushes out a logged-in operator */
    assert_int_equal(web_session_login(&t, b.id, 5, &op, test_key(), &b), WEB_SESS_OK);
    assert_int_equal(web_session_login(&t, c.id, 6, &op, test_key(), &c), WEB_SESS_OK);
    assert_int_equal(web_session_open_anon(&t, 7, &a), WEB_SESS_FULL);
    unsigned w = web_key_wipes();
    assert_int_equal(web_session_login(&t, NULL, 7, &op, test_key(), &a), WEB_SESS_FULL);
    assert_int_equal(web_key_wipes(), w + 1); /* the refused login's key is wiped */
    assert_true(web_session_find(&t, b.id, 8, &f) && f.logged_in);
    web_sessions_release(&t);
}

/* ------------------------------------------------------------ failed logins */

static void test_limiter(void **state)
{
    (void)state;
    web_limiter l;
    assert_int_equal(web_limiter_init(&l), 0);
    int64_t retry;
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.1", 100, &retry), WEB_LIMIT_OK);
    /* the n-th failure in a row makes the next attempt wait 2^(n-1) s */
    web_limiter_failed(&l, "k1", "10.0.0.1", 100);
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.1", 100, &retry), WEB_LIMIT_WAIT);
    assert_int_equal(retry, 1);
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.9", 100, &retry), WEB_LIMIT_WAIT);
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.1", 101, &retry), WEB_LIMIT_OK);
    web_limiter_failed(&l, "k1", "10.0.0.1", 101);
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.1", 102, &retry), WEB_LIMIT_WAIT);
    assert_int_equal(retry, 1); /* 101 + 2 = 103 */
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.1", 103, &retry), WEB_LIMIT_OK);
    /* failures 3..9 at the moments allowed: waits 4, 8, 16, 32, 60, 60, 60 */
    int64_t t = 103;
    static const int64_t wait[] = {4, 8, 16, 32, 60, 60, 60};
    for (int i = 0; i < 7; i++) {
        web_limiter_failed(&l, "k1", "10.0.0.1", t);
        assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.1", t, &retry), WEB_LIMIT_WAIT);
        assert_int_equal(retry, wait[i]);
        t += wait[i];
    }
    /* the 10th failure for the id locks it for 15 minutes, from any address */
    web_limiter_failed(&l, "k1", "10.0.0.1", t);
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.7", t + 60, &retry), WEB_LIMIT_LOCKED);
    assert_int_equal(retry, 900 - 60);
    /* even the right passphrase is not looked at: success does not unlock */
    web_limiter_succeeded(&l, "k1", t + 61);
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.7", t + 61, &retry), WEB_LIMIT_LOCKED);
    assert_int_equal(web_limiter_check(&l, "k1", "10.0.0.7", t + 900, &retry), WEB_LIMIT_OK);
    /* a success clears the id's count */
    web_limiter_failed(&l, "k2", "10.0.0.2", 5000);
    web_limiter_succeeded(&l, "k2", 5001);
    assert_int_equal(web_limiter_check(&l, "k2", "10.0.0.3", 5001, &retry), WEB_LIMIT_OK);
    /* guessing at many ids from one address: the 30th failure locks the
     * address, whatever id comes next (and a success does not reset it) */
    int64_t u = 10000;
    for (int i = 0; i < 30; i++) {
        char id[16];
        snprintf(id, sizeof id, "guess%d", i);
        web_limiter_failed(&l, id, "10.6.6.6", u);
        if (i == 10)
            web_limiter_succeeded(&l, "someone", u);
        u += 61; /* past every wait */
    }
    assert_int_equal(web_limiter_check(&l, "fresh", "10.6.6.6", u, &retry), WEB_LIMIT_LOCKED);
    assert_int_equal(web_limiter_check(&l, "fresh", "10.0.0.5", u, &retry), WEB_LIMIT_OK);
    /* failures long ago are forgotten (15 minutes of quiet) */
    web_limiter_failed(&l, "k3", "10.0.0.3", 20000);
    assert_int_equal(web_limiter_check(&l, "k3", "10.0.0.3", 20000 + 900, &retry), WEB_LIMIT_OK);
    web_limiter_failed(&l, "k3", "10.0.0.3", 20000 + 900);
    assert_int_equal(web_limiter_check(&l, "k3", "10.0.0.3", 20000 + 900, &retry), WEB_LIMIT_WAIT);
    assert_int_equal(retry, 1); /* a first failure again, not a second */
    web_limiter_release(&l);
}

/* ------------------------------------------------------------ request bodies */

static void test_form_bounds(void **state)
{
    (void)state;
    web_limits lim = {0};
    lim.fields = 3;
    lim.field_bytes = 10;
    lim.upload_files = 1;
    lim.file_bytes = 5;
    web_form f;
    web_form_init(&f, &lim, false);
    assert_int_equal(web_form_feed(&f, "a", NULL, "12345", 0, 5), WEB_FORM_OK);
    assert_int_equal(web_form_feed(&f, "a", NULL, "67890", 5, 5), WEB_FORM_OK); /* 10: at the bound */
    assert_string_equal(web_form_value(&f, "a"), "1234567890");
    assert_int_equal(web_form_feed(&f, "b", NULL, "x", 0, 1), WEB_FORM_OK);
    assert_int_equal(web_form_feed(&f, "b", NULL, "y", 0, 1), WEB_FORM_OK);
    assert_null(web_form_value(&f, "b")); /* sent twice: ambiguous, no value */
    assert_null(web_form_value(&f, "c"));
    assert_int_equal(web_form_feed(&f, "c", NULL, "", 0, 0), WEB_FORM_TOO_MANY_FIELDS);
    assert_int_equal(web_form_feed(&f, "d", NULL, "", 0, 0), WEB_FORM_TOO_MANY_FIELDS); /* sticks */
    web_form_release(&f);
    web_form_init(&f, &lim, false);
    assert_int_equal(web_form_feed(&f, "a", NULL, "12345678901", 0, 11), WEB_FORM_FIELD_TOO_LONG);
    web_form_release(&f);
    web_form_init(&f, &lim, false); /* a form that takes no files */
    assert_int_equal(web_form_feed(&f, "f", "x.xlsx", "PK", 0, 2), WEB_FORM_NO_FILES_HERE);
    web_form_release(&f);
    web_form_init(&f, &lim, true);
    assert_int_equal(web_form_feed(&f, "f", "a.xlsx", "PK\0\1", 0, 4), WEB_FORM_OK);
    assert_null(web_form_value(&f, "f")); /* a file is not a text value */
    assert_int_equal(f.f[0].len, 4);
    assert_int_equal(web_form_feed(&f, "f", "a.xlsx", "xy", 4, 2), WEB_FORM_FILE_TOO_LARGE);
    web_form_release(&f);
    web_form_init(&f, &lim, true);
    assert_int_equal(web_form_feed(&f, "f", "a.xlsx", "1", 0, 1), WEB_FORM_OK);
    assert_int_equal(web_form_feed(&f, "f", "b.xlsx", "1", 0, 1), WEB_FORM_TOO_MANY_FILES);
    web_form_release(&f);
    /* the defaults of web.h */
    web_limits d = web_limits_resolve(NULL);
    assert_int_equal(d.form_bytes, 64 << 10);
    assert_int_equal(d.upload_bytes, 32 << 20);
    assert_int_equal(d.upload_files, 100);
}

/* ------------------------------------------------------------ download paths */

static void test_download_paths(void **state)
{
    (void)state;
    static const char *const good[] = {
        "2025-04/payments.csv", "2025-04/payments.xlsx", "2025-04/statements/P001.xlsx",
        "2025-04/transfer-2025-04.txt", "settlement-2025/settlement.csv", "audit-2025.xlsx",
        "2025-04/corrections.csv", "x.jsonl", "a/b/c.pdf",
    };
    static const char *const bad[] = {
        "", "/etc/passwd", "/2025-04/payments.csv", "../ledger.sqlite", "..",
        "2025-04/../ledger.sqlite", "2025-04/./payments.csv", "./payments.csv",
        "%2e%2e/ledger.sqlite", "%2E%2E/x.csv", "..%2fx.csv", "..%2Fx.csv", "%2e%2e%2fx.csv",
        "%252e%252e/x.csv", "%252e%252e%252fx.csv", "2025-04%2fpayments.csv", "%2fetc/x.csv",
        "..\\x.csv", "2025-04\\payments.csv", "..%5cx.csv", "x.csv%00.txt", "%00",
        "2025-04//payments.csv", "2025-04/", "2025-04", ".hidden.csv", "2025-04/.x.csv",
        ".2025-04.published", "ledger.sqlite", "ledger.sqlite-journal", "a/b/c/d.csv",
        "支払.csv", "C:/x.csv", "a b.csv", "x.csv ", "x.CSV", "x.csv/", "~/x.csv",
        "%c0%ae%c0%ae/x.csv", "..%c0%afx.csv", "x.csv?y", "x.csv#y", "x.xlsx;y.csv",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!web_download_path_ok(good[i]))
            fail_msg("refused a good path: %s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (web_download_path_ok(bad[i]))
            fail_msg("accepted a bad path: %s", bad[i]);
    char longc[200];
    memset(longc, 'a', sizeof longc);
    strcpy(longc + 150, ".csv");
    assert_false(web_download_path_ok(longc)); /* a component over 128 bytes */
    assert_false(web_download_path_ok(NULL));
    assert_int_equal(web_download_roles("2025-04/transfer-2025-04.txt"), WEB_ROLE_PAY);
    assert_int_equal(web_download_roles("settlement-2025/transfer-settlement-2025.txt"),
                     WEB_ROLE_PAY);
    assert_int_equal(web_download_roles("2025-04/payments.csv"), 0);
}

static void test_download_open(void **state)
{
    (void)state;
    char *out = tmpdir(), *outside = tmpdir();
    char p[600], q[600];
    snprintf(p, sizeof p, "%s/2025-04", out);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/2025-04/payments.csv", out);
    write_file(p, "month,nursery_id\n", 0644);
    snprintf(p, sizeof p, "%s/secret.csv", outside);
    write_file(p, "secret\n", 0644);
    /* a symlink to a file outside OUT */
    snprintf(q, sizeof q, "%s/2025-04/evil.csv", out);
    assert_int_equal(symlink(p, q), 0);
    /* a symlinked directory leading outside */
    snprintf(q, sizeof q, "%s/2025-05", out);
    assert_int_equal(symlink(outside, q), 0);
    /* a hard link to another file outside (same file system; another file,
     * so that the symlink above is refused for being a symlink) */
    char p2[600];
    snprintf(p2, sizeof p2, "%s/secret2.csv", outside);
    write_file(p2, "secret\n", 0644);
    snprintf(q, sizeof q, "%s/2025-04/hard.csv", out);
    assert_int_equal(link(p2, q), 0);
    /* a FIFO must not block the server */
    snprintf(q, sizeof q, "%s/2025-04/fifo.csv", out);
    assert_int_equal(mkfifo(q, 0600), 0);
    /* a directory named like a file */
    snprintf(q, sizeof q, "%s/2025-04/dir.csv", out);
    assert_int_equal(mkdir(q, 0700), 0);

    web_download dl;
    assert_int_equal(web_download_open(out, "2025-04/payments.csv", &dl), WEB_DL_OK);
    assert_true(dl.fd >= 0);
    assert_int_equal(dl.size, 17);
    assert_string_equal(dl.content_type, "text/csv; charset=utf-8");
    assert_string_equal(dl.disposition, "attachment; filename=\"payments.csv\"");
    char buf[32] = {0};
    assert_int_equal(read(dl.fd, buf, sizeof buf - 1), 17);
    assert_string_equal(buf, "month,nursery_id\n");
    close(dl.fd);
    static const char *const refused[] = {"2025-04/evil.csv", "2025-05/secret.csv",
                                          "2025-04/hard.csv", "2025-04/fifo.csv",
                                          "2025-04/dir.csv", "2025-04/none.csv",
                                          "2026-01/payments.csv"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        web_dl st = web_download_open(out, refused[i], &dl);
        if (st != WEB_DL_NOT_FOUND)
            fail_msg("%s: status %d, expected not found", refused[i], (int)st);
        assert_int_equal(dl.fd, -1);
    }
    assert_int_equal(web_download_open(out, "../secret.csv", &dl), WEB_DL_BAD_PATH);
    /* the listing shows neither the symlinks nor the FIFO */
    char **names;
    size_t n;
    assert_int_equal(web_download_list(out, "2025-04", &names, &n), 0);
    assert_int_equal(n, 3); /* dir.csv/, hard.csv, payments.csv (sorted) */
    assert_string_equal(names[0], "dir.csv/");
    assert_string_equal(names[1], "hard.csv");
    assert_string_equal(names[2], "payments.csv");
    web_download_list_free(names, n);
    assert_int_equal(web_download_list(out, "", &names, &n), 0);
    assert_int_equal(n, 1); /* 2025-04/ only: 2025-05 is a symlink */
    assert_string_equal(names[0], "2025-04/");
    web_download_list_free(names, n);
    assert_int_equal(web_download_list(out, "2025-05", &names, &n), -1);
    assert_int_equal(web_download_list(out, "..", &names, &n), -1);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' '%s'", out, outside);
    assert_int_equal(system(cmd), 0);
    free(out);
    free(outside);
}

/* ------------------------------------------------------------ pagination, chart */

static void test_pager(void **state)
{
    (void)state;
    /* 250 rows by 100: pages 1..3, the third holds rows 200..249 */
    web_pager p = web_pager_make(250, 100, "3");
    assert_int_equal(p.pages, 3);
    assert_int_equal(p.page, 3);
    assert_int_equal(p.first, 200);
    assert_int_equal(p.count, 50);
    static const struct { const char *param; size_t page; } cases[] = {
        {NULL, 1}, {"", 1}, {"0", 1}, {"-1", 1}, {"abc", 1}, {"2x", 1}, {"99", 3},
        {"99999999999999999999", 1}, {"2", 2},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(web_pager_make(250, 100, cases[i].param).page, cases[i].page);
    p = web_pager_make(0, 100, "5");
    assert_int_equal(p.pages, 1);
    assert_int_equal(p.count, 0);
    p = web_pager_make(200, 100, "2"); /* exactly two pages */
    assert_int_equal(p.pages, 2);
    assert_int_equal(p.count, 100);
    web_html h;
    web_html_init(&h);
    web_html_pager(&h, &p, "/downloads?dir=2025-04&");
    assert_non_null(strstr(web_html_str(&h),
                           "<a href=\"/downloads?dir=2025-04&amp;page=1\" rel=\"prev\">"));
    assert_non_null(strstr(web_html_str(&h), "2 / 2 ページ（全200件）"));
    assert_null(strstr(web_html_str(&h), "rel=\"next\""));
    sb_reset(&h.sb);
    p = web_pager_make(50, 100, "1");
    web_html_pager(&h, &p, "/x?");
    assert_string_equal(web_html_str(&h), ""); /* one page: no links */
    web_html_release(&h);
}

static void test_chart(void **state)
{
    (void)state;
    /* the FY2025 line of 16,444,000 yen (SPEC 1.4); April paid 1,000,000,
     * May cumulative 2,500,000 */
    web_budget_chart c = {2025, 16444000, {1000000, 2500000}, 2};
    /* 16,444,000 / 4 ticks = 4,111,000 → the next 1-2-5 step is 5,000,000,
     * so the scale tops at 4 × 5,000,000 = 20,000,000 */
    assert_int_equal(web_chart_top(&c), 20000000);
    /* plot height 320 - 16 - 40 = 264; y = 16 + (top - v) × 264 / top:
     * line: 16 + 3,556,000 × 264 / 20,000,000 = 16 + 46.94 → 62
     * April: 16 + 19,000,000 × 264 / 20,000,000 = 16 + 250.8 → 266
     * May: 16 + 17,500,000 × 264 / 20,000,000 = 16 + 231 → 247 */
    assert_int_equal(web_chart_y(16444000, 20000000), 62);
    assert_int_equal(web_chart_y(1000000, 20000000), 266);
    assert_int_equal(web_chart_y(2500000, 20000000), 247);
    assert_int_equal(web_chart_y(0, 20000000), 280);
    assert_int_equal(web_chart_y(20000000, 20000000), 16);
    assert_int_equal(web_chart_y(-5, 20000000), 280);       /* clamped */
    assert_int_equal(web_chart_y(30000000, 20000000), 16);  /* clamped */
    /* plot width 640 - 96 - 16 = 528, a month 44: x = 96 + 44 i + 22 */
    assert_int_equal(web_chart_x(0), 118);
    assert_int_equal(web_chart_x(1), 162);
    assert_int_equal(web_chart_x(11), 602);
    web_html h;
    web_html_init(&h);
    web_chart_budget(&h, &c);
    const char *svg = web_html_str(&h);
    assert_non_null(strstr(svg, "points=\"118,266 162,247\""));
    assert_non_null(strstr(svg, "<line class=\"budget\" x1=\"96\" y1=\"62\" x2=\"624\" y2=\"62\"/>"));
    assert_non_null(strstr(svg, "予算額 16,444,000円"));
    assert_non_null(strstr(svg, "5月までの累計支払額 2,500,000円"));
    assert_non_null(strstr(svg, ">20,000,000円</text>"));
    assert_null(strstr(svg, "style="));  /* the CSP forbids inline styles */
    assert_null(strstr(svg, "<script"));
    /* paid over the line: the scale grows to hold it */
    web_budget_chart over = {2025, 16444000, {17000000}, 1};
    assert_int_equal(web_chart_top(&over), 20000000);
    web_budget_chart big = {2025, 21000001, {0}, 0};
    assert_int_equal(web_chart_top(&big), 40000000); /* 5,250,000.25 → step 10,000,000 */
    /* no line, nothing paid: the smallest scale, no division by zero */
    web_budget_chart none = {2026, 0, {0}, 0};
    assert_int_equal(web_chart_top(&none), 4);
    sb_reset(&h.sb);
    web_chart_budget(&h, &none);
    assert_non_null(strstr(web_html_str(&h), "この年度の予算額はありません"));
    /* 64-bit extremes: no overflow in top or y */
    web_budget_chart huge = {2025, INT64_MAX, {INT64_MAX - 1}, 1};
    int64_t top = web_chart_top(&huge);
    assert_true(top >= INT64_MAX - 1);
    assert_int_equal(web_chart_y(INT64_MAX - 1, INT64_MAX), 16);
    sb_reset(&h.sb);
    web_chart_budget(&h, &huge);
    web_html_release(&h);
}

/* ------------------------------------------------------------ whole requests */

typedef struct fixture {
    char *root, *keys, *out, *rules, *data;
    web_config cfg;
    web_app app;
    web_route *routes;
    int64_t now;
} fixture;

static int actions_done;
static int lock_was_held;

static void post_action(web_ctx *c)
{
    web_app *app = c->app;
    lock_was_held = pthread_mutex_trylock(&app->write_lock) == EBUSY;
    if (!lock_was_held)
        pthread_mutex_unlock(&app->write_lock);
    actions_done++;
    web_html_lit(&c->resp->body, "done");
}

static int setup_app(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->root = tmpdir();
    make_operators(f->root);
    char p[600];
    snprintf(p, sizeof p, "%s/keys", f->root);
    f->keys = strdup(p);
    snprintf(p, sizeof p, "%s/rules", f->root);
    f->rules = strdup(p);
    snprintf(p, sizeof p, "%s/out", f->root);
    f->out = strdup(p);
    mkdir(f->out, 0700);
    snprintf(p, sizeof p, "%s/2025-04", f->out);
    mkdir(p, 0700);
    snprintf(p, sizeof p, "%s/2025-04/payments.csv", f->out);
    write_file(p, "month,nursery_id\n", 0644);
    snprintf(p, sizeof p, "%s/2025-04/transfer-2025-04.txt", f->out);
    write_file(p, "1210000...\n", 0644);
    snprintf(p, sizeof p, "%s/fixtures/sample-ward", getenv("KASAN_SRCDIR"));
    f->data = strdup(p);
    f->cfg.keys_dir = f->keys;
    f->cfg.out_dir = f->out;
    f->cfg.rules_dir = f->rules;
    f->cfg.data_dir = f->data;
    assert_int_equal(web_app_init(&f->app, &f->cfg, false, "127.0.0.1", 8080), 0);
    /* the real routes plus a money action */
    f->routes = calloc(web_n_routes + 1, sizeof *f->routes);
    memcpy(f->routes, web_routes, web_n_routes * sizeof *f->routes);
    f->routes[web_n_routes] = (web_route){"POST", "/test/action", WEB_R_WRITE, post_action};
    f->app.routes = f->routes;
    f->app.n_routes = web_n_routes + 1;
    f->now = 1000;
    actions_done = 0;
    *state = f;
    return 0;
}

static int teardown_app(void **state)
{
    fixture *f = *state;
    web_app_release(&f->app);
    free(f->routes);
    free(f->keys);
    free(f->rules);
    free(f->out);
    free(f->data);
    remove_tree(f->root);
    free(f);
    return 0;
}

typedef struct reply {
    web_response r;
    char cookie[WEB_TOKEN_HEX + 1]; /* the session id set, if any */
} reply;

typedef struct req_opts {
    const char *cookie, *host, *origin, *fetch_site, *addr, *page;
    const char *args[4][2]; /* query arguments: name, value; NULL-terminated */
    const char *fields[8][2]; /* name, value; NULL-terminated */
    bool no_form;
    web_form_status form_st;
} req_opts;

static void request(fixture *f, const char *method, const char *path, const req_opts *o,
                    reply *out)
{
    web_form form;
    web_form_init(&form, NULL, false);
    for (int i = 0; i < 8 && o->fields[i][0]; i++)
        web_form_feed(&form, o->fields[i][0], NULL, o->fields[i][1], 0, strlen(o->fields[i][1]));
    if (o->form_st)
        form.st = o->form_st;
    web_request req = {
        .method = method,
        .path = path,
        .query_page = o->page,
        .cookie = o->cookie,
        .host = o->host ? o->host : "127.0.0.1:8080",
        .origin = o->origin,
        .sec_fetch_site = o->fetch_site,
        .addr = o->addr ? o->addr : "127.0.0.1",
        .now = f->now,
        .form = !strcmp(method, "POST") && !o->no_form ? &form : NULL,
    };
    for (int i = 0; i < 4 && o->args[i][0]; i++)
        req.args[req.n_args++] = (web_arg){o->args[i][0], o->args[i][1]};
    web_response_init(&out->r);
    web_handle(&f->app, &req, &out->r);
    out->cookie[0] = '\0';
    const char *sc = out->r.set_cookie;
    char id[WEB_TOKEN_HEX + 1];
    snprintf(id, sizeof id, "%.64s", !strncmp(sc, "kasan=", 6) ? sc + 6 : "");
    if (web_token_wellformed(id))
        strcpy(out->cookie, id);
    web_form_release(&form);
}

static void done(reply *r)
{
    if (r->r.fd >= 0)
        close(r->r.fd);
    web_response_release(&r->r);
}

/* The csrf field of a page. */
static void csrf_of(const reply *r, char out[WEB_TOKEN_HEX + 1])
{
    const char *p = strstr(web_html_str(&r->r.body), "name=\"csrf\" value=\"");
    assert_non_null(p);
    snprintf(out, WEB_TOKEN_HEX + 1, "%.64s", p + 19);
    assert_true(web_token_wellformed(out));
}

/* Logs id in; fills the logged-in session's cookie and CSRF token. */
static void login(fixture *f, const char *id, const char *pass, char cookie[WEB_TOKEN_HEX + 1],
                  char csrf[WEB_TOKEN_HEX + 1])
{
    reply r;
    request(f, "GET", "/login", &(req_opts){0}, &r);
    assert_int_equal(r.r.status, 200);
    char anon[WEB_TOKEN_HEX + 1], tok[WEB_TOKEN_HEX + 1];
    strcpy(anon, r.cookie);
    csrf_of(&r, tok);
    done(&r);
    request(f, "POST", "/login",
            &(req_opts){.cookie = anon, .fields = {{"csrf", tok}, {"id", id}, {"passphrase", pass}}},
            &r);
    assert_int_equal(r.r.status, 303);
    assert_string_equal(r.r.location, "/");
    assert_true(web_token_wellformed(r.cookie));
    assert_string_not_equal(r.cookie, anon); /* a new id at login */
    strcpy(cookie, r.cookie);
    done(&r);
    request(f, "GET", "/", &(req_opts){.cookie = cookie}, &r);
    assert_int_equal(r.r.status, 200);
    csrf_of(&r, csrf);
    done(&r);
}

static void test_no_session(void **state)
{
    fixture *f = *state;
    static const char *const pages[] = {"/", "/budget", "/month", "/settlement", "/audit",
                                        "/downloads", "/download/2025-04/payments.csv",
                                        "/download/../../etc/passwd"};
    reply r;
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++) {
        request(f, "GET", pages[i], &(req_opts){0}, &r);
        assert_int_equal(r.r.status, 303);
        assert_string_equal(r.r.location, "/login");
        assert_int_equal(r.r.fd, -1);
        done(&r);
        /* a made-up cookie is no session either */
        request(f, "GET", pages[i],
                &(req_opts){.cookie = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"},
                &r);
        assert_int_equal(r.r.status, 303);
        done(&r);
    }
    /* a POST without a session does nothing */
    request(f, "POST", "/test/action", &(req_opts){.fields = {{"csrf", "x"}}}, &r);
    assert_int_equal(r.r.status, 403);
    done(&r);
    /* an anonymous session (the login form's) is not a login */
    request(f, "GET", "/login", &(req_opts){0}, &r);
    char anon[WEB_TOKEN_HEX + 1], tok[WEB_TOKEN_HEX + 1];
    strcpy(anon, r.cookie);
    csrf_of(&r, tok);
    done(&r);
    request(f, "GET", "/", &(req_opts){.cookie = anon}, &r);
    assert_int_equal(r.r.status, 303);
    done(&r);
    request(f, "POST", "/test/action", &(req_opts){.cookie = anon, .fields = {{"csrf", tok}}}, &r);
    assert_int_equal(r.r.status, 403);
    done(&r);
    request(f, "GET", "/nowhere", &(req_opts){0}, &r);
    assert_int_equal(r.r.status, 404);
    done(&r);
    request(f, "POST", "/", &(req_opts){0}, &r);
    assert_int_equal(r.r.status, 405);
    done(&r);
    assert_int_equal(actions_done, 0);
}

static void test_csrf(void **state)
{
    fixture *f = *state;
    char cookie[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1];
    login(f, "clerk", "correct horse", cookie, csrf);
    char other_cookie[WEB_TOKEN_HEX + 1], other_csrf[WEB_TOKEN_HEX + 1];
    login(f, "payer", "battery staple", other_cookie, other_csrf);
    char wrong[WEB_TOKEN_HEX + 1];
    strcpy(wrong, csrf);
    wrong[0] = wrong[0] == 'a' ? 'b' : 'a';
    reply r;
    /* missing, empty, wrong by one digit, another session's, twice */
    const req_opts refused[] = {
        {.cookie = cookie},
        {.cookie = cookie, .fields = {{"csrf", ""}}},
        {.cookie = cookie, .fields = {{"csrf", wrong}}},
        {.cookie = cookie, .fields = {{"csrf", other_csrf}}},
        {.cookie = cookie, .fields = {{"csrf", csrf}, {"csrf", csrf}}},
        {.cookie = cookie, .no_form = true},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        request(f, "POST", "/test/action", &refused[i], &r);
        if (r.r.status != 403 && !(refused[i].no_form && r.r.status == 400))
            fail_msg("case %zu: status %d", i, r.r.status);
        done(&r);
    }
    assert_int_equal(actions_done, 0);
    /* a cross-site POST with the right token (a page that stole it) */
    request(f, "POST", "/test/action",
            &(req_opts){.cookie = cookie, .origin = "http://evil.example",
                        .fields = {{"csrf", csrf}}}, &r);
    assert_int_equal(r.r.status, 403);
    done(&r);
    static const char *const sites[] = {"cross-site", "same-site"};
    for (size_t i = 0; i < 2; i++) {
        request(f, "POST", "/test/action",
                &(req_opts){.cookie = cookie, .fetch_site = sites[i], .fields = {{"csrf", csrf}}},
                &r);
        assert_int_equal(r.r.status, 403);
        done(&r);
    }
    /* a body over its bounds never reaches the action */
    request(f, "POST", "/test/action",
            &(req_opts){.cookie = cookie, .form_st = WEB_FORM_TOO_MANY_FIELDS,
                        .fields = {{"csrf", csrf}}}, &r);
    assert_int_equal(r.r.status, 413);
    done(&r);
    assert_int_equal(actions_done, 0);
    /* the right token, same origin: done once, under the write lock */
    request(f, "POST", "/test/action",
            &(req_opts){.cookie = cookie, .origin = "http://127.0.0.1:8080",
                        .fetch_site = "same-origin", .fields = {{"csrf", csrf}}}, &r);
    assert_int_equal(r.r.status, 200);
    assert_string_equal(web_html_str(&r.r.body), "done");
    done(&r);
    assert_int_equal(actions_done, 1);
    assert_true(lock_was_held);
    /* logout needs the token too */
    request(f, "POST", "/logout", &(req_opts){.cookie = cookie, .fields = {{"csrf", wrong}}}, &r);
    assert_int_equal(r.r.status, 403);
    done(&r);
    request(f, "GET", "/", &(req_opts){.cookie = cookie}, &r);
    assert_int_equal(r.r.status, 200); /* still logged in */
    done(&r);
}

static void test_login_logout(void **state)
{
    fixture *f = *state;
    reply r;
    request(f, "GET", "/login", &(req_opts){0}, &r);
    char anon[WEB_TOKEN_HEX + 1], tok[WEB_TOKEN_HEX + 1];
    strcpy(anon, r.cookie);
    csrf_of(&r, tok);
    assert_non_null(strstr(r.r.set_cookie, "HttpOnly"));
    assert_non_null(strstr(r.r.set_cookie, "SameSite=Strict"));
    assert_null(strstr(r.r.set_cookie, "Secure")); /* plain HTTP on loopback */
    done(&r);
    /* the login form needs its own CSRF token */
    request(f, "POST", "/login",
            &(req_opts){.cookie = anon, .fields = {{"id", "clerk"}, {"passphrase", "correct horse"}}},
            &r);
    assert_int_equal(r.r.status, 403);
    done(&r);
    /* a wrong passphrase, then an unknown id: the same answer */
    request(f, "POST", "/login",
            &(req_opts){.cookie = anon, .fields = {{"csrf", tok}, {"id", "clerk"}, {"passphrase", "wrong"}}},
            &r);
    assert_int_equal(r.r.status, 401);
    assert_non_null(strstr(web_html_str(&r.r.body), "職員IDまたはパスフレーズが違います"));
    done(&r);
    request(f, "POST", "/login",
            &(req_opts){.cookie = anon, .addr = "127.0.0.2",
                        .fields = {{"csrf", tok}, {"id", "nobody"}, {"passphrase", "x"}}}, &r);
    assert_int_equal(r.r.status, 401);
    assert_non_null(strstr(web_html_str(&r.r.body), "職員IDまたはパスフレーズが違います"));
    done(&r);
    /* the id tried comes back in the form, as text */
    request(f, "POST", "/login",
            &(req_opts){.cookie = anon, .addr = "127.0.0.3",
                        .fields = {{"csrf", tok}, {"id", "\"><script>x</script>"}, {"passphrase", "x"}}},
            &r);
    assert_int_equal(r.r.status, 401);
    assert_non_null(strstr(web_html_str(&r.r.body), "value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""));
    assert_null(strstr(web_html_str(&r.r.body), "<script"));
    done(&r);
    /* at once again: must wait, even with the right passphrase */
    request(f, "POST", "/login",
            &(req_opts){.cookie = anon, .fields = {{"csrf", tok}, {"id", "clerk"}, {"passphrase", "correct horse"}}},
            &r);
    assert_int_equal(r.r.status, 429);
    assert_int_equal(r.cookie[0], '\0');
    done(&r);
    f->now += 1;
    char cookie[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1];
    login(f, "clerk", "correct horse", cookie, csrf);
    /* the name from the operators' data is shown as text */
    request(f, "GET", "/", &(req_opts){.cookie = cookie}, &r);
    const char *page = web_html_str(&r.r.body);
    assert_non_null(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;（clerk）"));
    assert_null(strstr(page, "<script"));
    assert_non_null(strstr(page, "aria-current=\"page\">年度の状況</a>"));
    done(&r);
    /* the anonymous id of before is dead (fixation) */
    request(f, "GET", "/", &(req_opts){.cookie = anon}, &r);
    assert_int_equal(r.r.status, 303);
    done(&r);
    /* logout: the key is wiped, the cookie cleared, the id dead */
    unsigned w = web_key_wipes();
    request(f, "POST", "/logout", &(req_opts){.cookie = cookie, .fields = {{"csrf", csrf}}}, &r);
    assert_int_equal(r.r.status, 303);
    assert_string_equal(r.r.location, "/login");
    assert_non_null(strstr(r.r.set_cookie, "Max-Age=0"));
    done(&r);
    assert_int_equal(web_key_wipes(), w + 1);
    request(f, "GET", "/", &(req_opts){.cookie = cookie}, &r);
    assert_int_equal(r.r.status, 303);
    done(&r);
    /* idle 15 minutes: back to the login page */
    login(f, "clerk", "correct horse", cookie, csrf);
    f->now += WEB_IDLE_S;
    request(f, "GET", "/", &(req_opts){.cookie = cookie}, &r);
    assert_int_equal(r.r.status, 303);
    done(&r);
}

static void test_keys_readable_by_others(void **state)
{
    fixture *f = *state;
    char p[600];
    snprintf(p, sizeof p, "%s/clerk.pem", f->keys);
    chmod(p, 0644);
    reply r;
    request(f, "GET", "/login", &(req_opts){0}, &r);
    char anon[WEB_TOKEN_HEX + 1], tok[WEB_TOKEN_HEX + 1];
    strcpy(anon, r.cookie);
    csrf_of(&r, tok);
    done(&r);
    /* refused as ssh refuses such a key: nobody logs in with it */
    request(f, "POST", "/login",
            &(req_opts){.cookie = anon, .fields = {{"csrf", tok}, {"id", "clerk"}, {"passphrase", "correct horse"}}},
            &r);
    assert_int_equal(r.r.status, 500);
    assert_int_equal(r.cookie[0], '\0');
    done(&r);
    chmod(p, 0600);
}

static void add_header(void *ctx, const char *name, const char *val)
{
    sb_addf(ctx, "%s: %s\n", name, val);
}

static void test_host_and_headers(void **state)
{
    fixture *f = *state;
    reply r;
    /* DNS rebinding: a page on evil.example resolving to 127.0.0.1 */
    static const char *const hosts[] = {"evil.example:8080", "127.0.0.1:9999", "127.0.0.1", ""};
    for (size_t i = 0; i < 4; i++) {
        request(f, "GET", "/login", &(req_opts){.host = hosts[i]}, &r);
        assert_int_equal(r.r.status, 421);
        assert_int_equal(r.r.set_cookie[0], '\0');
        done(&r);
    }
    request(f, "GET", "/login", &(req_opts){.host = "localhost:8080"}, &r);
    assert_int_equal(r.r.status, 200);
    done(&r);
    /* the headers of any page, an error page included */
    request(f, "GET", "/nowhere", &(req_opts){0}, &r);
    strbuf all;
    sb_init(&all);
    web_response_headers(&f->app, &r.r, add_header, &all);
    assert_non_null(strstr(all.buf, "Content-Security-Policy: default-src 'none'; style-src 'self';"));
    assert_non_null(strstr(all.buf, "frame-ancestors 'none'"));
    assert_null(strstr(all.buf, "unsafe-inline"));
    assert_non_null(strstr(all.buf, "X-Content-Type-Options: nosniff"));
    assert_non_null(strstr(all.buf, "Referrer-Policy: same-origin"));
    assert_non_null(strstr(all.buf, "Cache-Control: no-store"));
    assert_null(strstr(all.buf, "Strict-Transport-Security"));
    sb_release(&all);
    done(&r);
    /* under TLS: Secure, the __Host- prefix, HSTS */
    f->app.tls = true;
    request(f, "GET", "/login", &(req_opts){0}, &r);
    assert_true(!strncmp(r.r.set_cookie, "__Host-kasan=", 13));
    assert_non_null(strstr(r.r.set_cookie, "; Secure"));
    sb_init(&all);
    web_response_headers(&f->app, &r.r, add_header, &all);
    assert_non_null(strstr(all.buf, "Strict-Transport-Security: max-age="));
    sb_release(&all);
    done(&r);
    f->app.tls = false;
}

/* The access log's entries (the ledger's table, as `kasan audit access`
 * reads it): how many, and the last one's operator and what. */
static size_t access_log(fixture *f, char op[64], char what[256])
{
    flow_access_req rq = {.out = f->out};
    assert_true(date_parse_iso("2025-05-12", 10, &rq.from));
    rq.to = rq.from;
    flow_access_res res;
    int rc = flow_access_read(&rq, &res);
    size_t n = rc == EXIT_OK ? res.n : 0;
    if (op)
        snprintf(op, 64, "%s", n ? res.v[n - 1].operator_id : "");
    if (what)
        snprintf(what, 256, "%s", n ? res.v[n - 1].what : "");
    if (n)
        assert_string_equal(res.v[n - 1].time, "2025-05-12T09:30:00Z"); /* KASAN_NOW */
    flow_access_free(&res);
    return n;
}

static void test_downloads(void **state)
{
    fixture *f = *state;
    char cookie[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1];
    login(f, "clerk", "correct horse", cookie, csrf);
    char who[64], what[256];
    size_t before = access_log(f, NULL, NULL);
    reply r;
    request(f, "GET", "/download/2025-04/payments.csv", &(req_opts){.cookie = cookie}, &r);
    assert_int_equal(r.r.status, 200);
    assert_true(r.r.fd >= 0);
    assert_int_equal(r.r.fd_size, 17);
    assert_string_equal(r.r.disposition, "attachment; filename=\"payments.csv\"");
    done(&r);
    size_t after = access_log(f, who, what);
    assert_int_equal(after, before + 1);
    assert_string_equal(who, "clerk");
    assert_string_equal(what, "download 2025-04/payments.csv");
    /* the transfer file: the pay role only, and a refusal is not logged */
    request(f, "GET", "/download/2025-04/transfer-2025-04.txt", &(req_opts){.cookie = cookie}, &r);
    assert_int_equal(r.r.status, 403);
    assert_int_equal(r.r.fd, -1);
    done(&r);
    f->now++;
    web_request lst = {.method = "GET", .path = "/downloads", .query_dir = "2025-04",
                       .cookie = cookie, .host = "127.0.0.1:8080", .addr = "127.0.0.1",
                       .now = f->now};
    web_response_init(&r.r);
    web_handle(&f->app, &lst, &r.r);
    assert_int_equal(r.r.status, 200);
    assert_non_null(strstr(web_html_str(&r.r.body), "/download/2025-04/payments.csv"));
    assert_null(strstr(web_html_str(&r.r.body), "transfer-2025-04.txt"));
    web_response_release(&r.r);
    assert_int_equal(access_log(f, NULL, NULL), after);
    /* traversal through the route: 404, nothing opened, nothing logged */
    static const char *const bad[] = {
        "/download/../ledger.sqlite", "/download/%2e%2e/ledger.sqlite",
        "/download/2025-04%2f..%2f..%2fetc%2fpasswd", "/download//etc/passwd",
        "/download/%252e%252e/x.csv", "/download/ledger.sqlite", "/download/",
        "/download/2025-04/payments.csv%00.txt", "/download/..%5c..%5cx.csv"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        request(f, "GET", bad[i], &(req_opts){.cookie = cookie}, &r);
        if (r.r.status != 404 || r.r.fd != -1)
            fail_msg("%s: status %d", bad[i], r.r.status);
        done(&r);
    }
    assert_int_equal(access_log(f, NULL, NULL), after);
    /* the payer gets the transfer file */
    char pc[WEB_TOKEN_HEX + 1], pcsrf[WEB_TOKEN_HEX + 1];
    login(f, "payer", "battery staple", pc, pcsrf);
    request(f, "GET", "/download/2025-04/transfer-2025-04.txt", &(req_opts){.cookie = pc}, &r);
    assert_int_equal(r.r.status, 200);
    assert_string_equal(r.r.content_type, "application/octet-stream");
    done(&r);
    assert_int_equal(access_log(f, who, NULL), after + 1);
    assert_string_equal(who, "payer");
}


/* ------------------------------------------------------------ login = your key */

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One login of id with pass, answering want; its time in seconds. */
static double login_once(fixture *f, const char *id, const char *pass, web_auth want)
{
    web_operator op;
    struct web_key *k = NULL;
    char why[512];
    double t0 = seconds();
    web_auth a = web_auth_login(&f->app.auth, id, pass, &op, &k, why, sizeof why);
    double t = seconds() - t0;
    if (a != want)
        fail_msg("login %s: %d, not %d (%s)", id, a, want, why);
    web_key_free(k);
    return t;
}

static void test_login_keys(void **state)
{
    fixture *f = *state;
    web_operator op;
    struct web_key *k = NULL;
    char why[512];
    /* the right passphrase: the operators file's name, post and roles, and the key */
    assert_int_equal(web_auth_login(&f->app.auth, "payer", "battery staple", &op, &k, why, sizeof why),
                     WEB_AUTH_OK);
    assert_string_equal(op.id, "payer");
    assert_string_equal(op.name, "会計管理者");
    assert_int_equal(op.roles, WEB_ROLE_PAY);
    assert_non_null(web_key_sign(k));
    unsigned w = web_key_wipes();
    web_key_free(k);
    assert_int_equal(web_key_wipes(), w + 1);
    /* ids compare without regard to ASCII case, as the operators file does */
    assert_int_equal(web_auth_login(&f->app.auth, "PAYER", "battery staple", &op, &k, why, sizeof why),
                     WEB_AUTH_OK);
    assert_string_equal(op.id, "payer");
    web_key_free(k);
    /* another operator's key file under payer's name: its passphrase opens
     * it, but it is not payer's key in the operators file */
    char from[700], to[700], keep[700];
    snprintf(from, sizeof from, "%s/clerk.pem", f->keys);
    snprintf(to, sizeof to, "%s/payer.pem", f->keys);
    snprintf(keep, sizeof keep, "%s/payer.pem.kept", f->keys);
    assert_int_equal(rename(to, keep), 0);
    char cmd[1500];
    snprintf(cmd, sizeof cmd, "cp -p '%s' '%s'", from, to);
    run(cmd);
    assert_int_equal(web_auth_login(&f->app.auth, "payer", "correct horse", &op, &k, why, sizeof why),
                     WEB_AUTH_WRONG_KEY);
    assert_null(k);
    assert_non_null(strstr(why, "is not the key of operator payer"));
    /* an unknown id, an id with no key file and a wrong passphrase: one
     * answer, after the same work (one scrypt decryption each) */
    /* rounds interleave the four kinds, so a busy machine slows them alike */
    char nokey[700];
    snprintf(nokey, sizeof nokey, "%s/payer.pem.away", f->keys);
    enum { ROUNDS = 7 };
    double t[4][ROUNDS];
    for (int i = 0; i < ROUNDS; i++) {
        assert_int_equal(rename(to, nokey), 0);
        t[0][i] = login_once(f, "payer", "battery staple", WEB_AUTH_DENIED); /* no key file */
        assert_int_equal(rename(nokey, to), 0);
        t[1][i] = login_once(f, "nobody", "battery staple", WEB_AUTH_DENIED);
        t[2][i] = login_once(f, "payer", "correct horsf", WEB_AUTH_DENIED); /* wrong */
        t[3][i] = login_once(f, "../etc/passwd", "x", WEB_AUTH_DENIED);
    }
    assert_int_equal(unlink(to), 0);
    assert_int_equal(rename(keep, to), 0);
    double med[4];
    for (int k2 = 0; k2 < 4; k2++) {
        qsort(t[k2], ROUNDS, sizeof t[k2][0], cmp_double);
        med[k2] = t[k2][ROUNDS / 2];
    }
    print_message("login medians: no key file %.1f ms, unknown %.1f ms, wrong passphrase %.1f ms, "
                  "bad id %.1f ms\n", med[0] * 1e3, med[1] * 1e3, med[2] * 1e3, med[3] * 1e3);
    double lo = med[0], hi = med[0];
    for (int k2 = 1; k2 < 4; k2++) {
        lo = med[k2] < lo ? med[k2] : lo;
        hi = med[k2] > hi ? med[k2] : hi;
    }
    assert_true(lo > 0.004);
    assert_true(hi < 2.0 * lo);
}

static void test_operators_required(void **state)
{
    fixture *f = *state;
    char err[512];
    assert_int_equal(web_auth_check_operators(&f->cfg, err, sizeof err), WEB_OK);
    /* no operators file in force: the server does not start */
    char ops[700], away[700];
    snprintf(ops, sizeof ops, "%s/operators/2025-04.yaml", f->rules);
    snprintf(away, sizeof away, "%s/ops.yaml.away", f->root);
    assert_int_equal(rename(ops, away), 0);
    assert_int_equal(web_auth_check_operators(&f->cfg, err, sizeof err), WEB_EUSAGE);
    assert_non_null(strstr(err, "the web front-end needs operators"));
    /* and nobody logs in if it goes while the server runs */
    web_operator op;
    struct web_key *k = NULL;
    char why[512];
    assert_int_equal(web_auth_login(&f->app.auth, "clerk", "correct horse", &op, &k, why, sizeof why),
                     WEB_AUTH_ERROR);
    assert_null(k);
    /* an operators file that starts later is not in force today (2025-05-12) */
    char cmd[2000];
    snprintf(cmd, sizeof cmd, "sed -e 's/effective_from: 2025-04-01/effective_from: 2025-06-01/' "
             "'%s' > '%s'", away, ops);
    run(cmd);
    assert_int_equal(web_auth_check_operators(&f->cfg, err, sizeof err), WEB_EUSAGE);
    /* rules that do not load: exit 2's status, kasan check named */
    write_file(ops, "kind: operators\nversion: [\n", 0644);
    assert_int_equal(web_auth_check_operators(&f->cfg, err, sizeof err), WEB_EINVALID);
    assert_non_null(strstr(err, "kasan check"));
    assert_int_equal(rename(away, ops), 0);
}

/* ------------------------------------------------------------ pages and actions */

/* GET path?args as cookie's session; the status, the body in *page (malloc'd). */
static int get(fixture *f, const char *cookie, const char *path, const req_opts *extra, char **page)
{
    req_opts o = extra ? *extra : (req_opts){0};
    o.cookie = cookie;
    reply r;
    request(f, "GET", path, &o, &r);
    int st = r.r.status;
    if (page)
        *page = strdup(web_html_str(&r.r.body));
    done(&r);
    return st;
}

static int post(fixture *f, const char *cookie, const char *path, const req_opts *o, char **page)
{
    reply r;
    req_opts x = *o;
    x.cookie = cookie;
    request(f, "POST", path, &x, &r);
    int st = r.r.status;
    if (page)
        *page = strdup(web_html_str(&r.r.body));
    done(&r);
    return st;
}

static int64_t events_in(fixture *f)
{
    flow_events_view v;
    assert_int_equal(flow_events_read(f->out, 0, 1, &v), EXIT_OK);
    int64_t n = v.total;
    flow_events_free(&v);
    return n;
}

static void test_pages(void **state)
{
    fixture *f = *state;
    char cookie[WEB_TOKEN_HEX + 1], csrf[WEB_TOKEN_HEX + 1], *page;
    login(f, "clerk", "correct horse", cookie, csrf);
    /* 年度の状況: April's claims are in (the sample ward), nothing drafted */
    assert_int_equal(get(f, cookie, "/", NULL, &page), 200);
    assert_non_null(strstr(page, "<a href=\"/month?m=2025-04\">2025年4月</a></th><td>受付済</td>"));
    /* an operators file is in force: 決裁 applies (nothing finalized: "—") */
    assert_non_null(strstr(page, "決裁待ちの月"));
    assert_null(strstr(page, "未対応"));
    assert_null(strstr(page, "<script>"));
    free(page);
    /* 月次 of April, a draft from DATA: the README's example month,
     * 638,333 + 511,000 = 1,149,333 yen; P002 大山ひかり保育園 130,000 */
    unsigned computed = web_cache_computed(&f->app);
    req_opts apr = {.args = {{"m", "2025-04"}}};
    assert_int_equal(get(f, cookie, "/month", &apr, &page), 200);
    assert_non_null(strstr(page, "未確定"));
    assert_non_null(strstr(page, "<td class=\"yen\">1,149,333円</td>"));
    assert_non_null(strstr(page, "大山ひかり保育園</td><td class=\"yen\">130,000円</td>"));
    free(page);
    assert_int_equal(web_cache_computed(&f->app), computed + 1);
    /* the nursery's explanation: the text of kasan explain, logged first */
    size_t logged = access_log(f, NULL, NULL);
    req_opts p011 = {.args = {{"m", "2025-04"}, {"n", "P011"}}};
    assert_int_equal(get(f, cookie, "/month/nursery", &p011, &page), 200);
    assert_int_equal(web_cache_computed(&f->app), computed + 1); /* the kept month */
    char who[64], what[256];
    assert_int_equal(access_log(f, who, what), logged + 1);
    assert_string_equal(who, "clerk");
    assert_string_equal(what, "explain 2025-04 P011");
    {
        flow_month_view_req vr = {{f->data, f->rules, f->out}, {2025, 4}};
        flow_month_view v;
        assert_int_equal(flow_month_view_open(&vr, &v), EXIT_OK);
        strbuf text, esc;
        sb_init(&text);
        sb_init(&esc);
        flow_notes n = {0};
        assert_int_equal(flow_explain_text(v.run, "P011", &text, &n), EXIT_OK);
        web_escape(&esc, text.buf, text.len);
        assert_non_null(strstr(page, esc.buf)); /* the same bytes as the command line's */
        assert_non_null(strstr(text.buf, "total for P011 in 2025-04: 613,333 yen"));
        sb_release(&text);
        sb_release(&esc);
        flow_notes_free(&n);
        flow_month_view_free(&v);
    }
    free(page);
    /* a nursery not in the registry, or no id at all: 404, nothing logged */
    req_opts nope = {.args = {{"m", "2025-04"}, {"n", "P999"}}};
    assert_int_equal(get(f, cookie, "/month/nursery", &nope, NULL), 404);
    req_opts evil = {.args = {{"m", "2025-04"}, {"n", "../../etc"}}};
    assert_int_equal(get(f, cookie, "/month/nursery", &evil, NULL), 404);
    assert_int_equal(access_log(f, NULL, NULL), logged + 1);
    /* the rejected lines name children: logged too */
    assert_int_equal(get(f, cookie, "/month/rejections", &apr, &page), 200);
    assert_int_equal(access_log(f, NULL, what), logged + 2);
    assert_string_equal(what, "rejections 2025-04 page 1");
    free(page);
    /* a month that is no month */
    req_opts bad = {.args = {{"m", "2025-13"}}};
    assert_int_equal(get(f, cookie, "/month", &bad, NULL), 400);
    /* the access log is the auditor's page */
    assert_int_equal(get(f, cookie, "/audit/access", NULL, NULL), 403);
    char ac[WEB_TOKEN_HEX + 1], acsrf[WEB_TOKEN_HEX + 1];
    login(f, "auditor", "auditor passphrase", ac, acsrf);
    req_opts day = {.args = {{"from", "2025-05-12"}, {"to", "2025-05-12"}}};
    assert_int_equal(get(f, ac, "/audit/access", &day, &page), 200);
    assert_non_null(strstr(page, "<td>explain 2025-04 P011</td>"));
    free(page);
    assert_int_equal(get(f, ac, "/audit", NULL, NULL), 200);
    assert_int_equal(get(f, ac, "/budget", NULL, NULL), 200);
    assert_int_equal(get(f, ac, "/settlement", NULL, NULL), 200);
}

/* The newest event: its action, its refusal code (NULL: none) and actor. */
static void assert_last_event(fixture *f, const char *action, const char *code, const char *actor)
{
    flow_events_view v;
    assert_int_equal(flow_events_read(f->out, 0, 1, &v), EXIT_OK);
    assert_int_equal(v.n, 1);
    assert_string_equal(v.v[0].action, action);
    if (code)
        assert_string_equal(v.v[0].code, code);
    else
        assert_null(v.v[0].code);
    assert_string_equal(v.v[0].actor, actor);
    flow_events_free(&v);
}

/* The value of the hidden field name on a page. */
static void hidden(const char *page, const char *name, char *out, size_t cap)
{
    char pat[64];
    snprintf(pat, sizeof pat, "name=\"%s\" value=\"", name);
    const char *p = strstr(page, pat);
    assert_non_null(p);
    p += strlen(pat);
    const char *e = strchr(p, '"');
    assert_non_null(e);
    assert_true((size_t)(e - p) < cap);
    memcpy(out, p, (size_t)(e - p));
    out[e - p] = '\0';
}

/* 決裁 of April (finalized by clerk at event 1, n events so far) through the
 * web, with the attempts to break it on the way: events n+1..n+4. */
static void approve_month(fixture *f, int64_t n)
{
    char clerk[WEB_TOKEN_HEX + 1], ccsrf[WEB_TOKEN_HEX + 1];
    char appr[WEB_TOKEN_HEX + 1], acsrf[WEB_TOKEN_HEX + 1];
    login(f, "clerk", "correct horse", clerk, ccsrf);
    f->now++;
    login(f, "approver", "approver passphrase", appr, acsrf);
    char *page, run[80], digest[80], seq[24];
    req_opts apr = {.args = {{"m", "2025-04"}}};
    /* the summary first: 638,333 + 511,000 = 1,149,333 yen drafted by clerk at
     * event 1; the budget R7-kasan 16,444,000 yen less 1,149,333 paid leaves
     * 15,294,667 */
    assert_int_equal(get(f, appr, "/month", &apr, &page), 200);
    assert_non_null(strstr(page, "2025-04の決裁の対象"));
    assert_non_null(strstr(page, "<th scope=\"row\">月の合計</th><td class=\"yen\">1,149,333円</td>"));
    assert_non_null(strstr(page, "R7-kasan 16,444,000円：支払済 1,149,333円（この分を含む）、残額 15,294,667円"));
    assert_non_null(strstr(page, "<th scope=\"row\">起案</th><td>clerk &lt;script&gt;"));
    assert_non_null(strstr(page, "action=\"/month/approve\""));
    assert_true(strstr(page, "2025-04の決裁の対象") < strstr(page, "action=\"/month/approve\""));
    hidden(page, "run_id", run, sizeof run);
    hidden(page, "digest", digest, sizeof digest);
    hidden(page, "drafted_seq", seq, sizeof seq);
    free(page);
    assert_string_equal(seq, "1");
    {   /* the summary is kept (cache.c's fragments), never another session's
         * token: a second session of the approver gets its own in the form */
        char appr2[WEB_TOKEN_HEX + 1], acsrf2[WEB_TOKEN_HEX + 1], tok[WEB_TOKEN_HEX + 1];
        login(f, "approver", "approver passphrase", appr2, acsrf2);
        assert_int_equal(get(f, appr2, "/month", &apr, &page), 200);
        const char *form = strstr(page, "action=\"/month/approve\"");
        assert_non_null(form);
        hidden(form, "csrf", tok, sizeof tok);
        assert_string_equal(tok, acsrf2);
        assert_null(strstr(page, acsrf));
        free(page);
    }
    {   /* exactly what flow_approve_summary (kasan approve) shows */
        flow_approve_req rq = {.paths = {f->data, f->rules, f->out}, .month = {2025, 4}};
        flow_approve_res sum;
        assert_int_equal(flow_approve_summary(&rq, &sum), EXIT_OK);
        assert_string_equal(run, sum.subject.run_id);
        assert_string_equal(digest, sum.subject.digest);
        assert_int_equal(sum.run.total_yen, 1149333);
        flow_approve_free(&sum);
    }
    /* the clerk (no approve role): refused with the command line's words, recorded */
    assert_int_equal(post(f, clerk, "/month/approve",
                          &(req_opts){.fields = {{"csrf", ccsrf}, {"month", "2025-04"}, {"run_id", run},
                                                 {"digest", digest}, {"drafted_seq", seq}}}, &page),
                     403);
    assert_non_null(strstr(page, "approval refused: operator clerk has not the approve role (決裁) that approving a run (決裁) needs"));
    free(page);
    assert_int_equal(events_in(f), n + 1);
    assert_last_event(f, "refuse", "lacks_role", "clerk");
    /* no CSRF token, another session's: 403 and nothing recorded */
    assert_int_equal(post(f, appr, "/month/approve",
                          &(req_opts){.fields = {{"month", "2025-04"}, {"run_id", run},
                                                 {"digest", digest}, {"drafted_seq", seq}}}, NULL), 403);
    assert_int_equal(post(f, appr, "/month/approve",
                          &(req_opts){.fields = {{"csrf", ccsrf}, {"month", "2025-04"}, {"run_id", run},
                                                 {"digest", digest}, {"drafted_seq", seq}}}, NULL), 403);
    /* what was shown not sent (no drafting event, a digest that is no digest): 400 */
    assert_int_equal(post(f, appr, "/month/approve",
                          &(req_opts){.fields = {{"csrf", acsrf}, {"month", "2025-04"}, {"run_id", run},
                                                 {"digest", digest}}}, NULL), 400);
    assert_int_equal(post(f, appr, "/month/approve",
                          &(req_opts){.fields = {{"csrf", acsrf}, {"month", "2025-04"}, {"run_id", run},
                                                 {"digest", "../x"}, {"drafted_seq", seq}}}, NULL), 400);
    assert_int_equal(events_in(f), n + 1);
    /* a digest that is no longer current (what a correction meanwhile leaves
     * on an open page): the ledger refuses, recorded */
    char stale[WEB_TOKEN_HEX + 1];
    memset(stale, 'a', WEB_TOKEN_HEX);
    stale[WEB_TOKEN_HEX] = '\0';
    assert_int_equal(post(f, appr, "/month/approve",
                          &(req_opts){.fields = {{"csrf", acsrf}, {"month", "2025-04"}, {"run_id", run},
                                                 {"digest", stale}, {"drafted_seq", seq}}}, &page), 409);
    assert_non_null(strstr(page, "is no longer current"));
    free(page);
    assert_int_equal(events_in(f), n + 2);
    assert_last_event(f, "refuse", "not_current", "approver");
    /* what was shown: approved, signed with the session's key, via web */
    assert_int_equal(post(f, appr, "/month/approve",
                          &(req_opts){.fields = {{"csrf", acsrf}, {"month", "2025-04"}, {"run_id", run},
                                                 {"digest", digest}, {"drafted_seq", seq}}}, &page), 200);
    assert_non_null(strstr(page, "決裁文書に控えるアンカー"));
    free(page);
    assert_int_equal(events_in(f), n + 3);
    assert_last_event(f, "approve", NULL, "approver");
    {
        char path[700], err[256];
        snprintf(path, sizeof path, "%s/ledger.sqlite", f->out);
        ledger *lg;
        assert_int_equal(ledger_open(path, false, &lg, err, sizeof err), LEDGER_OK);
        arena a = ARENA_INIT;
        ledger_signoffs so;
        assert_int_equal(ledger_run_signoffs(lg, "2025-04", 0, run, &a, &so), LEDGER_OK);
        assert_int_equal(so.approved.seq, n + 3);
        assert_string_equal(so.approved.operator_id, "approver");
        assert_string_equal(so.approved.role, "approve");
        assert_string_equal(so.approved.via, "web");
        assert_string_equal(so.drafted.operator_id, "clerk");
        arena_release(&a);
        ledger_close(lg);
    }
    /* again: already approved, refused and recorded */
    assert_int_equal(post(f, appr, "/month/approve",
                          &(req_opts){.fields = {{"csrf", acsrf}, {"month", "2025-04"}, {"run_id", run},
                                                 {"digest", digest}, {"drafted_seq", seq}}}, NULL), 409);
    assert_int_equal(events_in(f), n + 4);
    assert_last_event(f, "refuse", "already_approved", "approver");
    /* the page says so, without a form; the year page names who may pay */
    assert_int_equal(get(f, appr, "/month", &apr, &page), 200);
    char want[64];
    snprintf(want, sizeof want, "決裁済みです（approver、台帳の番号 %lld）", (long long)(n + 3));
    assert_non_null(strstr(page, want));
    assert_null(strstr(page, "action=\"/month/approve\""));
    free(page);
    assert_int_equal(get(f, appr, "/", NULL, &page), 200);
    assert_non_null(strstr(page, "<td>振込</td><td>会計管理者</td>"));
    free(page);
}

/* The fixture's stand-in transfer file (for the download tests) is recorded
 * by no event: audit verify rightly flags it, so tests that verify the
 * ledger the web leaves take it away first. */
static void drop_standin_transfer(const fixture *f)
{
    char p[700];
    snprintf(p, sizeof p, "%s/2025-04/transfer-2025-04.txt", f->out);
    unlink(p);
}

static void test_actions_by_role(void **state)
{
    fixture *f = *state;
    drop_standin_transfer(f);
    char clerk[WEB_TOKEN_HEX + 1], ccsrf[WEB_TOKEN_HEX + 1];
    char payer[WEB_TOKEN_HEX + 1], pcsrf[WEB_TOKEN_HEX + 1];
    login(f, "clerk", "correct horse", clerk, ccsrf);
    f->now++;
    login(f, "payer", "battery staple", payer, pcsrf);
    char *page;
    /* a role the operator lacks: refused with the command line's words, no event */
    assert_int_equal(post(f, payer, "/month/finalize",
                          &(req_opts){.fields = {{"csrf", pcsrf}, {"month", "2025-04"}}}, &page),
                     403);
    assert_non_null(strstr(page, "operator payer has not the draft role (起案) that finalizing a month needs"));
    free(page);
    assert_int_equal(events_in(f), 0);
    assert_int_equal(post(f, payer, "/month/run",
                          &(req_opts){.fields = {{"csrf", pcsrf}, {"month", "2025-04"}}}, NULL), 403);
    assert_int_equal(post(f, clerk, "/month/transfer",
                          &(req_opts){.fields = {{"csrf", ccsrf}, {"month", "2025-04"}, {"date", "2025-05-20"}}},
                          &page), 403);
    assert_non_null(strstr(page, "operator clerk has not the pay role (振込)"));
    free(page);
    assert_int_equal(events_in(f), 0);
    /* the CSRF token of another session, or none: 403 and nothing done */
    assert_int_equal(post(f, clerk, "/month/finalize",
                          &(req_opts){.fields = {{"csrf", pcsrf}, {"month", "2025-04"}}}, NULL), 403);
    assert_int_equal(post(f, clerk, "/month/finalize", &(req_opts){.fields = {{"month", "2025-04"}}},
                          NULL), 403);
    assert_int_equal(events_in(f), 0);
    /* a month that has not begun (today is 2025-05-12): not finalized */
    assert_int_equal(post(f, clerk, "/month/finalize",
                          &(req_opts){.fields = {{"csrf", ccsrf}, {"month", "2025-06"}}}, &page), 400);
    assert_non_null(strstr(page, "2025-06 has not begun (today is 2025-05-12)"));
    free(page);
    assert_int_equal(events_in(f), 0);
    /* the clerk finalizes April: event 1 */
    assert_int_equal(post(f, clerk, "/month/finalize",
                          &(req_opts){.fields = {{"csrf", ccsrf}, {"month", "2025-04"}}}, &page), 200);
    assert_non_null(strstr(page, "<td class=\"yen\">1,149,333円</td>"));
    free(page);
    assert_int_equal(events_in(f), 1);
    /* again: the ledger refuses (exit 3) and records the refusal, as the command line */
    assert_int_equal(post(f, clerk, "/month/finalize",
                          &(req_opts){.fields = {{"csrf", ccsrf}, {"month", "2025-04"}}}, NULL), 409);
    assert_int_equal(events_in(f), 2);
    /* the month page reads the finalized run from the ledger's archive */
    req_opts apr = {.args = {{"m", "2025-04"}}};
    assert_int_equal(get(f, clerk, "/month", &apr, &page), 200);
    assert_non_null(strstr(page, "確定済み"));
    assert_non_null(strstr(page, "<td class=\"yen\">1,149,333円</td>"));
    free(page);
    /* the clerk sees no approval form (no approve role) and no summary */
    assert_int_equal(get(f, clerk, "/month", &apr, &page), 200);
    assert_non_null(strstr(page, "決裁の権限が必要です"));
    assert_null(strstr(page, "action=\"/month/approve\""));
    free(page);
    /* the payer before 決裁: refused by the ledger, recorded (event 3) */
    assert_int_equal(post(f, payer, "/month/transfer",
                          &(req_opts){.fields = {{"csrf", pcsrf}, {"month", "2025-04"}, {"date", "2025-05-20"}}},
                          &page), 409);
    assert_non_null(strstr(page, "the run has not been approved (決裁)"));
    free(page);
    assert_int_equal(events_in(f), 3);
    assert_last_event(f, "refuse", "not_approved", "payer");
    /* 決裁 by the approver: the month as shown to them, then approved */
    approve_month(f, 3); /* events 4..7 */
    /* the payer makes the transfer file: event 8; the year page says so */
    assert_int_equal(post(f, payer, "/month/transfer",
                          &(req_opts){.fields = {{"csrf", pcsrf}, {"month", "2025-04"}, {"date", "2025-05-20"}}},
                          &page), 200);
    assert_non_null(strstr(page, "2025-04/transfer-2025-04"));
    free(page);
    assert_int_equal(events_in(f), 8);
    assert_last_event(f, "transfer", NULL, "payer");
    assert_int_equal(get(f, payer, "/", NULL, &page), 200);
    assert_non_null(strstr(page, "<td>済 2025-05-20<br><small>payer</small></td>"));
    assert_non_null(strstr(page, "<td>済<br><small>approver</small></td>"));
    free(page);
    /* the ledger the web left verifies, signatures and the separation included */
    flow_audit_req arq = {f->out, FLOW_AUDIT_VERIFY, NULL, 0, 0, NULL, NULL};
    flow_audit_res ares;
    assert_int_equal(flow_audit(&arq, &ares), EXIT_OK);
    bool sigs_ok = false;
    for (size_t i = 0; i < ares.notes.n; i++)
        sigs_ok |= strstr(ares.notes.v[i].text, "signatures OK: 8 signed events") != NULL;
    assert_true(sigs_ok); /* all 8: every refusal is signed by whom it refused */
    flow_audit_free(&ares);
}

/* The drafter who also holds the approve role may not approve their own
 * draft; the year page names only who may; the auditor's checkpoint. */
static void test_approve_own_draft(void **state)
{
    fixture *f = *state;
    drop_standin_transfer(f);
    char chief[WEB_TOKEN_HEX + 1], hcsrf[WEB_TOKEN_HEX + 1], *page;
    login(f, "chief", "chief passphrase", chief, hcsrf);
    assert_int_equal(post(f, chief, "/month/finalize",
                          &(req_opts){.fields = {{"csrf", hcsrf}, {"month", "2025-04"}}}, NULL), 200);
    assert_int_equal(events_in(f), 1);
    req_opts apr = {.args = {{"m", "2025-04"}}};
    assert_int_equal(get(f, chief, "/month", &apr, &page), 200);
    assert_non_null(strstr(page, "これはご自身の起案です"));
    char run[80], digest[80], seq[24];
    hidden(page, "run_id", run, sizeof run);
    hidden(page, "digest", digest, sizeof digest);
    hidden(page, "drafted_seq", seq, sizeof seq);
    free(page);
    /* next 決裁; who may: the approver, not chief who drafted it, not clerk */
    assert_int_equal(get(f, chief, "/", NULL, &page), 200);
    assert_non_null(strstr(page, "<td>決裁</td><td>決裁 課長</td>"));
    free(page);
    assert_int_equal(post(f, chief, "/month/approve",
                          &(req_opts){.fields = {{"csrf", hcsrf}, {"month", "2025-04"}, {"run_id", run},
                                                 {"digest", digest}, {"drafted_seq", seq}}}, &page),
                     403);
    assert_non_null(strstr(page, "approval refused: chief drafted (finalized) this run: its approval (決裁) must be someone else&#39;s"));
    free(page);
    assert_int_equal(events_in(f), 2);
    assert_last_event(f, "refuse", "own_draft", "chief");
    /* the checkpoint: the auditor's alone; clerk refused, nothing written */
    char clerk[WEB_TOKEN_HEX + 1], ccsrf[WEB_TOKEN_HEX + 1];
    char aud[WEB_TOKEN_HEX + 1], acsrf[WEB_TOKEN_HEX + 1];
    login(f, "clerk", "correct horse", clerk, ccsrf);
    login(f, "auditor", "auditor passphrase", aud, acsrf);
    assert_int_equal(post(f, clerk, "/audit/checkpoint", &(req_opts){.fields = {{"csrf", ccsrf}}},
                          &page), 403);
    assert_non_null(strstr(page, "operator clerk has not the audit role (監査)"));
    free(page);
    assert_int_equal(post(f, aud, "/audit/checkpoint", &(req_opts){0}, NULL), 403); /* no token */
    char cp[700];
    snprintf(cp, sizeof cp, "%s/checkpoint-2.txt", f->out); /* the head is event 2 */
    assert_false(fs_exists(cp));
    assert_int_equal(post(f, aud, "/audit/checkpoint", &(req_opts){.fields = {{"csrf", acsrf}}},
                          &page), 200);
    assert_non_null(strstr(page, "checkpoint-2.txt"));
    free(page);
    assert_true(fs_exists(cp));
    assert_int_equal(events_in(f), 2); /* the auditor never writes the ledger */
    /* never over an existing checkpoint */
    assert_int_not_equal(post(f, aud, "/audit/checkpoint", &(req_opts){.fields = {{"csrf", acsrf}}},
                              NULL), 200);
    req_opts verify = {.args = {{"verify", "1"}}};
    assert_int_equal(get(f, aud, "/audit", &verify, &page), 200);
    assert_non_null(strstr(page, "問題はありません"));
    assert_non_null(strstr(page, "signatures OK: 2 signed events"));
    assert_non_null(strstr(page, "href=\"/download/checkpoint-2.txt\""));
    free(page);
    flow_audit_req arq = {.out = f->out, .action = FLOW_AUDIT_VERIFY, .checkpoint = cp};
    flow_audit_res ares;
    assert_int_equal(flow_audit(&arq, &ares), EXIT_OK);
    flow_audit_free(&ares);
}

int main(void)
{
    setenv("KASAN_NOW", "2025-05-12T09:30:00Z", 1); /* the operators' file is in force */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_tokens),
        cmocka_unit_test(test_session_expiry),
        cmocka_unit_test(test_session_fixation),
        cmocka_unit_test(test_session_keys_wiped),
        cmocka_unit_test(test_session_table_full),
        cmocka_unit_test(test_limiter),
        cmocka_unit_test(test_form_bounds),
        cmocka_unit_test(test_download_paths),
        cmocka_unit_test(test_download_open),
        cmocka_unit_test(test_pager),
        cmocka_unit_test(test_chart),
        cmocka_unit_test_setup_teardown(test_no_session, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_csrf, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_login_logout, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_keys_readable_by_others, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_host_and_headers, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_downloads, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_login_keys, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_operators_required, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_pages, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_actions_by_role, setup_app, teardown_app),
        cmocka_unit_test_setup_teardown(test_approve_own_draft, setup_app, teardown_app),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
