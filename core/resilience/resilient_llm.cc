#include "core/resilience/resilient_llm.h"

#include <optional>
#include <utility>

#include "core/resilience/call_with_timeout.h"

namespace agentsim {
namespace {

// Forwards an attempt's streamed chunks to the call's observer until the attempt is cut: a cut
// call runs on detached and must not reach an observer that has moved on to the next attempt,
// or that no longer exists once the caller has returned.
struct StreamGate final : LlmStreamObserver {
  void OnChunk(std::string_view chunk, Micros at_us) override {
    if (*open) target->OnChunk(chunk, at_us);
  }
  LlmStreamObserver* target = nullptr;
  std::shared_ptr<bool> open;  // shared with the ResilientCall that may close it
};

// A copy of a request that the call's own frame owns (see CallWithTimeout).
struct OwnedRequest {
  StreamGate stream;  // request.stream, when the caller streams
  std::shared_ptr<const void> keep_alive;  // the schema's owner
  std::string provider;
  std::string model;
  std::string system_prompt;
  std::string user_text;
  std::vector<ChatMessage> history;
  LlmRequest request;
};

// `stream_open`: the gate's flag when `r` streams (else unused).
std::unique_ptr<OwnedRequest> Own(const LlmRequest& r, std::shared_ptr<const void> keep_alive,
                                  std::shared_ptr<bool> stream_open) {
  auto owned = std::make_unique<OwnedRequest>();
  if (r.stream != nullptr) {
    owned->stream.target = r.stream;
    owned->stream.open = std::move(stream_open);
  }
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
  if (r.stream != nullptr) owned->request.stream = &owned->stream;
  return owned;
}

Task<Result<LlmResponse>> CompleteOwned(LlmClient* client, std::unique_ptr<OwnedRequest> owned) {
  Result<LlmResponse> response = co_await client->Complete(owned->request);
  co_return response;
}

// An attempt's result: the response (in the caller's storage), or `cut` when our timer fired
// first.
struct Sent {
  const Result<LlmResponse>& response;
  bool cut = false;
};

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

namespace {

// One resilient call as a state machine: the coroutine (CompleteResilient) only suspends (the
// retry wait, the attempt) and these plain functions do everything in between, so their locals
// and temporaries live on the stack, not in the coroutine's frame (GCC 12 keeps every local of
// a coroutine body in its heap frame for the whole call).
class ResilientCall {
 public:
  enum class Step { kDone, kWait, kSend };

  ResilientCall(const ResilientLlmContext& context, LlmRouteSource& routes,
                const LlmRequest& request, ResilientLlmOutput out)
      : context_(context),
        routes_(routes),
        request_(request),
        max_attempts_(context.policy.max_attempts > 0 ? context.policy.max_attempts : 1),
        out_(out) {}

  Micros delay_us() const { return delay_us_; }
  bool timed() const { return timeout_at_us_ != kNoDeadline; }
  // Where an attempt's response lands (the caller's storage; the last one stays there).
  Result<LlmResponse>& response() { return *out_.response; }

  // The first step, or the one after an attempt that did not end the call.
  Step Next() {
    while (true) {
      if (!in_provider_ && !StartProvider()) return Done();
      if (in_provider_ && attempt_ >= max_attempts_) {
        EndProvider();
        continue;
      }
      delay_us_ = 0;
      if (attempt_ == 0) {
        if (Admit()) return Step::kSend;
        EndProvider();
        continue;
      }
      delay_us_ = RetryDelay(context_.policy, attempt_ - 1, retry_after_us_, *context_.rng);
      if (!StartsBeforeDeadline(Now(), delay_us_, deadline())) {
        Record(attempt_, delay_us_, AttemptOutcome::kDeadline, Now());
        last_error_ = DeadlineError(deadline(), "retry " + std::to_string(attempt_) + " of " +
                                                    std::string(route().provider) +
                                                    " would start after it; last error: " +
                                                    last_error_.message);
        EndProvider();
        continue;
      }
      if (budget_ != nullptr && !budget_->TryRetry(Now())) {
        Record(attempt_, delay_us_, AttemptOutcome::kBudgetExhausted, Now());
        last_error_ = Error{ErrorCode::kUnavailable,
                            std::string(route().provider) + ": retry budget exhausted; last error: " +
                                last_error_.message};
        EndProvider();
        continue;
      }
      return Step::kWait;
    }
  }

  // After the retry wait.
  Step AfterWait() {
    if (Cancelled()) {
      last_error_ = Error{ErrorCode::kCancelled, "cancelled during the wait before retry " +
                                                     std::to_string(attempt_) + " of " +
                                                     std::string(route().provider)};
      stop_ = true;
      return Done();
    }
    if (Admit()) return Step::kSend;
    EndProvider();
    return Next();
  }

  // The attempt admitted by Next or AfterWait: without a timeout, the client's call itself.
  Task<Result<LlmResponse>> Call() { return client_->Complete(AttemptRequest()); }
  // With a timeout: the call raced against the timer (nullopt: cut), the request's data
  // copied into the call's own frame (it may run on detached).
  Task<std::optional<Result<LlmResponse>>> RacedCall() {
    LlmRequest request = AttemptRequest();
    stream_open_.reset();
    if (request.stream != nullptr) stream_open_ = std::make_shared<bool>(true);
    return CallWithTimeout(context_.clock,
                           CompleteOwned(client_, Own(request, context_.keep_alive, stream_open_)),
                           timeout_at_us_);
  }

  // The attempt's end (its response in response(), unless cut). kDone with response() kept
  // when it answered.
  Step Finish(const Sent& sent) {
    // A cut call streams on into its gate, closed now.
    if (sent.cut && stream_open_) *stream_open_ = false;
    const AttemptOutcome outcome = Classify(sent, timeout_at_us_ == deadline());
    if (permit_) {
      if (outcome == AttemptOutcome::kOk) {
        permit_->Succeeded(Now());
      } else if (IsBreakerFailure(outcome, sent)) {
        permit_->Failed(Now(), AttemptOutcomeName(outcome));
      } else {
        permit_->Neutral();
      }
      permit_.reset();
    }
    Record(attempt_, delay_us_, outcome, started_at_us_);
    if (outcome == AttemptOutcome::kOk) {
      *out_.provider = route().provider;
      return Step::kDone;
    }
    if (outcome == AttemptOutcome::kDeadline) {
      last_error_ = DeadlineError(deadline(), "cut the call to " + std::string(route().provider));
      stop_ = true;
      return Done();
    }
    if (sent.cut) {
      last_error_ = Error{ErrorCode::kDeadlineExceeded,
                          std::string(route().provider) + ": no answer within call_timeout of " +
                              std::to_string(context_.policy.call_timeout_us / kMicrosPerMilli) +
                              " ms"};
    } else {
      last_error_ = WithProvider(route().provider, sent.response.error());
    }
    if (last_error_.code == ErrorCode::kCancelled) {
      stop_ = true;
      return Done();
    }
    if (!IsRetryable(last_error_.code)) {
      EndProvider();
      return Next();
    }
    retry_after_us_ =
        last_error_.code == ErrorCode::kResourceExhausted ? last_error_.retry_after_us : 0;
    ++attempt_;
    return Next();
  }

 private:
  Micros Now() const { return context_.clock->NowMicros(); }
  Micros deadline() const { return context_.deadline_at_us; }
  LlmRoute route() const { return routes_.route(index_); }
  bool Cancelled() const { return context_.cancelled != nullptr && *context_.cancelled; }

  void Record(int attempt, Micros delay_us, AttemptOutcome outcome, Micros started_at_us) {
    out_.attempts->push_back(LlmAttempt{context_.call_index, std::string(route().provider),
                                       attempt, delay_us, outcome, started_at_us,
                                       Now() - started_at_us});
  }

  // The next provider's checks; false when the call ends (no provider left, cancelled, no
  // time left).
  bool StartProvider() {
    while (!stop_ && index_ < routes_.route_count()) {
      if (Cancelled()) {
        last_error_ =
            Error{ErrorCode::kCancelled, "cancelled before " + std::string(route().provider)};
        return false;
      }
      if (Now() >= deadline()) {
        Record(0, 0, AttemptOutcome::kDeadline, Now());
        last_error_ = DeadlineError(deadline(), "no time left for " + std::string(route().provider));
        return false;
      }
      Result<LlmClient*> client = routes_.client(index_);
      if (!client) {
        Record(0, 0, AttemptOutcome::kError, Now());
        last_error_ = WithProvider(route().provider, client.error());
        ++index_;
        continue;
      }
      client_ = *client;
      breaker_ = context_.registry ? context_.registry->Breaker(route().provider) : nullptr;
      budget_ = context_.registry ? context_.registry->Budget(route().provider) : nullptr;
      retry_after_us_ = 0;
      attempt_ = 0;
      in_provider_ = true;
      return true;
    }
    return false;
  }

  void EndProvider() {
    in_provider_ = false;
    ++index_;
  }

  // The breaker's permit for the attempt (false: refused, recorded), the budget's request.
  bool Admit() {
    started_at_us_ = Now();
    if (breaker_ != nullptr) {
      permit_ = breaker_->TryAcquire(started_at_us_);
      if (!permit_) {
        Record(attempt_, delay_us_, AttemptOutcome::kBreakerOpen, started_at_us_);
        last_error_ =
            Error{ErrorCode::kUnavailable, std::string(route().provider) + ": circuit open"};
        return false;
      }
    }
    if (attempt_ == 0 && budget_ != nullptr) budget_->RecordRequest(started_at_us_);
    timeout_at_us_ = AttemptTimeoutAt(context_.policy, started_at_us_, deadline());
    return true;
  }

  LlmRequest AttemptRequest() {
    LlmRequest r = request_;
    r.provider = route().provider;
    r.model = route().model;
    // The observer starts over with each attempt after the first.
    if (r.stream != nullptr && sent_so_far_ > 0) r.stream->OnRestart();
    r.seed = AttemptSeed(request_.seed, sent_so_far_++);
    return r;
  }

  Step Done() {
    if (last_error_.message.empty()) last_error_.message = "no LLM provider configured";
    *out_.response = std::unexpected(std::move(last_error_));
    return Step::kDone;
  }

  const ResilientLlmContext& context_;
  LlmRouteSource& routes_;
  const LlmRequest& request_;
  const int max_attempts_;
  const ResilientLlmOutput out_;
  // Set by every failure (never with an empty message); empty at Done: no provider was tried.
  // The default message is written only then (it would be an allocation per call).
  Error last_error_{ErrorCode::kUnavailable, std::string()};
  std::size_t index_ = 0;     // the provider (routes_[index_])
  bool in_provider_ = false;  // its client is found; attempt_ is its attempt
  bool stop_ = false;         // no further provider
  int attempt_ = 0;
  int sent_so_far_ = 0;  // attempts sent over all providers: k of AttemptSeed
  LlmClient* client_ = nullptr;
  CircuitBreaker* breaker_ = nullptr;
  RetryBudget* budget_ = nullptr;
  Micros retry_after_us_ = 0;
  Micros delay_us_ = 0;
  Micros started_at_us_ = 0;
  Micros timeout_at_us_ = kNoDeadline;
  std::shared_ptr<bool> stream_open_;  // the gate of the attempt in flight, when it streams
  std::optional<CircuitBreaker::Permit> permit_;
};

}  // namespace

namespace {

// The vector-and-lookup form's chain.
class VectorRoutes final : public LlmRouteSource {
 public:
  VectorRoutes(std::vector<LlmRoute> routes, LlmClientLookup clients)
      : routes_(std::move(routes)), clients_(std::move(clients)) {}
  std::size_t route_count() const override { return routes_.size(); }
  LlmRoute route(std::size_t index) const override { return routes_[index]; }
  Result<LlmClient*> client(std::size_t index) override { return clients_(index); }

 private:
  std::vector<LlmRoute> routes_;
  LlmClientLookup clients_;
};

}  // namespace

Task<void> CompleteResilient(ResilientLlmContext context, std::vector<LlmRoute> routes,
                             LlmClientLookup clients, LlmRequest request, ResilientLlmOutput out) {
  VectorRoutes source(std::move(routes), std::move(clients));
  co_await CompleteResilient(std::move(context), &source, request, out);
}

Task<void> CompleteResilient(ResilientLlmContext context, LlmRouteSource* routes,
                             LlmRequest request, ResilientLlmOutput out) {
  ResilientCall call(context, *routes, request, out);
  ResilientCall::Step step = call.Next();
  bool cut = false;
  while (step != ResilientCall::Step::kDone) {
    if (step == ResilientCall::Step::kWait) {
      co_await context.clock->SleepFor(call.delay_us());
      step = call.AfterWait();
      continue;
    }
    if (call.timed()) {
      std::optional<Result<LlmResponse>> raced = co_await call.RacedCall();
      cut = !raced;
      if (raced) call.response() = std::move(*raced);
    } else {
      call.response() = co_await call.Call();
      cut = false;
    }
    step = call.Finish(Sent{call.response(), cut});
  }
}

}  // namespace agentsim
