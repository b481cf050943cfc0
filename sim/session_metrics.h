// SessionMetricsSink: per-session metrics of a run, for paired comparisons (agentsim compare).
// Per session id:
//   turn_latency_ms         mean turn duration over its turns
//   time_to_first_audio_ms  mean over its turns that produced audio
//   fallback_rate           fallback turns / turns
//   session_completed       1 completed, 0 otherwise
//   <outcome>               the scenario's outcome draws (OutcomeMetricSpec)
// A metric a session has no value for is absent from that session's map.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/agent/records.h"

namespace agentsim {

class SessionMetricsSink final : public RecordSink {
 public:
  // Wraps `next` (may be null): every record is forwarded to it. With `agent_id` set, Metrics()
  // covers only the sessions of that agent.
  explicit SessionMetricsSink(RecordSink* next = nullptr, std::string agent_id = "")
      : next_(next), agent_id_(std::move(agent_id)) {}

  void OnTurn(const TurnRecord& turn) override;
  void OnSession(const SessionRecord& session) override;
  void OnCheckFailure(const CheckFailure& failure) override;

  // metric -> session id -> value (metrics and sessions in byte / numeric order).
  std::map<std::string, std::map<std::uint64_t, double>> Metrics() const;
  std::uint64_t turns() const { return turns_; }
  std::uint64_t sessions() const { return sessions_.size(); }

 private:
  struct Totals {
    std::int64_t turns = 0;
    double latency_ms = 0;
    std::int64_t ttfa_turns = 0;
    double ttfa_ms = 0;
    std::int64_t fallbacks = 0;
    bool ended = false;
    bool completed = false;
    std::string agent_id;
    std::map<std::string, double> outcomes;
  };
  RecordSink* next_;
  std::string agent_id_;
  std::map<std::uint64_t, Totals> sessions_;
  std::uint64_t turns_ = 0;
};

}  // namespace agentsim
