#!/bin/sh
# console.bundle_fresh: the committed console bundle (server/console/web/dist/ at HEAD) is what
# its sources build today. Rebuilds into a temp dir (npm ci first when node_modules is missing)
# and fails on any difference, so a source change committed without its bundle is caught. It
# compares with HEAD, not the working tree, since a LOCALCA_CONSOLE_BUILD=ON build rewrites the
# working tree's dist/ (outside a git checkout: the working tree's dist/).
# Usage: bundle_fresh.sh SOURCE_DIR
set -eu
src="$1"
web="$src/server/console/web"
cd "$web"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node build.mjs "$tmp/fresh"
committed="$web/dist"
if git -C "$src" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  mkdir "$tmp/head"
  git -C "$src" archive HEAD server/console/web/dist | tar -x -C "$tmp/head"
  committed="$tmp/head/server/console/web/dist"
fi
if ! diff -r "$tmp/fresh" "$committed"; then
  echo "the committed server/console/web/dist differs from a fresh build: run" \
    "'node build.mjs dist' in server/console/web and commit dist/ with its sources" >&2
  exit 1
fi
echo "console bundle is fresh"
