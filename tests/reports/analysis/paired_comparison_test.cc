#include "reports/analysis/paired_comparison.h"

#include <gtest/gtest.h>

namespace agentsim {
namespace {

// d = {1, 2, 3, 4}: mean 2.5, sd 1.2909944, se 0.6454972, t 3.8729833 with 3 degrees of
// freedom: two-sided p 0.0304663 and t(0.975, 3) = 3.1824463 (closed form of Student's t CDF
// for 3 degrees of freedom).
TEST(PairedComparisonTest, MatchesTheClosedFormForThreeDegreesOfFreedom) {
  std::map<std::uint64_t, double> base = {{1, 10}, {2, 10}, {3, 10}, {4, 10}, {5, 7}};
  std::map<std::uint64_t, double> variant = {{1, 11}, {2, 12}, {3, 13}, {4, 14}, {6, 1}};
  Result<PairedResult> r = PairedDifference(base, variant);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->pairs, 4);  // sessions 5 and 6 have no pair
  EXPECT_EQ(r->status, "ok");
  EXPECT_DOUBLE_EQ(r->baseline_mean, 10);
  EXPECT_DOUBLE_EQ(r->variant_mean, 12.5);
  EXPECT_DOUBLE_EQ(r->mean_diff, 2.5);
  EXPECT_NEAR(r->sd_diff, 1.2909944487358056, 1e-12);
  EXPECT_NEAR(r->p_value, 0.030466291662170963, 1e-9);
  EXPECT_NEAR(r->ci_low, 0.4457397432394794, 1e-9);
  EXPECT_NEAR(r->ci_high, 4.554260256760521, 1e-9);
}

TEST(PairedComparisonTest, IdenticalRunsDifferByExactlyZero) {
  std::map<std::uint64_t, double> base = {{1, 3}, {2, 5}, {3, 8}};
  Result<PairedResult> r = PairedDifference(base, base);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, "zero_variance");
  EXPECT_EQ(r->mean_diff, 0);
  EXPECT_EQ(r->ci_low, 0);
  EXPECT_EQ(r->ci_high, 0);
  EXPECT_EQ(r->p_value, 1);
}

TEST(PairedComparisonTest, AConstantShiftIsCertain) {
  Result<PairedResult> r = PairedDifference({{1, 3}, {2, 5}}, {{1, 4}, {2, 6}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, "zero_variance");
  EXPECT_EQ(r->mean_diff, 1);
  EXPECT_EQ(r->p_value, 0);
}

TEST(PairedComparisonTest, FewerThanTwoPairsIsNotComputed) {
  Result<PairedResult> r = PairedDifference({{1, 3}}, {{1, 4}, {2, 6}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, "no_pairs");
  EXPECT_EQ(r->pairs, 1);
  EXPECT_EQ(r->p_value, 1);
}

TEST(PairedComparisonTest, RefusesAlphaOutsideTheUnitInterval) {
  EXPECT_FALSE(PairedDifference({}, {}, 0).has_value());
  EXPECT_FALSE(PairedDifference({}, {}, 1).has_value());
}

}  // namespace
}  // namespace agentsim
