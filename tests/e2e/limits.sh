#!/bin/sh
# Limits (tests/fuzz/README.md): input built to exhaust the reader — a CSV
# line over 1 MiB, millions of columns, a formula nested 10,000 deep or
# chained 100,000 long, a 400-digit number in a formula and in a CSV amount,
# a YAML alias bomb, deep YAML, a mapping of 50,000 keys — is refused with a
# clear message and exit 2, in under 1 s and 64 MiB peak memory, without a
# stack overflow.  Time and memory are only checked on a build without
# sanitizers (ASan's shadow memory and speed are not the program's).  The
# time is the process's CPU time (user + system), not the wall clock: a
# loaded machine (CI, other tests in parallel) must not fail the bound.
. "$(dirname "$0")/lib.sh"

MAX_MS=1000
MAX_KB=65536
measured=1
if grep -qa __asan_init "$KASAN" 2>/dev/null || ! [ -x /usr/bin/time ]; then
    measured=0
    printf '# time and memory not checked (sanitized binary or no /usr/bin/time)\n'
fi

# limit LABEL MESSAGE ARGS... — runs kasan ARGS; wants exit 2, MESSAGE in
# stderr, and (measured builds) the time and peak memory under the limits.
limit() {
    label=$1 msg=$2
    shift 2
    if [ $measured -eq 1 ]; then
        /usr/bin/time -f '%M %U %S' -o "$WORK/.mem" "$KASAN" "$@" >"$WORK/.stdout" 2>"$WORK/.stderr"
    else
        "$KASAN" "$@" >"$WORK/.stdout" 2>"$WORK/.stderr"
    fi
    RC=$?
    ERR_TXT=$(cat "$WORK/.stderr")
    expect_rc 2 "$label"
    case $ERR_TXT in
    *"$msg"*) pass "$label: says '$msg'" ;;
    *) fail "$label: message" "wanted '$msg' in: $(printf '%s' "$ERR_TXT" | head -c 300)" ;;
    esac
    [ ${#ERR_TXT} -lt 32768 ] && pass "$label: message is short (${#ERR_TXT} bytes)" \
        || fail "$label: message" "${#ERR_TXT} bytes of messages"
    [ $measured -eq 1 ] || return 0
    set -- $(tail -n 1 "$WORK/.mem") # peak KiB, user s, system s (two decimals)
    kb=$1
    ms=$(awk -v u="$2" -v s="$3" 'BEGIN { printf "%d", (u + s) * 1000 }')
    if [ "$ms" -lt $MAX_MS ]; then pass "$label: ${ms} ms"
    else fail "$label: time" "${ms} ms (limit ${MAX_MS} ms)"
    fi
    if [ "$kb" -lt $MAX_KB ]; then pass "$label: peak ${kb} KiB"
    else fail "$label: memory" "peak ${kb} KiB (limit ${MAX_KB} KiB)"
    fi
}

# repeat N TEXT — TEXT N times, no newline
repeat() { yes -- "$2" | head -n "$1" | tr -d '\n'; }

DATA=$(new_data data)
cp -r "$SRCDIR/fixtures/sample-ward/." "$DATA/"
CH="$DATA/claims/2025-04/children.csv"
ST="$DATA/claims/2025-04/nurses.csv"
cp "$CH" "$WORK/children.csv"
cp "$ST" "$WORK/nurses.csv"
restore() { cp "$WORK/children.csv" "$CH"; cp "$WORK/nurses.csv" "$ST"; }
run_csv() { limit "$1" "$2" run --month 2025-04 --data "$DATA" --rules "$RULES" \
    --out "$(new_out out)" --no-workbooks --quiet; restore; }

section "CSV"
{ printf '%s\nP001,' "$CHILDREN_HEADER"; head -c 1100000 /dev/zero | tr '\0' x
  printf ',suction,2024-04-01,\n'; } >"$CH"
run_csv "CSV line of 1.1 MiB" "claims/2025-04/children.csv:2: error: line is longer than"
{ printf '%s' "$CHILDREN_HEADER"; head -c 3000000 /dev/zero | tr '\0' ,; echo; } >"$CH"
run_csv "CSV header with 3,000,000 commas" "claims/2025-04/children.csv:1: error:"
{ printf '%s' "$CHILDREN_HEADER"; repeat 100000 ',x'; echo; } >"$CH"
run_csv "CSV header with 100,000 columns (under 1 MiB)" "more than 4096 fields"
{ printf '%s\nP011,S1,nurse,full_time,160,' "$NURSES_HEADER"; repeat 400 9; echo ",0"; } >"$ST"
run_csv "salary_cost of 400 digits" "column 'salary_cost'"
{ printf '%s\nP011,S1,nurse,part_time,' "$NURSES_HEADER"; repeat 400 9; echo ",1000,0"; } >"$ST"
run_csv "hours of 400 digits" "column 'hours'"

section "formulas"
# rules/ with one program whose amount is FORMULA (from stdin)
formula_rules() {
    r=$WORK/rules-$1
    rm -rf "$r"
    mkdir -p "$r/terms" "$r/p"
    cp "$RULES/terms/2025-04.yaml" "$r/terms/"
    { printf 'program: p\nversion: "2025-04"\ntitle: t\neffective_from: 2025-04-01\n'
      printf 'basis: b\nvalues:\n  amount:\n    type: yen\n    formula: '"'"
      cat; printf "'\nresult: amount\n"; } >"$r/p/2025-04.yaml"
    printf '%s\n' "$r"
}
run_rules() { limit "$1" "$2" run --month 2025-04 --data "$DATA" --rules "$3" \
    --out "$(new_out out)" --no-workbooks --quiet; }
R=$( { repeat 10000 '('; printf '1 yen'; repeat 10000 ')'; } | formula_rules deep)
run_rules "formula nested 10,000 deep" "formula is nested too deeply" "$R"
R=$( { printf '1 yen'; repeat 100000 ' + 1 yen'; } | formula_rules chain)
run_rules "formula chained 100,000 long" "formula is nested too deeply" "$R"
R=$( { printf 'sum(children'; repeat 100000 ' where true'; printf ', 1 yen)'; } |
     formula_rules where)
run_rules "formula with 100,000 where" "formula is nested too deeply" "$R"
R=$( { repeat 10000 '- '; printf '1 yen'; } | formula_rules minus)
run_rules "10,000 unary minus" "formula is nested too deeply" "$R"
R=$( { repeat 400 9; printf ' yen'; } | formula_rules digits)
run_rules "number of 400 digits in a formula" "number has too many digits" "$R"

section "YAML"
yaml_rules() {
    r=$WORK/yrules-$1
    rm -rf "$r"
    mkdir -p "$r"
    cp -r "$RULES/." "$r/"
    cat >"$r/extra.yaml"
    printf '%s\n' "$r"
}
R=$( { printf 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
       p=a
       for c in b c d e f g h i; do
           printf '%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' $c $c $p $p $p $p $p $p $p $p $p
           p=$c
       done; } | yaml_rules bomb)
run_rules "YAML alias bomb (billion laughs)" "anchors and aliases (&, *) are not allowed" "$R"
R=$(repeat 1000000 '[' | yaml_rules deep)
run_rules "YAML nested 1,000,000 deep" "too deep or too large" "$R"
R=$( { echo 'kind: budget'; seq 1 49990 | sed 's/.*/k&: 1/'; } | yaml_rules keys)
run_rules "YAML mapping of 49,990 keys" "unknown key 'k1' in a budget file" "$R"

finish
