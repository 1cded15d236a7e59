#!/bin/sh
# transfer_file.sh — the pieces of the Zengin transfer file (SPEC 7) that exist
# before `kasan transfer`: the payer rule file (checked, counted, archived with a
# finalized month), and a file written by zengin_sample (the writer through a
# thin layer) read back field by field by the independent zengin_read.py.
# Expected fields are worked out by hand from SPEC 7 and the sample's inputs.
# Env: KASAN, SRCDIR, ZENGIN_SAMPLE (the tests/e2e/zengin_sample binary).
. "$(dirname "$0")/lib.sh"
: "${ZENGIN_SAMPLE:?ZENGIN_SAMPLE must name the zengin_sample binary}"
READ="python3 $SRCDIR/tests/e2e/zengin_read.py"

section "the payer file is a rule file"
kasan check --rules "$RULES" --verbose
expect_rc 0 "check --verbose"
expect_msg_contains "1 payer, 1 issuer, 1 calendar: OK" "check --verbose"
D=$(new_data data)
cp "$SRCDIR/fixtures/sample-ward/nurseries.csv" "$D/"
mkdir -p "$D/claims" && cp -R "$SRCDIR/fixtures/sample-ward/claims/2025-04" "$D/claims/"
O=$(new_out out)
kasan run --month 2025-04 --finalize --data "$D" --rules "$RULES" --out "$O" --no-workbooks \
    --quiet --actor e2e
expect_rc 0 "finalize 2025-04"
got=$(sqlite3 "$O/ledger.sqlite" "SELECT name FROM run_files WHERE role = 'rules' AND name LIKE 'payer/%'")
expect_eq "$got" "payer/2025-04.yaml" "payer file archived with the finalized month"

section "a transfer file read back field by field"
F="$WORK/transfer.txt"
"$ZENGIN_SAMPLE" "$RULES" "$F" > "$WORK/sample.out" 2>&1
expect_eq "$?" "0" "zengin_sample exit"
# 196,290 + 230,000 + 85,000 = 511,290
expect_eq "$(cat "$WORK/sample.out")" "3 transfers, 511290 yen" "zengin_sample totals"
expect_eq "$(wc -c < "$F" | tr -d ' ')" "732" "6 records × (120 + CRLF) bytes"
$READ "$F" > "$WORK/fields.txt" 2> "$WORK/read.err"
expect_eq "$?" "0" "zengin_read accepts the file"
cat "$WORK/read.err"
# Header: SPEC 7's sample payer; transfer date 2025-05-23 → 0523.
# Data: names converted (ミツイスミトモ → ﾐﾂｲｽﾐﾄﾓ; ユーエフジェイ → ﾕ-ｴﾌｼﾞｴｲ;
# ｼｬ → ｼﾔ; 全角スペース → space; カ） → ｶ); ッ → ﾂ; ズ → ｽﾞ), amounts to 10
# digits, customer code 1 = the nursery_id's digits, current account → 2.
cat > "$WORK/want.txt" <<'TXT'
1.data_type=1
1.type_code=21
1.code_division=0
1.requester_code=0000012345
1.requester_name=ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼﾔ
1.transfer_date=0523
1.bank_code=0001
1.bank_name=ﾐｽﾞﾎ
1.branch_code=234
1.branch_name=ｲﾀﾊﾞｼ
1.account_type=1
1.account_number=1234567
2.data_type=2
2.bank_code=0009
2.bank_name=ﾐﾂｲｽﾐﾄﾓ
2.branch_code=123
2.branch_name=ｵｵﾔﾏ
2.clearing_house=0000
2.account_type=1
2.account_number=1466542
2.holder=ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ ｱｵﾊﾞｶｲ
2.amount=0000196290
2.new_code=0
2.customer_code1=0000000001
2.customer_code2=0000000000
2.transfer_kind=7
2.edi_flag=
3.data_type=2
3.bank_code=0005
3.bank_name=ﾐﾂﾋﾞｼﾕ-ｴﾌｼﾞｴｲ
3.branch_code=456
3.branch_name=ｲﾀﾊﾞｼ
3.clearing_house=0000
3.account_type=1
3.account_number=1762890
3.holder=ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ ｺｳﾒｲｶｲ
3.amount=0000230000
3.new_code=0
3.customer_code1=0000000002
3.customer_code2=0000000000
3.transfer_kind=7
3.edi_flag=
4.data_type=2
4.bank_code=1356
4.bank_name=ｽｶﾞﾓｼﾝｷﾝ
4.branch_code=045
4.branch_name=ｼﾑﾗ
4.clearing_house=0000
4.account_type=2
4.account_number=6475811
4.holder=ｶ)ｽｸｽｸｷﾂｽﾞ
4.amount=0000085000
4.new_code=0
4.customer_code1=0000000004
4.customer_code2=0000000000
4.transfer_kind=7
4.edi_flag=
5.data_type=8
5.count=000003
5.total=000000511290
6.data_type=9
TXT
expect_same_file "$WORK/fields.txt" "$WORK/want.txt" "every field of every record"

section "the reader refuses broken files (so its acceptance means something)"
# corrupt SRC DST PYTHON-EXPR-ON-b — writes a changed copy
corrupt() {
    python3 -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); $3; open(sys.argv[2], 'wb').write(b)" "$1" "$2"
}
refused() { # refused FILE LABEL WANT-IN-MESSAGE
    $READ "$1" > /dev/null 2> "$WORK/read.err"
    _rc=$?
    if [ "$_rc" -eq 1 ] && grep -qF -- "$3" "$WORK/read.err"; then pass "reader refuses $2"
    else fail "reader refuses $2" "exit $_rc: $(cat "$WORK/read.err")"; fi
}
corrupt "$F" "$WORK/sjis.txt" "b[122 + 60] = 0x82"
refused "$WORK/sjis.txt" "a Shift_JIS lead byte" "record 2 byte 61: 0x82 is not JIS X 0201"
corrupt "$F" "$WORK/total.txt" "b[4 * 122 + 18] = ord('1')"
refused "$WORK/total.txt" "a trailer total off by one" "trailer total 000000511291 but the data records sum to 511290"
corrupt "$F" "$WORK/short.txt" "del b[122 + 5]"
refused "$WORK/short.txt" "a 119-byte record" "record 2: 119 bytes, not 120"
corrupt "$F" "$WORK/lf.txt" "b[:] = b.replace(b'\\r\\n', b'\\n')"
refused "$WORK/lf.txt" "LF line ends" "the file does not end with CRLF"
corrupt "$F" "$WORK/notrailer.txt" "del b[4 * 122:5 * 122]"
refused "$WORK/notrailer.txt" "a missing trailer" "record order '12229'"

finish
