// Mock rooms. Each session gets a MockRoom that forwards every publish to one RoomMonitor,
// which counts them and checks the invariant that a hidden schema field never reaches the
// frontend: a structured-output payload carrying a key that is hidden in that session's schema
// is a CheckFailure ("hidden_field_published"), which fails the run.
//
// Room disconnects (RoomFaults, scenario key backends.room.faults; docs/faults.md): a session's
// connection drops
//   - at a publish (data or audio), with probability disconnect_per_publish (one draw from the
//     room's stream per publish while connected), or when the chaos site room.disconnect fires;
//   - at an instant drawn when the room is made: with probability session_disconnect_rate, at
//     the session's start + disconnect_after_ms (LogNormal). It takes effect at the first
//     publish or CheckConnection() at or after that instant, and is logged at that instant.
// The publish that meets the drop is lost and fails with kUnavailable, as does every later one
// (counted as publishes_refused, never delivered to the monitor); `on_disconnect` is called once,
// inline (it must not resume coroutines: e.g. Agent::Interrupt only sets a flag). Every drop is
// logged in the FaultControl (backend "room", provider "session <id>", kind disconnect, site ""
// or "room.disconnect").
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/agent/records.h"
#include "core/ports/clock.h"
#include "core/ports/room.h"
#include "core/rng/distributions.h"
#include "core/rng/rng.h"
#include "mocks/chaos_control.h"

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
    std::uint64_t disconnects = 0;        // connections dropped
    std::uint64_t publishes_refused = 0;  // publishes at or after a drop (never delivered)
  };

  // `clock` and `sink` (may be null) not owned. With `keep_messages`, every data message is
  // kept (tests); otherwise only counted.
  RoomMonitor(const Clock* clock, RecordSink* sink, bool keep_messages = false)
      : clock_(clock), sink_(sink), keep_messages_(keep_messages) {}

  void OnData(std::uint64_t session_id, const std::set<std::string, std::less<>>& hidden,
              std::string_view topic, std::string_view payload);
  void OnAudio(const AudioSegment& segment);
  void OnDisconnect() { ++stats_.disconnects; }
  void OnRefused() { ++stats_.publishes_refused; }
  const Clock* clock() const { return clock_; }

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

struct RoomFaults {
  double disconnect_per_publish = 0.0;
  double session_disconnect_rate = 0.0;
  LogNormalSpec disconnect_after_ms{60'000.0, 300'000.0};
  bool any() const { return disconnect_per_publish > 0 || session_disconnect_rate > 0; }
};

class MockRoom final : public Room {
 public:
  // `hidden`: the hidden field names of the session's schema (shared, not copied).
  MockRoom(RoomMonitor* monitor, std::uint64_t session_id,
           std::shared_ptr<const std::set<std::string, std::less<>>> hidden)
      : monitor_(monitor), session_id_(session_id), hidden_(std::move(hidden)) {}

  // Enables disconnects: `faults` (not copied: REQUIRES it outlives the room), `control` (not
  // owned; logs drops and holds the chaos sites) and the room's own stream `rng` (the run's
  // "room" stream forked by session id). Draws the session's drop instant now, from `rng`.
  void EnableFaults(const RoomFaults* faults, FaultControl* control, Rng rng);
  void set_on_disconnect(std::function<void()> f) { on_disconnect_ = std::move(f); }

  Status PublishData(std::string_view topic, std::string_view payload) override;
  Status PublishAudio(const AudioSegment& segment) override;

  // Applies a drawn drop whose instant has come; true while connected.
  bool CheckConnection();
  bool disconnected() const { return disconnected_; }
  // The instant the connection dropped; meaningful when disconnected().
  Micros disconnected_at_us() const { return disconnected_at_us_; }

 private:
  // Decides whether this publish meets a drop; false when the publish is refused.
  bool Admit();
  void Disconnect(Micros at_us, std::string_view site);

  RoomMonitor* monitor_;
  std::uint64_t session_id_;
  std::shared_ptr<const std::set<std::string, std::less<>>> hidden_;
  const RoomFaults* faults_ = nullptr;
  FaultControl* control_ = nullptr;
  Rng rng_{0};
  Micros drop_at_us_ = std::numeric_limits<Micros>::max();
  bool disconnected_ = false;
  Micros disconnected_at_us_ = 0;
  std::function<void()> on_disconnect_;
};

}  // namespace agentsim
