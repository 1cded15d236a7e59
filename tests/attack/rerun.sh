#!/usr/bin/env bash
# rerun.sh — the attack re-run of issue 21: the areas that were attacked
# (claim forms, transfer files, settlements, tampering with the ledger,
# crashes, races, output paths) tried again as a hostile but realistic user
# would.  Not part of the meson suite (it takes minutes and some cases are
# timing races): run it by hand, see tests/attack/README.md.
#
#   tests/attack/rerun.sh [AREA...]      (default: every area)
#   KASAN=build-asan/kasan tests/attack/rerun.sh transfer races
#
# Each case prints one line, HELD or NOT HELD, with what happened; the end is
# a tally "area: held/tried" per area.  Exit 0 when every case held, 1 if one
# did not.  A case that cannot run here (a tool missing) is said and not
# counted.  What "held" means is the contract of README.md / SPEC §3, said
# beside each case.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
: "${KASAN:=$ROOT/build/kasan}"
[ -x "$KASAN" ] || { echo "rerun.sh: no kasan binary at $KASAN (set KASAN=)" >&2; exit 1; }
KASAN=$(cd "$(dirname "$KASAN")" && pwd)/$(basename "$KASAN")
SRCDIR=$ROOT
export SRCDIR KASAN
# shellcheck source=../e2e/lib.sh
. "$ROOT/tests/e2e/lib.sh"
E2E_NAME=rerun
PY=/usr/bin/python3
SAMPLE=$ROOT/fixtures/sample-ward
SETTLE=$ROOT/tests/e2e/settle-data
ZREAD="python3 $ROOT/tests/e2e/zengin_read.py"
export KASAN_ACTOR=attacker

AREAS="forms transfer settlement tampering crashes races paths"
declare -A TRIED HELD
ANY_NOT_HELD=0

# ---------------------------------------------------------------- verdicts

# judge AREA LABEL WHAT TEST... — runs TEST; HELD if it succeeds.  WHAT says
# what happened (exit codes, messages), printed either way.
judge() {
    _a=$1 _l=$2 _w=$3
    shift 3
    TRIED[$_a]=$((${TRIED[$_a]:-0} + 1))
    if if [ $# -eq 1 ]; then eval "$1"; else "$@"; fi; then
        HELD[$_a]=$((${HELD[$_a]:-0} + 1))
        printf 'HELD      %-10s %s — %s\n' "$_a" "$_l" "$_w"
    else
        ANY_NOT_HELD=1
        printf 'NOT HELD  %-10s %s — %s\n' "$_a" "$_l" "$_w"
    fi
}
# cannot AREA LABEL WHY — a case not run here (not counted)
cannot() { printf 'NOT RUN   %-10s %s — %s\n' "$1" "$2" "$3"; }

# k ARGS... — kasan under a 120 s timeout (124: it hung); RC, OUT_TXT, ERR_TXT
k() {
    timeout 120 "$KASAN" "$@" > "$WORK/.stdout" 2> "$WORK/.stderr"
    RC=$?
    OUT_TXT=$(cat "$WORK/.stdout")
    ERR_TXT=$(cat "$WORK/.stderr")
}
# said — "exit RC: first line of stderr (or stdout)", for WHAT
said() {
    _m=$(printf '%s\n' "$ERR_TXT" | grep -v '^$' | head -n 1)
    [ -n "$_m" ] || _m=$(printf '%s\n' "$OUT_TXT" | grep -v '^$' | head -n 1)
    printf 'exit %s: %s' "$RC" "$(printf '%s' "$_m" | cut -c1-150)"
}
rc_is() { [ "$RC" -eq "$1" ]; }
has() { printf '%s\n%s\n' "$ERR_TXT" "$OUT_TXT" | grep -qF -- "$1"; }
lacks() { ! has "$1"; }
all() { for _t in "$@"; do eval "$_t" || return 1; done; }
events() { "$KASAN" audit export --out "$1" 2>/dev/null | grep -c "\"action\":\"$2\""; }
verify_rc() { "$KASAN" audit verify --out "$1" "${@:2}" >/dev/null 2>&1; echo $?; }
# sql DB STATEMENTS — python3's sqlite3 with the append-only triggers dropped,
# as someone with the file (and a SQL shell) would
sql() {
    $PY - "$1" "$2" <<'PYEOF'
import sqlite3, sys
d = sqlite3.connect(sys.argv[1], isolation_level=None)
for (name,) in d.execute("SELECT name FROM sqlite_master WHERE type='trigger'").fetchall():
    d.execute('DROP TRIGGER "%s"' % name)
d.executescript(sys.argv[2])
PYEOF
}
fin() { # DATA OUT MONTH [ARGS] — finalize a month (no workbooks or PDFs unless DOCS=1)
    _docs=--no-workbooks
    [ -n "${DOCS:-}" ] && _docs=--quiet
    k run --month "$3" --data "$1" --rules "$RULES" --out "$2" --finalize --quiet "$_docs" "${@:4}"
}

# killed CMD... — CMD, output dropped, which a signal may kill: bash's "Killed"
# notice goes nowhere; returns CMD's exit code
killed() {
    ( "$@" >/dev/null 2>&1; echo $? > "$WORK/.killed" ) 2>/dev/null
    return "$(cat "$WORK/.killed")"
}

# ---------------------------------------------------------------- forms

area_forms() {
    if ! $PY -c 'import openpyxl' 2>/dev/null; then
        cannot forms "every case" "python3-openpyxl missing"; return
    fi
    local M=2025-10
    k forms --month $M --data "$SAMPLE" --rules "$RULES" --out "$WORK/fo"
    mkdir -p "$WORK/blank"
    cp "$WORK/fo/$M/forms/P011.xlsx" "$WORK/fo/$M/forms/P012.xlsx" "$WORK/blank/"
    $PY "$ROOT/tests/e2e/fill_forms.py" "$WORK/blank" "$SAMPLE/claims/$M" "$WORK/filled" >/dev/null
    F=$WORK/filled/P011.xlsx
    edit() { # NAME PYTHON → $WORK/NAME.xlsx (c 児童, s 職員)
        $PY - "$F" "$WORK/$1.xlsx" "$2" <<'PYEOF'
import sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
c, s = wb["児童"], wb["職員"]
exec(sys.argv[3])
wb.save(sys.argv[2])
PYEOF
    }
    # zipped NAME MEMBER PYTHON — P011's form with MEMBER's XML replaced by
    # what PYTHON leaves in x (starting from its text), or data (bytes)
    zipped() {
        $PY - "$F" "$WORK/$1.xlsx" "$2" "$3" <<'PYEOF'
import sys, zipfile
src, dst, member, code = sys.argv[1:5]
z = zipfile.ZipFile(src)
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as o:
    for i in z.infolist():
        if i.filename != member:
            o.writestr(i, z.read(i.filename))
    x = z.read(member).decode(); data = None
    g = {"x": x, "data": None, "o": o, "member": member}
    exec(code, g)
    if g["data"] is not None or g["x"] is not None:
        o.writestr(member, g["data"] if g["data"] is not None else g["x"].encode())
PYEOF
    }
    ward() { rm -rf "$WORK/fw"; cp -r "$SAMPLE" "$WORK/fw"; rm -rf "$WORK/fw/claims/$M"; }
    intake() { ward; k intake --month $M --data "$WORK/fw" --rules "$RULES" "$@"; }
    nothing() { [ ! -e "$WORK/fw/claims/$M/children.csv" ]; }
    refused_at() { rc_is 2 && has "$1" && nothing; }

    edit comma_h 's["D7"] = "68,25"'
    intake "$WORK/comma_h.xlsx"
    judge forms "hours '68,25' (decimal comma)" "$(said)" refused_at '職員!D7'
    edit comma_y 's["E7"] = "38,1000"'
    intake "$WORK/comma_y.xlsx"
    judge forms "yen '38,1000' (comma out of place)" "$(said)" refused_at '職員!E7'
    edit comma_ok 's["E7"] = "126,262"'
    intake "$WORK/comma_ok.xlsx"
    judge forms "yen '126,262' (a real thousands comma) accepted" "$(said)" rc_is 0
    edit f_yen 's["F6"] = "=20000"'
    intake "$WORK/f_yen.xlsx"
    judge forms "寄付金 =20000 with no saved result" "$(said)" refused_at '職員!F6'
    edit f_date 'c["K8"] = "=DATE(2025,10,15)"'
    intake "$WORK/f_date.xlsx"
    judge forms "在籍終了日 =DATE() with no saved result" "$(said)" refused_at '児童!K8'
    edit f_id 's["B2"] = "=\"P011\""'
    intake "$WORK/f_id.xlsx"
    judge forms "a formula in the locked id cell" "$(said)" refused_at '職員!B2'
    # 1904 system: C0010 leaves 2025-10-16: 55,000 × 2 + round_down(55,000 ×
    # 16 / 31) = 28,387 + 30,000 = 168,387 (form_cells.sh)
    edit d1904 'wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
c["J6"] = datetime.date(2023, 4, 1); c["J7"] = datetime.date(2024, 4, 1)
c["J8"] = datetime.date(2025, 4, 14); c["K8"] = datetime.date(2025, 10, 16)'
    intake "$WORK/d1904.xlsx"
    _w=$(said)
    run_month "$WORK/fw" $M "$WORK/fw-out"
    _a=$(payment "$WORK/fw-out" $M P011 acceptance_addon)
    judge forms "a 1904-date-system workbook" "$_w; P011 add-on $_a (168387 by hand)" [ "$_a" = 168387 ]
    edit order 'c["K8"] = "2025/4/1"'
    intake "$WORK/order.xlsx"
    judge forms "在籍終了日 before 在籍開始日" "$(said)" all 'refused_at 児童!K8' 'lacks internal'
    edit lock 'c["B2"] = "P012"'
    intake "$WORK/lock.xlsx" "$WORK/filled/P012.xlsx"
    judge forms "locked 児童!B2 changed P011 → P012" "$(said)" all 'refused_at 児童!B2' "lacks 'P012.xlsx:'"
    edit name 'c["F2"] = "よその保育園"'
    intake "$WORK/name.xlsx"
    judge forms "locked 施設名 changed" "$(said)" refused_at '児童!F2'
    edit tick 'c["C7"] = "x"'
    intake "$WORK/tick.xlsx"
    judge forms "an ambiguous tick 'x'" "$(said)" refused_at '児童!C7'
    edit nocare 'c["D6"] = None'
    intake "$WORK/nocare.xlsx"
    judge forms "a child with no care type ticked" "$(said)" refused_at '児童!B6'
    edit neg 's["E7"] = -126262'
    intake "$WORK/neg.xlsx"
    judge forms "a negative 対象経費" "$(said)" refused_at '職員!E7'
    edit big 's["E7"] = 99999999999999999999'
    intake "$WORK/big.xlsx"
    judge forms "対象経費 past int64" "$(said)" refused_at '職員!E7'
    # XXE: an external entity in the 児童 sheet (xl/worksheets/sheet2.xml),
    # as C0008's ref; the file's text must not reach the claims (refused, or
    # read without expanding it)
    S=xl/worksheets/sheet2.xml
    echo "XXE-SECRET-$$" > "$WORK/secret.txt"
    zipped xxe $S "x = '<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY e SYSTEM \"file://$WORK/secret.txt\">]>' + x.replace('<t>C0008</t>', '<t>&e;</t>', 1)"
    intake "$WORK/xxe.xlsx"
    judge forms "XXE (an external entity as a child's ref)" "$(said)" \
        all '[ "$RC" -eq 2 ]' "! grep -rq XXE-SECRET '$WORK/fw/claims' 2>/dev/null"
    zipped laughs $S "x = '<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\">' + ''.join('<!ENTITY %s \"%s\">' % (chr(98+i), ('&%s;' % chr(97+i)) * 10) for i in range(9)) + ']>' + x.replace('<t>C0008</t>', '<t>&j;</t>', 1)"
    _t0=$(date +%s)
    intake "$WORK/laughs.xlsx"
    judge forms "billion laughs as a child's ref" "$(said) in $(($(date +%s) - _t0)) s" \
        all 'rc_is 2' '[ $(($(date +%s) - _t0)) -lt 30 ]'
    # zip bomb: the 児童 sheet 1 GiB (spaces) deflated to about 1 MB
    zipped bomb $S "x = None
with o.open(member, 'w', force_zip64=True) as w:
    blk = b' ' * (1 << 20)
    for _ in range(1024): w.write(blk)"
    _t0=$(date +%s)
    intake "$WORK/bomb.xlsx"
    judge forms "zip bomb (a 1 GiB sheet in $(du -k "$WORK/bomb.xlsx" | cut -f1) KiB)" \
        "$(said) in $(($(date +%s) - _t0)) s" all 'rc_is 2' '[ $(($(date +%s) - _t0)) -lt 60 ]'
    printf 'nursery_id,child_ref\nP011,C1\n' > "$WORK/csv.xlsx"
    intake "$WORK/csv.xlsx"
    judge forms "a CSV renamed .xlsx" "$(said)" refused_at csv.xlsx
    head -c 3000 "$F" > "$WORK/trunc.xlsx"
    intake "$WORK/trunc.xlsx"
    judge forms "a truncated workbook" "$(said)" refused_at trunc.xlsx
    # a late form: P011 replaced alone, every other nursery's line kept
    rm -rf "$WORK/fl"; cp -r "$SAMPLE" "$WORK/fl"
    k intake --month $M --data "$WORK/fl" --rules "$RULES" "$F"
    _w1=$(said)
    k intake --month $M --data "$WORK/fl" --rules "$RULES" --replace "$F"
    # (a file typed by hand gains an empty 'form' column: compared without it)
    _o1=$(grep -v '^P011,' "$SAMPLE/claims/$M/children.csv" | cut -d, -f1-5 | md5sum)
    _o2=$(grep -v '^P011,' "$WORK/fl/claims/$M/children.csv" | cut -d, -f1-5 | md5sum)
    judge forms "a late form without/with --replace" "without: $_w1; with: $(said)" \
        all '[ "$_w1" != "${_w1#exit 3}" ]' 'rc_is 0' '[ "$_o1" = "$_o2" ]'
    rm -rf "$WORK/ff"; cp -r "$SAMPLE" "$WORK/ff"
    KASAN_NOW=2025-11-12T09:00:00Z fin "$WORK/ff" "$WORK/ff-out" $M
    k intake --month $M --data "$WORK/ff" --rules "$RULES" --out "$WORK/ff-out" --replace "$F"
    judge forms "replacing a finalized month's lines without --correction" "$(said)" rc_is 3
}

# ---------------------------------------------------------------- transfer

area_transfer() {
    local M=2025-04 O
    export KASAN_NOW=2025-05-12T09:00:00Z
    rm -rf "$WORK/tw"; cp -r "$SAMPLE" "$WORK/tw"
    # a kanji account holder: stopped when the registry is read (item 10)
    sed -i 's/^\(P002,.*\),シャカイフクシホウジン　コウメイカイ,/\1,社会福祉法人光明会,/' "$WORK/tw/nurseries.csv"
    O=$(new_out t0)
    fin "$WORK/tw" "$O" $M
    judge transfer "a kanji account holder in the registry" "$(said)" all 'rc_is 2' 'has nurseries.csv'
    # a paid nursery without bank_code: finalized, but no file
    rm -rf "$WORK/tw"; cp -r "$SAMPLE" "$WORK/tw"
    sed -i 's/^\(P002,.*,1762890,シャカイフクシホウジン　コウメイカイ\),0005,/\1,,/' "$WORK/tw/nurseries.csv"
    O=$(new_out t1)
    fin "$WORK/tw" "$O" $M
    k transfer --month $M --date 2025-05-20 --data "$WORK/tw" --rules "$RULES" --out "$O"
    judge transfer "a paid nursery without bank_code" "$(said)" \
        all 'rc_is 2' 'has P002' '! ls "$O/$M" | grep -q transfer' '[ "$(events "$O" transfer)" = 0 ]'

    O=$(new_out t2)
    fin "$SAMPLE" "$O" $M
    k transfer --month $M --date 2025-07-21 --data "$SAMPLE" --rules "$RULES" --out "$O"
    judge transfer "振込指定日 on a holiday (2025-07-21 海の日)" "$(said)" all 'rc_is 1' 'has 2025-07-22'
    k transfer --month $M --date 2025-05-09 --data "$SAMPLE" --rules "$RULES" --out "$O"
    judge transfer "振込指定日 before the finalization" "$(said)" rc_is 1
    k transfer --month $M --date 2025-02-30 --data "$SAMPLE" --rules "$RULES" --out "$O"
    judge transfer "振込指定日 2025-02-30" "$(said)" rc_is 1
    k transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O"
    _w=$(said)
    _f=$O/$M/transfer-$M.txt
    _tot=$($ZREAD "$_f" 2>/dev/null | sed -n 's/^[0-9]*\.total=//p' | sed 's/^0*//')
    _sum=$(awk -F, 'NR > 1 { s += $5 } END { print s }' "$O/$M/payments.csv")
    judge transfer "the file's trailer against payments.csv" "$_w; trailer $_tot, payments.csv $_sum" \
        all 'rc_is 0' '[ -n "$_tot" ] && [ "$_tot" = "$_sum" ]'
    k transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O"
    judge transfer "a second transfer without --reissue" "$(said)" \
        all 'rc_is 3' '[ "$(events "$O" refuse)" = 1 ]' '[ "$(events "$O" transfer)" = 1 ]'
    k transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O" --reissue
    judge transfer "--reissue without --reason" "$(said)" rc_is 1
    k transfer --month $M --date 2025-05-21 --data "$SAMPLE" --rules "$RULES" --out "$O" \
        --reissue --reason "銀行がファイルを紛失"
    judge transfer "--reissue --reason: a new file, the first kept" "$(said)" \
        all 'rc_is 0' '[ -f "$O/$M/transfer-$M-2.txt" ]' 'cmp -s "$_f" "$O/$M/transfer-$M.txt"' \
        '[ "$(events "$O" transfer)" = 2 ]'
    k transfer --month 2025-06 --date 2025-07-22 --data "$SAMPLE" --rules "$RULES" --out "$O"
    judge transfer "a month never finalized" "$(said)" rc_is 1
    run_month "$SAMPLE" 2025-05 "$O"
    KASAN_NOW=2025-06-12T09:00:00Z k transfer --month 2025-05 --date 2025-06-20 --data "$SAMPLE" \
        --rules "$RULES" --out "$O"
    judge transfer "a draft month" "$(said)" all 'rc_is 3' "[ \"\$(events '$O' refuse)\" = 2 ]"

    # issue 21 item 3: transferred, correction 2 lowers P002 (C0002 gone),
    # correction 3 puts it back.  The statements' corrections.csv (owed_yen)
    # and the transfer must say the same thing each time.
    rm -rf "$WORK/tc"; cp -r "$SAMPLE" "$WORK/tc"
    O=$(new_out t3)
    fin "$WORK/tc" "$O" $M
    k transfer --month $M --date 2025-05-20 --data "$WORK/tc" --rules "$RULES" --out "$O"
    # owed_vs_transfer N LABEL — run N (a correction) just finalized: what its
    # corrections.csv owes (positive owed_yen), what P002's statement ID-N
    # says, and what a transfer now pays, all one amount
    owed_vs_transfer() {
        _owed=$(awk -F, 'NR > 1 && $8 > 0 { s += $8 } END { print s + 0 }' "$O/$M/corrections.csv")
        _st=none
        if command -v pdftotext >/dev/null && [ -f "$O/$M/statements/P002-$1.pdf" ]; then
            _st=$(pdftotext "$O/$M/statements/P002-$1.pdf" - 2>/dev/null | tr -d ' \n' |
                grep -o '[0-9,]*円を追給' | head -n 1 | tr -d ',円を追給')
            _st=${_st:-0}
        fi
        k transfer --month $M --date 2025-05-26 --data "$WORK/tc" --rules "$RULES" --out "$O"
        _paid=
        rc_is 0 && _paid=$(printf '%s\n' "$OUT_TXT" | sed -n 's/.* transfers*, \([0-9,]*\) yen.*/\1/p' | tr -d ,)
        judge transfer "$2" "correction $CORR; corrections.csv owes $_owed; P002-$1.pdf 追給 $_st; transfer $(said)" \
            all 'rc_is 0' '[ "${_paid:-0}" = "$_owed" ]' '[ "$_st" = none ] || [ "$_st" = "$_owed" ]'
    }
    sed -i '/^P002,C0002,/d' "$WORK/tc/claims/$M/children.csv"
    DOCS=1 fin "$WORK/tc" "$O" $M --supersede --reason "C0002 退園"
    CORR=$(said)
    owed_vs_transfer 2 "transferred, then lowered (返還): statement and bank file agree"
    cp "$SAMPLE/claims/$M/children.csv" "$WORK/tc/claims/$M/children.csv"
    DOCS=1 fin "$WORK/tc" "$O" $M --supersede --reason "C0002 在籍の確認"
    CORR=$(said)
    owed_vs_transfer 3 "…then put back: statement and bank file agree"
    sed -i 's/^P002,C0002,tracheostomy;suction,/P002,C0002,tracheostomy;suction;ventilator,/' \
        "$WORK/tc/claims/$M/children.csv"
    printf 'P002,C0099,suction,2025-04-01,\n' >> "$WORK/tc/claims/$M/children.csv"
    DOCS=1 fin "$WORK/tc" "$O" $M --supersede --reason "C0099 追加"
    CORR=$(said)
    owed_vs_transfer 4 "…then raised (追給): the file pays exactly what is owed"
    judge transfer "verify after the corrections and files" "exit $(verify_rc "$O")" [ "$(verify_rc "$O")" = 0 ]
    # a correction before any transfer: the first file pays the whole run
    rm -rf "$WORK/tc"; cp -r "$SAMPLE" "$WORK/tc"
    O=$(new_out t4)
    fin "$WORK/tc" "$O" $M
    sed -i '/^P002,C0002,/d' "$WORK/tc/claims/$M/children.csv"
    fin "$WORK/tc" "$O" $M --supersede --reason "C0002 退園"
    _p2=$(awk -F, '$2 == "P002" { print $5 "," $7 "," $8 }' "$O/$M/corrections.csv")
    k transfer --month $M --date 2025-05-26 --data "$WORK/tc" --rules "$RULES" --out "$O"
    _paid=$(printf '%s\n' "$OUT_TXT" | sed -n 's/.* transfers*, \([0-9,]*\) yen.*/\1/p' | tr -d ,)
    _cur=$(awk -F, 'NR > 1 { s += $5 } END { print s }' "$O/$M/payments.csv")
    judge transfer "a correction before any transfer: the first file pays the corrected run" \
        "P002 corrected,transferred,owed $_p2; transfer $(said); run total $_cur" \
        all 'rc_is 0' '[ "$_paid" = "$_cur" ]' '[ "${_p2#*,}" = "0,${_p2%%,*}" ]'
    unset KASAN_NOW
}

# ---------------------------------------------------------------- settlement

MONTHS="2025-04 2025-05 2025-06 2025-07 2025-08 2025-09 2025-10 2025-11 2025-12 2026-01 2026-02 2026-03"
settled() { # DATA OUT — every month finalized, then the settlement
    for _m in $MONTHS; do fin "$1" "$2" "$_m"; done
    k settle --fy 2025 --data "$1" --rules "$RULES" --out "$2" --finalize --issue-date 2026-06-10
}

area_settlement() {
    local O
    export KASAN_NOW=2026-06-10T09:00:00Z
    rm -rf "$WORK/sd"; cp -R "$SETTLE" "$WORK/sd"
    O=$(new_out s1)
    settled "$WORK/sd" "$O"
    judge settlement "the settlement of settle-data" "$(said)" rc_is 0
    k transfer --settlement 2025 --date 2026-06-30 --rules "$RULES" --out "$O"
    judge settlement "its 追加交付 transferred" "$(said)" rc_is 0
    k transfer --settlement 2025 --date 2026-06-30 --rules "$RULES" --out "$O"
    judge settlement "a second settlement transfer" "$(said)" rc_is 3
    # a month corrected under the finalized settlement (+ money): refused
    # unless the settlement is corrected with it or an override is recorded
    sed -i 's/^P002,S0002,nurse,part_time,100.5,/P002,S0002,nurse,part_time,120.5,/' \
        "$WORK/sd/claims/2026-03/nurses.csv"
    fin "$WORK/sd" "$O" 2026-03 --supersede --reason "時間の訂正"
    judge settlement "a month corrected under a finalized settlement" "$(said)" rc_is 3
    _stale=$(stale_settlement "$O")
    judge settlement "…and the settlement then rests on a replaced month" \
        "months not current: ${_stale:-none}; verify exit $(verify_rc "$O")" \
        '[ -z "$_stale" ] || [ "$(verify_rc "$O")" = 4 ]'
    k replay --settlement 2025 --rules "$RULES" --out "$O"
    judge settlement "replay --settlement after that" "$(said)" rc_is 0
    # the settlement's directory lost: restore writes back its transfer file
    _sha=$(sha256sum < "$O/settlement-2025/transfer-settlement-2025.txt")
    rm -rf "$O/settlement-2025"
    k restore --settlement 2025 --rules "$RULES" --out "$O"
    judge settlement "restore --settlement writes back its transfer file" "$(said)" \
        all 'rc_is 0' '[ "$(sha256sum < "$O/settlement-2025/transfer-settlement-2025.txt" 2>/dev/null)" = "$_sha" ]'
    # a settlement whose months are not all finalized
    O=$(new_out s2)
    fin "$SETTLE" "$O" 2025-04
    k settle --fy 2025 --data "$SETTLE" --rules "$RULES" --out "$O" --finalize
    # SPEC 6.2: only finalized months count, and the command says which are not
    judge settlement "a settlement with eleven months unfinalized" "$(said)" \
        all '[ "$RC" -ne 5 ]' 'has 2026-03'
    # the sample ward's year (item 12): P023 closed on 2025-09-30, 追加交付
    # 3,000 (settle.sh: annual 168,000, paid 165,000); its report with
    # October's costs (619,850 / 420,000) is warned about
    O=$(new_out s3)
    timeout 600 "$KASAN" run --fy 2025 --finalize --no-workbooks --quiet --data "$SAMPLE" --rules "$RULES" \
        --out "$O" --over-budget-reason "補正予算" >/dev/null 2>&1
    k settle --fy 2025 --data "$SAMPLE" --rules "$RULES" --out "$O"
    _r=$(awk -F, '$2 == "P023" { print $5 "," $6 "," $7 }' "$O/settlement-2025/settlement.csv" 2>/dev/null)
    judge settlement "the sample ward's P023 (closed 2025-09-30)" "$(said); P023 annual,paid,difference $_r" \
        all 'rc_is 0' '[ "$_r" = "168000,165000,3000" ]'
    rm -rf "$WORK/sa"; cp -R "$SAMPLE" "$WORK/sa"
    sed -i 's/^P023,nurse_placement,.*/P023,nurse_placement,619850,420000,2025-04,2025-10/' "$WORK/sa/settlement/2025/actuals.csv"
    k settle --fy 2025 --data "$WORK/sa" --rules "$RULES" --out "$O"
    judge settlement "P023's report counting October (not active)" "exit $RC: $(printf '%s' "$ERR_TXT" | grep -m1 'P023' | cut -c1-200)" \
        all 'rc_is 0' 'has "P023 nurse_placement"' 'has "not active"'
    unset KASAN_NOW
}

# ---------------------------------------------------------------- tampering

area_tampering() {
    local M=2025-04 O A
    export KASAN_NOW=2025-05-12T09:00:00Z
    fresh() { # OUT — April finalized and transferred, May finalized; A the transfer's anchor
        fin "$SAMPLE" "$1" $M
        k transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$1"
        A=$(printf '%s\n' "$OUT_TXT" | sed -n 's/^  anchor to keep with the transfer: //p')
    }
    O=$(new_out x1); fresh "$O"
    sql "$O/ledger.sqlite" "UPDATE events SET payload = replace(payload, '\"total_yen\":1149333', '\"total_yen\":1249333') WHERE seq = 1;"
    judge tampering "an event's payload edited (total +100,000)" "verify exit $(verify_rc "$O")" [ "$(verify_rc "$O")" = 4 ]
    O=$(new_out x2); fresh "$O"
    sql "$O/ledger.sqlite" "UPDATE payments SET amount_yen = amount_yen + 100000 WHERE nursery_id = 'P002';"
    _v=$(verify_rc "$O")
    k replay --month $M --rules "$RULES" --out "$O"
    judge tampering "a payments row edited (P002 +100,000)" "verify exit $_v, replay $(said)" \
        '[ "$_v" = 4 ] || [ "$RC" = 4 ]'
    O=$(new_out x3); fresh "$O"
    sql "$O/ledger.sqlite" "DELETE FROM events WHERE seq = 1;"
    judge tampering "the first event deleted" "verify exit $(verify_rc "$O")" [ "$(verify_rc "$O")" = 4 ]
    O=$(new_out x4); fresh "$O"
    sql "$O/ledger.sqlite" "DELETE FROM events WHERE seq = 2;"
    _v=$(verify_rc "$O")
    # (the ledger alone cannot show a cut tail; but the transfer file the
    # deleted event recorded is still in OUT/M, unrecorded)
    judge tampering "the last event (the transfer) deleted, no anchor" \
        "plain verify exit $_v, with transfer-$M.txt still in OUT unrecorded" [ "$_v" = 4 ]
    judge tampering "the last event deleted, verify --anchor $A" "exit $(verify_rc "$O" --anchor "$A")" \
        [ "$(verify_rc "$O" --anchor "$A")" = 4 ]
    O=$(new_out x5); fresh "$O"
    _s=$(sha256sum < "$O/$M/transfer-$M.txt" | cut -d' ' -f1)
    sql "$O/ledger.sqlite" "DELETE FROM blobs WHERE sha256 = '$_s';"
    judge tampering "the transfer file's stored bytes deleted" "verify exit $(verify_rc "$O")" [ "$(verify_rc "$O")" = 4 ]
    O=$(new_out x6); fresh "$O"
    sql "$O/ledger.sqlite" "UPDATE blobs SET data = CAST(replace(CAST(data AS TEXT), 'C0002', 'C0003') AS BLOB) WHERE sha256 = (SELECT sha256 FROM run_files WHERE role = 'children');"
    judge tampering "a stored claims file's bytes edited" "verify exit $(verify_rc "$O")" [ "$(verify_rc "$O")" = 4 ]
    O=$(new_out x7); fresh "$O"
    sql "$O/ledger.sqlite" "DELETE FROM blobs WHERE sha256 = (SELECT sha256 FROM run_files WHERE role = 'registry');"
    judge tampering "the stored registry deleted" "verify exit $(verify_rc "$O")" [ "$(verify_rc "$O")" = 4 ]
    O=$(new_out x8); fresh "$O"
    sed -i 's/^\(2.\{79\}\)0000130000/\10000230000/' "$O/$M/transfer-$M.txt"
    judge tampering "the transfer file edited under OUT (P002 +100,000)" "verify exit $(verify_rc "$O")" \
        [ "$(verify_rc "$O")" = 4 ]
    O=$(new_out x9); fresh "$O"
    sql "$O/ledger.sqlite" "UPDATE runs SET superseded_by = 'x' WHERE 1;"
    _v=$(verify_rc "$O")
    k transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O" --reissue --reason r
    judge tampering "runs.superseded_by forged" "verify exit $_v; a reissue $(said)" '[ "$_v" = 4 ]'
    O=$(new_out x10); fresh "$O"
    truncate -s 8192 "$O/ledger.sqlite"
    k audit verify --out "$O"
    judge tampering "ledger.sqlite truncated to 8 KiB" "$(said)" all '[ "$RC" = 4 ] || [ "$RC" = 5 ]' 'has ledger'
    O=$(new_out x11); fresh "$O"
    printf 'garbage' > "$O/ledger.sqlite"
    k transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O"
    judge tampering "ledger.sqlite replaced by garbage, then a transfer" "$(said)" \
        all '[ "$RC" -ne 0 ]' '[ "$RC" -lt 6 ]' "! ls '$O/$M' | grep -q 'transfer-$M-2'"
    unset KASAN_NOW
}

# ---------------------------------------------------------------- crashes

area_crashes() {
    local M=2025-04 O
    export KASAN_NOW=2025-05-12T09:00:00Z
    if ! command -v strace >/dev/null; then cannot crashes "kills at renames" "strace missing"
    else
        # the transfer killed at its rename (after the ledger commit)
        O=$(new_out c1)
        fin "$SAMPLE" "$O" $M
        killed strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=1 \
            "$KASAN" transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O"
        _e=$(events "$O" transfer)
        _want=$("$KASAN" audit export --out "$O" | grep '"action":"transfer"' | sed 's/.*"sha256":"\([0-9a-f]*\)".*/\1/')
        k restore --month $M --data "$SAMPLE" --rules "$RULES" --out "$O"
        _got=$(sha256sum < "$O/$M/transfer-$M.txt" 2>/dev/null | cut -d' ' -f1)
        judge crashes "transfer SIGKILLed at its rename, then restore" \
            "events $_e, restore $(said), file sha ${_got:0:12} vs event ${_want:0:12}" \
            all '[ "$_e" = 1 ]' 'rc_is 0' '[ -n "$_got" ] && [ "$_got" = "$_want" ]' \
            '[ "$(verify_rc "$O")" = 0 ]' "! ls -A '$O/$M' | grep -q '^\\.'"
        # finalize killed at each of its first renames: the next command mends
        strace -f -qq -e trace=rename -o "$WORK/.ren" "$KASAN" run --month 2025-05 --data "$SAMPLE" \
            --rules "$RULES" --out "$(new_out cren)" --finalize --quiet >/dev/null 2>&1
        _n=$(grep -c 'rename(' "$WORK/.ren")
        for _i in $(seq 1 "$_n"); do
            O=$(new_out c2-$_i)
            killed strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=$_i \
                "$KASAN" run --month 2025-05 --data "$SAMPLE" --rules "$RULES" --out "$O" --finalize \
                --quiet
            k restore --month 2025-05 --data "$SAMPLE" --rules "$RULES" --out "$O"
            _r=$(said)
            fin "$SAMPLE" "$O" 2025-05
            _f=$RC
            k replay --month 2025-05 --rules "$RULES" --out "$O"
            judge crashes "finalize SIGKILLed at rename $_i of $_n" "restore $_r; finalize again exit $_f; replay $(said)" \
                all '[ "$_f" = 3 ] || [ "$_f" = 0 ]' 'rc_is 0' '[ -f "$O/2025-05/payments.csv" ]' \
                '[ "$(verify_rc "$O")" = 0 ]'
        done
        # intake --replace killed at its last rename (item 6)
        if $PY -c 'import openpyxl' 2>/dev/null; then
            k forms --month 2025-10 --data "$SAMPLE" --rules "$RULES" --out "$WORK/cf"
            mkdir -p "$WORK/cb"; cp "$WORK/cf/2025-10/forms/P011.xlsx" "$WORK/cb/"
            $PY "$ROOT/tests/e2e/fill_forms.py" "$WORK/cb" "$SAMPLE/claims/2025-10" "$WORK/cfl" >/dev/null
            rm -rf "$WORK/ci"; cp -r "$SAMPLE" "$WORK/ci"
            strace -f -qq -e trace=rename -o "$WORK/.ren" "$KASAN" intake --month 2025-10 --data "$WORK/ci" \
                --rules "$RULES" --replace "$WORK/cfl/P011.xlsx" >/dev/null 2>&1
            _n=$(grep -c 'rename(' "$WORK/.ren")
            rm -rf "$WORK/ci"; cp -r "$SAMPLE" "$WORK/ci"
            killed strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=$_n \
                "$KASAN" intake --month 2025-10 --data "$WORK/ci" --rules "$RULES" --replace \
                "$WORK/cfl/P011.xlsx"
            run_month "$WORK/ci" 2025-10 "$WORK/ci-out"
            judge crashes "intake --replace SIGKILLed at its last rename ($_n)" \
                "the next run $(said); hidden left: $(ls -A "$WORK/ci/claims" | grep -c '^\.')" \
                all 'rc_is 0' '[ -f "$WORK/ci/claims/2025-10/children.csv" ]' \
                "! ls -A '$WORK/ci/claims' | grep -q '^\\.'"
        else cannot crashes "intake --replace killed" "python3-openpyxl missing"; fi
    fi
    # the settlement: finalize killed at each rename, then its transfer killed
    # at its rename; restore --settlement mends both
    if command -v strace >/dev/null; then
        export KASAN_NOW=2026-06-10T09:00:00Z
        O=$(new_out c4)
        for _m in $MONTHS; do fin "$SETTLE" "$O" "$_m"; done
        cp -R "$O" "$WORK/c4-months"
        strace -f -qq -e trace=rename -o "$WORK/.ren" "$KASAN" settle --fy 2025 --data "$SETTLE" \
            --rules "$RULES" --out "$O" --finalize --issue-date 2026-06-10 >/dev/null 2>&1
        _n=$(grep -c 'rename(' "$WORK/.ren")
        for _i in $(seq 1 "$_n"); do
            rm -rf "$O"; cp -R "$WORK/c4-months" "$O"
            killed strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=$_i \
                "$KASAN" settle --fy 2025 --data "$SETTLE" --rules "$RULES" --out "$O" --finalize \
                --issue-date 2026-06-10
            k restore --settlement 2025 --data "$SETTLE" --rules "$RULES" --out "$O"
            _r=$(said)
            k replay --settlement 2025 --rules "$RULES" --out "$O"
            _p=$RC
            k settle --fy 2025 --data "$SETTLE" --rules "$RULES" --out "$O" --finalize --issue-date 2026-06-10
            judge crashes "settle --finalize SIGKILLed at rename $_i of $_n" \
                "restore $_r; replay exit $_p; settle again $(said)" \
                all '{ [ "$_p" = 0 ] && [ -f "$O/settlement-2025/settlement.csv" ] && rc_is 3; } || { [ "$_p" != 0 ] && rc_is 0; }' \
                '[ "$(verify_rc "$O")" = 0 ]'
        done
        killed strace -f -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=1 \
            "$KASAN" transfer --settlement 2025 --date 2026-06-30 --rules "$RULES" --out "$O"
        _want=$("$KASAN" audit export --out "$O" | grep '"action":"transfer"' | sed 's/.*"sha256":"\([0-9a-f]*\)".*/\1/')
        k restore --settlement 2025 --rules "$RULES" --out "$O"
        _got=$(sha256sum < "$O/settlement-2025/transfer-settlement-2025.txt" 2>/dev/null | cut -d' ' -f1)
        judge crashes "the settlement's transfer SIGKILLed at its rename, then restore" \
            "restore $(said); file ${_got:0:12} vs event ${_want:0:12}" \
            all 'rc_is 0' '[ -n "$_got" ] && [ "$_got" = "$_want" ]' '[ "$(verify_rc "$O")" = 0 ]'
        export KASAN_NOW=2025-05-12T09:00:00Z
    fi
    # random kills of a finalization (timeout -s KILL at 0.05 … 0.8 s)
    for _d in 0.05 0.1 0.2 0.3 0.5 0.8; do
        O=$(new_out c3)
        killed timeout -s KILL "$_d" "$KASAN" run --month 2025-05 --data "$SAMPLE" --rules "$RULES" \
            --out "$O" --finalize --quiet
        _k=$?
        fin "$SAMPLE" "$O" 2025-05
        _f=$RC
        k replay --month 2025-05 --rules "$RULES" --out "$O"
        judge crashes "finalize SIGKILLed after ${_d}s (exit $_k)" "finalize again exit $_f; replay $(said)" \
            all '[ "$_f" = 3 ] || [ "$_f" = 0 ]' 'rc_is 0' '[ "$(verify_rc "$O")" = 0 ]'
    done
    unset KASAN_NOW
}

# ---------------------------------------------------------------- races

# together N CMD... — N copies of CMD started at once; their exit codes, sorted
together() {
    _n=$1
    shift
    _pids=""
    for _i in $(seq 1 "$_n"); do
        "$@" > "$WORK/.race$_i" 2>&1 &
        _pids="$_pids $!"
    done
    _rcs=""
    for _p in $_pids; do wait "$_p"; _rcs="$_rcs $?"; done
    printf '%s\n' $_rcs | sort | tr '\n' ' ' | sed 's/ $//'
}

# stale_settlement OUT — the months whose run the last settle event names but
# which is no longer the month's current run (empty: none)
stale_settlement() {
    "$KASAN" audit export --out "$1" 2>/dev/null | $PY -c '
import json, sqlite3, sys
ev = [json.loads(l) for l in sys.stdin if l.strip()]
st = [e for e in ev if e["action"] == "settle"]
if st:
    d = sqlite3.connect(sys.argv[1] + "/ledger.sqlite")
    for m in st[-1]["payload"].get("months", []):
        cur = d.execute("SELECT run_id FROM runs WHERE month = ? AND superseded_by IS NULL", (m["month"],)).fetchone()
        if not cur or cur[0] != m["run_id"]:
            print(m["month"], end=" ")
' "$1" | sed 's/ $//'
}

# ledger_transfers OUT — one line per transfer event: total_yen, file, and
# "ok" when OUT/file is there with the recorded SHA-256 (else "missing")
ledger_transfers() {
    "$KASAN" audit export --out "$1" 2>/dev/null | $PY -c '
import hashlib, json, os, sys
for l in sys.stdin:
    e = json.loads(l)
    if e["action"] != "transfer":
        continue
    p = e["payload"]; f = os.path.join(sys.argv[1], p["file"])
    ok = os.path.isfile(f) and hashlib.sha256(open(f, "rb").read()).hexdigest() == p["sha256"]
    print(p["total_yen"], p["file"], "ok" if ok else "missing")
' "$1"
}

area_races() {
    local M=2025-04 O
    export KASAN_NOW=2025-05-12T09:00:00Z
    for _t in 1 2 3; do
        O=$(new_out r1)
        _r=$(together 3 "$KASAN" run --month $M --data "$SAMPLE" --rules "$RULES" --out "$O" --finalize \
            --quiet --no-workbooks)
        judge races "three finalizations of April at once (try $_t)" "exits $_r; refusals $(events "$O" refuse)" \
            all '[ "$_r" = "0 3 3" ]' '[ "$(events "$O" refuse)" = 2 ]' '[ "$(verify_rc "$O")" = 0 ]'
    done
    for _t in 1 2 3; do
        O=$(new_out r2)
        fin "$SAMPLE" "$O" $M
        _r=$(together 3 "$KASAN" transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O")
        judge races "three transfers of April at once (try $_t)" \
            "exits $_r; transfer events $(events "$O" transfer), refusals $(events "$O" refuse)" \
            all '[ "$_r" = "0 3 3" ]' '[ "$(events "$O" transfer)" = 1 ]' '[ "$(events "$O" refuse)" = 2 ]' \
            '[ "$(ls -A "$O/$M" | grep -c transfer)" = 1 ]' '[ "$(verify_rc "$O")" = 0 ]'
    done
    # a correction and a transfer at once: whichever records first, the file
    # pays the run then current and the next transfer what is still owed
    for _t in 1 2 3; do
        O=$(new_out r3)
        rm -rf "$WORK/rw"; cp -r "$SAMPLE" "$WORK/rw"
        fin "$WORK/rw" "$O" $M
        printf 'P002,C0099,suction,2025-04-01,\n' >> "$WORK/rw/claims/$M/children.csv"
        "$KASAN" run --month $M --data "$WORK/rw" --rules "$RULES" --out "$O" --finalize --supersede \
            --reason r --quiet --no-workbooks > "$WORK/.c" 2>&1 &
        _p=$!
        "$KASAN" transfer --month $M --date 2025-05-20 --data "$WORK/rw" --rules "$RULES" --out "$O" \
            > "$WORK/.t" 2>&1
        _tr=$?
        _tm=$(grep -v '^$' "$WORK/.t" | head -n 1 | cut -c1-160)
        wait $_p; _cr=$?
        "$KASAN" transfer --month $M --date 2025-05-21 --data "$WORK/rw" --rules "$RULES" --out "$O" \
            > /dev/null 2>&1
        # what the transfer events paid in all = the current run's total
        # (nothing lowered), and every recorded file is in OUT with its bytes
        _paid=$(ledger_transfers "$O" | awk '{ s += $1 } END { print s + 0 }')
        _missing=$(ledger_transfers "$O" | awk '$3 != "ok" { print $2 }' | tr '\n' ' ')
        _cur=$(awk -F, 'NR > 1 { s += $5 } END { print s }' "$O/$M/payments.csv")
        judge races "a correction and a transfer at once (try $_t)" \
            "correction exit $_cr, transfer exit $_tr ($_tm); transfers recorded $_paid, current run $_cur, files missing from OUT: ${_missing:-none}" \
            all '[ "$_cr" -ne 5 ] && [ "$_tr" -ne 5 ]' '[ "$_paid" = "$_cur" ]' '[ -z "$_missing" ]' \
            '[ "$(verify_rc "$O")" = 0 ]'
    done
    # a settlement and a month's correction at once (item 4): never a
    # settlement on a replaced month that verify passes
    export KASAN_NOW=2026-06-10T09:00:00Z
    for _t in 1 2 3; do
        O=$(new_out r4)
        rm -rf "$WORK/rs"; cp -R "$SETTLE" "$WORK/rs"
        for _m in $MONTHS; do fin "$WORK/rs" "$O" "$_m"; done
        sed -i 's/^P002,S0002,nurse,part_time,100.5,/P002,S0002,nurse,part_time,120.5,/' \
            "$WORK/rs/claims/2026-03/nurses.csv"
        "$KASAN" settle --fy 2025 --data "$WORK/rs" --rules "$RULES" --out "$O" --finalize \
            --issue-date 2026-06-10 > /dev/null 2>&1 &
        _p=$!
        "$KASAN" run --month 2026-03 --data "$WORK/rs" --rules "$RULES" --out "$O" --finalize --supersede \
            --reason r --quiet --no-workbooks > /dev/null 2>&1
        _cr=$?
        wait $_p; _sr=$?
        _v=$(verify_rc "$O")
        "$KASAN" replay --settlement 2025 --rules "$RULES" --out "$O" > /dev/null 2>&1
        _rp=$?
        _stale=$(stale_settlement "$O")
        judge races "a settlement and a correction of March at once (try $_t)" \
            "settle exit $_sr, correction exit $_cr; verify $_v, replay --settlement $_rp; settlement's months not current: ${_stale:-none}" \
            all '[ -z "$_stale" ]' '[ "$_sr" -ne 5 ] && [ "$_cr" -ne 5 ]' '[ "$_v" = 0 ]'
    done
    unset KASAN_NOW
}

# ---------------------------------------------------------------- paths

area_paths() {
    local M=2025-04 O
    export KASAN_NOW=2025-05-12T09:00:00Z
    _d="$WORK/long"
    while [ ${#_d} -lt 520 ]; do _d="$_d/$(printf '%100s' | tr ' ' y)"; done
    mkdir -p "$_d"
    fin "$SAMPLE" "$_d" $M
    judge paths "--out whose ledger path is over SQLite's limit" "$(said)" \
        all 'rc_is 1' 'has "too long"' '[ -z "$(ls -A "$_d")" ]'
    O=$(new_out p1)
    printf 'not a directory\n' > "$O"
    fin "$SAMPLE" "$O" $M
    # a user's slip: the message should say what is wrong, not only that
    # SQLite could not open a file
    judge paths "--out is a regular file" "$(said)" \
        all '[ "$RC" -ne 0 ] && [ "$RC" -lt 6 ]' 'has "$O"' 'has "not a directory"'
    k run --month $M --data "$SAMPLE" --rules "$RULES" --out "" --finalize --quiet --no-workbooks
    judge paths "--out ''" "$(said)" rc_is 1
    fin "$SAMPLE" "$WORK/p7/a/b/c" $M
    judge paths "--out whose parents do not exist" "$(said)" '[ "$RC" = 0 ] || [ "$RC" = 1 ]'
    if as_unprivileged "unwritable --out" >/dev/null; then
        O=$WORK/p2; mkdir -p "$O"; chmod 555 "$O"; chmod o+rx "$WORK"
        $AS_U "$KASAN_U" run --month $M --data "$KASAN_U/../../fixtures" --rules "$RULES_U" --out "$O" \
            --finalize --quiet --no-workbooks > "$WORK/.o" 2>&1 || true
        cp -r "$SAMPLE" "$WORK/unpriv/ward"; chmod -R o+rX "$WORK/unpriv"
        $AS_U "$KASAN_U" run --month $M --data "$WORK/unpriv/ward" --rules "$RULES_U" --out "$O" \
            --finalize --quiet --no-workbooks > "$WORK/.o" 2>&1
        RC=$? ERR_TXT=$(cat "$WORK/.o") OUT_TXT=
        judge paths "an unwritable --out (as nobody)" "$(said)" \
            all '[ "$RC" -ne 0 ] && [ "$RC" -ne 134 ] && [ "$RC" -lt 6 ]' '[ -z "$(ls -A "$O")" ]'
    else cannot paths "unwritable --out" "no runuser"; fi
    # a symlink planted where the transfer file goes: not written through
    O=$(new_out p3)
    fin "$SAMPLE" "$O" $M
    printf 'victim\n' > "$WORK/victim"
    ln -s "$WORK/victim" "$O/$M/transfer-$M.txt"
    k transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$O"
    judge paths "a symlink planted as transfer-$M.txt" "$(said); victim: $(head -c 20 "$WORK/victim")" \
        "[ \"\$(cat '$WORK/victim')\" = victim ]"
    # the month's directory a symlink to elsewhere, at finalize
    O=$(new_out p4); mkdir -p "$O" "$WORK/elsewhere"
    ln -s "$WORK/elsewhere" "$O/$M"
    fin "$SAMPLE" "$O" $M
    judge paths "OUT/$M a symlink to another directory" "$(said); elsewhere has $(ls -A "$WORK/elsewhere" | wc -l) entries" \
        '[ "$RC" -ne 5 ] && [ "$RC" -lt 6 ]'
    # --out through a symlinked directory, and with spaces and kana: works
    mkdir -p "$WORK/real dir/出力"; ln -s "$WORK/real dir/出力" "$WORK/link"
    fin "$SAMPLE" "$WORK/link" $M
    _f=$RC
    k transfer --month $M --date 2025-05-20 --data "$SAMPLE" --rules "$RULES" --out "$WORK/link"
    judge paths "--out a symlink to 'real dir/出力'" "finalize exit $_f, transfer $(said)" \
        all '[ "$_f" = 0 ]' 'rc_is 0' '[ "$(verify_rc "$WORK/link")" = 0 ]'
    # --data missing, --rules a file
    k run --month $M --data "$WORK/nope" --rules "$RULES" --out "$(new_out p5)" --quiet
    judge paths "--data that does not exist" "$(said)" all '[ "$RC" = 1 ] || [ "$RC" = 2 ]' 'has nope'
    k run --month $M --data "$SAMPLE" --rules "$WORK/victim" --out "$(new_out p6)" --quiet
    judge paths "--rules a file" "$(said)" all '[ "$RC" = 1 ] || [ "$RC" = 2 ]' 'has victim'
    unset KASAN_NOW
}

# ---------------------------------------------------------------- main

[ $# -gt 0 ] || set -- $AREAS
for _area in "$@"; do
    case " $AREAS " in *" $_area "*) ;; *) echo "rerun.sh: no area '$_area' (areas: $AREAS)" >&2; exit 1 ;; esac
    printf '# --- %s\n' "$_area"
    "area_$_area"
done
printf '\n# tally (held/tried)\n'
_th=0 _tt=0
for _area in "$@"; do
    printf '%-11s %d/%d\n' "$_area:" "${HELD[$_area]:-0}" "${TRIED[$_area]:-0}"
    _th=$((_th + ${HELD[$_area]:-0})) _tt=$((_tt + ${TRIED[$_area]:-0}))
done
printf '%-11s %d/%d\n' "all:" "$_th" "$_tt"
exit $ANY_NOT_HELD
