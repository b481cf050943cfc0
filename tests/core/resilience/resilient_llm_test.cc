#include "core/resilience/resilient_llm.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/async/event_loop.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;

// Per-provider behaviour of ScriptedLlm.
struct Script {
  Micros latency_us = 100'000;
  int fail_first = 0;  // this many calls fail, then they succeed; -1: every call fails
  ErrorCode code = ErrorCode::kUnavailable;
  Micros retry_after_us = 0;
  bool hang = false;          // a failing call hangs for a minute instead
  Micros outage_end_us = 0;   // calls issued before this instant fail with kUnavailable
};

class ScriptedLlm : public LlmClient {
 public:
  explicit ScriptedLlm(EventLoop* loop) : loop_(loop) {}
  std::map<std::string, Script, std::less<>> scripts;
  std::map<std::string, int, std::less<>> calls;
  std::vector<std::uint64_t> seeds;
  int completed = 0;

  Task<Result<LlmResponse>> Complete(LlmRequest request) override {
    const std::string provider(request.provider);
    const Script s = scripts[provider];
    const int n = calls[provider]++;
    seeds.push_back(request.seed);
    const bool outage = loop_->NowMicros() < s.outage_end_us;
    const bool fail = outage || s.fail_first < 0 || n < s.fail_first;
    if (fail && s.hang && !outage) {
      co_await loop_->Sleep(60 * kMicrosPerSecond);
      ++completed;
      co_return std::unexpected(Error{ErrorCode::kDeadlineExceeded, "hung"});
    }
    co_await loop_->Sleep(s.latency_us);
    ++completed;
    if (fail) {
      co_return std::unexpected(Error{outage ? ErrorCode::kUnavailable : s.code, "scripted",
                                      outage ? 0 : s.retry_after_us});
    }
    LlmResponse r;
    r.text = provider + " answered";
    r.first_token_at_us = loop_->NowMicros();
    r.completed_at_us = loop_->NowMicros();
    r.output_tokens = 3;
    co_return r;
  }

 private:
  EventLoop* loop_;
};

// "provider#attempt delay=.. outcome at=.. for=..", one string per attempt.
std::vector<std::string> Describe(const std::vector<LlmAttempt>& attempts) {
  std::vector<std::string> out;
  for (const LlmAttempt& a : attempts) {
    out.push_back(a.provider + "#" + std::to_string(a.attempt) +
                  " delay=" + std::to_string(a.delay_us) + " " +
                  std::string(AttemptOutcomeName(a.outcome)) +
                  " at=" + std::to_string(a.started_at_us) + " for=" +
                  std::to_string(a.duration_us));
  }
  return out;
}

RetryPolicy Policy(int max_attempts, Micros base_us, Micros cap_us) {
  RetryPolicy p;
  p.max_attempts = max_attempts;
  p.base_delay_us = base_us;
  p.max_delay_us = cap_us;
  return p;
}

const std::vector<LlmRoute> kAlpha = {{"alpha", "a-1"}};
const std::vector<LlmRoute> kAlphaBeta = {{"alpha", "a-1"}, {"beta", "b-1"}};

Task<void> Call(ResilientLlmContext context, std::vector<LlmRoute> routes, LlmClient* client,
                ResilientLlmResult* out) {
  LlmRequest request;
  request.user_text = "hello";
  request.seed = 99;
  LlmClientLookup lookup = [client](std::size_t) -> Result<LlmClient*> { return client; };
  co_await CompleteResilient(context, routes, lookup, request, ResilientLlmOutput::Into(*out));
}

class ResilientLlmTest : public ::testing::Test {
 protected:
  ResilientLlmContext Context(RetryPolicy policy, ResilienceRegistry* registry) {
    ResilientLlmContext c;
    c.clock = &loop_;
    c.registry = registry;
    c.policy = policy;
    c.deadline_at_us = TurnDeadlineAt(policy, loop_.NowMicros());
    c.rng = &rng_;
    return c;
  }
  ResilientLlmResult RunOne(ResilientLlmContext context, std::vector<LlmRoute> routes) {
    ResilientLlmResult out;
    loop_.Spawn(Call(std::move(context), std::move(routes), &llm_, &out), "call");
    loop_.Run();
    EXPECT_TRUE(loop_.UnfinishedRoots().empty());
    EXPECT_TRUE(loop_.failures().empty());
    return out;
  }

  EventLoop loop_;
  Rng rng_{42};
  ScriptedLlm llm_{&loop_};
};

TEST_F(ResilientLlmTest, RetriesWithFullJitterFromTheSessionStream) {
  llm_.scripts["alpha"].fail_first = 2;
  ResilientLlmResult r = RunOne(Context(Policy(3, 100'000, 2'000'000), nullptr), kAlpha);
  ASSERT_TRUE(r.response.has_value()) << r.response.error().ToString();
  EXPECT_EQ(r.provider, "alpha");
  EXPECT_EQ(r.response->text, "alpha answered");
  EXPECT_THAT(Describe(r.attempts),
              ElementsAre("alpha#0 delay=0 error at=0 for=100000",
                          "alpha#1 delay=10114 error at=110114 for=100000",
                          "alpha#2 delay=73630 ok at=283744 for=100000"));
  // The same delays as FullJitterDelay draws from Rng(42) (backoff_test.cc).
  // Attempt k of the call carries its own seed.
  EXPECT_THAT(llm_.seeds, ElementsAre(99u, Mix64(100), Mix64(101)));
}

TEST_F(ResilientLlmTest, HonoursRetryAfter) {
  Script& s = llm_.scripts["alpha"];
  s.fail_first = 1;
  s.code = ErrorCode::kResourceExhausted;
  s.retry_after_us = 1'500'000;
  ResilientLlmResult r = RunOne(Context(Policy(3, 100'000, 2'000'000), nullptr), kAlpha);
  ASSERT_TRUE(r.response.has_value());
  EXPECT_THAT(Describe(r.attempts),
              ElementsAre("alpha#0 delay=0 rate_limited at=0 for=100000",
                          "alpha#1 delay=1500000 ok at=1600000 for=100000"));
}

TEST_F(ResilientLlmTest, RetryAfterBeyondTheDeadlineMovesToTheFallback) {
  Script& s = llm_.scripts["alpha"];
  s.fail_first = -1;
  s.code = ErrorCode::kResourceExhausted;
  s.retry_after_us = 5'000'000;
  RetryPolicy policy = Policy(3, 100'000, 2'000'000);
  policy.deadline_us = 2'000'000;
  ResilientLlmResult r = RunOne(Context(policy, nullptr), kAlphaBeta);
  ASSERT_TRUE(r.response.has_value());
  EXPECT_EQ(r.provider, "beta");
  EXPECT_THAT(Describe(r.attempts),
              ElementsAre("alpha#0 delay=0 rate_limited at=0 for=100000",
                          "alpha#1 delay=5000000 deadline at=100000 for=0",
                          "beta#0 delay=0 ok at=100000 for=100000"));
}

TEST_F(ResilientLlmTest, DeadlineCutsRetries) {
  llm_.scripts["alpha"].fail_first = -1;
  llm_.scripts["alpha"].latency_us = 300'000;
  RetryPolicy policy = Policy(10, 200'000, 2'000'000);
  policy.deadline_us = 1'000'000;
  ResilientLlmResult r = RunOne(Context(policy, nullptr), kAlphaBeta);
  ASSERT_FALSE(r.response.has_value());
  EXPECT_EQ(r.response.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(r.provider, "");
  // The third attempt starts at 0.767 s and is cut at the 1 s deadline; beta is never tried.
  EXPECT_THAT(Describe(r.attempts),
              ElementsAre("alpha#0 delay=0 error at=0 for=300000",
                          "alpha#1 delay=20228 error at=320228 for=300000",
                          "alpha#2 delay=147259 deadline at=767487 for=232513"));
  EXPECT_EQ(r.response.error().message,
            "turn deadline at 1000000 us: cut the call to alpha");
  EXPECT_EQ(llm_.calls.count("beta"), 0u);
}

TEST_F(ResilientLlmTest, PerCallTimeoutGivesUpOnAHungCallAndRetries) {
  Script& s = llm_.scripts["alpha"];
  s.fail_first = 1;
  s.hang = true;
  RetryPolicy policy = Policy(2, 100'000, 2'000'000);
  policy.call_timeout_us = 500'000;
  ResilientLlmResult r = RunOne(Context(policy, nullptr), kAlpha);
  ASSERT_TRUE(r.response.has_value());
  EXPECT_THAT(Describe(r.attempts),
              ElementsAre("alpha#0 delay=0 timeout at=0 for=500000",
                          "alpha#1 delay=10114 ok at=510114 for=100000"));
  EXPECT_EQ(llm_.completed, 2);  // the hung call ran on, detached, to its end
  EXPECT_EQ(loop_.NowMicros(), 60 * kMicrosPerSecond);
}

// No route at all: nothing is sent, and the error says why.
TEST_F(ResilientLlmTest, NoRouteIsUnavailableWithoutAnAttempt) {
  const ResilientLlmResult r = RunOne(Context(Policy(3, 0, 0), nullptr), {});
  ASSERT_FALSE(r.response.has_value());
  EXPECT_EQ(r.response.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(r.response.error().message, "no LLM provider configured");
  EXPECT_TRUE(r.attempts.empty());
  EXPECT_TRUE(llm_.seeds.empty());
}

TEST_F(ResilientLlmTest, NonRetryableErrorMovesToTheNextProviderAtOnce) {
  llm_.scripts["alpha"].fail_first = -1;
  llm_.scripts["alpha"].code = ErrorCode::kInvalidArgument;
  ResilientLlmResult r = RunOne(Context(Policy(3, 100'000, 2'000'000), nullptr), kAlphaBeta);
  ASSERT_TRUE(r.response.has_value());
  EXPECT_EQ(r.provider, "beta");
  EXPECT_THAT(Describe(r.attempts), ElementsAre("alpha#0 delay=0 error at=0 for=100000",
                                                "beta#0 delay=0 ok at=100000 for=100000"));
}

TEST_F(ResilientLlmTest, ClientLookupFailureIsRecordedAndSkipped) {
  ResilientLlmResult out;
  LlmClient* client = &llm_;
  ResilientLlmContext context = Context(Policy(1, 0, 0), nullptr);
  loop_.Spawn(
      [](ResilientLlmContext c, LlmClient* llm, ResilientLlmResult* o) -> Task<void> {
        LlmRequest request;
        LlmClientLookup lookup = [llm](std::size_t i) -> Result<LlmClient*> {
          if (i == 0) return NotFound("secret ALPHA_KEY is not set");
          return llm;
        };
        co_await CompleteResilient(c, kAlphaBeta, lookup, request, ResilientLlmOutput::Into(*o));
      }(context, client, &out),
      "call");
  loop_.Run();
  ASSERT_TRUE(out.response.has_value());
  EXPECT_THAT(Describe(out.attempts),
              ElementsAre("alpha#0 delay=0 error at=0 for=0", "beta#0 delay=0 ok at=0 for=100000"));
}

// The output is the caller's: a second call's attempts are appended after the first call's
// (a turn's record holds all of them), and a call that fails leaves the provider as it was.
TEST_F(ResilientLlmTest, OutputAppendsAttemptsAndKeepsTheProviderOnFailure) {
  ResilientLlmResult out;
  out.provider = "earlier";
  out.attempts.push_back(LlmAttempt{0, "earlier", 0, 0, AttemptOutcome::kOk, 0, 7});
  llm_.scripts["alpha"].fail_first = -1;
  ResilientLlmContext context = Context(Policy(2, 100'000, 2'000'000), nullptr);
  context.call_index = 1;
  loop_.Spawn(Call(context, kAlpha, &llm_, &out), "call");
  loop_.Run();
  ASSERT_FALSE(out.response.has_value());
  EXPECT_EQ(out.response.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(out.provider, "earlier");
  EXPECT_THAT(Describe(out.attempts),
              ElementsAre("earlier#0 delay=0 ok at=0 for=7", "alpha#0 delay=0 error at=0 for=100000",
                          "alpha#1 delay=10114 error at=110114 for=100000"));
  EXPECT_EQ(out.attempts[1].call, 1);
}

// Many sessions fail at once against one provider: the budget lets 20% of the requests plus
// the reserve (1/s over 10 s) through as retries; the rest are refused, not sent.
TEST_F(ResilientLlmTest, RetryBudgetStopsARetryStorm) {
  llm_.scripts["alpha"].fail_first = -1;
  llm_.scripts["alpha"].latency_us = 50'000;
  ResilienceOptions options;
  options.breakers_enabled = false;
  options.budget.retry_percent = 20;
  options.budget.min_retries_per_second = 1;
  options.budget.window_us = 10 * kMicrosPerSecond;
  ResilienceRegistry registry(options);
  const int sessions = 100;
  std::vector<ResilientLlmResult> results(sessions);
  std::vector<Rng> rngs;
  for (int i = 0; i < sessions; ++i) rngs.push_back(Rng(7).Fork(static_cast<std::uint64_t>(i)));
  for (int i = 0; i < sessions; ++i) {
    ResilientLlmContext c = Context(Policy(4, 100'000, 2'000'000), &registry);
    c.rng = &rngs[static_cast<std::size_t>(i)];
    loop_.Spawn(Call(c, kAlpha, &llm_, &results[static_cast<std::size_t>(i)]), "session");
  }
  loop_.Run();
  std::map<std::string, int> outcomes;
  for (const ResilientLlmResult& r : results) {
    EXPECT_FALSE(r.response.has_value());
    for (const LlmAttempt& a : r.attempts) ++outcomes[std::string(AttemptOutcomeName(a.outcome))];
  }
  EXPECT_EQ(outcomes["error"], 130);            // 100 first attempts + 30 retries
  EXPECT_EQ(outcomes["budget_exhausted"], 100);  // 70 at the first retry, 30 at the second
  EXPECT_EQ(llm_.calls["alpha"], 130);
  EXPECT_EQ(registry.Budget("alpha")->stats().retries_allowed, 30u);
  EXPECT_EQ(registry.Budget("alpha")->stats().retries_refused, 100u);
}

TEST_F(ResilientLlmTest, WithoutABudgetEveryRetryIsSent) {
  llm_.scripts["alpha"].fail_first = -1;
  llm_.scripts["alpha"].latency_us = 50'000;
  const int sessions = 100;
  std::vector<ResilientLlmResult> results(sessions);
  for (int i = 0; i < sessions; ++i) {
    loop_.Spawn(Call(Context(Policy(4, 100'000, 2'000'000), nullptr), kAlpha, &llm_,
                     &results[static_cast<std::size_t>(i)]),
                "session");
  }
  loop_.Run();
  EXPECT_EQ(llm_.calls["alpha"], 400);
}

Task<void> CallEverySecond(EventLoop* loop, ResilientLlmContext context, int calls,
                           LlmClient* client, std::vector<ResilientLlmResult>* out) {
  for (int i = 0; i < calls; ++i) {
    ResilientLlmResult r;
    co_await Call(context, kAlphaBeta, client, &r);
    out->push_back(std::move(r));
    co_await loop->Sleep(kMicrosPerSecond);
  }
}

// alpha is down until 10 s; beta is the fallback. The breaker opens after three failures,
// probes alpha after each 2 s cool-down, and closes when alpha is back.
TEST_F(ResilientLlmTest, FallsBackToTheSecondProviderDuringAnOutageAndBreakerRecovers) {
  llm_.scripts["alpha"].outage_end_us = 10 * kMicrosPerSecond;
  ResilienceOptions options;
  options.breaker.failure_threshold = 3;
  options.breaker.cooldown_us = 2 * kMicrosPerSecond;
  ResilienceRegistry registry(options);
  std::vector<ResilientLlmResult> results;
  loop_.Spawn(CallEverySecond(&loop_, Context(Policy(1, 100'000, 2'000'000), &registry), 11,
                              &llm_, &results),
              "calls");
  loop_.Run();
  ASSERT_EQ(results.size(), 11u);
  std::vector<std::string> providers;
  std::vector<std::string> first;
  for (const ResilientLlmResult& r : results) {
    providers.push_back(r.provider);
    first.push_back(Describe(r.attempts).front());
  }
  EXPECT_THAT(providers, ElementsAre("beta", "beta", "beta", "beta", "beta", "beta", "beta",
                                     "beta", "beta", "beta", "alpha"));
  EXPECT_THAT(first, ElementsAre("alpha#0 delay=0 error at=0 for=100000",
                                 "alpha#0 delay=0 error at=1200000 for=100000",
                                 "alpha#0 delay=0 error at=2400000 for=100000",
                                 "alpha#0 delay=0 breaker_open at=3600000 for=0",
                                 "alpha#0 delay=0 error at=4700000 for=100000",
                                 "alpha#0 delay=0 breaker_open at=5900000 for=0",
                                 "alpha#0 delay=0 error at=7000000 for=100000",
                                 "alpha#0 delay=0 breaker_open at=8200000 for=0",
                                 "alpha#0 delay=0 error at=9300000 for=100000",
                                 "alpha#0 delay=0 breaker_open at=10500000 for=0",
                                 "alpha#0 delay=0 ok at=11600000 for=100000"));
  std::vector<std::string> changes;
  for (const ProviderTransition& t : registry.Transitions()) {
    changes.push_back(t.provider + " " + std::to_string(t.transition.at_us) + " " +
                      std::string(BreakerStateName(t.transition.from)) + "->" +
                      std::string(BreakerStateName(t.transition.to)) + " " + t.transition.reason);
  }
  EXPECT_THAT(changes,
              ElementsAre("alpha 2500000 closed->open 3 consecutive failures (last: error)",
                          "alpha 4500000 open->half_open cool-down of 2000 ms ended",
                          "alpha 4800000 half_open->open probe failed (error)",
                          "alpha 6800000 open->half_open cool-down of 2000 ms ended",
                          "alpha 7100000 half_open->open probe failed (error)",
                          "alpha 9100000 open->half_open cool-down of 2000 ms ended",
                          "alpha 9400000 half_open->open probe failed (error)",
                          "alpha 11400000 open->half_open cool-down of 2000 ms ended",
                          "alpha 11700000 half_open->closed 1 probe succeeded"));
}

}  // namespace
}  // namespace agentsim
