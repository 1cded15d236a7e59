/* sign: Ed25519 keys, the encrypted key file, signatures, the public key
 * line and fingerprint, and the file permission rules (include/kasan/sign.h).
 * Fixed keys are RFC 8032 §7.1's test vectors (TEST 1–3): test keys whose
 * private halves are published, never an operator's.  Expected texts were
 * worked out apart from kasan: the base64 lines with Python's base64 module,
 * the fingerprint with ssh-keygen -lf on the same key in OpenSSH form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "kasan/sign.h"

static void hex(const char *s, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        sscanf(s + 2 * i, "%2x", &v);
        out[i] = (uint8_t)v;
    }
}

/* RFC 8032 7.1 TEST 1, TEST 2, TEST 3: seed, public key */
static const char *const seeds[3] = {
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7"};
static const char *const publics[3] = {
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"};

static sign_key *rfc_key(int i)
{
    uint8_t seed[32];
    hex(seeds[i], seed, 32);
    sign_key *k;
    assert_int_equal(sign_key_from_seed(seed, &k), SIGN_OK);
    return k;
}

static sign_secret secret(const char *s)
{
    sign_secret p;
    memset(&p, 0, sizeof p);
    p.len = strlen(s);
    memcpy(p.s, s, p.len);
    return p;
}

static void test_rfc8032_public_keys(void **state)
{
    (void)state;
    for (int i = 0; i < 3; i++) {
        sign_key *k = rfc_key(i);
        sign_public pub, want;
        sign_key_public(k, &pub);
        hex(publics[i], want.b, 32);
        assert_memory_equal(pub.b, want.b, 32);
        sign_key_free(k);
    }
}

/* TEST 1's key: base64 of d75a9801… is 11qYAYKx…URo= (Python), and
 * `ssh-keygen -lf` of "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea"
 * prints SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8. */
static void test_line_and_fingerprint(void **state)
{
    (void)state;
    sign_public pub, back;
    hex(publics[0], pub.b, 32);
    char line[SIGN_LINE_LEN + 1], fp[SIGN_FP_LEN + 1], why[SIGN_WHY_MAX];
    sign_public_line(&pub, line);
    assert_string_equal(line, "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    sign_fingerprint(&pub, fp);
    assert_string_equal(fp, "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8");
    assert_true(sign_public_parse(line, &back, why, sizeof why));
    assert_true(sign_public_equal(&pub, &back));
    /* TEST 2: PUAXw+hD… (Python base64) */
    hex(publics[1], pub.b, 32);
    sign_public_line(&pub, line);
    assert_string_equal(line, "ed25519:PUAXw+hDiVqStwqnTRt+vJyYLM8uxJaMwM1V8Sr0Zgw=");
}

static void refuse(const char *line, const char *why_part)
{
    sign_public pub;
    char why[SIGN_WHY_MAX] = "";
    assert_false(sign_public_parse(line, &pub, why, sizeof why));
    if (!strstr(why, why_part))
        fail_msg("%s: '%s' does not say '%s'", line, why, why_part);
}

static void test_public_parse_refuses(void **state)
{
    (void)state;
    refuse("", "ed25519:BASE64");
    refuse("ED25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "ed25519:BASE64");
    refuse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea",
           "ed25519:BASE64");
    refuse("ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo= ", "44 characters");
    refuse("ed25519: 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", "44 characters");
    refuse("ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo", "44 characters");
    refuse("ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo==", "44 characters");
    refuse("ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUR*=", "44 characters");
    /* the same 32 bytes spelled with non-zero trailing bits (o → p) */
    refuse("ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=", "44 characters");
    /* y = 2 is no point: (4-1)/(4d+1) is not a square mod p (Euler's
     * criterion, worked out in Python) */
    refuse("ed25519:AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "not a point");
    /* y = p = 2^255 - 19: not canonical */
    refuse("ed25519:7f///////////////////////////////////////38=", "not a point");
}

/* The y coordinates of the small-order points (sign.c's list), each with
 * both signs of x. */
static const char *const weak[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
};

/* Raw libcrypto verification (no kasan tag), to show what a weak key allows. */
static bool raw_verify(const uint8_t pub[32], const void *msg, size_t len, const uint8_t sig[64])
{
    EVP_PKEY *k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, 32);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = k && ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1 &&
              EVP_DigestVerify(ctx, sig, 64, msg, len) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    return ok;
}

/* Why weak keys are refused, shown with libcrypto itself: under a
 * small-order key A, the signature R = identity (01 00…), S = 0 verifies for
 * every message whose challenge k makes [k]A the identity (always for A the
 * identity, half the messages for order 2, a quarter or an eighth for the
 * others); among 64 messages some do.  That is also a check of the list:
 * a mistyped entry would not be a small-order point and allow no forgery.
 * kasan refuses each such key in the operators file and in sign_verify. */
static void test_small_order_keys_refused(void **state)
{
    (void)state;
    uint8_t forged[64] = {1};
    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++)
        for (int sign = 0; sign < 2; sign++) {
            sign_public pub;
            hex(weak[i], pub.b, 32);
            pub.b[31] |= (uint8_t)(sign << 7);
            if (i == 1 && sign) /* x = 0 cannot carry a sign: no point at all */
                continue;
            if (i == 2 && sign)
                continue; /* likewise (0, -1) */
            int forgeries = 0;
            for (int m = 0; m < 64; m++) {
                char msg[32];
                int n = snprintf(msg, sizeof msg, "pay 1000000 yen #%d", m);
                forgeries += raw_verify(pub.b, msg, (size_t)n, forged);
                assert_false(sign_verify(&pub, "event", msg, (size_t)n, forged));
            }
            if (forgeries == 0)
                fail_msg("weak key %zu (sign %d): no forgery: is it a small-order point?", i, sign);
            char line[SIGN_LINE_LEN + 1];
            sign_public_line(&pub, line);
            refuse(line, "small order");
        }
}

static void test_sign_and_verify(void **state)
{
    (void)state;
    sign_key *k = rfc_key(0), *other = rfc_key(1);
    sign_public pub, opub;
    sign_key_public(k, &pub);
    sign_key_public(other, &opub);
    const char msg[] = "{\"action\":\"finalize\",\"prev_hash\":\"00\"}";
    uint8_t sig[64], sig2[64];
    assert_int_equal(sign_bytes(k, "event", msg, sizeof msg - 1, sig), SIGN_OK);
    assert_true(sign_verify(&pub, "event", msg, sizeof msg - 1, sig));
    /* deterministic (RFC 8032): the same bytes, the same signature */
    assert_int_equal(sign_bytes(k, "event", msg, sizeof msg - 1, sig2), SIGN_OK);
    assert_memory_equal(sig, sig2, 64);
    /* the signed bytes are exactly "kasan-sig-v1" 0 "event" 0 msg (sign.h):
     * checked with libcrypto directly */
    uint8_t tagged[128];
    size_t n = 0;
    memcpy(tagged, "kasan-sig-v1", 13), n = 13;
    memcpy(tagged + n, "event", 6), n += 6;
    memcpy(tagged + n, msg, sizeof msg - 1), n += sizeof msg - 1;
    assert_true(raw_verify(pub.b, tagged, n, sig));
    assert_false(raw_verify(pub.b, msg, sizeof msg - 1, sig)); /* not the bare message */
    /* under another key */
    assert_false(sign_verify(&opub, "event", msg, sizeof msg - 1, sig));
    /* another context: an event's signature is no checkpoint's */
    assert_false(sign_verify(&pub, "checkpoint", msg, sizeof msg - 1, sig));
    /* a tampered message: each byte in turn */
    for (size_t i = 0; i < sizeof msg - 1; i++) {
        char t[sizeof msg];
        memcpy(t, msg, sizeof msg);
        t[i] ^= 1;
        assert_false(sign_verify(&pub, "event", t, sizeof msg - 1, sig));
    }
    assert_false(sign_verify(&pub, "event", msg, sizeof msg - 2, sig));
    /* a tampered signature: one bit of each byte in turn */
    for (int i = 0; i < 64; i++) {
        memcpy(sig2, sig, 64);
        sig2[i] ^= 0x10;
        assert_false(sign_verify(&pub, "event", msg, sizeof msg - 1, sig2));
    }
    /* S + L (same point arithmetic, non-canonical S) is refused: no malleability */
    static const uint8_t L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
                                  0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
                                  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
    memcpy(sig2, sig, 64);
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        unsigned s = sig2[32 + i] + L[i] + carry;
        sig2[32 + i] = (uint8_t)s;
        carry = s >> 8;
    }
    assert_false(sign_verify(&pub, "event", msg, sizeof msg - 1, sig2));
    /* the text form round trip, strictly */
    char text[SIGN_SIG_TEXT_LEN + 1];
    sign_sig_text(sig, text);
    assert_int_equal(strlen(text), 88);
    assert_true(sign_sig_parse(text, sig2));
    assert_memory_equal(sig, sig2, 64);
    text[87] = 'A'; /* the padding */
    assert_false(sign_sig_parse(text, sig2));
    assert_false(sign_sig_parse("", sig2));
    sign_key_free(k);
    sign_key_free(other);
}

static void test_generate_distinct(void **state)
{
    (void)state;
    sign_key *a, *b;
    assert_int_equal(sign_generate(&a), SIGN_OK);
    assert_int_equal(sign_generate(&b), SIGN_OK);
    sign_public pa, pb;
    sign_key_public(a, &pa);
    sign_key_public(b, &pb);
    assert_false(sign_public_equal(&pa, &pb));
    char line[SIGN_LINE_LEN + 1], why[SIGN_WHY_MAX];
    sign_public_line(&pa, line);
    sign_public back;
    assert_true(sign_public_parse(line, &back, why, sizeof why)); /* a real key is a good key */
    uint8_t sig[64];
    assert_int_equal(sign_bytes(a, "event", "x", 1, sig), SIGN_OK);
    assert_true(sign_verify(&pa, "event", "x", 1, sig));
    assert_false(sign_verify(&pb, "event", "x", 1, sig));
    sign_key_free(a);
    sign_key_free(b);
}

static void test_encrypted_round_trip(void **state)
{
    (void)state;
    sign_key *k = rfc_key(2), *back = NULL;
    sign_secret pass = secret("correct horse battery staple");
    char *pem;
    size_t len;
    assert_int_equal(sign_key_encrypt_pem(k, &pass, &pem, &len), SIGN_OK);
    assert_non_null(strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    /* nothing of the seed in the clear (neither raw nor as hex) */
    uint8_t seed[32];
    hex(seeds[2], seed, 32);
    assert_null(strstr(pem, seeds[2]));
    char why[SIGN_WHY_MAX];
    assert_int_equal(sign_key_decrypt_pem(pem, len, &pass, &back, why, sizeof why), SIGN_OK);
    sign_public a, b;
    sign_key_public(k, &a);
    sign_key_public(back, &b);
    assert_true(sign_public_equal(&a, &b));
    uint8_t sig[64];
    assert_int_equal(sign_bytes(back, "event", "m", 1, sig), SIGN_OK);
    assert_true(sign_verify(&a, "event", "m", 1, sig));
    sign_key_free(back);

    /* a wrong passphrase: one character off, a prefix, empty */
    const char *wrong[] = {"correct horse battery stapl", "correct horse battery staplf",
                           "Correct horse battery staple", ""};
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        sign_secret w = secret(wrong[i]);
        back = NULL;
        assert_int_equal(sign_key_decrypt_pem(pem, len, &w, &back, why, sizeof why),
                         SIGN_ERR_PASSPHRASE);
        assert_null(back);
        assert_string_equal(why, "wrong passphrase");
    }
    /* damaged: one base64 character of the body changed */
    char *bad = strdup(pem);
    char *body = strchr(bad, '\n') + 40;
    *body = *body == 'A' ? 'B' : 'A';
    sign_status st = sign_key_decrypt_pem(bad, len, &pass, &back, why, sizeof why);
    assert_true(st == SIGN_ERR_FORMAT || st == SIGN_ERR_PASSPHRASE);
    assert_null(back);
    free(bad);
    free(pem);

    /* an unencrypted PKCS#8 key is refused, as is a PEM of something else */
    EVP_PKEY *raw = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
    BIO *bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PrivateKey(bio, raw, NULL, NULL, 0, NULL, NULL), 1);
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    assert_int_equal(sign_key_decrypt_pem(data, (size_t)n, &pass, &back, why, sizeof why),
                     SIGN_ERR_FORMAT);
    assert_non_null(strstr(why, "unencrypted"));
    BIO_free(bio);
    EVP_PKEY_free(raw);
    const char cert[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_int_equal(sign_key_decrypt_pem(cert, sizeof cert - 1, &pass, &back, why, sizeof why),
                     SIGN_ERR_FORMAT);
    assert_int_equal(sign_key_decrypt_pem("hello", 5, &pass, &back, why, sizeof why),
                     SIGN_ERR_FORMAT);

    /* an encrypted key that is not Ed25519 (P-256) */
    EVP_PKEY *ec = EVP_EC_gen("P-256");
    assert_non_null(ec);
    bio = BIO_new(BIO_s_mem());
    assert_int_equal(PEM_write_bio_PKCS8PrivateKey(bio, ec, EVP_aes_256_cbc(), pass.s,
                                                   (int)pass.len, NULL, NULL), 1);
    n = BIO_get_mem_data(bio, &data);
    assert_int_equal(sign_key_decrypt_pem(data, (size_t)n, &pass, &back, why, sizeof why),
                     SIGN_ERR_FORMAT);
    assert_non_null(strstr(why, "not an Ed25519 key"));
    BIO_free(bio);
    EVP_PKEY_free(ec);
    sign_key_free(k);
}

/* ---- files ----------------------------------------------------------------- */

static char tmp[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/kasan-sign-XXXXXX");
    return mkdtemp(tmp) ? 0 : -1;
}

static int teardown_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static void put(const char *path, const char *text, mode_t mode)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_passphrase_file(void **state)
{
    (void)state;
    char path[128], why[SIGN_WHY_MAX];
    snprintf(path, sizeof path, "%s/pass", tmp);
    sign_secret p;
    put(path, "open sesame 1\n", 0600);
    assert_int_equal(sign_passphrase_file(path, &p, why, sizeof why), SIGN_OK);
    assert_int_equal(p.len, 13);
    assert_string_equal(p.s, "open sesame 1");
    put(path, "open sesame 2\r\nsecond line ignored\n", 0400);
    assert_int_equal(sign_passphrase_file(path, &p, why, sizeof why), SIGN_OK);
    assert_string_equal(p.s, "open sesame 2");
    put(path, "no newline", 0600);
    assert_int_equal(sign_passphrase_file(path, &p, why, sizeof why), SIGN_OK);
    assert_string_equal(p.s, "no newline");
    /* readable (or writable) by group or others: refused, whatever it holds */
    const mode_t open_modes[] = {0644, 0640, 0604, 0660, 0602, 0620, 0606};
    for (size_t i = 0; i < sizeof open_modes / sizeof open_modes[0]; i++) {
        put(path, "open sesame 3\n", open_modes[i]);
        assert_int_equal(sign_passphrase_file(path, &p, why, sizeof why), SIGN_ERR_MODE);
        assert_non_null(strstr(why, "chmod 600"));
        assert_int_equal(p.len, 0);
    }
    put(path, "\n", 0600);
    assert_int_equal(sign_passphrase_file(path, &p, why, sizeof why), SIGN_ERR_USAGE);
    char big[SIGN_PASS_MAX + 3];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    put(path, big, 0600);
    assert_int_equal(sign_passphrase_file(path, &p, why, sizeof why), SIGN_ERR_USAGE);
    /* not a regular file; absent */
    assert_int_equal(sign_passphrase_file(tmp, &p, why, sizeof why), SIGN_ERR_IO);
    assert_non_null(strstr(why, "not a regular file"));
    snprintf(path, sizeof path, "%s/absent", tmp);
    assert_int_equal(sign_passphrase_file(path, &p, why, sizeof why), SIGN_ERR_IO);
}

static void test_keygen_and_load(void **state)
{
    (void)state;
    char dir[128], path[160], why[SIGN_WHY_MAX];
    snprintf(dir, sizeof dir, "%s/keys/nested", tmp);
    sign_keygen_request rq = {.keys_dir = dir, .id = "tanaka"};
    sign_secret pass = secret("a passphrase of mine"), shortp = secret("1234567");
    sign_keygen_result res;
    assert_int_equal(sign_keygen_check(&rq, why, sizeof why), SIGN_OK); /* dir not there yet */
    assert_int_equal(sign_keygen(&rq, &shortp, &res, why, sizeof why), SIGN_ERR_USAGE);
    assert_int_equal(sign_keygen(&rq, &pass, &res, why, sizeof why), SIGN_OK);
    snprintf(path, sizeof path, "%s/tanaka.pem", dir);
    assert_string_equal(res.path, path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    char line[SIGN_LINE_LEN + 1], fp[SIGN_FP_LEN + 1];
    sign_public_line(&res.pub, line);
    sign_fingerprint(&res.pub, fp);
    assert_string_equal(res.line, line);
    assert_string_equal(res.fingerprint, fp);
    sign_public pub = res.pub;

    /* the file reads back as the key printed */
    sign_key *k;
    assert_int_equal(sign_key_load(path, &pass, &k, why, sizeof why), SIGN_OK);
    sign_public got;
    sign_key_public(k, &got);
    assert_true(sign_public_equal(&got, &pub));
    sign_key_free(k);
    sign_secret wrong = secret("a passphrase of yours");
    assert_int_equal(sign_key_load(path, &wrong, &k, why, sizeof why), SIGN_ERR_PASSPHRASE);
    assert_non_null(strstr(why, "wrong passphrase"));
    assert_null(k);

    /* never over an existing key, even with --keys given twice */
    assert_int_equal(sign_keygen_check(&rq, why, sizeof why), SIGN_ERR_EXISTS);
    sign_keygen_result res2;
    assert_int_equal(sign_keygen(&rq, &pass, &res2, why, sizeof why), SIGN_ERR_EXISTS);
    assert_int_equal(sign_key_load(path, &pass, &k, why, sizeof why), SIGN_OK);
    sign_key_public(k, &got);
    assert_true(sign_public_equal(&got, &pub)); /* still the first key */
    sign_key_free(k);
    /* nor through a symbolic link (dangling or not) */
    char link_path[160];
    snprintf(link_path, sizeof link_path, "%s/sato.pem", dir);
    assert_int_equal(symlink("/nonexistent/elsewhere.pem", link_path), 0);
    rq.id = "sato";
    assert_int_equal(sign_keygen(&rq, &pass, &res2, why, sizeof why), SIGN_ERR_EXISTS);
    unlink(link_path);
    rq.id = "tanaka";

    /* a key file that group or others may read is refused, as ssh does */
    const mode_t open_modes[] = {0640, 0604, 0644, 0660, 0606, 0620};
    for (size_t i = 0; i < sizeof open_modes / sizeof open_modes[0]; i++) {
        assert_int_equal(chmod(path, open_modes[i]), 0);
        assert_int_equal(sign_key_load(path, &pass, &k, why, sizeof why), SIGN_ERR_MODE);
        assert_null(k);
    }
    assert_int_equal(chmod(path, 0400), 0);
    assert_int_equal(sign_key_load(path, &pass, &k, why, sizeof why), SIGN_OK);
    sign_key_free(k);
    assert_int_equal(chmod(path, 0600), 0);

    /* a keys directory others may enter is refused before any passphrase */
    assert_int_equal(chmod(dir, 0755), 0);
    rq.id = "sato";
    assert_int_equal(sign_keygen_check(&rq, why, sizeof why), SIGN_ERR_MODE);
    assert_non_null(strstr(why, "chmod 700"));
    assert_int_equal(sign_keygen(&rq, &pass, &res2, why, sizeof why), SIGN_ERR_MODE);
    snprintf(path, sizeof path, "%s/sato.pem", dir);
    assert_int_equal(access(path, F_OK), -1); /* nothing written */
    assert_int_equal(chmod(dir, 0700), 0);

    /* ids that are no file name */
    const char *bad_ids[] = {"", "../x", "a/b", ".hidden", "-dash", "x y", "たなか",
                             "a23456789012345678901234567890123"};
    for (size_t i = 0; i < sizeof bad_ids / sizeof bad_ids[0]; i++) {
        rq.id = bad_ids[i];
        assert_int_equal(sign_keygen_check(&rq, why, sizeof why), SIGN_ERR_USAGE);
        assert_int_equal(sign_keygen(&rq, &pass, &res2, why, sizeof why), SIGN_ERR_USAGE);
    }
    sign_keygen_result_release(&res);
    sign_secret_wipe(&pass);
    assert_int_equal(pass.len, 0);
}

static void test_keys_dir(void **state)
{
    (void)state;
    char why[SIGN_WHY_MAX];
    setenv("HOME", "/home/someone", 1);
    unsetenv("KASAN_KEYS");
    char *d = sign_keys_dir(NULL, why, sizeof why);
    assert_string_equal(d, "/home/someone/.kasan/keys");
    free(d);
    setenv("KASAN_KEYS", "/srv/keys", 1);
    d = sign_keys_dir(NULL, why, sizeof why);
    assert_string_equal(d, "/srv/keys");
    free(d);
    d = sign_keys_dir("given/", why, sizeof why);
    assert_string_equal(d, "given/");
    free(d);
    d = sign_key_path("given/", "sato");
    assert_string_equal(d, "given/sato.pem");
    free(d);
    d = sign_key_path("/srv/keys", "sato");
    assert_string_equal(d, "/srv/keys/sato.pem");
    free(d);
    unsetenv("KASAN_KEYS");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8032_public_keys),
        cmocka_unit_test(test_line_and_fingerprint),
        cmocka_unit_test(test_public_parse_refuses),
        cmocka_unit_test(test_small_order_keys_refused),
        cmocka_unit_test(test_sign_and_verify),
        cmocka_unit_test(test_generate_distinct),
        cmocka_unit_test(test_encrypted_round_trip),
        cmocka_unit_test(test_passphrase_file),
        cmocka_unit_test(test_keygen_and_load),
        cmocka_unit_test(test_keys_dir),
    };
    return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
