// Parametric distributions over Rng, as scenarios describe latencies and think times.
#pragma once

#include <cmath>

#include "core/ports/clock.h"
#include "core/rng/rng.h"

namespace agentsim {

// z such that P(Z <= z) = 0.95 for a standard normal.
inline constexpr double kZ95 = 1.6448536269514722;

// Lognormal given by its median and 95th percentile (both > 0, p95 >= median), the way latency
// is usually quoted: mu = ln(median), sigma = (ln(p95) - mu) / z95.
struct LogNormalSpec {
  double median = 1.0;
  double p95 = 1.0;

  double mu() const { return std::log(median); }
  double sigma() const { return (std::log(p95) - std::log(median)) / kZ95; }
  double Sample(Rng& rng) const { return rng.LogNormal(mu(), sigma()); }
  // Sample of a quantity in milliseconds, returned in µs (rounded to nearest).
  Micros SampleMillisAsMicros(Rng& rng) const {
    return static_cast<Micros>(std::llround(Sample(rng) * 1000.0));
  }
};

}  // namespace agentsim
