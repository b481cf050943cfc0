// ConcurrencySchedule: how many users a closed-model executor (constant-sessions,
// ramping-sessions; sim/workload/executors.h) keeps busy at each instant, as k6's ramping-vus.
//
// The target moves linearly and in whole users: within a stage from `from` to `to` over D µs
// it is from ± floor(x * |to - from| / D) at x µs into the stage, so each step of one user
// happens at stage start + ceil(j * D / |to - from|), j = 1..|to - from| (k6's
// getRawExecutionSteps, in µs instead of ns). A stage of duration 0 jumps at its start. At and
// after the end (the sum of the stages' durations) the target is 0.
//
// How the runner uses it (user slots numbered 0, 1, 2, ...):
//   - slot v runs sessions while v < TargetAt(now): when a session ends (and after the
//     executor's gap_ms pause, if any) the slot starts another if MayStart(v, now);
//   - at each NextChangeAfter instant, idle slots below the new target start;
//   - when the target falls, slots at or above it finish the session in progress and then
//     stop. Sessions are never interrupted (k6's gracefulRampDown, taken as unlimited), and
//     sessions running at the end finish (k6's gracefulStop, likewise unlimited): the run lasts
//     until the last one ends.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/ports/clock.h"
#include "core/rng/distribution.h"
#include "sim/workload/executors.h"

namespace agentsim {

class ConcurrencySchedule {
 public:
  // constant-sessions: `sessions` users in [0, duration).
  explicit ConcurrencySchedule(const ConstantSessions& spec);
  explicit ConcurrencySchedule(const RampingSessions& spec);

  // The number of users that should be running sessions at t (t < 0 counts as 0).
  std::int64_t TargetAt(Micros t) const;
  // The first instant after t at which TargetAt changes value; nullopt if it never does.
  std::optional<Micros> NextChangeAfter(Micros t) const;
  // Whether user slot `slot` (0-based) may start a session at t: slot < TargetAt(t) (which
  // is 0 at and after the end).
  bool MayStart(std::int64_t slot, Micros t) const { return slot < TargetAt(t); }

  Micros end_us() const { return end_us_; }
  // An upper bound of TargetAt (the largest value a stage of positive duration starts or
  // ends at): how many user slots the runner needs.
  std::int64_t max_target() const { return max_target_; }
  // A user's pause between two sessions, in ms.
  const Distribution& gap_ms() const { return gap_ms_; }

 private:
  std::int64_t start_;
  std::vector<SessionStage> stages_;
  Distribution gap_ms_;
  Micros end_us_ = 0;
  std::int64_t max_target_ = 0;
};

}  // namespace agentsim
