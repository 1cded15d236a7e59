#!/bin/sh
# Program A proration (日割り, SPEC 1.1/1.2): child amount =
# round_down(unit × enrolled_days ÷ days_in_month), enrolled days cut by the
# enrolment dates and by the nursery's active period.  Months of 28, 30 and
# 31 days; units 50,000/80,000 (version 2025-04) and 55,000/90,000 (2025-10).
# Each nursery has at most 2 children, so the 2025-10 +30,000 addition never applies.
. "$(dirname "$0")/lib.sh"

D=$(new_data data)
registry "$D" <<'CSV'
P001,第一保育園,private_licensed,社会福祉法人一,2000-04-01,,銀行,本店,ordinary,1000001,ｲﾁ
P002,第二保育園,private_licensed,社会福祉法人二,2000-04-01,,銀行,本店,ordinary,1000002,ﾆ
P003,第三保育園,private_licensed,社会福祉法人三,2000-04-01,,銀行,本店,ordinary,1000003,ｻﾝ
P010,閉園保育園,private_licensed,株式会社閉,2000-04-01,2025-06-20,銀行,本店,ordinary,1000010,ｶﾌﾞｼｷｶﾞｲｼｬ ﾍｲ
P011,開園保育園,private_licensed,株式会社開,2025-12-10,,銀行,本店,current,1000011,カブシキガイシャ　カイ
P012,二月閉園園,private_licensed,株式会社二月,2000-04-01,2026-02-20,銀行,本店,ordinary,1000012,ﾆｶﾞﾂ
CSV

for m in 2025-04 2025-05 2025-06 2025-11 2025-12 2026-02; do nurses "$D" $m </dev/null; done

children "$D" 2025-04 <<'CSV'
P001,C001,suction,2025-04-11,
P001,C002,tracheostomy;suction,2024-04-01,2025-04-17
P002,C003,tube_feeding,2025-04-05,2025-04-25
P003,C004,ventilator,2023-04-01,2026-03-31
CSV
children "$D" 2025-05 <<'CSV'
P001,C001,suction,2025-05-20,
P002,C002,ventilator,2024-04-01,2025-05-10
P003,C003,oxygen,2025-04-11,
CSV
children "$D" 2025-06 <<'CSV'
P010,C010,ventilator;suction,2024-04-01,
P010,C011,suction,2025-06-25,
P001,C001,insulin,2025-06-01,2025-06-30
CSV
children "$D" 2025-11 <<'CSV'
P001,C001,suction,2025-11-01,2025-11-15
P002,C002,ventilator,2025-11-17,
P003,C003,urinary_catheter,2025-04-01,2025-11-01
CSV
children "$D" 2025-12 <<'CSV'
P011,C011,suction,2025-12-01,
P011,C012,ventilator,2025-12-01,2025-12-20
P001,C001,other,2025-12-31,
P002,C002,tracheostomy,2025-01-01,
CSV
children "$D" 2026-02 <<'CSV'
P001,C001,suction,2026-02-10,
P002,C002,ventilator,2025-01-01,2026-02-13
P003,C003,tracheostomy,2024-04-01,
P012,C012,suction,2024-04-01,
CSV

O=$(new_out out)

section "2025-04: 30 days, version 2025-04 (50,000 / 80,000)"
run_month "$D" 2025-04 "$O"
expect_rc 0 "run 2025-04"
# C001 standard, from 04-11: days 11..30 = 20; 50,000 × 20 / 30 = 33,333.33 → 33,333
# C002 high (tracheostomy), to 04-17: 17 days; 80,000 × 17 / 30 = 45,333.33 → 45,333
# P001 = 33,333 + 45,333 = 78,666
expect_payment "$O" 2025-04 P001 acceptance_addon 78666 2025-04
# C003 standard, 04-05..04-25 = 21 days; 50,000 × 21 / 30 = 35,000
expect_payment "$O" 2025-04 P002 acceptance_addon 35000 2025-04
# C004 high (ventilator), whole month: 80,000 × 30 / 30 = 80,000
expect_payment "$O" 2025-04 P003 acceptance_addon 80000 2025-04
# no staff lines → no nurse_placement rows; nothing rejected
expect_payment "$O" 2025-04 P001 nurse_placement 0
expect_payment_rows "$O" 2025-04 3
expect_rejection_count "$O" 2025-04 0

section "2025-05: 31 days"
run_month "$D" 2025-05 "$O"
expect_rc 0 "run 2025-05"
# C001 standard, from 05-20: days 20..31 = 12; 50,000 × 12 / 31 = 19,354.84 → 19,354
expect_payment "$O" 2025-05 P001 acceptance_addon 19354 2025-04
# C002 high, to 05-10: 10 days; 80,000 × 10 / 31 = 25,806.45 → 25,806
expect_payment "$O" 2025-05 P002 acceptance_addon 25806 2025-04
# C003 standard, whole month: 50,000 × 31 / 31 = 50,000
expect_payment "$O" 2025-05 P003 acceptance_addon 50000 2025-04

section "2025-06: 30 days, nursery closing on 06-20 (active_to)"
run_month "$D" 2025-06 "$O"
expect_rc 0 "run 2025-06"
# P010 active to 06-20; C010 high, no enrolled_to: days 1..20 = 20;
# 80,000 × 20 / 30 = 53,333.33 → 53,333
expect_payment "$O" 2025-06 P010 acceptance_addon 53333 2025-04
# C011 enrolled from 06-25, after the nursery closed on 06-20: 0 enrolled days
expect_rejection "$O" 2025-06 children 3 no_enrolled_day P010 C011
# C001 standard 06-01..06-30: 50,000 × 30 / 30 = 50,000
expect_payment "$O" 2025-06 P001 acceptance_addon 50000 2025-04

section "2025-11: 30 days, version 2025-10 (55,000 / 90,000)"
run_month "$D" 2025-11 "$O"
expect_rc 0 "run 2025-11"
# C001 standard 11-01..11-15 = 15 days; 55,000 × 15 / 30 = 27,500
expect_payment "$O" 2025-11 P001 acceptance_addon 27500 2025-10
# C002 high from 11-17: days 17..30 = 14; 90,000 × 14 / 30 = 42,000
expect_payment "$O" 2025-11 P002 acceptance_addon 42000 2025-10
# C003 standard, leaves 11-01: 1 day; 55,000 × 1 / 30 = 1,833.33 → 1,833
expect_payment "$O" 2025-11 P003 acceptance_addon 1833 2025-10

section "2025-12: 31 days, nursery opening on 12-10 (active_from)"
run_month "$D" 2025-12 "$O"
expect_rc 0 "run 2025-12"
# P011 active from 12-10.  C011 standard from 12-01: days 10..31 = 22;
#   55,000 × 22 / 31 = 39,032.26 → 39,032
# C012 high 12-01..12-20, cut to 12-10..12-20 = 11 days; 90,000 × 11 / 31 = 31,935.48 → 31,935
# P011 = 39,032 + 31,935 = 70,967 (2 children: no addition)
expect_payment "$O" 2025-12 P011 acceptance_addon 70967 2025-10
# C001 standard from 12-31: 1 day; 55,000 × 1 / 31 = 1,774.19 → 1,774
expect_payment "$O" 2025-12 P001 acceptance_addon 1774 2025-10
# C002 high (tracheostomy) whole month: 90,000
expect_payment "$O" 2025-12 P002 acceptance_addon 90000 2025-10

section "2026-02: 28 days"
run_month "$D" 2026-02 "$O"
expect_rc 0 "run 2026-02"
# C001 standard from 02-10: days 10..28 = 19; 55,000 × 19 / 28 = 37,321.43 → 37,321
expect_payment "$O" 2026-02 P001 acceptance_addon 37321 2025-10
# C002 high to 02-13: 13 days; 90,000 × 13 / 28 = 41,785.71 → 41,785
expect_payment "$O" 2026-02 P002 acceptance_addon 41785 2025-10
# C003 high whole month: 90,000 × 28 / 28 = 90,000
expect_payment "$O" 2026-02 P003 acceptance_addon 90000 2025-10
# P012 active to 02-20; C012 standard open-ended: 20 days;
#   55,000 × 20 / 28 = 39,285.71 → 39,285
expect_payment "$O" 2026-02 P012 acceptance_addon 39285 2025-10
expect_rejection_count "$O" 2026-02 0

section "output files"
# --no-workbooks: exactly the two CSV files, no temporary file left behind
expect_eq "$(ls -A "$O/2026-02" | tr '\n' ' ')" "payments.csv rejections.csv " "files in OUT/2026-02"
expect_plain_csv "$O/2026-02/payments.csv"
expect_plain_csv "$O/2025-06/rejections.csv"
# payments.csv sorted by nursery_id then program
expect_eq "$(tail -n +2 "$O/2026-02/payments.csv" | cut -d, -f2,3 | tr '\n' ' ')" \
    "P001,acceptance_addon P002,acceptance_addon P003,acceptance_addon P012,acceptance_addon " "row order of 2026-02"

finish
