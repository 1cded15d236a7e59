#!/bin/sh
# harness: the end-to-end scripts themselves (issue 21, item 14).  A script
# whose tool is missing must end as SKIP (exit 77), never OK with checks it
# did not make: strace (durability, recovery), script(1) (progress), unzip
# (encodings), runuser for root (hostile_input, io_errors).  And the scripts
# that run kasan as nobody must still pass when the checkout sits in a 0700
# directory nobody cannot enter (they copy the binary and the rules).
# The tools are hidden by a PATH of links to everything else on the PATH.
. "$(dirname "$0")/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)

# path_without NAME... — prints a directory holding links to every command of
# the PATH except NAME...
path_without() {
    _d=$WORK/path-$(printf '%s-' "$@")
    if [ -d "$_d" ]; then printf '%s\n' "$_d"; return; fi
    mkdir -p "$_d"
    _ifs=$IFS
    IFS=:
    for _p in $PATH; do
        [ -d "$_p" ] || continue
        for _f in "$_p"/*; do
            [ -e "$_f" ] || continue
            _n=${_f##*/}
            case " $* " in *" $_n "*) continue ;; esac
            [ -e "$_d/$_n" ] || ln -s "$_f" "$_d/$_n"
        done
    done
    IFS=$_ifs
    printf '%s\n' "$_d"
}

# script_rc SCRIPT PATH [KASAN] — runs tests/e2e/SCRIPT.sh with that PATH
script_rc() {
    PATH=$2 KASAN=${3:-$KASAN} SRCDIR=$SRCDIR sh "$HERE/$1.sh" > "$WORK/$1.log" 2>&1
    echo $?
}

section "a missing tool makes SKIP (77)"
for case in durability:strace recovery:strace progress:script encodings:unzip; do
    name=${case%%:*} tool=${case#*:}
    p=$(path_without "$tool")
    rc=$(script_rc "$name" "$p")
    expect_eq "$rc" 77 "$name.sh without $tool"
    if grep -q '^# SKIP' "$WORK/$name.log"; then pass "$name.sh says what it skipped"
    else fail "$name.sh says what it skipped" "$(tail -n 2 "$WORK/$name.log")"; fi
done
if [ "$(id -u)" -eq 0 ]; then
    p=$(path_without runuser)
    for name in hostile_input io_errors; do
        rc=$(script_rc "$name" "$p")
        expect_eq "$rc" 77 "$name.sh as root without runuser"
        grep -q '^FAIL' "$WORK/$name.log" && fail "$name.sh: the rest still passes" \
            "$(grep '^FAIL' "$WORK/$name.log" | head -n 3)" || pass "$name.sh: the rest still passes"
    done
else
    skip "root without runuser" "not root"
fi

section "a checkout in a 0700 directory"
if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$WORK/private/build"
    chmod 700 "$WORK/private"
    cp "$KASAN" "$WORK/private/build/kasan"
    for name in hostile_input io_errors; do
        rc=$(script_rc "$name" "$PATH" "$WORK/private/build/kasan")
        # 77 only for a part this machine cannot run at all (io_errors' disk
        # full needs a tmpfs mount), never for the runs as nobody
        if [ "$rc" = 0 ] || { [ "$rc" = 77 ] && ! grep -q '^# SKIP .*runuser' "$WORK/$name.log"; }; then
            pass "$name.sh with the binary where nobody cannot reach it (exit $rc)"
        else
            fail "$name.sh with the binary where nobody cannot reach it" \
                "exit $rc: $(grep '^FAIL' "$WORK/$name.log" | head -n 3)"
        fi
    done
else
    skip "0700 checkout" "only root runs kasan as another user"
fi
finish
