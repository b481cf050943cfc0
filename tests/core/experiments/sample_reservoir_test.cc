#include "core/experiments/sample_reservoir.h"

#include "core/util/percentile.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace agentsim {
namespace {

TEST(SampleReservoirTest, PercentileIsK6s) {
  struct Case {
    std::vector<double> sorted;
    double p;
    double expected;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<Case> cases = {
      {{}, 0.95, 0.0},
      {{7}, 0.95, 7.0},
      {{1, 2, 3, 4}, 0.95, 3.85},  // rank 2.85
      {{1, 2, 3, 4}, 0.5, 2.5},
      {{100, 200, 300}, 0.95, 290.0},  // rank 1.9
      {{1, 2, 3, 4}, 0.0, 1.0},
      {{1, 2, 3, 4}, 1.0, 4.0},
      {{1, 2, 3, 4}, 1.5, 4.0},   // clamped
      {{1, 2, 3, 4}, -1.0, 1.0},  // clamped
      {{1, 2, 3, 4}, nan, 1.0},   // NaN as 0
  };
  for (const Case& c : cases) {
    EXPECT_DOUBLE_EQ(PercentileOfSorted(c.sorted, c.p), c.expected)
        << "p=" << c.p << " n=" << c.sorted.size();
  }
}

TEST(SampleReservoirTest, KeepsEverythingUpToCapacityInOrder) {
  SampleReservoir r(8, 1);
  for (double v : {5.0, 1.0, 4.0, 2.0, 3.0}) r.Add(v);
  EXPECT_EQ(r.seen(), 5u);
  EXPECT_EQ(r.samples(), (std::vector<double>{5, 1, 4, 2, 3}));
  EXPECT_DOUBLE_EQ(r.Percentile(0.95), 4.8);  // rank 3.8 of 1..5
}

TEST(SampleReservoirTest, ReplacementIsDeterministicAndBounded) {
  SampleReservoir a(4, 7), b(4, 7), other_seed(4, 8);
  for (int i = 1; i <= 100; ++i) {
    a.Add(i);
    b.Add(i);
    other_seed.Add(i);
  }
  EXPECT_EQ(a.seen(), 100u);
  EXPECT_EQ(a.samples(), (std::vector<double>{16, 71, 95, 77}));  // pinned by the hash
  EXPECT_EQ(a.samples(), b.samples());
  EXPECT_NE(a.samples(), other_seed.samples());
  EXPECT_EQ(SampleReservoir(0, 1).capacity(), 1u);
}

TEST(SampleReservoirTest, ReservoirIsAUniformSample) {
  // 100,000 values 0..99,999 into 1,000 slots: the kept values' mean and p95 track the stream's.
  SampleReservoir r(1000, 42);
  for (int i = 0; i < 100'000; ++i) r.Add(i);
  ASSERT_EQ(r.samples().size(), 1000u);
  double sum = 0;
  for (double v : r.samples()) sum += v;
  EXPECT_NEAR(sum / 1000, 49'999.5, 2'000);
  EXPECT_NEAR(r.Percentile(0.95), 94'999.05, 2'000);
}

}  // namespace
}  // namespace agentsim
