#!/bin/sh
# Durability (issue 16): a month's outputs are renamed into its staging
# directory without an fsync per file, then made durable by one syncfs(2)
# after the last of them (the run id) — and so before anything vouches for
# the directory: the ledger's commit of a finalization and the publication
# rename.  (recovery.sh covers what a crash at each rename leaves.)
. "$(dirname "$0")/lib.sh"

need strace strace
export KASAN_NOW=2026-06-10T09:30:00Z
WARD=$WORK/ward
cp -r "$SRCDIR/fixtures/sample-ward" "$WARD"
M=2025-05

# line_of PATTERN — the first line number of the trace matching PATTERN (or 0)
line_of() { grep -n -- "$1" "$WORK/.trace" | head -n 1 | cut -d: -f1 | grep . || echo 0; }
last_of() { grep -n -- "$1" "$WORK/.trace" | tail -n 1 | cut -d: -f1 | grep . || echo 0; }

for mode in draft finalize; do
    section "$mode of $M with workbooks"
    OUT=$(new_out "$mode")
    fin=
    [ $mode = finalize ] && fin=--finalize
    # a draft first, so that the finalization writes over published outputs
    kasan run --month $M --data "$WARD" --rules "$RULES" --out "$OUT" --quiet
    expect_rc 0 "draft before"
    # (LeakSanitizer cannot run under ptrace: off for this one process)
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
        strace -f -qq -y -e trace=rename,fsync,fdatasync,syncfs -o "$WORK/.trace" \
        "$KASAN" run --month $M --data "$WARD" --rules "$RULES" --out "$OUT" --quiet $fin
    RC=$?
    ERR_TXT=
    expect_rc 0 "$mode under strace"
    n_sync=$(grep -c 'syncfs(' "$WORK/.trace")
    expect_eq "$n_sync" 1 "$mode: one syncfs"
    at_sync=$(line_of 'syncfs(')
    at_id=$(line_of "/\.run-id\.tmp-[0-9]*\", \".*/\.$M\.staging-[0-9]*/\.run-id\")")
    at_stmt=$(last_of "staging-[0-9]*/statements/.*\.xlsx\")")
    at_pub=$(line_of "rename(\"$OUT/\.$M\.staging-[0-9]*\", \"$OUT/$M\")")
    if [ "$at_id" -gt 0 ] && [ "$at_stmt" -gt 0 ] && [ "$at_stmt" -lt "$at_id" ] &&
        [ "$at_id" -lt "$at_sync" ] && [ "$at_sync" -lt "$at_pub" ]; then
        pass "$mode: statements ($at_stmt), run id ($at_id), syncfs ($at_sync), publication ($at_pub)"
    else
        fail "$mode: order of the trace" "statements $at_stmt, run id $at_id, syncfs $at_sync, publication $at_pub"
    fi
    n_out_fsync=$(grep -E 'f(data)?sync\(' "$WORK/.trace" | grep -c "staging-")
    expect_eq "$n_out_fsync" 0 "$mode: no fsync of a staged output file"
    if [ $mode = finalize ]; then
        # the ledger's commit: its writes after the outputs are synced
        at_commit=$(last_of 'sync(.*ledger\.sqlite')
        at_first=$(grep -n 'sync(.*ledger\.sqlite' "$WORK/.trace" |
            awk -F: -v s="$at_sync" '$1 > s { print $1; exit }')
        if [ -n "$at_first" ] && [ "$at_commit" -gt "$at_sync" ]; then
            pass "$mode: the ledger commits ($at_first..$at_commit) after the syncfs ($at_sync)"
        else
            fail "$mode: ledger commit after the syncfs" "syncfs $at_sync, ledger ${at_first:-none}..$at_commit"
        fi
        n_between=$(awk -v a="$at_id" -v b="$at_sync" 'NR > a && NR < b' "$WORK/.trace" |
            grep -c 'ledger')
        expect_eq "$n_between" 0 "$mode: no ledger write between the run id and the syncfs"
    fi
done

finish
