"""webenv.py: what the web tests share — a ward to serve (the rules copied
with an operators file the test writes, the sample data copied, an empty
OUT), operators with real keys (`kasan operator keygen --passphrase-file`),
`kasan serve` started on a free loopback port, and a client that keeps the
session cookie and sends the same-origin headers a browser sends.

Nothing here asserts: serve.py, browser.py and load.py do.
"""
import http.client
import os
import re
import shutil
import signal
import subprocess
import urllib.parse

KASAN = os.environ.get("KASAN", "build/kasan")
# the commands a test runs beside the server (keygen, audit export, ...):
# KASAN_CLI when the server runs under valgrind (scripts/test), else KASAN
KASAN_CLI = os.environ.get("KASAN_CLI") or KASAN
SRCDIR = os.environ.get("SRCDIR") or os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
# every command of a test sees the same day: a Monday of May 2025, after April
NOW = os.environ.get("KASAN_TEST_NOW", "2025-05-12T09:30:00Z")

# id, name, post, roles, passphrase
OPERATORS = [
    ("tanaka", "田中 花子", "保育サービス課 給付係 主事", ["draft"], "tanaka passphrase 1"),
    ("sato", "佐藤 一郎", "保育サービス課長", ["approve", "audit"], "sato passphrase 22"),
    ("suzuki", "鈴木 次郎", "会計管理者", ["pay"], "suzuki passphrase 333"),
]


def env(**extra):
    e = dict(os.environ)
    e["KASAN_NOW"] = NOW
    e.update(extra)
    return e


def kasan(*args, check=False, **kw):
    p = subprocess.run([KASAN_CLI] + list(args), capture_output=True, text=True, env=env(), **kw)
    if check and p.returncode != 0:
        raise SystemExit("kasan %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr))
    return p


def make_keys(root, operators=OPERATORS):
    """KEYS under root with every operator's key; returns (keys, {id: line})."""
    keys = os.path.join(root, "keys")
    lines = {}
    for ident, _, _, _, passphrase in operators:
        pf = os.path.join(root, "pass-" + ident)
        with open(pf, "w") as f:
            f.write(passphrase + "\n")
        os.chmod(pf, 0o600)
        p = kasan("operator", "keygen", "--id", ident, "--keys", keys, "--passphrase-file", pf,
                  check=True)
        m = re.search(r"ed25519:[A-Za-z0-9+/=]{44}", p.stdout)
        lines[ident] = m.group(0)
    return keys, lines


def operators_yaml(lines, operators=OPERATORS, version="2025-04", effective_from="2025-04-01"):
    out = ["kind: operators", 'version: "%s"' % version, "title: 保育サービス課 操作者",
           "effective_from: %s" % effective_from, "basis: 板橋区事務分掌規則", "operators:"]
    for ident, name, post, roles, _ in operators:
        out += ["  - id: %s" % ident, "    name: %s" % name, "    post: %s" % post,
                "    roles: [%s]" % ", ".join(roles), "    key: %s" % lines[ident],
                "    valid_from: 2025-04-01"]
    return "\n".join(out) + "\n"


def make_ward(root, data=None, with_operators=True, operators=OPERATORS):
    """root/{rules,data,out,keys}; returns a dict of the paths and the key lines."""
    rules = os.path.join(root, "rules")
    shutil.copytree(os.path.join(SRCDIR, "rules"), rules)
    d = os.path.join(root, "data")
    shutil.copytree(data or os.path.join(SRCDIR, "fixtures", "sample-ward"), d, symlinks=True)
    out = os.path.join(root, "out")
    os.mkdir(out)
    keys, lines = make_keys(root, operators)
    if with_operators:
        os.makedirs(os.path.join(rules, "operators"), exist_ok=True)
        with open(os.path.join(rules, "operators", "2025-04.yaml"), "w") as f:
            f.write(operators_yaml(lines, operators))
    return {"root": root, "rules": rules, "data": d, "out": out, "keys": keys, "lines": lines}


class Server:
    """kasan serve in the background; .port, .url, .stop() -> (rc, stderr)."""

    def __init__(self, ward, *args, tls=False):
        cmd = [KASAN, "serve", "--listen", "127.0.0.1:0", "--data", ward["data"],
               "--rules", ward["rules"], "--out", ward["out"], "--keys", ward["keys"]] + list(args)
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                  env=env())
        line = self.p.stdout.readline()
        m = re.search(r"listening on (https?)://127\.0\.0\.1:(\d+)/", line)
        if not m:
            self.p.kill()
            raise SystemExit("serve did not start: %r %s" % (line, self.p.stderr.read()))
        self.port = int(m.group(2))
        self.url = "%s://127.0.0.1:%d/" % (m.group(1), self.port)
        self.tls = tls

    def conn(self, timeout=60):
        if self.tls:
            import ssl
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection("127.0.0.1", self.port, timeout=timeout, context=ctx)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def stop(self, sig=signal.SIGTERM, timeout=30):
        self.p.send_signal(sig)
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = "hung"
        err = self.p.stderr.read()
        self.p.stdout.close()
        self.p.stderr.close()
        return rc, err


def multipart(fields, files):
    """fields: [(name, value)], files: [(name, filename, bytes)] -> (content type, body)."""
    boundary = "kasanTestBoundary7MA4YWxkTrZu0gW"
    out = []
    for name, value in fields:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                    % (boundary, name, value)).encode())
    for name, filename, data in files:
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                    "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
                    % (boundary, name, filename)).encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return "multipart/form-data; boundary=" + boundary, b"".join(out)


class Client:
    """One browser: keeps the session cookie, sends the same-origin headers."""

    def __init__(self, srv):
        self.srv = srv
        self.cookie = None
        self.token = None

    def req(self, method, path, body=None, headers=None, host=None, content_type=None):
        c = self.srv.conn()
        h = {"Host": host or "127.0.0.1:%d" % self.srv.port}
        if self.cookie:
            name = "__Host-kasan" if self.srv.tls else "kasan"
            h["Cookie"] = "%s=%s" % (name, self.cookie)
        if body is not None:
            h["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        h.update(headers or {})
        c.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in h.items():
            c.putheader(k, v)
        data = body.encode() if isinstance(body, str) else body
        if data is not None:
            c.putheader("Content-Length", str(len(data)))
        c.endheaders(data)
        r = c.getresponse()
        r.body = r.read()
        r.text = r.body.decode("utf-8", "replace")
        c.close()
        sc = r.getheader("Set-Cookie") or ""
        m = re.match(r"(?:__Host-)?kasan=([0-9a-f]{64});", sc)
        if m:
            self.cookie = m.group(1)
        elif "Max-Age=0" in sc:
            self.cookie = None
        t = self.csrf(r.text)
        if t:
            self.token = t
        return r

    @staticmethod
    def csrf(text):
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
        return m.group(1) if m else None

    def login(self, ident, passphrase):
        self.req("GET", "/login")
        return self.req("POST", "/login", urllib.parse.urlencode(
            {"csrf": self.token, "id": ident, "passphrase": passphrase}))

    def post(self, path, fields, token=True):
        f = dict(fields)
        if token and "csrf" not in f:
            f["csrf"] = self.token
        return self.req("POST", path, urllib.parse.urlencode(f))

    def upload(self, path, fields, files, token=True):
        f = list(fields.items())
        if token:
            f.append(("csrf", self.token))
        ctype, body = multipart(f, files)
        return self.req("POST", path, body, content_type=ctype)


def passphrase(ident):
    for o in OPERATORS:
        if o[0] == ident:
            return o[4]
    raise KeyError(ident)


def events(ward):
    """The ledger's events (kasan audit export), [] with no ledger."""
    import json
    p = kasan("audit", "export", "--out", ward["out"])
    return [json.loads(l) for l in p.stdout.splitlines() if l.strip()]
