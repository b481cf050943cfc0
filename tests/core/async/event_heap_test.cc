// The event queue's order under load: many coroutines, many equal and distinct times, events
// queued while others run, cancellations. Every event must run in (time, scheduling order).
#include <cstdint>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "core/async/event_loop.h"
#include "core/rng/rng.h"

namespace agentsim {
namespace {

struct Ran {
  Micros at_us;
  std::uint64_t scheduled;  // global scheduling order (the loop's sequence numbers' order)
  int who;
};

struct Shared {
  EventLoop* loop = nullptr;
  std::uint64_t next_scheduled = 0;
  std::vector<Ran> ran;
};

// Sleeps `n` times for 0..max_delay µs (0 often: equal times), recording each wake-up.
Task<void> Sleeper(Shared* s, int who, int n, Micros max_delay, std::uint64_t seed) {
  Rng rng(seed);
  for (int i = 0; i < n; ++i) {
    const Micros delay = rng.UniformInt(0, max_delay);
    const std::uint64_t order = s->next_scheduled++;
    co_await s->loop->Sleep(delay);
    s->ran.push_back(Ran{s->loop->NowMicros(), order, who});
  }
}

struct HeapCase {
  int coroutines;
  int sleeps;
  Micros max_delay;
};

void PrintTo(const HeapCase& c, std::ostream* os) {
  *os << c.coroutines << "x" << c.sleeps << " delay<=" << c.max_delay;
}

class EventHeapTest : public ::testing::TestWithParam<HeapCase> {};

TEST_P(EventHeapTest, RunsInTimeThenSchedulingOrder) {
  const HeapCase c = GetParam();
  EventLoop loop;
  Shared s;
  s.loop = &loop;
  for (int i = 0; i < c.coroutines; ++i) {
    loop.Spawn(Sleeper(&s, i, c.sleeps, c.max_delay, static_cast<std::uint64_t>(i) + 1), "s");
  }
  // Each sleep is one event, each coroutine's start is one more.
  const std::uint64_t expected_events =
      static_cast<std::uint64_t>(c.coroutines) * static_cast<std::uint64_t>(c.sleeps + 1);
  EXPECT_EQ(loop.Run(), expected_events);
  ASSERT_EQ(s.ran.size(), static_cast<std::size_t>(c.coroutines * c.sleeps));
  for (std::size_t i = 1; i < s.ran.size(); ++i) {
    const Ran& a = s.ran[i - 1];
    const Ran& b = s.ran[i];
    ASSERT_LT(std::tie(a.at_us, a.scheduled), std::tie(b.at_us, b.scheduled)) << "event " << i;
  }
  EXPECT_EQ(loop.pending_events(), 0u);
}

INSTANTIATE_TEST_SUITE_P(Shapes, EventHeapTest,
                         ::testing::Values(HeapCase{1, 50, 10}, HeapCase{3, 40, 0},
                                           HeapCase{5, 30, 2}, HeapCase{17, 20, 1000},
                                           HeapCase{200, 10, 50}, HeapCase{1000, 5, 100000}));

// A cancelled event in the middle of a large queue is skipped; the rest keep their order.
TEST(EventHeapCancelTest, CancelledEventIsSkipped) {
  EventLoop loop;
  Shared s;
  s.loop = &loop;
  for (int i = 0; i < 100; ++i) {
    loop.Spawn(Sleeper(&s, i, 3, 500, static_cast<std::uint64_t>(i) + 7), "s");
  }
  // Roots start through the queue: the 100 start events have sequence numbers 0..99.
  EXPECT_TRUE(loop.Cancel(42));
  EXPECT_FALSE(loop.Cancel(42));
  loop.Run();
  EXPECT_EQ(s.ran.size(), 99u * 3u);
  for (const Ran& r : s.ran) EXPECT_NE(r.who, 42);
  EXPECT_EQ(loop.UnfinishedRoots().size(), 1u);
}

}  // namespace
}  // namespace agentsim
