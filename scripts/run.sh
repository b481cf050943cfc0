#!/usr/bin/env bash
# Sets up, builds (optimised) and runs `agentsim run` with any arguments given; with none, the
# embedded default scenario. The report goes to ./agentsim-report.db unless --report says.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
cmake --preset release -S "$root" >/dev/null
cmake --build "$root/build/release" --target agentsim >/dev/null
exec "$root/build/release/app/agentsim" run "$@"
