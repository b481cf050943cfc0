#!/bin/sh
# Instruction counts (callgrind Ir, exact and independent of machine load) of a reduced
# interview load: scenarios/interview_load.json with its ramp scaled down to TARGET sessions
# (600 s ramp, 120 s hold, 60 s ramp-down), run by `agentsim run` with its SQLite report.
#
#   bench/callgrind_load.sh AGENTSIM_BINARY [TARGET=200] [OUT=callgrind.out.load]
#
# Prints the turn count and the total Ir; inspect OUT with callgrind_annotate (--inclusive=yes).
# Per-turn cost without start-up and summary: run TARGET 200 and 400 and divide the difference
# of the totals by the difference of the turns (docs/performance.md, "Where the time goes").
set -eu
bin=$1
target=${2:-200}
out=${3:-callgrind.out.load}
src=$(cd "$(dirname "$0")/.." && pwd)/scenarios
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ln -s "$src/configs" "$dir/configs"
ln -s "$src/corpus" "$dir/corpus"
sed -e "s/{\"target\": 1000, \"duration_s\": 3600}/{\"target\": $target, \"duration_s\": 600}/" \
    -e "s/{\"target\": 1000, \"duration_s\": 600}/{\"target\": $target, \"duration_s\": 120}/" \
    -e 's/{"target": 0, "duration_s": 300}/{"target": 0, "duration_s": 60}/' \
    "$src/interview_load.json" > "$dir/load.json"
grep -q "\"target\": $target, \"duration_s\": 120" "$dir/load.json" ||
  { echo "callgrind_load.sh: interview_load.json's stages changed; update the sed lines" >&2; exit 1; }
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" run -q --report "$dir/report.db" \
  "$dir/load.json" > "$dir/run.txt" 2> "$dir/valgrind.txt"
grep '^turns' "$dir/run.txt"
grep 'refs' "$dir/valgrind.txt"
