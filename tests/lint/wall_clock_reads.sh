#!/bin/sh
# Every wall-clock read goes through the injected clock (ca/clock.hpp), so that tests and the
# lab's time travel steer all of them. Fails when a source under ca/, server/, storage/ or tools/
# other than the clock's implementation reads the system's time directly. steady_clock (durations,
# timeouts) is not a wall clock and stays allowed.
# Usage: wall_clock_reads.sh SOURCE_DIR
set -eu
root="${1:-$(dirname "$0")/../..}"
cd "$root"
hits=$(grep -rnE 'system_clock::now|[^_a-zA-Z]time\((nullptr|NULL|0)\)|std::time\(|gettimeofday|clock_gettime\(CLOCK_REALTIME' \
    --include='*.cpp' --include='*.hpp' --include='*.h' --include='*.cc' \
    ca server storage tools | grep -v '^ca/clock\.cpp:' || true)
if [ -n "$hits" ]; then
    echo "wall-clock reads outside ca/clock.cpp (use the injected ca::clock):"
    echo "$hits"
    exit 1
fi
echo "no direct wall-clock reads"
