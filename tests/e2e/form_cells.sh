#!/bin/sh
# form_cells: what a claim form's cells say, read as the nursery meant it or
# refused naming the cell (issue 21, items 1, 2 and 9) — a comma only as a
# thousands separator in yen, formulas by their saved result (none saved:
# refused), the 1904 date system, 在籍終了日 before 在籍開始日, a changed locked
# id, the one set of ticks, a child with no care type ticked.
#
# P011's October 2025 form, filled from the sample ward's claims
# (fill_forms.py), then edited with openpyxl; intake of that form alone into
# a copy of the ward, and a run of the month.  Figures (SPEC 1.2, 1.3, rules
# 2025-10 for A, 2025-04 for B), P011 in October:
#   children C0008 (urinary_catheter), C0009 (suction), C0010 (tube_feeding;
#   suction): all standard, enrolled all month: A = 3 × 55,000 + 30,000
#   (3 or more children) = 195,000.
#   staff S0001 full_time 381,000, other_income 20,000; S0002 part_time
#   68.25 h, 126,262: standards 440,000 + round_down(68.25 × 2,300 = 156,975)
#   = 596,975 (cap 880,000: 3 children); actual 507,262; net 487,262;
#   B = round_down(min(596,975, 507,262, 487,262), 1000) = 487,000.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c 'import openpyxl' 2>/dev/null || skip_all "python3-openpyxl missing"
SAMPLE="$SRCDIR/fixtures/sample-ward"
M=2025-10

kasan forms --month $M --data "$SAMPLE" --rules "$RULES" --out "$WORK/out"
expect_rc 0 "kasan forms"
mkdir -p "$WORK/blank"
cp "$WORK/out/$M/forms/P011.xlsx" "$WORK/out/$M/forms/P012.xlsx" "$WORK/blank/"
$PY "$SRCDIR/tests/e2e/fill_forms.py" "$WORK/blank" "$SAMPLE/claims/$M" "$WORK/filled" >/dev/null
F=$WORK/filled/P011.xlsx

# edit NAME PYTHON — $WORK/NAME/P011.xlsx: P011's filled form after PYTHON
# (with c = sheet 児童, s = sheet 職員, wb = the workbook) saved by openpyxl
edit() {
    mkdir -p "$WORK/$1"
    $PY - "$F" "$WORK/$1/P011.xlsx" "$2" <<'PYEOF'
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
c, s = wb["児童"], wb["職員"]
exec(sys.argv[3])
wb.save(sys.argv[2])
PYEOF
}

# cache NAME SHEET CELL VALUE — gives the formula of SHEET!CELL of NAME's form
# the saved result VALUE, as Excel and LibreOffice write it (openpyxl
# writes none)
cache() {
    $PY - "$WORK/$1/P011.xlsx" "$2" "$3" "$4" <<'PYEOF'
import sys, re, zipfile, shutil
path, sheet, ref, value = sys.argv[1:5]
z = zipfile.ZipFile(path)
wbx = z.read("xl/workbook.xml").decode()
rels = z.read("xl/_rels/workbook.xml.rels").decode()
rid = re.search(r'<sheet [^>]*name="%s"[^>]*r:id="([^"]+)"' % sheet, wbx).group(1)
target = re.search(r'<Relationship [^>]*Id="%s"[^>]*Target="([^"]+)"' % rid, rels) or \
    re.search(r'<Relationship [^>]*Target="([^"]+)"[^>]*Id="%s"' % rid, rels)
name = "xl/" + target.group(1).lstrip("/").replace("xl/", "", 1)
xml, n = re.subn(r'(<c r="%s"[^>]*>)(<f>.*?</f>)<v\s*/>|(<c r="%s"[^>]*>)(<f>.*?</f>)<v></v>'
                 % (ref, ref), lambda m: (m.group(1) or m.group(3)) + (m.group(2) or m.group(4))
                 + "<v>%s</v>" % value, z.read(name).decode())
assert n == 1, (name, ref)
out = path + ".tmp"
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as o:
    for i in z.infolist():
        o.writestr(i, xml if i.filename == name else z.read(i.filename))
z.close()
shutil.move(out, path)
PYEOF
}

# intake NAME [FORM...] — intake of FORM (default NAME's form) into a copy of the
# ward without October's claims, then a run of October into $WORK/o-NAME
intake() {
    _n=$1
    shift
    rm -rf "$WORK/d-$_n"
    cp -r "$SAMPLE" "$WORK/d-$_n"
    rm -rf "$WORK/d-$_n/claims/$M"
    [ $# -gt 0 ] || set -- "$WORK/$_n/P011.xlsx"
    kasan intake --month $M --data "$WORK/d-$_n" --rules "$RULES" "$@"
    INTAKE_RC=$RC INTAKE_ERR=$ERR_TXT
    if [ "$RC" -eq 0 ]; then
        run_month "$WORK/d-$_n" $M "$WORK/o-$_n"
        expect_rc 0 "$_n: run of the intake's claims"
    fi
    RC=$INTAKE_RC ERR_TXT=$INTAKE_ERR
}
# refused_at NAME CELL TEXT — the intake refused (exit 2, nothing written),
# naming P011.xlsx:CELL with TEXT
refused_at() {
    expect_rc 2 "$1 refused"
    expect_msg_contains "P011.xlsx:$2: error: $3" "$1"
    expect_nothing_written "$WORK/d-$1/claims/$M"
}

section "the form as filled"
intake filled "$F"
expect_rc 0 "intake"
expect_payment "$WORK/o-filled" $M P011 acceptance_addon 195000
expect_payment "$WORK/o-filled" $M P011 nurse_placement 487000

section "a comma only as a thousands separator, and only in yen (item 1)"
# S0002 (row 7) paid 300,000: actual 381,000 + 300,000 = 681,000, net 661,000;
# B = round_down(min(596,975, 681,000, 661,000), 1000) = 596,000.  Read as
# 6,825 hours the standard would be 440,000 + 440,000 (capped) and B
# round_down(661,000) = 661,000.
edit comma_ok 's["D7"] = 68.25; s["E7"] = "300,000"'
intake comma_ok
expect_rc 0 "300,000 in a yen cell"
expect_payment "$WORK/o-comma_ok" $M P011 nurse_placement 596000
edit comma_hours 's["D7"] = "68,25"; s["E7"] = 300000'
intake comma_hours
refused_at comma_hours 職員!D7 "勤務時間（月）: '68,25'"
edit comma_yen 's["E7"] = "38,1000"; s["E6"] = "３８１，０００円"; s["F6"] = "2,0000"'
intake comma_yen
refused_at comma_yen 職員!E7 "対象経費（円）: '38,1000'"
expect_msg_contains "P011.xlsx:職員!F6: error: 寄付金その他の収入額（円）: '2,0000'" "F6 too"
if printf '%s' "$ERR_TXT" | grep -q '職員!E6'; then fail "full-width ３８１，０００円 accepted" "$ERR_TXT"
else pass "full-width ３８１，０００円 accepted"; fi

section "formulas: the saved result, or refused (item 2)"
# 寄付金 of S0001 as a formula: with no saved result it is refused (read as
# empty it paid round_down(507,262) = 507,000); with 20,000 saved, 487,000.
edit formula_yen 's["F6"] = "=20000"'
intake formula_yen
refused_at formula_yen 職員!F6 "寄付金その他の収入額（円）: '=20000'"
expect_msg_contains "計算式の結果が保存されていません: 値を入力してください"
cache formula_yen 職員 F6 20000
intake formula_yen
expect_rc 0 "=20000 with its result saved"
expect_payment "$WORK/o-formula_yen" $M P011 nurse_placement 487000
# 在籍終了日 of C0010 (row 8, column K) =DATE(2025,10,15): no result saved,
# refused (read as empty: still enrolled, 195,000); saved as the serial
# 45945 (2025-10-15 in the 1900 system: 45,658 is 2025-01-01, + 287 days):
# C0010 = round_down(55,000 × 15 / 31 = 26,612.9) = 26,612;
# A = 55,000 + 55,000 + 26,612 + 30,000 = 166,612.
edit formula_date 'c["K8"] = "=DATE(2025,10,15)"'
intake formula_date
refused_at formula_date 児童!K8 "在籍終了日: '=DATE(2025,10,15)'"
cache formula_date 児童 K8 45945
intake formula_date
expect_rc 0 "=DATE(2025,10,15) with its result saved"
expect_payment "$WORK/o-formula_date" $M P011 acceptance_addon 166612
# a formula among the ticks, and in the locked id, with nothing saved
edit formula_tick 'c["D6"] = "=\"○\""; s["B2"] = "=\"P011\""'
intake formula_tick
refused_at formula_tick 児童!D6 "導尿: '=\"○\"'"
expect_msg_contains "P011.xlsx:職員!B2: error:" "the id cell"

section "the 1904 date system (item 2)"
# The whole workbook in the Mac 1904 date system: every date cell is a 1904
# serial.  C0010 leaves on 2025-10-16 (read in the 1900 system: 2021-10-15):
# round_down(55,000 × 16 / 31 = 28,387.1) = 28,387; A = 55,000 + 55,000 +
# 28,387 + 30,000 = 168,387.
edit date1904 'wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
c["J6"] = datetime.date(2023, 4, 1); c["J7"] = datetime.date(2024, 4, 1)
c["J8"] = datetime.date(2025, 4, 14); c["K8"] = datetime.date(2025, 10, 16)'
if $PY -c 'import sys, zipfile; sys.exit(b"date1904=\"1\"" not in zipfile.ZipFile(sys.argv[1]).read("xl/workbook.xml"))' "$WORK/date1904/P011.xlsx"; then
    pass "date1904.xlsx is in the 1904 system"
else fail "date1904.xlsx is in the 1904 system" "no date1904 in workbook.xml"; fi
intake date1904
expect_rc 0 "intake of the 1904 workbook"
expect_payment "$WORK/o-date1904" $M P011 acceptance_addon 168387
expect_line "$WORK/d-date1904/claims/$M/children.csv" 2 "P011,C0008,urinary_catheter,2023-04-01,,P011.xlsx:児童!6"

section "在籍終了日 before 在籍開始日 (item 9)"
# C0010 enrolled from 2025-04-14: leaving 2025/4/1 is before it.  Refused at
# the cell, in the form's terms (it was an internal error, exit 5).
edit order 'c["K8"] = "2025/4/1"'
intake order
refused_at order 児童!K8 "在籍終了日: 2025-04-01 is before 在籍開始日 (2025-04-14)"
if printf '%s' "$ERR_TXT" | grep -q 'internal\|children.csv'; then fail "no internal error" "$ERR_TXT"
else pass "no internal error"; fi

section "a changed locked id names its cell (item 9)"
# 児童!B2 P011 → P012 while 児童!F2, 職員!B2 and 職員!F2 still say P011:
# that one cell is blamed, not F2, 職員!B2 or P012's own form.
edit id 'c["B2"] = "P012"'
intake id "$WORK/id/P011.xlsx" "$WORK/filled/P012.xlsx"
refused_at id 児童!B2 "locked cell changed"
expect_msg_contains "P011" "names the form's nursery"
for other in 'P011.xlsx:児童!F2' 'P011.xlsx:職員!B2' 'P012.xlsx'; do
    if printf '%s' "$ERR_TXT" | grep -qF "$other"; then fail "$other not blamed" "$ERR_TXT"
    else pass "$other not blamed"; fi
done
expect_eq "$(printf '%s\n' "$ERR_TXT" | grep -c ': error: ')" 1 "one problem"
# an id not in the registry, on both sheets: the names still say P011
edit id2 'c["B2"] = "P999"; s["B2"] = "P999"'
intake id2
refused_at id2 児童!B2 "nursery 'P999' is not in the registry"
expect_msg_contains "P011.xlsx:職員!B2: error: nursery 'P999' is not in the registry" "both"

section "ticks (item 9)"
# one set everywhere: ○ 〇 ◯ ● ◎ ✓ ✔ ☑ レ はい 1 TRUE mark a care type; × and
# いいえ (or empty) do not; x, X, ✗ are refused as ambiguous.  C0009 (row 7)
# ticked ✓ for suction (B), ☑ for other (I), × for insulin (E): suction;other.
edit ticks 'c["B7"] = "✓"; c["I7"] = "☑"; c["E7"] = "×"; c["C8"] = "レ"; c["D6"] = "はい"'
intake ticks
expect_rc 0 "✓ ☑ × レ はい"
expect_line "$WORK/d-ticks/claims/$M/children.csv" 3 "P011,C0009,suction;other,2024-04-01,,P011.xlsx:児童!7"
edit ticks_x 'c["C7"] = "x"; c["H7"] = "✗"'
intake ticks_x
refused_at ticks_x 児童!C7 "経管栄養: 'x'"
expect_msg_contains "P011.xlsx:児童!H7: error: 人工呼吸器の管理: '✗'" "✗"
# a child with no care type ticked: caught here, not rejected at run time
edit no_care 'c["D6"] = None'
intake no_care
refused_at no_care 児童!B6 "医療的ケアの種類"
finish
