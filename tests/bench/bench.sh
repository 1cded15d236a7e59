#!/bin/bash
# The national-scale benchmark (see RESULTS.md): one generated dense national
# year, timed REPS times per figure, medians printed with the ratios the issue
# asks for, and the outputs checked against a plain run and the ZEN peer.
#   meson test -C BUILD --benchmark        (env from tests/bench/meson.build)
#   KASAN=... KASAN_GEN=... EVALBENCH=... XLSXFLOOR=... SRCDIR=... tests/bench/bench.sh
# Env: REPS (default 5), WB_REPS (with workbooks, default 3), ZEN_REPS (3),
# NURSERIES (30000), BENCH_DIR (kept data and outputs; default a temp dir),
# PEERS (default /work/shared/peers).
set -euo pipefail
: "${KASAN:?}" "${KASAN_GEN:?}" "${EVALBENCH:?}" "${XLSXFLOOR:?}" "${SRCDIR:?}"
REPS=${REPS:-5} WB_REPS=${WB_REPS:-3} ZEN_REPS=${ZEN_REPS:-3} NURSERIES=${NURSERIES:-30000}
PEERS=${PEERS:-/work/shared/peers}
RULES=$SRCDIR/rules MONTH=2025-04
if [ -n "${BENCH_DIR:-}" ]; then W=$BENCH_DIR; mkdir -p "$W"; else W=$(mktemp -d); trap 'rm -rf "$W"' EXIT; fi
DATA=$W/data
fail=0

now() { date +%s%N; }
median() { sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
# wall seconds of "$@" (stdout/stderr discarded), REPS times → median
time_median() {
    local n=$1; shift
    for _ in $(seq "$n"); do
        local t0; t0=$(now); "$@" >/dev/null 2>&1; local t1; t1=$(now)
        echo "($t1 - $t0) / 1000000000" | bc -l
    done | median
}
ratio() { echo "scale=1; $1 / $2" | bc -l; }
peak_mib() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident/ {printf "%.1f", $2/1024}'; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -m | awk '/Mem:/ {print $2}') MiB"
[ -f "$DATA/nurseries.csv" ] || "$KASAN_GEN" --seed 1 --nurseries "$NURSERIES" --dense --months 2025-04..2026-03 --out "$DATA"
echo "== data: $NURSERIES nurseries, dense, 12 months, $(cat "$DATA"/claims/*/*.csv | wc -l) claim lines (with headers)"

# The floor: `wc -l` over exactly the bytes the year reads — nurseries.csv
# once (`run --fy` reads it once) and the 24 claim files — given as
# arguments: a `cat | wc -l` pipe measured 43 to 220 ms on this VM depending
# on its scheduling, `wc -l FILES` a steady 37 ms.
year_files=("$DATA/nurseries.csv")
for m in "$DATA"/claims/*/; do year_files+=("$m"children.csv "$m"nurses.csv); done
year_run() { "$KASAN" run --fy 2025 --data "$DATA" --rules "$RULES" --out "$W/y$1" --no-workbooks --quiet --jobs "$1" >/dev/null 2>&1; }
# the year with one process, with two, and the floor, timed in turn REPS
# times so that a drift of the machine touches all three; the ratios are
# taken run by run, then their median; prints "y1 y2 floor y1/floor y2/floor"
time_year_and_floor() {
    local i t0 t1 t2 t3
    for i in $(seq "$REPS"); do
        t0=$(now); year_run 1; t1=$(now); year_run 2; t2=$(now)
        wc -l "${year_files[@]}" >/dev/null; t3=$(now)
        echo "$(( t1 - t0 )) $(( t2 - t1 )) $(( t3 - t2 ))"
    done >"$W/pairs"
    local c
    for c in '$1' '$2' '$3' '$1 / $3 * 1e9' '$2 / $3 * 1e9'; do
        awk "{print $c / 1e9}" "$W/pairs" | median
    done | tr '\n' ' '
    echo # read needs the line's end
}

ev=$("$EVALBENCH" "$RULES" "$DATA" $MONTH "$((REPS * 2 + 1))")
ev_lines=$(awk '/^lines /{print $2}' <<<"$ev"); ev_rate=$(awk '/^lines_per_s/{print $2}' <<<"$ev")
ev_s=$(awk '/^eval_s/{print $2}' <<<"$ev"); compute_s=$(awk '/^compute_s/{print $2}' <<<"$ev")
month_s=$(time_median "$REPS" "$KASAN" run --month $MONTH --data "$DATA" --rules "$RULES" --out "$W/m" --no-workbooks --quiet)
read -r year_s year2_s wc_s year_ratio year2_ratio < <(time_year_and_floor)
month_mib=$(peak_mib "$KASAN" run --month $MONTH --data "$DATA" --rules "$RULES" --out "$W/m" --no-workbooks --quiet)
year_mib=$(peak_mib "$KASAN" run --fy 2025 --data "$DATA" --rules "$RULES" --out "$W/y" --no-workbooks --quiet --jobs 1)
year2_mib=$(peak_mib "$KASAN" run --fy 2025 --data "$DATA" --rules "$RULES" --out "$W/y2" --no-workbooks --quiet --jobs 2)
# the month with its statements against the bare loop writing as many
# minimal one-sheet workbooks (one process, temporary parts in /dev/shm
# as kasan's statements, and in the system's temporary directory), in turn
n_stmt=$(($(wc -l <"$DATA/nurseries.csv") - 1))
shm=; [ -d /dev/shm ] && [ -w /dev/shm ] && shm=/dev/shm
mkdir -p "$W/sf"
for _ in $(seq "$WB_REPS"); do
    t0=$(now); "$KASAN" run --month $MONTH --data "$DATA" --rules "$RULES" --out "$W/wb" --quiet >/dev/null 2>&1; t1=$(now)
    rm -rf "$W/sf"/*; "$XLSXFLOOR" --statements "$n_stmt" "$W/sf" $shm >/dev/null; t2=$(now)
    rm -rf "$W/sf"/*; "$XLSXFLOOR" --statements "$n_stmt" "$W/sf" >/dev/null; t3=$(now)
    echo "$(( t1 - t0 )) $(( t2 - t1 )) $(( t3 - t2 ))"
done >"$W/wbpairs"
wb_s=$(awk '{print $1 / 1e9}' "$W/wbpairs" | median)
sfloor_s=$(awk '{print $2 / 1e9}' "$W/wbpairs" | median)
sfloor_disk_s=$(awk '{print $3 / 1e9}' "$W/wbpairs" | median)
wb_ratio=$(awk '{print $1 / $2}' "$W/wbpairs" | median)
rm -rf "$W/sf"
wb_mib=$(peak_mib "$KASAN" run --month $MONTH --data "$DATA" --rules "$RULES" --out "$W/wb" --quiet)
mkdir -p "$W/xf"
xf=$("$XLSXFLOOR" "$RULES" "$DATA" $MONTH "$WB_REPS" "$W/xf")
xlsx_s=$(awk '/^report_s/{print $2}' <<<"$xf"); floor_s=$(awk '/^floor_s/{print $2}' <<<"$xf")

printf '\n%-52s %s\n' "figure (median of runs)" "value"
printf '%-52s %s lines, %.4f s, %.0f lines/s\n' "kasan evaluation alone ($MONTH)" "$ev_lines" "$ev_s" "$ev_rate"
printf '%-52s %.4f s\n' "kasan engine_compute, inputs in memory" "$compute_s"
printf '%-52s %.3f s, peak %s MiB\n' "kasan run --month --no-workbooks (dense month)" "$month_s" "$month_mib"
printf '%-52s %.3f s, peak %s MiB\n' "kasan run --fy --no-workbooks --jobs 1 (dense year)" "$year_s" "$year_mib"
printf '%-52s %.3f s, peak %s MiB\n' "kasan run --fy --no-workbooks --jobs 2" "$year2_s" "$year2_mib"
printf '%-52s %.3f s\n' "floor: wc -l over the year's input files" "$wc_s"
printf '%-52s %.3f s, peak %s MiB\n' "kasan run --month with workbooks ($n_stmt nurseries)" "$wb_s" "$wb_mib"
printf '%-52s %.3f s\n' "floor: bare loop, $n_stmt one-sheet workbooks${shm:+ (tmp in $shm)}" "$sfloor_s"
printf '%-52s %.3f s\n' "the same loop, tmp in the system's temp dir" "$sfloor_disk_s"
printf '%-52s %.3f s\n' "payments.xlsx (report_payments_xlsx)" "$xlsx_s"
printf '%-52s %.3f s\n' "floor: bare libxlsxwriter loop, same cells" "$floor_s"
echo
printf 'ratio: dense year --jobs 1 / wc -l floor  %.1fx   (target <= 10; median of run-by-run ratios)\n' "$year_ratio"
printf 'ratio: dense year --jobs 2 / wc -l floor  %.1fx   (target <= 5)\n' "$year2_ratio"
printf 'ratio: statements month / bare loop       %.2fx   (target <= 0.7)\n' "$wb_ratio"
echo "ratio: payments.xlsx / libxlsxwriter floor $(ratio "$xlsx_s" "$floor_s")x   (target <= 2)"

# ZEN, the Rust rules engine (npm @gorules/zen-engine), on the same month
if command -v node >/dev/null && { [ -d "$PEERS/zen/node_modules" ] || "$PEERS/zen/setup.sh" >/dev/null 2>&1; }; then
    for _ in $(seq "$ZEN_REPS"); do
        t0=$(now); node "$PEERS/zen/run.js" "$DATA" $MONTH >"$W/zen.csv" 2>"$W/zen.err"; t1=$(now)
        echo "$(echo "($t1 - $t0) / 1000000000" | bc -l) $(sed -n 's/.* = \([0-9]*\) lines\/s/\1/p' "$W/zen.err")"
    done >"$W/zen.times"
    zen_s=$(awk '{print $1}' "$W/zen.times" | median)
    zen_rate=$(awk '{print $2}' "$W/zen.times" | median)
    zen_mib=$(peak_mib node "$PEERS/zen/run.js" "$DATA" $MONTH)
    printf '%-52s %.0f lines/s\n' "ZEN engine evaluation ($MONTH)" "$zen_rate"
    printf '%-52s %.3f s, peak %s MiB\n' "ZEN whole process ($MONTH)" "$zen_s" "$zen_mib"
    echo "ratio: kasan eval / ZEN engine throughput  $(ratio "$ev_rate" "$zen_rate")x   (target >= 200)"
    echo "ratio: ZEN whole / kasan dense month       $(ratio "$zen_s" "$month_s")x   (target >= 20)"
    if cmp -s "$W/zen.csv" "$W/m/$MONTH/payments.csv"; then echo "check: payments.csv = ZEN's: same"
    else echo "check: payments.csv = ZEN's: DIFFERENT"; fail=1; fi
    cc=$("$PEERS/crosscheck.sh" "$KASAN" "$DATA" "$RULES" 2025-10) # the amended rules' month
    sed 's/^/check: crosscheck.sh /' <<<"$cc"
    if grep -q DIFFERENT <<<"$cc"; then fail=1; fi
else
    echo "ZEN peer skipped: node/npm unavailable"
fi

# the benchmark's outputs are those of a plain run
"$KASAN" run --month $MONTH --data "$DATA" --rules "$RULES" --out "$W/plain" --no-workbooks --quiet
for f in payments.csv rejections.csv; do
    for o in y1 y2 wb; do
        if cmp -s "$W/plain/$MONTH/$f" "$W/$o/$MONTH/$f"; then echo "check: $f of the $o run = plain run: same"
        else echo "check: $f of the $o run = plain run: DIFFERENT"; fail=1; fi
    done
done
# one process or two: the same year
same=same
for d in "$W/y1"/20*; do
    for f in payments.csv rejections.csv; do cmp -s "$d/$f" "$W/y2/$(basename "$d")/$f" || same=DIFFERENT; done
done
echo "check: the year's 12 months with --jobs 1 = --jobs 2: $same"
[ $same = same ] || fail=1
exit $fail
