// End-to-end tests of thresholds and CI outputs: `agentsim run` with a scenario's thresholds,
// --junit and --summary-export, exit code 99, the reproduce line last, and `agentsim report`.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/app/cli_runner.h"

namespace {

using agentsim::testing::CliResult;
using agentsim::testing::RunCli;
using agentsim::testing::RunShell;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

std::string TempDir(const std::string& name) {
  return agentsim::testing::FreshDir("thresholds_cli_", name);
}

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void Replace(std::string& text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  ASSERT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
}

// Writes `name` in `dir`: the default scenario at 20 sessions, its files named by absolute path,
// with `thresholds` (a JSON object) as its thresholds.
void WriteScenario(const std::string& dir, const std::string& name, const std::string& thresholds) {
  std::string text = FileText(AGENTSIM_SOURCE_DIR "/scenarios/default.json");
  for (const std::string folder : {"configs/", "corpus/"}) {
    for (std::size_t at = 0; (at = text.find("\"" + folder, at)) != std::string::npos;) {
      const std::string absolute = "\"" AGENTSIM_SOURCE_DIR "/scenarios/" + folder;
      text.replace(at, folder.size() + 1, absolute);
      at += absolute.size();
    }
  }
  Replace(text, "\"sessions\": 300", "\"sessions\": 20");
  Replace(text, "\"seed\": 42,", "\"seed\": 42,\n  \"thresholds\": " + thresholds + ",");
  std::ofstream(dir + "/" + name) << text;
}

// Runs the binary with `args` from `dir`, its stdout into dir/stdout.txt; the result's output
// holds stderr only.
CliResult RunToFile(const std::string& args, const std::string& dir) {
  return RunShell("{ '" AGENTSIM_BINARY "' " + args + " > stdout.txt; }", dir);
}

// The last line of `text` (without its newline).
std::string LastLine(const std::string& text) {
  const std::size_t end = text.size() > 0 && text.back() == '\n' ? text.size() - 1 : text.size();
  const std::size_t start = text.rfind('\n', end == 0 ? 0 : end - 1);
  return text.substr(start == std::string::npos ? 0 : start + 1, end - (start + 1));
}

TEST(ThresholdsCliTest, AFailingThresholdExitsNinetyNineAndWritesJUnit) {
  const std::string dir = TempDir("failing");
  WriteScenario(dir, "s.json", R"({
    "turns": ["count<1", "count>0"],
    "time_to_first_audio_ms": ["p(95)<100000"],
    "cache_l1_hit": [{"threshold": "rate>0.5", "abortOnFail": true}]
  })");
  CliResult r = RunToFile(
      "run s.json --report r.db --junit out/junit.xml --summary-export out/summary.json", dir);
  EXPECT_EQ(r.exit_code, 2) << "the output folder does not exist yet: " << r.output;
  EXPECT_THAT(
      r.output,
      HasSubstr("agentsim: error: --summary-export: out/summary.json: no such folder: out"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/r.db"));

  std::filesystem::create_directories(dir + "/out");
  r = RunToFile("run s.json --report r.db --junit out/junit.xml --summary-export out/summary.json",
                dir);
  const std::string out = FileText(dir + "/stdout.txt");
  ASSERT_EQ(r.exit_code, 99) << r.output << out;
  EXPECT_THAT(out, HasSubstr("thresholds           1 of 4 failed\n"
                             "  cache_l1_hit\n"
                             "    \u2713 'rate>0.5' rate="));
  EXPECT_THAT(out, HasSubstr("  time_to_first_audio_ms\n    \u2713 'p(95)<100000' p(95)="));
  EXPECT_THAT(out, MatchesRegex("(.|\n)*  turns\n    \u2717 'count<1' count=[0-9]+\n"
                                "    \u2713 'count>0' count=[0-9]+\n(.|\n)*"));
  EXPECT_THAT(out,
              HasSubstr("FAILED: 1 of 4 thresholds failed (turns); see the threshold table\n"));
  EXPECT_EQ(LastLine(out), "reproduce: " AGENTSIM_BINARY " run s.json --seed 42");

  const std::string junit = FileText(dir + "/out/junit.xml");
  EXPECT_THAT(junit, HasSubstr("<testsuites name=\"agentsim\" tests=\"4\" failures=\"1\">\n"
                               "  <testsuite name=\"agentsim thresholds: default (seed 42)\" "
                               "tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"0\">\n"));
  EXPECT_THAT(junit,
              HasSubstr("<testcase classname=\"agentsim.thresholds\" name=\"turns - "
                        "count&lt;1\">\n      <failure type=\"threshold\" message=\"count="));
  EXPECT_THAT(junit, HasSubstr("<testcase classname=\"agentsim.thresholds\" name=\"turns - "
                               "count&gt;0\"/>\n"));
  EXPECT_THAT(junit, EndsWith("</testsuites>\n"));

  const nlohmann::json summary = nlohmann::json::parse(FileText(dir + "/out/summary.json"));
  EXPECT_EQ(summary["metrics"]["turns"]["type"], "counter");
  EXPECT_EQ(summary["metrics"]["turns"]["thresholds"]["count<1"]["ok"], false);
  EXPECT_EQ(summary["metrics"]["turns"]["thresholds"]["count>0"]["ok"], true);
  EXPECT_EQ(summary["metrics"]["time_to_first_audio_ms"]["contains"], "time");
  EXPECT_GT(summary["metrics"]["time_to_first_audio_ms"]["values"]["p(95)"].get<double>(), 0.0);
  EXPECT_GT(summary["state"]["testRunDurationMs"].get<double>(), 0.0);

  // `agentsim report` shows the stored results and exits as the run did.
  CliResult report = RunCli("report r.db", dir);
  EXPECT_EQ(report.exit_code, 99) << report.output;
  EXPECT_THAT(report.output, HasSubstr("thresholds           1 of 4 failed\n"));
  EXPECT_THAT(report.output, HasSubstr("    \u2717 'count<1' count="));
}

// An output that cannot be written is refused before the run, with the system's reason (a file
// in a folder that is not writable); a FIFO with a reader gets the results (the check must not
// open it: closing it would end the reader's input).
TEST(ThresholdsCliTest, AnUnwritableOutputIsRefusedBeforeTheRunAFifoIsWrittenTo) {
  const std::string dir = TempDir("unwritable");
  WriteScenario(dir, "s.json", R"({"turns": ["count>0"]})");
  CliResult proc = RunCli("run s.json --report r.db --summary-export /proc/1/summary.json", dir);
  EXPECT_EQ(proc.exit_code, 2) << proc.output;
  EXPECT_THAT(proc.output, HasSubstr("agentsim: error: --summary-export: /proc/1/summary.json: "
                                     "cannot create a file in /proc/1: "));
  EXPECT_THAT(proc.output, Not(HasSubstr("agentsim: running")));
  CliResult fifo = RunShell("mkfifo pipe && { cat pipe > got.xml & '" AGENTSIM_BINARY
                            "' run -q s.json --report f.db --junit pipe > /dev/null; rc=$?; wait; exit $rc; }",
                            dir);
  EXPECT_EQ(fifo.exit_code, 0) << fifo.output;
  EXPECT_THAT(FileText(dir + "/got.xml"), HasSubstr("tests=\"1\" failures=\"0\""));
}

// Threshold rows deleted after the run (or never written: a run killed after its totals) do not
// turn a failed run into a pass: the counter "thresholds" says how many there were.
TEST(ThresholdsCliTest, ThresholdRowsDeletedAfterTheRunAreNotAPass) {
  const std::string dir = TempDir("rows_deleted");
  WriteScenario(dir, "s.json", R"({"turns": ["count<1"], "turn_error": ["rate<0.5"]})");
  ASSERT_EQ(RunToFile("run s.json --report r.db", dir).exit_code, 99);
  CliResult stdout_text{0, FileText(dir + "/stdout.txt")};
  EXPECT_THAT(stdout_text.output, HasSubstr("checks               all passed\n"));
  ASSERT_EQ(RunShell("sqlite3 r.db 'DELETE FROM threshold'", dir).exit_code, 0);
  CliResult report = RunCli("report r.db", dir);
  EXPECT_EQ(report.exit_code, 1) << report.output;
  EXPECT_THAT(report.output, HasSubstr("checks               report rows unaccounted: 2 thresholds "
                                       "evaluated, 0 threshold rows (edited or damaged after the "
                                       "run)\n"));
}

TEST(ThresholdsCliTest, PassingThresholdsExitZeroWithTheReproduceLineLast) {
  const std::string dir = TempDir("passing");
  WriteScenario(dir, "s.json", R"({"turns": ["count>0"], "turn_error": ["rate<0.5"]})");
  CliResult r = RunToFile("run s.json --report r.db --junit junit.xml", dir);
  const std::string out = FileText(dir + "/stdout.txt");
  ASSERT_EQ(r.exit_code, 0) << r.output << out;
  EXPECT_THAT(out, HasSubstr("thresholds           all 2 passed\n"));
  EXPECT_THAT(out, HasSubstr("junit                junit.xml\n"));
  EXPECT_THAT(out, Not(HasSubstr("FAILED")));
  EXPECT_EQ(LastLine(out), "reproduce            " AGENTSIM_BINARY " run s.json --seed 42");
  EXPECT_THAT(FileText(dir + "/junit.xml"), HasSubstr("tests=\"2\" failures=\"0\""));
  CliResult report = RunCli("report r.db", dir);
  EXPECT_EQ(report.exit_code, 0) << report.output;
  EXPECT_THAT(report.output, HasSubstr("thresholds           all 2 passed\n"));
}

// An output that names another output or an input is refused before the run, and the file it
// names is left as it was (a --summary-export over the report replaced the report with JSON).
struct SamePathCase {
  const char* name;
  const char* args;     // after "run s.json"
  const char* message;  // after "agentsim: error: "
  const char* kept;     // a file that must keep its bytes, or ""
};

class SameOutputPathTest : public ::testing::TestWithParam<SamePathCase> {};

TEST_P(SameOutputPathTest, IsBadInputAndTouchesNothing) {
  const SamePathCase& c = GetParam();
  const std::string dir = TempDir(c.name);
  WriteScenario(dir, "s.json", R"({"turns": ["count>0"]})");
  std::ofstream(dir + "/old.db") << "not a report, a user's file";
  const std::string before = std::string(c.kept).empty() ? "" : FileText(dir + "/" + c.kept);
  CliResult r = RunCli(std::string("run s.json ") + c.args, dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output, HasSubstr(std::string("agentsim: error: ") + c.message + "\n"));
  EXPECT_THAT(r.output, Not(HasSubstr("agentsim: running")));
  if (!std::string(c.kept).empty()) {
    EXPECT_EQ(FileText(dir + "/" + c.kept), before);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Paths, SameOutputPathTest,
    ::testing::Values(
        SamePathCase{"summary_export_is_the_report", "--report r.db --summary-export r.db",
                     "--summary-export r.db: the same file as --report (each output needs its "
                     "own file)",
                     ""},
        SamePathCase{"junit_is_the_report_spelt_otherwise", "--report r.db --junit ./r.db",
                     "--junit ./r.db: the same file as --report (each output needs its "
                     "own file)",
                     ""},
        SamePathCase{"junit_is_the_summary_export",
                     "--report r.db --summary-export x.json --junit x.json",
                     "--junit x.json: the same file as --summary-export (each output needs its "
                     "own file)",
                     ""},
        SamePathCase{"summary_export_is_the_scenario", "--report r.db --summary-export s.json",
                     "--summary-export s.json: the same file as the scenario (an output must not "
                     "overwrite an input)",
                     "s.json"},
        SamePathCase{"report_is_the_scenario", "--report s.json",
                     "--report s.json: the same file as the scenario (an output must not "
                     "overwrite an input)",
                     "s.json"},
        SamePathCase{"an_existing_file_named_twice", "--report old.db --junit old.db",
                     "--junit old.db: the same file as --report (each output needs its own file)",
                     "old.db"}),
    [](const ::testing::TestParamInfo<SamePathCase>& param_info) {
      return param_info.param.name;
    });

TEST(ThresholdsCliTest, ABadThresholdIsBadInputNamingFileLineAndPointer) {
  const std::string dir = TempDir("bad");
  WriteScenario(dir, "s.json", R"({"turn_fallback": ["p(95)<0.1"]})");
  CliResult r = RunCli("run s.json --report r.db", dir);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_THAT(r.output,
              MatchesRegex("(.|\n)*agentsim: error: s.json:[0-9]+:[0-9]+: "
                           "/thresholds/turn_fallback/0: invalid threshold \"p\\(95\\)<0.1\": "
                           "aggregation p\\(95\\) is not supported by rate metric "
                           "turn_fallback; expected one of: rate\n(.|\n)*"));
}

}  // namespace
