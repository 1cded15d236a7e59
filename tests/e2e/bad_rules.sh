#!/usr/bin/env bash
# bad_rules.sh — `kasan check` on every broken rule tree under tests/bad/:
# each must exit 2 and print every line of its expected.txt (a line of
# expected.txt may use ... for any text; paths are relative to the case's
# directory; # starts a comment).  Then the real rules/ must check clean.
# Env: KASAN = the binary, SRCDIR = the repository root.
set -u
: "${KASAN:?KASAN must name the kasan binary}"
: "${SRCDIR:?SRCDIR must name the repository root}"
bad=$SRCDIR/tests/bad
passed=0
failed=0

fail() { # fail CASE MESSAGE...
    echo "FAIL $1: ${*:2}"
    failed=$((failed + 1))
}

# matches LINE EXPECTED: the pieces of EXPECTED around '...' occur in LINE in order.
matches() {
    local rest=$1 exp=$2 piece
    while :; do
        piece=${exp%%...*}
        case $rest in
        *"$piece"*) rest=${rest#*"$piece"} ;;
        *) return 1 ;;
        esac
        [ "$exp" = "${exp#*...}" ] && return 0
        exp=${exp#*...}
    done
}

for dir in "$bad"/*/; do
    dir=${dir%/}
    name=${dir##*/}
    if [ ! -f "$dir/expected.txt" ]; then
        fail "$name" "no expected.txt"
        continue
    fi
    start=$(date +%s)
    out=$(timeout 10 "$KASAN" check --rules "$dir" 2>&1)
    rc=$?
    secs=$(($(date +%s) - start))
    out=${out//"$dir/"/} # paths relative to the case
    ok=1
    if [ "$rc" -ne 2 ]; then
        fail "$name" "exit $rc, want 2${out:+; output:}"
        [ -n "$out" ] && printf '%s\n' "$out" | head -n 20 | sed 's/^/    /'
        continue
    fi
    if [ "$secs" -gt 5 ]; then
        fail "$name" "took ${secs}s"
        ok=0
    fi
    while IFS= read -r want || [ -n "$want" ]; do
        case $want in '' | '#'*) continue ;; esac
        found=0
        while IFS= read -r line; do
            if matches "$line" "$want"; then
                found=1
                break
            fi
        done <<<"$out"
        if [ "$found" -eq 0 ]; then
            [ "$ok" -eq 1 ] && fail "$name" "missing expected lines; kasan printed:" &&
                printf '%s\n' "$out" | sed 's/^/    /'
            echo "  missing: $want"
            ok=0
        fi
    done <"$dir/expected.txt"
    if [ "$ok" -eq 1 ]; then
        echo "ok   $name"
        passed=$((passed + 1))
    fi
done

# The real rules must load and check clean: exit 0 and print nothing.
out=$("$KASAN" check --rules "$SRCDIR/rules" 2>&1)
rc=$?
if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
    echo "ok   rules/ checks clean, silently"
    passed=$((passed + 1))
else
    fail "rules/" "exit $rc, want 0 and no output:"
    printf '%s\n' "$out" | sed 's/^/    /'
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
