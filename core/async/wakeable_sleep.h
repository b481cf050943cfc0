// WakeableSleep: a sleep on the Clock that another coroutine may cut short, so that periodic
// background loops (config watchers, rollout drivers) can end as soon as the work they serve has
// ended, without advancing virtual time to their next wake-up and without leaving a suspended
// root behind.
//
//   WakeableSleep sleep(clock);
//   while (!stopped) { ...; co_await sleep.Until(clock->NowMicros() + interval); }
//   // elsewhere: stopped = true; sleep.Wake();
//
// Until(t) resumes at t (through the queue), or at the instant Wake() is called if earlier; it
// returns true when woken early. Wake() with nobody sleeping does nothing. One sleeper at a
// time. REQUIRES: the WakeableSleep and the Clock outlive the sleeping coroutine's wait.
#pragma once

#include <coroutine>

#include "core/ports/clock.h"

namespace agentsim {

class WakeableSleep {
 public:
  explicit WakeableSleep(Clock* clock) : clock_(clock) {}
  WakeableSleep(const WakeableSleep&) = delete;
  WakeableSleep& operator=(const WakeableSleep&) = delete;

  class Awaiter {
   public:
    Awaiter(WakeableSleep* owner, Micros wake_at_us) : owner_(owner), wake_at_us_(wake_at_us) {}
    bool await_ready() const noexcept { return false; }
    void await_suspend(std::coroutine_handle<> h) {
      owner_->handle_ = h;
      owner_->woken_ = false;
      owner_->timer_ = owner_->clock_->ScheduleAt(wake_at_us_, h);
    }
    bool await_resume() noexcept {
      owner_->handle_ = nullptr;
      return owner_->woken_;
    }

   private:
    WakeableSleep* owner_;
    Micros wake_at_us_;
  };

  // Sleeps until `wake_at_us` (clamped to now) or Wake(); true when woken early.
  Awaiter Until(Micros wake_at_us) { return Awaiter(this, wake_at_us); }

  // Resumes the sleeper now (after the caller's current step). No sleeper: no effect.
  void Wake() {
    if (!handle_ || woken_) return;
    clock_->Cancel(timer_);
    woken_ = true;
    timer_ = clock_->ScheduleAt(clock_->NowMicros(), handle_);
  }

  bool sleeping() const { return static_cast<bool>(handle_); }

 private:
  Clock* clock_;
  std::coroutine_handle<> handle_ = nullptr;
  TimerId timer_ = 0;
  bool woken_ = false;
};

}  // namespace agentsim
