#!/bin/sh
# The sample ward (fixtures/sample-ward): every month of FY2025 runs, and the
# month totals per program equal the table "Expected totals" of
# fixtures/sample-ward/README.md, computed by the fixture author with an
# independent oracle (tests/oracle/spec_oracle.py).  The rejected lines of the
# README's table are checked too.  `run --fy 2025` equals the 12 single runs.
. "$(dirname "$0")/lib.sh"

D="$SRCDIR/fixtures/sample-ward"
README="$D/README.md"

# README rows: | 2025-04 | 638,333 | 511,000 | 1,149,333 | ... (bold ** allowed)
expected_rows() {
    awk -F'|' '$2 ~ /^ *20[0-9][0-9]-[0-9][0-9] *$/ && $3 ~ /[0-9]/ {
        m = $2; a = $3; b = $4; t = $5
        gsub(/[ ,*]/, "", m); gsub(/[ ,*]/, "", a); gsub(/[ ,*]/, "", b); gsub(/[ ,*]/, "", t)
        print m, a, b, t
    }' "$README"
}
expect_eq "$(expected_rows | wc -l | tr -d ' ')" 12 "months in the README table"

section "each month against the README totals"
O=$(new_out single)
expected_rows > "$WORK/expected.txt"
while read -r m a b t; do
    run_month "$D" "$m" "$O"
    expect_rc 0 "run $m"
    expect_eq "$(program_total "$O" "$m" acceptance_addon)" "$a" "$m total acceptance_addon"
    expect_eq "$(program_total "$O" "$m" nurse_placement)" "$b" "$m total nurse_placement"
    expect_eq "$(awk -F, 'NR > 1 { s += $5 } END { printf "%d\n", s }' "$O/$m/payments.csv")" "$t" "$m month total"
done < "$WORK/expected.txt"

section "rejected lines of the README table"
# restated from fixtures/sample-ward/README.md "Rejected lines"
for m in 2025-04 2025-05 2025-06; do
    expect_rejection "$O" $m nurses 4 ineligible_qualification P011 S0003
done
expect_rejection "$O" 2025-05 children 14 ward_run W003 C0016
expect_rejection "$O" 2025-05 nurses 6 ward_run W003 S0005
expect_rejection "$O" 2025-06 children 6 no_enrolled_day P009 C0007
expect_rejection "$O" 2025-06 children 15 nursery_inactive P040 C0014
expect_rejection "$O" 2025-08 children 15 unknown_nursery P104 C0011
expect_rejection "$O" 2025-10 children 12 nursery_inactive P023 C0013
expect_rejection "$O" 2025-10 nurses 4 nursery_inactive P023 S0006
expect_rejection "$O" 2025-12 children 12 no_care_type P020 C0017
expect_rejection "$O" 2025-12 nurses 4 no_eligible_child P020 S0010
expect_rejection "$O" 2026-02 children 14 duplicate_child P027 C0018
expect_rejection "$O" 2026-02 children 15 duplicate_child P033 C0018
# the table has 12 rows, the first one for 3 months: 12 + 2 = 14 rejected lines, no others
_total=0
for m in $(cut -d' ' -f1 "$WORK/expected.txt"); do
    _total=$((_total + $(wc -l < "$O/$m/rejections.csv") - 1))
done
expect_eq "$_total" 14 "rejected lines over the year"

section "a few amounts by hand"
# README: P020 in 2026-01, 40.75 h × 2,300 = 93,725 → 93,000 is its B
expect_payment "$O" 2026-01 P020 nurse_placement 93000 2025-04
# README: P011's B in April is 485,000 (over 440,000: the 880,000 cap applies)
expect_payment "$O" 2025-04 P011 nurse_placement 485000 2025-04

section "run --fy 2025 --no-workbooks equals the single-month runs"
F=$(new_out fy)
kasan run --fy 2025 --data "$D" --rules "$RULES" --out "$F" --no-workbooks --quiet
expect_rc 0 "run --fy 2025"
while read -r m a b t; do
    expect_same_file "$O/$m/payments.csv" "$F/$m/payments.csv" "fy $m payments.csv"
    expect_same_file "$O/$m/rejections.csv" "$F/$m/rejections.csv" "fy $m rejections.csv"
done < "$WORK/expected.txt"
_n=$(cd "$F" && ls -d 20??-?? 2>/dev/null | wc -l | tr -d ' ')
expect_eq "$_n" 12 "month directories written by --fy 2025"
_x=$(find "$F" -name '*.xlsx' | wc -l | tr -d ' ')
expect_eq "$_x" 0 "workbooks written with --no-workbooks"

finish
