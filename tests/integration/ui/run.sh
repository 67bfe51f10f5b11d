#!/bin/sh
# ctest entry of the browser tests (tests/integration/test_ui.js, or the file given): exits 77 (skipped) when node or
# chromium is missing. NETLENS_BIN and NETLENS_SHARED come from ctest's environment.
command -v node >/dev/null 2>&1 || { echo "SKIP: node is not installed"; exit 77; }
chromium=${NETLENS_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "SKIP: $chromium is not installed (apt-get install chromium)"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "FAIL: playwright-core is not installed: run scripts/install-deps.sh test (or npm ci in $here)"
  exit 1
fi
exec node --test --test-reporter=spec "$here/../${1:-test_ui.js}"
