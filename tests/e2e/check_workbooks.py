#!/usr/bin/python3
"""check_workbooks.py OUT_MONTH_DIR — checks a month's workbooks against its CSVs.

Reads OUT/YYYY-MM/{payments.csv, rejections.csv, payments.xlsx,
statements/*.xlsx} (openpyxl: Debian's python3-openpyxl) and checks:
  - payments.xlsx has the sheets 支払一覧 明細 不支給 予算 検証, their headers;
  - no cell anywhere is a formula (input text such as "=cmd|..." stays a
    string), and every cell formatted as an amount (#,##0) holds an integer;
  - 支払一覧: one row per paid nursery, per-program amounts and totals equal
    payments.csv exactly; 明細's nursery rows agree; 不支給 = rejections.csv;
    予算's row for the month holds the month's total;
  - each statement: its nursery's amounts, and nothing of another nursery
    (ids, names, child/staff refs, rejected lines).
Exit 0 when all hold, 1 with one line per problem otherwise.
"""
import collections
import csv
import os
import re
import sys

try:
    import openpyxl
except ImportError:  # pragma: no cover
    sys.exit("check_workbooks: needs openpyxl (apt-get install python3-openpyxl)")

SHEETS = ["支払一覧", "明細", "不支給", "予算", "検証"]
LIST_FIXED = ["施設番号", "施設名", "運営法人"]
BANK = ["金融機関", "支店", "種別", "口座番号", "口座名義"]
BANK_CODES = ["金融機関コード", "支店コード"]  # SPEC 7: blank where the registry has none
DETAIL_FIXED = ["区分", "施設番号", "施設名", "参照番号", "入力行", "制度", "規則版", "医療的ケア",
                "在籍日数", "月日数", "資格", "雇用形態", "勤務時間", "対象経費", "その他収入"]
REJ_HDR = ["入力ファイル", "行", "施設番号", "施設名", "参照番号", "請求書様式（シート!行）", "理由",
           "コード"]
GROUPED_INT = re.compile(r"^-?\d{1,3}(,\d{3})+(円)?$")

problems = []


def fail(msg):
    problems.append(msg)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def wareki_month(ym):
    """'2025-04' → '令和7年4月' (令和 from 2019-05)."""
    y, m = map(int, ym.split("-"))
    if (y, m) >= (2019, 5):
        n = y - 2018
        return f"令和{'元' if n == 1 else n}年{m}月"
    return f"平成{y - 1988}年{m}月"


def is_whole(v):
    return isinstance(v, int) or (isinstance(v, float) and v.is_integer())


def check_cells(wb, name):
    """No formulas; amount-formatted cells numeric and whole."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                where = f"{name}:{ws.title}!{c.coordinate}"
                if c.data_type == "f" or (isinstance(v, str) and c.data_type != "s"
                                          and v.startswith("=")):
                    fail(f"{where}: formula cell {v!r} (input text must stay a string)")
                if "#,##0" in (c.number_format or "") and not is_whole(v):
                    fail(f"{where}: amount cell holds {v!r}, not a whole number")
                if isinstance(v, str) and GROUPED_INT.match(v):
                    fail(f"{where}: amount written as text {v!r}")


def rows_of(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def cell_texts(ws):
    out = set()
    for row in ws.iter_rows(values_only=True):
        for v in row:
            if isinstance(v, str):
                out.add(v)
    return out


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check_workbooks.py OUT_MONTH_DIR")
    d = sys.argv[1]
    month = os.path.basename(os.path.normpath(d))
    for f in ("payments.csv", "rejections.csv", "payments.xlsx"):
        if not os.path.isfile(os.path.join(d, f)):
            fail(f"{d}: no {f}")
    if problems:
        return
    pay = read_csv(os.path.join(d, "payments.csv"))
    rej = read_csv(os.path.join(d, "rejections.csv"))
    amount = collections.defaultdict(int)          # (nursery, program) → yen
    by_nursery = collections.defaultdict(int)
    by_program = collections.defaultdict(int)
    for r in pay:
        a = int(r["amount_yen"])
        amount[(r["nursery_id"], r["program"])] += a
        by_nursery[r["nursery_id"]] += a
        by_program[r["program"]] += a
        if r["month"] != month:
            fail(f"payments.csv: month {r['month']} in {month}")
    grand = sum(by_nursery.values())

    path = os.path.join(d, "payments.xlsx")
    wb = openpyxl.load_workbook(path)
    if wb.sheetnames != SHEETS:
        fail(f"payments.xlsx: sheets {wb.sheetnames}, want {SHEETS}")
        return
    check_cells(wb, "payments.xlsx")

    # 検証: program ids ↔ titles (the 支払一覧 headers are titles).
    ver = rows_of(wb["検証"])
    keys = {r[0]: r[1] for r in ver if r and r[0]}
    if not keys.get("実行ID"):
        fail("検証: no 実行ID")
    if keys.get("区分") not in ("試算", "確定"):
        fail(f"検証: 区分 {keys.get('区分')!r}")
    # a draft says 試算 on every printed page of every sheet; a finalized month nowhere
    draft = keys.get("区分") == "試算"
    for ws in wb.worksheets:
        head = ws.oddHeader.right.text or ""
        if ("試算" in head) != draft:
            fail(f"payments.xlsx {ws.title}: page header {head!r} for a {keys.get('区分')} run")
        if ws.title == "明細" and ws.page_setup.paperSize not in (9, "9"):
            fail(f"明細: paper {ws.page_setup.paperSize!r}, want A4 (9)")
        if ws.title == "明細" and ws.page_setup.orientation != "landscape":
            fail(f"明細: orientation {ws.page_setup.orientation!r}, want landscape")
        # every sheet a person prints has a title naming the month (issue 22)
        if wareki_month(month) not in str(ws["A1"].value or ""):
            fail(f"payments.xlsx {ws.title}: title {ws['A1'].value!r} does not name "
                 f"{wareki_month(month)}")
    title_to_id, versions = {}, {}
    for i, r in enumerate(ver):
        if r[:3] == ["制度", "名称", "版"]:
            for rr in ver[i + 1:]:
                if not rr or not rr[0]:
                    break
                title_to_id[rr[1]] = rr[0]
                versions[rr[0]] = rr[2]
    sha = [r[1] for r in ver if r and isinstance(r[1], str) and re.fullmatch(r"[0-9a-f]{64}", r[1])]
    if len(sha) < 3:
        fail(f"検証: {len(sha)} SHA-256 values, want the rule files and 3 input files")
    for r in pay:
        if versions.get(r["program"]) not in (None, r["rule_version"]):
            fail(f"検証: {r['program']} version {versions.get(r['program'])} but payments.csv "
                 f"says {r['rule_version']}")

    # 支払一覧
    rows = rows_of(wb["支払一覧"])
    hdr = rows[1]
    if hdr[:3] != LIST_FIXED or "合計" not in hdr:
        fail(f"支払一覧: header {hdr}")
        return
    c_total = hdr.index("合計")
    if hdr[c_total + 1:c_total + 6] != BANK:
        fail(f"支払一覧: bank columns {hdr[c_total + 1:]}")
    if hdr[c_total + 6:c_total + 8] != BANK_CODES:
        fail(f"支払一覧: bank code columns {hdr[c_total + 6:]}")
    for r in rows[2:]:
        if r[0] and not str(r[0]).startswith("合計"):
            for v, width in zip(r[c_total + 6:c_total + 8], (4, 3)):
                if v not in (None, "") and not (isinstance(v, str) and len(v) == width
                                                and v.isdigit()):
                    fail(f"支払一覧: {r[0]}: bank/branch code {v!r} is not {width} digits")
    titles = hdr[3:c_total]
    prog_ids = []
    for t in titles:
        if t not in title_to_id:
            fail(f"支払一覧: program column {t!r} not in 検証's rules")
        prog_ids.append(title_to_id.get(t, t))
    data = [r for r in rows[2:] if r[0] and not str(r[0]).startswith("合計")]
    totals = [r for r in rows[2:] if r[0] and str(r[0]).startswith("合計")]
    names = {}
    seen = set()
    for r in data:
        nid = r[0]
        names[nid] = r[1]
        seen.add(nid)
        for j, p in enumerate(prog_ids):
            if r[3 + j] != amount.get((nid, p), 0):
                fail(f"支払一覧: {nid} {p} = {r[3 + j]}, payments.csv {amount.get((nid, p), 0)}")
        if r[c_total] != by_nursery.get(nid, 0):
            fail(f"支払一覧: {nid} 合計 {r[c_total]}, payments.csv {by_nursery.get(nid, 0)}")
    if seen != set(by_nursery):
        fail(f"支払一覧: nurseries {sorted(seen ^ set(by_nursery))} differ from payments.csv")
    if len(totals) != 1:
        fail(f"支払一覧: {len(totals)} totals rows")
    else:
        t = totals[0]
        for j, p in enumerate(prog_ids):
            if t[3 + j] != by_program.get(p, 0):
                fail(f"支払一覧: total {p} {t[3 + j]}, payments.csv {by_program.get(p, 0)}")
        if t[c_total] != grand:
            fail(f"支払一覧: grand total {t[c_total]}, payments.csv {grand}")
    if not wb["支払一覧"].auto_filter.ref:
        fail("支払一覧: no autofilter")
    if wb["支払一覧"].freeze_panes is None:
        fail("支払一覧: header not frozen")

    # 明細: under its title; nursery rows' 支給額 agree; programs by title
    # (never an identifier); refs per nursery for the statements.
    rows = rows_of(wb["明細"])
    hdr = rows[1]
    if hdr[:len(DETAIL_FIXED)] != DETAIL_FIXED or hdr[-1] != "支給額":
        fail(f"明細: header {hdr}")
    refs = collections.defaultdict(set)            # ref → nurseries
    detail_amount = collections.defaultdict(int)
    for r in rows[2:]:
        kind, nid, name, ref, title = r[0], r[1], r[2], r[3], r[5]
        prog = title_to_id.get(title, title) if title else title
        if title and title not in title_to_id:
            fail(f"明細: 制度 {title!r} is not a program title of 検証")
        names.setdefault(nid, name)
        if ref:
            refs[ref].add(nid)
        if kind == "施設":
            detail_amount[(nid, prog)] += r[-1] or 0
    for k, v in amount.items():
        if detail_amount.get(k, 0) != v:
            fail(f"明細: {k} 支給額 {detail_amount.get(k, 0)}, payments.csv {v}")

    # 不支給 = rejections.csv
    rows = rows_of(wb["不支給"])
    if rows[1][:8] != REJ_HDR:
        fail(f"不支給: header {rows[1]}")
    got = collections.Counter()
    for r in rows[2:]:
        if r[1] is None:
            continue
        got[(r[0], str(r[1]), r[2] or "", r[4] or "", r[7], r[6])] += 1
    want = collections.Counter((r["file"], r["line"], r["nursery_id"], r["ref"],
                                r["reason_code"], r["reason"]) for r in rej)
    if got != want:
        fail(f"不支給: differs from rejections.csv: {sorted((got - want).elements())[:3]} "
             f"{sorted((want - got).elements())[:3]}")

    # 予算: this month's row carries the total.
    rows = rows_of(wb["予算"])
    wm = wareki_month(month)
    mrow = [r for r in rows if r and r[0] == wm]
    if not mrow:
        fail(f"予算: no row for {wm}")
    else:
        hdr = next((r for r in rows if r and r[0] == "月"), None)
        if hdr and "合計" in hdr and mrow[0][hdr.index("合計")] != grand:
            fail(f"予算: {wm} 合計 {mrow[0][hdr.index('合計')]}, payments.csv {grand}")

    # Statements.
    sdir = os.path.join(d, "statements")
    stmts = sorted(f for f in os.listdir(sdir) if f.endswith(".xlsx")) if os.path.isdir(sdir) else []
    for nid in by_nursery:
        if f"{nid}.xlsx" not in stmts:
            fail(f"statements: none for paid nursery {nid}")
    rej_refs = collections.defaultdict(set)
    for r in rej:
        if r["ref"]:
            rej_refs[r["ref"]].add(r["nursery_id"])
    name_owner = collections.defaultdict(set)
    for k, v in names.items():
        if v:
            name_owner[v].add(k)
    for f in stmts:
        nid = f[:-5]
        swb = openpyxl.load_workbook(os.path.join(sdir, f))
        check_cells(swb, f"statements/{f}")
        ws = swb.worksheets[0]
        texts = cell_texts(ws)
        if f"施設番号 {nid}" not in texts:
            fail(f"statements/{f}: does not name 施設番号 {nid}")
        if names.get(nid) and f"{names[nid]}　様" not in texts:
            fail(f"statements/{f}: addressee {names[nid]}　様 missing")
        rows = rows_of(ws)
        paid = [r for r in rows if r and "支払金額" in r]
        if not paid or by_nursery.get(nid, 0) not in paid[0]:
            fail(f"statements/{f}: 支払金額 {paid[0] if paid else None}, "
                 f"payments.csv {by_nursery.get(nid, 0)}")
        for title, p in title_to_id.items():
            line = [r for r in rows if r and r[0] == title and any(is_whole(v) for v in r[1:])]
            if line and next(v for v in line[0][1:] if is_whole(v)) != amount.get((nid, p), 0):
                fail(f"statements/{f}: {title} differs from payments.csv "
                     f"{amount.get((nid, p), 0)}")
        # Everything shown is looked up, so the check costs the statement's
        # size, not the ward's.
        for t in texts:
            if t.startswith("施設番号 ") and t[5:] != nid:
                fail(f"statements/{f}: names nursery {t[5:]}")
            if t in names and t != nid:
                fail(f"statements/{f}: names nursery {t}")
            name = t[:-2] if t.endswith("　様") else t
            owners = name_owner.get(name, set())
            if owners and nid not in owners and name != names.get(nid):
                fail(f"statements/{f}: shows {sorted(owners)}'s name {name!r}")
            owners = refs.get(t, set()) | rej_refs.get(t, set())
            if owners and nid not in owners:
                fail(f"statements/{f}: shows {t} of {sorted(owners)}")
    print(f"check_workbooks: {month}: payments.xlsx and {len(stmts)} statements checked, "
          f"{len(problems)} problems")


if __name__ == "__main__":
    main()
    for p in problems:
        print(p, file=sys.stderr)
    sys.exit(1 if problems else 0)
