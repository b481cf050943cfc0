#include "core/experiments/sample_reservoir.h"

#include <algorithm>
#include <cmath>

#include "core/util/percentile.h"

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
  return PercentileOfSorted(sorted, p);
}

}  // namespace agentsim
