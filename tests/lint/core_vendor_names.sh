#!/bin/sh
# The core (ca/ root, storage/ root, server/core/) names no vendor: vendor rules live in
# ca/<vendor>/, storage/<vendor>/ and server/<vendor>/ (docs/architecture.md). Prints every
# offending line and fails when there is one. Usage: core_vendor_names.sh [SOURCE_DIR]
cd "${1:-$(dirname "$0")/../..}" || exit 2
offending=$(grep -inE 'enos|emca|foundry' ca/*.hpp ca/*.cpp storage/*.hpp storage/*.cpp \
    server/core/* 2>/dev/null)
if [ -n "$offending" ]; then
    echo "vendor names in the core (move the code to the vendor's module, or reword):"
    echo "$offending"
    exit 1
fi
echo "core names no vendor"
