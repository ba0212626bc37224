#!/usr/bin/env bash
# Installs what the test suite drives for real, idempotently: Debian's
# Chromium (banner and preview tests), poppler-utils (print tests),
# PostgreSQL (store tests), promtool and systemd-analyze (the consent
# server's packaging), and the
# npm packages the browser audits inject (axe-core). Each step is skipped
# when its tool is already there, so a warm machine pays nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need_apt+=(postgresql)
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)      # promtool checks the consent server's alert rules
command -v systemd-analyze >/dev/null 2>&1 || need_apt+=(systemd)  # verifies its systemd units
# pdftotext and pdfinfo read the notices Chromium prints (print tests).
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)

if ((${#need_apt[@]})); then
  if [ "$(id -u)" != 0 ]; then SUDO=sudo; else SUDO=; fi
  echo "test-deps: installing ${need_apt[*]} from Debian"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# Browser-audit scripts (axe-core), pinned by the lock file.
for dir in internal/browsertest/testdata; do
  if [ -f "$dir/package-lock.json" ]; then
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "test-deps: npm ci in $dir"
      npm ci --prefix "$dir" --no-audit --no-fund --silent
    fi
  fi
done

# staticcheck keeps `make check` honest; pinned for reproducible findings,
# and installed into ./bin, where the Makefile runs it, so that another
# version on PATH or in GOBIN cannot stand in for it.
if ! ./bin/staticcheck -version 2>/dev/null | grep -q ' 2026\.2\.2 '; then
  echo "test-deps: installing staticcheck 2026.2.2 into ./bin"
  # The module tags release 2026.2.2 as v0.8.2; the proxy knows only that.
  GOBIN="$PWD/bin" go install honnef.co/go/tools/cmd/staticcheck@v0.8.2
fi
echo "test-deps: ready"
