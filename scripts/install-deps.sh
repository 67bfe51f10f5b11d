#!/usr/bin/env bash
# Installs what netlens needs from Debian 12's packages: `build` (compile and run) or `test`
# (also what the test suite and the benchmark use). Installs only what is missing.
set -euo pipefail
what=${1:-build}

build_pkgs=(build-essential cmake pkg-config libndpi-dev libpcap-dev libcli11-dev libgtest-dev libcpp-httplib-dev libssl-dev nlohmann-json3-dev
            libsodium-dev libsqlite3-dev
            iproute2 libcap2-bin)
test_pkgs=(libndpi-bin tcpreplay tshark wireshark-common python3 clang libclang-rt-14-dev time procps)

pkgs=("${build_pkgs[@]}")
[ "$what" = test ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "netlens: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
