#!/usr/bin/env bash
# closing.sh — issue 24 point 4: 出納閉鎖 and 過年度 (docs/spec/12 §12.6) on
# tests/e2e/settle-data, whose FY2025 months pay 9,312,000 and whose
# settlement decides P002 追加交付 1,000 and P001 返還 180,000 (settle.sh
# works both out by hand; 返還期限 = the notice's day + 30 days).
#
#   A  settled on 20 May 2026, before the closing (31 May): the 追加交付 is
#      FY2025's (支出 9,312,000 + 1,000 = 9,313,000) and the 返還 is 戻入:
#      支出済額 9,313,000 − 180,000 = 9,133,000.
#   B  settled on 10 June 2026, after it: the 追加交付 is 過年度支出 of
#      FY2026 (FY2025 支出済額 stays 9,312,000; FY2026's line pays 1,000, its
#      負担行為額 and 支出済額 1,000), the 返還 decided 2026-06-10, due
#      2026-07-10, is 雑入 of FY2026, received 100,000 then 80,000.
#   C  the same without a FY2026 budget file: refused, whatever the reason.
#   D  FY2026's line too small for the 1,000: refused; paid on a reason.
#   E  accounts_close moved to 15 June: 10 June is still FY2025's.
#   F  a correction on 1 July 2026 of A: P001's other_income 300,000 →
#      annual min(5,280,000, 5,300,000, 5,000,000) = 5,000,000, 返還 280,000:
#      the first 180,000 stays 戻入 of FY2025 (decided 20 May), the added
#      100,000 is its own receivable (decided 1 July, due 31 July), 雑入 of
#      FY2026.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export KASAN_ACTOR=tester
SD=$SRCDIR/tests/e2e/settle-data
MONTHS="2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03"

year() { # OUT RULES — the twelve months finalized on 10 April 2026
    for _m in $MONTHS; do
        KASAN_NOW=2026-04-10T01:00:00Z "$KASAN" run --month "$_m" --data "$SD" --rules "$2" \
            --out "$1" --no-workbooks --quiet --finalize >/dev/null 2>&1 || fail "finalize $_m" "exit $?"
    done
}
# at TIME ARGS... — kasan at that moment (times are UTC; 01:00Z is 10:00 in Japan)
at() { _t=$1; shift; KASAN_NOW=$_t kasan "$@"; }
note_has() { # SETTLEMENT-XLSX TEXT — the 精算一覧's notes say TEXT
    "$PY" - "$1" "$2" <<'PYEOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
cells = [c.value for r in ws.iter_rows() for c in r if isinstance(c.value, str)]
sys.exit(0 if any(sys.argv[2] in v for v in cells) else print(cells[-3:]) or 1)
PYEOF
}
has() { printf '%s\n' "$OUT_TXT" | grep -q -- "$1" && pass "$2" || fail "$2" "$OUT_TXT"; }
lacks() { printf '%s\n' "$OUT_TXT" | grep -q -- "$1" && fail "$2" "$OUT_TXT" || pass "$2"; }
settle_ev() { # OUT KEY — the payload's KEY of the last settlement event
    sqlite3 "$1/ledger.sqlite" "SELECT coalesce(json_extract(payload, '\$.$2'), 'null') FROM events
        WHERE action IN ('settle', 'settle_supersede') ORDER BY seq DESC LIMIT 1"
}

section "A: settled before the closing (戻入)"
OA=$(new_out a)
year "$OA" "$RULES"
at 2026-05-20T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RULES" --out "$OA" --finalize
expect_rc 0 "settled on 20 May 2026"
expect_eq "$(settle_ev "$OA" charged_fiscal_year)" "null" "nothing charged to a later year"
note_has "$OA/settlement-2025/settlement.xlsx" "追加交付額は令和7年度予算の執行に含む。返還額は相殺せず別に返還を求め、出納閉鎖（令和8年5月31日）までの調定は令和7年度歳出の戻入とする。" \
    && pass "the workbook: FY2025's own, 戻入" || fail "the workbook's note (A)" "see above"
at 2026-06-20T01:00:00Z budget --fy 2025 --rules "$RULES" --out "$OA"
expect_rc 0 "kasan budget FY2025"
has "accounts of FY2025: 出納閉鎖 2026-05-31 (closed)" "the closing, passed"
has "戻入: 返還 decided by the closing, off 支出済額 *180,000 yen" "180,000 is 戻入"
has "支出済額 *9,133,000 yen  (支出 9,313,000 − 戻入 180,000)" "支出済額 = 9,313,000 − 180,000"
has "paid in FY2025: 9,313,000 yen" "the 追加交付 paid from FY2025's line"
lacks "過年度支出" "no 過年度支出"
# paid after the closing: said (kasan counts it in FY2025, decided by the closing)
at 2026-06-05T01:00:00Z transfer --settlement 2025 --date 2026-06-05 --out "$OA" --rules "$RULES"
expect_rc 0 "transferred on 5 June"
expect_msg_contains "note: --date 2026-06-05 is after FY2025's 出納閉鎖 (2026-05-31): paid then, the 追加交付 is 過年度支出 of FY2026 in the ward's accounts" \
    "the transfer says it is paid after the closing"
at 2026-05-25T01:00:00Z budget --fy 2025 --rules "$RULES" --out "$OA"
has "出納閉鎖 2026-05-31 (open)" "on 25 May the accounts are open"
at 2026-06-20T01:00:00Z budget --fy 2026 --rules "$RULES" --out "$OA"
lacks "過年度支出" "FY2026 pays nothing of FY2025"

section "B: settled after the closing (過年度支出, 雑入)"
OB=$(new_out b)
year "$OB" "$RULES"
at 2026-06-10T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RULES" --out "$OB"
expect_rc 0 "draft on 10 June"
expect_msg_contains "finalized now, the 追加交付 of 1,000 yen is 過年度支出 of FY2026, held to that year's line" \
    "the draft says where the 追加交付 goes"
at 2026-06-10T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RULES" --out "$OB" --finalize
expect_rc 0 "settled on 10 June 2026"
expect_eq "$(settle_ev "$OB" charged_fiscal_year)/$(settle_ev "$OB" charged_additional_yen)" "2026/1000" \
    "the event charges 1,000 to FY2026"
at 2026-06-15T01:00:00Z transfer --settlement 2025 --date 2026-06-15 --out "$OB" --rules "$RULES"
expect_rc 0 "transferred on 15 June"
if printf '%s' "$ERR_TXT" | grep -q "出納閉鎖"; then fail "a 過年度 settlement's transfer: no note" "$ERR_TXT"
else pass "a 過年度 settlement's transfer: no note"; fi
note_has "$OB/settlement-2025/settlement.xlsx" "追加交付額は令和7年度出納閉鎖（令和8年5月31日）後の支払のため、令和8年度予算から過年度支出とする。" \
    && pass "the workbook: 過年度支出 of 令和8年度" || fail "the workbook's note (B)" "see above"
at 2026-06-20T01:00:00Z budget --fy 2025 --rules "$RULES" --out "$OB"
expect_rc 0 "kasan budget FY2025"
has "追加交付 1,000 yen (1,000 yen of it paid from later years' lines: 過年度支出)" "the settlement line says so"
has "追加交付 paid from later years' lines (過年度支出 there) *1,000 yen" "closing: 1,000 out"
has "返還 decided after the closing (雑入 of a later year) *180,000 yen" "the 返還 is not 戻入"
has "支出済額 *9,312,000 yen$" "FY2025 支出済額: the months alone, no 戻入"
has "paid in FY2025: 9,312,000 yen" "paid in FY2025: the months"
at 2026-06-20T01:00:00Z refund --list --fy 2025 --out "$OB"
has "P001 *nurse_placement *180,000 2026-06-10 2026-07-10" "the receivable: decided 10 June, due 10 July"
at 2026-06-20T01:00:00Z budget --fy 2026 --rules "$RULES" --out "$OB"
expect_rc 0 "kasan budget FY2026"
has "earlier years' 追加交付 paid from this line (過年度支出) *1,000 yen" "FY2026 pays FY2025's 1,000"
has "雑入: earlier years' 返還 due this year *180,000 yen, received 0 yen" "雑入 180,000, nothing received"
# FY2026 (the stand-in line, 17,000,000; no decision): 負担行為額 = 過年度支出
# 1,000; 支出済額 1,000; 未払 0; 執行残 17,000,000 − 1,000 = 16,999,000
has "負担行為額 *1,000 yen" "FY2026 負担行為額 1,000"
has "支出済額 *1,000 yen" "FY2026 支出済額 1,000"
has "執行残 *16,999,000 yen" "FY2026 執行残 16,999,000"
has "paid in FY2026: 1,000 yen" "FY2026's paid total counts it"
at 2026-07-01T01:00:00Z refund --received --nursery P001 --amount 100000 --date 2026-07-01 \
    --out "$OB" --rules "$RULES"
expect_rc 0 "100,000 received on 1 July"
at 2026-07-01T01:00:00Z budget --fy 2026 --rules "$RULES" --out "$OB"
has "雑入: earlier years' 返還 due this year *180,000 yen, received 100,000 yen" "received 100,000"
at 2026-07-09T01:00:00Z refund --received --nursery P001 --amount 80000 --date 2026-07-09 \
    --out "$OB" --rules "$RULES"
expect_rc 0 "80,000 received on 9 July: paid in full"
at 2026-07-09T01:00:00Z budget --fy 2026 --rules "$RULES" --out "$OB"
has "雑入: earlier years' 返還 due this year *180,000 yen, received 180,000 yen" "received in full"
at 2026-07-09T01:00:00Z budget --fy 2025 --rules "$RULES" --out "$OB"
has "支出済額 *9,312,000 yen$" "receipts never reduce the closed year"
# a FY2026 month is held to the line with the 1,000 in it
at 2026-07-09T01:00:00Z audit verify --out "$OB"
expect_rc 0 "audit verify"

section "C: after the closing with no FY2026 budget file"
OC=$(new_out c)
year "$OC" "$RULES_SHIPPED"
at 2026-06-10T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RULES_SHIPPED" --out "$OC" --finalize
expect_rc 3 "refused"
expect_msg_contains "the 追加交付 of 1,000 yen is paid after FY2025's 出納閉鎖 (2026-05-31), so it is 過年度支出 of FY2026, and the rules have no budget line for FY2026: add FY2026's budget file (rules/budget/), then settle again" \
    "says why"
expect_nothing_written "$OC/settlement-2025"
expect_eq "$(sqlite3 "$OC/ledger.sqlite" "SELECT json_extract(payload, '\$.code') FROM events ORDER BY seq DESC LIMIT 1")" \
    "no_budget_line" "the refusal recorded"
at 2026-06-10T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RULES_SHIPPED" --out "$OC" --finalize \
    --over-budget-reason "補正予算"
expect_rc 3 "no reason pays from a line that does not exist"
expect_eq "$(sqlite3 "$OC/ledger.sqlite" "SELECT count(*) FROM events WHERE action LIKE 'settle%'")" 0 \
    "no settlement recorded"
at 2026-06-10T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RULES_SHIPPED" --out "$OC"
expect_rc 0 "draft"
expect_msg_contains "which has no budget file under the rules: finalizing would be refused" "the draft warns"

section "D: FY2026's line too small"
RD=$WORK/rules-small
cp -r "$RULES" "$RD"
sed -i 's/^amount: .*/amount: 500/' "$RD/budget/fy2026.yaml"
OD=$(new_out d)
year "$OD" "$RD"
at 2026-06-10T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RD" --out "$OD" --finalize
expect_rc 3 "1,000 over a line of 500: refused"
# FY2026 paid 0 + 1,000 = 1,000 against 500: over by 500
expect_msg_contains "the 追加交付 of 1,000 yen is paid after FY2025's 出納閉鎖 (2026-05-31): as 過年度支出 of FY2026 it would take FY2026's paid total over its line R8-kasan-test by 500 yen" \
    "says by how much"
expect_nothing_written "$OD/settlement-2025"
at 2026-06-10T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RD" --out "$OD" --finalize \
    --over-budget-reason "補正予算（第1号）"
expect_rc 0 "paid on a reason"
expect_eq "$(settle_ev "$OD" over_budget_reason)/$(settle_ev "$OD" overrun_yen)/$(settle_ev "$OD" charged_fiscal_year)" \
    "補正予算（第1号）/500/2026" "the override recorded with its line"

section "E: accounts_close in the budget file"
RE=$WORK/rules-june
cp -r "$RULES" "$RE"
printf 'accounts_close: 2026-06-15\n' >> "$RE/budget/fy2025.yaml"
kasan check --rules "$RE"
expect_rc 0 "accounts_close 2026-06-15 loads"
OE=$(new_out e)
year "$OE" "$RE"
at 2026-06-10T01:00:00Z settle --fy 2025 --data "$SD" --rules "$RE" --out "$OE" --finalize
expect_rc 0 "settled on 10 June, before a 15 June closing"
expect_eq "$(settle_ev "$OE" charged_fiscal_year)" "null" "FY2025's own 追加交付"
at 2026-06-12T01:00:00Z budget --fy 2025 --rules "$RE" --out "$OE"
has "出納閉鎖 2026-06-15 (open)" "the closing of the file"
has "戻入: 返還 decided by the closing, off 支出済額 *180,000 yen" "180,000 is 戻入"
RB=$WORK/rules-bad-close
cp -r "$RULES" "$RB"
printf 'accounts_close: 2027-06-01\n' >> "$RB/budget/fy2025.yaml"
line=$(wc -l < "$RB/budget/fy2025.yaml" | tr -d ' ')
kasan check --rules "$RB"
expect_rc 2 "accounts_close a year late: invalid rules"
expect_msg_contains "fy2025.yaml:$line:17: error: accounts_close (出納閉鎖) falls in the year after the fiscal year's end: from 1 April 2026 to 31 March 2027" \
    "names file, line and column"
printf 'accounts_close: 31 May\n' > "$WORK/close-line"
sed -i '$d' "$RB/budget/fy2025.yaml" && cat "$WORK/close-line" >> "$RB/budget/fy2025.yaml"
kasan check --rules "$RB"
expect_rc 2 "accounts_close not a date"
expect_msg_contains "'accounts_close' must be a real date written YYYY-MM-DD, not '31 May'" "says so"

section "F: a correction after the closing adds a 返還 of its own"
DF=$(new_data f)
cp -r "$SD/." "$DF/"
sed -i 's/^P001,nurse_placement,5300000,200000$/P001,nurse_placement,5300000,300000/' \
    "$DF/settlement/2025/actuals.csv"
at 2026-07-01T01:00:00Z settle --fy 2025 --data "$DF" --rules "$RULES" --out "$OA" --finalize \
    --supersede --reason "P001 実績報告の訂正"
expect_rc 0 "corrected on 1 July 2026"
expect_eq "$(settle_ev "$OA" charged_fiscal_year)" "null" "no 追加交付 added: nothing charged"
at 2026-07-01T01:00:00Z refund --list --fy 2025 --out "$OA"
has "P001 *nurse_placement *180,000 2026-05-20 2026-06-19" "the first 返還 as decided"
has "P001 *nurse_placement *100,000 2026-07-01 2026-07-31" "the added 100,000: decided 1 July, due 31 July"
has "total: 調定額 280,000 yen" "280,000 in all"
at 2026-07-01T01:00:00Z budget --fy 2025 --rules "$RULES" --out "$OA"
has "戻入: 返還 decided by the closing, off 支出済額 *180,000 yen" "戻入 stays 180,000"
has "返還 decided after the closing (雑入 of a later year) *100,000 yen" "100,000 is 雑入"
has "支出済額 *9,133,000 yen" "FY2025 支出済額 unchanged by the correction"
at 2026-07-01T01:00:00Z budget --fy 2026 --rules "$RULES" --out "$OA"
has "雑入: earlier years' 返還 due this year *100,000 yen, received 0 yen" "FY2026's 雑入 100,000"
# a receipt pays the oldest due first: 200,000 → 180,000 of the first, 20,000 of the second
at 2026-07-02T01:00:00Z refund --received --nursery P001 --amount 200000 --date 2026-07-02 \
    --out "$OA" --rules "$RULES"
expect_rc 0 "200,000 received"
at 2026-07-02T01:00:00Z budget --fy 2026 --rules "$RULES" --out "$OA"
has "雑入: earlier years' 返還 due this year *100,000 yen, received 20,000 yen" "20,000 of the 雑入 received"
at 2026-07-02T01:00:00Z audit report --fy 2025 --out "$OA"
expect_rc 0 "audit report"
"$PY" - "$OA/audit-2025.xlsx" <<'PYEOF' && pass "返還 sheet: each receivable with its 区分" || fail "返還 sheet" "see above"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["返還"]
rows = [[c.value for c in r] for r in ws.iter_rows()]
head = next(i for i, r in enumerate(rows) if r[0] == "施設番号")
assert rows[head][8] == "区分", rows[head]
got = [(r[0], r[2], r[5], r[6], r[8]) for r in rows[head + 1:] if r[0] == "P001"]
# received 200,000 oldest due first: 180,000 of the first, 20,000 of the second
assert got == [("P001", 180000, 180000, 0, "戻入（令和7年度歳出）"),
               ("P001", 100000, 20000, 80000, "雑入（令和8年度歳入）")], got
PYEOF

finish
