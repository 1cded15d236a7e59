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

# SPEC 3: every command takes --data, --rules and --out, even where it does not
# use one of them, so a script can pass the same three to every command.
section "every command accepts --data, --rules and --out"
A=$(new_out all-three)
kasan run --month 2025-04 --finalize --actor tester --no-workbooks --quiet --data "$D" --rules "$RULES" --out "$A"
expect_rc 0 "run --finalize with all three"
# all_three EXPECTED LABEL ARGS... — the command with the three options is not
# a usage error (exit 1) and exits EXPECTED
all_three() {
    _want=$1 _l=$2
    shift 2
    kasan "$@" --data "$D" --rules "$RULES" --out "$A"
    if [ "$RC" -eq 1 ]; then fail "$_l with --data --rules --out" "usage error: $(printf '%s' "$ERR_TXT" | head -n 2)"
    else expect_rc "$_want" "$_l with --data --rules --out"; fi
}
all_three 0 "check" check
all_three 0 "run (draft of another month)" run --month 2025-05 --no-workbooks --quiet
all_three 0 "explain" explain --month 2025-04 --nursery P001
all_three 0 "replay" replay --month 2025-04
all_three 0 "diff" diff --month 2025-04 --rules-a "$RULES" --rules-b "$RULES"
all_three 0 "budget" budget --fy 2025
all_three 0 "audit verify" audit verify
all_three 0 "audit export" audit export
expect_msg_contains '"action":"finalize"' "audit export"
# the options may also come before the action's own ones
kasan audit verify --rules "$RULES" --data "$D" --out "$A" --anchor 1:0000000000000000000000000000000000000000000000000000000000000000
expect_rc 4 "audit verify --rules --data --out with a wrong anchor"

# --out '' (an empty variable in a script): refused, nothing written, never a
# crash (it read one byte past the empty path: a heap overflow under ASan)
kasan run --month 2025-05 --data "$D" --rules "$RULES" --out "" --no-workbooks --quiet
if [ "$RC" -ne 0 ] && [ "$RC" -le 5 ] && ! printf '%s' "$ERR_TXT" | grep -q 'Sanitizer\|runtime error'; then
    pass "--out '' refused (exit $RC)"
else fail "--out '' refused" "exit $RC: $(printf '%s' "$ERR_TXT" | head -n 2)"; fi

finish
