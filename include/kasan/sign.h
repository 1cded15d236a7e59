/* sign: operators' Ed25519 keys (libcrypto), their files, and signatures
 * (issue 23).  What an operator signs proves that the event is theirs; who may
 * do what is duty.h, who holds which key the operators file (operators.h).
 *
 * ---- Design note: what is signed and how ---------------------
 *
 * Keys.  Ed25519 as RFC 8032 defines it (pure Ed25519, no prehash, no
 * context), through libcrypto's EVP interface.  A public key is its 32-byte
 * RFC 8032 encoding (sign_public).
 *
 * Key file.  KEYS/ID.pem (KEYS: --keys, else $KASAN_KEYS, else ~/.kasan/keys,
 * sign_keys_dir): a PKCS#8 EncryptedPrivateKeyInfo in PEM ("BEGIN ENCRYPTED
 * PRIVATE KEY"), PBES2 with scrypt (N = 2^14, r = 8, p = 1, a random 16-byte
 * salt: OpenSSL's `pkcs8 -scrypt` parameters, 16 MiB, within libcrypto's
 * 32 MiB decryption limit) and AES-256-CBC.  `openssl pkey -in ID.pem` reads
 * it.  Written once, mode 0600, in a directory of mode 0700; never overwritten.
 * Read only when it is a regular file owned by the user with no group or
 * other permission bits (ssh's rule for private keys).  The passphrase is
 * asked on the terminal without echo, or read from a file of mode 0600
 * (--passphrase-file), never from an argument or the environment; it is
 * never stored, and every buffer that held it or the private key is wiped
 * (OPENSSL_cleanse) when done.
 *
 * Public key line (operators file, `key:`): "ed25519:" followed by the
 * standard padded base64 (RFC 4648 §4) of the 32 bytes: 52 characters, e.g.
 *     ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
 * (RFC 8032 test 1's key).  Only the canonical spelling is read: base64 with
 * zero trailing bits, a y coordinate below 2^255 - 19, a point of the curve,
 * and not one of the small-order points, under which anyone could forge a
 * signature that libcrypto accepts (sign_public_parse says which).
 *
 * Fingerprint: "SHA256:" + unpadded base64 of SHA-256 over the key's OpenSSH
 * wire form (uint32 11, "ssh-ed25519", uint32 32, the 32 bytes): exactly what
 * `ssh-keygen -lf` prints for the same key written as "ssh-ed25519 AAAA…",
 * so people compare fingerprints as they already do for ssh.
 *
 * Signed bytes: "kasan-sig-v1" 0x00 CONTEXT 0x00 CONTENT (sign_bytes builds
 * them), a domain tag so that a signature over one kind of thing can never be
 * read as another kind or as anything another program signs:
 *   CONTEXT "event" — CONTENT is exactly the bytes ledger_event_hash
 *     (src/ledger/chain.c) hashes: the canonical JSON
 *     {"action":…,"actor":…,"payload":"…","prev_hash":…,"seq":…,"time":…}
 *     with the payload embedded as a string.  So the signature covers the
 *     previous event's hash (the event's place in the chain), its number, its
 *     time, its action and every byte of its payload.  In a signed event the
 *     actor is the operator id, and the payload carries "operator" (the id),
 *     "role" (duty_role_name of the role used), "key" (the fingerprint of the
 *     key that signed) and "operators_sha256" (the operators file version it
 *     was checked against, archived as a blob, so that verification needs the
 *     ledger alone); an approval's payload names the run id and its payments
 *     digest, a transfer's the SHA-256 of the file's bytes.  The signature
 *     (sign_sig_text: padded base64, 88 characters) is stored beside the event,
 *     outside the hashed content (it cannot sign itself), so event hashes and
 *     existing ledgers are unchanged.  Removing a signature is caught by
 *     verification (an unsigned money event while an operators file is in
 *     force fails); replacing one needs the key (Ed25519 signatures are
 *     deterministic, and libcrypto refuses S >= L, so none is malleable).
 *   CONTEXT "checkpoint" — CONTENT is the checkpoint file's text above its
 *     signature line: "kasan checkpoint\nseq N\nhash H\ntime T\noperator ID\n
 *     key SHA256:...\n" (src/flow/checkpoint.c).
 * Which key: the one in force for the operator on the event's date (UTC, like
 * every date kasan derives from its clock): rules_operator_at (operators.h).
 * Rotating or revoking a key is a new operators version, so an old event
 * still verifies under the key in force when it was signed.
 *
 * Ownership: a sign_key is malloc'd by sign_generate / sign_key_from_seed /
 * sign_key_decrypt_pem / sign_key_load and released (wiped) by
 * sign_key_free.  A sign_secret lives where the caller puts it (stack) and is
 * wiped by sign_secret_wipe.  Functions that can fail return a sign_status
 * and, where a caller prints, write the reason into why (cap bytes).
 *
 * Not here: which role an action needs and the separation rules (duty.h); the
 * operators file (src/rules/load_operators.c); signed events and their
 * verification (src/ledger/sign.c, src/flow/signatures.c; the contract:
 * docs/spec/11-operators.md); option parsing (src/cli/operator.c). */
#ifndef KASAN_SIGN_H
#define KASAN_SIGN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
    SIGN_PUBLIC_BYTES = 32,
    SIGN_SEED_BYTES = 32,
    SIGN_SIG_BYTES = 64,
    SIGN_LINE_LEN = 8 + 44,     /* "ed25519:" + base64 of 32 bytes */
    SIGN_FP_LEN = 7 + 43,       /* "SHA256:" + unpadded base64 of 32 bytes */
    SIGN_SIG_TEXT_LEN = 88,     /* padded base64 of 64 bytes */
    SIGN_PASS_MAX = 1024,       /* passphrase bytes */
    SIGN_PASS_MIN = 8,          /* for a new key */
    SIGN_WHY_MAX = 512,         /* a good size for why buffers */
};

typedef enum sign_status {
    SIGN_OK = 0,
    SIGN_ERR_PASSPHRASE, /* wrong passphrase */
    SIGN_ERR_FORMAT,     /* not an (encrypted Ed25519) key file, a malformed line */
    SIGN_ERR_MODE,       /* permissions: readable by others, not the user's */
    SIGN_ERR_EXISTS,     /* the key file exists: never overwritten */
    SIGN_ERR_USAGE,      /* bad id, passphrase too short, no terminal, mismatch */
    SIGN_ERR_IO,         /* a file could not be read or written */
    SIGN_ERR_CRYPTO,     /* libcrypto failed (internal) */
} sign_status;

typedef struct sign_public {
    uint8_t b[SIGN_PUBLIC_BYTES];
} sign_public;

typedef struct sign_key sign_key; /* a private key (opaque) */

/* A passphrase: bytes, not a C string (len counts; s is NUL-terminated too). */
typedef struct sign_secret {
    char s[SIGN_PASS_MAX + 1];
    size_t len;
} sign_secret;

/* ---- keys and signatures (sign.c) ---- */

sign_status sign_generate(sign_key **out);
/* A key from a 32-byte RFC 8032 seed (test vectors, tests' fixed keys). */
sign_status sign_key_from_seed(const uint8_t seed[SIGN_SEED_BYTES], sign_key **out);
void sign_key_free(sign_key *k); /* wipes; NULL is fine */
void sign_key_public(const sign_key *k, sign_public *out);
/* The encrypted PKCS#8 PEM of k under pass (malloc'd into *pem, *len; the
 * PEM holds no secret in the clear, free() it). */
sign_status sign_key_encrypt_pem(const sign_key *k, const sign_secret *pass, char **pem,
                                 size_t *len);
/* Reads such a PEM back: SIGN_ERR_PASSPHRASE for a wrong passphrase,
 * SIGN_ERR_FORMAT for anything that is not an encrypted Ed25519 PKCS#8 key
 * (an unencrypted key included: kasan never writes one). */
sign_status sign_key_decrypt_pem(const char *pem, size_t len, const sign_secret *pass,
                                 sign_key **out, char *why, size_t cap);

/* sig over "kasan-sig-v1" 0 context 0 msg (design note).  Asserts that the
 * signature verifies under k's public key before returning it. */
sign_status sign_bytes(const sign_key *k, const char *context, const void *msg, size_t len,
                       uint8_t sig[SIGN_SIG_BYTES]);
/* True only if sig is k's signature over the same bytes; false for any other
 * key, message, context, a malformed or weak public key. */
bool sign_verify(const sign_public *pub, const char *context, const void *msg, size_t len,
                 const uint8_t sig[SIGN_SIG_BYTES]);

/* "ed25519:BASE64" (SIGN_LINE_LEN characters and a NUL). */
void sign_public_line(const sign_public *pub, char out[SIGN_LINE_LEN + 1]);
/* Strict reading of a public key line; false with the reason in why. */
bool sign_public_parse(const char *s, sign_public *out, char *why, size_t cap);
/* "SHA256:..." as ssh-keygen -l prints (SIGN_FP_LEN characters and a NUL). */
void sign_fingerprint(const sign_public *pub, char out[SIGN_FP_LEN + 1]);
bool sign_public_equal(const sign_public *a, const sign_public *b);
/* A signature as text (padded base64) and back (strict). */
void sign_sig_text(const uint8_t sig[SIGN_SIG_BYTES], char out[SIGN_SIG_TEXT_LEN + 1]);
bool sign_sig_parse(const char *s, uint8_t sig[SIGN_SIG_BYTES]);

/* ---- key files and passphrases (sign_file.c) ---- */

void sign_secret_wipe(sign_secret *p);
/* The passphrase from a file: a regular file owned by the user, mode 0600 (no
 * group or other bits: SIGN_ERR_MODE), its first line without the newline,
 * 1..SIGN_PASS_MAX bytes with no NUL. */
sign_status sign_passphrase_file(const char *path, sign_secret *out, char *why, size_t cap);
/* Asks on the controlling terminal (/dev/tty, echo off, as getpass(3): the
 * prompt goes to the terminal, never to stdout or stderr); twice when confirm.
 * SIGN_ERR_USAGE when there is no terminal or the two differ.  A signal
 * during the question restores the terminal, then is delivered. */
sign_status sign_passphrase_ask(const char *prompt, bool confirm, sign_secret *out, char *why,
                                size_t cap);

/* The keys directory: given, else $KASAN_KEYS, else $HOME/.kasan/keys
 * (malloc'd; NULL with why when there is no home). */
char *sign_keys_dir(const char *given, char *why, size_t cap);
/* KEYS/ID.pem (malloc'd). */
char *sign_key_path(const char *dir, const char *id);
/* Loads and decrypts a key file, refusing one that others may read. */
sign_status sign_key_load(const char *path, const sign_secret *pass, sign_key **out, char *why,
                          size_t cap);

/* ---- kasan operator keygen: the procedure (the CLI asks and prints) ---- */

typedef struct sign_keygen_request {
    const char *keys_dir; /* sign_keys_dir's answer */
    const char *id;       /* operator id (duty_id_valid) */
} sign_keygen_request;

typedef struct sign_keygen_result {
    char *path;           /* KEYS/ID.pem written (malloc'd) */
    sign_public pub;
    char line[SIGN_LINE_LEN + 1];
    char fingerprint[SIGN_FP_LEN + 1];
} sign_keygen_result;

/* What keygen would refuse before any passphrase is asked: a bad id, a keys
 * directory open to others, a key file already there. */
sign_status sign_keygen_check(const sign_keygen_request *rq, char *why, size_t cap);
/* Creates KEYS (mode 0700) if needed, makes a key pair, writes KEYS/ID.pem
 * (0600) encrypted under pass (at least SIGN_PASS_MIN bytes), never over an
 * existing file; nothing is left behind on failure.  Release res with
 * sign_keygen_result_release. */
sign_status sign_keygen(const sign_keygen_request *rq, const sign_secret *pass,
                        sign_keygen_result *res, char *why, size_t cap);
void sign_keygen_result_release(sign_keygen_result *res);

#endif
