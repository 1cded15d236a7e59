#!/bin/sh
# Rejected lines (不支給, SPEC 1.5): every reason code on the right file and
# physical line, checks applied in order (first reason wins), duplicate_child
# only among lines that passed the earlier checks, the rest of the month still
# computed; the rejections.csv format (SPEC 4).  Month 2025-04 (30 days,
# version 2025-04: 50,000 standard).
. "$(dirname "$0")/lib.sh"

D=$(new_data data)
registry "$D" <<'CSV'
W002,旧区立保育園,ward_run,板橋区,1970-04-01,2020-03-31,区の口座,本庁,ordinary,9999999,ｲﾀﾊﾞｼｸ
W001,区立保育園,ward_run,板橋区,1970-04-01,,区の口座,本庁,ordinary,9999999,ｲﾀﾊﾞｼｸ
R011,開園前園,private_licensed,法人,2025-05-01,,銀行,本店,ordinary,4000011,ｶｲｴﾝ
R010,閉園済園,private_licensed,法人,2000-04-01,2025-03-31,銀行,本店,ordinary,4000010,ﾍｲｴﾝ
R009,九保育園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,4000009,ｷｭｳ
R008,新運営園,private_licensed,新法人,2025-04-16,,銀行,本店,ordinary,4000008,ｼﾝ
R007,旧運営園,private_licensed,旧法人,2000-04-01,2025-04-15,銀行,本店,ordinary,4000007,ｷｭｳ
R006,六保育園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,4000006,ﾛｸ
R005,五保育園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,4000005,ｺﾞ
R004,四保育園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,4000004,ﾖﾝ
R003,三保育園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,4000003,ｻﾝ
R002,二保育園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,4000002,ﾆ
R001,一保育園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,4000001,ｲﾁ
CSV
# physical line numbers, header = 1:
#  2 R001 C01 paid                     13 R002 C11 transfer 04-01..04-10, paid
#  3 X999 unknown_nursery              14 R003 C11 transfer from 04-11, paid
#  4 W001 ward_run                     15 R002 C12 no_care_type (not a duplicate)
#  5 R010 nursery_inactive (closed)    16 R003 C12 paid (its twin was rejected first)
#  6 R001 no_care_type                 17 X999 C13 unknown_nursery (not a duplicate)
#  7 R001 no_enrolled_day (May)        18 R001 C13 paid
#  8 W001 empty care_types → ward_run  19 R001 C14 March only → no_enrolled_day
#  9 X999 May only → unknown_nursery   20 R002 C14 paid
# 10 R011 (opens May), no care type    21,22 R004 C15 overlapping in one nursery → both duplicate
#    → nursery_inactive                23 R004 C16 paid
# 11,12 C10 at R002 and R003 overlap   24,25 C17 R005 to 04-10 / R006 from 04-10: one shared day → both duplicate
#    → both duplicate_child            26,27 C19 R007 (closes 04-15) / R008 (opens 04-16): no overlap, both paid
# 28-30 C20 chain: 28∩29 on 04-10, 29∩30 on 04-20 (28 and 30 disjoint) → all three duplicate_child
# 31-33 C21: 31∩32 overlap → duplicate; 33 from 04-20 overlaps neither → paid
# 34 W002 ward-run AND inactive → ward_run (first);  35 X999 with empty care_types → unknown_nursery
children "$D" 2025-04 <<'CSV'
R001,C01,suction,2025-04-01,
X999,C02,suction,2025-04-01,
W001,C03,suction,2025-04-01,
R010,C04,suction,2025-04-01,
R001,C05,,2025-04-01,
R001,C06,suction,2025-05-01,
W001,C07,,2025-04-01,
X999,C08,suction,2025-05-01,
R011,C09,,2025-06-01,
R002,C10,suction,2025-04-01,
R003,C10,tube_feeding,2025-04-15,
R002,C11,suction,2025-04-01,2025-04-10
R003,C11,suction,2025-04-11,
R002,C12,,2025-04-01,
R003,C12,suction,2025-04-01,
X999,C13,suction,2025-04-01,
R001,C13,suction,2025-04-01,
R001,C14,suction,2025-03-01,2025-03-31
R002,C14,suction,2025-04-01,
R004,C15,suction,2025-04-01,
R004,C15,suction,2025-04-10,2025-04-20
R004,C16,suction,2025-04-01,
R005,C17,suction,2025-04-01,2025-04-10
R006,C17,suction,2025-04-10,
R007,C19,suction,2024-04-01,
R008,C19,suction,2024-04-01,
R001,C20,suction,2025-04-01,2025-04-10
R002,C20,suction,2025-04-10,2025-04-20
R003,C20,suction,2025-04-20,
R001,C21,suction,2025-04-01,2025-04-10
R002,C21,suction,2025-04-05,2025-04-12
R003,C21,suction,2025-04-20,
W002,C22,suction,2025-04-01,
X999,C23,,2025-04-01,
CSV
#  2 R001 S01 valid                    6 R010 nursery_inactive
#  3 R001 S02 ineligible_qualification 7 R005 no_eligible_child (its only child is a duplicate)
#  4 X999 unknown_nursery              8 W001 childcare_worker → ward_run (first)
#  5 W001 ward_run                     9 R009 childcare_worker, no child → ineligible_qualification (first)
nurses "$D" 2025-04 <<'CSV'
R001,S01,nurse,full_time,,400000,
R001,S02,childcare_worker,full_time,,300000,
X999,S03,nurse,full_time,,400000,
W001,S04,nurse,full_time,,400000,
R010,S05,nurse,full_time,,400000,
R005,S06,nurse,full_time,,400000,
W001,S07,childcare_worker,full_time,,1,
R009,S08,childcare_worker,full_time,,1,
CSV
O=$(new_out out)
run_month "$D" 2025-04 "$O"
expect_rc 0 "run 2025-04 with rejected lines"

section "rejections.csv format"
expect_line "$O/2025-04/rejections.csv" 1 "month,file,line,nursery_id,ref,reason_code,reason"
# the reason is the plain Japanese text configured in rules/terms/2025-04.yaml
expect_eq "$(awk -F, '$3 == 3 && $2 == "claims/2025-04/children.csv" { print $7 }' "$O/2025-04/rejections.csv")" \
    "施設台帳に登録のない施設番号です" "reason of children.csv:3"

section "each reason code (children.csv)"
expect_rejection "$O" 2025-04 children 3 unknown_nursery X999 C02
expect_rejection "$O" 2025-04 children 4 ward_run W001 C03
expect_rejection "$O" 2025-04 children 5 nursery_inactive R010 C04
expect_rejection "$O" 2025-04 children 6 no_care_type R001 C05
expect_rejection "$O" 2025-04 children 7 no_enrolled_day R001 C06
expect_rejection "$O" 2025-04 children 11 duplicate_child R002 C10
expect_rejection "$O" 2025-04 children 12 duplicate_child R003 C10

section "order of checks"
expect_rejection "$O" 2025-04 children 8 ward_run W001 C07
expect_rejection "$O" 2025-04 children 9 unknown_nursery X999 C08
expect_rejection "$O" 2025-04 children 10 nursery_inactive R011 C09
expect_rejection "$O" 2025-04 children 34 ward_run W002 C22
expect_rejection "$O" 2025-04 children 35 unknown_nursery X999 C23

section "duplicates"
# a line rejected earlier is not a duplicate, and its twin is paid
expect_rejection "$O" 2025-04 children 15 no_care_type R002 C12
expect_not_rejected "$O" 2025-04 children 16
expect_rejection "$O" 2025-04 children 17 unknown_nursery X999 C13
expect_not_rejected "$O" 2025-04 children 18
expect_rejection "$O" 2025-04 children 19 no_enrolled_day R001 C14
expect_not_rejected "$O" 2025-04 children 20
# transfer without overlap: both paid
expect_not_rejected "$O" 2025-04 children 13
expect_not_rejected "$O" 2025-04 children 14
# overlap within one nursery, and an overlap of a single day (04-10)
expect_rejection "$O" 2025-04 children 21 duplicate_child R004 C15
expect_rejection "$O" 2025-04 children 22 duplicate_child R004 C15
expect_rejection "$O" 2025-04 children 24 duplicate_child R005 C17
expect_rejection "$O" 2025-04 children 25 duplicate_child R006 C17
# enrolled days are cut by the active periods: R007 has 04-01..04-15, R008 04-16..04-30
expect_not_rejected "$O" 2025-04 children 26
expect_not_rejected "$O" 2025-04 children 27
# every line of an overlapping chain is rejected, a disjoint later line is paid
expect_rejection "$O" 2025-04 children 28 duplicate_child R001 C20
expect_rejection "$O" 2025-04 children 29 duplicate_child R002 C20
expect_rejection "$O" 2025-04 children 30 duplicate_child R003 C20
expect_rejection "$O" 2025-04 children 31 duplicate_child R001 C21
expect_rejection "$O" 2025-04 children 32 duplicate_child R002 C21
expect_not_rejected "$O" 2025-04 children 33

section "each reason code (nurses.csv)"
expect_not_rejected "$O" 2025-04 nurses 2
expect_rejection "$O" 2025-04 nurses 3 ineligible_qualification R001 S02
expect_rejection "$O" 2025-04 nurses 4 unknown_nursery X999 S03
expect_rejection "$O" 2025-04 nurses 5 ward_run W001 S04
expect_rejection "$O" 2025-04 nurses 6 nursery_inactive R010 S05
expect_rejection "$O" 2025-04 nurses 7 no_eligible_child R005 S06
expect_rejection "$O" 2025-04 nurses 8 ward_run W001 S07
expect_rejection "$O" 2025-04 nurses 9 ineligible_qualification R009 S08
# children: lines 3-12, 15, 17, 19, 21, 22, 24, 25, 28-32, 34, 35 = 24; nurses: lines 3-9 = 7
expect_rejection_count "$O" 2025-04 31

section "the rest of the month is computed"
# R001: C01 50,000 + C13 50,000 = 100,000 (C05, C06, C14 rejected)
expect_payment "$O" 2025-04 R001 acceptance_addon 100000 2025-04
# R001 B: S01 full_time 440,000 standard, 実支出額 400,000 → 400,000 (S02 rejected)
expect_payment "$O" 2025-04 R001 nurse_placement 400000 2025-04
# R002: C11 04-01..04-10: 50,000 × 10 / 30 = 16,666.67 → 16,666; C14 50,000 → 66,666
expect_payment "$O" 2025-04 R002 acceptance_addon 66666 2025-04
# R003: C11 04-11..04-30: 50,000 × 20 / 30 = 33,333.33 → 33,333; C12 50,000;
#   C21 04-20..04-30: 50,000 × 11 / 30 = 18,333.33 → 18,333 → 33,333 + 50,000 + 18,333 = 101,666
expect_payment "$O" 2025-04 R003 acceptance_addon 101666 2025-04
# R004: only C16, 50,000 (both C15 lines duplicates)
expect_payment "$O" 2025-04 R004 acceptance_addon 50000 2025-04
# R005, R006: their only lines are duplicates → nothing
expect_payment "$O" 2025-04 R005 acceptance_addon 0
expect_payment "$O" 2025-04 R005 nurse_placement 0
expect_payment "$O" 2025-04 R006 acceptance_addon 0
# R007 04-01..04-15: 50,000 × 15 / 30 = 25,000; R008 04-16..04-30: 15 days → 25,000
expect_payment "$O" 2025-04 R007 acceptance_addon 25000 2025-04
expect_payment "$O" 2025-04 R008 acceptance_addon 25000 2025-04
expect_payment "$O" 2025-04 W001 acceptance_addon 0
expect_payment "$O" 2025-04 W001 nurse_placement 0
expect_payment "$O" 2025-04 R010 acceptance_addon 0
expect_payment "$O" 2025-04 R011 acceptance_addon 0
# rows: R001 ×2, R002, R003, R004, R007, R008 = 7
expect_payment_rows "$O" 2025-04 7
# sorted by nursery_id then program, whatever the order of the registry and claims
expect_eq "$(tail -n +2 "$O/2025-04/payments.csv" | cut -d, -f2,3 | tr '\n' ' ')" \
    "R001,acceptance_addon R001,nurse_placement R002,acceptance_addon R003,acceptance_addon R004,acceptance_addon R007,acceptance_addon R008,acceptance_addon " \
    "payments.csv row order"

section "physical line numbers with quoted embedded newlines (extra memo column)"
raw_file "$D/claims/2025-05/children.csv" <<'CSV'
nursery_id,child_ref,care_types,enrolled_from,enrolled_to,memo
R001,C01,suction,2025-04-01,,"first line
second line"
R001,C02,,2025-04-01,,plain
R001,C03,suction,2025-04-01,,"a ""quoted"", memo

end"
X999,C04,suction,2025-04-01,,
CSV
raw_file "$D/claims/2025-05/nurses.csv" <<'CSV'
nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income,memo
R001,S01,nurse,part_time,10,100000,,"two
lines"
R001,S02,childcare_worker,full_time,,1,,
CSV
run_month "$D" 2025-05 "$O"
expect_rc 0 "run 2025-05"
# children.csv: record 3 starts on physical line 4, record 5 on line 8
expect_rejection "$O" 2025-05 children 4 no_care_type R001 C02
expect_rejection "$O" 2025-05 children 8 unknown_nursery X999 C04
# nurses.csv: record 3 starts on physical line 4
expect_rejection "$O" 2025-05 nurses 4 ineligible_qualification R001 S02
expect_rejection_count "$O" 2025-05 3
# R001 in May (31 days): C01 + C03 = 2 × 50,000 = 100,000
expect_payment "$O" 2025-05 R001 acceptance_addon 100000 2025-04
# B: part_time 10 h × 2,300 = 23,000; 実支出額 100,000 → 23,000
expect_payment "$O" 2025-05 R001 nurse_placement 23000 2025-04

finish
