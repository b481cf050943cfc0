#include "reports/analysis/paired_comparison.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace agentsim {

Result<PairedResult> PairedDifference(const std::map<std::uint64_t, double>& baseline,
                                      const std::map<std::uint64_t, double>& variant,
                                      double alpha) {
  if (!(alpha > 0 && alpha < 1)) {
    return InvalidArgument("alpha must be in (0, 1), got " + std::to_string(alpha));
  }
  std::vector<double> diffs;
  double base_sum = 0, variant_sum = 0;
  for (const auto& [key, b] : baseline) {
    auto it = variant.find(key);
    if (it == variant.end() || !std::isfinite(b) || !std::isfinite(it->second)) continue;
    diffs.push_back(it->second - b);
    base_sum += b;
    variant_sum += it->second;
  }
  PairedResult r;
  r.pairs = static_cast<std::int64_t>(diffs.size());
  if (diffs.size() < 2) {
    r.status = "no_pairs";
    return r;
  }
  const double n = static_cast<double>(diffs.size());
  r.baseline_mean = base_sum / n;
  r.variant_mean = variant_sum / n;
  double sum = 0;
  for (double d : diffs) sum += d;
  r.mean_diff = sum / n;
  double squares = 0;
  for (double d : diffs) squares += (d - r.mean_diff) * (d - r.mean_diff);
  r.sd_diff = std::sqrt(squares / (n - 1));
  const double se = r.sd_diff / std::sqrt(n);
  if (!(se > 0)) {
    r.status = "zero_variance";
    r.ci_low = r.ci_high = r.mean_diff;
    r.p_value = r.mean_diff != 0 ? 0.0 : 1.0;
    return r;
  }
  const boost::math::students_t dist(n - 1);
  const double t = r.mean_diff / se;
  r.p_value = std::min(1.0, 2 * boost::math::cdf(boost::math::complement(dist, std::fabs(t))));
  const double q = boost::math::quantile(boost::math::complement(dist, alpha / 2));
  r.ci_low = r.mean_diff - q * se;
  r.ci_high = r.mean_diff + q * se;
  r.status = "ok";
  return r;
}

}  // namespace agentsim
