// Reading the workload part of a scenario: executor, population (tenants and tiers),
// distributions for session length and think time, the workload timeline actions, and the
// located errors for each.
#include "sim/workload/workload_json.h"

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/file_source.h"
#include "sim/scenario.h"
#include "sim/workload/timeline_actions.h"

namespace agentsim {
namespace {

// scenario.json from memory; everything else (agent configs, corpora) from scenarios/.
class OneFileSource final : public FileSource {
 public:
  explicit OneFileSource(std::string text)
      : text_(std::move(text)), disk_(std::string(AGENTSIM_SOURCE_DIR) + "/scenarios") {}
  Result<std::string> Read(std::string_view relative) const override {
    if (relative == "scenario.json") return text_;
    return disk_.Read(relative);
  }
  std::string DisplayPath(std::string_view relative) const override {
    return std::string(relative);
  }
  std::optional<std::string> DiskPath(std::string_view relative) const override {
    return disk_.DiskPath(relative);
  }

 private:
  std::string text_;
  DiskFileSource disk_;
};

// A scenario with the two interview agents (tenant acme-hr) and the general support agent
// (globex-support), and `workload` / `extra` spliced in.
std::string ScenarioText(const std::string& workload, const std::string& extra = "") {
  return R"({"name": "t", "agents": [
  {"config": "configs/interview-strict-v1.json"},
  {"config": "configs/interview-friendly-v1.json"},
  {"config": "configs/customer-service-general-v1.json"}],
"utterances": {"source": "corpus", "path": "corpus/interview_user_turns.json"},
"workload": )" + workload + extra + "}";
}

Result<Scenario> LoadText(const std::string& text) {
  OneFileSource files(text);
  return LoadScenario(files, "scenario.json");
}

TEST(WorkloadJsonTest, ReadsExecutorPopulationAndDistributions) {
  Result<Scenario> s = LoadText(ScenarioText(R"({
    "executor": {"type": "constant-arrival-rate", "rate": 30, "time_unit_s": 60,
                 "duration_s": 600, "max_concurrent": 50},
    "population": {"users": 500, "user_ids": "random", "tenants": [
      {"tenant_id": "acme-hr", "tier": "pro", "weight": 3},
      {"tenant_id": "globex-support"}]},
    "turns_per_session": {"type": "uniform", "min": 2, "max": 6},
    "think_time_ms": {"type": "exponential", "mean": 900}})"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  const WorkloadSpec& w = s->workload;
  ASSERT_TRUE(w.executor.has_value());
  const auto& c = std::get<ConstantArrivalRate>(*w.executor);
  EXPECT_EQ(c.rate, 30);
  EXPECT_EQ(c.time_unit_us, 60 * kMicrosPerSecond);
  EXPECT_EQ(c.duration_us, 600 * kMicrosPerSecond);
  EXPECT_EQ(c.max_concurrent, 50);
  EXPECT_EQ(w.users, 500);
  EXPECT_TRUE(s->routing.random_user_ids);
  ASSERT_EQ(w.tenants.size(), 2u);
  EXPECT_EQ(w.tenants[0].weight, 3);
  // The population's tier is the tenant's tier for quotas; without one, the config's.
  EXPECT_EQ(s->tenant_tiers.at("acme-hr"), "pro");
  EXPECT_EQ(s->tenant_tiers.at("globex-support"), "pro");
  ASSERT_TRUE(w.turns_distribution.has_value());
  EXPECT_EQ(w.turns_distribution->Describe(), "uniform(min=2, max=6)");
  ASSERT_TRUE(w.think_time_distribution.has_value());
  EXPECT_EQ(w.think_time_distribution->TypeName(), "exponential");
  EXPECT_EQ(DescribeWorkload(w), "constant-arrival-rate for 10m");
}

TEST(WorkloadJsonTest, OldFormsStayAsTheyWere) {
  Result<Scenario> s = LoadText(ScenarioText(R"({"sessions": 7, "arrival_rate_per_s": 2,
    "users": 3, "user_ids": "random", "turns_per_session": {"min": 2, "max": 3},
    "think_time_ms": {"median": 1000, "p95": 3000}})"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  const WorkloadSpec& w = s->workload;
  EXPECT_FALSE(w.executor.has_value());
  EXPECT_EQ(w.sessions, 7);
  EXPECT_EQ(w.users, 3);
  EXPECT_TRUE(s->routing.random_user_ids);
  EXPECT_EQ(w.min_turns, 2);
  EXPECT_EQ(w.max_turns, 3);
  EXPECT_FALSE(w.turns_distribution.has_value());
  // {median, p95}, with or without "type", is the LogNormalSpec sampled as before.
  EXPECT_FALSE(w.think_time_distribution.has_value());
  EXPECT_EQ(w.think_time_ms.median, 1000);
  EXPECT_EQ(w.think_time_ms.p95, 3000);
  EXPECT_EQ(DescribeWorkload(w), "7 sessions");
  const auto legacy = std::get<ConstantArrivalRate>(EffectiveExecutor(w));
  EXPECT_EQ(legacy.max_sessions, 7);
  EXPECT_EQ(legacy.arrivals, ArrivalProcess::kPoisson);
}

TEST(WorkloadJsonTest, TimelineActionsAreRead) {
  Result<Scenario> s = LoadText(ScenarioText(
      R"({"executor": {"type": "constant-arrival-rate", "rate": 1, "duration_s": 60}})",
      R"(, "timeline": [
        {"at_s": 30, "set_feature_flag": {"agent_id": "interview-strict-v1",
                                          "flag": "enable_voice_analytics", "value": false}},
        {"at_s": 10, "set_arrival_rate": {"rate": 4, "time_unit_s": 2}}])"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  const auto& t = s->routing.timeline;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].kind, TimelineEventSpec::Kind::kSetArrivalRate);
  EXPECT_EQ(t[0].at_us, 10 * kMicrosPerSecond);
  EXPECT_EQ(t[0].arrival_rate, 4);
  EXPECT_EQ(t[0].time_unit_us, 2 * kMicrosPerSecond);
  EXPECT_EQ(t[1].kind, TimelineEventSpec::Kind::kSetFeatureFlag);
  EXPECT_EQ(t[1].agent_id, "interview-strict-v1");
  EXPECT_EQ(t[1].flag, "enable_voice_analytics");
  EXPECT_FALSE(t[1].flag_value);
}

// A flag is accepted when the agent's config lists it or the agent reads it itself
// (enable_sentiment_analysis, enable_voice_analytics), listed or not.
TEST(WorkloadJsonTest, FeatureFlagsOfTheConfigOrReadByTheAgentAreAccepted) {
  Result<Scenario> s = LoadText(ScenarioText(
      R"({"sessions": 5, "arrival_rate_per_s": 1})",
      R"(, "timeline": [
        {"at_s": 1, "set_feature_flag": {"agent_id": "interview-friendly-v1",
                                         "flag": "enable_auto_scoring", "value": true}},
        {"at_s": 2, "set_feature_flag": {"agent_id": "customer-service-general-v1",
                                         "flag": "enable_voice_analytics", "value": true}}])"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  const auto& t = s->routing.timeline;
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(WorkloadTimelineSubject(t[0]), "interview-friendly-v1/enable_auto_scoring");
  EXPECT_EQ(WorkloadTimelineSubject(t[1]), "customer-service-general-v1/enable_voice_analytics");
}

struct ErrorCase {
  std::string name;
  std::string workload;
  std::string extra;
  std::string expected;  // a substring of the error message
};
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class WorkloadJsonErrorTest : public testing::TestWithParam<ErrorCase> {};

TEST_P(WorkloadJsonErrorTest, ReportsTheProblemWithItsLocation) {
  const ErrorCase& c = GetParam();
  Result<Scenario> s = LoadText(ScenarioText(c.workload, c.extra));
  ASSERT_FALSE(s.has_value());
  EXPECT_NE(s.error().message.find(c.expected), std::string::npos) << s.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, WorkloadJsonErrorTest,
    testing::Values(
        ErrorCase{"executor_and_old_keys",
                  R"({"sessions": 5, "executor": {"type": "constant-sessions", "sessions": 2,
                      "duration_s": 10}})",
                  "",
                  "scenario.json:6:26: /workload/sessions: expected either \"executor\" or the "
                  "old \"sessions\" and \"arrival_rate_per_s\", not both"},
        ErrorCase{"unknown_key_did_you_mean", R"({"executr": {}})", "",
                  "/workload/executr: unknown key 'executr' (did you mean 'executor'?)"},
        ErrorCase{"population_and_old_users",
                  R"({"sessions": 5, "arrival_rate_per_s": 1, "users": 3,
                      "population": {"users": 4}})",
                  "", "/workload/users: expected either \"population\" or the old"},
        ErrorCase{"unknown_population_tenant",
                  R"({"sessions": 5, "arrival_rate_per_s": 1,
                      "population": {"tenants": [{"tenant_id": "acme-h"}]}})",
                  "",
                  "/workload/population/tenants/0/tenant_id: unknown tenant \"acme-h\": no agent "
                  "of the scenario belongs to it (did you mean 'acme-hr'?); the agents' tenants "
                  "are acme-hr, globex-support"},
        ErrorCase{"unknown_population_tier",
                  R"({"sessions": 5, "arrival_rate_per_s": 1,
                      "population": {"tenants": [{"tenant_id": "acme-hr", "tier": "gold"}]}})",
                  "",
                  "/workload/population/tenants/0/tier: unknown tier \"gold\"; expected one of "
                  "enterprise, free, pro"},
        ErrorCase{"negative_think_time",
                  R"({"sessions": 5, "arrival_rate_per_s": 1,
                      "think_time_ms": {"type": "truncated_normal", "mean": 5, "sd": 1}})",
                  "", "/workload/think_time_ms"},
        ErrorCase{"rate_change_with_closed_model",
                  R"({"executor": {"type": "constant-sessions", "sessions": 2,
                      "duration_s": 10}})",
                  R"(, "timeline": [{"at_s": 1, "set_arrival_rate": {"rate": 3}}])",
                  "/timeline/0/set_arrival_rate: set_arrival_rate needs an arrival-rate "
                  "executor, but workload.executor is constant-sessions"},
        ErrorCase{"flag_of_unknown_agent",
                  R"({"sessions": 5, "arrival_rate_per_s": 1})",
                  R"(, "timeline": [{"at_s": 1, "set_feature_flag": {"agent_id": "nobody",
                      "flag": "f", "value": true}}])",
                  "/timeline/0/set_feature_flag/agent_id: unknown agent_id \"nobody\""},
        ErrorCase{"flag_unknown_did_you_mean",
                  R"({"sessions": 5, "arrival_rate_per_s": 1})",
                  R"(, "timeline": [{"at_s": 1, "set_feature_flag": {"agent_id":
                      "interview-strict-v1", "flag": "enable_voice_analytcs", "value": false}}])",
                  "scenario.json:7:54: /timeline/0/set_feature_flag/flag: expected a feature "
                  "flag of agent \"interview-strict-v1\" (enable_auto_scoring, "
                  "enable_sentiment_analysis, enable_voice_analytics), got "
                  "\"enable_voice_analytcs\" (did you mean 'enable_voice_analytics'?)"},
        ErrorCase{"flag_unknown_no_hint",
                  R"({"sessions": 5, "arrival_rate_per_s": 1})",
                  R"(, "timeline": [{"at_s": 1, "set_feature_flag": {"agent_id":
                      "customer-service-general-v1", "flag": "enable_auto_scoring",
                      "value": true}}])",
                  "scenario.json:7:62: /timeline/0/set_feature_flag/flag: expected a feature "
                  "flag of agent \"customer-service-general-v1\" (enable_sentiment_analysis, "
                  "enable_voice_analytics), got \"enable_auto_scoring\""},
        ErrorCase{"flag_value_not_bool",
                  R"({"sessions": 5, "arrival_rate_per_s": 1})",
                  R"(, "timeline": [{"at_s": 1, "set_feature_flag": {"agent_id":
                      "interview-strict-v1", "flag": "f", "value": "yes"}}])",
                  "/timeline/0/set_feature_flag/value"}));

}  // namespace
}  // namespace agentsim
