#!/bin/sh
# Tests mirror sources (docs/architecture.md, "Tests"): every source file with logic,
# <module>/<file>.cpp under ca/, storage/, server/ and tools/localca/, has its unit test
# tests/unit/<module>/<file>_test.cpp. A file that is pure wiring, or whose behaviour only a
# running server shows, is on the allow-list below with the test that covers it instead. An
# entry that is stale (its source is gone, or it has a unit test now) fails too, so the list
# only shrinks. Usage: tests_mirror_sources.sh [SOURCE_DIR]
cd "${1:-$(dirname "$0")/../..}" || exit 2

# <source>  <what covers it>
allowed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' <<'LIST'
# Vendor rows of the operator API's inventory: SQL declarations only.
storage/enos/admin_owner.cpp          integration/test_admin_inventory.py
storage/foundry/admin_owner.cpp       integration/test_admin_inventory.py
storage/emca/admin_owner.cpp          integration/test_admin_inventory.py
LIST
)

status=0
for source in $(find ca storage server tools/localca -name '*.cpp' | sort); do
    test_file="tests/unit/${source%.cpp}_test.cpp"
    entry=$(printf '%s\n' "$allowed" | awk -v s="$source" '$1 == s { print $2 }')
    if [ -f "$test_file" ]; then
        if [ -n "$entry" ]; then
            echo "stale allow-list entry: $source has $test_file now; remove the entry"
            status=1
        fi
    elif [ -z "$entry" ]; then
        echo "no unit test: $source (write $test_file, or allow-list it with what covers it)"
        status=1
    fi
done
for source in $(printf '%s\n' "$allowed" | awk '{ print $1 }'); do
    if [ ! -f "$source" ]; then
        echo "stale allow-list entry: $source does not exist"
        status=1
    fi
done
if [ "$status" -eq 0 ]; then
    echo "every source with logic has tests/unit/<module>/<file>_test.cpp or an allow-list entry"
fi
exit "$status"
