#!/usr/bin/env bash
# Ledger, audit trail and replay end to end (SPEC 5): finalize, refusals,
# supersede, budget control over the sample year, replay from the archive
# after the sources changed or vanished, tampering found by audit verify,
# JSONL export, concurrent finalizations and SIGKILL during finalization.
set -u
KASAN=${KASAN:?} SRCDIR=${SRCDIR:?}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_rc() { # want got what
    [ "$1" = "$2" ] && ok || bad "$3: exit $2, wanted $1"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
DATA=$SRCDIR/fixtures/sample-ward RULES=$SRCDIR/rules
k() { "$KASAN" "$@" --quiet 2>"$tmp/err" >/dev/null; }
export KASAN_ACTOR=tester

# --- finalize, refuse twice, supersede -----------------------------------
O=$tmp/o1
k run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O" --finalize; expect_rc 0 $? "first finalize"
[ -f "$O/2025-04/payments.csv" ] && ok || bad "finalized month has payments.csv"
cp "$O/2025-04/payments.csv" "$tmp/apr-payments.csv"
k run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O" --finalize --actor refuser; expect_rc 3 $? "second finalize"
grep -q "already finalized" "$tmp/err" && ok || bad "second finalize says already finalized"
# SPEC 1.4: the refusal is an event of the trail (who, when, month, why), with no payments
grep -q "the refusal is recorded in the audit trail: event 2 (anchor 2:" "$tmp/err" && ok || bad "refusal event named: $(cat "$tmp/err")"
cmp -s "$tmp/apr-payments.csv" "$O/2025-04/payments.csv" && ok || bad "refused finalize rewrote outputs"
ls -A "$O" | grep -q staging && bad "refused finalize left a staging dir" || ok
"$KASAN" audit export --out "$O" >"$tmp/refuse.jsonl"; expect_rc 0 $? "export after a refusal"
python3 - "$tmp/refuse.jsonl" <<'PYEOF' && ok || bad "export shows the refusal event: $(sed -n 2p "$tmp/refuse.jsonl")"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [e["action"] for e in ev] == ["finalize", "refuse"], [e["action"] for e in ev]
r = ev[1]
assert r["actor"] == "refuser" and r["seq"] == 2 and r["time"].endswith("Z"), r
p = r["payload"]
assert p["code"] == "already_finalized" and p["month"] == "2025-04", p
assert p["requested"] == "finalize" and p["run_id"].startswith("2025-04-"), p
assert p["run_id"] != ev[0]["payload"]["run_id"], p  # the refused run, not the paid one
assert "already finalized" in p["reason"] and ev[0]["payload"]["run_id"] in p["reason"], p
assert "payments" not in p, p
PYEOF
n=$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM runs")
[ "$n" = 1 ] && ok || bad "a refusal records no run: $n runs"
"$KASAN" audit verify --out "$O" >/dev/null; expect_rc 0 $? "verify after a refusal"
k run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O"; expect_rc 3 $? "draft over a finalized month"
"$KASAN" run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O" --finalize --supersede 2>/dev/null >/dev/null
expect_rc 1 $? "supersede without reason"
k run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$O" --finalize --supersede --reason "振込先訂正"
expect_rc 0 $? "supersede with reason"
n=$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM runs WHERE month='2025-04'")
cur=$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM runs WHERE month='2025-04' AND superseded_by IS NULL")
why=$(sqlite3 "$O/ledger.sqlite" "SELECT supersede_reason FROM runs WHERE supersedes IS NOT NULL")
[ "$n/$cur/$why" = "2/1/振込先訂正" ] && ok || bad "supersede keeps old run: got $n/$cur/$why"
"$KASAN" replay --month 2025-04 --out "$O" >/dev/null; expect_rc 0 $? "replay after supersede"

# --- the sample year: budget control stops March until a reason is given ---
O=$tmp/year
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02; do
    k run --month $m --data "$DATA" --rules "$RULES" --out "$O" --finalize --no-workbooks || bad "finalize $m"
done
k run --month 2026-03 --data "$DATA" --rules "$RULES" --out "$O" --finalize --no-workbooks
expect_rc 3 $? "March over the line"
# paid Apr–Feb 15,056,077 + March 1,601,000 = 16,657,077 = 16,444,000 + 213,077
grep -q "213,077 yen over" "$tmp/err" && ok || bad "overrun named: $(cat "$tmp/err")"
[ ! -e "$O/2026-03" ] && ok || bad "refused month wrote outputs"
ref=$(sqlite3 "$O/ledger.sqlite" "SELECT seq || '/' || actor || '/' || json_extract(payload, '\$.code') || '/' ||
    json_extract(payload, '\$.month') FROM events WHERE action = 'refuse'")
[ "$ref" = "12/tester/over_budget/2026-03" ] && ok || bad "over-budget refusal recorded: $ref"
sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '\$.reason') FROM events WHERE seq = 12" | grep -q "by 213077 yen" \
    && ok || bad "over-budget refusal reason names the overrun"
[ "$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM runs WHERE month = '2026-03'")" = 0 ] && ok || bad "refused March has a run"
"$KASAN" audit verify --out "$O" >/dev/null; expect_rc 0 $? "verify after the over-budget refusal"
k run --month 2026-03 --data "$DATA" --rules "$RULES" --out "$O" --finalize --no-workbooks \
    --over-budget-reason "補正予算（第2号）で増額"; expect_rc 0 $? "override with reason"
r=$(sqlite3 "$O/ledger.sqlite" "SELECT over_budget_reason || '/' || overrun_yen FROM runs WHERE month='2026-03'")
[ "$r" = "補正予算（第2号）で増額/213077" ] && ok || bad "override recorded: $r"
"$KASAN" budget --fy 2025 --out "$O" --rules "$RULES" >"$tmp/budget"
grep -q "16,657,077" "$tmp/budget" && ok || bad "budget shows FY paid total"
# April of the sample ward (fixtures/sample-ward/README.md): A 638,333 + B 511,000 = 1,149,333
grep -qE "^2025-04 +638,333 +511,000 +1,149,333 +1,149,333 " "$tmp/budget" && ok || bad "budget April row: $(grep 2025-04 "$tmp/budget")"
"$KASAN" audit verify --out "$O" >/dev/null; expect_rc 0 $? "verify clean year"

# --- replay from the archive after rules and data changed, then vanished ---
O=$tmp/o2; D=$tmp/data; R=$tmp/rules
cp -r "$DATA" "$D"; cp -r "$RULES" "$R"
k run --month 2025-10 --data "$D" --rules "$R" --out "$O" --finalize; expect_rc 0 $? "finalize with copies"
sed -i 's/55000/99999/' "$R/acceptance_addon/2025-10.yaml"
sed -i '2d' "$D/claims/2025-10/children.csv"
"$KASAN" replay --month 2025-10 --out "$O" >/dev/null; expect_rc 0 $? "replay after sources changed"
rm -rf "$D" "$R"
"$KASAN" replay --month 2025-10 --out "$O" >"$tmp/replay"; expect_rc 0 $? "replay after sources deleted"
grep -q "identical" "$tmp/replay" && ok || bad "replay says identical"

# --- tampering, bypassing the triggers with the sqlite3 shell --------------
tamper() { # name sql
    local L=$tmp/t-$1
    rm -rf "$L"; cp -r "$tmp/year" "$L"
    sqlite3 "$L/ledger.sqlite" "PRAGMA writable_schema=OFF; DROP TRIGGER IF EXISTS events_no_update;
        DROP TRIGGER IF EXISTS events_no_delete; DROP TRIGGER IF EXISTS payments_no_update;
        DROP TRIGGER IF EXISTS blobs_no_update; $2" || bad "tamper $1: sql failed"
    "$KASAN" audit verify --out "$L" >"$tmp/verify" 2>&1
    expect_rc 4 $? "verify after $1"
    grep -qE "${3}" "$tmp/verify" && ok || bad "verify after $1 names it: $(head -3 "$tmp/verify")"
}
tamper edited_payload "UPDATE events SET payload = replace(payload, '1149333', '1149334') WHERE seq = 1" "event 1"
tamper deleted_event "DELETE FROM events WHERE seq = 5" "event 6"
tamper swapped_pair "UPDATE events SET seq = -3 WHERE seq = 3; UPDATE events SET seq = 3 WHERE seq = 4;
    UPDATE events SET seq = 4 WHERE seq = -3" "event (3|4)"
tamper altered_blob "UPDATE blobs SET data = CAST('x' || data AS BLOB) WHERE rowid = 1" "blob"
tamper doctored_payment "UPDATE payments SET amount_yen = amount_yen + 1000 WHERE rowid = 3" "run|payment|event"
# the March refusal (event 12) edited, so it looks like someone else was refused, or for another reason
tamper refusal_actor "UPDATE events SET actor = 'nobody' WHERE action = 'refuse'" "event 12: hash mismatch"
tamper refusal_reason "UPDATE events SET payload = replace(payload, 'over_budget', 'already_finalized') WHERE seq = 12" "event 12: hash mismatch"
tamper refusal_deleted "DELETE FROM events WHERE seq = 12" "event 13: previous-hash link broken"
"$KASAN" replay --month 2025-04 --out "$tmp/t-doctored_payment" >/dev/null 2>&1
m=$(sqlite3 "$tmp/t-doctored_payment/ledger.sqlite" "SELECT r.month FROM payments p JOIN runs r USING(run_id) WHERE p.rowid = 3")
"$KASAN" replay --month "$m" --out "$tmp/t-doctored_payment" >"$tmp/replay" 2>&1
expect_rc 4 $? "replay of a doctored payment"
grep -q DIFFERENT "$tmp/replay" && ok || bad "replay lists the difference"

# --- anchors: a log rewritten and re-hashed as a whole ----------------------
# The chain alone cannot catch someone who edits an event and recomputes every
# hash after it; an anchor (an event hash written down outside the ledger, as
# `run --finalize` prints it) can.
A=$tmp/anchored
rm -rf "$A"; cp -r "$tmp/year" "$A"
h3=$(sqlite3 "$A/ledger.sqlite" "SELECT hash FROM events WHERE seq = 3")
"$KASAN" audit verify --out "$A" --anchor "3:$h3" >"$tmp/verify"; expect_rc 0 $? "verify with a true anchor"
grep -q "1 anchor matched" "$tmp/verify" && ok || bad "true anchor reported: $(cat "$tmp/verify")"
last=$(sqlite3 "$A/ledger.sqlite" "SELECT seq || ':' || hash FROM events ORDER BY seq DESC LIMIT 1")
grep -qF -- "--anchor $last" "$tmp/verify" && ok || bad "verify prints the last event's anchor $last"
# the finalize summary prints the anchor of its event
F=$tmp/fin-anchor
"$KASAN" run --month 2025-04 --data "$DATA" --rules "$RULES" --out "$F" --finalize --no-workbooks >"$tmp/fin" 2>&1
fa=$(sqlite3 "$F/ledger.sqlite" "SELECT seq || ':' || hash FROM events WHERE seq = 1")
grep -qF "anchor to keep with the payment approval: $fa" "$tmp/fin" && ok || bad "finalize prints anchor $fa"
# forge: move event 2's time by a day and re-hash events 2.. so the chain is whole again
python3 - "$A/ledger.sqlite" <<'PYEOF' || bad "forging the chain failed"
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TRIGGER IF EXISTS events_no_update;")
rows = db.execute("SELECT seq, time, actor, action, payload, prev_hash FROM events ORDER BY seq").fetchall()
prev = None
for seq, time, actor, action, payload, prev_hash in rows:
    if seq == 2:
        time = time.replace(time[:4], str(int(time[:4]) - 1), 1)
    if prev is not None:
        prev_hash = prev
    text = json.dumps({"action": action, "actor": actor, "payload": payload, "prev_hash": prev_hash,
                       "seq": seq, "time": time}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    h = hashlib.sha256(text.encode()).hexdigest()
    db.execute("UPDATE events SET time = ?, prev_hash = ?, hash = ? WHERE seq = ?", (time, prev_hash, h, seq))
    prev = h if seq >= 2 else None
db.commit()
PYEOF
"$KASAN" audit verify --out "$A" >"$tmp/verify" 2>&1
expect_rc 0 $? "forged chain passes verify without an anchor (why anchors exist)"
"$KASAN" audit verify --out "$A" --anchor "3:$h3" >"$tmp/verify" 2>&1
expect_rc 4 $? "forged chain fails verify with the anchor"
grep -q "event 3: hash .* differs from the recorded anchor" "$tmp/verify" && ok || bad "anchor mismatch names event 3: $(cat "$tmp/verify")"
"$KASAN" audit verify --out "$A" --anchor "99:$h3" >"$tmp/verify" 2>&1
expect_rc 4 $? "anchor of an event that is gone"
grep -q "event 99: gone" "$tmp/verify" && ok || bad "gone anchor named: $(cat "$tmp/verify")"
for badanchor in "3" "3:abc" "x:$h3" "0:$h3" "3:$(printf '%s' "$h3" | tr a-f A-F)"; do
    "$KASAN" audit verify --out "$A" --anchor "$badanchor" >/dev/null 2>&1
    expect_rc 1 $? "malformed anchor '$badanchor'"
done

# --- JSON Lines export ------------------------------------------------------
"$KASAN" audit export --out "$tmp/year" >"$tmp/log.jsonl"; expect_rc 0 $? "export"
python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    e = json.loads(line); n += 1
    assert {"seq", "time", "actor", "action", "payload", "prev_hash", "hash"} <= set(e), e.keys()
    if e["action"] == "refuse":
        assert e["payload"]["code"] == "over_budget" and e["payload"]["month"] == "2026-03", e
assert n == 13, n  # 11 finalizations, the March refusal, the March override
' "$tmp/log.jsonl" && ok || bad "JSONL export parses (13 events)"

# --- two finalizations at once: exactly one succeeds ------------------------
for i in $(seq 1 20); do
    O=$tmp/c$i
    "$KASAN" run --month 2025-05 --data "$DATA" --rules "$RULES" --out "$O" --finalize --quiet --no-workbooks 2>/dev/null & p1=$!
    "$KASAN" run --month 2025-05 --data "$DATA" --rules "$RULES" --out "$O" --finalize --quiet --no-workbooks 2>/dev/null & p2=$!
    wait $p1; r1=$?; wait $p2; r2=$?
    runs=$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM runs")
    if [ "$(printf '%s\n' $r1 $r2 | sort | tr '\n' ' ')" = "0 3 " ] && [ "$runs" = 1 ]; then ok
    else bad "concurrent trial $i: exits $r1 $r2, runs $runs"; fi
    rm -rf "$O"
done

# --- SIGKILL during finalization: the month is whole or absent --------------
for i in $(seq 1 20); do
    O=$tmp/kill$i
    "$KASAN" run --month 2025-06 --data "$DATA" --rules "$RULES" --out "$O" --finalize --quiet 2>/dev/null & pid=$!
    sleep "0.0$(( (i * 7) % 10 ))$(( i % 10 ))"
    kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
    if [ -f "$O/ledger.sqlite" ]; then
        "$KASAN" audit verify --out "$O" >/dev/null 2>&1; v=$?
        runs=$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM runs WHERE month='2025-06'" 2>/dev/null || echo 0)
        pays=$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM payments" 2>/dev/null || echo 0)
    else v=0 runs=0 pays=0; fi
    if [ $v = 0 ] && { [ "$runs/$pays" = "0/0" ] || [ "$runs" = 1 ]; }; then ok
    else bad "kill trial $i: verify $v, runs $runs, payments $pays"; fi
    if [ "$runs" = 1 ]; then
        "$KASAN" replay --month 2025-06 --out "$O" >/dev/null 2>&1; expect_rc 0 $? "kill trial $i replay"
    else
        k run --month 2025-06 --data "$DATA" --rules "$RULES" --out "$O" --finalize; expect_rc 0 $? "kill trial $i re-run"
    fi
    rm -rf "$O"
done

echo "ledger: $pass passed, $fail failed"
[ $fail = 0 ]
