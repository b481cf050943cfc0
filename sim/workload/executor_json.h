// Reading a scenario's `workload.executor` object (sim/workload/executors.h), every problem
// reported as "file:line:col: /pointer: what was expected"; unknown keys are errors with a
// did-you-mean. Shapes (docs/workload.md):
//
//   {"type": "constant-arrival-rate", "rate": 10, "time_unit_s": 1, "duration_s": 600,
//    "max_concurrent": 500, "arrivals": "deterministic"}
//   {"type": "ramping-arrival-rate", "start_rate": 0, "time_unit_s": 1,
//    "stages": [{"target": 50, "duration_s": 600}, {"target": 0, "duration_s": 60}],
//    "max_concurrent": 500, "arrivals": "poisson"}
//   {"type": "constant-sessions", "sessions": 100, "duration_s": 3600,
//    "gap_between_sessions_ms": {"type": "exponential", "mean": 5000}}
//   {"type": "ramping-sessions", "start_sessions": 0,
//    "stages": [{"target": 1000, "duration_s": 3600}], "gap_between_sessions_ms": {...}}
//
// Ranges: rate, start_rate and rate targets 0..1e7 (rate > 0); time_unit_s 0.001..86400
// (default 1); duration_s 1e-6..1e7 (a stage's 0..1e7, all stages together > 0);
// max_concurrent 1..1e8 (absent: unlimited); arrivals "deterministic" (default) or "poisson";
// sessions 1..1e7, start_sessions and session targets 0..1e7; gap_between_sessions_ms any
// distribution (core/rng/distribution_json.h) of values >= 0, default constant 0.
//
// The old form, {"sessions": N, "arrival_rate_per_s": R} directly in `workload`, is not read
// here: it is LegacyPoissonExecutor(N, R) (sim/workload/executors.h). A workload gives either
// `executor` or those two keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/json/json_document.h"
#include "core/rng/distribution_json.h"
#include "sim/workload/executors.h"

namespace agentsim {

// Reads the executor object at `pointer` (e.g. "/workload/executor"), appending one line per
// problem to `errors`; nullopt when there was any (a missing object is one).
// `read_file` reads empirical distributions' sample files (may be empty if none are used).
std::optional<WorkloadExecutor> ReadWorkloadExecutor(const JsonDocument& doc,
                                                     const std::string& pointer,
                                                     std::vector<std::string>* errors,
                                                     const ReadFileFn& read_file = {});

}  // namespace agentsim
