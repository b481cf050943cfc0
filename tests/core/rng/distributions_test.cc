#include "core/rng/distributions.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "core/rng/rng.h"

namespace agentsim {
namespace {

constexpr Micros kMaxSampleMicros = 86'400'000'000;  // 24 h

TEST(LogNormalSpecTest, SamplesAreClampedToTwentyFourHours) {
  EXPECT_DOUBLE_EQ(kMaxSampleMillis, 86'400'000.0);
  // The user's repro: median 1e-6 ms and p95 1e9 ms (sigma about 18.9) drew samples beyond
  // what llround can hold, which came back negative and were taken for 0.
  const LogNormalSpec wide{1e-6, 1e9};
  Rng rng(3);
  int clamped = 0;
  for (int i = 0; i < 100'000; ++i) {
    const Micros us = wide.SampleMillisAsMicros(rng);
    ASSERT_GE(us, 0);
    ASSERT_LE(us, kMaxSampleMicros);
    clamped += us == kMaxSampleMicros;
  }
  EXPECT_GT(clamped, 0);  // about 6% of draws exceed 24 h
}

TEST(LogNormalSpecTest, OrdinarySamplesAreUnchanged) {
  const LogNormalSpec spec{350.0, 900.0};
  Rng a(9), b(9);
  for (int i = 0; i < 1000; ++i) {
    const double ms = spec.Sample(a);
    EXPECT_EQ(spec.SampleMillisAsMicros(b), static_cast<Micros>(std::llround(ms * 1000.0)));
  }
}

TEST(LogNormalSpecTest, DegenerateSpecsGiveZero) {
  Rng rng(1);
  EXPECT_EQ((LogNormalSpec{0.0, 0.0}.SampleMillisAsMicros(rng)), 0);  // NaN sigma
  EXPECT_EQ((LogNormalSpec{4.0, 4.0}.SampleMillisAsMicros(rng)), 4000);
}

}  // namespace
}  // namespace agentsim
