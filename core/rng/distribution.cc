#include "core/rng/distribution.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/erf.hpp>
#include <fmt/format.h>

#include "core/rng/distributions.h"
#include "core/util/round.h"

namespace agentsim {
namespace {

// Boost.Math without promotion to long double (whose width differs between platforms, which
// would break the determinism contract) and without exceptions (results are clamped instead).
using DeterministicPolicy = boost::math::policies::policy<
    boost::math::policies::promote_float<false>, boost::math::policies::promote_double<false>,
    boost::math::policies::domain_error<boost::math::policies::ignore_error>,
    boost::math::policies::pole_error<boost::math::policies::ignore_error>,
    boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
    boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

constexpr double kInf = std::numeric_limits<double>::infinity();
// |z| beyond which a standard normal sample is never returned (probability about 1e-350).
constexpr double kMaxAbsZ = 40.0;

// P(Z <= z).
double NormalCdf(double z) {
  if (z == -kInf) return 0.0;
  if (z == kInf) return 1.0;
  return 0.5 * boost::math::erfc(-z / std::numbers::sqrt2, DeterministicPolicy());
}

// z such that P(Z <= z) = p. REQUIRES: 0 < p < 1 (0 and 1 give -inf and inf).
double NormalQuantile(double p) {
  return -std::numbers::sqrt2 * boost::math::erfc_inv(2.0 * p, DeterministicPolicy());
}

double NormalPdf(double z) {
  if (std::isinf(z)) return 0.0;
  return std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
}

// Beyond this many sd from the mean (on the side of both bounds), the inverse CDF is not used:
// P(Z <= -35) is about 1e-268, still a normal double; from about -37.5 it underflows to 0, and
// with both bounds out there every draw came out as the far bound.
constexpr double kTailZ = 35.0;

// A standard normal restricted to [a, b], 0 < a <= b (b may be inf), deep in the upper tail:
// Robert (1995), "Simulation of truncated normal variables", exact rejection samplers. An
// interval narrower than the tail's scale 1/alpha uses a uniform proposal (acceptance >= e^-1.5),
// a wider one the optimal exponential proposal (acceptance near 1, and x <= b with probability
// >= 1 - 1/e). The number of draws varies, so these samples are only reproducible by seed.
double SampleStandardNormalUpperTail(double a, double b, Rng& rng) {
  const double alpha = (a + std::sqrt(a * a + 4.0)) / 2.0;
  if (b - a < 1.0 / alpha) {
    for (;;) {
      const double x = std::min(rng.Uniform(a, b), b);
      if (rng.Uniform01() <= std::exp((a - x) * (a + x) / 2.0)) return x;
    }
  }
  for (;;) {
    const double x = a + rng.Exponential(1.0 / alpha);
    if (x > b) continue;
    if (rng.Uniform01() <= std::exp(-(x - alpha) * (x - alpha) / 2.0)) return x;
  }
}

// A standard normal restricted to [lo, hi] by inverse CDF. When lo > 0 both bounds lie in
// the upper tail, where cdf values round to 1; the mirror image [-hi, -lo] keeps precision.
// Bounds beyond kTailZ on one side: SampleStandardNormalUpperTail.
double SampleTruncatedStandardNormal(double lo, double hi, Rng& rng) {
  const bool mirrored = lo > 0;
  if (mirrored) {
    const double old_lo = lo;
    lo = -hi;
    hi = -old_lo;
  }
  if (hi < -kTailZ) {
    const double z = -SampleStandardNormalUpperTail(-hi, -lo, rng);
    return mirrored ? -z : z;
  }
  const double p_lo = NormalCdf(lo);
  const double p_hi = NormalCdf(hi);
  // In (0, 1): a half ulp past Uniform01's grid, so p is never exactly p_lo = 0.
  const double u = rng.Uniform01() + 0x1.0p-54;
  double z = NormalQuantile(p_lo + u * (p_hi - p_lo));
  if (!(z >= lo)) z = lo;  // also NaN
  if (z > hi) z = hi;
  if (std::isinf(z)) z = z > 0 ? kMaxAbsZ : -kMaxAbsZ;  // only with an infinite bound
  return mirrored ? -z : z;
}

std::string Num(double x) {
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return fmt::format("{}", x);
}

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};

}  // namespace

LogNormalDistribution LogNormalDistribution::FromMedianP95(double median, double p95) {
  const LogNormalSpec spec{median, p95};  // one formula for both, so samples are identical
  return LogNormalDistribution{spec.mu(), spec.sigma(), median, p95};
}

std::string_view Distribution::TypeName() const {
  return std::visit(Overloaded{
                        [](const ConstantDistribution&) { return "constant"; },
                        [](const UniformDistribution&) { return "uniform"; },
                        [](const TruncatedNormalDistribution&) { return "truncated_normal"; },
                        [](const LogNormalDistribution&) { return "lognormal"; },
                        [](const ExponentialDistribution&) { return "exponential"; },
                        [](const EmpiricalDistribution&) { return "empirical"; },
                        [](const MixtureDistribution&) { return "mixture"; },
                    },
                    kind_);
}

double Distribution::Sample(Rng& rng) const {
  return std::visit(
      Overloaded{
          [](const ConstantDistribution& d) { return d.value; },
          [&](const UniformDistribution& d) {
            return d.min == d.max ? d.min : rng.Uniform(d.min, d.max);
          },
          [&](const TruncatedNormalDistribution& d) {
            const double z =
                SampleTruncatedStandardNormal((d.min - d.mean) / d.sd, (d.max - d.mean) / d.sd, rng);
            return std::clamp(d.mean + d.sd * z, d.min, d.max);
          },
          [&](const LogNormalDistribution& d) { return rng.LogNormal(d.mu, d.sigma); },
          [&](const ExponentialDistribution& d) { return rng.Exponential(d.mean); },
          [&](const EmpiricalDistribution& d) { return (*d.samples)[rng.Index(d.samples->size())]; },
          [&](const MixtureDistribution& d) {
            const std::vector<MixtureComponent>& parts = *d.components;
            double total = 0;
            for (const MixtureComponent& c : parts) total += c.weight;
            const double u = rng.Uniform01() * total;
            double cumulative = 0;
            for (const MixtureComponent& c : parts) {
              cumulative += c.weight;
              if (u < cumulative) return c.distribution.Sample(rng);
            }
            return parts.back().distribution.Sample(rng);  // u rounded up to total
          },
      },
      kind_);
}

Micros Distribution::SampleMillisAsMicros(Rng& rng) const {
  const double ms = Sample(rng);
  if (!(ms > 0)) return 0;
  return static_cast<Micros>(RoundHalfAway(std::min(ms, kMaxSampleMillis) * 1000.0));
}

double Distribution::Mean() const {
  return std::visit(
      Overloaded{
          [](const ConstantDistribution& d) { return d.value; },
          [](const UniformDistribution& d) { return 0.5 * (d.min + d.max); },
          [](const TruncatedNormalDistribution& d) {
            if (!(d.max > d.min)) return d.min;  // one point
            double a = (d.min - d.mean) / d.sd;
            double b = (d.max - d.mean) / d.sd;
            const bool mirrored = a > 0;
            if (mirrored) {
              const double old_a = a;
              a = -b;
              b = -old_a;
            }
            double shift;
            if (b < -kTailZ) {
              // Both bounds deep in the lower tail, where pdf and cdf underflow (0/0): both scaled
              // by exp(b^2 / 2), with Phi(x) = pdf(x) / |x| * (1 - 1/x^2 + 3/x^4 - 15/x^6) there.
              const auto scaled_pdf = [b](double x) {
                return std::isinf(x) ? 0.0 : std::exp(-0.5 * (x - b) * (x + b));
              };
              const auto tail_ratio = [](double x) {
                if (std::isinf(x)) return 0.0;
                const double r = 1.0 / (x * x);
                return (1.0 - r * (1.0 - 3.0 * r * (1.0 - 5.0 * r))) / -x;
              };
              const double pa = scaled_pdf(a);
              shift = (pa - 1.0) / (tail_ratio(b) - pa * tail_ratio(a));
            } else {
              shift = (NormalPdf(a) - NormalPdf(b)) / (NormalCdf(b) - NormalCdf(a));
            }
            return d.mean + d.sd * (mirrored ? -shift : shift);
          },
          [](const LogNormalDistribution& d) { return std::exp(d.mu + 0.5 * d.sigma * d.sigma); },
          [](const ExponentialDistribution& d) { return d.mean; },
          [](const EmpiricalDistribution& d) {
            double sum = 0;
            for (double x : *d.samples) sum += x;
            return sum / static_cast<double>(d.samples->size());
          },
          [](const MixtureDistribution& d) {
            double total = 0, sum = 0;
            for (const MixtureComponent& c : *d.components) {
              total += c.weight;
              sum += c.weight * c.distribution.Mean();
            }
            return sum / total;
          },
      },
      kind_);
}

Distribution::Support Distribution::GetSupport() const {
  return std::visit(
      Overloaded{
          [](const ConstantDistribution& d) { return Support{d.value, d.value}; },
          [](const UniformDistribution& d) { return Support{d.min, d.max}; },
          [](const TruncatedNormalDistribution& d) { return Support{d.min, d.max}; },
          [](const LogNormalDistribution&) { return Support{0.0, kInf}; },
          [](const ExponentialDistribution&) { return Support{0.0, kInf}; },
          [](const EmpiricalDistribution& d) {
            const auto [lo, hi] = std::minmax_element(d.samples->begin(), d.samples->end());
            return Support{*lo, *hi};
          },
          [](const MixtureDistribution& d) {
            Support s{kInf, -kInf};
            for (const MixtureComponent& c : *d.components) {
              const Support part = c.distribution.GetSupport();
              s.min = std::min(s.min, part.min);
              s.max = std::max(s.max, part.max);
            }
            return s;
          },
      },
      kind_);
}

std::string Distribution::Describe() const {
  return std::visit(
      Overloaded{
          [](const ConstantDistribution& d) { return "constant(" + Num(d.value) + ")"; },
          [](const UniformDistribution& d) {
            return "uniform(min=" + Num(d.min) + ", max=" + Num(d.max) + ")";
          },
          [](const TruncatedNormalDistribution& d) {
            std::string s = "truncated_normal(mean=" + Num(d.mean) + ", sd=" + Num(d.sd);
            if (!std::isinf(d.min)) s += ", min=" + Num(d.min);
            if (!std::isinf(d.max)) s += ", max=" + Num(d.max);
            return s + ")";
          },
          [](const LogNormalDistribution& d) {
            if (d.median > 0) {
              return "lognormal(median=" + Num(d.median) + ", p95=" + Num(d.p95) + ")";
            }
            return "lognormal(mu=" + Num(d.mu) + ", sigma=" + Num(d.sigma) + ")";
          },
          [](const ExponentialDistribution& d) { return "exponential(mean=" + Num(d.mean) + ")"; },
          [](const EmpiricalDistribution& d) {
            return "empirical(" + d.source + ", " + std::to_string(d.samples->size()) +
                   " samples)";
          },
          [](const MixtureDistribution& d) {
            std::string s = "mixture(";
            for (std::size_t i = 0; i < d.components->size(); ++i) {
              const MixtureComponent& c = (*d.components)[i];
              if (i > 0) s += ", ";
              s += Num(c.weight) + ": " + c.distribution.Describe();
            }
            return s + ")";
          },
      },
      kind_);
}

}  // namespace agentsim
