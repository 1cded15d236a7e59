#!/bin/sh
# A fourth program written only in YAML (issue 2, issue 15; rules/README.md
# §12): the training subsidy 研修受講補助 of
# tests/programs/training_subsidy/training_subsidy/2026-01.yaml, reading two
# staff columns that the terms of 2026-01 declare (SPEC 8.1):
# training (code: basic 基礎研修 / advanced 実践研修) and training_cost (yen).
# Per trainee 30,000 yen (basic) or 50,000 yen (advanced), at most the
# training cost actually spent, 千円未満切り捨て.  Copied beside the shipped
# rules; nothing in kasan changes.
. "$(dirname "$0")/lib.sh"

R="$WORK/rules"
cp -R "$SRCDIR/rules" "$R"
cp -R "$SRCDIR/tests/programs/training_subsidy/training_subsidy" "$R/"
cp "$SRCDIR/tests/programs/training_subsidy/terms/2026-01.yaml" "$R/terms/"

section "kasan check accepts the new program and terms"
kasan check --rules "$R"
expect_rc 0 "check rules + training_subsidy"
expect_eq "$ERR_TXT$OUT_TXT" "" "check output (silent when clean)"
kasan check --rules "$R" --verbose
expect_msg_contains "4 program versions, 2 terms" "check --verbose"

D=$(new_data data)
registry "$D" <<'CSV'
P001,一保育園,private_licensed,法人一,2000-04-01,,銀行,本店,ordinary,2000001,ｲﾁ
P002,二保育園,private_licensed,法人二,2000-04-01,,銀行,本店,ordinary,2000002,ﾆ
P003,三保育園,private_licensed,法人三,2000-04-01,,銀行,本店,ordinary,2000003,ｻﾝ
P004,四保育園,private_licensed,法人四,2000-04-01,,銀行,本店,ordinary,2000004,ﾖﾝ
P005,五保育園,private_licensed,法人五,2000-04-01,,銀行,本店,ordinary,2000005,ｺﾞ
P006,六保育園,private_licensed,法人六,2000-04-01,,銀行,本店,ordinary,2000006,ﾛｸ
CSV
# the declared columns come first in the header: columns are read by name
STAFF='training,training_cost,nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income'
for m in 2025-12 2026-01; do
    children "$D" $m <<'CSV'
P001,C010,suction,2025-04-01,
P002,C020,suction,2025-04-01,
P003,C030,suction,2025-04-01,
P004,C040,suction,2025-04-01,
P005,C050,suction,2025-04-01,
P006,C060,suction,2025-04-01,
CSV
    raw_file "$D/claims/$m/nurses.csv" <<CSV
$STAFF
basic,45000,P001,S011,nurse,full_time,,383000,
advanced,20000,P001,S012,assistant_nurse,part_time,80,150000,
basic,25500,P002,S021,nurse,full_time,,25500,
basic,12000,P003,S031,midwife,part_time,10,10000,
,5000,P003,S032,public_health_nurse,part_time,10,9999,
advanced,60000,P004,S041,childcare_worker,full_time,,300000,
,,P006,S061,nurse,full_time,,300000,
CSV
done

section "2026-01: the program is in force"
O=$(new_out out)
kasan run --month 2026-01 --data "$D" --rules "$R" --out "$O" --no-workbooks --quiet
expect_rc 0 "run 2026-01"
# P001: units basic 30,000 + advanced 50,000 = 80,000 (基準額);
#   training cost 45,000 + 20,000 = 65,000; min = 65,000 → 65,000
expect_payment "$O" 2026-01 P001 training_subsidy 65000 2026-01
# P002: basic 30,000; cost 25,500 → min 25,500 → 千円未満切り捨て 25,000
expect_payment "$O" 2026-01 P002 training_subsidy 25000 2026-01
# P003: S031 basic 30,000, cost 12,000; S032 attended nothing: unit 0, and
#   its training_cost 5,000 is not counted (staff where training != "")
#   → min(30,000, 12,000) = 12,000
expect_payment "$O" 2026-01 P003 training_subsidy 12000 2026-01
# P004: childcare_worker (ineligible_qualification, line 7) → no row
expect_payment "$O" 2026-01 P004 training_subsidy 0
expect_rejection "$O" 2026-01 nurses 7 ineligible_qualification P004 S041
# P005: no staff lines; P006: a nurse with no training (empty cells: code
#   "" and the default 0 yen) → 0 yen → no row
expect_payment "$O" 2026-01 P005 training_subsidy 0
expect_payment "$O" 2026-01 P006 training_subsidy 0
# the shipped programs still pay as before: P002 standard child 55,000 (version 2025-10)
expect_payment "$O" 2026-01 P002 acceptance_addon 55000 2025-10
expect_eq "$(program_total "$O" 2026-01 training_subsidy)" 102000 "2026-01 training_subsidy total (65,000 + 25,000 + 12,000)"

section "2025-12: terms 2025-04 in force, the columns are unknown and ignored"
kasan run --month 2025-12 --data "$D" --rules "$R" --out "$O" --no-workbooks --quiet
expect_rc 0 "run 2025-12"
expect_eq "$(program_total "$O" 2025-12 training_subsidy)" 0 "2025-12 training_subsidy total"
O2=$(new_out shipped)
run_month "$D" 2025-12 "$O2"
expect_same_file "$O/2025-12/payments.csv" "$O2/2025-12/payments.csv" "2025-12 same as with the shipped rules alone"
# a malformed value in a column not declared in December is not read at all
sed 's/^basic,12000,/basic,12.000,/' "$D/claims/2025-12/nurses.csv" > "$WORK/n" && mv "$WORK/n" "$D/claims/2025-12/nurses.csv"
kasan run --month 2025-12 --data "$D" --rules "$R" --out "$(new_out dec)" --no-workbooks --quiet
expect_rc 0 "2025-12 with 12.000 in the undeclared training_cost"

section "explain shows the declared columns and the new program's values"
kasan explain --month 2026-01 --nursery P003 --data "$D" --rules "$R"
expect_rc 0 "explain 2026-01 P003"
expect_msg_contains "研修受講補助" "explain P003"
expect_msg_contains "training 受講した研修 = 基礎研修" "explain P003 (declared code, by its name)"
expect_msg_contains "training_cost 研修受講費 = 12,000" "explain P003 (declared yen)"
expect_msg_contains "training = basic" "explain P003 (what the formula read)"
expect_msg_contains "actual_cost 研修受講費（実支出額） = 12,000 yen" "explain P003 (actual cost)"

section "payments.xlsx 明細 and the statement carry the columns under their labels"
OW=$(new_out wb)
kasan run --month 2026-01 --data "$D" --rules "$R" --out "$OW" --quiet
expect_rc 0 "run 2026-01 with workbooks"
strings_of() { unzip -p "$1" 'xl/worksheets/*.xml' 'xl/sharedStrings.xml' 2>/dev/null; }
for label in 受講した研修 研修受講費 実践研修; do
    case "$(strings_of "$OW/2026-01/payments.xlsx")" in
    *"$label"*) pass "明細 has $label" ;;
    *) fail "明細 has $label" "not in payments.xlsx" ;;
    esac
done
for text in 受講した研修 研修受講費 基礎研修 実践研修; do
    case "$(strings_of "$OW/2026-01/statements/P001.xlsx")" in
    *"$text"*) pass "statement P001 has $text" ;;
    *) fail "statement P001 has $text" "not in statements/P001.xlsx" ;;
    esac
done

section "a malformed declared value stops the month, naming file:line:col and the column"
for bad in '12,000:training_cost' '-1:training_cost' 'expert:training'; do
    value=${bad%%:*} col=${bad##*:}
    B=$(new_data "bad-$col-$(printf %s "$value" | tr -c 'a-z0-9' _)")
    cp "$D/nurseries.csv" "$B/" && mkdir -p "$B/claims/2026-01" && cp "$D/claims/2026-01/children.csv" "$B/claims/2026-01/"
    if [ "$col" = training ]; then
        sed "s/^basic,25500,/$value,25500,/" "$D/claims/2026-01/nurses.csv" > "$B/claims/2026-01/nurses.csv"
        at=1
    else
        sed "s/^basic,25500,/basic,\"$value\",/" "$D/claims/2026-01/nurses.csv" > "$B/claims/2026-01/nurses.csv"
        at=2
    fi
    OB=$(new_out "out-$col-$(printf %s "$value" | tr -c 'a-z0-9' _)")
    kasan run --month 2026-01 --data "$B" --rules "$R" --out "$OB" --quiet
    expect_rc 2 "$value in $col"
    # line 4 of nurses.csv (P002's line), column $at of the header
    expect_msg_contains "claims/2026-01/nurses.csv:4:$at: error: column '$col'" "$value in $col: file:line:col"
    expect_nothing_written "$OB"
done
B=$(new_data required)
cp "$D/nurseries.csv" "$B/" && mkdir -p "$B/claims/2026-01" && cp "$D/claims/2026-01/children.csv" "$B/claims/2026-01/"
cp "$D/claims/2026-01/nurses.csv" "$B/claims/2026-01/"
R2="$WORK/rules-required"
cp -R "$R" "$R2"
# make training_cost required: its header column must be there
awk '/training_cost:/{t=1} t && /required: false/{sub("false","true"); t=0} {print}' "$R/terms/2026-01.yaml" > "$R2/terms/2026-01.yaml"
cut -d, -f1,3- "$D/claims/2026-01/nurses.csv" > "$B/claims/2026-01/nurses.csv"
OB=$(new_out out-required)
kasan run --month 2026-01 --data "$B" --rules "$R2" --out "$OB" --quiet
expect_rc 2 "required declared column missing from the header"
expect_msg_contains "missing required column 'training_cost'" "required declared column"
expect_nothing_written "$OB"

section "finalized with the declared columns, then replayed from the ledger"
OL=$(new_out ledger)
kasan run --month 2026-01 --data "$D" --rules "$R" --out "$OL" --no-workbooks --quiet --finalize
expect_rc 0 "finalize 2026-01"
# the claim file is archived: changing it on disk changes nothing for replay
sed 's/^basic,12000,/basic,99000,/' "$D/claims/2026-01/nurses.csv" > "$WORK/n" && mv "$WORK/n" "$D/claims/2026-01/nurses.csv"
kasan replay --month 2026-01 --data "$D" --rules "$R" --out "$OL"
expect_rc 0 "replay 2026-01 (archived inputs and rules, declared columns included)"
expect_eq "$(payment "$OL" 2026-01 P003 training_subsidy)" 12000 "P003 still 12,000 after replay"

section "claim forms carry the declared columns, and intake writes them back"
F=$(new_data forms)
cp "$D/nurseries.csv" "$F/"
mkdir -p "$F/claims/2025-12"
cp "$D/claims/2025-12/children.csv" "$F/claims/2025-12/"
# no staff line to prefill: a prefilled line would lack its salary_cost
head -1 "$D/claims/2025-12/nurses.csv" > "$F/claims/2025-12/nurses.csv"
OF=$(new_out forms-out)
kasan forms --month 2026-01 --data "$F" --rules "$R" --out "$OF"
expect_rc 0 "forms 2026-01"
for text in 受講した研修 研修受講費 基礎研修,実践研修; do
    case "$(strings_of "$OF/2026-01/forms/P001.xlsx")" in
    *"$text"*) pass "form P001 has $text (label or drop-down list)" ;;
    *) fail "form P001 has $text" "not in forms/P001.xlsx" ;;
    esac
done
kasan intake --month 2026-01 --data "$F" --rules "$R" "$OF"/2026-01/forms/*.xlsx
expect_rc 0 "intake of the forms"
expect_line "$F/claims/2026-01/nurses.csv" 1 "nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income,training,training_cost,form"

section "forms prefill last month's declared codes, not its amounts"
# 2026-02's forms start from 2026-01's lines, read with the terms of 2026-01
# that declare training and training_cost: P001's S011 basic and S012
# advanced; P003's S031 basic and S032 no training; P006's S061 no training
# (blank).  training_cost is an amount of the month, like the built-in hours
# and salary, so it starts empty (carried over it could be claimed twice).
OF2=$(new_out forms-feb)
kasan forms --month 2026-02 --data "$D" --rules "$R" --out "$OF2"
expect_rc 0 "forms 2026-02"
/usr/bin/python3 - "$OF2/2026-02/forms" <<'PYEOF' && pass "declared codes prefilled from 2026-01, amounts empty" || fail "declared prefill" "see above"
import sys, openpyxl
def staff(nursery):
    ws = openpyxl.load_workbook("%s/%s.xlsx" % (sys.argv[1], nursery))["職員"]
    head = {ws.cell(4, c).value: c for c in range(1, ws.max_column + 1)}
    return ws, head
def rows(nursery, labels):
    ws, head = staff(nursery)
    missing = [l for l in labels if l not in head]
    assert not missing, (missing, list(head))
    out = []
    for r in range(6, 36):
        v = [ws.cell(r, head[l]).value for l in labels]
        if any(x is not None for x in v):
            out.append(v)
    return out
L = ["受講した研修", "研修受講費"]
assert rows("P001", L) == [["基礎研修", None], ["実践研修", None]], rows("P001", L)
assert rows("P003", L) == [["基礎研修", None]], rows("P003", L)
assert rows("P006", L) == [], rows("P006", L)
PYEOF

finish
