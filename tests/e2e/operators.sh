#!/usr/bin/env bash
# operators.sh — `kasan operator keygen` and the operators file (issue 23):
# the key file read back by openssl (an independent reader), its modes, the
# fingerprint against Python's hash (and ssh-keygen's when installed), every
# refusal (an existing key, a passphrase file or keys directory others can
# read, a bad id, a short passphrase, a passphrase on the command line, no
# terminal), the question on a real pseudo-terminal without echo, and
# `kasan check` on good operators files (a key rotation) and on a key that
# two operators share; operators files are archived with a finalized run.
# Broken operators files with their exact messages: tests/bad/operators_*.
. "$(dirname "$0")/lib.sh"

PY=python3
command -v "$PY" >/dev/null || { echo "SKIP: no python3"; exit 77; }
# openssl(1) is the independent reader of the key file; without it (package
# openssl, scripts/deps.sh) those checks are skipped, the others still run
OPENSSL=$(command -v openssl || true)
[ -n "$OPENSSL" ] || echo "# no openssl: the key file is not read back independently"
umask 022 # what a careless shell has: kasan must not depend on the umask

PASS="$WORK/pass"
printf 'correct horse battery staple\n' > "$PASS"
chmod 600 "$PASS"
KEYS="$WORK/keys"
export KASAN_KEYS="$KEYS"

mode() { stat -c %a "$1"; }

section "keygen with a passphrase file"
kasan operator keygen --id tanaka --passphrase-file "$PASS"
expect_rc 0 "keygen tanaka"
LINE_T=$OUT_TXT
if printf '%s' "$LINE_T" | grep -qxE 'ed25519:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]='; then
    pass "stdout is one public key line ($LINE_T)"
else fail "stdout is one public key line" "'$LINE_T'"; fi
expect_eq "$(mode "$KEYS")" 700 "keys directory mode"
expect_eq "$(mode "$KEYS/tanaka.pem")" 600 "key file mode"
expect_eq "$(head -n 1 "$KEYS/tanaka.pem")" "-----BEGIN ENCRYPTED PRIVATE KEY-----" "PEM header"
if [ -n "$OPENSSL" ]; then
    # openssl decrypts it with the passphrase and finds the public key printed
    pub=$(openssl pkey -in "$KEYS/tanaka.pem" -passin "file:$PASS" -pubout -outform DER 2>&1 |
        tail -c 32 | base64)
    expect_eq "ed25519:$pub" "$LINE_T" "openssl's public key of tanaka.pem"
    asn=$(openssl asn1parse -in "$KEYS/tanaka.pem" 2>&1)
    for want in PBES2 scrypt aes-256-cbc; do
        if printf '%s' "$asn" | grep -q ":$want"; then pass "key file encrypted with $want"
        else fail "key file encrypted with $want" "$asn"; fi
    done
    # scrypt N = 2^14 = 0x4000, r = 8, p = 1
    if printf '%s\n' "$asn" | grep -A3 ':scrypt' | grep -q 'INTEGER *:4000'; then
        pass "scrypt N = 16384"
    else fail "scrypt N = 16384" "$asn"; fi
    if openssl pkey -in "$KEYS/tanaka.pem" -passin pass:wrong-passphrase -noout 2>/dev/null; then
        fail "openssl refuses a wrong passphrase" "it decrypted"
    else pass "openssl refuses a wrong passphrase"; fi
fi
# the fingerprint: SHA-256 of OpenSSH's wire form, unpadded base64 (Python)
want_fp=$("$PY" -c '
import base64, hashlib, struct, sys
k = base64.b64decode(sys.argv[1].split(":", 1)[1])
blob = struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + k
print("SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("="))
' "$LINE_T")
expect_msg_contains "fingerprint $want_fp" "keygen's note"
if command -v ssh-keygen >/dev/null; then
    blob=$("$PY" -c '
import base64, struct, sys
k = base64.b64decode(sys.argv[1].split(":", 1)[1])
print("ssh-ed25519 " + base64.b64encode(struct.pack(">I", 11) + b"ssh-ed25519" + struct.pack(">I", 32) + k).decode())
' "$LINE_T")
    printf '%s tanaka\n' "$blob" > "$WORK/tanaka.pub"
    ssh_fp=$(ssh-keygen -lf "$WORK/tanaka.pub" | awk '{ print $2 }')
    expect_eq "$ssh_fp" "$want_fp" "ssh-keygen's fingerprint"
fi

section "refusals"
sum_before=$(sha256sum "$KEYS/tanaka.pem")
kasan operator keygen --id tanaka --passphrase-file "$PASS"
expect_rc 3 "a second key for tanaka"
expect_msg_contains "already exists"
expect_eq "$(sha256sum "$KEYS/tanaka.pem")" "$sum_before" "tanaka.pem unchanged"

chmod 644 "$PASS"
kasan operator keygen --id sato --passphrase-file "$PASS"
expect_rc 3 "passphrase file of mode 0644"
expect_msg_contains "chmod 600"
[ -e "$KEYS/sato.pem" ] && fail "no key written" "sato.pem exists" || pass "no key written"
chmod 640 "$PASS"
kasan operator keygen --id sato --passphrase-file "$PASS"
expect_rc 3 "passphrase file of mode 0640"
chmod 600 "$PASS"

chmod 755 "$KEYS"
kasan operator keygen --id sato --passphrase-file "$PASS"
expect_rc 3 "keys directory of mode 0755"
expect_msg_contains "chmod 700"
chmod 700 "$KEYS"

for bad in ../sato sato/x .sato "" "佐藤" a23456789012345678901234567890123; do
    kasan operator keygen --id "$bad" --passphrase-file "$PASS"
    expect_rc 1 "id '$bad'"
done
[ "$(ls "$KEYS")" = tanaka.pem ] && pass "no file but tanaka.pem" ||
    fail "no file but tanaka.pem" "$(ls -a "$KEYS")"

printf 'short\n' > "$WORK/short"
chmod 600 "$WORK/short"
kasan operator keygen --id sato --passphrase-file "$WORK/short"
expect_rc 1 "a 5-character passphrase"
expect_msg_contains "at least 8"

# a passphrase on the command line is refused without being repeated
for arg in "--passphrase=hunter2secret" "--pass=hunter2secret" "--passphrase"; do
    kasan operator keygen --id sato "$arg" hunter2secret
    expect_rc 1 "$arg on the command line"
    if printf '%s%s' "$OUT_TXT" "$ERR_TXT" | grep -q hunter2secret; then
        fail "$arg: the secret is not echoed" "$ERR_TXT"
    else pass "$arg: the secret is not echoed"; fi
done
kasan operator keygen --passphrase-file "$PASS"
expect_rc 1 "no --id"
kasan operator
expect_rc 1 "kasan operator alone"

# no terminal to ask on (setsid: a new session has no controlling terminal)
if command -v setsid >/dev/null; then
    setsid "$KASAN" operator keygen --id sato </dev/null > "$WORK/o" 2> "$WORK/e"
    RC=$?
    ERR_TXT=$(cat "$WORK/e")
    OUT_TXT=$(cat "$WORK/o")
    expect_rc 1 "no terminal and no passphrase file"
    expect_msg_contains "no terminal"
fi

section "the question on a terminal"
TTY="$SRCDIR/tests/e2e/tty_keygen.py"
secret='pty secret 7 horses'
res=$("$PY" "$TTY" "Passphrase for sato=$secret" "Same passphrase again=$secret" -- \
    "$KASAN" operator keygen --id sato)
rc=$(printf '%s' "$res" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["rc"])')
expect_eq "$rc" 0 "keygen on a terminal exits"
if printf '%s' "$res" | grep -qF "$secret"; then
    fail "the passphrase is not echoed on the terminal" "$res"
else pass "the passphrase is not echoed on the terminal"; fi
printf '%s\n' "$secret" > "$WORK/sato.pass"
chmod 600 "$WORK/sato.pass"
if [ -n "$OPENSSL" ]; then
    if openssl pkey -in "$KEYS/sato.pem" -passin "file:$WORK/sato.pass" -noout 2>/dev/null; then
        pass "sato.pem opens with the passphrase typed"
    else fail "sato.pem opens with the passphrase typed" "openssl refused"; fi
fi
LINE_S=$(printf '%s' "$res" | grep -oE 'ed25519:[A-Za-z0-9+/=]{44}' | head -n 1)

res=$("$PY" "$TTY" "Passphrase for suzuki=first one here" "Same passphrase again=second one here" \
    -- "$KASAN" operator keygen --id suzuki)
rc=$(printf '%s' "$res" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["rc"])')
expect_eq "$rc" 1 "two different passphrases"
if printf '%s' "$res" | grep -q "differ"; then pass "says they differ"
else fail "says they differ" "$res"; fi
[ -e "$KEYS/suzuki.pem" ] && fail "nothing written" "suzuki.pem" || pass "nothing written"

# ^C at the question: the terminal gets its echo back (stty after kasan)
res=$("$PY" "$TTY" "Passphrase for suzuki=^C" -- sh -c \
    'trap "" INT; "$0" operator keygen --id suzuki; echo "rc=$?"; stty -a' "$KASAN")
if printf '%s' "$res" | grep -q 'rc=1' && printf '%s' "$res" | grep -qE '(^|[ ;])echo([ ;]|$)'; then
    pass "interrupted: exit 1 and echo back on"
else fail "interrupted: exit 1 and echo back on" "$res"; fi
[ -e "$KEYS/suzuki.pem" ] && fail "nothing written after ^C" "suzuki.pem" ||
    pass "nothing written after ^C"

section "default keys directory"
unset KASAN_KEYS
mkdir -p "$WORK/home"
HOME="$WORK/home" "$KASAN" operator keygen --id suzuki --passphrase-file "$PASS" \
    > "$WORK/o" 2> "$WORK/e"
RC=$?
expect_rc 0 "keygen into ~/.kasan/keys"
LINE_U=$(cat "$WORK/o")
expect_eq "$(mode "$WORK/home/.kasan")" 700 "~/.kasan mode"
expect_eq "$(mode "$WORK/home/.kasan/keys/suzuki.pem")" 600 "~/.kasan/keys/suzuki.pem mode"
# --keys wins over KASAN_KEYS
KASAN_KEYS="$WORK/elsewhere" "$KASAN" operator keygen --id kato --keys "$WORK/given" \
    --passphrase-file "$PASS" > /dev/null 2>&1
[ -f "$WORK/given/kato.pem" ] && [ ! -e "$WORK/elsewhere" ] && pass "--keys over KASAN_KEYS" ||
    fail "--keys over KASAN_KEYS" "$(ls "$WORK")"
export KASAN_KEYS="$KEYS"

section "kasan check on operators files"
R="$WORK/rules"
cp -r "$RULES" "$R"
mkdir -p "$R/operators"
kasan operator keygen --id tanaka2 --passphrase-file "$PASS"
LINE_T2=$OUT_TXT
operators_file() { # FILE VERSION FROM TANAKA_KEY
    cat > "$1" <<EOF
kind: operators
version: "$2"
title: 保育サービス課 操作者
effective_from: $3
basis: 板橋区事務分掌規則
operators:
  - id: tanaka
    name: 田中 花子
    post: 保育サービス課 給付係 主事
    roles: [draft]
    key: $4
    valid_from: 2025-04-01
  - id: sato
    name: 佐藤 一郎
    post: 保育サービス課長
    roles: [approve]
    key: $LINE_S
    valid_from: 2025-04-01
  - id: suzuki
    name: 鈴木 三郎
    post: 会計管理者
    roles: [pay, audit]
    key: $LINE_U
    valid_from: 2025-04-01
EOF
}
operators_file "$R/operators/2025-04.yaml" 2025-04 2025-04-01 "$LINE_T"
# tanaka's key rotated from October: a new version
operators_file "$R/operators/2025-10.yaml" 2025-10 2025-10-01 "$LINE_T2"
kasan check --rules "$R"
expect_rc 0 "check with two operators versions (a rotation)"
expect_eq "$OUT_TXT$ERR_TXT" "" "check is silent when clean"
kasan check --rules "$R" --verbose
expect_msg_contains "2 operators versions"

# sato's key given to tanaka in October: refused where it is written
operators_file "$R/operators/2025-10.yaml" 2025-10 2025-10-01 "$LINE_S"
kasan check --rules "$R"
expect_rc 2 "one key for two operators"
expect_err_names "operators/2025-10.yaml" 17 ":17:10:"
expect_msg_contains "the key of operator 'sato' is also the key of operator 'tanaka' (line 11)"
operators_file "$R/operators/2025-10.yaml" 2025-10 2025-10-01 "$LINE_T2"

section "archived with a finalized run"
OUT=$(new_out out)
KASAN_NOW=2025-05-10T09:30:00Z "$KASAN" run --month 2025-04 --finalize \
    --operator tanaka --passphrase-file "$PASS" \
    --data "$SRCDIR/fixtures/sample-ward" --rules "$R" --out "$OUT" --no-workbooks --quiet \
    > "$WORK/o" 2> "$WORK/e"
RC=$?
ERR_TXT=$(cat "$WORK/e")
expect_rc 0 "finalize 2025-04 with the operators files in the rules"
if command -v sqlite3 >/dev/null; then
    names=$(sqlite3 "$OUT/ledger.sqlite" "SELECT name FROM run_files WHERE role = 'rules' ORDER BY name")
    for f in operators/2025-04.yaml operators/2025-10.yaml; do
        if printf '%s\n' "$names" | grep -qx "$f"; then pass "$f archived with the run"
        else fail "$f archived with the run" "$names"; fi
    done
fi
kasan replay --month 2025-04 --data "$SRCDIR/fixtures/sample-ward" --rules "$R" --out "$OUT"
expect_rc 0 "replay from the archived rules (operators files included)"

finish
