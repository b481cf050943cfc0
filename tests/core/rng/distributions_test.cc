#include "core/rng/distributions.h"

#include <gtest/gtest.h>

#include <cmath>
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

// The sampler the mocks keep draws exactly the spec's samples (bit for bit), degenerate and
// clamped ones included.
TEST(LogNormalSamplerTest, DrawsTheSpecsSamples) {
  for (const LogNormalSpec spec : {LogNormalSpec{350.0, 900.0}, LogNormalSpec{12.0, 25.0},
                                   LogNormalSpec{1e-6, 1e9}, LogNormalSpec{4.0, 4.0},
                                   LogNormalSpec{0.0, 0.0}}) {
    const LogNormalSampler sampler(spec);
    Rng a(11), b(11), c(12), d(12);
    for (int i = 0; i < 2000; ++i) {
      const double x = spec.Sample(a);
      const double y = sampler.Sample(b);
      ASSERT_TRUE(x == y || (std::isnan(x) && std::isnan(y))) << spec.median << " " << i;
      ASSERT_EQ(spec.SampleMillisAsMicros(c), sampler.SampleMillisAsMicros(d));
    }
  }
}

}  // namespace
}  // namespace agentsim
