#!/usr/bin/env bash
# Refreshes web/vendor/ from the exact versions pinned in web/package-lock.json.
# Run it after changing a version in web/package.json (then `npm install` first to update the
# lockfile). The copied files are committed: running netlens never needs npm.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --omit-lockfile-registry-resolved >/dev/null
rm -rf vendor
mkdir -p vendor/uplot
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css node_modules/uplot/LICENSE vendor/uplot/
version=$(node -p 'require("./node_modules/uplot/package.json").version')
printf 'uplot %s (MIT): dist/uPlot.esm.js, dist/uPlot.min.css, LICENSE\n' "$version" > vendor/uplot/VERSION
echo "web/vendor: uplot $version"

# The geo map: d3 (projection, paths), topojson-client and world-atlas's countries at 1:110m,
# drawn in the browser (no tile server).
mkdir -p vendor/d3 vendor/topojson-client vendor/world-atlas
cp node_modules/d3/dist/d3.min.js node_modules/d3/LICENSE vendor/d3/
cp node_modules/topojson-client/dist/topojson-client.min.js node_modules/topojson-client/LICENSE vendor/topojson-client/
cp node_modules/world-atlas/countries-110m.json node_modules/world-atlas/LICENSE vendor/world-atlas/
for p in d3 topojson-client world-atlas; do
  v=$(node -p "require('./node_modules/$p/package.json').version")
  printf '%s %s (ISC): %s\n' "$p" "$v" "$(cd vendor/$p && ls | grep -v VERSION | tr '\n' ' ')" > vendor/$p/VERSION
  echo "web/vendor: $p $v"
done
