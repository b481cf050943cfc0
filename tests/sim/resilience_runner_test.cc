// scenarios/resilience.json at reduced size: faults injected, retries, breakers, fallback.
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "core/log/logger.h"
#include "sim/file_source.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

class CountingSink final : public RecordSink {
 public:
  void OnTurn(const TurnRecord& t) override {
    ++by_provider[t.llm_provider];
    for (const LlmAttempt& a : t.llm_attempts) ++attempts[std::string(AttemptOutcomeName(a.outcome))];
  }
  void OnSession(const SessionRecord&) override {}
  void OnCheckFailure(const CheckFailure&) override { ++failures; }
  std::map<std::string, int> by_provider;
  std::map<std::string, int> attempts;
  int failures = 0;
};

TEST(ResilienceRunnerTest, OutageOpensBreakersAndTheFallbackProviderAnswers) {
  DiskFileSource files(std::string(AGENTSIM_SOURCE_DIR) + "/scenarios");
  Result<Scenario> s = LoadScenario(files, "resilience.json");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  s->workload.sessions = 320;
  ASSERT_TRUE(s->resilience.has_value());
  EXPECT_EQ(s->resilience->breaker.failure_threshold, 5);
  EXPECT_EQ(s->llm.provider_faults.at("openai").outages.size(), 1u);
  EXPECT_EQ(s->llm.provider_faults.at("openai").retry_after_us, 500'000);
  CountingSink sink;
  RunOutcome out = RunScenario(*s, 21, sink, MakeNullLogger());
  EXPECT_EQ(sink.failures, 0);
  EXPECT_EQ(out.turns_started, out.turns_recorded);
  // Every worker's openai breaker opens when the outage starts (3 min) and closes after it.
  ASSERT_FALSE(out.breaker_transitions.empty());
  std::map<int, std::string> last_state;
  for (const auto& [worker, t] : out.breaker_transitions) {
    EXPECT_EQ(t.provider, "openai");
    EXPECT_GE(t.transition.at_us, 180'000'000);
    last_state[worker] = std::string(BreakerStateName(t.transition.to));
  }
  EXPECT_EQ(last_state.size(), 2u);
  for (const auto& [worker, state] : last_state) EXPECT_EQ(state, "closed") << worker;
  EXPECT_GT(sink.by_provider["anthropic"], 0);
  EXPECT_GT(sink.by_provider["openai"], sink.by_provider["anthropic"]);
  EXPECT_GT(sink.attempts["breaker_open"], 0);
  EXPECT_GT(sink.attempts["rate_limited"], 0);
  std::map<std::string, int> faults;
  for (const InjectedFault& f : out.injected_faults) {
    ++faults[std::string(f.backend) + ":" + f.provider + ":" + std::string(FaultKindName(f.kind))];
  }
  EXPECT_GT(faults["llm:openai:outage"], 0);
  EXPECT_GT(faults["llm:openai:rate_limited"], 0);
  EXPECT_GT(faults["llm:openai:timeout"], 0);
}

}  // namespace
}  // namespace agentsim
