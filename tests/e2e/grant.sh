#!/usr/bin/env bash
# grant.sh — the grant decision in the ledger and payments within it (issue
# 24, docs/spec/12-grant-decision.md §12.3–12.5, §12.9): `kasan decide
# --finalize` recording the decision (refused twice, over the 予算現額, or
# with no line), `--amend --nursery --reason` (変更交付決定) with its
# difference and notice, refused below what was paid; the sample ward's
# months paid within the decision until January 2026, when P002 passes its
# decision (refused, exit 3, naming it; then paid on --over-decision-reason,
# recorded); a year without a decision refused unless its budget file says
# grant_decision: none.  Every figure is worked out by hand in the comments.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export KASAN_NOW=2026-04-01T09:00:00Z
DATA=$SRCDIR/tests/e2e/decide-data
AMENDED=$SRCDIR/tests/e2e/decide-data-amended
SAMPLE=$SRCDIR/fixtures/sample-ward

# events OUT ACTION KEY — the payload's KEY of every event ACTION, one a line
events() {
    "$PY" - "$1/ledger.sqlite" "$2" "$3" <<'PYEOF'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for (p,) in db.execute("SELECT payload FROM events WHERE action = ? ORDER BY seq", (sys.argv[2],)):
    v = json.loads(p)
    for k in sys.argv[3].split("."):
        v = v[k] if isinstance(v, dict) else v[int(k)]
    print(v if not isinstance(v, (dict, list)) else json.dumps(v, sort_keys=True))
PYEOF
}

section "usage"
U=$(new_out usage)
for args in "--fy 2025 --amend --reason x" "--fy 2025 --amend --nursery P101" \
    "--fy 2025 --reason x" "--fy 2025 --finalize --amend --nursery P101 --reason x" \
    "--fy 2025 --actor someone"; do
    # shellcheck disable=SC2086
    kasan decide --data "$DATA" --rules "$RULES" --out "$U" $args
    expect_rc 1 "decide $args"
done
kasan run --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$U" --over-decision-reason x
expect_rc 1 "--over-decision-reason without --finalize"
expect_nothing_written "$U"

section "the worked example recorded (decide-data)"
O=$(new_out ex)
kasan decide --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --finalize --quiet
expect_rc 0 "decide --finalize"
# §12.9: P101 6,450,000 + P102 3,322,258 + P103 3,630,000 = 13,402,258
expect_eq "$(events "$O" decide total_yen)" 13402258 "recorded total"
expect_eq "$(events "$O" decide committed_yen)" 13402258 "負担行為額 after it"
expect_eq "$(events "$O" decide current_budget_yen)" 16444000 "予算現額 (no amendment)"
# P102 A: 6 × 100,000 + 192,258 + 5 × 230,000 = 1,942,258; October 192,258
expect_eq "$("$PY" - "$O/ledger.sqlite" <<'PYEOF'
import json, sqlite3, sys
p = json.loads(sqlite3.connect(sys.argv[1]).execute(
    "SELECT payload FROM events WHERE action = 'decide'").fetchone()[0])
r = [r for r in p["rows"] if r["nursery_id"] == "P102" and r["program"] == "acceptance_addon"][0]
print(r["annual_yen"], r["months"][6], len(p["rows"]), len([f for f in p["files"] if f["role"] == "rules"]) > 0)
PYEOF
)" "1942258 192258 6 True" "P102 A's row, six rows, rules archived"
expect_msg_contains "確定 finalized" "the summary says finalized"
expect_msg_contains "負担行為額 0 → 13,402,258" "the commitment shown"
kasan audit verify --out "$O"
expect_rc 0 "audit verify after the decision"

kasan decide --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --finalize --quiet
expect_rc 3 "a second decision of FY2025"
expect_msg_contains "already recorded" "second decision"
expect_eq "$(events "$O" refuse code)" "already_finalized" "the refusal recorded"

section "変更交付決定 (decide-data-amended)"
kasan decide --fy 2025 --data "$AMENDED" --rules "$RULES" --out "$O" --amend --nursery P102 \
    --reason "K005 starts 1 December" --quiet
expect_rc 0 "amend P102"
# §12.9: A = 600,000 + 2 × 110,000 + 4 × 230,000 = 1,740,000 (was 1,942,258):
# −202,258; B unchanged 1,380,000; P102 3,322,258 → 3,120,000
expect_msg_contains "1,942,258 →      1,740,000 yen  (-202,258)" "A's difference"
expect_msg_contains "3,322,258 →      3,120,000 yen  (-202,258)" "the nursery's difference"
expect_eq "$(events "$O" decide_amend difference_yen)" -202258 "recorded difference"
expect_eq "$(events "$O" decide_amend previous_yen)" 3322258 "recorded previous"
# 13,402,258 − 202,258 = 13,200,000
expect_eq "$(events "$O" decide_amend committed_yen)" 13200000 "負担行為額 after the amendment"
expect_eq "$(events "$O" decide_amend reason)" "K005 starts 1 December" "reason recorded"
SEQ=$(events "$O" decide_amend fiscal_year >/dev/null; "$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT seq FROM events WHERE action='decide_amend'\").fetchone()[0])" "$O/ledger.sqlite")
N=$O/decisions-2025-amendments/P102-$SEQ.xlsx
if [ -f "$N" ]; then pass "notice $N written"; else fail "amendment notice" "no $N"; fi
"$PY" - "$N" <<'PYEOF' && pass "the notice: 変更交付決定通知書, before/after/difference" || fail "notice contents" "see above"
import sys, zipfile, re
z = zipfile.ZipFile(sys.argv[1])
ss = z.read("xl/sharedStrings.xml").decode()
sheet = z.read("xl/worksheets/sheet1.xml").decode()
assert "変更交付決定通知書" in ss, "title"
assert "変更の内容" in ss and "変更前" in ss and "増減" in ss, "the difference table"
nums = set(re.findall(r"<v>(-?\d+)</v>", sheet))
for v in ("1942258", "1740000", "-202258", "3322258", "3120000"):
    assert v in nums, v
PYEOF
kasan decide --fy 2025 --data "$AMENDED" --rules "$RULES" --out "$O" --amend --nursery P109 \
    --reason x --quiet
expect_rc 2 "amend a nursery with neither decision nor application"
expect_msg_contains "P109" "names the nursery"
kasan audit verify --out "$O"
expect_rc 0 "audit verify after the amendment"

section "a decision over the 予算現額, and no line"
R=$WORK/rules-13m
cp -r "$RULES" "$R"
sed -i 's/^amount: 16444000/amount: 13000000/' "$R/budget/fy2025.yaml"
O2=$(new_out over)
kasan decide --fy 2025 --data "$DATA" --rules "$R" --out "$O2" --finalize --quiet
expect_rc 3 "decision over the line"
# 13,402,258 − 13,000,000 = 402,258 over
expect_msg_contains "over its 予算現額 of 13000000 yen by 402258 yen" "the shortfall named"
expect_eq "$(events "$O2" refuse code)" over_budget "refusal code"
expect_eq "$(events "$O2" decide total_yen)" "" "no decision recorded"
if [ -e "$O2/decisions-2025" ]; then fail "refused decision publishes nothing" "decisions-2025 exists"
else pass "refused decision publishes nothing"; fi
R2=$WORK/rules-noline
cp -r "$RULES" "$R2"
rm "$R2/budget/fy2025.yaml"
O3=$(new_out noline)
kasan decide --fy 2025 --data "$DATA" --rules "$R2" --out "$O3" --finalize --quiet
expect_rc 3 "decision without a budget line"
expect_eq "$(events "$O3" refuse code)" no_budget_line "refusal code"

section "the sample ward paid within its decision"
S=$(new_out sample)
kasan decide --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$S" --finalize --quiet
expect_rc 0 "the sample ward decided"
# fixtures/sample-ward/README.md: A 9,929,077 + B 6,437,000 = 16,366,077
expect_eq "$(events "$S" decide total_yen)" 16366077 "the sample ward's decision"
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12; do
    kasan run --month "$m" --data "$SAMPLE" --rules "$RULES" --out "$S" --finalize --no-workbooks --quiet
    expect_rc 0 "$m within the decision"
done
kasan run --month 2026-01 --data "$SAMPLE" --rules "$RULES" --out "$S" --finalize --no-workbooks --quiet
expect_rc 3 "January 2026 pays P002 beyond its decision"
# P002's decision 1,650,000 (no application for C0003, who joins in
# October); paid April–December 1,470,000; January 230,000: 1,470,000 +
# 230,000 − 1,650,000 = 50,000 beyond
expect_msg_contains "would pay P002 beyond its grant decision (交付決定): decided 1,650,000 yen, paid so far 1,470,000 yen, this month 230,000 yen, 50,000 yen beyond it" "the refusal names P002 and its figures"
expect_msg_contains "--amend --nursery P002" "hints at the amendment"
expect_msg_contains "--over-decision-reason" "names the override"
expect_eq "$(events "$S" refuse code)" over_decision "refusal code recorded"
if [ -e "$S/2026-01" ]; then fail "refused month publishes nothing" "2026-01 exists"
else pass "refused month publishes nothing"; fi
kasan run --month 2026-01 --data "$SAMPLE" --rules "$RULES" --out "$S" --finalize --no-workbooks \
    --over-decision-reason "変更交付申請を受付済み"
expect_rc 0 "January paid on the override"
expect_msg_contains "P002, decided 1,650,000 yen, 50,000 yen beyond" "the override said"
expect_eq "$(events "$S" over_decision nurseries)" \
    '[{"decided_yen": 1650000, "nursery_id": "P002", "paid_before_yen": 1470000, "shortfall_yen": 50000, "this_month_yen": 230000}]' \
    "the over_decision event"
expect_eq "$(events "$S" over_decision reason)" "変更交付申請を受付済み" "its reason"
kasan audit verify --out "$S"
expect_rc 0 "audit verify"

section "the budget line as the ward keeps it: 流用 and the five figures (§12.9)"
B=$(new_out ward)
kasan decide --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$B" --finalize --quiet
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12; do
    kasan run --month "$m" --data "$SAMPLE" --rules "$RULES" --out "$B" --finalize --no-workbooks --quiet
done
AP=$(new_data app-p002)
cp "$SAMPLE/nurseries.csv" "$AP/"
mkdir -p "$AP/applications/2025"
cp "$SAMPLE/applications/2025/"*.csv "$AP/applications/2025/"
printf 'P002,C0003,insulin,2025-10-01,\n' >> "$AP/applications/2025/children.csv"
kasan decide --fy 2025 --data "$AP" --rules "$RULES" --out "$B" --amend --nursery P002 \
    --reason "C0003 joins in October" --quiet
expect_rc 3 "P002's amendment before the 流用"
# +6 × (55,000 + 30,000) = +510,000: 16,366,077 + 510,000 = 16,876,077,
# 16,876,077 − 16,444,000 = 432,077 over the 予算現額
expect_msg_contains "would commit 16876077 yen of FY2025's line R7-kasan, over its 予算現額 of 16444000 yen by 432077 yen" "the shortfall"
for bad in "--kind 流用 --amount 0 --reason x" "--kind 充用 --amount -1000 --reason x" \
    "--kind 移用 --amount 1000 --reason x" "--kind 流用 --amount 1,000 --reason x" \
    "--kind 流用 --amount 1000" "--kind 流用 --reason x"; do
    # shellcheck disable=SC2086
    kasan budget amend --fy 2025 --out "$B" --rules "$RULES" $bad
    expect_rc 1 "budget amend $bad"
done
kasan budget amend --fy 2025 --kind 流用 --amount -100000 --reason "out" --out "$B" --rules "$RULES"
expect_rc 3 "a 流用 out below the 負担行為額"
# 16,444,000 − 100,000 = 16,344,000 < 16,366,077 committed
expect_msg_contains "from 16444000 to 16344000 yen" "the line it would leave"
kasan budget amend --fy 2025 --kind 流用 --amount +500000 --reason "款項内流用" --date 2026-01-10 \
    --out "$B" --rules "$RULES"
expect_rc 0 "流用 +500,000"
expect_msg_contains "予算現額 16,444,000 → 16,944,000 yen" "the line raised"
kasan decide --fy 2025 --data "$AP" --rules "$RULES" --out "$B" --amend --nursery P002 \
    --reason "C0003 joins in October" --quiet
expect_rc 0 "P002's amendment after the 流用"
expect_msg_contains "1,650,000 →      2,160,000 yen  (+510,000)" "P002's difference"
for m in 2026-01 2026-02 2026-03; do
    kasan run --month "$m" --data "$SAMPLE" --rules "$RULES" --out "$B" --finalize --no-workbooks --quiet
    expect_rc 0 "$m within the amended decision and the amended line"
done
kasan budget --fy 2025 --out "$B" --rules "$RULES"
expect_rc 0 "kasan budget"
# §12.9: 予算現額 16,444,000 + 500,000 = 16,944,000; 負担行為額 16,366,077 +
# 510,000 = 16,876,077; 支出済額 the twelve months 16,657,077; 未払
# 16,876,077 − 16,657,077 = 219,000; 執行残 16,944,000 − 16,876,077 = 67,923
expect_msg_contains "当初予算         16,444,000 yen" "当初予算"
expect_msg_contains "流用             +500,000 yen  2026-01-10" "the amendment listed"
expect_msg_contains "予算現額         16,944,000 yen" "予算現額"
expect_msg_contains "負担行為額       16,876,077 yen" "負担行為額"
expect_msg_contains "支出済額         16,657,077 yen" "支出済額"
expect_msg_contains "未払                219,000 yen" "未払"
expect_msg_contains "執行残               67,923 yen" "執行残"
if printf '%s' "$OUT_TXT" | grep -q "over the line"; then fail "no month over the amended line" "$OUT_TXT"
else pass "no month flagged over the amended line"; fi
# the 予算 sheet of a month's payments.xlsx: the same five figures as they
# stood when the month was finalized (restored from the ledger here)
ward_cells() {
    "$PY" - "$1" <<'PYEOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["予算"]
rows = [r for r in ws.iter_rows(values_only=True)]
start = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("予算の現況"))
got = {}
for r in rows[start + 1:]:
    if r[0] is None:
        break
    got[r[0]] = r[1]
print(" ".join("%s=%s" % (k, v) for k, v in got.items()))
PYEOF
}
rm -rf "$B/2026-03"; kasan restore --month 2026-03 --out "$B" --rules "$RULES"
expect_rc 0 "March's workbooks restored"
expect_eq "$(ward_cells "$B/2026-03/payments.xlsx")" \
    "当初予算=16444000 流用=500000 予算現額=16944000 負担行為額=16876077 支出済額=16657077 未払=219000 執行残=67923" \
    "March's 予算 sheet: the five figures of §12.9"
# December, before the 流用 and P002's amendment: 予算現額 16,444,000;
# 負担行為額 16,366,077; 支出済額 April–December 16,657,077 − (January
# 1,591,999 + February 1,533,000 + March 1,601,000) = 11,931,078; 未払
# 16,366,077 − 11,931,078 = 4,434,999; 執行残 16,444,000 − 16,366,077 = 77,923
rm -rf "$B/2025-12"; kasan restore --month 2025-12 --out "$B" --rules "$RULES"
expect_rc 0 "December's workbooks restored"
expect_eq "$(ward_cells "$B/2025-12/payments.xlsx")" \
    "当初予算=16444000 予算現額=16444000 負担行為額=16366077 支出済額=11931078 未払=4434999 執行残=77923" \
    "December's 予算 sheet: the figures as they stood then"
expect_eq "$(events "$B" budget_amend kind)" "流用" "the budget_amend event"
kasan audit verify --out "$B"
expect_rc 0 "audit verify"

section "a decision amended below what was paid"
LOW=$(new_data low)
cp "$SAMPLE/nurseries.csv" "$LOW/"
mkdir -p "$LOW/applications/2025"
for f in children.csv nurses.csv; do
    grep -v '^P002,' "$SAMPLE/applications/2025/$f" > "$LOW/applications/2025/$f"
done
kasan decide --fy 2025 --data "$LOW" --rules "$RULES" --out "$S" --amend --nursery P002 \
    --reason "取消" --quiet
expect_rc 3 "P002 amended to 0 after 1,700,000 paid"
# paid April–January: 1,470,000 + 230,000 = 1,700,000; amended 0: 1,700,000 below
expect_msg_contains "below the 1700000 yen it has already been paid in FY2025, by 1700000 yen" \
    "names what was paid"

section "signed once an operators file is in force"
PASS=$WORK/pass
printf 'correct horse battery staple\n' > "$PASS"
chmod 600 "$PASS"
export KASAN_KEYS=$WORK/keys
unset KASAN_OPERATOR KASAN_ACTOR
L_TANAKA=$("$KASAN" operator keygen --id tanaka --passphrase-file "$PASS" 2>/dev/null)
L_SUZUKI=$("$KASAN" operator keygen --id suzuki --passphrase-file "$PASS" 2>/dev/null)
L_SATO=$("$KASAN" operator keygen --id sato --passphrase-file "$PASS" 2>/dev/null)
RS=$WORK/rules-signed
cp -r "$RULES" "$RS"
mkdir -p "$RS/operators"
cat > "$RS/operators/2025-04.yaml" <<YEOF
kind: operators
version: "2025-04"
title: 保育サービス課 操作者
effective_from: 2025-04-01
basis: 板橋区事務分掌規則・会計事務規則
operators:
  - id: tanaka
    name: 田中 花子
    post: 保育サービス課 給付係 主事
    roles: [draft, approve, pay]
    key: $L_TANAKA
    valid_from: 2025-04-01
  - id: suzuki
    name: 鈴木 三郎
    post: 会計管理者
    roles: [pay, audit]
    key: $L_SUZUKI
    valid_from: 2025-04-01
  - id: sato
    name: 佐藤 一郎
    post: 保育サービス課長
    roles: [approve]
    key: $L_SATO
    valid_from: 2025-04-01
YEOF
SG=$(new_out signed)
kasan decide --fy 2025 --data "$DATA" --rules "$RS" --out "$SG" --finalize --quiet
expect_rc 3 "an unsigned decision while operators are in force"
kasan decide --fy 2025 --data "$DATA" --rules "$RS" --out "$SG" --finalize --quiet \
    --operator suzuki --passphrase-file "$PASS"
expect_rc 3 "a decision by an operator without the draft role"
expect_eq "$(events "$SG" decide total_yen)" "" "nothing decided"
expect_eq "$(events "$SG" refuse code | tail -n 1)" lacks_role "the refusal recorded"
kasan decide --fy 2025 --data "$DATA" --rules "$RS" --out "$SG" --finalize --quiet \
    --operator tanaka --passphrase-file "$PASS"
expect_rc 0 "the decision drafted and signed by tanaka"
expect_eq "$(events "$SG" decide signer.operator)" tanaka "signer"
expect_eq "$(events "$SG" decide signer.role)" draft "signed in the draft role"
kasan budget amend --fy 2025 --kind 補正 --amount +1000 --reason "補正予算第1号" --out "$SG" \
    --rules "$RS" --operator tanaka --passphrase-file "$PASS"
expect_rc 0 "a budget amendment signed"
expect_eq "$(events "$SG" budget_amend signer.operator)" tanaka "its signer"
kasan audit verify --out "$SG" --rules "$RS"
expect_rc 0 "audit verify checks the signatures"

section "the approval (決裁) of the decision and of the line's amendment"
# Signed, not yet approved: neither counts.  decide-data's decision is
# 13,402,258 (P101 6,450,000 + P102 3,322,258 + P103 3,630,000, §12.9).
kasan budget --fy 2025 --out "$SG" --rules "$RS"
expect_msg_contains "予算現額         16,444,000 yen" "the 補正 awaiting approval: not in the 予算現額"
expect_msg_contains "負担行為額                0 yen  (no grant decision recorded)" "the decision awaiting approval commits nothing"
expect_msg_contains "grant decision (交付決定), drafted by tanaka  (kasan approve --decision 2025)" "listed as 未決裁"
BA=$(sqlite3 "$SG/ledger.sqlite" "SELECT seq FROM events WHERE action = 'budget_amend'")
expect_msg_contains "event $BA  budget amendment +1,000 yen, drafted by tanaka  (kasan approve --budget-amend 2025 --event $BA)" "the amendment listed"
# its notices were sent when it was recorded: a draft over them is refused
# while it awaits approval too
kasan decide --fy 2025 --data "$DATA" --rules "$RS" --out "$SG" --quiet
expect_rc 3 "a draft over the decision awaiting approval"
expect_msg_contains "would overwrite them" "says why"
kasan approve --decision 2025 --out "$SG" --rules "$RS" --operator tanaka --passphrase-file "$PASS"
expect_rc 3 "the drafter does not approve their own decision"
expect_eq "$(events "$SG" refuse code | tail -n 1)" own_draft "the refusal recorded"
kasan approve --decision 2025 --out "$SG" --rules "$RS" --operator suzuki --passphrase-file "$PASS"
expect_rc 3 "an operator without the approve role"
expect_eq "$(events "$SG" refuse code | tail -n 1)" lacks_role "recorded"
kasan decide --fy 2025 --data "$AMENDED" --rules "$RS" --out "$SG" --amend --nursery P102 \
    --reason "K005 は12月から" --quiet --operator tanaka --passphrase-file "$PASS"
expect_rc 3 "no 変更交付決定 of a decision awaiting approval"
expect_msg_contains "awaits its approval (決裁): kasan approve --decision 2025 first" "says so"
kasan approve --decision 2025 --out "$SG" --rules "$RS" --operator sato --passphrase-file "$PASS"
expect_rc 0 "sato approves the decision"
expect_msg_contains "approved (決裁) by sato" "says who"
expect_eq "$(events "$SG" approve approved_action | tail -n 1)/$(events "$SG" approve signer.operator | tail -n 1)/$(events "$SG" approve signer.role | tail -n 1)" \
    "decide/sato/approve" "the approve event, signed in the approve role"
kasan approve --decision 2025 --out "$SG" --rules "$RS" --operator sato --passphrase-file "$PASS"
expect_rc 1 "nothing left to approve"
kasan budget --fy 2025 --out "$SG" --rules "$RS"
expect_msg_contains "負担行為額       13,402,258 yen" "approved: the decision commits 13,402,258"
expect_msg_contains "予算現額         16,444,000 yen" "the 補正 still awaits approval"
kasan approve --budget-amend 2025 --event "$BA" --out "$SG" --rules "$RS" --operator sato \
    --passphrase-file "$PASS"
expect_rc 0 "sato approves the 補正"
kasan budget --fy 2025 --out "$SG" --rules "$RS"
# 16,444,000 + 1,000 = 16,445,000; 執行残 16,445,000 − 13,402,258 = 3,042,742
expect_msg_contains "予算現額         16,445,000 yen" "approved: the 補正 counts"
expect_msg_contains "執行残            3,042,742 yen" "執行残"
if printf '%s' "$OUT_TXT" | grep -q "未決裁"; then fail "nothing awaits approval" "$OUT_TXT"
else pass "nothing awaits approval"; fi
# the 変更交付決定 (P102 3,322,258 → 3,120,000, §12.9), then its own approval
kasan decide --fy 2025 --data "$AMENDED" --rules "$RS" --out "$SG" --amend --nursery P102 \
    --reason "K005 は12月から" --quiet --operator tanaka --passphrase-file "$PASS"
expect_rc 0 "the 変更交付決定 drafted"
kasan budget --fy 2025 --out "$SG" --rules "$RS"
expect_msg_contains "負担行為額       13,402,258 yen" "not counted before its approval"
expect_msg_contains "変更交付決定 of P102, drafted by tanaka  (kasan approve --decision 2025 --nursery P102)" "listed"
kasan approve --decision 2025 --nursery P102 --out "$SG" --rules "$RS" --operator sato \
    --passphrase-file "$PASS"
expect_rc 0 "sato approves P102's amendment"
kasan budget --fy 2025 --out "$SG" --rules "$RS"
# 13,402,258 − 202,258 = 13,200,000
expect_msg_contains "負担行為額       13,200,000 yen" "the amendment counts once approved"
kasan audit verify --out "$SG" --rules "$RS"
expect_rc 0 "audit verify: the approvals checked"
expect_msg_contains "signatures OK" "signatures OK"
# the auditor's 決裁 sheet: each grant event with who drafted and approved it
kasan audit report --fy 2025 --out "$SG" --rules "$RS"
expect_rc 0 "audit report"
"$PY" - "$SG/audit-2025.xlsx" <<'PYEOF' && pass "決裁 sheet: 交付決定, 予算の補正, 変更交付決定 P102 with drafter and approver" || fail "決裁 sheet" "see above"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["決裁"]
rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
for subject in ("交付決定", "予算の補正", "変更交付決定 P102"):
    r = rows.get(subject)
    assert r, (subject, list(rows))
    assert r[3].startswith("田中 花子（tanaka）"), (subject, r[3])
    assert r[6].startswith("佐藤 一郎（sato）"), (subject, r[6])
    assert r[9] == "（振込なし）", (subject, r[9])
PYEOF
unset KASAN_KEYS

section "a year without a decision"
R3=$WORK/rules-decisions
cp -r "$RULES" "$R3"
sed -i '/^grant_decision: none/d' "$R3/budget/fy2025.yaml"
N0=$(new_out nodecision)
kasan run --month 2025-04 --data "$SAMPLE" --rules "$R3" --out "$N0" --finalize --no-workbooks --quiet
expect_rc 3 "a month of a year with no decision (no grant_decision: none)"
expect_msg_contains "no grant decision (交付決定) recorded" "says why"
expect_eq "$(events "$N0" refuse code)" no_decision "refusal code"
N1=$(new_out none)
kasan run --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$N1" --finalize --no-workbooks --quiet
expect_rc 0 "grant_decision: none pays without a decision"

finish
