#include "core/rng/rng.h"

#include <cmath>
#include <numbers>

namespace agentsim {
namespace {

__extension__ typedef unsigned __int128 Uint128;  // GCC extension; -Wpedantic-clean

}  // namespace

Rng::Rng(std::uint64_t seed) : Rng(Mix64(seed), true) {}

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
