#!/bin/sh
# I/O errors (issue 12): an output directory that cannot be made and a disk
# that fills up give one kasan message naming the path and what kasan was
# doing (exit 5), never libxlsxwriter's raw "[ERROR][./src/packager.c…]"
# lines, and leave no partial outputs nor staging directories.
. "$(dirname "$0")/lib.sh"

WARD=$WORK/ward
cp -r "$SRCDIR/fixtures/sample-ward" "$WARD"
M=2025-05

# no_raw_errors LABEL — stderr has no line of libxlsxwriter's own
no_raw_errors() {
    if printf '%s' "$ERR_TXT" | grep -q '^\[ERROR\]\|\[WARNING\]'; then
        fail "$1: no raw libxlsxwriter lines" "$(printf '%s' "$ERR_TXT" | head -n 2)"
    else pass "$1: no raw libxlsxwriter lines"; fi
}

section "--out through a regular file (ENOTDIR, even for root)"
: > "$WORK/somefile"
for fin in "" --finalize; do
    kasan run --month $M --data "$WARD" --rules "$RULES" --out "$WORK/somefile/x" --quiet $fin
    expect_rc 5 "run ${fin:-draft} --out somefile/x"
    expect_msg_contains "kasan run: cannot create output directory $WORK/somefile/x: Not a directory"
    [ -f "$WORK/somefile" ] && [ ! -s "$WORK/somefile" ] && pass "somefile untouched" \
        || fail "somefile untouched" "$(ls -la "$WORK/somefile")"
done
kasan diff --month $M --data "$WARD" --rules-a "$RULES" --rules-b "$RULES" --out "$WORK/somefile/x"
expect_rc 5 "diff --out somefile/x"
expect_msg_contains "kasan diff: cannot create output directory $WORK/somefile/x/$M: Not a directory"

section "--out under a read-only parent"
mkdir "$WORK/ro"
chmod 555 "$WORK/ro"
# root writes anywhere: run as nobody (the ward readable)
if as_unprivileged "read-only parent"; then
    chmod -R o+rX "$WARD"
    $AS_U "$KASAN_U" run --month $M --data "$WARD" --rules "$RULES_U" --out "$WORK/ro/x" --quiet \
        > "$WORK/.stdout" 2> "$WORK/.stderr"
    RC=$?
    ERR_TXT=$(cat "$WORK/.stderr")
    OUT_TXT=
    expect_rc 5 "run --out under a read-only parent"
    expect_msg_contains "kasan run: cannot create output directory $WORK/ro/x: Permission denied"
fi
chmod 755 "$WORK/ro"

section "disk full"
MNT=$WORK/mnt
mkdir "$MNT"
if ! mount -t tmpfs -o size=64k tmpfs "$MNT" 2>/dev/null; then
    skip "disk full" "cannot mount a tmpfs (not root?)"
    finish
fi
trap 'umount "$MNT" 2>/dev/null; rm -rf "$WORK"' EXIT
# sizes chosen so that the outputs (about 144 KiB with workbooks) and the
# ledger (about 100 KiB) fail at different files: drafts at 16k, 24k, 96k
# (a CSV, a workbook); finalizations at the ledger (16k to 96k) and at a
# statement (160k, 240k: the ledger fits, the outputs do not)
for case in 16k: 16k:--finalize 24k: 24k:--finalize 96k: 96k:--finalize 160k:--finalize \
    240k:--finalize; do
    size=${case%%:*} fin=${case#*:}
    umount "$MNT"
    mount -t tmpfs -o size=$size tmpfs "$MNT"
    {
        rm -rf "$MNT/out"
        kasan run --month $M --data "$WARD" --rules "$RULES" --out "$MNT/out" --quiet $fin
        lbl="$size ${fin:-draft}"
        expect_rc 5 "$lbl: disk full"
        no_raw_errors "$lbl"
        # "PATH: reason", or the ledger's "reason (the ledger: PATH)": the reason
        # first, so that a long path never cuts it off (issue 21 item 11)
        if printf '%s' "$ERR_TXT" | grep -q "$MNT/out/.*: \(No space left on device\|.*disk is full\|disk I/O error\)" ||
            printf '%s' "$ERR_TXT" | grep -q "\(No space left on device\|disk is full\|disk I/O error\) (the ledger: $MNT/out/"; then
            pass "$lbl: the message names a path under the output directory"
        else fail "$lbl: message names the path" "$(printf '%s' "$ERR_TXT" | head -n 2)"; fi
        _n=$(printf '%s\n' "$ERR_TXT" | grep -c .)
        [ "$_n" -le 2 ] && pass "$lbl: $_n lines of message" || fail "$lbl: short message" "$_n lines"
        _l=$(ls -A "$MNT/out" 2>/dev/null | grep -v '^ledger\.sqlite' | tr '\n' ' ')
        [ -z "$_l" ] && pass "$lbl: no outputs, no staging left" || fail "$lbl: nothing left" "$_l"
    }
done

section "disk full in the middle of a CSV (written in 64 KiB chunks)"
# 2,000 lines of an unknown nursery: 2,000 rejections, each row over 100
# bytes, so rejections.csv (over 200 KB) fills a 128k disk chunk by chunk
BIG=$WORK/big
cp -r "$WARD" "$BIG"
awk 'BEGIN { for (i = 1; i <= 2000; i++) printf "Z999,K%05d,suction,2024-04-01,\n", i }' \
    >> "$BIG/claims/$M/children.csv"
umount "$MNT"
mount -t tmpfs -o size=128k tmpfs "$MNT"
kasan run --month $M --data "$BIG" --rules "$RULES" --out "$MNT/out" --quiet --no-workbooks
expect_rc 5 "128k: disk full while writing rejections.csv"
expect_msg_contains "rejections.csv: No space left on device" "the message names rejections.csv"
_l=$(ls -A "$MNT/out" 2>/dev/null | tr '\n' ' ')
[ -z "$_l" ] && pass "128k: no outputs, no staging left" || fail "128k: nothing left" "$_l"
umount "$MNT"
mount -t tmpfs -o size=1m tmpfs "$MNT"
kasan run --month $M --data "$BIG" --rules "$RULES" --out "$MNT/out" --quiet --no-workbooks
expect_rc 0 "1m: the same month fits"
_n=$(grep -c ',Z999,.*,unknown_nursery,' "$MNT/out/$M/rejections.csv")
expect_eq "$_n" 2000 "1m: the 2,000 rejections of Z999 written"

finish
