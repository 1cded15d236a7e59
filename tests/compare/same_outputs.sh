#!/bin/bash
# same_outputs.sh — proves that two kasan binaries give byte-identical outputs,
# for refactors that must not change behaviour (issue 10).  Not a test of
# correctness: that is tests/unit and tests/e2e.
#
#   tests/compare/same_outputs.sh [--full] [--keep DIR] OLD_KASAN NEW_KASAN
#
# Runs both binaries on the same inputs, each in its own output tree, and
# compares, byte for byte:
#   sample ward (fixtures/sample-ward, FY2025 April..March):
#     - drafts of the fiscal year (run --fy 2025): console, payments.csv,
#       rejections.csv, and every payments.xlsx / statement's XML parts
#       (docProps/core.xml, which holds the creation time, excepted);
#     - each month finalized in turn, then replayed, budget, audit verify
#       and audit export; explain of every nursery of every month; check;
#       diff of every month (rules against a copy raising one unit price);
#       a second finalize (refused, exit 3) and a supersede;
#     - the budget's other paths: a small line (refusal, override, a draft
#       over the line) and no line at all;
#     - the year-end settlement (draft, finalize, refused again, replay,
#       explain of each nursery), restore of a month's lost outputs, claim
#       forms written and read back by intake;
#     - bank transfer files (kasan transfer: the bytes), a second one refused,
#       one of a draft month refused, a correction (corrections.csv and the
#       修正差額 sheet) and its 追給 transfer, and `kasan audit report` (every
#       sheet's cells, the ledger path, hashes and times masked);
#   a generated national-scale year (tests/bench kasan-gen, dense):
#     - the draft year (--no-workbooks), then each month finalized in turn
#       without and (when refused) with --over-budget-reason, replay of every
#       month, budget and audit export.
#   Exit codes and stderr of every command are compared too.
#   And NEW alone, when it has --jobs: --jobs 1 against --jobs 2 on the
#   sample year with workbooks, the national draft year and a national month
#   with its statements.
# What legitimately differs is masked before comparing: run ids (they hash the
# nanosecond clock and the pid), event hashes and anchors (they cover run ids),
# the ledger's event "time" (wall clock).  The clock is pinned otherwise with
# KASAN_NOW, the actor with KASAN_ACTOR, statements' issue date with
# --issue-date.
#
# Scale: NURSERIES=5000 by default (about 20 s for both binaries on this
# VM); --full uses the benchmark's 30000 (about 4 minutes).  KASAN_GEN defaults to
# build/tests/bench/kasan-gen beside NEW_KASAN's build.  Prints each
# difference (diff -u, first 40 lines) and exits 1 if there is any, 0 if all
# outputs are identical.  --keep DIR keeps the two output trees in DIR.
#
# Baseline: build the commit before the refactor once (9fdd617 for the
# first issue-10 pass; main 731e026 for the merge that brought the
# settlement, forms and restore, whose sample registry differs), e.g.
#   git worktree add /tmp/kasan-base 731e026 && (cd /tmp/kasan-base &&
#   meson setup build && ninja -C build -j2)
#   tests/compare/same_outputs.sh /tmp/kasan-base/build/kasan build/kasan
set -uo pipefail
export LC_ALL=C KASAN_NOW=2026-04-10T09:00:00Z KASAN_ACTOR=compare

full=0 keep=
while [ $# -gt 0 ]; do
    case $1 in
    --full) full=1; shift ;;
    --keep) keep=$2; shift 2 ;;
    -h|--help) sed -n '2,47p' "$0"; exit 0 ;;
    *) break ;;
    esac
done
[ $# -eq 2 ] || { echo "usage: $0 [--full] [--keep DIR] OLD_KASAN NEW_KASAN" >&2; exit 1; }
OLD=$(readlink -f "$1") NEW=$(readlink -f "$2")
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)
: "${KASAN_GEN:=$(dirname "$NEW")/tests/bench/kasan-gen}"
NURSERIES=${NURSERIES:-5000}
[ "$full" = 1 ] && NURSERIES=30000
for b in "$OLD" "$NEW" "$KASAN_GEN"; do [ -x "$b" ] || { echo "not executable: $b" >&2; exit 1; }; done

if [ -n "$keep" ]; then W=$keep; rm -rf "$W"; mkdir -p "$W"; else W=$(mktemp -d); trap 'rm -rf "$W"' EXIT; fi
RULES=$SRCDIR/rules SAMPLE=$SRCDIR/fixtures/sample-ward
MONTHS="2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03"
ISSUE=--issue-date=2026-04-10

# rules B for diff: the 2025-10 standard unit of program A 55,000 → 60,000
RB=$W/rules-b
cp -R "$RULES" "$RB"
sed -i 's/標準: 55000/標準: 60000/' "$RB/acceptance_addon/2025-10.yaml"

# a small line (2,000,000 yen: May's finalization is refused, June's draft
# shows the line broken) and no line at all, for the budget's other paths
RS=$W/rules-small RN=$W/rules-noline
cp -R "$RULES" "$RS"
sed -i 's/^amount: 16444000$/amount: 2000000/' "$RS/budget/fy2025.yaml"
grep -q '^amount: 2000000$' "$RS/budget/fy2025.yaml" || { echo "rules-small: sed did not apply" >&2; exit 1; }
cp -R "$RULES" "$RN"
rm "$RN/budget/fy2025.yaml"

echo "== data: national-scale year, $NURSERIES nurseries, dense"
NAT=$W/national
"$KASAN_GEN" --seed 1 --nurseries "$NURSERIES" --dense --months 2025-04..2026-03 --out "$NAT" >/dev/null || exit 1

# Masks what legitimately differs between two runs (see header).
mask() {
    sed -E -e 's/[0-9]{4}-[0-9]{2}-[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}/RUN-ID/g' \
        -e 's/"(hash|prev_hash)":"[0-9a-f]{64}"/"\1":"HASH"/g' \
        -e 's/"time":"[^"]*"/"time":"TIME"/g' \
        -e 's/\b[0-9]+:[0-9a-f]{64}\b/ANCHOR/g' \
        -e 's/(last event [0-9]+[^0-9a-f]*)[0-9a-f]{64}/\1HASH/g'
}

# step LOG CMD... — runs CMD, appends "$ CMD", its masked stdout and stderr
# and its exit code to LOG (one log per binary, compared at the end).
step() {
    local log=$1; shift
    local out err rc
    out=$("$@" 2>"$log.err"); rc=$?
    {
        printf '$ %s\n' "$*" | sed -e "s#$K#kasan#" -e "s#$T#T#g"
        printf '%s\n' "$out" | mask | sed "s#$T#T#g"
        mask <"$log.err" | sed "s#$T#T#g" | sed 's/^/stderr: /'
        printf 'exit %d\n' "$rc"
    } >>"$log"
    rm -f "$log.err"
}

# xlsx_to_xml DIR — replaces every workbook under DIR by FILE.xlsx.xml: its
# XML parts but docProps/core.xml (creation time), masked
xlsx_to_xml() {
    find "$1" -name '*.xlsx' | python3 -c '
import sys, zipfile, os
for path in sys.stdin.read().split():
    z = zipfile.ZipFile(path)
    with open(path + ".xml", "w") as out:
        for n in sorted(z.namelist()):
            if n != "docProps/core.xml":
                out.write("### %s\n%s\n" % (n, z.read(n).decode("utf-8")))
    os.remove(path)
'
    find "$1" -name '*.xlsx.xml' | while read -r x; do mask <"$x" >"$x.m" && mv "$x.m" "$x"; done
}

# one_side BIN T — everything for one binary under T
one_side() {
    local K=$1; T=$2
    mkdir -p "$T"
    local L=$T/log
    : >"$L"
    # sample ward: check, drafts, explain, diff
    step "$L" "$K" check --verbose --rules "$RULES"
    step "$L" "$K" run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$T/draft" $ISSUE
    for m in $MONTHS; do
        ids=$(cut -d, -f2 "$T/draft/$m/payments.csv" "$T/draft/$m/rejections.csv" 2>/dev/null | grep -E '^P' | sort -u)
        for id in $ids; do
            step "$L" "$K" explain --month "$m" --nursery "$id" --data "$SAMPLE" --rules "$RULES" --out "$T/draft"
        done
        step "$L" "$K" diff --month "$m" --data "$SAMPLE" --rules-a "$RULES" --rules-b "$RB" --out "$T/diff"
    done
    # sample ward: finalize month by month, replay, budget, audit
    for m in $MONTHS; do
        step "$L" "$K" run --month "$m" --finalize --data "$SAMPLE" --rules "$RULES" --out "$T/final" $ISSUE
    done
    step "$L" "$K" run --month 2025-04 --finalize --data "$SAMPLE" --rules "$RULES" --out "$T/final" $ISSUE
    step "$L" "$K" run --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$T/final" $ISSUE
    step "$L" "$K" run --month 2025-05 --finalize --supersede --reason "compare" --data "$SAMPLE" --rules "$RULES" --out "$T/final" $ISSUE
    for m in $MONTHS; do step "$L" "$K" replay --month "$m" --out "$T/final"; done
    step "$L" "$K" budget --fy 2025 --out "$T/final" --rules "$RULES"
    # year-end settlement: draft, finalize, replay, explain; restore of a lost month
    step "$L" "$K" settle --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$T/final" $ISSUE
    step "$L" "$K" settle --fy 2025 --finalize --data "$SAMPLE" --rules "$RULES" --out "$T/final" $ISSUE
    step "$L" "$K" settle --fy 2025 --finalize --data "$SAMPLE" --rules "$RULES" --out "$T/final" $ISSUE
    step "$L" "$K" replay --settlement 2025 --out "$T/final"
    for id in $(cut -d, -f2 "$T/final/settlement-2025/settlement.csv" 2>/dev/null | grep -E '^P' | sort -u); do
        step "$L" "$K" explain --settlement 2025 --nursery "$id" --out "$T/final"
    done
    rm -rf "$T/final/2025-06"
    step "$L" "$K" restore --month 2025-06 --out "$T/final" --rules "$RULES"
    step "$L" "$K" audit verify --out "$T/final"
    "$K" audit export --out "$T/final" 2>&1 | mask >"$T/final/audit.jsonl"
    # budget paths: over a small line (refused, overridden, draft in red), no line
    for m in 2025-04 2025-05; do
        step "$L" "$K" run --month "$m" --finalize --data "$SAMPLE" --rules "$RS" --out "$T/small" $ISSUE
    done
    step "$L" "$K" run --month 2025-05 --finalize --over-budget-reason "流用" --data "$SAMPLE" --rules "$RS" --out "$T/small" $ISSUE
    step "$L" "$K" run --month 2025-06 --data "$SAMPLE" --rules "$RS" --out "$T/small" $ISSUE
    step "$L" "$K" budget --fy 2025 --out "$T/small" --rules "$RS"
    "$K" audit export --out "$T/small" 2>&1 | mask >"$T/small/audit.jsonl"
    step "$L" "$K" run --month 2025-04 --finalize --data "$SAMPLE" --rules "$RN" --out "$T/noline" $ISSUE
    step "$L" "$K" run --month 2025-05 --data "$SAMPLE" --rules "$RN" --out "$T/noline" $ISSUE
    step "$L" "$K" budget --fy 2025 --out "$T/noline" --rules "$RN"
    # claim forms written, then read back into a copy of the data
    step "$L" "$K" forms --month 2025-05 --data "$SAMPLE" --rules "$RULES" --out "$T/forms"
    cp -R "$SAMPLE" "$T/data"
    step "$L" "$K" intake --month 2025-05 --replace --data "$T/data" --rules "$RULES" "$T"/forms/2025-05/forms/*.xlsx
    rm -rf "$T/data/settlement" "$T/data"/*.py "$T/data"/*.md
    # bank transfer files (bytes), a correction (corrections.csv, the 修正差額
    # sheet) and its 追給 transfer, refusals, and the auditor's year
    cp -R "$SAMPLE" "$T/data-fix"
    for m in 2025-04 2025-05; do
        step "$L" "$K" run --month "$m" --finalize --data "$SAMPLE" --rules "$RULES" --out "$T/corr" $ISSUE
    done
    step "$L" "$K" transfer --month 2025-05 --date 2026-04-24 --out "$T/corr" --rules "$RULES"
    step "$L" "$K" transfer --month 2025-05 --date 2026-04-24 --out "$T/corr" --rules "$RULES"
    step "$L" "$K" transfer --month 2025-06 --date 2026-04-24 --out "$T/corr" --rules "$RULES"
    # P011 S0001's salary lowered, a child added to P002
    sed -i 's/^P011,S0001,nurse,full_time,160,386000,20000$/P011,S0001,nurse,full_time,160,300000,20000/' "$T/data-fix/claims/2025-05/nurses.csv"
    echo 'P002,C9999,suction,2023-04-01,' >>"$T/data-fix/claims/2025-05/children.csv"
    step "$L" "$K" run --month 2025-05 --finalize --supersede --reason "実績の訂正" --data "$T/data-fix" --rules "$RULES" --out "$T/corr" $ISSUE
    step "$L" "$K" transfer --month 2025-05 --date 2026-04-30 --out "$T/corr" --rules "$RULES"
    step "$L" "$K" replay --month 2025-05 --out "$T/corr"
    step "$L" "$K" audit report --fy 2025 --out "$T/corr"
    "$K" audit export --out "$T/corr" 2>&1 | mask >"$T/corr/audit.jsonl"
    rm -rf "$T/data-fix"
    # national year
    step "$L" "$K" run --fy 2025 --data "$NAT" --rules "$RULES" --out "$T/nat-draft" --no-workbooks --quiet
    for m in $MONTHS; do
        step "$L" "$K" run --month "$m" --finalize --data "$NAT" --rules "$RULES" --out "$T/nat" --no-workbooks $ISSUE
        if ! [ -f "$T/nat/$m/payments.csv" ]; then
            step "$L" "$K" run --month "$m" --finalize --over-budget-reason "補正予算" --data "$NAT" --rules "$RULES" --out "$T/nat" --no-workbooks $ISSUE
        fi
    done
    for m in $MONTHS; do step "$L" "$K" replay --month "$m" --out "$T/nat"; done
    step "$L" "$K" budget --fy 2025 --out "$T/nat" --rules "$RULES"
    "$K" audit export --out "$T/nat" 2>&1 | mask >"$T/nat/audit.jsonl"
    # workbooks as XML; published markers hold a run id
    xlsx_to_xml "$T"
    # the audit report also names the ledger's path and shows hashes and times bare
    find "$T" -name 'audit-*.xlsx.xml' | while read -r x; do
        sed -E -e "s#$T#T#g" -e 's/\b[0-9a-f]{64}\b/HASH/g' \
            -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g' "$x" >"$x.m" && mv "$x.m" "$x"
    done
    find "$T" -name '.*.published' | while read -r x; do mask <"$x" >"$x.m" && mv "$x.m" "$x"; done
    rm -f "$T"/*/ledger.sqlite
}

# jobs_side J — NEW with --jobs J under $W/jobsJ: the sample year with
# workbooks, the national draft year, a national month with its statements
jobs_side() {
    K=$NEW; T=$W/jobs$1
    mkdir -p "$T"
    local L=$T/log
    : >"$L"
    step "$L" "$K" run --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$T/sample" $ISSUE --jobs "$1"
    step "$L" "$K" run --fy 2025 --data "$NAT" --rules "$RULES" --out "$T/nat" --no-workbooks --jobs "$1"
    step "$L" "$K" run --month 2025-04 --data "$NAT" --rules "$RULES" --out "$T/natwb" $ISSUE --jobs "$1"
    sed -i 's/ --jobs [0-9]*$//' "$L"
    xlsx_to_xml "$T"
    find "$T" -name '.*.published' | while read -r x; do mask <"$x" >"$x.m" && mv "$x.m" "$x"; done
}

t0=$(date +%s)
one_side "$OLD" "$W/old" &
one_side "$NEW" "$W/new" &
wait
t1=$(date +%s)

fail=0
if ! diff -r -q "$W/old" "$W/new" >"$W/differ"; then fail=1; fi
# issue 16: one process and two give the same outputs (NEW only, if it has --jobs)
if "$NEW" run --help 2>/dev/null | grep -q -- '--jobs'; then
    jobs_side 1
    jobs_side 2
    if diff -r -q "$W/jobs1" "$W/jobs2" >>"$W/differ"; then echo "== --jobs 1 and --jobs 2: identical"
    else fail=1; fi
fi
while read -r line; do
    echo "DIFFERENT: $line"
    set -- $line
    [ "$1" = Files ] && diff -u "$2" "$4" | head -40
done < <(head -20 "$W/differ")
files=$(find "$W/old" -type f | wc -l)
steps=$(grep -c '^exit ' "$W/old/log")
echo "== $files files, $steps commands per binary, $((t1 - t0)) s"
if [ "$fail" = 0 ]; then echo "same_outputs: identical"; else echo "same_outputs: DIFFERENT"; fi
exit "$fail"
