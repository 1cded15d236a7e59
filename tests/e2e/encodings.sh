#!/bin/sh
# Input encodings and CSV syntax (SPEC 2): UTF-8, UTF-8 with BOM and
# CP932 (Shift_JIS as Excel writes it) with CRLF, detected automatically, give
# byte-identical outputs; RFC 4180 quoting; columns by name in any order,
# extra columns ignored.  Month 2025-10 (31 days, version 2025-10).
. "$(dirname "$0")/lib.sh"

U=$(new_data utf8)
# names with CP932-only characters: 髙 (IBM extension), ① (NEC special),
# ～ (U+FF5E, CP932 0x8160); holders in half-width and full-width katakana
registry "$U" <<'CSV'
E001,ひかり保育園,private_licensed,株式会社ひかり,2000-04-01,,みずほ銀行,板橋支店,ordinary,1234567,ｶﾌﾞｼｷｶﾞｲｼｬ ﾋｶﾘ
E002,髙島平すみれ保育園①,private_licensed,社会福祉法人すみれ会,2010-04-01,,三菱UFJ銀行,高島平支店,current,7654321,シャカイフクシホウジン　スミレカイ
E003,なかよし園～分室,private_licensed,ＮＰＯ法人なかよし,2000-04-01,2025-10-15,巣鴨信用金庫,志村支店,ordinary,0000123,ﾄｸﾃｲﾋｴｲﾘｶﾂﾄﾞｳﾎｳｼﾞﾝ ﾅｶﾖｼ
W001,区立あやめ保育園,ward_run,板橋区,1972-04-01,,みずほ銀行,板橋支店,ordinary,0000001,ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼｬ
CSV
children "$U" 2025-10 <<'CSV'
E001,C01,suction,2025-04-01,
E001,C02,tracheostomy,2025-04-01,
E001,C03,oxygen,2025-10-11,
E002,C04,ventilator,2025-04-01,2025-10-20
E003,C05,insulin,2025-04-01,
W001,C06,suction,2025-04-01,
X001,C07,suction,2025-04-01,
E002,C08,,2025-04-01,
CSV
nurses "$U" 2025-10 <<'CSV'
E001,S01,nurse,full_time,,450000,20000
E002,S02,midwife,part_time,30.5,100000,
W001,S03,nurse,full_time,,400000,
CSV

# to_bom SRC DST — every CSV with a UTF-8 BOM
to_bom() {
    (cd "$1" && find . -name '*.csv') | while read -r f; do
        mkdir -p "$(dirname "$2/$f")"
        { printf '\357\273\277'; cat "$1/$f"; } > "$2/$f"
    done
}
# to_cp932_crlf SRC DST — every CSV in CP932 with CRLF line ends
to_cp932_crlf() {
    (cd "$1" && find . -name '*.csv') | while read -r f; do
        mkdir -p "$(dirname "$2/$f")"
        iconv -f UTF-8 -t CP932 "$1/$f" | sed 's/$/\r/' > "$2/$f"
    done
}
B=$(new_data bom)
to_bom "$U" "$B"
S=$(new_data cp932)
to_cp932_crlf "$U" "$S"
# make sure the conversions did what we think
if [ "$(head -c 3 "$B/nurseries.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]; then pass "BOM variant starts with EF BB BF"
else fail "BOM variant starts with EF BB BF" "$(head -c 3 "$B/nurseries.csv" | od -An -tx1)"; fi
if ! iconv -f UTF-8 -t UTF-8 "$S/nurseries.csv" >/dev/null 2>&1 && grep -q "$(printf '\r')\$" "$S/claims/2025-10/children.csv"
then pass "CP932 variant is not valid UTF-8 and has CRLF"
else fail "CP932 variant is not valid UTF-8 and has CRLF" "conversion failed"; fi

section "UTF-8 (reference): amounts by hand"
OU=$(new_out out-utf8)
run_month "$U" 2025-10 "$OU"
expect_rc 0 "UTF-8 run"
# E001: 3 children: 55,000 + 90,000 (tracheostomy) + 55,000 × 21 / 31 (10-11..10-31;
#   = 37,258.06 → 37,258) + 30,000 addition = 212,258
expect_payment "$OU" 2025-10 E001 acceptance_addon 212258 2025-10
# E001 B: cap 880,000 (3 children); 基準額 440,000; 実支出額 450,000;
#   差引額 450,000 − 20,000 = 430,000 → 430,000
expect_payment "$OU" 2025-10 E001 nurse_placement 430000 2025-04
# E002: C04 high to 10-20: 90,000 × 20 / 31 = 58,064.52 → 58,064 (C08 no care type)
expect_payment "$OU" 2025-10 E002 acceptance_addon 58064 2025-10
# E002 B: 30.5 h × 2,300 = 70,150 < 100,000 → 70,000
expect_payment "$OU" 2025-10 E002 nurse_placement 70000 2025-04
# E003 closes 10-15: 55,000 × 15 / 31 = 26,612.90 → 26,612
expect_payment "$OU" 2025-10 E003 acceptance_addon 26612 2025-10
expect_rejection "$OU" 2025-10 children 7 ward_run W001 C06
expect_rejection "$OU" 2025-10 children 8 unknown_nursery X001 C07
expect_rejection "$OU" 2025-10 children 9 no_care_type E002 C08
expect_rejection "$OU" 2025-10 nurses 4 ward_run W001 S03
expect_rejection_count "$OU" 2025-10 4

section "UTF-8 with BOM and CP932 + CRLF give byte-identical outputs"
OB=$(new_out out-bom)
run_month "$B" 2025-10 "$OB"
expect_rc 0 "UTF-8 BOM run"
OS=$(new_out out-cp932)
run_month "$S" 2025-10 "$OS"
expect_rc 0 "CP932 CRLF run"
expect_same_file "$OU/2025-10/payments.csv" "$OB/2025-10/payments.csv" "payments.csv UTF-8 = UTF-8 BOM"
expect_same_file "$OU/2025-10/rejections.csv" "$OB/2025-10/rejections.csv" "rejections.csv UTF-8 = UTF-8 BOM"
expect_same_file "$OU/2025-10/payments.csv" "$OS/2025-10/payments.csv" "payments.csv UTF-8 = CP932 CRLF"
expect_same_file "$OU/2025-10/rejections.csv" "$OS/2025-10/rejections.csv" "rejections.csv UTF-8 = CP932 CRLF"
expect_plain_csv "$OS/2025-10/payments.csv"
expect_plain_csv "$OS/2025-10/rejections.csv"

section "other mixes: CP932 + LF, BOM + CRLF, no newline at the end of the files"
# variant NAME FILTER — every CSV of the UTF-8 set passed through FILTER
variant() {
    _vd=$(new_data "$1")
    (cd "$U" && find . -name '*.csv') | while read -r f; do
        mkdir -p "$(dirname "$_vd/$f")"
        sh -c "$2" < "$U/$f" > "$_vd/$f"
    done
    _vo=$(new_out "out-$1")
    run_month "$_vd" 2025-10 "$_vo"
    expect_rc 0 "$1 run"
    expect_same_file "$OU/2025-10/payments.csv" "$_vo/2025-10/payments.csv" "payments.csv UTF-8 = $1"
    expect_same_file "$OU/2025-10/rejections.csv" "$_vo/2025-10/rejections.csv" "rejections.csv UTF-8 = $1"
}
variant cp932-lf "iconv -f UTF-8 -t CP932"
variant bom-crlf "printf '\357\273\277'; sed 's/\$/\r/'"
variant utf8-no-final-newline "head -c -1"
variant cp932-crlf-no-final-newline "iconv -f UTF-8 -t CP932 | sed 's/\$/\r/' | head -c -2"

section "names decoded the same (explain)"
for n in E001 E002 E003; do
    kasan explain --month 2025-10 --nursery $n --data "$U" --rules "$RULES"
    printf '%s\n' "$OUT_TXT" > "$WORK/explain-$n-utf8.txt"
    kasan explain --month 2025-10 --nursery $n --data "$B" --rules "$RULES"
    printf '%s\n' "$OUT_TXT" > "$WORK/explain-$n-bom.txt"
    kasan explain --month 2025-10 --nursery $n --data "$S" --rules "$RULES"
    printf '%s\n' "$OUT_TXT" > "$WORK/explain-$n-cp932.txt"
    expect_same_file "$WORK/explain-$n-utf8.txt" "$WORK/explain-$n-bom.txt" "explain $n UTF-8 = BOM"
    expect_same_file "$WORK/explain-$n-utf8.txt" "$WORK/explain-$n-cp932.txt" "explain $n UTF-8 = CP932"
done
if grep -qF '髙島平すみれ保育園①' "$WORK/explain-E002-cp932.txt"; then pass "CP932 name 髙島平すみれ保育園① decoded"
else fail "CP932 name 髙島平すみれ保育園① decoded" "$(head -n 1 "$WORK/explain-E002-cp932.txt")"; fi
if grep -qF 'なかよし園～分室' "$WORK/explain-E003-cp932.txt"; then pass "CP932 ～ decoded as U+FF5E"
else fail "CP932 ～ decoded as U+FF5E" "$(head -n 1 "$WORK/explain-E003-cp932.txt")"; fi

section "workbooks from CP932 input"
OW=$(new_out out-wb)
kasan run --month 2025-10 --data "$S" --rules "$RULES" --out "$OW" --quiet
expect_rc 0 "CP932 run with workbooks"
if [ -s "$OW/2025-10/payments.xlsx" ] && [ -s "$OW/2025-10/statements/E002.xlsx" ]; then pass "payments.xlsx and statements/E002.xlsx written"
else fail "payments.xlsx and statements/E002.xlsx written" "$(ls -R "$OW" 2>&1 | tr '\n' ' ')"; fi
# the 振込先 holders (half- and full-width katakana) reach the 支払一覧 sheet intact
if ! command -v unzip >/dev/null 2>&1; then
    skip "holders in payments.xlsx" "unzip not installed (Debian unzip)"
else
    unzip -p "$OW/2025-10/payments.xlsx" 'xl/worksheets/*.xml' 'xl/sharedStrings.xml' > "$WORK/sheets.xml" 2>/dev/null
    for h in 'ｶﾌﾞｼｷｶﾞｲｼｬ ﾋｶﾘ' 'シャカイフクシホウジン　スミレカイ' '髙島平すみれ保育園①'; do
        if grep -qF "$h" "$WORK/sheets.xml"; then pass "payments.xlsx contains $h"
        else fail "payments.xlsx contains $h" "not found"; fi
    done
fi

section "RFC 4180 quoting: comma, quote and newline inside a quoted name"
Q=$(new_data quoted)
raw_file "$Q/nurseries.csv" <<'CSV'
nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,account_number,account_holder
E001,"ひかり保育園, ""本園""
分園",private_licensed,"株式会社ひかり, 本社",2000-04-01,,みずほ銀行,板橋支店,ordinary,1234567,"ｶﾌﾞｼｷｶﾞｲｼｬ ﾋｶﾘ"
E002,髙島平すみれ保育園①,private_licensed,社会福祉法人すみれ会,2010-04-01,,三菱UFJ銀行,高島平支店,current,7654321,シャカイフクシホウジン　スミレカイ
E003,なかよし園～分室,private_licensed,ＮＰＯ法人なかよし,2000-04-01,2025-10-15,巣鴨信用金庫,志村支店,ordinary,0000123,ﾄｸﾃｲﾋｴｲﾘｶﾂﾄﾞｳﾎｳｼﾞﾝ ﾅｶﾖｼ
W001,区立あやめ保育園,ward_run,板橋区,1972-04-01,,みずほ銀行,板橋支店,ordinary,0000001,ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼｬ
CSV
# quoted fields in the claims too ("" is an empty field, not a care type)
raw_file "$Q/claims/2025-10/children.csv" <<'CSV'
nursery_id,child_ref,care_types,enrolled_from,enrolled_to
"E001","C01","suction",2025-04-01,""
E001,C02,"tracheostomy",2025-04-01,
E001,C03,oxygen,"2025-10-11",
E002,C04,ventilator,2025-04-01,2025-10-20
E003,C05,insulin,2025-04-01,
W001,C06,suction,2025-04-01,
X001,C07,suction,2025-04-01,
E002,C08,"",2025-04-01,
CSV
cp "$U/claims/2025-10/nurses.csv" "$Q/claims/2025-10/nurses.csv"
OQ=$(new_out out-quoted)
run_month "$Q" 2025-10 "$OQ"
expect_rc 0 "quoted run"
# same claims as the UTF-8 reference: the registry's embedded newline must not
# lose E002/E003/W001, so the outputs are identical
expect_same_file "$OU/2025-10/payments.csv" "$OQ/2025-10/payments.csv" "payments.csv with quoted fields"
expect_same_file "$OU/2025-10/rejections.csv" "$OQ/2025-10/rejections.csv" "rejections.csv with quoted fields"
kasan explain --month 2025-10 --nursery E001 --data "$Q" --rules "$RULES"
expect_rc 0 "explain E001 (quoted name)"
expect_msg_contains 'ひかり保育園, "本園"' "explain E001"

section "columns in another order, extra columns ignored"
R=$(new_data reordered)
raw_file "$R/nurseries.csv" <<'CSV'
備考,account_holder,account_number,account_type,bank_branch,bank_name,active_to,active_from,operator,kind,name,nursery_id
メモ,ｶﾌﾞｼｷｶﾞｲｼｬ ﾋｶﾘ,1234567,ordinary,板橋支店,みずほ銀行,,2000-04-01,株式会社ひかり,private_licensed,ひかり保育園,E001
,シャカイフクシホウジン　スミレカイ,7654321,current,高島平支店,三菱UFJ銀行,,2010-04-01,社会福祉法人すみれ会,private_licensed,髙島平すみれ保育園①,E002
x,ﾄｸﾃｲﾋｴｲﾘｶﾂﾄﾞｳﾎｳｼﾞﾝ ﾅｶﾖｼ,0000123,ordinary,志村支店,巣鴨信用金庫,2025-10-15,2000-04-01,ＮＰＯ法人なかよし,private_licensed,なかよし園～分室,E003
,ｲﾀﾊﾞｼｸ ｶｲｹｲｶﾝﾘｼｬ,0000001,ordinary,板橋支店,みずほ銀行,,1972-04-01,板橋区,ward_run,区立あやめ保育園,W001
CSV
raw_file "$R/claims/2025-10/children.csv" <<'CSV'
enrolled_to,care_types,child_ref,memo,nursery_id,enrolled_from
,suction,C01,a,E001,2025-04-01
,tracheostomy,C02,,E001,2025-04-01
,oxygen,C03,"x, y",E001,2025-10-11
2025-10-20,ventilator,C04,,E002,2025-04-01
,insulin,C05,,E003,2025-04-01
,suction,C06,,W001,2025-04-01
,suction,C07,,X001,2025-04-01
,,C08,,E002,2025-04-01
CSV
raw_file "$R/claims/2025-10/nurses.csv" <<'CSV'
other_income,salary_cost,hours,employment,qualification,staff_ref,nursery_id,extra
20000,450000,,full_time,nurse,S01,E001,zzz
,100000,30.5,part_time,midwife,S02,E002,
,400000,,full_time,nurse,S03,W001,
CSV
OR=$(new_out out-reordered)
run_month "$R" 2025-10 "$OR"
expect_rc 0 "reordered run"
expect_same_file "$OU/2025-10/payments.csv" "$OR/2025-10/payments.csv" "payments.csv with reordered columns"
expect_same_file "$OU/2025-10/rejections.csv" "$OR/2025-10/rejections.csv" "rejections.csv with reordered columns"

finish
