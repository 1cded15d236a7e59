#!/usr/bin/env bash
# decide_notices.sh — the grant decision's notices as a nursery receives them
# (issue 22: PDF for what leaves the ward, numbered, only the changed one
# reissued): `kasan decide` writes notices/ID.pdf beside the section's
# .xlsx — a draft marked 試算 and unnumbered; the recorded decision's
# numbered from the year's next 文書番号 in nursery order, each number
# recorded in the ledger with the file's SHA-256; a 変更交付決定 writes one
# new notice (ID-EVENT.pdf) with the next number and the difference, the
# others untouched byte for byte; a draft after the decision is recorded is
# refused (it would overwrite the notices sent).  Amounts worked out by hand
# (tests/e2e/decide.sh derives them, docs/spec/12 §12.9).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
export KASAN_NOW=2026-04-01T09:00:00Z KASAN_ACTOR=tester
DATA=$SRCDIR/tests/e2e/decide-data
AMENDED=$SRCDIR/tests/e2e/decide-data-amended
for tool in pdftotext pdfinfo pdffonts; do
    command -v "$tool" >/dev/null || { fail "$tool installed" "apt-get install poppler-utils"; finish; }
done

pages() { pdfinfo "$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
flat() { pdftotext -layout "$1" - 2>/dev/null | tr -d '\n' | sed 's/[ 　]//g'; }
has() { # FILE TEXT LABEL (spaces and line ends ignored)
    if flat "$1" | grep -qF -- "$(printf '%s' "$2" | sed 's/[ 　]//g')"; then pass "$3 says '$2'"
    else fail "$3 says '$2'" "not in $(basename "$1")"; fi
}
hasnt() {
    if flat "$1" | grep -qF -- "$(printf '%s' "$2" | sed 's/[ 　]//g')"; then
        fail "$3 without '$2'" "found in $(basename "$1")"
    else pass "$3 without '$2'"; fi
}
# a notice a nursery receives: one A4 page, the font embedded, the issuer,
# the 教示, no identifier of the rules or data
notice() { # FILE LABEL
    [ -f "$1" ] || { fail "$2" "no $1"; return; }
    expect_eq "$(pages "$1")" 1 "$2 pages"
    expect_eq "$(pdfinfo -box "$1" | awk '/^MediaBox/ {printf "%.0fx%.0f", $4, $5}')" "595x842" "$2 is A4"
    expect_eq "$(pdffonts "$1" | awk 'NR > 2 && /NotoSansCJK/ {print $(NF-4)}' | sort -u)" "yes" \
        "$2 embeds Noto Sans CJK JP"
    has "$1" "板橋区長 坂本 健" "$2"
    has "$1" "（教示）" "$2"
    if ! command -v qpdf >/dev/null; then fail "qpdf installed" "apt-get install qpdf"
    elif qpdf --check "$1" >/dev/null 2>&1; then pass "$2: qpdf --check"
    else fail "$2: qpdf --check" "$(qpdf --check "$1" 2>&1 | head -3)"; fi
    expect_eq "$(pdftotext -layout "$1" - | grep -oE '[A-Za-z0-9]+_[A-Za-z0-9_]*' | sort -u | tr '\n' ' ')" \
        "" "$2: no identifier with '_'"
}
# docs OUT → "number nursery kind file sha256" of the ledger's documents, one a line
docs() {
    "$PY" - "$1/ledger.sqlite" <<'PYEOF'
import sqlite3, sys
for r in sqlite3.connect(sys.argv[1]).execute(
        "SELECT number, nursery_id, kind, file, sha256 FROM documents ORDER BY number"):
    print(*r)
PYEOF
}

section "a draft: notices marked 試算, no number"
D=$(new_out draft)
kasan decide --fy 2025 --data "$DATA" --rules "$RULES" --out "$D" --issue-date 2026-03-20 --quiet
expect_rc 0 "decide (a draft)"
for id in P101 P102 P103; do notice "$D/decisions-2025/notices/$id.pdf" "draft $id"; done
has "$D/decisions-2025/notices/P101.pdf" "試算" "draft P101"
has "$D/decisions-2025/notices/P101.pdf" "令和8年3月20日" "draft P101 (the issue date, 和暦)"
hasnt "$D/decisions-2025/notices/P101.pdf" "板子保第" "draft P101 (no 文書番号)"
expect_eq "$(pdfinfo "$D/decisions-2025/notices/P101.pdf" | awk -F': *' '/^Title/ {print $2}')" \
    "令和7年度 医療的ケア児受入加算・看護師等配置補助 交付決定通知書" "the PDF's title"

section "the sample ward's 17 notices: one page each"
S=$(new_out sample)
kasan decide --fy 2025 --data "$SRCDIR/fixtures/sample-ward" --rules "$RULES" --out "$S" --quiet
expect_rc 0 "decide the sample ward (a draft)"
expect_eq "$(for f in "$S"/decisions-2025/notices/*.pdf; do pages "$f"; done | sort | uniq -c | tr -s ' ')" \
    " 17 1" "17 notices of one page"
# P011's amount is what decisions.csv says (decide.sh checks that file
# against the independent oracle); its childcare worker S0003 is not decided
P011=$("$PY" -c 'import sys; print(f"{int(sys.argv[1]):,}")' \
    "$(awk -F, '$2 == "P011" { s += $6 } END { print s }' "$S/decisions-2025/decisions.csv")")
has "$S/decisions-2025/notices/P011.pdf" "交付決定額 ${P011}円" "P011"
has "$S/decisions-2025/notices/P011.pdf" "交付の対象としない計画" "P011"

section "the decision recorded: numbered notices, recorded by SHA-256"
O=$(new_out rec)
kasan decide --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --finalize --quiet
expect_rc 0 "decide --finalize"
N=$O/decisions-2025/notices
for id in P101 P102 P103; do notice "$N/$id.pdf" "$id"; done
# P101: A 6 × 130,000 + 6 × 145,000 = 1,650,000; B 400,000 × 12 = 4,800,000;
# together 6,450,000.  October: 145,000 + 400,000 = 545,000
has "$N/P101.pdf" "交付決定額 6,450,000円" "P101"
has "$N/P101.pdf" "医療的ケア児受入加算 1,650,000円" "P101"
has "$N/P101.pdf" "看護師等配置補助 4,800,000円" "P101"
has "$N/P101.pdf" "令和7年10月分 145,000円 400,000円 545,000円" "P101 October"
has "$N/P101.pdf" "令和8年4月1日" "P101 (dated the day it was decided, Japan time)"
hasnt "$N/P101.pdf" "試算" "P101 recorded"
# P102: A 1,942,258 + B 1,380,000 = 3,322,258; S003 (childcare worker) rejected July–March
has "$N/P102.pdf" "交付決定額 3,322,258円" "P102"
# P103: A 480,000 + B 3,150,000 = 3,630,000
has "$N/P103.pdf" "交付決定額 3,630,000円" "P103"
# the year's first numbers, in nursery order ({y}板子保第{n}号, 令和7年度 → 7)
has "$N/P101.pdf" "7板子保第1号" "P101"
has "$N/P102.pdf" "7板子保第2号" "P102"
has "$N/P103.pdf" "7板子保第3号" "P103"
expect_eq "$(docs "$O" | cut -d' ' -f1-4 | tr '\n' '|')" \
    "1 P101 decision_notice decisions-2025/notices/P101.pdf|2 P102 decision_notice decisions-2025/notices/P102.pdf|3 P103 decision_notice decisions-2025/notices/P103.pdf|" \
    "the ledger's documents"
for id in P101 P102 P103; do
    expect_eq "$(docs "$O" | awk -v id="$id" '$2 == id {print $5}')" \
        "$(sha256sum "$N/$id.pdf" | cut -d' ' -f1)" "$id's SHA-256 recorded"
done
expect_eq "$("$PY" -c 'import json,sqlite3,sys; p=json.loads(sqlite3.connect(sys.argv[1]).execute("SELECT payload FROM events WHERE action = '"'decide'"'").fetchone()[0]); print(len(p["documents"]), p["documents"][0]["number"])' "$O/ledger.sqlite")" \
    "3 1" "the decide event's payload lists them"
before=$(sha256sum "$N"/*.pdf "$N"/*.xlsx)

section "a draft after the decision is recorded is refused"
kasan decide --fy 2025 --data "$DATA" --rules "$RULES" --out "$O" --quiet
expect_rc 3 "a draft over a recorded decision"
expect_msg_contains "would overwrite them" "the refusal says why"
expect_eq "$(sha256sum "$N"/*.pdf "$N"/*.xlsx)" "$before" "the notices sent are untouched"
kasan decide --fy 2025 --data "$DATA" --rules "$RULES" --out "$(new_out elsewhere)" --quiet
expect_rc 0 "a draft into another --out"

section "変更交付決定: one new notice, the next number, the others untouched"
kasan decide --fy 2025 --data "$AMENDED" --rules "$RULES" --out "$O" --amend --nursery P102 \
    --reason "K005 starts 1 December"
expect_rc 0 "amend P102"
SEQ=$("$PY" -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT seq FROM events WHERE action='decide_amend'\").fetchone()[0])" "$O/ledger.sqlite")
A=$O/decisions-2025-amendments/P102-$SEQ.pdf
expect_msg_contains "wrote $A (変更交付決定通知書)" "the summary names the notice"
notice "$A" "P102's amendment"
# A = 600,000 + 2 × 110,000 + 4 × 230,000 = 1,740,000 (was 1,942,258):
# −202,258; B 1,380,000 unchanged; 3,322,258 → 3,120,000
has "$A" "変更交付決定通知書" "the amendment"
has "$A" "変更後の交付決定額 3,120,000円" "the amendment"
has "$A" "医療的ケア児受入加算 1,942,258円 1,740,000円 △202,258円" "the amendment's difference"
has "$A" "合計 3,322,258円 3,120,000円 △202,258円" "the amendment's total"
has "$A" "7板子保第4号" "the amendment (the next number)"
expect_eq "$(docs "$O" | awk '$1 == 4 {print $2, $3, $4}')" \
    "P102 amendment_notice decisions-2025-amendments/P102-$SEQ.pdf" "the amendment's number recorded"
expect_eq "$(docs "$O" | awk '$1 == 4 {print $5}')" "$(sha256sum "$A" | cut -d' ' -f1)" \
    "the amendment's SHA-256 recorded"
expect_eq "$(sha256sum "$N"/*.pdf "$N"/*.xlsx)" "$before" "the decision's notices untouched"
expect_eq "$(find "$O" -name '.*staging*' | wc -l | tr -d ' ')" 0 "no staging left"
kasan audit verify --out "$O"
expect_rc 0 "audit verify"
finish
