#!/usr/bin/env bash
# Quickstart "test": install what is missing, build, run every test through ctest, then the
# sanitizer and fuzzing stages (deploy/sanitize.sh: ASan+UBSan suites, each fuzz target ~30 s,
# TSan concurrency tests). LOCALCA_SANITIZE_STAGES="" skips those (e.g. "asan fuzz" runs two).
set -euo pipefail
cd "$(dirname "$0")/.."
deploy/install-deps.sh
# The console bundle from its sources (docs/console.md); unity batches: a build from scratch
# in about half the CPU time (CMakeLists.txt, LOCALCA_UNITY).
deploy/build.sh -DLOCALCA_CONSOLE_BUILD=ON -DLOCALCA_UNITY=ON
(cd build && ctest --output-on-failure -j"$(nproc 2>/dev/null || echo 2)" "$@")
read -r -a stages <<<"${LOCALCA_SANITIZE_STAGES-asan fuzz tsan}"
if ((${#stages[@]})); then
  deploy/sanitize.sh "${stages[@]}"
fi
