// EventLoop: single-threaded discrete-event executor on virtual time.
//
// Events are coroutine resumptions keyed by (time µs, sequence number); equal-time events run
// in the order they were scheduled, on every platform. The clock jumps to the next event's time.
// Nothing here reads the wall clock (see docs/determinism.md; modelled on FoundationDB's sim2).
//
// Roots: `Spawn` takes ownership of a Task<void>, starts it through the queue (never inline),
// records an exception that escapes it (RootFailure), and frees its frame when it ends. When
// the queue empties, roots that have not finished are waiting on something that can never
// happen; `UnfinishedRoots()` names them. Destroying the loop destroys unfinished roots.
//
// Thread rules: not thread-safe; one loop per simulation (parallelism = several simulations).
#pragma once

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/async/task.h"
#include "core/async/timer_queue.h"
#include "core/ports/clock.h"

namespace agentsim {

class EventLoop final : public Clock {
 public:
  struct RootFailure {
    std::string name;
    std::string what;
    Micros at_us = 0;
  };

  EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;
  ~EventLoop() override;

  Micros NowMicros() const override { return now_us_; }
  Task<void> SleepFor(Micros duration) override;

  // Awaitable that resumes the awaiting coroutine at NowMicros() + duration (through the queue,
  // also for 0). Cheaper than SleepFor (no coroutine frame); mocks use it on the hot path.
  struct SleepAwaiter {
    EventLoop* loop;
    Micros wake_at_us;
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) const { loop->ScheduleAt(wake_at_us, h); }
    void await_resume() const noexcept {}
  };
  SleepAwaiter Sleep(Micros duration) {
    return SleepAwaiter{this, now_us_ + (duration > 0 ? duration : 0)};
  }
  SleepAwaiter SleepUntil(Micros t_us) { return SleepAwaiter{this, t_us > now_us_ ? t_us : now_us_}; }

  // Queues `h` to resume at `t_us` (clamped to now). REQUIRES: h stays valid until resumed.
  // Inline: a sleep's await_suspend is one call less per event.
  TimerId ScheduleAt(Micros t_us, std::coroutine_handle<> h) override {
    const std::uint64_t seq = next_seq_++;
    queue_.Push(static_cast<std::uint64_t>(t_us > now_us_ ? t_us : now_us_), seq, h.address());
    return seq;
  }
  // Removes a queued resumption (lazily: it is skipped when it reaches the front).
  bool Cancel(TimerId id) override;

  // Takes ownership of `task`; it starts at the current virtual time, after already queued
  // events of that time. `name` identifies it in failure reports.
  void Spawn(Task<void> task, std::string name);

  // Runs events until the queue is empty. Returns the number of events run.
  std::uint64_t Run();
  // Runs events with time <= t_us, then sets the clock to t_us (also when idle).
  std::uint64_t RunUntil(Micros t_us);

  const std::vector<RootFailure>& failures() const { return failures_; }
  // Names of spawned roots that have not finished, in spawn order.
  std::vector<std::string> UnfinishedRoots() const;
  std::size_t live_roots() const { return live_roots_; }
  std::uint64_t events_run() const { return events_run_; }
  // Queued resumptions, cancelled ones excluded.
  std::size_t pending_events() const { return queue_.size() - cancelled_.size(); }

 private:
  struct RootPromise;
  struct Root;
  static Root RunRoot(EventLoop* loop, std::uint64_t id, Task<void> task);
  void OnRootDone(RootPromise& root);
  void OnRootFailed(std::uint64_t id, std::exception_ptr e);
  void RunOne();

  Micros now_us_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t next_root_id_ = 0;
  std::uint64_t events_run_ = 0;
  TimerQueue queue_;
  // Unfinished roots in spawn order (deterministic reports): a list threaded through the root
  // frames themselves, so a spawn or an end is a few pointer writes (no tree node to allocate,
  // rebalance or free; the std::map it replaces was ~1% of a load run).
  RootPromise* first_root_ = nullptr;
  RootPromise* last_root_ = nullptr;
  std::size_t live_roots_ = 0;
  std::set<std::uint64_t> cancelled_;  // sequence numbers of cancelled queued events
  std::vector<RootFailure> failures_;
};

}  // namespace agentsim
