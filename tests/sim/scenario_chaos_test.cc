// Scenario keys of the fault models added with chaos mode: chaos, backends.room.faults and the
// timeline's start_outage / end_outage (sim/scenario_faults.h, sim/scenario_routing.h).
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

std::string ScenarioText(const std::string& extra) {
  return R"({"name": "chaos-keys", "seed": 3,
  "agents": [{"config": ")" + kConfigs + R"(interview-temp07-v1.json"}],
  "workload": {"sessions": 10, "arrival_rate_per_s": 1},
  "utterances": {"source": "corpus", "path": ")" + std::string(AGENTSIM_SOURCE_DIR) +
         R"(/scenarios/corpus/interview_user_turns.json"},
  "secrets": {"OPENAI_API_KEY": "x"})" + extra + "}";
}

Result<Scenario> LoadText(const std::string& name, const std::string& text) {
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "chaos_scenarios";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / (name + ".json")) << text;
  DiskFileSource files(dir);
  return LoadScenario(files, name + ".json");
}

TEST(ScenarioChaosTest, ReadsChaosRoomFaultsAndOutageActions) {
  Result<Scenario> s = LoadText("all", ScenarioText(R"(,
  "chaos": {"enabled": true, "site_probability": 0.5, "fire_probability": 0.1,
            "sites": ["llm.error", "room.disconnect"], "error_after_ms": 50, "hang_ms": 1000,
            "retry_after_ms": 250, "stall_ms": 700, "slow_ms": 90},
  "backends": {"room": {"faults": {"disconnect_per_publish": 0.01, "session_disconnect_rate": 0.2,
                                   "disconnect_after_ms": {"median": 30000, "p95": 90000}}}},
  "timeline": [{"at_s": 20, "end_outage": {"backend": "llm", "provider": "openai"}},
               {"at_s": 10, "start_outage": {"backend": "llm", "provider": "openai"}},
               {"at_s": 15, "start_outage": {"backend": "shared_cache"}}])"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_TRUE(s->chaos.enabled);
  EXPECT_DOUBLE_EQ(s->chaos.site_probability, 0.5);
  EXPECT_DOUBLE_EQ(s->chaos.fire_probability, 0.1);
  EXPECT_EQ(s->chaos.sites, (std::vector<std::string>{"llm.error", "room.disconnect"}));
  EXPECT_EQ(s->chaos.error_after_us, 50'000);
  EXPECT_EQ(s->chaos.hang_us, 1'000'000);
  EXPECT_EQ(s->chaos.retry_after_us, 250'000);
  EXPECT_EQ(s->chaos.stall_us, 700'000);
  EXPECT_EQ(s->chaos.slow_us, 90'000);
  EXPECT_DOUBLE_EQ(s->room_faults.disconnect_per_publish, 0.01);
  EXPECT_DOUBLE_EQ(s->room_faults.session_disconnect_rate, 0.2);
  EXPECT_DOUBLE_EQ(s->room_faults.disconnect_after_ms.median, 30000);
  const auto& t = s->routing.timeline;
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].at_us, 10'000'000);
  EXPECT_EQ(t[0].kind, TimelineEventSpec::Kind::kStartOutage);
  EXPECT_EQ(t[0].outage_backend, "llm");
  EXPECT_EQ(t[0].outage_provider, "openai");
  EXPECT_EQ(t[1].outage_backend, "shared_cache");
  EXPECT_EQ(t[1].outage_provider, "");
  EXPECT_EQ(t[2].kind, TimelineEventSpec::Kind::kEndOutage);
  EXPECT_EQ(TimelineEventKindName(t[2].kind), "end_outage");
}

TEST(ScenarioChaosTest, DefaultsWhenAbsentAndEnabledWhenPresent) {
  Result<Scenario> none = LoadText("none", ScenarioText(""));
  ASSERT_TRUE(none.has_value()) << none.error().message;
  EXPECT_FALSE(none->chaos.enabled);
  EXPECT_FALSE(none->room_faults.any());
  Result<Scenario> on = LoadText("on", ScenarioText(R"(, "chaos": {})"));
  ASSERT_TRUE(on.has_value()) << on.error().message;
  EXPECT_TRUE(on->chaos.enabled);
  EXPECT_DOUBLE_EQ(on->chaos.site_probability, 0.25);
  EXPECT_DOUBLE_EQ(on->chaos.fire_probability, 0.05);
  EXPECT_TRUE(on->chaos.sites.empty());
}

// An outage may name any provider the scenario calls: an agent's (or a fallback of a config the
// timeline publishes) or one under backends.<llm|tts>.providers.
TEST(ScenarioChaosTest, OutageProvidersComeFromConfigsAndBackends) {
  Result<Scenario> s = LoadText("providers", ScenarioText(R"(,
  "backends": {"llm": {"providers": {"azure": {}}}, "tts": {"providers": {"elevenlabs": {}}}},
  "timeline": [{"at_s": 5, "publish_config": ")" + kConfigs + R"(interview-resilient-v1.json"},
               {"at_s": 1, "start_outage": {"backend": "llm", "provider": "anthropic"}},
               {"at_s": 2, "start_outage": {"backend": "llm", "provider": "azure"}},
               {"at_s": 3, "start_outage": {"backend": "tts", "provider": "elevenlabs"}},
               {"at_s": 4, "end_outage": {"backend": "tts", "provider": "openai"}}])"));
  ASSERT_TRUE(s.has_value()) << s.error().message;
  std::vector<std::string> providers;
  for (const TimelineEventSpec& e : s->routing.timeline) providers.push_back(e.outage_provider);
  EXPECT_EQ(providers,
            (std::vector<std::string>{"anthropic", "azure", "elevenlabs", "openai", ""}));
}

struct BadCase {
  std::string name;
  std::string extra;
  std::string message;
};
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class ScenarioChaosErrorTest : public testing::TestWithParam<BadCase> {};

TEST_P(ScenarioChaosErrorTest, ReportsWhereAndWhat) {
  Result<Scenario> s = LoadText(GetParam().name, ScenarioText(GetParam().extra));
  ASSERT_FALSE(s.has_value());
  EXPECT_THAT(s.error().message, HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(
    Keys, ScenarioChaosErrorTest,
    testing::Values(
        BadCase{"unknown_site", R"(, "chaos": {"sites": ["llm.eror"]})",
                "/chaos/sites/0: expected a chaos site (llm.error, llm.timeout"},
        BadCase{"probability", R"(, "chaos": {"fire_probability": 2})", "/chaos/fire_probability"},
        BadCase{"chaos_key", R"(, "chaos": {"fire_prob": 0.1})", "/chaos"},
        BadCase{"room_key", R"(, "backends": {"room": {"faults": {"disconnect": 1}}})",
                "/backends/room/faults"},
        BadCase{"backend", R"(, "timeline": [{"at_s": 1, "start_outage": {"backend": "db"}}])",
                "/timeline/0/start_outage/backend"},
        BadCase{"store_provider",
                R"(, "timeline": [{"at_s": 1, "start_outage": {"backend": "store", "provider": "x"}}])",
                "expected no provider: the store has none"},
        BadCase{"sites_empty", R"(, "chaos": {"sites": []})",
                "sites_empty.json:5:58: /chaos/sites: expected at least one site name (omit "
                "\"sites\" for every site)"},
        BadCase{"site_twice",
                R"(, "chaos": {"sites": ["llm.error", "room.disconnect", "llm.error"]})",
                "site_twice.json:5:91: /chaos/sites/2: expected each site once, got "
                "\"llm.error\" listed twice (first at /chaos/sites/0)"},
        BadCase{"unknown_llm_provider",
                R"(, "timeline": [{"at_s": 1, "start_outage": {"backend": "llm", "provider": "opneai"}}])",
                "unknown_llm_provider.json:5:111: /timeline/0/start_outage/provider: expected an "
                "llm provider the scenario calls (openai), got \"opneai\" (did you mean "
                "'openai'?)"},
        BadCase{"unknown_tts_provider",
                R"(, "backends": {"tts": {"providers": {"elevenlabs": {}}}},
  "timeline": [{"at_s": 1, "end_outage": {"backend": "tts", "provider": "eleven"}}])",
                "unknown_tts_provider.json:6:73: /timeline/0/end_outage/provider: expected a tts "
                "provider the scenario calls (elevenlabs, openai), got \"eleven\""},
        BadCase{"two_actions",
                R"(, "timeline": [{"at_s": 1, "start_outage": {"backend": "llm"},
                                   "end_outage": {"backend": "llm"}}])",
                "expected exactly one of"}),
    [](const testing::TestParamInfo<BadCase>& p) { return p.param.name; });

}  // namespace
}  // namespace agentsim
