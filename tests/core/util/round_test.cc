#include "core/util/round.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/rng/rng.h"

namespace agentsim {
namespace {

// Halves, the doubles next to them, the edges of the inline range and of int64.
TEST(RoundHalfAwayTest, EqualsLlroundAtTheEdges) {
  const double below_half = std::nextafter(0.5, 0.0);  // 0.49999999999999994
  const std::vector<double> cases = {
      0.0, -0.0, 0.5, -0.5, below_half, -below_half, 1.5, -1.5, 2.5, -2.5,
      std::nextafter(2.5, 3.0), std::nextafter(-2.5, -3.0), 4503599627370495.5,
      -4503599627370495.5, 0x1p52, 0x1p52 + 1, 0x1p53, 0x1p53 + 2, std::nextafter(0x1p62, 0.0),
      -std::nextafter(0x1p62, 0.0), 0x1p62, -0x1p62, -0x1p63, 1e-300, -1e-300,
      std::numeric_limits<double>::denorm_min(), 123456.4999999, 999999.5, -999999.5};
  for (double x : cases) EXPECT_EQ(RoundHalfAway(x), std::llround(x)) << x;
}

// Random doubles of every magnitude up to 2^63, and x.5 values: the same as std::llround.
TEST(RoundHalfAwayTest, EqualsLlroundOnRandomDoubles) {
  Rng rng(5);
  for (int i = 0; i < 200000; ++i) {
    const double magnitude = std::ldexp(1.0, static_cast<int>(rng.UniformInt(-20, 62)));
    const double x = rng.Uniform(-1.0, 1.0) * magnitude;
    ASSERT_EQ(RoundHalfAway(x), std::llround(x)) << x;
    const double half = std::floor(x) + 0.5;
    ASSERT_EQ(RoundHalfAway(half), std::llround(half)) << half;
  }
}

}  // namespace
}  // namespace agentsim
