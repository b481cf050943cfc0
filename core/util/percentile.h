// Percentiles as k6 computes them for its trend metrics (p(90), p(95), ...), so that thresholds
// written in k6's grammar mean the same thing here: sort ascending, take the fractional rank
// i = p * (n - 1) and interpolate linearly between the two neighbouring values.
#pragma once

#include <span>
#include <vector>

namespace agentsim {

// Returns the p-th percentile (p a fraction in [0, 1]; values outside, and NaN, are clamped) of
// `sorted_values`, which must be sorted ascending. Returns 0 for an empty set.
// REQUIRES: no NaN among the values.
double PercentileOfSorted(std::span<const double> sorted_values, double p);

// As PercentileOfSorted, after sorting `values` (taken by value; move in to avoid a copy).
double Percentile(std::vector<double> values, double p);

// The percentiles `ps` (ascending fractions, clamped as above) of `values` into `out` (same
// size as `ps`): exactly PercentileOfSorted's numbers for the sorted values, found by selection
// (std::nth_element per rank, then the least value above it) in O(n) per percentile instead of
// a sort. Reorders `values`. REQUIRES: ps ascending, no NaN among the values.
void SelectPercentiles(std::vector<double>& values, std::span<const double> ps,
                       std::span<double> out);

}  // namespace agentsim
