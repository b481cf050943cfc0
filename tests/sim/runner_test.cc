#include "sim/runner.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/log/logger.h"
#include "scenarios/embedded_scenarios.h"

namespace agentsim {
namespace {

class CollectingSink : public RecordSink {
 public:
  void OnTurn(const TurnRecord& t) override { turns.push_back(t); }
  void OnSession(const SessionRecord& s) override { sessions.push_back(s); }
  void OnCheckFailure(const CheckFailure& f) override { failures.push_back(f); }
  std::vector<TurnRecord> turns;
  std::vector<SessionRecord> sessions;
  std::vector<CheckFailure> failures;
};

Scenario DefaultScenario() {
  EmbeddedFileSource files(embedded::Files());
  Result<Scenario> s = LoadScenario(files, embedded::kDefaultScenario);
  EXPECT_TRUE(s.has_value());
  return std::move(*s);
}

TEST(RunnerTest, DefaultScenarioAccountsForEverySessionAndTurn) {
  Scenario scenario = DefaultScenario();
  CollectingSink sink;
  RunOutcome out = RunScenario(scenario, 42, sink, MakeNullLogger());
  EXPECT_EQ(out.check_failures, 0u);
  EXPECT_TRUE(sink.failures.empty());
  EXPECT_EQ(out.sessions_started, 300u);
  ASSERT_EQ(sink.sessions.size(), 300u);
  EXPECT_EQ(out.turns_started, out.turns_recorded);
  EXPECT_EQ(sink.turns.size(), out.turns_started);

  std::map<std::uint64_t, int> turns_per_session;
  std::map<std::string, int> outcomes;
  std::map<std::string, int> by_agent;
  for (const TurnRecord& t : sink.turns) {
    EXPECT_EQ(t.turn_index, turns_per_session[t.session_id]++);
    ++outcomes[std::string(TurnOutcomeName(t.outcome))];
    EXPECT_GE(t.timings.time_to_first_audio_us, t.timings.llm_total_us);
  }
  for (const SessionRecord& s : sink.sessions) {
    EXPECT_EQ(s.status, "completed") << s.session_id << " " << s.error;
    EXPECT_EQ(s.turns_started, s.turns_planned);
    EXPECT_GE(s.turns_planned, 4);
    EXPECT_LE(s.turns_planned, 10);
    EXPECT_EQ(turns_per_session[s.session_id], s.turns_started);
    EXPECT_EQ(s.conversation, "corpus");
    ++by_agent[s.agent_id];
  }
  // Both agents get sessions; the split is by weight (1:1).
  EXPECT_NEAR(by_agent["interview-strict-v1"], 150, 30);
  EXPECT_NEAR(by_agent["interview-friendly-v1"], 150, 30);
  // 5% malformed output: the fallback path runs; no LLM errors are configured.
  const double fallback_rate = static_cast<double>(outcomes["fallback"]) / sink.turns.size();
  EXPECT_GT(fallback_rate, 0.02);
  EXPECT_LT(fallback_rate, 0.09);
  EXPECT_EQ(outcomes["error"], 0);
  // Config caching across the 4 workers: every L1 miss either leads a load through L2 or waits
  // for one (single-flight); every L2 miss goes to L3; each worker loads each agent at least once.
  const CacheLevelStats& l1 = out.cache[0];
  const CacheLevelStats& l2 = out.cache[1];
  const CacheLevelStats& l3 = out.cache[2];
  EXPECT_EQ(l1.hits + l1.misses, 300u + out.turns_started);  // session start + every turn
  EXPECT_EQ(l1.misses - l1.coalesced_waits, l2.loads);
  EXPECT_EQ(l2.hits + l2.misses, l2.loads);
  EXPECT_EQ(l2.misses, l3.loads);
  EXPECT_GE(l2.loads, 8u);   // 4 workers x 2 agents
  EXPECT_GE(l3.loads, 2u);   // each agent once at least
  EXPECT_LT(l3.loads, l2.loads);  // L2 saves L3 loads across workers
  EXPECT_GT(static_cast<double>(l1.hits) / static_cast<double>(l1.hits + l1.misses), 0.95);
  EXPECT_EQ(out.isolation_denials, 0u);
  EXPECT_EQ(out.clients.llm_clients_created, 300u);  // one per session, on its first turn
  EXPECT_EQ(out.clients.failures, 0u);
}

// A fingerprint of everything the sink saw.
std::string Fingerprint(const CollectingSink& sink) {
  std::string f;
  for (const TurnRecord& t : sink.turns) {
    f += std::to_string(t.session_id) + "/" + std::to_string(t.turn_index) + ":" +
         std::string(TurnOutcomeName(t.outcome)) + t.reason +
         std::to_string(t.timings.time_to_first_audio_us) + "," +
         std::to_string(t.timings.turn_total_us) + ";";
  }
  for (const SessionRecord& s : sink.sessions) {
    f += s.user_id + s.agent_id + std::to_string(s.ended_at_us) + ";";
  }
  return f;
}

TEST(RunnerTest, SameSeedSameRecordsOtherSeedDifferent) {
  Scenario scenario = DefaultScenario();
  scenario.workload.sessions = 60;
  CollectingSink a, b, c;
  RunScenario(scenario, 42, a, MakeNullLogger());
  RunScenario(scenario, 42, b, MakeNullLogger());
  RunScenario(scenario, 43, c, MakeNullLogger());
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  EXPECT_NE(Fingerprint(a), Fingerprint(c));
}

TEST(RunnerTest, AddingSessionsDoesNotChangeEarlierSessionsDraws) {
  // Streams are forked by session number: session 1..20 plan the same conversations whether
  // the run has 20 or 40 sessions (their timing may differ through shared backends).
  Scenario scenario = DefaultScenario();
  scenario.workload.sessions = 20;
  CollectingSink small;
  RunScenario(scenario, 42, small, MakeNullLogger());
  scenario.workload.sessions = 40;
  CollectingSink large;
  RunScenario(scenario, 42, large, MakeNullLogger());
  std::map<std::uint64_t, std::pair<std::string, int>> plan_small, plan_large;
  for (const SessionRecord& s : small.sessions) plan_small[s.session_id] = {s.agent_id, s.turns_planned};
  for (const SessionRecord& s : large.sessions) {
    if (s.session_id <= 20) plan_large[s.session_id] = {s.agent_id, s.turns_planned};
  }
  EXPECT_EQ(plan_small, plan_large);
}

TEST(RunnerTest, TranscriptSessionsReplayTheirConversationsUserTurns) {
  DiskFileSource files(AGENTSIM_SOURCE_DIR "/scenarios");
  Result<Scenario> scenario = LoadScenario(files, "sgd_replay.json");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().message;
  CollectingSink sink;
  RunOutcome out = RunScenario(*scenario, 7, sink, MakeNullLogger());
  EXPECT_EQ(out.check_failures, 0u);
  ASSERT_EQ(sink.sessions.size(), 128u);
  std::size_t expected_turns = 0;
  for (const Conversation& c : scenario->utterances.conversations) {
    expected_turns += c.user_turns.size();
  }
  EXPECT_EQ(sink.turns.size(), expected_turns);
  std::map<std::uint64_t, std::string> conversation_of;
  for (const SessionRecord& s : sink.sessions) conversation_of[s.session_id] = s.conversation;
  EXPECT_EQ(conversation_of[1], scenario->utterances.conversations[0].id);
  EXPECT_EQ(conversation_of[128], scenario->utterances.conversations[127].id);
  for (const TurnRecord& t : sink.turns) {
    const Conversation& c = scenario->utterances.conversations[t.session_id - 1];
    ASSERT_LT(static_cast<std::size_t>(t.turn_index), c.user_turns.size());
    EXPECT_EQ(t.user_text_bytes, c.user_turns[static_cast<std::size_t>(t.turn_index)].size());
  }
}

}  // namespace
}  // namespace agentsim

namespace agentsim {
namespace {

TEST(RunnerTest, TenantQuotasRefuseOnlyTheFreeTierAtItsLimits) {
  DiskFileSource files(AGENTSIM_SOURCE_DIR "/scenarios");
  Result<Scenario> scenario = LoadScenario(files, "tenant_quotas.json");
  ASSERT_TRUE(scenario.has_value()) << scenario.error().message;
  scenario->workload.sessions = 300;  // reduced size: 5 virtual minutes of arrivals
  EXPECT_EQ(scenario->tenant_tiers.at("corner-shop"), "free");
  EXPECT_EQ(scenario->tiers.at("free").max_sessions, 4);
  EXPECT_EQ(scenario->tiers.at("free").max_llm_calls_per_day, 150);
  EXPECT_EQ(scenario->tiers.at("free").max_agents, 3);  // the seed's, not overridden
  EXPECT_EQ(scenario->tiers.at("pro").max_sessions, 100);
  CollectingSink sink;
  RunOutcome out = RunScenario(*scenario, 11, sink, MakeNullLogger());
  EXPECT_EQ(out.check_failures, 0u);

  std::map<std::string, int> refused_by_tenant, sessions_by_tenant;
  for (const SessionRecord& s : sink.sessions) {
    ++sessions_by_tenant[s.tenant_id];
    if (s.status == "refused") {
      ++refused_by_tenant[s.tenant_id];
      EXPECT_EQ(s.error.rfind("RESOURCE_EXHAUSTED: ", 0), 0u) << s.error;
    }
  }
  EXPECT_GT(refused_by_tenant["corner-shop"], 0);
  EXPECT_EQ(refused_by_tenant["midsize-co"], 0);
  EXPECT_EQ(refused_by_tenant["bigcorp"], 0);
  std::uint64_t quota_errors = 0;
  for (const TurnRecord& t : sink.turns) {
    if (t.reason == "quota_exhausted") {
      ++quota_errors;
      EXPECT_EQ(t.agent_id, "support-free-v1");
      EXPECT_EQ(t.outcome, TurnOutcome::kError);
    }
  }
  // The refusals the quota manager counted are exactly the refused sessions and turns.
  std::map<std::string, std::uint64_t> counted;
  for (const auto& r : out.quota_refusals) counted[r.tenant_id + "/" + r.resource] = r.count;
  EXPECT_EQ(counted.size(), quota_errors > 0 ? 2u : 1u);
  EXPECT_EQ(counted["corner-shop/max_sessions"],
            static_cast<std::uint64_t>(refused_by_tenant["corner-shop"]));
  if (quota_errors > 0) {
    EXPECT_EQ(counted["corner-shop/max_llm_calls_per_day"], quota_errors);
  }
}

}  // namespace
}  // namespace agentsim
