// RateProfile: a piecewise-linear arrival rate over virtual time and its integral, the
// expected number of arrivals, as k6's ramping-arrival-rate defines them. ArrivalSchedule
// (sim/workload/arrival_schedule.h) turns it into instants.
//
// Within a stage of duration D going from rate a to rate b (per time unit u), the expected
// count after x µs is A(x) = (a x + (b - a) x^2 / (2 D)) / u, and the instant where it reaches
// n is x = 2 n u / (a + sqrt(a^2 + 2 n (b - a) u / D)) (k6's formula, rationalised so that it
// is exact for a == b and stable for a small ramp).
#pragma once

#include <optional>
#include <vector>

#include "core/ports/clock.h"
#include "sim/workload/executors.h"

namespace agentsim {

class RateProfile {
 public:
  // REQUIRES: time_unit_us > 0; rates >= 0; durations >= 0.
  RateProfile(double start_rate, Micros time_unit_us, const std::vector<RateStage>& stages);

  Micros end_us() const { return end_us_; }
  // The expected number of arrivals in [0, end).
  double total() const;
  // The expected number of arrivals in [0, t); t is clamped to [0, end].
  double AreaBefore(Micros t) const;
  // The instant (µs, unrounded) at which the expected count reaches `area`, the earliest when
  // a stretch of rate 0 follows; nullopt when area > total(). REQUIRES: area > 0.
  std::optional<double> InstantOfArea(double area) const;
  // The rate (per time unit) at t: the start rate before 0, 0 at and after the end.
  double RateAt(Micros t) const;

 private:
  struct Segment {
    Micros start_us;
    Micros duration_us;
    double from_rate;
    double to_rate;
    double area_before;  // expected arrivals in [0, start)
    double area;         // expected arrivals in the segment
  };

  double time_unit_us_;
  double start_rate_;
  Micros end_us_ = 0;
  std::vector<Segment> segments_;
};

}  // namespace agentsim
