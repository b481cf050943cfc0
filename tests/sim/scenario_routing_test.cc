// The routing keys of a scenario: experiments, rollout, outcomes, hot_reload, timeline.
#include "sim/scenario_routing.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim/scenario.h"

namespace agentsim {
namespace {

using ::testing::HasSubstr;

const std::string kConfigs = std::string(AGENTSIM_SOURCE_DIR) + "/scenarios/configs/";

// A scenario with two agents and `extra` members appended.
std::string ScenarioText(const std::string& extra) {
  return R"({"name": "routing", "seed": 3,
  "agents": [{"config": ")" + kConfigs + R"(interview-temp07-v1.json"},
             {"config": ")" + kConfigs + R"(interview-temp09-v1.json", "weight": 0}],
  "workload": {"sessions": 10, "arrival_rate_per_s": 1},
  "utterances": {"source": "corpus", "path": ")" + std::string(AGENTSIM_SOURCE_DIR) +
         R"(/scenarios/corpus/interview_user_turns.json"},
  "secrets": {"OPENAI_API_KEY": "x"})" + extra + "}";
}

Result<Scenario> LoadText(const std::string& name, const std::string& text) {
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "routing_scenarios";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (name + ".json")) << text;
  DiskFileSource files(dir);
  return LoadScenario(files, name + ".json");
}

TEST(ScenarioRoutingTest, ReadsEveryKey) {
  Result<Scenario> s = LoadText("all", ScenarioText(R"(,
  "experiments": [{"key": "temp", "variants": [{"agent_id": "interview-temp07-v1", "weight": 0.4},
                                              {"agent_id": "interview-temp09-v1", "weight": 0.6}],
                   "coverage": 0.8, "namespace": {"id": "ns", "start": 0, "end": 0.5},
                   "hash_seed": "s1"}],
  "rollout": {"id": "r", "old_agent_id": "interview-temp07-v1", "new_agent_id": "interview-temp09-v1",
              "stages": [{"at_s": 0, "percent": 10}, {"at_s": 60, "percent": 100}],
              "guardrails": {"max_fallback_rate_increase": 0.05, "max_error_rate": 0.1,
                             "max_ttfa_p95_ratio": 1.5},
              "min_samples_per_arm": 20},
  "outcomes": [{"name": "done", "type": "proportion", "base_rate": 0.6,
                "effects": {"interview-temp09-v1": 0.03}},
               {"name": "rating", "type": "numeric", "mean": 3.8, "sd": 0.9}],
  "hot_reload": {"watch": false, "policy": "until_reconnect", "poll_interval_ms": 250},
  "timeline": [{"at_s": 30, "disable_config": {"agent_id": "interview-temp07-v1", "version": "1.0.0"}},
               {"at_s": 20, "publish_config": ")" + kConfigs + R"(interview-strict-v1.1.json"}])"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  const RoutingSpec& r = s->routing;
  ASSERT_EQ(r.experiments.size(), 1u);
  EXPECT_EQ(r.experiments[0].key, "temp");
  EXPECT_DOUBLE_EQ(r.experiments[0].variants[1].weight, 0.6);
  EXPECT_DOUBLE_EQ(r.experiments[0].coverage, 0.8);
  ASSERT_TRUE(r.experiments[0].namespace_range.has_value());
  EXPECT_DOUBLE_EQ(r.experiments[0].namespace_range->end, 0.5);
  EXPECT_EQ(r.experiments[0].seed, "s1");
  ASSERT_TRUE(r.rollout.has_value());
  EXPECT_EQ(r.rollout->stages[1].start_us, 60'000'000);
  EXPECT_DOUBLE_EQ(r.rollout->guardrails.max_ttfa_p95_ratio, 1.5);
  EXPECT_EQ(r.rollout->min_samples_per_arm, 20);
  ASSERT_EQ(r.outcomes.size(), 2u);
  EXPECT_EQ(r.outcomes[0].kind, OutcomeMetricSpec::Kind::kProportion);
  EXPECT_DOUBLE_EQ(r.outcomes[0].effects.at("interview-temp09-v1"), 0.03);
  EXPECT_EQ(r.outcomes[1].kind, OutcomeMetricSpec::Kind::kNumeric);
  EXPECT_FALSE(r.hot_reload.watch);
  EXPECT_EQ(r.hot_reload.policy, ConfigReloadPolicy::kUntilReconnect);
  EXPECT_EQ(r.hot_reload.poll_interval_us, 250'000);
  // Sorted by time (ties keep file order).
  ASSERT_EQ(r.timeline.size(), 2u);
  EXPECT_EQ(r.timeline[0].kind, TimelineEventSpec::Kind::kPublishConfig);
  EXPECT_EQ(r.timeline[0].at_us, 20'000'000);
  EXPECT_EQ(r.timeline[0].version, "1.1.0");
  EXPECT_EQ(r.timeline[1].kind, TimelineEventSpec::Kind::kDisableConfig);
  EXPECT_EQ(r.timeline[1].agent_id, "interview-temp07-v1");
}

struct BadRouting {
  std::string name;
  std::string extra;
  std::string expected;  // a line of the error message, after "file:line:col: "
};

void PrintTo(const BadRouting& c, std::ostream* os) { *os << c.name; }

class BadRoutingTest : public ::testing::TestWithParam<BadRouting> {};

TEST_P(BadRoutingTest, IsRefusedWithPointerAndReason) {
  Result<Scenario> s = LoadText(GetParam().name, ScenarioText(GetParam().extra));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(s.error().message, HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadRoutingTest,
    ::testing::Values(
        BadRouting{"experiments_not_array", R"(, "experiments": {})",
                   "/experiments: expected an array of {\"key\", \"variants\", ...}, got an object"},
        BadRouting{"unknown_variant_agent",
                   R"(, "experiments": [{"key": "k", "variants": [{"agent_id": "nope-v1"},
                                                                {"agent_id": "interview-temp09-v1"}]}])",
                   "/experiments/0/variants/0/agent_id: unknown agent_id \"nope-v1\"; expected one "
                   "of the scenario's agents: interview-temp07-v1, interview-temp09-v1"},
        BadRouting{"one_variant",
                   R"(, "experiments": [{"key": "k", "variants": [{"agent_id": "interview-temp09-v1"}]}])",
                   "/experiments/0: "},
        BadRouting{"weights_sum",
                   R"(, "experiments": [{"key": "k", "variants": [{"agent_id": "interview-temp07-v1", "weight": 0.5},
                                                                {"agent_id": "interview-temp09-v1", "weight": 0.6}]}])",
                   "/experiments/0: "},
        BadRouting{"variant_typo",
                   R"(, "experiments": [{"key": "k", "variants": [{"agent": "interview-temp07-v1"},
                                                                {"agent_id": "interview-temp09-v1"}]}])",
                   "/experiments/0/variants/0/agent: unknown key 'agent'; expected one of: agent_id weight"},
        BadRouting{"rollout_last_stage",
                   R"(, "rollout": {"id": "r", "old_agent_id": "interview-temp07-v1",
                       "new_agent_id": "interview-temp09-v1", "stages": [{"at_s": 0, "percent": 10}]})",
                   "/rollout/stages/0/percent: expected 100 in the last stage (the rollout ends on "
                   "the new agent), got 10"},
        BadRouting{"rollout_stage_times_not_increasing",
                   R"(, "rollout": {"id": "r", "old_agent_id": "interview-temp07-v1",
                       "new_agent_id": "interview-temp09-v1",
                       "stages": [{"at_s": 10, "percent": 50}, {"at_s": 5, "percent": 100}]})",
                   "rollout_stage_times_not_increasing.json:8:73: /rollout/stages/1/at_s: expected "
                   "a time after the previous stage's at_s 10, got 5"},
        BadRouting{"rollout_stage_times_within_a_microsecond",
                   R"(, "rollout": {"id": "r", "old_agent_id": "interview-temp07-v1",
                       "new_agent_id": "interview-temp09-v1",
                       "stages": [{"at_s": 0.0000001, "percent": 10}, {"at_s": 2e-7, "percent": 100}]})",
                   "/rollout/stages/1/at_s: expected a time at least 1 µs after the previous "
                   "stage's at_s 0.0000001 (stages start on whole microseconds), got 2e-7"},
        BadRouting{"rollout_percent_shrinks",
                   R"(, "rollout": {"id": "r", "old_agent_id": "interview-temp07-v1",
                       "new_agent_id": "interview-temp09-v1",
                       "stages": [{"at_s": 0, "percent": 50}, {"at_s": 60, "percent": 20.5},
                                  {"at_s": 120, "percent": 100}]})",
                   "/rollout/stages/1/percent: expected at least the previous stage's percent (50): "
                   "a rollout never shrinks, got 20.5"},
        BadRouting{"rollout_percent_zero",
                   R"(, "rollout": {"id": "r", "old_agent_id": "interview-temp07-v1",
                       "new_agent_id": "interview-temp09-v1",
                       "stages": [{"at_s": 0, "percent": 0}, {"at_s": 60, "percent": 100}]})",
                   "/rollout/stages/0/percent: expected a number above 0 up to 100.0, got number 0"},
        BadRouting{"rollout_same_agent",
                   R"(, "rollout": {"id": "r", "old_agent_id": "interview-temp07-v1",
                       "new_agent_id": "interview-temp07-v1", "stages": [{"at_s": 0, "percent": 100}]})",
                   "/rollout: "},
        BadRouting{"rollout_percent",
                   R"(, "rollout": {"id": "r", "old_agent_id": "interview-temp07-v1",
                       "new_agent_id": "interview-temp09-v1", "stages": [{"at_s": 0, "percent": 150}]})",
                   "/rollout/stages/0/percent: "},
        BadRouting{"outcome_type",
                   R"(, "outcomes": [{"name": "x", "type": "ratio", "base_rate": 0.5}])",
                   "/outcomes/0/type: "},
        BadRouting{"outcome_numeric_without_sd",
                   R"(, "outcomes": [{"name": "x", "type": "numeric", "mean": 1}])",
                   "/outcomes/0: missing required key 'sd' (a number)"},
        BadRouting{"outcome_effect_agent",
                   R"(, "outcomes": [{"name": "x", "type": "proportion", "base_rate": 0.5,
                                      "effects": {"nope-v1": 0.1}}])",
                   "/outcomes/0/effects/nope-v1: unknown agent_id; expected one of the "
                   "scenario's agents: interview-temp07-v1, interview-temp09-v1"},
        BadRouting{"outcome_twice",
                   R"(, "outcomes": [{"name": "x", "type": "proportion", "base_rate": 0.5},
                                     {"name": "x", "type": "proportion", "base_rate": 0.5}])",
                   "/outcomes/1/name: outcome \"x\" is defined twice"},
        BadRouting{"policy",
                   R"(, "hot_reload": {"policy": "immediately"})", "/hot_reload/policy: "},
        BadRouting{"timeline_not_array", R"(, "timeline": {})",
                   "timeline_not_array.json:6:51: /timeline: expected an array of {\"at_s\", "
                   "and one of \"publish_config\", \"enable_config\", \"disable_config\", "
                   "\"set_arrival_rate\", \"set_feature_flag\", \"start_outage\", "
                   "\"end_outage\"}, got an object"},
        BadRouting{"timeline_two_actions",
                   R"(, "timeline": [{"at_s": 1, "enable_config": {"agent_id": "a-v1", "version": "1.0.0"},
                                      "disable_config": {"agent_id": "a-v1", "version": "1.0.0"}}])",
                   "/timeline/0: expected exactly one of \"publish_config\" (a config file), "
                   "\"enable_config\" or \"disable_config\" ({\"agent_id\", \"version\"})"},
        BadRouting{"timeline_unknown_target",
                   R"(, "timeline": [{"at_s": 1, "enable_config": {"agent_id": "nope-v1", "version": "1.0.0"}}])",
                   "/timeline/0/enable_config/agent_id: unknown agent_id \"nope-v1\"; expected one "
                   "of the scenario's agents (interview-temp07-v1, interview-temp09-v1) or one the "
                   "timeline publishes before this event"},
        BadRouting{"timeline_missing_file",
                   R"(, "timeline": [{"at_s": 1, "publish_config": "nope.json"}])",
                   "/timeline/0/publish_config: "},
        BadRouting{"top_level_typo",
                   R"(, "workload2": 1)", "/workload2: unknown key 'workload2' (did you mean 'workload'?)"}));

}  // namespace
}  // namespace agentsim
