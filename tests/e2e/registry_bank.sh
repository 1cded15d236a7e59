#!/bin/sh
# The registry's 振込先 columns (SPEC 2, issue 11 item 1): required only of the
# kind the terms pay (eligible_nursery_kind), checked where given whatever the
# kind; the optional bank_code, branch_code, bank_name_kana, branch_name_kana
# checked when present.  Bad values: exit 2 naming file:line:col, nothing written.
. "$(dirname "$0")/lib.sh"

HEADER_CODES="$NURSERIES_HEADER,bank_code,branch_code,bank_name_kana,branch_name_kana"

# base_claims DIR MONTH — two children and a nurse at M001, one child at W001
base_claims() {
    children "$1" "$2" <<'CSV'
M001,C01,suction,2025-04-01,
M001,C02,ventilator;suction,2025-04-01,2025-04-20
W001,C09,suction,2025-04-01,
CSV
    nurses "$1" "$2" <<'CSV'
M001,S01,nurse,full_time,,400000,
CSV
}

section "a ward-run nursery without 振込先 computes"
BANKED=$(new_data banked)
_write_csv "$HEADER_CODES" "$BANKED/nurseries.csv" <<'CSV'
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,0001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
W001,区立保育園,ward_run,板橋区,1970-04-01,,みずほ銀行,板橋支店,ordinary,0000001,ｲﾀﾊﾞｼｸ,,,,
CSV
base_claims "$BANKED" 2025-04
EMPTY=$(new_data empty)
_write_csv "$HEADER_CODES" "$EMPTY/nurseries.csv" <<'CSV'
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,0001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
W001,区立保育園,ward_run,板橋区,1970-04-01,,,,,,,,,,
CSV
base_claims "$EMPTY" 2025-04

O1=$(new_out banked-out)
run_month "$BANKED" 2025-04 "$O1"
expect_rc 0 "registry with the ward-run 振込先 given"
O2=$(new_out empty-out)
kasan run --month 2025-04 --data "$EMPTY" --rules "$RULES" --out "$O2" --quiet
expect_rc 0 "registry with the ward-run 振込先 empty (with workbooks)"
# M001 A: 50,000 + 80,000 × 20 / 30 (= 53,333.33 → 53,333) = 103,333
expect_payment "$O2" 2025-04 M001 acceptance_addon 103333 2025-04
# M001 B: min(440,000, 400,000 salary, 400,000 net cost) = 400,000
expect_payment "$O2" 2025-04 M001 nurse_placement 400000 2025-04
expect_payment "$O2" 2025-04 W001 acceptance_addon 0
expect_rejection "$O2" 2025-04 children 4 ward_run W001 C09
expect_same_file "$O1/2025-04/payments.csv" "$O2/2025-04/payments.csv" \
    "same payments with or without the ward-run 振込先"
expect_same_file "$O1/2025-04/rejections.csv" "$O2/2025-04/rejections.csv" \
    "same rejections with or without the ward-run 振込先"

# --fy parses the registry once for the year (before any month's terms)
for m in 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03; do
    base_claims "$EMPTY" "$m"
done
O3=$(new_out fy-out)
kasan run --fy 2025 --data "$EMPTY" --rules "$RULES" --out "$O3" --no-workbooks --quiet
expect_rc 0 "run --fy 2025 with the ward-run 振込先 empty"
expect_same_file "$O1/2025-04/payments.csv" "$O3/2025-04/payments.csv" "--fy April as the month run"

# bad_registry LABEL LINE COL COLUMN — stdin is nurseries.csv (own header);
# the run must stop with exit 2 naming nurseries.csv:LINE:COL and COLUMN.
bad_registry() {
    section "$1"
    _bd=$(new_data bad)
    raw_file "$_bd/nurseries.csv"
    base_claims "$_bd" 2025-04
    _fresh=$(new_out bad-out)
    run_month "$_bd" 2025-04 "$_fresh"
    expect_rc 2 "$1"
    expect_msg_contains "nurseries.csv:$2:$3: error: column '$4'" "$1"
    printf "#   stderr: %s\n" "$(printf "%s" "$ERR_TXT" | head -n 1)"
    expect_nothing_written "$_fresh"
}

bad_registry "private_licensed with account_type empty" 2 9 account_type <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,,,,
W001,区立保育園,ward_run,板橋区,1970-04-01,,,,,,,,,,
CSV

bad_registry "private_licensed with account_holder empty (old header)" 2 11 account_holder <<CSV
$NURSERIES_HEADER
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,
W001,区立保育園,ward_run,板橋区,1970-04-01,,,,,,
CSV

bad_registry "ward_run with a malformed account_type" 3 9 account_type <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,,,,
W001,区立保育園,ward_run,板橋区,1970-04-01,,,,futsu,,,,,,
CSV

bad_registry "bank_code of 3 digits" 2 12 bank_code <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
CSV

bad_registry "branch_code with a letter" 2 13 branch_code <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,0001,28A,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
CSV

bad_registry "bank_name_kana in kanji" 2 14 bank_name_kana <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,0001,289,みずほ銀行,ｲﾀﾊﾞｼ
CSV

bad_registry "branch_name_kana of a ward-run nursery in hiragana" 3 15 branch_name_kana <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,0001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
W001,区立保育園,ward_run,板橋区,1970-04-01,,,,,,,,,,いたばし
CSV

# account_holder as the transfer file converts it (core/kana.c, issue 21 item
# 10): a holder it cannot write stops the run, not `kasan transfer` after the
# month is finalized (which then needed a correction).
bad_registry "account_holder in kanji" 2 11 account_holder <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,社会福祉法人まる,0001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
CSV
expect_msg_contains "character '社' (U+793E) at position 1 has no Zengin (JIS X 0201) form" "kanji holder"
# ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ (12 bytes: ジ is ｼﾞ) + space + ﾏﾙ × 9 (18) = 31 > 30
bad_registry "account_holder one byte too long for 受取人名" 2 11 account_holder <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,シャカイフクシホウジン　マルマルマルマルマルマルマルマルマル,0001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
CSV
expect_msg_contains "is 31 characters in the bank transfer file's half-width kana; its 受取人名 holds 30" "long holder"
bad_registry "ward_run with a kanji account_holder given" 3 11 account_holder <<CSV
$HEADER_CODES
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,ｼｬｶｲﾌｸｼﾎｳｼﾞﾝ ﾏﾙ,,,,
W001,区立保育園,ward_run,板橋区,1970-04-01,,みずほ銀行,板橋支店,ordinary,0000001,板橋区,,,,
CSV

section "holders the transfer file converts"
# hiragana, full-width katakana and letters, lower case, 30 bytes exactly
# (ｼﾔｶｲﾌｸｼﾎｳｼﾞﾝ 12 + space + ﾏﾙ × 8 16 + ｶ 1 = 30)
HOLD=$(new_data holders)
_write_csv "$HEADER_CODES" "$HOLD/nurseries.csv" <<'CSV'
M001,まる保育園,private_licensed,社会福祉法人まる,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000001,しゃかいふくしほうじん　まる,0001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
M002,かく保育園,private_licensed,株式会社かく,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000002,ｶ) Ｋａｋｕ Care,0001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
M003,さん保育園,private_licensed,社会福祉法人さん,2000-04-01,,みずほ銀行,板橋支店,ordinary,5000003,シャカイフクシホウジン　マルマルマルマルマルマルマルマルカ,0001,289,ﾐｽﾞﾎ,ｲﾀﾊﾞｼ
W001,区立保育園,ward_run,板橋区,1970-04-01,,,,,,,,,,
CSV
base_claims "$HOLD" 2025-04
run_month "$HOLD" 2025-04 "$(new_out holders-out)"
expect_rc 0 "holders in hiragana, full-width, lower case, 30 bytes"

section "the paid kind comes from the terms file"
SWAP="$WORK/rules-swapped"
cp -a "$RULES" "$SWAP"
sed -i 's/^eligible_nursery_kind: private_licensed$/eligible_nursery_kind: ward_run/' "$SWAP/terms/2025-04.yaml"
if grep -q '^eligible_nursery_kind: ward_run$' "$SWAP/terms/2025-04.yaml"; then pass "terms edited"
else fail "terms edited" "no eligible_nursery_kind line"; fi
# Under these terms W001 is the paid kind: its empty 振込先 is an error, at
# the first required column (bank_name, column 7).
O4=$(new_out swapped-out)
kasan run --month 2025-04 --data "$EMPTY" --rules "$SWAP" --out "$O4" --no-workbooks --quiet
expect_rc 2 "ward_run paid, W001 without 振込先"
expect_msg_contains "nurseries.csv:3:7: error: column 'bank_name'" "ward_run paid"
expect_nothing_written "$O4"

finish
