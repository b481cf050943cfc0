#include "core/resilience/resilient_llm.h"

#include <optional>
#include <utility>

#include "core/resilience/call_with_timeout.h"

namespace agentsim {
namespace {

// A copy of a request that the call's own frame owns (see CallWithTimeout).
struct OwnedRequest {
  std::shared_ptr<const void> keep_alive;  // the schema's owner
  std::string provider;
  std::string model;
  std::string system_prompt;
  std::string user_text;
  std::vector<ChatMessage> history;
  LlmRequest request;
};

std::unique_ptr<OwnedRequest> Own(const LlmRequest& r, std::shared_ptr<const void> keep_alive) {
  auto owned = std::make_unique<OwnedRequest>();
  owned->keep_alive = std::move(keep_alive);
  owned->provider = r.provider;
  owned->model = r.model;
  owned->system_prompt = r.system_prompt;
  owned->user_text = r.user_text;
  owned->history.assign(r.history.begin(), r.history.end());
  owned->request = r;
  owned->request.provider = owned->provider;
  owned->request.model = owned->model;
  owned->request.system_prompt = owned->system_prompt;
  owned->request.user_text = owned->user_text;
  owned->request.history = owned->history;
  return owned;
}

Task<Result<LlmResponse>> CompleteOwned(LlmClient* client, std::unique_ptr<OwnedRequest> owned) {
  Result<LlmResponse> response = co_await client->Complete(owned->request);
  co_return response;
}

struct Sent {
  Result<LlmResponse> response;
  bool cut = false;  // our timer fired first
};

Task<Sent> Send(Clock* clock, LlmClient* client, LlmRequest request, Micros timeout_at_us,
                std::shared_ptr<const void> keep_alive) {
  Sent sent;
  if (timeout_at_us == kNoDeadline) {
    sent.response = co_await client->Complete(request);
    co_return sent;
  }
  Task<Result<LlmResponse>> call = CompleteOwned(client, Own(request, std::move(keep_alive)));
  std::optional<Result<LlmResponse>> raced =
      co_await CallWithTimeout(clock, std::move(call), timeout_at_us);
  if (raced) {
    sent.response = std::move(*raced);
  } else {
    sent.cut = true;
  }
  co_return sent;
}

AttemptOutcome Classify(const Sent& sent, bool cut_by_deadline) {
  if (sent.cut) return cut_by_deadline ? AttemptOutcome::kDeadline : AttemptOutcome::kTimeout;
  if (sent.response) return AttemptOutcome::kOk;
  switch (sent.response.error().code) {
    case ErrorCode::kResourceExhausted: return AttemptOutcome::kRateLimited;
    case ErrorCode::kDeadlineExceeded: return AttemptOutcome::kTimeout;
    default: return AttemptOutcome::kError;
  }
}

// Whether an attempt's result counts as a failure for the provider's breaker.
bool IsBreakerFailure(AttemptOutcome outcome, const Sent& sent) {
  if (outcome == AttemptOutcome::kTimeout) return true;
  if (outcome != AttemptOutcome::kError) return false;
  const ErrorCode code = sent.response.error().code;
  return code == ErrorCode::kUnavailable || code == ErrorCode::kInternal;
}

Error WithProvider(std::string_view provider, Error error) {
  error.message = std::string(provider) + ": " + error.message;
  return error;
}

Error DeadlineError(Micros deadline_at_us, std::string_view what) {
  return Error{ErrorCode::kDeadlineExceeded,
               "turn deadline at " + std::to_string(deadline_at_us) + " us: " + std::string(what)};
}

}  // namespace

std::uint64_t AttemptSeed(std::uint64_t seed, int k) {
  return k == 0 ? seed : Mix64(seed + static_cast<std::uint64_t>(k));
}

Task<ResilientLlmResult> CompleteResilient(ResilientLlmContext context,
                                           std::vector<LlmRoute> routes, LlmClientLookup clients,
                                           LlmRequest request) {
  ResilientLlmResult out;
  Clock* clock = context.clock;
  const RetryPolicy& policy = context.policy;
  const Micros deadline = context.deadline_at_us;
  const int max_attempts = policy.max_attempts > 0 ? policy.max_attempts : 1;
  Error last_error{ErrorCode::kUnavailable, "no LLM provider configured"};
  int sent_so_far = 0;  // attempts sent over all providers: k of AttemptSeed
  bool stop = false;
  auto cancelled = [&context] { return context.cancelled != nullptr && *context.cancelled; };
  for (std::size_t i = 0; i < routes.size() && !stop; ++i) {
    const LlmRoute route = routes[i];
    if (cancelled()) {
      last_error = Error{ErrorCode::kCancelled, "cancelled before " + std::string(route.provider)};
      break;
    }
    auto record = [&](int attempt, Micros delay_us, AttemptOutcome outcome, Micros started_at_us) {
      out.attempts.push_back(LlmAttempt{context.call_index, std::string(route.provider), attempt,
                                        delay_us, outcome, started_at_us,
                                        clock->NowMicros() - started_at_us});
    };
    if (clock->NowMicros() >= deadline) {
      record(0, 0, AttemptOutcome::kDeadline, clock->NowMicros());
      last_error = DeadlineError(deadline, "no time left for " + std::string(route.provider));
      break;
    }
    Result<LlmClient*> client = clients(i);
    if (!client) {
      record(0, 0, AttemptOutcome::kError, clock->NowMicros());
      last_error = WithProvider(route.provider, client.error());
      continue;
    }
    CircuitBreaker* breaker = context.registry ? context.registry->Breaker(route.provider) : nullptr;
    RetryBudget* budget = context.registry ? context.registry->Budget(route.provider) : nullptr;
    Micros retry_after_us = 0;
    for (int attempt = 0; attempt < max_attempts; ++attempt) {
      Micros delay_us = 0;
      if (attempt > 0) {
        delay_us = RetryDelay(policy, attempt - 1, retry_after_us, *context.rng);
        if (!StartsBeforeDeadline(clock->NowMicros(), delay_us, deadline)) {
          record(attempt, delay_us, AttemptOutcome::kDeadline, clock->NowMicros());
          last_error = DeadlineError(deadline, "retry " + std::to_string(attempt) + " of " +
                                                   std::string(route.provider) +
                                                   " would start after it; last error: " +
                                                   last_error.message);
          break;
        }
        if (budget != nullptr && !budget->TryRetry(clock->NowMicros())) {
          record(attempt, delay_us, AttemptOutcome::kBudgetExhausted, clock->NowMicros());
          last_error = Error{ErrorCode::kUnavailable,
                             std::string(route.provider) + ": retry budget exhausted; last error: " +
                                 last_error.message};
          break;
        }
        co_await clock->SleepFor(delay_us);
        if (cancelled()) {
          last_error = Error{ErrorCode::kCancelled, "cancelled during the wait before retry " +
                                                        std::to_string(attempt) + " of " +
                                                        std::string(route.provider)};
          stop = true;
          break;
        }
      }
      const Micros started_at_us = clock->NowMicros();
      std::optional<CircuitBreaker::Permit> permit;
      if (breaker != nullptr) {
        permit = breaker->TryAcquire(started_at_us);
        if (!permit) {
          record(attempt, delay_us, AttemptOutcome::kBreakerOpen, started_at_us);
          last_error = Error{ErrorCode::kUnavailable,
                             std::string(route.provider) + ": circuit open"};
          break;
        }
      }
      if (attempt == 0 && budget != nullptr) budget->RecordRequest(started_at_us);

      LlmRequest attempt_request = request;
      attempt_request.provider = route.provider;
      attempt_request.model = route.model;
      attempt_request.seed = AttemptSeed(request.seed, sent_so_far++);
      const Micros timeout_at_us = AttemptTimeoutAt(policy, started_at_us, deadline);
      Sent sent = co_await Send(clock, *client, attempt_request, timeout_at_us,
                                context.keep_alive);
      const AttemptOutcome outcome = Classify(sent, timeout_at_us == deadline);
      if (permit) {
        if (outcome == AttemptOutcome::kOk) {
          permit->Succeeded(clock->NowMicros());
        } else if (IsBreakerFailure(outcome, sent)) {
          permit->Failed(clock->NowMicros(), AttemptOutcomeName(outcome));
        } else {
          permit->Neutral();
        }
      }
      record(attempt, delay_us, outcome, started_at_us);
      if (outcome == AttemptOutcome::kOk) {
        out.response = std::move(sent.response);
        out.provider = std::string(route.provider);
        co_return out;
      }
      if (outcome == AttemptOutcome::kDeadline) {
        last_error = DeadlineError(deadline, "cut the call to " + std::string(route.provider));
        stop = true;
        break;
      }
      if (sent.cut) {
        last_error = Error{ErrorCode::kDeadlineExceeded,
                           std::string(route.provider) + ": no answer within call_timeout of " +
                               std::to_string(policy.call_timeout_us / kMicrosPerMilli) + " ms"};
      } else {
        last_error = WithProvider(route.provider, sent.response.error());
      }
      if (last_error.code == ErrorCode::kCancelled) {
        stop = true;
        break;
      }
      if (!IsRetryable(last_error.code)) break;
      retry_after_us = last_error.code == ErrorCode::kResourceExhausted ? last_error.retry_after_us : 0;
    }
  }
  out.response = std::unexpected(std::move(last_error));
  co_return out;
}

}  // namespace agentsim
