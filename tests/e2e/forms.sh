#!/usr/bin/env bash
# Claim forms (SPEC 8.2): `kasan forms` for 2025-05 of the sample ward, filled
# with openpyxl from the sample's own 2025-05 CSVs, `kasan intake` into a copy
# of the data, and `kasan run` gives the same payments.csv as the CSV path;
# the same after a LibreOffice re-save (identical claim files); --replace;
# each refusal naming FORM.xlsx:SHEET!CELL with nothing written; hostile
# files (50 MB, zip bomb, 1,048,576 rows, deep XML, XXE) refused quickly.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
SAMPLE="$SRCDIR/fixtures/sample-ward"
M=2025-05

# data_copy NAME — the sample ward without the month's claim files
data_copy() {
    rm -rf "$WORK/$1"
    cp -r "$SAMPLE" "$WORK/$1"
    rm -rf "$WORK/$1/claims/$M"
    printf '%s\n' "$WORK/$1"
}

section "forms for $M"
kasan forms --month $M --data "$SAMPLE" --rules "$RULES" --out "$WORK/out"
expect_rc 0 "kasan forms"
FORMS="$WORK/out/$M/forms"
# private_licensed nurseries active on a day of May 2025, counted from the registry
want=$($PY -c "
import csv,sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1], encoding='utf-8-sig'))
          if r['kind'] == 'private_licensed' and r['active_from'] <= '2025-05-31'
          and (r['active_to'] == '' or r['active_to'] >= '2025-05-01')))" "$SAMPLE/nurseries.csv")
expect_eq "$(ls "$FORMS" | grep -c '\.xlsx$')" "$want" "forms written"
[ ! -e "$FORMS/W001.xlsx" ] && pass "no form for a ward-run nursery" || fail "ward-run" "W001.xlsx written"
expect_eq "$(ls -A "$WORK/out/$M" | tr '\n' ' ')" "forms " "only forms/ under OUT/$M (staging removed)"

# P011 in April: C0008, C0009, C0010 all still enrolled (enrolled_to empty), so
# all three are prefilled; its staff S0001-S0003 with their April codes.
$PY - "$FORMS/P011.xlsx" <<'PYEOF' && pass "P011 prefilled, locked, validated, A4 landscape" || fail "P011 form" "see above"
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames == ["記入方法", "児童", "職員", "選択肢"], wb.sheetnames
assert wb["選択肢"].sheet_state == "hidden"
c, s = wb["児童"], wb["職員"]
assert (c["B2"].value, c["D2"].value, c["F2"].value) == ("P011", "2025-05", "中台わかば保育園"), c["B2"].value
assert [c.cell(r, 1).value for r in range(6, 10)] == ["C0008", "C0009", "C0010", None]
assert c["D6"].value == "○" and c["B7"].value == "○" and c["B8"].value == "○" and c["C8"].value == "○"
assert [s.cell(r, 2).value for r in range(6, 9)] == ["看護師", "准看護師", "保育士"]
assert s["E6"].value is None  # amounts are the month's own
assert c.protection.sheet and s.protection.sheet
assert c["B2"].protection.locked and not c["A6"].protection.locked
lists = {str(d.sqref): d.formula1 for d in s.data_validations.dataValidation if d.type == "list"}
assert lists.get("B6:B35") == '"看護師,准看護師,保健師,助産師,保育士,その他"', lists
assert lists.get("C6:C35") == '"常勤,非常勤"', lists
types = {str(d.sqref): d.type for d in c.data_validations.dataValidation}
assert types.get("J6:J35") == "date" and types.get("B6:B35") == "list", types
assert {str(d.sqref): d.type for d in s.data_validations.dataValidation}.get("E6:E35") == "whole"
assert wb["選択肢"]["A1"].value == "資格" and wb["選択肢"]["A2"].value == "看護師"
assert c.page_setup.orientation == "landscape" and c.page_setup.paperSize in (9, "9")
assert c.print_title_rows in ("1:5", "$1:$5"), c.print_title_rows  # title to headers
PYEOF

section "round trip: filled forms → intake → run"
left=$($PY "$SRCDIR/tests/e2e/fill_forms.py" "$FORMS" "$SAMPLE/claims/$M" "$WORK/filled")
# the 2025-05 CSVs also claim for ward-run W003, which gets no form (and no payment)
expect_eq "$left" "W003" "lines without a form"
D1=$(data_copy d1)
kasan intake --month $M --data "$D1" --rules "$RULES" "$WORK"/filled/*.xlsx
expect_rc 0 "intake of the filled forms"
expect_plain_csv "$D1/claims/$M/children.csv"
expect_plain_csv "$D1/claims/$M/nurses.csv"
expect_line "$D1/claims/$M/children.csv" 1 "nursery_id,child_ref,care_types,enrolled_from,enrolled_to,form"
expect_line "$D1/claims/$M/nurses.csv" 2 "P011,S0001,nurse,full_time,160,386000,20000,P011.xlsx:職員!6"
expect_line "$D1/claims/$M/nurses.csv" 4 "P011,S0003,childcare_worker,full_time,,268000,,P011.xlsx:職員!8"
run_month "$D1" $M "$WORK/o1"
expect_rc 0 "run on the intake's claims"
run_month "$SAMPLE" $M "$WORK/o0"
expect_same_file "$WORK/o1/$M/payments.csv" "$WORK/o0/$M/payments.csv" "payments.csv equal to the CSV path"
# the statement cites a rejected line where the nursery wrote it: the form's
# sheet and row (issue 22), not the line of the claim file the intake made
flat_pdf() { pdftotext -layout "$1" - 2>/dev/null | tr -d '\n' | sed -e 's/ //g' -e 's/　//g'; }
if command -v pdftotext >/dev/null; then
    kasan run --month $M --data "$D1" --rules "$RULES" --out "$WORK/o1w" --quiet
    kasan run --month $M --data "$SAMPLE" --rules "$RULES" --out "$WORK/o0w" --quiet
    if flat_pdf "$WORK/o1w/$M/statements/P011.pdf" | grep -qF "S0003職員シート8行目"; then
        pass "P011's statement cites S0003 at 職員シート 8行目"
    else fail "P011's statement cites the form row" "$(pdftotext -layout "$WORK/o1w/$M/statements/P011.pdf" - | grep S0003)"; fi
    if flat_pdf "$WORK/o0w/$M/statements/P011.pdf" | grep -qF "S0003届出データ4行目"; then
        pass "from the CSV path: 届出データ 4行目"
    else fail "the CSV path cites the line" "$(pdftotext -layout "$WORK/o0w/$M/statements/P011.pdf" - | grep S0003)"; fi
fi

section "--replace"
kasan intake --month $M --data "$D1" --rules "$RULES" "$WORK"/filled/P011.xlsx
expect_rc 3 "P011 has lines already: refused without --replace"
expect_msg_contains "--replace"
expect_eq "$(wc -l < "$D1/claims/$M/children.csv")" "13" "children.csv untouched (12 lines + header)"
echo note > "$D1/claims/$M/README.txt"
kasan intake --month $M --data "$D1" --rules "$RULES" --replace "$WORK"/filled/P011.xlsx
expect_rc 0 "--replace"
# P011's 3 lines replaced, the other 9 (P002 ×2, P005, P007, P009, P014, P023,
# P024, P031: 12 − 3, W003 has no form) kept: per nursery, never the whole
# month (issue 21 item 13)
expect_eq "$(wc -l < "$D1/claims/$M/children.csv")" "13" "P011's lines replaced, the others kept"
[ -f "$D1/claims/$M/README.txt" ] && pass "other files of the month kept" || fail "--replace" "README.txt lost"
expect_eq "$(ls -A "$D1/claims" | grep -c '^\.')" "0" "no staging left in claims/"

section "LibreOffice round trip"
lo=$(command -v soffice || command -v libreoffice || true)
if [ -z "$lo" ]; then
    skip "LibreOffice round trip" "soffice not installed (Debian libreoffice-calc-nogui)"
else
    mkdir -p "$WORK/lo" "$WORK/lohome"
    HOME="$WORK/lohome" "$lo" --headless --convert-to xlsx --outdir "$WORK/lo" "$WORK"/filled/*.xlsx >/dev/null 2>&1
    expect_eq "$(ls "$WORK/lo" | grep -c '\.xlsx$')" "$want" "forms re-saved by LibreOffice"
    D2=$(data_copy d2)
    D1b=$(data_copy d1b)
    kasan intake --month $M --data "$D1b" --rules "$RULES" "$WORK"/filled/*.xlsx
    kasan intake --month $M --data "$D2" --rules "$RULES" "$WORK"/lo/*.xlsx
    expect_rc 0 "intake of the LibreOffice re-saves"
    expect_same_file "$D2/claims/$M/children.csv" "$D1b/claims/$M/children.csv" "children.csv identical after LibreOffice"
    expect_same_file "$D2/claims/$M/nurses.csv" "$D1b/claims/$M/nurses.csv" "nurses.csv identical after LibreOffice"
fi

section "refusals, each naming its cell"
B="$WORK/bad"
mkdir -p "$B"
$PY - "$WORK/filled" "$B" <<'PYEOF'
import sys, shutil, openpyxl
src, out = sys.argv[1], sys.argv[2]
def edit(name, fn, out_name):
    wb = openpyxl.load_workbook(f"{src}/{name}")
    fn(wb)
    wb.save(f"{out}/{out_name}")
def p011(wb):
    s, c = wb["職員"], wb["児童"]
    s["B6"] = "看護士"          # not in the list
    s["E7"] = "abc"             # not a number
    s["E8"] = 1000.5            # not whole yen
    s["B4"] = "職種"            # header changed
    c["J6"] = "2025/13/01"      # not a date
    c["C7"] = "x"               # not a mark
edit("P011.xlsx", p011, "P011.xlsx")
edit("P002.xlsx", lambda wb: wb["児童"].__setitem__("D2", "2025-04"), "P002.xlsx")
edit("P005.xlsx", lambda wb: wb["職員"].__setitem__("F2", "別の保育園"), "P005.xlsx")
edit("P007.xlsx", lambda wb: [wb[n].__setitem__("B2", "P999") for n in ("児童", "職員")], "P007.xlsx")
shutil.copy(f"{src}/P023.xlsx", f"{out}/P023.xlsx")
shutil.copy(f"{src}/P023.xlsx", f"{out}/P023-again.xlsx")
wb = openpyxl.Workbook(); wb.active.title = "Sheet1"; wb.save(f"{out}/plain.xlsx")
open(f"{out}/notes.xlsx", "w").write("nursery_id,child_ref\n")
PYEOF
D3=$(data_copy d3)
kasan intake --month $M --data "$D3" --rules "$RULES" "$B/P011.xlsx" "$B/P002.xlsx" "$B/P005.xlsx" \
    "$B/P007.xlsx" "$B/P023.xlsx" "$B/P023-again.xlsx" "$B/plain.xlsx" "$B/notes.xlsx"
expect_rc 2 "bad forms"
expect_msg_contains "P011.xlsx:職員!B6: error: 資格: '看護士' is not in the list (看護師、准看護師、保健師、助産師、保育士、その他)"
expect_msg_contains "P011.xlsx:職員!E7: error: 対象経費（円）: 'abc' is not a number"
expect_msg_contains "P011.xlsx:職員!E8: error: 対象経費（円）: '1000.5' is not whole yen"
expect_msg_contains "P011.xlsx:職員!B4: error: locked cell changed: '資格' expected here"
expect_msg_contains "P011.xlsx:児童!J6: error: 在籍開始日: '2025/13/01' is not a date"
expect_msg_contains "P011.xlsx:児童!C7: error: 経管栄養: 'x' is a tick to some and × (no) to others"
expect_msg_contains "P002.xlsx:児童!D2: error: the form is for '2025-04', not 2025-05"
expect_msg_contains "P005.xlsx:職員!F2: error: locked cell changed: the registry names P005"
expect_msg_contains "P007.xlsx:児童!B2: error: nursery 'P999' is not in the registry"
expect_msg_contains "P023-again.xlsx:児童!B2: error: nursery P023 again"
expect_msg_contains "plain.xlsx: error: not a claim form of kasan: no sheet '児童'"
expect_msg_contains "notes.xlsx: error: not an xlsx workbook (not a zip file"
expect_msg_contains "nothing written"
expect_nothing_written "$D3/claims/$M"

section "a run keeps the forms"
# a run of the month replaces OUT/M whole, but not the forms (a bug once: gone)
kasan forms --month $M --data "$SAMPLE" --rules "$RULES" --out "$WORK/out2"
run_month "$SAMPLE" $M "$WORK/out2"
expect_eq "$(ls "$WORK/out2/$M/forms" 2>/dev/null | grep -c '\.xlsx$')" "$want" "forms kept by a later run of $M"

section "hostile files, refused in bounded time"
H="$WORK/hostile"
mkdir -p "$H"
$PY - "$H" <<'PYEOF'
import sys, os, zipfile
h = sys.argv[1]
WB = ('<workbook xmlns:r="r"><sheets><sheet name="児童" sheetId="1" r:id="rId1"/>'
      '<sheet name="職員" sheetId="2" r:id="rId1"/></sheets></workbook>')
RELS = '<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>'
def book(name, sheet, extra=None, method=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(f"{h}/{name}", "w", method) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        if callable(sheet):
            with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
                sheet(f)
        else:
            z.writestr("xl/worksheets/sheet1.xml", sheet)
        if extra:
            extra(z)
# a 50 MB form: 50 MB of random bytes stored beside a valid sheet
book("big.xlsx", "<worksheet/>", lambda z: z.writestr(zipfile.ZipInfo("xl/media/image1.png"),
     os.urandom(50 << 20), compress_type=zipfile.ZIP_STORED))
# a zip bomb: 200 MB of spaces inside the sheet, about 200 KB compressed
def spaces(f):
    f.write(b"<worksheet>")
    block = b" " * (1 << 20)
    for _ in range(200):
        f.write(block)
    f.write(b"</worksheet>")
book("bomb.xlsx", spaces)
# a smaller bomb, under the size cap: 30 MB of spaces, refused by its ratio
def spaces30(f):
    f.write(b"<worksheet>")
    for _ in range(30):
        f.write(b" " * (1 << 20))
    f.write(b"</worksheet>")
book("bomb30.xlsx", spaces30)
# the last of 1,048,576 rows, after 1,000 ordinary ones: refused at that row
book("lastrow.xlsx", "<worksheet><sheetData>" + "".join(
     '<row r="%d"><c r="B%d"><v>%d</v></c></row>' % (i, i, i * 7919 % 10007) for i in range(1, 1001))
     + '<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData></worksheet>')
# 1,048,576 rows
def rows(f):
    f.write(b"<worksheet><sheetData>")
    for r in range(1, 1048577, 4096):
        f.write(b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i)
                         for i in range(r, r + 4096)))
    f.write(b"</sheetData></worksheet>")
book("rows.xlsx", rows)
# a bomb whose headers lie: 20 MB of spaces declared as 1,000 bytes; refused
# while inflating, at the first MB past the ratio
import io, struct
def liar():
    b = io.BytesIO()
    sheet = b"<worksheet>" + b" " * (20 << 20) + b"</worksheet>"
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    data = b.getvalue().replace(struct.pack("<I", len(sheet)), struct.pack("<I", 1000))
    open(f"{h}/liar.xlsx", "wb").write(data)
liar()
book("deep.xlsx", "<worksheet>" + "<a>" * 10000 + "</a>" * 10000 + "</worksheet>")
book("xxe.xlsx", '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
     '<worksheet><sheetData><row><c t="inlineStr"><is><t>&x;</t></is></c></row></sheetData></worksheet>')
PYEOF
for f in big bomb bomb30 liar rows lastrow deep xxe; do
    D4=$(data_copy "h$f")
    t0=$(date +%s)
    kasan intake --month $M --data "$D4" --rules "$RULES" "$H/$f.xlsx"
    t1=$(date +%s)
    expect_rc 2 "$f.xlsx refused"
    expect_msg_contains "$f.xlsx: error:" "$f.xlsx message"
    expect_msg_contains "refused" "$f.xlsx message"
    [ $((t1 - t0)) -le 10 ] && pass "$f.xlsx refused in $((t1 - t0)) s" || fail "$f.xlsx time" "$((t1 - t0)) s"
    expect_nothing_written "$D4/claims/$M"
    printf "# %s\n" "$ERR_TXT" | head -n 1
done
finish
