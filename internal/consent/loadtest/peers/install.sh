#!/bin/sh
# Installs the load test's peers (package-lock.json, exact versions) into
# node_modules here, once: again only when the lock file changed since.
# The consent load test runs it before it starts a peer.
set -eu
cd "$(dirname "$0")"
stamp=node_modules/.notis-installed-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json "$stamp"
