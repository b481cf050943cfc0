// Workload executors: when sessions start, modelled on k6's executors (docs/workload.md).
//
// Open model (sessions start on schedule whatever the system does):
//   constant-arrival-rate  `rate` sessions per `time_unit` for `duration`
//   ramping-arrival-rate   from `start_rate`, linearly to each stage's target over its duration
//   Both produce instants through ArrivalSchedule (sim/workload/arrival_schedule.h). An arrival
//   that finds `max_concurrent` sessions of the executor active is dropped, as k6 drops an
//   iteration when no VU is free (its dropped_iterations metric): see AdmitsArrival.
//
// Closed model (N users, each starting a new session when its previous one ends):
//   constant-sessions      `sessions` users for `duration`
//   ramping-sessions       from `start_sessions`, linearly to each stage's target
//   Both are described by ConcurrencySchedule (sim/workload/concurrency_schedule.h).
//
// Times are µs of virtual time from the start of the workload; rates are sessions per
// `time_unit_us`.
#pragma once

#include <cstdint>
#include <limits>
#include <string_view>
#include <variant>
#include <vector>

#include "core/ports/clock.h"
#include "core/rng/distribution.h"

namespace agentsim {

// A duration without end (the old workload form, bounded by a session count instead).
inline constexpr Micros kNoEnd = std::numeric_limits<Micros>::max();

enum class ArrivalProcess {
  kDeterministic,  // evenly spaced, k6's schedule ("arrivals": "deterministic", the default)
  kPoisson,        // exponential gaps, the same mean rate ("arrivals": "poisson")
};

// A stage of a ramping executor: the rate (or number of users) moves linearly from the
// previous stage's target (or the start value) to `target` over `duration_us`; a stage of
// duration 0 jumps to its target.
struct RateStage {
  double target = 0;  // sessions per time unit at the end of the stage
  Micros duration_us = 0;
};
struct SessionStage {
  std::int64_t target = 0;  // concurrent users at the end of the stage
  Micros duration_us = 0;
};

struct ConstantArrivalRate {
  double rate = 1;  // sessions per time unit, > 0
  Micros time_unit_us = kMicrosPerSecond;
  Micros duration_us = 0;  // arrivals at instants in [0, duration); kNoEnd: without end
  std::int64_t max_concurrent = 0;  // 0: unlimited
  ArrivalProcess arrivals = ArrivalProcess::kDeterministic;
  std::int64_t max_sessions = 0;  // 0: unlimited; the old form's `sessions`
};

struct RampingArrivalRate {
  double start_rate = 0;  // sessions per time unit at t = 0
  Micros time_unit_us = kMicrosPerSecond;
  std::vector<RateStage> stages;  // the executor lasts the sum of their durations
  std::int64_t max_concurrent = 0;  // 0: unlimited
  ArrivalProcess arrivals = ArrivalProcess::kDeterministic;
};

struct ConstantSessions {
  std::int64_t sessions = 1;  // concurrent users
  Micros duration_us = 0;     // no session starts at or after this instant
  Distribution gap_ms;        // a user's pause between two sessions, in ms (default 0)
};

struct RampingSessions {
  std::int64_t start_sessions = 0;
  std::vector<SessionStage> stages;
  Distribution gap_ms;  // as ConstantSessions::gap_ms
};

using WorkloadExecutor =
    std::variant<ConstantArrivalRate, RampingArrivalRate, ConstantSessions, RampingSessions>;

// "constant-arrival-rate", "ramping-arrival-rate", "constant-sessions", "ramping-sessions".
std::string_view ExecutorTypeName(const WorkloadExecutor& executor);

// True for the arrival-rate executors.
bool IsOpenModel(const WorkloadExecutor& executor);

// When the executor stops starting sessions (running sessions then finish): the duration,
// or the sum of the stages' durations; kNoEnd for the old form.
Micros ExecutorEnd(const WorkloadExecutor& executor);

// Open model: whether an arrival is started when `active_sessions` sessions of the executor
// are running (false: it is dropped, counted and never retried). max_concurrent 0 admits all.
inline bool AdmitsArrival(std::int64_t max_concurrent, std::int64_t active_sessions) {
  return max_concurrent <= 0 || active_sessions < max_concurrent;
}

// The old workload keys, {"sessions": N, "arrival_rate_per_s": R}: a Poisson
// constant-arrival-rate of R sessions per second, without end, that stops after N arrivals,
// with no concurrency limit. Its ArrivalSchedule draws exactly what the runner drew before
// (first arrival at 0, then llround(Exponential(1e6 / R)) µs gaps), so old scenarios give
// byte-identical reports.
WorkloadExecutor LegacyPoissonExecutor(std::int64_t sessions, double arrival_rate_per_s);

}  // namespace agentsim
