#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite twice: optimised, then with AddressSanitizer
# and UndefinedBehaviorSanitizer. Benchmarks are built (not run) in the optimised build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/setup.sh
jobs="${AGENTSIM_JOBS:-$(nproc)}"

for preset in release debug; do
  echo "== ${preset}: configure and build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== ${preset}: test" >&2
  ctest --preset "$preset" -j "$jobs"
done
