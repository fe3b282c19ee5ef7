#!/usr/bin/env bash
# Installs (apt) whatever LocalCA needs to build, run and test that is not installed yet.
# clang, libclang-rt-14-dev (libFuzzer and the sanitizer runtimes) and llvm (llvm-symbolizer for
# readable sanitizer stacks) are for deploy/sanitize.sh. prometheus (with promtool) is for
# tests/integration/test_metrics.py, which starts its own server on a free port.
# libpq-dev is the PostgreSQL client the storage backend links; postgresql (the server) is for
# the throw-away clusters of the postgres-labelled tests (tests/support/pg_cluster.py).
# chromium, nodejs and npm are for the web console: npm rebuilds its bundle and installs
# playwright-core and axe-core for tests/browser/, which drive Debian's /usr/bin/chromium.
set -euo pipefail
packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-test1.81-dev
  libbotan-2-dev libsqlitecpp-dev libsqlite3-dev libssl-dev libpq-dev
  openssl sqlite3 python3 python3-cryptography python3-jsonschema curl ca-certificates
  mosquitto mosquitto-clients
  prometheus
  postgresql
  clang libclang-rt-14-dev llvm
  chromium nodejs
)
# A Node.js that ships its own npm (e.g. NodeSource's nodejs) conflicts with Debian's npm
# package: that one is only wanted when no npm is on the PATH.
command -v npm >/dev/null || packages+=(npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The package starts its own service where systemd runs: the tests need only the binaries.
  if [[ " ${missing[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
    "${sudo_cmd[@]}" systemctl disable --now prometheus || true
  fi
fi
