#!/usr/bin/env bash
# --out near SQLite's path limit (issue 21 item 11): finalize once exited 5
# with the ledger's path said twice and the reason cut off.  SQLite's unix
# file layer takes a full path of at most 512 bytes and names the journal
# PATH-journal (8 bytes more), so OUT/ledger.sqlite may have 512 − 8 = 504
# bytes: at 504 the month finalizes, at 505 the command line is refused at
# once (exit 1, SPEC 3), the reason first, the path once, nothing written.
# A relative --out counts the working directory SQLite puts before it.
. "$(dirname "$0")/lib.sh"
SAMPLE="$SRCDIR/fixtures/sample-ward"

# deep_dir N — prints a directory under $WORK/L whose ledger path
# DIR/ledger.sqlite is exactly N bytes (components of at most 200 bytes)
deep_dir() {
    _d="$WORK/L$1"
    _rest=$(($1 - ${#_d} - 14)) # 14 = "/ledger.sqlite"
    while [ "$_rest" -gt 0 ]; do
        _k=$((_rest - 1))
        [ "$_k" -gt 200 ] && _k=200
        [ "$_k" -eq 0 ] && { _d="$_d/"; break; }  # not reached for the sizes used
        _d="$_d/$(printf "%${_k}s" | tr ' ' x)"
        _rest=$((_rest - _k - 1))
    done
    printf '%s\n' "$_d"
}

D504=$(deep_dir 504)
D505=$(deep_dir 505)
mkdir -p "$D504" "$D505"
expect_eq "$((${#D504} + 14)) $((${#D505} + 14))" "504 505" "ledger path lengths"

section "504 bytes: finalized"
kasan run --month 2025-10 --finalize --data "$SAMPLE" --rules "$RULES" --out "$D504" --no-workbooks --quiet
expect_rc 0 "finalize with a 504-byte ledger path"
[ -f "$D504/ledger.sqlite" ] && pass "ledger written" || fail "ledger" "missing"

section "505 bytes: the command line refused, reason first"
for cmd in "run --month 2025-10 --finalize --no-workbooks" "transfer --month 2025-10 --date 2025-11-20" \
           "audit verify"; do
    # shellcheck disable=SC2086
    kasan $cmd --data "$SAMPLE" --rules "$RULES" --out "$D505"
    expect_rc 1 "${cmd%% *} with a 505-byte ledger path"
    case $(printf '%s\n' "$ERR_TXT" | head -n 1) in
    "kasan: --out is too long: the ledger's full path would be 505 bytes"*) pass "${cmd%% *}: the reason first" ;;
    *) fail "${cmd%% *}: the reason first" "$(printf '%s' "$ERR_TXT" | head -c 120)" ;;
    esac
    expect_msg_contains "more than the 504 SQLite can open"
    expect_eq "$(printf '%s' "$ERR_TXT" | grep -o "L505" | wc -l)" 1 "${cmd%% *}: the path said once"
done
expect_nothing_written "$D505"

section "a relative --out counts the working directory"
# from inside $D505's parent, --out NAME/ gives 505 bytes with the directory
# SQLite puts before it, though the argument itself is short
(cd "$(dirname "$D505")" && "$KASAN" run --month 2025-10 --finalize --data "$SAMPLE" --rules "$RULES" \
    --out "$(basename "$D505")" --no-workbooks --quiet > "$WORK/rel.out" 2> "$WORK/rel.err")
RC=$? ERR_TXT=$(cat "$WORK/rel.err") OUT_TXT=
expect_rc 1 "relative --out whose full path is 505 bytes"
expect_msg_contains "would be 505 bytes"
expect_nothing_written "$D505"

section "an --out that is empty, or not a directory"
printf 'not a directory\n' > "$WORK/afile"
for cmd in "run --month 2025-10 --finalize" "transfer --month 2025-10 --date 2025-11-20" "audit verify" "budget --fy 2025"; do
    # shellcheck disable=SC2086
    kasan $cmd --data "$SAMPLE" --rules "$RULES" --out "$WORK/afile"
    expect_rc 1 "${cmd%% *}: --out a file"
    expect_msg_contains "is not a directory" "${cmd%% *}: says so"
    # shellcheck disable=SC2086
    kasan $cmd --data "$SAMPLE" --rules "$RULES" --out ''
    expect_rc 1 "${cmd%% *}: --out ''"
    expect_msg_contains "--out is empty" "${cmd%% *}: says so"
done
expect_eq "$(cat "$WORK/afile")" "not a directory" "the file is left as it was"
finish
