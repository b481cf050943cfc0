#!/usr/bin/env bash
# Installs the Debian 12 packages agentsim needs to build and test, and nothing when all are
# present. Needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  nlohmann-json3-dev libspdlog-dev libsqlite3-dev sqlite3 libssl-dev libcli11-dev
  libcpp-httplib-dev libgtest-dev libgmock-dev libbenchmark-dev libboost-math-dev
  libsimdjson-dev  # core/agent/json_fast_parse.cc
  libmimalloc-dev  # the agentsim program's allocator (cmake/Allocator.cmake)
  python3 python3-jsonschema  # tests/docs/scenario_schema_test.py (ctest scenario_schema)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
