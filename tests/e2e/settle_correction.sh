#!/usr/bin/env bash
# settle_correction.sh — a corrected settlement (settle --finalize --supersede,
# SPEC 6.1/6.2) counts what the settlement it supersedes already decided: on
# tests/e2e/settle-data the first settlement decides P001 返還 180,000 and P002
# 追加交付 1,000 (transferred); the correction raises P002 and lowers P001, and
# its rows, ledger event, workbooks, notices, budget, transfer file and replay
# show the increments.  Values by hand in the comments.
. "$(dirname "$0")/lib.sh"
READ="python3 $SRCDIR/tests/e2e/zengin_read.py"
PY=/usr/bin/python3
export KASAN_ACTOR=tester KASAN_NOW=2026-06-10T09:00:00Z
DATA=$SRCDIR/tests/e2e/settle-data
MONTHS="2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03"

field() { $READ "$1" 2>/dev/null | sed -n "s/^$2\\.$3=//p"; }
row() { # CSV NURSERY → "annual,paid,difference" of its nurse_placement row
    awk -F, -v n="$2" '$2 == n && $3 == "nurse_placement" { print $5 "," $6 "," $7 }' "$1"
}
finalize_months() { # DATA OUT MONTHS...
    _d=$1 _o=$2
    shift 2
    for _m in "$@"; do
        "$KASAN" run --month "$_m" --data "$_d" --rules "$RULES" --out "$_o" --no-workbooks \
            --quiet --finalize >/dev/null 2>&1 || fail "finalize $_m" "exit $?"
    done
}
# corrected_data DIR — settle-data with P002's March nurse at 101.1 h and
# P001's other_income 300,000.
corrected_data() {
    cp -R "$DATA/." "$1/"
    sed -i 's/^P002,S0002,nurse,part_time,100.5,/P002,S0002,nurse,part_time,101.1,/' \
        "$1/claims/2026-03/nurses.csv"
    sed -i 's/^P001,nurse_placement,5300000,200000/P001,nurse_placement,5300000,300000/' \
        "$1/settlement/2025/actuals.csv"
}

section "the first settlement, transferred"
O=$(new_out out)
# # # # settle.sh works these out: P001 annual 5,100,000, paid 5,280,000 →
# 返還 180,000; P002 annual 2,773,000, paid 2,772,000 → 追加交付 1,000.
# shellcheck disable=SC2086
finalize_months "$DATA" "$O" $MONTHS
kasan settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --finalize --issue-date 2026-06-10
expect_rc 0 "first settlement"
expect_eq "$(row "$O/settlement-2025/settlement.csv" P002)" "2773000,2772000,1000" "P002 first"
kasan transfer --settlement 2025 --date 2026-06-30 --out "$O" --rules "$RULES"
expect_rc 0 "first settlement transferred"
expect_eq "$(field "$O/settlement-2025/transfer-settlement-2025.txt" 3 total)" "000000001000" "1,000 transferred"
cp "$O/settlement-2025/notices/P001.pdf" "$WORK/P001.first.pdf"

section "March corrected: P002's nurse 101.1 h (pays the same)"
D2=$(new_data data-corrected)
corrected_data "$D2"
export KASAN_NOW=2026-07-01T09:00:00Z
# March 基準額 round_down(101.1 × 2,300) = 232,530; min(232,530, 231,500,
# 231,500) → round_down 231,000: the month pays what it paid.
"$KASAN" run --month 2026-03 --data "$D2" --rules "$RULES" --out "$O" --no-workbooks --quiet \
    --finalize --supersede --reason "勤務時間の訂正" --after-settlement-reason "精算も修正する" >/dev/null 2>&1
expect_rc 0 "March corrected"

section "the corrected settlement"
kasan settle --fy 2025 --data "$D2" --rules "$RULES" --out "$O" --finalize --supersede \
    --reason "実績報告の訂正" --issue-date 2026-07-01
expect_rc 0 "settlement corrected"
CSV=$O/settlement-2025/settlement.csv
# P001: 差引額 5,300,000 − 300,000 = 5,000,000 < 基準額 5,280,000 → annual
# 5,000,000; paid = months 5,280,000 + decided −180,000 = 5,100,000 →
# −100,000 (返還 100,000 more; main's code said −280,000).
expect_line "$CSV" 2 "2025,P001,nurse_placement,2025-04,5000000,5100000,-100000"
# P002: 基準額 11 × 231,150 + 232,530 = 2,775,180; annual round_down(min(
# 2,775,180, 2,778,000, 2,778,000), 1000) = 2,775,000; paid = months
# 2,772,000 + decided 1,000 = 2,773,000 → +2,000 (main's code said +3,000).
expect_line "$CSV" 3 "2025,P002,nurse_placement,2025-04,2775000,2773000,2000"
expect_msg_contains "total 追加交付 2,000 yen, 返還 100,000 yen" "summary of the increments"
# the ledger: increments, and per row what was decided before
q() { sqlite3 "$O/ledger.sqlite" "$1"; }
SUP="FROM events WHERE action = 'settle_supersede'"
expect_eq "$(q "SELECT json_extract(payload, '\$.additional_yen') || '/' || json_extract(payload, '\$.repayment_yen') || '/' || json_extract(payload, '\$.fy_additional_yen') $SUP")" \
    "2000/100000/3000" "event: 追加交付 2,000, 返還 100,000; the year's 追加交付 1,000 + 2,000"
expect_eq "$(q "SELECT group_concat(json_extract(j.value, '\$.nursery_id') || ':' || json_extract(j.value, '\$.superseded_annual_yen') || ':' || json_extract(j.value, '\$.superseded_difference_yen') || ':' || json_extract(j.value, '\$.settled_before_yen'), ' ') FROM events e, json_each(e.payload, '\$.rows') j WHERE e.action = 'settle_supersede'")" \
    "P001:5100000:-180000:-180000 P002:2773000:1000:1000" "event rows: superseded annual and difference"
kasan audit verify --out "$O"
expect_rc 0 "audit verify"

section "settlement.xlsx 修正差額 and the notices"
$PY - "$O/settlement-2025" <<'PYEOF' && pass "修正差額 and 修正 notices read back" || fail "workbooks" "see above"
import sys, openpyxl
d = sys.argv[1]
wb = openpyxl.load_workbook(d + "/settlement.xlsx")
assert wb.sheetnames == ["精算一覧", "修正差額", "検証"], wb.sheetnames
rows = [[c.value for c in r] for r in wb["精算一覧"].iter_rows()]
head = next(r for r in rows if r and r[0] == "施設番号")
assert head[-3] == "既交付額（概算払＋既確定の精算）", head
by_id = {r[0]: r for r in rows if r and r[0] in ("P001", "P002", "合計")}
# annual, paid, 追加交付, 返還 as settlement.csv
assert by_id["P001"][-4:] == [5000000, 5100000, 0, 100000], by_id["P001"]
assert by_id["P002"][-4:] == [2775000, 2773000, 2000, 0], by_id["P002"]
ws = wb["修正差額"]
rows = [[c.value for c in r] for r in ws.iter_rows()]
assert rows[1][0] == "修正の理由：実績報告の訂正", rows[1]
by_id = {r[0]: r for r in rows if r and r[0] in ("P001", "P002", "合計")}
# 既確定額, 既確定の追加交付・返還, 修正後, 差額, 追加交付額, 返還額
assert by_id["P001"][3:] == [5100000, -180000, 5000000, -100000, 0, 100000], by_id["P001"]
assert by_id["P002"][3:] == [2773000, 1000, 2775000, 2000, 2000, 0], by_id["P002"]
assert by_id["合計"][7:] == [2000, 100000], by_id["合計"]
for nid, before, after, kind, diff in (("P001", 5100000, 5000000, "差額（返還）", 100000),
                                       ("P002", 2773000, 2775000, "差額（追加交付）", 2000)):
    ws = openpyxl.load_workbook(d + "/notices/%s-2.xlsx" % nid).worksheets[0]
    cells = [[c.value for c in r] for r in ws.iter_rows()]
    text = [v for r in cells for v in r if isinstance(v, str)]
    assert any("交付額確定通知書（修正）" in t for t in text), nid + " title"
    def value_of(label):
        r = next(r for r in cells if r[0] == label)
        return r[3]
    assert value_of("既確定の交付額") == before, nid
    assert value_of("修正後の交付額") == after, nid
    assert value_of(kind) == diff, nid
    assert "修正の理由：実績報告の訂正" in text, nid
# P002's months: 概算払 2,772,000 + 既確定の追加交付 1,000 = 既交付額 2,773,000
ws = openpyxl.load_workbook(d + "/notices/P002-2.xlsx").worksheets[0]
cells = [[c.value for c in r] for r in ws.iter_rows()]
lab = {r[0]: r[4] for r in cells if isinstance(r[0], str)}
assert lab["概算払（合計）"] == 2772000 and lab["既確定の追加交付額"] == 1000, lab
assert lab["既交付額（合計）"] == 2773000, lab
PYEOF
# issue 22: the correction's notices under new names beside the ones sent
# first (kept as they were); 文書番号 from the ledger: the first settlement's
# P001, P002 → 7板子保第1号, 第2号 (the months were finalized without
# documents), the correction's → 第3号, 第4号 (令和7年度)
expect_same_file "$WORK/P001.first.pdf" "$O/settlement-2025/notices/P001.pdf" "P001's first notice, kept"
docno() { pdftotext "$O/settlement-2025/notices/$1.pdf" - | grep -o '7板子保第[0-9]*号' | head -1; }
expect_eq "$(docno P001) $(docno P002) $(docno P001-2) $(docno P002-2)" \
    "7板子保第1号 7板子保第2号 7板子保第3号 7板子保第4号" "the notices' numbers"
expect_eq "$(q "SELECT group_concat(json_extract(j.value, '\$.number') || ':' || json_extract(j.value, '\$.file'), ' ') FROM events e, json_each(e.payload, '\$.documents') j WHERE e.action = 'settle_supersede'")" \
    "3:settlement-2025/notices/P001-2.pdf 4:settlement-2025/notices/P002-2.pdf" "the event records the numbers"

section "replay from the ledger"
kasan replay --settlement 2025 --out "$O"
expect_rc 0 "replay of the correction"
expect_msg_contains "2 settlement rows identical, 0 differences" "replay rows"

section "explain after the correction"
kasan explain --settlement 2025 --nursery P002 --data "$D2" --rules "$RULES" --out "$O"
expect_rc 0 "explain"
# decided so far 1,000 + 2,000 = 3,000; paid 2,772,000 + 3,000 = 2,775,000 = annual
expect_msg_contains "decided by the finalized settlement(s): 追加交付 3,000 yen" "explain: decided"
expect_msg_contains "⇒ annual 2,775,000 yen, paid 2,775,000 yen: no difference" "explain: nothing more"

section "budget: the year's 追加交付 counted once"
kasan budget --fy 2025 --out "$O" --rules "$RULES"
expect_rc 0 "budget"
# 1,000 (first) + 2,000 (correction) = 3,000, not 1,000 + 3,000 nor 2,000;
# both finalized after FY2025's 出納閉鎖 (31 May 2026): 過年度支出, paid
# from FY2026's line (closing.sh); 返還 decided: 180,000 (first) + 100,000
# (correction) = 280,000, 雑入 of FY2026 (decided after the closing)
expect_msg_contains "追加交付 3,000 yen (3,000 yen of it paid from later years' lines: 過年度支出); 返還 280,000 yen" \
    "budget 追加交付 and 返還"
expect_msg_contains "返還 decided after the closing (雑入 of a later year)        280,000 yen" "budget 返還: 雑入"
expect_msg_contains "this correction adds 追加交付 2,000 yen and 返還 100,000 yen" "budget increments"
# months 9,312,000 (settle.sh); the 3,000 is FY2026's
expect_msg_contains "paid in FY2025: 9,312,000 yen" "budget paid total"
kasan budget --fy 2026 --out "$O" --rules "$RULES"
expect_msg_contains "paid in FY2026: 3,000 yen" "FY2026 pays the 3,000 (過年度支出)"

section "transfer: the increment only"
kasan transfer --settlement 2025 --date 2026-07-10 --out "$O" --rules "$RULES"
expect_rc 0 "transfer of the correction"
F2=$O/settlement-2025/transfer-settlement-2025-2.txt
# 3,000 decided − 1,000 transferred = 2,000 to P002; P001's 返還 is never a transfer
expect_eq "$(field "$F2" 3 count)/$(field "$F2" 3 total)" "000001/000000002000" "file -2: P002 2,000"
expect_eq "$(field "$F2" 2 customer_code1)" "0000000002" "file -2: P002"

section "a second correction, nothing changed"
export KASAN_NOW=2026-07-15T09:00:00Z
ls "$O/settlement-2025/notices" > "$WORK/notices-before"
kasan settle --fy 2025 --data "$D2" --rules "$RULES" --out "$O" --finalize --supersede \
    --reason "再確認"
expect_rc 0 "second correction"
# nothing changed: no notice (no "差額 0円"), every one sent before kept
ls "$O/settlement-2025/notices" > "$WORK/notices-after"
expect_same_file "$WORK/notices-before" "$WORK/notices-after" "no notice for unchanged nurseries"
# paid = months + everything decided so far: P001 5,280,000 − 180,000 − 100,000 =
# 5,000,000; P002 2,772,000 + 1,000 + 2,000 = 2,775,000 → both 0
expect_line "$CSV" 2 "2025,P001,nurse_placement,2025-04,5000000,5000000,0"
expect_line "$CSV" 3 "2025,P002,nurse_placement,2025-04,2775000,2775000,0"
kasan replay --settlement 2025 --out "$O"
expect_rc 0 "replay of the second correction"
kasan budget --fy 2025 --out "$O" --rules "$RULES"
expect_msg_contains "追加交付 3,000 yen (3,000 yen of it paid from later years' lines: 過年度支出); 返還 280,000 yen" "budget unchanged"
kasan transfer --settlement 2025 --date 2026-07-21 --out "$O" --rules "$RULES"
expect_rc 0 "transfer after the second correction"
expect_msg_contains "nothing to transfer" "3,000 decided, 3,000 transferred"

section "a correction never transferred before"
O2=$(new_out out-untransferred)
export KASAN_NOW=2026-06-10T09:00:00Z
# shellcheck disable=SC2086
finalize_months "$DATA" "$O2" $MONTHS
kasan settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O2" --finalize
expect_rc 0 "first settlement (not transferred)"
export KASAN_NOW=2026-07-01T09:00:00Z
"$KASAN" run --month 2026-03 --data "$D2" --rules "$RULES" --out "$O2" --no-workbooks --quiet \
    --finalize --supersede --reason "勤務時間の訂正" --after-settlement-reason "精算も修正する" >/dev/null 2>&1
kasan settle --fy 2025 --data "$D2" --rules "$RULES" --out "$O2" --finalize --supersede --reason "訂正"
expect_rc 0 "corrected"
kasan transfer --settlement 2025 --date 2026-07-10 --out "$O2" --rules "$RULES"
expect_rc 0 "transfer"
# nothing was transferred: the whole 1,000 + 2,000 = 3,000 is due
expect_eq "$(field "$O2/settlement-2025/transfer-settlement-2025.txt" 3 total)" "000000003000" "3,000 in one file"

finish
