// The shipped routing scenarios, run at reduced size: blue-green rollout and rollback, the
// temperature experiment, hot reload under both policies.
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/log/logger.h"
#include "sim/file_source.h"
#include "sim/runner.h"

namespace agentsim {
namespace {

class CollectingSink final : public RecordSink {
 public:
  void OnTurn(const TurnRecord& t) override { turns.push_back(t); }
  void OnSession(const SessionRecord& s) override { sessions[s.session_id] = s; }
  void OnCheckFailure(const CheckFailure& f) override { failures.push_back(f); }
  std::vector<TurnRecord> turns;
  std::map<std::uint64_t, SessionRecord> sessions;
  std::vector<CheckFailure> failures;
};

Scenario Load(const std::string& file) {
  DiskFileSource files(std::string(AGENTSIM_SOURCE_DIR) + "/scenarios");
  Result<Scenario> s = LoadScenario(files, file);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().message);
  return s ? std::move(*s) : Scenario{};
}

std::vector<std::string> Kinds(const RunOutcome& out, std::string_view source) {
  std::vector<std::string> kinds;
  for (const TimelineRecord& e : out.timeline) {
    if (e.source == source) kinds.push_back(e.kind);
  }
  return kinds;
}

TEST(RoutingRunnerTest, HealthyRolloutCompletesAndInclusionIsMonotone) {
  Scenario s = Load("blue_green_rollout.json");
  CollectingSink sink;
  RunOutcome out = RunScenario(s, 7, sink, MakeNullLogger());
  ASSERT_TRUE(sink.failures.empty()) << sink.failures[0].detail;
  ASSERT_TRUE(out.rollout.has_value());
  EXPECT_EQ(out.rollout->status, RolloutStatus::kCompleted);
  EXPECT_EQ(Kinds(out, "rollout"),
            (std::vector<std::string>{"stage_started", "guardrail_passed", "stage_started",
                                      "guardrail_passed", "stage_started", "guardrail_passed",
                                      "stage_started", "completed"}));
  ASSERT_EQ(out.rollout->evaluations.size(), 3u);
  for (const StageEvaluation& e : out.rollout->evaluations) EXPECT_TRUE(e.passed);
  std::vector<Micros> stage_starts;
  for (const TimelineRecord& r : out.timeline) {
    if (r.kind == "stage_started") stage_starts.push_back(r.at_us);
  }
  EXPECT_EQ(stage_starts,
            (std::vector<Micros>{0, 600'000'000, 1'200'000'000, 1'800'000'000}));
  // Each session's decision is recorded; the share on v2 follows the stages.
  std::vector<std::pair<int, int>> by_stage(4);  // (sessions, on v2)
  std::set<std::string> users_on_v2;
  for (const auto& [id, session] : sink.sessions) {
    EXPECT_EQ(session.route, "rollout");
    EXPECT_EQ(session.route_key, "interview-v2");
    EXPECT_EQ(session.variant, session.agent_id == "interview-agent-v2" ? 1 : 0);
    std::size_t stage = 0;
    while (stage + 1 < stage_starts.size() && session.started_at_us >= stage_starts[stage + 1]) {
      ++stage;
    }
    ++by_stage[stage].first;
    by_stage[stage].second += session.variant;
  }
  const double expected[4] = {0.10, 0.20, 0.50, 1.00};
  for (std::size_t stage = 0; stage < 4; ++stage) {
    const double share = static_cast<double>(by_stage[stage].second) / by_stage[stage].first;
    EXPECT_NEAR(share, expected[stage], 0.05) << "stage " << stage;
  }
  EXPECT_EQ(by_stage[3].second, by_stage[3].first);  // 100%: everyone
}

TEST(RoutingRunnerTest, FaultyV2IsRolledBackAtTheFirstBoundary) {
  Scenario s = Load("blue_green_rollback.json");
  s.workload.sessions = 1000;
  s.workload.min_turns = s.workload.max_turns = 2;
  CollectingSink sink;
  RunOutcome out = RunScenario(s, 7, sink, MakeNullLogger());
  ASSERT_TRUE(sink.failures.empty());
  ASSERT_TRUE(out.rollout.has_value());
  EXPECT_EQ(out.rollout->status, RolloutStatus::kRolledBack);
  EXPECT_EQ(Kinds(out, "rollout"), (std::vector<std::string>{"stage_started", "rolled_back"}));
  ASSERT_EQ(out.rollout->evaluations.size(), 1u);
  const StageEvaluation& e = out.rollout->evaluations[0];
  EXPECT_FALSE(e.passed);
  EXPECT_EQ(e.stage, 0);
  EXPECT_GT(e.new_arm.fallback_rate - e.old_arm.fallback_rate, 0.02);
  // After the rollback every new session is on v1.
  Micros rolled_back_at = -1;
  for (const TimelineRecord& r : out.timeline) {
    if (r.kind == "rolled_back") rolled_back_at = r.at_us;
  }
  ASSERT_GE(rolled_back_at, 600'000'000);
  int after = 0;
  for (const auto& [id, session] : sink.sessions) {
    if (session.started_at_us <= rolled_back_at) continue;
    ++after;
    EXPECT_EQ(session.agent_id, "interview-agent-v1") << id;
  }
  EXPECT_GT(after, 100);
}

TEST(RoutingRunnerTest, ExperimentRecordsEveryAssignmentAndPerUserMetrics) {
  Scenario s = Load("interview_temperature_test.json");
  s.workload.sessions = 400;
  s.workload.min_turns = s.workload.max_turns = 2;
  CollectingSink sink;
  RunOutcome out = RunScenario(s, 11, sink, MakeNullLogger());
  ASSERT_TRUE(sink.failures.empty());
  ASSERT_EQ(out.experiments.size(), 1u);
  const ExperimentOutcome& e = out.experiments[0];
  ASSERT_EQ(e.variants.size(), 2u);
  std::int64_t users[2] = {0, 0};
  for (const auto& [id, session] : sink.sessions) {
    ASSERT_EQ(session.route, "experiment");
    ASSERT_GE(session.variant, 0);
    ++users[session.variant];
    EXPECT_EQ(session.agent_id,
              session.variant == 0 ? "interview-temp07-v1" : "interview-temp09-v1");
    ASSERT_EQ(session.outcomes.size(), 2u);
    EXPECT_EQ(session.outcomes[0].first, "task_completed");
    EXPECT_TRUE(session.outcomes[0].second == 0.0 || session.outcomes[0].second == 1.0);
    EXPECT_EQ(session.feature_flags,
              R"({"enable_auto_scoring":true,"enable_sentiment_analysis":false,"enable_voice_analytics":true})");
  }
  for (int v = 0; v < 2; ++v) {
    EXPECT_EQ(e.variants[v].users, users[v]);
    EXPECT_EQ(e.variants[v].proportions.at("task_completed").trials, users[v]);
    EXPECT_EQ(e.variants[v].proportions.at("session_completed").trials, users[v]);
    EXPECT_EQ(e.variants[v].numeric.at("candidate_rating").count, users[v]);
    EXPECT_EQ(e.variants[v].numeric.at("turn_latency_ms").count, users[v]);
  }
  EXPECT_NEAR(static_cast<double>(users[0]) / 400.0, 0.5, 0.07);
}

TEST(RoutingRunnerTest, HotReloadReachesEveryWorkerAndNoTurnMixesVersions) {
  Scenario s = Load("hot_reload.json");
  s.workload.sessions = 800;
  CollectingSink sink;
  RunOutcome out = RunScenario(s, 5, sink, MakeNullLogger());
  ASSERT_TRUE(sink.failures.empty());
  EXPECT_EQ(Kinds(out, "timeline"), (std::vector<std::string>{"publish_config"}));
  EXPECT_EQ(out.timeline.front().outcome, "ok");
  ASSERT_EQ(out.propagation.size(), 4u);
  std::set<int> workers;
  for (const PropagationRecord& p : out.propagation) {
    workers.insert(p.worker);
    EXPECT_EQ(p.version, "1.1.0");
    // Published through the write path (validation, store latency) right after 4 minutes.
    EXPECT_GE(p.published_at_us, 240'000'000);
    EXPECT_LT(p.published_at_us, 240'100'000);
    // Polls every second at spread phases: each worker applies within a second (+ store and
    // L2 latency), and serves the new version from its next turn of that agent.
    EXPECT_GT(p.applied_at_us, p.published_at_us);
    EXPECT_LT(p.applied_at_us, p.published_at_us + 1'100'000);
    EXPECT_GE(p.first_served_at_us, p.applied_at_us);
    EXPECT_GT(p.sessions_notified, 0u);
  }
  EXPECT_EQ(workers.size(), 4u);
  // Policy next_turn: a turn that starts after its worker applied the change uses 1.1.0; one
  // that ended before the publish used 1.0.0.
  std::map<int, Micros> applied;
  for (const PropagationRecord& p : out.propagation) applied[p.worker] = p.applied_at_us;
  int new_version_turns = 0;
  for (const TurnRecord& t : sink.turns) {
    const int worker = static_cast<int>((t.session_id - 1) % 4);
    const Micros started = t.user_turn_end_us;
    if (started + t.timings.turn_total_us < 240'000'000) {
      EXPECT_EQ(t.config_version, "1.0.0");
    }
    if (started > applied[worker]) {
      EXPECT_EQ(t.config_version, "1.1.0");
    }
    new_version_turns += t.config_version == "1.1.0";
  }
  EXPECT_GT(new_version_turns, 0);
}

TEST(RoutingRunnerTest, UntilReconnectSessionsKeepTheirVersion) {
  Scenario s = Load("hot_reload.json");
  s.workload.sessions = 800;
  s.routing.hot_reload.policy = ConfigReloadPolicy::kUntilReconnect;
  CollectingSink sink;
  RunOutcome out = RunScenario(s, 5, sink, MakeNullLogger());
  ASSERT_TRUE(sink.failures.empty());
  int sessions_on_new = 0;
  for (const TurnRecord& t : sink.turns) {
    const SessionRecord& session = sink.sessions.at(t.session_id);
    EXPECT_EQ(t.config_version, session.config_version);
    EXPECT_EQ(t.timings.config_fetch_us, -1);  // pinned: turns do not fetch
  }
  for (const auto& [id, session] : sink.sessions) sessions_on_new += session.config_version == "1.1.0";
  EXPECT_GT(sessions_on_new, 0);
  for (const PropagationRecord& p : out.propagation) EXPECT_GE(p.first_served_at_us, p.applied_at_us);
}

}  // namespace
}  // namespace agentsim
