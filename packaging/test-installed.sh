#!/usr/bin/env bash
# Installs the Debian package and checks it as an office would meet it: its files are
# where the package says (binary, man page, completions, config, systemd unit), the
# installed /usr/bin/baogao indexes and searches a copy of corpus/ and serves /api/search
# with the options of the shipped /etc/baogao/baogao.conf, and the unit passes
# `systemd-analyze verify`. Then purges the package, leaving the machine as it was.
# As root it uses `dpkg -i`; otherwise it unpacks with `dpkg -x` into a temporary root.
# Usage: packaging/test-installed.sh [PACKAGE.deb]  (default: target/debian/baogao_*.deb)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS

deb=${1:-$(ls target/debian/baogao_*.deb 2>/dev/null | head -n 1)}
[ -f "$deb" ] || { echo "test-installed: no package: run packaging/build-deb.sh first" >&2; exit 2; }
deb=$(realpath "$deb")

passed=0
skipped=0
fail() {
    echo "test-installed: FAIL: $*" >&2
    echo "test-installed: $passed passed, 1 failed, $skipped skipped"
    exit 1
}
check() { echo "test-installed: ok: $*"; passed=$((passed + 1)); }
skip() { echo "test-installed: SKIPPED $*"; skipped=$((skipped + 1)); }

work=$(mktemp -d)
installed=""
server=""
cleanup() {
    if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    if [ -n "$installed" ]; then dpkg -P baogao >/dev/null; fi
    rm -rf "$work"
}
trap cleanup EXIT

# --- install -----------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
    if dpkg-query -W -f='${Status}' baogao 2>/dev/null | grep -q 'installed'; then
        echo "test-installed: baogao is installed here already; this test installs and purges" \
            "it: dpkg -P baogao first" >&2
        exit 2
    fi
    dpkg -i "$deb" >/dev/null
    installed=yes
    root=""
    dpkg-query -W -f='${Status}' baogao | grep -q 'install ok installed' \
        || fail "dpkg -i left baogao not installed"
    check "dpkg -i $(basename "$deb")"
else
    root="$work/root"
    dpkg -x "$deb" "$root"
    check "dpkg -x $(basename "$deb") (not root: no maintainer scripts run)"
fi
bin="$root/usr/bin/baogao"

# --- the package's metadata --------------------------------------------------------------
depends=$(dpkg-deb -f "$deb" Depends)
for needed in poppler-utils poppler-data antiword; do
    [[ ",$depends," == *" $needed,"* || ",$depends," == *",$needed,"* ]] \
        || fail "Depends lacks $needed: $depends"
done
recommends=$(dpkg-deb -f "$deb" Recommends)
for wanted in tesseract-ocr tesseract-ocr-chi-tra tesseract-ocr-chi-sim; do
    [[ ", $recommends," == *", $wanted,"* ]] || fail "Recommends lacks $wanted: $recommends"
done
check "Depends: $depends; Recommends: $recommends"

version=$(dpkg-deb -f "$deb" Version)
"$bin" --version | grep -qx "baogao ${version%-*}" \
    || fail "$bin --version says '$("$bin" --version)', the package is $version"
check "$bin --version matches the package ($version)"

# --- files where the package says --------------------------------------------------------
listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in /usr/bin/baogao /usr/share/man/man1/baogao.1.gz \
    /usr/share/bash-completion/completions/baogao /usr/share/zsh/vendor-completions/_baogao \
    /usr/share/fish/vendor_completions.d/baogao.fish /etc/baogao/baogao.conf \
    /usr/lib/systemd/system/baogao.service; do
    grep -qx ".$path" <<<"$listing" || fail "the package does not ship $path"
    [ -f "$root$path" ] || fail "$path is in the package but not on disk"
    if [ -n "$installed" ]; then
        dpkg -L baogao | grep -qx "$path" || fail "dpkg -L baogao does not list $path"
    fi
done
check "binary, man page, completions, config and unit installed where the package lists them"

conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)
grep -qx /etc/baogao/baogao.conf <<<"$conffiles" || fail "baogao.conf is not a conffile"
[ "$(stat -c %a "$root/etc/baogao/baogao.conf")" = 600 ] || fail "baogao.conf is not mode 600"
check "/etc/baogao/baogao.conf is a conffile, readable by root only"

man_page="$root/usr/share/man/man1/baogao.1.gz"
zcat "$man_page" | grep -q '^\.TH baogao 1' || fail "$man_page is not a roff man page"
zcat "$man_page" | grep -q 'serve' || fail "$man_page does not list the serve command"
if [ -n "$installed" ] && command -v man >/dev/null 2>&1; then
    [ "$(man -w baogao)" = /usr/share/man/man1/baogao.1.gz ] || fail "man -w baogao: $(man -w baogao)"
fi
check "man page"

completed=$(bash -c '. "$1" && complete -p baogao' _ "$root/usr/share/bash-completion/completions/baogao") \
    || fail "the bash completions do not load"
[[ $completed == *baogao* ]] || fail "bash: $completed"
head -n 1 "$root/usr/share/zsh/vendor-completions/_baogao" | grep -qx '#compdef baogao' \
    || fail "the zsh completions lack '#compdef baogao'"
grep -q '^complete -c baogao .*serve' "$root/usr/share/fish/vendor_completions.d/baogao.fish" \
    || fail "the fish completions lack the serve command"
check "bash, zsh and fish completions"

unit="$root/usr/lib/systemd/system/baogao.service"
grep -qx 'ExecStart=/usr/bin/baogao serve $BAOGAO_SERVE_OPTIONS' "$unit" || fail "$unit: ExecStart"
grep -qx 'EnvironmentFile=/etc/baogao/baogao.conf' "$unit" || fail "$unit: EnvironmentFile"
if [ -n "$installed" ] && command -v systemd-analyze >/dev/null 2>&1; then
    # Unknown keys are only warnings to systemd: any word from it is a failure here.
    # Without man, its check of Documentation=man:baogao(1) cannot run (the page is checked
    # above).
    man_check=yes
    command -v man >/dev/null 2>&1 || man_check=no
    verify=$(systemd-analyze verify --man="$man_check" "$unit" 2>&1) && [ -z "$verify" ] \
        || fail "systemd-analyze verify: $verify"
    check "systemd-analyze verify baogao.service"
else
    skip "systemd-analyze verify: needs root and systemd-analyze"
fi

# --- the installed binary at work, with the shipped options -----------------------------
# As the service runs it: the options of baogao.conf in the environment, only the folders
# and the port (0: a free one) changed for the test.
set -a
# shellcheck disable=SC1091
. "$root/etc/baogao/baogao.conf"
set +a
cp -r corpus "$work/corpus"
export BAOGAO_CORPUS="$work/corpus" BAOGAO_INDEX="$work/index" BAOGAO_PORT=0 NO_COLOR=1

mkdir "$work/empty"
BAOGAO_CORPUS="$work/empty" BAOGAO_INDEX="$work/empty-index" "$bin" index 2>"$work/err" \
    || fail "index of an empty corpus (a first start of the service): $(cat "$work/err")"
check "a first start on an empty corpus indexes it"

"$bin" index 2>"$work/err" || fail "index: $(cat "$work/err")"
hits=$("$bin" search 雙城論壇 交流 --limit 1) || fail "search found nothing"
grep -q 'taipei-shanghai-city-exchange-2017#' <<<"$hits" || fail "search: $hits"
check "index and search the sample corpus"

# shellcheck disable=SC2086  # word-split as systemd splits $BAOGAO_SERVE_OPTIONS
"$bin" serve $BAOGAO_SERVE_OPTIONS 2>"$work/serve.err" &
server=$!
url=""
for _ in $(seq 300); do
    url=$(grep -o 'http://[^ ]*' "$work/serve.err" | head -n 1 || true)
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || fail "serve ended: $(cat "$work/serve.err")"
    sleep 0.1
done
[ -n "$url" ] || fail "serve printed no URL within 30 s: $(cat "$work/serve.err")"
[[ $url == http://127.0.0.1:* ]] || fail "serve listens on $url, not 127.0.0.1 as baogao.conf says"
grep -q '(read-only)' "$work/serve.err" || fail "serve is not read-only: $(cat "$work/serve.err")"
answer=$(curl -sS --max-time 30 --get --data-urlencode 'q=雙城論壇' --data-urlencode limit=1 \
    "${url}api/search") || fail "GET ${url}api/search failed"
grep -q '"id":"taipei-shanghai-city-exchange-2017#' <<<"$answer" || fail "/api/search: $answer"
kill -TERM "$server"
wait "$server" || fail "serve did not stop cleanly on SIGTERM"
server=""
check "serve (read-only, 127.0.0.1, from baogao.conf) answers /api/search"

if [ -n "$installed" ]; then
    dpkg -P baogao >/dev/null
    installed=""
    ! dpkg-query -W -f='${Status}' baogao 2>/dev/null | grep -q 'installed' \
        || fail "dpkg -P left baogao installed"
    for path in /usr/bin/baogao /etc/baogao /usr/lib/systemd/system/baogao.service; do
        [ ! -e "$path" ] || fail "dpkg -P left $path"
    done
    check "dpkg -P baogao removes it all"
fi
echo "test-installed: every check passed in $((SECONDS - started)) s"
echo "test-installed: $passed passed, 0 failed, $skipped skipped"
