#!/usr/bin/env bash
# signing.sh — signed events, 決裁 and their verification (issue 23,
# docs/spec/11-operators.md) end to end: a month with three operators
# (drafted and finalized by tanaka, approved by sato, paid by suzuki) and its
# approval block, every refusal (no operator, a wrong passphrase, a key file
# that is not the operator's, a key file others can read, a revoked
# operator, a role the operator lacks, approving one's own draft, a transfer
# before the approval or by the drafter or approver), a correction approved
# with its differences shown, a settlement approved and paid, the auditor's
# signed checkpoint, tampering (one byte of a stored signature, a signature
# removed, two operators' keys swapped in the archived operators file, an
# event's operator replaced — each re-hashed into a consistent chain, so
# only the signatures catch them), a key rotation (old events still verify
# under the old key) and a ledger from before signatures.  Keys are made in
# the test (kasan operator keygen), under $WORK: nobody's.
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
APRIL=2025-05-10T09:30:00Z # the day April is finalized, approved and paid

key() { # ID → the public key line of a new key KEYS/ID.pem
    "$KASAN" operator keygen --id "$1" --passphrase-file "$PASS" 2>/dev/null
}
L_TANAKA=$(key tanaka)
L_SATO=$(key sato)
L_SUZUKI=$(key suzuki)
L_KACHO=$(key kacho)
L_ITO=$(key ito)
L_TANAKA2=$(key tanaka-new)     # tanaka's key from June (a rotation)
[ -n "$L_TANAKA" ] && [ -n "$L_TANAKA2" ] && pass "test keys made" || fail "test keys made" ""

# operators FILE VERSION FROM TANAKA_KEY WITH_ITO
operators() {
    mkdir -p "$(dirname "$1")"
    {
        cat <<EOF
kind: operators
version: "$2"
title: 保育サービス課 操作者
effective_from: $3
basis: 板橋区事務分掌規則・会計事務規則
operators:
  - id: tanaka
    name: 田中 花子
    post: 保育サービス課 給付係 主事
    roles: [draft, pay]
    key: $4
    valid_from: 2025-04-01
  - id: sato
    name: 佐藤 一郎
    post: 保育サービス課長
    roles: [approve, pay]
    key: $L_SATO
    valid_from: 2025-04-01
  - id: suzuki
    name: 鈴木 三郎
    post: 会計管理者
    roles: [pay, audit]
    key: $L_SUZUKI
    valid_from: 2025-04-01
  - id: kacho
    name: 高橋 四郎
    post: 保育サービス課 課長補佐
    roles: [draft, approve]
    key: $L_KACHO
    valid_from: 2025-04-01
EOF
        [ "$5" = ito ] && cat <<EOF
  - id: ito
    name: 伊藤 五郎
    post: 保育サービス課 給付係
    roles: [draft]
    key: $L_ITO
    valid_from: 2025-04-01
EOF
    } > "$1"
}
R=$WORK/rules
cp -r "$RULES" "$R"
# April: ito listed; from June: ito revoked, tanaka's key rotated
operators "$R/operators/2025-04.yaml" 2025-04 2025-04-01 "$L_TANAKA" ito
operators "$R/operators/2025-06.yaml" 2025-06 2025-06-01 "$L_TANAKA2" ""
D=$WORK/data
cp -r "$DATA" "$D"
O=$WORK/out

# k NOW ARGS... — kasan at time NOW with the rules, data and outputs above
k() {
    _now=$1
    shift
    KASAN_NOW=$_now kasan "$@" --data "$D" --rules "$R" --out "$O"
}
events() { sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM events"; }
ev() { # SEQ SQL-EXPR → the expression over event SEQ
    sqlite3 "$O/ledger.sqlite" "SELECT $2 FROM events WHERE seq = $1"
}
last_ev() { sqlite3 "$O/ledger.sqlite" "SELECT max(seq) FROM events"; }
block() { # OUT/M/payments.xlsx → the 決裁欄 rows as "区分|氏名|役職|日付" lines
    "$PY" - "$1" <<'PYEOF'
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["支払一覧"]
rows = [[c.value for c in r] for r in ws.iter_rows()]
start = [i for i, r in enumerate(rows) if r and r[0] == "決裁欄"]
if start:
    for r in rows[start[0] + 2:start[0] + 5]:
        print("|".join("" if v is None else str(v) for v in r[:4]))
PYEOF
}

section "finalizing needs an operator once an operators file is in force"
k $APRIL run --month 2025-04 --finalize --quiet
expect_rc 3 "finalize without --operator"
expect_msg_contains "an operators file is in force"
expect_msg_contains "--operator ID"
[ ! -e "$O/ledger.sqlite" ] && pass "nothing recorded (no ledger)" || fail "nothing recorded" "a ledger"
k $APRIL run --month 2025-04 --finalize --quiet --operator tanaka --actor tanaka \
    --passphrase-file "$PASS"
expect_rc 1 "--actor with --operator"
k $APRIL run --month 2025-04 --quiet --operator tanaka --passphrase-file "$PASS"
expect_rc 1 "--operator on a draft"
k $APRIL run --month 2025-04 --finalize --quiet --operator tanaka --passphrase=secret1234
expect_rc 1 "a passphrase on the command line"
if printf '%s' "$ERR_TXT" | grep -q secret1234; then fail "the secret not echoed" "$ERR_TXT"
else pass "the secret not echoed"; fi

section "key refusals: nothing changes"
printf 'wrong horse battery staple\n' > "$WORK/wrong"
chmod 600 "$WORK/wrong"
k $APRIL run --month 2025-04 --finalize --quiet --operator tanaka --passphrase-file "$WORK/wrong"
expect_rc 2 "a wrong passphrase"
expect_msg_contains "wrong passphrase"
# sato's key file under tanaka's name: decrypts, but is not tanaka's key
mkdir -m 700 "$WORK/keys-x"
cp "$KASAN_KEYS/sato.pem" "$WORK/keys-x/tanaka.pem"
k $APRIL run --month 2025-04 --finalize --quiet --operator tanaka --keys "$WORK/keys-x" \
    --passphrase-file "$PASS"
expect_rc 3 "a key file that is not the operator's"
expect_msg_contains "is not operator tanaka's"
chmod 644 "$WORK/keys-x/tanaka.pem"
cp "$KASAN_KEYS/tanaka.pem" "$WORK/keys-x/tanaka.pem"
chmod 644 "$WORK/keys-x/tanaka.pem"
k $APRIL run --month 2025-04 --finalize --quiet --operator tanaka --keys "$WORK/keys-x" \
    --passphrase-file "$PASS"
expect_rc 3 "a key file others can read"
expect_msg_contains "chmod 600"
k $APRIL run --month 2025-04 --finalize --quiet --operator nobody --passphrase-file "$PASS"
expect_rc 1 "an operator without a key file"
expect_msg_contains "kasan operator keygen --id nobody"
k $APRIL run --month 2025-04 --finalize --quiet --operator sato --passphrase-file "$PASS"
expect_rc 3 "finalize by sato, who lacks the draft role"
expect_msg_contains "has not the draft role"
expect_msg_contains "recorded in the audit trail: event 1"
expect_eq "$(ev 1 "action || '/' || json_extract(payload, '\$.code') || '/' ||
    json_extract(payload, '\$.signer.operator')")" "refuse/lacks_role/sato" "the refusal, signed by sato"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT count(*) FROM runs")" 0 "no run recorded"

section "a month by three operators: drafted (tanaka)"
k $APRIL run --month 2025-04 --finalize --operator tanaka --passphrase-file "$PASS"
expect_rc 0 "finalize by tanaka"
expect_eq "$(ev 2 "action || '/' || actor || '/' || json_extract(payload, '\$.signer.role') || '/' ||
    json_extract(payload, '\$.signer.via')")" "finalize/tanaka/draft/cli" "event 2: tanaka's finalization"
expect_eq "$(sqlite3 "$O/ledger.sqlite" "SELECT length(sig) FROM signatures WHERE seq = 2")" 88 \
    "its signature stored beside it"
# 令和7年5月10日: the day finalized (2025 = 令和7)
expect_eq "$(block "$O/2025-04/payments.xlsx" | tr '\n' ';')" \
    "起案|田中 花子|保育サービス課 給付係 主事|令和7年5月10日;決裁|（未決裁）||;振込|（振込ファイル未作成）||;" \
    "approval block after finalizing"
STMT_SUM=$(cat "$O"/2025-04/statements/*.xlsx | sha256sum)

section "transfer before the approval, and approvals refused"
k $APRIL transfer --month 2025-04 --date 2025-05-20 --operator suzuki --passphrase-file "$PASS"
expect_rc 3 "transfer before the approval"
expect_msg_contains "Missing: the approval (決裁)"
expect_msg_contains "kasan approve --month 2025-04"
[ ! -e "$O/2025-04/transfer-2025-04.txt" ] && pass "no transfer file" || fail "no transfer file" "written"
n=$(last_ev)
expect_eq "$(ev "$n" "json_extract(payload, '\$.code') || '/' || json_extract(payload, '\$.requested') ||
    '/' || actor")" "not_approved/transfer/suzuki" "the refusal is suzuki's signed event"
k $APRIL approve --month 2025-04 --operator tanaka --passphrase-file "$PASS"
expect_rc 3 "approve by tanaka (no approve role)"
expect_msg_contains "has not the approve role"
k $APRIL approve --month 2025-04 --operator suzuki --passphrase-file "$WORK/wrong"
expect_rc 2 "approve with a wrong passphrase"
before=$(events)
k $APRIL approve --month 2025-04 --operator sato --passphrase-file "$WORK/wrong"
expect_eq "$(events)" "$before" "a wrong passphrase records nothing"

section "approved (sato): the summary first"
k $APRIL approve --month 2025-04 --operator sato --passphrase-file "$PASS"
expect_rc 0 "approve by sato"
# README's April: 638,333 + 511,000 = 1,149,333; budget 16,444,000 − 1,149,333 = 15,294,667
expect_msg_contains "1,149,333 yen"
expect_msg_contains "drafted (起案): tanaka 田中 花子"
expect_msg_contains "paid so far 1,149,333 (this included), remaining 15,294,667"
expect_msg_contains "approved (決裁) by sato"
approve_seq=$(last_ev)
expect_eq "$(ev "$approve_seq" "json_extract(payload, '\$.approved_seq') || '/' ||
    (json_extract(payload, '\$.run_id') = (SELECT run_id FROM runs WHERE month = '2025-04'))")" \
    "2/1" "the approval names event 2 and its run"
expect_eq "$(ev "$approve_seq" "json_extract(payload, '\$.digest')")" \
    "$(ev 2 "json_extract(payload, '\$.payments.sha256')")" "it signs the payments digest"
expect_eq "$(block "$O/2025-04/payments.xlsx" | sed -n 2p)" "決裁|佐藤 一郎|保育サービス課長|令和7年5月10日" \
    "決裁 in the block"
expect_eq "$(cat "$O"/2025-04/statements/*.xlsx | sha256sum)" "$STMT_SUM" \
    "the statements sent are not rewritten"
k $APRIL approve --month 2025-04 --operator kacho --passphrase-file "$PASS"
expect_rc 3 "a second approval"
expect_msg_contains "already approved by sato"

section "paid (suzuki), not by the drafter or the approver"
k $APRIL transfer --month 2025-04 --date 2025-05-20 --operator tanaka --passphrase-file "$PASS"
expect_rc 3 "transfer by the drafter (who holds pay)"
expect_msg_contains "tanaka drafted (finalized) this run"
k $APRIL transfer --month 2025-04 --date 2025-05-20 --operator sato --passphrase-file "$PASS"
expect_rc 3 "transfer by the approver (who holds pay)"
expect_msg_contains "sato approved this run"
expect_eq "$(ev "$(last_ev)" "json_extract(payload, '\$.code')")" "approver_pays" "recorded"
k $APRIL transfer --month 2025-04 --date 2025-05-20 --operator suzuki --passphrase-file "$PASS"
expect_rc 0 "transfer by suzuki"
expect_msg_contains "9 transfers, 1,149,333 yen"
t_seq=$(last_ev)
expect_eq "$(ev "$t_seq" "json_extract(payload, '\$.sha256')")" \
    "$(sha256sum "$O/2025-04/transfer-2025-04.txt" | cut -d' ' -f1)" \
    "the signed transfer event names the file's SHA-256"
expect_eq "$(block "$O/2025-04/payments.xlsx" | sed -n 3p)" "振込|鈴木 三郎|会計管理者|令和7年5月10日" \
    "振込 in the block"
k $APRIL audit verify
expect_rc 0 "audit verify"
expect_msg_contains "signatures OK"

section "approving one's own draft"
# kacho holds draft and approve: drafts May, may not approve it
k 2025-06-10T09:00:00Z run --month 2025-05 --finalize --quiet --operator kacho --passphrase-file "$PASS"
expect_rc 0 "finalize May by kacho"
k 2025-06-10T09:00:00Z approve --month 2025-05 --operator kacho --passphrase-file "$PASS"
expect_rc 3 "kacho approving their own draft"
expect_msg_contains "kacho drafted (finalized) this run"
expect_eq "$(ev "$(last_ev)" "json_extract(payload, '\$.code')")" "own_draft" "recorded: own_draft"

section "a revoked operator and a rotated key"
# from June ito is not in the operators file in force
k 2025-06-10T09:00:00Z run --month 2025-06 --finalize --quiet --operator ito --passphrase-file "$PASS"
expect_rc 3 "ito, revoked from June"
expect_msg_contains "revoked"
# tanaka's April key is no longer theirs from June; the new one is
k 2025-07-10T09:00:00Z run --month 2025-06 --finalize --quiet --operator tanaka --passphrase-file "$PASS"
expect_rc 3 "tanaka's old key after the rotation"
expect_msg_contains "is not operator tanaka's"
cp "$KASAN_KEYS/tanaka-new.pem" "$WORK/keys-x/tanaka.pem"
chmod 600 "$WORK/keys-x/tanaka.pem"
k 2025-07-10T09:00:00Z run --month 2025-06 --finalize --quiet --operator tanaka \
    --keys "$WORK/keys-x" --passphrase-file "$PASS"
expect_rc 0 "tanaka's new key"
k 2025-07-10T09:00:00Z audit verify
expect_rc 0 "verify: April's events under the old key, June's under the new"
expect_msg_contains "signatures OK"
expect_msg_contains "2 operators files held"

section "a correction, approved with its differences"
# one more child at P005 (standard unit, full month): 50,000 → 100,000, +50,000
printf 'P005,C0099,suction,2024-04-01,\n' >> "$D/claims/2025-04/children.csv"
k 2025-07-10T09:00:00Z run --month 2025-04 --finalize --supersede --reason "追加の児童" --quiet \
    --operator tanaka --keys "$WORK/keys-x" --passphrase-file "$PASS"
expect_rc 0 "the correction by tanaka"
k 2025-07-10T09:00:00Z transfer --month 2025-04 --date 2025-07-22 --operator suzuki --passphrase-file "$PASS"
expect_rc 3 "the correction's transfer before its approval"
k 2025-07-10T09:00:00Z approve --month 2025-04 --operator sato --passphrase-file "$PASS"
expect_rc 0 "the correction approved by sato"
expect_msg_contains "a correction (修正) of run"
expect_msg_contains "追給 50,000 yen, 返還 0 yen, net +50,000 yen"
expect_msg_contains "P005     acceptance_addon"
# 1,149,333 + 50,000 = 1,199,333 in April; May and June count too
k 2025-07-10T09:00:00Z transfer --month 2025-04 --date 2025-07-22 --operator suzuki --passphrase-file "$PASS"
expect_rc 0 "the correction's transfer (only the 追給)"
expect_msg_contains "1 transfer, 50,000 yen"
expect_eq "$(block "$O/2025-04/payments.xlsx" | tr '\n' ';')" \
    "起案|田中 花子|保育サービス課 給付係 主事|令和7年7月10日;決裁|佐藤 一郎|保育サービス課長|令和7年7月10日;振込|鈴木 三郎|会計管理者|令和7年7月10日;" \
    "the correction's block"
k 2025-07-10T09:00:00Z audit verify
expect_rc 0 "verify after the correction"

section "the auditor's checkpoint"
k 2025-07-11T09:00:00Z audit checkpoint --operator tanaka --keys "$WORK/keys-x" --passphrase-file "$PASS"
expect_rc 3 "a checkpoint by tanaka (no audit role)"
k 2025-07-11T09:00:00Z audit checkpoint --operator suzuki --passphrase-file "$PASS" --to "$WORK/cp.txt"
expect_rc 0 "a checkpoint by suzuki"
head_seq=$(last_ev)
expect_eq "$(sed -n 2p "$WORK/cp.txt")" "seq $head_seq" "it holds the head"
expect_eq "$(sed -n 3p "$WORK/cp.txt")" "hash $(ev "$head_seq" hash)" "and its hash"
k 2025-07-11T09:00:00Z audit checkpoint --operator suzuki --passphrase-file "$PASS" --to "$WORK/cp.txt"
expect_rc 3 "never over an existing checkpoint"
k 2025-07-12T09:00:00Z audit verify --checkpoint "$WORK/cp.txt"
expect_rc 0 "verify --checkpoint"
expect_msg_contains "the ledger extends it"
sed 's/^seq .*/seq 1/' "$WORK/cp.txt" > "$WORK/cp-bad.txt"
k 2025-07-12T09:00:00Z audit verify --checkpoint "$WORK/cp-bad.txt"
expect_rc 4 "a checkpoint edited"
expect_msg_contains "does not verify"

section "the audit report"
k 2025-07-12T09:00:00Z audit report --fy 2025
expect_rc 0 "audit report"
"$PY" - "$O/audit-2025.xlsx" <<'PYEOF' && pass "決裁 sheet and signatures in 検証" || fail "audit report" "see above"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert "決裁" in wb.sheetnames, wb.sheetnames
rows = [[c.value for c in r] for r in wb["決裁"].iter_rows()]
april = [r for r in rows if r[0] == "2025-04"]
assert len(april) == 2, april            # the run and its correction
cur = [r for r in april if r[2] == "現行"][0]
assert cur[3].startswith("田中 花子（tanaka）"), cur
assert cur[5].startswith("SHA256:"), cur
assert cur[6].startswith("佐藤 一郎（sato）"), cur
assert cur[9].startswith("鈴木 三郎（suzuki）"), cur
may = [r for r in rows if r[0] == "2025-05"][0]
assert may[6] == "（未決裁）" and may[9] == "（未作成）", may
v = [[c.value for c in r] for r in wb["検証"].iter_rows()]
res = [r[1] for r in v if r[0] == "署名の検証"][0]
assert res.startswith("正常 OK"), res
sig = [r[1] for r in v if r[0] and str(r[0]).startswith("署名 事象")]
assert any(s.startswith("検証済 verified — tanaka（draft）SHA256:") for s in sig), sig
PYEOF

# ---- tampering: each on a copy of the ledger, the chain re-hashed after the
# change (a tamperer who can write the file can do that too), so only the
# signatures can tell -------------------------------------------------------
TAMPER=$WORK/tamper.py
cat > "$TAMPER" <<'PYEOF'
import hashlib, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for t in ("events_no_update", "signatures_no_update", "signatures_no_delete", "blobs_no_update",
          "run_files_no_update", "runs_no_update"):
    db.execute("DROP TRIGGER IF EXISTS " + t)
what = sys.argv[2]
if what == "flip-sig":          # one byte of the stored signature of event N
    seq = int(sys.argv[3])
    sig = db.execute("SELECT sig FROM signatures WHERE seq = ?", (seq,)).fetchone()[0]
    c = "A" if sig[10] != "A" else "B"
    db.execute("UPDATE signatures SET sig = ? WHERE seq = ?", (sig[:10] + c + sig[11:], seq))
elif what == "drop-sig":        # the signature of event N removed
    db.execute("DELETE FROM signatures WHERE seq = ?", (int(sys.argv[3]),))
elif what == "unsign":          # event N's signer object and signature removed
    seq = int(sys.argv[3])
    p = json.loads(db.execute("SELECT payload FROM events WHERE seq = ?", (seq,)).fetchone()[0])
    del p["signer"]
    db.execute("UPDATE events SET payload = ? WHERE seq = ?",
               (json.dumps(p, sort_keys=True, ensure_ascii=False, separators=(",", ":")), seq))
    db.execute("DELETE FROM signatures WHERE seq = ?", (seq,))
elif what == "operator":        # event N's operator replaced by ID (and key FP if given)
    seq, op = int(sys.argv[3]), sys.argv[4]
    p = json.loads(db.execute("SELECT payload FROM events WHERE seq = ?", (seq,)).fetchone()[0])
    p["signer"]["operator"] = op
    if len(sys.argv) > 5:
        p["signer"]["key"] = sys.argv[5]
    if "actor" in p:
        p["actor"] = op
    db.execute("UPDATE events SET actor = ?, payload = ? WHERE seq = ?",
               (op, json.dumps(p, sort_keys=True, ensure_ascii=False, separators=(",", ":")), seq))
    db.execute("UPDATE runs SET actor = ? WHERE event_seq = ?", (op, seq))
elif what == "swap-keys":       # operators file OLD_SHA rewritten with two keys swapped
    old, a, b = sys.argv[3], sys.argv[4], sys.argv[5]
    text = db.execute("SELECT data FROM blobs WHERE sha256 = ?", (old,)).fetchone()[0].decode()
    text = text.replace(a, "@@").replace(b, a).replace("@@", b)
    data = text.encode()
    new = hashlib.sha256(data).hexdigest()
    db.execute("INSERT INTO blobs(sha256, length, data) VALUES (?, ?, ?)", (new, len(data), data))
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("UPDATE run_files SET sha256 = ? WHERE sha256 = ?", (new, old))
    for seq, p in db.execute("SELECT seq, payload FROM events").fetchall():
        if old in p:
            db.execute("UPDATE events SET payload = ? WHERE seq = ?", (p.replace(old, new), seq))
    db.execute("DROP TRIGGER IF EXISTS blobs_no_delete")
    db.execute("DELETE FROM blobs WHERE sha256 = ?", (old,))
# the chain re-hashed: ledger_int.h 1., as an auditor rebuilds it in Python
prev = "0" * 64
for seq, time, actor, action, payload in db.execute(
        "SELECT seq, time, actor, action, payload FROM events ORDER BY seq").fetchall():
    h = hashlib.sha256(json.dumps({"action": action, "actor": actor, "payload": payload,
                                   "prev_hash": prev, "seq": seq, "time": time}, sort_keys=True,
                                  ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    db.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, seq))
    prev = h
db.commit()
PYEOF

# tampered NAME ARGS... — a copy of OUT with the tamper applied; sets T
tampered() {
    T=$WORK/t-$1
    rm -rf "$T"
    cp -r "$O" "$T"
    shift
    "$PY" "$TAMPER" "$T/ledger.sqlite" "$@" || fail "tamper $*" "python failed"
}
verify_t() { KASAN_NOW=2025-07-12T09:00:00Z kasan audit verify --out "$T"; }

section "tamper: one byte of a stored signature"
tampered flip flip-sig "$approve_seq"
verify_t
expect_rc 4 "a flipped signature byte"
expect_msg_contains "event $approve_seq: the signature does not verify under operator sato's key"
expect_msg_contains "ledger FAILED verification"

section "tamper: a signature removed"
tampered drop drop-sig 2
verify_t
expect_rc 4 "a signature deleted"
expect_msg_contains "event 2: its payload names operator tanaka as signer but no signature is stored"
tampered unsign unsign 2
verify_t
expect_rc 4 "the signer object and the signature removed, the chain re-hashed"
expect_msg_contains "event 2: an unsigned 'finalize' while operators file operators/2025-04.yaml"

section "tamper: an event's operator replaced"
fp() { # public key line → its fingerprint, as ssh-keygen -l prints it
    "$PY" -c '
import base64, hashlib, struct, sys
k = base64.b64decode(sys.argv[1].split(":", 1)[1])
blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + k
print("SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("="))' "$1"
}
tampered op1 operator "$approve_seq" kacho
verify_t
expect_rc 4 "sato's approval given to kacho"
expect_msg_contains "event $approve_seq: signed as key $(fp "$L_SATO"), but operator kacho's key"
tampered op2 operator "$approve_seq" kacho "$(fp "$L_KACHO")"
verify_t
expect_rc 4 "… with kacho's fingerprint too"
expect_msg_contains "event $approve_seq: the signature does not verify under operator kacho's key"
# the transfer given to the approver: the signature fails, and so would the separation
tampered op3 operator "$t_seq" sato "$(fp "$L_SATO")"
verify_t
expect_rc 4 "suzuki's transfer given to sato"
expect_msg_contains "event $t_seq: the signature does not verify"
expect_msg_contains "event $t_seq: made by sato, who approved run"

section "tamper: two operators' keys swapped in the archived operators file"
old=$(sqlite3 "$O/ledger.sqlite" "SELECT json_extract(payload, '\$.signer.operators_sha256') FROM events WHERE seq = 2")
tampered swap swap-keys "$old" "$L_TANAKA" "$L_SATO"
verify_t
expect_rc 4 "tanaka's and sato's keys swapped"
expect_msg_contains "event 2: signed as key $(fp "$L_TANAKA"), but operator tanaka's key in force on 2025-05-10 is $(fp "$L_SATO")"
expect_msg_contains "event $approve_seq: signed as key $(fp "$L_SATO")"
# the same swap in the rules: refused where it is written (one key, one
# operator, in every version), nothing signed
sed -i "s|$L_TANAKA2|@@|; s|$L_SATO|$L_TANAKA2|; s|@@|$L_SATO|" "$R/operators/2025-06.yaml"
k 2025-08-10T09:00:00Z run --month 2025-07 --finalize --quiet --operator tanaka \
    --keys "$WORK/keys-x" --passphrase-file "$PASS"
expect_rc 2 "the rules' keys swapped"
expect_msg_contains "the key of operator 'tanaka' is operator 'sato''s"
operators "$R/operators/2025-06.yaml" 2025-06 2025-06-01 "$L_TANAKA2" ""

section "a ledger from before signatures"
O2=$WORK/old
KASAN_NOW=$APRIL kasan run --month 2025-04 --finalize --quiet --data "$DATA" --rules "$RULES" \
    --out "$O2" --actor clerk
expect_rc 0 "an unsigned finalization (no operators file)"
KASAN_NOW=$APRIL kasan transfer --month 2025-04 --date 2025-05-20 --rules "$RULES" --out "$O2" --actor clerk
expect_rc 0 "an unsigned transfer, no approval needed"
h1=$(sqlite3 "$O2/ledger.sqlite" "SELECT hash FROM events WHERE seq = 1")
# as schema 1 had it: no signatures table, version 1
sqlite3 "$O2/ledger.sqlite" "DROP TRIGGER signatures_no_update; DROP TRIGGER signatures_no_delete;
    DROP TABLE signatures; DROP TRIGGER meta_no_update;
    UPDATE meta SET value = '1' WHERE key = 'schema_version';
    CREATE TRIGGER meta_no_update BEFORE UPDATE ON meta BEGIN SELECT RAISE(ABORT, 'x'); END;"
KASAN_NOW=$APRIL kasan audit verify --out "$O2"
expect_rc 0 "a schema-1 ledger verifies"
expect_msg_contains "unsigned: no operators file in force"
expect_eq "$(sqlite3 "$O2/ledger.sqlite" "SELECT value FROM meta WHERE key = 'schema_version'")" 2 \
    "upgraded to schema 2 on open"
expect_eq "$(sqlite3 "$O2/ledger.sqlite" "SELECT hash FROM events WHERE seq = 1")" "$h1" \
    "its events unchanged"
KASAN_NOW=$APRIL kasan audit report --fy 2025 --out "$O2"
expect_rc 0 "its audit report"
"$PY" - "$O2/audit-2025.xlsx" <<'PYEOF' && pass "the report says unsigned" || fail "unsigned report" "see above"
import sys, openpyxl
v = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1])["検証"].iter_rows()]
res = [r[1] for r in v if r[0] == "署名の検証"][0]
assert res.startswith("unsigned: no operators file in force"), res
# 決裁: April drafted (event 1) and paid (event 2, the transfer file) by
# clerk, unsigned, before any operators file; no 決裁 was needed then
rows = [[c.value for c in r] for r in openpyxl.load_workbook(sys.argv[1])["決裁"].iter_rows()]
apr = [r for r in rows if r[0] == "2025-04"]
assert len(apr) == 1, rows
apr = apr[0]
assert apr[3] == "clerk（署名なし）\n事象1", apr
assert apr[5] == "unsigned: no operators file in force", apr
assert apr[6] == "（決裁なし）unsigned: no operators file in force", apr
assert apr[9] == "clerk（署名なし）\n事象2", apr       # the unsigned transfer is its 振込
assert apr[11] == "unsigned: no operators file in force", apr
PYEOF
# operators from May on: the old ledger goes on, signed
KASAN_NOW=2025-06-10T09:00:00Z kasan run --month 2025-05 --finalize --quiet --data "$DATA" \
    --rules "$R" --out "$O2" --operator tanaka --passphrase-file "$PASS"
expect_rc 3 "tanaka's April key in June (rotated)"
KASAN_NOW=2025-06-10T09:00:00Z kasan run --month 2025-05 --finalize --quiet --data "$DATA" \
    --rules "$R" --out "$O2" --operator kacho --passphrase-file "$PASS"
expect_rc 0 "a signed finalization on the upgraded ledger"
KASAN_NOW=2025-06-10T09:00:00Z kasan audit verify --out "$O2"
expect_rc 0 "old unsigned and new signed events verify together"

section "a settlement, approved and paid"
SD=$SRCDIR/tests/e2e/settle-data
O3=$WORK/settle
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03; do
    KASAN_NOW=2026-06-10T09:00:00Z "$KASAN" run --month "$m" --finalize --quiet --no-workbooks \
        --data "$SD" --rules "$R" --out "$O3" --operator kacho --passphrase-file "$PASS" \
        >/dev/null 2>&1 || fail "finalize $m" "exit $?"
done
ks() { KASAN_NOW=2026-06-10T09:00:00Z kasan "$@" --data "$SD" --rules "$R" --out "$O3"; }
ks settle --fy 2025 --finalize --operator kacho --passphrase-file "$PASS"
expect_rc 0 "the settlement by kacho"
ks transfer --settlement 2025 --date 2026-06-30 --operator suzuki --passphrase-file "$PASS"
expect_rc 3 "its transfer before the approval"
expect_msg_contains "kasan approve --settlement 2025"
ks approve --settlement 2025 --operator kacho --passphrase-file "$PASS"
expect_rc 3 "approved by its drafter"
ks approve --settlement 2025 --operator sato --passphrase-file "$PASS"
expect_rc 0 "approved by sato"
# settle.sh's worked example: 追加交付 1,000 (P002), 返還 180,000 (P001)
expect_msg_contains "追加交付 1,000 yen, 返還 180,000 yen"
ks transfer --settlement 2025 --date 2026-06-30 --operator suzuki --passphrase-file "$PASS"
expect_rc 0 "its transfer by suzuki"
expect_msg_contains "1 transfer, 1,000 yen"
ks audit verify
expect_rc 0 "verify the settled year"

section "a settlement correction, approved with its differences"
# settle_correction.sh's corrected data: P002's March nurse 101.1 h (March
# pays the same), P001's other_income 300,000
SD2=$WORK/settle-data2
mkdir -p "$SD2"
cp -R "$SD/." "$SD2/"
sed -i 's/^P002,S0002,nurse,part_time,100.5,/P002,S0002,nurse,part_time,101.1,/' \
    "$SD2/claims/2026-03/nurses.csv"
sed -i 's/^P001,nurse_placement,5300000,200000/P001,nurse_placement,5300000,300000/' \
    "$SD2/settlement/2025/actuals.csv"
ks2() { KASAN_NOW=2026-07-01T09:00:00Z kasan "$@" --data "$SD2" --rules "$R" --out "$O3"; }
ks2 run --month 2026-03 --finalize --supersede --reason "勤務時間の訂正" --quiet --no-workbooks --after-settlement-reason "精算も修正する" \
    --operator kacho --passphrase-file "$PASS"
expect_rc 0 "March corrected by kacho"
ks2 settle --fy 2025 --finalize --supersede --reason "実績報告の訂正" --operator kacho \
    --passphrase-file "$PASS"
expect_rc 0 "the settlement corrected by kacho"
ks2 transfer --settlement 2025 --date 2026-07-10 --operator suzuki --passphrase-file "$PASS"
expect_rc 3 "the corrected settlement's transfer before its approval"
ks2 approve --settlement 2025 --operator sato --passphrase-file "$PASS"
expect_rc 0 "the correction approved by sato"
expect_msg_contains "a correction (修正) of the settlement of event"
expect_msg_contains "実績報告の訂正"
# settle_correction.sh by hand: P001 annual 5,100,000 → 5,000,000, decided
# before 返還 180,000, now 返還 100,000 more; P002 2,773,000 → 2,775,000,
# decided before 追加交付 1,000, now 2,000 more
row_ok() { # NURSERY REGEX
    if printf '%s\n' "$OUT_TXT" | grep -qE "^    $1 +nurse_placement +annual +$2"; then
        pass "$1's difference shown"
    else fail "$1's difference shown" "$OUT_TXT"; fi
}
row_ok P001 "5,100,000 → +5,000,000, decided before -180,000, now -100,000 yen"
row_ok P002 "2,773,000 → +2,775,000, decided before \\+1,000, now \\+2,000 yen"
ks2 transfer --settlement 2025 --date 2026-07-10 --operator suzuki --passphrase-file "$PASS"
expect_rc 0 "the corrected settlement paid by suzuki"
expect_msg_contains "1 transfer, 2,000 yen"
ks2 audit verify
expect_rc 0 "verify after the settlement's correction"

finish
