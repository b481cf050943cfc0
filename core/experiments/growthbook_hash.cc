#include "core/experiments/growthbook_hash.h"

#include <cstddef>
#include <string>

namespace agentsim {

std::uint32_t Fnv1a32(std::string_view bytes) {
  std::uint32_t h = 0x811c9dc5u;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x01000193u;  // Unsigned arithmetic wraps modulo 2^32, as `>>> 0` does in JS.
  }
  return h;
}

std::optional<double> GrowthBookHash(std::string_view seed, std::string_view value, int version) {
  if (version == 2) {
    std::string joined;
    joined.reserve(seed.size() + value.size());
    joined.append(seed).append(value);
    const std::uint32_t inner = Fnv1a32(joined);
    return static_cast<double>(Fnv1a32(std::to_string(inner)) % 10000u) / 10000.0;
  }
  if (version == 1) {
    std::string joined;
    joined.reserve(value.size() + seed.size());
    joined.append(value).append(seed);
    return static_cast<double>(Fnv1a32(joined) % 1000u) / 1000.0;
  }
  return std::nullopt;
}

std::vector<double> GetEqualWeights(int num_variations) {
  if (num_variations <= 0) return {};
  return std::vector<double>(static_cast<std::size_t>(num_variations),
                             1.0 / static_cast<double>(num_variations));
}

std::vector<std::pair<double, double>> GetBucketRanges(int num_variations, double coverage,
                                                       std::optional<std::vector<double>> weights) {
  // Same comparisons as the SDK, so a NaN coverage or weight propagates exactly as it does there.
  coverage = coverage < 0 ? 0 : coverage > 1 ? 1 : coverage;

  std::vector<double> equal = GetEqualWeights(num_variations);
  std::vector<double> w = weights.has_value() ? std::move(*weights) : equal;
  if (w.size() != equal.size()) w = equal;
  double total = 0;
  for (double x : w) total += x;
  if (total < 0.99 || total > 1.01) w = equal;

  std::vector<std::pair<double, double>> ranges;
  ranges.reserve(w.size());
  double cumulative = 0;
  for (double x : w) {
    const double start = cumulative;
    cumulative += x;
    ranges.emplace_back(start, start + coverage * x);
  }
  return ranges;
}

int ChooseVariation(double n, const std::vector<std::pair<double, double>>& ranges) {
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (n >= ranges[i].first && n < ranges[i].second) return static_cast<int>(i);
  }
  return -1;
}

bool InNamespace(std::string_view hash_value, std::string_view namespace_id, double start,
                 double end) {
  std::string seed = "__";
  seed.append(namespace_id);
  const std::optional<double> n = GrowthBookHash(seed, hash_value, 1);
  return n.has_value() && *n >= start && *n < end;
}

}  // namespace agentsim
