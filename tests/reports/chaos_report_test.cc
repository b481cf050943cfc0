// Chaos mode in the report: table chaos_site, injected_fault.site and the summary's chaos line.
#include <gtest/gtest.h>

#include "reports/report_writer.h"
#include "reports/summary.h"
#include "tests/reports/report_test_util.h"

namespace agentsim {
namespace {

using testing_reports::QueryRows;
using testing_reports::TempReportPath;
using Rows = std::vector<std::vector<std::string>>;

std::string WriteWithChaos(const std::vector<ChaosSiteRow>& sites) {
  const std::string path = TempReportPath("r.db");
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  EXPECT_TRUE(writer.has_value()) << writer.error().ToString();
  RunStatistics statistics;
  statistics.routing.chaos_sites = sites;
  statistics.routing.injected_faults = {{1'000, "llm", "openai", "error", "llm.error"},
                                        {2'000, "room", "session 3", "disconnect", ""}};
  EXPECT_TRUE((*writer)->WriteStatistics(statistics).has_value());
  EXPECT_TRUE((*writer)
                  ->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall())
                  .has_value());
  return path;
}

TEST(ChaosReportTest, WritesSitesFaultSitesAndTheSummaryLine) {
  const std::string path = WriteWithChaos({{"llm.error", true, 1'200, 143},
                                           {"llm.timeout", false, 1'200, 0},
                                           {"room.disconnect", true, 50, 2}});
  EXPECT_EQ(QueryRows(path, "SELECT site, enabled, opportunities, fired FROM chaos_site "
                            "ORDER BY site"),
            (Rows{{"llm.error", "1", "1200", "143"},
                  {"llm.timeout", "0", "1200", "0"},
                  {"room.disconnect", "1", "50", "2"}}));
  EXPECT_EQ(QueryRows(path, "SELECT backend, provider, kind, site FROM injected_fault ORDER BY seq"),
            (Rows{{"llm", "openai", "error", "llm.error"},
                  {"room", "session 3", "disconnect", ""}}));
  auto s = ReadSummary(path);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->chaos_sites, 3);
  EXPECT_EQ(s->chaos_sites_on, 2);
  EXPECT_EQ(s->chaos_fired, 145);
  const std::string text = FormatSummary(*s);
  EXPECT_NE(text.find("chaos                2/3 sites on, 145 faults fired\n"), std::string::npos)
      << text;
}

TEST(ChaosReportTest, NoChaosLineWithoutChaos) {
  auto s = ReadSummary(WriteWithChaos({}));
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->chaos_sites, 0);
  EXPECT_EQ(FormatSummary(*s).find("chaos"), std::string::npos);
}

TEST(ChaosReportTest, TheSessionsLineCountsDisconnectedSessions) {
  const std::string path = TempReportPath("r.db");
  {
    auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
    ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
    (*writer)->OnSession(testing_reports::MakeSession(1, "completed", 3));
    (*writer)->OnSession(testing_reports::MakeSession(2, "disconnected", 1));
    ASSERT_TRUE((*writer)
                    ->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall())
                    .has_value());
  }
  auto s = ReadSummary(path);
  ASSERT_TRUE(s.has_value()) << s.error().ToString();
  EXPECT_EQ(s->sessions_disconnected, 1);
  const std::string text = FormatSummary(*s);
  EXPECT_NE(text.find("sessions             2 (1 completed, 0 refused, 0 error, 1 disconnected)\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace agentsim
