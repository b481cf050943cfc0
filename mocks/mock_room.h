// Mock rooms. Each session gets a MockRoom that forwards every publish to one RoomMonitor,
// which counts them and checks the invariant that a hidden schema field never reaches the
// frontend: a structured-output payload carrying a key that is hidden in that session's schema
// is a CheckFailure ("hidden_field_published"), which fails the run.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/agent/records.h"
#include "core/ports/clock.h"
#include "core/ports/room.h"

namespace agentsim {

class RoomMonitor {
 public:
  struct Message {
    std::uint64_t session_id;
    std::string topic;
    std::string payload;
  };
  struct Stats {
    std::uint64_t data_messages = 0;
    std::uint64_t data_bytes = 0;
    std::uint64_t audio_segments = 0;
    Micros audio_duration_us = 0;
  };

  // `clock` and `sink` (may be null) not owned. With `keep_messages`, every data message is
  // kept (tests); otherwise only counted.
  RoomMonitor(const Clock* clock, RecordSink* sink, bool keep_messages = false)
      : clock_(clock), sink_(sink), keep_messages_(keep_messages) {}

  void OnData(std::uint64_t session_id, const std::set<std::string, std::less<>>& hidden,
              std::string_view topic, std::string_view payload);
  void OnAudio(const AudioSegment& segment);

  const Stats& stats() const { return stats_; }
  const std::vector<Message>& messages() const { return messages_; }
  const std::vector<CheckFailure>& failures() const { return failures_; }

 private:
  void Fail(std::uint64_t session_id, std::string detail);

  const Clock* clock_;
  RecordSink* sink_;
  bool keep_messages_;
  Stats stats_;
  std::vector<Message> messages_;
  std::vector<CheckFailure> failures_;
};

class MockRoom final : public Room {
 public:
  // `hidden`: the hidden field names of the session's schema (shared, not copied).
  MockRoom(RoomMonitor* monitor, std::uint64_t session_id,
           std::shared_ptr<const std::set<std::string, std::less<>>> hidden)
      : monitor_(monitor), session_id_(session_id), hidden_(std::move(hidden)) {}

  Status PublishData(std::string_view topic, std::string_view payload) override;
  Status PublishAudio(const AudioSegment& segment) override;

 private:
  RoomMonitor* monitor_;
  std::uint64_t session_id_;
  std::shared_ptr<const std::set<std::string, std::less<>>> hidden_;
};

}  // namespace agentsim
