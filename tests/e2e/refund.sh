#!/bin/sh
# refund.sh — issue 24 point 5: 返還 receivables (調定 and 収納), the worked
# example of docs/spec/12-grant-decision.md §12.9.  tests/e2e/settle-data's
# settlement (settle.sh works it by hand): P001 返還 180,000 (nurse
# placement, 返還期限 30 days after the notice), P002 追加交付 1,000 (no
# receivable).  Finalized on 20 May 2026: decided 2026-05-20, due
# 2026-06-19.  A receipt dated 19 May is refused (before the decision);
# 100,000 on 1 June leaves 80,000 open, 延滞 from 20 June; 80,001 is
# refused (過納); 80,000 on 25 June closes it.  Then the receipts signed in
# the pay role once an operators file is in force, and the audit report's
# 返還 sheet read back.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export KASAN_ACTOR=tester KASAN_NOW=2026-05-20T01:00:00Z
SD=$SRCDIR/tests/e2e/settle-data
O=$(new_out out)
at() { KASAN_NOW=$1; export KASAN_NOW; shift; kasan "$@" --out "$O" --rules "$RULES"; }
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03; do
    "$KASAN" run --month "$m" --data "$SD" --rules "$RULES" --out "$O" --no-workbooks --quiet \
        --finalize >/dev/null 2>&1 || fail "finalize $m" "exit $?"
done

section "before the settlement"
at 2026-05-20T01:00:00Z refund --list
expect_rc 1 "no settlement: nothing decided"
expect_msg_contains "no fiscal year has a finalized settlement" "says so"
kasan settle --fy 2025 --data "$SD" --rules "$RULES" --out "$O" --finalize
expect_rc 0 "settlement finalized on 20 May 2026"

section "the receivable"
at 2026-05-20T01:00:00Z refund --list
expect_rc 0 "list"
expect_line_has() { printf '%s\n' "$OUT_TXT" | grep -q -- "$1" && pass "$2" || fail "$2" "$OUT_TXT"; }
expect_line_has "P001 *nurse_placement *180,000 2026-05-20 2026-06-19 *0 *180,000$" \
    "P001: 180,000 decided 2026-05-20, due 2026-06-19, nothing received"
expect_line_has "total: 調定額 180,000 yen, 収納済額 0 yen, 未収額 180,000 yen" "the totals"
if printf '%s\n' "$OUT_TXT" | grep -q "^  P002"; then fail "P002's 追加交付 is no receivable" "listed"
else pass "P002's 追加交付 is no receivable"; fi

section "receipts"
n_events() { "$KASAN" audit export --out "$O" | wc -l; }
before=$(n_events)
at 2026-05-20T01:00:00Z refund --received --nursery P001 --amount 100000 --date 2026-05-19
expect_rc 2 "a receipt dated before the settlement decided it"
expect_msg_contains "before the settlement decided the 返還 (2026-05-20)" "says why"
at 2026-05-20T01:00:00Z refund --received --nursery P002 --amount 1000 --date 2026-05-21
expect_rc 2 "a nursery with no 返還"
at 2026-05-20T01:00:00Z refund --received --nursery P001 --amount 0 --date 2026-05-21
expect_rc 1 "0 yen: usage"
expect_eq "$(n_events)" "$before" "nothing recorded by the refusals"
at 2026-06-01T01:00:00Z refund --received --nursery P001 --amount 100000 --date 2026-06-01
expect_rc 0 "100,000 received on 1 June"
expect_line_has "180,000 2026-05-20 2026-06-19 *100,000 *80,000$" "80,000 open, not overdue yet"
expect_line_has "anchor to keep: [0-9]*:[0-9a-f]\{64\}" "the anchor to keep"
at 2026-06-19T01:00:00Z refund --list --overdue
expect_line_has "(nothing overdue)" "on its due date it is not overdue"
at 2026-06-20T01:00:00Z refund --list --overdue
expect_line_has "100,000 *80,000  延滞$" "from 20 June: 延滞"
before=$(n_events)
at 2026-06-25T01:00:00Z refund --received --nursery P001 --amount 80001 --date 2026-06-25
expect_rc 2 "80,001: 過納"
expect_msg_contains "more than the 80,000 yen still open (過納)" "says why"
expect_eq "$(n_events)" "$before" "nothing recorded"
at 2026-06-25T01:00:00Z refund --received --nursery P001 --amount 80000 --date 2026-06-25
expect_rc 0 "80,000 on 25 June closes it"
expect_line_has "total: 調定額 180,000 yen, 収納済額 180,000 yen, 未収額 0 yen" "nothing open"
expect_eq "$("$KASAN" audit export --out "$O" | grep -c '"action":"refund_receipt"')" 2 "two receipt events"
expect_eq "$("$KASAN" audit export --out "$O" | grep '"action":"refund_receipt"' | sed -n 's/.*"amount_yen":\([0-9]*\).*"date":"\([0-9-]*\)".*"nursery_id":"\([A-Z0-9]*\)".*/\3 \1 \2/p' | tr '\n' ';')" \
    "P001 100000 2026-06-01;P001 80000 2026-06-25;" "their nursery, amount and date"
kasan audit verify --out "$O"
expect_rc 0 "audit verify"

section "the audit report's 返還 sheet"
if "$PY" -c 'import openpyxl' 2>/dev/null; then
    KASAN_NOW=2026-06-25T01:00:00Z kasan audit report --fy 2025 --out "$O"
    expect_rc 0 "audit report"
    got=$("$PY" - "$O/audit-2025.xlsx" <<'PYEOF'
import openpyxl, sys
ws = openpyxl.load_workbook(sys.argv[1])["返還"]
for r in ws.iter_rows(values_only=True):
    if r and r[0] in ("P001", "合計"):
        print("|".join("" if v is None else str(v) for v in r))
PYEOF
)
    # decided 20 May 2026, by FY2025's 出納閉鎖: 戻入 of FY2025's expenditure
    expect_eq "$got" "P001|看護師等配置補助|180000|令和8年5月20日|令和8年6月19日|180000|0||戻入（令和7年度歳出）
合計||180000|||180000|0||" "the sheet: P001's receivable and the totals"
else
    skip "the 返還 sheet" "python3-openpyxl missing"
fi

section "receipts signed in the pay role"
PASS=$WORK/pass
printf 'refund passphrase 1\n' > "$PASS"; chmod 600 "$PASS"
export KASAN_KEYS=$WORK/keys
L_SUZUKI=$("$KASAN" operator keygen --id suzuki --passphrase-file "$PASS" 2>/dev/null)
L_TANAKA=$("$KASAN" operator keygen --id tanaka --passphrase-file "$PASS" 2>/dev/null)
R2=$WORK/rules-ops
cp -R "$RULES" "$R2"
mkdir -p "$R2/operators"
cat > "$R2/operators/2026-06.yaml" <<EOF2
kind: operators
version: "2026-06"
title: 保育サービス課 操作者
effective_from: 2026-06-01
basis: 板橋区事務分掌規則・会計事務規則
operators:
  - id: tanaka
    name: 田中 花子
    post: 保育サービス課 給付係 主事
    roles: [draft]
    key: $L_TANAKA
    valid_from: 2026-06-01
  - id: suzuki
    name: 鈴木 三郎
    post: 会計管理者
    roles: [pay]
    key: $L_SUZUKI
    valid_from: 2026-06-01
EOF2
O2=$(new_out signed)
export KASAN_NOW=2026-05-20T01:00:00Z
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03; do
    "$KASAN" run --month "$m" --data "$SD" --rules "$RULES" --out "$O2" --no-workbooks --quiet \
        --finalize >/dev/null 2>&1 || fail "finalize $m" "exit $?"
done
"$KASAN" settle --fy 2025 --data "$SD" --rules "$RULES" --out "$O2" --finalize >/dev/null 2>&1
export KASAN_NOW=2026-06-02T01:00:00Z
kasan refund --received --nursery P001 --amount 100000 --date 2026-06-01 --out "$O2" --rules "$R2"
expect_rc 3 "no --operator once an operators file is in force"
kasan refund --received --nursery P001 --amount 100000 --date 2026-06-01 --out "$O2" --rules "$R2" \
    --operator tanaka --passphrase-file "$PASS"
expect_rc 3 "tanaka (draft only) may not record a receipt"
kasan refund --received --nursery P001 --amount 100000 --date 2026-06-01 --out "$O2" --rules "$R2" \
    --operator suzuki --passphrase-file "$PASS"
expect_rc 0 "suzuki (pay) records it"
expect_eq "$("$KASAN" audit export --out "$O2" | grep '"action":"refund_receipt"' | grep -c '"signer"')" 1 \
    "the receipt is signed"
kasan audit verify --out "$O2" --rules "$R2"
expect_rc 0 "audit verify (signatures)"
expect_msg_contains "signatures OK" "its signature verified"
finish
