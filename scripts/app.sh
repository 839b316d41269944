#!/usr/bin/env bash
# Installs what the app needs and starts it: the Electron app where its binary can be had,
# otherwise the web host (the same core and the same screen, in your browser).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/debian-packages.sh
source scripts/debian-packages.sh
ensure_npm_packages
if node scripts/start-electron.mjs --check >/dev/null 2>&1; then
  exec node scripts/start-electron.mjs
fi
echo "The Electron app cannot run on this machine (its binary is not installed and cannot be downloaded);"
echo "starting the web host instead. Open the address it prints in Chromium or Chrome."
exec npm run --silent web -- "$@"
