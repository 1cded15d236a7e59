#!/bin/sh
# owed.sh — issue 21 item 3: one definition of what is owed, against what
# was actually transferred, for the correction statements, corrections.csv
# and the transfer file.  The sample ward's April (A: 50,000 a child a
# month, 80,000 for a high-intensity one such as a tracheostomy):
#   1. finalized and transferred: P002 A = C0001 50,000 + C0002 80,000 = 130,000
#   2. correction: P002 loses C0001 (A 80,000, −50,000) and P011 gains C0098
#      (suction, the whole month, +50,000).  P002 has had 130,000: it is asked
#      for 50,000 back; P011 is owed 50,000, and the transfer pays exactly
#      that (one record, 50,000 yen).
#   3. correction: C0001 back (P002 A 130,000, +50,000 over the run it
#      replaces).  P002 has had 130,000 all along: nothing is owed either
#      way, the 返還 asked in 2 is withdrawn, and the transfer has nothing to
#      pay (the run transferred last, 2, had 80,000: a plan over that run
#      would have paid 50,000 again).
#   4. correction: P002 gains C0099 (suction, the whole month, +50,000):
#      owed 50,000, and the transfer pays it.
. "$(dirname "$0")/lib.sh"
need pdftotext
PY=/usr/bin/python3
READ="$PY $SRCDIR/tests/e2e/zengin_read.py"
export KASAN_ACTOR=tester KASAN_NOW=2025-05-12T09:00:00Z
DATA=$(new_data ward)
cp -R "$SRCDIR/fixtures/sample-ward/." "$DATA/"
C=$DATA/claims/2025-04/children.csv
O=$(new_out out)
M=$O/2025-04

# row NURSERY PROGRAM — that row of corrections.csv, without the month
row() { grep "^2025-04,$1,$2," "$M/corrections.csv" | cut -d, -f2-; }
# said FILE.pdf TEXT — the PDF's text holds TEXT (lines joined)
said() {
    if pdftotext -layout "$1" - 2>/dev/null | tr -d '\n' | grep -qF -- "$2"; then pass "$(basename "$1") says $2"
    else fail "$(basename "$1") says $2" "$(pdftotext "$1" - 2>/dev/null | grep -E '追給|返還|振込' | head -5 | tr '\n' ' ')"; fi
}
correct() { # REASON — a correction of April
    kasan run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O" --finalize \
        --supersede --reason "$1" --quiet
}
transfer() { kasan transfer --month 2025-04 --date 2025-05-20 --data "$DATA" --rules "$RULES" --out "$O" "$@"; }

section "1. April finalized and transferred"
kasan run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O" --finalize --quiet
expect_rc 0 "finalized"
expect_payment "$O" 2025-04 P002 acceptance_addon 130000
transfer
expect_rc 0 "transferred"

section "2. P002 lowered, P011 raised"
grep -v '^P002,C0001,' "$C" > "$WORK/c" && mv "$WORK/c" "$C"
printf 'P011,C0098,suction,2025-04-01,\n' >> "$C"
correct "P002 C0001 の退園、P011 C0098 の届出漏れ"
expect_rc 0 "correction 2"
expect_eq "$(row P002 acceptance_addon)" "P002,acceptance_addon,130000,80000,-50000,130000,-50000" \
    "corrections.csv P002 (transferred 130,000, owed −50,000)"
expect_eq "$(row P011 acceptance_addon | cut -d, -f6-)" "$(row P011 acceptance_addon | cut -d, -f3),50000" \
    "corrections.csv P011: transferred the run's amount before, owed 50,000"
said "$M/statements/P002-2.pdf" "振込済みの額との差額 50,000円の返還をお願いします"
said "$M/statements/P011-2.pdf" "振込済みの額との差額 50,000円を追給します"
transfer
expect_rc 0 "the correction's transfer"
F2=$M/transfer-2025-04-2.txt
expect_eq "$($READ "$F2" 2>/dev/null | sed -n 's/^3\.total=//p')" 000000050000 "its total: 50,000"
expect_eq "$($READ "$F2" 2>/dev/null | sed -n 's/^2\.customer_code1=//p')" 0000000011 "its one record is P011's"

section "3. P002 back to what it was paid"
printf 'P002,C0001,suction;tube_feeding,2023-04-01,\n' >> "$C"
correct "P002 C0001 の退園届は誤り"
expect_rc 0 "correction 3"
expect_eq "$(row P002 acceptance_addon)" "P002,acceptance_addon,80000,130000,50000,130000,0" \
    "corrections.csv P002 (+50,000 over run 2, owed 0)"
said "$M/statements/P002-3.pdf" "振込済みの額と同じ額となるため、追給も返還もありません"
said "$M/statements/P002-3.pdf" "先の通知でお願いした返還は不要となりました"
transfer
expect_rc 0 "transfer after correction 3"
expect_msg_contains "nothing to transfer" "nothing is owed"
[ ! -e "$M/transfer-2025-04-3.txt" ] && pass "no third file" || fail "no third file" "written"

section "4. P002 raised over what it was paid"
printf 'P002,C0099,suction,2025-04-01,\n' >> "$C"
correct "P002 C0099 の届出漏れ"
expect_rc 0 "correction 4"
expect_eq "$(row P002 acceptance_addon)" "P002,acceptance_addon,130000,180000,50000,130000,50000" \
    "corrections.csv P002 (owed 50,000)"
said "$M/statements/P002-4.pdf" "振込済みの額との差額 50,000円を追給します"
transfer
expect_rc 0 "transfer after correction 4"
F3=$M/transfer-2025-04-3.txt
expect_eq "$($READ "$F3" 2>/dev/null | sed -n 's/^3\.total=//p')" 000000050000 "its total: 50,000"
expect_eq "$($READ "$F3" 2>/dev/null | sed -n 's/^2\.customer_code1=//p')" 0000000002 "its one record is P002's"
expect_eq "$("$KASAN" audit export --out "$O" | grep '"action":"transfer"' | grep -c '"base_kind":"transferred"')" 3 \
    "each transfer event says its base is what was transferred"

section "each supersede event says what its differences of money are set against"
# events: 1 finalize, 2 transfer, 3 supersede (correction 2), 4 transfer,
# 5 supersede (3), 6 supersede (4), 7 transfer
base() { "$KASAN" audit export --out "$O" | sed -n "$1p" | "$PY" -c \
    'import json,sys; e=json.load(sys.stdin); print(json.dumps(e["payload"]["supersede"]["owed_base"], sort_keys=True))'; }
expect_eq "$(base 3)" '{"kind": "transferred", "transfer_events": [2]}' "correction 2: against transfer 2"
expect_eq "$(base 5)" '{"kind": "transferred", "transfer_events": [2, 4]}' "correction 3: against transfers 2 and 4"
expect_eq "$(base 6)" '{"kind": "transferred", "transfer_events": [2, 4]}' "correction 4: the same"
O2=$(new_out untransferred)
kasan run --month 2025-04 --data "$SRCDIR/fixtures/sample-ward" --rules "$RULES" --out "$O2" --finalize --quiet --no-workbooks
kasan run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O2" --finalize --supersede --reason x --quiet --no-workbooks
expect_rc 0 "a correction before any transfer"
O_SAVE=$O; O=$O2
expect_eq "$(base 2)" '{"kind": "none", "transfer_events": []}' "its base: nothing transferred"
O=$O_SAVE
# the base edited (and the chain re-hashed from there) is caught: the
# payload no longer rebuilds from the ledger's tables
cp "$O/ledger.sqlite" "$WORK/tampered.sqlite"
"$PY" - "$WORK/tampered.sqlite" <<'PYEOF'
import hashlib, json, sqlite3, sys
d = sqlite3.connect(sys.argv[1], isolation_level=None)
d.execute("DROP TRIGGER events_no_update")
p = json.loads(d.execute("SELECT payload FROM events WHERE seq = 5").fetchone()[0])
p["supersede"]["owed_base"]["transfer_events"] = [2]
d.execute("UPDATE events SET payload = ? WHERE seq = 5",
          (json.dumps(p, ensure_ascii=False, separators=(",", ":"), sort_keys=True),))
PYEOF
mkdir -p "$WORK/t"; cp "$WORK/tampered.sqlite" "$WORK/t/ledger.sqlite"
kasan audit verify --out "$WORK/t"
expect_rc 4 "an edited owed_base fails verify"

section "the ledger and a restore agree"
kasan audit verify --out "$O"
expect_rc 0 "audit verify"
kasan replay --month 2025-04 --out "$O" --rules "$RULES"
expect_rc 0 "replay"
pdftotext "$M/statements/P002-3.pdf" "$WORK/p3.txt"
rm -rf "$M"
kasan restore --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O"
expect_rc 0 "restore of a lost April"
pdftotext "$M/statements/P002-4.pdf" "$WORK/p4r.txt" 2>/dev/null
grep -qF "振込済みの額との差額 50,000円を追給します" "$WORK/p4r.txt" &&
    pass "the restored statement of correction 4 says what was owed then" ||
    fail "the restored statement of correction 4 says what was owed then" "$(grep -E '追給|返還' "$WORK/p4r.txt")"
expect_eq "$(row P002 acceptance_addon)" "P002,acceptance_addon,130000,180000,50000,130000,50000" \
    "the restored corrections.csv (what was owed when correction 4 was made)"
finish
