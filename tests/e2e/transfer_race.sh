#!/bin/sh
# transfer_race.sh — issue 21 items 7 and 8 on the sample ward's April:
#  8. two transfers of one month at once: the ledger's write lock is held
#     (python3's sqlite3, BEGIN IMMEDIATE) while both start, so both have
#     checked "no transfer yet" and wait to record; then it is let go.  One
#     wins (exit 0, the file), the other is refused (exit 3) and the refusal
#     is an event; one transfer event, no stray temporary file, verify passes.
#  7. the transfer prints its anchor (SEQ:HASH, like a finalization); with
#     the transfer event deleted by sqlite3, plain verify finds its file left
#     under OUT with no event (exit 4); with the file gone too, only the
#     anchor knows (exit 4).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
"$PY" -c 'import sqlite3' 2>/dev/null || skip_all "python3's sqlite3 module missing"
export KASAN_ACTOR=tester KASAN_NOW=2025-05-12T09:00:00Z
SAMPLE=$SRCDIR/fixtures/sample-ward
O=$(new_out race)
kasan run --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$O" --finalize --quiet --no-workbooks
expect_rc 0 "April finalized"

section "two transfers of April at once"
"$PY" - "$KASAN" "$SAMPLE" "$RULES" "$O" > "$WORK/race.txt" <<'PYEOF'
import sqlite3, subprocess, sys, time
kasan, data, rules, out = sys.argv[1:5]
db = sqlite3.connect(out + "/ledger.sqlite", isolation_level=None, timeout=30)
db.execute("BEGIN IMMEDIATE")
cmd = [kasan, "transfer", "--month", "2025-04", "--date", "2025-05-20", "--data", data,
       "--rules", rules, "--out", out]
ps = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
      for _ in range(2)]
time.sleep(2)  # both read the ledger and wait for its write lock
db.execute("COMMIT")
for p in ps:
    text = p.communicate()[0].replace("\n", " ")
    print("%d %s" % (p.returncode, text))
PYEOF
rcs=$(cut -d' ' -f1 "$WORK/race.txt" | sort | tr '\n' ' ')
expect_eq "$rcs" "0 3 " "exit codes of the two transfers"
if grep -q "^3 .*already has a transfer file" "$WORK/race.txt"; then pass "the loser is told the run already has its file"
else fail "the loser is told the run already has its file" "$(cat "$WORK/race.txt")"; fi
if grep -q "^3 .*recorded in the audit trail" "$WORK/race.txt"; then pass "the loser's refusal is recorded"
else fail "the loser's refusal is recorded" "$(cat "$WORK/race.txt")"; fi
expect_eq "$("$KASAN" audit export --out "$O" | grep -c '"action":"transfer"')" 1 "transfer events"
expect_eq "$("$KASAN" audit export --out "$O" | grep '"action":"refuse"' | grep -c '"code":"already_transferred"')" 1 \
    "already_transferred refusals"
expect_eq "$(ls -A "$O/2025-04" | grep -c transfer)" 1 "files named transfer in OUT/2025-04 (no temporary left)"
kasan audit verify --out "$O"
expect_rc 0 "audit verify after the race"

section "the transfer's anchor"
O2=$(new_out anchor)
kasan run --month 2025-04 --data "$SAMPLE" --rules "$RULES" --out "$O2" --finalize --quiet --no-workbooks
kasan transfer --month 2025-04 --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O2"
expect_rc 0 "April transferred"
anchor=$(printf '%s\n' "$OUT_TXT" | sed -n 's/^  anchor to keep with the transfer: \([0-9]*:[0-9a-f]\{64\}\)$/\1/p')
# the event is the second: 1 the finalization, 2 the transfer
case $anchor in 2:????????????????????????????????????????????????????????????????) pass "the anchor printed is event 2's" ;;
*) fail "the anchor printed is event 2's" "got '$anchor' in: $OUT_TXT" ;; esac
kasan audit verify --out "$O2" --anchor "$anchor"
expect_rc 0 "verify with the anchor"
# (the append-only trigger dropped first, as someone with the file would)
"$PY" - "$O2/ledger.sqlite" <<'PYEOF'
import sqlite3, sys
d = sqlite3.connect(sys.argv[1], isolation_level=None)
d.execute("DROP TRIGGER events_no_delete")
d.execute("DELETE FROM events WHERE seq = (SELECT MAX(seq) FROM events)")
PYEOF
expect_eq "$("$KASAN" audit export --out "$O2" | grep -c '"action":"transfer"')" 0 "transfer events left"
kasan audit verify --out "$O2"
expect_rc 4 "plain verify: the transfer file left under OUT that no event records"
expect_msg_contains "transfer file 2025-04/transfer-2025-04.txt: under" "names the file"
expect_msg_contains "no transfer event records it" "says why"
# with the file gone too, only the anchor knows
mv "$O2/2025-04/transfer-2025-04.txt" "$WORK/moved.txt"
kasan audit verify --out "$O2"
expect_rc 0 "plain verify cannot know the last event is gone when its file went too"
kasan audit verify --out "$O2" --anchor "$anchor"
expect_rc 4 "the transfer event deleted: verify with the anchor fails"
expect_msg_contains "event 2: gone" "names the anchored event"
finish
