// The routing tables of a report and their summary lines.
#include <gtest/gtest.h>

#include "reports/report_writer.h"
#include "reports/routing_summary.h"
#include "tests/reports/report_test_util.h"

namespace agentsim {
namespace {

using testing_reports::QueryRows;
using testing_reports::TempReportPath;
using Rows = std::vector<std::vector<std::string>>;

RoutingTables SampleTables() {
  RoutingTables t;
  t.timeline = {
      {0, "rollout", "stage_started", "interview-v2", "ok", "stage 1/2 (10%)"},
      {240'034'000, "timeline", "publish_config", "a-v1@1.1.0", "ok", ""},
      {600'000'000, "rollout", "rolled_back", "interview-v2", "ok", "fallback rate +0.9 > +0.02"},
      {900'000'000, "timeline", "disable_config", "a-v1@1.0.0", "not_applied", "ended"}};
  t.propagation = {{1, 0, "a-v1", "1.1.0", 240'034'000, 241'002'000, 241'500'000, 3},
                   {1, 1, "a-v1", "1.1.0", 240'034'000, 240'502'000, std::nullopt, 0}};
  t.experiment_variants = {{"temp", 0, "t07-v1", 0.5, 10}, {"temp", 1, "t09-v1", 0.5, 12}};
  t.experiment_metrics = {{"temp", "task_completed", 0, "proportion", 10, 6, 6},
                          {"temp", "task_completed", 1, "proportion", 12, 9, 9}};
  t.experiment_srm = {{"temp", 0.18181818181818182, 1, 0.6698153575994166, 22, "healthy"}};
  t.experiment_results = {{"temp", "task_completed", 1, "proportion", 10, 12, 0.6, 0.75, 0.15,
                           -0.23, 0.53, 0.43, 0.25, -0.4, 0.9, "ok"}};
  t.rollout_evaluations = {{"interview-v2", 0, 600'000'000, 500, 0.04, 0.0, 2'500'000.5, 55,
                            0.95, 0.0, 2'600'000, false, "fallback rate +0.9 > +0.02"}};
  t.comparisons = {{"fallback_rate", "short", "base", 150, 0.05, 0.44, 0.39, 0.34, 0.45, 0.0,
                    "ok"},
                   {"turns", "short", "base", 1, 4, 4, 0, 0, 0, 1, "no_pairs"}};
  return t;
}

std::string WriteTables(const std::string& name) {
  const std::string path = TempReportPath(name);
  auto writer = ReportWriter::Open(path, testing_reports::SampleRunInfo());
  EXPECT_TRUE(writer.has_value());
  RunStatistics st;
  st.routing = SampleTables();
  EXPECT_TRUE((*writer)->WriteStatistics(st).has_value());
  EXPECT_TRUE((*writer)->Finish(testing_reports::SampleTotals(), testing_reports::SampleWall()));
  return path;
}

TEST(RoutingReportTest, WritesEveryRoutingTable) {
  const std::string path = WriteTables("routing.db");
  EXPECT_EQ(QueryRows(path, "SELECT * FROM timeline_event ORDER BY seq"),
            (Rows{{"1", "0", "rollout", "stage_started", "interview-v2", "ok", "stage 1/2 (10%)"},
                  {"2", "240034000", "timeline", "publish_config", "a-v1@1.1.0", "ok", ""},
                  {"3", "600000000", "rollout", "rolled_back", "interview-v2", "ok",
                   "fallback rate +0.9 > +0.02"},
                  {"4", "900000000", "timeline", "disable_config", "a-v1@1.0.0", "not_applied",
                   "ended"}}));
  EXPECT_EQ(QueryRows(path, "SELECT * FROM config_propagation ORDER BY sequence, worker"),
            (Rows{{"1", "0", "a-v1", "1.1.0", "240034000", "241002000", "241500000", "3"},
                  {"1", "1", "a-v1", "1.1.0", "240034000", "240502000", "NULL", "0"}}));
  EXPECT_EQ(QueryRows(path, "SELECT * FROM experiment_variant ORDER BY variant"),
            (Rows{{"temp", "0", "t07-v1", "0.5", "10"}, {"temp", "1", "t09-v1", "0.5", "12"}}));
  EXPECT_EQ(QueryRows(path, "SELECT * FROM experiment_metric ORDER BY variant"),
            (Rows{{"temp", "task_completed", "0", "proportion", "10", "6.0", "6.0"},
                  {"temp", "task_completed", "1", "proportion", "12", "9.0", "9.0"}}));
  EXPECT_EQ(QueryRows(path, "SELECT experiment, dof, total_users, health FROM experiment_srm"),
            (Rows{{"temp", "1.0", "22", "healthy"}}));
  EXPECT_EQ(QueryRows(path, "SELECT metric, variant, n_control, n_variant, status "
                            "FROM experiment_result"),
            (Rows{{"task_completed", "1", "10", "12", "ok"}}));
  EXPECT_EQ(QueryRows(path, "SELECT rollout_id, stage, at_us, old_outcomes, new_outcomes, "
                            "passed, breaches FROM rollout_evaluation"),
            (Rows{{"interview-v2", "0", "600000000", "500", "55", "0",
                   "fallback rate +0.9 > +0.02"}}));
  EXPECT_EQ(QueryRows(path, "SELECT metric, variant, baseline, pairs, status FROM comparison "
                            "ORDER BY metric"),
            (Rows{{"fallback_rate", "short", "base", "150", "ok"},
                  {"turns", "short", "base", "1", "no_pairs"}}));
}

TEST(RoutingReportTest, SummaryLines) {
  const std::string path = WriteTables("routing_summary.db");
  Result<std::string> text = FormatRoutingSummary(path);
  ASSERT_TRUE(text.has_value()) << text.error().ToString();
  EXPECT_EQ(*text,
            "experiment           temp: 22 users (0: 10, 1: 12), SRM p 0.6698 healthy\n"
            "  task_completed     1 vs 0: 0.7500 vs 0.6000, +0.1500 [-0.2300, +0.5300] p 0.4300, "
            "lift +25.00%\n"
            "rollout              interview-v2: rolled_back at 10m00.000s (fallback rate +0.9 > "
            "+0.02); 2 events in timeline_event\n"
            "hot reload           a-v1@1.1.0 published at 4m00.034s: 2 workers applied within "
            "0.968s, 1 serving it\n"
            "timeline             2 events: 1 not_applied 1 ok\n"
            "paired difference    fallback_rate: short - base over 150 pairs: +0.3900 [+0.3400, "
            "+0.4500] p 0.0000\n"
            "paired difference    turns: short - base over 1 pairs: not computed\n");
}

TEST(RoutingReportTest, ARunWithoutRoutingHasNoSummaryLines) {
  const std::string path = TempReportPath("plain.db");
  testing_reports::WriteRun(path, testing_reports::SampleRun{});
  Result<std::string> text = FormatRoutingSummary(path);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "");
}

}  // namespace
}  // namespace agentsim
