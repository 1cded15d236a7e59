#!/bin/sh
# Hostile input (issue 12): control bytes inside CSV text, rule files that
# are not files, FIFOs and devices where a file is expected, a NUL in a rule
# file.  Each is refused with exit 2, a message naming the file (and line and
# column where there is one), and nothing written.  Every kasan call runs
# under `timeout 10`: a hang is a failure, not a stuck test.
. "$(dirname "$0")/lib.sh"

# tkasan ARGS... — kasan under timeout 10 (exit 124 = it hung)
tkasan() {
    timeout 10 "$KASAN" "$@" > "$WORK/.stdout" 2> "$WORK/.stderr"
    RC=$?
    OUT_TXT=$(cat "$WORK/.stdout")
    ERR_TXT=$(cat "$WORK/.stderr")
}

# bytes_replace FILE OLD NEW — replaces the first OLD by NEW (Python bytes
# literals, so "\x00" is a NUL) in FILE
bytes_replace() {
    python3 - "$1" "$2" "$3" <<'PY'
import ast, sys
p, old, new = sys.argv[1], ast.literal_eval("b'" + sys.argv[2] + "'"), ast.literal_eval("b'" + sys.argv[3] + "'")
s = open(p, 'rb').read()
assert old in s, (p, old)
open(p, 'wb').write(s.replace(old, new, 1))
PY
}

fresh_ward() {
    rm -rf "$WORK/ward"
    cp -r "$SRCDIR/fixtures/sample-ward" "$WORK/ward"
    OUT=$(new_out out)
}

# refused_csv LABEL FILE LINE COL — a run of 2025-10 over the damaged ward
refused_csv() {
    tkasan run --month 2025-10 --data "$WORK/ward" --rules "$RULES" --out "$OUT" --quiet
    expect_rc 2 "$1"
    expect_err_names "$2" "$3" ":$3:$4:"
    expect_msg_contains "control character" "$1"
    expect_nothing_written "$OUT"
}

section "control bytes in CSV text are malformed"
# C00<NUL>01 as child_ref, line 2 (P002,C0001): the NUL is character 9
fresh_ward
bytes_replace "$WORK/ward/claims/2025-10/children.csv" 'P002,C0001,' 'P002,C00\x0001,'
refused_csv "NUL inside child_ref" claims/2025-10/children.csv 2 9
# P002,C0002<NUL>X on line 3: before the fix both of P002's lines became
# duplicate_child and the add-on fell from 230,000 to 55,000 yen
fresh_ward
bytes_replace "$WORK/ward/claims/2025-10/children.csv" 'P002,C0002' 'P002,C0002\x00X'
refused_csv "NUL after child_ref" claims/2025-10/children.csv 3 11
# NUL inside P002's nursery name (line 3 of nurseries.csv, after "P002,大山":
# 5 + 2 characters, so column 8): the statement's addressee became "　様"
fresh_ward
bytes_replace "$WORK/ward/nurseries.csv" 'P002,\xe5\xa4\xa7\xe5\xb1\xb1' 'P002,\xe5\xa4\xa7\xe5\xb1\xb1\x00'
refused_csv "NUL inside a nursery name" nurseries.csv 3 8
# other C0 controls: ESC in the staff file, 0x01 in a CP932 file (the check
# runs on the decoded text)
fresh_ward
bytes_replace "$WORK/ward/claims/2025-10/nurses.csv" 'P0' 'P\x1b0'
refused_csv "ESC in nurses.csv" claims/2025-10/nurses.csv 2 2
fresh_ward
iconv -f UTF-8 -t CP932 "$SRCDIR/fixtures/sample-ward/claims/2025-10/children.csv" \
    > "$WORK/ward/claims/2025-10/children.csv"
bytes_replace "$WORK/ward/claims/2025-10/children.csv" 'C0003' 'C00\x0103'
refused_csv "0x01 in a CP932 file" claims/2025-10/children.csv 4 9
# tab, CR and LF stay allowed: a CRLF file still computes
fresh_ward
sed 's/$/\r/' "$SRCDIR/fixtures/sample-ward/claims/2025-10/children.csv" \
    > "$WORK/ward/claims/2025-10/children.csv"
tkasan run --month 2025-10 --data "$WORK/ward" --rules "$RULES" --out "$OUT" --quiet --no-workbooks
expect_rc 0 "CRLF line ends still read"

section "rule files that are not files"
# copied_rules — a fresh copy of the ward's rules in $WORK/rules
copied_rules() {
    rm -rf "$WORK/rules"
    cp -r "$RULES" "$WORK/rules"
    R=$WORK/rules
}
# refused_rules LABEL NAME — check and run both refuse, naming NAME
refused_rules() {
    tkasan check --rules "$R"
    expect_rc 2 "$1: kasan check"
    expect_msg_contains "$2" "$1: check"
    fresh_ward
    tkasan run --month 2025-10 --data "$WORK/ward" --rules "$R" --out "$OUT" --quiet
    expect_rc 2 "$1: kasan run --month 2025-10"
    expect_msg_contains "$2" "$1: run"
    expect_nothing_written "$OUT"
}
# the October rule replaced by a directory: before the fix October was paid
# under the April rule (870,000 instead of 1,025,000 yen) and check said OK
copied_rules
rm "$R/acceptance_addon/2025-10.yaml"
mkdir "$R/acceptance_addon/2025-10.yaml"
refused_rules "2025-10.yaml is a directory" "acceptance_addon/2025-10.yaml"
expect_msg_contains "Is a directory"
# every rule file of the tree is read but the directory, which is not one
N_RULES=$(find "$RULES" -name '*.yaml' -o -name '*.yml' | wc -l | tr -d ' ')
expect_msg_contains "($((N_RULES - 1)) rule files read)"
copied_rules
rm "$R/acceptance_addon/2025-10.yaml"
mkfifo "$R/acceptance_addon/2025-10.yaml"
refused_rules "2025-10.yaml is a FIFO" "acceptance_addon/2025-10.yaml"
expect_msg_contains "not a regular file"
copied_rules
rm "$R/acceptance_addon/2025-10.yaml"
ln -s "$WORK/nowhere.yaml" "$R/acceptance_addon/2025-10.yaml"
refused_rules "2025-10.yaml is a dangling symlink" "acceptance_addon/2025-10.yaml"
copied_rules
ln -s /dev/zero "$R/extra.yml"
refused_rules "a .yml symlinked to /dev/zero" "extra.yml"
# unreadable entries: root reads anything, so root runs these as nobody
if as_unprivileged "unreadable rule file and directory"; then
    for what in acceptance_addon/2025-10.yaml acceptance_addon; do
        copied_rules
        chmod o+rx "$WORK"
        chmod -R o+rX "$R"
        chmod 000 "$R/$what"
        $AS_U timeout 10 "$KASAN_U" check --rules "$R" > "$WORK/.stdout" 2> "$WORK/.stderr"
        RC=$?
        ERR_TXT=$(cat "$WORK/.stderr")
        OUT_TXT=
        expect_rc 2 "$what unreadable: kasan check"
        expect_msg_contains "$what" "$what unreadable"
        expect_msg_contains "Permission denied" "$what unreadable"
        chmod 755 "$R/$what"
    done
fi
copied_rules
tkasan check --rules "$R" --verbose
expect_rc 0 "the intact copy checks"
expect_msg_contains "$N_RULES rule files read" "check --verbose"

section "a NUL in a rule file"
copied_rules
# line 1 of the file is kept; the NUL goes after the first two characters of
# line 2: line 2, column 3
python3 - "$R/acceptance_addon/2025-10.yaml" <<'PY'
import sys
p = sys.argv[1]
lines = open(p, 'rb').read().split(b'\n')
lines[1] = lines[1][:2] + b'\x00' + lines[1][2:]
open(p, 'wb').write(b'\n'.join(lines))
PY
tkasan check --rules "$R"
expect_rc 2 "NUL in a rule file"
expect_msg_contains "acceptance_addon/2025-10.yaml:2:3: error: rule file contains a NUL byte"

section "FIFOs and devices as inputs"
for f in nurseries.csv claims/2025-10/children.csv claims/2025-10/nurses.csv; do
    fresh_ward
    rm "$WORK/ward/$f"
    mkfifo "$WORK/ward/$f"
    tkasan run --month 2025-10 --data "$WORK/ward" --rules "$RULES" --out "$OUT" --quiet
    expect_rc 2 "$f as a FIFO does not hang"
    expect_msg_contains "not a regular file" "$f FIFO"
    expect_nothing_written "$OUT"
done
for dev in /dev/zero /dev/urandom; do
    fresh_ward
    ln -sf "$dev" "$WORK/ward/claims/2025-10/children.csv"
    tkasan run --month 2025-10 --data "$WORK/ward" --rules "$RULES" --out "$OUT" --quiet
    expect_rc 2 "children.csv -> $dev refused at once"
    expect_msg_contains "claims/2025-10/children.csv" "$dev"
    expect_msg_contains "not a regular file" "$dev"
    expect_nothing_written "$OUT"
done
fresh_ward
rm "$WORK/ward/claims/2025-10/children.csv"
mkdir "$WORK/ward/claims/2025-10/children.csv"
tkasan run --month 2025-10 --data "$WORK/ward" --rules "$RULES" --out "$OUT" --quiet
expect_rc 2 "children.csv as a directory"
expect_msg_contains "Is a directory"
# a file over the 256 MiB input limit (sparse: no disk used) is refused
# without being read
fresh_ward
truncate -s 257M "$WORK/ward/claims/2025-10/nurses.csv"
tkasan run --month 2025-10 --data "$WORK/ward" --rules "$RULES" --out "$OUT" --quiet
expect_rc 2 "nurses.csv of 257 MiB"
expect_msg_contains "input limit of 256 MiB"
expect_nothing_written "$OUT"

finish
