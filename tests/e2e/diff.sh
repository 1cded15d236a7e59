#!/bin/sh
# kasan diff (issue 5): the same month's claims under two rule sets, per
# nursery and program, with totals, on the console and in OUT/M/diff.xlsx.
# Rules A are the shipped ones; rules B raise the 2025-10 standard unit of
# program A from 55,000 to 60,000.  October 2025 has 31 days.
. "$(dirname "$0")/lib.sh"

RB="$WORK/rules-b"
cp -R "$RULES" "$RB"
sed -i 's/標準: 55000/標準: 60000/' "$RB/acceptance_addon/2025-10.yaml"
grep -q '標準: 60000' "$RB/acceptance_addon/2025-10.yaml" || { fail "rules B" "sed did not apply"; finish; }

D=$(new_data data)
registry "$D" <<'CSV'
P001,一保育園,private_licensed,法人一,2000-04-01,,銀行,本店,ordinary,2000001,ｲﾁ
P002,二保育園,private_licensed,法人二,2000-04-01,,銀行,本店,ordinary,2000002,ﾆ
P003,三保育園,private_licensed,法人三,2000-04-01,,銀行,本店,ordinary,2000003,ｻﾝ
CSV
children "$D" 2025-10 <<'CSV'
P001,C1,suction,2025-04-01,
P001,C2,ventilator,2025-04-01,
P002,C3,suction,2025-10-11,
P003,C4,tracheostomy,2025-04-01,
CSV
nurses "$D" 2025-10 </dev/null
O=$(new_out out)

section "console table"
kasan diff --month 2025-10 --data "$D" --rules-a "$RULES" --rules-b "$RB" --out "$O"
expect_rc 0 "diff 2025-10"
row() { printf '%s\n' "$OUT_TXT" | awk -v n="$1" '$1 == n' | tr -s ' '; }
# P001: A 55,000 + 90,000 = 145,000; B 60,000 + 90,000 = 150,000 → +5,000
expect_eq "$(row P001)" "P001 acceptance_addon 2025-10 145,000 2025-10 150,000 +5,000" "P001 row"
# P002: C3 from 10-11 = 21 days: A 55,000 × 21/31 = 37,258.06 → 37,258;
#   B 60,000 × 21/31 = 40,645.16 → 40,645 → +3,387
expect_eq "$(row P002)" "P002 acceptance_addon 2025-10 37,258 2025-10 40,645 +3,387" "P002 row"
# P003: high intensity 90,000 in both → +0
expect_eq "$(row P003)" "P003 acceptance_addon 2025-10 90,000 2025-10 90,000 +0" "P003 row"
# totals: 145,000 + 37,258 + 90,000 = 272,258; 150,000 + 40,645 + 90,000 = 280,645; +8,387
expect_eq "$(row total)" "total 272,258 280,645 +8,387" "total row"

section "diff.xlsx holds the same table, as numbers"
/usr/bin/python3 - "$O/2025-10/diff.xlsx" <<'PYEOF' && pass "diff.xlsx read back" || fail "diff.xlsx read back" "see above"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
rows = [[c.value for c in r] for r in ws.iter_rows()]
def find(key):
    for r in rows:
        if key in r:
            return r
    raise SystemExit(f"no row with {key!r}: {rows}")
for key, a, b in (("P001", 145000, 150000), ("P002", 37258, 40645), ("P003", 90000, 90000)):
    r = find(key)
    nums = [v for v in r if isinstance(v, int)]
    assert nums[-3:] == [a, b, b - a], (key, r)
nums = [v for v in rows[-1] if isinstance(v, int)]
assert nums[-3:] == [272258, 280645, 8387], rows[-1]
for r in rows:
    for v in r:
        assert not (isinstance(v, str) and v.replace(",", "").lstrip("+-").isdigit()), ("amount as text", r)
PYEOF

section "broken rules B: exit 2, no diff.xlsx"
printf 'program: [\n' > "$RB/acceptance_addon/2025-10.yaml"
O2=$(new_out out2)
kasan diff --month 2025-10 --data "$D" --rules-a "$RULES" --rules-b "$RB" --out "$O2"
expect_rc 2 "diff with broken rules B"
expect_msg_contains "acceptance_addon/2025-10.yaml" "diff with broken rules B"
expect_nothing_written "$O2"

finish
