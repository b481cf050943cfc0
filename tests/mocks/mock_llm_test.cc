#include "mocks/mock_llm.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "core/config/agent_config.h"
#include "core/schema/dynamic_schema.h"
#include "sim/file_source.h"

namespace agentsim {
namespace {

class MockLlmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DiskFileSource files(AGENTSIM_SOURCE_DIR "/scenarios/configs");
    for (const char* name : {"interview-strict-v1.json", "customer-service-general-v1.json"}) {
      auto text = files.Read(name);
      ASSERT_TRUE(text.has_value());
      auto config = ParseAgentConfig(name, *text);
      ASSERT_TRUE(config.has_value()) << config.error().message;
      configs_.push_back(std::move(*config));
    }
  }
  std::vector<AgentConfig> configs_;
};

Task<void> Call(MockLlm* llm, LlmRequest request, Result<LlmResponse>* out) {
  *out = co_await llm->Complete(request);
}

TEST_F(MockLlmTest, WellFormedOutputsAreValidForTheSchema) {
  for (const AgentConfig& config : configs_) {
    MockLlmOptions options;
    options.malformed_rate = 0.0;
    options.optional_field_rate = 0.5;
    EventLoop loop;
    MockLlm llm(&loop, Rng(1), options, &ResponseCorpus::BuiltIn());
    Rng seeds(2);
    for (int i = 0; i < 500; ++i) {
      LlmRequest request;
      request.response_schema = &config.schema;
      request.max_tokens = 100000;
      Rng rng = Rng(3).Fork(static_cast<std::uint64_t>(i));
      std::string text = llm.GenerateText(request, rng);
      auto parsed = nlohmann::json::parse(text);
      auto violations = config.schema.Validate(parsed);
      ASSERT_TRUE(violations.empty())
          << config.agent_id << ": " << text << " -> " << violations[0].message;
    }
  }
}

TEST_F(MockLlmTest, MalformedOutputsComeInEveryKindAtTheConfiguredRate) {
  const AgentConfig& config = configs_[0];
  MockLlmOptions options;
  options.malformed_rate = 0.3;
  EventLoop loop;
  MockLlm llm(&loop, Rng(1), options, &ResponseCorpus::BuiltIn());
  std::map<std::string, int> outcomes;
  const int n = 3000;
  for (int i = 0; i < n; ++i) {
    LlmRequest request;
    request.response_schema = &config.schema;
    Rng rng = Rng(9).Fork(static_cast<std::uint64_t>(i));
    std::string text = llm.GenerateText(request, rng);
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded()) {
      ++outcomes["not_json"];
      continue;
    }
    auto violations = config.schema.Validate(parsed);
    ++outcomes[violations.empty() ? "valid" : violations[0].reason];
  }
  EXPECT_NEAR(outcomes["valid"], 0.7 * n, 0.03 * n);
  EXPECT_NEAR(outcomes["not_json"], 0.1 * n, 0.02 * n);
  EXPECT_NEAR(outcomes["missing_required"], 0.1 * n, 0.02 * n);
  // A wrong type is a wrong_type violation, or not_in_literal for a Literal field.
  EXPECT_NEAR(outcomes["wrong_type"] + outcomes["not_in_literal"], 0.1 * n, 0.02 * n);
  EXPECT_EQ(llm.stats().malformed[0] + llm.stats().malformed[1] + llm.stats().malformed[2],
            static_cast<std::uint64_t>(n - outcomes["valid"]));
}

TEST_F(MockLlmTest, SameSeedSameOutputAndTiming) {
  const AgentConfig& config = configs_[0];
  auto run = [&](std::uint64_t seed) {
    EventLoop loop;
    MockLlm llm(&loop, Rng(5), MockLlmOptions{}, &ResponseCorpus::BuiltIn());
    LlmRequest request;
    request.response_schema = &config.schema;
    request.seed = seed;
    Result<LlmResponse> out = Unavailable("not run");
    loop.Spawn(Call(&llm, request, &out), "call");
    loop.Run();
    EXPECT_TRUE(out.has_value());
    return std::make_tuple(out->text, out->first_token_at_us, out->completed_at_us);
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11), run(12));
}

TEST_F(MockLlmTest, CompletesThroughTheLoopNeverInline) {
  EventLoop loop;
  MockLlmOptions options;
  options.ttft_ms = LogNormalSpec{100.0, 100.0};
  options.per_token_ms = LogNormalSpec{10.0, 10.0};
  MockLlm llm(&loop, Rng(5), options, &ResponseCorpus::BuiltIn());
  LlmRequest request;  // plain text
  Result<LlmResponse> out = Unavailable("not run");
  loop.Spawn(Call(&llm, request, &out), "call");
  loop.RunUntil(99'999);
  EXPECT_FALSE(out.has_value());
  loop.Run();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->first_token_at_us, 100'000);
  // ceil(bytes / 4) tokens, the first at TTFT and the rest 10 ms apart.
  const int tokens = static_cast<int>((out->text.size() + 3) / 4);
  EXPECT_EQ(out->output_tokens, tokens);
  EXPECT_EQ(out->completed_at_us, 100'000 + (tokens - 1) * 10'000);
}

TEST_F(MockLlmTest, LengthLimitTruncatesOutput) {
  EventLoop loop;
  MockLlmOptions options;
  options.malformed_rate = 0.0;
  MockLlm llm(&loop, Rng(5), options, &ResponseCorpus::BuiltIn());
  LlmRequest request;
  request.response_schema = &configs_[0].schema;
  request.max_tokens = 8;
  Result<LlmResponse> out = Unavailable("not run");
  loop.Spawn(Call(&llm, request, &out), "call");
  loop.Run();
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->output_tokens, 8);
  EXPECT_EQ(out->text.size(), 32u);
  EXPECT_TRUE(nlohmann::json::parse(out->text, nullptr, false).is_discarded());
  EXPECT_EQ(llm.stats().truncated, 1u);
}

TEST_F(MockLlmTest, ErrorRateOneAlwaysFails) {
  EventLoop loop;
  MockLlmOptions options;
  options.error_rate = 1.0;
  options.ttft_ms = LogNormalSpec{50.0, 50.0};
  MockLlm llm(&loop, Rng(5), options, &ResponseCorpus::BuiltIn());
  Result<LlmResponse> out;
  loop.Spawn(Call(&llm, LlmRequest{}, &out), "call");
  loop.Run();
  ASSERT_FALSE(out.has_value());
  EXPECT_EQ(out.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(loop.NowMicros(), 50'000);
}

}  // namespace
}  // namespace agentsim
