# lib.sh — shared helpers for the end-to-end tests of `kasan run`.
#
# Sourced by tests/e2e/NAME.sh.  meson runs each script with
#   KASAN  = path of the kasan binary
#   SRCDIR = repository root
# and cwd = tests/e2e.  Run one by hand from the repo root with e.g.
#   KASAN=build-e2e/kasan SRCDIR=. sh tests/e2e/proration.sh
#
# Every check prints "ok - LABEL" or "FAIL - LABEL: detail" and is counted;
# `finish` prints "N passed, M failed" and exits 1 if anything failed, else 77
# (meson's SKIP) if a part could not run here (`skip`, `need`), else 0: a
# script never reports OK for checks it did not make.
# Expected values in the tests are computed by hand from SPEC.md, never copied
# from the program's output.

set -u
LC_ALL=C
export LC_ALL

: "${SRCDIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${KASAN:=$SRCDIR/build-e2e/kasan}"
RULES_SHIPPED="$SRCDIR/rules"

E2E_PASS=0
E2E_FAIL=0
E2E_SKIP=0
E2E_NAME=$(basename "$0" .sh)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/kasan-e2e-$E2E_NAME.XXXXXX") || exit 5
trap 'rm -rf "$WORK"' EXIT
trap 'rm -rf "$WORK"; exit 130' INT TERM

# The rules the tests use: rules/ and a stand-in FY2026 line
# (tests/e2e/rules-fy2026), so that settlements of FY2025 finalized after
# its 出納閉鎖 have a line to charge their 追加交付 to (過年度支出).
RULES="$WORK/.rules-e2e"
cp -r "$RULES_SHIPPED" "$RULES" && cp -r "$SRCDIR/tests/e2e/rules-fy2026/." "$RULES" || exit 5

# ---------------------------------------------------------------- results

pass() { E2E_PASS=$((E2E_PASS + 1)); printf 'ok - %s\n' "$1"; }
fail() { E2E_FAIL=$((E2E_FAIL + 1)); printf 'FAIL - %s: %s\n' "$1" "$2"; }
# section TITLE — a heading in the log
section() { printf '# --- %s\n' "$1"; }

finish() {
    printf '%s: %d passed, %d failed, %d parts skipped\n' "$E2E_NAME" "$E2E_PASS" "$E2E_FAIL" \
        "$E2E_SKIP"
    [ "$E2E_FAIL" -eq 0 ] || exit 1
    [ "$E2E_SKIP" -eq 0 ] || exit 77
    exit 0
}

# skip WHAT WHY — a part that cannot run on this machine: said in the log and
# counted, so that the script ends as SKIP (77), not OK, however much passed
skip() { E2E_SKIP=$((E2E_SKIP + 1)); printf '# SKIP %s: %s\n' "$1" "$2"; }
# skip_all WHY — nothing of the script can run here: exit 77 at once
skip_all() { printf '# SKIP %s: %s\n' "$E2E_NAME" "$1"; exit 77; }
# need COMMAND PACKAGE — skip_all unless COMMAND is installed
# (scripts/deps.sh installs PACKAGE, so on CI this never skips)
need() {
    command -v "$1" >/dev/null 2>&1 ||
        skip_all "$1 not installed (Debian package $2; scripts/deps.sh installs it)"
}

# as_unprivileged WHAT — for checks that root would pass by reading or writing
# anything: sets AS_U, the prefix that runs a command as nobody (root, through
# runuser; empty for any other user), and KASAN_U and RULES_U, the binary and
# rules nobody can reach: copied into $WORK, which is opened to others,
# because the checkout itself may sit in a 0700 directory.  Returns 1 after
# `skip WHAT` when root has no runuser.
as_unprivileged() {
    KASAN_U=$KASAN RULES_U=$RULES AS_U=
    [ "$(id -u)" -eq 0 ] || return 0
    if ! command -v runuser >/dev/null 2>&1 || ! runuser -u nobody -- true 2>/dev/null; then
        skip "$1" "root without runuser (util-linux) cannot run it as nobody"
        return 1
    fi
    chmod o+rx "$WORK"
    if [ ! -x "$WORK/unpriv/kasan" ]; then
        mkdir -p "$WORK/unpriv"
        cp "$KASAN" "$WORK/unpriv/kasan" && cp -r "$RULES" "$WORK/unpriv/rules" || return 1
        chmod -R o+rX "$WORK/unpriv"
    fi
    KASAN_U=$WORK/unpriv/kasan RULES_U=$WORK/unpriv/rules AS_U="runuser -u nobody --"
}

# ---------------------------------------------------------------- input data

NURSERIES_HEADER='nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,account_number,account_holder'
CHILDREN_HEADER='nursery_id,child_ref,care_types,enrolled_from,enrolled_to'
NURSES_HEADER='nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income'

# new_data NAME — creates and prints an empty data directory $WORK/NAME
new_data() {
    rm -rf "$WORK/$1"
    mkdir -p "$WORK/$1" && printf '%s\n' "$WORK/$1"
}

# new_out NAME — prints a fresh (not yet existing) output directory $WORK/NAME
new_out() {
    rm -rf "$WORK/$1"
    printf '%s\n' "$WORK/$1"
}

# _write_csv HEADER FILE — writes HEADER then stdin to FILE (UTF-8, LF)
_write_csv() {
    mkdir -p "$(dirname "$2")"
    { printf '%s\n' "$1"; cat; } > "$2"
}

# registry DIR <<EOF rows EOF — DIR/nurseries.csv with the standard header
registry() { _write_csv "$NURSERIES_HEADER" "$1/nurseries.csv"; }
# children DIR MONTH <<EOF rows EOF — DIR/claims/MONTH/children.csv
children() { _write_csv "$CHILDREN_HEADER" "$1/claims/$2/children.csv"; }
# nurses DIR MONTH <<EOF rows EOF — DIR/claims/MONTH/nurses.csv
# (`nurses DIR MONTH </dev/null` writes the header only: no staff claimed)
nurses() { _write_csv "$NURSES_HEADER" "$1/claims/$2/nurses.csv"; }
# raw_file PATH <<EOF content EOF — a file exactly as given (own header)
raw_file() { mkdir -p "$(dirname "$1")"; cat > "$1"; }

# ---------------------------------------------------------------- running

# kasan ARGS... — runs the binary; sets RC, OUT_TXT (stdout), ERR_TXT (stderr)
kasan() {
    "$KASAN" "$@" > "$WORK/.stdout" 2> "$WORK/.stderr"
    RC=$?
    OUT_TXT=$(cat "$WORK/.stdout")
    ERR_TXT=$(cat "$WORK/.stderr")
    return 0
}

# run_month DATA MONTH OUT [ARGS...] — a draft CSV-only run of one month
run_month() {
    _d=$1 _m=$2 _o=$3
    shift 3
    kasan run --month "$_m" --data "$_d" --rules "$RULES" --out "$_o" \
        --no-workbooks --quiet "$@"
}

# ---------------------------------------------------------------- assertions

# expect_rc N LABEL — exit code of the last kasan call
expect_rc() {
    if [ "$RC" -eq "$1" ]; then pass "$2 (exit $1)"
    else fail "$2" "exit $RC, expected $1; stderr: $(printf '%s' "$ERR_TXT" | head -n 3)"
    fi
}

# payment OUT MONTH NURSERY PROGRAM — prints amount_yen of that row ('' if none)
payment() {
    _f="$1/$2/payments.csv"
    [ -f "$_f" ] || return 0
    awk -F, -v n="$3" -v p="$4" 'NR > 1 && $2 == n && $3 == p { print $5 }' "$_f"
}

# expect_payment OUT MONTH NURSERY PROGRAM AMOUNT [RULE_VERSION]
# AMOUNT 0 means: no row (payments.csv lists only amounts above zero).
expect_payment() {
    _label="$2 $3 $4 = $5"
    _f="$1/$2/payments.csv"
    if [ ! -f "$_f" ]; then fail "$_label" "no $_f"; return; fi
    _rows=$(awk -F, -v n="$3" -v p="$4" 'NR > 1 && $2 == n && $3 == p' "$_f")
    if [ "$5" = 0 ]; then
        if [ -z "$_rows" ]; then pass "$_label (no row)"
        else fail "$_label" "expected no row, got: $_rows"; fi
        return
    fi
    _n=$(printf '%s\n' "$_rows" | grep -c .)
    _amt=$(printf '%s\n' "$_rows" | awk -F, '{ print $5 }')
    _ver=$(printf '%s\n' "$_rows" | awk -F, '{ print $4 }')
    _mon=$(printf '%s\n' "$_rows" | awk -F, '{ print $1 }')
    if [ "$_n" -ne 1 ]; then fail "$_label" "expected 1 row, got $_n: $_rows"
    elif [ "$_amt" != "$5" ]; then fail "$_label" "amount_yen is $_amt"
    elif [ "$_mon" != "$2" ]; then fail "$_label" "month column is $_mon"
    elif [ $# -ge 6 ] && [ "$_ver" != "$6" ]; then fail "$_label" "rule_version is $_ver, expected $6"
    else pass "$_label${6:+ (rule_version $6)}"
    fi
}

# program_total OUT MONTH PROGRAM — sum of amount_yen of the program
program_total() {
    awk -F, -v p="$3" 'NR > 1 && $3 == p { s += $5 } END { printf "%d\n", s }' "$1/$2/payments.csv" 2>/dev/null
}

# expect_payment_rows OUT MONTH N — payments.csv has exactly N data rows
expect_payment_rows() {
    if [ ! -f "$1/$2/payments.csv" ]; then fail "$2 payments.csv has $3 rows" "no payments.csv"; return; fi
    _n=$(($(wc -l < "$1/$2/payments.csv") - 1))
    if [ "$_n" -eq "$3" ]; then pass "$2 payments.csv has $3 rows"
    else fail "$2 payments.csv has $3 rows" "has $_n: $(tail -n +2 "$1/$2/payments.csv" 2>/dev/null | tr '\n' ' ')"; fi
}

# expect_rejection OUT MONTH FILE LINE CODE [NURSERY [REF]]
# FILE is children or nurses; the file column must be claims/MONTH/FILE.csv.
expect_rejection() {
    _path="claims/$2/$3.csv"
    _label="$2 rejected $_path:$4 $5${6:+ $6}${7:+ $7}"
    _f="$1/$2/rejections.csv"
    if [ ! -f "$_f" ]; then fail "$_label" "no $_f"; return; fi
    _rows=$(awk -F, -v m="$2" -v f="$_path" -v l="$4" \
        'NR > 1 && $1 == m && $2 == f && $3 == l' "$_f")
    if [ -z "$_rows" ]; then
        fail "$_label" "no rejection of that line; rejections: $(tail -n +2 "$_f" | cut -d, -f2-6 | tr '\n' ' ')"
        return
    fi
    _n=$(printf '%s\n' "$_rows" | grep -c .)
    _code=$(printf '%s\n' "$_rows" | awk -F, '{ print $6 }')
    _nid=$(printf '%s\n' "$_rows" | awk -F, '{ print $4 }')
    _ref=$(printf '%s\n' "$_rows" | awk -F, '{ print $5 }')
    _why=$(printf '%s\n' "$_rows" | awk -F, '{ print $7 }')
    if [ "$_n" -ne 1 ]; then fail "$_label" "line rejected $_n times: $_rows"
    elif [ "$_code" != "$5" ]; then fail "$_label" "reason_code is $_code"
    elif [ $# -ge 6 ] && [ "$_nid" != "$6" ]; then fail "$_label" "nursery_id is $_nid"
    elif [ $# -ge 7 ] && [ "$_ref" != "$7" ]; then fail "$_label" "ref is $_ref"
    elif [ -z "$_why" ]; then fail "$_label" "reason (Japanese text) is empty"
    else pass "$_label"
    fi
}

# expect_rejection_count OUT MONTH N — rejections.csv has exactly N data rows
expect_rejection_count() {
    if [ ! -f "$1/$2/rejections.csv" ]; then fail "$2 rejections.csv has $3 rows" "no rejections.csv"; return; fi
    _n=$(($(wc -l < "$1/$2/rejections.csv") - 1))
    if [ "$_n" -eq "$3" ]; then pass "$2 rejections.csv has $3 rows"
    else fail "$2 rejections.csv has $3 rows" "has $_n: $(tail -n +2 "$1/$2/rejections.csv" 2>/dev/null | cut -d, -f2-6 | tr '\n' ' ')"; fi
}

# expect_not_rejected OUT MONTH FILE LINE — that line is not in rejections.csv
expect_not_rejected() {
    _path="claims/$2/$3.csv"
    if [ ! -f "$1/$2/rejections.csv" ]; then fail "$2 $_path:$4 not rejected" "no rejections.csv"; return; fi
    _rows=$(awk -F, -v f="$_path" -v l="$4" 'NR > 1 && $2 == f && $3 == l' "$1/$2/rejections.csv" 2>/dev/null)
    if [ -z "$_rows" ]; then pass "$2 $_path:$4 not rejected"
    else fail "$2 $_path:$4 not rejected" "$_rows"; fi
}

# expect_line FILE N TEXT — line N of FILE is exactly TEXT
expect_line() {
    _got=$(sed -n "$2p" "$1" 2>/dev/null)
    if [ "$_got" = "$3" ]; then pass "$(basename "$1") line $2 = $3"
    else fail "$(basename "$1") line $2 = $3" "got '$_got'"; fi
}

# expect_msg_contains TEXT [LABEL] — stderr or stdout of the last call has TEXT
expect_msg_contains() {
    if printf '%s\n%s\n' "$ERR_TXT" "$OUT_TXT" | grep -qF -- "$1"; then pass "${2:-message} mentions '$1'"
    else fail "${2:-message} mentions '$1'" "message was: $(printf '%s %s' "$ERR_TXT" "$OUT_TXT" | head -c 300)"; fi
}

# expect_err_names FILE LINE COLUMN — stderr names the file, line and column
# (line as FILE:LINE or "line LINE")
expect_err_names() {
    _lbl="error names $1 line $2 column $3"
    if ! printf '%s' "$ERR_TXT" | grep -qF -- "$1"; then fail "$_lbl" "no file in: $ERR_TXT"
    elif ! printf '%s' "$ERR_TXT" | grep -qE -- "(:$2(:|\b)|line $2\b)"; then fail "$_lbl" "no line in: $ERR_TXT"
    elif ! printf '%s' "$ERR_TXT" | grep -qF -- "$3"; then fail "$_lbl" "no column in: $ERR_TXT"
    else pass "$_lbl"
    fi
}

# expect_nothing_written DIR — DIR is absent or empty
expect_nothing_written() {
    if [ ! -e "$1" ]; then pass "nothing written ($(basename "$1") absent)"
    elif [ -z "$(ls -A "$1")" ]; then pass "nothing written ($(basename "$1") empty)"
    else fail "nothing written under $(basename "$1")" "found: $(cd "$1" && find . -mindepth 1 | tr '\n' ' ')"
    fi
}

# expect_same_file A B LABEL — byte-identical files
expect_same_file() {
    if [ ! -f "$1" ] || [ ! -f "$2" ]; then fail "$3" "missing $1 or $2"
    elif cmp -s "$1" "$2"; then pass "$3"
    else fail "$3" "differ: $(diff "$1" "$2" | head -n 6 | tr '\n' ' ')"; fi
}

# expect_eq GOT WANT LABEL
expect_eq() {
    if [ "$1" = "$2" ]; then pass "$3 = $2"
    else fail "$3 = $2" "got '$1'"; fi
}

# expect_plain_csv FILE — UTF-8 without BOM, LF line ends, ends with a newline
expect_plain_csv() {
    _lbl="$(basename "$1") is UTF-8 without BOM, LF"
    if [ ! -f "$1" ]; then fail "$_lbl" "missing"
    elif [ "$(head -c 3 "$1" | od -An -tx1 | tr -d ' ')" = efbbbf ]; then fail "$_lbl" "starts with a BOM"
    elif grep -q "$(printf '\r')" "$1"; then fail "$_lbl" "has CR"
    elif [ -n "$(tail -c 1 "$1")" ]; then fail "$_lbl" "no final newline"
    elif ! iconv -f UTF-8 -t UTF-8 "$1" >/dev/null 2>&1; then fail "$_lbl" "not valid UTF-8"
    else pass "$_lbl"
    fi
}
