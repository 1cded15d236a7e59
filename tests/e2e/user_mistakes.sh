#!/bin/sh
# user_mistakes.sh — what a first-time user gets wrong, and that the message
# says what to do next: an option before the command, a month without
# --month, a stray argument (named, never ignored), a refused settlement that
# must not print "確定 finalized", amounts in refusals with thousands separators.
. "$(dirname "$0")/lib.sh"
export KASAN_ACTOR=tester KASAN_NOW=2026-06-10T09:00:00Z
D="$SRCDIR/fixtures/sample-ward"

section "finalize says what comes next"
O=$(new_out o0)
kasan run --month 2025-04 --finalize --data "$D" --rules "$RULES" --out "$O"
expect_rc 0 "finalize 2025-04"
expect_msg_contains "kasan transfer --month 2025-04 --date YYYY-MM-DD" "finalize names the transfer step"
expect_msg_contains "2025-04/statements/ to the nurseries" "finalize names the statements"

section "a settlement tried mid-year"
# Only April is finalized: P020 and P040 (actuals lines 3 and 5) were paid only
# later, so the actuals are refused; the message says which months are missing.
kasan settle --fy 2025 --data "$D" --rules "$RULES" --out "$O"
expect_rc 2 "settlement with 11 months not finalized"
expect_msg_contains "11 months of FY2025 not finalized" "settle names the missing months"
expect_msg_contains "2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03" "the months"

section "a month with no claim files yet"
O=$(new_out o-noclaims)
kasan run --month 2026-04 --data "$D" --rules "$RULES" --out "$O"
expect_rc 2 "2026-04 without claims"
expect_msg_contains "kasan intake --month 2026-04 FORM.xlsx" "says where claims come from"
expect_nothing_written "$O"

section "a month finalized before it begins"
# KASAN_NOW 2025-06-10: 2026-02 begins on 2026-02-01, after today; a draft of
# it is a forecast (allowed), finalizing or transferring it is a typo (exit 1,
# no ledger event, no output).
O=$(new_out o-future)
KASAN_NOW=2025-06-10T00:00:00Z kasan run --month 2026-02 --finalize --data "$D" --rules "$RULES" --out "$O"
expect_rc 1 "finalize 2026-02 on 2025-06-10"
expect_msg_contains "kasan run: 2026-02 has not begun (today is 2025-06-10): nothing to finalize yet" "names the month and today"
expect_nothing_written "$O"
KASAN_NOW=2025-06-10T00:00:00Z kasan run --fy 2025 --finalize --data "$D" --rules "$RULES" --out "$O"
expect_rc 1 "finalize FY2025 on 2025-06-10"
expect_msg_contains "2025-07 has not begun (today is 2025-06-10)" "--fy names the first month not begun"
expect_nothing_written "$O"
KASAN_NOW=2025-06-10T00:00:00Z kasan transfer --month 2026-02 --date 2026-03-20 --out "$O" --rules "$RULES"
expect_rc 1 "transfer 2026-02 on 2025-06-10"
expect_msg_contains "2026-02 has not begun (today is 2025-06-10): nothing to transfer yet" "transfer says so"
expect_nothing_written "$O"
KASAN_NOW=2025-06-10T00:00:00Z kasan run --month 2025-06 --finalize --quiet --data "$D" --rules "$RULES" --out "$O"
expect_rc 0 "the month of today is finalized (it has begun)"
KASAN_NOW=2025-06-10T00:00:00Z kasan run --month 2026-02 --no-workbooks --quiet --data "$D" --rules "$RULES" --out "$O"
expect_rc 0 "a draft of 2026-02 stays allowed (forecast)"

section "options before the command"
kasan --out out budget
expect_rc 1 "kasan --out out budget"
expect_msg_contains "options go after the command" "option before the command"

section "a month without --month"
O=$(new_out o1)
kasan run 2025-04 --data "$D" --rules "$RULES" --out "$O"
expect_rc 1 "kasan run 2025-04"
expect_msg_contains "'2025-04'" "run names the stray argument"
expect_msg_contains "--month 2025-04" "run suggests --month"
expect_nothing_written "$O"
kasan transfer 2025-04 --date 2025-05-20 --out "$O"
expect_rc 1 "kasan transfer 2025-04"
expect_msg_contains "--month 2025-04" "transfer suggests --month"

section "a stray argument is not ignored"
O=$(new_out o2)
"$KASAN" run --month 2025-04 --finalize --quiet --data "$D" --rules "$RULES" --out "$O" >/dev/null 2>&1
kasan replay --month 2025-04 extra --out "$O"
expect_rc 1 "replay with a stray argument"
expect_msg_contains "'extra'" "replay names it"

section "outputs lost, then restored"
rm -rf "$O/2025-04"
kasan restore --month 2025-04 --out "$O" --rules "$RULES"
expect_rc 0 "restore a deleted month"
expect_msg_contains "outputs were lost" "restore does not claim an interrupted run only"

section "a CSV saved by Excel: dates with slashes"
DX=$(new_data excel)
cp -r "$D/." "$DX/"
sed -i 's#^P011,C0010,tube_feeding;suction,2025-04-14,#P011,C0010,tube_feeding;suction,2025/4/14,#' \
    "$DX/claims/2025-04/children.csv"
O=$(new_out o3)
kasan run --month 2025-04 --data "$DX" --rules "$RULES" --out "$O"
expect_rc 2 "2025/4/14 refused"
expect_err_names "children.csv" 9 "enrolled_from"
expect_msg_contains "'2025/4/14' must be written YYYY-MM-DD (2025-04-14)" "says the ISO form"
expect_nothing_written "$O"

section "intake over existing claim files"
# The sample ward has claim files for 2025-05, P011's lines among them: its
# form without --replace is refused, and the message says --replace replaces
# only that nursery's lines (issue 21 item 13: never the whole month).
DI=$(new_data intake)
cp -r "$D/." "$DI/"
OF=$(new_out forms)
"$KASAN" forms --month 2025-05 --data "$DI" --rules "$RULES" --out "$OF" >/dev/null 2>&1
# the prefilled form with its amounts (対象経費, 職員!E6:E8) and the part-timer's
# hours (職員!D7) filled in
/usr/bin/python3 - "$OF/2025-05/forms/P011.xlsx" <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for r in (6, 7, 8):
    wb["職員"].cell(r, 5).value = 300000
wb["職員"]["D7"] = 60
wb.save(sys.argv[1])
PYEOF
kasan intake --month 2025-05 --data "$DI" --rules "$RULES" "$OF/2025-05/forms/P011.xlsx"
expect_rc 3 "intake over P011's lines refused"
expect_msg_contains "already hold P011" "intake names the nursery"
expect_msg_contains "every other nursery's lines stay" "intake says --replace is per nursery"
kasan intake --help
expect_msg_contains "every other line stays as it is" "intake --help"
expect_msg_contains "3 refused" "intake --help exit codes"

section "budget without the rules directory"
# O2 holds April finalized (1,149,333).  With --rules pointing nowhere the line
# is unknown: "remaining" must not read as a line of 0 (-1,149,333).
kasan budget --fy 2025 --out "$WORK/o2" --rules "$WORK/no-rules"
expect_rc 0 "budget with a missing rules dir"
expect_msg_contains "no budget line for FY2025" "budget says the line is unknown"
if printf '%s' "$OUT_TXT" | grep -qF -- "-1,149,333"; then fail "no negative remaining" "$OUT_TXT"
else pass "no negative remaining"; fi
kasan budget --fy 2025 --out "$WORK/o2" --rules "$RULES"
expect_msg_contains "15,294,667" "remaining with the line: 16,444,000 − 1,149,333"

section "no ledger yet"
O=$(new_out empty)
for c in "budget --fy 2025" "replay --month 2025-04" "restore --month 2025-04"; do
    kasan $c --out "$O"
    expect_rc 1 "$c with no ledger"
    expect_msg_contains "nothing has been finalized there yet" "$c says why"
done

section "run --help warns that the correction's reason is on every statement"
kasan run --help
expect_msg_contains "do not name other nurseries" "run --help on --reason"

section "audit with no ledger"
O=$(new_out empty-audit)
kasan audit verify --out "$O"
expect_rc 1 "audit verify, no ledger, no anchor"
expect_msg_contains "nothing has been finalized there yet" "audit says why"
# an anchor was written down, but the ledger is gone: that is a finding, not an I/O error
kasan audit verify --out "$O" --anchor 1:64e97d10cb038a24084e81edc9805802a3bed2217562d852ab4af5597fa28ef5
expect_rc 4 "audit verify with an anchor and no ledger"
expect_msg_contains "FAILED" "audit verify fails"

section "every --help names its exit codes"
for c in check run explain replay restore diff budget audit settle forms transfer intake; do
    kasan $c --help
    expect_rc 0 "$c --help"
    expect_msg_contains "exit" "$c --help"
done

section "a form saved as Excel 97-2003 (.xls)"
DX2=$(new_data xls)
cp -r "$D/." "$DX2/"
rm -rf "$DX2/claims/2025-05"
printf '\320\317\021\340\241\261\032\341rest of an OLE file' > "$WORK/P011.xlsx"
kasan intake --month 2025-05 --data "$DX2" --rules "$RULES" "$WORK/P011.xlsx"
expect_rc 2 "an .xls renamed .xlsx"
expect_msg_contains "save it as Excel ブック (*.xlsx)" "says how to save it"

section "a refused settlement"
# Settled on 20 May 2026, before FY2025's 出納閉鎖: held to FY2025's line.
BEFORE_CLOSE=2026-05-20T09:00:00Z
# The sample year is over its line by March (fixtures/sample-ward/README.md);
# a settlement paying 追加交付 without a reason is refused: nothing on stdout
# may say 確定 (finalized), and the amounts read like the run's (1,234 yen).
OS=$(new_out os)
"$KASAN" run --fy 2025 --finalize --no-workbooks --quiet --data "$D" --rules "$RULES" \
    --out "$OS" --over-budget-reason "補正予算" >/dev/null 2>&1 || fail "sample year" "exit $?"
KASAN_NOW=$BEFORE_CLOSE kasan settle --fy 2025 --data "$D" --rules "$RULES" --out "$OS" --finalize
expect_rc 3 "settlement over the line refused"
if printf '%s' "$OUT_TXT" | grep -q '確定'; then fail "refused settle prints no 確定" "stdout: $OUT_TXT"
else pass "refused settle prints no 確定"; fi
# FY2025 paid 16,657,077 (sample README); 追加交付 P011 5,000 + P020 1,000 + P023
# 3,000 (April–September, its active months: annual round_down(min(552,575,
# 528,550, 528,550 − 360,000 = 168,550), 1000) = 168,000, paid 26,000 + 32,000
# + 23,000 + 25,000 + 24,000 + 35,000 = 165,000; settle.sh works these out) =
# 9,000: 16,666,077 − 16,444,000 = 222,077 over.
expect_msg_contains "222,077 yen over" "overrun with separators"
expect_msg_contains "16,666,077" "paid total with separators"
expect_nothing_written "$OS/settlement-2025"

section "a correction that lowers a month of a year over its line"
# The year is 213,077 over (March finalized with a reason).  May corrected:
# P002's C0002 (tracheostomy, 80,000) left in April → P002 A 130,000 − 80,000 =
# 50,000; the year 16,657,077 − 80,000 = 16,577,077 is still over the line, but
# the correction pays less: no budget reason is asked for.
DC=$(new_data lower)
cp -r "$D/." "$DC/"
sed -i '/^P002,C0002,/d' "$DC/claims/2025-05/children.csv"
kasan run --month 2025-05 --finalize --supersede --reason "C0002 退園" --quiet --after-settlement-reason "精算も修正する" \
    --no-workbooks --data "$DC" --rules "$RULES" --out "$OS"
expect_rc 0 "lowering correction finalized without --over-budget-reason"
# (May not transferred yet: nothing was, the corrected 50,000 is owed)
expect_line "$OS/2025-05/corrections.csv" 2 "2025-05,P002,acceptance_addon,130000,50000,-80000,0,50000"
# raising it back by 80,000 is a new payment over the line: refused
kasan run --month 2025-05 --finalize --supersede --reason "C0002 在籍" --quiet --after-settlement-reason "精算も修正する" \
    --no-workbooks --data "$D" --rules "$RULES" --out "$OS"
expect_rc 3 "raising correction over the line refused"

section "a corrected settlement that pays less 追加交付"
KASAN_NOW=$BEFORE_CLOSE kasan settle --fy 2025 --data "$D" --rules "$RULES" --out "$OS" --finalize --over-budget-reason "補正予算"
expect_rc 0 "settlement finalized with a reason (追加交付 9,000)"
# P011's 実績報告 corrected to salary_cost 5,500,000 (other_income 240,000):
# annual = round_down(min(基準額, 5,500,000, 5,260,000), 1000) = 5,260,000
# against 5,544,000 paid by month + the 追加交付 5,000 the first settlement
# decided = 5,549,000 → 返還 289,000 (SPEC 6.1: the earlier 追加交付 counts);
# the year's 追加交付 is now P020 1,000 + P023 3,000 = 4,000 < 9,000: the year
# is still over its line, but no reason is needed.
DS=$(new_data settle-fix)
cp -r "$D/." "$DS/"
sed -i 's/^P011,nurse_placement,5789135,240000/P011,nurse_placement,5500000,240000/' \
    "$DS/settlement/2025/actuals.csv"
KASAN_NOW=$BEFORE_CLOSE kasan settle --fy 2025 --data "$DS" --rules "$RULES" --out "$OS" --finalize --supersede \
    --reason "P011 実績報告の訂正"
expect_rc 0 "settlement corrected downwards without --over-budget-reason"
expect_eq "$(awk -F, '$2 == "P011" { print $5 "," $6 "," $7 }' "$OS/settlement-2025/settlement.csv")" \
    "5260000,5549000,-289000" "P011 annual, paid, difference"

section "a 追給 transfer of one nursery"
kasan transfer --month 2025-05 --date 2026-06-22 --out "$OS"
expect_rc 0 "May transferred"
# P023's May salary_cost 92,400 → 122,400: net 122,400 − 60,000 = 62,400 under
# the standard 42 h × 2,300 = 96,600 → 62,000, paid 32,000: 追給 30,000.
sed -i 's/^P023,S0006,public_health_nurse,part_time,42,92400,60000/P023,S0006,public_health_nurse,part_time,42,122400,60000/' \
    "$DC/claims/2025-05/nurses.csv"
kasan run --month 2025-05 --finalize --supersede --reason "P023 給与訂正" --over-budget-reason "補正予算" --after-settlement-reason "精算も修正する" \
    --quiet --no-workbooks --data "$DC" --rules "$RULES" --out "$OS"
expect_rc 0 "May corrected upwards with a reason"
kasan transfer --month 2025-05 --date 2026-06-22 --out "$OS"
expect_rc 0 "追給 transferred"
expect_msg_contains ": 1 transfer, 30,000 yen" "one transfer, singular"

finish
