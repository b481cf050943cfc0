#!/usr/bin/env python3
"""Issue #5's memory bar, checked where it is measured (ctest session_memory_budget).

Runs session_memory_bench for 10,000 concurrent sessions with short text (the figure that
excludes transcript text) and fails when its peak heap per session passes --limit bytes (4,096:
10^6 concurrent sessions must fit a 24 GiB machine). The count is exact for a given build and
allocator (the bench counts every block's usable size; no wall time is involved). The
SimulateSession coroutine frame sits just under mimalloc's 1,280-byte bin: a frame that grows
past it costs 256 B per session, which this check reports.
"""
import argparse
import json
import subprocess
import sys

BENCHMARK = "BM_SessionMemory/10000/1/iterations:1/real_time"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", required=True, help="the session_memory_bench executable")
    parser.add_argument("--limit", type=float, default=4096.0, help="bytes per session")
    args = parser.parse_args()
    run = subprocess.run(
        [args.bench, "--benchmark_filter=^BM_SessionMemory/10000/1/",
         "--benchmark_format=json"],
        capture_output=True, text=True, check=False)
    if run.returncode != 0:
        print(f"session_memory_bench exited with {run.returncode}:\n{run.stderr}")
        return 1
    results = [b for b in json.loads(run.stdout)["benchmarks"] if b["name"] == BENCHMARK]
    if len(results) != 1:
        print(f"expected one result named {BENCHMARK}, got {len(results)}")
        return 1
    result = results[0]
    peak = result["peak_per_session"]
    print(f"peak heap per concurrent session: {peak:.1f} B (limit {args.limit:.0f} B); "
          f"between turns {result['between_turns_per_session']:.1f} B; "
          f"marginal {result['marginal_per_session']:.1f} B")
    if peak > args.limit:
        print(f"FAIL: {peak:.1f} B per session is over {args.limit:.0f} B "
              "(docs/performance.md: the session frame and mimalloc's bins)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
