// ExperimentTracker: the metrics of experiment participants, per user, as GrowthBook analyses
// them (the unit of analysis is the user: one value per user and metric).
//
// Per user of a variant, over all of the user's sessions in the run:
//   turn_latency_ms        numeric     mean turn duration (end of user turn -> turn handled)
//   time_to_first_audio_ms numeric     mean time to first audio over turns that produced audio
//                                      (users without such a turn contribute no value)
//   fallback_rate          numeric     fallback turns / turns with an outcome
//   session_completed      proportion  1 when every session of the user completed
//   <outcome> (scenario)   proportion  1 when any session's draw succeeded (converted)
//                          numeric     mean of the sessions' draws
// Outcomes are drawn for completed sessions only; a user without one has no outcome value.
// Finish() records these in the ABTestManager (one RecordNumeric / RecordProportion per user
// and metric, users in byte order), whose per-variant sums feed reports/analysis.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/agent/records.h"
#include "core/experiments/ab_test_manager.h"
#include "core/rng/rng.h"
#include "sim/scenario_routing.h"

namespace agentsim {

inline constexpr std::string_view kMetricTurnLatencyMs = "turn_latency_ms";
inline constexpr std::string_view kMetricTtfaMs = "time_to_first_audio_ms";
inline constexpr std::string_view kMetricFallbackRate = "fallback_rate";

// The session's outcome values, in `outcomes` order: 0 or 1 for a proportion, the draw for a
// numeric metric (see OutcomeMetricSpec). Uses only `rng` (the session's "outcomes" stream),
// one draw per metric from a stream forked by the metric's name, so the values for two agents
// share their randomness (common random numbers).
std::vector<std::pair<std::string, double>> DrawOutcomes(
    const std::vector<OutcomeMetricSpec>& outcomes, const std::string& agent_id, const Rng& rng);

class ExperimentTracker {
 public:
  // Not owned; REQUIRES: outlive the tracker.
  ExperimentTracker(const std::vector<OutcomeMetricSpec>* outcomes, ABTestManager* manager)
      : outcomes_(outcomes), manager_(manager) {}

  void OnTurn(const std::string& experiment, int variant, const std::string& user_id,
              const TurnRecord& turn);
  // Once per session of a participant (refused sessions included: not completed).
  void OnSessionEnd(const std::string& experiment, int variant, const SessionRecord& session);
  // Records one value per user and metric into the manager. Call once, at the end of the run.
  Status Finish();

 private:
  struct UserTotals {
    int variant = 0;
    std::int64_t turns = 0;         // turns with an outcome
    double latency_ms_sum = 0;
    std::int64_t ttfa_turns = 0;
    double ttfa_ms_sum = 0;
    std::int64_t fallbacks = 0;
    std::int64_t sessions = 0;
    std::int64_t sessions_completed = 0;
    std::int64_t outcome_sessions = 0;  // sessions with outcome draws (completed ones)
    std::vector<double> outcome_sums;  // per outcome metric
    std::vector<bool> converted;       // per proportion outcome: any success
  };
  UserTotals& Totals(const std::string& experiment, int variant, const std::string& user_id);

  const std::vector<OutcomeMetricSpec>* outcomes_;
  ABTestManager* manager_;
  // (experiment, user) -> totals; ordered: deterministic Finish.
  std::map<std::pair<std::string, std::string>, UserTotals> users_;
};

}  // namespace agentsim
