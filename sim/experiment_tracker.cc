#include "sim/experiment_tracker.h"

#include <algorithm>

namespace agentsim {

std::vector<std::pair<std::string, double>> DrawOutcomes(
    const std::vector<OutcomeMetricSpec>& outcomes, const std::string& agent_id, const Rng& rng) {
  std::vector<std::pair<std::string, double>> values;
  values.reserve(outcomes.size());
  for (const OutcomeMetricSpec& m : outcomes) {
    Rng draw = rng.Fork(m.name);
    const auto effect_it = m.effects.find(agent_id);
    const double effect = effect_it == m.effects.end() ? 0.0 : effect_it->second;
    if (m.kind == OutcomeMetricSpec::Kind::kProportion) {
      const double p = std::clamp(m.base_rate + effect, 0.0, 1.0);
      values.emplace_back(m.name, draw.Uniform01() < p ? 1.0 : 0.0);
    } else {
      values.emplace_back(m.name, m.mean + effect + m.sd * draw.Normal(0.0, 1.0));
    }
  }
  return values;
}

ExperimentTracker::UserTotals& ExperimentTracker::Totals(const std::string& experiment,
                                                         int variant,
                                                         const std::string& user_id) {
  auto [it, inserted] = users_.try_emplace({experiment, user_id});
  if (inserted) {
    it->second.variant = variant;
    it->second.outcome_sums.assign(outcomes_->size(), 0.0);
    it->second.converted.assign(outcomes_->size(), false);
  }
  return it->second;
}

void ExperimentTracker::OnTurn(const std::string& experiment, int variant,
                               const std::string& user_id, const TurnRecord& turn) {
  UserTotals& t = Totals(experiment, variant, user_id);
  ++t.turns;
  if (turn.timings.turn_total_us >= 0) {
    t.latency_ms_sum += static_cast<double>(turn.timings.turn_total_us) / 1000.0;
  }
  if (turn.timings.time_to_first_audio_us >= 0) {
    ++t.ttfa_turns;
    t.ttfa_ms_sum += static_cast<double>(turn.timings.time_to_first_audio_us) / 1000.0;
  }
  if (turn.outcome == TurnOutcome::kFallback) ++t.fallbacks;
}

void ExperimentTracker::OnSessionEnd(const std::string& experiment, int variant,
                                     const SessionRecord& session) {
  UserTotals& t = Totals(experiment, variant, session.user_id);
  ++t.sessions;
  if (session.status == "completed") ++t.sessions_completed;
  if (!session.outcomes.empty()) ++t.outcome_sessions;
  for (std::size_t i = 0; i < session.outcomes.size() && i < t.outcome_sums.size(); ++i) {
    t.outcome_sums[i] += session.outcomes[i].second;
    if (session.outcomes[i].second != 0) t.converted[i] = true;
  }
}

Status ExperimentTracker::Finish() {
  for (const auto& [key, t] : users_) {
    const std::string& experiment = key.first;
    auto numeric = [&](std::string_view metric, double value) {
      return manager_->RecordNumeric(experiment, t.variant, metric, value);
    };
    Status s;
    if (t.turns > 0) {
      s = numeric(kMetricTurnLatencyMs, t.latency_ms_sum / static_cast<double>(t.turns));
      if (s) {
        s = numeric(kMetricFallbackRate,
                    static_cast<double>(t.fallbacks) / static_cast<double>(t.turns));
      }
    }
    if (s && t.ttfa_turns > 0) {
      s = numeric(kMetricTtfaMs, t.ttfa_ms_sum / static_cast<double>(t.ttfa_turns));
    }
    if (s) {
      s = manager_->RecordProportion(experiment, t.variant, kMetricSessionCompleted,
                                     t.sessions > 0 && t.sessions_completed == t.sessions);
    }
    for (std::size_t i = 0; s && i < outcomes_->size(); ++i) {
      const OutcomeMetricSpec& m = (*outcomes_)[i];
      if (t.outcome_sessions == 0) break;
      if (m.kind == OutcomeMetricSpec::Kind::kProportion) {
        s = manager_->RecordProportion(experiment, t.variant, m.name, t.converted[i]);
      } else {
        s = numeric(m.name, t.outcome_sums[i] / static_cast<double>(t.outcome_sessions));
      }
    }
    if (!s) return s;
  }
  return {};
}

}  // namespace agentsim
