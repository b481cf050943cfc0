#include "core/rng/rng.h"

#include <cmath>
#include <numbers>

namespace agentsim {
namespace {

constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;

__extension__ typedef unsigned __int128 Uint128;  // GCC extension; -Wpedantic-clean

std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t Mix64(std::uint64_t x) {
  x += kGolden;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t Fnv1a64(std::string_view bytes) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed) : Rng(Mix64(seed), true) {}

Rng::Rng(std::uint64_t identity, bool) : identity_(identity) { Seed(identity); }

void Rng::Seed(std::uint64_t identity) {
  std::uint64_t x = identity;
  for (auto& word : s_) {
    x += kGolden;
    std::uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    word = z ^ (z >> 31);
  }
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = kGolden;  // all-zero state is absorbing
}

Rng Rng::Fork(std::string_view key) const {
  return Rng(Mix64(identity_ ^ Mix64(Fnv1a64(key))), true);
}

Rng Rng::Fork(std::uint64_t key) const {
  return Rng(Mix64(identity_ ^ Mix64(key ^ 0x5851F42D4C957F2DULL)), true);
}

std::uint64_t Rng::NextU64() {
  const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

double Rng::Uniform01() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }

double Rng::Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform01(); }

std::int64_t Rng::UniformInt(std::int64_t lo, std::int64_t hi) {
  const std::uint64_t range = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
  if (range == UINT64_MAX) return static_cast<std::int64_t>(NextU64());
  const std::uint64_t n = range + 1;
  // Lemire, "Fast Random Integer Generation in an Interval" (2019).
  Uint128 m = static_cast<Uint128>(NextU64()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Uint128>(NextU64()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return lo + static_cast<std::int64_t>(static_cast<std::uint64_t>(m >> 64));
}

std::size_t Rng::Index(std::size_t n) {
  return static_cast<std::size_t>(UniformInt(0, static_cast<std::int64_t>(n) - 1));
}

bool Rng::Bernoulli(double p) {
  if (p <= 0.0) return false;
  if (p >= 1.0) return true;
  return Uniform01() < p;
}

double Rng::Normal(double mean, double stddev) {
  // 1 - U01 lies in (0, 1], so the log is finite.
  const double u1 = 1.0 - Uniform01();
  const double u2 = Uniform01();
  const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  return mean + stddev * z;
}

double Rng::LogNormal(double mu, double sigma) { return std::exp(Normal(mu, sigma)); }

double Rng::Exponential(double mean) { return -mean * std::log(1.0 - Uniform01()); }

}  // namespace agentsim
