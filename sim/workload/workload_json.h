// Reading a scenario's `workload` object into a WorkloadSpec (sim/workload/workload_spec.h),
// every problem reported as "file:line:col: /pointer: what was expected"; unknown keys are
// errors with a did-you-mean. Keys (docs/scenario-format.md, docs/workload.md):
//
//   executor            sim/workload/executor_json.h; or the old pair below
//   sessions, arrival_rate_per_s   the old form (both required without executor, refused with)
//   population          sim/workload/population_json.h; or the old keys users and user_ids
//   turns_per_session   {"min", "max"} (uniform) or any distribution (rounded, clamped to
//                       1..10000)
//   think_time_ms       any distribution of values >= 0 ({"median", "p95"} is the old form)
//   speech_chars_per_s  0.1 .. 1000
//   barge_in            {"probability": 0..1, "after_ms": {"median", "p95"}}
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json/json_document.h"
#include "core/rng/distribution_json.h"
#include "sim/workload/workload_spec.h"

namespace agentsim {

// Reads `/workload` of `doc` into *workload (keys absent keep their value) and the id style
// into *random_user_ids; appends one line per problem to `errors`. `read_file` reads empirical
// distributions' sample files.
void ReadWorkloadSpec(const JsonDocument& doc, const ReadFileFn& read_file,
                      WorkloadSpec* workload, bool* random_user_ids,
                      std::vector<std::string>* errors);

// Adds what the new forms give to the run's parameters object `workload` (the report's run
// table): "executor" (its type), "turns_per_session" and "think_time_ms" given as distributions
// (their Describe()), "tenants" (id, tier, weight). The old forms add nothing, so old
// scenarios' reports are unchanged.
void AddWorkloadParameters(const WorkloadSpec& workload, nlohmann::ordered_json* parameters);

}  // namespace agentsim
