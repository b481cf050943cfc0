#include "mocks/backend_faults.h"

#include <algorithm>
#include <utility>

namespace agentsim {

constexpr std::int64_t kMicroTokens = 1'000'000;  // one token

std::string_view FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kOutage: return "outage";
    case FaultKind::kRateLimited: return "rate_limited";
    case FaultKind::kError: return "error";
    case FaultKind::kTimeout: return "timeout";
    case FaultKind::kStall: return "stall";
    case FaultKind::kMalformed: return "malformed";
    case FaultKind::kDisconnect: return "disconnect";
    case FaultKind::kSlow: return "slow";
  }
  return "error";
}

FaultInjector::FaultInjector(std::string_view backend, std::string_view label,
                             BackendFaults defaults,
                             std::map<std::string, BackendFaults, std::less<>> providers)
    : backend_(backend),
      label_(label),
      defaults_(std::move(defaults)),
      providers_(std::move(providers)) {}

const BackendFaults& FaultInjector::For(std::string_view provider) const {
  auto it = providers_.find(provider);
  return it == providers_.end() ? defaults_ : it->second;
}

void FaultInjector::Log(Micros at_us, std::string_view provider, FaultKind kind) {
  ++counts_[static_cast<int>(kind)];
  log_.push_back(InjectedFault{at_us, backend_, std::string(provider), kind, ""});
}

std::optional<Micros> FaultInjector::TakeToken(std::string_view provider, const BackendFaults& f,
                                               Micros now_us) {
  const std::int64_t rate = f.rate_limit_per_second;  // micro-tokens per µs
  const std::int64_t capacity = std::max(1, f.rate_limit_burst) * kMicroTokens;
  auto it = buckets_.find(provider);
  if (it == buckets_.end()) {
    it = buckets_.emplace(std::string(provider), Bucket{capacity, now_us}).first;
  }
  Bucket& b = it->second;
  const Micros elapsed = now_us - b.at_us;
  // Refill without overflow: a bucket empty for longer than capacity / rate is full.
  b.micro_tokens = elapsed >= (capacity - b.micro_tokens) / rate + 1
                       ? capacity
                       : std::min(capacity, b.micro_tokens + elapsed * rate);
  b.at_us = now_us;
  if (b.micro_tokens >= kMicroTokens) {
    b.micro_tokens -= kMicroTokens;
    return std::nullopt;
  }
  return (kMicroTokens - b.micro_tokens + rate - 1) / rate;  // rounded up
}

FaultDecision FaultInjector::Decide(std::string_view provider, Micros now_us, Rng& rng) {
  const BackendFaults& f = For(provider);
  FaultDecision d;
  if (InOutage(f.outages, now_us)) {
    d.failure = FaultKind::kOutage;
  } else if (f.rate_limit_per_second > 0) {
    if (std::optional<Micros> wait = TakeToken(provider, f, now_us)) {
      d.failure = FaultKind::kRateLimited;
      d.retry_after_us = *wait;
    }
  }
  if (!d.failure && f.error_rate + f.timeout_rate + f.rate_limit_rate > 0) {
    const double u = rng.Uniform01();
    if (u < f.error_rate) {
      d.failure = FaultKind::kError;
    } else if (u < f.error_rate + f.timeout_rate) {
      d.failure = FaultKind::kTimeout;
      d.hang_us = f.hang_us;
    } else if (u < f.error_rate + f.timeout_rate + f.rate_limit_rate) {
      d.failure = FaultKind::kRateLimited;
      d.retry_after_us = f.retry_after_us;
    }
  }
  if (d.failure) {
    Log(now_us, provider, *d.failure);
  } else if (rng.Bernoulli(f.stall_rate)) {
    d.stall_us = f.stall_us;
    Log(now_us, provider, FaultKind::kStall);
  }
  return d;
}

Error FaultInjector::ToError(const FaultDecision& d, Micros issued_at_us) const {
  const std::string label(label_);
  switch (*d.failure) {
    case FaultKind::kOutage:
      return Error{ErrorCode::kUnavailable,
                   label + ": unavailable (outage at " + std::to_string(issued_at_us) + " us)"};
    case FaultKind::kRateLimited:
      return Error{ErrorCode::kResourceExhausted,
                   label + ": rate limited (retry after " +
                       std::to_string(d.retry_after_us / kMicrosPerMilli) + " ms)",
                   d.retry_after_us};
    case FaultKind::kTimeout:
      return Error{ErrorCode::kDeadlineExceeded, label + ": no response (timeout_rate)"};
    case FaultKind::kError:
    case FaultKind::kStall:
    case FaultKind::kMalformed:
    case FaultKind::kDisconnect:
    case FaultKind::kSlow:
      break;
  }
  return Error{ErrorCode::kUnavailable, label + ": provider error (error_rate)"};
}

}  // namespace agentsim
