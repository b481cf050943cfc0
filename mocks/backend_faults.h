// Fault models of the mock LLM and TTS backends, per provider (request.provider), in the
// vocabulary of Toxiproxy and WireMock. For one call issued at virtual time t by provider P,
// with P's BackendFaults (or the backend's defaults when P has no entry):
//
//   1. outage:       t in one of `outages` [start_us, end_us)      -> kUnavailable
//   2. rate limit:   P's token bucket (rate_limit_per_second sustained, rate_limit_burst deep)
//                    has no token for the call                      -> kResourceExhausted with
//                    Retry-After = the time until the next token
//   3. one uniform draw u: u < error_rate                           -> kUnavailable
//                          then timeout_rate                        -> no answer (hangs hang_us,
//                                                                      then kDeadlineExceeded)
//                          then rate_limit_rate                     -> kResourceExhausted with
//                                                                      Retry-After = retry_after_us
//   4. otherwise, with probability stall_rate the first token/byte is stall_us late (a stall).
//
// Draws come only from the `rng` passed in (the call's stream, forked from request.seed) and
// only for rates > 0, so a model with no faults draws nothing. The token bucket is integer
// arithmetic on virtual time. Every fault injected is logged (at_us, backend, provider, kind)
// in the order calls were issued. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/clock.h"
#include "core/rng/rng.h"
#include "core/util/error.h"
#include "mocks/mock_shared_cache.h"  // OutageWindow

namespace agentsim {

struct BackendFaults {
  double error_rate = 0.0;
  double timeout_rate = 0.0;
  Micros hang_us = 60 * kMicrosPerSecond;
  double rate_limit_rate = 0.0;
  Micros retry_after_us = kMicrosPerSecond;
  int rate_limit_per_second = 0;  // 0: no token bucket
  int rate_limit_burst = 10;
  double stall_rate = 0.0;
  Micros stall_us = 3 * kMicrosPerSecond;
  std::vector<OutageWindow> outages;
};

// The last three come only from chaos sites and room faults (mocks/chaos.h, mocks/mock_room.h):
// a malformed LLM output, a dropped room connection, a slow store call.
enum class FaultKind {
  kOutage, kRateLimited, kError, kTimeout, kStall, kMalformed, kDisconnect, kSlow
};
inline constexpr int kFaultKinds = 8;
// "outage", "rate_limited", "error", "timeout", "stall", "malformed", "disconnect", "slow".
std::string_view FaultKindName(FaultKind kind);

struct InjectedFault {
  Micros at_us = 0;             // instant the call was issued (room: of the publish)
  std::string_view backend;     // "llm" | "tts" | "store" | "shared_cache" | "room"
  std::string provider;         // llm/tts: request.provider; room: "session <id>"; else ""
  FaultKind kind = FaultKind::kError;
  // Who injected it: "" the scenario's fault model (backends.*.faults, scripted outages, room
  // faults), "timeline" a start_outage action, else the chaos site's name (mocks/chaos_sites.h).
  // A string literal or a name from kChaosSites.
  std::string_view site;
};

// What happens to one call.
struct FaultDecision {
  std::optional<FaultKind> failure;  // kOutage, kRateLimited, kError or kTimeout
  Micros retry_after_us = 0;         // with kRateLimited
  Micros stall_us = 0;               // extra latency before the first token/byte
  Micros hang_us = 0;                // with kTimeout: how long the call hangs
};

class FaultInjector {
 public:
  // `backend` names the backend in the log ("llm", "tts"); `label` starts error messages
  // ("mock LLM"). Must be string literals (or outlive the injector).
  FaultInjector(std::string_view backend, std::string_view label, BackendFaults defaults,
                std::map<std::string, BackendFaults, std::less<>> providers);

  const BackendFaults& For(std::string_view provider) const;
  // Decides the faults of a call of `provider` issued at `now_us`, logs them.
  FaultDecision Decide(std::string_view provider, Micros now_us, Rng& rng);
  // The error a failed call returns, e.g. "mock LLM: rate limited (retry after 250 ms)".
  // REQUIRES: decision.failure.
  Error ToError(const FaultDecision& decision, Micros issued_at_us) const;

  const std::vector<InjectedFault>& log() const { return log_; }
  std::uint64_t count(FaultKind kind) const { return counts_[static_cast<int>(kind)]; }

 private:
  struct Bucket {
    std::int64_t micro_tokens = 0;  // tokens * 1e6
    Micros at_us = 0;
  };
  // Takes a token for a call at `now_us`; otherwise returns the µs until one is available.
  std::optional<Micros> TakeToken(std::string_view provider, const BackendFaults& f,
                                  Micros now_us);
  void Log(Micros at_us, std::string_view provider, FaultKind kind);

  std::string_view backend_;
  std::string_view label_;
  BackendFaults defaults_;
  std::map<std::string, BackendFaults, std::less<>> providers_;
  std::map<std::string, Bucket, std::less<>> buckets_;
  std::vector<InjectedFault> log_;
  std::array<std::uint64_t, kFaultKinds> counts_{};
};

}  // namespace agentsim
