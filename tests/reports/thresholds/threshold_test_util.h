// Shared fixtures for the threshold tests: the sample run of report_test_util.h with session 2
// moved to tenant-b, written with cache statistics, and thresholds parsed from JSON text.
//
// Sample values (see report_test_util.h): time to first audio 400, 500, 900, 1000 ms (turn 2/2 has
// none); turn latency 700, 800, 1200, 1500 ms; 5 turns (2 structured, 2 fallback, 1 error);
// 3 sessions (2 completed, 1 refused); 2 check failures (1 hidden_field_published); cache L1
// 90 hits / 10 misses, L2 3 / 1, L3 0 / 0; virtual duration 7985.12 s.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json/json_document.h"
#include "core/util/strings.h"
#include "reports/thresholds/threshold_parser.h"
#include "tests/reports/report_test_util.h"

namespace agentsim::testing_thresholds {

inline testing_reports::SampleRun ThresholdSampleRun() {
  testing_reports::SampleRun run;
  run.sessions[1].tenant_id = "tenant-b";
  return run;
}

inline RunStatistics ThresholdSampleStatistics() {
  RunStatistics st;
  st.cache_levels = {{.level = "L1", .hits = 90, .misses = 10},
                     {.level = "L2", .hits = 3, .misses = 1},
                     {.level = "L3", .hits = 0, .misses = 0}};
  return st;
}

// Writes the threshold sample run (with statistics) to `path`; fails the test on any error.
inline void WriteThresholdSampleReport(const std::string& path) {
  const testing_reports::SampleRun run = ThresholdSampleRun();
  auto writer = ReportWriter::Open(path, run.info);
  ASSERT_TRUE(writer.has_value()) << writer.error().ToString();
  for (const TurnRecord& turn : run.turns) (*writer)->OnTurn(turn);
  for (const CheckFailure& failure : run.checks) (*writer)->OnCheckFailure(failure);
  for (const SessionRecord& session : run.sessions) (*writer)->OnSession(session);
  auto stats = (*writer)->WriteStatistics(ThresholdSampleStatistics());
  ASSERT_TRUE(stats.has_value()) << stats.error().ToString();
  auto finished = (*writer)->Finish(run.totals, run.wall);
  ASSERT_TRUE(finished.has_value()) << finished.error().ToString();
}

// The thresholds of the JSON object `thresholds`; fails the test on any parse error.
inline std::vector<ThresholdSpec> ParseSpecs(const std::string& thresholds) {
  Result<JsonDocument> doc = JsonDocument::Parse("t.json", "{\"thresholds\": " + thresholds + "}");
  EXPECT_TRUE(doc.has_value()) << doc.error().message;
  if (!doc) return {};
  std::vector<std::string> errors;
  std::vector<ThresholdSpec> specs = ParseThresholds(*doc, "/thresholds", &errors);
  EXPECT_TRUE(errors.empty()) << JoinLines(errors);
  return specs;
}

}  // namespace agentsim::testing_thresholds
