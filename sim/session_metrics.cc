#include "sim/session_metrics.h"

#include "sim/experiment_tracker.h"

namespace agentsim {

void SessionMetricsSink::OnTurn(const TurnRecord& turn) {
  ++turns_;
  Totals& t = sessions_[turn.session_id];
  ++t.turns;
  if (turn.timings.turn_total_us >= 0) {
    t.latency_ms += static_cast<double>(turn.timings.turn_total_us) / 1000.0;
  }
  if (turn.timings.time_to_first_audio_us >= 0) {
    ++t.ttfa_turns;
    t.ttfa_ms += static_cast<double>(turn.timings.time_to_first_audio_us) / 1000.0;
  }
  if (turn.outcome == TurnOutcome::kFallback) ++t.fallbacks;
  if (next_ != nullptr) next_->OnTurn(turn);
}

void SessionMetricsSink::OnSession(const SessionRecord& session) {
  Totals& t = sessions_[session.session_id];
  t.ended = true;
  t.completed = session.status == "completed";
  t.agent_id = session.agent_id;
  for (const auto& [name, value] : session.outcomes) t.outcomes[name] = value;
  if (next_ != nullptr) next_->OnSession(session);
}

void SessionMetricsSink::OnCheckFailure(const CheckFailure& failure) {
  if (next_ != nullptr) next_->OnCheckFailure(failure);
}

std::map<std::string, std::map<std::uint64_t, double>> SessionMetricsSink::Metrics() const {
  std::map<std::string, std::map<std::uint64_t, double>> out;
  for (const auto& [id, t] : sessions_) {
    if (!agent_id_.empty() && t.agent_id != agent_id_) continue;
    if (t.turns > 0) {
      const double turns = static_cast<double>(t.turns);
      out[std::string(kMetricTurnLatencyMs)][id] = t.latency_ms / turns;
      out[std::string(kMetricFallbackRate)][id] = static_cast<double>(t.fallbacks) / turns;
    }
    if (t.ttfa_turns > 0) {
      out[std::string(kMetricTtfaMs)][id] = t.ttfa_ms / static_cast<double>(t.ttfa_turns);
    }
    if (t.ended) out["session_completed"][id] = t.completed ? 1.0 : 0.0;
    for (const auto& [name, value] : t.outcomes) out[name][id] = value;
  }
  return out;
}

}  // namespace agentsim
