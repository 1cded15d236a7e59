#!/bin/sh
# jobs: `run --fy --jobs N` (issue 16) — the months computed by worker
# processes are published in month order, exactly as with one process: the
# same files, the same console, and after a month with bad input the same
# stop (the months before it published, it and those after it not, no
# staging left behind).
. "$(dirname "$0")/lib.sh"
export KASAN_NOW=2026-04-10T09:00:00Z
SAMPLE="$SRCDIR/fixtures/sample-ward"

# tree OUT — the published files and leftovers of OUT, one per line (run ids
# in the markers differ by design: names only)
tree() { (cd "$1" && find . | sort); }

section "a clean year: --jobs 2 = --jobs 1"
for j in 1 2; do
    O=$(new_out ok$j)
    kasan run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$O" --jobs $j --no-workbooks
    expect_rc 0 "--jobs $j"
    printf '%s\n' "$OUT_TXT" | sed -E 's/run [0-9-]+T[0-9]+Z-[0-9a-f]+/run ID/; s#'"$WORK"'/ok[12]#OUT#' \
        > "$WORK/console$j"
done
expect_same_file "$WORK/console1" "$WORK/console2" "console, summaries in month order"
same=1
for m in "$WORK"/ok1/20*; do
    for f in payments.csv rejections.csv; do
        cmp -s "$m/$f" "$WORK/ok2/$(basename "$m")/$f" || same=0
    done
done
if [ $same = 1 ]; then pass "payments.csv and rejections.csv of the 12 months identical"
else fail "payments.csv and rejections.csv identical" "differ"; fi
n=$(ls -d "$WORK"/ok2/20* | wc -l)
expect_eq "$n" 12 "12 months published"

section "bad input in July: the same stop with 1 and 2 processes"
D=$(new_data bad)
cp -R "$SAMPLE"/. "$D"
# line 3 of July's children.csv: an impossible enrolment date
sed -i '3s/2024-04-01/2024-13-01/' "$D/claims/2025-07/children.csv"
for j in 1 2; do
    O=$(new_out bad$j)
    kasan run --fy 2025 --data "$D" --rules "$RULES" --out "$O" --jobs $j --no-workbooks --quiet
    expect_rc 2 "--jobs $j: invalid input"
    expect_msg_contains "claims/2025-07/children.csv:3:" "--jobs $j: the file and line named"
    printf '%s\n' "$ERR_TXT" > "$WORK/err$j"
    tree "$O" > "$WORK/tree$j"
done
expect_same_file "$WORK/err1" "$WORK/err2" "the same messages"
expect_same_file "$WORK/tree1" "$WORK/tree2" "the same months published, no leftovers"
# April, May, June published; July and after not
if [ -f "$WORK/bad2/2025-06/payments.csv" ] && [ ! -e "$WORK/bad2/2025-07" ] &&
    [ ! -e "$WORK/bad2/2025-08" ] && ! ls -a "$WORK/bad2" | grep -q staging; then
    pass "--jobs 2: up to June published, nothing from July on, no staging"
else
    fail "--jobs 2: up to June published" "$(ls -a "$WORK/bad2" | tr '\n' ' ')"
fi

section "--jobs takes a number"
kasan run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$(new_out u)" --jobs 0
expect_rc 1 "--jobs 0"
expect_msg_contains "--jobs takes a number of processes from 1 to 256"
kasan run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$(new_out u)" --jobs x
expect_rc 1 "--jobs x"
finish
