#!/bin/sh
# bank_days.sh — the transfer date (振込指定日) must be a bank business day
# (SPEC 10.4): Saturdays, Sundays, 31 December – 3 January and the national
# holidays of rules/calendar/ are refused (exit 1, nothing written, no event)
# with the next business day suggested; a date no calendar covers is refused
# too.  The days below were looked up by hand in the 2025/2026 calendars and
# 内閣府「国民の祝日について」.
. "$(dirname "$0")/lib.sh"
export KASAN_ACTOR=tester
SAMPLE=$SRCDIR/fixtures/sample-ward
O=$(new_out out)
KASAN_NOW=2025-05-01T09:00:00Z kasan run --month 2025-04 --finalize --quiet --data "$SAMPLE" \
    --rules "$RULES" --out "$O"
expect_rc 0 "April finalized on 2025-05-01"
transfers() { "$KASAN" audit export --out "$O" | grep -c '"action":"transfer"'; }

# refused DATE WHY NEXT — exit 1, the reason and the next business day said,
# no transfer file and no event
refused() {
    kasan transfer --month 2025-04 --date "$1" --out "$O" --rules "$RULES"
    expect_rc 1 "$1 refused"
    expect_msg_contains "--date $1 is not a bank business day ($2); the next business day is $3" \
        "$1: $2, next $3"
    expect_eq "$(ls "$O/2025-04" | grep -c '^transfer-')" 0 "$1: no transfer file"
    expect_eq "$(transfers)" 0 "$1: no transfer event"
}

section "weekends, the year end and national holidays"
refused 2025-09-20 土曜日 2025-09-22                       # Sat → Mon
refused 2025-09-21 日曜日 2025-09-22                       # Sun → Mon
refused 2025-05-03 土曜日 2025-05-07                       # 憲法記念日 on a Saturday: 5/4 Sun, 5/5 こどもの日, 5/6 振替休日
refused 2025-05-05 "国民の祝日：こどもの日" 2025-05-07
refused 2025-05-06 "国民の祝日：休日（振替休日）" 2025-05-07
refused 2026-03-20 "国民の祝日：春分の日" 2026-03-23         # Fri holiday → Mon
refused 2026-09-22 "国民の祝日：休日（国民の休日）" 2026-09-24 # 9/21 敬老の日, 9/22, 9/23 秋分の日
refused 2025-12-31 "年末年始（12月31日～1月3日）" 2026-01-05 # 1/1 元日, 1/2 Fri, 1/3 Sat, 1/4 Sun
refused 2026-01-02 "年末年始（12月31日～1月3日）" 2026-01-05

section "a date no calendar covers"
kasan transfer --month 2025-04 --date 2027-05-10 --out "$O" --rules "$RULES"
expect_rc 1 "2027-05-10 (after the calendar's 2027-03-31) refused"
expect_msg_contains "--date 2027-05-10 cannot be checked: no bank calendar" "says why"
expect_eq "$(transfers)" 0 "no transfer event"

section "a business day"
kasan transfer --month 2025-04 --date 2025-09-22 --out "$O" --rules "$RULES"
expect_rc 0 "Monday 2025-09-22 accepted"
expect_eq "$(transfers)" 1 "one transfer event"

finish
