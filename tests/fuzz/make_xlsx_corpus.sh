#!/usr/bin/env bash
# Writes the seed corpus of the xlsx target (tests/fuzz/corpus/xlsx): real
# claim forms from `kasan forms` on fixtures/sample-ward (2025-05: P002 with
# children, P011 with children and staff), one filled by openpyxl, its
# LibreOffice re-save (when soffice is installed), and small hand-made zips
# (inline strings and ふりがな, a DOCTYPE, deep nesting, a dangling shared string).
# Usage: tests/fuzz/make_xlsx_corpus.sh KASAN_BINARY
set -euo pipefail
kasan=$(realpath "$1")
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus/xlsx
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
save() {
    local sum
    sum=$(sha1sum "$1" | cut -c1-40)
    cp "$1" "$out/$sum"
}
"$kasan" forms --month 2025-05 --out "$tmp/o" >/dev/null
save "$tmp/o/2025-05/forms/P002.xlsx"
save "$tmp/o/2025-05/forms/P011.xlsx"
/usr/bin/python3 tests/e2e/fill_forms.py "$tmp/o/2025-05/forms" fixtures/sample-ward/claims/2025-05 \
    "$tmp/filled" >/dev/null
save "$tmp/filled/P011.xlsx"
if command -v soffice >/dev/null 2>&1; then
    HOME="$tmp" soffice --headless --convert-to xlsx --outdir "$tmp/lo" "$tmp/filled/P011.xlsx" >/dev/null 2>&1
    save "$tmp/lo/P011.xlsx"
fi
/usr/bin/python3 - "$tmp" <<'PYEOF'
import sys, zipfile
t = sys.argv[1]
WB = ('<workbook xmlns:r="r"><sheets><sheet name="児童" sheetId="1" r:id="rId1"/></sheets></workbook>')
RELS = ('<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="x/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SST = '<sst><si><r><t>看護</t></r><r><t>師</t></r><rPh><t>カンゴシ</t></rPh></si></sst>'
sheets = {
    "inline": '<x:worksheet xmlns:x="m"><x:sheetData><x:row r="2"><x:c r="B2" t="inlineStr"><x:is>'
              '<x:t>喀痰吸引</x:t></x:is></x:c><x:c t="s"><x:v>0</x:v></x:c><x:c r="D2"><x:v>45778</x:v>'
              '</x:c></x:row></x:sheetData><x:sheetProtection sheet="1"/></x:worksheet>',
    "doctype": '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aa">]><worksheet>&a;</worksheet>',
    "deep": "<worksheet>" + "<a>" * 80 + "</a>" * 80 + "</worksheet>",
    "dangling": '<worksheet><sheetData><row><c t="s"><v>9</v></c></row></sheetData></worksheet>',
}
for name, sheet in sheets.items():
    with zipfile.ZipFile(f"{t}/{name}.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", RELS)
        z.writestr("xl/sharedStrings.xml", SST)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
PYEOF
for n in inline doctype deep dangling; do save "$tmp/$n.xlsx"; done
ls "$out" | wc -l
