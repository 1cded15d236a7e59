#!/bin/sh
# Recovery (issue 12): a finalization killed between its ledger commit and
# moving the outputs into place, at each rename of the publication, leaves
# the ledger ahead of OUT/M.  The next run or replay of the month, or
# `kasan restore`, puts the finalized outputs back — the staged copy the dead
# process left, or rebuilt from the ledger when that copy is gone — with the
# same payments.csv and rejections.csv bytes and the same workbook cell
# values as the finalization.  Leftovers (.M.staging-PID, M.old-PID) of dead
# processes go on the next run; those of live processes stay.
. "$(dirname "$0")/lib.sh"

need strace strace
# the workbooks' cell values are compared with openpyxl when it is there
PY=python3
/usr/bin/python3 -c 'import openpyxl' 2>/dev/null && PY=/usr/bin/python3
HAVE_XL=1
$PY -c 'import openpyxl' 2>/dev/null || HAVE_XL=0
[ $HAVE_XL -eq 1 ] || skip "workbook cell values" "python3-openpyxl missing"

# the clock is pinned so that a rebuilt run gets the same issue date
KASAN_NOW=2026-06-10T09:30:00Z
export KASAN_NOW
WARD=$WORK/ward
cp -r "$SRCDIR/fixtures/sample-ward" "$WARD"
M=2025-05

# krun OUT ARGS... — kasan run of $M over the ward into OUT
krun() {
    _o=$1
    shift
    kasan run --month $M --data "$WARD" --rules "$RULES" --out "$_o" --quiet "$@"
}

# cells DIR — every workbook cell value under DIR, one "file!sheet!cell=value"
# a line (sorted), so that two copies can be compared whatever their zip bytes
cells() {
    $PY - "$1" <<'PY'
import os, sys, openpyxl
root = sys.argv[1]
for d, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        if not f.endswith('.xlsx'):
            continue
        p = os.path.join(d, f)
        wb = openpyxl.load_workbook(p)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if c.value is not None:
                        print('%s!%s!%s=%r' % (os.path.relpath(p, root), ws.title, c.coordinate, c.value))
PY
}
# cells_masked DIR — the same with run ids (which differ between two runs)
# replaced by RUNID
cells_masked() { cells "$1" | sed "s/$M-[0-9]*T[0-9]*Z-[0-9a-f]\{8\}/RUNID/g"; }

# same_outputs A B LABEL [masked] — same CSV bytes, and (openpyxl) same
# cell values (with "masked", run ids aside: A and B are different runs)
same_outputs() {
    expect_same_file "$1/payments.csv" "$2/payments.csv" "$3: payments.csv byte-identical"
    expect_same_file "$1/rejections.csv" "$2/rejections.csv" "$3: rejections.csv byte-identical"
    [ $HAVE_XL -eq 1 ] || return 0
    _c=cells
    [ "${4:-}" = masked ] && _c=cells_masked
    $_c "$1" > "$WORK/.cells1"
    $_c "$2" > "$WORK/.cells2"
    _n=$(grep -c . "$WORK/.cells1")
    if [ "$_n" -gt 100 ] && cmp -s "$WORK/.cells1" "$WORK/.cells2"; then
        pass "$3: the $_n workbook cell values are the same"
    else
        fail "$3: workbook cell values" "$_n cells; $(diff "$WORK/.cells1" "$WORK/.cells2" | head -n 4 | tr '\n' ' ')"
    fi
}

# no_leftovers OUT LABEL — no .M.staging-* nor M.old-* left
no_leftovers() {
    _l=$(cd "$1" && ls -A | grep -E "^\.$M\.staging-|^$M\.old-" | tr '\n' ' ')
    if [ -z "$_l" ]; then pass "$2: no leftovers"; else fail "$2: no leftovers" "$_l"; fi
}

section "the draft, and a clean finalization to compare with"
BASE=$(new_out base)
krun "$BASE"
expect_rc 0 "draft of $M"
CLEAN=$(new_out clean)
cp -a "$BASE" "$CLEAN"
krun "$CLEAN" --finalize
expect_rc 0 "clean finalization"

section "the renames of a finalization over the draft"
PROBE=$(new_out probe)
cp -a "$BASE" "$PROBE"
# --jobs 1: the statements written by one process, so that the renames
# counted (and, below, the Nth one killed) are this process's, in order
strace -f -qq -e trace=rename -o "$WORK/.renames" \
    "$KASAN" run --month $M --data "$WARD" --rules "$RULES" --out "$PROBE" --quiet --finalize --jobs 1
# N of the rename that moves the draft away (the first after the ledger
# commit), then the staging directory into place, then the run id out
N_OLD=$(grep -n "rename(\"$PROBE/$M\", \"$PROBE/$M.old-" "$WORK/.renames" | cut -d: -f1)
N_STAGE=$(grep -n "rename(\"$PROBE/.$M.staging-[0-9]*\", \"$PROBE/$M\")" "$WORK/.renames" | cut -d: -f1)
N_MARK=$(grep -n "rename(\"$PROBE/$M/.run-id\"" "$WORK/.renames" | cut -d: -f1)
N_ALL=$(grep -c 'rename(' "$WORK/.renames")
if [ "$N_ALL" -eq 0 ]; then
    skip "crash points" "strace saw no rename(2) (a libc using renameat?)"
    finish
fi
if [ -n "$N_OLD" ] && [ "$N_STAGE" = $((N_OLD + 1)) ] && [ "$N_MARK" = $((N_OLD + 2)) ] &&
    [ "$N_ALL" = "$N_MARK" ]; then
    pass "publication is renames $N_OLD, $N_STAGE, $N_MARK of $N_ALL"
else
    fail "publication renames found" "old=$N_OLD stage=$N_STAGE mark=$N_MARK of $N_ALL"
    finish
fi

# killed_at N NAME — a copy of the draft, finalized and killed at the Nth
# rename; keeps a copy of the staged outputs (the finalized bytes) in
# $WORK/NAME.staged when the kill left them; OUT is the copy
killed_at() {
    OUT=$(new_out "$2")
    cp -a "$BASE" "$OUT"
    strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when="$1" \
        "$KASAN" run --month $M --data "$WARD" --rules "$RULES" --out "$OUT" --quiet \
        --finalize --jobs 1 > /dev/null 2>&1
    RC=$?
    ERR_TXT=
    expect_rc 137 "$2: killed at rename $1"
    rm -rf "$WORK/$2.staged"
    for s in "$OUT"/.$M.staging-*; do
        [ -d "$s" ] && cp -a "$s" "$WORK/$2.staged"
    done
    [ -d "$WORK/$2.staged" ] || cp -a "$OUT/$M" "$WORK/$2.staged"
}

for point in old stage mark; do
    eval n=\$N_$(printf '%s' $point | tr a-z A-Z)
    section "killed at rename $n ($point), then a draft run"
    killed_at "$n" "k-$point"
    krun "$OUT"
    expect_rc 3 "draft of the finalized month is refused after the restore"
    expect_msg_contains "finalized run" "restore notice"
    same_outputs "$OUT/$M" "$CLEAN/$M" "k-$point vs clean finalize" masked
    [ $HAVE_XL -eq 1 ] && same_outputs "$OUT/$M" "$WORK/k-$point.staged" "k-$point vs the finalized bytes"
    no_leftovers "$OUT" "k-$point"
    krun "$OUT" --finalize
    expect_rc 3 "re-finalize refused (already finalized)"
    kasan replay --month $M --out "$OUT"
    expect_rc 0 "replay identical"

    section "killed at rename $n ($point), then replay"
    killed_at "$n" "r-$point"
    kasan replay --month $M --out "$OUT"
    expect_rc 0 "replay after the crash"
    expect_msg_contains "finalized run" "restore notice"
    same_outputs "$OUT/$M" "$CLEAN/$M" "r-$point vs clean finalize" masked
done

section "staged copy lost: rebuilt from the ledger"
killed_at "$N_OLD" lost
rm -rf "$OUT"/.$M.staging-*
kasan restore --month $M --out "$OUT" --rules "$RULES"
expect_rc 0 "kasan restore"
expect_msg_contains "restored them from the ledger"
same_outputs "$OUT/$M" "$WORK/lost.staged" "rebuilt vs the finalized bytes"
same_outputs "$OUT/$M" "$CLEAN/$M" "rebuilt vs clean finalize" masked
kasan restore --month $M --out "$OUT"
expect_rc 0 "restore again"
expect_msg_contains "nothing to restore"
# outputs deleted by hand: restore (and the next run) put them back
rm -rf "$OUT/$M"
krun "$OUT"
expect_rc 3 "draft after the outputs were deleted"
expect_msg_contains "restored them from the ledger"
same_outputs "$OUT/$M" "$WORK/lost.staged" "re-rebuilt vs the finalized bytes"
kasan restore --month 2025-06 --out "$OUT"
expect_rc 1 "restore of a month never finalized"
expect_msg_contains "no finalized run"

section "rebuilt with the budget view the finalization saw"
# 2025-04 finalized before the crash, 2025-06 after it: the rebuilt 予算
# sheet of 2025-05 counts April as paid and not June, as the finalized one did
OUT=$(new_out budgetview)
cp -a "$BASE" "$OUT"
kasan run --month 2025-04 --data "$WARD" --rules "$RULES" --out "$OUT" --quiet --finalize
expect_rc 0 "2025-04 finalized first"
strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when="$N_OLD" \
    "$KASAN" run --month $M --data "$WARD" --rules "$RULES" --out "$OUT" --quiet \
    --finalize --jobs 1 > /dev/null 2>&1
RC=$?
expect_rc 137 "2025-05 killed at rename $N_OLD"
rm -rf "$WORK/bv.staged"
cp -a "$OUT"/.$M.staging-* "$WORK/bv.staged"
rm -rf "$OUT"/.$M.staging-*
kasan run --month 2025-06 --data "$WARD" --rules "$RULES" --out "$OUT" --quiet --finalize
expect_rc 0 "2025-06 finalized after the crash"
kasan restore --month $M --out "$OUT" --rules "$RULES"
expect_rc 0 "restore of 2025-05"
expect_msg_contains "restored them from the ledger"
same_outputs "$OUT/$M" "$WORK/bv.staged" "rebuilt with April paid, June not yet"

section "leftovers of dead and live processes"
OUT=$(new_out left)
cp -a "$BASE" "$OUT"
sh -c 'exit 0' &
dead=$!
wait $dead
sleep 60 &
live=$!
mkdir -p "$OUT/.$M.staging-$dead/statements" "$OUT/.$M.staging-$live"
: > "$OUT/.$M.staging-$dead/statements/P001.xlsx"
: > "$OUT/$M.old-$dead"                # a file moved away (OUT/M was a file)
mkdir "$OUT/$M.old-$live"
mkdir "$OUT/.2025-06.staging-$dead"    # another month's: left to its own run
krun "$OUT"
expect_rc 0 "draft over leftovers"
[ ! -e "$OUT/.$M.staging-$dead" ] && [ ! -e "$OUT/$M.old-$dead" ] \
    && pass "a dead process's staging and old outputs removed" \
    || fail "dead leftovers removed" "$(ls -A "$OUT" | tr '\n' ' ')"
[ -d "$OUT/.$M.staging-$live" ] && [ -d "$OUT/$M.old-$live" ] \
    && pass "a live process's staging and old outputs kept" \
    || fail "live leftovers kept" "$(ls -A "$OUT" | tr '\n' ' ')"
[ -d "$OUT/.2025-06.staging-$dead" ] && pass "another month's leftovers untouched" \
    || fail "other month untouched" "$(ls -A "$OUT" | tr '\n' ' ')"
kill "$live" 2>/dev/null
wait "$live" 2>/dev/null
# OUT/M as a regular file: replaced, and nothing of it left behind
OUT=$(new_out asfile)
mkdir -p "$OUT"
echo junk > "$OUT/$M"
krun "$OUT"
expect_rc 0 "draft where OUT/$M is a regular file"
[ -d "$OUT/$M" ] && pass "OUT/$M is now the outputs" || fail "OUT/$M" "not a directory"
no_leftovers "$OUT" "file replaced"

section "a draft beside a ledger still being created"
# a concurrent first finalization creates ledger.sqlite before its schema:
# a draft then finds no finalized run (before: exit 5, "the ledger is empty")
OUT=$(new_out emptyledger)
mkdir -p "$OUT"
: > "$OUT/ledger.sqlite"
krun "$OUT"
expect_rc 0 "draft beside an empty ledger file"

finish
