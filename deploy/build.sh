#!/usr/bin/env bash
# Configures and builds LocalCA (Release) into ./build. Usage: deploy/build.sh [extra cmake args]
# LOCALCA_TARGETS="localca ..." builds only those targets (deploy/run.sh: the server alone);
# unset, everything is built, tests, fuzz replay targets and bench included (deploy/test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
targets=()
for target in ${LOCALCA_TARGETS-}; do
  targets+=(--target "$target")
done
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j"$jobs" "${targets[@]}"
