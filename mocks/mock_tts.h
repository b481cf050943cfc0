// Mock TTS backend: time to first byte ~ LogNormal(ttfb_ms); audio lasts
// characters / (chars_per_second * speed); synthesis finishes after `realtime_factor` of that
// duration past the first byte. Deterministic in (backend stream, request.seed); completes
// through the event loop.
//
// Faults (mocks/backend_faults.h), per provider: request.provider's entry of `provider_faults`,
// or `faults` for the others (whose error rate is the larger of `error_rate` and
// faults.error_rate). Outages, errors and rate limits fail after the time to first byte; a
// timeout hangs for hang_us and then fails with kDeadlineExceeded; a stall delays the first
// byte by stall_us (the audio itself is unchanged). Fault draws come from the call's stream
// forked with "faults", so a run without faults draws what it did before.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/async/event_loop.h"
#include "core/ports/tts_client.h"
#include "core/rng/distributions.h"
#include "core/rng/rng.h"
#include "mocks/backend_faults.h"

namespace agentsim {

struct MockTtsOptions {
  LogNormalSpec ttfb_ms{180.0, 450.0};
  double chars_per_second = 15.0;  // about 150 words a minute
  double realtime_factor = 0.25;   // synthesis time / audio duration
  double error_rate = 0.0;
  BackendFaults faults;  // providers without an entry below
  std::map<std::string, BackendFaults, std::less<>> provider_faults;
};

class MockTts final : public TtsClient {
 public:
  struct Stats {
    std::uint64_t calls = 0;
    std::uint64_t errors = 0;  // calls that failed, whatever the fault
    std::uint64_t characters = 0;
    std::uint64_t stalls = 0;
    std::uint64_t outages = 0;
  };

  MockTts(EventLoop* loop, Rng rng, MockTtsOptions options);
  Task<Result<TtsResponse>> Synthesize(TtsRequest request) override;
  const Stats& stats() const { return stats_; }
  // Every fault injected, in the order the calls were issued.
  const std::vector<InjectedFault>& faults_injected() const { return faults_.log(); }

 private:
  EventLoop* loop_;
  Rng rng_;
  MockTtsOptions options_;
  LogNormalSampler ttfb_ms_;  // options_.ttfb_ms
  Stats stats_;
  FaultInjector faults_;
};

}  // namespace agentsim
