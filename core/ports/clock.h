// Clock port: the only source of time for core/. In the simulator it is the event loop's
// virtual clock (integer microseconds since the start of the run); a real deployment would plug
// in a wall-clock executor. Core code never reads ambient time.
#pragma once

#include <cstdint>

#include "core/async/task.h"

namespace agentsim {

// Durations and instants are integer microseconds (µs) throughout agentsim.
using Micros = std::int64_t;

inline constexpr Micros kMicrosPerMilli = 1000;
inline constexpr Micros kMicrosPerSecond = 1000 * 1000;

class Clock {
 public:
  virtual ~Clock() = default;
  // Current time in µs. Monotone non-decreasing.
  virtual Micros NowMicros() const = 0;
  // Completes after `duration` µs (0 still yields to other ready work). Negative means 0.
  virtual Task<void> SleepFor(Micros duration) = 0;
};

}  // namespace agentsim
