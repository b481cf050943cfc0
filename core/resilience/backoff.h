// Retry policy and exponential backoff with full jitter (AWS Architecture Blog, "Exponential
// Backoff and Jitter"): the wait before retry r (r = 0 for the first retry) is
//
//   delay(r) = UniformInt(0, min(max_delay_us, base_delay_us * 2^r))      [µs, inclusive]
//
// drawn from the caller's Rng (the session's stream), so the delays of a session depend only on
// (run seed, session) and on how many retries it has made. A rate-limit error that carries a
// Retry-After (Error::retry_after_us) makes the wait max(delay(r), retry_after_us). A turn has an
// overall deadline: no attempt starts at or after it, and a call in flight is cut at it. Each
// attempt may also have its own timeout. All durations and instants are integer µs.
#pragma once

#include <cstdint>
#include <limits>

#include "core/ports/clock.h"
#include "core/rng/rng.h"
#include "core/util/error.h"

namespace agentsim {

// An instant that is never reached: "no deadline".
inline constexpr Micros kNoDeadline = std::numeric_limits<Micros>::max();

// How one logical call is retried (llm_config.retry; docs/agent-config.md). The defaults are
// "one attempt, no timeout, no deadline": the behaviour of a config without a retry object.
struct RetryPolicy {
  int max_attempts = 1;                          // attempts per provider, the first included
  Micros base_delay_us = 100 * kMicrosPerMilli;  // ceiling of the first retry's delay
  Micros max_delay_us = 2 * kMicrosPerSecond;    // cap on any backoff ceiling
  Micros deadline_us = 0;                        // per turn, from its first LLM request; 0 = none
  Micros call_timeout_us = 0;                    // per attempt; 0 = none
};

// min(max_delay_us, base_delay_us * 2^retry) without overflow; 0 when either is <= 0.
// REQUIRES: retry >= 0.
Micros BackoffCeiling(const RetryPolicy& policy, int retry);

// Full jitter: a uniform integer in [0, BackoffCeiling(policy, retry)]. Draws exactly one
// number from `rng` (also when the ceiling is 0), so the stream advances the same way whatever
// the policy.
Micros FullJitterDelay(const RetryPolicy& policy, int retry, Rng& rng);

// The wait before retry `retry`: max(FullJitterDelay(...), retry_after_us). One draw.
Micros RetryDelay(const RetryPolicy& policy, int retry, Micros retry_after_us, Rng& rng);

// The turn's deadline for a turn whose first LLM request is sent at `start_us`:
// start_us + deadline_us, or kNoDeadline when the policy has none.
Micros TurnDeadlineAt(const RetryPolicy& policy, Micros start_us);

// The instant an attempt started at `now_us` is given up: the earlier of its own timeout
// (now_us + call_timeout_us, when set) and `deadline_at_us`; kNoDeadline when neither is set.
Micros AttemptTimeoutAt(const RetryPolicy& policy, Micros now_us, Micros deadline_at_us);

// True when an attempt that waits `delay_us` from `now_us` would start before the deadline.
bool StartsBeforeDeadline(Micros now_us, Micros delay_us, Micros deadline_at_us);

// Errors worth retrying on the same provider: kUnavailable, kDeadlineExceeded (a timeout) and
// kResourceExhausted (rate limited). Everything else moves on to the next provider at once.
bool IsRetryable(ErrorCode code);

}  // namespace agentsim
