#!/usr/bin/env bash
# signed_year.sh — the sample ward's whole fiscal year run by three operators
# (issue 23's acceptance, docs/spec/11-operators.md): every month finalized
# by tanaka (起案), approved by sato (決裁, as KASAN_OPERATOR), paid by
# suzuki (振込); March refused over the budget line and finalized with an
# over-budget reason, the override inside tanaka's signed event; the
# settlement drafted, approved and paid the same way; every money event
# verifying as someone's.  Then what the other tests leave out: the
# refusals that must change nothing (wrong passphrase, a key that is not
# the operator's, a key file others can read, an operator whose valid_to
# has passed) with the ledger and outputs compared byte for byte; the
# override's reason altered in the ledger (only the signature can tell); a
# checkpoint that catches the last events cut off (which the chain alone
# cannot); a month finalized before the operators file and paid after it.
. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
need sqlite3 sqlite3
"$PY" -c 'import openpyxl' 2>/dev/null || skip_all "python3-openpyxl not installed"
umask 022
unset KASAN_OPERATOR KASAN_ACTOR
DATA=$SRCDIR/fixtures/sample-ward
PASS=$WORK/pass
printf 'correct horse battery staple\n' > "$PASS"
chmod 600 "$PASS"
export KASAN_KEYS=$WORK/keys

key() { "$KASAN" operator keygen --id "$1" --passphrase-file "$PASS" 2>/dev/null; }
L_TANAKA=$(key tanaka)
L_SATO=$(key sato)
L_SUZUKI=$(key suzuki)
L_ITO=$(key ito)
[ -n "$L_TANAKA" ] && [ -n "$L_ITO" ] && pass "test keys made" || fail "test keys made" ""

R=$WORK/rules
cp -r "$RULES" "$R"
mkdir -p "$R/operators"
# ito may act in April–September only (valid_to), in the one version
cat > "$R/operators/2025-04.yaml" <<EOF
kind: operators
version: "2025-04"
title: 保育サービス課 操作者
effective_from: 2025-04-01
basis: 板橋区事務分掌規則・会計事務規則
operators:
  - id: tanaka
    name: 田中 花子
    post: 保育サービス課 給付係 主事
    roles: [draft]
    key: $L_TANAKA
    valid_from: 2025-04-01
  - id: sato
    name: 佐藤 一郎
    post: 保育サービス課長
    roles: [approve]
    key: $L_SATO
    valid_from: 2025-04-01
  - id: suzuki
    name: 鈴木 三郎
    post: 会計管理者
    roles: [pay, audit]
    key: $L_SUZUKI
    valid_from: 2025-04-01
  - id: ito
    name: 伊藤 五郎
    post: 保育サービス課 給付係
    roles: [draft]
    key: $L_ITO
    valid_from: 2025-04-01
    valid_to: 2025-09-30
EOF
O=$WORK/out
db() { sqlite3 "$O/ledger.sqlite" "$1"; }
last_ev() { db "SELECT max(seq) FROM events"; }
# the state a refusal that "changes nothing" must leave: the ledger's rows
# and every output file's bytes
state() {
    { [ -e "$O/ledger.sqlite" ] && sqlite3 "$O/ledger.sqlite" ".dump"
      [ -d "$O" ] && find "$O" -type f ! -name 'ledger.sqlite*' -print0 | sort -z |
          xargs -0 -r sha256sum; } | sha256sum
}

# k NOW ARGS...
k() {
    _now=$1
    shift
    KASAN_NOW=$_now kasan "$@" --data "$DATA" --rules "$R" --out "$O"
}
draft() { k "$1" run --month "$2" --finalize --quiet --no-workbooks --operator "${3:-tanaka}" \
    --passphrase-file "$PASS" "${@:4}"; }
approve() { KASAN_OPERATOR=sato k "$1" approve --month "$2" --passphrase-file "$PASS"; }
pay() { k "$1" transfer --month "$2" --date "$3" --operator suzuki --passphrase-file "$PASS"; }

section "refusals that change nothing (before anything is recorded)"
before=$(state)
printf 'wrong horse battery staple\n' > "$WORK/wrong"
chmod 600 "$WORK/wrong"
k 2025-05-10T09:00:00Z run --month 2025-04 --finalize --quiet --operator tanaka \
    --passphrase-file "$WORK/wrong"
expect_rc 2 "a wrong passphrase"
expect_eq "$(state)" "$before" "a wrong passphrase: nothing changed"
mkdir -m 700 "$WORK/keys-x"
cp "$KASAN_KEYS/ito.pem" "$WORK/keys-x/tanaka.pem"
k 2025-05-10T09:00:00Z run --month 2025-04 --finalize --quiet --operator tanaka \
    --keys "$WORK/keys-x" --passphrase-file "$PASS"
expect_rc 3 "ito's key file under tanaka's name"
expect_msg_contains "is not operator tanaka's"
expect_eq "$(state)" "$before" "a key that is not the operator's: nothing changed"
cp "$KASAN_KEYS/tanaka.pem" "$WORK/keys-x/tanaka.pem"
chmod 640 "$WORK/keys-x/tanaka.pem"
k 2025-05-10T09:00:00Z run --month 2025-04 --finalize --quiet --operator tanaka \
    --keys "$WORK/keys-x" --passphrase-file "$PASS"
expect_rc 3 "tanaka's key file readable by the group"
expect_eq "$(state)" "$before" "a key file others can read: nothing changed"
chmod 600 "$PASS"
chmod 644 "$PASS"
k 2025-05-10T09:00:00Z run --month 2025-04 --finalize --quiet --operator tanaka \
    --passphrase-file "$PASS"
expect_rc 3 "a passphrase file others can read"
chmod 600 "$PASS"
expect_eq "$(state)" "$before" "a passphrase file others can read: nothing changed"
# a passphrase in the environment is never read: with no terminal (setsid)
# and no --passphrase-file, refused whatever KASAN_PASSPHRASE says
if command -v setsid >/dev/null; then
    KASAN_NOW=2025-05-10T09:00:00Z KASAN_PASSPHRASE='correct horse battery staple' \
        PASSPHRASE='correct horse battery staple' setsid "$KASAN" run --month 2025-04 --finalize \
        --quiet --operator tanaka --data "$DATA" --rules "$R" --out "$O" </dev/null \
        > "$WORK/o" 2> "$WORK/e"
    RC=$? ERR_TXT=$(cat "$WORK/e") OUT_TXT=$(cat "$WORK/o")
    expect_rc 1 "a passphrase in the environment is not read"
    expect_msg_contains "no terminal"
    expect_eq "$(state)" "$before" "a passphrase in the environment: nothing changed"
else
    skip "no terminal" "setsid (util-linux) not installed"
fi

section "the year, month by month: tanaka drafts, sato approves, suzuki pays"
# fixtures/sample-ward/README.md "Expected totals"; transfer dates: bank
# business days (SPEC 10.4: 2025-07-21, 2025-09-23 and 2026-03-20 are holidays)
MONTHS="2025-04:2025-05-20:1,149,333 2025-05:2025-06-20:1,191,000 2025-06:2025-07-22:1,156,999
2025-07:2025-08-20:1,213,000 2025-08:2025-09-22:1,228,580 2025-09:2025-10-20:1,277,000
2025-10:2025-11-20:1,567,000 2025-11:2025-12-22:1,575,166 2025-12:2026-01-20:1,573,000
2026-01:2026-02-20:1,591,999 2026-02:2026-03-23:1,533,000"
for row in $MONTHS; do
    m=${row%%:*} d=${row#*:} total=${row##*:}
    d=${d%%:*}
    now=${d%-*}-10T09:00:00Z # the 10th of the month the transfer is made
    who=tanaka
    [ "$m" = 2025-08 ] && who=ito # ito drafts August, within valid_to
    draft "$now" "$m" "$who"
    expect_rc 0 "$m finalized by $who"
    approve "$now" "$m"
    expect_rc 0 "$m approved by sato (KASAN_OPERATOR)"
    expect_msg_contains "month total" "$m summary"
    expect_msg_contains "$total yen" "$m total"
    pay "$now" "$m" "$d"
    expect_rc 0 "$m paid by suzuki"
    expect_msg_contains "$total yen, 振込指定日 $d" "$m transfer"
done

section "an operator past valid_to"
before=$(state)
draft 2026-04-10T09:00:00Z 2026-03 ito
expect_rc 3 "ito in April 2026 (valid to 2025-09-30)"
expect_msg_contains "operator ito may act from 2025-04-01 to 2025-09-30"
expect_eq "$(state)" "$before" "nothing changed"

section "March: over the line, the override signed"
before_seq=$(last_ev)
draft 2026-04-10T09:00:00Z 2026-03
expect_rc 3 "March over the line"
# 15,056,077 + 1,601,000 = 16,657,077 = 16,444,000 + 213,077
expect_msg_contains "213,077 yen over"
r=$(last_ev)
expect_eq "$r" "$((before_seq + 1))" "one event: the refusal"
expect_eq "$(db "SELECT action || '/' || json_extract(payload, '\$.code') || '/' ||
    json_extract(payload, '\$.signer.operator') || '/' || json_extract(payload, '\$.signer.role') ||
    '/' || (SELECT length(sig) FROM signatures s WHERE s.seq = e.seq) FROM events e WHERE seq = $r")" \
    "refuse/over_budget/tanaka/draft/88" "the refusal is tanaka's signed event"
draft 2026-04-10T09:00:00Z 2026-03 tanaka --over-budget-reason "補正予算（第2号）で増額"
expect_rc 0 "March finalized with the reason"
f=$(last_ev)
expect_eq "$(db "SELECT action || '/' || json_extract(payload, '\$.over_budget_override.overrun_yen') ||
    '/' || json_extract(payload, '\$.over_budget_override.reason') || '/' ||
    json_extract(payload, '\$.signer.operator') || '/' ||
    (SELECT length(sig) FROM signatures s WHERE s.seq = e.seq) FROM events e WHERE seq = $f")" \
    "finalize/213077/補正予算（第2号）で増額/tanaka/88" "the override is inside tanaka's signed finalize"
approve 2026-04-10T09:00:00Z 2026-03
expect_rc 0 "March approved"
expect_msg_contains "finalized over the budget line on the reason: 補正予算（第2号）で増額"
# 16,444,000 − 16,657,077 = −213,077
expect_msg_contains "paid so far 16,657,077 (this included), remaining -213,077"
pay 2026-04-10T09:00:00Z 2026-03 2026-04-20
expect_rc 0 "March paid"
expect_msg_contains "1,601,000 yen, 振込指定日 2026-04-20"
march_final=$f

section "the settlement: drafted, approved, paid"
# 20 May 2026: settled, approved and paid (29 May) before FY2025's 出納閉鎖,
# so the 追加交付 is FY2025's own and held to its line
ks() { KASAN_NOW=2026-05-20T09:00:00Z kasan "$@" --data "$DATA" --rules "$R" --out "$O"; }
# fixtures/sample-ward/README.md: 追加交付 P011 5,000 + P020 1,000 + P023 3,000 = 9,000, 返還 0;
# the year already 213,077 over the line, so the 追加交付 needs a reason too
ks settle --fy 2025 --finalize --operator tanaka --passphrase-file "$PASS"
expect_rc 3 "the settlement over the line"
ks settle --fy 2025 --finalize --operator tanaka --passphrase-file "$PASS" \
    --over-budget-reason "補正予算（第3号）"
expect_rc 0 "the settlement by tanaka, with the reason"
s=$(last_ev)
expect_eq "$(db "SELECT action || '/' || json_extract(payload, '\$.over_budget_reason') || '/' ||
    json_extract(payload, '\$.signer.operator') || '/' ||
    (SELECT length(sig) FROM signatures x WHERE x.seq = e.seq) FROM events e WHERE seq = $s")" \
    "settle/補正予算（第3号）/tanaka/88" "the settlement's override signed by tanaka"
KASAN_OPERATOR=sato ks approve --settlement 2025 --passphrase-file "$PASS"
expect_rc 0 "the settlement approved by sato"
expect_msg_contains "追加交付 9,000 yen, 返還 0 yen"
ks transfer --settlement 2025 --date 2026-05-29 --operator suzuki --passphrase-file "$PASS"
expect_rc 0 "the settlement paid by suzuki"
expect_msg_contains "3 transfers, 9,000 yen"

section "every money event is someone's"
ks audit verify
expect_rc 0 "audit verify"
expect_msg_contains "signatures OK"
expect_eq "$(db "SELECT count(*) FROM events e WHERE action IN ('finalize', 'supersede', 'settle',
    'settle_supersede', 'approve', 'transfer') AND NOT EXISTS (SELECT 1 FROM signatures s
    WHERE s.seq = e.seq)")" 0 "no money event without a signature"
# 12 months + the settlement, each finalized, approved and paid: 39 money events
expect_eq "$(db "SELECT count(*) FROM events WHERE action IN ('finalize', 'settle', 'approve',
    'transfer')")" 39 "39 money events"
ks audit report --fy 2025
expect_rc 0 "audit report"
"$PY" - "$O/audit-2025.xlsx" <<'PYEOF' && pass "決裁 sheet: 13 runs, each by three people" || fail "決裁 sheet" "see above"
import sys, openpyxl
rows = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1])["決裁"].iter_rows()]
runs = [r for r in rows if r[0] and (r[0].startswith("202") or r[0].startswith("精算"))]
assert len(runs) == 13, [r[0] for r in runs]
for r in runs:
    drafter = "伊藤 五郎（ito）" if r[0] == "2025-08" else "田中 花子（tanaka）"
    assert r[3].startswith(drafter), r
    assert r[6].startswith("佐藤 一郎（sato）"), r
    assert r[9].startswith("鈴木 三郎（suzuki）"), r
    assert all(str(r[c]).startswith("SHA256:") for c in (5, 8, 11)), r
PYEOF

section "tamper: March's override reason altered, the chain re-hashed"
T=$WORK/t
cp -r "$O" "$T"
"$PY" - "$T/ledger.sqlite" "$march_final" <<'PYEOF' || fail "tamper" "python failed"
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
seq = int(sys.argv[2])
for t in ("events_no_update", "runs_no_update"):
    db.execute("DROP TRIGGER IF EXISTS " + t)
p = json.loads(db.execute("SELECT payload FROM events WHERE seq = ?", (seq,)).fetchone()[0])
p["over_budget_override"]["reason"] = "課長の了承済み"
db.execute("UPDATE events SET payload = ? WHERE seq = ?",
           (json.dumps(p, sort_keys=True, ensure_ascii=False, separators=(",", ":")), seq))
db.execute("UPDATE runs SET over_budget_reason = ? WHERE event_seq = ?", ("課長の了承済み", seq))
prev = "0" * 64
for s, time, actor, action, payload in db.execute(
        "SELECT seq, time, actor, action, payload FROM events ORDER BY seq").fetchall():
    h = hashlib.sha256(json.dumps({"action": action, "actor": actor, "payload": payload,
                                   "prev_hash": prev, "seq": s, "time": time}, sort_keys=True,
                                  ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    db.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, s))
    prev = h
db.commit()
PYEOF
KASAN_NOW=2026-06-11T09:00:00Z kasan audit verify --out "$T"
expect_rc 4 "an altered override reason"
expect_msg_contains "event $march_final: the signature does not verify under operator tanaka's key"

section "a checkpoint catches the last events cut off"
KASAN_OPERATOR=sato ks approve --settlement 2025 --passphrase-file "$PASS"
expect_rc 3 "a second approval of the settlement (a refusal: one more event)"
head_seq=$(last_ev)
ks audit checkpoint --operator suzuki --passphrase-file "$PASS" --to "$WORK/cp.txt"
expect_rc 0 "suzuki's checkpoint"
expect_eq "$(sed -n 2p "$WORK/cp.txt")" "seq $head_seq" "at the head"
T=$WORK/cut
cp -r "$O" "$T"
sqlite3 "$T/ledger.sqlite" "DROP TRIGGER IF EXISTS events_no_delete; DROP TRIGGER IF EXISTS
    signatures_no_delete; DELETE FROM signatures WHERE seq = $head_seq;
    DELETE FROM events WHERE seq = $head_seq;"
KASAN_NOW=2026-06-11T09:00:00Z kasan audit verify --out "$T"
expect_rc 0 "the chain alone cannot tell the last event was cut off"
KASAN_NOW=2026-06-11T09:00:00Z kasan audit verify --out "$T" --checkpoint "$WORK/cp.txt"
expect_rc 4 "the checkpoint can"
expect_msg_contains "event $head_seq"
KASAN_NOW=2026-06-11T09:00:00Z kasan audit verify --out "$O" --checkpoint "$WORK/cp.txt"
expect_rc 0 "the real ledger extends it"
# a checkpoint whose signer line names another operator
sed "s/^operator suzuki$/operator sato/" "$WORK/cp.txt" > "$WORK/cp-sato.txt"
KASAN_NOW=2026-06-11T09:00:00Z kasan audit verify --out "$O" --checkpoint "$WORK/cp-sato.txt"
expect_rc 4 "a checkpoint given to sato"

section "a month finalized before the operators file, paid after it"
O=$WORK/old
R2=$WORK/rules2
cp -r "$RULES" "$R2"
mkdir -p "$R2/operators"
sed 's/^effective_from: 2025-04-01$/effective_from: 2025-05-01/' "$R/operators/2025-04.yaml" \
    > "$R2/operators/2025-05.yaml"
KASAN_NOW=2025-04-25T09:00:00Z kasan run --month 2025-04 --finalize --quiet --no-workbooks \
    --data "$DATA" --rules "$R2" --out "$O" --operator tanaka --passphrase-file "$PASS"
expect_rc 1 "--operator before any operators file is in force"
expect_msg_contains "no operators file (kind: operators) is in force on 2025-04-25"
[ ! -e "$O/ledger.sqlite" ] && pass "nothing recorded" || fail "nothing recorded" "a ledger"
KASAN_NOW=2025-04-25T09:00:00Z kasan run --month 2025-04 --finalize --quiet --no-workbooks \
    --data "$DATA" --rules "$R2" --out "$O" --actor clerk
expect_rc 0 "April finalized unsigned on 25 April (no operators file in force)"
k2() { KASAN_NOW=2025-05-10T09:00:00Z kasan "$@" --data "$DATA" --rules "$R2" --out "$O"; }
k2 transfer --month 2025-04 --date 2025-05-20 --actor clerk
expect_rc 3 "an unsigned transfer once the operators file is in force"
k2 approve --month 2025-04 --operator sato --passphrase-file "$PASS"
expect_rc 3 "approving the unsigned draft"
expect_msg_contains "--supersede"
k2 run --month 2025-04 --finalize --supersede --reason "操作者ファイル適用後の起案" --quiet --no-workbooks \
    --operator tanaka --passphrase-file "$PASS"
expect_rc 0 "the month re-drafted, signed, by tanaka"
k2 approve --month 2025-04 --operator sato --passphrase-file "$PASS"
expect_rc 0 "approved by sato"
k2 transfer --month 2025-04 --date 2025-05-20 --operator suzuki --passphrase-file "$PASS"
expect_rc 0 "paid by suzuki"
# nothing was paid of the unsigned run: the whole month, 1,149,333
expect_msg_contains "9 transfers, 1,149,333 yen"
k2 audit verify
expect_rc 0 "verify: the unsigned event before, the signed ones after"
expect_msg_contains "1 unsigned (before an operators file was in force)"

finish
