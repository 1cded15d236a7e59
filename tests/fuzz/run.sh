#!/usr/bin/env bash
# Runs every libFuzzer target of tests/fuzz (or the ones named) for SECONDS
# each, one after the other, building build-fuzz first if needed.  New inputs
# go to BUILD/fuzz-corpus/TARGET (the seeds in tests/fuzz/corpus stay as
# they are); a crash, leak or timeout is saved under BUILD/fuzz-artifacts/
# TARGET/ and makes the script exit 1 (after the other targets ran).  Each
# target's log is BUILD/fuzz-logs/TARGET.log; its last stats line is printed.
# Usage: tests/fuzz/run.sh SECONDS [csv|rules|expr|ledger|xlsx ...]
# Env: BUILD (default build-fuzz), NICE (default 19), CC (default clang),
#      FUZZ_SEED (libFuzzer -seed; unset = random, ci.sh sets 1 so CI is repeatable).
set -uo pipefail
secs=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(csv rules expr ledger xlsx)
cd "$(dirname "$0")/../.."
build=${BUILD:-build-fuzz}
if [ ! -f "$build/build.ninja" ]; then
    CC=${CC:-clang} meson setup "$build" -Dfuzz=true -Db_lundef=false >/dev/null || exit 1
fi
ninja -C "$build" $(printf 'tests/fuzz/fuzz_%s ' "${targets[@]}") >/dev/null || exit 1

tmp=/tmp
[ -d /dev/shm ] && [ -w /dev/shm ] && tmp=/dev/shm # the ledger target writes a file per input
status=0
for t in "${targets[@]}"; do
    exe=$build/tests/fuzz/fuzz_$t
    work=$build/fuzz-corpus/$t
    art=$build/fuzz-artifacts/$t
    log=$build/fuzz-logs/$t.log
    mkdir -p "$work" "$art" "$(dirname "$log")"
    dict=()
    seed=()
    [ -n "${FUZZ_SEED:-}" ] && seed=(-seed="$FUZZ_SEED")
    [ -f "tests/fuzz/fuzz_$t.dict" ] && dict=(-dict="tests/fuzz/fuzz_$t.dict")
    echo "== fuzz_$t for ${secs}s"
    TMPDIR=$tmp ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
        UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        nice -n "${NICE:-19}" "$exe" -max_total_time="$secs" -rss_limit_mb=512 -timeout=10 \
        -print_final_stats=1 -artifact_prefix="$art/" "${seed[@]}" "${dict[@]}" "$work" "tests/fuzz/corpus/$t" \
        >"$log" 2>&1
    rc=$?
    grep -E '^#[0-9]+.*(DONE|pulse|NEW|REDUCE)' "$log" | tail -1
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | tr '\n' ' '
    echo
    if [ $rc -ne 0 ]; then
        echo "fuzz_$t FAILED (exit $rc): see $log and $art/"
        grep -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|SUMMARY' "$log" | head -5
        status=1
    fi
done
exit $status
