#!/usr/bin/env bash
# Runs libFuzzer targets of a LOCALCA_FUZZ build for a bounded time each, two at a time, and
# fails on any crash, leak, timeout or out-of-memory, printing the reproducer's path.
#   tests/fuzz/run.sh BUILD_DIR [SECONDS [TARGET...]]     (default 30 s, every target)
# Each run starts from the checked-in corpus and regressions (read-only: new inputs go to
# BUILD_DIR/fuzz-run/<target>/corpus). A reproducer is replayed with
#   BUILD_DIR/bin/fuzz_<target> FILE
# and, once fixed, kept as tests/fuzz/regressions/<target>/<name> (ctest then replays it).
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR [SECONDS [TARGET...]]}" && pwd)
seconds=${2:-30}
shift $(($# < 2 ? $# : 2))
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(csr cms emca enos foundry seed http)
fi
parallel=${LOCALCA_FUZZ_JOBS:-2}
work=$build/fuzz-run
rm -rf "$work"
mkdir -p "$work"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_one() {
  local t=$1 dir=$work/$1
  mkdir -p "$dir/corpus"
  local inputs=("$dir/corpus" "$src/corpus/$t")
  [ -d "$src/regressions/$t" ] && inputs+=("$src/regressions/$t")
  local dict=()
  [ "$t" != csr ] && [ "$t" != cms ] && dict=(-dict="$src/localca.dict")
  # -timeout: one input; -rss_limit_mb: the whole process; leaks are checked per input by LSan.
  "$build/bin/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/" "${dict[@]}" "${inputs[@]}" \
    >"$dir.log" 2>&1
}

summary() {
  local t=$1 log=$work/$1.log
  local execs rate cov
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -1)
  printf 'fuzz %-8s %s execs, %s exec/s, %s\n' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}"
}

failed=()
declare -A pids=()
launch() {
  run_one "$1" &
  pids[$!]=$1
}
reap() {
  local pid rc=0
  wait -n -p pid || rc=$?
  local t=${pids[$pid]}
  unset "pids[$pid]"
  summary "$t"
  if ((rc != 0)); then
    failed+=("$t")
    echo "fuzz $t FAILED (exit $rc); log $work/$t.log, reproducer(s):"
    ls "$work/$t"/crash-* "$work/$t"/leak-* "$work/$t"/timeout-* "$work/$t"/oom-* 2>/dev/null |
      sed 's/^/  /' || true
    tail -n 40 "$work/$t.log"
  fi
}

for t in "${targets[@]}"; do
  [ -x "$build/bin/fuzz_$t" ] || { echo "no fuzz target $build/bin/fuzz_$t"; exit 2; }
  while ((${#pids[@]} >= parallel)); do reap; done
  launch "$t"
done
while ((${#pids[@]} > 0)); do reap; done

if ((${#failed[@]})); then
  echo "fuzzing failed: ${failed[*]}"
  exit 1
fi
echo "fuzzing: ${#targets[@]} targets x ${seconds} s, no crash, leak or timeout"
