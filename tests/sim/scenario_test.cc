#include "sim/scenario.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "scenarios/embedded_scenarios.h"

namespace agentsim {
namespace {

TEST(ScenarioTest, EmbeddedDefaultScenarioLoads) {
  EmbeddedFileSource files(embedded::Files());
  Result<Scenario> s = LoadScenario(files, embedded::kDefaultScenario);
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->name, "default");
  EXPECT_EQ(s->seed, 42u);
  EXPECT_EQ(s->source_path, "embedded:default.json");
  ASSERT_EQ(s->agents.size(), 2u);
  EXPECT_EQ(s->agents[0].config->agent_id, "interview-strict-v1");
  EXPECT_EQ(s->agents[1].config->agent_id, "interview-friendly-v1");
  EXPECT_EQ(s->workload.sessions, 300);
  EXPECT_DOUBLE_EQ(s->workload.arrival_rate_per_s, 0.5);
  EXPECT_EQ(s->workload.min_turns, 4);
  EXPECT_EQ(s->workload.max_turns, 10);
  EXPECT_EQ(s->utterances.kind, UtteranceSource::Kind::kCorpus);
  EXPECT_EQ(s->utterances.corpus.stage_names.size(), 4u);
  EXPECT_DOUBLE_EQ(s->llm.malformed_rate, 0.05);
  EXPECT_DOUBLE_EQ(s->llm.ttft_ms.median, 350.0);
  EXPECT_DOUBLE_EQ(s->tts.ttfb_ms.p95, 450.0);
  EXPECT_FALSE(s->response_corpus->For("internal_assessment").empty());
}

TEST(ScenarioTest, SgdScenarioLoadsTheTranscripts) {
  DiskFileSource files(AGENTSIM_SOURCE_DIR "/scenarios");
  Result<Scenario> s = LoadScenario(files, "sgd_replay.json");
  ASSERT_TRUE(s.has_value()) << s.error().message;
  EXPECT_EQ(s->utterances.kind, UtteranceSource::Kind::kTranscripts);
  EXPECT_EQ(s->utterances.conversations.size(), 128u);
  EXPECT_EQ(s->agents[0].config->agent_id, "customer-service-general-v1");
}

class BadScenarioTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    // A folder per test: ctest runs the tests in parallel, and several write pro.json and c.json.
    std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "bad_scenarios" /
                                ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::create_directories(dir);
    dir_ = dir;
    std::ofstream(dir / name) << text;
    return name;
  }
  Error Load(const std::string& name) {
    DiskFileSource files(dir_);
    Result<Scenario> s = LoadScenario(files, name);
    EXPECT_FALSE(s.has_value());
    return s ? Error{} : s.error();
  }
  std::string Path(const std::string& name) { return (dir_ / name).string(); }
  // Writes pro.json (the shipped support-pro-v1 config), c.json (`corpus`) and `name`: a scenario
  // of that one agent, whose line 1 names the agent, then the lines `middle` (each ending in
  // ",\n"), then the workload and the utterances (c.json), a line each.
  std::string WriteOneAgentScenario(
      const std::string& name, const std::string& middle,
      const std::string& corpus = "{\"stages\": [{\"stage\": \"a\", \"utterances\": [\"hi\"]}]}") {
    DiskFileSource shipped(AGENTSIM_SOURCE_DIR "/scenarios/configs");
    Write("pro.json", *shipped.Read("support-pro-v1.json"));
    Write("c.json", corpus);
    return Write(name, "{\"name\": \"x\", \"agents\": [{\"config\": \"pro.json\"}],\n" + middle +
                           " \"workload\": {\"sessions\": 1, \"arrival_rate_per_s\": 1},\n"
                           " \"utterances\": {\"source\": \"corpus\", \"path\": \"c.json\"}}");
  }
  std::filesystem::path dir_;
};

TEST_F(BadScenarioTest, SyntaxErrorNamesFileLineAndColumn) {
  std::string name = Write("syntax.json", "{\n  \"name\": \"x\",\n  \"seed\": 4 2\n}\n");
  Error e = Load(name);
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.message.rfind(Path(name) + ":3:13: invalid JSON:", 0), 0u) << e.message;
}

TEST_F(BadScenarioTest, EveryProblemIsReportedWithLocationAndPointer) {
  std::string name = Write("many.json",
                           "{\n"
                           "  \"name\": \"x\",\n"
                           "  \"sed\": 1,\n"
                           "  \"agents\": [],\n"
                           "  \"workload\": {\"sessions\": 0, \"arrival_rate_per_s\": 1,\n"
                           "               \"think_time_ms\": {\"median\": 900, \"p95\": 100}},\n"
                           "  \"utterances\": {\"source\": \"corpus\"}\n"
                           "}\n");
  Error e = Load(name);
  const std::string p = Path(name);
  EXPECT_EQ(e.message,
            p + ":3:10: /sed: unknown key 'sed' (did you mean 'seed'?)\n" +
            p + ":4:13: /agents: expected a non-empty array of {\"config\": PATH, \"weight\": "
                "NUMBER}\n" +
            p + ":5:28: /workload/sessions: expected an integer from 1 to 100000000, got "
                "number 0\n" +
            p + ":6:56: /workload/think_time_ms/p95: expected p95 >= median (900.0)\n" +
            p + ":7:17: /utterances: missing required key 'path' (a string)");
}

TEST_F(BadScenarioTest, ProblemsInsideAConfigNameTheConfigFile) {
  Write("broken-agent.json", "{\"agent_id\": 5}");
  std::string name = Write("uses-broken.json",
                           "{\"name\": \"x\", \"agents\": [{\"config\": \"broken-agent.json\"}],\n"
                           " \"workload\": {\"sessions\": 1, \"arrival_rate_per_s\": 1},\n"
                           " \"utterances\": {\"source\": \"corpus\", \"path\": \"nope.json\"}}");
  Error e = Load(name);
  EXPECT_NE(e.message.find(Path("broken-agent.json") + ":1:14: /agent_id:"), std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find(Path(name) + ":3:45: /utterances/path: no such file: " +
                           Path("nope.json")),
            std::string::npos)
      << e.message;
}

TEST_F(BadScenarioTest, MissingScenarioFileIsNotFound) {
  Write("placeholder.json", "{}");
  Error e = Load("absent.json");
  EXPECT_EQ(e.code, ErrorCode::kNotFound);
  EXPECT_EQ(e.message, "no such file: " + Path("absent.json"));
}

}  // namespace
}  // namespace agentsim

namespace agentsim {
namespace {

TEST_F(BadScenarioTest, ConfigsAreValidatedAndTenantTiersMustAgree) {
  DiskFileSource shipped(AGENTSIM_SOURCE_DIR "/scenarios/configs");
  std::string pro = *shipped.Read("support-pro-v1.json");
  // The same tenant on another tier in a second config (a new agent_id, same tenant).
  std::string other = pro;
  other.replace(other.find("support-pro-v1"), 14, "support-prox-v1");
  other.replace(other.find("\"tier\": \"pro\""), 13, "\"tier\": \"free\"");
  Write("pro.json", pro);
  Write("other.json", other);
  // An inline secret in a third config.
  std::string leaky = pro;
  leaky.replace(leaky.find("support-pro-v1"), 14, "support-leaky-v1");
  leaky.replace(leaky.find("\"api_key_env\": \"OPENAI_API_KEY\""), 31, "\"api_key\": \"sk-abcdefghijklmnop1234\"");
  Write("leaky.json", leaky);
  std::string name = Write("tiers.json",
                           "{\"name\": \"x\", \"agents\": [{\"config\": \"pro.json\"}, "
                           "{\"config\": \"other.json\"}, {\"config\": \"leaky.json\"}],\n"
                           " \"workload\": {\"sessions\": 1, \"arrival_rate_per_s\": 1},\n"
                           " \"utterances\": {\"source\": \"corpus\", \"path\": \"c.json\"}}");
  Write("c.json", "{\"stages\": [{\"stage\": \"a\", \"utterances\": [\"hi\"]}]}");
  Error e = Load(name);
  EXPECT_NE(e.message.find(Path("leaky.json") + ":"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("/llm_config/api_key"), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("sk-abcdefghijklmnop1234"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find(Path(name) + ":1:25: /agents: tenant midsize-co has tier pro in "
                           "pro.json but free in other.json; set it in \"tenants\""),
            std::string::npos)
      << e.message;
}

// A tenant listed twice in "tenants" would take the last entry's tier silently.
TEST_F(BadScenarioTest, DuplicateTenantIsAnError) {
  std::string name = WriteOneAgentScenario(
      "dup.json",
      " \"tenants\": [{\"tenant_id\": \"midsize-co\", \"tier\": \"enterprise\"},\n"
      "  {\"tenant_id\": \"midsize-co\", \"tier\": \"free\"}],\n");
  Error e = Load(name);
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message.find(Path(name) + ":3:17: /tenants/1/tenant_id: duplicate tenant_id "
                           "\"midsize-co\" (first at /tenants/0)"),
            std::string::npos)
      << e.message;
  // The repeated entry's other problems are reported with it.
  std::string text = *DiskFileSource(dir_).Read("dup.json");
  text.replace(text.find("\"free\""), 6, "\"gold\"");
  Write("dup.json", text);
  e = Load(name);
  EXPECT_NE(e.message.find("/tenants/1/tenant_id: duplicate tenant_id"), std::string::npos)
      << e.message;
  EXPECT_NE(e.message.find("/tenants/1/tier: unknown tier \"gold\""), std::string::npos)
      << e.message;
}

// A problem inside the response corpus is located there and at "response_corpus".
TEST_F(BadScenarioTest, ResponseCorpusErrorsAreLocatedAtTheKey) {
  Write("r.json", "{\"system_response\": [\"ok\", 3]}");
  std::string name = WriteOneAgentScenario("rc.json", " \"response_corpus\": \"r.json\",\n");
  Error e = Load(name);
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message.find(Path(name) + ":2:21: /response_corpus: " + Path("r.json") +
                           ":1:28: /system_response/1: expected a string, got number 3"),
            std::string::npos)
      << e.message;
}

// A problem inside the corpus file is located there and at the scenario key that names it.
TEST_F(BadScenarioTest, CorpusErrorsAreLocatedAtTheUtterancesPath) {
  std::string name = WriteOneAgentScenario("corpus.json", "", "{\"stages\": []}");
  Error e = Load(name);
  EXPECT_EQ(e.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(e.message.find(Path(name) + ":3:45: /utterances/path: " + Path("c.json") + ":1:12: "
                           "/stages: "),
            std::string::npos)
      << e.message;
}

}  // namespace
}  // namespace agentsim
