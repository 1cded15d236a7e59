#!/bin/sh
# render_workbooks.sh OUT_MONTH_DIR PNG_DIR — renders the 支払一覧 sheet of
# payments.xlsx and the first statement to PNG (LibreOffice → PDF → pdftoppm)
# so a person can look at what the section and a nursery will print.
# Not an automatic test: it needs LibreOffice, and skips (exit 0) without it.
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 OUT_MONTH_DIR PNG_DIR" >&2
    exit 1
fi
month_dir=$1
png_dir=$2
lo=$(command -v libreoffice || command -v soffice || true)
if [ -z "$lo" ]; then
    echo "render_workbooks: libreoffice not installed, skipping" >&2
    exit 0
fi
if ! command -v pdftoppm >/dev/null 2>&1; then
    echo "render_workbooks: pdftoppm (poppler-utils) not installed, skipping" >&2
    exit 0
fi
if command -v fc-list >/dev/null 2>&1 && [ -z "$(fc-list :lang=ja 2>/dev/null)" ]; then
    echo "render_workbooks: no Japanese font installed: text will render as boxes" \
        "(apt-get install fonts-noto-cjk)" >&2
fi
[ -f "$month_dir/payments.xlsx" ] || { echo "render_workbooks: no $month_dir/payments.xlsx" >&2; exit 1; }
mkdir -p "$png_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# A private profile: no first-start dialogs, no clash with a running office.
render() { # render FILE.xlsx NAME
    cp "$1" "$work/$2.xlsx"
    "$lo" -env:UserInstallation="file://$work/profile" --headless --convert-to pdf \
        --outdir "$work" "$work/$2.xlsx" >/dev/null 2>&1
    [ -f "$work/$2.pdf" ] || { echo "render_workbooks: conversion of $1 failed" >&2; exit 1; }
    pdftoppm -png -r 80 "$work/$2.pdf" "$png_dir/$2"
}

# LibreOffice prints every sheet; the first pages are 支払一覧 (the first
# sheet, fitted to one page wide).  All pages are kept, named payments-N.png.
render "$month_dir/payments.xlsx" payments
statement=$(ls "$month_dir"/statements/*.xlsx 2>/dev/null | head -n 1 || true)
if [ -n "$statement" ]; then
    render "$statement" "statement-$(basename "$statement" .xlsx)"
fi
ls "$png_dir"/*.png
