#!/usr/bin/env python3
"""module_deps.py: checks from the #include lines that kasan's modules depend
one way, cli → flow → report → engine → intake → rules/ledger → expr/budget →
core (intake reads the terms: the claim schema is built from them), and that no
header includes itself round a circle.  Prints each include that runs back
up (or sideways between rules and ledger) and each circle;
exit 1 if there is any.  Not a check of calls between files of one module
(read the module's *_int.h and its design comments for that).

    tests/compare/module_deps.py [REPO]          (default: this checkout)
"""
import os
import re
import sys

LEVEL = {"core": 0, "expr": 1, "budget": 1, "rules": 2, "ledger": 2, "intake": 3,
         "engine": 4, "report": 5, "flow": 6, "cli": 7, "main": 8}
# public headers by the module that owns them; rule_value.h and claim_line.h
# are the data the formula language reads (filled by rules and intake).
# bank_account.h is what a bank account is made of (field widths, account type
# codes, digit codes): the payer rule (rules) and the Zengin writer (report)
# both check against it.
HEADER = {"arena": "core", "strbuf": "core", "diag": "core", "num": "core", "date": "core",
          "hash": "core", "fsutil": "core", "clock": "core", "kana": "core", "bank_account": "core",
          "sign": "core", "duty": "core", "operators": "rules",
          "rowmerge": "core", "testhold": "core",
          "bankday": "core",
          "value": "expr", "expr": "expr",
          "rule_value": "expr", "claim_line": "expr", "budget": "budget",
          "csv": "intake", "intake": "intake", "xlsx": "intake", "schema": "intake",
          "forms": "intake", "actuals": "intake", "claims_merge": "intake",
          "rules": "rules", "ledger": "ledger", "ledger_settle": "ledger", "ledger_transfer": "ledger",
          "ledger_access": "ledger", "ledger_docs": "ledger", "ledger_overview": "ledger",
          "ledger_sign": "ledger", "ledger_decide": "ledger", "flow_sign": "flow",
          "ledger_refund": "ledger", "flow_refund": "flow",
          "engine": "engine", "settle": "engine", "report": "report",
          "report_settle": "report", "zengin": "report", "flow": "flow",
          "flow_view": "flow", "cli": "cli", "web": "web",
          "budget_ward": "budget", "applications": "intake", "decide": "engine",
          "report_decide": "report"}
# web (kasan serve) is a front-end under cli/serve.c, above flow like cli
LEVEL["web"] = LEVEL["cli"] - 0.5
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def module_of(path):
    parts = path.split(os.sep)
    if parts[0] == "include":
        return HEADER.get(os.path.splitext(parts[-1])[0])
    if parts[0] == "src":
        return "main" if parts[1] == "main.c" else parts[1]
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
    os.chdir(root)
    bad, edges, files = [], {}, []
    for top in ("include", "src"):
        for d, _, names in os.walk(top):
            files += [os.path.join(d, n) for n in names if n.endswith((".c", ".h"))]
    for f in sorted(files):
        m = module_of(f)
        if m is None:
            bad.append("%s: no module (add it to HEADER/LEVEL)" % f)
            continue
        for inc in INC.findall(open(f, encoding="utf-8").read()):
            target = inc if inc.startswith("kasan/") else os.path.join(os.path.dirname(f), inc)
            if inc.startswith("kasan/"):
                target = os.path.join("include", inc)
            edges.setdefault(f, []).append(os.path.normpath(target))
            tm = module_of(os.path.normpath(target))
            if tm is None:
                bad.append("%s: includes %s of no module" % (f, inc))
            elif tm != m and LEVEL[tm] >= LEVEL[m]:
                bad.append("%s (%s) includes %s (%s): not below it" % (f, m, inc, tm))
    # circles among files through includes
    state = {}

    def visit(f, stack):
        state[f] = 1
        for t in edges.get(f, []):
            if state.get(t) == 1:
                bad.append("circle: " + " -> ".join(stack[stack.index(t):] + [t]))
            elif t not in state:
                visit(t, stack + [t])
        state[f] = 2

    for f in sorted(edges):
        if f not in state:
            visit(f, [f])
    for b in bad:
        print(b)
    print("module_deps: %d files, %s" % (len(files), "%d problem(s)" % len(bad) if bad else "one way, no circles"))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
