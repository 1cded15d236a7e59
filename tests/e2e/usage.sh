#!/bin/sh
# Command line (SPEC 3): help texts and usage errors (exit 1, nothing written).
. "$(dirname "$0")/lib.sh"

D="$SRCDIR/fixtures/sample-ward"

section "help"
kasan --help
expect_rc 0 "kasan --help"
for c in check run explain replay diff budget audit; do
    expect_msg_contains "$c" "kasan --help"
done
kasan run --help
expect_rc 0 "kasan run --help"
for o in --month --fy --data --rules --out --no-workbooks --finalize --over-budget-reason --supersede --reason; do
    expect_msg_contains "$o" "kasan run --help"
done
# (replay, diff and budget are outside the monthly run and not covered here)
for c in check explain; do
    kasan $c --help
    expect_rc 0 "kasan $c --help"
done

# usage_error LABEL ARGS... — exit 1, nothing written under a fresh --out
usage_error() {
    _l=$1 _cmd=$2
    shift 2
    _o=$(new_out usage-out)
    kasan "$_cmd" --out "$_o" "$@"
    expect_rc 1 "$_l"
    expect_nothing_written "$_o"
}

section "usage errors"
kasan
expect_rc 1 "no command"
kasan frobnicate
expect_rc 1 "unknown command frobnicate"
expect_msg_contains "frobnicate" "unknown command"
usage_error "run without --month" run --data "$D" --rules "$RULES"
expect_msg_contains "--month" "run without --month"
usage_error "run --month 2025-13" run --month 2025-13 --data "$D" --rules "$RULES"
expect_msg_contains "2025-13" "run --month 2025-13"
usage_error "run --month 2025-00" run --month 2025-00 --data "$D" --rules "$RULES"
usage_error "run --month 2025-4" run --month 2025-4 --data "$D" --rules "$RULES"
usage_error "run --month 2025-04-01" run --month 2025-04-01 --data "$D" --rules "$RULES"
usage_error "run --month without a value" run --data "$D" --rules "$RULES" --month
usage_error "run with an unknown option" run --month 2025-04 --data "$D" --rules "$RULES" --bogus
usage_error "run --fy abc" run --fy abc --data "$D" --rules "$RULES"
usage_error "run --month and --fy together" run --month 2025-04 --fy 2025 --data "$D" --rules "$RULES"
kasan explain --month 2025-04 --data "$D" --rules "$RULES"
expect_rc 1 "explain without --nursery"

section "a valid month still runs"
O=$(new_out ok)
run_month "$D" 2025-04 "$O"
expect_rc 0 "run --month 2025-04"
if [ -f "$O/2025-04/payments.csv" ] && [ -f "$O/2025-04/rejections.csv" ]; then pass "payments.csv and rejections.csv written"
else fail "payments.csv and rejections.csv written" "$(ls -R "$O" 2>&1 | tr '\n' ' ')"; fi
expect_line "$O/2025-04/payments.csv" 1 "month,nursery_id,program,rule_version,amount_yen"

finish
