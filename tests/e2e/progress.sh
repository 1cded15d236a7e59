#!/bin/sh
# progress: long work shows one progress line on stderr when it is a terminal
# (issue 16) — the months of `run --fy`, the statements, the claim forms and
# the settlement notices — and nothing at all when stderr is a file or with
# --quiet.  The terminal is script(1)'s pseudo-terminal.
. "$(dirname "$0")/lib.sh"
export KASAN_NOW=2026-04-10T09:00:00Z
SAMPLE="$SRCDIR/fixtures/sample-ward"
need script bsdutils # script(1): the pseudo-terminal

# on_tty FILE CMD... — runs CMD with stdout and stderr on a pseudo-terminal;
# FILE gets what the terminal showed, each \r a new line
on_tty() {
    _f=$1; shift
    script -qec "$*" /dev/null </dev/null | tr '\r' '\n' > "$_f"
}

# has FILE TEXT LABEL / hasnt FILE TEXT LABEL
has() {
    if grep -aqF -- "$2" "$1"; then pass "$3"; else fail "$3" "no '$2' in: $(head -c 300 "$1")"; fi
}
hasnt() {
    if grep -aqF -- "$2" "$1"; then fail "$3" "'$2' found"; else pass "$3"; fi
}

section "run --fy on a terminal: the months and the statements"
# sample ward: 12 months; April pays 9 nurseries (one statement each)
O=$(new_out tty)
on_tty "$WORK/t1" "$KASAN" run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$O" --jobs 1
has "$WORK/t1" "months 12/12" "the last month counted"
has "$WORK/t1" "months 1/12" "the first month counted"
has "$WORK/t1" "statements 9/9" "April's 9 statements counted"
on_tty "$WORK/t2" "$KASAN" run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$O" --jobs 2
has "$WORK/t2" "months 12/12" "--jobs 2: the months counted as they are published"
if [ "$(grep -ac '^kasan run 20' "$WORK/t2")" = 12 ] &&
    grep -a '^kasan run 20' "$WORK/t2" | cut -d' ' -f3 | sort -c 2>/dev/null; then
    pass "--jobs 2: 12 summaries, in month order"
else
    fail "--jobs 2: 12 summaries, in month order" "$(grep -a '^kasan run 20' "$WORK/t2" | cut -c1-20)"
fi

section "--quiet and a stderr that is not a terminal: no progress"
on_tty "$WORK/t3" "$KASAN" run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$O" --quiet
if [ ! -s "$WORK/t3" ]; then pass "--quiet on a terminal: nothing shown"
else fail "--quiet on a terminal: nothing shown" "$(head -c 200 "$WORK/t3")"; fi
"$KASAN" run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$O" 2>"$WORK/e4" >/dev/null
RC=$?; ERR_TXT=
expect_rc 0 "run --fy, stderr to a file"
if [ ! -s "$WORK/e4" ]; then pass "stderr to a file: no progress bytes"
else fail "stderr to a file: no progress bytes" "$(od -c "$WORK/e4" | head -3)"; fi

section "claim forms and settlement notices"
# forms of 2025-05: one per nursery of the paid kind active in May
on_tty "$WORK/t5" "$KASAN" forms --month 2025-05 --data "$SAMPLE" --rules "$RULES" --out "$O"
n=$(ls "$O/2025-05/forms" | grep -c '\.xlsx$')
has "$WORK/t5" "claim forms $n/$n" "claim forms: all $n counted"
"$KASAN" forms --month 2025-05 --data "$SAMPLE" --rules "$RULES" --out "$O" >/dev/null 2>"$WORK/e6"
hasnt "$WORK/e6" "claim forms" "claim forms, stderr to a file: no progress"
F=$(new_out settle)
# the year finalized (March is over the budget line and refused: 11 months
# paid are enough for the sample's actuals report)
"$KASAN" run --fy 2025 --finalize --data "$SAMPLE" --rules "$RULES" --out "$F" --quiet \
    --no-workbooks >/dev/null 2>&1
on_tty "$WORK/t7" "$KASAN" settle --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$F"
n=$(ls "$F"/settlement-2025/notices | grep -c '\.xlsx$')
if [ "$n" -gt 0 ]; then has "$WORK/t7" "settlement notices $n/$n" "settlement notices: all $n counted"
else fail "settlement notices written" "none in $F/settlement-2025/notices"; fi
finish
