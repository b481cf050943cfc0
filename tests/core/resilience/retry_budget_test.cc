#include "core/resilience/retry_budget.h"

#include <gtest/gtest.h>

namespace agentsim {
namespace {

RetryBudgetOptions Options(int percent, int min_per_s, Micros window_us, int buckets) {
  RetryBudgetOptions o;
  o.retry_percent = percent;
  o.min_retries_per_second = min_per_s;
  o.window_us = window_us;
  o.buckets = buckets;
  return o;
}

int RetriesAllowed(RetryBudget& b, Micros at, int tries) {
  int allowed = 0;
  for (int i = 0; i < tries; ++i) allowed += b.TryRetry(at) ? 1 : 0;
  return allowed;
}

TEST(RetryBudgetTest, ReserveAloneAllowsMinRetriesPerSecondTimesWindow) {
  RetryBudget b(Options(20, 1, 10 * kMicrosPerSecond, 10));
  EXPECT_EQ(b.Available(0), 10);
  EXPECT_EQ(RetriesAllowed(b, 0, 15), 10);
  EXPECT_EQ(b.Available(0), 0);
  EXPECT_EQ(b.stats().retries_allowed, 10u);
  EXPECT_EQ(b.stats().retries_refused, 5u);
}

TEST(RetryBudgetTest, RetriesAreAShareOfRequests) {
  RetryBudget b(Options(20, 0, 10 * kMicrosPerSecond, 10));
  for (int i = 0; i < 99; ++i) b.RecordRequest(1'000);
  EXPECT_EQ(b.Available(1'000), 19);  // floor(0.2 * 99)
  b.RecordRequest(1'000);
  EXPECT_EQ(RetriesAllowed(b, 1'000, 30), 20);
  b.RecordRequest(2'000);  // 101 requests: still 20 (20.2 floored)
  EXPECT_FALSE(b.TryRetry(2'000));
  for (int i = 0; i < 4; ++i) b.RecordRequest(3'000);  // 105: 21
  EXPECT_TRUE(b.TryRetry(3'000));
  EXPECT_FALSE(b.TryRetry(3'000));
}

TEST(RetryBudgetTest, CountsLeaveTheSlidingWindow) {
  // Ten slots of one second.
  RetryBudget b(Options(50, 0, 10 * kMicrosPerSecond, 10));
  for (int i = 0; i < 10; ++i) b.RecordRequest(500'000);  // slot 0
  EXPECT_EQ(RetriesAllowed(b, 500'000, 10), 5);
  EXPECT_EQ(b.Available(9'999'999), 0);   // slot 9: slot 0 still in the window
  EXPECT_EQ(b.Available(10'000'000), 0);  // slot 10: requests and retries both gone
  for (int i = 0; i < 4; ++i) b.RecordRequest(10'000'000);
  EXPECT_EQ(b.Available(10'000'000), 2);
  // Slot 10 reuses the ring position of slot 0: the old counts must not come back.
  EXPECT_EQ(b.Available(19'999'999), 2);
  EXPECT_EQ(b.Available(20'000'000), 0);
}

}  // namespace
}  // namespace agentsim
