// The workload's timeline actions (docs/scenario-format.md, "Timeline"), read by the timeline
// parser (sim/scenario_routing.cc) and applied by the runner:
//
//   {"at_s": 600, "set_arrival_rate": {"rate": 40, "time_unit_s": 1}}
//       from at_s on, the open-model executor runs a constant-arrival-rate of `rate` per
//       `time_unit_s` (default: the executor's; 1 s for the old form) until its end, replacing its schedule or ramp (RateChange in
//       sim/workload/workload_driver.h). rate 0 .. 1e7 (0 pauses arrivals); time_unit_s
//       0.001 .. 86400. An error with a closed-model executor.
//   {"at_s": 300, "set_feature_flag": {"agent_id": "interview-strict-v1",
//                                      "flag": "enable_sentiment_analysis", "value": true}}
//       a runtime override of one of the agent's feature flags (every version of it), as a
//       flag service flips it: no config version is published; sessions started after it read
//       the new value (core/config/feature_flag_overrides.h). agent_id: a scenario agent or one
//       the timeline publishes before the event (checked by the timeline parser). flag: one of
//       that agent's config feature_flags (any version the scenario runs or the timeline
//       publishes) or one the agent reads itself (kAgentReadFeatureFlags); else refused at load.
#pragma once

#include <array>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/json/json_document.h"
#include "sim/scenario_routing.h"
#include "sim/workload/workload_driver.h"
#include "sim/workload/workload_spec.h"

namespace agentsim {

// True for kSetArrivalRate and kSetFeatureFlag.
bool IsWorkloadTimelineEvent(const TimelineEventSpec& e);

// Reads the action `key` ("set_arrival_rate" or "set_feature_flag") of the timeline event at
// `at` (e.g. "/timeline/3") into `e` (kind and its fields); false, with errors appended, when
// it is malformed. `workload` is the scenario's (read before the timeline): set_arrival_rate
// is refused for a closed-model executor.
bool ReadWorkloadTimelineAction(const JsonDocument& doc, const std::string& at,
                                const std::string& key, const WorkloadSpec& workload,
                                TimelineEventSpec& e, std::vector<std::string>* errors);

// The feature flags every agent reads, whatever its config lists (core/agent/agent.cc).
inline constexpr std::array<std::string_view, 2> kAgentReadFeatureFlags = {
    "enable_sentiment_analysis", "enable_voice_analytics"};

// The closest of `candidates` to `word` as DidYouMean (core/json/object_reader.h) judges it
// (the first of equally close ones), or "" when none is close.
std::string ClosestName(std::string_view word, const std::vector<std::string>& candidates);

// Checks the flag of the set_feature_flag event `e`, read at `pointer` (".../set_feature_flag"):
// it must be in `agent_flags` (the feature_flags keys of every config of e.agent_id) or in
// kAgentReadFeatureFlags. Else appends "file:line:col: <pointer>/flag: expected a feature flag
// of agent \"<id>\" (<sorted flags>), got \"<flag>\"" plus " (did you mean '<flag>'?)" when
// one is close, and returns false.
bool CheckFeatureFlag(const JsonDocument& doc, const std::string& pointer,
                      const TimelineEventSpec& e, const std::set<std::string>& agent_flags,
                      std::vector<std::string>* errors);

// The timeline table's subject of a workload event: "arrivals" for set_arrival_rate,
// "<agent_id>/<flag>" for set_feature_flag; its detail: "rate 40 per 1 s", "flag = true".
std::string WorkloadTimelineSubject(const TimelineEventSpec& e);
std::string WorkloadTimelineDetail(const TimelineEventSpec& e);

// The set_arrival_rate events of a timeline (ascending at_us), for the WorkloadDriver.
std::vector<RateChange> RateChanges(const std::vector<TimelineEventSpec>& timeline);

}  // namespace agentsim
