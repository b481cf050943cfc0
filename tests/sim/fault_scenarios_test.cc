// scenarios/llm_outage.json, cache_stampede.json and chaos.json at reduced size.
#include <map>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "core/log/logger.h"
#include "sim/file_source.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

class CountingSink final : public RecordSink {
 public:
  void OnTurn(const TurnRecord& t) override {
    ++turns;
    ++by_provider[t.llm_provider];
    for (const LlmAttempt& a : t.llm_attempts) {
      ++attempts[std::string(AttemptOutcomeName(a.outcome))];
    }
  }
  void OnSession(const SessionRecord& s) override { ++sessions[s.status]; }
  void OnCheckFailure(const CheckFailure& f) override {
    ++failures;
    last_failure = f.check + ": " + f.subject + ": " + f.detail;
  }
  int turns = 0;
  std::map<std::string, int> by_provider;
  std::map<std::string, int> attempts;
  std::map<std::string, int> sessions;
  int failures = 0;
  std::string last_failure;
};

Scenario Load(const std::string& name) {
  DiskFileSource files(std::string(AGENTSIM_SOURCE_DIR) + "/scenarios");
  Result<Scenario> s = LoadScenario(files, name);
  EXPECT_TRUE(s.has_value()) << s.error().message;
  return s.value_or(Scenario{});
}

// "backend:site:kind" -> count.
std::map<std::string, int> FaultCounts(const RunOutcome& out) {
  std::map<std::string, int> faults;
  for (const InjectedFault& f : out.injected_faults) {
    ++faults[std::string(f.backend) + ":" + std::string(f.site) + ":" +
             std::string(FaultKindName(f.kind))];
  }
  return faults;
}

TEST(FaultScenariosTest, LlmOutageOpensBreakersAndTheFallbackAnswers) {
  Scenario s = Load("llm_outage.json");
  s.workload.sessions = 300;  // 5 virtual minutes of arrivals: the outage is at 2 to 4
  ASSERT_EQ(s.routing.timeline.size(), 2u);
  CountingSink sink;
  RunOutcome out = RunScenario(s, s.seed, sink, MakeNullLogger());
  EXPECT_EQ(sink.failures, 0) << sink.last_failure;
  EXPECT_EQ(out.turns_started, out.turns_recorded);
  ASSERT_EQ(out.timeline.size(), 2u);
  EXPECT_EQ(out.timeline[0].kind, "start_outage");
  EXPECT_EQ(out.timeline[0].subject, "llm/openai");
  EXPECT_EQ(out.timeline[0].at_us, 120'000'000);
  EXPECT_EQ(out.timeline[1].kind, "end_outage");
  EXPECT_EQ(out.timeline[1].outcome, "ok");
  std::map<std::string, int> faults = FaultCounts(out);
  EXPECT_EQ(faults["llm:timeline:outage"], 35);  // breakers open after a few
  EXPECT_EQ(faults["llm::rate_limited"], 553);   // the token bucket (site: the fault model)
  for (const InjectedFault& f : out.injected_faults) {
    if (f.site == "timeline") {
      EXPECT_GE(f.at_us, 120'000'000);
      EXPECT_LT(f.at_us, 240'000'000);
      EXPECT_EQ(f.provider, "openai");
    }
  }
  // Breakers open during the outage on both workers and close after it.
  std::map<int, std::string> last_state;
  for (const auto& [worker, t] : out.breaker_transitions) {
    if (t.provider != "openai") continue;
    last_state[worker] = std::string(BreakerStateName(t.transition.to));
  }
  EXPECT_EQ(last_state.size(), 2u);
  for (const auto& [worker, state] : last_state) EXPECT_EQ(state, "closed") << worker;
  EXPECT_EQ(sink.by_provider["anthropic"], 732);
  EXPECT_GT(sink.attempts["breaker_open"], 0);
  EXPECT_GT(sink.attempts["budget_exhausted"], 0);  // the retry budget stops retry storms
  EXPECT_EQ(sink.turns, static_cast<int>(out.turns_recorded));
}

TEST(FaultScenariosTest, CacheStampedeCoalescesWaitsForThePoolAndSurvivesTheL2Outage) {
  Scenario s = Load("cache_stampede.json");
  s.workload.sessions = 600;  // 1.2 virtual seconds of arrivals
  s.routing.timeline[0].at_us = 400'000;
  s.routing.timeline[1].at_us = 800'000;
  CountingSink sink;
  RunOutcome out = RunScenario(s, s.seed, sink, MakeNullLogger());
  EXPECT_EQ(sink.failures, 0) << sink.last_failure;
  EXPECT_EQ(out.turns_started, out.turns_recorded);
  EXPECT_EQ(sink.sessions["completed"], 600);
  const CacheLevelStats& l1 = out.cache[0];
  const CacheLevelStats& l2 = out.cache[1];
  const CacheLevelStats& l3 = out.cache[2];
  EXPECT_EQ(l1.coalesced_waits, 121u);
  EXPECT_EQ(l2.errors, 17u);
  EXPECT_EQ(l3.loads, 25u);
  EXPECT_EQ(out.pool.waits, 12u);
  EXPECT_GT(l1.coalesced_waits, 0u);
  EXPECT_GT(l2.errors, 0u);
  EXPECT_GT(out.pool.waits, 0u);
  std::map<std::string, int> faults = FaultCounts(out);
  EXPECT_EQ(faults["shared_cache:timeline:outage"], 17);  // one per refused L2 call
  for (const InjectedFault& f : out.injected_faults) {
    EXPECT_GE(f.at_us, 400'000);
    EXPECT_LT(f.at_us, 800'000);
  }
}

struct ChaosSeed {
  std::uint64_t seed;
};
void PrintTo(const ChaosSeed& c, std::ostream* os) { *os << "seed " << c.seed; }

class ChaosScenarioTest : public testing::TestWithParam<ChaosSeed> {};

// Swarm testing: several seeds switch different sites on; the invariants hold for every one.
TEST_P(ChaosScenarioTest, EveryTurnIsAccountedForAndNoCheckFails) {
  Scenario s = Load("chaos.json");
  s.workload.sessions = 60;
  s.chaos.fire_probability = 0.1;
  CountingSink sink;
  RunOutcome out = RunScenario(s, GetParam().seed, sink, MakeNullLogger());
  EXPECT_EQ(sink.failures, 0) << sink.last_failure;
  EXPECT_EQ(out.check_failures, 0u);
  EXPECT_EQ(out.turns_started, out.turns_recorded);
  EXPECT_EQ(sink.turns, static_cast<int>(out.turns_recorded));
  EXPECT_EQ(sink.sessions["completed"] + sink.sessions["disconnected"], 60);
  ASSERT_EQ(out.chaos_sites.size(), kChaosSiteCount);
  std::uint64_t fired = 0;
  for (const ChaosSiteStats& c : out.chaos_sites) {
    if (!c.enabled) {
      EXPECT_EQ(c.fired, 0u) << c.site;
    }
    fired += c.fired;
  }
  std::uint64_t chaos_faults = 0;
  for (const InjectedFault& f : out.injected_faults) {
    if (ChaosSiteByName(f.site)) ++chaos_faults;
  }
  EXPECT_EQ(chaos_faults, fired);
  EXPECT_EQ(out.room.disconnects, static_cast<std::uint64_t>(sink.sessions["disconnected"]));
}

INSTANTIATE_TEST_SUITE_P(Swarm, ChaosScenarioTest,
                         testing::Values(ChaosSeed{1}, ChaosSeed{2}, ChaosSeed{3}, ChaosSeed{4},
                                         ChaosSeed{5}));

TEST(FaultScenariosTest, ChaosScenarioPinnedAtItsSeed) {
  Scenario s = Load("chaos.json");
  s.workload.sessions = 80;
  CountingSink sink;
  RunOutcome out = RunScenario(s, s.seed, sink, MakeNullLogger());
  EXPECT_EQ(sink.failures, 0) << sink.last_failure;
  EXPECT_EQ(out.turns_started, out.turns_recorded);
  std::string on;
  std::uint64_t fired = 0;
  for (const ChaosSiteStats& c : out.chaos_sites) {
    if (c.enabled) on += (on.empty() ? "" : " ") + std::string(c.site);
    fired += c.fired;
  }
  EXPECT_EQ(on,
            "llm.rate_limit llm.malformed llm.stall tts.error tts.timeout room.disconnect "
            "store.outage store.slow");
  EXPECT_EQ(fired, 143u);
  EXPECT_EQ(out.turns_recorded, 437u);
  EXPECT_EQ(sink.sessions["disconnected"], 38);
  EXPECT_EQ(sink.sessions["completed"], 42);
}

// Same scenario, same seed: the same faults at the same instants, the same site statistics.
TEST(FaultScenariosTest, ChaosRunsAreReproducible) {
  Scenario s = Load("chaos.json");
  s.workload.sessions = 40;
  CountingSink sink_a;
  CountingSink sink_b;
  RunOutcome a = RunScenario(s, 17, sink_a, MakeNullLogger());
  RunOutcome b = RunScenario(s, 17, sink_b, MakeNullLogger());
  ASSERT_EQ(a.injected_faults.size(), b.injected_faults.size());
  for (std::size_t i = 0; i < a.injected_faults.size(); ++i) {
    const InjectedFault& x = a.injected_faults[i];
    const InjectedFault& y = b.injected_faults[i];
    EXPECT_EQ(std::tie(x.at_us, x.backend, x.provider, x.kind, x.site),
              std::tie(y.at_us, y.backend, y.provider, y.kind, y.site))
        << i;
  }
  ASSERT_EQ(a.chaos_sites.size(), b.chaos_sites.size());
  for (std::size_t i = 0; i < a.chaos_sites.size(); ++i) {
    EXPECT_EQ(a.chaos_sites[i].fired, b.chaos_sites[i].fired);
    EXPECT_EQ(a.chaos_sites[i].opportunities, b.chaos_sites[i].opportunities);
  }
  EXPECT_EQ(a.turns_recorded, b.turns_recorded);
  EXPECT_EQ(a.virtual_duration_us, b.virtual_duration_us);
}

}  // namespace
}  // namespace agentsim
