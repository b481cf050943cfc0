// WorkloadDriver on a bare EventLoop: each session lasts a fixed virtual time, so every start,
// drop and end instant is known exactly.
#include "sim/workload/workload_driver.h"

#include <algorithm>
#include <cmath>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"

namespace agentsim {
namespace {

constexpr Micros kMs = 1000;

struct Harness {
  EventLoop loop;
  std::vector<Micros> starts;
  std::vector<Micros> drops;
  std::vector<std::int64_t> indexes;
  std::int64_t active = 0;
  std::int64_t max_active = 0;
  Micros session_us = 0;
  bool refused = false;  // every session ends refused (not started)
  WorkloadDriver* driver = nullptr;

  static Task<void> Session(Harness* h, std::int64_t slot) {
    co_await h->loop.Sleep(h->session_us);
    --h->active;
    h->driver->OnSessionEnd(slot, h->refused);
  }

  void Run(WorkloadExecutor executor, Micros session_length_us,
           std::vector<RateChange> changes = {}) {
    session_us = session_length_us;
    WorkloadHooks hooks;
    hooks.start = [this](std::int64_t index, std::int64_t slot) {
      starts.push_back(loop.NowMicros());
      indexes.push_back(index);
      max_active = std::max(max_active, ++active);
      loop.Spawn(Session(this, slot), "session");
    };
    hooks.drop = [this](std::int64_t index) {
      drops.push_back(loop.NowMicros());
      indexes.push_back(index);
    };
    WorkloadDriver d(&loop, std::move(executor), std::move(changes), Rng(7).Fork("users"),
                     std::move(hooks));
    driver = &d;
    loop.Spawn(d.Run(), "driver");
    loop.Run();
    EXPECT_TRUE(loop.UnfinishedRoots().empty());
    EXPECT_EQ(d.active(), 0);
    EXPECT_EQ(d.started(), static_cast<std::int64_t>(starts.size()));
    EXPECT_EQ(d.dropped(), static_cast<std::int64_t>(drops.size()));
    driver = nullptr;
  }
};

std::vector<Micros> Ms(std::initializer_list<int> ms) {
  std::vector<Micros> out;
  for (int v : ms) out.push_back(v * kMs);
  return out;
}

ConstantArrivalRate TenPerSecond(Micros duration_us, std::int64_t max_concurrent) {
  ConstantArrivalRate c;
  c.rate = 10;
  c.duration_us = duration_us;
  c.max_concurrent = max_concurrent;
  return c;
}

struct OpenCase {
  std::string name;
  ConstantArrivalRate executor;
  Micros session_us;
  std::vector<RateChange> changes;
  std::vector<Micros> starts;
  std::vector<Micros> drops;
};
void PrintTo(const OpenCase& c, std::ostream* os) { *os << c.name; }

class OpenModelTest : public testing::TestWithParam<OpenCase> {};

TEST_P(OpenModelTest, StartsAndDropsAtExactInstants) {
  const OpenCase& c = GetParam();
  Harness h;
  h.Run(c.executor, c.session_us, c.changes);
  EXPECT_EQ(h.starts, c.starts);
  EXPECT_EQ(h.drops, c.drops);
  // Arrivals are numbered in order, dropped ones included.
  for (std::size_t i = 0; i < h.indexes.size(); ++i) {
    EXPECT_EQ(h.indexes[i], static_cast<std::int64_t>(i));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, OpenModelTest,
    testing::Values(
        OpenCase{"unlimited", TenPerSecond(kMicrosPerSecond, 0), 250 * kMs, {},
                 Ms({0, 100, 200, 300, 400, 500, 600, 700, 800, 900}), {}},
        // Sessions of 250 ms, at most 2 at once: the third of every three arrivals finds two
        // running and is dropped.
        OpenCase{"max_concurrent_2", TenPerSecond(kMicrosPerSecond, 2), 250 * kMs, {},
                 Ms({0, 100, 300, 400, 600, 700, 900}), Ms({200, 500, 800})},
        // At 500 ms the rate doubles: the arrival due at 500 ms is made, then every 50 ms.
        OpenCase{"set_rate_up", TenPerSecond(kMicrosPerSecond, 0), 10 * kMs,
                 {RateChange{500 * kMs, 20, kMicrosPerSecond}},
                 Ms({0, 100, 200, 300, 400, 500, 550, 600, 650, 700, 750, 800, 850, 900, 950}),
                 {}},
        // Rate 0 pauses arrivals from 250 ms; 5 per second resumes them at 600 ms (first at
        // 800 ms); the change after the end does nothing.
        OpenCase{"pause_and_resume", TenPerSecond(kMicrosPerSecond, 0), 10 * kMs,
                 {RateChange{250 * kMs, 0, kMicrosPerSecond},
                  RateChange{600 * kMs, 5, kMicrosPerSecond},
                  RateChange{2000 * kMs, 100, kMicrosPerSecond}},
                 Ms({0, 100, 200, 800}), {}},
        // A time unit of a minute: 120 per minute is 2 per second.
        OpenCase{"time_unit", TenPerSecond(kMicrosPerSecond, 0), 10 * kMs,
                 {RateChange{0, 120, 60 * kMicrosPerSecond}}, Ms({0, 500}), {}}));

TEST(WorkloadDriverTest, RampingArrivalRateFollowsTheSchedule) {
  RampingArrivalRate r;
  r.start_rate = 10;
  r.stages = {RateStage{10, kMicrosPerSecond}};
  Harness h;
  h.Run(r, 10 * kMs);
  EXPECT_EQ(h.starts, Ms({100, 200, 300, 400, 500, 600, 700, 800, 900}));
}

// The old form replays the runner's loop from before executors: the first arrival at 0, then
// gaps of llround(Exponential(1e6 / rate)) from users/arrivals, `sessions` in all.
TEST(WorkloadDriverTest, LegacyFormReplaysThePoissonLoop) {
  Harness h;
  h.Run(LegacyPoissonExecutor(6, 2.0), 100 * kMs);
  Rng arrivals = Rng(7).Fork("users").Fork("arrivals");
  std::vector<Micros> expected = {0};
  for (int i = 1; i < 6; ++i) {
    expected.push_back(expected.back() +
                       static_cast<Micros>(std::llround(arrivals.Exponential(500'000.0))));
  }
  EXPECT_EQ(h.starts, expected);
  EXPECT_TRUE(h.drops.empty());
}

TEST(WorkloadDriverTest, LegacyFormKeepsItsSessionCountAcrossRateChanges) {
  Harness h;
  h.Run(LegacyPoissonExecutor(5, 1.0), 10 * kMs,
        {RateChange{kMicrosPerSecond / 2, 1000, kMicrosPerSecond}});
  EXPECT_EQ(h.starts.size(), 5u);
}

struct ClosedCase {
  std::string name;
  WorkloadExecutor executor;
  Micros session_us;
  std::vector<Micros> starts;
  std::int64_t max_active;
  bool refused = false;
};
void PrintTo(const ClosedCase& c, std::ostream* os) { *os << c.name; }

class ClosedModelTest : public testing::TestWithParam<ClosedCase> {};

TEST_P(ClosedModelTest, KeepsTheTargetBusyAndNeverExceedsIt) {
  const ClosedCase& c = GetParam();
  Harness h;
  h.refused = c.refused;
  h.Run(c.executor, c.session_us);
  EXPECT_EQ(h.starts, c.starts);
  EXPECT_EQ(h.max_active, c.max_active);
  EXPECT_TRUE(h.drops.empty());
}

ConstantSessions Three(Distribution gap, Micros duration_us = kMicrosPerSecond) {
  ConstantSessions c;
  c.sessions = 3;
  c.duration_us = duration_us;
  c.gap_ms = std::move(gap);
  return c;
}

RampingSessions UpThenDown() {
  RampingSessions r;
  r.stages = {SessionStage{4, kMicrosPerSecond}, SessionStage{0, kMicrosPerSecond}};
  return r;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClosedModelTest,
    testing::Values(
        // Three users, sessions of 300 ms back to back: each restarts at 300, 600 and 900 ms;
        // none starts at or after the end (1 s).
        ClosedCase{"constant_no_gap", Three(ConstantDistribution{0}), 300 * kMs,
                   Ms({0, 0, 0, 300, 300, 300, 600, 600, 600, 900, 900, 900}), 3},
        // A 100 ms pause between a user's sessions: restarts at 400 and 800 ms.
        ClosedCase{"constant_gap", Three(ConstantDistribution{100}), 300 * kMs,
                   Ms({0, 0, 0, 400, 400, 400, 800, 800, 800}), 3},
        // 0 -> 4 users over 1 s (a user every 250 ms), then 4 -> 0 over 1 s (one fewer every
        // 250 ms). Sessions of 600 ms: a slot restarts only while the target still includes it
        // (slot 2 ends at 1950 ms with a target of 1, slot 3 at 1600 ms with 2: both stop).
        ClosedCase{"ramping", UpThenDown(), 600 * kMs,
                   Ms({250, 500, 750, 850, 1000, 1100, 1350, 1450, 1700}), 4},
        // Sessions that end at the instant they start (e.g. a quota refusal answered from the
        // L1 cache): each user waits 1 s from that start (kRetryAfterRefusalUs), so virtual
        // time moves and the run ends; without the wait it would restart forever at 0.
        ClosedCase{"zero_length_sessions", Three(ConstantDistribution{0}, 3 * kMicrosPerSecond),
                   0, Ms({0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000}), 3},
        // Refused after 5 ms (a store read): the same 1 s from the start, gap 100 ms included.
        ClosedCase{"refused_sessions", Three(ConstantDistribution{100}, 3 * kMicrosPerSecond),
                   5 * kMs, Ms({0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000}), 3, true},
        // A refused session that took longer than the wait: only the gap applies.
        ClosedCase{"refused_after_a_slow_read", Three(ConstantDistribution{100}),
                   1200 * kMs, Ms({0, 0, 0}), 3, true}));

}  // namespace
}  // namespace agentsim
