#!/bin/sh
# leftovers.sh — every kind of publication uses the one staging scheme
# (.NAME.staging-PID, NAME.old-PID; src/flow/publish.c) and the next command
# that writes it sweeps what a dead process left, never a live one's: the
# settlement (also under the .NAME.stage-PID name it had before), the claim
# forms, intake's claim files (also .M.old-PID, the name before) and a
# transfer file's temporary NAME.tmp-PID.  (recovery.sh covers the months.)
. "$(dirname "$0")/lib.sh"

export KASAN_NOW=2026-04-10T09:00:00Z
WARD=$SRCDIR/fixtures/sample-ward
DATA=$SRCDIR/tests/e2e/settle-data
M=2025-05

sh -c 'exit 0' &
dead=$!
wait $dead
sleep 60 &
live=$!

gone() { # LABEL PATH... — none of the paths exists
    _l=$1
    shift
    for _p in "$@"; do
        [ ! -e "$_p" ] || { fail "$_l" "$_p is still there"; return; }
    done
    pass "$_l"
}
kept() { # LABEL PATH... — every path exists
    _l=$1
    shift
    for _p in "$@"; do
        [ -e "$_p" ] || { fail "$_l" "$_p is gone"; return; }
    done
    pass "$_l"
}

section "a settlement's leftovers"
O=$(new_out settle)
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 \
    2026-02 2026-03; do
    "$KASAN" run --month "$m" --data "$DATA" --rules "$RULES" --out "$O" --no-workbooks \
        --quiet --finalize >/dev/null 2>&1 || fail "finalize $m" "exit $?"
done
mkdir -p "$O/.settlement-2025.staging-$dead/notices" "$O/.settlement-2025.stage-$dead" \
    "$O/settlement-2025.old-$dead" "$O/.settlement-2025.staging-$live" \
    "$O/.settlement-2024.staging-$dead"
kasan settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O"
expect_rc 0 "draft settlement over leftovers"
gone "a dead settle's staging (both names) and old outputs removed" \
    "$O/.settlement-2025.staging-$dead" "$O/.settlement-2025.stage-$dead" \
    "$O/settlement-2025.old-$dead"
kept "a live one's staging and another year's kept" "$O/.settlement-2025.staging-$live" \
    "$O/.settlement-2024.staging-$dead"
[ -f "$O/settlement-2025/settlement.csv" ] && pass "the settlement published" \
    || fail "the settlement published" "no settlement.csv"
n=$(ls -A "$O" | grep -c "^\.settlement-2025\.staging-")
expect_eq "$n" 1 "only the live process's staging is left"

section "the claim forms' leftovers"
O=$(new_out forms)
mkdir -p "$O/$M/.forms.staging-$dead" "$O/$M/forms.old-$dead" "$O/$M/.forms.staging-$live"
kasan forms --month $M --data "$WARD" --rules "$RULES" --out "$O"
expect_rc 0 "forms over leftovers"
gone "a dead process's forms staging and old forms removed" "$O/$M/.forms.staging-$dead" \
    "$O/$M/forms.old-$dead"
kept "a live one's kept, the forms published" "$O/$M/.forms.staging-$live" "$O/$M/forms/P001.xlsx"

section "intake's leftovers"
D=$(new_data data)
cp -R "$WARD/." "$D"
C=$D/claims
mkdir -p "$C/.$M.staging-$dead" "$C/$M.old-$dead" "$C/.$M.old-$dead" "$C/.$M.staging-$live"
echo "a note the ward keeps beside the claims" > "$C/$M/notes.txt"
PY=/usr/bin/python3 # the Debian one, with openpyxl (scripts/deps.sh), as forms.sh
if $PY -c 'import openpyxl' 2>/dev/null; then
    # the forms filled from the month's own claims, as a nursery would
    $PY "$SRCDIR/tests/e2e/fill_forms.py" "$O/$M/forms" "$WARD/claims/$M" "$WORK/filled" >/dev/null
    kasan intake --month $M --replace --data "$D" --rules "$RULES" "$WORK"/filled/*.xlsx
    expect_rc 0 "intake over leftovers"
    kept "the month's other files kept" "$C/$M/notes.txt" "$C/$M/children.csv"
else
    # the prefilled forms do not read (empty amounts): the sweep comes first anyway
    kasan intake --month $M --replace --data "$D" --rules "$RULES" "$O"/$M/forms/*.xlsx
    expect_rc 2 "intake of forms not filled in"
fi
gone "a dead intake's staging and old claim files (both names) removed" "$C/.$M.staging-$dead" \
    "$C/$M.old-$dead" "$C/.$M.old-$dead"
kept "a live one's kept" "$C/.$M.staging-$live"

section "a transfer file's temporary leftovers"
O=$(new_out transfer)
"$KASAN" run --month $M --data "$WARD" --rules "$RULES" --out "$O" --quiet --finalize \
    >/dev/null 2>&1 || fail "finalize $M" "exit $?"
: > "$O/$M/transfer-$M.txt.tmp-$dead"
: > "$O/$M/transfer-$M.txt.tmp-$live"
kasan transfer --month $M --date 2026-04-24 --out "$O" --rules "$RULES"
expect_rc 0 "transfer over leftovers"
gone "a dead process's temporary transfer file removed" "$O/$M/transfer-$M.txt.tmp-$dead"
kept "a live one's kept, the file written" "$O/$M/transfer-$M.txt.tmp-$live" \
    "$O/$M/transfer-$M.txt"

kill "$live" 2>/dev/null
wait "$live" 2>/dev/null
finish
