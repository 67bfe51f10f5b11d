#!/usr/bin/env bash
# The one command to see netlens work on a fresh Debian 12 machine: installs what is missing,
# builds, and runs netlens. With arguments they are passed to netlens as they are. Without
# arguments netlens captures live on the machine's default interface when it may capture, and
# otherwise reads a sample capture that the project generates itself; either way its web
# interface is on port 3000 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh build
scripts/build.sh

if [ $# -gt 0 ]; then
  exec build/netlens "$@"
fi

iface=$(ip -o route show default 2>/dev/null | awk '{for (i = 1; i < NF; i++) if ($i == "dev") {print $(i + 1); exit}}')
can_capture=no
if [ -n "$iface" ]; then
  if [ "$(id -u)" -eq 0 ] || getcap build/netlens 2>/dev/null | grep -q cap_net_raw; then
    can_capture=yes
  fi
fi

echo "netlens: the web interface will be on http://localhost:3000/ (first login admin/admin)" >&2
if [ "$can_capture" = yes ]; then
  echo "netlens: capturing live on $iface (Ctrl-C to stop)" >&2
  exec build/netlens -i "$iface"
fi

sample=build/sample.pcap
build/netlens-make-sample "$sample"
echo "netlens: cannot capture live here (${iface:-no default interface}); reading the generated sample $sample" >&2
exec build/netlens -i "$sample" -m 192.168.1.0/24
