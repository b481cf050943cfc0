#include "core/experiments/sample_reservoir.h"

#include <algorithm>
#include <cmath>

namespace agentsim {
namespace {

// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective mix of 64 bits.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

double InterpolatedPercentile(std::span<const double> sorted_values, double p) {
  if (sorted_values.empty()) return 0.0;
  p = p > 0.0 ? std::min(p, 1.0) : 0.0;  // clamps to [0, 1]; NaN becomes 0
  const double rank = p * static_cast<double>(sorted_values.size() - 1);
  const double lower_rank = std::floor(rank);
  const auto lower = static_cast<std::size_t>(lower_rank);
  const auto upper = std::min(static_cast<std::size_t>(std::ceil(rank)), sorted_values.size() - 1);
  const double lower_value = sorted_values[lower];
  return lower_value + (sorted_values[upper] - lower_value) * (rank - lower_rank);
}

SampleReservoir::SampleReservoir(std::size_t capacity, std::uint64_t seed)
    : capacity_(std::max<std::size_t>(capacity, 1)), seed_(seed) {}

void SampleReservoir::Add(double value) {
  const std::uint64_t i = seen_++;
  if (samples_.size() < capacity_) {
    samples_.push_back(value);
    return;
  }
  const std::uint64_t j = Mix(seed_ ^ Mix(i)) % (i + 1);
  if (j < capacity_) samples_[static_cast<std::size_t>(j)] = value;
}

double SampleReservoir::Percentile(double p) const {
  std::vector<double> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  return InterpolatedPercentile(sorted, p);
}

}  // namespace agentsim
