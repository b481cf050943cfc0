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

  // A child stream for `key`; depends only on this stream's identity and `key`. Inline: a
  // literal key's hash folds at compile time.
  Rng Fork(std::string_view key) const;
  Rng Fork(std::uint64_t key) const;

  std::uint64_t identity() const { return identity_; }

  // Uniform 64 random bits. Inline (as Uniform01): every draw goes through it.
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
constexpr std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

// SplitMix64 finaliser: a bijective 64-bit mix.
constexpr std::uint64_t Mix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

inline Rng::Rng(std::uint64_t identity, bool) : identity_(identity) { Seed(identity); }

// SplitMix64 from the identity fills the state (the words are Mix64 of identity + k * golden).
inline void Rng::Seed(std::uint64_t identity) {
  constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
  s_[0] = Mix64(identity);
  s_[1] = Mix64(identity + kGolden);
  s_[2] = Mix64(identity + 2 * kGolden);
  s_[3] = Mix64(identity + 3 * kGolden);
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = kGolden;  // all-zero state is absorbing
}

inline Rng Rng::Fork(std::string_view key) const {
  return Rng(Mix64(identity_ ^ Mix64(Fnv1a64(key))), true);
}

inline Rng Rng::Fork(std::uint64_t key) const {
  return Rng(Mix64(identity_ ^ Mix64(key ^ 0x5851F42D4C957F2DULL)), true);
}

inline std::uint64_t Rng::NextU64() {
  const auto rotl = [](std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); };
  const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

inline double Rng::Uniform01() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

}  // namespace agentsim
