// Fault models of MockLlm and MockTts, per provider (mocks/backend_faults.h).
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "mocks/mock_llm.h"
#include "mocks/mock_tts.h"

namespace agentsim {
namespace {

Task<void> CallLlm(MockLlm* llm, LlmRequest request, Result<LlmResponse>* out) {
  *out = co_await llm->Complete(request);
}

struct LlmOutcome {
  Result<LlmResponse> response = Unavailable("not run");
  Micros ended_at_us = -1;
};

LlmOutcome RunLlm(const MockLlmOptions& options, std::string provider, std::uint64_t seed,
                  Micros start_us = 0) {
  EventLoop loop;
  MockLlm llm(&loop, Rng(5), options, &ResponseCorpus::BuiltIn());
  LlmRequest request;
  request.provider = provider;
  request.seed = seed;
  LlmOutcome out;
  loop.RunUntil(start_us);
  loop.Spawn(CallLlm(&llm, request, &out.response), "call");
  loop.Run();
  out.ended_at_us = loop.NowMicros();
  return out;
}

MockLlmOptions FixedLatency() {
  MockLlmOptions o;
  o.ttft_ms = LogNormalSpec{100.0, 100.0};
  o.per_token_ms = LogNormalSpec{10.0, 10.0};
  return o;
}

TEST(MockLlmFaultsTest, FaultsOfOneProviderLeaveAnotherProvidersDrawsUnchanged) {
  MockLlmOptions plain;
  MockLlmOptions faulty;
  faulty.provider_faults["beta"].error_rate = 0.5;
  faulty.provider_faults["beta"].stall_rate = 0.5;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    LlmOutcome a = RunLlm(plain, "alpha", seed);
    LlmOutcome b = RunLlm(faulty, "alpha", seed);
    ASSERT_TRUE(a.response.has_value());
    ASSERT_TRUE(b.response.has_value());
    EXPECT_EQ(std::tie(a.response->text, a.response->first_token_at_us,
                       a.response->completed_at_us),
              std::tie(b.response->text, b.response->first_token_at_us,
                       b.response->completed_at_us));
  }
}

TEST(MockLlmFaultsTest, StallDelaysTheFirstTokenByExactlyStallUs) {
  MockLlmOptions stalled = FixedLatency();
  stalled.faults.stall_rate = 1.0;
  stalled.faults.stall_us = 2'500'000;
  LlmOutcome a = RunLlm(FixedLatency(), "alpha", 7);
  LlmOutcome b = RunLlm(stalled, "alpha", 7);
  ASSERT_TRUE(a.response.has_value());
  ASSERT_TRUE(b.response.has_value());
  EXPECT_EQ(a.response->first_token_at_us, 100'000);
  EXPECT_EQ(b.response->first_token_at_us, 2'600'000);
  EXPECT_EQ(b.response->text, a.response->text);
  EXPECT_EQ(b.response->completed_at_us - a.response->completed_at_us, 2'500'000);
}

TEST(MockLlmFaultsTest, TimeoutHangsForHangUsThenFails) {
  MockLlmOptions o = FixedLatency();
  o.provider_faults["alpha"].timeout_rate = 1.0;
  o.provider_faults["alpha"].hang_us = 45'000'000;
  LlmOutcome out = RunLlm(o, "alpha", 3);
  ASSERT_FALSE(out.response.has_value());
  EXPECT_EQ(out.response.error().code, ErrorCode::kDeadlineExceeded);
  EXPECT_EQ(out.ended_at_us, 45'000'000);
}

TEST(MockLlmFaultsTest, RateLimitCarriesRetryAfterAndOutageRefuses) {
  MockLlmOptions o = FixedLatency();
  o.provider_faults["alpha"].rate_limit_rate = 1.0;
  o.provider_faults["alpha"].retry_after_us = 1'250'000;
  o.provider_faults["beta"].outages = {OutageWindow{0, 10'000'000}};
  LlmOutcome limited = RunLlm(o, "alpha", 3);
  ASSERT_FALSE(limited.response.has_value());
  EXPECT_EQ(limited.response.error().code, ErrorCode::kResourceExhausted);
  EXPECT_EQ(limited.response.error().retry_after_us, 1'250'000);
  EXPECT_EQ(limited.ended_at_us, 100'000);  // after the time to first token

  LlmOutcome down = RunLlm(o, "beta", 3, 9'999'999);
  ASSERT_FALSE(down.response.has_value());
  EXPECT_EQ(down.response.error().message, "mock LLM: unavailable (outage at 9999999 us)");
  LlmOutcome up = RunLlm(o, "beta", 3, 10'000'000);
  EXPECT_TRUE(up.response.has_value());
}

TEST(MockLlmFaultsTest, StatsAndLogCountEveryFault) {
  EventLoop loop;
  MockLlmOptions o = FixedLatency();
  o.error_rate = 1.0;  // the default providers'
  o.provider_faults["gamma"].timeout_rate = 1.0;
  o.provider_faults["gamma"].hang_us = 1'000;
  MockLlm llm(&loop, Rng(5), o, &ResponseCorpus::BuiltIn());
  Result<LlmResponse> r1;
  Result<LlmResponse> r2;
  LlmRequest a;
  a.provider = "alpha";
  LlmRequest g;
  g.provider = "gamma";
  loop.Spawn(CallLlm(&llm, a, &r1), "a");
  loop.Spawn(CallLlm(&llm, g, &r2), "g");
  loop.Run();
  EXPECT_EQ(llm.stats().errors, 2u);
  EXPECT_EQ(llm.stats().timeouts, 1u);
  ASSERT_EQ(llm.faults_injected().size(), 2u);
  EXPECT_EQ(llm.faults_injected()[0].provider, "alpha");
  EXPECT_EQ(llm.faults_injected()[0].kind, FaultKind::kError);
  EXPECT_EQ(llm.faults_injected()[1].provider, "gamma");
  EXPECT_EQ(llm.faults_injected()[1].kind, FaultKind::kTimeout);
}

Task<void> CallTts(MockTts* tts, TtsRequest request, Result<TtsResponse>* out) {
  *out = co_await tts->Synthesize(request);
}

Result<TtsResponse> RunTts(const MockTtsOptions& options, std::string provider,
                           Micros start_us = 0) {
  EventLoop loop;
  MockTts tts(&loop, Rng(5), options);
  TtsRequest request;
  request.provider = provider;
  request.text = "Tell me about your last project.";
  request.seed = 4;
  Result<TtsResponse> out = Unavailable("not run");
  loop.RunUntil(start_us);
  loop.Spawn(CallTts(&tts, request, &out), "tts");
  loop.Run();
  return out;
}

TEST(MockTtsFaultsTest, StallDelaysTheFirstByteAndOutagesAndErrorsFail) {
  MockTtsOptions base;
  base.ttfb_ms = LogNormalSpec{200.0, 200.0};
  Result<TtsResponse> a = RunTts(base, "cartesia");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->first_byte_at_us, 200'000);

  MockTtsOptions o = base;
  o.provider_faults["cartesia"].stall_rate = 1.0;
  o.provider_faults["cartesia"].stall_us = 4'000'000;
  o.provider_faults["eleven"].outages = {OutageWindow{1'000'000, 2'000'000}};
  o.provider_faults["flaky"].error_rate = 1.0;
  Result<TtsResponse> stalled = RunTts(o, "cartesia");
  ASSERT_TRUE(stalled.has_value());
  EXPECT_EQ(stalled->first_byte_at_us, 4'200'000);
  EXPECT_EQ(stalled->audio_duration_us, a->audio_duration_us);

  Result<TtsResponse> down = RunTts(o, "eleven", 1'500'000);
  ASSERT_FALSE(down.has_value());
  EXPECT_EQ(down.error().code, ErrorCode::kUnavailable);
  EXPECT_TRUE(RunTts(o, "eleven", 2'000'000).has_value());

  Result<TtsResponse> failed = RunTts(o, "flaky");
  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().message, "mock TTS: provider error (error_rate)");
  EXPECT_TRUE(RunTts(o, "other").has_value());
}

}  // namespace
}  // namespace agentsim
