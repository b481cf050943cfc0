// Mock TTS backend: time to first byte ~ LogNormal(ttfb_ms); audio lasts
// characters / (chars_per_second * speed); synthesis finishes after `realtime_factor` of that
// duration past the first byte. Errors (kUnavailable) with probability `error_rate`.
// Deterministic in (backend stream, request.seed); completes through the event loop.
#pragma once

#include <cstdint>

#include "core/async/event_loop.h"
#include "core/ports/tts_client.h"
#include "core/rng/distributions.h"
#include "core/rng/rng.h"

namespace agentsim {

struct MockTtsOptions {
  LogNormalSpec ttfb_ms{180.0, 450.0};
  double chars_per_second = 15.0;  // about 150 words a minute
  double realtime_factor = 0.25;   // synthesis time / audio duration
  double error_rate = 0.0;
};

class MockTts final : public TtsClient {
 public:
  struct Stats {
    std::uint64_t calls = 0;
    std::uint64_t errors = 0;
    std::uint64_t characters = 0;
  };

  MockTts(EventLoop* loop, Rng rng, MockTtsOptions options);
  Task<Result<TtsResponse>> Synthesize(TtsRequest request) override;
  const Stats& stats() const { return stats_; }

 private:
  EventLoop* loop_;
  Rng rng_;
  MockTtsOptions options_;
  Stats stats_;
};

}  // namespace agentsim
