#!/usr/bin/env bash
# Workbooks read back (openpyxl): the sample ward's payments.xlsx and every
# statement agree with payments.csv/rejections.csv, hold only their own
# nursery, keep input text as text; a hostile nursery name stays a string;
# 和暦 on the statement.  Rendering to PNG is tests/e2e/render_workbooks.sh.
set -u
KASAN=${KASAN:?} SRCDIR=${SRCDIR:?}
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PY=/usr/bin/python3
export KASAN_ACTOR=tester

# Draft April, finalized April–September then a draft October (budget sheet
# shows finalized months and the draft).
O=$tmp/out
"$KASAN" run --month 2025-04 --out "$O" --rules "$SRCDIR/rules" --data "$SRCDIR/fixtures/sample-ward" \
    --issue-date 2025-05-10 --quiet && ok || bad "draft April"
$PY "$SRCDIR/tests/e2e/check_workbooks.py" "$O/2025-04" && ok || bad "check April draft"
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09; do
    "$KASAN" run --month $m --out "$O" --rules "$SRCDIR/rules" --data "$SRCDIR/fixtures/sample-ward" \
        --finalize --issue-date 2025-05-10 --quiet || bad "finalize $m"
done
"$KASAN" run --month 2025-10 --out "$O" --rules "$SRCDIR/rules" --data "$SRCDIR/fixtures/sample-ward" \
    --issue-date 2025-11-10 --quiet && ok || bad "draft October"
for m in 2025-09 2025-10; do
    $PY "$SRCDIR/tests/e2e/check_workbooks.py" "$O/$m" && ok || bad "check $m"
done

# Statement facts worked out by hand: P011 in October 2025 is paid
# A = 3 children × 55,000 + 30,000 = 195,000 and B = 487,000 (see placement
# of S0001/S0002 in fixtures), total 682,000; dates in 和暦.
$PY - "$O/2025-10/statements/P011.xlsx" <<'PYEOF' && ok || bad "P011 October statement"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
cells = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
text = [v for v in cells if isinstance(v, str)]
assert any("令和7年10月分" in t for t in text), "month in 和暦"
assert any("令和7年11月10日" in t for t in text), "issue date in 和暦"
assert 682000 in cells and 195000 in cells and 487000 in cells, "amounts"
assert any("板橋区 子ども家庭部 保育サービス課" in t for t in text), "issuer"
assert not any(t.startswith("P0") and t != "P011" and len(t) == 4 for t in text), "other nursery"
PYEOF

# A nursery whose name and refs look like formulas stays text.
D=$tmp/data
mkdir -p "$D/claims/2025-04"
cat >"$D/nurseries.csv" <<'CSV'
nursery_id,name,kind,operator,active_from,active_to,bank_name,bank_branch,account_type,account_number,account_holder
P001,"=cmd|' /C calc'!A0",private_licensed,+SUM(A1),2010-04-01,,@bank,-branch,ordinary,0123456,ｶﾌﾞｼｷｶﾞｲｼｬ
CSV
cat >"$D/claims/2025-04/children.csv" <<'CSV'
nursery_id,child_ref,care_types,enrolled_from,enrolled_to
P001,=C1,suction,2025-04-01,
CSV
printf 'nursery_id,staff_ref,qualification,employment,hours,salary_cost,other_income\n' >"$D/claims/2025-04/nurses.csv"
"$KASAN" run --month 2025-04 --out "$tmp/o2" --rules "$SRCDIR/rules" --data "$D" --quiet && ok || bad "hostile run"
$PY - "$tmp/o2/2025-04" <<'PYEOF' && ok || bad "formula-looking input stays text"
import sys, openpyxl
for f in ["payments.xlsx", "statements/P001.xlsx"]:
    wb = openpyxl.load_workbook(sys.argv[1] + "/" + f)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (f, ws.title, c.coordinate, c.value)
wb = openpyxl.load_workbook(sys.argv[1] + "/payments.xlsx")
vals = [c.value for row in wb["支払一覧"].iter_rows() for c in row]
assert "=cmd|' /C calc'!A0" in vals and "+SUM(A1)" in vals, vals[:20]
# 50,000 × 30 / 30 = 50,000 for the one standard child
assert 50000 in vals
PYEOF
$PY "$SRCDIR/tests/e2e/check_workbooks.py" "$tmp/o2/2025-04" && ok || bad "check hostile month"

# 和暦 at the change of era: the issue date printed on the statement.
# 2019-04-30 is the last day of 平成 (平成31年), 2019-05-01 the first of 令和,
# written 令和元年 (not 令和1年); 2019-12-31 is still 元年, 2020-01-01 令和2年.
for pair in "2019-04-30 平成31年4月30日" "2019-05-01 令和元年5月1日" \
            "2019-12-31 令和元年12月31日" "2020-01-01 令和2年1月1日"; do
    iso=${pair% *} want=${pair#* }
    rm -rf "$tmp/o3"
    "$KASAN" run --month 2025-04 --out "$tmp/o3" --rules "$SRCDIR/rules" --data "$D" \
        --issue-date "$iso" --quiet || bad "run with issue date $iso"
    $PY - "$tmp/o3/2025-04/statements/P001.xlsx" "$want" <<'PYEOF' && ok || bad "issue date $iso is $want"
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1]).worksheets[0]
text = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
assert any(sys.argv[2] in t for t in text), [t for t in text if "年" in t]
assert not any("令和1年" in t for t in text), "令和1年 must be 令和元年"
PYEOF
done

echo "workbooks: $pass passed, $fail failed"
[ $fail = 0 ]
