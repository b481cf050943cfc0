#include "sim/workload/arrival_schedule.h"

#include <algorithm>
#include <cmath>

namespace agentsim {
namespace {

// Instants at or beyond this many µs (about 292,000 years) are never produced: llround would
// overflow.
constexpr double kMaxInstant = 9.2e18;

// Deterministic constant-arrival-rate arrival i (>= 0): i * time_unit / rate, rounded.
std::optional<Micros> ConstantInstant(const ConstantArrivalRate& spec, std::int64_t i) {
  if (i < 0 || (spec.max_sessions > 0 && i >= spec.max_sessions)) return std::nullopt;
  const double x =
      static_cast<double>(i) * static_cast<double>(spec.time_unit_us) / spec.rate;
  if (!(x < kMaxInstant)) return std::nullopt;
  const Micros t = std::llround(x);
  if (t >= spec.duration_us) return std::nullopt;
  return t;
}

// Deterministic ramping-arrival-rate arrival i (>= 1): where the expected count reaches i.
std::optional<Micros> RampingInstant(const RateProfile& profile, std::int64_t i) {
  if (i < 1) return std::nullopt;
  const std::optional<double> x = profile.InstantOfArea(static_cast<double>(i));
  if (!x || !(*x < kMaxInstant)) return std::nullopt;
  const Micros t = std::llround(*x);
  if (t >= profile.end_us()) return std::nullopt;
  return t;
}

// The number of arrivals before t among instants(first), instants(first + 1), ..., given a
// nondecreasing `instant` and an estimate of the answer.
template <class InstantFn>
std::int64_t ArrivalsBefore(Micros t, std::int64_t first, double estimate, InstantFn instant) {
  const auto before = [&](std::int64_t i) {
    const std::optional<Micros> x = instant(i);
    return x.has_value() && *x < t;
  };
  // The index of the first arrival at or after t, starting from the estimate.
  std::int64_t k = first + static_cast<std::int64_t>(std::clamp(estimate, 0.0, 4e18));
  while (k > first && !before(k - 1)) --k;
  while (before(k)) ++k;
  return k - first;
}

template <class Spec>
std::int64_t ReplayCount(const Spec& spec, const Rng& rng, Micros t0, Micros t1) {
  ArrivalSchedule schedule(spec, rng);
  std::int64_t count = 0;
  while (std::optional<Micros> t = schedule.Next()) {
    if (*t >= t1) break;
    if (*t >= t0) ++count;
  }
  return count;
}

}  // namespace

ArrivalSchedule::ArrivalSchedule(const ConstantArrivalRate& spec, Rng rng)
    : process_(spec.arrivals),
      rng_(rng),
      max_concurrent_(spec.max_concurrent),
      end_us_(spec.duration_us),
      constant_(spec) {}

ArrivalSchedule::ArrivalSchedule(const RampingArrivalRate& spec, Rng rng)
    : process_(spec.arrivals),
      rng_(rng),
      max_concurrent_(spec.max_concurrent),
      profile_(RateProfile(spec.start_rate, spec.time_unit_us, spec.stages)) {
  end_us_ = profile_->end_us();
}

std::optional<Micros> ArrivalSchedule::Next() {
  if (done_) return std::nullopt;
  std::optional<Micros> t;
  if (process_ == ArrivalProcess::kDeterministic) {
    t = constant_ ? ConstantInstant(*constant_, produced_) : RampingInstant(*profile_, produced_ + 1);
  } else if (constant_) {
    const ConstantArrivalRate& c = *constant_;
    if (c.max_sessions > 0 && produced_ >= c.max_sessions) {
      t = std::nullopt;
    } else if (produced_ == 0) {
      t = Micros{0};
    } else {
      const double gap =
          rng_.Exponential(static_cast<double>(c.time_unit_us) / c.rate);
      if (gap < kMaxInstant - static_cast<double>(last_us_)) t = last_us_ + std::llround(gap);
    }
    if (t && *t >= end_us_) t = std::nullopt;
  } else {
    poisson_area_ += rng_.Exponential(1.0);
    const std::optional<double> x = profile_->InstantOfArea(poisson_area_);
    if (x && *x < kMaxInstant && std::llround(*x) < end_us_) t = std::llround(*x);
  }
  if (!t) {
    done_ = true;
    return std::nullopt;
  }
  last_us_ = std::max(*t, last_us_);
  ++produced_;
  return last_us_;
}

std::int64_t CountArrivals(const ConstantArrivalRate& spec, const Rng& rng, Micros t0,
                           Micros t1) {
  if (t1 <= t0) return 0;
  if (spec.arrivals == ArrivalProcess::kPoisson) return ReplayCount(spec, rng, t0, t1);
  const auto instant = [&](std::int64_t i) { return ConstantInstant(spec, i); };
  const auto before = [&](Micros t) -> std::int64_t {
    if (t <= 0) return 0;
    const double estimate =
        static_cast<double>(t) * spec.rate / static_cast<double>(spec.time_unit_us);
    return ArrivalsBefore(t, 0, estimate, instant);
  };
  return before(t1) - before(t0);
}

std::int64_t CountArrivals(const RampingArrivalRate& spec, const Rng& rng, Micros t0,
                           Micros t1) {
  if (t1 <= t0) return 0;
  if (spec.arrivals == ArrivalProcess::kPoisson) return ReplayCount(spec, rng, t0, t1);
  const RateProfile profile(spec.start_rate, spec.time_unit_us, spec.stages);
  const auto instant = [&](std::int64_t i) { return RampingInstant(profile, i); };
  const auto before = [&](Micros t) -> std::int64_t {
    if (t <= 0) return 0;
    return ArrivalsBefore(t, 1, std::floor(profile.AreaBefore(t)), instant);
  };
  return before(t1) - before(t0);
}

double ExpectedArrivals(const RampingArrivalRate& spec, Micros t0, Micros t1) {
  if (t1 <= t0) return 0;
  const RateProfile profile(spec.start_rate, spec.time_unit_us, spec.stages);
  return profile.AreaBefore(t1) - profile.AreaBefore(t0);
}

}  // namespace agentsim
