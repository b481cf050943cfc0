#include "reports/analysis/ab_statistics.h"

#include <algorithm>
#include <array>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace agentsim {
namespace {

// One arm reduced to what the tests use.
struct Arm {
  double n = 0;
  double mean = 0;
  double variance = 0;
};

// The data part shared by both tests: effect, its variance, and the Welch dof.
struct EffectMoments {
  double d = 0;
  double var = 0;
  double dof = 0;
};

bool Finite(double x) { return std::isfinite(x); }

// Shortest decimal form that reads back as `x` ("nan" and "inf" included), for messages.
std::string Num(double x) {
  std::array<char, 32> buffer{};
  const auto [end, ec] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
  return ec == std::errc() ? std::string(buffer.data(), end) : std::string("?");
}

Status CheckUnits(std::string_view role, double n) {
  if (!Finite(n) || n < 0) {
    return InvalidArgument(std::string(role) + ": n must be a finite number >= 0, got " + Num(n));
  }
  return {};
}

Result<Arm> ToArm(std::string_view role, const SampleMeanStatistic& s) {
  if (Status ok = CheckUnits(role, s.n); !ok) return std::unexpected(std::move(ok.error()));
  if (!Finite(s.sum) || !Finite(s.sum_squares)) {
    return InvalidArgument(std::string(role) + ": sum and sum_squares must be finite, got " +
                           Num(s.sum) + " and " + Num(s.sum_squares));
  }
  const Arm arm{s.n, s.mean(), s.variance()};
  if (!Finite(arm.mean) || !Finite(arm.variance)) {
    return InvalidArgument(std::string(role) + ": mean or variance overflows (n " + Num(s.n) +
                           ", sum " + Num(s.sum) + ")");
  }
  return arm;
}

Result<Arm> ToArm(std::string_view role, const ProportionStatistic& s) {
  if (Status ok = CheckUnits(role, s.n); !ok) return std::unexpected(std::move(ok.error()));
  if (!Finite(s.sum) || s.sum < 0 || s.sum > s.n) {
    return InvalidArgument(std::string(role) + ": conversions (sum) must be in [0, n = " +
                           Num(s.n) + "], got " + Num(s.sum));
  }
  return Arm{s.n, s.mean(), s.variance()};
}

Status CheckAlpha(double alpha) {
  if (!(alpha > 0 && alpha < 1)) {
    return InvalidArgument("alpha must be in (0, 1), got " + Num(alpha));
  }
  return {};
}

// gbstats' checks, in gbstats' order (EffectBayesianABTest.compute_result).
EffectStatus Classify(const Arm& a, const Arm& b, bool relative) {
  if (relative && a.mean == 0) return EffectStatus::kBaselineZero;
  if (a.n == 0 || b.n == 0) return EffectStatus::kNoUnits;
  if (a.n < 2 || b.n < 2 || !(a.variance > 0) || !(b.variance > 0)) {
    return EffectStatus::kZeroOrNegativeVariance;
  }
  return EffectStatus::kOk;
}

// REQUIRES: Classify(a, b, relative) == kOk. Returns kZeroOrNegativeVariance through `status`
// when the effect's variance is not a positive finite number.
EffectMoments Moments(const Arm& a, const Arm& b, bool relative, EffectStatus& status) {
  const double var_a_n = a.variance / a.n;  // squared standard error of mean_a
  const double var_b_n = b.variance / b.n;
  EffectMoments m;
  if (relative) {
    const double ratio = b.mean / a.mean;
    m.d = (b.mean - a.mean) / std::abs(a.mean);
    // (var_b/n_b)/mean_a^2 + (var_a/n_a) mean_b^2/mean_a^4, without forming mean_a^4.
    m.var = (var_b_n + var_a_n * ratio * ratio) / (a.mean * a.mean);
  } else {
    m.d = b.mean - a.mean;
    m.var = var_b_n + var_a_n;
  }
  const double sum = var_b_n + var_a_n;
  m.dof = sum * sum / (var_b_n * var_b_n / (b.n - 1) + var_a_n * var_a_n / (a.n - 1));
  if (!Finite(m.d) || !Finite(m.var) || !(m.var > 0) || !Finite(m.dof) || !(m.dof > 0)) {
    status = EffectStatus::kZeroOrNegativeVariance;
  }
  return m;
}

Result<EffectEstimate> Frequentist(const Result<Arm>& control, const Result<Arm>& variant,
                                   bool relative, double alpha) {
  if (!control) return std::unexpected(control.error());
  if (!variant) return std::unexpected(variant.error());
  if (Status ok = CheckAlpha(alpha); !ok) return std::unexpected(std::move(ok.error()));

  EffectEstimate out;
  out.status = Classify(*control, *variant, relative);
  if (out.status != EffectStatus::kOk) return out;
  const EffectMoments m = Moments(*control, *variant, relative, out.status);
  if (out.status != EffectStatus::kOk) return out;
  try {
    const boost::math::students_t t_dist(m.dof);
    out.effect = m.d;
    out.se = std::sqrt(m.var);
    out.dof = m.dof;
    const double t = m.d / out.se;
    out.p_value = std::min(1.0, 2 * boost::math::cdf(boost::math::complement(t_dist, std::abs(t))));
    const double width = boost::math::quantile(boost::math::complement(t_dist, alpha / 2)) * out.se;
    out.ci_low = m.d - width;
    out.ci_high = m.d + width;
  } catch (const std::exception& e) {
    return Internal("Student t (dof " + Num(m.dof) + ") failed: " + e.what());
  }
  return out;
}

Result<BayesianEstimate> Bayesian(const Result<Arm>& control, const Result<Arm>& variant,
                                  bool relative, const GaussianPrior& prior, double alpha) {
  if (!control) return std::unexpected(control.error());
  if (!variant) return std::unexpected(variant.error());
  if (Status ok = CheckAlpha(alpha); !ok) return std::unexpected(std::move(ok.error()));
  if (prior.proper && (!Finite(prior.mean) || !Finite(prior.variance) || !(prior.variance > 0))) {
    return InvalidArgument("a proper prior needs a finite mean and a finite variance > 0, got N(" +
                           Num(prior.mean) + ", " + Num(prior.variance) + ")");
  }

  BayesianEstimate out;
  out.status = Classify(*control, *variant, relative);
  if (out.status != EffectStatus::kOk) return out;
  const EffectMoments m = Moments(*control, *variant, relative, out.status);
  if (out.status != EffectStatus::kOk) return out;

  double mu = m.d;
  double sd = std::sqrt(m.var);
  if (prior.proper) {
    const double post_prec = 1 / m.var + 1 / prior.variance;
    mu = (m.d / m.var + prior.mean / prior.variance) / post_prec;
    sd = std::sqrt(1 / post_prec);
  }
  try {
    const boost::math::normal posterior(mu, sd);
    const boost::math::normal standard;
    out.effect = mu;
    out.se = sd;
    out.chance_to_win = boost::math::cdf(boost::math::complement(posterior, 0.0));
    out.ci_low = boost::math::quantile(posterior, alpha / 2);
    out.ci_high = boost::math::quantile(boost::math::complement(posterior, alpha / 2));
    // E[max(X, 0)] = mu Phi(z) + sd phi(z) and E[max(-X, 0)] = sd phi(z) - mu Phi(-z), z = mu/sd.
    const double z = mu / sd;
    const double density = boost::math::pdf(standard, z);
    out.risk_control = std::max(0.0, mu * boost::math::cdf(standard, z) + sd * density);
    out.risk_variant = std::max(0.0, sd * density - mu * boost::math::cdf(standard, -z));
  } catch (const std::exception& e) {
    return Internal("normal N(" + Num(mu) + ", " + Num(sd) + ") failed: " + e.what());
  }
  return out;
}

}  // namespace

double SampleMeanStatistic::mean() const { return n == 0 ? 0 : sum / n; }

double SampleMeanStatistic::variance() const {
  if (n <= 1) return 0;
  return (sum_squares - sum * sum / n) / (n - 1);
}

double ProportionStatistic::mean() const { return n == 0 ? 0 : sum / n; }

double ProportionStatistic::variance() const {
  const double p = mean();
  return p * (1 - p);
}

std::string_view EffectStatusName(EffectStatus status) {
  switch (status) {
    case EffectStatus::kOk:
      return "ok";
    case EffectStatus::kBaselineZero:
      return "baseline_zero";
    case EffectStatus::kNoUnits:
      return "no_units";
    case EffectStatus::kZeroOrNegativeVariance:
      return "zero_or_negative_variance";
  }
  return "unknown";
}

Result<EffectEstimate> FrequentistTwoSided(const SampleMeanStatistic& control,
                                           const SampleMeanStatistic& variant, bool relative,
                                           double alpha) {
  return Frequentist(ToArm("control", control), ToArm("variant", variant), relative, alpha);
}

Result<EffectEstimate> FrequentistTwoSided(const ProportionStatistic& control,
                                           const ProportionStatistic& variant, bool relative,
                                           double alpha) {
  return Frequentist(ToArm("control", control), ToArm("variant", variant), relative, alpha);
}

Result<BayesianEstimate> BayesianEffect(const SampleMeanStatistic& control,
                                        const SampleMeanStatistic& variant, bool relative,
                                        const GaussianPrior& prior, double alpha) {
  return Bayesian(ToArm("control", control), ToArm("variant", variant), relative, prior, alpha);
}

Result<BayesianEstimate> BayesianEffect(const ProportionStatistic& control,
                                        const ProportionStatistic& variant, bool relative,
                                        const GaussianPrior& prior, double alpha) {
  return Bayesian(ToArm("control", control), ToArm("variant", variant), relative, prior, alpha);
}

std::string_view SrmHealthName(SrmHealth health) {
  switch (health) {
    case SrmHealth::kHealthy:
      return "healthy";
    case SrmHealth::kUnhealthy:
      return "unhealthy";
    case SrmHealth::kNotEnoughTraffic:
      return "not_enough_traffic";
  }
  return "unknown";
}

Result<SrmResult> SrmCheck(const std::vector<double>& observed_users,
                           const std::vector<double>& weights, double threshold,
                           double min_users_per_variation) {
  const std::size_t k = observed_users.size();
  if (weights.size() != k) {
    return InvalidArgument("SRM: " + std::to_string(k) + " user counts but " +
                           std::to_string(weights.size()) + " weights");
  }
  if (k < 2) return InvalidArgument("SRM: needs at least 2 arms, got " + std::to_string(k));
  if (!(threshold > 0 && threshold <= 1)) {
    return InvalidArgument("SRM: threshold must be in (0, 1], got " + Num(threshold));
  }
  if (!Finite(min_users_per_variation) || min_users_per_variation < 0) {
    return InvalidArgument("SRM: min_users_per_variation must be finite and >= 0, got " +
                           Num(min_users_per_variation));
  }
  double total_users = 0;
  double total_weight = 0;
  for (std::size_t i = 0; i < k; ++i) {
    if (!Finite(observed_users[i]) || observed_users[i] < 0) {
      return InvalidArgument("SRM: arm " + std::to_string(i) +
                             ": users must be finite and >= 0, got " + Num(observed_users[i]));
    }
    if (!Finite(weights[i]) || weights[i] < 0) {
      return InvalidArgument("SRM: arm " + std::to_string(i) +
                             ": weight must be finite and >= 0, got " + Num(weights[i]));
    }
    total_users += observed_users[i];
    total_weight += weights[i];
  }
  if (!(total_weight > 0)) return InvalidArgument("SRM: all weights are 0");

  SrmResult out;
  out.degrees_of_freedom = static_cast<double>(k - 1);
  out.total_users = total_users;
  if (total_users > 0) {
    for (std::size_t i = 0; i < k; ++i) {
      if (weights[i] <= 0) continue;
      const double expected = weights[i] / total_weight * total_users;
      const double diff = observed_users[i] - expected;
      out.chi2 += diff * diff / expected;
    }
    if (!Finite(out.chi2)) {
      return InvalidArgument("SRM: chi-square overflows (user counts or weights out of range)");
    }
    try {
      const boost::math::chi_squared chi2_dist(out.degrees_of_freedom);
      out.p_value = boost::math::cdf(boost::math::complement(chi2_dist, out.chi2));
    } catch (const std::exception& e) {
      return Internal("chi-square sf(" + Num(out.chi2) + ", " + Num(out.degrees_of_freedom) +
                      ") failed: " + e.what());
    }
  }
  if (total_users < static_cast<double>(k) * min_users_per_variation) {
    out.health = SrmHealth::kNotEnoughTraffic;
  } else if (out.p_value < threshold) {
    out.health = SrmHealth::kUnhealthy;
  } else {
    out.health = SrmHealth::kHealthy;
  }
  return out;
}

}  // namespace agentsim
