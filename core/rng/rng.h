// Rng: seeded, forkable pseudo-random streams with our own distributions.
//
// Generator: xoshiro256** (Blackman & Vigna), state seeded through SplitMix64. Every stream has
// an identity (a 64-bit key derived from the run seed and the stream's path of keys); `Fork`
// derives a child from that identity and the key only, never from how many numbers the parent
// has drawn, so adding a session or a draw never shifts another stream's numbers:
//
//   Rng run(seed);                       // identity = SplitMix64(seed)
//   Rng llm = run.Fork("llm");          // same for a given (seed, "llm") everywhere
//   Rng s42 = run.Fork("session").Fork(42);
//
// Distributions are implemented here, not with <random>'s (whose output differs between
// standard libraries). They use only + - * / and std::log/exp/sqrt/cos, IEEE-754 double.
// 40 bytes per stream; not thread-safe (one stream per logical actor).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace agentsim {

class Rng {
 public:
  explicit Rng(std::uint64_t seed);

  // A child stream for `key`; depends only on this stream's identity and `key`.
  Rng Fork(std::string_view key) const;
  Rng Fork(std::uint64_t key) const;

  std::uint64_t identity() const { return identity_; }

  // Uniform 64 random bits.
  std::uint64_t NextU64();
  // Uniform double in [0, 1) with 53 bits of precision.
  double Uniform01();
  // Uniform double in [lo, hi).
  double Uniform(double lo, double hi);
  // Uniform integer in [lo, hi] (inclusive), unbiased (Lemire's method). REQUIRES: lo <= hi.
  std::int64_t UniformInt(std::int64_t lo, std::int64_t hi);
  // Index in [0, n). REQUIRES: n > 0.
  std::size_t Index(std::size_t n);
  // True with probability p (p <= 0 never, p >= 1 always).
  bool Bernoulli(double p);
  // Normal(mean, stddev) by the Box-Muller transform (one draw of two uniforms per call).
  double Normal(double mean, double stddev);
  // exp(Normal(mu, sigma)).
  double LogNormal(double mu, double sigma);
  // Exponential with the given mean (inverse CDF). REQUIRES: mean > 0.
  double Exponential(double mean);

 private:
  Rng(std::uint64_t identity, bool);
  void Seed(std::uint64_t identity);

  std::uint64_t identity_;
  std::array<std::uint64_t, 4> s_;
};

// FNV-1a 64-bit of `bytes` (stream keys; stable across platforms).
std::uint64_t Fnv1a64(std::string_view bytes);
// SplitMix64 finaliser: a bijective 64-bit mix.
std::uint64_t Mix64(std::uint64_t x);

}  // namespace agentsim
