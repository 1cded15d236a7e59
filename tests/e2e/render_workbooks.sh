#!/bin/sh
# render_workbooks: what the section and a nursery will print, through
# LibreOffice (xlsx → PDF) and poppler (PDF → text, PNG).
#
#   render_workbooks.sh                 the test (meson): October 2025 of the
#                                       sample ward, rendered and checked
#   render_workbooks.sh OUT/YYYY-MM PNG_DIR
#                                       renders payments.xlsx and the first
#                                       statement to PNG, to look at
#
# The test checks the pages and the printed text, worked out by hand: the
# five sheets of payments.xlsx (支払一覧, 明細, 不支給, 予算, 検証) one page
# each but 明細, which is two, at October's size; 支払一覧's title with the 和暦 month, P011's row
# (A 3 × 55,000 + 30,000 = 195,000; B round_down(min(596,975, 507,262,
# 487,262), 1000) = 487,000; 682,000) and the totals (fixtures/sample-ward
# README: 1,025,000 + 542,000 = 1,567,000); 不支給's two P023 lines; 予算's
# remaining 16,444,000 − 1,567,000 = 14,877,000; and P011's statement on one
# A4 page with its name, the month and the amounts.  Without LibreOffice or
# poppler it is skipped (exit 77), never passed.
. "$(dirname "$0")/lib.sh"
LO=$(command -v soffice || command -v libreoffice || true)

# render FILE.xlsx NAME DIR — DIR/NAME.pdf and DIR/NAME-N.png, through a
# private LibreOffice profile (no first-start dialogs, no clash with a
# running office)
render() {
    cp "$1" "$WORK/$2.xlsx"
    "$LO" -env:UserInstallation="file://$WORK/profile" --headless --convert-to pdf \
        --outdir "$WORK" "$WORK/$2.xlsx" >/dev/null 2>&1
    [ -f "$WORK/$2.pdf" ] || return 1
    mkdir -p "$3"
    cp "$WORK/$2.pdf" "$3/$2.pdf"
    pdftoppm -png -r 80 "$WORK/$2.pdf" "$3/$2"
}

if [ $# -eq 2 ]; then # ---------------------------------------- by hand
    [ -n "$LO" ] || { echo "render_workbooks: libreoffice not installed" >&2; exit 1; }
    command -v pdftoppm >/dev/null 2>&1 ||
        { echo "render_workbooks: pdftoppm (poppler-utils) not installed" >&2; exit 1; }
    if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja 2>/dev/null)" ]; then
        echo "render_workbooks: no Japanese font installed: text will render as boxes" \
            "(apt-get install fonts-noto-cjk)" >&2
    fi
    [ -f "$1/payments.xlsx" ] || { echo "render_workbooks: no $1/payments.xlsx" >&2; exit 1; }
    render "$1/payments.xlsx" payments "$2" || { echo "render_workbooks: conversion failed" >&2; exit 1; }
    statement=$(ls "$1"/statements/*.xlsx 2>/dev/null | head -n 1 || true)
    if [ -n "$statement" ]; then
        render "$statement" "statement-$(basename "$statement" .xlsx)" "$2" ||
            { echo "render_workbooks: conversion of $statement failed" >&2; exit 1; }
    fi
    ls "$2"/*.png
    exit 0
elif [ $# -ne 0 ]; then
    echo "usage: $0 [OUT_MONTH_DIR PNG_DIR]" >&2
    exit 1
fi

# ---------------------------------------------------------------- the test
[ -n "$LO" ] || skip_all "LibreOffice not installed (Debian libreoffice-calc-nogui)"
need pdftoppm poppler-utils
need pdftotext poppler-utils
need pdfinfo poppler-utils
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja 2>/dev/null)" ]; then
    skip_all "no Japanese font (Debian fonts-noto-cjk): the text would print as boxes"
fi
export KASAN_NOW=2026-06-10T09:30:00Z
M=2025-10
OUT=$WORK/out
kasan run --month $M --data "$SRCDIR/fixtures/sample-ward" --rules "$RULES" --out "$OUT" --quiet
expect_rc 0 "run of $M"
P=$WORK/pages

# pages PDF — its number of pages; text PDF PAGE — the page's text as laid out
pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ { print $2 }'; }
text() { pdftotext -layout -f "$2" -l "$2" "$1" - 2>/dev/null; }
# has PDF PAGE TEXT LABEL
has() {
    if text "$1" "$2" | grep -qF -- "$3"; then pass "$4"
    else fail "$4" "no '$3' on page $2 of $(basename "$1")"; fi
}
# row PDF PAGE KEY — the printed line with KEY, spaces squeezed
row() { text "$1" "$2" | grep -F -- "$3" | head -n 1 | tr -s ' '; }

section "payments.xlsx"
if render "$OUT/$M/payments.xlsx" payments "$P"; then
    pass "payments.xlsx rendered"
    PDF=$P/payments.pdf
    # 明細 is two A4 landscape pages: the identity columns and the values with 支給額
    expect_eq "$(pages "$PDF")" 6 "pages (支払一覧, 明細 ×2, 不支給, 予算, 検証)"
    has "$PDF" 1 "令和7年10月分 支払一覧（試算）" "支払一覧 title, 和暦 month"
    expect_eq "$(row "$PDF" 1 P011 | cut -d' ' -f1-6)" \
        "P011 中台わかば保育園 社会福祉法人若葉福祉会 195,000 487,000 682,000" "P011's row"
    expect_eq "$(row "$PDF" 1 '合計（11施設）' | cut -d' ' -f1-4)" "合計（11施設） 1,025,000 542,000 1,567,000" \
        "totals"
    has "$PDF" 2 "中台わかば保育園" "明細 lists P011"
    expect_eq "$(text "$PDF" 4 | grep -c 'nursery_inactive')" 2 "不支給: P023's two lines"
    expect_eq "$(text "$PDF" 4 | grep -c '当該月に施設の事業期間がありません')" 2 \
        "不支給: the reason in Japanese"
    has "$PDF" 5 "令和7年度 予算執行状況" "予算 title"
    expect_eq "$(row "$PDF" 5 '残額' | awk '{ print $NF }')" "14,877,000" "予算: remaining"
    has "$PDF" 6 "検証情報" "検証"
    [ -s "$P/payments-1.png" ] && pass "支払一覧 as PNG" || fail "支払一覧 as PNG" "no payments-1.png"
else
    fail "payments.xlsx rendered" "LibreOffice made no PDF"
fi

section "P011's statement"
if render "$OUT/$M/statements/P011.xlsx" statement "$P"; then
    PDF=$P/statement.pdf
    expect_eq "$(pages "$PDF")" 1 "one page"
    expect_eq "$(pdfinfo "$PDF" | awk '/^Page size:/ { print $NF }')" "(A4)" "A4"
    has "$PDF" 1 "中台わかば保育園" "nursery name"
    has "$PDF" 1 "支払通知書" "title"
    has "$PDF" 1 "令和7年10月分" "和暦 month"
    has "$PDF" 1 "682,000円" "支払金額"
    has "$PDF" 1 "195,000" "受入加算"
    has "$PDF" 1 "487,000" "配置補助"
    [ -s "$P/statement-1.png" ] && pass "statement as PNG" || fail "statement as PNG" "none"
else
    fail "P011's statement rendered" "LibreOffice made no PDF"
fi
finish
