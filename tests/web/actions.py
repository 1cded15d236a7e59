#!/usr/bin/python3
"""actions.py: the two web actions that were command line only.

1. A claim form for a month already finalized, received for a correction
   (`kasan intake --replace --correction`): without the box the web refuses
   it (409, the claims untouched); with it the nursery's lines are replaced,
   every other nursery's kept, and a correction then pays the difference.
2. A month that pays a nursery beyond its grant decision (交付決定), paid on
   a recorded reason (`kasan run --finalize --over-decision-reason`).

The sample ward (fixtures/sample-ward/README.md): P002's decision is
1,650,000 yen (no application for C0003, who joins in October); April to
December pay it 1,470,000 yen and January 230,000, so January is
1,470,000 + 230,000 − 1,650,000 = 50,000 yen beyond it.
Run by meson with KASAN=path of the binary.  Prints "ok - ..." per check.
"""
import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import webenv  # noqa: E402
from webenv import Client  # noqa: E402

PYTHON = "/usr/bin/python3"
PASS = FAIL = 0


def check(cond, label, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
        print("ok - " + label)
    else:
        FAIL += 1
        print("FAIL - %s: %s" % (label, detail))


def signed(ward, ident, *args):
    """A command line money action signed by ident (its passphrase file)."""
    return webenv.kasan(*args, "--data", ward["data"], "--rules", ward["rules"], "--out", ward["out"],
                        "--operator", ident, "--keys", ward["keys"],
                        "--passphrase-file", os.path.join(ward["root"], "pass-" + ident))


def claims(ward, month):
    d = os.path.join(ward["data"], "claims", month)
    return {n: open(os.path.join(d, n), "rb").read() for n in sorted(os.listdir(d))}


def nursery_lines(blob, nursery):
    """A nursery's lines, without the `form` cell (where a line came from: intake
    adds the column, empty for a hand-typed line it keeps)."""
    rows = list(csv.DictReader(io.StringIO(blob.decode("utf-8"))))
    return [{k: v for k, v in r.items() if k != "form"} for r in rows if r["nursery_id"] == nursery]


def test_correction_intake(root, ward, c):
    p = signed(ward, "tanaka", "run", "--month", "2025-04", "--finalize", "--quiet", "--no-workbooks")
    check(p.returncode == 0, "April finalized (command line)", p.stderr)
    p = webenv.kasan("forms", "--month", "2025-04", "--data", ward["data"], "--rules", ward["rules"],
                     "--out", ward["out"])
    check(p.returncode == 0, "April's forms made", p.stderr)
    forms = os.path.join(ward["out"], "2025-04", "forms")
    # P011 reports C0009 left on 2025-04-15: its form is filled from claims
    # with that line changed, as the nursery would correct it
    src = os.path.join(root, "claims-fixed")
    shutil.copytree(os.path.join(ward["data"], "claims", "2025-04"), src)
    path = os.path.join(src, "children.csv")
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    fields = list(rows[0].keys())
    changed = [r for r in rows if r["nursery_id"] == "P011" and r["child_ref"] == "C0009"]
    check(len(changed) == 1, "P011's C0009 is in April's claims")
    changed[0]["enrolled_to"] = "2025-04-15"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    filled = os.path.join(root, "filled")
    p = subprocess.run([PYTHON, os.path.join(webenv.SRCDIR, "tests", "e2e", "fill_forms.py"), forms,
                        src, filled], capture_output=True, text=True)
    check(p.returncode == 0, "P011's form filled with the change", p.stderr)
    form = open(os.path.join(filled, "P011.xlsx"), "rb").read()
    before = claims(ward, "2025-04")
    r = c.upload("/month/intake", {"month": "2025-04", "replace": "1"}, [("forms", "P011.xlsx", form)])
    check(r.status == 409 and "確定済みの月の修正として置き換える" in r.text,
          "a finalized month's nursery replaced without the correction box: 409, the box named",
          "%d %s" % (r.status, r.text[-600:]))
    check(claims(ward, "2025-04") == before, "... and the claims untouched")
    r = c.req("GET", "/month?m=2025-04")
    check('name="correction"' in r.text, "the finalized month's intake form has the correction box")
    r = c.upload("/month/intake", {"month": "2025-04", "correction": "1"}, [("forms", "P011.xlsx", form)])
    check(r.status == 200 and "受け付けました" in r.text, "with the box: received (200)",
          "%d %s" % (r.status, r.text[-600:]))
    after = claims(ward, "2025-04")
    kid = nursery_lines(after["children.csv"], "P011")
    c9 = [k for k in kid if k["child_ref"] == "C0009"]
    check(len(c9) == 1 and c9[0]["enrolled_to"] == "2025-04-15", "P011's C0009 now leaves on 2025-04-15",
          str(c9))
    for n in ("P002", "P005", "P007"):
        check(nursery_lines(before["children.csv"], n) and
              nursery_lines(after["children.csv"], n) == nursery_lines(before["children.csv"], n),
              "%s's lines kept" % n)
    r = c.post("/month/correct", {"month": "2025-04", "reason": "P011 C0009 退園の届出"})
    check(r.status == 200 and "修正の差額" in r.text, "the correction recorded on the web",
          "%d %s" % (r.status, r.text[-600:]))


def test_over_decision(ward, c):
    p = signed(ward, "tanaka", "decide", "--fy", "2025", "--finalize", "--quiet")
    check(p.returncode == 0, "the sample ward's grant decision (command line)", p.stderr)
    # signed, it counts once approved (決裁) by someone who did not draft it
    p = signed(ward, "sato", "approve", "--decision", "2025")
    check(p.returncode == 0, "the decision approved by sato (command line)", p.stderr)
    for m in ["2025-05", "2025-06", "2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]:
        p = signed(ward, "tanaka", "run", "--month", m, "--finalize", "--quiet", "--no-workbooks")
        check(p.returncode == 0, "%s finalized within the decision" % m, p.stderr)
    n_before = len(webenv.events(ward))
    r = c.post("/month/finalize", {"month": "2026-01"})
    check(r.status == 409 and "P002" in r.text and "50,000" in r.text,
          "January beyond P002's decision: refused (409), P002 and 50,000 yen named",
          "%d %s" % (r.status, r.text[-800:]))
    ev = webenv.events(ward)
    check(len(ev) == n_before + 1 and ev[-1]["action"] == "refuse"
          and ev[-1]["payload"]["code"] == "over_decision", "... the refusal recorded",
          str(ev[-1])[:300])
    r = c.req("GET", "/month?m=2026-01")
    check('name="over_decision_reason"' in r.text, "the month page offers the override's reason")
    r = c.post("/month/finalize", {"month": "2026-01", "over_decision_reason": "変更交付申請を受付済み"})
    check(r.status == 200 and "交付決定額を超える支払" in r.text and "P002" in r.text and "50,000" in r.text,
          "January paid on the reason given, the page naming P002 and 50,000 yen beyond",
          "%d %s" % (r.status, r.text[-800:]))
    od = [e["payload"] for e in webenv.events(ward) if e["action"] == "over_decision"]
    check(len(od) == 1 and od[0].get("reason") == "変更交付申請を受付済み"
          and od[0].get("nurseries", [{}])[0].get("shortfall_yen") == 50000,
          "the over_decision event holds the reason and the 50,000 yen", str(od)[:400])
    p = webenv.kasan("audit", "verify", "--out", ward["out"], "--rules", ward["rules"])
    check(p.returncode == 0, "audit verify passes", p.stdout + p.stderr)


def main():
    root = tempfile.mkdtemp(prefix="kasan-actions-")
    # a day of February 2026: April to January have begun
    webenv.NOW = "2026-02-10T09:30:00Z"
    try:
        ward = webenv.make_ward(root)
        srv = webenv.Server(ward)
        try:
            c = Client(srv)
            r = c.login("tanaka", webenv.passphrase("tanaka"))
            check(r.status == 303, "tanaka logs in")
            c.req("GET", "/")
            test_correction_intake(root, ward, c)
            test_over_decision(ward, c)
        finally:
            rc, err = srv.stop()
            check(rc == 0, "the server stops cleanly", err)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("actions: %d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
