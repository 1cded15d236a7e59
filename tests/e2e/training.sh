#!/bin/sh
# A fourth program written only in YAML (issue 2; rules/README.md §12): the
# training subsidy 研修受講補助 of tests/programs/training_subsidy/2026-01.yaml,
# 30,000 yen per trainee, at most the actual cost, 千円未満切り捨て.  It is
# copied beside the shipped rules; nothing in kasan changes.  The stand-ins of
# the example: trainees = distinct staff_refs of the valid staff lines,
# actual cost = sum of their salary_cost.
. "$(dirname "$0")/lib.sh"

R="$WORK/rules"
cp -R "$SRCDIR/rules" "$R"
cp -R "$SRCDIR/tests/programs/training_subsidy" "$R/"

section "kasan check accepts the new program"
kasan check --rules "$R"
expect_rc 0 "check rules + training_subsidy"
expect_eq "$ERR_TXT$OUT_TXT" "" "check output (silent when clean)"
kasan check --rules "$R" --verbose
expect_msg_contains "4 program versions" "check --verbose"

D=$(new_data data)
registry "$D" <<'CSV'
P001,一保育園,private_licensed,法人一,2000-04-01,,銀行,本店,ordinary,2000001,ｲﾁ
P002,二保育園,private_licensed,法人二,2000-04-01,,銀行,本店,ordinary,2000002,ﾆ
P003,三保育園,private_licensed,法人三,2000-04-01,,銀行,本店,ordinary,2000003,ｻﾝ
P004,四保育園,private_licensed,法人四,2000-04-01,,銀行,本店,ordinary,2000004,ﾖﾝ
P005,五保育園,private_licensed,法人五,2000-04-01,,銀行,本店,ordinary,2000005,ｺﾞ
CSV
for m in 2025-12 2026-01; do
    children "$D" $m <<'CSV'
P001,C010,suction,2025-04-01,
P002,C020,suction,2025-04-01,
P003,C030,suction,2025-04-01,
P004,C040,suction,2025-04-01,
P005,C050,suction,2025-04-01,
CSV
    nurses "$D" $m <<'CSV'
P001,S011,nurse,full_time,,383000,
P001,S012,assistant_nurse,part_time,80,150000,
P002,S021,nurse,full_time,,25500,
P003,S031,midwife,part_time,10,10000,
P003,S032,public_health_nurse,part_time,10,9999,
P004,S041,childcare_worker,full_time,,300000,
CSV
done

section "2026-01: the program is in force"
O=$(new_out out)
kasan run --month 2026-01 --data "$D" --rules "$R" --out "$O" --no-workbooks --quiet
expect_rc 0 "run 2026-01"
# P001: 2 trainees × 30,000 = 60,000; cost 383,000 + 150,000 = 533,000
#   min(60,000, 533,000) = 60,000 → 60,000
expect_payment "$O" 2026-01 P001 training_subsidy 60000 2026-01
# P002: 1 × 30,000 = 30,000; cost 25,500 → min 25,500 → 千円未満切り捨て 25,000
expect_payment "$O" 2026-01 P002 training_subsidy 25000 2026-01
# P003: 2 × 30,000 = 60,000; cost 10,000 + 9,999 = 19,999 → 19,000
expect_payment "$O" 2026-01 P003 training_subsidy 19000 2026-01
# P004: its only staff line is childcare_worker (ineligible_qualification, line 7):
#   no valid staff line → 0 trainees → 0 yen → no row
expect_payment "$O" 2026-01 P004 training_subsidy 0
expect_rejection "$O" 2026-01 nurses 7 ineligible_qualification P004 S041
# P005: no staff lines at all → no row
expect_payment "$O" 2026-01 P005 training_subsidy 0
# the shipped programs still pay as before: P002 standard child 55,000 (version 2025-10)
expect_payment "$O" 2026-01 P002 acceptance_addon 55000 2025-10
expect_eq "$(program_total "$O" 2026-01 training_subsidy)" 104000 "2026-01 training_subsidy total (60,000 + 25,000 + 19,000)"

section "2025-12: before effective_from, no training_subsidy row"
kasan run --month 2025-12 --data "$D" --rules "$R" --out "$O" --no-workbooks --quiet
expect_rc 0 "run 2025-12"
expect_eq "$(program_total "$O" 2025-12 training_subsidy)" 0 "2025-12 training_subsidy total"
O2=$(new_out shipped)
run_month "$D" 2025-12 "$O2"
expect_same_file "$O/2025-12/payments.csv" "$O2/2025-12/payments.csv" "2025-12 same as with the shipped rules alone"

section "explain shows the new program's values"
kasan explain --month 2026-01 --nursery P003 --data "$D" --rules "$R"
expect_rc 0 "explain 2026-01 P003"
expect_msg_contains "研修受講補助" "explain P003"
expect_msg_contains "19,999" "explain P003 (actual cost)"
expect_msg_contains "19,000" "explain P003 (amount)"

finish
