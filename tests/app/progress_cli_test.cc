// Progress on stderr (app/progress.h) and live abortOnFail thresholds in `agentsim run`: the
// printer's pace and text on fake wall clocks, and end to end: no progress lines in a short
// logged run, the same digest with and without progress, an abort at a virtual instant with
// exit 99 and its timeline row.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "app/progress.h"
#include "tests/app/cli_runner.h"

namespace {

using agentsim::app::FormatProgressLine;
using agentsim::app::FormatProgressTime;
using agentsim::app::ProgressPrinter;
using agentsim::testing::CliResult;
using agentsim::testing::RunShell;
using ::testing::HasSubstr;
using ::testing::Not;

// What the printer reads: the fields of sim/runner.h's RunProgress.
struct FakeProgress {
  std::int64_t now_us = 0;
  std::uint64_t sessions_active = 0;
  std::uint64_t sessions_started = 0;
  std::uint64_t turns_recorded = 0;
  double done = -1;
};

struct TimeCase {
  std::int64_t us;
  std::string text;
};

TEST(ProgressFormatTest, VirtualTimeIsTruncatedToTenthsThenMinutesThenHours) {
  const std::vector<TimeCase> cases = {
      {0, "0.0s"},          {99'999, "0.0s"},           {12'345'678, "12.3s"},
      {59'999'999, "59.9s"}, {60'000'000, "1m00.0s"},    {123'456'789, "2m03.4s"},
      {3'599'999'999, "59m59.9s"}, {3'723'000'000, "1h02m03s"}, {-5, "0.0s"},
  };
  for (const TimeCase& c : cases) EXPECT_EQ(FormatProgressTime(c.us), c.text) << c.us;
}

TEST(ProgressFormatTest, LineHasVirtualTimeSessionsTurnsAndShare) {
  EXPECT_EQ(FormatProgressLine(750'000'000, 42, 310, 1234, 0.4167),
            "12m30.0s virtual, 42 sessions active (310 started), 1,234 turns, 41% done");
  EXPECT_EQ(FormatProgressLine(1'000'000, 0, 1'000'000, 0, -1),
            "1.0s virtual, 0 sessions active (1,000,000 started), 0 turns");
}

TEST(ProgressPrinterTest, OnATerminalRewritesOneLineAtMostTenTimesASecond) {
  double wall = 100.0;
  std::ostringstream out;
  ProgressPrinter printer(&out, /*terminal=*/true, [&] { return wall; });
  FakeProgress p{1'000'000, 1, 2, 3, 0.5};
  for (double t : {100.05, 100.11, 100.15, 100.19, 100.25, 100.3}) {
    wall = t;
    p.now_us += 1'000'000;
    printer.Update(p);
  }
  printer.Finish();
  EXPECT_EQ(printer.lines_printed(), 2);  // at 100.11 and 100.25 (100.3 is 0.05 s later)
  EXPECT_EQ(out.str(),
            "\ragentsim: 3.0s virtual, 1 sessions active (2 started), 3 turns, 50% done\x1b[K"
            "\ragentsim: 6.0s virtual, 1 sessions active (2 started), 3 turns, 50% done\x1b[K"
            "\r\x1b[K");
}

TEST(ProgressPrinterTest, InALogPrintsAPlainLineEveryTenSecondsAndNoneForShortRuns) {
  double wall = 0;
  std::ostringstream out;
  ProgressPrinter printer(&out, /*terminal=*/false, [&] { return wall; });
  FakeProgress p{0, 0, 0, 0, -1};
  for (double t : {1.0, 5.0, 9.99, 10.0, 12.0, 25.0, 29.0, 30.5}) {
    wall = t;
    p.now_us = static_cast<std::int64_t>(t * 60e6);  // a minute of virtual time per second
    printer.Update(p);
  }
  printer.Finish();
  EXPECT_EQ(out.str(),
            "agentsim: 10m00.0s virtual, 0 sessions active (0 started), 0 turns\n"
            "agentsim: 25m00.0s virtual, 0 sessions active (0 started), 0 turns\n"
            "agentsim: 30m30.0s virtual, 0 sessions active (0 started), 0 turns\n");

  std::ostringstream short_out;
  ProgressPrinter short_run(&short_out, /*terminal=*/false, [&] { return wall; });
  for (double t : {31.0, 35.0, 40.4}) {
    wall = t;
    short_run.Update(p);
  }
  short_run.Finish();
  EXPECT_EQ(short_out.str(), "");
}

std::string FileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The default scenario in `dir`/s.json with its files by absolute path, `sessions` sessions and
// `thresholds` (a JSON object, or "" for none).
void WriteScenario(const std::string& dir, int sessions, const std::string& thresholds) {
  std::string text = FileText(AGENTSIM_SOURCE_DIR "/scenarios/default.json");
  for (const std::string folder : {"configs/", "corpus/"}) {
    for (std::size_t at = 0; (at = text.find("\"" + folder, at)) != std::string::npos;) {
      const std::string absolute = "\"" AGENTSIM_SOURCE_DIR "/scenarios/" + folder;
      text.replace(at, folder.size() + 1, absolute);
      at += absolute.size();
    }
  }
  const std::string from = "\"sessions\": 300";
  text.replace(text.find(from), from.size(), "\"sessions\": " + std::to_string(sessions));
  if (!thresholds.empty()) {
    const std::string seed = "\"seed\": 42,";
    text.replace(text.find(seed), seed.size(), seed + "\n  \"thresholds\": " + thresholds + ",");
  }
  std::ofstream(dir + "/s.json") << text;
}

// Runs the binary from `dir`; stdout goes to dir/stdout.txt, the result's output is stderr.
CliResult RunCmd(const std::string& args, const std::string& dir) {
  return RunShell("{ '" AGENTSIM_BINARY "' " + args + " > stdout.txt; }", dir);
}

std::string Sql(const std::string& dir, const std::string& db, const std::string& query) {
  CliResult r = RunShell("sqlite3 " + db + " \"" + query + "\"", dir);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return r.output;
}

TEST(ProgressCliTest, ALoggedShortRunPrintsNoProgressAndProgressChangesNoDigest) {
  const std::string dir = agentsim::testing::FreshDir("progress_cli_", "digest");
  WriteScenario(dir, 40, "");
  CliResult with = RunCmd("run s.json --report a.db", dir);
  ASSERT_EQ(with.exit_code, 0) << with.output;
  // stderr is a pipe here and the run takes far less than 10 s: no progress line.
  EXPECT_THAT(with.output, Not(HasSubstr("virtual,")));
  CliResult without = RunCmd("run s.json --report b.db --no-progress", dir);
  ASSERT_EQ(without.exit_code, 0) << without.output;
  CliResult quiet = RunCmd("run s.json --report c.db -q", dir);
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  ASSERT_EQ(RunCmd("report a.db --digest", dir).exit_code, 0);
  const std::string digest_a = FileText(dir + "/stdout.txt");
  ASSERT_EQ(RunCmd("report b.db --digest", dir).exit_code, 0);
  const std::string digest_b = FileText(dir + "/stdout.txt");
  ASSERT_EQ(RunCmd("report c.db --digest", dir).exit_code, 0);
  const std::string digest_c = FileText(dir + "/stdout.txt");
  EXPECT_EQ(digest_a.size(), 65u) << digest_a;
  EXPECT_EQ(digest_a, digest_b);
  EXPECT_EQ(digest_a, digest_c);
}

TEST(ProgressCliTest, AnAbortOnFailThresholdStopsTheRunAfterItsDelayWithExitNinetyNine) {
  const std::string dir = agentsim::testing::FreshDir("progress_cli_", "abort");
  WriteScenario(dir, 300, R"({"turns": [{"threshold": "count<20", "abortOnFail": true,
                                         "delayAbortEval": "2m"}]})");
  CliResult r = RunCmd("run s.json --report r.db", dir);
  const std::string out = FileText(dir + "/stdout.txt");
  EXPECT_EQ(r.exit_code, 99) << r.output << out;
  EXPECT_THAT(out, HasSubstr("ABORTED: at 120.000000s virtual by threshold turns 'count<20' "
                             "count="));
  EXPECT_THAT(out, HasSubstr("reproduce: "));
  EXPECT_EQ(Sql(dir, "r.db",
                "SELECT source, kind, subject, outcome, at_us FROM timeline_event "
                "WHERE kind = 'threshold_abort'"),
            "run|threshold_abort|turns|ok|120000000\n");
  // Every started turn has its row; sessions cut short are "aborted"; none started later.
  EXPECT_EQ(Sql(dir, "r.db", "SELECT turns_started = (SELECT count(*) FROM turn) FROM run"),
            "1\n");
  EXPECT_EQ(Sql(dir, "r.db", "SELECT count(*) FROM check_failure"), "0\n");
  EXPECT_EQ(Sql(dir, "r.db", "SELECT count(*) > 0 FROM session WHERE status = 'aborted'"), "1\n");
  EXPECT_EQ(Sql(dir, "r.db", "SELECT count(*) FROM session WHERE started_at_us > 120000000"),
            "0\n");
  EXPECT_EQ(Sql(dir, "r.db", "SELECT count(*) < 300 FROM session"), "1\n");
}

TEST(ProgressCliTest, AbortOnFailOnACacheRateIsEvaluatedAtTheEndOnly) {
  const std::string dir = agentsim::testing::FreshDir("progress_cli_", "end_only");
  WriteScenario(dir, 20, R"({"cache_l1_hit": [{"threshold": "rate>0.999", "abortOnFail": true}]})");
  CliResult r = RunCmd("run s.json --report r.db", dir);
  EXPECT_THAT(r.output, HasSubstr("agentsim: note: abortOnFail of cache_l1_hit: rate>0.999 is "
                                  "evaluated at the end only"));
  const std::string out = FileText(dir + "/stdout.txt");
  EXPECT_THAT(out, Not(HasSubstr("ABORTED")));
  EXPECT_EQ(Sql(dir, "r.db", "SELECT count(*) FROM timeline_event WHERE kind = 'threshold_abort'"),
            "0\n");
}

}  // namespace
