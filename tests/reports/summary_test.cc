#include "reports/summary.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "tests/reports/report_test_util.h"

namespace agentsim {
namespace {

using testing_reports::SampleRun;
using testing_reports::TempReportPath;
using testing_reports::WriteRun;

Summary ReadSample(const SampleRun& run) {
  const std::string path = TempReportPath("r.db");
  WriteRun(path, run);
  auto summary = ReadSummary(path);
  EXPECT_TRUE(summary.has_value()) << summary.error().ToString();
  return summary.value_or(Summary{});
}

TEST(SummaryTest, ReadsExactCounts) {
  const Summary s = ReadSample(SampleRun{});
  EXPECT_EQ(s.scenario_name, "default");
  EXPECT_EQ(s.seed, "42");
  EXPECT_EQ(s.sessions, 3);
  EXPECT_EQ(s.sessions_completed, 2);
  EXPECT_EQ(s.sessions_refused, 1);
  EXPECT_EQ(s.sessions_error, 0);
  EXPECT_EQ(s.turns, 5);
  EXPECT_EQ(s.turns_structured, 2);
  EXPECT_EQ(s.turns_fallback, 2);
  EXPECT_EQ(s.turns_error, 1);
  EXPECT_DOUBLE_EQ(s.fallback_rate, 0.4);
  EXPECT_TRUE(s.finished);
  EXPECT_EQ(s.virtual_duration_us, 7'985'120'000);
  EXPECT_TRUE(s.has_wall_time);
  EXPECT_DOUBLE_EQ(s.wall_time_ms, 840.0);
  EXPECT_EQ(s.check_failures, 2);
  const std::vector<std::pair<std::string, std::int64_t>> reasons = {
      {"llm_error", 1}, {"not_json", 1}, {"validation_failed", 1}};
  EXPECT_EQ(s.reasons, reasons);
}

TEST(SummaryTest, PercentilesSkipStagesThatDidNotRun) {
  const Summary s = ReadSample(SampleRun{});
  // Time to first audio 400, 500, 900, 1000 ms (the error turn is NULL): k6 ranks 1.5, 2.85, 2.97.
  EXPECT_EQ(s.time_to_first_audio.count, 4);
  EXPECT_DOUBLE_EQ(s.time_to_first_audio.p50_ms, 700.0);
  EXPECT_DOUBLE_EQ(s.time_to_first_audio.p95_ms, 985.0);
  EXPECT_DOUBLE_EQ(s.time_to_first_audio.p99_ms, 997.0);
  // Turn latency 700, 800, 1200, 1500 ms.
  EXPECT_EQ(s.turn_latency.count, 4);
  EXPECT_DOUBLE_EQ(s.turn_latency.p50_ms, 1000.0);
  EXPECT_DOUBLE_EQ(s.turn_latency.p95_ms, 1455.0);
  EXPECT_DOUBLE_EQ(s.turn_latency.p99_ms, 1491.0);
}

// The writer's tally of the turn rows it wrote gives the summary a scan of the turn table gives.
TEST(SummaryTest, TheWritersTallyEqualsTheTurnTableScan) {
  const SampleRun run;
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, run.info);
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  for (const TurnRecord& turn : run.turns) (*writer)->OnTurn(turn);
  for (const CheckFailure& failure : run.checks) (*writer)->OnCheckFailure(failure);
  for (const SessionRecord& session : run.sessions) (*writer)->OnSession(session);
  ASSERT_TRUE((*writer)->Finish(run.totals, run.wall).has_value());
  auto tallied = ReadSummary(path, &(*writer)->row_tally());
  ASSERT_TRUE(tallied.has_value()) << tallied.error().ToString();
  const Summary scanned = ReadSample(run);
  EXPECT_EQ(tallied->turns, 5);
  EXPECT_EQ(tallied->turns_fallback, 2);
  EXPECT_EQ(tallied->time_to_first_audio.count, 4);
  EXPECT_DOUBLE_EQ(tallied->turn_latency.p95_ms, 1455.0);
  EXPECT_EQ(tallied->reasons, scanned.reasons);
  EXPECT_EQ(FormatSummary(*tallied), FormatSummary(scanned));
}

TEST(SummaryTest, FormatsTheSampleRun) {
  EXPECT_EQ(FormatSummary(ReadSample(SampleRun{})),
            "scenario             default (seed 42)\n"
            "sessions             3 (2 completed, 1 refused, 0 error)\n"
            "turns                5: 2 structured, 2 fallback (40.00%), 1 error\n"
            "reasons              llm_error 1, not_json 1, validation_failed 1\n"
            "time to first audio  p50 700.0 ms  p95 985.0 ms  p99 997.0 ms\n"
            "turn latency         p50 1000.0 ms  p95 1455.0 ms  p99 1491.0 ms\n"
            "virtual time         2h 13m 05.120s    wall time 0.84 s (9,506x)\n"
            "checks               2 failed (see table check_failure)\n");
}

// The scenario's name is its author's text: a control character in it is shown escaped.
TEST(SummaryTest, ControlCharactersInTheScenarioNameAreEscaped) {
  Summary s = ReadSample(SampleRun{});
  s.scenario_name = "\x1b[31mred\x7f";
  const std::string text = FormatSummary(s);
  EXPECT_EQ(text.substr(0, text.find('\n') + 1),
            "scenario             <U+001B>[31mred<U+007F> (seed 42)\n");
}

TEST(SummaryTest, EmptyRunHasZeroRatesAndNoSamples) {
  SampleRun run;
  run.turns.clear();
  run.sessions.clear();
  run.checks.clear();
  run.totals.sessions_started = 0;
  run.totals.turns_started = 0;
  const Summary s = ReadSample(run);
  EXPECT_EQ(s.turns, 0);
  EXPECT_DOUBLE_EQ(s.fallback_rate, 0.0);
  EXPECT_EQ(s.time_to_first_audio.count, 0);
  EXPECT_DOUBLE_EQ(s.time_to_first_audio.p95_ms, 0.0);
  EXPECT_TRUE(s.reasons.empty());
  const std::string text = FormatSummary(s);
  EXPECT_NE(text.find("turns                0: 0 structured, 0 fallback (0.00%), 0 error\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("reasons"), std::string::npos) << text;
  EXPECT_NE(text.find("time to first audio  no samples\n"), std::string::npos) << text;
  EXPECT_NE(text.find("checks               all passed\n"), std::string::npos) << text;
}

TEST(SummaryTest, UnfinishedRunSaysSo) {
  const std::string path = TempReportPath("r.db");
  {
    auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    (*writer)->OnTurn(testing_reports::SampleTurns()[0]);
  }
  auto s = ReadSummary(path);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_FALSE(s->finished);
  EXPECT_FALSE(s->has_wall_time);
  EXPECT_EQ(s->turns, 1);
  EXPECT_NE(FormatSummary(*s).find("virtual time         unknown (run not finished)\n"),
            std::string::npos)
      << FormatSummary(*s);
}

TEST(SummaryTest, UnfinishedRunIsNeverAPass) {
  // A killed run has no check failures recorded yet: its checks line must not say "all passed".
  const std::string path = TempReportPath("r.db");
  {
    auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    (*writer)->OnTurn(testing_reports::SampleTurns()[0]);
  }
  auto s = ReadSummary(path);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  const std::string text = FormatSummary(*s);
  EXPECT_NE(text.find("checks               unknown: the run did not finish\n"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("all passed"), std::string::npos) << text;

  Summary failed = *s;
  failed.check_failures = 2;
  EXPECT_NE(FormatSummary(failed).find("checks               2 failed (see table check_failure); "
                                       "the run did not finish\n"),
            std::string::npos)
      << FormatSummary(failed);
}

struct UnaccountedCase {
  std::string name;
  bool finished;
  bool compare;
  std::int64_t sessions, sessions_dropped, sessions_started, turns, turns_started;
  std::string expected;
};

void PrintTo(const UnaccountedCase& c, std::ostream* os) { *os << c.name; }

class RowsUnaccountedTest : public testing::TestWithParam<UnaccountedCase> {};

// The run row's totals against the rows: every started turn has a turn row, every started session
// a session row; dropped arrivals have a row but never start.
TEST_P(RowsUnaccountedTest, ComparesRowsWithTheRunTotals) {
  const UnaccountedCase& c = GetParam();
  Summary s;
  s.finished = c.finished;
  s.compare = c.compare;
  s.sessions = c.sessions;
  s.sessions_dropped = c.sessions_dropped;
  s.sessions_started = c.sessions_started;
  s.turns = c.turns;
  s.turns_started = c.turns_started;
  EXPECT_EQ(RowsUnaccounted(s), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RowsUnaccountedTest,
    testing::Values(
        UnaccountedCase{"all_accounted", true, false, 300, 0, 300, 2091, 2091, ""},
        UnaccountedCase{"dropped_arrivals_never_start", true, false, 900, 511, 389, 2672, 2672, ""},
        UnaccountedCase{"unfinished_totals_unknown", false, false, 3, 0, 0, 5, 0, ""},
        UnaccountedCase{"compare_report_keeps_no_rows", true, true, 0, 0, 600, 0, 4150, ""},
        UnaccountedCase{"turn_rows_deleted", true, false, 300, 0, 300, 2000, 2091,
                        "2091 turns started, 2000 turn rows"},
        UnaccountedCase{"turn_rows_added", true, false, 300, 0, 300, 2092, 2091,
                        "2091 turns started, 2092 turn rows"},
        UnaccountedCase{"session_rows_deleted", true, false, 299, 0, 300, 2091, 2091,
                        "300 sessions started, 299 session rows"},
        UnaccountedCase{"singular", true, false, 1, 0, 1, 1, 2, "2 turns started, 1 turn row"},
        UnaccountedCase{"both_with_drops", true, false, 899, 511, 389, 2671, 2672,
                        "389 sessions started, 388 session rows besides the dropped arrivals, "
                        "2672 turns started, 2671 turn rows"}),
    [](const testing::TestParamInfo<UnaccountedCase>& param_info) { return param_info.param.name; });

// The threshold table against the counter "thresholds" (present only for scenarios with
// thresholds).
TEST(SummaryTest, ThresholdRowsAreCheckedAgainstTheirCounter) {
  Summary s;
  s.finished = true;
  EXPECT_EQ(RowsUnaccounted(s), "");  // no counter: a scenario without thresholds
  s.thresholds_evaluated = 3;
  EXPECT_EQ(RowsUnaccounted(s), "3 thresholds evaluated, 0 threshold rows");
  s.threshold_rows = 3;
  EXPECT_EQ(RowsUnaccounted(s), "");
  s.thresholds_evaluated = 1;
  s.threshold_rows = 0;
  EXPECT_EQ(RowsUnaccounted(s), "1 threshold evaluated, 0 threshold rows");
  s.turns_started = 2;
  EXPECT_EQ(RowsUnaccounted(s), "2 turns started, 0 turn rows, 1 threshold evaluated, 0 threshold rows");
}

// Dropped arrivals never start, so the run row does not count them: the counter
// "sessions_dropped" (scenarios with an executor) does.
TEST(SummaryTest, DroppedSessionRowsAreCheckedAgainstTheirCounter) {
  Summary s;
  s.finished = true;
  s.sessions = 900;
  s.sessions_dropped = 511;
  s.sessions_started = 389;
  EXPECT_EQ(RowsUnaccounted(s), "");  // no counter: a scenario without an executor
  s.sessions_dropped_counted = 511;
  EXPECT_EQ(RowsUnaccounted(s), "");
  s.sessions_dropped = 510;
  s.sessions = 899;
  EXPECT_EQ(RowsUnaccounted(s), "511 sessions dropped, 510 dropped session rows");
}

// Turn rows deleted from a finished report: the checks line says so instead of "all passed".
TEST(SummaryTest, RowsDeletedAfterTheRunAreNotAPass) {
  SampleRun run;
  run.checks.clear();
  run.turns.pop_back();
  const Summary s = ReadSample(run);
  EXPECT_EQ(s.turns, 4);
  EXPECT_EQ(s.turns_started, 5);
  EXPECT_EQ(s.sessions_started, 3);
  const std::string text = FormatSummary(s);
  EXPECT_NE(text.find("checks               report rows unaccounted: 5 turns started, 4 turn "
                      "rows (edited or damaged after the run)\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("all passed"), std::string::npos) << text;

  Summary failed = s;
  failed.check_failures = 2;
  EXPECT_NE(FormatSummary(failed).find("checks               2 failed (see table check_failure); "
                                       "report rows unaccounted: 5 turns started, 4 turn rows "
                                       "(edited or damaged after the run)\n"),
            std::string::npos)
      << FormatSummary(failed);
}

struct TimeCase {
  Micros virtual_us;
  double wall_ms;
  std::string expected_line;
};

void PrintTo(const TimeCase& c, std::ostream* os) { *os << c.expected_line; }

class SummaryTimeTest : public testing::TestWithParam<TimeCase> {};

TEST_P(SummaryTimeTest, FormatsVirtualAndWallTime) {
  Summary s;
  s.finished = true;
  s.virtual_duration_us = GetParam().virtual_us;
  s.has_wall_time = GetParam().wall_ms >= 0;
  s.wall_time_ms = GetParam().wall_ms;
  const std::string text = FormatSummary(s);
  EXPECT_NE(text.find("\nvirtual time         " + GetParam().expected_line + "\n"),
            std::string::npos)
      << text;
}

INSTANTIATE_TEST_SUITE_P(
    Times, SummaryTimeTest,
    testing::Values(TimeCase{0, -1, "0.000s"}, TimeCase{5'120'999, -1, "5.120s"},
                    TimeCase{65'120'000, -1, "1m 05.120s"},
                    TimeCase{7'985'120'000, -1, "2h 13m 05.120s"},
                    TimeCase{36'000'000'000, -1, "10h 00m 00.000s"},
                    TimeCase{5'000'000, 2000.0, "5.000s    wall time 2.00 s (2.5x)"},
                    TimeCase{3'600'000'000, 400.0, "1h 00m 00.000s    wall time 0.40 s (9,000x)"},
                    TimeCase{3'600'000'000, 0.0, "1h 00m 00.000s    wall time 0.00 s"}));

TEST(SummaryTest, MissingReportIsNotFoundAndNamesThePath) {
  const std::string path = TempReportPath("missing.db");
  auto s = ReadSummary(path);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, ErrorCode::kNotFound);
  EXPECT_NE(s.error().message.find(path), std::string::npos) << s.error().message;
}

}  // namespace
}  // namespace agentsim
