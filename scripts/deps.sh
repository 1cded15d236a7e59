# Sourced by scripts/demo and scripts/test: installs the Debian packages kasan
# needs that are missing (apt-get, as root or through sudo).
KASAN_BUILD_PACKAGES="meson ninja-build pkg-config gcc libc6-dev libyaml-dev libxlsxwriter-dev
  libsqlite3-dev sqlite3 libssl-dev libzip-dev libexpat1-dev libmicrohttpd-dev
  libcairo2-dev libpango1.0-dev libharfbuzz-dev zlib1g-dev fonts-noto-cjk python3-fonttools" # the PDF documents: cairo, pango, harfbuzz's subsetter and zlib (kasan's own writer), the font they embed (cut down by fontTools)
KASAN_TEST_PACKAGES="libcmocka-dev python3 python3-openpyxl valgrind strace bsdutils
  util-linux unzip libreoffice-calc-nogui fonts-noto-cjk poppler-utils qpdf"
# strace: crash points and syncs (recovery.sh, durability.sh); bsdutils: script(1)
# (progress.sh); util-linux: runuser (hostile_input.sh, io_errors.sh as root);
# unzip (encodings.sh); LibreOffice, the fonts and poppler: the claim forms'
# round trip (forms.sh), the rendered workbooks (render_workbooks.sh) and the
# PDF documents read back (pdftotext, pdfinfo) and their structure checked (qpdf)
# kasan serve: TLS test certificates, and the real-browser test (tests/web/)
KASAN_TEST_PACKAGES="$KASAN_TEST_PACKAGES openssl chromium chromium-driver python3-selenium"
KASAN_FUZZ_PACKAGES="clang libclang-rt-14-dev" # libFuzzer + sanitizer runtimes

kasan_install() {
    local missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
