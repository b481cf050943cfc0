// WorkloadDriver: starts a scenario's sessions as its executor says (sim/workload/executors.h),
// on the run's EventLoop. The runner supplies what a session is (WorkloadHooks) and tells the
// driver when each one ends; the driver decides when sessions start, which arrivals are
// dropped, and when the workload is over.
//
// Open model (constant-arrival-rate, ramping-arrival-rate and the old form): arrivals come from
// ArrivalSchedule (the run's users/arrivals stream); arrival i is session index i. An arrival
// that finds max_concurrent of the executor's sessions active is dropped (hooks.drop) instead
// of started. Rate changes (the timeline's set_arrival_rate, known before the run) replace the
// schedule from their instant: see RateChange.
//
// Closed model (constant-sessions, ramping-sessions): max_target() user slots; slot v starts a
// session whenever it is idle and ConcurrencySchedule::MayStart(v, now); after each session it
// waits gap_between_sessions_ms, drawn from users/session_gaps/<v>. Session indexes are given in
// start order (0, 1, 2, ...).
//
// Times are µs of virtual time from the start of the run.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "core/async/event_loop.h"
#include "core/async/task.h"
#include "core/rng/rng.h"
#include "sim/workload/arrival_schedule.h"
#include "sim/workload/concurrency_schedule.h"
#include "sim/workload/executors.h"

namespace agentsim {

// The timeline's set_arrival_rate: from `at_us` on, arrivals follow a constant-arrival-rate of
// `rate` per `time_unit_us` (the executor's arrival process; rate 0 pauses arrivals) until the
// executor's end, replacing whatever schedule or ramp was running. The first new arrival comes
// one gap after the change (deterministic: time_unit / rate; Poisson: an exponential gap); an
// arrival due exactly at the change instant is still made. Poisson draws come from
// users/arrivals/rate_change/<k>, k the change's index. A change at or after the executor's end
// does nothing. The old form keeps its session count across changes.
struct RateChange {
  Micros at_us = 0;
  double rate = 0;  // >= 0
  Micros time_unit_us = kMicrosPerSecond;
};

struct WorkloadHooks {
  // Starts session `index` now (spawning its task); `slot` is its closed-model user slot, or -1
  // for the open model. The runner must call WorkloadDriver::OnSessionEnd(slot) when it ends,
  // whatever its outcome.
  std::function<void(std::int64_t index, std::int64_t slot)> start;
  // Arrival `index` was dropped for capacity (open model): it never starts.
  std::function<void(std::int64_t index)> drop;
  // True once the run is being stopped (no more sessions start). May be empty.
  std::function<bool()> stopped;
};

class WorkloadDriver {
 public:
  // `users_rng` is the run's user stream (arrivals and gaps are forked from it). `changes` in
  // ascending at_us, open model only (the scenario loader refuses them for a closed model).
  WorkloadDriver(EventLoop* loop, WorkloadExecutor executor, std::vector<RateChange> changes,
                 const Rng& users_rng, WorkloadHooks hooks);

  // Starts sessions until the executor's end (or the old form's count, or hooks.stopped); then
  // returns: sessions still running finish on their own. Call once.
  Task<void> Run();

  // A session started by the driver ended (`slot` as given to hooks.start). `not_started`: it
  // was refused or failed before its first turn. Closed model: a user whose session was refused,
  // or ended at the very instant it started, waits at least kRetryAfterRefusalUs from that
  // start before its next session (on top of the gap drawn as usual) — a user retrying at once
  // would otherwise retry forever at one virtual instant.
  void OnSessionEnd(std::int64_t slot, bool not_started = false);

  static constexpr Micros kRetryAfterRefusalUs = kMicrosPerSecond;

  std::int64_t active() const { return active_; }
  std::int64_t started() const { return started_; }
  std::int64_t dropped() const { return dropped_; }
  const WorkloadExecutor& executor() const { return executor_; }

 private:
  enum class SlotState { kIdle, kBusy, kGap };

  Task<void> RunOpen();
  Task<void> RunClosed();
  // Starts `slot` now if the target includes it (else leaves it idle).
  void MaybeStartSlot(std::int64_t slot);
  static Task<void> GapThenStart(WorkloadDriver* self, std::int64_t slot, Micros at_us);
  bool Stopped() const { return hooks_.stopped && hooks_.stopped(); }

  EventLoop* loop_;
  WorkloadExecutor executor_;
  std::vector<RateChange> changes_;
  Rng users_rng_;
  WorkloadHooks hooks_;
  std::int64_t active_ = 0;
  std::int64_t started_ = 0;
  std::int64_t dropped_ = 0;
  std::int64_t next_index_ = 0;
  // Closed model.
  std::optional<ConcurrencySchedule> concurrency_;
  std::vector<SlotState> slots_;
  std::vector<Micros> slot_started_at_us_;  // the slot's current (or last) session's start
  std::vector<Rng> gap_rngs_;
  bool closed_done_ = false;
};

}  // namespace agentsim
