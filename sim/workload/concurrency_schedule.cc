#include "sim/workload/concurrency_schedule.h"

#include <algorithm>
#include <cstdlib>

namespace agentsim {
namespace {

__extension__ typedef __int128 Int128;  // GCC extension; -Wpedantic-clean

// floor(a * b / c) for a, b, c >= 0, c > 0, without overflow.
std::int64_t MulDivFloor(std::int64_t a, std::int64_t b, std::int64_t c) {
  return static_cast<std::int64_t>(static_cast<Int128>(a) * b / c);
}

// ceil(a * b / c) for a, b, c >= 0, c > 0.
std::int64_t MulDivCeil(std::int64_t a, std::int64_t b, std::int64_t c) {
  return static_cast<std::int64_t>((static_cast<Int128>(a) * b + c - 1) / c);
}

}  // namespace

ConcurrencySchedule::ConcurrencySchedule(const ConstantSessions& spec)
    : start_(spec.sessions),
      stages_{SessionStage{spec.sessions, spec.duration_us}},
      gap_ms_(spec.gap_ms),
      end_us_(spec.duration_us),
      max_target_(spec.duration_us > 0 ? spec.sessions : 0) {}

ConcurrencySchedule::ConcurrencySchedule(const RampingSessions& spec)
    : start_(spec.start_sessions), stages_(spec.stages), gap_ms_(spec.gap_ms) {
  for (const SessionStage& s : stages_) end_us_ += s.duration_us;
  // A value only counts if it holds for some time: the start value and a zero-duration
  // stage's target count when a stage of positive duration starts from them.
  std::int64_t from = start_;
  for (const SessionStage& s : stages_) {
    if (s.duration_us > 0) max_target_ = std::max({max_target_, from, s.target});
    from = s.target;
  }
}

std::int64_t ConcurrencySchedule::TargetAt(Micros t) const {
  t = std::max<Micros>(t, 0);
  std::int64_t from = start_;
  Micros stage_start = 0;
  for (const SessionStage& s : stages_) {
    const Micros stage_end = stage_start + s.duration_us;
    if (t < stage_end) {
      const std::int64_t steps = MulDivFloor(t - stage_start, std::abs(s.target - from), s.duration_us);
      return s.target >= from ? from + steps : from - steps;
    }
    from = s.target;
    stage_start = stage_end;
  }
  return 0;
}

std::optional<Micros> ConcurrencySchedule::NextChangeAfter(Micros t) const {
  t = std::max<Micros>(t, 0);
  const std::int64_t current = TargetAt(t);
  std::int64_t from = start_;
  Micros stage_start = 0;
  for (const SessionStage& s : stages_) {
    const Micros stage_end = stage_start + s.duration_us;
    const std::int64_t n = std::abs(s.target - from);
    if (t < stage_end || stage_start > t) {  // the stage holding t, or a later one
      // A later stage may start from another value (after a zero-duration stage's jump).
      if (stage_start > t && TargetAt(stage_start) != current) return stage_start;
      if (n > 0 && s.duration_us > 0) {
        // The first step of one user after t (or after the stage's start).
        const std::int64_t done =
            stage_start > t ? 0 : MulDivFloor(t - stage_start, n, s.duration_us);
        if (done < n) {
          const Micros at = stage_start + MulDivCeil(done + 1, s.duration_us, n);
          if (TargetAt(at) != current) return at;
        }
      }
    }
    from = s.target;
    stage_start = stage_end;
  }
  if (end_us_ > t && current != 0) return end_us_;
  return std::nullopt;
}

}  // namespace agentsim
