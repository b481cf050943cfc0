// `agentsim compare`: the default scenario under two configs of interview-strict-v1.
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/app/cli_runner.h"

namespace agentsim {
namespace {

using ::agentsim::testing::FreshDir;
using ::agentsim::testing::RunCli;
using ::testing::HasSubstr;

const std::string kScenarios = std::string(AGENTSIM_SOURCE_DIR) + "/scenarios";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// interview-strict-v1 with max_tokens lowered: its structured answers are often cut off.
std::string WriteShortConfig(const std::string& dir) {
  std::string text = ReadFile(kScenarios + "/configs/interview-strict-v1.json");
  text.replace(text.find("\"max_tokens\": 400"), 17, "\"max_tokens\": 40");
  const std::string path = dir + "/strict-short.json";
  std::ofstream(path) << text;
  return path;
}

TEST(CompareCliTest, PairedDifferencesUnderCommonRandomNumbers) {
  const std::string dir = FreshDir("compare_", "paired");
  const std::string variant = WriteShortConfig(dir);
  auto r = RunCli("compare default.json --variant base=configs/interview-strict-v1.json "
                  "--variant short='" + variant + "' --report '" + dir + "/c.db'",
                  kScenarios);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("compare              default (seed 42, 300 sessions per variant; paired: "
                                  "the sessions of interview-strict-v1)"));
  EXPECT_THAT(r.output, HasSubstr("fallback_rate"));
  EXPECT_THAT(r.output, HasSubstr("session_completed"));
  // The same sessions in both runs: the same number of turns, so the counters agree.
  auto counters = RunCli("report '" + dir + "/c.db'", dir);
  EXPECT_THAT(counters.output, HasSubstr("paired difference    fallback_rate: short - base over"));
  // A compare report keeps no session or turn rows: that is not a report missing rows.
  EXPECT_THAT(counters.output, HasSubstr("checks               all passed\n"));
  EXPECT_EQ(counters.exit_code, 0) << counters.output;
}

TEST(CompareCliTest, AConfigAgainstItselfDiffersByExactlyZero) {
  const std::string dir = FreshDir("compare_", "self");
  auto r = RunCli("compare default.json --variant a=configs/interview-strict-v1.json "
                  "--variant b=configs/interview-strict-v1.json --report '" + dir + "/c.db'",
                  kScenarios);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto report = RunCli("report '" + dir + "/c.db'", dir);
  EXPECT_THAT(report.output,
              ::testing::ContainsRegex("paired difference    turn_latency_ms: b - a over 1[0-9][0-9] "
                                       "pairs: \\+0\\.0000 \\[\\+0\\.0000, \\+0\\.0000\\] p 1\\.0000"));
}

// A timeline of outages only (llm_outage.json: openai down from 2 to 4 min) applies to every
// variant alike, so compare accepts it; the outage hits both runs at the same instants.
TEST(CompareCliTest, OutageTimelinesApplyToEveryVariant) {
  const std::string dir = FreshDir("compare_", "outage");
  auto r = RunCli("compare llm_outage.json --variant a=configs/interview-resilient-v1.json "
                  "--variant b=configs/interview-resilient-v1.json --report '" + dir + "/c.db'",
                  kScenarios);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto report = RunCli("report '" + dir + "/c.db'", dir);
  EXPECT_THAT(report.output,
              ::testing::ContainsRegex("paired difference    fallback_rate: b - a over [0-9]+ "
                                       "pairs: \\+0\\.0000 \\[\\+0\\.0000, \\+0\\.0000\\]"));
}

struct BadCompare {
  std::string name;
  std::string args;
  std::string expected;
};

void PrintTo(const BadCompare& c, std::ostream* os) { *os << c.name; }

class CompareBadInputTest : public ::testing::TestWithParam<BadCompare> {};

TEST_P(CompareBadInputTest, ExitsTwoWithAClearMessage) {
  const std::string dir = FreshDir("compare_bad_", GetParam().name);
  auto r = RunCli(GetParam().args + " --report '" + dir + "/c.db'", kScenarios);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CompareBadInputTest,
    ::testing::Values(
        BadCompare{"one_variant", "compare default.json --variant a=configs/interview-strict-v1.json",
                   "agentsim: error: --variant: expected at least 2 variants (NAME=CONFIG), the "
                   "first is the baseline"},
        BadCompare{"no_equals",
                   "compare default.json --variant a --variant b=configs/interview-strict-v1.json",
                   "agentsim: error: --variant \"a\": expected NAME=CONFIG"},
        BadCompare{"bad_name",
                   "compare default.json --variant 'a b=configs/interview-strict-v1.json' "
                   "--variant c=configs/interview-strict-v1.json",
                   "NAME must be 1-64 letters, digits, '_', '.' or '-'"},
        BadCompare{"same_name",
                   "compare default.json --variant a=configs/interview-strict-v1.json "
                   "--variant a=configs/interview-strict-v1.json",
                   "agentsim: error: --variant: the name \"a\" is used twice"},
        BadCompare{"unknown_agent",
                   "compare default.json --variant a=configs/interview-strict-v1.json "
                   "--variant b=configs/support-pro-v1.json",
                   "agentsim: error: --variant b: configs/support-pro-v1.json: agent_id "
                   "\"support-pro-v1\" is none of the scenario's agents (interview-strict-v1, "
                   "interview-friendly-v1); a variant replaces the agent with its agent_id"},
        BadCompare{"timeline_scenario",
                   "compare hot_reload.json --variant a=configs/interview-strict-v1.json "
                   "--variant b=configs/interview-strict-v1.1.json",
                   "agentsim: error: hot_reload.json: compare needs a scenario without "
                   "\"experiments\", \"rollout\" or \"timeline\" actions on agents"},
        BadCompare{"missing_config",
                   "compare default.json --variant a=configs/interview-strict-v1.json "
                   "--variant b=configs/nope.json",
                   "agentsim: error: --variant b: "}));

}  // namespace
}  // namespace agentsim
