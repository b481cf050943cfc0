#include "core/util/percentile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

namespace agentsim {
namespace {

struct PercentileCase {
  std::string name;
  std::vector<double> values;
  double p;
  double expected;
};

void PrintTo(const PercentileCase& c, std::ostream* os) { *os << c.name; }

// Expected values follow k6's TrendSink.P: i = p * (n - 1), linear interpolation.
const std::vector<PercentileCase>& Cases() {
  static const std::vector<PercentileCase> cases = {
      {"EmptyIsZero", {}, 0.95, 0.0},
      {"OneValueP0", {7}, 0.0, 7.0},
      {"OneValueP50", {7}, 0.5, 7.0},
      {"OneValueP99", {7}, 0.99, 7.0},
      {"TwoValuesP50Interpolates", {10, 20}, 0.5, 15.0},
      {"TwoValuesUnsortedInput", {20, 10}, 0.5, 15.0},
      {"TwoValuesP95", {10, 20}, 0.95, 19.5},
      {"K6OneToTenP50", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5, 5.5},
      {"K6OneToTenP90", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9, 9.1},
      {"K6OneToTenP95", {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.95, 9.55},
      {"K6OneToTenP99", {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 0.99, 9.91},
      {"P0IsMin", {3, 1, 2}, 0.0, 1.0},
      {"P100IsMax", {3, 1, 2}, 1.0, 3.0},
      {"ExactRankNoInterpolation", {1, 2, 3, 4, 5}, 0.5, 3.0},
      {"FourValuesP99", {1, 2, 3, 4}, 0.99, 3.97},
      {"Duplicates", {5, 5, 5, 9}, 0.5, 5.0},
      {"AboveOneClampsToMax", {1, 2, 3}, 1.5, 3.0},
      {"BelowZeroClampsToMin", {1, 2, 3}, -0.5, 1.0},
      {"NanIsTreatedAsZero", {1, 2, 3}, std::numeric_limits<double>::quiet_NaN(), 1.0},
  };
  return cases;
}

class PercentileTest : public testing::TestWithParam<PercentileCase> {};

TEST_P(PercentileTest, MatchesK6) {
  const PercentileCase& c = GetParam();
  EXPECT_DOUBLE_EQ(Percentile(c.values, c.p), c.expected);
}

TEST_P(PercentileTest, SortedVariantAgrees) {
  std::vector<double> sorted = GetParam().values;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_DOUBLE_EQ(PercentileOfSorted(sorted, GetParam().p), GetParam().expected);
}

TEST_P(PercentileTest, SelectionAgrees) {
  std::vector<double> values = GetParam().values;
  const double ps[] = {GetParam().p};
  double out[1] = {-1.0};
  SelectPercentiles(values, ps, out);
  EXPECT_DOUBLE_EQ(out[0], GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(K6Method, PercentileTest, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<PercentileCase>& param_info) {
                           return param_info.param.name;
                         });

// SelectPercentiles gives bit for bit what sorting gives, for sizes around the ranks' edges,
// many duplicates or none, and lists of percentiles that share ranks.
TEST(SelectPercentilesTest, EqualsTheSortedPercentilesExactly) {
  const std::vector<std::vector<double>> ps_lists = {
      {0.50, 0.95, 0.99}, {0.0, 0.5, 1.0}, {0.9, 0.9, 0.99}, {0.95, 0.951, 0.952},
      {0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999}};
  std::uint64_t x = 12345;
  const auto next = [&x] {  // a fixed LCG: the same values on every platform
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 33;
  };
  for (std::size_t n : {1u, 2u, 3u, 10u, 101u, 1000u, 4097u}) {
    for (std::uint64_t spread : {3u, 1000000u}) {
      std::vector<double> values(n);
      for (double& v : values) v = static_cast<double>(next() % spread) + 0.25;
      std::vector<double> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      for (const std::vector<double>& ps : ps_lists) {
        SCOPED_TRACE("n " + std::to_string(n) + " spread " + std::to_string(spread) +
                     " first p " + std::to_string(ps[0]));
        std::vector<double> work = values;
        std::vector<double> out(ps.size());
        SelectPercentiles(work, ps, out);
        for (std::size_t i = 0; i < ps.size(); ++i) {
          EXPECT_EQ(out[i], PercentileOfSorted(sorted, ps[i])) << "p " << ps[i];
        }
      }
    }
  }
}

TEST(SelectPercentilesTest, EmptyGivesZeros) {
  std::vector<double> none;
  const double ps[] = {0.5, 0.99};
  double out[2] = {-1.0, -1.0};
  SelectPercentiles(none, ps, out);
  EXPECT_EQ(out[0], 0.0);
  EXPECT_EQ(out[1], 0.0);
}

}  // namespace
}  // namespace agentsim
