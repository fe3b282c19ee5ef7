#!/usr/bin/env bash
# The sanitizer and fuzzing stages of the test command (deploy/test.sh runs them after the
# Release tests; docs/security.md, "Fuzzing and sanitizers"). Usage:
#   deploy/sanitize.sh [asan] [fuzz] [tsan]      (default: all three, in that order)
#   asan  clang ASan+UBSan build of everything, fuzz targets included (build-asan/), and the
#         unit and integration suites run there once
#   fuzz  every libFuzzer target of build-asan/ for LOCALCA_FUZZ_SECONDS (default 30) each,
#         two at a time (tests/fuzz/run.sh)
#   tsan  clang TSan build of what the concurrency tests need (build-tsan/), and those tests
# Any sanitizer report fails the stage, also one from a server process that a test killed
# before it could exit non-zero: every report is written under build-*/sanitizer-logs/, and a
# stage fails when that directory is not empty after its tests. The reports are printed also
# when a test failed (a sanitizer exit code alone, 66 for TSan, says nothing about the cause).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=$(nproc 2>/dev/null || echo 2)
stages=("$@")
((${#stages[@]})) || stages=(asan fuzz tsan)
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi

# configure DIR SANITIZERS [cmake args...]: -O1 with assertions on (no NDEBUG), line tables, unity batches
# for the reports (CMakeLists.txt), no benchmark client.
configure() {
  local dir=$1 sanitize=$2
  shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1" \
    -DLOCALCA_SANITIZE="$sanitize" -DLOCALCA_BENCH=OFF -DLOCALCA_UNITY=ON "$@" >/dev/null
}

# reports DIR: fails when a sanitizer wrote a report there.
reports() {
  local logs=$1
  if compgen -G "$logs/*" >/dev/null; then
    echo "sanitizer reports in $logs:"
    for f in "$logs"/*; do
      echo "== $f"
      head -n 60 "$f"
    done
    return 1
  fi
}

# timed NAME COMMAND...: runs and prints the stage's wall time.
timed() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  echo "== $name: $((SECONDS - start)) s"
}

asan_build() {
  configure build-asan address,undefined -DLOCALCA_FUZZ=ON
  cmake --build build-asan -j"$jobs"
}

# sanitized_ctest BUILD_DIR [VAR=value...] -- CTEST_ARGS...: ctest in BUILD_DIR with the
# sanitizer environment given (whose log_path points into BUILD_DIR/sanitizer-logs). Fails when a
# test failed or a sanitizer wrote a report, and prints the reports in both cases.
sanitized_ctest() {
  local dir=$1 status=0 env_vars=()
  shift
  while [[ $1 != -- ]]; do
    env_vars+=("$1")
    shift
  done
  shift
  local logs=$root/$dir/sanitizer-logs
  rm -rf "$logs"
  mkdir -p "$logs"
  (cd "$dir" && env "${env_vars[@]}" ctest --output-on-failure -j"$jobs" "$@") || status=$?
  reports "$logs" || status=1
  return "$status"
}

asan_test() {
  local logs=$root/build-asan/sanitizer-logs
  sanitized_ctest build-asan \
    ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:log_path=$logs/asan" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" \
    -- -L 'unit|integration'
}

fuzz() {
  LOCALCA_FUZZ_JOBS=$jobs tests/fuzz/run.sh build-asan "${LOCALCA_FUZZ_SECONDS:-30}"
}

# The concurrency tests: the writer and store, the server core, the engine, and concurrent
# issuance and revocation against the real binary (durability, crash). TSan sees the races of
# our code; tests/tsan.supp documents the few reports from uninstrumented libraries.
tsan_tests='^(storage\.storage_(writer|store|serial_sequence)|server\.core\.(server_http|rate_limiter_tests)|ca\.(ca_engine|audit_engine)|ca\.foundry\.foundry_managed_certificates|integration\.test_(durability|crash))$'

tsan_build() {
  configure build-tsan thread
  cmake --build build-tsan -j"$jobs" --target localca unit_storage unit_server unit_ca
}

tsan_test() {
  local logs=$root/build-tsan/sanitizer-logs
  sanitized_ctest build-tsan \
    TSAN_OPTIONS="suppressions=$root/tests/tsan.supp:second_deadlock_stack=1:log_path=$logs/tsan" \
    -- -R "$tsan_tests"
}

for stage in "${stages[@]}"; do
  case $stage in
  asan)
    timed "asan build" asan_build
    timed "asan tests" asan_test
    ;;
  fuzz) timed "fuzz" fuzz ;;
  tsan)
    timed "tsan build" tsan_build
    timed "tsan tests" tsan_test
    ;;
  *)
    echo "unknown stage $stage (asan, fuzz, tsan)" >&2
    exit 2
    ;;
  esac
done
