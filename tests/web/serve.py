#!/usr/bin/python3
"""serve.py: `kasan serve` end to end over real sockets (issue 25, part 1).

Starts the server on a free loopback port (--listen 127.0.0.1:0, the URL
read from its first line) with a stub login file, and tries to break what
it promises, with a raw client (http.client sends paths exactly as given,
unlike a browser or curl, which normalise "..").  Checks:
  every page and download without a session goes to the login page;
  a POST without or with a wrong CSRF token is 403 and does nothing;
  path traversal and its encoded variants, a symlink out of OUT: 404;
  a foreign Host (DNS rebinding) 421; the security headers on every reply;
  an operator name with <script> shown as text; failed logins slowed;
  a body over its bound refused (413, or the connection closed);
  a non-loopback address without TLS refused (exit 1); TLS served with a
  Secure __Host- cookie; a TLS key readable by others refused (exit 2);
  concurrent requests; SIGTERM finishing the request in progress, exit 0.
Run by meson with KASAN=path of the binary.  Prints "ok - ..." per check.
"""
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time

KASAN = os.environ.get("KASAN", "build/kasan")
PASS = FAIL = 0


def check(cond, label, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
        print("ok - " + label)
    else:
        FAIL += 1
        print("FAIL - %s: %s" % (label, detail))


class Server:
    """kasan serve in the background; .port, .stop() -> (rc, stderr)."""

    def __init__(self, *args, tls=False):
        self.p = subprocess.Popen([KASAN, "serve", "--listen", "127.0.0.1:0"] + list(args),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.p.stdout.readline()
        m = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.p.kill()
            raise SystemExit("serve did not start: %r %s" % (line, self.p.stderr.read()))
        self.port = int(m.group(2))
        self.tls = tls

    def conn(self, timeout=10):
        if self.tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def stop(self, sig=signal.SIGTERM, timeout=20):
        self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "hung"
        return rc, self.p.stderr.read()


class Client:
    """One browser: keeps the session cookie, sends the same-origin headers."""

    def __init__(self, srv):
        self.srv = srv
        self.cookie = None

    def req(self, method, path, body=None, headers=None, host=None):
        c = self.srv.conn()
        h = {"Host": host or "127.0.0.1:%d" % self.srv.port}
        if self.cookie:
            name = "__Host-kasan" if self.srv.tls else "kasan"
            h["Cookie"] = "%s=%s" % (name, self.cookie)
        if body is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        h.update(headers or {})
        c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in h.items():
            c.putheader(k, v)
        data = body.encode() if isinstance(body, str) else body
        if data is not None:
            c.putheader("Content-Length", str(len(data)))
        c.endheaders(data)
        r = c.getresponse()
        r.text = r.read().decode("utf-8", "replace")
        c.close()
        sc = r.getheader("Set-Cookie") or ""
        m = re.match(r"(?:__Host-)?kasan=([0-9a-f]{64});", sc)
        if m:
            self.cookie = m.group(1)
        elif "Max-Age=0" in sc:
            self.cookie = None
        return r

    def csrf(self, text):
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
        return m.group(1) if m else None

    def login(self, ident, passphrase):
        r = self.req("GET", "/login")
        tok = self.csrf(r.text)
        from urllib.parse import urlencode
        return self.req("POST", "/login", urlencode({"csrf": tok, "id": ident,
                                                     "passphrase": passphrase}))


def setup_dirs(root):
    keys = os.path.join(root, "keys")
    os.mkdir(keys, 0o700)
    with open(os.path.join(keys, "stub-logins"), "w") as f:
        f.write("clerk draft <script>alert(1)</script> correct horse\n")
        f.write("payer pay 会計管理者 battery+staple&x=%41\n")
    os.chmod(os.path.join(keys, "stub-logins"), 0o600)
    out = os.path.join(root, "out")
    os.makedirs(os.path.join(out, "2025-04", "statements"))
    with open(os.path.join(out, "2025-04", "payments.csv"), "w") as f:
        f.write("month,nursery_id,program,rule_version,amount_yen\n2025-04,P001,acceptance_addon,2025-04,130000\n")
    with open(os.path.join(out, "2025-04", "statements", "P001.xlsx"), "wb") as f:
        f.write(b"PK\x03\x04 not really a workbook")
    with open(os.path.join(out, "ledger.sqlite"), "wb") as f:
        f.write(b"SQLite format 3\x00")
    secret = os.path.join(root, "secret.csv")
    with open(secret, "w") as f:
        f.write("root:x:0:0:secret\n")
    os.symlink(secret, os.path.join(out, "2025-04", "passwd.csv"))
    os.symlink(root, os.path.join(out, "2025-05"))
    return keys, out


SECURITY_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def headers_ok(r):
    for k, want in SECURITY_HEADERS.items():
        if want not in (r.getheader(k) or ""):
            return False
    csp = r.getheader("Content-Security-Policy") or ""
    return "unsafe-inline" not in csp and "script-src" not in csp  # default-src 'none' covers scripts


def test_no_session(srv):
    c = Client(srv)
    for path in ["/", "/budget", "/month", "/settlement", "/audit", "/downloads",
                 "/downloads?dir=2025-04", "/download/2025-04/payments.csv",
                 "/download/2025-04/statements/P001.xlsx"]:
        r = c.req("GET", path)
        check(r.status == 303 and r.getheader("Location") == "/login" and "130000" not in r.text,
              "no session: GET %s goes to the login page" % path, "%d %s" % (r.status, r.getheader("Location")))
        check(headers_ok(r), "security headers on the redirect of %s" % path)
    r = c.req("GET", "/login")
    check(r.status == 200 and 'action="/login"' in r.text and c.csrf(r.text),
          "the login page has a form with a CSRF token")
    check(r.getheader("Cache-Control") == "no-store", "pages are no-store")
    sc = r.getheader("Set-Cookie") or ""
    check("HttpOnly" in sc and "SameSite=Strict" in sc and "Secure" not in sc,
          "session cookie HttpOnly, SameSite=Strict (no Secure on plain loopback)", sc)
    r = c.req("GET", "/static/style.css")
    check(r.status == 200 and (r.getheader("Content-Type") or "").startswith("text/css"),
          "the style sheet is public")


def test_csrf(srv):
    from urllib.parse import urlencode
    c = Client(srv)
    c.req("GET", "/login")
    anon = c.cookie
    r = c.req("POST", "/login", urlencode({"id": "clerk", "passphrase": "correct horse"}))
    check(r.status == 403 and c.cookie == anon, "login without its CSRF token: 403, no session")
    r = c.login("clerk", "correct horse")
    check(r.status == 303 and r.getheader("Location") == "/" and c.cookie and c.cookie != anon,
          "login: 303 to / with a new session id", "%d %s" % (r.status, c.cookie))
    r2 = Client(srv)
    r2.cookie = anon
    r = r2.req("GET", "/")
    check(r.status == 303, "the id from before login does not log in (fixation)")
    r = c.req("GET", "/")
    check(r.status == 200 and "&lt;script&gt;alert(1)&lt;/script&gt;" in r.text and "<script" not in r.text,
          "an operator name <script> is shown as text")
    tok = c.csrf(r.text)
    wrong = ("0" if tok[0] != "0" else "1") + tok[1:]
    for label, body in [("missing", ""), ("empty", "csrf="), ("wrong by one digit", "csrf=" + wrong),
                        ("twice", "csrf=%s&csrf=%s" % (tok, tok))]:
        r = c.req("POST", "/logout", body)
        check(r.status == 403, "POST /logout with the CSRF token %s: 403" % label, str(r.status))
    r = c.req("POST", "/logout", None)  # no body, no content type at all
    check(r.status == 403, "POST /logout without a body: 403", str(r.status))
    r = c.req("POST", "/logout", "csrf=" + tok, headers={"Origin": "http://evil.example"})
    check(r.status == 403, "POST from another origin with the right token: 403")
    r = c.req("POST", "/logout", "csrf=" + tok, headers={"Sec-Fetch-Site": "same-site"})
    check(r.status == 403, "POST from another port of the same host (same-site): 403")
    r = c.req("GET", "/")
    check(r.status == 200, "after the refused POSTs the session is untouched (no action)")
    r = c.req("POST", "/logout", "csrf=" + tok, headers={"Origin": "http://127.0.0.1:%d" % srv.port})
    check(r.status == 303 and r.getheader("Location") == "/login", "logout with the token: 303 to login")
    old = tok
    r = c.req("GET", "/")
    check(r.status == 303, "after logout the session is gone")
    return old


def test_downloads(srv, out):
    c = Client(srv)
    c.login("clerk", "correct horse")
    r = c.req("GET", "/download/2025-04/payments.csv")
    want = open(os.path.join(out, "2025-04", "payments.csv")).read()
    check(r.status == 200 and r.text == want, "a download is the file's bytes", str(r.status))
    check(r.getheader("Content-Disposition") == 'attachment; filename="payments.csv"' and
          r.getheader("Content-Type") == "text/csv; charset=utf-8",
          "Content-Type and Content-Disposition of a CSV")
    r = c.req("GET", "/download/2025-04/statements/P001.xlsx")
    check(r.status == 200 and "spreadsheetml" in (r.getheader("Content-Type") or ""),
          "a statement downloads as xlsx")
    r = c.req("GET", "/downloads?dir=2025-04")
    check(r.status == 200 and "/download/2025-04/payments.csv" in r.text and "passwd.csv" not in r.text,
          "the listing shows the files and not the symlink")
    bad = [
        "/download/../ledger.sqlite", "/download/ledger.sqlite",
        "/download/%2e%2e/ledger.sqlite", "/download/%2E%2E/out/ledger.sqlite",
        "/download/..%2fledger.sqlite", "/download/2025-04%2f..%2f..%2fsecret.csv",
        "/download/%252e%252e/ledger.sqlite", "/download/%252e%252e%252fsecret.csv",
        "/download//etc/passwd", "/download/2025-04/../../secret.csv",
        "/download/2025-04/../../../../../../etc/passwd", "/download/..%5c..%5csecret.csv",
        "/download/2025-04/payments.csv%00.txt", "/download/%c0%ae%c0%ae/secret.csv",
        "/download/2025-04/passwd.csv", "/download/2025-05/secret.csv",
        "/download/.2025-04.published", "/download/2025-04/./payments.csv",
    ]
    for path in bad:
        r = c.req("GET", path)
        check(r.status in (403, 404) and "root:x" not in r.text and "SQLite format" not in r.text,
              "traversal refused: %s (%d)" % (path, r.status), str(r.status))
    r = c.req("GET", "/downloads?dir=..")
    check(r.status == 404, "the listing refuses ?dir=..")
    r = c.req("GET", "/downloads?dir=2025-04%2F..")
    check(r.status == 404, "the listing refuses an encoded ?dir")
    r = c.req("GET", "/download/2025-04/payments.csv", host="attacker.example:%d" % srv.port)
    check(r.status == 421 and "130000" not in r.text, "a foreign Host (DNS rebinding): 421")
    r = c.req("GET", "/", host="localhost:%d" % srv.port)
    check(r.status == 200, "Host localhost:PORT is accepted")


def test_login_limits(srv):
    from urllib.parse import urlencode
    c = Client(srv)
    r = c.login("payer", "wrong")
    check(r.status == 401 and "パスフレーズが違います" in r.text, "a wrong passphrase: 401")
    r = c.login("payer", "battery+staple&x=%41")
    check(r.status == 429, "right after a failure even the right passphrase waits: 429", str(r.status))
    time.sleep(1.2)
    r = c.login("payer", "battery+staple&x=%41")
    check(r.status == 303, "after the wait, a passphrase with + & %% = decodes and logs in", str(r.status))
    r = c.req("GET", "/downloads")
    check("会計管理者" in r.text and "振込" in r.text, "the header shows the payer's name and role")


def raw(srv, data, read=True, timeout=5):
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    try:
        s.sendall(data)
        if not read:
            return s
        got = b""
        while True:
            try:
                b = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not b:
                break
            got += b
        return got
    finally:
        if read:
            s.close()


def test_bodies(srv):
    host = b"Host: 127.0.0.1:%d\r\n" % srv.port
    t0 = time.time()
    got = raw(srv, b"POST /login HTTP/1.1\r\n" + host +
              b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000000\r\n\r\n")
    check(got.startswith(b"HTTP/1.1 413") and time.time() - t0 < 3,
          "a body whose Content-Length is over the bound: 413 at once", got[:40])
    chunk = b"a=" + b"x" * 8000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(10))
    got = raw(srv, b"POST /login HTTP/1.1\r\n" + host +
              b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" +
              body + b"0\r\n\r\n")
    check(not got.startswith(b"HTTP/1.1 200") and not got.startswith(b"HTTP/1.1 303"),
          "a chunked body past the bound is cut off", got[:40])
    got = raw(srv, b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    check(got.startswith(b"HTTP/1.1 421"), "DNS-rebinding Host on a raw request: 421", got[:40])


def test_concurrency(srv):
    c = Client(srv)
    c.login("clerk", "correct horse")
    results = []

    def worker():
        for _ in range(10):
            cc = Client(srv)
            cc.cookie = c.cookie
            r = cc.req("GET", "/downloads?dir=2025-04")
            results.append(r.status)

    threads = [threading.Thread(target=worker) for _ in range(20)]
    t0 = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(len(results) == 200 and all(s == 200 for s in results),
          "200 requests from 20 concurrent clients all answered (%.2f s)" % (time.time() - t0),
          str(sorted(set(results))))


def test_slow_client(srv):
    """A client that sends half a POST and stalls holds no lock: others go on."""
    body = b"csrf=" + b"0" * 64
    head = (b"POST /logout HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
            % (srv.port, len(body)))
    slow = [raw(srv, head + body[:5], read=False) for _ in range(8)]
    t0 = time.time()
    c = Client(srv)
    r1 = c.login("clerk", "correct horse")
    tok = c.csrf(c.req("GET", "/").text)
    r2 = c.req("POST", "/logout", "csrf=" + tok)
    check(r1.status == 303 and r2.status == 303 and time.time() - t0 < 5,
          "8 stalled half-sent POSTs do not hold up a login and a logout (%.2f s)" % (time.time() - t0))
    for s in slow:
        s.close()


def test_sigterm(srv):
    """A POST half sent when SIGTERM arrives is finished and answered."""
    body = b"csrf=" + b"0" * 64 + b"&id=x&passphrase=y"
    head = (b"POST /login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n"
            % (srv.port, len(body)))
    s = raw(srv, head + body[:10], read=False)
    time.sleep(0.3)
    srv.p.send_signal(signal.SIGTERM)
    time.sleep(0.5)
    check(srv.p.poll() is None, "on SIGTERM the server waits for the request in progress")
    try:
        socket.create_connection(("127.0.0.1", srv.port), timeout=2).close()
        refused = False
    except OSError:
        refused = True
    check(refused, "after SIGTERM no new connection is accepted")
    s.sendall(body[10:])
    got = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        got += b
    s.close()
    check(got.startswith(b"HTTP/1.1 403"), "the request in progress got its answer (403: no CSRF)", got[:40])
    try:
        rc = srv.p.wait(10)
    except subprocess.TimeoutExpired:
        srv.p.kill()
        rc = "hung"
    err = srv.p.stderr.read()
    check(rc == 0 and "stopped" in err and "did not finish" not in err,
          "SIGTERM: exit 0 after the request, 'stopped'", "rc %s: %s" % (rc, err))


def test_refusals(root, keys, out):
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:8080", "example.org:80"]:
        p = subprocess.run([KASAN, "serve", "--listen", addr, "--out", out], capture_output=True,
                           text=True, timeout=10)
        check(p.returncode == 1 and ("loopback" in p.stderr or "IP address" in p.stderr),
              "plain HTTP on %s refused (exit 1)" % addr, "%d %s" % (p.returncode, p.stderr))
    p = subprocess.run([KASAN, "serve", "--listen", "0.0.0.0:0", "--tls-cert", "x.pem"],
                       capture_output=True, text=True, timeout=10)
    check(p.returncode == 1 and "go together" in p.stderr, "--tls-cert without --tls-key: exit 1")
    if not shutil.which("openssl"):
        check(False, "openssl for the TLS test certificate", "not installed (scripts/deps.sh)")
        return
    cert, key = os.path.join(root, "cert.pem"), os.path.join(root, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"],
                   check=True, capture_output=True)
    os.chmod(key, 0o644)
    p = subprocess.run([KASAN, "serve", "--listen", "0.0.0.0:0", "--tls-cert", cert, "--tls-key", key],
                       capture_output=True, text=True, timeout=10)
    check(p.returncode == 2 and "readable by others" in p.stderr, "a TLS key readable by others: exit 2",
          "%d %s" % (p.returncode, p.stderr))
    os.chmod(key, 0o600)
    with open(os.path.join(root, "junk.pem"), "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n")
    p = subprocess.run([KASAN, "serve", "--listen", "127.0.0.1:0", "--tls-cert",
                        os.path.join(root, "junk.pem"), "--tls-key", key],
                       capture_output=True, text=True, timeout=10)
    check(p.returncode == 2 and "not a PEM certificate" in p.stderr, "a certificate that is not one: exit 2",
          "%d %s" % (p.returncode, p.stderr))
    other = os.path.join(root, "other.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-out", other], check=True, capture_output=True)
    os.chmod(other, 0o600)
    p = subprocess.run([KASAN, "serve", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", other],
                       capture_output=True, text=True, timeout=10)
    check(p.returncode == 2 and "is not the key of" in p.stderr, "a key of another certificate: exit 2",
          "%d %s" % (p.returncode, p.stderr))
    enc = os.path.join(root, "enc.pem")
    subprocess.run(["openssl", "pkey", "-in", key, "-aes256", "-passout", "pass:secret", "-out", enc],
                   check=True, capture_output=True)
    os.chmod(enc, 0o600)
    p = subprocess.run([KASAN, "serve", "--listen", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", enc],
                       capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL)
    check(p.returncode == 2 and "unencrypted" in p.stderr, "an encrypted TLS key: exit 2, no prompt",
          "%d %s" % (p.returncode, p.stderr))
    srv = Server("--tls-cert", cert, "--tls-key", key, "--keys", keys, "--out", out, tls=True)
    c = Client(srv)
    r = c.req("GET", "/login")
    sc = r.getheader("Set-Cookie") or ""
    check(r.status == 200 and sc.startswith("__Host-kasan=") and "; Secure" in sc,
          "HTTPS: the cookie is __Host-, Secure", sc)
    check("max-age" in (r.getheader("Strict-Transport-Security") or ""), "HTTPS: HSTS")
    r = c.login("clerk", "correct horse")
    check(r.status == 303, "HTTPS: login works")
    try:
        raw_plain = raw(srv, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", timeout=3)
    except OSError:
        raw_plain = b""
    check(not raw_plain.startswith(b"HTTP/1.1 200"), "HTTPS: plain HTTP to the TLS port gets no page")
    rc, err = srv.stop()
    check(rc == 0, "HTTPS server stops on SIGTERM", err)
    # TLS on a non-loopback address starts (0.0.0.0: every interface)
    p = subprocess.Popen([KASAN, "serve", "--listen", "0.0.0.0:0", "--tls-cert", cert, "--tls-key", key],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = p.stdout.readline()
    check(line.startswith("kasan serve: listening on https://0.0.0.0:"), "HTTPS on 0.0.0.0 starts", line)
    p.send_signal(signal.SIGINT)
    check(p.wait(10) == 0, "SIGINT stops it too")
    p.stderr.close()
    p.stdout.close()


def main():
    root = tempfile.mkdtemp(prefix="kasan-serve-")
    try:
        keys, out = setup_dirs(root)
        srv = Server("--keys", keys, "--out", out)
        test_no_session(srv)
        test_csrf(srv)
        test_downloads(srv, out)
        test_login_limits(srv)
        test_bodies(srv)
        test_concurrency(srv)
        test_slow_client(srv)
        test_sigterm(srv)
        test_refusals(root, keys, out)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("serve: %d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
