#!/usr/bin/env bash
# documents.sh — every kind of document kasan writes, rendered and read as a
# person would (issue 22): the PDFs a nursery receives straight through
# pdftotext/pdfinfo/pdffonts (statements, 不支給決定通知書, 交付額確定通知書,
# a corrected statement), and the workbooks through LibreOffice headless
# (payments.xlsx, statements and notices .xlsx, settlement.xlsx, diff.xlsx,
# the audit report, a claim form).  Checks: page counts, no ASCII identifier
# with '_' in anything a nursery reads, 和暦 dates, amounts worked out by
# hand, the issuer of rules/issuer/, Japan time, no machine paths.
# Set DOCS_PNG=DIR to keep a PNG of every page for looking at them.
# Needs poppler-utils, qpdf, libreoffice-calc-nogui and fonts-noto-cjk
# (scripts/deps.sh installs them).
. "$(dirname "$0")/lib.sh"
export KASAN_ACTOR=tester
SAMPLE=$SRCDIR/fixtures/sample-ward
SETTLE=$SRCDIR/tests/e2e/settle-data
PNG=${DOCS_PNG:-}
for tool in pdftotext pdfinfo pdffonts; do
    command -v "$tool" >/dev/null || { fail "$tool installed" "apt-get install poppler-utils"; finish; }
done
LO=$(command -v libreoffice || command -v soffice || true)

pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
text() { pdftotext -layout "$1" - 2>/dev/null; }
# identifiers of the rules or the data (snake_case) must not reach a person
no_identifiers() { # FILE LABEL
    _ids=$(text "$1" | grep -oE '[A-Za-z0-9]+_[A-Za-z0-9_]*|_[A-Za-z0-9]+' | sort -u | tr '\n' ' ')
    expect_eq "$_ids" "" "$2: no identifier with '_'"
}
has() { # FILE TEXT LABEL — the text has TEXT (spaces, full-width too, and line ends ignored)
    if text "$1" | tr -d '\n' | sed 's/[ 　]//g' | grep -qF -- "$(printf '%s' "$2" | sed 's/[ 　]//g')"; then
        pass "$3 says '$2'"
    else
        fail "$3 says '$2'" "not in $(basename "$1")"
    fi
}
hasnt() {
    if text "$1" | grep -qF -- "$2"; then fail "$3 without '$2'" "found in $(basename "$1")"
    else pass "$3 without '$2'"; fi
}
png() { [ -n "$PNG" ] && mkdir -p "$PNG" && pdftoppm -r 70 -png "$1" "$PNG/$2"; return 0; }
# every document a nursery receives: one A4 page, Noto Sans CJK JP embedded,
# the issuer, no identifier
nursery_doc() { # FILE LABEL
    [ -f "$1" ] || { fail "$2" "no $1"; return; }
    expect_eq "$(pages "$1")" 1 "$2 pages"
    expect_eq "$(pdfinfo -box "$1" | awk '/^MediaBox/ {printf "%.0fx%.0f", $4, $5}')" "595x842" \
        "$2 is A4"
    expect_eq "$(pdffonts "$1" | awk 'NR > 2 && /NotoSansCJK/ {print $(NF-4)}' | sort -u)" "yes" \
        "$2 embeds Noto Sans CJK JP"
    has "$1" "板橋区長　坂本　健" "$2"
    has "$1" "お問い合わせ先：板橋区 子ども家庭部 保育サービス課" "$2"
    no_identifiers "$1" "$2"
    png "$1" "$(basename "$(dirname "$1")")-$(basename "$1" .pdf)"
}

section "the sample ward's year, finalized, and its settlement"
O=$(new_out ward)
# 2026-06-10 03:00 UTC is 12:00 in Japan: the documents are dated 令和8年6月10日
export KASAN_NOW=2026-06-10T03:00:00Z
kasan run --fy 2025 --finalize --quiet --data "$SAMPLE" --rules "$RULES" --out "$O" \
    --over-budget-reason "補正予算第2号"
expect_rc 0 "FY2025 finalized"
kasan settle --fy 2025 --finalize --data "$SAMPLE" --rules "$RULES" --out "$O" \
    --over-budget-reason "補正予算第2号"
expect_rc 0 "settlement finalized"

section "statements (支払通知書)"
n=0
for f in "$O"/20*/statements/*.pdf; do
    [ -f "${f%.pdf}.xlsx" ] || continue # the 不支給 notices are checked below
    n=$((n + 1))
    nursery_doc "$f" "$(basename "$(dirname "$(dirname "$f")")") $(basename "$f" .pdf)"
    has "$f" "支払通知書" "$(basename "$f")"
    has "$f" "令和8年6月10日" "$(basename "$f") dated in 和暦"
done
[ "$n" -gt 50 ] && pass "$n statements checked" || fail "statements" "only $n"
F=$O/2025-04/statements/P011.pdf
# P011, April (SPEC 1.2, 1.3): A: C0008 and C0009 50,000 each, C0010 enrolled
# 14–30 April: 17 days, round_down(50,000 × 17 ÷ 30) = 28,333 → 128,333.
# B: S0001 full-time 440,000; S0002 part-time 66.25 h × 2,300 = 152,375;
# standard 592,375 (3 children: cap 880,000); actual 383,000 + 122,562 =
# 505,562; net 505,562 − 20,000 = 485,562; min → 485,562 → 485,000.
# Total 613,333.  S0003 (childcare_worker) is not paid.
has "$F" "（令和7年4月分）" "P011 April"
has "$F" "支払金額 613,333円" "P011 April"
has "$F" "医療的ケア児受入加算 128,333円" "P011 April"
has "$F" "看護師等配置補助 485,000円" "P011 April"
has "$F" "C0010 17日／30日 標準 50,000円 28,333円" "P011 April"
has "$F" "S0002 准看護師 非常勤 66.25時間 122,562円 0円 152,375円" "P011 April"
has "$F" "S0003" "P011 April's rejected line"
has "$F" "届出データ 4行目" "P011 April cites the line it sent"
has "$F" "振込先" "P011 April"
# 振込予定日 (payer: the 20th of the month after): 2025-05-20, a Tuesday
has "$F" "振込予定日　令和7年5月20日" "P011 April"
has "$F" "月額単価 × 在籍日数 ÷ 当該月の日数（円未満切り捨て）" "P011 April, in words"
hasnt "$F" "round_down" "P011 April"
# P002 has no staff line in April: no section of the nurse subsidy at all
hasnt "$O/2025-04/statements/P002.pdf" "看護師等配置補助の内訳" "P002 April"
hasnt "$O/2025-04/statements/P002.pdf" "対象となる届出はありません" "P002 April"

section "不支給決定通知書 (every line of a nursery rejected)"
refusals() { for f in "$O/$1"/statements/*.pdf; do [ -f "${f%.pdf}.xlsx" ] || basename "$f" .pdf; done | tr '\n' ' '; }
expect_eq "$(refusals 2025-12)" "P020 " "December: P020 alone"
expect_eq "$(refusals 2026-02)" "P027 P033 " "February: P027 and P033 (C0018 in both)"
expect_eq "$(refusals 2025-04)" "" "April: none"
F=$O/2025-12/statements/P020.pdf
nursery_doc "$F" "P020 December 不支給"
has "$F" "不支給決定通知書" "P020"
has "$F" "（令和7年12月分）" "P020"
# C0017 has no care type; S0010 then works where no child is eligible (SPEC 1.5)
has "$F" "児童 C0017" "P020"
has "$F" "医療的ケアの種類が記載されていません" "P020"
has "$F" "職員 S0010" "P020"
has "$F" "当該月に対象となる医療的ケア児がいない施設の職員です" "P020"
has "$F" "（教示）" "P020"
has "$F" "板橋区長に対して審査請求" "P020"
for id in P027 P033; do
    F=$O/2026-02/statements/$id.pdf
    nursery_doc "$F" "$id February 不支給"
    has "$F" "C0018" "$id"
    has "$F" "同一児童が在籍期間の重なる複数の請求に記載されています" "$id"
done

section "交付額確定通知書 (the sample ward)"
for f in "$O"/settlement-2025/notices/*.pdf; do
    nursery_doc "$f" "notice $(basename "$f" .pdf)"
    has "$f" "令和7年度" "$(basename "$f")"
    has "$f" "交付額確定通知書" "$(basename "$f")"
    has "$f" "（教示）" "$(basename "$f")"
    has "$f" "各月の基準額の合計" "$(basename "$f") 算定方法 in words"
    hasnt "$f" "sum(" "$(basename "$f")"
    hasnt "$f" "reported" "$(basename "$f")"
done

section "交付額確定通知書 (SPEC 6.2 worked example)"
OS=$(new_out settle)
export KASAN_NOW=2026-06-10T09:00:00Z
for m in 2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03; do
    "$KASAN" run --month "$m" --finalize --quiet --no-workbooks --data "$SETTLE" --rules "$RULES" \
        --out "$OS" >/dev/null 2>&1 || fail "finalize $m" "exit $?"
done
kasan settle --fy 2025 --finalize --data "$SETTLE" --rules "$RULES" --out "$OS"
expect_rc 0 "settlement of the worked example"
# P001: 12 × 440,000 = 5,280,000 paid; annual min(5,280,000, 5,300,000,
# 5,100,000) = 5,100,000 → 返還 180,000, due 30 days after 令和8年6月10日.
F=$OS/settlement-2025/notices/P001.pdf
nursery_doc "$F" "P001 notice"
has "$F" "返還額 180,000円" "P001"
has "$F" "基準額（年額） 5,280,000円 各月の基準額の合計" "P001"
has "$F" "差引額 5,100,000円" "P001"
has "$F" "既交付額 5,280,000円" "P001"
has "$F" "返還期限：令和8年7月10日" "P001"
has "$F" "実績報告：対象経費の実支出額 5,300,000円、寄付金その他の収入額 200,000円" "P001"
has "$F" "令和7年4月分 2025-04 440,000円" "P001 months"
# P002: annual round_down(12 × 231,150 = 2,773,800, 1000) = 2,773,000 against
# 12 × 231,000 = 2,772,000 paid → 追加交付 1,000.
F=$OS/settlement-2025/notices/P002.pdf
nursery_doc "$F" "P002 notice"
has "$F" "追加交付額 1,000円" "P002"
hasnt "$F" "返還期限" "P002"
# 振込予定日: the 20th of the month after the notice's (June 2026): 2026-07-20
# is 海の日 → Tuesday 21 July
has "$F" "振込予定日：令和8年7月21日" "P002"
hasnt "$OS/settlement-2025/notices/P001.pdf" "振込予定日" "P001 (返還)"

section "a corrected statement fits one page"
# December again with P020's child given a care type: P020, refused before,
# is paid now: its statement says 修正 and the difference.
D2=$WORK/ward-corrected
cp -r "$SAMPLE" "$D2"
sed -i 's/^P020,C0017,,2025-12-01,/P020,C0017,oxygen,2025-12-01,/' "$D2/claims/2025-12/children.csv"
export KASAN_NOW=2026-06-11T03:00:00Z
docno() { text "$1" | grep -oE '[0-9]+板子保第[0-9]+号' | head -1; }
# 文書番号 (issue 22): April is the year's first month; its documents, by
# nursery id, are P002 … P031 (9 statements): 7板子保第1号 … 第9号 (令和7年度)
expect_eq "$(docno "$O/2025-04/statements/P002.pdf")" "7板子保第1号" "P002 April's number"
expect_eq "$(docno "$O/2025-04/statements/P031.pdf")" "7板子保第9号" "P031 April's number"
# every document of the year has its own number: 1 … N, none twice
N=$(ls "$O"/20*/statements/*.pdf | wc -l)
expect_eq "$(for f in "$O"/20*/statements/*.pdf; do docno "$f"; done | sort -u | wc -l)" "$N" \
    "$N documents, $N distinct numbers"
expect_eq "$(for f in "$O"/20*/statements/*.pdf; do docno "$f" | grep -oE '第[0-9]+' | tr -d 第; done | sort -n | tail -1)" \
    "$N" "numbered 1 … $N"
ls "$O/2025-12/statements" > "$WORK/dec-before"
cp "$O/2025-12/statements/P011.pdf" "$WORK/p011-dec.pdf"
kasan run --month 2025-12 --finalize --supersede --reason "P020 医療的ケアの記載漏れ" --quiet \
    --data "$D2" --rules "$RULES" --out "$O" --over-budget-reason "補正予算第2号" \
    --after-settlement-reason "精算も修正する"
expect_rc 0 "December corrected"
F=$O/2025-12/statements/P020-2.pdf
nursery_doc "$F" "P020 corrected statement"
# only P020 changed: its new statement alone is written (new name, the next
# number), every document sent before stays as it was
ls "$O/2025-12/statements" > "$WORK/dec-after"
expect_eq "$(comm -13 "$WORK/dec-before" "$WORK/dec-after" | tr '\n' ' ')" "P020-2.pdf P020-2.xlsx " \
    "the correction writes P020's statement alone"
expect_eq "$(comm -23 "$WORK/dec-before" "$WORK/dec-after" | wc -l)" 0 "nothing sent before removed"
expect_same_file "$WORK/p011-dec.pdf" "$O/2025-12/statements/P011.pdf" "P011's unchanged December statement"
has "$O/2025-12/statements/P020.pdf" "不支給決定通知書" "P020's first notice, kept"
# the settlement's notices (finalized before this correction) took numbers of
# the same fiscal year's sequence: the next is the highest given so far + 1
LAST=$(for f in "$O"/20*/statements/*.pdf "$O"/settlement-2025/notices/*.pdf; do
    [ "$f" = "$F" ] || docno "$f" | grep -oE '第[0-9]+' | tr -d 第; done | sort -n | tail -1)
expect_eq "$(docno "$F")" "7板子保第$((LAST + 1))号" "P020's corrected statement: the next number"
has "$F" "7板子保第$((LAST + 1))号" "P020 corrected"
has "$F" "支払通知書（修正）" "P020 corrected"
has "$F" "修正の理由：P020 医療的ケアの記載漏れ" "P020 corrected"
has "$F" "令和8年6月11日" "P020 corrected, dated the correction's day"

section "restored from the ledger: the same bytes"
cp "$O/2025-04/statements/P011.pdf" "$WORK/p011.pdf"
rm -rf "$O/2025-04"
kasan restore --month 2025-04 --out "$O" --data "$SAMPLE" --rules "$RULES"
expect_rc 0 "April restored"
expect_same_file "$WORK/p011.pdf" "$O/2025-04/statements/P011.pdf" "P011's April statement"

section "kasan's own PDF writer, and cairo for a character the cut font lacks"
# Every statement above was written by kasan's writer (pdf_direct.c) and reads
# without a complaint; a nursery named with 𠮷 (outside CP932: the system's
# full font) gets its statement through cairo, its name intact.
expect_eq "$(for f in "$O"/20*/statements/*.pdf; do pdfinfo "$f" | awk -F': *' '/^Producer/ {print $2}'; done | sort | uniq -c | tr -s ' ')" \
    " $(ls "$O"/20*/statements/*.pdf | wc -l | tr -d ' ') kasan" "every statement by kasan's writer"
expect_eq "$(for f in "$O"/20*/statements/*.pdf; do pdftotext "$f" - 2>&1 >/dev/null; done | sort -u)" "" \
    "poppler reads them without an error"
if command -v qpdf >/dev/null; then # the file's structure: objects, xref, streams
    bad=$(for f in "$O"/20*/statements/*.pdf "$O"/settlement-2025/notices/*.pdf; do
        qpdf --check "$f" >/dev/null 2>&1 || basename "$f"; done | tr '\n' ' ')
    expect_eq "$bad" "" "qpdf --check finds no error in any statement or notice"
else fail "qpdf installed" "apt-get install qpdf"; fi
K=$WORK/kichi-ward
cp -r "$SAMPLE" "$K"
sed -i 's/^P011,中台わかば保育園,/P011,𠮷野わかば保育園,/' "$K/nurseries.csv"
KO=$(new_out kichi)
kasan run --month 2025-04 --quiet --data "$K" --rules "$RULES" --out "$KO"
expect_rc 0 "April with 𠮷 in a name"
F=$KO/2025-04/statements/P011.pdf
expect_eq "$(pdfinfo "$F" | awk -F': *' '/^Producer/ {print $2}' | cut -c1-5)" "cairo" "P011 through cairo"
has "$F" "𠮷野わかば保育園 様" "P011 (its name, 𠮷 included)"
has "$F" "支払金額 613,333円" "P011 (the same amount)"
expect_eq "$(pdffonts "$F" | awk 'NR > 2' | wc -l | tr -d ' ')" 2 "P011 embeds the cut font and the full one"
expect_eq "$(pdfinfo "$KO/2025-04/statements/P002.pdf" | awk -F': *' '/^Producer/ {print $2}')" "kasan" \
    "P002 of the same run by kasan's writer"

section "a statement of 20 children and 10 staff lines fits one page"
BW=$WORK/big-ward
cp -r "$SAMPLE" "$BW"
for i in $(seq 101 117); do echo "P011,C0$i,suction,2024-04-01," >> "$BW/claims/2025-04/children.csv"; done
for i in $(seq 101 107); do echo "P011,S0$i,nurse,full_time,160,400000,0" >> "$BW/claims/2025-04/nurses.csv"; done
BO=$(new_out big)
kasan run --month 2025-04 --quiet --data "$BW" --rules "$RULES" --out "$BO"
expect_rc 0 "April with P011's 20 children and 10 staff"
F=$BO/2025-04/statements/P011.pdf
nursery_doc "$F" "P011 (20 children, 10 staff)"
# A: 128,333 (as above) + 17 × 50,000 = 978,333.  B: standard 440,000 +
# 152,375 + 7 × 440,000 = 3,672,375, capped at 880,000 (3 children or more);
# actual 383,000 + 122,562 + 7 × 400,000 = 3,305,562; net 3,285,562; min
# 880,000.  Total 1,858,333.
has "$F" "支払金額 1,858,333円" "P011 big"
has "$F" "C0117" "P011 big (the 20th child)"
has "$F" "S0107" "P011 big (the 10th staff line)"

section "workbooks through LibreOffice"
if [ -z "$LO" ]; then
    fail "libreoffice installed" "apt-get install libreoffice-calc-nogui"
    finish
fi
kasan diff --month 2025-10 --rules-a "$RULES" --rules-b "$RULES" --data "$SAMPLE" --out "$O"
expect_rc 0 "diff"
kasan audit report --fy 2025 --out "$O"
expect_rc 0 "audit report"
kasan forms --month 2025-05 --data "$SAMPLE" --rules "$RULES" --out "$O"
expect_rc 0 "forms"
kasan decide --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$O" --quiet
expect_rc 0 "decide (a draft of FY2025's grant decision)"
nursery_doc "$O/decisions-2025/notices/P011.pdf" "交付決定通知書 P011"
has "$O/decisions-2025/notices/P011.pdf" "交付決定通知書" "P011's decision notice"
X=$WORK/xlsx
mkdir -p "$X"
cp "$O/2025-04/payments.xlsx" "$X/payments.xlsx"
cp "$O/2026-03/payments.xlsx" "$X/payments-march.xlsx"
cp "$O/2025-04/statements/P011.xlsx" "$X/statement.xlsx"
cp "$O/2025-12/statements/P020-2.xlsx" "$X/statement-corrected.xlsx"
cp "$O/settlement-2025/settlement.xlsx" "$X/settlement.xlsx"
cp "$OS/settlement-2025/notices/P001.xlsx" "$X/notice.xlsx"
cp "$O/2025-10/diff.xlsx" "$X/diff.xlsx"
cp "$O/audit-2025.xlsx" "$X/audit.xlsx"
cp "$O/2025-05/forms/P011.xlsx" "$X/form.xlsx"
cp "$O/decisions-2025/decisions.xlsx" "$X/decisions.xlsx"
cp "$O/decisions-2025/notices/P011.xlsx" "$X/decision-notice.xlsx"
(cd "$X" && timeout 240 "$LO" -env:UserInstallation="file://$WORK/lo-profile" --headless \
    --convert-to pdf ./*.xlsx >/dev/null 2>&1)
for f in payments payments-march statement statement-corrected settlement notice diff audit form \
    decisions decision-notice; do
    [ -f "$X/$f.pdf" ] && pass "$f.xlsx rendered" || fail "$f.xlsx rendered" "no PDF"
    [ -f "$X/$f.pdf" ] && png "$X/$f.pdf" "xlsx-$f"
done
# what leaves the ward as a workbook copy: one page, no identifier
no_identifiers "$X/decision-notice.pdf" "decision-notice.xlsx" # the section's copy: 2 pages for P011
for f in statement statement-corrected notice; do
    expect_eq "$(pages "$X/$f.pdf")" 1 "$f.xlsx pages"
    no_identifiers "$X/$f.pdf" "$f.xlsx"
done
has "$X/statement-corrected.pdf" "支払通知書（修正）" "corrected statement.xlsx"
has "$X/notice.pdf" "各月の基準額の合計" "notice.xlsx 算定方法 in words"
hasnt "$X/notice.pdf" "sum(" "notice.xlsx"
# the section's workbooks: programs by title, no machine path, Japan time
# 明細's 制度 is the title (検証 alone keeps the program's code, beside its title)
if text "$X/payments.pdf" | grep -qE 'acceptance_addon +2025-04'; then
    fail "payments.xlsx 明細: programs by title" "an id beside its version"
else pass "payments.xlsx 明細: programs by title"; fi
hasnt "$X/payments.pdf" "$SRCDIR" "payments.xlsx (検証: paths relative)"
has "$X/payments.pdf" "実行日時（日本時間） 令和8年6月10日 12時00分" "payments.xlsx 検証"
has "$X/payments.pdf" "acceptance_addon/2025-04.yaml" "payments.xlsx 検証 names the rule file"
has "$X/payments.pdf" "令和7年4月分 明細" "payments.xlsx 明細's title"
has "$X/payments.pdf" "令和7年4月分 不支給" "payments.xlsx 不支給's title"
has "$X/payments.pdf" "対象職種（看護師・准看護師・保健師・助産師）ではありません" "payments.xlsx 不支給"
has "$X/payments-march.pdf" "補正予算第2号" "March payments.xlsx 予算超過の理由"
expect_eq "$(pages "$X/diff.pdf")" 1 "diff.xlsx pages (names, amounts and 差額 together)"
has "$X/diff.pdf" "医療的ケア児受入加算" "diff.xlsx 事業"
hasnt "$X/diff.pdf" "nurse_placement" "diff.xlsx"
has "$X/audit.pdf" "日本時間" "audit report"
hasnt "$X/audit.pdf" "identical" "audit report 再計算"
hasnt "$X/audit.pdf" "would be" "audit report reasons"
if pdftotext -layout "$X/form.pdf" - | grep -qE '請求月 +令和7年5月 '; then pass "form: 請求月 in 和暦"
else fail "form: 請求月 in 和暦" "$(pdftotext -layout "$X/form.pdf" - | grep 請求月 | head -2)"; fi
hasnt "$X/form.pdf" "2025-05" "form"

# the page count of every kind of document, for the record (issue 22's closing note)
dist() { for f in "$@"; do [ -f "$f" ] && pages "$f"; done | sort -n | uniq -c |
    awk '{printf "%s%d × %d page%s", (NR > 1 ? ", " : ""), $1, $2, ($2 == 1 ? "" : "s")}'; }
sent() { for f in "$O"/20*/statements/*.pdf; do if [ "$1" = "${f%.pdf}.xlsx" ] || [ -f "${f%.pdf}.xlsx" ]; then
    [ "$1" = statement ] && echo "$f"; else [ "$1" = refusal ] && echo "$f"; fi; done; }
echo "# pages: 支払通知書 (PDF): $(dist $(sent statement))"
echo "# pages: 不支給決定通知書 (PDF): $(dist $(sent refusal))"
echo "# pages: 交付額確定通知書 (PDF): $(dist "$O"/settlement-2025/notices/*.pdf)"
echo "# pages: 交付決定通知書 (PDF): $(dist "$O"/decisions-2025/notices/*.pdf)"
for f in payments payments-march statement statement-corrected settlement notice diff audit form \
    decisions decision-notice; do echo "# pages: $f.xlsx through LibreOffice: $(pages "$X/$f.pdf")"; done
finish
