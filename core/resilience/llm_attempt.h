// LlmAttempt: one entry of a turn's attempt log (TurnRecord::llm_attempts). Every attempt to
// reach an LLM provider is recorded, including those refused before a request was sent
// (breaker_open, budget_exhausted, deadline: duration 0).
#pragma once

#include <string>
#include <string_view>

#include "core/ports/clock.h"

namespace agentsim {

enum class AttemptOutcome {
  kOk,               // the provider answered
  kError,            // the provider failed (kUnavailable, or any non-retryable error)
  kTimeout,          // no answer within call_timeout (ours), or the provider's kDeadlineExceeded
  kRateLimited,      // kResourceExhausted (429), possibly with a Retry-After
  kBreakerOpen,      // refused by the provider's circuit breaker; not sent
  kBudgetExhausted,  // retry refused by the provider's retry budget; not sent
  kDeadline,         // the turn's deadline cut the call, or the retry would start after it
};

// "ok", "error", "timeout", "rate_limited", "breaker_open", "budget_exhausted", "deadline".
std::string_view AttemptOutcomeName(AttemptOutcome outcome);

struct LlmAttempt {
  int call = 0;               // which LLM call of the turn (0 = structured, 1 = plain text, ...)
  std::string provider;
  int attempt = 0;            // 0-based per provider within the call (0 = first try)
  Micros delay_us = 0;        // backoff waited (or, for kDeadline, that would be waited) before it
  AttemptOutcome outcome = AttemptOutcome::kOk;
  Micros started_at_us = 0;   // instant it was sent (or refused)
  Micros duration_us = 0;     // until answered, failed or given up; 0 when not sent
};

}  // namespace agentsim
