/* sign: Ed25519 keys in memory — generation, the encrypted PKCS#8 form,
 * signatures over domain-tagged bytes, and the printable public key and
 * fingerprint (the design note is in include/kasan/sign.h).  Not here: files,
 * permissions and passphrases (sign_file.c), who may sign what (duty.c). */
#include "kasan/sign.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

struct sign_key {
    EVP_PKEY *pkey;
    sign_public pub;
};

/* scrypt parameters of the key file (sign.h): OpenSSL's own `pkcs8 -scrypt`
 * choice, 128 * r * N = 16 MiB, under the 32 MiB libcrypto allows when it
 * decrypts (a larger N would make files it cannot read back). */
enum { SCRYPT_N = 1 << 14, SCRYPT_R = 8, SCRYPT_P = 1, SALT_BYTES = 16 };

static const char SIG_TAG[] = "kasan-sig-v1";

static void say(char *why, size_t cap, const char *msg)
{
    if (why && cap)
        snprintf(why, cap, "%s", msg);
}

static sign_status wrap(EVP_PKEY *pkey, sign_key **out)
{
    size_t n = SIGN_PUBLIC_BYTES;
    sign_key *k = calloc(1, sizeof *k);
    if (!k || EVP_PKEY_get_raw_public_key(pkey, k->pub.b, &n) != 1 || n != SIGN_PUBLIC_BYTES) {
        free(k);
        EVP_PKEY_free(pkey);
        return SIGN_ERR_CRYPTO;
    }
    k->pkey = pkey;
    *out = k;
    return SIGN_OK;
}

sign_status sign_generate(sign_key **out)
{
    *out = NULL;
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
    int ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &pkey) == 1;
    EVP_PKEY_CTX_free(ctx);
    if (!ok) {
        EVP_PKEY_free(pkey);
        return SIGN_ERR_CRYPTO;
    }
    return wrap(pkey, out);
}

sign_status sign_key_from_seed(const uint8_t seed[SIGN_SEED_BYTES], sign_key **out)
{
    *out = NULL;
    EVP_PKEY *pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, SIGN_SEED_BYTES);
    return pkey ? wrap(pkey, out) : SIGN_ERR_CRYPTO;
}

/* EVP_PKEY_free clears an Ed25519 private key before freeing it (libcrypto's
 * ecx key is allocated with OPENSSL_secure_malloc and freed with
 * OPENSSL_secure_clear_free). */
void sign_key_free(sign_key *k)
{
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    OPENSSL_cleanse(k, sizeof *k);
    free(k);
}

void sign_key_public(const sign_key *k, sign_public *out) { *out = k->pub; }

bool sign_public_equal(const sign_public *a, const sign_public *b)
{
    return !memcmp(a->b, b->b, SIGN_PUBLIC_BYTES);
}

/* ---- the encrypted PKCS#8 PEM -------------------------------------------- */

sign_status sign_key_encrypt_pem(const sign_key *k, const sign_secret *pass, char **pem,
                                 size_t *len)
{
    *pem = NULL;
    *len = 0;
    sign_status st = SIGN_ERR_CRYPTO;
    /* EVP_PKEY2PKCS8's PKCS8_PRIV_KEY_INFO clears its key bytes when freed */
    PKCS8_PRIV_KEY_INFO *p8 = EVP_PKEY2PKCS8(k->pkey);
    X509_ALGOR *alg = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), NULL, SALT_BYTES, NULL, SCRYPT_N,
                                            SCRYPT_R, SCRYPT_P);
    X509_SIG *enc = NULL;
    BIO *b = BIO_new(BIO_s_mem());
    if (p8 && alg && b && pass->len <= (size_t)SIGN_PASS_MAX) {
        enc = PKCS8_set0_pbe(pass->s, (int)pass->len, p8, alg);
        if (enc)
            alg = NULL; /* owned by enc now */
    }
    char *data;
    long n;
    if (enc && PEM_write_bio_PKCS8(b, enc) == 1 && (n = BIO_get_mem_data(b, &data)) > 0) {
        *pem = malloc((size_t)n + 1);
        if (*pem) {
            memcpy(*pem, data, (size_t)n);
            (*pem)[n] = '\0';
            *len = (size_t)n;
            st = SIGN_OK;
        }
    }
    X509_SIG_free(enc);
    X509_ALGOR_free(alg);
    PKCS8_PRIV_KEY_INFO_free(p8);
    BIO_free(b);
    return st;
}

sign_status sign_key_decrypt_pem(const char *pem, size_t len, const sign_secret *pass,
                                 sign_key **out, char *why, size_t cap)
{
    *out = NULL;
    char *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    long der_len = 0;
    sign_status st = SIGN_ERR_FORMAT;
    if (len > 64 * 1024 || len > (size_t)INT32_MAX) {
        say(why, cap, "not a key file (too large)");
        return st;
    }
    BIO *b = BIO_new_mem_buf(pem, (int)len);
    if (!b)
        return SIGN_ERR_CRYPTO;
    X509_SIG *enc = NULL;
    PKCS8_PRIV_KEY_INFO *p8 = NULL;
    EVP_PKEY *pkey = NULL;
    if (PEM_read_bio(b, &name, &header, &der, &der_len) != 1) {
        say(why, cap, "not a PEM key file");
    } else if (!strcmp(name, "PRIVATE KEY")) {
        say(why, cap, "an unencrypted private key: kasan keeps keys encrypted under a passphrase "
                      "(make a new one with kasan operator keygen)");
    } else if (strcmp(name, "ENCRYPTED PRIVATE KEY") || *header) {
        say(why, cap, "not an encrypted PKCS#8 private key (BEGIN ENCRYPTED PRIVATE KEY)");
    } else {
        const unsigned char *p = der;
        enc = d2i_X509_SIG(NULL, &p, der_len);
        if (!enc || p != der + der_len) {
            say(why, cap, "a damaged key file (its encrypted key does not parse)");
        } else if (!(p8 = PKCS8_decrypt(enc, pass->s, (int)pass->len))) {
            /* a wrong passphrase gives bad padding, or (1 in 256) bytes that
             * are not a key: either way it is the passphrase that is wrong */
            say(why, cap, "wrong passphrase");
            st = SIGN_ERR_PASSPHRASE;
        } else if (!(pkey = EVP_PKCS82PKEY(p8)) || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
            say(why, cap, "not an Ed25519 key");
        } else {
            st = wrap(pkey, out);
            pkey = NULL;
        }
    }
    EVP_PKEY_free(pkey);
    PKCS8_PRIV_KEY_INFO_free(p8);
    X509_SIG_free(enc);
    OPENSSL_free(name);
    OPENSSL_free(header);
    OPENSSL_free(der);
    BIO_free(b);
    return st;
}

/* ---- signatures ------------------------------------------------------------ */

/* "kasan-sig-v1" 0 context 0 msg, malloc'd (Ed25519 signs in one pass). */
static unsigned char *tagged(const char *context, const void *msg, size_t len, size_t *n)
{
    size_t t = sizeof SIG_TAG, c = strlen(context) + 1;
    *n = t + c + len;
    unsigned char *m = malloc(*n ? *n : 1);
    if (!m)
        abort();
    memcpy(m, SIG_TAG, t);
    memcpy(m + t, context, c);
    if (len)
        memcpy(m + t + c, msg, len);
    return m;
}

sign_status sign_bytes(const sign_key *k, const char *context, const void *msg, size_t len,
                       uint8_t sig[SIGN_SIG_BYTES])
{
    size_t n, siglen = SIGN_SIG_BYTES;
    unsigned char *m = tagged(context, msg, len, &n);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
              EVP_DigestSign(ctx, sig, &siglen, m, n) == 1 && siglen == SIGN_SIG_BYTES;
    EVP_MD_CTX_free(ctx);
    free(m);
    if (!ok)
        return SIGN_ERR_CRYPTO;
    /* STYLE: a signature verifies right after it is made (a fault while
     * signing must not leave the ledger with a signature nobody can check) */
    bool verifies = sign_verify(&k->pub, context, msg, len, sig);
    assert(verifies);
    return verifies ? SIGN_OK : SIGN_ERR_CRYPTO;
}

/* ---- which 32-byte strings are public keys --------------------------------- */

/* The y coordinates (sign bit of x cleared) of the points of order 1, 2, 4
 * and 8: 0 (order 4), 1 (the identity), p - 1 (order 2) and the two of the
 * order-8 points.  Under such a key a signature with S = 0 and a small-order
 * R verifies for a share of all messages (tests/unit/test_sign.c forges one
 * with libcrypto under each), so none may name an operator.  The list is
 * libsodium's (ge25519_has_small_order); y >= p is refused before it. */
static const uint8_t small_order_y[][SIGN_PUBLIC_BYTES] = {
    {0},
    {1},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
     0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05},
    {0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
     0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a},
};

typedef enum key_problem { KEY_GOOD, KEY_NONCANONICAL, KEY_NOT_A_POINT, KEY_SMALL_ORDER } key_problem;

/* y < p = 2^255 - 19 (y little-endian, the top bit being x's sign). */
static bool y_canonical(const uint8_t b[SIGN_PUBLIC_BYTES])
{
    if ((b[31] & 0x7f) != 0x7f)
        return true;
    for (int i = 30; i >= 1; i--)
        if (b[i] != 0xff)
            return true;
    return b[0] < 0xed;
}

/* Whether y names a point: x^2 = (y^2 - 1) / (d y^2 + 1) mod p must be a
 * square (Euler's criterion), and x = 0 cannot carry a sign (RFC 8032
 * 5.1.3).  Public data: BIGNUM's variable time is fine.  -1 if libcrypto
 * fails. */
static int y_on_curve(const uint8_t b[SIGN_PUBLIC_BYTES])
{
    uint8_t be[SIGN_PUBLIC_BYTES];
    for (int i = 0; i < SIGN_PUBLIC_BYTES; i++)
        be[i] = b[SIGN_PUBLIC_BYTES - 1 - i];
    bool sign = be[0] & 0x80;
    be[0] &= 0x7f;
    BN_CTX *ctx = BN_CTX_new();
    BIGNUM *p = BN_new(), *y = BN_bin2bn(be, sizeof be, NULL), *d = BN_new(), *t = BN_new(),
           *u = BN_new(), *v = BN_new(), *e = BN_new();
    int r = -1;
    if (!ctx || !p || !y || !d || !t || !u || !v || !e)
        goto done;
    /* p = 2^255 - 19; d = -121665 / 121666 */
    if (!BN_set_bit(p, 255) || !BN_sub_word(p, 19) || !BN_set_word(t, 121666) ||
        !BN_mod_inverse(d, t, p, ctx) || !BN_mul_word(d, 121665) || !BN_nnmod(d, d, p, ctx) ||
        !BN_sub(d, p, d))
        goto done;
    if (!BN_mod_sqr(t, y, p, ctx) || !BN_copy(u, t) || !BN_sub_word(u, 1) ||
        !BN_nnmod(u, u, p, ctx) || !BN_mod_mul(v, d, t, p, ctx) || !BN_add_word(v, 1) ||
        !BN_nnmod(v, v, p, ctx) || !BN_mod_inverse(v, v, p, ctx) || !BN_mod_mul(t, u, v, p, ctx))
        goto done;
    if (BN_is_zero(t)) {
        r = !sign;
        goto done;
    }
    /* t^((p-1)/2) == 1 */
    if (!BN_copy(e, p) || !BN_sub_word(e, 1) || !BN_rshift1(e, e) || !BN_mod_exp(u, t, e, p, ctx))
        goto done;
    r = BN_is_one(u);
done:
    BN_free(p), BN_free(y), BN_free(d), BN_free(t), BN_free(u), BN_free(v), BN_free(e);
    BN_CTX_free(ctx);
    return r;
}

static key_problem key_check(const sign_public *pub)
{
    const uint8_t *b = pub->b;
    if (!y_canonical(b))
        return KEY_NONCANONICAL;
    for (size_t i = 0; i < sizeof small_order_y / sizeof small_order_y[0]; i++)
        if (!memcmp(b, small_order_y[i], 31) && (b[31] & 0x7f) == small_order_y[i][31])
            return KEY_SMALL_ORDER;
    return y_on_curve(b) == 1 ? KEY_GOOD : KEY_NOT_A_POINT;
}

bool sign_verify(const sign_public *pub, const char *context, const void *msg, size_t len,
                 const uint8_t sig[SIGN_SIG_BYTES])
{
    if (key_check(pub) != KEY_GOOD)
        return false;
    EVP_PKEY *pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub->b,
                                                 SIGN_PUBLIC_BYTES);
    size_t n;
    unsigned char *m = tagged(context, msg, len, &n);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = pkey && ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pkey) == 1 &&
              EVP_DigestVerify(ctx, sig, SIGN_SIG_BYTES, m, n) == 1;
    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(pkey);
    free(m);
    return ok;
}

/* ---- text forms ----------------------------------------------------------- */

static bool b64_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/';
}

/* Strict base64 of exactly n bytes: the padded length, only the alphabet,
 * the right padding, and the canonical spelling (zero trailing bits), so one
 * key has one line and one signature one text. */
static bool b64_decode_exact(const char *s, size_t slen, uint8_t *out, size_t n)
{
    size_t want = 4 * ((n + 2) / 3), pad = (3 - n % 3) % 3;
    if (slen != want)
        return false;
    for (size_t i = 0; i < slen - pad; i++)
        if (!b64_char(s[i]))
            return false;
    for (size_t i = slen - pad; i < slen; i++)
        if (s[i] != '=')
            return false;
    unsigned char buf[128 + 3];
    if (n + 3 > sizeof buf)
        return false;
    int got = EVP_DecodeBlock(buf, (const unsigned char *)s, (int)slen);
    if (got != (int)(n + pad))
        return false;
    char again[4 * ((128 + 2) / 3) + 1];
    EVP_EncodeBlock((unsigned char *)again, buf, (int)n);
    if (memcmp(again, s, slen))
        return false;
    memcpy(out, buf, n);
    return true;
}

void sign_public_line(const sign_public *pub, char out[SIGN_LINE_LEN + 1])
{
    memcpy(out, "ed25519:", 8);
    int n = EVP_EncodeBlock((unsigned char *)out + 8, pub->b, SIGN_PUBLIC_BYTES);
    assert(n == 44);
    (void)n;
}

bool sign_public_parse(const char *s, sign_public *out, char *why, size_t cap)
{
    size_t len = strlen(s);
    if (strncmp(s, "ed25519:", 8)) {
        say(why, cap, "a key is written ed25519:BASE64 (the line kasan operator keygen printed)");
        return false;
    }
    sign_public pub;
    if (!b64_decode_exact(s + 8, len - 8, pub.b, SIGN_PUBLIC_BYTES)) {
        say(why, cap, "the key after ed25519: must be the 44 characters of base64 kasan operator "
                      "keygen printed");
        return false;
    }
    switch (key_check(&pub)) {
    case KEY_NONCANONICAL:
    case KEY_NOT_A_POINT:
        say(why, cap, "not an Ed25519 public key (not a point of the curve)");
        return false;
    case KEY_SMALL_ORDER:
        say(why, cap, "a weak Ed25519 public key (a point of small order): anyone could make "
                      "signatures that verify under it");
        return false;
    case KEY_GOOD: break;
    }
    *out = pub;
    return true;
}

void sign_fingerprint(const sign_public *pub, char out[SIGN_FP_LEN + 1])
{
    /* OpenSSH's wire form: string "ssh-ed25519", string key (RFC 8709) */
    uint8_t blob[4 + 11 + 4 + SIGN_PUBLIC_BYTES] = {0, 0, 0, 11, 's', 's', 'h', '-', 'e', 'd', '2',
                                                    '5', '5', '1', '9', 0, 0, 0, 32};
    memcpy(blob + 19, pub->b, SIGN_PUBLIC_BYTES);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(blob, sizeof blob, md, &n, EVP_sha256(), NULL) || n != 32)
        abort();
    char b64[45];
    EVP_EncodeBlock((unsigned char *)b64, md, 32);
    memcpy(out, "SHA256:", 7);
    memcpy(out + 7, b64, 43); /* without the one '=' */
    out[SIGN_FP_LEN] = '\0';
}

void sign_sig_text(const uint8_t sig[SIGN_SIG_BYTES], char out[SIGN_SIG_TEXT_LEN + 1])
{
    int n = EVP_EncodeBlock((unsigned char *)out, sig, SIGN_SIG_BYTES);
    assert(n == SIGN_SIG_TEXT_LEN);
    (void)n;
}

bool sign_sig_parse(const char *s, uint8_t sig[SIGN_SIG_BYTES])
{
    return b64_decode_exact(s, strlen(s), sig, SIGN_SIG_BYTES);
}
