#!/bin/sh
# Program B, nurse placement subsidy (SPEC 1.3), version 2025-04:
#   staff standard: full_time 440,000 (hours ignored); part_time
#     round_down(hours × 2,300), at most 440,000
#   基準額 = min(Σ staff standards, cap), cap 440,000 for 1–2 distinct eligible
#     children, 880,000 for 3 or more
#   実支出額 = Σ salary_cost of valid staff lines
#   差引額 = max(実支出額 − Σ other_income, 0)
#   B = round_down(min(基準額, 実支出額, 差引額), 1,000)
# Every child line is a whole month of 2025-04 unless noted.
. "$(dirname "$0")/lib.sh"

D=$(new_data data)
registry "$D" <<'CSV'
Q01,常勤園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000001,ｶﾌﾞｼｷｶﾞｲｼｬ
Q02,非常勤園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000002,ｶﾌﾞｼｷｶﾞｲｼｬ
Q03,上限園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000003,ｶﾌﾞｼｷｶﾞｲｼｬ
Q04,二人園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000004,ｶﾌﾞｼｷｶﾞｲｼｬ
Q05,三人園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000005,ｶﾌﾞｼｷｶﾞｲｼｬ
Q06,寄付園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000006,ｶﾌﾞｼｷｶﾞｲｼｬ
Q07,実支出園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000007,ｶﾌﾞｼｷｶﾞｲｼｬ
Q08,零園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000008,ｶﾌﾞｼｷｶﾞｲｼｬ
Q09,不支給園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000009,ｶﾌﾞｼｷｶﾞｲｼｬ
Q10,職種園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000010,ｶﾌﾞｼｷｶﾞｲｼｬ
Q11,四職種園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000011,ｶﾌﾞｼｷｶﾞｲｼｬ
Q12,小数園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000012,ｶﾌﾞｼｷｶﾞｲｼｬ
Q13,浮動小数園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000013,ｶﾌﾞｼｷｶﾞｲｼｬ
Q14,大上限園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000014,ｶﾌﾞｼｷｶﾞｲｼｬ
Q15,転室園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000015,ｶﾌﾞｼｷｶﾞｲｼｬ
Q16,児童なし園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000016,ｶﾌﾞｼｷｶﾞｲｼｬ
Q17,重複園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000017,ｶﾌﾞｼｷｶﾞｲｼｬ
Q18,重複相手園,private_licensed,法人,2000-04-01,,銀行,本店,ordinary,3000018,ｶﾌﾞｼｷｶﾞｲｼｬ
CSV
# lines 2..29 (header = line 1); C1703 is claimed by Q17 (line 28) and Q18 (line 29)
children "$D" 2025-04 <<'CSV'
Q01,C101,suction,2025-04-01,
Q02,C201,suction,2025-04-01,
Q03,C301,suction,2025-04-01,
Q04,C401,suction,2025-04-01,
Q04,C402,suction,2025-04-01,
Q05,C501,suction,2025-04-01,
Q05,C502,suction,2025-04-01,
Q05,C503,suction,2025-04-01,
Q06,C601,suction,2025-04-01,
Q07,C701,suction,2025-04-01,
Q08,C801,suction,2025-04-01,
Q09,C901,,2025-04-01,
Q10,C1001,suction,2025-04-01,
Q11,C1101,suction,2025-04-01,
Q11,C1102,suction,2025-04-01,
Q11,C1103,suction,2025-04-01,
Q12,C1201,suction,2025-04-01,
Q13,C1301,suction,2025-04-01,
Q14,C1401,suction,2025-04-01,
Q14,C1402,suction,2025-04-01,
Q14,C1403,suction,2025-04-01,
Q15,C1501,suction,2025-04-01,2025-04-10
Q15,C1501,suction,2025-04-20,
Q15,C1502,suction,2025-04-01,
Q17,C1701,suction,2025-04-01,
Q17,C1702,suction,2025-04-01,
Q17,C1703,suction,2025-04-01,
Q18,C1703,suction,2025-04-15,
CSV
nurses "$D" 2025-04 <<'CSV'
Q01,S101,nurse,full_time,160,500000,
Q02,S201,nurse,part_time,92.5,300000,
Q03,S301,assistant_nurse,part_time,200,500000,0
Q04,S401,nurse,full_time,,400000,
Q04,S402,nurse,full_time,,400000,
Q05,S501,nurse,full_time,,400000,
Q05,S502,midwife,full_time,,400000,
Q06,S601,nurse,full_time,,400000,150500
Q07,S701,nurse,full_time,,321999,0
Q08,S801,nurse,full_time,,100000,150000
Q09,S901,nurse,full_time,,400000,
Q10,S1001,nurse,full_time,,200000,
Q10,S1002,childcare_worker,full_time,,300000,
Q11,S1101,assistant_nurse,part_time,10,30000,
Q11,S1102,public_health_nurse,part_time,20.25,50000,
Q11,S1103,midwife,part_time,0.5,5000,
Q12,S1201,nurse,part_time,40.75,150000,
Q13,S1301,nurse,part_time,1.13,10000,
Q13,S1302,nurse,part_time,8.87,20000,
Q14,S1401,nurse,full_time,,400000,
Q14,S1402,nurse,full_time,,400000,
Q14,S1403,nurse,full_time,,400000,
Q15,S1501,nurse,full_time,,400000,
Q15,S1502,nurse,full_time,,400000,
Q16,S1601,nurse,full_time,,400000,
Q17,S1701,nurse,full_time,,400000,
Q17,S1702,nurse,full_time,,400000,
Q18,S1801,nurse,full_time,,400000,
CSV
O=$(new_out out)
run_month "$D" 2025-04 "$O"
expect_rc 0 "run 2025-04"

section "staff standards"
# Q01 full_time with hours 160 given: hours ignored → standard 440,000
#   (were hours used: 160 × 2,300 = 368,000).  min(440,000, 500,000, 500,000) = 440,000
expect_payment "$O" 2025-04 Q01 nurse_placement 440000 2025-04
# Q02 part_time 92.5 h: 92.5 × 2,300 = 212,750; min(212,750, 300,000, 300,000)
#   = 212,750 → 千円未満切り捨て 212,000
expect_payment "$O" 2025-04 Q02 nurse_placement 212000 2025-04
# Q03 part_time 200 h: 200 × 2,300 = 460,000 → line cap 440,000;
#   min(440,000, 500,000, 500,000) = 440,000
expect_payment "$O" 2025-04 Q03 nurse_placement 440000 2025-04
# Q12 part_time 40.75 h: 40.75 × 2,300 = 93,725 → min(93,725, 150,000, 150,000) → 93,000
expect_payment "$O" 2025-04 Q12 nurse_placement 93000 2025-04
# Q13 exact decimal arithmetic (no floating point): 1.13 h × 2,300 = 2,599 and
#   8.87 h × 2,300 = 20,401; Σ = 23,000; 実支出額 30,000 → 23,000
#   (in binary floating point 1.13 × 2300 = 2598.9999… would truncate to 2,598 → 22,000)
expect_payment "$O" 2025-04 Q13 nurse_placement 23000 2025-04
# Q11 all four qualifications accepted, part-time:
#   assistant_nurse 10 h → 23,000; public_health_nurse 20.25 h → 46,575; midwife 0.5 h → 1,150
#   基準額 = 70,725; 実支出額 = 30,000 + 50,000 + 5,000 = 85,000 → min 70,725 → 70,000
expect_payment "$O" 2025-04 Q11 nurse_placement 70000 2025-04

section "nursery cap: 440,000 with 1–2 children, 880,000 with 3+"
# Q04: 2 children, 2 full-time: Σ 880,000, cap 440,000 → 基準額 440,000;
#   実支出額 800,000 → 440,000
expect_payment "$O" 2025-04 Q04 nurse_placement 440000 2025-04
# Q05: 3 children, 2 full-time (nurse, midwife): 基準額 min(880,000, 880,000) = 880,000;
#   実支出額 800,000 is the minimum → 800,000
expect_payment "$O" 2025-04 Q05 nurse_placement 800000 2025-04
# Q14: 3 children, 3 full-time: Σ 1,320,000, cap 880,000; 実支出額 1,200,000 → 880,000
expect_payment "$O" 2025-04 Q14 nurse_placement 880000 2025-04
# Q15: 3 child lines but 2 distinct child_refs (C1501 leaves 04-10, returns 04-20)
#   → cap 440,000; 2 full-time: min(880,000, 440,000) = 440,000; 実支出額 800,000 → 440,000
expect_payment "$O" 2025-04 Q15 nurse_placement 440000 2025-04
# and its A: C1501 10 days 50,000 × 10 / 30 = 16,666.67 → 16,666;
#   04-20..04-30 = 11 days 50,000 × 11 / 30 = 18,333.33 → 18,333; C1502 50,000
#   = 84,999
expect_payment "$O" 2025-04 Q15 acceptance_addon 84999 2025-04

# Q17: 3 child lines, but C1703 is a duplicate (also at Q18 from 04-15) → 2 eligible
#   → cap 440,000: min(880,000, 440,000) = 440,000; A = 2 × 50,000 = 100,000
expect_payment "$O" 2025-04 Q17 nurse_placement 440000 2025-04
expect_payment "$O" 2025-04 Q17 acceptance_addon 100000 2025-04
expect_rejection "$O" 2025-04 children 28 duplicate_child Q17 C1703
expect_rejection "$O" 2025-04 children 29 duplicate_child Q18 C1703
# Q18's only child is the duplicate → its staff line has no eligible child
expect_rejection "$O" 2025-04 nurses 29 no_eligible_child Q18 S1801
expect_payment "$O" 2025-04 Q18 nurse_placement 0

section "actual expenditure and net cost"
# Q06: 差引額 = 400,000 − 150,500 = 249,500 < 実支出額 400,000 < 基準額 440,000
#   → 249,500 → 249,000
expect_payment "$O" 2025-04 Q06 nurse_placement 249000 2025-04
# Q07: 実支出額 321,999 (other_income 0 → 差引額 321,999) < 440,000 → 321,000
expect_payment "$O" 2025-04 Q07 nurse_placement 321000 2025-04
# Q08: 差引額 = max(100,000 − 150,000, 0) = 0 → B = 0 → no row; A still paid 50,000
expect_payment "$O" 2025-04 Q08 nurse_placement 0
expect_payment "$O" 2025-04 Q08 acceptance_addon 50000 2025-04
# Q10: childcare_worker line rejected and not in 実支出額: 実支出額 = 200,000 → 200,000
expect_payment "$O" 2025-04 Q10 nurse_placement 200000 2025-04
expect_rejection "$O" 2025-04 nurses 14 ineligible_qualification Q10 S1002

section "staff of a nursery without an eligible child"
# Q09: its only child has no care type → no eligible child-month → staff line rejected
expect_rejection "$O" 2025-04 children 13 no_care_type Q09 C901
expect_rejection "$O" 2025-04 nurses 12 no_eligible_child Q09 S901
expect_payment "$O" 2025-04 Q09 nurse_placement 0
expect_payment "$O" 2025-04 Q09 acceptance_addon 0
# Q16: staff line but no child line at all
expect_rejection "$O" 2025-04 nurses 26 no_eligible_child Q16 S1601
expect_payment "$O" 2025-04 Q16 nurse_placement 0
# children 13, 28, 29; nurses 12, 14, 26, 29
expect_rejection_count "$O" 2025-04 7

section "row order: nursery_id, then program"
expect_eq "$(tail -n +2 "$O/2025-04/payments.csv" | cut -d, -f2,3 | head -n 4 | tr '\n' ' ')" \
    "Q01,acceptance_addon Q01,nurse_placement Q02,acceptance_addon Q02,nurse_placement " "first rows of 2025-04"
_sorted=$(tail -n +2 "$O/2025-04/payments.csv" | cut -d, -f2,3 | LC_ALL=C sort | tr '\n' ' ')
expect_eq "$(tail -n +2 "$O/2025-04/payments.csv" | cut -d, -f2,3 | tr '\n' ' ')" "$_sorted" "payments.csv sorted"

section "B unchanged by the October amendment"
children "$D" 2025-10 <<'CSV'
Q03,C301,suction,2025-04-01,
CSV
nurses "$D" 2025-10 <<'CSV'
Q03,S301,assistant_nurse,part_time,200,500000,0
CSV
run_month "$D" 2025-10 "$O"
expect_rc 0 "run 2025-10"
# 200 h × 2,300 = 460,000 → 440,000 as in April; version 2025-04 still in force for B
expect_payment "$O" 2025-10 Q03 nurse_placement 440000 2025-04
# A under 2025-10: 55,000
expect_payment "$O" 2025-10 Q03 acceptance_addon 55000 2025-10

finish
