#include "core/util/percentile.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>

namespace agentsim {

// k6's trend percentile (grafana/k6, TrendSink.P in metrics/sink.go; lib/metrics/sink.go in older
// releases): for n sorted values v, i = p * (n - 1) and
// result = v[floor(i)] + (v[ceil(i)] - v[floor(i)]) * (i - floor(i)); 0 when n = 0.
double PercentileOfSorted(std::span<const double> sorted_values, double p) {
  if (sorted_values.empty()) return 0.0;
  p = p > 0.0 ? std::min(p, 1.0) : 0.0;  // clamps to [0, 1]; NaN becomes 0
  const double rank = p * static_cast<double>(sorted_values.size() - 1);
  const double lower_rank = std::floor(rank);
  const auto lower = static_cast<std::size_t>(lower_rank);
  const auto upper = std::min(static_cast<std::size_t>(std::ceil(rank)), sorted_values.size() - 1);
  const double lower_value = sorted_values[lower];
  return lower_value + (sorted_values[upper] - lower_value) * (rank - lower_rank);
}

void SelectPercentiles(std::vector<double>& values, std::span<const double> ps,
                       std::span<double> out) {
  assert(ps.size() == out.size());
  // Everything before `placed` is final and no greater than any value from `placed` on.
  auto placed = values.begin();
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (values.empty()) {
      out[i] = 0.0;
      continue;
    }
    const double p = ps[i] > 0.0 ? std::min(ps[i], 1.0) : 0.0;  // as PercentileOfSorted
    const double rank = p * static_cast<double>(values.size() - 1);
    const double lower_rank = std::floor(rank);
    const auto lower = values.begin() + static_cast<std::ptrdiff_t>(lower_rank);
    if (lower >= placed) {
      std::nth_element(placed, lower, values.end());
      placed = lower + 1;
    }
    const double lower_value = *lower;
    const bool same = std::ceil(rank) == lower_rank || lower + 1 == values.end();
    // The next rank's value: the least of those after `lower` (all of them are >= it).
    const double upper_value = same ? lower_value : *std::min_element(lower + 1, values.end());
    out[i] = lower_value + (upper_value - lower_value) * (rank - lower_rank);
  }
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return PercentileOfSorted(values, p);
}

}  // namespace agentsim
