#!/usr/bin/env python3
"""fill_forms.py FORMS_DIR CLAIMS_DIR OUT_DIR — fills kasan claim forms from a
month's children.csv / nurses.csv the way a nursery would in Excel (openpyxl):
last month's prefilled lines are cleared, each CSV line becomes a form row.
Codes and Japanese names alternate (both must be accepted), as do dates as
date cells and as text, and amounts as numbers and as text.  Prints the ids
of CSV lines whose nursery has no form (a ward-run or unknown nursery)."""
import csv, datetime, os, sys
import openpyxl

forms_dir, claims_dir, out_dir = sys.argv[1:4]
FIRST, LAST = 6, 105


def columns(ws):
    """label → column index from header rows 4 (and 5 for the ○ columns)."""
    cols, sub = {}, {}
    for c in range(1, ws.max_column + 1):
        top, low = ws.cell(4, c).value, ws.cell(5, c).value
        if top:
            cols[top] = c
        if low:
            sub[low] = c
    return cols, sub


def lists(wb):
    """Japanese name → code, from the hidden lists sheet is not needed: the
    filler knows the terms' names."""
    return {}


CARE = {"suction": "喀痰吸引", "tube_feeding": "経管栄養", "urinary_catheter": "導尿",
        "insulin": "インスリン注射", "oxygen": "酸素療法", "tracheostomy": "気管切開部の管理",
        "ventilator": "人工呼吸器の管理", "other": "その他"}
QUAL = {"nurse": "看護師", "assistant_nurse": "准看護師", "public_health_nurse": "保健師",
        "midwife": "助産師", "childcare_worker": "保育士", "other": "その他"}
EMP = {"full_time": "常勤", "part_time": "非常勤"}
FULL = str.maketrans("0123456789,", "０１２３４５６７８９，")


def iso(s):
    return datetime.date.fromisoformat(s) if s else None


def read(name):
    with open(os.path.join(claims_dir, name), encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


children, staff = read("children.csv"), read("nurses.csv")
os.makedirs(out_dir, exist_ok=True)
used = set()
for fn in sorted(os.listdir(forms_dir)):
    wb = openpyxl.load_workbook(os.path.join(forms_dir, fn))
    wc, ws_ = wb["児童"], wb["職員"]
    nid = wc["B2"].value
    for ws in (wc, ws_):
        for r in range(FIRST, LAST + 1):
            for c in range(1, ws.max_column + 1):
                ws.cell(r, c).value = None
    cols, sub = columns(wc)
    r = FIRST
    for i, l in enumerate(x for x in children if x["nursery_id"] == nid):
        wc.cell(r, cols["児童番号"]).value = l["child_ref"]
        for code in filter(None, l["care_types"].split(";")):
            wc.cell(r, sub[CARE[code]]).value = "○"
        d_from, d_to = iso(l["enrolled_from"]), iso(l["enrolled_to"])
        # even lines: date cells; odd lines: text as typed; every third: 2023年4月1日 in
        # full-width digits (the IME on)
        wc.cell(r, cols["在籍開始日"]).value = d_from if i % 2 == 0 else d_from.strftime("%Y/%-m/%-d")
        if i % 3 == 2:
            wc.cell(r, cols["在籍開始日"]).value = d_from.strftime("%Y年%-m月%-d日").translate(FULL)
        if d_to:
            wc.cell(r, cols["在籍終了日"]).value = d_to if i % 2 == 0 else d_to.isoformat()
        r += 1
        used.add(("c", id(l)))
    cols, _ = columns(ws_)
    r = FIRST
    for i, l in enumerate(x for x in staff if x["nursery_id"] == nid):
        ws_.cell(r, cols["職員番号"]).value = l["staff_ref"]
        q, e = l["qualification"], l["employment"]
        ws_.cell(r, cols["資格"]).value = QUAL.get(q, q) if i % 2 == 0 else q
        ws_.cell(r, cols["雇用形態"]).value = EMP[e] if i % 2 == 0 else e
        if l["hours"]:
            h = l["hours"]
            ws_.cell(r, cols["勤務時間（月）"]).value = float(h) if "." in h else int(h)
        ws_.cell(r, cols["対象経費（円）"]).value = int(l["salary_cost"]) if i % 2 == 0 else \
            "{:,}円".format(int(l["salary_cost"])).translate(FULL)
        if l["other_income"]:
            ws_.cell(r, cols["寄付金その他の収入額（円）"]).value = int(l["other_income"])
        r += 1
        used.add(("s", id(l)))
    wb.save(os.path.join(out_dir, fn))
left = [l["nursery_id"] for l in children if ("c", id(l)) not in used] + \
       [l["nursery_id"] for l in staff if ("s", id(l)) not in used]
print(" ".join(sorted(set(left))))
