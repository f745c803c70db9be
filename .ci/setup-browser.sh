#!/usr/bin/env bash
# Installs what the live viewer's browser test needs (client-cli LiveViewerBrowserTest): Debian's chromium,
# driven headless; node + npm; playwright-core at the version of tools/browser/package-lock.json. No browser
# is downloaded by npm (playwright-core has no install script; PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD guards anyway).
# The video tests need nothing: FFmpeg comes with the CLI (JavaCV). Idempotent and non-interactive.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "setup-browser: apt-get install ${need_apt[*]}"
  apt-get update -qq
  apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends "${need_apt[@]}" </dev/null
fi

if [ ! -d tools/browser/node_modules/playwright-core ]; then
  (cd tools/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund </dev/null)
fi
echo "setup-browser: $(chromium --version 2>/dev/null | head -1), node $(node --version), playwright-core $(node -p "require('./tools/browser/node_modules/playwright-core/package.json').version")"
