#!/usr/bin/env bash
# Quickstart "run": install what is missing, build, initialise ./data if empty, load
# deploy/seed.example.json and serve on http://127.0.0.1:8080 until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
# Only the server (97 of the 176 build steps): the tests, fuzz targets and bench are
# deploy/test.sh's, and building them first kept a new user waiting minutes longer to be served.
LOCALCA_TARGETS=localca deploy/build.sh -DLOCALCA_UNITY=ON
build/bin/localca seed deploy/seed.example.json --data-dir data
exec build/bin/localca serve --data-dir data --listen 127.0.0.1:8080 "$@"
