// CircuitBreaker: one provider's breaker (closed, open, half-open), on virtual time.
//
//   closed    -> open       after `failure_threshold` consecutive failures (a success resets the
//                           count; neutral results leave it alone). Consecutive failures rather
//                           than a failure rate: with many sessions sharing a provider, an
//                           outage makes every call fail, and a count needs no window to tune.
//   open      -> half-open  once `cooldown_us` has passed since it opened. The change is noticed
//                           at the next TryAcquire (or state()) and recorded with the instant the
//                           cool-down ended.
//   half-open -> closed     when `half_open_probes` probes have succeeded;
//   half-open -> open       at the first probe that fails (the cool-down starts again).
// Half-open admits at most `half_open_probes` calls (probes) until they resolve; a neutral
// result gives its probe slot back. Results of calls admitted before the last state change are
// ignored (a slow call admitted while closed cannot close or re-open the breaker later).
//
// What counts as a failure is the caller's choice (ResilientLlm: provider errors and timeouts;
// rate limits, turn deadlines and cancellations are neutral). Every state change is recorded
// (at_us, from, to, reason). Not thread-safe; REQUIRES: times never decrease.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/clock.h"

namespace agentsim {

enum class BreakerState { kClosed, kOpen, kHalfOpen };
// "closed", "open", "half_open".
std::string_view BreakerStateName(BreakerState state);

struct CircuitBreakerOptions {
  int failure_threshold = 5;                // consecutive failures that open it (>= 1)
  Micros cooldown_us = 5 * kMicrosPerSecond;  // open -> half-open
  int half_open_probes = 1;                 // probes admitted, and successes needed to close
};

struct BreakerTransition {
  Micros at_us = 0;
  BreakerState from = BreakerState::kClosed;
  BreakerState to = BreakerState::kClosed;
  std::string reason;  // e.g. "5 consecutive failures (last: timeout)", "cool-down of 5000 ms ended"

  friend bool operator==(const BreakerTransition&, const BreakerTransition&) = default;
};

class CircuitBreaker {
 public:
  struct Stats {
    std::uint64_t admitted = 0;
    std::uint64_t refused = 0;
    std::uint64_t successes = 0;  // counted results (stale ones excluded)
    std::uint64_t failures = 0;
  };

  // Admission of one call; report its result once. Destroying an unresolved permit (the caller
  // was cancelled) counts as Neutral(). Move-only; REQUIRES: the breaker outlives it.
  class Permit {
   public:
    Permit(Permit&& other) noexcept;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { Neutral(); }

    void Succeeded(Micros now_us);
    // `what` names the failure in the transition reason (e.g. "timeout", "error").
    void Failed(Micros now_us, std::string_view what);
    // Neither: gives a half-open probe slot back. No-op once resolved.
    void Neutral();

   private:
    friend class CircuitBreaker;
    Permit(CircuitBreaker* breaker, std::uint64_t epoch, bool probe)
        : breaker_(breaker), epoch_(epoch), probe_(probe) {}
    CircuitBreaker* breaker_ = nullptr;  // null once resolved
    std::uint64_t epoch_ = 0;
    bool probe_ = false;
  };

  explicit CircuitBreaker(CircuitBreakerOptions options = {});
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // A permit when a call may go to the provider at `now_us`; nullopt when the breaker is open,
  // or half-open with every probe slot taken.
  std::optional<Permit> TryAcquire(Micros now_us);

  // The state at `now_us` (records open -> half-open when the cool-down has ended).
  BreakerState state(Micros now_us);
  const std::vector<BreakerTransition>& transitions() const { return transitions_; }
  const CircuitBreakerOptions& options() const { return options_; }
  const Stats& stats() const { return stats_; }

 private:
  void Advance(Micros now_us);
  void Transition(Micros at_us, BreakerState to, std::string reason);
  void OnSuccess(const Permit& permit, Micros now_us);
  void OnFailure(const Permit& permit, Micros now_us, std::string_view what);
  void OnNeutral(const Permit& permit);

  CircuitBreakerOptions options_;
  BreakerState state_ = BreakerState::kClosed;
  std::uint64_t epoch_ = 0;      // incremented at every state change
  int consecutive_failures_ = 0;
  Micros opened_at_us_ = 0;
  int probes_in_flight_ = 0;
  int probe_successes_ = 0;
  std::vector<BreakerTransition> transitions_;
  Stats stats_;
};

}  // namespace agentsim
