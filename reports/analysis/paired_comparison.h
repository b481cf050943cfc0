// Paired comparison of two runs of the same workload under common random numbers (agentsim
// compare): session i of the variant run is paired with session i of the baseline run, so the
// difference of a per-session metric removes what the sessions share (user, utterances, backend
// draws) and leaves the config's effect.
//
// For n pairs with both values defined: d_i = variant_i - baseline_i,
//   mean_diff = mean(d), sd = sample standard deviation of d, se = sd / sqrt(n),
//   t = mean_diff / se, p = 2 * T_sf(|t|, n - 1) (two-sided),
//   CI = mean_diff -/+ T_ppf(1 - alpha/2, n - 1) * se                 (Boost.Math students_t)
// Status "no_pairs" (n < 2: nothing computed, p 1, CI [0, 0]) and "zero_variance" (every
// difference equal: the CI is [mean_diff, mean_diff] and p is 0 when mean_diff != 0, else 1).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/util/error.h"

namespace agentsim {

struct PairedResult {
  std::int64_t pairs = 0;
  double baseline_mean = 0;
  double variant_mean = 0;
  double mean_diff = 0;
  double sd_diff = 0;
  double ci_low = 0;
  double ci_high = 0;
  double p_value = 1;
  std::string status;  // ok | no_pairs | zero_variance
};

// Values by pairing key (session id); keys present in only one map, or non-finite values, are
// skipped. Errors: kInvalidArgument for alpha outside (0, 1).
Result<PairedResult> PairedDifference(const std::map<std::uint64_t, double>& baseline,
                                      const std::map<std::uint64_t, double>& variant,
                                      double alpha = 0.05);

}  // namespace agentsim
