#!/usr/bin/env bash
# Installs everything the tests need (Debian packages when missing, then the npm packages) and
# runs every suite: lint, type checks, build, unit, then integration and end-to-end inside a
# private network namespace that has only loopback, so no test traffic leaves the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# shellcheck source=scripts/debian-packages.sh
source scripts/debian-packages.sh
ensure_debian_packages kamailio kamailio-websocket-modules kamailio-extra-modules sip-tester chromium espeak-ng iproute2 util-linux openssl

ensure_npm_packages

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
mkdir -p .tmp/reports
rm -f .tmp/reports/*.json

step "Lint, formatting and type checks (side by side: each keeps one core busy)"
npm run --silent lint > .tmp/lint.log 2>&1 &
lint=$!
npm run --silent typecheck > .tmp/typecheck.log 2>&1 &
typecheck=$!
# Electron security lint (electronegativity, about 2 s): every finding explained in security/.
npm run --silent security:electron > .tmp/security-electron.log 2>&1 &
electron_checks=$!
checks=0
wait "$lint" || checks=1
cat .tmp/lint.log
wait "$typecheck" || checks=1
cat .tmp/typecheck.log
wait "$electron_checks" || checks=1
cat .tmp/security-electron.log
[ "$checks" = 0 ] || exit 1
step "Build (Electron main, preload, renderer)"
npx electron-vite build --logLevel warn

step "Unit tests"
status=0
npx vitest run --project unit --reporter=default --reporter=json --outputFile.json=.tmp/reports/unit.json || status=1

step "Integration and end-to-end tests (private loopback-only network namespace)"
inner='ip link set lo up && npx vitest run --project integration --reporter=default --reporter=json --outputFile.json=.tmp/reports/integration.json; a=$?; PLAYWRIGHT_JSON_OUTPUT_NAME=.tmp/reports/e2e.json npx playwright test --reporter=list,json; b=$?; exit $(( a || b ))'
if [ "$(id -u)" = 0 ]; then
  unshare --net -- bash -c "$inner" || status=1
else
  # Unprivileged: a user namespace gives us a network namespace of our own.
  unshare --map-root-user --net -- bash -c "$inner" || status=1
fi

step "Summary"
node scripts/test-summary.mjs .tmp/reports || status=1
exit $status
