#include "mocks/mock_tts.h"

#include <algorithm>
#include <cmath>

namespace agentsim {

// 16-bit mono PCM at 24 kHz.
constexpr double kAudioBytesPerSecond = 48000.0;

namespace {

BackendFaults DefaultFaults(const MockTtsOptions& o) {
  BackendFaults f = o.faults;
  f.error_rate = std::max(f.error_rate, o.error_rate);
  return f;
}

}  // namespace

MockTts::MockTts(EventLoop* loop, Rng rng, MockTtsOptions options)
    : loop_(loop),
      rng_(rng),
      options_(options),
      faults_("tts", "mock TTS", DefaultFaults(options_), options_.provider_faults) {}

Task<Result<TtsResponse>> MockTts::Synthesize(TtsRequest request) {
  ++stats_.calls;
  stats_.characters += request.text.size();
  Rng rng = rng_.Fork(request.seed);
  Rng fault_rng = rng.Fork("faults");
  const Micros issued_at_us = loop_->NowMicros();
  const FaultDecision fault = faults_.Decide(request.provider, issued_at_us, fault_rng);
  const Micros ttfb = options_.ttfb_ms.SampleMillisAsMicros(rng) + fault.stall_us;
  const bool fail = fault.failure.has_value();
  if (fault.stall_us > 0) ++stats_.stalls;
  const double speed = request.speed > 0 ? request.speed : 1.0;
  const double seconds =
      static_cast<double>(request.text.size()) / (options_.chars_per_second * speed);

  co_await loop_->Sleep(fault.failure == FaultKind::kTimeout ? fault.hang_us : ttfb);
  if (fail) {
    ++stats_.errors;
    if (fault.failure == FaultKind::kOutage) ++stats_.outages;
    co_return std::unexpected(faults_.ToError(fault, issued_at_us));
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
