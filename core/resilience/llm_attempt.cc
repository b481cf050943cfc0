#include "core/resilience/llm_attempt.h"

namespace agentsim {

std::string_view AttemptOutcomeName(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::kOk: return "ok";
    case AttemptOutcome::kError: return "error";
    case AttemptOutcome::kTimeout: return "timeout";
    case AttemptOutcome::kRateLimited: return "rate_limited";
    case AttemptOutcome::kBreakerOpen: return "breaker_open";
    case AttemptOutcome::kBudgetExhausted: return "budget_exhausted";
    case AttemptOutcome::kDeadline: return "deadline";
  }
  return "error";
}

}  // namespace agentsim
