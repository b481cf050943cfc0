// A/B test statistics computed the way GrowthBook's gbstats computes them, so that an agentsim
// report and a GrowthBook results page agree when given the same sums:
// - frequentist two-sided Welch t-test (gbstats `frequentist/tests.py`, TwoSidedTTest);
// - Bayesian effect with a Gaussian prior, flat unless asked (gbstats `bayesian/tests.py`,
//   EffectBayesianABTest);
// - sample ratio mismatch (gbstats `utils.py` check_srm, with the health rule of GrowthBook's
//   `packages/shared/src/health/health.ts` getSRMHealthData).
// Reference: growthbook/growthbook packages/stats (gbstats 0.8.0) @
// 8f1db4456915a8e7b7faf23d5632ca7219d2f469 (MIT, (c) 2024 GrowthBook, Inc.). The formulas are
// those of the `_definitions` of /work/shared/vectors/gbstats-vectors.json; every distribution
// function (Student t, normal, chi-square) is Boost.Math's.
//
// Units. Sample statistics are in the metric's own unit (ms, turns, ...); proportions count
// conversions, so their mean is a fraction in [0, 1]. An absolute effect (and its se, CI, risk)
// is in the metric's unit; a relative effect is a fraction of the control mean (0.05 = +5%).
// p-values, chance to win and alpha are probabilities in [0, 1]; dof is degrees of freedom.
//
// Errors. Malformed input (NaN or infinite fields, n < 0, a proportion with sum outside [0, n],
// alpha outside (0, 1), an improper prior variance) is an InvalidArgument error. Data that gbstats
// declines to analyse is NOT an error: the result carries a status other than kOk and gbstats'
// default (uninformative) numbers, exactly as gbstats returns `_default_output(message)`.
// No function returns NaN.
#pragma once

#include <string_view>
#include <vector>

#include "core/util/error.h"

namespace agentsim {

// Per-unit sums of a numeric metric over one arm.
struct SampleMeanStatistic {
  double n = 0;            // units (users, sessions) in the arm
  double sum = 0;          // sum of the metric over the units
  double sum_squares = 0;  // sum of the squared metric over the units

  // sum / n; 0 when n == 0 (as gbstats).
  double mean() const;
  // Sample variance (sum_squares - sum^2 / n) / (n - 1); 0 when n <= 1. Negative when the sums
  // are inconsistent (the effect functions then report kZeroOrNegativeVariance).
  double variance() const;
};

// Conversions over one arm (a binary metric).
struct ProportionStatistic {
  double n = 0;    // units in the arm
  double sum = 0;  // units that converted, in [0, n]

  // sum / n; 0 when n == 0 (as gbstats).
  double mean() const;
  // mean * (1 - mean) (population variance of a Bernoulli variable, as gbstats).
  double variance() const;
};

// Why an effect was or was not computed. Checked in this order (gbstats EffectBayesianABTest's).
enum class EffectStatus {
  kOk,
  // Relative effect with control mean 0 (gbstats BASELINE_VARIATION_ZERO_MESSAGE).
  kBaselineZero,
  // An arm has n == 0 (gbstats NO_UNITS_IN_VARIATION_MESSAGE).
  kNoUnits,
  // An arm has variance <= 0 or n < 2 (variance undefined), or the effect's variance is not a
  // positive finite number (gbstats ZERO_NEGATIVE_VARIANCE_MESSAGE); also when the effect or
  // the dof overflows.
  kZeroOrNegativeVariance,
};

// "ok", "baseline_zero", "no_units", "zero_or_negative_variance".
std::string_view EffectStatusName(EffectStatus status);

// Result of FrequentistTwoSided. When status != kOk every number is gbstats' default output:
// effect 0, se 0, dof 0, p_value 1, CI [0, 0].
struct EffectEstimate {
  double effect = 0;   // variant minus control: absolute, or relative to |control mean|
  double se = 0;       // standard error of `effect` (gbstats uplift.stddev)
  double dof = 0;      // Welch-Satterthwaite degrees of freedom
  double p_value = 1;  // two-sided
  double ci_low = 0;   // (1 - alpha) confidence interval for `effect`
  double ci_high = 0;
  EffectStatus status = EffectStatus::kOk;

  bool computable() const { return status == EffectStatus::kOk; }
};

// Welch two-sided t-test of variant against control (gbstats TwoSidedTTest):
//   absolute: d = mean_b - mean_a, var = var_b/n_b + var_a/n_a
//   relative: d = (mean_b - mean_a) / |mean_a|,
//             var = (var_b/n_b) / mean_a^2 + (var_a/n_a) * mean_b^2 / mean_a^4 (delta method)
//   dof = (var_b/n_b + var_a/n_a)^2 / ((var_b/n_b)^2/(n_b-1) + (var_a/n_a)^2/(n_a-1)), from
//         the raw per-unit variances even for relative effects
//   t = d / se; p = 2 (1 - T_cdf(|t|, dof)); CI = d -/+ T_ppf(1 - alpha/2, dof) * se.
// p is computed as 2 * T_sf(|t|) (Boost's complement), the same number without gbstats' loss of
// precision when p is tiny. Older gbstats divided by the signed control mean; for a negative
// control mean the relative effect here has the sign of the absolute effect (as in _definitions).
// Returns InvalidArgument on malformed input (see the file comment).
Result<EffectEstimate> FrequentistTwoSided(const SampleMeanStatistic& control,
                                           const SampleMeanStatistic& variant, bool relative,
                                           double alpha = 0.05);
Result<EffectEstimate> FrequentistTwoSided(const ProportionStatistic& control,
                                           const ProportionStatistic& variant, bool relative,
                                           double alpha = 0.05);

// Gaussian prior on the effect, on the scale of the effect (relative or absolute). gbstats'
// default is improper (flat): mean and variance are then ignored.
struct GaussianPrior {
  double mean = 0;
  double variance = 1;  // REQUIRES (when proper): finite and > 0
  bool proper = false;
};

// Result of BayesianEffect. When status != kOk every number is gbstats' default output:
// chance to win 0.5, effect 0, se 0, CI [0, 0], risk [0, 0].
struct BayesianEstimate {
  double effect = 0;           // posterior mean of the effect (gbstats `expected`)
  double se = 0;               // posterior standard deviation (gbstats uplift.stddev)
  double chance_to_win = 0.5;  // P(effect > 0)
  double ci_low = 0;           // central (1 - alpha) credible interval
  double ci_high = 0;
  double risk_control = 0;  // expected loss of shipping control: E[max(effect, 0)]
  double risk_variant = 0;  // expected loss of shipping variant: E[max(-effect, 0)]
  EffectStatus status = EffectStatus::kOk;

  bool computable() const { return status == EffectStatus::kOk; }
};

// Bayesian effect of variant against control (gbstats EffectBayesianABTest, non-inverse metric).
// The data give d and var exactly as FrequentistTwoSided; the posterior is X ~ N(mu, sd^2) with
//   flat prior:   mu = d, sd = sqrt(var)
//   proper prior: post_prec = 1/var + 1/prior.variance,
//                 mu = (d/var + prior.mean/prior.variance) / post_prec, sd = sqrt(1/post_prec)
//   chance_to_win = P(X > 0) = Phi(mu/sd); CI = normal quantiles alpha/2 and 1 - alpha/2;
//   risk = [(1 - P0) E[X | X > 0], -P0 E[X | X < 0]] with P0 = Phi(-mu/sd), evaluated in closed
//          form (mu Phi(mu/sd) + sd phi(mu/sd), and its mirror), never below 0.
// Returns InvalidArgument on malformed input (see the file comment).
Result<BayesianEstimate> BayesianEffect(const SampleMeanStatistic& control,
                                        const SampleMeanStatistic& variant, bool relative,
                                        const GaussianPrior& prior = {}, double alpha = 0.05);
Result<BayesianEstimate> BayesianEffect(const ProportionStatistic& control,
                                        const ProportionStatistic& variant, bool relative,
                                        const GaussianPrior& prior = {}, double alpha = 0.05);

// GrowthBook's defaults (packages/shared/src/constants.ts DEFAULT_SRM_THRESHOLD and
// DEFAULT_SRM_MINIMINUM_COUNT_PER_VARIATION).
inline constexpr double kSrmThreshold = 0.001;
inline constexpr double kSrmMinUsersPerVariation = 8;

enum class SrmHealth {
  kHealthy,
  kUnhealthy,         // sample ratio mismatch: the split is not the configured one
  kNotEnoughTraffic,  // too few users to judge (never flagged)
};

// "healthy", "unhealthy", "not_enough_traffic".
std::string_view SrmHealthName(SrmHealth health);

struct SrmResult {
  double chi2 = 0;                // Pearson chi-square statistic
  double degrees_of_freedom = 0;  // k - 1, k = number of arms passed
  double p_value = 1;             // chi2 survival function at `chi2`
  double total_users = 0;         // sum of the observed users
  SrmHealth health = SrmHealth::kNotEnoughTraffic;

  bool flagged() const { return health == SrmHealth::kUnhealthy; }
};

// Sample ratio mismatch test of the observed users per arm against the configured weights.
// Statistic (gbstats utils.check_srm):
//   N = sum(users); e_i = w_i / sum(w) * N; chi2 = sum over arms with w_i > 0 of (o_i - e_i)^2/e_i
//   p = chi2.sf(chi2, k - 1) with k = ALL arms passed (zero-weight arms included, as gbstats);
//   users in a zero-weight arm count in N but add no term. N == 0 gives chi2 0 and p 1.
// Health (GrowthBook getSRMHealthData), in this order:
//   N < k * min_users_per_variation  -> kNotEnoughTraffic  (a rule on the TOTAL, not per arm:
//                                       {0, 16} users with k = 2 is judged; {0, 15} is not)
//   p < threshold                    -> kUnhealthy (flagged)
//   otherwise                        -> kHealthy
// Weights need not sum to 1. Returns InvalidArgument when the vectors differ in size, have fewer
// than 2 arms, hold a negative or non-finite value, or all weights are 0; or when threshold is
// not in (0, 1] or min_users_per_variation is negative or not finite.
Result<SrmResult> SrmCheck(const std::vector<double>& observed_users,
                           const std::vector<double>& weights, double threshold = kSrmThreshold,
                           double min_users_per_variation = kSrmMinUsersPerVariation);

}  // namespace agentsim
