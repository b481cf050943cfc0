// Parametric distributions over Rng, as scenarios describe latencies and think times.
#pragma once

#include <algorithm>
#include <cmath>

#include "core/ports/clock.h"
#include "core/rng/rng.h"
#include "core/util/round.h"

namespace agentsim {

// z such that P(Z <= z) = 0.95 for a standard normal.
inline constexpr double kZ95 = 1.6448536269514722;

// The longest latency or think time one sample may take: 24 hours of virtual time, in ms.
// A wide spec (median 1e-6 ms, p95 1e9 ms) has a tail that would overflow µs; samples are
// clamped to this instead.
inline constexpr double kMaxSampleMillis = 24.0 * 60 * 60 * 1000;

// Lognormal given by its median and 95th percentile (both > 0, p95 >= median), the way latency
// is usually quoted: mu = ln(median), sigma = (ln(p95) - mu) / z95.
struct LogNormalSpec {
  double median = 1.0;
  double p95 = 1.0;

  double mu() const { return std::log(median); }
  double sigma() const { return (std::log(p95) - std::log(median)) / kZ95; }
  double Sample(Rng& rng) const { return rng.LogNormal(mu(), sigma()); }
  // Sample of a quantity in milliseconds, returned in µs (rounded to nearest), clamped to
  // [0, kMaxSampleMillis]; a NaN sample (a degenerate spec) gives 0.
  Micros SampleMillisAsMicros(Rng& rng) const { return MillisAsMicros(Sample(rng)); }
  // A sample `ms` as SampleMillisAsMicros returns it.
  static Micros MillisAsMicros(double ms) {
    if (!(ms > 0)) return 0;
    return static_cast<Micros>(RoundHalfAway(std::min(ms, kMaxSampleMillis) * 1000.0));
  }
};

// A LogNormalSpec with mu and sigma worked out once (three logs a sample otherwise), for the
// mocks that draw one on every call. The same samples as the spec's, bit for bit.
class LogNormalSampler {
 public:
  explicit LogNormalSampler(const LogNormalSpec& spec) : mu_(spec.mu()), sigma_(spec.sigma()) {}
  double Sample(Rng& rng) const { return rng.LogNormal(mu_, sigma_); }
  Micros SampleMillisAsMicros(Rng& rng) const {
    return LogNormalSpec::MillisAsMicros(Sample(rng));
  }

 private:
  double mu_;
  double sigma_;
};

}  // namespace agentsim
