#!/usr/bin/env bash
# What scripts/test runs for fuzzing: builds the libFuzzer targets with clang
# (build-fuzz) and runs each for SECONDS (default 30) from a fixed seed, so a
# CI run repeats here.  Skips cleanly (exit 0
# with a message) on a machine without clang or its libFuzzer runtime.
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-30}
if ! command -v clang >/dev/null 2>&1; then
    echo "fuzz: skipped (clang not installed)"
    exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! clang -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
    echo "fuzz: skipped (clang cannot link -fsanitize=fuzzer,address,undefined: install libclang-rt-dev)"
    exit 0
fi
FUZZ_SEED=${FUZZ_SEED:-1} exec tests/fuzz/run.sh "$secs"
