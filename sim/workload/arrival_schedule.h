// ArrivalSchedule: the instants at which an open-model executor (sim/workload/executors.h)
// starts sessions, one after another, as k6 schedules iterations.
//
// Deterministic arrivals (k6's schedule, lib/executor/constant_arrival_rate.go and
// ramping_arrival_rate.go):
//   constant-arrival-rate  arrival i = 0, 1, 2, ... at i * time_unit / rate: the first at 0;
//                          10 per second for 1 s start at 0, 100, ..., 900 ms.
//   ramping-arrival-rate   arrival i = 1, 2, ... when the expected count (the integral of the
//                          piecewise-linear rate from 0) reaches i, solved exactly per stage;
//                          the first is not at 0 (a constant 10/s stage starts at 100 ms).
// Poisson arrivals (same mean rate):
//   constant-arrival-rate  the first at 0, then gaps of llround(Exponential(time_unit / rate))
//                          µs each (as the runner drew them before executors existed).
//   ramping-arrival-rate   the time-changed Poisson process: arrival i when the expected count
//                          reaches E1 + ... + Ei, Ek ~ Exponential(1). Exact for any ramp and
//                          one draw per arrival (no thinning, no rejected draws).
// Instants are rounded to the nearest µs and never decrease; only those in [0, end) are
// produced (an arrival falling exactly at the end is not, so 10/s for 1 s is 10 arrivals and a
// 10/s ramping stage of 1 s gives 9, at 100..900 ms, as k6 usually runs them).
#pragma once

#include <cstdint>
#include <optional>

#include "core/ports/clock.h"
#include "core/rng/rng.h"
#include "sim/workload/executors.h"
#include "sim/workload/rate_profile.h"

namespace agentsim {

class ArrivalSchedule {
 public:
  // `rng` is drawn from only with Poisson arrivals (pass the run's "arrivals" stream).
  // REQUIRES: a spec the executor parser accepts (rate > 0, time unit > 0, durations >= 0).
  ArrivalSchedule(const ConstantArrivalRate& spec, Rng rng);
  ArrivalSchedule(const RampingArrivalRate& spec, Rng rng);

  // The next arrival instant (µs from the workload's start), or nullopt once the schedule has
  // ended (and on every later call).
  std::optional<Micros> Next();

  // Arrivals returned by Next() so far.
  std::int64_t produced() const { return produced_; }
  // 0: unlimited. Pass to AdmitsArrival (sim/workload/executors.h) with the active count.
  std::int64_t max_concurrent() const { return max_concurrent_; }
  Micros end_us() const { return end_us_; }

 private:
  // The deterministic arrival i, rounded to µs; nullopt when at or after the end (or, for the
  // old form, past max_sessions).
  std::optional<Micros> DeterministicInstant(std::int64_t i) const;

  ArrivalProcess process_;
  Rng rng_;
  std::int64_t max_concurrent_;
  Micros end_us_;
  // constant-arrival-rate: rate per time unit; ramping: the profile.
  std::optional<ConstantArrivalRate> constant_;
  std::optional<RateProfile> profile_;
  std::int64_t produced_ = 0;
  Micros last_us_ = 0;
  double poisson_area_ = 0;  // ramping Poisson: E1 + ... + Ei
  bool done_ = false;
};

// How many instants the schedule ArrivalSchedule(spec, rng) produces fall in [t0, t1).
// Deterministic arrivals: a closed form, O(stages), `rng` unused. Poisson: replays the
// schedule, O(arrivals before t1).
std::int64_t CountArrivals(const ConstantArrivalRate& spec, const Rng& rng, Micros t0, Micros t1);
std::int64_t CountArrivals(const RampingArrivalRate& spec, const Rng& rng, Micros t0, Micros t1);

// The expected number of arrivals in [t0, t1) (the integral of the rate; no rounding).
double ExpectedArrivals(const RampingArrivalRate& spec, Micros t0, Micros t1);

}  // namespace agentsim
