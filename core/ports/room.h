// Room port: where a session's output goes (LiveKit room: data messages on topics, audio
// track). Publishing must not block: an adapter queues and returns.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

// Topics the agent publishes on.
inline constexpr std::string_view kStructuredOutputTopic = "agent.structured_output";
inline constexpr std::string_view kConfigUpdateTopic = "config-update";

struct AudioSegment {
  Micros start_at_us = 0;        // instant the first audio byte reaches the room
  Micros duration_us = 0;        // playback length
  std::uint64_t bytes = 0;
};

class Room {
 public:
  virtual ~Room() = default;
  // A reliable data message. `payload` is JSON text. Errors: kUnavailable (disconnected).
  virtual Status PublishData(std::string_view topic, std::string_view payload) = 0;
  // Audio for the agent's track. Errors: kUnavailable (disconnected).
  virtual Status PublishAudio(const AudioSegment& segment) = 0;
};

}  // namespace agentsim
