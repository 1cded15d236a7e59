#!/usr/bin/env bash
# decide.sh — `kasan decide --fy 2025` (the grant decision, 交付決定,
# docs/spec/12-grant-decision.md) end to end: usage; the worked example of
# tests/e2e/decide-data (three nurseries across the October amendment of
# Program A) with every figure worked out by hand; the sample ward's
# decision, hand-worked per nursery and cross-checked month by month against
# the independent oracle (tests/oracle/spec_oracle.py) run on the month
# views; broken applications (exit 2, file:line:col, nothing written, the
# previous outputs kept); the budget warnings; the workbooks read back.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export KASAN_NOW=2025-04-01T09:00:00Z
DATA=$SRCDIR/tests/e2e/decide-data
SAMPLE=$SRCDIR/fixtures/sample-ward

# row CSV NURSERY PROGRAM MONTH → decided_yen of that decisions.csv row
row() { awk -F, -v n="$2" -v p="$3" -v m="$4" '$2 == n && $3 == p && $4 == m { print $6 }' "$1"; }
# annual CSV NURSERY PROGRAM → the sum of its rows (its 交付決定額)
annual() { awk -F, -v n="$2" -v p="$3" '$2 == n && $3 == p { s += $6 } END { print s + 0 }' "$1"; }

section "usage"
kasan decide --help
expect_rc 0 "decide --help"
for o in --fy --issue-date --data --rules --out; do expect_msg_contains "$o" "decide --help"; done
kasan --help
expect_msg_contains "decide" "kasan --help"
U=$(new_out usage-out)
for args in "" "--fy" "--fy 25x" "--fy 2025 --issue-date 2025-02-30" "--fy 2025 2025" \
    "--fy 2025 --amend" "--fy 2025 --amend --nursery P101" "--fy 2025 --nursery P101" \
    "--fy 2025 --finalize --amend --nursery P101 --reason x" "--fy 2025 --operator op1"; do
    # shellcheck disable=SC2086
    kasan decide --data "$DATA" --rules "$RULES" --out "$U" $args
    expect_rc 1 "decide $args"
done
expect_nothing_written "$U"

section "the worked example: three nurseries across the October amendment"
O=$(new_out out)
kasan decide --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --issue-date 2025-04-01
expect_rc 0 "decide --fy 2025"
CSV=$O/decisions-2025/decisions.csv
expect_plain_csv "$CSV"
expect_line "$CSV" 1 "fiscal_year,nursery_id,program,month,rule_version,decided_yen"
# P101: K001 suction (standard), K002 ventilator (high).  September under
# A 2025-04: 50,000 + 80,000 = 130,000; October under 2025-10: 55,000 +
# 90,000 = 145,000 (2 children: no addition).  Year 6 × 130,000 + 6 ×
# 145,000 = 1,650,000.
expect_line "$CSV" 2 "2025,P101,acceptance_addon,2025-04,2025-04,130000"
expect_eq "$(row "$CSV" P101 acceptance_addon 2025-09)" 130000 "P101 A September"
expect_eq "$(awk -F, '$2 == "P101" && $4 == "2025-10" && $3 == "acceptance_addon" { print $5 }' "$CSV")" \
    2025-10 "P101 A October rule_version"
expect_eq "$(row "$CSV" P101 acceptance_addon 2025-10)" 145000 "P101 A October"
expect_eq "$(annual "$CSV" P101 acceptance_addon)" 1650000 "P101 A year"
# S001 full-time: min(440,000, 400,000, 400,000) = 400,000 × 12
expect_eq "$(annual "$CSV" P101 nurse_placement)" 4800000 "P101 B year"
# P102: October 55,000 + 55,000 + round_down(90,000 × 18/31 = 52,258.06)
# + 30,000 (three children) = 192,258; November 230,000; the year 6 ×
# 100,000 + 192,258 + 5 × 230,000 = 1,942,258
expect_eq "$(row "$CSV" P102 acceptance_addon 2025-10)" 192258 "P102 A October (K005 from the 14th)"
expect_eq "$(row "$CSV" P102 acceptance_addon 2025-11)" 230000 "P102 A November"
expect_eq "$(annual "$CSV" P102 acceptance_addon)" 1942258 "P102 A year"
# S002 planned October–March only: 100.5 h × 2,300 = 231,150; 240,000 −
# 10,000 = 230,000 → 230,000 × 6; no September row
expect_eq "$(row "$CSV" P102 nurse_placement 2025-09)" "" "P102 B September (not planned)"
expect_eq "$(annual "$CSV" P102 nurse_placement)" 1380000 "P102 B year"
# P103 opens 1 July: 3 × 50,000 + 6 × 55,000 = 480,000; S004 min(440,000,
# 450,000, 350,000) = 350,000 × 9 = 3,150,000
expect_eq "$(row "$CSV" P103 acceptance_addon 2025-06)" "" "P103 A June (not open)"
expect_eq "$(annual "$CSV" P103 acceptance_addon)" 480000 "P103 A year"
expect_eq "$(annual "$CSV" P103 nurse_placement)" 3150000 "P103 B year"
# 12 + 12 + 12 + 6 + 9 + 9 month rows
expect_eq "$(($(wc -l < "$CSV") - 1))" 60 "decisions.csv rows"
expect_eq "$(awk -F, 'NR > 1 { s += $6 } END { print s }' "$CSV")" 13402258 "decided total"
expect_msg_contains "decided total          13,402,258 yen" "summary"
expect_msg_contains "acceptance_addon        4,072,258 yen" "summary A"
expect_msg_contains "執行残 3,041,742" "summary budget (16,444,000 − 13,402,258)"
REJ=$O/decisions-2025/rejections.csv
expect_line "$REJ" 1 "month,file,line,nursery_id,ref,reason_code,reason"
expect_eq "$(($(wc -l < "$REJ") - 1))" 9 "rejected planned line-months (S003, July–March)"
expect_eq "$(sed -n 2p "$REJ" | cut -d, -f1-6)" \
    "2025-07,applications/2025/nurses.csv,4,P103,S003,ineligible_qualification" "first rejection"
for n in P101 P102 P103; do
    [ -f "$O/decisions-2025/notices/$n.xlsx" ] && pass "notice $n" || fail "notice $n" "missing"
done
[ -e "$O/decisions-2025/notices/W101.xlsx" ] && fail "no notice for W101" "present" || pass "no notice for W101 (no application)"

section "workbooks read back"
$PY - "$O/decisions-2025" <<'PYEOF' && pass "decisions.xlsx and notices read back" || fail "workbooks" "see above"
import sys, openpyxl
d = sys.argv[1]
bad = []
def check(cond, what):
    if not cond:
        bad.append(what)
wb = openpyxl.load_workbook(d + "/decisions.xlsx")
check(wb.sheetnames == ["交付決定一覧", "不支給", "予算", "検証"], "sheets %s" % wb.sheetnames)
ws = wb["交付決定一覧"]
rows = list(ws.iter_rows(values_only=True))
body = [r for r in rows if r[0] in ("P101", "P102", "P103")]
check(len(body) == 6, "6 nursery × program rows")
p102a = [r for r in body if r[0] == "P102" and r[2] == "医療的ケア児受入加算"][0]
check(p102a[3:15] == (100000,) * 6 + (192258,) + (230000,) * 5, "P102 A months %s" % (p102a[3:15],))
check(p102a[15] == 1942258, "P102 A year")
total = [r for r in rows if r[0] == "合計"][0]
check(total[15] == 13402258, "合計 %s" % (total[15],))
check(total[3] == 630000 and total[9] == 1372258, "month totals April/October")
b = {r[0]: r[1] for r in wb["予算"].iter_rows(values_only=True) if r[0]}
check(b.get("予算現額") == 16444000 and b.get("交付決定額（負担行為額）") == 13402258, "予算 %s" % b)
check(b.get("執行残（予算現額 − 負担行為額）") == 3041742, "執行残")
for n, amount in (("P101", 6450000), ("P102", 3322258), ("P103", 3630000)):
    nb = openpyxl.load_workbook("%s/notices/%s.xlsx" % (d, n))
    ws = nb.active
    check(ws.title == "交付決定通知書", n + " sheet title")
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    texts = [str(c.value) for c in cells]
    check(any("令和7年度" in t and "交付決定通知書" in t for t in texts), n + " title")
    check("令和7年4月1日" in texts, n + " 通知日 in 和暦")
    big = [c for c in cells if c.value == amount]
    check(big and all(c.number_format == '#,##0"円"' for c in big), n + " 交付決定額 %d formatted" % amount)
    check(any("令和7年10月分から令和8年3月分まで2025-10版" in t for t in texts) or n == "P999",
          n + " rule versions in words")
    check(any(t.startswith("根拠（2025-10版）：") for t in texts), n + " basis of 2025-10")
    # no formula text and nothing Excel would evaluate
    check(not any(w in t for t in texts for w in ("round_down", "sum(", "min(", "formula")),
          n + " has formula text")
    check(not any(c.data_type == "f" for c in cells), n + " has an Excel formula")
    others = {"P101", "P102", "P103"} - {n}
    check(not any(o in t for t in texts for o in others), n + " names another nursery")
n3 = [str(c.value) for row in openpyxl.load_workbook(d + "/notices/P103.xlsx").active.iter_rows()
      for c in row if c.value is not None]
check("7月～3月" in n3 and "保育士" in n3, "P103 rejected S003 (保育士) in 7月～3月")
check("インスリン注射" in n3, "P103 care type by its Japanese name")
for b in bad:
    print("  not ok:", b)
sys.exit(1 if bad else 0)
PYEOF

section "the sample ward (fixtures/sample-ward/README.md, hand-worked)"
S=$(new_out sample)
kasan decide --fy 2025 --out "$S" --rules "$RULES" --data "$SAMPLE" --quiet
expect_rc 0 "sample ward decide"
SC=$S/decisions-2025/decisions.csv
# A: the planned children; P002 applied for C0001 (standard) and C0002
# (high) only: 6 × 130,000 + 6 × 145,000 = 1,650,000, against 2,160,000 it
# will be paid with C0003 from October
expect_eq "$(annual "$SC" P002 acceptance_addon)" 1650000 "P002 A (without C0003)"
# P011 A: April 50,000 + 50,000 + round_down(50,000 × 17/30 = 28,333.3);
# May–Sep 150,000; Oct–Mar 3 × 55,000 + 30,000 = 195,000:
# 128,333 + 5 × 150,000 + 6 × 195,000 = 2,048,333
expect_eq "$(annual "$SC" P011 acceptance_addon)" 2048333 "P011 A"
# P011 B: Apr–Dec 基準額 440,000 + 72 × 2,300 = 605,600, 実支出額 384,000 +
# 133,200 = 517,200, 差引額 497,200 → 497,000 × 9; Jan–Mar 384,000 −
# 20,000 = 364,000 × 3: 4,473,000 + 1,092,000 = 5,565,000
expect_eq "$(annual "$SC" P011 nurse_placement)" 5565000 "P011 B"
# P020 B: 40 h × 2,300 = 92,000 < 98,000 → 92,000 × 4 (Dec–Mar)
expect_eq "$(annual "$SC" P020 nurse_placement)" 368000 "P020 B"
# P023 B: 88,000 − 60,000 = 28,000 × 6 (Apr–Sep)
expect_eq "$(annual "$SC" P023 nurse_placement)" 168000 "P023 B"
# P040 B: 356,000 − 300,000 = 56,000 × 6 (Oct–Mar)
expect_eq "$(annual "$SC" P040 nurse_placement)" 336000 "P040 B"
# P027: August round_down(50,000 × 14/31 = 22,580.6) + September 50,000 +
# 6 × 55,000 = 402,580; P041: January round_down(55,000 × 16/31 = 28,387.1)
# + 2 × 55,000 = 138,387
expect_eq "$(annual "$SC" P027 acceptance_addon)" 402580 "P027 A"
expect_eq "$(annual "$SC" P041 acceptance_addon)" 138387 "P041 A"
# A 9,929,077 + B 6,437,000 (README's table) = 16,366,077 ≤ 16,444,000
expect_eq "$(awk -F, '$3 == "acceptance_addon" { s += $6 } END { print s }' "$SC")" 9929077 "sample A"
expect_eq "$(awk -F, '$3 == "nurse_placement" { s += $6 } END { print s }' "$SC")" 6437000 "sample B"
expect_msg_contains "decided total          16,366,077 yen" "sample summary"
expect_msg_contains "執行残 77,923" "sample budget"
expect_eq "$(tail -n +2 "$S/decisions-2025/rejections.csv" | cut -d, -f1,3,5,6 | tr '\n' ' ')" \
    "2025-04,4,S0003,ineligible_qualification 2025-05,4,S0003,ineligible_qualification 2025-06,4,S0003,ineligible_qualification " \
    "sample rejections (P011's childcare worker)"
expect_eq "$(ls "$S/decisions-2025/notices" | grep -c "\.xlsx$")" 17 "sample notices (xlsx, the section's)"
expect_eq "$(ls "$S/decisions-2025/notices" | grep -c "\.pdf$")" 17 "sample notices (PDF, as sent)"

section "the sample ward month by month against the independent oracle"
$PY - "$SAMPLE" "$SRCDIR/tests/oracle/spec_oracle.py" "$SC" "$WORK/oracle" <<'PYEOF' && pass "oracle agrees on every month" || fail "oracle" "see above"
# The month views built independently (a child whose planned enrolment has a
# day in the month, a staff line whose planned_months name it), written as
# claim files, computed by the oracle and compared with decisions.csv.
import csv, datetime as dt, os, subprocess, sys
sample, oracle, dec_csv, work = sys.argv[1:]
months = ["2025-%02d" % m for m in range(4, 13)] + ["2026-%02d" % m for m in range(1, 4)]
def read(p):
    with open(p, encoding="utf-8") as f:
        return list(csv.DictReader(f))
kids = read(sample + "/applications/2025/children.csv")
staff = read(sample + "/applications/2025/nurses.csv")
def planned(spec):
    out = set()
    for item in spec.split(";"):
        a, _, b = item.partition("..")
        b = b or a
        y, m = map(int, a.split("-"))
        while (y, m) <= tuple(map(int, b.split("-"))):
            out.add("%04d-%02d" % (y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out
want = {}
for r in read(dec_csv):
    want[(r["month"], r["nursery_id"], r["program"])] = int(r["decided_yen"])
got = {}
os.makedirs(work + "/claims", exist_ok=True)
os.symlink(sample + "/nurseries.csv", work + "/nurseries.csv")
for m in months:
    y, mo = map(int, m.split("-"))
    first = dt.date(y, mo, 1)
    last = (dt.date(y + mo // 12, mo % 12 + 1, 1) - dt.timedelta(days=1))
    d = work + "/claims/" + m
    os.makedirs(d)
    with open(d + "/children.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["nursery_id", "child_ref", "care_types", "enrolled_from", "enrolled_to"])
        for k in kids:
            to = k["enrolled_to"] or "9999-12-31"
            if k["enrolled_from"] <= last.isoformat() and to >= first.isoformat():
                w.writerow([k[c] for c in ("nursery_id", "child_ref", "care_types",
                                           "enrolled_from", "enrolled_to")])
    with open(d + "/nurses.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        cols = ["nursery_id", "staff_ref", "qualification", "employment", "hours",
                "salary_cost", "other_income"]
        w.writerow(cols)
        for s in staff:
            if m in planned(s["planned_months"]):
                w.writerow([s[c] for c in cols])
    out = subprocess.run([sys.executable, oracle, "--data", work, "--month", m],
                         check=True, capture_output=True, text=True).stdout
    for r in csv.DictReader(out.splitlines()):
        got[(r["month"], r["nursery_id"], r["program"])] = int(r["amount_yen"])
diff = {k: (want.get(k), got.get(k)) for k in set(want) | set(got) if want.get(k) != got.get(k)}
for k, v in sorted(diff.items()):
    print("  not ok: %s kasan %s oracle %s" % (k, v[0], v[1]))
print("  %d month rows compared" % len(want))
sys.exit(1 if diff or not want else 0)
PYEOF

section "broken applications: exit 2, file:line:col, nothing written"
B=$(new_data bad)
cp "$DATA/nurseries.csv" "$B/"
mkdir -p "$B/applications/2025"
cp "$DATA/applications/2025/nurses.csv" "$B/applications/2025/"
raw_file "$B/applications/2025/children.csv" <<'CSV'
nursery_id,child_ref,care_types,enrolled_from,enrolled_to
P101,K001,suction,2024-04-01,
P109,K002,suction,2024-04-01,
P103,K003,suction,2025-04-01,2025-06-30
P101,K004,suction,2026-04-01,
P101,K005,gills,2025-04-01,
CSV
BO=$(new_out bad-out)
kasan decide --fy 2025 --data "$B" --rules "$RULES" --out "$BO"
expect_rc 2 "broken children.csv"
expect_msg_contains "applications/2025/children.csv:6:3: error: column 'care_types': unknown care type 'gills'" "claim check"
expect_nothing_written "$BO"
# the claim parse stops the file first; once it parses, the plan's own checks
sed -i 's/gills/oxygen/' "$B/applications/2025/children.csv"
kasan decide --fy 2025 --data "$B" --rules "$RULES" --out "$BO"
expect_rc 2 "unknown and closed nurseries, enrolment outside the year"
expect_msg_contains "applications/2025/children.csv:3:1: error: column 'nursery_id': unknown nursery 'P109' (not in nurseries.csv)" "unknown nursery"
expect_msg_contains "applications/2025/children.csv:4:1: error: column 'nursery_id': nursery P103 is not active on any day this line is planned for (2025-04-01 to 2025-06-30; active 2025-07-01 to (open))" "closed nursery"
expect_msg_contains "applications/2025/children.csv:5:4: error: column 'enrolled_from': the planned enrolment 2026-04-01 to (open) has no day in FY2025" "enrolment outside FY"
expect_msg_contains "3 problems in the applications of FY2025; nothing was written" "summary line"
expect_nothing_written "$BO"
cp "$DATA/applications/2025/children.csv" "$B/applications/2025/"
raw_file "$B/applications/2025/nurses.csv" <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income,planned_months
P101,S001,nurse,full_time,,400000,,2025-04..2026-04
P102,S002,nurse,full_time,,400000,,2025-4
CSV
kasan decide --fy 2025 --data "$B" --rules "$RULES" --out "$BO"
expect_rc 2 "planned months outside the year"
expect_msg_contains "applications/2025/nurses.csv:2:8: error: column 'planned_months': '2025-04..2026-04' is not in FY2025 (2025-04..2026-03)" "month outside FY"
expect_msg_contains "applications/2025/nurses.csv:3:8: error: column 'planned_months': '2025-4' is not a month YYYY-MM or a range YYYY-MM..YYYY-MM" "malformed month"
expect_nothing_written "$BO"
rm "$B/applications/2025/nurses.csv"
kasan decide --fy 2025 --data "$B" --rules "$RULES" --out "$BO"
expect_rc 2 "no nurses.csv"
expect_msg_contains "applications/2025/nurses.csv: error: cannot read input file" "missing file"
expect_msg_contains "the grant applications (交付申請) of FY2025" "missing file hint"
expect_nothing_written "$BO"
kasan decide --fy 2026 --data "$DATA" --rules "$RULES" --out "$BO"
expect_rc 2 "no applications for FY2026"
expect_nothing_written "$BO"

section "a failed decision keeps the previous outputs"
cp -r "$O/decisions-2025" "$WORK/before"
cp "$DATA/applications/2025/nurses.csv" "$B/applications/2025/"
printf 'P101,K009,suction,2025-13-01,\n' >> "$B/applications/2025/children.csv"
kasan decide --fy 2025 --data "$B" --rules "$RULES" --out "$O" --issue-date 2025-04-01
expect_rc 2 "malformed date"
expect_msg_contains "applications/2025/children.csv:8:4:" "malformed date's line:col"
expect_same_file "$WORK/before/decisions.csv" "$O/decisions-2025/decisions.csv" "decisions.csv kept"
expect_eq "$(ls -A "$O" | tr '\n' ' ')" "decisions-2025 " "no staging left"

section "a nursery whose every planned line is rejected: 不交付決定通知書"
W=$(new_data ward)
cp -r "$DATA/." "$W/"
printf 'W101,K009,suction,2025-04-01,\n' >> "$W/applications/2025/children.csv"
WO=$(new_out ward-out)
kasan decide --fy 2025 --data "$W" --rules "$RULES" --out "$WO" --quiet
expect_rc 0 "a ward-run nursery applies"
# its 12 months rejected as ward_run, nothing decided: the total is unchanged
expect_eq "$(grep -c ',W101,K009,ward_run,' "$WO/decisions-2025/rejections.csv")" 12 "W101 rejected each month"
expect_msg_contains "decided total          13,402,258 yen" "total unchanged"
expect_msg_contains "4 nurseries (3 decided)" "count"
$PY - "$WO/decisions-2025/notices/W101.xlsx" <<'PYEOF' && pass "W101 gets a 不交付決定通知書" || fail "不交付決定通知書" "see above"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).active
texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
ok = ws.title == "不交付決定通知書" and any("不交付決定通知書" in t for t in texts) \
    and any("交付しないことに決定" in t for t in texts) and any("4月～3月" == t for t in texts) \
    and any("区立保育園は対象外" in t for t in texts) and 0 in [c.value for row in ws.iter_rows() for c in row]
print("  texts:", [t for t in texts if "通知書" in t or "対象外" in t][:4])
sys.exit(0 if ok else 1)
PYEOF

section "budget warnings"
R=$WORK/rules-over
cp -r "$RULES" "$R"
sed -i 's/^amount: 16444000/amount: 13000000/' "$R/budget/fy2025.yaml"
kasan decide --fy 2025 --data "$DATA" --rules "$R" --out "$(new_out over)"
expect_rc 0 "over the 予算現額 (a draft)"
# 13,000,000 − 13,402,258 = −402,258
expect_msg_contains "執行残 -402,258  OVER the 予算現額" "over the line"
grep -q '^grant_decision: none' "$R/budget/fy2025.yaml" ||
    printf 'grant_decision: none\n' >> "$R/budget/fy2025.yaml"
kasan decide --fy 2025 --data "$DATA" --rules "$R" --out "$(new_out none)"
expect_rc 0 "grant_decision: none (a draft)"
expect_msg_contains "says grant_decision: none" "grant_decision warning"
rm "$R/budget/fy2025.yaml"
kasan decide --fy 2025 --data "$DATA" --rules "$R" --out "$(new_out noline)"
expect_rc 0 "no budget line (a draft)"
expect_msg_contains "no budget line covers FY2025" "no line warning"

finish
