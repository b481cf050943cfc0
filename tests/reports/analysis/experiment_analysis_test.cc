#include "reports/analysis/experiment_analysis.h"

#include <gtest/gtest.h>

#include "reports/analysis/ab_statistics.h"

namespace agentsim {
namespace {

ExperimentConfig TwoArms() {
  ExperimentConfig c;
  c.key = "temp";
  c.variants = {{"t07-v1", 0.5}, {"t09-v1", 0.5}};
  return c;
}

std::vector<VariantMetrics> Sums() {
  std::vector<VariantMetrics> v(2);
  v[0].users = 100;
  v[1].users = 120;
  v[0].proportions["task_completed"] = {100, 60};
  v[1].proportions["task_completed"] = {120, 81};
  v[0].numeric["turn_latency_ms"] = {100, 250'000, 640'000'000};
  v[1].numeric["turn_latency_ms"] = {118, 283'200, 700'000'000};
  return v;
}

TEST(ExperimentAnalysisTest, SrmAndEffectsAreGbstatsNumbers) {
  Result<ExperimentAnalysis> a = AnalyzeExperiment(TwoArms(), Sums());
  ASSERT_TRUE(a.has_value()) << a.error().ToString();
  Result<SrmResult> srm = SrmCheck({100, 120}, {0.5, 0.5});
  EXPECT_EQ(a->srm.experiment, "temp");
  EXPECT_DOUBLE_EQ(a->srm.chi2, srm->chi2);
  EXPECT_DOUBLE_EQ(a->srm.p_value, srm->p_value);
  EXPECT_EQ(a->srm.total_users, 220);
  EXPECT_EQ(a->srm.health, "healthy");
  ASSERT_EQ(a->variants.size(), 2u);
  EXPECT_EQ(a->variants[1].agent_id, "t09-v1");
  EXPECT_EQ(a->variants[1].users, 120);
  // Metrics in byte order; one row per variant of the sums, one result per non-control variant.
  ASSERT_EQ(a->metrics.size(), 4u);
  EXPECT_EQ(a->metrics[0].metric, "task_completed");
  EXPECT_EQ(a->metrics[0].kind, "proportion");
  EXPECT_EQ(a->metrics[1].sum, 81);
  EXPECT_EQ(a->metrics[3].metric, "turn_latency_ms");
  EXPECT_EQ(a->metrics[3].n, 118);
  ASSERT_EQ(a->results.size(), 2u);
  const ExperimentResultRow& p = a->results[0];
  Result<EffectEstimate> abs = FrequentistTwoSided(ProportionStatistic{100, 60},
                                                   ProportionStatistic{120, 81}, false);
  Result<EffectEstimate> rel = FrequentistTwoSided(ProportionStatistic{100, 60},
                                                   ProportionStatistic{120, 81}, true);
  EXPECT_DOUBLE_EQ(p.control_mean, 0.6);
  EXPECT_DOUBLE_EQ(p.variant_mean, 0.675);
  EXPECT_DOUBLE_EQ(p.abs_effect, abs->effect);
  EXPECT_DOUBLE_EQ(p.abs_ci_low, abs->ci_low);
  EXPECT_DOUBLE_EQ(p.abs_ci_high, abs->ci_high);
  EXPECT_DOUBLE_EQ(p.p_value, abs->p_value);
  EXPECT_DOUBLE_EQ(p.lift, rel->effect);
  EXPECT_DOUBLE_EQ(p.lift_ci_low, rel->ci_low);
  EXPECT_EQ(p.status, "ok");
  const ExperimentResultRow& n = a->results[1];
  Result<EffectEstimate> nabs = FrequentistTwoSided(SampleMeanStatistic{100, 250'000, 640'000'000},
                                                    SampleMeanStatistic{118, 283'200, 700'000'000},
                                                    false);
  EXPECT_EQ(n.kind, "numeric");
  EXPECT_DOUBLE_EQ(n.control_mean, 2500);
  EXPECT_DOUBLE_EQ(n.variant_mean, 2400);
  EXPECT_DOUBLE_EQ(n.abs_effect, nabs->effect);
  EXPECT_DOUBLE_EQ(n.p_value, nabs->p_value);
}

TEST(ExperimentAnalysisTest, AnImbalancedSplitIsFlagged) {
  std::vector<VariantMetrics> v(2);
  v[0].users = 500;
  v[1].users = 380;
  Result<ExperimentAnalysis> a = AnalyzeExperiment(TwoArms(), v);
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->srm.health, "unhealthy");
  EXPECT_LT(a->srm.p_value, 0.001);
  EXPECT_TRUE(a->results.empty());
}

TEST(ExperimentAnalysisTest, AVariantWithoutTheMetricIsNotComputed) {
  std::vector<VariantMetrics> v(2);
  v[0].users = v[1].users = 10;
  v[0].numeric["x"] = {10, 50, 300};
  Result<ExperimentAnalysis> a = AnalyzeExperiment(TwoArms(), v);
  ASSERT_TRUE(a.has_value());
  ASSERT_EQ(a->results.size(), 1u);
  EXPECT_EQ(a->results[0].status, "no_units");
  EXPECT_EQ(a->results[0].n_variant, 0);
}

TEST(ExperimentAnalysisTest, RefusesSumsThatDoNotMatchTheVariants) {
  EXPECT_FALSE(AnalyzeExperiment(TwoArms(), std::vector<VariantMetrics>(3)).has_value());
}

}  // namespace
}  // namespace agentsim
