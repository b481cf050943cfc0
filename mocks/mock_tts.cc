#include "mocks/mock_tts.h"

#include <cmath>

namespace agentsim {

// 16-bit mono PCM at 24 kHz.
constexpr double kAudioBytesPerSecond = 48000.0;

MockTts::MockTts(EventLoop* loop, Rng rng, MockTtsOptions options)
    : loop_(loop), rng_(rng), options_(options) {}

Task<Result<TtsResponse>> MockTts::Synthesize(TtsRequest request) {
  ++stats_.calls;
  stats_.characters += request.text.size();
  Rng rng = rng_.Fork(request.seed);
  const Micros ttfb = options_.ttfb_ms.SampleMillisAsMicros(rng);
  const bool fail = rng.Bernoulli(options_.error_rate);
  const double speed = request.speed > 0 ? request.speed : 1.0;
  const double seconds =
      static_cast<double>(request.text.size()) / (options_.chars_per_second * speed);

  co_await loop_->Sleep(ttfb);
  if (fail) {
    ++stats_.errors;
    co_return Unavailable("mock TTS: provider error (error_rate)");
  }
  TtsResponse response;
  response.first_byte_at_us = loop_->NowMicros();
  response.audio_duration_us = static_cast<Micros>(std::llround(seconds * 1e6));
  response.audio_bytes = static_cast<std::uint64_t>(std::llround(seconds * kAudioBytesPerSecond));
  co_await loop_->Sleep(
      static_cast<Micros>(std::llround(seconds * 1e6 * options_.realtime_factor)));
  response.completed_at_us = loop_->NowMicros();
  co_return response;
}

}  // namespace agentsim
