#include "core/resilience/circuit_breaker.h"

#include <algorithm>
#include <utility>

namespace agentsim {

std::string_view BreakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed: return "closed";
    case BreakerState::kOpen: return "open";
    case BreakerState::kHalfOpen: return "half_open";
  }
  return "closed";
}

CircuitBreaker::Permit::Permit(Permit&& other) noexcept
    : breaker_(std::exchange(other.breaker_, nullptr)),
      epoch_(other.epoch_),
      probe_(other.probe_) {}

CircuitBreaker::Permit& CircuitBreaker::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    Neutral();
    breaker_ = std::exchange(other.breaker_, nullptr);
    epoch_ = other.epoch_;
    probe_ = other.probe_;
  }
  return *this;
}

void CircuitBreaker::Permit::Succeeded(Micros now_us) {
  if (CircuitBreaker* b = std::exchange(breaker_, nullptr)) b->OnSuccess(*this, now_us);
}

void CircuitBreaker::Permit::Failed(Micros now_us, std::string_view what) {
  if (CircuitBreaker* b = std::exchange(breaker_, nullptr)) b->OnFailure(*this, now_us, what);
}

void CircuitBreaker::Permit::Neutral() {
  if (CircuitBreaker* b = std::exchange(breaker_, nullptr)) b->OnNeutral(*this);
}

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options) : options_(options) {
  options_.failure_threshold = std::max(1, options_.failure_threshold);
  options_.half_open_probes = std::max(1, options_.half_open_probes);
  options_.cooldown_us = std::max<Micros>(0, options_.cooldown_us);
}

void CircuitBreaker::Transition(Micros at_us, BreakerState to, std::string reason) {
  transitions_.push_back(BreakerTransition{at_us, state_, to, std::move(reason)});
  state_ = to;
  ++epoch_;
  consecutive_failures_ = 0;
  probes_in_flight_ = 0;
  probe_successes_ = 0;
  if (to == BreakerState::kOpen) opened_at_us_ = at_us;
}

void CircuitBreaker::Advance(Micros now_us) {
  if (state_ != BreakerState::kOpen) return;
  const Micros ends_at = opened_at_us_ + options_.cooldown_us;
  if (now_us < ends_at) return;
  Transition(ends_at, BreakerState::kHalfOpen,
             "cool-down of " + std::to_string(options_.cooldown_us / kMicrosPerMilli) +
                 " ms ended");
}

BreakerState CircuitBreaker::state(Micros now_us) {
  Advance(now_us);
  return state_;
}

std::optional<CircuitBreaker::Permit> CircuitBreaker::TryAcquire(Micros now_us) {
  Advance(now_us);
  switch (state_) {
    case BreakerState::kClosed:
      ++stats_.admitted;
      return Permit(this, epoch_, /*probe=*/false);
    case BreakerState::kHalfOpen:
      if (probes_in_flight_ + probe_successes_ < options_.half_open_probes) {
        ++probes_in_flight_;
        ++stats_.admitted;
        return Permit(this, epoch_, /*probe=*/true);
      }
      break;
    case BreakerState::kOpen:
      break;
  }
  ++stats_.refused;
  return std::nullopt;
}

void CircuitBreaker::OnSuccess(const Permit& permit, Micros now_us) {
  if (permit.epoch_ != epoch_) return;  // admitted before the last state change
  ++stats_.successes;
  if (state_ == BreakerState::kClosed) {
    consecutive_failures_ = 0;
  } else if (state_ == BreakerState::kHalfOpen && permit.probe_) {
    --probes_in_flight_;
    if (++probe_successes_ >= options_.half_open_probes) {
      Transition(now_us, BreakerState::kClosed,
                 std::to_string(probe_successes_) +
                     (probe_successes_ == 1 ? " probe succeeded" : " probes succeeded"));
    }
  }
}

void CircuitBreaker::OnFailure(const Permit& permit, Micros now_us, std::string_view what) {
  if (permit.epoch_ != epoch_) return;
  ++stats_.failures;
  if (state_ == BreakerState::kClosed) {
    if (++consecutive_failures_ >= options_.failure_threshold) {
      Transition(now_us, BreakerState::kOpen,
                 std::to_string(consecutive_failures_) + " consecutive failures (last: " +
                     std::string(what) + ")");
    }
  } else if (state_ == BreakerState::kHalfOpen && permit.probe_) {
    Transition(now_us, BreakerState::kOpen, "probe failed (" + std::string(what) + ")");
  }
}

void CircuitBreaker::OnNeutral(const Permit& permit) {
  if (permit.epoch_ != epoch_) return;
  if (state_ == BreakerState::kHalfOpen && permit.probe_) --probes_in_flight_;
}

}  // namespace agentsim
