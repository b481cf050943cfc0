// CompleteResilient: one logical LLM call made resilient. For each provider of the chain in
// order (the config's provider, then llm_config.fallback_providers):
//
//   1. The breaker admits the attempt or refuses it (breaker_open: go to the next provider).
//   2. The attempt is sent with a timeout: the earlier of call_timeout_us and the turn deadline
//      (CallWithTimeout). The result is ok | error | timeout | rate_limited | deadline.
//   3. On a retryable failure (IsRetryable; our own timeout included) and while attempts remain
//      (max_attempts per provider): the wait is RetryDelay (full jitter from `rng`, at least the
//      error's Retry-After). A retry that would start at or after the deadline is not made
//      (deadline; go to the next provider); one the provider's RetryBudget refuses is not made
//      (budget_exhausted; go to the next provider). The budget is asked when the retry is
//      decided, the breaker after the wait.
//   4. A non-retryable error, or attempts used up, moves on to the next provider at once.
//   A deadline reached (a call cut by it, or no time left when a provider's first attempt would
//   start) or kCancelled ends the call with no further provider.
//   5. Cancellation (barge-in, session close): when *context.cancelled is true before a
//      provider's first attempt or at the end of a retry wait, the call stops with kCancelled
//      ("cancelled") and makes no further attempt. An attempt already sent runs to its end.
//
// Breakers count provider errors (kUnavailable, kInternal) and timeouts as failures; rate
// limits, deadline cuts and other errors are neutral. Each provider's first attempt counts as a
// request in its RetryBudget. Without a registry there are no breakers or budgets.
//
// Attempt k of the call (k = 0, 1, ... over all providers) carries request.seed for k = 0 and
// Mix64(request.seed + k) after, so that a retry is a new draw of the provider's behaviour.
// The jitter draws come from `rng` (the session's stream), one per retry decided.
// With a timeout, the request's strings and history are copied into the call's own frame
// (a call given up on runs on detached); `keep_alive` must own request.response_schema then.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/async/task.h"
#include "core/ports/clock.h"
#include "core/ports/llm_client.h"
#include "core/resilience/backoff.h"
#include "core/resilience/llm_attempt.h"
#include "core/resilience/resilience_registry.h"
#include "core/rng/rng.h"
#include "core/util/error.h"

namespace agentsim {

// One provider of the chain. The views must outlive the call (they point into the config).
struct LlmRoute {
  std::string_view provider;
  std::string_view model;
};

// The client for routes[index], created on first use by the caller. Errors are recorded as an
// `error` attempt and the chain moves on.
using LlmClientLookup = std::function<Result<LlmClient*>(std::size_t index)>;

struct ResilientLlmContext {
  Clock* clock = nullptr;
  ResilienceRegistry* registry = nullptr;  // nullable: no breakers or budgets
  RetryPolicy policy;
  Micros deadline_at_us = kNoDeadline;     // the turn's (TurnDeadlineAt)
  Rng* rng = nullptr;                      // the session's stream, for the jitter
  int call_index = 0;                      // copied into LlmAttempt::call
  std::shared_ptr<const void> keep_alive;  // owns the schema when a timeout applies
  const bool* cancelled = nullptr;         // nullable; read at the points of step 5
};

struct ResilientLlmResult {
  // The answer, or the last failure: the last provider error, or kDeadlineExceeded ("turn
  // deadline ..."), kUnavailable ("circuit open ..." / "retry budget exhausted ..."), kCancelled.
  Result<LlmResponse> response;
  std::string provider;               // the provider that answered; empty on failure
  std::vector<LlmAttempt> attempts;   // in the order they were made
};

// Where CompleteResilient writes its result: storage the caller owns (a turn's record, the
// caller's frame), so that no copy of the result lives in the call's own frame while it is in
// flight. REQUIRES: all three set, and outliving the awaited call.
struct ResilientLlmOutput {
  Result<LlmResponse>* response = nullptr;     // set when the call ends (as above)
  std::string* provider = nullptr;             // set to the provider that answered; else untouched
  std::vector<LlmAttempt>* attempts = nullptr; // each attempt appended, in the order made

  static ResilientLlmOutput Into(ResilientLlmResult& r) {
    return ResilientLlmOutput{&r.response, &r.provider, &r.attempts};
  }
};

// REQUIRES: routes non-empty; clock, rng, registry (when set) and the clients outlive the call;
// request's referenced data outlives the awaited call.
Task<void> CompleteResilient(ResilientLlmContext context, std::vector<LlmRoute> routes,
                             LlmClientLookup clients, LlmRequest request, ResilientLlmOutput out);

// The chain of one call and its clients, as the caller keeps them (the Agent: its config's
// provider, then its fallback providers), so that a call builds no vector of routes and no
// std::function. route(index) for index < route_count() (REQUIRES: >= 1); its views must
// outlive the call. client(index) is asked when that provider's turn comes (created on first
// use); an error is recorded as an `error` attempt and the chain moves on.
class LlmRouteSource {
 public:
  virtual std::size_t route_count() const = 0;
  virtual LlmRoute route(std::size_t index) const = 0;
  virtual Result<LlmClient*> client(std::size_t index) = 0;

 protected:
  ~LlmRouteSource() = default;
};

// The same call over `routes` (not owned; REQUIRES: outlives the awaited call).
Task<void> CompleteResilient(ResilientLlmContext context, LlmRouteSource* routes,
                             LlmRequest request, ResilientLlmOutput out);

// The seed of attempt k of a call whose request carries `seed` (see above).
std::uint64_t AttemptSeed(std::uint64_t seed, int k);

}  // namespace agentsim
