// TimerQueue pops in exact (time, seq) order, against a sorted reference, for pushes that land
// in the wheel, in the heap (beyond the wheel's reach or before its base), on both sides of the
// boundary for the same instant, across the wheel's wrap-around and after long idle jumps.
#include "core/async/timer_queue.h"

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "core/rng/rng.h"

namespace agentsim {
namespace {

constexpr std::uint64_t W = TimerQueue::kWheelSlots;

struct Ref {
  std::uint64_t at_us;
  std::uint64_t seq;
  bool operator<(const Ref& o) const { return std::tie(at_us, seq) < std::tie(o.at_us, o.seq); }
};

// A simulation of the event loop's use: pop the front, then push `pushes_per_pop` entries at
// now + delay, delay uniform in [0, max_delay] (0 and W-1, W, W+1 included when in range).
struct QueueCase {
  int initial;
  int pops;
  int pushes_per_pop;
  std::uint64_t max_delay;
  std::uint64_t seed;
};

void PrintTo(const QueueCase& c, std::ostream* os) {
  *os << c.initial << " initial, " << c.pops << " pops x" << c.pushes_per_pop
      << " delay<=" << c.max_delay << " seed " << c.seed;
}

class TimerQueueTest : public ::testing::TestWithParam<QueueCase> {};

TEST_P(TimerQueueTest, PopsInTimeThenSequenceOrder) {
  const QueueCase c = GetParam();
  Rng rng(c.seed);
  TimerQueue q;
  std::vector<Ref> pending;  // reference: kept sorted lazily by min search
  std::uint64_t seq = 0;
  std::uint64_t now = 0;
  auto push = [&](std::uint64_t at) {
    q.Push(at, seq, reinterpret_cast<void*>(static_cast<std::uintptr_t>(seq + 1)));
    pending.push_back(Ref{at, seq});
    ++seq;
  };
  auto delay = [&] {
    // A quarter of the pushes sit on the wheel's edge, the rest are uniform.
    if (rng.Index(4) == 0) return std::min<std::uint64_t>(c.max_delay, W - 2 + rng.Index(4));
    return static_cast<std::uint64_t>(rng.UniformInt(0, static_cast<std::int64_t>(c.max_delay)));
  };
  for (int i = 0; i < c.initial; ++i) push(delay());
  for (int i = 0; i < c.pops && !pending.empty(); ++i) {
    ASSERT_EQ(q.size(), pending.size());
    const auto it = std::min_element(pending.begin(), pending.end());
    const Ref want = *it;
    pending.erase(it);
    ASSERT_EQ(q.FrontTime(), want.at_us) << "pop " << i;
    const TimerQueue::Entry got = q.PopFront();
    ASSERT_EQ(got.at_us, want.at_us) << "pop " << i;
    ASSERT_EQ(got.seq, want.seq) << "pop " << i;
    ASSERT_EQ(got.handle, reinterpret_cast<void*>(static_cast<std::uintptr_t>(want.seq + 1)));
    now = got.at_us;
    for (int k = 0; k < c.pushes_per_pop; ++k) push(now + delay());
  }
  EXPECT_EQ(q.empty(), pending.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, TimerQueueTest,
    ::testing::Values(QueueCase{1, 3000, 1, 0, 1},           // all at one instant
                      QueueCase{50, 3000, 1, 3, 2},          // many equal times
                      QueueCase{200, 5000, 1, W - 1, 3},     // all within the wheel
                      QueueCase{200, 5000, 1, W + 1, 4},     // straddling its edge
                      QueueCase{100, 5000, 1, 3 * W, 5},     // wheel and heap
                      QueueCase{100, 5000, 1, 1000 * W, 6},  // mostly the heap, long jumps
                      QueueCase{1, 4000, 2, W / 2, 7},       // growing
                      QueueCase{3000, 3000, 0, 2 * W, 8}));  // draining

// An instant pushed into the heap (out of reach) and later into the wheel (in reach) pops the
// heap's entry first: it was scheduled first.
TEST(TimerQueueEdgeTest, SameInstantFromHeapAndWheelKeepsSchedulingOrder) {
  TimerQueue q;
  q.Push(W + 10, 0, nullptr);  // beyond the wheel: heap
  q.Push(20, 1, nullptr);
  EXPECT_EQ(q.PopFront().seq, 1u);  // base is now 20: W + 10 is within reach
  q.Push(W + 10, 2, nullptr);       // wheel
  q.Push(W + 10, 3, nullptr);
  EXPECT_EQ(q.FrontTime(), W + 10);
  EXPECT_EQ(q.PopFront().seq, 0u);
  EXPECT_EQ(q.PopFront().seq, 2u);
  EXPECT_EQ(q.PopFront().seq, 3u);
  EXPECT_TRUE(q.empty());
}

// A time before the last popped one (never produced by the event loop, which clamps to now)
// still pops first.
TEST(TimerQueueEdgeTest, TimeBeforeBaseGoesFirst) {
  TimerQueue q;
  q.Push(100, 0, nullptr);
  EXPECT_EQ(q.PopFront().at_us, 100u);
  q.Push(150, 1, nullptr);
  q.Push(50, 2, nullptr);
  EXPECT_EQ(q.PopFront().at_us, 50u);
  EXPECT_EQ(q.PopFront().at_us, 150u);
}

// Wrap-around: entries at base + k for k across the ring's end pop in time order.
TEST(TimerQueueEdgeTest, WrapsAroundTheRing) {
  TimerQueue q;
  q.Push(W - 3, 0, nullptr);
  EXPECT_EQ(q.PopFront().at_us, W - 3);  // base W - 3: slots W-3..W-1 then 0..W-4
  std::uint64_t seq = 1;
  for (std::uint64_t t : {2 * W - 4, W + 5, W - 1, W, W - 3, W + 1}) q.Push(t, seq++, nullptr);
  std::vector<std::uint64_t> times;
  while (!q.empty()) times.push_back(q.PopFront().at_us);
  EXPECT_EQ(times, (std::vector<std::uint64_t>{W - 3, W - 1, W, W + 1, W + 5, 2 * W - 4}));
}

TEST(TimerQueueEdgeTest, ClearEmptiesBothParts) {
  TimerQueue q;
  q.Push(5, 0, nullptr);
  q.Push(10 * W, 1, nullptr);
  EXPECT_EQ(q.size(), 2u);
  q.Clear();
  EXPECT_TRUE(q.empty());
  q.Push(7, 2, nullptr);
  EXPECT_EQ(q.PopFront().seq, 2u);
}

}  // namespace
}  // namespace agentsim
