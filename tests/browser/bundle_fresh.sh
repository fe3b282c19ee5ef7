#!/bin/sh
# console.bundle_fresh: the committed console bundle (server/console/web/dist/) is what its
# sources build today. Rebuilds into a temp dir (npm ci first when node_modules is missing) and
# fails on any difference, so a source change committed without its bundle is caught.
# Usage: bundle_fresh.sh SOURCE_DIR
set -eu
web="$1/server/console/web"
cd "$web"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >/dev/null
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
node build.mjs "$out"
if ! diff -r "$out" dist; then
  echo "server/console/web/dist differs from a fresh build: run 'node build.mjs dist' in $web and commit it" >&2
  exit 1
fi
echo "console bundle is fresh"
