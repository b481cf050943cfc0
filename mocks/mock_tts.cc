#include "mocks/mock_tts.h"

#include <algorithm>
#include <cmath>

#include "core/util/round.h"

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
      ttfb_ms_(options_.ttfb_ms),
      faults_("tts", "mock TTS", DefaultFaults(options_), options_.provider_faults) {}

namespace {

// What MockTts::Synthesize decides before its first wait.
struct TtsCallPlan {
  Micros issued_at_us = 0;
  FaultDecision fault;
  Micros first_wait_us = 0;  // to the first byte, or the hang of a timeout
  double seconds = 0;        // of audio
  Micros first_byte_at_us = 0;
};

}  // namespace

// The work between the waits is done by the lambdas (plain functions, their locals on the
// stack): GCC 12 keeps every local and temporary of a coroutine body in its heap frame.
Task<Result<TtsResponse>> MockTts::Synthesize(TtsRequest request) {
  TtsCallPlan plan;
  [this, &request](TtsCallPlan& p) {
    ++stats_.calls;
    stats_.characters += request.text.size();
    Rng rng = rng_.Fork(request.seed);
    Rng fault_rng = rng.Fork("faults");
    p.issued_at_us = loop_->NowMicros();
    p.fault = faults_.Decide(request.provider, p.issued_at_us, fault_rng);
    const Micros ttfb = ttfb_ms_.SampleMillisAsMicros(rng) + p.fault.stall_us;
    if (p.fault.stall_us > 0) ++stats_.stalls;
    const double speed = request.speed > 0 ? request.speed : 1.0;
    p.seconds = static_cast<double>(request.text.size()) / (options_.chars_per_second * speed);
    p.first_wait_us = p.fault.failure == FaultKind::kTimeout ? p.fault.hang_us : ttfb;
  }(plan);

  co_await loop_->Sleep(plan.first_wait_us);
  if (!plan.fault.failure) {
    plan.first_byte_at_us = loop_->NowMicros();
    co_await loop_->Sleep(
        static_cast<Micros>(RoundHalfAway(plan.seconds * 1e6 * options_.realtime_factor)));
  }
  co_return [this](const TtsCallPlan& p) -> Result<TtsResponse> {
    if (p.fault.failure) {
      ++stats_.errors;
      if (p.fault.failure == FaultKind::kOutage) ++stats_.outages;
      return std::unexpected(faults_.ToError(p.fault, p.issued_at_us));
    }
    TtsResponse response;
    response.first_byte_at_us = p.first_byte_at_us;
    response.audio_duration_us = static_cast<Micros>(RoundHalfAway(p.seconds * 1e6));
    response.audio_bytes =
        static_cast<std::uint64_t>(RoundHalfAway(p.seconds * kAudioBytesPerSecond));
    response.completed_at_us = loop_->NowMicros();
    return response;
  }(plan);
}

}  // namespace agentsim
