#!/bin/sh
# transfer_restore.sh — issue 21 item 5: a recorded transfer file is never
# lost for good while the ledger holds its bytes.
#  - the state a SIGKILL between the ledger commit and the rename leaves
#    (the event recorded, no transfer-2025-04.txt, its temporary of 0 bytes
#    under a dead process's id): `kasan restore --month` writes the file
#    back byte-identical (its SHA-256 the event's) and removes the
#    temporary;
#  - the same for a settlement's transfer file (`restore --settlement`);
#  - the stored bytes deleted from the ledger (its append-only trigger
#    dropped first): audit verify fails naming the file (exit 4); a lost
#    OUT/2025-04 is restored all but that file, which is named (exit 4, not
#    exit 5 for the whole month).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
"$PY" -c 'import sqlite3' 2>/dev/null || skip_all "python3's sqlite3 module missing"
export KASAN_ACTOR=tester KASAN_NOW=2025-05-12T09:00:00Z
SAMPLE=$SRCDIR/fixtures/sample-ward
DEAD=999999999 # no process has this id: its leftovers are a dead process's

# recorded_sha OUT FILE — the SHA-256 the transfer event of FILE recorded
recorded_sha() {
    "$KASAN" audit export --out "$1" | grep '"action":"transfer"' | grep -F "\"file\":\"$2\"" |
        sed -n 's/.*"sha256":"\([0-9a-f]*\)".*/\1/p'
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

section "a month's transfer file missing after a crash"
O=$(new_out month)
kasan run --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$O" --finalize --quiet
expect_rc 0 "April finalized"
kasan transfer --month 2025-04 --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O"
expect_rc 0 "April transferred"
F=$O/2025-04/transfer-2025-04.txt
want=$(recorded_sha "$O" 2025-04/transfer-2025-04.txt)
expect_eq "$(sha "$F")" "$want" "the file's SHA-256 is the event's"
rm "$F"
: > "$F.tmp-$DEAD"
kasan restore --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$O"
expect_rc 0 "restore --month"
expect_msg_contains "restored transfer file 2025-04/transfer-2025-04.txt" "restore says what it wrote"
[ -f "$F" ] && expect_eq "$(sha "$F")" "$want" "the file is back, byte-identical" ||
    fail "the file is back" "missing"
[ ! -e "$F.tmp-$DEAD" ] && pass "the dead process's temporary is removed" ||
    fail "the dead process's temporary is removed" "still there"
kasan restore --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$O"
expect_rc 0 "restore again"
expect_msg_contains "holds finalized run" "nothing more to restore"
kasan audit verify --out "$O"
expect_rc 0 "audit verify"

section "the stored bytes of a transfer file deleted from the ledger"
"$PY" - "$O/ledger.sqlite" "$want" <<'PYEOF'
import sqlite3, sys
d = sqlite3.connect(sys.argv[1], isolation_level=None)
d.execute("DROP TRIGGER blobs_no_delete")
d.execute("DELETE FROM blobs WHERE sha256 = ?", (sys.argv[2],))
PYEOF
kasan audit verify --out "$O"
expect_rc 4 "audit verify fails"
expect_msg_contains "transfer file 2025-04/transfer-2025-04.txt (event 2): its bytes" "names the file and event"
rm -rf "$O/2025-04"
kasan restore --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$O"
expect_rc 4 "restore of the lost month: exit 4"
expect_msg_contains "transfer-2025-04.txt (event 2) cannot be restored" "names the file it cannot restore"
[ -f "$O/2025-04/payments.csv" ] && [ -f "$O/2025-04/statements/P011.pdf" ] &&
    pass "the month's other outputs are restored" || fail "the month's other outputs are restored" \
    "$(ls "$O/2025-04" 2>&1 | tr '\n' ' ')"
[ ! -e "$F" ] && pass "no transfer file made up" || fail "no transfer file made up" "there is one"

section "a settlement's transfer file missing after a crash"
# tests/e2e/settle-data (settle.sh, transfer.sh): P002 追加交付 1,000 yen
SD=$SRCDIR/tests/e2e/settle-data
O3=$(new_out settle)
export KASAN_NOW=2026-06-10T09:00:00Z
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03; do
    "$KASAN" run --month "$m" --data "$SD" --rules "$RULES" --out "$O3" --no-workbooks --quiet \
        --finalize >/dev/null 2>&1 || fail "finalize $m" "exit $?"
done
kasan settle --fy 2025 --data "$SD" --rules "$RULES" --out "$O3" --finalize --issue-date 2026-06-10
expect_rc 0 "settlement finalized"
kasan transfer --settlement 2025 --date 2026-06-30 --out "$O3" --rules "$RULES"
expect_rc 0 "the settlement transferred"
FS=$O3/settlement-2025/transfer-settlement-2025.txt
wants=$(recorded_sha "$O3" settlement-2025/transfer-settlement-2025.txt)
rm "$FS"
: > "$FS.tmp-$DEAD"
kasan restore --settlement 2025 --data "$SD" --rules "$RULES" --out "$O3"
expect_rc 0 "restore --settlement"
[ -f "$FS" ] && expect_eq "$(sha "$FS")" "$wants" "the settlement's file is back, byte-identical" ||
    fail "the settlement's file is back" "missing"
[ ! -e "$FS.tmp-$DEAD" ] && pass "its temporary is removed" || fail "its temporary is removed" "still there"
rm -rf "$O3/settlement-2025"
kasan restore --settlement 2025 --data "$SD" --rules "$RULES" --out "$O3"
expect_rc 0 "restore --settlement of a lost settlement-2025/"
[ -f "$FS" ] && expect_eq "$(sha "$FS")" "$wants" "... its transfer file too" ||
    fail "... its transfer file too" "missing"
kasan audit verify --out "$O3"
expect_rc 0 "audit verify"
finish
