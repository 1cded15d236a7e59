#!/bin/sh
# The 2025-10 amendment of program A (SPEC 1.2): rules in force on the first
# day of the claim month; 2025-09 uses version 2025-04 (50,000 / 80,000, no
# addition), 2025-10 uses version 2025-10 (55,000 / 90,000 and +30,000, not
# prorated, for 3 or more DISTINCT child_refs with an eligible child-month).
. "$(dirname "$0")/lib.sh"

D=$(new_data data)
registry "$D" <<'CSV'
P001,一保育園,private_licensed,法人一,2000-04-01,,銀行,本店,ordinary,2000001,ｲﾁ
P002,二保育園,private_licensed,法人二,2000-04-01,,銀行,本店,ordinary,2000002,ﾆ
P003,三保育園,private_licensed,法人三,2000-04-01,,銀行,本店,ordinary,2000003,ｻﾝ
P004,四保育園,private_licensed,法人四,2000-04-01,,銀行,本店,ordinary,2000004,ﾖﾝ
P005,五保育園,private_licensed,法人五,2000-04-01,,銀行,本店,ordinary,2000005,ｺﾞ
P006,六保育園,private_licensed,法人六,2000-04-01,,銀行,本店,ordinary,2000006,ﾛｸ
P007,七保育園,private_licensed,法人七,2000-04-01,,銀行,本店,ordinary,2000007,ﾅﾅ
P008,八保育園,private_licensed,法人八,2000-04-01,,銀行,本店,ordinary,2000008,ﾊﾁ
CSV
nurses "$D" 2025-09 </dev/null
nurses "$D" 2025-10 </dev/null
children "$D" 2025-09 <<'CSV'
P001,C010,suction,2025-04-01,
P001,C011,ventilator,2025-04-01,
P002,C020,suction,2025-04-01,
P002,C021,tube_feeding,2025-04-01,
P002,C022,oxygen,2025-04-01,
CSV
# line numbers (header = 1) are noted for the rejection below
children "$D" 2025-10 <<'CSV'
P001,C010,suction,2025-04-01,
P001,C011,ventilator,2025-04-01,
P002,C020,suction,2025-04-01,
P002,C021,tube_feeding,2025-04-01,
P002,C022,oxygen,2025-04-01,
P003,C030,suction,2025-04-01,
P003,C031,insulin,2025-04-01,
P004,C040,suction,2025-04-01,2025-10-15
P004,C040,suction,2025-10-16,
P004,C041,suction,2025-04-01,
P005,C050,suction,2025-04-01,
P005,C051,suction,2025-04-01,
P005,C052,suction,2025-04-01,2025-10-01
P006,C060,suction,2025-04-01,
P006,C061,suction,2025-04-01,
P006,C062,,2025-04-01,
P007,C070,suction,2025-04-01,
P007,C071,suction,2025-04-01,
P007,C072,suction,2025-04-01,
P008,C072,suction,2025-10-20,
CSV
O=$(new_out out)

section "2025-09 (30 days): version 2025-04 still in force"
run_month "$D" 2025-09 "$O"
expect_rc 0 "run 2025-09"
# P001: standard 50,000 + high (ventilator) 80,000 = 130,000
expect_payment "$O" 2025-09 P001 acceptance_addon 130000 2025-04
# P002: 3 standard children × 50,000 = 150,000; version 2025-04 has no addition
expect_payment "$O" 2025-09 P002 acceptance_addon 150000 2025-04

section "2025-10 (31 days): version 2025-10"
run_month "$D" 2025-10 "$O"
expect_rc 0 "run 2025-10"
# P001: 55,000 + 90,000 = 145,000; 2 children → no addition
expect_payment "$O" 2025-10 P001 acceptance_addon 145000 2025-10
# P002: exactly 3 distinct children: 3 × 55,000 + 30,000 = 195,000
expect_payment "$O" 2025-10 P002 acceptance_addon 195000 2025-10
# P003: 2 children: 2 × 55,000 = 110,000, no addition
expect_payment "$O" 2025-10 P003 acceptance_addon 110000 2025-10
# P004: 3 lines but 2 distinct child_refs (C040 moves rooms on 10-16, no overlap):
#   C040 10-01..10-15: 55,000 × 15 / 31 = 26,612.90 → 26,612
#   C040 10-16..10-31: 55,000 × 16 / 31 = 28,387.10 → 28,387
#   C041 whole month: 55,000
#   26,612 + 28,387 + 55,000 = 109,999, count 2 → no addition
expect_payment "$O" 2025-10 P004 acceptance_addon 109999 2025-10
expect_not_rejected "$O" 2025-10 children 9
expect_not_rejected "$O" 2025-10 children 10
# P005: 3 children, one only on 10-01; the addition is not prorated:
#   55,000 + 55,000 + 55,000 × 1 / 31 (= 1,774.19 → 1,774) + 30,000 = 141,774
expect_payment "$O" 2025-10 P005 acceptance_addon 141774 2025-10
# P006: 3 lines, but C062 has no care type (rejected, line 17) → 2 eligible:
#   2 × 55,000 = 110,000, no addition
expect_payment "$O" 2025-10 P006 acceptance_addon 110000 2025-10
expect_rejection "$O" 2025-10 children 17 no_care_type P006 C062
# P007: 3 lines, but C072 is also claimed by P008 from 10-20 (overlap) → both lines
#   duplicate_child (20, 21) → 2 eligible: 2 × 55,000 = 110,000, no addition; P008 nothing
expect_payment "$O" 2025-10 P007 acceptance_addon 110000 2025-10
expect_payment "$O" 2025-10 P008 acceptance_addon 0
expect_rejection "$O" 2025-10 children 20 duplicate_child P007 C072
expect_rejection "$O" 2025-10 children 21 duplicate_child P008 C072
expect_rejection_count "$O" 2025-10 3

section "re-running 2025-09 after 2025-10 does not change it"
O2=$(new_out out2)
run_month "$D" 2025-09 "$O2"
expect_same_file "$O/2025-09/payments.csv" "$O2/2025-09/payments.csv" "2025-09 unchanged by the amendment"

section "explain names the version in force"
kasan explain --month 2025-10 --nursery P002 --data "$D" --rules "$RULES"
expect_rc 0 "explain 2025-10 P002"
expect_msg_contains "2025-10" "explain 2025-10 P002"
# the aggregate inside amount = sum(children, child_amount) + addition: 3 × 55,000
expect_msg_contains "sum(children, child_amount) = 165,000 yen" "explain 2025-10 P002"
expect_msg_contains "addition = 30,000 yen" "explain 2025-10 P002"
kasan explain --month 2025-09 --nursery P002 --data "$D" --rules "$RULES"
expect_rc 0 "explain 2025-09 P002"
expect_msg_contains "version 2025-04" "explain 2025-09 P002"

finish
