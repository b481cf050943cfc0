#include "reports/thresholds/threshold_evaluator.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tests/reports/thresholds/threshold_test_util.h"

namespace agentsim {
namespace {

using testing_reports::TempReportPath;
using testing_thresholds::ParseSpecs;
using testing_thresholds::WriteThresholdSampleReport;

struct EvalCase {
  std::string metric_key;
  std::string expression;
  std::optional<double> observed;  // nullopt: not evaluated
  std::int64_t samples = 0;
  bool passed = true;
};
void PrintTo(const EvalCase& c, std::ostream* os) { *os << c.metric_key << " " << c.expression; }

class ThresholdEvaluatorTest : public testing::TestWithParam<EvalCase> {};

TEST_P(ThresholdEvaluatorTest, ObservesAsK6AtTheEndOfATest) {
  const EvalCase& c = GetParam();
  const std::string path = TempReportPath("r.db");
  WriteThresholdSampleReport(path);
  const std::vector<ThresholdSpec> specs =
      ParseSpecs("{\"" + c.metric_key + "\": [\"" + c.expression + "\"]}");
  ASSERT_EQ(specs.size(), 1u);
  Result<ThresholdEvaluation> e = EvaluateThresholds(path, specs, MetricScope::kThresholdKeys);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  ASSERT_EQ(e->results.size(), 1u);
  const ThresholdResult& r = e->results[0];
  EXPECT_EQ(r.metric_key, c.metric_key);
  EXPECT_EQ(r.expression, c.expression);
  EXPECT_EQ(r.observed.has_value(), c.observed.has_value());
  if (r.observed && c.observed) {
    EXPECT_NEAR(*r.observed, *c.observed, 1e-9);
  }
  EXPECT_EQ(r.samples, c.samples);
  EXPECT_EQ(r.passed, c.passed);
  EXPECT_EQ(e->failed(), c.passed ? 0 : 1);
  EXPECT_EQ(e->virtual_duration_us, 7'985'120'000);
}

INSTANTIATE_TEST_SUITE_P(
    Trends, ThresholdEvaluatorTest,
    testing::Values(
        // Time to first audio 400, 500, 900, 1000 ms: k6's percentile i = p (n - 1).
        EvalCase{"time_to_first_audio_ms", "p(95)<1500", 985.0, 4, true},
        EvalCase{"time_to_first_audio_ms", "p(99.9)<1000", 999.7, 4, true},
        EvalCase{"time_to_first_audio_ms", "avg<=700", 700.0, 4, true},
        EvalCase{"time_to_first_audio_ms", "min>400", 400.0, 4, false},
        EvalCase{"time_to_first_audio_ms", "max===1000", 1000.0, 4, true},
        EvalCase{"time_to_first_audio_ms", "med!=700", 700.0, 4, false},
        EvalCase{"turn_duration_ms", "p(95)<1500", 1455.0, 4, true},
        EvalCase{"config_fetch_ms", "avg<1", 0.1, 5, true},
        EvalCase{"llm_ttft_ms", "p(50)==300", 300.0, 4, true},
        EvalCase{"llm_duration_ms", "max<600", 600.0, 4, false},
        EvalCase{"tts_ttfb_ms", "min>=80", 80.0, 4, true},
        EvalCase{"time_to_first_audio_ms{outcome:fallback}", "p(95)<990", 995.0, 2, false},
        // A trend without samples reads 0 and is evaluated.
        EvalCase{"time_to_first_audio_ms{agent_id:nobody}", "p(95)<1500", 0.0, 0, true},
        EvalCase{"time_to_first_audio_ms{agent_id:nobody}", "avg>0", 0.0, 0, false}));

INSTANTIATE_TEST_SUITE_P(
    Rates, ThresholdEvaluatorTest,
    testing::Values(EvalCase{"turn_fallback", "rate<0.05", 0.4, 5, false},
                    EvalCase{"turn_error", "rate<=0.2", 0.2, 5, true},
                    EvalCase{"turn_structured", "rate>0.5", 0.4, 5, false},
                    EvalCase{"session_completed", "rate>0.6", 2.0 / 3.0, 3, true},
                    EvalCase{"session_refused", "rate==0", 1.0 / 3.0, 3, false},
                    EvalCase{"cache_l1_hit", "rate>0.9", 0.9, 100, false},
                    EvalCase{"cache_l2_hit", "rate>=0.75", 0.75, 4, true},
                    // Session 2 (tenant-b): structured, fallback, error.
                    EvalCase{"turn_fallback{tenant_id:tenant-b}", "rate<0.5", 1.0 / 3.0, 3, true},
                    // A rate without samples is not evaluated and passes.
                    EvalCase{"cache_l3_hit", "rate>0.99", std::nullopt, 0, true},
                    EvalCase{"turn_fallback{agent_id:nobody}", "rate<0.01", std::nullopt, 0,
                             true}));

INSTANTIATE_TEST_SUITE_P(
    Counters, ThresholdEvaluatorTest,
    testing::Values(
        EvalCase{"turns", "count==5", 5.0, 5, true},
        EvalCase{"turns", "rate>0.001", 5.0 / 7985.12, 5, false},
        EvalCase{"sessions", "count<3", 3.0, 3, false},
        EvalCase{"check_failures", "count==0", 2.0, 2, false},
        EvalCase{"hidden_field_published", "count<1", 1.0, 1, false},
        EvalCase{"check_failures{check_name:root_unfinished}", "count==1", 1.0, 1, true},
        EvalCase{"sessions{status:refused,tenant_id:tenant-a}", "count==1", 1.0, 1, true},
        EvalCase{"turns{tenant_id:tenant-b,outcome:error}", "count==1", 1.0, 1, true},
        EvalCase{"turns{agent_id:nobody}", "count==0", 0.0, 0, true}));

TEST(ThresholdEvaluatorTest, KeepsTheSpecsOrderAndReadsEachKeyOnce) {
  const std::string path = TempReportPath("r.db");
  WriteThresholdSampleReport(path);
  std::vector<ThresholdSpec> specs =
      ParseSpecs(R"({"turns": ["count>1"], "sessions": ["count>9"]})");
  std::swap(specs[0], specs[1]);  // turns, then sessions
  Result<ThresholdEvaluation> e = EvaluateThresholds(path, specs, MetricScope::kThresholdKeys);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  ASSERT_EQ(e->results.size(), 2u);
  EXPECT_EQ(e->results[0].metric_key, "turns");
  EXPECT_TRUE(e->results[0].passed);
  EXPECT_EQ(e->results[1].metric_key, "sessions");
  EXPECT_FALSE(e->results[1].passed);
  EXPECT_EQ(e->failed(), 1);
  ASSERT_EQ(e->metrics.size(), 2u);
  EXPECT_EQ(e->metrics[0].key, "sessions");
  EXPECT_EQ(e->metrics[1].key, "turns");
}

TEST(ThresholdEvaluatorTest, AllMetricsListsObservedMetricsAndThresholdKeys) {
  const std::string path = TempReportPath("r.db");
  WriteThresholdSampleReport(path);
  const std::vector<ThresholdSpec> specs =
      ParseSpecs(R"({"turns{outcome:error}": ["count==1"], "tts_ttfb_ms": ["p(95)<500"]})");
  Result<ThresholdEvaluation> e = EvaluateThresholds(path, specs, MetricScope::kAllMetrics);
  ASSERT_TRUE(e.has_value()) << e.error().message;
  std::vector<std::string> keys;
  for (const MetricSummary& m : e->metrics) keys.push_back(m.key);
  // cache_l3_hit saw no lookup and has no threshold: k6 would not list it either.
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "cache_l1_hit", "cache_l2_hit", "check_failures", "config_fetch_ms",
                      "hidden_field_published", "llm_duration_ms", "llm_ttft_ms",
                      "session_completed", "session_refused", "sessions", "time_to_first_audio_ms",
                      "tts_ttfb_ms", "turn_duration_ms", "turn_error", "turn_fallback",
                      "turn_structured", "turns", "turns{outcome:error}"}));
  const MetricSummary& ttfa = e->metrics[10];
  EXPECT_EQ(ttfa.samples, 4);
  EXPECT_DOUBLE_EQ(ttfa.avg, 700.0);
  EXPECT_DOUBLE_EQ(ttfa.min, 400.0);
  EXPECT_DOUBLE_EQ(ttfa.med, 700.0);
  EXPECT_DOUBLE_EQ(ttfa.max, 1000.0);
  EXPECT_DOUBLE_EQ(ttfa.p90, 970.0);
  EXPECT_DOUBLE_EQ(ttfa.p95, 985.0);
  const MetricSummary& fallback = e->metrics[14];
  EXPECT_EQ(fallback.passes, 2);
  EXPECT_EQ(fallback.fails, 3);
  EXPECT_DOUBLE_EQ(fallback.rate, 0.4);
  const MetricSummary& errors = e->metrics[17];
  EXPECT_EQ(errors.count, 1);
  EXPECT_DOUBLE_EQ(errors.rate, 1.0 / 7985.12);
}

TEST(ThresholdEvaluatorTest, MissingReportIsNotFound) {
  const std::string path = TempReportPath("absent.db");
  Result<ThresholdEvaluation> e = EvaluateThresholds(path, {}, MetricScope::kThresholdKeys);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace agentsim
