// TtsClient port: text plus voice instructions in, audio timing out. Instants in µs.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/async/task.h"
#include "core/ports/clock.h"
#include "core/util/error.h"

namespace agentsim {

// REQUIRES: the referenced strings outlive the awaited call.
struct TtsRequest {
  std::string_view provider;
  std::string_view voice;
  double speed = 1.0;                  // speaking-rate multiplier from tts_config
  std::string_view text;               // what is spoken
  std::string_view voice_instructions; // tone and pace directives (use_in_tts fields)
  std::uint64_t seed = 0;              // drawn from the session's RNG stream
};

struct TtsResponse {
  Micros first_byte_at_us = 0;    // instant the first audio byte was available (TTFB end)
  Micros completed_at_us = 0;     // instant synthesis finished
  Micros audio_duration_us = 0;   // playback length of the produced audio
  std::uint64_t audio_bytes = 0;  // size of the produced audio (16-bit mono PCM at 24 kHz)
};

class TtsClient {
 public:
  virtual ~TtsClient() = default;
  // Errors: kUnavailable, kDeadlineExceeded.
  virtual Task<Result<TtsResponse>> Synthesize(TtsRequest request) = 0;
};

}  // namespace agentsim
