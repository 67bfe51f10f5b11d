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
