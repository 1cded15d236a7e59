#!/bin/sh
# settle_months.sh — issue 21 item 4: a settlement rests on the months'
# current runs, provably.  tests/e2e/settle-data (FY2025, 12 months):
#  1. a race: `settle --finalize` paused (KASAN_TEST_HOLD, testhold.h)
#     between reading the months and recording, while October is corrected:
#     the settlement is refused (exit 3, a months_changed refusal event),
#     nothing recorded; run again it names October's new run.
#  2. a month corrected after the settlement is refused (exit 3, recorded)
#     unless --after-settlement-reason is given: then an after_settlement
#     event names the settlement, and the settlement is corrected with it.
#  3. a settlement event that names a replaced month's run (the chain
#     re-hashed around the edit, as someone with the file could) fails
#     audit verify (exit 4), naming the settlement.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
"$PY" -c 'import sqlite3' 2>/dev/null || skip_all "python3's sqlite3 module missing"
export KASAN_ACTOR=tester KASAN_NOW=2026-06-10T09:00:00Z
DATA=$(new_data data)
cp -R "$SRCDIR/tests/e2e/settle-data/." "$DATA/"
O=$(new_out out)
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03; do
    "$KASAN" run --month "$m" --data "$DATA" --rules "$RULES" --out "$O" --no-workbooks --quiet \
        --finalize >/dev/null 2>&1 || fail "finalize $m" "exit $?"
done
# export_of OUT FIELD… — one line per event: action and the payload fields asked
export_of() { _o=$1; shift; "$KASAN" audit export --out "$_o" | "$PY" -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    print(e["seq"], e["action"], *[json.dumps(e["payload"].get(k), ensure_ascii=False) for k in sys.argv[1:]])' "$@"; }
current_run() { # MONTH — its current run id
    "$KASAN" audit export --out "$O" | "$PY" -c '
import json, sys
run = None
for l in sys.stdin:
    e = json.loads(l)
    if e["action"] in ("finalize", "supersede") and e["payload"]["month"] == sys.argv[1]:
        run = e["payload"]["run_id"]
print(run)' "$1"; }
settled_run() { # MONTH — the run of MONTH the last settlement event names
    "$KASAN" audit export --out "$O" | "$PY" -c '
import json, sys
run = None
for l in sys.stdin:
    e = json.loads(l)
    if e["action"].startswith("settle"):
        run = [m["run_id"] for m in e["payload"]["months"] if m["month"] == sys.argv[1]][0]
print(run)' "$1"; }

section "1. October corrected while the settlement is being recorded"
OCT_BEFORE=$(current_run 2025-10)
KASAN_TEST_HOLD=settle-record:4 "$KASAN" settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" \
    --finalize --issue-date 2026-06-10 > "$WORK/settle.out" 2> "$WORK/settle.err" &
SETTLE=$!
sleep 2
printf 'P001,C0099,suction,2025-10-01,\n' >> "$DATA/claims/2025-10/children.csv"
kasan run --month 2025-10 --data "$DATA" --rules "$RULES" --out "$O" --no-workbooks --quiet \
    --finalize --supersede --reason "P001 C0099 の届出漏れ"
expect_rc 0 "October corrected meanwhile"
wait $SETTLE
RC=$? ERR_TXT=$(cat "$WORK/settle.err") OUT_TXT=$(cat "$WORK/settle.out")
expect_rc 3 "the settlement that read the old October is refused"
expect_msg_contains "a month of FY2025 changed while its settlement was computed" "says why"
expect_msg_contains "2025-10=$OCT_BEFORE" "names the run it read"
expect_eq "$(export_of "$O" code | grep -c ' refuse "months_changed"')" 1 "the refusal is an event (months_changed)"
expect_eq "$(export_of "$O" | grep -c ' settle$')" 0 "no settlement recorded"
kasan settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --finalize --issue-date 2026-06-10
expect_rc 0 "the settlement, run again"
expect_eq "$(settled_run 2025-10)" "$(current_run 2025-10)" "it names October's current run"
[ "$(settled_run 2025-10)" != "$OCT_BEFORE" ] && pass "which is the corrected one" ||
    fail "which is the corrected one" "the old run"
kasan audit verify --out "$O"
expect_rc 0 "audit verify"

section "2. a month changed after the settlement"
printf 'P001,C0098,suction,2025-11-01,\n' >> "$DATA/claims/2025-11/children.csv"
kasan run --month 2025-11 --data "$DATA" --rules "$RULES" --out "$O" --no-workbooks --quiet \
    --finalize --supersede --reason "P001 C0098 の届出漏れ"
expect_rc 3 "November corrected after the settlement: refused"
expect_msg_contains "FY2025's settlement is finalized" "says why"
expect_msg_contains "--after-settlement-reason" "names the override"
expect_eq "$(export_of "$O" code | tail -1 | cut -d' ' -f2-)" 'refuse "after_settlement"' "the refusal is an event"
kasan run --month 2025-11 --data "$DATA" --rules "$RULES" --out "$O" --no-workbooks --quiet \
    --finalize --supersede --reason "P001 C0098 の届出漏れ" --after-settlement-reason "精算も修正する"
expect_rc 0 "with the reason: recorded"
SETTLE_SEQ=$(export_of "$O" | grep ' settle$' | tail -1 | cut -d' ' -f1)
expect_eq "$(export_of "$O" reason settlement_event | tail -1 | cut -d' ' -f2-)" \
    "after_settlement \"精算も修正する\" $SETTLE_SEQ" "an after_settlement event names the settlement"
kasan run --month 2025-11 --data "$DATA" --rules "$RULES" --out "$O" --finalize --after-settlement-reason x
expect_rc 3 "(the reason with no change to record is still refused as already finalized)"
kasan audit verify --out "$O"
expect_rc 0 "audit verify: the settlement rested on the runs of its time"
kasan settle --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --finalize --supersede \
    --reason "11月の修正を反映" --issue-date 2026-06-10
expect_rc 0 "the settlement corrected with it"
expect_eq "$(settled_run 2025-11)" "$(current_run 2025-11)" "it names November's current run"

section "3. a settlement event naming a replaced run fails verify"
mkdir -p "$WORK/t"
cp "$O/ledger.sqlite" "$WORK/t/ledger.sqlite"
"$PY" - "$WORK/t/ledger.sqlite" "$OCT_BEFORE" <<'PYEOF'
import hashlib, json, sqlite3, sys
d = sqlite3.connect(sys.argv[1], isolation_level=None)
d.execute("DROP TRIGGER events_no_update")
seq, payload = d.execute("SELECT seq, payload FROM events WHERE action = 'settle' ORDER BY seq DESC LIMIT 1").fetchone()
p = json.loads(payload)
for m in p["months"]:
    if m["month"] == "2025-10":
        m["run_id"] = sys.argv[2]
d.execute("UPDATE events SET payload = ? WHERE seq = ?",
          (json.dumps(p, ensure_ascii=False, separators=(",", ":"), sort_keys=True), seq))
prev = d.execute("SELECT hash FROM events WHERE seq = ?", (seq - 1,)).fetchone()[0]
for s, t, actor, action, pl in d.execute(
        "SELECT seq, time, actor, action, payload FROM events WHERE seq >= ? ORDER BY seq", (seq,)).fetchall():
    h = hashlib.sha256(json.dumps({"action": action, "actor": actor, "payload": pl, "prev_hash": prev,
                                   "seq": s, "time": t}, sort_keys=True, separators=(",", ":"),
                                  ensure_ascii=False).encode()).hexdigest()
    d.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, s))
    prev = h
PYEOF
kasan audit verify --out "$WORK/t"
expect_rc 4 "audit verify fails"
expect_msg_contains "does not rest on the months' current runs" "says why"
expect_msg_contains "2025-10=$OCT_BEFORE" "names the replaced run"
finish
