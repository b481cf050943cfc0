// llm_config.fallback_providers and llm_config.retry (core/resilience).
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/agent_config.h"

namespace agentsim {
namespace {

using ::testing::ElementsAre;

// A minimal agent whose llm_config is given on line 5.
std::string Agent(const std::string& llm_config) {
  return "{\"agent_id\": \"a\", \"version\": \"1\",\n"
         "\"tenant_config\": {\"tenant_id\": \"t\"}, \"prompt_config\": {\"system_prompt\": \"\"},\n"
         "\"schema_config\": {\"schema_id\": \"s\",\n"
         "  \"fields\": [{\"field_name\": \"system_response\", \"field_type\": \"str\"}]},\n"
         "\"llm_config\": " +
         llm_config +
         ",\n"
         "\"tts_config\": {\"provider\": \"p\", \"voice\": \"v\"}}";
}

std::vector<std::string> Errors(const std::string& llm_config) {
  Result<AgentConfig> config = ParseAgentConfig("cfg.json", Agent(llm_config));
  if (config) return {};
  std::vector<std::string> lines;
  std::size_t start = 0;
  const std::string& m = config.error().message;
  while (start <= m.size()) {
    std::size_t end = m.find('\n', start);
    if (end == std::string::npos) end = m.size();
    lines.push_back(m.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

TEST(AgentConfigResilienceTest, DefaultsAreOneAttemptWithoutFallback) {
  Result<AgentConfig> config =
      ParseAgentConfig("cfg.json", Agent(R"({"provider": "p", "model": "m"})"));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  EXPECT_TRUE(config->llm.fallback_providers.empty());
  EXPECT_EQ(config->llm.retry.max_attempts, 1);
  EXPECT_EQ(config->llm.retry.base_delay_us, 100'000);
  EXPECT_EQ(config->llm.retry.max_delay_us, 2'000'000);
  EXPECT_EQ(config->llm.retry.deadline_us, 0);
  EXPECT_EQ(config->llm.retry.call_timeout_us, 0);
}

TEST(AgentConfigResilienceTest, ParsesFallbacksAndRetryInMicros) {
  Result<AgentConfig> config = ParseAgentConfig(
      "cfg.json",
      Agent(R"({"provider": "openai", "model": "gpt-4o",
        "fallback_providers": [{"provider": "anthropic", "model": "claude-3-5-haiku",
                                "api_key_env": "ANTHROPIC_API_KEY"},
                               {"provider": "local", "model": "llama"}],
        "retry": {"max_attempts": 3, "base_delay_ms": 50, "max_delay_ms": 800,
                  "deadline_ms": 6000, "call_timeout_ms": 2500}})"));
  ASSERT_TRUE(config.has_value()) << config.error().message;
  const LlmConfig& llm = config->llm;
  ASSERT_EQ(llm.fallback_providers.size(), 2u);
  EXPECT_EQ(llm.fallback_providers[0].provider, "anthropic");
  EXPECT_EQ(llm.fallback_providers[0].model, "claude-3-5-haiku");
  EXPECT_EQ(llm.fallback_providers[0].api_key_env, "ANTHROPIC_API_KEY");
  EXPECT_EQ(llm.fallback_providers[1].provider, "local");
  EXPECT_EQ(llm.fallback_providers[1].api_key_env, "");
  EXPECT_EQ(llm.retry.max_attempts, 3);
  EXPECT_EQ(llm.retry.base_delay_us, 50'000);
  EXPECT_EQ(llm.retry.max_delay_us, 800'000);
  EXPECT_EQ(llm.retry.deadline_us, 6'000'000);
  EXPECT_EQ(llm.retry.call_timeout_us, 2'500'000);
}

TEST(AgentConfigResilienceTest, RejectsBadFallbacksWithTheirLocation) {
  EXPECT_THAT(Errors(R"({"provider": "p", "model": "m", "fallback_providers": "q"})"),
              ElementsAre("cfg.json:5:69: /llm_config/fallback_providers: expected an array of "
                          "at most 8 {provider, model} objects, got string \"q\""));
  EXPECT_THAT(
      Errors(R"({"provider": "p", "model": "m", "fallback_providers": [{"provider": "q", "api_key": "x"}, 3]})"),
      ElementsAre("cfg.json:5:70: /llm_config/fallback_providers/0/model: expected a non-empty "
                  "string, got nothing (required key missing)",
                  "cfg.json:5:99: /llm_config/fallback_providers/0/api_key: unknown key "
                  "\"api_key\"; expected one of provider, model, api_key_env",
                  "cfg.json:5:105: /llm_config/fallback_providers/1: expected an object "
                  "{provider, model}, got number 3"));
}

TEST(AgentConfigResilienceTest, RejectsBadRetryValuesWithTheirLocation) {
  EXPECT_THAT(
      Errors(R"({"provider": "p", "model": "m", "retry": {"max_attempts": 0, "base_delay_ms": 500, "max_delay_ms": 100, "deadline": 1}})"),
      ElementsAre("cfg.json:5:73: /llm_config/retry/max_attempts: expected an integer in [1, "
                  "10], got number 0",
                  "cfg.json:5:114: /llm_config/retry/max_delay_ms: expected an integer >= "
                  "base_delay_ms (500), got 100",
                  "cfg.json:5:131: /llm_config/retry/deadline: unknown key \"deadline\"; expected "
                  "one of max_attempts, base_delay_ms, max_delay_ms, deadline_ms, "
                  "call_timeout_ms"));
  EXPECT_THAT(Errors(R"({"provider": "p", "model": "m", "retry": 3})"),
              ElementsAre("cfg.json:5:56: /llm_config/retry: expected an object, got number 3"));
  // A near miss of the new keys is a typo, not a provider option.
  EXPECT_THAT(Errors(R"({"provider": "p", "model": "m", "retyr": {}})"),
              ElementsAre("cfg.json:5:56: /llm_config/retyr: unknown key \"retyr\" (did you mean "
                          "\"retry\"?)"));
}

}  // namespace
}  // namespace agentsim
