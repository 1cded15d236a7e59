#!/bin/sh
# Malformed input (SPEC 1.5 last paragraph, SPEC 2, SPEC 3 exit codes): a bad
# value or a file that does not parse stops the run with exit 2, a message
# naming file, line and column, and NOTHING written: a fresh --out stays
# absent/empty, and an earlier good output of the same month stays
# byte-identical.  Same for an invalid rule file.
. "$(dirname "$0")/lib.sh"

BASE=$(new_data base)
registry "$BASE" <<'CSV'
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,銀行,本店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ
M002,しかく保育園,private_licensed,株式会社しかく,2000-04-01,,銀行,本店,current,5000002,カブシキガイシャ　シカク
CSV
children "$BASE" 2025-04 <<'CSV'
M001,C01,suction,2025-04-01,
M001,C02,ventilator;suction,2025-04-01,2025-04-20
M002,C03,tube_feeding,2025-04-01,
CSV
nurses "$BASE" 2025-04 <<'CSV'
M001,S01,nurse,full_time,,400000,
M002,S02,assistant_nurse,part_time,50.5,150000,10000
CSV

section "the good data set"
PREV=$(new_out prev)
kasan run --month 2025-04 --data "$BASE" --rules "$RULES" --out "$PREV" --quiet
expect_rc 0 "good run 2025-04 (with workbooks)"
# M001 A: 50,000 + 80,000 × 20 / 30 (= 53,333.33 → 53,333) = 103,333
expect_payment "$PREV" 2025-04 M001 acceptance_addon 103333 2025-04
# M001 B: min(440,000, 400,000, 400,000) = 400,000
expect_payment "$PREV" 2025-04 M001 nurse_placement 400000 2025-04
# M002 B: 50.5 h × 2,300 = 116,150; 差引額 150,000 − 10,000 = 140,000 → 116,150 → 116,000
expect_payment "$PREV" 2025-04 M002 nurse_placement 116000 2025-04
SNAP="$WORK/snapshot"
cp -a "$PREV" "$SNAP"

# bad_case LABEL FILE LINE COLUMN — FILE (relative to the data dir) is replaced
# by stdin in a copy of the base data; the run must fail with exit 2 naming
# FILE, LINE and COLUMN and write nothing.
bad_case() {
    section "$1"
    _bd=$(new_data "case")
    cp -a "$BASE/." "$_bd/"
    raw_file "$_bd/$2"
    _fresh=$(new_out fresh)
    run_month "$_bd" 2025-04 "$_fresh"
    expect_rc 2 "$1"
    expect_err_names "$2" "$3" "$4"
    printf "#   stderr: %s\n" "$(printf "%s" "$ERR_TXT" | head -n 1)"
    expect_nothing_written "$_fresh"
    # the same bad run over an earlier good output of the month, with workbooks
    kasan run --month 2025-04 --data "$_bd" --rules "$RULES" --out "$PREV" --quiet
    expect_rc 2 "$1, over the earlier output"
    if diff -r "$SNAP" "$PREV" >/dev/null 2>&1; then pass "$1: earlier output byte-identical"
    else fail "$1: earlier output byte-identical" "$(diff -r "$SNAP" "$PREV" 2>&1 | head -n 3)"; fi
}

bad_case "impossible date 2025-02-30" claims/2025-04/children.csv 3 enrolled_from <<'CSV'
nursery_id,child_ref,care_types,enrolled_from,enrolled_to
M001,C01,suction,2025-04-01,
M001,C02,ventilator;suction,2025-02-30,2025-04-20
M002,C03,tube_feeding,2025-04-01,
CSV

bad_case "hours = abc" claims/2025-04/nurses.csv 3 hours <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income
M001,S01,nurse,full_time,,400000,
M002,S02,assistant_nurse,part_time,abc,150000,10000
CSV

bad_case "negative salary_cost" claims/2025-04/nurses.csv 2 salary_cost <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income
M001,S01,nurse,full_time,,-400000,
M002,S02,assistant_nurse,part_time,50.5,150000,10000
CSV

bad_case "non-integer yen salary_cost" claims/2025-04/nurses.csv 3 salary_cost <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income
M001,S01,nurse,full_time,,400000,
M002,S02,assistant_nurse,part_time,50.5,150000.5,10000
CSV

bad_case "negative other_income" claims/2025-04/nurses.csv 3 other_income <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income
M001,S01,nurse,full_time,,400000,
M002,S02,assistant_nurse,part_time,50.5,150000,-1
CSV

bad_case "missing required column care_types" claims/2025-04/children.csv 1 care_types <<'CSV'
nursery_id,child_ref,enrolled_from,enrolled_to
M001,C01,2025-04-01,
M002,C03,2025-04-01,
CSV

bad_case "unknown care type sucton" claims/2025-04/children.csv 4 care_types <<'CSV'
nursery_id,child_ref,care_types,enrolled_from,enrolled_to
M001,C01,suction,2025-04-01,
M001,C02,ventilator;suction,2025-04-01,2025-04-20
M002,C03,tube_feeding;sucton,2025-04-01,
CSV

bad_case "nursery_id p-01 in lower case" nurseries.csv 3 nursery_id <<'CSV'
nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,account_number,account_holder
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,銀行,本店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ
p-01,しかく保育園,private_licensed,株式会社しかく,2000-04-01,,銀行,本店,current,5000002,カブシキガイシャ　シカク
CSV

# 17 characters: one more than [A-Z0-9-]{1,16}
bad_case "nursery_id of 17 characters" nurseries.csv 2 nursery_id <<'CSV'
nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,account_number,account_holder
P0000000000000001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,銀行,本店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ
M002,しかく保育園,private_licensed,株式会社しかく,2000-04-01,,銀行,本店,current,5000002,カブシキガイシャ　シカク
CSV

bad_case "nursery_id p-01 in a claim" claims/2025-04/children.csv 3 nursery_id <<'CSV'
nursery_id,child_ref,care_types,enrolled_from,enrolled_to
M001,C01,suction,2025-04-01,
p-01,C02,ventilator;suction,2025-04-01,2025-04-20
M002,C03,tube_feeding,2025-04-01,
CSV

bad_case "hours 1e2 is not a decimal" claims/2025-04/nurses.csv 3 hours <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income
M001,S01,nurse,full_time,,400000,
M002,S02,assistant_nurse,part_time,1e2,150000,10000
CSV

bad_case "salary_cost with a thousands separator" claims/2025-04/nurses.csv 2 salary_cost <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income
M001,S01,nurse,full_time,,"400,000",
M002,S02,assistant_nurse,part_time,50.5,150000,10000
CSV

bad_case "part_time without hours" claims/2025-04/nurses.csv 3 hours <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income
M001,S01,nurse,full_time,,400000,
M002,S02,assistant_nurse,part_time,,150000,10000
CSV

bad_case "unknown employment contract" claims/2025-04/nurses.csv 2 employment <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income
M001,S01,nurse,contract,,400000,
M002,S02,assistant_nurse,part_time,50.5,150000,10000
CSV

bad_case "duplicate nursery_id in the registry" nurseries.csv 4 nursery_id <<'CSV'
nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,account_number,account_holder
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,銀行,本店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ
M002,しかく保育園,private_licensed,株式会社しかく,2000-04-01,,銀行,本店,current,5000002,カブシキガイシャ　シカク
M001,さんかく保育園,private_licensed,株式会社さんかく,2000-04-01,,銀行,本店,current,5000003,カブシキガイシャ　サンカク
CSV

bad_case "unknown kind public" nurseries.csv 3 kind <<'CSV'
nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,account_number,account_holder
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,銀行,本店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ
M002,しかく保育園,public,株式会社しかく,2000-04-01,,銀行,本店,current,5000002,カブシキガイシャ　シカク
CSV

bad_case "active_to not an ISO date" nurseries.csv 2 active_to <<'CSV'
nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,account_number,account_holder
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,2026/03/31,銀行,本店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ
M002,しかく保育園,private_licensed,株式会社しかく,2000-04-01,,銀行,本店,current,5000002,カブシキガイシャ　シカク
CSV

# an unterminated quoted field: the file does not parse; the quote opens on line 3
section "unterminated quote"
BD=$(new_data unterminated)
cp -a "$BASE/." "$BD/"
raw_file "$BD/claims/2025-04/children.csv" <<'CSV'
nursery_id,child_ref,care_types,enrolled_from,enrolled_to
M001,C01,suction,2025-04-01,
M001,"C02,ventilator,2025-04-01,
M002,C03,tube_feeding,2025-04-01,
CSV
F=$(new_out fresh)
run_month "$BD" 2025-04 "$F"
expect_rc 2 "unterminated quote"
expect_msg_contains "claims/2025-04/children.csv" "unterminated quote"
printf "#   stderr: %s\n" "$(printf "%s" "$ERR_TXT" | head -n 1)"
expect_nothing_written "$F"

section "invalid rule file"
R="$WORK/rules-broken"
cp -a "$RULES" "$R"
sed -i 's|round_down(unit \* enrolled_days / days_in_month)|round_down(unit * enrolled_dayz / days_in_month|' \
    "$R/acceptance_addon/2025-04.yaml"
if grep -q 'enrolled_dayz / days_in_month$' "$R/acceptance_addon/2025-04.yaml"; then pass "rule formula broken in the copy"
else fail "rule formula broken in the copy" "sed did not apply"; fi
F=$(new_out fresh)
kasan run --month 2025-04 --data "$BASE" --rules "$R" --out "$F" --no-workbooks --quiet
expect_rc 2 "broken rules"
expect_msg_contains "acceptance_addon/2025-04.yaml" "broken rules"
printf "#   stderr: %s\n" "$(printf "%s" "$ERR_TXT" | head -n 2)"
expect_nothing_written "$F"
kasan run --month 2025-04 --data "$BASE" --rules "$R" --out "$PREV" --quiet
expect_rc 2 "broken rules, over the earlier output"
if diff -r "$SNAP" "$PREV" >/dev/null 2>&1; then pass "broken rules: earlier output byte-identical"
else fail "broken rules: earlier output byte-identical" "$(diff -r "$SNAP" "$PREV" 2>&1 | head -n 3)"; fi
# kasan check reports the same file
kasan check --rules "$R"
expect_rc 2 "kasan check on broken rules"
expect_msg_contains "acceptance_addon/2025-04.yaml" "kasan check"

section "a rejected line is not malformed"
# the same shape of data with a childcare_worker and empty care_types is a normal run
GD=$(new_data good2)
cp -a "$BASE/." "$GD/"
children "$GD" 2025-04 <<'CSV'
M001,C01,,2025-04-01,
CSV
F=$(new_out fresh)
run_month "$GD" 2025-04 "$F"
expect_rc 0 "empty care_types is a rejection, not an error"
expect_rejection "$F" 2025-04 children 2 no_care_type M001 C01

section "amounts whose year does not fit in 64-bit yen: exit 2, nothing written"
# A program that pays the staff lines' salary_cost as reported: April's
# 800,000,000,000,000,000 yen fits, but its forecast × 12 months (9.6 × 10^18)
# is over int64's 9.22 × 10^18.  An error, never a wrapped number.
RX="$WORK/rules-x"
cp -R "$RULES" "$RX"
mkdir -p "$RX/pay_cost"
cat > "$RX/pay_cost/2025-04.yaml" <<'YAML'
program: pay_cost
version: "2025-04"
title: 実費
effective_from: 2025-04-01
basis: test
values:
  amount:
    type: yen
    formula: sum(staff, salary_cost)
result: amount
YAML
XD=$(new_data huge)
registry "$XD" <<'CSV'
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,銀行,本店,ordinary,5000001,ﾏﾙ
CSV
children "$XD" 2025-04 <<'CSV'
M001,C01,suction,2025-04-01,
CSV
nurses "$XD" 2025-04 <<'CSV'
M001,S01,nurse,full_time,,800000000000000000,
CSV
XO=$(new_out huge-out)
kasan run --month 2025-04 --data "$XD" --rules "$RX" --out "$XO" --no-workbooks --quiet
expect_rc 2 "year forecast over int64"
expect_msg_contains "64-bit yen" "year forecast over int64"
expect_nothing_written "$XO"

finish
