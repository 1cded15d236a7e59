/* auth: the login check of the web front-end and the key a login yields.
 *
 * THIS PHASE (a stub for the tests, issue 25 part 1): KEYS/stub-logins, a
 * file of the keys directory that only its owner may read (mode 0600, as
 * ssh asks of a private key), one operator a line:
 *     ID ROLES NAME PASSPHRASE          (ROLES: draft,approve,pay,audit)
 * The "key" is 32 bytes derived from the line, standing in for the
 * decrypted private key so that holding and wiping it can be tested.
 * NEXT PHASE (issue 23's operators): the operators rule in force gives the
 * name, roles and public key; KEYS/ID's encrypted PKCS#8 key is decrypted
 * with the passphrase (an EVP_PKEY in struct web_key) and must match the
 * public key.  Only this file changes.
 *
 * An unknown id and a wrong passphrase get the same answer, after the same
 * work (one SHA-256 of the passphrase either way).  Not here: counting
 * failures (limiter.c), the session (session.c). */
#include <errno.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kasan/hash.h"
#include "web_int.h"

struct web_key {
    unsigned char secret[32];
};

static atomic_uint key_wipes;

void web_key_free(struct web_key *key)
{
    if (!key)
        return;
    OPENSSL_cleanse(key, sizeof *key);
    free(key);
    atomic_fetch_add(&key_wipes, 1);
}

unsigned web_key_wipes(void)
{
    return atomic_load(&key_wipes);
}

static const struct {
    const char *name, *ja;
    unsigned bit;
} roles[] = {
    {"draft", "起案", WEB_ROLE_DRAFT},
    {"approve", "決裁", WEB_ROLE_APPROVE},
    {"pay", "振込", WEB_ROLE_PAY},
    {"audit", "監査", WEB_ROLE_AUDIT},
};

const char *web_roles_ja(unsigned bits, char buf[64])
{
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (bits & roles[i].bit) {
            if (buf[0])
                strcat(buf, "・");
            strcat(buf, roles[i].ja);
        }
    if (!buf[0])
        strcpy(buf, "なし");
    return buf;
}

/* "draft,pay" into bits; false on an unknown role. */
static bool parse_roles(const char *s, unsigned *bits)
{
    *bits = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        bool known = false;
        for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
            if (strlen(roles[i].name) == n && !strncmp(s, roles[i].name, n)) {
                *bits |= roles[i].bit;
                known = true;
            }
        if (!known)
            return false;
        s += n + (s[n] == ',');
    }
    return *bits != 0;
}

static bool id_ok(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n >= WEB_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", id[i]))
            return false;
    return true;
}

/* Reads KEYS/stub-logins whole if only its owner (this user) may read it. */
static char *read_logins(const char *keys_dir, char *why, size_t whylen)
{
    if (!keys_dir) {
        snprintf(why, whylen, "no --keys directory: nobody can log in");
        return NULL;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/stub-logins", keys_dir);
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        snprintf(why, whylen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    char *buf = NULL;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (1 << 20))
        snprintf(why, whylen, "%s: not a regular file of at most 1 MiB", path);
    else if ((st.st_mode & 077) || st.st_uid != geteuid())
        snprintf(why, whylen, "%s: readable by others or not ours (chmod 600)", path);
    else if ((buf = malloc((size_t)st.st_size + 1))) {
        ssize_t got = read(fd, buf, (size_t)st.st_size);
        if (got != st.st_size) {
            snprintf(why, whylen, "%s: short read", path);
            OPENSSL_cleanse(buf, (size_t)st.st_size);
            free(buf);
            buf = NULL;
        } else
            buf[got] = '\0';
    }
    close(fd);
    return buf;
}

web_auth web_auth_login(const web_config *cfg, const char *id, const char *passphrase,
                        web_operator *op, struct web_key **key, char *why, size_t whylen)
{
    *key = NULL;
    why[0] = '\0';
    char given[SHA256_HEX_LEN + 1], stored[SHA256_HEX_LEN + 1];
    hash_sha256_hex(passphrase, strnlen(passphrase, WEB_PASS_MAX), given);
    char *all = read_logins(cfg->keys_dir, why, whylen);
    if (!all) {
        OPENSSL_cleanse(given, sizeof given);
        return WEB_AUTH_ERROR;
    }
    size_t all_len = strlen(all);
    web_auth rc = WEB_AUTH_DENIED;
    bool known = false;
    for (char *save = NULL, *line = strtok_r(all, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char lid[WEB_ID_MAX], lroles[64], lname[WEB_NAME_MAX];
        int pos = 0;
        if (line[0] == '#' ||
            sscanf(line, "%63s %63s %127s %n", lid, lroles, lname, &pos) != 3 || !pos)
            continue;
        if (!id_ok(lid) || strcmp(lid, id))
            continue;
        char *pass = line + pos;
        pass[strcspn(pass, "\r")] = '\0';
        if (!*pass)
            continue;
        unsigned bits;
        if (!parse_roles(lroles, &bits)) {
            snprintf(why, whylen, "stub-logins: %s has an unknown role in '%s'", lid, lroles);
            rc = WEB_AUTH_ERROR;
            break;
        }
        known = true;
        hash_sha256_hex(pass, strlen(pass), stored);
        if (CRYPTO_memcmp(given, stored, SHA256_HEX_LEN) == 0) {
            struct web_key *k = malloc(sizeof *k);
            if (!k) {
                rc = WEB_AUTH_ERROR;
                snprintf(why, whylen, "out of memory");
                break;
            }
            char seed[SHA256_HEX_LEN + 1];
            strbuf sb;
            sb_init(&sb);
            sb_addf(&sb, "kasan-web-stub-key:%s:%s", lid, pass);
            hash_sha256_hex(sb.buf, sb.len, seed);
            OPENSSL_cleanse(sb.buf, sb.len);
            sb_release(&sb);
            for (size_t i = 0; i < sizeof k->secret; i++)
                k->secret[i] = (unsigned char)((seed[2 * i] << 4) ^ seed[2 * i + 1]);
            OPENSSL_cleanse(seed, sizeof seed);
            memset(op, 0, sizeof *op);
            snprintf(op->id, sizeof op->id, "%s", lid);
            snprintf(op->name, sizeof op->name, "%s", lname);
            op->roles = bits;
            *key = k;
            rc = WEB_AUTH_OK;
        }
        break;
    }
    if (!known && rc == WEB_AUTH_DENIED) /* the same work as a wrong passphrase */
        hash_sha256_hex(passphrase, strnlen(passphrase, WEB_PASS_MAX), stored);
    OPENSSL_cleanse(all, all_len);
    free(all);
    OPENSSL_cleanse(given, sizeof given);
    OPENSSL_cleanse(stored, sizeof stored);
    return rc;
}
