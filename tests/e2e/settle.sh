#!/usr/bin/env bash
# settle.sh — the year-end settlement (精算, SPEC 6.2) end to end on
# tests/e2e/settle-data (the SPEC's worked example): draft with a month
# missing, the twelve months, settlement.csv rows worked out by hand, bad
# actuals files (exit 2, each named, nothing written), finalize / refusal /
# supersede, budget control of 追加交付, replay from the ledger alone after
# rules and data are deleted, a doctored settlement event (audit verify 4),
# explain, and the workbooks read back with openpyxl.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export KASAN_ACTOR=tester KASAN_NOW=2026-06-10T09:00:00Z
DATA=$SRCDIR/tests/e2e/settle-data
MONTHS="2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03"

finalize_months() { # DATA OUT RULES MONTHS...
    _d=$1 _o=$2 _r=$3
    shift 3
    for _m in "$@"; do
        "$KASAN" run --month "$_m" --data "$_d" --rules "$_r" --out "$_o" --no-workbooks \
            --quiet --finalize >/dev/null 2>&1 || fail "finalize $_m" "exit $?"
    done
}
row() { # CSV NURSERY → "annual,paid,difference" of its nurse_placement row
    awk -F, -v n="$2" '$2 == n && $3 == "nurse_placement" { print $5 "," $6 "," $7 }' "$1"
}

section "usage"
kasan settle --help
expect_rc 0 "settle --help"
for o in --fy --finalize --over-budget-reason --supersede --reason --issue-date; do
    expect_msg_contains "$o" "settle --help"
done
kasan --help
expect_msg_contains "settle" "kasan --help"
U=$(new_out usage-out)
for args in "" "--fy" "--fy 25x" "--fy 2025 --supersede" "--fy 2025 --finalize --supersede" \
    "--fy 2025 --over-budget-reason x" "--fy 2025 --issue-date 2026-13-01"; do
    # shellcheck disable=SC2086
    kasan settle --data "$DATA" --rules "$RULES" --out "$U" $args
    expect_rc 1 "settle $args"
done
expect_nothing_written "$U"
kasan replay --settlement 2025 --out "$U"
expect_rc 1 "replay --settlement without a ledger"

section "draft with March not finalized"
O=$(new_out out)
# 11 months: P001 基準額 11 × 440,000 = 4,840,000; min(4,840,000, 5,300,000,
# 5,300,000 − 200,000 = 5,100,000) = 4,840,000; paid 11 × 440,000 = 4,840,000
# → 0.  P002 11 × 231,150 = 2,542,650 → round_down 2,542,000; paid 11 ×
# 231,000 = 2,541,000 → 追加交付 1,000.
finalize_months "$DATA" "$O" "$RULES" 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 \
    2025-10 2025-11 2025-12 2026-01 2026-02
kasan settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O"
expect_rc 0 "draft settlement of 11 months"
expect_msg_contains "not finalized (not counted): 2026-03" "draft"
expect_eq "$(row "$O/settlement-2025/settlement.csv" P001)" "4840000,4840000,0" "P001 over 11 months"
expect_eq "$(row "$O/settlement-2025/settlement.csv" P002)" "2542000,2541000,1000" "P002 over 11 months"

section "the worked example: twelve months"
finalize_months "$DATA" "$O" "$RULES" 2026-03
kasan settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --issue-date 2026-06-10
expect_rc 0 "draft settlement"
CSV=$O/settlement-2025/settlement.csv
expect_plain_csv "$CSV"
expect_line "$CSV" 1 "fiscal_year,nursery_id,program,rule_version,annual_yen,paid_yen,difference_yen"
# P001: 基準額 12 × 440,000 = 5,280,000; 実支出額 5,300,000; 差引額 5,300,000 −
# 200,000 = 5,100,000; annual round_down(5,100,000, 1000) = 5,100,000; paid
# 440,000 × 12 = 5,280,000 → 5,100,000 − 5,280,000 = −180,000 (返還 180,000).
expect_line "$CSV" 2 "2025,P001,nurse_placement,2025-04,5100000,5280000,-180000"
# P002: 基準額 12 × 231,150 = 2,773,800; 実支出額 = 差引額 = 2,778,000; annual
# round_down(2,773,800, 1000) = 2,773,000; paid 231,000 × 12 = 2,772,000 →
# +1,000 (追加交付 1,000).  Program A is not settled: no rows.
expect_line "$CSV" 3 "2025,P002,nurse_placement,2025-04,2773000,2772000,1000"
expect_eq "$(wc -l < "$CSV" | tr -d ' ')" 3 "settlement.csv lines"
expect_msg_contains "total 追加交付 1,000 yen, 返還 180,000 yen" "summary"

section "workbooks read back"
$PY - "$O/settlement-2025" <<'PYEOF' && pass "settlement.xlsx and notices read back" || fail "workbooks" "see above"
import sys, openpyxl
d = sys.argv[1]
wb = openpyxl.load_workbook(d + "/settlement.xlsx")
assert wb.sheetnames == ["精算一覧", "検証"], wb.sheetnames
ws = wb["精算一覧"]
rows = [[c.value for c in r] for r in ws.iter_rows()]
head = next(r for r in rows if r and r[0] == "施設番号")
want = ["施設番号", "施設名", "事業", "版", "基準額（年額）", "実支出額（実績報告）", "差引額",
        "交付確定額（千円未満切り捨て）", "既交付額（概算払）", "追加交付額", "返還額"]
assert head == want, head
by_id = {r[0]: r for r in rows if r and r[0] in ("P001", "P002", "合計")}
# P001: 5,280,000 / 5,300,000 / 5,100,000 → annual 5,100,000, paid 5,280,000, 返還 180,000
assert by_id["P001"][4:] == [5280000, 5300000, 5100000, 5100000, 5280000, 0, 180000], by_id["P001"]
# P002: 2,773,800 / 2,778,000 / 2,778,000 → annual 2,773,000, paid 2,772,000, 追加交付 1,000
assert by_id["P002"][4:] == [2773800, 2778000, 2778000, 2773000, 2772000, 1000, 0], by_id["P002"]
# totals: annual 5,100,000 + 2,773,000 = 7,873,000; paid 5,280,000 + 2,772,000 = 8,052,000
assert by_id["合計"][7:] == [7873000, 8052000, 1000, 180000], by_id["合計"]
assert any(r[1] == "試算" or "試算" in str(r) for r in rows[:1]), "draft mark"
v = [[c.value for c in r] for r in wb["検証"].iter_rows()]
flat = [x for r in v for x in r if isinstance(x, str)]
assert "settlement/2025/actuals.csv" in flat, "actuals named"
assert any(len(x) == 64 and all(c in "0123456789abcdef" for c in x) for x in flat), "a SHA-256"
assert "nurse_placement/2025-04.yaml" in flat, "rule file"
# The notice of P001: its months, the computation, 返還 and its deadline.
n = openpyxl.load_workbook(d + "/notices/P001.xlsx")
ws = n.worksheets[0]
assert ws.title == "交付額確定通知書"
cells = [c.value for r in ws.iter_rows() for c in r if c.value is not None]
text = [c for c in cells if isinstance(c, str)]
assert any("令和7年度" in t and "交付額確定通知書" in t for t in text), "title"
assert "令和8年6月10日" in text, "issue date in 和暦"
assert "令和7年4月分" in text and "令和8年3月分" in text, "months in 和暦"
assert cells.count(440000) == 12, "twelve months paid 440,000"
assert "返還額" in text and 180000 in cells, "返還額 180,000"
assert "追加交付額" not in text, "no 追加交付 for P001"
# 返還期限: 令和8年6月10日 + 30 days (repayment_due_days) = 令和8年7月10日
assert any(t.startswith("令和8年7月10日") for t in text), "返還期限"
# the 算定方法 in words from the rules' descriptions, never a formula (issue 22)
assert "各月の基準額の合計" in text, "description shown"
assert not any("sum(" in t or "round_down" in t or "reported_" in t for t in text), "no formula"
assert any("第11条" in t for t in text), "basis"
assert not any("P002" in t or "大山ひかり" in t for t in text), "only P001's data"
assert ws.page_setup.paperSize in (9, "9") and ws.page_setup.orientation == "portrait", "A4 portrait"
n2 = openpyxl.load_workbook(d + "/notices/P002.xlsx").worksheets[0]
t2 = [c.value for r in n2.iter_rows() for c in r if c.value is not None]
assert "追加交付額" in t2 and 1000 in t2 and "返還期限" not in t2, "P002 追加交付 1,000"
PYEOF

section "explain --settlement"
kasan explain --settlement 2025 --nursery P001 --data "$DATA" --rules "$RULES" --out "$O"
expect_rc 0 "explain"
expect_msg_contains "annual_standard 基準額（年額） = 5,280,000 yen" "explain"
expect_msg_contains "annual_net_cost 差引額 = 5,100,000 yen" "explain"
expect_msg_contains "= sum(months, standard_amount)" "explain"
expect_msg_contains "返還 180,000 yen, due 30 days" "explain"

section "bad actuals: exit 2, each named, nothing written"
bad_actuals() { # NAME CONTENT — a data copy whose actuals.csv is CONTENT
    _d=$WORK/bad-$1
    rm -rf "$_d" && cp -r "$DATA" "$_d" && printf '%b' "$2" > "$_d/settlement/2025/actuals.csv"
    rm -rf "$O/settlement-2025"
    kasan settle --fy 2025 --data "$_d" --rules "$RULES" --out "$O"
    expect_rc 2 "$1"
    expect_nothing_written "$O/settlement-2025"
    if ls -a "$O" | grep -q '^\.settlement'; then fail "$1: no staging dir left" "$(ls -a "$O")"
    else pass "$1: no staging dir left"; fi
}
H='nursery_id,program,salary_cost,other_income\n'
bad_actuals missing "${H}P001,nurse_placement,5300000,200000\n"
expect_msg_contains "no line for nursery P002, program nurse_placement" "missing nursery"
bad_actuals missing_both "${H}"
expect_msg_contains "no line for nursery P001" "both missing"
expect_msg_contains "no line for nursery P002" "both missing"
bad_actuals extra "${H}P001,nurse_placement,5300000,200000\nP002,nurse_placement,2778000,\nP009,nurse_placement,100,\n"
expect_err_names "settlement/2025/actuals.csv" 4 "nursery P009 was not paid"
bad_actuals unsettled_program "${H}P001,nurse_placement,5300000,200000\nP002,nurse_placement,2778000,\nP001,acceptance_addon,1,\n"
expect_err_names "settlement/2025/actuals.csv" 4 "P001 was not paid under acceptance_addon"
bad_actuals negative "${H}P001,nurse_placement,-5300000,200000\nP002,nurse_placement,2778000,\n"
expect_err_names "settlement/2025/actuals.csv" 2 ":2:3: error: column 'salary_cost'"
bad_actuals text_yen "${H}P001,nurse_placement,5300000,二十万\nP002,nurse_placement,2778000,\n"
expect_err_names "settlement/2025/actuals.csv" 2 ":2:4: error: column 'other_income'"
bad_actuals duplicate "${H}P001,nurse_placement,5300000,200000\nP002,nurse_placement,2778000,\nP001,nurse_placement,5300000,200000\n"
expect_err_names "settlement/2025/actuals.csv" 4 "duplicate line: nursery P001, program nurse_placement is already reported on line 2"
bad_actuals no_column "nursery_id,program,other_income\nP001,nurse_placement,0\n"
expect_msg_contains "salary_cost" "missing column"
rm -rf "$WORK/nofile" && cp -r "$DATA" "$WORK/nofile" && rm "$WORK/nofile/settlement/2025/actuals.csv"
kasan settle --fy 2025 --data "$WORK/nofile" --rules "$RULES" --out "$O"
expect_rc 2 "no actuals file"
expect_nothing_written "$O/settlement-2025"

section "finalize, refusal, supersede"
# rules and data copies, deleted later to prove replay needs only the ledger
R2=$WORK/rules-copy D2=$WORK/data-copy
cp -r "$RULES" "$R2" && cp -r "$DATA" "$D2"
kasan settle --fy 2025 --data "$D2" --rules "$R2" --out "$O" --finalize --issue-date 2026-06-10
expect_rc 0 "finalize"
expect_msg_contains "finalized in the ledger: event 13" "finalize"
kasan settle --fy 2025 --data "$D2" --rules "$R2" --out "$O" --finalize
expect_rc 3 "second finalize refused"
expect_msg_contains "already finalized" "refusal"
# SPEC 1.4: the refusal is itself event 14 (13 was the settlement), by the actor
expect_msg_contains "the refusal is recorded in the audit trail: event 14" "refusal event named"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT seq || '|' || action || '|' || actor || '|' || json_extract(payload, '$.code') || '|' || json_extract(payload, '$.fiscal_year') || '|' || json_extract(payload, '$.requested') FROM events ORDER BY seq DESC LIMIT 1")" \
    "14|refuse|tester|already_finalized|2025|settle" "already-finalized refusal recorded"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '$.reason') FROM events WHERE seq = 14" | grep -c 'already finalized')" 1 "refusal reason recorded"
"$KASAN" audit export --out "$O" | grep '"action":"refuse"' | grep -q '"fiscal_year":2025' \
    && pass "audit export shows the settlement refusal" || fail "audit export" "no settlement refusal"
kasan audit report --fy 2025 --out "$O"
expect_rc 0 "audit report with the settlement refusal"
$PY - "$O/audit-2025.xlsx" <<'PYEOF' && pass "audit report shows the settlement refusal" || fail "audit report" "see above"
import sys, openpyxl
rows = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1])["事象一覧"].iter_rows(min_row=5)]
r = rows[-1]
assert r[0] == 14 and r[2] == "tester" and r[3] == "精算の確定の拒否\nrefuse" and r[4] == "精算 2025年度", r
assert r[7] == "拒否の理由：令和7年度の精算は既に確定しているため（修正には --supersede と理由が必要）", r[7]
PYEOF
kasan settle --fy 2025 --data "$D2" --rules "$R2" --out "$O"
expect_rc 3 "draft over a finalized settlement refused"
kasan settle --fy 2025 --data "$D2" --rules "$R2" --out "$O" --supersede --reason x
expect_rc 1 "--supersede without --finalize is a usage error"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM events WHERE action LIKE 'settle%'")" 1 "one settlement event"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '$.repayment_yen') || '/' || json_extract(payload, '$.additional_yen') FROM events WHERE action = 'settle'")" "180000/1000" "event totals"
kasan audit verify --out "$O"
expect_rc 0 "audit verify after the settlement"

section "replay --settlement from the ledger alone"
rm -rf "$R2" "$D2"
kasan replay --settlement 2025 --out "$O"
expect_rc 0 "replay with rules and data deleted"
expect_msg_contains "2 settlement rows identical, 0 differences" "replay"
# the audit report replays the settlement too, as the 再計算 sheet's last row
# (after the twelve months: rows 5..16, the settlement row 17)
kasan audit report --fy 2025 --out "$O"
expect_rc 0 "audit report with the settlement, rules and data deleted"
expect_msg_contains "12 finalized months and the settlement replayed (13 identical)" "audit report counts the settlement"
SID=$(sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '$.settle_id') FROM events WHERE action = 'settle'")
$PY - "$O/audit-2025.xlsx" "$SID" <<'PYEOF' && pass "再計算 has the settlement's replay" || fail "再計算 settlement row" "see above"
import sys, openpyxl
rows = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1])["再計算"].iter_rows(min_row=5) if r[0].value]
assert len(rows) == 13, len(rows)
assert [r[0] for r in rows[:12]] == ["2025-%02d" % m for m in range(4, 13)] + ["2026-01", "2026-02", "2026-03"], [r[0] for r in rows]
last = rows[-1]
assert last[0] == "精算 FY2025" and last[1] == sys.argv[2] and sys.argv[2], last
assert last[2] == "一致", last
assert "精算の行 2 行が一致、相違 0 件" in last[3].split("\n"), last[3]
PYEOF

section "restore --settlement from the ledger alone"
# rules and data still deleted: OUT/settlement-2025 lost, then republished
# byte-identical (settlement.csv) with its workbook and the notices
cp "$O/settlement-2025/settlement.csv" "$WORK/settlement-first.csv"
NOTICES=$(cd "$O/settlement-2025/notices" && ls | tr '\n' ' ')
kasan restore --settlement 2025 --out "$O"
expect_rc 0 "restore with the outputs in place"
expect_msg_contains "nothing to restore" "outputs in place are kept"
rm -rf "$O/settlement-2025"
kasan restore --settlement 2025 --out "$O"
expect_rc 0 "restore a deleted settlement"
expect_msg_contains "restored $O/settlement-2025/ from the ledger: settlement settle-2025-" "restore says what"
expect_same_file "$WORK/settlement-first.csv" "$O/settlement-2025/settlement.csv" "settlement.csv byte-identical"
[ -f "$O/settlement-2025/settlement.xlsx" ] && pass "settlement.xlsx restored" || fail "settlement.xlsx restored" "missing"
expect_eq "$(cd "$O/settlement-2025/notices" && ls | tr '\n' ' ')" "$NOTICES" "the same notices restored"
kasan restore --settlement 2024 --out "$O"
expect_rc 1 "restore of a year never settled"
expect_msg_contains "FY2024: no finalized settlement in the ledger" "says so"
kasan restore --settlement 2025 --month 2025-04 --out "$O"
expect_rc 1 "--settlement with --month"

section "supersede"
kasan settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --finalize --supersede \
    --reason "実績報告の訂正"
expect_rc 0 "supersede"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '$.supersede_reason') FROM events WHERE action = 'settle_supersede'")" "実績報告の訂正" "reason recorded"
kasan replay --settlement 2025 --out "$O"
expect_rc 0 "replay of the superseding settlement"
# OUT/settlement-2025 holding the superseded settlement's outputs: restore
# puts the current (superseding) one's back
cp -r "$O/settlement-2025" "$WORK/settlement-superseding"
rm -rf "$O/settlement-2025/settlement.csv" && cp "$WORK/settlement-first.csv" "$O/settlement-2025/settlement.csv"
kasan restore --settlement 2025 --out "$O"
expect_rc 0 "restore over the superseded settlement's outputs"
expect_msg_contains "restored" "republished"
expect_same_file "$WORK/settlement-superseding/settlement.csv" "$O/settlement-2025/settlement.csv" "the superseding settlement.csv back"

section "a doctored settlement event"
T=$WORK/tampered
cp -r "$O" "$T"
sqlite3 "$T/ledger.sqlite" "DROP TRIGGER IF EXISTS events_no_update;
  UPDATE events SET payload = replace(payload, '\"annual_yen\":5100000', '\"annual_yen\":5280000')
  WHERE action = 'settle'"
expect_eq "$(sqlite3 "$T/ledger.sqlite" "SELECT count(*) FROM events WHERE payload LIKE '%5280000,\"difference_yen\":-180000%'")" 1 "payload doctored"
kasan audit verify --out "$T"
expect_rc 4 "audit verify finds the doctored settlement"

section "budget control of 追加交付"
# Settled on 20 May 2026, before FY2025's 出納閉鎖 (31 May): the 追加交付 is
# FY2025's own expenditure, held to FY2025's line (after the closing it is
# FY2026's: closing.sh).
BEFORE_CLOSE=2026-05-20T09:00:00Z
# FY2025 paid: A 6 × 2 × 50,000 + 6 × 2 × 55,000 = 1,260,000; B 12 × (440,000
# + 231,000) = 8,052,000; total 9,312,000.  A line of exactly 9,312,000 takes
# the twelve months; 追加交付 1,000 goes over it by 1,000.
R3=$WORK/rules-tight
cp -r "$RULES" "$R3"
sed -i 's/^amount: .*/amount: 9312000/' "$R3/budget/fy2025.yaml"
O3=$(new_out out-tight)
finalize_months "$DATA" "$O3" "$R3" $MONTHS
KASAN_NOW=$BEFORE_CLOSE kasan settle --fy 2025 --data "$DATA" --rules "$R3" --out "$O3" --finalize
expect_rc 3 "追加交付 over the line refused"
expect_msg_contains "1,000 yen over" "over by"
expect_nothing_written "$O3/settlement-2025"
last_refusal() { sqlite3 "$1/ledger.sqlite" "SELECT action || '|' || actor || '|' || json_extract(payload, '$.code') || '|' || json_extract(payload, '$.fiscal_year') FROM events ORDER BY seq DESC LIMIT 1"; }
expect_eq "$(last_refusal "$O3")" "refuse|tester|over_budget|2025" "over-budget refusal recorded"
# no budget line for FY2025 at all: refused, recorded (SPEC 1.4)
R4=$WORK/rules-noline
cp -r "$RULES" "$R4" && rm "$R4/budget/fy2025.yaml"
KASAN_NOW=$BEFORE_CLOSE kasan settle --fy 2025 --data "$DATA" --rules "$R4" --out "$O3" --finalize
expect_rc 3 "追加交付 with no budget line refused"
expect_msg_contains "no budget line for FY2025" "no budget line"
expect_eq "$(last_refusal "$O3")" "refuse|tester|no_budget_line|2025" "no-budget-line refusal recorded"
KASAN_NOW=$BEFORE_CLOSE kasan settle --fy 2025 --data "$DATA" --rules "$R3" --out "$O3" --finalize --over-budget-reason "補正予算"
expect_rc 0 "with a reason"
expect_eq "$(sqlite3 "$O3/ledger.sqlite" "SELECT json_extract(payload, '$.over_budget_reason') || '/' || json_extract(payload, '$.overrun_yen') FROM events WHERE action = 'settle'")" "補正予算/1000" "override recorded"

section "the sample ward's year"
SW=$SRCDIR/fixtures/sample-ward
OS=$(new_out out-sample)
# March takes the year over its line (fixtures/sample-ward/README.md): reason given.
"$KASAN" run --fy 2025 --finalize --no-workbooks --quiet --data "$SW" --rules "$RULES" \
    --out "$OS" --over-budget-reason "補正予算" >/dev/null 2>&1 || fail "sample year" "exit $?"
kasan settle --fy 2025 --data "$SW" --rules "$RULES" --out "$OS"
expect_rc 0 "sample ward settlement draft"
# The four nurseries paid under B (P011, P020, P023, P040) each have a line.
expect_eq "$(tail -n +2 "$OS/settlement-2025/settlement.csv" | cut -d, -f2 | tr '\n' ' ')" \
    "P011 P020 P023 P040 " "settled nurseries"
# P040 claims one full-time nurse October–March with other_income 300,000 a
# month, so each month's B is salary_cost − 300,000 (whole thousands, under
# the 440,000 cap): paid = 2,134,000 − 6 × 300,000 = 334,000.  Annual: min(6 ×
# 440,000, 2,134,000, 2,134,000 − 1,800,000) = 334,000 → difference 0.
expect_eq "$(row "$OS/settlement-2025/settlement.csv" P040)" "334000,334000,0" "P040"
# P023 closed on 2025-09-30: one part-time 保健師 April–September, other_income
# 60,000 a month.  Monthly (standard = hours × 2,300; B = round_down(min(
# standard, salary, salary − 60,000), 1000)): Apr 39.5 h 90,850 / 86,900 →
# 26,000; May 42 h 96,600 / 92,400 → 32,000; Jun 38 h 87,400 / 83,600 →
# 23,000; Jul 39 h 89,700 / 85,800 → 25,000; Aug 38.5 h 88,550 / 84,700 →
# 24,000; Sep 43.25 h 99,475 / 95,150 → 35,000: paid 165,000, 基準額 552,575.
# Its report (those six months): salary_cost 528,550, other_income 360,000;
# annual = round_down(min(552,575, 528,550, 168,550), 1000) = 168,000 → 3,000.
expect_eq "$(row "$OS/settlement-2025/settlement.csv" P023)" "168000,165000,3000" "P023"
if printf '%s' "$ERR_TXT" | grep -q 'warning:'; then fail "no warning on the sample's report" "$ERR_TXT"
else pass "no warning on the sample's report"; fi

section "actuals that count months the nursery was not active"
# The sample's report once counted P023's October too (its October line was
# rejected, nursery_inactive): 619,850 and 420,000 (7 × 60,000), so annual
# round_down(min(552,575, 619,850, 199,850), 1000) = 199,000 → 追加交付 34,000
# instead of 3,000.  Without a period the settlement cannot know: it warns
# because P023 claimed for October, when it was not active (and P040, which
# claimed for June before opening on 2025-07-01).
SWA=$WORK/sample-actuals
cp -r "$SW" "$SWA"
A=$SWA/settlement/2025/actuals.csv
printf '%s\n' 'nursery_id,program,salary_cost,other_income' \
    "$(sed -n 2p "$SW/settlement/2025/actuals.csv" | cut -d, -f1-4)" \
    "$(sed -n 3p "$SW/settlement/2025/actuals.csv" | cut -d, -f1-4)" \
    'P023,nurse_placement,619850,420000' \
    "$(sed -n 5p "$SW/settlement/2025/actuals.csv" | cut -d, -f1-4)" > "$A"
kasan settle --fy 2025 --data "$SWA" --rules "$RULES" --out "$OS"
expect_rc 0 "a report without a period"
expect_eq "$(row "$OS/settlement-2025/settlement.csv" P023)" "199000,165000,34000" "P023 with October"
expect_msg_contains "settlement/2025/actuals.csv:4: warning: P023 nurse_placement: claims were sent for 2025-10, when the nursery was not active (1974-04-01..2025-09-30)"
expect_msg_contains "salary_cost 619,850 yen and other_income 420,000 yen"
expect_msg_contains "settlement/2025/actuals.csv:5: warning: P040 nurse_placement: claims were sent for 2025-06, when the nursery was not active (2025-07-01..)"
expect_eq "$(printf '%s\n' "$ERR_TXT" | grep -c 'warning:')" 2 "two warnings"
# With the period the report gives, its months are checked against the
# registry's active period: October is out of P023's.
sed -i '1s/$/,period_from,period_to/; 2s/$/,2025-04,2026-03/; 3s/$/,2025-12,2026-03/; 4s/$/,2025-04,2025-10/; 5s/$/,2025-10,2026-03/' "$A"
kasan settle --fy 2025 --data "$SWA" --rules "$RULES" --out "$OS"
expect_rc 0 "a report whose period covers October"
expect_msg_contains "settlement/2025/actuals.csv:4: warning: P023 nurse_placement: the actuals report's period covers 2025-10, when the nursery was not active (1974-04-01..2025-09-30)"
expect_eq "$(printf '%s\n' "$ERR_TXT" | grep -c 'warning:')" 1 "one warning (P040's period starts in October)"
kasan explain --settlement 2025 --nursery P023 --data "$SWA" --rules "$RULES" --out "$OS"
expect_msg_contains "actuals.csv:4: warning: P023" "explain --settlement shows it"
# a period outside the fiscal year is an error
sed -i '4s/,2025-04,2025-10$/,2025-03,2025-09/' "$A"
kasan settle --fy 2025 --data "$SWA" --rules "$RULES" --out "$OS"
expect_rc 2 "a period from 2025-03"
expect_msg_contains "settlement/2025/actuals.csv:4: error: nursery P023: the period 2025-03..2025-09 is not within FY2025 (2025-04..2026-03)"
sed -i '4s/,2025-03,2025-09$/,2025-09,/' "$A"
kasan settle --fy 2025 --data "$SWA" --rules "$RULES" --out "$OS"
expect_rc 2 "a period with one end"
expect_msg_contains "settlement/2025/actuals.csv:4:6: error: column 'period_to': empty, but period_from is given"
# the sample's own report again
kasan settle --fy 2025 --data "$SW" --rules "$RULES" --out "$OS"
expect_rc 0 "sample ward settlement draft again"

KASAN_NOW=$BEFORE_CLOSE kasan settle --fy 2025 --data "$SW" --rules "$RULES" --out "$OS" --finalize
expect_rc 3 "the year is over its line: 追加交付 refused without a reason"
KASAN_NOW=$BEFORE_CLOSE kasan settle --fy 2025 --data "$SW" --rules "$RULES" --out "$OS" --finalize --over-budget-reason "補正予算"
expect_rc 0 "finalized with a reason"
kasan replay --settlement 2025 --out "$OS"
expect_rc 0 "sample ward settlement replays"

finish
