/* sign_file: operators' keys on disk and their passphrases — the keys
 * directory, key files written once (0600 in a 0700 directory) and read only
 * when nobody else may read them, passphrase files of mode 0600, the
 * terminal question without echo, and `kasan operator keygen`'s procedure.
 * Policy (sign.h's design note): as ssh, a private key or passphrase that
 * others can read is refused rather than used.  Not here: the key's bytes and
 * signatures (sign.c), option parsing and printing (src/cli/operator.c). */
#include "kasan/sign.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "kasan/duty.h"

#define SAY(...) (cap ? (void)snprintf(why, cap, __VA_ARGS__) : (void)0)

void sign_secret_wipe(sign_secret *p)
{
    OPENSSL_cleanse(p, sizeof *p);
}

/* A file holding a secret: opened, then fstat'd (no race between a check and
 * the open): a regular file, the user's, no group or other permission bits. */
static sign_status open_private(const char *path, const char *what, int *fd_out, size_t *size,
                                char *why, size_t cap)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        SAY("%s %s: %s", what, path, strerror(errno));
        return SIGN_ERR_IO;
    }
    struct stat st;
    sign_status rc = SIGN_OK;
    if (fstat(fd, &st) != 0) {
        SAY("%s %s: %s", what, path, strerror(errno));
        rc = SIGN_ERR_IO;
    } else if (!S_ISREG(st.st_mode)) {
        SAY("%s %s is not a regular file", what, path);
        rc = SIGN_ERR_IO;
    } else if (st.st_uid != geteuid()) {
        SAY("%s %s belongs to another user (uid %ld): refused", what, path, (long)st.st_uid);
        rc = SIGN_ERR_MODE;
    } else if (st.st_mode & 077) {
        SAY("%s %s has mode %04o: it must be readable by you alone (chmod 600 %s)", what, path,
            (unsigned)(st.st_mode & 07777), path);
        rc = SIGN_ERR_MODE;
    } else if (st.st_size > 64 * 1024) {
        SAY("%s %s is too large to be one", what, path);
        rc = SIGN_ERR_FORMAT;
    }
    if (rc != SIGN_OK) {
        close(fd);
        return rc;
    }
    *fd_out = fd;
    *size = (size_t)st.st_size;
    return SIGN_OK;
}

/* Reads up to cap bytes of fd into buf; the count, or -1. */
static ssize_t read_all(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        n += (size_t)got;
    }
    return (ssize_t)n;
}

sign_status sign_passphrase_file(const char *path, sign_secret *out, char *why, size_t cap)
{
    memset(out, 0, sizeof *out);
    int fd;
    size_t size;
    sign_status rc = open_private(path, "passphrase file", &fd, &size, why, cap);
    if (rc != SIGN_OK)
        return rc;
    /* one byte more than a passphrase may have, and its newline */
    char buf[SIGN_PASS_MAX + 3];
    ssize_t n = read_all(fd, buf, sizeof buf);
    int e = errno;
    close(fd);
    rc = SIGN_OK;
    if (n < 0) {
        SAY("passphrase file %s: %s", path, strerror(e));
        rc = SIGN_ERR_IO;
    } else {
        size_t len = (size_t)n;
        char *nl = memchr(buf, '\n', len);
        if (nl)
            len = (size_t)(nl - buf); /* the first line */
        if (len && buf[len - 1] == '\r')
            len--;
        if (len == 0) {
            SAY("passphrase file %s: the passphrase (its first line) is empty", path);
            rc = SIGN_ERR_USAGE;
        } else if (len > SIGN_PASS_MAX) {
            SAY("passphrase file %s: a passphrase has at most %d bytes", path, SIGN_PASS_MAX);
            rc = SIGN_ERR_USAGE;
        } else if (memchr(buf, '\0', len)) {
            SAY("passphrase file %s: the passphrase contains a NUL byte", path);
            rc = SIGN_ERR_USAGE;
        } else {
            memcpy(out->s, buf, len);
            out->s[len] = '\0';
            out->len = len;
        }
    }
    OPENSSL_cleanse(buf, sizeof buf);
    if (rc != SIGN_OK)
        sign_secret_wipe(out);
    return rc;
}

/* ---- the question on the terminal ---------------------------------------- */

static volatile sig_atomic_t caught;
static void on_signal(int sig) { caught = sig; }

static const int trapped[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
enum { N_TRAPPED = sizeof trapped / sizeof trapped[0] };

static void write_tty(int fd, const char *s)
{
    size_t n = strlen(s);
    while (n) {
        ssize_t w = write(fd, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* One line from the terminal fd with echo off.  1 read, 0 end of input, -1
 * too long, -2 a signal came. */
static int read_line(int fd, sign_secret *out)
{
    size_t n = 0;
    bool too_long = false;
    for (;;) {
        char c;
        ssize_t got = read(fd, &c, 1);
        if (caught)
            return -2;
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) { /* end of input: a last line without its newline counts */
            if (n == 0 && !too_long)
                return 0;
            break;
        }
        if (c == '\n' || c == '\r')
            break;
        if (n < SIGN_PASS_MAX)
            out->s[n++] = c;
        else
            too_long = true;
        c = 0;
    }
    out->s[n] = '\0';
    out->len = n;
    return too_long ? -1 : 1;
}

/* Echo off, the question, the answer, the terminal as it was. */
static int ask_once(int fd, const char *prompt, sign_secret *out)
{
    struct termios old, quiet;
    if (tcgetattr(fd, &old) != 0)
        return -3;
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
    quiet.c_lflag |= ICANON;
    if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0)
        return -3;
    write_tty(fd, prompt);
    int r = read_line(fd, out);
    while (tcsetattr(fd, TCSADRAIN, &old) != 0 && errno == EINTR)
        ;
    write_tty(fd, "\n");
    return r;
}

sign_status sign_passphrase_ask(const char *prompt, bool confirm, sign_secret *out, char *why,
                                size_t cap)
{
    memset(out, 0, sizeof *out);
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 || !isatty(fd)) {
        if (fd >= 0)
            close(fd);
        SAY("no terminal to ask the passphrase on (give --passphrase-file FILE, mode 0600)");
        return SIGN_ERR_USAGE;
    }
    struct sigaction sa, saved[N_TRAPPED];
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: read() returns */
    sigemptyset(&sa.sa_mask);
    caught = 0;
    for (int i = 0; i < N_TRAPPED; i++)
        sigaction(trapped[i], &sa, &saved[i]);
    sign_secret again;
    memset(&again, 0, sizeof again);
    int r = ask_once(fd, prompt, out);
    if (r == 1 && confirm)
        r = ask_once(fd, "Same passphrase again: ", &again);
    close(fd);
    for (int i = 0; i < N_TRAPPED; i++)
        sigaction(trapped[i], &saved[i], NULL);
    sign_status rc = SIGN_OK;
    if (caught) {
        int sig = caught;
        sign_secret_wipe(out);
        sign_secret_wipe(&again);
        raise(sig); /* the terminal is back as it was: now the signal acts */
        SAY("interrupted");
        return SIGN_ERR_USAGE;
    }
    if (r == -3) {
        SAY("cannot turn off echo on the terminal (give --passphrase-file FILE, mode 0600)");
        rc = SIGN_ERR_USAGE;
    } else if (r == 0) {
        SAY("no passphrase given (end of input)");
        rc = SIGN_ERR_USAGE;
    } else if (r == -1) {
        SAY("a passphrase has at most %d bytes", SIGN_PASS_MAX);
        rc = SIGN_ERR_USAGE;
    } else if (out->len == 0) {
        SAY("the passphrase is empty");
        rc = SIGN_ERR_USAGE;
    } else if (confirm && (again.len != out->len || CRYPTO_memcmp(again.s, out->s, out->len))) {
        SAY("the two passphrases differ");
        rc = SIGN_ERR_USAGE;
    }
    sign_secret_wipe(&again);
    if (rc != SIGN_OK)
        sign_secret_wipe(out);
    return rc;
}

/* ---- where keys live ------------------------------------------------------ */

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (!p)
        abort();
    snprintf(p, n, "%s%s%s", a, *a && *b && a[strlen(a) - 1] != '/' ? "/" : "", b);
    return p;
}

char *sign_keys_dir(const char *given, char *why, size_t cap)
{
    const char *env = getenv("KASAN_KEYS");
    if (given && *given)
        return join(given, "");
    if (env && *env)
        return join(env, "");
    const char *home = getenv("HOME");
    if (!home || !*home) {
        struct passwd *pw = getpwuid(geteuid());
        home = pw ? pw->pw_dir : NULL;
    }
    if (!home || !*home) {
        SAY("no home directory to keep keys in: give --keys DIR (or KASAN_KEYS)");
        return NULL;
    }
    return join(home, ".kasan/keys");
}

char *sign_key_path(const char *dir, const char *id)
{
    size_t n = strlen(id) + 5;
    char *file = malloc(n);
    if (!file)
        abort();
    snprintf(file, n, "%s.pem", id);
    char *p = join(dir, file);
    free(file);
    return p;
}

sign_status sign_key_load(const char *path, const sign_secret *pass, sign_key **out, char *why,
                          size_t cap)
{
    *out = NULL;
    int fd;
    size_t size;
    sign_status rc = open_private(path, "key file", &fd, &size, why, cap);
    if (rc != SIGN_OK)
        return rc;
    char *buf = malloc(size + 1);
    if (!buf)
        abort();
    ssize_t n = read_all(fd, buf, size + 1);
    int e = errno;
    close(fd);
    if (n < 0) {
        SAY("key file %s: %s", path, strerror(e));
        free(buf);
        return SIGN_ERR_IO;
    }
    char detail[200];
    rc = sign_key_decrypt_pem(buf, (size_t)n, pass, out, detail, sizeof detail);
    free(buf); /* encrypted: nothing to wipe */
    if (rc == SIGN_ERR_PASSPHRASE)
        SAY("wrong passphrase for the key file %s", path);
    else if (rc != SIGN_OK)
        SAY("key file %s: %s", path, detail);
    return rc;
}

/* ---- kasan operator keygen ------------------------------------------------ */

/* mkdir -p with mode 0700 for what it creates; -1 with errno. */
static int mkdirs_private(const char *path)
{
    size_t n = strlen(path);
    char *p = malloc(n + 1);
    if (!p)
        abort();
    memcpy(p, path, n + 1);
    int rc = 0, e = 0;
    for (size_t i = 1; i <= n && rc == 0; i++) {
        if (p[i] != '/' && p[i] != '\0')
            continue;
        char keep = p[i];
        p[i] = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            rc = -1;
            e = errno;
        }
        p[i] = keep;
    }
    free(p);
    errno = e;
    return n ? rc : (errno = ENOENT, -1);
}

/* The keys directory: a directory of the user's with no group or other bits. */
static sign_status check_dir(const char *dir, char *why, size_t cap)
{
    struct stat st;
    if (stat(dir, &st) != 0) {
        SAY("keys directory %s: %s", dir, strerror(errno));
        return SIGN_ERR_IO;
    }
    if (!S_ISDIR(st.st_mode)) {
        SAY("keys directory %s is not a directory", dir);
        return SIGN_ERR_IO;
    }
    if (st.st_uid != geteuid()) {
        SAY("keys directory %s belongs to another user (uid %ld): refused", dir,
            (long)st.st_uid);
        return SIGN_ERR_MODE;
    }
    if (st.st_mode & 077) {
        SAY("keys directory %s has mode %04o: it must be yours alone (chmod 700 %s)", dir,
            (unsigned)(st.st_mode & 07777), dir);
        return SIGN_ERR_MODE;
    }
    return SIGN_OK;
}

static sign_status check_request(const sign_keygen_request *rq, bool dir_must_exist, char *why,
                                 size_t cap)
{
    if (!rq->id || !duty_id_valid(rq->id)) {
        SAY("operator id '%s' must be 1–%d ASCII letters, digits, '_', '-' or '.', beginning with "
            "a letter or digit", rq->id ? rq->id : "", DUTY_ID_MAX);
        return SIGN_ERR_USAGE;
    }
    struct stat st;
    if (!dir_must_exist && stat(rq->keys_dir, &st) != 0 && errno == ENOENT)
        return SIGN_OK; /* keygen creates it */
    sign_status rc = check_dir(rq->keys_dir, why, cap);
    if (rc != SIGN_OK)
        return rc;
    char *path = sign_key_path(rq->keys_dir, rq->id);
    if (lstat(path, &st) == 0) {
        SAY("%s already exists: kasan never overwrites a key (move it away first, or choose "
            "another --keys)", path);
        rc = SIGN_ERR_EXISTS;
    }
    free(path);
    return rc;
}

sign_status sign_keygen_check(const sign_keygen_request *rq, char *why, size_t cap)
{
    return check_request(rq, false, why, cap);
}

/* Writes pem to a new file at path, mode 0600, never replacing one: written
 * under a temporary name, synced, then link(2)ed to path (which fails if path
 * exists, atomically), so path holds the whole key or nothing. */
static sign_status write_new(const char *dir, const char *path, const char *pem, size_t len,
                             char *why, size_t cap)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        abort();
    snprintf(tmp, n, "%s.tmp-%ld", path, (long)getpid());
    sign_status rc = SIGN_ERR_IO;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        SAY("cannot write %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    size_t done = 0;
    bool ok = fchmod(fd, 0600) == 0;
    while (ok && done < len) {
        ssize_t w = write(fd, pem + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        ok = w > 0;
        if (ok)
            done += (size_t)w;
    }
    ok = ok && fsync(fd) == 0;
    int e = errno;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        SAY("cannot write %s: %s", tmp, strerror(e));
    } else if (link(tmp, path) != 0) {
        if (errno == EEXIST) {
            SAY("%s already exists: kasan never overwrites a key", path);
            rc = SIGN_ERR_EXISTS;
        } else {
            SAY("cannot create %s: %s", path, strerror(errno));
        }
    } else {
        rc = SIGN_OK;
    }
    unlink(tmp);
    free(tmp);
    if (rc == SIGN_OK) {
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
    }
    return rc;
}

sign_status sign_keygen(const sign_keygen_request *rq, const sign_secret *pass,
                        sign_keygen_result *res, char *why, size_t cap)
{
    memset(res, 0, sizeof *res);
    if (pass->len < SIGN_PASS_MIN) {
        SAY("a passphrase needs at least %d characters", SIGN_PASS_MIN);
        return SIGN_ERR_USAGE;
    }
    if (!rq->id || !duty_id_valid(rq->id))
        return check_request(rq, false, why, cap);
    if (mkdirs_private(rq->keys_dir) != 0) {
        SAY("cannot create the keys directory %s: %s", rq->keys_dir, strerror(errno));
        return SIGN_ERR_IO;
    }
    sign_status rc = check_request(rq, true, why, cap);
    if (rc != SIGN_OK)
        return rc;
    sign_key *k;
    char *pem = NULL;
    size_t len;
    if ((rc = sign_generate(&k)) != SIGN_OK) {
        SAY("could not make a key pair (libcrypto)");
        return rc;
    }
    rc = sign_key_encrypt_pem(k, pass, &pem, &len);
    if (rc != SIGN_OK)
        SAY("could not encrypt the key (libcrypto)");
    if (rc == SIGN_OK) {
        /* what is written reads back under the same passphrase, as this key */
        sign_key *back = NULL;
        sign_public a, b;
        bool same = sign_key_decrypt_pem(pem, len, pass, &back, NULL, 0) == SIGN_OK;
        if (same) {
            sign_key_public(k, &a);
            sign_key_public(back, &b);
            same = sign_public_equal(&a, &b);
        }
        sign_key_free(back);
        assert(same);
        if (!same) {
            SAY("the encrypted key does not read back (libcrypto)");
            rc = SIGN_ERR_CRYPTO;
        }
    }
    char *path = sign_key_path(rq->keys_dir, rq->id);
    if (rc == SIGN_OK)
        rc = write_new(rq->keys_dir, path, pem, len, why, cap);
    if (rc == SIGN_OK) {
        sign_key_public(k, &res->pub);
        sign_public_line(&res->pub, res->line);
        sign_fingerprint(&res->pub, res->fingerprint);
        res->path = path;
    } else {
        free(path);
    }
    free(pem);
    sign_key_free(k);
    return rc;
}

void sign_keygen_result_release(sign_keygen_result *res)
{
    free(res->path);
    memset(res, 0, sizeof *res);
}
