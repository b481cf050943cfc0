#include "core/resilience/backoff.h"

#include <algorithm>

namespace agentsim {

Micros BackoffCeiling(const RetryPolicy& policy, int retry) {
  if (policy.base_delay_us <= 0 || policy.max_delay_us <= 0) return 0;
  Micros ceiling = std::min(policy.base_delay_us, policy.max_delay_us);
  for (int i = 0; i < retry && ceiling < policy.max_delay_us; ++i) {
    // Doubling stops at the cap, so it never overflows.
    ceiling = ceiling > policy.max_delay_us / 2 ? policy.max_delay_us : ceiling * 2;
  }
  return ceiling;
}

Micros FullJitterDelay(const RetryPolicy& policy, int retry, Rng& rng) {
  return rng.UniformInt(0, BackoffCeiling(policy, retry));
}

Micros RetryDelay(const RetryPolicy& policy, int retry, Micros retry_after_us, Rng& rng) {
  return std::max(FullJitterDelay(policy, retry, rng), retry_after_us);
}

Micros TurnDeadlineAt(const RetryPolicy& policy, Micros start_us) {
  if (policy.deadline_us <= 0) return kNoDeadline;
  return start_us > kNoDeadline - policy.deadline_us ? kNoDeadline : start_us + policy.deadline_us;
}

Micros AttemptTimeoutAt(const RetryPolicy& policy, Micros now_us, Micros deadline_at_us) {
  Micros own = kNoDeadline;
  if (policy.call_timeout_us > 0 && now_us <= kNoDeadline - policy.call_timeout_us) {
    own = now_us + policy.call_timeout_us;
  }
  return std::min(own, deadline_at_us);
}

bool StartsBeforeDeadline(Micros now_us, Micros delay_us, Micros deadline_at_us) {
  if (deadline_at_us == kNoDeadline) return true;
  return delay_us < deadline_at_us - now_us;
}

bool IsRetryable(ErrorCode code) {
  return code == ErrorCode::kUnavailable || code == ErrorCode::kDeadlineExceeded ||
         code == ErrorCode::kResourceExhausted;
}

}  // namespace agentsim
