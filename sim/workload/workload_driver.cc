#include "sim/workload/workload_driver.h"

#include <algorithm>
#include <string>
#include <utility>
#include <variant>

namespace agentsim {
namespace {

struct OpenParams {
  std::int64_t max_concurrent = 0;
  std::int64_t max_sessions = 0;
  ArrivalProcess process = ArrivalProcess::kDeterministic;
};

OpenParams OpenParamsOf(const WorkloadExecutor& executor) {
  if (const auto* c = std::get_if<ConstantArrivalRate>(&executor)) {
    return {c->max_concurrent, c->max_sessions, c->arrivals};
  }
  const auto& r = std::get<RampingArrivalRate>(executor);
  return {r.max_concurrent, 0, r.arrivals};
}

}  // namespace

WorkloadDriver::WorkloadDriver(EventLoop* loop, WorkloadExecutor executor,
                               std::vector<RateChange> changes, const Rng& users_rng,
                               WorkloadHooks hooks)
    : loop_(loop),
      executor_(std::move(executor)),
      changes_(std::move(changes)),
      users_rng_(users_rng),
      hooks_(std::move(hooks)) {}

Task<void> WorkloadDriver::Run() {
  if (IsOpenModel(executor_)) {
    co_await RunOpen();
  } else {
    co_await RunClosed();
  }
}

Task<void> WorkloadDriver::RunOpen() {
  const Micros end = ExecutorEnd(executor_);
  const OpenParams params = OpenParamsOf(executor_);
  const Rng arrivals_rng = users_rng_.Fork("arrivals");
  std::optional<ArrivalSchedule> schedule;
  if (const auto* c = std::get_if<ConstantArrivalRate>(&executor_)) {
    schedule.emplace(*c, arrivals_rng);
  } else {
    schedule.emplace(std::get<RampingArrivalRate>(executor_), arrivals_rng);
  }
  Micros offset = 0;  // the schedule's instants are relative to this
  std::optional<Micros> pending = schedule->Next();
  std::size_t next_change = 0;
  while (!Stopped()) {
    if (params.max_sessions > 0 && next_index_ >= params.max_sessions) break;
    const std::optional<Micros> due =
        pending ? std::optional<Micros>(offset + *pending) : std::nullopt;
    if (next_change < changes_.size() && changes_[next_change].at_us < end &&
        (!due || changes_[next_change].at_us < *due)) {
      const RateChange change = changes_[next_change];
      const std::uint64_t k = next_change++;
      co_await loop_->SleepUntil(change.at_us);
      if (Stopped()) break;
      schedule.reset();
      pending.reset();
      if (change.rate > 0) {
        ConstantArrivalRate spec;
        spec.rate = change.rate;
        spec.time_unit_us = change.time_unit_us;
        spec.duration_us = end == kNoEnd ? kNoEnd : end - change.at_us;
        spec.max_concurrent = params.max_concurrent;
        spec.arrivals = params.process;
        schedule.emplace(spec, arrivals_rng.Fork("rate_change").Fork(k));
        (void)schedule->Next();  // the arrival at the change instant itself is not made
        offset = change.at_us;
        pending = schedule->Next();
      }
      continue;
    }
    if (!due) break;
    // The first arrival at 0 starts at once; every later one goes through the queue (as the
    // old loop's Sleep(gap) did, also for a gap of 0), so old scenarios replay exactly.
    if (next_index_ > 0 || *due > loop_->NowMicros()) co_await loop_->SleepUntil(*due);
    if (Stopped()) break;
    const std::int64_t index = next_index_++;
    if (AdmitsArrival(params.max_concurrent, active_)) {
      ++active_;
      ++started_;
      hooks_.start(index, -1);
    } else {
      ++dropped_;
      hooks_.drop(index);
    }
    pending = schedule->Next();
  }
}

Task<void> WorkloadDriver::RunClosed() {
  if (const auto* c = std::get_if<ConstantSessions>(&executor_)) {
    concurrency_.emplace(*c);
  } else {
    concurrency_.emplace(std::get<RampingSessions>(executor_));
  }
  const std::int64_t slots = concurrency_->max_target();
  slots_.assign(static_cast<std::size_t>(slots), SlotState::kIdle);
  slot_started_at_us_.assign(static_cast<std::size_t>(slots), 0);
  const Rng gaps = users_rng_.Fork("session_gaps");
  gap_rngs_.reserve(static_cast<std::size_t>(slots));
  for (std::int64_t v = 0; v < slots; ++v) gap_rngs_.push_back(gaps.Fork(static_cast<std::uint64_t>(v)));
  while (!Stopped()) {
    const std::int64_t target = std::min(concurrency_->TargetAt(loop_->NowMicros()), slots);
    for (std::int64_t v = 0; v < target; ++v) {
      if (slots_[static_cast<std::size_t>(v)] == SlotState::kIdle) MaybeStartSlot(v);
    }
    const std::optional<Micros> next = concurrency_->NextChangeAfter(loop_->NowMicros());
    if (!next) break;
    co_await loop_->SleepUntil(*next);
  }
  closed_done_ = true;
}

void WorkloadDriver::MaybeStartSlot(std::int64_t slot) {
  auto& state = slots_[static_cast<std::size_t>(slot)];
  if (Stopped() || !concurrency_->MayStart(slot, loop_->NowMicros())) {
    state = SlotState::kIdle;
    return;
  }
  state = SlotState::kBusy;
  slot_started_at_us_[static_cast<std::size_t>(slot)] = loop_->NowMicros();
  ++active_;
  ++started_;
  hooks_.start(next_index_++, slot);
}

Task<void> WorkloadDriver::GapThenStart(WorkloadDriver* self, std::int64_t slot, Micros at_us) {
  co_await self->loop_->SleepUntil(at_us);
  self->MaybeStartSlot(slot);
}

void WorkloadDriver::OnSessionEnd(std::int64_t slot, bool not_started) {
  --active_;
  if (slot < 0 || !concurrency_) return;
  const Micros now = loop_->NowMicros();
  auto& state = slots_[static_cast<std::size_t>(slot)];
  state = SlotState::kIdle;
  // After the end no session starts: no gap is drawn (and no timer outlives the sessions).
  if (Stopped() || now >= concurrency_->end_us()) return;
  Micros gap =
      concurrency_->gap_ms().SampleMillisAsMicros(gap_rngs_[static_cast<std::size_t>(slot)]);
  const Micros started = slot_started_at_us_[static_cast<std::size_t>(slot)];
  if (not_started || now == started) {
    gap = std::max(gap, started + kRetryAfterRefusalUs - now);
  }
  if (gap == 0) {
    MaybeStartSlot(slot);
    return;
  }
  if (now + gap >= concurrency_->end_us()) return;
  state = SlotState::kGap;
  loop_->Spawn(GapThenStart(this, slot, now + gap), "session-gap-" + std::to_string(slot));
}

}  // namespace agentsim
