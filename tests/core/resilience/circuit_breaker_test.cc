#include "core/resilience/circuit_breaker.h"

#include <optional>
#include <ostream>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace agentsim {

// Test output only.
void PrintTo(const BreakerTransition& t, std::ostream* os) {
  *os << "{" << t.at_us << ", " << BreakerStateName(t.from) << " -> " << BreakerStateName(t.to)
      << ", \"" << t.reason << "\"}";
}

namespace {

constexpr BreakerState kClosed = BreakerState::kClosed;
constexpr BreakerState kOpen = BreakerState::kOpen;
constexpr BreakerState kHalfOpen = BreakerState::kHalfOpen;

CircuitBreakerOptions Options(int threshold, Micros cooldown_us, int probes) {
  CircuitBreakerOptions o;
  o.failure_threshold = threshold;
  o.cooldown_us = cooldown_us;
  o.half_open_probes = probes;
  return o;
}

void Fail(CircuitBreaker& b, Micros at) {
  auto p = b.TryAcquire(at);
  ASSERT_TRUE(p.has_value()) << "refused at " << at;
  p->Failed(at, "error");
}
void Succeed(CircuitBreaker& b, Micros at) {
  auto p = b.TryAcquire(at);
  ASSERT_TRUE(p.has_value()) << "refused at " << at;
  p->Succeeded(at);
}

TEST(CircuitBreakerTest, StateChangesInOrderWithInstantsAndReasons) {
  CircuitBreaker b(Options(3, 1'000'000, 1));
  Fail(b, 100);
  Fail(b, 200);
  Succeed(b, 300);  // resets the count
  Fail(b, 400);
  Fail(b, 500);
  EXPECT_EQ(b.state(500), kClosed);
  Fail(b, 600);  // third in a row: opens
  EXPECT_EQ(b.state(600), kOpen);
  EXPECT_FALSE(b.TryAcquire(1'000'599).has_value());  // still cooling down
  // First call after the cool-down: half-open (recorded at the end of the cool-down), one probe.
  auto probe = b.TryAcquire(1'200'000);
  ASSERT_TRUE(probe.has_value());
  EXPECT_FALSE(b.TryAcquire(1'200'000).has_value());  // the only probe slot is taken
  probe->Failed(1'300'000, "timeout");                 // re-opens
  EXPECT_FALSE(b.TryAcquire(2'299'999).has_value());
  Succeed(b, 2'400'000);  // half-open at 2'300'000, probe succeeds: closed
  EXPECT_EQ(b.state(2'400'000), kClosed);

  EXPECT_THAT(b.transitions(),
              ::testing::ElementsAre(
                  BreakerTransition{600, kClosed, kOpen, "3 consecutive failures (last: error)"},
                  BreakerTransition{1'000'600, kOpen, kHalfOpen, "cool-down of 1000 ms ended"},
                  BreakerTransition{1'300'000, kHalfOpen, kOpen, "probe failed (timeout)"},
                  BreakerTransition{2'300'000, kOpen, kHalfOpen, "cool-down of 1000 ms ended"},
                  BreakerTransition{2'400'000, kHalfOpen, kClosed, "1 probe succeeded"}));
  EXPECT_EQ(b.stats().admitted, 8u);
  EXPECT_EQ(b.stats().refused, 3u);
  EXPECT_EQ(b.stats().failures, 6u);
  EXPECT_EQ(b.stats().successes, 2u);
}

TEST(CircuitBreakerTest, HalfOpenNeedsEveryProbeToSucceed) {
  CircuitBreaker b(Options(1, 500, 2));
  Fail(b, 0);
  auto p1 = b.TryAcquire(500);
  auto p2 = b.TryAcquire(500);
  ASSERT_TRUE(p1.has_value());
  ASSERT_TRUE(p2.has_value());
  EXPECT_FALSE(b.TryAcquire(500).has_value());
  p1->Succeeded(600);
  EXPECT_EQ(b.state(600), kHalfOpen);
  EXPECT_FALSE(b.TryAcquire(600).has_value());  // one success + one in flight = 2 probes
  p2->Succeeded(700);
  EXPECT_EQ(b.state(700), kClosed);
  EXPECT_EQ(b.transitions().back().reason, "2 probes succeeded");
}

TEST(CircuitBreakerTest, NeutralAndAbandonedProbesGiveTheirSlotBack) {
  CircuitBreaker b(Options(1, 500, 1));
  Fail(b, 0);
  {
    auto p = b.TryAcquire(500);
    ASSERT_TRUE(p.has_value());
    p->Neutral();  // rate limited: neither success nor failure
  }
  {
    auto p = b.TryAcquire(600);
    ASSERT_TRUE(p.has_value());
  }  // destroyed unresolved (the caller was cancelled)
  EXPECT_EQ(b.state(700), kHalfOpen);
  Succeed(b, 700);
  EXPECT_EQ(b.state(700), kClosed);
}

TEST(CircuitBreakerTest, StaleResultsAreIgnored) {
  CircuitBreaker b(Options(2, 1'000, 1));
  auto slow = b.TryAcquire(0);  // admitted while closed
  Fail(b, 10);
  Fail(b, 20);  // opens
  slow->Succeeded(30);  // a result from before the change: ignored
  EXPECT_EQ(b.state(30), kOpen);
  auto probe = b.TryAcquire(1'020);
  auto late = b.TryAcquire(0 + 1'020);
  EXPECT_FALSE(late.has_value());
  ASSERT_TRUE(probe.has_value());
  probe->Succeeded(1'100);
  EXPECT_EQ(b.state(1'100), kClosed);
  EXPECT_EQ(b.transitions().size(), 3u);
}

TEST(CircuitBreakerTest, NeutralResultsDoNotResetTheCount) {
  CircuitBreaker b(Options(2, 1'000, 1));
  Fail(b, 0);
  auto p = b.TryAcquire(5);
  p->Neutral();
  Fail(b, 10);
  EXPECT_EQ(b.state(10), kOpen);
}

}  // namespace
}  // namespace agentsim
