#!/usr/bin/python3
"""load.py: `kasan serve` under load on loopback (issue 25: speed and
concurrency).  Suite `slow`: a minute or two.

Part 1, speed.  A 30,000-nursery dense month (tests/bench/kasan-gen --seed 1
--nurseries 30000 --dense: 2025-04 finalized from the command line, 2025-05
left a draft); one logged-in session requests every page of the section
REPS times in turn, and the median time of each (the whole request: socket,
server, page) is printed and held to the issue's targets: every page under
100 ms, the year page under 50 ms.  The first request of a month page
computes the month (its archive read back from the ledger, or its draft
from DATA) and is printed apart as "cold"; the next ones read it from the
server's cache.  The finalized month as the approver (sato) sees it adds
the approval summary (決裁: the run's totals and payments digest, read from
the ledger on every request) and is held to the same target.  Verifying the whole ledger (/audit?verify=1) rehashes every
stored file: printed, not held to the page target.

Part 2, concurrency.  The sample ward; 50 sessions (each its own login)
read pages as fast as they can while, at the same time, one web session
finalizes three months, another approves (決裁) two of them, another makes
a transfer file, the command line finalizes two more months and approves
one while the web approves another, and the web and the command line race
to finalize the same month (every command signed by its operator's key).
Then: every read answered 200 (no error, no refusal), exactly one of the
racing finalizations won and the other was refused and recorded, every expected event is in the ledger once (none
lost), `kasan audit verify` passes, each finalized month replays
identically, and the access log holds exactly one entry per explanation a
reader was shown.

Run by meson with KASAN (and optionally KASAN_GEN) set.
"""
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webenv  # noqa: E402
from webenv import Client  # noqa: E402

KASAN = webenv.KASAN
KASAN_GEN = os.environ.get("KASAN_GEN") or os.path.join(os.path.dirname(KASAN), "tests", "bench", "kasan-gen")
REPS = int(os.environ.get("LOAD_REPS", "21"))
READERS = int(os.environ.get("LOAD_READERS", "50"))
PASS = FAIL = 0


def check(cond, label, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
        print("ok - " + label)
    else:
        FAIL += 1
        print("FAIL - %s: %s" % (label, str(detail)[:800]))
    return cond


def timed(c, path):
    t0 = time.perf_counter()
    r = c.req("GET", path)
    return r, (time.perf_counter() - t0) * 1000.0


def speed(root):
    ward = webenv.make_ward(root, data=None)
    shutil.rmtree(ward["data"])
    p = subprocess.run([KASAN_GEN, "--seed", "1", "--nurseries", "30000", "--dense", "--months",
                        "2025-04..2025-05", "--out", ward["data"]], capture_output=True, text=True)
    if not check(p.returncode == 0, "kasan-gen: 30,000 nurseries, dense, 2025-04..2025-05", p.stderr):
        return
    t0 = time.time()
    # a national-scale month is far over the sample ward's line: paid on a reason
    p = webenv.kasan("run", "--month", "2025-04", "--finalize", "--no-workbooks", "--quiet",
                     "--over-budget-reason", "負荷試験（全国規模の月）",
                     "--data", ward["data"], "--rules", ward["rules"], "--out", ward["out"],
                     *signer(ward, "tanaka"))
    check(p.returncode == 0, "2025-04 finalized from the command line (%.1f s)" % (time.time() - t0), p.stderr)
    ids = re.findall(r"^([A-Z]\d+),", open(os.path.join(ward["data"], "nurseries.csv"), encoding="utf-8").read(), re.M)
    srv = webenv.Server(ward)
    try:
        c = Client(srv)
        check(c.login("tanaka", webenv.passphrase("tanaka")).status == 303, "tanaka logs in")
        approver = Client(srv)
        check(approver.login("sato", webenv.passphrase("sato")).status == 303, "sato logs in")
        rnd = random.Random(1)
        pages = [
            ("year", lambda i: "/", 50),
            ("budget", lambda i: "/budget", 100),
            ("month 2025-04 (finalized), page 1", lambda i: "/month?m=2025-04", 100),
            ("month 2025-04, page N", lambda i: "/month?m=2025-04&page=%d" % (1 + i * 13 % 300), 100),
            ("explanation 2025-04", lambda i: "/month/nursery?m=2025-04&n=%s" % rnd.choice(ids), 100),
            ("rejections 2025-04, page N", lambda i: "/month/rejections?m=2025-04&page=%d" % (1 + i * 7 % 80), 100),
            ("month 2025-05 (draft), page 1", lambda i: "/month?m=2025-05", 100),
            ("explanation 2025-05 (draft)", lambda i: "/month/nursery?m=2025-05&n=%s" % rnd.choice(ids), 100),
            ("settlement", lambda i: "/settlement?fy=2025", 100),
            ("audit (events)", lambda i: "/audit", 100),
            ("downloads 2025-04", lambda i: "/downloads?dir=2025-04", 100),
        ]
        pages.insert(3, ("month 2025-04 as the approver (決裁)", lambda i: "/month?m=2025-04", 100))
        client = {label: approver if "approver" in label else c for label, _, _ in pages}
        cold = {}
        for label, path, _ in pages:  # the first request of each: a month computed
            r, ms = timed(client[label], path(0))
            cold[label] = ms
            check(r.status == 200, "%s: 200" % label, r.status)
            if "approver" in label:
                check("2025-04の決裁の対象" in r.text and 'action="/month/approve"' in r.text,
                      "the approver's month page shows the summary and the approval form")
        results = {label: [] for label, _, _ in pages}
        for i in range(1, REPS + 1):  # in turn, so a busy moment of the machine hits all alike
            for label, path, _ in pages:
                r, ms = timed(client[label], path(i))
                if r.status != 200:
                    check(False, "%s %s: 200" % (label, path(i)), r.status)
                results[label].append(ms)
        print("# page medians over %d requests each (30,000 nurseries, dense; cold = the first request)" % REPS)
        for label, _, target in pages:
            med = statistics.median(results[label])
            print("#   %-38s median %7.1f ms  (min %6.1f, max %7.1f; cold %7.1f ms)" % (
                label, med, min(results[label]), max(results[label]), cold[label]))
            check(med < target, "%s: median %.1f ms < %d ms" % (label, med, target))
        r, ms = timed(c, "/audit?verify=1")
        print("#   %-38s %7.1f ms (once: every stored file rehashed)" % ("audit verification", ms))
        check(r.status == 200 and "問題はありません" in r.text, "the verification page: no problem")
    finally:
        rc, err = srv.stop()
        check(rc == 0, "the server stops", err[-300:])


def signer(ward, ident):
    """The command line's options to sign as ident (the key and its passphrase file)."""
    return ["--operator", ident, "--keys", ward["keys"],
            "--passphrase-file", os.path.join(ward["root"], "pass-" + ident)]


def shown(text, name):
    m = re.search(r'name="%s" value="([^"]*)"' % name, text)
    return m.group(1) if m else ""


class Readers:
    """READERS sessions reading pages until stopped; every status kept."""

    PAGES = ["/", "/budget", "/month?m=2025-04", "/month?m=2025-05", "/month/nursery?m=2025-04&n=P011",
             "/month/nursery?m=2025-05&n=P002", "/month/rejections?m=2025-04", "/settlement", "/audit",
             "/downloads", "/month?m=2025-06"]

    def __init__(self, srv):
        self.srv = srv
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.statuses = {}
        self.explained = 0   # explanations shown (200): each must be in the access log
        self.rejections = 0
        self.times = []
        self.threads = []
        self.errors = []

    def run(self, k):
        c = Client(self.srv)
        try:
            ident = ["tanaka", "sato", "suzuki"][k % 3]
            r = c.login(ident, webenv.passphrase(ident))
            if r.status != 303:
                with self.lock:
                    self.errors.append("login %s: %d" % (ident, r.status))
                return
            i = k
            while not self.stop.is_set():
                path = self.PAGES[i % len(self.PAGES)]
                i += 1
                t0 = time.perf_counter()
                r = c.req("GET", path)
                ms = (time.perf_counter() - t0) * 1000.0
                with self.lock:
                    self.statuses[r.status] = self.statuses.get(r.status, 0) + 1
                    self.times.append(ms)
                    if r.status == 200 and path.startswith("/month/nursery"):
                        self.explained += 1
                    if r.status == 200 and path.startswith("/month/rejections"):
                        self.rejections += 1
                    if r.status != 200:
                        self.errors.append("%s: %d" % (path, r.status))
        except Exception as e:  # a connection refused or reset is an error of the test
            with self.lock:
                self.errors.append(repr(e))

    def start(self):
        # the logins a few at a time (the failed-login limiter is per address, but
        # these all succeed; scrypt makes each take a tenth of a second)
        for k in range(READERS):
            t = threading.Thread(target=self.run, args=(k,))
            t.start()
            self.threads.append(t)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join(120)


def concurrency(root):
    # a day after the fiscal year, so every month of it may be finalized
    webenv.NOW = "2026-04-15T09:00:00Z"
    ward = webenv.make_ward(root)
    srv = webenv.Server(ward, "--listen", "127.0.0.1:0")
    try:
        readers = Readers(srv)
        readers.start()
        time.sleep(3)  # the readers logged in and reading
        clerk = Client(srv)
        check(clerk.login("tanaka", webenv.passphrase("tanaka")).status == 303, "tanaka logs in under load")
        clerk.req("GET", "/month?m=2025-04")
        payer = Client(srv)
        check(payer.login("suzuki", webenv.passphrase("suzuki")).status == 303, "suzuki logs in under load")
        payer.req("GET", "/month?m=2025-04")
        approver = Client(srv)
        check(approver.login("sato", webenv.passphrase("sato")).status == 303, "sato logs in under load")
        outcome = {}

        def web(month):
            r = clerk.post("/month/finalize", {"month": month})
            outcome["web " + month] = r.status

        def cli(month):
            p = webenv.kasan("run", "--month", month, "--finalize", "--quiet", *signer(ward, "tanaka"),
                             "--data", ward["data"], "--rules", ward["rules"], "--out", ward["out"])
            outcome["cli " + month] = p.returncode
            if p.returncode: print("# cli %s: %s" % (month, p.stderr.strip()[:600]))

        def web_approve(month):  # what the month page showed, approved
            page = approver.req("GET", "/month?m=" + month).text
            r = approver.post("/month/approve", {"month": month, "run_id": shown(page, "run_id"),
                                                 "digest": shown(page, "digest"),
                                                 "drafted_seq": shown(page, "drafted_seq")})
            outcome["web approve " + month] = r.status

        def cli_approve(month):
            p = webenv.kasan("approve", "--month", month, *signer(ward, "sato"), "--rules", ward["rules"],
                             "--out", ward["out"])
            outcome["cli approve " + month] = p.returncode

        t0 = time.time()
        web("2025-04")
        web_approve("2025-04")
        jobs = [threading.Thread(target=cli, args=("2025-07",)),
                threading.Thread(target=web, args=("2025-05",)),
                threading.Thread(target=cli, args=("2025-08",))]
        for j in jobs:
            j.start()
        r = payer.post("/month/transfer", {"month": "2025-04", "date": "2026-04-20"})
        outcome["web transfer 2025-04"] = r.status
        for j in jobs:
            j.join()
        jobs = [threading.Thread(target=web_approve, args=("2025-05",)),
                threading.Thread(target=cli_approve, args=("2025-07",))]
        for j in jobs:
            j.start()
        web("2025-06")
        for j in jobs:
            j.join()
        # the web and the command line finalize the same month at once: one wins
        race = [threading.Thread(target=web, args=("2025-09",)), threading.Thread(target=cli, args=("2025-09",))]
        for j in race:
            j.start()
        for j in race:
            j.join()
        busy = time.time() - t0
        time.sleep(1)
        readers.finish()
        print("# writes under load: %.1f s; %d reads by %d sessions, median %.1f ms, 95th percentile %.1f ms"
              % (busy, len(readers.times), READERS, statistics.median(readers.times),
                 sorted(readers.times)[int(len(readers.times) * 0.95)]))
        check(not readers.errors and set(readers.statuses) == {200},
              "%d reads by %d sessions during the writes: every one 200" % (len(readers.times), READERS),
              "%s %s" % (readers.statuses, readers.errors[:10]))
        for k in ["web 2025-04", "web approve 2025-04", "web 2025-05", "web 2025-06",
                  "web transfer 2025-04", "web approve 2025-05"]:
            check(outcome.get(k) == 200, "%s: 200" % k, outcome.get(k))
        for k in ["cli 2025-07", "cli 2025-08", "cli approve 2025-07"]:
            check(outcome.get(k) == 0, "%s: exit 0" % k, outcome.get(k))
        won = (outcome.get("web 2025-09") == 200) + (outcome.get("cli 2025-09") == 0)
        lost = (outcome.get("web 2025-09") == 409) + (outcome.get("cli 2025-09") == 3)
        check(won == 1 and lost == 1, "2025-09 finalized at once by the web and the command line: one won, "
              "one was refused", outcome)
    finally:
        rc, err = srv.stop()
        check(rc == 0 and "did not finish" not in err, "the server stops cleanly", err[-300:])
    ev = webenv.events(ward)
    got = sorted((e["action"], e["payload"].get("month"), e["actor"],
                  e["payload"].get("signer", {}).get("via")) for e in ev)
    winner = "web" if outcome.get("web 2025-09") == 200 else "cli"
    loser = "cli" if winner == "web" else "web"
    want = sorted([("finalize", "2025-04", "tanaka", "web"), ("approve", "2025-04", "sato", "web"),
                   ("finalize", "2025-05", "tanaka", "web"), ("approve", "2025-05", "sato", "web"),
                   ("finalize", "2025-06", "tanaka", "web"), ("finalize", "2025-07", "tanaka", "cli"),
                   ("approve", "2025-07", "sato", "cli"), ("finalize", "2025-08", "tanaka", "cli"),
                   ("transfer", "2025-04", "suzuki", "web"),
                   ("finalize", "2025-09", "tanaka", winner), ("refuse", "2025-09", "tanaka", loser)])
    check(got == want, "every event in the ledger once, none lost (%d events)" % len(ev), "%s\n%s" % (got, want))
    p = webenv.kasan("audit", "verify", "--out", ward["out"])
    check(p.returncode == 0, "kasan audit verify after the load", p.stdout + p.stderr)
    for m in ["2025-04", "2025-05", "2025-06", "2025-07", "2025-08", "2025-09"]:
        p = webenv.kasan("replay", "--month", m, "--data", ward["data"], "--rules", ward["rules"],
                         "--out", ward["out"])
        check(p.returncode == 0, "replay %s: identical" % m, p.stdout + p.stderr)
    p = webenv.kasan("audit", "access", "--from", "2026-04-15", "--to", "2026-04-15", "--out", ward["out"])
    lines = p.stdout.splitlines()
    explains = sum(1 for l in lines if "\texplain " in l)
    rejections = sum(1 for l in lines if "\trejections " in l)
    check(p.returncode == 0 and explains == readers.explained and rejections == readers.rejections,
          "the access log: one entry per explanation (%d) and rejection list (%d) shown, none lost"
          % (readers.explained, readers.rejections), "%d %d" % (explains, rejections))


def main():
    if not os.access(KASAN_GEN, os.X_OK):
        print("SKIP: kasan-gen not built (%s)" % KASAN_GEN)
        return 77
    root = tempfile.mkdtemp(prefix="kasan-load-")
    try:
        os.mkdir(os.path.join(root, "speed"))
        os.mkdir(os.path.join(root, "conc"))
        if os.environ.get("LOAD_PART", "12") != "2":
            speed(os.path.join(root, "speed"))
        if os.environ.get("LOAD_PART", "12") != "1":
            concurrency(os.path.join(root, "conc"))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("load: %d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL or not PASS else 0


if __name__ == "__main__":
    sys.exit(main())
