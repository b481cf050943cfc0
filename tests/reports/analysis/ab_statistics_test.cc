// A/B statistics: table-driven edge cases, exact values and properties (the gbstats vectors are
// in ab_statistics_vectors_test.cc).
#include "reports/analysis/ab_statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace agentsim {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// --- Sample statistics -----------------------------------------------------------------------

TEST(SampleStatisticsTest, FollowTheDefinitionsAndGbstatsZeroForEmptyArms) {
  EXPECT_EQ((SampleMeanStatistic{4, 10, 30}.mean()), 2.5);
  EXPECT_DOUBLE_EQ((SampleMeanStatistic{4, 10, 30}.variance()), (30 - 25.0) / 3);
  EXPECT_EQ((SampleMeanStatistic{0, 0, 0}.mean()), 0.0);
  EXPECT_EQ((SampleMeanStatistic{0, 0, 0}.variance()), 0.0);
  EXPECT_EQ((SampleMeanStatistic{1, 7, 49}.variance()), 0.0);  // n <= 1
  EXPECT_EQ((ProportionStatistic{4, 1}.mean()), 0.25);
  EXPECT_EQ((ProportionStatistic{4, 1}.variance()), 0.1875);
  EXPECT_EQ((ProportionStatistic{0, 0}.mean()), 0.0);
  EXPECT_EQ((ProportionStatistic{0, 0}.variance()), 0.0);
}

// --- Effects: not computable ---------------------------------------------------------------

struct NotComputableCase {
  std::string name;
  SampleMeanStatistic control;
  SampleMeanStatistic variant;
  bool relative;
  EffectStatus status;
};

void PrintTo(const NotComputableCase& c, std::ostream* os) { *os << c.name; }

const std::vector<NotComputableCase>& NotComputableCases() {
  static const std::vector<NotComputableCase> cases = {
      {"ControlEmpty", {0, 0, 0}, {10, 50, 260}, false, EffectStatus::kNoUnits},
      {"VariantEmpty", {10, 50, 260}, {0, 0, 0}, false, EffectStatus::kNoUnits},
      // gbstats checks the baseline first, and an empty arm's mean is 0.
      {"BothEmptyRelative", {0, 0, 0}, {0, 0, 0}, true, EffectStatus::kBaselineZero},
      {"ControlOneUnit", {1, 5, 25}, {10, 50, 260}, false, EffectStatus::kZeroOrNegativeVariance},
      {"VariantOneUnit", {10, 50, 260}, {1, 5, 25}, true, EffectStatus::kZeroOrNegativeVariance},
      {"ControlZeroVariance",
       {10, 50, 250},
       {10, 60, 370},
       false,
       EffectStatus::kZeroOrNegativeVariance},
      {"VariantZeroVariance",
       {10, 50, 260},
       {10, 60, 360},
       true,
       EffectStatus::kZeroOrNegativeVariance},
      {"NegativeVarianceInconsistentSums",
       {2, 1396.87, 52377.9767},
       {3461, 2422.7, 134698.29},
       false,
       EffectStatus::kZeroOrNegativeVariance},
      {"RelativeControlMeanZero", {10, 0, 10}, {10, 5, 12}, true, EffectStatus::kBaselineZero},
      {"RelativeControlMeanZeroAndNoVariance",
       {10, 0, 0},
       {10, 5, 12},
       true,
       EffectStatus::kBaselineZero},
  };
  return cases;
}

class NotComputableTest : public ::testing::TestWithParam<NotComputableCase> {};

TEST_P(NotComputableTest, FrequentistReturnsGbstatsDefaultOutput) {
  const NotComputableCase& c = GetParam();
  const Result<EffectEstimate> r = FrequentistTwoSided(c.control, c.variant, c.relative);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, c.status) << EffectStatusName(r->status);
  EXPECT_FALSE(r->computable());
  EXPECT_EQ(r->effect, 0.0);
  EXPECT_EQ(r->se, 0.0);
  EXPECT_EQ(r->dof, 0.0);
  EXPECT_EQ(r->p_value, 1.0);
  EXPECT_EQ(r->ci_low, 0.0);
  EXPECT_EQ(r->ci_high, 0.0);
}

TEST_P(NotComputableTest, BayesianReturnsGbstatsDefaultOutput) {
  const NotComputableCase& c = GetParam();
  const Result<BayesianEstimate> r = BayesianEffect(c.control, c.variant, c.relative);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->status, c.status) << EffectStatusName(r->status);
  EXPECT_EQ(r->effect, 0.0);
  EXPECT_EQ(r->se, 0.0);
  EXPECT_EQ(r->chance_to_win, 0.5);
  EXPECT_EQ(r->ci_low, 0.0);
  EXPECT_EQ(r->ci_high, 0.0);
  EXPECT_EQ(r->risk_control, 0.0);
  EXPECT_EQ(r->risk_variant, 0.0);
}

INSTANTIATE_TEST_SUITE_P(EdgeCases, NotComputableTest, ::testing::ValuesIn(NotComputableCases()),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(FrequentistTwoSidedTest, ProportionsWithNoConversionsHaveZeroVariance) {
  const Result<EffectEstimate> r =
      FrequentistTwoSided(ProportionStatistic{100, 0}, ProportionStatistic{100, 3}, false);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, EffectStatus::kZeroOrNegativeVariance);
  const Result<BayesianEstimate> b =
      BayesianEffect(ProportionStatistic{100, 100}, ProportionStatistic{100, 97}, false);
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->status, EffectStatus::kZeroOrNegativeVariance);
}

TEST(FrequentistTwoSidedTest, AbsoluteEffectWithControlMeanZeroIsComputable) {
  const Result<EffectEstimate> r =
      FrequentistTwoSided(SampleMeanStatistic{10, 0, 10}, SampleMeanStatistic{10, 5, 12}, false);
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->computable());
  EXPECT_DOUBLE_EQ(r->effect, 0.5);
}

// --- Effects: exact values -----------------------------------------------------------------

TEST(FrequentistTwoSidedTest, IdenticalArmsGiveNoEffectAndPOne) {
  const SampleMeanStatistic arm{10, 50, 260};  // mean 5, variance 10/9
  for (bool relative : {false, true}) {
    SCOPED_TRACE(relative);
    const Result<EffectEstimate> r = FrequentistTwoSided(arm, arm, relative);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->effect, 0.0);
    EXPECT_EQ(r->p_value, 1.0);
    EXPECT_DOUBLE_EQ(r->dof, 18.0);  // equal n and variances: 2 (n - 1)
    EXPECT_DOUBLE_EQ(r->ci_low, -r->ci_high);
    EXPECT_GT(r->ci_high, 0.0);
    const Result<BayesianEstimate> b = BayesianEffect(arm, arm, relative);
    ASSERT_TRUE(b.has_value());
    EXPECT_EQ(b->chance_to_win, 0.5);
    EXPECT_DOUBLE_EQ(b->risk_control, b->risk_variant);
  }
}

TEST(FrequentistTwoSidedTest, AbsoluteEffectMatchesHandComputedWelch) {
  // Control mean 5, variance 10/9; variant mean 6, variance 40/9; n = 10 each.
  const SampleMeanStatistic control{10, 50, 260};
  const SampleMeanStatistic variant{10, 60, 400};
  const Result<EffectEstimate> r = FrequentistTwoSided(control, variant, false);
  ASSERT_TRUE(r.has_value());
  const double var_a_n = 1.0 / 9;
  const double var_b_n = 4.0 / 9;
  EXPECT_DOUBLE_EQ(r->effect, 1.0);
  EXPECT_DOUBLE_EQ(r->se, std::sqrt(5.0 / 9));
  EXPECT_DOUBLE_EQ(r->dof, (5.0 / 9) * (5.0 / 9) / ((var_a_n * var_a_n + var_b_n * var_b_n) / 9));
  EXPECT_DOUBLE_EQ(r->ci_low + r->ci_high, 2.0);
  // A narrower interval at alpha = 0.2, same p-value.
  const Result<EffectEstimate> r80 = FrequentistTwoSided(control, variant, false, 0.2);
  ASSERT_TRUE(r80.has_value());
  EXPECT_LT(r80->ci_high - r80->ci_low, r->ci_high - r->ci_low);
  EXPECT_EQ(r80->p_value, r->p_value);
}

TEST(FrequentistTwoSidedTest, RelativeEffectUsesAbsoluteControlMean) {
  // Control mean -5 (variance 10/9), variant mean -4: the metric went up by 20% of |control|.
  const Result<EffectEstimate> r = FrequentistTwoSided(SampleMeanStatistic{10, -50, 260},
                                                       SampleMeanStatistic{10, -40, 170}, true);
  ASSERT_TRUE(r.has_value());
  EXPECT_DOUBLE_EQ(r->effect, 0.2);
}

TEST(BayesianEffectTest, ProperPriorShrinksTowardsThePriorMean) {
  const SampleMeanStatistic control{10, 100, 1002.25};
  const SampleMeanStatistic variant{10, 105, 1111.5};
  const Result<BayesianEstimate> flat = BayesianEffect(control, variant, true);
  const Result<BayesianEstimate> proper =
      BayesianEffect(control, variant, true, GaussianPrior{0.1, 0.1, true});
  ASSERT_TRUE(flat.has_value() && proper.has_value());
  EXPECT_GT(proper->effect, flat->effect);  // pulled towards 0.1
  EXPECT_LT(proper->se, flat->se);
  // An improper prior ignores its mean and variance, even invalid ones.
  const Result<BayesianEstimate> ignored =
      BayesianEffect(control, variant, true, GaussianPrior{kNaN, -1, false});
  ASSERT_TRUE(ignored.has_value());
  EXPECT_EQ(ignored->effect, flat->effect);
}

// Over a grid of extreme but finite sums, every result is an error or a struct of finite numbers
// with p and chance to win in [0, 1]: never NaN, never an Internal error from Boost.
TEST(AbStatisticsPropertyTest, ExtremeFiniteInputsNeverGiveNaN) {
  const std::vector<double> values = {0, 1e-300, 0.5, 1, 2, 3, 1e10, 1e300, -1, -1e300};
  int computed = 0;
  for (double n : {0.0, 1.0, 1.5, 2.0, 10.0, 1e15}) {
    for (double sum : values) {
      for (double sum_squares : values) {
        const SampleMeanStatistic arm{n, sum, sum_squares};
        const SampleMeanStatistic other{10, 50, 260};
        for (bool relative : {false, true}) {
          for (const auto& [a, b] : {std::pair{arm, other}, std::pair{other, arm}}) {
            const Result<EffectEstimate> f = FrequentistTwoSided(a, b, relative);
            if (f.has_value()) {
              for (double x : {f->effect, f->se, f->dof, f->p_value, f->ci_low, f->ci_high}) {
                ASSERT_TRUE(std::isfinite(x)) << n << " " << sum << " " << sum_squares;
              }
              ASSERT_TRUE(f->p_value >= 0 && f->p_value <= 1);
              computed += f->computable() ? 1 : 0;
            } else {
              ASSERT_EQ(f.error().code, ErrorCode::kInvalidArgument) << f.error().ToString();
            }
            const Result<BayesianEstimate> g = BayesianEffect(a, b, relative);
            if (g.has_value()) {
              for (double x : {g->effect, g->se, g->chance_to_win, g->ci_low, g->ci_high,
                               g->risk_control, g->risk_variant}) {
                ASSERT_TRUE(std::isfinite(x)) << n << " " << sum << " " << sum_squares;
              }
              ASSERT_TRUE(g->chance_to_win >= 0 && g->chance_to_win <= 1);
              ASSERT_TRUE(g->risk_control >= 0 && g->risk_variant >= 0);
            } else {
              ASSERT_EQ(g.error().code, ErrorCode::kInvalidArgument) << g.error().ToString();
            }
          }
        }
      }
    }
  }
  EXPECT_GT(computed, 0);
  for (double u : values) {
    for (double w : values) {
      const Result<SrmResult> r = SrmCheck({u, 1e300, 7}, {w, 1, 1e-300});
      if (r.has_value()) {
        ASSERT_TRUE(std::isfinite(r->chi2) && std::isfinite(r->p_value)) << u << " " << w;
        ASSERT_TRUE(r->p_value >= 0 && r->p_value <= 1);
      } else {
        ASSERT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
      }
    }
  }
}

// --- Effects: invalid input ----------------------------------------------------------------

struct InvalidCase {
  std::string name;
  SampleMeanStatistic control;
  SampleMeanStatistic variant;
  double alpha;
};

void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.name; }

class InvalidInputTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidInputTest, IsInvalidArgumentForBothTests) {
  const InvalidCase& c = GetParam();
  const Result<EffectEstimate> f = FrequentistTwoSided(c.control, c.variant, true, c.alpha);
  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code, ErrorCode::kInvalidArgument);
  const Result<BayesianEstimate> b = BayesianEffect(c.control, c.variant, true, {}, c.alpha);
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, ErrorCode::kInvalidArgument);
}

const SampleMeanStatistic kArm{10, 50, 260};

INSTANTIATE_TEST_SUITE_P(EdgeCases, InvalidInputTest,
                         ::testing::Values(InvalidCase{"NegativeN", {-1, 5, 25}, kArm, 0.05},
                                           InvalidCase{"NaNN", {kNaN, 5, 25}, kArm, 0.05},
                                           InvalidCase{"InfiniteN", kArm, {kInf, 5, 25}, 0.05},
                                           InvalidCase{"NaNSum", kArm, {10, kNaN, 25}, 0.05},
                                           InvalidCase{
                                               "InfiniteSumSquares", {10, 5, kInf}, kArm, 0.05},
                                           InvalidCase{"AlphaZero", kArm, kArm, 0.0},
                                           InvalidCase{"AlphaOne", kArm, kArm, 1.0},
                                           InvalidCase{"AlphaNaN", kArm, kArm, kNaN}),
                         [](const auto& test_info) { return test_info.param.name; });

TEST(InvalidInputTest, ProportionOutsideZeroToN) {
  for (const ProportionStatistic& bad :
       {ProportionStatistic{10, 11}, ProportionStatistic{10, -1}, ProportionStatistic{10, kNaN}}) {
    const ProportionStatistic good{10, 5};
    const Result<EffectEstimate> f = FrequentistTwoSided(good, bad, false);
    ASSERT_FALSE(f.has_value());
    EXPECT_EQ(f.error().code, ErrorCode::kInvalidArgument);
    const Result<BayesianEstimate> b = BayesianEffect(bad, good, false);
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(InvalidInputTest, ProperPriorNeedsPositiveFiniteVariance) {
  for (const GaussianPrior& prior : {GaussianPrior{0, 0, true}, GaussianPrior{0, -1, true},
                                     GaussianPrior{0, kInf, true}, GaussianPrior{kNaN, 1, true}}) {
    const Result<BayesianEstimate> b = BayesianEffect(kArm, kArm, false, prior);
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error().code, ErrorCode::kInvalidArgument);
  }
}

// --- SRM -----------------------------------------------------------------------------------

struct SrmCase {
  std::string name;
  std::vector<double> users;
  std::vector<double> weights;
  double chi2;
  double degrees_of_freedom;
  double p_value;  // closed forms: df 1 -> erfc(sqrt(x/2)), df 2 -> exp(-x/2)
  SrmHealth health;
};

void PrintTo(const SrmCase& c, std::ostream* os) { *os << c.name; }

class SrmCheckTest : public ::testing::TestWithParam<SrmCase> {};

TEST_P(SrmCheckTest, GivesStatisticPValueAndGrowthBookHealth) {
  const SrmCase& c = GetParam();
  const Result<SrmResult> r = SrmCheck(c.users, c.weights);
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_NEAR(r->chi2, c.chi2, 1e-12 * (1 + c.chi2));
  EXPECT_EQ(r->degrees_of_freedom, c.degrees_of_freedom);
  EXPECT_NEAR(r->p_value, c.p_value, 1e-12 * c.p_value + 1e-300);
  EXPECT_EQ(r->health, c.health) << SrmHealthName(r->health);
  EXPECT_EQ(r->flagged(), c.health == SrmHealth::kUnhealthy);
}

INSTANTIATE_TEST_SUITE_P(
    EdgeCases, SrmCheckTest,
    ::testing::Values(
        SrmCase{"EqualSplit", {100, 100}, {0.5, 0.5}, 0, 1, 1, SrmHealth::kHealthy},
        SrmCase{"NoUsers", {0, 0}, {0.5, 0.5}, 0, 1, 1, SrmHealth::kNotEnoughTraffic},
        // p = 1.1e-4 < 0.001 but 15 users < 2 * 8: not judged.
        SrmCase{"FifteenUsersNotEnough",
                {0, 15},
                {1, 1},
                15,
                1,
                std::erfc(std::sqrt(7.5)),
                SrmHealth::kNotEnoughTraffic},
        // The minimum is on the total: an arm with 0 users is still judged at 16 in all.
        SrmCase{"SixteenUsersJudged",
                {0, 16},
                {1, 1},
                16,
                1,
                std::erfc(std::sqrt(8.0)),
                SrmHealth::kUnhealthy},
        SrmCase{"VectorCaseFlagged",
                {1000, 1200},
                {0.5, 0.5},
                200.0 / 11,
                1,
                std::erfc(std::sqrt(100.0 / 11)),
                SrmHealth::kUnhealthy},
        SrmCase{"WeightsNeedNotSumToOne",
                {1000, 1200},
                {3, 3},
                200.0 / 11,
                1,
                std::erfc(std::sqrt(100.0 / 11)),
                SrmHealth::kUnhealthy},
        SrmCase{"ThreeArmsUnequalWeightsOnTarget",
                {100, 200, 300},
                {1, 2, 3},
                0,
                2,
                1,
                SrmHealth::kHealthy},
        // 2 * 6.25^2 / 56.25 = 1.3888...; df counts the zero-weight arm (gbstats check_srm).
        SrmCase{"ZeroWeightArmAddsNoTermButCountsInDf",
                {50, 50, 12.5},
                {0.5, 0.5, 0},
                2 * 6.25 * 6.25 / 56.25,
                2,
                std::exp(-6.25 * 6.25 / 56.25),
                SrmHealth::kHealthy}),
    [](const auto& test_info) { return test_info.param.name; });

TEST(SrmCheckTest, ThresholdAndMinimumAreParameters) {
  const Result<SrmResult> strict = SrmCheck({1000, 1200}, {1, 1}, 1e-6);
  ASSERT_TRUE(strict.has_value());
  EXPECT_EQ(strict->health, SrmHealth::kHealthy);  // p = 2.0e-5 >= 1e-6
  const Result<SrmResult> big_minimum = SrmCheck({1000, 1200}, {1, 1}, kSrmThreshold, 1101);
  ASSERT_TRUE(big_minimum.has_value());
  EXPECT_EQ(big_minimum->health, SrmHealth::kNotEnoughTraffic);  // 2200 < 2 * 1101
}

TEST(SrmCheckTest, RejectsMalformedInput) {
  struct Bad {
    std::string name;
    std::vector<double> users;
    std::vector<double> weights;
    double threshold = kSrmThreshold;
    double minimum = kSrmMinUsersPerVariation;
  };
  const std::vector<Bad> bad = {
      {"SizeMismatch", {1, 2}, {1}},
      {"OneArm", {10}, {1}},
      {"NoArms", {}, {}},
      {"NegativeUsers", {-1, 2}, {1, 1}},
      {"NaNUsers", {kNaN, 2}, {1, 1}},
      {"InfiniteUsers", {kInf, 2}, {1, 1}},
      {"NegativeWeight", {1, 2}, {-1, 2}},
      {"NaNWeight", {1, 2}, {kNaN, 1}},
      {"AllWeightsZero", {1, 2}, {0, 0}},
      {"ThresholdZero", {1, 2}, {1, 1}, 0},
      {"ThresholdAboveOne", {1, 2}, {1, 1}, 1.5},
      {"NegativeMinimum", {1, 2}, {1, 1}, kSrmThreshold, -1},
  };
  for (const Bad& b : bad) {
    SCOPED_TRACE(b.name);
    const Result<SrmResult> r = SrmCheck(b.users, b.weights, b.threshold, b.minimum);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(AbStatisticsNamesTest, NamesAreStable) {
  EXPECT_EQ(EffectStatusName(EffectStatus::kOk), "ok");
  EXPECT_EQ(EffectStatusName(EffectStatus::kBaselineZero), "baseline_zero");
  EXPECT_EQ(EffectStatusName(EffectStatus::kNoUnits), "no_units");
  EXPECT_EQ(EffectStatusName(EffectStatus::kZeroOrNegativeVariance), "zero_or_negative_variance");
  EXPECT_EQ(SrmHealthName(SrmHealth::kHealthy), "healthy");
  EXPECT_EQ(SrmHealthName(SrmHealth::kUnhealthy), "unhealthy");
  EXPECT_EQ(SrmHealthName(SrmHealth::kNotEnoughTraffic), "not_enough_traffic");
}

}  // namespace
}  // namespace agentsim
