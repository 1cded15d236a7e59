#!/bin/bash
# year300.sh — issue 24 on a generated 300-nursery year: kasan-gen's dense
# ward with its grant applications, `kasan decide --fy 2025 --finalize`,
# the twelve months finalized within the decision (a month refused beyond
# it is finalized again on --over-decision-reason, as a clerk would), then
# `kasan budget`; the sums checked exactly against the outputs:
#   負担行為額 = Σ decisions.csv decided_yen;
#   支出済額   = Σ every month's payments.csv amount_yen;
#   未払 = 負担行為額 − 支出済額; 執行残 = 予算現額 − 負担行為額.
# Not part of the test suite (a benchmark: wall times are printed).
#   KASAN=build/kasan KASAN_GEN=build/tests/bench/kasan-gen SRCDIR=. tests/bench/year300.sh
# Env: NURSERIES (300), SEED (7), BENCH_DIR (kept; default a temp dir).
set -euo pipefail
: "${KASAN:?}" "${KASAN_GEN:?}" "${SRCDIR:?}"
NURSERIES=${NURSERIES:-300} SEED=${SEED:-7}
if [ -n "${BENCH_DIR:-}" ]; then W=$BENCH_DIR; mkdir -p "$W"; else W=$(mktemp -d); trap 'rm -rf "$W"' EXIT; fi
DATA=$W/data R=$W/rules O=$W/out
rm -rf "$DATA" "$R" "$O"
export KASAN_ACTOR=bench KASAN_NOW=2026-04-10T01:00:00Z
now() { date +%s%N; }
secs() { echo "scale=2; ($2 - $1) / 1000000000" | bc -l; }

"$KASAN_GEN" --seed "$SEED" --nurseries "$NURSERIES" --dense --months 2025-04..2026-03 \
    --applications --out "$DATA" >/dev/null
# the shipped rules with a line wide enough for a dense ward, and decisions
# required (no grant_decision: none)
cp -r "$SRCDIR/rules" "$R"
sed -i 's/^amount: .*/amount: 9000000000/; /^grant_decision:/d' "$R/budget/fy2025.yaml"

t0=$(now)
"$KASAN" decide --fy 2025 --data "$DATA" --rules "$R" --out "$O" --finalize --quiet >/dev/null
t1=$(now)
refused=""
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03; do
    rc=0
    "$KASAN" run --month "$m" --data "$DATA" --rules "$R" --out "$O" --finalize --quiet \
        >/dev/null 2>"$W/err" || rc=$?
    if [ "$rc" = 3 ] && grep -q "beyond its grant decision" "$W/err"; then
        refused="$refused $m"
        "$KASAN" run --month "$m" --data "$DATA" --rules "$R" --out "$O" --finalize --quiet \
            --over-decision-reason "実績が交付申請の計画を超えた（変更交付決定は後日）" >/dev/null
    elif [ "$rc" != 0 ]; then
        cat "$W/err" >&2
        exit 1
    fi
done
t2=$(now)
"$KASAN" budget --fy 2025 --rules "$R" --out "$O" >"$W/budget.txt"
t3=$(now)

/usr/bin/python3 - "$O" "$W/budget.txt" <<'PYEOF'
import csv, glob, re, sys
out, budget = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
def fig(label):
    m = re.search(r"^  %s\s+([-\d,]+) yen" % label, budget, re.M)
    return int(m.group(1).replace(",", ""))
decided = sum(int(r["decided_yen"]) for r in csv.DictReader(open(out + "/decisions-2025/decisions.csv")))
paid = sum(int(r["amount_yen"]) for f in sorted(glob.glob(out + "/20??-??/payments.csv"))
           for r in csv.DictReader(open(f)))
months = len(glob.glob(out + "/20??-??/payments.csv"))
want = {"予算現額": 9000000000, "負担行為額": decided, "支出済額": paid,
        "未払": decided - paid, "執行残": 9000000000 - decided}
got = {k: fig(k) for k in want}
print("months %d; decided %s; paid %s" % (months, format(decided, ","), format(paid, ",")))
for k in want:
    print("  %-6s %16s %s" % (k, format(got[k], ","), "ok" if got[k] == want[k] else "WRONG, want %s" % want[k]))
sys.exit(0 if got == want and months == 12 else 1)
PYEOF
echo "nurseries $NURSERIES (seed $SEED): decide $(secs "$t0" "$t1") s; twelve months finalized $(secs "$t1" "$t2") s; budget $(secs "$t2" "$t3") s"
echo "months refused beyond a decision, then paid on --over-decision-reason:${refused:- none}"
