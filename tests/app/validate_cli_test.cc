// End-to-end tests of `agentsim validate FILE...`: every problem of every file, one
// "file:line:col: /pointer: message" line each, then a summary; exit 0 when all files are valid,
// 2 otherwise.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "tests/app/cli_runner.h"

namespace {

using agentsim::testing::CliResult;
using agentsim::testing::RunCli;
using agentsim::testing::RunShell;

using ::testing::HasSubstr;
using ::testing::Not;

std::string TempDir(const std::string& name) {
  return agentsim::testing::FreshDir("validate_", name);
}

constexpr const char* kConfigs = AGENTSIM_SOURCE_DIR "/scenarios/configs";

TEST(ValidateCliTest, ShippedConfigsAreValid) {
  std::string args = "validate";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kConfigs)) {
    if (entry.path().extension() != ".json") continue;
    args += " '" + entry.path().string() + "'";
    ++files;
  }
  ASSERT_GE(files, 6);
  CliResult r = RunCli(args, TempDir("shipped"));
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output, std::to_string(files) + " files valid\n");

  CliResult one = RunCli(std::string("validate '") + kConfigs + "/interview-strict-v1.json'",
                         TempDir("shipped_one"));
  EXPECT_EQ(one.exit_code, 0) << one.output;
  EXPECT_EQ(one.output, "1 file valid\n");
}

// Every kind of problem the validator reports, at known places.
constexpr const char* kBroken =
    "{\n"
    "  \"agent_id\": \"interview-v1\",\n"
    "  \"version\": \"v1.0.0\",\n"
    "  \"tenant_config\": {\"tenant_id\": \"acme-hr\", \"tier\": \"gold\"},\n"
    "  \"prompt_config\": {\"system_prompt\": \"Use Bearer abcdefghijklmnopqrstuvwxyz123456\"},\n"
    "  \"schema_config\": {\"schema_id\": \"s\", \"fields\": [\n"
    "    {\"field_name\": \"system_response\", \"field_type\": \"str\", \"required\": true},\n"
    "    {\"field_name\": \"Score\", \"field_type\": \"int\"},\n"
    "    {\"field_name\": \"lambda\", \"field_type\": \"str\"}]},\n"
    "  \"llm_config\": {\"provider\": \"openai\", \"model\": \"m\", \"temperature\": 2.5,\n"
    "                 \"api_key_env\": \"openai-key\"},\n"
    "  \"tts_config\": {\"provider\": \"openai\", \"voice\": \"onyx\"}\n"
    "}\n";

TEST(ValidateCliTest, BrokenConfigPrintsEveryProblemWithFileLineColumn) {
  const std::string dir = TempDir("broken");
  std::ofstream(dir + "/broken.json") << kBroken;
  CliResult r = RunCli("validate broken.json", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output,
            "broken.json:4:53: /tenant_config/tier: expected one of \"free\", \"pro\", "
            "\"enterprise\", got string \"gold\"\n"
            "broken.json:10:69: /llm_config/temperature: expected a number in [0, 2.0], got "
            "number 2.5\n"
            "broken.json:2:15: /agent_id: expected an agent id <agent-type>-<variant>-v<major> of "
            "lowercase letters, digits and '-' (e.g. \"interview-strict-v1\"), got string "
            "\"interview-v1\" (missing the variant)\n"
            "broken.json:3:14: /version: expected a SemVer 2.0.0 version "
            "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD], got string \"v1.0.0\" (prefix 'v' is not "
            "allowed: a node-semver loose form)\n"
            "broken.json:8:20: /schema_config/fields/1/field_name: expected a snake_case field "
            "name ([a-z][a-z0-9]*(_[a-z0-9]+)*), got string \"Score\"\n"
            "broken.json:9:20: /schema_config/fields/2/field_name: expected a field name that is "
            "not a keyword, got string \"lambda\" (a Python keyword)\n"
            "broken.json:11:33: /llm_config/api_key_env: expected the name of an environment "
            "variable ([A-Z_][A-Z0-9_]*), got a string (value not shown)\n"
            "broken.json:5:38: /prompt_config/system_prompt: expected no inline secret (name an "
            "environment variable in a key ending in _env), got a string that looks like a bearer "
            "token (value not shown)\n"
            "8 problems in 1 file\n");
  EXPECT_THAT(r.output, Not(HasSubstr("abcdefghij")));
}

// A repeated key is reported with the file's other problems (the rest is checked with the
// repeated key's last value), not instead of them.
TEST(ValidateCliTest, RepeatedKeysAreReportedWithTheOtherProblems) {
  const std::string dir = TempDir("repeated");
  std::ifstream in(std::string(kConfigs) + "/interview-strict-v1.json");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // "version" twice (the last one wrong), and "agent_id" twice (the last one right).
  const std::string head = "{\n  \"version\": \"1.0.0\", \"agent_id\": \"x\",";
  ASSERT_EQ(text.rfind("{\n", 0), 0u);
  text.replace(0, 2, head);
  const std::size_t version = text.find("\"version\": \"1.0.0\"", head.size());
  ASSERT_NE(version, std::string::npos);
  text.replace(version, 18, "\"version\": \"1.0\"");
  std::ofstream(dir + "/repeated.json") << text;
  CliResult r = RunCli("validate repeated.json", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  const std::string duplicate =
      ": duplicate key: the object has this key more than once and only the last value would "
      "be used; remove or rename the others\n";
  EXPECT_THAT(r.output, HasSubstr(": /agent_id" + duplicate)) << r.output;
  EXPECT_THAT(r.output, HasSubstr(": /version" + duplicate)) << r.output;
  EXPECT_THAT(r.output, HasSubstr(": /version: expected a SemVer 2.0.0 version")) << r.output;
  EXPECT_THAT(r.output, HasSubstr("\n3 problems in 1 file\n")) << r.output;
}

TEST(ValidateCliTest, ProblemsOfSeveralFilesAreCountedPerFile) {
  const std::string dir = TempDir("several");
  std::ofstream(dir + "/broken.json") << kBroken;
  std::ofstream(dir + "/syntax.json") << "{\"agent_id\": \"x\",\n \"api_key\": \"sk-abc";
  std::filesystem::create_directories(dir + "/folder.json");
  CliResult r = RunCli(std::string("validate syntax.json nothere.json '") + kConfigs +
                           "/support-pro-v1.json' folder.json broken.json",
                       dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output,
              ::testing::StartsWith(
                  "syntax.json:2:20: invalid JSON: syntax error while parsing value - invalid "
                  "string: missing closing quote; last read: (not shown: it may hold a string "
                  "value)\n"
                  "no such file: nothere.json\n"
                  "folder.json: expected a file, found a folder\n"
                  "broken.json:4:53: "));
  EXPECT_THAT(r.output, HasSubstr("\n11 problems in 4 files\n"));
  EXPECT_THAT(r.output, Not(HasSubstr("sk-abc")));
  EXPECT_THAT(r.output, Not(HasSubstr("support-pro-v1.json")));
}

TEST(ValidateCliTest, MissingFileExitsTwo) {
  const std::string dir = TempDir("missing");
  CliResult r = RunCli("validate nothere.json", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_EQ(r.output, "no such file: nothere.json\n1 problem in 1 file\n");
  // Together with a valid file: still 2.
  CliResult mixed =
      RunCli(std::string("validate '") + kConfigs + "/support-free-v1.json' nothere.json", dir);
  EXPECT_EQ(mixed.exit_code, 2) << mixed.output;
  EXPECT_EQ(mixed.output, "no such file: nothere.json\n1 problem in 1 file\n");
}

TEST(ValidateCliTest, NoFilesIsAUsageError) {
  CliResult r = RunCli("validate", TempDir("none"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("files is required"));
}

}  // namespace
