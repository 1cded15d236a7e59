#!/usr/bin/env bash
# budget_lines.sh — budget control (SPEC 1.4, 6.2) end to end: --fy's one
# parser for every command; a fiscal year
# with no budget line pays nothing without a reason (run and settle; the
# refusal is an event of the trail, the override's reason is recorded); the
# forecast of a correction counts what is already paid (run summary, the 予算
# sheet, `kasan budget`); a finalized settlement's 追加交付 in `kasan budget`
# and in the paid total of a later correction.
. "$(dirname "$0")/lib.sh"
# 20 May 2026: FY2025's settlements are finalized before its 出納閉鎖 (31
# May), so their 追加交付 is FY2025's own (after it: closing.sh).  The
# shipped rules alone: FY2026 has no budget line here.
export KASAN_ACTOR=tester KASAN_NOW=2026-05-20T09:00:00Z
RULES=$RULES_SHIPPED
SW=$SRCDIR/fixtures/sample-ward
SD=$SRCDIR/tests/e2e/settle-data
FY25="2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02"

# commas N — 1234567 → 1,234,567 (the summary's yen format)
commas() { printf '%s\n' "$1" | sed -e ':a' -e 's/\([0-9]\)\([0-9]\{3\}\)\($\|,\)/\1,\2\3/; ta'; }
# month_total CSV — the sum of payments.csv's amount_yen column
month_total() { awk -F, 'NR > 1 { s += $5 } END { print s + 0 }' "$1"; }
# paid_cells XLSX — the 予算 sheet's 既支払額 and 年度末見込
paid_cells() {
    /usr/bin/python3 - "$1" <<'PYEOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["予算"]
rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if isinstance(r[0], str)}
paid = next(v for k, v in rows.items() if k.startswith("既支払額"))
print(paid, rows["年度末見込"])
PYEOF
}
finalize_quiet() { # DATA OUT RULES MONTH [args]
    _d=$1 _o=$2 _r=$3 _m=$4
    shift 4
    "$KASAN" run --month "$_m" --data "$_d" --rules "$_r" --out "$_o" --no-workbooks --quiet \
        --finalize "$@" >/dev/null 2>&1 || fail "finalize $_m" "exit $?"
}

section "--fy: one parser, one range (1900..9998), one message"
for c in "run --fy 1899" "budget --fy 25x" "settle --fy 9999" "replay --settlement abc" \
         "explain --settlement 1899 --nursery P001"; do
    # shellcheck disable=SC2086
    kasan $c --out "$WORK/none"
    expect_rc 1 "$c"
    expect_msg_contains "--fy takes a fiscal year such as 2025 (令和7年度), not '" "$c"
done

section "no budget line for FY2026 (SPEC 1.4)"
# FY2026 data: the sample ward plus claims/2026-04, copied from March 2026
# (its enrolment dates are open-ended or earlier, still valid in April).
D=$WORK/fy2026
cp -r "$SW" "$D" && cp -r "$D/claims/2026-03" "$D/claims/2026-04"
O=$(new_out out-noline)
kasan run --month 2026-04 --data "$D" --rules "$RULES" --out "$O" --no-workbooks
expect_rc 0 "a draft without a line"
expect_msg_contains "warning: no budget line covers fiscal year 2026" "draft warns"
expect_msg_contains "finalizing this month will be refused without --over-budget-reason" "draft says what finalizing needs"
O=$(new_out out-noline2)
kasan run --month 2026-04 --data "$D" --rules "$RULES" --out "$O" --no-workbooks --finalize
expect_rc 3 "finalizing without a line is refused"
expect_msg_contains "no budget line for FY2026" "refusal"
expect_msg_contains "--over-budget-reason" "refusal names the override"
expect_nothing_written "$O/2026-04"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM runs")" 0 "no run recorded"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '$.code') || ' ' || json_extract(payload, '$.month') FROM events WHERE action = 'refuse'")" \
    "no_budget_line 2026-04" "refusal event"
kasan run --month 2026-04 --data "$D" --rules "$RULES" --out "$O" --no-workbooks --finalize \
    --over-budget-reason "予備費充用（決裁 R8-12）"
expect_rc 0 "with a reason"
expect_msg_contains "paid without a budget line on the reason given: 予備費充用（決裁 R8-12）" "summary names the reason"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '$.over_budget_override.reason') FROM events WHERE action = 'finalize'")" \
    "予備費充用（決裁 R8-12）" "override recorded in the finalize event"
kasan audit verify --out "$O"
expect_rc 0 "audit verify"

section "the 予算 sheet shows the override's reason"
# reason_cells XLSX — the 予算 table's 予算超過の理由 of April and May
reason_cells() {
    /usr/bin/python3 - "$1" <<'PYEOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["予算"]
rows = list(ws.iter_rows(values_only=True))
h = next(i for i, r in enumerate(rows) if "予算超過の理由" in r)
col = rows[h].index("予算超過の理由")
print("%s|%s" % (rows[h + 1][col], rows[h + 2][col]))
PYEOF
}
cp -r "$D/claims/2026-03" "$D/claims/2026-05"
O=$(new_out out-noline-wb)
kasan run --month 2026-04 --data "$D" --rules "$RULES" --out "$O" --quiet --finalize \
    --over-budget-reason "予備費充用（決裁 R8-12）"
expect_rc 0 "finalize April on a reason, with workbooks"
expect_eq "$(reason_cells "$O/2026-04/payments.xlsx")" "予備費充用（決裁 R8-12）|None" "the finalizing run's own sheet"
kasan run --month 2026-05 --data "$D" --rules "$RULES" --out "$O" --quiet
expect_rc 0 "a draft of May"
expect_eq "$(reason_cells "$O/2026-05/payments.xlsx")" "予備費充用（決裁 R8-12）|None" "May's draft shows April's reason (a draft has none)"
rm -rf "$O/2026-04"
kasan restore --month 2026-04 --out "$O" --rules "$RULES"
expect_rc 0 "restore April"
expect_eq "$(reason_cells "$O/2026-04/payments.xlsx")" "予備費充用（決裁 R8-12）|None" "the restored sheet"

section "no budget line: the settlement's 追加交付"
# settle-data pays 9,312,000 in FY2025 and settles 追加交付 1,000, 返還 180,000
# (tests/e2e/settle.sh); without budget/fy2025.yaml each month needs a reason,
# and so does the 追加交付.
RN=$WORK/rules-noline
cp -r "$RULES" "$RN" && rm "$RN/budget/fy2025.yaml"
O=$(new_out out-settle-noline)
for m in $FY25 2026-03; do finalize_quiet "$SD" "$O" "$RN" "$m" --over-budget-reason "予備費"; done
kasan settle --fy 2025 --data "$SD" --rules "$RN" --out "$O"
expect_rc 0 "settlement draft without a line"
expect_msg_contains "warning: no budget line covers fiscal year 2025: finalizing the 追加交付 needs --over-budget-reason" "settle draft warns"
kasan settle --fy 2025 --data "$SD" --rules "$RN" --out "$O" --finalize
expect_rc 3 "settlement without a line refused"
expect_msg_contains "no budget line for FY2025" "settle refusal"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM events WHERE action LIKE 'settle%'")" 0 "no settlement recorded"
kasan settle --fy 2025 --data "$SD" --rules "$RN" --out "$O" --finalize --over-budget-reason "予備費"
expect_rc 0 "settlement with a reason"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '$.over_budget_reason') FROM events WHERE action = 'settle'")" \
    "予備費" "settle override recorded"

section "the settlement's 追加交付 in the budget (SPEC 6.2)"
O=$(new_out out-settled)
for m in $FY25 2026-03; do finalize_quiet "$SD" "$O" "$RULES" "$m"; done
kasan settle --fy 2025 --data "$SD" --rules "$RULES" --out "$O" --finalize
expect_rc 0 "settlement finalized"
kasan budget --fy 2025 --out "$O" --rules "$RULES"
expect_rc 0 "kasan budget"
expect_msg_contains "追加交付 1,000 yen; 返還 180,000 yen" "settlement line"
# 9,312,000 months + 1,000 追加交付 (返還 not netted); 16,444,000 − 9,313,000
expect_msg_contains "paid in FY2025: 9,313,000 yen, remaining 7,131,000 yen" "paid total"
# correcting May (771,000: A 2 × 50,000 + B 440,000 + 231,000) after the
# settlement: paid so far = 9,312,000 − 771,000 + 1,000 = 8,542,000;
# remaining = 16,444,000 − 8,542,000 − 771,000 = 7,131,000; no later month
# open, so forecast = 8,542,000 + 771,000 = 9,313,000
kasan run --month 2025-05 --data "$SD" --rules "$RULES" --out "$O" --finalize \
    --supersede --reason "訂正" --after-settlement-reason "精算も修正する"
expect_rc 0 "correction after the settlement"
expect_msg_contains "paid so far 8,542,000, remaining after this month 7,131,000, forecast 9,313,000" "correction counts 追加交付"
expect_eq "$(paid_cells "$O/2025-05/payments.xlsx")" "8542000 9313000" "予算 sheet: 既支払額 (with 追加交付), 年度末見込"
# outputs lost: restore rebuilds the view as the correction saw it
rm -rf "$O/2025-05"
kasan restore --month 2025-05 --out "$O" --rules "$RULES"
expect_rc 0 "restore"
expect_eq "$(paid_cells "$O/2025-05/payments.xlsx")" "8542000 9313000" "restored 予算 sheet"

section "the forecast of a correction (SPEC 1.4)"
O=$(new_out out-forecast)
for m in $FY25; do finalize_quiet "$SW" "$O" "$RULES" "$m"; done
# the month totals, as finalized (payments.csv)
others=0
for m in $FY25; do
    t=$(month_total "$O/$m/payments.csv")
    [ "$m" = 2025-05 ] && may=$t || others=$((others + t))
done
# SPEC 1.4: the finalized months other than May (April, June … February) +
# May + May × the later months not finalized (March only: 1)
forecast=$((others + may + may))
kasan run --month 2025-05 --data "$SW" --rules "$RULES" --out "$O" --finalize --supersede \
    --reason "同じ請求で訂正"
expect_rc 0 "May corrected"
expect_msg_contains "forecast $(commas $forecast)" "run summary forecast"
# sanity: far below the old "as if May began the year" figure others + may × 11
[ "$forecast" -lt $((others + may * 11)) ] && pass "below the old figure" || fail "below the old figure" "$forecast"
sheet=$(/usr/bin/python3 - "$O/2025-05/payments.xlsx" <<'PYEOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["予算"]
print(next(r[1] for r in ws.iter_rows(values_only=True) if r[0] == "年度末見込"))
PYEOF
)
expect_eq "$sheet" "$forecast" "予算 sheet 年度末見込"
kasan budget --fy 2025 --out "$O" --rules "$RULES"
may_row=$(printf '%s\n' "$OUT_TXT" | awk '$1 == "2025-05" { print $NF }')
expect_eq "$may_row" "$(commas $forecast)" "kasan budget: May's forecast"

finish
