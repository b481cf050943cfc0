// Clock port: the only source of time for core/. In the simulator it is the event loop's
// virtual clock (integer microseconds since the start of the run); a real deployment would plug
// in a wall-clock executor. Core code never reads ambient time.
#pragma once

#include <coroutine>
#include <cstdint>

#include "core/async/task.h"

namespace agentsim {

// Durations and instants are integer microseconds (µs) throughout agentsim.
using Micros = std::int64_t;

inline constexpr Micros kMicrosPerMilli = 1000;
inline constexpr Micros kMicrosPerSecond = 1000 * 1000;

// Identifies a scheduled resumption so that it can be cancelled.
using TimerId = std::uint64_t;

// The clock and the scheduler of one single-threaded executor.
class Clock {
 public:
  virtual ~Clock() = default;
  // Current time in µs. Monotone non-decreasing.
  virtual Micros NowMicros() const = 0;
  // Completes after `duration` µs (0 still yields to other ready work). Negative means 0.
  virtual Task<void> SleepFor(Micros duration) = 0;
  // Resumes `h` at `t_us` (clamped to now), after everything already scheduled for that time.
  // REQUIRES: h stays suspended and valid until resumed or the timer is cancelled.
  virtual TimerId ScheduleAt(Micros t_us, std::coroutine_handle<> h) = 0;
  // Cancels a scheduled resumption; it will not run. REQUIRES: it has not run yet. Returns
  // false when it was already cancelled. Cancelling never resumes anything.
  virtual bool Cancel(TimerId id) = 0;
};

}  // namespace agentsim
