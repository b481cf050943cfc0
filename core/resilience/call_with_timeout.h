// CallWithTimeout: races a call against a timer on a Clock.
//
//   std::optional<T> r = co_await CallWithTimeout(clock, client->Complete(req), timeout_at_us);
//
// The call starts at once (inline, as co_await of a Task does). If it completes before the
// timer fires at `timeout_at_us`, the result comes back (an exception it threw is rethrown);
// otherwise nullopt comes back at timeout_at_us and the call goes on running detached: its
// frame lives until it completes, and its result is then dropped. So everything the call
// references must outlive it, not just the wait (own it in the call's frame).
// Whichever of the completion and the timer the loop runs first at the same instant wins; the
// awaiting coroutine is resumed exactly once, through the clock (never inline). A waiter
// destroyed while it waits cancels its timer; the call runs on detached.
// Without a timeout, co_await the call itself: the timer costs a queue entry until it is due.
// REQUIRES: the clock outlives the call.
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include "core/async/task.h"
#include "core/ports/clock.h"

namespace agentsim {
namespace detail {

template <typename T>
struct RaceState {
  enum class Phase { kIdle, kWaiting, kWoken, kTimedOut, kAbandoned, kDone };
  explicit RaceState(Clock* c) : clock(c) {}
  Clock* clock;
  Phase phase = Phase::kIdle;
  std::coroutine_handle<> waiter;
  TimerId timer = 0;  // the timeout
  TimerId wake = 0;   // the resumption queued by the call's completion
  std::optional<T> value;
  std::exception_ptr error;
};

// A fire-and-forget coroutine: starts when resumed, frees its own frame at the end.
struct DetachedCall {
  struct promise_type {
    DetachedCall get_return_object() noexcept {
      return DetachedCall{std::coroutine_handle<promise_type>::from_promise(*this)};
    }
    std::suspend_always initial_suspend() const noexcept { return {}; }
    std::suspend_never final_suspend() const noexcept { return {}; }
    void return_void() const noexcept {}
    void unhandled_exception() const noexcept { std::terminate(); }  // the body catches all
  };
  std::coroutine_handle<promise_type> handle;
};

template <typename T>
DetachedCall RunRacedCall(std::shared_ptr<RaceState<T>> state, Task<T> call) {
  try {
    state->value.emplace(co_await std::move(call));
  } catch (...) {
    state->error = std::current_exception();
  }
  using Phase = typename RaceState<T>::Phase;
  if (state->phase == Phase::kWaiting) {
    state->clock->Cancel(state->timer);
    state->wake = state->clock->ScheduleAt(state->clock->NowMicros(), state->waiter);
    state->phase = Phase::kWoken;
  }
}

template <typename T>
class RaceAwaiter {
 public:
  using Phase = typename RaceState<T>::Phase;
  RaceAwaiter(std::shared_ptr<RaceState<T>> state, Task<T> call, Micros timeout_at_us)
      : state_(std::move(state)), call_(std::move(call)), timeout_at_us_(timeout_at_us) {}
  RaceAwaiter(const RaceAwaiter&) = delete;
  RaceAwaiter& operator=(const RaceAwaiter&) = delete;
  ~RaceAwaiter() {
    if (state_->phase == Phase::kWaiting) {
      state_->clock->Cancel(state_->timer);
      state_->phase = Phase::kAbandoned;
    } else if (state_->phase == Phase::kWoken) {
      state_->clock->Cancel(state_->wake);
      state_->phase = Phase::kAbandoned;
    }
  }

  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    state_->waiter = h;
    state_->phase = Phase::kWaiting;
    state_->timer = state_->clock->ScheduleAt(timeout_at_us_, h);
    RunRacedCall<T>(state_, std::move(call_)).handle.resume();
  }
  // True when the call completed first.
  bool await_resume() {
    const bool completed = state_->phase == Phase::kWoken;
    state_->phase = completed ? Phase::kDone : Phase::kTimedOut;
    return completed;
  }

 private:
  std::shared_ptr<RaceState<T>> state_;
  Task<T> call_;
  Micros timeout_at_us_;
};

}  // namespace detail

template <typename T>
Task<std::optional<T>> CallWithTimeout(Clock* clock, Task<T> call, Micros timeout_at_us) {
  auto state = std::make_shared<detail::RaceState<T>>(clock);
  detail::RaceAwaiter<T> race(state, std::move(call), timeout_at_us);
  const bool completed = co_await race;
  if (!completed) co_return std::nullopt;
  if (state->error) std::rethrow_exception(state->error);
  co_return std::move(*state->value);
}

}  // namespace agentsim
