// The CLI's Clock for real (non-simulated) use, e.g. `agentsim configs`: NowMicros is wall-clock
// time (µs since the Unix epoch, for audit entries); scheduling goes through an EventLoop that
// RunSync drives. Lives in app/: core, sim and mocks never read the wall clock.
#pragma once

#include <chrono>
#include <ctime>
#include <string>
#include <optional>
#include <utility>

#include "core/async/event_loop.h"

namespace agentsim::app {

// The current wall-clock time in UTC, ISO 8601 ("2024-05-01T12:00:00Z"), for run_wall rows.
inline std::string UtcNowIso8601() {
  std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class WallClock final : public Clock {
 public:
  Micros NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  Task<void> SleepFor(Micros duration) override { return loop_.SleepFor(duration); }
  TimerId ScheduleAt(Micros t_us, std::coroutine_handle<> h) override {
    return loop_.ScheduleAt(loop_.NowMicros() + std::max<Micros>(0, t_us - NowMicros()), h);
  }
  bool Cancel(TimerId id) override { return loop_.Cancel(id); }

  // Runs `task` to completion on the loop and returns its result.
  template <typename T>
  T RunSync(Task<T> task) {
    std::optional<T> result;
    loop_.Spawn(Capture(std::move(task), &result), "cli");
    loop_.Run();
    return std::move(*result);
  }

 private:
  template <typename T>
  static Task<void> Capture(Task<T> task, std::optional<T>* out) {
    out->emplace(co_await std::move(task));
  }

  EventLoop loop_;
};

}  // namespace agentsim::app
