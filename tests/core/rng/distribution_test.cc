#include "core/rng/distribution.h"

#include <cmath>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/rng/distributions.h"
#include "core/rng/rng.h"

namespace agentsim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Distribution Mixture(std::vector<MixtureComponent> parts) {
  return MixtureDistribution{std::make_shared<const std::vector<MixtureComponent>>(std::move(parts))};
}

Distribution Empirical(std::vector<double> samples) {
  return EmpiricalDistribution{std::make_shared<const std::vector<double>>(std::move(samples)),
                               "samples.txt"};
}

struct SampleCase {
  std::string name;
  Distribution distribution;
  std::vector<double> first_three;  // Rng(42): pinned so that a change of draws is noticed
  double mean;                      // Distribution::Mean()
  double tolerance;                 // of the empirical mean over 100k samples (Rng(7))
};

void PrintTo(const SampleCase& c, std::ostream* os) { *os << c.name; }

class DistributionSampleTest : public ::testing::TestWithParam<SampleCase> {};

TEST_P(DistributionSampleTest, FirstSamplesArePinned) {
  const SampleCase& c = GetParam();
  Rng rng(42);
  for (double expected : c.first_three) EXPECT_DOUBLE_EQ(c.distribution.Sample(rng), expected);
}

TEST_P(DistributionSampleTest, MeanMatchesOverManySamples) {
  const SampleCase& c = GetParam();
  EXPECT_NEAR(c.distribution.Mean(), c.mean, 1e-9 * std::max(1.0, std::abs(c.mean)));
  Rng rng(7);
  const Distribution::Support support = c.distribution.GetSupport();
  double sum = 0;
  const int n = 100'000;
  for (int i = 0; i < n; ++i) {
    const double x = c.distribution.Sample(rng);
    ASSERT_GE(x, support.min);
    ASSERT_LE(x, support.max);
    sum += x;
  }
  EXPECT_NEAR(sum / n, c.mean, c.tolerance);
}

TEST_P(DistributionSampleTest, SameSeedSameSamples) {
  const SampleCase& c = GetParam();
  Rng a(99), b(99);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(c.distribution.Sample(a), c.distribution.Sample(b));
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, DistributionSampleTest,
    ::testing::Values(
        SampleCase{"Constant", ConstantDistribution{3}, {3, 3, 3}, 3, 0},
        SampleCase{"Uniform",
                   UniformDistribution{100, 400},
                   {130.3427556529607, 210.44461353918939, 329.60254813428958},
                   250,
                   1.5},
        SampleCase{"UniformOfOnePoint", UniformDistribution{5, 5}, {5, 5, 5}, 5, 0},
        SampleCase{"TruncatedNormal",
                   TruncatedNormalDistribution{800, 200, 0, 5000},
                   {545.0184940074563, 732.65850997856876, 944.72321102251703},
                   800.02676689289376,
                   2.0},
        // Both bounds three sd and more above the mean: no rejection loop, no lost precision.
        SampleCase{"TruncatedNormalUpperTail",
                   TruncatedNormalDistribution{0, 1, 3, 4},
                   {3.5905348991538846, 3.2811221735429275, 3.0784032865076352},
                   3.2604542855900189,
                   0.005},
        // Both bounds 40 sd and more above the mean: the tail sampler, and the tail's mean.
        SampleCase{"TruncatedNormalFarTail",
                   TruncatedNormalDistribution{0, 1, 40, 1000},
                   {40.002664105660649, 40.036218013052761, 40.024317898085705},
                   40 + 1 / 40.0 - 2 / (40.0 * 40 * 40) + 10 / (40.0 * 40 * 40 * 40 * 40),
                   0.001},
        SampleCase{"LogNormalFromMedianP95",
                   LogNormalDistribution::FromMedianP95(1200, 4000),
                   {954.86145019909145, 349.332248086535, 3222.2273355893076},
                   1568.6365985010227,
                   10},
        SampleCase{"LogNormalFromMuSigma",
                   LogNormalDistribution{7, 0.5, 0, 0},
                   {938.14615298773356, 472.02187499230376, 2153.2360969432148},
                   1242.6481670549958,
                   5},
        SampleCase{"Exponential",
                   ExponentialDistribution{250},
                   {26.657696873230449, 114.77530400005585, 362.40635180915081},
                   250,
                   2.5},
        SampleCase{"Empirical", Empirical({10, 20, 30, 40}), {10, 20, 40}, 25, 0.1},
        SampleCase{"Mixture",
                   Mixture({{0.9, ExponentialDistribution{100}}, {0.1, ConstantDistribution{5000}}}),
                   {45.910121600022343, 73.888790198816423, 319.71586952570146},
                   590,
                   10}),
    [](const ::testing::TestParamInfo<SampleCase>& param_info) { return param_info.param.name; });

TEST(DistributionTest, LogNormalFromMedianP95DrawsWhatLogNormalSpecDraws) {
  const LogNormalSpec spec{350.0, 900.0};
  const Distribution d = LogNormalDistribution::FromMedianP95(350.0, 900.0);
  Rng a(5), b(5);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(d.Sample(a), spec.Sample(b));
    ASSERT_EQ(d.SampleMillisAsMicros(a), spec.SampleMillisAsMicros(b));
  }
}

TEST(DistributionTest, SampleMillisAsMicrosRoundsAndClamps) {
  Rng rng(1);
  EXPECT_EQ(Distribution(ConstantDistribution{1.2345}).SampleMillisAsMicros(rng), 1235);
  EXPECT_EQ(Distribution(ConstantDistribution{-3}).SampleMillisAsMicros(rng), 0);
  EXPECT_EQ(Distribution(ConstantDistribution{std::nan("")}).SampleMillisAsMicros(rng), 0);
  EXPECT_EQ(Distribution(ConstantDistribution{1e12}).SampleMillisAsMicros(rng), 86'400'000'000);
}

TEST(DistributionTest, TruncatedNormalStaysInsideFarTailBounds) {
  // 30 to 31 sd above the mean: cdf values round to 1 unless mirrored.
  const Distribution d = TruncatedNormalDistribution{0, 1, 30, 31};
  Rng rng(3);
  for (int i = 0; i < 1000; ++i) {
    const double x = d.Sample(rng);
    ASSERT_GE(x, 30);
    ASSERT_LE(x, 31);
  }
  const Distribution lower = TruncatedNormalDistribution{0, 1, -kInf, -30};
  for (int i = 0; i < 1000; ++i) ASSERT_LE(lower.Sample(rng), -30);
}

// Both bounds (or the only one) beyond 35 sd on one side of the mean: every draw is inside, and
// near the bound closer to the mean, spread as the tail is (tester's cases: both bounds beyond
// ~38.5 sd used to give the far bound on every draw).
struct FarTailCase {
  const char* name;
  TruncatedNormalDistribution d;
  double expected_mean;  // E[X] of the truncated normal
  double tolerance;
};

// E[Z | Z > a] for large a (inverse Mills ratio, asymptotic series; error < 1e-9 for a >= 35).
double TailMean(double a) {
  return a + 1 / a - 2 / (a * a * a) + 10 / (a * a * a * a * a);
}

class FarTailTest : public ::testing::TestWithParam<FarTailCase> {};

TEST_P(FarTailTest, DrawsNearTheNearerBound) {
  const FarTailCase& c = GetParam();
  const Distribution d = c.d;
  Rng rng(17);
  const int n = 20'000;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const double x = d.Sample(rng);
    ASSERT_GE(x, c.d.min);
    ASSERT_LE(x, c.d.max);
    sum += x;
  }
  EXPECT_NEAR(sum / n, c.expected_mean, c.tolerance);
  EXPECT_NEAR(d.Mean(), c.expected_mean, 1e-9 * std::abs(c.expected_mean)) << "Mean()";
  Rng a(5), b(5);
  for (int i = 0; i < 100; ++i) ASSERT_EQ(d.Sample(a), d.Sample(b));
}

INSTANTIATE_TEST_SUITE_P(
    Bounds, FarTailTest,
    ::testing::Values(
        FarTailCase{"think_time_300_to_20000", TruncatedNormalDistribution{1, 0.5, 300, 20000},
                    1 + 0.5 * TailMean(598), 1e-5},
        FarTailCase{"z_40_to_1000", TruncatedNormalDistribution{0, 1, 40, 1000}, TailMean(40),
                    1e-3},
        FarTailCase{"z_39_to_40", TruncatedNormalDistribution{0, 1, 39, 40}, TailMean(39), 1e-3},
        FarTailCase{"z_100_to_101", TruncatedNormalDistribution{0, 1, 100, 101}, TailMean(100),
                    1e-3},
        FarTailCase{"z_40_unbounded", TruncatedNormalDistribution{0, 1, 40, kInf}, TailMean(40),
                    1e-3},
        // Below the mean: the mirror image.
        FarTailCase{"below_0_to_900", TruncatedNormalDistribution{1000, 1, 0, 900},
                    1000 - TailMean(100), 1e-3},
        // Narrower than the tail's scale (1/50): the density falls almost linearly across it.
        FarTailCase{"narrow_50_to_50_001", TruncatedNormalDistribution{0, 1, 50, 50.001},
                    50 + 0.0005 - 50 * 1e-6 / 12, 2e-5},
        FarTailCase{"one_point", TruncatedNormalDistribution{0, 1, 60, 60}, 60, 0}),
    [](const ::testing::TestParamInfo<FarTailCase>& param_info) {
      return param_info.param.name;
    });

TEST(DistributionTest, UnboundedNormalHasMeanAndSd) {
  const Distribution d = TruncatedNormalDistribution{10, 2};
  Rng rng(11);
  double sum = 0, sum2 = 0;
  const int n = 100'000;
  for (int i = 0; i < n; ++i) {
    const double x = d.Sample(rng);
    sum += x;
    sum2 += x * x;
  }
  EXPECT_NEAR(sum / n, 10, 0.02);
  EXPECT_NEAR(std::sqrt(sum2 / n - (sum / n) * (sum / n)), 2, 0.02);
  EXPECT_DOUBLE_EQ(d.Mean(), 10);
}

TEST(DistributionTest, MixtureWeightsAreShares) {
  const Distribution d = Mixture({{3, ConstantDistribution{1}}, {1, ConstantDistribution{2}}});
  Rng rng(4);
  int ones = 0;
  for (int i = 0; i < 100'000; ++i) ones += d.Sample(rng) == 1;
  EXPECT_NEAR(ones / 100'000.0, 0.75, 0.005);
  EXPECT_DOUBLE_EQ(d.Mean(), 1.25);
}

TEST(DistributionTest, EmpiricalPicksEverySampleEquallyOften) {
  const Distribution d = Empirical({1, 2, 3, 4, 5});
  Rng rng(8);
  std::vector<int> counts(6, 0);
  for (int i = 0; i < 50'000; ++i) ++counts[static_cast<std::size_t>(d.Sample(rng))];
  for (int k = 1; k <= 5; ++k) EXPECT_NEAR(counts[static_cast<std::size_t>(k)], 10'000, 300);
}

struct DescribeCase {
  Distribution distribution;
  std::string type;
  std::string description;
  double support_min;
  double support_max;
};

TEST(DistributionTest, DescribesTypeAndSupport) {
  const std::vector<DescribeCase> cases = {
      {ConstantDistribution{3}, "constant", "constant(3)", 3, 3},
      {UniformDistribution{1, 2.5}, "uniform", "uniform(min=1, max=2.5)", 1, 2.5},
      {TruncatedNormalDistribution{800, 200, 0, kInf}, "truncated_normal",
       "truncated_normal(mean=800, sd=200, min=0)", 0, kInf},
      {LogNormalDistribution::FromMedianP95(1200, 4000), "lognormal",
       "lognormal(median=1200, p95=4000)", 0, kInf},
      {LogNormalDistribution{7, 0.5, 0, 0}, "lognormal", "lognormal(mu=7, sigma=0.5)", 0, kInf},
      {ExponentialDistribution{250}, "exponential", "exponential(mean=250)", 0, kInf},
      {Empirical({5, -1, 9}), "empirical", "empirical(samples.txt, 3 samples)", -1, 9},
      {Mixture({{0.9, ExponentialDistribution{100}}, {0.1, ConstantDistribution{-5}}}), "mixture",
       "mixture(0.9: exponential(mean=100), 0.1: constant(-5))", -5, kInf},
  };
  for (const DescribeCase& c : cases) {
    SCOPED_TRACE(c.description);
    EXPECT_EQ(c.distribution.TypeName(), c.type);
    EXPECT_EQ(c.distribution.Describe(), c.description);
    EXPECT_EQ(c.distribution.GetSupport().min, c.support_min);
    EXPECT_EQ(c.distribution.GetSupport().max, c.support_max);
  }
}

TEST(DistributionTest, DefaultIsConstantZero) {
  Rng rng(1);
  EXPECT_EQ(Distribution().Sample(rng), 0);
  EXPECT_EQ(Distribution().Describe(), "constant(0)");
}

}  // namespace
}  // namespace agentsim
