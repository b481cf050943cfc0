// Bounded-memory samples for percentiles (the rollout guardrail's p95 time to first audio).
//
// SampleReservoir keeps every value until `capacity` values have been added, so percentiles are
// exact up to there; past it, it keeps a uniform sample of everything added (reservoir sampling,
// Vitter's algorithm R) in which the slot replaced by the i-th value is chosen by a hash of
// (seed, i) instead of a random draw. The kept set therefore depends only on the seed and the
// sequence of values: the same run keeps the same samples, with no Rng stream to thread through.
//
// Percentiles use k6's method (core/util/percentile.h). Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace agentsim {

class SampleReservoir {
 public:
  // Keeps at most max(capacity, 1) values. `seed` selects which values survive replacement.
  SampleReservoir(std::size_t capacity, std::uint64_t seed);

  // Adds one value: appended while fewer than capacity are held; afterwards the i-th value
  // (0-based) replaces slot j = Mix(seed, i) mod (i + 1) when j < capacity, else is dropped.
  void Add(double value);

  // Values added so far (kept or not).
  std::uint64_t seen() const { return seen_; }
  // The kept values, in slot order (not sorted). Size min(seen, capacity).
  const std::vector<double>& samples() const { return samples_; }
  std::size_t capacity() const { return capacity_; }

  // PercentileOfSorted of the kept values: exact while seen() <= capacity(), an estimate
  // from a uniform sample afterwards. 0 when empty.
  double Percentile(double p) const;

 private:
  std::size_t capacity_;
  std::uint64_t seed_;
  std::uint64_t seen_ = 0;
  std::vector<double> samples_;
};

}  // namespace agentsim
