// Distribution: a value type describing how a scenario quantity varies (think time, session
// length, a latency), sampled only through our Rng so that results are identical everywhere.
//
// Kinds (JSON shapes in docs/workload.md; parser in core/rng/distribution_json.h):
//   constant          always `value`
//   uniform           uniform in [min, max)
//   truncated normal  normal(mean, sd) restricted to [min, max], by inverse CDF (one uniform per
//                     sample, so a bound far in the tail costs nothing extra)
//   lognormal         exp(normal(mu, sigma)); from {median, p95} mu = ln(median) and
//                     sigma = (ln(p95) - mu) / z95, exactly as LogNormalSpec (same samples)
//   exponential       with the given mean (inverse CDF)
//   empirical         one of a file's samples, each equally likely (Rng::Index)
//   mixture           a component picked by weight (one uniform), then sampled
//
// Units are the caller's (ms for times). Copies are cheap: empirical samples and mixture
// components are shared, immutable.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/ports/clock.h"
#include "core/rng/rng.h"

namespace agentsim {

class Distribution;

struct ConstantDistribution {
  double value = 0.0;
};

// REQUIRES: min <= max (min == max gives min).
struct UniformDistribution {
  double min = 0.0;
  double max = 1.0;
};

// REQUIRES: sd > 0, min < max (either may be infinite; both infinite is a plain normal).
struct TruncatedNormalDistribution {
  double mean = 0.0;
  double sd = 1.0;
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
};

// REQUIRES: sigma >= 0.
struct LogNormalDistribution {
  double mu = 0.0;
  double sigma = 0.0;
  // Given as {median, p95}: kept for Describe(); 0 when given as {mu, sigma}.
  double median = 0.0;
  double p95 = 0.0;

  // mu = ln(median), sigma = (ln(p95) - ln(median)) / z95. REQUIRES: 0 < median <= p95.
  static LogNormalDistribution FromMedianP95(double median, double p95);
};

// REQUIRES: mean > 0.
struct ExponentialDistribution {
  double mean = 1.0;
};

// REQUIRES: samples non-empty, all finite.
struct EmpiricalDistribution {
  std::shared_ptr<const std::vector<double>> samples;
  std::string source;  // where the samples came from, for Describe() ("think_times.json")
};

struct MixtureComponent;

// REQUIRES: components non-empty, weights finite and > 0.
struct MixtureDistribution {
  std::shared_ptr<const std::vector<MixtureComponent>> components;
};

class Distribution {
 public:
  using Kind = std::variant<ConstantDistribution, UniformDistribution,
                            TruncatedNormalDistribution, LogNormalDistribution,
                            ExponentialDistribution, EmpiricalDistribution, MixtureDistribution>;

  Distribution() = default;  // constant 0
  // Implicit from any kind: `Distribution d = ExponentialDistribution{250};`.
  template <typename T>
    requires(!std::is_same_v<std::remove_cvref_t<T>, Distribution> &&
             std::is_constructible_v<Kind, T &&>)
  Distribution(T&& kind) : kind_(std::forward<T>(kind)) {}  // NOLINT(google-explicit-constructor)

  const Kind& kind() const { return kind_; }
  // "constant", "uniform", "truncated_normal", "lognormal", "exponential", "empirical",
  // "mixture" (the JSON "type").
  std::string_view TypeName() const;

  // One sample. Draws: constant none; uniform, truncated normal, exponential and empirical one
  // Rng call; lognormal two uniforms (Box-Muller); mixture one uniform plus its component's.
  double Sample(Rng& rng) const;

  // A sample read as milliseconds, returned in µs rounded to nearest and clamped to
  // [0, kMaxSampleMillis] (24 h); a NaN or negative sample gives 0. As
  // LogNormalSpec::SampleMillisAsMicros.
  Micros SampleMillisAsMicros(Rng& rng) const;

  // The exact mean (truncated normal: mean + sd * (pdf(a) - pdf(b)) / (cdf(b) - cdf(a)) with
  // a, b the standardised bounds; empirical: the samples' mean; mixture: weighted).
  double Mean() const;

  // The smallest interval holding every possible sample: constant [v, v]; uniform and
  // truncated normal [min, max]; lognormal [0, inf]; exponential [0, inf]; empirical
  // [smallest, largest]; mixture the hull of its components'.
  struct Support {
    double min;
    double max;
  };
  Support GetSupport() const;

  // A short human description: "lognormal(median=1200, p95=4000)", "constant(3)",
  // "mixture(0.9: exponential(mean=100), 0.1: constant(5000))",
  // "empirical(think_times.json, 250 samples)".
  std::string Describe() const;

 private:
  Kind kind_ = ConstantDistribution{};
};

struct MixtureComponent {
  double weight = 1.0;
  Distribution distribution;
};

}  // namespace agentsim
