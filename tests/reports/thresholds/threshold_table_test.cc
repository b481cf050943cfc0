#include "reports/thresholds/threshold_table.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

#include "reports/digest.h"
#include "tests/reports/thresholds/threshold_test_util.h"

namespace agentsim {
namespace {

using testing_reports::QueryRows;
using testing_reports::TempReportPath;
using testing_thresholds::ParseSpecs;
using testing_thresholds::WriteThresholdSampleReport;

std::vector<ThresholdResult> Evaluate(const std::string& path) {
  const std::vector<ThresholdSpec> specs = ParseSpecs(R"({
    "time_to_first_audio_ms": ["p(95)<1500"],
    "turn_fallback": [{"threshold": "rate<0.05", "abortOnFail": true, "delayAbortEval": "10s"}],
    "cache_l3_hit": ["rate>0.9"]
  })");
  Result<ThresholdEvaluation> e = EvaluateThresholds(path, specs, MetricScope::kThresholdKeys);
  EXPECT_TRUE(e.has_value()) << e.error().message;
  return e ? e->results : std::vector<ThresholdResult>{};
}

TEST(ThresholdTableTest, WritesOneRowPerThresholdInOrder) {
  const std::string path = TempReportPath("r.db");
  WriteThresholdSampleReport(path);
  const std::vector<ThresholdResult> results = Evaluate(path);
  ASSERT_TRUE(WriteThresholdResultsToReport(path, results).has_value());
  EXPECT_EQ(
      QueryRows(path, "SELECT * FROM threshold ORDER BY seq"),
      (std::vector<std::vector<std::string>>{
          {"1", "cache_l3_hit", "cache_l3_hit", "rate>0.9", "rate", "NULL", "0", "1", "0", "NULL"},
          {"2", "time_to_first_audio_ms", "time_to_first_audio_ms", "p(95)<1500", "p(95)", "985.0",
           "4", "1", "0", "NULL"},
          {"3", "turn_fallback", "turn_fallback", "rate<0.05", "rate", "0.4", "5", "0", "1",
           "10000000"},
      }));
}

TEST(ThresholdTableTest, ReadsBackWhatItWroteAndReplacesOnRewrite) {
  const std::string path = TempReportPath("r.db");
  WriteThresholdSampleReport(path);
  std::vector<ThresholdResult> results = Evaluate(path);
  ASSERT_TRUE(WriteThresholdResultsToReport(path, results).has_value());
  results.pop_back();
  ASSERT_TRUE(WriteThresholdResultsToReport(path, results).has_value());
  auto read = ReadThresholdResults(path);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  ASSERT_TRUE(read->has_value());
  ASSERT_EQ((*read)->size(), 2u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    const ThresholdResult& a = results[i];
    const ThresholdResult& b = (**read)[i];
    EXPECT_EQ(b.metric_key, a.metric_key);
    EXPECT_EQ(b.metric, a.metric);
    EXPECT_EQ(b.expression, a.expression);
    EXPECT_EQ(b.aggregation, a.aggregation);
    EXPECT_EQ(b.observed, a.observed);
    EXPECT_EQ(b.samples, a.samples);
    EXPECT_EQ(b.passed, a.passed);
    EXPECT_EQ(b.abort_on_fail, a.abort_on_fail);
    EXPECT_EQ(b.delay_abort_eval_us, a.delay_abort_eval_us);
  }
}

TEST(ThresholdTableTest, AReportWithoutTheTableHasNoResults) {
  const std::string path = TempReportPath("r.db");
  WriteThresholdSampleReport(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE threshold", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto read = ReadThresholdResults(path);
  ASSERT_TRUE(read.has_value()) << read.error().message;
  EXPECT_FALSE(read->has_value());
  Status write = WriteThresholdResultsToReport(path, {});
  ASSERT_FALSE(write.has_value());
  EXPECT_EQ(write.error().message, path + ": DELETE FROM threshold: no such table: threshold");
}

TEST(ThresholdTableTest, RefusesAFileThatIsNotAReport) {
  const std::string path = TempReportPath("r.db");
  Status write = WriteThresholdResultsToReport(path, {});
  ASSERT_FALSE(write.has_value());
  EXPECT_EQ(write.error().code, ErrorCode::kNotFound);
}

TEST(ThresholdTableTest, TheDigestCoversThresholdResults) {
  const std::string path = TempReportPath("r.db");
  WriteThresholdSampleReport(path);
  const std::string before = ComputeReportDigest(path).value_or("");
  std::vector<ThresholdResult> results = Evaluate(path);
  ASSERT_TRUE(WriteThresholdResultsToReport(path, results).has_value());
  const std::string with_results = ComputeReportDigest(path).value_or("");
  EXPECT_NE(with_results, before);
  results[0].passed = !results[0].passed;
  ASSERT_TRUE(WriteThresholdResultsToReport(path, results).has_value());
  EXPECT_NE(ComputeReportDigest(path).value_or(""), with_results);
  results[0].passed = !results[0].passed;
  ASSERT_TRUE(WriteThresholdResultsToReport(path, results).has_value());
  EXPECT_EQ(ComputeReportDigest(path).value_or(""), with_results);
}

}  // namespace
}  // namespace agentsim
