// TimerQueue pops in exact (time, seq) order, against a sorted reference, for pushes that land
// in the ring, in the far wheel, in the heap (beyond the far wheel's reach or before the base),
// on both sides of each boundary for the same instant, across the wheels' wrap-around and after
// long idle jumps.
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
constexpr std::uint64_t B = TimerQueue::kBlockUs;
constexpr std::uint64_t F = TimerQueue::kFarSpanUs;

struct Ref {
  std::uint64_t at_us;
  std::uint64_t seq;
  bool operator<(const Ref& o) const { return std::tie(at_us, seq) < std::tie(o.at_us, o.seq); }
};

// A simulation of the event loop's use: pop the front, then push `pushes_per_pop` entries at
// now + delay, delay uniform in [0, max_delay] (0 and W-1, W, W+1 included when in range), or
// with `far_edges`, also near the far wheel's end (F - 2 .. F + 1).
struct QueueCase {
  int initial;
  int pops;
  int pushes_per_pop;
  std::uint64_t max_delay;
  std::uint64_t seed;
  bool far_edges = false;
};

void PrintTo(const QueueCase& c, std::ostream* os) {
  *os << c.initial << " initial, " << c.pops << " pops x" << c.pushes_per_pop
      << " delay<=" << c.max_delay << " seed " << c.seed << (c.far_edges ? " far edges" : "");
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
    if (c.far_edges && rng.Index(4) == 0) {
      return std::min<std::uint64_t>(c.max_delay, F - 2 + rng.Index(4));
    }
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
                      QueueCase{3000, 3000, 0, 2 * W, 8},    // draining
                      QueueCase{300, 6000, 1, 1'000'000, 9},  // ring and far wheel (ms to s)
                      QueueCase{300, 6000, 1, 3 * B, 10},     // block boundaries
                      QueueCase{200, 6000, 1, F + 2, 11, true},  // the far wheel's edge
                      QueueCase{200, 6000, 1, 3 * F, 12, true},  // all three parts
                      QueueCase{2000, 8000, 1, 2 * F, 13},       // many far blocks in use
                      QueueCase{1, 6000, 2, 40'000, 14},         // growing, ring and far
                      QueueCase{5000, 5000, 0, F - 1, 15}));     // draining the far wheel

// An instant pushed into the heap (out of reach) and later into a wheel (in reach) pops the
// heap's entry first: it was scheduled first.
TEST(TimerQueueEdgeTest, SameInstantFromHeapAndWheelKeepsSchedulingOrder) {
  TimerQueue q;
  q.Push(F + W + 10, 0, nullptr);  // beyond the far wheel: heap
  q.Push(W + 20, 1, nullptr);      // far wheel
  EXPECT_EQ(q.PopFront().seq, 1u);  // its block moved into the ring; F + W + 10 is in reach
  q.Push(F + W + 10, 2, nullptr);   // far wheel
  q.Push(F + W + 10, 3, nullptr);
  EXPECT_EQ(q.FrontTime(), F + W + 10);
  EXPECT_EQ(q.PopFront().seq, 0u);
  EXPECT_EQ(q.PopFront().seq, 2u);
  EXPECT_EQ(q.PopFront().seq, 3u);
  EXPECT_TRUE(q.empty());
}

// An instant's entries pushed into the far wheel before its block moves into the ring, and into
// the ring after, pop in scheduling order; so do entries of the block after it, which moves in
// with it.
TEST(TimerQueueEdgeTest, SameInstantFromFarWheelAndRingKeepsSchedulingOrder) {
  TimerQueue q;
  q.Push(5 * B + 7, 0, nullptr);  // far wheel, block 5
  q.Push(6 * B + 1, 1, nullptr);  // far wheel, block 6
  q.Push(5 * B + 7, 2, nullptr);  // far wheel, after seq 0 in block 5's list
  q.Push(5 * B + 3, 3, nullptr);
  EXPECT_EQ(q.FrontTime(), 5 * B + 3);  // blocks 5 and 6 are now in the ring
  EXPECT_EQ(q.PopFront().seq, 3u);
  q.Push(5 * B + 7, 4, nullptr);  // ring
  q.Push(6 * B + 1, 5, nullptr);  // ring
  std::vector<std::uint64_t> seqs;
  while (!q.empty()) seqs.push_back(q.PopFront().seq);
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{0, 2, 4, 1, 5}));
}

// A heap entry earlier than the far wheel's first block pops first, without the block moving
// into the ring; pushes after it still order right against the block.
TEST(TimerQueueEdgeTest, HeapEntryBeforeTheFarWheelsFirstBlockPopsFirst) {
  TimerQueue q;
  q.Push(F + 100, 0, nullptr);   // heap
  q.Push(F / 2, 1, nullptr);     // far wheel
  EXPECT_EQ(q.PopFront().seq, 1u);  // base F / 2: F + 100 is now within the far wheel's reach
  q.Push(F + 50 * B, 2, nullptr);   // far wheel
  EXPECT_EQ(q.FrontTime(), F + 100);
  EXPECT_EQ(q.PopFront().seq, 0u);
  q.Push(F + 100, 3, nullptr);       // the same instant again: after seq 0, before seq 2
  q.Push(F + 50 * B, 4, nullptr);
  q.Push(F + 50 * B - 1, 5, nullptr);
  std::vector<std::uint64_t> seqs;
  while (!q.empty()) seqs.push_back(q.PopFront().seq);
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{3, 5, 2, 4}));
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

TEST(TimerQueueEdgeTest, ClearEmptiesEveryPart) {
  TimerQueue q;
  q.Push(5, 0, nullptr);
  q.Push(10 * W, 1, nullptr);
  q.Push(2 * F, 2, nullptr);
  EXPECT_EQ(q.size(), 3u);
  q.Clear();
  EXPECT_TRUE(q.empty());
  q.Push(7, 3, nullptr);
  EXPECT_EQ(q.PopFront().seq, 3u);
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace agentsim
