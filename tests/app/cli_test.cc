// End-to-end tests of the `agentsim` binary: the commands a user runs, their output and exit
// codes.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

struct CliResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs the binary with `args` from the folder `cwd` (shell words, already quoted).
CliResult RunCli(const std::string& args, const std::string& cwd) {
  std::string cmd = "cd '" + cwd + "' && '" AGENTSIM_BINARY "' " + args + " 2>&1";
  CliResult r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.output.append(buf, n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string TempDir(const std::string& name) {
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / ("cli_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string Digest(const std::string& db, const std::string& cwd) {
  CliResult r = RunCli("report '" + db + "' --digest", cwd);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, MatchesRegex("[0-9a-f]{64}\n")) << r.output;
  return r.output;
}

TEST(CliTest, DefaultScenarioRunsFromAnyFolderAndIsDeterministic) {
  const std::string dir = TempDir("default");  // no scenario files here: they are embedded
  CliResult first = RunCli("run --report a.db", dir);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("scenario             default (seed 42)"));
  EXPECT_THAT(first.output, HasSubstr("sessions             300 (300 completed"));
  EXPECT_THAT(first.output, HasSubstr("time to first audio"));
  EXPECT_THAT(first.output, HasSubstr("report               a.db"));
  EXPECT_THAT(first.output, HasSubstr("reproduce            agentsim run --seed 42"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/a.db"));

  CliResult second = RunCli("run --report b.db", dir);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  CliResult other = RunCli("run --seed 7 --report c.db", dir);
  ASSERT_EQ(other.exit_code, 0) << other.output;
  EXPECT_EQ(Digest("a.db", dir), Digest("b.db", dir));
  EXPECT_NE(Digest("a.db", dir), Digest("c.db", dir));

  CliResult summary = RunCli("report a.db", dir);
  EXPECT_EQ(summary.exit_code, 0) << summary.output;
  EXPECT_THAT(summary.output, HasSubstr("sessions             300 (300 completed"));
}

TEST(CliTest, SgdScenarioGivesTheSameReportFromJsonlAndLiveKitFolder) {
  const std::string dir = TempDir("sgd");
  const std::string scenario = AGENTSIM_SOURCE_DIR "/scenarios/sgd_replay.json";
  CliResult jsonl = RunCli("run '" + scenario + "' --report jsonl.db", dir);
  ASSERT_EQ(jsonl.exit_code, 0) << jsonl.output;
  EXPECT_THAT(jsonl.output, HasSubstr("scenario             sgd-replay (seed 7)"));
  EXPECT_THAT(jsonl.output, HasSubstr("sessions             128 (128 completed"));
  CliResult livekit = RunCli("run '" + scenario + "' --report livekit.db --transcripts '" +
                                 AGENTSIM_SHARED_DIR "/data/sgd/sgd_dev_011.livekit'",
                             dir);
  ASSERT_EQ(livekit.exit_code, 0) << livekit.output;
  EXPECT_THAT(livekit.output, HasSubstr("--transcripts"));
  EXPECT_EQ(Digest("jsonl.db", dir), Digest("livekit.db", dir));
  CliResult again = RunCli("run '" + scenario + "' --report again.db", dir);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(Digest("jsonl.db", dir), Digest("again.db", dir));
}

TEST(CliTest, DefaultScenarioAcceptsTranscriptsInPlaceOfTheCorpus) {
  const std::string dir = TempDir("default_transcripts");
  CliResult r = RunCli("run --report t.db --transcripts '" AGENTSIM_SHARED_DIR
                       "/data/sgd/sgd_dev_011.openai.jsonl'",
                       dir);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("sessions             300 (300 completed"));
}

TEST(CliTest, BrokenScenarioExitsTwoNamingFileLineAndColumn) {
  const std::string dir = TempDir("broken");
  std::ofstream(dir + "/broken.json") << "{\n  \"name\": \"x\",\n  \"workload\": {\"sessions\": -1}\n";
  CliResult r = RunCli("run broken.json", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr("agentsim: error: broken.json:4:1: invalid JSON"));

  std::ofstream(dir + "/bad_value.json")
      << "{\n  \"name\": \"x\",\n  \"agents\": [{\"config\": \"missing.json\"}],\n"
         "  \"workload\": {\"sessions\": -1, \"arrival_rate_per_s\": 1},\n"
         "  \"utterances\": {\"source\": \"corpus\", \"path\": \"c.json\"}\n}\n";
  CliResult v = RunCli("run bad_value.json", dir);
  EXPECT_EQ(v.exit_code, 2) << v.output;
  EXPECT_THAT(v.output, HasSubstr("bad_value.json:4:28: /workload/sessions: expected an integer"));
  EXPECT_THAT(v.output, HasSubstr("bad_value.json:3:25: /agents/0/config: no such file:"));
}

TEST(CliTest, BadUsageAndMissingFilesExitTwo) {
  const std::string dir = TempDir("usage");
  EXPECT_EQ(RunCli("run --seed notanumber", dir).exit_code, 2);
  EXPECT_EQ(RunCli("frobnicate", dir).exit_code, 2);
  CliResult missing = RunCli("run nothere.json", dir);
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.output, HasSubstr("no such file: nothere.json"));
  CliResult report = RunCli("report nothere.db", dir);
  EXPECT_EQ(report.exit_code, 2);
  EXPECT_THAT(report.output, HasSubstr("nothere.db"));
  CliResult transcripts = RunCli("run --transcripts nothere.jsonl", dir);
  EXPECT_EQ(transcripts.exit_code, 2);
  EXPECT_THAT(transcripts.output, HasSubstr("--transcripts: "));
}

}  // namespace
