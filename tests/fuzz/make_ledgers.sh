#!/usr/bin/env bash
# Writes the seed corpus of the ledger target (tests/fuzz/corpus/ledger): real
# ledgers made by `kasan run --finalize` on fixtures/sample-ward — one month,
# two months with a correction (supersede) —
# plus a truncated copy and one with a flipped byte in a blob.
# Usage: tests/fuzz/make_ledgers.sh KASAN_BINARY
set -euo pipefail
kasan=$(realpath "$1")
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus/ledger
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() { "$kasan" run --no-workbooks --quiet --actor fuzz --issue-date 2025-05-01 "$@"; }
save() {
    local sum
    sum=$(sha1sum "$1" | cut -c1-40)
    cp "$1" "$out/$sum"
}
run --month 2025-04 --finalize --out "$tmp/a"
save "$tmp/a/ledger.sqlite"
run --month 2025-04 --finalize --out "$tmp/b"
run --month 2025-10 --finalize --out "$tmp/b"
run --month 2025-04 --finalize --supersede --reason "correction" --out "$tmp/b"
save "$tmp/b/ledger.sqlite"
"$kasan" audit verify --out "$tmp/b" >/dev/null
size=$(stat -c %s "$tmp/a/ledger.sqlite")
head -c $((size / 2)) "$tmp/a/ledger.sqlite" >"$tmp/half"
save "$tmp/half"
cp "$tmp/a/ledger.sqlite" "$tmp/flip"
printf '\x58' | dd of="$tmp/flip" bs=1 seek=$((size - 700)) conv=notrunc status=none
save "$tmp/flip"
ls -l "$out"
