#!/bin/sh
# corrections.sh — a correction (修正, SPEC 6.1) that raises one nursery and
# lowers another, drops one to 0 and pays one newly: corrections.csv, the
# 修正差額 sheet, the statements, budget, replay, restore and audit export;
# then `kasan audit report` (the auditor's year) read back with openpyxl.
#
# Data: a copy of fixtures/sample-ward with May 2025 cut down to P002, P011,
# P023 and P031 (rules 2025-04: A 50,000 a month, high-intensity 80,000; B
# full-time 440,000, part-time hours × 2,300, cap 440,000 for 1–2 children,
# 880,000 for 3+; B = round_down(min(基準額, 実支出額, 差引額), 1000)).
#
# As first paid (May has 31 days; every child enrolled the whole month):
#   P002 A: C0001 50,000 + C0002 (tracheostomy) 80,000            = 130,000
#   P011 A: C0008, C0009, C0010 3 × 50,000                        = 150,000
#   P011 B: S0001 full-time 440,000 + S0002 72 h × 2,300 = 165,600 → 605,600
#           (cap 880,000: 3 children); 実支出額 386,000 + 133,200 = 519,200;
#           差引額 519,200 − 20,000 = 499,200 → B = 499,000
#           (S0003 childcare_worker is a rejected line)
#   P023 A: C0013 50,000; B: S0006 42 h × 2,300 = 96,600, 実支出額 92,400,
#           差引額 92,400 − 60,000 = 32,400 → B = 32,000
#   P031 A: C0015 50,000
#   total 130,000 + 150,000 + 499,000 + 50,000 + 32,000 + 50,000 = 911,000
# The correction (reason given below):
#   P023 gets child C0030 (suction, from 2025-05-01): A = 2 × 50,000 = 100,000
#        (+50,000; B unchanged 32,000: 2 children keep the 440,000 cap)
#   P011 loses staff line S0002: B 基準額 440,000, 実支出額 386,000, 差引額
#        366,000 → 366,000 (−133,000); A unchanged
#   P031's child line is withdrawn: A 0 (−50,000), no statement otherwise
#   P003 claims C0031 (insulin) from 2025-05-16: 16 days of 31,
#        round_down(50,000 × 16 / 31) = round_down(25,806.45…) = 25,806 (+25,806)
#   corrected total 911,000 + 50,000 − 133,000 − 50,000 + 25,806 = 803,806
. ./lib.sh

PY=/usr/bin/python3
SAMPLE="$SRCDIR/fixtures/sample-ward"
M=2025-05
KASAN_NOW=2025-06-10T09:00:00Z
export KASAN_NOW
DATA=$(new_data ward)
cp "$SAMPLE/nurseries.csv" "$DATA/"
mkdir -p "$DATA/claims/$M"
grep -E '^(nursery_id|P002|P011|P023|P031),' "$SAMPLE/claims/$M/children.csv" > "$DATA/claims/$M/children.csv"
grep -E '^(nursery_id|P002|P011|P023|P031),' "$SAMPLE/claims/$M/nurses.csv" > "$DATA/claims/$M/nurses.csv"
OUT=$(new_out out)
REASON='P023の児童の届出漏れ、P011の職員の重複届出、P031の届出取下げ、P003の届出遅れ'

section "first payment of $M"
kasan run --month $M --data "$DATA" --rules "$RULES" --out "$OUT" --finalize --actor tanaka
expect_rc 0 "finalize $M"
expect_eq "$(awk -F, 'NR > 1 { s += $5 } END { print s }' "$OUT/$M/payments.csv")" 911000 "first total"
[ ! -e "$OUT/$M/corrections.csv" ] && pass "no corrections.csv in a first finalization" ||
    fail "first finalization" "corrections.csv written"
cp "$OUT/$M/statements/P002.pdf" "$WORK/P002.first.pdf"
cp "$OUT/$M/statements/P011.pdf" "$WORK/P011.first.pdf"

section "the correction"
printf 'P023,C0030,suction,2025-05-01,\nP003,C0031,insulin,2025-05-16,\n' >> "$DATA/claims/$M/children.csv"
grep -v '^P031,' "$DATA/claims/$M/children.csv" > "$WORK/c" && mv "$WORK/c" "$DATA/claims/$M/children.csv"
grep -v '^P011,S0002,' "$DATA/claims/$M/nurses.csv" > "$WORK/n" && mv "$WORK/n" "$DATA/claims/$M/nurses.csv"
# a draft over a finalized month is refused, as before
kasan run --month $M --data "$DATA" --rules "$RULES" --out "$OUT"
expect_rc 3 "draft of a finalized month refused"
kasan run --month $M --data "$DATA" --rules "$RULES" --out "$OUT" --finalize --supersede \
    --reason "$REASON" --actor tanaka --issue-date 2025-06-20
expect_rc 0 "finalize --supersede"
expect_msg_contains "4 nursery-program rows changed, 追給 75,806 yen, 返還 183,000 yen, net -107,194 yen" \
    "run summary"
# corrections.csv: one row per nursery-program that changed, by nursery then
# program; May was never transferred, so nothing was (transferred_yen 0) and
# the whole corrected amount is owed (owed.sh has a transferred month)
cat > "$WORK/want.csv" <<'EOF'
month,nursery_id,program,paid_yen,corrected_yen,difference_yen,transferred_yen,owed_yen
2025-05,P003,acceptance_addon,0,25806,25806,0,25806
2025-05,P011,nurse_placement,499000,366000,-133000,0,366000
2025-05,P023,acceptance_addon,50000,100000,50000,0,100000
2025-05,P031,acceptance_addon,50000,0,-50000,0,0
EOF
expect_same_file "$OUT/$M/corrections.csv" "$WORK/want.csv" "corrections.csv rows"
expect_plain_csv "$OUT/$M/corrections.csv"
expect_eq "$(payment "$OUT" $M P011 nurse_placement)" 366000 "payments.csv keeps its format: P011 B"
expect_eq "$(payment "$OUT" $M P031 acceptance_addon)" "" "payments.csv: P031 no row"
cp "$OUT/$M/corrections.csv" "$WORK/corrections.first.csv"

section "workbooks read back"
$PY - "$OUT/$M" "$REASON" <<'PYEOF' && pass "修正差額 sheet and the statements" || fail "workbooks" "see above"
import sys, openpyxl
d, reason = sys.argv[1], sys.argv[2]
wb = openpyxl.load_workbook(d + "/payments.xlsx")
assert "修正差額" in wb.sheetnames, wb.sheetnames
ws = wb["修正差額"]
assert reason in ws["A2"].value, ws["A2"].value
hdr = [c.value for c in ws[4]]
assert hdr == ["施設番号", "施設名", "事業", "既支払額", "修正後", "差額", "追給/返還"], hdr
rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
want = [["P003", "ときわ台こども園", "医療的ケア児受入加算", 0, 25806, 25806, "追給"],
        ["P011", "中台わかば保育園", "看護師等配置補助", 499000, 366000, -133000, "返還"],
        ["P023", "弥生町ふたば保育園", "医療的ケア児受入加算", 50000, 100000, 50000, "追給"],
        ["P031", "四葉くろーばー保育園", "医療的ケア児受入加算", 50000, 0, -50000, "返還"]]
assert rows[:4] == want, rows[:4]
# totals: paid 0 + 499,000 + 50,000 + 50,000 = 599,000; corrected 25,806 +
# 366,000 + 100,000 + 0 = 491,806; difference −107,194; 追給 25,806 + 50,000 =
# 75,806; 返還 133,000 + 50,000 = 183,000
assert rows[4][0] == "合計" and rows[4][3:6] == [599000, 491806, -107194], rows[4]
assert rows[5][0] == "追給の計" and rows[5][5] == 75806, rows[5]
assert rows[6][0] == "返還の計" and rows[6][5] == 183000, rows[6]
assert ws.auto_filter.ref and ws.freeze_panes == "A5", (ws.auto_filter.ref, ws.freeze_panes)

def cells(path):
    ws = openpyxl.load_workbook(path).active
    return [[c.value for c in r] for r in ws.iter_rows()]

def find_row(rows, first):
    for r in rows:
        if r[0] == first:
            return r
    raise AssertionError("no row " + first)

def text(rows):
    return "\n".join(str(v) for r in rows for v in r if v is not None)

# P011 lowered: 既支払額 499,000, 修正後 366,000, 差額 −133,000 (返還)
s = cells(d + "/statements/P011-2.xlsx")
t = text(s)
assert "支払通知書（修正）" in t and "修正の内容" in t and "修正後の支払金額" in t, t[:400]
r = find_row(s, "看護師等配置補助")   # first: the summary (amount 366,000)
assert r[3] == 366000, r
rs = [x for x in s if x[0] == "看護師等配置補助" and x[4] is not None]
assert rs and rs[0][3:7] == [499000, 366000, -133000, "返還"], rs
# nothing of May transferred yet: the corrected amount is what is paid,
# A 150,000 + B 366,000 = 516,000 (issue 21 item 3)
assert "まだ振り込まれていないため、修正後の支払金額 516,000円を振り込みます" in t and reason in t, t
# P023 raised: 50,000 → 100,000, +50,000 (追給)
s = cells(d + "/statements/P023-2.xlsx")
t = text(s)
rs = [x for x in s if x[0] == "医療的ケア児受入加算" and x[4] is not None]
assert rs and rs[0][3:7] == [50000, 100000, 50000, "追給"], rs
# A 100,000 + B 32,000 = 132,000
assert "修正後の支払金額 132,000円を振り込みます" in t and "（修正）" in t, t
# P031 dropped to 0: still a statement, with the 返還
s = cells(d + "/statements/P031-2.xlsx")
t = text(s)
rs = [x for x in s if x[0] == "医療的ケア児受入加算" and x[4] is not None]
assert rs and rs[0][3:7] == [50000, 0, -50000, "返還"], rs
assert "まだ振り込まれていないため、振込も返還もありません" in t, t
# P002 unchanged: no new statement (issue 22); the one sent stays, without 修正
import os
t = text(cells(d + "/statements/P002.xlsx"))
assert "修正" not in t, "P002 says 修正"
assert not os.path.exists(d + "/statements/P002-2.xlsx"), "P002 reissued"
assert not os.path.exists(d + "/statements/P002-2.pdf"), "P002 reissued"
# the statements sent first stay as they were, beside the corrected ones
for i in ("P011", "P023", "P031"):
    assert "修正" not in text(cells(d + "/statements/%s.xlsx" % i)), i + " overwritten"
# 支払一覧 says 修正 and which run it replaces
t = text(cells(d + "/payments.xlsx"))
assert "令和7年5月分 支払一覧（修正） 第2回確定：第1回確定（2025-05-" in t, t[:300]
PYEOF
expect_same_file "$OUT/$M/statements/P002.pdf" "$WORK/P002.first.pdf" "P002's statement, unchanged"
expect_same_file "$OUT/$M/statements/P011.pdf" "$WORK/P011.first.pdf" "P011's first statement, kept"

section "文書番号: from the ledger, never given twice"
# first run: P002, P011, P023, P031 (id order) → 7板子保第1号 … 第4号; the
# correction reissues only the changed P003 (new), P011, P023, P031 →
# 第5号 … 第8号 (令和7年度: {y} = 7)
if command -v pdftotext >/dev/null; then
    docno() { pdftotext "$OUT/$M/statements/$1.pdf" - | grep -o '7板子保第[0-9]*号' | head -1; }
    expect_eq "$(docno P002)" "7板子保第1号" "P002's number"
    expect_eq "$(docno P011)" "7板子保第2号" "P011's first number"
    expect_eq "$(docno P031)" "7板子保第4号" "P031's first number"
    expect_eq "$(docno P003-2)" "7板子保第5号" "P003's (new) number"
    expect_eq "$(docno P011-2)" "7板子保第6号" "P011's corrected number"
    expect_eq "$(docno P031-2)" "7板子保第8号" "P031's corrected number"
fi
kasan audit export --out "$OUT"
# the supersede event records each number with the document's SHA-256
expect_msg_contains "\"documents\":[{\"file\":\"$M/statements/P003-2.pdf\",\"kind\":\"statement\",\"number\":5,\"nursery_id\":\"P003\",\"sha256\":\"$(sha256sum "$OUT/$M/statements/P003-2.pdf" | cut -c1-64)\"}" \
    "audit export: P003's number and SHA-256"
expect_msg_contains "\"number\":8,\"nursery_id\":\"P031\"" "audit export: P031's number"

section "budget counts the corrected total"
kasan budget --fy 2025 --data "$DATA" --rules "$RULES" --out "$OUT"
expect_rc 0 "kasan budget"
# 16,444,000 − 803,806 = 15,640,194 (the superseded 911,000 no longer counts)
expect_msg_contains "paid in FY2025: 803,806 yen, remaining 15,640,194 yen" "budget"

section "replay and restore"
kasan replay --month $M --out "$OUT"
expect_rc 0 "replay of the corrected month"
expect_msg_contains "replay $M: identical to what was paid" "replay"
expect_msg_contains "correction P031 acceptance_addon: paid 50,000, corrected 0, difference -50,000" "replay"
expect_msg_contains "4 corrections recorded, identical when recomputed" "replay"
rm -rf "$OUT/$M"
kasan restore --month $M --out "$OUT" --rules "$RULES"
expect_rc 0 "restore of the lost corrected month"
expect_same_file "$OUT/$M/corrections.csv" "$WORK/corrections.first.csv" "restore rebuilds corrections.csv"
$PY - "$OUT/$M" <<'PYEOF' && pass "restore rebuilds 修正差額 and the 修正 statements" || fail "restore" "see above"
import sys, openpyxl
d = sys.argv[1]
ws = openpyxl.load_workbook(d + "/payments.xlsx")["修正差額"]
assert [c.value for c in ws[8]][3:6] == [50000, 0, -50000], [c.value for c in ws[8]]
ws = openpyxl.load_workbook(d + "/statements/P031-2.xlsx").active
assert any("（修正）" in str(c.value) for r in ws.iter_rows() for c in r)
PYEOF
kasan audit export --out "$OUT"
expect_msg_contains '"corrections":[{"corrected_yen":25806,"difference_yen":25806,"nursery_id":"P003"' \
    "audit export"
kasan audit verify --out "$OUT"
expect_rc 0 "audit verify after the correction"

section "audit report: the auditor's year"
# a budget line of 900,000 (a copy of rules/): the first payment of 911,000
# is refused, paid with an override reason, then corrected to 803,806
R2="$WORK/rules2"
cp -r "$RULES" "$R2"
sed -i 's/^amount: 16444000/amount: 900000/' "$R2/budget/fy2025.yaml"
OUT2=$(new_out out2)
cp "$SAMPLE/nurseries.csv" "$WORK/d2.csv"
DATA2=$(new_data ward2)
cp "$SAMPLE/nurseries.csv" "$DATA2/"
mkdir -p "$DATA2/claims/$M"
grep -E '^(nursery_id|P002|P011|P023|P031),' "$SAMPLE/claims/$M/children.csv" > "$DATA2/claims/$M/children.csv"
grep -E '^(nursery_id|P002|P011|P023|P031),' "$SAMPLE/claims/$M/nurses.csv" > "$DATA2/claims/$M/nurses.csv"
kasan run --month $M --data "$DATA2" --rules "$R2" --out "$OUT2" --finalize --actor tanaka
expect_rc 3 "over the line: refused (event 1)"
kasan run --month $M --data "$DATA2" --rules "$R2" --out "$OUT2" --finalize --actor tanaka \
    --over-budget-reason '補正予算第1号'
expect_rc 0 "paid with an override (event 2)"
A2=$(printf '%s\n' "$OUT_TXT" | sed -n 's/.*anchor to keep with the payment approval: //p')
cp "$DATA/claims/$M/children.csv" "$DATA/claims/$M/nurses.csv" "$DATA2/claims/$M/"
kasan run --month $M --data "$DATA2" --rules "$R2" --out "$OUT2" --finalize --supersede \
    --reason "$REASON" --actor suzuki
# budget control counts the corrected total alone: 803,806 ≤ 900,000 needs no
# override (were the superseded 911,000 still counted, 1,714,806 would be over)
expect_rc 0 "corrected (event 3) within the line, no override needed"
A3=$(printf '%s\n' "$OUT_TXT" | sed -n 's/.*anchor to keep with the payment approval: //p')
kasan audit report --fy 2025 --out "$OUT2"
expect_rc 0 "audit report"
expect_msg_contains "3 events of FY2025, verification OK, 1 finalized months replayed (1 identical)" \
    "audit report"
$PY - "$OUT2/audit-2025.xlsx" "$A2" "$A3" "$REASON" <<'PYEOF' && pass "audit-2025.xlsx read back" || fail "audit-2025.xlsx" "see above"
import sys, openpyxl
path, a2, a3, reason = sys.argv[1:5]
wb = openpyxl.load_workbook(path)
assert wb.sheetnames == ["事象一覧", "事象の内容", "検証", "アンカー", "再計算", "決裁", "返還"], wb.sheetnames
ws = wb["事象一覧"]
assert ws.freeze_panes == "A5" and ws.auto_filter.ref.startswith("A4:"), ws.auto_filter.ref
assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize in (9, "9")
assert ws.print_title_rows in ("4:4", "$4:$4"), ws.print_title_rows
rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
assert [r[0] for r in rows] == [1, 2, 3], rows
kinds = [r[3] for r in rows]
assert kinds == ["確定の拒否\nrefuse", "確定\nfinalize", "修正（再確定）\nsupersede"], kinds
assert all(r[4] == "2025-05" for r in rows)
# 911,000 paid against the 900,000 line: 11,000 over, said in Japanese
assert rows[0][7] == ("拒否の理由：令和7年度の支払累計が911,000円となり、予算事業 R7-kasan の予算額"
                      "900,000円を11,000円超えるため（確定には補正予算・流用の理由が必要）"), rows[0][7]
assert rows[1][7] == "予算超過の理由：補正予算第1号", rows[1][7]
assert rows[1][6] == 911000 and rows[2][6] == 803806, (rows[1][6], rows[2][6])
assert rows[2][7] == "修正の理由：" + reason, rows[2][7]
d = rows[2][8].split("\n")
assert d == ["P003 acceptance_addon 0 → 25,806 差額 +25,806",
             "P011 nurse_placement 499,000 → 366,000 差額 △133,000",
             "P023 acceptance_addon 50,000 → 100,000 差額 +50,000",
             "P031 acceptance_addon 50,000 → 0 差額 △50,000"], d
ws = wb["検証"]
v = {r[0].value: r[1].value for r in ws.iter_rows(min_row=5) if r[0].value}
assert v["検証結果"].startswith("正常 OK"), v
assert v["検証した事象の数"] == 3, v
ws = wb["アンカー"]
anchors = [r[5].value for r in ws.iter_rows(min_row=5)]
assert anchors == [a2, a3], (anchors, a2, a3)
ws = wb["再計算"]
r = [c.value for c in ws[5]]
assert r[0] == "2025-05" and r[2] == "一致", r
assert "相違 0 件" in r[3] and "支払明細" in r[3], r[3]
ws = wb["事象の内容"]
keys = {(r[0].value, r[3].value): r[4].value for r in ws.iter_rows(min_row=5)}
assert keys[(3, "supersede.corrections[1].difference_yen")] == "-133000", keys
PYEOF
# kinds written by other commands, or later: a transfer event (SPEC 7, as the
# transfer command records it) and a kind no kasan knows yet, appended with
# their hashes like ledger_event_hash; the report shows both from their
# payloads alone
$PY - "$OUT2/ledger.sqlite" <<'PYEOF' && pass "events of other kinds appended" || fail "append events" "see above"
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
def append(action, payload):
    seq, prev = db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    seq += 1
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    ev = {"action": action, "actor": "suzuki", "payload": text, "prev_hash": prev, "seq": seq,
          "time": "2025-06-12T09:00:00Z"}
    h = hashlib.sha256(json.dumps(ev, sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False).encode()).hexdigest()
    db.execute("INSERT INTO events(seq, time, actor, action, payload, prev_hash, hash)"
               " VALUES (?,?,?,?,?,?,?)", (seq, ev["time"], "suzuki", action, text, prev, h))
append("transfer", {"count": 3, "file": "transfer-2025-05-2.txt", "month": "2025-05",
                    "settlement": None, "sha256": "ab" * 32, "total_yen": 75806})
append("notice_sent", {"month": "2025-05", "nursery_id": "P023", "reason": "郵送"})
append("notice_sent", {"month": "2024-05", "nursery_id": "P023"})  # FY2024: not in the report
db.commit()
PYEOF
kasan audit report --fy 2025 --out "$OUT2"
expect_rc 0 "audit report with events of other kinds"
$PY - "$OUT2/audit-2025.xlsx" <<'PYEOF' && pass "other kinds shown from their payloads" || fail "other kinds" "see above"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["事象一覧"]
rows = [[c.value for c in r] for r in ws.iter_rows(min_row=5)]
assert [r[0] for r in rows] == [1, 2, 3, 4, 5], [r[0] for r in rows]
t = rows[3]
assert t[3] == "振込ファイル\ntransfer" and t[4] == "2025-05" and t[6] == 75806, t
assert t[9] == "transfer-2025-05-2.txt" and t[10] == "ab" * 32, t
u = rows[4]
assert u[3] == "その他\nnotice_sent" and u[7] == "reason：郵送", u
PYEOF
# a tampered ledger: verification fails, and the report says so (exit 4)
sqlite3 "$OUT2/ledger.sqlite" "DROP TRIGGER payments_no_update; UPDATE payments SET amount_yen = 1 WHERE nursery_id = 'P002'" 2>/dev/null
kasan audit report --fy 2025 --out "$OUT2"
expect_rc 4 "audit report of a tampered ledger"
$PY - "$OUT2/audit-2025.xlsx" <<'PYEOF' && pass "tampering shown in 検証 and 再計算" || fail "tampered report" "see above"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
v = [[c.value for c in r] for r in wb["検証"].iter_rows(min_row=5)]
assert v[0][1].startswith("異常 FAILED"), v[0]
assert any(r[0] == "問題" and "payments of run" in r[1] for r in v), v
assert [c.value for c in wb["再計算"][5]][2] == "相違"
PYEOF
kasan audit report --out "$OUT2"
expect_rc 1 "audit report without --fy"
finish
