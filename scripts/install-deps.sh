#!/usr/bin/env bash
# Installs what netlens needs from Debian 12's packages: `build` (compile and run) or `test`
# (also what the test suite and the benchmark use). Installs only what is missing.
set -euo pipefail
what=${1:-build}

build_pkgs=(build-essential cmake pkg-config libndpi-dev libpcap-dev libcli11-dev libgtest-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev
            libsodium-dev libsqlite3-dev libzmq3-dev cppzmq-dev zlib1g-dev libsimdjson-dev librrd-dev libroaring-dev
            libmaxminddb-dev libhiredis-dev ieee-data libmaxmind-db-writer-perl
            iproute2 libcap2-bin)
test_pkgs=(libndpi-bin tcpreplay tshark wireshark-common python3 clang libclang-rt-14-dev time procps openssl
           chromium softflowd nfdump nfdump-sflow pmacct redis-server dnsmasq-base prometheus rrdtool
           mmdb-bin libmaxmind-db-writer-perl)

pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")
# The browser test runs on Node (>= 18) with npm, and npm installs the default GeoIP data; a
# machine that has them otherwise keeps its own.
if ! { command -v node && command -v npm; } >/dev/null 2>&1; then
  pkgs+=(nodejs npm)
fi

# The browser test's npm packages (playwright-core, exact versions from the lockfile; it drives
# Debian's chromium, no browser download). Installed only when missing or out of date.
npm_test_deps() {
  [ "$what" = test ] || return 0
  local ui
  ui="$(cd "$(dirname "$0")/.." && pwd)/tests/integration/ui"
  if [ ! -f "$ui/node_modules/.package-lock.json" ] || [ "$ui/package-lock.json" -nt "$ui/node_modules/.package-lock.json" ]; then
    echo "netlens: npm ci in tests/integration/ui" >&2
    (cd "$ui" && npm ci --no-audit --no-fund >/dev/null)
  fi
}

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  npm_test_deps
  "$(dirname "$0")/install-geoip.sh"
  exit 0
fi

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "netlens: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_test_deps
"$(dirname "$0")/install-geoip.sh"  # default GeoIP/ASN data (data/geoip/db)
