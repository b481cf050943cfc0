// AsyncEvent and SharedResult<T>: one-shot latches on a Clock, for coroutines on one loop.
//
// AsyncEvent: `co_await event.Wait()` completes at once when the event is set; otherwise the
// coroutine suspends until `Set()`. Set() never resumes a waiter inline: it re-queues every
// waiter through Clock::ScheduleAt(now), in the order they started waiting (FIFO), so waiters
// run after the setter's current step, at the same virtual time.
//
// SharedResult<T>: an AsyncEvent with a value. One producer calls Set(value) once; every waiter
// (and anyone who waits later) gets a copy of it. Single-flight loads use it: the first caller
// loads, concurrent callers wait for its result.
//
// Lifetime rules (see STYLE.md, "Coroutines on a virtual-time loop"):
//   - A waiter whose coroutine frame is destroyed while it waits leaves the queue; one destroyed
//     after Set() but before it ran cancels its queued resumption (Clock::Cancel).
//   - Destroying an event with waiters still queued orphans them: they are never resumed (the
//     loop reports their roots as unfinished). REQUIRES: the Clock outlives every waiter.
//   - A waiter is resumed at most once.
// Not thread-safe (one loop per simulation).
#pragma once

#include <coroutine>
#include <list>
#include <optional>
#include <utility>

#include "core/ports/clock.h"

namespace agentsim {

class AsyncEvent {
 public:
  class Awaiter;

  explicit AsyncEvent(Clock* clock) : clock_(clock) {}
  AsyncEvent(const AsyncEvent&) = delete;
  AsyncEvent& operator=(const AsyncEvent&) = delete;
  inline ~AsyncEvent();

  bool is_set() const { return set_; }
  // Number of coroutines suspended in Wait() and not yet re-queued.
  std::size_t waiters() const { return waiters_.size(); }

  // Sets the event and re-queues every waiter at NowMicros(), FIFO. Idempotent.
  inline void Set();

  // Awaitable; completes when the event is set (at once if it already is).
  inline Awaiter Wait();

 private:
  Clock* clock_;
  bool set_ = false;
  std::list<Awaiter*> waiters_;  // FIFO
};

// Lives in the waiting coroutine's frame for the duration of the co_await; not movable.
class AsyncEvent::Awaiter {
 public:
  explicit Awaiter(AsyncEvent* event) : event_(event) {}
  Awaiter(const Awaiter&) = delete;
  Awaiter& operator=(const Awaiter&) = delete;
  ~Awaiter() {
    if (state_ == State::kQueued) {
      event_->waiters_.erase(pos_);
    } else if (state_ == State::kScheduled) {
      clock_->Cancel(timer_);  // destroyed before its queued resumption ran
    }
  }

  bool await_ready() const noexcept { return event_->set_; }
  void await_suspend(std::coroutine_handle<> h) {
    handle_ = h;
    pos_ = event_->waiters_.insert(event_->waiters_.end(), this);
    state_ = State::kQueued;
  }
  void await_resume() noexcept { state_ = State::kDone; }

 private:
  friend class AsyncEvent;
  enum class State { kIdle, kQueued, kScheduled, kOrphaned, kDone };

  AsyncEvent* event_;
  Clock* clock_ = nullptr;  // set when scheduled: the event may be gone by then
  std::coroutine_handle<> handle_;
  std::list<Awaiter*>::iterator pos_;
  TimerId timer_ = 0;
  State state_ = State::kIdle;
};

AsyncEvent::~AsyncEvent() {
  for (Awaiter* w : waiters_) w->state_ = Awaiter::State::kOrphaned;
}

void AsyncEvent::Set() {
  if (set_) return;
  set_ = true;
  std::list<Awaiter*> ready = std::move(waiters_);
  waiters_.clear();
  for (Awaiter* w : ready) {
    w->clock_ = clock_;
    w->timer_ = clock_->ScheduleAt(clock_->NowMicros(), w->handle_);
    w->state_ = Awaiter::State::kScheduled;
  }
}

AsyncEvent::Awaiter AsyncEvent::Wait() { return Awaiter(this); }

template <typename T>
class SharedResult {
 public:
  explicit SharedResult(Clock* clock) : event_(clock) {}
  SharedResult(const SharedResult&) = delete;
  SharedResult& operator=(const SharedResult&) = delete;

  bool ready() const { return value_.has_value(); }
  std::size_t waiters() const { return event_.waiters(); }

  // Stores `value` and re-queues every waiter (FIFO). REQUIRES: !ready().
  void Set(T value) {
    value_.emplace(std::move(value));
    event_.Set();
  }

  // Awaitable yielding a copy of the value once it is set.
  class Awaiter {
   public:
    explicit Awaiter(SharedResult* result) : inner_(&result->event_), result_(result) {}
    bool await_ready() const noexcept { return inner_.await_ready(); }
    void await_suspend(std::coroutine_handle<> h) { inner_.await_suspend(h); }
    T await_resume() {
      inner_.await_resume();
      return *result_->value_;
    }

   private:
    AsyncEvent::Awaiter inner_;
    SharedResult* result_;
  };
  Awaiter Wait() { return Awaiter(this); }

 private:
  AsyncEvent event_;
  std::optional<T> value_;
};

}  // namespace agentsim
