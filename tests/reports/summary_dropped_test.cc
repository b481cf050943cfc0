// Dropped sessions (status "dropped", docs/workload.md) in the summary: counted from the report
// and shown on the sessions line and a line of their own; absent when nothing was dropped.
#include <gtest/gtest.h>

#include <string>

#include "reports/summary.h"
#include "tests/reports/report_test_util.h"

namespace agentsim {
namespace {

using testing_reports::SampleRun;
using testing_reports::TempReportPath;
using testing_reports::WriteRun;

TEST(SummaryDroppedTest, CountsDroppedSessionsAndShowsTheirShare) {
  SampleRun run;
  const std::size_t before = run.sessions.size();
  for (std::uint64_t i = 0; i < 3; ++i) {
    SessionRecord dropped;
    dropped.session_id = 1000 + i;
    dropped.user_id = "user-00100" + std::to_string(i);
    dropped.route.clear();
    dropped.feature_flags = "{}";
    dropped.status = "dropped";
    dropped.error = "RESOURCE_EXHAUSTED: 2 sessions active, the executor's max_concurrent; "
                    "arrival dropped";
    run.sessions.push_back(dropped);
  }
  const std::string path = TempReportPath("dropped.db");
  WriteRun(path, run);
  auto s = ReadSummary(path);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->sessions_dropped, 3);
  EXPECT_EQ(s->sessions, static_cast<std::int64_t>(before) + 3);
  const std::string text = FormatSummary(*s);
  ASSERT_EQ(before, 3u);  // 2 completed, 1 refused
  EXPECT_NE(text.find("\nsessions             6 (2 completed, 1 refused, 0 error, 3 dropped)\n"
                      "sessions dropped     3 (50.0%)\n"),
            std::string::npos)
      << text;
}

// Sessions a live abortOnFail threshold stopped (status "aborted", docs/thresholds.md).
TEST(SummaryDroppedTest, CountsAbortedSessionsOnTheSessionsLine) {
  SampleRun run;
  for (std::uint64_t i = 0; i < 2; ++i) {
    SessionRecord aborted = run.sessions[0];
    aborted.session_id = 2000 + i;
    aborted.status = "aborted";
    run.sessions.push_back(aborted);
  }
  const std::string path = TempReportPath("aborted.db");
  WriteRun(path, run);
  auto s = ReadSummary(path);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->sessions_aborted, 2);
  EXPECT_EQ(s->sessions_dropped, 0);
  const std::string text = FormatSummary(*s);
  EXPECT_NE(text.find("\nsessions             5 (2 completed, 1 refused, 0 error, 2 aborted)\n"),
            std::string::npos)
      << text;
}

TEST(SummaryDroppedTest, NoLineWithoutDrops) {
  const std::string path = TempReportPath("none.db");
  WriteRun(path, SampleRun{});
  auto s = ReadSummary(path);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->sessions_dropped, 0);
  const std::string text = FormatSummary(*s);
  EXPECT_EQ(text.find("dropped"), std::string::npos) << text;
}

}  // namespace
}  // namespace agentsim
