#!/usr/bin/env python3
"""Independent reference implementation of SPEC section 1 (cross-check tool only).

Straightforward on purpose: exact arithmetic with Fraction, no floats, no rule files.

  spec_oracle.py --data DIR --month 2025-10               payments.csv (SPEC 4)
  spec_oracle.py --data DIR --month 2025-10 --rejections  rejections.csv (SPEC 4)
  spec_oracle.py --data DIR --month 2025-10 --summary     A / B / total of one month
  spec_oracle.py --data DIR --summary [--fy 2025]         FY table with budget figures

The `file` column of rejections is the path relative to DIR
(claims/YYYY-MM/children.csv); `line` is the 1-based physical line where the
record starts (header = line 1).  The Japanese reason text is this tool's own wording.
"""
import argparse
import calendar
import csv
import datetime as dt
import io
import os
import sys
from fractions import Fraction

BUDGET_LINE = 16_444_000  # R7-kasan, FY2025, shared by A and B

CARE_TYPES = {"suction", "tube_feeding", "urinary_catheter", "insulin", "oxygen",
              "tracheostomy", "ventilator", "other"}
HIGH_INTENSITY = {"ventilator", "tracheostomy"}
NURSE_QUALS = {"nurse", "assistant_nurse", "public_health_nurse", "midwife"}

REASONS = {
    "unknown_nursery": "施設番号が施設台帳にありません",
    "ward_run": "区立保育園は対象外です",
    "nursery_inactive": "当月に開設期間がありません",
    "no_care_type": "医療的ケアの種類が空欄です",
    "no_enrolled_day": "当月の在籍日がありません",
    "duplicate_child": "同一児童の在籍期間が重複しています",
    "ineligible_qualification": "対象資格（看護師・准看護師・保健師・助産師）ではありません",
    "no_eligible_child": "当月に対象となる医療的ケア児がいません",
}


def die(msg):
    print("spec_oracle: " + msg, file=sys.stderr)
    sys.exit(2)


def read_csv(path):
    """Rows as (start_line, {column: value}). UTF-8 (BOM optional) or CP932."""
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp932")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header = None
    out = []
    while True:
        start = reader.line_num + 1
        try:
            rec = next(reader)
        except StopIteration:
            break
        if not rec:
            continue
        if header is None:
            header = rec
            continue
        row = {name: (rec[i] if i < len(rec) else "") for i, name in enumerate(header)}
        out.append((start, row))
    return out


def date(s, where):
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        die(f"{where}: bad date {s!r}")


def yen(s, where, empty_ok=False):
    if s == "" and empty_ok:
        return 0
    if not s.isdigit():
        die(f"{where}: bad yen amount {s!r}")
    return int(s)


def load_nurseries(data):
    reg = {}
    path = os.path.join(data, "nurseries.csv")
    for line, r in read_csv(path):
        where = f"nurseries.csv:{line}"
        if r["kind"] not in ("private_licensed", "ward_run"):
            die(f"{where}: bad kind")
        reg[r["nursery_id"]] = {
            "kind": r["kind"],
            "from": date(r["active_from"], where),
            "to": date(r["active_to"], where) if r["active_to"] else None,
        }
    return reg


def month_bounds(month):
    y, m = map(int, month.split("-"))
    first = dt.date(y, m, 1)
    last = dt.date(y, m, calendar.monthrange(y, m)[1])
    return first, last


def nursery_reason(reg, nid, first, last):
    n = reg.get(nid)
    if n is None:
        return "unknown_nursery"
    if n["kind"] == "ward_run":
        return "ward_run"
    if n["from"] > last or (n["to"] is not None and n["to"] < first):
        return "nursery_inactive"
    return None


def compute(data, month):
    """Returns (payments {(nid, program): (version, amount)}, rejections list)."""
    reg = load_nurseries(data)
    first, last = month_bounds(month)
    days_in_month = (last - first).days + 1
    a_version = "2025-10" if first >= dt.date(2025, 10, 1) else "2025-04"
    mdir = os.path.join(data, "claims", month)
    rel_c = f"claims/{month}/children.csv"
    rel_n = f"claims/{month}/nurses.csv"
    rejections = []  # (file, line, nursery_id, ref, code)

    # ---- child lines: checks in SPEC 1.5 order up to no_enrolled_day
    passed = []  # dicts with line, nid, ref, lo, hi, days, high
    for line, r in read_csv(os.path.join(mdir, "children.csv")):
        nid, ref = r["nursery_id"], r["child_ref"]
        where = f"{rel_c}:{line}"
        care = [c for c in r["care_types"].split(";")] if r["care_types"] != "" else []
        for c in care:
            if c not in CARE_TYPES:
                die(f"{where}: unknown care type {c!r}")
        ef = date(r["enrolled_from"], where)
        et = date(r["enrolled_to"], where) if r["enrolled_to"] else None
        reason = nursery_reason(reg, nid, first, last)
        if reason is None and not care:
            reason = "no_care_type"
        if reason is None:
            n = reg[nid]
            lo = max(first, ef, n["from"])
            hi = last
            if et is not None:
                hi = min(hi, et)
            if n["to"] is not None:
                hi = min(hi, n["to"])
            if hi < lo:
                reason = "no_enrolled_day"
        if reason:
            rejections.append((rel_c, line, nid, ref, reason))
            continue
        passed.append({"line": line, "nid": nid, "ref": ref, "lo": lo, "hi": hi,
                       "days": (hi - lo).days + 1,
                       "high": any(c in HIGH_INTENSITY for c in care)})

    # ---- duplicate_child: overlap among passed lines of the same child_ref
    eligible = []
    for p in passed:
        dup = any(q is not p and q["ref"] == p["ref"]
                  and q["lo"] <= p["hi"] and p["lo"] <= q["hi"] for q in passed)
        if dup:
            rejections.append((rel_c, p["line"], p["nid"], p["ref"], "duplicate_child"))
        else:
            eligible.append(p)

    # ---- program A
    if a_version == "2025-04":
        unit, unit_high, multi = 50_000, 80_000, None
    else:
        unit, unit_high, multi = 55_000, 90_000, 30_000
    a_amount = {}
    children = {}  # nid -> set of distinct child_refs with an eligible child-month
    for p in eligible:
        u = unit_high if p["high"] else unit
        amt = int(Fraction(u * p["days"], days_in_month))  # round down (positive)
        a_amount[p["nid"]] = a_amount.get(p["nid"], 0) + amt
        children.setdefault(p["nid"], set()).add(p["ref"])
    if multi:
        for nid, refs in children.items():
            if len(refs) >= 3:
                a_amount[nid] += multi

    # ---- staff lines and program B
    staff = {}  # nid -> list of (standard, salary, other)
    for line, r in read_csv(os.path.join(mdir, "nurses.csv")):
        nid, ref = r["nursery_id"], r["staff_ref"]
        where = f"{rel_n}:{line}"
        emp = r["employment"]
        if emp not in ("full_time", "part_time"):
            die(f"{where}: bad employment {emp!r}")
        if emp == "part_time" and r["hours"] == "":
            die(f"{where}: part_time without hours")
        try:
            hours = Fraction(r["hours"]) if r["hours"] != "" else None
        except ValueError:
            die(f"{where}: bad hours {r['hours']!r}")
        if hours is not None and hours < 0:
            die(f"{where}: negative hours")
        salary = yen(r["salary_cost"], where)
        other = yen(r["other_income"], where, empty_ok=True)
        reason = nursery_reason(reg, nid, first, last)
        if reason is None and r["qualification"] not in NURSE_QUALS:
            reason = "ineligible_qualification"
        if reason is None and nid not in children:
            reason = "no_eligible_child"
        if reason:
            rejections.append((rel_n, line, nid, ref, reason))
            continue
        if emp == "full_time":
            std = 440_000
        else:
            std = min(int(hours * 2300), 440_000)
        staff.setdefault(nid, []).append((std, salary, other))

    b_amount = {}
    for nid, lines in staff.items():
        cap = 880_000 if len(children[nid]) >= 3 else 440_000
        kijun = min(sum(s for s, _, _ in lines), cap)
        jisshishutsu = sum(c for _, c, _ in lines)
        sashihiki = max(jisshishutsu - sum(o for _, _, o in lines), 0)
        b_amount[nid] = min(kijun, jisshishutsu, sashihiki) // 1000 * 1000

    payments = {}
    for nid, amt in a_amount.items():
        if amt > 0:
            payments[(nid, "acceptance_addon")] = (a_version, amt)
    for nid, amt in b_amount.items():
        if amt > 0:
            payments[(nid, "nurse_placement")] = ("2025-04", amt)
    return payments, rejections


def fy_months(fy):
    return [f"{fy}-{m:02d}" for m in range(4, 13)] + [f"{fy + 1}-{m:02d}" for m in range(1, 4)]


def totals(payments):
    a = sum(v for (n, p), (_, v) in payments.items() if p == "acceptance_addon")
    b = sum(v for (n, p), (_, v) in payments.items() if p == "nurse_placement")
    return a, b


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="fixtures/sample-ward")
    ap.add_argument("--month")
    ap.add_argument("--fy", type=int, default=2025)
    ap.add_argument("--rejections", action="store_true")
    ap.add_argument("--summary", action="store_true")
    args = ap.parse_args()
    w = csv.writer(sys.stdout, lineterminator="\n")

    if args.summary and not args.month:
        paid = 0
        months = fy_months(args.fy)
        print(f"budget line {BUDGET_LINE}")
        w.writerow(["month", "A", "B", "total", "cumulative", "forecast", "over_line"])
        for i, m in enumerate(months):
            a, b = totals(compute(args.data, m)[0])
            forecast = paid + (a + b) * (len(months) - i)
            paid += a + b
            w.writerow([m, a, b, a + b, paid, forecast,
                        "CUMULATIVE" if paid > BUDGET_LINE else
                        ("forecast" if forecast > BUDGET_LINE else "")])
        return
    if not args.month:
        ap.error("--month is required (or --summary for the whole fiscal year)")
    payments, rejections = compute(args.data, args.month)
    if args.summary:
        a, b = totals(payments)
        w.writerow(["month", "A", "B", "total"])
        w.writerow([args.month, a, b, a + b])
    elif args.rejections:
        w.writerow(["month", "file", "line", "nursery_id", "ref", "reason_code", "reason"])
        for f, line, nid, ref, code in sorted(rejections, key=lambda r: (r[0], r[1])):
            w.writerow([args.month, f, line, nid, ref, code, REASONS[code]])
    else:
        w.writerow(["month", "nursery_id", "program", "rule_version", "amount_yen"])
        for (nid, prog), (ver, amt) in sorted(payments.items()):
            w.writerow([args.month, nid, prog, ver, amt])


if __name__ == "__main__":
    main()
