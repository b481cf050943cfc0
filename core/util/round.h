// RoundHalfAway: std::llround inlined (GCC calls libm's lround for it at -O2): the nearest
// int64, halves away from zero. The same value as std::llround for every double; inline for
// finite |x| < 2^62 (the simulator's µs values), std::llround beyond (and for NaN and infinity,
// whose result std::llround leaves unspecified). Checked against std::llround in
// tests/core/util/round_test.cc.
#pragma once

#include <cmath>
#include <cstdint>

namespace agentsim {

inline std::int64_t RoundHalfAway(double x) {
  if (!(std::fabs(x) < 0x1p62)) return std::llround(x);
  // Toward zero, exact: |x| < 2^62 fits. x - t is exact too (for |x| >= 2^52, x is an integer
  // and the difference is 0).
  const auto t = static_cast<std::int64_t>(x);
  const double fraction = x - static_cast<double>(t);
  return t + (fraction >= 0.5 ? 1 : 0) - (fraction <= -0.5 ? 1 : 0);
}

}  // namespace agentsim
